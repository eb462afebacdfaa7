/* saddle-chart-view.h — the base of the chart widgets: size, theme, hover, drawing through Cairo */
#pragma once

#include <gtk/gtk.h>

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
  /* Draws what lies under the pointer at (@x, @y); NULL: the view does not follow the pointer. */
  void (*draw_hover) (SaddleChartView   *self,
                      cairo_t           *cr,
                      double             width,
                      double             height,
                      double             x,
                      double             y,
                      gboolean           dark);

  int   min_width;   /* the smallest size the chart asks for; set in class_init */
  int   min_height;
};

/* Sets the smallest size every view of @klass asks for (natural size 3:2 above it). */
void     saddle_chart_view_class_set_min_size (SaddleChartViewClass *klass,
                                               int                   min_width,
                                               int                   min_height);
/* TRUE and the pointer's position while it is over the view (and the view follows it). */
gboolean saddle_chart_view_get_pointer        (SaddleChartView      *self,
                                               double               *x,
                                               double               *y);
/* Appends the hover drawing of the pointer's position, if the pointer is over the view. */
void     saddle_chart_view_snapshot_hover     (SaddleChartView      *self,
                                               GtkSnapshot          *snapshot,
                                               double                width,
                                               double                height,
                                               gboolean              dark);

G_END_DECLS
