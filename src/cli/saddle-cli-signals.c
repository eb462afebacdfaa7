/* saddle-cli-signals.c — Ctrl-C, SIGTERM and SIGHUP as "stop after this step", then "stop now" */
#define G_LOG_DOMAIN "saddle-cli-signals"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "saddle-cli-signals.h"

static volatile sig_atomic_t signals_seen;
static volatile sig_atomic_t first_signal;

/* Only async-signal-safe calls here: write(2) and _exit(2). */
static void
handler (int signum)
{
  static const char first[] =
    "\nsaddle-cli: stopping after the current step and writing what is finished "
    "(signal again to stop at once)\n";
  static const char again[] = "\nsaddle-cli: stopped at once\n";

  if (signals_seen++ == 0)
    {
      first_signal = signum;
      if (write (STDERR_FILENO, first, sizeof first - 1) < 0)
        {
          /* Nothing to do: stderr is gone, the flag is what matters. */
        }
      return;
    }
  if (write (STDERR_FILENO, again, sizeof again - 1) < 0)
    {
      /* As above. */
    }
  _exit (128 + first_signal);
}

void
saddle_cli_signals_install (void)
{
  static const int signums[] = { SIGINT, SIGTERM, SIGHUP };
  struct sigaction action;

  memset (&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset (&action.sa_mask);
  /* Restart interrupted reads and writes: the flag, not EINTR, carries the request. */
  action.sa_flags = SA_RESTART;
  for (guint i = 0; i < G_N_ELEMENTS (signums); i++)
    sigaction (signums[i], &action, NULL);
}

gboolean
saddle_cli_signals_stop_requested (void)
{
  return signals_seen > 0;
}

int
saddle_cli_signals_exit_status (void)
{
  return first_signal != 0 ? 128 + first_signal : 130;
}
