/* saddle-event.c */
#define G_LOG_DOMAIN "saddle-event"

#include "config.h"

#include <math.h>

#include "saddle-event.h"

SaddleEvent
saddle_event_init (SaddleEventKind kind,
                   guint           run)
{
  SaddleEvent event = {
    .kind = kind,
    .run = run,
    .loss = NAN,
    .grad_norm = NAN,
    .accuracy = NAN,
    .fraction = NAN,
  };

  return event;
}

gboolean
saddle_event_poll_due (gint64 *last)
{
  gint64 now = g_get_monotonic_time ();

  if (now - *last < SADDLE_EVENT_POLL_INTERVAL)
    return FALSE;
  *last = now;
  return TRUE;
}

gboolean
saddle_event_emit_descent (SaddleEventFunc func,
                           gpointer        user_data,
                           guint           run,
                           guint64         step,
                           double          loss,
                           double          grad_norm,
                           const char     *message)
{
  SaddleEvent event;

  if (func == NULL)
    return TRUE;
  event = saddle_event_init (SADDLE_EVENT_DESCENT, run);
  event.iteration = step;
  event.loss = loss;
  event.grad_norm = grad_norm;
  event.message = message;
  return func (&event, user_data);
}

gboolean
saddle_event_progress_cb (double   fraction,
                          gpointer progress)
{
  const SaddleEventProgress *p = progress;
  SaddleEvent event;

  if (p->func == NULL)
    return TRUE;
  event = saddle_event_init (SADDLE_EVENT_PROGRESS, p->run);
  event.fraction = CLAMP (fraction, 0.0, 1.0);
  event.message = p->phase;
  return p->func (&event, p->user_data);
}
