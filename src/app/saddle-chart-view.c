/* saddle-chart-view.c — the base of the chart widgets */
#define G_LOG_DOMAIN "saddle-chart-view"

#include "config.h"

#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-chart-view.h"

/* One wheel notch (or key press) zooms by this factor. */
#define ZOOM_STEP 1.25
/* A press moving further than this (pixels) pans instead of clicking. */
#define DRAG_THRESHOLD 3.0
/* Most panels a figure stacks. */
#define MAX_PANELS 2
/* Redraws that may follow a zoom to put its anchor back under the pointer. */
#define MAX_SETTLE 4

typedef struct
{
  gboolean        pointer_inside;
  double          pointer_x;
  double          pointer_y;

  SaddleViewRange view;           /* the zoom drawn with; all unset: fitted */
  /* The drag in progress: the panel it started in (−1: none), what it shows there and the
   * view then; pans move from this start, so they do not drift. */
  int             drag_panel;
  double          drag_x, drag_y;
  SaddlePlotArea  drag_area;
  SaddleViewRange drag_view;
  gboolean        dragged;
  GdkCursor      *cursor_before_drag;   /* owned, may be NULL: restored when the pan ends */

  /* The data point a zoom or pan holds under the pointer: new tick labels can move the plot's
   * edges by a few pixels, so the drawing after it checks and corrects (see settle()). */
  gboolean        anchored;
  guint           anchor_panel;
  SaddleZoomAxes  anchor_axes;
  double          anchor_px, anchor_py;     /* where it must be, user space */
  double          anchor_x, anchor_y;       /* the data values */
  guint           settle_count;
} SaddleChartViewPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SaddleChartView, saddle_chart_view, GTK_TYPE_WIDGET)

/* The areas of the last drawing, in @areas; returns how many panels there are. */
static guint
get_areas (SaddleChartView *self,
           SaddlePlotArea   areas[MAX_PANELS])
{
  SaddleChartViewClass *klass = SADDLE_CHART_VIEW_GET_CLASS (self);
  guint n = 0;

  while (klass->get_area != NULL && n < MAX_PANELS)
    {
      const SaddlePlotArea *area = klass->get_area (self, n);

      if (area == NULL)
        break;
      areas[n++] = *area;
    }
  return n;
}

static void
set_view (SaddleChartView       *self,
          const SaddleViewRange *view)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);

  priv->view = *view;
  priv->anchored = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* After set_view(): the data at (@data_x, @data_y) belongs at (@px, @py) of panel @panel. */
static void
set_anchor (SaddleChartView *self,
            guint            panel,
            SaddleZoomAxes   axes,
            double           px,
            double           py,
            double           data_x,
            double           data_y)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);

  priv->anchored = isfinite (data_x) && isfinite (data_y);
  priv->anchor_panel = panel;
  priv->anchor_axes = axes;
  priv->anchor_px = px;
  priv->anchor_py = py;
  priv->anchor_x = data_x;
  priv->anchor_y = data_y;
  priv->settle_count = 0;
}

/* Called after each drawing: if the anchor is off its pixel (the plot's margins changed with
 * its tick labels), pans it back and draws again; a few rounds at most. */
static void
settle (SaddleChartView *self)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);
  SaddlePlotArea areas[MAX_PANELS];
  SaddleViewRange view;
  guint n;
  double sx, sy, dx, dy;

  if (!priv->anchored)
    return;
  n = get_areas (self, areas);
  if (priv->anchor_panel >= n || priv->settle_count >= MAX_SETTLE)
    {
      priv->anchored = FALSE;
      return;
    }
  saddle_plot_area_from_data (&areas[priv->anchor_panel], priv->anchor_x, priv->anchor_y, &sx, &sy);
  dx = (priv->anchor_axes & SADDLE_ZOOM_X) ? priv->anchor_px - sx : 0;
  dy = (priv->anchor_axes & SADDLE_ZOOM_Y) ? priv->anchor_py - sy : 0;
  view = priv->view;
  if (!isfinite (dx) || !isfinite (dy) || (fabs (dx) < 0.01 && fabs (dy) < 0.01)
      || !saddle_chart_zoom_pan (&view, &areas[priv->anchor_panel], priv->anchor_panel, dx, dy,
                                 priv->anchor_axes))
    {
      priv->anchored = FALSE;
      return;
    }
  priv->view = view;
  priv->settle_count++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

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

/* What the wheel, a drag and the keys move: both axes, or x alone where y fits what shows. */
static SaddleZoomAxes
plain_axes (SaddleChartView *self)
{
  return SADDLE_CHART_VIEW_GET_CLASS (self)->zoom_fits_y ? SADDLE_ZOOM_X : SADDLE_ZOOM_BOTH;
}

static gboolean
scroll_cb (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           SaddleChartView          *self)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));
  SaddleZoomAxes axes = plain_axes (self);
  /* Shift+wheel may arrive as a horizontal scroll; a sideways swipe alone zooms nothing. */
  double steps = dy != 0 || !(state & GDK_SHIFT_MASK) ? dy : dx;

  if (!priv->pointer_inside || steps == 0)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    axes = SADDLE_ZOOM_Y;
  else if (state & GDK_SHIFT_MASK)
    axes = SADDLE_ZOOM_X;
  /* Scrolling up (dy < 0) zooms in. */
  return saddle_chart_view_zoom_at (self, priv->pointer_x, priv->pointer_y, pow (ZOOM_STEP, steps), axes);
}

static void
drag_begin_cb (GtkGestureDrag  *gesture,
               double           x,
               double           y,
               SaddleChartView *self)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);
  SaddlePlotArea areas[MAX_PANELS];
  guint n = get_areas (self, areas);

  priv->dragged = FALSE;
  priv->drag_panel = saddle_chart_zoom_panel_at (areas, n, x, y);
  priv->drag_x = x;
  priv->drag_y = y;
  if (priv->drag_panel >= 0)
    {
      priv->drag_area = areas[priv->drag_panel];
      priv->drag_view = priv->view;
      saddle_chart_zoom_freeze (&priv->drag_view, areas, n,
                                SADDLE_CHART_VIEW_GET_CLASS (self)->zoom_fits_y);
    }
}

static void
drag_update_cb (GtkGestureDrag  *gesture,
                double           offset_x,
                double           offset_y,
                SaddleChartView *self)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);
  SaddleViewRange view;

  if (priv->drag_panel < 0)
    return;
  if (!priv->dragged && hypot (offset_x, offset_y) < DRAG_THRESHOLD)
    return;
  if (!priv->dragged)
    {
      GdkCursor *cursor = gtk_widget_get_cursor (GTK_WIDGET (self));

      g_set_object (&priv->cursor_before_drag, cursor);
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "grabbing");
    }
  priv->dragged = TRUE;
  view = priv->drag_view;
  if (saddle_chart_zoom_pan (&view, &priv->drag_area, priv->drag_panel, offset_x, offset_y,
                             plain_axes (self)))
    {
      double data_x, data_y;

      /* The data under the press follows the pointer. */
      saddle_plot_area_to_data (&priv->drag_area, priv->drag_x, priv->drag_y, &data_x, &data_y);
      set_view (self, &view);
      set_anchor (self, priv->drag_panel, plain_axes (self), priv->drag_x + offset_x,
                  priv->drag_y + offset_y, data_x, data_y);
    }
}

static void
drag_end_cb (GtkGestureDrag  *gesture,
             double           offset_x,
             double           offset_y,
             SaddleChartView *self)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);

  if (priv->dragged)
    {
      gtk_widget_set_cursor (GTK_WIDGET (self), priv->cursor_before_drag);
      g_clear_object (&priv->cursor_before_drag);
    }
  priv->drag_panel = -1;
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            SaddleChartView *self)
{
  /* Keys zoom the chart clicked last. */
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2)
    saddle_chart_view_reset_zoom (self);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                SaddleChartView       *self)
{
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK))
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      saddle_chart_view_reset_zoom (self);
      return TRUE;

    case GDK_KEY_plus:
    case GDK_KEY_equal:
    case GDK_KEY_KP_Add:
      saddle_chart_view_zoom_centre (self, 1.0 / ZOOM_STEP);
      return TRUE;

    case GDK_KEY_minus:
    case GDK_KEY_KP_Subtract:
      saddle_chart_view_zoom_centre (self, ZOOM_STEP);
      return TRUE;

    default:
      return FALSE;
    }
}

/* The controllers of zoom and pan. */
static void
add_zoom_controllers (SaddleChartView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *scroll, *key;
  GtkGesture *drag, *click;

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (widget, scroll);

  drag = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (widget, key);

  gtk_widget_set_focusable (widget, TRUE);
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
  saddle_chart_view_get_view_range (self, &style.view);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  klass->draw (self, cr, width, height, &style);
  cairo_destroy (cr);
  saddle_chart_view_drawn (self);

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
  SaddleChartViewClass *klass = SADDLE_CHART_VIEW_GET_CLASS (self);

  G_OBJECT_CLASS (saddle_chart_view_parent_class)->constructed (object);

  /* Only here does the instance know its final class, and so whether it hovers and zooms;
   * zooming about the pointer needs to know where it is. */
  if (klass->get_area != NULL)
    add_zoom_controllers (self);
  if (klass->draw_hover != NULL || klass->readout_at != NULL || klass->get_area != NULL)
    {
      GtkEventController *motion = gtk_event_controller_motion_new ();

      g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
      g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
      g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
      gtk_widget_add_controller (GTK_WIDGET (self), motion);
    }
}

static void
saddle_chart_view_dispose (GObject *object)
{
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (SADDLE_CHART_VIEW (object));

  g_clear_object (&priv->cursor_before_drag);

  G_OBJECT_CLASS (saddle_chart_view_parent_class)->dispose (object);
}

static void
saddle_chart_view_class_init (SaddleChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = saddle_chart_view_constructed;
  object_class->dispose = saddle_chart_view_dispose;

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
  SaddleChartViewPrivate *priv = saddle_chart_view_get_instance_private (self);

  priv->drag_panel = -1;
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

char *
saddle_chart_view_readout_at (SaddleChartView *self,
                              double           x,
                              double           y)
{
  SaddleChartViewClass *klass;

  g_return_val_if_fail (SADDLE_IS_CHART_VIEW (self), NULL);

  klass = SADDLE_CHART_VIEW_GET_CLASS (self);
  return klass->readout_at != NULL ? klass->readout_at (self, x, y) : NULL;
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
  if (!priv->pointer_inside || (klass->draw_hover == NULL && klass->readout_at == NULL))
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (klass->draw_hover != NULL)
    klass->draw_hover (self, cr, width, height, priv->pointer_x, priv->pointer_y, dark);
  else
    {
      g_autofree char *text = klass->readout_at (self, priv->pointer_x, priv->pointer_y);

      if (text != NULL)
        saddle_chart_draw_readout (cr, width, height, priv->pointer_x, priv->pointer_y, text, dark);
    }
  cairo_destroy (cr);
}

void
saddle_chart_view_get_view_range (SaddleChartView *self,
                                  SaddleViewRange *view)
{
  SaddleChartViewPrivate *priv;

  g_return_if_fail (SADDLE_IS_CHART_VIEW (self));
  g_return_if_fail (view != NULL);

  priv = saddle_chart_view_get_instance_private (self);
  *view = priv->view;
}

void
saddle_chart_view_reset_zoom (SaddleChartView *self)
{
  SaddleViewRange none = { { 0 } };

  g_return_if_fail (SADDLE_IS_CHART_VIEW (self));

  set_view (self, &none);
}

gboolean
saddle_chart_view_zoom_at (SaddleChartView *self,
                           double           x,
                           double           y,
                           double           factor,
                           SaddleZoomAxes   axes)
{
  SaddleChartViewPrivate *priv;
  SaddlePlotArea areas[MAX_PANELS];
  SaddleViewRange view;
  double data_x, data_y;
  guint n;
  int panel;

  g_return_val_if_fail (SADDLE_IS_CHART_VIEW (self), FALSE);

  priv = saddle_chart_view_get_instance_private (self);
  n = get_areas (self, areas);
  panel = saddle_chart_zoom_panel_at (areas, n, x, y);
  view = priv->view;
  saddle_chart_zoom_freeze (&view, areas, n, SADDLE_CHART_VIEW_GET_CLASS (self)->zoom_fits_y);
  if (panel < 0 || !saddle_chart_zoom_about (&view, &areas[panel], panel, x, y, factor, axes))
    return FALSE;
  saddle_plot_area_to_data (&areas[panel], x, y, &data_x, &data_y);
  set_view (self, &view);
  set_anchor (self, panel, axes, x, y, data_x, data_y);
  return TRUE;
}

gboolean
saddle_chart_view_zoom_centre (SaddleChartView *self,
                               double           factor)
{
  SaddleChartViewPrivate *priv;
  SaddlePlotArea areas[MAX_PANELS];
  SaddleViewRange view;
  guint n;

  g_return_val_if_fail (SADDLE_IS_CHART_VIEW (self), FALSE);

  priv = saddle_chart_view_get_instance_private (self);
  n = get_areas (self, areas);
  view = priv->view;
  saddle_chart_zoom_freeze (&view, areas, n, SADDLE_CHART_VIEW_GET_CLASS (self)->zoom_fits_y);
  /* The shared x once, with the first panel; every panel's own y. */
  for (guint i = 0; i < n; i++)
    if (!saddle_chart_zoom_about (&view, &areas[i], i, areas[i].x + areas[i].width / 2,
                                  areas[i].y + areas[i].height / 2, factor,
                                  i == 0 ? plain_axes (self) : SADDLE_ZOOM_Y))
      return FALSE;
  if (n == 0)
    return FALSE;
  set_view (self, &view);
  /* The first panel's centre stays; the others' y follow from their own centres. */
  {
    double cx = areas[0].x + areas[0].width / 2, cy = areas[0].y + areas[0].height / 2;
    double data_x, data_y;

    saddle_plot_area_to_data (&areas[0], cx, cy, &data_x, &data_y);
    set_anchor (self, 0, plain_axes (self), cx, cy, data_x, data_y);
  }
  return TRUE;
}

gboolean
saddle_chart_view_was_dragged (SaddleChartView *self)
{
  SaddleChartViewPrivate *priv;

  g_return_val_if_fail (SADDLE_IS_CHART_VIEW (self), FALSE);

  priv = saddle_chart_view_get_instance_private (self);
  return priv->dragged;
}

void
saddle_chart_view_drawn (SaddleChartView *self)
{
  g_return_if_fail (SADDLE_IS_CHART_VIEW (self));

  settle (self);
}
