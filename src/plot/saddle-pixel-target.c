/* saddle-pixel-target.c — a cairo_t's image target opened for drawing into its pixels directly */
#include "config.h"

#include <math.h>

#include "saddle-pixel-target.h"

/* a × b / 255, rounded, for bytes. */
static guint32
mul_un8 (guint32 a,
         guint32 b)
{
  guint32 t = a * b + 128;

  return (t + (t >> 8)) >> 8;
}

/* Fills @target from @cr, or FALSE when @cr must draw with Cairo: vector output, an operator
 * other than OVER, a dash, a rotation or skew, unequal scales on the two axes, a gradient or
 * image source, a clip that is not one rectangle of whole pixels. */
gboolean
saddle_pixel_target_open (SaddlePixelTarget *target,
                          cairo_t           *cr)
{
  cairo_surface_t *surface = cairo_get_group_target (cr);
  cairo_rectangle_list_t *clip;
  cairo_format_t format;
  cairo_matrix_t m;
  double red, green, blue, alpha, sx, sy, ox, oy, ax, ay, bx, by;

  if (cairo_surface_get_type (surface) != CAIRO_SURFACE_TYPE_IMAGE
      || cairo_get_dash_count (cr) > 0 || cairo_get_operator (cr) != CAIRO_OPERATOR_OVER
      || cairo_pattern_get_rgba (cairo_get_source (cr), &red, &green, &blue, &alpha)
         != CAIRO_STATUS_SUCCESS)
    return FALSE;
  format = cairo_image_surface_get_format (surface);
  if (format != CAIRO_FORMAT_ARGB32 && format != CAIRO_FORMAT_RGB24)
    return FALSE;
  cairo_get_matrix (cr, &m);
  cairo_surface_get_device_scale (surface, &sx, &sy);
  cairo_surface_get_device_offset (surface, &ox, &oy);
  if (m.xy != 0 || m.yx != 0 || m.xx == 0 || fabs (m.xx) * sx != fabs (m.yy) * sy)
    return FALSE;

  clip = cairo_copy_clip_rectangle_list (cr);
  if (clip->status != CAIRO_STATUS_SUCCESS || clip->num_rectangles > 1)
    {
      cairo_rectangle_list_destroy (clip);
      return FALSE;
    }

  target->surface = surface;
  target->scale_x = m.xx * sx;
  target->offset_x = m.x0 * sx + ox;
  target->scale_y = m.yy * sy;
  target->offset_y = m.y0 * sy + oy;
  if (clip->num_rectangles == 0)
    target->x0 = target->y0 = target->x1 = target->y1 = 0;   /* all clipped away */
  else
    {
      const cairo_rectangle_t *rect = &clip->rectangles[0];

      ax = rect->x * target->scale_x + target->offset_x;
      bx = (rect->x + rect->width) * target->scale_x + target->offset_x;
      ay = rect->y * target->scale_y + target->offset_y;
      by = (rect->y + rect->height) * target->scale_y + target->offset_y;
      target->x0 = (int) MAX (ceil (MIN (ax, bx) - 1e-9), 0.0);
      target->y0 = (int) MAX (ceil (MIN (ay, by) - 1e-9), 0.0);
      target->x1 = (int) MIN (floor (MAX (ax, bx) + 1e-9),
                              (double) cairo_image_surface_get_width (surface));
      target->y1 = (int) MIN (floor (MAX (ay, by) + 1e-9),
                              (double) cairo_image_surface_get_height (surface));
    }
  cairo_rectangle_list_destroy (clip);

  saddle_pixel_target_set_colour (target, red, green, blue, alpha);

  cairo_surface_flush (surface);
  target->pixels = cairo_image_surface_get_data (surface);
  target->stride = cairo_image_surface_get_stride (surface);
  return TRUE;
}

/* The colour saddle_pixel_over() lays down (components in [0, 1], not premultiplied). */
void
saddle_pixel_target_set_colour (SaddlePixelTarget *target,
                                double             red,
                                double             green,
                                double             blue,
                                double             alpha)
{
  guint32 a = (guint32) (CLAMP (alpha, 0.0, 1.0) * 255 + 0.5);
  guint32 r = (guint32) (CLAMP (red, 0.0, 1.0) * a + 0.5);
  guint32 g = (guint32) (CLAMP (green, 0.0, 1.0) * a + 0.5);
  guint32 b = (guint32) (CLAMP (blue, 0.0, 1.0) * a + 0.5);

  for (guint c = 0; c < 256; c++)
    {
      target->source[c] = mul_un8 (c, a) << 24 | mul_un8 (c, r) << 16 | mul_un8 (c, g) << 8
                          | mul_un8 (c, b);
      target->keep[c] = 255 - mul_un8 (c, a);
    }
}

/* TRUE when the clip leaves nothing to draw. */
gboolean
saddle_pixel_target_empty (const SaddlePixelTarget *target)
{
  return !(target->x1 > target->x0 && target->y1 > target->y0);
}

/* Tells Cairo which pixels changed (columns @x0 ≤ x < @x1, rows @y0 ≤ y < @y1). */
void
saddle_pixel_target_close (SaddlePixelTarget *target,
                           int                x0,
                           int                y0,
                           int                x1,
                           int                y1)
{
  if (x1 > x0 && y1 > y0)
    cairo_surface_mark_dirty_rectangle (target->surface, x0, y0, x1 - x0, y1 - y0);
}
