/* saddle-figures-private.h — helpers the study figures share (not installed, not public API) */
#pragma once

#include <glib/gi18n-lib.h>

#include "saddle-chart.h"
#include "saddle-figures.h"

G_BEGIN_DECLS

/* What an empty chart says: the style's message (the app's first steps), else "No data yet". */
#define SADDLE_FIGURE_NO_DATA(st) ((st).empty_message != NULL ? (st).empty_message : _("No data yet"))

/* More runs than any study makes; beyond it a run index is corrupt. */
#define SADDLE_FIGURE_MAX_RUNS 100000

/* Resolves @style (NULL = defaults) into @resolved, the palette, and paints the background;
 * FALSE if the canvas has no area to draw on. */
gboolean saddle_figure_begin           (cairo_t                 *cr,
                                        double                   width,
                                        double                   height,
                                        const SaddleFigureStyle *style,
                                        SaddleFigureStyle       *resolved,
                                        SaddlePalette           *palette);
/* Copies the chart's plot rectangle and ranges into @area (may be NULL). */
void     saddle_figure_area_from_chart (const SaddleChart       *chart,
                                        SaddlePlotArea          *area);
/* Sets @axis to @range when the range is set (zoom), after the axis was fitted. */
void     saddle_figure_apply_range     (SaddleAxis              *axis,
                                        const SaddleAxisLimits  *range);
/* @margin, or 0 when zoomed: markers at the plot's edge may stick out of an unzoomed plot,
 * but data beyond a zoomed range must not spill over the axes. */
double   saddle_figure_clip_margin     (const SaddleFigureStyle *style,
                                        double                   margin);
/* @value with the printf @format, or "n/a" / "inf" / "-inf" (locale-independent). */
void     saddle_figure_format_number   (char                    *buf,
                                        gsize                    size,
                                        const char              *format,
                                        double                   value);
/* The x label of a symmetric-log eigenvalue axis, linear within ±@threshold (newly allocated). */
char    *saddle_figure_symlog_label    (const char              *threshold);
/* Draws the legend where saddle_chart_place_legend() put it. */
void     saddle_figure_draw_legend     (SaddleChart             *chart,
                                        SaddleLegend            *legend,
                                        SaddleLegendPlacement    placement,
                                        double                   legend_x,
                                        double                   legend_y);
/* TRUE if the positive finite values (every @stride-th of @n) span more than @decades. */
gboolean saddle_figure_spans_decades   (const double            *values,
                                        gsize                    n,
                                        gsize                    stride,
                                        double                   decades);

G_END_DECLS
