/* saddle-window-results.c — Open Results: a results folder that saddle-cli or Export All wrote, shown read-only */
#define G_LOG_DOMAIN "saddle-window"

#include "config.h"

#include <glib/gi18n.h>

#include "saddle-opened-panel.h"
#include "saddle-results-folder.h"
#include "saddle-window-private.h"

static void
open_results_response_cb (GtkNativeDialog *dialog,
                          int              response,
                          gpointer         user_data)
{
  g_autoptr(SaddleWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        saddle_window_open_results_async (self, path, NULL, NULL, NULL);
    }
  g_object_unref (dialog);
}

void
saddle_window_open_results_action (GtkWidget  *widget,
                                   const char *action_name,
                                   GVariant   *parameter)
{
  SaddleWindow *self = SADDLE_WINDOW (widget);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Open Results"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Open"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_results_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Worker thread: the folder's files, parsed; a cluster's study can hold millions of rows. */
static void
read_folder_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *studies = saddle_results_folder_read (task_data, &error);

  if (studies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, studies, (GDestroyNotify) g_ptr_array_unref);
}

static void
refuse (SaddleWindow *self,
        GTask        *task,
        const char   *folder,
        GError       *error)
{
  g_autofree char *message = g_strdup_printf (_("Cannot open “%s”: %s"), folder, error->message);

  saddle_window_show_message (self, message, FALSE);
  g_task_return_error (task, error);
}

/* The studies read, on their pages, with their settings read-only in the panel. */
static void
show_studies (SaddleWindow *self,
              const char   *folder,
              GPtrArray    *studies)
{
  g_autoptr(GString) opened = g_string_new (NULL);
  guint weights = 0;

  for (guint i = 0; i < studies->len; i++)
    {
      SaddleOpenedStudy *study = g_ptr_array_index (studies, i);
      SaddleStudyResults *results = g_steal_pointer (&study->results);
      SaddleStudyKind kind = results->kind;
      SaddlePage *page = saddle_window_get_page (self, kind);
      g_autofree char *schema_id = NULL;

      g_object_get (saddle_side_panel_get_settings (saddle_window_get_panel (self, kind)), "schema-id",
                    &schema_id, NULL);
      saddle_window_set_opened (self, kind,
                                saddle_opened_panel_new (kind, schema_id, &results->config,
                                                         study->folder, study->settings_recorded));
      saddle_page_begin (page, &results->config);
      saddle_page_finish (page, results);
      weights += study->weights_found;
      g_string_append_printf (opened, "%s%s", i > 0 ? ", " : "", saddle_study_kind_to_string (kind));
    }
  {
    SaddleStudyKind first = SADDLE_STUDY_CRITICAL;

    for (int k = SADDLE_STUDY_CRITICAL; k >= SADDLE_STUDY_TRAJECTORIES; k--)
      if (saddle_window_get_opened_panel (self, k) != NULL)
        first = (SaddleStudyKind) k;
    saddle_window_show_kind (self, first);
  }
  saddle_window_sync_panel (self);

  {
    /* TRANSLATORS: "Opened trajectories, critical from “/path”" */
    g_autofree char *message = g_strdup_printf (_("Opened %s from “%s”"), opened->str, folder);

    /* The slice needs each point's parameters: say at once when the folder has none. */
    if (saddle_window_get_opened_panel (self, SADDLE_STUDY_CRITICAL) != NULL && weights == 0)
      {
        g_autofree char *full = g_strdup_printf (_("%s. The folder holds no weights (weights-runN.txt), so no loss slice can be computed"), message);

        saddle_window_show_message (self, full, TRUE);
      }
    else
      saddle_window_show_message (self, message, TRUE);
  }
}

/* An Open Results in flight: the folder, and how many studies had started when it began. */
typedef struct
{
  char  *folder;
  guint  studies_started;
} OpenRequest;

static void
open_request_free (OpenRequest *request)
{
  g_free (request->folder);
  g_free (request);
}

static void
read_folder_done_cb (GObject      *source_object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaddleWindow *self = g_task_get_source_object (task);
  const OpenRequest *request = g_task_get_task_data (task);
  const char *folder = request->folder;
  g_autoptr(GPtrArray) studies = NULL;
  GError *error = NULL;

  studies = g_task_propagate_pointer (G_TASK (result), &error);
  /* A study started while the files were read: its pages are not ours to replace, whether it
   * still runs or has already finished. */
  if (studies != NULL && (saddle_window_get_busy (self)
                          || saddle_window_get_studies_started (self) != request->studies_started))
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_BUSY,
                         _("a study started while the folder was read"));
  if (error != NULL)
    {
      refuse (self, task, folder, error);
      return;
    }
  show_studies (self, folder, studies);
  g_task_return_boolean (task, TRUE);
}

void
saddle_window_open_results_async (SaddleWindow        *self,
                                  const char          *folder,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) read = NULL;

  g_return_if_fail (SADDLE_IS_WINDOW (self));
  g_return_if_fail (folder != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, saddle_window_open_results_async);
  {
    OpenRequest *request = g_new0 (OpenRequest, 1);

    request->folder = g_strdup (folder);
    request->studies_started = saddle_window_get_studies_started (self);
    g_task_set_task_data (task, request, (GDestroyNotify) open_request_free);
  }
  if (saddle_window_get_busy (self))
    {
      refuse (self, task, folder,
              g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BUSY, _("a study is running: stop it first")));
      return;
    }

  {
    g_autofree char *message = g_strdup_printf (_("Reading “%s”…"), folder);

    saddle_window_show_message (self, message, TRUE);
  }
  /* Read everything before touching a page, off the main thread: a folder that is refused
   * changes nothing, and the window stays responsive however large the folder is. */
  read = g_task_new (NULL, cancellable, read_folder_done_cb, g_object_ref (task));
  g_task_set_task_data (read, g_strdup (folder), g_free);
  g_task_run_in_thread (read, read_folder_thread);
}

gboolean
saddle_window_open_results_finish (SaddleWindow  *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
