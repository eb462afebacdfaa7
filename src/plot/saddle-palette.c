/* saddle-palette.c */
#define G_LOG_DOMAIN "saddle-palette"

#include "config.h"

#include <string.h>

#include "saddle-palette.h"

/* Sixteen hues ordered so neighbours differ strongly in hue and lightness
 * (runs 1–8 alone are already well apart). The light variants are dark and
 * saturated enough for a white page, the dark variants the same hues lifted
 * for a near-black one; each keeps at least ~3:1 contrast on its background. */
static const char * const series_light[SADDLE_PALETTE_N_SERIES] = {
  "#1f6fd1", /* blue */
  "#e66100", /* orange */
  "#2a9d4a", /* green */
  "#d01c2c", /* red */
  "#7b3fb0", /* purple */
  "#0e8c8c", /* teal */
  "#8f5a2b", /* brown */
  "#c2378f", /* magenta */
  "#6f7f00", /* olive */
  "#3b4cc0", /* indigo */
  "#b08600", /* ochre */
  "#5e5c64", /* grey */
  "#0090c8", /* sky */
  "#8c1c3c", /* wine */
  "#3d7a1f", /* leaf */
  "#e0604a", /* coral */
};

static const char * const series_dark[SADDLE_PALETTE_N_SERIES] = {
  "#62a0ea",
  "#ffa348",
  "#57e389",
  "#f66151",
  "#c094f0",
  "#4fd1c5",
  "#cd9b6a",
  "#f08cc8",
  "#c2d14a",
  "#8f9cf5",
  "#f6d32d",
  "#b0aeb8",
  "#5bc8f5",
  "#e07a9a",
  "#9bd46b",
  "#ffb199",
};

gboolean
saddle_color_parse (SaddleColor *color,
                    const char  *spec)
{
  guint rgb = 0;

  g_return_val_if_fail (color != NULL, FALSE);

  if (spec == NULL || spec[0] != '#' || strlen (spec) != 7)
    return FALSE;

  for (guint i = 1; i < 7; i++)
    {
      int digit = g_ascii_xdigit_value (spec[i]);

      if (digit < 0)
        return FALSE;
      rgb = (rgb << 4) | (guint) digit;
    }

  color->red = ((rgb >> 16) & 0xff) / 255.0;
  color->green = ((rgb >> 8) & 0xff) / 255.0;
  color->blue = (rgb & 0xff) / 255.0;
  return TRUE;
}

void
saddle_palette_init (SaddlePalette *palette,
                     gboolean       dark)
{
  const char * const *series = dark ? series_dark : series_light;

  g_return_if_fail (palette != NULL);

  palette->dark = dark;
  if (dark)
    {
      saddle_color_parse (&palette->background, "#1e1e20");
      saddle_color_parse (&palette->foreground, "#f0f0f2");
      saddle_color_parse (&palette->muted, "#a8a8b0");
      saddle_color_parse (&palette->axis, "#8a8a92");
      saddle_color_parse (&palette->grid, "#38383e");
    }
  else
    {
      saddle_color_parse (&palette->background, "#ffffff");
      saddle_color_parse (&palette->foreground, "#1c1c20");
      saddle_color_parse (&palette->muted, "#5e5e66");
      saddle_color_parse (&palette->axis, "#6e6e76");
      saddle_color_parse (&palette->grid, "#e4e4e8");
    }

  for (guint i = 0; i < SADDLE_PALETTE_N_SERIES; i++)
    saddle_color_parse (&palette->series[i], series[i]);
}

void
saddle_palette_series (const SaddlePalette *palette,
                       guint                index,
                       SaddleColor         *color)
{
  g_return_if_fail (palette != NULL);
  g_return_if_fail (color != NULL);

  *color = palette->series[index % SADDLE_PALETTE_N_SERIES];
}

void
saddle_color_set_source (const SaddleColor *color,
                         cairo_t           *cr,
                         double             alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, alpha);
}

void
saddle_color_mix (const SaddleColor *a,
                  const SaddleColor *b,
                  double             t,
                  SaddleColor       *result)
{
  t = CLAMP (t, 0.0, 1.0);
  result->red = a->red + (b->red - a->red) * t;
  result->green = a->green + (b->green - a->green) * t;
  result->blue = a->blue + (b->blue - a->blue) * t;
}
