/* saddle-colormap.h — a sequential colour map for filled contours and colour bars
 *
 * Low values are dark violet, high values light yellow-green, with lightness
 * rising monotonically so the order reads in grey scale too. The map is
 * softened towards the page background, lightly on a light page and more on
 * a dark one, so saturated run colours drawn over it stay the loudest thing
 * on the chart in either theme.
 */
#pragma once

#include <glib.h>

#include "saddle-palette.h"

G_BEGIN_DECLS

/* The colour at @t in [0, 1] (clamped; NaN gives the background) for @palette's theme. */
void saddle_colormap_at       (const SaddlePalette *palette,
                               double               t,
                               SaddleColor         *color);
/* The raw map at @t, before softening towards the background. */
void saddle_colormap_raw      (double               t,
                               SaddleColor         *color);

G_END_DECLS
