/* saddle-box-raster.h — pixel-aligned boxes filled straight into an image's pixels
 *
 * A dense line on screen is painted as one box per pixel column (saddle-chart-series.c). Cairo
 * fills such a path through its general scan converter; the boxes' pixels are known exactly, so
 * writing them is several times cheaper (bench-plot) and gives the bytes Cairo gives.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

gboolean saddle_box_raster_fill (cairo_t      *cr,
                                 const double *boxes,
                                 gsize         n);

G_END_DECLS
