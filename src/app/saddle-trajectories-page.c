/* saddle-trajectories-page.c — the trajectories study: animated PCA paths and a training monitor */
#define G_LOG_DOMAIN "saddle-trajectories-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-monitor-view.h"
#include "saddle-summary.h"
#include "saddle-trajectories-page.h"
#include "saddle-trajectory-view.h"

/* Epochs a second at speed 1: a 30-epoch study plays in six seconds. */
#define BASE_EPOCHS_PER_SECOND 5.0

static const double speeds[] = { 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0 };

struct _SaddleTrajectoriesPage
{
  SaddlePage            parent_instance;

  SaddleStudyConfig     config;
  gboolean              have_config;
  SaddleHistory        *live_history;
  SaddleTrajectory     *live_trajectory;   /* newest preview from the worker */
  SaddleStudyResults   *results;           /* final: replaces both of the above */
  gboolean              plane_from_preview; /* stopped: the final paths lie in the last preview's plane */

  gboolean              history_dirty;     /* events arrived since the last flush */
  gboolean              trajectory_dirty;
  gboolean              layer_only;
  double                speed;
  guint                 tick_id;
  gint64                last_frame_time;

  /* Template widgets */
  GtkButton            *play_button;
  GtkScale             *scrub_scale;
  GtkAdjustment        *scrub_adjustment;
  GtkLabel             *epoch_label;
  GtkDropDown          *speed_dropdown;
  GtkToggleButton      *whole_button;
  GtkToggleButton      *layer_button;
  SaddleTrajectoryView *trajectory_view;
  SaddleMonitorView    *monitor_view;
  GtkLabel             *summary_label;
};

G_DEFINE_FINAL_TYPE (SaddleTrajectoriesPage, saddle_trajectories_page, SADDLE_TYPE_PAGE)

enum {
  PROP_0,
  PROP_LAYER,
  PROP_SPEED,
  PROP_PLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const SaddleTrajectory *trajectory;
  gboolean                layer_only;
  SaddleFigureStyle       style;
} DrawData;

static const SaddleTrajectory *
current_trajectory (SaddleTrajectoriesPage *self)
{
  if (self->results != NULL && self->results->trajectory != NULL)
    return self->results->trajectory;
  return self->live_trajectory;
}

static const SaddleHistory *
current_history (SaddleTrajectoriesPage *self)
{
  if (self->results != NULL && self->results->history != NULL)
    return self->results->history;
  return self->live_history;
}

static void
update_epoch_label (SaddleTrajectoriesPage *self)
{
  guint max = (guint) gtk_adjustment_get_upper (self->scrub_adjustment);
  guint value = (guint) floor (gtk_adjustment_get_value (self->scrub_adjustment) + 1e-9);
  g_autofree char *text = NULL;

  /* TRANSLATORS: position of the trajectory animation, e.g. "Epoch 12 of 30" */
  text = g_strdup_printf (_("Epoch %u of %u"), MIN (value, max), max);
  gtk_label_set_text (self->epoch_label, text);
}

static void
scrub_value_changed_cb (GtkAdjustment          *adjustment,
                        SaddleTrajectoriesPage *self)
{
  double value = gtk_adjustment_get_value (adjustment);
  double upper = gtk_adjustment_get_upper (adjustment);

  /* At the right end the view follows new snapshots (live), else it holds the epoch. */
  if (value >= upper - 1e-9)
    saddle_trajectory_view_set_upto_epoch (self->trajectory_view, G_MAXUINT);
  else
    saddle_trajectory_view_set_upto_epoch (self->trajectory_view, (guint) floor (value + 1e-9));
  update_epoch_label (self);
}

/* Sets the scrub range to the trajectory's epochs, keeping a view at the end at the end. */
static void
update_scrub_range (SaddleTrajectoriesPage *self)
{
  const SaddleTrajectory *trajectory = current_trajectory (self);
  double old_upper = gtk_adjustment_get_upper (self->scrub_adjustment);
  double value = gtk_adjustment_get_value (self->scrub_adjustment);
  guint max = saddle_trajectory_max_epoch (trajectory);
  gboolean at_end = value >= old_upper - 1e-9 && self->tick_id == 0;

  gtk_adjustment_configure (self->scrub_adjustment,
                            at_end ? max : MIN (value, max),
                            0, max, 1, 5, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scrub_scale), max > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), max > 0);
  scrub_value_changed_cb (self->scrub_adjustment, self);
}

static void
update_layer_label (SaddleTrajectoriesPage *self)
{
  g_autofree char *label = NULL;
  g_autofree char *tooltip = NULL;
  guint layer = self->have_config ? self->config.layer : 0;

  /* TRANSLATORS: toggle showing one layer's weight trajectories; %u is 1-based */
  label = g_strdup_printf (_("Layer %u"), layer + 1);
  tooltip = g_strdup_printf (_("PCA of layer %u’s weights alone (choose the layer in the settings)"),
                             layer + 1);
  gtk_button_set_label (GTK_BUTTON (self->layer_button), label);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->layer_button), tooltip);
}

static void
show_data (SaddleTrajectoriesPage *self)
{
  saddle_trajectory_view_set_trajectory (self->trajectory_view, current_trajectory (self));
  saddle_monitor_view_set_history (self->monitor_view, current_history (self));
  update_scrub_range (self);
}

static void
update_summary (SaddleTrajectoriesPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const SaddleStudyResults *results = self->results;

  if (results == NULL)
    {
      gtk_label_set_text (self->summary_label, "");
      return;
    }

  saddle_page_append_study_summary (text, results);
  if (results->trajectory != NULL)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE, "%u snapshot", "%u snapshots",
                                           (guint) saddle_trajectory_n_snapshots (results->trajectory)),
                              (guint) saddle_trajectory_n_snapshots (results->trajectory));
    }
  saddle_page_append_stopped (text, results);
  if (self->plane_from_preview)
    {
      g_string_append (text, " · ");
      g_string_append (text, _("plane and loss surface of the last preview"));
    }
  gtk_label_set_text (self->summary_label, text->str);
}

const char *
saddle_trajectories_page_get_summary (SaddleTrajectoriesPage *self)
{
  g_return_val_if_fail (SADDLE_IS_TRAJECTORIES_PAGE (self), NULL);

  return gtk_label_get_text (self->summary_label);
}

static void
update_play_button (SaddleTrajectoriesPage *self)
{
  if (self->tick_id != 0)
    {
      gtk_button_set_icon_name (self->play_button, "media-playback-pause-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button), _("Pause"));
    }
  else
    {
      gtk_button_set_icon_name (self->play_button, "media-playback-start-symbolic");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->play_button),
                                   _("Play the trajectories epoch by epoch"));
    }
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (widget);
  gint64 now = gdk_frame_clock_get_frame_time (frame_clock);
  double upper = gtk_adjustment_get_upper (self->scrub_adjustment);
  double value = gtk_adjustment_get_value (self->scrub_adjustment);
  double dt;

  if (self->last_frame_time == 0)
    self->last_frame_time = now;
  dt = (now - self->last_frame_time) / (double) G_USEC_PER_SEC;
  self->last_frame_time = now;

  value += dt * BASE_EPOCHS_PER_SECOND * self->speed;
  if (value >= upper)
    {
      gtk_adjustment_set_value (self->scrub_adjustment, upper);
      self->tick_id = 0;
      update_play_button (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
      return G_SOURCE_REMOVE;
    }
  gtk_adjustment_set_value (self->scrub_adjustment, value);
  return G_SOURCE_CONTINUE;
}

static void
play_clicked_cb (GtkButton              *button,
                 SaddleTrajectoriesPage *self)
{
  saddle_trajectories_page_set_playing (self, self->tick_id == 0);
}

static void
speed_selected_cb (GtkDropDown            *dropdown,
                   GParamSpec             *pspec,
                   SaddleTrajectoriesPage *self)
{
  guint i = gtk_drop_down_get_selected (dropdown);

  if (i < G_N_ELEMENTS (speeds) && speeds[i] != self->speed)
    {
      self->speed = speeds[i];
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPEED]);
    }
}

static void
layer_toggled_cb (GtkToggleButton        *button,
                  SaddleTrajectoriesPage *self)
{
  gboolean layer_only = gtk_toggle_button_get_active (self->layer_button);

  if (layer_only == self->layer_only)
    return;
  self->layer_only = layer_only;
  saddle_trajectory_view_set_layer (self->trajectory_view, layer_only);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
}

static void
draw_cb (cairo_t  *cr,
         double    width,
         double    height,
         gpointer  user_data)
{
  DrawData *data = user_data;

  saddle_trajectory_view_draw (cr, width, height, data->trajectory, data->layer_only,
                               G_MAXUINT, &data->style, NULL);
}

/* The figure zoomed to @view (NULL: fitted), or the data. */
static gboolean
write_trajectory_range (const SaddleTrajectory  *trajectory,
                        gboolean                 layer_only,
                        const SaddleViewRange   *view,
                        const char              *path,
                        SaddleExportFormat       format,
                        GError                 **error)
{
  DrawData data = { trajectory, layer_only };

  if (format == SADDLE_EXPORT_CSV)
    return saddle_trajectory_write_csv (trajectory, layer_only, path, error);

  /* The CLI's default style, so the files equal saddle-cli's. */
  saddle_figure_style_init (&data.style);
  if (view != NULL)
    data.style.view = *view;
  return saddle_export_figure (path, format, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                               draw_cb, &data, error);
}

static gboolean
write_trajectory (const SaddleTrajectory  *trajectory,
                  gboolean                 layer_only,
                  const char              *path,
                  SaddleExportFormat       format,
                  GError                 **error)
{
  return write_trajectory_range (trajectory, layer_only, NULL, path, format, error);
}

static gboolean
page_check_exportable (SaddlePage  *page,
                       GError     **error)
{
  const SaddleTrajectory *trajectory = current_trajectory (SADDLE_TRAJECTORIES_PAGE (page));

  if (trajectory == NULL || trajectory->pca == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("There are no trajectories to export yet: run the trajectories study first"));
      return FALSE;
    }
  return TRUE;
}

/* SaddlePage */

static void
page_begin (SaddlePage              *page,
            const SaddleStudyConfig *config)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);

  saddle_trajectories_page_set_playing (self, FALSE);

  /* Views first: they borrow what is freed below. */
  saddle_trajectory_view_set_trajectory (self->trajectory_view, NULL);
  saddle_monitor_view_set_history (self->monitor_view, NULL);
  saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self->trajectory_view));
  saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self->monitor_view));

  g_clear_pointer (&self->results, saddle_study_results_free);
  g_clear_pointer (&self->live_trajectory, saddle_trajectory_free);
  g_clear_pointer (&self->live_history, saddle_history_free);
  self->live_history = saddle_history_new ();
  self->plane_from_preview = FALSE;

  if (self->have_config)
    saddle_study_config_clear (&self->config);
  saddle_study_config_copy (config, &self->config);
  self->have_config = TRUE;
  update_layer_label (self);

  gtk_adjustment_configure (self->scrub_adjustment, 0, 0, 0, 1, 5, 0);
  show_data (self);
  update_summary (self);
}

static void
page_handle_event (SaddlePage     *page,
                   SaddleJobEvent *event)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);

  if (self->live_history == NULL)
    return;

  switch (event->kind)
    {
    case SADDLE_EVENT_SNAPSHOT:
      if (event->preview != NULL)
        {
          saddle_trajectory_view_set_trajectory (self->trajectory_view, NULL);
          g_clear_pointer (&self->live_trajectory, saddle_trajectory_free);
          /* Taken, not copied: a preview holds every snapshot so far. */
          self->live_trajectory = g_steal_pointer (&event->preview);
          self->trajectory_dirty = TRUE;
        }
      break;

    case SADDLE_EVENT_ITERATION:
    case SADDLE_EVENT_EPOCH:
    case SADDLE_EVENT_DESCENT:
    case SADDLE_EVENT_CRITICAL:
    case SADDLE_EVENT_PROGRESS:
    case SADDLE_EVENT_RUN_FAILED:
    default:
      break;
    }
}

static void
page_add_records (SaddlePage   *page,
                  const GArray *iterations,
                  const GArray *epochs)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);

  if (self->live_history == NULL)
    return;
  saddle_page_history_append (self->live_history, iterations, epochs);
  self->history_dirty = TRUE;
}

static void
page_flush (SaddlePage *page)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);

  if (self->trajectory_dirty)
    show_data (self);
  else if (self->history_dirty)
    saddle_monitor_view_history_changed (self->monitor_view);
  self->trajectory_dirty = self->history_dirty = FALSE;
}

static void
page_finish (SaddlePage         *page,
             SaddleStudyResults *results)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);

  self->trajectory_dirty = self->history_dirty = FALSE;

  if (results == NULL)
    {
      /* A fatal error: keep whatever arrived live. */
      update_summary (self);
      return;
    }

  saddle_trajectory_view_set_trajectory (self->trajectory_view, NULL);
  saddle_monitor_view_set_history (self->monitor_view, NULL);
  g_clear_pointer (&self->results, saddle_study_results_free);
  self->results = results;

  /* A stopped study computes no loss surface (Stop answers at once): its paths move into the
   * last preview's plane, whose surface the user was looking at, rather than lose the contours. */
  self->plane_from_preview = results->cancelled && results->trajectory != NULL
                             && results->trajectory->surface == NULL
                             && saddle_trajectory_adopt_plane (results->trajectory, self->live_trajectory, NULL);
  /* The final PCA replaces the preview; without one (too few snapshots) keep the preview. */
  if (results->trajectory != NULL && results->trajectory->pca != NULL)
    g_clear_pointer (&self->live_trajectory, saddle_trajectory_free);
  if (results->history != NULL)
    g_clear_pointer (&self->live_history, saddle_history_free);

  show_data (self);
  update_summary (self);
}

static gboolean
page_has_results (SaddlePage *page)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);
  const SaddleTrajectory *trajectory = current_trajectory (self);

  return trajectory != NULL && trajectory->pca != NULL;
}

static gboolean
page_export_all (SaddlePage  *page,
                 const char  *folder,
                 GError     **error)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);
  const SaddleTrajectory *trajectory = current_trajectory (self);
  g_autofree char *svg = NULL;
  g_autofree char *csv = NULL;

  svg = g_build_filename (folder, "trajectories.svg", NULL);
  csv = g_build_filename (folder, "trajectories.csv", NULL);
  if (!write_trajectory (trajectory, FALSE, svg, SADDLE_EXPORT_SVG, error) ||
      !write_trajectory (trajectory, FALSE, csv, SADDLE_EXPORT_CSV, error))
    return FALSE;

  if (trajectory->layer_pca != NULL)
    {
      g_autofree char *layer_svg = g_build_filename (folder, "trajectories-layer.svg", NULL);
      g_autofree char *layer_csv = g_build_filename (folder, "trajectories-layer.csv", NULL);

      if (!write_trajectory (trajectory, TRUE, layer_svg, SADDLE_EXPORT_SVG, error) ||
          !write_trajectory (trajectory, TRUE, layer_csv, SADDLE_EXPORT_CSV, error))
        return FALSE;
    }

  /* The training behind the paths, as saddle-cli trajectories writes it. */
  if (current_history (self) != NULL)
    {
      g_autofree char *history = g_build_filename (folder, "history.csv", NULL);
      g_autofree char *epochs = g_build_filename (folder, "epochs.csv", NULL);

      if (!saddle_history_write_csv (current_history (self), history, error) ||
          !saddle_history_write_epochs_csv (current_history (self), epochs, error))
        return FALSE;
    }

  /* The contour and the settings (with each plane's share of variance), so that Open
   * Results shows this view again; a live export has no final results yet. */
  if (trajectory->surface != NULL)
    {
      g_autofree char *surface = g_build_filename (folder, "surface.csv", NULL);

      if (!saddle_surface_write_csv (trajectory->surface, surface, error))
        return FALSE;
    }
  if (self->results != NULL)
    {
      g_autofree char *summary = g_build_filename (folder, "summary.json", NULL);

      if (!saddle_summary_write_study (summary, self->results, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
page_export_view (SaddlePage          *page,
                  const char          *path,
                  SaddleExportFormat   format,
                  GError             **error)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);
  const SaddleTrajectory *trajectory = current_trajectory (self);
  SaddleViewRange view;

  if (self->layer_only && trajectory->layer_pca == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("The layer’s trajectories are not computed yet"));
      return FALSE;
    }

  /* What is on screen, zoomed range included. */
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (self->trajectory_view), &view);
  return write_trajectory_range (trajectory, self->layer_only, &view, path, format, error);
}

static const char *
page_export_name (SaddlePage *page)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (page);

  return self->layer_only ? "trajectories-layer.svg" : "trajectories.svg";
}

/* GObject */

static void
saddle_trajectories_page_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (object);

  switch (prop_id)
    {
    case PROP_LAYER:
      g_value_set_boolean (value, self->layer_only);
      break;

    case PROP_SPEED:
      g_value_set_double (value, self->speed);
      break;

    case PROP_PLAYING:
      g_value_set_boolean (value, self->tick_id != 0);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_trajectories_page_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (object);

  switch (prop_id)
    {
    case PROP_LAYER:
      gtk_toggle_button_set_active (g_value_get_boolean (value) ? self->layer_button
                                                                : self->whole_button, TRUE);
      break;

    case PROP_SPEED:
      {
        double speed = g_value_get_double (value);
        guint best = 0;

        /* The drop-down offers fixed speeds: take the nearest. */
        for (guint i = 1; i < G_N_ELEMENTS (speeds); i++)
          if (fabs (log (speeds[i] / speed)) < fabs (log (speeds[best] / speed)))
            best = i;
        gtk_drop_down_set_selected (self->speed_dropdown, best);
      }
      break;

    case PROP_PLAYING:
      saddle_trajectories_page_set_playing (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_trajectories_page_dispose (GObject *object)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }

  G_OBJECT_CLASS (saddle_trajectories_page_parent_class)->dispose (object);
}

static void
saddle_trajectories_page_finalize (GObject *object)
{
  SaddleTrajectoriesPage *self = SADDLE_TRAJECTORIES_PAGE (object);

  g_clear_pointer (&self->results, saddle_study_results_free);
  g_clear_pointer (&self->live_trajectory, saddle_trajectory_free);
  g_clear_pointer (&self->live_history, saddle_history_free);
  if (self->have_config)
    saddle_study_config_clear (&self->config);

  G_OBJECT_CLASS (saddle_trajectories_page_parent_class)->finalize (object);
}

static void
saddle_trajectories_page_class_init (SaddleTrajectoriesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SaddlePageClass *page_class = SADDLE_PAGE_CLASS (klass);

  object_class->dispose = saddle_trajectories_page_dispose;
  object_class->finalize = saddle_trajectories_page_finalize;
  object_class->get_property = saddle_trajectories_page_get_property;
  object_class->set_property = saddle_trajectories_page_set_property;

  page_class->begin = page_begin;
  page_class->handle_event = page_handle_event;
  page_class->add_records = page_add_records;
  page_class->flush = page_flush;
  page_class->finish = page_finish;
  page_class->has_results = page_has_results;
  page_class->check_exportable = page_check_exportable;
  page_class->export_all = page_export_all;
  page_class->export_view = page_export_view;
  page_class->export_name = page_export_name;

  properties[PROP_LAYER] =
    g_param_spec_boolean ("layer", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPEED] =
    g_param_spec_double ("speed", NULL, NULL, 0.25, 16, 1,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SADDLE_TYPE_TRAJECTORY_VIEW);
  g_type_ensure (SADDLE_TYPE_MONITOR_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/saddlelab/Saddle/ui/saddle-trajectories-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, play_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, scrub_scale);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, scrub_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, epoch_label);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, speed_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, whole_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, layer_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, trajectory_view);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, monitor_view);
  gtk_widget_class_bind_template_child (widget_class, SaddleTrajectoriesPage, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, play_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, speed_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, layer_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, scrub_value_changed_cb);
}

static void
saddle_trajectories_page_init (SaddleTrajectoriesPage *self)
{
  self->speed = 1.0;

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_drop_down_set_selected (self->speed_dropdown, 2);
  update_play_button (self);
  update_layer_label (self);
  update_epoch_label (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scrub_scale), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->play_button), FALSE);
}

GtkWidget *
saddle_trajectories_page_new (void)
{
  return g_object_new (SADDLE_TYPE_TRAJECTORIES_PAGE, NULL);
}

const SaddleTrajectory *
saddle_trajectories_page_get_trajectory (SaddleTrajectoriesPage *self)
{
  g_return_val_if_fail (SADDLE_IS_TRAJECTORIES_PAGE (self), NULL);

  return current_trajectory (self);
}

void
saddle_trajectories_page_set_playing (SaddleTrajectoriesPage *self,
                                      gboolean                playing)
{
  g_return_if_fail (SADDLE_IS_TRAJECTORIES_PAGE (self));

  if (playing == (self->tick_id != 0))
    return;

  if (playing)
    {
      double upper = gtk_adjustment_get_upper (self->scrub_adjustment);

      if (upper <= 0)
        return;
      if (gtk_adjustment_get_value (self->scrub_adjustment) >= upper - 1e-9)
        gtk_adjustment_set_value (self->scrub_adjustment, 0);
      self->last_frame_time = 0;
      self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
    }
  else
    {
      if (self->tick_id != 0)
        gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  update_play_button (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

gboolean
saddle_trajectories_page_get_playing (SaddleTrajectoriesPage *self)
{
  g_return_val_if_fail (SADDLE_IS_TRAJECTORIES_PAGE (self), FALSE);

  return self->tick_id != 0;
}
