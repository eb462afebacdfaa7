/* test-app-panel.c — the settings panel writes and reads GSettings, refuses invalid input */
#define G_LOG_DOMAIN "test-app-panel"

#include "config.h"

#include <math.h>

#include <glib/gstdio.h>

#include "saddle-test-app.h"
#include "saddle-hessian.h"
#include "saddle-job-queue.h"
#include "saddle-side-panel.h"

static const struct
{
  SaddleStudyKind  kind;
  const char      *schema;
  SaddleTask       task;      /* the study's default task in the schema */
} studies[] = {
  { SADDLE_STUDY_TRAJECTORIES, "io.github.saddlelab.Saddle.Trajectories", SADDLE_TASK_IMAGE },
  { SADDLE_STUDY_GRADNORM, "io.github.saddlelab.Saddle.Gradnorm", SADDLE_TASK_IMAGE },
  { SADDLE_STUDY_CRITICAL, "io.github.saddlelab.Saddle.Critical", SADDLE_TASK_FUNCTION },
};

static GSettings *
fresh_settings (const char *schema)
{
  GSettings *settings = g_settings_new (schema);
  g_autoptr(GSettingsSchema) s = NULL;
  g_auto(GStrv) keys = NULL;

  /* The memory backend lives as long as the process: start every test clean. */
  g_object_get (settings, "settings-schema", &s, NULL);
  keys = g_settings_schema_list_keys (s);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  return settings;
}

/* GSettings delivers "changed" from an idle when nobody runs the main loop: run it. */
static void
flush (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Types @text into @spin and commits it, as Enter or leaving the field does. */
static void
type_into (GtkWidget  *spin,
           const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (spin), text);
  gtk_spin_button_update (GTK_SPIN_BUTTON (spin));
}

static SaddleSidePanel *
new_panel (SaddleStudyKind kind,
           GSettings      *settings)
{
  return SADDLE_SIDE_PANEL (g_object_ref_sink (saddle_side_panel_new (kind, settings)));
}

/* An out-of-range value is neither clamped nor silently put back: it stays as typed, the row
 * says the range (in the row's words, not a CLI flag), and Start is refused until it is fixed. */
static void
test_out_of_range (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Gradnorm");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_GRADNORM, settings);
  GtkWidget *lr = saddle_side_panel_get_field (panel, "lr");
  GtkWidget *epochs = saddle_side_panel_get_field (panel, "epochs");
  GtkWidget *runs = saddle_side_panel_get_field (panel, "runs");
  GtkWidget *message = saddle_side_panel_get_row_message (panel, "lr");
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  double lr_before = g_settings_get_double (settings, "lr");
  guint epochs_before = g_settings_get_uint (settings, "epochs");

  g_assert_nonnull (message);
  g_assert_false (gtk_widget_get_visible (message));

  /* 50 is typed and committed (Enter or focus-out run this update). */
  type_into (lr, "50");
  flush ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lr)), ==, "50");
  g_assert_cmpfloat (g_settings_get_double (settings, "lr"), ==, lr_before);
  g_assert_true (gtk_widget_has_css_class (lr, "error"));
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), ==,
                   "Learning rate: must be a finite number in (0, 10]; got 50");
  g_assert_cmpstr (saddle_side_panel_get_problem (panel), ==, gtk_label_get_text (GTK_LABEL (message)));
  g_assert_false (saddle_side_panel_get_config (panel, &config, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_LR);
  g_clear_error (&error);

  /* Epochs 0 likewise; a second refused row keeps its own message. */
  type_into (epochs, "0");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (epochs)), ==, "0");
  g_assert_cmpuint (g_settings_get_uint (settings, "epochs"), ==, epochs_before);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (saddle_side_panel_get_row_message (panel, "epochs"))), ==,
                   "Epochs: must be an integer in 1–100000; got 0");

  /* The engine takes 20 runs, this panel's plot 16: its own range is stated. */
  type_into (runs, "20");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (runs)), ==, "20");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (saddle_side_panel_get_row_message (panel, "runs"))), ==,
                   "Runs: must be in 1–16 here; got 20");

  /* Fixed as typed: stored, the messages go, Start is allowed. */
  gtk_editable_set_text (GTK_EDITABLE (lr), "0.05");
  g_assert_false (gtk_widget_get_visible (message));
  gtk_spin_button_update (GTK_SPIN_BUTTON (lr));
  type_into (epochs, "7");
  type_into (runs, "3");
  g_assert_cmpfloat (g_settings_get_double (settings, "lr"), ==, 0.05);
  g_assert_cmpuint (g_settings_get_uint (settings, "epochs"), ==, 7);
  g_assert_cmpuint (g_settings_get_uint (settings, "runs"), ==, 3);
  g_assert_false (gtk_widget_has_css_class (lr, "error"));
  g_assert_null (saddle_side_panel_get_problem (panel));
  g_assert_true (saddle_side_panel_get_config (panel, &config, NULL));
  saddle_study_config_clear (&config);

  /* A refused text gives way to a value set from elsewhere (here the settings). */
  gtk_editable_set_text (GTK_EDITABLE (epochs), "0");
  g_assert_nonnull (saddle_side_panel_get_problem (panel));
  g_settings_set_uint (settings, "epochs", 9);
  flush ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (epochs)), ==, "9");
  g_assert_null (saddle_side_panel_get_problem (panel));
}

/* Reset to Defaults shows a toast whose Undo brings back every value, typed ones included. */
static void
test_reset_undo (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Trajectories");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_TRAJECTORIES, settings);
  GtkWidget *lr = saddle_side_panel_get_field (panel, "lr");
  g_autofree char *hidden = NULL;
  g_autofree char *task = NULL;

  g_settings_set_string (settings, "task", "function");
  flush ();
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden")), "12,7");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "batch")), 200);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "runs")), 5);
  gtk_editable_set_text (GTK_EDITABLE (lr), "50");
  flush ();
  g_assert_false (saddle_side_panel_get_reset_undoable (panel));

  g_signal_emit_by_name (saddle_side_panel_get_field (panel, "reset"), "clicked");
  flush ();
  g_assert_true (saddle_side_panel_get_reset_undoable (panel));
  g_assert_cmpuint (g_settings_get_uint (settings, "runs"), ==, 8);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lr)), ==, "0.003");
  g_assert_null (saddle_side_panel_get_problem (panel));

  g_signal_emit_by_name (saddle_side_panel_get_field (panel, "undo"), "clicked");
  flush ();
  g_assert_false (saddle_side_panel_get_reset_undoable (panel));
  hidden = g_settings_get_string (settings, "hidden");
  task = g_settings_get_string (settings, "task");
  g_assert_cmpstr (hidden, ==, "12,7");
  g_assert_cmpstr (task, ==, "function");
  /* 200 is the image task's default batch: the task's preset must not overwrite it. */
  g_assert_cmpuint (g_settings_get_uint (settings, "batch"), ==, 200);
  g_assert_cmpuint (g_settings_get_uint (settings, "runs"), ==, 5);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lr)), ==, "50");
  g_assert_nonnull (saddle_side_panel_get_problem (panel));
  /* Nothing more to undo. */
  g_assert_false (saddle_side_panel_undo_reset (panel));
}

/* A model too big for memory is refused before Start with the engine's own check; a big one
 * that fits is announced with its size. */
static void
test_memory (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Trajectories");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_TRAJECTORIES, settings);
  GtkWidget *memory = saddle_side_panel_get_field (panel, "memory");
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  gsize need = 0;
  gboolean fits;

  g_assert_false (gtk_widget_get_visible (memory));

  /* The model: 784 → 3000 → 3000 → 10, 248 snapshots of 11,388,010 parameters. */
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden")), "3000,3000");
  flush ();
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 11388010);
  g_assert_true (saddle_side_panel_config_from_settings (&config, SADDLE_STUDY_TRAJECTORIES, settings, NULL));
  fits = saddle_study_check_memory (&config, SADDLE_STUDY_TRAJECTORIES, 1000, 11388010, &need, NULL);
  saddle_study_config_clear (&config);
  g_assert_cmpuint (need, ==, (gsize) 248 * 11388010 * 8);
  g_assert_true (gtk_widget_get_visible (memory));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (memory)), "22.6"));
  /* A warning past a quarter of the free memory (on any machine with less than 90 GB free). */
  g_assert_cmpint (gtk_widget_has_css_class (memory, "warning"), ==,
                   !fits || need > saddle_available_memory () / 4);
  g_assert_cmpint (saddle_side_panel_get_config (panel, &config, &error), ==, fits);
  if (fits)
    saddle_study_config_clear (&config);
  else
    {
      /* Refused, at the row the engine names, in the row's words. */
      g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY);
      g_assert_true (g_str_has_prefix (error->message, "Snapshot interval: takes too many"));
      g_assert_nonnull (strstr (error->message, "set it above the 5 steps of an epoch"));
      g_assert_cmpstr (saddle_side_panel_get_problem (panel), ==, error->message);
    }

  /* Back to the default model: nothing to say. */
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden")), "20,20");
  flush ();
  g_assert_false (gtk_widget_get_visible (memory));
  g_assert_null (saddle_side_panel_get_problem (panel));
}

/* The panel's time estimate once the machine's rate is measured (off the main thread). */
static double
wait_for_time (SaddleSidePanel *panel)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;
  double seconds;

  while ((seconds = saddle_side_panel_get_time_estimate (panel)) < 0
         && g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
  return seconds;
}

static GCancellable *
blocker_start_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return g_cancellable_new ();
}

/* The machine's rate is measured in the panel's job queue, like every BLAS-heavy task: while
 * another task runs there it waits (no estimate yet), and comes when that task has finished.
 * Runs first: the rate is measured once per process. */
static void
test_time_queue (void)
{
  g_autoptr(SaddleJobQueue) queue = saddle_job_queue_new ();
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Trajectories");
  g_autoptr(SaddleSidePanel) panel = NULL;
  gboolean blocker = FALSE;

  saddle_job_queue_push (queue, &blocker, blocker_start_cb, &blocker, NULL);
  g_assert_true (blocker);
  panel = g_object_ref_sink (g_object_new (SADDLE_TYPE_SIDE_PANEL, "kind", SADDLE_STUDY_TRAJECTORIES,
                                           "settings", settings, "job-queue", queue, NULL));
  flush ();
  saddle_test_spin (0.3);
  g_assert_true (saddle_job_queue_is_waiting (queue, NULL));
  g_assert_cmpfloat (saddle_side_panel_get_time_estimate (panel), <, 0);

  /* Its turn: the estimate comes, and the queue is free again. A study asked for meanwhile
   * cancels it (saddle_window_run_study): the DGEMMs done still give the rate. */
  saddle_job_queue_finish (queue, &blocker);
  g_assert_false (saddle_job_queue_is_waiting (queue, NULL));
  g_assert_true (saddle_job_queue_is_running (queue, NULL));
  saddle_job_queue_cancel_running (queue);
  g_assert_cmpfloat (wait_for_time (panel), >, 0);
  g_assert_false (saddle_job_queue_is_running (queue, NULL));
}

/* A big model says how long its study would take, more for a bigger one, and warns when long. */
static void
test_time (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Trajectories");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_TRAJECTORIES, settings);
  GtkWidget *time = saddle_side_panel_get_field (panel, "time");
  GtkWidget *hidden = saddle_side_panel_get_field (panel, "hidden");
  double small, big, bigger;

  /* The default study takes seconds: nothing to say. */
  small = wait_for_time (panel);
  g_assert_cmpfloat (small, >, 0);
  g_assert_cmpfloat (small, <, 60);
  g_assert_false (gtk_widget_get_visible (time));

  gtk_editable_set_text (GTK_EDITABLE (hidden), "1000,1000");
  flush ();
  big = wait_for_time (panel);
  gtk_editable_set_text (GTK_EDITABLE (hidden), "3000,3000");
  flush ();
  bigger = wait_for_time (panel);
  g_test_message ("estimates: %.3g s, %.3g s, %.3g s", small, big, bigger);
  g_assert_cmpfloat (big, >, small);
  g_assert_cmpfloat (bigger, >, big);
  /* 11.4 M parameters: minutes on any machine (the count is 9e14 FLOP: an hour at 400 GFLOP/s). */
  g_assert_cmpfloat (bigger, >, 600);
  g_assert_true (gtk_widget_get_visible (time));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (time)), "would take about"));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (time)), "Stop keeps what is done"));
  g_assert_true (gtk_widget_has_css_class (time, "warning"));

  gtk_editable_set_text (GTK_EDITABLE (hidden), "20,20");
  flush ();
  g_assert_false (gtk_widget_get_visible (time));

  /* Of the critical study only the trainings and final Hessians are known beforehand: a range,
   * from them to its point searches at their caps, with a warning only when the shorter is
   * long. The default study takes 9–24 s: by the caps alone, the panel had warned of up to
   * 10 min. */
  {
    g_autoptr(GSettings) critical_settings = fresh_settings ("io.github.saddlelab.Saddle.Critical");
    g_autoptr(SaddleSidePanel) critical = new_panel (SADDLE_STUDY_CRITICAL, critical_settings);
    GtkWidget *critical_time = saddle_side_panel_get_field (critical, "time");
    double seconds = wait_for_time (critical);

    g_assert_cmpfloat (seconds, >, 0);
    g_assert_cmpfloat (seconds, <, 60);
    g_assert_false (gtk_widget_has_css_class (critical_time, "warning"));

    /* Descents of up to 10⁶ steps: hours at their caps, the same trainings. */
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (critical,
                                                                             "descent-steps")),
                               1000000);
    flush ();
    g_assert_cmpfloat (wait_for_time (critical), <, 60);
    g_assert_true (gtk_widget_get_visible (critical_time));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (critical_time)), "between about"));
    g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (critical_time)), "Stop keeps"));
    g_assert_false (gtk_widget_has_css_class (critical_time, "warning"));

    /* 9 M parameters: the trainings alone take hours. */
    gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (critical, "hidden")),
                           "3000,3000");
    flush ();
    g_assert_cmpfloat (wait_for_time (critical), >, 600);
    g_assert_true (gtk_widget_get_visible (critical_time));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (critical_time)), "between about"));
    g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (critical_time)),
                              "Stop keeps what is done"));
    g_assert_true (gtk_widget_has_css_class (critical_time, "warning"));
  }
}

/* The image task's data row takes a CSV file of labelled rows: its widths come from the file. */
static void
test_csv_data (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Gradnorm");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_GRADNORM, settings);
  g_autofree char *dir = g_dir_make_tmp ("saddle-panel-csv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "animals.csv", NULL);
  SaddleStudyConfig config;

  g_assert_true (g_file_set_contents (path, "a,label,b,c\n1,cat,2,3\n4,dog,5,6\n7,emu,8,9\n",
                                      -1, NULL));
  g_settings_set_string (settings, "task", "image");
  g_settings_set_string (settings, "image-folder", path);
  flush ();
  g_assert_null (saddle_side_panel_get_problem (panel));
  /* 3 → 20 → 20 → 3: 80 + 420 + 63. */
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 563);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (saddle_side_panel_get_field (panel, "params"))),
                            "3 → 20 → 20 → 3"));
  g_assert_true (saddle_side_panel_get_config (panel, &config, NULL));
  g_assert_cmpstr (config.data_path, ==, path);
  g_assert_false (config.standardize);
  saddle_study_config_clear (&config);

  /* A CSV file's features may be standardised: the switch shows for a file, and sets the
   * study's setting; an IDX folder is never standardised, whatever the key says. */
  {
    GtkWidget *standardize = saddle_side_panel_get_field (panel, "standardize");

    g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (standardize)));
    gtk_switch_set_active (GTK_SWITCH (standardize), TRUE);
    flush ();
    g_assert_true (g_settings_get_boolean (settings, "standardize"));
    g_assert_true (saddle_side_panel_get_config (panel, &config, NULL));
    g_assert_true (config.standardize);
    saddle_study_config_clear (&config);

    g_settings_set_string (settings, "image-folder", dir);
    flush ();
    g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (standardize)));
    saddle_side_panel_get_config (panel, &config, NULL);
    g_assert_false (config.standardize);
    saddle_study_config_clear (&config);
    g_settings_set_string (settings, "image-folder", path);
    flush ();
  }

  /* A bad file is named with its line, before Start. */
  g_assert_true (g_file_set_contents (path, "a,label,b\n1,cat,2\n4,dog\n", -1, NULL));
  g_settings_set_string (settings, "image-folder", "");
  flush ();
  g_settings_set_string (settings, "image-folder", path);
  flush ();
  g_assert_nonnull (strstr (saddle_side_panel_get_problem (panel), "animals.csv: line 3"));

  g_remove (path);
  g_rmdir (dir);
}

/* The schema's defaults are the engine's (saddle_study_config_init): every field. */
static void
test_defaults (void)
{
  for (guint s = 0; s < G_N_ELEMENTS (studies); s++)
    {
      g_autoptr(GSettings) settings = fresh_settings (studies[s].schema);
      g_autoptr(GError) error = NULL;
      SaddleStudyConfig expected, got;

      saddle_study_config_init (&expected, studies[s].kind, studies[s].task);
      g_assert_true (saddle_side_panel_config_from_settings (&got, studies[s].kind, settings, &error));
      g_assert_no_error (error);

      g_test_message ("study %s", studies[s].schema);
      g_assert_cmpint (got.task, ==, expected.task);
      g_assert_cmpstr (got.data_path, ==, expected.data_path);
      g_assert_cmpint (got.function, ==, expected.function);
      g_assert_cmpuint (got.samples, ==, expected.samples);
      g_assert_cmpuint (got.n_hidden, ==, expected.n_hidden);
      for (guint i = 0; i < expected.n_hidden; i++)
        g_assert_cmpuint (got.hidden[i], ==, expected.hidden[i]);
      g_assert_cmpint (got.activation, ==, expected.activation);
      g_assert_cmpint (got.optimizer, ==, expected.optimizer);
      g_assert_cmpfloat (got.lr, ==, expected.lr);
      g_assert_cmpuint (got.batch, ==, expected.batch);
      g_assert_cmpuint (got.epochs, ==, expected.epochs);
      g_assert_cmpuint (got.seed, ==, expected.seed);
      g_assert_cmpuint (got.runs, ==, expected.runs);
      g_assert_cmpuint (got.snapshot_every, ==, expected.snapshot_every);
      g_assert_cmpuint (got.threads, ==, expected.threads);
      g_assert_cmpuint (got.layer, ==, expected.layer);
      g_assert_cmpfloat (got.zero_tolerance, ==, expected.zero_tolerance);
      g_assert_cmpfloat (got.grad_tolerance, ==, expected.grad_tolerance);
      g_assert_cmpuint (got.descent_steps, ==, expected.descent_steps);
      g_assert_cmpfloat (got.descent_lr, ==, expected.descent_lr);
      g_assert_cmpuint (got.newton_steps, ==, expected.newton_steps);
      g_assert_cmpuint (got.surface_resolution, ==, expected.surface_resolution);

      saddle_study_config_clear (&expected);
      saddle_study_config_clear (&got);
    }
}

/* Editing a widget stores the value. */
static void
test_writes (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Gradnorm");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_GRADNORM, settings);
  g_autofree char *task = NULL, *activation = NULL, *optimizer = NULL, *hidden = NULL;
  GtkWidget *lr = saddle_side_panel_get_field (panel, "lr");

  gtk_drop_down_set_selected (GTK_DROP_DOWN (saddle_side_panel_get_field (panel, "task")), 1);
  task = g_settings_get_string (settings, "task");
  g_assert_cmpstr (task, ==, "function");

  gtk_drop_down_set_selected (GTK_DROP_DOWN (saddle_side_panel_get_field (panel, "activation")), 1);
  activation = g_settings_get_string (settings, "activation");
  g_assert_cmpstr (activation, ==, "tanh");

  gtk_drop_down_set_selected (GTK_DROP_DOWN (saddle_side_panel_get_field (panel, "optimizer")), 1);
  optimizer = g_settings_get_string (settings, "optimizer");
  g_assert_cmpstr (optimizer, ==, "momentum");

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "samples")), 500);
  g_assert_cmpuint (g_settings_get_uint (settings, "samples"), ==, 500);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "epochs")), 7);
  g_assert_cmpuint (g_settings_get_uint (settings, "epochs"), ==, 7);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "runs")), 3);
  g_assert_cmpuint (g_settings_get_uint (settings, "runs"), ==, 3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "seed")), 123456);
  g_assert_cmpuint (g_settings_get_uint (settings, "seed"), ==, 123456);

  /* The learning rate is typed as a number and kept on a log scale. */
  type_into (lr, "0.05");
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "lr"), 0.05, 1e-12);
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (lr)), log10 (0.05), 1e-9);
  /* One arrow step is a tenth of a decade, rounded to three digits. */
  gtk_spin_button_spin (GTK_SPIN_BUTTON (lr), GTK_SPIN_STEP_FORWARD, 0);
  g_assert_cmpfloat_with_epsilon (g_settings_get_double (settings, "lr"), 0.0629, 1e-12);

  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden")), "30, 10");
  hidden = g_settings_get_string (settings, "hidden");
  g_assert_cmpstr (hidden, ==, "30, 10");

  /* Function task: 1 → 30 → 10 → 1 = (30 + 30) + (300 + 10) + (10 + 1). */
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 381);
  g_assert_null (saddle_side_panel_get_problem (panel));
  g_assert_true (strstr (gtk_label_get_text (GTK_LABEL (saddle_side_panel_get_field (panel, "params"))),
                         "1 → 30 → 10 → 1") != NULL);
}

/* Changing a stored value shows in the widgets. */
static void
test_reads (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Trajectories");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_TRAJECTORIES, settings);

  g_settings_set_string (settings, "optimizer", "sgd");
  flush ();
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (saddle_side_panel_get_field (panel, "optimizer"))), ==, 0);
  g_settings_set_uint (settings, "batch", 64);
  flush ();
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "batch"))), ==, 64);
  g_settings_set_double (settings, "lr", 0.001);
  flush ();
  g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "lr"))), -3, 1e-9);
  g_settings_set_uint (settings, "layer", 1);
  flush ();
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "layer"))), ==, 2);
  g_settings_set_string (settings, "hidden", "7,5");
  flush ();
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden"))), ==, "7,5");

  /* The layer spin counts from 1 and stores from 0. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "layer")), 3);
  g_assert_cmpuint (g_settings_get_uint (settings, "layer"), ==, 2);
}

static void
test_invalid (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Critical");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_CRITICAL, settings);
  GtkWidget *hidden = saddle_side_panel_get_field (panel, "hidden");
  GtkWidget *lr = saddle_side_panel_get_field (panel, "lr");
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  SaddleStudyConfig config;
  double lr_before;

  g_assert_null (saddle_side_panel_get_problem (panel));
  g_assert_true (saddle_side_panel_get_config (panel, &config, NULL));
  saddle_study_config_clear (&config);

  /* Junk in the hidden widths: marked, explained, not stored, Start refused. */
  gtk_editable_set_text (GTK_EDITABLE (hidden), "20,,x");
  g_assert_true (gtk_widget_has_css_class (hidden, "error"));
  g_assert_nonnull (gtk_widget_get_tooltip_text (hidden));
  g_assert_nonnull (saddle_side_panel_get_problem (panel));
  g_assert_true (strstr (saddle_side_panel_get_problem (panel), "Hidden layers") != NULL);
  /* Only text that parses is stored (replacing the text passes through "", a linear model). */
  stored = g_settings_get_string (settings, "hidden");
  g_assert_cmpstr (stored, !=, "20,,x");
  g_assert_true (saddle_side_panel_config_from_settings (&config, SADDLE_STUDY_CRITICAL, settings, NULL));
  saddle_study_config_clear (&config);
  g_assert_false (saddle_side_panel_get_config (panel, &config, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_HIDDEN);
  g_clear_error (&error);
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 0);

  /* Fixed as typed. */
  gtk_editable_set_text (GTK_EDITABLE (hidden), "8");
  g_assert_false (gtk_widget_has_css_class (hidden, "error"));
  g_assert_null (saddle_side_panel_get_problem (panel));
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 8 + 8 + 8 + 1);

  /* Nine hidden layers are one too many. */
  gtk_editable_set_text (GTK_EDITABLE (hidden), "1,2,3,4,5,6,7,8,9");
  g_assert_true (gtk_widget_has_css_class (hidden, "error"));
  gtk_editable_set_text (GTK_EDITABLE (hidden), "8");

  /* A learning rate that is not a positive number is refused, and stays as typed. */
  lr_before = g_settings_get_double (settings, "lr");
  type_into (lr, "fast");
  g_assert_cmpfloat (g_settings_get_double (settings, "lr"), ==, lr_before);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lr)), ==, "fast");
  type_into (lr, "-1");
  g_assert_cmpfloat (g_settings_get_double (settings, "lr"), ==, lr_before);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (lr)), ==, "-1");
  type_into (lr, "0.05");
  g_assert_cmpfloat (g_settings_get_double (settings, "lr"), ==, 0.05);
  g_assert_null (saddle_side_panel_get_problem (panel));

  /* Fitting a CSV file needs the file. */
  g_settings_set_string (settings, "function", "csv");
  flush ();
  g_assert_nonnull (saddle_side_panel_get_problem (panel));
  g_assert_true (strstr (saddle_side_panel_get_problem (panel), "CSV") != NULL);
  g_assert_false (saddle_side_panel_get_config (panel, &config, NULL));

  /* Any CSV path passes here: reading it is the worker's job (see test-app-window). */
  g_settings_set_string (settings, "csv-file", "/nonexistent/samples.csv");
  flush ();
  g_assert_true (saddle_side_panel_get_config (panel, &config, NULL));
  saddle_study_config_clear (&config);

  /* An IDX folder without images is named too. */
  g_settings_set_string (settings, "task", "image");
  flush ();
  g_settings_set_string (settings, "image-folder", "/nonexistent-idx");
  flush ();
  g_assert_nonnull (saddle_side_panel_get_problem (panel));
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 0);
}

static void
test_reset (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Critical");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_CRITICAL, settings);
  g_autofree char *hidden = NULL, *task = NULL;

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "runs")), 5);
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden")), "4");
  g_settings_set_string (settings, "task", "image");
  flush ();
  g_assert_cmpuint (g_settings_get_uint (settings, "runs"), ==, 5);

  g_signal_emit_by_name (saddle_side_panel_get_field (panel, "reset"), "clicked");

  hidden = g_settings_get_string (settings, "hidden");
  task = g_settings_get_string (settings, "task");
  g_assert_cmpuint (g_settings_get_uint (settings, "runs"), ==, 100);
  g_assert_cmpstr (hidden, ==, "31,31");
  g_assert_cmpstr (task, ==, "function");
  g_assert_cmpfloat (gtk_spin_button_get_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "runs"))), ==, 100);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden"))), ==, "31,31");
  /* 1 → 31 → 31 → 1: the design's 1,086 parameters. */
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 1086);
}

/* The image model on the bundled Fashion-MNIST subset: 784 → 20 → 20 → 10. */
static void
test_bundled_params (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Trajectories");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_TRAJECTORIES, settings);

  g_assert_null (saddle_side_panel_get_problem (panel));
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 16330);

  /* A trajectory layer past the model's last is refused. */
  g_settings_set_uint (settings, "layer", 3);
  flush ();
  g_assert_nonnull (saddle_side_panel_get_problem (panel));
  g_settings_set_uint (settings, "layer", 2);
  flush ();
  g_assert_null (saddle_side_panel_get_problem (panel));
}

/* Another task brings its own homework model, unless the user changed it. */
static void
test_task_defaults (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Gradnorm");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_GRADNORM, settings);
  GtkDropDown *task = GTK_DROP_DOWN (saddle_side_panel_get_field (panel, "task"));
  SaddleStudyConfig image, function;
  g_autofree char *image_hidden = NULL, *function_hidden = NULL, *hidden = NULL;

  saddle_study_config_init (&image, SADDLE_STUDY_GRADNORM, SADDLE_TASK_IMAGE);
  saddle_study_config_init (&function, SADDLE_STUDY_GRADNORM, SADDLE_TASK_FUNCTION);
  image_hidden = saddle_study_config_hidden_string (&image);
  function_hidden = saddle_study_config_hidden_string (&function);

  gtk_drop_down_set_selected (task, 1);
  hidden = g_settings_get_string (settings, "hidden");
  g_assert_cmpstr (hidden, ==, function_hidden);
  g_assert_cmpfloat (g_settings_get_double (settings, "lr"), ==, function.lr);
  g_assert_cmpuint (g_settings_get_uint (settings, "batch"), ==, function.batch);
  g_assert_cmpuint (g_settings_get_uint (settings, "epochs"), ==, function.epochs);
  /* 1 → 363 → 1: the homework's 1,090 parameters. */
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 1090);

  /* A chosen value survives the switch back; the untouched ones follow the task. */
  g_settings_set_uint (settings, "epochs", 12);
  flush ();
  gtk_drop_down_set_selected (task, 0);
  g_clear_pointer (&hidden, g_free);
  hidden = g_settings_get_string (settings, "hidden");
  g_assert_cmpstr (hidden, ==, image_hidden);
  g_assert_cmpfloat (g_settings_get_double (settings, "lr"), ==, image.lr);
  g_assert_cmpuint (g_settings_get_uint (settings, "epochs"), ==, 12);

  saddle_study_config_clear (&image);
  saddle_study_config_clear (&function);
}

/* The ground truth's preset comes with the task: 20-4-20 identity, dense Newton, the fine zero
 * band; the images' folder row, not the function's, since its data are their components. */
static void
test_autoencoder_task (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Critical");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_CRITICAL, settings);
  GtkDropDown *task = GTK_DROP_DOWN (saddle_side_panel_get_field (panel, "task"));
  g_autoptr(GError) error = NULL;
  g_autofree char *activation = NULL;
  SaddleStudyConfig preset, config;

  saddle_study_config_init (&preset, SADDLE_STUDY_CRITICAL, SADDLE_TASK_AUTOENCODER);
  gtk_drop_down_set_selected (task, 2);
  flush ();
  activation = g_settings_get_string (settings, "activation");
  g_assert_cmpstr (activation, ==, "identity");
  g_assert_true (saddle_side_panel_config_from_settings (&config, SADDLE_STUDY_CRITICAL,
                                                         settings, &error));
  g_assert_no_error (error);
  g_assert_cmpint (config.task, ==, SADDLE_TASK_AUTOENCODER);
  g_assert_cmpuint (config.n_hidden, ==, 1);
  g_assert_cmpuint (config.hidden[0], ==, preset.hidden[0]);
  g_assert_cmpint (config.activation, ==, SADDLE_ACTIVATION_IDENTITY);
  g_assert_cmpint (config.newton_method, ==, SADDLE_NEWTON_DENSE);
  g_assert_cmpuint (config.runs, ==, preset.runs);
  g_assert_cmpuint (config.epochs, ==, preset.epochs);
  g_assert_cmpuint (config.descent_steps, ==, preset.descent_steps);
  g_assert_cmpuint (config.newton_steps, ==, preset.newton_steps);
  g_assert_cmpfloat (config.zero_tolerance, ==, preset.zero_tolerance);
  g_assert_cmpfloat (config.grad_tolerance, ==, preset.grad_tolerance);
  /* 20 → 4 → 20: 184 parameters. */
  g_assert_cmpuint (saddle_side_panel_get_n_params (panel), ==, 184);

  saddle_study_config_clear (&config);
  saddle_study_config_clear (&preset);
}

static void
test_rows (void)
{
  g_autoptr(GSettings) critical_settings = fresh_settings ("io.github.saddlelab.Saddle.Critical");
  g_autoptr(GSettings) trajectory_settings = fresh_settings ("io.github.saddlelab.Saddle.Trajectories");
  g_autoptr(SaddleSidePanel) critical = new_panel (SADDLE_STUDY_CRITICAL, critical_settings);
  g_autoptr(SaddleSidePanel) trajectories = new_panel (SADDLE_STUDY_TRAJECTORIES, trajectory_settings);
  GtkAdjustment *runs;

  /* Only the critical study shows its tolerances, only the trajectories study its layer. */
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (saddle_side_panel_get_field (critical, "zero-tolerance"))));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (saddle_side_panel_get_field (trajectories, "zero-tolerance"))));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (saddle_side_panel_get_field (trajectories, "layer"))));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (saddle_side_panel_get_field (critical, "layer"))));

  /* Runs: 1–16 for the trainings, up to 10,000 critical points. */
  runs = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (saddle_side_panel_get_field (trajectories, "runs")));
  g_assert_cmpfloat (gtk_adjustment_get_upper (runs), ==, 16);
  runs = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (saddle_side_panel_get_field (critical, "runs")));
  g_assert_cmpfloat (gtk_adjustment_get_upper (runs), ==, 10000);
}

/* Every setting of the critical analysis is on the panel, is stored, reaches the config, and
 * out-of-range values are refused (spin ranges clamp what is typed, the config names the rest). */
static void
test_critical_fields (void)
{
  g_autoptr(GSettings) settings = fresh_settings ("io.github.saddlelab.Saddle.Critical");
  g_autoptr(GSettings) trajectory_settings = fresh_settings ("io.github.saddlelab.Saddle.Trajectories");
  g_autoptr(SaddleSidePanel) panel = new_panel (SADDLE_STUDY_CRITICAL, settings);
  g_autoptr(SaddleSidePanel) trajectories = new_panel (SADDLE_STUDY_TRAJECTORIES, trajectory_settings);
  const char *keys[] = { "newton-steps", "newton-method", "descent-steps", "descent-lr",
                         "grad-tolerance", "zero-tolerance", "jobs" };
  GtkWidget *surface = saddle_side_panel_get_field (trajectories, "surface-resolution");
  g_autoptr(GError) error = NULL;
  g_autofree char *method = NULL;
  SaddleStudyConfig config;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      GtkWidget *field = saddle_side_panel_get_field (panel, keys[i]);

      g_test_message ("field %s", keys[i]);
      g_assert_nonnull (field);
      g_assert_true (gtk_widget_get_visible (gtk_widget_get_parent (field)));
    }
  /* The Newton method is the critical study's only. */
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (saddle_side_panel_get_field (trajectories, "newton-method"))));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "newton-steps")), 7);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "descent-steps")), 250);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "jobs")), 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (saddle_side_panel_get_field (panel, "newton-method")), 2);
  method = g_settings_get_string (settings, "newton-method");
  g_assert_cmpstr (method, ==, "minres");
  g_assert_cmpuint (g_settings_get_uint (settings, "newton-steps"), ==, 7);
  g_assert_cmpuint (g_settings_get_uint (settings, "descent-steps"), ==, 250);
  g_assert_cmpuint (g_settings_get_uint (settings, "jobs"), ==, 2);
  g_settings_set_double (settings, "descent-lr", 0.002);
  g_settings_set_double (settings, "grad-tolerance", 1e-7);

  g_assert_true (saddle_side_panel_get_config (panel, &config, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (config.newton_steps, ==, 7);
  g_assert_cmpint (config.newton_method, ==, SADDLE_NEWTON_MINRES);
  g_assert_cmpuint (config.descent_steps, ==, 250);
  g_assert_cmpuint (config.jobs, ==, 2);
  g_assert_cmpfloat (config.descent_lr, ==, 0.002);
  g_assert_cmpfloat (config.grad_tolerance, ==, 1e-7);
  saddle_study_config_clear (&config);

  /* Newton steps above the engine's 0–1000 cannot be typed in. */
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "newton-steps")), "5000");
  gtk_spin_button_update (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "newton-steps")));
  g_assert_cmpuint (g_settings_get_uint (settings, "newton-steps"), <=, 1000);

  /* A surface of one node per axis is refused with the option's range; 0 means none. */
  g_settings_set_uint (trajectory_settings, "surface-resolution", 1);
  g_assert_false (saddle_side_panel_get_config (trajectories, &config, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_SURFACE);
  /* Said with the row's label and the engine's range, never a CLI flag. */
  g_assert_nonnull (strstr (error->message, "Loss surface: "));
  g_assert_nonnull (strstr (error->message, "0 (none) or 2–401"));
  g_assert_null (strstr (error->message, "--"));
  g_assert_nonnull (saddle_side_panel_get_problem (trajectories));
  g_clear_error (&error);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (surface), 0);
  g_assert_true (saddle_side_panel_get_config (trajectories, &config, &error));
  g_assert_cmpuint (config.surface_resolution, ==, 0);
  saddle_study_config_clear (&config);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (surface), 41);
  g_assert_true (saddle_side_panel_get_config (trajectories, &config, &error));
  g_assert_cmpuint (config.surface_resolution, ==, 41);
  saddle_study_config_clear (&config);
}

int
main (int   argc,
      char *argv[])
{
  saddle_test_require_display ();
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/panel/time-queue", test_time_queue);
  g_test_add_func ("/app/panel/defaults", test_defaults);
  g_test_add_func ("/app/panel/writes", test_writes);
  g_test_add_func ("/app/panel/reads", test_reads);
  g_test_add_func ("/app/panel/invalid", test_invalid);
  g_test_add_func ("/app/panel/reset", test_reset);
  g_test_add_func ("/app/panel/out-of-range", test_out_of_range);
  g_test_add_func ("/app/panel/reset-undo", test_reset_undo);
  g_test_add_func ("/app/panel/memory", test_memory);
  g_test_add_func ("/app/panel/csv-data", test_csv_data);
  g_test_add_func ("/app/panel/time", test_time);
  g_test_add_func ("/app/panel/bundled-params", test_bundled_params);
  g_test_add_func ("/app/panel/task-defaults", test_task_defaults);
  g_test_add_func ("/app/panel/autoencoder-task", test_autoencoder_task);
  g_test_add_func ("/app/panel/rows", test_rows);
  g_test_add_func ("/app/panel/critical-fields", test_critical_fields);

  return g_test_run ();
}
