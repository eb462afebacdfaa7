/* test-model-gemm.c — the model passes' product helper against a naive triple loop
 *
 * _saddle_model_gemm() sends each shape to a different BLAS call (dgemv for a side of 1,
 * chunked dgemm for sums over many samples, plain dgemm otherwise): every transpose pair,
 * sides of 1, 3 and 31, sums over 1, 5 and 300 rows (several chunks, the last one short),
 * padded leading dimensions, and beta = 0 over a C that held NaN (it must be overwritten)
 * and beta = 1 (added to). Tolerance 1e-13 relative to the largest |entry|: only the order of
 * the sums may differ from the loop's.
 */
#include "config.h"

#include <math.h>

#include <glib.h>

#include "saddle-model-private.h"
#include "saddle-rng.h"

#define PAD 2

/* op(X)[r, c] of a row-major X with leading dimension @ld. */
static double
entry (const double    *x,
       gsize            ld,
       CBLAS_TRANSPOSE  trans,
       gsize            r,
       gsize            c)
{
  return trans == CblasNoTrans ? x[r * ld + c] : x[c * ld + r];
}

static void
check_shape (CBLAS_TRANSPOSE ta,
             CBLAS_TRANSPOSE tb,
             gsize           m,
             gsize           n,
             gsize           k,
             double          beta,
             SaddleRng      *rng)
{
  /* Stored shapes: A is (m, k) or (k, m), B is (k, n) or (n, k); each row padded by PAD. */
  gsize a_rows = ta == CblasNoTrans ? m : k, a_cols = ta == CblasNoTrans ? k : m;
  gsize b_rows = tb == CblasNoTrans ? k : n, b_cols = tb == CblasNoTrans ? n : k;
  gsize lda = a_cols + PAD, ldb = b_cols + PAD, ldc = n + PAD;
  g_autofree double *a = g_new (double, a_rows * lda);
  g_autofree double *b = g_new (double, b_rows * ldb);
  g_autofree double *c = g_new (double, m * ldc);
  g_autofree double *c0 = g_new (double, m * ldc);
  double scale = 0.0, diff = 0.0;

  for (gsize i = 0; i < a_rows * lda; i++)
    a[i] = saddle_rng_normal (rng);
  for (gsize i = 0; i < b_rows * ldb; i++)
    b[i] = saddle_rng_normal (rng);
  for (gsize i = 0; i < m * ldc; i++)
    c0[i] = c[i] = beta == 0.0 ? NAN : saddle_rng_normal (rng);

  _saddle_model_gemm (ta, tb, m, n, k, a, lda, b, ldb, beta, c, ldc);

  for (gsize r = 0; r < m; r++)
    for (gsize col = 0; col < n; col++)
      {
        double want = beta == 0.0 ? 0.0 : c0[r * ldc + col];

        for (gsize j = 0; j < k; j++)
          want += entry (a, lda, ta, r, j) * entry (b, ldb, tb, j, col);
        scale = MAX (scale, fabs (want));
        diff = MAX (diff, fabs (c[r * ldc + col] - want));
      }
  /* The padding between rows of C is never written. */
  for (gsize r = 0; r < m; r++)
    for (gsize col = n; col < ldc; col++)
      g_assert_true (c[r * ldc + col] == c0[r * ldc + col]
                     || (isnan (c[r * ldc + col]) && isnan (c0[r * ldc + col])));

  if (!(diff <= 1e-13 * scale))
    g_error ("%s%s m %" G_GSIZE_FORMAT " n %" G_GSIZE_FORMAT " k %" G_GSIZE_FORMAT
             " beta %g: error %.3g of %.3g", ta == CblasNoTrans ? "N" : "T",
             tb == CblasNoTrans ? "N" : "T", m, n, k, beta, diff, scale);
}

static void
test_against_loops (void)
{
  static const gsize sides[] = { 1, 3, 31 };
  static const gsize sums[] = { 1, 5, 300 };
  static const CBLAS_TRANSPOSE trans[] = { CblasNoTrans, CblasTrans };
  SaddleRng rng;

  saddle_rng_init (&rng, 3);
  for (guint ta = 0; ta < 2; ta++)
    for (guint tb = 0; tb < 2; tb++)
      for (guint im = 0; im < G_N_ELEMENTS (sides); im++)
        for (guint in = 0; in < G_N_ELEMENTS (sides); in++)
          for (guint ik = 0; ik < G_N_ELEMENTS (sums); ik++)
            {
              check_shape (trans[ta], trans[tb], sides[im], sides[in], sums[ik], 0.0, &rng);
              check_shape (trans[ta], trans[tb], sides[im], sides[in], sums[ik], 1.0, &rng);
            }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/model/gemm/against-loops", test_against_loops);
  return g_test_run ();
}
