/* saddle-gradnorm-page.c — the gradient-norm study: the training monitor */
#define G_LOG_DOMAIN "saddle-gradnorm-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-gradnorm-page.h"
#include "saddle-summary.h"
#include "saddle-chart-util.h"
#include "saddle-monitor-view.h"
#include "saddle-text-throttle.h"

struct _SaddleGradnormPage
{
  SaddlePage          parent_instance;

  SaddleHistory      *live_history;
  SaddleStudyResults *results;
  gboolean            log_grad_norm;
  gboolean            dirty;          /* steps arrived since the last flush */
  SaddleIterationRecord last;         /* the newest of them */
  SaddleTextThrottle  last_text;      /* its line, a few times a second while steps stream */

  /* Template widgets */
  GtkToggleButton    *log_button;
  GtkLabel           *last_label;
  SaddleMonitorView  *monitor_view;
  GtkLabel           *summary_label;
};

G_DEFINE_FINAL_TYPE (SaddleGradnormPage, saddle_gradnorm_page, SADDLE_TYPE_PAGE)

enum {
  PROP_0,
  PROP_LOG_GRAD_NORM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  const SaddleHistory *history;
  SaddleFigureStyle    style;
} DrawData;

static const SaddleHistory *
current_history (SaddleGradnormPage *self)
{
  if (self->results != NULL && self->results->history != NULL)
    return self->results->history;
  return self->live_history;
}

static void
log_toggled_cb (GtkToggleButton    *button,
                SaddleGradnormPage *self)
{
  gboolean log_grad_norm = gtk_toggle_button_get_active (button);

  if (log_grad_norm == self->log_grad_norm)
    return;
  self->log_grad_norm = log_grad_norm;
  saddle_monitor_view_set_log_grad_norm (self->monitor_view, log_grad_norm);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_GRAD_NORM]);
}

static void
smooth_toggled_cb (GtkToggleButton    *button,
                   SaddleGradnormPage *self)
{
  saddle_monitor_view_set_smooth (self->monitor_view, gtk_toggle_button_get_active (button));
}

/* The line naming @rec, the newest step (a new string). */
static char *
last_step_text (const SaddleIterationRecord *rec)
{
  g_autofree char *step = g_strdup_printf ("%" G_GUINT64_FORMAT, rec->iteration);

  /* TRANSLATORS: the newest training step: run, iteration, loss, gradient norm */
  return g_strdup_printf (_("Run %u, step %s: loss %.4g, ‖∇L‖ %.3g"),
                          rec->run + 1, step, rec->loss, rec->grad_norm);
}

/* Shows @rec's line (none when NULL) at once. */
static void
set_last_step (SaddleGradnormPage          *self,
               const SaddleIterationRecord *rec)
{
  g_autofree char *text = rec != NULL ? last_step_text (rec) : NULL;

  saddle_text_throttle_reset (&self->last_text);
  gtk_label_set_text (self->last_label, text != NULL ? text : "");
}

static void
update_summary (SaddleGradnormPage *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const SaddleStudyResults *results = self->results;
  const SaddleHistory *history = current_history (self);

  if (results == NULL || history == NULL)
    {
      gtk_label_set_text (self->summary_label, "");
      return;
    }

  saddle_page_append_study_summary (text, results);
  g_string_append (text, " · ");
  {
    g_autofree char *count = saddle_format_count (history->iterations->len);

    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE, "%s step", "%s steps",
                                         history->iterations->len),
                            count);
  }
  saddle_page_append_stopped (text, results);
  gtk_label_set_text (self->summary_label, text->str);
}

static void
draw_cb (cairo_t  *cr,
         double    width,
         double    height,
         gpointer  user_data)
{
  DrawData *data = user_data;

  saddle_figure_gradnorm (cr, width, height, data->history, &data->style, NULL);
}

static gboolean
page_check_exportable (SaddlePage  *page,
                       GError     **error)
{
  const SaddleHistory *history = current_history (SADDLE_GRADNORM_PAGE (page));

  if (history == NULL || history->iterations->len == 0)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("There is no training history to export yet: run the gradient norm study first"));
      return FALSE;
    }
  return TRUE;
}

/* The figure, zoomed to @view (NULL: fitted). */
static gboolean
write_figure_range (SaddleGradnormPage    *self,
                    const SaddleViewRange *view,
                    const char            *path,
                    SaddleExportFormat     format,
                    GError               **error)
{
  DrawData data = { current_history (self) };

  saddle_figure_style_init (&data.style);
  data.style.log_grad_norm = self->log_grad_norm;
  data.style.smooth = saddle_monitor_view_get_smooth (self->monitor_view);
  if (view != NULL)
    data.style.view = *view;
  return saddle_export_figure (path, format, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_GRADNORM_HEIGHT,
                               draw_cb, &data, error);
}

static gboolean
write_figure (SaddleGradnormPage  *self,
              const char          *path,
              SaddleExportFormat   format,
              GError             **error)
{
  return write_figure_range (self, NULL, path, format, error);
}

/* SaddlePage */

static void
page_begin (SaddlePage              *page,
            const SaddleStudyConfig *config)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (page);

  saddle_monitor_view_set_history (self->monitor_view, NULL);
  saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self->monitor_view));
  g_clear_pointer (&self->results, saddle_study_results_free);
  g_clear_pointer (&self->live_history, saddle_history_free);
  self->live_history = saddle_history_new ();
  saddle_monitor_view_set_history (self->monitor_view, self->live_history);
  set_last_step (self, NULL);
  update_summary (self);
}

static void
page_add_records (SaddlePage   *page,
                  const GArray *iterations,
                  const GArray *epochs)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (page);

  if (self->live_history == NULL)
    return;
  saddle_page_history_append (self->live_history, iterations, epochs);
  if (iterations != NULL && iterations->len > 0)
    {
      self->last = g_array_index (iterations, SaddleIterationRecord, iterations->len - 1);
      self->dirty = TRUE;
    }
}

static void
page_flush (SaddlePage *page)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (page);

  if (!self->dirty)
    return;
  self->dirty = FALSE;
  /* A few times a second, not at every drain: each new text lays the window out again, which
   * on X11 waits for the server's work area (the long gradnorm study's chart redrew 27.5–29.9
   * times a second in its last seconds with the line changing at every drain, 30.0–31.0
   * without). */
  saddle_text_throttle_offer (&self->last_text, last_step_text (&self->last));
  {
    g_autofree char *text = saddle_text_throttle_take (&self->last_text);

    if (text != NULL)
      gtk_label_set_text (self->last_label, text);
  }
  saddle_monitor_view_history_changed (self->monitor_view);
}

static void
page_finish (SaddlePage         *page,
             SaddleStudyResults *results)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (page);

  self->dirty = FALSE;
  /* The newest step's line, which the throttle may still hold. */
  if (self->last_text.pending != NULL)
    gtk_label_set_text (self->last_label, self->last_text.pending);
  saddle_text_throttle_reset (&self->last_text);

  if (results == NULL)
    return;

  saddle_monitor_view_set_history (self->monitor_view, NULL);
  g_clear_pointer (&self->results, saddle_study_results_free);
  self->results = results;
  if (results->history != NULL)
    g_clear_pointer (&self->live_history, saddle_history_free);
  saddle_monitor_view_set_history (self->monitor_view, current_history (self));
  if (results->history != NULL && results->history->iterations->len > 0)
    set_last_step (self, &g_array_index (results->history->iterations, SaddleIterationRecord,
                                         results->history->iterations->len - 1));
  update_summary (self);
}

static gboolean
page_has_results (SaddlePage *page)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (page);
  const SaddleHistory *history = current_history (self);

  return history != NULL && history->iterations->len > 0;
}

static gboolean
page_export_all (SaddlePage  *page,
                 const char  *folder,
                 GError     **error)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (page);
  g_autofree char *svg = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *epochs = NULL;

  g_autofree char *summary = g_build_filename (folder, "summary.json", NULL);

  svg = g_build_filename (folder, "gradnorm.svg", NULL);
  csv = g_build_filename (folder, "history.csv", NULL);
  epochs = g_build_filename (folder, "epochs.csv", NULL);
  /* summary.json needs the finished study's settings: a live export has none yet. */
  return write_figure (self, svg, SADDLE_EXPORT_SVG, error) &&
         saddle_history_write_csv (current_history (self), csv, error) &&
         saddle_history_write_epochs_csv (current_history (self), epochs, error) &&
         (self->results == NULL || saddle_summary_write_study (summary, self->results, error));
}

static gboolean
page_export_view (SaddlePage          *page,
                  const char          *path,
                  SaddleExportFormat   format,
                  GError             **error)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (page);
  SaddleViewRange view;

  if (format == SADDLE_EXPORT_CSV)
    return saddle_history_write_csv (current_history (self), path, error);
  /* What is on screen, zoomed range included. */
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (self->monitor_view), &view);
  return write_figure_range (self, &view, path, format, error);
}

static const char *
page_export_name (SaddlePage *page)
{
  return "gradnorm.svg";
}

/* GObject */

static void
saddle_gradnorm_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOG_GRAD_NORM:
      g_value_set_boolean (value, self->log_grad_norm);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_gradnorm_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (object);

  switch (prop_id)
    {
    case PROP_LOG_GRAD_NORM:
      gtk_toggle_button_set_active (self->log_button, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_gradnorm_page_finalize (GObject *object)
{
  SaddleGradnormPage *self = SADDLE_GRADNORM_PAGE (object);

  g_clear_pointer (&self->results, saddle_study_results_free);
  g_clear_pointer (&self->live_history, saddle_history_free);
  saddle_text_throttle_reset (&self->last_text);

  G_OBJECT_CLASS (saddle_gradnorm_page_parent_class)->finalize (object);
}

static void
saddle_gradnorm_page_class_init (SaddleGradnormPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SaddlePageClass *page_class = SADDLE_PAGE_CLASS (klass);

  object_class->finalize = saddle_gradnorm_page_finalize;
  object_class->get_property = saddle_gradnorm_page_get_property;
  object_class->set_property = saddle_gradnorm_page_set_property;

  /* Everything this page shows comes as records: no handle_event. */
  page_class->begin = page_begin;
  page_class->add_records = page_add_records;
  page_class->flush = page_flush;
  page_class->finish = page_finish;
  page_class->has_results = page_has_results;
  page_class->check_exportable = page_check_exportable;
  page_class->export_all = page_export_all;
  page_class->export_view = page_export_view;
  page_class->export_name = page_export_name;

  properties[PROP_LOG_GRAD_NORM] =
    g_param_spec_boolean ("log-grad-norm", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SADDLE_TYPE_MONITOR_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/saddlelab/Saddle/ui/saddle-gradnorm-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaddleGradnormPage, log_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleGradnormPage, last_label);
  gtk_widget_class_bind_template_child (widget_class, SaddleGradnormPage, monitor_view);
  gtk_widget_class_bind_template_child (widget_class, SaddleGradnormPage, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, log_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, smooth_toggled_cb);
}

static void
saddle_gradnorm_page_init (SaddleGradnormPage *self)
{
  self->log_grad_norm = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
saddle_gradnorm_page_new (void)
{
  return g_object_new (SADDLE_TYPE_GRADNORM_PAGE, NULL);
}

const SaddleHistory *
saddle_gradnorm_page_get_history (SaddleGradnormPage *self)
{
  g_return_val_if_fail (SADDLE_IS_GRADNORM_PAGE (self), NULL);

  return current_history (self);
}
