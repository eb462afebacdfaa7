/* saddle-legend.c */
#define G_LOG_DOMAIN "saddle-legend"

#include "config.h"

#include <math.h>

#include "saddle-legend.h"
#include "saddle-text.h"

typedef struct
{
  char        *label;
  SaddleColor  color;
  SaddleMarker marker;
  gboolean     filled;
  gboolean     line;
} LegendEntry;

struct _SaddleLegend
{
  GArray  *entries;       /* LegendEntry */
  double   font_size;
  /* last layout */
  guint    rows;
  guint    cols;
  guint    shown;         /* entries drawn; the rest are summarised */
  gboolean rows_first;
  double   col_width;
  double   row_height;
  double   width;
  double   height;
};

static void
entry_clear (gpointer data)
{
  LegendEntry *entry = data;

  g_free (entry->label);
}

SaddleLegend *
saddle_legend_new (double font_size)
{
  SaddleLegend *legend = g_new0 (SaddleLegend, 1);

  legend->entries = g_array_new (FALSE, TRUE, sizeof (LegendEntry));
  g_array_set_clear_func (legend->entries, entry_clear);
  legend->font_size = (isfinite (font_size) && font_size > 0) ? font_size : 11.0;
  return legend;
}

void
saddle_legend_free (SaddleLegend *legend)
{
  if (legend == NULL)
    return;

  g_array_unref (legend->entries);
  g_free (legend);
}

void
saddle_legend_add (SaddleLegend      *legend,
                   const char        *label,
                   const SaddleColor *color,
                   SaddleMarker       marker,
                   gboolean           filled,
                   gboolean           line)
{
  LegendEntry entry = { 0 };

  g_return_if_fail (legend != NULL);
  g_return_if_fail (color != NULL);

  entry.label = g_strdup (label != NULL ? label : "");
  entry.color = *color;
  entry.marker = marker;
  entry.filled = filled;
  entry.line = line;
  g_array_append_val (legend->entries, entry);
}

guint
saddle_legend_n_entries (const SaddleLegend *legend)
{
  return legend->entries->len;
}

static double
swatch_width (const SaddleLegend *legend)
{
  return 1.8 * legend->font_size;
}

static double
padding (const SaddleLegend *legend)
{
  return 0.45 * legend->font_size;
}

static void
select_font (const SaddleLegend *legend,
             cairo_t            *cr)
{
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, legend->font_size);
}

static char *
more_label (guint hidden)
{
  return g_strdup_printf ("+ %u more", hidden);
}

/* Rows and columns for entries of @text_width within the box; returns the
 * number of entries that fit. */
static guint
grid_for (SaddleLegend *legend,
          double        text_width,
          double        max_width,
          double        max_height,
          guint        *rows_out,
          guint        *cols_out)
{
  guint n = legend->entries->len;
  double pad = padding (legend);
  double gap = 1.2 * legend->font_size;
  guint rows, cols;

  legend->col_width = swatch_width (legend) + 0.45 * legend->font_size + text_width + gap;
  max_width = MAX (max_width - 2 * pad + gap, legend->col_width);
  max_height = MAX (max_height - 2 * pad, legend->row_height);

  if (legend->rows_first)
    {
      cols = (guint) MAX (1.0, floor (max_width / legend->col_width));
      cols = MIN (cols, n);
      rows = (n + cols - 1) / cols;
      rows = MIN (rows, (guint) MAX (1.0, floor (max_height / legend->row_height)));
    }
  else
    {
      rows = (guint) MAX (1.0, floor (max_height / legend->row_height));
      rows = MIN (rows, n);
      cols = (n + rows - 1) / rows;
      cols = MIN (cols, (guint) MAX (1.0, floor (max_width / legend->col_width)));
      /* Balance the columns: 9 entries in 2 columns are 5 + 4, not 8 + 1. */
      if (cols * rows >= n)
        rows = (n + cols - 1) / cols;
    }

  *rows_out = rows;
  *cols_out = cols;
  return MIN (rows * cols, n);
}

gboolean
saddle_legend_layout (SaddleLegend *legend,
                      cairo_t      *cr,
                      double        max_width,
                      double        max_height,
                      gboolean      rows_first,
                      double       *width,
                      double       *height)
{
  guint n = legend->entries->len;
  double text_width = 0;
  double pad = padding (legend);
  double gap = 1.2 * legend->font_size;
  guint rows, cols, fit;

  legend->rows = legend->cols = legend->shown = 0;
  legend->width = legend->height = 0;
  legend->rows_first = rows_first;
  legend->row_height = 1.45 * legend->font_size;

  if (n == 0)
    {
      *width = *height = 0;
      return TRUE;
    }

  cairo_save (cr);
  select_font (legend, cr);
  for (guint i = 0; i < n; i++)
    {
      const LegendEntry *e = &g_array_index (legend->entries, LegendEntry, i);
      cairo_text_extents_t ext;

      saddle_text_extents (cr, e->label, &ext);
      text_width = MAX (text_width, ext.x_advance);
    }

  fit = grid_for (legend, text_width, max_width, max_height, &rows, &cols);
  if (fit < n)
    {
      /* Some entries will not show: the last slot says how many, and must fit too. */
      g_autofree char *more = more_label (n);
      cairo_text_extents_t ext;

      saddle_text_extents (cr, more, &ext);
      if (ext.x_advance > text_width)
        fit = grid_for (legend, ext.x_advance, max_width, max_height, &rows, &cols);
    }
  cairo_restore (cr);

  legend->rows = rows;
  legend->cols = cols;
  legend->shown = fit >= n ? n : (fit > 0 ? fit - 1 : 0);
  legend->width = cols * legend->col_width - gap + 2 * pad;
  legend->height = rows * legend->row_height + 2 * pad;

  *width = legend->width;
  *height = legend->height;
  return legend->shown == n;
}

void
saddle_legend_draw (SaddleLegend        *legend,
                    cairo_t             *cr,
                    double               x,
                    double               y,
                    const SaddlePalette *palette,
                    gboolean             framed)
{
  guint n = legend->entries->len;
  double pad = padding (legend);
  double sw = swatch_width (legend);
  guint slots;

  if (n == 0 || legend->rows == 0)
    return;

  cairo_save (cr);

  if (framed)
    {
      double r = 0.3 * legend->font_size;
      double x0 = floor (x) + 0.5, y0 = floor (y) + 0.5;
      double w = floor (legend->width), h = floor (legend->height);

      cairo_new_sub_path (cr);
      cairo_arc (cr, x0 + w - r, y0 + r, r, -G_PI / 2, 0);
      cairo_arc (cr, x0 + w - r, y0 + h - r, r, 0, G_PI / 2);
      cairo_arc (cr, x0 + r, y0 + h - r, r, G_PI / 2, G_PI);
      cairo_arc (cr, x0 + r, y0 + r, r, G_PI, 3 * G_PI / 2);
      cairo_close_path (cr);
      saddle_color_set_source (&palette->background, cr, 0.88);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 1.0);
      saddle_color_set_source (&palette->axis, cr, 0.5);
      cairo_stroke (cr);
    }

  select_font (legend, cr);
  slots = legend->shown < n ? legend->shown + 1 : n;

  for (guint i = 0; i < slots; i++)
    {
      guint row = legend->rows_first ? i / legend->cols : i % legend->rows;
      guint col = legend->rows_first ? i % legend->cols : i / legend->rows;
      double ex = x + pad + col * legend->col_width;
      double cy = y + pad + (row + 0.5) * legend->row_height;
      cairo_font_extents_t fext;
      const char *label;
      g_autofree char *more = NULL;

      if (i < legend->shown)
        {
          const LegendEntry *e = &g_array_index (legend->entries, LegendEntry, i);

          if (e->line)
            {
              cairo_set_line_width (cr, MAX (1.5, legend->font_size / 6.0));
              cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
              saddle_color_set_source (&e->color, cr, 1.0);
              cairo_move_to (cr, ex + 0.1 * sw, round (cy) + 0.5);
              cairo_line_to (cr, ex + 0.9 * sw, round (cy) + 0.5);
              cairo_stroke (cr);
            }
          saddle_marker_draw (cr, e->marker, ex + sw / 2, cy, 0.32 * legend->font_size,
                              &e->color, e->filled, e->line ? &palette->background : NULL);
          label = e->label;
          saddle_color_set_source (&palette->foreground, cr, 1.0);
        }
      else
        {
          more = more_label (n - legend->shown);
          label = more;
          saddle_color_set_source (&palette->muted, cr, 1.0);
        }

      saddle_text_font_extents (cr, &fext);
      cairo_move_to (cr, ex + sw + 0.45 * legend->font_size,
                     cy + (fext.ascent - fext.descent) / 2);
      saddle_text_show (cr, label);
    }

  cairo_restore (cr);
}
