/* saddle-cli-progress.c — study events as progress on stderr, a stop request as cancel */
#define G_LOG_DOMAIN "saddle-cli-progress"

#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "saddle-cli-progress.h"
#include "saddle-cli-signals.h"
#include "saddle-critical.h"
#include "saddle-format.h"

/* Redraw the live line at most this often (µs): a terminal cannot show more. */
#define DRAW_INTERVAL (100 * G_TIME_SPAN_MILLISECOND)

static void
clear_line (SaddleCliProgress *self)
{
  if (self->line_open)
    {
      fputs ("\r\033[K", stderr);
      self->line_open = FALSE;
    }
}

static double seconds_since (gint64 start);

static void
draw_line (SaddleCliProgress *self,
           const SaddleEvent *event)
{
  g_autofree char *eta = saddle_format_eta (event->fraction, seconds_since (self->study_start));

  fprintf (stderr, "\r\033[K[%3.0f%%] %s%s%s", 100.0 * CLAMP (event->fraction, 0.0, 1.0),
           event->message != NULL ? event->message : "", eta != NULL ? " · " : "",
           eta != NULL ? eta : "");
  fflush (stderr);
  self->line_open = TRUE;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_TIME_SPAN_SECOND;
}

/* When @run's first event came (the study's start if it is out of range). */
static gint64
run_start (const SaddleCliProgress *self,
           guint                    run)
{
  if (run < self->first_run + self->runs && self->run_starts[run] != 0)
    return self->run_starts[run];
  return self->study_start;
}

static void
print_run_line (SaddleCliProgress *self,
                const SaddleEvent *event)
{
  g_autofree char *accuracy = NULL;

  if (isfinite (event->accuracy))
    accuracy = g_strdup_printf (", accuracy %.1f%%", 100.0 * event->accuracy);
  saddle_cli_progress_print (self,
                             "Run %u/%u: loss %.6g%s after %" G_GUINT64_FORMAT " steps (%.1f s)",
                             event->run + 1, self->first_run + self->runs, event->loss,
                             accuracy != NULL ? accuracy : "", event->iteration,
                             seconds_since (run_start (self, event->run)));
}

/* @first_event: the run's first event (a run of another rank, seen only when it ends). */
static void
print_critical_line (SaddleCliProgress *self,
                     const SaddleEvent *event,
                     gboolean           first_event)
{
  const SaddleCriticalPoint *point = event->critical;
  const SaddleSpectrum *spectrum = point->spectrum;
  g_autofree char *whole = NULL;
  double seconds = seconds_since (run_start (self, event->run));

  if (spectrum == NULL)
    return;
  if (self->ranks > 1)
    {
      g_autofree char *eta = saddle_format_eta ((double) self->done / MAX (self->runs, 1u),
                                                seconds_since (self->study_start));

      /* A run of another rank is seen here only when it ends: its own clock says how long. */
      if (first_event)
        seconds = point->seconds_train + point->seconds_descent + point->seconds_newton
                  + point->seconds_hessian + point->seconds_eigen + point->seconds_still;
      whole = g_strdup_printf (" · %u of %u done on %d ranks%s%s", self->done, self->runs,
                               self->ranks, eta != NULL ? " · " : "", eta != NULL ? eta : "");
    }
  saddle_cli_progress_print (self,
                             "Run %u/%u: loss %.4g, ‖∇L‖ %.3g (from %.3g, %u + %u steps), "
                             "%" G_GSIZE_FORMAT "+ %" G_GSIZE_FORMAT "− %" G_GSIZE_FORMAT " zero, "
                             "minimal ratio %.4f, %u dead units: %s (%.1f s)%s",
                             point->run + 1, self->first_run + self->runs, point->loss,
                             point->grad_norm, point->grad_norm_start, point->steps,
                             point->newton_steps,
                             spectrum->positive, spectrum->negative, spectrum->zero,
                             spectrum->minimal_ratio, point->dead_units,
                             saddle_critical_label_to_string (point->label), seconds,
                             whole != NULL ? whole : "");
}

void
saddle_cli_progress_init (SaddleCliProgress       *progress,
                          const SaddleStudyConfig *config,
                          gboolean                 critical,
                          gboolean                 quiet)
{
  g_return_if_fail (progress != NULL);
  g_return_if_fail (config != NULL);

  *progress = (SaddleCliProgress) { 0 };
  progress->quiet = quiet;
  progress->tty = isatty (fileno (stderr));
  progress->critical = critical;
  progress->runs = config->runs;
  progress->first_run = config->first_run;
  progress->epochs = config->epochs;
  progress->study_start = g_get_monotonic_time ();
  /* Runs train in parallel (--jobs): each keeps its own start. */
  progress->run_starts = g_new0 (gint64, (gsize) config->first_run + config->runs);
}

gboolean
saddle_cli_progress_event_cb (const SaddleEvent *event,
                              gpointer           user_data)
{
  SaddleCliProgress *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean first_event = FALSE;

  /* One read of a flag: cheap enough for every event the engine sends. */
  if (saddle_cli_signals_stop_requested ())
    self->interrupted = TRUE;
  if (self->interrupted)
    return FALSE;

  if (!self->have_run || event->run != self->current_run)
    {
      self->have_run = TRUE;
      self->current_run = event->run;
    }
  if (event->run < self->first_run + self->runs && self->run_starts[event->run] == 0)
    {
      self->run_starts[event->run] = now;
      first_event = TRUE;
    }

  switch (event->kind)
    {
    case SADDLE_EVENT_EPOCH:
      if (!self->critical && event->epoch == self->epochs)
        print_run_line (self, event);
      break;

    case SADDLE_EVENT_PROGRESS:
      /* A run's new phase shows at once, however soon: the one before a long LAPACK call (no
       * event comes during it) would otherwise never be seen. Parallel runs' lines take
       * turns at the interval. */
      if (self->tty && !self->quiet
          && (now - self->last_draw >= DRAW_INTERVAL || event->fraction >= 1.0
              || (event->run == self->drawn_run && g_strcmp0 (event->message, self->drawn) != 0)))
        {
          self->last_draw = now;
          g_free (self->drawn);
          self->drawn = g_strdup (event->message);
          self->drawn_run = event->run;
          draw_line (self, event);
        }
      break;

    case SADDLE_EVENT_CRITICAL:
      self->done++;
      if (event->critical != NULL)
        print_critical_line (self, event, first_event);
      break;

    case SADDLE_EVENT_RUN_FAILED:
      self->done++;
      saddle_cli_progress_print (self, "Failed: %s", event->message != NULL ? event->message : "?");
      break;

    case SADDLE_EVENT_ITERATION:
    case SADDLE_EVENT_SNAPSHOT:
    case SADDLE_EVENT_DESCENT:
    default:
      break;
    }

  return TRUE;
}

gboolean
saddle_cli_progress_fraction_cb (double   fraction,
                                 gpointer user_data)
{
  SaddleCliProgress *self = user_data;
  SaddleEvent event = saddle_event_init (SADDLE_EVENT_PROGRESS, self->current_run);

  event.fraction = fraction;
  event.message = self->phase;
  return saddle_cli_progress_event_cb (&event, self);
}

void
saddle_cli_progress_print (SaddleCliProgress *progress,
                           const char        *format,
                           ...)
{
  g_autofree char *line = NULL;
  va_list args;

  if (progress->quiet)
    return;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  clear_line (progress);
  fprintf (stderr, "%s\n", line);
  fflush (stderr);
}

void
saddle_cli_progress_finish (SaddleCliProgress *progress)
{
  g_return_if_fail (progress != NULL);

  clear_line (progress);
  fflush (stderr);
  g_clear_pointer (&progress->run_starts, g_free);
  g_clear_pointer (&progress->drawn, g_free);
}
