/* saddle-cli-output.c — files saddle-cli writes: folders, SVG charts, JSON, weights */
#define G_LOG_DOMAIN "saddle-cli-output"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include <pango/pangocairo.h>

#include "saddle-cli-output.h"
#include "saddle-file.h"
#include "saddle-csv.h"
#include "saddle-figures.h"

typedef struct
{
  const SaddleHistory       *history;
  const SaddleTrajectory    *trajectory;
  const SaddleCriticalSet   *set;
  const SaddleCriticalPoint *point;
  const SaddleDensity       *density;
  const SaddleSpectrum      *spectrum;
  const SaddleSlice         *slice;
  gboolean                   layer_only;
  const SaddleCriticalTrend *trend;
  gboolean                   pb_fit;
  gboolean                   ratio_axis_full;
  gboolean                   smooth;
  const GArray              *reference;
  const char                *point_name;
} FigureData;

static void
draw_gradnorm_cb (cairo_t *cr,
                  double   width,
                  double   height,
                  gpointer user_data)
{
  FigureData *data = user_data;
  SaddleFigureStyle style;

  saddle_figure_style_init (&style);
  style.smooth = data->smooth;
  saddle_figure_gradnorm (cr, width, height, data->history, &style, NULL);
}

static void
draw_trajectories_cb (cairo_t *cr,
                      double   width,
                      double   height,
                      gpointer user_data)
{
  FigureData *data = user_data;
  SaddleFigureStyle style;

  saddle_figure_style_init (&style);
  if (!data->layer_only && data->trajectory->surface != NULL)
    saddle_figure_trajectories_with_surface (cr, width, height, data->trajectory,
                                             data->trajectory->surface, FALSE, G_MAXUINT, &style,
                                             NULL);
  else
    saddle_figure_trajectories (cr, width, height, data->trajectory, data->layer_only, G_MAXUINT,
                                &style, NULL);
}

static void
draw_critical_cb (cairo_t *cr,
                  double   width,
                  double   height,
                  gpointer user_data)
{
  FigureData *data = user_data;
  SaddleFigureStyle style;

  saddle_figure_style_init (&style);
  style.critical_ratio = data->trend->ratio;
  style.show_pb_fit = data->pb_fit;
  style.ratio_axis_full = data->ratio_axis_full;
  style.critical_reference = data->reference;
  saddle_figure_critical (cr, width, height, data->set, data->trend, -1, &style, NULL);
}

static void
draw_density_cb (cairo_t *cr,
                 double   width,
                 double   height,
                 gpointer user_data)
{
  FigureData *data = user_data;
  SaddleFigureStyle style;

  saddle_figure_style_init (&style);
  saddle_figure_density (cr, width, height, data->density, data->spectrum, &style);
}

static void
draw_slice_cb (cairo_t *cr,
               double   width,
               double   height,
               gpointer user_data)
{
  FigureData *data = user_data;
  SaddleFigureStyle style;

  saddle_figure_style_init (&style);
  saddle_figure_slice (cr, width, height, data->slice, &style);
}

/* Writes @csv to @path; the error names the file and what it holds. */
static gboolean
write_csv (const char *path,
           SaddleCsv  *csv,
           const char *what,
           GError    **error)
{
  if (!saddle_csv_write (csv, path, error))
    {
      g_prefix_error (error, "Cannot write the %s: ", what);
      return FALSE;
    }
  return TRUE;
}

static void
draw_spectrum_cb (cairo_t *cr,
                  double   width,
                  double   height,
                  gpointer user_data)
{
  FigureData *data = user_data;
  SaddleFigureStyle style;

  saddle_figure_style_init (&style);
  style.point_name = data->point_name;
  saddle_figure_spectrum (cr, width, height, data->point, &style);
}

gboolean
saddle_cli_ensure_dir (const char *dir,
                       GError    **error)
{
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Cannot create the output folder “%s”: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

char *
saddle_cli_format_widths (const guint *widths,
                          guint        n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%u", i > 0 ? "-" : "", widths[i]);
  return g_string_free (s, FALSE);
}

char *
saddle_cli_weights_path (const char *base,
                         guint       run,
                         gboolean    single)
{
  const char *slash;
  const char *dot;

  if (single)
    return g_strdup (base);

  slash = strrchr (base, G_DIR_SEPARATOR);
  dot = strrchr (slash != NULL ? slash + 1 : base, '.');
  /* "weights.txt" → "weights-run3.txt"; a leading dot (".w") is a name, not an extension. */
  if (dot == NULL || dot == (slash != NULL ? slash + 1 : base))
    return g_strdup_printf ("%s-run%u", base, run + 1);
  return g_strdup_printf ("%.*s-run%u%s", (int) (dot - base), base, run + 1, dot);
}

gboolean
saddle_cli_write_gradnorm_svg (const char          *path,
                               const SaddleHistory *history,
                               gboolean             smooth,
                               GError             **error)
{
  FigureData data = { .history = history, .smooth = smooth };

  return saddle_figure_write_svg (path, SADDLE_CLI_SVG_WIDTH, SADDLE_CLI_GRADNORM_SVG_HEIGHT,
                                  draw_gradnorm_cb, &data, error);
}

gboolean
saddle_cli_write_trajectories_svg (const char             *path,
                                   const SaddleTrajectory *trajectory,
                                   gboolean                layer_only,
                                   GError                **error)
{
  FigureData data = { .trajectory = trajectory, .layer_only = layer_only };

  return saddle_figure_write_svg (path, SADDLE_CLI_SVG_WIDTH, SADDLE_CLI_SVG_HEIGHT,
                                  draw_trajectories_cb, &data, error);
}

gboolean
saddle_cli_write_spectrum_svg (const char                *path,
                               const SaddleCriticalPoint *point,
                               const char                *name,
                               GError                   **error)
{
  FigureData data = { .point = point, .point_name = name };

  return saddle_figure_write_svg (path, SADDLE_CLI_SVG_WIDTH, SADDLE_CLI_SVG_HEIGHT,
                                  draw_spectrum_cb, &data, error);
}

gboolean
saddle_cli_write_eigenvectors_csv (const char   *path,
                                   const double *extremes,
                                   gsize         k,
                                   gsize         n,
                                   GError      **error)
{
  g_autoptr(GString) header = g_string_new ("parameter");
  g_autoptr(SaddleCsv) csv = NULL;

  for (gsize j = 0; j < 2 * k; j++)
    g_string_append_printf (header, ",%s_%" G_GSIZE_FORMAT, j < k ? "lowest" : "highest",
                            (j < k ? j : j - k) + 1);
  csv = saddle_csv_new (header->str, 24 * 2 * k * n);
  for (gsize i = 0; i < n; i++)
    {
      saddle_csv_add_uint (csv, i);
      for (gsize j = 0; j < k; j++)
        saddle_csv_add_double (csv, extremes[j * n + i]);
      /* highest_1 is the eigenvector of λmax, the last of the ascending extremes. */
      for (gsize j = 2 * k; j-- > k;)
        saddle_csv_add_double (csv, extremes[j * n + i]);
      saddle_csv_end_row (csv);
    }
  return write_csv (path, csv, "eigenvectors", error);
}

gboolean
saddle_cli_write_critical_svg (const char                *path,
                               const SaddleCriticalSet   *set,
                               const SaddleCriticalTrend *trend,
                               gboolean                   pb_fit,
                               gboolean                   ratio_axis_full,
                               const GArray              *reference,
                               GError                   **error)
{
  FigureData data = { .set = set, .trend = trend, .pb_fit = pb_fit,
                      .ratio_axis_full = ratio_axis_full, .reference = reference };

  return saddle_figure_write_svg (path, SADDLE_CLI_SVG_WIDTH, SADDLE_CLI_SVG_HEIGHT,
                                  draw_critical_cb, &data, error);
}

gboolean
saddle_cli_write_density_svg (const char           *path,
                              const SaddleDensity  *density,
                              const SaddleSpectrum *dense,
                              GError              **error)
{
  FigureData data = { .density = density, .spectrum = dense };

  return saddle_figure_write_svg (path, SADDLE_CLI_SVG_WIDTH, SADDLE_CLI_SVG_HEIGHT,
                                  draw_density_cb, &data, error);
}

gboolean
saddle_cli_write_slice_svg (const char        *path,
                            const SaddleSlice *slice,
                            GError           **error)
{
  FigureData data = { .slice = slice };

  return saddle_figure_write_svg (path, SADDLE_CLI_SVG_WIDTH, SADDLE_CLI_SVG_HEIGHT,
                                  draw_slice_cb, &data, error);
}

gboolean
saddle_cli_write_values_csv (const char         *path,
                             const char * const *names,
                             const double       *values,
                             gsize               n,
                             GError            **error)
{
  g_autoptr(SaddleCsv) csv = saddle_csv_new ("name,value", 32 * n);

  for (gsize i = 0; i < n; i++)
    {
      saddle_csv_add_string (csv, names[i]);
      saddle_csv_add_double (csv, values[i]);
      saddle_csv_end_row (csv);
    }
  return write_csv (path, csv, "values", error);
}




void
saddle_cli_output_warm_up (void)
{
  /* Loads and shapes through Pango alone: a cairo surface here would take a surface id, and
   * the ids appear in the SVGs, which must not depend on whether this ran first. */
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoContext *context = pango_font_map_create_context (map);
  PangoLayout *layout = pango_layout_new (context);
  static const char *const families[] = { "Sans" };

  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    for (guint bold = 0; bold < 2; bold++)
      {
        PangoFontDescription *desc = pango_font_description_new ();
        PangoRectangle ink, logical;

        pango_font_description_set_family (desc, families[i]);
        pango_font_description_set_weight (desc, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
        pango_font_description_set_absolute_size (desc, 12 * PANGO_SCALE);
        pango_layout_set_font_description (layout, desc);
        pango_layout_set_text (layout, "Loss 0.5 · λ ‖∇L‖ 1e-08 run 1 −", -1);
        pango_layout_get_extents (layout, &ink, &logical);
        pango_font_description_free (desc);
      }
  g_object_unref (layout);
  g_object_unref (context);
}
