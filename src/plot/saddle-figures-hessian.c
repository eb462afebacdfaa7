/* saddle-figures-hessian.c — figures of the Hessian beyond one dense spectrum: SLQ density, loss slices */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "saddle-figures-private.h"
#include "saddle-format.h"

/* Decades of density shown below the peak: a smoothed spike next to a thin
 * tail of outliers spans many, but beyond six nothing is readable. */
#define DENSITY_DECADES 6.0

static gboolean
density_usable (const SaddleDensity *density)
{
  return density != NULL && density->n_grid >= 2 && density->x != NULL && density->density != NULL;
}

/* The smoothed density at @x: the Gaussian mixture itself when the nodes are
 * there (exact at any x, so the curve is sharp where the axis stretches),
 * else the stored grid, linearly interpolated. */
static double
density_at (const SaddleDensity *density,
            double               x)
{
  gsize count = (gsize) density->probes * density->iterations;

  if (density->nodes != NULL && density->weights != NULL && count > 0 && density->sigma > 0)
    {
      double sum = 0.0;
      double s = density->sigma;

      for (gsize i = 0; i < count; i++)
        {
          double z = (x - density->nodes[i]) / s;

          if (fabs (z) < 40.0)
            sum += density->weights[i] * exp (-0.5 * z * z);
        }
      return sum / (s * sqrt (2.0 * G_PI) * density->probes);
    }

  if (!(x >= density->x[0]) || !(x <= density->x[density->n_grid - 1]))
    return 0.0;
  {
    double step = (density->x[density->n_grid - 1] - density->x[0]) / (density->n_grid - 1);
    double pos = step > 0 ? (x - density->x[0]) / step : 0.0;
    gsize g = (gsize) MIN (floor (pos), (double) (density->n_grid - 2));
    double t = pos - g;

    return (1.0 - t) * density->density[g] + t * density->density[g + 1];
  }
}

/* Quadrature weight (averaged over probes) below −@band, within ±@band and above @band. */
static gboolean
density_shares (const SaddleDensity *density,
                double               band,
                double               shares[3])
{
  gsize count = (gsize) density->probes * density->iterations;
  double total = 0;

  shares[0] = shares[1] = shares[2] = 0.0;
  if (density->nodes == NULL || density->weights == NULL || count == 0)
    return FALSE;
  for (gsize i = 0; i < count; i++)
    {
      double node = density->nodes[i];
      double w = density->weights[i];

      if (!isfinite (node) || !isfinite (w))
        continue;
      shares[node < -band ? 0 : (node > band ? 2 : 1)] += w;
      total += w;
    }
  if (!(total > 0))
    return FALSE;
  for (guint k = 0; k < 3; k++)
    shares[k] /= total;
  return TRUE;
}

void
saddle_figure_density (cairo_t                 *cr,
                       double                   width,
                       double                   height,
                       const SaddleDensity     *density,
                       const SaddleSpectrum    *dense,
                       const SaddleFigureStyle *style)
{
  SaddleFigureStyle st;
  SaddlePalette palette;
  g_auto(SaddleChart) chart = { 0 };
  g_autoptr(SaddleLegend) legend = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *footnote = NULL;
  g_autofree char *x_label = NULL;
  g_autofree double *sx = NULL;
  g_autofree double *sy = NULL;
  g_autofree double *hist = NULL;     /* (n_bins) dense eigenvalues per unit λ, over n */
  SaddleLegendPlacement placement;
  SaddleColor curve_color, hist_color, band_color;
  double x = 0, y = 0, w = width, h = height, lx, ly, fs;
  double t = 1.0, peak = 0, floor_y, lo, hi, bin_width = 1.0;
  gboolean have_density, have_dense;
  gsize n_dense = 0, n_samples = 0;
  gint64 first_bin = 0;
  guint n_bins = 0;

  if (!saddle_figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;
  saddle_palette_series (&palette, 0, &curve_color);
  saddle_palette_series (&palette, 1, &hist_color);
  band_color = palette.muted;

  cairo_save (cr);

  have_density = density_usable (density);
  if (dense != NULL && dense->eigenvalues != NULL && dense->n > 0)
    n_dense = dense->n;
  have_dense = n_dense > 0;

  saddle_chart_init (&chart, cr, &palette, fs);
  chart.y_label = _("Density ρ(λ) (log scale)");

  /* The linear stretch of the axis is the smoothing width: finer detail
   * than sigma is not in the curve anyway. */
  if (have_density && isfinite (density->sigma) && density->sigma > 0)
    t = density->sigma;
  else if (have_dense && dense->max_abs > 0 && isfinite (dense->max_abs))
    t = 1e-3 * dense->max_abs;
  saddle_axis_init (&chart.x_axis, SADDLE_AXIS_SYMLOG, t);
  if (have_density)
    {
      saddle_axis_include (&chart.x_axis, density->x[0]);
      saddle_axis_include (&chart.x_axis, density->x[density->n_grid - 1]);
    }
  for (gsize i = 0; i < n_dense; i++)
    saddle_axis_include (&chart.x_axis, dense->eigenvalues[i]);
  saddle_axis_include (&chart.x_axis, -2 * t);
  saddle_axis_include (&chart.x_axis, 2 * t);
  saddle_axis_finish (&chart.x_axis, have_density || have_dense ? 0.02 : 0.0);
  lo = saddle_axis_transform (&chart.x_axis, chart.x_axis.min);
  hi = saddle_axis_transform (&chart.x_axis, chart.x_axis.max);

  /* The curve, sampled evenly along the axis (not along λ), so the region
   * the symmetric log stretches gets as many samples as the rest. */
  if (have_density)
    {
      n_samples = (gsize) CLAMP (2.0 * width, 200.0, 2400.0);
      sx = g_new (double, n_samples);
      sy = g_new (double, n_samples);
      for (gsize k = 0; k < n_samples; k++)
        {
          sx[k] = saddle_axis_untransform (&chart.x_axis, lo + (hi - lo) * k / (n_samples - 1));
          sy[k] = density_at (density, sx[k]);
          if (isfinite (sy[k]))
            peak = MAX (peak, sy[k]);
        }
    }

  /* The exact eigenvalues as a density too: count per bin over n and over
   * the bin's width in λ, bins equal in the axis' own scale. */
  if (have_dense)
    {
      double target = CLAMP (width / (0.7 * fs), 16.0, 100.0);

      bin_width = (hi - lo) / target;
      first_bin = (gint64) floor (lo / bin_width);
      n_bins = (guint) MIN ((gint64) 4096, (gint64) floor (hi / bin_width) - first_bin + 1);
      hist = g_new0 (double, n_bins);
      for (gsize i = 0; i < n_dense; i++)
        {
          double f = saddle_axis_transform (&chart.x_axis, dense->eigenvalues[i]);
          gint64 b;

          if (isnan (f))
            continue;
          b = CLAMP ((gint64) floor (f / bin_width) - first_bin, 0, (gint64) n_bins - 1);
          hist[b] += 1.0;
        }
      for (guint b = 0; b < n_bins; b++)
        {
          double v0 = saddle_axis_untransform (&chart.x_axis, (first_bin + b) * bin_width);
          double v1 = saddle_axis_untransform (&chart.x_axis, (first_bin + b + 1) * bin_width);

          hist[b] = hist[b] > 0 && v1 > v0 ? hist[b] / ((double) n_dense * (v1 - v0)) : 0.0;
          peak = MAX (peak, hist[b]);
        }
    }

  if (peak > 0 && isfinite (peak))
    {
      floor_y = peak * pow (10.0, -DENSITY_DECADES);
      /* A lone exact eigenvalue far out must still show as a bar. */
      for (guint b = 0; b < n_bins; b++)
        if (hist[b] > 0)
          floor_y = MIN (floor_y, 0.5 * hist[b]);
      floor_y = MAX (floor_y, peak * 1e-12);
      saddle_axis_init (&chart.y_axis, SADDLE_AXIS_LOG, 1.0);
      saddle_axis_set_range (&chart.y_axis, floor_y, 2.0 * peak);
    }
  else
    {
      floor_y = 1e-6;
      saddle_axis_init (&chart.y_axis, SADDLE_AXIS_LOG, 1.0);
      saddle_axis_set_range (&chart.y_axis, 1e-6, 1.0);
    }

  {
    char tv[32];

    saddle_figure_format_number (tv, sizeof tv, "%.2g", t);
    x_label = saddle_figure_symlog_label (tv);
    chart.x_label = x_label;
  }

  legend = saddle_legend_new (0.9 * fs);
  if (have_density)
    {
      g_autofree char *n_text = saddle_format_count (density->dimension);
      char sigma[32], shares_text[3][32];
      double shares[3];

      saddle_figure_format_number (sigma, sizeof sigma, "%.2g", density->sigma);
      if (density_shares (density, density->sigma, shares))
        {
          for (guint k = 0; k < 3; k++)
            saddle_figure_format_number (shares_text[k], sizeof shares_text[k], "%.1f", 100.0 * shares[k]);
          /* TRANSLATORS: the SLQ density's settings and the share of its weight in per cent */
          subtitle = g_strdup_printf (_("%u probes × %u Lanczos steps · n = %s · σ = %s · weight %s %% below −σ, "
                                        "%s %% within ±σ, %s %% above σ"),
                                      density->probes, density->iterations, n_text, sigma,
                                      shares_text[0], shares_text[1], shares_text[2]);
        }
      else
        subtitle = g_strdup_printf (_("%u probes × %u Lanczos steps · n = %s · σ = %s"),
                                    density->probes, density->iterations, n_text, sigma);
      saddle_legend_add (legend, _("SLQ density (Gaussian-smoothed)"), &curve_color, SADDLE_MARKER_NONE, TRUE, TRUE);
    }
  if (have_dense)
    {
      g_autofree char *n_text = saddle_format_count (n_dense);
      g_autofree char *label = NULL;
      char tol[32];

      saddle_figure_format_number (tol, sizeof tol, "%g", dense->tolerance);
      label = g_strdup_printf (_("exact spectrum, %s eigenvalues"), n_text);
      saddle_legend_add (legend, label, &hist_color, SADDLE_MARKER_SQUARE, TRUE, FALSE);
      footnote = g_strdup_printf (_("Exact spectrum: %lu negative, %lu near zero (|λ| ≤ %s·max|λ|), "
                                    "%lu positive"),
                                  (unsigned long) dense->negative, (unsigned long) dense->zero, tol,
                                  (unsigned long) dense->positive);
    }

  saddle_chart_draw_title (cr, &palette, fs, _("Hessian eigenvalue density (stochastic Lanczos quadrature)"),
                           subtitle, &x, &y, &w, &h);
  saddle_chart_draw_footnote (cr, &palette, fs, footnote, &x, &y, &w, &h);
  placement = saddle_chart_place_legend (cr, legend, 0.9 * fs, &x, &y, &w, &h, &lx, &ly);
  saddle_chart_layout (&chart, x + 0.25 * fs, y, w - 0.25 * fs, h - 0.5 * fs);

  /* The stretch the axis keeps linear, shaded like the spectrum's zero band. */
  saddle_chart_draw_bar (&chart, -t, t, chart.y_axis.min, chart.y_axis.max, &band_color, 0.10);
  saddle_chart_draw_grid (&chart);

  saddle_chart_clip (&chart, 0.0);
  for (guint b = 0; b < n_bins; b++)
    {
      double inset = 0.04 * bin_width;
      double v0 = saddle_axis_untransform (&chart.x_axis, (first_bin + b) * bin_width + inset);
      double v1 = saddle_axis_untransform (&chart.x_axis, (first_bin + b + 1) * bin_width - inset);

      if (hist[b] > 0)
        saddle_chart_draw_bar (&chart, v0, v1, chart.y_axis.min, hist[b], &hist_color, 0.55);
    }
  if (n_samples > 0)
    {
      g_autofree double *line_y = g_new (double, n_samples);

      /* Filled down to the floor, the line itself only where it is above it. */
      cairo_new_path (cr);
      cairo_move_to (cr, saddle_chart_x_to_px (&chart, sx[0]), chart.y + chart.height);
      for (gsize k = 0; k < n_samples; k++)
        {
          double v = isfinite (sy[k]) ? MAX (sy[k], chart.y_axis.min) : chart.y_axis.min;

          cairo_line_to (cr, saddle_chart_x_to_px (&chart, sx[k]), saddle_chart_y_to_px (&chart, v));
          line_y[k] = sy[k] > chart.y_axis.min ? sy[k] : NAN;
        }
      cairo_line_to (cr, saddle_chart_x_to_px (&chart, sx[n_samples - 1]), chart.y + chart.height);
      cairo_close_path (cr);
      saddle_color_set_source (&curve_color, cr, 0.18);
      cairo_fill (cr);
      saddle_chart_draw_line (&chart, sx, line_y, n_samples, &curve_color, MAX (1.5, fs / 7.0));
    }
  saddle_chart_unclip (&chart);
  saddle_chart_draw_axes (&chart);

  if (!have_density && !have_dense)
    saddle_chart_draw_message (&chart, SADDLE_FIGURE_NO_DATA (st));

  saddle_figure_draw_legend (&chart, legend, placement, lx, ly);

  cairo_restore (cr);
}

/* ------------------------------------------------------------------- slice */


/* The second-order model s·α + ½·λ·α² of a slice's loss change, sampled densely. */
static void
draw_quadratic (SaddleChart       *chart,
                double             slope,
                double             lambda,
                double             range,
                const SaddleColor *color,
                double             line_width)
{
  enum { N_SAMPLES = 161 };
  double xs[N_SAMPLES], ys[N_SAMPLES];
  double dashes[2] = { 2.5 * line_width, 2.0 * line_width };

  if (!isfinite (slope) || !isfinite (lambda) || !(range > 0) || !isfinite (range))
    return;
  for (guint k = 0; k < N_SAMPLES; k++)
    {
      double a = -range + 2.0 * range * k / (N_SAMPLES - 1);

      xs[k] = a;
      ys[k] = slope * a + 0.5 * lambda * a * a;
    }
  cairo_save (chart->cr);
  cairo_set_dash (chart->cr, dashes, 2, 0);
  saddle_chart_draw_line (chart, xs, ys, N_SAMPLES, color, line_width);
  cairo_restore (chart->cr);
}

/* One direction's panel of the slice: the loss change along it on its own linear scale (or the
 * zoomed range @view, of panel @panel), its second-order model dashed and shaded over |α| ≤
 * @radius, where it holds, the point θ at the origin. */
static void
draw_slice_panel (SaddleChart             *chart_out,
                  cairo_t                 *cr,
                  const SaddlePalette     *palette,
                  const SaddleFigureStyle *st,
                  guint                    panel,
                  double               fs,
                  double               x,
                  double               y,
                  double               w,
                  double               h,
                  const SaddleSlice   *slice,
                  const double        *delta,
                  double               slope,
                  double               lambda,
                  double               radius,
                  const SaddleColor   *color,
                  const char          *y_label,
                  const char          *x_label)
{
  SaddleChart chart;
  double line_width = MAX (1.5, fs / 6.0);
  double zero = 0.0, zero_x, zero_y;
  gsize n = slice->n_points;

  saddle_chart_init (&chart, cr, palette, fs);
  chart.x_label = x_label;
  chart.y_label = y_label;
  /* A short panel: the colour says which direction. */
  chart.y_label_short = "ΔL";
  saddle_axis_init (&chart.y_axis, SADDLE_AXIS_LINEAR, 1.0);
  for (gsize i = 0; i < n; i++)
    {
      saddle_axis_include (&chart.x_axis, slice->alphas[i]);
      saddle_axis_include (&chart.y_axis, delta[i]);
    }
  saddle_axis_include (&chart.y_axis, 0.0);
  saddle_axis_finish (&chart.x_axis, 0.0);
  saddle_axis_finish (&chart.y_axis, 0.08);
  saddle_figure_apply_range (&chart.x_axis, &st->view.x);
  saddle_figure_apply_range (&chart.y_axis, &st->view.y[panel]);
  saddle_chart_layout (&chart, x, y, w, h);
  saddle_chart_draw_grid (&chart);

  zero_x = saddle_chart_x_to_px (&chart, 0.0);
  zero_y = saddle_chart_y_to_px (&chart, 0.0);
  saddle_chart_clip (&chart, 0.0);
  if (radius > 0.0)
    {
      double left = saddle_chart_x_to_px (&chart, -radius);
      double right = saddle_chart_x_to_px (&chart, radius);

      cairo_save (cr);
      saddle_color_set_source (color, cr, 0.12);
      cairo_rectangle (cr, left, chart.y, right - left, chart.height);
      cairo_fill (cr);
      cairo_restore (cr);
    }
  /* The cross through θ: α = 0 and no change. */
  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  saddle_color_set_source (&palette->axis, cr, 0.6);
  if (isfinite (zero_x))
    {
      cairo_move_to (cr, floor (zero_x) + 0.5, chart.y);
      cairo_line_to (cr, floor (zero_x) + 0.5, chart.y + chart.height);
    }
  if (isfinite (zero_y))
    {
      cairo_move_to (cr, chart.x, floor (zero_y) + 0.5);
      cairo_line_to (cr, chart.x + chart.width, floor (zero_y) + 0.5);
    }
  cairo_stroke (cr);
  cairo_restore (cr);
  draw_quadratic (&chart, slope, lambda, slice->range, color, MAX (1.0, 0.6 * line_width));
  saddle_chart_draw_line (&chart, slice->alphas, delta, n, color, line_width);
  saddle_chart_unclip (&chart);
  saddle_chart_clip (&chart, saddle_figure_clip_margin (st, fs));
  saddle_chart_draw_points (&chart, &zero, &zero, 1, &palette->foreground, SADDLE_MARKER_CIRCLE,
                            0.38 * fs, TRUE);
  saddle_chart_unclip (&chart);
  saddle_chart_draw_axes (&chart);
  *chart_out = chart;
}

void
saddle_figure_slice (cairo_t                 *cr,
                     double                   width,
                     double                   height,
                     const SaddleSlice       *slice,
                     const SaddleFigureStyle *style)
{
  saddle_figure_slice_areas (cr, width, height, slice, style, NULL);
}

void
saddle_figure_slice_areas (cairo_t                 *cr,
                           double                   width,
                           double                   height,
                           const SaddleSlice       *slice,
                           const SaddleFigureStyle *style,
                           SaddlePlotArea           areas[2])
{
  SaddleFigureStyle st;
  SaddlePalette palette;
  g_autoptr(SaddleLegend) legend = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *bottom_label = NULL;
  g_autofree char *top_label = NULL;
  g_autofree double *delta_bottom = NULL;
  g_autofree double *delta_top = NULL;
  g_auto(SaddleChart) chart = { 0 };        /* the upper panel's (or the empty one's) */
  g_auto(SaddleChart) lower = { 0 };
  SaddleLegendPlacement placement;
  SaddleColor bottom_color, top_color;
  double x = 0, y = 0, w = width, h = height, lx, ly, fs, gap;
  gsize n = 0;

  if (areas != NULL)
    memset (areas, 0, 2 * sizeof (SaddlePlotArea));
  if (!saddle_figure_begin (cr, width, height, style, &st, &palette))
    return;
  fs = st.font_size;
  /* The saddle's descent direction in the saddle label's red, the steepest
   * ascent in blue. */
  saddle_palette_series (&palette, 3, &bottom_color);
  saddle_palette_series (&palette, 0, &top_color);

  cairo_save (cr);

  if (slice != NULL && slice->alphas != NULL && slice->loss_bottom != NULL && slice->loss_top != NULL
      && isfinite (slice->loss))
    n = slice->n_points;

  /* Each direction gets its own panel and scale: a bend of 1e-4 along a flat or negatively
   * curved direction next to a rise of 10 along the steepest one would be a flat line on a
   * shared axis. */
  if (n > 0)
    {
      delta_bottom = g_new (double, n);
      delta_top = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        {
          delta_bottom[i] = slice->loss_bottom[i] - slice->loss;
          delta_top[i] = slice->loss_top[i] - slice->loss;
        }
    }

  legend = saddle_legend_new (0.9 * fs);
  if (n > 0)
    {
      char lb[32], lt[32], loss[32], rb[32], rt[32];

      saddle_figure_format_number (lb, sizeof lb, "%.3g", slice->lambda_bottom);
      saddle_figure_format_number (lt, sizeof lt, "%.3g", slice->lambda_top);
      saddle_figure_format_number (loss, sizeof loss, "%.6g", slice->loss);
      saddle_figure_format_number (rb, sizeof rb, "%.2g", slice->model_radius_bottom);
      saddle_figure_format_number (rt, sizeof rt, "%.2g", slice->model_radius_top);
      bottom_label = g_strdup_printf (_("bottom eigenvector, λ = %s"), lb);
      top_label = g_strdup_printf (_("top eigenvector, λ = %s"), lt);
      saddle_legend_add (legend, bottom_label, &bottom_color, SADDLE_MARKER_NONE, TRUE, TRUE);
      saddle_legend_add (legend, top_label, &top_color, SADDLE_MARKER_NONE, TRUE, TRUE);
      saddle_legend_add (legend, _("the point θ"), &palette.foreground, SADDLE_MARKER_CIRCLE, TRUE, FALSE);
      /* A negative λ is curvature at θ only: quartic terms can turn the line up within a tiny
       * step, so the subtitle says how far the quadratic picture holds, not what λ's sign
       * promises. TRANSLATORS: "L(θ) = 0.0012 · second-order model holds to |α| = 0.003 (bottom
       * v), 0.4 (top v) · eigenpairs <how>" */
      subtitle = g_strdup_printf (_("L(θ) = %s · second-order model holds to |α| = %s (bottom v), "
                                    "%s (top v) · eigenpairs %s%s"),
                                  loss, rb, rt,
                                  slice->method == SADDLE_SLICE_LANCZOS ? _("by Lanczos") : _("from the dense Hessian"),
                                  slice->converged ? "" : _(" (not converged)"));
    }

  saddle_chart_draw_title (cr, &palette, fs, _("Loss along the extreme Hessian eigenvectors"), subtitle,
                           &x, &y, &w, &h);
  if (n > 0)
    {
      g_autofree char *footnote =
        /* Two short lines: the slice's panel is narrow at 1280×720. */
        g_strdup_printf (_("Dashed: each line’s second-order model α·∇L·v + ½·λ·α²\n"
                           "Shaded: model within %.0f %%; each panel has its own scale"),
                         100.0 * SADDLE_SLICE_MODEL_TOLERANCE);

      saddle_chart_draw_footnote (cr, &palette, fs, footnote, &x, &y, &w, &h);
    }
  placement = saddle_chart_place_legend (cr, legend, 0.9 * fs, &x, &y, &w, &h, &lx, &ly);

  if (n > 0)
    {
      gap = 0.6 * fs;
      draw_slice_panel (&chart, cr, &palette, &st, 0, fs, x + 0.25 * fs, y, w - 0.25 * fs,
                        (h - gap) / 2 - 0.25 * fs,
                        slice, delta_bottom, slice->slope_bottom, slice->lambda_bottom,
                        slice->model_radius_bottom, &bottom_color, _("ΔL along the bottom v"), NULL);
      draw_slice_panel (&lower, cr, &palette, &st, 1, fs, x + 0.25 * fs, y + (h + gap) / 2, w - 0.25 * fs,
                        (h - gap) / 2 - 0.5 * fs, slice, delta_top, slice->slope_top,
                        slice->lambda_top, slice->model_radius_top, &top_color, _("ΔL along the top v"),
                        _("Step α along the unit eigenvector v"));
      if (areas != NULL)
        {
          saddle_figure_area_from_chart (&chart, &areas[0]);
          saddle_figure_area_from_chart (&lower, &areas[1]);
        }
    }
  else
    {
      saddle_chart_init (&chart, cr, &palette, fs);
      chart.x_label = _("Step α along the unit eigenvector v");
      chart.y_label = _("Loss change L(θ + α·v) − L(θ)");
      saddle_axis_finish (&chart.x_axis, 0.0);
      saddle_axis_finish (&chart.y_axis, 0.0);
      saddle_chart_layout (&chart, x + 0.25 * fs, y, w - 0.25 * fs, h - 0.5 * fs);
      saddle_chart_draw_grid (&chart);
      saddle_chart_draw_axes (&chart);
      saddle_chart_draw_message (&chart, SADDLE_FIGURE_NO_DATA (st));
    }

  saddle_figure_draw_legend (&chart, legend, placement, lx, ly);

  cairo_restore (cr);
}
