/* saddle-critical-page.c — the critical-points study: minimal ratio scatter and one point's spectrum */
#define G_LOG_DOMAIN "saddle-critical-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-critical-page.h"
#include "saddle-critical-view.h"
#include "saddle-spectrum-view.h"

typedef enum
{
  ROW_RUN,
  ROW_LABEL,
  ROW_LOSS,
  ROW_ACCURACY,
  ROW_GRAD_NORM,
  ROW_STEPS,
  ROW_POSITIVE,
  ROW_NEGATIVE,
  ROW_ZERO,
  ROW_MINIMAL_RATIO,
  ROW_NONZERO_RATIO,
  ROW_TOLERANCE,
  ROW_DEAD_UNITS,
  N_ROWS
} DetailRow;

struct _SaddleCriticalPage
{
  GtkBox              parent_instance;

  guint               total_runs;
  guint               failed_runs;
  SaddleCriticalSet  *live_set;
  SaddleStudyResults *results;

  GtkLabel           *values[N_ROWS];
  gboolean            dirty;          /* points or failures arrived since the last flush */
  char               *status;         /* newest status line, shown at the flush */

  /* Template widgets */
  GtkToggleButton    *nonzero_button;
  GtkLabel           *progress_label;
  GtkLabel           *status_label;
  SaddleCriticalView *critical_view;
  GtkStack           *detail_stack;
  SaddleSpectrumView *spectrum_view;
  GtkGrid            *detail_grid;
  GtkLabel           *summary_label;
};

static void saddle_critical_page_iface_init (SaddlePageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SaddleCriticalPage, saddle_critical_page, GTK_TYPE_BOX,
                               G_IMPLEMENT_INTERFACE (SADDLE_TYPE_PAGE,
                                                      saddle_critical_page_iface_init))

enum {
  PROP_0,
  PROP_NONZERO_RATIO,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const SaddleCriticalSet   *set;
  const SaddleCriticalPoint *point;
  SaddleFigureStyle          style;
} DrawData;

static const SaddleCriticalSet *
current_set (SaddleCriticalPage *self)
{
  if (self->results != NULL && self->results->critical != NULL)
    return self->results->critical;
  return self->live_set;
}

static const SaddleCriticalPoint *
selected_point (SaddleCriticalPage *self)
{
  const SaddleCriticalSet *set = current_set (self);
  int selected = saddle_critical_view_get_selected (self->critical_view);

  if (set == NULL || selected < 0 || selected >= (int) set->points->len)
    return NULL;
  return g_ptr_array_index (set->points, selected);
}

static const char *
label_text (SaddleCriticalLabel label)
{
  switch (label)
    {
    case SADDLE_CRITICAL_MINIMUM:
      return _("Minimum");
    case SADDLE_CRITICAL_SADDLE:
      return _("Saddle point");
    case SADDLE_CRITICAL_DEGENERATE:
      return _("Degenerate (flat directions)");
    case SADDLE_CRITICAL_GRADIENT_FLAT:
      return _("Gradient in a flat direction");
    case SADDLE_CRITICAL_UNCONVERGED:
      return _("Not converged");
    default:
      return saddle_critical_label_to_string (label);
    }
}

static void
set_value (SaddleCriticalPage *self,
           DetailRow           row,
           const char         *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
set_value (SaddleCriticalPage *self,
           DetailRow           row,
           const char         *format,
           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_label_set_text (self->values[row], text);
}

static void
update_detail (SaddleCriticalPage *self)
{
  const SaddleCriticalPoint *point = selected_point (self);
  const SaddleSpectrum *spectrum;
  double n;

  saddle_spectrum_view_set_point (self->spectrum_view, point);
  if (point == NULL || point->spectrum == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "placeholder");
      gtk_widget_set_visible (GTK_WIDGET (self->detail_grid), FALSE);
      return;
    }

  spectrum = point->spectrum;
  n = MAX (1, spectrum->n);
  gtk_stack_set_visible_child_name (self->detail_stack, "spectrum");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_grid), TRUE);

  set_value (self, ROW_RUN, "%u", point->run + 1);
  set_value (self, ROW_LABEL, "%s", label_text (point->label));
  set_value (self, ROW_LOSS, "%.6g", point->loss);
  if (isfinite (point->accuracy))
    set_value (self, ROW_ACCURACY, "%.1f %%", 100 * point->accuracy);
  else
    set_value (self, ROW_ACCURACY, "—");
  set_value (self, ROW_GRAD_NORM, "%.3g → %.3g", point->grad_norm_start, point->grad_norm);
  set_value (self, ROW_STEPS, "%u", point->steps);
  set_value (self, ROW_POSITIVE, "%lu (%.1f %%)", (unsigned long) spectrum->positive,
             100 * spectrum->positive / n);
  set_value (self, ROW_NEGATIVE, "%lu (%.1f %%)", (unsigned long) spectrum->negative,
             100 * spectrum->negative / n);
  set_value (self, ROW_ZERO, "%lu (%.1f %%)", (unsigned long) spectrum->zero,
             100 * spectrum->zero / n);
  set_value (self, ROW_MINIMAL_RATIO, "%.4f", spectrum->minimal_ratio);
  if (isfinite (spectrum->nonzero_ratio))
    set_value (self, ROW_NONZERO_RATIO, "%.4f", spectrum->nonzero_ratio);
  else
    set_value (self, ROW_NONZERO_RATIO, "—");
  set_value (self, ROW_TOLERANCE, "%.3g · max|λ| = %.3g", spectrum->tolerance,
             spectrum->tolerance * spectrum->max_abs);
  set_value (self, ROW_DEAD_UNITS, "%u", point->dead_units);
}

static void
update_progress (SaddleCriticalPage *self)
{
  const SaddleCriticalSet *set = current_set (self);
  guint done = (set != NULL ? set->points->len : 0) + self->failed_runs;
  g_autofree char *text = NULL;

  if (self->total_runs == 0)
    {
      gtk_label_set_text (self->progress_label, "");
      return;
    }
  /* TRANSLATORS: analysed runs out of all, e.g. "37 / 100" */
  text = g_strdup_printf (_("%u / %u"), done, self->total_runs);
  gtk_label_set_text (self->progress_label, text);
}

static void
update_summary (SaddleCriticalPage *self)
{
  const SaddleCriticalSet *set = current_set (self);
  g_autoptr(GString) text = g_string_new (NULL);
  guint counts[SADDLE_CRITICAL_UNCONVERGED + 1] = { 0 };
  double ratio_sum = 0;
  guint n = 0;

  if (set == NULL || set->points->len == 0)
    {
      gtk_label_set_text (self->summary_label,
                          self->results != NULL && self->results->cancelled ? _("Stopped early") : "");
      return;
    }

  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);

      if (point->label <= SADDLE_CRITICAL_UNCONVERGED)
        counts[point->label]++;
      if (point->spectrum != NULL && isfinite (point->spectrum->minimal_ratio))
        {
          ratio_sum += point->spectrum->minimal_ratio;
          n++;
        }
    }

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%u point", "%u points", set->points->len),
                          set->points->len);
  for (guint l = 0; l <= SADDLE_CRITICAL_UNCONVERGED; l++)
    if (counts[l] > 0)
      g_string_append_printf (text, " · %s %u", label_text (l), counts[l]);
  if (n > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("mean minimal ratio %.3f"), ratio_sum / n);
    }
  if (self->results != NULL && self->results->cancelled)
    {
      g_string_append (text, " · ");
      g_string_append (text, _("stopped early"));
    }
  gtk_label_set_text (self->summary_label, text->str);
}

static void
nonzero_toggled_cb (GtkToggleButton    *button,
                    SaddleCriticalPage *self)
{
  saddle_critical_view_set_ratio (self->critical_view,
                                  gtk_toggle_button_get_active (button)
                                  ? SADDLE_CRITICAL_RATIO_NONZERO : SADDLE_CRITICAL_RATIO_MINIMAL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NONZERO_RATIO]);
}

static void
selected_changed_cb (SaddleCriticalView *view,
                     GParamSpec         *pspec,
                     SaddleCriticalPage *self)
{
  update_detail (self);
}

static void
draw_scatter_cb (cairo_t  *cr,
                 double    width,
                 double    height,
                 gpointer  user_data)
{
  DrawData *data = user_data;

  saddle_figure_critical (cr, width, height, data->set, -1, &data->style, NULL);
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

static gboolean
check_exportable (SaddleCriticalPage  *self,
                  GError             **error)
{
  const SaddleCriticalSet *set = current_set (self);

  if (set == NULL || set->points->len == 0)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("No critical point has been analysed yet: run the critical points study first"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_spectrum (const SaddleCriticalPoint  *point,
                const char                 *path,
                SaddleExportFormat          format,
                GError                    **error)
{
  DrawData data = { NULL, point };

  if (format == SADDLE_EXPORT_CSV)
    {
      g_autoptr(SaddleCriticalSet) one = saddle_critical_set_new (point->spectrum->tolerance);

      saddle_critical_set_add (one, point);
      return saddle_critical_set_write_eigenvalues (one, path, error);
    }

  saddle_figure_style_init (&data.style);
  return saddle_export_figure (path, format, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                               draw_spectrum_cb, &data, error);
}

/* SaddlePage */

static SaddleStudyKind
page_get_kind (SaddlePage *page)
{
  return SADDLE_STUDY_CRITICAL;
}

static void
page_begin (SaddlePage              *page,
            const SaddleStudyConfig *config)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);

  saddle_spectrum_view_set_point (self->spectrum_view, NULL);
  saddle_critical_view_set_set (self->critical_view, NULL);
  g_clear_pointer (&self->results, saddle_study_results_free);
  g_clear_pointer (&self->live_set, saddle_critical_set_free);

  self->live_set = saddle_critical_set_new (config->zero_tolerance);
  self->total_runs = config->runs;
  self->failed_runs = 0;
  saddle_critical_view_set_set (self->critical_view, self->live_set);

  gtk_label_set_text (self->status_label, "");
  update_detail (self);
  update_progress (self);
  update_summary (self);
}

static void
page_handle_event (SaddlePage     *page,
                   SaddleJobEvent *event)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);
  g_autofree char *text = NULL;

  if (self->live_set == NULL)
    return;

  switch (event->kind)
    {
    case SADDLE_EVENT_CRITICAL:
      if (event->critical != NULL)
        {
          saddle_critical_set_add (self->live_set, event->critical);
          self->dirty = TRUE;
        }
      break;

    case SADDLE_EVENT_RUN_FAILED:
      self->failed_runs++;
      self->dirty = TRUE;
      break;

    case SADDLE_EVENT_DESCENT:
      {
        g_autofree char *step = g_strdup_printf ("%" G_GUINT64_FORMAT, event->iteration);

        /* TRANSLATORS: live status of the ‖∇L‖² descent: run, step, gradient norm */
        text = g_strdup_printf (_("Run %u: minimising ‖∇L‖², step %s, ‖∇L‖ = %.3g"),
                                event->run + 1, step, event->grad_norm);
        g_free (self->status);
        self->status = g_steal_pointer (&text);
      }
      break;

    case SADDLE_EVENT_PROGRESS:
      if (event->message != NULL)
        {
          g_free (self->status);
          self->status = g_strdup (event->message);
        }
      break;

    case SADDLE_EVENT_ITERATION:
    case SADDLE_EVENT_EPOCH:
    case SADDLE_EVENT_SNAPSHOT:
    default:
      break;
    }
}

static void
page_flush (SaddlePage *page)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);

  if (self->status != NULL)
    {
      gtk_label_set_text (self->status_label, self->status);
      g_clear_pointer (&self->status, g_free);
    }
  if (!self->dirty)
    return;
  self->dirty = FALSE;

  saddle_critical_view_set_changed (self->critical_view);
  /* The first point's spectrum shows at once; later ones wait for a click. */
  if (saddle_critical_view_get_selected (self->critical_view) < 0)
    saddle_critical_view_set_selected (self->critical_view, 0);
  update_progress (self);
  update_summary (self);
}

static void
page_finish (SaddlePage         *page,
             SaddleStudyResults *results)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);
  int selected = saddle_critical_view_get_selected (self->critical_view);

  self->dirty = FALSE;
  g_clear_pointer (&self->status, g_free);

  gtk_label_set_text (self->status_label, "");
  if (results == NULL)
    {
      update_summary (self);
      return;
    }

  saddle_spectrum_view_set_point (self->spectrum_view, NULL);
  saddle_critical_view_set_set (self->critical_view, NULL);
  g_clear_pointer (&self->results, saddle_study_results_free);
  self->results = results;
  if (results->critical != NULL)
    g_clear_pointer (&self->live_set, saddle_critical_set_free);
  self->failed_runs = results->failures != NULL ? results->failures->len : 0;

  /* Points arrive in the same order live and in the results: keep the selection,
   * or show the first point's spectrum when none was shown yet. */
  saddle_critical_view_set_set (self->critical_view, current_set (self));
  saddle_critical_view_set_selected (self->critical_view, MAX (selected, 0));
  update_detail (self);
  update_progress (self);
  update_summary (self);
}

static gboolean
page_has_results (SaddlePage *page)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);
  const SaddleCriticalSet *set = current_set (self);

  return set != NULL && set->points->len > 0;
}

static gboolean
page_export_all (SaddlePage  *page,
                 const char  *folder,
                 GError     **error)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);
  const SaddleCriticalSet *set = current_set (self);
  const SaddleCriticalPoint *point;
  DrawData data = { set };
  g_autofree char *svg = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *eigenvalues = NULL;
  g_autofree char *spectrum_name = NULL;
  g_autofree char *spectrum = NULL;

  if (!check_exportable (self, error))
    return FALSE;

  saddle_figure_style_init (&data.style);
  svg = g_build_filename (folder, "critical.svg", NULL);
  csv = g_build_filename (folder, "critical.csv", NULL);
  eigenvalues = g_build_filename (folder, "eigenvalues.csv", NULL);
  if (!saddle_figure_write_svg (svg, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                                draw_scatter_cb, &data, error) ||
      !saddle_critical_set_write_csv (set, csv, error) ||
      !saddle_critical_set_write_eigenvalues (set, eigenvalues, error))
    return FALSE;

  /* The selected point's spectrum (the first one's when none is selected). */
  point = selected_point (self);
  if (point == NULL)
    point = g_ptr_array_index (set->points, 0);
  if (point->spectrum == NULL)
    return TRUE;
  spectrum_name = g_strdup_printf ("spectrum-run%u.svg", point->run + 1);
  spectrum = g_build_filename (folder, spectrum_name, NULL);
  return write_spectrum (point, spectrum, SADDLE_EXPORT_SVG, error);
}

static gboolean
page_export_view (SaddlePage  *page,
                  const char  *path,
                  GError     **error)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);
  SaddleExportFormat format;
  DrawData data = { current_set (self) };

  if (!saddle_export_format_for_path (path, &format, error) || !check_exportable (self, error))
    return FALSE;

  if (format == SADDLE_EXPORT_CSV)
    return saddle_critical_set_write_csv (data.set, path, error);

  /* As shown: with the ratio chosen on the page. */
  saddle_figure_style_init (&data.style);
  data.style.critical_ratio = saddle_critical_view_get_ratio (self->critical_view);
  return saddle_export_figure (path, format, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                               draw_scatter_cb, &data, error);
}

static const char *
page_export_name (SaddlePage *page)
{
  return "critical.svg";
}

static void
saddle_critical_page_iface_init (SaddlePageInterface *iface)
{
  iface->get_kind = page_get_kind;
  iface->begin = page_begin;
  iface->handle_event = page_handle_event;
  iface->flush = page_flush;
  iface->finish = page_finish;
  iface->has_results = page_has_results;
  iface->export_all = page_export_all;
  iface->export_view = page_export_view;
  iface->export_name = page_export_name;
}

/* GObject */

static void
saddle_critical_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (object);

  switch (prop_id)
    {
    case PROP_NONZERO_RATIO:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->nonzero_button));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_critical_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (object);

  switch (prop_id)
    {
    case PROP_NONZERO_RATIO:
      gtk_toggle_button_set_active (self->nonzero_button, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_critical_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SADDLE_TYPE_CRITICAL_PAGE);

  G_OBJECT_CLASS (saddle_critical_page_parent_class)->dispose (object);
}

static void
saddle_critical_page_finalize (GObject *object)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (object);

  g_clear_pointer (&self->results, saddle_study_results_free);
  g_clear_pointer (&self->live_set, saddle_critical_set_free);
  g_clear_pointer (&self->status, g_free);

  G_OBJECT_CLASS (saddle_critical_page_parent_class)->finalize (object);
}

static void
saddle_critical_page_class_init (SaddleCriticalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = saddle_critical_page_dispose;
  object_class->finalize = saddle_critical_page_finalize;
  object_class->get_property = saddle_critical_page_get_property;
  object_class->set_property = saddle_critical_page_set_property;

  properties[PROP_NONZERO_RATIO] =
    g_param_spec_boolean ("nonzero-ratio", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SADDLE_TYPE_CRITICAL_VIEW);
  g_type_ensure (SADDLE_TYPE_SPECTRUM_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/saddlelab/Saddle/ui/saddle-critical-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, nonzero_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, critical_view);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, spectrum_view);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, detail_grid);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, selected_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, nonzero_toggled_cb);
}

static void
saddle_critical_page_init (SaddleCriticalPage *self)
{
  const char *names[N_ROWS] = {
    [ROW_RUN] = _("Run"),
    [ROW_LABEL] = _("Kind"),
    [ROW_LOSS] = _("Loss"),
    [ROW_ACCURACY] = _("Accuracy"),
    [ROW_GRAD_NORM] = _("‖∇L‖ (start → end)"),
    [ROW_STEPS] = _("Descent steps"),
    [ROW_POSITIVE] = _("Positive eigenvalues"),
    [ROW_NEGATIVE] = _("Negative eigenvalues"),
    [ROW_ZERO] = _("Near-zero eigenvalues"),
    [ROW_MINIMAL_RATIO] = _("Minimal ratio"),
    [ROW_NONZERO_RATIO] = _("Ratio without zeros"),
    [ROW_TOLERANCE] = _("Zero tolerance"),
    [ROW_DEAD_UNITS] = _("Dead ReLU units"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint row = 0; row < N_ROWS; row++)
    {
      GtkWidget *name = gtk_label_new (names[row]);
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (name), 1);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_add_css_class (value, "numeric");
      gtk_grid_attach (self->detail_grid, name, row % 2 * 2, row / 2, 1, 1);
      gtk_grid_attach (self->detail_grid, value, row % 2 * 2 + 1, row / 2, 1, 1);
      self->values[row] = GTK_LABEL (value);
    }

  update_detail (self);
}

GtkWidget *
saddle_critical_page_new (void)
{
  return g_object_new (SADDLE_TYPE_CRITICAL_PAGE, NULL);
}

const SaddleCriticalSet *
saddle_critical_page_get_set (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  return current_set (self);
}

int
saddle_critical_page_get_selected (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), -1);

  return saddle_critical_view_get_selected (self->critical_view);
}

void
saddle_critical_page_set_selected (SaddleCriticalPage *self,
                                   int                 selected)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_PAGE (self));

  saddle_critical_view_set_selected (self->critical_view, selected);
}

gboolean
saddle_critical_page_export_spectrum (SaddleCriticalPage  *self,
                                      const char          *path,
                                      GError             **error)
{
  const SaddleCriticalPoint *point;
  SaddleExportFormat format;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), FALSE);

  if (!saddle_export_format_for_path (path, &format, error) || !check_exportable (self, error))
    return FALSE;

  point = selected_point (self);
  if (point == NULL || point->spectrum == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("Select a critical point first: click it in the scatter plot"));
      return FALSE;
    }
  return write_spectrum (point, path, format, error);
}

const char *
saddle_critical_page_get_progress (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  return gtk_label_get_text (self->progress_label);
}
