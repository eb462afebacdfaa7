/* saddle-critical-page.c — the critical-points study: minimal ratio scatter and one point's spectrum */
#define G_LOG_DOMAIN "saddle-critical-page"

#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-critical-page.h"
#include "saddle-critical-view.h"
#include "saddle-ground-truth.h"
#include "saddle-palette.h"
#include "saddle-results-folder.h"
#include "saddle-summary.h"
#include "saddle-weights.h"
#include "saddle-slice-view.h"
#include "saddle-spectrum-view.h"

/* The slice's half-width in parameter space and its points: saddle-cli's defaults. */
#define SLICE_RANGE 1.0

typedef enum
{
  ROW_RUN,
  ROW_LABEL,
  ROW_LOSS,
  ROW_ACCURACY,
  ROW_GRAD_START,
  ROW_GRAD_DESCENT,
  ROW_GRAD_NEWTON,
  ROW_STEPS,
  ROW_NEWTON_STEPS,
  ROW_POSITIVE,
  ROW_NEGATIVE,
  ROW_ZERO,
  ROW_MINIMAL_RATIO,
  ROW_NONZERO_RATIO,
  ROW_TOLERANCE,
  ROW_DEAD_UNITS,
  ROW_HG_RATIO,
  ROW_NEWTON_REACH,
  ROW_CERTIFICATE,
  ROW_STILL,
  ROW_CLARKE,
  ROW_BANDS,
  ROW_EXACT_STEP,
  ROW_KINK,
  N_ROWS
} DetailRow;

struct _SaddleCriticalPage
{
  SaddlePage          parent_instance;

  guint               total_runs;
  guint               failed_runs;
  SaddleCriticalSet  *live_set;
  SaddleStudyResults *results;

  GtkLabel           *names[N_ROWS];
  GtkLabel           *values[N_ROWS];
  SaddleStudyConfig   config;         /* of the study shown: the slice rebuilds its model */
  gboolean            have_config;

  /* The autoencoder's closed form, drawn behind the scatter; computed off the main thread
   * (a PCA of the images) while this is not NULL. */
  GCancellable       *reference_cancellable;

  /* The loss slice: at most one, of one point, computed off the main thread. */
  SaddleSlice        *slice;
  guint               slice_run;      /* the point's run */
  GCancellable       *slice_cancellable;  /* non-NULL while the worker runs */
  gboolean            slice_pending;  /* asked for while a study runs: starts after it */
  gboolean            blocked;        /* a study runs: no second BLAS job */
  char               *slice_error;    /* why the last slice failed, else NULL */
  gboolean            dirty;          /* points or failures arrived since the last flush */
  char               *status;         /* newest status line, shown at the flush */

  /* Template widgets */
  GtkToggleButton    *nonzero_button;
  GtkToggleButton    *trend_button;
  GtkToggleButton    *pb_fit_button;
  GtkToggleButton    *full_axis_button;
  GtkButton          *slice_button;
  GtkSpinner         *slice_spinner;
  GtkLabel           *slice_status;
  GtkStack           *slice_stack;
  SaddleSliceView    *slice_view;
  GtkLabel           *progress_label;
  GtkLabel           *status_label;
  SaddleCriticalView *critical_view;
  GtkStack           *detail_stack;
  GtkStack           *view_stack;      /* the spectrum or the loss slice */
  SaddleSpectrumView *spectrum_view;
  GtkGrid            *detail_grid;
  GtkLabel           *summary_label;
};

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

typedef struct
{
  const SaddleCriticalSet   *set;
  const SaddleCriticalTrend *trend;
  const SaddleCriticalPoint *point;
  const SaddleSlice         *slice;
  SaddleFigureStyle          style;
} DrawData;

/* What the slice worker owns: deep copies only. */
typedef struct
{
  SaddleStudyConfig config;
  double           *params;     /* (n_params) the critical point */
  gsize             n_params;
  guint             run;
} SliceTask;

static void start_slice    (SaddleCriticalPage *self);
static void update_summary (SaddleCriticalPage *self);

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
  return _(saddle_critical_label_title (label));
}

static void
set_label_value (SaddleCriticalPage        *self,
                 const SaddleCriticalPoint *point)
{
  const SaddleLabelLook *look = saddle_figure_label_look (point->label);
  SaddlePalette palette;
  SaddleColor color;
  g_autofree char *markup = NULL;

  saddle_palette_init (&palette, saddle_chart_is_dark (GTK_WIDGET (self)));
  saddle_palette_series (&palette, look->color, &color);
  markup = g_markup_printf_escaped ("<span foreground=\"#%02x%02x%02x\">%s</span> <b>%s</b>",
                                    (guint) (255 * color.red + 0.5), (guint) (255 * color.green + 0.5),
                                    (guint) (255 * color.blue + 0.5), look->glyph,
                                    label_text (point->label));
  gtk_label_set_markup (self->values[ROW_LABEL], markup);
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

/* The slice area: the slice of the selected point, or why there is none. */
static void
update_slice (SaddleCriticalPage *self)
{
  const SaddleCriticalPoint *point = selected_point (self);
  gboolean busy = self->slice_cancellable != NULL;
  gboolean mine = point != NULL && self->slice != NULL && self->slice_run == point->run;

  gtk_spinner_set_spinning (self->slice_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->slice_spinner), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->slice_button),
                            point != NULL && point->params != NULL && self->have_config && !busy
                            && !self->slice_pending);
  saddle_slice_view_set_slice (self->slice_view, mine ? self->slice : NULL);
  gtk_stack_set_visible_child_name (self->slice_stack, mine ? "slice" : "placeholder");

  if (busy)
    gtk_label_set_text (self->slice_status, _("Computing the extreme eigenvectors and the loss along them…"));
  else if (self->slice_pending)
    gtk_label_set_text (self->slice_status, _("The slice starts when the running study has finished"));
  else if (!mine && self->slice_error != NULL)
    gtk_label_set_text (self->slice_status, self->slice_error);
  else if (!mine && point != NULL && point->params == NULL)
    gtk_label_set_text (self->slice_status, _("This point’s parameters were not kept, so it cannot be sliced (an opened results folder keeps them as weights-runN.txt: saddle-cli --save-weights FOLDER/weights.txt, or Export All)"));
  else if (!mine)
    gtk_label_set_text (self->slice_status,
                        _("Press Loss Slice to see the loss along this point’s lowest and highest curvature directions"));
}

/* The MINRES reach, measured only beyond the dense size (the exact reach is shown there). */
static void
set_reach (SaddleCriticalPage        *self,
           const SaddleCriticalPoint *point)
{
  if (!isfinite (point->reach.residual))
    set_value (self, ROW_NEWTON_REACH, "—");
  else if (!saddle_newton_reach_found (&point->reach) && !point->reach.converged
           && point->reach.iterations > 0)
    /* TRANSLATORS: the solve for the nearest critical point hit its cap of
     * Hessian-vector products (HVPs) before its tolerance: the question is open */
    set_value (self, ROW_NEWTON_REACH, _("not settled (stopped early after %u HVPs)"),
               point->reach.iterations);
  else if (!saddle_newton_reach_found (&point->reach))
    /* TRANSLATORS: the local quadratic model has no critical point; the share of the
     * gradient its least-squares Newton step cannot remove */
    set_value (self, ROW_NEWTON_REACH, _("none near (%.2g of ∇L left)"), point->reach.residual);
  else if (point->reach.kinks_crossed > 0)
    /* TRANSLATORS: "0.3 away (118 kinks)": a distance in parameter space and the
     * number of ReLU kinks (samples changing side) on the way */
    set_value (self, ROW_NEWTON_REACH,
               g_dngettext (GETTEXT_PACKAGE, "%.3g away (%lu kink)", "%.3g away (%lu kinks)",
                            point->reach.kinks_crossed),
               point->reach.distance, (unsigned long) point->reach.kinks_crossed);
  else
    /* TRANSLATORS: a distance in parameter space */
    set_value (self, ROW_NEWTON_REACH, _("%.3g away"), point->reach.distance);
}

/* Certificate, still-descending factor, Clarke distance and the exact reach. */
static void
set_what_point_is (SaddleCriticalPage        *self,
                   const SaddleCriticalPoint *point)
{
  const SaddleReachCut *cut = &point->exact_reach.cuts[1];

  switch (point->certificate)
    {
    case SADDLE_CERTIFICATE_GRADIENT:
      /* TRANSLATORS: certified stationary by its small gradient norm (the number) */
      set_value (self, ROW_CERTIFICATE, _("yes: ‖∇L‖ = %.2g"), point->grad_norm);
      break;
    case SADDLE_CERTIFICATE_CLARKE:
      /* TRANSLATORS: certified Clarke-stationary (a nonsmooth criterion for ReLU nets) */
      set_value (self, ROW_CERTIFICATE, _("yes: Clarke-stationary"));
      break;
    case SADDLE_CERTIFICATE_NONE:
    default:
      /* TRANSLATORS: not certified; the spectrum is only that of this point */
      set_value (self, ROW_CERTIFICATE, _("not certified"));
      break;
    }
  if (isfinite (point->still_factor))
    /* TRANSLATORS: "5.6× in 500 steps": the loss divided by the lowest that 500 steps of
     * L-BFGS or of Adam reach from the point */
    set_value (self, ROW_STILL, _("%.3g× in %u steps"), point->still_factor,
               point->still_steps);
  else
    set_value (self, ROW_STILL, "—");
  if (isfinite (point->clarke_distance))
    /* TRANSLATORS: the Clarke distance and how many ReLU kinks are that close */
    set_value (self, ROW_CLARKE, g_dngettext (GETTEXT_PACKAGE, "%.3g (%u kink near)",
                                              "%.3g (%u kinks near)", point->clarke_kinks),
               point->clarke_distance, point->clarke_kinks);
  else
    set_value (self, ROW_CLARKE, "—");
  if (isfinite (point->exact_reach.share_weak))
    set_value (self, ROW_BANDS, "%.1f %% / %.2g %%", 100 * point->exact_reach.share_weak,
               100 * point->exact_reach.share_zero);
  else
    set_value (self, ROW_BANDS, "—");
  if (isfinite (cut->length))
    /* TRANSLATORS: the step's length and its relative residual ‖H·δ + ∇L‖/‖∇L‖ */
    set_value (self, ROW_EXACT_STEP, _("%.3g long (residual %.1e)"), cut->length, cut->residual);
  else
    set_value (self, ROW_EXACT_STEP, "—");
  if (!isfinite (cut->kink_fraction))
    set_value (self, ROW_KINK, "—");
  else if (cut->kink_fraction >= 1.0)
    set_value (self, ROW_KINK, _("none on the way"));
  else
    /* TRANSLATORS: the share of the Newton step walked before the first ReLU kink */
    set_value (self, ROW_KINK, _("%.2g of the step"), cut->kink_fraction);
}

static void
update_detail (SaddleCriticalPage *self)
{
  const SaddleCriticalPoint *point = selected_point (self);
  const SaddleSpectrum *spectrum;
  double n;

  saddle_spectrum_view_set_point (self->spectrum_view, point);
  update_slice (self);
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
  set_label_value (self, point);
  set_value (self, ROW_LOSS, "%.6g", point->loss);
  if (isfinite (point->accuracy))
    set_value (self, ROW_ACCURACY, "%.1f %%", 100 * point->accuracy);
  else
    set_value (self, ROW_ACCURACY, "—");
  set_value (self, ROW_GRAD_START, "%.3e", point->grad_norm_start);
  set_value (self, ROW_GRAD_DESCENT, "%.3e", point->grad_norm_descent);
  if (point->newton_steps > 0)
    set_value (self, ROW_GRAD_NEWTON, "%.3e", point->grad_norm);
  else
    /* TRANSLATORS: no Newton step was accepted: ‖∇L‖ stayed at the descent's */
    set_value (self, ROW_GRAD_NEWTON, _("%.3e (no step)"), point->grad_norm);
  set_value (self, ROW_STEPS, "%u", point->steps);
  set_value (self, ROW_NEWTON_STEPS, "%u", point->newton_steps);
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
  if (isfinite (point->hg_ratio))
    set_value (self, ROW_HG_RATIO, "%.3g", point->hg_ratio);
  else
    set_value (self, ROW_HG_RATIO, "—");
  set_reach (self, point);
  set_what_point_is (self, point);
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
slice_task_free (SliceTask *task)
{
  saddle_study_config_clear (&task->config);
  g_free (task->params);
  g_free (task);
}

static gboolean
slice_progress_cb (double   fraction,
                   gpointer data)
{
  return !g_cancellable_is_cancelled (data);
}

/* Worker thread: the study's model and whole training set, then the slice. */
static void
slice_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  SliceTask *data = task_data;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  SaddleBatch batch = { 0 };
  SaddleSlice *slice;

  if (data->config.threads > 0)
    openblas_set_num_threads ((int) data->config.threads);

  dataset = saddle_study_config_load_dataset (&data->config, &error);
  if (dataset != NULL)
    model = saddle_study_config_new_model (&data->config, dataset, &error);
  if (model == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (saddle_model_n_params (model) != data->n_params)
    {
      g_task_return_new_error (task, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID,
                               _("The study’s data set changed since the run: its model has %lu parameters, the point %lu"),
                               (unsigned long) saddle_model_n_params (model),
                               (unsigned long) data->n_params);
      return;
    }

  saddle_batch_init_full (&batch, dataset);
  slice = saddle_slice_compute (model, data->params, &batch, SLICE_RANGE, SADDLE_SLICE_DEFAULT_POINTS,
                                SADDLE_SLICE_AUTO, saddle_study_init_seed (&data->config, data->run),
                                slice_progress_cb, cancellable, &error);
  saddle_batch_clear (&batch);
  if (slice == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, slice, (GDestroyNotify) saddle_slice_free);
}

static void
slice_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SaddleCriticalPage *self = SADDLE_CRITICAL_PAGE (source_object);
  g_autoptr(GApplication) app = user_data;
  SliceTask *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  SaddleSlice *slice;

  slice = g_task_propagate_pointer (G_TASK (result), &error);
  g_clear_object (&self->slice_cancellable);
  g_clear_pointer (&self->slice_error, g_free);

  if (slice != NULL)
    {
      g_clear_pointer (&self->slice, saddle_slice_free);
      self->slice = slice;
      self->slice_run = data->run;
      /* What was asked for comes into view. */
      gtk_stack_set_visible_child_name (self->view_stack, "slice");
    }
  else if (!g_error_matches (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_CANCELLED))
    /* TRANSLATORS: %s says what went wrong, e.g. the Hessian is too large for memory */
    self->slice_error = g_strdup_printf (_("No loss slice: %s"), error->message);

  if (app != NULL)
    g_application_release (app);

  update_slice (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLICE_BUSY]);
}

static void
start_slice (SaddleCriticalPage *self)
{
  const SaddleCriticalPoint *point = selected_point (self);
  g_autoptr(GTask) task = NULL;
  GApplication *app = g_application_get_default ();
  SliceTask *data;

  self->slice_pending = FALSE;
  if (point == NULL || point->params == NULL || !self->have_config || self->slice_cancellable != NULL)
    {
      update_slice (self);
      return;
    }

  data = g_new0 (SliceTask, 1);
  saddle_study_config_copy (&self->config, &data->config);
  data->params = g_memdup2 (point->params, point->n_params * sizeof (double));
  data->n_params = point->n_params;
  data->run = point->run;

  g_clear_pointer (&self->slice_error, g_free);
  self->slice_cancellable = g_cancellable_new ();
  /* Quitting waits for the worker: it stops at its next check of the cancellable. */
  if (app != NULL)
    g_application_hold (app);
  task = g_task_new (self, self->slice_cancellable, slice_done_cb, app != NULL ? g_object_ref (app) : NULL);
  g_task_set_source_tag (task, start_slice);
  g_task_set_task_data (task, data, (GDestroyNotify) slice_task_free);
  /* A cancelled slice returns its CANCELLED error from the worker, not GTask's own. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, slice_thread);

  update_slice (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SLICE_BUSY]);
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
  const SaddleCriticalSet *set = current_set (self);
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
      g_string_append_printf (text, " · %s %u", label_text (l), summary.labels[l]);
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
  update_detail (self);
}

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

static void
draw_slice_cb (cairo_t  *cr,
               double    width,
               double    height,
               gpointer  user_data)
{
  DrawData *data = user_data;

  saddle_figure_slice (cr, width, height, data->slice, &data->style);
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

/* The slice of the selected point, if it has been computed. */
static const SaddleSlice *
current_slice (SaddleCriticalPage *self)
{
  const SaddleCriticalPoint *point = selected_point (self);

  if (point == NULL || self->slice == NULL || self->slice_run != point->run)
    return NULL;
  return self->slice;
}

/* The slice's figure zoomed to @view (NULL: fitted), or its data. */
static gboolean
write_slice_range (const SaddleSlice     *slice,
                   const SaddleViewRange *view,
                   const char            *path,
                   SaddleExportFormat     format,
                   GError               **error)
{
  DrawData data = { .slice = slice };

  if (format == SADDLE_EXPORT_CSV)
    return saddle_slice_write_csv (slice, path, error);
  saddle_figure_style_init (&data.style);
  if (view != NULL)
    data.style.view = *view;
  return saddle_export_figure (path, format, SADDLE_EXPORT_WIDTH, SADDLE_EXPORT_HEIGHT,
                               draw_slice_cb, &data, error);
}

static gboolean
write_slice (const SaddleSlice   *slice,
             const char          *path,
             SaddleExportFormat   format,
             GError             **error)
{
  return write_slice_range (slice, NULL, path, format, error);
}

static gboolean
page_check_exportable (SaddlePage  *page,
                       GError     **error)
{
  const SaddleCriticalSet *set = current_set (SADDLE_CRITICAL_PAGE (page));

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

static gboolean
write_spectrum (const SaddleCriticalPoint  *point,
                const char                 *path,
                SaddleExportFormat          format,
                GError                    **error)
{
  return write_spectrum_range (point, NULL, path, format, error);
}

/* SaddlePage */

static SaddleStudyKind
page_get_kind (SaddlePage *page)
{
  return SADDLE_STUDY_CRITICAL;
}

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
  if (self->slice_cancellable != NULL)
    g_cancellable_cancel (self->slice_cancellable);
  self->slice_pending = FALSE;
  g_clear_pointer (&self->slice, saddle_slice_free);
  g_clear_pointer (&self->slice_error, g_free);
  if (self->have_config)
    saddle_study_config_clear (&self->config);
  saddle_study_config_copy (config, &self->config);
  self->have_config = TRUE;
  self->failed_runs = 0;
  saddle_critical_view_set_set (self->critical_view, self->live_set);
  start_reference (self, config);

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
  const SaddleCriticalSet *set = current_set (self);
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
  point = selected_point (self);
  if (point == NULL)
    point = g_ptr_array_index (set->points, 0);
  if (point->spectrum == NULL)
    return TRUE;
  spectrum_name = g_strdup_printf ("spectrum-run%u.svg", point->run + 1);
  spectrum = g_build_filename (folder, spectrum_name, NULL);
  if (!write_spectrum (point, spectrum, SADDLE_EXPORT_SVG, error))
    return FALSE;

  /* The selected point's loss slice, with saddle-cli's names, when it was computed. */
  if (current_slice (self) != NULL)
    {
      g_autofree char *svg_name = g_strdup_printf ("slice-run%u.svg", self->slice_run + 1);
      g_autofree char *csv_name = g_strdup_printf ("slice-run%u.csv", self->slice_run + 1);
      g_autofree char *slice_svg = g_build_filename (folder, svg_name, NULL);
      g_autofree char *slice_csv = g_build_filename (folder, csv_name, NULL);

      if (!write_slice (self->slice, slice_svg, SADDLE_EXPORT_SVG, error) ||
          !write_slice (self->slice, slice_csv, SADDLE_EXPORT_CSV, error))
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
  DrawData data = { .set = current_set (self) };

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
  if (self->slice_cancellable != NULL)
    g_cancellable_cancel (self->slice_cancellable);
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
  g_clear_pointer (&self->status, g_free);
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
  page_class->get_kind = page_get_kind;
  page_class->begin = page_begin;
  page_class->handle_event = page_handle_event;
  page_class->flush = page_flush;
  page_class->finish = page_finish;
  page_class->has_results = page_has_results;
  page_class->check_exportable = page_check_exportable;
  page_class->export_all = page_export_all;
  page_class->export_view = page_export_view;
  page_class->export_name = page_export_name;

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
  const char *names[N_ROWS] = {
    [ROW_RUN] = _("Run"),
    [ROW_LABEL] = _("Kind"),
    [ROW_LOSS] = _("Loss"),
    [ROW_ACCURACY] = _("Accuracy"),
    [ROW_GRAD_START] = _("‖∇L‖ before descent"),
    [ROW_GRAD_DESCENT] = _("‖∇L‖ after descent"),
    [ROW_GRAD_NEWTON] = _("‖∇L‖ after Newton"),
    [ROW_STEPS] = _("Descent steps"),
    [ROW_NEWTON_STEPS] = _("Newton steps"),
    [ROW_POSITIVE] = _("Positive eigenvalues"),
    [ROW_NEGATIVE] = _("Negative eigenvalues"),
    [ROW_ZERO] = _("Near-zero eigenvalues"),
    [ROW_MINIMAL_RATIO] = _("Minimal ratio (#λ>0 / n)"),
    [ROW_NONZERO_RATIO] = _("Ratio without zero band"),
    [ROW_TOLERANCE] = _("Zero tolerance"),
    [ROW_DEAD_UNITS] = _("Dead ReLU units"),
    [ROW_HG_RATIO] = _("‖H·∇L‖ / ‖∇L‖"),
    /* TRANSLATORS: how far the local quadratic model puts the nearest point where ∇L = 0 */
    [ROW_NEWTON_REACH] = _("Nearest critical point"),
    /* TRANSLATORS: whether the point is certified stationary, and by what */
    [ROW_CERTIFICATE] = _("Stationary"),
    /* TRANSLATORS: how much the loss still falls under L-BFGS from the point */
    [ROW_STILL] = _("Loss still falls"),
    [ROW_CLARKE] = _("Clarke distance"),
    /* TRANSLATORS: the share of ‖∇L‖² on weakly curved / zero eigen-directions */
    [ROW_BANDS] = _("‖∇L‖² on weak / zero λ"),
    /* TRANSLATORS: the length of the exact pseudo-inverse Newton step at cut-off 1e-8 */
    [ROW_EXACT_STEP] = _("Newton step (cut 1e-8)"),
    /* TRANSLATORS: the share of that step walked before the first ReLU kink */
    [ROW_KINK] = _("First ReLU kink at"),
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
      gtk_grid_attach (self->detail_grid, name, 0, row, 1, 1);
      gtk_grid_attach (self->detail_grid, value, 1, row, 1, 1);
      self->names[row] = GTK_LABEL (name);
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
  SaddleViewRange view;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), FALSE);

  if (!saddle_page_prepare_export (SADDLE_PAGE (self), path, &format, error))
    return FALSE;

  point = selected_point (self);
  if (point == NULL || point->spectrum == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("Select a critical point first: click it in the scatter plot"));
      return FALSE;
    }
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (self->spectrum_view), &view);
  return write_spectrum_range (point, &view, path, format, error);
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

gboolean
saddle_critical_page_compute_slice (SaddleCriticalPage  *self,
                                    GError             **error)
{
  const SaddleCriticalPoint *point;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), FALSE);

  point = selected_point (self);
  if (point == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("Select a critical point first: click it in the scatter plot"));
      return FALSE;
    }
  if (point->params == NULL || !self->have_config)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("This point’s parameters were not kept, so it cannot be sliced (an opened results folder keeps them as weights-runN.txt: saddle-cli --save-weights FOLDER/weights.txt, or Export All)"));
      return FALSE;
    }
  if (self->slice_cancellable != NULL)
    return TRUE;

  /* Never two BLAS jobs at once: wait for the study. */
  if (self->blocked)
    {
      self->slice_pending = TRUE;
      update_slice (self);
      return TRUE;
    }
  start_slice (self);
  return TRUE;
}

void
saddle_critical_page_cancel_slice (SaddleCriticalPage *self)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_PAGE (self));

  self->slice_pending = FALSE;
  if (self->slice_cancellable != NULL)
    g_cancellable_cancel (self->slice_cancellable);
  update_slice (self);
}

const char *
saddle_critical_page_get_view (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->view_stack);
}

gboolean
saddle_critical_page_get_slice_busy (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), FALSE);

  return self->slice_cancellable != NULL;
}

gboolean
saddle_critical_page_get_slice_pending (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), FALSE);

  return self->slice_pending;
}

const SaddleSlice *
saddle_critical_page_get_slice (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  return current_slice (self);
}

void
saddle_critical_page_set_blocked (SaddleCriticalPage *self,
                                  gboolean            blocked)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_PAGE (self));

  blocked = !!blocked;
  if (self->blocked == blocked)
    return;
  self->blocked = blocked;
  if (!blocked && self->slice_pending)
    start_slice (self);
}

gboolean
saddle_critical_page_export_slice (SaddleCriticalPage  *self,
                                   const char          *path,
                                   GError             **error)
{
  const SaddleSlice *slice;
  SaddleExportFormat format;
  SaddleViewRange view;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), FALSE);

  if (!saddle_page_prepare_export (SADDLE_PAGE (self), path, &format, error))
    return FALSE;

  slice = current_slice (self);
  if (slice == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("No loss slice of the selected point yet: press Loss Slice first"));
      return FALSE;
    }
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (self->slice_view), &view);
  return write_slice_range (slice, &view, path, format, error);
}

char *
saddle_critical_page_get_details (SaddleCriticalPage *self)
{
  GString *text;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  text = g_string_new (NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->detail_grid)))
    return g_string_free (text, FALSE);
  for (guint row = 0; row < N_ROWS; row++)
    g_string_append_printf (text, "%s: %s\n", gtk_label_get_text (self->names[row]),
                            gtk_label_get_text (self->values[row]));
  return g_string_free (text, FALSE);
}
