/* saddle-ground-truth.h — a network whose critical points are known in closed form
 *
 * A linear autoencoder d-k-d (identity activation, biases, mean squared error over samples
 * and outputs) on data with covariance Σ = (1/N)·Σ_n (x_n − x̄)(x_n − x̄)ᵀ = Σ_i λ_i u_i u_iᵀ
 * (λ_1 > … > λ_d distinct). Its critical points (Baldi & Hornik 1989) are, up to the hidden
 * layer's affine symmetry, the subsets I of principal directions: W2·W1 is the orthogonal
 * projection onto span{u_i : i ∈ I} and the output bias cancels the mean. There
 *   loss        = (1/d)·Σ_{j∉I} λ_j
 * and, at a full-rank point (|I| = k), in the exact Hessian of all 2dk + k + d parameters,
 *   negative    = #{(i, j) : i ∈ I, j ∉ I, λ_j > λ_i}
 *   zero        = k² (W1 → A·W1, W2 → W2·A⁻¹) + k (b1 → b1 + δ, b2 → b2 − W2·δ)
 * and every other eigenvalue positive. A rank-deficient point (|I| = r < k) has the same loss
 * formula, index the full-rank count plus (k − r)·(d − r) (each unused unit can pick up any
 * left-out direction) and zero count k + r·(2k − r) (r² + k + 2r·(k − r)): checked with the
 * full Hessian, with unused units zero and with unused W2 columns zero but W1 rows in
 * span{u_i : i ∈ I}, in tests/test-ground-truth.c and with PyTorch
 * (build-aux/verify-ground-truth.py). Subsets are bit masks: bit i is direction i + 1.
 */
#pragma once

#include "saddle-critical.h"
#include "saddle-dataset.h"

G_BEGIN_DECLS

#define SADDLE_GROUND_TRUTH_ERROR (saddle_ground_truth_error_quark ())

typedef enum
{
  SADDLE_GROUND_TRUTH_ERROR_INVALID,   /* not an autoencoder's data or model; the message says why */
  SADDLE_GROUND_TRUTH_ERROR_DEGENERATE,/* covariance eigenvalues not distinct: no finite set of points */
  SADDLE_GROUND_TRUTH_ERROR_LAPACK,    /* an eigensolver failed */
} SaddleGroundTruthError;

/* Largest d: subsets are 64-bit masks. */
#define SADDLE_GROUND_TRUTH_MAX_DIM 64
/* PCA components of the autoencoder task. */
#define SADDLE_GROUND_TRUTH_COMPONENTS 20
/* A found point matches when |loss − analytic| ≤ this · analytic and the index is exact. */
#define SADDLE_GROUND_TRUTH_LOSS_TOLERANCE 1e-8

typedef struct
{
  guint   d;             /* inputs = outputs */
  guint   k;             /* hidden units */
  gsize   n_params;      /* 2dk + k + d */
  double *mean;          /* (d) */
  double *lambda;        /* (d) covariance eigenvalues (1/N convention), decreasing */
  double *basis;         /* (d, d) row i = u_i, the eigenvector of lambda[i] */
} SaddleGroundTruth;

/* What a found point is, by the closed form, beside what was measured there. */
typedef struct
{
  guint    run;
  guint64  subset;            /* I: directions whose diagonal entry of Uᵀ·W2·W1·U exceeds 1/2 */
  guint    rank;              /* singular values of W2·W1 above 1/2 */
  double   projection_error;  /* ‖Uᵀ·W2·W1·U − diag(1_I)‖_F: 0 at a critical point */
  double   analytic_loss;
  double   loss;              /* measured (NAN if not given) */
  double   loss_deviation;    /* |loss − analytic_loss| / analytic_loss */
  gint     analytic_index;    /* −1 where W2·W1 is not the projection I names (rank ≠ |I|) */
  gint     analytic_zero;     /* k + r·(2k − r) (k² + k at full rank); −1 as analytic_index */
  gint     negative;          /* measured; −1 without a spectrum */
  gint     zero;              /* measured; −1 without a spectrum */
  gboolean match;             /* loss within SADDLE_GROUND_TRUTH_LOSS_TOLERANCE and index exact */
} SaddleGroundTruthPoint;

/* One critical point of the closed form, for drawing the reference. */
typedef struct
{
  guint64 subset;
  double  loss;
  guint   index;
  guint   zero;
  double  minimal_ratio;      /* positive / n_params, as the study reports it */
  double  nonzero_ratio;      /* positive / (positive + index) */
} SaddleGroundTruthLevel;

GQuark             saddle_ground_truth_error_quark (void);

/* The autoencoder's data: the first @d principal components of @images' inputs (centred),
 * scaled so their total variance is d (the zero map has loss 1; a critical point's loss is
 * the share of the d components' variance it leaves out); inputs = targets (regression). */
SaddleDataset     *saddle_ground_truth_dataset_new  (const SaddleDataset *images,
                                                     guint                d,
                                                     GError             **error);
/* The closed form for a d-k-d linear autoencoder on @dataset (inputs must equal targets). */
SaddleGroundTruth *saddle_ground_truth_new          (const SaddleDataset *dataset,
                                                     guint                k,
                                                     GError             **error);
void               saddle_ground_truth_free         (SaddleGroundTruth *truth);

/* (1/d)·Σ_{j∉I} λ_j. */
double             saddle_ground_truth_loss         (const SaddleGroundTruth *truth,
                                                     guint64                  subset);
/* Hessian index at a critical point of @subset (|I| ≤ k). */
guint              saddle_ground_truth_index        (const SaddleGroundTruth *truth,
                                                     guint64                  subset);
/* Zero eigenvalues there: k + r·(2k − r) for r = |I| ≤ k (k² + k at full rank). */
guint              saddle_ground_truth_zero_count   (const SaddleGroundTruth *truth,
                                                     guint64                  subset);
/* A critical point of @subset (|I| ≤ k): W1 = C⁻¹·U_Iᵀ, W2 = U_I·C with C from @seed
 * (identity if 0), hidden bias from @seed, b2 = x̄ − W2·(W1·x̄ + b1); unused units zero. */
void               saddle_ground_truth_build_point  (const SaddleGroundTruth *truth,
                                                     guint64                  subset,
                                                     guint64                  seed,
                                                     double                  *theta);
/* Which critical point @theta (n_params) is: subset, rank, projection error, analytic values;
 * @loss may be NAN, @spectrum NULL (measured fields then NAN / −1, match FALSE). */
void               saddle_ground_truth_identify     (const SaddleGroundTruth *truth,
                                                     const double            *theta,
                                                     double                   loss,
                                                     const SaddleSpectrum    *spectrum,
                                                     SaddleGroundTruthPoint  *out);
/* saddle_ground_truth_identify() on a found point (its params, loss and spectrum). */
void               saddle_ground_truth_compare      (const SaddleGroundTruth   *truth,
                                                     const SaddleCriticalPoint *point,
                                                     SaddleGroundTruthPoint    *out);
/* Every full-rank critical point (|I| = k), by increasing loss; NULL if there are more
 * than @max_levels (C(d, k)). GArray of SaddleGroundTruthLevel. */
GArray            *saddle_ground_truth_levels       (const SaddleGroundTruth *truth,
                                                     gsize                    max_levels);
/* "1,2,3,5" (1-based directions, g_free); "" for the empty subset. */
char              *saddle_ground_truth_subset_string (guint64 subset);
/* ground-truth.csv: run,subset,rank,analytic_loss,loss,analytic_index,negative,match, then
 * zero,analytic_zero,loss_deviation,projection_error; run 1-based; subset as "1 2 3 5". */
gboolean           saddle_ground_truth_write_csv    (const SaddleGroundTruthPoint *points,
                                                     gsize                         n_points,
                                                     const char                   *path,
                                                     GError                      **error);
/* ground-truth-levels.csv: subset,loss,index,zero,minimal_ratio — @levels (of
 * saddle_ground_truth_levels()), the reference to draw the found points against. */
gboolean           saddle_ground_truth_write_levels_csv (const GArray *levels,
                                                         const char   *path,
                                                         GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleGroundTruth, saddle_ground_truth_free)

G_END_DECLS
