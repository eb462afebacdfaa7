/* test-trend.c — the critical points' trend: subsets by certificate, verdicts from the interval */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "saddle-rng.h"
#include "saddle-trend.h"

/* 100 eigenvalues, round (100·ratio) of them positive, none in the zero band: the minimal
 * and the nonzero ratio are both @ratio (to 1/100). */
static void
add_point (SaddleCriticalSet *set,
           guint              run,
           double             loss,
           double             ratio,
           SaddleCertificate  certificate)
{
  g_autoptr(SaddleCriticalPoint) point = g_new0 (SaddleCriticalPoint, 1);
  double values[100];
  gsize positive = (gsize) round (CLAMP (ratio, 0.0, 1.0) * 100);

  for (gsize k = 0; k < 100; k++)
    values[k] = k < positive ? 1.0 + k : -1.0 - k;
  point->run = run;
  point->loss = loss;
  point->accuracy = NAN;
  point->label = SADDLE_CRITICAL_SADDLE;
  point->certificate = certificate;
  point->spectrum = saddle_spectrum_new_from_values (values, 100, 1e-6);
  saddle_critical_set_add (set, point);
}

/* A perfectly monotone 20, all certified: the ratio falls as the loss rises. */
static void
test_trend_monotone (void)
{
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  SaddleCriticalTrend trend;
  const SaddleSubsetTrend *t;

  for (guint i = 0; i < 20; i++)
    add_point (set, i, 0.01 * (i + 1), 0.9 - 0.04 * i, SADDLE_CERTIFICATE_GRADIENT);
  saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
  g_assert_cmpint (trend.shown, ==, SADDLE_TREND_CERTIFIED);
  g_assert_true (trend.x_log);
  for (guint s = 0; s < SADDLE_TREND_N_SUBSETS; s++)
    {
      t = &trend.subsets[s];
      g_assert_cmpint (t->subset, ==, s);
      g_assert_cmpuint (t->n, ==, 20);
      g_assert_cmpfloat (t->spearman.rho, ==, -1.0);
      g_assert_cmpfloat (t->spearman.p_value, <, 0.001);
      g_assert_cmpfloat (t->spearman.high, <, 0.0);
      g_assert_cmpuint (t->spearman.resamples, ==, SADDLE_TREND_RESAMPLES);
      g_assert_cmpuint (t->spearman.permutations, ==, SADDLE_TREND_PERMUTATIONS);
      g_assert_cmpuint (t->spearman.seed, ==, SADDLE_TREND_SEED);
      g_assert_cmpint (t->verdict, ==, SADDLE_TREND_AS_EXPECTED);
      g_assert_cmpfloat (t->loss_lo, ==, 0.01);
      g_assert_cmpfloat (t->loss_hi, ==, 0.2);
      g_assert_true (t->fitted);
      g_assert_cmpfloat (t->slope, <, 0.0);
    }
  g_assert_cmpstr (saddle_trend_verdict_to_string (t->verdict), ==, "as expected");

  /* Rising instead: against the expectation. */
  {
    g_autoptr(SaddleCriticalSet) rising = saddle_critical_set_new (1e-6);

    for (guint i = 0; i < 20; i++)
      add_point (rising, i, 0.01 * (i + 1), 0.1 + 0.04 * i, SADDLE_CERTIFICATE_GRADIENT);
    saddle_critical_trend_compute (rising, SADDLE_CRITICAL_RATIO_NONZERO, &trend);
    g_assert_cmpint (trend.ratio, ==, SADDLE_CRITICAL_RATIO_NONZERO);
    g_assert_cmpint (trend.subsets[SADDLE_TREND_ALL].verdict, ==, SADDLE_TREND_AGAINST);
    g_assert_cmpfloat (trend.subsets[SADDLE_TREND_ALL].spearman.low, >, 0.0);
  }
}

/* Loss and ratio drawn independently: the interval holds 0, and no verdict is given. */
static void
test_trend_independent (void)
{
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  SaddleCriticalTrend trend, again;
  const SaddleSubsetTrend *t;
  SaddleRng rng;

  saddle_rng_init (&rng, 3);
  for (guint i = 0; i < 40; i++)
    {
      double loss = 0.01 + 0.05 * saddle_rng_uniform (&rng);
      double ratio = 0.2 + 0.6 * saddle_rng_uniform (&rng);

      add_point (set, i, loss, ratio, SADDLE_CERTIFICATE_NONE);
    }
  saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
  t = saddle_critical_trend_get_shown (&trend);
  g_assert_cmpint (trend.shown, ==, SADDLE_TREND_ALL);
  g_assert_cmpuint (t->n, ==, 40);
  g_assert_cmpfloat (t->spearman.low, <, 0.0);
  g_assert_cmpfloat (t->spearman.high, >, 0.0);
  g_assert_cmpint (t->verdict, ==, SADDLE_TREND_NO_EVIDENCE);
  g_assert_cmpstr (saddle_trend_verdict_to_string (t->verdict), ==, "no evidence either way");
  /* None certified: too few there, stated as such. */
  g_assert_cmpuint (trend.subsets[SADDLE_TREND_CERTIFIED].n, ==, 0);
  g_assert_cmpint (trend.subsets[SADDLE_TREND_CERTIFIED].verdict, ==, SADDLE_TREND_TOO_FEW);

  /* The same set, the same numbers. */
  saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &again);
  g_assert_cmpfloat (again.subsets[SADDLE_TREND_ALL].spearman.low, ==, t->spearman.low);
  g_assert_cmpfloat (again.subsets[SADDLE_TREND_ALL].spearman.high, ==, t->spearman.high);
  g_assert_cmpfloat (again.subsets[SADDLE_TREND_ALL].spearman.p_value, ==, t->spearman.p_value);
}

/* The certified subset is its own trend: a falling certified half among noise. */
static void
test_trend_subsets (void)
{
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  SaddleCriticalTrend trend;
  const SaddleSubsetTrend *certified, *all;

  for (guint i = 0; i < 12; i++)
    {
      add_point (set, 2 * i, 0.01 * (i + 1), 0.9 - 0.05 * i,
                 i % 2 ? SADDLE_CERTIFICATE_CLARKE : SADDLE_CERTIFICATE_GRADIENT);
      add_point (set, 2 * i + 1, 0.01 * (i + 1) + 0.001, 0.05 * i, SADDLE_CERTIFICATE_NONE);
    }
  saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
  certified = &trend.subsets[SADDLE_TREND_CERTIFIED];
  all = &trend.subsets[SADDLE_TREND_ALL];
  g_assert_cmpint (trend.shown, ==, SADDLE_TREND_CERTIFIED);
  g_assert_true (saddle_critical_trend_get_shown (&trend) == certified);
  g_assert_cmpuint (certified->n, ==, 12);
  g_assert_cmpuint (all->n, ==, 24);
  g_assert_cmpint (certified->verdict, ==, SADDLE_TREND_AS_EXPECTED);
  g_assert_cmpint (all->verdict, ==, SADDLE_TREND_NO_EVIDENCE);
  g_assert_cmpstr (saddle_trend_subset_to_string (SADDLE_TREND_CERTIFIED), ==, "certified");
  g_assert_cmpstr (saddle_trend_subset_to_string (SADDLE_TREND_ALL), ==, "all");
}

/* Three points in perfect order: every resample is in order too, so the interval is [−1, −1],
 * but 2 of the 6 pairings are as extreme (p = 1/3): no claim. */
static void
test_trend_three (void)
{
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  SaddleCriticalTrend trend;
  const SaddleSubsetTrend *t;

  for (guint i = 0; i < 3; i++)
    add_point (set, i, 0.1 * (i + 1), 0.8 - 0.2 * i, SADDLE_CERTIFICATE_GRADIENT);
  saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
  t = saddle_critical_trend_get_shown (&trend);
  g_assert_cmpint (trend.shown, ==, SADDLE_TREND_CERTIFIED);
  g_assert_cmpfloat (t->spearman.rho, ==, -1.0);
  g_assert_cmpfloat (t->spearman.high, <, 0.0);
  g_assert_true (t->spearman.p_exact);
  g_assert_cmpfloat_with_epsilon (t->spearman.p_value, 1.0 / 3.0, 1e-15);
  g_assert_cmpint (t->verdict, ==, SADDLE_TREND_NO_EVIDENCE);
}

/* Under 3 points, or all ratios tied: "too few points", no ρ. */
static void
test_trend_too_few (void)
{
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  g_autoptr(SaddleCriticalSet) tied = saddle_critical_set_new (1e-6);
  SaddleCriticalTrend trend;

  add_point (set, 0, 0.1, 0.5, SADDLE_CERTIFICATE_GRADIENT);
  add_point (set, 1, 0.2, 0.4, SADDLE_CERTIFICATE_GRADIENT);
  saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
  for (guint s = 0; s < SADDLE_TREND_N_SUBSETS; s++)
    {
      g_assert_cmpuint (trend.subsets[s].n, ==, 2);
      g_assert_cmpint (trend.subsets[s].verdict, ==, SADDLE_TREND_TOO_FEW);
      g_assert_true (isnan (trend.subsets[s].spearman.rho));
      g_assert_true (isnan (trend.subsets[s].spearman.p_value));
    }
  g_assert_cmpint (trend.shown, ==, SADDLE_TREND_ALL);
  g_assert_cmpstr (saddle_trend_verdict_to_string (SADDLE_TREND_TOO_FEW), ==, "too few points");

  for (guint i = 0; i < 6; i++)
    add_point (tied, i, 0.1 * (i + 1), 0.5, SADDLE_CERTIFICATE_NONE);
  saddle_critical_trend_compute (tied, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
  g_assert_cmpuint (trend.subsets[SADDLE_TREND_ALL].n, ==, 6);
  g_assert_cmpint (trend.subsets[SADDLE_TREND_ALL].verdict, ==, SADDLE_TREND_TOO_FEW);

  saddle_critical_trend_compute (NULL, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
  g_assert_cmpuint (trend.subsets[SADDLE_TREND_ALL].n, ==, 0);
  g_assert_cmpint (trend.subsets[SADDLE_TREND_ALL].verdict, ==, SADDLE_TREND_TOO_FEW);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/trend/monotone", test_trend_monotone);
  g_test_add_func ("/core/trend/independent", test_trend_independent);
  g_test_add_func ("/core/trend/subsets", test_trend_subsets);
  g_test_add_func ("/core/trend/three", test_trend_three);
  g_test_add_func ("/core/trend/too-few", test_trend_too_few);

  return g_test_run ();
}
