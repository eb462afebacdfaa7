/* saddle-study.c — study configs, their validation, and the runner of the three studies */
#define G_LOG_DOMAIN "saddle-study"

#include "config.h"

#include <errno.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <math.h>
#include <string.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>

#include "saddle-batch.h"
#include "saddle-config-field.h"
#include "saddle-critical.h"
#include "saddle-dataset-csv.h"
#include "saddle-ground-truth.h"
#include "saddle-file.h"
#include "saddle-run-output.h"
#include "saddle-study.h"
#include "saddle-trainer.h"

/* The widest hidden layer (the field's range in saddle-config-field.c says the same). */
#define MAX_WIDTH          100000
/* Newton refinement steps of a critical run by default. */
#define NEWTON_STEPS_DEFAULT 20

/* The autoencoder preset (measured: see saddle_study_config_init()). */
#define AUTOENCODER_HIDDEN        4
#define AUTOENCODER_LR            0.003
#define AUTOENCODER_BATCH         100
#define AUTOENCODER_EPOCHS        10
#define AUTOENCODER_NEWTON_STEPS  300
#define AUTOENCODER_RUNS          20
#define AUTOENCODER_ZERO_TOLERANCE 1e-10

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

/* A choice field holds a value outside its enum. */
static gboolean
invalid_choice (GError           **error,
                SaddleConfigField  field,
                int                value)
{
  /* TRANSLATORS: said of a setting named before it; %s lists its choices */
  saddle_config_field_set_error (error, field, _("must be %s; got %d"),
                                 saddle_config_field_range (field), value);
  return FALSE;
}

static void
set_hidden (SaddleStudyConfig *config,
            const guint       *widths,
            guint              n)
{
  memset (config->hidden, 0, sizeof config->hidden);
  memcpy (config->hidden, widths, n * sizeof *widths);
  config->n_hidden = n;
}

static char *
widths_string (const guint *widths,
               guint        n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%u", i > 0 ? "-" : "", widths[i]);

  return g_string_free (s, FALSE);
}

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

void
saddle_study_config_init (SaddleStudyConfig *config,
                          SaddleStudyKind    kind,
                          SaddleTask         task)
{
  static const guint image_hidden[] = { 20, 20 };
  static const guint function_hidden[] = { 363 };
  static const guint critical_hidden[] = { 31, 31 };
  static const guint autoencoder_hidden[] = { AUTOENCODER_HIDDEN };

  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->task = task;
  config->data_path = NULL;
  config->function = SADDLE_FUNCTION_SINC;
  config->samples = 1000;
  config->activation = SADDLE_ACTIVATION_RELU;
  config->optimizer = SADDLE_OPTIMIZER_ADAM;
  config->seed = 1;
  config->runs = 8;
  config->first_run = 0;
  config->snapshot_every = 0;
  config->threads = 0;
  config->layer = 0;
  config->zero_tolerance = 1e-6;
  config->grad_tolerance = 1e-4;
  config->descent_steps = 1000;
  config->descent_lr = 1e-3;
  /* "Refine before you classify": a few Newton steps take ‖∇L‖ from ~1e-3 to rounding level. */
  config->newton_steps = NEWTON_STEPS_DEFAULT;
  /* AUTO: MINRES on ReLU nets, where the dense step is 20–60× dearer for the same ‖∇L‖. */
  config->newton_method = SADDLE_NEWTON_AUTO;
  {
    SaddleCriticalSettings defaults;

    saddle_critical_settings_init (&defaults);
    config->certify_tolerance = defaults.certify_tolerance;
    config->clarke_epsilon = defaults.clarke_epsilon;
    config->still_steps = defaults.still_steps;
    config->still_factor = defaults.still_factor;
  }
  config->jobs = 0;
  /* The homework's bonus, drawn behind the paths; costs resolution² whole-set losses. */
  config->surface_resolution = kind == SADDLE_STUDY_TRAJECTORIES
                             ? SADDLE_SURFACE_DEFAULT_RESOLUTION : 0;

  if (task == SADDLE_TASK_AUTOENCODER)
    {
      /* 20-4-20 (184 parameters): C(20, 4) = 4,845 critical points of index 0–64, each
       * Hessian built in milliseconds. Measured (README, "Ground truth"): trained to the end
       * every run reaches the minimum {1,2,3,4}; run r trains 1 + r mod epochs epochs
       * (run_epochs()), and dense Newton from there lands on a different subset almost
       * every run. The ‖∇L‖² descent did not help here (Newton alone got further), so it is
       * off; Newton needs up to ~300 Hessians from these starts. */
      set_hidden (config, autoencoder_hidden, G_N_ELEMENTS (autoencoder_hidden));
      config->activation = SADDLE_ACTIVATION_IDENTITY;
      config->lr = AUTOENCODER_LR;
      config->batch = AUTOENCODER_BATCH;
      config->epochs = AUTOENCODER_EPOCHS;
      config->descent_steps = 0;
      config->newton_steps = AUTOENCODER_NEWTON_STEPS;
      config->grad_tolerance = SADDLE_CRITICAL_REACHED_GRAD_NORM;
      /* The symmetry's k² + k zeros sit at 1e-14·max|λ| once Newton is done, but at points
       * whose hidden layer is unbalanced (W1 large, W2 small) true eigenvalues fall to
       * 2e-7·max|λ|: the usual 1e-6 band would count them as zero. */
      config->zero_tolerance = AUTOENCODER_ZERO_TOLERANCE;
      /* A linear net is smooth: dense Newton converges quadratically to rounding level. */
      config->newton_method = SADDLE_NEWTON_DENSE;
    }
  else if (task == SADDLE_TASK_IMAGE)
    {
      set_hidden (config, image_hidden, G_N_ELEMENTS (image_hidden));
      /* Tuned: over 8 seeds, 30 epochs reach 92 % training accuracy on the bundled
       * Fashion-MNIST subset (every run ≥ 90 %); 0.01 is faster but erratic (87–96 %). */
      config->lr = 0.003;
      config->batch = 200;
      config->epochs = 30;
    }
  else
    {
      set_hidden (config, function_hidden, G_N_ELEMENTS (function_hidden));
      /* Tuned: 10,000 small steps (< 1 s a run) fit sinc to an MSE of ~3e-4 (the
       * target's variance is 0.087); batch 100 at lr 1e-3 stalls near 6e-3. */
      config->lr = 0.01;
      config->batch = 20;
      config->epochs = 200;
    }

  if (kind == SADDLE_STUDY_CRITICAL)
    {
      /* The autoencoder's runs take seconds each (Newton from far), and 20 show the levels. */
      config->runs = task == SADDLE_TASK_AUTOENCODER ? AUTOENCODER_RUNS : 100;
      if (task == SADDLE_TASK_FUNCTION)
        set_hidden (config, critical_hidden, G_N_ELEMENTS (critical_hidden));
    }
}

void
saddle_study_config_copy (const SaddleStudyConfig *src,
                          SaddleStudyConfig       *dest)
{
  g_return_if_fail (src != NULL);
  g_return_if_fail (dest != NULL);

  if (src == dest)
    return;
  *dest = *src;
  dest->data_path = g_strdup (src->data_path);
  dest->label_column = g_strdup (src->label_column);
}

void
saddle_study_config_clear (SaddleStudyConfig *config)
{
  g_return_if_fail (config != NULL);

  g_clear_pointer (&config->data_path, g_free);
  g_clear_pointer (&config->label_column, g_free);
}

gboolean
saddle_study_config_validate (const SaddleStudyConfig *config,
                              GError                 **error)
{
  guint widths[SADDLE_MAX_HIDDEN_LAYERS + 2];
  gsize hidden_params;

  g_return_val_if_fail (config != NULL, FALSE);

  /* The choices are parsed from names, so a bad one is a caller's mistake: say what the
   * field accepts. */
  if ((guint) config->task > SADDLE_TASK_AUTOENCODER)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_TASK, config->task);
  if ((guint) config->function > SADDLE_FUNCTION_SIGN)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_FUNCTION, config->function);
  if ((guint) config->activation > SADDLE_ACTIVATION_IDENTITY)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_ACTIVATION, config->activation);
  if ((guint) config->optimizer > SADDLE_OPTIMIZER_ADAM)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_OPTIMIZER, config->optimizer);
  if (saddle_newton_method_to_string (config->newton_method) == NULL)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_NEWTON_METHOD, config->newton_method);
  if (config->data_path != NULL && config->data_path[0] == '\0')
    {
      /* TRANSLATORS: said of the data setting */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_DATA,
                                     _("must name a file or folder; got an empty path"));
      return FALSE;
    }
  if (config->n_hidden > SADDLE_MAX_HIDDEN_LAYERS)
    {
      /* TRANSLATORS: said of the hidden layers; %s is a range like "0–8 widths of 1–100000" */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN, _("must list %s; got %u layers"),
                                     saddle_config_field_range (SADDLE_CONFIG_FIELD_HIDDEN),
                                     config->n_hidden);
      return FALSE;
    }
  for (guint i = 0; i < config->n_hidden; i++)
    if (config->hidden[i] < 1 || config->hidden[i] > MAX_WIDTH)
      {
        /* TRANSLATORS: said of the hidden layers; %s is a range like "0–8 widths of 1–100000" */
        saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                                       _("must list %s; hidden layer %u has width %u"),
                                       saddle_config_field_range (SADDLE_CONFIG_FIELD_HIDDEN),
                                       i + 1, config->hidden[i]);
        return FALSE;
      }
  if (config->layer > config->n_hidden)
    {
      /* TRANSLATORS: said of the trajectory layer */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_LAYER,
                                     _("must be an integer in 1–%u (the model has %u weight layers); got %u"),
                                     config->n_hidden + 1, config->n_hidden + 1, config->layer + 1);
      return FALSE;
    }

  {
    /* The counted fields in their table's order, so the first bad one is the first shown. */
    const struct { SaddleConfigField field; double value; } numbers[] = {
      { SADDLE_CONFIG_FIELD_SAMPLES, config->samples },
      { SADDLE_CONFIG_FIELD_LR, config->lr },
      { SADDLE_CONFIG_FIELD_BATCH, config->batch },
      { SADDLE_CONFIG_FIELD_EPOCHS, config->epochs },
      { SADDLE_CONFIG_FIELD_RUNS, config->runs },
      /* Numbered from 1, as every output does; the field is an index. */
      { SADDLE_CONFIG_FIELD_FIRST_RUN, config->first_run + 1.0 },
      { SADDLE_CONFIG_FIELD_THREADS, config->threads },
      { SADDLE_CONFIG_FIELD_JOBS, config->jobs },
      { SADDLE_CONFIG_FIELD_SURFACE, config->surface_resolution },
      { SADDLE_CONFIG_FIELD_ZERO_TOLERANCE, config->zero_tolerance },
      { SADDLE_CONFIG_FIELD_GRAD_TOLERANCE, config->grad_tolerance },
      { SADDLE_CONFIG_FIELD_DESCENT_STEPS, config->descent_steps },
      { SADDLE_CONFIG_FIELD_DESCENT_LR, config->descent_lr },
      { SADDLE_CONFIG_FIELD_NEWTON_STEPS, config->newton_steps },
      { SADDLE_CONFIG_FIELD_CERTIFY_TOLERANCE, config->certify_tolerance },
      { SADDLE_CONFIG_FIELD_CLARKE_EPSILON, config->clarke_epsilon },
      { SADDLE_CONFIG_FIELD_STILL_STEPS, config->still_steps },
      { SADDLE_CONFIG_FIELD_STILL_FACTOR, config->still_factor },
    };

    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
      if (!saddle_config_field_check (numbers[i].field, numbers[i].value, NULL, error))
        return FALSE;
  }

  /* The hidden layers alone (one input, one output) bound the size from
   * below before any data is read; check_dataset gives the exact count. */
  widths[0] = 1;
  memcpy (widths + 1, config->hidden, config->n_hidden * sizeof (guint));
  widths[config->n_hidden + 1] = 1;
  hidden_params = saddle_model_count_params (widths, config->n_hidden + 2);
  if (hidden_params == 0 || hidden_params > SADDLE_STUDY_MAX_PARAMS)
    {
      g_autofree char *hidden = saddle_study_config_hidden_string (config);
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, SADDLE_STUDY_MAX_PARAMS);

      /* TRANSLATORS: said of the hidden layers; the first %s is their widths, e.g. 3000,3000 */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                                     _("%s gives more than %s parameters; use fewer or narrower layers"),
                                     hidden, limit);
      return FALSE;
    }

  return TRUE;
}

gboolean
saddle_study_config_set_hidden (SaddleStudyConfig *config,
                                const char        *text,
                                GError           **error)
{
  guint widths[SADDLE_MAX_HIDDEN_LAYERS];
  guint n = 0;
  const char *p;

  g_return_val_if_fail (config != NULL, FALSE);

  if (text == NULL)
    text = "";
  p = text;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '\0')
    {
      set_hidden (config, widths, 0);
      return TRUE;
    }

  for (;;)
    {
      const char *start;
      guint64 value = 0;

      while (g_ascii_isspace (*p))
        p++;
      start = p;
      if (!g_ascii_isdigit (*p))
        {
          /* TRANSLATORS: said of the hidden layers */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                       _("must list comma-separated layer widths like 20,20; "
                         "“%s” has no width at character %ld"),
                       text, g_utf8_pointer_to_offset (text, p) + 1);
          return FALSE;
        }
      while (g_ascii_isdigit (*p))
        {
          if (value <= MAX_WIDTH)
            value = value * 10 + (guint64) (*p - '0');
          p++;
        }
      if (value < 1 || value > MAX_WIDTH)
        {
          g_autofree char *number = g_strndup (start, p - start);

          /* TRANSLATORS: said of the hidden layers */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                       _("must have widths in 1–%u; “%s” has %s at character %ld"),
                       MAX_WIDTH, text, number, g_utf8_pointer_to_offset (text, start) + 1);
          return FALSE;
        }
      if (n == SADDLE_MAX_HIDDEN_LAYERS)
        {
          /* TRANSLATORS: said of the hidden layers */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                       _("must list at most %u layers; “%s” has more"),
                       SADDLE_MAX_HIDDEN_LAYERS, text);
          return FALSE;
        }
      widths[n++] = (guint) value;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      if (*p != ',')
        {
          /* TRANSLATORS: said of the hidden layers */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                       _("must list comma-separated layer widths like 20,20; "
                         "“%s” has an unexpected “%.*s” at character %ld"),
                       text, (int) (g_utf8_next_char (p) - p), p,
                       g_utf8_pointer_to_offset (text, p) + 1);
          return FALSE;
        }
      p++;
    }

  set_hidden (config, widths, n);
  return TRUE;
}

char *
saddle_study_config_hidden_string (const SaddleStudyConfig *config)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (config != NULL, g_string_free (s, FALSE));

  for (guint i = 0; i < MIN (config->n_hidden, SADDLE_MAX_HIDDEN_LAYERS); i++)
    g_string_append_printf (s, "%s%u", i > 0 ? "," : "", config->hidden[i]);

  return g_string_free (s, FALSE);
}

SaddleDataset *
saddle_study_config_load_dataset (const SaddleStudyConfig *config,
                                  GError                 **error)
{
  g_return_val_if_fail (config != NULL, NULL);

  if (config->task == SADDLE_TASK_IMAGE || config->task == SADDLE_TASK_AUTOENCODER)
    {
      SaddleCsvOptions csv = { config->label_column, config->standardize };
      const char *path = config->data_path != NULL ? config->data_path
                                                   : saddle_dataset_bundled_dir ();
      g_autoptr(SaddleDataset) images = saddle_dataset_load_classes (path, &csv, config->samples,
                                                                     error);

      if (images == NULL || config->task == SADDLE_TASK_IMAGE)
        return g_steal_pointer (&images);
      return saddle_ground_truth_dataset_new (images, SADDLE_GROUND_TRUTH_COMPONENTS, error);
    }

  if (config->data_path != NULL)
    return saddle_dataset_load_csv (config->data_path, config->samples, error);

  return saddle_dataset_new_function (config->function, config->samples, error);
}

guint *
saddle_study_config_widths (const SaddleStudyConfig *config,
                            const SaddleDataset     *dataset,
                            guint                   *n_widths)
{
  guint n;
  guint *widths;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (dataset != NULL, NULL);

  n = MIN (config->n_hidden, SADDLE_MAX_HIDDEN_LAYERS) + 2;
  widths = g_new (guint, n);
  widths[0] = (guint) MIN (dataset->n_inputs, (gsize) G_MAXUINT);
  memcpy (widths + 1, config->hidden, (n - 2) * sizeof (guint));
  widths[n - 1] = (guint) MIN (dataset->n_outputs, (gsize) G_MAXUINT);

  if (n_widths != NULL)
    *n_widths = n;
  return widths;
}

gboolean
saddle_study_config_check_data (const SaddleStudyConfig *config,
                                GError                 **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if (config->data_path == NULL)
    return TRUE;
  if (g_file_test (config->data_path, G_FILE_TEST_IS_DIR))
    {
      if (g_access (config->data_path, R_OK | X_OK) != 0)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "“%s” cannot be read: %s", config->data_path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  return saddle_file_check_regular (config->data_path, G_MAXUINT64, NULL, error);
}

void
saddle_study_config_critical_settings (const SaddleStudyConfig *config,
                                       SaddleCriticalSettings  *settings)
{
  g_return_if_fail (config != NULL && settings != NULL);

  saddle_critical_settings_init (settings);
  settings->descent_steps = config->descent_steps;
  settings->descent_lr = config->descent_lr;
  settings->grad_tolerance = config->grad_tolerance;
  settings->zero_tolerance = config->zero_tolerance;
  settings->newton_steps = config->newton_steps;
  settings->newton_method = config->newton_method;
  settings->certify_tolerance = config->certify_tolerance;
  settings->clarke_epsilon = config->clarke_epsilon;
  settings->still_steps = config->still_steps;
  settings->still_lr = config->lr;
  settings->still_factor = config->still_factor;
}

gsize
saddle_study_config_n_params (const SaddleStudyConfig *config,
                              const SaddleDataset     *dataset)
{
  g_autofree guint *widths = NULL;
  guint n = 0;

  g_return_val_if_fail (config != NULL, 0);
  g_return_val_if_fail (dataset != NULL, 0);

  widths = saddle_study_config_widths (config, dataset, &n);
  return saddle_model_count_params (widths, n);
}

gboolean
saddle_study_config_check_dataset (const SaddleStudyConfig *config,
                                   const SaddleDataset     *dataset,
                                   GError                 **error)
{
  g_autofree guint *widths = NULL;
  g_autofree char *shape = NULL;
  guint n = 0;
  gsize n_params;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (dataset != NULL, FALSE);

  if (config->task == SADDLE_TASK_IMAGE && dataset->kind != SADDLE_DATASET_CLASSIFICATION)
    {
      /* TRANSLATORS: said of the task; %s names the dataset */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_TASK,
                   _("image needs labelled images, but “%s” holds regression samples; "
                     "fit a function to x,y data instead"),
                   dataset->name != NULL ? dataset->name : "the dataset");
      return FALSE;
    }
  if (config->task == SADDLE_TASK_AUTOENCODER
      && (dataset->kind != SADDLE_DATASET_REGRESSION || dataset->n_inputs != dataset->n_outputs))
    {
      /* TRANSLATORS: said of the task; %s names the dataset */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_TASK,
                   _("autoencoder needs samples whose targets are their inputs, "
                     "but “%s” is not such a set; give it an IDX image folder"),
                   dataset->name != NULL ? dataset->name : "the dataset");
      return FALSE;
    }
  if (config->task == SADDLE_TASK_FUNCTION && dataset->kind != SADDLE_DATASET_REGRESSION)
    {
      /* TRANSLATORS: said of the task; %s names the dataset */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_TASK,
                   _("function needs x,y samples, but “%s” holds labelled images; "
                     "classify them instead"),
                   dataset->name != NULL ? dataset->name : "the dataset");
      return FALSE;
    }
  if (dataset->n_samples == 0 || dataset->n_inputs == 0 || dataset->n_outputs == 0
      || dataset->n_inputs > G_MAXUINT || dataset->n_outputs > G_MAXUINT)
    {
      g_set_error (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_INVALID,
                   "“%s” has %" G_GSIZE_FORMAT " samples of %" G_GSIZE_FORMAT " inputs and %"
                   G_GSIZE_FORMAT " outputs; a model needs at least one of each",
                   dataset->name != NULL ? dataset->name : "the dataset",
                   dataset->n_samples, dataset->n_inputs, dataset->n_outputs);
      return FALSE;
    }

  widths = saddle_study_config_widths (config, dataset, &n);
  shape = widths_string (widths, n);
  n_params = saddle_model_count_params (widths, n);
  if (n_params == 0 || n_params > SADDLE_STUDY_MAX_PARAMS)
    {
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, SADDLE_STUDY_MAX_PARAMS);

      /* TRANSLATORS: said of the hidden layers; the first %s is the model, e.g. 784 → 3000 → 10 */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                   _("make a %s model with too many parameters (the limit is %s); "
                     "use fewer or narrower layers"),
                   shape, limit);
      return FALSE;
    }

  return TRUE;
}

SaddleModel *
saddle_study_config_new_model (const SaddleStudyConfig *config,
                               const SaddleDataset     *dataset,
                               GError                 **error)
{
  g_autofree guint *widths = NULL;
  guint n = 0;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (dataset != NULL, NULL);

  if (!saddle_study_config_check_dataset (config, dataset, error))
    return NULL;

  widths = saddle_study_config_widths (config, dataset, &n);
  return saddle_model_new (widths, n, config->activation,
                           dataset->kind == SADDLE_DATASET_CLASSIFICATION
                             ? SADDLE_LOSS_CROSS_ENTROPY : SADDLE_LOSS_MSE,
                           error);
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

const char *
saddle_study_kind_to_string (SaddleStudyKind kind)
{
  switch (kind)
    {
    case SADDLE_STUDY_TRAJECTORIES:
      return "trajectories";
    case SADDLE_STUDY_GRADNORM:
      return "gradnorm";
    case SADDLE_STUDY_CRITICAL:
      return "critical";
    default:
      return NULL;
    }
}

gboolean
saddle_study_kind_from_string (const char      *name,
                               SaddleStudyKind *kind)
{
  static const SaddleStudyKind kinds[] = {
    SADDLE_STUDY_TRAJECTORIES, SADDLE_STUDY_GRADNORM, SADDLE_STUDY_CRITICAL,
  };

  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_ascii_strcasecmp (name, saddle_study_kind_to_string (kinds[i])) == 0)
      {
        if (kind != NULL)
          *kind = kinds[i];
        return TRUE;
      }
  return FALSE;
}

const char *
saddle_task_to_string (SaddleTask task)
{
  switch (task)
    {
    case SADDLE_TASK_IMAGE:
      return "image";
    case SADDLE_TASK_FUNCTION:
      return "function";
    case SADDLE_TASK_AUTOENCODER:
      return "autoencoder";
    default:
      return NULL;
    }
}

gboolean
saddle_task_from_string (const char *name,
                         SaddleTask *task)
{
  if (name == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (name, "image") == 0)
    {
      if (task != NULL)
        *task = SADDLE_TASK_IMAGE;
      return TRUE;
    }
  if (g_ascii_strcasecmp (name, "function") == 0)
    {
      if (task != NULL)
        *task = SADDLE_TASK_FUNCTION;
      return TRUE;
    }
  if (g_ascii_strcasecmp (name, "autoencoder") == 0)
    {
      if (task != NULL)
        *task = SADDLE_TASK_AUTOENCODER;
      return TRUE;
    }
  return FALSE;
}
