/* saddle-critical-page-slice.c — the critical page's loss slice: a worker in the window's job queue
 *
 * A slice is the loss along the selected point's lowest and highest curvature directions
 * (saddle_slice_compute). Its worker is BLAS-heavy, so it waits in the job queue the studies
 * use (saddle-job-queue.h): asked for while a study runs, it starts when the study has
 * returned. The worker gets deep copies of the study's settings and the point's parameters.
 */
#define G_LOG_DOMAIN "saddle-critical-page"

#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>

#include "saddle-critical-page-private.h"
#include "saddle-error.h"

/* The slice's half-width in parameter space: saddle-cli's default. */
#define SLICE_RANGE 1.0

/* What the slice worker owns: deep copies only. */
typedef struct
{
  SaddleStudyConfig config;
  double           *params;     /* (n_params) the critical point */
  gsize             n_params;
  guint             run;
} SliceTask;

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
      /* What was asked for comes into view (unless the window closed meanwhile). */
      if (self->view_stack != NULL)
        gtk_stack_set_visible_child_name (self->view_stack, "slice");
    }
  else if (!saddle_error_is_cancelled (error))
    /* TRANSLATORS: %s says what went wrong, e.g. the Hessian is too large for memory */
    self->slice_error = g_strdup_printf (_("No loss slice: %s"), error->message);

  if (app != NULL)
    g_application_release (app);

  /* The next BLAS-heavy task (a study that waited) may start; a new critical study clears this
   * slice, which belongs to the old one's points. */
  saddle_job_queue_finish (saddle_page_get_job_queue (SADDLE_PAGE (self)), self);
  /* The window closed while the worker ran: its widgets are gone. */
  if (self->slice_stack == NULL)
    return;
  saddle_critical_page_update_slice (self);
  g_object_notify (G_OBJECT (self), "slice-busy");
}

/* The queue's turn for the slice: start its worker, unless there is nothing to slice any more. */
static GCancellable *
start_slice (gpointer user_data)
{
  SaddleCriticalPage *self = user_data;
  const SaddleCriticalPoint *point = saddle_critical_page_selected_point (self);
  g_autoptr(GTask) task = NULL;
  GApplication *app = g_application_get_default ();
  SliceTask *data;

  if (point == NULL || point->params == NULL || !self->have_config || self->slice_cancellable != NULL)
    {
      saddle_critical_page_update_slice (self);
      return NULL;
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

  saddle_critical_page_update_slice (self);
  g_object_notify (G_OBJECT (self), "slice-busy");
  return g_object_ref (self->slice_cancellable);
}

/* The slice area: the slice of the selected point, or why there is none. */
void
saddle_critical_page_update_slice (SaddleCriticalPage *self)
{
  const SaddleCriticalPoint *point = saddle_critical_page_selected_point (self);
  gboolean busy = self->slice_cancellable != NULL;
  gboolean pending = saddle_critical_page_get_slice_pending (self);
  gboolean mine = point != NULL && self->slice != NULL && self->slice_run == point->run;

  gtk_spinner_set_spinning (self->slice_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->slice_spinner), busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->slice_button),
                            point != NULL && point->params != NULL && self->have_config && !busy
                            && !pending);
  saddle_slice_view_set_slice (self->slice_view, mine ? self->slice : NULL);
  gtk_stack_set_visible_child_name (self->slice_stack, mine ? "slice" : "placeholder");

  if (busy)
    gtk_label_set_text (self->slice_status, _("Computing the extreme eigenvectors and the loss along them…"));
  else if (pending)
    gtk_label_set_text (self->slice_status, _("The slice starts when the running study has finished"));
  else if (!mine && self->slice_error != NULL)
    gtk_label_set_text (self->slice_status, self->slice_error);
  else if (!mine && point != NULL && point->params == NULL)
    gtk_label_set_text (self->slice_status, _("This point’s parameters were not kept, so it cannot be sliced (an opened results folder keeps them as weights-runN.txt: saddle-cli --save-weights FOLDER/weights.txt, or Export All)"));
  else if (!mine)
    gtk_label_set_text (self->slice_status,
                        _("Press Loss Slice to see the loss along this point’s lowest and highest curvature directions"));
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

/* The slice of the selected point, if it has been computed. */
const SaddleSlice *
saddle_critical_page_current_slice (SaddleCriticalPage *self)
{
  const SaddleCriticalPoint *point = saddle_critical_page_selected_point (self);

  if (point == NULL || self->slice == NULL || self->slice_run != point->run)
    return NULL;
  return self->slice;
}

/* The slice's figure zoomed to @view (NULL: fitted), or its data. */
gboolean
saddle_critical_page_write_slice (const SaddleSlice     *slice,
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

gboolean
saddle_critical_page_compute_slice (SaddleCriticalPage  *self,
                                    GError             **error)
{
  const SaddleCriticalPoint *point;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), FALSE);

  point = saddle_critical_page_selected_point (self);
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
  if (self->slice_cancellable != NULL || saddle_critical_page_get_slice_pending (self))
    return TRUE;

  /* Never two BLAS jobs at once: a running study goes first. */
  saddle_job_queue_push (saddle_page_get_job_queue (SADDLE_PAGE (self)), self, start_slice, self, NULL);
  saddle_critical_page_update_slice (self);
  return TRUE;
}

void
saddle_critical_page_cancel_slice (SaddleCriticalPage *self)
{
  g_return_if_fail (SADDLE_IS_CRITICAL_PAGE (self));

  saddle_job_queue_cancel (saddle_page_get_job_queue (SADDLE_PAGE (self)), self);
  saddle_critical_page_update_slice (self);
}

void
saddle_critical_page_clear_slice (SaddleCriticalPage *self)
{
  saddle_job_queue_cancel (saddle_page_get_job_queue (SADDLE_PAGE (self)), self);
  g_clear_pointer (&self->slice, saddle_slice_free);
  g_clear_pointer (&self->slice_error, g_free);
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

  return saddle_job_queue_is_waiting (saddle_page_get_job_queue (SADDLE_PAGE (self)), self);
}

const SaddleSlice *
saddle_critical_page_get_slice (SaddleCriticalPage *self)
{
  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  return saddle_critical_page_current_slice (self);
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

  slice = saddle_critical_page_current_slice (self);
  if (slice == NULL)
    {
      g_set_error_literal (error, SADDLE_PAGE_ERROR, SADDLE_PAGE_ERROR_NO_DATA,
                           _("No loss slice of the selected point yet: press Loss Slice first"));
      return FALSE;
    }
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (self->slice_view), &view);
  return saddle_critical_page_write_slice (slice, &view, path, format, error);
}
