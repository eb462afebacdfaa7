/* saddle-text.h — text for the charts through PangoCairo, in Cairo's terms
 *
 * Cairo's own ("toy") text draws each string in one font, so a title in
 * Chinese comes out as empty boxes where "Sans" has no glyphs. These calls
 * take the same font Cairo would (set with cairo_select_font_face() and
 * cairo_set_font_size() on @cr, in user units) and lay the text out with
 * Pango, which falls back to another font glyph by glyph. The extents and
 * the current-point convention are cairo_text_extents()' and
 * cairo_show_text()'s, so a call site swaps one for the other.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* Like cairo_text_extents() for @text (UTF-8) in @cr's current font. */
void saddle_text_extents      (cairo_t              *cr,
                               const char           *text,
                               cairo_text_extents_t *extents);
/* Like cairo_font_extents(): ascent, descent and height of a line in @cr's current font. */
void saddle_text_font_extents (cairo_t              *cr,
                               cairo_font_extents_t *extents);
/* Like cairo_show_text(): @text with its baseline origin at the current point, which
 * then moves by its advance. */
void saddle_text_show         (cairo_t              *cr,
                               const char           *text);

G_END_DECLS
