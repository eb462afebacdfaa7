/* saddle-text.c — chart text through PangoCairo, with glyph-by-glyph font fallback */
#define G_LOG_DOMAIN "saddle-text"

#include "config.h"

#include <pango/pangocairo.h>

#include "saddle-text.h"

/* One Pango context a thread (Pango's are not thread-safe, and exports draw on workers),
 * brought up to @cr's transformation and font options for each layout, as
 * pango_cairo_create_layout() would with a new one: making a context for every string was
 * most of a chart's text cost (bench-plot). */
static GPrivate thread_context = G_PRIVATE_INIT (g_object_unref);

static PangoContext *
context_for (cairo_t *cr)
{
  PangoContext *context = g_private_get (&thread_context);

  if (context == NULL)
    {
      context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      g_private_set (&thread_context, context);
    }
  pango_cairo_update_context (cr, context);
  return context;
}

/* A layout of @text in the font Cairo holds for @cr: its toy face's family and weight, its
 * size in user units (an absolute Pango size, so no DPI enters). NULL text lays out "". */
static PangoLayout *
layout_for (cairo_t    *cr,
            const char *text)
{
  PangoLayout *layout = pango_layout_new (context_for (cr));
  PangoFontDescription *desc = pango_font_description_new ();
  cairo_font_face_t *face = cairo_get_font_face (cr);
  cairo_matrix_t matrix;
  const char *family = "Sans";

  if (cairo_font_face_get_type (face) == CAIRO_FONT_TYPE_TOY)
    {
      family = cairo_toy_font_face_get_family (face);
      if (cairo_toy_font_face_get_weight (face) == CAIRO_FONT_WEIGHT_BOLD)
        pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
      if (cairo_toy_font_face_get_slant (face) != CAIRO_FONT_SLANT_NORMAL)
        pango_font_description_set_style (desc, PANGO_STYLE_ITALIC);
    }
  pango_font_description_set_family (desc, family);
  /* The font matrix is size × identity for cairo_set_font_size(). */
  cairo_get_font_matrix (cr, &matrix);
  pango_font_description_set_absolute_size (desc, MAX (1.0, matrix.yy) * PANGO_SCALE);

  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  pango_font_description_free (desc);
  return layout;
}

void
saddle_text_extents (cairo_t              *cr,
                     const char           *text,
                     cairo_text_extents_t *extents)
{
  g_autoptr(PangoLayout) layout = layout_for (cr, text);
  PangoRectangle ink, logical;
  double baseline;

  pango_layout_get_extents (layout, &ink, &logical);
  baseline = pango_layout_get_baseline (layout) / (double) PANGO_SCALE;
  extents->x_bearing = ink.x / (double) PANGO_SCALE;
  extents->y_bearing = ink.y / (double) PANGO_SCALE - baseline;
  extents->width = ink.width / (double) PANGO_SCALE;
  extents->height = ink.height / (double) PANGO_SCALE;
  extents->x_advance = logical.width / (double) PANGO_SCALE;
  extents->y_advance = 0.0;
}

void
saddle_text_font_extents (cairo_t              *cr,
                          cairo_font_extents_t *extents)
{
  g_autoptr(PangoLayout) layout = layout_for (cr, "");
  PangoRectangle logical;
  double baseline;

  pango_layout_get_extents (layout, NULL, &logical);
  baseline = pango_layout_get_baseline (layout) / (double) PANGO_SCALE;
  extents->ascent = baseline;
  extents->descent = logical.height / (double) PANGO_SCALE - baseline;
  extents->height = logical.height / (double) PANGO_SCALE;
  extents->max_x_advance = 0.0;
  extents->max_y_advance = 0.0;
}

void
saddle_text_show (cairo_t    *cr,
                  const char *text)
{
  g_autoptr(PangoLayout) layout = NULL;
  PangoRectangle logical;
  double x, y;

  if (text == NULL || *text == '\0' || !cairo_has_current_point (cr))
    return;

  layout = layout_for (cr, text);
  pango_layout_get_extents (layout, NULL, &logical);
  cairo_get_current_point (cr, &x, &y);
  /* Pango draws from the layout's top-left corner; Cairo's point is the baseline origin. */
  cairo_move_to (cr, x, y - pango_layout_get_baseline (layout) / (double) PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);
  cairo_move_to (cr, x + logical.width / (double) PANGO_SCALE, y);
}
