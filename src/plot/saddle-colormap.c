/* saddle-colormap.c */
#define G_LOG_DOMAIN "saddle-colormap"

#include "config.h"

#include <math.h>

#include "saddle-colormap.h"

/* Evenly spaced stops from low to high; perceptually ordered (lightness grows
 * from the first stop to the last), so neighbouring bands stay apart and the
 * map survives a grey-scale print. */
static const char * const stops[] = {
  "#3b0f70",
  "#433e85",
  "#38598c",
  "#2c728e",
  "#21908d",
  "#27ad81",
  "#5cc863",
  "#aadc32",
  "#f2e51d",
};

/* Share of the background mixed into the map, per theme: the bands are a
 * backdrop for the paths, not the subject. */
#define SOFTEN_LIGHT 0.30
#define SOFTEN_DARK  0.35

void
saddle_colormap_raw (double       t,
                     SaddleColor *color)
{
  const guint n = G_N_ELEMENTS (stops);
  SaddleColor a, b;
  double pos;
  guint i;

  g_return_if_fail (color != NULL);

  if (isnan (t))
    t = 0.0;
  t = CLAMP (t, 0.0, 1.0);
  pos = t * (n - 1);
  i = MIN ((guint) floor (pos), n - 2);
  saddle_color_parse (&a, stops[i]);
  saddle_color_parse (&b, stops[i + 1]);
  saddle_color_mix (&a, &b, pos - i, color);
}

void
saddle_colormap_at (const SaddlePalette *palette,
                    double               t,
                    SaddleColor         *color)
{
  SaddleColor raw;

  g_return_if_fail (palette != NULL);
  g_return_if_fail (color != NULL);

  if (isnan (t))
    {
      *color = palette->background;
      return;
    }
  saddle_colormap_raw (t, &raw);
  saddle_color_mix (&raw, &palette->background, palette->dark ? SOFTEN_DARK : SOFTEN_LIGHT, color);
}
