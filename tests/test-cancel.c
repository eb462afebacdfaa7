/* test-cancel.c — how soon every long engine loop answers a request to stop
 *
 * A request comes from outside (another thread sets a flag, as the app's Stop or the CLI's
 * signal handler does) at an arbitrary moment; the loop sees it through its event callback.
 * Each phase runs on a model small enough for a test and long enough to be stopped mid-way, and the time from the
 * request to the loop's return must stay within CANCEL_LATENCY_MAX: the loops poll at least
 * every SADDLE_EVENT_POLL_INTERVAL (20 ms), so this bound is five polls, not a speed claim.
 */
#include "config.h"

#include <math.h>

#include <glib.h>

#include "saddle-critical.h"
#include "saddle-lanczos.h"
#include "saddle-newton.h"
#include "saddle-pca.h"
#include "saddle-slice.h"
#include "saddle-surface.h"
#include "saddle-test-util.h"
#include "saddle-trainer.h"

#define CANCEL_LATENCY_MAX (100 * G_TIME_SPAN_MILLISECOND)
/* When the request comes, after the loop started. */
#define REQUEST_AFTER (150 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  gint64 after;         /* µs from the start to the request */
  gint   requested;     /* atomic: set by the requester thread */
  gint64 request_time;
  gint64 seen_time;
} Stop;

static gpointer
requester (gpointer data)
{
  Stop *stop = data;

  g_usleep (stop->after);
  stop->request_time = g_get_monotonic_time ();
  g_atomic_int_set (&stop->requested, 1);
  return NULL;
}

static gboolean
event_cb (const SaddleEvent *event,
          gpointer           user_data)
{
  Stop *stop = user_data;

  if (!g_atomic_int_get (&stop->requested))
    return TRUE;
  if (stop->seen_time == 0)
    stop->seen_time = g_get_monotonic_time ();
  return FALSE;
}

static GThread *
stop_init_after (Stop   *stop,
                 gint64  after)
{
  *stop = (Stop) { .after = after };
  return g_thread_new ("requester", requester, stop);
}

static GThread *
stop_init (Stop *stop)
{
  return stop_init_after (stop, REQUEST_AFTER);
}

/* Joins the requester and checks the loop returned within the bound of the request. */
static void
stop_check (Stop       *stop,
            GThread    *thread,
            const char *phase)
{
  gint64 returned = g_get_monotonic_time ();

  g_thread_join (thread);
  g_assert_cmpint (stop->seen_time, >, 0);
  g_test_message ("%s: request seen after %.1f ms, returned after %.1f ms", phase,
                  (stop->seen_time - stop->request_time) / 1e3,
                  (returned - stop->request_time) / 1e3);
  g_assert_cmpint (returned - stop->request_time, <=, CANCEL_LATENCY_MAX);
}

/* ‖∇L‖² descent of 10⁶ steps: its events are ~200 in all, so only the poll answers. */
static void
test_cancel_descent (void)
{
  const guint widths[] = { 1, 16, 16, 1 };
  SaddleTestNet net;
  SaddleCriticalSettings settings;
  g_autoptr(GError) error = NULL;
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH, 200, 3);
  saddle_critical_settings_init (&settings);
  settings.descent_steps = 1000000;
  settings.grad_tolerance = 1e-300;
  thread = stop_init (&stop);
  g_assert_false (saddle_critical_descend (net.model, net.theta, &net.batch, &settings, 0,
                                           event_cb, &stop, NULL, &error));
  g_assert_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED);
  stop_check (&stop, thread, "descent");
  saddle_test_net_clear (&net);
}

/* Training: one event per step. */
static void
test_cancel_training (void)
{
  const guint widths[] = { 1, 16, 16, 1 };
  SaddleTestNet net;
  SaddleTrainSettings settings = { 0 };
  g_autoptr(GError) error = NULL;
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, 200, 3);
  saddle_optimizer_settings_init (&settings.optimizer, SADDLE_OPTIMIZER_ADAM, 1e-3);
  settings.batch_size = 10;
  settings.epochs = 100000;
  settings.shuffle_seed = 1;
  thread = stop_init (&stop);
  g_assert_false (saddle_train (net.model, net.theta, net.dataset, &settings, event_cb, &stop,
                                &error));
  g_assert_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_CANCELLED);
  stop_check (&stop, thread, "training");
  saddle_test_net_clear (&net);
}

/* The analysis of a point: Hessian blocks, eigenvalues, then the still-descending test, which
 * is the long phase here (10⁵ L-BFGS and Adam steps). */
static void
test_cancel_analysis (void)
{
  const guint widths[] = { 1, 16, 16, 1 };
  SaddleTestNet net;
  SaddleCriticalSettings settings;
  g_autoptr(GError) error = NULL;
  SaddleCriticalPoint *point;
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, 200, 3);
  saddle_critical_settings_init (&settings);
  settings.still_steps = 100000;
  thread = stop_init (&stop);
  point = saddle_critical_analyse (net.model, net.theta, &net.batch, &settings, 0, event_cb,
                                   &stop, &error);
  g_assert_null (point);
  g_assert_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED);
  stop_check (&stop, thread, "analysis");
  saddle_test_net_clear (&net);
}

static gboolean
progress_cb (double   fraction,
             gpointer user_data)
{
  return event_cb (NULL, user_data);
}

/* The loss surface of a trajectories study: 401 × 401 whole-set losses, a row between polls. */
static void
test_cancel_surface (void)
{
  const guint widths[] = { 1, 16, 16, 1 };
  SaddleTestNet net;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autofree double *points = NULL;
  SaddleSurface *surface;
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, 200, 3);
  /* Three points around θ span a plane to sweep. */
  points = g_new (double, 3 * net.n);
  for (guint k = 0; k < 3; k++)
    for (gsize i = 0; i < net.n; i++)
      points[k * net.n + i] = net.theta[i] + (k == 0 ? 0.0 : 0.1 * sin (i * (k + 1.0)));
  pca = saddle_pca_fit (points, 3, net.n, 2, &error);
  g_assert_no_error (error);
  thread = stop_init (&stop);
  surface = saddle_surface_compute (net.model, &net.batch, pca, -1, 1, -1, 1,
                                    SADDLE_SURFACE_MAX_RESOLUTION, progress_cb, &stop, &error);
  g_assert_null (surface);
  g_assert_nonnull (error);
  stop_check (&stop, thread, "surface");
  saddle_test_net_clear (&net);
}

/* Levenberg–Marquardt on 4,353 parameters (beyond the dense size, so by CG), 500 samples,
 * up to 10⁵ CG iterations a solve: rejected steps announce nothing, only the polls answer. */
static void
test_cancel_newton_lm (void)
{
  const guint widths[] = { 1, 64, 64, 1 };
  SaddleTestNet net;
  SaddleCriticalSettings settings;
  g_autoptr(GError) error = NULL;
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH, 500, 3);
  g_assert_cmpuint (net.n, >, SADDLE_NEWTON_DENSE_MAX);
  saddle_critical_settings_init (&settings);
  settings.newton_method = SADDLE_NEWTON_LM;
  settings.newton_steps = 1000;
  settings.newton_tolerance = 0.0;
  settings.newton_minres_iterations = 100000;
  thread = stop_init (&stop);
  g_assert_false (saddle_newton_refine (net.model, net.theta, &net.batch, &settings, 0, 0,
                                        event_cb, &stop, NULL, &error));
  g_assert_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED);
  stop_check (&stop, thread, "LM by CG");
  saddle_test_net_clear (&net);
}

/* The Newton reach: MINRES to 1e-10, up to 10⁴ HVPs, the solve Newton-MR takes each step. */
static void
test_cancel_newton_reach (void)
{
  const guint widths[] = { 1, 64, 64, 1 };
  SaddleTestNet net;
  SaddleNewtonReach reach;
  g_autoptr(GError) error = NULL;
  g_autofree double *grad = NULL;
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH, 1000, 3);
  grad = g_new (double, net.n);
  saddle_model_loss_grad (net.model, net.theta, &net.batch, grad);
  thread = stop_init (&stop);
  g_assert_false (saddle_newton_reach (net.model, net.theta, &net.batch, grad, event_cb, &stop,
                                       &reach, &error));
  g_assert_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED);
  stop_check (&stop, thread, "Newton reach (MINRES)");
  saddle_test_net_clear (&net);
}

/* Lanczos for the 20 extreme pairs of a 4,353-parameter Hessian on 200 samples: each step is
 * an HVP and a reorthogonalisation against the growing basis. */
static void
test_cancel_lanczos (void)
{
  const guint widths[] = { 1, 64, 64, 1 };
  const gsize k = 20;
  SaddleTestNet net;
  SaddleLanczosHvp op;
  g_autoptr(GError) error = NULL;
  g_autofree double *lowest = g_new (double, k);
  g_autofree double *highest = g_new (double, k);
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH, 200, 3);
  op = (SaddleLanczosHvp) { net.model, net.theta, &net.batch };
  thread = stop_init (&stop);
  g_assert_false (saddle_lanczos_extremes (saddle_lanczos_hvp, &op, net.n,
                                           &(SaddleLanczosSettings) { k, 0, 1, progress_cb, &stop },
                                           lowest, highest, NULL, NULL, NULL, &error));
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED);
  stop_check (&stop, thread, "Lanczos");
  saddle_test_net_clear (&net);
}

/* Stochastic Lanczos quadrature: 4 probes of 1,000 steps on 1,153 parameters, pushed through
 * the HVPs together: a step is a 4-vector HVP and the reorthogonalisation of each. The request
 * comes later here: the first step allocates the whole 37 MB basis, which under
 * MALLOC_PERTURB_ (each allocation filled) took up to 1.5 s at load 14 for a 104 MB one; a
 * stop during it waits for it. */
static void
test_cancel_slq (void)
{
  const guint widths[] = { 1, 32, 32, 1 };
  SaddleTestNet net;
  SaddleLanczosHvp op;
  g_autoptr(GError) error = NULL;
  SaddleDensity *density;
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH, 200, 3);
  op = (SaddleLanczosHvp) { net.model, net.theta, &net.batch };
  thread = stop_init_after (&stop, 1000 * G_TIME_SPAN_MILLISECOND);
  density = saddle_lanczos_slq (saddle_lanczos_hvp, &op, net.n, 1000, 4, 1, 0, 0.0, progress_cb,
                                &stop, &error);
  g_assert_null (density);
  g_assert_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED);
  stop_check (&stop, thread, "SLQ");
  saddle_test_net_clear (&net);
}

/* The loss slice: Lanczos for the two extreme pairs, then 2 × 100,001 whole-batch losses. */
static void
test_cancel_slice (void)
{
  const guint widths[] = { 1, 64, 64, 1 };
  SaddleTestNet net;
  g_autoptr(GError) error = NULL;
  SaddleSlice *slice;
  GThread *thread;
  Stop stop;

  saddle_test_net_init (&net, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH, 200, 3);
  thread = stop_init (&stop);
  slice = saddle_slice_compute (net.model, net.theta, &net.batch, 1.0, SADDLE_SLICE_MAX_POINTS,
                                SADDLE_SLICE_LANCZOS, 1, progress_cb, &stop, &error);
  g_assert_null (slice);
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_CANCELLED);
  stop_check (&stop, thread, "slice");
  saddle_test_net_clear (&net);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/cancel/descent", test_cancel_descent);
  g_test_add_func ("/core/cancel/training", test_cancel_training);
  g_test_add_func ("/core/cancel/analysis", test_cancel_analysis);
  g_test_add_func ("/core/cancel/surface", test_cancel_surface);
  g_test_add_func ("/core/cancel/newton-reach", test_cancel_newton_reach);
  g_test_add_func ("/core/cancel/newton-lm", test_cancel_newton_lm);
  g_test_add_func ("/core/cancel/lanczos", test_cancel_lanczos);
  g_test_add_func ("/core/cancel/slq", test_cancel_slq);
  g_test_add_func ("/core/cancel/slice", test_cancel_slice);

  return g_test_run ();
}
