/* saddle-text-throttle.h — a live status text that changes at most a few times a second
 *
 * A label's new text resizes it, and the window's relayout asks the X server for the work
 * area each time: at the charts' 30 frames a second, the status texts of a running study cost
 * about a fifth of the window thread's time (perf, critical study). Nobody reads a text that
 * changes faster than this anyway; the charts still move every frame.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_TEXT_THROTTLE_USEC (G_USEC_PER_SEC / 4)

typedef struct
{
  char   *pending;   /* the newest text not shown yet */
  gint64  shown;     /* monotonic µs: when a text was last handed out */
} SaddleTextThrottle;

/* Keeps @text (taken; NULL does nothing) as the newest, replacing one not shown yet. */
void  saddle_text_throttle_offer (SaddleTextThrottle *throttle,
                                  char               *text);
/* The newest text when one waits and the last went out long enough ago (owned by the
 * caller), else NULL. */
char *saddle_text_throttle_take  (SaddleTextThrottle *throttle);
/* Whether monotonic µs @now lies in a later slot of SADDLE_TEXT_THROTTLE_USEC than @last: the
 * texts change (and the progress bar moves) at most once a slot, all in the same frame. */
gboolean saddle_text_throttle_new_slot (gint64 last,
                                        gint64 now);
/* Forgets the waiting text, and lets the next one out at once. */
void  saddle_text_throttle_reset (SaddleTextThrottle *throttle);

G_END_DECLS
