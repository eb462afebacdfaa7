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
