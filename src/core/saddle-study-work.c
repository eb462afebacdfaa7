/* saddle-study-work.c — what a study computes: one run (train, descend, Newton, Hessian),
 * then the loss surface and the test accuracy */
#define G_LOG_DOMAIN "saddle-study"

#include "config.h"

#include <string.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>

#include "saddle-batch.h"
#include "saddle-trainer.h"

#include "saddle-study-private.h"

/* Shares of one critical run given to its phases, for progress only; the Hessian has the rest. */
#define CRITICAL_TRAIN_SHARE    0.3
#define CRITICAL_DESCENT_SHARE  0.2
#define CRITICAL_NEWTON_SHARE   0.25

static double
vector_norm (const double *v,
             gsize         n)
{
  return cblas_dnrm2 ((int) MIN (n, (gsize) G_MAXINT), v, 1);
}

/* The critical study's second half: minimise ‖∇L‖² from the trained θ, refine
 * with Newton steps, then analyse the full Hessian there. */
static gboolean
descend_and_analyse (StudyRun             *self,
                     SaddleModel          *model,
                     const SaddleBatch    *batch,
                     double               *theta,
                     SaddleCriticalPoint **point_out,
                     GError              **error)
{
  const SaddleStudyConfig *config = self->config;
  g_autoptr(SaddleCriticalPoint) point = NULL;
  g_autofree double *grad = g_new (double, saddle_model_n_params (model));
  SaddleCriticalSettings settings;
  SaddleEvent event;
  double grad_norm_start;
  double grad_norm_descent;
  SaddleRegionTally descent_tally = { 0 };
  guint steps = 0;
  guint newton_steps = 0;
  gint64 t0, t1, t2;

  saddle_study_config_critical_settings (config, &settings);

  saddle_model_loss_grad (model, theta, batch, grad);
  grad_norm_start = vector_norm (grad, saddle_model_n_params (model));

  t0 = g_get_monotonic_time ();
  if (config->descent_steps > 0)
    {
      if (!_saddle_study_begin_phase (self, _("descending ‖∇L‖²"), CRITICAL_TRAIN_SHARE,
                                      CRITICAL_DESCENT_SHARE))
        goto cancelled;
      saddle_model_take_region_tally (model, NULL);
      if (!saddle_critical_descend (model, theta, batch, &settings, self->run,
                                    _saddle_study_event_cb, self, &steps, error))
        return FALSE;
      saddle_model_loss_grad (model, theta, batch, grad);
      saddle_model_take_region_tally (model, &descent_tally);
      grad_norm_descent = vector_norm (grad, saddle_model_n_params (model));
    }
  else
    grad_norm_descent = grad_norm_start;
  t1 = g_get_monotonic_time ();

  if (config->newton_steps > 0)
    {
      if (!_saddle_study_begin_phase (self, _("Newton refinement"),
                                      CRITICAL_TRAIN_SHARE + CRITICAL_DESCENT_SHARE,
                                      CRITICAL_NEWTON_SHARE))
        goto cancelled;
      self->refining = TRUE;
      if (!saddle_newton_refine (model, theta, batch, &settings, self->run, steps,
                                 _saddle_study_event_cb, self, &newton_steps, error))
        return FALSE;
      self->refining = FALSE;
    }
  t2 = g_get_monotonic_time ();

  if (!_saddle_study_begin_phase (self, _("Hessian"),
                                  CRITICAL_TRAIN_SHARE + CRITICAL_DESCENT_SHARE
                                  + CRITICAL_NEWTON_SHARE,
                                  1.0 - CRITICAL_TRAIN_SHARE - CRITICAL_DESCENT_SHARE
                                  - CRITICAL_NEWTON_SHARE))
    goto cancelled;
  point = saddle_critical_analyse (model, theta, batch, &settings, self->run,
                                   _saddle_study_event_cb, self, error);
  if (point == NULL)
    return FALSE;
  point->run = self->run;
  point->steps = steps;
  point->descent_tally = descent_tally;
  point->newton_steps = newton_steps;
  point->grad_norm_start = grad_norm_start;
  point->grad_norm_descent = grad_norm_descent;
  point->seconds_train = self->seconds_train;
  point->train_tally = self->train_tally;
  point->seconds_descent = (t1 - t0) / 1e6;
  point->seconds_newton = (t2 - t1) / 1e6;

  event = _saddle_study_critical_event (point, self->run);
  /* Kept even if this event cancels: the analysis is done. */
  self->out->point = saddle_critical_point_copy (point);
  if (!_saddle_study_emit (self, &event))
    goto cancelled;
  *point_out = g_steal_pointer (&point);
  return TRUE;

cancelled:
  g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_CANCELLED, "Cancelled");
  return FALSE;
}

/* Epochs run @run trains: in the autoencoder's critical study the runs stop at different
 * stages (1, 2, …, epochs, then again from 1), so that Newton starts near different critical
 * points; trained to the end, every run would reach the same minimum. Other studies and tasks
 * train every run alike. */
static guint
run_epochs (const SaddleStudyConfig *config,
            SaddleStudyKind          kind,
            guint                    run)
{
  if (kind == SADDLE_STUDY_CRITICAL && config->task == SADDLE_TASK_AUTOENCODER)
    return 1 + run % config->epochs;
  return config->epochs;
}

/* Trains run @self->run in place; for a critical study also descends and
 * analyses. Returns FALSE with @error on failure or cancel. */
gboolean
_saddle_study_run_one (StudyRun            *self,
                       SaddleModel         *model,
                       const SaddleDataset *dataset,
                       double              *theta,
                       SaddleCriticalPoint **point_out,
                       GError             **error)
{
  const SaddleStudyConfig *config = self->config;
  gboolean critical = self->kind == SADDLE_STUDY_CRITICAL;
  SaddleTrainSettings train;
  SaddleRng rng;
  gint64 t0;

  saddle_rng_init (&rng, saddle_study_init_seed (config, self->run));
  saddle_model_init_params (model, theta, &rng);

  memset (&train, 0, sizeof train);
  train.run = self->run;
  saddle_optimizer_settings_init (&train.optimizer, config->optimizer, config->lr);
  train.batch_size = config->batch;
  train.epochs = run_epochs (config, self->kind, self->run);
  train.snapshot_every = config->snapshot_every;
  train.shuffle_seed = saddle_study_shuffle_seed (config, self->run);
  /* The whole-set ‖∇L‖ per epoch is the clean line of the training charts. It costs about half
   * an epoch of the function task (one full-batch backward pass), and the critical study draws
   * no training chart: there it stays NAN rather than slow every run by ~1.5×. */
  train.epoch_grad_norm = !critical;

  if (!_saddle_study_begin_phase (self, _("training"), 0.0, critical ? CRITICAL_TRAIN_SHARE : 1.0))
    goto cancelled;
  t0 = g_get_monotonic_time ();
  saddle_model_take_region_tally (model, NULL);
  if (!saddle_train (model, theta, dataset, &train, _saddle_study_event_cb, self, error))
    return FALSE;
  self->seconds_train = (g_get_monotonic_time () - t0) / 1e6;
  saddle_model_take_region_tally (model, &self->train_tally);

  if (critical)
    {
      SaddleBatch batch = { 0 };
      gboolean ok;

      saddle_batch_init_full (&batch, dataset);
      ok = descend_and_analyse (self, model, &batch, theta, point_out, error);
      saddle_batch_clear (&batch);
      return ok;
    }

  return TRUE;

cancelled:
  g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_CANCELLED, "Cancelled");
  return FALSE;
}

static gboolean
surface_progress_cb (double   fraction,
                     gpointer user_data)
{
  return _saddle_study_emit_progress (user_data, fraction);
}

/* The held-out test set beside the training images (t10k-*), when there is one that fits
 * the model, or NULL: each run measures its final accuracy there, which the legend shows
 * beside the training accuracy. */
SaddleDataset *
_saddle_study_load_test_set (const SaddleStudyConfig *config,
                             const SaddleModel       *model)
{
  const char *dir = config->data_path != NULL ? config->data_path : saddle_dataset_bundled_dir ();
  g_autoptr(SaddleDataset) test = saddle_dataset_load_idx_dir (dir, TRUE, 0, NULL);
  SaddleBatch batch;

  if (test == NULL)
    return NULL;
  saddle_batch_init_full (&batch, test);
  if (!saddle_model_check_batch (model, &batch, NULL))
    return NULL;
  return g_steal_pointer (&test);
}

/* The loss over the snapshots' PCA plane, and how far each snapshot lies off it. */
gboolean
_saddle_study_compute_surface (StudyRun            *self,
                               SaddleModel         *model,
                               const SaddleDataset *dataset,
                               GError             **error)
{
  SaddleTrajectory *trajectory = self->study->results->trajectory;
  gsize n = saddle_trajectory_n_snapshots (trajectory);
  g_autoptr(SaddleSurface) surface = NULL;
  g_autofree double *distance = g_new (double, n);
  g_autofree double *surface_loss = g_new (double, n);
  SaddleBatch batch = { 0 };
  double range[4];

  g_free (self->prefix);
  self->prefix = g_strdup (_("Loss surface"));
  g_free (self->message);
  self->message = g_strdup_printf (_("Loss surface: %u × %u points"), self->config->surface_resolution,
                                   self->config->surface_resolution);
  self->phase_start = 0.0;
  self->phase_length = 1.0;
  if (!_saddle_study_emit_progress (self, 0.0))
    return FALSE;

  saddle_surface_range_for (trajectory->pca, SADDLE_SURFACE_DEFAULT_MARGIN, range);
  saddle_batch_init_full (&batch, dataset);
  surface = saddle_surface_compute (model, &batch, trajectory->pca, range[0], range[1], range[2],
                                    range[3], self->config->surface_resolution,
                                    surface_progress_cb, self, error);
  saddle_batch_clear (&batch);
  if (surface == NULL)
    return FALSE;

  if (!saddle_surface_snapshot_report (NULL, NULL, trajectory->pca,
                                       (const double *) (gpointer) trajectory->params->data, n,
                                       surface, distance, NULL, surface_loss, NULL, NULL, error))
    return FALSE;
  saddle_trajectory_set_surface (trajectory, g_steal_pointer (&surface), distance, surface_loss);
  return TRUE;
}
