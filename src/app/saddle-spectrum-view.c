/* saddle-spectrum-view.c — the eigenvalue histogram of one critical point */
#define G_LOG_DOMAIN "saddle-spectrum-view"

#include "config.h"

#include "saddle-chart.h"
#include "saddle-spectrum-view.h"

struct _SaddleSpectrumView
{
  GtkWidget                  parent_instance;

  const SaddleCriticalPoint *point;   /* borrowed */
};

G_DEFINE_FINAL_TYPE (SaddleSpectrumView, saddle_spectrum_view, GTK_TYPE_WIDGET)

static void
saddle_spectrum_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  SaddleSpectrumView *self = SADDLE_SPECTRUM_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  SaddleFigureStyle style;
  cairo_t *cr;

  if (width < 2 || height < 2 || self->point == NULL || self->point->spectrum == NULL)
    return;

  saddle_chart_style_for_widget (widget, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  saddle_figure_spectrum (cr, width, height, self->point, &style);
  cairo_destroy (cr);
}

static void
saddle_spectrum_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  saddle_chart_measure (orientation, for_size, 240, 200, minimum, natural);
}

static void
saddle_spectrum_view_class_init (SaddleSpectrumViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = saddle_spectrum_view_snapshot;
  widget_class->measure = saddle_spectrum_view_measure;

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
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
