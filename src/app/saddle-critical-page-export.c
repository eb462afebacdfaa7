/* saddle-critical-page-export.c — the critical page's figures and files: Export View and Export All */
#define G_LOG_DOMAIN "saddle-critical-page"

#include "config.h"

#include <glib/gi18n.h>

#include "saddle-critical-page-private.h"
#include "saddle-results-folder.h"
#include "saddle-summary.h"
#include "saddle-weights.h"

static void
draw_scatter_cb (cairo_t  *cr,
                 double    width,
                 double    height,
                 gpointer  user_data)
{
  DrawData *data = user_data;

  saddle_figure_critical (cr, width, height, data->set, data->trend, -1, &data->style, NULL);
}

static void
draw_spectrum_cb (cairo_t  *cr,
                  double    width,
                  double    height,
                  gpointer  user_data)
{
  DrawData *data = user_data;

  saddle_figure_spectrum (cr, width, height, data->point, &data->style);
}

/* The scatter's look as the page shows it: ratio, trend and index-law fit. */
static void
scatter_style (SaddleCriticalPage *self,
               SaddleFigureStyle  *style)
{
  saddle_figure_style_init (style);
  style->critical_ratio = saddle_critical_view_get_ratio (self->critical_view);
  style->show_trend = saddle_critical_view_get_show_trend (self->critical_view);
  style->show_pb_fit = saddle_critical_view_get_show_pb_fit (self->critical_view);
  style->ratio_axis_full = saddle_critical_view_get_ratio_axis_full (self->critical_view);
  style->critical_reference = saddle_critical_view_get_reference (self->critical_view);
}

static gboolean
page_check_exportable (SaddlePage  *page,
                       GError     **error)
{
  const SaddleCriticalSet *set = saddle_critical_page_current_set (SADDLE_CRITICAL_PAGE (page));

  if (set == NULL || set->points->len == 0)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("No critical point has been analysed yet: run the critical points study first"));
      return FALSE;
    }
  return TRUE;
}

/* The spectrum's figure zoomed to @view (NULL: fitted), or its eigenvalues. */
static gboolean
write_spectrum_range (const SaddleCriticalPoint  *point,
                      const SaddleViewRange      *view,
                      const char                 *path,
                      SaddleExportFormat          format,
                      GError                    **error)
{
  DrawData data = { .point = point };

  if (format == SADDLE_EXPORT_CSV)
    {
      g_autoptr(SaddleCriticalSet) one = saddle_critical_set_new (point->spectrum->tolerance);

      saddle_critical_set_add (one, point);
      return saddle_critical_set_write_eigenvalues (one, path, error);
    }

  saddle_figure_style_init (&data.style);
  if (view != NULL)
    data.style.view = *view;
  return saddle_export_figure (path, format, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                               draw_spectrum_cb, &data, error);
}

/* summary.json and each kept point's weights (weights-runN.txt): what Open Results needs to
 * show the study again, its loss slices included. Live points have no settings yet. */
static gboolean
write_summary_and_weights (SaddleCriticalPage  *self,
                           const char          *folder,
                           GError             **error)
{
  const SaddleStudyResults *results = self->results;
  g_autofree char *summary = g_build_filename (folder, "summary.json", NULL);
  SaddleCriticalStats stats;

  if (results == NULL || results->critical == NULL)
    return TRUE;
  saddle_critical_stats_compute (results->critical, FALSE, &stats);
  if (!saddle_summary_write_critical (summary, results, &stats, 0, NULL, error))
    return FALSE;
  for (guint i = 0; i < results->critical->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (results->critical->points, i);
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autofree char *header = NULL;

      if (point->params == NULL)
        continue;
      name = saddle_results_folder_weights_name (results->config.runs, point->run);
      path = g_build_filename (folder, name, NULL);
      header = g_strdup_printf ("Saddle, critical study, run %u, seed %" G_GUINT64_FORMAT
                                ": the point's %" G_GSIZE_FORMAT " parameters in flat order",
                                point->run + 1, results->config.seed, point->n_params);
      if (!saddle_weights_save (path, point->params, point->n_params, header, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
page_export_all (SaddlePage  *page,
                 const char  *folder,
                 GError     **error)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);
  const SaddleCriticalSet *set = saddle_critical_page_current_set (self);
  const SaddleCriticalPoint *point;
  DrawData data = { .set = set };
  SaddleCriticalTrend trend;
  g_autofree char *svg = NULL;
  /* export-all writes saddle-cli's default look, so the two files compare equal. */
  g_autofree char *csv = NULL;
  g_autofree char *eigenvalues = NULL;
  g_autofree char *trend_csv = NULL;
  g_autofree char *spectrum_name = NULL;
  g_autofree char *spectrum = NULL;

  saddle_figure_style_init (&data.style);
  saddle_critical_trend_compute (set, data.style.critical_ratio, &trend);
  data.trend = &trend;
  svg = g_build_filename (folder, "critical.svg", NULL);
  csv = g_build_filename (folder, "critical.csv", NULL);
  eigenvalues = g_build_filename (folder, "eigenvalues.csv", NULL);
  trend_csv = g_build_filename (folder, "trend.csv", NULL);
  if (!saddle_figure_write_svg (svg, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                                draw_scatter_cb, &data, error) ||
      !saddle_critical_set_write_csv (set, csv, error) ||
      !saddle_critical_set_write_eigenvalues (set, eigenvalues, error) ||
      !saddle_critical_trend_write_csv (&trend, trend_csv, error))
    return FALSE;
  if (!write_summary_and_weights (self, folder, error))
    return FALSE;

  /* The selected point's spectrum (the first one's when none is selected). */
  point = saddle_critical_page_selected_point (self);
  if (point == NULL)
    point = g_ptr_array_index (set->points, 0);
  if (point->spectrum == NULL)
    return TRUE;
  spectrum_name = g_strdup_printf ("spectrum-run%u.svg", point->run + 1);
  spectrum = g_build_filename (folder, spectrum_name, NULL);
  if (!write_spectrum_range (point, NULL, spectrum, SADDLE_EXPORT_SVG, error))
    return FALSE;

  /* The selected point's loss slice, with saddle-cli's names, when it was computed. */
  if (saddle_critical_page_current_slice (self) != NULL)
    {
      g_autofree char *svg_name = g_strdup_printf ("slice-run%u.svg", self->slice_run + 1);
      g_autofree char *csv_name = g_strdup_printf ("slice-run%u.csv", self->slice_run + 1);
      g_autofree char *slice_svg = g_build_filename (folder, svg_name, NULL);
      g_autofree char *slice_csv = g_build_filename (folder, csv_name, NULL);

      if (!saddle_critical_page_write_slice (self->slice, NULL, slice_svg, SADDLE_EXPORT_SVG, error) ||
          !saddle_critical_page_write_slice (self->slice, NULL, slice_csv, SADDLE_EXPORT_CSV, error))
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
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);
  DrawData data = { .set = saddle_critical_page_current_set (self) };

  if (format == SADDLE_EXPORT_CSV)
    return saddle_critical_set_write_csv (data.set, path, error);

  /* As shown: with the ratio, trend and fit chosen on the page, and the zoomed range. */
  scatter_style (self, &data.style);
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (self->critical_view), &data.style.view);
  data.trend = saddle_critical_view_get_trend (self->critical_view);
  return saddle_export_figure (path, format, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                               draw_scatter_cb, &data, error);
}

static const char *
page_export_name (SaddlePage *page)
{
  return "critical.svg";
}

void
saddle_critical_page_class_init_export (SaddlePageClass *page_class)
{
  page_class->check_exportable = page_check_exportable;
  page_class->export_all = page_export_all;
  page_class->export_view = page_export_view;
  page_class->export_name = page_export_name;
}

gboolean
saddle_critical_page_export_spectrum (SaddleCriticalPage  *self,
                                      const char          *path,
                                      GError             **error)
{
  const SaddleCriticalPoint *point;
  SaddleExportFormat format;
  SaddleViewRange view;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), FALSE);

  if (!saddle_page_prepare_export (SADDLE_PAGE (self), path, &format, error))
    return FALSE;

  point = saddle_critical_page_selected_point (self);
  if (point == NULL || point->spectrum == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("Select a critical point first: click it in the scatter plot"));
      return FALSE;
    }
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (self->spectrum_view), &view);
  return write_spectrum_range (point, &view, path, format, error);
}
