/* test-app-views.c — each chart widget renders offscreen with coloured pixels where its data is */
#define G_LOG_DOMAIN "test-app-views"

#include "config.h"

#include <epoxy/gl.h>
#include <math.h>
#include <string.h>

#include "saddle-test-app.h"
#include "saddle-chart-util.h"
#include "saddle-critical-view.h"
#include "saddle-frame-drain.h"
#include "saddle-gradnorm-page.h"
#include "saddle-ground-truth.h"
#include "saddle-monitor-view.h"
#include "saddle-rng.h"
#include "saddle-renderer.h"
#include "saddle-spectrum-view.h"
#include "saddle-text-throttle.h"
#include "saddle-trajectory-view.h"

#define N_RUNS 3

static SaddleHistory *
make_history (void)
{
  SaddleHistory *history = saddle_history_new ();

  for (guint r = 0; r < N_RUNS; r++)
    for (guint i = 1; i <= 60; i++)
      {
        SaddleIterationRecord rec = {
          .run = r,
          .epoch = (i - 1) / 10 + 1,
          .iteration = i,
          .loss = (1.0 + 0.2 * r) * exp (-(double) i / 20.0) + 0.01,
          .grad_norm = (0.5 + 0.1 * r) * exp (-(double) i / 15.0) + 1e-3,
        };

        saddle_history_add_iteration (history, &rec);
      }
  return history;
}

static SaddleTrajectory *
make_trajectory (void)
{
  const gsize n_params = 6;
  g_autoptr(GError) error = NULL;
  SaddleTrajectory *trajectory = saddle_trajectory_new (n_params, 0, 0, 3);

  for (guint r = 0; r < N_RUNS; r++)
    for (guint e = 0; e <= 10; e++)
      {
        SaddleSnapshotInfo info = { r, e, e * 5, 1.0 / (e + 1), 0.5 + 0.04 * e };
        double params[6];

        for (gsize k = 0; k < n_params; k++)
          params[k] = cos (0.3 * e + r + k) * (k + 1) + 0.5 * r * e / 10.0;
        saddle_trajectory_add (trajectory, &info, params);
      }

  g_assert_true (saddle_trajectory_compute_pca (trajectory, &error));
  g_assert_no_error (error);
  g_assert_nonnull (trajectory->pca);
  return trajectory;
}

static SaddleCriticalSet *
make_critical_set (void)
{
  SaddleCriticalSet *set = saddle_critical_set_new (1e-6);

  for (guint r = 0; r < 6; r++)
    {
      double values[8] = { -1.0 + 0.1 * r, -0.2, 1e-12, 3e-11, 0.3, 0.9, 1.7, 2.5 + r };
      SaddleCriticalPoint point = {
        .run = r,
        .n_params = G_N_ELEMENTS (values),
        .loss = 0.1 + 0.07 * r,
        .accuracy = NAN,
        .grad_norm_start = 1e-2,
        .grad_norm = 1e-5,
        .hg_ratio = 0.5,
        .steps = 100 + r,
        .dead_units = r % 2,
        .asymmetry = 1e-16,
        .label = r % 2 ? SADDLE_CRITICAL_SADDLE : SADDLE_CRITICAL_DEGENERATE,
      };

      /* Fewer negative eigenvalues for later runs: distinct minimal ratios. */
      for (guint i = 0; i < r && i < 2; i++)
        values[i] = -values[i] + 0.01;
      point.spectrum = saddle_spectrum_new_from_values (values, G_N_ELEMENTS (values), 1e-6);
      point.params = g_new0 (double, point.n_params);
      saddle_critical_set_add (set, &point);
      saddle_spectrum_free (point.spectrum);
      g_free (point.params);
    }
  return set;
}

static void
test_monitor (void)
{
  g_autoptr(SaddleHistory) history = make_history ();
  GtkWidget *view = saddle_monitor_view_new ();
  GtkWidget *window = saddle_test_show (view, 700, 500);
  const SaddlePlotArea *loss_area, *grad_area;
  cairo_surface_t *empty, *full;
  guint empty_count, loss_count, grad_count;
  g_autofree char *readout = NULL;
  double x, y;

  /* No history: axes and a message, nothing coloured in the panels. */
  empty = saddle_test_render (view);
  loss_area = saddle_monitor_view_get_area (SADDLE_MONITOR_VIEW (view), 0);
  g_assert_nonnull (loss_area);
  empty_count = saddle_test_count_colourful (empty, 0, 0, 700, 500);
  g_assert_cmpuint (empty_count, ==, 0);

  saddle_monitor_view_set_history (SADDLE_MONITOR_VIEW (view), history);
  full = saddle_test_render (view);
  loss_area = saddle_monitor_view_get_area (SADDLE_MONITOR_VIEW (view), 0);
  grad_area = saddle_monitor_view_get_area (SADDLE_MONITOR_VIEW (view), 1);
  g_assert_cmpfloat (loss_area->width, >, 100);
  g_assert_cmpfloat (grad_area->height, >, 50);
  /* Stacked: the gradient panel lies below the loss panel. */
  g_assert_cmpfloat (grad_area->y, >=, loss_area->y + loss_area->height);
  g_assert_cmpfloat (loss_area->x_max, >=, 60);

  if (g_getenv ("SADDLE_TEST_DUMP")) cairo_surface_write_to_png (full, "/tmp/monitor.png");
  loss_count = saddle_test_count_colourful (full, loss_area->x, loss_area->y,
                                            loss_area->width, loss_area->height);
  grad_count = saddle_test_count_colourful (full, grad_area->x, grad_area->y,
                                            grad_area->width, grad_area->height);
  g_assert_cmpuint (loss_count, >, 200);
  g_assert_cmpuint (grad_count, >, 200);

  /* The hover read-out names the run and the values at the pointer. */
  saddle_plot_area_from_data (loss_area, 30, history->iterations->len ?
                              g_array_index (history->iterations, SaddleIterationRecord, 29).loss : 0,
                              &x, &y);
  readout = saddle_monitor_view_readout_at (SADDLE_MONITOR_VIEW (view), x, y);
  g_assert_nonnull (readout);
  g_assert_true (strstr (readout, "Run 1") != NULL);
  g_assert_true (strstr (readout, "iteration 30") != NULL);
  g_assert_null (saddle_monitor_view_readout_at (SADDLE_MONITOR_VIEW (view), 1, 1));

  /* A linear gradient axis draws differently from the log one. */
  saddle_monitor_view_set_log_grad_norm (SADDLE_MONITOR_VIEW (view), FALSE);
  {
    cairo_surface_t *linear = saddle_test_render (view);

    g_assert_false (saddle_monitor_view_get_area (SADDLE_MONITOR_VIEW (view), 1)->y_log);
    cairo_surface_destroy (linear);
  }

  /* Every draw starts from a blank picture: with the history gone, no line is left. (Drawing
   * over the last picture to save clearing it kept every earlier frame under the new one.) */
  saddle_monitor_view_set_history (SADDLE_MONITOR_VIEW (view), NULL);
  {
    cairo_surface_t *cleared = saddle_test_render (view);

    g_assert_cmpuint (saddle_test_count_colourful (cleared, 0, 0, 700, 500), ==, 0);
    cairo_surface_destroy (cleared);
  }

  /* A history far longer than the widget is wide is thinned for the screen, not lost. */
  {
    g_autoptr(SaddleHistory) big = saddle_history_new ();
    cairo_surface_t *surface;
    guint big_count;

    for (guint r = 0; r < 2; r++)
      for (guint i = 1; i <= 40000; i++)
        {
          SaddleIterationRecord rec = {
            r, i / 100 + 1, i,
            (1.0 + r) * exp (-(double) i / 8000.0) * (1 + 0.2 * sin (i)) + 0.01,
            0.5 * exp (-(double) i / 10000.0) * (1 + 0.5 * cos (i)) + 1e-3,
          };

          saddle_history_add_iteration (big, &rec);
        }
    saddle_monitor_view_set_log_grad_norm (SADDLE_MONITOR_VIEW (view), TRUE);
    saddle_monitor_view_set_history (SADDLE_MONITOR_VIEW (view), big);
    surface = saddle_test_render (view);
    loss_area = saddle_monitor_view_get_area (SADDLE_MONITOR_VIEW (view), 0);
    /* The full range of steps and values is on the axes. */
    g_assert_cmpfloat (loss_area->x_max, >=, 40000);
    g_assert_cmpfloat (loss_area->y_max, >=, 2.0 * 1.1);
    big_count = saddle_test_count_colourful (surface, loss_area->x, loss_area->y,
                                             loss_area->width, loss_area->height);
    g_assert_cmpuint (big_count, >, 1000);
    /* The read-out still finds the exact step. */
    {
      g_autofree char *text = NULL;
      double x, y;

      saddle_plot_area_from_data (loss_area, 20000,
                                  g_array_index (big->iterations, SaddleIterationRecord, 19999).loss,
                                  &x, &y);
      text = saddle_monitor_view_readout_at (SADDLE_MONITOR_VIEW (view), x, y);
      g_assert_nonnull (text);
      g_assert_true (strstr (text, "iteration 2") != NULL);
    }
    cairo_surface_destroy (surface);
  }

  saddle_monitor_view_set_history (SADDLE_MONITOR_VIEW (view), NULL);
  cairo_surface_destroy (empty);
  cairo_surface_destroy (full);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_trajectories (void)
{
  g_autoptr(SaddleTrajectory) trajectory = make_trajectory ();
  GtkWidget *view = saddle_trajectory_view_new ();
  GtkWidget *window = saddle_test_show (view, 700, 500);
  const SaddlePlotArea *area;
  cairo_surface_t *surface;
  guint none, all, first, layer;

  g_assert_cmpuint (saddle_trajectory_max_epoch (trajectory), ==, 10);

  surface = saddle_test_render (view);
  none = saddle_test_count_colourful (surface, 0, 0, 700, 500);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (none, ==, 0);

  saddle_trajectory_view_set_trajectory (SADDLE_TRAJECTORY_VIEW (view), trajectory);
  surface = saddle_test_render (view);
  area = saddle_trajectory_view_get_area (SADDLE_TRAJECTORY_VIEW (view));
  g_assert_nonnull (area);
  all = saddle_test_count_colourful (surface, area->x, area->y, area->width, area->height);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (all, >, 300);

  /* Scrubbed back to epoch 1 the paths are shorter. */
  saddle_trajectory_view_set_upto_epoch (SADDLE_TRAJECTORY_VIEW (view), 1);
  surface = saddle_test_render (view);
  first = saddle_test_count_colourful (surface, area->x, area->y, area->width, area->height);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (first, >, 0);
  g_assert_cmpuint (first, <, all);

  saddle_trajectory_view_set_upto_epoch (SADDLE_TRAJECTORY_VIEW (view), G_MAXUINT);
  saddle_trajectory_view_set_layer (SADDLE_TRAJECTORY_VIEW (view), TRUE);
  surface = saddle_test_render (view);
  area = saddle_trajectory_view_get_area (SADDLE_TRAJECTORY_VIEW (view));
  layer = saddle_test_count_colourful (surface, area->x, area->y, area->width, area->height);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (layer, >, 300);

  saddle_trajectory_view_set_trajectory (SADDLE_TRAJECTORY_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_critical (void)
{
  g_autoptr(SaddleCriticalSet) set = make_critical_set ();
  GtkWidget *view = saddle_critical_view_new ();
  GtkWidget *window = saddle_test_show (view, 700, 500);
  const SaddlePlotArea *area;
  cairo_surface_t *surface;
  guint none, some;

  surface = saddle_test_render (view);
  none = saddle_test_count_colourful (surface, 0, 0, 700, 500);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (none, ==, 0);

  saddle_critical_view_set_set (SADDLE_CRITICAL_VIEW (view), set);
  surface = saddle_test_render (view);
  area = saddle_critical_view_get_area (SADDLE_CRITICAL_VIEW (view));
  g_assert_nonnull (area);
  some = saddle_test_count_colourful (surface, area->x, area->y, area->width, area->height);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (some, >, 20 * set->points->len);

  /* A click on each point selects exactly that point. */
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);
      double x, y;

      saddle_plot_area_from_data (area, point->loss, point->spectrum->minimal_ratio, &x, &y);
      g_assert_cmpint (saddle_critical_view_pick (SADDLE_CRITICAL_VIEW (view), x + 1, y - 1), ==, i);
      g_assert_cmpint (saddle_critical_view_get_selected (SADDLE_CRITICAL_VIEW (view)), ==, i);
    }

  /* Hovering a point reads it out: its run, loss, ratio and what it is; nothing far away. */
  {
    const SaddleCriticalPoint *point = g_ptr_array_index (set->points, 0);
    g_autofree char *expected = g_strdup_printf ("Run %u · loss %.4g · minimal ratio %.4f\n%s",
                                                 point->run + 1, point->loss,
                                                 point->spectrum->minimal_ratio,
                                                 saddle_critical_label_title (point->label));
    g_autofree char *readout = NULL;
    double x, y;

    saddle_plot_area_from_data (area, point->loss, point->spectrum->minimal_ratio, &x, &y);
    readout = saddle_chart_view_readout_at (SADDLE_CHART_VIEW (view), x + 1, y - 1);
    g_assert_cmpstr (readout, ==, expected);
    g_assert_null (saddle_chart_view_readout_at (SADDLE_CHART_VIEW (view), 2, 2));
  }

  /* A click far from every point keeps the selection. */
  g_assert_cmpint (saddle_critical_view_pick (SADDLE_CRITICAL_VIEW (view), 2, 2), ==, -1);
  g_assert_cmpint (saddle_critical_view_get_selected (SADDLE_CRITICAL_VIEW (view)), ==,
                   set->points->len - 1);

  /* A closed form's points behind the scatter: drawn (the picture changes), never picked. */
  {
    g_autoptr(GArray) levels = g_array_new (FALSE, TRUE, sizeof (SaddleGroundTruthLevel));
    cairo_surface_t *before = saddle_test_render (view);
    cairo_surface_t *after;

    for (guint i = 0; i < 100; i++)
      {
        const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i % set->points->len);
        SaddleGroundTruthLevel level = { 0 };

        level.subset = i;
        level.loss = point->loss * (0.9 + 0.002 * i);
        level.minimal_ratio = level.nonzero_ratio = 0.1 + 0.008 * i;
        g_array_append_val (levels, level);
      }
    saddle_critical_view_set_reference (SADDLE_CRITICAL_VIEW (view), levels);
    g_assert_true (saddle_critical_view_get_reference (SADDLE_CRITICAL_VIEW (view)) == levels);
    after = saddle_test_render (view);
    cairo_surface_flush (before);
    cairo_surface_flush (after);
    g_assert_cmpint (cairo_image_surface_get_height (before), ==,
                     cairo_image_surface_get_height (after));
    g_assert_true (memcmp (cairo_image_surface_get_data (before),
                           cairo_image_surface_get_data (after),
                           (gsize) cairo_image_surface_get_stride (before)
                           * cairo_image_surface_get_height (before)) != 0);
    cairo_surface_destroy (before);
    cairo_surface_destroy (after);
    area = saddle_critical_view_get_area (SADDLE_CRITICAL_VIEW (view));
    g_assert_cmpint (saddle_critical_view_pick (SADDLE_CRITICAL_VIEW (view), 2, 2), ==, -1);
    saddle_critical_view_set_reference (SADDLE_CRITICAL_VIEW (view), NULL);
    g_assert_null (saddle_critical_view_get_reference (SADDLE_CRITICAL_VIEW (view)));
  }

  saddle_critical_view_set_set (SADDLE_CRITICAL_VIEW (view), NULL);
  g_assert_cmpint (saddle_critical_view_get_selected (SADDLE_CRITICAL_VIEW (view)), ==, -1);
  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_spectrum (void)
{
  g_autoptr(SaddleCriticalSet) set = make_critical_set ();
  GtkWidget *view = saddle_spectrum_view_new ();
  GtkWidget *window = saddle_test_show (view, 600, 400);
  cairo_surface_t *surface;
  guint none, some;

  surface = saddle_test_render (view);
  none = saddle_test_count_colourful (surface, 0, 0, 600, 400);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (none, ==, 0);

  saddle_spectrum_view_set_point (SADDLE_SPECTRUM_VIEW (view), g_ptr_array_index (set->points, 1));
  surface = saddle_test_render (view);
  some = saddle_test_count_colourful (surface, 0, 0, 600, 400);
  cairo_surface_destroy (surface);
  g_assert_cmpuint (some, >, 100);

  saddle_spectrum_view_set_point (SADDLE_SPECTRUM_VIEW (view), NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

static double
mean_luminance (cairo_surface_t *surface)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  double sum = 0;

  for (int j = 0; j < h; j++)
    for (int i = 0; i < w; i++)
      {
        guint32 p = *(const guint32 *) (data + j * stride + 4 * i);

        sum += (0.2126 * ((p >> 16) & 0xff) + 0.7152 * ((p >> 8) & 0xff) + 0.0722 * (p & 0xff)) / 255.0;
      }
  return sum / (w * h);
}

static void
test_dark (void)
{
  GtkSettings *settings = gtk_settings_get_default ();
  GtkWidget *view = saddle_monitor_view_new ();
  GtkWidget *window = saddle_test_show (view, 300, 200);
  g_autoptr(SaddleHistory) history = make_history ();
  cairo_surface_t *light, *dark;

  saddle_monitor_view_set_history (SADDLE_MONITOR_VIEW (view), history);
  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  saddle_test_spin (0.1);
  g_assert_false (saddle_chart_is_dark (view));
  light = saddle_test_render (view);

  g_object_set (settings, "gtk-application-prefer-dark-theme", TRUE, NULL);
  saddle_test_spin (0.1);
  g_assert_true (saddle_chart_is_dark (view));
  dark = saddle_test_render (view);

  /* The chart's background follows the theme: the dark rendering is darker overall. */
  g_assert_cmpfloat (mean_luminance (light), >, mean_luminance (dark) + 0.3);

  g_object_set (settings, "gtk-application-prefer-dark-theme", FALSE, NULL);
  saddle_monitor_view_set_history (SADDLE_MONITOR_VIEW (view), NULL);
  cairo_surface_destroy (light);
  cairo_surface_destroy (dark);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The Cairo renderer is chosen where GL is a software rasteriser, and only there, and never
 * over a renderer the user named. */
static gboolean
names_software (const char *renderer)
{
  return strstr (renderer, "llvmpipe") != NULL || strstr (renderer, "softpipe") != NULL
         || strstr (renderer, "swrast") != NULL || strstr (renderer, "Software Rasterizer") != NULL;
}

static void
test_renderer (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("GSK_RENDERER"));
  g_autofree char *gl = NULL;
  g_autofree char *again = NULL;

  g_unsetenv ("GSK_RENDERER");
  gl = saddle_renderer_choose (gdk_display_get_default ());
  if (gl == NULL)
    {
      g_assert_null (g_getenv ("GSK_RENDERER"));
      g_test_skip ("no GL on this display");
    }
  else
    {
      gboolean software = names_software (gl);
      g_autoptr(GdkGLContext) context = gdk_display_create_gl_context (gdk_display_get_default (), NULL);

      g_test_message ("GL renderer: %s", gl);
      /* Asked without a context, the answer agrees with GL_RENDERER read from one. */
      g_assert_nonnull (context);
      g_assert_true (gdk_gl_context_realize (context, NULL));
      gdk_gl_context_make_current (context);
      g_test_message ("GL_RENDERER: %s", (const char *) glGetString (GL_RENDERER));
      g_assert_cmpint (names_software ((const char *) glGetString (GL_RENDERER)), ==, software);
      gdk_gl_context_clear_current ();
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, software ? "cairo" : NULL);
      /* A renderer the user named stays. */
      g_setenv ("GSK_RENDERER", "gl", TRUE);
      again = saddle_renderer_choose (gdk_display_get_default ());
      g_assert_cmpstr (again, ==, gl);
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
    }
  if (saved != NULL)
    g_setenv ("GSK_RENDERER", saved, TRUE);
  else
    g_unsetenv ("GSK_RENDERER");
}

static guint drain_calls;

static void
count_drain (GtkWidget *widget)
{
  drain_calls++;
}

/* The windows' frame-clock drain runs while started, at most SADDLE_FRAME_DRAIN_FPS times a
 * second (the frame clock ticks faster; one more for the first, at once, and one for a drain
 * taken a quarter period early at the end), and never after it is stopped. */
static void
test_frame_drain (void)
{
  GtkWidget *label = gtk_label_new ("drained");
  GtkWidget *window = saddle_test_show (label, 200, 100);
  SaddleFrameDrain drain = { 0 };
  gint64 start = g_get_monotonic_time ();
  double seconds;

  drain_calls = 0;
  saddle_frame_drain_start (&drain, label, count_drain);
  /* Started twice: still one tick callback. */
  saddle_frame_drain_start (&drain, label, count_drain);
  saddle_test_spin (1.0);
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_test_message ("%u drains in %.2f s", drain_calls, seconds);
  g_assert_cmpuint (drain_calls, >=, 3);
  g_assert_cmpfloat (drain_calls, <=, seconds * SADDLE_FRAME_DRAIN_FPS + 2);

  saddle_frame_drain_stop (&drain);
  drain_calls = 0;
  saddle_test_spin (0.3);
  g_assert_cmpuint (drain_calls, ==, 0);
  saddle_frame_drain_stop (&drain);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The schedule itself, on synthetic frame times: frames every 16.667 ms with ±2 ms of jitter
 * drain exactly SADDLE_FRAME_DRAIN_FPS times in a second (waiting a full period after the last
 * drain gave 22–24 in such a second, in a Python simulation of that rule); a stall of half a
 * second is not caught up. */
static void
test_frame_drain_schedule (void)
{
  SaddleFrameDrain drain = { 0 };
  SaddleRng rng;
  guint drains = 0;
  gint64 now = 0;
  gint64 period = G_USEC_PER_SEC / SADDLE_FRAME_DRAIN_FPS;

  saddle_rng_init (&rng, 5);
  for (guint frame = 0; frame < 60; frame++)
    {
      now = 1000000 + (gint64) (frame * 16667 + (saddle_rng_uniform (&rng) - 0.5) * 4000);
      drains += saddle_frame_drain_is_due (&drain, now);
    }
  g_test_message ("%u drains in 60 frames", drains);
  g_assert_cmpuint (drains, ==, SADDLE_FRAME_DRAIN_FPS);

  /* After a stall: one drain at once, then the schedule again from there (none half a period
   * later, one a period later). */
  g_assert_true (saddle_frame_drain_is_due (&drain, now + 500000));
  g_assert_false (saddle_frame_drain_is_due (&drain, now + 500000 + period / 2));
  g_assert_true (saddle_frame_drain_is_due (&drain, now + 500000 + period));
}

/* A label whose text starts with @data. */
static gboolean
is_label_starting (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), data);
}

/* The gradient-norm page's line for the newest step changes a few times a second while steps
 * stream (each new text lays the window out again), and shows the newest step when the study
 * ends, even one the throttle held back. */
static void
test_gradnorm_last_step (void)
{
  GtkWidget *page = saddle_gradnorm_page_new ();
  GtkWidget *window = saddle_test_show (page, 900, 600);
  g_autoptr(GArray) records = g_array_new (FALSE, FALSE, sizeof (SaddleIterationRecord));
  SaddleStudyConfig config;
  GtkLabel *label;

  saddle_study_config_init (&config, SADDLE_STUDY_GRADNORM, SADDLE_TASK_FUNCTION);
  saddle_page_begin (SADDLE_PAGE (page), &config);
  /* Early in a slot of the throttle's clock, so that the three flushes share one. */
  while (g_get_monotonic_time () % SADDLE_TEXT_THROTTLE_USEC > SADDLE_TEXT_THROTTLE_USEC / 2)
    g_usleep (1000);
  for (guint64 step = 1; step <= 3; step++)
    {
      SaddleIterationRecord rec = { 0, 1, step, 1.0 / step, 0.5 / step };

      g_array_set_size (records, 0);
      g_array_append_val (records, rec);
      saddle_page_add_records (SADDLE_PAGE (page), records, NULL);
      saddle_page_flush (SADDLE_PAGE (page));
    }
  /* The first flush shows its step; the next two, a moment later, wait. */
  label = GTK_LABEL (saddle_test_find_widget (page, is_label_starting, "Run 1, step "));
  g_assert_nonnull (label);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (label), "Run 1, step 1:"));

  saddle_page_finish (SADDLE_PAGE (page), NULL);
  g_assert_true (g_str_has_prefix (gtk_label_get_text (label), "Run 1, step 3:"));
  saddle_study_config_clear (&config);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Throttled texts change once per slot of the monotonic clock, all in the same slot. */
static void
test_text_throttle (void)
{
  const gint64 slot = SADDLE_TEXT_THROTTLE_USEC;
  SaddleTextThrottle throttle = { 0 };
  g_autofree char *first = NULL;

  g_assert_false (saddle_text_throttle_new_slot (5 * slot, 5 * slot + slot - 1));
  g_assert_true (saddle_text_throttle_new_slot (5 * slot + slot - 1, 6 * slot));
  g_assert_true (saddle_text_throttle_new_slot (0, 7 * slot + 3));

  /* The first text goes out at once; one offered in the same slot waits. */
  while (g_get_monotonic_time () % slot > slot / 2)
    g_usleep (1000);
  saddle_text_throttle_offer (&throttle, g_strdup ("one"));
  first = saddle_text_throttle_take (&throttle);
  g_assert_cmpstr (first, ==, "one");
  saddle_text_throttle_offer (&throttle, g_strdup ("two"));
  g_assert_null (saddle_text_throttle_take (&throttle));
  saddle_text_throttle_reset (&throttle);
  g_assert_null (throttle.pending);
}

int
main (int   argc,
      char *argv[])
{
  saddle_test_require_display ();
  /* Exact pixels and a known theme, whatever the caller's environment says. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_unsetenv ("GTK_THEME");
  gtk_test_init (&argc, &argv, NULL);
  saddle_test_load_style ();

  g_test_add_func ("/app/views/monitor", test_monitor);
  g_test_add_func ("/app/views/gradnorm-last-step", test_gradnorm_last_step);
  g_test_add_func ("/app/views/text-throttle", test_text_throttle);
  g_test_add_func ("/app/views/trajectories", test_trajectories);
  g_test_add_func ("/app/views/critical", test_critical);
  g_test_add_func ("/app/views/spectrum", test_spectrum);
  g_test_add_func ("/app/views/dark", test_dark);
  g_test_add_func ("/app/views/renderer", test_renderer);
  g_test_add_func ("/app/views/frame-drain", test_frame_drain);
  g_test_add_func ("/app/views/frame-drain-schedule", test_frame_drain_schedule);

  return g_test_run ();
}
