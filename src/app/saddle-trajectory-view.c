/* saddle-trajectory-view.c — the runs' weight trajectories in the PCA plane */
#define G_LOG_DOMAIN "saddle-trajectory-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-trajectory-view.h"

struct _SaddleTrajectoryView
{
  SaddleChartView         parent_instance;

  const SaddleTrajectory *trajectory;   /* borrowed */
  gboolean                layer_only;
  guint                   upto_epoch;
  SaddlePlotArea          area;
  gboolean                have_area;
};

G_DEFINE_FINAL_TYPE (SaddleTrajectoryView, saddle_trajectory_view, SADDLE_TYPE_CHART_VIEW)

enum {
  PROP_0,
  PROP_LAYER,
  PROP_UPTO_EPOCH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

guint
saddle_trajectory_max_epoch (const SaddleTrajectory *trajectory)
{
  guint max = 0;

  if (trajectory == NULL || trajectory->info == NULL)
    return 0;
  for (guint i = 0; i < trajectory->info->len; i++)
    max = MAX (max, g_array_index (trajectory->info, SaddleSnapshotInfo, i).epoch);
  return max;
}

void
saddle_trajectory_view_draw (cairo_t                 *cr,
                             double                   width,
                             double                   height,
                             const SaddleTrajectory  *trajectory,
                             gboolean                 layer_only,
                             guint                    upto_epoch,
                             const SaddleFigureStyle *style,
                             SaddlePlotArea          *area)
{
  /* The loss surface lies in the whole vector's plane: behind those paths only. */
  if (!layer_only && trajectory != NULL && trajectory->surface != NULL)
    saddle_figure_trajectories_with_surface (cr, width, height, trajectory, trajectory->surface,
                                             FALSE, upto_epoch, style, area);
  else
    saddle_figure_trajectories (cr, width, height, trajectory, layer_only, upto_epoch, style, area);
}

/* Value @i of a per-snapshot array, NAN when it is missing or short. */
static double
snapshot_value (const GArray *array,
                guint         i)
{
  if (array == NULL || i >= array->len)
    return NAN;
  return g_array_index (array, double, i);
}

/* The read-out for the snapshot drawn near (@x, @y), or what the contours say there. */
static char *
readout_at (SaddleChartView *view,
            double           x,
            double           y)
{
  SaddleTrajectoryView *self = SADDLE_TRAJECTORY_VIEW (view);
  const SaddleTrajectory *trajectory;
  const SaddleSnapshotInfo *info;
  g_autofree char *step = NULL;
  GString *text;
  double distance, contour;
  int index;

  trajectory = self->trajectory;
  if (trajectory == NULL || !self->have_area ||
      !saddle_plot_area_contains (&self->area, x, y))
    return NULL;

  index = saddle_figure_trajectories_pick (trajectory, self->layer_only, self->upto_epoch,
                                           &self->area, x, y, 10.0);
  if (index < 0 || (guint) index >= trajectory->info->len)
    {
      double a, b, value;

      /* Off the paths: what the contours say under the pointer. */
      if (self->layer_only || trajectory->surface == NULL)
        return NULL;
      saddle_plot_area_to_data (&self->area, x, y, &a, &b);
      value = saddle_surface_value_at (trajectory->surface, a, b);
      if (!isfinite (value))
        return NULL;
      /* TRANSLATORS: hover read-out off the paths: the loss surface's value under the pointer */
      return g_strdup_printf (_("Loss surface here: %.4g"), value);
    }

  info = &g_array_index (trajectory->info, SaddleSnapshotInfo, index);
  step = g_strdup_printf ("%" G_GUINT64_FORMAT, info->iteration);
  text = g_string_new (NULL);
  if (isfinite (info->accuracy))
    /* TRANSLATORS: hover read-out on a trajectory point: run, epoch, iteration, loss, accuracy */
    g_string_append_printf (text, _("Run %u · epoch %u (step %s) · loss %.4g · accuracy %.1f %%"),
                            info->run + 1, info->epoch, step, info->loss, 100 * info->accuracy);
  else
    /* TRANSLATORS: hover read-out on a trajectory point: run, epoch, iteration, loss */
    g_string_append_printf (text, _("Run %u · epoch %u (step %s) · loss %.4g"),
                            info->run + 1, info->epoch, step, info->loss);

  /* The plane is a picture: say how far the snapshot lies off it, and its true
   * loss beside what the contour shows at its projection. */
  distance = self->layer_only ? NAN : snapshot_value (trajectory->plane_distance, index);
  contour = self->layer_only ? NAN : snapshot_value (trajectory->surface_loss, index);
  if (isfinite (distance))
    {
      g_string_append_c (text, '\n');
      /* TRANSLATORS: hover read-out: the snapshot's distance from the PCA plane */
      g_string_append_printf (text, _("Distance from the plane %.3g"), distance);
    }
  if (isfinite (contour))
    {
      g_string_append_c (text, '\n');
      /* TRANSLATORS: hover read-out: true loss of the snapshot, and the contour's value at its projection */
      g_string_append_printf (text, _("True loss %.4g · contour %.4g"), info->loss, contour);
    }
  return g_string_free (text, FALSE);
}

static void
draw_chart (SaddleChartView   *view,
            cairo_t           *cr,
            double             width,
            double             height,
            SaddleFigureStyle *style)
{
  SaddleTrajectoryView *self = SADDLE_TRAJECTORY_VIEW (view);

  saddle_trajectory_view_draw (cr, width, height, self->trajectory, self->layer_only,
                               self->upto_epoch, style, &self->area);
  self->have_area = TRUE;
}

static const SaddlePlotArea *
get_area (SaddleChartView *view,
          guint            panel)
{
  SaddleTrajectoryView *self = SADDLE_TRAJECTORY_VIEW (view);

  return self->have_area && panel == 0 ? &self->area : NULL;
}

static void
saddle_trajectory_view_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  SaddleTrajectoryView *self = SADDLE_TRAJECTORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_LAYER:
      g_value_set_boolean (value, self->layer_only);
      break;

    case PROP_UPTO_EPOCH:
      g_value_set_uint (value, self->upto_epoch);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_trajectory_view_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  SaddleTrajectoryView *self = SADDLE_TRAJECTORY_VIEW (object);

  switch (prop_id)
    {
    case PROP_LAYER:
      saddle_trajectory_view_set_layer (self, g_value_get_boolean (value));
      break;

    case PROP_UPTO_EPOCH:
      saddle_trajectory_view_set_upto_epoch (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_trajectory_view_class_init (SaddleTrajectoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SaddleChartViewClass *chart_class = SADDLE_CHART_VIEW_CLASS (klass);

  object_class->get_property = saddle_trajectory_view_get_property;
  object_class->set_property = saddle_trajectory_view_set_property;

  chart_class->draw = draw_chart;
  chart_class->readout_at = readout_at;
  chart_class->get_area = get_area;
  saddle_chart_view_class_set_min_size (chart_class, 280, 220);

  properties[PROP_LAYER] =
    g_param_spec_boolean ("layer", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_UPTO_EPOCH] =
    g_param_spec_uint ("upto-epoch", NULL, NULL, 0, G_MAXUINT, G_MAXUINT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
saddle_trajectory_view_init (SaddleTrajectoryView *self)
{
  self->upto_epoch = G_MAXUINT;

  gtk_widget_add_css_class (GTK_WIDGET (self), "trajectories");
}

GtkWidget *
saddle_trajectory_view_new (void)
{
  return g_object_new (SADDLE_TYPE_TRAJECTORY_VIEW, NULL);
}

void
saddle_trajectory_view_set_trajectory (SaddleTrajectoryView   *self,
                                       const SaddleTrajectory *trajectory)
{
  g_return_if_fail (SADDLE_IS_TRAJECTORY_VIEW (self));

  self->trajectory = trajectory;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SaddleTrajectory *
saddle_trajectory_view_get_trajectory (SaddleTrajectoryView *self)
{
  g_return_val_if_fail (SADDLE_IS_TRAJECTORY_VIEW (self), NULL);

  return self->trajectory;
}

void
saddle_trajectory_view_set_layer (SaddleTrajectoryView *self,
                                  gboolean              layer_only)
{
  g_return_if_fail (SADDLE_IS_TRAJECTORY_VIEW (self));

  layer_only = !!layer_only;
  if (self->layer_only == layer_only)
    return;
  self->layer_only = layer_only;
  /* Another plane: the old range means nothing in it. */
  saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
}

gboolean
saddle_trajectory_view_get_layer (SaddleTrajectoryView *self)
{
  g_return_val_if_fail (SADDLE_IS_TRAJECTORY_VIEW (self), FALSE);

  return self->layer_only;
}

void
saddle_trajectory_view_set_upto_epoch (SaddleTrajectoryView *self,
                                       guint                 upto_epoch)
{
  g_return_if_fail (SADDLE_IS_TRAJECTORY_VIEW (self));

  if (self->upto_epoch == upto_epoch)
    return;
  self->upto_epoch = upto_epoch;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UPTO_EPOCH]);
}

guint
saddle_trajectory_view_get_upto_epoch (SaddleTrajectoryView *self)
{
  g_return_val_if_fail (SADDLE_IS_TRAJECTORY_VIEW (self), G_MAXUINT);

  return self->upto_epoch;
}

const SaddlePlotArea *
saddle_trajectory_view_get_area (SaddleTrajectoryView *self)
{
  g_return_val_if_fail (SADDLE_IS_TRAJECTORY_VIEW (self), NULL);

  return self->have_area ? &self->area : NULL;
}
