/* saddle-text.c — chart text through PangoCairo, with glyph-by-glyph font fallback */
#define G_LOG_DOMAIN "saddle-text"

#include "config.h"

#include <pango/pangocairo.h>

#include "saddle-text.h"

/* Layouts kept between draws, at most this many a thread (a live chart's tick labels change as
 * its axes rescale). */
#define MAX_CACHED_LAYOUTS 1024

/* One Pango context a thread (Pango's are not thread-safe, and exports draw on workers), with
 * the layouts made in it by font and text. The context is brought up to @cr's transformation
 * and font options before each use, as pango_cairo_create_layout() does with a new one; a
 * cached layout laid out under other options lays itself out again (Pango compares the
 * context's serial). A chart redraws the same strings every frame, and making a context and
 * shaping each of them again was a tenth of the live chart's draw (bench-plot). */
typedef struct
{
  PangoContext *context;
  GHashTable   *layouts;   /* "family|weight|style|size|text" → PangoLayout */
} ThreadText;

static void
thread_text_free (gpointer data)
{
  ThreadText *tt = data;

  g_hash_table_unref (tt->layouts);
  g_object_unref (tt->context);
  g_free (tt);
}

static GPrivate thread_text = G_PRIVATE_INIT (thread_text_free);

static ThreadText *
thread_text_for (cairo_t *cr)
{
  ThreadText *tt = g_private_get (&thread_text);

  if (tt == NULL)
    {
      tt = g_new0 (ThreadText, 1);
      tt->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
      tt->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      g_private_set (&thread_text, tt);
    }
  pango_cairo_update_context (cr, tt->context);
  return tt;
}

/* A layout of @text in the font Cairo holds for @cr: its toy face's family and weight, its
 * size in user units (an absolute Pango size, so no DPI enters). NULL text lays out "". A new
 * reference. */
static PangoLayout *
layout_for (cairo_t    *cr,
            const char *text)
{
  ThreadText *tt = thread_text_for (cr);
  cairo_font_face_t *face = cairo_get_font_face (cr);
  cairo_matrix_t matrix;
  const char *family = "Sans";
  gboolean bold = FALSE, italic = FALSE;
  int size;
  g_autofree char *key = NULL;
  PangoFontDescription *desc;
  PangoLayout *layout;

  if (cairo_font_face_get_type (face) == CAIRO_FONT_TYPE_TOY)
    {
      family = cairo_toy_font_face_get_family (face);
      bold = cairo_toy_font_face_get_weight (face) == CAIRO_FONT_WEIGHT_BOLD;
      italic = cairo_toy_font_face_get_slant (face) != CAIRO_FONT_SLANT_NORMAL;
    }
  /* The font matrix is size × identity for cairo_set_font_size(). */
  cairo_get_font_matrix (cr, &matrix);
  size = (int) (MAX (1.0, matrix.yy) * PANGO_SCALE);
  text = text != NULL ? text : "";

  key = g_strdup_printf ("%s|%d|%d|%d|%s", family, bold, italic, size, text);
  layout = g_hash_table_lookup (tt->layouts, key);
  if (layout != NULL)
    return g_object_ref (layout);

  layout = pango_layout_new (tt->context);
  desc = pango_font_description_new ();
  if (bold)
    pango_font_description_set_weight (desc, PANGO_WEIGHT_BOLD);
  if (italic)
    pango_font_description_set_style (desc, PANGO_STYLE_ITALIC);
  pango_font_description_set_family (desc, family);
  pango_font_description_set_absolute_size (desc, size);
  pango_layout_set_font_description (layout, desc);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (desc);

  if (g_hash_table_size (tt->layouts) >= MAX_CACHED_LAYOUTS)
    g_hash_table_remove_all (tt->layouts);
  g_hash_table_insert (tt->layouts, g_steal_pointer (&key), g_object_ref (layout));
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
