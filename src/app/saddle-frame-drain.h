/* saddle-frame-drain.h — a worker's queue drained on a widget's frame clock, a few times a second
 *
 * A worker (saddle-job.h) queues its events faster than anyone can look at them. The window
 * showing them takes what is queued on its frame clock, but only SADDLE_FRAME_DRAIN_FPS times a
 * second, not at every frame: a software-rendered redraw of every view at every frame took the
 * main thread's whole core on a 2-core machine, and the study 18× as long as in saddle-cli
 * (tests/bench/app-vs-cli.sh). The study window and Analyse Weights both drain so. Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Drains a second while a worker runs (each asks the charts to redraw). At 30 the charts
 * redrew 27.4–30 times a second even where they had the time (a drain lost to a busy frame is
 * not made up), under the 30 they should keep. At 40 the 300-epoch gradnorm study took
 * 1.15–1.21× the CLI's time (n = 4), at 34 1.12–1.13× (n = 2, the same hour), and 40 redrew
 * no more once both cores were busy: there the redraws are paced by the CPU the training
 * leaves the window. */
#define SADDLE_FRAME_DRAIN_FPS 34

/* Takes what the worker queued and shows it; called on @widget's frame clock. */
typedef void (*SaddleFrameDrainFunc) (GtkWidget *widget);

/* Kept inside the widget's instance struct, zeroed with it. */
typedef struct
{
  GtkWidget            *widget;
  SaddleFrameDrainFunc  func;
  guint                 tick_id;   /* 0 while stopped */
  gint64                due;       /* frame time the next drain is due, µs; 0: at once */
  gint64                second;    /* frame time the count below started, µs; 0: not yet */
  guint                 count;     /* drains since then */
} SaddleFrameDrain;

/* Calls @func (@widget) SADDLE_FRAME_DRAIN_FPS times a second from now on; nothing when it runs. */
void     saddle_frame_drain_start  (SaddleFrameDrain     *drain,
                                    GtkWidget            *widget,
                                    SaddleFrameDrainFunc  func);
/* No more calls (what is still queued is the caller's to take); nothing when stopped. */
void     saddle_frame_drain_stop   (SaddleFrameDrain     *drain);
/* Whether a frame at @now (µs) drains, advancing the schedule if it does. */
gboolean saddle_frame_drain_is_due (SaddleFrameDrain     *drain,
                                    gint64                now);

G_END_DECLS
