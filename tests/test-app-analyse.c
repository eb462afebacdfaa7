/* test-app-analyse.c — Analyse Weights end to end: the app analyses a weights file and shows what
 * saddle-cli hessian printed for it; a bad file keeps the analysis shown; Stop keeps it too;
 * the SLQ density view draws its curve and the exact spectrum over it */
#define G_LOG_DOMAIN "test-app-analyse"

#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "saddle-test-app.h"
#include "saddle-analyse-window.h"
#include "saddle-application.h"
#include "saddle-job-queue.h"
#include "saddle-density-view.h"
#include "saddle-lanczos.h"
#include "saddle-slice-view.h"
#include "saddle-spectrum-view.h"
#include "saddle-weights-file.h"
#include "saddle-window.h"

typedef struct
{
  GtkApplication      *app;
  SaddleAnalyseWindow *window;
  char                *tmpdir;
} Fixture;

static char *
measure_path (const char *file)
{
  const char *srcdir = g_getenv ("SADDLE_TEST_SRCDIR");

  return g_build_filename (srcdir != NULL ? srcdir : ".", "measure", file, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->app = GTK_APPLICATION (saddle_application_new ());
  g_application_set_flags (G_APPLICATION (f->app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (f->app));
  f->tmpdir = g_dir_make_tmp ("saddle-analyse-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GList *windows = g_list_copy (gtk_application_get_windows (f->app));
  g_autoptr(GDir) dir = g_dir_open (f->tmpdir, 0, NULL);
  const char *name;

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  g_list_free (windows);
  saddle_test_spin (0.05);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&f->app);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->tmpdir, name, NULL);

      g_remove (path);
    }
  g_rmdir (f->tmpdir);
  g_free (f->tmpdir);
}

/* Analyses @path through the application's action, as the menu and D-Bus do; waits for it. */
static void
analyse (Fixture    *f,
         const char *path,
         double      seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  g_action_group_activate_action (G_ACTION_GROUP (f->app), "analyse-weights-file",
                                  g_variant_new_string (path));
  f->window = saddle_analyse_window_get (f->app);
  while (saddle_analyse_window_get_busy (f->window) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (saddle_analyse_window_get_busy (f->window));
}

/* The counts line as the window words it, from what saddle-cli hessian wrote (summary.json). */
static char *
cli_counts_line (void)
{
  g_autofree char *path = measure_path ("dense/summary.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *summary;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  summary = json_node_get_object (json_parser_get_root (parser));
  return g_strdup_printf ("Eigenvalues: %ld positive, %ld negative, %ld zero",
                          (long) json_object_get_int_member (summary, "positive"),
                          (long) json_object_get_int_member (summary, "negative"),
                          (long) json_object_get_int_member (summary, "zero"));
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (f->tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  return path;
}

static void
test_analyse_weights (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *weights = measure_path ("weights.txt");
  g_autofree char *counts = cli_counts_line ();
  g_autofree char *svg = g_build_filename (f->tmpdir, "density.svg", NULL);
  g_autofree char *csv = g_build_filename (f->tmpdir, "eigenvalues.csv", NULL);
  g_autofree char *reference_csv = measure_path ("dense/eigenvalues.csv");
  g_autofree char *svg_text = NULL;
  g_autofree char *csv_text = NULL;
  g_autofree char *reference_text = NULL;
  g_autoptr(GError) error = NULL;
  const SaddleAnalysis *analysis;
  const char *summary;
  const char *reach;

  analyse (f, weights, 120);
  analysis = saddle_analyse_window_get_analysis (f->window);
  g_assert_null (saddle_analyse_window_get_message (f->window));
  g_assert_nonnull (analysis);
  summary = saddle_analyse_window_get_summary (f->window);
  /* The counts, the label and the reach that saddle-cli hessian printed for this file. */
  g_assert_nonnull (strstr (summary, counts));
  g_assert_nonnull (strstr (summary, "Label: descending (Unconverged: loss still falling)"));
  reach = strstr (summary, "Newton reach (exact, from the eigendecomposition): a step of "
                           "‖δ‖ = 0.414 leaves ");
  g_assert_nonnull (reach);
  /* What is left is rounding (the CLI printed 1.7e-15 before the R-pass's products changed
   * their order of sums): its digits are not the point, its size is. */
  g_assert_cmpfloat (g_ascii_strtod (strstr (reach, "leaves ") + strlen ("leaves "), NULL),
                     <, 1e-13);
  g_assert_nonnull (strstr (summary, "Network: 1-6-1 relu, 19 parameters"));

  /* Every view shows this analysis. */
  g_assert_true (saddle_spectrum_view_get_point (SADDLE_SPECTRUM_VIEW (
                   saddle_analyse_window_get_view (f->window, "spectrum")))
                 == analysis->measure->point);
  g_assert_true (saddle_density_view_get_density (SADDLE_DENSITY_VIEW (
                   saddle_analyse_window_get_view (f->window, "density"))) == analysis->density);
  g_assert_true (saddle_density_view_get_exact (SADDLE_DENSITY_VIEW (
                   saddle_analyse_window_get_view (f->window, "density")))
                 == analysis->measure->point->spectrum);
  g_assert_true (saddle_slice_view_get_slice (SADDLE_SLICE_VIEW (
                   saddle_analyse_window_get_view (f->window, "slice"))) == analysis->slice);

  /* Exports: the density as SVG, and the spectrum's eigenvalues as saddle-cli wrote them. */
  saddle_analyse_window_show_view (f->window, "density");
  g_assert_true (saddle_analyse_window_export_view (f->window, svg, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (svg, &svg_text, NULL, NULL));
  g_assert_true (g_str_has_prefix (svg_text, "<?xml") && strstr (svg_text, "<svg") != NULL);
  saddle_analyse_window_show_view (f->window, "spectrum");
  g_assert_true (saddle_analyse_window_export_view (f->window, csv, &error));
  g_assert_true (g_file_get_contents (csv, &csv_text, NULL, NULL));
  g_assert_true (g_file_get_contents (reference_csv, &reference_text, NULL, NULL));
  g_assert_cmpstr (csv_text, ==, reference_text);
}

/* A safetensors file with no options line: its tensors give the network, its metadata the
 * activation (as `saddle-cli hessian` reads it, no model options). */
static void
test_safetensors (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *text = measure_path ("weights.txt");
  g_autofree char *path = g_build_filename (f->tmpdir, "model.safetensors", NULL);
  g_autoptr(SaddleWeightsFile) file = NULL;
  g_autoptr(GError) error = NULL;
  const guint widths[] = { 1, 6, 1 };
  const SaddleAnalysis *analysis;

  file = saddle_weights_file_read (text, &error);
  g_assert_no_error (error);
  g_assert_true (saddle_weights_file_write (path, file->theta, file->n_params, widths, 3,
                                            SADDLE_ACTIVATION_RELU, NULL, NULL, &error));
  g_assert_no_error (error);

  analyse (f, path, 120);
  g_assert_null (saddle_analyse_window_get_message (f->window));
  analysis = saddle_analyse_window_get_analysis (f->window);
  g_assert_nonnull (analysis);
  g_assert_cmpstr (analysis->model_text, ==, "1-6-1 relu");
  g_assert_cmpint (analysis->config.task, ==, SADDLE_TASK_FUNCTION);
  g_assert_nonnull (strstr (saddle_analyse_window_get_summary (f->window), "Eigenvalues: "));
}

/* A file that cannot be analysed gives a message naming the problem and keeps what is shown. */
static void
test_bad_file_keeps (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *weights = measure_path ("weights.txt");
  g_autofree char *short_file = write_file (f, "short.txt",
                                            "# options: --task function --hidden '6' "
                                            "--activation relu --samples 100 --function sinc\n"
                                            "0.5\n0.25\n");
  g_autofree char *garbage = write_file (f, "garbage.txt", "# options: --hidden '6'\nhello\n");
  g_autofree char *no_header = write_file (f, "bare.txt", "0.5\n");
  g_autofree char *summary = NULL;
  const SaddleAnalysis *before;
  const char *message;

  analyse (f, weights, 120);
  before = saddle_analyse_window_get_analysis (f->window);
  g_assert_nonnull (before);
  summary = g_strdup (saddle_analyse_window_get_summary (f->window));

  analyse (f, short_file, 60);
  message = saddle_analyse_window_get_message (f->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "“short.txt” holds 2 parameters, but the 1-6-1 relu network "
                                     "its header names has 19"));
  g_assert_nonnull (strstr (message, "The analysis shown is the one before"));
  g_assert_true (saddle_analyse_window_get_analysis (f->window) == before);
  g_assert_cmpstr (saddle_analyse_window_get_summary (f->window), ==, summary);

  analyse (f, garbage, 60);
  message = saddle_analyse_window_get_message (f->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Cannot read the weights “garbage.txt”"));
  g_assert_true (saddle_analyse_window_get_analysis (f->window) == before);

  analyse (f, no_header, 60);
  message = saddle_analyse_window_get_message (f->window);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "Cannot use the weights “bare.txt”: it does not say which network it belongs to"));
  g_assert_true (saddle_analyse_window_get_analysis (f->window) == before);
  g_assert_cmpstr (saddle_analyse_window_get_summary (f->window), ==, summary);
}

/* Weights of a 1-70-60-1 tanh net (4,461 parameters, beyond the dense size), seeded. */
static char *
write_large_weights (Fixture *f)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  GString *text = g_string_new ("# a seeded 1-70-60-1 tanh net\n"
                                "# options: --task function --hidden '70,60' --activation tanh "
                                "--samples 50 --function sinc\n");
  char *path;

  for (guint i = 0; i < 4461; i++)
    g_string_append_printf (text, "%.17g\n", g_rand_double_range (rand, -0.3, 0.3));
  path = write_file (f, "large.txt", text->str);
  g_string_free (text, TRUE);
  return path;
}

/* A task queued behind the analysis: it records that its turn came. */
static GCancellable *
queued_start_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return NULL;
}

static SaddleJobQueue *
study_queue (Fixture *f)
{
  for (GList *l = gtk_application_get_windows (f->app); l != NULL; l = l->next)
    if (SADDLE_IS_WINDOW (l->data))
      return saddle_window_get_job_queue (l->data);
  g_assert_not_reached ();
}

/* Beyond the dense size: Lanczos extremes and their verdict in place of the counts; no spectrum
 * page; Stop mid-way keeps the analysis shown. */
static void
test_lanczos_and_stop (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *small = measure_path ("weights.txt");
  g_autofree char *large = write_large_weights (f);
  const SaddleAnalysis *before;
  const SaddleAnalysis *analysis;
  const char *summary;

  analyse (f, small, 120);
  before = saddle_analyse_window_get_analysis (f->window);
  g_assert_nonnull (before);

  /* Stopped at once: the analysis before stays. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "analyse-weights-file",
                                  g_variant_new_string (large));
  g_assert_true (saddle_analyse_window_get_busy (f->window));
  saddle_test_spin (0.2);
  saddle_analyse_window_stop (f->window);
  {
    gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

    while (saddle_analyse_window_get_busy (f->window) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
  }
  g_assert_false (saddle_analyse_window_get_busy (f->window));
  g_assert_true (saddle_analyse_window_get_analysis (f->window) == before);
  g_assert_nonnull (strstr (saddle_analyse_window_get_message (f->window), "Stopped"));

  /* Run to the end, holding the window's job queue: a study queued meanwhile waits for it. */
  {
    gboolean started = FALSE;
    gint64 deadline = g_get_monotonic_time () + 600 * G_USEC_PER_SEC;

    g_action_group_activate_action (G_ACTION_GROUP (f->app), "analyse-weights-file",
                                    g_variant_new_string (large));
    g_assert_true (saddle_job_queue_is_running (study_queue (f), f->window));
    saddle_job_queue_push (study_queue (f), f, queued_start_cb, &started, NULL);
    saddle_test_spin (0.5);
    g_assert_false (started);
    while (saddle_analyse_window_get_busy (f->window) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    saddle_test_spin (0.05);
    g_assert_true (started);
  }
  analysis = saddle_analyse_window_get_analysis (f->window);
  g_assert_true (analysis != before);
  g_assert_cmpuint (analysis->n_params, ==, 4461);
  g_assert_cmpint (analysis->measure->method, ==, SADDLE_MEASURE_LANCZOS);
  g_assert_null (analysis->measure->point->spectrum);
  summary = saddle_analyse_window_get_summary (f->window);
  g_assert_nonnull (strstr (summary, "Lanczos ("));
  g_assert_nonnull (strstr (summary, "Verdict: "));
  g_assert_null (strstr (summary, "Eigenvalues: "));
  g_assert_nonnull (analysis->density);
  g_assert_nonnull (analysis->slice);
  /* The extremes bound the slice's eigenvalues: both from the same Hessian. */
  g_assert_cmpfloat (fabs (analysis->slice->lambda_top - analysis->measure->highest[0]), <=,
                     1e-6 * fabs (analysis->measure->highest[0]));
}

/* A density with the exact spectrum over it: the overlay adds coloured bars to the curve. */
static void
test_density_view_overlay (void)
{
  const gsize n = 40;
  g_autofree double *matrix = g_new0 (double, n * n);
  g_autofree double *nodes = g_new (double, n);
  g_autofree double *weights = g_new (double, n);
  g_autoptr(SaddleSpectrum) spectrum = NULL;
  g_autoptr(SaddleDensity) density = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *plain, *overlaid;
  GtkWidget *view = saddle_density_view_new ();
  GtkWidget *window;
  guint plain_count, overlaid_count;
  int width, height;

  for (gsize i = 0; i < n; i++)
    {
      matrix[i * n + i] = nodes[i] = -1.0 + 3.0 * i / (n - 1);
      weights[i] = 1.0 / n;
    }
  spectrum = saddle_spectrum_compute (matrix, n, 1e-6, &error);
  g_assert_no_error (error);
  density = saddle_density_new (nodes, weights, 1, (guint) n, n, 0, 0.0, &error);
  g_assert_no_error (error);

  window = saddle_test_show (view, 720, 480);
  saddle_density_view_set_density (SADDLE_DENSITY_VIEW (view), density, NULL);
  plain = saddle_test_render (view);
  saddle_density_view_set_density (SADDLE_DENSITY_VIEW (view), density, spectrum);
  overlaid = saddle_test_render (view);
  width = gtk_widget_get_width (view);
  height = gtk_widget_get_height (view);
  plain_count = saddle_test_count_colourful (plain, 0, 0, width, height);
  overlaid_count = saddle_test_count_colourful (overlaid, 0, 0, width, height);
  /* The curve alone is drawn, and the histogram adds to it. */
  g_assert_cmpuint (plain_count, >, 200);
  g_assert_cmpuint (overlaid_count, >, plain_count + 200);
  g_assert_true (saddle_density_view_get_exact (SADDLE_DENSITY_VIEW (view)) == spectrum);

  saddle_density_view_set_density (SADDLE_DENSITY_VIEW (view), NULL, NULL);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (overlaid);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  saddle_test_require_display ();
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_unsetenv ("GTK_THEME");
  gtk_test_init (&argc, &argv, NULL);
  saddle_test_load_style ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/app/analyse/weights", test_analyse_weights);
  ADD ("/app/analyse/safetensors", test_safetensors);
  ADD ("/app/analyse/bad-file-keeps", test_bad_file_keeps);
  ADD ("/app/analyse/lanczos-and-stop", test_lanczos_and_stop);
#undef ADD
  g_test_add_func ("/app/analyse/density-overlay", test_density_view_overlay);

  return g_test_run ();
}
