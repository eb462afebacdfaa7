/* saddle-contour.h — filled contour bands and contour lines of a grid, drawn on a chart
 *
 * Each grid cell is cut into four triangles around its centre (the mean of
 * its corners, as a bilinear surface has there), and values are taken linear
 * on each triangle ("marching triangles"): band edges are straight within a
 * triangle and meet without gaps across cells. A cell with a non-finite
 * corner leaves the triangles touching that corner empty (a hole).
 */
#pragma once

#include <glib.h>

#include "saddle-chart.h"

G_BEGIN_DECLS

typedef struct
{
  guint         nx;       /* nodes per row, ≥ 2 */
  guint         ny;       /* rows, ≥ 2 */
  const double *x;        /* (nx) node coordinates along the chart's x axis, ascending */
  const double *y;        /* (ny) node coordinates along the chart's y axis, ascending */
  const double *values;   /* (ny, nx) row-major: values[j * nx + i] at (x[i], y[j]) */
} SaddleGrid;

/* Fills the bands between @n_levels ascending @levels (≥ 2): the region where the grid is
 * ≥ levels[k] gets colors[k] (k < n_levels − 1), painted from the lowest level up, so band k
 * shows where levels[k] ≤ value < levels[k + 1], values above the last level keep the last
 * colour and values below levels[0] stay unpainted. One path per level, no seams between cells.
 * Positions are interpolated between the nodes' pixel places (exact for linear axes). */
void saddle_contour_fill  (SaddleChart       *chart,
                           const SaddleGrid  *grid,
                           const double      *levels,
                           guint              n_levels,
                           const SaddleColor *colors);
/* Strokes the iso-lines value = levels[k] for every k, @line_width wide in @color at @alpha. */
void saddle_contour_lines (SaddleChart       *chart,
                           const SaddleGrid  *grid,
                           const double      *levels,
                           guint              n_levels,
                           const SaddleColor *color,
                           double             alpha,
                           double             line_width);

G_END_DECLS
