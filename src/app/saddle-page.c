/* saddle-page.c — the base class of each study's page */
#define G_LOG_DOMAIN "saddle-page"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "saddle-chart-util.h"
#include "saddle-page.h"

typedef struct
{
  SaddleJobQueue *job_queue;
} SaddlePagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (SaddlePage, saddle_page, GTK_TYPE_BOX)

G_DEFINE_QUARK (saddle-page-error-quark, saddle_page_error)

static void
saddle_page_dispose (GObject *object)
{
  /* Every page is templated: its children go with the subclass's template. */
  gtk_widget_dispose_template (GTK_WIDGET (object), G_OBJECT_TYPE (object));

  G_OBJECT_CLASS (saddle_page_parent_class)->dispose (object);
}

static void
saddle_page_finalize (GObject *object)
{
  SaddlePagePrivate *priv = saddle_page_get_instance_private (SADDLE_PAGE (object));

  /* Kept past dispose: a worker that returns later still hands on its turn. */
  g_clear_object (&priv->job_queue);

  G_OBJECT_CLASS (saddle_page_parent_class)->finalize (object);
}

static void
saddle_page_class_init (SaddlePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = saddle_page_dispose;
  object_class->finalize = saddle_page_finalize;
}

static void
saddle_page_init (SaddlePage *self)
{
}

SaddleJobQueue *
saddle_page_get_job_queue (SaddlePage *self)
{
  SaddlePagePrivate *priv;

  g_return_val_if_fail (SADDLE_IS_PAGE (self), NULL);

  priv = saddle_page_get_instance_private (self);
  if (priv->job_queue == NULL)
    priv->job_queue = saddle_job_queue_new ();
  return priv->job_queue;
}

void
saddle_page_set_job_queue (SaddlePage     *self,
                           SaddleJobQueue *queue)
{
  SaddlePagePrivate *priv;

  g_return_if_fail (SADDLE_IS_PAGE (self));
  g_return_if_fail (SADDLE_IS_JOB_QUEUE (queue));

  priv = saddle_page_get_instance_private (self);
  g_set_object (&priv->job_queue, queue);
}

void
saddle_page_begin (SaddlePage              *self,
                   const SaddleStudyConfig *config)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));
  g_return_if_fail (config != NULL);

  SADDLE_PAGE_GET_CLASS (self)->begin (self, config);
}

void
saddle_page_handle_event (SaddlePage     *self,
                          SaddleJobEvent *event)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));
  g_return_if_fail (event != NULL);

  if (SADDLE_PAGE_GET_CLASS (self)->handle_event != NULL)
    SADDLE_PAGE_GET_CLASS (self)->handle_event (self, event);
}

void
saddle_page_add_records (SaddlePage   *self,
                         const GArray *iterations,
                         const GArray *epochs)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));

  if (SADDLE_PAGE_GET_CLASS (self)->add_records != NULL)
    SADDLE_PAGE_GET_CLASS (self)->add_records (self, iterations, epochs);
}

void
saddle_page_flush (SaddlePage *self)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));

  SADDLE_PAGE_GET_CLASS (self)->flush (self);
}

void
saddle_page_finish (SaddlePage         *self,
                    SaddleStudyResults *results)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));

  SADDLE_PAGE_GET_CLASS (self)->finish (self, results);
}

gboolean
saddle_page_has_results (SaddlePage *self)
{
  g_return_val_if_fail (SADDLE_IS_PAGE (self), FALSE);

  return SADDLE_PAGE_GET_CLASS (self)->has_results (self);
}

gboolean
saddle_page_export_all (SaddlePage  *self,
                        const char  *folder,
                        GError     **error)
{
  g_return_val_if_fail (SADDLE_IS_PAGE (self), FALSE);
  g_return_val_if_fail (folder != NULL, FALSE);

  if (g_mkdir_with_parents (folder, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create the folder “%s”: %s"), folder, g_strerror (saved));
      return FALSE;
    }

  return SADDLE_PAGE_GET_CLASS (self)->check_exportable (self, error) &&
         SADDLE_PAGE_GET_CLASS (self)->export_all (self, folder, error);
}

gboolean
saddle_page_export_view (SaddlePage  *self,
                         const char  *path,
                         GError     **error)
{
  SaddleExportFormat format;

  g_return_val_if_fail (SADDLE_IS_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return saddle_page_prepare_export (self, path, &format, error) &&
         SADDLE_PAGE_GET_CLASS (self)->export_view (self, path, format, error);
}

const char *
saddle_page_export_name (SaddlePage *self)
{
  g_return_val_if_fail (SADDLE_IS_PAGE (self), NULL);

  return SADDLE_PAGE_GET_CLASS (self)->export_name (self);
}

gboolean
saddle_export_format_for_path (const char          *path,
                               SaddleExportFormat  *format,
                               GError             **error)
{
  const char *dot = strrchr (path, '.');

  if (dot != NULL && strchr (dot, G_DIR_SEPARATOR) == NULL)
    {
      if (g_ascii_strcasecmp (dot, ".svg") == 0)
        {
          *format = SADDLE_EXPORT_SVG;
          return TRUE;
        }
      if (g_ascii_strcasecmp (dot, ".png") == 0)
        {
          *format = SADDLE_EXPORT_PNG;
          return TRUE;
        }
      if (g_ascii_strcasecmp (dot, ".csv") == 0)
        {
          *format = SADDLE_EXPORT_CSV;
          return TRUE;
        }
    }

  g_set_error (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_FILE_TYPE,
               _("“%s” has no known file type: end the name with .svg, .png or .csv"), path);
  return FALSE;
}

gboolean
saddle_export_figure (const char           *path,
                      SaddleExportFormat    format,
                      double                width,
                      double                height,
                      SaddleFigureDrawFunc  draw,
                      gpointer              user_data,
                      GError              **error)
{
  switch (format)
    {
    case SADDLE_EXPORT_SVG:
      return saddle_figure_write_svg (path, width, height, draw, user_data, error);

    case SADDLE_EXPORT_PNG:
      return saddle_figure_write_png (path, width, height, draw, user_data, error);

    case SADDLE_EXPORT_CSV:
    default:
      g_set_error (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_FILE_TYPE,
                   _("“%s”: a figure is written as .svg or .png"), path);
      return FALSE;
    }
}

gboolean
saddle_page_prepare_export (SaddlePage          *self,
                            const char          *path,
                            SaddleExportFormat  *format,
                            GError             **error)
{
  g_return_val_if_fail (SADDLE_IS_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return saddle_export_format_for_path (path, format, error) &&
         SADDLE_PAGE_GET_CLASS (self)->check_exportable (self, error);
}

void
saddle_page_append_study_summary (GString                  *text,
                                  const SaddleStudyResults *results)
{
  g_autofree char *count = saddle_format_count (results->n_params);

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%u run", "%u runs", results->config.runs),
                          results->config.runs);
  g_string_append (text, " · ");
  /* TRANSLATORS: %s is a number with separators, e.g. "16,330" */
  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%s parameter", "%s parameters",
                                       results->n_params),
                          count);
  if (results->dataset_name != NULL)
    g_string_append_printf (text, " · %s", results->dataset_name);
}

void
saddle_page_append_stopped (GString                  *text,
                            const SaddleStudyResults *results)
{
  if (results != NULL && results->cancelled)
    {
      guint trained = saddle_page_count_trained (results);

      g_string_append (text, " · ");
      /* TRANSLATORS: a study stopped by the user; how many of its runs ran all their epochs */
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "stopped early: %u of %u run trained",
                                                 "stopped early: %u of %u runs trained", results->config.runs),
                              trained, results->config.runs);
    }
}

guint
saddle_page_count_trained (const SaddleStudyResults *results)
{
  g_autofree guint *last_epoch = NULL;
  guint runs, trained = 0;

  g_return_val_if_fail (results != NULL, 0);

  runs = results->config.runs;
  if (results->history == NULL || results->history->epochs == NULL || runs == 0)
    return 0;
  last_epoch = g_new0 (guint, runs);
  for (guint i = 0; i < results->history->epochs->len; i++)
    {
      const SaddleEpochRecord *e = &g_array_index (results->history->epochs, SaddleEpochRecord, i);
      guint run = e->run - results->config.first_run;

      if (e->run >= results->config.first_run && run < runs)
        last_epoch[run] = MAX (last_epoch[run], e->epoch);
    }
  for (guint r = 0; r < runs; r++)
    trained += last_epoch[r] >= results->config.epochs;
  return trained;
}

void
saddle_page_history_append (SaddleHistory *history,
                            const GArray  *iterations,
                            const GArray  *epochs)
{
  for (guint i = 0; iterations != NULL && i < iterations->len; i++)
    saddle_history_add_iteration (history, &g_array_index (iterations, SaddleIterationRecord, i));
  for (guint i = 0; epochs != NULL && i < epochs->len; i++)
    saddle_history_add_epoch (history, &g_array_index (epochs, SaddleEpochRecord, i));
}
