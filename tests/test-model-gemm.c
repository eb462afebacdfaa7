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
#include <string.h>

#include <glib.h>

#include "saddle-model-private.h"
#include "saddle-narrow-gemm.h"
#include "saddle-narrow-sum.h"
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

/* @count normal draws into @x. */
static void
fill_normal (double    *x,
             gsize      count,
             SaddleRng *rng)
{
  for (gsize i = 0; i < count; i++)
    x[i] = saddle_rng_normal (rng);
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

  fill_normal (a, a_rows * lda, rng);
  fill_normal (b, b_rows * ldb, rng);
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

/* C and @want (m rows of @n, @ldc apart) alike: 7 in the padding after each row, elsewhere NaN
 * for β = 0 (it must be overwritten) or normal draws for β = 1. */
static void
fill_c (double    *c,
        double    *want,
        gsize      m,
        gsize      n,
        gsize      ldc,
        double     beta,
        SaddleRng *rng)
{
  for (gsize i = 0; i < m * ldc; i++)
    want[i] = c[i] = i % ldc >= n ? 7.0 : beta == 0.0 ? NAN : saddle_rng_normal (rng);
}

/* A kernel's C against dgemm's @want: the padding as it was; the same bits with Haswell's
 * kernels (@same_bits), else within 1e-14 of |want|'s largest. FALSE if not the same bits. */
static gboolean
check_against_dgemm (const double *c,
                     const double *want,
                     gsize         m,
                     gsize         n,
                     gsize         ldc,
                     gboolean      same_bits)
{
  double scale = 0.0, diff = 0.0;

  for (gsize i = 0; i < m * ldc; i++)
    if (i % ldc >= n)
      g_assert_cmpfloat (c[i], ==, 7.0);
  if (same_bits)
    return memcmp (c, want, m * ldc * sizeof (double)) == 0;
  for (gsize i = 0; i < m * ldc; i++)
    {
      scale = MAX (scale, fabs (want[i]));
      diff = MAX (diff, fabs (c[i] - want[i]));
    }
  g_assert_cmpfloat (diff, <=, 1e-14 * scale);
  return TRUE;
}

/* The narrow kernel (saddle-narrow-gemm.c) sums every entry as OpenBLAS's Haswell kernel does,
 * so the model's numbers do not depend on which of the two ran: with those kernels (the ones
 * tests/meson.build pins for the byte references) C must equal cblas_dgemm's to the bit, for
 * every shape it takes (rows 3 to 34 and 200 to 1,008, so that tiles of 3 to 8 rows end short,
 * odd counts among them, whose last row OpenBLAS sums in its own order; 2 to 32 columns, so
 * that the last vector of 4 or 8 is partial, in one tile or two of 3 or 4 rows, or with AVX-512
 * in one of 6 to 8; depths 8 to 784 (beyond 32 at up to 200 rows), in one to four of OpenBLAS's
 * blocks of the depth, the image model's input layer among them; one column, by its own kernel,
 * for any row count and depth, odd and under 8 too, and a depth of 1 for any row count; B
 * either way; β 0 over NaN and 1), and the padding after each row of C must stay as it was.
 * With other kernels (OpenBLAS's AVX-512 ones sum small products in other orders) within 1e-14
 * of |C|'s largest. */
static void
test_narrow_same_bits (void)
{
  static const gsize rows[] = { 1, 3, 7, 16, 17, 18, 20, 21, 22, 24, 26, 30, 34, 200, 202, 999,
                                1000, 1008 };
  static const gsize cols[] = { 1, 2, 3, 10, 16, 17, 20, 26, 31, 32 };
  static const gsize depths[] = { 1, 3, 7, 8, 20, 31, 32, 33, 255, 300, 511, 513, 784 };
  gboolean same_bits = g_strcmp0 (openblas_get_corename (), "Haswell") == 0;
  guint taken = 0;
  SaddleRng rng;

  /* On one thread, as the references run: on more, OpenBLAS halves a depth between 256 and 512
   * otherwise (513 as 256 + 129 + 128, where one thread sums 256 + 128 + 129). */
  openblas_set_num_threads (1);
  saddle_rng_init (&rng, 5);
  for (guint im = 0; im < G_N_ELEMENTS (rows); im++)
    for (guint in = 0; in < G_N_ELEMENTS (cols); in++)
      for (guint ik = 0; ik < G_N_ELEMENTS (depths); ik++)
        for (guint tb = 0; tb < 2; tb++)
          for (guint ib = 0; ib < 2; ib++)
            {
              CBLAS_TRANSPOSE trans_b = tb == 0 ? CblasNoTrans : CblasTrans;
              gsize m = rows[im], n = cols[in], k = depths[ik];

              /* Deep products at 1,000 rows and more add nothing the short ones do not check
               * (their last tiles are those of 16, 24 and 200 rows) but time: the sanitizer
               * build took 24–30 s for them all. */
              if (k > SADDLE_NARROW_MAX && m >= 1000)
                continue;
              /* One row or shallow products into more columns it leaves to BLAS, but for a
               * depth of 1. */
              if (n > 1 && k > 1 && (m < 2 || k < 8))
                continue;
              gsize lda = k + PAD, ldb = (trans_b == CblasNoTrans ? n : k) + PAD, ldc = n + PAD;
              gsize b_rows = trans_b == CblasNoTrans ? k : n;
              double beta = ib;
              g_autofree double *a = g_new (double, m * lda);
              g_autofree double *b = g_new (double, b_rows * ldb);
              g_autofree double *c = g_new (double, m * ldc);
              g_autofree double *want = g_new (double, m * ldc);

              fill_normal (a, m * lda, &rng);
              fill_normal (b, b_rows * ldb, &rng);
              fill_c (c, want, m, n, ldc, beta, &rng);
              cblas_dgemm (CblasRowMajor, CblasNoTrans, trans_b, (int) m, (int) n, (int) k, 1.0,
                           a, (int) lda, b, (int) ldb, beta, want, (int) ldc);
              if (!saddle_narrow_gemm (trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc))
                continue;   /* no AVX2 here: nothing to compare */
              taken++;
              if (!check_against_dgemm (c, want, m, n, ldc, same_bits))
                g_error ("narrow N%s m %" G_GSIZE_FORMAT " n %" G_GSIZE_FORMAT " k %"
                         G_GSIZE_FORMAT " beta %g: not dgemm's bits",
                         trans_b == CblasNoTrans ? "N" : "T", m, n, k, beta);
            }
  if (taken == 0)
    g_test_skip ("the narrow kernel needs AVX2 and FMA");
  else
    g_test_message ("%u shapes, each dgemm's %s", taken,
                    same_bits ? "to the bit" : "within 1e-14 (not Haswell's kernels)");
}

/* The sum kernel (saddle-narrow-sum.c) likewise: Aᵀ·B to cblas_dgemm's bits with Haswell's
 * kernels on one thread, for rows of C 1 to 32 (tiles of 5 and every shorter one, and an odd
 * last row, which OpenBLAS sums in an order of its own: the 31-unit layers), columns 1 to 784
 * (one column by its own kernel; the last 1 to 3 under a mask, after 8s and a 4 or not),
 * depths 1 to 1,000 (under and over 8, where the odd row's order changes; a minibatch of 20,
 * one chunk of the model's sums, OpenBLAS's depth block, the whole bundled set in four
 * blocks), padded rows, β 0 over NaN and 1; the padding after each row of C stays as it was.
 * With other kernels within 1e-14 of |C|'s largest. */
static void
test_narrow_sum_same_bits (void)
{
  static const gsize rows[] = { 1, 2, 3, 4, 5, 6, 7, 10, 11, 20, 30, 31, 32 };
  static const gsize cols[] = { 1, 2, 3, 4, 5, 7, 8, 12, 20, 31, 64, 68, 784 };
  static const gsize depths[] = { 1, 7, 8, 9, 17, 20, 64, 200, 256, 513, 1000 };
  gboolean same_bits = g_strcmp0 (openblas_get_corename (), "Haswell") == 0;
  guint taken = 0;
  SaddleRng rng;

  openblas_set_num_threads (1);
  saddle_rng_init (&rng, 7);
  for (guint im = 0; im < G_N_ELEMENTS (rows); im++)
    for (guint in = 0; in < G_N_ELEMENTS (cols); in++)
      for (guint ik = 0; ik < G_N_ELEMENTS (depths); ik++)
        for (guint ib = 0; ib < 2; ib++)
          {
            gsize m = rows[im], n = cols[in], k = depths[ik];
            gsize lda = m + PAD, ldb = n + PAD, ldc = n + PAD;
            double beta = ib;
            g_autofree double *a = g_new (double, k * lda);
            g_autofree double *b = g_new (double, k * ldb);
            g_autofree double *c = g_new (double, m * ldc);
            g_autofree double *want = g_new (double, m * ldc);

            fill_normal (a, k * lda, &rng);
            fill_normal (b, k * ldb, &rng);
            fill_c (c, want, m, n, ldc, beta, &rng);
            cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) m, (int) n, (int) k, 1.0,
                         a, (int) lda, b, (int) ldb, beta, want, (int) ldc);
            if (!saddle_narrow_sum (m, n, k, a, lda, b, ldb, beta, c, ldc))
              continue;   /* no AVX2 here: nothing to compare */
            taken++;
            if (!check_against_dgemm (c, want, m, n, ldc, same_bits))
              g_error ("narrow sum m %" G_GSIZE_FORMAT " n %" G_GSIZE_FORMAT " k %"
                       G_GSIZE_FORMAT " beta %g: not dgemm's bits", m, n, k, beta);
          }
  /* Shapes it leaves to BLAS. */
  g_assert_false (saddle_narrow_sum (33, 784, 64, NULL, 33, NULL, 784, 0.0, NULL, 784));
  g_assert_false (saddle_narrow_sum (20, 60, 64, NULL, 20, NULL, 60, 0.5, NULL, 60));
  g_assert_false (saddle_narrow_sum (20, 66, 0, NULL, 20, NULL, 66, 0.0, NULL, 66));
  if (taken == 0)
    g_test_skip ("the sum kernel needs AVX2 and FMA");
  else
    g_test_message ("%u shapes, each dgemm's %s", taken,
                    same_bits ? "to the bit" : "within 1e-14 (not Haswell's kernels)");
}

/* @count rows of @width numbers, scattered in a pool in a shuffled order (as a minibatch's
 * samples lie in the dataset), into @table, and the same rows copied together into @dense. */
static void
scatter_rows (gsize                count,
              gsize                width,
              SaddleRng           *rng,
              double              *pool,
              const double       **table,
              double              *dense)
{
  g_autofree guint32 *order = g_new (guint32, count);

  for (gsize i = 0; i < count; i++)
    order[i] = (guint32) i;
  saddle_rng_shuffle (rng, order, count);
  for (gsize i = 0; i < count; i++)
    {
      table[i] = pool + order[i] * (width + PAD);
      fill_normal ((double *) table[i], width, rng);
      memcpy (dense + i * width, table[i], width * sizeof (double));
    }
}

/* The kernels with the rows of A (saddle_narrow_gemm_rows()) or of B (saddle_narrow_sum_rows())
 * from a table, as a training step reads a minibatch in the dataset: the same bytes as over the
 * rows copied together, wherever their predicates say they take the shape (even rows of 16 or
 * more, depths 8 to 784 across OpenBLAS's blocks, 2 to 32 columns, B either way, β 0 and 1),
 * and FALSE with nothing written where they do not (odd rows, one column, a depth of 1). */
static void
test_narrow_rows_same_bits (void)
{
  static const gsize rows[] = { 16, 20, 21, 64, 200, 202 };
  static const gsize cols[] = { 1, 2, 10, 20, 31, 32, 784 };
  static const gsize depths[] = { 1, 8, 31, 200, 784 };
  guint taken = 0, declined = 0;
  SaddleRng rng;

  openblas_set_num_threads (1);
  saddle_rng_init (&rng, 11);
  for (guint im = 0; im < G_N_ELEMENTS (rows); im++)
    for (guint in = 0; in < G_N_ELEMENTS (cols); in++)
      for (guint ik = 0; ik < G_N_ELEMENTS (depths); ik++)
        for (guint iv = 0; iv < 4; iv++)
          {
            gsize m = rows[im], n = cols[in], k = depths[ik], ldc = n + PAD;
            double beta = iv % 2;
            CBLAS_TRANSPOSE trans_b = iv < 2 ? CblasTrans : CblasNoTrans;
            gsize ldb = (trans_b == CblasNoTrans ? n : k) + PAD;
            gsize b_rows = trans_b == CblasNoTrans ? k : n;
            g_autofree double *pool = g_new (double, MAX (m, k) * (MAX (n, k) + PAD));
            g_autofree const double **table = g_new (const double *, MAX (m, k));
            g_autofree double *dense = g_new (double, MAX (m, k) * MAX (n, k));
            g_autofree double *b = g_new (double, MAX (b_rows, k) * MAX (ldb, m + PAD));
            g_autofree double *c = g_new (double, MAX (m, n) * (MAX (n, m) + PAD));
            g_autofree double *want = g_new (double, MAX (m, n) * (MAX (n, m) + PAD));
            gboolean takes;

            if (n <= SADDLE_NARROW_MAX)
              {
                /* z = A·op(B) (+ C), A's m rows of depth k from the table. */
                scatter_rows (m, k, &rng, pool, table, dense);
                fill_normal (b, b_rows * ldb, &rng);
                fill_c (c, want, m, n, ldc, beta, &rng);
                takes = saddle_narrow_gemm_rows (trans_b, m, n, k, table, b, ldb, beta, c, ldc);
                if (beta == 1.0)
                  g_assert_cmpint (takes, ==, saddle_narrow_gemm_rows_takes (m, n, k));
                if (saddle_narrow_gemm (trans_b, m, n, k, dense, k, b, ldb, beta, want, ldc))
                  {
                    if (takes)
                      {
                        g_assert_cmpmem (c, m * ldc * sizeof (double), want,
                                         m * ldc * sizeof (double));
                        taken++;
                      }
                    else
                      {
                        /* Odd rows the rows' kernel leaves to a copy; the matrix one takes. */
                        g_assert_true (n == 1 || k == 1 || m % 2 != 0);
                        declined++;
                      }
                  }
                else
                  g_assert_false (takes);
              }
            if (m <= 32 && trans_b == CblasTrans)
              {
                /* C = Aᵀ·B (+ C) over k samples, B's k rows of n from the table; A's k rows
                 * of m as they are. */
                gsize lda = m + PAD, ldc2 = n + PAD;

                scatter_rows (k, n, &rng, pool, table, dense);
                fill_normal (b, k * lda, &rng);
                fill_c (c, want, m, n, ldc2, beta, &rng);
                takes = saddle_narrow_sum_rows (m, n, k, b, lda, table, beta, c, ldc2);
                if (beta == 0.0)
                  g_assert_cmpint (takes, ==, saddle_narrow_sum_rows_takes (m, n, k));
                if (saddle_narrow_sum (m, n, k, b, lda, dense, n, beta, want, ldc2))
                  {
                    if (takes)
                      {
                        g_assert_cmpmem (c, m * ldc2 * sizeof (double), want,
                                         m * ldc2 * sizeof (double));
                        taken++;
                      }
                    else
                      {
                        g_assert_true (m % 2 != 0 || n == 1);
                        declined++;
                      }
                  }
                else
                  g_assert_false (takes);
              }
          }
  if (taken == 0)
    g_test_skip ("the narrow kernels need AVX2 and FMA");
  else
    g_test_message ("%u products from a table of rows, each the same bytes; %u declined",
                    taken, declined);
}

/* The narrow kernel with a hidden ReLU layer's activation taken where the sums are stored
 * (saddle_narrow_gemm_relu()) against the two passes it replaces: z from saddle_narrow_gemm()
 * over a C holding the bias (β = 1), then a = (z < 0 ? 0 : z) and d = (z > 0 ? 1 : 0), as
 * relu_rows() in saddle-model.c: the same bytes for z, a and d, NaN passed into z and a (one
 * sample's inputs NaN), z = 0 (another's 0), over every shape the kernel takes at depths 1 to
 * 256 (B either way, rows odd at a depth of 1, columns 2 to 32 so that the last vector is
 * partial, padded rows), and nothing written where it declines (one column, deeper than one of
 * OpenBLAS's blocks, odd rows beyond a depth of 1, which saddle_narrow_gemm() takes). */
static void
test_narrow_relu_same_values (void)
{
  static const gsize rows[] = { 1, 3, 16, 20, 21, 200, 1000 };
  static const gsize cols[] = { 1, 2, 3, 5, 16, 20, 31, 32 };
  static const gsize depths[] = { 1, 8, 20, 31, 256, 257 };
  guint taken = 0;
  SaddleRng rng;

  openblas_set_num_threads (1);
  saddle_rng_init (&rng, 11);
  for (guint im = 0; im < G_N_ELEMENTS (rows); im++)
    for (guint in = 0; in < G_N_ELEMENTS (cols); in++)
      for (guint ik = 0; ik < G_N_ELEMENTS (depths); ik++)
        for (guint tb = 0; tb < 2; tb++)
          {
            CBLAS_TRANSPOSE trans_b = tb == 0 ? CblasNoTrans : CblasTrans;
            gsize m = rows[im], n = cols[in], k = depths[ik];
            gsize lda = k + PAD, ldb = (trans_b == CblasNoTrans ? n : k) + PAD, ld = n + PAD;
            gsize b_rows = trans_b == CblasNoTrans ? k : n;
            g_autofree double *a = g_new (double, m * lda);
            g_autofree double *b = g_new (double, b_rows * ldb);
            g_autofree double *bias = g_new (double, n);
            g_autofree double *z = g_new (double, m * ld);
            g_autofree double *act = g_new (double, m * ld);
            g_autofree double *deriv = g_new (double, m * ld);
            g_autofree double *want = g_new (double, m * ld);
            gboolean plain;

            fill_normal (a, m * lda, &rng);
            fill_normal (b, b_rows * ldb, &rng);
            fill_normal (bias, n, &rng);
            a[(m / 2) * lda] = NAN;
            /* z exactly 0 at the last row's first column: ReLU'(0) = 0. */
            if (m > 1)
              memset (a + (m - 1) * lda, 0, k * sizeof (double));
            bias[0] = 0.0;
            for (gsize i = 0; i < m * ld; i++)
              z[i] = act[i] = deriv[i] = 7.0;
            for (gsize i = 0; i < m; i++)
              for (gsize j = 0; j < ld; j++)
                want[i * ld + j] = j < n ? bias[j] : 7.0;
            plain = saddle_narrow_gemm (trans_b, m, n, k, a, lda, b, ldb, 1.0, want, ld);
            if (!saddle_narrow_gemm_relu (trans_b, m, n, k, a, lda, b, ldb, bias, z, act, deriv,
                                          ld))
              {
                g_assert_true (!plain || n == 1 || k > 256 || m % 2 != 0);
                for (gsize i = 0; i < m * ld; i++)
                  g_assert_true (z[i] == 7.0 && act[i] == 7.0 && deriv[i] == 7.0);
                continue;
              }
            g_assert_true (plain);
            taken++;
            g_assert_cmpmem (z, m * ld * sizeof (double), want, m * ld * sizeof (double));
            for (gsize i = 0; i < m * ld; i++)
              {
                double a_want = i % ld >= n ? 7.0 : want[i] < 0.0 ? 0.0 : want[i];
                double d_want = i % ld >= n ? 7.0 : want[i] > 0.0 ? 1.0 : 0.0;

                g_assert_cmpmem (&act[i], sizeof (double), &a_want, sizeof (double));
                g_assert_cmpmem (&deriv[i], sizeof (double), &d_want, sizeof (double));
              }
          }
  if (taken == 0)
    g_test_skip ("the narrow kernel needs AVX2 and FMA");
  else
    g_test_message ("%u shapes, z, a and d the same bytes", taken);
}

/* Where OpenBLAS runs more threads the kernels leave it the products it would parallelise (the
 * narrow kernel's deeper than 32, every sum), which keeps threaded runs' numbers as they were;
 * and a block summing to −0 is stored as +0 for β = 0, as OpenBLAS adds it to the C it zeroed. */
static void
test_narrow_threads_and_zero (void)
{
  g_autofree double *x = g_new0 (double, 200 * 784);
  g_autofree double *w = g_new0 (double, 20 * 784);
  g_autofree double *z = g_new0 (double, 200 * 20);
  g_autofree double *g = g_new0 (double, 20 * 784);
  g_autofree double *want = g_new0 (double, 20 * 784);

  if (!saddle_narrow_gemm (CblasTrans, 200, 20, 31, x, 784, w, 784, 1.0, z, 20))
    {
      g_test_skip ("the narrow kernels need AVX2 and FMA");
      return;
    }

  openblas_set_num_threads (2);
  if (openblas_get_num_threads () == 2)
    {
      /* The image model's first layer, forward and weight gradient, left to OpenBLAS; a depth
       * of 31 taken on any number of threads, as since the kernel came. */
      g_assert_false (saddle_narrow_gemm (CblasTrans, 200, 20, 784, x, 784, w, 784, 1.0, z, 20));
      g_assert_false (saddle_narrow_sum (20, 784, 200, z, 20, x, 784, 0.0, g, 784));
      g_assert_true (saddle_narrow_gemm (CblasTrans, 200, 20, 31, x, 784, w, 784, 1.0, z, 20));
    }
  openblas_set_num_threads (1);

  /* 1e-200 · −1e-200 underflows to −0. A sum that ends on such a product, after products of
   * +0, is −0; OpenBLAS then stores 0 + (−0) = +0. Depth 31, one block: column 30 of X and W. */
  for (gsize i = 0; i < 200; i++)
    x[i * 784 + 30] = 1e-200;
  for (gsize j = 0; j < 20; j++)
    w[j * 784 + 30] = -1e-200;
  for (gsize i = 0; i < 200 * 20; i++)
    z[i] = NAN;
  g_assert_true (saddle_narrow_gemm (CblasTrans, 200, 20, 31, x, 784, w, 784, 0.0, z, 20));
  for (gsize i = 0; i < 200 * 20; i++)
    g_assert_true (z[i] == 0.0 && !signbit (z[i]));
  /* δᵀ·X ending on the last sample's −1e-200 · 1e-200: the same in the sum kernel. */
  memset (z, 0, 200 * 20 * sizeof (double));
  for (gsize u = 0; u < 20; u++)
    z[199 * 20 + u] = -1e-200;
  for (gsize p = 0; p < 784; p++)
    x[199 * 784 + p] = 1e-200;
  for (gsize i = 0; i < 20 * 784; i++)
    g[i] = want[i] = NAN;
  g_assert_true (saddle_narrow_sum (20, 784, 200, z, 20, x, 784, 0.0, g, 784));
  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, 20, 784, 200, 1.0, z, 20, x, 784, 0.0,
               want, 784);
  g_assert_cmpmem (g, 20 * 784 * sizeof (double), want, 20 * 784 * sizeof (double));
  g_assert_false (signbit (g[0]));

  /* A depth of 1 into an odd row count, C −0 and β = 1, each product underflowing to −0:
   * OpenBLAS adds its odd last row's groups of 4 columns to 0 ((s0 + s1) + (s2 + s3)), so they
   * end +0 there; every other entry −0 + (−0) = −0 (a review's finding). Bᵀ's one column
   * contiguous (ldb 1), where the kernel reads it in place. */
  {
    double a1[3], b1[5], c1[15], want1[15];

    for (guint i = 0; i < 3; i++)
      a1[i] = -0x1p-600;
    for (guint j = 0; j < 5; j++)
      b1[j] = 0x1p-600;
    for (guint i = 0; i < 15; i++)
      c1[i] = want1[i] = -0.0;
    g_assert_true (saddle_narrow_gemm (CblasTrans, 3, 5, 1, a1, 1, b1, 1, 1.0, c1, 5));
    cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, 3, 5, 1, 1.0, a1, 1, b1, 1, 1.0, want1,
                 5);
    for (guint i = 0; i < 15; i++)
      g_assert_true (c1[i] == 0.0 && signbit (c1[i]) == (i < 10 || i == 14));
    if (g_strcmp0 (openblas_get_corename (), "Haswell") == 0)
      g_assert_cmpmem (c1, sizeof c1, want1, sizeof want1);
  }
}

/* A same-bits test again with the narrow kernels kept to their AVX2 tiles: on a processor with
 * AVX-512F the default run checks only the wide ones. */
static void
with_avx2_tiles (gconstpointer test)
{
  saddle_narrow_set_wide (FALSE);
  ((GTestFunc) test) ();
  saddle_narrow_set_wide (TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/model/gemm/against-loops", test_against_loops);
  g_test_add_func ("/core/model/gemm/narrow-same-bits", test_narrow_same_bits);
  g_test_add_func ("/core/model/gemm/narrow-sum-same-bits", test_narrow_sum_same_bits);
  g_test_add_func ("/core/model/gemm/narrow-rows-same-bits", test_narrow_rows_same_bits);
  g_test_add_func ("/core/model/gemm/narrow-relu-same-values", test_narrow_relu_same_values);
  g_test_add_func ("/core/model/gemm/narrow-threads-and-zero", test_narrow_threads_and_zero);
  g_test_add_data_func ("/core/model/gemm/avx2/narrow-same-bits", test_narrow_same_bits,
                        with_avx2_tiles);
  g_test_add_data_func ("/core/model/gemm/avx2/narrow-sum-same-bits", test_narrow_sum_same_bits,
                        with_avx2_tiles);
  g_test_add_data_func ("/core/model/gemm/avx2/narrow-rows-same-bits",
                        test_narrow_rows_same_bits, with_avx2_tiles);
  g_test_add_data_func ("/core/model/gemm/avx2/narrow-relu-same-values",
                        test_narrow_relu_same_values, with_avx2_tiles);
  return g_test_run ();
}
