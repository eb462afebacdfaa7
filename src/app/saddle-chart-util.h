/* saddle-chart-util.h — helpers the chart widgets share: theme style, pointer mapping, measure, read-out */
#pragma once

#include <gtk/gtk.h>

#include "saddle-figures.h"
#include "saddle-format.h"

G_BEGIN_DECLS

/* The figure style for drawing inside @widget: transparent, dark when its text colour is light. */
void     saddle_chart_style_for_widget (GtkWidget               *widget,
                                        SaddleFigureStyle       *style);
/* TRUE when the widget's theme has light text on a dark background. */
gboolean saddle_chart_is_dark          (GtkWidget               *widget);
/* TRUE if (@x, @y) lies inside @area's plot rectangle. */
gboolean saddle_plot_area_contains     (const SaddlePlotArea    *area,
                                        double                   x,
                                        double                   y);
/* Maps a position in @area's user space to data units (log and symmetric-log axes honoured). */
void     saddle_plot_area_to_data      (const SaddlePlotArea    *area,
                                        double                   x,
                                        double                   y,
                                        double                  *data_x,
                                        double                  *data_y);
/* Maps data units to a position in @area's user space (log and symmetric-log axes honoured). */
void     saddle_plot_area_from_data    (const SaddlePlotArea    *area,
                                        double                   data_x,
                                        double                   data_y,
                                        double                  *x,
                                        double                  *y);
/* The measure vfunc of every chart: at least @min_width × @min_height, natural 3:2. */
void     saddle_chart_measure          (GtkOrientation           orientation,
                                        int                      for_size,
                                        int                      min_width,
                                        int                      min_height,
                                        int                     *minimum,
                                        int                     *natural);
/* The hover marks: a faint vertical guide at @x from @top to @bottom, and a ring around the
 * value at (@x, @y). */
void     saddle_chart_draw_hover_guide (cairo_t                 *cr,
                                        double                   x,
                                        double                   top,
                                        double                   bottom,
                                        gboolean                 dark);
void     saddle_chart_draw_hover_ring  (cairo_t                 *cr,
                                        double                   x,
                                        double                   y,
                                        gboolean                 dark);
/* A critical point's label as the charts and the read-outs name it, translated. */
const char *saddle_chart_label_name    (SaddleCriticalLabel      label);
/* Draws @text (lines split at "\n") in a rounded box near (@x, @y), kept inside @width × @height. */
void     saddle_chart_draw_readout     (cairo_t                 *cr,
                                        double                   width,
                                        double                   height,
                                        double                   x,
                                        double                   y,
                                        const char              *text,
                                        gboolean                 dark);


G_END_DECLS
