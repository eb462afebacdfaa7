/* test-spectrum.c — eigenvalues and their classification */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <glib.h>
#include <lapacke.h>

#include "saddle-eigen-forecast.h"
#include "saddle-rng.h"
#include "saddle-stats.h"
#include "saddle-spectrum.h"
#include "saddle-test-util.h"

static void
test_spectrum_known_3x3 (void)
{
  double m[9] = { 2, 1, 0,
                  1, 3, 1,
                  0, 1, 4 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleSpectrum) s = NULL;

  s = saddle_spectrum_compute (m, 3, 1e-6, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->n, ==, 3);
  /* Characteristic polynomial (3 − λ)((3 − λ)² − 3): roots 3 − √3, 3, 3 + √3. */
  g_assert_cmpfloat_with_epsilon (s->eigenvalues[0], 3.0 - sqrt (3.0), 1e-13);
  g_assert_cmpfloat_with_epsilon (s->eigenvalues[1], 3.0, 1e-13);
  g_assert_cmpfloat_with_epsilon (s->eigenvalues[2], 3.0 + sqrt (3.0), 1e-13);
  g_assert_cmpfloat_with_epsilon (s->max_abs, 3.0 + sqrt (3.0), 1e-13);
  g_assert_cmpuint (s->positive, ==, 3);
  g_assert_cmpuint (s->negative, ==, 0);
  g_assert_cmpuint (s->zero, ==, 0);
  g_assert_cmpfloat (s->minimal_ratio, ==, 1.0);
  g_assert_cmpfloat (s->nonzero_ratio, ==, 1.0);
  g_assert_cmpfloat (s->tolerance, ==, 1e-6);
}

static void
test_spectrum_diagonal (void)
{
  /* max|λ| = 5, so the band is tolerance · 5. */
  const double diag[7] = { 3.0, -2.0, 0.0, 1e-9, -1e-12, 5.0, -1.0 };
  const gsize n = G_N_ELEMENTS (diag);
  const struct
  {
    double tolerance;
    gsize  positive, negative, zero;
  } cases[] = {
    { 0.0,   3, 3, 1 },       /* only the exact 0 is zero */
    { 1e-14, 3, 3, 1 },       /* band 5e-14: 1e-9 and −1e-12 keep their signs */
    { 1e-12, 3, 2, 2 },       /* band 5e-12: −1e-12 inside, 1e-9 outside */
    { 1e-6,  2, 2, 3 },       /* band 5e-6: both tiny ones inside */
    { 0.3,   2, 1, 4 },       /* band 1.5: −1 joins the zero band */
    { 1.0,   0, 0, 7 },       /* band 5: everything, ±5 included (≤) */
  };
  g_autofree double *m = g_new0 (double, n * n);
  g_autoptr(SaddleSpectrum) s = NULL;
  g_autoptr(GError) error = NULL;
  double sorted[7];

  for (gsize i = 0; i < n; i++)
    m[i * n + i] = diag[i];
  memcpy (sorted, diag, sizeof diag);
  qsort (sorted, n, sizeof (double), saddle_stats_compare_doubles);

  s = saddle_spectrum_compute (m, n, 0.0, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (s->eigenvalues[i], sorted[i], 1e-15);
  g_assert_cmpfloat (s->max_abs, ==, 5.0);

  for (gsize c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      saddle_spectrum_classify (s, cases[c].tolerance);
      g_test_message ("tolerance %g", cases[c].tolerance);
      g_assert_cmpfloat (s->tolerance, ==, cases[c].tolerance);
      g_assert_cmpuint (s->positive, ==, cases[c].positive);
      g_assert_cmpuint (s->negative, ==, cases[c].negative);
      g_assert_cmpuint (s->zero, ==, cases[c].zero);
      g_assert_cmpuint (s->positive + s->negative + s->zero, ==, n);
      g_assert_cmpfloat_with_epsilon (s->minimal_ratio, (double) cases[c].positive / n, 1e-15);
      if (cases[c].positive + cases[c].negative > 0)
        g_assert_cmpfloat_with_epsilon (s->nonzero_ratio,
                                        (double) cases[c].positive /
                                        (cases[c].positive + cases[c].negative), 1e-15);
      else
        g_assert_true (isnan (s->nonzero_ratio));
    }
}

static void
check_similar (gsize   n,
               guint64 seed)
{
  g_autofree double *lambda = g_new (double, n);
  g_autofree double *sorted = NULL;
  g_autofree double *m = NULL;
  g_autoptr(SaddleSpectrum) s = NULL;
  g_autoptr(GError) error = NULL;
  gsize want_pos = 0, want_neg = 0, want_zero = 0;
  double scale;
  SaddleRng rng;

  /* A third positive, a third negative, a third of "zeros" at 1e-9 relative
   * (well inside a 1e-6 band, well outside rounding of ~1e-14). */
  saddle_rng_init (&rng, seed + 1);
  for (gsize i = 0; i < n; i++)
    {
      double u = 0.5 + saddle_rng_uniform (&rng);

      switch (i % 3)
        {
        case 0: lambda[i] = 10.0 * u; want_pos++; break;
        case 1: lambda[i] = -3.0 * u; want_neg++; break;
        default: lambda[i] = (i % 2 ? 1e-8 : -1e-8) * u; want_zero++; break;
        }
    }
  scale = saddle_test_max_abs (lambda, n);
  sorted = g_memdup2 (lambda, n * sizeof (double));
  qsort (sorted, n, sizeof (double), saddle_stats_compare_doubles);

  m = saddle_test_matrix_with_spectrum (lambda, n, seed);

  /* Only the upper triangle is read: scribble finite garbage below the diagonal. */
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < i; j++)
      m[i * n + j] = 1e3 * (double) (i + j);

  s = saddle_spectrum_compute (m, n, 1e-6, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);

  /* Backward-stable solver: errors of order n·ε·‖A‖; 1e-11 relative is safe. */
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpfloat_with_epsilon (s->eigenvalues[i], sorted[i], 1e-11 * scale);
      if (i > 0)
        g_assert_cmpfloat (s->eigenvalues[i - 1], <=, s->eigenvalues[i]);
    }
  g_assert_cmpfloat_with_epsilon (s->max_abs, scale, 1e-11 * scale);
  g_assert_cmpuint (s->positive, ==, want_pos);
  g_assert_cmpuint (s->negative, ==, want_neg);
  g_assert_cmpuint (s->zero, ==, want_zero);
  g_assert_cmpfloat_with_epsilon (s->minimal_ratio, (double) want_pos / n, 1e-15);
  g_assert_cmpfloat_with_epsilon (s->nonzero_ratio,
                                  (double) want_pos / (want_pos + want_neg), 1e-15);

  /* A tolerance below the "zeros" (1e-10 relative ≈ 1e-9 absolute) but above
   * rounding sends them back to their signs. */
  saddle_spectrum_classify (s, 1e-12);
  g_assert_cmpuint (s->zero, ==, 0);
  g_assert_cmpuint (s->positive + s->negative, ==, n);
}

static void
test_spectrum_similarity (void)
{
  check_similar (5, 11);
  check_similar (64, 12);
  check_similar (301, 13);   /* one-stage dsyevd, past its blocking size */
  check_similar (2100, 14);  /* two-stage dsyevd_2stage (from n = 2,048) */
}

/* A matrix with a known spectrum spread over @k of @n coordinates, the other rows and
 * columns exactly zero (as a dead ReLU unit's weights give): the solver sets them aside
 * and must return the kept block's eigenvalues and n − k exact zeros; with @vectors, also
 * saddle_spectrum_compute_vectors(), whose vectors must be those of the whole matrix. */
static void
check_zero_rows (gsize    n,
                 gsize    k,
                 gboolean vectors,
                 guint64  seed)
{
  g_autofree double *lambda = g_new (double, k);
  g_autofree double *want = g_new0 (double, n);
  g_autofree double *block = NULL;
  g_autofree double *m = g_new0 (double, n * n);
  g_autofree gsize *where = g_new (gsize, k);
  g_autofree double *full = NULL;
  g_autoptr(SaddleSpectrum) s = NULL;
  g_autoptr(GError) error = NULL;
  double scale;
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < k; i++)
    lambda[i] = (i % 4 == 1 ? -2.0 : 5.0) * (0.5 + saddle_rng_uniform (&rng));
  memcpy (want, lambda, k * sizeof (double));
  qsort (want, n, sizeof (double), saddle_stats_compare_doubles);
  scale = saddle_test_max_abs (lambda, k);

  /* Kept coordinates: every n/k-th, so zero rows sit between, first and last. */
  for (gsize i = 0; i < k; i++)
    where[i] = 1 + i * (n - 2) / k;
  block = saddle_test_matrix_with_spectrum (lambda, k, seed + 1);
  for (gsize a = 0; a < k; a++)
    for (gsize b = 0; b < k; b++)
      m[where[a] * n + where[b]] = block[a * k + b];
  /* Only the upper triangle is read: garbage below it must not keep a zero row. */
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < i; j++)
      if (m[i * n + j] == 0.0)
        m[i * n + j] = 7.0;

  full = g_memdup2 (m, n * n * sizeof (double));
  s = saddle_spectrum_compute (m, n, 1e-6, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->deflated, ==, n - k);
  g_assert_cmpuint (s->zero, >=, n - k);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat_with_epsilon (s->eigenvalues[i], want[i], 1e-11 * scale);
  if (!vectors)
    return;

  /* With the vectors: the same values, and each v_i a unit vector with A·v_i = λ_i·v_i, all
   * orthogonal (the set-aside rows' coordinate vectors among them). */
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < i; j++)
      full[i * n + j] = full[j * n + i];
  memcpy (m, full, n * n * sizeof (double));
  g_clear_pointer (&s, saddle_spectrum_free);
  s = saddle_spectrum_compute_vectors (m, n, 1e-6, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->deflated, ==, n - k);
  for (gsize i = 0; i < n; i++)
    {
      const double *v = m + i * n;

      g_assert_cmpfloat_with_epsilon (s->eigenvalues[i], want[i], 1e-11 * scale);
      for (gsize r = 0; r < n; r++)
        {
          double av = 0.0;

          for (gsize c = 0; c < n; c++)
            av += full[r * n + c] * v[c];
          g_assert_cmpfloat_with_epsilon (av, s->eigenvalues[i] * v[r], 1e-12 * scale);
        }
      for (gsize j = 0; j <= i; j++)
        g_assert_cmpfloat_with_epsilon (saddle_test_dot (v, m + j * n, n), i == j ? 1.0 : 0.0,
                                        1e-13);
    }
}

static void
test_spectrum_zero_rows (void)
{
  check_zero_rows (40, 17, TRUE, 21);
  check_zero_rows (40, 40 - 2, TRUE, 23);  /* only the first and last row set aside */
  check_zero_rows (3000, 2100, FALSE, 22);   /* the kept block solved by dsyevd_2stage */
}

static void
test_spectrum_not_finite (void)
{
  const double bad[] = { NAN, INFINITY, -INFINITY };

  for (gsize b = 0; b < G_N_ELEMENTS (bad); b++)
    {
      double m[9] = { 1, 0, 0,
                      0, 2, 0,
                      0, 0, 3 };
      g_autoptr(GError) error = NULL;
      SaddleSpectrum *s;

      /* Even below the diagonal: a NaN there means the Hessian is broken. */
      m[b == 0 ? 4 : 3 + 3 * (b - 1)] = bad[b];
      s = saddle_spectrum_compute (m, 3, 1e-6, &error);
      g_assert_null (s);
      g_assert_error (error, SADDLE_SPECTRUM_ERROR, SADDLE_SPECTRUM_ERROR_NOT_FINITE);
      g_assert_nonnull (strstr (error->message, "NaN"));
    }
}

static void
test_spectrum_zero_matrix (void)
{
  const gsize n = 6;
  g_autofree double *m = g_new0 (double, n * n);
  g_autoptr(SaddleSpectrum) s = NULL;
  g_autoptr(GError) error = NULL;

  s = saddle_spectrum_compute (m, n, 1e-6, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (s->max_abs, ==, 0.0);
  g_assert_cmpuint (s->zero, ==, n);
  g_assert_cmpuint (s->positive, ==, 0);
  g_assert_cmpuint (s->negative, ==, 0);
  g_assert_cmpfloat (s->minimal_ratio, ==, 0.0);
  g_assert_true (isnan (s->nonzero_ratio));

  /* With vectors: every row set aside, so the eigenvectors are the coordinate vectors. */
  memset (m, 0, n * n * sizeof (double));
  g_clear_pointer (&s, saddle_spectrum_free);
  s = saddle_spectrum_compute_vectors (m, n, 1e-6, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->deflated, ==, n);
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      g_assert_cmpfloat (m[i * n + j], ==, i == j ? 1.0 : 0.0);
}

static void
test_spectrum_empty (void)
{
  g_autoptr(SaddleSpectrum) s = NULL;
  g_autoptr(SaddleSpectrum) t = NULL;
  g_autoptr(GError) error = NULL;

  s = saddle_spectrum_compute (NULL, 0, 1e-6, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s->n, ==, 0);
  g_assert_cmpuint (s->positive + s->negative + s->zero, ==, 0);
  g_assert_true (isnan (s->minimal_ratio));

  t = saddle_spectrum_copy (s);
  g_assert_cmpuint (t->n, ==, 0);
}

static void
test_spectrum_copy_classify (void)
{
  const double values[] = { 4.0, -1.0, 1e-9, 2.0, -1e-3 };
  g_autoptr(SaddleSpectrum) s = NULL;
  g_autoptr(SaddleSpectrum) c = NULL;

  s = saddle_spectrum_new_from_values (values, G_N_ELEMENTS (values), 1e-6);
  g_assert_cmpuint (s->n, ==, 5);
  /* Copied and sorted. */
  g_assert_cmpfloat (s->eigenvalues[0], ==, -1.0);
  g_assert_cmpfloat (s->eigenvalues[1], ==, -1e-3);
  g_assert_cmpfloat (s->eigenvalues[2], ==, 1e-9);
  g_assert_cmpfloat (s->eigenvalues[3], ==, 2.0);
  g_assert_cmpfloat (s->eigenvalues[4], ==, 4.0);
  g_assert_cmpfloat (s->max_abs, ==, 4.0);
  g_assert_cmpuint (s->positive, ==, 2);
  g_assert_cmpuint (s->negative, ==, 2);
  g_assert_cmpuint (s->zero, ==, 1);
  g_assert_cmpfloat (s->minimal_ratio, ==, 2.0 / 5.0);
  g_assert_cmpfloat (s->nonzero_ratio, ==, 0.5);

  c = saddle_spectrum_copy (s);
  g_assert_true (c->eigenvalues != s->eigenvalues);
  for (gsize i = 0; i < s->n; i++)
    g_assert_cmpfloat (c->eigenvalues[i], ==, s->eigenvalues[i]);

  /* Reclassifying the copy does not touch the original. Band 4e-3 swallows −1e-3. */
  saddle_spectrum_classify (c, 1e-3);
  g_assert_cmpuint (c->negative, ==, 1);
  g_assert_cmpuint (c->zero, ==, 2);
  g_assert_cmpfloat (c->tolerance, ==, 1e-3);
  g_assert_cmpuint (s->negative, ==, 2);
  g_assert_cmpfloat (s->tolerance, ==, 1e-6);

  c->eigenvalues[0] = 100.0;
  g_assert_cmpfloat (s->eigenvalues[0], ==, -1.0);

  /* A nonsense tolerance means an empty band, not a crash or a NaN count. */
  saddle_spectrum_classify (s, NAN);
  g_assert_cmpuint (s->zero, ==, 0);
  g_assert_cmpuint (s->positive, ==, 3);
}

/* The eigensolve forecast: the cube law, and the record each solve leaves. */
static void
test_spectrum_forecast (void)
{
  const gsize m = SADDLE_EIGEN_FORECAST_MIN_SIZE;
  g_autofree double *lambda = g_new (double, m);
  g_autofree double *matrix = NULL;
  g_autoptr(SaddleSpectrum) spectrum = NULL;
  gint64 start;
  double seconds, remaining;

  g_assert_cmpfloat_with_epsilon (saddle_eigen_forecast_scale (2.0, 1000, 2000), 16.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (saddle_eigen_forecast_scale (3.0, 700, 700), 3.0, 1e-12);
  g_assert_true (isnan (saddle_eigen_forecast_scale (1.0, 0, 10)));
  g_assert_true (isnan (saddle_eigen_forecast_scale (NAN, 10, 10)));
  /* Nothing under way: no forecast. */
  g_assert_true (isnan (saddle_eigen_forecast_remaining ()));

  /* A solve with vectors of size m becomes the reference: one of 2m is forecast 8× as long. */
  for (gsize i = 0; i < m; i++)
    lambda[i] = (double) i - 100.0;
  matrix = saddle_test_matrix_with_spectrum (lambda, m, 7);
  start = g_get_monotonic_time ();
  spectrum = saddle_spectrum_compute_vectors (matrix, m, 1e-9, NULL);
  seconds = (g_get_monotonic_time () - start) / (double) G_TIME_SPAN_SECOND;
  g_assert_nonnull (spectrum);
  saddle_eigen_forecast_begin (2 * m, TRUE);
  remaining = saddle_eigen_forecast_remaining ();
  g_test_message ("n = %" G_GSIZE_FORMAT ": %.3f s; forecast for %" G_GSIZE_FORMAT ": %.3f s",
                  m, seconds, 2 * m, remaining);
  g_assert_cmpfloat (remaining, <=, 8.0 * seconds);
  g_assert_cmpfloat (remaining, >=, 8.0 * seconds * 0.9 - 0.05);
  /* Time run counts against it, never below 0. */
  g_usleep (20000);
  g_assert_cmpfloat (saddle_eigen_forecast_remaining (), <, remaining);
  saddle_eigen_forecast_end (2 * m, TRUE, NAN);
  /* Done (and failed: still the reference of size m): none under way. */
  g_assert_true (isnan (saddle_eigen_forecast_remaining ()));
  saddle_eigen_forecast_begin (m, TRUE);
  g_assert_cmpfloat (saddle_eigen_forecast_remaining (), <=, seconds);
  saddle_eigen_forecast_end (m, TRUE, 0.0);
  saddle_eigen_forecast_begin (m, TRUE);
  g_assert_cmpfloat (saddle_eigen_forecast_remaining (), ==, 0.0);
  saddle_eigen_forecast_end (m, TRUE, NAN);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/spectrum/known-3x3", test_spectrum_known_3x3);
  g_test_add_func ("/core/spectrum/diagonal", test_spectrum_diagonal);
  g_test_add_func ("/core/spectrum/similarity", test_spectrum_similarity);
  g_test_add_func ("/core/spectrum/zero-rows", test_spectrum_zero_rows);
  g_test_add_func ("/core/spectrum/not-finite", test_spectrum_not_finite);
  g_test_add_func ("/core/spectrum/zero-matrix", test_spectrum_zero_matrix);
  g_test_add_func ("/core/spectrum/empty", test_spectrum_empty);
  g_test_add_func ("/core/spectrum/copy-classify", test_spectrum_copy_classify);
  g_test_add_func ("/core/spectrum/forecast", test_spectrum_forecast);

  return g_test_run ();
}
