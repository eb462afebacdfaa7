/* saddle-trend.h — the trend of a study's critical points: ratio against loss, with its uncertainty
 *
 * Dauphin et al. (2014) expect the index (share of negative eigenvalues) to grow with the loss,
 * so the ratio of positive ones should fall as the loss rises: Spearman's ρ of (loss, ratio) < 0.
 * A verdict is given only when a bootstrap interval for ρ excludes 0 (and the permutation
 * p-value agrees, p < SADDLE_TREND_ALPHA: a tiny set's interval can exclude 0 when no test
 * could), always with n, the subset
 * (the certified-stationary points, or all of them), the interval and a permutation p-value.
 * Everything is computed from the set as it is, seeded, on the caller's thread; nothing fails
 * (too little data gives SADDLE_TREND_TOO_FEW and NAN numbers).
 */
#pragma once

#include "saddle-critical-set.h"
#include "saddle-stats.h"

G_BEGIN_DECLS

/* The y value of the critical scatter. */
typedef enum
{
  SADDLE_CRITICAL_RATIO_MINIMAL,    /* the homework's #λ>0 / n: the zero band counts in n (default) */
  SADDLE_CRITICAL_RATIO_NONZERO,    /* #λ>0 / (#λ>0 + #λ<0): the zero band left out */
} SaddleCriticalRatio;

/* Which points a trend is over. */
typedef enum
{
  SADDLE_TREND_CERTIFIED,   /* certificate != SADDLE_CERTIFICATE_NONE: certified stationary */
  SADDLE_TREND_ALL,         /* every point with a finite loss and ratio */
} SaddleTrendSubset;

#define SADDLE_TREND_N_SUBSETS 2

/* What the data say about the expectation. */
typedef enum
{
  SADDLE_TREND_TOO_FEW,         /* fewer than 3 points, or all losses or all ratios tied: no ρ */
  SADDLE_TREND_NO_EVIDENCE,     /* the interval for ρ contains 0, or p ≥ SADDLE_TREND_ALPHA */
  SADDLE_TREND_AS_EXPECTED,     /* the interval lies below 0 (and p < α): the ratio falls as the loss rises */
  SADDLE_TREND_AGAINST,         /* the interval lies above 0 (and p < α): the ratio rises with the loss */
  /* The same two, over a subset with points not certified stationary: those are no critical
   * points, so the correlation is no test of the expectation, and is not called one. */
  SADDLE_TREND_FALLS_UNCERTIFIED,
  SADDLE_TREND_RISES_UNCERTIFIED,
} SaddleTrendVerdict;

/* The fixed settings of every trend: B bootstrap resamples, random permutations, seed, and the
 * level a verdict also needs the permutation p-value under (1 − the interval's 95 %). */
#define SADDLE_TREND_ALPHA         0.05
#define SADDLE_TREND_RESAMPLES     2000
#define SADDLE_TREND_PERMUTATIONS  10000
#define SADDLE_TREND_SEED          2014

/* The trend over one subset. */
typedef struct
{
  SaddleTrendSubset  subset;
  gsize              n;            /* points in the subset (finite loss and ratio; > 0 loss on a log axis) */
  double             loss_lo;      /* their loss range (the line is drawn across it); NAN if none */
  double             loss_hi;
  gboolean           fitted;       /* the least-squares line exists (2 points with distinct loss) */
  double             slope;        /* ratio ≈ slope·x + intercept, x = log10 (loss) or loss; NAN if not */
  double             intercept;
  double             r2;           /* of the line; NAN if the ratio is constant */
  double             pearson;      /* Pearson's r of (x, ratio); NAN for < 3 points or no variance */
  SaddleSpearmanTest spearman;     /* ρ of (loss, ratio), its interval and p-value */
  SaddleTrendVerdict verdict;
  gboolean           pb_fitted;    /* the Pennington–Bahri law was fitted to index = 1 − ratio */
  double             pb_loss_c;    /* index ≈ pb_a·(loss − pb_loss_c)^{3/2}; NAN if not fitted */
  double             pb_a;
  double             pb_residual;  /* root-mean-square misfit of the index */
  int                pb_error;     /* SaddleStatsError code when not fitted, else -1 */
} SaddleSubsetTrend;

typedef struct
{
  SaddleCriticalRatio ratio;
  gboolean            x_log;       /* losses span more than a decade: lines in log10 (loss) */
  SaddleTrendSubset   shown;       /* what a single claim shows: certified if n ≥ 3 there, else all */
  SaddleSubsetTrend   subsets[SADDLE_TREND_N_SUBSETS];   /* by SaddleTrendSubset */
  double              mean_minimal_ratio;  /* over the points with a spectrum; NAN if none */
  double              mean_nonzero_ratio;  /* over those whose non-zero ratio is defined */
} SaddleCriticalTrend;

/* Whether the loss axis (and the line) of @set's scatter is logarithmic: positive losses spanning
 * more than a decade. */
gboolean                 saddle_critical_trend_x_log    (const SaddleCriticalSet *set);
/* The trend of @set (may be NULL: no points) with @ratio on y, for every subset. */
void                     saddle_critical_trend_compute  (const SaddleCriticalSet *set,
                                                         SaddleCriticalRatio      ratio,
                                                         SaddleCriticalTrend     *trend);
/* trend.csv: every number of @trend as name,value rows, each subset's prefixed with its name
 * ("certified_p_value", "all_verdict"); atomic, the error names @path. */
gboolean                 saddle_critical_trend_write_csv (const SaddleCriticalTrend *trend,
                                                          const char                *path,
                                                          GError                   **error);
/* The subset @trend->shown names. */
const SaddleSubsetTrend *saddle_critical_trend_get_shown (const SaddleCriticalTrend *trend);
/* Whether @point counts in @subset (has a finite loss and ratio is checked separately). */
gboolean                 saddle_trend_subset_contains   (SaddleTrendSubset          subset,
                                                         const SaddleCriticalPoint *point);
/* The point's place on the scatter in data units (loss, @ratio); FALSE if it has none: no
 * spectrum, a value not finite, or a loss ≤ 0 on a log axis (@x_log). */
gboolean                 saddle_trend_point_coords      (const SaddleCriticalPoint *point,
                                                         gboolean                   x_log,
                                                         SaddleCriticalRatio        ratio,
                                                         double                    *loss,
                                                         double                    *value);
/* "certified" / "all", for files. */
const char              *saddle_trend_subset_to_string  (SaddleTrendSubset  subset);
/* "as expected", "against the expectation", "no evidence either way", "too few points", or
 * the two that name a fall or rise over uncertified points as no test (English, marked N_:
 * the CLI and files write it as it is, the app and charts through gettext). */
const char              *saddle_trend_verdict_to_string (SaddleTrendVerdict verdict);

G_END_DECLS
