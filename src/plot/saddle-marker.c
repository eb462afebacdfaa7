/* saddle-marker.c */
#define G_LOG_DOMAIN "saddle-marker"

#include "config.h"

#include <math.h>

#include "saddle-marker.h"

static void
marker_path (cairo_t      *cr,
             SaddleMarker  marker,
             double        x,
             double        y,
             double        r)
{
  switch (marker)
    {
    case SADDLE_MARKER_SQUARE:
      /* Same area as the circle, so shapes do not read as sizes. */
      r *= 0.886;
      cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
      break;
    case SADDLE_MARKER_TRIANGLE:
      r *= 1.2;
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + r * 0.866, y + r * 0.5);
      cairo_line_to (cr, x - r * 0.866, y + r * 0.5);
      cairo_close_path (cr);
      break;
    case SADDLE_MARKER_DIAMOND:
      r *= 1.2;
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + r * 0.8, y);
      cairo_line_to (cr, x, y + r);
      cairo_line_to (cr, x - r * 0.8, y);
      cairo_close_path (cr);
      break;
    case SADDLE_MARKER_CROSS:
      r *= 0.9;
      cairo_move_to (cr, x - r, y - r);
      cairo_line_to (cr, x + r, y + r);
      cairo_move_to (cr, x + r, y - r);
      cairo_line_to (cr, x - r, y + r);
      break;
    case SADDLE_MARKER_CIRCLE:
    case SADDLE_MARKER_NONE:
    default:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_close_path (cr);
      break;
    }
}

void
saddle_marker_draw (cairo_t           *cr,
                    SaddleMarker       marker,
                    double             x,
                    double             y,
                    double             size,
                    const SaddleColor *color,
                    gboolean           filled,
                    const SaddleColor *edge)
{
  if (marker == SADDLE_MARKER_NONE || !isfinite (x) || !isfinite (y) || !(size > 0))
    return;

  cairo_save (cr);
  cairo_new_path (cr);
  marker_path (cr, marker, x, y, size);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  if (marker == SADDLE_MARKER_CROSS)
    {
      cairo_set_line_width (cr, MAX (1.0, size * (filled ? 0.55 : 0.35)));
      saddle_color_set_source (color, cr, 1.0);
      cairo_stroke (cr);
    }
  else if (filled)
    {
      saddle_color_set_source (color, cr, 1.0);
      if (edge != NULL)
        {
          cairo_fill_preserve (cr);
          cairo_set_line_width (cr, MAX (0.75, size * 0.22));
          saddle_color_set_source (edge, cr, 1.0);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
    }
  else
    {
      cairo_set_line_width (cr, MAX (1.0, size * 0.35));
      saddle_color_set_source (color, cr, 1.0);
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}
