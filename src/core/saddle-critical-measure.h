/* saddle-critical-measure.h — everything `saddle-cli hessian` measures at given weights
 *
 * One entry for the CLI's hessian and the app's Analyse Weights. The weights are first moved
 * towards ∇L = 0 when the settings ask for it (‖∇L‖² descent, then Newton: as in
 * saddle_critical_find()), then measured by one of three methods:
 *   DENSE    the full Hessian: every eigenvalue, counts, ratios, label (saddle_critical_analyse());
 *   LANCZOS  the k lowest and highest eigenvalues from Hessian-vector products, the residual
 *            ‖H·v − λ·v‖ of each unit Ritz vector, and what the two ends alone can tell;
 *   SLQ      the eigenvalue density by stochastic Lanczos quadrature, with the exact spectrum
 *            beside it up to overlay_max parameters (the same smoothing, so they compare).
 * Loss, ‖∇L‖, ‖H·g‖/‖g‖, accuracy, dead units and the Newton reach come with every method.
 * Runs on the calling thread; PROGRESS events (message: the phase) go to the SaddleEventFunc,
 * whose FALSE cancels. Failure gives NULL and an error in the domain of the part that failed.
 */
#pragma once

#include "saddle-critical.h"
#include "saddle-density.h"
#include "saddle-lanczos.h"

G_BEGIN_DECLS

/* Lanczos steps when the settings say 0 (capped at the parameter count). */
#define SADDLE_MEASURE_LANCZOS_DEFAULT_STEPS 1000
/* SLQ: the exact spectrum is computed for the overlay up to this many parameters. */
#define SADDLE_MEASURE_OVERLAY_MAX           4096

typedef enum
{
  SADDLE_MEASURE_DENSE,
  SADDLE_MEASURE_LANCZOS,
  SADDLE_MEASURE_SLQ,
} SaddleMeasureMethod;

/* What the Lanczos extremes alone say about the point (the zero band's size needs DENSE). */
typedef enum
{
  SADDLE_LANCZOS_VERDICT_NONE,         /* not a Lanczos measurement */
  SADDLE_LANCZOS_VERDICT_UNCONVERGED,  /* ‖∇L‖ > grad_tolerance: a slope, not a critical point */
  SADDLE_LANCZOS_VERDICT_SADDLE,       /* λmin lies below the zero band */
  SADDLE_LANCZOS_VERDICT_NO_NEGATIVE,  /* none below the zero band: a minimum or degenerate */
} SaddleLanczosVerdict;

typedef struct
{
  SaddleMeasureMethod method;
  gsize               k;            /* LANCZOS: distinct eigenvalues at each end, ≤ n */
  gsize               iterations;   /* LANCZOS: step cap (0: default); SLQ: steps per probe
                                     * (0: SADDLE_LANCZOS_DEFAULT_ITERATIONS) */
  guint               probes;       /* SLQ: probe vectors (0: default) */
  guint64             seed;         /* the Lanczos start and the SLQ probes */
  gsize               overlay_max;  /* SLQ: exact spectrum up to this size (0: none) */
} SaddleMeasureSettings;

typedef struct
{
  SaddleMeasureMethod  method;
  /* Always: run 0, the point (params), loss, ‖∇L‖ before and after moving, ‖H·g‖/‖g‖, Newton
   * reach, steps, dead units. DENSE also fills spectrum, label and the point's measures; the
   * others leave spectrum NULL and label unset. */
  SaddleCriticalPoint *point;
  /* LANCZOS */
  gsize                k;
  double              *lowest;          /* (k) ascending from λmin */
  double              *highest;         /* (k) descending from λmax */
  double              *residual_low;    /* (k) ‖H·v − λ·v‖₂ of each unit Ritz vector */
  double              *residual_high;   /* (k) */
  SaddleLanczosInfo    info;
  SaddleLanczosVerdict verdict;
  /* SLQ */
  SaddleDensity       *density;
  double               shares[3];       /* the density's mass below −σ, within ±σ, above σ */
  SaddleSpectrum      *exact;           /* the exact spectrum, or NULL (see exact_note) */
  double               exact_shares[3]; /* the same shares of the exact spectrum smoothed alike */
  double               exact_mean;      /* its mean eigenvalue */
  char                *exact_note;      /* why there is no exact spectrum, or NULL */
} SaddleCriticalMeasure;

/* Defaults: DENSE, k 10, iterations 0, probes 0, seed 1, overlay_max SADDLE_MEASURE_OVERLAY_MAX. */
void                   saddle_measure_settings_init (SaddleMeasureSettings *measure);
/* Moves @theta in place when @settings ask for descent or Newton steps, then measures the point
 * it reaches with @measure's method (see above). */
SaddleCriticalMeasure *saddle_critical_measure      (SaddleModel                  *model,
                                                     double                       *theta,
                                                     const SaddleBatch            *batch,
                                                     const SaddleCriticalSettings *settings,
                                                     const SaddleMeasureSettings  *measure,
                                                     SaddleEventFunc               func,
                                                     gpointer                      user_data,
                                                     GError                      **error);
void                   saddle_critical_measure_free (SaddleCriticalMeasure *measure);
/* The CSV file the method gives: "eigenvalues.csv" (DENSE), "extremes.csv" (LANCZOS) or
 * "density.csv" (SLQ). */
const char            *saddle_critical_measure_csv_name (const SaddleCriticalMeasure *measure);
/* Writes that file to @path, full precision: DENSE index,eigenvalue (ascending); LANCZOS
 * end,rank,eigenvalue,residual_norm, k rows "lowest" (rank 1 = λmin) then k rows "highest"
 * (rank 1 = λmax), residual_norm = ‖H·v − λ·v‖₂ of the unit Ritz vector v; SLQ x,density,
 * the smoothed density on its grid. The error names the file and what it holds. */
gboolean               saddle_critical_measure_write_csv (const SaddleCriticalMeasure *measure,
                                                          const char                  *path,
                                                          GError                     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleCriticalMeasure, saddle_critical_measure_free)

G_END_DECLS
