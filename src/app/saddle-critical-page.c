/* saddle-critical-page.c — the critical-points study: minimal ratio scatter and one point's spectrum */
#define G_LOG_DOMAIN "saddle-critical-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-critical-page-private.h"
#include "saddle-ground-truth.h"

G_DEFINE_FINAL_TYPE (SaddleCriticalPage, saddle_critical_page, SADDLE_TYPE_PAGE)

enum {
  PROP_0,
  PROP_NONZERO_RATIO,
  PROP_SHOW_TREND,
  PROP_SHOW_PB_FIT,
  PROP_RATIO_AXIS_FULL,
  PROP_SLICE_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_summary (SaddleCriticalPage *self);

const SaddleCriticalSet *
saddle_critical_page_current_set (SaddleCriticalPage *self)
{
  if (self->results != NULL && self->results->critical != NULL)
    return self->results->critical;
  return self->live_set;
}

const SaddleCriticalPoint *
saddle_critical_page_selected_point (SaddleCriticalPage *self)
{
  const SaddleCriticalSet *set = saddle_critical_page_current_set (self);
  int selected = saddle_critical_view_get_selected (self->critical_view);

  if (set == NULL || selected < 0 || selected >= (int) set->points->len)
    return NULL;
  return g_ptr_array_index (set->points, selected);
}

/* Full-rank critical points drawn at most (C(20, 4) = 4,845 for the preset). */
#define REFERENCE_MAX_LEVELS 100000

static void
reference_config_free (gpointer data)
{
  saddle_study_config_clear (data);
  g_free (data);
}

static void
slice_clicked_cb (GtkButton          *button,
                  SaddleCriticalPage *self)
{
  saddle_critical_page_compute_slice (self, NULL);
}

static void
trend_toggled_cb (GtkToggleButton    *button,
                  SaddleCriticalPage *self)
{
  saddle_critical_view_set_show_trend (self->critical_view, gtk_toggle_button_get_active (button));
  update_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_TREND]);
}

static void
full_axis_toggled_cb (GtkToggleButton    *button,
                      SaddleCriticalPage *self)
{
  saddle_critical_view_set_ratio_axis_full (self->critical_view,
                                            gtk_toggle_button_get_active (button));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATIO_AXIS_FULL]);
}

static void
pb_fit_toggled_cb (GtkToggleButton    *button,
                   SaddleCriticalPage *self)
{
  saddle_critical_view_set_show_pb_fit (self->critical_view, gtk_toggle_button_get_active (button));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_PB_FIT]);
}

static void
update_progress (SaddleCriticalPage *self)
{
  const SaddleCriticalSet *set = saddle_critical_page_current_set (self);
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

static const char *
verdict_text (SaddleTrendVerdict verdict)
{
  return _(saddle_trend_verdict_to_string (verdict));
}

/* "certified points (n = 12): Spearman ρ = −0.45, 95 % interval −0.86 to +0.21, p = 0.27
 * (10000 random pairings), no evidence either way" */
static void
append_subset_trend (GString                 *text,
                     const SaddleSubsetTrend *t)
{
  const SaddleSpearmanTest *test = &t->spearman;
  gboolean certified = t->subset == SADDLE_TREND_CERTIFIED;
  g_autofree char *p = NULL;

  if (t->verdict == SADDLE_TREND_TOO_FEW)
    {
      g_string_append_printf (text, certified ? _("certified points (n = %lu): %s")
                                              : _("all points (n = %lu): %s"),
                              (unsigned long) t->n, verdict_text (t->verdict));
      return;
    }
  {
    g_autofree char *value = test->p_value < 0.001 ? g_strdup ("< 0.001")
                                                   : g_strdup_printf ("= %.2g", test->p_value);

    p = test->p_exact
        /* TRANSLATORS: "p = 0.33 (exact)": every pairing of the points was counted */
        ? g_strdup_printf (_("p %s (exact)"), value)
        /* TRANSLATORS: "p = 0.27 (10000 random pairings)" */
        : g_strdup_printf (_("p %s (%lu random pairings)"), value, (unsigned long) test->permutations);
  }
  g_string_append_printf (text, certified
                          /* TRANSLATORS: the trend over the certified points; the last %s
                           * is the verdict ("no evidence either way") */
                          ? _("certified points (n = %lu): Spearman ρ = %+.2f, 95 %% interval %+.2f to %+.2f, %s, %s")
                          : _("all points (n = %lu): Spearman ρ = %+.2f, 95 %% interval %+.2f to %+.2f, %s, %s"),
                          (unsigned long) t->n, test->rho, test->low, test->high, p,
                          verdict_text (t->verdict));
}

static void
update_summary (SaddleCriticalPage *self)
{
  const SaddleCriticalSet *set = saddle_critical_page_current_set (self);
  g_autoptr(GString) text = g_string_new (NULL);
  SaddleCriticalSummary summary;
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

      if (point->spectrum != NULL && isfinite (point->spectrum->minimal_ratio))
        {
          ratio_sum += point->spectrum->minimal_ratio;
          n++;
        }
    }
  saddle_critical_set_summarise (set, &summary);

  g_string_append_printf (text,
                          g_dngettext (GETTEXT_PACKAGE, "%u point", "%u points", set->points->len),
                          set->points->len);
  g_string_append (text, " · ");
  /* TRANSLATORS: how many points are certified stationary, of all analysed */
  g_string_append_printf (text, _("certified stationary: %u of %u"),
                          summary.by_gradient + summary.by_clarke, summary.analysed);
  for (guint l = 0; l < SADDLE_CRITICAL_N_LABELS; l++)
    if (summary.labels[l] > 0)
      g_string_append_printf (text, " · %s %u", saddle_chart_label_name (l), summary.labels[l]);
  if (n > 0)
    {
      g_string_append (text, " · ");
      g_string_append_printf (text, _("mean minimal ratio %.3f"), ratio_sum / n);
    }
  /* The trend's test in words too, for both subsets: the chart's subtitle names one. */
  if (saddle_critical_view_get_show_trend (self->critical_view))
    {
      const SaddleCriticalTrend *trend = saddle_critical_view_get_trend (self->critical_view);
      gboolean tested = FALSE;

      for (guint s = 0; s < SADDLE_TREND_N_SUBSETS; s++)
        {
          const SaddleSubsetTrend *t = &trend->subsets[s];

          g_string_append (text, " · ");
          append_subset_trend (text, t);
          tested |= t->verdict != SADDLE_TREND_TOO_FEW;
        }
      if (tested)
        {
          g_string_append (text, " ");
          /* TRANSLATORS: how the trend's interval and p-value were found */
          g_string_append_printf (text, _("(interval: %u bootstrap resamples; p: two-sided permutation test)"),
                                  SADDLE_TREND_RESAMPLES);
        }
    }
  saddle_page_append_stopped (text, self->results);
  gtk_label_set_text (self->summary_label, text->str);
}

static void
nonzero_toggled_cb (GtkToggleButton    *button,
                    SaddleCriticalPage *self)
{
  saddle_critical_view_set_ratio (self->critical_view,
                                  gtk_toggle_button_get_active (button)
                                  ? SADDLE_CRITICAL_RATIO_NONZERO : SADDLE_CRITICAL_RATIO_MINIMAL);
  update_summary (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NONZERO_RATIO]);
}

static void
selected_changed_cb (SaddleCriticalView *view,
                     GParamSpec         *pspec,
                     SaddleCriticalPage *self)
{
  saddle_critical_page_update_detail (self);
}

/* SaddlePage */

/* Worker thread: the study's data (the images' principal components), then every full-rank
 * critical point of the closed form. */
static void
reference_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  const SaddleStudyConfig *config = task_data;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleGroundTruth) truth = NULL;
  GError *error = NULL;
  GArray *levels;

  dataset = saddle_study_config_load_dataset (config, &error);
  if (dataset != NULL)
    truth = saddle_ground_truth_new (dataset, config->hidden[0], &error);
  if (truth == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  levels = saddle_ground_truth_levels (truth, REFERENCE_MAX_LEVELS);
  if (levels == NULL)
    g_task_return_new_error (task, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_INVALID,
                             "more than %d critical points to draw", REFERENCE_MAX_LEVELS);
  else
    g_task_return_pointer (task, levels, (GDestroyNotify) g_array_unref);
}

static void
reference_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (source);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr(GArray) levels = NULL;
  g_autoptr(GError) error = NULL;

  levels = g_task_propagate_pointer (G_TASK (result), &error);
  /* A newer study (or none) is shown: this one's reference is stale. */
  if (g_cancellable_is_cancelled (cancellable) || cancellable != self->reference_cancellable)
    return;
  g_clear_object (&self->reference_cancellable);
  if (levels == NULL)
    {
      g_debug ("No closed form to draw: %s", error->message);
      return;
    }
  saddle_critical_view_set_reference (self->critical_view, levels);
}

/* The closed form's points behind the scatter, when the study has one (the autoencoder task). */
static void
start_reference (SaddleCriticalPage      *self,
                 const SaddleStudyConfig *config)
{
  g_autoptr(GTask) task = NULL;
  SaddleStudyConfig *copy;

  if (self->reference_cancellable != NULL)
    {
      g_cancellable_cancel (self->reference_cancellable);
      g_clear_object (&self->reference_cancellable);
    }
  saddle_critical_view_set_reference (self->critical_view, NULL);
  if (config->task != SADDLE_TASK_AUTOENCODER || config->n_hidden != 1
      || config->activation != SADDLE_ACTIVATION_IDENTITY)
    return;

  copy = g_new0 (SaddleStudyConfig, 1);
  saddle_study_config_copy (config, copy);
  self->reference_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->reference_cancellable, reference_done_cb, NULL);
  g_task_set_source_tag (task, start_reference);
  g_task_set_task_data (task, copy, reference_config_free);
  g_task_run_in_thread (task, reference_thread);
}

static void
page_begin (SaddlePage              *page,
            const SaddleStudyConfig *config)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);

  saddle_spectrum_view_set_point (self->spectrum_view, NULL);
  saddle_critical_view_set_set (self->critical_view, NULL);
  saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self->critical_view));
  g_clear_pointer (&self->results, saddle_study_results_free);
  g_clear_pointer (&self->live_set, saddle_critical_set_free);

  self->live_set = saddle_critical_set_new (config->zero_tolerance);
  self->total_runs = config->runs;

  /* The old slice belongs to the old study's points. */
  saddle_critical_page_clear_slice (self);
  if (self->have_config)
    saddle_study_config_clear (&self->config);
  saddle_study_config_copy (config, &self->config);
  self->have_config = TRUE;
  self->failed_runs = 0;
  saddle_critical_view_set_set (self->critical_view, self->live_set);
  start_reference (self, config);

  saddle_text_throttle_reset (&self->status);
  gtk_label_set_text (self->status_label, "");
  saddle_critical_page_update_detail (self);
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
        saddle_text_throttle_offer (&self->status, g_steal_pointer (&text));
      }
      break;

    case SADDLE_EVENT_PROGRESS:
      if (event->message != NULL)
        {
          saddle_text_throttle_offer (&self->status, g_strdup (event->message));
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

  {
    g_autofree char *status = saddle_text_throttle_take (&self->status);

    if (status != NULL)
      gtk_label_set_text (self->status_label, status);
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
  saddle_text_throttle_reset (&self->status);

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
  saddle_critical_view_set_set (self->critical_view, saddle_critical_page_current_set (self));
  saddle_critical_view_set_selected (self->critical_view, MAX (selected, 0));
  saddle_critical_page_update_detail (self);
  update_progress (self);
  update_summary (self);
}

static gboolean
page_has_results (SaddlePage *page)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (page);
  const SaddleCriticalSet *set = saddle_critical_page_current_set (self);

  return set != NULL && set->points->len > 0;
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

    case PROP_SHOW_TREND:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->trend_button));
      break;

    case PROP_SHOW_PB_FIT:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->pb_fit_button));
      break;
    case PROP_RATIO_AXIS_FULL:
      g_value_set_boolean (value, gtk_toggle_button_get_active (self->full_axis_button));
      break;

    case PROP_SLICE_BUSY:
      g_value_set_boolean (value, self->slice_cancellable != NULL);
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

    case PROP_SHOW_TREND:
      gtk_toggle_button_set_active (self->trend_button, g_value_get_boolean (value));
      break;

    case PROP_SHOW_PB_FIT:
      gtk_toggle_button_set_active (self->pb_fit_button, g_value_get_boolean (value));
      break;
    case PROP_RATIO_AXIS_FULL:
      gtk_toggle_button_set_active (self->full_axis_button, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_critical_page_dispose (GObject *object)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (object);

  /* The worker holds a reference until it returns; make that soon. */
  saddle_critical_page_clear_slice (self);
  if (self->reference_cancellable != NULL)
    g_cancellable_cancel (self->reference_cancellable);

  G_OBJECT_CLASS (saddle_critical_page_parent_class)->dispose (object);
}

static void
saddle_critical_page_finalize (GObject *object)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (object);

  g_clear_pointer (&self->results, saddle_study_results_free);
  g_clear_pointer (&self->live_set, saddle_critical_set_free);
  saddle_text_throttle_reset (&self->status);
  g_clear_pointer (&self->slice, saddle_slice_free);
  g_clear_pointer (&self->slice_error, g_free);
  g_clear_object (&self->slice_cancellable);
  g_clear_object (&self->reference_cancellable);
  if (self->have_config)
    saddle_study_config_clear (&self->config);

  G_OBJECT_CLASS (saddle_critical_page_parent_class)->finalize (object);
}

static void
saddle_critical_page_class_init (SaddleCriticalPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SaddlePageClass *page_class = SADDLE_PAGE_CLASS (klass);

  object_class->dispose = saddle_critical_page_dispose;
  object_class->finalize = saddle_critical_page_finalize;
  object_class->get_property = saddle_critical_page_get_property;
  object_class->set_property = saddle_critical_page_set_property;

  /* Its numbers come as events: no add_records. */
  page_class->begin = page_begin;
  page_class->handle_event = page_handle_event;
  page_class->flush = page_flush;
  page_class->finish = page_finish;
  page_class->has_results = page_has_results;
  saddle_critical_page_class_init_export (page_class);

  properties[PROP_NONZERO_RATIO] =
    g_param_spec_boolean ("nonzero-ratio", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_TREND] =
    g_param_spec_boolean ("show-trend", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_PB_FIT] =
    g_param_spec_boolean ("show-pb-fit", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATIO_AXIS_FULL] =
    g_param_spec_boolean ("ratio-axis-full", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SLICE_BUSY] =
    g_param_spec_boolean ("slice-busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SADDLE_TYPE_CRITICAL_VIEW);
  g_type_ensure (SADDLE_TYPE_SPECTRUM_VIEW);
  g_type_ensure (SADDLE_TYPE_SLICE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/saddlelab/Saddle/ui/saddle-critical-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, nonzero_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, trend_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, pb_fit_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, full_axis_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, slice_button);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, slice_spinner);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, slice_status);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, slice_stack);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, slice_view);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, critical_view);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, spectrum_view);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, detail_grid);
  gtk_widget_class_bind_template_child (widget_class, SaddleCriticalPage, summary_label);
  gtk_widget_class_bind_template_callback (widget_class, selected_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, nonzero_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, trend_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, pb_fit_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, full_axis_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, slice_clicked_cb);
}

static void
saddle_critical_page_init (SaddleCriticalPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  saddle_critical_page_init_detail (self);
  saddle_critical_page_update_detail (self);
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

  return saddle_critical_page_current_set (self);
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

const char *
saddle_critical_page_get_progress (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  return gtk_label_get_text (self->progress_label);
}

const char *
saddle_critical_page_get_summary (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  return gtk_label_get_text (self->summary_label);
}

const char *
saddle_critical_page_get_view (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->view_stack);
}
