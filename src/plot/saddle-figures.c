/* saddle-figures.c — any figure to an SVG or PNG file; the figures themselves are in
 * saddle-figures-<study>.c, composed from axis, chart, legend and palette */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include <math.h>

#include <cairo-svg.h>
#include <glib/gi18n-lib.h>

#include "saddle-file.h"
#include "saddle-figures-private.h"

/* Cairo image surfaces are limited to 32767 pixels a side. */
#define MAX_PNG_SIDE 32767

G_DEFINE_QUARK (saddle-figure-error-quark, saddle_figure_error)

/* ------------------------------------------------------------------- files */

static gboolean
check_size (const char *path,
            double      width,
            double      height,
            double      limit,
            GError    **error)
{
  if (!(width >= 1.0) || !(height >= 1.0) || width > limit || height > limit)
    {
      g_set_error (error, SADDLE_FIGURE_ERROR, SADDLE_FIGURE_ERROR_INVALID,
                   "Cannot write %s: a figure of %g × %g is not a drawable size (1 to %g a side)",
                   path, width, height, limit);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_status (cairo_status_t   status,
              const char      *path,
              GError         **error)
{
  if (status == CAIRO_STATUS_SUCCESS)
    return TRUE;

  g_set_error (error, SADDLE_FIGURE_ERROR, SADDLE_FIGURE_ERROR_WRITE,
               "Could not write the figure to %s: %s", path, cairo_status_to_string (status));
  return FALSE;
}

static cairo_status_t
append_cb (void                *closure,
           const unsigned char *data,
           unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Draws the figure on @surface: the surface's own error (one that could not be made), else the
 * drawing's. Cairo ignores calls on a surface in error, so the caller's finishing is safe. */
static cairo_status_t
draw_on (cairo_surface_t      *surface,
         double                width,
         double                height,
         SaddleFigureDrawFunc  draw,
         gpointer              user_data)
{
  cairo_status_t status = cairo_surface_status (surface);
  cairo_t *cr;

  if (status != CAIRO_STATUS_SUCCESS)
    return status;
  cr = cairo_create (surface);
  draw (cr, width, height, user_data);
  status = cairo_status (cr);
  cairo_destroy (cr);
  return status;
}

/* The figure's bytes go to @path through saddle_file_write(): a full disk or an
 * interrupted export leaves the old file whole, never a truncated one. */
static gboolean
write_bytes (const char  *path,
             GByteArray  *bytes,
             GError     **error)
{
  return saddle_file_write (path, (const char *) bytes->data, bytes->len, error);
}

gboolean
saddle_figure_write_svg (const char           *path,
                         double                width,
                         double                height,
                         SaddleFigureDrawFunc  draw,
                         gpointer              user_data,
                         GError              **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);

  if (!check_size (path, width, height, 1e6, error))
    return FALSE;

  surface = cairo_svg_surface_create_for_stream (append_cb, bytes, width, height);
  /* User units as CSS pixels, so the file opens at the size it was drawn. */
  cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
  status = draw_on (surface, width, height, draw, user_data);

  /* The SVG is only complete when the surface finishes. */
  cairo_surface_finish (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  return check_status (status, path, error) && write_bytes (path, bytes, error);
}

gboolean
saddle_figure_write_png (const char           *path,
                         double                width,
                         double                height,
                         SaddleFigureDrawFunc  draw,
                         gpointer              user_data,
                         GError              **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw != NULL, FALSE);

  if (!check_size (path, width, height, MAX_PNG_SIDE, error))
    return FALSE;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (width), (int) ceil (height));
  status = draw_on (surface, width, height, draw, user_data);

  cairo_surface_flush (surface);
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_write_to_png_stream (surface, append_cb, bytes);
  cairo_surface_destroy (surface);

  return check_status (status, path, error) && write_bytes (path, bytes, error);
}
