/* saddle-cli-signals.c — Ctrl-C, SIGTERM and SIGHUP as "stop after this step", then "stop now" */
#define G_LOG_DOMAIN "saddle-cli-signals"

#include "config.h"

#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "saddle-cli-signals.h"

static volatile sig_atomic_t signals_seen;
static volatile sig_atomic_t first_signal;
/* Read by the handler: whether a rescue is armed, how many holds there are, and whether an
 * exit waits for the last hold to end. Written under rescue_mutex or atomically. */
static volatile sig_atomic_t rescue_armed;
static gint                  holds;
static volatile sig_atomic_t exit_pending;

/* The handler posts, the rescue thread waits: sem_post(3) is async-signal-safe. */
static sem_t               rescue_wake;
static GMutex              rescue_mutex;   /* guards the two below */
static SaddleCliRescueFunc rescue_func;
static gpointer            rescue_data;
static void              (*rescue_prepare) (void);

static void
say (const char *text,
     gsize       length)
{
  if (write (STDERR_FILENO, text, length) < 0)
    {
      /* Nothing to do: stderr is gone, the flags are what matter. */
    }
}

#define SAY(text) say (text, sizeof text - 1)

/* Only async-signal-safe calls here: write(2), sem_post(3) and _exit(2). */
static void
handler (int signum)
{
  sig_atomic_t seen = ++signals_seen;

  if (seen == 1)
    {
      first_signal = signum;
      SAY ("\nsaddle-cli: stopping after the current step and writing what is finished "
           "(signal again to write the finished runs and stop now)\n");
      return;
    }
  if (seen == 2 && rescue_armed)
    {
      SAY ("\nsaddle-cli: writing what is finished and stopping now\n");
      sem_post (&rescue_wake);
      return;
    }
  if (g_atomic_int_get (&holds) > 0)
    {
      exit_pending = 1;
      if (seen == 2)
        SAY ("\nsaddle-cli: stopping as soon as the finished files are written\n");
      return;
    }
  SAY ("\nsaddle-cli: stopped at once\n");
  _exit (128 + first_signal);
}

/* Prepares what a rescue needs when one is armed; on a second signal writes what the armed
 * rescue has and ends the process. */
static gpointer
rescue_thread (gpointer data)
{
  for (;;)
    {
      void (*prepare) (void);

      if (sem_wait (&rescue_wake) != 0)
        continue;
      g_mutex_lock (&rescue_mutex);
      /* Locked: disarming waits for it, so the process never exits (running library
       * destructors) while this thread is inside Pango or fontconfig. */
      prepare = g_steal_pointer (&rescue_prepare);
      if (prepare != NULL)
        prepare ();
      if (signals_seen < 2)
        {
          g_mutex_unlock (&rescue_mutex);
          continue;
        }
      if (rescue_func != NULL && rescue_func (rescue_data))
        {
          fflush (stdout);
          fflush (stderr);
          /* Not exit(): the worker is still inside LAPACK, and library destructors must not
           * run under it. */
          _exit (128 + first_signal);
        }
      /* Disarmed meanwhile, or nothing to copy: the command writes what is finished itself,
       * in a hold, and exits when it ends. */
      exit_pending = 1;
      g_mutex_unlock (&rescue_mutex);
    }
  return NULL;
}

void
saddle_cli_signals_install (void)
{
  static const int signums[] = { SIGINT, SIGTERM, SIGHUP };
  struct sigaction action;

  sem_init (&rescue_wake, 0, 0);
  memset (&action, 0, sizeof action);
  action.sa_handler = handler;
  sigemptyset (&action.sa_mask);
  /* Restart interrupted reads and writes: the flag, not EINTR, carries the request. */
  action.sa_flags = SA_RESTART;
  for (guint i = 0; i < G_N_ELEMENTS (signums); i++)
    sigaction (signums[i], &action, NULL);
  g_thread_unref (g_thread_new ("saddle-rescue", rescue_thread, NULL));
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

void
saddle_cli_signals_set_rescue (SaddleCliRescueFunc func,
                               void              (*prepare) (void),
                               gpointer            data)
{
  g_mutex_lock (&rescue_mutex);
  rescue_func = func;
  rescue_data = data;
  rescue_armed = func != NULL;
  rescue_prepare = func != NULL ? prepare : NULL;
  g_mutex_unlock (&rescue_mutex);
  if (func != NULL && prepare != NULL)
    sem_post (&rescue_wake);
}

void
saddle_cli_signals_hold (void)
{
  g_atomic_int_inc (&holds);
}

void
saddle_cli_signals_release (void)
{
  if (g_atomic_int_dec_and_test (&holds) && exit_pending)
    {
      fflush (stdout);
      fflush (stderr);
      _exit (128 + first_signal);
    }
}
