/* saddle-side-panel-time.c — how long the study as set would take: its FLOPs over a measured rate
 *
 * The work is counted from what each study does (below, per run; a multiply-add is 2 FLOPs):
 *   training     an epoch is one pass of minibatch forward + backward (6·P·N) and the whole
 *                set's gradient for epochs.csv (6·P·N more), and epoch 0's: (12·E + 6)·P·N;
 *   trajectories the loss surface, res² whole-set losses (2·P·N each, once), and the PCA's
 *                Gram matrix of the S snapshots (2·S²·P);
 *   critical     ‖∇L‖² descent steps, a gradient and a Hessian-vector product each
 *                (6 + 12)·P·N; Newton: a dense build (P columns of 12·N·P′, P′ the parameters
 *                past the first layer, which identity directions skip, at least P/10) and an
 *                eigendecomposition with vectors (4·P³) per step, or a MINRES solve of at most
 *                500 products of 12·P·N; the final Hessian (build, then 4·P³ with vectors up to
 *                4,096 parameters, else (4/3)·P³ and a MINRES reach of at most 10,000
 *                products); the still-descending test, L-BFGS and Adam steps of about a
 *                gradient and a loss each (2·8·P·N a step).
 * Descent and MINRES stop early when they converge, so the critical study's count is an upper
 * bound of those parts. The rate is one DGEMM (n = 1,000, best of 3) measured once per process
 * on a worker thread, at the load of that moment, per OpenBLAS thread. Like every BLAS-heavy task
 * it waits its turn in the window's job queue (saddle-job-queue.h), and gives way to a study
 * asked for meanwhile after its first DGEMM (then best of those done); the study's rate is that
 * times the threads its runs use at once, times the share of the DGEMM rate the studies'
 * smaller products reach. That share, 0.6, is from saddle-cli runs of three settings at a load
 * of 10–21 on 2 cores, whose wall times were 1.3–2× the plain FLOPs ÷ rate (the commit that
 * added this file lists them); with it those estimates fall within 0.8–1.6× of what was
 * measured, and the default critical study's (4 runs, whose MINRES and descent stop well
 * before their caps) at 1.9×, at 100 runs 5–6×: for it the panel says "up to". Hence "about"
 * and one significant figure.
 */
#define G_LOG_DOMAIN "saddle-side-panel-time"

#include "config.h"

#include <cblas.h>
#include <glib/gi18n.h>
#include <math.h>

#include "saddle-job-queue.h"
#include "saddle-newton.h"
#include "saddle-side-panel-private.h"

/* The DGEMM that measures the machine: big enough to run near the BLAS's peak. */
#define RATE_N       1000
#define RATE_REPEATS 3
/* MINRES caps: one Newton solve, and the reach beyond dense size (saddle-critical.c). */
#define MINRES_SOLVE_PRODUCTS 500.0
#define MINRES_REACH_PRODUCTS 10000.0
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

/* Columns of a dense Hessian build: P Hessian-vector products past the first layer. */
static double
hessian_build_flops (double P,
                     double N,
                     double first)
{
  return P * 12.0 * N * MAX (P - first, 0.1 * P);
}

static gboolean
newton_is_dense (const SaddleStudyConfig *config,
                 double                   P)
{
  switch (config->newton_method)
    {
    case SADDLE_NEWTON_DENSE:
      return TRUE;
    case SADDLE_NEWTON_LM:
      return P <= SADDLE_NEWTON_DENSE_MAX;
    case SADDLE_NEWTON_MINRES:
      return FALSE;
    case SADDLE_NEWTON_AUTO:
    default:
      return config->activation != SADDLE_ACTIVATION_RELU && P <= SADDLE_NEWTON_DENSE_MAX;
    }
}

double
saddle_side_panel_study_flops (const SaddleStudyConfig *config,
                               SaddleStudyKind          kind,
                               gsize                    n_samples,
                               gsize                    n_params,
                               gsize                    first_layer)
{
  double P = (double) n_params, N = (double) n_samples, first = (double) first_layer;
  double runs = config->runs, E = config->epochs;
  double grad = 6.0 * P * N, loss = 2.0 * P * N, hvp = 12.0 * P * N;
  double per_run = (12.0 * E + 6.0) * P * N;
  double once = 0;

  if (kind == SADDLE_STUDY_TRAJECTORIES)
    {
      double steps = E * ceil (N / MAX (config->batch, 1u));
      double snapshots = runs * (config->snapshot_every > 0 ? steps / config->snapshot_every + 1
                                                            : E + 1);

      once += (double) config->surface_resolution * config->surface_resolution * loss;
      once += 2.0 * snapshots * snapshots * P;
    }
  else if (kind == SADDLE_STUDY_CRITICAL)
    {
      double build = hessian_build_flops (P, N, first);
      gboolean vectors = P <= SADDLE_NEWTON_DENSE_MAX;

      per_run += config->descent_steps * (grad + hvp);
      if (newton_is_dense (config, P))
        per_run += config->newton_steps * (build + 4.0 * P * P * P);
      else
        per_run += config->newton_steps * MINRES_SOLVE_PRODUCTS * hvp;
      per_run += build + (vectors ? 4.0 : 4.0 / 3.0) * P * P * P;
      if (!vectors)
        per_run += MINRES_REACH_PRODUCTS * hvp;
      per_run += 2.0 * config->still_steps * (grad + loss);
    }
  return runs * per_run + once;
}

double
saddle_side_panel_study_seconds (const SaddleStudyConfig *config,
                                 SaddleStudyKind          kind,
                                 gsize                    n_samples,
                                 gsize                    n_params,
                                 gsize                    first_layer,
                                 double                   thread_rate)
{
  guint cpus = MAX (g_get_num_processors (), 1u);
  guint jobs = MIN (config->jobs > 0 ? config->jobs : cpus, MAX (config->runs, 1u));
  guint threads = MIN (jobs * MAX (config->threads, 1u), cpus);

  if (thread_rate <= 0)
    return -1;
  return saddle_side_panel_study_flops (config, kind, n_samples, n_params, first_layer)
         / (thread_rate * threads * STUDY_EFFICIENCY);
}

char *
saddle_side_panel_describe_time (SaddleSidePanel         *self,
                                 const SaddleStudyConfig *config,
                                 gsize                    first_layer)
{
  g_autofree char *duration = NULL;

  self->time_seconds = saddle_side_panel_study_seconds (config, self->kind, self->dims_samples,
                                                        self->n_params, first_layer,
                                                        saddle_side_panel_machine_rate (self));
  if (self->time_seconds < TIME_NOTE_SECONDS)
    return NULL;
  duration = saddle_side_panel_format_duration (self->time_seconds);
  /* The critical study's descent and Newton solves are counted at their caps and usually stop
   * well before them: its estimate is a bound, not a forecast. */
  if (self->time_seconds <= TIME_WARN_SECONDS)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->time_label), "warning");
      if (self->kind == SADDLE_STUDY_CRITICAL)
        /* TRANSLATORS: %s is a rough duration, e.g. "about 4 min" */
        return g_strdup_printf (_("The study would take up to %s here"), duration);
      /* TRANSLATORS: %s is a rough duration, e.g. "about 4 min" */
      return g_strdup_printf (_("The study would take %s here"), duration);
    }
  gtk_widget_add_css_class (GTK_WIDGET (self->time_label), "warning");
  if (self->kind == SADDLE_STUDY_CRITICAL)
    /* TRANSLATORS: %s is a rough duration, e.g. "about 40 min" */
    return g_strdup_printf (_("The study would take up to %s here; Stop keeps what is done"),
                            duration);
  /* TRANSLATORS: %s is a rough duration, e.g. "about 40 min" */
  return g_strdup_printf (_("The study would take %s here; Stop keeps what is done"), duration);
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
