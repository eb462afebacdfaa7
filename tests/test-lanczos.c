/* test-lanczos.c — Lanczos extremes and SLQ densities against known spectra */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <glib.h>
#include <lapacke.h>

#include "saddle-batch.h"
#include "saddle-density.h"
#include "saddle-hessian.h"
#include "saddle-lanczos.h"
#include "saddle-model.h"
#include "saddle-rng.h"
#include "saddle-stats.h"
#include "saddle-spectrum.h"
#include "saddle-test-util.h"

/* A dense symmetric matrix as an operator, counting its calls. */
typedef struct
{
  gsize   n;
  double *a;        /* (n, n) */
  guint   calls;
  gsize   vectors;  /* directions applied in all */
  gsize   widest;   /* most directions in one call */
} MatrixOp;

static void
matrix_op (const double *v,
           gsize         k,
           double       *out,
           gpointer      user_data)
{
  MatrixOp *op = user_data;

  /* out (k, n) = v (k, n) · A, A symmetric. */
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) k, (int) op->n, (int) op->n,
               1.0, v, (int) op->n, op->a, (int) op->n, 0.0, out, (int) op->n);
  op->calls++;
  op->vectors += k;
  op->widest = MAX (op->widest, k);
}

/* n = 300: a tight cluster at each end, a big near-zero band, negative and
 * positive spreads, returned sorted. */
static double *
mixed_spectrum (gsize n)
{
  double *lambda = g_new (double, n);
  gsize i = 0;

  /* Bottom: −5 with close neighbours (relative gaps 2e-4 and 2e-3). */
  lambda[i++] = -5.0;
  lambda[i++] = -4.999;
  lambda[i++] = -4.99;
  lambda[i++] = -4.5;
  /* Top: 10 with close neighbours. */
  lambda[i++] = 10.0;
  lambda[i++] = 9.998;
  lambda[i++] = 9.98;
  lambda[i++] = 9.5;
  /* A near-zero band of 100 values within ±1e-3. */
  for (guint j = 0; j < 100; j++)
    lambda[i++] = 1e-3 * sin (1.0 + j);
  /* The rest spread over [−3, 8]. */
  for (gsize j = 0; i < n; j++)
    lambda[i++] = -3.0 + 11.0 * (double) j / (double) (n - 109);

  qsort (lambda, n, sizeof (double), saddle_stats_compare_doubles);
  return lambda;
}

/* n evenly spaced values from @lo to @hi. */
static double *
linear_spectrum (gsize  n,
                 double lo,
                 double hi)
{
  double *lambda = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    lambda[i] = lo + (hi - lo) * (double) i / (double) MAX (n - 1, 1);
  return lambda;
}

/* max_i ‖A·v_i − λ_i·v_i‖ over @k rows of @vectors. */
static double
ritz_residual (SaddleOperatorFunc  op,
               gpointer            data,
               gsize               n,
               gsize               k,
               const double       *values,
               const double       *vectors)
{
  g_autofree double *av = g_new (double, k * n);
  double worst = 0.0;

  op (vectors, k, av, data);
  for (gsize i = 0; i < k; i++)
    {
      double sum = 0.0;

      for (gsize j = 0; j < n; j++)
        {
          double r = av[i * n + j] - values[i] * vectors[i * n + j];

          sum += r * r;
        }
      worst = MAX (worst, sqrt (sum));
    }
  return worst;
}

/* Rows of @vectors (k, n) are orthonormal to @tol. */
static void
assert_orthonormal (const double *vectors,
                    gsize         k,
                    gsize         n,
                    double        tol)
{
  for (gsize i = 0; i < k; i++)
    for (gsize j = 0; j <= i; j++)
      {
        double dot = cblas_ddot ((int) n, vectors + i * n, 1, vectors + j * n, 1);

        g_assert_cmpfloat_with_epsilon (dot, i == j ? 1.0 : 0.0, tol);
      }
}

static void
check_extremes (const double *lambda,
                gsize         n,
                gsize         k,
                const double *lowest,
                const double *highest,
                double        tol)
{
  double scale = MAX (fabs (lambda[0]), fabs (lambda[n - 1]));

  for (gsize i = 0; i < k; i++)
    {
      g_assert_cmpfloat_with_epsilon (lowest[i], lambda[i], tol * scale);
      g_assert_cmpfloat_with_epsilon (highest[i], lambda[n - 1 - i], tol * scale);
    }
}

static void
test_lanczos_known_spectrum (void)
{
  const gsize n = 300, k = 5;
  g_autofree double *lambda = mixed_spectrum (n);
  g_autofree double *a = saddle_test_matrix_with_spectrum (lambda, n, 11);
  g_autofree double *vlow = g_new (double, k * n);
  g_autofree double *vhigh = g_new (double, k * n);
  double lowest[5], highest[5];
  MatrixOp op = { n, a, 0, 0, 0 };
  SaddleLanczosInfo info;
  g_autoptr(GError) error = NULL;

  g_assert_true (saddle_lanczos_extremes (matrix_op, &op, n, &(SaddleLanczosSettings) { k, 0, 42 },
                                          lowest, highest, vlow, vhigh, &info, &error));
  g_assert_no_error (error);

  /* Converged by the residual test, well before the Krylov space is the
   * whole space (where any method would be exact). */
  g_assert_true (info.converged);
  g_assert_cmpuint (info.iterations, <, n / 2);
  g_assert_cmpuint (info.iterations, ==, op.calls);
  g_assert_cmpfloat (info.residual, <=, SADDLE_LANCZOS_TOLERANCE);
  g_assert_cmpuint (info.restarts, ==, 0);
  g_test_message ("%" G_GSIZE_FORMAT " Lanczos steps for k = %" G_GSIZE_FORMAT
                  " of n = %" G_GSIZE_FORMAT, info.iterations, k, n);

  check_extremes (lambda, n, k, lowest, highest, 1e-8);

  /* ‖A‖ = max|λ| = 10. */
  g_assert_cmpfloat (ritz_residual (matrix_op, &op, n, k, lowest, vlow), <=, 1e-6 * 10.0);
  g_assert_cmpfloat (ritz_residual (matrix_op, &op, n, k, highest, vhigh), <=, 1e-6 * 10.0);
  assert_orthonormal (vlow, k, n, 1e-8);
  assert_orthonormal (vhigh, k, n, 1e-8);
}

/* Tight clusters at both ends, a larger n and a different seed: the clusters
 * take more steps, and the answer is still the sorted spectrum. */
static void
test_lanczos_clusters (void)
{
  const gsize n = 400, k = 4;
  g_autofree double *lambda = g_new (double, n);
  g_autofree double *a = NULL;
  g_autofree double *vlow = g_new (double, k * n);
  g_autofree double *vhigh = g_new (double, k * n);
  double lowest[4], highest[4];
  MatrixOp op = { n, NULL, 0, 0, 0 };
  SaddleLanczosInfo info;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < n; i++)
    lambda[i] = -1.0 + 3.0 * (double) i / (double) (n - 1);
  /* Five values within 1e-4 of −2 and five within 1e-4 of 4. */
  for (guint j = 0; j < 5; j++)
    {
      lambda[j] = -2.0 + 2e-5 * j;
      lambda[n - 1 - j] = 4.0 - 2e-5 * j;
    }
  qsort (lambda, n, sizeof (double), saddle_stats_compare_doubles);
  a = saddle_test_matrix_with_spectrum (lambda, n, 5);
  op.a = a;

  g_assert_true (saddle_lanczos_extremes (matrix_op, &op, n, &(SaddleLanczosSettings) { k, 0, 3 },
                                          lowest, highest, vlow, vhigh, &info, &error));
  g_assert_no_error (error);
  g_assert_true (info.converged);
  g_test_message ("%" G_GSIZE_FORMAT " Lanczos steps for clusters of gap 2e-5",
                  info.iterations);

  check_extremes (lambda, n, k, lowest, highest, 1e-8);
  g_assert_cmpfloat (ritz_residual (matrix_op, &op, n, k, lowest, vlow), <=, 1e-6 * 4.0);
  g_assert_cmpfloat (ritz_residual (matrix_op, &op, n, k, highest, vhigh), <=, 1e-6 * 4.0);
  assert_orthonormal (vlow, k, n, 1e-8);
}

/* Exactly repeated extreme eigenvalues: one start vector sees each value
 * once, so their copies appear only through restarts after the Krylov space
 * closes. With the whole space allowed, all copies must be found. */
static void
test_lanczos_multiplicity (void)
{
  const gsize n = 60, k = 8;
  g_autofree double *lambda = g_new (double, n);
  g_autofree double *a = NULL;
  g_autofree double *vhigh = g_new (double, k * n);
  double lowest[8], highest[8];
  MatrixOp op = { n, NULL, 0, 0, 0 };
  SaddleLanczosInfo info;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < n; i++)
    lambda[i] = -0.8 + 2.6 * (double) i / (double) (n - 1);
  for (guint j = 0; j < 10; j++)
    lambda[n - 1 - j] = 2.0;
  for (guint j = 0; j < 5; j++)
    lambda[j] = -1.0;
  qsort (lambda, n, sizeof (double), saddle_stats_compare_doubles);
  a = saddle_test_matrix_with_spectrum (lambda, n, 17);
  op.a = a;

  g_assert_true (saddle_lanczos_extremes (matrix_op, &op, n, &(SaddleLanczosSettings) { k, 0, 9 },
                                          lowest, highest, NULL, vhigh, &info, &error));
  g_assert_no_error (error);
  g_test_message ("%" G_GSIZE_FORMAT " steps, %u restarts", info.iterations, info.restarts);
  g_assert_cmpuint (info.restarts, >, 0);
  check_extremes (lambda, n, k, lowest, highest, 1e-10);
  /* Eight distinct unit vectors of the 10-dimensional eigenspace of 2. */
  assert_orthonormal (vhigh, k, n, 1e-8);
  g_assert_cmpfloat (ritz_residual (matrix_op, &op, n, k, highest, vhigh), <=, 1e-8);

  /* Mostly copies: 30 of 2 and 20 of −1 among 10 distinct values, so the
   * first Krylov space closes after about 12 steps, and every later block
   * lives in the complement of copies. A one-step block whose Ritz value is
   * not extreme must not end the search. */
  for (gsize i = 0; i < n; i++)
    lambda[i] = i < 20 ? -1.0 : i >= 30 ? 2.0 : -0.5 + 0.2 * (double) (i - 20);
  g_free (a);
  a = saddle_test_matrix_with_spectrum (lambda, n, 19);
  op.a = a;
  g_assert_true (saddle_lanczos_extremes (matrix_op, &op, n, &(SaddleLanczosSettings) { k, 0, 9 },
                                          lowest, highest, NULL, vhigh, &info, &error));
  g_assert_no_error (error);
  g_test_message ("%" G_GSIZE_FORMAT " steps, %u restarts", info.iterations, info.restarts);
  g_assert_cmpuint (info.restarts, >, 5);
  check_extremes (lambda, n, k, lowest, highest, 1e-10);
  assert_orthonormal (vhigh, k, n, 1e-8);
  g_assert_cmpfloat (ritz_residual (matrix_op, &op, n, k, highest, vhigh), <=, 1e-8);
}

/* The zero operator and an operator of size 1: the edges of the recurrence. */
static void
test_lanczos_tiny (void)
{
  double zero[16] = { 0 }, one[1] = { -3.5 };
  double lowest[4], highest[4], vec[8];
  MatrixOp zop = { 4, zero, 0, 0, 0 };
  MatrixOp oop = { 1, one, 0, 0, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (saddle_lanczos_extremes (matrix_op, &zop, 4, &(SaddleLanczosSettings) { 2, 0, 1 },
                                          lowest, highest, vec, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpfloat (lowest[i], ==, 0.0);
      g_assert_cmpfloat (highest[i], ==, 0.0);
    }
  assert_orthonormal (vec, 2, 4, 1e-12);

  g_assert_true (saddle_lanczos_extremes (matrix_op, &oop, 1, &(SaddleLanczosSettings) { 1, 0, 1 },
                                          lowest, highest, vec, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (lowest[0], -3.5, 1e-15);
  g_assert_cmpfloat_with_epsilon (highest[0], -3.5, 1e-15);
  g_assert_cmpfloat (vec[0], ==, 1.0);
}

static void
test_lanczos_deterministic (void)
{
  const gsize n = 200, k = 3;
  g_autofree double *lambda = mixed_spectrum (n);
  g_autofree double *a = saddle_test_matrix_with_spectrum (lambda, n, 2);
  g_autofree double *v1 = g_new (double, k * n);
  g_autofree double *v2 = g_new (double, k * n);
  g_autofree double *v3 = g_new (double, k * n);
  double low1[3], high1[3], low2[3], high2[3], low3[3], high3[3];
  MatrixOp op = { n, a, 0, 0, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_true (saddle_lanczos_extremes (matrix_op, &op, n, &(SaddleLanczosSettings) { k, 0, 77 },
                                          low1, high1, NULL, v1, NULL, &error));
  g_assert_true (saddle_lanczos_extremes (matrix_op, &op, n, &(SaddleLanczosSettings) { k, 0, 77 },
                                          low2, high2, NULL, v2, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (low1, sizeof low1, low2, sizeof low2);
  g_assert_cmpmem (high1, sizeof high1, high2, sizeof high2);
  g_assert_cmpmem (v1, k * n * sizeof (double), v2, k * n * sizeof (double));

  /* Another seed takes another path to the same eigenpairs (signs fixed). */
  g_assert_true (saddle_lanczos_extremes (matrix_op, &op, n, &(SaddleLanczosSettings) { k, 0, 78 },
                                          low3, high3, NULL, v3, NULL, &error));
  g_assert_false (memcmp (low1, low3, sizeof low1) == 0 &&
                  memcmp (high1, high3, sizeof high1) == 0);
  for (gsize i = 0; i < k; i++)
    g_assert_cmpfloat_with_epsilon (high1[i], high3[i], 1e-9 * 10.0);
  for (gsize i = 0; i < k * n; i++)
    g_assert_cmpfloat_with_epsilon (v1[i], v3[i], 1e-5);
}

typedef struct
{
  guint    calls;
  guint    cancel_at;
  double   last;
  gboolean increasing;
} Progress;

static gboolean
progress_cb (double   fraction,
             gpointer user_data)
{
  Progress *p = user_data;

  if (!(fraction > p->last) || fraction > 1.0)
    p->increasing = FALSE;
  p->last = fraction;
  p->calls++;
  return p->calls < p->cancel_at;
}

static void
test_lanczos_cancel (void)
{
  const gsize n = 200;
  g_autofree double *lambda = mixed_spectrum (n);
  g_autofree double *a = saddle_test_matrix_with_spectrum (lambda, n, 4);
  double lowest[2], highest[2];
  MatrixOp op = { n, a, 0, 0, 0 };
  Progress p = { 0, 5, 0.0, TRUE };
  Progress all = { 0, G_MAXUINT, 0.0, TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDensity) density = NULL;

  g_assert_false (saddle_lanczos_extremes (matrix_op, &op, n,
                                           &(SaddleLanczosSettings) { 2, 0, 1, progress_cb, &p },
                                           lowest, highest, NULL, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED);
  g_assert_cmpuint (p.calls, ==, 5);
  g_assert_cmpuint (op.calls, ==, 5);
  g_assert_true (p.increasing);
  g_clear_error (&error);

  /* Progress runs to exactly 1 over an uncancelled density. */
  density = saddle_lanczos_slq (matrix_op, &op, n, 30, 4, 1, 0, 0.0, progress_cb, &all,
                                &error);
  g_assert_no_error (error);
  g_assert_nonnull (density);
  g_assert_true (all.increasing);
  g_assert_cmpfloat (all.last, ==, 1.0);

  p = (Progress) { 0, 3, 0.0, TRUE };
  g_assert_null (saddle_lanczos_slq (matrix_op, &op, n, 30, 4, 1, 0, 0.0, progress_cb, &p,
                                     &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED);
  g_assert_cmpuint (p.calls, ==, 3);
}

/* A matrix operator that returns one NaN on its third call, as a Hessian
 * does once the parameters have diverged. */
typedef struct
{
  MatrixOp op;
  guint    calls;
} NanOp;

static void
nan_op (const double *v,
        gsize         k,
        double       *out,
        gpointer      user_data)
{
  NanOp *nop = user_data;

  matrix_op (v, k, out, &nop->op);
  if (++nop->calls == 3)
    out[k / 2] = NAN;
}

static void
identity_op (const double *v,
             gsize         k,
             double       *out,
             gpointer      user_data)
{
  memcpy (out, v, k * GPOINTER_TO_SIZE (user_data) * sizeof (double));
}

static void
test_lanczos_bad_input (void)
{
  double lowest[4], highest[4];
  g_autoptr(GError) error = NULL;

  g_assert_false (saddle_lanczos_extremes (identity_op, GSIZE_TO_POINTER (4), 4,
                                           &(SaddleLanczosSettings) { 0, 0, 1 },
                                           lowest, highest, NULL, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (saddle_lanczos_extremes (identity_op, GSIZE_TO_POINTER (4), 4,
                                           &(SaddleLanczosSettings) { 5, 0, 1 },
                                           lowest, highest, NULL, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (saddle_lanczos_extremes (identity_op, NULL, 0,
                                           &(SaddleLanczosSettings) { 1, 0, 1 },
                                           lowest, highest, NULL, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (saddle_lanczos_extremes (identity_op, GSIZE_TO_POINTER (4), 4,
                                           &(SaddleLanczosSettings) { 3, 2, 1 },
                                           lowest, highest, NULL, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "at least 3"));
  g_clear_error (&error);

  /* A basis that cannot fit: refused before the operator is ever called. */
  g_assert_false (saddle_lanczos_extremes (identity_op, NULL, (gsize) 1 << 30,
                                           &(SaddleLanczosSettings) { 1, (gsize) 1 << 30, 1 },
                                           lowest, highest, NULL, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "available"));
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  g_assert_null (saddle_lanczos_slq (identity_op, NULL, (gsize) 1 << 30, 100000, 10, 1, 0,
                                     0.0, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_assert_null (saddle_lanczos_slq (identity_op, NULL, 0, 10, 10, 1, 0, 0.0, NULL, NULL,
                                     &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (saddle_lanczos_density (identity_op, GSIZE_TO_POINTER (4), 4, 4, 2, 1, 1,
                                          0.0, lowest, highest, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID);
  g_clear_error (&error);
}

static void
test_lanczos_not_finite (void)
{
  const gsize n = 50;
  g_autofree double *lambda = linear_spectrum (n, -1.0, 2.0);
  g_autofree double *a = saddle_test_matrix_with_spectrum (lambda, n, 4);
  double lowest[2], highest[2];
  NanOp nop = { { n, a, 0, 0, 0 }, 0 };
  g_autoptr(GError) error = NULL;

  g_assert_false (saddle_lanczos_extremes (nan_op, &nop, n, &(SaddleLanczosSettings) { 2, 0, 1 },
                                          lowest, highest, NULL, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_NOT_FINITE);
  g_assert_cmpuint (nop.calls, ==, 3);
  g_clear_error (&error);

  nop.calls = 0;
  g_assert_null (saddle_lanczos_slq (nan_op, &nop, n, 10, 3, 1, 0, 0.0, NULL, NULL,
                                     &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_NOT_FINITE);
}

/* A diagonal operator: for a Rademacher probe v, vᵀ·f(A)·v = mean f(λ_i)
 * exactly, so SLQ's quadrature must reproduce the moments of the spectrum
 * up to degree 2m − 1 with no statistical error at all. */
static void
diagonal_op (const double *v,
             gsize         k,
             double       *out,
             gpointer      user_data)
{
  const double *lambda = user_data;
  gsize n = (gsize) lambda[-1];

  for (gsize r = 0; r < k; r++)
    for (gsize i = 0; i < n; i++)
      out[r * n + i] = lambda[i] * v[r * n + i];
}

static void
test_slq_diagonal_exact (void)
{
  const gsize n = 200;
  const guint m = 20, probes = 3;
  g_autofree double *storage = g_new (double, n + 1);
  double *lambda = storage + 1;
  double moments[5] = { 0 };
  g_autoptr(SaddleDensity) d = NULL;
  g_autoptr(SaddleDensity) full = NULL;
  g_autoptr(GError) error = NULL;

  storage[0] = (double) n;
  for (gsize i = 0; i < n; i++)
    {
      double t = (double) i / (double) (n - 1);

      lambda[i] = -2.0 + 5.0 * t * t;
      for (guint p = 0; p < 5; p++)
        moments[p] += pow (lambda[i], p) / (double) n;
    }

  d = saddle_lanczos_slq (diagonal_op, lambda, n, m, probes, 5, 0, 0.0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->iterations, ==, m);
  g_assert_cmpuint (d->probes, ==, probes);
  g_assert_cmpuint (d->dimension, ==, n);

  /* Gauss quadrature with m nodes is exact to degree 2m − 1 = 39: each
   * probe's Σ w·θ^p is mean(λ^p) for p ≤ 4 to rounding. */
  for (guint r = 0; r < probes; r++)
    for (guint p = 0; p < 5; p++)
      {
        double sum = 0.0;

        for (guint j = 0; j < m; j++)
          sum += d->weights[r * m + j] * pow (d->nodes[r * m + j], p);
        g_assert_cmpfloat_with_epsilon (sum, moments[p], 1e-12 * pow (3.0, p));
      }
  g_assert_cmpfloat_with_epsilon (saddle_density_mean (d), moments[1], 1e-12);

  /* All n steps: the nodes are the eigenvalues, each of weight 1/n, and a
   * narrow kernel puts exactly the eigenvalues' share into an interval
   * whose ends sit in gaps. */
  full = saddle_lanczos_slq (diagonal_op, lambda, n, (guint) n, 1, 5, 0, 1e-6, NULL, NULL,
                             &error);
  g_assert_no_error (error);
  g_assert_cmpuint (full->iterations, ==, n);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat_with_epsilon (full->nodes[i], lambda[i], 1e-10);
      g_assert_cmpfloat_with_epsilon (full->weights[i], 1.0 / n, 1e-10);
    }
  g_assert_cmpfloat_with_epsilon (saddle_density_mass (full, -10.0,
                                                       0.5 * (lambda[99] + lambda[100])),
                                  0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (saddle_density_mass (full,
                                                       0.5 * (lambda[9] + lambda[10]),
                                                       0.5 * (lambda[29] + lambda[30])),
                                  0.1, 1e-9);
}

/* Trapezoid ∫ f over the density's grid. */
static double
grid_integral (const SaddleDensity *d,
               guint                power)
{
  double sum = 0.0;

  for (gsize g = 0; g + 1 < d->n_grid; g++)
    sum += 0.5 * (d->x[g + 1] - d->x[g]) *
           (pow (d->x[g], power) * d->density[g] + pow (d->x[g + 1], power) * d->density[g + 1]);
  return sum;
}

static void
test_slq_known_spectrum (void)
{
  const gsize n = 300;
  const guint m = 60, probes = 20;
  /* Interval edges (eigenvalue units) and the tolerance on each share. The
   * automatic kernel is 0.15 wide here, so no edge sits within 3 widths of
   * the near-zero band or the isolated outliers: smoothing would move their
   * mass across the edge, which is the curve's purpose, not an error. */
  const double edges[] = { -INFINITY, -3.5, -0.6, 0.6, 9.0, INFINITY };
  const double share_tol = 0.04;
  g_autofree double *lambda = mixed_spectrum (n);
  g_autofree double *a = saddle_test_matrix_with_spectrum (lambda, n, 23);
  g_autofree double *gx = NULL, *gd = NULL;
  g_autoptr(SaddleDensity) d = NULL;
  g_autoptr(SaddleDensity) again = NULL;
  g_autoptr(GError) error = NULL;
  MatrixOp op = { n, a, 0, 0, 0 };
  double trace = 0.0, offdiag = 0.0, sd, scale, lo = INFINITY, hi = -INFINITY;

  for (gsize i = 0; i < n; i++)
    {
      trace += a[i * n + i];
      for (gsize j = 0; j < n; j++)
        if (i != j)
          offdiag += a[i * n + j] * a[i * n + j];
    }
  /* Hutchinson's estimator with unit Rademacher probes: vᵀAv − tr(A)/n has
   * variance 2·Σ_{i≠j} a_ij² / n², and the quadrature reproduces vᵀAv
   * exactly (degree 1 < 2m). */
  sd = sqrt (2.0 * offdiag) / (double) n / sqrt ((double) probes);
  scale = 10.0;

  d = saddle_lanczos_slq (matrix_op, &op, n, m, probes, 99, 0, 0.0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->n_grid, ==, SADDLE_DENSITY_DEFAULT_GRID);

  /* All probes went through the operator together, one call a step. */
  g_assert_cmpuint (op.calls, ==, m);
  g_assert_cmpuint (op.widest, ==, probes);

  g_test_message ("mean %.6f, trace/n %.6f, 4 sd %.4f", saddle_density_mean (d),
                  trace / n, 4.0 * sd);
  g_assert_cmpfloat_with_epsilon (saddle_density_mean (d), trace / (double) n, 4.0 * sd);
  /* The smoothed curve as drawn: a density with that same mean. */
  g_assert_cmpfloat_with_epsilon (grid_integral (d, 0), 1.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (grid_integral (d, 1), saddle_density_mean (d), 1e-6 * scale);

  for (guint r = 0; r < probes; r++)
    {
      double sum = 0.0;

      for (guint j = 0; j < m; j++)
        {
          sum += d->weights[r * m + j];
          lo = MIN (lo, d->nodes[r * m + j]);
          hi = MAX (hi, d->nodes[r * m + j]);
          if (j > 0)
            g_assert_cmpfloat (d->nodes[r * m + j - 1], <=, d->nodes[r * m + j]);
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-12);
    }
  /* Ritz values lie inside the spectrum; 60 steps bring the extreme ones
   * into the clusters at −5 and 10. */
  g_assert_cmpfloat (lo, >=, lambda[0] - 1e-10 * scale);
  g_assert_cmpfloat (lo, <=, lambda[0] + 0.01);
  g_assert_cmpfloat (hi, <=, lambda[n - 1] + 1e-10 * scale);
  g_assert_cmpfloat (hi, >=, lambda[n - 1] - 0.01);
  g_assert_cmpfloat (d->x[0], <, lo);
  g_assert_cmpfloat (d->x[d->n_grid - 1], >, hi);

  /* Shares of the spectrum in intervals against the true counts; the
   * statistical error of a share p is about √(2p(1−p)/(n·probes)) ≤ 0.01,
   * and a 60-node Gauss rule resolves an edge inside the continuous part to
   * about one node's weight over the probes. 0.04 = 12 of 300 eigenvalues. */
  for (guint e = 0; e + 1 < G_N_ELEMENTS (edges); e++)
    {
      gsize count = 0;
      double share;

      for (gsize i = 0; i < n; i++)
        count += lambda[i] > edges[e] && lambda[i] <= edges[e + 1];
      share = saddle_density_mass (d, edges[e], edges[e + 1]);
      g_test_message ("(%g, %g]: %" G_GSIZE_FORMAT " eigenvalues, SLQ %.2f", edges[e],
                      edges[e + 1], count, share * n);
      g_assert_cmpfloat_with_epsilon (share, (double) count / (double) n, share_tol);
    }

  /* The array form gives the same curve; the same seed, the same numbers. */
  gx = g_new (double, d->n_grid);
  gd = g_new (double, d->n_grid);
  g_assert_true (saddle_lanczos_density (matrix_op, &op, n, m, probes, 99, d->n_grid, 0.0,
                                         gx, gd, &error));
  g_assert_cmpmem (gx, d->n_grid * sizeof (double), d->x, d->n_grid * sizeof (double));
  g_assert_cmpmem (gd, d->n_grid * sizeof (double), d->density, d->n_grid * sizeof (double));

  again = saddle_lanczos_slq (matrix_op, &op, n, m, probes, 99, 0, 0.0, NULL, NULL, &error);
  g_assert_cmpmem (again->nodes, probes * m * sizeof (double),
                   d->nodes, probes * m * sizeof (double));
  g_assert_cmpmem (again->weights, probes * m * sizeof (double),
                   d->weights, probes * m * sizeof (double));
}

static void
test_density_new (void)
{
  /* Two probes of two nodes: the measure is ½(¼δ₋₁ + ¾δ₁) + ½(½δ₀ + ½δ₂). */
  const double nodes[] = { -1.0, 1.0, 0.0, 2.0 };
  const double weights[] = { 0.25, 0.75, 0.5, 0.5 };
  const double bad[] = { 0.25, -0.75, 0.5, 0.5 };
  g_autoptr(SaddleDensity) d = NULL;
  g_autoptr(SaddleDensity) copy = NULL;
  g_autoptr(SaddleDensity) point = NULL;
  g_autoptr(GError) error = NULL;
  double peak = 0.0;
  gsize at = 0;

  d = saddle_density_new (nodes, weights, 2, 2, 7, 301, 0.05, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (d->sigma, ==, 0.05);
  g_assert_cmpfloat_with_epsilon (d->x[0], -1.0 - SADDLE_DENSITY_PAD_SIGMAS * 0.05, 1e-14);
  g_assert_cmpfloat_with_epsilon (d->x[300], 2.0 + SADDLE_DENSITY_PAD_SIGMAS * 0.05, 1e-14);
  g_assert_cmpfloat_with_epsilon (saddle_density_mean (d),
                                  0.5 * (-0.25 + 0.75) + 0.5 * (0.0 + 1.0), 1e-15);
  g_assert_cmpfloat_with_epsilon (saddle_density_mass (d, -INFINITY, INFINITY), 1.0, 1e-15);
  g_assert_cmpfloat_with_epsilon (saddle_density_mass (d, 0.5, 1.5), 0.375, 1e-10);
  g_assert_cmpfloat_with_epsilon (saddle_density_mass (d, -0.5, 0.5), 0.25, 1e-10);
  g_assert_cmpfloat (saddle_density_mass (d, 1.0, 1.0), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (grid_integral (d, 0), 1.0, 1e-12);

  /* The tallest bump is the node of weight 3/8, at 1. */
  for (gsize g = 0; g < d->n_grid; g++)
    if (d->density[g] > peak)
      {
        peak = d->density[g];
        at = g;
      }
  g_assert_cmpfloat_with_epsilon (d->x[at], 1.0, 0.011);
  g_assert_cmpfloat_with_epsilon (peak, 0.375 / (0.05 * sqrt (2.0 * G_PI)), 0.01 * peak);

  copy = saddle_density_copy (d);
  g_assert_cmpmem (copy->density, d->n_grid * sizeof (double),
                   d->density, d->n_grid * sizeof (double));
  g_assert_true (copy->nodes != d->nodes);

  /* Automatic width: 1 % of the span of 3. */
  point = saddle_density_new (nodes, weights, 2, 2, 7, 0, 0.0, &error);
  g_assert_cmpfloat_with_epsilon (point->sigma, 0.03, 1e-15);
  g_clear_pointer (&point, saddle_density_free);

  /* One node: still a usable, visible bump. */
  point = saddle_density_new (nodes + 1, weights + 1, 1, 1, 1, 64, NAN, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (point->sigma, >, 0.0);
  g_assert_cmpfloat_with_epsilon (grid_integral (point, 0), 1.0, 1e-12);

  g_assert_null (saddle_density_new (nodes, bad, 2, 2, 7, 0, 0.0, &error));
  g_assert_error (error, SADDLE_DENSITY_ERROR, SADDLE_DENSITY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (saddle_density_new (nodes, weights, 0, 2, 7, 0, 0.0, &error));
  g_assert_error (error, SADDLE_DENSITY_ERROR, SADDLE_DENSITY_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (saddle_density_new (nodes, weights, 2, 2, 7, 1, 0.0, &error));
  g_assert_error (error, SADDLE_DENSITY_ERROR, SADDLE_DENSITY_ERROR_INVALID);
}

/* Random inputs and labels for a small classification batch. */
typedef struct
{
  SaddleBatch batch;
  double     *x;
  guint32    *labels;
} TestData;

static void
test_data_init (TestData *data,
                gsize     n,
                gsize     n_inputs,
                gsize     n_outputs,
                guint64   seed)
{
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  memset (data, 0, sizeof *data);
  data->x = g_new (double, n * n_inputs);
  for (gsize i = 0; i < n * n_inputs; i++)
    data->x[i] = 2.0 * saddle_rng_uniform (&rng) - 1.0;
  data->labels = g_new (guint32, n);
  for (gsize i = 0; i < n; i++)
    data->labels[i] = (guint32) saddle_rng_below (&rng, n_outputs);

  data->batch.kind = SADDLE_DATASET_CLASSIFICATION;
  data->batch.n = n;
  data->batch.n_inputs = n_inputs;
  data->batch.n_outputs = n_outputs;
  data->batch.x = data->x;
  data->batch.labels = data->labels;
}

static void
test_data_clear (TestData *data)
{
  g_free (data->x);
  g_free (data->labels);
}

/* The Hessian of an MLP through saddle_model_hvp() against its dense
 * eigenvalues: extremes from Lanczos, and with n steps SLQ's nodes are the
 * whole spectrum, repeated eigenvalues (softmax's null directions) included. */
static void
check_mlp (const guint *widths,
           guint        n_widths,
           gsize        samples,
           gsize        k,
           guint64      seed)
{
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleSpectrum) spectrum = NULL;
  g_autoptr(SaddleDensity) d = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *h = NULL;
  g_autofree double *lowest = g_new (double, k);
  g_autofree double *highest = g_new (double, k);
  g_autofree double *vlow = NULL, *vhigh = NULL, *sorted = NULL;
  TestData data;
  SaddleLanczosHvp hvp;
  SaddleLanczosInfo info;
  SaddleRng rng;
  double scale;
  gsize n;

  model = saddle_model_new (widths, n_widths, SADDLE_ACTIVATION_TANH,
                            SADDLE_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  n = saddle_model_n_params (model);
  test_data_init (&data, samples, widths[0], widths[n_widths - 1], seed);

  theta = g_new (double, n);
  saddle_rng_init (&rng, seed + 1);
  saddle_model_init_params (model, theta, &rng);
  for (gsize i = 0; i < n; i++)
    theta[i] += 0.3 * saddle_rng_normal (&rng);

  h = saddle_hessian_dense (model, theta, &data.batch, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  spectrum = saddle_spectrum_compute (h, n, 1e-6, &error);
  g_assert_no_error (error);
  scale = spectrum->max_abs;
  g_test_message ("n = %" G_GSIZE_FORMAT ": λ from %g to %g, %" G_GSIZE_FORMAT
                  " in the zero band", n, spectrum->eigenvalues[0],
                  spectrum->eigenvalues[n - 1], spectrum->zero);
  /* The point is a saddle with a real zero band: a fair test. */
  g_assert_cmpfloat (spectrum->eigenvalues[0], <, 0.0);
  g_assert_cmpuint (spectrum->zero, >, 0);

  hvp = (SaddleLanczosHvp) { model, theta, &data.batch };
  vlow = g_new (double, k * n);
  vhigh = g_new (double, k * n);
  g_assert_true (saddle_lanczos_extremes (saddle_lanczos_hvp, &hvp, n,
                                          &(SaddleLanczosSettings) { k, 0, seed },
                                          lowest, highest, vlow, vhigh, &info, &error));
  g_assert_no_error (error);
  g_test_message ("%" G_GSIZE_FORMAT " Lanczos steps, %u restarts, converged %d",
                  info.iterations, info.restarts, info.converged);
  g_assert_true (info.converged);
  check_extremes (spectrum->eigenvalues, n, k, lowest, highest, 1e-8);
  g_assert_cmpfloat (ritz_residual (saddle_lanczos_hvp, &hvp, n, k, lowest, vlow), <=,
                     1e-6 * scale);
  g_assert_cmpfloat (ritz_residual (saddle_lanczos_hvp, &hvp, n, k, highest, vhigh), <=,
                     1e-6 * scale);

  /* n steps span the whole space: each probe's nodes are all n eigenvalues. */
  d = saddle_lanczos_slq (saddle_lanczos_hvp, &hvp, n, (guint) n, 2, seed, 0, 0.0,
                          NULL, NULL, &error);
  g_assert_no_error (error);
  sorted = g_new (double, n);
  for (guint r = 0; r < 2; r++)
    {
      double sum = 0.0;

      memcpy (sorted, d->nodes + r * n, n * sizeof (double));
      qsort (sorted, n, sizeof (double), saddle_stats_compare_doubles);
      for (gsize i = 0; i < n; i++)
        {
          g_assert_cmpfloat_with_epsilon (sorted[i], spectrum->eigenvalues[i], 1e-8 * scale);
          sum += d->weights[r * n + i];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-12);
    }

  test_data_clear (&data);
}

static void
test_lanczos_mlp_small (void)
{
  const guint widths[] = { 2, 6, 3 };

  check_mlp (widths, G_N_ELEMENTS (widths), 5, 3, 31);
}

static void
test_lanczos_mlp_wider (void)
{
  const guint widths[] = { 4, 16, 3 };

  check_mlp (widths, G_N_ELEMENTS (widths), 40, 2, 8);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/lanczos/known-spectrum", test_lanczos_known_spectrum);
  g_test_add_func ("/core/lanczos/clusters", test_lanczos_clusters);
  g_test_add_func ("/core/lanczos/multiplicity", test_lanczos_multiplicity);
  g_test_add_func ("/core/lanczos/tiny", test_lanczos_tiny);
  g_test_add_func ("/core/lanczos/deterministic", test_lanczos_deterministic);
  g_test_add_func ("/core/lanczos/cancel", test_lanczos_cancel);
  g_test_add_func ("/core/lanczos/bad-input", test_lanczos_bad_input);
  g_test_add_func ("/core/lanczos/not-finite", test_lanczos_not_finite);
  g_test_add_func ("/core/lanczos/mlp-small", test_lanczos_mlp_small);
  g_test_add_func ("/core/lanczos/mlp-wider", test_lanczos_mlp_wider);
  g_test_add_func ("/core/lanczos/slq-diagonal", test_slq_diagonal_exact);
  g_test_add_func ("/core/lanczos/slq-known-spectrum", test_slq_known_spectrum);
  g_test_add_func ("/core/lanczos/density", test_density_new);

  return g_test_run ();
}
