/* saddle-cli-signals.h — Ctrl-C, SIGTERM and SIGHUP: "stop after this step", "write what is
 * finished and stop now", then "stop at once"
 *
 * The first signal sets a flag that every engine event reads (saddle_cli_progress_event_cb()
 * cancels on it), says so on stderr, and the command writes what it has finished and exits
 * 130 (128 + the signal's number: 143 for SIGTERM, 129 for SIGHUP). LAPACK cannot be
 * interrupted from inside, so a second signal does not wait for the step to end:
 *  - while a rescue is armed (a study's runs are under way), a thread of this module wakes
 *    and calls it: it writes the runs finished so far (never one in flight) and commits them,
 *    and the process exits with that status at once, without running library destructors,
 *    while the worker is still inside LAPACK;
 *  - while the command itself is writing what is finished (a hold), it finishes, then exits;
 *  - otherwise the process exits at once from the handler, writing nothing more: what had
 *    been written stays, whole, since every file goes through a temporary file and a rename.
 * A third signal exits at once, unless files are being renamed into place (a hold that
 * saddle_staging_commit() takes): then right after. Batch systems send SIGTERM before
 * they kill.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes what is finished and returns TRUE; called on the rescue thread, never from a handler.
 * FALSE: nothing is held here, the command's own thread is about to write (it then exits as
 * soon as it has). */
typedef gboolean (*SaddleCliRescueFunc) (gpointer data);

/* Installs the handlers and starts the rescue thread (once, before any work). */
void     saddle_cli_signals_install        (void);
/* Whether a stop was asked for. */
gboolean saddle_cli_signals_stop_requested (void);
/* 128 + the first signal's number, or 130 if none came (an engine-side cancel). */
int      saddle_cli_signals_exit_status    (void);
/* Arms @func (NULL disarms) for a second signal, and has the rescue thread call @prepare (may
 * be NULL) at once, so the rescue does not pay for it then. Disarming waits for @prepare to
 * end and for a rescue under way, which ends the process: after it returns, this thread alone
 * writes the results. */
void     saddle_cli_signals_set_rescue     (SaddleCliRescueFunc func,
                                            void              (*prepare) (void),
                                            gpointer            data);
/* Until the matching release, a signal that would exit at once waits for it (nests). */
void     saddle_cli_signals_hold           (void);
/* Ends a hold; exits with the status if the last hold ends with an exit asked for. */
void     saddle_cli_signals_release        (void);

G_END_DECLS
