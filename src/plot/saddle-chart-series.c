/* saddle-chart-series.c — what a chart plots inside its frame: lines (decimated to pixel
 * columns when dense), points and bars, clipped to the plot area, and the cells they cover
 * (which the legend avoids) */
#define G_LOG_DOMAIN "saddle-chart"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-box-raster.h"
#include "saddle-chart.h"
#include "saddle-line-raster.h"

/* On screen, a noisy line with a point at least every this many pixels is painted as
 * pixel-column boxes (see draw_envelope()). */
#define ENVELOPE_MAX_GAP 2.0
/* Segments per stroke of a sparse line (see saddle_chart_draw_line()). */
#define STROKE_PIECE 4

gsize
saddle_chart_decimate (const double *px,
                       const double *py,
                       gsize         n,
                       double       *out_x,
                       double       *out_y)
{
  gsize out = 0;
  gsize i = 0;

  while (i < n)
    {
      gsize start, end, lo, hi;
      gsize keep[4];
      guint n_keep = 0;
      double column;

      if (!isfinite (px[i]) || !isfinite (py[i]))
        {
          /* One break is enough however many points are missing. */
          if (out > 0 && !isnan (out_x[out - 1]))
            {
              out_x[out] = NAN;
              out_y[out] = NAN;
              out++;
            }
          i++;
          continue;
        }

      column = floor (px[i]);
      start = i;
      lo = hi = i;
      for (end = i + 1; end < n; end++)
        {
          if (!isfinite (px[end]) || !isfinite (py[end]) || floor (px[end]) != column)
            break;
          if (py[end] < py[lo])
            lo = end;
          if (py[end] > py[hi])
            hi = end;
        }

      /* First, extremes and last, in their original order, without repeats. */
      keep[n_keep++] = start;
      if (MIN (lo, hi) != start)
        keep[n_keep++] = MIN (lo, hi);
      if (MAX (lo, hi) != keep[n_keep - 1])
        keep[n_keep++] = MAX (lo, hi);
      if (end - 1 != keep[n_keep - 1])
        keep[n_keep++] = end - 1;

      for (guint k = 0; k < n_keep; k++)
        {
          out_x[out] = px[keep[k]];
          out_y[out] = py[keep[k]];
          out++;
        }
      i = end;
    }

  /* A trailing break carries nothing. */
  if (out > 0 && isnan (out_x[out - 1]))
    out--;

  return out;
}

void
saddle_chart_clip (SaddleChart *chart,
                   double       margin)
{
  double x0 = floor (chart->x - margin), y0 = floor (chart->y - margin);
  double x1 = ceil (chart->x + chart->width + margin);
  double y1 = ceil (chart->y + chart->height + margin);

  /* On whole pixels: Cairo then clips by the rectangle itself, where a
   * fractional edge makes every later fill and stroke go through a mask. */
  cairo_save (chart->cr);
  cairo_rectangle (chart->cr, x0, y0, x1 - x0, y1 - y0);
  cairo_clip (chart->cr);
}

void
saddle_chart_unclip (SaddleChart *chart)
{
  cairo_restore (chart->cr);
}

void
saddle_chart_mark (SaddleChart *chart,
                   double       x,
                   double       y)
{
  double u = (x - chart->x) / chart->width;
  double v = (y - chart->y) / chart->height;
  int i, j;

  if (!(u >= 0.0 && u <= 1.0 && v >= 0.0 && v <= 1.0))
    return;

  i = MIN ((int) (u * SADDLE_CHART_OCCUPANCY), SADDLE_CHART_OCCUPANCY - 1);
  j = MIN ((int) (v * SADDLE_CHART_OCCUPANCY), SADDLE_CHART_OCCUPANCY - 1);
  if (chart->occupancy[j][i] < G_MAXUINT)
    chart->occupancy[j][i]++;
}

/* Marks the cells a segment crosses, sampled at half a cell. */
static void
mark_segment (SaddleChart *chart,
              double       x0,
              double       y0,
              double       x1,
              double       y1)
{
  double cell = MIN (chart->width, chart->height) / SADDLE_CHART_OCCUPANCY;
  double len = hypot (x1 - x0, y1 - y0);
  guint steps = (guint) MIN (4.0 * SADDLE_CHART_OCCUPANCY, ceil (len / MAX (cell / 2, 1.0)));

  for (guint s = 0; s <= steps; s++)
    {
      double t = steps > 0 ? (double) s / steps : 0.0;

      saddle_chart_mark (chart, x0 + t * (x1 - x0), y0 + t * (y1 - y0));
    }
}

/* SVG, PDF or PostScript: output that is zoomed, not shown at one size. */
static gboolean
is_vector_target (cairo_t *cr)
{
  switch (cairo_surface_get_type (cairo_get_target (cr)))
    {
    case CAIRO_SURFACE_TYPE_SVG:
    case CAIRO_SURFACE_TYPE_PDF:
    case CAIRO_SURFACE_TYPE_PS:
      return TRUE;
    default:
      return FALSE;
    }
}

/* A dense line (decimated: more points than pixel columns) as what it paints:
 * in each pixel column a box from its lowest to its highest value, reaching
 * the previous column's last point so the band stays connected, and half the
 * line's width beyond, rounded out to whole pixels. The boxes abut into one
 * band, and a path of pixel-aligned boxes is Cairo's fast path: 16 such lines
 * of 10,000 points fill in ~12 ms, where stroking them took ~800 ms (filling
 * their outline polygon ~300 ms, unaligned boxes ~60 ms). @dx and @dy are
 * saddle_chart_decimate()'s output (NAN breaks between pieces). */
static void
draw_envelope (SaddleChart  *chart,
               const double *dx,
               const double *dy,
               gsize         m,
               double        line_width)
{
  cairo_t *cr = chart->cr;
  double last_y = NAN;
  gsize i = 0;
  g_autoptr(GArray) boxes = g_array_sized_new (FALSE, FALSE, 4 * sizeof (double), m);

  while (i < m)
    {
      double column, lo, hi, next, width;

      if (!isfinite (dx[i]) || !isfinite (dy[i]))
        {
          last_y = NAN;   /* a break: the next piece starts afresh */
          i++;
          continue;
        }

      column = floor (dx[i]);
      lo = isfinite (last_y) ? MIN (dy[i], last_y) : dy[i];
      hi = isfinite (last_y) ? MAX (dy[i], last_y) : dy[i];
      for (i++; i < m && isfinite (dx[i]) && isfinite (dy[i]) && floor (dx[i]) == column; i++)
        {
          lo = MIN (lo, dy[i]);
          hi = MAX (hi, dy[i]);
        }
      last_y = dy[i - 1];

      /* Points a pixel or two apart leave columns empty: the box reaches the
       * next point's column, as the segment to it would. */
      next = i < m && isfinite (dx[i]) && isfinite (dy[i]) ? floor (dx[i]) : column + 1.0;
      width = CLAMP (next - column, 1.0, ENVELOPE_MAX_GAP);

      mark_segment (chart, column + 0.5, lo, column + 0.5, hi);
      lo = floor (lo - 0.5 * line_width);
      hi = ceil (hi + 0.5 * line_width);
      g_array_append_vals (boxes, ((double[]) { column, lo, width, hi - lo }), 1);
    }

  /* On screen straight into the pixels, else as Cairo's path. */
  if (saddle_box_raster_fill (cr, (const double *) boxes->data, boxes->len))
    return;
  for (guint b = 0; b < boxes->len; b++)
    {
      const double *box = (const double *) boxes->data + 4 * b;

      cairo_rectangle (cr, box[0], box[1], box[2], box[3]);
    }
  cairo_fill (cr);
}

/* Pixel coordinates of the points, into new arrays @px and @py. */
static void
to_pixels (const SaddleChart *chart,
           const double      *xs,
           const double      *ys,
           gsize              n,
           double           **px,
           double           **py)
{
  *px = g_new (double, n);
  *py = g_new (double, n);
  saddle_chart_to_px (chart, xs, ys, n, *px, *py);
}

/* TRUE when point @i of @dx, @dy stands alone between breaks: a stroke draws nothing there. */
static gboolean
is_lone_point (const double *dx,
               const double *dy,
               gsize         m,
               gsize         i)
{
  gboolean prev = i > 0 && isfinite (dx[i - 1]) && isfinite (dy[i - 1]);
  gboolean next = i + 1 < m && isfinite (dx[i + 1]) && isfinite (dy[i + 1]);

  return isfinite (dx[i]) && isfinite (dy[i]) && !prev && !next;
}

static gboolean
has_lone_point (const double *dx,
                const double *dy,
                gsize         m)
{
  for (gsize i = 0; i < m; i++)
    if (is_lone_point (dx, dy, m, i))
      return TRUE;
  return FALSE;
}

/* The line at @alpha as one layer; with @halo, over a stroke of that colour @halo_width wide
 * (on screen both in one pass). */
static void
stroke_line (SaddleChart       *chart,
             const double      *xs,
             const double      *ys,
             gsize              n,
             const SaddleColor *color,
             double             line_width,
             double             alpha,
             const SaddleColor *halo,
             double             halo_width)
{
  cairo_t *cr = chart->cr;
  g_autofree double *px = NULL;
  g_autofree double *py = NULL;
  g_autofree double *dx = NULL;
  g_autofree double *dy = NULL;
  /* Stroking in pieces restarts a dash pattern and multiplies a vector file's paths. */
  gboolean pieces = !is_vector_target (cr) && cairo_get_dash_count (cr) == 0;
  gboolean raster;
  gsize m;

  if (n == 0 || xs == NULL || ys == NULL)
    return;

  to_pixels (chart, xs, ys, n, &px, &py);

  cairo_save (cr);
  cairo_set_line_width (cr, line_width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  saddle_color_set_source (color, cr, alpha);
  cairo_new_path (cr);

  /* Longer than the plot is wide: one column of pixels cannot show more
   * than its lowest and highest value anyway. */
  if (n > (gsize) MAX (chart->width, 1.0))
    {
      dx = g_new (double, n);
      dy = g_new (double, n);
      m = saddle_chart_decimate (px, py, n, dx, dy);
    }
  else
    {
      dx = g_steal_pointer (&px);
      dy = g_steal_pointer (&py);
      m = n;
    }
  /* In pixels, a direct rasteriser, which draws a translucent line as one layer; otherwise
   * Cairo's path, translucent through a group. A halo and its line are rasterised together;
   * Cairo (and a lone point's dots) draw the halo's whole stroke first, then the line's. */
  if (halo != NULL)
    {
      const double rgba[4] = { halo->red, halo->green, halo->blue, 1.0 };

      if (has_lone_point (dx, dy, m)
          || !saddle_line_raster_stroke_on_halo (cr, dx, dy, m, line_width, rgba, halo_width))
        {
          cairo_restore (cr);
          stroke_line (chart, xs, ys, n, halo, halo_width, 1.0, NULL, 0.0);
          stroke_line (chart, xs, ys, n, color, line_width, alpha, NULL, 0.0);
          return;
        }
      raster = TRUE;
    }
  else
    raster = saddle_line_raster_stroke (cr, dx, dy, m, line_width);
  if (!raster && alpha < 1.0)
    {
      cairo_push_group (cr);
      saddle_color_set_source (color, cr, 1.0);
    }
  for (gsize i = 0, run = 0; i < m; i++)
    {
      if (!isfinite (dx[i]) || !isfinite (dy[i]))
        continue;
      if (i == 0 || !isfinite (dx[i - 1]) || !isfinite (dy[i - 1]))
        {
          saddle_chart_mark (chart, dx[i], dy[i]);
          if (!raster)
            cairo_move_to (cr, dx[i], dy[i]);
          run = 0;
        }
      else
        {
          mark_segment (chart, dx[i - 1], dy[i - 1], dx[i], dy[i]);
          if (raster)
            continue;
          cairo_line_to (cr, dx[i], dy[i]);
          /* Cairo rasterises a stroke as one polygon, and the outline of a
           * long zigzag (a noisy loss) crosses itself everywhere: stroking it
           * in short pieces is 2–3× faster and, the line being opaque with
           * round caps, looks the same. */
          if (pieces && ++run == STROKE_PIECE)
            {
              cairo_stroke (cr);
              cairo_move_to (cr, dx[i], dy[i]);
              run = 0;
            }
        }
    }
  cairo_stroke (cr);

  /* A lone point has no segment to stroke: give it a dot. */
  for (gsize i = 0; i < m; i++)
    {
      if (!is_lone_point (dx, dy, m, i))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, dx[i], dy[i], line_width, 0, 2 * G_PI);
      cairo_close_path (cr);
    }
  cairo_fill (cr);
  if (!raster && alpha < 1.0)
    {
      cairo_pop_group_to_source (cr);
      cairo_paint_with_alpha (cr, alpha);
    }
  cairo_restore (cr);
}

void
saddle_chart_draw_noisy_line (SaddleChart       *chart,
                              const double      *xs,
                              const double      *ys,
                              gsize              n,
                              const SaddleColor *color,
                              double             line_width,
                              double             alpha)
{
  cairo_t *cr = chart->cr;
  g_autofree double *px = NULL;
  g_autofree double *py = NULL;
  g_autofree double *dx = NULL;
  g_autofree double *dy = NULL;
  gboolean broken = FALSE, group;
  gsize m;

  if (n == 0 || xs == NULL || ys == NULL)
    return;
  if (is_vector_target (cr) || n <= (gsize) MAX (chart->width / ENVELOPE_MAX_GAP, 1.0))
    {
      stroke_line (chart, xs, ys, n, color, line_width, alpha, NULL, 0.0);
      return;
    }

  to_pixels (chart, xs, ys, n, &px, &py);
  dx = g_new (double, n);
  dy = g_new (double, n);
  m = saddle_chart_decimate (px, py, n, dx, dy);

  /* Its boxes are pixel-aligned, one per column, and never overlap while the line is
   * unbroken: painted at @alpha they are one layer without a group. Across a break two boxes
   * may share a column, so a broken line keeps the group. */
  for (gsize i = 0; i < m && !broken; i++)
    broken = !isfinite (dx[i]) || !isfinite (dy[i]);
  group = alpha < 1.0 && broken;

  cairo_save (cr);
  if (group)
    cairo_push_group (cr);
  saddle_color_set_source (color, cr, group ? 1.0 : alpha);
  cairo_new_path (cr);
  draw_envelope (chart, dx, dy, m, line_width);
  if (group)
    {
      cairo_pop_group_to_source (cr);
      cairo_paint_with_alpha (cr, alpha);
    }
  cairo_restore (cr);
}

void
saddle_chart_draw_line (SaddleChart       *chart,
                        const double      *xs,
                        const double      *ys,
                        gsize              n,
                        const SaddleColor *color,
                        double             line_width)
{
  stroke_line (chart, xs, ys, n, color, line_width, 1.0, NULL, 0.0);
}

/* @halo_width ≥ @line_width. */
void
saddle_chart_draw_line_on_halo (SaddleChart       *chart,
                                const double      *xs,
                                const double      *ys,
                                gsize              n,
                                const SaddleColor *color,
                                double             line_width,
                                const SaddleColor *halo,
                                double             halo_width)
{
  stroke_line (chart, xs, ys, n, color, line_width, 1.0, halo, halo_width);
}

void
saddle_chart_draw_points (SaddleChart       *chart,
                          const double      *xs,
                          const double      *ys,
                          gsize              n,
                          const SaddleColor *color,
                          SaddleMarker       marker,
                          double             size,
                          gboolean           filled)
{
  for (gsize i = 0; i < n; i++)
    {
      double x = saddle_chart_x_to_px (chart, xs[i]);
      double y = saddle_chart_y_to_px (chart, ys[i]);

      if (!isfinite (x) || !isfinite (y))
        continue;
      saddle_marker_draw (chart->cr, marker, x, y, size, color, filled, &chart->palette.background);
      saddle_chart_mark (chart, x, y);
    }
}

void
saddle_chart_draw_bar (SaddleChart       *chart,
                       double             x0,
                       double             x1,
                       double             y0,
                       double             y1,
                       const SaddleColor *color,
                       double             alpha)
{
  double px0 = saddle_chart_x_to_px (chart, x0);
  double px1 = saddle_chart_x_to_px (chart, x1);
  double py0 = saddle_chart_y_to_px (chart, y0);
  double py1 = saddle_chart_y_to_px (chart, y1);

  if (!isfinite (px0) || !isfinite (px1) || !isfinite (py0) || !isfinite (py1))
    return;

  cairo_save (chart->cr);
  cairo_rectangle (chart->cr, MIN (px0, px1), MIN (py0, py1), fabs (px1 - px0), fabs (py1 - py0));
  saddle_color_set_source (color, chart->cr, alpha);
  cairo_fill (chart->cr);
  cairo_restore (chart->cr);

  mark_segment (chart, px0, py1, px1, py1);
  mark_segment (chart, (px0 + px1) / 2, py0, (px0 + px1) / 2, py1);
}
