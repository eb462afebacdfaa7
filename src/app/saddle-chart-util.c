/* saddle-chart-util.c — helpers the chart widgets share */
#define G_LOG_DOMAIN "saddle-chart-util"

#include "config.h"

#include <glib/gi18n.h>

#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-text.h"
#include "saddle-window.h"

gboolean
saddle_chart_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;

  /* GTK 4.8 has no gtk_widget_get_color (); the style context still tells
   * the text colour, and light text means a dark theme. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  return 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue > 0.5;
}

void
saddle_chart_style_for_widget (GtkWidget         *widget,
                               SaddleFigureStyle *style)
{
  GtkRoot *root;

  saddle_figure_style_init (style);
  style->dark = saddle_chart_is_dark (widget);
  /* The widget's CSS background shows through, so charts follow the theme. */
  style->transparent = TRUE;
  /* An empty chart on screen says how to fill it, or that it is being filled. */
  root = gtk_widget_get_root (widget);
  style->empty_message = SADDLE_IS_WINDOW (root) && saddle_window_get_busy (SADDLE_WINDOW (root))
                         ? _("Waiting for the first results…")
                         : _("Choose the settings, then Start (Ctrl+Return)");
}

gboolean
saddle_plot_area_contains (const SaddlePlotArea *area,
                           double                x,
                           double                y)
{
  return area->width > 0 && area->height > 0 &&
         x >= area->x && x <= area->x + area->width &&
         y >= area->y && y <= area->y + area->height;
}

void
saddle_plot_area_to_data (const SaddlePlotArea *area,
                          double                x,
                          double                y,
                          double               *data_x,
                          double               *data_y)
{
  double tx = area->width > 0 ? (x - area->x) / area->width : 0;
  double ty = area->height > 0 ? (area->y + area->height - y) / area->height : 0;
  SaddleAxis x_axis, y_axis;

  saddle_plot_area_axes (area, &x_axis, &y_axis);
  if (data_x != NULL)
    *data_x = saddle_axis_from_unit (&x_axis, tx);
  if (data_y != NULL)
    *data_y = saddle_axis_from_unit (&y_axis, ty);
}

void
saddle_plot_area_from_data (const SaddlePlotArea *area,
                            double                data_x,
                            double                data_y,
                            double               *x,
                            double               *y)
{
  SaddleAxis x_axis, y_axis;

  saddle_plot_area_axes (area, &x_axis, &y_axis);
  if (x != NULL)
    *x = area->x + saddle_axis_to_unit (&x_axis, data_x) * area->width;
  if (y != NULL)
    *y = area->y + area->height - saddle_axis_to_unit (&y_axis, data_y) * area->height;
}

void
saddle_chart_measure (GtkOrientation  orientation,
                      int             for_size,
                      int             min_width,
                      int             min_height,
                      int            *minimum,
                      int            *natural)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = min_width;
      *natural = MAX (min_width, 600);
    }
  else
    {
      *minimum = min_height;
      *natural = MAX (min_height, for_size > 0 ? for_size * 2 / 3 : 400);
    }
}

void
saddle_chart_draw_hover_guide (cairo_t  *cr,
                               double    x,
                               double    top,
                               double    bottom,
                               gboolean  dark)
{
  cairo_save (cr);
  cairo_set_source_rgba (cr, dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.35);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, floor (x) + 0.5, top);
  cairo_line_to (cr, floor (x) + 0.5, bottom);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
saddle_chart_draw_hover_ring (cairo_t  *cr,
                              double    x,
                              double    y,
                              gboolean  dark)
{
  cairo_save (cr);
  cairo_set_source_rgba (cr, dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.8);
  cairo_set_line_width (cr, 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x, y, 4.5, 0, 2 * G_PI);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
saddle_chart_draw_readout (cairo_t    *cr,
                           double      width,
                           double      height,
                           double      x,
                           double      y,
                           const char *text,
                           gboolean    dark)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  const double line_height = 16;
  double pad = 6, bw, bh, bx, by, r = 5, widest = 0;
  guint n_lines = g_strv_length (lines);

  cairo_save (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 12);
  /* One line per "\n": the box fits the widest. */
  for (guint i = 0; i < n_lines; i++)
    {
      cairo_text_extents_t ext;

      saddle_text_extents (cr, lines[i], &ext);
      widest = MAX (widest, ext.x_advance);
    }

  bw = widest + 2 * pad;
  bh = 12 + (MAX (n_lines, 1) - 1) * line_height + 2 * pad;
  /* Right of and above the pointer, flipped when it would leave the widget. */
  bx = x + 14;
  by = y - bh - 10;
  if (bx + bw > width - 2)
    bx = x - 14 - bw;
  if (by < 2)
    by = y + 14;
  bx = CLAMP (bx, 2, MAX (2, width - bw - 2));
  by = CLAMP (by, 2, MAX (2, height - bh - 2));

  cairo_new_sub_path (cr);
  cairo_arc (cr, bx + bw - r, by + r, r, -G_PI / 2, 0);
  cairo_arc (cr, bx + bw - r, by + bh - r, r, 0, G_PI / 2);
  cairo_arc (cr, bx + r, by + bh - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, bx + r, by + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  if (dark)
    cairo_set_source_rgba (cr, 0.12, 0.12, 0.14, 0.92);
  else
    cairo_set_source_rgba (cr, 1, 1, 1, 0.94);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.25);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);

  if (dark)
    cairo_set_source_rgb (cr, 0.93, 0.93, 0.93);
  else
    cairo_set_source_rgb (cr, 0.13, 0.13, 0.13);
  for (guint i = 0; i < n_lines; i++)
    {
      cairo_move_to (cr, bx + pad, by + pad + 12 * 0.8 + i * line_height);
      saddle_text_show (cr, lines[i]);
    }
  cairo_restore (cr);
}

const char *
saddle_chart_label_name (SaddleCriticalLabel label)
{
  return _(saddle_critical_label_title (label));
}
