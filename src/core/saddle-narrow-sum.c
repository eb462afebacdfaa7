/* saddle-narrow-sum.c — C = Aᵀ·B (+ C): a sum over samples into a few rows of many columns
 *
 * The image model's first weight gradient, δᵀ·X: 20 units × 784 pixels summed over the
 * samples of a minibatch (the backward pass, in one call) or of the whole set in chunks of 64
 * (the R-pass's sums, saddle-model-gemm.c). OpenBLAS copies both operands into its packed
 * layout first, X (the larger) included, and ran it at 31–32 GFLOP/s on one thread (Haswell
 * kernels, 200 samples: 197–200 µs in one call, 207–211 µs in chunks of 64). Here B's rows are
 * read where they are: each tile of 5 rows of C × 8 columns keeps its 10 sums in registers
 * while the samples go by, 2 loads of B and 5 broadcasts of A per 10 FMAs; 133–140 µs for the
 * same product, 45–47 GFLOP/s, near the 49.5 of a large DGEMM here (AMD EPYC, 2026-12-07).
 * With more rows of C OpenBLAS's own tiles catch up (200 × 784 over 200 samples: 1.31 ms
 * against this kernel's 1.41): at most 32.
 *
 * Every entry of C is summed as OpenBLAS's Haswell kernel sums it on one thread — one FMA per
 * sample, in order, from 0, over each block of the depth as OpenBLAS cuts it, each block's sum
 * then added to C, or to 0 for the first when β = 0 — so the results are the same to the bit
 * (tests/test-model-gemm.c checks the shapes against cblas_dgemm). Only an even number of rows
 * of C: a last odd row OpenBLAS sums in another order. Only while OpenBLAS runs one thread:
 * with more it parallelises the product, and its threads add partial sums in other orders.
 *
 * Only on processors with AVX2 and FMA, decided when the product is asked for; elsewhere, or
 * for other shapes, saddle_narrow_sum() returns FALSE and the caller uses BLAS.
 */
#define G_LOG_DOMAIN "saddle-narrow-sum"

#include "config.h"

#include "saddle-narrow-gemm.h"
#include "saddle-narrow-sum.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_KERNEL 1
#endif

/* Fewer columns than this are not worth a kernel of their own (the layers of 10 to 31 units:
 * see saddle-model-gemm.c); with more rows than this OpenBLAS is as fast or faster (see above). */
#define SUM_MIN_COLS 64
#define SUM_MAX_ROWS 32

#ifdef HAVE_AVX2_KERNEL

/* @U rows of C × 4·@NV columns, summed over @k samples: row r of the tile is column r of A,
 * its columns those of B. U·NV sums, NV loads of B and U broadcasts of A a sample. */
#define DEFINE_TILE(U, NV)                                                                   \
  __attribute__ ((target ("avx2,fma"))) static void                                        \
  tile##U##_##NV (gsize         k,                                                          \
                  const double *a,                                                          \
                  gsize         lda,                                                        \
                  const double *b,                                                          \
                  gsize         ldb,                                                        \
                  gboolean      add,                                                        \
                  double       *c,                                                          \
                  gsize         ldc)                                                        \
  {                                                                                         \
    __m256d sum[U][NV];                                                                     \
                                                                                            \
    _Pragma ("GCC unroll 5")                                                                \
    for (int u = 0; u < U; u++)                                                             \
      _Pragma ("GCC unroll 2")                                                              \
      for (int v = 0; v < NV; v++)                                                          \
        sum[u][v] = _mm256_setzero_pd ();                                                   \
    for (gsize i = 0; i < k; i++)                                                           \
      {                                                                                     \
        __m256d x[NV];                                                                      \
                                                                                            \
        _Pragma ("GCC unroll 2")                                                            \
        for (int v = 0; v < NV; v++)                                                        \
          x[v] = _mm256_loadu_pd (b + i * ldb + 4 * v);                                     \
        _Pragma ("GCC unroll 5")                                                            \
        for (int u = 0; u < U; u++)                                                         \
          {                                                                                 \
            __m256d d = _mm256_broadcast_sd (a + i * lda + u);                              \
                                                                                            \
            _Pragma ("GCC unroll 2")                                                        \
            for (int v = 0; v < NV; v++)                                                    \
              sum[u][v] = _mm256_fmadd_pd (d, x[v], sum[u][v]);                             \
          }                                                                                 \
      }                                                                                     \
    _Pragma ("GCC unroll 5")                                                                \
    for (int u = 0; u < U; u++)                                                             \
      _Pragma ("GCC unroll 2")                                                              \
      for (int v = 0; v < NV; v++)                                                          \
        {                                                                                   \
          double *dst = c + u * ldc + 4 * v;                                                \
                                                                                            \
          /* Added to C, or to 0 as OpenBLAS adds to the C it zeroed (−0 stores +0). */     \
          _mm256_storeu_pd (dst, _mm256_add_pd (add ? _mm256_loadu_pd (dst)                  \
                                                    : _mm256_setzero_pd (), sum[u][v]));    \
        }                                                                                   \
  }

DEFINE_TILE (1, 1) DEFINE_TILE (2, 1) DEFINE_TILE (3, 1) DEFINE_TILE (4, 1) DEFINE_TILE (5, 1)
DEFINE_TILE (1, 2) DEFINE_TILE (2, 2) DEFINE_TILE (3, 2) DEFINE_TILE (4, 2) DEFINE_TILE (5, 2)

typedef void (*Tile) (gsize, const double *, gsize, const double *, gsize, gboolean, double *,
                      gsize);

/* By rows of C (1 to 5), then vectors of columns (1 or 2), as the narrow kernel's table. */
static const Tile tiles[6][3] = {
  { NULL },
  { NULL, tile1_1, tile1_2 },
  { NULL, tile2_1, tile2_2 },
  { NULL, tile3_1, tile3_2 },
  { NULL, tile4_1, tile4_2 },
  { NULL, tile5_1, tile5_2 },
};

#define TILE_ROWS 5

#endif /* HAVE_AVX2_KERNEL */

gboolean
saddle_narrow_sum (gsize         m,
                   gsize         n,
                   gsize         k,
                   const double *a,
                   gsize         lda,
                   const double *b,
                   gsize         ldb,
                   double        beta,
                   double       *c,
                   gsize         ldc)
{
#ifdef HAVE_AVX2_KERNEL
  if (!__builtin_cpu_supports ("avx2") || !__builtin_cpu_supports ("fma")
      || n < SUM_MIN_COLS || n % 4 != 0 || m == 0 || m % 2 != 0 || m > SUM_MAX_ROWS || k == 0
      || (beta != 0.0 && beta != 1.0) || openblas_get_num_threads () > 1)
    return FALSE;

  /* Block by block of the depth as OpenBLAS cuts it; columns 8 at a time, every row of C
   * through them while their block of B (at most 256 × 8 doubles) is in L1. */
  for (gsize k0 = 0, kb; k0 < k; k0 += kb)
    {
      kb = saddle_narrow_depth_block (k - k0);
      for (gsize j = 0; j < n; j += 8)
        {
          guint nv = n - j >= 8 ? 2 : 1;

          for (gsize r = 0; r < m; r += TILE_ROWS)
            tiles[MIN (TILE_ROWS, m - r)][nv] (kb, a + k0 * lda + r, lda, b + k0 * ldb + j, ldb,
                                               k0 > 0 || beta != 0.0, c + r * ldc + j, ldc);
        }
    }
  return TRUE;
#else
  (void) m, (void) n, (void) k, (void) a, (void) lda, (void) b, (void) ldb, (void) beta;
  (void) c, (void) ldc;
  return FALSE;
#endif
}
