/* saddle-figures-spectrum.c — one critical point's Hessian spectrum: the eigenvalue histogram and its bins */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "saddle-figures-private.h"

/* Spectrum bars: negative, near zero, positive. */
static const guint band_colors[3] = { 3, 11, 0 };

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
