/* saddle-chart.h — one chart panel drawn with Cairo: axes, grid, labels, series
 *
 * A figure paints its background and title, places its legend, then for each
 * panel: saddle_chart_init, fill both axes, saddle_chart_layout into the
 * space left, saddle_chart_draw_grid, draw series (clipped to the plot
 * rectangle), saddle_chart_draw_axes. Everything is in the cairo_t's user
 * units; 1-unit strokes sit on half units so they stay crisp at scale 1.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "saddle-axis.h"
#include "saddle-legend.h"
#include "saddle-marker.h"
#include "saddle-palette.h"

G_BEGIN_DECLS

#define SADDLE_CHART_OCCUPANCY 12

typedef enum
{
  SADDLE_LEGEND_NONE,
  SADDLE_LEGEND_RIGHT,              /* beside the plot, outside it */
  SADDLE_LEGEND_TOP,                /* above the plot, under the title */
  SADDLE_LEGEND_INSIDE,             /* over the plot, in its emptiest corner */
} SaddleLegendPlacement;

typedef struct
{
  cairo_t       *cr;
  SaddlePalette  palette;
  double         font_size;
  SaddleAxis     x_axis;
  SaddleAxis     y_axis;
  const char    *x_label;             /* borrowed, may be NULL */
  const char    *y_label;             /* borrowed, may be NULL */
  const char    *y_label_short;       /* borrowed, may be NULL: shown when y_label does not fit */
  gboolean       show_x_tick_labels;  /* FALSE for the upper of stacked panels */
  double         min_left;            /* the left margin is at least this (aligns stacked panels) */
  /* after saddle_chart_layout: the plot rectangle and the margins around it */
  double         x, y, width, height;
  double         margin_left, margin_top, margin_right, margin_bottom;
  /*< private >*/
  GArray        *x_ticks;             /* SaddleTick */
  GArray        *y_ticks;
  guint          occupancy[SADDLE_CHART_OCCUPANCY][SADDLE_CHART_OCCUPANCY];
} SaddleChart;

/* Paints the whole @width × @height with the palette's background. */
void     saddle_chart_paint_background (cairo_t             *cr,
                                        const SaddlePalette *palette,
                                        double               width,
                                        double               height);
/* Draws @title (bold) and @subtitle (may be NULL; one line per "\n") centred at the top of the
 * rectangle, shrinking or ellipsising them to fit. A subtitle line too long even shrunk wraps at
 * its " · " separators first. Moves *y down and *height up by the space used. */
void     saddle_chart_draw_title       (cairo_t             *cr,
                                        const SaddlePalette *palette,
                                        double               font_size,
                                        const char          *title,
                                        const char          *subtitle,
                                        double              *x,
                                        double              *y,
                                        double              *width,
                                        double              *height);
/* Draws @text (muted, smaller, may be NULL; one line per "\n") centred at the bottom of the
 * rectangle, shrinking or ellipsising each line to fit; takes its space out of *height. */
void     saddle_chart_draw_footnote    (cairo_t             *cr,
                                        const SaddlePalette *palette,
                                        double               font_size,
                                        const char          *text,
                                        double              *x,
                                        double              *y,
                                        double              *width,
                                        double              *height);
/* Width of @text in the tick-label font of a chart of @font_size (for laying out beside a plot). */
double   saddle_chart_tick_label_width (cairo_t             *cr,
                                        double               font_size,
                                        const char          *text);
/* Chooses where @legend goes in the rectangle (beside, above, else inside the
 * plot), lays it out, and for RIGHT / TOP takes its space out of the rectangle;
 * *legend_x / *legend_y is its corner (for RIGHT, y is the rectangle's top). */
SaddleLegendPlacement
         saddle_chart_place_legend     (cairo_t             *cr,
                                        SaddleLegend        *legend,
                                        double               font_size,
                                        double              *x,
                                        double              *y,
                                        double              *width,
                                        double              *height,
                                        double              *legend_x,
                                        double              *legend_y);
/* Draws @text with its anchor at (x, y): @xalign 0 left, 0.5 centre, 1 right;
 * @yalign likewise top to bottom on the text's ink box. Returns the advance. */
double   saddle_chart_draw_text        (cairo_t             *cr,
                                        const char          *text,
                                        double               x,
                                        double               y,
                                        double               xalign,
                                        double               yalign);
/* Min/max per pixel column of a polyline already in user units (x ascending):
 * keeps each column's first, lowest, highest and last point in order, so the
 * extremes survive; a non-finite point becomes one NAN break. Returns the
 * number of points written to @out_x / @out_y (at most @n). */
gsize    saddle_chart_decimate         (const double        *px,
                                        const double        *py,
                                        gsize                n,
                                        double              *out_x,
                                        double              *out_y);

void     saddle_chart_init             (SaddleChart         *chart,
                                        cairo_t             *cr,
                                        const SaddlePalette *palette,
                                        double               font_size);
void     saddle_chart_clear            (SaddleChart         *chart);
/* Fixes the plot rectangle inside the outer rectangle from the axes' ticks and labels. */
void     saddle_chart_layout           (SaddleChart         *chart,
                                        double               x,
                                        double               y,
                                        double               width,
                                        double               height);
/* Grid lines at the ticks (under the data). */
void     saddle_chart_draw_grid        (SaddleChart         *chart);
/* Axis lines, tick marks, tick labels and axis labels (over the data). */
void     saddle_chart_draw_axes        (SaddleChart         *chart);
/* Data to user units; NAN when the axis cannot place the value. */
double   saddle_chart_x_to_px          (const SaddleChart   *chart,
                                        double               value);
double   saddle_chart_y_to_px          (const SaddleChart   *chart,
                                        double               value);
/* Both of them for @n points at once, into @px and @py (the same numbers, faster). */
void     saddle_chart_to_px            (const SaddleChart   *chart,
                                        const double        *xs,
                                        const double        *ys,
                                        gsize                n,
                                        double              *px,
                                        double              *py);
/* cairo_save + clip to the plot rectangle grown by @margin; undo with saddle_chart_unclip. */
void     saddle_chart_clip             (SaddleChart         *chart,
                                        double               margin);
void     saddle_chart_unclip           (SaddleChart         *chart);
/* A polyline through (xs[i], ys[i]), decimated to the pixel columns; gaps at
 * skipped values; an isolated point is drawn as a dot. */
void     saddle_chart_draw_line        (SaddleChart         *chart,
                                        const double        *xs,
                                        const double        *ys,
                                        gsize                n,
                                        const SaddleColor   *color,
                                        double               line_width);
/* The line over a stroke of @halo's colour @halo_width wide (≥ @line_width), as two calls of
 * saddle_chart_draw_line() would draw them; on screen in one pass. */
void     saddle_chart_draw_line_on_halo (SaddleChart         *chart,
                                         const double        *xs,
                                         const double        *ys,
                                         gsize                n,
                                         const SaddleColor   *color,
                                         double               line_width,
                                         const SaddleColor   *halo,
                                         double               halo_width);
/* A long noisy series (a loss per training step), at @alpha as one layer (where it crosses
 * itself it is no darker): as saddle_chart_draw_line(), but on screen (any target but SVG,
 * PDF and PostScript), once there is a point every two pixels, painted as pixel-column boxes
 * from each column's lowest to its highest value, which look the same and draw 5–25× faster.
 * Smooth curves keep saddle_chart_draw_line(). */
void     saddle_chart_draw_noisy_line  (SaddleChart         *chart,
                                        const double        *xs,
                                        const double        *ys,
                                        gsize                n,
                                        const SaddleColor   *color,
                                        double               line_width,
                                        double               alpha);
/* Markers at the points (skipping the ones the axes cannot place). */
void     saddle_chart_draw_points      (SaddleChart         *chart,
                                        const double        *xs,
                                        const double        *ys,
                                        gsize                n,
                                        const SaddleColor   *color,
                                        SaddleMarker         marker,
                                        double               size,
                                        gboolean             filled);
/* A filled bar between data coordinates x0..x1 and y0..y1. */
void     saddle_chart_draw_bar         (SaddleChart         *chart,
                                        double               x0,
                                        double               x1,
                                        double               y0,
                                        double               y1,
                                        const SaddleColor   *color,
                                        double               alpha);
/* A muted message centred in the plot rectangle ("No data yet"). */
void     saddle_chart_draw_message     (SaddleChart         *chart,
                                        const char          *message);
/* Records that data covers the user-space point (x, y), for legend placement. */
void     saddle_chart_mark             (SaddleChart         *chart,
                                        double               x,
                                        double               y);
/* Draws @legend (laid out by saddle_chart_place_legend) in the plot corner
 * covering the least data, framed. */
void     saddle_chart_draw_legend_inside (SaddleChart       *chart,
                                          SaddleLegend      *legend);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SaddleChart, saddle_chart_clear)

G_END_DECLS
