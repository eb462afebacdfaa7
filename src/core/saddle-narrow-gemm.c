/* saddle-narrow-gemm.c — C = A·op(B) (+ C) for a tall A of at most 32 columns into at most 32
 *
 * The layers of the function task's 1-31-31-1 net (and the image net's 20-unit ones) multiply
 * 1,000 samples by a 31 × 31 weight matrix: a product OpenBLAS 0.3.21 runs at 31–38 GFLOP/s
 * on one thread here (its Haswell kernels, 1,000 × 31 × 31 NT: 51–61 µs), well below its
 * 45–52 GFLOP/s on large squares. Its kernel packs both operands and writes C in 4 × 8 tiles,
 * which at 31 columns and a depth of 31 leaves it waiting on memory more than on FMAs.
 *
 * Here op(B) is copied once, transposed into rows of 32 (at most 8 KB, zero-padded), and each
 * block of 3 rows of A is multiplied by it with 12 AVX2 accumulators of 4 doubles: 39–49 µs
 * for the same product, 39–49 GFLOP/s (tests/bench/bench-descent-step.c prints both). Every
 * entry of C is summed as OpenBLAS's Haswell kernel sums it — one FMA per k, in order, from 0,
 * then added to C (β = 1) or stored (β = 0) — so, for row counts that are multiples of 8, the
 * results are the same to the bit as with the kernels the tests and references pin
 * (tests/test-model-gemm.c checks 640 shapes against cblas_dgemm). OpenBLAS's AVX-512 kernels
 * sum small products in other orders; these sums are then the same on every processor.
 *
 * Only on processors with AVX2 and FMA, decided when the product is asked for; elsewhere, or
 * for other shapes, saddle_narrow_gemm() returns FALSE and the caller uses BLAS.
 */
#define G_LOG_DOMAIN "saddle-narrow-gemm"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-narrow-gemm.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_KERNEL 1
#endif

/* Fewer rows than this do not pay for the copy of op(B), nor does a smaller depth
 * (1,000 × 31 × 1: 12.7 µs here against dgemm's 5.5). */
#define NARROW_MIN_ROWS  16
#define NARROW_MIN_DEPTH 8
/* OpenBLAS's Haswell kernel takes C's rows 8 at a time and sums a last, shorter group in
 * another order: with a whole number of groups its bits and these are the same. */
#define NARROW_ROW_GROUP 8

#ifdef HAVE_AVX2_KERNEL

/* One vector of sums into C at @dst: stored, or added (@add); the last vector of a row under
 * the mask @last, so a row's neighbour in memory is never touched. */
#define PUT(dst, sum, masked)                                                                \
  do {                                                                                       \
    if (masked)                                                                              \
      _mm256_maskstore_pd ((dst), last, add ? _mm256_add_pd (_mm256_maskload_pd ((dst), last), \
                                                             (sum))                          \
                                            : (sum));                                        \
    else                                                                                     \
      _mm256_storeu_pd ((dst), add ? _mm256_add_pd (_mm256_loadu_pd (dst), (sum)) : (sum));  \
  } while (0)

/* Three rows of A (rows @lda apart, depth @k) times @cols columns of @bt (at most 4·NV) into
 * the same columns of three rows of C (@ldc apart): stored (@add FALSE, β = 0) or added (β = 1).
 * One FMA per k per entry, in order from 0, then one addition to C: OpenBLAS's order. */
#define DEFINE_TILE(NV)                                                                      \
  __attribute__ ((target ("avx2,fma"))) static void                                        \
  tile3_##NV (gsize         k,                                                              \
              const double *a0,                                                             \
              gsize         lda,                                                            \
              const double *bt,                                                             \
              gsize         cols,                                                           \
              gboolean      add,                                                            \
              double       *c,                                                              \
              gsize         ldc)                                                            \
  {                                                                                         \
    const double *a1 = a0 + lda, *a2 = a1 + lda;                                            \
    __m256i last = _mm256_cmpgt_epi64 (_mm256_set1_epi64x ((long long) (cols - 4 * (NV - 1))), \
                                       _mm256_set_epi64x (3, 2, 1, 0));                     \
    __m256d c0[NV], c1[NV], c2[NV];                                                         \
                                                                                            \
    _Pragma ("GCC unroll 4")                                                                \
    for (int v = 0; v < NV; v++)                                                            \
      c0[v] = c1[v] = c2[v] = _mm256_setzero_pd ();                                         \
    for (gsize p = 0; p < k; p++)                                                           \
      {                                                                                     \
        __m256d x0 = _mm256_broadcast_sd (a0 + p);                                          \
        __m256d x1 = _mm256_broadcast_sd (a1 + p);                                          \
        __m256d x2 = _mm256_broadcast_sd (a2 + p);                                          \
                                                                                            \
        _Pragma ("GCC unroll 4")                                                            \
        for (int v = 0; v < NV; v++)                                                        \
          {                                                                                 \
            __m256d b = _mm256_loadu_pd (bt + p * SADDLE_NARROW_MAX + 4 * v);               \
                                                                                            \
            c0[v] = _mm256_fmadd_pd (x0, b, c0[v]);                                         \
            c1[v] = _mm256_fmadd_pd (x1, b, c1[v]);                                         \
            c2[v] = _mm256_fmadd_pd (x2, b, c2[v]);                                         \
          }                                                                                 \
      }                                                                                     \
    _Pragma ("GCC unroll 4")                                                                \
    for (int v = 0; v < NV; v++)                                                            \
      {                                                                                     \
        PUT (c + 4 * v, c0[v], v == NV - 1);                                                \
        PUT (c + ldc + 4 * v, c1[v], v == NV - 1);                                          \
        PUT (c + 2 * ldc + 4 * v, c2[v], v == NV - 1);                                      \
      }                                                                                     \
  }

DEFINE_TILE (1)
DEFINE_TILE (2)
DEFINE_TILE (3)
DEFINE_TILE (4)

typedef void (*Tile3) (gsize, const double *, gsize, const double *, gsize, gboolean, double *,
                       gsize);

static const Tile3 tiles[] = { NULL, tile3_1, tile3_2, tile3_3, tile3_4 };

/* A row's @sums into C's row @c: stored (β = 0) or added (β = 1), as OpenBLAS's kernel does. */
static inline void
put_row (double       *c,
         const double *sums,
         gsize         count,
         double        beta)
{
  if (beta == 0.0)
    memcpy (c, sums, count * sizeof (double));
  else
    for (gsize j = 0; j < count; j++)
      c[j] += sums[j];
}

#endif /* HAVE_AVX2_KERNEL */

gboolean
saddle_narrow_gemm (CBLAS_TRANSPOSE  trans_b,
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
#ifdef HAVE_AVX2_KERNEL
  double bt[SADDLE_NARROW_MAX * SADDLE_NARROW_MAX];
  gsize i = 0;

  if (!__builtin_cpu_supports ("avx2") || !__builtin_cpu_supports ("fma")
      || m < NARROW_MIN_ROWS || m % NARROW_ROW_GROUP != 0 || n < 2 || n > SADDLE_NARROW_MAX
      || k < NARROW_MIN_DEPTH || k > SADDLE_NARROW_MAX || (beta != 0.0 && beta != 1.0))
    return FALSE;

  /* bt[p·32 + j] = op(B)[p, j], zero beyond column n. */
  for (gsize p = 0; p < k; p++)
    {
      for (gsize j = 0; j < n; j++)
        bt[p * SADDLE_NARROW_MAX + j] = trans_b == CblasNoTrans ? b[p * ldb + j] : b[j * ldb + p];
      for (gsize j = n; j < SADDLE_NARROW_MAX; j++)
        bt[p * SADDLE_NARROW_MAX + j] = 0.0;
    }

  for (; i + 3 <= m; i += 3)
    {
      const double *a0 = a + i * lda;

      /* Columns in tiles of up to 16 (4 vectors of 4). */
      for (gsize j0 = 0; j0 < n; j0 += 16)
        {
          gsize cols = MIN (16, n - j0);

          tiles[(cols + 3) / 4] (k, a0, lda, bt + j0, cols, beta != 0.0, c + i * ldc + j0, ldc);
        }
    }
  /* The last rows one by one, with the same FMA per k. */
  for (; i < m; i++)
    {
      double sums[SADDLE_NARROW_MAX];

      for (gsize j = 0; j < n; j++)
        {
          double s = 0.0;

          for (gsize p = 0; p < k; p++)
            s = fma (a[i * lda + p], bt[p * SADDLE_NARROW_MAX + j], s);
          sums[j] = s;
        }
      put_row (c + i * ldc, sums, n, beta);
    }
  return TRUE;
#else
  (void) trans_b, (void) m, (void) n, (void) k, (void) a, (void) lda, (void) b, (void) ldb;
  (void) beta, (void) c, (void) ldc;
  return FALSE;
#endif
}
