/* saddle-cli-progress.h — study events as progress on stderr, Ctrl-C as cancel */
#pragma once

#include <glib.h>

#include "saddle-event.h"
#include "saddle-study.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean  quiet;
  gboolean  tty;            /* stderr is a terminal: a live “\r” line, else one line per run */
  gboolean  critical;       /* runs end with a CRITICAL event, not their last epoch */
  guint     runs;
  guint     first_run;
  guint     epochs;
  gboolean  interrupted;    /* a stop was asked for (saddle-cli-signals.h): events cancel */
  const char *phase;        /* what saddle_cli_progress_fraction_cb() reports as doing */
  int       ranks;          /* MPI ranks sharing the study (1: this process alone) */
  /*< private >*/
  gboolean  line_open;      /* a live line is on screen */
  gint64    last_draw;
  gint64   *run_starts;     /* (first_run + runs) monotonic µs of each run's first event; 0: none yet */
  gint64    study_start;    /* for the time left on the live line */
  guint     current_run;
  gboolean  have_run;
  guint     done;           /* runs analysed or failed */
} SaddleCliProgress;

/* Prepares progress for @config (@quiet: print nothing). */
void     saddle_cli_progress_init      (SaddleCliProgress       *progress,
                                        const SaddleStudyConfig *config,
                                        gboolean                 critical,
                                        gboolean                 quiet);
/* The SaddleEventFunc to pass to saddle_study_run() and friends. */
gboolean saddle_cli_progress_event_cb  (const SaddleEvent       *event,
                                        gpointer                 user_data);
/* A SaddleProgressFunc (Lanczos, SLQ, slices) drawn as progress->phase; FALSE on Ctrl-C. */
gboolean saddle_cli_progress_fraction_cb (double                 fraction,
                                          gpointer               user_data);
/* Prints one full line on stderr without tearing the live line. */
void     saddle_cli_progress_print     (SaddleCliProgress       *progress,
                                        const char              *format,
                                        ...) G_GNUC_PRINTF (2, 3);
/* Clears the live line. */
void     saddle_cli_progress_finish    (SaddleCliProgress       *progress);

G_END_DECLS
