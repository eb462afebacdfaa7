/* saddle-summary.c — summary.json written: a study's settings and results, one writer for CLI and app */
#define G_LOG_DOMAIN "saddle-summary"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-file.h"
#include "saddle-summary.h"

/* The summary.json member of a config field (SADDLE_CONFIG_FIELD_…). */
#define KEY(field) saddle_summary_key (SADDLE_CONFIG_FIELD_##field)

const char *
saddle_summary_key (SaddleConfigField field)
{
  /* Fields without a member (threads, jobs, the Newton method) stay NULL. */
  static const char *const keys[SADDLE_CONFIG_N_FIELDS] = {
    [SADDLE_CONFIG_FIELD_TASK] = "task",
    [SADDLE_CONFIG_FIELD_DATA] = "data",
    [SADDLE_CONFIG_FIELD_LABEL_COLUMN] = "label_column",
    [SADDLE_CONFIG_FIELD_STANDARDIZE] = "standardize",
    [SADDLE_CONFIG_FIELD_FUNCTION] = "function",
    [SADDLE_CONFIG_FIELD_SAMPLES] = "samples",
    [SADDLE_CONFIG_FIELD_HIDDEN] = "widths",
    [SADDLE_CONFIG_FIELD_ACTIVATION] = "activation",
    [SADDLE_CONFIG_FIELD_OPTIMIZER] = "optimizer",
    [SADDLE_CONFIG_FIELD_LR] = "lr",
    [SADDLE_CONFIG_FIELD_BATCH] = "batch",
    [SADDLE_CONFIG_FIELD_EPOCHS] = "epochs",
    [SADDLE_CONFIG_FIELD_SEED] = "seed",
    [SADDLE_CONFIG_FIELD_RUNS] = "runs",
    [SADDLE_CONFIG_FIELD_FIRST_RUN] = "first_run",
    [SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY] = "snapshot_every",
    [SADDLE_CONFIG_FIELD_LAYER] = "layer",
    [SADDLE_CONFIG_FIELD_SURFACE] = "surface",
    [SADDLE_CONFIG_FIELD_ZERO_TOLERANCE] = "tolerance",
    [SADDLE_CONFIG_FIELD_GRAD_TOLERANCE] = "grad_tolerance",
    [SADDLE_CONFIG_FIELD_DESCENT_STEPS] = "descent_steps",
    [SADDLE_CONFIG_FIELD_DESCENT_LR] = "descent_lr",
    [SADDLE_CONFIG_FIELD_NEWTON_STEPS] = "newton_steps_max",
    [SADDLE_CONFIG_FIELD_CERTIFY_TOLERANCE] = "certify_tolerance",
    [SADDLE_CONFIG_FIELD_CLARKE_EPSILON] = "clarke_epsilon",
    [SADDLE_CONFIG_FIELD_STILL_STEPS] = "still_steps_max",
    [SADDLE_CONFIG_FIELD_STILL_FACTOR] = "still_factor_threshold",
  };

  return (guint) field < SADDLE_CONFIG_N_FIELDS ? keys[field] : NULL;
}

void
saddle_summary_add_int (JsonBuilder *builder,
                        const char  *member,
                        gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
saddle_summary_add_boolean (JsonBuilder *builder,
                            const char  *member,
                            gboolean     value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

void
saddle_summary_add_string (JsonBuilder *builder,
                           const char  *member,
                           const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}

void
saddle_summary_add_double (JsonBuilder *builder,
                            const char  *member,
                            double       value)
{
  json_builder_set_member_name (builder, member);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

gboolean
saddle_summary_write_json (const char *path,
                       JsonNode   *root,
                       GError    **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GRegex) exponent = NULL;
  g_autofree char *text = NULL;
  g_autofree char *fixed = NULL;
  gsize length = 0;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &length);
  /* json-glib 1.6 appends ".0" to every double without a '.', exponents included: 1e-08
   * became "1e-08.0", which no JSON parser accepts. Strings hold no such pattern here. */
  exponent = g_regex_new ("(?<=[0-9])(e[-+]?[0-9]+)\\.0(?=[,\\s\\]}]|$)", 0, 0, NULL);
  fixed = g_regex_replace (exponent, text, (gssize) length, 0, "\\1", 0, error);
  if (fixed == NULL)
    return FALSE;
  return saddle_file_write (path, fixed, strlen (fixed), error);
}

void
saddle_summary_add_point_measures (JsonBuilder               *builder,
                                    const SaddleCriticalPoint *point)
{
  const SaddleExactReach *reach = &point->exact_reach;

  saddle_summary_add_string (builder, "certificate",
                             saddle_critical_certificate_to_string (point->certificate));
  saddle_summary_add_double (builder, "still_factor", point->still_factor);
  saddle_summary_add_int (builder, "still_steps", point->still_steps);
  saddle_summary_add_double (builder, "clarke_distance", point->clarke_distance);
  saddle_summary_add_int (builder, "clarke_kinks", point->clarke_kinks);
  json_builder_set_member_name (builder, "exact_reach");
  json_builder_begin_object (builder);
  saddle_summary_add_double (builder, "share_zero", reach->share_zero);
  saddle_summary_add_double (builder, "share_weak", reach->share_weak);
  json_builder_set_member_name (builder, "cuts");
  json_builder_begin_array (builder);
  for (guint c = 0; c < SADDLE_EXACT_REACH_CUTOFFS; c++)
    {
      json_builder_begin_object (builder);
      saddle_summary_add_double (builder, "cutoff", reach->cuts[c].cutoff);
      saddle_summary_add_double (builder, "step_length", reach->cuts[c].length);
      saddle_summary_add_double (builder, "residual", reach->cuts[c].residual);
      saddle_summary_add_double (builder, "kink_fraction", reach->cuts[c].kink_fraction);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

void
saddle_summary_add_point_settings (JsonBuilder                  *builder,
                                    const SaddleCriticalSettings *settings)
{
  saddle_summary_add_double (builder, KEY (CERTIFY_TOLERANCE), settings->certify_tolerance);
  saddle_summary_add_double (builder, KEY (CLARKE_EPSILON), settings->clarke_epsilon);
  saddle_summary_add_int (builder, KEY (STILL_STEPS), settings->still_steps);
  saddle_summary_add_double (builder, KEY (STILL_FACTOR), settings->still_factor);
  saddle_summary_add_double (builder, "zero_band", SADDLE_EXACT_REACH_ZERO_BAND);
  saddle_summary_add_double (builder, "weak_band", SADDLE_EXACT_REACH_WEAK_BAND);
}

void
saddle_critical_stats_compute (const SaddleCriticalSet *set,
                gboolean                 ratio_nonzero,
                SaddleCriticalStats           *stats)
{
  memset (stats, 0, sizeof *stats);
  stats->n = set->points->len;
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);

      if ((guint) point->label < SADDLE_CRITICAL_N_LABELS)
        stats->labels[point->label]++;
    }
  saddle_critical_trend_compute (set, ratio_nonzero ? SADDLE_CRITICAL_RATIO_NONZERO
                                                    : SADDLE_CRITICAL_RATIO_MINIMAL,
                                 &stats->trend);
}


void
saddle_summary_add_reach (JsonBuilder             *builder,
                const SaddleNewtonReach *reach)
{
  saddle_summary_add_double (builder, "newton_distance", reach->distance);
  saddle_summary_add_double (builder, "newton_residual", reach->residual);
  saddle_summary_add_int (builder, "newton_reach_iterations", reach->iterations);
  saddle_summary_add_boolean (builder, "newton_reach_converged", reach->converged);
  saddle_summary_add_double (builder, "newton_reach_tolerance", reach->tolerance);
  saddle_summary_add_int (builder, "kinks_crossed", (gint64) reach->kinks_crossed);
}

void
saddle_summary_add_point (JsonBuilder               *builder,
                const SaddleCriticalPoint *p)
{
  const SaddleSpectrum *s = p->spectrum;

  /* Counted from 1, as in the CSV files, the charts and the messages. */
  saddle_summary_add_int (builder, "run", p->run + 1);
  saddle_summary_add_double (builder, "loss", p->loss);
  saddle_summary_add_double (builder, "accuracy", p->accuracy);
  saddle_summary_add_double (builder, "grad_norm_start", p->grad_norm_start);
  saddle_summary_add_double (builder, "grad_norm_descent", p->grad_norm_descent);
  saddle_summary_add_double (builder, "grad_norm", p->grad_norm);
  saddle_summary_add_double (builder, "hg_ratio", p->hg_ratio);
  saddle_summary_add_reach (builder, &p->reach);
  saddle_summary_add_int (builder, "steps", p->steps);
  saddle_summary_add_int (builder, "newton_steps", p->newton_steps);
  saddle_summary_add_int (builder, "n_params", (gint64) p->n_params);
  if (s == NULL)
    {
      saddle_summary_add_int (builder, "dead_units", p->dead_units);
      return;
    }
  saddle_summary_add_int (builder, "positive", (gint64) s->positive);
  saddle_summary_add_int (builder, "negative", (gint64) s->negative);
  saddle_summary_add_int (builder, "zero", (gint64) s->zero);
  saddle_summary_add_double (builder, "minimal_ratio", s->minimal_ratio);
  saddle_summary_add_double (builder, "nonzero_ratio", s->nonzero_ratio);
  saddle_summary_add_double (builder, "tolerance", s->tolerance);
  saddle_summary_add_double (builder, "max_abs_eigenvalue", s->max_abs);
  saddle_summary_add_int (builder, "dead_units", p->dead_units);
  saddle_summary_add_double (builder, "asymmetry", p->asymmetry);
  saddle_summary_add_string (builder, "label", saddle_critical_label_to_string (p->label));
  saddle_summary_add_point_measures (builder, p);
}


void
saddle_summary_add_config (JsonBuilder             *builder,
                           const SaddleStudyConfig *config,
                           const guint             *widths,
                           guint                    n,
                           guint                    n_samples,
                           const char              *dataset_name)
{
  saddle_summary_add_string (builder, "dataset", dataset_name);
  saddle_summary_add_string (builder, KEY (TASK), saddle_task_to_string (config->task));
  json_builder_set_member_name (builder, KEY (HIDDEN));
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (builder, widths[i]);
  json_builder_end_array (builder);
  saddle_summary_add_string (builder, KEY (ACTIVATION),
                             saddle_activation_to_string (config->activation));
  saddle_summary_add_int (builder, "n_params", (gint64) saddle_model_count_params (widths, n));
  saddle_summary_add_int (builder, KEY (SAMPLES), (gint64) n_samples);
  saddle_summary_add_double (builder, KEY (ZERO_TOLERANCE), config->zero_tolerance);
  saddle_summary_add_double (builder, KEY (GRAD_TOLERANCE), config->grad_tolerance);
  saddle_summary_add_int (builder, KEY (DESCENT_STEPS), config->descent_steps);
  saddle_summary_add_int (builder, KEY (NEWTON_STEPS), config->newton_steps);
  saddle_summary_add_double (builder, KEY (DESCENT_LR), config->descent_lr);
  {
    SaddleCriticalSettings settings;

    saddle_study_config_critical_settings (config, &settings);
    saddle_summary_add_point_settings (builder, &settings);
  }
}

void
saddle_summary_add_slice (JsonBuilder       *builder,
                const SaddleSlice *slice)
{
  json_builder_set_member_name (builder, "slice");
  json_builder_begin_object (builder);
  saddle_summary_add_double (builder, "range", slice->range);
  saddle_summary_add_int (builder, "points", (gint64) slice->n_points);
  saddle_summary_add_string (builder, "eigenvector_method",
                             saddle_slice_method_to_string (slice->method));
  saddle_summary_add_boolean (builder, "converged", slice->converged);
  saddle_summary_add_double (builder, "loss", slice->loss);
  saddle_summary_add_double (builder, "lambda_bottom", slice->lambda_bottom);
  saddle_summary_add_double (builder, "lambda_top", slice->lambda_top);
  saddle_summary_add_double (builder, "slope_bottom", slice->slope_bottom);
  saddle_summary_add_double (builder, "slope_top", slice->slope_top);
  saddle_summary_add_double (builder, "model_radius_bottom", slice->model_radius_bottom);
  saddle_summary_add_double (builder, "model_radius_top", slice->model_radius_top);
  json_builder_end_object (builder);
}

static void
json_add_subset_trend (JsonBuilder             *builder,
                       const SaddleSubsetTrend *t)
{
  const SaddleSpearmanTest *test = &t->spearman;

  json_builder_set_member_name (builder, saddle_trend_subset_to_string (t->subset));
  json_builder_begin_object (builder);
  saddle_summary_add_int (builder, "points", (gint64) t->n);
  saddle_summary_add_double (builder, "slope", t->slope);
  saddle_summary_add_double (builder, "intercept", t->intercept);
  saddle_summary_add_double (builder, "r2", t->r2);
  saddle_summary_add_double (builder, "pearson", t->pearson);
  saddle_summary_add_double (builder, "spearman", test->rho);
  saddle_summary_add_double (builder, "spearman_ci_low", test->low);
  saddle_summary_add_double (builder, "spearman_ci_high", test->high);
  saddle_summary_add_double (builder, "ci_level", test->level);
  saddle_summary_add_int (builder, "bootstrap_resamples", test->resamples);
  saddle_summary_add_int (builder, "bootstrap_resamples_defined", test->resamples_defined);
  saddle_summary_add_double (builder, "p_value", test->p_value);
  saddle_summary_add_string (builder, "p_method",
                             !isfinite (test->rho) ? "none"
                             : test->p_exact ? "exact" : "random permutations");
  saddle_summary_add_int (builder, "permutations", (gint64) test->permutations);
  saddle_summary_add_int (builder, "seed", (gint64) test->seed);
  saddle_summary_add_string (builder, "verdict", saddle_trend_verdict_to_string (t->verdict));

  json_builder_set_member_name (builder, "pennington_bahri");
  json_builder_begin_object (builder);
  saddle_summary_add_boolean (builder, "fitted", t->pb_fitted);
  saddle_summary_add_double (builder, "loss_c", t->pb_loss_c);
  saddle_summary_add_double (builder, "a", t->pb_a);
  saddle_summary_add_double (builder, "residual", t->pb_residual);
  if (!t->pb_fitted)
    {
      saddle_summary_add_string (builder, "why_not",
                                 t->pb_error == SADDLE_STATS_ERROR_TOO_FEW
                                 ? "too few points" : "index 0 everywhere or one loss");
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

static void
json_add_trend (JsonBuilder         *builder,
                const SaddleCriticalStats *stats)
{
  const SaddleCriticalTrend *trend = &stats->trend;

  json_builder_set_member_name (builder, "trend");
  json_builder_begin_object (builder);
  saddle_summary_add_string (builder, "ratio",
                             trend->ratio == SADDLE_CRITICAL_RATIO_NONZERO ? "nonzero" : "minimal");
  saddle_summary_add_string (builder, "x", trend->x_log ? "log10_loss" : "loss");
  saddle_summary_add_string (builder, "shown", saddle_trend_subset_to_string (trend->shown));
  saddle_summary_add_string (builder, "expectation", SADDLE_SUMMARY_EXPECTATION);
  saddle_summary_add_string (builder, "method", SADDLE_SUMMARY_TREND_METHOD);
  for (guint s = 0; s < SADDLE_TREND_N_SUBSETS; s++)
    json_add_subset_trend (builder, &trend->subsets[s]);
  json_builder_end_object (builder);
}

/* The training settings and how far the study got, after the model's. */
static void
add_training (JsonBuilder              *builder,
              const SaddleStudyResults *results)
{
  const SaddleStudyConfig *config = &results->config;

  saddle_summary_add_string (builder, KEY (OPTIMIZER),
                             saddle_optimizer_kind_to_string (config->optimizer));
  saddle_summary_add_double (builder, KEY (LR), config->lr);
  saddle_summary_add_int (builder, KEY (BATCH), config->batch);
  saddle_summary_add_int (builder, KEY (EPOCHS), config->epochs);
  saddle_summary_add_int (builder, KEY (SEED), (gint64) config->seed);
  saddle_summary_add_int (builder, KEY (RUNS), config->runs);
  saddle_summary_add_int (builder, KEY (FIRST_RUN), config->first_run + 1);
  saddle_summary_add_boolean (builder, "cancelled", results->cancelled);
}

static void
add_failures (JsonBuilder              *builder,
              const SaddleStudyResults *results)
{
  json_builder_set_member_name (builder, "failures");
  json_builder_begin_array (builder);
  for (guint i = 0; results->failures != NULL && i < results->failures->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (results->failures, i));
  json_builder_end_array (builder);
}

gboolean
saddle_summary_write_critical (const char                *path,
                               const SaddleStudyResults  *results,
                               const SaddleCriticalStats *stats,
                               guint                      slice_run,
                               const SaddleSlice         *slice,
                               GError                   **error)
{
  const SaddleStudyConfig *config = &results->config;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  saddle_summary_add_string (builder, "study", "critical");
  saddle_summary_add_config (builder, config, results->widths, results->n_widths,
                             results->n_samples, results->dataset_name);
  add_training (builder, results);
  saddle_summary_add_int (builder, "analysed", stats->n);
  json_builder_set_member_name (builder, "labels");
  json_builder_begin_object (builder);
  for (guint l = 0; l < SADDLE_CRITICAL_N_LABELS; l++)
    {
      saddle_summary_add_int (builder, saddle_critical_label_to_string (l), stats->labels[l]);
    }
  json_builder_end_object (builder);
  saddle_summary_add_double (builder, "mean_minimal_ratio", stats->trend.mean_minimal_ratio);
  saddle_summary_add_double (builder, "mean_nonzero_ratio", stats->trend.mean_nonzero_ratio);
  json_add_trend (builder, stats);
  if (slice != NULL)
    {
      saddle_summary_add_int (builder, "slice_run", slice_run);
      saddle_summary_add_slice (builder, slice);
    }
  add_failures (builder, results);
  json_builder_set_member_name (builder, "points");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->critical->points->len; i++)
    {
      json_builder_begin_object (builder);
      saddle_summary_add_point (builder, g_ptr_array_index (results->critical->points, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return saddle_summary_write_json (path, root, error);
}


static void
add_explained (JsonBuilder     *builder,
               const char      *member,
               const SaddlePca *pca)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint c = 0; pca != NULL && c < pca->n_components; c++)
    json_builder_add_double_value (builder, pca->explained_ratio[c]);
  json_builder_end_array (builder);
}

gboolean
saddle_summary_write_study (const char                *path,
                            const SaddleStudyResults  *results,
                            GError                   **error)
{
  const SaddleStudyConfig *config = &results->config;
  const SaddleTrajectory *trajectory = results->trajectory;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  saddle_summary_add_string (builder, "study", saddle_study_kind_to_string (results->kind));
  saddle_summary_add_config (builder, config, results->widths, results->n_widths,
                             results->n_samples, results->dataset_name);
  add_training (builder, results);
  saddle_summary_add_string (builder, KEY (FUNCTION), saddle_function_to_string (config->function));
  json_builder_set_member_name (builder, KEY (DATA));
  if (config->data_path != NULL)
    json_builder_add_string_value (builder, config->data_path);
  else
    json_builder_add_null_value (builder);
  /* A classification CSV's reading: which column held the labels, and standardised or not. */
  if (config->label_column != NULL)
    {
      saddle_summary_add_string (builder, KEY (LABEL_COLUMN), config->label_column);
    }
  saddle_summary_add_boolean (builder, KEY (STANDARDIZE), config->standardize);
  saddle_summary_add_int (builder, KEY (SNAPSHOT_EVERY), config->snapshot_every);
  saddle_summary_add_int (builder, KEY (LAYER), config->layer + 1);
  saddle_summary_add_int (builder, KEY (SURFACE), config->surface_resolution);
  if (trajectory != NULL)
    {
      /* The trajectory files hold the coordinates; the axes' shares of variance live here. */
      add_explained (builder, "explained_variance", trajectory->pca);
      add_explained (builder, "layer_explained_variance", trajectory->layer_pca);
    }
  add_failures (builder, results);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return saddle_summary_write_json (path, root, error);
}
