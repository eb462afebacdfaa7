/* saddle-summary.c — summary.json: a study's settings and results, written and read back */
#define G_LOG_DOMAIN "saddle-summary"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "saddle-file.h"
#include "saddle-summary.h"

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

  json_builder_set_member_name (builder, "certificate");
  json_builder_add_string_value (builder, saddle_critical_certificate_to_string (point->certificate));
  saddle_summary_add_double (builder, "still_factor", point->still_factor);
  json_builder_set_member_name (builder, "still_steps");
  json_builder_add_int_value (builder, point->still_steps);
  saddle_summary_add_double (builder, "clarke_distance", point->clarke_distance);
  json_builder_set_member_name (builder, "clarke_kinks");
  json_builder_add_int_value (builder, point->clarke_kinks);
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
  saddle_summary_add_double (builder, "certify_tolerance", settings->certify_tolerance);
  saddle_summary_add_double (builder, "clarke_epsilon", settings->clarke_epsilon);
  json_builder_set_member_name (builder, "still_steps_max");
  json_builder_add_int_value (builder, settings->still_steps);
  saddle_summary_add_double (builder, "still_factor_threshold", settings->still_factor);
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
  json_builder_set_member_name (builder, "newton_reach_iterations");
  json_builder_add_int_value (builder, reach->iterations);
  json_builder_set_member_name (builder, "newton_reach_converged");
  json_builder_add_boolean_value (builder, reach->converged);
  saddle_summary_add_double (builder, "newton_reach_tolerance", reach->tolerance);
  json_builder_set_member_name (builder, "kinks_crossed");
  json_builder_add_int_value (builder, (gint64) reach->kinks_crossed);
}

void
saddle_summary_add_point (JsonBuilder               *builder,
                const SaddleCriticalPoint *p)
{
  const SaddleSpectrum *s = p->spectrum;

  /* Counted from 1, as in the CSV files, the charts and the messages. */
  json_builder_set_member_name (builder, "run");
  json_builder_add_int_value (builder, p->run + 1);
  saddle_summary_add_double (builder, "loss", p->loss);
  saddle_summary_add_double (builder, "accuracy", p->accuracy);
  saddle_summary_add_double (builder, "grad_norm_start", p->grad_norm_start);
  saddle_summary_add_double (builder, "grad_norm_descent", p->grad_norm_descent);
  saddle_summary_add_double (builder, "grad_norm", p->grad_norm);
  saddle_summary_add_double (builder, "hg_ratio", p->hg_ratio);
  saddle_summary_add_reach (builder, &p->reach);
  json_builder_set_member_name (builder, "steps");
  json_builder_add_int_value (builder, p->steps);
  json_builder_set_member_name (builder, "newton_steps");
  json_builder_add_int_value (builder, p->newton_steps);
  json_builder_set_member_name (builder, "n_params");
  json_builder_add_int_value (builder, (gint64) p->n_params);
  json_builder_set_member_name (builder, "positive");
  json_builder_add_int_value (builder, (gint64) s->positive);
  json_builder_set_member_name (builder, "negative");
  json_builder_add_int_value (builder, (gint64) s->negative);
  json_builder_set_member_name (builder, "zero");
  json_builder_add_int_value (builder, (gint64) s->zero);
  saddle_summary_add_double (builder, "minimal_ratio", s->minimal_ratio);
  saddle_summary_add_double (builder, "nonzero_ratio", s->nonzero_ratio);
  saddle_summary_add_double (builder, "tolerance", s->tolerance);
  saddle_summary_add_double (builder, "max_abs_eigenvalue", s->max_abs);
  json_builder_set_member_name (builder, "dead_units");
  json_builder_add_int_value (builder, p->dead_units);
  saddle_summary_add_double (builder, "asymmetry", p->asymmetry);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, saddle_critical_label_to_string (p->label));
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
  json_builder_set_member_name (builder, "dataset");
  json_builder_add_string_value (builder, dataset_name);
  json_builder_set_member_name (builder, "task");
  json_builder_add_string_value (builder, saddle_task_to_string (config->task));
  json_builder_set_member_name (builder, "widths");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (builder, widths[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "activation");
  json_builder_add_string_value (builder, saddle_activation_to_string (config->activation));
  json_builder_set_member_name (builder, "n_params");
  json_builder_add_int_value (builder, (gint64) saddle_model_count_params (widths, n));
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, (gint64) n_samples);
  saddle_summary_add_double (builder, "tolerance", config->zero_tolerance);
  saddle_summary_add_double (builder, "grad_tolerance", config->grad_tolerance);
  json_builder_set_member_name (builder, "descent_steps");
  json_builder_add_int_value (builder, config->descent_steps);
  json_builder_set_member_name (builder, "newton_steps_max");
  json_builder_add_int_value (builder, config->newton_steps);
  saddle_summary_add_double (builder, "descent_lr", config->descent_lr);
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
  json_builder_set_member_name (builder, "points");
  json_builder_add_int_value (builder, (gint64) slice->n_points);
  json_builder_set_member_name (builder, "eigenvector_method");
  json_builder_add_string_value (builder, saddle_slice_method_to_string (slice->method));
  json_builder_set_member_name (builder, "converged");
  json_builder_add_boolean_value (builder, slice->converged);
  saddle_summary_add_double (builder, "loss", slice->loss);
  saddle_summary_add_double (builder, "lambda_bottom", slice->lambda_bottom);
  saddle_summary_add_double (builder, "lambda_top", slice->lambda_top);
  saddle_summary_add_double (builder, "slope_bottom", slice->slope_bottom);
  saddle_summary_add_double (builder, "slope_top", slice->slope_top);
  json_builder_end_object (builder);
}

static void
json_add_subset_trend (JsonBuilder             *builder,
                       const SaddleSubsetTrend *t)
{
  const SaddleSpearmanTest *test = &t->spearman;

  json_builder_set_member_name (builder, saddle_trend_subset_to_string (t->subset));
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "points");
  json_builder_add_int_value (builder, (gint64) t->n);
  saddle_summary_add_double (builder, "slope", t->slope);
  saddle_summary_add_double (builder, "intercept", t->intercept);
  saddle_summary_add_double (builder, "r2", t->r2);
  saddle_summary_add_double (builder, "pearson", t->pearson);
  saddle_summary_add_double (builder, "spearman", test->rho);
  saddle_summary_add_double (builder, "spearman_ci_low", test->low);
  saddle_summary_add_double (builder, "spearman_ci_high", test->high);
  saddle_summary_add_double (builder, "ci_level", test->level);
  json_builder_set_member_name (builder, "bootstrap_resamples");
  json_builder_add_int_value (builder, test->resamples);
  json_builder_set_member_name (builder, "bootstrap_resamples_defined");
  json_builder_add_int_value (builder, test->resamples_defined);
  saddle_summary_add_double (builder, "p_value", test->p_value);
  json_builder_set_member_name (builder, "p_method");
  json_builder_add_string_value (builder, !isfinite (test->rho) ? "none"
                                 : test->p_exact ? "exact" : "random permutations");
  json_builder_set_member_name (builder, "permutations");
  json_builder_add_int_value (builder, (gint64) test->permutations);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) test->seed);
  json_builder_set_member_name (builder, "verdict");
  json_builder_add_string_value (builder, saddle_trend_verdict_to_string (t->verdict));

  json_builder_set_member_name (builder, "pennington_bahri");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "fitted");
  json_builder_add_boolean_value (builder, t->pb_fitted);
  saddle_summary_add_double (builder, "loss_c", t->pb_loss_c);
  saddle_summary_add_double (builder, "a", t->pb_a);
  saddle_summary_add_double (builder, "residual", t->pb_residual);
  if (!t->pb_fitted)
    {
      json_builder_set_member_name (builder, "why_not");
      json_builder_add_string_value (builder, t->pb_error == SADDLE_STATS_ERROR_TOO_FEW
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
  json_builder_set_member_name (builder, "ratio");
  json_builder_add_string_value (builder, trend->ratio == SADDLE_CRITICAL_RATIO_NONZERO
                                          ? "nonzero" : "minimal");
  json_builder_set_member_name (builder, "x");
  json_builder_add_string_value (builder, trend->x_log ? "log10_loss" : "loss");
  json_builder_set_member_name (builder, "shown");
  json_builder_add_string_value (builder, saddle_trend_subset_to_string (trend->shown));
  json_builder_set_member_name (builder, "expectation");
  json_builder_add_string_value (builder, SADDLE_SUMMARY_EXPECTATION);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, SADDLE_SUMMARY_TREND_METHOD);
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

  json_builder_set_member_name (builder, "optimizer");
  json_builder_add_string_value (builder, saddle_optimizer_kind_to_string (config->optimizer));
  saddle_summary_add_double (builder, "lr", config->lr);
  json_builder_set_member_name (builder, "batch");
  json_builder_add_int_value (builder, config->batch);
  json_builder_set_member_name (builder, "epochs");
  json_builder_add_int_value (builder, config->epochs);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) config->seed);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, config->runs);
  json_builder_set_member_name (builder, "first_run");
  json_builder_add_int_value (builder, config->first_run + 1);
  json_builder_set_member_name (builder, "cancelled");
  json_builder_add_boolean_value (builder, results->cancelled);
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
  json_builder_set_member_name (builder, "study");
  json_builder_add_string_value (builder, "critical");
  saddle_summary_add_config (builder, config, results->widths, results->n_widths,
                             results->n_samples, results->dataset_name);
  add_training (builder, results);
  json_builder_set_member_name (builder, "analysed");
  json_builder_add_int_value (builder, stats->n);
  json_builder_set_member_name (builder, "labels");
  json_builder_begin_object (builder);
  for (guint l = 0; l < SADDLE_CRITICAL_N_LABELS; l++)
    {
      json_builder_set_member_name (builder, saddle_critical_label_to_string (l));
      json_builder_add_int_value (builder, stats->labels[l]);
    }
  json_builder_end_object (builder);
  saddle_summary_add_double (builder, "mean_minimal_ratio", stats->trend.mean_minimal_ratio);
  saddle_summary_add_double (builder, "mean_nonzero_ratio", stats->trend.mean_nonzero_ratio);
  json_add_trend (builder, stats);
  if (slice != NULL)
    {
      json_builder_set_member_name (builder, "slice_run");
      json_builder_add_int_value (builder, slice_run);
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


G_DEFINE_QUARK (saddle-summary-error-quark, saddle_summary_error)

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
  json_builder_set_member_name (builder, "study");
  json_builder_add_string_value (builder, saddle_study_kind_to_string (results->kind));
  saddle_summary_add_config (builder, config, results->widths, results->n_widths,
                             results->n_samples, results->dataset_name);
  add_training (builder, results);
  json_builder_set_member_name (builder, "function");
  json_builder_add_string_value (builder, saddle_function_to_string (config->function));
  json_builder_set_member_name (builder, "data");
  if (config->data_path != NULL)
    json_builder_add_string_value (builder, config->data_path);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "snapshot_every");
  json_builder_add_int_value (builder, config->snapshot_every);
  json_builder_set_member_name (builder, "layer");
  json_builder_add_int_value (builder, config->layer + 1);
  json_builder_set_member_name (builder, "surface");
  json_builder_add_int_value (builder, config->surface_resolution);
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

/* ------------------------------------------------------------ reading back */

/* The largest summary.json read (100,000 points of about 2 KB each, with room). */
#define SUMMARY_MAX_BYTES ((guint64) 1 << 30)

typedef struct
{
  const char *path;
  const char *text;
  JsonObject *root;
} Reader;

/* The line of @member's first mention in the text (JSON nodes do not keep theirs); 0 if none. */
static guint
member_line (const Reader *r,
             const char   *member)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", member);
  const char *at = strstr (r->text, quoted);
  guint line = 1;

  if (at == NULL)
    return 0;
  for (const char *c = r->text; c < at; c++)
    line += *c == '\n';
  return line;
}

static gboolean
bad (const Reader *r,
     const char   *member,
     GError      **error,
     const char   *what)
{
  guint line = member_line (r, member);

  if (line > 0)
    g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                 "%s, line %u: “%s” %s", r->path, line, member, what);
  else
    g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID, "%s: “%s” %s",
                 r->path, member, what);
  return FALSE;
}

/* @member's node if present and not null, else NULL. */
static JsonNode *
member (const Reader *r,
        const char   *name)
{
  JsonNode *node = json_object_get_member (r->root, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

/* A number member into @value (untouched when absent); null stays NAN-free: absent. */
static gboolean
read_double (const Reader *r,
             const char   *name,
             double       *value,
             GError      **error)
{
  JsonNode *node = member (r, name);
  GType type;

  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return bad (r, name, error, "is not a number");
  *value = json_node_get_double (node);
  return TRUE;
}

/* A whole-number member in [@min, @max] into @value (untouched when absent). */
static gboolean
read_uint (const Reader *r,
           const char   *name,
           guint64       min,
           guint64       max,
           guint64      *value,
           GError      **error)
{
  JsonNode *node = member (r, name);
  gint64 v;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad (r, name, error, "is not a whole number");
  v = json_node_get_int (node);
  if (v < 0 || (guint64) v < min || (guint64) v > max)
    {
      g_autofree char *what = g_strdup_printf ("is %" G_GINT64_FORMAT ", outside %"
                                               G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT, v, min, max);

      return bad (r, name, error, what);
    }
  *value = (guint64) v;
  return TRUE;
}

static gboolean
read_guint (const Reader *r,
            const char   *name,
            guint         min,
            guint         max,
            guint        *value,
            GError      **error)
{
  guint64 v = *value;

  if (!read_uint (r, name, min, max, &v, error))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

/* A string member, or NULL when absent; FALSE when it is not a string. */
static gboolean
read_string (const Reader  *r,
             const char    *name,
             const char   **value,
             GError       **error)
{
  JsonNode *node = member (r, name);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (r, name, error, "is not a string");
  *value = json_node_get_string (node);
  return TRUE;
}

/* A named choice: @parse turns the text into its enum. */
#define READ_CHOICE(r, name, parse, out, error) \
  G_STMT_START { \
    const char *text_; \
    if (!read_string ((r), (name), &text_, (error))) \
      return FALSE; \
    if (text_ != NULL && !parse (text_, (out))) \
      { \
        g_autofree char *what_ = g_strdup_printf ("“%s” is not one Saddle knows", text_); \
        return bad ((r), (name), (error), what_); \
      } \
  } G_STMT_END

/* The array member @name into @array (NULL when absent); FALSE when it is not an array. */
static gboolean
member_array (const Reader  *r,
              const char    *name,
              const char    *what,
              JsonArray    **array,
              GError       **error)
{
  JsonNode *node = member (r, name);

  *array = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad (r, name, error, what);
  *array = json_node_get_array (node);
  return TRUE;
}

static gboolean
read_widths (const Reader  *r,
             SaddleSummary *summary,
             GError       **error)
{
  JsonArray *array;
  guint n;

  if (!member_array (r, "widths", "is not a list of layer widths", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;
  n = json_array_get_length (array);
  if (n < 2 || n > G_N_ELEMENTS (summary->widths))
    return bad (r, "widths", error, "must list 2 to 10 layer widths (input, hidden…, output)");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *w = json_array_get_element (array, i);
      gint64 v;

      if (!JSON_NODE_HOLDS_VALUE (w) || json_node_get_value_type (w) != G_TYPE_INT64
          || (v = json_node_get_int (w)) < 1 || v > 1000000)
        return bad (r, "widths", error, "holds a width that is not a whole number in 1–1000000");
      summary->widths[i] = (guint) v;
    }
  summary->n_widths = n;
  summary->config.n_hidden = n - 2;
  for (guint i = 0; i + 2 < n; i++)
    summary->config.hidden[i] = summary->widths[i + 1];
  return TRUE;
}

static gboolean
read_explained (const Reader *r,
                const char   *name,
                double        out[2],
                GError      **error)
{
  JsonArray *array;

  if (!member_array (r, name, "is not a list of shares of variance", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;
  if (json_array_get_length (array) > 2)
    return bad (r, name, error, "holds more than two shares of variance");
  for (guint c = 0; c < json_array_get_length (array); c++)
    {
      JsonNode *v = json_array_get_element (array, c);
      GType type = JSON_NODE_HOLDS_VALUE (v) ? json_node_get_value_type (v) : G_TYPE_INVALID;

      if ((type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
          || !(json_node_get_double (v) >= 0.0 && json_node_get_double (v) <= 1.0))
        return bad (r, name, error, "holds a share of variance outside 0–1");
      out[c] = json_node_get_double (v);
    }
  return TRUE;
}

static gboolean
read_failures (const Reader  *r,
               SaddleSummary *summary,
               GError       **error)
{
  JsonArray *array;

  if (!member_array (r, "failures", "is not a list of messages", &array, error))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *f = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (f) || json_node_get_value_type (f) != G_TYPE_STRING)
        return bad (r, "failures", error, "holds an entry that is not a message");
      g_ptr_array_add (summary->failures, g_strdup (json_node_get_string (f)));
    }
  return TRUE;
}

/* The "points" array's numbers that critical.csv does not hold. */
static gboolean
read_points (const Reader  *r,
             SaddleSummary *summary,
             GError       **error)
{
  JsonArray *array;

  if (!member_array (r, "points", "is not a list of points", &array, error))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *p = json_array_get_element (array, i);
      JsonNode *converged;
      Reader point = *r;
      SaddleSummaryPoint sp = { 0 };
      guint64 run = 0;

      if (!JSON_NODE_HOLDS_OBJECT (p))
        return bad (r, "points", error, "holds an entry that is not a point");
      point.root = json_node_get_object (p);
      sp.asymmetry = sp.reach_tolerance = NAN;
      if (!read_uint (&point, "run", 1, G_MAXUINT, &run, error)
          || !read_double (&point, "asymmetry", &sp.asymmetry, error)
          || !read_guint (&point, "newton_reach_iterations", 0, G_MAXUINT, &sp.reach_iterations, error)
          || !read_double (&point, "newton_reach_tolerance", &sp.reach_tolerance, error))
        return FALSE;
      if (run == 0)
        return bad (r, "points", error, "holds a point without its run");
      converged = member (&point, "newton_reach_converged");
      if (converged != NULL && JSON_NODE_HOLDS_VALUE (converged)
          && json_node_get_value_type (converged) == G_TYPE_BOOLEAN)
        sp.reach_converged = json_node_get_boolean (converged);
      sp.run = (guint) run - 1;
      g_array_append_val (summary->points, sp);
    }
  return TRUE;
}

/* The settings, over the homework's defaults of the study and task found. */
static gboolean
read_settings (const Reader  *r,
               SaddleSummary *summary,
               GError       **error)
{
  SaddleStudyConfig *config = &summary->config;
  SaddleTask task = SADDLE_TASK_IMAGE;
  guint64 seed, first_run = 1, n_params = 0;
  const char *text;
  JsonNode *node;
  gboolean cancelled = FALSE;

  READ_CHOICE (r, "study", saddle_study_kind_from_string, &summary->kind, error);
  if (member (r, "study") == NULL)
    return bad (r, "study", error, "is missing: this is not a Saddle summary");
  READ_CHOICE (r, "task", saddle_task_from_string, &task, error);
  saddle_study_config_init (config, summary->kind, task);
  seed = config->seed;

  if (!read_string (r, "dataset", &text, error))
    return FALSE;
  summary->dataset_name = g_strdup (text);
  if (!read_widths (r, summary, error))
    return FALSE;
  READ_CHOICE (r, "activation", saddle_activation_from_string, &config->activation, error);
  READ_CHOICE (r, "optimizer", saddle_optimizer_kind_from_string, &config->optimizer, error);
  READ_CHOICE (r, "function", saddle_function_from_string, &config->function, error);
  /* Older summaries name the function only in the data set's name: "sinc on 1,000 points". */
  if (member (r, "function") == NULL && task == SADDLE_TASK_FUNCTION && text != NULL)
    {
      g_autofree char *first = g_strndup (text, strcspn (text, " "));

      saddle_function_from_string (first, &config->function);
    }
  if (!read_string (r, "data", &text, error))
    return FALSE;
  config->data_path = g_strdup (text);

  if (!read_uint (r, "n_params", 0, G_MAXSIZE, &n_params, error)
      || !read_guint (r, "samples", 1, G_MAXUINT, &summary->n_samples, error)
      || !read_double (r, "tolerance", &config->zero_tolerance, error)
      || !read_double (r, "grad_tolerance", &config->grad_tolerance, error)
      || !read_guint (r, "descent_steps", 0, G_MAXUINT, &config->descent_steps, error)
      || !read_guint (r, "newton_steps_max", 0, G_MAXUINT, &config->newton_steps, error)
      || !read_double (r, "descent_lr", &config->descent_lr, error)
      || !read_double (r, "certify_tolerance", &config->certify_tolerance, error)
      || !read_double (r, "clarke_epsilon", &config->clarke_epsilon, error)
      || !read_guint (r, "still_steps_max", 0, G_MAXUINT, &config->still_steps, error)
      || !read_double (r, "still_factor_threshold", &config->still_factor, error)
      || !read_double (r, "lr", &config->lr, error)
      || !read_guint (r, "batch", 1, G_MAXUINT, &config->batch, error)
      || !read_guint (r, "epochs", 1, G_MAXUINT, &config->epochs, error)
      || !read_uint (r, "seed", 0, G_MAXINT64, &seed, error)
      || !read_guint (r, "runs", 1, G_MAXUINT, &config->runs, error)
      || !read_uint (r, "first_run", 1, G_MAXUINT, &first_run, error)
      || !read_guint (r, "snapshot_every", 0, G_MAXUINT, &config->snapshot_every, error)
      || !read_guint (r, "surface", 0, G_MAXUINT, &config->surface_resolution, error)
      || !read_explained (r, "explained_variance", summary->explained, error)
      || !read_explained (r, "layer_explained_variance", summary->layer_explained, error)
      || !read_failures (r, summary, error)
      || !read_points (r, summary, error))
    return FALSE;
  config->seed = seed;
  config->first_run = (guint) first_run - 1;
  summary->n_params = n_params;
  if (summary->n_samples > 0)
    config->samples = summary->n_samples;
  if (member (r, "layer") != NULL)
    {
      guint layer = 1;

      if (!read_guint (r, "layer", 1, SADDLE_MAX_HIDDEN_LAYERS + 1, &layer, error))
        return FALSE;
      config->layer = layer - 1;
    }
  node = member (r, "cancelled");
  if (node != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return bad (r, "cancelled", error, "is not true or false");
      cancelled = json_node_get_boolean (node);
    }
  summary->cancelled = cancelled;
  return TRUE;
}

gboolean
saddle_summary_parse (const char     *path,
                      const char     *text,
                      gsize           length,
                      SaddleSummary  *summary,
                      GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GError) invalid = NULL;
  JsonNode *root;
  g_autofree char *copy = NULL;
  Reader r = { .path = path };

  memset (summary, 0, sizeof *summary);
  summary->failures = g_ptr_array_new_with_free_func (g_free);
  summary->points = g_array_new (FALSE, FALSE, sizeof (SaddleSummaryPoint));
  summary->explained[0] = summary->explained[1] = NAN;
  summary->layer_explained[0] = summary->layer_explained[1] = NAN;
  saddle_study_config_init (&summary->config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_IMAGE);

  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                   "%s: not UTF-8 text", path);
      return FALSE;
    }
  /* Valid UTF-8 holds no NUL byte: the copy is the whole text, for member_line(). */
  r.text = copy = g_strndup (text, length);
  if (!json_parser_load_from_data (parser, text, (gssize) length, &parse_error))
    {
      /* json-glib says "<data>:LINE:COLUMN: Parse error: …": name the file instead. */
      const char *what = parse_error->message;
      guint line = 1, column = 0;
      int used = 0;

      if (g_str_has_prefix (what, "<data>:")
          && sscanf (what + 7, "%u:%u: %n", &line, &column, &used) == 2 && used > 0)
        what += 7 + used;
      g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                   "%s, line %u: not JSON (%s)", path, MAX (line, 1), what);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                   "%s, line 1: not a JSON object", path);
      return FALSE;
    }
  r.root = json_node_get_object (root);
  if (!read_settings (&r, summary, error))
    return FALSE;
  /* Ranges the study itself would refuse (a learning rate of 50, 0 epochs). */
  if (!saddle_study_config_validate (&summary->config, &invalid))
    {
      g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                   "%s: settings Saddle cannot use: %s", path, invalid->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
saddle_summary_read (const char     *path,
                     SaddleSummary  *summary,
                     GError        **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  memset (summary, 0, sizeof *summary);
  if (!saddle_file_read (path, SUMMARY_MAX_BYTES, &text, &length, error))
    return FALSE;
  return saddle_summary_parse (path, text, length, summary, error);
}

void
saddle_summary_clear (SaddleSummary *summary)
{
  saddle_study_config_clear (&summary->config);
  g_clear_pointer (&summary->dataset_name, g_free);
  g_clear_pointer (&summary->failures, g_ptr_array_unref);
  g_clear_pointer (&summary->points, g_array_unref);
}
