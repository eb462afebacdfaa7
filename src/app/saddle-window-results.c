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
        saddle_window_open_results (self, path, NULL);
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

gboolean
saddle_window_open_results (SaddleWindow  *self,
                            const char    *folder,
                            GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) studies = NULL;
  g_autoptr(GString) opened = g_string_new (NULL);
  guint weights = 0;

  g_return_val_if_fail (SADDLE_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  /* Read everything before touching a page: a folder that is refused changes nothing. */
  if (saddle_window_get_busy (self))
    g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_BUSY,
                         _("a study is running: stop it first"));
  else
    studies = saddle_results_folder_read (folder, &local_error);
  if (studies == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Cannot open “%s”: %s"), folder,
                                                  local_error->message);

      saddle_window_show_message (self, message, FALSE);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

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
  return TRUE;
}
