/* saddle-spectrum-view.c — the eigenvalue histogram of one critical point */
#define G_LOG_DOMAIN "saddle-spectrum-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-spectrum-view.h"

struct _SaddleSpectrumView
{
  SaddleChartView            parent_instance;

  const SaddleCriticalPoint *point;   /* borrowed */
  char                      *point_name;  /* the title's name for it, or NULL: "Run N" */
  SaddlePlotArea             area;    /* from the last drawing, with its bins */
  gboolean                   have_area;
};

G_DEFINE_FINAL_TYPE (SaddleSpectrumView, saddle_spectrum_view, SADDLE_TYPE_CHART_VIEW)

/* The bin under (@x, @y): its eigenvalue range and counts by class. */
static gboolean
bin_at (SaddleSpectrumView *self,
        double              x,
        double              y,
        double             *lo,
        double             *hi,
        gsize               counts[3])
{
  if (self->point == NULL || !self->have_area || !saddle_plot_area_contains (&self->area, x, y))
    return FALSE;
  return saddle_figure_spectrum_bin_at (self->point, &self->area, x, lo, hi, counts);
}

char *
saddle_spectrum_view_readout_at (SaddleSpectrumView *self,
                                 double              x,
                                 double              y)
{
  gsize counts[3], total;
  double lo, hi;

  g_return_val_if_fail (SADDLE_IS_SPECTRUM_VIEW (self), NULL);

  if (!bin_at (self, x, y, &lo, &hi, counts))
    return NULL;
  total = counts[0] + counts[1] + counts[2];
  /* TRANSLATORS: hover read-out on the spectrum histogram: the bin's eigenvalue range, then how
   * many eigenvalues it holds, split into negative, near zero and positive */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "λ from %.3g to %.3g\n%lu eigenvalue: %lu negative · %lu near zero · %lu positive",
                                       "λ from %.3g to %.3g\n%lu eigenvalues: %lu negative · %lu near zero · %lu positive",
                                       total),
                          lo, hi, (unsigned long) total, (unsigned long) counts[0],
                          (unsigned long) counts[1], (unsigned long) counts[2]);
}

static void
draw_hover (SaddleChartView *view,
            cairo_t         *cr,
            double           width,
            double           height,
            double           x,
            double           y,
            gboolean         dark)
{
  SaddleSpectrumView *self = SADDLE_SPECTRUM_VIEW (view);
  g_autofree char *text = NULL;
  gsize counts[3];
  double lo, hi, x0, x1;

  if (!bin_at (self, x, y, &lo, &hi, counts))
    return;

  /* The bin, shaded across the plot's height. */
  saddle_plot_area_from_data (&self->area, lo, self->area.y_min, &x0, NULL);
  saddle_plot_area_from_data (&self->area, hi, self->area.y_min, &x1, NULL);
  x0 = MAX (x0, self->area.x);
  x1 = MIN (x1, self->area.x + self->area.width);
  if (isfinite (x0) && isfinite (x1) && x1 > x0)
    {
      cairo_save (cr);
      cairo_set_source_rgba (cr, dark ? 1 : 0, dark ? 1 : 0, dark ? 1 : 0, 0.12);
      cairo_rectangle (cr, x0, self->area.y, x1 - x0, self->area.height);
      cairo_fill (cr);
      cairo_restore (cr);
    }

  text = saddle_spectrum_view_readout_at (self, x, y);
  if (text != NULL)
    saddle_chart_draw_readout (cr, width, height, x, y, text, dark);
}

static void
saddle_spectrum_view_draw (SaddleChartView   *view,
                           cairo_t           *cr,
                           double             width,
                           double             height,
                           SaddleFigureStyle *style)
{
  SaddleSpectrumView *self = SADDLE_SPECTRUM_VIEW (view);

  self->have_area = FALSE;
  if (self->point == NULL || self->point->spectrum == NULL)
    return;
  style->point_name = self->point_name;
  saddle_figure_spectrum_area (cr, width, height, self->point, style, &self->area);
  self->have_area = TRUE;
}

static const SaddlePlotArea *
get_area (SaddleChartView *view,
          guint            panel)
{
  return panel == 0 ? saddle_spectrum_view_get_area (SADDLE_SPECTRUM_VIEW (view)) : NULL;
}

static void
saddle_spectrum_view_finalize (GObject *object)
{
  g_free (SADDLE_SPECTRUM_VIEW (object)->point_name);

  G_OBJECT_CLASS (saddle_spectrum_view_parent_class)->finalize (object);
}

static void
saddle_spectrum_view_class_init (SaddleSpectrumViewClass *klass)
{
  SaddleChartViewClass *chart_class = SADDLE_CHART_VIEW_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = saddle_spectrum_view_finalize;

  chart_class->draw_hover = draw_hover;
  chart_class->get_area = get_area;
  /* A closer look is a finer histogram: its counts set the y axis again. */
  chart_class->zoom_fits_y = TRUE;
  chart_class->draw = saddle_spectrum_view_draw;
  saddle_chart_view_class_set_min_size (chart_class, 240, 160);
}

static void
saddle_spectrum_view_init (SaddleSpectrumView *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "spectrum");
}

GtkWidget *
saddle_spectrum_view_new (void)
{
  return g_object_new (SADDLE_TYPE_SPECTRUM_VIEW, NULL);
}

void
saddle_spectrum_view_set_point (SaddleSpectrumView        *self,
                                const SaddleCriticalPoint *point)
{
  g_return_if_fail (SADDLE_IS_SPECTRUM_VIEW (self));

  /* Another point, another spectrum: its own fitted axes. */
  if (point != self->point)
    saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self));
  self->point = point;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
saddle_spectrum_view_set_point_name (SaddleSpectrumView *self,
                                     const char         *name)
{
  g_return_if_fail (SADDLE_IS_SPECTRUM_VIEW (self));

  g_free (self->point_name);
  self->point_name = g_strdup (name);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SaddlePlotArea *
saddle_spectrum_view_get_area (SaddleSpectrumView *self)
{
  g_return_val_if_fail (SADDLE_IS_SPECTRUM_VIEW (self), NULL);

  return self->have_area ? &self->area : NULL;
}

const SaddleCriticalPoint *
saddle_spectrum_view_get_point (SaddleSpectrumView *self)
{
  g_return_val_if_fail (SADDLE_IS_SPECTRUM_VIEW (self), NULL);

  return self->point;
}
