/* saddle-study-workers.c — a study's workers: they claim runs, finish them and merge them in
 * run order, here or in another process */
#define G_LOG_DOMAIN "saddle-study"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "saddle-error.h"

#include "saddle-study-private.h"

/* Appends run output @out to the results (called in run order, under the mutex). */
void
_saddle_study_merge_output (Study           *study,
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
  if (out->snapshots != NULL && out->failure == NULL)
    saddle_trajectory_add_from_room (results->trajectory,
                                     (const SaddleSnapshotInfo *) (void *) out->snapshots->data,
                                     out->snapshots->len, out->room_first);
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
  if (results->trajectory != NULL && !isnan (out->test_accuracy))
    saddle_trajectory_set_test_accuracy (results->trajectory, study->config->first_run + index,
                                         out->test_accuracy);
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
    _saddle_study_merge_output (study, &study->outputs[study->merged++]);
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
          SaddleEvent event = _saddle_study_critical_event (out->point, run);

          _saddle_study_emit_locked (study, &event);
        }
    }
  else if (out->failure != NULL)
    {
      SaddleEvent event = saddle_event_init (SADDLE_EVENT_RUN_FAILED, run);

      event.message = out->failure;
      _saddle_study_emit_locked (study, &event);
    }
  study->share_sum += 1.0;
  if (study->n_units > 0)
    {
      SaddleEvent event = saddle_event_init (SADDLE_EVENT_PROGRESS, run);

      event.fraction = _saddle_study_fraction_locked (study);
      _saddle_study_emit_locked (study, &event);
    }
  finish_run (study, worker, index);
  g_mutex_unlock (&study->mutex);
}

/* Runs runs until none is left or the study is cancelled; each worker thread runs this with
 * its own model and θ. Events go to the caller through _saddle_study_emit(), under the study's
 * mutex. */
gpointer
_saddle_study_worker (gpointer data)
{
  Worker *worker = data;
  Study *study = worker->study;
  const SaddleStudyConfig *config = study->config;
  g_autoptr(SaddleModel) model = NULL;
  g_autofree double *theta = NULL;
  gsize n_params = saddle_model_n_params (study->model);
  gsize n_samples = study->dataset->n_samples;
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
          SaddleTrajectory *t = study->results->trajectory;
          gsize per_run = saddle_study_estimate_snapshots (config, n_samples) / config->runs;

          /* Run i's snapshots go straight to rows i·per_run… of the study's trajectory, which
           * saddle_study_run_shared() gave room for all: copied once, where each run kept its
           * own and the merge appended them again (the default trajectories study spent 15 %
           * of its runs' time in memmove() and its page faults). Under the lock: a merge may
           * be adding to the trajectory. */
          g_mutex_lock (&study->mutex);
          if (saddle_trajectory_room (t, (gsize) (index + 1) * per_run - 1) != NULL)
            {
              out->snapshots = g_array_new (FALSE, FALSE, sizeof (SaddleSnapshotInfo));
              out->room_first = (gsize) index * per_run;
              out->room_rows = per_run;
              out->room = saddle_trajectory_room (t, out->room_first);
            }
          else
            /* No room: a study whose snapshots GArray cannot index
             * (saddle_trajectory_reserve()). */
            out->trajectory = saddle_trajectory_new (n_params, t->layer, t->layer_offset,
                                                     t->layer_size);
          g_mutex_unlock (&study->mutex);
        }

      self.study = study;
      self.config = config;
      self.kind = study->kind;
      self.out = out;
      self.run = config->first_run + index;
      self.prefix = g_strdup_printf (_("Run %u/%u"), self.run + 1, config->first_run + config->runs);

      ok = _saddle_study_run_one (&self, model, study->dataset, theta, &point, &run_error);
      out->test_accuracy = NAN;
      if (ok && study->test != NULL)
        {
          SaddleBatch test;

          /* Here, where the runs go two at a time, rather than after them all. */
          saddle_batch_init_full (&test, study->test);
          out->test_accuracy = saddle_model_accuracy (model, theta, &test);
        }

      if (ok && study->keep_params)
        out->params = g_memdup2 (point != NULL ? point->params : theta,
                                 n_params * sizeof (double));

      g_mutex_lock (&study->mutex);
      out->succeeded = ok;
      if (ok)
        study->succeeded++;
      else if (study->cancelled || saddle_error_is_cancelled (run_error))
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
          _saddle_study_emit_locked (study, &event);
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
