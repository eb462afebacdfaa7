/* saddle-narrow-odd-row.c — the last row of an odd count of rows, summed as OpenBLAS sums it
 *
 * OpenBLAS's Haswell DGEMM kernel (dgemm_kernel_4x8_haswell.S) sums every entry of C with one
 * FMA per step of the depth, in order, except in the last row of an odd count of rows (in
 * row-major terms; its tiles of 4 × 1 in column-major ones), which it sums in an order of its
 * own, read from its source and checked to the bit by tests/test-model-gemm.c. The narrow
 * kernels (saddle-narrow-gemm.c, saddle-narrow-sum.c) take that row here to give its bits.
 */
#define G_LOG_DOMAIN "saddle-narrow"

#include "config.h"

#include "saddle-avx2-lanes.h"
#include "saddle-narrow-odd-row.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* For each 4 columns, four sums that take the depth in turn (step p into sum p mod 4) over its
 * whole eights, every later step into the first, then (s0 + s1) + (s2 + s3); the 1 to 3
 * columns after the last 4 one sum each, in order (its tiles of 2 × 1 and 1 × 1). Under a depth
 * of 8 that is one sum in order, as every other row's. */
__attribute__ ((target ("avx2,fma"))) void
_saddle_narrow_last_odd_row (gsize         k,
                             const double *a,
                             gsize         lda,
                             const double *b,
                             gsize         ldb,
                             gsize         n,
                             gboolean      add,
                             double       *c)
{
  gsize whole = n / 4 * 4, eights = k / 8 * 8;

  for (gsize j = 0; j < whole; j += 4)
    {
      __m256d s0 = _mm256_setzero_pd (), s1 = s0, s2 = s0, s3 = s0, sum;
      gsize i = 0;

      for (; i < eights; i += 4)
        {
          s0 = _mm256_fmadd_pd (_mm256_broadcast_sd (a + i * lda),
                                _mm256_loadu_pd (b + i * ldb + j), s0);
          s1 = _mm256_fmadd_pd (_mm256_broadcast_sd (a + (i + 1) * lda),
                                _mm256_loadu_pd (b + (i + 1) * ldb + j), s1);
          s2 = _mm256_fmadd_pd (_mm256_broadcast_sd (a + (i + 2) * lda),
                                _mm256_loadu_pd (b + (i + 2) * ldb + j), s2);
          s3 = _mm256_fmadd_pd (_mm256_broadcast_sd (a + (i + 3) * lda),
                                _mm256_loadu_pd (b + (i + 3) * ldb + j), s3);
        }
      for (; i < k; i++)
        s0 = _mm256_fmadd_pd (_mm256_broadcast_sd (a + i * lda), _mm256_loadu_pd (b + i * ldb + j),
                              s0);
      sum = _mm256_add_pd (_mm256_add_pd (s0, s1), _mm256_add_pd (s2, s3));
      _mm256_storeu_pd (c + j, _mm256_add_pd (add ? _mm256_loadu_pd (c + j)
                                                  : _mm256_setzero_pd (), sum));
    }
  if (whole < n)
    {
      /* The last 1 to 3 columns under a mask: nothing read beyond B's rows nor written beyond
       * C's. */
      __m256i mask = saddle_avx2_lanes (n - whole);
      __m256d sum = _mm256_setzero_pd ();

      for (gsize i = 0; i < k; i++)
        sum = _mm256_fmadd_pd (_mm256_broadcast_sd (a + i * lda),
                               _mm256_maskload_pd (b + i * ldb + whole, mask), sum);
      _mm256_maskstore_pd (c + whole, mask,
                           _mm256_add_pd (add ? _mm256_maskload_pd (c + whole, mask)
                                              : _mm256_setzero_pd (), sum));
    }
}
#endif
