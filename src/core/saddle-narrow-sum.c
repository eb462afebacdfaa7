/* saddle-narrow-sum.c — C = Aᵀ·B (+ C): a sum over samples into a few rows of many columns
 *
 * The image model's first weight gradient, δᵀ·X: 20 units × 784 pixels summed over the
 * samples of a minibatch (the backward pass, in one call) or of the whole set in chunks of 64
 * (the R-pass's sums, saddle-model-gemm.c). OpenBLAS copies both operands into its packed
 * layout first, X (the larger) included, and ran it at 31–32 GFLOP/s on one thread (Haswell
 * kernels, 200 samples: 197–200 µs in one call, 207–211 µs in chunks of 64). Here B's rows are read
 * where they are (even through a table of rows, saddle_narrow_sum_rows()): each tile of 5 rows of C
 * × 8 columns keeps its 10 sums in registers while the samples go by, 2 loads of B and 5 broadcasts
 * of A per 10 FMAs; 133–140 µs for the same product, 45–47 GFLOP/s, near the 49.5 of a large DGEMM
 * here (AMD EPYC, 2026-12-07).
 * With more rows of C OpenBLAS's own tiles catch up (200 × 784 over 200 samples: 1.31 ms
 * against this kernel's 1.41): at most 32. The small layers' gradients run here too (best of
 * 5, one thread, 2026-12-07): 31 × 31 over a minibatch of 20 in 0.89 µs against dgemm's 1.29,
 * 1 × 31 and 31 × 1 in 0.08 and 0.12 against 0.16 and 0.25; over 1,000 samples 31 × 31 in 50
 * against 68 µs, 31 × 1 in 4.9 against 15.0; the image model's 10 × 20 and 20 × 20 over 200 in
 * 1.8 and 3.7 against 3.2 and 5.1.
 *
 * Every entry of C is summed as OpenBLAS's Haswell kernel sums it on one thread — one FMA per
 * sample, in order, from 0, over each block of the depth as OpenBLAS cuts it, each block's sum
 * then added to C, or to 0 for the first when β = 0 — so the results are the same to the bit
 * (tests/test-model-gemm.c checks the shapes against cblas_dgemm; up to the sign of a zero sum,
 * as saddle-narrow-gemm.c says). The last row of an odd count that kernel sums in an order of
 * its own (saddle-narrow-odd-row.c). Only while OpenBLAS runs one thread: with more it
 * parallelises the product, and its threads add partial sums in other orders.
 *
 * Where the processor has AVX-512F, the tiles run eight columns a vector and 10 rows high,
 * every entry summed alike, so the same bits: δᵀ·X of the image model (20 × 784 over 200) in
 * 77–103 µs against 132–134, the 31 × 31 over 1,000 in 26–30 against 48 (bench-descent-step,
 * 2 alternating rounds, 2026-12-07, the host's speed swinging in the first).
 *
 * Only on processors with AVX2 and FMA, decided when the product is asked for; elsewhere, or
 * for other shapes, saddle_narrow_sum() returns FALSE and the caller uses BLAS.
 */
#define G_LOG_DOMAIN "saddle-narrow-sum"

#include "config.h"

#include "saddle-avx2-lanes.h"
#include "saddle-narrow-gemm.h"
#include "saddle-narrow-odd-row.h"
#include "saddle-narrow-rows.h"
#include "saddle-narrow-sum.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_KERNEL 1
#endif

/* With more rows than this OpenBLAS is as fast or faster (see above). */
#define SUM_MAX_ROWS 32

#ifdef HAVE_AVX2_KERNEL

/* @U rows of C × @NV vectors of columns (of L lanes; with @cols under L·NV, under the mask the
 * instruction set has for it), summed over @k samples: row r of the tile is column r of A, its
 * columns those of B from column @col. U·NV sums, NV loads of B and U broadcasts of A a sample,
 * one FMA per sample per entry in order, then one addition to C, or to 0 as OpenBLAS adds to
 * the C it zeroed (−0 stores +0). B's rows evenly spaced or from a table: one loop for each, so
 * neither asks which at every sample. One definition for both instruction sets, so that they
 * sum alike: the operations TV_* are defined before each set's tiles below. */
#define SUM_SAMPLES(U, NV, ROW)                                                              \
  for (gsize i = 0; i < k; i++)                                                             \
    {                                                                                       \
      const double *row = (ROW);                                                            \
      TV x[NV];                                                                             \
                                                                                            \
      _Pragma ("GCC unroll 2")                                                              \
      for (int v = 0; v < NV; v++)                                                          \
        x[v] = TV_LOAD (lanes, row + TV_LANES * v);                                         \
      _Pragma ("GCC unroll 10")                                                             \
      for (int u = 0; u < U; u++)                                                           \
        {                                                                                   \
          TV d = TV_SET1 (a + i * lda + u);                                                 \
                                                                                            \
          _Pragma ("GCC unroll 2")                                                          \
          for (int v = 0; v < NV; v++)                                                      \
            sum[u][v] = TV_FMA (d, x[v], sum[u][v]);                                        \
        }                                                                                   \
    }

#define DEFINE_TILE(NAME, TARGET, U, NV)                                                     \
  __attribute__ ((target (TARGET))) static void                                            \
  NAME##U##_##NV (gsize             k,                                                      \
                  const double     *a,                                                      \
                  gsize             lda,                                                    \
                  const SaddleRows *b,                                                      \
                  gsize             col,                                                    \
                  gsize             cols,                                                   \
                  gboolean          add,                                                    \
                  double           *c,                                                      \
                  gsize             ldc)                                                    \
  {                                                                                         \
    G_GNUC_UNUSED TV_MASK lanes = TV_LANES_OF (cols);   /* AVX2's loads need none */       \
    TV sum[U][NV];                                                                          \
                                                                                            \
    _Pragma ("GCC unroll 10")                                                               \
    for (int u = 0; u < U; u++)                                                             \
      _Pragma ("GCC unroll 2")                                                              \
      for (int v = 0; v < NV; v++)                                                          \
        sum[u][v] = TV_ZERO ();                                                             \
    if (b->table != NULL)                                                                   \
      {                                                                                     \
        const double *const *table = b->table;                                              \
                                                                                            \
        SUM_SAMPLES (U, NV, table[i] + col)                                                 \
      }                                                                                     \
    else                                                                                    \
      {                                                                                     \
        const double *base = b->base + col;                                                 \
        gsize ldb = b->ld;                                                                  \
                                                                                            \
        SUM_SAMPLES (U, NV, base + i * ldb)                                                 \
      }                                                                                     \
    _Pragma ("GCC unroll 10")                                                               \
    for (int u = 0; u < U; u++)                                                             \
      _Pragma ("GCC unroll 2")                                                              \
      for (int v = 0; v < NV; v++)                                                          \
        TV_ADD_TO (c + u * ldc + TV_LANES * v, lanes, sum[u][v]);                           \
  }

/* AVX2: whole vectors (the last 1 to 3 columns go to the tails below). */
#define TV              __m256d
#define TV_LANES        4
#define TV_MASK         int
#define TV_LANES_OF(n)  0
#define TV_ZERO()       _mm256_setzero_pd ()
#define TV_LOAD(m, p)   _mm256_loadu_pd (p)
#define TV_SET1(p)      _mm256_broadcast_sd (p)
#define TV_FMA(x, b, s) _mm256_fmadd_pd ((x), (b), (s))
#define TV_ADD_TO(dst, m, sum)                                                               \
  _mm256_storeu_pd ((dst), _mm256_add_pd (add ? _mm256_loadu_pd (dst) : _mm256_setzero_pd (), \
                                          (sum)))

DEFINE_TILE (tile, "avx2,fma", 1, 1) DEFINE_TILE (tile, "avx2,fma", 2, 1)
DEFINE_TILE (tile, "avx2,fma", 3, 1) DEFINE_TILE (tile, "avx2,fma", 4, 1)
DEFINE_TILE (tile, "avx2,fma", 5, 1)
DEFINE_TILE (tile, "avx2,fma", 1, 2) DEFINE_TILE (tile, "avx2,fma", 2, 2)
DEFINE_TILE (tile, "avx2,fma", 3, 2) DEFINE_TILE (tile, "avx2,fma", 4, 2)
DEFINE_TILE (tile, "avx2,fma", 5, 2)

#undef TV
#undef TV_LANES
#undef TV_MASK
#undef TV_LANES_OF
#undef TV_ZERO
#undef TV_LOAD
#undef TV_SET1
#undef TV_FMA
#undef TV_ADD_TO

typedef void (*Tile) (gsize, const double *, gsize, const SaddleRows *, gsize, gsize, gboolean,
                      double *, gsize);

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

/* The tiles' one vector for the last 1 to 3 columns (@cols), under a mask, so that nothing
 * beyond a row of B is read nor beyond a row of C written. */
#define DEFINE_TAIL(U)                                                                       \
  __attribute__ ((target ("avx2,fma"))) static void                                        \
  tail##U (gsize             k,                                                             \
           const double     *a,                                                             \
           gsize             lda,                                                           \
           const SaddleRows *b,                                                             \
           gsize             col,                                                           \
           gsize             cols,                                                          \
           gboolean          add,                                                           \
           double           *c,                                                             \
           gsize             ldc)                                                           \
  {                                                                                         \
    __m256i mask = saddle_avx2_lanes (cols);                                                      \
    __m256d sum[U];                                                                         \
                                                                                            \
    _Pragma ("GCC unroll 5")                                                                \
    for (int u = 0; u < U; u++)                                                             \
      sum[u] = _mm256_setzero_pd ();                                                        \
    for (gsize i = 0; i < k; i++)                                                           \
      {                                                                                     \
        __m256d x = _mm256_maskload_pd (saddle_rows_at (b, i) + col, mask);                 \
                                                                                            \
        _Pragma ("GCC unroll 5")                                                            \
        for (int u = 0; u < U; u++)                                                         \
          sum[u] = _mm256_fmadd_pd (_mm256_broadcast_sd (a + i * lda + u), x, sum[u]);      \
      }                                                                                     \
    _Pragma ("GCC unroll 5")                                                                \
    for (int u = 0; u < U; u++)                                                             \
      {                                                                                     \
        double *dst = c + u * ldc;                                                          \
                                                                                            \
        _mm256_maskstore_pd (dst, mask, _mm256_add_pd (add ? _mm256_maskload_pd (dst, mask) \
                                                          : _mm256_setzero_pd (), sum[u])); \
      }                                                                                     \
  }

DEFINE_TAIL (1) DEFINE_TAIL (2) DEFINE_TAIL (3) DEFINE_TAIL (4) DEFINE_TAIL (5)

typedef void (*Tail) (gsize, const double *, gsize, const SaddleRows *, gsize, gsize, gboolean,
                      double *, gsize);

static const Tail tails[6] = { NULL, tail1, tail2, tail3, tail4, tail5 };

/* The same tiles eight columns a vector, where the processor has AVX-512F: every entry summed
 * alike, so the same bits for finite numbers (of two NaNs in the last addition, which one's sign
 * comes out may differ). Up to 10 rows × 16 columns, 20 sums of AVX-512's 32 registers; the
 * last 1 to 7 columns in one vector under a mask, which the loads and stores keep to. */
#define TV              __m512d
#define TV_LANES        8
#define TV_MASK         __mmask8
#define TV_LANES_OF(n)  ((n) >= 8 ? (__mmask8) 0xff : (__mmask8) ((1u << (n)) - 1))
#define TV_ZERO()       _mm512_setzero_pd ()
#define TV_LOAD(m, p)   _mm512_maskz_loadu_pd ((m), (p))
#define TV_SET1(p)      _mm512_set1_pd (*(p))
#define TV_FMA(x, b, s) _mm512_fmadd_pd ((x), (b), (s))
#define TV_ADD_TO(dst, m, sum)                                                               \
  _mm512_mask_storeu_pd ((dst), (m), _mm512_add_pd (add ? _mm512_maskz_loadu_pd ((m), (dst))   \
                                                        : _mm512_setzero_pd (), (sum)))

DEFINE_TILE (wide, "avx512f", 1, 1) DEFINE_TILE (wide, "avx512f", 2, 1)
DEFINE_TILE (wide, "avx512f", 3, 1) DEFINE_TILE (wide, "avx512f", 4, 1)
DEFINE_TILE (wide, "avx512f", 5, 1) DEFINE_TILE (wide, "avx512f", 6, 1)
DEFINE_TILE (wide, "avx512f", 7, 1) DEFINE_TILE (wide, "avx512f", 8, 1)
DEFINE_TILE (wide, "avx512f", 9, 1) DEFINE_TILE (wide, "avx512f", 10, 1)
DEFINE_TILE (wide, "avx512f", 1, 2) DEFINE_TILE (wide, "avx512f", 2, 2)
DEFINE_TILE (wide, "avx512f", 3, 2) DEFINE_TILE (wide, "avx512f", 4, 2)
DEFINE_TILE (wide, "avx512f", 5, 2) DEFINE_TILE (wide, "avx512f", 6, 2)
DEFINE_TILE (wide, "avx512f", 7, 2) DEFINE_TILE (wide, "avx512f", 8, 2)
DEFINE_TILE (wide, "avx512f", 9, 2) DEFINE_TILE (wide, "avx512f", 10, 2)

#undef TV
#undef TV_LANES
#undef TV_MASK
#undef TV_LANES_OF
#undef TV_ZERO
#undef TV_LOAD
#undef TV_SET1
#undef TV_FMA
#undef TV_ADD_TO

static const Tile wide_tiles[11][3] = {
  { NULL },
  { NULL, wide1_1, wide1_2 }, { NULL, wide2_1, wide2_2 }, { NULL, wide3_1, wide3_2 },
  { NULL, wide4_1, wide4_2 }, { NULL, wide5_1, wide5_2 }, { NULL, wide6_1, wide6_2 },
  { NULL, wide7_1, wide7_2 }, { NULL, wide8_1, wide8_2 }, { NULL, wide9_1, wide9_2 },
  { NULL, wide10_1, wide10_2 },
};

#define WIDE_TILE_ROWS 10

/* Rows [0, @rows) of C, @cols columns of B from column @col (with @wide 16, 8 or 1 to 7, else
 * 8, 4 or 1 to 3): whole tiles of 10 (or 5) rows, then the rest. */
static void
tile_rows (gboolean          wide,
           gsize             rows,
           gsize             cols,
           gsize             k,
           const double     *a,
           gsize             lda,
           const SaddleRows *b,
           gsize             col,
           gboolean          add,
           double           *c,
           gsize             ldc)
{
  gsize height = wide ? WIDE_TILE_ROWS : TILE_ROWS;

  for (gsize r = 0; r < rows; r += height)
    {
      gsize u = MIN (height, rows - r);

      if (wide)
        wide_tiles[u][cols > 8 ? 2 : 1] (k, a + r, lda, b, col, cols, add, c + r * ldc, ldc);
      else if (cols >= 4)
        tiles[u][cols / 4] (k, a + r, lda, b, col, cols, add, c + r * ldc, ldc);
      else
        tails[u] (k, a + r, lda, b, col, cols, add, c + r * ldc, ldc);
    }
}

/* C's one column (n = 1): a sum over the samples of A's rows scaled by B's one entry, each
 * entry of C one sum in order (OpenBLAS's 1 × 12 … 1 × 1 tiles), the rows of C in vectors of
 * 4, the last under a mask. */
__attribute__ ((target ("avx2,fma"))) static void
one_column (gsize         m,
            gsize         k,
            const double *a,
            gsize         lda,
            const double *b,
            gsize         ldb,
            gboolean      add,
            double       *c,
            gsize         ldc)
{
  enum { MAX_VECTORS = SUM_MAX_ROWS / 4 };
  __m256d sum[MAX_VECTORS];
  __m256i mask = saddle_avx2_lanes (m % 4 == 0 ? 4 : m % 4);
  gsize vectors = (m + 3) / 4, whole = m / 4;
  double out[SUM_MAX_ROWS];

  for (gsize v = 0; v < vectors; v++)
    sum[v] = _mm256_setzero_pd ();
  for (gsize i = 0; i < k; i++)
    {
      __m256d x = _mm256_broadcast_sd (b + i * ldb);

      for (gsize v = 0; v < whole; v++)
        sum[v] = _mm256_fmadd_pd (_mm256_loadu_pd (a + i * lda + 4 * v), x, sum[v]);
      if (whole < vectors)
        sum[whole] = _mm256_fmadd_pd (_mm256_maskload_pd (a + i * lda + 4 * whole, mask), x,
                                      sum[whole]);
    }
  for (gsize v = 0; v < vectors; v++)
    _mm256_storeu_pd (out + 4 * v, sum[v]);
  for (gsize r = 0; r < m; r++)
    c[r * ldc] = (add ? c[r * ldc] : 0.0) + out[r];
}

/* Whether narrow_sum() takes the product; with B's rows from a @table only where every row of C
 * sums in the tiles, which read B's rows through it: even rows, more than one column. */
static gboolean
takes (gsize    m,
       gsize    n,
       gsize    k,
       double   beta,
       gboolean table)
{
  if (!__builtin_cpu_supports ("avx2") || !__builtin_cpu_supports ("fma")
      || m == 0 || m > SUM_MAX_ROWS || n == 0 || k == 0 || (beta != 0.0 && beta != 1.0)
      || openblas_get_num_threads () > 1)
    return FALSE;
  return !table || (m % 2 == 0 && n > 1);
}

/* saddle_narrow_sum() with B's rows from @b, where takes() says so. */
static gboolean
narrow_sum (gsize             m,
            gsize             n,
            gsize             k,
            const double     *a,
            gsize             lda,
            const SaddleRows *b,
            double            beta,
            double           *c,
            gsize             ldc)
{
  gboolean wide = saddle_narrow_wide ();

  if (!takes (m, n, k, beta, b->table != NULL))
    return FALSE;

  /* Block by block of the depth as OpenBLAS cuts it; columns 8 at a time, then 4, then the
   * last 1 to 3 (with AVX-512 16, then 8 or the last 1 to 7), every row of C through them while
   * their block of B (at most 256 × 8 doubles, or 256 × 16) is near; the last row of an odd
   * count by itself, in OpenBLAS's order for it. */
  for (gsize k0 = 0, kb; k0 < k; k0 += kb)
    {
      const double *ak = a + k0 * lda;
      const SaddleRows bk = saddle_rows_from (b, k0);
      gboolean add = k0 > 0 || beta != 0.0;
      gsize even = m - m % 2;

      kb = saddle_narrow_depth_block (k - k0);
      if (n == 1)
        {
          one_column (m, kb, ak, lda, bk.base, bk.ld, add, c, ldc);
          continue;
        }
      for (gsize j = 0, cols; j < n; j += cols)
        {
          if (wide)
            cols = n - j >= 16 ? 16 : MIN (n - j, 8);
          else
            cols = n - j >= 8 ? 8 : n - j >= 4 ? 4 : n - j;
          tile_rows (wide, even, cols, kb, ak, lda, &bk, j, add, c + j, ldc);
        }
      if (m % 2 != 0)
        _saddle_narrow_last_odd_row (kb, ak + m - 1, lda, bk.base, bk.ld, n, add,
                                     c + (m - 1) * ldc);
    }
  return TRUE;
}

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
  const SaddleRows rows = { b, ldb, NULL };

  return narrow_sum (m, n, k, a, lda, &rows, beta, c, ldc);
#else
  (void) m, (void) n, (void) k, (void) a, (void) lda, (void) b, (void) ldb, (void) beta;
  (void) c, (void) ldc;
  return FALSE;
#endif
}

gboolean
saddle_narrow_sum_rows_takes (gsize m,
                              gsize n,
                              gsize k)
{
#ifdef HAVE_AVX2_KERNEL
  return takes (m, n, k, 0.0, TRUE);
#else
  (void) m, (void) n, (void) k;
  return FALSE;
#endif
}

gboolean
saddle_narrow_sum_rows (gsize                m,
                        gsize                n,
                        gsize                k,
                        const double        *a,
                        gsize                lda,
                        const double *const *b_rows,
                        double               beta,
                        double              *c,
                        gsize                ldc)
{
#ifdef HAVE_AVX2_KERNEL
  const SaddleRows rows = { NULL, 0, b_rows };

  g_return_val_if_fail (b_rows != NULL, FALSE);

  return narrow_sum (m, n, k, a, lda, &rows, beta, c, ldc);
#else
  (void) m, (void) n, (void) k, (void) a, (void) lda, (void) b_rows, (void) beta;
  (void) c, (void) ldc;
  return FALSE;
#endif
}
