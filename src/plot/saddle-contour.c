/* saddle-contour.c */
#define G_LOG_DOMAIN "saddle-contour"

#include "config.h"

#include <math.h>

#include "saddle-contour.h"

typedef struct
{
  double x, y;    /* user space (pixels) */
  double f;       /* grid value */
} Vertex;

/* The grid's nodes in pixels, and whether the grid can be drawn at all. */
typedef struct
{
  const SaddleGrid *grid;
  double           *px;   /* (nx) */
  double           *py;   /* (ny) */
} Placed;

static gboolean
grid_usable (const SaddleGrid *grid)
{
  return grid != NULL && grid->nx >= 2 && grid->ny >= 2
         && grid->x != NULL && grid->y != NULL && grid->values != NULL;
}

static gboolean
place_grid (SaddleChart      *chart,
            const SaddleGrid *grid,
            Placed           *placed)
{
  placed->grid = grid;
  placed->px = g_new (double, grid->nx);
  placed->py = g_new (double, grid->ny);

  for (guint i = 0; i < grid->nx; i++)
    {
      placed->px[i] = saddle_chart_x_to_px (chart, grid->x[i]);
      if (!isfinite (placed->px[i]))
        return FALSE;
    }
  for (guint j = 0; j < grid->ny; j++)
    {
      placed->py[j] = saddle_chart_y_to_px (chart, grid->y[j]);
      if (!isfinite (placed->py[j]))
        return FALSE;
    }
  return TRUE;
}

static void
placed_clear (Placed *placed)
{
  g_clear_pointer (&placed->px, g_free);
  g_clear_pointer (&placed->py, g_free);
}

/* The four corners of cell (i, j) counter-clockwise in data space (p00, p10,
 * p11, p01) and its centre; FALSE for the centre if any corner is not finite. */
static gboolean
cell_vertices (const Placed *placed,
               guint         i,
               guint         j,
               Vertex        corner[4],
               Vertex       *centre)
{
  const SaddleGrid *g = placed->grid;
  const double *v = g->values;
  gboolean all = TRUE;

  corner[0] = (Vertex) { placed->px[i], placed->py[j], v[(gsize) j * g->nx + i] };
  corner[1] = (Vertex) { placed->px[i + 1], placed->py[j], v[(gsize) j * g->nx + i + 1] };
  corner[2] = (Vertex) { placed->px[i + 1], placed->py[j + 1], v[(gsize) (j + 1) * g->nx + i + 1] };
  corner[3] = (Vertex) { placed->px[i], placed->py[j + 1], v[(gsize) (j + 1) * g->nx + i] };

  for (guint k = 0; k < 4; k++)
    all &= isfinite (corner[k].f);

  centre->x = 0.5 * (corner[0].x + corner[1].x);
  centre->y = 0.5 * (corner[0].y + corner[3].y);
  centre->f = all ? 0.25 * (corner[0].f + corner[1].f + corner[2].f + corner[3].f) : NAN;
  return all;
}

/* Sutherland–Hodgman against the half-plane f ≥ t of a function linear on
 * the polygon: a triangle gives at most four vertices, in the same order. */
static guint
clip_above (const Vertex *in,
            guint         n,
            double        t,
            Vertex       *out)
{
  guint m = 0;

  for (guint k = 0; k < n; k++)
    {
      const Vertex *p = &in[k];
      const Vertex *q = &in[(k + 1) % n];
      gboolean p_in = p->f >= t;
      gboolean q_in = q->f >= t;

      if (p_in)
        out[m++] = *p;
      if (p_in != q_in)
        {
          double s = (t - p->f) / (q->f - p->f);

          out[m].x = p->x + s * (q->x - p->x);
          out[m].y = p->y + s * (q->y - p->y);
          out[m].f = t;
          m++;
        }
    }
  return m;
}

static void
add_polygon (cairo_t      *cr,
             const Vertex *v,
             guint         n)
{
  if (n < 3)
    return;
  cairo_move_to (cr, v[0].x, v[0].y);
  for (guint k = 1; k < n; k++)
    cairo_line_to (cr, v[k].x, v[k].y);
  cairo_close_path (cr);
}

/* Whole cells of a row that lie above the level, merged into one quad; same
 * winding as the triangles, so the union fills without seams. */
static void
add_run (cairo_t      *cr,
         const Placed *placed,
         guint         j,
         guint         first,
         guint         end)
{
  if (end <= first)
    return;
  cairo_move_to (cr, placed->px[first], placed->py[j]);
  cairo_line_to (cr, placed->px[end], placed->py[j]);
  cairo_line_to (cr, placed->px[end], placed->py[j + 1]);
  cairo_line_to (cr, placed->px[first], placed->py[j + 1]);
  cairo_close_path (cr);
}

/* The part of cell (i, j) where the value is ≥ @t, triangle by triangle. */
static void
add_cell_part (cairo_t      *cr,
               const Vertex  corner[4],
               const Vertex *centre,
               double        t)
{
  for (guint k = 0; k < 4; k++)
    {
      Vertex tri[3] = { corner[k], corner[(k + 1) % 4], *centre };
      Vertex out[4];
      guint m;

      if (!isfinite (tri[0].f) || !isfinite (tri[1].f) || !isfinite (tri[2].f))
        continue;
      m = clip_above (tri, 3, t, out);
      add_polygon (cr, out, m);
    }
}

/* A cell with a non-finite corner: its centre is unknown, so use the
 * triangle of the three finite corners when there are three, else nothing. */
static void
add_broken_cell_part (cairo_t      *cr,
                      const Vertex  corner[4],
                      double        t)
{
  Vertex tri[3];
  guint n = 0;

  for (guint k = 0; k < 4; k++)
    if (isfinite (corner[k].f))
      {
        if (n == 3)
          return;
        tri[n++] = corner[k];
      }
  if (n == 3)
    {
      Vertex out[4];

      add_polygon (cr, out, clip_above (tri, 3, t, out));
    }
}

void
saddle_contour_fill (SaddleChart       *chart,
                     const SaddleGrid  *grid,
                     const double      *levels,
                     guint              n_levels,
                     const SaddleColor *colors)
{
  cairo_t *cr = chart->cr;
  Placed placed = { 0 };

  if (!grid_usable (grid) || levels == NULL || colors == NULL || n_levels < 2)
    return;
  if (!place_grid (chart, grid, &placed))
    {
      placed_clear (&placed);
      return;
    }

  cairo_save (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);

  for (guint k = 0; k + 1 < n_levels; k++)
    {
      double t = levels[k];

      if (!isfinite (t))
        continue;

      cairo_new_path (cr);
      for (guint j = 0; j + 1 < grid->ny; j++)
        {
          guint run = 0;
          gboolean in_run = FALSE;

          for (guint i = 0; i + 1 < grid->nx; i++)
            {
              Vertex corner[4], centre;
              gboolean finite = cell_vertices (&placed, i, j, corner, &centre);
              double lo = MIN (MIN (corner[0].f, corner[1].f), MIN (corner[2].f, corner[3].f));

              if (finite && lo >= t)
                {
                  if (!in_run)
                    {
                      run = i;
                      in_run = TRUE;
                    }
                  continue;
                }
              if (in_run)
                {
                  add_run (cr, &placed, j, run, i);
                  in_run = FALSE;
                }
              if (finite)
                add_cell_part (cr, corner, &centre, t);
              else
                add_broken_cell_part (cr, corner, t);
            }
          if (in_run)
            add_run (cr, &placed, j, run, grid->nx - 1);
        }
      saddle_color_set_source (&colors[k], cr, 1.0);
      cairo_fill (cr);
    }

  cairo_restore (cr);
  placed_clear (&placed);
}

/* The segment where a linear triangle crosses f = t, if it does. */
static void
add_crossing (cairo_t      *cr,
              const Vertex  tri[3],
              double        t)
{
  double xs[2], ys[2];
  guint m = 0;

  for (guint k = 0; k < 3 && m < 2; k++)
    {
      const Vertex *p = &tri[k];
      const Vertex *q = &tri[(k + 1) % 3];

      if ((p->f >= t) != (q->f >= t))
        {
          double s = (t - p->f) / (q->f - p->f);

          xs[m] = p->x + s * (q->x - p->x);
          ys[m] = p->y + s * (q->y - p->y);
          m++;
        }
    }
  if (m == 2)
    {
      cairo_move_to (cr, xs[0], ys[0]);
      cairo_line_to (cr, xs[1], ys[1]);
    }
}

void
saddle_contour_lines (SaddleChart       *chart,
                      const SaddleGrid  *grid,
                      const double      *levels,
                      guint              n_levels,
                      const SaddleColor *color,
                      double             alpha,
                      double             line_width)
{
  cairo_t *cr = chart->cr;
  Placed placed = { 0 };

  if (!grid_usable (grid) || levels == NULL || color == NULL || n_levels == 0)
    return;
  if (!place_grid (chart, grid, &placed))
    {
      placed_clear (&placed);
      return;
    }

  cairo_save (cr);
  cairo_set_line_width (cr, line_width);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  saddle_color_set_source (color, cr, alpha);
  cairo_new_path (cr);

  for (guint j = 0; j + 1 < grid->ny; j++)
    for (guint i = 0; i + 1 < grid->nx; i++)
      {
        Vertex corner[4], centre;
        double lo, hi;

        if (!cell_vertices (&placed, i, j, corner, &centre))
          continue;
        lo = MIN (MIN (corner[0].f, corner[1].f), MIN (corner[2].f, corner[3].f));
        hi = MAX (MAX (corner[0].f, corner[1].f), MAX (corner[2].f, corner[3].f));

        for (guint k = 0; k < n_levels; k++)
          {
            double t = levels[k];

            /* Only cells the level passes through have a segment. */
            if (!isfinite (t) || t <= lo || t > hi)
              continue;
            for (guint q = 0; q < 4; q++)
              {
                Vertex tri[3] = { corner[q], corner[(q + 1) % 4], centre };

                add_crossing (cr, tri, t);
              }
          }
      }

  /* One stroke for all segments: where they meet, the alpha is not doubled. */
  cairo_stroke (cr);
  cairo_restore (cr);
  placed_clear (&placed);
}
