/* saddle-figures-critical.c — the critical-point study: minimal ratio against loss by label, its trend, and picking */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "saddle-figures-private.h"
#include "saddle-ground-truth.h"

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
