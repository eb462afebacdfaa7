/* saddle-frame-drain.c — a worker's queue drained on a widget's frame clock, a few times a second */
#define G_LOG_DOMAIN "saddle-frame-drain"

#include "config.h"

#include "saddle-frame-drain.h"

/* On a schedule of one drain a period, each taken at the first frame no more than a quarter
 * period early: waiting for a full period after the frame that drained lost a frame whenever
 * frames came a little early (28.0–30.0 drains a second at 60 frames). After a stall the
 * schedule starts again from now rather than catching up. */
gboolean
saddle_frame_drain_is_due (SaddleFrameDrain *drain,
                           gint64            now)
{
  gint64 period = G_USEC_PER_SEC / SADDLE_FRAME_DRAIN_FPS;

  if (drain->due != 0 && now < drain->due - period / 4)
    return FALSE;
  drain->due = drain->due != 0 && now - drain->due < period ? drain->due + period : now + period;
  return TRUE;
}

static gboolean
drain_tick_cb (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  SaddleFrameDrain *drain = user_data;
  gint64 now = gdk_frame_clock_get_frame_time (frame_clock);

  if (!saddle_frame_drain_is_due (drain, now))
    return G_SOURCE_CONTINUE;
  drain->func (widget);

  /* The drain rate: each drain asks the charts to redraw, which they do when their own pacing
   * allows (the monitor view logs its real rate; G_MESSAGES_DEBUG=saddle-frame-drain). */
  drain->count++;
  if (now - drain->second >= G_USEC_PER_SEC)
    {
      if (drain->second != 0)
        g_debug ("Drains: %.1f a second",
                 drain->count * (double) G_USEC_PER_SEC / (now - drain->second));
      drain->second = now;
      drain->count = 0;
    }
  return G_SOURCE_CONTINUE;
}

void
saddle_frame_drain_start (SaddleFrameDrain     *drain,
                          GtkWidget            *widget,
                          SaddleFrameDrainFunc  func)
{
  g_return_if_fail (drain != NULL);
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);

  if (drain->tick_id != 0)
    return;
  drain->widget = widget;
  drain->func = func;
  drain->due = 0;
  drain->second = 0;
  drain->tick_id = gtk_widget_add_tick_callback (widget, drain_tick_cb, drain, NULL);
}

void
saddle_frame_drain_stop (SaddleFrameDrain *drain)
{
  g_return_if_fail (drain != NULL);

  if (drain->tick_id == 0)
    return;
  gtk_widget_remove_tick_callback (drain->widget, drain->tick_id);
  drain->tick_id = 0;
}
