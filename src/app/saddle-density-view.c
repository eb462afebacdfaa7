/* saddle-density-view.c — the SLQ eigenvalue density, with the exact spectrum overlaid as a
 * histogram where it exists */
#define G_LOG_DOMAIN "saddle-density-view"

#include "config.h"

#include "saddle-density-view.h"

struct _SaddleDensityView
{
  SaddleChartView       parent_instance;

  const SaddleDensity  *density;   /* borrowed */
  const SaddleSpectrum *exact;     /* borrowed, may be NULL */
};

G_DEFINE_FINAL_TYPE (SaddleDensityView, saddle_density_view, SADDLE_TYPE_CHART_VIEW)

static void
saddle_density_view_draw (SaddleChartView   *view,
                          cairo_t           *cr,
                          double             width,
                          double             height,
                          SaddleFigureStyle *style)
{
  SaddleDensityView *self = SADDLE_DENSITY_VIEW (view);

  if (self->density != NULL)
    saddle_figure_density (cr, width, height, self->density, self->exact, style);
}

static void
saddle_density_view_class_init (SaddleDensityViewClass *klass)
{
  SaddleChartViewClass *chart_class = SADDLE_CHART_VIEW_CLASS (klass);

  chart_class->draw = saddle_density_view_draw;
  saddle_chart_view_class_set_min_size (chart_class, 240, 160);
}

static void
saddle_density_view_init (SaddleDensityView *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "density");
}

GtkWidget *
saddle_density_view_new (void)
{
  return g_object_new (SADDLE_TYPE_DENSITY_VIEW, NULL);
}

void
saddle_density_view_set_density (SaddleDensityView    *self,
                                 const SaddleDensity  *density,
                                 const SaddleSpectrum *exact)
{
  g_return_if_fail (SADDLE_IS_DENSITY_VIEW (self));

  self->density = density;
  self->exact = exact;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SaddleDensity *
saddle_density_view_get_density (SaddleDensityView *self)
{
  g_return_val_if_fail (SADDLE_IS_DENSITY_VIEW (self), NULL);

  return self->density;
}

const SaddleSpectrum *
saddle_density_view_get_exact (SaddleDensityView *self)
{
  g_return_val_if_fail (SADDLE_IS_DENSITY_VIEW (self), NULL);

  return self->exact;
}
