/* saddle-critical-view.c — minimal ratio against loss, one point per analysed run; click to pick */
#define G_LOG_DOMAIN "saddle-critical-view"

#include "config.h"

#include <glib/gi18n.h>

#include "saddle-chart-util.h"
#include "saddle-critical-view.h"

/* Pointer slack for a click, in pixels. */
#define PICK_RADIUS 12.0

struct _SaddleCriticalView
{
  SaddleChartView          parent_instance;

  const SaddleCriticalSet *set;        /* borrowed */
  int                      selected;
  SaddleCriticalRatio      ratio;
  gboolean                 show_trend;
  gboolean                 show_pb_fit;
  gboolean                 ratio_axis_full;
  SaddlePlotArea           area;
  gboolean                 have_area;
  SaddleCriticalTrend      trend;      /* of set and ratio, when trend_valid */
  guint                    trend_points; /* set->points->len it was computed for */
  gboolean                 trend_valid;
  GArray                  *reference;  /* SaddleGroundTruthLevel, owned ref; NULL: none */
};

G_DEFINE_FINAL_TYPE (SaddleCriticalView, saddle_critical_view, SADDLE_TYPE_CHART_VIEW)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
released_cb (GtkGestureClick    *gesture,
             int                 n_press,
             double              x,
             double              y,
             SaddleCriticalView *self)
{
  /* On release, so a drag that pans the plot picks nothing. */
  if (!saddle_chart_view_was_dragged (SADDLE_CHART_VIEW (self)))
    saddle_critical_view_pick (self, x, y);
}

static const SaddlePlotArea *
get_area (SaddleChartView *view,
          guint            panel)
{
  SaddleCriticalView *self = SADDLE_CRITICAL_VIEW (view);

  return self->have_area && panel == 0 ? &self->area : NULL;
}

static void
saddle_critical_view_draw (SaddleChartView   *view,
                           cairo_t           *cr,
                           double             width,
                           double             height,
                           SaddleFigureStyle *style)
{
  SaddleCriticalView *self = SADDLE_CRITICAL_VIEW (view);

  style->critical_ratio = self->ratio;
  style->show_trend = self->show_trend;
  style->show_pb_fit = self->show_pb_fit;
  style->ratio_axis_full = self->ratio_axis_full;
  style->critical_reference = self->reference;
  saddle_figure_critical (cr, width, height, self->set,
                          self->show_trend ? saddle_critical_view_get_trend (self) : NULL,
                          self->selected, style, &self->area);
  self->have_area = TRUE;
}

static void
saddle_critical_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SaddleCriticalView *self = SADDLE_CRITICAL_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_int (value, self->selected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_critical_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SaddleCriticalView *self = SADDLE_CRITICAL_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      saddle_critical_view_set_selected (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_critical_view_finalize (GObject *object)
{
  SaddleCriticalView *self = SADDLE_CRITICAL_VIEW (object);

  g_clear_pointer (&self->reference, g_array_unref);

  G_OBJECT_CLASS (saddle_critical_view_parent_class)->finalize (object);
}

/* The read-out of the point under the pointer: run, loss, the ratio shown, what it is. */
static char *
readout_at (SaddleChartView *view,
            double           x,
            double           y)
{
  SaddleCriticalView *self = SADDLE_CRITICAL_VIEW (view);
  const SaddleCriticalPoint *point;
  int index;

  if (self->set == NULL || !self->have_area)
    return NULL;
  index = saddle_figure_critical_pick (self->set, &self->area, x, y, PICK_RADIUS);
  if (index < 0)
    return NULL;
  point = g_ptr_array_index (self->set->points, index);
  /* TRANSLATORS: a point of the critical scatter under the pointer: run, loss, the ratio's
   * name and value, and what the point is */
  return g_strdup_printf (_("Run %u · loss %.4g · %s %.4f\n%s"), point->run + 1, point->loss,
                          self->ratio == SADDLE_CRITICAL_RATIO_NONZERO ? _("nonzero ratio")
                                                                       : _("minimal ratio"),
                          self->ratio == SADDLE_CRITICAL_RATIO_NONZERO
                          ? point->spectrum->nonzero_ratio : point->spectrum->minimal_ratio,
                          saddle_chart_label_name (point->label));
}

static void
saddle_critical_view_class_init (SaddleCriticalViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SaddleChartViewClass *chart_class = SADDLE_CHART_VIEW_CLASS (klass);

  object_class->finalize = saddle_critical_view_finalize;
  object_class->get_property = saddle_critical_view_get_property;
  object_class->set_property = saddle_critical_view_set_property;

  chart_class->draw = saddle_critical_view_draw;
  chart_class->readout_at = readout_at;
  chart_class->get_area = get_area;
  saddle_chart_view_class_set_min_size (chart_class, 260, 220);

  properties[PROP_SELECTED] =
    g_param_spec_int ("selected", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
saddle_critical_view_init (SaddleCriticalView *self)
{
  GtkGesture *click;

  self->selected = -1;
  self->show_trend = TRUE;

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_widget_add_css_class (GTK_WIDGET (self), "critical");
}

GtkWidget *
saddle_critical_view_new (void)
{
  return g_object_new (SADDLE_TYPE_CRITICAL_VIEW, NULL);
}

void
saddle_critical_view_set_set (SaddleCriticalView      *self,
                              const SaddleCriticalSet *set)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_VIEW (self));

  self->set = set;
  self->trend_valid = FALSE;
  if (set == NULL || self->selected >= (int) set->points->len)
    saddle_critical_view_set_selected (self, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
saddle_critical_view_set_reference (SaddleCriticalView *self,
                                    GArray             *reference)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_VIEW (self));

  if (reference == self->reference)
    return;
  g_clear_pointer (&self->reference, g_array_unref);
  if (reference != NULL)
    self->reference = g_array_ref (reference);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GArray *
saddle_critical_view_get_reference (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), NULL);

  return self->reference;
}

const SaddleCriticalSet *
saddle_critical_view_get_set (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), NULL);

  return self->set;
}

void
saddle_critical_view_set_changed (SaddleCriticalView *self)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_VIEW (self));

  self->trend_valid = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
saddle_critical_view_set_selected (SaddleCriticalView *self,
                                   int                 selected)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_VIEW (self));

  if (self->set == NULL || selected < 0 || selected >= (int) self->set->points->len)
    selected = -1;
  if (self->selected == selected)
    return;
  self->selected = selected;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

int
saddle_critical_view_get_selected (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), -1);

  return self->selected;
}

int
saddle_critical_view_pick (SaddleCriticalView *self,
                           double              x,
                           double              y)
{
  int index;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), -1);

  if (self->set == NULL || !self->have_area)
    return -1;

  index = saddle_figure_critical_pick (self->set, &self->area, x, y, PICK_RADIUS);
  /* A click beside every point keeps the current selection. */
  if (index >= 0)
    saddle_critical_view_set_selected (self, index);
  return index;
}

const SaddlePlotArea *
saddle_critical_view_get_area (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), NULL);

  return self->have_area ? &self->area : NULL;
}

void
saddle_critical_view_set_ratio (SaddleCriticalView  *self,
                                SaddleCriticalRatio  ratio)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_VIEW (self));

  if (self->ratio == ratio)
    return;
  self->ratio = ratio;
  self->trend_valid = FALSE;
  /* Another ratio on y: its own fitted (or 0–1) axis. */
  saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SaddleCriticalTrend *
saddle_critical_view_get_trend (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), NULL);

  /* Once per change of the set or the ratio: the bootstrap and permutations take a few ms. */
  if (!self->trend_valid
      || self->trend_points != (self->set != NULL ? self->set->points->len : 0))
    {
      saddle_critical_trend_compute (self->set, self->ratio, &self->trend);
      self->trend_points = self->set != NULL ? self->set->points->len : 0;
      self->trend_valid = TRUE;
    }
  return &self->trend;
}

SaddleCriticalRatio
saddle_critical_view_get_ratio (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), SADDLE_CRITICAL_RATIO_MINIMAL);

  return self->ratio;
}

void
saddle_critical_view_set_show_trend (SaddleCriticalView *self,
                                     gboolean            show)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_VIEW (self));

  self->show_trend = !!show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
saddle_critical_view_get_show_trend (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), FALSE);

  return self->show_trend;
}

void
saddle_critical_view_set_show_pb_fit (SaddleCriticalView *self,
                                      gboolean            show)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_VIEW (self));

  self->show_pb_fit = !!show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
saddle_critical_view_get_show_pb_fit (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), FALSE);

  return self->show_pb_fit;
}

void
saddle_critical_view_set_ratio_axis_full (SaddleCriticalView *self,
                                          gboolean            full)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_VIEW (self));

  self->ratio_axis_full = !!full;
  /* The toggle shows at once, and Home returns to the axis it chose. */
  saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
saddle_critical_view_get_ratio_axis_full (SaddleCriticalView *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_VIEW (self), FALSE);

  return self->ratio_axis_full;
}
