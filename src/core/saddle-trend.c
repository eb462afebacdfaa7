/* saddle-trend.c — the trend of a study's critical points: ratio against loss, with its uncertainty
 *
 * Gathers each subset's (loss, ratio) pairs and hands them to saddle-stats: the least-squares
 * line the chart draws, Pearson's r of it, Spearman's ρ with a bootstrap interval and a
 * permutation p-value, and the Pennington–Bahri index law. The verdict reads the interval, and
 * holds back when the p-value does not agree.
 */
#define G_LOG_DOMAIN "saddle-trend"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <math.h>
#include <string.h>

#include "saddle-csv.h"
#include "saddle-trend.h"

gboolean
saddle_trend_point_coords (const SaddleCriticalPoint *point,
                           gboolean                   x_log,
                           SaddleCriticalRatio        ratio,
                           double                    *loss,
                           double                    *value)
{
  if (point == NULL || point->spectrum == NULL)
    return FALSE;

  *loss = point->loss;
  *value = ratio == SADDLE_CRITICAL_RATIO_NONZERO ? point->spectrum->nonzero_ratio
                                                  : point->spectrum->minimal_ratio;
  if (!isfinite (*loss) || !isfinite (*value))
    return FALSE;
  if (x_log && !(*loss > 0))
    return FALSE;
  return TRUE;
}

static SaddleTrendVerdict
verdict_of (const SaddleSpearmanTest *test)
{
  if (!isfinite (test->rho) || !isfinite (test->low) || !isfinite (test->high))
    return SADDLE_TREND_TOO_FEW;
  /* A few points resample into a degenerate interval: every resample of a monotone 3 is
   * monotone, [−1, −1], while 2 of its 6 pairings are as extreme (p = 1/3). The test at
   * the interval's own level must agree before anything is claimed. */
  if (!(test->p_value < SADDLE_TREND_ALPHA))
    return SADDLE_TREND_NO_EVIDENCE;
  if (test->high < 0.0)
    return SADDLE_TREND_AS_EXPECTED;
  if (test->low > 0.0)
    return SADDLE_TREND_AGAINST;
  return SADDLE_TREND_NO_EVIDENCE;
}

static void
subset_trend (const SaddleCriticalSet *set,
              SaddleCriticalRatio      ratio,
              gboolean                 x_log,
              SaddleTrendSubset        subset,
              SaddleSubsetTrend       *out)
{
  guint n = set != NULL ? set->points->len : 0;
  g_autofree double *xs = g_new (double, MAX (n, 1));
  g_autofree double *losses = g_new (double, MAX (n, 1));
  g_autofree double *ys = g_new (double, MAX (n, 1));
  g_autofree double *index = g_new (double, MAX (n, 1));
  g_autoptr(GError) error = NULL;
  gsize m = 0, uncertified = 0;

  memset (out, 0, sizeof *out);
  out->subset = subset;
  out->loss_lo = out->loss_hi = NAN;
  out->slope = out->intercept = out->r2 = out->pearson = NAN;
  out->pb_loss_c = out->pb_a = out->pb_residual = NAN;
  out->pb_error = -1;

  for (guint i = 0; i < n; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      double lv, rv;

      if (!saddle_trend_point_coords (p, x_log, ratio, &lv, &rv) || !saddle_trend_subset_contains (subset, p))
        continue;
      if (p->certificate == SADDLE_CERTIFICATE_NONE)
        uncertified++;
      xs[m] = x_log ? log10 (lv) : lv;
      losses[m] = lv;
      ys[m] = rv;
      /* 1 − ratio: the negative share (with the minimal ratio, the zero band too). */
      index[m] = 1.0 - rv;
      out->loss_lo = m == 0 ? lv : MIN (out->loss_lo, lv);
      out->loss_hi = m == 0 ? lv : MAX (out->loss_hi, lv);
      m++;
    }
  out->n = m;

  out->fitted = saddle_stats_linear_fit (xs, ys, m, &out->slope, &out->intercept, &out->r2, NULL);
  out->pearson = saddle_stats_pearson (xs, ys, m);
  /* Ranks: the same ρ on a log or a linear loss axis. */
  saddle_stats_spearman_test (losses, ys, m, SADDLE_TREND_RESAMPLES, SADDLE_TREND_PERMUTATIONS,
                              SADDLE_TREND_SEED, &out->spearman);
  out->verdict = verdict_of (&out->spearman);
  if (uncertified > 0 && out->verdict == SADDLE_TREND_AS_EXPECTED)
    out->verdict = SADDLE_TREND_FALLS_UNCERTIFIED;
  else if (uncertified > 0 && out->verdict == SADDLE_TREND_AGAINST)
    out->verdict = SADDLE_TREND_RISES_UNCERTIFIED;

  out->pb_fitted = saddle_stats_fit_index_law (losses, index, m, &out->pb_loss_c, &out->pb_a,
                                               &out->pb_residual, NULL, &error);
  if (!out->pb_fitted)
    {
      out->pb_loss_c = out->pb_a = out->pb_residual = NAN;
      out->pb_error = error != NULL ? error->code : SADDLE_STATS_ERROR_TOO_FEW;
    }
}

/* How many points the certified subset would hold. */
static gsize
certified_count (const SaddleCriticalSet *set,
                 SaddleCriticalRatio      ratio,
                 gboolean                 x_log)
{
  gsize count = 0;

  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      double lv, rv;

      if (saddle_trend_point_coords (p, x_log, ratio, &lv, &rv)
          && saddle_trend_subset_contains (SADDLE_TREND_CERTIFIED, p))
        count++;
    }
  return count;
}

gboolean
saddle_critical_trend_x_log (const SaddleCriticalSet *set)
{
  double lo = INFINITY, hi = 0.0;

  if (set == NULL)
    return FALSE;
  /* Critical points of one study sit at losses that differ by factors, not offsets. */
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      if (p != NULL && p->spectrum != NULL && isfinite (p->loss) && p->loss > 0)
        {
          lo = MIN (lo, p->loss);
          hi = MAX (hi, p->loss);
        }
    }
  return hi > 0 && hi / lo > 10.0;
}

/* The mean ratios the summary and trend.csv quote, over every point with a spectrum. */
static void
mean_ratios (const SaddleCriticalSet *set,
             SaddleCriticalTrend     *trend)
{
  double sum = 0.0, sum_nonzero = 0.0;
  guint n = 0, n_nonzero = 0;

  for (guint i = 0; set != NULL && i < set->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);

      if (point->spectrum == NULL)
        continue;
      sum += point->spectrum->minimal_ratio;
      n++;
      if (isfinite (point->spectrum->nonzero_ratio))
        {
          sum_nonzero += point->spectrum->nonzero_ratio;
          n_nonzero++;
        }
    }
  trend->mean_minimal_ratio = n > 0 ? sum / n : NAN;
  trend->mean_nonzero_ratio = n_nonzero > 0 ? sum_nonzero / n_nonzero : NAN;
}

void
saddle_critical_trend_compute (const SaddleCriticalSet *set,
                               SaddleCriticalRatio      ratio,
                               SaddleCriticalTrend     *trend)
{
  g_return_if_fail (trend != NULL);

  memset (trend, 0, sizeof *trend);
  if ((guint) ratio > SADDLE_CRITICAL_RATIO_NONZERO)
    ratio = SADDLE_CRITICAL_RATIO_MINIMAL;
  trend->ratio = ratio;
  trend->x_log = saddle_critical_trend_x_log (set);
  subset_trend (set, ratio, trend->x_log, SADDLE_TREND_ALL, &trend->subsets[SADDLE_TREND_ALL]);
  /* Every point certified: the same points, the same numbers, without a second bootstrap. */
  if (set != NULL && certified_count (set, ratio, trend->x_log) == trend->subsets[SADDLE_TREND_ALL].n)
    {
      trend->subsets[SADDLE_TREND_CERTIFIED] = trend->subsets[SADDLE_TREND_ALL];
      trend->subsets[SADDLE_TREND_CERTIFIED].subset = SADDLE_TREND_CERTIFIED;
    }
  else
    subset_trend (set, ratio, trend->x_log, SADDLE_TREND_CERTIFIED,
                  &trend->subsets[SADDLE_TREND_CERTIFIED]);
  trend->shown = trend->subsets[SADDLE_TREND_CERTIFIED].n >= 3 ? SADDLE_TREND_CERTIFIED
                                                               : SADDLE_TREND_ALL;
  mean_ratios (set, trend);
}

/* One name,value row; @text, when not NULL, stands in place of the number. */
static void
add_row (SaddleCsv  *csv,
         const char *prefix,
         const char *name,
         double      value,
         const char *text)
{
  g_autofree char *full = prefix != NULL ? g_strconcat (prefix, "_", name, NULL) : g_strdup (name);

  saddle_csv_add_string (csv, full);
  if (text != NULL)
    saddle_csv_add_string (csv, text);
  else
    saddle_csv_add_double (csv, value);
  saddle_csv_end_row (csv);
}

gboolean
saddle_critical_trend_write_csv (const SaddleCriticalTrend *trend,
                                 const char                *path,
                                 GError                   **error)
{
  g_autoptr(SaddleCsv) csv = saddle_csv_new ("name,value", 4096);

  g_return_val_if_fail (trend != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  add_row (csv, NULL, "ratio_nonzero", trend->ratio == SADDLE_CRITICAL_RATIO_NONZERO, NULL);
  add_row (csv, NULL, "loss_axis_log", trend->x_log, NULL);
  add_row (csv, NULL, "shown", NAN, saddle_trend_subset_to_string (trend->shown));
  add_row (csv, NULL, "mean_minimal_ratio", trend->mean_minimal_ratio, NULL);
  add_row (csv, NULL, "mean_nonzero_ratio", trend->mean_nonzero_ratio, NULL);
  for (guint s = 0; s < SADDLE_TREND_N_SUBSETS; s++)
    {
      const SaddleSubsetTrend *t = &trend->subsets[s];
      const SaddleSpearmanTest *test = &t->spearman;
      const char *p = saddle_trend_subset_to_string (t->subset);

      add_row (csv, p, "points", (double) t->n, NULL);
      add_row (csv, p, "slope", t->slope, NULL);
      add_row (csv, p, "intercept", t->intercept, NULL);
      add_row (csv, p, "r2", t->r2, NULL);
      add_row (csv, p, "pearson", t->pearson, NULL);
      add_row (csv, p, "spearman", test->rho, NULL);
      add_row (csv, p, "spearman_ci_low", test->low, NULL);
      add_row (csv, p, "spearman_ci_high", test->high, NULL);
      add_row (csv, p, "ci_level", test->level, NULL);
      add_row (csv, p, "bootstrap_resamples", test->resamples, NULL);
      add_row (csv, p, "bootstrap_resamples_defined", test->resamples_defined, NULL);
      add_row (csv, p, "p_value", test->p_value, NULL);
      add_row (csv, p, "p_exact", test->p_exact, NULL);
      add_row (csv, p, "permutations", (double) test->permutations, NULL);
      add_row (csv, p, "seed", (double) test->seed, NULL);
      add_row (csv, p, "verdict", NAN, saddle_trend_verdict_to_string (t->verdict));
      add_row (csv, p, "pb_fitted", t->pb_fitted, NULL);
      add_row (csv, p, "pb_loss_c", t->pb_loss_c, NULL);
      add_row (csv, p, "pb_a", t->pb_a, NULL);
      add_row (csv, p, "pb_residual", t->pb_residual, NULL);
    }
  if (!saddle_csv_write (csv, path, error))
    {
      g_prefix_error (error, "Cannot write the trend: ");
      return FALSE;
    }
  return TRUE;
}

const SaddleSubsetTrend *
saddle_critical_trend_get_shown (const SaddleCriticalTrend *trend)
{
  g_return_val_if_fail (trend != NULL, NULL);

  return &trend->subsets[(guint) trend->shown < SADDLE_TREND_N_SUBSETS ? trend->shown
                                                                       : SADDLE_TREND_ALL];
}

gboolean
saddle_trend_subset_contains (SaddleTrendSubset          subset,
                              const SaddleCriticalPoint *point)
{
  g_return_val_if_fail (point != NULL, FALSE);

  return subset == SADDLE_TREND_ALL || point->certificate != SADDLE_CERTIFICATE_NONE;
}

const char *
saddle_trend_subset_to_string (SaddleTrendSubset subset)
{
  return subset == SADDLE_TREND_CERTIFIED ? "certified" : "all";
}

const char *
saddle_trend_verdict_to_string (SaddleTrendVerdict verdict)
{
  switch (verdict)
    {
    case SADDLE_TREND_AS_EXPECTED:
      /* TRANSLATORS: the data agree with Dauphin et al.: the ratio falls as the loss rises */
      return N_("as expected");
    case SADDLE_TREND_AGAINST:
      return N_("against the expectation");
    case SADDLE_TREND_FALLS_UNCERTIFIED:
      /* TRANSLATORS: a significant fall over points not all certified stationary */
      return N_("falls as the loss rises, but uncertified points are no test of the expectation");
    case SADDLE_TREND_RISES_UNCERTIFIED:
      return N_("rises with the loss, but uncertified points are no test of the expectation");
    case SADDLE_TREND_NO_EVIDENCE:
      /* TRANSLATORS: the interval for ρ contains 0, or its p-value is not small */
      return N_("no evidence either way");
    case SADDLE_TREND_TOO_FEW:
    default:
      return N_("too few points");
    }
}
