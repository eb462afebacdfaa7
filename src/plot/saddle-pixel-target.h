/* saddle-pixel-target.h — a cairo_t's image target opened for drawing into its pixels directly
 *
 * The chart's dense lines and boxes are cheaper to put into the pixels by hand than through
 * Cairo's general rasteriser (bench-plot), but only where the result is what Cairo would draw:
 * an ARGB32 or RGB24 image seen through a plain scale and translation, under OVER, with a solid
 * source and a clip that is one rectangle of whole pixels. saddle_pixel_target_open() checks
 * exactly that and gives the pixels, the mapping and the colour.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  cairo_surface_t *surface;
  guint8          *pixels;              /* the target's pixel (0, 0) */
  int              stride;              /* bytes a row */
  /* Device pixel = user coordinate × scale + offset, on each axis. */
  double           scale_x, offset_x, scale_y, offset_y;
  /* The clip in device pixels, within the surface: columns x0 ≤ x < x1, rows y0 ≤ y < y1. */
  int              x0, y0, x1, y1;
  /* Per coverage 0–255: the premultiplied colour it lays down, and the share of the pixel
   * beneath that stays (saddle_pixel_over()). */
  guint32          source[256];
  guint32          keep[256];
} SaddlePixelTarget;

gboolean saddle_pixel_target_open       (SaddlePixelTarget       *target,
                                         cairo_t                 *cr);
void     saddle_pixel_target_set_colour (SaddlePixelTarget       *target,
                                         double                   red,
                                         double                   green,
                                         double                   blue,
                                         double                   alpha);
gboolean saddle_pixel_target_empty      (const SaddlePixelTarget *target);
void     saddle_pixel_target_close      (SaddlePixelTarget       *target,
                                         int                      x0,
                                         int                      y0,
                                         int                      x1,
                                         int                      y1);

/* Each of the four bytes of @x times @a / 255, rounded as pixman rounds, two bytes a
 * multiply. */
static inline guint32
saddle_pixel_mul_un8x4 (guint32 x,
                        guint32 a)
{
  guint32 even = (x & 0x00ff00ffu) * a + 0x00800080u;
  guint32 odd = ((x >> 8) & 0x00ff00ffu) * a + 0x00800080u;

  even = ((even + ((even >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
  odd = (odd + ((odd >> 8) & 0x00ff00ffu)) & 0xff00ff00u;
  return odd | even;
}

/* @pixel under the target's colour at @coverage (1–255), OVER: premultiplied, the sum cannot
 * carry from one byte into the next. */
static inline guint32
saddle_pixel_over (const SaddlePixelTarget *target,
                   guint32                  pixel,
                   guint                    coverage)
{
  return target->source[coverage] + saddle_pixel_mul_un8x4 (pixel, target->keep[coverage]);
}

G_END_DECLS
