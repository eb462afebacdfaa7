/* saddle-side-panel-time.c — how long the study as set would take: its FLOPs over a measured rate
 *
 * The work is saddle_study_flops() (saddle-study-flops.c): saddle-flops.h's counts of each
 * phase the study runs, with the Hessian build and the loss surface the engine uses. The rate
 * is one DGEMM (n = 1,000, best of 3) measured once per process on a worker thread, at the
 * load of that moment, per OpenBLAS thread. Like every BLAS-heavy task it waits its turn in
 * the window's job queue (saddle-job-queue.h), and gives way to a study asked for meanwhile
 * after its first DGEMM (then best of those done); the study's rate is that times the threads
 * its runs use at once, times the share of the DGEMM rate the studies' smaller products reach.
 * That share, 0.6, is from saddle-cli runs of three settings at a load of 10–21 on 2 cores,
 * whose wall times were 1.3–2× the plain FLOPs ÷ rate (the commit that added this file lists
 * them). Checked again with the shared counts at load ~1.5 (DGEMM 52 GFLOP/s a thread): the
 * image gradnorm study with 300 epochs took 7.5 s against 5.2 s estimated (1.45×).
 *
 * Of a critical study only the trainings and the final Hessians are known beforehand (of a
 * ReLU net only the Hessians' builds: its eigensolves leave dead units out), not how soon its
 * point searches stop. So the panel gives a range, from that work to everything at its caps
 * (which bounds the count, not the time). The caps alone had it warn "up to about 10 min" for
 * the default study, which takes 9–24 s. Measured with the range on 2 cores (DGEMM 36–43
 * GFLOP/s a thread, Session 21): the default study, about 6 s to 8 min, took 17–24 s; 4 ReLU
 * runs of 1-60-60-1, 2 s to 1.5 min, took 5.4 s; 4 tanh runs of 1-50-50-1, 7 s to 2.5 min,
 * took 174 s, their 20 dense Newton eigensolves at n = 2,701 running below the 0.6 share.
 * Hence "about" and one significant figure.
 */
#define G_LOG_DOMAIN "saddle-side-panel-time"

#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <math.h>

#include "saddle-job-queue.h"
#include "saddle-side-panel-private.h"
#include "saddle-study-flops.h"

/* The DGEMM that measures the machine: big enough to run near the BLAS's peak. */
#define RATE_N       1000
#define RATE_REPEATS 3
/* The share of the DGEMM rate a study's work runs at, measured (above). */
#define STUDY_EFFICIENCY 0.6
/* A study's duration is shown from this many seconds on, and warned about past the second. */
#define TIME_NOTE_SECONDS 60.0
#define TIME_WARN_SECONDS 600.0

static double measured_rate;      /* FLOP/s of one OpenBLAS thread; 0 until measured */
static gboolean measuring;        /* queued or running */
static GSList *waiting;           /* panels to update when the rate is known (weak) */

/* The measurement belongs to no panel (one per process): the job queue knows it by this. */
#define MEASURE_OWNER ((gpointer) &measured_rate)

/* The measurement waiting in a job queue, then running. */
typedef struct
{
  SaddleJobQueue *queue;          /* handed on when the worker has returned */
  GApplication   *application;    /* held while the worker runs, or NULL */
  gboolean        started;
} Measure;

static void
measure_free (Measure *measure)
{
  g_clear_object (&measure->queue);
  g_clear_object (&measure->application);
  g_free (measure);
}

static void
panel_gone_cb (gpointer  data,
               GObject  *where_the_object_was)
{
  waiting = g_slist_remove (waiting, where_the_object_was);
}

static void
measure_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  const gsize n = RATE_N;
  g_autofree double *a = g_new (double, n * n);
  g_autofree double *b = g_new (double, n * n);
  g_autofree double *c = g_new0 (double, n * n);
  double best = G_MAXDOUBLE;
  double *rate = g_new (double, 1);

  for (gsize i = 0; i < n * n; i++)
    {
      a[i] = (double) (i % 7) - 3.0;
      b[i] = (double) (i % 5) - 2.0;
    }
  /* A study asked for meanwhile cancels: it waits for one DGEMM at most. */
  for (guint r = 0; r < RATE_REPEATS && (r == 0 || !g_cancellable_is_cancelled (cancellable)); r++)
    {
      gint64 start = g_get_monotonic_time ();

      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0, c,
                   n);
      best = MIN (best, (g_get_monotonic_time () - start) / 1e6);
    }
  *rate = 2.0 * n * n * n / MAX (best, 1e-9) / MAX (openblas_get_num_threads (), 1);
  g_task_return_pointer (task, rate, g_free);
}

static void
measured_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Measure *measure = user_data;
  g_autofree double *rate = g_task_propagate_pointer (G_TASK (result), NULL);

  if (measure->application != NULL)
    g_application_release (measure->application);
  measuring = FALSE;
  if (rate != NULL)
    measured_rate = *rate;
  /* The next BLAS-heavy task (a study that waited) may start. */
  saddle_job_queue_finish (measure->queue, MEASURE_OWNER);
  measure_free (measure);
  if (rate == NULL)
    return;
  g_debug ("DGEMM rate: %.1f GFLOP/s a thread", measured_rate / 1e9);
  while (waiting != NULL)
    {
      SaddleSidePanel *panel = waiting->data;

      g_object_weak_unref (G_OBJECT (panel), panel_gone_cb, NULL);
      waiting = g_slist_delete_link (waiting, waiting);
      saddle_side_panel_queue_update (panel);
    }
}

/* The queue's turn for the measurement: its worker starts. */
static GCancellable *
measure_start_cb (gpointer user_data)
{
  Measure *start = user_data;
  Measure *measure = g_new0 (Measure, 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GTask) task = NULL;

  start->started = TRUE;
  measure->queue = g_object_ref (start->queue);
  /* The process must not end (and run its libraries' exit handlers) while the thread is
   * inside OpenBLAS: a Quit right after start-up crashed so, under load. */
  measure->application = g_application_get_default ();
  if (measure->application != NULL)
    g_application_hold (g_object_ref (measure->application));
  task = g_task_new (NULL, cancellable, measured_cb, measure);
  /* Cancelled, the worker still returns the rate of the DGEMMs it ran. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, measure_thread);
  return g_steal_pointer (&cancellable);
}

/* After the start, or when the queue dropped the measurement unstarted (its window closed):
 * then the next panel that needs the rate queues it again. */
static void
measure_start_free (Measure *start)
{
  if (!start->started)
    measuring = FALSE;
  measure_free (start);
}

double
saddle_side_panel_machine_rate (SaddleSidePanel *self)
{
  if (measured_rate > 0)
    return measured_rate;
  if (g_slist_find (waiting, self) == NULL)
    {
      waiting = g_slist_prepend (waiting, self);
      g_object_weak_ref (G_OBJECT (self), panel_gone_cb, NULL);
    }
  if (!measuring)
    {
      Measure *start = g_new0 (Measure, 1);

      /* A panel outside the study window (a test's, an opened folder's) has a queue of its own. */
      if (self->job_queue == NULL)
        self->job_queue = saddle_job_queue_new ();
      start->queue = g_object_ref (self->job_queue);
      measuring = TRUE;
      saddle_job_queue_push (self->job_queue, MEASURE_OWNER, measure_start_cb, start,
                             (GDestroyNotify) measure_start_free);
    }
  return 0;
}

double
saddle_side_panel_study_seconds (const SaddleStudyConfig *config,
                                 SaddleStudyKind          kind,
                                 const SaddleModel       *model,
                                 gsize                    n_samples,
                                 double                   thread_rate,
                                 double                  *at_most)
{
  guint cpus = MAX (g_get_num_processors (), 1u);
  guint jobs = MIN (config->jobs > 0 ? config->jobs : cpus, MAX (config->runs, 1u));
  guint threads = MIN (jobs * MAX (config->threads, 1u), cpus);
  double rate = thread_rate * threads * STUDY_EFFICIENCY;
  double flops, flops_at_most;

  *at_most = -1;
  if (thread_rate <= 0 || model == NULL)
    return -1;
  flops = saddle_study_flops (config, kind, model, n_samples, &flops_at_most);
  *at_most = flops_at_most / rate;
  return flops / rate;
}

char *
saddle_side_panel_describe_time (SaddleSidePanel         *self,
                                 const SaddleStudyConfig *config,
                                 const SaddleModel       *model)
{
  g_autofree char *duration = NULL;
  g_autofree char *at_most = NULL;
  gboolean warn;

  self->time_seconds = saddle_side_panel_study_seconds (config, self->kind, model,
                                                        self->dims_samples,
                                                        saddle_side_panel_machine_rate (self),
                                                        &self->time_at_most);
  if (self->time_at_most < TIME_NOTE_SECONDS)
    return NULL;
  duration = saddle_side_panel_format_duration (self->time_seconds);
  at_most = saddle_side_panel_format_duration (self->time_at_most);
  warn = self->time_seconds > TIME_WARN_SECONDS;
  if (warn)
    gtk_widget_add_css_class (GTK_WIDGET (self->time_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->time_label), "warning");
  /* The critical study's point searches stop when they converge: a range, from the work every
   * run does to its searches at their caps. */
  if (g_strcmp0 (duration, at_most) != 0)
    return warn
      /* TRANSLATORS: two rough durations, e.g. "about 40 min" and "about 3 h" */
      ? g_strdup_printf (_("The study would take between %s and %s here, by how soon its points "
                           "are found; Stop keeps what is done"), duration, at_most)
      /* TRANSLATORS: two rough durations, e.g. "about 10 s" and "about 7 min" */
      : g_strdup_printf (_("The study would take between %s and %s here, by how soon its points "
                           "are found"), duration, at_most);
  return warn
    /* TRANSLATORS: %s is a rough duration, e.g. "about 40 min" */
    ? g_strdup_printf (_("The study would take %s here; Stop keeps what is done"), duration)
    /* TRANSLATORS: %s is a rough duration, e.g. "about 4 min" */
    : g_strdup_printf (_("The study would take %s here"), duration);
}

char *
saddle_side_panel_format_duration (double seconds)
{
  static const struct { double unit; const char *symbol; } units[] = {
    { 2 * 86400, N_("days") }, { 3600, N_("h") }, { 60, N_("min") }, { 1, N_("s") },
  };
  double value, scale;
  guint i = 0;

  while (i + 1 < G_N_ELEMENTS (units) && seconds < units[i].unit)
    i++;
  value = seconds / (i == 0 ? 86400 : units[i].unit);
  /* One significant figure: the count and the rate are both rough. */
  if (value > 0)
    {
      scale = pow (10.0, floor (log10 (value)));
      value = round (value / scale) * scale;
    }
  /* TRANSLATORS: a rough duration, e.g. "about 40 min" */
  return g_strdup_printf (_("about %g %s"), value, _(units[i].symbol));
}
