/* saddle-text.c — chart text through PangoCairo, with glyph-by-glyph font fallback */
#define G_LOG_DOMAIN "saddle-text"

#include "config.h"

#include <pango/pangocairo.h>

#include "saddle-text.h"

/* Layouts kept between draws, at most this many a context (a live chart's tick labels change
 * as its axes rescale). */
#define MAX_CACHED_LAYOUTS 1024
/* Contexts kept a thread: one per kind of target drawn on (a screen's and an export's font
 * options, a HiDPI scale). */
#define MAX_CONTEXTS 8

/* A Pango context with the layouts made in it by font and text, for targets with these font
 * options and this linear part of the user-to-device matrix (what Pango lays out against;
 * translation does not count). A chart redraws the same strings every frame, and making a
 * context and shaping each of them again was a tenth of the live chart's draw (bench-plot). */
typedef struct
{
  PangoContext         *context;
  GHashTable           *layouts;   /* "family|weight|style|size|text" → PangoLayout */
  cairo_font_options_t *options;
  double                xx, yx, xy, yy;
} TextContext;

/* One set of contexts a thread: Pango's are not thread-safe, and exports draw on workers.
 * pango_cairo_update_context() marks a context changed at every call, even for the same
 * target (Pango 1.50 sets its matrix anew, and a new matrix is a change), and a changed
 * context lays out every layout of it again at its next use: so a context is updated only
 * when made, and a target of other options or scale takes (or makes) its own. Before, one
 * context updated at every call shaped every label of the live chart at every frame (13.6 %
 * of the main thread while the 300-epoch image study ran, perf). */
typedef struct
{
  TextContext contexts[MAX_CONTEXTS];
  guint       n_contexts;
  guint       next_evicted;
  /* @cr's merged options and its own, compared without allocating at every text */
  cairo_font_options_t *scratch, *scratch_own;
} ThreadText;

static void
text_context_clear (TextContext *tc)
{
  g_clear_pointer (&tc->layouts, g_hash_table_unref);
  g_clear_object (&tc->context);
  g_clear_pointer (&tc->options, cairo_font_options_destroy);
}

static void
thread_text_free (gpointer data)
{
  ThreadText *tt = data;

  for (guint i = 0; i < tt->n_contexts; i++)
    text_context_clear (&tt->contexts[i]);
  cairo_font_options_destroy (tt->scratch);
  cairo_font_options_destroy (tt->scratch_own);
  g_free (tt);
}

static GPrivate thread_text = G_PRIVATE_INIT (thread_text_free);

/* @cr's target's font options merged with @cr's own (into @own), as Pango merges them, into
 * @options. */
static void
get_font_options (cairo_t              *cr,
                  cairo_font_options_t *options,
                  cairo_font_options_t *own)
{
  cairo_surface_get_font_options (cairo_get_target (cr), options);
  cairo_get_font_options (cr, own);
  cairo_font_options_merge (options, own);
}

/* The context for @cr's target on this thread, made and updated to @cr when new. */
static TextContext *
text_context_for (cairo_t *cr)
{
  ThreadText *tt = g_private_get (&thread_text);
  cairo_matrix_t m;
  TextContext *tc;

  if (tt == NULL)
    {
      tt = g_new0 (ThreadText, 1);
      tt->scratch = cairo_font_options_create ();
      tt->scratch_own = cairo_font_options_create ();
      g_private_set (&thread_text, tt);
    }
  cairo_get_matrix (cr, &m);
  get_font_options (cr, tt->scratch, tt->scratch_own);
  for (guint i = 0; i < tt->n_contexts; i++)
    {
      tc = &tt->contexts[i];
      if (tc->xx == m.xx && tc->yx == m.yx && tc->xy == m.xy && tc->yy == m.yy
          && cairo_font_options_equal (tc->options, tt->scratch))
        return tc;
    }

  if (tt->n_contexts < MAX_CONTEXTS)
    tc = &tt->contexts[tt->n_contexts++];
  else
    {
      tc = &tt->contexts[tt->next_evicted];
      tt->next_evicted = (tt->next_evicted + 1) % MAX_CONTEXTS;
      text_context_clear (tc);
    }
  tc->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_update_context (cr, tc->context);
  tc->layouts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  tc->options = cairo_font_options_copy (tt->scratch);
  tc->xx = m.xx;
  tc->yx = m.yx;
  tc->xy = m.xy;
  tc->yy = m.yy;
  return tc;
}

/* A layout of @text in the font Cairo holds for @cr: its toy face's family and weight, its
 * size in user units (an absolute Pango size, so no DPI enters). NULL text lays out "". A new
 * reference. */
static PangoLayout *
layout_for (cairo_t    *cr,
            const char *text)
{
  TextContext *tc = text_context_for (cr);
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
  layout = g_hash_table_lookup (tc->layouts, key);
  if (layout != NULL)
    return g_object_ref (layout);

  layout = pango_layout_new (tc->context);
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

  if (g_hash_table_size (tc->layouts) >= MAX_CACHED_LAYOUTS)
    g_hash_table_remove_all (tc->layouts);
  g_hash_table_insert (tc->layouts, g_steal_pointer (&key), g_object_ref (layout));
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
