/* saddle-narrow-gemm.c — C = A·op(B) (+ C) for a tall A into at most 32 columns
 *
 * The layers of the function task's 1-31-31-1 net (and the image net's 20-unit ones) multiply
 * 1,000 samples by a 31 × 31 weight matrix: a product OpenBLAS 0.3.21 runs at 31–38 GFLOP/s
 * on one thread here (its Haswell kernels, 1,000 × 31 × 31 NT: 51–61 µs), well below its
 * 45–52 GFLOP/s on large squares. Its kernel packs both operands and writes C in 4 × 8 tiles,
 * which at 31 columns and a depth of 31 leaves it waiting on memory more than on FMAs. The
 * image net's first layer (200 or 1,000 samples of 784 pixels into 20 units) it runs at
 * 35–37 GFLOP/s, most of the difference the copy of the samples it makes first.
 *
 * Here op(B) is copied once, by k into rows of up to 16 columns (32 with AVX-512; zero-padded;
 * at most 32 × k doubles), and A's rows are read where they are (even through a table of rows:
 * a training step's minibatch in the dataset, saddle_narrow_gemm_rows()), 3 or 4 at a time
 * (up to 8 with AVX-512), with up to 12 AVX2
 * accumulators of 4 doubles: 39–49 µs for the 31 × 31 product, 39–49 GFLOP/s
 * (tests/bench/bench-descent-step.c prints both), and 130–132 µs against dgemm's 166–173 for 200 ×
 * 784 into 20, 47–48 GFLOP/s (2026-12-07, AMD EPYC, DGEMM 49.5). Every entry of C is
 * summed as OpenBLAS's Haswell kernel sums it on one thread — one FMA per k, in order, from 0,
 * over each block of the depth as OpenBLAS cuts it (saddle_narrow_depth_block()), each block's
 * sum added to C (β = 1, or a block after the first) or to 0 (as OpenBLAS adds it to the C it
 * zeroed for β = 0) — so, for even row counts, the results are the same to the bit as with the
 * kernels the tests and references pin (tests/test-model-gemm.c checks 5,424 shapes against
 * cblas_dgemm, one column at any row count among them: one_column()), up to the sign of a zero:
 * from a depth of 8 OpenBLAS starts a sum from its first product, not from +0, so products all
 * −0 sum to −0 there and +0 here, which shows only where C is −0 and β = 1 (a review found it
 * with 97 % zeros, none with 6 %). OpenBLAS's AVX-512 kernels sum small products in other
 * orders; these sums are then the same on every processor.
 *
 * Where the processor has AVX-512F, the same tiles run eight columns a vector, every entry
 * summed alike, so the same bits: the 31 × 31 product of 1,000 rows in 22–23 µs against
 * 39–40, 200 × 784 into 20 in 84–87 against 132–135 (bench-descent-step, 2 alternating rounds,
 * 2026-12-07, the AMD EPYC whose OpenBLAS runs at 47 GFLOP/s with the Haswell kernels the tests
 * and benchmarks pin, 80 with its own AVX-512 ones). Into 9–12, 17–20 or 25–28 columns the last
 * vector is one of 4 (the half tiles below), for processors that run AVX-512 as two halves.
 *
 * Only on processors with AVX2 and FMA, decided when the product is asked for; elsewhere, or
 * for other shapes, saddle_narrow_gemm() returns FALSE and the caller uses BLAS.
 */
#define G_LOG_DOMAIN "saddle-narrow-gemm"

#include "config.h"

#include <string.h>

#include "saddle-avx2-lanes.h"
#include "saddle-narrow-gemm.h"
#include "saddle-narrow-odd-row.h"
#include "saddle-narrow-rows.h"
#include "saddle-relu-simd.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_KERNEL 1
#endif

/* Fewer rows than this do not pay for the copy of op(B), nor does a smaller depth (1,000 ×
 * 31 × 1: 12.7 µs here against dgemm's 5.5). From 4 rows it pays: × 31 × 31 NN in 0.20 µs
 * against dgemm's 0.40, 11 rows (a level of the forward pass by region) 0.45 against 0.93,
 * 25 rows 0.71 against 1.57, NT alike (best of 5 × 20,000, one thread, 2026-12-07). */
#define NARROW_MIN_ROWS  2
#define NARROW_MIN_DEPTH 8
/* OpenBLAS's Haswell kernel sums a last, odd row of C in another order: the tiles take an even
 * number of rows, the last of an odd count _saddle_narrow_last_odd_row() (not with the ReLU, nor
 * through a table of rows: those take even counts only). A minibatch of 20 runs here too:
 * 20 × 31 × 31 NN in 0.92 µs against dgemm's 1.32, NT 1.38 against 1.43 (best of 3 × 20,000,
 * one thread). */
#define NARROW_ROW_GROUP 2

#ifdef HAVE_AVX2_KERNEL

/* One vector of sums into C at @dst: added to C (@add) or to 0, as OpenBLAS adds a block's
 * sums to a C it has zeroed for β = 0 (so a sum of −0 stores +0, as there); the last vector of a
 * row under the mask @last, so a row's neighbour in memory is never touched. */
#define PUT(dst, sum, masked)                                                                \
  do {                                                                                       \
    if (masked)                                                                              \
      _mm256_maskstore_pd ((dst), last,                                                      \
                           _mm256_add_pd (add ? _mm256_maskload_pd ((dst), last)             \
                                              : _mm256_setzero_pd (), (sum)));               \
    else                                                                                     \
      _mm256_storeu_pd ((dst), _mm256_add_pd (add ? _mm256_loadu_pd (dst)                    \
                                                  : _mm256_setzero_pd (), (sum)));           \
  } while (0)

/* A layer's ReLU taken where its sums are stored (saddle_narrow_gemm_relu()): z = @bias + the
 * sums, a = ReLU(z) and d = ReLU'(z) beside it, at the same offset from @act and @deriv as z's
 * from @z, rows @ld apart: what _saddle_model_affine() (C filled with the bias, β = 1) and
 * relu_rows() in saddle-model.c compute, the same operations on the same values, without a pass
 * to fill C and one to read z back. */
typedef struct
{
  const double *bias;
  double       *z, *act, *deriv;
  gsize         ld;
} Relu;

/* One vector of sums into z = bias + sum at offset @at of @relu's matrices (column @col), a and
 * d beside it; under the mask @lanes, or whole. */
__attribute__ ((target ("avx2"))) static inline void
put_relu (const Relu *relu,
          gsize       at,
          gsize       col,
          __m256d     sum,
          gboolean    masked,
          __m256i     lanes)
{
  __m256d z = _mm256_add_pd (masked ? _mm256_maskload_pd (relu->bias + col, lanes)
                                    : _mm256_loadu_pd (relu->bias + col), sum);
  __m256d a = saddle_relu_avx (z), d = saddle_relu_slope_avx (z);

  if (masked)
    {
      _mm256_maskstore_pd (relu->z + at, lanes, z);
      _mm256_maskstore_pd (relu->act + at, lanes, a);
      _mm256_maskstore_pd (relu->deriv + at, lanes, d);
    }
  else
    {
      _mm256_storeu_pd (relu->z + at, z);
      _mm256_storeu_pd (relu->act + at, a);
      _mm256_storeu_pd (relu->deriv + at, d);
    }
}

/* Every tile's parameters (DEFINE_TILE's and DEFINE_HALF_TILE's). */
#define TILE_PARAMETERS                                                                      \
  (gsize k, const double *const *ar, const double *bt, gsize cols, gboolean add, double *c,  \
   gsize ldc, const Relu *relu)

/* @R rows of A (@ar, depth @k) times @cols columns of @bt (rows of L·NV, at most L·NV
 * columns, L the lanes of a vector) into the same columns of @R rows of C (@ldc apart): added to
 * C (@add) or to 0 (TV_PUT). One FMA per k per entry, in order from 0, then that one addition:
 * OpenBLAS's order. The vectors of op(B) are loaded once per k and the rows broadcast one at a
 * time. One definition for both instruction sets, so that they sum alike: the operations TV_*
 * are defined before each set's tiles below.
 *
 * AVX2: R·NV ≤ 12 accumulators and a broadcast in its 16 registers, with the NV vectors in the
 * rest (at 3 × 4 GCC keeps one as the FMAs' memory operand). One accumulator more and the
 * compiler spills it, and each k then waits on memory (a 4 × 3 tile that held its four
 * broadcasts at once spilled one: 30 against 48 GFLOP/s). */
#define DEFINE_TILE(NAME, TARGET, R, NV)                                                     \
  __attribute__ ((target (TARGET))) static void                                            \
  NAME##R##_##NV TILE_PARAMETERS                                                          \
  {                                                                                         \
    TV_MASK last = TV_LAST (cols - TV_LANES * (NV - 1));                                    \
    TV sum[R][NV];                                                                          \
                                                                                            \
    _Pragma ("GCC unroll 8")                                                                \
    for (int r = 0; r < R; r++)                                                             \
      _Pragma ("GCC unroll 4")                                                              \
      for (int v = 0; v < NV; v++)                                                          \
        sum[r][v] = TV_ZERO ();                                                             \
    for (gsize p = 0; p < k; p++)                                                           \
      {                                                                                     \
        TV b[NV];                                                                           \
                                                                                            \
        _Pragma ("GCC unroll 4")                                                            \
        for (int v = 0; v < NV; v++)                                                        \
          b[v] = TV_LOAD (bt + p * TV_LANES * NV + TV_LANES * v);                           \
        _Pragma ("GCC unroll 8")                                                            \
        for (int r = 0; r < R; r++)                                                         \
          {                                                                                 \
            TV x = TV_SET1 (ar[r] + p);                                                     \
                                                                                            \
            _Pragma ("GCC unroll 4")                                                        \
            for (int v = 0; v < NV; v++)                                                    \
              sum[r][v] = TV_FMA (x, b[v], sum[r][v]);                                      \
          }                                                                                 \
      }                                                                                     \
    if (relu != NULL)                                                                       \
      {                                                                                     \
        gsize at = c - relu->z, col = at % ldc;                                             \
                                                                                            \
        _Pragma ("GCC unroll 8")                                                            \
        for (int r = 0; r < R; r++)                                                         \
          _Pragma ("GCC unroll 4")                                                          \
          for (int v = 0; v < NV; v++)                                                      \
            TV_PUT_RELU (relu, at + r * ldc + TV_LANES * v, col + TV_LANES * v, sum[r][v],  \
                         v == NV - 1, last);                                                \
        return;                                                                             \
      }                                                                                     \
    _Pragma ("GCC unroll 8")                                                                \
    for (int r = 0; r < R; r++)                                                             \
      _Pragma ("GCC unroll 4")                                                              \
      for (int v = 0; v < NV; v++)                                                          \
        TV_PUT (c + r * ldc + TV_LANES * v, sum[r][v], v == NV - 1, last);                  \
  }

#define TV          __m256d
#define TV_LANES    4
#define TV_MASK     __m256i
#define TV_LAST(n)  saddle_avx2_lanes (n)
#define TV_ZERO()   _mm256_setzero_pd ()
#define TV_LOAD(p)  _mm256_loadu_pd (p)
#define TV_SET1(p)  _mm256_broadcast_sd (p)
#define TV_FMA(x, b, s) _mm256_fmadd_pd ((x), (b), (s))
#define TV_PUT(dst, sum, is_last, last) PUT ((dst), (sum), (is_last))
#define TV_PUT_RELU(relu, at, col, sum, is_last, last)                                       \
  put_relu ((relu), (at), (col), (sum), (is_last), (last))

DEFINE_TILE (tile, "avx2,fma", 1, 1) DEFINE_TILE (tile, "avx2,fma", 2, 1)
DEFINE_TILE (tile, "avx2,fma", 3, 1) DEFINE_TILE (tile, "avx2,fma", 4, 1)
DEFINE_TILE (tile, "avx2,fma", 1, 2) DEFINE_TILE (tile, "avx2,fma", 2, 2)
DEFINE_TILE (tile, "avx2,fma", 3, 2) DEFINE_TILE (tile, "avx2,fma", 4, 2)
DEFINE_TILE (tile, "avx2,fma", 1, 3) DEFINE_TILE (tile, "avx2,fma", 2, 3)
DEFINE_TILE (tile, "avx2,fma", 3, 3) DEFINE_TILE (tile, "avx2,fma", 4, 3)
DEFINE_TILE (tile, "avx2,fma", 1, 4) DEFINE_TILE (tile, "avx2,fma", 2, 4)
DEFINE_TILE (tile, "avx2,fma", 3, 4)

#undef TV
#undef TV_LANES
#undef TV_MASK
#undef TV_LAST
#undef TV_ZERO
#undef TV_LOAD
#undef TV_SET1
#undef TV_FMA
#undef TV_PUT
#undef TV_PUT_RELU

typedef void (*Tile) (gsize, const double *const *, const double *, gsize, gboolean, double *,
                      gsize, const Relu *);

/* By rows (1 to 4), then vectors of columns (1 to 4): 4 rows a tile up to 12 columns, 3 at 16,
 * and the rows left after the last whole tile in one shorter tile. */
static const Tile tiles[5][5] = {
  { NULL },
  { NULL, tile1_1, tile1_2, tile1_3, tile1_4 },
  { NULL, tile2_1, tile2_2, tile2_3, tile2_4 },
  { NULL, tile3_1, tile3_2, tile3_3, tile3_4 },
  { NULL, tile4_1, tile4_2, tile4_3, NULL },
};
static const guint tile_rows[] = { 0, 4, 4, 4, 3 };

/* The same tiles eight columns a vector, where the processor has AVX-512F: every entry summed
 * alike (one FMA per k, in order from 0, then one addition), so the same bits for finite
 * numbers (where both terms of the last addition are NaN, which one's sign comes out may
 * differ, as in one_column()); op(B) in rows of 8·NV, up to 32 columns in one tile. 32
 * registers hold R·NV ≤ 24 accumulators, NV vectors of op(B) and a broadcast. The tiles
 * themselves are DEFINE_TILE's, below. */
#define WIDE_PUT(dst, sum, lanes)                                                            \
  _mm512_mask_storeu_pd ((dst), (lanes),                                                     \
                         _mm512_add_pd (add ? _mm512_maskz_loadu_pd ((lanes), (dst))         \
                                            : _mm512_setzero_pd (), (sum)))

/* put_relu() for eight columns under the mask @lanes: ReLU as saddle_relu_avx() takes it (a
 * lane below 0 becomes +0; NaN and −0 pass), its slope 1 where z > 0. */
__attribute__ ((target ("avx512f"))) static inline void
put_relu_wide (const Relu *relu,
               gsize       at,
               gsize       col,
               __m512d     sum,
               __mmask8    lanes)
{
  __m512d z = _mm512_add_pd (_mm512_maskz_loadu_pd (lanes, relu->bias + col), sum);
  __mmask8 below = _mm512_cmp_pd_mask (z, _mm512_setzero_pd (), _CMP_LT_OQ);
  __mmask8 above = _mm512_cmp_pd_mask (z, _mm512_setzero_pd (), _CMP_GT_OQ);

  _mm512_mask_storeu_pd (relu->z + at, lanes, z);
  _mm512_mask_storeu_pd (relu->act + at, lanes, _mm512_maskz_mov_pd ((__mmask8) ~below, z));
  _mm512_mask_storeu_pd (relu->deriv + at, lanes,
                         _mm512_maskz_mov_pd (above, _mm512_set1_pd (1.0)));
}

#define TV          __m512d
#define TV_LANES    8
#define TV_MASK     __mmask8
#define TV_LAST(n)  ((__mmask8) ((1u << (n)) - 1))
#define TV_ZERO()   _mm512_setzero_pd ()
#define TV_LOAD(p)  _mm512_loadu_pd (p)
#define TV_SET1(p)  _mm512_set1_pd (*(p))
#define TV_FMA(x, b, s) _mm512_fmadd_pd ((x), (b), (s))
#define TV_PUT(dst, sum, is_last, last)                                                      \
  WIDE_PUT ((dst), (sum), (is_last) ? (last) : (__mmask8) 0xff)
#define TV_PUT_RELU(relu, at, col, sum, is_last, last)                                       \
  put_relu_wide ((relu), (at), (col), (sum), (is_last) ? (last) : (__mmask8) 0xff)

DEFINE_TILE (wide, "avx512f", 1, 1) DEFINE_TILE (wide, "avx512f", 2, 1)
DEFINE_TILE (wide, "avx512f", 3, 1) DEFINE_TILE (wide, "avx512f", 4, 1)
DEFINE_TILE (wide, "avx512f", 5, 1) DEFINE_TILE (wide, "avx512f", 6, 1)
DEFINE_TILE (wide, "avx512f", 7, 1) DEFINE_TILE (wide, "avx512f", 8, 1)
DEFINE_TILE (wide, "avx512f", 1, 2) DEFINE_TILE (wide, "avx512f", 2, 2)
DEFINE_TILE (wide, "avx512f", 3, 2) DEFINE_TILE (wide, "avx512f", 4, 2)
DEFINE_TILE (wide, "avx512f", 5, 2) DEFINE_TILE (wide, "avx512f", 6, 2)
DEFINE_TILE (wide, "avx512f", 7, 2) DEFINE_TILE (wide, "avx512f", 8, 2)
DEFINE_TILE (wide, "avx512f", 1, 3) DEFINE_TILE (wide, "avx512f", 2, 3)
DEFINE_TILE (wide, "avx512f", 3, 3) DEFINE_TILE (wide, "avx512f", 4, 3)
DEFINE_TILE (wide, "avx512f", 5, 3) DEFINE_TILE (wide, "avx512f", 6, 3)
DEFINE_TILE (wide, "avx512f", 7, 3)
DEFINE_TILE (wide, "avx512f", 1, 4) DEFINE_TILE (wide, "avx512f", 2, 4)
DEFINE_TILE (wide, "avx512f", 3, 4) DEFINE_TILE (wide, "avx512f", 4, 4)
DEFINE_TILE (wide, "avx512f", 5, 4) DEFINE_TILE (wide, "avx512f", 6, 4)

#undef TV
#undef TV_LANES
#undef TV_MASK
#undef TV_LAST
#undef TV_ZERO
#undef TV_LOAD
#undef TV_SET1
#undef TV_FMA
#undef TV_PUT
#undef TV_PUT_RELU

/* By rows (1 to 8), then vectors of 8 columns (1 to 4). */
static const Tile wide_tiles[9][5] = {
  { NULL },
  { NULL, wide1_1, wide1_2, wide1_3, wide1_4 },
  { NULL, wide2_1, wide2_2, wide2_3, wide2_4 },
  { NULL, wide3_1, wide3_2, wide3_3, wide3_4 },
  { NULL, wide4_1, wide4_2, wide4_3, wide4_4 },
  { NULL, wide5_1, wide5_2, wide5_3, wide5_4 },
  { NULL, wide6_1, wide6_2, wide6_3, wide6_4 },
  { NULL, wide7_1, wide7_2, wide7_3, NULL },
  { NULL, wide8_1, wide8_2, NULL, NULL },
};
static const guint wide_tile_rows[] = { 0, 8, 8, 7, 6 };

/* The wide tiles with a last vector half as wide: @NV vectors of 8 columns and one of 4, for
 * 8·NV + 1 to 8·NV + 4 columns (20 = 8 + 8 + 4, the image model's hidden layers). Where
 * AVX-512 runs its vectors as two halves (AMD's Zen 4) an FMA of 4 lanes takes half the time
 * of one of 8, so 20 columns cost 20 lanes, not 24: 200 × 784 into 20 in 118–119 µs against
 * 139–140 (one thread, best of 5 × 200, 2026-12-07, Zen 4 EPYC; 16 columns 92, 24 137). Where
 * it runs them whole, the same time as the wide tile is expected (not measured). 8 rows a
 * tile up to 20 columns (24 accumulators; 7 rows took 121.5 µs), 6 up to 28. Every entry
 * summed alike (one FMA per k in order from 0, then one addition), so the same bits (NaN's
 * sign and payload aside: which operand's NaN an FMA passes on may differ); the 4-lane part
 * stored under the AVX2 tiles' mask, with their PUT() and put_relu(). */
#define DEFINE_HALF_TILE(R, NV)                                                              \
  __attribute__ ((target ("avx512f,avx2,fma"))) static void                                 \
  half##R##_##NV TILE_PARAMETERS                                                          \
  {                                                                                         \
    __m256i last = saddle_avx2_lanes (cols - 8 * NV);                                       \
    __m512d sum[R][NV];                                                                     \
    __m256d tail[R];                                                                        \
                                                                                            \
    _Pragma ("GCC unroll 8")                                                                \
    for (int r = 0; r < R; r++)                                                             \
      {                                                                                     \
        _Pragma ("GCC unroll 4")                                                            \
        for (int v = 0; v < NV; v++)                                                        \
          sum[r][v] = _mm512_setzero_pd ();                                                 \
        tail[r] = _mm256_setzero_pd ();                                                     \
      }                                                                                     \
    for (gsize p = 0; p < k; p++)                                                           \
      {                                                                                     \
        const double *row = bt + p * 8 * (NV + 1);                                          \
        __m512d b[NV];                                                                      \
        __m256d b_tail = _mm256_loadu_pd (row + 8 * NV);                                    \
                                                                                            \
        _Pragma ("GCC unroll 4")                                                            \
        for (int v = 0; v < NV; v++)                                                        \
          b[v] = _mm512_loadu_pd (row + 8 * v);                                             \
        _Pragma ("GCC unroll 8")                                                            \
        for (int r = 0; r < R; r++)                                                         \
          {                                                                                 \
            __m512d x = _mm512_set1_pd (ar[r][p]);                                          \
                                                                                            \
            _Pragma ("GCC unroll 4")                                                        \
            for (int v = 0; v < NV; v++)                                                    \
              sum[r][v] = _mm512_fmadd_pd (x, b[v], sum[r][v]);                             \
            tail[r] = _mm256_fmadd_pd (_mm512_castpd512_pd256 (x), b_tail, tail[r]);        \
          }                                                                                 \
      }                                                                                     \
    if (relu != NULL)                                                                       \
      {                                                                                     \
        gsize at = c - relu->z, col = at % ldc;                                             \
                                                                                            \
        _Pragma ("GCC unroll 8")                                                            \
        for (int r = 0; r < R; r++)                                                         \
          {                                                                                 \
            _Pragma ("GCC unroll 4")                                                        \
            for (int v = 0; v < NV; v++)                                                    \
              put_relu_wide (relu, at + r * ldc + 8 * v, col + 8 * v, sum[r][v], 0xff);    \
            put_relu (relu, at + r * ldc + 8 * NV, col + 8 * NV, tail[r], TRUE, last);      \
          }                                                                                 \
        return;                                                                             \
      }                                                                                     \
    _Pragma ("GCC unroll 8")                                                                \
    for (int r = 0; r < R; r++)                                                             \
      {                                                                                     \
        _Pragma ("GCC unroll 4")                                                            \
        for (int v = 0; v < NV; v++)                                                        \
          WIDE_PUT (c + r * ldc + 8 * v, sum[r][v], (__mmask8) 0xff);                       \
        PUT (c + r * ldc + 8 * NV, tail[r], TRUE);                                          \
      }                                                                                     \
  }

DEFINE_HALF_TILE (1, 1) DEFINE_HALF_TILE (2, 1) DEFINE_HALF_TILE (3, 1) DEFINE_HALF_TILE (4, 1)
DEFINE_HALF_TILE (5, 1) DEFINE_HALF_TILE (6, 1) DEFINE_HALF_TILE (7, 1) DEFINE_HALF_TILE (8, 1)
DEFINE_HALF_TILE (1, 2) DEFINE_HALF_TILE (2, 2) DEFINE_HALF_TILE (3, 2) DEFINE_HALF_TILE (4, 2)
DEFINE_HALF_TILE (5, 2) DEFINE_HALF_TILE (6, 2) DEFINE_HALF_TILE (7, 2) DEFINE_HALF_TILE (8, 2)
DEFINE_HALF_TILE (1, 3) DEFINE_HALF_TILE (2, 3) DEFINE_HALF_TILE (3, 3) DEFINE_HALF_TILE (4, 3)
DEFINE_HALF_TILE (5, 3) DEFINE_HALF_TILE (6, 3)

/* By rows (1 to 8), then whole vectors before the half one (1 to 3). */
static const Tile half_tiles[9][4] = {
  { NULL },
  { NULL, half1_1, half1_2, half1_3 },
  { NULL, half2_1, half2_2, half2_3 },
  { NULL, half3_1, half3_2, half3_3 },
  { NULL, half4_1, half4_2, half4_3 },
  { NULL, half5_1, half5_2, half5_3 },
  { NULL, half6_1, half6_2, half6_3 },
  { NULL, half7_1, half7_2, NULL },
  { NULL, half8_1, half8_2, NULL },
};
static const guint half_tile_rows[] = { 0, 8, 8, 6 };

/* Rows @m of A (@a, from column @k0, depth @k) times the @cols columns of the packed @bt (rows
 * of 4·@nv, or with @wide 8·@nv) into C from @c (or, with @relu, into its z, a and d): whole
 * tiles, then the rows left in one shorter tile. */
static void
tile_column (gboolean          wide,
             guint             nv,
             gsize             m,
             gsize             k,
             const SaddleRows *a,
             gsize             k0,
             const double     *bt,
             gsize             cols,
             gboolean          add,
             double           *c,
             gsize             ldc,
             const Relu       *relu)
{
  /* A last vector of at most 4 columns after a whole one: the half tiles. */
  gboolean half = wide && nv > 1 && cols <= 8 * (nv - 1) + 4;
  guint rows = half ? half_tile_rows[nv - 1] : wide ? wide_tile_rows[nv] : tile_rows[nv];
  const Tile (*table)[5] = wide ? wide_tiles : tiles;

  for (gsize i = 0; i < m; i += rows)
    {
      gsize r = MIN (rows, m - i);
      const double *ar[8];

      for (gsize j = 0; j < r; j++)
        ar[j] = saddle_rows_at (a, i + j) + k0;
      if (half)
        half_tiles[r][nv - 1] (k, ar, bt, cols, add, c + i * ldc, ldc, relu);
      else
        table[r][nv] (k, ar, bt, cols, add, c + i * ldc, ldc, relu);
    }
}

/* C's one column (n = 1): four rows at a time, their depth read four at a time and turned (a
 * 4 × 4 transpose) so that each lane holds one row's sum, one FMA per k in order from 0, added
 * to C (or to 0) once: OpenBLAS's order for every row count and depth, odd ones and those under
 * NARROW_MIN_ROWS and NARROW_MIN_DEPTH too. 1,000 × 31 into one column (the function task's
 * output layer) in 4.0 µs against dgemm's 11.5, which packs all of A first; 20 rows in 0.07
 * against 0.33 (best of 3 × 20,000, one thread). For finite numbers: where A or B hold NaNs of
 * other signs or payloads, which one comes out may differ from dgemm's (a review's finding). */
__attribute__ ((target ("avx2,fma"))) static void
one_column (gsize         m,
            gsize         k,
            const double *a0,
            gsize         lda,
            const double *b,
            gboolean      add,
            double       *c,
            gsize         ldc)
{
  gsize i = 0;

  for (; i + 4 <= m; i += 4)
    {
      const double *a = a0 + i * lda;
      __m256d sum = _mm256_setzero_pd ();
      double lanes[4];
      gsize p = 0;

      for (; p + 4 <= k; p += 4)
        {
          __m256d r0 = _mm256_loadu_pd (a + p), r1 = _mm256_loadu_pd (a + lda + p);
          __m256d r2 = _mm256_loadu_pd (a + 2 * lda + p), r3 = _mm256_loadu_pd (a + 3 * lda + p);
          __m256d t0 = _mm256_unpacklo_pd (r0, r1), t1 = _mm256_unpackhi_pd (r0, r1);
          __m256d t2 = _mm256_unpacklo_pd (r2, r3), t3 = _mm256_unpackhi_pd (r2, r3);

          sum = _mm256_fmadd_pd (_mm256_permute2f128_pd (t0, t2, 0x20),
                                 _mm256_set1_pd (b[p]), sum);
          sum = _mm256_fmadd_pd (_mm256_permute2f128_pd (t1, t3, 0x20),
                                 _mm256_set1_pd (b[p + 1]), sum);
          sum = _mm256_fmadd_pd (_mm256_permute2f128_pd (t0, t2, 0x31),
                                 _mm256_set1_pd (b[p + 2]), sum);
          sum = _mm256_fmadd_pd (_mm256_permute2f128_pd (t1, t3, 0x31),
                                 _mm256_set1_pd (b[p + 3]), sum);
        }
      for (; p < k; p++)
        sum = _mm256_fmadd_pd (_mm256_set_pd (a[3 * lda + p], a[2 * lda + p], a[lda + p], a[p]),
                               _mm256_set1_pd (b[p]), sum);
      _mm256_storeu_pd (lanes, sum);
      for (gsize j = 0; j < 4; j++)
        c[(i + j) * ldc] = (add ? c[(i + j) * ldc] : 0.0) + lanes[j];
    }
  for (; i < m; i++)
    {
      __m128d sum = _mm_setzero_pd ();

      for (gsize p = 0; p < k; p++)
        sum = _mm_fmadd_sd (_mm_load_sd (a0 + i * lda + p), _mm_load_sd (b + p), sum);
      c[i * ldc] = (add ? c[i * ldc] : 0.0) + _mm_cvtsd_f64 (sum);
    }
}

/* dst[p·@width + j] = b[j·@ldb + p] for the @cols rows j of B and @k columns p: op(B) = Bᵀ
 * packed by k, four rows of B at a time turned by 4 × 4 transposes. Entry by entry it was 0.22
 * of the 1.10 µs a minibatch of 20 took through a 31-unit layer (NT, against NN's 0.88). */
__attribute__ ((target ("avx2"))) static void
pack_transposed (const double *b,
                 gsize         ldb,
                 gsize         cols,
                 gsize         k,
                 double       *dst,
                 gsize         width)
{
  gsize j = 0;

  for (; j + 4 <= cols; j += 4)
    {
      const double *r0 = b + j * ldb, *r1 = r0 + ldb, *r2 = r1 + ldb, *r3 = r2 + ldb;
      gsize p = 0;

      for (; p + 4 <= k; p += 4)
        {
          __m256d a0 = _mm256_loadu_pd (r0 + p), a1 = _mm256_loadu_pd (r1 + p);
          __m256d a2 = _mm256_loadu_pd (r2 + p), a3 = _mm256_loadu_pd (r3 + p);
          __m256d t0 = _mm256_unpacklo_pd (a0, a1), t1 = _mm256_unpackhi_pd (a0, a1);
          __m256d t2 = _mm256_unpacklo_pd (a2, a3), t3 = _mm256_unpackhi_pd (a2, a3);
          double *d = dst + p * width + j;

          _mm256_storeu_pd (d, _mm256_permute2f128_pd (t0, t2, 0x20));
          _mm256_storeu_pd (d + width, _mm256_permute2f128_pd (t1, t3, 0x20));
          _mm256_storeu_pd (d + 2 * width, _mm256_permute2f128_pd (t0, t2, 0x31));
          _mm256_storeu_pd (d + 3 * width, _mm256_permute2f128_pd (t1, t3, 0x31));
        }
      for (; p < k; p++)
        _mm256_storeu_pd (dst + p * width + j, _mm256_set_pd (r3[p], r2[p], r1[p], r0[p]));
    }
  for (; j < cols; j++)
    for (gsize p = 0; p < k; p++)
      dst[p * width + j] = b[j * ldb + p];
}

/* Depth 1 (a layer with one input, or δ·W below a one-unit layer): C = a·rowᵀ, each entry one
 * FMA from 0 added to C (or to 0), which is what OpenBLAS's kernel does at a depth of 1 for
 * every row count, with no copy of op(B): 20 × 31 in 0.09 µs against dgemm's 0.16 (best of 5
 * × 100,000, one thread). Its odd last row's groups of 4 columns it then adds to 0 (its
 * (s0 + s1) + (s2 + s3), _saddle_narrow_last_odd_row()), which turns a product that
 * underflowed to −0 into +0: so does this (a review's finding). The last 1 to 3 columns one at
 * a time (under a mask, the stores took 8.5 µs for 1,000 × 31 against dgemm's 5.7). */
__attribute__ ((target ("avx2,fma"))) static void
outer_product (gsize         m,
               gsize         n,
               const double *a,
               gsize         lda,
               const double *row,
               gboolean      add,
               double       *c,
               gsize         ldc,
               const Relu   *relu)
{
  const __m256d zero = _mm256_setzero_pd ();
  gsize whole = n / 4 * 4, at0 = relu != NULL ? (gsize) (c - relu->z) : 0;

  for (gsize i = 0; i < m; i++)
    {
      __m256d x = _mm256_broadcast_sd (a + i * lda);
      double *dst = c + i * ldc;
      gboolean odd_last = m % 2 != 0 && i == m - 1;

      for (gsize j = 0; j < whole; j += 4)
        {
          __m256d p = _mm256_fmadd_pd (x, _mm256_loadu_pd (row + j), zero);

          if (odd_last)
            p = _mm256_add_pd (p, zero);
          if (relu != NULL)
            put_relu (relu, at0 + i * ldc + j, j, p, FALSE, _mm256_setzero_si256 ());
          else
            _mm256_storeu_pd (dst + j, _mm256_add_pd (add ? _mm256_loadu_pd (dst + j) : zero,
                                                      p));
        }
      for (gsize j = whole; j < n; j++)
        {
          __m128d p = _mm_fmadd_sd (_mm256_castpd256_pd128 (x), _mm_load_sd (row + j),
                                    _mm_setzero_pd ());

          if (relu != NULL)
            {
              gsize at = at0 + i * ldc + j;
              __m128d z = _mm_add_sd (_mm_load_sd (relu->bias + j), p);

              _mm_store_sd (relu->z + at, z);
              _mm_store_sd (relu->act + at, saddle_relu_sse2 (z));
              _mm_store_sd (relu->deriv + at, saddle_relu_slope_sse2 (z));
            }
          else
            dst[j] = (add ? dst[j] : 0.0) + _mm_cvtsd_f64 (p);
        }
    }
}

/* Whether narrow_gemm() takes the product: with @relu (its ReLU too) only one block deep and
 * into more than one column; with A's rows from a @table only where the tiles, which read them
 * through it, do every row. */
static gboolean
takes (gsize    m,
       gsize    n,
       gsize    k,
       double   beta,
       gboolean relu,
       gboolean table)
{
  if (!__builtin_cpu_supports ("avx2") || !__builtin_cpu_supports ("fma")
      || m == 0 || n == 0 || n > SADDLE_NARROW_MAX || k == 0 || (beta != 0.0 && beta != 1.0))
    return FALSE;
  if (relu && (n == 1 || saddle_narrow_depth_block (k) != k))
    return FALSE;
  if (table && (n == 1 || k == 1))
    return FALSE;
  if (k == 1 && n > 1)
    return TRUE;
  /* One column sums as OpenBLAS does for every row count and depth (one_column()); more take
   * enough rows and depth to pay for the copy of op(B), and with the ReLU or a table an even
   * number of rows. */
  if (n > 1 && (m < NARROW_MIN_ROWS || k < NARROW_MIN_DEPTH
                || ((relu || table) && m % NARROW_ROW_GROUP != 0)))
    return FALSE;
  /* This kernel runs on the calling thread alone. Where OpenBLAS has more threads, a product
   * deeper than 32 is worth parallelising, and OpenBLAS's threads cut its depth otherwise (see
   * saddle_narrow_depth_block()): leave it to OpenBLAS, which keeps threaded runs as they were. */
  return k <= SADDLE_NARROW_MAX || openblas_get_num_threads () == 1;
}

/* saddle_narrow_gemm(), and with @relu (β 1 then stands for C starting as the bias) its ReLU
 * too, where takes() says so. */
static gboolean
narrow_gemm (CBLAS_TRANSPOSE   trans_b,
             gsize             m,
             gsize             n,
             gsize             k,
             const SaddleRows *rows,
             const double     *b,
             gsize             ldb,
             double            beta,
             double           *c,
             gsize             ldc,
             const Relu       *relu)
{
  const double *a = rows->base;   /* A as a matrix, where there is no table */
  gsize lda = rows->ld;
  double shallow[SADDLE_NARROW_MAX * SADDLE_NARROW_MAX];
  g_autofree double *deep = NULL;
  double *bt;
  gboolean wide = saddle_narrow_wide ();
  gsize lane = wide ? 8 : 4;   /* doubles a vector */
  guint vectors = (n + 3) / 4, tile_nv[2];
  gsize tile_cols[2], tile_j0[2], tile_at[2];
  gsize even;   /* the rows the tiles take; an odd last one apart */
  guint n_tiles;

  if (!takes (m, n, k, beta, relu != NULL, rows->table != NULL))
    return FALSE;
  if (k == 1 && n > 1)
    {
      const double *row = b;   /* op(B)'s one row: B's row, or Bᵀ's, B's one column */

      if (trans_b == CblasTrans && ldb != 1)
        {
          for (gsize j = 0; j < n; j++)
            shallow[j] = b[j * ldb];
          row = shallow;
        }
      outer_product (m, n, a, lda, row, beta != 0.0, c, ldc, relu);
      return TRUE;
    }

  if (n == 1)
    {
      const double *column = b;   /* op(B): Bᵀ's one row is B's contiguous row */

      if (trans_b == CblasNoTrans && ldb != 1)
        {
          /* B's one column, strided: copied together. */
          bt = k <= SADDLE_NARROW_MAX ? shallow : (deep = g_new (double, k));
          for (gsize p = 0; p < k; p++)
            bt[p] = b[p * ldb];
          column = bt;
        }
      for (gsize k0 = 0, kb; k0 < k; k0 += kb)
        {
          kb = saddle_narrow_depth_block (k - k0);
          one_column (m, kb, a + k0, lda, column + k0, k0 > 0 || beta != 0.0, c, ldc);
        }
      return TRUE;
    }

  /* With AVX-512, every column in one tile. With AVX2, columns in one tile up to 16, else two
   * of about equal width (20: 12 and 8, 12 and 8 accumulators at 4 rows a tile), rather than 16
   * and 4 (4 accumulators waiting on their FMAs). */
  if (wide)
    vectors = (n + 7) / 8;
  n_tiles = wide || vectors <= 4 ? 1 : 2;
  tile_nv[0] = n_tiles == 1 ? vectors : (vectors + 1) / 2;
  tile_nv[1] = vectors - tile_nv[0];
  tile_cols[0] = MIN (n, lane * tile_nv[0]);
  tile_cols[1] = n - tile_cols[0];
  tile_j0[0] = 0;
  tile_j0[1] = tile_cols[0];
  tile_at[0] = 0;
  tile_at[1] = k * lane * tile_nv[0];

  /* Each tile's columns of op(B) packed by k in rows of lane·nv, zero beyond column n: tile t's
   * entry (p, j) at bt[tile_at[t] + p·lane·nv + j]. */
  bt = k <= SADDLE_NARROW_MAX ? shallow : (deep = g_new (double, k * lane * vectors));
  for (guint t = 0; t < n_tiles; t++)
    {
      gsize width = lane * tile_nv[t], j0 = tile_j0[t];
      double *dst = bt + tile_at[t];

      /* Bᵀ (a layer's weights, 20 × 784) by transposes along B's rows: p by p with a branch
       * for each entry, the copy was 4 % of the image model's training. */
      if (trans_b == CblasNoTrans)
        for (gsize p = 0; p < k; p++)
          memcpy (dst + p * width, b + p * ldb + j0, tile_cols[t] * sizeof (double));
      else
        pack_transposed (b + j0 * ldb, ldb, tile_cols[t], k, dst, width);
      for (gsize j = tile_cols[t]; j < width; j++)
        for (gsize p = 0; p < k; p++)
          dst[p * width + j] = 0.0;
    }

  /* Block by block of the depth as OpenBLAS cuts it; all rows through one tile at a time, so
   * that its block of op(B) (at most 256 × 16 doubles, 32 KB; with AVX-512 256 × 32, 64 KB, in
   * L2) stays near; the last of an odd count of rows apart. */
  even = m / NARROW_ROW_GROUP * NARROW_ROW_GROUP;
  for (gsize k0 = 0, kb; k0 < k; k0 += kb)
    {
      kb = saddle_narrow_depth_block (k - k0);
      for (guint t = 0; t < n_tiles; t++)
        {
          const double *block = bt + tile_at[t] + k0 * lane * tile_nv[t];
          gboolean add = k0 > 0 || beta != 0.0;

          tile_column (wide, tile_nv[t], even, kb, rows, k0, block, tile_cols[t], add,
                       c + tile_j0[t], ldc, relu);
          if (even < m)
            _saddle_narrow_last_odd_row (kb, a + (m - 1) * lda + k0, 1, block,
                                         lane * tile_nv[t], tile_cols[t], add,
                                         c + (m - 1) * ldc + tile_j0[t]);
        }
    }
  return TRUE;
}
#endif /* HAVE_AVX2_KERNEL */

static gboolean wide_allowed = TRUE;

void
saddle_narrow_set_wide (gboolean allowed)
{
  wide_allowed = allowed;
}

gboolean
saddle_narrow_wide (void)
{
#ifdef HAVE_AVX2_KERNEL
  return wide_allowed && __builtin_cpu_supports ("avx512f");
#else
  return FALSE;
#endif
}

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
  const SaddleRows rows = { a, lda, NULL };

  return narrow_gemm (trans_b, m, n, k, &rows, b, ldb, beta, c, ldc, NULL);
#else
  (void) trans_b, (void) m, (void) n, (void) k, (void) a, (void) lda, (void) b, (void) ldb;
  (void) beta, (void) c, (void) ldc;
  return FALSE;
#endif
}

gboolean
saddle_narrow_gemm_rows_takes (gsize m,
                               gsize n,
                               gsize k)
{
#ifdef HAVE_AVX2_KERNEL
  return takes (m, n, k, 1.0, FALSE, TRUE);
#else
  (void) m, (void) n, (void) k;
  return FALSE;
#endif
}

gboolean
saddle_narrow_gemm_rows (CBLAS_TRANSPOSE      trans_b,
                         gsize                m,
                         gsize                n,
                         gsize                k,
                         const double *const *a_rows,
                         const double        *b,
                         gsize                ldb,
                         double               beta,
                         double              *c,
                         gsize                ldc)
{
#ifdef HAVE_AVX2_KERNEL
  const SaddleRows rows = { NULL, 0, a_rows };

  g_return_val_if_fail (a_rows != NULL, FALSE);

  return narrow_gemm (trans_b, m, n, k, &rows, b, ldb, beta, c, ldc, NULL);
#else
  (void) trans_b, (void) m, (void) n, (void) k, (void) a_rows, (void) b, (void) ldb;
  (void) beta, (void) c, (void) ldc;
  return FALSE;
#endif
}

gboolean
saddle_narrow_gemm_relu (CBLAS_TRANSPOSE  trans_b,
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
                         gsize            ld)
{
#ifdef HAVE_AVX2_KERNEL
  const SaddleRows rows = { a, lda, NULL };
  Relu relu = { bias, z, act, deriv, ld };

  return narrow_gemm (trans_b, m, n, k, &rows, b, ldb, 1.0, z, ld, &relu);
#else
  (void) trans_b, (void) m, (void) n, (void) k, (void) a, (void) lda, (void) b, (void) ldb;
  (void) bias, (void) z, (void) act, (void) deriv, (void) ld;
  return FALSE;
#endif
}

/* OpenBLAS's level-3 driver on one thread cuts a product's depth into blocks of its GEMM_Q (256
 * for the Haswell DGEMM), the last two each half of what is left once that is under 2·Q,
 * rounded up to its 4-row unroll, and adds each block's sums to C: 784 = 256 + 256 + 136 + 136.
 * (On more threads it rounds the halves otherwise: 513 = 256 + 129 + 128 there.) */
#define OPENBLAS_DEPTH_BLOCK  256
#define OPENBLAS_DEPTH_UNROLL 4

gsize
saddle_narrow_depth_block (gsize left)
{
  if (left >= 2 * OPENBLAS_DEPTH_BLOCK)
    return OPENBLAS_DEPTH_BLOCK;
  if (left > OPENBLAS_DEPTH_BLOCK)
    return (left / 2 + OPENBLAS_DEPTH_UNROLL - 1) / OPENBLAS_DEPTH_UNROLL * OPENBLAS_DEPTH_UNROLL;
  return left;
}
