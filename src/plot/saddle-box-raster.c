/* saddle-box-raster.c — pixel-aligned boxes filled straight into an image's pixels */
#include "config.h"

#include <math.h>

#include "saddle-box-raster.h"
#include "saddle-pixel-target.h"

/* @user in device pixels on one axis, into *@pixel; FALSE when it is not a whole pixel (Cairo
 * would blend the edge's partial coverage). */
static gboolean
whole_pixel (double  user,
             double  scale,
             double  offset,
             double *pixel)
{
  double device = user * scale + offset;

  *pixel = round (device);
  return fabs (device - *pixel) <= 1e-9 * MAX (1.0, fabs (device));
}

/* Fills @n boxes (x, y, width, height in user space, four doubles each) with @cr's solid source,
 * as one cairo_fill() of their rectangles would, straight into the pixels of @cr's target where
 * saddle_pixel_target_open() allows and every edge falls on a whole pixel. The boxes must not
 * overlap unless the source is opaque: one fill paints an overlap once, this twice. FALSE,
 * having drawn nothing, when the caller must fill with Cairo. */
gboolean
saddle_box_raster_fill (cairo_t      *cr,
                        const double *boxes,
                        gsize         n)
{
  SaddlePixelTarget target;
  int dirty_x0 = G_MAXINT, dirty_y0 = G_MAXINT, dirty_x1 = G_MININT, dirty_y1 = G_MININT;
  g_autofree int *edges = NULL;

  if (!saddle_pixel_target_open (&target, cr))
    return FALSE;

  /* Every edge in device pixels, clipped, before any pixel is written. */
  edges = g_new (int, 4 * MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      const double *box = boxes + 4 * i;
      double ax, bx, ay, by;

      if (!whole_pixel (box[0], target.scale_x, target.offset_x, &ax)
          || !whole_pixel (box[0] + box[2], target.scale_x, target.offset_x, &bx)
          || !whole_pixel (box[1], target.scale_y, target.offset_y, &ay)
          || !whole_pixel (box[1] + box[3], target.scale_y, target.offset_y, &by))
        return FALSE;
      edges[4 * i] = (int) CLAMP (MIN (ax, bx), (double) target.x0, (double) target.x1);
      edges[4 * i + 1] = (int) CLAMP (MIN (ay, by), (double) target.y0, (double) target.y1);
      edges[4 * i + 2] = (int) CLAMP (MAX (ax, bx), (double) target.x0, (double) target.x1);
      edges[4 * i + 3] = (int) CLAMP (MAX (ay, by), (double) target.y0, (double) target.y1);
    }

  for (gsize i = 0; i < n; i++)
    {
      int x0 = edges[4 * i], y0 = edges[4 * i + 1], x1 = edges[4 * i + 2], y1 = edges[4 * i + 3];

      if (x0 >= x1 || y0 >= y1)
        continue;
      for (int row = y0; row < y1; row++)
        {
          guint32 *dst = (guint32 *) (target.pixels + (gsize) row * target.stride);

          for (int col = x0; col < x1; col++)
            dst[col] = saddle_pixel_over (&target, dst[col], 255);
        }
      dirty_x0 = MIN (dirty_x0, x0);
      dirty_y0 = MIN (dirty_y0, y0);
      dirty_x1 = MAX (dirty_x1, x1);
      dirty_y1 = MAX (dirty_y1, y1);
    }
  saddle_pixel_target_close (&target, dirty_x0, dirty_y0, dirty_x1, dirty_y1);
  return TRUE;
}
