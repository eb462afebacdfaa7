/* saddle-line-raster.h — round-joined polylines rasterised straight into a coverage mask
 *
 * A chart's lines are opaque, round-joined and round-capped. Such a stroke is exactly the set of
 * points within half the line width of some segment, so each pixel's coverage follows from its
 * distance to the nearest segment. On a noisy loss curve this is several times cheaper than
 * Cairo's general stroker, whose scan converter walks every sub-row that the zigzag's outline
 * crosses (bench-plot). Only for pixels: vector output keeps Cairo's paths.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

void     saddle_line_raster_polyline       (guint8       *coverage,
                                            int           width,
                                            int           height,
                                            int           stride,
                                            const double *xs,
                                            const double *ys,
                                            gsize         n,
                                            double        line_width);

gboolean saddle_line_raster_stroke         (cairo_t      *cr,
                                            const double *xs,
                                            const double *ys,
                                            gsize         n,
                                            double        line_width);

gboolean saddle_line_raster_stroke_on_halo (cairo_t      *cr,
                                            const double *xs,
                                            const double *ys,
                                            gsize         n,
                                            double        line_width,
                                            const double  halo[4],
                                            double        halo_width);

/* Whether rows may be rasterised four pixels at a time where the processor has AVX2 (the
 * default); FALSE keeps the portable loop. Both give the same bytes; tests compare them. */
void     saddle_line_raster_set_vector     (gboolean      allowed);

G_END_DECLS
