/* saddle-legend.h — a chart legend: swatch + label entries laid out in columns
 *
 * The caller measures it against the space it can spare (beside the plot,
 * above it, or inside it) and draws it where it fits; entries that do not fit
 * collapse into a last "+ N more" line instead of overflowing.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "saddle-marker.h"
#include "saddle-palette.h"

G_BEGIN_DECLS

typedef struct _SaddleLegend SaddleLegend;

/* An empty legend with text of @font_size. */
SaddleLegend *saddle_legend_new       (double             font_size);
void          saddle_legend_free      (SaddleLegend      *legend);
/* Appends an entry: a line swatch (@line), a @marker (filled or hollow), or both. */
void          saddle_legend_add       (SaddleLegend      *legend,
                                       const char        *label,
                                       const SaddleColor *color,
                                       SaddleMarker       marker,
                                       gboolean           filled,
                                       gboolean           line);
guint         saddle_legend_n_entries (const SaddleLegend *legend);
/* Lays the entries out within @max_width × @max_height, filling rows first
 * (@rows_first, for a legend above the plot) or columns first (beside it);
 * returns the size used and whether every entry is shown. */
gboolean      saddle_legend_layout    (SaddleLegend      *legend,
                                       cairo_t           *cr,
                                       double             max_width,
                                       double             max_height,
                                       gboolean           rows_first,
                                       double            *width,
                                       double            *height);
/* Draws the last layout with its top-left corner at (x, y); @framed adds a
 * translucent background and border (for a legend over the data). */
void          saddle_legend_draw      (SaddleLegend        *legend,
                                       cairo_t             *cr,
                                       double               x,
                                       double               y,
                                       const SaddlePalette *palette,
                                       gboolean             framed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleLegend, saddle_legend_free)

G_END_DECLS
