/* saddle-chart-view.h — the base of the chart widgets: size, theme, hover, zoom and pan,
 * drawing through Cairo
 *
 * A view whose class has get_area zooms: the scroll wheel about the pointer (Ctrl: y alone,
 * Shift: x alone), a drag pans, a double-click or Home returns to the fitted range, + and −
 * zoom about the centre. The zoom is a SaddleViewRange the view puts into the style it draws
 * with, so an export with the same range shows the same.
 */
#pragma once

#include <gtk/gtk.h>

#include "saddle-chart-zoom.h"
#include "saddle-figures.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_CHART_VIEW (saddle_chart_view_get_type ())

G_DECLARE_DERIVABLE_TYPE (SaddleChartView, saddle_chart_view, SADDLE, CHART_VIEW, GtkWidget)

struct _SaddleChartViewClass
{
  GtkWidgetClass parent_class;

  /* Draws the chart at @width × @height; @style is the theme's, the view may adjust it. */
  void (*draw)       (SaddleChartView   *self,
                      cairo_t           *cr,
                      double             width,
                      double             height,
                      SaddleFigureStyle *style);
  /* Draws what lies under the pointer at (@x, @y); NULL: the read-out alone, if the view has
   * readout_at, else the view does not follow the pointer. */
  void (*draw_hover) (SaddleChartView   *self,
                      cairo_t           *cr,
                      double             width,
                      double             height,
                      double             x,
                      double             y,
                      gboolean           dark);
  /* The text read out at (@x, @y) (g_free), or NULL; a view without draw_hover shows it in a box
   * at the pointer. */
  char *(*readout_at) (SaddleChartView   *self,
                       double             x,
                       double             y);
  /* Where panel @panel (0, or 1 for the lower of stacked panels) was last drawn, or NULL (no
   * such panel, not drawn yet); a NULL vfunc: the view does not zoom. */
  const SaddlePlotArea *(*get_area) (SaddleChartView *self,
                                     guint            panel);

  gboolean zoom_fits_y;  /* zooming x leaves y fitted to what shows (a histogram's bins);
                          * else the first zoom or pan fixes every axis it does not move */

  int   min_width;   /* the smallest size the chart asks for; set in class_init */
  int   min_height;
};

/* Sets the smallest size every view of @klass asks for (natural size 3:2 above it). */
void     saddle_chart_view_class_set_min_size (SaddleChartViewClass *klass,
                                               int                   min_width,
                                               int                   min_height);
/* What the hover read-out says at (@x, @y), or NULL (g_free); NULL when the view has none. */
char    *saddle_chart_view_readout_at         (SaddleChartView      *self,
                                               double                x,
                                               double                y);
/* Appends the hover drawing of the pointer's position, if the pointer is over the view. */
void     saddle_chart_view_snapshot_hover     (SaddleChartView      *self,
                                               GtkSnapshot          *snapshot,
                                               double                width,
                                               double                height,
                                               gboolean              dark);

/* The zoom shown: the ranges the view draws with instead of the fitted ones (unset: none). */
void     saddle_chart_view_get_view_range     (SaddleChartView      *self,
                                               SaddleViewRange      *view);
/* Back to the fitted range (what Home and a double-click do). */
void     saddle_chart_view_reset_zoom         (SaddleChartView      *self);
/* Zooms @axes by @factor (< 1 in) about (@x, @y) in the panel under it, which keeps the data
 * value under it (what the scroll wheel does); FALSE when no panel is there or the range
 * would get too narrow. */
gboolean saddle_chart_view_zoom_at            (SaddleChartView      *self,
                                               double                x,
                                               double                y,
                                               double                factor,
                                               SaddleZoomAxes        axes);
/* Zooms every panel by @factor about its centre (the + and − keys). */
gboolean saddle_chart_view_zoom_centre        (SaddleChartView      *self,
                                               double                factor);
/* For views that snapshot themselves: the chart was just drawn (its areas are current). */
void     saddle_chart_view_drawn              (SaddleChartView      *self);
/* TRUE when the last button press became a pan: its release is no click. */
gboolean saddle_chart_view_was_dragged        (SaddleChartView      *self);

G_END_DECLS
