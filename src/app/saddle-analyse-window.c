/* saddle-analyse-window.c — Analyse Weights: what `saddle-cli hessian` computes for a weights
 * file, shown in a window of its own (see saddle-analyse-window.h) */
#define G_LOG_DOMAIN "saddle-analyse-window"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "saddle-analyse-window.h"
#include "saddle-density-view.h"
#include "saddle-format.h"
#include "saddle-frame-drain.h"
#include "saddle-job.h"
#include "saddle-job-queue.h"
#include "saddle-page.h"
#include "saddle-slice-view.h"
#include "saddle-spectrum-view.h"
#include "saddle-window.h"

struct _SaddleAnalyseWindow
{
  GtkApplicationWindow  parent_instance;

  SaddleJobQueue       *queue;          /* the study window's: one BLAS job at a time */
  SaddleJob            *job;
  SaddleFrameDrain      drain;          /* takes the job's progress on the frame clock */
  SaddleAnalysis       *analysis;       /* shown */

  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkWidget            *stop_button;
  GtkWidget            *export_button;
  GtkRevealer          *banner_revealer;
  GtkWidget            *banner;
  GtkLabel             *banner_label;
  GtkWidget            *progress_box;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
  GtkStack             *content;        /* "empty" or "results" */
  GtkLabel             *summary_label;
  GtkStack             *views;
  GtkWidget            *spectrum_view;
  GtkWidget            *density_view;
  GtkWidget            *slice_view;
};

G_DEFINE_FINAL_TYPE (SaddleAnalyseWindow, saddle_analyse_window, GTK_TYPE_APPLICATION_WINDOW)

static void start_analysis (SaddleAnalyseWindow *self,
                            SaddleAnalysisInput *input);

static void
show_message (SaddleAnalyseWindow *self,
              const char          *message,
              gboolean             info)
{
  gtk_label_set_text (self->banner_label, message);
  gtk_widget_remove_css_class (self->banner, info ? "error" : "info");
  gtk_widget_add_css_class (self->banner, info ? "info" : "error");
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
update_busy (SaddleAnalyseWindow *self)
{
  gboolean busy = saddle_analyse_window_get_busy (self);

  gtk_widget_set_visible (self->stop_button, busy);
  gtk_widget_set_visible (self->progress_box, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analyse.open", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analyse.data", !busy && self->analysis != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "analyse.export", self->analysis != NULL);
}

/* Puts @analysis (taken) in place of what was shown. */
static void
show_analysis (SaddleAnalyseWindow *self,
               SaddleAnalysis      *analysis)
{
  g_autofree char *summary = saddle_analysis_summary (analysis);
  g_autofree char *name = g_filename_display_basename (analysis->weights_path);
  const SaddleCriticalPoint *point = analysis->measure->point;
  gboolean dense = point->spectrum != NULL;

  /* The views borrow: point them at the new analysis before the old one goes. */
  saddle_spectrum_view_set_point (SADDLE_SPECTRUM_VIEW (self->spectrum_view),
                                  dense ? point : NULL);
  saddle_spectrum_view_set_point_name (SADDLE_SPECTRUM_VIEW (self->spectrum_view), name);
  saddle_density_view_set_density (SADDLE_DENSITY_VIEW (self->density_view), analysis->density,
                                   point->spectrum);
  saddle_slice_view_set_slice (SADDLE_SLICE_VIEW (self->slice_view), analysis->slice);
  g_clear_pointer (&self->analysis, saddle_analysis_free);
  self->analysis = analysis;

  gtk_label_set_text (self->subtitle_label, name);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_page_set_visible (gtk_stack_get_page (self->views, self->spectrum_view), dense);
  if (!dense && gtk_stack_get_visible_child (self->views) == self->spectrum_view)
    gtk_stack_set_visible_child (self->views, self->density_view);
  gtk_stack_set_visible_child_name (self->content, "results");
}

static void
drain (GtkWidget *widget)
{
  SaddleAnalyseWindow *self = SADDLE_ANALYSE_WINDOW (widget);
  g_autoptr(GPtrArray) events = NULL;
  const char *phase = NULL;
  double fraction = NAN;

  if (self->job == NULL || (events = saddle_job_drain (self->job, 0)) == NULL)
    return;
  for (guint i = 0; i < events->len; i++)
    {
      SaddleJobEvent *event = g_ptr_array_index (events, i);

      if (event->kind != SADDLE_EVENT_PROGRESS)
        continue;
      if (isfinite (event->fraction))
        fraction = event->fraction;
      if (event->message != NULL)
        phase = event->message;
    }
  if (isfinite (fraction))
    gtk_progress_bar_set_fraction (self->progress_bar, fraction);
  if (phase != NULL && !saddle_job_is_cancelled (self->job))
    gtk_label_set_text (self->progress_label, _(phase));
}

static void
job_finished_cb (SaddleJob           *job,
                 SaddleAnalyseWindow *self)
{
  g_autoptr(SaddleJob) done = g_steal_pointer (&self->job);
  g_autoptr(GError) error = NULL;
  SaddleAnalysis *analysis;

  g_signal_handlers_disconnect_by_data (done, self);
  saddle_frame_drain_stop (&self->drain);
  analysis = saddle_job_take_result (done, &error);
  if (analysis != NULL)
    {
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      show_analysis (self, analysis);
    }
  else
    {
      /* The header names what is shown, not the file that failed. */
      g_autofree char *shown = self->analysis != NULL
                               ? g_filename_display_basename (self->analysis->weights_path)
                               : NULL;
      g_autofree char *message = NULL;

      gtk_label_set_text (self->subtitle_label, shown != NULL ? shown : "");
      if (saddle_job_is_cancelled (done))
        message = g_strdup (shown != NULL ? _("Stopped: the analysis shown is the one before")
                                          : _("Stopped"));
      else
        /* TRANSLATORS: %s says what is wrong with the file or its data */
        message = g_strdup_printf (shown != NULL ? _("%s. The analysis shown is the one before.")
                                                 : _("%s."), error->message);
      show_message (self, message, saddle_job_is_cancelled (done));
    }
  /* The next task in the queue (a study that waited) may start. */
  saddle_job_queue_finish (self->queue, self);
  update_busy (self);
}

static void
unref_queue (gpointer  queue,
             GClosure *closure)
{
  g_object_unref (queue);
}

/* The window closed before the worker returned: hand the queue on all the same. */
static void
orphan_finished_cb (SaddleJob      *job,
                    SaddleJobQueue *queue)
{
  saddle_job_queue_finish (queue, g_object_get_data (G_OBJECT (job), "saddle-queue-owner"));
}

/* What the queue starts when the analysis's turn comes. */
typedef struct
{
  GWeakRef             window;
  SaddleAnalysisInput *input;
} AnalysisStart;

static void
analysis_start_free (AnalysisStart *start)
{
  g_weak_ref_clear (&start->window);
  saddle_analysis_input_free (start->input);
  g_free (start);
}

static GCancellable *
analysis_start_cb (gpointer user_data)
{
  AnalysisStart *start = user_data;
  g_autoptr(SaddleAnalyseWindow) self = g_weak_ref_get (&start->window);
  g_autofree char *name = NULL;

  if (self == NULL)
    return NULL;
  name = g_filename_display_basename (start->input->weights_path);
  gtk_label_set_text (self->progress_label, _("Reading the weights…"));
  gtk_label_set_text (self->subtitle_label, name);
  self->job = saddle_job_new_work (saddle_analysis_run, g_steal_pointer (&start->input),
                                   (GDestroyNotify) saddle_analysis_input_free,
                                   (GDestroyNotify) saddle_analysis_free);
  /* Who to hand the queue on for, should the window close before the worker returns. */
  g_object_set_data (G_OBJECT (self->job), "saddle-queue-owner", self);
  g_signal_connect (self->job, "finished", G_CALLBACK (job_finished_cb), self);
  saddle_job_start (self->job);
  saddle_frame_drain_start (&self->drain, GTK_WIDGET (self), drain);
  update_busy (self);
  return g_object_ref (saddle_job_get_cancellable (self->job));
}

/* The queue of the application's study window, which every BLAS-heavy task shares. */
static SaddleJobQueue *
find_queue (SaddleAnalyseWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  for (GList *l = app != NULL ? gtk_application_get_windows (app) : NULL; l != NULL; l = l->next)
    if (SADDLE_IS_WINDOW (l->data))
      return g_object_ref (saddle_window_get_job_queue (l->data));
  return saddle_job_queue_new ();
}

/* Queues @input (taken): it starts when no study or slice runs. */
static void
start_analysis (SaddleAnalyseWindow *self,
                SaddleAnalysisInput *input)
{
  AnalysisStart *start = g_new0 (AnalysisStart, 1);

  g_return_if_fail (self->job == NULL);

  if (self->queue == NULL)
    self->queue = find_queue (self);
  g_weak_ref_init (&start->window, self);
  start->input = input;
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->progress_label, _("Waiting for the running study to stop…"));
  saddle_job_queue_push (self->queue, self, analysis_start_cb, start,
                         (GDestroyNotify) analysis_start_free);
  update_busy (self);
}

/* The path @dialog's answer chose (g_free), or NULL; the dialog is released. */
static char *
chosen_path (GtkNativeDialog *dialog,
             int              response)
{
  g_autoptr(GFile) file = NULL;
  char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT
      && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    path = g_file_get_path (file);
  g_object_unref (dialog);
  return path;
}

static void
weights_chosen_cb (GtkNativeDialog     *dialog,
                   int                  response,
                   SaddleAnalyseWindow *self)
{
  g_autofree char *path = chosen_path (dialog, response);

  if (path != NULL)
    saddle_analyse_window_open (self, path, NULL);
}

static void
data_chosen_cb (GtkNativeDialog     *dialog,
                int                  response,
                SaddleAnalyseWindow *self)
{
  g_autofree char *path = chosen_path (dialog, response);

  if (path != NULL && self->analysis != NULL)
    saddle_analyse_window_open (self, self->analysis->weights_path, path);
}

static void
export_chosen_cb (GtkNativeDialog     *dialog,
                  int                  response,
                  SaddleAnalyseWindow *self)
{
  g_autofree char *path = chosen_path (dialog, response);
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  if (saddle_analyse_window_export_view (self, path, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Saved %s"), path);

      show_message (self, message, TRUE);
    }
  else
    show_message (self, error->message, FALSE);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  saddle_analyse_window_choose (SADDLE_ANALYSE_WINDOW (widget));
}

static void
data_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Data Folder of IDX Files"), GTK_WINDOW (widget),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Analyse"),
                                        _("_Cancel"));
  g_signal_connect (dialog, "response", G_CALLBACK (data_chosen_cb), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
stop_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  saddle_analyse_window_stop (SADDLE_ANALYSE_WINDOW (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SaddleAnalyseWindow *self = SADDLE_ANALYSE_WINDOW (widget);
  g_autofree char *name = g_strdup_printf ("%s.svg", gtk_stack_get_visible_child_name (self->views));
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export View"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"),
                                        _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (export_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
banner_close_cb (GtkButton           *button,
                 SaddleAnalyseWindow *self)
{
  gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
}

static GtkWidget *
header_button (const char *label,
               const char *action,
               const char *tooltip)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_set_tooltip_text (button, tooltip);
  return button;
}

static GtkWidget *
build_header (SaddleAnalyseWindow *self)
{
  GtkWidget *header = gtk_header_bar_new ();
  GtkWidget *title = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  self->title_label = GTK_LABEL (gtk_label_new (_("Analyse Weights")));
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "title");
  self->subtitle_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle_label), "subtitle");
  gtk_label_set_ellipsize (self->subtitle_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_box_append (GTK_BOX (title), GTK_WIDGET (self->title_label));
  gtk_box_append (GTK_BOX (title), GTK_WIDGET (self->subtitle_label));
  gtk_widget_set_valign (title, GTK_ALIGN_CENTER);
  gtk_header_bar_set_title_widget (GTK_HEADER_BAR (header), title);

  gtk_header_bar_pack_start (GTK_HEADER_BAR (header),
                             header_button (_("_Open…"), "analyse.open",
                                            _("Analyse another weights file (Ctrl+O)")));
  gtk_header_bar_pack_start (GTK_HEADER_BAR (header),
                             header_button (_("_Data Folder…"), "analyse.data",
                                            _("Analyse these weights on another folder of "
                                              "IDX files")));
  self->export_button = header_button (_("_Export View…"), "analyse.export",
                                       _("Save the shown view as SVG, PNG or CSV (Ctrl+E)"));
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->export_button);
  self->stop_button = header_button (_("_Stop"), "analyse.stop",
                                     _("Stop the analysis; the one before stays (Escape)"));
  gtk_widget_add_css_class (self->stop_button, "destructive-action");
  gtk_header_bar_pack_end (GTK_HEADER_BAR (header), self->stop_button);
  return header;
}

static GtkWidget *
build_banner (SaddleAnalyseWindow *self)
{
  GtkWidget *close = gtk_button_new_from_icon_name ("window-close-symbolic");

  self->banner = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->banner, "banner");
  self->banner_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->banner_label, TRUE);
  gtk_label_set_wrap_mode (self->banner_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->banner_label, TRUE);
  gtk_label_set_xalign (self->banner_label, 0);
  gtk_widget_set_hexpand (GTK_WIDGET (self->banner_label), TRUE);
  gtk_box_append (GTK_BOX (self->banner), GTK_WIDGET (self->banner_label));
  gtk_widget_add_css_class (close, "flat");
  gtk_widget_set_valign (close, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (close, _("Dismiss"));
  g_signal_connect (close, "clicked", G_CALLBACK (banner_close_cb), self);
  gtk_box_append (GTK_BOX (self->banner), close);
  self->banner_revealer = GTK_REVEALER (gtk_revealer_new ());
  gtk_revealer_set_child (self->banner_revealer, self->banner);
  return GTK_WIDGET (self->banner_revealer);
}

static GtkWidget *
build_progress (SaddleAnalyseWindow *self)
{
  self->progress_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_add_css_class (self->progress_box, "banner");
  self->progress_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->progress_label, 0);
  gtk_label_set_width_chars (self->progress_label, 36);
  gtk_label_set_ellipsize (self->progress_label, PANGO_ELLIPSIZE_END);
  self->progress_bar = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->progress_bar), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->progress_bar), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->progress_box), GTK_WIDGET (self->progress_label));
  gtk_box_append (GTK_BOX (self->progress_box), GTK_WIDGET (self->progress_bar));
  gtk_widget_set_visible (self->progress_box, FALSE);
  return self->progress_box;
}

static GtkWidget *
build_results (SaddleAnalyseWindow *self)
{
  GtkWidget *paned = gtk_paned_new (GTK_ORIENTATION_HORIZONTAL);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *right = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *switcher = gtk_stack_switcher_new ();

  self->summary_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->summary_label, 0);
  gtk_label_set_yalign (self->summary_label, 0);
  gtk_label_set_wrap (self->summary_label, TRUE);
  gtk_label_set_wrap_mode (self->summary_label, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (self->summary_label, TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (self->summary_label), 14);
  gtk_widget_set_margin_end (GTK_WIDGET (self->summary_label), 10);
  gtk_widget_set_margin_top (GTK_WIDGET (self->summary_label), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->summary_label), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label), "analyse-summary");
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->summary_label));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scrolled, 340, -1);

  self->views = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->views), TRUE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->views), TRUE);
  self->spectrum_view = saddle_spectrum_view_new ();
  self->density_view = saddle_density_view_new ();
  self->slice_view = saddle_slice_view_new ();
  gtk_stack_add_titled (self->views, self->spectrum_view, "spectrum", _("Spectrum"));
  gtk_stack_add_titled (self->views, self->density_view, "density", _("Density (SLQ)"));
  gtk_stack_add_titled (self->views, self->slice_view, "slice", _("Loss Slice"));
  gtk_stack_switcher_set_stack (GTK_STACK_SWITCHER (switcher), self->views);
  gtk_widget_set_halign (switcher, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (switcher, 6);
  gtk_box_append (GTK_BOX (right), switcher);
  gtk_box_append (GTK_BOX (right), GTK_WIDGET (self->views));

  gtk_paned_set_start_child (GTK_PANED (paned), scrolled);
  gtk_paned_set_resize_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_shrink_start_child (GTK_PANED (paned), FALSE);
  gtk_paned_set_end_child (GTK_PANED (paned), right);
  gtk_paned_set_shrink_end_child (GTK_PANED (paned), FALSE);
  return paned;
}

static void
saddle_analyse_window_dispose (GObject *object)
{
  SaddleAnalyseWindow *self = SADDLE_ANALYSE_WINDOW (object);

  if (self->job != NULL)
    {
      /* Nobody will look at the result: stop, and let the job finish alone. */
      g_signal_handlers_disconnect_by_data (self->job, self);
      g_signal_connect_data (self->job, "finished", G_CALLBACK (orphan_finished_cb),
                             g_object_ref (self->queue), unref_queue, 0);
      g_clear_object (&self->job);
    }
  if (self->queue != NULL)
    saddle_job_queue_cancel (self->queue, self);
  g_clear_object (&self->queue);
  /* The views borrow the analysis: let them go first. */
  if (self->spectrum_view != NULL)
    {
      saddle_spectrum_view_set_point (SADDLE_SPECTRUM_VIEW (self->spectrum_view), NULL);
      saddle_density_view_set_density (SADDLE_DENSITY_VIEW (self->density_view), NULL, NULL);
      saddle_slice_view_set_slice (SADDLE_SLICE_VIEW (self->slice_view), NULL);
    }
  g_clear_pointer (&self->analysis, saddle_analysis_free);

  G_OBJECT_CLASS (saddle_analyse_window_parent_class)->dispose (object);
}

static void
saddle_analyse_window_class_init (SaddleAnalyseWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = saddle_analyse_window_dispose;

  gtk_widget_class_install_action (widget_class, "analyse.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "analyse.data", NULL, data_action);
  gtk_widget_class_install_action (widget_class, "analyse.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "analyse.export", NULL, export_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "analyse.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "analyse.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "analyse.stop", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK,
                                       "window.close", NULL);
}

static void
saddle_analyse_window_init (SaddleAnalyseWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *empty = gtk_label_new (_("Open a weights file written by --save-weights (Ctrl+O) "
                                      "to see its Hessian spectrum, density and loss slice"));

  gtk_window_set_title (GTK_WINDOW (self), _("Analyse Weights"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1280, 800);
  gtk_window_set_titlebar (GTK_WINDOW (self), build_header (self));
  gtk_box_append (GTK_BOX (box), build_banner (self));
  gtk_box_append (GTK_BOX (box), build_progress (self));

  gtk_label_set_wrap (GTK_LABEL (empty), TRUE);
  gtk_widget_add_css_class (empty, "dim-label");
  self->content = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (self->content), TRUE);
  gtk_stack_add_named (self->content, empty, "empty");
  gtk_stack_add_named (self->content, build_results (self), "results");
  gtk_stack_set_visible_child_name (self->content, "empty");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->content));
  gtk_window_set_child (GTK_WINDOW (self), box);
  update_busy (self);
}

SaddleAnalyseWindow *
saddle_analyse_window_get (GtkApplication *app)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);

  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (SADDLE_IS_ANALYSE_WINDOW (l->data))
      return l->data;
  return g_object_new (SADDLE_TYPE_ANALYSE_WINDOW, "application", app, NULL);
}

void
saddle_analyse_window_open (SaddleAnalyseWindow *self,
                            const char          *weights_path,
                            const char          *data_path)
{
  g_return_if_fail (SADDLE_IS_ANALYSE_WINDOW (self));
  g_return_if_fail (weights_path != NULL);

  if (self->job != NULL)
    {
      show_message (self, _("An analysis is running: stop it first"), FALSE);
      return;
    }
  start_analysis (self, saddle_analysis_input_new (weights_path, data_path));
}

void
saddle_analyse_window_choose (SaddleAnalyseWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  g_return_if_fail (SADDLE_IS_ANALYSE_WINDOW (self));

  dialog = gtk_file_chooser_native_new (_("Analyse Weights"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Analyse"),
                                        _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Weights (text, safetensors, .npy, .npz)"));
  gtk_file_filter_add_pattern (filter, "*.txt");
  gtk_file_filter_add_pattern (filter, "*.safetensors");
  gtk_file_filter_add_pattern (filter, "*.npy");
  gtk_file_filter_add_pattern (filter, "*.npz");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  /* The format is read from the bytes, not the name: any file may be tried. */
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  g_signal_connect (dialog, "response", G_CALLBACK (weights_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
saddle_analyse_window_stop (SaddleAnalyseWindow *self)
{
  g_return_if_fail (SADDLE_IS_ANALYSE_WINDOW (self));

  if (self->queue == NULL)
    return;
  /* Cancels the running analysis and drops one that waits for its turn. */
  saddle_job_queue_cancel (self->queue, self);
  if (self->job != NULL)
    gtk_label_set_text (self->progress_label, _("Stopping…"));
  update_busy (self);
}

gboolean
saddle_analyse_window_get_busy (SaddleAnalyseWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_ANALYSE_WINDOW (self), FALSE);

  return self->job != NULL
         || (self->queue != NULL && saddle_job_queue_is_waiting (self->queue, self));
}

const SaddleAnalysis *
saddle_analyse_window_get_analysis (SaddleAnalyseWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_ANALYSE_WINDOW (self), NULL);

  return self->analysis;
}

const char *
saddle_analyse_window_get_summary (SaddleAnalyseWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_ANALYSE_WINDOW (self), NULL);

  return gtk_label_get_text (self->summary_label);
}

const char *
saddle_analyse_window_get_message (SaddleAnalyseWindow *self)
{
  g_return_val_if_fail (SADDLE_IS_ANALYSE_WINDOW (self), NULL);

  return gtk_revealer_get_reveal_child (self->banner_revealer)
         ? gtk_label_get_text (self->banner_label) : NULL;
}

void
saddle_analyse_window_show_view (SaddleAnalyseWindow *self,
                                 const char          *name)
{
  g_return_if_fail (SADDLE_IS_ANALYSE_WINDOW (self));

  gtk_stack_set_visible_child_name (self->views, name);
}

GtkWidget *
saddle_analyse_window_get_view (SaddleAnalyseWindow *self,
                                const char          *name)
{
  g_return_val_if_fail (SADDLE_IS_ANALYSE_WINDOW (self), NULL);

  return gtk_stack_get_child_by_name (self->views, name);
}

typedef struct
{
  const SaddleAnalysis *analysis;
  const char           *view;
  SaddleFigureStyle     style;
} ExportData;

static void
draw_export_cb (cairo_t *cr,
                double   width,
                double   height,
                gpointer user_data)
{
  ExportData *data = user_data;
  const SaddleAnalysis *a = data->analysis;

  if (g_str_equal (data->view, "spectrum"))
    saddle_figure_spectrum (cr, width, height, a->measure->point, &data->style);
  else if (g_str_equal (data->view, "density"))
    saddle_figure_density (cr, width, height, a->density, a->measure->point->spectrum,
                           &data->style);
  else
    saddle_figure_slice (cr, width, height, a->slice, &data->style);
}

gboolean
saddle_analyse_window_export_view (SaddleAnalyseWindow *self,
                                   const char          *path,
                                   GError             **error)
{
  g_autofree char *name = NULL;
  ExportData data;
  SaddleExportFormat format;

  g_return_val_if_fail (SADDLE_IS_ANALYSE_WINDOW (self), FALSE);

  if (!saddle_export_format_for_path (path, &format, error))
    return FALSE;
  if (self->analysis == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("Nothing has been analysed yet: open a weights file first"));
      return FALSE;
    }
  name = g_filename_display_basename (self->analysis->weights_path);
  data.analysis = self->analysis;
  data.view = gtk_stack_get_visible_child_name (self->views);
  if (format == SADDLE_EXPORT_CSV)
    {
      if (g_str_equal (data.view, "spectrum"))
        return saddle_critical_measure_write_csv (self->analysis->measure, path, error);
      if (g_str_equal (data.view, "density"))
        return saddle_density_write_csv (self->analysis->density, path, error);
      return saddle_slice_write_csv (self->analysis->slice, path, error);
    }
  saddle_figure_style_init (&data.style);
  data.style.point_name = name;
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (gtk_stack_get_visible_child (self->views)),
                                    &data.style.view);
  return saddle_export_figure (path, format, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                               draw_export_cb, &data, error);
}
