/* saddle-figures-gradnorm.c — the gradient-norm study: loss and ‖∇L‖ of every run on two stacked charts */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "saddle-figures-private.h"
#include "saddle-stats.h"

/* Gradnorm: the per-step curves are painted at this opacity, each run as one group (so a
 * run's own crossings do not darken it): 8 runs × 10,000 noisy steps at full opacity are one
 * solid band with the last-drawn run on top. Fainter still under the per-epoch lines or the
 * smoothed means, which then carry the reading. */
#define STEP_ALPHA       0.55
#define STEP_ALPHA_UNDER 0.18

typedef struct
{
  GArray *x;      /* double */
  GArray *y1;     /* double */
  GArray *y2;     /* double */
} RunSeries;

/* The running mean of one run's per-step values (saddle_stats_moving_average(), geometric on a
 * log axis) over a window sized to their noise (saddle_stats_noise_window(): measured on the
 * default studies, 31–61 steps on the function task, 9–19 of the image task's 150, where a
 * fixed 1 % of the steps was 101 and 3), drawn at about one point per two pixels: a smooth
 * curve needs no more, and stroking every step would cost ~100 ms a redraw. */
static void
draw_running_mean (SaddleChart       *chart,
                   const GArray      *xs,
                   const GArray      *ys,
                   const SaddleColor *color,
                   double             line_width)
{
  gsize n = xs->len;
  gboolean log = chart->y_axis.scale == SADDLE_AXIS_LOG;
  guint window = saddle_stats_noise_window ((const double *) ys->data, n, log);
  gsize stride = (gsize) MAX (1.0, ceil (n / MAX (1.0, chart->width / 2.0)));
  g_autofree double *mean = g_new (double, MAX (n, 1));
  g_autofree double *px = g_new (double, n / stride + 2);
  g_autofree double *py = g_new (double, n / stride + 2);
  gsize m = 0;

  if (n < 2)
    return;
  saddle_stats_moving_average ((const double *) ys->data, n, window, log, mean);
  for (gsize i = 0; i < n; i += stride)
    {
      px[m] = g_array_index (xs, double, i);
      py[m++] = mean[i];
    }
  if ((n - 1) % stride != 0)
    {
      px[m] = g_array_index (xs, double, n - 1);
      py[m++] = mean[n - 1];
    }
  saddle_chart_draw_line (chart, px, py, m, color, line_width);
}

static void
run_series_append (RunSeries *series,
                   double     x,
                   double     y1,
                   double     y2)
{
  if (series->x == NULL)
    {
      series->x = g_array_new (FALSE, FALSE, sizeof (double));
      series->y1 = g_array_new (FALSE, FALSE, sizeof (double));
      series->y2 = g_array_new (FALSE, FALSE, sizeof (double));
    }
  g_array_append_val (series->x, x);
  g_array_append_val (series->y1, y1);
  g_array_append_val (series->y2, y2);
}

/* One run's whole-set values per epoch, on a thin background-coloured halo so the line reads
 * over the faded steps of every run; with @smooth, their running mean over a window sized to
 * their own noise (the function study's 200 epochs jump by 10× from one to the next). */
static void
draw_epoch_line (SaddleChart         *chart,
                 const RunSeries     *s,
                 const GArray        *ys,
                 const SaddleColor   *color,
                 const SaddlePalette *palette,
                 gboolean             smooth,
                 double               line_width)
{
  g_autofree double *px = g_new (double, MAX (s->x->len, 1));
  g_autofree double *py = g_new (double, MAX (s->x->len, 1));
  gsize m = 0;

  /* Only the finite values: a run without a whole-set ‖∇L‖ (older files) draws nothing. */
  for (guint i = 0; i < s->x->len; i++)
    if (isfinite (g_array_index (ys, double, i)))
      {
        px[m] = g_array_index (s->x, double, i);
        py[m++] = g_array_index (ys, double, i);
      }
  if (m < 2)
    return;
  if (smooth)
    {
      gboolean log = chart->y_axis.scale == SADDLE_AXIS_LOG;
      g_autofree double *raw = g_memdup2 (py, m * sizeof (double));

      saddle_stats_moving_average (raw, m, saddle_stats_noise_window (raw, m, log), log, py);
    }
  saddle_chart_draw_line_on_halo (chart, px, py, m, color, line_width, &palette->background,
                                  line_width * 2.2);
}

static void
run_series_free (RunSeries *series,
                 guint      n)
{
  for (guint r = 0; r < n; r++)
    {
      g_clear_pointer (&series[r].x, g_array_unref);
      g_clear_pointer (&series[r].y1, g_array_unref);
      g_clear_pointer (&series[r].y2, g_array_unref);
    }
  g_free (series);
}

void
saddle_figure_gradnorm (cairo_t                 *cr,
                        double                   width,
                        double                   height,
                        const SaddleHistory     *history,
                        const SaddleFigureStyle *style,
                        SaddlePlotArea           areas[2])
{
  SaddleFigureStyle st;
  SaddlePalette palette;
  g_auto(SaddleChart) top = { 0 };
  g_auto(SaddleChart) bottom = { 0 };
  g_autoptr(SaddleLegend) legend = NULL;
  SaddleLegendPlacement placement;
  RunSeries *series = NULL;
  RunSeries *epochs = NULL;     /* per run: whole-set loss and ‖∇L‖ at each epoch end */
  gboolean have_epochs[2] = { FALSE, FALSE };
  guint n_runs = 0;
  gsize n_points = 0;
  double x = 0, y = 0, w = width, h = height, lx, ly;
  double fs, gap, avail, h_top, v_top, v_bottom;
  gboolean loss_log;
  g_autoptr(GArray) all_loss = NULL;

  if (areas != NULL)
    memset (areas, 0, 2 * sizeof (SaddlePlotArea));
  if (!saddle_figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;

  cairo_save (cr);

  /* Split the records by run; they arrive interleaved. */
  if (history != NULL && history->iterations != NULL)
    {
      guint64 highest = 0;

      for (guint i = 0; i < history->iterations->len; i++)
        highest = MAX (highest, (guint64) g_array_index (history->iterations, SaddleIterationRecord, i).run + 1);
      /* A corrupt run index must not make us allocate the world; such runs are skipped. */
      n_runs = (guint) MIN (highest, (guint64) SADDLE_FIGURE_MAX_RUNS);
    }
  series = g_new0 (RunSeries, MAX (n_runs, 1));
  epochs = g_new0 (RunSeries, MAX (n_runs, 1));
  all_loss = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; n_runs > 0 && i < history->iterations->len; i++)
    {
      const SaddleIterationRecord *r = &g_array_index (history->iterations, SaddleIterationRecord, i);

      if (r->run >= n_runs)
        continue;
      run_series_append (&series[r->run], (double) r->iteration, r->loss, r->grad_norm);
      g_array_append_val (all_loss, r->loss);
      n_points++;
    }
  /* Epoch records only for runs that have steps: the line is drawn over them. */
  for (guint i = 0; n_runs > 0 && history->epochs != NULL && i < history->epochs->len; i++)
    {
      const SaddleEpochRecord *r = &g_array_index (history->epochs, SaddleEpochRecord, i);

      if (r->run >= n_runs || series[r->run].x == NULL)
        continue;
      run_series_append (&epochs[r->run], (double) r->iteration, r->loss, r->grad_norm);
      have_epochs[0] |= isfinite (r->loss);
      have_epochs[1] |= isfinite (r->grad_norm);
    }

  saddle_chart_init (&top, cr, &palette, fs);
  saddle_chart_init (&bottom, cr, &palette, fs);

  loss_log = saddle_figure_spans_decades ((const double *) all_loss->data, all_loss->len, 1, 2.0);
  saddle_axis_init (&top.y_axis, loss_log ? SADDLE_AXIS_LOG : SADDLE_AXIS_LINEAR, 1.0);
  saddle_axis_init (&bottom.y_axis, st.log_grad_norm ? SADDLE_AXIS_LOG : SADDLE_AXIS_LINEAR, 1.0);

  legend = saddle_legend_new (0.9 * fs);
  for (guint r = 0; r < n_runs; r++)
    {
      char label[32];
      SaddleColor color;

      if (series[r].x == NULL)
        continue;
      for (guint i = 0; i < series[r].x->len; i++)
        {
          double xv = g_array_index (series[r].x, double, i);

          saddle_axis_include (&top.x_axis, xv);
          saddle_axis_include (&bottom.x_axis, xv);
          saddle_axis_include (&top.y_axis, g_array_index (series[r].y1, double, i));
          saddle_axis_include (&bottom.y_axis, g_array_index (series[r].y2, double, i));
        }
      for (guint i = 0; epochs[r].x != NULL && i < epochs[r].x->len; i++)
        {
          saddle_axis_include (&top.y_axis, g_array_index (epochs[r].y1, double, i));
          saddle_axis_include (&bottom.y_axis, g_array_index (epochs[r].y2, double, i));
        }
      g_snprintf (label, sizeof label, _("Run %u"), r + 1);
      saddle_palette_series (&palette, r, &color);
      saddle_legend_add (legend, label, &color, SADDLE_MARKER_NONE, TRUE, TRUE);
    }
  saddle_axis_finish (&top.x_axis, 0.01);
  bottom.x_axis = top.x_axis;
  saddle_axis_finish (&top.y_axis, 0.05);
  saddle_axis_finish (&bottom.y_axis, 0.05);
  /* Zoomed: one x for both panels, each its own y. */
  saddle_figure_apply_range (&top.x_axis, &st.view.x);
  saddle_figure_apply_range (&bottom.x_axis, &st.view.x);
  saddle_figure_apply_range (&top.y_axis, &st.view.y[0]);
  saddle_figure_apply_range (&bottom.y_axis, &st.view.y[1]);

  top.y_label = _("Loss");
  top.show_x_tick_labels = FALSE;
  bottom.y_label = _("Gradient norm ‖∇L‖");
  bottom.y_label_short = "‖∇L‖";
  bottom.x_label = _("Iteration");

  saddle_chart_draw_title (cr, &palette, fs, _("Loss and gradient norm"),
                           !(have_epochs[0] || have_epochs[1]) ? NULL
                           : st.smooth
                           ? _("Faint: each minibatch step · bold: whole training set per epoch, "
                               "running mean sized to its noise")
                           : _("Faint: each minibatch step · bold: whole training set at each epoch end"),
                           &x, &y, &w, &h);
  placement = saddle_chart_place_legend (cr, legend, 0.9 * fs, &x, &y, &w, &h, &lx, &ly);
  /* Margins of the outer rectangle the panels share. */
  x += 0.25 * fs;
  w -= 0.25 * fs;
  h -= 0.5 * fs;

  /* Equal plot heights and a shared left edge: lay out once to learn each
   * panel's margins, then again with the split and left edge that align them. */
  gap = 0.9 * fs;
  avail = MAX (2.0, h - gap);
  saddle_chart_layout (&top, x, y, w, avail / 2);
  saddle_chart_layout (&bottom, x, y + avail / 2 + gap, w, avail / 2);
  v_top = top.margin_top + top.margin_bottom;
  v_bottom = bottom.margin_top + bottom.margin_bottom;
  h_top = CLAMP ((avail + v_top - v_bottom) / 2, 1.0, avail - 1.0);
  top.min_left = bottom.min_left = MAX (top.margin_left, bottom.margin_left);
  saddle_chart_layout (&top, x, y, w, h_top);
  saddle_chart_layout (&bottom, x, y + h_top + gap, w, avail - h_top);

  saddle_chart_draw_grid (&top);
  saddle_chart_draw_grid (&bottom);

  for (guint pass = 0; pass < 2; pass++)
    {
      SaddleChart *chart = pass == 0 ? &top : &bottom;

      saddle_chart_clip (chart, 1.0);
      /* Every run's steps faint first, then the lines that carry the reading (smoothed means,
       * whole-set values per epoch) over all of them: no run's band hides another's line.
       * Run 1 last within each layer, so it is on top where lines cross. */
      for (guint r = n_runs; r > 0; r--)
        {
          const RunSeries *s = &series[r - 1];
          SaddleColor color;

          if (s->x == NULL)
            continue;
          saddle_palette_series (&palette, r - 1, &color);
          saddle_chart_draw_noisy_line (chart, (const double *) s->x->data,
                                        (const double *) (pass == 0 ? s->y1 : s->y2)->data,
                                        s->x->len, &color, MAX (1.0, fs / 8.0),
                                        st.smooth || have_epochs[pass] ? STEP_ALPHA_UNDER
                                                                       : STEP_ALPHA);
        }
      /* Smoothed: the running mean of the steps, unless the whole-set line is there to smooth. */
      for (guint r = n_runs; st.smooth && !have_epochs[pass] && r > 0; r--)
        {
          const RunSeries *s = &series[r - 1];
          SaddleColor color;

          if (s->x == NULL)
            continue;
          saddle_palette_series (&palette, r - 1, &color);
          draw_running_mean (chart, s->x, pass == 0 ? s->y1 : s->y2, &color, MAX (1.5, fs / 6.0));
        }
      for (guint r = n_runs; have_epochs[pass] && r > 0; r--)
        {
          const RunSeries *e = &epochs[r - 1];
          SaddleColor color;

          if (e->x == NULL)
            continue;
          saddle_palette_series (&palette, r - 1, &color);
          draw_epoch_line (chart, e, pass == 0 ? e->y1 : e->y2, &color, &palette, st.smooth,
                           MAX (1.5, fs / 6.0));
        }
      saddle_chart_unclip (chart);
      saddle_chart_draw_axes (chart);

      if (n_points == 0 || saddle_axis_n_data (&chart->y_axis) == 0)
        saddle_chart_draw_message (chart, SADDLE_FIGURE_NO_DATA (st));
    }

  saddle_figure_draw_legend (&top, legend, placement, lx, ly);

  saddle_figure_area_from_chart (&top, areas != NULL ? &areas[0] : NULL);
  saddle_figure_area_from_chart (&bottom, areas != NULL ? &areas[1] : NULL);

  run_series_free (series, n_runs);
  run_series_free (epochs, n_runs);
  cairo_restore (cr);
}
