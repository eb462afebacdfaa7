/* saddle-job.c — one study running on a worker thread, its events queued for the UI */
#define G_LOG_DOMAIN "saddle-job"

#include "config.h"

#include <math.h>

#include "saddle-job.h"
#include "saddle-previewer.h"

/* What only the worker thread touches. */
typedef struct
{
  SaddleJob         *job;           /* not a reference: the GTask holds one */
  SaddleStudyKind    kind;
  SaddleStudyConfig  config;
  gsize              layer_offset;
  gsize              layer_size;
  SaddlePreviewer   *previewer;     /* trajectories: computes the previews off the study's lock */
  SaddleJobWorkFunc  work;          /* not a study: this, on work_data */
  gpointer           work_data;
  GDestroyNotify     work_data_free;
  GDestroyNotify     result_free;
} WorkerState;

struct _SaddleJob
{
  GObject             parent_instance;

  SaddleStudyKind     kind;
  SaddleStudyConfig   config;
  GCancellable       *cancellable;

  GMutex              mutex;        /* guards queue, descent, iterations, epochs */
  GQueue              queue;        /* SaddleJobEvent *, oldest at the head */
  GArray             *iterations;   /* SaddleIterationRecord not yet taken by the UI */
  GArray             *epochs;       /* SaddleEpochRecord not yet taken by the UI */
  SaddleJobEvent     *descent;      /* the newest DESCENT event: only the latest matters */

  GApplication       *app;          /* held while the worker runs */
  gboolean            started;
  gboolean            running;
  SaddleStudyResults *results;
  GError             *error;
  SaddleJobWorkFunc   work;         /* saddle_job_new_work(): run this instead of a study */
  gpointer            work_data;    /* owned until the worker takes it */
  GDestroyNotify      work_data_free;
  gpointer            result;       /* the work's */
  GDestroyNotify      result_free;
};

G_DEFINE_FINAL_TYPE (SaddleJob, saddle_job, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
saddle_job_event_free (SaddleJobEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->message);
  g_clear_pointer (&event->critical, saddle_critical_point_free);
  g_clear_pointer (&event->preview, saddle_trajectory_free);
  g_free (event);
}

static void
worker_state_free (WorkerState *state)
{
  saddle_study_config_clear (&state->config);
  g_clear_pointer (&state->previewer, saddle_previewer_free);
  if (state->work_data_free != NULL && state->work_data != NULL)
    state->work_data_free (state->work_data);
  g_free (state);
}

static SaddleJobEvent *
job_event_new (const SaddleEvent *event)
{
  SaddleJobEvent *copy = g_new0 (SaddleJobEvent, 1);

  copy->kind = event->kind;
  copy->run = event->run;
  copy->iteration = event->iteration;
  copy->epoch = event->epoch;
  copy->loss = event->loss;
  copy->grad_norm = event->grad_norm;
  copy->accuracy = event->accuracy;
  copy->fraction = event->fraction;
  copy->message = g_strdup (event->message);
  if (event->critical != NULL)
    copy->critical = saddle_critical_point_copy (event->critical);

  return copy;
}

static void
job_push (SaddleJob      *self,
          SaddleJobEvent *event)
{
  g_mutex_lock (&self->mutex);
  g_queue_push_tail (&self->queue, event);
  g_mutex_unlock (&self->mutex);
}

/* On the previewer's thread: queue a finished preview for the UI. */
static void
preview_ready_cb (SaddleTrajectory *preview,
                  gpointer          user_data)
{
  SaddleJob *self = user_data;
  SaddleJobEvent *event = g_new0 (SaddleJobEvent, 1);
  gsize n = saddle_trajectory_n_snapshots (preview);

  event->kind = SADDLE_EVENT_SNAPSHOT;
  event->run = g_array_index (preview->info, SaddleSnapshotInfo, n - 1).run;
  event->loss = event->grad_norm = event->accuracy = event->fraction = NAN;
  event->preview = preview;
  job_push (self, event);
}

static void
worker_add_snapshot (WorkerState       *state,
                     const SaddleEvent *event)
{
  SaddleSnapshotInfo info;

  if (state->previewer == NULL || event->params == NULL || event->n_params == 0)
    return;

  info.run = event->run;
  info.epoch = event->epoch;
  info.iteration = event->iteration;
  info.loss = event->loss;
  info.accuracy = event->accuracy;
  /* Only a copy here, under the study's lock; the PCA and the surface run on the previewer's
   * thread while the runs go on (tests/bench/app-vs-cli.sh). */
  saddle_previewer_add (state->previewer, &info, event->params, event->n_params);
}

/* Runs on the worker thread: copy, queue, return. */
static gboolean
job_event_cb (const SaddleEvent *event,
              gpointer           user_data)
{
  WorkerState *state = user_data;
  SaddleJob *self = state->job;

  if (g_cancellable_is_cancelled (self->cancellable))
    return FALSE;

  switch (event->kind)
    {
    case SADDLE_EVENT_SNAPSHOT:
      if (state->kind == SADDLE_STUDY_TRAJECTORIES)
        worker_add_snapshot (state, event);
      break;

    case SADDLE_EVENT_DESCENT:
      {
        SaddleJobEvent *copy = job_event_new (event);

        g_mutex_lock (&self->mutex);
        g_clear_pointer (&self->descent, saddle_job_event_free);
        self->descent = copy;
        g_mutex_unlock (&self->mutex);
      }
      break;

    case SADDLE_EVENT_ITERATION:
      {
        SaddleIterationRecord rec = {
          event->run, event->epoch, event->iteration, event->loss, event->grad_norm
        };

        g_mutex_lock (&self->mutex);
        g_array_append_val (self->iterations, rec);
        g_mutex_unlock (&self->mutex);
      }
      break;

    case SADDLE_EVENT_EPOCH:
      {
        SaddleEpochRecord rec = {
          event->run, event->epoch, event->iteration, event->loss, event->accuracy,
          event->grad_norm
        };

        g_mutex_lock (&self->mutex);
        g_array_append_val (self->epochs, rec);
        g_mutex_unlock (&self->mutex);
      }
      break;

    case SADDLE_EVENT_PROGRESS:
      if (state->previewer != NULL && isfinite (event->fraction))
        saddle_previewer_set_fraction (state->previewer, event->fraction);
      job_push (self, job_event_new (event));
      break;

    case SADDLE_EVENT_CRITICAL:
    case SADDLE_EVENT_RUN_FAILED:
    default:
      job_push (self, job_event_new (event));
      break;
    }

  return !g_cancellable_is_cancelled (self->cancellable);
}

/* Where the chosen layer's weights sit in the flat vector (weights only). */
static void
worker_find_layer (WorkerState         *state,
                   const SaddleDataset *dataset)
{
  g_autofree guint *widths = NULL;
  guint n_widths = 0;
  gsize offset = 0;

  widths = saddle_study_config_widths (&state->config, dataset, &n_widths);
  if (widths == NULL || n_widths < 2)
    return;

  for (guint l = 0; l + 1 < n_widths; l++)
    {
      gsize weights = (gsize) widths[l] * widths[l + 1];

      if (l == state->config.layer)
        {
          state->layer_offset = offset;
          state->layer_size = weights;
          return;
        }
      offset += weights + widths[l + 1];
    }
}

static void
job_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  WorkerState *state = task_data;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyResults *results;

  if (state->work != NULL)
    {
      gpointer result = state->work (state->work_data, job_event_cb, state, &error);

      if (result == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, result, state->result_free);
      return;
    }

  /* Loaded here rather than inside the study so the layer's place in the
   * parameter vector is known before the first snapshot arrives. */
  dataset = saddle_study_config_load_dataset (&state->config, &error);
  if (dataset == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (state->kind == SADDLE_STUDY_TRAJECTORIES)
    {
      worker_find_layer (state, dataset);
      state->previewer = saddle_previewer_new (&state->config, dataset, state->layer_offset,
                                               state->layer_size, state->job->cancellable,
                                               preview_ready_cb, state->job);
    }

  results = saddle_study_run (&state->config, state->kind, dataset,
                              job_event_cb, state, &error);
  /* The final results replace any preview: stop the one in flight before returning. */
  g_clear_pointer (&state->previewer, saddle_previewer_free);
  if (results == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, results, (GDestroyNotify) saddle_study_results_free);
}

static void
job_done_cb (GObject      *source_object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SaddleJob *self = SADDLE_JOB (source_object);
  g_autoptr(GApplication) app = g_steal_pointer (&self->app);

  if (self->work != NULL)
    self->result = g_task_propagate_pointer (G_TASK (result), &self->error);
  else
    self->results = g_task_propagate_pointer (G_TASK (result), &self->error);
  self->running = FALSE;

  g_signal_emit (self, signals[FINISHED], 0);

  if (app != NULL)
    g_application_release (app);
}

static void
saddle_job_finalize (GObject *object)
{
  SaddleJob *self = SADDLE_JOB (object);

  g_queue_clear_full (&self->queue, (GDestroyNotify) saddle_job_event_free);
  g_clear_pointer (&self->descent, saddle_job_event_free);
  g_clear_pointer (&self->iterations, g_array_unref);
  g_clear_pointer (&self->epochs, g_array_unref);
  g_mutex_clear (&self->mutex);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->results, saddle_study_results_free);
  if (self->result != NULL && self->result_free != NULL)
    self->result_free (self->result);
  if (self->work_data != NULL && self->work_data_free != NULL)
    self->work_data_free (self->work_data);
  g_clear_error (&self->error);
  saddle_study_config_clear (&self->config);

  G_OBJECT_CLASS (saddle_job_parent_class)->finalize (object);
}

static void
saddle_job_class_init (SaddleJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = saddle_job_finalize;

  /**
   * SaddleJob::finished:
   *
   * The worker has returned; take the results with saddle_job_take_results().
   */
  signals[FINISHED] = g_signal_new ("finished",
                                    G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
}

static void
saddle_job_init (SaddleJob *self)
{
  g_mutex_init (&self->mutex);
  g_queue_init (&self->queue);
  self->iterations = g_array_new (FALSE, FALSE, sizeof (SaddleIterationRecord));
  self->epochs = g_array_new (FALSE, FALSE, sizeof (SaddleEpochRecord));
  self->cancellable = g_cancellable_new ();
}

SaddleJob *
saddle_job_new (SaddleStudyKind          kind,
                const SaddleStudyConfig *config)
{
  SaddleJob *self;

  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (SADDLE_TYPE_JOB, NULL);
  self->kind = kind;
  saddle_study_config_copy (config, &self->config);

  return self;
}

SaddleJob *
saddle_job_new_work (SaddleJobWorkFunc work,
                     gpointer          data,
                     GDestroyNotify    data_free,
                     GDestroyNotify    result_free)
{
  SaddleJob *self;

  g_return_val_if_fail (work != NULL, NULL);

  self = g_object_new (SADDLE_TYPE_JOB, NULL);
  /* Its events are a critical study's kind: progress, no snapshots. */
  self->kind = SADDLE_STUDY_CRITICAL;
  saddle_study_config_init (&self->config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  self->work = work;
  self->work_data = data;
  self->work_data_free = data_free;
  self->result_free = result_free;
  return self;
}

void
saddle_job_start (SaddleJob *self)
{
  g_autoptr(GTask) task = NULL;
  GApplication *app = g_application_get_default ();
  WorkerState *state;

  g_return_if_fail (SADDLE_IS_JOB (self));
  g_return_if_fail (!self->started);

  self->started = TRUE;
  self->running = TRUE;

  state = g_new0 (WorkerState, 1);
  state->job = self;
  state->kind = self->kind;
  saddle_study_config_copy (&self->config, &state->config);
  state->work = self->work;
  state->work_data = g_steal_pointer (&self->work_data);
  state->work_data_free = self->work_data_free;
  state->result_free = self->result_free;

  /* The task gets no cancellable: a cancelled study still returns its
   * partial results, which GTask would otherwise replace by an error. */
  task = g_task_new (self, NULL, job_done_cb, NULL);
  g_task_set_source_tag (task, saddle_job_start);
  g_task_set_task_data (task, state, (GDestroyNotify) worker_state_free);

  /* Keep the process alive until the worker has returned: quitting or
   * closing the window cancels, and the main loop ends after the join. */
  if (app != NULL)
    {
      self->app = g_object_ref (app);
      g_application_hold (app);
    }

  g_task_run_in_thread (task, job_thread);
}

void
saddle_job_cancel (SaddleJob *self)
{
  g_return_if_fail (SADDLE_IS_JOB (self));

  g_cancellable_cancel (self->cancellable);
}

gboolean
saddle_job_is_running (SaddleJob *self)
{
  g_return_val_if_fail (SADDLE_IS_JOB (self), FALSE);

  return self->running;
}

gboolean
saddle_job_is_cancelled (SaddleJob *self)
{
  g_return_val_if_fail (SADDLE_IS_JOB (self), FALSE);

  return g_cancellable_is_cancelled (self->cancellable);
}

GCancellable *
saddle_job_get_cancellable (SaddleJob *self)
{
  g_return_val_if_fail (SADDLE_IS_JOB (self), NULL);

  return self->cancellable;
}

SaddleStudyKind
saddle_job_get_kind (SaddleJob *self)
{
  g_return_val_if_fail (SADDLE_IS_JOB (self), SADDLE_STUDY_TRAJECTORIES);

  return self->kind;
}

const SaddleStudyConfig *
saddle_job_get_config (SaddleJob *self)
{
  g_return_val_if_fail (SADDLE_IS_JOB (self), NULL);

  return &self->config;
}

GPtrArray *
saddle_job_drain (SaddleJob *self,
                  guint      max_events)
{
  GPtrArray *events = NULL;
  SaddleJobEvent *descent = NULL;
  GList *head = NULL;
  guint n;

  g_return_val_if_fail (SADDLE_IS_JOB (self), NULL);

  /* Unlink a run of nodes under the lock and copy out after: the worker
   * never waits for more than that. */
  g_mutex_lock (&self->mutex);
  n = max_events == 0 ? self->queue.length : MIN (max_events, self->queue.length);
  if (n > 0)
    {
      GList *last = g_queue_peek_nth_link (&self->queue, n - 1);

      head = self->queue.head;
      self->queue.head = last->next;
      if (self->queue.head != NULL)
        self->queue.head->prev = NULL;
      else
        self->queue.tail = NULL;
      self->queue.length -= n;
      last->next = NULL;
    }
  /* The newest descent step goes out with the last of the queue. */
  if (self->queue.length == 0)
    descent = g_steal_pointer (&self->descent);
  g_mutex_unlock (&self->mutex);

  if (n == 0 && descent == NULL)
    return NULL;

  events = g_ptr_array_new_full (n + 1, (GDestroyNotify) saddle_job_event_free);
  for (GList *l = head; l != NULL; l = l->next)
    g_ptr_array_add (events, l->data);
  g_list_free (head);
  if (descent != NULL)
    g_ptr_array_add (events, descent);

  return events;
}

void
saddle_job_drain_records (SaddleJob  *self,
                          GArray    **iterations,
                          GArray    **epochs)
{
  GArray *its = NULL, *eps = NULL;

  g_return_if_fail (SADDLE_IS_JOB (self));
  g_return_if_fail (iterations != NULL && epochs != NULL);

  /* A swap under the lock; the fresh arrays grow again on the worker's side. */
  g_mutex_lock (&self->mutex);
  if (self->iterations->len > 0)
    {
      its = self->iterations;
      self->iterations = g_array_sized_new (FALSE, FALSE, sizeof (SaddleIterationRecord), its->len);
    }
  if (self->epochs->len > 0)
    {
      eps = self->epochs;
      self->epochs = g_array_new (FALSE, FALSE, sizeof (SaddleEpochRecord));
    }
  g_mutex_unlock (&self->mutex);

  *iterations = its;
  *epochs = eps;
}

gpointer
saddle_job_take_result (SaddleJob  *self,
                        GError    **error)
{
  g_return_val_if_fail (SADDLE_IS_JOB (self), NULL);

  if (self->result != NULL)
    return g_steal_pointer (&self->result);
  if (self->error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->error));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING, "The work has not finished yet");
  return NULL;
}

SaddleStudyResults *
saddle_job_take_results (SaddleJob  *self,
                         GError    **error)
{
  g_return_val_if_fail (SADDLE_IS_JOB (self), NULL);

  if (self->results != NULL)
    return g_steal_pointer (&self->results);

  if (self->error != NULL)
    g_propagate_error (error, g_steal_pointer (&self->error));
  else
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PENDING,
                         "The study has not finished yet");
  return NULL;
}
