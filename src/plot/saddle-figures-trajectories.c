/* saddle-figures-trajectories.c — the trajectories study: the runs' paths on the PCA plane over the loss surface, and picking */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "saddle-colormap.h"
#include "saddle-contour.h"
#include "saddle-figures-private.h"
#include "saddle-stats.h"

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
                     gboolean                layer_only,
                     const SaddlePca       **pca_out)
{
  const SaddlePca *pca;

  *pca_out = NULL;
  if (trajectory == NULL || trajectory->info == NULL)
    return 0;
  pca = layer_only ? trajectory->layer_pca : trajectory->pca;
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
                            gboolean                 layer_only,
                            guint                    upto_epoch,
                            const SaddleFigureStyle *style,
                            SaddlePlotArea          *area)
{
  saddle_figure_trajectories_with_surface (cr, width, height, trajectory, NULL, layer_only,
                                           upto_epoch, style, area);
}

void
saddle_figure_trajectories_with_surface (cairo_t                 *cr,
                                         double                   width,
                                         double                   height,
                                         const SaddleTrajectory  *trajectory,
                                         const SaddleSurface     *surface,
                                         gboolean                 layer_only,
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

  n = projected_snapshots (trajectory, layer_only, &pca);
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
  show_surface = !layer_only && surface_bands_init (&bands, surface, &palette);

  if (trajectory != NULL && layer_only)
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
                                 gboolean                layer_only,
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

  n = projected_snapshots (trajectory, layer_only, &pca);
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
