/* saddle-cli-signals.h — Ctrl-C, SIGTERM and SIGHUP as "stop after this step", then "stop now"
 *
 * The first signal sets a flag that every engine event reads (saddle_cli_progress_event_cb()
 * cancels on it), says so on stderr, and the command writes what it has finished and exits
 * 130 (128 + the signal's number: 143 for SIGTERM, 129 for SIGHUP). LAPACK cannot be
 * interrupted from inside, so a second signal exits at once with that status, from the
 * handler, writing nothing more: what had been written stays, whole, since every file goes
 * through a temporary file and a rename. Batch systems send SIGTERM before they kill.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Installs the handlers (once, before any work). */
void     saddle_cli_signals_install        (void);
/* Whether a stop was asked for. */
gboolean saddle_cli_signals_stop_requested (void);
/* 128 + the first signal's number, or 130 if none came (an engine-side cancel). */
int      saddle_cli_signals_exit_status    (void);

G_END_DECLS
