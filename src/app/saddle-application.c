/* saddle-application.c — the GtkApplication: actions (also over D-Bus), shortcuts, style */
#define G_LOG_DOMAIN "saddle-application"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "saddle-analyse-window.h"
#include "saddle-application.h"
#include "saddle-renderer.h"
#include "saddle-window.h"

/* After Quit, how long a worker deep inside one LAPACK call may take to
 * return before the process ends without it. */
#define QUIT_GRACE_SECONDS 2

struct _SaddleApplication
{
  GtkApplication  parent_instance;

  GSettings      *settings;
  guint           quit_timeout_id;
  guint           opening;          /* folders app.open-results is reading */
  GQueue          deferred;         /* (Deferred) actions that came while one was read */
};

/* An action that waits for the folders being opened. */
typedef struct
{
  char     *name;
  GVariant *parameter;
} Deferred;

static void
deferred_free (Deferred *deferred)
{
  g_free (deferred->name);
  g_clear_pointer (&deferred->parameter, g_variant_unref);
  g_free (deferred);
}

G_DEFINE_FINAL_TYPE (SaddleApplication, saddle_application, GTK_TYPE_APPLICATION)

static SaddleWindow *
get_window (SaddleApplication *self,
            gboolean           create)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

      window = windows != NULL ? windows->data : NULL;
    }
  if (window == NULL && create)
    {
      window = GTK_WINDOW (saddle_window_new (GTK_APPLICATION (self), self->settings));
      gtk_window_present (window);
    }
  return SADDLE_IS_WINDOW (window) ? SADDLE_WINDOW (window) : NULL;
}

static void
update_stop_enabled (SaddleApplication *self)
{
  GAction *stop = g_action_map_lookup_action (G_ACTION_MAP (self), "stop");
  SaddleWindow *window = get_window (self, FALSE);

  /* Enabled exactly while a study runs, so scripts can poll it over D-Bus. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (stop),
                               window != NULL && saddle_window_get_busy (window));
}

static void
window_busy_cb (SaddleWindow      *window,
                GParamSpec        *pspec,
                SaddleApplication *self)
{
  update_stop_enabled (self);
}

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window,
                 gpointer        user_data)
{
  if (SADDLE_IS_WINDOW (window))
    g_signal_connect_object (window, "notify::busy", G_CALLBACK (window_busy_cb), application, 0);
}

/* app.open-results reads a folder in a thread. Actions that come meanwhile (a script's
 * export-all right after open-results) wait for it, so that they act on what was opened and
 * in the order they came; TRUE when @action was kept for later. */
static gboolean
defer_while_opening (SaddleApplication *self,
                     GAction           *action,
                     GVariant          *parameter)
{
  Deferred *deferred;

  if (self->opening == 0)
    return FALSE;
  deferred = g_new0 (Deferred, 1);
  deferred->name = g_strdup (g_action_get_name (action));
  deferred->parameter = parameter != NULL ? g_variant_ref (parameter) : NULL;
  g_queue_push_tail (&self->deferred, deferred);
  return TRUE;
}

static void
run_deferred (SaddleApplication *self)
{
  while (self->opening == 0 && !g_queue_is_empty (&self->deferred))
    {
      Deferred *deferred = g_queue_pop_head (&self->deferred);

      g_action_group_activate_action (G_ACTION_GROUP (self), deferred->name, deferred->parameter);
      deferred_free (deferred);
    }
}

static void
run_study_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SaddleApplication *self = user_data;
  const char *name = g_variant_get_string (parameter, NULL);
  SaddleWindow *window;
  SaddleStudyKind kind;

  if (defer_while_opening (self, G_ACTION (action), parameter))
    return;
  window = get_window (self, TRUE);

  if (!saddle_study_kind_from_string (name, &kind))
    {
      g_autofree char *message =
        g_strdup_printf (_("Unknown study “%s”: use trajectories, gradnorm or critical"), name);

      saddle_window_show_message (window, message, FALSE);
      g_printerr ("%s\n", message);
      return;
    }

  saddle_window_run_study (window, kind, NULL);
}

static void
stop_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  SaddleWindow *window = get_window (user_data, FALSE);

  if (window != NULL)
    saddle_window_stop (window);
}

static void
export_all_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  SaddleApplication *self = user_data;
  const char *folder = g_variant_get_string (parameter, NULL);
  SaddleWindow *window;
  g_autoptr(GError) error = NULL;

  if (defer_while_opening (self, G_ACTION (action), parameter))
    return;
  window = get_window (self, TRUE);
  if (!saddle_window_export_all (window, folder, &error))
    {
      saddle_window_show_message (window, error->message, FALSE);
      /* Scripts driving the app over D-Bus read the reason here. */
      g_printerr ("%s\n", error->message);
      return;
    }

  {
    g_autofree char *message = g_strdup_printf (_("Exported to “%s”"), folder);

    saddle_window_show_message (window, message, TRUE);
  }
}

static void
folder_opened_cb (GObject      *source_object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SaddleApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!saddle_window_open_results_finish (SADDLE_WINDOW (source_object), result, &error))
    g_printerr ("%s\n", error->message);
  self->opening--;
  run_deferred (self);
}

/* Opens @folder in the window; a folder it cannot use is refused there and on stderr. */
static void
open_folder (SaddleApplication *self,
             const char        *folder)
{
  SaddleWindow *window = get_window (self, TRUE);

  gtk_window_present (GTK_WINDOW (window));
  self->opening++;
  saddle_window_open_results_async (window, folder, NULL, folder_opened_cb, g_object_ref (self));
}

/* Analyse Weights…: the analysis window, asking for a file (no @parameter) or analysing the
 * one named (analyse-weights-file, for scripts over D-Bus). */
static void
analyse_weights_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  SaddleAnalyseWindow *window = saddle_analyse_window_get (GTK_APPLICATION (user_data));

  gtk_window_present (GTK_WINDOW (window));
  if (parameter == NULL)
    saddle_analyse_window_choose (window);
  else
    saddle_analyse_window_open (window, g_variant_get_string (parameter, NULL), NULL);
}

static void
open_results_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  if (defer_while_opening (user_data, G_ACTION (action), parameter))
    return;
  open_folder (user_data, g_variant_get_string (parameter, NULL));
}

static gboolean
quit_timeout_cb (gpointer user_data)
{
  SaddleApplication *self = user_data;

  self->quit_timeout_id = 0;
  g_message ("The worker did not return in %d s; quitting without it", QUIT_GRACE_SECONDS);
  /* It is inside a call that cannot be interrupted (LAPACK's eigensolver, a long BLAS
   * product): running exit()'s library destructors under it crashed the process (SIGSEGV,
   * the worker in dsyevd_2stage while the main thread was in _dl_fini). The windows are gone
   * and nothing is left to save but the settings: write them and end the process here. */
  g_settings_sync ();
  fflush (NULL);
  _exit (0);
  return G_SOURCE_REMOVE;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  SaddleApplication *self = user_data;
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing each window cancels its study; the main loop ends once the
   * workers have returned and released the application. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }
  g_list_free (windows);

  if (self->quit_timeout_id == 0)
    self->quit_timeout_id = g_timeout_add_seconds (QUIT_GRACE_SECONDS, quit_timeout_cb, self);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  SaddleApplication *self = user_data;
  const char *authors[] = { _("The Saddle contributors"), NULL };

  gtk_show_about_dialog (GTK_WINDOW (get_window (self, FALSE)),
                         "program-name", _("Saddle"),
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("What happens when the gradient is almost zero: train small networks, "
                                       "watch their loss, gradient norm and weight trajectories, and find "
                                       "critical points with their exact Hessian spectra."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         "translator-credits", _("translator-credits"),
                         "website", "https://github.com/saddlelab/saddle",
                         NULL);
}

static const GActionEntry app_actions[] = {
  { "run-study", run_study_action, "s" },
  { "stop", stop_action },
  { "export-all", export_all_action, "s" },
  { "open-results", open_results_action, "s" },
  { "analyse-weights", analyse_weights_action },
  { "analyse-weights-file", analyse_weights_action, "s" },
  { "quit", quit_action },
  { "about", about_action },
};

static void
saddle_application_startup (GApplication *application)
{
  SaddleApplication *self = SADDLE_APPLICATION (application);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  const char *start_accels[] = { "<Primary>Return", "<Primary>KP_Enter", NULL };
  const char *stop_accels[] = { "Escape", NULL };
  const char *export_accels[] = { "<Primary>e", NULL };
  const char *open_accels[] = { "<Primary>o", NULL };
  const char *analyse_accels[] = { "<Primary><Shift>o", NULL };
  const char *quit_accels[] = { "<Primary>q", NULL };
  const char *panel_accels[] = { "F9", NULL };

  G_APPLICATION_CLASS (saddle_application_parent_class)->startup (application);

  /* Before any window exists: its renderer is chosen when it is realized. */
  g_free (saddle_renderer_choose (gdk_display_get_default ()));

  self->settings = g_settings_new (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  update_stop_enabled (self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.start", start_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.stop", stop_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.export", export_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.open-results", open_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.analyse-weights",
                                         analyse_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.toggle-panel", panel_accels);

  /* GtkApplication loads gtk/help-overlay.ui by itself, but not the style sheet. */
  gtk_css_provider_load_from_resource (css, "/io/github/saddlelab/Saddle/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_signal_connect (self, "window-added", G_CALLBACK (window_added_cb), NULL);
}

static void
saddle_application_activate (GApplication *application)
{
  SaddleWindow *window = get_window (SADDLE_APPLICATION (application), TRUE);

  gtk_window_present (GTK_WINDOW (window));
}

/* `saddle FOLDER`: the results folder opens in the window (the last one given, one window). */
static void
saddle_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *path = g_file_get_path (files[i]);

      /* Through the action, so that each folder waits for the one before. */
      if (path != NULL)
        g_action_group_activate_action (G_ACTION_GROUP (application), "open-results",
                                        g_variant_new_string (path));
    }
}

static void
saddle_application_shutdown (GApplication *application)
{
  SaddleApplication *self = SADDLE_APPLICATION (application);

  g_clear_handle_id (&self->quit_timeout_id, g_source_remove);
  /* Window size and the last settings reach the disk before the process ends. */
  g_settings_sync ();

  G_APPLICATION_CLASS (saddle_application_parent_class)->shutdown (application);
}

static void
saddle_application_finalize (GObject *object)
{
  SaddleApplication *self = SADDLE_APPLICATION (object);

  g_clear_object (&self->settings);
  g_queue_clear_full (&self->deferred, (GDestroyNotify) deferred_free);

  G_OBJECT_CLASS (saddle_application_parent_class)->finalize (object);
}

static void
saddle_application_class_init (SaddleApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = saddle_application_finalize;

  app_class->startup = saddle_application_startup;
  app_class->activate = saddle_application_activate;
  app_class->open = saddle_application_open;
  app_class->shutdown = saddle_application_shutdown;
}

static void
saddle_application_init (SaddleApplication *self)
{
}

SaddleApplication *
saddle_application_new (void)
{
  return g_object_new (SADDLE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/saddlelab/Saddle",
                       NULL);
}
