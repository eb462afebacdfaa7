/* saddle-palette.h — the colours of a chart: theme (background, text, grid) and 16 series colours
 *
 * The series colours come in a light-background and a dark-background
 * variant of the same hues, so a run keeps its colour when the theme flips.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_PALETTE_N_SERIES 16

typedef struct
{
  double red, green, blue;   /* 0..1 */
} SaddleColor;

typedef struct
{
  gboolean    dark;
  SaddleColor background;    /* figure background */
  SaddleColor foreground;    /* titles, tick labels */
  SaddleColor muted;         /* subtitles, secondary text */
  SaddleColor axis;          /* axis lines and tick marks */
  SaddleColor grid;          /* grid lines */
  SaddleColor series[SADDLE_PALETTE_N_SERIES];
} SaddlePalette;

/* Fills @palette for a light (@dark FALSE) or dark background. */
void saddle_palette_init       (SaddlePalette     *palette,
                                gboolean           dark);
/* Series colour @index (wraps around after SADDLE_PALETTE_N_SERIES). */
void saddle_palette_series     (const SaddlePalette *palette,
                                guint                index,
                                SaddleColor         *color);
/* cairo_set_source_rgba with @color and @alpha. */
void saddle_color_set_source   (const SaddleColor *color,
                                cairo_t           *cr,
                                double             alpha);
/* Parses "#rrggbb" (for constant tables); FALSE if malformed. */
gboolean saddle_color_parse    (SaddleColor       *color,
                                const char        *spec);
/* @a blended towards @b by @t in [0, 1]. */
void saddle_color_mix          (const SaddleColor *a,
                                const SaddleColor *b,
                                double             t,
                                SaddleColor       *result);

G_END_DECLS
