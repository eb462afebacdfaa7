/* saddle-figures.c — the study figures, composed from axis, chart, legend and palette */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo-svg.h>

#include "saddle-chart.h"
#include "saddle-figures.h"

#define NO_DATA_MESSAGE "No data yet"

/* Cairo image surfaces are limited to 32767 pixels a side. */
#define MAX_PNG_SIDE 32767

/* More runs than any study makes; beyond it a run index is corrupt. */
#define MAX_RUNS 100000

G_DEFINE_QUARK (saddle-figure-error-quark, saddle_figure_error)

typedef struct
{
  GArray *x;      /* double */
  GArray *y1;     /* double */
  GArray *y2;     /* double */
} RunSeries;

/* How the critical figure shows each label: colour (series index) and shape. */
typedef struct
{
  guint        color;
  SaddleMarker marker;
} LabelLook;

static const LabelLook label_looks[] = {
  [SADDLE_CRITICAL_MINIMUM] = { 2, SADDLE_MARKER_CIRCLE },
  [SADDLE_CRITICAL_SADDLE] = { 3, SADDLE_MARKER_TRIANGLE },
  [SADDLE_CRITICAL_DEGENERATE] = { 4, SADDLE_MARKER_SQUARE },
  [SADDLE_CRITICAL_GRADIENT_FLAT] = { 1, SADDLE_MARKER_DIAMOND },
  [SADDLE_CRITICAL_UNCONVERGED] = { 11, SADDLE_MARKER_CROSS },
};

/* Spectrum bars: negative, near zero, positive. */
static const guint band_colors[3] = { 3, 11, 0 };

void
saddle_figure_style_init (SaddleFigureStyle *style)
{
  g_return_if_fail (style != NULL);

  style->dark = FALSE;
  style->transparent = FALSE;
  style->log_grad_norm = TRUE;
  style->font_size = 12.0;
}

/* Resolves @style (NULL = defaults), the palette, and paints the background.
 * FALSE if the canvas has no area to draw on. */
static gboolean
figure_begin (cairo_t                 *cr,
              double                   width,
              double                   height,
              const SaddleFigureStyle *style,
              SaddleFigureStyle       *resolved,
              SaddlePalette           *palette)
{
  if (style != NULL)
    *resolved = *style;
  else
    saddle_figure_style_init (resolved);

  if (!isfinite (resolved->font_size) || resolved->font_size < 4.0 || resolved->font_size > 200.0)
    resolved->font_size = 12.0;

  saddle_palette_init (palette, resolved->dark);

  if (cr == NULL || !(width >= 1.0) || !(height >= 1.0) || !isfinite (width) || !isfinite (height))
    return FALSE;
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    return FALSE;

  if (!resolved->transparent)
    saddle_chart_paint_background (cr, palette, width, height);

  return TRUE;
}

static void
area_from_chart (const SaddleChart *chart,
                 SaddlePlotArea    *area)
{
  if (area == NULL)
    return;

  area->x = chart->x;
  area->y = chart->y;
  area->width = chart->width;
  area->height = chart->height;
  area->x_min = chart->x_axis.min;
  area->x_max = chart->x_axis.max;
  area->y_min = chart->y_axis.min;
  area->y_max = chart->y_axis.max;
  area->x_log = chart->x_axis.scale == SADDLE_AXIS_LOG;
  area->y_log = chart->y_axis.scale == SADDLE_AXIS_LOG;
}

static void
format_number (char       *buf,
               gsize       size,
               const char *format,
               double      value)
{
  if (!isfinite (value))
    g_strlcpy (buf, isnan (value) ? "n/a" : (value > 0 ? "inf" : "-inf"), size);
  else
    g_ascii_formatd (buf, size, format, value);
}

/* Draws the legend where saddle_chart_place_legend put it. */
static void
draw_legend (SaddleChart           *chart,
             SaddleLegend          *legend,
             SaddleLegendPlacement  placement,
             double                 legend_x,
             double                 legend_y)
{
  switch (placement)
    {
    case SADDLE_LEGEND_RIGHT:
      /* Level with the top of the plot, not of the free space. */
      saddle_legend_draw (legend, chart->cr, legend_x, chart->y - 0.45 * chart->font_size,
                          &chart->palette, FALSE);
      break;
    case SADDLE_LEGEND_TOP:
      saddle_legend_draw (legend, chart->cr, legend_x, legend_y, &chart->palette, FALSE);
      break;
    case SADDLE_LEGEND_INSIDE:
      saddle_chart_draw_legend_inside (chart, legend);
      break;
    case SADDLE_LEGEND_NONE:
    default:
      break;
    }
}

/* Loss ranges that cover more than two decades read better on a log axis. */
static gboolean
spans_decades (const double *values,
               gsize         n,
               gsize         stride,
               double        decades)
{
  double lo = INFINITY, hi = 0;

  for (gsize i = 0; i < n; i++)
    {
      double v = values[i * stride];

      if (isfinite (v) && v > 0)
        {
          lo = MIN (lo, v);
          hi = MAX (hi, v);
        }
    }

  return hi > 0 && hi / lo > pow (10.0, decades);
}

/* ------------------------------------------------------------------ gradnorm */

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
  guint n_runs = 0;
  gsize n_points = 0;
  double x = 0, y = 0, w = width, h = height, lx, ly;
  double fs, gap, avail, h_top, v_top, v_bottom;
  gboolean loss_log;
  g_autoptr(GArray) all_loss = NULL;

  if (areas != NULL)
    memset (areas, 0, 2 * sizeof (SaddlePlotArea));
  if (!figure_begin (cr, width, height, style, &st, &palette))
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
      n_runs = (guint) MIN (highest, (guint64) MAX_RUNS);
    }
  series = g_new0 (RunSeries, MAX (n_runs, 1));
  all_loss = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; n_runs > 0 && i < history->iterations->len; i++)
    {
      const SaddleIterationRecord *r = &g_array_index (history->iterations, SaddleIterationRecord, i);
      double xv = (double) r->iteration;

      if (r->run >= n_runs)
        continue;
      if (series[r->run].x == NULL)
        {
          series[r->run].x = g_array_new (FALSE, FALSE, sizeof (double));
          series[r->run].y1 = g_array_new (FALSE, FALSE, sizeof (double));
          series[r->run].y2 = g_array_new (FALSE, FALSE, sizeof (double));
        }
      g_array_append_val (series[r->run].x, xv);
      g_array_append_val (series[r->run].y1, r->loss);
      g_array_append_val (series[r->run].y2, r->grad_norm);
      g_array_append_val (all_loss, r->loss);
      n_points++;
    }

  saddle_chart_init (&top, cr, &palette, fs);
  saddle_chart_init (&bottom, cr, &palette, fs);

  loss_log = spans_decades ((const double *) all_loss->data, all_loss->len, 1, 2.0);
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
      g_snprintf (label, sizeof label, "Run %u", r + 1);
      saddle_palette_series (&palette, r, &color);
      saddle_legend_add (legend, label, &color, SADDLE_MARKER_NONE, TRUE, TRUE);
    }
  saddle_axis_finish (&top.x_axis, 0.01);
  bottom.x_axis = top.x_axis;
  saddle_axis_finish (&top.y_axis, 0.05);
  saddle_axis_finish (&bottom.y_axis, 0.05);

  top.y_label = "Loss";
  top.show_x_tick_labels = FALSE;
  bottom.y_label = "Gradient norm ‖∇L‖";
  bottom.x_label = "Iteration";

  saddle_chart_draw_title (cr, &palette, fs, "Loss and gradient norm", NULL, &x, &y, &w, &h);
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
      /* Run 1 last, so it is on top where lines cross. */
      for (guint r = n_runs; r > 0; r--)
        {
          const RunSeries *s = &series[r - 1];
          SaddleColor color;

          if (s->x == NULL)
            continue;
          saddle_palette_series (&palette, r - 1, &color);
          saddle_chart_draw_line (chart, (const double *) s->x->data,
                                  (const double *) (pass == 0 ? s->y1 : s->y2)->data,
                                  s->x->len, &color, MAX (1.0, fs / 8.0));
        }
      saddle_chart_unclip (chart);
      saddle_chart_draw_axes (chart);

      if (n_points == 0 || saddle_axis_n_data (&chart->y_axis) == 0)
        saddle_chart_draw_message (chart, NO_DATA_MESSAGE);
    }

  draw_legend (&top, legend, placement, lx, ly);

  area_from_chart (&top, areas != NULL ? &areas[0] : NULL);
  area_from_chart (&bottom, areas != NULL ? &areas[1] : NULL);

  run_series_free (series, n_runs);
  cairo_restore (cr);
}

/* ------------------------------------------------------------ trajectories */

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
  SaddleFigureStyle st;
  SaddlePalette palette;
  g_auto(SaddleChart) chart = { 0 };
  g_autoptr(SaddleLegend) legend = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *x_label = NULL;
  g_autofree char *y_label = NULL;
  g_autoptr(GArray) xs = NULL;
  g_autoptr(GArray) ys = NULL;
  g_autofree guint *run_counts = NULL;
  SaddleLegendPlacement placement;
  const SaddlePca *pca = NULL;
  gsize n = 0;
  guint nc = 0, n_runs = 0, max_epoch = 0, runs_drawn = 0;
  gboolean regression = TRUE;
  double x = 0, y = 0, w = width, h = height, lx, ly, fs;
  SaddleColor hollow;

  if (area != NULL)
    memset (area, 0, sizeof *area);
  if (!figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;

  cairo_save (cr);

  if (trajectory != NULL)
    {
      pca = layer ? trajectory->layer_pca : trajectory->pca;
      if (pca != NULL)
        {
          /* A PCA older than the newest snapshots covers only the first ones. */
          n = MIN (pca->n_points, trajectory->info->len);
          nc = pca->n_components;
          if (nc == 0 || pca->scores == NULL)
            n = 0;
        }
      guint64 highest = 0;

      for (guint i = 0; i < n; i++)
        {
          const SaddleSnapshotInfo *s = &g_array_index (trajectory->info, SaddleSnapshotInfo, i);

          highest = MAX (highest, (guint64) s->run + 1);
          max_epoch = MAX (max_epoch, s->epoch);
          if (isfinite (s->accuracy))
            regression = FALSE;
        }
      n_runs = (guint) MIN (highest, (guint64) MAX_RUNS);
    }

  run_counts = g_new0 (guint, MAX (n_runs, 1));
  for (gsize i = 0; i < n; i++)
    {
      guint run = g_array_index (trajectory->info, SaddleSnapshotInfo, i).run;

      if (run < n_runs)
        run_counts[run]++;
    }

  if (trajectory != NULL && layer)
    title = g_strdup_printf ("Weight trajectories (layer %u weights)", trajectory->layer + 1);
  else
    title = g_strdup ("Weight trajectories (whole model)");

  if (n > 0)
    {
      char pc1[16], pc2[16];

      format_number (pc1, sizeof pc1, "%.1f", 100.0 * pca->explained_ratio[0]);
      format_number (pc2, sizeof pc2, "%.1f", nc > 1 ? 100.0 * pca->explained_ratio[1] : 0.0);
      x_label = g_strdup_printf ("PC1 (%s %% of variance)", pc1);
      y_label = g_strdup_printf ("PC2 (%s %%)", pc2);
      if (upto_epoch < max_epoch)
        subtitle = g_strdup_printf ("Up to epoch %u of %u · one PCA over %" G_GSIZE_FORMAT " snapshots",
                                    upto_epoch, max_epoch, n);
      else
        subtitle = g_strdup_printf ("%u runs, %u epochs · one PCA over %" G_GSIZE_FORMAT " snapshots",
                                    n_runs, max_epoch, n);
    }
  else
    {
      x_label = g_strdup ("PC1");
      y_label = g_strdup ("PC2");
    }

  saddle_chart_init (&chart, cr, &palette, fs);
  chart.x_label = x_label;
  chart.y_label = y_label;

  /* The axes fit every snapshot, not only those drawn so far, so an
   * animation through the epochs does not rescale at every frame. */
  for (gsize i = 0; i < n; i++)
    {
      saddle_axis_include (&chart.x_axis, pca->scores[i * nc]);
      saddle_axis_include (&chart.y_axis, nc > 1 ? pca->scores[i * nc + 1] : 0.0);
    }
  saddle_axis_finish (&chart.x_axis, 0.06);
  saddle_axis_finish (&chart.y_axis, 0.06);

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
        label = g_strdup_printf ("Run %u", r + 1);
      else if (regression)
        {
          format_number (value, sizeof value, "%.2g", final);
          label = g_strdup_printf ("Run %u — loss %s", r + 1, value);
        }
      else
        {
          format_number (value, sizeof value, "%.1f", 100.0 * final);
          label = g_strdup_printf ("Run %u — %s %%", r + 1, value);
        }
      saddle_palette_series (&palette, r, &color);
      saddle_legend_add (legend, label, &color, SADDLE_MARKER_NONE, TRUE, TRUE);
    }
  hollow = palette.muted;
  if (saddle_legend_n_entries (legend) > 0)
    {
      saddle_legend_add (legend, "start", &hollow, SADDLE_MARKER_CIRCLE, FALSE, FALSE);
      saddle_legend_add (legend, upto_epoch < max_epoch ? "current" : "end", &hollow,
                         SADDLE_MARKER_CIRCLE, TRUE, FALSE);
    }

  saddle_chart_draw_title (cr, &palette, fs, title, subtitle, &x, &y, &w, &h);
  placement = saddle_chart_place_legend (cr, legend, 0.9 * fs, &x, &y, &w, &h, &lx, &ly);
  saddle_chart_layout (&chart, x + 0.25 * fs, y, w - 0.25 * fs, h - 0.5 * fs);
  saddle_chart_draw_grid (&chart);

  xs = g_array_new (FALSE, FALSE, sizeof (double));
  ys = g_array_new (FALSE, FALSE, sizeof (double));
  saddle_chart_clip (&chart, fs);
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
          double px = pca->scores[i * nc];
          double py = nc > 1 ? pca->scores[i * nc + 1] : 0.0;

          if (s->run != run || s->epoch > upto_epoch)
            continue;
          g_array_append_val (xs, px);
          g_array_append_val (ys, py);
        }
      if (xs->len == 0)
        continue;

      runs_drawn++;
      saddle_palette_series (&palette, run, &color);
      saddle_chart_draw_line (&chart, (const double *) xs->data, (const double *) ys->data,
                              xs->len, &color, MAX (1.0, fs / 8.0));
      /* Small dots mark the snapshots, so the pace of each path shows. */
      if (xs->len > 2 && xs->len <= 400)
        saddle_chart_draw_points (&chart, (const double *) xs->data + 1, (const double *) ys->data + 1,
                                  xs->len - 2, &color, SADDLE_MARKER_CIRCLE, 0.16 * fs, TRUE);
      saddle_chart_draw_points (&chart, (const double *) xs->data, (const double *) ys->data,
                                1, &color, SADDLE_MARKER_CIRCLE, marker, FALSE);
      saddle_chart_draw_points (&chart, &g_array_index (xs, double, xs->len - 1),
                                &g_array_index (ys, double, ys->len - 1),
                                1, &color, SADDLE_MARKER_CIRCLE, marker, TRUE);
    }
  saddle_chart_unclip (&chart);
  saddle_chart_draw_axes (&chart);

  if (runs_drawn == 0)
    saddle_chart_draw_message (&chart, NO_DATA_MESSAGE);

  draw_legend (&chart, legend, placement, lx, ly);
  area_from_chart (&chart, area);

  cairo_restore (cr);
}

/* ---------------------------------------------------------------- critical */

static const LabelLook *
label_look (SaddleCriticalLabel label)
{
  if ((guint) label >= G_N_ELEMENTS (label_looks))
    label = SADDLE_CRITICAL_UNCONVERGED;
  return &label_looks[label];
}

/* The point's place in data units, FALSE if it has none. */
static gboolean
critical_coords (const SaddleCriticalPoint *point,
                 gboolean                   x_log,
                 double                    *loss,
                 double                    *ratio)
{
  if (point == NULL || point->spectrum == NULL)
    return FALSE;

  *loss = point->loss;
  *ratio = point->spectrum->minimal_ratio;
  if (!isfinite (*loss) || !isfinite (*ratio))
    return FALSE;
  if (x_log && !(*loss > 0))
    return FALSE;
  return TRUE;
}

void
saddle_figure_critical (cairo_t                  *cr,
                        double                    width,
                        double                    height,
                        const SaddleCriticalSet  *set,
                        int                       selected,
                        const SaddleFigureStyle  *style,
                        SaddlePlotArea           *area)
{
  SaddleFigureStyle st;
  SaddlePalette palette;
  g_auto(SaddleChart) chart = { 0 };
  g_autoptr(SaddleLegend) legend = NULL;
  g_autofree char *title = NULL;
  g_autofree double *losses = NULL;
  SaddleLegendPlacement placement;
  guint n = set != NULL ? set->points->len : 0;
  guint counts[G_N_ELEMENTS (label_looks)] = { 0 };
  guint drawn = 0;
  gboolean x_log;
  double x = 0, y = 0, w = width, h = height, lx, ly, fs, size;
  char tol[32];

  if (area != NULL)
    memset (area, 0, sizeof *area);
  if (!figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;
  size = 0.36 * fs;

  cairo_save (cr);

  losses = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      losses[i] = (p != NULL && p->spectrum != NULL) ? p->loss : NAN;
    }
  x_log = spans_decades (losses, n, 1, 2.0);

  format_number (tol, sizeof tol, "%g", set != NULL ? set->tolerance : NAN);
  title = set != NULL
          ? g_strdup_printf ("Minimal ratio against loss (%u point%s, tol %s)", n, n == 1 ? "" : "s", tol)
          : g_strdup ("Minimal ratio against loss");

  saddle_chart_init (&chart, cr, &palette, fs);
  chart.x_label = "Loss";
  chart.y_label = "Minimal ratio (share of λ > 0)";
  saddle_axis_init (&chart.x_axis, x_log ? SADDLE_AXIS_LOG : SADDLE_AXIS_LINEAR, 1.0);
  saddle_axis_set_range (&chart.y_axis, 0.0, 1.0);

  for (guint i = 0; i < n; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      double lv, rv;

      if (!critical_coords (p, x_log, &lv, &rv))
        continue;
      saddle_axis_include (&chart.x_axis, lv);
      counts[label_look (p->label) - label_looks]++;
      drawn++;
    }
  saddle_axis_finish (&chart.x_axis, 0.06);

  legend = saddle_legend_new (0.9 * fs);
  for (guint l = 0; l < G_N_ELEMENTS (label_looks); l++)
    {
      g_autofree char *label = NULL;
      SaddleColor color;

      if (counts[l] == 0)
        continue;
      label = g_strdup_printf ("%s (%u)", saddle_critical_label_to_string ((SaddleCriticalLabel) l),
                               counts[l]);
      saddle_palette_series (&palette, label_looks[l].color, &color);
      saddle_legend_add (legend, label, &color, label_looks[l].marker, TRUE, FALSE);
    }

  saddle_chart_draw_title (cr, &palette, fs, title, NULL, &x, &y, &w, &h);
  placement = saddle_chart_place_legend (cr, legend, 0.9 * fs, &x, &y, &w, &h, &lx, &ly);
  saddle_chart_layout (&chart, x + 0.25 * fs, y, w - 0.25 * fs, h - 0.5 * fs);
  saddle_chart_draw_grid (&chart);

  /* Markers on the 0 and 1 lines stay whole: clip a marker's size outside. */
  saddle_chart_clip (&chart, 2.5 * size);
  for (guint i = 0; i < n; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      const LabelLook *look;
      SaddleColor color;
      double lv, rv;

      if ((int) i == selected || !critical_coords (p, x_log, &lv, &rv))
        continue;
      look = label_look (p->label);
      saddle_palette_series (&palette, look->color, &color);
      saddle_chart_draw_points (&chart, &lv, &rv, 1, &color, look->marker, size, TRUE);
    }

  /* The selected point last, on top, ringed. */
  if (selected >= 0 && (guint) selected < n)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, selected);
      double lv, rv;

      if (critical_coords (p, x_log, &lv, &rv))
        {
          const LabelLook *look = label_look (p->label);
          SaddleColor color;
          double px = saddle_chart_x_to_px (&chart, lv);
          double py = saddle_chart_y_to_px (&chart, rv);

          saddle_palette_series (&palette, look->color, &color);
          saddle_chart_draw_points (&chart, &lv, &rv, 1, &color, look->marker, size * 1.3, TRUE);
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
    saddle_chart_draw_message (&chart, NO_DATA_MESSAGE);

  draw_legend (&chart, legend, placement, lx, ly);
  area_from_chart (&chart, area);

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

  if (set == NULL || area == NULL || !(area->width > 0) || !(area->height > 0))
    return -1;
  if (!isfinite (x) || !isfinite (y) || !(radius >= 0))
    return -1;

  best_d2 = radius * radius;
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      double lv, rv, ux, uy, px, py, d2;

      if (!critical_coords (p, area->x_log, &lv, &rv))
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

void
saddle_figure_spectrum (cairo_t                   *cr,
                        double                     width,
                        double                     height,
                        const SaddleCriticalPoint *point,
                        const SaddleFigureStyle   *style)
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

  if (!figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;
  for (guint c = 0; c < 3; c++)
    saddle_palette_series (&palette, band_colors[c], &colors[c]);

  cairo_save (cr);

  if (spectrum != NULL && spectrum->eigenvalues != NULL)
    n = spectrum->n;

  saddle_chart_init (&chart, cr, &palette, fs);
  chart.y_label = "Eigenvalues per bin";

  if (n > 0)
    {
      char tol[32], loss[32], grad[32], ratio[32], tv[32];
      double max_abs = 0;

      for (gsize i = 0; i < n; i++)
        if (isfinite (spectrum->eigenvalues[i]))
          max_abs = MAX (max_abs, fabs (spectrum->eigenvalues[i]));

      /* The symmetric-log threshold is the zero band's edge itself, so the
       * band is the stretch |x| ≤ log10 2 around the middle of the axis. */
      band = isfinite (spectrum->tolerance) && spectrum->tolerance > 0 ? spectrum->tolerance * max_abs : 0;
      t = band > 0 ? band : (max_abs > 0 ? 1e-12 * max_abs : 1.0);

      format_number (tol, sizeof tol, "%g", spectrum->tolerance);
      format_number (loss, sizeof loss, "%.4g", point->loss);
      format_number (grad, sizeof grad, "%.3g", point->grad_norm);
      format_number (ratio, sizeof ratio, "%.3f", spectrum->minimal_ratio);
      format_number (tv, sizeof tv, "%.2g", t);
      title = g_strdup_printf ("Run %u: %" G_GSIZE_FORMAT " positive, %" G_GSIZE_FORMAT " negative, %"
                               G_GSIZE_FORMAT " near zero (tol %s)",
                               point->run + 1, spectrum->positive, spectrum->negative, spectrum->zero, tol);
      subtitle = g_strdup_printf ("loss %s · ‖∇L‖ %s · minimal ratio %s · %u dead unit%s · %s",
                                  loss, grad, ratio, point->dead_units, point->dead_units == 1 ? "" : "s",
                                  saddle_critical_label_to_string (point->label));
      x_label = g_strdup_printf ("Eigenvalue λ (symmetric log scale, linear for |λ| ≤ %s)", tv);

      saddle_axis_init (&chart.x_axis, SADDLE_AXIS_SYMLOG, t);
      for (gsize i = 0; i < n; i++)
        saddle_axis_include (&chart.x_axis, spectrum->eigenvalues[i]);
      /* The zero band always shows, even when every eigenvalue is positive. */
      saddle_axis_include (&chart.x_axis, -2 * t);
      saddle_axis_include (&chart.x_axis, 2 * t);
      saddle_axis_finish (&chart.x_axis, 0.03);

      /* Bins of equal width in the scaled space, with the band edges ±log10 2
       * falling on bin edges so no bar straddles the band. */
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
          /* Same rule as the spectrum's own counts. */
          c = v > band ? 2 : (v < -band ? 0 : 1);
          b = CLAMP ((gint64) floor (f / bin_width) - first_bin, 0, (gint64) n_bins - 1);
          counts[b * 3 + c]++;
          band_counts[c]++;
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

      legend = saddle_legend_new (0.9 * fs);
      {
        static const char * const names[3] = { "negative", "near zero", "positive" };

        for (guint c = 0; c < 3; c++)
          {
            g_autofree char *label = g_strdup_printf ("%s (%" G_GSIZE_FORMAT ")", names[c], band_counts[c]);

            saddle_legend_add (legend, label, &colors[c], SADDLE_MARKER_SQUARE, TRUE, FALSE);
          }
      }
    }
  else
    {
      title = g_strdup ("Hessian spectrum");
      x_label = g_strdup ("Eigenvalue λ");
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

      /* The zero band, shaded behind everything. */
      saddle_chart_draw_bar (&chart, -t, t, chart.y_axis.min, chart.y_axis.max, &colors[1], 0.12);
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
    saddle_chart_draw_message (&chart, NO_DATA_MESSAGE);

  draw_legend (&chart, legend, placement, lx, ly);

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

gboolean
saddle_figure_write_svg (const char           *path,
                         double                width,
                         double                height,
                         SaddleFigureDrawFunc  draw,
                         gpointer              user_data,
                         GError              **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);

  if (!check_size (path, width, height, 1e6, error))
    return FALSE;

  surface = cairo_svg_surface_create (path, width, height);
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

  /* The SVG is only written out when the surface finishes. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  return check_status (status, path, error);
}

gboolean
saddle_figure_write_png (const char           *path,
                         double                width,
                         double                height,
                         SaddleFigureDrawFunc  draw,
                         gpointer              user_data,
                         GError              **error)
{
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
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);

  return check_status (status, path, error);
}
