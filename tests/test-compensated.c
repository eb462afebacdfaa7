/* test-compensated.c — compensated affine maps against quadruple precision, and the AVX-512
 * and AVX2 loops against the scalar one bit for bit */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "saddle-compensated.h"
#include "saddle-rng.h"

#define ROWS 5
#define OUT 37   /* four blocks of eight and a tail of five */
#define IN 29

typedef __float128 quad;

/* A double over many binades, either sign. */
static double
wide (SaddleRng *rng)
{
  return ldexp (saddle_rng_uniform (rng) - 0.5, (int) (saddle_rng_uniform (rng) * 20.0) - 10);
}

typedef struct
{
  double w[OUT * IN], bias[OUT];
  double z_hi[ROWS * IN], z_lo[ROWS * IN];
  double hi[ROWS * OUT], lo[ROWS * OUT];
  double panel[8 * IN];
} Case;

/* Random maps; every third unit of a row is off (zero); with @cancel each bias nearly cancels
 * its sum, so that the result is orders of magnitude below its terms. */
static void
case_init (Case     *c,
           guint64   seed,
           gboolean  cancel)
{
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < OUT * IN; i++)
    c->w[i] = wide (&rng);
  for (gsize i = 0; i < ROWS * IN; i++)
    {
      gboolean off = i % 3 == 1;

      c->z_hi[i] = off ? 0.0 : wide (&rng);
      c->z_lo[i] = off ? 0.0 : ldexp (c->z_hi[i] * (saddle_rng_uniform (&rng) - 0.5), -53);
    }
  for (gsize k = 0; k < OUT; k++)
    {
      double sum = 0.0;

      for (gsize u = 0; u < IN; u++)
        sum += c->w[k * IN + u] * c->z_hi[u];
      c->bias[k] = cancel ? -sum : wide (&rng);
    }
}

/* |(hi + lo) − exact| against Dot2's bound for the unit roundoff u = 2⁻⁵³, (in + 2)²·u²·Σ|terms|,
 * with the exact value in quadruple precision (113 bits: each product of doubles exact); and
 * hi the nearest double to hi + lo. */
static void
assert_accurate (const Case *c)
{
  for (gsize j = 0; j < ROWS; j++)
    for (gsize k = 0; k < OUT; k++)
      {
        quad exact = c->bias[k], magnitude = fabs (c->bias[k]), got;
        double error, bound;

        for (gsize u = 0; u < IN; u++)
          {
            quad t = (quad) c->w[k * IN + u] * c->z_hi[j * IN + u]
                     + (quad) c->w[k * IN + u] * c->z_lo[j * IN + u];

            exact += t;
            magnitude += t < 0 ? -t : t;
          }
        got = (quad) c->hi[j * OUT + k] + c->lo[j * OUT + k];
        error = (double) (got > exact ? got - exact : exact - got);
        bound = (IN + 2.0) * (IN + 2.0) * ldexp (1.0, -106) * (double) magnitude;
        if (!(error <= bound))
          g_error ("row %" G_GSIZE_FORMAT ", sum %" G_GSIZE_FORMAT ": error %.3g beyond %.3g "
                   "(result %.17g, terms of %.3g)", j, k, error, bound, (double) exact,
                   (double) magnitude);
        g_assert_cmpfloat (c->hi[j * OUT + k], ==, c->hi[j * OUT + k] + c->lo[j * OUT + k]);
      }
}

static void
run (Case     *c,
     gboolean  simd)
{
  saddle_compensated_affine (ROWS, OUT, IN, c->w, c->bias, c->z_hi, c->z_lo, c->hi, c->lo,
                             c->panel, simd);
}

static void
test_affine (gconstpointer data)
{
  gboolean cancel = GPOINTER_TO_INT (data);

  for (guint64 seed = 1; seed <= 20; seed++)
    {
      g_autofree Case *scalar = g_new0 (Case, 1);
      g_autofree Case *simd = g_new0 (Case, 1);

      case_init (scalar, seed, cancel);
      run (scalar, FALSE);
      assert_accurate (scalar);
      /* The widest loop, then AVX2 (both the scalar one without them: then this holds
       * trivially). */
      for (int wide = 1; wide >= 0; wide--)
        {
          case_init (simd, seed, cancel);
          saddle_compensated_set_wide (wide);
          run (simd, TRUE);
          saddle_compensated_set_wide (TRUE);
          g_assert_cmpmem (scalar->hi, sizeof scalar->hi, simd->hi, sizeof simd->hi);
          g_assert_cmpmem (scalar->lo, sizeof scalar->lo, simd->lo, sizeof simd->lo);
        }
    }
}

/* Whether @a and @b hold the same doubles bit for bit, any two NaNs counting as equal. */
static gboolean
same_bits (const double *a,
           const double *b,
           gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (!(isnan (a[i]) && isnan (b[i])) && memcmp (&a[i], &b[i], sizeof (double)) != 0)
      return FALSE;
  return TRUE;
}

/* The vector loops on what the accuracy cases leave out: 70 units (two words of 64), units
 * zero in z_hi alone or z_lo alone (summed, as the scalar loop sums them), and NaN and
 * infinite units (not passed over): the scalar loop's bits, NaNs aside. */
static void
test_affine_awkward (void)
{
  enum { R = 3, O = 13, I = 70 };
  g_autofree double *w = g_new (double, O * I), *bias = g_new (double, O);
  g_autofree double *z_hi = g_new (double, R * I), *z_lo = g_new (double, R * I);
  g_autofree double *hi = g_new (double, R * O), *lo = g_new (double, R * O);
  g_autofree double *hi_simd = g_new (double, R * O), *lo_simd = g_new (double, R * O);
  g_autofree double *panel = g_new (double, 8 * I);
  SaddleRng rng;

  saddle_rng_init (&rng, 5);
  for (gsize i = 0; i < O * I; i++)
    w[i] = wide (&rng);
  for (gsize k = 0; k < O; k++)
    bias[k] = wide (&rng);
  for (gsize i = 0; i < R * I; i++)
    {
      double h = wide (&rng);

      z_hi[i] = i % 5 == 1 ? 0.0 : i % 5 == 3 ? -0.0 : h;
      z_lo[i] = i % 5 == 2 || i % 5 == 3 ? 0.0 : ldexp (h * (saddle_rng_uniform (&rng) - 0.5), -53);
    }
  /* Row 1: a NaN unit past the first word; row 2: an infinite one (both with z_lo = 0). */
  z_hi[1 * I + 67] = NAN;
  z_hi[2 * I + 7] = INFINITY;
  g_assert_true (z_lo[1 * I + 67] == 0.0 && z_lo[2 * I + 7] == 0.0);
  saddle_compensated_affine (R, O, I, w, bias, z_hi, z_lo, hi, lo, panel, FALSE);
  for (int wide_loop = 1; wide_loop >= 0; wide_loop--)
    {
      saddle_compensated_set_wide (wide_loop);
      saddle_compensated_affine (R, O, I, w, bias, z_hi, z_lo, hi_simd, lo_simd, panel, TRUE);
      saddle_compensated_set_wide (TRUE);
      g_assert_true (same_bits (hi, hi_simd, R * O));
      g_assert_true (same_bits (lo, lo_simd, R * O));
    }
  /* The NaN unit reached every sum of its row; the others stayed finite. */
  for (gsize k = 0; k < O; k++)
    {
      g_assert_true (isnan (hi[1 * O + k]));
      g_assert_true (isfinite (hi[0 * O + k]));
    }
}

/* The sums in x87 long double they replace fail the bound where the result cancels. */
static void
test_long_double_would_not_do (void)
{
  g_autofree Case *c = g_new0 (Case, 1);
  guint failed = 0;

  case_init (c, 7, TRUE);
  for (gsize k = 0; k < OUT; k++)
    {
      long double s = c->bias[k];
      quad exact = c->bias[k], magnitude = fabs (c->bias[k]);

      for (gsize u = 0; u < IN; u++)
        {
          s += (long double) c->w[k * IN + u] * ((long double) c->z_hi[u] + c->z_lo[u]);
          exact += (quad) c->w[k * IN + u] * c->z_hi[u] + (quad) c->w[k * IN + u] * c->z_lo[u];
          magnitude += fabs (c->w[k * IN + u] * c->z_hi[u]);
        }
      if (fabs ((double) ((quad) s - exact))
          > (IN + 2.0) * (IN + 2.0) * ldexp (1.0, -106) * (double) magnitude)
        failed++;
    }
  g_assert_cmpuint (failed, >, OUT / 2);
}

/* 1,000 units (a tail of 0 past the eighth), half of them cancelling, a step given as
 * dx + dx_lo: within 2⁻¹⁰³ of their terms' size, hi the nearest double, and the AVX-512 and
 * AVX2 loops' bits the scalar one's, nothing written past n. */
static void
test_axpy (void)
{
  enum { N = 1000 };
  g_autofree double *a = g_new (double, N), *b_hi = g_new (double, N), *b_lo = g_new (double, N);
  g_autofree double *hi = g_new (double, N), *lo = g_new (double, N);
  g_autofree double *hi_simd = g_new (double, N), *lo_simd = g_new (double, N);
  double dx, dx_lo;
  SaddleRng rng;

  saddle_rng_init (&rng, 3);
  dx = wide (&rng);
  dx_lo = ldexp (dx * (saddle_rng_uniform (&rng) - 0.5), -53);
  for (guint i = 0; i < N; i++)
    {
      a[i] = wide (&rng);
      b_hi[i] = i % 2 == 0 ? -a[i] * dx : wide (&rng);
      b_lo[i] = ldexp (b_hi[i] * (saddle_rng_uniform (&rng) - 0.5), -53);
    }
  saddle_compensated_axpy (N, a, dx, dx_lo, b_hi, b_lo, hi, lo, FALSE);
  for (guint i = 0; i < N; i++)
    {
      quad exact = (quad) a[i] * dx + (quad) a[i] * dx_lo + b_hi[i] + b_lo[i];
      quad got = (quad) hi[i] + lo[i];
      quad error = got > exact ? got - exact : exact - got;

      g_assert_cmpfloat ((double) error, <=, ldexp (fabs (a[i] * dx) + fabs (b_hi[i]), -103));
      g_assert_cmpfloat (hi[i], ==, hi[i] + lo[i]);
    }
  /* The widest loop, then AVX2; n = 997 leaves tails of five and one. */
  for (int wide = 1; wide >= 0; wide--)
    for (gsize n = N; n >= N - 3; n -= 3)
      {
        memset (hi_simd, 0, N * sizeof (double));
        memset (lo_simd, 0, N * sizeof (double));
        saddle_compensated_set_wide (wide);
        saddle_compensated_axpy (n, a, dx, dx_lo, b_hi, b_lo, hi_simd, lo_simd, TRUE);
        saddle_compensated_set_wide (TRUE);
        g_assert_cmpmem (hi, n * sizeof (double), hi_simd, n * sizeof (double));
        g_assert_cmpmem (lo, n * sizeof (double), lo_simd, n * sizeof (double));
        if (n < N)
          g_assert_cmpfloat (hi_simd[n], ==, 0.0);
      }
}

/* saddle_compensated_sum(): s + e is a + b exactly, s the nearest double, for sums of every
 * size against each other (cancelling ones among them). */
static void
test_sum (void)
{
  SaddleRng rng;

  saddle_rng_init (&rng, 4);
  for (guint i = 0; i < 10000; i++)
    {
      double a = wide (&rng), b = i % 3 == 0 ? -a * (1.0 + ldexp (saddle_rng_uniform (&rng), -30))
                                             : wide (&rng);
      double s, e;

      saddle_compensated_sum (a, b, &s, &e);
      g_assert_true ((quad) s + e == (quad) a + b);
      g_assert_cmpfloat (s, ==, a + b);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/core/compensated/affine", GINT_TO_POINTER (FALSE), test_affine);
  g_test_add_data_func ("/core/compensated/affine-cancelling", GINT_TO_POINTER (TRUE),
                        test_affine);
  g_test_add_func ("/core/compensated/affine-awkward", test_affine_awkward);
  g_test_add_func ("/core/compensated/long-double-would-not-do",
                   test_long_double_would_not_do);
  g_test_add_func ("/core/compensated/axpy", test_axpy);
  g_test_add_func ("/core/compensated/sum", test_sum);

  return g_test_run ();
}
