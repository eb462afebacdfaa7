/* saddle-marker.h — point marker shapes for scatter plots and legends */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "saddle-palette.h"

G_BEGIN_DECLS

typedef enum
{
  SADDLE_MARKER_NONE,
  SADDLE_MARKER_CIRCLE,
  SADDLE_MARKER_SQUARE,
  SADDLE_MARKER_TRIANGLE,
  SADDLE_MARKER_DIAMOND,
  SADDLE_MARKER_CROSS,              /* an ×: stroked even when "filled" */
} SaddleMarker;

/* Draws @marker of radius @size centred on (x, y): filled with @color (and
 * edged in @edge when not NULL, for separation from overlapping points), or
 * hollow (stroked with @color) when @filled is FALSE. */
void saddle_marker_draw (cairo_t           *cr,
                         SaddleMarker       marker,
                         double             x,
                         double             y,
                         double             size,
                         const SaddleColor *color,
                         gboolean           filled,
                         const SaddleColor *edge);

G_END_DECLS
