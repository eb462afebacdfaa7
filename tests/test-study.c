/* test-study.c — study configs, validation, and the runner: counts, determinism, independence,
 * cancel, failures, critical points */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-error.h"
#include "saddle-hessian.h"
#include "saddle-lanczos.h"
#include "saddle-slice.h"
#include "saddle-surface.h"
#include "saddle-trainer.h"
#include "saddle-stats.h"
#include "saddle-study.h"

typedef struct
{
  guint   events;          /* all events seen */
  guint   stop_at;         /* return FALSE on this event (1-based); 0 = never */
  guint   stop_run;        /* ... or on the first ITERATION of this run (if stop_on_run) */
  gboolean stop_on_run;
  guint   progress;
  double  last_fraction;
  gboolean fraction_monotone;
  guint   critical;
  guint   run_failed;
  guint   snapshots;
} Counter;

static gboolean
count_cb (const SaddleEvent *event,
          gpointer           user_data)
{
  Counter *c = user_data;

  c->events++;
  switch (event->kind)
    {
    case SADDLE_EVENT_PROGRESS:
      c->progress++;
      g_assert_true (event->fraction >= 0.0 && event->fraction <= 1.0);
      g_assert_nonnull (event->message);
      if (event->fraction + 1e-12 < c->last_fraction)
        c->fraction_monotone = FALSE;
      c->last_fraction = event->fraction;
      break;
    case SADDLE_EVENT_CRITICAL:
      g_assert_nonnull (event->critical);
      c->critical++;
      break;
    case SADDLE_EVENT_RUN_FAILED:
      g_assert_nonnull (event->message);
      c->run_failed++;
      break;
    case SADDLE_EVENT_SNAPSHOT:
      c->snapshots++;
      break;
    case SADDLE_EVENT_ITERATION:
      if (c->stop_on_run && event->run == c->stop_run)
        return FALSE;
      break;
    case SADDLE_EVENT_EPOCH:
    case SADDLE_EVENT_DESCENT:
    default:
      break;
    }

  return c->stop_at == 0 || c->events < c->stop_at;
}

static void
counter_init (Counter *c)
{
  memset (c, 0, sizeof *c);
  c->fraction_monotone = TRUE;
}

/* A small, quick function-fitting config: 1-8-1 on 60 sinc points. */
static void
small_function_config (SaddleStudyConfig *config,
                       SaddleStudyKind    kind)
{
  saddle_study_config_init (config, kind, SADDLE_TASK_FUNCTION);
  config->samples = 60;
  config->hidden[0] = 8;
  config->n_hidden = 1;
  config->batch = 20;
  config->epochs = 4;
  config->runs = 3;
  config->threads = 1;
  config->surface_resolution = 0;
}

static gboolean
have_bundled_images (void)
{
  g_autofree char *path = g_build_filename (saddle_dataset_bundled_dir (),
                                            "train-images-idx3-ubyte.gz", NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gsize
count_params (const SaddleStudyConfig *config,
              guint                    inputs,
              guint                    outputs)
{
  guint widths[SADDLE_MAX_HIDDEN_LAYERS + 2];

  widths[0] = inputs;
  memcpy (widths + 1, config->hidden, config->n_hidden * sizeof (guint));
  widths[config->n_hidden + 1] = outputs;
  return saddle_model_count_params (widths, config->n_hidden + 2);
}

static void
test_defaults (void)
{
  SaddleStudyConfig config;

  saddle_study_config_init (&config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_IMAGE);
  g_assert_cmpint (config.task, ==, SADDLE_TASK_IMAGE);
  g_assert_null (config.data_path);
  g_assert_cmpuint (config.samples, ==, 1000);
  g_assert_cmpuint (config.n_hidden, ==, 2);
  g_assert_cmpuint (config.hidden[0], ==, 20);
  g_assert_cmpuint (config.hidden[1], ==, 20);
  g_assert_cmpint (config.activation, ==, SADDLE_ACTIVATION_RELU);
  g_assert_cmpint (config.optimizer, ==, SADDLE_OPTIMIZER_ADAM);
  g_assert_cmpuint (config.batch, ==, 200);
  g_assert_cmpuint (config.epochs, ==, 30);
  g_assert_cmpuint (config.runs, ==, 8);
  g_assert_cmpuint (config.seed, ==, 1);
  g_assert_cmpuint (config.snapshot_every, ==, 0);
  g_assert_cmpuint (config.threads, ==, 0);
  g_assert_cmpuint (config.layer, ==, 0);
  g_assert_cmpuint (config.first_run, ==, 0);
  g_assert_cmpuint (config.surface_resolution, ==, SADDLE_SURFACE_DEFAULT_RESOLUTION);
  g_assert_cmpuint (count_params (&config, 784, 10), ==, 16330);
  g_assert_true (saddle_study_config_validate (&config, NULL));
  saddle_study_config_clear (&config);

  saddle_study_config_init (&config, SADDLE_STUDY_GRADNORM, SADDLE_TASK_FUNCTION);
  g_assert_cmpint (config.task, ==, SADDLE_TASK_FUNCTION);
  g_assert_cmpint (config.function, ==, SADDLE_FUNCTION_SINC);
  g_assert_cmpuint (config.samples, ==, 1000);
  g_assert_cmpuint (config.n_hidden, ==, 1);
  g_assert_cmpuint (config.hidden[0], ==, 363);
  g_assert_cmpuint (config.surface_resolution, ==, 0);
  g_assert_cmpuint (count_params (&config, 1, 1), ==, 1090);
  g_assert_true (saddle_study_config_validate (&config, NULL));
  saddle_study_config_clear (&config);

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  g_assert_cmpuint (config.n_hidden, ==, 2);
  g_assert_cmpuint (config.hidden[0], ==, 31);
  g_assert_cmpuint (config.hidden[1], ==, 31);
  g_assert_cmpuint (count_params (&config, 1, 1), ==, 1086);
  g_assert_cmpuint (config.runs, ==, 100);
  g_assert_cmpuint (config.descent_steps, ==, 1000);
  g_assert_cmpfloat (config.descent_lr, ==, 1e-3);
  g_assert_cmpfloat (config.grad_tolerance, ==, 1e-4);
  g_assert_cmpfloat (config.zero_tolerance, ==, 1e-6);
  g_assert_true (saddle_study_config_validate (&config, NULL));
  saddle_study_config_clear (&config);

  /* The image defaults also hold on the real data: 784 inputs, 10 classes. */
  if (have_bundled_images ())
    {
      g_autoptr(SaddleDataset) dataset = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree guint *widths = NULL;
      guint n = 0;

      saddle_study_config_init (&config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_IMAGE);
      dataset = saddle_study_config_load_dataset (&config, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (dataset->n_samples, ==, 1000);
      g_assert_cmpuint (saddle_study_config_n_params (&config, dataset), ==, 16330);
      widths = saddle_study_config_widths (&config, dataset, &n);
      g_assert_cmpuint (n, ==, 4);
      g_assert_cmpuint (widths[0], ==, 784);
      g_assert_cmpuint (widths[3], ==, 10);
      saddle_study_config_clear (&config);
    }
}

/* Sets one field out of range and checks the message names the option and the range. */
typedef void (*BreakFunc) (SaddleStudyConfig *config);

static void break_samples (SaddleStudyConfig *c) { c->samples = 0; }
static void break_samples_high (SaddleStudyConfig *c) { c->samples = 1000001; }
static void break_width (SaddleStudyConfig *c) { c->hidden[1] = 100001; }
static void break_layers (SaddleStudyConfig *c) { c->n_hidden = 9; }
static void break_lr (SaddleStudyConfig *c) { c->lr = 50; }
static void break_lr_zero (SaddleStudyConfig *c) { c->lr = 0; }
static void break_lr_nan (SaddleStudyConfig *c) { c->lr = NAN; }
static void break_batch (SaddleStudyConfig *c) { c->batch = 0; }
static void break_epochs (SaddleStudyConfig *c) { c->epochs = 100001; }
static void break_epochs_zero (SaddleStudyConfig *c) { c->epochs = 0; }
static void break_runs (SaddleStudyConfig *c) { c->runs = 0; }
static void break_runs_high (SaddleStudyConfig *c) { c->runs = 10001; }
static void break_threads (SaddleStudyConfig *c) { c->threads = 257; }
static void break_layer (SaddleStudyConfig *c) { c->layer = 3; }
static void break_tolerance (SaddleStudyConfig *c) { c->zero_tolerance = 1.0; }
static void break_tolerance_zero (SaddleStudyConfig *c) { c->zero_tolerance = 0.0; }
static void break_grad_tolerance (SaddleStudyConfig *c) { c->grad_tolerance = -1e-3; }
static void break_descent_steps (SaddleStudyConfig *c) { c->descent_steps = 1000001; }
static void break_descent_lr (SaddleStudyConfig *c) { c->descent_lr = INFINITY; }
static void break_size (SaddleStudyConfig *c) { c->hidden[0] = 100000; c->hidden[1] = 100000; }
static void break_data (SaddleStudyConfig *c) { c->data_path = g_strdup (""); }
static void break_activation (SaddleStudyConfig *c) { c->activation = (SaddleActivation) 17; }
static void break_surface (SaddleStudyConfig *c) { c->surface_resolution = 1; }
static void break_surface_high (SaddleStudyConfig *c) { c->surface_resolution = 402; }

static void
test_validate (void)
{
  static const struct
  {
    BreakFunc          func;
    SaddleConfigField  field;         /* the error's code */
    const char        *expect[2];     /* substrings of the message */
  } cases[] = {
    { break_samples,         SADDLE_CONFIG_FIELD_SAMPLES, { "1–1000000", NULL } },
    { break_samples_high,    SADDLE_CONFIG_FIELD_SAMPLES, { "got 1000001", NULL } },
    { break_width,           SADDLE_CONFIG_FIELD_HIDDEN, { "100000", NULL } },
    { break_layers,          SADDLE_CONFIG_FIELD_HIDDEN, { "0–8", NULL } },
    { break_lr,              SADDLE_CONFIG_FIELD_LR, { "must be a finite number in (0, 10]; got 50", NULL } },
    { break_lr_zero,         SADDLE_CONFIG_FIELD_LR, { "(0, 10]", NULL } },
    { break_lr_nan,          SADDLE_CONFIG_FIELD_LR, { "got nan", NULL } },
    { break_batch,           SADDLE_CONFIG_FIELD_BATCH, { "got 0", NULL } },
    { break_epochs,          SADDLE_CONFIG_FIELD_EPOCHS, { "1–100000", NULL } },
    { break_epochs_zero,     SADDLE_CONFIG_FIELD_EPOCHS, { "got 0", NULL } },
    { break_runs,            SADDLE_CONFIG_FIELD_RUNS, { "1–10000", NULL } },
    { break_runs_high,       SADDLE_CONFIG_FIELD_RUNS, { "got 10001", NULL } },
    { break_threads,         SADDLE_CONFIG_FIELD_THREADS, { "0–256", NULL } },
    { break_layer,           SADDLE_CONFIG_FIELD_LAYER, { "1–3", NULL } },
    { break_tolerance,       SADDLE_CONFIG_FIELD_ZERO_TOLERANCE, { "(0, 1)", NULL } },
    { break_tolerance_zero,  SADDLE_CONFIG_FIELD_ZERO_TOLERANCE, { "got 0", NULL } },
    { break_grad_tolerance,  SADDLE_CONFIG_FIELD_GRAD_TOLERANCE, { "(0, 1)", NULL } },
    { break_descent_steps,   SADDLE_CONFIG_FIELD_DESCENT_STEPS, { "0–1000000", NULL } },
    { break_descent_lr,      SADDLE_CONFIG_FIELD_DESCENT_LR, { "got inf", NULL } },
    { break_size,            SADDLE_CONFIG_FIELD_HIDDEN, { "100000000", NULL } },
    { break_data,            SADDLE_CONFIG_FIELD_DATA, { "empty", NULL } },
    { break_activation,      SADDLE_CONFIG_FIELD_ACTIVATION, { "relu", NULL } },
    { break_surface,         SADDLE_CONFIG_FIELD_SURFACE, { "2–401", NULL } },
    { break_surface_high,    SADDLE_CONFIG_FIELD_SURFACE, { "got 402", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SaddleStudyConfig config;
      g_autoptr(GError) error = NULL;

      saddle_study_config_init (&config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_IMAGE);
      cases[i].func (&config);
      g_assert_false (saddle_study_config_validate (&config, &error));
      g_assert_error (error, SADDLE_CONFIG_ERROR, (int) cases[i].field);
      /* The engine speaks of the value; the faces name the field (no CLI flag here). */
      g_assert_null (strstr (error->message, "--"));
      for (guint k = 0; k < 2; k++)
        if (cases[i].expect[k] != NULL && strstr (error->message, cases[i].expect[k]) == NULL)
          g_error ("case %u: “%s” does not contain “%s”", i, error->message, cases[i].expect[k]);
      saddle_study_config_clear (&config);
    }

  /* The edges of each range are accepted. */
  {
    SaddleStudyConfig config;

    saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
    config.lr = 10.0;
    config.samples = 1;
    config.runs = 10000;
    config.threads = 256;
    config.layer = 2;
    config.descent_steps = 0;
    config.epochs = 100000;
    g_assert_true (saddle_study_config_validate (&config, NULL));
    config.n_hidden = 0;
    config.layer = 0;
    g_assert_true (saddle_study_config_validate (&config, NULL));
    saddle_study_config_clear (&config);
  }

  g_assert_cmpstr (saddle_config_field_range (SADDLE_CONFIG_FIELD_LR), ==, "(0, 10]");
  g_assert_true (saddle_config_field_accepts (SADDLE_CONFIG_FIELD_LR, 10));
  g_assert_false (saddle_config_field_accepts (SADDLE_CONFIG_FIELD_LR, 0));
  g_assert_false (saddle_config_field_accepts (SADDLE_CONFIG_FIELD_EPOCHS, 2.5));
  g_assert_true (saddle_config_field_accepts (SADDLE_CONFIG_FIELD_SURFACE, 0));
  g_assert_false (saddle_config_field_accepts (SADDLE_CONFIG_FIELD_SURFACE, 1));
  g_assert_true (saddle_config_field_accepts (SADDLE_CONFIG_FIELD_CLARKE_EPSILON, 0));
}

/* The memory a study would hold is estimated before it starts, with the check the run uses. */
static void
test_check_memory (void)
{
  SaddleStudyConfig config;
  g_autoptr(GError) error = NULL;
  gsize available = saddle_available_memory ();
  /* 784 → 3000 → 3000 → 10, the example: 11,388,010 parameters. */
  gsize n_params = 784 * 3000 + 3000 + 3000 * 3000 + 3000 + 3000 * 10 + 10;
  gsize need = 0;
  gboolean ok;

  saddle_study_config_init (&config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_IMAGE);
  /* 8 runs × (the start + 30 epochs) snapshots of θ: 22.6 GB. */
  ok = saddle_study_check_memory (&config, SADDLE_STUDY_TRAJECTORIES, 1000, n_params, &need, &error);
  g_assert_cmpuint (need, ==, (gsize) 8 * 31 * n_params * sizeof (double));
  g_assert_cmpint (ok, ==, need <= available / 2);
  if (!ok)
    {
      g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY);
      /* 0 takes one at each epoch's end: only an interval beyond an epoch's 5 steps helps. */
      g_assert_nonnull (strstr (error->message, "about 248 of 11388010 parameters"));
      g_assert_nonnull (strstr (error->message, "set it above the 5 steps of an epoch"));
      g_clear_error (&error);
    }

  /* Far beyond any machine: refused, and the need saturates instead of wrapping. */
  config.runs = 10000;
  config.epochs = 100000;
  config.batch = 1;
  config.snapshot_every = 1;
  g_assert_false (saddle_study_check_memory (&config, SADDLE_STUDY_TRAJECTORIES, 1000000,
                                             100000000, &need, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY);
  g_assert_nonnull (strstr (error->message, "raise it"));
  g_assert_cmpuint (need, ==, G_MAXSIZE);
  g_clear_error (&error);

  /* Critical: the Hessian, plus its eigenvectors up to SADDLE_NEWTON_DENSE_MAX parameters. */
  g_assert_true (saddle_study_check_memory (&config, SADDLE_STUDY_CRITICAL, 100, 1000, &need, NULL));
  g_assert_cmpuint (need, ==, (gsize) 2 * 1000 * 1000 * sizeof (double));
  ok = saddle_study_check_memory (&config, SADDLE_STUDY_CRITICAL, 100, 100000, &need, &error);
  g_assert_cmpuint (need, ==, (gsize) 100000 * 100000 * sizeof (double));
  g_assert_cmpint (ok, ==, need <= available);
  g_clear_error (&error);
  g_assert_false (saddle_study_check_memory (&config, SADDLE_STUDY_CRITICAL, 100, n_params, &need,
                                             &error));
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Gradnorm keeps no snapshots. */
  g_assert_true (saddle_study_check_memory (&config, SADDLE_STUDY_GRADNORM, 100, n_params, &need, NULL));
  g_assert_cmpuint (need, ==, 0);
  saddle_study_config_clear (&config);
}

static void
test_hidden (void)
{
  static const struct
  {
    const char *text;
    guint       n;
    guint       widths[3];
    const char *canonical;
  } good[] = {
    { "20,20", 2, { 20, 20 }, "20,20" },
    { " 5 , 6 ,7 ", 3, { 5, 6, 7 }, "5,6,7" },
    { "363", 1, { 363 }, "363" },
    { "100000", 1, { 100000 }, "100000" },
    { "", 0, { 0 }, "" },
    { "   ", 0, { 0 }, "" },
  };
  static const struct
  {
    const char *text;
    const char *expect;
  } bad[] = {
    { "20,,x", "character 4" },
    { "20,", "character 4" },
    { ",20", "character 1" },
    { "20;20", "character 3" },
    { "x", "character 1" },
    { "0", "1–100000" },
    { "100001", "1–100000" },
    { "99999999999999999999", "1–100000" },
    { "-5", "character 1" },
    { "1,2,3,4,5,6,7,8,9", "at most 8" },
  };
  SaddleStudyConfig config;

  saddle_study_config_init (&config, SADDLE_STUDY_GRADNORM, SADDLE_TASK_IMAGE);
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      g_assert_true (saddle_study_config_set_hidden (&config, good[i].text, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (config.n_hidden, ==, good[i].n);
      for (guint k = 0; k < good[i].n; k++)
        g_assert_cmpuint (config.hidden[k], ==, good[i].widths[k]);
      text = saddle_study_config_hidden_string (&config);
      g_assert_cmpstr (text, ==, good[i].canonical);
    }

  /* A refused string leaves the config as it was. */
  g_assert_true (saddle_study_config_set_hidden (&config, "20,20", NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (saddle_study_config_set_hidden (&config, bad[i].text, &error));
      g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_HIDDEN);
      g_assert_null (strstr (error->message, "--"));
      if (strstr (error->message, bad[i].expect) == NULL)
        g_error ("“%s”: “%s” does not contain “%s”", bad[i].text, error->message, bad[i].expect);
      g_assert_cmpuint (config.n_hidden, ==, 2);
      g_assert_cmpuint (config.hidden[0], ==, 20);
    }
  saddle_study_config_clear (&config);
}

static void
test_copy_and_strings (void)
{
  SaddleStudyConfig a, b;
  SaddleStudyKind kind;
  SaddleTask task;

  saddle_study_config_init (&a, SADDLE_STUDY_GRADNORM, SADDLE_TASK_FUNCTION);
  a.data_path = g_strdup ("/tmp/x.csv");
  saddle_study_config_copy (&a, &b);
  g_assert_cmpstr (b.data_path, ==, "/tmp/x.csv");
  g_assert_true (b.data_path != a.data_path);
  g_assert_cmpuint (b.hidden[0], ==, 363);
  saddle_study_config_clear (&a);
  g_assert_null (a.data_path);
  g_assert_cmpstr (b.data_path, ==, "/tmp/x.csv");
  saddle_study_config_clear (&b);
  saddle_study_config_clear (&b);

  for (guint k = SADDLE_STUDY_TRAJECTORIES; k <= SADDLE_STUDY_CRITICAL; k++)
    {
      g_assert_true (saddle_study_kind_from_string (saddle_study_kind_to_string (k), &kind));
      g_assert_cmpint (kind, ==, k);
    }
  g_assert_cmpstr (saddle_study_kind_to_string (SADDLE_STUDY_GRADNORM), ==, "gradnorm");
  g_assert_false (saddle_study_kind_from_string ("gradient", &kind));
  g_assert_false (saddle_study_kind_from_string (NULL, &kind));
  g_assert_true (saddle_task_from_string ("image", &task));
  g_assert_cmpint (task, ==, SADDLE_TASK_IMAGE);
  g_assert_true (saddle_task_from_string ("function", &task));
  g_assert_cmpint (task, ==, SADDLE_TASK_FUNCTION);
  g_assert_cmpstr (saddle_task_to_string (SADDLE_TASK_FUNCTION), ==, "function");
  g_assert_false (saddle_task_from_string ("images", &task));
}

static void
test_load_dataset (void)
{
  SaddleStudyConfig config;
  g_autoptr(SaddleDataset) points = NULL;
  g_autoptr(SaddleDataset) csv = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  small_function_config (&config, SADDLE_STUDY_GRADNORM);
  points = saddle_study_config_load_dataset (&config, &error);
  g_assert_no_error (error);
  g_assert_cmpint (points->kind, ==, SADDLE_DATASET_REGRESSION);
  g_assert_cmpuint (points->n_samples, ==, 60);
  g_assert_cmpuint (saddle_study_config_n_params (&config, points), ==, 25);
  g_assert_true (saddle_study_config_check_dataset (&config, points, NULL));

  /* A regression set does not fit the image task, and the message says what to do. */
  config.task = SADDLE_TASK_IMAGE;
  g_assert_false (saddle_study_config_check_dataset (&config, points, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_TASK);
  g_assert_nonnull (strstr (error->message, "fit a function"));
  g_clear_error (&error);
  config.task = SADDLE_TASK_FUNCTION;

  /* A CSV given as data_path is read instead of the generated function, first N rows. */
  dir = g_dir_make_tmp ("saddle-study-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "points.csv", NULL);
  g_assert_true (g_file_set_contents (path, "x,y\n0,1\n0.5,2\n1,3\n1.5,4\n", -1, NULL));
  config.data_path = g_strdup (path);
  config.samples = 3;
  csv = saddle_study_config_load_dataset (&config, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (csv->n_samples, ==, 3);
  g_assert_cmpfloat (csv->targets[2], ==, 3.0);

  /* A missing file is an error, not a crash. */
  g_free (config.data_path);
  config.data_path = g_build_filename (dir, "missing.csv", NULL);
  g_assert_null (saddle_study_config_load_dataset (&config, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_null (saddle_study_run (&config, SADDLE_STUDY_GRADNORM, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_unlink (path);
  g_rmdir (dir);
  saddle_study_config_clear (&config);

  if (have_bundled_images ())
    {
      g_autoptr(SaddleDataset) images = NULL;

      saddle_study_config_init (&config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_IMAGE);
      config.samples = 100;
      images = saddle_study_config_load_dataset (&config, &error);
      g_assert_no_error (error);
      g_assert_cmpint (images->kind, ==, SADDLE_DATASET_CLASSIFICATION);
      g_assert_cmpuint (images->n_samples, ==, 100);
      g_assert_cmpuint (images->n_inputs, ==, 784);
      g_assert_cmpuint (images->n_outputs, ==, 10);
      /* …and an image set does not fit the function task. */
      config.task = SADDLE_TASK_FUNCTION;
      g_assert_false (saddle_study_config_check_dataset (&config, images, &error));
      g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_TASK);
      saddle_study_config_clear (&config);
    }
}

/* The run, iteration and numbers of the history, compared exactly. */
static gboolean
histories_equal (const SaddleHistory *a,
                 const SaddleHistory *b)
{
  if (a->iterations->len != b->iterations->len || a->epochs->len != b->epochs->len)
    return FALSE;
  for (guint i = 0; i < a->iterations->len; i++)
    {
      const SaddleIterationRecord *x = &g_array_index (a->iterations, SaddleIterationRecord, i);
      const SaddleIterationRecord *y = &g_array_index (b->iterations, SaddleIterationRecord, i);

      if (x->run != y->run || x->iteration != y->iteration || x->epoch != y->epoch
          || x->loss != y->loss || x->grad_norm != y->grad_norm)
        return FALSE;
    }
  for (guint i = 0; i < a->epochs->len; i++)
    {
      const SaddleEpochRecord *x = &g_array_index (a->epochs, SaddleEpochRecord, i);
      const SaddleEpochRecord *y = &g_array_index (b->epochs, SaddleEpochRecord, i);

      if (x->run != y->run || x->epoch != y->epoch || x->loss != y->loss
          || x->grad_norm != y->grad_norm)
        return FALSE;
    }
  return TRUE;
}

static void
check_trajectory_study (const SaddleStudyConfig *config,
                        SaddleDataset           *dataset,
                        guint                    steps_per_epoch,
                        guint                    snapshots_per_run)
{
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(GError) error = NULL;
  const SaddleTrajectory *t;
  Counter counter;

  counter_init (&counter);
  results = saddle_study_run (config, SADDLE_STUDY_TRAJECTORIES, dataset, count_cb, &counter,
                              &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_false (results->cancelled);
  g_assert_cmpuint (results->failures->len, ==, 0);
  g_assert_cmpint (results->kind, ==, SADDLE_STUDY_TRAJECTORIES);
  g_assert_cmpuint (results->n_params, ==, saddle_study_config_n_params (config, dataset));
  g_assert_cmpstr (results->dataset_name, ==, dataset->name);
  g_assert_cmpuint (results->config.runs, ==, config->runs);
  g_assert_null (results->critical);

  /* One record per step, one per epoch plus the start, per run. */
  g_assert_cmpuint (results->history->iterations->len, ==,
                    config->runs * config->epochs * steps_per_epoch);
  g_assert_cmpuint (results->history->epochs->len, ==, config->runs * (config->epochs + 1));
  g_assert_cmpuint (results->history->n_runs, ==, config->runs);

  t = results->trajectory;
  g_assert_nonnull (t);
  g_assert_cmpuint (saddle_trajectory_n_snapshots (t), ==, config->runs * snapshots_per_run);
  g_assert_cmpuint (counter.snapshots, ==, config->runs * snapshots_per_run);
  /* The estimate that reserves their memory and checks it fits is the count itself. */
  g_assert_cmpuint (saddle_study_estimate_snapshots (config, dataset->n_samples), ==,
                    config->runs * snapshots_per_run);
  g_assert_cmpuint (t->n_params, ==, results->n_params);
  g_assert_cmpuint (t->layer, ==, config->layer);
  g_assert_nonnull (t->pca);
  g_assert_nonnull (t->layer_pca);
  g_assert_cmpuint (t->pca->n_points, ==, config->runs * snapshots_per_run);
  g_assert_cmpuint (t->pca->dim, ==, results->n_params);
  g_assert_cmpuint (t->layer_pca->dim, ==, t->layer_size);
  g_assert_cmpfloat (t->pca->explained_ratio[0], >, 0.0);
  g_assert_cmpfloat (t->pca->explained_ratio[0], <=, 1.0 + 1e-12);

  /* The loss surface over the plane, when asked for: its nodes, and every snapshot measured. */
  if (config->surface_resolution > 0)
    {
      const SaddleSurface *surface = t->surface;

      g_assert_nonnull (surface);
      g_assert_cmpuint (surface->resolution, ==, config->surface_resolution);
      g_assert_cmpfloat (surface->loss_min, <=, surface->loss_max);
      g_assert_cmpfloat (surface->pc1_min, <, surface->pc1_max);
      g_assert_cmpuint (t->plane_distance->len, ==, saddle_trajectory_n_snapshots (t));
      g_assert_cmpuint (t->surface_loss->len, ==, saddle_trajectory_n_snapshots (t));
      for (guint i = 0; i < t->plane_distance->len; i++)
        {
          g_assert_true (isfinite (g_array_index (t->plane_distance, double, i)));
          g_assert_cmpfloat (g_array_index (t->plane_distance, double, i), >=, 0.0);
          g_assert_true (isfinite (g_array_index (t->surface_loss, double, i)));
        }
    }
  else
    g_assert_null (t->surface);

  /* The kept final θ of each run is its last snapshot. */
  g_assert_cmpuint (results->final_params->len, ==, config->runs);
  for (guint r = 0; r < config->runs; r++)
    {
      const double *theta = g_ptr_array_index (results->final_params, r);
      gsize last = (r + 1) * snapshots_per_run - 1;
      const double *snap = &g_array_index (t->params, double, last * t->n_params);

      g_assert_nonnull (theta);
      g_assert_cmpint (memcmp (theta, snap, t->n_params * sizeof (double)), ==, 0);
      g_assert_cmpuint (g_array_index (t->info, SaddleSnapshotInfo, last).run, ==, r);
    }

  /* Progress: monotone, ending at 1. */
  g_assert_true (counter.fraction_monotone);
  g_assert_cmpuint (counter.progress, >=, config->runs);
  g_assert_cmpfloat (counter.last_fraction, ==, 1.0);
}

static void
test_trajectories_function (void)
{
  g_autoptr(SaddleDataset) dataset = NULL;
  SaddleStudyConfig config;

  small_function_config (&config, SADDLE_STUDY_TRAJECTORIES);
  dataset = saddle_study_config_load_dataset (&config, NULL);
  /* 60 points in batches of 20: 3 steps an epoch; a snapshot at the start and each epoch end. */
  check_trajectory_study (&config, dataset, 3, config.epochs + 1);

  /* Snapshots every 2 steps (and after the very last): 12 steps → 1 + 6 per run; a surface. */
  config.snapshot_every = 2;
  config.surface_resolution = 5;
  check_trajectory_study (&config, dataset, 3, 1 + 6);
  config.snapshot_every = 5;
  check_trajectory_study (&config, dataset, 3, 1 + 2 + 1);
  saddle_study_config_clear (&config);
}

/* A small trajectories study of the bundled images (3 runs, 3 epochs of 2 steps, a 4 × 4
 * surface), or FALSE (the test skipped) when they are not there. */
static gboolean
small_image_config (SaddleStudyConfig *config)
{
  if (!have_bundled_images ())
    {
      g_test_skip ("the bundled Fashion-MNIST subset is not there");
      return FALSE;
    }
  saddle_study_config_init (config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_IMAGE);
  config->samples = 100;
  config->runs = 3;
  config->epochs = 3;
  config->batch = 50;
  config->layer = 1;
  config->threads = 1;
  config->surface_resolution = 4;
  return TRUE;
}

/* The image task's runs are also measured on the held-out test images bundled beside the
 * training ones (1,000 of them): an accuracy in [0, 1] that is a multiple of 1/1000, per run,
 * that of its own final θ (each run measures it on its worker). The function task has no test
 * set: NAN. */
static void
test_test_accuracy (void)
{
  g_autoptr(SaddleStudyResults) image = NULL;
  g_autoptr(SaddleStudyResults) function = NULL;
  g_autoptr(SaddleDataset) train_set = NULL;
  g_autoptr(SaddleDataset) test_set = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  SaddleBatch batch;

  if (!small_image_config (&config))
    return;
  config.surface_resolution = 0;
  config.jobs = 2;
  image = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  train_set = saddle_study_config_load_dataset (&config, &error);
  g_assert_no_error (error);
  model = saddle_study_config_new_model (&config, train_set, &error);
  g_assert_no_error (error);
  test_set = saddle_dataset_load_idx_dir (saddle_dataset_bundled_dir (), TRUE, 0, &error);
  g_assert_no_error (error);
  saddle_batch_init_full (&batch, test_set);
  for (guint run = 0; run < config.runs; run++)
    {
      double test = saddle_trajectory_test_accuracy (image->trajectory, run);
      double train = saddle_trajectory_final_accuracy (image->trajectory, run);

      g_test_message ("run %u: training accuracy %.3f, test %.3f", run + 1, train, test);
      g_assert_true (test > 0.1 && test <= 1.0);
      g_assert_cmpfloat (fabs (test * 1000 - round (test * 1000)), <, 1e-9);
      g_assert_cmpfloat (test, ==, saddle_model_accuracy (model,
                                                          g_ptr_array_index (image->final_params,
                                                                             run),
                                                          &batch));
    }
  g_assert_true (isnan (saddle_trajectory_test_accuracy (image->trajectory, config.runs)));
  saddle_study_config_clear (&config);

  saddle_study_config_init (&config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_FUNCTION);
  config.samples = 50;
  config.hidden[0] = 8;
  config.runs = 1;
  config.epochs = 2;
  config.surface_resolution = 0;
  function = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (isnan (saddle_trajectory_test_accuracy (function->trajectory, 0)));
  saddle_study_config_clear (&config);
}

static void
test_trajectories_image (void)
{
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;

  if (!small_image_config (&config))
    return;
  dataset = saddle_study_config_load_dataset (&config, &error);
  g_assert_no_error (error);
  check_trajectory_study (&config, dataset, 2, config.epochs + 1);
  saddle_study_config_clear (&config);
}

/* The default gradient-norm study of @task, one run: every epoch record carries the whole-set
 * ‖∇L‖, and the smoothing window sized to the noise of its steps lies in [@lo, @hi]. */
static void
check_noise_window (SaddleTask task,
                    guint      lo,
                    guint      hi)
{
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) loss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) norm = g_array_new (FALSE, FALSE, sizeof (double));
  SaddleStudyConfig config;
  guint w_loss, w_norm;
  gint64 start;

  saddle_study_config_init (&config, SADDLE_STUDY_GRADNORM, task);
  config.runs = 1;
  config.threads = 1;
  start = g_get_monotonic_time ();
  results = saddle_study_run (&config, SADDLE_STUDY_GRADNORM, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The study's own clock: within the call's, which also loaded the data. */
  g_assert_cmpfloat (results->seconds, >, 0.0);
  g_assert_cmpfloat (results->seconds, <=,
                     (g_get_monotonic_time () - start) / (double) G_TIME_SPAN_SECOND);
  g_assert_cmpuint (results->history->epochs->len, ==, config.epochs + 1);
  for (guint i = 0; i < results->history->epochs->len; i++)
    {
      double g = g_array_index (results->history->epochs, SaddleEpochRecord, i).grad_norm;

      g_assert_true (isfinite (g) && g > 0.0);
    }
  for (guint i = 0; i < results->history->iterations->len; i++)
    {
      const SaddleIterationRecord *r = &g_array_index (results->history->iterations,
                                                       SaddleIterationRecord, i);

      g_array_append_val (loss, r->loss);
      g_array_append_val (norm, r->grad_norm);
    }
  w_loss = saddle_stats_noise_window ((const double *) loss->data, loss->len, TRUE);
  w_norm = saddle_stats_noise_window ((const double *) norm->data, norm->len, TRUE);
  g_test_message ("%s: %u steps, smoothing window %u (loss), %u (‖∇L‖); 1 %% would be %u",
                  task == SADDLE_TASK_IMAGE ? "image" : "function", loss->len, w_loss, w_norm,
                  MAX (3u, (guint) ceil (0.01 * loss->len)) | 1u);
  g_assert_cmpuint (w_loss, >=, lo);
  g_assert_cmpuint (w_loss, <=, hi);
  g_assert_cmpuint (w_norm, >=, lo);
  g_assert_cmpuint (w_norm, <=, hi);
  saddle_study_config_clear (&config);
}

/* Measured over the 8 runs of each default study: 31–61 steps on the function task (10,000),
 * 9–19 on the image task (150; at most n / 8 = 19). A fixed 1 % of the steps gave 3 on the
 * image task: no smoothing at all. */
static void
test_noise_window (void)
{
  check_noise_window (SADDLE_TASK_FUNCTION, 15, 200);
  if (have_bundled_images ())
    check_noise_window (SADDLE_TASK_IMAGE, 7, 19);
  else
    g_test_skip ("the bundled Fashion-MNIST subset is not there: function task only");
}

static void
test_determinism (void)
{
  g_autoptr(SaddleStudyResults) a = NULL;
  g_autoptr(SaddleStudyResults) b = NULL;
  g_autoptr(SaddleStudyResults) c = NULL;
  SaddleStudyConfig config;

  small_function_config (&config, SADDLE_STUDY_GRADNORM);
  a = saddle_study_run (&config, SADDLE_STUDY_GRADNORM, NULL, NULL, NULL, NULL);
  b = saddle_study_run (&config, SADDLE_STUDY_GRADNORM, NULL, NULL, NULL, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_null (a->trajectory);
  g_assert_null (a->critical);
  g_assert_cmpuint (a->history->iterations->len, ==, 3 * 4 * 3);
  g_assert_true (histories_equal (a->history, b->history));
  for (guint r = 0; r < config.runs; r++)
    g_assert_cmpint (memcmp (g_ptr_array_index (a->final_params, r),
                             g_ptr_array_index (b->final_params, r),
                             a->n_params * sizeof (double)), ==, 0);

  /* Runs of one study differ from each other… */
  g_assert_cmpint (memcmp (g_ptr_array_index (a->final_params, 0),
                           g_ptr_array_index (a->final_params, 1),
                           a->n_params * sizeof (double)), !=, 0);

  /* …and another seed gives other numbers. */
  config.seed = 2;
  c = saddle_study_run (&config, SADDLE_STUDY_GRADNORM, NULL, NULL, NULL, NULL);
  g_assert_nonnull (c);
  g_assert_cmpuint (c->history->iterations->len, ==, a->history->iterations->len);
  g_assert_false (histories_equal (a->history, c->history));
  g_assert_cmpfloat (g_array_index (a->history->iterations, SaddleIterationRecord, 0).loss, !=,
                     g_array_index (c->history->iterations, SaddleIterationRecord, 0).loss);
  saddle_study_config_clear (&config);
}

static void
test_independence (void)
{
  g_autoptr(SaddleStudyResults) all = NULL;
  g_autoptr(SaddleStudyResults) one = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  SaddleStudyConfig config;
  guint k = 0;

  small_function_config (&config, SADDLE_STUDY_TRAJECTORIES);
  config.runs = 4;
  dataset = saddle_study_config_load_dataset (&config, NULL);
  all = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, dataset, NULL, NULL, NULL);
  g_assert_nonnull (all);

  /* Run 2 alone, as another machine would run it. */
  config.first_run = 2;
  config.runs = 1;
  one = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, dataset, NULL, NULL, NULL);
  g_assert_nonnull (one);
  g_assert_cmpuint (one->history->n_runs, ==, 3);

  for (guint i = 0; i < all->history->iterations->len; i++)
    {
      const SaddleIterationRecord *x = &g_array_index (all->history->iterations,
                                                       SaddleIterationRecord, i);
      const SaddleIterationRecord *y;

      if (x->run != 2)
        continue;
      g_assert_cmpuint (k, <, one->history->iterations->len);
      y = &g_array_index (one->history->iterations, SaddleIterationRecord, k++);
      g_assert_cmpuint (y->run, ==, 2);
      g_assert_cmpuint (y->iteration, ==, x->iteration);
      g_assert_cmpfloat (y->loss, ==, x->loss);
      g_assert_cmpfloat (y->grad_norm, ==, x->grad_norm);
    }
  g_assert_cmpuint (k, ==, one->history->iterations->len);
  g_assert_cmpuint (k, >, 0);
  g_assert_cmpint (memcmp (g_ptr_array_index (all->final_params, 2),
                           g_ptr_array_index (one->final_params, 0),
                           all->n_params * sizeof (double)), ==, 0);
  saddle_study_config_clear (&config);
}

static void
test_cancel (void)
{
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(SaddleStudyResults) early = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  Counter counter;
  guint run1_steps = 0;

  small_function_config (&config, SADDLE_STUDY_TRAJECTORIES);
  config.surface_resolution = 5;
  /* Which runs a cancel finds done depends on the order they run in: one after another here. */
  config.jobs = 1;

  /* Stop at run 1's first step: run 0 is whole, run 1 has its start only; no surface then. */
  counter_init (&counter);
  counter.stop_on_run = TRUE;
  counter.stop_run = 1;
  results = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, NULL, count_cb, &counter,
                              &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_true (results->cancelled);
  g_assert_cmpuint (results->failures->len, ==, 0);
  for (guint i = 0; i < results->history->iterations->len; i++)
    {
      const SaddleIterationRecord *r = &g_array_index (results->history->iterations,
                                                       SaddleIterationRecord, i);

      g_assert_cmpuint (r->run, <=, 1);
      if (r->run == 1)
        run1_steps++;
    }
  g_assert_cmpuint (results->history->iterations->len - run1_steps, ==, 4 * 3);
  g_assert_cmpuint (run1_steps, <=, 1);
  g_assert_nonnull (g_ptr_array_index (results->final_params, 0));
  g_assert_null (g_ptr_array_index (results->final_params, 1));
  g_assert_null (g_ptr_array_index (results->final_params, 2));
  /* The PCA of what was done: run 0's 5 snapshots and run 1's start. */
  g_assert_cmpuint (saddle_trajectory_n_snapshots (results->trajectory), ==, 5 + 1);
  g_assert_nonnull (results->trajectory->pca);
  g_assert_cmpuint (results->trajectory->pca->n_points, ==, 6);
  g_assert_null (results->trajectory->surface);

  /* Stopped at the very first event: nothing to project, still no error. */
  counter_init (&counter);
  counter.stop_at = 1;
  early = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, NULL, count_cb, &counter, &error);
  g_assert_no_error (error);
  g_assert_nonnull (early);
  g_assert_true (early->cancelled);
  g_assert_cmpuint (counter.events, ==, 1);
  g_assert_cmpuint (early->history->iterations->len, ==, 0);
  g_assert_null (early->trajectory->pca);
  saddle_study_config_clear (&config);
}

static void
test_failures (void)
{
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  gboolean found_mixed = FALSE;

  /* A linear network: its MSE diverges (not stalls, as dead ReLUs do) when the step is too big. */
  small_function_config (&config, SADDLE_STUDY_TRAJECTORIES);
  config.activation = SADDLE_ACTIVATION_IDENTITY;
  config.optimizer = SADDLE_OPTIMIZER_SGD;
  config.runs = 8;
  config.epochs = 20;
  config.jobs = 2;
  dataset = saddle_study_config_load_dataset (&config, NULL);

  /* Every run diverges: the study fails, naming the first failure. */
  config.lr = 10.0;
  g_assert_null (saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, dataset, NULL, NULL,
                                   &error));
  g_assert_error (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_ALL_FAILED);
  g_assert_nonnull (strstr (error->message, "run 1:"));
  g_clear_error (&error);

  /* Near the edge of stability some seeds diverge and others do not: those
   * fail alone and the others' results stay. Seeds are fixed, so the same
   * learning rate always splits the same way. */
  for (double lr = 0.25; lr <= 8.0 && !found_mixed; lr *= 1.25)
    {
      g_autoptr(SaddleStudyResults) results = NULL;
      Counter counter;
      guint succeeded = 0;

      config.lr = lr;
      counter_init (&counter);
      results = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, dataset, count_cb, &counter,
                                  &error);
      if (results == NULL)
        {
          g_assert_error (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_ALL_FAILED);
          g_clear_error (&error);
          continue;
        }
      if (results->failures->len == 0)
        continue;

      found_mixed = TRUE;
      g_test_message ("lr %g: %u of %u runs failed", lr, results->failures->len, config.runs);
      g_assert_cmpuint (counter.run_failed, ==, results->failures->len);
      g_assert_false (results->cancelled);
      for (guint r = 0; r < config.runs; r++)
        {
          const double *theta = g_ptr_array_index (results->final_params, r);
          g_autofree char *prefix = g_strdup_printf ("run %u: ", r + 1);
          gboolean failed = FALSE;
          gsize snapshots = 0;

          for (guint f = 0; f < results->failures->len; f++)
            failed |= g_str_has_prefix (g_ptr_array_index (results->failures, f), prefix);
          g_assert_true (failed == (theta == NULL));
          if (!failed)
            succeeded++;

          /* A failed run leaves no snapshot behind; a good one keeps all of its own, the last
           * its final θ (the later runs' vectors moved down over the failed runs' room). */
          for (guint i = 0; i < results->trajectory->info->len; i++)
            if (g_array_index (results->trajectory->info, SaddleSnapshotInfo, i).run == r)
              {
                const double *params = (const double *) (void *) results->trajectory->params->data
                                       + (gsize) i * results->n_params;

                snapshots++;
                if (snapshots == config.epochs + 1)
                  g_assert_cmpmem (params, results->n_params * sizeof (double),
                                   theta, results->n_params * sizeof (double));
              }
          g_assert_cmpuint (snapshots, ==, failed ? 0 : config.epochs + 1);
        }
      g_assert_cmpuint (succeeded + results->failures->len, ==, config.runs);
      g_assert_cmpuint (succeeded, >, 0);
      g_assert_nonnull (results->trajectory->pca);
      for (guint f = 0; f < results->failures->len; f++)
        g_assert_nonnull (strstr (g_ptr_array_index (results->failures, f), "step"));
    }
  g_assert_true (found_mixed);
  saddle_study_config_clear (&config);
}

static void
test_critical (void)
{
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  Counter counter;

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  config.samples = 50;
  config.hidden[0] = 8;
  config.n_hidden = 1;
  config.activation = SADDLE_ACTIVATION_TANH;
  config.batch = 10;
  config.epochs = 10;
  config.runs = 2;
  config.descent_steps = 50;
  config.threads = 1;

  counter_init (&counter);
  results = saddle_study_run (&config, SADDLE_STUDY_CRITICAL, NULL, count_cb, &counter, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_null (results->trajectory);
  g_assert_nonnull (results->critical);
  g_assert_cmpuint (results->n_params, ==, 25);
  g_assert_cmpuint (results->critical->points->len, ==, 2);
  g_assert_cmpuint (counter.critical, ==, 2);
  g_assert_cmpfloat (results->critical->tolerance, ==, config.zero_tolerance);
  g_assert_true (counter.fraction_monotone);
  g_assert_cmpfloat (counter.last_fraction, ==, 1.0);

  for (guint i = 0; i < 2; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (results->critical->points, i);
      const SaddleSpectrum *s = p->spectrum;

      g_assert_cmpuint (p->run, ==, i);
      g_assert_cmpuint (p->n_params, ==, 25);
      g_assert_nonnull (s);
      g_assert_cmpuint (s->n, ==, 25);
      g_assert_cmpuint (s->positive + s->negative + s->zero, ==, 25);
      g_assert_cmpuint (p->steps, <=, config.descent_steps);
      g_assert_true (isfinite (p->loss));
      g_assert_true (isfinite (p->grad_norm_start));
      /* The descent keeps the best point it saw; Newton never raises ‖∇L‖ either. */
      g_assert_cmpfloat (p->grad_norm_descent, <=, p->grad_norm_start * (1.0 + 1e-9));
      g_assert_cmpfloat (p->grad_norm, <=, p->grad_norm_descent * (1.0 + 1e-9));
      g_assert_cmpuint (p->dead_units, ==, 0);   /* tanh has none */
      g_assert_cmpint (memcmp (p->params, g_ptr_array_index (results->final_params, i),
                               25 * sizeof (double)), ==, 0);
    }
  /* The training history is kept too. */
  g_assert_cmpuint (results->history->iterations->len, ==, 2 * 10 * 5);
  saddle_study_config_clear (&config);
}

typedef struct
{
  gint     busy;            /* callers inside serial_cb now */
  gboolean overlapped;      /* two calls ever ran at once */
  guint    events;
  guint    critical;
  guint    last_run_seen;
} Serial;

/* Checks that no two events are delivered at once; sleeps now and then so an overlap would
 * have time to show. */
static gboolean
serial_cb (const SaddleEvent *event,
           gpointer           user_data)
{
  Serial *s = user_data;

  if (g_atomic_int_add (&s->busy, 1) != 0)
    s->overlapped = TRUE;
  s->events++;
  if (event->kind == SADDLE_EVENT_CRITICAL)
    s->critical++;
  s->last_run_seen = MAX (s->last_run_seen, event->run);
  if (s->events % 64 == 0)
    g_usleep (50);
  g_atomic_int_add (&s->busy, -1);
  return TRUE;
}

static gboolean
files_equal (const char *a,
             const char *b)
{
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;
  gsize la = 0, lb = 0;

  g_assert_true (g_file_get_contents (a, &ca, &la, NULL));
  g_assert_true (g_file_get_contents (b, &cb, &lb, NULL));
  g_assert_cmpuint (la, >, 0);
  return la == lb && memcmp (ca, cb, la) == 0;
}

static void
assert_same_results (const SaddleStudyResults *a,
                     const SaddleStudyResults *b,
                     const char               *dir)
{
  GArray *arrays[][2] = {
    { a->history->iterations, b->history->iterations },
    { a->history->epochs, b->history->epochs },
  };

  g_assert_cmpuint (a->n_params, ==, b->n_params);
  for (guint i = 0; i < G_N_ELEMENTS (arrays); i++)
    {
      guint size = g_array_get_element_size (arrays[i][0]);

      g_assert_cmpuint (arrays[i][0]->len, >, 0);
      g_assert_cmpuint (arrays[i][0]->len, ==, arrays[i][1]->len);
      g_assert_cmpint (memcmp (arrays[i][0]->data, arrays[i][1]->data,
                               (gsize) arrays[i][0]->len * size), ==, 0);
    }
  g_assert_cmpuint (a->history->n_runs, ==, b->history->n_runs);
  g_assert_cmpuint (a->failures->len, ==, b->failures->len);
  g_assert_cmpuint (a->final_params->len, ==, b->final_params->len);
  for (guint i = 0; i < a->final_params->len; i++)
    {
      g_assert_nonnull (g_ptr_array_index (a->final_params, i));
      g_assert_nonnull (g_ptr_array_index (b->final_params, i));
      g_assert_cmpint (memcmp (g_ptr_array_index (a->final_params, i),
                               g_ptr_array_index (b->final_params, i),
                               a->n_params * sizeof (double)), ==, 0);
    }

  if (a->trajectory != NULL)
    {
      g_assert_nonnull (b->trajectory);
      g_assert_cmpuint (a->trajectory->info->len, ==, b->trajectory->info->len);
      g_assert_cmpint (memcmp (a->trajectory->info->data, b->trajectory->info->data,
                               a->trajectory->info->len * sizeof (SaddleSnapshotInfo)), ==, 0);
      g_assert_cmpint (memcmp (a->trajectory->params->data, b->trajectory->params->data,
                               a->trajectory->params->len * sizeof (double)), ==, 0);
    }

  if (a->critical != NULL)
    {
      g_autofree char *ca = g_build_filename (dir, "a-critical.csv", NULL);
      g_autofree char *cb = g_build_filename (dir, "b-critical.csv", NULL);
      g_autofree char *ea = g_build_filename (dir, "a-eigenvalues.csv", NULL);
      g_autofree char *eb = g_build_filename (dir, "b-eigenvalues.csv", NULL);

      g_assert_nonnull (b->critical);
      g_assert_true (saddle_critical_set_write_csv (a->critical, ca, NULL));
      g_assert_true (saddle_critical_set_write_csv (b->critical, cb, NULL));
      g_assert_true (saddle_critical_set_write_eigenvalues (a->critical, ea, NULL));
      g_assert_true (saddle_critical_set_write_eigenvalues (b->critical, eb, NULL));
      g_assert_true (files_equal (ca, cb));
      g_assert_true (files_equal (ea, eb));
      for (guint i = 0; i < a->critical->points->len; i++)
        g_assert_cmpuint (((SaddleCriticalPoint *) g_ptr_array_index (a->critical->points,
                                                                      i))->run, ==, i);
    }
}

/* Each run's snapshots fill exactly the room saddle_study_estimate_snapshots() counts for it
 * (a run sending more would have them dropped, loudly): the start, then every epoch's end or
 * every snapshot_every-th step and the last, over batches that do and do not divide the set. */
static void
test_snapshot_room (void)
{
  const struct { guint batch, every, epochs; } cases[] = {
    { 20, 0, 4 }, { 7, 0, 3 }, { 7, 4, 3 }, { 7, 9, 2 }, { 60, 1, 2 }, { 100, 3, 3 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr(SaddleStudyResults) results = NULL;
      g_autoptr(GError) error = NULL;
      SaddleStudyConfig config;
      gsize expected;

      small_function_config (&config, SADDLE_STUDY_TRAJECTORIES);
      config.batch = cases[k].batch;
      config.snapshot_every = cases[k].every;
      config.epochs = cases[k].epochs;
      config.jobs = 2;
      expected = saddle_study_estimate_snapshots (&config, config.samples);
      results = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (saddle_trajectory_n_snapshots (results->trajectory), ==, expected);
      g_assert_cmpuint (results->trajectory->room, ==, expected);
      for (guint r = 0; r < config.runs; r++)
        {
          gsize count = 0;

          for (guint i = 0; i < results->trajectory->info->len; i++)
            count += g_array_index (results->trajectory->info, SaddleSnapshotInfo, i).run == r;
          g_assert_cmpuint (count, ==, expected / config.runs);
        }
      saddle_study_config_clear (&config);
    }
}

/* Runs on worker threads (jobs = 2, 3) give byte-identical records, snapshots, final θ and
 * CSV files to one run after another (jobs = 1), and events never reach the callback two at
 * a time. */
static void
test_parallel_jobs (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("saddle-study-XXXXXX", &error);
  SaddleStudyKind kinds[] = { SADDLE_STUDY_TRAJECTORIES, SADDLE_STUDY_CRITICAL };

  g_assert_no_error (error);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(SaddleStudyResults) serial = NULL;
      SaddleStudyConfig config;

      small_function_config (&config, kinds[k]);
      config.runs = 5;
      if (kinds[k] == SADDLE_STUDY_CRITICAL)
        {
          config.samples = 40;
          config.epochs = 3;
          config.descent_steps = 30;
          config.newton_steps = 3;
        }
      config.jobs = 1;
      serial = saddle_study_run (&config, kinds[k], NULL, NULL, NULL, &error);
      g_assert_no_error (error);

      for (guint jobs = 2; jobs <= 3; jobs++)
        {
          g_autoptr(SaddleStudyResults) parallel = NULL;
          Serial s = { 0 };

          config.jobs = jobs;
          parallel = saddle_study_run (&config, kinds[k], NULL, serial_cb, &s, &error);
          g_assert_no_error (error);
          g_assert_false (s.overlapped);
          g_assert_cmpuint (s.events, >, 0);
          g_assert_cmpuint (s.last_run_seen, ==, config.runs - 1);
          if (kinds[k] == SADDLE_STUDY_CRITICAL)
            g_assert_cmpuint (s.critical, ==, config.runs);
          g_assert_false (parallel->cancelled);
          assert_same_results (serial, parallel, dir);
        }
      saddle_study_config_clear (&config);
    }

  /* Nothing is left in the folder but what this test wrote. */
  for (guint i = 0; i < 4; i++)
    {
      static const char *names[] = { "a-critical.csv", "b-critical.csv", "a-eigenvalues.csv",
                                     "b-eigenvalues.csv" };
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A cancel from any worker's event stops every worker: no run starts after it, and what was
 * done is returned, cancelled. */
static gboolean
cancel_at_cb (const SaddleEvent *event,
              gpointer           user_data)
{
  guint *left = user_data;

  (void) event;
  if (*left == 0)
    return FALSE;
  (*left)--;
  return TRUE;
}

static void
test_parallel_cancel (void)
{
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  guint left = 30;
  guint runs_seen = 0;

  small_function_config (&config, SADDLE_STUDY_TRAJECTORIES);
  config.runs = 40;
  config.jobs = 2;
  results = saddle_study_run (&config, SADDLE_STUDY_TRAJECTORIES, NULL, cancel_at_cb, &left,
                              &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_true (results->cancelled);
  for (guint i = 0; i < results->history->iterations->len; i++)
    runs_seen = MAX (runs_seen, g_array_index (results->history->iterations,
                                               SaddleIterationRecord, i).run + 1);
  /* 30 events cover a few runs of 12 steps at most: two workers, a run or two each. */
  g_assert_cmpuint (runs_seen, <=, 4);
  g_assert_null (g_ptr_array_index (results->final_params, config.runs - 1));
  saddle_study_config_clear (&config);
}

/* jobs and newton_method: defaults, validation naming the option, string round trip. */
static void
test_jobs_and_newton_options (void)
{
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  g_assert_cmpuint (config.jobs, ==, 0);
  g_assert_cmpint (config.newton_method, ==, SADDLE_NEWTON_AUTO);
  g_assert_true (saddle_study_config_validate (&config, &error));
  g_assert_cmpstr (saddle_config_field_range (SADDLE_CONFIG_FIELD_JOBS), ==, "0–256");
  g_assert_nonnull (saddle_config_field_range (SADDLE_CONFIG_FIELD_NEWTON_METHOD));

  config.jobs = 257;
  g_assert_false (saddle_study_config_validate (&config, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_JOBS);
  g_assert_nonnull (strstr (error->message, "0–256"));
  g_clear_error (&error);
  config.jobs = 256;
  g_assert_true (saddle_study_config_validate (&config, &error));

  config.newton_method = (SaddleNewtonMethod) 9;
  g_assert_false (saddle_study_config_validate (&config, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_NEWTON_METHOD);
  g_assert_nonnull (strstr (error->message, "minres"));
  g_clear_error (&error);
  config.newton_method = SADDLE_NEWTON_DENSE;
  g_assert_true (saddle_study_config_validate (&config, &error));
  saddle_study_config_clear (&config);
}

/* Every engine module's cancel counts as one, and nothing else does: the study's workers and the
 * CLI ask this one function. */
static void
test_error_is_cancelled (void)
{
  const struct
  {
    GQuark domain;
    int    code;
    gboolean cancelled;
  } cases[] = {
    { SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_CANCELLED, TRUE },
    { SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED, TRUE },
    { SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED, TRUE },
    { SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED, TRUE },
    { SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_CANCELLED, TRUE },
    { SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_CANCELLED, TRUE },
    { SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE, FALSE },
    { SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_ALL_FAILED, FALSE },
    { G_FILE_ERROR, G_FILE_ERROR_INTR, FALSE },
  };

  g_assert_false (saddle_error_is_cancelled (NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = g_error_new_literal (cases[i].domain, cases[i].code, "x");

      g_assert_cmpint (saddle_error_is_cancelled (error), ==, cases[i].cancelled);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/study/defaults", test_defaults);
  g_test_add_func ("/core/study/noise-window", test_noise_window);
  g_test_add_func ("/core/study/test-accuracy", test_test_accuracy);
  g_test_add_func ("/core/study/validate", test_validate);
  g_test_add_func ("/core/study/hidden", test_hidden);
  g_test_add_func ("/core/study/check-memory", test_check_memory);
  g_test_add_func ("/core/study/copy-and-strings", test_copy_and_strings);
  g_test_add_func ("/core/study/load-dataset", test_load_dataset);
  g_test_add_func ("/core/study/trajectories/function", test_trajectories_function);
  g_test_add_func ("/core/study/trajectories/image", test_trajectories_image);
  g_test_add_func ("/core/study/determinism", test_determinism);
  g_test_add_func ("/core/study/independence", test_independence);
  g_test_add_func ("/core/study/cancel", test_cancel);
  g_test_add_func ("/core/study/failures", test_failures);
  g_test_add_func ("/core/study/critical", test_critical);
  g_test_add_func ("/core/study/parallel/jobs", test_parallel_jobs);
  g_test_add_func ("/core/study/snapshot-room", test_snapshot_room);
  g_test_add_func ("/core/study/jobs-and-newton-options", test_jobs_and_newton_options);
  g_test_add_func ("/core/study/parallel/cancel", test_parallel_cancel);
  g_test_add_func ("/core/study/error-is-cancelled", test_error_is_cancelled);

  return g_test_run ();
}
