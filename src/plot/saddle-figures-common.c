/* saddle-figures-common.c — what every study figure shares: style, canvas, legend, numbers */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-figures-private.h"

void
saddle_figure_style_init (SaddleFigureStyle *style)
{
  g_return_if_fail (style != NULL);

  style->dark = FALSE;
  style->transparent = FALSE;
  style->log_grad_norm = TRUE;
  style->smooth = FALSE;
  style->font_size = 12.0;
  style->show_trend = TRUE;
  style->show_pb_fit = FALSE;
  style->critical_ratio = SADDLE_CRITICAL_RATIO_MINIMAL;
  style->critical_reference = NULL;
  style->ratio_axis_full = FALSE;
  style->empty_message = NULL;
  style->point_name = NULL;
  memset (&style->view, 0, sizeof style->view);
}

gboolean
saddle_figure_begin (cairo_t                 *cr,
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
  if ((guint) resolved->critical_ratio > SADDLE_CRITICAL_RATIO_NONZERO)
    resolved->critical_ratio = SADDLE_CRITICAL_RATIO_MINIMAL;

  saddle_palette_init (palette, resolved->dark);

  if (cr == NULL || !(width >= 1.0) || !(height >= 1.0) || !isfinite (width) || !isfinite (height))
    return FALSE;
  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    return FALSE;

  if (!resolved->transparent)
    saddle_chart_paint_background (cr, palette, width, height);

  return TRUE;
}

void
saddle_figure_area_from_chart (const SaddleChart *chart,
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
  area->x_scale = chart->x_axis.scale;
  area->y_scale = chart->y_axis.scale;
  area->x_threshold = chart->x_axis.threshold;
  area->y_threshold = chart->y_axis.threshold;
}

void
saddle_plot_area_axes (const SaddlePlotArea *area,
                       SaddleAxis           *x_axis,
                       SaddleAxis           *y_axis)
{
  g_return_if_fail (area != NULL);

  if (x_axis != NULL)
    {
      saddle_axis_init (x_axis, area->x_scale, area->x_threshold > 0 ? area->x_threshold : 1.0);
      saddle_axis_set_range (x_axis, area->x_min, area->x_max);
    }
  if (y_axis != NULL)
    {
      saddle_axis_init (y_axis, area->y_scale, area->y_threshold > 0 ? area->y_threshold : 1.0);
      saddle_axis_set_range (y_axis, area->y_min, area->y_max);
    }
}

static gboolean
range_is_set (const SaddleAxisLimits *range)
{
  return isfinite (range->min) && isfinite (range->max) && range->min < range->max;
}

void
saddle_figure_apply_range (SaddleAxis             *axis,
                           const SaddleAxisLimits *range)
{
  if (range_is_set (range))
    saddle_axis_set_range (axis, range->min, range->max);
}

gboolean
saddle_view_range_is_set (const SaddleViewRange *view)
{
  return range_is_set (&view->x) || range_is_set (&view->y[0]) || range_is_set (&view->y[1]);
}

double
saddle_figure_clip_margin (const SaddleFigureStyle *style,
                           double                   margin)
{
  return saddle_view_range_is_set (&style->view) ? 0.0 : margin;
}

char *
saddle_figure_symlog_label (const char *threshold)
{
  /* TRANSLATORS: the axis is linear within ±%s and logarithmic beyond */
  return g_strdup_printf (_("Eigenvalue λ (log beyond ±%s)"), threshold);
}

void
saddle_figure_format_number (char       *buf,
                             gsize       size,
                             const char *format,
                             double      value)
{
  char tmp[G_ASCII_DTOSTR_BUF_SIZE + 8];

  if (!isfinite (value))
    {
      g_strlcpy (buf, isnan (value) ? "n/a" : (value > 0 ? "inf" : "−inf"), size);
      return;
    }
  g_ascii_formatd (tmp, sizeof tmp, format, value);
  /* A real minus sign in text, as typeset mathematics has it (the hyphen is
   * shorter and sits lower). */
  if (tmp[0] == '-')
    g_snprintf (buf, size, "−%s", tmp + 1);
  else
    g_strlcpy (buf, tmp, size);
}

void
saddle_figure_draw_legend (SaddleChart           *chart,
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

gboolean
saddle_figure_spans_decades (const double *values,
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
