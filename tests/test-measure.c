/* test-measure.c — saddle_critical_measure() against saddle-cli hessian as it was before it
 *
 * tests/measure/ holds what `saddle-cli hessian` wrote for the 1-6-1 ReLU net of
 * tests/measure/weights.txt (sinc on 100 points) when it still measured the point itself:
 * --method dense, --method lanczos --k 3, --method slq --probes 3 --iterations 20, and lanczos
 * after --descent-steps 30 --newton-steps 2. The core measurement must give the same files,
 * byte for byte, and the same numbers in summary.json.
 */
#define G_LOG_DOMAIN "test-measure"

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "saddle-critical-measure.h"
#include "saddle-file.h"
#include "saddle-study.h"
#include "saddle-summary.h"
#include "saddle-weights.h"
#include "saddle-test-util.h"

typedef struct
{
  const char         *name;          /* folder under tests/measure */
  SaddleMeasureMethod method;
  guint               descent_steps;
  guint               newton_steps;
} MeasureCase;

static const MeasureCase cases[] = {
  { "dense", SADDLE_MEASURE_DENSE, 0, 0 },
  { "lanczos", SADDLE_MEASURE_LANCZOS, 0, 0 },
  { "slq", SADDLE_MEASURE_SLQ, 0, 0 },
  { "lanczos-move", SADDLE_MEASURE_LANCZOS, 30, 2 },
};

static char *
reference_path (const MeasureCase *c,
                const char        *file)
{
  const char *srcdir = g_getenv ("SADDLE_TEST_SRCDIR");

  return g_build_filename (srcdir != NULL ? srcdir : ".", "measure", c->name, file, NULL);
}

/* What hessian measured with the options of @c, as the CLI set it up. */
static SaddleCriticalMeasure *
measure_case (const MeasureCase *c)
{
  const char *srcdir = g_getenv ("SADDLE_TEST_SRCDIR");
  g_autofree char *weights = g_build_filename (srcdir != NULL ? srcdir : ".", "measure",
                                               "weights.txt", NULL);
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  SaddleCriticalSettings settings;
  SaddleMeasureSettings measure;
  SaddleStudyConfig config;
  SaddleCriticalMeasure *m;
  SaddleBatch batch = { 0 };
  gsize n = 0;

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  g_assert_true (saddle_study_config_set_hidden (&config, "6", &error));
  config.samples = 100;
  config.descent_steps = c->descent_steps;
  config.newton_steps = c->newton_steps;
  dataset = saddle_study_config_load_dataset (&config, &error);
  g_assert_no_error (error);
  model = saddle_study_config_new_model (&config, dataset, &error);
  g_assert_no_error (error);
  theta = saddle_weights_load (weights, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, saddle_model_n_params (model));

  saddle_study_config_critical_settings (&config, &settings);
  saddle_measure_settings_init (&measure);
  measure.method = c->method;
  measure.k = 3;
  measure.iterations = c->method == SADDLE_MEASURE_SLQ ? 20 : 0;
  measure.probes = 3;
  measure.seed = config.seed;
  saddle_batch_init_full (&batch, dataset);
  m = saddle_critical_measure (model, theta, &batch, &settings, &measure, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);
  saddle_batch_clear (&batch);
  saddle_study_config_clear (&config);
  return m;
}

/* The members @m's point and method write, each with the reference summary's value of the
 * same name, and with the measured value: both serialised alike, so equal text is equal
 * doubles (JSON keeps 17 significant digits). */
static void
assert_summary_matches (const MeasureCase           *c,
                        const SaddleCriticalMeasure *m)
{
  g_autofree char *path = reference_path (c, "summary.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonBuilder) mine = json_builder_new ();
  g_autoptr(JsonBuilder) theirs = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *mine_text = NULL;
  g_autofree char *theirs_text = NULL;
  JsonObject *reference;
  JsonObject *measured;
  GList *members;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  reference = json_node_get_object (json_parser_get_root (parser));

  json_builder_begin_object (mine);
  saddle_summary_add_point (mine, m->point);
  if (m->method == SADDLE_MEASURE_LANCZOS)
    {
      json_builder_set_member_name (mine, "lanczos_steps");
      json_builder_add_int_value (mine, (gint64) m->info.iterations);
      json_builder_set_member_name (mine, "converged");
      json_builder_add_boolean_value (mine, m->info.converged);
      saddle_summary_add_double (mine, "relative_residual", m->info.residual);
    }
  else if (m->method == SADDLE_MEASURE_SLQ)
    {
      saddle_summary_add_double (mine, "sigma", m->density->sigma);
      saddle_summary_add_double (mine, "share_below_minus_sigma", m->shares[0]);
      saddle_summary_add_double (mine, "share_within_sigma", m->shares[1]);
      saddle_summary_add_double (mine, "share_above_sigma", m->shares[2]);
      saddle_summary_add_double (mine, "exact_mean_eigenvalue", m->exact_mean);
      saddle_summary_add_double (mine, "exact_share_below_minus_sigma", m->exact_shares[0]);
      saddle_summary_add_double (mine, "exact_share_within_sigma", m->exact_shares[1]);
      saddle_summary_add_double (mine, "exact_share_above_sigma", m->exact_shares[2]);
    }
  json_builder_end_object (mine);
  root = json_builder_get_root (mine);
  measured = json_node_get_object (root);

  /* Every member measured, at least a dozen, each present in the reference. */
  members = json_object_get_members (measured);
  g_assert_cmpuint (g_list_length (members), >=, 12);
  json_builder_begin_object (theirs);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!json_object_has_member (reference, name))
        g_error ("%s/summary.json has no member %s", c->name, name);
      json_builder_set_member_name (theirs, name);
      json_builder_add_value (theirs, json_node_copy (json_object_get_member (reference, name)));
    }
  json_builder_end_object (theirs);
  g_list_free (members);

  {
    g_autoptr(JsonNode) theirs_root = json_builder_get_root (theirs);

    mine_text = json_to_string (root, TRUE);
    theirs_text = json_to_string (theirs_root, TRUE);
  }
  g_assert_cmpstr (mine_text, ==, theirs_text);
}

static void
assert_csv_identical (const MeasureCase           *c,
                      const SaddleCriticalMeasure *m)
{
  const char *name = saddle_critical_measure_csv_name (m);
  g_autofree char *reference = reference_path (c, name);
  g_autofree char *dir = g_dir_make_tmp ("test-measure-XXXXXX", NULL);
  g_autofree char *written = g_build_filename (dir, name, NULL);
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;
  gsize expected_len = 0, got_len = 0;

  g_assert_nonnull (dir);
  g_assert_true (saddle_critical_measure_write_csv (m, written, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (reference, &expected, &expected_len, &error));
  g_assert_true (g_file_get_contents (written, &got, &got_len, &error));
  g_assert_cmpuint (expected_len, >, 40);
  g_assert_cmpuint (got_len, ==, expected_len);
  g_assert_cmpmem (got, got_len, expected, expected_len);
  g_unlink (written);
  g_rmdir (dir);
}

static void
test_measure_case (gconstpointer data)
{
  const MeasureCase *c = data;
  g_autoptr(SaddleCriticalMeasure) m = measure_case (c);

  g_assert_cmpint (m->method, ==, c->method);
  g_assert_nonnull (m->point);
  g_assert_nonnull (m->point->params);
  /* Only the dense method classifies every eigenvalue. */
  g_assert_true ((m->point->spectrum != NULL) == (c->method == SADDLE_MEASURE_DENSE));
  if (c->descent_steps > 0)
    g_assert_cmpfloat (m->point->grad_norm, <, m->point->grad_norm_start);
  if (c->method == SADDLE_MEASURE_LANCZOS)
    {
      g_assert_cmpuint (m->k, ==, 3);
      /* The ‖∇L‖ of these weights is far above the gradient tolerance: a slope. */
      g_assert_cmpint (m->verdict, ==, SADDLE_LANCZOS_VERDICT_UNCONVERGED);
      for (gsize i = 0; i < m->k; i++)
        g_assert_cmpfloat (m->residual_high[i], <, 1e-10 * m->highest[0]);
    }
  if (c->method == SADDLE_MEASURE_SLQ)
    {
      /* 19 parameters: the exact spectrum is beside the estimate. */
      g_assert_nonnull (m->exact);
      g_assert_null (m->exact_note);
    }
  assert_summary_matches (c, m);
  assert_csv_identical (c, m);
}

/* Lanczos asked for more eigenvalues at each end than there are parameters: refused. */
static void
test_measure_too_many (void)
{
  guint widths[] = { 1, 2, 1 };
  g_autoptr(SaddleModel) model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_TANH,
                                                   SADDLE_LOSS_MSE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = g_new0 (double, saddle_model_n_params (model));
  double x[2] = { 0.0, 1.0 }, y[2] = { 1.0, 0.0 };
  SaddleCriticalSettings settings;
  SaddleMeasureSettings measure;
  SaddleCriticalMeasure *m;
  SaddleBatch batch;

  saddle_test_batch_init (&batch, x, y, 2, 1, 1);
  saddle_critical_settings_init (&settings);
  settings.descent_steps = settings.newton_steps = 0;
  saddle_measure_settings_init (&measure);
  measure.method = SADDLE_MEASURE_LANCZOS;
  measure.k = saddle_model_n_params (model) + 1;
  m = saddle_critical_measure (model, theta, &batch, &settings, &measure, NULL, NULL, &error);
  g_assert_null (m);
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/measure/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_measure_case);
    }
  g_test_add_func ("/core/measure/too-many", test_measure_too_many);
  return g_test_run ();
}
