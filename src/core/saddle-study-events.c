/* saddle-study-events.c — a study's events to its caller: the records its runs keep, and
 * progress as shares of the whole study */
#define G_LOG_DOMAIN "saddle-study"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "saddle-study-private.h"

/* Events reach the caller one at a time, whichever worker sends them. */
gboolean
_saddle_study_emit_locked (Study             *study,
                           const SaddleEvent *event)
{
  if (study->cancelled)
    return FALSE;
  if (study->func != NULL && !study->func (event, study->user_data))
    study->cancelled = TRUE;
  return !study->cancelled;
}

/* The whole study's fraction done, from the shares of its runs (under the mutex); progress never
 * goes back. */
double
_saddle_study_fraction_locked (Study *study)
{
  study->last_fraction = CLAMP (study->share_sum / study->n_units, study->last_fraction, 1.0);
  return study->last_fraction;
}

gboolean
_saddle_study_emit (StudyRun          *self,
                    const SaddleEvent *event)
{
  Study *study = self->study;
  gboolean ok;

  g_mutex_lock (&study->mutex);
  ok = _saddle_study_emit_locked (study, event);
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
  event->fraction = _saddle_study_fraction_locked (study);
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
  ok = _saddle_study_emit_locked (study, event);
  g_mutex_unlock (&study->mutex);
  return ok;
}

gboolean
_saddle_study_emit_progress (StudyRun *self,
                             double    phase_fraction)
{
  SaddleEvent event = saddle_event_init (SADDLE_EVENT_PROGRESS, self->run);

  event.message = self->message;
  return emit_share (self, self->phase_start + self->phase_length
                           * CLAMP (phase_fraction, 0.0, 1.0), &event);
}

gboolean
_saddle_study_begin_phase (StudyRun   *self,
                           const char *phase,
                           double      start,
                           double      length)
{
  g_free (self->message);
  self->message = g_strdup_printf ("%s: %s", self->prefix, phase);
  self->phase_start = start;
  self->phase_length = length;
  return _saddle_study_emit_progress (self, 0.0);
}

/* Records what the studies keep, then forwards the event; inner PROGRESS
 * fractions (of one Hessian, say) are mapped onto the whole study. */
gboolean
_saddle_study_event_cb (const SaddleEvent *event,
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
      return _saddle_study_emit (self, event);

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
      if (!_saddle_study_emit (self, event))
        return FALSE;
      return _saddle_study_emit_progress (self, (double) event->epoch / self->config->epochs);

    case SADDLE_EVENT_SNAPSHOT:
      if ((out->trajectory != NULL || out->snapshots != NULL) && event->params != NULL
          && event->n_params == self->study->results->n_params)
        {
          SaddleSnapshotInfo info = {
            .run = event->run,
            .epoch = event->epoch,
            .iteration = event->iteration,
            .loss = event->loss,
            .accuracy = event->accuracy,
          };

          if (out->trajectory != NULL)
            saddle_trajectory_add (out->trajectory, &info, event->params);
          else if (out->snapshots->len < out->room_rows)
            {
              memcpy (out->room + (gsize) out->snapshots->len * event->n_params, event->params,
                      event->n_params * sizeof (double));
              g_array_append_val (out->snapshots, info);
            }
          else
            g_critical ("Run %u sent more snapshots than the %" G_GSIZE_FORMAT " counted for it",
                        event->run + 1, out->room_rows);
        }
      return _saddle_study_emit (self, event);

    case SADDLE_EVENT_DESCENT:
      /* The descent reports a few hundred of its steps: each is a tick. Newton steps are not
       * (chord steps make more of them than the cap): its PROGRESS events tell. */
      if (!_saddle_study_emit (self, event))
        return FALSE;
      if (self->refining)
        return TRUE;
      return _saddle_study_emit_progress (self, (double) event->iteration
                                                / MAX (1u, self->config->descent_steps));

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
      return _saddle_study_emit (self, event);
    }
}

/* The CRITICAL event that announces @point, found by run @run. */
SaddleEvent
_saddle_study_critical_event (const SaddleCriticalPoint *point,
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
