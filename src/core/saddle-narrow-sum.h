/* saddle-narrow-sum.h — C = Aᵀ·B (+ C): a sum over samples into a few rows of many columns */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* C (m × n, rows @ldc apart) = Aᵀ·B + @beta·C with A (k × m, rows @lda apart) and B (k × n,
 * rows @ldb apart): the k samples' outer products summed, as OpenBLAS's Haswell kernel sums
 * them on one thread, to the bit (for finite numbers, up to the sign of a zero sum:
 * saddle-narrow-gemm.c); @beta 0 or 1. FALSE, with C untouched,
 * when the shape, the threads or the processor are not ones it takes (m 0 or over 32; n or k
 * 0; @beta neither 0 nor 1; OpenBLAS on more than one thread; no AVX2 and FMA): then use
 * BLAS. */
gboolean saddle_narrow_sum (gsize         m,
                            gsize         n,
                            gsize         k,
                            const double *a,
                            gsize         lda,
                            const double *b,
                            gsize         ldb,
                            double        beta,
                            double       *c,
                            gsize         ldc);

/* The same with B's k rows wherever they are (@b_rows: row i at b_rows[i]), the same sums: a
 * minibatch read in place in the dataset. FALSE also for an odd m or one column (whose sums
 * read B as a matrix): then copy the rows together and use saddle_narrow_sum(). */
gboolean saddle_narrow_sum_rows (gsize                m,
                                 gsize                n,
                                 gsize                k,
                                 const double        *a,
                                 gsize                lda,
                                 const double *const *b_rows,
                                 double               beta,
                                 double              *c,
                                 gsize                ldc);

/* Whether saddle_narrow_sum_rows() takes an m × n sum over k samples with β 0. */
gboolean saddle_narrow_sum_rows_takes (gsize m,
                                       gsize n,
                                       gsize k);

G_END_DECLS
