/* saddle-window-export.c — Export View and Export All: the file dialogs and the staged folder */
#define G_LOG_DOMAIN "saddle-window"

#include "config.h"

#include <glib/gi18n.h>

#include "saddle-critical-page.h"
#include "saddle-staging.h"
#include "saddle-window-private.h"

/* Says how an export went: @saved_message on success, else @error's message. Then the
 * dialog goes, with the window reference it held. */
static void
finish_export (GtkNativeDialog *dialog,
               SaddleWindow    *self,
               const char      *saved_message,
               const GError    *error)
{
  if (error != NULL)
    saddle_window_show_message (self, error->message, FALSE);
  else if (saved_message != NULL)
    saddle_window_show_message (self, saved_message, TRUE);

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    SaddleWindow    *self)
{
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      const char *what = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (dialog), "figure");
      SaddlePage *page = g_object_get_data (G_OBJECT (dialog), "saddle-page");
      SaddleExportFormat format;
      gboolean ok;

      if (path != NULL && !saddle_export_format_for_path (path, &format, NULL))
        {
          /* No extension typed: the figure as SVG. */
          char *with_svg = g_strconcat (path, ".svg", NULL);

          g_free (path);
          path = with_svg;
        }

      if (path == NULL)
        ok = FALSE, g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                         _("Only local files can be written"));
      else if (SADDLE_IS_CRITICAL_PAGE (page) && g_strcmp0 (what, "spectrum") == 0)
        ok = saddle_critical_page_export_spectrum (SADDLE_CRITICAL_PAGE (page), path, &error);
      else if (SADDLE_IS_CRITICAL_PAGE (page) && g_strcmp0 (what, "slice") == 0)
        ok = saddle_critical_page_export_slice (SADDLE_CRITICAL_PAGE (page), path, &error);
      else
        ok = saddle_page_export_view (page, path, &error);

      if (ok)
        {
          g_autofree char *base = g_path_get_basename (path);

          saved = g_strdup_printf (_("Saved “%s”"), base);
        }
    }

  finish_export (dialog, self, saved, error);
}

static void
add_filter (GtkFileChooser *chooser,
            const char     *name,
            const char     *suffix,
            const char     *mime_type)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  gtk_file_filter_add_suffix (filter, suffix);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (chooser, filter);
}

void
saddle_window_export_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  SaddleWindow *self = SADDLE_WINDOW (widget);
  SaddlePage *page = saddle_window_get_page (self, saddle_window_get_shown_kind (self));
  GtkFileChooserNative *dialog;

  if (!saddle_page_has_results (page))
    {
      saddle_window_show_message (self, _("This study has no results to export yet: press Start first"), FALSE);
      return;
    }

  dialog = gtk_file_chooser_native_new (_("Export View"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), saddle_page_export_name (page));
  add_filter (GTK_FILE_CHOOSER (dialog), _("SVG image (.svg)"), "svg", "image/svg+xml");
  add_filter (GTK_FILE_CHOOSER (dialog), _("PNG image (.png)"), "png", "image/png");
  add_filter (GTK_FILE_CHOOSER (dialog), _("Data as CSV (.csv)"), "csv", "text/csv");

  if (SADDLE_IS_CRITICAL_PAGE (page))
    {
      const char *ids[] = { "scatter", "spectrum", "slice", NULL };
      const char *labels[] = { _("Minimal ratio scatter"), _("Spectrum of the selected point"),
                               _("Loss slice of the selected point"), NULL };

      gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "figure", _("Export"), ids, labels);
      gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "figure", "scatter");
    }

  g_object_set_data_full (G_OBJECT (dialog), "saddle-page", g_object_ref (page), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_all_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        SaddleWindow    *self)
{
  g_autofree char *saved = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _("Only local folders can be written"));
      else if (saddle_window_export_all (self, path, &error))
        saved = g_strdup_printf (_("Exported to “%s”"), path);
    }

  finish_export (dialog, self, saved, error);
}

void
saddle_window_export_all_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  SaddleWindow *self = SADDLE_WINDOW (widget);
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export All to Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_all_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

gboolean
saddle_window_export_all (SaddleWindow  *self,
                          const char    *folder,
                          GError       **error)
{
  SaddlePage *pages[] = {
    saddle_window_get_page (self, SADDLE_STUDY_TRAJECTORIES),
    saddle_window_get_page (self, SADDLE_STUDY_GRADNORM),
    saddle_window_get_page (self, SADDLE_STUDY_CRITICAL),
  };
  /* One subfolder a study, named as its saddle-cli command: the studies write files of the
   * same names (history.csv, epochs.csv), and none may overwrite another's. */
  static const char *const subfolders[] = { "trajectories", "gradnorm", "critical" };
  g_autoptr(SaddleStaging) staging = NULL;
  guint written = 0;

  g_return_val_if_fail (SADDLE_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  /* Everything is written into a staging folder first and swapped in as one set, so a
   * failed export leaves the folder as it was, never old and new files mixed. */
  if ((staging = saddle_staging_open (folder, 0, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *subfolder = g_build_filename (saddle_staging_dir (staging), subfolders[i],
                                                     NULL);

      if (!saddle_page_has_results (pages[i]))
        continue;
      if (!saddle_page_export_all (pages[i], subfolder, error))
        return FALSE;
      written++;
    }

  if (written == 0)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("Nothing to export yet: run a study first"));
      return FALSE;
    }
  return saddle_staging_commit (staging, error);
}
