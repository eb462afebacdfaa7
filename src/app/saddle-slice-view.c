/* saddle-slice-view.c — the loss along a critical point's bottom and top Hessian eigenvectors */
#define G_LOG_DOMAIN "saddle-slice-view"

#include "config.h"

#include "saddle-slice-view.h"

struct _SaddleSliceView
{
  SaddleChartView    parent_instance;

  const SaddleSlice *slice;   /* borrowed */
};

G_DEFINE_FINAL_TYPE (SaddleSliceView, saddle_slice_view, SADDLE_TYPE_CHART_VIEW)

static void
saddle_slice_view_draw (SaddleChartView   *view,
                        cairo_t           *cr,
                        double             width,
                        double             height,
                        SaddleFigureStyle *style)
{
  SaddleSliceView *self = SADDLE_SLICE_VIEW (view);

  if (self->slice == NULL)
    return;
  saddle_figure_slice (cr, width, height, self->slice, style);
}

static void
saddle_slice_view_class_init (SaddleSliceViewClass *klass)
{
  SaddleChartViewClass *chart_class = SADDLE_CHART_VIEW_CLASS (klass);

  chart_class->draw = saddle_slice_view_draw;
  saddle_chart_view_class_set_min_size (chart_class, 240, 160);
}

static void
saddle_slice_view_init (SaddleSliceView *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "slice");
}

GtkWidget *
saddle_slice_view_new (void)
{
  return g_object_new (SADDLE_TYPE_SLICE_VIEW, NULL);
}

void
saddle_slice_view_set_slice (SaddleSliceView   *self,
                             const SaddleSlice *slice)
{
  g_return_if_fail (SADDLE_IS_SLICE_VIEW (self));

  self->slice = slice;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SaddleSlice *
saddle_slice_view_get_slice (SaddleSliceView *self)
{
  g_return_val_if_fail (SADDLE_IS_SLICE_VIEW (self), NULL);

  return self->slice;
}
