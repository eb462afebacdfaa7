/* saddle-text-throttle.c — a live status text that changes at most a few times a second */
#include "config.h"

#include "saddle-text-throttle.h"

void
saddle_text_throttle_offer (SaddleTextThrottle *throttle,
                            char               *text)
{
  g_return_if_fail (throttle != NULL);

  if (text == NULL)
    return;
  g_free (throttle->pending);
  throttle->pending = text;
}

gboolean
saddle_text_throttle_new_slot (gint64 last,
                               gint64 now)
{
  return now / SADDLE_TEXT_THROTTLE_USEC != last / SADDLE_TEXT_THROTTLE_USEC;
}

char *
saddle_text_throttle_take (SaddleTextThrottle *throttle)
{
  gint64 now = g_get_monotonic_time ();

  g_return_val_if_fail (throttle != NULL, NULL);

  /* Once per slot of the monotonic clock rather than a period after the last: every throttled
   * text (and the progress bar) then changes in the same frame, one relayout for all. */
  if (throttle->pending == NULL
      || (throttle->shown != 0 && !saddle_text_throttle_new_slot (throttle->shown, now)))
    return NULL;
  throttle->shown = now;
  return g_steal_pointer (&throttle->pending);
}

void
saddle_text_throttle_reset (SaddleTextThrottle *throttle)
{
  g_return_if_fail (throttle != NULL);

  g_clear_pointer (&throttle->pending, g_free);
  throttle->shown = 0;
}
