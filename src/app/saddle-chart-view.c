/* saddle-chart-view.c — the base of the chart widgets */
#define G_LOG_DOMAIN "saddle-chart-view"

#include "config.h"

#include "saddle-chart-util.h"
#include "saddle-chart-view.h"

typedef struct
{
  gboolean pointer_inside;
  double   pointer_x;
  double   pointer_y;
} SaddleChartViewPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SaddleChartView, saddle_chart_view, GTK_TYPE_WIDGET)

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           SaddleChartView          *self)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);

  priv->pointer_inside = TRUE;
  priv->pointer_x = x;
  priv->pointer_y = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *controller,
          SaddleChartView          *self)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);

  priv->pointer_inside = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
saddle_chart_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  SaddleChartView *self = SADDLE_CHART_VIEW (widget);
  SaddleChartViewClass *klass = SADDLE_CHART_VIEW_GET_CLASS (self);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  SaddleFigureStyle style;
  cairo_t *cr;

  if (width < 2 || height < 2 || klass->draw == NULL)
    return;

  saddle_chart_style_for_widget (widget, &style);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  klass->draw (self, cr, width, height, &style);
  cairo_destroy (cr);

  saddle_chart_view_snapshot_hover (self, snapshot, width, height, style.dark);
}

static void
saddle_chart_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  SaddleChartViewClass *klass = SADDLE_CHART_VIEW_GET_CLASS (widget);

  saddle_chart_measure (orientation, for_size, klass->min_width, klass->min_height,
                        minimum, natural);
}

static void
saddle_chart_view_constructed (GObject *object)
{
  SaddleChartView *self = SADDLE_CHART_VIEW (object);

  G_OBJECT_CLASS (saddle_chart_view_parent_class)->constructed (object);

  /* Only here does the instance know its final class, and so whether it hovers. */
  if (SADDLE_CHART_VIEW_GET_CLASS (self)->draw_hover != NULL)
    {
      GtkEventController *motion = gtk_event_controller_motion_new ();

      g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
      g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
      g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
      gtk_widget_add_controller (GTK_WIDGET (self), motion);
    }
}

static void
saddle_chart_view_class_init (SaddleChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = saddle_chart_view_constructed;

  widget_class->snapshot = saddle_chart_view_snapshot;
  widget_class->measure = saddle_chart_view_measure;

  klass->min_width = 240;
  klass->min_height = 180;

  /* Subclasses inherit both. */
  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
saddle_chart_view_init (SaddleChartView *self)
{
}

void
saddle_chart_view_class_set_min_size (SaddleChartViewClass *klass,
                                      int                   min_width,
                                      int                   min_height)
{
  g_return_if_fail (SADDLE_IS_CHART_VIEW_CLASS (klass));

  klass->min_width = min_width;
  klass->min_height = min_height;
}

gboolean
saddle_chart_view_get_pointer (SaddleChartView *self,
                               double          *x,
                               double          *y)
{
  SaddleChartViewPrivate *priv;

  g_return_val_if_fail (SADDLE_IS_CHART_VIEW (self), FALSE);

  priv = saddle_chart_view_get_instance_private (self);
  if (x != NULL)
    *x = priv->pointer_x;
  if (y != NULL)
    *y = priv->pointer_y;
  return priv->pointer_inside;
}

void
saddle_chart_view_snapshot_hover (SaddleChartView *self,
                                  GtkSnapshot     *snapshot,
                                  double           width,
                                  double           height,
                                  gboolean         dark)
{
  SaddleChartViewClass *klass;
  SaddleChartViewPrivate *priv;
  cairo_t *cr;

  g_return_if_fail (SADDLE_IS_CHART_VIEW (self));

  klass = SADDLE_CHART_VIEW_GET_CLASS (self);
  priv = saddle_chart_view_get_instance_private (self);
  if (!priv->pointer_inside || klass->draw_hover == NULL)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  klass->draw_hover (self, cr, width, height, priv->pointer_x, priv->pointer_y, dark);
  cairo_destroy (cr);
}
