/* saddle-critical.c — find a point where the gradient is almost zero and analyse its Hessian */
#define G_LOG_DOMAIN "saddle-critical"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>
#include <lapacke.h>

#include "saddle-stats.h"
#include "saddle-critical.h"
#include "saddle-clarke.h"
#include "saddle-exact-reach.h"
#include "saddle-hessian-structured.h"
#include "saddle-lbfgs.h"
#include "saddle-newton.h"
#include "saddle-optimizer.h"

/* Events every step at the start of a descent, then about this many in all:
 * the UI plots them, and a 10,000-step descent must not flood it. */
#define DESCENT_EVERY_STEP   10
#define DESCENT_MAX_EVENTS   200
/* DEGENERATE when the zero band holds more than this share of the spectrum. */
#define DEGENERATE_SHARE     0.10
/* Steps of the still-descending test between PROGRESS events. */
#define STILL_EVENT_EVERY    25

typedef struct
{
  SaddleEventFunc func;
  gpointer        user_data;
  guint           run;
  double          weight;     /* share of the analysis the Hessian build takes */
} ProgressContext;

G_DEFINE_QUARK (saddle-critical-error-quark, saddle_critical_error)

static double
norm2 (const double *v,
       gsize         n)
{
  return cblas_dnrm2 ((int) n, v, 1);
}

double
saddle_critical_hg_ratio (SaddleModel       *model,
                          const double      *theta,
                          const SaddleBatch *batch,
                          const double      *grad,
                          double             grad_norm,
                          const double      *hg)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *unit = NULL;
  g_autofree double *hu = NULL;
  double ratio;

  if (!(grad_norm > 0.0) || !isfinite (grad_norm))
    return NAN;
  ratio = norm2 (hg, n) / grad_norm;
  if (isfinite (ratio))
    return ratio;

  unit = g_new (double, n);
  hu = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    unit[i] = grad[i] / grad_norm;
  saddle_model_hvp (model, theta, batch, unit, 1, hu, NULL);
  ratio = norm2 (hu, n);
  return isfinite (ratio) ? ratio : NAN;
}

gboolean
saddle_critical_check_batch (const SaddleModel  *model,
                             const SaddleBatch  *batch,
                             GError            **error)
{
  g_autoptr(GError) batch_error = NULL;

  if (batch->n == 0)
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The training set is empty: a critical point needs at least one sample");
      return FALSE;
    }
  if (!saddle_model_check_batch (model, batch, &batch_error))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "%s", batch_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
settings_valid (const SaddleModel            *model,
                const SaddleCriticalSettings *settings,
                const SaddleBatch            *batch,
                GError                      **error)
{
  if (!saddle_critical_check_batch (model, batch, error))
    return FALSE;
  if (!(settings->descent_lr > 0.0) || !isfinite (settings->descent_lr))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The descent learning rate must be a positive number (got %g)",
                   settings->descent_lr);
      return FALSE;
    }
  if (!(settings->grad_tolerance >= 0.0))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The gradient tolerance must be zero or positive (got %g)",
                   settings->grad_tolerance);
      return FALSE;
    }
  if (!(settings->zero_tolerance >= 0.0) || !isfinite (settings->zero_tolerance))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The eigenvalue zero tolerance must be zero or positive (got %g)",
                   settings->zero_tolerance);
      return FALSE;
    }
  return TRUE;
}

static gboolean
emit_progress (const ProgressContext *ctx,
               double                 fraction,
               const char            *message)
{
  SaddleEvent event;

  if (ctx->func == NULL)
    return TRUE;

  event = saddle_event_init (SADDLE_EVENT_PROGRESS, ctx->run);
  event.fraction = CLAMP (fraction, 0.0, 1.0);
  event.message = message;
  return ctx->func (&event, ctx->user_data);
}

static gboolean
hessian_progress_cb (double   fraction,
                     gpointer user_data)
{
  const ProgressContext *ctx = user_data;

  return emit_progress (ctx, fraction * ctx->weight, N_("Hessian"));
}

/* A rough cost model so the progress bar moves evenly: one Hessian column
 * costs about 12 flops per sample and parameter (R-forward and R-backward),
 * except that for an identity direction the model skips the first layer's
 * dense product, so its input weights cost almost nothing; the
 * eigenvalue-only reduction costs about 4/3·n³ at a similar rate. */
static double
hessian_share (const SaddleModel *model,
               gsize              samples)
{
  double n = (double) saddle_model_n_params (model);
  double first = (double) saddle_model_width (model, 0) * saddle_model_width (model, 1);
  double per_column = 12.0 * (double) samples * MAX (n - first, 0.1 * n);
  double build = per_column * n;
  double eigen = 4.0 / 3.0 * n * n * n;

  return build + eigen > 0.0 ? build / (build + eigen) : 0.5;
}

/* Event stride after the first DESCENT_EVERY_STEP steps, so a descent of
 * @max_steps emits at most about DESCENT_MAX_EVENTS events. */
static guint
descent_stride (guint max_steps)
{
  guint64 rest = max_steps > DESCENT_EVERY_STEP ? max_steps - DESCENT_EVERY_STEP : 0;
  guint64 budget = DESCENT_MAX_EVENTS - DESCENT_EVERY_STEP;

  return (guint) MAX (1, (rest + budget - 1) / budget);
}
void
saddle_critical_settings_init (SaddleCriticalSettings *settings)
{
  g_return_if_fail (settings != NULL);

  settings->descent_steps = 1000;
  settings->descent_lr = 1e-3;
  settings->grad_tolerance = 1e-4;
  settings->zero_tolerance = 1e-6;
  settings->hessian_block = 0;
  settings->newton_steps = 20;
  settings->newton_tolerance = 1e-10;
  settings->newton_cutoff = 1e-10;
  settings->newton_method = SADDLE_NEWTON_AUTO;
  settings->newton_minres_iterations = SADDLE_NEWTON_MINRES_ITERATIONS;
  settings->certify_tolerance = SADDLE_CRITICAL_REACHED_GRAD_NORM;
  /* The other pieces' gradients are taken at θ, off by up to max|λ|·ε: with max|λ| ≈ 6–10 on
   * the default study, ε = 1e-9 keeps that within the 1e-8 certify tolerance. */
  settings->clarke_epsilon = 1e-9;
  settings->still_steps = 500;
  settings->still_lr = 0.01;
  settings->still_factor = 1.1;
  settings->dense_spectrum = NULL;
  settings->dense_spectrum_data = NULL;
}

double
saddle_critical_objective (SaddleModel       *model,
                           const double      *theta,
                           const SaddleBatch *batch,
                           double            *loss,
                           double            *grad,
                           double            *grad_f)
{
  g_autofree double *own_grad = NULL;
  gsize n;
  double l, f;

  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL, NAN);
  g_return_val_if_fail (batch != NULL, NAN);

  n = saddle_model_n_params (model);
  if (grad == NULL)
    grad = own_grad = g_new (double, n);

  /* ∇‖∇L‖² = 2·H·∇L: one Hessian-vector product with v = ∇L, fused with the
   * gradient so the forward pass runs once. */
  if (grad_f != NULL)
    l = saddle_model_grad_and_hvp_self (model, theta, batch, grad, grad_f);
  else
    l = saddle_model_loss_grad (model, theta, batch, grad);
  if (loss != NULL)
    *loss = l;

  f = cblas_ddot ((int) n, grad, 1, grad, 1);
  if (!isfinite (l) || !isfinite (f))
    return NAN;

  if (grad_f != NULL)
    {
      cblas_dscal ((int) n, 2.0, grad_f, 1);
      if (!saddle_stats_all_finite (grad_f, n))
        return NAN;
    }

  return f;
}

gboolean
saddle_critical_descend (SaddleModel                  *model,
                         double                       *theta,
                         const SaddleBatch            *batch,
                         const SaddleCriticalSettings *settings,
                         guint                         run,
                         SaddleEventFunc               func,
                         gpointer                      user_data,
                         guint                        *steps,
                         GError                      **error)
{
  g_autoptr(SaddleOptimizer) optimizer = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *grad_f = NULL;
  g_autofree double *best = NULL;
  SaddleOptimizerSettings adam;
  double best_norm = INFINITY;
  guint stride, step;
  gint64 polled = g_get_monotonic_time ();
  gsize n;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (steps != NULL)
    *steps = 0;

  if (!settings_valid (model, settings, batch, error))
    return FALSE;

  n = saddle_model_n_params (model);
  grad = g_new (double, n);
  grad_f = g_new (double, n);
  best = g_memdup2 (theta, n * sizeof (double));

  saddle_optimizer_settings_init (&adam, SADDLE_OPTIMIZER_ADAM, settings->descent_lr);
  optimizer = saddle_optimizer_new (&adam, n);
  stride = descent_stride (settings->descent_steps);

  for (step = 0; ; step++)
    {
      double loss, f, grad_norm;
      gboolean last;

      /* ∇L and H·∇L from one forward pass; on the last step the HVP is
       * wasted, but that is one R-pass against a forward pass every step. */
      loss = saddle_model_grad_and_hvp_self (model, theta, batch, grad, grad_f);
      f = cblas_ddot ((int) n, grad, 1, grad, 1);
      if (!isfinite (loss) || !isfinite (f))
        f = NAN;
      grad_norm = sqrt (f);

      if (isnan (f))
        {
          memcpy (theta, best, n * sizeof (double));
          if (steps != NULL)
            *steps = step;
          g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                       "The gradient-norm descent diverged at step %u (the loss or its "
                       "gradient became NaN or infinite); try a smaller descent learning "
                       "rate", step);
          return FALSE;
        }

      if (grad_norm < best_norm)
        {
          best_norm = grad_norm;
          memcpy (best, theta, n * sizeof (double));
        }

      last = grad_norm <= settings->grad_tolerance || step >= settings->descent_steps;

      if ((step < DESCENT_EVERY_STEP || step % stride == 0 || last
           || saddle_event_poll_due (&polled)) &&
          !saddle_event_emit_descent (func, user_data, run, step, loss, grad_norm, NULL))
        {
          memcpy (theta, best, n * sizeof (double));
          if (steps != NULL)
            *steps = step;
          g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                       "The gradient-norm descent was cancelled at step %u", step);
          return FALSE;
        }

      if (last)
        break;

      cblas_dscal ((int) n, 2.0, grad_f, 1);
      if (!saddle_stats_all_finite (grad_f, n))
        {
          memcpy (theta, best, n * sizeof (double));
          if (steps != NULL)
            *steps = step;
          g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                       "The gradient-norm descent diverged at step %u (H·∇L became NaN "
                       "or infinite); try a smaller descent learning rate", step);
          return FALSE;
        }

      saddle_optimizer_step (optimizer, theta, grad_f);
    }

  /* Adam does not decrease ‖∇L‖ monotonically; the best point seen is the
   * critical-point estimate. */
  memcpy (theta, best, n * sizeof (double));
  if (steps != NULL)
    *steps = step;

  return TRUE;
}

/* The MINRES reach, where no eigendecomposition gives the exact one. A diagnosis beside the
 * analysis: if its solve fails (a non-finite HVP would already have spoilt the Hessian), the
 * point keeps its spectrum and the reach stays unmeasured (NAN). FALSE only when cancelled. */
static gboolean
measure_minres_reach (SaddleModel           *model,
                      const double          *theta,
                      const SaddleBatch     *batch,
                      const double          *grad,
                      const ProgressContext *ctx,
                      SaddleCriticalPoint   *point)
{
  g_autoptr(GError) reach_error = NULL;

  if (!saddle_newton_reach (model, theta, batch, grad, ctx->func, ctx->user_data, &point->reach,
                            &reach_error))
    {
      if (g_error_matches (reach_error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED))
        return FALSE;
      g_debug ("Newton reach of run %u not measured: %s", point->run, reach_error->message);
      point->reach.gradient = point->grad_norm;
      point->reach.distance = point->reach.residual = NAN;
      point->reach.iterations = 0;
      point->reach.kinks_crossed = 0;
    }
  return TRUE;
}

typedef struct
{
  SaddleModel       *model;
  const SaddleBatch *batch;
} LossContext;

static double
loss_objective (const double *x,
                double       *grad,
                gpointer      user_data)
{
  LossContext *lc = user_data;

  return saddle_model_loss_grad (lc->model, x, lc->batch, grad);
}

typedef struct
{
  const ProgressContext *ctx;
  guint                  max_steps;   /* of both halves together */
} StillContext;

/* A PROGRESS event (and so a chance to cancel) every STILL_EVENT_EVERY steps of the
 * still-descending test: each costs about one gradient, well under a millisecond on the
 * default task. @fraction is the share of the whole test done. */
static gboolean
still_progress_cb (double   fraction,
                   gpointer user_data)
{
  const StillContext *sc = user_data;
  guint step = (guint) lround (fraction * sc->max_steps);

  if (step % STILL_EVENT_EVERY != 0)
    return TRUE;
  return emit_progress (sc->ctx, sc->ctx->weight + (1.0 - sc->ctx->weight) * fraction,
                        N_("Does the loss still fall?"));
}

/* The L-BFGS half: its fraction is of its own steps. */
static gboolean
still_lbfgs_progress_cb (double   fraction,
                         gpointer user_data)
{
  return still_progress_cb (0.5 * fraction, user_data);
}

/* Full-batch Adam at the study's learning rate from a copy of θ: the lowest loss it sees.
 * FALSE only when cancelled. */
static gboolean
still_adam (SaddleModel                  *model,
            const double                 *theta,
            const SaddleBatch            *batch,
            const SaddleCriticalSettings *settings,
            StillContext                 *sc,
            double                       *lowest,
            guint                        *evaluations)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *x = g_memdup2 (theta, n * sizeof (double));
  g_autofree double *grad = g_new (double, n);
  g_autoptr(SaddleOptimizer) adam = NULL;
  SaddleOptimizerSettings os;

  saddle_optimizer_settings_init (&os, SADDLE_OPTIMIZER_ADAM, settings->still_lr);
  adam = saddle_optimizer_new (&os, n);
  *lowest = INFINITY;
  for (guint step = 0; step <= settings->still_steps; step++)
    {
      double loss = saddle_model_loss_grad (model, x, batch, grad);

      (*evaluations)++;
      if (isfinite (loss))
        *lowest = MIN (*lowest, loss);
      if (step == settings->still_steps || !isfinite (loss))
        break;
      saddle_optimizer_step (adam, x, grad);
      if (!still_progress_cb (0.5 + 0.5 * (step + 1) / (double) settings->still_steps, sc))
        return FALSE;
    }
  return TRUE;
}

/* The still-descending test from copies of θ: still_steps of L-BFGS and as many of Adam at the
 * study's learning rate, the larger fall kept. Either alone misses plateaus the other leaves:
 * on the default study (PyTorch float64 check, 6 points) L-BFGS with backtracking lowered
 * one point's loss 1.02× in 500 steps where Adam at lr 0.01 lowered it 10×. FALSE only when
 * cancelled. */
static gboolean
measure_still_descending (SaddleModel                  *model,
                          const double                 *theta,
                          const SaddleBatch            *batch,
                          const SaddleCriticalSettings *settings,
                          const ProgressContext        *ctx,
                          SaddleCriticalPoint          *point)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *x = NULL;
  LossContext lc = { model, batch };
  StillContext sc = { ctx, 2 * settings->still_steps };
  SaddleLbfgsResult result;
  double adam_lowest, lowest;
  guint adam_evaluations = 0;
  gint64 t0 = g_get_monotonic_time ();

  point->still_factor = NAN;
  point->still_steps = 0;
  point->still_evaluations = 0;
  memset (&point->still_tally, 0, sizeof point->still_tally);
  point->seconds_still = 0.0;
  if (settings->still_steps == 0)
    return TRUE;
  x = g_memdup2 (theta, n * sizeof (double));
  saddle_model_take_region_tally (model, NULL);
  saddle_lbfgs_minimise (n, x, settings->still_steps, loss_objective, &lc,
                         still_lbfgs_progress_cb, &sc, &result);
  if (result.cancelled)
    return FALSE;
  if (!still_adam (model, theta, batch, settings, &sc, &adam_lowest, &adam_evaluations))
    return FALSE;
  point->seconds_still = (g_get_monotonic_time () - t0) / 1e6;
  saddle_model_take_region_tally (model, &point->still_tally);
  point->still_evaluations = result.evaluations + adam_evaluations;
  point->still_steps = settings->still_steps;
  lowest = MIN (result.f_end, adam_lowest);
  point->still_factor = lowest > 0.0 ? result.f_start / lowest
                        : (result.f_start > 0.0 ? INFINITY : 1.0);
  return TRUE;
}

/* The Clarke distance of a ReLU net (NAN otherwise). */
static void
measure_clarke (SaddleModel                  *model,
                const double                 *theta,
                const SaddleBatch            *batch,
                const SaddleCriticalSettings *settings,
                SaddleCriticalPoint          *point)
{
  g_autoptr(GError) clarke_error = NULL;
  SaddleClarke clarke;

  point->clarke_distance = NAN;
  point->clarke_kinks = 0;
  if (saddle_model_activation (model) != SADDLE_ACTIVATION_RELU)
    return;
  /* A diagnosis beside the analysis, as the reach: a failure leaves it unmeasured. */
  if (!saddle_clarke_measure (model, theta, batch, settings->clarke_epsilon, &clarke,
                              &clarke_error))
    {
      g_debug ("Clarke distance of run %u not measured: %s", point->run, clarke_error->message);
      return;
    }
  point->clarke_distance = clarke.distance;
  point->clarke_kinks = clarke.kinks;
}

/* One cancellation code for the caller, whichever stage was stopped. */
static void
propagate_hessian_error (GError **error,
                         GError  *hessian_error)
{
  if (g_error_matches (hessian_error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                   "The Hessian analysis was cancelled");
      g_error_free (hessian_error);
    }
  else
    g_propagate_error (error, hessian_error);
}

/* The Hessian built here (saddle_hessian_dense), ‖H·g‖ from it, and its spectrum by LAPACK;
 * with @with_vectors, *@vectors gets the eigenvectors (v_i at + i·n). */
static gboolean
spectrum_here (SaddleModel                  *model,
               const double                 *theta,
               const SaddleBatch            *batch,
               const SaddleCriticalSettings *settings,
               const ProgressContext        *ctx,
               const double                 *grad,
               gboolean                      with_vectors,
               SaddleCriticalPoint          *point,
               double                      **vectors,
               GError                      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree double *h = NULL;
  g_autofree double *hg = NULL;
  gsize n = saddle_model_n_params (model);
  gint64 t0, t1;

  t0 = g_get_monotonic_time ();
  h = saddle_hessian_dense (model, theta, batch, settings->hessian_block,
                            hessian_progress_cb, (gpointer) ctx, &point->asymmetry,
                            &local_error);
  if (h == NULL)
    {
      propagate_hessian_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* Curvature along the gradient, from the matrix just built (it is
   * symmetric now, so row-major H·g needs no transpose). */
  hg = g_new (double, n);
  cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) n, (int) n, 1.0, h, (int) n,
               grad, 1, 0.0, hg, 1);
  point->hg_ratio = saddle_critical_hg_ratio (model, theta, batch, grad, point->grad_norm, hg);
  t1 = g_get_monotonic_time ();
  point->seconds_hessian = (t1 - t0) / 1e6;
  point->hessian_live = saddle_hessian_choose_build (model, batch->n)
                        == SADDLE_HESSIAN_BUILD_STRUCTURED
                        ? saddle_hessian_structured_live (model) : 0;

  if (!emit_progress (ctx, ctx->weight, N_("Eigenvalues")))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                   "The Hessian analysis was cancelled");
      return FALSE;
    }

  t1 = g_get_monotonic_time ();
  point->spectrum = with_vectors
                    ? saddle_spectrum_compute_vectors (h, n, settings->zero_tolerance, error)
                    : saddle_spectrum_compute (h, n, settings->zero_tolerance, error);
  if (point->spectrum == NULL)
    return FALSE;
  point->seconds_eigen = (g_get_monotonic_time () - t1) / 1e6;
  if (with_vectors)
    *vectors = g_steal_pointer (&h);
  return TRUE;
}

/* The same through settings->dense_spectrum; ‖H·g‖ from one HVP, as the matrix is not here. */
static gboolean
spectrum_elsewhere (SaddleModel                  *model,
                    const double                 *theta,
                    const SaddleBatch            *batch,
                    const SaddleCriticalSettings *settings,
                    const ProgressContext        *ctx,
                    const double                 *grad,
                    gboolean                      with_vectors,
                    SaddleCriticalPoint          *point,
                    double                      **vectors,
                    GError                      **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize n = saddle_model_n_params (model);
  g_autofree double *hg = g_new (double, n);
  gint64 t0 = g_get_monotonic_time ();

  saddle_model_hvp (model, theta, batch, grad, 1, hg, NULL);
  point->hg_ratio = saddle_critical_hg_ratio (model, theta, batch, grad, point->grad_norm, hg);
  point->spectrum = settings->dense_spectrum (model, theta, batch, settings->zero_tolerance,
                                              hessian_progress_cb, (gpointer) ctx,
                                              &point->asymmetry, &point->seconds_eigen,
                                              with_vectors ? vectors : NULL,
                                              settings->dense_spectrum_data, &local_error);
  if (point->spectrum == NULL)
    {
      propagate_hessian_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  point->seconds_hessian = (g_get_monotonic_time () - t0) / 1e6 - point->seconds_eigen;
  return TRUE;
}

SaddleCriticalPoint *
saddle_critical_analyse (SaddleModel                  *model,
                         const double                 *theta,
                         const SaddleBatch            *batch,
                         const SaddleCriticalSettings *settings,
                         guint                         run,
                         SaddleEventFunc               func,
                         gpointer                      user_data,
                         GError                      **error)
{
  g_autoptr(SaddleCriticalPoint) point = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *h = NULL;
  const SaddleSpectrum *spectrum;
  ProgressContext ctx;
  gboolean with_vectors;
  gsize n;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (theta != NULL, NULL);
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!settings_valid (model, settings, batch, error))
    return NULL;

  n = saddle_model_n_params (model);
  grad = g_new (double, n);

  point = g_new0 (SaddleCriticalPoint, 1);
  point->run = run;
  point->n_params = n;
  point->params = g_memdup2 (theta, n * sizeof (double));

  point->loss = saddle_model_loss_grad (model, theta, batch, grad);
  point->grad_norm = norm2 (grad, n);
  if (!isfinite (point->loss) || !isfinite (point->grad_norm))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                   "The loss or its gradient is not finite at this point; there is "
                   "no Hessian to analyse (did training diverge?)");
      return NULL;
    }
  point->grad_norm_start = point->grad_norm;
  point->grad_norm_descent = point->grad_norm;
  point->steps = 0;
  point->newton_steps = 0;
  point->accuracy = saddle_model_accuracy (model, theta, batch);
  point->dead_units = saddle_model_count_dead_units (model, theta, batch);

  ctx.func = func;
  ctx.user_data = user_data;
  ctx.run = run;
  ctx.weight = hessian_share (model, batch->n);

  /* Up to the dense Newton size the eigenvectors come too (dsyevd, JOBZ='V'; about 3× the
   * values alone at n = 1,086) and give the exact reach; beyond it the values alone, and
   * the MINRES reach in place of the exact one. */
  with_vectors = n <= SADDLE_NEWTON_DENSE_MAX;
  if (settings->dense_spectrum != NULL)
    {
      if (!spectrum_elsewhere (model, theta, batch, settings, &ctx, grad, with_vectors, point,
                               &h, error))
        return NULL;
    }
  else if (!spectrum_here (model, theta, batch, settings, &ctx, grad, with_vectors, point, &h,
                           error))
    return NULL;
  spectrum = point->spectrum;

  saddle_exact_reach_clear (&point->exact_reach);
  point->reach.gradient = point->grad_norm;
  point->reach.distance = point->reach.residual = NAN;
  if (with_vectors)
    saddle_exact_reach_compute (model, theta, batch, spectrum, h, grad, &point->exact_reach);
  g_clear_pointer (&h, g_free);
  if (!with_vectors && !measure_minres_reach (model, theta, batch, grad, &ctx, point))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                   "The Hessian analysis was cancelled");
      return NULL;
    }

  if (!measure_still_descending (model, theta, batch, settings, &ctx, point))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                   "The Hessian analysis was cancelled");
      return NULL;
    }
  measure_clarke (model, theta, batch, settings, point);

  if (point->grad_norm <= settings->certify_tolerance)
    point->certificate = SADDLE_CERTIFICATE_GRADIENT;
  else if (isfinite (point->clarke_distance) &&
           point->clarke_distance <= settings->certify_tolerance)
    point->certificate = SADDLE_CERTIFICATE_CLARKE;
  else
    point->certificate = SADDLE_CERTIFICATE_NONE;

  if (point->certificate == SADDLE_CERTIFICATE_NONE)
    point->label = point->still_factor > settings->still_factor
                   ? SADDLE_CRITICAL_DESCENDING : SADDLE_CRITICAL_UNCERTIFIED;
  else if (spectrum->negative > 0)
    point->label = SADDLE_CRITICAL_SADDLE;
  /* Zero eigenvalues from symmetries and dead units are common; only a
   * large share of them makes the point degenerate rather than a minimum
   * whose flat directions are few. */
  else if ((double) spectrum->zero > DEGENERATE_SHARE * (double) spectrum->n)
    point->label = SADDLE_CRITICAL_DEGENERATE;
  else
    point->label = SADDLE_CRITICAL_MINIMUM;

  return g_steal_pointer (&point);
}

gboolean
saddle_critical_move (SaddleModel                  *model,
                      double                       *theta,
                      const SaddleBatch            *batch,
                      const SaddleCriticalSettings *settings,
                      guint                         run,
                      SaddleEventFunc               func,
                      gpointer                      user_data,
                      SaddleCriticalMove           *move,
                      GError                      **error)
{
  g_autofree double *grad = NULL;
  gint64 t0, t1, t2;
  gsize n;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (move != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (move, 0, sizeof *move);
  if (!settings_valid (model, settings, batch, error) ||
      !saddle_newton_check_settings (settings, error))
    return FALSE;

  n = saddle_model_n_params (model);
  grad = g_new (double, n);
  saddle_model_loss_grad (model, theta, batch, grad);
  move->grad_norm_start = norm2 (grad, n);

  t0 = g_get_monotonic_time ();
  saddle_model_take_region_tally (model, NULL);
  if (!saddle_critical_descend (model, theta, batch, settings, run, func, user_data,
                                &move->steps, error))
    return FALSE;
  t1 = g_get_monotonic_time ();

  saddle_model_loss_grad (model, theta, batch, grad);
  saddle_model_take_region_tally (model, &move->descent_tally);
  move->grad_norm_descent = norm2 (grad, n);

  if (settings->newton_steps > 0 &&
      !saddle_newton_refine (model, theta, batch, settings, run, move->steps, func, user_data,
                             &move->newton_steps, error))
    return FALSE;
  t2 = g_get_monotonic_time ();
  move->seconds_descent = (t1 - t0) / 1e6;
  move->seconds_newton = (t2 - t1) / 1e6;
  return TRUE;
}

SaddleCriticalPoint *
saddle_critical_find (SaddleModel                  *model,
                      double                       *theta,
                      const SaddleBatch            *batch,
                      const SaddleCriticalSettings *settings,
                      guint                         run,
                      SaddleEventFunc               func,
                      gpointer                      user_data,
                      GError                      **error)
{
  SaddleCriticalPoint *point;
  SaddleCriticalMove move;

  if (!saddle_critical_move (model, theta, batch, settings, run, func, user_data, &move, error))
    return NULL;
  point = saddle_critical_analyse (model, theta, batch, settings, run, func, user_data, error);
  if (point == NULL)
    return NULL;

  point->steps = move.steps;
  point->descent_tally = move.descent_tally;
  point->newton_steps = move.newton_steps;
  point->grad_norm_start = move.grad_norm_start;
  point->grad_norm_descent = move.grad_norm_descent;
  point->seconds_descent = move.seconds_descent;
  point->seconds_newton = move.seconds_newton;
  return point;
}

SaddleCriticalPoint *
saddle_critical_point_copy (const SaddleCriticalPoint *point)
{
  SaddleCriticalPoint *copy;

  g_return_val_if_fail (point != NULL, NULL);

  /* Every number (steps, newton_steps, the ‖∇L‖ at each stage) by value. */
  copy = g_memdup2 (point, sizeof *point);
  copy->spectrum = point->spectrum != NULL ? saddle_spectrum_copy (point->spectrum) : NULL;
  copy->params = point->params != NULL
    ? g_memdup2 (point->params, point->n_params * sizeof (double))
    : NULL;
  return copy;
}

void
saddle_critical_point_free (SaddleCriticalPoint *point)
{
  if (point == NULL)
    return;

  saddle_spectrum_free (point->spectrum);
  g_free (point->params);
  g_free (point);
}
