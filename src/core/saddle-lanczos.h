/* saddle-lanczos.h — extreme eigenvalues and the spectral density of a symmetric operator
 *
 * For Hessians beyond dense size: the operator is only ever applied to
 * vectors (saddle_model_hvp() for a Hessian, a matrix product in tests), so
 * memory is the Krylov basis, iterations × n doubles, never n × n.
 *
 * Both methods run the Lanczos recurrence with FULL reorthogonalisation
 * (classical Gram–Schmidt applied twice against the whole stored basis), so
 * no spurious copies of converged eigenvalues appear. When the Krylov space
 * becomes invariant (β ≈ 0), the iteration continues from a fresh random
 * vector orthogonal to the basis and the tridiagonal splits there; the
 * extremes then also wait for the new block's own extreme Ritz pairs to
 * converge, which brings in further copies of repeated eigenvalues (the
 * complement of a closed Krylov space holds only such copies). Before any
 * split, one start vector sees each distinct eigenvalue once: an exactly
 * repeated extreme eigenvalue (a Hessian's zero band) may show a single copy
 * when Lanczos converges in fewer than n steps.
 *
 * The tridiagonal's eigenpairs come from LAPACKE: dstevr for the 2k extreme
 * pairs after every step (inverse iteration on a few, O(m·k)), dstevd for all
 * of an SLQ probe's nodes and weights.
 */
#pragma once

#include <glib.h>

#include "saddle-batch.h"
#include "saddle-density.h"
#include "saddle-model.h"
#include "saddle-work.h"

G_BEGIN_DECLS

#define SADDLE_LANCZOS_ERROR (saddle_lanczos_error_quark ())

typedef enum
{
  SADDLE_LANCZOS_ERROR_INVALID,     /* bad argument: n = 0, k = 0 or k > n, too few iterations */
  SADDLE_LANCZOS_ERROR_TOO_LARGE,   /* the Krylov basis does not fit in available memory */
  SADDLE_LANCZOS_ERROR_CANCELLED,
  SADDLE_LANCZOS_ERROR_NOT_FINITE,  /* the operator returned NaN or infinity */
  SADDLE_LANCZOS_ERROR_LAPACK,      /* the tridiagonal eigensolver failed */
} SaddleLanczosError;

/* A Ritz pair has converged when |β_m · s_{m,i}| ≤ this · max|θ|. */
#define SADDLE_LANCZOS_TOLERANCE           1e-10
/* Lanczos steps per probe for the density when the caller passes 0 (Ghorbani et al. use 90). */
#define SADDLE_LANCZOS_DEFAULT_ITERATIONS  90
/* Probe vectors for the density when the caller passes 0. */
#define SADDLE_LANCZOS_DEFAULT_PROBES      10

/* out = A·v for @k vectors at once: @v and @out are (k, n) row-major. A must be symmetric. */
typedef void (*SaddleOperatorFunc) (const double *v,
                                    gsize         k,
                                    double       *out,
                                    gpointer      user_data);

/* The Hessian of @model's loss at @theta on @batch as an operator (all borrowed). */
typedef struct
{
  SaddleModel       *model;
  const double      *theta;
  const SaddleBatch *batch;
} SaddleLanczosHvp;

/* Outcome of saddle_lanczos_extremes(). */
typedef struct
{
  gsize    iterations;     /* Lanczos steps taken = basis size */
  gboolean converged;      /* every reported Ritz pair met SADDLE_LANCZOS_TOLERANCE */
  double   residual;       /* largest |β_m · s_{m,i}| / max|θ| of the reported pairs (and of
                            * the newest block's ends after a restart) */
  guint    restarts;       /* invariant subspaces met (fresh start vectors) */
} SaddleLanczosInfo;

GQuark         saddle_lanczos_error_quark    (void);

/* A SaddleOperatorFunc for a SaddleLanczosHvp: saddle_model_hvp() on all k vectors in one call. */
void           saddle_lanczos_hvp            (const double *v,
                                              gsize         k,
                                              double       *out,
                                              gpointer      user_data);

/* What saddle_lanczos_extremes() looks for, and how long it may look. */
typedef struct
{
  gsize               k;              /* eigenvalues at each end, 1 ≤ k ≤ n */
  gsize               max_iter;       /* Lanczos steps at most; 0 or > n: n */
  guint64             seed;           /* of the random start vector */
  SaddleProgressFunc  progress;       /* steps / max_iter after each step (FALSE cancels); may be NULL */
  gpointer            progress_data;
} SaddleLanczosSettings;

/* The @settings->k lowest (ascending, lowest[0] = λmin) and k highest (descending,
 * highest[0] = λmax) eigenvalues of the n × n operator, by Lanczos from a random start,
 * stopping when all 2k Ritz pairs converge or after max_iter steps; the basis grows as
 * needed, its memory checked first (TOO_LARGE names both sizes). @vectors_low and
 * @vectors_high (k, n), may be NULL, receive unit Ritz vectors (largest entry positive);
 * @info (may be NULL) the steps, convergence and residual. */
gboolean       saddle_lanczos_extremes       (SaddleOperatorFunc            op,
                                              gpointer                      op_data,
                                              gsize                         n,
                                              const SaddleLanczosSettings  *settings,
                                              double                       *lowest,
                                              double                       *highest,
                                              double                       *vectors_low,
                                              double                       *vectors_high,
                                              SaddleLanczosInfo            *info,
                                              GError                      **error);
/* Stochastic Lanczos quadrature (Ubaru, Chen & Saad 2017): @probes Rademacher vectors (seeded,
 * 0 = default), @iterations steps each (0 = default, clamped to n), the probes pushed through
 * @op together (one call a step for as many as fit 256 MiB of bases); nodes, weights and the
 * smoothed density (@n_grid 0 = default, @sigma ≤ 0 = automatic) as in saddle_density_new().
 * @progress gets the share of all steps done; returning FALSE cancels. */
SaddleDensity *saddle_lanczos_slq            (SaddleOperatorFunc  op,
                                              gpointer            op_data,
                                              gsize               n,
                                              guint               iterations,
                                              guint               probes,
                                              guint64             seed,
                                              gsize               n_grid,
                                              double              sigma,
                                              SaddleProgressFunc  progress,
                                              gpointer            progress_data,
                                              GError            **error);
/* saddle_lanczos_slq() into caller arrays @grid_x and @density of @n_grid (≥ 2) points. */
gboolean       saddle_lanczos_density        (SaddleOperatorFunc  op,
                                              gpointer            op_data,
                                              gsize               n,
                                              guint               iterations,
                                              guint               probes,
                                              guint64             seed,
                                              gsize               n_grid,
                                              double              sigma,
                                              double             *grid_x,
                                              double             *density,
                                              GError            **error);

G_END_DECLS
