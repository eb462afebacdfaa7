/* saddle-chart.c — a chart's frame: layout, axes, grid, titles, legend and text; what it plots
 * inside is drawn by saddle-chart-series.c */
#define G_LOG_DOMAIN "saddle-chart"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-chart.h"
#include "saddle-text.h"

/* Cairo keeps coordinates in 24.8 fixed point: keep every point far inside that. */
#define COORD_LIMIT 1e6

#define TICK_FONT(chart)  (0.85 * (chart)->font_size)
#define TICK_LENGTH(chart) (0.35 * (chart)->font_size)
#define GAP(chart)        (0.4 * (chart)->font_size)
#define PAD(fs)           (0.75 * (fs))

static inline double
snap (double v)
{
  return floor (v) + 0.5;
}

static void
select_font (cairo_t *cr,
             double   size,
             gboolean bold)
{
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
                          bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, size);
}

static double
text_width (cairo_t    *cr,
            const char *text)
{
  cairo_text_extents_t ext;

  saddle_text_extents (cr, text, &ext);
  return ext.x_advance;
}

/* The height of a line of digits and capitals: what labels are aligned on. */
static double
cap_height (cairo_t *cr)
{
  cairo_text_extents_t ext;

  saddle_text_extents (cr, "0H", &ext);
  return ext.height;
}

void
saddle_chart_paint_background (cairo_t             *cr,
                               const SaddlePalette *palette,
                               double               width,
                               double               height)
{
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  saddle_color_set_source (&palette->background, cr, 1.0);
  cairo_fill (cr);
  cairo_restore (cr);
}

double
saddle_chart_draw_text (cairo_t    *cr,
                        const char *text,
                        double      x,
                        double      y,
                        double      xalign,
                        double      yalign)
{
  cairo_text_extents_t ext;
  double h;

  if (text == NULL || *text == '\0')
    return 0;

  saddle_text_extents (cr, text, &ext);
  /* Align on the cap height, not the ink, so "0.1" and "10⁴" share a baseline. */
  h = cap_height (cr);
  cairo_move_to (cr, x - xalign * ext.x_advance, y + (1.0 - yalign) * h);
  saddle_text_show (cr, text);
  return ext.x_advance;
}

static guint
count_labelled (const GArray *ticks)
{
  guint n = 0;

  for (guint i = 0; i < ticks->len; i++)
    n += g_array_index (ticks, SaddleTick, i).major;
  return n;
}

/* @text cut at a character boundary with "…" so it fits @max_width. */
static char *
fit_text (cairo_t    *cr,
          const char *text,
          double      max_width)
{
  glong n = g_utf8_strlen (text, -1);

  if (text_width (cr, text) <= max_width)
    return g_strdup (text);

  for (glong keep = n - 1; keep > 0; keep--)
    {
      g_autofree char *head = g_utf8_substring (text, 0, keep);
      char *candidate = g_strconcat (g_strchomp (head), "…", NULL);

      if (text_width (cr, candidate) <= max_width)
        return candidate;
      g_free (candidate);
    }

  return g_strdup ("…");
}

/* The size, at most @size and no less than 80 % of it, at which @text fits @width; 0 if none.
 * Steps down from the proportional guess, as Pango's hinted widths do not scale with the size. */
static double
shrunk_size (cairo_t    *cr,
             const char *text,
             double      size,
             gboolean    bold,
             double      width)
{
  double w, s;

  select_font (cr, size, bold);
  w = text_width (cr, text);
  if (w <= width)
    return size;
  for (s = size * width / w; s >= 0.8 * size; s *= 0.97)
    {
      select_font (cr, s, bold);
      if (text_width (cr, text) <= width)
        return s;
    }
  return 0;
}

static double
draw_fitted_line (cairo_t             *cr,
                  const SaddleColor   *color,
                  const char          *text,
                  double               size,
                  gboolean             bold,
                  double               x,
                  double               y,
                  double               width)
{
  g_autofree char *shown = NULL;
  double fitted;

  fitted = shrunk_size (cr, text, size, bold, width);
  select_font (cr, fitted > 0 ? fitted : size, bold);
  shown = fit_text (cr, text, width);
  saddle_color_set_source (color, cr, 1.0);
  saddle_chart_draw_text (cr, shown, x + width / 2, y, 0.5, 0.0);
  return cap_height (cr);
}

/* @line as the lines to draw: itself when it fits @width at @size shrunk by up to 20 %, else broken
 * greedily at each @separator, so a long subtitle wraps instead of losing its end. */
static GPtrArray *
wrap_at_separators (cairo_t    *cr,
                    const char *line,
                    double      size,
                    gboolean    bold,
                    double      width,
                    const char *separator)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) current = NULL;

  if (shrunk_size (cr, line, size, bold, width) > 0 || strstr (line, separator) == NULL)
    {
      g_ptr_array_add (lines, g_strdup (line));
      return lines;
    }

  select_font (cr, size, bold);
  parts = g_strsplit (line, separator, -1);
  current = g_string_new (parts[0]);
  for (guint i = 1; parts[i] != NULL; i++)
    {
      g_autofree char *joined = g_strconcat (current->str, separator, parts[i], NULL);

      if (text_width (cr, joined) <= width)
        g_string_assign (current, joined);
      else
        {
          g_ptr_array_add (lines, g_strdup (current->str));
          g_string_assign (current, parts[i]);
        }
    }
  g_ptr_array_add (lines, g_strdup (current->str));
  return lines;
}

void
saddle_chart_draw_title (cairo_t             *cr,
                         const SaddlePalette *palette,
                         double               font_size,
                         const char          *title,
                         const char          *subtitle,
                         double              *x,
                         double              *y,
                         double              *width,
                         double              *height)
{
  double top = *y + PAD (font_size);
  double inner_x = *x + PAD (font_size);
  double inner_w = MAX (1.0, *width - 2 * PAD (font_size));
  double used;

  cairo_save (cr);

  if (title != NULL && *title != '\0')
    {
      /* One line: a wrapped title would take the short spectrum chart's legend room. */
      double h = draw_fitted_line (cr, &palette->foreground, title,
                                   1.2 * font_size, TRUE, inner_x, top, inner_w);

      top += h + 0.55 * font_size;
    }
  if (subtitle != NULL && *subtitle != '\0')
    {
      g_auto(GStrv) given = g_strsplit (subtitle, "\n", -1);
      g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; given[i] != NULL; i++)
        {
          g_autoptr(GPtrArray) wrapped = wrap_at_separators (cr, given[i], 0.9 * font_size, FALSE,
                                                             inner_w, " · ");

          for (guint j = 0; j < wrapped->len; j++)
            g_ptr_array_add (lines, g_strdup (g_ptr_array_index (wrapped, j)));
        }
      /* One line each, shrunk (or cut) on its own. */
      for (guint i = 0; i < lines->len; i++)
        {
          double h = draw_fitted_line (cr, &palette->muted, g_ptr_array_index (lines, i),
                                       0.9 * font_size, FALSE, inner_x, top, inner_w);

          top += h + (i + 1 < lines->len ? 0.4 : 0.55) * font_size;
        }
    }

  cairo_restore (cr);

  used = top - *y;
  *y += used;
  *height = MAX (0.0, *height - used);
}

void
saddle_chart_draw_footnote (cairo_t             *cr,
                            const SaddlePalette *palette,
                            double               font_size,
                            const char          *text,
                            double              *x,
                            double              *y,
                            double              *width,
                            double              *height)
{
  double inner_x = *x + PAD (font_size);
  double inner_w = MAX (1.0, *width - 2 * PAD (font_size));
  double size = 0.85 * font_size;
  double line_h, gap = 0.35 * font_size, used;
  g_auto(GStrv) lines = NULL;
  guint n;

  if (text == NULL || *text == '\0')
    return;

  /* One line per "\n", the last at the bottom. */
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  cairo_save (cr);
  select_font (cr, size, FALSE);
  line_h = cap_height (cr);
  used = n * line_h + (n - 1) * gap + 0.5 * PAD (font_size) + 0.35 * font_size;
  if (used < *height)
    for (guint i = 0; i < n; i++)
      draw_fitted_line (cr, &palette->muted, lines[i], size, FALSE, inner_x,
                        *y + *height - 0.5 * PAD (font_size) - line_h - (n - 1 - i) * (line_h + gap),
                        inner_w);
  cairo_restore (cr);

  *height = MAX (0.0, *height - used);
}

double
saddle_chart_tick_label_width (cairo_t    *cr,
                               double      font_size,
                               const char *text)
{
  double w;

  cairo_save (cr);
  select_font (cr, 0.85 * font_size, FALSE);
  w = text != NULL ? text_width (cr, text) : 0.0;
  cairo_restore (cr);
  return w;
}

SaddleLegendPlacement
saddle_chart_place_legend (cairo_t      *cr,
                           SaddleLegend *legend,
                           double        font_size,
                           double       *x,
                           double       *y,
                           double       *width,
                           double       *height,
                           double       *legend_x,
                           double       *legend_y)
{
  double lw, lh;
  double pad = PAD (font_size);

  *legend_x = *x;
  *legend_y = *y;

  if (legend == NULL || saddle_legend_n_entries (legend) == 0)
    return SADDLE_LEGEND_NONE;

  /* Beside the plot when it costs the plot at most a third of the width and
   * every entry fits: the usual place, covering nothing. */
  if (saddle_legend_layout (legend, cr, 0.3 * *width, *height - pad, FALSE, &lw, &lh)
      && lw <= 0.3 * *width && *width - lw >= 12 * font_size)
    {
      *legend_x = *x + *width - pad - lw;
      *legend_y = *y;
      *width -= lw + pad;
      return SADDLE_LEGEND_RIGHT;
    }

  /* Above it, in rows, if that takes at most a quarter of the height. */
  if (saddle_legend_layout (legend, cr, *width - 2 * pad, 0.25 * *height, TRUE, &lw, &lh)
      && lh <= 0.25 * *height && *height - lh >= 8 * font_size)
    {
      *legend_x = *x + (*width - lw) / 2;
      *legend_y = *y;
      *y += lh;
      *height -= lh;
      return SADDLE_LEGEND_TOP;
    }

  /* A small canvas: over the data, wherever it covers least. */
  saddle_legend_layout (legend, cr, 0.5 * *width, 0.5 * *height, FALSE, &lw, &lh);
  return SADDLE_LEGEND_INSIDE;
}

void
saddle_chart_init (SaddleChart         *chart,
                   cairo_t             *cr,
                   const SaddlePalette *palette,
                   double               font_size)
{
  memset (chart, 0, sizeof *chart);
  chart->cr = cr;
  chart->palette = *palette;
  chart->font_size = (isfinite (font_size) && font_size > 0) ? font_size : 12.0;
  chart->show_x_tick_labels = TRUE;
  saddle_axis_init (&chart->x_axis, SADDLE_AXIS_LINEAR, 1.0);
  saddle_axis_init (&chart->y_axis, SADDLE_AXIS_LINEAR, 1.0);
}

void
saddle_chart_clear (SaddleChart *chart)
{
  g_clear_pointer (&chart->x_ticks, g_array_unref);
  g_clear_pointer (&chart->y_ticks, g_array_unref);
}

static double
max_label_width (cairo_t *cr,
                 GArray  *ticks)
{
  double w = 0;

  for (guint i = 0; i < ticks->len; i++)
    {
      const SaddleTick *t = &g_array_index (ticks, SaddleTick, i);

      if (t->major)
        w = MAX (w, text_width (cr, t->label));
    }
  return w;
}

void
saddle_chart_layout (SaddleChart *chart,
                     double       x,
                     double       y,
                     double       width,
                     double       height)
{
  cairo_t *cr = chart->cr;
  double fs = chart->font_size;
  double tick_h, label_h, left, right, top, bottom, plot_w, plot_h, spacing;

  saddle_chart_clear (chart);
  cairo_save (cr);

  select_font (cr, fs, FALSE);
  label_h = cap_height (cr);
  select_font (cr, TICK_FONT (chart), FALSE);
  tick_h = cap_height (cr);

  /* Vertical margins do not depend on the ticks: fix them first. */
  top = 0.6 * tick_h + 0.2 * fs;
  bottom = TICK_LENGTH (chart) + 0.3 * fs;
  if (chart->show_x_tick_labels)
    bottom += GAP (chart) + tick_h;
  if (chart->x_label != NULL && chart->show_x_tick_labels)
    bottom += 0.9 * fs + label_h;
  bottom += 0.3 * fs;
  plot_h = MAX (1.0, height - top - bottom);

  /* About three lines of text between labelled y ticks keeps the grid calm; a short panel (a
   * stacked strip in a small window) packs them closer rather than keep fewer than two. */
  for (double y_spacing = MAX (3.0 * fs, 2.6 * tick_h);; y_spacing *= 0.8)
    {
      g_clear_pointer (&chart->y_ticks, g_array_unref);
      chart->y_ticks = saddle_axis_ticks (&chart->y_axis, plot_h, y_spacing);
      if (count_labelled (chart->y_ticks) >= 2 || y_spacing * 0.8 < 1.3 * tick_h)
        break;
    }

  left = 0.35 * fs + max_label_width (cr, chart->y_ticks) + GAP (chart) + TICK_LENGTH (chart);
  if (chart->y_label != NULL)
    left += label_h + 0.9 * fs;
  left = MAX (left, chart->min_left);

  /* x ticks: space the labels by their own width, which needs the ticks
   * first; two rounds settle it. */
  right = 1.2 * fs;
  plot_w = MAX (1.0, width - left - right);
  spacing = 6.0 * tick_h;
  for (guint round = 0; round < 2; round++)
    {
      double w;

      g_clear_pointer (&chart->x_ticks, g_array_unref);
      chart->x_ticks = saddle_axis_ticks (&chart->x_axis, plot_w, spacing);
      w = max_label_width (cr, chart->x_ticks) + 1.5 * fs;
      if (w <= spacing)
        break;
      spacing = w;
    }

  /* Keep the last x label inside the outer rectangle. */
  if (chart->show_x_tick_labels && chart->x_ticks->len > 0)
    {
      const SaddleTick *last = NULL;

      for (guint i = chart->x_ticks->len; i > 0; i--)
        if (g_array_index (chart->x_ticks, SaddleTick, i - 1).major)
          {
            last = &g_array_index (chart->x_ticks, SaddleTick, i - 1);
            break;
          }
      if (last != NULL)
        {
          double pos = saddle_axis_to_unit (&chart->x_axis, last->value) * plot_w;
          double overhang = text_width (cr, last->label) / 2 - (plot_w - pos);

          if (overhang > right - 0.3 * fs)
            right = overhang + 0.3 * fs;
        }
    }

  cairo_restore (cr);

  chart->margin_left = left;
  chart->margin_right = right;
  chart->margin_top = top;
  chart->margin_bottom = bottom;
  chart->x = x + left;
  chart->y = y + top;
  chart->width = MAX (1.0, width - left - right);
  chart->height = MAX (1.0, height - top - bottom);

  /* The width settled after the ticks were chosen; redo them for it. */
  if (fabs (chart->width - plot_w) > 0.5)
    {
      g_clear_pointer (&chart->x_ticks, g_array_unref);
      chart->x_ticks = saddle_axis_ticks (&chart->x_axis, chart->width, spacing);
    }
}

static inline double
x_unit_to_px (const SaddleChart *chart,
              double             u)
{
  if (isnan (u))
    return NAN;
  return CLAMP (chart->x + u * chart->width, -COORD_LIMIT, COORD_LIMIT);
}

static inline double
y_unit_to_px (const SaddleChart *chart,
              double             u)
{
  if (isnan (u))
    return NAN;
  /* y grows downwards in Cairo: flip once, here. */
  return CLAMP (chart->y + (1.0 - u) * chart->height, -COORD_LIMIT, COORD_LIMIT);
}

double
saddle_chart_x_to_px (const SaddleChart *chart,
                      double             value)
{
  return x_unit_to_px (chart, saddle_axis_to_unit (&chart->x_axis, value));
}

double
saddle_chart_y_to_px (const SaddleChart *chart,
                      double             value)
{
  return y_unit_to_px (chart, saddle_axis_to_unit (&chart->y_axis, value));
}

void
saddle_chart_to_px (const SaddleChart *chart,
                    const double      *xs,
                    const double      *ys,
                    gsize              n,
                    double            *px,
                    double            *py)
{
  saddle_axis_to_units (&chart->x_axis, xs, n, px);
  saddle_axis_to_units (&chart->y_axis, ys, n, py);
  for (gsize i = 0; i < n; i++)
    {
      px[i] = x_unit_to_px (chart, px[i]);
      py[i] = y_unit_to_px (chart, py[i]);
    }
}

void
saddle_chart_draw_grid (SaddleChart *chart)
{
  cairo_t *cr = chart->cr;
  double x0 = snap (chart->x), x1 = chart->x + chart->width;
  double y0 = chart->y, y1 = snap (chart->y + chart->height);

  if (chart->x_ticks == NULL)
    return;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);

  for (guint pass = 0; pass < 2; pass++)
    {
      gboolean major = pass == 1;

      saddle_color_set_source (&chart->palette.grid, cr, major ? 1.0 : 0.45);

      for (guint i = 0; i < chart->x_ticks->len; i++)
        {
          const SaddleTick *t = &g_array_index (chart->x_ticks, SaddleTick, i);
          double px;

          if (t->major != major)
            continue;
          px = snap (saddle_chart_x_to_px (chart, t->value));
          if (px <= x0 + 0.5 || px > x1 + 0.5)
            continue;
          cairo_move_to (cr, px, y0);
          cairo_line_to (cr, px, y1);
        }
      for (guint i = 0; i < chart->y_ticks->len; i++)
        {
          const SaddleTick *t = &g_array_index (chart->y_ticks, SaddleTick, i);
          double py;

          if (t->major != major)
            continue;
          py = snap (saddle_chart_y_to_px (chart, t->value));
          if (py < y0 - 0.5 || py >= y1 - 0.5)
            continue;
          cairo_move_to (cr, x0, py);
          cairo_line_to (cr, x1, py);
        }
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}

void
saddle_chart_draw_axes (SaddleChart *chart)
{
  cairo_t *cr = chart->cr;
  double fs = chart->font_size;
  double x0 = snap (chart->x), x1 = chart->x + chart->width;
  double y0 = chart->y, y1 = snap (chart->y + chart->height);
  double tick_len = TICK_LENGTH (chart);
  double tick_h;

  if (chart->x_ticks == NULL)
    return;

  cairo_save (cr);
  cairo_set_line_width (cr, 1.0);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_SQUARE);
  saddle_color_set_source (&chart->palette.axis, cr, 1.0);

  /* Left and bottom axis lines. */
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x0, y1);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);

  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
  for (guint i = 0; i < chart->x_ticks->len; i++)
    {
      const SaddleTick *t = &g_array_index (chart->x_ticks, SaddleTick, i);
      double px = snap (saddle_chart_x_to_px (chart, t->value));

      if (px < x0 - 0.5 || px > x1 + 0.5)
        continue;
      cairo_move_to (cr, px, y1);
      cairo_line_to (cr, px, y1 + (t->major ? tick_len : tick_len / 2));
    }
  for (guint i = 0; i < chart->y_ticks->len; i++)
    {
      const SaddleTick *t = &g_array_index (chart->y_ticks, SaddleTick, i);
      double py = snap (saddle_chart_y_to_px (chart, t->value));

      if (py < y0 - 0.5 || py > y1 + 0.5)
        continue;
      cairo_move_to (cr, x0, py);
      cairo_line_to (cr, x0 - (t->major ? tick_len : tick_len / 2), py);
    }
  cairo_stroke (cr);

  /* Tick labels. */
  select_font (cr, TICK_FONT (chart), FALSE);
  tick_h = cap_height (cr);
  saddle_color_set_source (&chart->palette.foreground, cr, 0.85);
  if (chart->show_x_tick_labels)
    for (guint i = 0; i < chart->x_ticks->len; i++)
      {
        const SaddleTick *t = &g_array_index (chart->x_ticks, SaddleTick, i);
        double px = saddle_chart_x_to_px (chart, t->value);

        if (!t->major || px < chart->x - 0.5 || px > x1 + 0.5)
          continue;
        saddle_chart_draw_text (cr, t->label, px, y1 + tick_len + GAP (chart), 0.5, 0.0);
      }
  for (guint i = 0; i < chart->y_ticks->len; i++)
    {
      const SaddleTick *t = &g_array_index (chart->y_ticks, SaddleTick, i);
      double py = saddle_chart_y_to_px (chart, t->value);

      if (!t->major || py < y0 - 0.5 || py > y1 + 0.5)
        continue;
      saddle_chart_draw_text (cr, t->label, x0 - tick_len - GAP (chart), py, 1.0, 0.5);
    }

  /* Axis labels: x centred under the tick labels, y rotated at the far left. */
  select_font (cr, fs, FALSE);
  saddle_color_set_source (&chart->palette.foreground, cr, 1.0);
  if (chart->x_label != NULL && chart->show_x_tick_labels)
    {
      g_autofree char *shown = fit_text (cr, chart->x_label, chart->width);

      saddle_chart_draw_text (cr, shown, chart->x + chart->width / 2,
                              y1 + tick_len + GAP (chart) + tick_h + 0.9 * fs, 0.5, 0.0);
    }
  if (chart->y_label != NULL)
    {
      double room = chart->height + chart->margin_bottom / 2;
      const char *label = chart->y_label_short != NULL && text_width (cr, chart->y_label) > room
                          ? chart->y_label_short : chart->y_label;
      g_autofree char *shown = fit_text (cr, label, room);

      cairo_save (cr);
      cairo_translate (cr, chart->x - chart->margin_left + 0.35 * fs, chart->y + chart->height / 2);
      cairo_rotate (cr, -G_PI / 2);
      saddle_chart_draw_text (cr, shown, 0, 0, 0.5, 0.0);
      cairo_restore (cr);
    }

  cairo_restore (cr);
}

void
saddle_chart_draw_message (SaddleChart *chart,
                           const char  *message)
{
  cairo_t *cr = chart->cr;

  double line = 1.3 * 1.15 * chart->font_size;
  const char *split = NULL;

  cairo_save (cr);
  select_font (cr, 1.15 * chart->font_size, FALSE);
  saddle_color_set_source (&chart->palette.muted, cr, 1.0);
  /* Too wide for a narrow chart: two lines, broken at the space nearest the middle. */
  if (text_width (cr, message) > 0.95 * chart->width)
    for (const char *p = strchr (message, ' '); p != NULL; p = strchr (p + 1, ' '))
      if (split == NULL || labs ((p - message) - (glong) strlen (message) / 2)
                           < labs ((split - message) - (glong) strlen (message) / 2))
        split = p;
  if (split != NULL)
    {
      g_autofree char *first = g_strndup (message, split - message);

      saddle_chart_draw_text (cr, first, chart->x + chart->width / 2,
                              chart->y + chart->height / 2 - line / 2, 0.5, 0.5);
      saddle_chart_draw_text (cr, split + 1, chart->x + chart->width / 2,
                              chart->y + chart->height / 2 + line / 2, 0.5, 0.5);
    }
  else
    saddle_chart_draw_text (cr, message, chart->x + chart->width / 2,
                            chart->y + chart->height / 2, 0.5, 0.5);
  cairo_restore (cr);
}

static guint
occupancy_in (const SaddleChart *chart,
              double             x,
              double             y,
              double             w,
              double             h)
{
  double cw = chart->width / SADDLE_CHART_OCCUPANCY;
  double ch = chart->height / SADDLE_CHART_OCCUPANCY;
  guint total = 0;

  for (int j = 0; j < SADDLE_CHART_OCCUPANCY; j++)
    for (int i = 0; i < SADDLE_CHART_OCCUPANCY; i++)
      {
        double cx = chart->x + i * cw, cy = chart->y + j * ch;

        if (cx + cw > x && cx < x + w && cy + ch > y && cy < y + h)
          total += chart->occupancy[j][i];
      }
  return total;
}

void
saddle_chart_draw_legend_inside (SaddleChart  *chart,
                                 SaddleLegend *legend)
{
  double lw, lh;
  double inset = 0.5 * chart->font_size;
  double best_x = 0, best_y = 0;
  guint best = G_MAXUINT;

  if (saddle_legend_n_entries (legend) == 0)
    return;

  saddle_legend_layout (legend, chart->cr, 0.5 * chart->width, 0.6 * chart->height,
                        FALSE, &lw, &lh);

  /* Top right first: on ties it is where readers look for a legend. */
  for (guint corner = 0; corner < 4; corner++)
    {
      double x = (corner == 0 || corner == 2) ? chart->x + chart->width - inset - lw : chart->x + inset;
      double y = corner < 2 ? chart->y + inset : chart->y + chart->height - inset - lh;
      guint cost = occupancy_in (chart, x, y, lw, lh);

      if (cost < best)
        {
          best = cost;
          best_x = x;
          best_y = y;
        }
    }

  saddle_legend_draw (legend, chart->cr, best_x, best_y, &chart->palette, TRUE);
}
