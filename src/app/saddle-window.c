/* saddle-window.c — the main window: header bar, settings panel, the three study pages */
#define G_LOG_DOMAIN "saddle-window"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-eigen-forecast.h"
#include "saddle-format.h"
#include "saddle-chart-view.h"
#include "saddle-critical-page.h"
#include "saddle-frame-drain.h"
#include "saddle-gradnorm-page.h"
#include "saddle-trajectories-page.h"
#include "saddle-window-private.h"
#include "saddle-text-throttle.h"

/* How long an informational message ("Saved …") stays. */
#define INFO_TIMEOUT_SECONDS 5

struct _SaddleWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  SaddleSidePanel      *panels[3];

  SaddleJobQueue       *queue;            /* every BLAS-heavy task, one at a time */
  SaddleJob            *job;              /* the study running, once its turn came */
  SaddleFrameDrain      drain;            /* takes the job's events on the frame clock */
  gboolean              have_pending;     /* a study waits for the old one to stop */
  SaddleStudyKind       pending_kind;
  SaddleStudyConfig     pending_config;
  GPtrArray            *failures;         /* char *: RUN_FAILED messages of the current study */
  guint                 info_timeout_id;
  GtkWidget            *opened[3];        /* SaddleOpenedPanel of opened results, per study */

  /* Template widgets */
  GtkToggleButton      *panel_button;
  GtkButton            *start_button;
  GtkButton            *stop_button;
  GtkWidget            *progress_box;
  GtkLabel             *progress_label;
  gint64                job_start;        /* monotonic µs: for the time left */
  guint                 studies_started;  /* since the window opened (Open Results checks it) */
  double                last_fraction;    /* of the running job, 0–1 */
  gint64                bar_moved;        /* monotonic µs: the progress bar's last move */
  SaddleTextThrottle    progress_text;    /* the running job's progress message */
  GtkProgressBar       *progress_bar;
  GtkRevealer          *banner_revealer;
  GtkWidget            *banner;
  GtkImage             *banner_icon;
  GtkLabel             *banner_label;
  GtkPaned             *paned;
  GtkStack             *panel_stack;
  GtkStack             *view_stack;
  SaddlePage           *trajectories_page;
  SaddlePage           *gradnorm_page;
  SaddlePage           *critical_page;
};

G_DEFINE_FINAL_TYPE (SaddleWindow, saddle_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_job (SaddleWindow            *self,
                       SaddleStudyKind          kind,
                       const SaddleStudyConfig *config);

/* Redraws every chart under @widget: an empty chart's message depends on whether a study runs. */
static void
redraw_charts (GtkWidget *widget)
{
  if (SADDLE_IS_CHART_VIEW (widget))
    gtk_widget_queue_draw (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    redraw_charts (child);
}

static void
update_busy (SaddleWindow *self)
{
  gboolean busy = saddle_window_get_busy (self);

  gtk_widget_set_visible (GTK_WIDGET (self->start_button), !busy);
  gtk_widget_set_visible (GTK_WIDGET (self->stop_button), busy);
  gtk_widget_set_visible (self->progress_box, busy);
  redraw_charts (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
hide_banner (SaddleWindow *self)
{
  g_clear_handle_id (&self->info_timeout_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static gboolean
info_timeout_cb (gpointer user_data)
{
  SaddleWindow *self = user_data;

  self->info_timeout_id = 0;
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  return G_SOURCE_REMOVE;
}

static void
banner_close_cb (GtkButton    *button,
                 SaddleWindow *self)
{
  hide_banner (self);
}

/* Shows the run failures of the current study, newest last. */
static void
show_failures (SaddleWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = self->failures->len;
  guint first = n > 3 ? n - 3 : 0;

  if (n == 0)
    return;

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE,
                                       "%u run failed; the others go on:",
                                       "%u runs failed; the others go on:", n),
                          n);
  for (guint i = first; i < n; i++)
    g_string_append_printf (text, "\n%s", (const char *) g_ptr_array_index (self->failures, i));
  if (first > 0)
    g_string_append_printf (text, "\n…");
  saddle_window_show_message (self, text->str, FALSE);
}

/* Events taken from the queue at once, and the share of a frame spent on them:
 * a worker faster than the UI fills the queue, never the frame. */
#define DRAIN_CHUNK 4096
#define DRAIN_BUDGET_USEC 8000

/* Moves what the worker queued into the page, within a time budget; one
 * label update and one redraw for the whole batch. */
static void
drain_job (GtkWidget *widget)
{
  SaddleWindow *self = SADDLE_WINDOW (widget);
  g_autofree char *progress_message = NULL;
  g_autofree char *message = NULL;
  double progress_fraction = NAN;
  gboolean new_failures = FALSE;
  gint64 deadline = g_get_monotonic_time () + DRAIN_BUDGET_USEC, now;
  SaddlePage *page;

  if (self->job == NULL)
    return;

  page = saddle_window_get_page (self, saddle_job_get_kind (self->job));

  {
    g_autoptr(GArray) iterations = NULL;
    g_autoptr(GArray) epochs = NULL;

    saddle_job_drain_records (self->job, &iterations, &epochs);
    if (iterations != NULL || epochs != NULL)
      saddle_page_add_records (page, iterations, epochs);
  }

  do
    {
      g_autoptr(GPtrArray) events = saddle_job_drain (self->job, DRAIN_CHUNK);

      if (events == NULL)
        break;

      for (guint i = 0; i < events->len; i++)
        {
          SaddleJobEvent *event = g_ptr_array_index (events, i);

          if (event->kind == SADDLE_EVENT_PROGRESS)
            {
              if (isfinite (event->fraction))
                progress_fraction = event->fraction;
              if (event->message != NULL)
                {
                  g_free (progress_message);
                  progress_message = g_strdup (event->message);
                }
            }
          else if (event->kind == SADDLE_EVENT_RUN_FAILED && event->message != NULL)
            {
              g_ptr_array_add (self->failures, g_strdup (event->message));
              new_failures = TRUE;
            }
          saddle_page_handle_event (page, event);
        }
    }
  while (g_get_monotonic_time () < deadline);

  saddle_page_flush (page);
  /* Only when the bar moves by a pixel, and in the status texts' slots (one relayout for all):
   * each move makes GTK lay the window out again, which on X11 asks the server for the work
   * area (as a new status text does). Moving it at every pixel, the 300-epoch gradnorm study
   * laid the window out 40–46 times a second, 8–14 without the bar. */
  if (isfinite (progress_fraction))
    self->last_fraction = progress_fraction;
  now = g_get_monotonic_time ();
  if (saddle_text_throttle_new_slot (self->bar_moved, now)
      && fabs (self->last_fraction - gtk_progress_bar_get_fraction (self->progress_bar))
         * MAX (gtk_widget_get_width (GTK_WIDGET (self->progress_bar)), 1) >= 1.0)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (self->last_fraction, 0, 1));
      self->bar_moved = now;
    }
  saddle_text_throttle_offer (&self->progress_text, g_steal_pointer (&progress_message));
  if (!saddle_job_is_cancelled (self->job)
      && (message = saddle_text_throttle_take (&self->progress_text)) != NULL)
    {
      g_autofree char *eta = saddle_format_eta (self->last_fraction,
                                                (g_get_monotonic_time () - self->job_start)
                                                / (double) G_USEC_PER_SEC);
      g_autofree char *text = eta != NULL ? g_strdup_printf ("%s · %s", message, eta)
                                          : g_strdup (message);

      /* Only when it changed: a tooltip update asks the X server for the pointer. */
      if (g_strcmp0 (gtk_label_get_text (self->progress_label), text) != 0)
        {
          gtk_label_set_text (self->progress_label, text);
          gtk_widget_set_tooltip_text (self->progress_box, text);
        }
    }
  if (new_failures)
    show_failures (self);
}

static void
job_finished_cb (SaddleJob    *job,
                 SaddleWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleJob) done = NULL;
  SaddleStudyResults *results;
  SaddlePage *page;

  g_return_if_fail (job == self->job);

  /* Whatever is still queued is in the full results too. */
  saddle_frame_drain_stop (&self->drain);

  done = g_steal_pointer (&self->job);
  g_signal_handlers_disconnect_by_data (done, self);
  page = saddle_window_get_page (self, saddle_job_get_kind (done));

  results = saddle_job_take_results (done, &error);
  if (results == NULL)
    {
      SaddleSidePanel *panel = self->panels[saddle_job_get_kind (done)];
      /* A config field's error is worded about the value; the panel names the row. */
      g_autofree char *reason = saddle_side_panel_describe_error (panel, error);
      g_autofree char *message = NULL;

      /* TRANSLATORS: %s is the engine's explanation, e.g. a file name and what is wrong with it */
      message = g_strdup_printf (_("The study could not run: %s"), reason);
      saddle_window_show_message (self, message, FALSE);
      g_debug ("%s", message);
    }
  else if (results->failures != NULL && results->failures->len > self->failures->len)
    {
      /* Failures the live events did not report (there should be none). */
      g_ptr_array_set_size (self->failures, 0);
      for (guint i = 0; i < results->failures->len; i++)
        g_ptr_array_add (self->failures, g_strdup (g_ptr_array_index (results->failures, i)));
      show_failures (self);
    }
  saddle_page_finish (page, results);
  /* What tests/bench/app-vs-cli.sh compares with saddle-cli's time for the same study. */
  g_debug ("Study shown %.3f s after it started", (g_get_monotonic_time () - self->job_start) / 1e6);
  /* The next task in the queue (a loss slice that waited) may start. */
  saddle_job_queue_finish (self->queue, self);

  if (self->have_pending)
    {
      SaddleStudyConfig config = self->pending_config;

      self->have_pending = FALSE;
      start_job (self, self->pending_kind, &config);
      saddle_study_config_clear (&config);
    }

  update_busy (self);
}

/* A study waiting in the queue for its turn. */
typedef struct
{
  SaddleWindow      *window;
  SaddleStudyKind    kind;
  SaddleStudyConfig  config;
} StudyStart;

static void
study_start_free (StudyStart *start)
{
  saddle_study_config_clear (&start->config);
  g_free (start);
}

/* The queue's turn for a study: the page clears only now, when the numbers start coming. */
static GCancellable *
study_start_cb (gpointer user_data)
{
  StudyStart *start = user_data;
  SaddleWindow *self = start->window;
  SaddlePage *page = saddle_window_get_page (self, start->kind);

  g_ptr_array_set_size (self->failures, 0);
  hide_banner (self);

  saddle_page_begin (page, &start->config);
  self->studies_started++;
  self->job_start = g_get_monotonic_time ();
  self->last_fraction = 0.0;
  saddle_text_throttle_reset (&self->progress_text);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  self->bar_moved = 0;
  gtk_label_set_text (self->progress_label, _("Starting…"));

  self->job = saddle_job_new (start->kind, &start->config);
  g_signal_connect (self->job, "finished", G_CALLBACK (job_finished_cb), self);
  saddle_job_start (self->job);

  saddle_frame_drain_start (&self->drain, GTK_WIDGET (self), drain_job);

  update_busy (self);
  return g_object_ref (saddle_job_get_cancellable (self->job));
}

/* Queues the study: it starts at once unless another BLAS-heavy task (a loss slice) runs. */
static void
start_job (SaddleWindow            *self,
           SaddleStudyKind          kind,
           const SaddleStudyConfig *config)
{
  StudyStart *start;

  g_return_if_fail (self->job == NULL);

  start = g_new0 (StudyStart, 1);
  start->window = self;
  start->kind = kind;
  saddle_study_config_copy (config, &start->config);
  saddle_job_queue_push (self->queue, self, study_start_cb, start, (GDestroyNotify) study_start_free);
  update_busy (self);
}

/* The shown study's panel: its read-only settings while its results were opened from a folder. */
void
saddle_window_sync_panel (SaddleWindow *self)
{
  SaddleStudyKind kind = saddle_window_get_shown_kind (self);

  if (self->panel_stack == NULL || self->panels[kind] == NULL)
    return;
  gtk_stack_set_visible_child (self->panel_stack, self->opened[kind] != NULL
                                                  ? self->opened[kind]
                                                  : GTK_WIDGET (self->panels[kind]));
}

/* Back to the user's own settings for @kind (the opened results stay until a study starts). */
void
saddle_window_close_opened (SaddleWindow    *self,
                            SaddleStudyKind  kind)
{
  if (self->opened[kind] == NULL)
    return;
  gtk_stack_remove (self->panel_stack, self->opened[kind]);
  self->opened[kind] = NULL;
  saddle_window_sync_panel (self);
}

void
saddle_window_set_opened (SaddleWindow    *self,
                          SaddleStudyKind  kind,
                          GtkWidget       *opened)
{
  saddle_window_close_opened (self, kind);
  self->opened[kind] = opened;
  gtk_stack_add_child (self->panel_stack, opened);
}

static void
visible_study_changed_cb (GtkStack     *stack,
                          GParamSpec   *pspec,
                          SaddleWindow *self)
{
  if (gtk_stack_get_visible_child_name (stack) != NULL)
    saddle_window_sync_panel (self);
}

/* GtkWindow */

static void
save_window_state (SaddleWindow *self)
{
  int width = 0, height = 0;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
saddle_window_close_request (GtkWindow *window)
{
  SaddleWindow *self = SADDLE_WINDOW (window);

  save_window_state (self);

  /* The worker stops at its next safe point; the application stays alive
   * (the job holds it) until the worker has returned, so nothing is cut off. */
  self->have_pending = FALSE;
  saddle_job_queue_cancel (self->queue, NULL);

  return GTK_WINDOW_CLASS (saddle_window_parent_class)->close_request (window);
}

/* GObject */

static void
saddle_window_constructed (GObject *object)
{
  SaddleWindow *self = SADDLE_WINDOW (object);
  static const SaddleStudyKind kinds[] = {
    SADDLE_STUDY_TRAJECTORIES, SADDLE_STUDY_GRADNORM, SADDLE_STUDY_CRITICAL
  };
  g_autofree char *study = NULL;

  G_OBJECT_CLASS (saddle_window_parent_class)->constructed (object);

  g_return_if_fail (self->settings != NULL);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      const char *name = saddle_study_kind_to_string (kinds[i]);
      g_autoptr(GSettings) child = g_settings_get_child (self->settings, name);

      /* Given the queue at construction: the panel's first update asks for the machine's rate. */
      self->panels[kinds[i]] = g_object_new (SADDLE_TYPE_SIDE_PANEL, "kind", kinds[i],
                                             "settings", child, "job-queue", self->queue, NULL);
      gtk_stack_add_named (self->panel_stack, GTK_WIDGET (self->panels[kinds[i]]), name);
    }

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "panel-width", self->paned, "position", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "panel-visible", self->panel_stack, "visible", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "log-grad-norm", self->gradnorm_page, "log-grad-norm", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "trajectory-layer", self->trajectories_page, "layer", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "playback-speed", self->trajectories_page, "speed", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "critical-nonzero-ratio", self->critical_page, "nonzero-ratio", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "critical-show-trend", self->critical_page, "show-trend", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "critical-show-pb-fit", self->critical_page, "show-pb-fit", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "critical-ratio-axis-full", self->critical_page, "ratio-axis-full",
                   G_SETTINGS_BIND_DEFAULT);
  saddle_page_set_job_queue (self->trajectories_page, self->queue);
  saddle_page_set_job_queue (self->gradnorm_page, self->queue);
  saddle_page_set_job_queue (self->critical_page, self->queue);

  study = g_settings_get_string (self->settings, "study");
  gtk_stack_set_visible_child_name (self->view_stack, study);
  gtk_stack_set_visible_child_name (self->panel_stack, study);
  g_settings_bind (self->settings, "study", self->view_stack, "visible-child-name", G_SETTINGS_BIND_SET);

  /* The toggle shows and hides the panel through its stateful action. */
  {
    GPropertyAction *action = g_property_action_new ("toggle-panel", self->panel_stack, "visible");
    g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
    g_object_unref (action);
  }
}

static void
saddle_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SaddleWindow *self = SADDLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, saddle_window_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_window_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SaddleWindow *self = SADDLE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_window_dispose (GObject *object)
{
  SaddleWindow *self = SADDLE_WINDOW (object);

  saddle_frame_drain_stop (&self->drain);
  g_clear_handle_id (&self->info_timeout_id, g_source_remove);

  if (self->job != NULL)
    {
      /* Nobody will look at the results: stop, and let the job finish alone. */
      g_signal_handlers_disconnect_by_data (self->job, self);
      saddle_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  if (self->have_pending)
    {
      saddle_study_config_clear (&self->pending_config);
      self->have_pending = FALSE;
    }
  if (self->queue != NULL)
    saddle_job_queue_cancel (self->queue, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SADDLE_TYPE_WINDOW);
  g_clear_object (&self->queue);

  G_OBJECT_CLASS (saddle_window_parent_class)->dispose (object);
}

static void
saddle_window_finalize (GObject *object)
{
  SaddleWindow *self = SADDLE_WINDOW (object);

  g_clear_pointer (&self->failures, g_ptr_array_unref);
  saddle_text_throttle_reset (&self->progress_text);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (saddle_window_parent_class)->finalize (object);
}

static void
saddle_window_class_init (SaddleWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = saddle_window_constructed;
  object_class->dispose = saddle_window_dispose;
  object_class->finalize = saddle_window_finalize;
  object_class->get_property = saddle_window_get_property;
  object_class->set_property = saddle_window_set_property;

  window_class->close_request = saddle_window_close_request;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SADDLE_TYPE_TRAJECTORIES_PAGE);
  g_type_ensure (SADDLE_TYPE_GRADNORM_PAGE);
  g_type_ensure (SADDLE_TYPE_CRITICAL_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/saddlelab/Saddle/ui/saddle-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, panel_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, start_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, stop_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, banner_icon);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, paned);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, panel_stack);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, trajectories_page);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, gradnorm_page);
  gtk_widget_class_bind_template_child (widget_class, SaddleWindow, critical_page);
  gtk_widget_class_bind_template_callback (widget_class, banner_close_cb);
  gtk_widget_class_bind_template_callback (widget_class, visible_study_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.start", NULL, saddle_window_start_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, saddle_window_export_action);
  gtk_widget_class_install_action (widget_class, "win.export-all", NULL, saddle_window_export_all_action);
  gtk_widget_class_install_action (widget_class, "win.open-results", NULL, saddle_window_open_results_action);
  gtk_widget_class_install_action (widget_class, "win.new-study", NULL, saddle_window_new_study_action);
  gtk_widget_class_install_action (widget_class, "win.reset-settings", NULL, saddle_window_reset_settings_action);

  gtk_widget_class_install_action (widget_class, "win.show-study", "s", saddle_window_show_study_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-play", NULL, saddle_window_toggle_play_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-panel", NULL);
  /* Space reaches the window only when no focused widget (a button, an entry) takes it. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "win.toggle-play", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.show-study", "s",
                                       "trajectories");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.show-study", "s",
                                       "gradnorm");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.show-study", "s",
                                       "critical");
}

static void
saddle_window_init (SaddleWindow *self)
{
  self->failures = g_ptr_array_new_with_free_func (g_free);
  self->queue = saddle_job_queue_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}

SaddleWindow *
saddle_window_new (GtkApplication *application,
                   GSettings      *settings)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (SADDLE_TYPE_WINDOW,
                       "application", application,
                       "settings", settings,
                       NULL);
}

gboolean
saddle_window_run_study (SaddleWindow     *self,
                         SaddleStudyKind   kind,
                         GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  SaddleStudyConfig config;

  g_return_val_if_fail (SADDLE_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (kind <= SADDLE_STUDY_CRITICAL, FALSE);

  saddle_window_show_kind (self, kind);

  /* A study that cannot start leaves the previous one on screen: the data are checked
   * before the page is cleared for the new study. */
  if (!saddle_side_panel_get_config (self->panels[kind], &config, &local_error)
      || !saddle_study_config_check_data (&config, &local_error))
    {
      g_autofree char *message = g_strdup_printf (_("Cannot start: %s"), local_error->message);

      saddle_window_show_message (self, message, FALSE);
      if (error != NULL)
        *error = g_steal_pointer (&local_error);
      return FALSE;
    }

  /* A new study of this kind: its own settings again, no longer the opened folder's. */
  saddle_window_close_opened (self, kind);

  if (self->job != NULL)
    {
      /* Never two BLAS jobs at once: the new study waits for the old to stop. */
      if (self->have_pending)
        saddle_study_config_clear (&self->pending_config);
      self->have_pending = TRUE;
      self->pending_kind = kind;
      self->pending_config = config;
      saddle_job_cancel (self->job);
      gtk_label_set_text (self->progress_label, _("Stopping the running study…"));
      update_busy (self);
      return TRUE;
    }

  /* A study still waiting gives way to this one; a loss slice under way stops, and this
   * study starts when its worker has returned. */
  saddle_job_queue_cancel (self->queue, self);
  saddle_job_queue_cancel_running (self->queue);
  start_job (self, kind, &config);
  saddle_study_config_clear (&config);
  return TRUE;
}

char *
saddle_window_eigensolve_stop_text (double remaining)
{
  if (isnan (remaining))
    return g_strdup (_("Stopping after the eigensolve, which cannot be interrupted…"));
  /* TRANSLATORS: the seconds the eigensolve under way will still take, forecast */
  return g_strdup_printf (_("Stopping after the eigensolve, which cannot be interrupted (about %.0f s)…"),
                          MAX (1.0, ceil (remaining)));
}

void
saddle_window_stop (SaddleWindow *self)
{
  g_return_if_fail (SADDLE_IS_WINDOW (self));

  if (self->have_pending)
    {
      saddle_study_config_clear (&self->pending_config);
      self->have_pending = FALSE;
    }
  /* A study waiting for its turn is dropped. */
  saddle_job_queue_cancel (self->queue, self);
  if (self->job != NULL)
    {
      const char *doing = gtk_label_get_text (self->progress_label);

      saddle_job_cancel (self->job);
      /* LAPACK's eigensolver cannot be interrupted: say why Stop takes a while there, and
       * for how long, forecast from the last eigensolve measured (saddle-eigen-forecast.h). */
      if (strstr (doing, _("Eigenvalues")) != NULL)
        {
          g_autofree char *text = saddle_window_eigensolve_stop_text (saddle_eigen_forecast_remaining ());

          gtk_label_set_text (self->progress_label, text);
        }
      else
        gtk_label_set_text (self->progress_label, _("Stopping…"));
    }
  update_busy (self);
}

guint
saddle_window_get_studies_started (SaddleWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), 0);

  return self->studies_started;
}

gboolean
saddle_window_get_busy (SaddleWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), FALSE);

  return self->job != NULL || self->have_pending
         || (self->queue != NULL && saddle_job_queue_is_waiting (self->queue, self));
}

GtkWidget *
saddle_window_get_opened_panel (SaddleWindow    *self,
                                SaddleStudyKind  kind)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), NULL);
  g_return_val_if_fail (kind <= SADDLE_STUDY_CRITICAL, NULL);

  return self->opened[kind];
}

void
saddle_window_show_message (SaddleWindow *self,
                            const char   *message,
                            gboolean      info)
{
  g_return_if_fail (SADDLE_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  g_clear_handle_id (&self->info_timeout_id, g_source_remove);
  gtk_label_set_text (self->banner_label, message);
  gtk_image_set_from_icon_name (self->banner_icon,
                                info ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  if (info)
    {
      gtk_widget_remove_css_class (self->banner, "error");
      gtk_widget_add_css_class (self->banner, "info");
      self->info_timeout_id = g_timeout_add_seconds (INFO_TIMEOUT_SECONDS, info_timeout_cb, self);
    }
  else
    {
      gtk_widget_remove_css_class (self->banner, "info");
      gtk_widget_add_css_class (self->banner, "error");
    }
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

const char *
saddle_window_get_message (SaddleWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->banner_revealer))
    return NULL;
  return gtk_label_get_text (self->banner_label);
}

const char *
saddle_window_get_progress (SaddleWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), NULL);

  return gtk_label_get_text (self->progress_label);
}

SaddlePage *
saddle_window_get_page (SaddleWindow    *self,
                        SaddleStudyKind  kind)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), NULL);

  switch (kind)
    {
    case SADDLE_STUDY_TRAJECTORIES:
      return self->trajectories_page;
    case SADDLE_STUDY_GRADNORM:
      return self->gradnorm_page;
    case SADDLE_STUDY_CRITICAL:
    default:
      return self->critical_page;
    }
}

SaddleSidePanel *
saddle_window_get_panel (SaddleWindow    *self,
                         SaddleStudyKind  kind)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), NULL);
  g_return_val_if_fail (kind <= SADDLE_STUDY_CRITICAL, NULL);

  return self->panels[kind];
}

SaddleStudyKind
saddle_window_get_shown_kind (SaddleWindow *self)
{
  const char *name;
  SaddleStudyKind kind = SADDLE_STUDY_TRAJECTORIES;

  g_return_val_if_fail (SADDLE_IS_WINDOW (self), kind);

  name = gtk_stack_get_visible_child_name (self->view_stack);
  if (name != NULL)
    saddle_study_kind_from_string (name, &kind);
  return kind;
}

void
saddle_window_show_kind (SaddleWindow    *self,
                         SaddleStudyKind  kind)
{
  g_return_if_fail (SADDLE_IS_WINDOW (self));

  gtk_stack_set_visible_child_name (self->view_stack, saddle_study_kind_to_string (kind));
}

SaddleJob *
saddle_window_get_job (SaddleWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), NULL);

  return self->job;
}

SaddleJobQueue *
saddle_window_get_job_queue (SaddleWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_WINDOW (self), NULL);

  return self->queue;
}
