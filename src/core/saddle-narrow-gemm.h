/* saddle-narrow-gemm.h — C = A·op(B) (+ C) for a tall A into at most 32 columns */
#pragma once

#include <cblas.h>
#include <glib.h>

G_BEGIN_DECLS

/* The most columns of op(B) the narrow kernel takes; a depth up to this needs no allocation. */
#define SADDLE_NARROW_MAX 32

/* C (m × n, rows @ldc apart) = A·op(B) + @beta·C with A (m × k, rows @lda apart) and op(B)
 * (k × n; B rows @ldb apart), summed as OpenBLAS's Haswell kernel sums, to the bit (for finite
 * numbers, up to the sign of a zero sum: saddle-narrow-gemm.c); @beta 0 or 1. FALSE, with C
 * untouched, when the shape or the processor is not one it takes (m, n or k 0; beyond one
 * column and a depth of 1, one row or k < 8; n over SADDLE_NARROW_MAX; k over it while
 * OpenBLAS runs more than one thread; no AVX2 and FMA): then use BLAS. */
gboolean saddle_narrow_gemm (CBLAS_TRANSPOSE  trans_b,
                             gsize            m,
                             gsize            n,
                             gsize            k,
                             const double    *a,
                             gsize            lda,
                             const double    *b,
                             gsize            ldb,
                             double           beta,
                             double          *c,
                             gsize            ldc);

/* The same with A's m rows wherever they are (@a_rows: row i at a_rows[i]), the same sums: a
 * minibatch read in place in the dataset. FALSE also for one column or a depth of 1 (whose
 * products read A as a matrix): then copy the rows together and use saddle_narrow_gemm(). */
gboolean saddle_narrow_gemm_rows (CBLAS_TRANSPOSE      trans_b,
                                  gsize                m,
                                  gsize                n,
                                  gsize                k,
                                  const double *const *a_rows,
                                  const double        *b,
                                  gsize                ldb,
                                  double               beta,
                                  double              *c,
                                  gsize                ldc);

/* Whether saddle_narrow_gemm_rows() takes an m × n product of depth k with β 1. */
gboolean saddle_narrow_gemm_rows_takes (gsize m,
                                        gsize n,
                                        gsize k);

/* Z (m × n, rows @ld apart) = @bias (n, each row) + A·op(B), as saddle_narrow_gemm() with C
 * holding the bias and β = 1 sums it, and beside it A = ReLU(Z) and D = ReLU'(Z) (@act and
 * @deriv, rows @ld apart) as saddle-model.c takes them (−0 stays −0, NaN passes into A,
 * ReLU'(0) = 0), in one pass: the same values. FALSE, with nothing written, where
 * saddle_narrow_gemm() would return FALSE, for one column, or for a depth beyond one of
 * OpenBLAS's blocks (256). */
gboolean saddle_narrow_gemm_relu (CBLAS_TRANSPOSE  trans_b,
                                  gsize            m,
                                  gsize            n,
                                  gsize            k,
                                  const double    *a,
                                  gsize            lda,
                                  const double    *b,
                                  gsize            ldb,
                                  const double    *bias,
                                  double          *z,
                                  double          *act,
                                  double          *deriv,
                                  gsize            ld);

/* Whether the narrow kernels (this file's and saddle-narrow-sum.c's) may run their AVX-512 tiles
 * where the processor has them (default TRUE): FALSE keeps them to their AVX2 tiles, for tests
 * on a processor that has both. saddle_narrow_wide(): whether the wide tiles run. */
void     saddle_narrow_set_wide (gboolean allowed);
gboolean saddle_narrow_wide     (void);

/* The next block of a depth with @left still to sum, as OpenBLAS's one-thread driver cuts it:
 * its Haswell kernel sums each block from 0 and adds it to C, and so do the narrow kernels. */
gsize saddle_narrow_depth_block (gsize left);

G_END_DECLS
