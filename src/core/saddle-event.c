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
