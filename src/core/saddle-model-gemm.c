/* saddle-model-gemm.c — the model passes' matrix products, in the BLAS call each shape runs fastest
 *
 * The products are thin: a batch of 1,000 samples through layers of 1 to a few dozen units.
 * Measured with OpenBLAS 0.3.21 on one thread, best of 7 blocks in CPU time (2026-12-06, load
 * 3–7 on the 2 shared cores; tests/bench/bench-descent-step.c repeats the first two):
 *
 * - a product with a side of 1 (the 1-unit input or output layer of the function task) takes
 *   8.8–15.7 µs as dgemm and 3.8–4.1 µs as dgemv at 1,000 samples: those go to dgemv;
 * - a sum over samples into a small output (δᵀ·a, the weight gradients) runs faster in chunks of
 *   64 samples: 31 × 31 × 1,000 from 26.5–28.3 to 31 GFLOP/s, 20 × 784 × 1,000 from 27 to 31,
 *   20 × 20 and 10 × 20 by 4–5 %, 64 × 64 the same; outputs up to 20 × 784 are chunked;
 * - joining two products of the R-pass into one wider dgemm (R{a}·Wᵀ + a·Vᵀ as
 *   [R{a} | a]·[W | V]ᵀ, R{δ}·W + δ·V as [R{δ} | δ]·[W; V], R{δ}ᵀ·a + δᵀ·R{a} as one sum over
 *   2n rows) gains at most 5 µs (5 %) a pair at 1,000 × 31 × 31, and the sum over 2n rows
 *   none; the joined layouts would need one operand copied beside the other (31,000 doubles a
 *   pair) every step: not done;
 * - samples (two or more; until 2026-12-07 an even number, and from 16) through a layer of at
 *   most 32 units with a depth of 8 or more go to the narrow kernel (saddle-narrow-gemm.c)
 *   where the processor has AVX2 and FMA: 1,000 × 31 × 31 in 39 µs against dgemm's 50–52
 *   (NT and NN), the same bits as OpenBLAS's Haswell kernel; the ‖∇L‖² descent step went
 *   from 737 to 709 µs (and, since 2026-12-07, depths beyond 32 while OpenBLAS runs one
 *   thread: 200 × 784 into 20 in 130–132 µs against dgemm's 166–173), and a depth of 1
 *   (20 × 31: 0.09 µs against 0.16);
 * - a sum over samples into at most 32 rows (δᵀ·a, the weight gradients) goes to
 *   saddle-narrow-sum.c, which reads the samples' rows where they are where dgemm packs them
 *   first: the image model's 20 × 784 over 200 samples in 133–140 µs against the chunked
 *   dgemm's 207–211, 31 × 31 over 1,000 in 50 against 68, over a minibatch of 20 in 0.89
 *   against 1.29 (2026-12-07, AMD EPYC), the same bits, while OpenBLAS runs one thread. Into
 *   an odd number of rows too, since 2026-12-07: the order in which OpenBLAS's Haswell kernel
 *   sums the last of them (four partial sums) is now known (saddle-narrow-sum.c).
 */
#define G_LOG_DOMAIN "saddle-model-gemm"

#include "config.h"

#include <string.h>

#include <cblas.h>

#include "saddle-model-private.h"
#include "saddle-narrow-gemm.h"
#include "saddle-narrow-sum.h"

/* Samples per chunk of a sum over samples, and the largest output chunked (the largest measured
 * faster; see the file comment). */
#define SUM_CHUNK_ROWS    64
#define SUM_CHUNK_MAX_OUT ((gsize) 20 * 784)

/* y = op(A)·x + beta·y by dgemv; beta = 0 overwrites y even where it held NaN (as dgemm does),
 * whatever the BLAS's scaling by 0 does. */
static void
gemv (CBLAS_TRANSPOSE  trans,
      gsize            rows,
      gsize            cols,
      const double    *a,
      gsize            lda,
      const double    *x,
      gsize            incx,
      double           beta,
      double          *y,
      gsize            incy)
{
  if (beta == 0.0)
    {
      gsize len = trans == CblasNoTrans ? rows : cols;

      for (gsize i = 0; i < len; i++)
        y[i * incy] = 0.0;
      beta = 1.0;
    }
  cblas_dgemv (CblasRowMajor, trans, (int) rows, (int) cols, 1.0, a, (int) lda, x, (int) incx,
               beta, y, (int) incy);
}

void
_saddle_model_gemm (CBLAS_TRANSPOSE  trans_a,
                    CBLAS_TRANSPOSE  trans_b,
                    gsize            m,
                    gsize            n,
                    gsize            k,
                    const double    *a,
                    gsize            lda,
                    const double    *b,
                    gsize            ldb,
                    double           beta,
                    double          *c,
                    gsize            ldc)
{
  if (m == 0 || n == 0)
    return;

  if (n == 1)
    {
      /* C's column = op(A)·(op(B)'s column). */
      gsize incx = trans_b == CblasNoTrans ? ldb : 1;

      if (trans_a == CblasNoTrans)
        gemv (CblasNoTrans, m, k, a, lda, b, incx, beta, c, ldc);
      else
        gemv (CblasTrans, k, m, a, lda, b, incx, beta, c, ldc);
      return;
    }
  if (m == 1)
    {
      /* C's row = op(B)ᵀ·(op(A)'s row). */
      gsize incx = trans_a == CblasNoTrans ? 1 : lda;

      if (trans_b == CblasNoTrans)
        gemv (CblasTrans, k, n, b, ldb, a, incx, beta, c, 1);
      else
        gemv (CblasNoTrans, n, k, b, ldb, a, incx, beta, c, 1);
      return;
    }

  if (trans_a == CblasTrans && trans_b == CblasNoTrans
      && m * n <= SUM_CHUNK_MAX_OUT && k > 2 * SUM_CHUNK_ROWS)
    {
      /* A sum over k samples into a small C: chunks keep both operands' rows in L1. */
      for (gsize i0 = 0; i0 < k; i0 += SUM_CHUNK_ROWS)
        {
          gsize rows = MIN (SUM_CHUNK_ROWS, k - i0);

          if (!saddle_narrow_sum (m, n, rows, a + i0 * lda, lda, b + i0 * ldb, ldb,
                                  i0 == 0 ? beta : 1.0, c, ldc))
            cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) m, (int) n, (int) rows,
                         1.0, a + i0 * lda, (int) lda, b + i0 * ldb, (int) ldb,
                         i0 == 0 ? beta : 1.0, c, (int) ldc);
        }
      return;
    }

  /* Any other sum over samples into many columns (at most 128 samples, or into more than
   * SUM_CHUNK_MAX_OUT entries): the same kernel where it takes the shape, in one go. */
  if (trans_a == CblasTrans && trans_b == CblasNoTrans
      && saddle_narrow_sum (m, n, k, a, lda, b, ldb, beta, c, ldc))
    return;

  /* Samples through a layer of at most 32 units: the narrow kernel, where it runs. */
  if (trans_a == CblasNoTrans)
    _saddle_model_dgemm (trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
  else
    cblas_dgemm (CblasRowMajor, trans_a, trans_b, (int) m, (int) n, (int) k,
                 1.0, a, (int) lda, b, (int) ldb, beta, c, (int) ldc);
}

void
_saddle_model_dgemm (CBLAS_TRANSPOSE  trans_b,
                     gsize            m,
                     gsize            n,
                     gsize            k,
                     const double    *a,
                     gsize            lda,
                     const double    *b,
                     gsize            ldb,
                     double           beta,
                     double          *c,
                     gsize            ldc)
{
  if (!saddle_narrow_gemm (trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc))
    cblas_dgemm (CblasRowMajor, CblasNoTrans, trans_b, (int) m, (int) n, (int) k,
                 1.0, a, (int) lda, b, (int) ldb, beta, c, (int) ldc);
}
