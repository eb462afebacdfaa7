/* saddle-page.c — what the window asks of each study's page */
#define G_LOG_DOMAIN "saddle-page"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "saddle-page.h"

G_DEFINE_INTERFACE (SaddlePage, saddle_page, GTK_TYPE_WIDGET)

G_DEFINE_QUARK (saddle-page-error-quark, saddle_page_error)

static void
saddle_page_default_init (SaddlePageInterface *iface)
{
}

SaddleStudyKind
saddle_page_get_kind (SaddlePage *self)
{
  g_return_val_if_fail (SADDLE_IS_PAGE (self), SADDLE_STUDY_TRAJECTORIES);

  return SADDLE_PAGE_GET_IFACE (self)->get_kind (self);
}

void
saddle_page_begin (SaddlePage              *self,
                   const SaddleStudyConfig *config)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));
  g_return_if_fail (config != NULL);

  SADDLE_PAGE_GET_IFACE (self)->begin (self, config);
}

void
saddle_page_handle_event (SaddlePage     *self,
                          SaddleJobEvent *event)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));
  g_return_if_fail (event != NULL);

  SADDLE_PAGE_GET_IFACE (self)->handle_event (self, event);
}

void
saddle_page_add_records (SaddlePage   *self,
                         const GArray *iterations,
                         const GArray *epochs)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));

  if (SADDLE_PAGE_GET_IFACE (self)->add_records != NULL)
    SADDLE_PAGE_GET_IFACE (self)->add_records (self, iterations, epochs);
}

void
saddle_page_flush (SaddlePage *self)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));

  SADDLE_PAGE_GET_IFACE (self)->flush (self);
}

void
saddle_page_finish (SaddlePage         *self,
                    SaddleStudyResults *results)
{
  g_return_if_fail (SADDLE_IS_PAGE (self));

  SADDLE_PAGE_GET_IFACE (self)->finish (self, results);
}

gboolean
saddle_page_has_results (SaddlePage *self)
{
  g_return_val_if_fail (SADDLE_IS_PAGE (self), FALSE);

  return SADDLE_PAGE_GET_IFACE (self)->has_results (self);
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

  return SADDLE_PAGE_GET_IFACE (self)->export_all (self, folder, error);
}

gboolean
saddle_page_export_view (SaddlePage  *self,
                         const char  *path,
                         GError     **error)
{
  g_return_val_if_fail (SADDLE_IS_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return SADDLE_PAGE_GET_IFACE (self)->export_view (self, path, error);
}

const char *
saddle_page_export_name (SaddlePage *self)
{
  g_return_val_if_fail (SADDLE_IS_PAGE (self), NULL);

  return SADDLE_PAGE_GET_IFACE (self)->export_name (self);
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
