/* saddle-figures.c — the study figures, composed from axis, chart, legend and palette */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>
#include <glib/gi18n-lib.h>

#include "saddle-chart.h"
#include "saddle-colormap.h"
#include "saddle-contour.h"
#include "saddle-file.h"
#include "saddle-stats.h"
#include "saddle-figures-private.h"
#include "saddle-ground-truth.h"

/* Cairo image surfaces are limited to 32767 pixels a side. */
#define MAX_PNG_SIDE 32767

G_DEFINE_QUARK (saddle-figure-error-quark, saddle_figure_error)

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

/* Spectrum bars: negative, near zero, positive. */
static const guint band_colors[3] = { 3, 11, 0 };

/* ------------------------------------------------------------------ gradnorm */

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

/* One run's per-step curve at @alpha, painted as one group so it does not darken where it
 * crosses itself. */
static void
draw_faded_steps (SaddleChart       *chart,
                  const RunSeries   *s,
                  const GArray      *ys,
                  const SaddleColor *color,
                  double             line_width,
                  double             alpha)
{
  cairo_push_group (chart->cr);
  saddle_chart_draw_noisy_line (chart, (const double *) s->x->data, (const double *) ys->data,
                                s->x->len, color, line_width);
  cairo_pop_group_to_source (chart->cr);
  cairo_paint_with_alpha (chart->cr, alpha);
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
  saddle_chart_draw_line (chart, px, py, m, &palette->background, line_width * 2.2);
  saddle_chart_draw_line (chart, px, py, m, color, line_width);
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
          draw_faded_steps (chart, s, pass == 0 ? s->y1 : s->y2, &color, MAX (1.0, fs / 8.0),
                            st.smooth || have_epochs[pass] ? STEP_ALPHA_UNDER : STEP_ALPHA);
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

/* ------------------------------------------------------------ trajectories */

/* Filled bands of the loss surface: a dozen reads as a landscape without
 * turning into a gradient nobody can match to the colour bar. */
#define SURFACE_BANDS 12
/* Losses spanning more than this many decades get log-spaced levels. */
#define SURFACE_LOG_DECADES 1.5

typedef struct
{
  gboolean    log;                          /* levels evenly spaced in log10 (loss) */
  double      loss_lo, loss_hi;             /* the range in loss units */
  double      levels[SURFACE_BANDS + 1];    /* in transformed units (log10 or loss) */
  SaddleColor colors[SURFACE_BANDS];
  double     *values;                       /* (res, res) transformed grid, NAN where unusable */
  double     *a;                            /* (res) pc1 of the columns */
  double     *b;                            /* (res) pc2 of the rows */
  SaddleGrid  grid;
} SurfaceBands;

static void
surface_bands_clear (SurfaceBands *bands)
{
  g_clear_pointer (&bands->values, g_free);
  g_clear_pointer (&bands->a, g_free);
  g_clear_pointer (&bands->b, g_free);
}

/* FALSE if @surface has nothing drawable. */
static gboolean
surface_bands_init (SurfaceBands        *bands,
                    const SaddleSurface *surface,
                    const SaddlePalette *palette)
{
  guint res;
  gsize n;
  double lo = INFINITY, hi = -INFINITY, tlo, thi;

  memset (bands, 0, sizeof *bands);
  if (surface == NULL || surface->loss == NULL || surface->resolution < 2
      || surface->resolution > SADDLE_SURFACE_MAX_RESOLUTION
      || !isfinite (surface->pc1_min) || !isfinite (surface->pc1_max) || !(surface->pc1_max > surface->pc1_min)
      || !isfinite (surface->pc2_min) || !isfinite (surface->pc2_max) || !(surface->pc2_max > surface->pc2_min))
    return FALSE;

  res = surface->resolution;
  n = (gsize) res * res;
  /* The grid's own extremes, not the stored ones: a surface read back from
   * a file or built by hand must not be trusted to agree with itself. */
  for (gsize k = 0; k < n; k++)
    if (isfinite (surface->loss[k]))
      {
        lo = MIN (lo, surface->loss[k]);
        hi = MAX (hi, surface->loss[k]);
      }
  if (!(hi >= lo))
    return FALSE;

  bands->log = lo > 0 && hi / lo > pow (10.0, SURFACE_LOG_DECADES);
  bands->loss_lo = lo;
  bands->loss_hi = hi;
  bands->values = g_new (double, n);
  for (gsize k = 0; k < n; k++)
    {
      double v = surface->loss[k];

      if (!isfinite (v))
        bands->values[k] = NAN;
      else
        bands->values[k] = bands->log ? log10 (v) : v;
    }

  tlo = bands->log ? log10 (lo) : lo;
  thi = bands->log ? log10 (hi) : hi;
  /* A flat surface still gets bands, all of one colour in effect. */
  if (!(thi > tlo))
    thi = tlo + (tlo != 0 ? 1e-6 * fabs (tlo) : 1e-6);
  for (guint k = 0; k <= SURFACE_BANDS; k++)
    bands->levels[k] = tlo + (thi - tlo) * k / SURFACE_BANDS;
  /* The top edge exactly at the maximum would leave the highest node out
   * of the last band's "≥" test only by rounding: nothing lies above it. */
  bands->levels[SURFACE_BANDS] = thi;
  for (guint k = 0; k < SURFACE_BANDS; k++)
    saddle_colormap_at (palette, (k + 0.5) / SURFACE_BANDS, &bands->colors[k]);

  bands->a = g_new (double, res);
  bands->b = g_new (double, res);
  for (guint i = 0; i < res; i++)
    {
      bands->a[i] = saddle_surface_pc1_at (surface, i);
      bands->b[i] = saddle_surface_pc2_at (surface, i);
    }
  bands->grid.nx = res;
  bands->grid.ny = res;
  bands->grid.x = bands->a;
  bands->grid.y = bands->b;
  bands->grid.values = bands->values;
  return TRUE;
}

/* The colour bar's scale: loss units, log when the levels are. */
static void
colorbar_axis (const SurfaceBands *bands,
               SaddleAxis         *axis)
{
  saddle_axis_init (axis, bands->log ? SADDLE_AXIS_LOG : SADDLE_AXIS_LINEAR, 1.0);
  saddle_axis_set_range (axis, bands->loss_lo,
                         bands->loss_hi > bands->loss_lo ? bands->loss_hi
                         : bands->loss_lo + MAX (1e-6 * fabs (bands->loss_lo), 1e-12));
}

#define COLORBAR_GAP(fs)   (1.0 * (fs))
#define COLORBAR_WIDTH(fs) (0.95 * (fs))
#define COLORBAR_TICK(fs)  (0.35 * (fs))

/* Width the colour bar and its labels need beside a plot @height tall. */
static double
colorbar_space (cairo_t            *cr,
                const SurfaceBands *bands,
                double              fs,
                double              height)
{
  SaddleAxis axis;
  g_autoptr(GArray) ticks = NULL;
  double label_w = saddle_chart_tick_label_width (cr, fs, _("Loss")) / 2;

  colorbar_axis (bands, &axis);
  ticks = saddle_axis_ticks (&axis, MAX (1.0, height), 2.6 * fs);
  for (guint i = 0; i < ticks->len; i++)
    {
      const SaddleTick *t = &g_array_index (ticks, SaddleTick, i);

      if (t->major)
        label_w = MAX (label_w, saddle_chart_tick_label_width (cr, fs, t->label));
    }
  return COLORBAR_GAP (fs) + COLORBAR_WIDTH (fs) + COLORBAR_TICK (fs) + 0.4 * fs + label_w + 0.5 * fs;
}

static void
draw_colorbar (SaddleChart        *chart,
               const SurfaceBands *bands)
{
  cairo_t *cr = chart->cr;
  double fs = chart->font_size;
  double x0 = round (chart->x + chart->width + COLORBAR_GAP (fs));
  double bw = round (COLORBAR_WIDTH (fs));
  double y0 = chart->y, h = chart->height;
  double tlo = bands->levels[0], thi = bands->levels[SURFACE_BANDS];
  SaddleAxis axis;
  g_autoptr(GArray) ticks = NULL;

  cairo_save (cr);

  for (guint k = 0; k < SURFACE_BANDS; k++)
    {
      double u0 = (bands->levels[k] - tlo) / (thi - tlo);
      double u1 = (bands->levels[k + 1] - tlo) / (thi - tlo);
      double top = y0 + (1.0 - u1) * h, bottom = y0 + (1.0 - u0) * h;

      /* Overlap by a hair so no background line shows between bands. */
      cairo_rectangle (cr, x0, top - (k + 1 < SURFACE_BANDS ? 0.5 : 0.0), bw, bottom - top + 0.5);
      saddle_color_set_source (&bands->colors[k], cr, 1.0);
      cairo_fill (cr);
    }

  cairo_set_line_width (cr, 1.0);
  saddle_color_set_source (&chart->palette.axis, cr, 1.0);
  cairo_rectangle (cr, x0 + 0.5, y0 + 0.5, bw - 1.0, h - 1.0);
  cairo_stroke (cr);

  colorbar_axis (bands, &axis);
  ticks = saddle_axis_ticks (&axis, MAX (1.0, h), 2.6 * fs);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 0.85 * fs);
  for (guint i = 0; i < ticks->len; i++)
    {
      const SaddleTick *t = &g_array_index (ticks, SaddleTick, i);
      double u = saddle_axis_to_unit (&axis, t->value);
      double py;

      if (!isfinite (u) || u < -1e-9 || u > 1 + 1e-9)
        continue;
      py = floor (y0 + (1.0 - u) * h) + 0.5;
      saddle_color_set_source (&chart->palette.axis, cr, 1.0);
      cairo_move_to (cr, x0 + bw, py);
      cairo_line_to (cr, x0 + bw + (t->major ? COLORBAR_TICK (fs) : COLORBAR_TICK (fs) / 2), py);
      cairo_stroke (cr);
      if (t->major)
        {
          saddle_color_set_source (&chart->palette.foreground, cr, 0.85);
          saddle_chart_draw_text (cr, t->label, x0 + bw + COLORBAR_TICK (fs) + 0.4 * fs, py, 0.0, 0.5);
        }
    }

  /* Its title above it, in the gap the plot's top margin leaves. */
  saddle_color_set_source (&chart->palette.foreground, cr, 1.0);
  saddle_chart_draw_text (cr, _("Loss"), x0 + bw / 2, y0 - 0.45 * fs, 0.5, 1.0);

  cairo_restore (cr);
}

/* The honest-projection footnote: how far the snapshots lie off the plane,
 * and how their true loss compares with the contour under them; first, a warning when
 * that comparison says the contour misrepresents the runs. */
static char *
surface_footnote (const SaddleTrajectory *trajectory,
                  const SaddleSurface    *surface,
                  const SurfaceBands     *bands,
                  gsize                   n)
{
  g_autofree double *dist = g_new (double, MAX (n, 1));
  GString *out = g_string_new (NULL);
  double d_med, d_lo, d_hi, r_med, r_lo, r_hi;
  char a[32], b[32], c[32];

  for (gsize i = 0; i < n; i++)
    dist[i] = i < trajectory->plane_distance->len ? g_array_index (trajectory->plane_distance, double, i) : NAN;
  d_med = saddle_stats_median (dist, n, &d_lo, &d_hi);
  r_med = trajectory != NULL ? saddle_trajectory_contour_ratio (trajectory, &r_lo, &r_hi) : NAN;

  if (trajectory != NULL && saddle_trajectory_contour_misrepresents (trajectory))
    {
      saddle_figure_format_number (c, sizeof c, "%.2g", r_med);
      /* TRANSLATORS: %s is a factor such as 0.2; the snapshots lie off the contour's plane */
      g_string_append_printf (out, _("⚠ The contour misrepresents the runs: their true loss is "
                                     "%s× the contour's under them (median), as they lie off "
                                     "its plane."), c);
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out,
                          bands->log
                          /* TRANSLATORS: the footnote under the loss surface; "%u × %u grid", "%d levels" */
                          ? _("Contours: loss on a %u × %u grid of the plane, %d log-spaced levels")
                          : _("Contours: loss on a %u × %u grid of the plane, %d evenly spaced levels"),
                          surface->resolution, surface->resolution, SURFACE_BANDS);
  if (surface->n_nonfinite > 0)
    g_string_append_printf (out,
                            g_dngettext (GETTEXT_PACKAGE, " (%u node not finite, left blank)",
                                         " (%u nodes not finite, left blank)", surface->n_nonfinite),
                            surface->n_nonfinite);
  if (isfinite (d_med))
    {
      saddle_figure_format_number (a, sizeof a, "%.2g", d_lo);
      saddle_figure_format_number (b, sizeof b, "%.2g", d_hi);
      saddle_figure_format_number (c, sizeof c, "%.2g", d_med);
      /* TRANSLATORS: distances of the snapshots from the plane: low–high (median) */
      g_string_append_printf (out, _(" · snapshots lie %s–%s off it (median %s)"), a, b, c);
    }
  else if (n > 0)
    g_string_append (out, _(" · snapshots lie off it: their distance was not measured"));
  if (isfinite (r_med))
    {
      saddle_figure_format_number (a, sizeof a, "%.2g", r_lo);
      saddle_figure_format_number (b, sizeof b, "%.2g", r_hi);
      saddle_figure_format_number (c, sizeof c, "%.2g", r_med);
      g_string_append_printf (out, _(" · true loss ÷ contour there: %s–%s (median %s)"), a, b, c);
    }

  return g_string_free (out, FALSE);
}

/* Where snapshot @i of the projection is drawn (data units). */
static void
snapshot_coords (const SaddlePca *pca,
                 gsize            i,
                 double          *x,
                 double          *y)
{
  guint nc = pca->n_components;

  *x = pca->scores[i * nc];
  *y = nc > 1 ? pca->scores[i * nc + 1] : 0.0;
}

/* Snapshots the projection covers (a PCA older than the newest snapshots covers only the first ones). */
static gsize
projected_snapshots (const SaddleTrajectory *trajectory,
                     gboolean                layer,
                     const SaddlePca       **pca_out)
{
  const SaddlePca *pca;

  *pca_out = NULL;
  if (trajectory == NULL || trajectory->info == NULL)
    return 0;
  pca = layer ? trajectory->layer_pca : trajectory->pca;
  if (pca == NULL || pca->n_components == 0 || pca->scores == NULL)
    return 0;
  *pca_out = pca;
  return MIN (pca->n_points, trajectory->info->len);
}

/* Mean distance in pixels between consecutive points of a path. */
static double
mean_spacing (const SaddleChart *chart,
              const GArray      *xs,
              const GArray      *ys)
{
  double length = 0;
  guint segments = 0;

  for (guint i = 1; i < xs->len; i++)
    {
      double d = hypot (saddle_chart_x_to_px (chart, g_array_index (xs, double, i))
                        - saddle_chart_x_to_px (chart, g_array_index (xs, double, i - 1)),
                        saddle_chart_y_to_px (chart, g_array_index (ys, double, i))
                        - saddle_chart_y_to_px (chart, g_array_index (ys, double, i - 1)));

      if (isfinite (d))
        {
          length += d;
          segments++;
        }
    }
  return segments > 0 ? length / segments : 0.0;
}

void
saddle_figure_trajectories (cairo_t                 *cr,
                            double                   width,
                            double                   height,
                            const SaddleTrajectory  *trajectory,
                            gboolean                 layer,
                            guint                    upto_epoch,
                            const SaddleFigureStyle *style,
                            SaddlePlotArea          *area)
{
  saddle_figure_trajectories_with_surface (cr, width, height, trajectory, NULL, layer, upto_epoch,
                                           style, area);
}

void
saddle_figure_trajectories_with_surface (cairo_t                 *cr,
                                         double                   width,
                                         double                   height,
                                         const SaddleTrajectory  *trajectory,
                                         const SaddleSurface     *surface,
                                         gboolean                 layer,
                                         guint                    upto_epoch,
                                         const SaddleFigureStyle *style,
                                         SaddlePlotArea          *area)
{
  SaddleFigureStyle st;
  SaddlePalette palette;
  g_auto(SaddleChart) chart = { 0 };
  g_autoptr(SaddleLegend) legend = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *footnote = NULL;
  g_autofree char *x_label = NULL;
  g_autofree char *y_label = NULL;
  g_autoptr(GArray) xs = NULL;
  g_autoptr(GArray) ys = NULL;
  g_autofree guint *run_counts = NULL;
  SaddleLegendPlacement placement;
  SurfaceBands bands = { 0 };
  const SaddlePca *pca = NULL;
  gsize n;
  guint nc = 0, n_runs = 0, max_epoch = 0, runs_drawn = 0;
  gboolean regression = TRUE, show_surface, covered = TRUE;
  double x = 0, y = 0, w = width, h = height, lx, ly, fs, line_width;
  SaddleColor hollow;

  if (area != NULL)
    memset (area, 0, sizeof *area);
  if (!saddle_figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;

  cairo_save (cr);

  n = projected_snapshots (trajectory, layer, &pca);
  if (pca != NULL)
    nc = pca->n_components;
  {
    guint64 highest = 0;

    for (gsize i = 0; i < n; i++)
      {
        const SaddleSnapshotInfo *s = &g_array_index (trajectory->info, SaddleSnapshotInfo, i);

        highest = MAX (highest, (guint64) s->run + 1);
        max_epoch = MAX (max_epoch, s->epoch);
        if (isfinite (s->accuracy))
          regression = FALSE;
      }
    n_runs = (guint) MIN (highest, (guint64) SADDLE_FIGURE_MAX_RUNS);
  }

  run_counts = g_new0 (guint, MAX (n_runs, 1));
  for (gsize i = 0; i < n; i++)
    {
      guint run = g_array_index (trajectory->info, SaddleSnapshotInfo, i).run;

      if (run < n_runs)
        run_counts[run]++;
    }

  /* The surface lies in the whole vector's plane: it means nothing behind a layer's paths. */
  show_surface = !layer && surface_bands_init (&bands, surface, &palette);

  if (trajectory != NULL && layer)
    title = g_strdup_printf (_("Weight trajectories (layer %u weights)"), trajectory->layer + 1);
  else if (show_surface)
    title = g_strdup (_("Weight trajectories over the loss surface (whole model)"));
  else
    title = g_strdup (_("Weight trajectories (whole model)"));

  if (n > 0)
    {
      char pc1[16], pc2[16];

      saddle_figure_format_number (pc1, sizeof pc1, "%.1f", 100.0 * pca->explained_ratio[0]);
      saddle_figure_format_number (pc2, sizeof pc2, "%.1f", nc > 1 ? 100.0 * pca->explained_ratio[1] : 0.0);
      /* TRANSLATORS: axis label; %s is a percentage such as 62.5 */
      x_label = g_strdup_printf (_("PC1 (%s %% of variance)"), pc1);
      y_label = g_strdup_printf (_("PC2 (%s %%)"), pc2);
      if (upto_epoch < max_epoch)
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Up to epoch %u of %u · one PCA over %lu snapshot",
                                                 "Up to epoch %u of %u · one PCA over %lu snapshots",
                                                 n),
                                    upto_epoch, max_epoch, (unsigned long) n);
      else
        /* TRANSLATORS: "8 runs, 30 epochs · one PCA over 248 snapshots" */
        subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u runs, %u epochs · one PCA over %lu snapshot",
                                                 "%u runs, %u epochs · one PCA over %lu snapshots",
                                                 n),
                                    n_runs, max_epoch, (unsigned long) n);
    }
  else
    {
      x_label = g_strdup ("PC1");
      y_label = g_strdup ("PC2");
    }
  if (show_surface)
    footnote = surface_footnote (trajectory, surface, &bands, n);

  saddle_chart_init (&chart, cr, &palette, fs);
  chart.x_label = x_label;
  chart.y_label = y_label;

  /* The axes fit every snapshot, not only those drawn so far, so an
   * animation through the epochs does not rescale at every frame. With a
   * surface they cover its range, the whole of it filled edge to edge. */
  if (show_surface)
    {
      saddle_axis_include (&chart.x_axis, surface->pc1_min);
      saddle_axis_include (&chart.x_axis, surface->pc1_max);
      saddle_axis_include (&chart.y_axis, surface->pc2_min);
      saddle_axis_include (&chart.y_axis, surface->pc2_max);
    }
  for (gsize i = 0; i < n; i++)
    {
      double px, py;

      snapshot_coords (pca, i, &px, &py);
      saddle_axis_include (&chart.x_axis, px);
      saddle_axis_include (&chart.y_axis, py);
      if (show_surface && (px < surface->pc1_min || px > surface->pc1_max
                           || py < surface->pc2_min || py > surface->pc2_max))
        covered = FALSE;
    }
  saddle_axis_finish (&chart.x_axis, show_surface && covered ? 0.0 : 0.06);
  saddle_axis_finish (&chart.y_axis, show_surface && covered ? 0.0 : 0.06);
  saddle_figure_apply_range (&chart.x_axis, &st.view.x);
  saddle_figure_apply_range (&chart.y_axis, &st.view.y[0]);

  legend = saddle_legend_new (0.9 * fs);
  for (guint r = 0; r < n_runs; r++)
    {
      double final;
      char value[32];
      g_autofree char *label = NULL;
      SaddleColor color;

      if (run_counts[r] == 0)
        continue;

      final = saddle_trajectory_final_accuracy (trajectory, r);
      if (!isfinite (final))
        label = g_strdup_printf (_("Run %u"), r + 1);
      else if (regression)
        {
          saddle_figure_format_number (value, sizeof value, "%.2g", final);
          label = g_strdup_printf (_("Run %u — loss %s"), r + 1, value);
        }
      else
        {
          double test = saddle_trajectory_test_accuracy (trajectory, r);

          saddle_figure_format_number (value, sizeof value, "%.1f", 100.0 * final);
          if (isfinite (test))
            {
              char test_value[32];

              saddle_figure_format_number (test_value, sizeof test_value, "%.1f", 100.0 * test);
              /* TRANSLATORS: a run, its final accuracy on the training set and on the test set,
               * in per cent */
              label = g_strdup_printf (_("Run %u — train %s %%, test %s %%"), r + 1, value,
                                       test_value);
            }
          else
            /* TRANSLATORS: a run and its final accuracy on the training set in per cent */
            label = g_strdup_printf (_("Run %u — train %s %%"), r + 1, value);
        }
      saddle_palette_series (&palette, r, &color);
      saddle_legend_add (legend, label, &color, SADDLE_MARKER_NONE, TRUE, TRUE);
    }
  hollow = palette.muted;
  if (saddle_legend_n_entries (legend) > 0)
    {
      /* TRANSLATORS: legend entries for the markers at a path's start, current and end points */
      saddle_legend_add (legend, _("start"), &hollow, SADDLE_MARKER_CIRCLE, FALSE, FALSE);
      saddle_legend_add (legend, upto_epoch < max_epoch ? _("current") : _("end"), &hollow,
                         SADDLE_MARKER_CIRCLE, TRUE, FALSE);
    }

  saddle_chart_draw_title (cr, &palette, fs, title, subtitle, &x, &y, &w, &h);
  saddle_chart_draw_footnote (cr, &palette, fs, footnote, &x, &y, &w, &h);
  placement = saddle_chart_place_legend (cr, legend, 0.9 * fs, &x, &y, &w, &h, &lx, &ly);
  if (show_surface)
    {
      /* The colour bar sits right of the plot, left of a legend beside it. */
      double space = colorbar_space (cr, &bands, fs, h);

      if (space < 0.4 * w)
        {
          w -= space;
          if (placement == SADDLE_LEGEND_RIGHT)
            lx = x + w + space;
        }
    }
  saddle_chart_layout (&chart, x + 0.25 * fs, y, w - 0.25 * fs, h - 0.5 * fs);

  if (show_surface)
    {
      SaddleColor line_color = palette.dark ? palette.background : palette.foreground;

      saddle_chart_clip (&chart, 0.0);
      saddle_contour_fill (&chart, &bands.grid, bands.levels, SURFACE_BANDS + 1, bands.colors);
      /* Interior levels only: the outer two are the grid's extremes. */
      saddle_contour_lines (&chart, &bands.grid, bands.levels + 1, SURFACE_BANDS - 1, &line_color,
                            palette.dark ? 0.45 : 0.22, 0.6);
      saddle_chart_unclip (&chart);
    }
  else
    saddle_chart_draw_grid (&chart);

  xs = g_array_new (FALSE, FALSE, sizeof (double));
  ys = g_array_new (FALSE, FALSE, sizeof (double));
  line_width = show_surface ? MAX (1.5, fs / 6.0) : MAX (1.0, fs / 8.0);
  saddle_chart_clip (&chart, saddle_figure_clip_margin (&st, fs));
  for (guint r = n_runs; r > 0; r--)
    {
      guint run = r - 1;
      SaddleColor color;
      double marker = 0.42 * fs;

      if (run_counts[run] == 0)
        continue;
      g_array_set_size (xs, 0);
      g_array_set_size (ys, 0);
      for (gsize i = 0; i < n; i++)
        {
          const SaddleSnapshotInfo *s = &g_array_index (trajectory->info, SaddleSnapshotInfo, i);
          double px, py;

          if (s->run != run || s->epoch > upto_epoch)
            continue;
          snapshot_coords (pca, i, &px, &py);
          g_array_append_val (xs, px);
          g_array_append_val (ys, py);
        }
      if (xs->len == 0)
        continue;

      runs_drawn++;
      saddle_palette_series (&palette, run, &color);
      /* Over the contours a path gets a thin halo of the page colour, so it
       * stays legible whichever band it crosses. */
      if (show_surface)
        saddle_chart_draw_line (&chart, (const double *) xs->data, (const double *) ys->data,
                                xs->len, &palette.background, line_width + 1.5);
      saddle_chart_draw_line (&chart, (const double *) xs->data, (const double *) ys->data,
                              xs->len, &color, line_width);
      /* Small dots mark the snapshots, so the pace of each path shows;
       * not where they would overlap into a smear. */
      if (xs->len > 2 && xs->len <= 400 && mean_spacing (&chart, xs, ys) > 5.0 * 0.16 * fs)
        saddle_chart_draw_points (&chart, (const double *) xs->data + 1, (const double *) ys->data + 1,
                                  xs->len - 2, &color, SADDLE_MARKER_CIRCLE, 0.16 * fs, TRUE);
      if (show_surface)
        saddle_chart_draw_points (&chart, (const double *) xs->data, (const double *) ys->data,
                                  1, &palette.background, SADDLE_MARKER_CIRCLE, marker + 1.0, TRUE);
      saddle_chart_draw_points (&chart, (const double *) xs->data, (const double *) ys->data,
                                1, &color, SADDLE_MARKER_CIRCLE, marker, FALSE);
      saddle_chart_draw_points (&chart, &g_array_index (xs, double, xs->len - 1),
                                &g_array_index (ys, double, ys->len - 1),
                                1, &color, SADDLE_MARKER_CIRCLE, marker, TRUE);
    }
  saddle_chart_unclip (&chart);
  saddle_chart_draw_axes (&chart);
  if (show_surface)
    draw_colorbar (&chart, &bands);

  if (runs_drawn == 0)
    saddle_chart_draw_message (&chart, SADDLE_FIGURE_NO_DATA (st));

  saddle_figure_draw_legend (&chart, legend, placement, lx, ly);
  saddle_figure_area_from_chart (&chart, area);

  surface_bands_clear (&bands);
  cairo_restore (cr);
}

int
saddle_figure_trajectories_pick (const SaddleTrajectory *trajectory,
                                 gboolean                layer,
                                 guint                   upto_epoch,
                                 const SaddlePlotArea   *area,
                                 double                  x,
                                 double                  y,
                                 double                  radius)
{
  const SaddlePca *pca = NULL;
  gsize n;
  int best = -1;
  guint best_run = 0;
  double best_d2;

  if (area == NULL || !(area->width > 0) || !(area->height > 0)
      || !(area->x_max > area->x_min) || !(area->y_max > area->y_min))
    return -1;
  if (!isfinite (x) || !isfinite (y) || !(radius >= 0))
    return -1;

  n = projected_snapshots (trajectory, layer, &pca);
  best_d2 = radius * radius;
  for (gsize i = 0; i < n && i <= G_MAXINT; i++)
    {
      const SaddleSnapshotInfo *s = &g_array_index (trajectory->info, SaddleSnapshotInfo, i);
      double a, b, px, py, d2;

      if (s->epoch > upto_epoch || s->run >= SADDLE_FIGURE_MAX_RUNS)
        continue;
      snapshot_coords (pca, i, &a, &b);
      px = area->x + (a - area->x_min) / (area->x_max - area->x_min) * area->width;
      py = area->y + (1.0 - (b - area->y_min) / (area->y_max - area->y_min)) * area->height;
      d2 = (px - x) * (px - x) + (py - y) * (py - y);
      if (!(d2 <= best_d2))
        continue;
      /* Lower runs are drawn on top: on a tie the lower run wins. */
      if (best >= 0 && d2 == best_d2 && s->run >= best_run)
        continue;
      best = (int) i;
      best_d2 = d2;
      best_run = s->run;
    }

  return best;
}

/* ---------------------------------------------------------------- critical */

/* The least-squares trend and the index-law fit are drawn in these. */
#define TREND_COLOR_INDEX 9   /* indigo: apart from every label colour */

/* The trend's line across the used points' loss range, in data units. */
static void
draw_trend_line (SaddleChart             *chart,
                 const SaddleSubsetTrend *trend,
                 gboolean                 x_log,
                 const SaddleColor       *color,
                 double                   line_width)
{
  double xs[2], ys[2];

  if (!trend->fitted || !(trend->loss_hi >= trend->loss_lo))
    return;
  xs[0] = trend->loss_lo;
  xs[1] = trend->loss_hi;
  for (guint k = 0; k < 2; k++)
    ys[k] = trend->slope * (x_log ? log10 (xs[k]) : xs[k]) + trend->intercept;
  /* A straight line on either axis: on a log axis the fit is in log10 (loss). */
  saddle_chart_draw_line (chart, xs, ys, 2, color, line_width);
}

/* 1 − a·(loss − loss_c)^{3/2}, sampled across the visible loss range, dashed. */
static void
draw_index_law (SaddleChart             *chart,
                const SaddleSubsetTrend *trend,
                const SaddleColor       *color,
                double                   line_width)
{
  enum { N_SAMPLES = 240 };
  double xs[N_SAMPLES], ys[N_SAMPLES];
  double dashes[2] = { 3.0 * line_width, 2.0 * line_width };
  double lo = saddle_axis_transform (&chart->x_axis, chart->x_axis.min);
  double hi = saddle_axis_transform (&chart->x_axis, chart->x_axis.max);

  if (!trend->pb_fitted)
    return;
  for (guint k = 0; k < N_SAMPLES; k++)
    {
      double loss = saddle_axis_untransform (&chart->x_axis, lo + (hi - lo) * k / (N_SAMPLES - 1));
      double excess = loss - trend->pb_loss_c;

      xs[k] = loss;
      /* Below loss_c the law gives index 0: all positive. */
      ys[k] = 1.0 - trend->pb_a * (excess > 0 ? pow (excess, 1.5) : 0.0);
    }
  cairo_save (chart->cr);
  cairo_set_dash (chart->cr, dashes, 2, 0);
  saddle_chart_draw_line (chart, xs, ys, N_SAMPLES, color, line_width);
  cairo_restore (chart->cr);
}

/* ρ's p-value in words: "p = 0.27", "p < 0.001". */
static void
format_p (char   *buf,
          gsize   size,
          double  p)
{
  char num[32];

  if (p < 0.001)
    {
      g_strlcpy (buf, "p < 0.001", size);
      return;
    }
  saddle_figure_format_number (num, sizeof num, "%.2g", p);
  g_snprintf (buf, size, "p = %s", num);
}

static const char *
verdict_text (SaddleTrendVerdict verdict)
{
  return _(saddle_trend_verdict_to_string (verdict));
}

/* Two lines: which points, ρ with its interval, p and the verdict; then the line's slope and
 * how the interval and p were found. */
static char *
trend_subtitle (const SaddleCriticalTrend *trend)
{
  const SaddleSubsetTrend *t = saddle_critical_trend_get_shown (trend);
  const SaddleSubsetTrend *all = &trend->subsets[SADDLE_TREND_ALL];
  const SaddleSubsetTrend *certified = &trend->subsets[SADDLE_TREND_CERTIFIED];
  const SaddleSpearmanTest *test = &t->spearman;
  g_autofree char *who = NULL;
  g_autofree char *claim = NULL;
  g_autofree char *how = NULL;
  g_autofree char *method = NULL;
  char rho[32], lo[32], hi[32], p[48], slope[32];

  if (trend->shown == SADDLE_TREND_CERTIFIED)
    /* TRANSLATORS: "12 certified points (of 40)": the trend is over the certified ones */
    who = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu certified point (of %lu)",
                                        "%lu certified points (of %lu)", t->n),
                           (unsigned long) t->n, (unsigned long) all->n);
  else
    /* TRANSLATORS: "All 40 points (2 certified)": too few are certified for a trend of their own */
    who = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "All %lu point (%lu certified)",
                                        "All %lu points (%lu certified)", t->n),
                           (unsigned long) t->n, (unsigned long) certified->n);

  if (t->verdict == SADDLE_TREND_TOO_FEW)
    /* TRANSLATORS: "All 2 points (0 certified): too few points" */
    return g_strdup_printf (_("%s: %s"), who, verdict_text (t->verdict));

  saddle_figure_format_number (rho, sizeof rho, "%+.2f", test->rho);
  saddle_figure_format_number (lo, sizeof lo, "%+.2f", test->low);
  saddle_figure_format_number (hi, sizeof hi, "%+.2f", test->high);
  format_p (p, sizeof p, test->p_value);
  /* TRANSLATORS: "Spearman ρ = −0.45, 95 % interval −0.86 to +0.21, p = 0.27 · no evidence
   * either way"; the last %s is the verdict */
  claim = g_strdup_printf (_("Spearman ρ = %s, 95 %% interval %s to %s, %s · %s"),
                           rho, lo, hi, p, verdict_text (t->verdict));

  if (test->p_exact)
    /* TRANSLATORS: how the interval and p were found; "2000 bootstrap resamples · p two-sided
     * over all 40320 pairings" */
    method = g_strdup_printf (_("%u bootstrap resamples · p two-sided over all %lu pairings"),
                              test->resamples, (unsigned long) test->permutations);
  else
    method = g_strdup_printf (_("%u bootstrap resamples · p two-sided from %lu random pairings"),
                              test->resamples, (unsigned long) test->permutations);
  if (t->fitted)
    {
      saddle_figure_format_number (slope, sizeof slope, "%+.3g", t->slope);
      how = g_strdup_printf (trend->x_log
                             /* TRANSLATORS: the trend line's slope, then how ρ was tested */
                             ? _("line %s per decade of loss · %s")
                             : _("line %s per unit of loss · %s"),
                             slope, method);
    }
  return g_strdup_printf ("%s: %s\n%s", who, claim, how != NULL ? how : method);
}

/* The ratio axis: 0–1 as in the homework (@full), else the range of the points and of the
 * closed form's @reference levels (may be NULL) with a tenth of it (at least 0.02) on each
 * side, within 0–1: twelve points at 0.03–0.05 must not lie on the floor of a 0–1 axis. */
static void
ratio_axis (SaddleAxis              *axis,
            const SaddleCriticalSet *set,
            const GArray            *reference,
            gboolean                 x_log,
            SaddleCriticalRatio      ratio,
            gboolean                 full)
{
  double lo = INFINITY, hi = -INFINITY, margin;

  for (guint i = 0; !full && reference != NULL && i < reference->len; i++)
    {
      const SaddleGroundTruthLevel *level = &g_array_index (reference, SaddleGroundTruthLevel, i);
      double rv = ratio == SADDLE_CRITICAL_RATIO_NONZERO ? level->nonzero_ratio
                                                         : level->minimal_ratio;

      if (isfinite (rv) && (!x_log || level->loss > 0))
        {
          lo = MIN (lo, rv);
          hi = MAX (hi, rv);
        }
    }

  for (guint i = 0; !full && set != NULL && i < set->points->len; i++)
    {
      double lv, rv;

      if (saddle_trend_point_coords (g_ptr_array_index (set->points, i), x_log, ratio, &lv, &rv))
        {
          lo = MIN (lo, rv);
          hi = MAX (hi, rv);
        }
    }
  if (full || !(lo <= hi))
    {
      saddle_axis_set_range (axis, 0.0, 1.0);
      return;
    }
  margin = MAX (0.1 * (hi - lo), 0.02);
  saddle_axis_set_range (axis, MAX (0.0, lo - margin), MIN (1.0, hi + margin));
}

void
saddle_figure_critical (cairo_t                   *cr,
                        double                     width,
                        double                     height,
                        const SaddleCriticalSet   *set,
                        const SaddleCriticalTrend *trend,
                        int                        selected,
                        const SaddleFigureStyle   *style,
                        SaddlePlotArea            *area)
{
  SaddleFigureStyle st;
  SaddlePalette palette;
  g_auto(SaddleChart) chart = { 0 };
  g_autoptr(SaddleLegend) legend = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *pb_label = NULL;
  g_autofree char *reference_label = NULL;
  SaddleLegendPlacement placement;
  const SaddleSubsetTrend *shown = NULL;
  SaddleCriticalRatio ratio;
  guint n = set != NULL ? set->points->len : 0;
  guint counts[SADDLE_CRITICAL_N_LABELS] = { 0 };
  guint drawn = 0;
  gboolean x_log, nonzero;
  double x = 0, y = 0, w = width, h = height, lx, ly, fs, size;
  SaddleColor trend_color, law_color;
  char tol[32];

  if (area != NULL)
    memset (area, 0, sizeof *area);
  if (!saddle_figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;
  size = 0.36 * fs;
  ratio = st.critical_ratio;
  nonzero = ratio == SADDLE_CRITICAL_RATIO_NONZERO;

  cairo_save (cr);

  x_log = saddle_critical_trend_x_log (set);
  /* A trend of another ratio or axis would draw a line that is not this scatter's. */
  if (trend != NULL && st.show_trend && trend->ratio == ratio && trend->x_log == x_log)
    shown = saddle_critical_trend_get_shown (trend);
  trend_color = palette.foreground;
  saddle_palette_series (&palette, TREND_COLOR_INDEX, &law_color);

  saddle_figure_format_number (tol, sizeof tol, "%g", set != NULL ? set->tolerance : NAN);
  if (set != NULL)
    title = g_strdup_printf (nonzero
                             ? g_dngettext (GETTEXT_PACKAGE, "Nonzero ratio against loss (%u point, tol %s)",
                                            "Nonzero ratio against loss (%u points, tol %s)", n)
                             : g_dngettext (GETTEXT_PACKAGE, "Minimal ratio against loss (%u point, tol %s)",
                                            "Minimal ratio against loss (%u points, tol %s)", n),
                             n, tol);
  else
    title = g_strdup (nonzero ? _("Nonzero ratio against loss") : _("Minimal ratio against loss"));
  if (shown != NULL && set != NULL && n > 0)
    subtitle = trend_subtitle (trend);

  saddle_chart_init (&chart, cr, &palette, fs);
  chart.x_label = _("Loss");
  chart.y_label = nonzero ? _("Nonzero ratio #λ>0 / (#λ>0 + #λ<0)") : _("Minimal ratio #λ>0 / n");
  saddle_axis_init (&chart.x_axis, x_log ? SADDLE_AXIS_LOG : SADDLE_AXIS_LINEAR, 1.0);
  ratio_axis (&chart.y_axis, set, st.critical_reference, x_log, ratio, st.ratio_axis_full);

  for (guint i = 0; i < n; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      double lv, rv;

      if (!saddle_trend_point_coords (p, x_log, ratio, &lv, &rv))
        continue;
      saddle_axis_include (&chart.x_axis, lv);
      /* An unknown label is counted where it is drawn: as an uncertified point. */
      counts[(guint) p->label < SADDLE_CRITICAL_N_LABELS ? p->label : SADDLE_CRITICAL_UNCERTIFIED]++;
      drawn++;
    }
  /* The closed form's points span the landscape: the found ones are read against them. */
  for (guint i = 0; st.critical_reference != NULL && i < st.critical_reference->len; i++)
    {
      double loss = g_array_index (st.critical_reference, SaddleGroundTruthLevel, i).loss;

      if (isfinite (loss) && (!x_log || loss > 0))
        saddle_axis_include (&chart.x_axis, loss);
    }
  saddle_axis_finish (&chart.x_axis, 0.06);
  saddle_figure_apply_range (&chart.x_axis, &st.view.x);
  saddle_figure_apply_range (&chart.y_axis, &st.view.y[0]);

  legend = saddle_legend_new (0.9 * fs);
  if (st.critical_reference != NULL && st.critical_reference->len > 0)
    {
      /* TRANSLATORS: the known critical points of a model solved in closed form, "closed form (4,845)" */
      reference_label = g_strdup_printf (_("closed form (%u)"), st.critical_reference->len);
      saddle_legend_add (legend, reference_label, &palette.muted, SADDLE_MARKER_CIRCLE, TRUE,
                         FALSE);
    }
  for (guint l = 0; l < SADDLE_CRITICAL_N_LABELS; l++)
    {
      const SaddleLabelLook *look = saddle_figure_label_look ((SaddleCriticalLabel) l);
      g_autofree char *label = NULL;
      SaddleColor color;

      if (counts[l] == 0)
        continue;
      /* TRANSLATORS: a kind of critical point and how many there are, "saddle (15)" */
      label = g_strdup_printf (_("%s (%u)"), saddle_figure_label_title ((SaddleCriticalLabel) l),
                               counts[l]);
      saddle_palette_series (&palette, look->color, &color);
      saddle_legend_add (legend, label, &color, look->marker, look->filled, FALSE);
    }
  if (shown != NULL && shown->fitted)
    saddle_legend_add (legend, _("least-squares trend"), &trend_color, SADDLE_MARKER_NONE, TRUE, TRUE);
  if (st.show_pb_fit && drawn > 0 && shown != NULL)
    {
      char loss_c[32];

      /* loss_c may lie below zero: "loss + 2.2", not "loss − −2.2". */
      saddle_figure_format_number (loss_c, sizeof loss_c, "%.3g", fabs (shown->pb_loss_c));
      pb_label = shown->pb_fitted
                 ? g_strdup_printf ("Pennington–Bahri (%s %s %s)³ᐟ²", _("loss"),
                                    shown->pb_loss_c < 0 ? "+" : "−", loss_c)
                 : g_strdup_printf (_("Pennington–Bahri: no fit (%s)"),
                                    shown->pb_error == SADDLE_STATS_ERROR_TOO_FEW
                                    ? _("too few points") : _("index 0 everywhere or one loss"));
      saddle_legend_add (legend, pb_label, &law_color, SADDLE_MARKER_NONE, TRUE, shown->pb_fitted);
    }

  saddle_chart_draw_title (cr, &palette, fs, title, subtitle, &x, &y, &w, &h);
  if (st.show_trend && drawn > 0)
    saddle_chart_draw_footnote (cr, &palette, fs,
                                _("Dauphin et al. 2014: index grows with loss — expect the ratio to fall as loss rises"),
                                &x, &y, &w, &h);
  placement = saddle_chart_place_legend (cr, legend, 0.9 * fs, &x, &y, &w, &h, &lx, &ly);
  saddle_chart_layout (&chart, x + 0.25 * fs, y, w - 0.25 * fs, h - 0.5 * fs);
  saddle_chart_draw_grid (&chart);

  /* Fits under the points, so every point stays visible. */
  saddle_chart_clip (&chart, 0.0);
  if (st.critical_reference != NULL && st.critical_reference->len > 0)
    {
      const GArray *levels = st.critical_reference;
      g_autofree double *xs = g_new (double, levels->len);
      g_autofree double *ys = g_new (double, levels->len);
      gsize m = 0;

      for (guint i = 0; i < levels->len; i++)
        {
          const SaddleGroundTruthLevel *level = &g_array_index (levels, SaddleGroundTruthLevel, i);

          if (x_log && !(level->loss > 0))
            continue;
          xs[m] = level->loss;
          ys[m++] = nonzero ? level->nonzero_ratio : level->minimal_ratio;
        }
      saddle_chart_draw_points (&chart, xs, ys, m, &palette.muted, SADDLE_MARKER_CIRCLE,
                                0.45 * size, TRUE);
    }
  if (st.show_pb_fit && shown != NULL)
    draw_index_law (&chart, shown, &law_color, MAX (1.5, fs / 7.0));
  if (shown != NULL)
    draw_trend_line (&chart, shown, x_log, &trend_color, MAX (1.5, fs / 7.0));
  saddle_chart_unclip (&chart);

  /* Markers on the 0 and 1 lines stay whole: clip a marker's size outside. */
  saddle_chart_clip (&chart, saddle_figure_clip_margin (&st, 2.5 * size));
  for (guint i = 0; i < n; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      const SaddleLabelLook *look;
      SaddleColor color;
      double lv, rv;

      if ((int) i == selected || !saddle_trend_point_coords (p, x_log, ratio, &lv, &rv))
        continue;
      look = saddle_figure_label_look (p->label);
      saddle_palette_series (&palette, look->color, &color);
      saddle_chart_draw_points (&chart, &lv, &rv, 1, &color, look->marker, size, look->filled);
    }

  /* The selected point last, on top, ringed. */
  if (selected >= 0 && (guint) selected < n)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, selected);
      double lv, rv;

      if (saddle_trend_point_coords (p, x_log, ratio, &lv, &rv))
        {
          const SaddleLabelLook *look = saddle_figure_label_look (p->label);
          SaddleColor color;
          double px = saddle_chart_x_to_px (&chart, lv);
          double py = saddle_chart_y_to_px (&chart, rv);

          saddle_palette_series (&palette, look->color, &color);
          saddle_chart_draw_points (&chart, &lv, &rv, 1, &color, look->marker, size * 1.3, look->filled);
          cairo_new_path (cr);
          cairo_arc (cr, px, py, 2.4 * size, 0, 2 * G_PI);
          cairo_set_line_width (cr, MAX (1.5, fs / 6.0));
          saddle_color_set_source (&palette.foreground, cr, 1.0);
          cairo_stroke (cr);
        }
    }
  saddle_chart_unclip (&chart);
  saddle_chart_draw_axes (&chart);

  if (drawn == 0)
    saddle_chart_draw_message (&chart, SADDLE_FIGURE_NO_DATA (st));

  saddle_figure_draw_legend (&chart, legend, placement, lx, ly);
  saddle_figure_area_from_chart (&chart, area);
  if (area != NULL)
    area->ratio = ratio;

  cairo_restore (cr);
}

static double
area_unit (double   value,
           double   min,
           double   max,
           gboolean log_scale)
{
  if (log_scale)
    {
      if (!(value > 0) || !(min > 0) || !(max > 0))
        return NAN;
      value = log10 (value);
      min = log10 (min);
      max = log10 (max);
    }
  if (!(max > min) || !isfinite (value))
    return NAN;
  return (value - min) / (max - min);
}

int
saddle_figure_critical_pick (const SaddleCriticalSet *set,
                             const SaddlePlotArea    *area,
                             double                   x,
                             double                   y,
                             double                   radius)
{
  int best = -1;
  double best_d2;
  SaddleCriticalRatio ratio;

  if (set == NULL || area == NULL || !(area->width > 0) || !(area->height > 0))
    return -1;
  if (!isfinite (x) || !isfinite (y) || !(radius >= 0))
    return -1;
  ratio = (guint) area->ratio > SADDLE_CRITICAL_RATIO_NONZERO ? SADDLE_CRITICAL_RATIO_MINIMAL : area->ratio;

  best_d2 = radius * radius;
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      double lv, rv, ux, uy, px, py, d2;

      if (!saddle_trend_point_coords (p, area->x_log, ratio, &lv, &rv))
        continue;
      ux = area_unit (lv, area->x_min, area->x_max, area->x_log);
      uy = area_unit (rv, area->y_min, area->y_max, area->y_log);
      if (!isfinite (ux) || !isfinite (uy))
        continue;
      px = area->x + ux * area->width;
      py = area->y + (1.0 - uy) * area->height;
      d2 = (px - x) * (px - x) + (py - y) * (py - y);
      /* Later points are drawn on top: on a tie the later one wins. */
      if (d2 <= best_d2)
        {
          best_d2 = d2;
          best = (int) i;
        }
    }

  return best;
}

/* ---------------------------------------------------------------- spectrum */

char *
saddle_figure_spectrum_title (const SaddleCriticalPoint *point,
                              const char                *name)
{
  g_autofree char *who = NULL;

  g_return_val_if_fail (point != NULL && point->spectrum != NULL, NULL);

  /* TRANSLATORS: the point a spectrum is of, when it comes from a study */
  who = name != NULL ? g_strdup (name) : g_strdup_printf (_("Run %u"), point->run + 1);
  /* A point not certified stationary is no critical point: its spectrum is only that of the
   * place the search stopped, and the title says so. Short enough for the detail column at
   * 1280 px: the legend gives the counts, the subtitle the tolerance. */
  return g_strdup_printf (saddle_critical_label_certified (point->label)
                          /* TRANSLATORS: %s is "Run 3" or a weights file's name */
                          ? _("%s: Hessian spectrum")
                          /* TRANSLATORS: as above, for a point that is not a certified critical point */
                          : _("%s: spectrum at an uncertified point"), who);
}

/* The half-width of the near-zero band: tolerance · max |λ| (0 without a tolerance). */
static double
spectrum_band (const SaddleSpectrum *spectrum,
               double               *max_abs_out)
{
  double max_abs = 0;

  for (gsize i = 0; i < spectrum->n; i++)
    if (isfinite (spectrum->eigenvalues[i]))
      max_abs = MAX (max_abs, fabs (spectrum->eigenvalues[i]));
  if (max_abs_out != NULL)
    *max_abs_out = max_abs;
  return isfinite (spectrum->tolerance) && spectrum->tolerance > 0 ? spectrum->tolerance * max_abs : 0;
}

/* Negative, near zero or positive (0, 1, 2): the spectrum's own counting rule. */
static guint
spectrum_class (double value,
                double band)
{
  return value > band ? 2 : (value < -band ? 0 : 1);
}

void
saddle_figure_spectrum (cairo_t                   *cr,
                        double                     width,
                        double                     height,
                        const SaddleCriticalPoint *point,
                        const SaddleFigureStyle   *style)
{
  saddle_figure_spectrum_area (cr, width, height, point, style, NULL);
}

gboolean
saddle_figure_spectrum_bin_at (const SaddleCriticalPoint *point,
                               const SaddlePlotArea      *area,
                               double                     x,
                               double                    *lo,
                               double                    *hi,
                               gsize                      counts[3])
{
  const SaddleSpectrum *spectrum = point != NULL ? point->spectrum : NULL;
  SaddleAxis axis;
  double band, bin;

  if (spectrum == NULL || spectrum->eigenvalues == NULL || area == NULL
      || !(area->bin_width > 0) || !(area->width > 0) || x < area->x || x > area->x + area->width)
    return FALSE;

  saddle_plot_area_axes (area, &axis, NULL);
  bin = floor (saddle_axis_transform (&axis, saddle_axis_from_unit (&axis, (x - area->x) / area->width))
               / area->bin_width);
  if (!isfinite (bin))
    return FALSE;
  *lo = saddle_axis_untransform (&axis, bin * area->bin_width);
  *hi = saddle_axis_untransform (&axis, (bin + 1) * area->bin_width);

  band = spectrum_band (spectrum, NULL);
  counts[0] = counts[1] = counts[2] = 0;
  for (gsize i = 0; i < spectrum->n; i++)
    {
      double f = saddle_axis_transform (&axis, spectrum->eigenvalues[i]);

      if (!isnan (f) && floor (f / area->bin_width) == bin)
        counts[spectrum_class (spectrum->eigenvalues[i], band)]++;
    }
  return TRUE;
}

void
saddle_figure_spectrum_area (cairo_t                   *cr,
                             double                     width,
                             double                     height,
                             const SaddleCriticalPoint *point,
                             const SaddleFigureStyle   *style,
                             SaddlePlotArea            *area)
{
  SaddleFigureStyle st;
  SaddlePalette palette;
  g_auto(SaddleChart) chart = { 0 };
  g_autoptr(SaddleLegend) legend = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *x_label = NULL;
  g_autofree guint *counts = NULL;    /* (n_bins, 3): negative, zero, positive */
  const SaddleSpectrum *spectrum = point != NULL ? point->spectrum : NULL;
  SaddleLegendPlacement placement;
  double x = 0, y = 0, w = width, h = height, lx, ly, fs;
  double band = 0, t = 1.0, bin_width = 1.0, lo, hi;
  gsize n = 0, band_counts[3] = { 0 };
  gint64 first_bin = 0;
  guint n_bins = 0, max_count = 0, min_count = G_MAXUINT;
  gboolean y_log = FALSE;
  SaddleColor colors[3];

  if (area != NULL)
    memset (area, 0, sizeof *area);
  if (!saddle_figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;
  for (guint c = 0; c < 3; c++)
    saddle_palette_series (&palette, band_colors[c], &colors[c]);

  cairo_save (cr);

  if (spectrum != NULL && spectrum->eigenvalues != NULL)
    n = spectrum->n;

  saddle_chart_init (&chart, cr, &palette, fs);
  chart.y_label = _("Eigenvalues per bin");

  if (n > 0)
    {
      char tol[32], loss[32], grad[32], ratio[32], tv[32];
      double max_abs = 0;

      /* The symmetric-log threshold is the zero band's edge itself, so the
       * band is the stretch |x| ≤ log10 2 around the middle of the axis. */
      band = spectrum_band (spectrum, &max_abs);
      t = band > 0 ? band : (max_abs > 0 ? 1e-12 * max_abs : 1.0);

      saddle_figure_format_number (tol, sizeof tol, "%g", spectrum->tolerance);
      saddle_figure_format_number (loss, sizeof loss, "%.4g", point->loss);
      saddle_figure_format_number (grad, sizeof grad, "%.3g", point->grad_norm);
      saddle_figure_format_number (ratio, sizeof ratio, "%.3f", spectrum->minimal_ratio);
      saddle_figure_format_number (tv, sizeof tv, "%.2g", t);
      title = saddle_figure_spectrum_title (point, st.point_name);
      /* TRANSLATORS: the last %s is the kind of point (saddle, minimum, …) */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "loss %s · ‖∇L‖ %s · minimal ratio %s · tol %s · %u dead unit · %s",
                                               "loss %s · ‖∇L‖ %s · minimal ratio %s · tol %s · %u dead units · %s",
                                               point->dead_units),
                                  loss, grad, ratio, tol, point->dead_units, saddle_figure_label_title (point->label));
      x_label = saddle_figure_symlog_label (tv);

      saddle_axis_init (&chart.x_axis, SADDLE_AXIS_SYMLOG, t);
      for (gsize i = 0; i < n; i++)
        saddle_axis_include (&chart.x_axis, spectrum->eigenvalues[i]);
      /* The zero band always shows, even when every eigenvalue is positive. */
      saddle_axis_include (&chart.x_axis, -2 * t);
      saddle_axis_include (&chart.x_axis, 2 * t);
      saddle_axis_finish (&chart.x_axis, 0.03);
      saddle_figure_apply_range (&chart.x_axis, &st.view.x);

      /* Bins of equal width in the scaled space, with the band edges ±log10 2
       * falling on bin edges so no bar straddles the band; zoomed, they divide
       * the visible range, so a closer look is a finer histogram. */
      lo = saddle_axis_transform (&chart.x_axis, chart.x_axis.min);
      hi = saddle_axis_transform (&chart.x_axis, chart.x_axis.max);
      {
        double target = CLAMP (width / (0.6 * fs), 16.0, 120.0);
        double k = MAX (1.0, round (log10 (2.0) / ((hi - lo) / target)));

        bin_width = log10 (2.0) / k;
      }
      first_bin = (gint64) floor (lo / bin_width);
      n_bins = (guint) MIN ((gint64) 4096, (gint64) floor (hi / bin_width) - first_bin + 1);
      counts = g_new0 (guint, 3 * (gsize) n_bins);

      for (gsize i = 0; i < n; i++)
        {
          double v = spectrum->eigenvalues[i];
          double f = saddle_axis_transform (&chart.x_axis, v);
          gint64 b;
          guint c;

          if (isnan (f))
            continue;
          c = spectrum_class (v, band);
          band_counts[c]++;
          b = (gint64) floor (f / bin_width) - first_bin;
          /* Beyond a zoomed range a value has no bar; the fitted range holds them all. */
          if (saddle_view_range_is_set (&st.view) && (b < 0 || b >= (gint64) n_bins))
            continue;
          b = CLAMP (b, 0, (gint64) n_bins - 1);
          counts[b * 3 + c]++;
        }

      for (guint b = 0; b < n_bins; b++)
        {
          guint total = counts[b * 3] + counts[b * 3 + 1] + counts[b * 3 + 2];

          max_count = MAX (max_count, total);
          if (total > 0)
            min_count = MIN (min_count, total);
        }

      /* A bulk of near-zero eigenvalues dwarfs the rest: counts on a log axis then. */
      y_log = max_count > 0 && max_count >= 50 * (double) min_count;
      if (y_log)
        {
          saddle_axis_init (&chart.y_axis, SADDLE_AXIS_LOG, 1.0);
          saddle_axis_set_range (&chart.y_axis, 0.7, 1.5 * max_count);
        }
      else
        saddle_axis_set_range (&chart.y_axis, 0.0, 1.08 * MAX (max_count, 1));
      saddle_figure_apply_range (&chart.y_axis, &st.view.y[0]);

      legend = saddle_legend_new (0.9 * fs);
      {
        const char *names[3] = { _("negative"), _("near zero"), _("positive") };

        for (guint c = 0; c < 3; c++)
          {
            g_autofree char *label = g_strdup_printf ("%s (%" G_GSIZE_FORMAT ")", names[c], band_counts[c]);

            saddle_legend_add (legend, label, &colors[c], SADDLE_MARKER_SQUARE, TRUE, FALSE);
          }
      }
    }
  else
    {
      title = g_strdup (_("Hessian spectrum"));
      x_label = g_strdup (_("Eigenvalue λ"));
      saddle_axis_init (&chart.x_axis, SADDLE_AXIS_SYMLOG, 1.0);
      saddle_axis_set_range (&chart.x_axis, -100.0, 100.0);
      saddle_axis_set_range (&chart.y_axis, 0.0, 1.0);
      legend = saddle_legend_new (0.9 * fs);
    }
  chart.x_label = x_label;

  saddle_chart_draw_title (cr, &palette, fs, title, subtitle, &x, &y, &w, &h);
  placement = saddle_chart_place_legend (cr, legend, 0.9 * fs, &x, &y, &w, &h, &lx, &ly);
  saddle_chart_layout (&chart, x + 0.25 * fs, y, w - 0.25 * fs, h - 0.5 * fs);

  if (n > 0)
    {
      double base = y_log ? chart.y_axis.min : 0.0;
      double inset = 0.04 * bin_width;

      /* The zero band, shaded behind everything (and inside the plot, zoomed or not). */
      saddle_chart_clip (&chart, 0.0);
      saddle_chart_draw_bar (&chart, -t, t, chart.y_axis.min, chart.y_axis.max, &colors[1], 0.12);
      saddle_chart_unclip (&chart);
      saddle_chart_draw_grid (&chart);

      saddle_chart_clip (&chart, 0.0);
      for (guint b = 0; b < n_bins; b++)
        {
          double f0 = (first_bin + b) * bin_width + inset;
          double f1 = (first_bin + b + 1) * bin_width - inset;
          double v0 = saddle_axis_untransform (&chart.x_axis, f0);
          double v1 = saddle_axis_untransform (&chart.x_axis, f1);
          double bottom_value = base;
          guint cumulative = 0;

          for (guint c = 0; c < 3; c++)
            {
              guint k = counts[b * 3 + c];

              if (k == 0)
                continue;
              cumulative += k;
              saddle_chart_draw_bar (&chart, v0, v1, bottom_value, cumulative, &colors[c], 0.95);
              bottom_value = cumulative;
            }
        }
      saddle_chart_unclip (&chart);
    }
  else
    saddle_chart_draw_grid (&chart);

  saddle_chart_draw_axes (&chart);
  if (n == 0)
    saddle_chart_draw_message (&chart, SADDLE_FIGURE_NO_DATA (st));

  saddle_figure_draw_legend (&chart, legend, placement, lx, ly);
  saddle_figure_area_from_chart (&chart, area);
  if (area != NULL && n > 0)
    area->bin_width = bin_width;

  cairo_restore (cr);
}

/* ------------------------------------------------------------------- files */

static gboolean
check_size (const char *path,
            double      width,
            double      height,
            double      limit,
            GError    **error)
{
  if (!(width >= 1.0) || !(height >= 1.0) || width > limit || height > limit)
    {
      g_set_error (error, SADDLE_FIGURE_ERROR, SADDLE_FIGURE_ERROR_INVALID,
                   "Cannot write %s: a figure of %g × %g is not a drawable size (1 to %g a side)",
                   path, width, height, limit);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_status (cairo_status_t   status,
              const char      *path,
              GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;

  g_set_error (error, SADDLE_FIGURE_ERROR, SADDLE_FIGURE_ERROR_WRITE,
               "Could not write the figure to %s: %s", path, cairo_status_to_string (status));
  return FALSE;
}

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* The figure's bytes go to @path through saddle_file_write(): a full disk or an
 * interrupted export leaves the old file whole, never a truncated one. */
static gboolean
write_bytes (const char  *path,
             GByteArray  *bytes,
             GError     **error)
{
  return saddle_file_write (path, (const char *) bytes->data, bytes->len, error);
}

gboolean
saddle_figure_write_svg (const char           *path,
                         double                width,
                         double                height,
                         SaddleFigureDrawFunc  draw,
                         gpointer              user_data,
                         GError              **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);

  if (!check_size (path, width, height, 1e6, error))
    return FALSE;

  surface = cairo_svg_surface_create_for_stream (append_cb, bytes, width, height);
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return check_status (status, path, error);
    }
  /* User units as CSS pixels, so the file opens at the size it was drawn. */
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);

  cr = cairo_create (surface);
  draw (cr, width, height, user_data);
  status = cairo_status (cr);
  cairo_destroy (cr);

  /* The SVG is only complete when the surface finishes. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  return check_status (status, path, error) && write_bytes (path, bytes, error);
}

gboolean
saddle_figure_write_png (const char           *path,
                         double                width,
                         double                height,
                         SaddleFigureDrawFunc  draw,
                         gpointer              user_data,
                         GError              **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);

  if (!check_size (path, width, height, MAX_PNG_SIDE, error))
    return FALSE;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (width), (int) ceil (height));
  status = cairo_surface_status (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      return check_status (status, path, error);
    }

  cr = cairo_create (surface);
  draw (cr, width, height, user_data);
  status = cairo_status (cr);
  cairo_destroy (cr);

  cairo_surface_flush (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, append_cb, bytes);
  cairo_surface_destroy (surface);

  return check_status (status, path, error) && write_bytes (path, bytes, error);
}
