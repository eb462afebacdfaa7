/* saddle-chart-zoom.h — zoom and pan of a chart's view range, from the plot areas last drawn
 *
 * A view range (SaddleViewRange, in data units) replaces the fitted axes of a figure; these
 * functions move it from what is on screen: the areas of the last drawing say where each
 * panel lies and what range it shows. Log and symmetric-log axes zoom and pan in their scale
 * space, so a decade stays a decade. The x range is shared by every panel; y is per panel.
 */
#pragma once

#include "saddle-figures.h"

G_BEGIN_DECLS

typedef enum
{
  SADDLE_ZOOM_X    = 1 << 0,
  SADDLE_ZOOM_Y    = 1 << 1,
  SADDLE_ZOOM_BOTH = SADDLE_ZOOM_X | SADDLE_ZOOM_Y,
} SaddleZoomAxes;

/* The panel (index into @areas) whose plot rectangle holds (@x, @y), or −1. */
int      saddle_chart_zoom_panel_at (const SaddlePlotArea *areas,
                                     guint                 n_areas,
                                     double                x,
                                     double                y);
/* Scales @area's range by @factor (< 1 zooms in) about the user-space point (@x, @y), which
 * keeps its data value: the x range into @view->x, the y range into @view->y[@panel].
 * FALSE (and @view unchanged) when the result would be too narrow or not a number. */
gboolean saddle_chart_zoom_about    (SaddleViewRange      *view,
                                     const SaddlePlotArea *area,
                                     guint                 panel,
                                     double                x,
                                     double                y,
                                     double                factor,
                                     SaddleZoomAxes        axes);
/* Shifts @area's range on @axes so the data under a point moves by (@dx, @dy) user units (a
 * drag): the x range into @view->x, the y range into @view->y[@panel]. */
gboolean saddle_chart_zoom_pan      (SaddleViewRange      *view,
                                     const SaddlePlotArea *area,
                                     guint                 panel,
                                     double                dx,
                                     double                dy,
                                     SaddleZoomAxes        axes);

/* Sets every range @view leaves unset to what @areas show, so a zoom of one axis keeps the
 * others where they are, also when the data grows; @keep_y_fitted leaves y unset (a chart
 * whose y fits what its x shows). */
void     saddle_chart_zoom_freeze   (SaddleViewRange      *view,
                                     const SaddlePlotArea *areas,
                                     guint                 n_areas,
                                     gboolean              keep_y_fitted);

G_END_DECLS
