/* test-app-window.c — the application and window run, stop, restart and export studies in-process */
#define G_LOG_DOMAIN "test-app-window"

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>
#include <math.h>

#include "saddle-test-app.h"
#include "saddle-application.h"
#include "saddle-critical-page.h"
#include "saddle-eigen-forecast.h"
#include "saddle-gradnorm-page.h"
#include "saddle-opened-panel.h"
#include "saddle-trajectories-page.h"
#include "saddle-window.h"

/* Generous: a failure, never a timing measurement. */
#define STUDY_TIMEOUT 60.0

typedef struct
{
  GtkApplication *app;
  SaddleWindow   *window;
  GSettings      *settings;
  char           *tmpdir;
} Fixture;

static void
reset_all (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  g_auto(GStrv) children = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);
  children = g_settings_schema_list_children (schema);
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autoptr(GSettings) child = g_settings_get_child (settings, children[i]);

      reset_all (child);
    }
}

/* Small studies on the sinc function: each takes a fraction of a second. */
static void
set_tiny (GSettings  *settings,
          const char *study)
{
  g_autoptr(GSettings) s = g_settings_get_child (settings, study);

  g_settings_set_string (s, "task", "function");
  g_settings_set_uint (s, "samples", 40);
  g_settings_set_string (s, "hidden", "6");
  g_settings_set_uint (s, "batch", 10);
  g_settings_set_uint (s, "epochs", 4);
  g_settings_set_uint (s, "runs", 3);
  g_settings_set_uint (s, "threads", 1);
  g_settings_set_double (s, "lr", 0.01);
  g_settings_set_uint (s, "descent-steps", 30);
  g_settings_set_uint (s, "newton-steps", 2);
  g_settings_set_uint (s, "surface-resolution", g_str_equal (study, "trajectories") ? 9 : 0);
}

/* A study of some twenty seconds (2 cores, December 2026), to be stopped in the middle: long
 * enough that the first preview with a loss surface comes long before the last run starts. */
static void
set_long (GSettings  *settings,
          const char *study)
{
  g_autoptr(GSettings) s = g_settings_get_child (settings, study);

  g_settings_set_uint (s, "samples", 200);
  g_settings_set_string (s, "hidden", "32,32");
  g_settings_set_uint (s, "epochs", 10000);
  g_settings_set_uint (s, "runs", 16);
  g_settings_set_uint (s, "snapshot-every", 1000);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->settings = g_settings_new (APP_ID);
  reset_all (f->settings);
  set_tiny (f->settings, "trajectories");
  set_tiny (f->settings, "gradnorm");
  set_tiny (f->settings, "critical");

  f->app = GTK_APPLICATION (saddle_application_new ());
  /* In-process: no single-instance negotiation with a running Saddle. */
  g_application_set_flags (G_APPLICATION (f->app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (f->app));
  f->window = SADDLE_WINDOW (gtk_application_get_active_window (f->app));
  g_assert_nonnull (f->window);

  f->tmpdir = g_dir_make_tmp ("saddle-app-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (f->app));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
  /* Let cancelled workers return before the next test. */
  saddle_test_spin (0.05);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_clear_object (&f->app);
  g_clear_object (&f->settings);
  remove_tree (f->tmpdir);
  g_free (f->tmpdir);
}

static gboolean
app_busy (Fixture *f)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (f->app), "stop");
}

static void
busy_changed_cb (SaddleWindow *window,
                 GParamSpec   *pspec,
                 gboolean     *idle)
{
  *idle = !saddle_window_get_busy (window);
}

static void
wait_idle (Fixture *f)
{
  gboolean idle = !saddle_window_get_busy (f->window);
  gulong id = g_signal_connect (f->window, "notify::busy", G_CALLBACK (busy_changed_cb), &idle);

  g_assert_true (saddle_test_wait_flag (&idle, STUDY_TIMEOUT));
  g_signal_handler_disconnect (f->window, id);
  g_assert_false (app_busy (f));
}

static void
run_study (Fixture    *f,
           const char *name)
{
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study", g_variant_new_string (name));
  g_assert_true (app_busy (f));
  wait_idle (f);
}

static void
check_svg (const char *path,
           guint       min_paths)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  const char *p;
  guint paths = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (strstr (contents, "<svg") != NULL);
  g_assert_true (strstr (contents, "</svg>") != NULL);
  for (p = contents; (p = strstr (p, "<path")) != NULL; p++)
    paths++;
  g_assert_cmpuint (paths, >=, min_paths);
}

static guint
csv_rows (const char *path,
          const char *header_start)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  guint rows = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], header_start));
  for (guint i = 1; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      rows++;
  return rows;
}

static char *
path_in (Fixture    *f,
         const char *name)
{
  return g_build_filename (f->tmpdir, name, NULL);
}

/* The window fits a 1280×720 screen as it is now: its minimum size, header bar included, leaves
 * room for a panel or title bar the desktop adds (the stack measures every page, shown or not). */
static void
assert_fits_1280x720 (SaddleWindow *window)
{
  int min_w, min_h;

  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, 1280, &min_h, NULL, NULL, NULL);
  g_test_message ("minimum window size %d × %d", min_w, min_h);
  g_assert_cmpint (min_w, <=, 1280);
  g_assert_cmpint (min_h, <=, 690);
}

static void
test_studies_and_export (Fixture       *f,
                         gconstpointer  data)
{
  SaddlePage *trajectories = saddle_window_get_page (f->window, SADDLE_STUDY_TRAJECTORIES);
  SaddlePage *gradnorm = saddle_window_get_page (f->window, SADDLE_STUDY_GRADNORM);
  SaddlePage *critical = saddle_window_get_page (f->window, SADDLE_STUDY_CRITICAL);
  const SaddleTrajectory *trajectory;
  const SaddleHistory *history;
  const SaddleCriticalSet *set;
  g_autoptr(GError) error = NULL;
  g_autofree char *file = NULL;

  /* A new window, nothing run yet, fits too. */
  assert_fits_1280x720 (f->window);
  /* One subfolder a study, so that no study's file overwrites another's. */
  const char *names[] = {
    "trajectories/trajectories.svg", "trajectories/trajectories.csv",
    "trajectories/trajectories-layer.svg", "trajectories/trajectories-layer.csv",
    "gradnorm/gradnorm.svg", "gradnorm/history.csv", "gradnorm/epochs.csv",
    "critical/critical.svg", "critical/critical.csv", "critical/eigenvalues.csv",
    "critical/trend.csv",
  };

  g_assert_false (app_busy (f));
  /* Alt+1/2/3 switch studies through win.show-study. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-study", "s", "critical"));
  g_assert_cmpint (saddle_window_get_shown_kind (f->window), ==, SADDLE_STUDY_CRITICAL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.show-study", "s", "trajectories"));
  g_assert_cmpint (saddle_window_get_shown_kind (f->window), ==, SADDLE_STUDY_TRAJECTORIES);
  /* GtkApplication found the shortcuts window in the resources. */
  g_assert_nonnull (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (f->window)));
  {
    g_auto(GStrv) accels = gtk_application_get_accels_for_action (f->app, "win.start");

    g_assert_cmpstr (accels[0], ==, "<Control>Return");
  }
  g_assert_false (saddle_window_export_all (f->window, f->tmpdir, &error));
  g_assert_error (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA);
  g_clear_error (&error);

  run_study (f, "trajectories");
  g_assert_cmpint (saddle_window_get_shown_kind (f->window), ==, SADDLE_STUDY_TRAJECTORIES);
  trajectory = saddle_trajectories_page_get_trajectory (SADDLE_TRAJECTORIES_PAGE (trajectories));
  g_assert_nonnull (trajectory);
  g_assert_nonnull (trajectory->pca);
  g_assert_cmpuint (trajectory->n_runs, ==, 3);
  /* One snapshot before training and one per epoch, for each run. */
  g_assert_cmpuint (saddle_trajectory_n_snapshots (trajectory), ==, 3 * 5);

  /* The animation plays from the first epoch to the last, then stops by itself. */
  {
    gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    gboolean was_playing;

    g_object_set (trajectories, "speed", 16.0, NULL);
    saddle_trajectories_page_set_playing (SADDLE_TRAJECTORIES_PAGE (trajectories), TRUE);
    was_playing = saddle_trajectories_page_get_playing (SADDLE_TRAJECTORIES_PAGE (trajectories));
    g_assert_true (was_playing);
    while (saddle_trajectories_page_get_playing (SADDLE_TRAJECTORIES_PAGE (trajectories)) &&
           g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (saddle_trajectories_page_get_playing (SADDLE_TRAJECTORIES_PAGE (trajectories)));

    /* Space (win.toggle-play) plays and pauses them. */
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-play", NULL));
    g_assert_true (saddle_trajectories_page_get_playing (SADDLE_TRAJECTORIES_PAGE (trajectories)));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.toggle-play", NULL));
    g_assert_false (saddle_trajectories_page_get_playing (SADDLE_TRAJECTORIES_PAGE (trajectories)));
  }

  run_study (f, "gradnorm");
  g_assert_cmpint (saddle_window_get_shown_kind (f->window), ==, SADDLE_STUDY_GRADNORM);
  history = saddle_gradnorm_page_get_history (SADDLE_GRADNORM_PAGE (gradnorm));
  g_assert_nonnull (history);
  /* 3 runs × 4 epochs × (40 / 10) steps. */
  g_assert_cmpuint (history->iterations->len, ==, 3 * 4 * 4);
  /* The worker passes on each epoch's whole-set ‖∇L‖: the figure's bold line. */
  g_assert_cmpuint (history->epochs->len, ==, 3 * (4 + 1));
  for (guint i = 0; i < history->epochs->len; i++)
    g_assert_cmpfloat (g_array_index (history->epochs, SaddleEpochRecord, i).grad_norm, >, 0.0);

  run_study (f, "critical");
  set = saddle_critical_page_get_set (SADDLE_CRITICAL_PAGE (critical));
  g_assert_nonnull (set);
  g_assert_cmpuint (set->points->len, ==, 3);
  g_assert_cmpstr (saddle_critical_page_get_progress (SADDLE_CRITICAL_PAGE (critical)), ==, "3 / 3");
  /* The first point is shown at once; a click chooses another. */
  g_assert_cmpint (saddle_critical_page_get_selected (SADDLE_CRITICAL_PAGE (critical)), ==, 0);
  saddle_critical_page_set_selected (SADDLE_CRITICAL_PAGE (critical), 2);
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);

      g_assert_cmpuint (point->spectrum->positive + point->spectrum->negative + point->spectrum->zero,
                        ==, point->n_params);
      g_assert_cmpuint (point->n_params, ==, 6 + 6 + 6 + 1);
    }

  /* Every view, with saddle-cli's file names. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "export-all", g_variant_new_string (f->tmpdir));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = path_in (f, names[i]);

      g_test_message ("checking %s", names[i]);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      if (g_str_has_suffix (names[i], ".svg"))
        check_svg (path, 3);
    }
  {
    g_autofree char *path = path_in (f, "gradnorm/epochs.csv");
    g_autofree char *text = NULL;

    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_true (g_str_has_prefix (text, "run,epoch,iteration,loss,accuracy,grad_norm\n"));
  }
  {
    const SaddleCriticalPoint *point = g_ptr_array_index (set->points, 2);
    g_autofree char *name = g_strdup_printf ("critical/spectrum-run%u.svg", point->run + 1);
    g_autofree char *path = path_in (f, name);

    check_svg (path, 1);
  }
  file = path_in (f, "trajectories/trajectories.csv");
  g_assert_cmpuint (csv_rows (file, "run,epoch,iteration,loss,accuracy,pc1,pc2"), ==, 15);
  g_clear_pointer (&file, g_free);
  file = path_in (f, "gradnorm/history.csv");
  g_assert_cmpuint (csv_rows (file, "run,iteration,epoch,loss,grad_norm"), ==, 48);
  g_clear_pointer (&file, g_free);
  /* The trajectories' own history is beside its other files, not overwritten by gradnorm's. */
  file = path_in (f, "trajectories/history.csv");
  g_assert_cmpuint (csv_rows (file, "run,iteration,epoch,loss,grad_norm"), >, 0);
  g_clear_pointer (&file, g_free);
  file = path_in (f, "history.csv");
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_clear_pointer (&file, g_free);
  file = path_in (f, "critical/critical.csv");
  g_assert_cmpuint (csv_rows (file, "run,loss,grad_norm,minimal_ratio,positive,negative,zero,tolerance"), ==, 3);
  g_clear_pointer (&file, g_free);
  /* The trend and its test, as saddle-cli writes it: 5 rows, then 20 for each of the 2 subsets. */
  file = path_in (f, "critical/trend.csv");
  g_assert_cmpuint (csv_rows (file, "name,value"), ==, 45);
  g_clear_pointer (&file, g_free);

  /* One view at a time, by extension. */
  for (guint k = 0; k < 3; k++)
    {
      SaddlePage *page = saddle_window_get_page (f->window, k);
      const char *exts[] = { "svg", "png", "csv" };

      for (guint e = 0; e < G_N_ELEMENTS (exts); e++)
        {
          g_autofree char *name = g_strdup_printf ("view-%u.%s", k, exts[e]);
          g_autofree char *path = path_in (f, name);

          g_assert_true (saddle_page_export_view (page, path, &error));
          g_assert_no_error (error);
          g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
        }
      {
        g_autofree char *path = path_in (f, "view.txt");

        g_assert_false (saddle_page_export_view (page, path, &error));
        g_assert_error (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_FILE_TYPE);
        g_clear_error (&error);
      }
    }
  /* The ratio without the zero band: a setting of its own, a different figure. */
  g_object_set (critical, "nonzero-ratio", TRUE, NULL);
  g_assert_true (g_settings_get_boolean (f->settings, "critical-nonzero-ratio"));
  {
    g_autofree char *minimal = path_in (f, "view-2.svg");
    g_autofree char *nonzero = path_in (f, "nonzero.svg");
    g_autofree char *a = NULL, *b = NULL;

    g_assert_true (saddle_page_export_view (critical, nonzero, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (minimal, &a, NULL, NULL));
    g_assert_true (g_file_get_contents (nonzero, &b, NULL, NULL));
    g_assert_cmpstr (a, !=, b);
  }

  /* The linear gradient axis is remembered. */
  g_object_set (gradnorm, "log-grad-norm", FALSE, NULL);
  g_assert_false (g_settings_get_boolean (f->settings, "log-grad-norm"));

  file = path_in (f, "spectrum.png");
  g_assert_true (saddle_critical_page_export_spectrum (SADDLE_CRITICAL_PAGE (critical), file, &error));
  g_assert_no_error (error);
}


static void
slice_busy_cb (SaddleCriticalPage *page,
               GParamSpec         *pspec,
               gboolean           *idle)
{
  *idle = !saddle_critical_page_get_slice_busy (page);
}

static void
wait_slice (SaddleCriticalPage *page)
{
  gboolean idle = !saddle_critical_page_get_slice_busy (page);
  gulong id = g_signal_connect (page, "notify::slice-busy", G_CALLBACK (slice_busy_cb), &idle);

  g_assert_true (saddle_test_wait_flag (&idle, STUDY_TIMEOUT));
  g_signal_handler_disconnect (page, id);
}

static void
test_critical_slice (Fixture       *f,
                     gconstpointer  data)
{
  SaddleCriticalPage *page = SADDLE_CRITICAL_PAGE (saddle_window_get_page (f->window, SADDLE_STUDY_CRITICAL));
  const SaddleCriticalSet *set;
  const SaddleCriticalPoint *point;
  const SaddleSlice *slice;
  g_autoptr(GError) error = NULL;
  g_autofree char *details = NULL;
  g_autofree char *expected = NULL;
  gsize mid;

  /* Nothing selected, nothing to slice. */
  g_assert_false (saddle_critical_page_compute_slice (page, &error));
  g_assert_error (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA);
  g_clear_error (&error);

  run_study (f, "critical");
  set = saddle_critical_page_get_set (page);
  g_assert_cmpuint (set->points->len, ==, 3);
  saddle_critical_page_set_selected (page, 1);
  point = g_ptr_array_index (set->points, 1);
  g_assert_nonnull (point->params);

  /* The details name the label and show both ratios, the bands, all three gradient norms. */
  details = saddle_critical_page_get_details (page);
  g_test_message ("%s", details);
  g_assert_nonnull (strstr (details, "Newton steps: "));
  g_assert_nonnull (strstr (details, "‖∇L‖ after descent: "));
  g_assert_nonnull (strstr (details, "‖∇L‖ after Newton: "));
  g_assert_nonnull (strstr (details, "Ratio without zero band: "));
  expected = g_strdup_printf ("Minimal ratio (#λ>0 / n): %.4f\n", point->spectrum->minimal_ratio);
  g_assert_nonnull (strstr (details, expected));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Near-zero eigenvalues: %lu ", (unsigned long) point->spectrum->zero);
  g_assert_nonnull (strstr (details, expected));
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("‖∇L‖ before descent: %.3e\n", point->grad_norm_start);
  g_assert_nonnull (strstr (details, expected));
  g_clear_pointer (&expected, g_free);
  /* What the point is, as the engine measured it: the exact Newton step (dense size, so no
   * MINRES reach), the still-descending factor and the certificate. */
  g_assert_true (isfinite (point->exact_reach.cuts[1].length));
  expected = g_strdup_printf ("Newton step (cut 1e-8): %.3g long (residual %.1e)\n",
                              point->exact_reach.cuts[1].length,
                              point->exact_reach.cuts[1].residual);
  g_assert_nonnull (strstr (details, expected));
  g_clear_pointer (&expected, g_free);
  g_assert_nonnull (strstr (details, "Nearest critical point: —\n"));
  expected = g_strdup_printf ("Loss still falls: %.3g× in %u steps\n",
                              point->still_factor, point->still_steps);
  g_assert_nonnull (strstr (details, expected));
  g_clear_pointer (&expected, g_free);
  g_assert_nonnull (strstr (details, point->certificate == SADDLE_CERTIFICATE_NONE
                                     ? "Stationary: not certified\n" : "Stationary: yes"));
  {
    const char *labels[] = { "Minimum", "Saddle point", "Degenerate minimum (flat directions)",
                             "Unconverged: loss still falling", "Near-stationary, not certified" };
    const char *glyphs[] = { "●", "▲", "■", "✕", "◇" };

    G_STATIC_ASSERT (G_N_ELEMENTS (labels) == SADDLE_CRITICAL_N_LABELS);
    expected = g_strdup_printf ("Kind: %s %s\n", glyphs[point->label], labels[point->label]);
    g_assert_nonnull (strstr (details, expected));
    g_clear_pointer (&expected, g_free);
  }

  /* The summary states the trend's test for both subsets, each with its n: none certified here. */
  {
    const char *summary = saddle_critical_page_get_summary (page);

    g_test_message ("%s", summary);
    g_assert_nonnull (strstr (summary, "certified points (n = "));
    g_assert_nonnull (strstr (summary, "all points (n = 3): "));
    g_assert_nonnull (strstr (summary, "Spearman ρ = "));
    g_assert_nonnull (strstr (summary, "95 % interval "));
    g_assert_nonnull (strstr (summary, "bootstrap resamples"));
    g_assert_true (strstr (summary, "no evidence either way") != NULL
                   || strstr (summary, "as expected") != NULL
                   || strstr (summary, "against the expectation") != NULL
                   || strstr (summary, "all points (n = 3): too few points") != NULL);
    g_assert_null (strstr (summary, "Pearson"));
  }

  /* Trend on and index-law fit off by default; both remembered, both change the figure. */
  {
    gboolean trend, pb;
    g_autofree char *a = path_in (f, "a.svg");
    g_autofree char *b = path_in (f, "b.svg");
    g_autofree char *c = path_in (f, "c.svg");
    g_autofree char *ta = NULL, *tb = NULL, *tc = NULL;

    g_object_get (page, "show-trend", &trend, "show-pb-fit", &pb, NULL);
    g_assert_true (trend);
    g_assert_false (pb);
    g_assert_true (saddle_page_export_view (SADDLE_PAGE (page), a, &error));
    g_object_set (page, "show-trend", FALSE, NULL);
    g_assert_false (g_settings_get_boolean (f->settings, "critical-show-trend"));
    g_assert_true (saddle_page_export_view (SADDLE_PAGE (page), b, &error));
    g_settings_set_boolean (f->settings, "critical-show-pb-fit", TRUE);
    g_object_get (page, "show-pb-fit", &pb, NULL);
    g_assert_true (pb);
    /* The ratio axis: fitted by default, the homework's 0–1 from the setting. */
    {
      gboolean full;

      g_object_get (page, "ratio-axis-full", &full, NULL);
      g_assert_false (full);
      g_settings_set_boolean (f->settings, "critical-ratio-axis-full", TRUE);
      g_object_get (page, "ratio-axis-full", &full, NULL);
      g_assert_true (full);
      g_settings_set_boolean (f->settings, "critical-ratio-axis-full", FALSE);
    }
    g_assert_true (saddle_page_export_view (SADDLE_PAGE (page), c, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (a, &ta, NULL, NULL));
    g_assert_true (g_file_get_contents (b, &tb, NULL, NULL));
    g_assert_true (g_file_get_contents (c, &tc, NULL, NULL));
    g_assert_cmpstr (ta, !=, tb);
    g_assert_cmpstr (tb, !=, tc);
  }

  /* No slice yet: exporting one says so. */
  {
    g_autofree char *path = path_in (f, "slice.svg");

    g_assert_false (saddle_critical_page_export_slice (page, path, &error));
    g_assert_error (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA);
    g_clear_error (&error);
  }

  /* The slice runs off the main thread and lands for the selected point, in view: the
   * spectrum and the slice take turns at the detail column's height. */
  g_assert_cmpstr (saddle_critical_page_get_view (page), ==, "spectrum");
  g_assert_true (saddle_critical_page_compute_slice (page, &error));
  g_assert_no_error (error);
  g_assert_true (saddle_critical_page_get_slice_busy (page));
  wait_slice (page);
  slice = saddle_critical_page_get_slice (page);
  g_assert_nonnull (slice);
  g_assert_cmpstr (saddle_critical_page_get_view (page), ==, "slice");
  g_assert_cmpuint (slice->n_points, ==, SADDLE_SLICE_DEFAULT_POINTS);
  g_assert_cmpuint (slice->n_params, ==, point->n_params);
  /* α = 0 is the point itself: the slice's loss there is the analysed loss. */
  mid = slice->n_points / 2;
  g_assert_cmpfloat (slice->alphas[mid], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (slice->loss, point->loss, 1e-9 * MAX (1, point->loss));
  g_assert_cmpfloat_with_epsilon (slice->loss_bottom[mid], point->loss, 1e-9 * MAX (1, point->loss));
  g_assert_cmpfloat_with_epsilon (slice->loss_top[mid], point->loss, 1e-9 * MAX (1, point->loss));
  /* Its extreme curvatures are the spectrum's ends. */
  g_assert_cmpfloat_with_epsilon (slice->lambda_bottom, point->spectrum->eigenvalues[0],
                                  1e-6 * point->spectrum->max_abs);
  g_assert_cmpfloat_with_epsilon (slice->lambda_top, point->spectrum->eigenvalues[point->n_params - 1],
                                  1e-6 * point->spectrum->max_abs);

  /* Exported like the other views, and by export-all with saddle-cli's names. */
  {
    const char *exts[] = { "svg", "png", "csv" };
    g_autofree char *svg_name = g_strdup_printf ("critical/slice-run%u.svg", point->run + 1);
    g_autofree char *csv_name = g_strdup_printf ("critical/slice-run%u.csv", point->run + 1);
    g_autofree char *svg = path_in (f, svg_name);
    g_autofree char *csv = path_in (f, csv_name);

    for (guint e = 0; e < G_N_ELEMENTS (exts); e++)
      {
        g_autofree char *name = g_strdup_printf ("slice.%s", exts[e]);
        g_autofree char *path = path_in (f, name);

        g_assert_true (saddle_critical_page_export_slice (page, path, &error));
        g_assert_no_error (error);
        g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      }
    g_assert_true (saddle_window_export_all (f->window, f->tmpdir, &error));
    g_assert_no_error (error);
    check_svg (svg, 3);
    /* With a spectrum and a slice shown, the critical page still fits. */
    assert_fits_1280x720 (f->window);
    g_assert_cmpuint (csv_rows (csv, "alpha,loss_bottom,loss_top"), ==, SADDLE_SLICE_DEFAULT_POINTS);
  }

  /* Another point: its own slice, none shown until computed. */
  saddle_critical_page_set_selected (page, 0);
  g_assert_null (saddle_critical_page_get_slice (page));

  /* While a study runs the slice waits (one BLAS job at a time), then starts by itself. */
  set_long (f->settings, "trajectories");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study", g_variant_new_string ("trajectories"));
  g_assert_true (app_busy (f));
  g_assert_true (saddle_critical_page_compute_slice (page, &error));
  g_assert_no_error (error);
  g_assert_true (saddle_critical_page_get_slice_pending (page));
  g_assert_false (saddle_critical_page_get_slice_busy (page));
  saddle_test_spin (0.3);
  g_assert_false (saddle_critical_page_get_slice_busy (page));
  saddle_window_stop (f->window);
  wait_idle (f);
  g_assert_false (saddle_critical_page_get_slice_pending (page));
  wait_slice (page);
  g_assert_nonnull (saddle_critical_page_get_slice (page));

  /* A study asked for while a slice runs waits for it: never two workers at once. */
  saddle_critical_page_set_selected (page, 2);
  set_tiny (f->settings, "trajectories");
  g_assert_true (saddle_critical_page_compute_slice (page, &error));
  g_assert_true (saddle_critical_page_get_slice_busy (page));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study", g_variant_new_string ("trajectories"));
  g_assert_true (app_busy (f));
  g_assert_null (saddle_window_get_job (f->window));
  wait_slice (page);
  g_assert_nonnull (saddle_window_get_job (f->window));
  wait_idle (f);

  /* Stop drops a study still waiting for its turn: the slice it stopped returns, and no
   * study starts after it. */
  saddle_critical_page_set_selected (page, 1);
  g_assert_true (saddle_critical_page_compute_slice (page, &error));
  g_assert_true (saddle_critical_page_get_slice_busy (page));
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study", g_variant_new_string ("trajectories"));
  g_assert_true (app_busy (f));
  saddle_window_stop (f->window);
  g_assert_false (saddle_window_get_busy (f->window));
  wait_slice (page);
  saddle_test_spin (0.2);
  g_assert_null (saddle_window_get_job (f->window));
  g_assert_false (saddle_job_queue_is_running (saddle_window_get_job_queue (f->window), NULL));
}

/* Stop during an eigensolve says how long it will still take, forecast from the previous
 * run's (saddle-eigen-forecast.h): run 2 of two at 2,701 parameters, stopped inside LAPACK,
 * once its solve is under way. tanh, whose Hessian has no exactly zero rows to set aside: a ReLU
 * net's, after 1 epoch on 100 points, has 1,281–1,412 of them, and the solve of the rest ends
 * too soon to be caught. At 1,761 parameters (40,40) the solve could end before the progress
 * label, updated 4 times a second, named it: Stop then found none under way (CI, twice in
 * session 18, once the study's other phases had become faster). */
static void
test_stop_during_eigensolve (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GSettings) s = g_settings_get_child (f->settings, "critical");
  SaddlePage *page = saddle_window_get_page (f->window, SADDLE_STUDY_CRITICAL);
  g_autofree char *unknown = saddle_window_eigensolve_stop_text (NAN);
  g_autofree char *known = saddle_window_eigensolve_stop_text (7.2);
  const SaddleCriticalSet *set;
  gint64 deadline;

  g_assert_null (strstr (unknown, "about"));
  g_assert_nonnull (strstr (known, "(about 8 s)"));

  g_settings_set_string (s, "task", "function");
  g_settings_set_uint (s, "samples", 100);
  g_settings_set_string (s, "hidden", "50,50");
  g_settings_set_string (s, "activation", "tanh");
  g_settings_set_uint (s, "epochs", 1);
  g_settings_set_uint (s, "descent-steps", 0);
  g_settings_set_uint (s, "newton-steps", 0);
  g_settings_set_uint (s, "runs", 2);
  g_settings_set_uint (s, "jobs", 1);
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study",
                                  g_variant_new_string ("critical"));
  deadline = g_get_monotonic_time () + STUDY_TIMEOUT * G_USEC_PER_SEC;
  while ((strstr (saddle_window_get_progress (f->window), "Run 2/2: Eigenvalues") == NULL
          || isnan (saddle_eigen_forecast_remaining ()))
         && app_busy (f) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (saddle_window_get_progress (f->window), "Run 2/2: Eigenvalues"));
  set = saddle_critical_page_get_set (SADDLE_CRITICAL_PAGE (page));
  g_assert_nonnull (set);
  g_assert_cmpuint (set->points->len, ==, 1);

  saddle_window_stop (f->window);
  g_test_message ("%s", saddle_window_get_progress (f->window));
  g_assert_nonnull (strstr (saddle_window_get_progress (f->window),
                            "Stopping after the eigensolve, which cannot be interrupted (about "));
  wait_idle (f);
}

static void
test_stop_keeps_partial (Fixture       *f,
                         gconstpointer  data)
{
  SaddlePage *page = saddle_window_get_page (f->window, SADDLE_STUDY_TRAJECTORIES);
  const SaddleTrajectory *trajectory;
  g_autofree char *csv = NULL;
  gint64 deadline;

  set_long (f->settings, "trajectories");

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study",
                                  g_variant_new_string ("trajectories"));
  g_assert_true (app_busy (f));

  /* Wait for the first live preview with its loss surface. */
  deadline = g_get_monotonic_time () + STUDY_TIMEOUT * G_USEC_PER_SEC;
  while (((trajectory = saddle_trajectories_page_get_trajectory (SADDLE_TRAJECTORIES_PAGE (page))) == NULL
          || trajectory->surface == NULL) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (trajectory);
  g_assert_nonnull (trajectory->surface);
  g_assert_true (app_busy (f));

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "stop", NULL);
  wait_idle (f);

  trajectory = saddle_trajectories_page_get_trajectory (SADDLE_TRAJECTORIES_PAGE (page));
  g_assert_nonnull (trajectory);
  g_assert_nonnull (trajectory->pca);
  /* Only the runs reached before Stop have snapshots. */
  {
    guint highest = 0;

    for (guint i = 0; i < trajectory->info->len; i++)
      highest = MAX (highest, g_array_index (trajectory->info, SaddleSnapshotInfo, i).run + 1);
    g_assert_cmpuint (highest, >=, 1);
    g_assert_cmpuint (highest, <, 16);
  }
  g_assert_true (saddle_page_has_results (page));
  /* The loss surface stays, in the last preview's plane, with every snapshot projected into it;
   * the footer says so, and how many runs finished. */
  g_assert_nonnull (trajectory->surface);
  g_assert_cmpuint (trajectory->pca->n_points, ==, trajectory->info->len);
  g_assert_cmpfloat (trajectory->pca->explained_ratio[0], >, 0);
  g_assert_cmpfloat (trajectory->pca->explained_ratio[0], <=, 1);
  {
    const char *summary = saddle_trajectories_page_get_summary (SADDLE_TRAJECTORIES_PAGE (page));

    g_test_message ("%s", summary);
    g_assert_nonnull (strstr (summary, "runs trained"));
    g_assert_nonnull (strstr (summary, "of 16 runs trained"));
    g_assert_nonnull (strstr (summary, "plane and loss surface of the last preview"));
  }

  g_assert_true (saddle_window_export_all (f->window, f->tmpdir, NULL));
  csv = path_in (f, "trajectories/trajectories.csv");
  g_assert_cmpuint (csv_rows (csv, "run,"), >=, 2);
}

static void
test_restart_stops_first (Fixture       *f,
                          gconstpointer  data)
{
  SaddlePage *gradnorm = saddle_window_get_page (f->window, SADDLE_STUDY_GRADNORM);

  set_long (f->settings, "trajectories");

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study",
                                  g_variant_new_string ("trajectories"));
  saddle_test_spin (0.2);
  g_assert_true (app_busy (f));
  g_assert_nonnull (saddle_window_get_job (f->window));
  g_assert_cmpint (saddle_job_get_kind (saddle_window_get_job (f->window)), ==, SADDLE_STUDY_TRAJECTORIES);

  /* The new study waits for the old one: still one job, the trajectories one, now cancelled. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study",
                                  g_variant_new_string ("gradnorm"));
  g_assert_cmpint (saddle_job_get_kind (saddle_window_get_job (f->window)), ==, SADDLE_STUDY_TRAJECTORIES);
  g_assert_true (saddle_job_is_cancelled (saddle_window_get_job (f->window)));

  wait_idle (f);
  g_assert_null (saddle_window_get_job (f->window));
  g_assert_true (saddle_page_has_results (gradnorm));
  g_assert_cmpuint (saddle_gradnorm_page_get_history (SADDLE_GRADNORM_PAGE (gradnorm))->iterations->len,
                    ==, 3 * 4 * 4);
}

static void
test_errors_in_window (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GSettings) s = g_settings_get_child (f->settings, "gradnorm");
  SaddleSidePanel *panel = saddle_window_get_panel (f->window, SADDLE_STUDY_GRADNORM);
  g_autoptr(GError) error = NULL;
  const char *message;

  /* A file that does not exist: refused before the study starts, the message names it, the
   * app goes on. */
  g_settings_set_string (s, "function", "csv");
  g_settings_set_string (s, "csv-file", "/nonexistent/saddle-samples.csv");
  g_assert_false (saddle_window_run_study (f->window, SADDLE_STUDY_GRADNORM, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  g_assert_false (app_busy (f));
  message = saddle_window_get_message (f->window);
  g_assert_nonnull (message);
  g_assert_true (strstr (message, "saddle-samples.csv") != NULL);

  /* Invalid hidden widths refuse to start, with the reason in the window. */
  g_settings_set_string (s, "function", "sinc");
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden")), "4,x");
  g_assert_false (saddle_window_run_study (f->window, SADDLE_STUDY_GRADNORM, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_HIDDEN);
  g_assert_false (app_busy (f));
  g_assert_true (strstr (saddle_window_get_message (f->window), "Hidden layers") != NULL);

  /* So does a learning rate typed out of range, which stays as typed. */
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden")), "4");
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "lr")), "50");
  gtk_spin_button_update (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "lr")));
  g_clear_error (&error);
  g_assert_false (saddle_window_run_study (f->window, SADDLE_STUDY_GRADNORM, &error));
  g_assert_error (error, SADDLE_CONFIG_ERROR, SADDLE_CONFIG_FIELD_LR);
  g_assert_false (app_busy (f));
  g_assert_nonnull (strstr (saddle_window_get_message (f->window),
                            "Learning rate: must be a finite number in (0, 10]; got 50"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "lr"))), ==, "50");
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "lr")), "0.01");
  gtk_spin_button_update (GTK_SPIN_BUTTON (saddle_side_panel_get_field (panel, "lr")));
  g_clear_error (&error);

  /* Fixed, the same window runs the study. */
  gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_get_field (panel, "hidden")), "4");
  run_study (f, "gradnorm");
  g_assert_true (saddle_page_has_results (saddle_window_get_page (f->window, SADDLE_STUDY_GRADNORM)));

  /* A start that fails on its data leaves the study on screen: nothing is cleared first. */
  {
    SaddlePage *page = saddle_window_get_page (f->window, SADDLE_STUDY_GRADNORM);
    const SaddleHistory *before = saddle_gradnorm_page_get_history (SADDLE_GRADNORM_PAGE (page));
    guint rows = before->iterations->len;

    g_settings_set_string (s, "function", "csv");
    g_settings_set_string (s, "csv-file", "/nonexistent/saddle-samples.csv");
    g_clear_error (&error);
    g_assert_false (saddle_window_run_study (f->window, SADDLE_STUDY_GRADNORM, &error));
    g_assert_nonnull (error);
    g_assert_false (app_busy (f));
    g_assert_true (strstr (saddle_window_get_message (f->window), "saddle-samples.csv") != NULL);
    g_assert_true (saddle_page_has_results (page));
    g_assert_cmpuint (saddle_gradnorm_page_get_history (SADDLE_GRADNORM_PAGE (page))->iterations->len,
                      ==, rows);
    g_settings_set_string (s, "function", "sinc");
  }

  /* An unknown study name is refused with a message. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study", g_variant_new_string ("nonsense"));
  g_assert_false (app_busy (f));
  g_assert_true (strstr (saddle_window_get_message (f->window), "nonsense") != NULL);
}

/* A study on a CSV file of labelled rows, chosen in the image task's data row, runs and exports
 * its summary naming the file (so Open Results finds it again). */
static void
test_csv_study (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GSettings) s = g_settings_get_child (f->settings, "gradnorm");
  g_autofree char *csv = path_in (f, "animals.csv");
  g_autofree char *out = path_in (f, "export");
  g_autofree char *summary_path = NULL;
  g_autofree char *summary = NULL;
  g_autoptr(GString) text = g_string_new ("size,label\n");
  SaddlePage *page = saddle_window_get_page (f->window, SADDLE_STUDY_GRADNORM);

  for (guint i = 0; i < 30; i++)
    g_string_append_printf (text, "%u,%s\n", i, i % 2 ? "cat" : "dog");
  g_assert_true (g_file_set_contents (csv, text->str, -1, NULL));
  g_settings_set_string (s, "task", "image");
  g_settings_set_string (s, "image-folder", csv);
  g_settings_set_string (s, "hidden", "3");
  g_settings_set_uint (s, "epochs", 2);
  g_settings_set_uint (s, "runs", 2);
  run_study (f, "gradnorm");
  g_assert_true (saddle_page_has_results (page));
  g_assert_cmpuint (saddle_gradnorm_page_get_history (SADDLE_GRADNORM_PAGE (page))->iterations->len,
                    >, 0);

  g_assert_true (saddle_window_export_all (f->window, out, NULL));
  summary_path = g_build_filename (out, "gradnorm", "summary.json", NULL);
  g_assert_true (g_file_get_contents (summary_path, &summary, NULL, NULL));
  g_assert_nonnull (strstr (summary, "animals.csv: 30 rows × 1 feature, 2 classes (0 = cat, 1 = dog)"));
  g_assert_nonnull (strstr (summary, csv));
}

static void
test_close_mid_study (Fixture       *f,
                      gconstpointer  data)
{
  SaddleJob *job;
  gboolean gone = FALSE;
  gint64 deadline;

  set_long (f->settings, "gradnorm");
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study", g_variant_new_string ("gradnorm"));
  saddle_test_spin (0.2);
  job = saddle_window_get_job (f->window);
  g_assert_nonnull (job);
  g_object_add_weak_pointer (G_OBJECT (job), (gpointer *) &job);

  /* Closing cancels; the worker returns and the job is released. */
  gtk_window_close (GTK_WINDOW (f->window));
  deadline = g_get_monotonic_time () + STUDY_TIMEOUT * G_USEC_PER_SEC;
  while (job != NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  gone = job == NULL;
  g_assert_true (gone);
  g_assert_null (gtk_application_get_windows (f->app));
}

static void
job_finished_cb (SaddleJob *job,
                 gboolean  *done)
{
  *done = TRUE;
}

/* The job alone: every event copied, previews carry a PCA, counts match the results. */
static void
test_job_events (void)
{
  SaddleStudyConfig config;
  g_autoptr(SaddleJob) job = NULL;
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(GError) error = NULL;
  guint iterations = 0, epochs = 0, previews = 0, progress = 0;
  gboolean done = FALSE;

  saddle_study_config_init (&config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_FUNCTION);
  config.samples = 30;
  g_assert_true (saddle_study_config_set_hidden (&config, "5", NULL));
  config.batch = 10;
  config.epochs = 3;
  config.runs = 3;
  config.threads = 1;

  job = saddle_job_new (SADDLE_STUDY_TRAJECTORIES, &config);
  saddle_study_config_clear (&config);
  g_signal_connect (job, "finished", G_CALLBACK (job_finished_cb), &done);
  saddle_job_start (job);
  g_assert_true (saddle_job_is_running (job));
  g_assert_true (saddle_test_wait_flag (&done, STUDY_TIMEOUT));
  g_assert_false (saddle_job_is_running (job));

  {
    g_autoptr(GPtrArray) first = saddle_job_drain (job, 5);
    g_autoptr(GPtrArray) events = saddle_job_drain (job, 0);

    /* A bounded drain takes the oldest events and leaves the rest queued, in order. */
    g_assert_nonnull (first);
    g_assert_cmpuint (first->len, ==, 5);
    g_assert_nonnull (events);
    g_ptr_array_extend_and_steal (first, g_steal_pointer (&events));
    events = g_steal_pointer (&first);
    for (guint i = 0; i < events->len; i++)
      {
        SaddleJobEvent *event = g_ptr_array_index (events, i);

        switch (event->kind)
          {
          case SADDLE_EVENT_ITERATION:
          case SADDLE_EVENT_EPOCH:
            /* These come as records, not events. */
            g_assert_not_reached ();
            break;
          case SADDLE_EVENT_PROGRESS:
            progress++;
            g_assert_true (event->fraction >= 0 && event->fraction <= 1);
            break;
          case SADDLE_EVENT_SNAPSHOT:
            g_assert_nonnull (event->preview);
            g_assert_nonnull (event->preview->pca);
            g_assert_cmpuint (saddle_trajectory_n_snapshots (event->preview), >=, 2);
            /* The default study draws a surface: so does every preview, over its own plane,
             * and each snapshot's contour value is the surface at its projection. */
            {
              const SaddleTrajectory *preview = event->preview;
              gsize n = saddle_trajectory_n_snapshots (preview);

              g_assert_nonnull (preview->surface);
              g_assert_cmpuint (preview->surface->resolution, ==, 21);
              g_assert_cmpuint (preview->plane_distance->len, ==, n);
              g_assert_cmpuint (preview->surface_loss->len, ==, n);
              for (gsize i = 0; i < n; i++)
                {
                  double a = preview->pca->scores[i * preview->pca->n_components];
                  double b = preview->pca->n_components > 1
                             ? preview->pca->scores[i * preview->pca->n_components + 1] : 0;
                  double contour = g_array_index (preview->surface_loss, double, i);

                  g_assert_true (g_array_index (preview->plane_distance, double, i) >= 0);
                  g_assert_true (isfinite (contour));
                  g_assert_cmpfloat_with_epsilon (contour, saddle_surface_value_at (preview->surface, a, b),
                                                  1e-12 * MAX (1, fabs (contour)));
                }
            }
            previews++;
            break;
          default:
            break;
          }
      }
  }
  g_assert_null (saddle_job_drain (job, 0));
  {
    g_autoptr(GArray) its = NULL;
    g_autoptr(GArray) eps = NULL;

    saddle_job_drain_records (job, &its, &eps);
    g_assert_nonnull (its);
    g_assert_nonnull (eps);
    iterations = its->len;
    epochs = eps->len;
    {
      /* Runs may train in parallel (--jobs), so records of different runs interleave; within
       * a run the steps count up one by one from 1. */
      guint next[3] = { 1, 1, 1 };

      for (guint i = 0; i < its->len; i++)
        {
          const SaddleIterationRecord *r = &g_array_index (its, SaddleIterationRecord, i);

          g_assert_cmpuint (r->run, <, G_N_ELEMENTS (next));
          g_assert_cmpuint (r->iteration, ==, next[r->run]);
          next[r->run]++;
        }
      for (guint run = 0; run < G_N_ELEMENTS (next); run++)
        g_assert_cmpuint (next[run], ==, 1 + 3 * 3);
    }
    g_clear_pointer (&its, g_array_unref);
    g_clear_pointer (&eps, g_array_unref);
    saddle_job_drain_records (job, &its, &eps);
    g_assert_null (its);
    g_assert_null (eps);
  }

  results = saddle_job_take_results (job, &error);
  g_assert_no_error (error);
  g_assert_nonnull (results);
  g_assert_false (results->cancelled);
  g_assert_cmpuint (iterations, ==, results->history->iterations->len);
  g_assert_cmpuint (iterations, ==, 3 * 3 * 3);
  g_assert_cmpuint (epochs, ==, results->history->epochs->len);
  /* Previews come at most every 0.75 s (more rarely while their loss surfaces are dear), never
   * at each snapshot: the 12 snapshots of these 3 parallel runs once gave a preview nearly
   * each, every one a PCA and a surface under the study's lock. */
  g_assert_cmpuint (previews, <, 6);
  g_assert_cmpuint (progress, >, 0);
}


/* The bytes of @folder/@name, "" when absent. */
static char *
file_text (const char *folder,
           const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}


static void
store_result_cb (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* saddle_window_open_results_async(), waited for. */
static gboolean
open_results (SaddleWindow  *window,
              const char    *folder,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  saddle_window_open_results_async (window, folder, NULL, store_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return saddle_window_open_results_finish (window, result, error);
}

/* Export All, Open Results of that folder, Export All again: every number is the same (the
 * two exports' data files are byte for byte equal, and %.17g reads back exactly), the points
 * and their spectra, the curves, the paths and the surface are on the pages again, the
 * settings are shown read-only, and a point's loss slice is recomputed from its saved weights. */
static void
test_open_results_round_trip (Fixture       *f,
                              gconstpointer  data)
{
  static const char *const files[] = {
    "trajectories/trajectories.csv", "trajectories/trajectories-layer.csv",
    "trajectories/surface.csv", "trajectories/history.csv", "trajectories/epochs.csv",
    "trajectories/summary.json", "gradnorm/history.csv", "gradnorm/epochs.csv",
    "gradnorm/summary.json", "critical/critical.csv", "critical/eigenvalues.csv",
    "critical/trend.csv", "critical/summary.json", "critical/weights-run1.txt",
    "critical/weights-run2.txt", "critical/weights-run3.txt",
  };
  SaddleCriticalPage *critical = SADDLE_CRITICAL_PAGE (saddle_window_get_page (f->window, SADDLE_STUDY_CRITICAL));
  SaddleTrajectoriesPage *trajectories = SADDLE_TRAJECTORIES_PAGE (saddle_window_get_page (f->window, SADDLE_STUDY_TRAJECTORIES));
  SaddleGradnormPage *gradnorm = SADDLE_GRADNORM_PAGE (saddle_window_get_page (f->window, SADDLE_STUDY_GRADNORM));
  g_autofree char *first = path_in (f, "first");
  g_autofree char *second = path_in (f, "second");
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleTrajectory) trajectory = NULL;
  g_autoptr(SaddleHistory) history = NULL;
  g_autoptr(SaddleSlice) slice = NULL;
  const SaddleCriticalSet *set;
  const SaddleTrajectory *opened_trajectory;
  const SaddleSlice *again;
  GtkWidget *opened;
  guint n_points;

  run_study (f, "trajectories");
  run_study (f, "gradnorm");
  run_study (f, "critical");
  trajectory = saddle_trajectory_copy (saddle_trajectories_page_get_trajectory (trajectories));
  history = saddle_history_copy (saddle_gradnorm_page_get_history (gradnorm));
  set = saddle_critical_page_get_set (critical);
  n_points = set->points->len;
  g_assert_cmpuint (n_points, ==, 3);
  saddle_critical_page_set_selected (critical, 1);
  g_assert_true (saddle_critical_page_compute_slice (critical, &error));
  g_assert_no_error (error);
  wait_slice (critical);
  slice = saddle_slice_copy (saddle_critical_page_get_slice (critical));

  g_assert_true (saddle_window_export_all (f->window, first, &error));
  g_assert_no_error (error);
  g_assert_true (open_results (f->window, first, &error));
  g_assert_no_error (error);
  g_assert_true (saddle_window_export_all (f->window, second, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *a = file_text (first, files[i]);
      g_autofree char *b = file_text (second, files[i]);

      g_test_message ("%s", files[i]);
      g_assert_cmpuint (strlen (a), >, 0);
      g_assert_cmpstr (a, ==, b);
    }

  /* The pages hold the same numbers as before the round trip. */
  set = saddle_critical_page_get_set (critical);
  g_assert_cmpuint (set->points->len, ==, n_points);
  g_assert_nonnull (((SaddleCriticalPoint *) g_ptr_array_index (set->points, 0))->spectrum);
  {
    const SaddleHistory *h = saddle_gradnorm_page_get_history (gradnorm);

    g_assert_cmpuint (h->iterations->len, ==, history->iterations->len);
    g_assert_cmpmem (h->iterations->data, h->iterations->len * sizeof (SaddleIterationRecord),
                     history->iterations->data, history->iterations->len * sizeof (SaddleIterationRecord));
    g_assert_cmpmem (h->epochs->data, h->epochs->len * sizeof (SaddleEpochRecord),
                     history->epochs->data, history->epochs->len * sizeof (SaddleEpochRecord));
  }
  opened_trajectory = saddle_trajectories_page_get_trajectory (trajectories);
  g_assert_cmpuint (opened_trajectory->info->len, ==, trajectory->info->len);
  g_assert_cmpmem (opened_trajectory->pca->scores, trajectory->info->len * 2 * sizeof (double),
                   trajectory->pca->scores, trajectory->info->len * 2 * sizeof (double));
  g_assert_cmpmem (opened_trajectory->pca->explained_ratio, 2 * sizeof (double),
                   trajectory->pca->explained_ratio, 2 * sizeof (double));
  g_assert_nonnull (opened_trajectory->surface);
  g_assert_cmpmem (opened_trajectory->surface->loss, 9 * 9 * sizeof (double),
                   trajectory->surface->loss, 9 * 9 * sizeof (double));

  /* The settings are the study's, read-only, until New Study. */
  opened = saddle_window_get_opened_panel (f->window, SADDLE_STUDY_CRITICAL);
  g_assert_nonnull (opened);
  g_assert_true (gtk_widget_get_visible (opened));
  g_assert_false (gtk_widget_get_sensitive (saddle_opened_panel_get_panel (SADDLE_OPENED_PANEL (opened))));
  g_assert_nonnull (strstr (saddle_opened_panel_get_notice (SADDLE_OPENED_PANEL (opened)), "first"));
  {
    GtkWidget *hidden = saddle_side_panel_get_field (SADDLE_SIDE_PANEL (saddle_opened_panel_get_panel (SADDLE_OPENED_PANEL (opened))), "hidden");

    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (hidden)), ==, "6");
  }

  /* The slice is recomputed from the saved weights: the same numbers. */
  saddle_critical_page_set_selected (critical, 1);
  g_assert_true (saddle_critical_page_compute_slice (critical, &error));
  g_assert_no_error (error);
  wait_slice (critical);
  again = saddle_critical_page_get_slice (critical);
  g_assert_nonnull (again);
  g_assert_cmpmem (again->loss_bottom, slice->n_points * sizeof (double),
                   slice->loss_bottom, slice->n_points * sizeof (double));
  g_assert_cmpmem (again->loss_top, slice->n_points * sizeof (double),
                   slice->loss_top, slice->n_points * sizeof (double));

  saddle_window_show_kind (f->window, SADDLE_STUDY_CRITICAL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-study", NULL));
  g_assert_null (saddle_window_get_opened_panel (f->window, SADDLE_STUDY_CRITICAL));
  g_assert_nonnull (saddle_window_get_opened_panel (f->window, SADDLE_STUDY_GRADNORM));
}

/* Writes @text to @folder/@name. */
static void
put_file (const char *folder,
          const char *name,
          const char *text)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* The folder is read off the main thread: the call returns before any page changes, and a
 * study started while the files are read keeps its pages (the opened folder is refused). */
static void
test_open_results_async (Fixture       *f,
                         gconstpointer  data)
{
  SaddleCriticalPage *critical = SADDLE_CRITICAL_PAGE (saddle_window_get_page (f->window, SADDLE_STUDY_CRITICAL));
  g_autofree char *folder = path_in (f, "exported");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const SaddleCriticalSet *set;

  run_study (f, "critical");
  g_assert_true (saddle_window_export_all (f->window, folder, &error));
  g_assert_no_error (error);
  set = saddle_critical_page_get_set (critical);

  saddle_window_open_results_async (f->window, folder, NULL, store_result_cb, &result);
  g_assert_null (result);
  g_assert_true (saddle_critical_page_get_set (critical) == set);
  g_assert_null (saddle_window_get_opened_panel (f->window, SADDLE_STUDY_CRITICAL));
  g_assert_nonnull (strstr (saddle_window_get_message (f->window), "Reading"));

  /* A study starts before the files are read: it wins. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "run-study",
                                  g_variant_new_string ("gradnorm"));
  g_assert_true (app_busy (f));
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (saddle_window_open_results_finish (f->window, result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_assert_null (saddle_window_get_opened_panel (f->window, SADDLE_STUDY_CRITICAL));
  wait_idle (f);
}

/* A folder the app cannot use is refused naming the file and line, and the window keeps
 * the results it had. */
static void
test_open_results_refused (Fixture       *f,
                           gconstpointer  data)
{
  SaddleCriticalPage *critical = SADDLE_CRITICAL_PAGE (saddle_window_get_page (f->window, SADDLE_STUDY_CRITICAL));
  g_autofree char *bad = path_in (f, "bad");
  g_autofree char *dir = g_build_filename (bad, "critical", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  const SaddleCriticalSet *set;
  guint n_points;

  run_study (f, "critical");
  set = saddle_critical_page_get_set (critical);
  n_points = set->points->len;
  g_assert_true (saddle_window_export_all (f->window, bad, &error));
  g_assert_no_error (error);

  /* Line 3 of critical.csv gets a loss that is not a number. */
  csv = file_text (dir, "critical.csv");
  lines = g_strsplit (csv, "\n", -1);
  {
    g_auto(GStrv) fields = g_strsplit (lines[2], ",", 3);
    g_autofree char *broken = g_strdup_printf ("%s,lots,%s", fields[0], fields[2]);

    g_free (lines[2]);
    lines[2] = g_steal_pointer (&broken);
  }
  {
    g_autofree char *joined = g_strjoinv ("\n", lines);

    put_file (dir, "critical.csv", joined);
  }
  g_assert_false (open_results (f->window, bad, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "critical.csv, line 3"));
  g_assert_nonnull (strstr (saddle_window_get_message (f->window), "critical.csv, line 3"));
  g_assert_true (saddle_critical_page_get_set (critical) == set);
  g_assert_cmpuint (set->points->len, ==, n_points);
  g_assert_null (saddle_window_get_opened_panel (f->window, SADDLE_STUDY_CRITICAL));
  g_clear_error (&error);

  /* A summary.json with a setting of the wrong type: its file and line. */
  put_file (dir, "critical.csv", csv);
  put_file (dir, "summary.json", "{\n  \"study\" : \"critical\",\n  \"lr\" : \"fast\"\n}\n");
  g_assert_false (open_results (f->window, bad, &error));
  g_assert_nonnull (strstr (error->message, "summary.json, line 3"));
  g_assert_true (saddle_critical_page_get_set (critical) == set);
  g_clear_error (&error);

  /* A folder with nothing of Saddle's in it. */
  g_assert_false (open_results (f->window, f->tmpdir, &error));
  g_assert_nonnull (strstr (error->message, "holds no Saddle results"));
  g_assert_true (saddle_critical_page_get_set (critical) == set);
}

/* Export All goes through the staging folder: refused while another writer holds the folder
 * (the previous export stays whole), then replacing it as one set. */
static void
test_export_all_staged (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *folder = path_in (f, "export");
  g_autofree char *gradnorm = g_build_filename (folder, "gradnorm", NULL);
  g_autofree char *blocker = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  run_study (f, "gradnorm");
  g_assert_true (saddle_window_export_all (f->window, folder, &error));
  g_assert_no_error (error);
  before = file_text (gradnorm, "history.csv");
  put_file (folder, "notes.txt", "mine");

  /* Other numbers, and a second study. */
  {
    g_autoptr(GSettings) s = g_settings_get_child (f->settings, "gradnorm");

    g_settings_set_uint (s, "seed", 7);
  }
  run_study (f, "gradnorm");
  run_study (f, "critical");
  blocker = g_build_filename (folder, ".saddle-lock", NULL);
  /* The lock taken by another writer refuses the export before any file is touched. */
  {
    int fd = g_open (blocker, O_RDWR, 0);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (flock (fd, LOCK_EX | LOCK_NB), ==, 0);
    g_assert_false (saddle_window_export_all (f->window, folder, &error));
    g_assert_nonnull (strstr (error->message, "being written by another"));
    g_clear_error (&error);
    close (fd);
  }
  after = file_text (gradnorm, "history.csv");
  g_assert_cmpstr (after, ==, before);

  /* Once free, the new set replaces the old one; files that are not Saddle's stay. */
  g_assert_true (saddle_window_export_all (f->window, folder, &error));
  g_assert_no_error (error);
  g_free (after);
  after = file_text (gradnorm, "history.csv");
  g_assert_cmpstr (after, !=, before);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  {
    g_autofree char *critical = g_build_filename (folder, "critical", "critical.csv", NULL);
    g_autofree char *mine = file_text (folder, "notes.txt");

    g_assert_true (g_file_test (critical, G_FILE_TEST_IS_REGULAR));
    g_assert_cmpstr (mine, ==, "mine");
  }
  /* No staging folder is left behind. */
  dir = g_dir_open (folder, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".saddle-staging"));
}

int
main (int   argc,
      char *argv[])
{
  saddle_test_require_display ();
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/job/events", test_job_events);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/app/window/studies-and-export", test_studies_and_export);
  ADD ("/app/window/critical-slice", test_critical_slice);
  ADD ("/app/window/stop-keeps-partial", test_stop_keeps_partial);
  ADD ("/app/window/stop-during-eigensolve", test_stop_during_eigensolve);
  ADD ("/app/window/restart-stops-first", test_restart_stops_first);
  ADD ("/app/window/errors", test_errors_in_window);
  ADD ("/app/window/csv-study", test_csv_study);
  ADD ("/app/window/close-mid-study", test_close_mid_study);
  ADD ("/app/window/open-results-round-trip", test_open_results_round_trip);
  ADD ("/app/window/open-results-refused", test_open_results_refused);
  ADD ("/app/window/open-results-async", test_open_results_async);
  ADD ("/app/window/export-all-staged", test_export_all_staged);
#undef ADD

  return g_test_run ();
}
