/* saddle-event.h — the one small record every long computation emits
 *
 * Training, critical-point search and the studies report through a
 * SaddleEventFunc. Returning FALSE from it asks the computation to stop at
 * the next safe point (between iterations, between Hessian blocks); the
 * computation then returns what it has, marked cancelled.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SaddleCriticalPoint SaddleCriticalPoint;

typedef enum
{
  SADDLE_EVENT_ITERATION,       /* run, iteration, epoch, loss and grad_norm of the minibatch step */
  SADDLE_EVENT_EPOCH,           /* run, iteration, epoch, loss, accuracy and (when asked) grad_norm
                                 * on the whole training set */
  SADDLE_EVENT_SNAPSHOT,        /* run, iteration, epoch, loss, accuracy, params (borrowed, n_params) */
  SADDLE_EVENT_DESCENT,         /* run, iteration (step), loss, grad_norm while minimising ‖∇L‖² */
  SADDLE_EVENT_CRITICAL,        /* run, critical (borrowed): one finished Hessian analysis */
  SADDLE_EVENT_PROGRESS,        /* run, fraction in [0, 1] of the whole study, message (phase) */
  SADDLE_EVENT_RUN_FAILED,      /* run, message: this run stopped (diverged, too large); others go on */
} SaddleEventKind;

typedef struct
{
  SaddleEventKind            kind;
  guint                      run;
  guint64                    iteration;
  guint                      epoch;
  double                     loss;
  double                     grad_norm;
  double                     accuracy;   /* NAN when not a classification task */
  double                     fraction;
  const double              *params;
  gsize                      n_params;
  const SaddleCriticalPoint *critical;
  const char                *message;
} SaddleEvent;

/* Called from the computing thread; return FALSE to cancel. */
typedef gboolean (*SaddleEventFunc) (const SaddleEvent *event,
                                     gpointer           user_data);

/* Long loops give their caller a chance to cancel at least this often (µs), whatever their
 * event stride: Stop and Ctrl-C must answer within a fraction of a second. */
#define SADDLE_EVENT_POLL_INTERVAL (20 * G_TIME_SPAN_MILLISECOND)

/* Sends a DESCENT event (step, loss, ‖∇L‖, @message) to @func, if any; its answer (TRUE with
 * no @func). */
gboolean    saddle_event_emit_descent (SaddleEventFunc func,
                                       gpointer        user_data,
                                       guint           run,
                                       guint64         step,
                                       double          loss,
                                       double          grad_norm,
                                       const char     *message);

/* TRUE (and @last set to now) when SADDLE_EVENT_POLL_INTERVAL has passed since *@last. */
gboolean    saddle_event_poll_due (gint64 *last);

/* A bare fraction (a SaddleProgressFunc's) passed on as PROGRESS events named @phase. */
typedef struct
{
  SaddleEventFunc func;
  gpointer        user_data;
  guint           run;
  const char     *phase;
} SaddleEventProgress;

/* A SaddleProgressFunc whose data is a SaddleEventProgress: sends a PROGRESS event of @fraction
 * (clamped to [0, 1]) and phase; its func's answer (TRUE without one). */
gboolean    saddle_event_progress_cb (double   fraction,
                                      gpointer progress);

/* An event of @kind with every number NAN and every pointer NULL. */
SaddleEvent saddle_event_init (SaddleEventKind kind, guint run);

G_END_DECLS
