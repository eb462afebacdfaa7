/* saddle-slice-view.c — the loss along a critical point's bottom and top Hessian eigenvectors */
#define G_LOG_DOMAIN "saddle-slice-view"

#include "config.h"

#include "saddle-chart.h"
#include "saddle-slice-view.h"

struct _SaddleSliceView
{
  GtkWidget          parent_instance;

  const SaddleSlice *slice;   /* borrowed */
};

G_DEFINE_FINAL_TYPE (SaddleSliceView, saddle_slice_view, GTK_TYPE_WIDGET)

static void
saddle_slice_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  SaddleSliceView *self = SADDLE_SLICE_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  SaddleFigureStyle style;
  cairo_t *cr;

  if (width < 2 || height < 2 || self->slice == NULL)
    return;

  saddle_chart_style_for_widget (widget, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  saddle_figure_slice (cr, width, height, self->slice, &style);
  cairo_destroy (cr);
}

static void
saddle_slice_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  saddle_chart_measure (orientation, for_size, 240, 180, minimum, natural);
}

static void
saddle_slice_view_class_init (SaddleSliceViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = saddle_slice_view_snapshot;
  widget_class->measure = saddle_slice_view_measure;

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
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
