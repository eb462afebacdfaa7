/* saddle-study.c — the runner of the three studies (their configs: saddle-study-config.c) */
#define G_LOG_DOMAIN "saddle-study"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>

#include "saddle-batch.h"
#include "saddle-config-field.h"
#include "saddle-critical.h"
#include "saddle-run-output.h"
#include "saddle-study.h"
#include "saddle-trainer.h"

/* Shares of one critical run given to its phases, for progress only; the Hessian has the rest. */
#define CRITICAL_TRAIN_SHARE    0.3
#define CRITICAL_DESCENT_SHARE  0.2
#define CRITICAL_NEWTON_SHARE   0.25


/* State the runs share; everything below @mutex is guarded by it. */
typedef struct
{
  const SaddleStudyConfig *config;
  SaddleStudyKind          kind;
  SaddleStudyResults      *results;
  const SaddleDataset     *dataset;
  const SaddleModel       *model;          /* the architecture; each worker copies it */
  const SaddleStudyRemote *remote;         /* NULL: one process */
  guint                    jobs;           /* workers computing here; remote ones follow */
  SaddleEventFunc          func;
  gpointer                 user_data;
  guint                    n_units;        /* runs, plus one for the loss surface */
  gboolean                 keep_params;

  GMutex                   mutex;
  gboolean                 cancelled;
  guint                    next;           /* next run index (0-based) to start */
  guint                    merged;         /* runs merged into results, in order */
  guint                    succeeded;
  guint                    attempted;
  guint                    finished;       /* runs that succeeded, failed or were cancelled */
  double                   share_sum;      /* runs done so far, in shares of one run */
  double                   last_fraction;  /* of the whole study: progress never goes back */
  SaddleRunOutput         *outputs;        /* (runs) */
} Study;

typedef struct
{
  Study                   *study;
  const SaddleStudyConfig *config;
  SaddleStudyKind          kind;
  SaddleRunOutput         *out;            /* where this run's records go */

  guint                    run;            /* absolute run index */
  double                   share;          /* of this run done, counted in study->share_sum */
  double                   phase_start;    /* share of one run done before this phase */
  double                   phase_length;   /* share of one run this phase takes */
  char                    *prefix;         /* "Run 3/8" */
  char                    *message;        /* "Run 3/8: training" */
  char                    *inner_message;  /* "Run 3/8: Eigenvalues", from an inner PROGRESS */
  gboolean                 refining;       /* DESCENT events are Newton steps */
  double                   seconds_train;  /* of the run under way */
} StudyRun;

G_DEFINE_QUARK (saddle-study-error-quark, saddle_study_error)

/* Events reach the caller one at a time, whichever worker sends them. */
static gboolean
emit_locked (Study             *study,
             const SaddleEvent *event)
{
  if (study->cancelled)
    return FALSE;
  if (study->func != NULL && !study->func (event, study->user_data))
    study->cancelled = TRUE;
  return !study->cancelled;
}

static gboolean
emit (StudyRun          *self,
      const SaddleEvent *event)
{
  Study *study = self->study;
  gboolean ok;

  g_mutex_lock (&study->mutex);
  ok = emit_locked (study, event);
  g_mutex_unlock (&study->mutex);
  return ok;
}

/* Sets this run's share done to @run_share and sends @event (a PROGRESS event) with the
 * whole study's fraction: the shares of all runs, so parallel runs add up. */
static gboolean
emit_share (StudyRun    *self,
            double       run_share,
            SaddleEvent *event)
{
  Study *study = self->study;
  gboolean ok;

  g_autofree char *counted = NULL;

  g_mutex_lock (&study->mutex);
  study->share_sum += run_share - self->share;
  self->share = run_share;
  event->fraction = CLAMP (study->share_sum / study->n_units, study->last_fraction, 1.0);
  study->last_fraction = event->fraction;
  /* With runs in parallel one run's number says little: say how many are done and running. */
  if (event->message != NULL && study->config->runs > 1)
    {
      guint done = study->finished, running = study->attempted - done;

      if (running > 1)
        {
          /* TRANSLATORS: "Run 3/8: descending ‖∇L‖² · 2 of 8 done, 2 running" */
          counted = g_strdup_printf (_("%s · %u of %u done, %u running"), event->message, done,
                                     study->config->runs, running);
          event->message = counted;
        }
    }
  ok = emit_locked (study, event);
  g_mutex_unlock (&study->mutex);
  return ok;
}

static gboolean
emit_progress (StudyRun *self,
               double    phase_fraction)
{
  SaddleEvent event = saddle_event_init (SADDLE_EVENT_PROGRESS, self->run);

  event.message = self->message;
  return emit_share (self, self->phase_start + self->phase_length
                           * CLAMP (phase_fraction, 0.0, 1.0), &event);
}

static gboolean
begin_phase (StudyRun   *self,
             const char *phase,
             double      start,
             double      length)
{
  g_free (self->message);
  self->message = g_strdup_printf ("%s: %s", self->prefix, phase);
  self->phase_start = start;
  self->phase_length = length;
  return emit_progress (self, 0.0);
}

/* Records what the studies keep, then forwards the event; inner PROGRESS
 * fractions (of one Hessian, say) are mapped onto the whole study. */
static gboolean
study_event_cb (const SaddleEvent *event,
                gpointer           user_data)
{
  StudyRun *self = user_data;
  SaddleRunOutput *out = self->out;

  switch (event->kind)
    {
    case SADDLE_EVENT_ITERATION:
      if (isfinite (event->loss))
        {
          SaddleIterationRecord record = {
            .run = event->run,
            .epoch = event->epoch,
            .iteration = event->iteration,
            .loss = event->loss,
            .grad_norm = event->grad_norm,
          };
          saddle_history_add_iteration (out->history, &record);
        }
      return emit (self, event);

    case SADDLE_EVENT_EPOCH:
      if (isfinite (event->loss))
        {
          SaddleEpochRecord record = {
            .run = event->run,
            .epoch = event->epoch,
            .iteration = event->iteration,
            .loss = event->loss,
            .accuracy = event->accuracy,
            .grad_norm = event->grad_norm,
          };
          saddle_history_add_epoch (out->history, &record);
        }
      if (!emit (self, event))
        return FALSE;
      return emit_progress (self, (double) event->epoch / self->config->epochs);

    case SADDLE_EVENT_SNAPSHOT:
      if (out->trajectory != NULL && event->params != NULL
          && event->n_params == out->trajectory->n_params)
        {
          SaddleSnapshotInfo info = {
            .run = event->run,
            .epoch = event->epoch,
            .iteration = event->iteration,
            .loss = event->loss,
            .accuracy = event->accuracy,
          };
          saddle_trajectory_add (out->trajectory, &info, event->params);
        }
      return emit (self, event);

    case SADDLE_EVENT_DESCENT:
      /* The descent reports a few hundred of its steps: each is a tick. Newton steps are not
       * (chord steps make more of them than the cap): its PROGRESS events tell. */
      if (!emit (self, event))
        return FALSE;
      if (self->refining)
        return TRUE;
      return emit_progress (self,
                            (double) event->iteration / MAX (1u, self->config->descent_steps));

    case SADDLE_EVENT_PROGRESS:
      {
        SaddleEvent mapped = *event;
        double inner = isfinite (event->fraction) ? CLAMP (event->fraction, 0.0, 1.0) : 0.0;

        if (event->message != NULL)
          {
            g_free (self->inner_message);
            /* The engine's own words ("Hessian", "newton") are marked N_() where they are set. */
            self->inner_message = g_strdup_printf ("%s: %s", self->prefix, _(event->message));
            mapped.message = self->inner_message;
          }
        else
          mapped.message = self->message;
        return emit_share (self, self->phase_start + self->phase_length * inner, &mapped);
      }

    case SADDLE_EVENT_CRITICAL:
    case SADDLE_EVENT_RUN_FAILED:
    default:
      return emit (self, event);
    }
}

static gboolean
is_cancel_error (const GError *error)
{
  return g_error_matches (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_CANCELLED)
      || g_error_matches (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED)
      || g_error_matches (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED);
}

static double
vector_norm (const double *v,
             gsize         n)
{
  return cblas_dnrm2 ((int) MIN (n, (gsize) G_MAXINT), v, 1);
}

/* The CRITICAL event that announces @point, found by run @run. */
static SaddleEvent
critical_event (const SaddleCriticalPoint *point,
                guint                      run)
{
  SaddleEvent event = saddle_event_init (SADDLE_EVENT_CRITICAL, run);

  event.loss = point->loss;
  event.grad_norm = point->grad_norm;
  event.accuracy = point->accuracy;
  event.critical = point;
  event.params = point->params;
  event.n_params = point->n_params;
  return event;
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
  guint steps = 0;
  guint newton_steps = 0;
  gint64 t0, t1, t2;

  saddle_study_config_critical_settings (config, &settings);

  saddle_model_loss_grad (model, theta, batch, grad);
  grad_norm_start = vector_norm (grad, saddle_model_n_params (model));

  t0 = g_get_monotonic_time ();
  if (config->descent_steps > 0)
    {
      if (!begin_phase (self, _("descending ‖∇L‖²"), CRITICAL_TRAIN_SHARE, CRITICAL_DESCENT_SHARE))
        goto cancelled;
      if (!saddle_critical_descend (model, theta, batch, &settings, self->run,
                                    study_event_cb, self, &steps, error))
        return FALSE;
      saddle_model_loss_grad (model, theta, batch, grad);
      grad_norm_descent = vector_norm (grad, saddle_model_n_params (model));
    }
  else
    grad_norm_descent = grad_norm_start;
  t1 = g_get_monotonic_time ();

  if (config->newton_steps > 0)
    {
      if (!begin_phase (self, _("Newton refinement"), CRITICAL_TRAIN_SHARE + CRITICAL_DESCENT_SHARE,
                        CRITICAL_NEWTON_SHARE))
        goto cancelled;
      self->refining = TRUE;
      if (!saddle_newton_refine (model, theta, batch, &settings, self->run, steps,
                                 study_event_cb, self, &newton_steps, error))
        return FALSE;
      self->refining = FALSE;
    }
  t2 = g_get_monotonic_time ();

  if (!begin_phase (self, _("Hessian"),
                    CRITICAL_TRAIN_SHARE + CRITICAL_DESCENT_SHARE + CRITICAL_NEWTON_SHARE,
                    1.0 - CRITICAL_TRAIN_SHARE - CRITICAL_DESCENT_SHARE - CRITICAL_NEWTON_SHARE))
    goto cancelled;
  point = saddle_critical_analyse (model, theta, batch, &settings, self->run,
                                   study_event_cb, self, error);
  if (point == NULL)
    return FALSE;
  point->run = self->run;
  point->steps = steps;
  point->newton_steps = newton_steps;
  point->grad_norm_start = grad_norm_start;
  point->grad_norm_descent = grad_norm_descent;
  point->seconds_train = self->seconds_train;
  point->seconds_descent = (t1 - t0) / 1e6;
  point->seconds_newton = (t2 - t1) / 1e6;

  event = critical_event (point, self->run);
  /* Kept even if this event cancels: the analysis is done. */
  self->out->point = saddle_critical_point_copy (point);
  if (!emit (self, &event))
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
static gboolean
run_one (StudyRun            *self,
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

  if (!begin_phase (self, _("training"), 0.0, critical ? CRITICAL_TRAIN_SHARE : 1.0))
    goto cancelled;
  t0 = g_get_monotonic_time ();
  if (!saddle_train (model, theta, dataset, &train, study_event_cb, self, error))
    return FALSE;
  self->seconds_train = (g_get_monotonic_time () - t0) / 1e6;

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
  return emit_progress (user_data, fraction);
}

/* Each run's final accuracy on the held-out test set beside the training images (t10k-*), when
 * there is one that fits the model: the legend shows it beside the training accuracy. */
static void
measure_test_accuracy (SaddleStudyResults      *results,
                       const SaddleStudyConfig *config,
                       SaddleModel             *model)
{
  const char *dir = config->data_path != NULL ? config->data_path : saddle_dataset_bundled_dir ();
  g_autoptr(SaddleDataset) test = saddle_dataset_load_idx_dir (dir, TRUE, 0, NULL);
  SaddleBatch batch;

  if (test == NULL)
    return;
  saddle_batch_init_full (&batch, test);
  if (!saddle_model_check_batch (model, &batch, NULL))
    return;
  for (guint i = 0; i < config->runs; i++)
    {
      const double *theta = g_ptr_array_index (results->final_params, i);

      if (theta != NULL)
        saddle_trajectory_set_test_accuracy (results->trajectory, config->first_run + i,
                                             saddle_model_accuracy (model, theta, &batch));
    }
}

/* The loss over the snapshots' PCA plane, and how far each snapshot lies off it. */
static gboolean
compute_surface (StudyRun            *self,
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
  if (!emit_progress (self, 0.0))
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

/* Appends run output @out to the results (called in run order, under the mutex). */
static void
merge_output (Study           *study,
              SaddleRunOutput *out)
{
  SaddleStudyResults *results = study->results;
  guint index = (guint) (out - study->outputs);

  if (out->history != NULL)
    {
      for (guint i = 0; i < out->history->iterations->len; i++)
        saddle_history_add_iteration (results->history,
                                      &g_array_index (out->history->iterations,
                                                      SaddleIterationRecord, i));
      for (guint i = 0; i < out->history->epochs->len; i++)
        saddle_history_add_epoch (results->history,
                                  &g_array_index (out->history->epochs, SaddleEpochRecord, i));
    }
  /* A failed run's snapshots are dropped, so a diverged path cannot swamp the PCA. */
  if (out->trajectory != NULL && out->failure == NULL)
    {
      SaddleTrajectory *t = out->trajectory;

      for (guint i = 0; i < t->info->len; i++)
        saddle_trajectory_add (results->trajectory,
                               &g_array_index (t->info, SaddleSnapshotInfo, i),
                               &g_array_index (t->params, double, (gsize) i * t->n_params));
    }
  if (out->point != NULL && results->critical != NULL)
    saddle_critical_set_add (results->critical, out->point);
  if (out->params != NULL)
    g_ptr_array_index (results->final_params, index) = g_steal_pointer (&out->params);
  if (out->failure != NULL)
    g_ptr_array_add (results->failures, g_steal_pointer (&out->failure));
  saddle_run_output_clear (out);
}

/* Merges every finished run that all earlier runs have preceded (under the mutex). */
static void
merge_ready (Study *study)
{
  while (study->merged < study->config->runs && study->outputs[study->merged].finished)
    merge_output (study, &study->outputs[study->merged++]);
}

/* Takes the next run index for @worker into @index and marks it started; FALSE when none is
 * left or the study was cancelled. */
static gboolean
claim_run (Study *study,
           guint  worker,
           guint *index)
{
  const SaddleStudyRemote *remote = study->remote;
  gboolean cancelled;

  if (remote != NULL && remote->claim != NULL)
    {
      g_mutex_lock (&study->mutex);
      cancelled = study->cancelled;
      g_mutex_unlock (&study->mutex);
      /* Asked outside the lock: the answer comes from another process. */
      if (cancelled || !remote->claim (remote->user_data, worker, index))
        return FALSE;
      if (*index >= study->config->runs)
        return FALSE;
      g_mutex_lock (&study->mutex);
    }
  else
    {
      g_mutex_lock (&study->mutex);
      if (study->cancelled || study->next >= study->config->runs)
        {
          g_mutex_unlock (&study->mutex);
          return FALSE;
        }
      *index = study->next++;
    }
  study->attempted++;
  study->outputs[*index].started = TRUE;
  g_mutex_unlock (&study->mutex);
  return TRUE;
}

/* Counts run @index as finished (under the mutex): merged in order here, or handed to the
 * other process's @finished and dropped. */
static void
finish_run (Study *study,
            guint  worker,
            guint  index)
{
  const SaddleStudyRemote *remote = study->remote;
  SaddleRunOutput *out = &study->outputs[index];

  if (remote != NULL && remote->finished != NULL)
    {
      g_mutex_unlock (&study->mutex);
      remote->finished (remote->user_data, worker, index, out);
      g_mutex_lock (&study->mutex);
      saddle_run_output_clear (out);
    }
  out->finished = TRUE;
  study->finished++;
  if (remote == NULL || remote->finished == NULL)
    merge_ready (study);
}

/* Has run @index done in another process (rank 0's extra workers, see SaddleStudyRemote). */
static void
run_remote (Study *study,
            guint  worker,
            guint  index)
{
  const SaddleStudyRemote *remote = study->remote;
  SaddleRunOutput *out = &study->outputs[index];
  gboolean reached = remote->run (remote->user_data, worker, index, out);
  guint run = study->config->first_run + index;

  g_mutex_lock (&study->mutex);
  if (!reached || out->cancelled)
    study->cancelled = TRUE;
  else if (out->succeeded)
    {
      study->succeeded++;
      if (out->point != NULL)
        {
          SaddleEvent event = critical_event (out->point, run);

          emit_locked (study, &event);
        }
    }
  else if (out->failure != NULL)
    {
      SaddleEvent event = saddle_event_init (SADDLE_EVENT_RUN_FAILED, run);

      event.message = out->failure;
      emit_locked (study, &event);
    }
  study->share_sum += 1.0;
  if (study->n_units > 0)
    {
      SaddleEvent event = saddle_event_init (SADDLE_EVENT_PROGRESS, run);

      event.fraction = CLAMP (study->share_sum / study->n_units, study->last_fraction, 1.0);
      study->last_fraction = event.fraction;
      emit_locked (study, &event);
    }
  finish_run (study, worker, index);
  g_mutex_unlock (&study->mutex);
}

typedef struct
{
  Study   *study;
  guint    worker;       /* 0 … jobs − 1 here, then jobs … jobs + n_remote − 1 remote */
} Worker;

/* Runs runs until none is left or the study is cancelled; each worker thread runs this with
 * its own model and θ. Events go to the caller through emit(), under the study's mutex. */
static gpointer
study_worker (gpointer data)
{
  Worker *worker = data;
  Study *study = worker->study;
  const SaddleStudyConfig *config = study->config;
  g_autoptr(SaddleModel) model = NULL;
  g_autofree double *theta = NULL;
  gsize n_params = saddle_model_n_params (study->model);
  guint index;

  if (worker->worker >= study->jobs)
    {
      guint slot = worker->worker - study->jobs;

      while (claim_run (study, slot, &index))
        run_remote (study, slot, index);
      return NULL;
    }

  model = saddle_model_copy (study->model);
  theta = g_new (double, n_params);
  while (claim_run (study, worker->worker, &index))
    {
      g_autoptr(GError) run_error = NULL;
      g_autoptr(SaddleCriticalPoint) point = NULL;
      StudyRun self = { 0 };
      SaddleRunOutput *out = &study->outputs[index];
      gboolean ok;

      out->history = saddle_history_new ();
      if (study->results->trajectory != NULL)
        {
          const SaddleTrajectory *t = study->results->trajectory;

          out->trajectory = saddle_trajectory_new (n_params, t->layer, t->layer_offset,
                                                   t->layer_size);
        }

      self.study = study;
      self.config = config;
      self.kind = study->kind;
      self.out = out;
      self.run = config->first_run + index;
      self.prefix = g_strdup_printf (_("Run %u/%u"), self.run + 1, config->first_run + config->runs);

      ok = run_one (&self, model, study->dataset, theta, &point, &run_error);

      if (ok && study->keep_params)
        out->params = g_memdup2 (point != NULL ? point->params : theta,
                                 n_params * sizeof (double));

      g_mutex_lock (&study->mutex);
      out->succeeded = ok;
      if (ok)
        study->succeeded++;
      else if (study->cancelled || is_cancel_error (run_error))
        {
          study->cancelled = TRUE;
          out->cancelled = TRUE;
        }
      else
        {
          /* This run failed; record why and go on with the others. */
          SaddleEvent event = saddle_event_init (SADDLE_EVENT_RUN_FAILED, self.run);

          out->failure = g_strdup_printf ("run %u: %s", self.run + 1, run_error->message);
          event.message = out->failure;
          emit_locked (study, &event);
        }
      study->share_sum += 1.0 - self.share;
      finish_run (study, worker->worker, index);
      g_mutex_unlock (&study->mutex);

      g_free (self.prefix);
      g_free (self.message);
      g_free (self.inner_message);
    }

  return NULL;
}

/* Workers for @config: jobs, or the online processors, never more than the runs. */
static guint
study_jobs (const SaddleStudyConfig *config)
{
  guint jobs = config->jobs > 0 ? config->jobs : g_get_num_processors ();

  return CLAMP (jobs, 1, config->runs);
}

static gsize
estimate_snapshots (const SaddleStudyConfig *config,
                    gsize                    n_samples)
{
  gsize batch = MAX (1u, MIN ((gsize) config->batch, n_samples));
  gsize steps_per_epoch = (n_samples + batch - 1) / batch;
  gsize steps = steps_per_epoch * config->epochs;
  gsize per_run = 1 + config->epochs;

  if (config->snapshot_every > 0)
    per_run += steps / config->snapshot_every;
  return per_run * config->runs;
}

gboolean
saddle_study_check_memory (const SaddleStudyConfig *config,
                           SaddleStudyKind          kind,
                           gsize                    n_samples,
                           gsize                    n_params,
                           gsize                   *need,
                           GError                 **error)
{
  gsize bytes = 0;

  g_return_val_if_fail (config != NULL, FALSE);

  if (need != NULL)
    *need = 0;
  if (n_params == 0)
    return TRUE;

  if (kind == SADDLE_STUDY_TRAJECTORIES)
    {
      gsize snapshots = estimate_snapshots (config, n_samples);
      gsize available = saddle_available_memory ();

      /* Half of what is free: the PCA of the snapshots needs room of its own. */
      bytes = snapshots > G_MAXSIZE / sizeof (double) / n_params
              ? G_MAXSIZE : snapshots * n_params * sizeof (double);
      if (need != NULL)
        *need = bytes;
      if (bytes > available / 2)
        {
          g_autofree char *need_text = g_format_size (bytes);
          g_autofree char *available_text = g_format_size (available);
          /* Printed apart: gettext cannot read G_GSIZE_FORMAT inside a message. */
          g_autofree char *snapshots_text = g_strdup_printf ("%" G_GSIZE_FORMAT, snapshots);
          g_autofree char *params_text = g_strdup_printf ("%" G_GSIZE_FORMAT, n_params);

          /* TRANSLATORS: said of the snapshot interval; sizes like "22.6 GB" */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY,
                                         _("is too small for this model: about %s snapshots of %s "
                                           "parameters need %s, more than half the %s of memory "
                                           "available; raise it, or lower the runs or epochs"),
                                         snapshots_text, params_text, need_text, available_text);
          return FALSE;
        }
      return TRUE;
    }

  if (kind == SADDLE_STUDY_CRITICAL)
    {
      /* A Hessian that can never fit is refused before any run trains, not after each one.
       * The eigenvectors of the exact reach (up to SADDLE_NEWTON_DENSE_MAX) need n² more. */
      gsize extra = n_params <= SADDLE_NEWTON_DENSE_MAX ? n_params * n_params * sizeof (double) : 0;

      if (need != NULL)
        *need = n_params <= G_MAXSIZE / n_params / sizeof (double) / 2
                ? n_params * n_params * sizeof (double) + extra : G_MAXSIZE;
      return saddle_hessian_check_memory (n_params, extra, error);
    }

  return TRUE;
}

guint64
saddle_study_init_seed (const SaddleStudyConfig *config,
                        guint                    run)
{
  g_return_val_if_fail (config != NULL, 0);

  return saddle_rng_run_seed (config->seed, run);
}

guint64
saddle_study_shuffle_seed (const SaddleStudyConfig *config,
                           guint                    run)
{
  g_return_val_if_fail (config != NULL, 0);

  /* A second stream from the run's own seed: independent of the initial θ's draws. */
  return saddle_rng_run_seed (saddle_rng_run_seed (config->seed, run), 1);
}

SaddleStudyResults *
saddle_study_run (const SaddleStudyConfig *config,
                  SaddleStudyKind          kind,
                  SaddleDataset           *dataset,
                  SaddleEventFunc          func,
                  gpointer                 user_data,
                  GError                 **error)
{
  return saddle_study_run_shared (config, kind, dataset, NULL, NULL, func, user_data, error);
}

SaddleStudyResults *
saddle_study_run_watched (const SaddleStudyConfig *config,
                          SaddleStudyKind          kind,
                          SaddleDataset           *dataset,
                          SaddleEventFunc          func,
                          gpointer                 user_data,
                          SaddleStudyWatch        *watch,
                          GError                 **error)
{
  return saddle_study_run_shared (config, kind, dataset, NULL, watch, func, user_data, error);
}

SaddleStudyResults *
saddle_study_run_shared (const SaddleStudyConfig *config,
                         SaddleStudyKind          kind,
                         SaddleDataset           *dataset,
                         const SaddleStudyRemote *remote,
                         SaddleStudyWatch        *watch,
                         SaddleEventFunc          func,
                         gpointer                 user_data,
                         GError                 **error)
{
  Worker *workers;
  guint n_workers;
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(SaddleDataset) data = NULL;
  g_autoptr(SaddleModel) model = NULL;
  Study study = { 0 };
  gboolean keep_params;
  guint jobs;
  guint succeeded = 0;
  guint attempted = 0;
  gsize n_params;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((guint) kind > SADDLE_STUDY_CRITICAL)
    {
      g_set_error (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_INVALID,
                   "Unknown study kind %d", (int) kind);
      return NULL;
    }
  if (!saddle_study_config_validate (config, error))
    return NULL;

  if (config->threads > 0)
    openblas_set_num_threads ((int) config->threads);

  if (dataset != NULL)
    data = saddle_dataset_ref (dataset);
  else if ((data = saddle_study_config_load_dataset (config, error)) == NULL)
    return NULL;

  model = saddle_study_config_new_model (config, data, error);
  if (model == NULL)
    return NULL;
  if (config->layer >= saddle_model_n_layers (model))
    {
      /* TRANSLATORS: said of the trajectory layer */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_LAYER,
                                     _("must be an integer in 1–%u; got %u"),
                                     saddle_model_n_layers (model), config->layer + 1);
      return NULL;
    }
  n_params = saddle_model_n_params (model);

  if (!saddle_study_check_memory (config, kind, data->n_samples, n_params, NULL, error))
    return NULL;

  results = g_new0 (SaddleStudyResults, 1);
  results->kind = kind;
  saddle_study_config_copy (config, &results->config);
  results->dataset_name = g_strdup (data->name != NULL ? data->name : "dataset");
  results->widths = saddle_study_config_widths (config, data, &results->n_widths);
  results->n_samples = (guint) data->n_samples;
  results->n_params = n_params;
  results->history = saddle_history_new ();
  results->failures = g_ptr_array_new_with_free_func (g_free);
  results->final_params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_set_size (results->final_params, config->runs);
  keep_params = (gsize) config->runs <= SADDLE_STUDY_MAX_KEPT_BYTES / sizeof (double) / n_params;
  if (kind == SADDLE_STUDY_TRAJECTORIES)
    {
      guint layer = config->layer;

      results->trajectory = saddle_trajectory_new (n_params, layer,
                                                   saddle_model_layer_offset (model, layer),
                                                   (gsize) saddle_model_width (model, layer + 1)
                                                   * saddle_model_width (model, layer));
    }
  else if (kind == SADDLE_STUDY_CRITICAL)
    results->critical = saddle_critical_set_new (config->zero_tolerance);

  study.config = config;
  study.kind = kind;
  study.results = results;
  study.dataset = data;
  study.model = model;
  study.func = func;
  study.user_data = user_data;
  study.n_units = config->runs + (results->trajectory != NULL && config->surface_resolution > 0);
  study.keep_params = keep_params;
  study.outputs = g_new0 (SaddleRunOutput, config->runs);
  g_mutex_init (&study.mutex);
  if (watch != NULL)
    saddle_study_watch_attach (watch, &study.mutex, results);

  jobs = study_jobs (config);
  study.jobs = jobs;
  study.remote = remote;
  n_workers = jobs + (remote != NULL ? remote->n_remote : 0);
  workers = g_new0 (Worker, n_workers);
  for (guint j = 0; j < n_workers; j++)
    workers[j] = (Worker) { &study, j };
  {
    g_autoptr(GPtrArray) threads = g_ptr_array_new ();
    int blas_threads = openblas_get_num_threads ();

    /* Unless --threads asks otherwise, a run's BLAS calls use one thread whatever the job
     * count, so the numbers do not depend on --jobs or on the machine's cores; with several
     * jobs, each worker's BLAS calls are small and already one per core: OpenBLAS's own
     * threads would only compete with the other workers. */
    if (config->threads == 0 || jobs > 1)
      openblas_set_num_threads (1);
    if (n_workers == 1)
      study_worker (&workers[0]);
    else
      {
        for (guint j = 0; j < n_workers; j++)
          {
            g_autoptr(GError) thread_error = NULL;
            GThread *thread = g_thread_try_new ("saddle-run", study_worker, &workers[j],
                                                &thread_error);

            /* Fewer workers is slower, not wrong; none at all falls back to this thread. */
            if (thread == NULL)
              break;
            g_ptr_array_add (threads, thread);
          }
        if (threads->len == 0)
          study_worker (&workers[0]);
      }
    for (guint j = 0; j < threads->len; j++)
      g_thread_join (g_ptr_array_index (threads, j));
    openblas_set_num_threads (config->threads > 0 ? (int) config->threads : blas_threads);
  }
  g_free (workers);

  /* Runs in flight when the study was cancelled are merged too: their records stay. Under
   * the lock, as a watch may be copying; after this the results are this thread's alone. */
  g_mutex_lock (&study.mutex);
  for (guint i = study.merged; i < config->runs; i++)
    if (study.outputs[i].started)
      merge_output (&study, &study.outputs[i]);
  g_mutex_unlock (&study.mutex);
  if (watch != NULL)
    saddle_study_watch_detach (watch);
  for (guint i = 0; i < config->runs; i++)
    saddle_run_output_clear (&study.outputs[i]);
  g_clear_pointer (&study.outputs, g_free);

  succeeded = study.succeeded;
  attempted = study.attempted;
  results->cancelled = study.cancelled;

  if (succeeded == 0 && !results->cancelled && (remote == NULL || remote->claim == NULL))
    {
      g_set_error (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_ALL_FAILED,
                   "All %u runs failed; the first: %s", attempted,
                   results->failures->len > 0
                     ? (const char *) g_ptr_array_index (results->failures, 0) : "?");
      g_mutex_clear (&study.mutex);
      return NULL;
    }

  saddle_study_results_compute_pca (results);

  /* A cancelled study keeps its paths but skips the surface: Stop must answer at once. */
  if (results->trajectory != NULL && results->trajectory->pca != NULL
      && config->surface_resolution > 0 && !results->cancelled)
    {
      g_autoptr(GError) surface_error = NULL;
      StudyRun self = { 0 };

      /* Every run counts as done in study.share_sum; the surface is the last unit. */
      self.study = &study;
      self.config = config;
      self.kind = kind;
      self.run = config->first_run + config->runs - 1;
      if (!compute_surface (&self, model, data, &surface_error))
        {
          if (study.cancelled || g_error_matches (surface_error, SADDLE_SURFACE_ERROR,
                                                 SADDLE_SURFACE_ERROR_CANCELLED))
            results->cancelled = TRUE;
          else
            g_ptr_array_add (results->failures,
                             g_strdup_printf ("loss surface: %s", surface_error->message));
        }
      g_clear_pointer (&self.prefix, g_free);
      g_clear_pointer (&self.message, g_free);
      g_clear_pointer (&self.inner_message, g_free);
    }
  g_mutex_clear (&study.mutex);

  if (results->trajectory != NULL && config->task == SADDLE_TASK_IMAGE)
    measure_test_accuracy (results, config, model);

  if (!results->cancelled && func != NULL)
    {
      SaddleEvent event = saddle_event_init (SADDLE_EVENT_PROGRESS,
                                             config->first_run + config->runs - 1);

      event.fraction = 1.0;
      event.message = _("Done");
      func (&event, user_data);
    }

  return g_steal_pointer (&results);
}

SaddleStudyResults *
saddle_study_results_copy (const SaddleStudyResults *results)
{
  SaddleStudyResults *copy = g_new0 (SaddleStudyResults, 1);

  g_return_val_if_fail (results != NULL, NULL);

  copy->kind = results->kind;
  saddle_study_config_copy (&results->config, &copy->config);
  copy->dataset_name = g_strdup (results->dataset_name);
  copy->n_params = results->n_params;
  copy->cancelled = results->cancelled;
  copy->history = saddle_history_copy (results->history);
  if (results->trajectory != NULL)
    copy->trajectory = saddle_trajectory_copy (results->trajectory);
  if (results->critical != NULL)
    {
      copy->critical = saddle_critical_set_new (results->critical->tolerance);
      for (guint i = 0; i < results->critical->points->len; i++)
        saddle_critical_set_add (copy->critical, g_ptr_array_index (results->critical->points, i));
    }
  copy->failures = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < results->failures->len; i++)
    g_ptr_array_add (copy->failures, g_strdup (g_ptr_array_index (results->failures, i)));
  copy->final_params = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < results->final_params->len; i++)
    {
      const double *theta = g_ptr_array_index (results->final_params, i);

      g_ptr_array_add (copy->final_params,
                       theta != NULL ? g_memdup2 (theta, results->n_params * sizeof (double))
                                     : NULL);
    }
  return copy;
}

void
saddle_study_results_compute_pca (SaddleStudyResults *results)
{
  g_autoptr(GError) pca_error = NULL;

  g_return_if_fail (results != NULL);

  if (results->trajectory == NULL || saddle_trajectory_n_snapshots (results->trajectory) < 2)
    return;
  if (!saddle_trajectory_compute_pca (results->trajectory, &pca_error))
    g_ptr_array_add (results->failures,
                     g_strdup_printf ("PCA of the snapshots: %s", pca_error->message));
}

void
saddle_study_results_free (SaddleStudyResults *results)
{
  if (results == NULL)
    return;

  saddle_study_config_clear (&results->config);
  g_free (results->dataset_name);
  g_free (results->widths);
  g_clear_pointer (&results->history, saddle_history_free);
  g_clear_pointer (&results->trajectory, saddle_trajectory_free);
  g_clear_pointer (&results->critical, saddle_critical_set_free);
  g_clear_pointer (&results->failures, g_ptr_array_unref);
  g_clear_pointer (&results->final_params, g_ptr_array_unref);
  g_free (results);
}
