/* test-app-zoom.c — zoom and pan of the chart views through their event controllers, the zoomed
 * export, and the hover read-outs of the loss slice and the spectrum */
#define G_LOG_DOMAIN "test-app-zoom"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "saddle-test-app.h"
#include "saddle-chart-util.h"
#include "saddle-critical-view.h"
#include "saddle-gradnorm-page.h"
#include "saddle-monitor-view.h"
#include "saddle-slice-view.h"
#include "saddle-spectrum-view.h"

/* Data values read back through the pixel mapping: equal to rounding. */
#define TOL 1e-9

/* The chart's controller of @type that has a handler for @signal. */
static GtkEventController *
find_controller (GtkWidget  *widget,
                 GType       type,
                 const char *signal)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint id = g_signal_lookup (signal, type);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type)
          && g_signal_has_handler_pending (controller, id, 0, FALSE))
        return controller;
    }
  g_assert_not_reached ();
  return NULL;
}

/* Draws @widget until its view range holds still: a zoom corrects itself in the drawings after
 * it when new tick labels moved the plot's edges. Its plot areas are then current. */
static void
redraw (GtkWidget *widget)
{
  for (guint i = 0; i < 8; i++)
    {
      SaddleViewRange before, after;

      saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (widget), &before);
      cairo_surface_destroy (saddle_test_render (widget));
      saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (widget), &after);
      if (memcmp (&before, &after, sizeof before) == 0)
        return;
    }
  g_assert_not_reached ();
}

/* The pointer moves to (@x, @y) over @widget, as its motion controller reports it. */
static void
move_pointer (GtkWidget *widget,
              double     x,
              double     y)
{
  g_signal_emit_by_name (find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_MOTION, "motion"),
                         "motion", x, y);
}

/* One wheel notch at (@x, @y): @dy −1 up (zooms in), +1 down. */
static gboolean
scroll_at (GtkWidget *widget,
           double     x,
           double     y,
           double     dy)
{
  gboolean handled = FALSE;

  move_pointer (widget, x, y);
  g_signal_emit_by_name (find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_SCROLL, "scroll"),
                         "scroll", 0.0, dy, &handled);
  return handled;
}

static void
drag (GtkWidget *widget,
      double     x,
      double     y,
      double     dx,
      double     dy)
{
  GtkEventController *gesture = find_controller (widget, GTK_TYPE_GESTURE_DRAG, "drag-begin");

  g_signal_emit_by_name (gesture, "drag-begin", x, y);
  g_signal_emit_by_name (gesture, "drag-update", dx / 2, dy / 2);
  g_signal_emit_by_name (gesture, "drag-update", dx, dy);
  g_signal_emit_by_name (gesture, "drag-end", dx, dy);
}

static gboolean
press_key (GtkWidget *widget,
           guint      keyval)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_KEY, "key-pressed"),
                         "key-pressed", keyval, 0u, (GdkModifierType) 0, &handled);
  return handled;
}

/* The span of an axis in its scale space (decades on a log axis). */
static double
scaled_span (double   min,
             double   max,
             gboolean log_axis)
{
  return log_axis ? log10 (max) - log10 (min) : max - min;
}

static void
assert_close (double a,
              double b)
{
  g_assert_cmpfloat (fabs (a - b), <=, TOL * MAX (1.0, MAX (fabs (a), fabs (b))));
}

static void
assert_same_range (const SaddlePlotArea *a,
                   const SaddlePlotArea *b)
{
  assert_close (a->x_min, b->x_min);
  assert_close (a->x_max, b->x_max);
  assert_close (a->y_min, b->y_min);
  assert_close (a->y_max, b->y_max);
}

/* Three runs of 200 steps: loss within a decade (a linear axis), ‖∇L‖ over three (log). */
static SaddleHistory *
make_history (void)
{
  SaddleHistory *history = saddle_history_new ();

  for (guint i = 1; i <= 200; i++)
    for (guint r = 0; r < 3; r++)
      {
        SaddleIterationRecord rec = {
          .run = r,
          .epoch = (i - 1) / 20 + 1,
          .iteration = i,
          .loss = 0.2 + (0.5 + 0.1 * r) * exp (-(double) i / 80.0),
          .grad_norm = (1.0 + r) * exp (-(double) i / 30.0),
        };

        saddle_history_add_iteration (history, &rec);
      }
  return history;
}

static void
test_monitor (void)
{
  g_autoptr(SaddleHistory) history = make_history ();
  GtkWidget *widget = saddle_monitor_view_new ();
  SaddleMonitorView *view = SADDLE_MONITOR_VIEW (widget);
  GtkWidget *window = saddle_test_show (widget, 640, 560);
  SaddlePlotArea fitted[2], before, after, top;
  SaddleViewRange range;
  double px, py, x0, y0, x1, y1;

  saddle_monitor_view_set_history (view, history);
  redraw (widget);
  fitted[0] = *saddle_monitor_view_get_area (view, 0);
  fitted[1] = *saddle_monitor_view_get_area (view, 1);
  g_assert_false (fitted[0].y_log);
  g_assert_true (fitted[1].y_log);

  /* A notch up over the ‖∇L‖ panel zooms in about the pointer: the data under it stays. */
  before = fitted[1];
  px = before.x + 0.3 * before.width;
  py = before.y + 0.4 * before.height;
  saddle_plot_area_to_data (&before, px, py, &x0, &y0);
  g_assert_true (scroll_at (widget, px, py, -1.0));
  redraw (widget);
  after = *saddle_monitor_view_get_area (view, 1);
  saddle_plot_area_to_data (&after, px, py, &x1, &y1);
  assert_close (x1, x0);
  assert_close (y1, y0);
  /* By one step, 1.25, in log space on the log axis. */
  assert_close (scaled_span (after.x_min, after.x_max, FALSE),
                scaled_span (before.x_min, before.x_max, FALSE) / 1.25);
  assert_close (scaled_span (after.y_min, after.y_max, TRUE),
                scaled_span (before.y_min, before.y_max, TRUE) / 1.25);
  /* Linked x: the loss panel above shows the same iterations, its y untouched. */
  top = *saddle_monitor_view_get_area (view, 0);
  assert_close (top.x_min, after.x_min);
  assert_close (top.x_max, after.x_max);
  assert_close (top.y_min, fitted[0].y_min);
  assert_close (top.y_max, fitted[0].y_max);

  /* Ctrl+scroll: y alone. */
  before = after;
  g_assert_true (saddle_chart_view_zoom_at (SADDLE_CHART_VIEW (view), px, py, 0.5, SADDLE_ZOOM_Y));
  redraw (widget);
  after = *saddle_monitor_view_get_area (view, 1);
  assert_close (after.x_min, before.x_min);
  assert_close (after.x_max, before.x_max);
  assert_close (scaled_span (after.y_min, after.y_max, TRUE),
                scaled_span (before.y_min, before.y_max, TRUE) / 2);
  saddle_plot_area_to_data (&after, px, py, &x1, &y1);
  assert_close (y1, y0);

  /* A drag pans: the data under the press follows the pointer; x again for both panels. */
  before = after;
  drag (widget, px, py, 60, -40);
  redraw (widget);
  after = *saddle_monitor_view_get_area (view, 1);
  saddle_plot_area_to_data (&after, px + 60, py - 40, &x1, &y1);
  assert_close (x1, x0);
  assert_close (y1, y0);
  assert_close (scaled_span (after.x_min, after.x_max, FALSE), scaled_span (before.x_min, before.x_max, FALSE));
  g_assert_cmpfloat (after.x_min, <, before.x_min);
  top = *saddle_monitor_view_get_area (view, 0);
  assert_close (top.x_min, after.x_min);

  /* The hover read-out still names the step under the pointer, from the zoomed axes. */
  {
    g_autofree char *readout = saddle_monitor_view_readout_at (view, px + 60, py - 40);
    g_autofree char *step = g_strdup_printf ("iteration %.0f ·", round (x0));

    g_assert_nonnull (readout);
    g_assert_nonnull (strstr (readout, step));
  }

  /* Home: the fitted range again. */
  g_assert_true (press_key (widget, GDK_KEY_Home));
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (view), &range);
  g_assert_false (saddle_view_range_is_set (&range));
  redraw (widget);
  assert_same_range (saddle_monitor_view_get_area (view, 0), &fitted[0]);
  assert_same_range (saddle_monitor_view_get_area (view, 1), &fitted[1]);

  /* + zooms about the centre of the (first) panel, − back out; a double-click resets. */
  g_assert_true (press_key (widget, GDK_KEY_plus));
  redraw (widget);
  after = *saddle_monitor_view_get_area (view, 0);
  saddle_plot_area_to_data (&fitted[0], fitted[0].x + fitted[0].width / 2,
                            fitted[0].y + fitted[0].height / 2, &x0, &y0);
  saddle_plot_area_to_data (&after, fitted[0].x + fitted[0].width / 2,
                            fitted[0].y + fitted[0].height / 2, &x1, &y1);
  assert_close (x1, x0);
  assert_close (y1, y0);
  assert_close (scaled_span (after.x_min, after.x_max, FALSE),
                scaled_span (fitted[0].x_min, fitted[0].x_max, FALSE) / 1.25);
  g_assert_true (press_key (widget, GDK_KEY_minus));
  redraw (widget);
  after = *saddle_monitor_view_get_area (view, 0);
  assert_close (scaled_span (after.x_min, after.x_max, FALSE),
                scaled_span (fitted[0].x_min, fitted[0].x_max, FALSE));
  g_assert_true (scroll_at (widget, px, py, -3.0));
  g_signal_emit_by_name (find_controller (widget, GTK_TYPE_GESTURE_CLICK, "pressed"), "pressed", 2, px, py);
  redraw (widget);
  assert_same_range (saddle_monitor_view_get_area (view, 0), &fitted[0]);
  assert_same_range (saddle_monitor_view_get_area (view, 1), &fitted[1]);

  /* Off the panels the wheel does nothing. */
  g_assert_false (scroll_at (widget, 1, 1, -1.0));

  gtk_window_destroy (GTK_WINDOW (window));
}

static SaddleCriticalSet *
make_set (void)
{
  SaddleCriticalSet *set = saddle_critical_set_new (1e-6);

  for (guint r = 0; r < 5; r++)
    {
      /* Minimal ratios 0.8, then 0.6 from run 2 on: within 0.6–0.8, not 0–1. */
      double values[5] = { -0.5, (r >= 2 ? -0.1 : 0.1) * (r + 1), 0.3, 0.7, 1.5 };
      g_autoptr(SaddleSpectrum) spectrum = saddle_spectrum_new_from_values (values, 5, 1e-6);
      SaddleCriticalPoint point = { .run = r, .n_params = 5, .loss = 0.3 + 0.05 * r,
                                    .accuracy = NAN, .grad_norm = 1e-7, .spectrum = spectrum,
                                    .label = SADDLE_CRITICAL_SADDLE };

      saddle_critical_set_add (set, &point);
    }
  return set;
}

static void
test_scatter_axis (void)
{
  g_autoptr(SaddleCriticalSet) set = make_set ();
  GtkWidget *widget = saddle_critical_view_new ();
  SaddleCriticalView *view = SADDLE_CRITICAL_VIEW (widget);
  GtkWidget *window = saddle_test_show (widget, 640, 480);
  const SaddleCriticalPoint *point = g_ptr_array_index (set->points, 3);
  SaddlePlotArea fitted, area;
  double px, py;

  saddle_critical_view_set_set (view, set);
  redraw (widget);
  fitted = *saddle_critical_view_get_area (view);
  g_assert_cmpfloat (fitted.y_max - fitted.y_min, <, 0.5);

  /* Zoomed in, reset returns to the fitted axis … */
  g_assert_true (scroll_at (widget, fitted.x + fitted.width / 2, fitted.y + fitted.height / 2, -2.0));
  redraw (widget);
  g_assert_cmpfloat (saddle_critical_view_get_area (view)->y_max - saddle_critical_view_get_area (view)->y_min,
                     <, fitted.y_max - fitted.y_min);
  g_assert_true (press_key (widget, GDK_KEY_Home));
  redraw (widget);
  assert_same_range (saddle_critical_view_get_area (view), &fitted);

  /* … or to 0–1 when the toggle is on, which shows at once even while zoomed. */
  g_assert_true (scroll_at (widget, fitted.x + fitted.width / 2, fitted.y + fitted.height / 2, -2.0));
  saddle_critical_view_set_ratio_axis_full (view, TRUE);
  redraw (widget);
  area = *saddle_critical_view_get_area (view);
  g_assert_cmpfloat (area.y_min, ==, 0.0);
  g_assert_cmpfloat (area.y_max, ==, 1.0);
  g_assert_true (scroll_at (widget, area.x + area.width / 2, area.y + area.height / 2, -2.0));
  redraw (widget);
  g_assert_cmpfloat (saddle_critical_view_get_area (view)->y_max, <, 1.0);
  g_assert_true (press_key (widget, GDK_KEY_Home));
  redraw (widget);
  area = *saddle_critical_view_get_area (view);
  g_assert_cmpfloat (area.y_min, ==, 0.0);
  g_assert_cmpfloat (area.y_max, ==, 1.0);
  saddle_critical_view_set_ratio_axis_full (view, FALSE);
  redraw (widget);
  assert_same_range (saddle_critical_view_get_area (view), &fitted);

  /* A click on a point picks it; a drag that starts on it pans and picks nothing. */
  saddle_plot_area_from_data (&fitted, point->loss, point->spectrum->minimal_ratio, &px, &py);
  saddle_critical_view_set_selected (view, 0);
  drag (widget, px, py, 80, 0);
  g_signal_emit_by_name (find_controller (widget, GTK_TYPE_GESTURE_CLICK, "released"), "released",
                         1, px + 80, py);
  g_assert_cmpint (saddle_critical_view_get_selected (view), ==, 0);
  /* The pan shows a grabbing hand while it lasts, then the scatter's crosshair again. */
  g_assert_cmpstr (gdk_cursor_get_name (gtk_widget_get_cursor (widget)), ==, "crosshair");
  redraw (widget);
  area = *saddle_critical_view_get_area (view);
  g_assert_cmpfloat (area.x_min, <, fitted.x_min);
  /* The point moved with the drag: a click where it is now picks it. */
  saddle_plot_area_from_data (&area, point->loss, point->spectrum->minimal_ratio, &px, &py);
  {
    GtkEventController *click = find_controller (widget, GTK_TYPE_GESTURE_CLICK, "released");
    GtkEventController *drags = find_controller (widget, GTK_TYPE_GESTURE_DRAG, "drag-begin");

    g_signal_emit_by_name (drags, "drag-begin", px, py);
    g_signal_emit_by_name (drags, "drag-end", 0.0, 0.0);
    g_signal_emit_by_name (click, "released", 1, px, py);
  }
  g_assert_cmpint (saddle_critical_view_get_selected (view), ==, 3);

  saddle_critical_view_set_set (view, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A slice whose losses are known in closed form: L0 − 0.01·α² along the bottom, L0 + 2·α² along
 * the top, sampled at α = −1, −0.9, …, 1. */
static SaddleSlice *
make_slice (void)
{
  SaddleSlice *slice = g_new0 (SaddleSlice, 1);

  slice->n_points = 21;
  slice->range = 1.0;
  slice->alphas = g_new (double, slice->n_points);
  slice->loss_bottom = g_new (double, slice->n_points);
  slice->loss_top = g_new (double, slice->n_points);
  saddle_slice_alphas (slice->range, slice->n_points, slice->alphas);
  slice->loss = 0.25;
  for (gsize i = 0; i < slice->n_points; i++)
    {
      double a = slice->alphas[i];

      slice->loss_bottom[i] = slice->loss - 0.01 * a * a;
      slice->loss_top[i] = slice->loss + 2.0 * a * a;
    }
  slice->lambda_bottom = -0.02;
  slice->lambda_top = 4.0;
  slice->method = SADDLE_SLICE_DENSE;
  slice->converged = TRUE;
  return slice;
}

/* The read-out the slice should give at @alpha, from the closed form. */
static char *
slice_expected (double alpha)
{
  double bottom = 0.25 - 0.01 * alpha * alpha, top = 0.25 + 2.0 * alpha * alpha;

  return g_strdup_printf ("α %.4g\nBottom v (λ %.3g): loss %.6g · ΔL %+.3g\nTop v (λ %.3g): loss %.6g · ΔL %+.3g",
                          alpha, -0.02, bottom, bottom - 0.25, 4.0, top, top - 0.25);
}

static void
test_slice (void)
{
  g_autoptr(SaddleSlice) slice = make_slice ();
  GtkWidget *widget = saddle_slice_view_new ();
  SaddleSliceView *view = SADDLE_SLICE_VIEW (widget);
  GtkWidget *window = saddle_test_show (widget, 640, 520);
  const double alphas[2] = { 0.5, -0.8 };
  SaddlePlotArea fitted, area, lower;
  double x, y;

  g_assert_null (saddle_slice_view_readout_at (view, 320, 260));
  saddle_slice_view_set_slice (view, slice);
  redraw (widget);
  fitted = *saddle_slice_view_get_area (view, 0);

  /* α and both curves' losses, whichever panel the pointer is over. */
  for (guint panel = 0; panel < 2; panel++)
    {
      g_autofree char *expected = slice_expected (alphas[panel]);
      g_autofree char *text = NULL;

      area = *saddle_slice_view_get_area (view, panel);
      saddle_plot_area_from_data (&area, alphas[panel], 0.0, &x, NULL);
      text = saddle_slice_view_readout_at (view, x, area.y + area.height / 2);
      g_assert_cmpstr (text, ==, expected);
    }
  g_assert_null (saddle_slice_view_readout_at (view, 1, 1));

  /* Zoomed in on the upper panel: both panels show the narrower α range, the read-out follows. */
  g_assert_true (scroll_at (widget, fitted.x + fitted.width / 2, fitted.y + fitted.height / 2, -3.0));
  redraw (widget);
  area = *saddle_slice_view_get_area (view, 0);
  lower = *saddle_slice_view_get_area (view, 1);
  assert_close (area.x_max - area.x_min, (fitted.x_max - fitted.x_min) / pow (1.25, 3));
  assert_close (lower.x_min, area.x_min);
  assert_close (lower.x_max, area.x_max);
  {
    g_autofree char *expected = slice_expected (0.3);
    g_autofree char *text = NULL;

    saddle_plot_area_from_data (&lower, 0.3, 0.0, &x, &y);
    text = saddle_slice_view_readout_at (view, x, lower.y + lower.height / 2);
    g_assert_cmpstr (text, ==, expected);
  }

  /* Another slice: its own fitted axes. */
  saddle_slice_view_set_slice (view, NULL);
  saddle_slice_view_set_slice (view, slice);
  redraw (widget);
  assert_same_range (saddle_slice_view_get_area (view, 0), &fitted);

  saddle_slice_view_set_slice (view, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* The symmetric-log scale of the spectrum's axis, written out here to check its bins. */
static double
symlog (double v,
        double t)
{
  return copysign (log10 (1.0 + fabs (v) / t), v);
}

static double
symlog_inverse (double s,
                double t)
{
  return copysign (t * (pow (10.0, fabs (s)) - 1.0), s);
}

/* The read-out of the bin holding @value, computed from @area's bins by hand. */
static char *
bin_expected (const SaddleSpectrum *spectrum,
              const SaddlePlotArea *area,
              double                value,
              gsize                *total_out)
{
  double t = area->x_threshold, band = spectrum->tolerance * spectrum->max_abs;
  double k = floor (symlog (value, t) / area->bin_width);
  double lo = symlog_inverse (k * area->bin_width, t);
  double hi = symlog_inverse ((k + 1) * area->bin_width, t);
  gsize counts[3] = { 0 }, total;

  for (gsize i = 0; i < spectrum->n; i++)
    {
      double v = spectrum->eigenvalues[i];

      if (v >= lo && v < hi)
        counts[v > band ? 2 : (v < -band ? 0 : 1)]++;
    }
  total = counts[0] + counts[1] + counts[2];
  *total_out = total;
  return g_strdup_printf ("λ from %.3g to %.3g\n%lu %s: %lu negative · %lu near zero · %lu positive",
                          lo, hi, (unsigned long) total, total == 1 ? "eigenvalue" : "eigenvalues",
                          (unsigned long) counts[0], (unsigned long) counts[1], (unsigned long) counts[2]);
}

static void
test_spectrum (void)
{
  const double values[] = { -2.0, -1.0, 1e-9, 0.05, 0.2, 0.21, 0.22, 3.0, 5.0 };
  SaddleCriticalPoint point = { .run = 0, .n_params = G_N_ELEMENTS (values), .loss = 0.1,
                                .grad_norm = 1e-8, .label = SADDLE_CRITICAL_SADDLE };
  GtkWidget *widget = saddle_spectrum_view_new ();
  SaddleSpectrumView *view = SADDLE_SPECTRUM_VIEW (widget);
  GtkWidget *window = saddle_test_show (widget, 640, 420);
  SaddlePlotArea fitted, area;
  SaddleViewRange range;
  double x;
  gsize total;

  point.spectrum = saddle_spectrum_new_from_values (values, G_N_ELEMENTS (values), 1e-6);
  saddle_spectrum_view_set_point (view, &point);
  redraw (widget);
  fitted = *saddle_spectrum_view_get_area (view);
  g_assert_cmpfloat (fitted.bin_width, >, 0);

  /* Over 0.21: that bin's eigenvalue range and counts. */
  {
    g_autofree char *expected = bin_expected (point.spectrum, &fitted, 0.21, &total);
    g_autofree char *text = NULL;

    saddle_plot_area_from_data (&fitted, 0.21, 1.0, &x, NULL);
    text = saddle_spectrum_view_readout_at (view, x, fitted.y + fitted.height / 2);
    g_test_message ("%s", text);
    g_assert_cmpstr (text, ==, expected);
    g_assert_cmpuint (total, >=, 1);
  }
  g_assert_null (saddle_spectrum_view_readout_at (view, 1, 1));

  /* Zoomed in about 0.21: x alone, finer bins that split 0.2, 0.21 and 0.22; the read-out
   * names the finer bin. */
  saddle_plot_area_from_data (&fitted, 0.21, 1.0, &x, NULL);
  g_assert_true (scroll_at (widget, x, fitted.y + fitted.height / 2, -12.0));
  redraw (widget);
  area = *saddle_spectrum_view_get_area (view);
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (view), &range);
  g_assert_true (range.x.max > range.x.min);
  g_assert_false (range.y[0].max > range.y[0].min);
  g_assert_cmpfloat (area.bin_width, <, fitted.bin_width / 10);
  {
    g_autofree char *expected = bin_expected (point.spectrum, &area, 0.21, &total);
    g_autofree char *text = NULL;

    saddle_plot_area_from_data (&area, 0.21, 1.0, &x, NULL);
    text = saddle_spectrum_view_readout_at (view, x, area.y + area.height / 2);
    g_test_message ("%s", text);
    g_assert_cmpstr (text, ==, expected);
    g_assert_cmpuint (total, ==, 1);
  }

  saddle_spectrum_view_set_point (view, NULL);
  saddle_spectrum_free (point.spectrum);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A widget of the GType in @data. */
static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

typedef struct
{
  const SaddleHistory *history;
  SaddleFigureStyle    style;
  SaddlePlotArea       areas[2];
} DrawData;

static void
draw_gradnorm_cb (cairo_t  *cr,
                  double    width,
                  double    height,
                  gpointer  user_data)
{
  DrawData *data = user_data;

  saddle_figure_gradnorm (cr, width, height, data->history, &data->style, data->areas);
}

/* An SVG file's text with cairo's numbered ids (surface5, clip-3, glyph-0-1) made equal: they
 * count up through the process, not through the picture. */
static char *
read_svg (const char *path)
{
  g_autoptr(GRegex) ids = g_regex_new ("((?:id=\"|#)[A-Za-z]+)[0-9-]+", 0, 0, NULL);
  g_autofree char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "<?xml"));
  return g_regex_replace (ids, text, -1, 0, "\\1N", 0, NULL);
}

static void
test_export (void)
{
  g_autoptr(SaddleHistory) history = make_history ();
  g_autofree char *dir = g_dir_make_tmp ("saddle-zoom-XXXXXX", NULL);
  g_autofree char *zoomed = g_build_filename (dir, "zoomed.svg", NULL);
  g_autofree char *fitted = g_build_filename (dir, "fitted.svg", NULL);
  g_autofree char *direct = g_build_filename (dir, "direct.svg", NULL);
  g_autofree char *zoomed_text = NULL, *fitted_text = NULL, *direct_text = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  GtkWidget *page = saddle_gradnorm_page_new ();
  GtkWidget *window = saddle_test_show (page, 900, 700);
  GtkWidget *monitor = saddle_test_find_widget (page, is_of_type,
                                                GSIZE_TO_POINTER (SADDLE_TYPE_MONITOR_VIEW));
  DrawData data = { 0 };
  SaddleViewRange range;
  const SaddlePlotArea *area;

  g_assert_nonnull (monitor);
  saddle_study_config_init (&config, SADDLE_STUDY_GRADNORM, SADDLE_TASK_FUNCTION);
  saddle_page_begin (SADDLE_PAGE (page), &config);
  saddle_page_add_records (SADDLE_PAGE (page), history->iterations, NULL);
  saddle_page_flush (SADDLE_PAGE (page));
  redraw (monitor);

  /* Zoomed into the loss panel (x for both), then the view exported as Ctrl+E does it. */
  area = saddle_monitor_view_get_area (SADDLE_MONITOR_VIEW (monitor), 0);
  g_assert_true (scroll_at (monitor, area->x + 0.7 * area->width, area->y + 0.5 * area->height, -4.0));
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (monitor), &range);
  g_assert_true (saddle_view_range_is_set (&range));
  g_assert_true (saddle_page_export_view (SADDLE_PAGE (page), zoomed, &error));
  g_assert_no_error (error);

  /* The same figure drawn with that range: the same file, and its axes span the zoomed range. */
  data.history = saddle_gradnorm_page_get_history (SADDLE_GRADNORM_PAGE (page));
  saddle_figure_style_init (&data.style);
  data.style.log_grad_norm = saddle_monitor_view_get_log_grad_norm (SADDLE_MONITOR_VIEW (monitor));
  data.style.smooth = saddle_monitor_view_get_smooth (SADDLE_MONITOR_VIEW (monitor));
  data.style.view = range;
  g_assert_true (saddle_figure_write_svg (direct, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_GRADNORM_HEIGHT,
                                          draw_gradnorm_cb, &data, &error));
  g_assert_no_error (error);
  for (guint panel = 0; panel < 2; panel++)
    {
      assert_close (data.areas[panel].x_min, range.x.min);
      assert_close (data.areas[panel].x_max, range.x.max);
      assert_close (data.areas[panel].y_min, range.y[panel].min);
      assert_close (data.areas[panel].y_max, range.y[panel].max);
    }
  zoomed_text = read_svg (zoomed);
  direct_text = read_svg (direct);
  /* (Compared whole, not printed: a figure is 100 kB of SVG.) */
  g_assert_true (g_str_equal (zoomed_text, direct_text));

  /* Reset, the export is the fitted figure again: another picture. */
  g_assert_true (press_key (monitor, GDK_KEY_Home));
  g_assert_true (saddle_page_export_view (SADDLE_PAGE (page), fitted, &error));
  g_assert_no_error (error);
  fitted_text = read_svg (fitted);
  g_assert_false (g_str_equal (fitted_text, zoomed_text));
  {
    cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 90, 70);
    cairo_t *cr = cairo_create (surface);

    memset (&data.style.view, 0, sizeof data.style.view);
    draw_gradnorm_cb (cr, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_GRADNORM_HEIGHT, &data);
    g_assert_cmpfloat (data.areas[0].x_max - data.areas[0].x_min, >, 2 * (range.x.max - range.x.min));
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }

  saddle_study_config_clear (&config);
  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (zoomed);
  g_unlink (fitted);
  g_unlink (direct);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  saddle_test_require_display ();
  gtk_test_init (&argc, &argv, NULL);
  saddle_test_load_style ();

  g_test_add_func ("/app/zoom/monitor", test_monitor);
  g_test_add_func ("/app/zoom/scatter-axis", test_scatter_axis);
  g_test_add_func ("/app/zoom/slice", test_slice);
  g_test_add_func ("/app/zoom/spectrum", test_spectrum);
  g_test_add_func ("/app/zoom/export", test_export);

  return g_test_run ();
}
