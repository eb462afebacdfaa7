/* saddle-critical.h — find a point where the gradient is almost zero and analyse its Hessian
 *
 * The homework's method: from a trained point, minimise ‖∇L‖² on the whole
 * training set with its exact gradient 2·H·∇L (one HVP a step), until ‖∇L‖
 * is below a tolerance or a step cap; then refine with Newton steps on
 * ∇L = 0 (which go to critical points of any index, saddles included), and
 * build the full Hessian there and classify all its eigenvalues.
 */
#pragma once

#include "saddle-event.h"
#include "saddle-hessian.h"
#include "saddle-model.h"
#include "saddle-newton.h"
#include "saddle-spectrum.h"

G_BEGIN_DECLS

#define SADDLE_CRITICAL_ERROR (saddle_critical_error_quark ())

typedef enum
{
  SADDLE_CRITICAL_ERROR_CANCELLED,
  SADDLE_CRITICAL_ERROR_DIVERGED,
  SADDLE_CRITICAL_ERROR_INVALID,    /* bad settings or an empty batch; the message names it */
} SaddleCriticalError;

typedef enum
{
  /* Certified stationary (see SaddleCertificate), classified by the spectrum: */
  SADDLE_CRITICAL_MINIMUM,          /* no negative eigenvalue, zero band ≤ 10 % of n */
  SADDLE_CRITICAL_SADDLE,           /* negative eigenvalues present */
  SADDLE_CRITICAL_DEGENERATE,       /* no negative eigenvalue, zero band > 10 % of n */
  /* Not certified: the spectrum is only "the spectrum at this point". */
  SADDLE_CRITICAL_DESCENDING,       /* the loss still falls by more than still_factor */
  SADDLE_CRITICAL_UNCERTIFIED,      /* near-stationary as far as measured, not certified */
  SADDLE_CRITICAL_N_LABELS
} SaddleCriticalLabel;

/* ‖∇L‖ at or below which a point counts as a critical point reached (CLI and app summaries). */
#define SADDLE_CRITICAL_REACHED_GRAD_NORM 1e-8

/* Builds the Hessian at @theta and finds all its eigenvalues somewhere other than this process's
 * memory (saddle-cli under mpirun): the spectrum classified with @tolerance, the asymmetry
 * measured before symmetrising, the seconds the eigensolver took, and with @vectors not NULL every unit eigenvector in *@vectors
 * (v_i at + i·n, ascending). @progress gets the share of the build done. NULL and @error on
 * failure, with the codes of saddle_hessian_dense(). */
typedef SaddleSpectrum *(*SaddleDenseSpectrumFunc) (SaddleModel        *model,
                                                    const double       *theta,
                                                    const SaddleBatch  *batch,
                                                    double              tolerance,
                                                    SaddleProgressFunc  progress,
                                                    gpointer            progress_data,
                                                    double             *asymmetry,
                                                    double             *seconds_eigen,
                                                    double            **vectors,
                                                    gpointer            user_data,
                                                    GError            **error);

struct _SaddleCriticalSettings
{
  guint  descent_steps;    /* cap on ‖∇L‖² descent steps (Adam on ‖∇L‖²) */
  double descent_lr;       /* its learning rate */
  double grad_tolerance;   /* stop when ‖∇L‖ ≤ this */
  double zero_tolerance;   /* eigenvalue band, relative to max|λ| */
  gsize  hessian_block;    /* HVP columns per block; 0 = default */
  guint  newton_steps;     /* cap on Newton iterations (Hessians or MINRES solves); 0 = none */
  double newton_tolerance; /* stop refining when ‖∇L‖ ≤ this */
  double newton_cutoff;    /* pseudo-inverse: eigenvalues with |λ| ≤ this · max|λ| are left out */
  SaddleNewtonMethod newton_method;  /* how a Newton step is solved */
  guint  newton_minres_iterations;   /* cap on MINRES (Newton-MR) or CG (LM) iterations per solve */
  /* What the point is (see "What a point is" in the README). */
  double certify_tolerance; /* certified stationary: ‖∇L‖ (or, ReLU, the Clarke distance) ≤ this */
  double clarke_epsilon;    /* ReLU: kinks within this parameter distance enter the Clarke set */
  guint  still_steps;       /* still-descending test: L-BFGS steps, and as many full-batch Adam
                             * steps at still_lr, on the loss; 0 = none */
  double still_lr;          /* Adam's learning rate there (the study's training rate) */
  double still_factor;      /* a loss that falls by more than this factor is still descending */
  SaddleDenseSpectrumFunc dense_spectrum;  /* NULL: the Hessian is built and solved here */
  gpointer                dense_spectrum_data;
};

/* The exact reach of a Newton step where the dense eigendecomposition exists: H = V·Λ·Vᵀ and
 * c = Vᵀ∇L. At cut-off t the pseudo-inverse step is δ_t = −Σ_{|λ_i| > t·max|λ|} (c_i/λ_i)·v_i;
 * its residual ‖H·δ_t + ∇L‖/‖∇L‖ is the share of ∇L on the left-out eigenvalues, exactly. */
#define SADDLE_EXACT_REACH_CUTOFFS 3      /* t = 1e-13, 1e-8, 1e-6 */
/* The bands ‖∇L‖² is split over: zero |λ| ≤ 1e-6·max|λ|, weak 1e-6 < |λ|/max|λ| ≤ 1e-4. */
#define SADDLE_EXACT_REACH_ZERO_BAND 1e-6
#define SADDLE_EXACT_REACH_WEAK_BAND 1e-4

typedef struct
{
  double cutoff;           /* t */
  double length;           /* ‖δ_t‖ */
  double residual;         /* ‖H·δ_t + ∇L‖ / ‖∇L‖ */
  double kink_fraction;    /* share of δ_t walked before the first ReLU kink (1: none on the
                            * way); NAN for smooth activations */
} SaddleReachCut;

typedef struct
{
  SaddleReachCut cuts[SADDLE_EXACT_REACH_CUTOFFS];
  double         share_zero;  /* share of ‖∇L‖² on the zero band */
  double         share_weak;  /* share of ‖∇L‖² on the weak band */
} SaddleExactReach;

/* Why a point counts as stationary. */
typedef enum
{
  SADDLE_CERTIFICATE_NONE,          /* it does not: no label of a critical point */
  SADDLE_CERTIFICATE_GRADIENT,      /* ‖∇L‖ ≤ certify_tolerance */
  SADDLE_CERTIFICATE_CLARKE,        /* ReLU: Clarke distance ≤ certify_tolerance at clarke_epsilon */
} SaddleCertificate;

struct _SaddleCriticalPoint
{
  guint               run;
  gsize               n_params;
  double              loss;             /* at the point found */
  double              accuracy;         /* NAN for regression */
  double              grad_norm_start;  /* ‖∇L‖ when the descent began */
  double              grad_norm_descent; /* ‖∇L‖ after the ‖∇L‖² descent, before Newton */
  double              grad_norm;        /* ‖∇L‖ reached (after refinement) */
  double              hg_ratio;         /* ‖H·g‖ / ‖g‖ at the point; NAN when g = 0 */
  SaddleNewtonReach   reach;            /* is a critical point within Newton's reach? NAN if unmeasured */
  SaddleExactReach    exact_reach;      /* the same from the eigendecomposition; NAN if not dense */
  double              clarke_distance;  /* ReLU: min-norm element of the Clarke set; NAN otherwise */
  guint               clarke_kinks;     /* ReLU: (sample, unit) kinks within clarke_epsilon */
  double              still_factor;     /* L before ÷ the lowest L that still_steps of L-BFGS or of
                                         * Adam reach (the larger fall); NAN if not run */
  guint               still_steps;      /* steps each method took */
  guint               still_evaluations; /* loss-and-gradient evaluations the test made */
  SaddleRegionTally   still_tally;      /* how their gradients summed (for FLOP counts) */
  SaddleCertificate   certificate;      /* why the point counts as stationary, if it does */
  guint               steps;            /* descent steps taken */
  SaddleRegionTally   descent_tally;    /* how the descent's steps, and the ∇L taken at the
                                         * point they reached, summed (for FLOP counts) */
  guint               newton_steps;     /* Newton steps accepted, chord steps included */
  guint               dead_units;       /* ReLU units never active on the training set */
  double              asymmetry;        /* of the Hessian before symmetrising */
  SaddleCriticalLabel label;
  SaddleSpectrum     *spectrum;
  double             *params;           /* (n_params) the point itself */
  /* Wall-clock seconds per phase (g_get_monotonic_time); 0 for a phase not run here. */
  double              seconds_train;    /* training, filled in by the study */
  SaddleRegionTally   train_tally;      /* how the training summed (FLOP counts), the same */
  double              seconds_descent;  /* ‖∇L‖² descent */
  double              seconds_newton;   /* Newton refinement */
  double              seconds_hessian;  /* full Hessian build (with ‖H·g‖) */
  gsize               hessian_live;     /* parameters of its Gauss–Newton product, where the
                                         * structured build set dead units' aside
                                         * (saddle_hessian_structured_live()), else 0 */
  double              seconds_eigen;    /* its eigenvalues */
  double              seconds_still;    /* the still-descending test */
};

GQuark               saddle_critical_error_quark (void);

/* A batch the analysis can use: not empty, and fitting @model (SADDLE_CRITICAL_ERROR_INVALID
 * naming the mismatch). */
gboolean             saddle_critical_check_batch (const SaddleModel  *model,
                                                  const SaddleBatch  *batch,
                                                  GError            **error);
/* Defaults: 1000 steps, lr 1e-3, grad_tolerance 1e-4, zero_tolerance 1e-6, default block;
 * Newton: 20 steps, tolerance 1e-10, cutoff 1e-10, AUTO, 500 MINRES iterations. */
void                 saddle_critical_settings_init (SaddleCriticalSettings *settings);
/* The descent objective f = ‖∇L‖² at @theta; fills @grad (∇L, may be NULL), @loss (may be NULL)
 * and, if @grad_f is not NULL, its exact gradient ∇f = 2·H·∇L (one HVP). NAN if not finite. */
double               saddle_critical_objective (SaddleModel                  *model,
                                                const double                 *theta,
                                                const SaddleBatch            *batch,
                                                double                       *loss,
                                                double                       *grad,
                                                double                       *grad_f);
/* Minimises ‖∇L‖² over the whole @batch in place with Adam (lr descent_lr), emitting DESCENT
 * events (step 0 is the start; every step up to 9, then ~200 in all, and the last); stops at
 * ‖∇L‖ ≤ grad_tolerance or after descent_steps updates; leaves @theta at the smallest ‖∇L‖
 * seen, also on DIVERGED and CANCELLED; @steps (may be NULL) gets the updates made. */
gboolean             saddle_critical_descend   (SaddleModel                  *model,
                                                double                       *theta,
                                                const SaddleBatch            *batch,
                                                const SaddleCriticalSettings *settings,
                                                guint                         run,
                                                SaddleEventFunc               func,
                                                gpointer                      user_data,
                                                guint                        *steps,
                                                GError                      **error);
/* Full Hessian, spectrum, counts and label at @theta. Emits PROGRESS events (fraction of this
 * analysis, message "Hessian" while building, "Eigenvalues" before the eigensolver), never
 * CRITICAL (the caller does). steps = newton_steps = 0 and grad_norm_start = grad_norm_descent =
 * grad_norm: a caller that descended fills them in (or use saddle_critical_find()).
 * Cancelling gives SADDLE_CRITICAL_ERROR_CANCELLED;
 * Hessian and spectrum errors (TOO_LARGE, …) come in their own domains.
 * What the point is: certified stationary (SaddleCertificate) when ‖∇L‖ ≤ certify_tolerance,
 * or for ReLU when the Clarke distance at clarke_epsilon is; then SADDLE if any λ < −band,
 * DEGENERATE if the zero band holds more than 10 % of the eigenvalues, else MINIMUM. A point
 * not certified is DESCENDING when still_steps of L-BFGS on the loss lower it by more than
 * still_factor, else UNCERTIFIED. Where n ≤ SADDLE_NEWTON_DENSE_MAX the eigenvectors are
 * computed too and give the exact reach; beyond it the MINRES reach is measured instead. */
SaddleCriticalPoint *saddle_critical_analyse   (SaddleModel                  *model,
                                                const double                 *theta,
                                                const SaddleBatch            *batch,
                                                const SaddleCriticalSettings *settings,
                                                guint                         run,
                                                SaddleEventFunc               func,
                                                gpointer                      user_data,
                                                GError                      **error);
/* ‖H·g‖/‖g‖ at @theta for g = @grad (its norm @grad_norm), from @hg = H·g already computed.
 * Where H·g overflows (a Hessian and a gradient both near 1e200 give 1e400) it is measured
 * again as ‖H·(g/‖g‖)‖, which is as large as the ratio itself; NAN if g = 0 or if even that
 * is not finite. */
double saddle_critical_hg_ratio (SaddleModel       *model,
                                 const double      *theta,
                                 const SaddleBatch *batch,
                                 const double      *grad,
                                 double             grad_norm,
                                 const double      *hg);

/* How far saddle_critical_move() took a point. */
typedef struct
{
  guint  steps;              /* descent steps taken */
  SaddleRegionTally descent_tally; /* how they and the ∇L after them summed (FLOP counts) */
  guint  newton_steps;       /* Newton steps accepted */
  double grad_norm_start;    /* ‖∇L‖ before */
  double grad_norm_descent;  /* ‖∇L‖ after the descent, before Newton */
  double seconds_descent;
  double seconds_newton;
} SaddleCriticalMove;

/* saddle_critical_descend() and saddle_newton_refine() (unless newton_steps = 0; its DESCENT
 * events continue the step count) on @theta in place; @move gets what was done. */
gboolean             saddle_critical_move      (SaddleModel                  *model,
                                                double                       *theta,
                                                const SaddleBatch            *batch,
                                                const SaddleCriticalSettings *settings,
                                                guint                         run,
                                                SaddleEventFunc               func,
                                                gpointer                      user_data,
                                                SaddleCriticalMove           *move,
                                                GError                      **error);
/* saddle_critical_move() and saddle_critical_analyse() at the point reached, with steps,
 * newton_steps, grad_norm_start and grad_norm_descent filled in; @theta is left there. */
SaddleCriticalPoint *saddle_critical_find      (SaddleModel                  *model,
                                                double                       *theta,
                                                const SaddleBatch            *batch,
                                                const SaddleCriticalSettings *settings,
                                                guint                         run,
                                                SaddleEventFunc               func,
                                                gpointer                      user_data,
                                                GError                      **error);
SaddleCriticalPoint *saddle_critical_point_copy (const SaddleCriticalPoint *point);
void                 saddle_critical_point_free (SaddleCriticalPoint *point);
/* The name in CSV and JSON files: "minimum", "saddle", "degenerate", "descending", "uncertified". */
const char          *saddle_critical_label_to_string (SaddleCriticalLabel label);
/* "none", "gradient", "clarke": the certificate's name in files. */
const char          *saddle_critical_certificate_to_string   (SaddleCertificate certificate);
/* The inverse; FALSE for an unknown name. */
gboolean             saddle_critical_certificate_from_string (const char        *name,
                                                              SaddleCertificate *certificate);
/* What the label means in words, untranslated (N_): faces translate it with gettext. */
const char          *saddle_critical_label_title     (SaddleCriticalLabel label);
/* Whether @label is one of a certified stationary point. */
gboolean             saddle_critical_label_certified (SaddleCriticalLabel label);
/* The inverse of saddle_critical_label_to_string(); FALSE for an unknown name. */
gboolean             saddle_critical_label_from_string (const char          *name,
                                                        SaddleCriticalLabel *label);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleCriticalPoint, saddle_critical_point_free)

G_END_DECLS
