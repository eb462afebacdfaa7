/* saddle-job.h — one study running on a worker thread, its events queued for the UI
 *
 * The worker runs saddle_study_run() on a deep copy of the config. Its event
 * callback copies each event into a mutex-guarded queue and returns at once;
 * the UI drains the queue on the frame clock. Per-step and per-epoch records,
 * which a small model emits by the million, go into two flat arrays instead
 * (no allocation per step), which the UI takes whole. Cancelling makes the callback
 * return FALSE, which stops the engine at its next safe point.
 */
#pragma once

#include <gio/gio.h>

#include "saddle-history.h"
#include "saddle-study.h"

G_BEGIN_DECLS

/* A copy of a SaddleEvent that the UI owns; see saddle-event.h for the fields. */
typedef struct
{
  SaddleEventKind      kind;
  guint                run;
  guint64              iteration;
  guint                epoch;
  double               loss;
  double               grad_norm;
  double               accuracy;
  double               fraction;
  char                *message;    /* PROGRESS phase or RUN_FAILED reason, else NULL */
  SaddleCriticalPoint *critical;   /* CRITICAL: the analysed point, else NULL */
  SaddleTrajectory    *preview;    /* SNAPSHOT (some): PCA of every snapshot so far, else NULL */
} SaddleJobEvent;

void saddle_job_event_free (SaddleJobEvent *event);

#define SADDLE_TYPE_JOB (saddle_job_get_type ())

G_DECLARE_FINAL_TYPE (SaddleJob, saddle_job, SADDLE, JOB, GObject)

/* A job for @kind with a deep copy of @config; nothing runs until saddle_job_start(). */
SaddleJob                *saddle_job_new          (SaddleStudyKind          kind,
                                                   const SaddleStudyConfig *config);
/* Work other than a study (Analyse Weights), run on the worker thread with @func/@func_data
 * as its event callback (queued like a study's); returns its result, or NULL and @error. */
typedef gpointer (*SaddleJobWorkFunc) (gpointer         data,
                                       SaddleEventFunc  func,
                                       gpointer         func_data,
                                       GError         **error);

/* A job running @work on @data (owned, freed with @data_free after the worker returns); its
 * result is taken with saddle_job_take_result() and freed with @result_free if not taken. */
SaddleJob                *saddle_job_new_work     (SaddleJobWorkFunc        work,
                                                   gpointer                 data,
                                                   GDestroyNotify           data_free,
                                                   GDestroyNotify           result_free);
/* Starts the worker thread; "finished" is emitted on the calling thread's main context. */
void                      saddle_job_start        (SaddleJob               *self);
/* Asks the worker to stop; it keeps and returns what it has computed. */
void                      saddle_job_cancel       (SaddleJob               *self);
gboolean                  saddle_job_is_running   (SaddleJob               *self);
gboolean                  saddle_job_is_cancelled (SaddleJob               *self);
/* What saddle_job_cancel() cancels (owned by the job). */
GCancellable             *saddle_job_get_cancellable (SaddleJob            *self);
SaddleStudyKind           saddle_job_get_kind     (SaddleJob               *self);
const SaddleStudyConfig  *saddle_job_get_config   (SaddleJob               *self);
/* Up to @max_events queued events (0: all), oldest first (SaddleJobEvent, owned); NULL when none waits. */
GPtrArray                *saddle_job_drain        (SaddleJob               *self,
                                                   guint                    max_events);
/* Takes the iteration (SaddleIterationRecord) and epoch (SaddleEpochRecord) records queued so far;
 * either may come back NULL when none is waiting. */
void                      saddle_job_drain_records (SaddleJob              *self,
                                                    GArray                **iterations,
                                                    GArray                **epochs);
/* After "finished" of a saddle_job_new_work() job: its result (owned by the caller), or NULL
 * and the error. */
gpointer                  saddle_job_take_result  (SaddleJob               *self,
                                                   GError                 **error);
/* After "finished": the results (owned by the caller), or NULL and the error. */
SaddleStudyResults       *saddle_job_take_results (SaddleJob               *self,
                                                   GError                 **error);

G_END_DECLS
