/* saddle-chart-zoom.c — zoom and pan of a chart's view range */
#define G_LOG_DOMAIN "saddle-chart-zoom"

#include "config.h"

#include <float.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-chart-zoom.h"

/* Narrower than this share of the values' magnitude, a range has no distinct tick labels left. */
#define MIN_RELATIVE_SPAN 1e-10

/* The range of @axis scaled by @factor about the position @unit (0..1 along it), then shifted
 * by @shift spans, all in the axis's scale space; FALSE when the result is unusable. */
static gboolean
move_axis (const SaddleAxis *axis,
           double            unit,
           double            factor,
           double            shift,
           SaddleAxisLimits *out)
{
  double t0 = saddle_axis_transform (axis, axis->min);
  double t1 = saddle_axis_transform (axis, axis->max);
  double span = t1 - t0;
  double pivot = t0 + unit * span;
  double n0 = pivot - (pivot - t0) * factor - shift * span;
  double n1 = pivot + (t1 - pivot) * factor - shift * span;
  double min, max;

  if (!isfinite (n0) || !isfinite (n1)
      || n1 - n0 <= MIN_RELATIVE_SPAN * MAX (fabs (n0), fabs (n1)) || n1 - n0 < DBL_MIN)
    return FALSE;
  min = saddle_axis_untransform (axis, n0);
  max = saddle_axis_untransform (axis, n1);
  if (!isfinite (min) || !isfinite (max) || !(max > min))
    return FALSE;
  out->min = min;
  out->max = max;
  return TRUE;
}

/* Moves the axes @axes of @area into @view (x shared, y of @panel), all or nothing. */
static gboolean
move_area (SaddleViewRange      *view,
           const SaddlePlotArea *area,
           guint                 panel,
           double                unit_x,
           double                unit_y,
           double                factor,
           double                shift_x,
           double                shift_y,
           SaddleZoomAxes        axes)
{
  SaddleAxis x_axis, y_axis;
  SaddleAxisLimits x = view->x, y;

  g_return_val_if_fail (panel < G_N_ELEMENTS (view->y), FALSE);

  if (area == NULL || !(area->width > 0) || !(area->height > 0))
    return FALSE;
  saddle_plot_area_axes (area, &x_axis, &y_axis);
  y = view->y[panel];
  if ((axes & SADDLE_ZOOM_X) && !move_axis (&x_axis, unit_x, factor, shift_x, &x))
    return FALSE;
  if ((axes & SADDLE_ZOOM_Y) && !move_axis (&y_axis, unit_y, factor, shift_y, &y))
    return FALSE;
  view->x = x;
  view->y[panel] = y;
  return TRUE;
}

int
saddle_chart_zoom_panel_at (const SaddlePlotArea *areas,
                            guint                 n_areas,
                            double                x,
                            double                y)
{
  for (guint i = 0; areas != NULL && i < n_areas; i++)
    if (saddle_plot_area_contains (&areas[i], x, y))
      return (int) i;
  return -1;
}

gboolean
saddle_chart_zoom_about (SaddleViewRange      *view,
                         const SaddlePlotArea *area,
                         guint                 panel,
                         double                x,
                         double                y,
                         double                factor,
                         SaddleZoomAxes        axes)
{
  g_return_val_if_fail (view != NULL, FALSE);

  if (!(factor > 0) || !isfinite (factor) || area == NULL)
    return FALSE;
  return move_area (view, area, panel,
                    (x - area->x) / area->width,
                    (area->y + area->height - y) / area->height,
                    factor, 0.0, 0.0, axes);
}

gboolean
saddle_chart_zoom_pan (SaddleViewRange      *view,
                       const SaddlePlotArea *area,
                       guint                 panel,
                       double                dx,
                       double                dy,
                       SaddleZoomAxes        axes)
{
  g_return_val_if_fail (view != NULL, FALSE);

  if (area == NULL)
    return FALSE;
  /* Dragging right brings lower x into view; dragging down (y grows downwards) higher y. */
  return move_area (view, area, panel, 0.0, 0.0, 1.0,
                    dx / area->width, -dy / area->height, axes);
}

static void
freeze_axis (SaddleAxisLimits *limits,
             double            min,
             double            max)
{
  if (!(isfinite (limits->min) && isfinite (limits->max) && limits->min < limits->max)
      && isfinite (min) && isfinite (max) && min < max)
    {
      limits->min = min;
      limits->max = max;
    }
}

void
saddle_chart_zoom_freeze (SaddleViewRange      *view,
                          const SaddlePlotArea *areas,
                          guint                 n_areas,
                          gboolean              keep_y_fitted)
{
  g_return_if_fail (view != NULL);

  for (guint i = 0; areas != NULL && i < MIN (n_areas, G_N_ELEMENTS (view->y)); i++)
    {
      if (!(areas[i].width > 0) || !(areas[i].height > 0))
        continue;
      freeze_axis (&view->x, areas[i].x_min, areas[i].x_max);
      if (!keep_y_fitted)
        freeze_axis (&view->y[i], areas[i].y_min, areas[i].y_max);
    }
}
