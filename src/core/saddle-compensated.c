/* saddle-compensated.c — affine maps summed to about twice double precision
 *
 * The forward pass by region (saddle-model-regions-forward.c) shares one map among all the
 * samples of a run, so a rounding error in it moves all their residuals alike; it keeps each
 * map's value as hi + lo. These sums give it that value to about 106 bits by error-free
 * transformations: a product a·b is p + e exactly with p = a·b and e = fma (a, b, −p), a sum
 * a + b is t + e exactly with Knuth's TwoSum. The errors are summed apart and added at the end
 * (Ogita, Rump and Oishi, "Accurate sum and dot product", 2005: Dot2). They replace sums in x87
 * long double (64 bits), which took half the pass's time.
 *
 * Every operation is written out, never left to the compiler: a product fused into the sum
 * that follows it would break the transformations. The AVX-512 loop computes eight sums at
 * once, the AVX2 loop four, with the operations the scalar loop applies to each, in the same
 * order: the same bits, but for the sign of a NaN (the scalar loop negates the product before
 * its fma(), the vector ones subtract it; a review's finding). Without AVX-512 the scalar
 * loop had taken half a descent step's time on a 2-core AVX2 machine (Session 21).
 */
#define G_LOG_DOMAIN "saddle-compensated"

#include "config.h"

#include <math.h>

#include "saddle-avx2-lanes.h"
#include "saddle-compensated.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

/* s + e = a + b exactly (TwoSum: no condition on their sizes). */
static inline void
two_sum (double  a,
         double  b,
         double *s,
         double *e)
{
  double t = a + b;
  double bb = t - a;

  *e = (a - (t - bb)) + (b - bb);
  *s = t;
}

void
saddle_compensated_sum (double  a,
                        double  b,
                        double *s,
                        double *e)
{
  two_sum (a, b, s, e);
}

/* a·dx_hi exactly as p + pe, added to b_hi by TwoSum; the small terms (b_lo, the errors and
 * a·dx_lo) summed apart and added last. */
static void
axpy_one (double  a,
          double  dx_hi,
          double  dx_lo,
          double  b_hi,
          double  b_lo,
          double *hi,
          double *lo)
{
  double p = a * dx_hi;
  double pe = fma (a, dx_hi, -p);
  double t, te;

  two_sum (b_hi, p, &t, &te);
  two_sum (t, b_lo + (te + (pe + a * dx_lo)), hi, lo);
}

/* One sum: b + Σ_u w_u·(z_hi,u + z_lo,u). */
static void
affine_one (gsize         in,
            const double *w,
            double        bias,
            const double *z_hi,
            const double *z_lo,
            double       *hi,
            double       *lo)
{
  double s = bias, e = 0.0;

  for (gsize u = 0; u < in; u++)
    {
      double wu = w[u], p, pe, se;

      if (z_hi[u] == 0.0 && z_lo[u] == 0.0)
        continue;
      p = wu * z_hi[u];
      pe = fma (wu, z_hi[u], -p);
      pe = fma (wu, z_lo[u], pe);
      two_sum (s, p, &s, &se);
      e = e + (se + pe);
    }
  two_sum (s, e, hi, lo);
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The rounding forms of the arithmetic are builtins GCC never fuses into an FMA. */
#define ADD(a, b) _mm512_add_round_pd ((a), (b), _MM_FROUND_CUR_DIRECTION)
#define SUB(a, b) _mm512_sub_round_pd ((a), (b), _MM_FROUND_CUR_DIRECTION)
#define MUL(a, b) _mm512_mul_round_pd ((a), (b), _MM_FROUND_CUR_DIRECTION)

/* two_sum() on eight lanes. */
__attribute__ ((target ("avx512f"))) static inline void
two_sum_avx512 (__m512d  a,
                __m512d  b,
                __m512d *s,
                __m512d *e)
{
  __m512d t = ADD (a, b);
  __m512d bb = SUB (t, a);

  *e = ADD (SUB (a, SUB (t, bb)), SUB (b, bb));
  *s = t;
}

/* Bit u set where unit u of these @units ≤ 64 is not zero in z_hi or z_lo (or is NaN): those
 * affine_one() does not pass over. */
__attribute__ ((target ("avx512f"))) static guint64
nonzero_units (const double *z_hi,
               const double *z_lo,
               gsize         units)
{
  __m512d zero = _mm512_setzero_pd ();
  guint64 word = 0;

  for (gsize t = 0; t < units; t += 8)
    {
      __mmask8 m = units - t >= 8 ? 0xff : (__mmask8) ((1u << (units - t)) - 1);
      __mmask8 hi = _mm512_mask_cmp_pd_mask (m, _mm512_maskz_loadu_pd (m, z_hi + t), zero,
                                             _CMP_NEQ_UQ);
      __mmask8 lo = _mm512_mask_cmp_pd_mask (m, _mm512_maskz_loadu_pd (m, z_lo + t), zero,
                                             _CMP_NEQ_UQ);

      word |= (guint64) (hi | lo) << t;
    }
  return word;
}

__attribute__ ((target ("avx512f"))) static void
affine_avx512 (gsize         rows,
               gsize         out,
               gsize         in,
               const double *w,
               const double *bias,
               const double *z_hi,
               const double *z_lo,
               double       *hi,
               double       *lo,
               double       *panel)
{
  for (gsize k0 = 0; k0 < out; k0 += 8)
    {
      gsize m = MIN (8, out - k0);
      __mmask8 mask = (__mmask8) ((1u << m) - 1);
      __m512d b = _mm512_maskz_loadu_pd (mask, bias + k0);

      /* Unit u's weights into these m sums side by side (zero past m). */
      for (gsize u = 0; u < in; u++)
        for (gsize t = 0; t < 8; t++)
          panel[8 * u + t] = t < m ? w[(k0 + t) * in + u] : 0.0;

      for (gsize j = 0; j < rows; j++)
        {
          const double *zh = z_hi + j * in, *zl = z_lo + j * in;
          __m512d s = b, e = _mm512_setzero_pd ();
          __m512d h_sum, l_sum;

          for (gsize w0 = 0; w0 < in; w0 += 64)
            {
              guint64 word = nonzero_units (zh + w0, zl + w0, MIN (64, in - w0));

              /* The units in ascending order, as the scalar loop: no branch per unit. */
              for (; word != 0; word &= word - 1)
                {
                  gsize u = w0 + (gsize) __builtin_ctzll (word);
                  __m512d wu = _mm512_loadu_pd (panel + 8 * u);
                  __m512d h = _mm512_set1_pd (zh[u]);
                  __m512d p = MUL (wu, h);
                  __m512d pe = _mm512_fmsub_pd (wu, h, p);
                  __m512d se;

                  pe = _mm512_fmadd_pd (wu, _mm512_set1_pd (zl[u]), pe);
                  two_sum_avx512 (s, p, &s, &se);
                  e = ADD (e, ADD (se, pe));
                }
            }
          two_sum_avx512 (s, e, &h_sum, &l_sum);
          _mm512_mask_storeu_pd (hi + j * out + k0, mask, h_sum);
          _mm512_mask_storeu_pd (lo + j * out + k0, mask, l_sum);
        }
    }
}

__attribute__ ((target ("avx512f"))) static void
axpy_avx512 (gsize         n,
             const double *a,
             double        dx_hi,
             double        dx_lo,
             const double *b_hi,
             const double *b_lo,
             double       *hi,
             double       *lo)
{
  __m512d vdx = _mm512_set1_pd (dx_hi), vdx_lo = _mm512_set1_pd (dx_lo);

  for (gsize u = 0; u < n; u += 8)
    {
      __mmask8 mask = n - u >= 8 ? 0xff : (__mmask8) ((1u << (n - u)) - 1);
      __m512d va = _mm512_maskz_loadu_pd (mask, a + u);
      __m512d bl = _mm512_maskz_loadu_pd (mask, b_lo + u);
      __m512d p = MUL (va, vdx);
      __m512d pe = _mm512_fmsub_pd (va, vdx, p);
      __m512d t, te, s, e;

      two_sum_avx512 (_mm512_maskz_loadu_pd (mask, b_hi + u), p, &t, &te);
      two_sum_avx512 (t, ADD (bl, ADD (te, ADD (pe, MUL (va, vdx_lo)))), &s, &e);
      _mm512_mask_storeu_pd (hi + u, mask, s);
      _mm512_mask_storeu_pd (lo + u, mask, e);
    }
}

#undef ADD
#undef SUB
#undef MUL

/* AVX2 has no rounding forms. The project's -ffp-contract=off (meson.build) keeps GCC from
 * fusing a product into the sum that follows, but CFLAGS given to meson come after it: with
 * -ffp-contract=fast GCC fused axpy_avx2()'s a·dx_lo (a review's finding). An empty asm hides
 * each product from the optimiser, whatever the flags (test-compensated checks the bits). */
__attribute__ ((target ("avx2,fma"))) static inline __m256d
mul_apart_avx2 (__m256d a,
                __m256d b)
{
  __m256d p = _mm256_mul_pd (a, b);

  __asm__ ("" : "+x" (p));
  return p;
}

/* two_sum() on four lanes. */
__attribute__ ((target ("avx2,fma"))) static inline void
two_sum_avx2 (__m256d  a,
              __m256d  b,
              __m256d *s,
              __m256d *e)
{
  __m256d t = _mm256_add_pd (a, b);
  __m256d bb = _mm256_sub_pd (t, a);

  *e = _mm256_add_pd (_mm256_sub_pd (a, _mm256_sub_pd (t, bb)), _mm256_sub_pd (b, bb));
  *s = t;
}

/* nonzero_units() four units at a time. */
__attribute__ ((target ("avx2,fma"))) static guint64
nonzero_units_avx2 (const double *z_hi,
                    const double *z_lo,
                    gsize         units)
{
  __m256d zero = _mm256_setzero_pd ();
  guint64 word = 0;

  for (gsize t = 0; t < units; t += 4)
    {
      __m256i m = saddle_avx2_lanes (units - t);
      __m256d hi = _mm256_cmp_pd (_mm256_maskload_pd (z_hi + t, m), zero, _CMP_NEQ_UQ);
      __m256d lo = _mm256_cmp_pd (_mm256_maskload_pd (z_lo + t, m), zero, _CMP_NEQ_UQ);

      word |= (guint64) _mm256_movemask_pd (_mm256_or_pd (hi, lo)) << t;
    }
  return word;
}

/* affine_avx512() four sums at a time. */
__attribute__ ((target ("avx2,fma"))) static void
affine_avx2 (gsize         rows,
             gsize         out,
             gsize         in,
             const double *w,
             const double *bias,
             const double *z_hi,
             const double *z_lo,
             double       *hi,
             double       *lo,
             double       *panel)
{
  for (gsize k0 = 0; k0 < out; k0 += 4)
    {
      gsize m = MIN (4, out - k0);
      __m256i mask = saddle_avx2_lanes (m);
      __m256d b = _mm256_maskload_pd (bias + k0, mask);

      for (gsize u = 0; u < in; u++)
        for (gsize t = 0; t < 4; t++)
          panel[4 * u + t] = t < m ? w[(k0 + t) * in + u] : 0.0;

      for (gsize j = 0; j < rows; j++)
        {
          const double *zh = z_hi + j * in, *zl = z_lo + j * in;
          __m256d s = b, e = _mm256_setzero_pd ();
          __m256d h_sum, l_sum;

          for (gsize w0 = 0; w0 < in; w0 += 64)
            {
              guint64 word = nonzero_units_avx2 (zh + w0, zl + w0, MIN (64, in - w0));

              for (; word != 0; word &= word - 1)
                {
                  gsize u = w0 + (gsize) __builtin_ctzll (word);
                  __m256d wu = _mm256_loadu_pd (panel + 4 * u);
                  __m256d h = _mm256_set1_pd (zh[u]);
                  __m256d p = mul_apart_avx2 (wu, h);
                  __m256d pe = _mm256_fmsub_pd (wu, h, p);
                  __m256d se;

                  pe = _mm256_fmadd_pd (wu, _mm256_set1_pd (zl[u]), pe);
                  two_sum_avx2 (s, p, &s, &se);
                  e = _mm256_add_pd (e, _mm256_add_pd (se, pe));
                }
            }
          two_sum_avx2 (s, e, &h_sum, &l_sum);
          _mm256_maskstore_pd (hi + j * out + k0, mask, h_sum);
          _mm256_maskstore_pd (lo + j * out + k0, mask, l_sum);
        }
    }
}

/* axpy_avx512() four units at a time. */
__attribute__ ((target ("avx2,fma"))) static void
axpy_avx2 (gsize         n,
           const double *a,
           double        dx_hi,
           double        dx_lo,
           const double *b_hi,
           const double *b_lo,
           double       *hi,
           double       *lo)
{
  __m256d vdx = _mm256_set1_pd (dx_hi), vdx_lo = _mm256_set1_pd (dx_lo);

  for (gsize u = 0; u < n; u += 4)
    {
      __m256i mask = saddle_avx2_lanes (n - u);
      __m256d va = _mm256_maskload_pd (a + u, mask);
      __m256d bl = _mm256_maskload_pd (b_lo + u, mask);
      __m256d p = mul_apart_avx2 (va, vdx);
      __m256d pe = _mm256_fmsub_pd (va, vdx, p);
      __m256d small, t, te, s, e;

      two_sum_avx2 (_mm256_maskload_pd (b_hi + u, mask), p, &t, &te);
      /* b_lo + (te + (pe + a·dx_lo)), as axpy_one() sums the small terms. */
      small = _mm256_add_pd (bl, _mm256_add_pd (te, _mm256_add_pd (pe,
                                                                   mul_apart_avx2 (va, vdx_lo))));
      two_sum_avx2 (t, small, &s, &e);
      _mm256_maskstore_pd (hi + u, mask, s);
      _mm256_maskstore_pd (lo + u, mask, e);
    }
}

/* The widest loop this processor and saddle_compensated_set_wide() allow. */
typedef enum { LOOP_SCALAR, LOOP_AVX2, LOOP_AVX512 } Loop;

static gboolean wide_allowed = TRUE;

static Loop
choose_loop (gboolean simd)
{
  if (!simd)
    return LOOP_SCALAR;
  if (wide_allowed && __builtin_cpu_supports ("avx512f"))
    return LOOP_AVX512;
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return LOOP_AVX2;
  return LOOP_SCALAR;
}
#endif

void
saddle_compensated_set_wide (gboolean allowed)
{
#if defined(__x86_64__) && defined(__GNUC__)
  wide_allowed = allowed;
#endif
}

void
saddle_compensated_axpy (gsize         n,
                         const double *a,
                         double        dx_hi,
                         double        dx_lo,
                         const double *b_hi,
                         const double *b_lo,
                         double       *hi,
                         double       *lo,
                         gboolean      simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
  switch (choose_loop (simd))
    {
    case LOOP_AVX512:
      axpy_avx512 (n, a, dx_hi, dx_lo, b_hi, b_lo, hi, lo);
      return;
    case LOOP_AVX2:
      axpy_avx2 (n, a, dx_hi, dx_lo, b_hi, b_lo, hi, lo);
      return;
    case LOOP_SCALAR:
    default:
      break;
    }
#endif
  for (gsize u = 0; u < n; u++)
    axpy_one (a[u], dx_hi, dx_lo, b_hi[u], b_lo[u], &hi[u], &lo[u]);
}

void
saddle_compensated_affine (gsize         rows,
                           gsize         out,
                           gsize         in,
                           const double *w,
                           const double *bias,
                           const double *z_hi,
                           const double *z_lo,
                           double       *hi,
                           double       *lo,
                           double       *panel,
                           gboolean      simd)
{
#if defined(__x86_64__) && defined(__GNUC__)
  switch (choose_loop (simd))
    {
    case LOOP_AVX512:
      affine_avx512 (rows, out, in, w, bias, z_hi, z_lo, hi, lo, panel);
      return;
    case LOOP_AVX2:
      affine_avx2 (rows, out, in, w, bias, z_hi, z_lo, hi, lo, panel);
      return;
    case LOOP_SCALAR:
    default:
      break;
    }
#endif
  for (gsize j = 0; j < rows; j++)
    for (gsize k = 0; k < out; k++)
      affine_one (in, w + k * in, bias[k], z_hi + j * in, z_lo + j * in, hi + j * out + k,
                  lo + j * out + k);
}
