/* saddle-spectrum-view.c — the eigenvalue histogram of one critical point */
#define G_LOG_DOMAIN "saddle-spectrum-view"

#include "config.h"

#include "saddle-spectrum-view.h"

struct _SaddleSpectrumView
{
  SaddleChartView            parent_instance;

  const SaddleCriticalPoint *point;   /* borrowed */
};

G_DEFINE_FINAL_TYPE (SaddleSpectrumView, saddle_spectrum_view, SADDLE_TYPE_CHART_VIEW)

static void
saddle_spectrum_view_draw (SaddleChartView   *view,
                           cairo_t           *cr,
                           double             width,
                           double             height,
                           SaddleFigureStyle *style)
{
  SaddleSpectrumView *self = SADDLE_SPECTRUM_VIEW (view);

  if (self->point == NULL || self->point->spectrum == NULL)
    return;
  saddle_figure_spectrum (cr, width, height, self->point, style);
}

static void
saddle_spectrum_view_class_init (SaddleSpectrumViewClass *klass)
{
  SaddleChartViewClass *chart_class = SADDLE_CHART_VIEW_CLASS (klass);

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

  self->point = point;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SaddleCriticalPoint *
saddle_spectrum_view_get_point (SaddleSpectrumView *self)
{
  g_return_val_if_fail (SADDLE_IS_SPECTRUM_VIEW (self), NULL);

  return self->point;
}
