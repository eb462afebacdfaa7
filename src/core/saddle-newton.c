/* saddle-newton.c — Newton-type refinement towards ∇L = 0, and the reach of a Newton step
 * (the Levenberg–Marquardt steps: saddle-newton-lm.c)
 *
 * Every vector of a refinement is (n) and lives in one allocation (Refine);
 * the dense methods add the n × n eigenvector matrix. Cancelling is checked
 * at every PROGRESS event: Hessian columns, MINRES and CG iterations.
 */
#define G_LOG_DOMAIN "saddle-newton"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>
#include <lapacke.h>

#include "saddle-critical.h"
#include "saddle-hessian.h"
#include "saddle-minres.h"
#include "saddle-newton.h"
#include "saddle-newton-private.h"
#include "saddle-spectrum.h"
#include "saddle-stats.h"

/* Armijo constant of the Newton line search on ‖∇L‖². */
#define ARMIJO               1e-4
/* Step halvings before a Newton direction is given up (α ≥ 2⁻³⁰): each costs
 * one gradient, far less than the Hessian the direction came from. */
#define NEWTON_HALVINGS      30
/* Dense steps try μ = 0 and LEVENBERG_LEVELS damping values spread evenly in
 * log scale over max|λ|²·[10^−LEVENBERG_DECADES, 1], each at α = 1, ½, …
 * 2^−TRIAL_HALVINGS: 100 gradients, a fraction of one Hessian (n of them,
 * and dearer each) once n is a few hundred. */
#define LEVENBERG_LEVELS     9
#define LEVENBERG_DECADES    16.0
#define TRIAL_HALVINGS       9
/* Chord steps (reusing an older Hessian's eigenvectors) allowed per Hessian. */
#define NEWTON_CHORD_MAX     5

gboolean
saddle_newton_check_settings (const SaddleCriticalSettings *settings,
                              GError                      **error)
{
  g_return_val_if_fail (settings != NULL, FALSE);

  if (!(settings->newton_tolerance >= 0.0))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The Newton tolerance on ‖∇L‖ must be zero or positive (got %g)",
                   settings->newton_tolerance);
      return FALSE;
    }
  if (!(settings->newton_cutoff >= 0.0 && settings->newton_cutoff < 1.0))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The Newton eigenvalue cutoff must be at least 0 and below 1, relative "
                   "to max|λ| (got %g)", settings->newton_cutoff);
      return FALSE;
    }
  if (settings->newton_method != SADDLE_NEWTON_AUTO &&
      settings->newton_method != SADDLE_NEWTON_DENSE &&
      settings->newton_method != SADDLE_NEWTON_MINRES &&
      settings->newton_method != SADDLE_NEWTON_LM)
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "Unknown Newton method %d: use auto, dense, minres or lm",
                   (int) settings->newton_method);
      return FALSE;
    }
  return TRUE;
}

void
saddle_newton_refine_init (Refine                       *r,
                           SaddleModel                  *model,
                           const SaddleBatch            *batch,
                           const SaddleCriticalSettings *settings)
{
  memset (r, 0, sizeof *r);
  r->model = model;
  r->batch = batch;
  r->settings = settings;
  r->n = saddle_model_n_params (model);
}

gboolean
saddle_newton_progress (Refine *r,
                        double  within)
{
  SaddleEvent event;
  double total = MAX (1u, r->settings->newton_steps);

  if (r->func == NULL)
    return TRUE;

  event = saddle_event_init (SADDLE_EVENT_PROGRESS, r->run);
  event.fraction = CLAMP ((r->iteration + CLAMP (within, 0.0, 1.0)) / total, 0.0, 1.0);
  event.message = r->message != NULL ? r->message : N_("newton");
  if (!r->func (&event, r->user_data))
    r->cancelled = TRUE;
  return !r->cancelled;
}

gboolean
saddle_newton_hessian_progress_cb (double   fraction,
                                   gpointer user_data)
{
  return saddle_newton_progress (user_data, fraction);
}

gboolean
saddle_newton_solve_event_due (Refine *r,
                               guint   k)
{
  return saddle_event_poll_due (&r->last_poll) || (k > 0 && k % MINRES_EVENT_EVERY == 0);
}

void
saddle_newton_set_cancelled (Refine  *r,
                             GError **error)
{
  g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
               "The Newton refinement was cancelled at step %u", r->iteration);
}

double
saddle_newton_gradient_norm2 (Refine       *r,
                              const double *theta,
                              double       *grad,
                              double       *loss)
{
  double l = saddle_model_loss_grad (r->model, theta, r->batch, grad);
  double f = cblas_ddot ((int) r->n, grad, 1, grad, 1);

  if (!isfinite (l) || !isfinite (f))
    return NAN;
  *loss = l;
  return f;
}

/* Backtracking from θ along r->delta: the first α = 1, ½, … (at most @halvings halvings) with
 * ‖∇L(θ + αδ)‖² ≤ f − 2·ARMIJO·α·@decrease is taken, −2·@decrease being the slope of ‖∇L‖²
 * along δ at θ (2·∇Lᵀ·H·δ). θ, ∇L, f and L then move there. The strict f_trial < f keeps a
 * step too small to change θ in floating point from counting as progress. FALSE also when a
 * PROGRESS event cancels (r->cancelled). */
static gboolean
line_search (Refine *r,
             double *theta,
             double  decrease,
             guint   halvings)
{
  double alpha = 1.0;

  if (!(decrease > 0.0) || !isfinite (decrease))
    return FALSE;

  for (guint k = 0; k <= halvings; k++, alpha *= 0.5)
    {
      double loss = NAN, f;

      /* Thirty gradients can outlast a poll interval; r->cancelled tells the caller. */
      if (saddle_event_poll_due (&r->last_poll) && !saddle_newton_progress (r, 0.0))
        return FALSE;
      for (gsize i = 0; i < r->n; i++)
        r->trial[i] = theta[i] + alpha * r->delta[i];

      f = saddle_newton_gradient_norm2 (r, r->trial, r->g_trial, &loss);
      if (!isnan (f) && f < r->f && f <= r->f - 2.0 * ARMIJO * alpha * decrease)
        {
          double *swap = r->g;

          memcpy (theta, r->trial, r->n * sizeof (double));
          r->g = r->g_trial;
          r->g_trial = swap;
          r->f = f;
          r->loss = loss;
          return TRUE;
        }
    }

  return FALSE;
}

/* Room for the dense Hessian and dsyevd's eigenvector workspace (1 + 6n + 2n² doubles,
 * 3 + 5n ints) beside it? */
static gboolean
dense_fits (gsize n)
{
  gsize work;

  if (n > SADDLE_NEWTON_DENSE_MAX)
    return FALSE;
  work = (1 + 6 * n + 2 * n * n) * sizeof (double) + (3 + 5 * n) * sizeof (lapack_int)
         + 8 * n * sizeof (double);
  return saddle_hessian_check_memory (n, work, NULL);
}

gboolean
saddle_newton_dense_decompose (Refine  *r,
                               double  *h,
                               GError **error)
{
  const int n = (int) r->n;
  lapack_int info;

  /* H is symmetric, so its row-major buffer is also its column-major self;
   * dsyevd returns the eigenvectors as columns in column-major order, i.e.
   * v_i is row i of the buffer read row-major. */
  info = LAPACKE_dsyevd (LAPACK_COL_MAJOR, 'V', 'U', n, h, n, r->eigenvalues);
  if (info == 0)
    return TRUE;

  if (info == LAPACK_WORK_MEMORY_ERROR)
    g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
                 "Not enough memory for the eigenvectors of the %d × %d Hessian in the "
                 "Newton refinement; use the MINRES method or a smaller model", n, n);
  else
    g_set_error (error, SADDLE_SPECTRUM_ERROR, SADDLE_SPECTRUM_ERROR_LAPACK,
                 "The eigensolver (dsyevd) failed in the Newton refinement (info %d)",
                 (int) info);
  return FALSE;
}

/* One step from θ through an eigendecomposition (@vectors, r->eigenvalues) of the Hessian at
 * θ or at an earlier point (a chord step). TRUE if θ moved, with *@full when the step taken
 * was the whole pseudo-inverse Newton step and *@small when it lowered ‖∇L‖ by less than
 * NEWTON_MIN_PROGRESS; FALSE if no trial lowered ‖∇L‖. */
static gboolean
dense_step (Refine       *r,
            double       *theta,
            const double *vectors,
            gboolean     *full,
            gboolean     *small)
{
  const int n = (int) r->n;
  const double *w = r->eigenvalues;
  double *coef = r->coef;
  double *s = r->scaled;
  double max_abs, cut, mu_max, best_f, best_loss = NAN;
  gboolean best_full = FALSE;

  *full = *small = FALSE;

  max_abs = MAX (fabs (w[0]), fabs (w[n - 1]));
  if (!(max_abs > 0.0) || !isfinite (max_abs))
    return FALSE;

  cblas_dgemv (CblasRowMajor, CblasNoTrans, n, n, 1.0, vectors, n, r->g, 1, 0.0, coef, 1);

  /* Every trial below costs one gradient, the decomposition about n of
   * them, so many trials are cheap: the whole Levenberg path from the
   * pseudo-inverse Newton step (μ = 0: Newton within the range of H, nothing
   * along its near-null space, where 1/λ is rounding noise blown up) to
   * nearly steepest descent on ‖∇L‖² (δ = −(H² + μ)⁻¹·H·∇L, the
   * Gauss–Newton step for the residual ∇L whose Jacobian is H), each with
   * backtracking. The best trial wins: on a ReLU net the gradient jumps
   * where a sample crosses a unit's kink, and along a flat direction the
   * cubic term soon outweighs λ, so the quadratic model holds only so far
   * and no single rule picks the step. */
  cut = r->settings->newton_cutoff * max_abs;
  mu_max = max_abs * max_abs;
  best_f = r->f;
  for (int level = 0; level <= LEVENBERG_LEVELS; level++)
    {
      double decades = LEVENBERG_DECADES * (LEVENBERG_LEVELS - level) / (LEVENBERG_LEVELS - 1);
      double mu = level == 0 ? 0.0 : mu_max * pow (10.0, -decades);
      double alpha = 1.0;

      for (int i = 0; i < n; i++)
        s[i] = fabs (w[i]) > cut ? w[i] * coef[i] / (w[i] * w[i] + mu) : 0.0;
      cblas_dgemv (CblasRowMajor, CblasTrans, n, n, -1.0, vectors, n, s, 1, 0.0, r->delta, 1);

      for (int k = 0; k <= TRIAL_HALVINGS; k++, alpha *= 0.5)
        {
          double loss = NAN, f;

          for (int i = 0; i < n; i++)
            r->trial[i] = theta[i] + alpha * r->delta[i];
          f = saddle_newton_gradient_norm2 (r, r->trial, r->g_trial, &loss);
          if (!isnan (f) && f < best_f)
            {
              double *swap;

              best_f = f;
              best_loss = loss;
              best_full = level == 0 && k == 0;
              swap = r->best;
              r->best = r->trial;
              r->trial = swap;
              swap = r->g_best;
              r->g_best = r->g_trial;
              r->g_trial = swap;
            }
        }
    }

  if (!(best_f < r->f))
    return FALSE;

  *full = best_full;
  *small = sqrt (best_f) > (1.0 - NEWTON_MIN_PROGRESS) * sqrt (r->f);

  {
    double *swap = r->g;

    memcpy (theta, r->best, r->n * sizeof (double));
    r->g = r->g_best;
    r->g_best = swap;
    r->f = best_f;
    r->loss = best_loss;
  }
  return TRUE;
}

gboolean
saddle_newton_apply_hessian (Refine       *r,
                             const double *theta,
                             const double *v,
                             double       *out,
                             GError      **error)
{
  saddle_model_hvp (r->model, theta, r->batch, v, 1, out, NULL);
  if (!saddle_stats_all_finite (out, r->n))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                   "A Hessian-vector product became NaN or infinite in the Newton "
                   "refinement (step %u)", r->iteration);
      return FALSE;
    }
  return TRUE;
}

/* The Hessian at θ as a SaddleMinresOperatorFunc, with a PROGRESS event (share @max_iter) before
 * every MINRES_EVENT_EVERY-th product after the first. */
typedef struct
{
  Refine       *r;
  const double *theta;
  guint         products;
  guint         max_iter;
} HessianOperator;

static gboolean
hessian_operator (const double *v,
                  double       *hv,
                  gpointer      user_data,
                  GError      **error)
{
  HessianOperator *op = user_data;
  guint done = op->products++;

  if (saddle_newton_solve_event_due (op->r, done)
      && !saddle_newton_progress (op->r, (double) done / op->max_iter))
    {
      saddle_newton_set_cancelled (op->r, error);
      return FALSE;
    }
  return saddle_newton_apply_hessian (op->r, op->theta, v, hv, error);
}

/* MINRES (saddle-minres.c) for H·x = @b from x = 0, H applied by HVPs at θ, to @rtol or
 * @max_iter HVPs. Every iterate is a descent direction for ‖∇L‖² when b = −∇L (Liu & Roosta,
 * Newton-MR), so a capped solve still serves. FALSE only on cancel or a non-finite HVP. */
static gboolean
minres (Refine             *r,
        const double       *theta,
        const double       *b,
        double              rtol,
        guint               max_iter,
        double             *x,
        SaddleMinresResult *result,
        GError            **error)
{
  HessianOperator op = { r, theta, 0, max_iter };

  return saddle_minres_solve (r->n, hessian_operator, &op, b, rtol, max_iter, x, result, error);
}

/* One Newton-MR step: δ from MINRES on H·δ = −∇L, then the line search; steepest descent
 * on ‖∇L‖² (δ = −α·H·∇L) if that fails. TRUE if θ moved (with *@stalled if by less than
 * NEWTON_MIN_PROGRESS); FALSE with *@stalled if nothing lowered ‖∇L‖, else with @error. */
static gboolean
minres_step (Refine    *r,
             double    *theta,
             gboolean  *stalled,
             GError   **error)
{
  const gsize n = r->n;
  guint max_iter = r->settings->newton_minres_iterations > 0
    ? r->settings->newton_minres_iterations : MINRES_DEFAULT_ITER;
  double *hd = r->coef;
  double *hg = r->scaled;
  double gnorm = sqrt (r->f);
  double rtol, decrease, hd2;

  *stalled = FALSE;

  /* Inexact Newton: a loose solve far away, a tight one near ∇L = 0, so the
   * convergence is still superlinear. */
  rtol = CLAMP (sqrt (gnorm), 1e-12, 0.1);
  for (gsize i = 0; i < n; i++)
    r->trial[i] = -r->g[i];
  if (!minres (r, theta, r->trial, rtol, max_iter, r->delta, NULL, error))
    return FALSE;

  /* The slope of ‖∇L‖² along δ is 2·∇Lᵀ·H·δ. */
  if (!saddle_newton_apply_hessian (r, theta, r->delta, hd, error))
    return FALSE;
  decrease = -cblas_ddot ((int) n, r->g, 1, hd, 1);
  if (line_search (r, theta, decrease, NEWTON_HALVINGS))
    {
      *stalled = sqrt (r->f) > (1.0 - NEWTON_MIN_PROGRESS) * gnorm;
      return TRUE;
    }
  if (r->cancelled)
    {
      saddle_newton_set_cancelled (r, error);
      return FALSE;
    }

  /* Steepest descent on ‖∇L‖²: δ = −H·∇L, scaled to the minimiser of
   * ‖∇L + α·H·δ‖² (the linear model of ∇L along it). */
  if (!saddle_newton_apply_hessian (r, theta, r->g, hg, error))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    r->delta[i] = -hg[i];
  if (!saddle_newton_apply_hessian (r, theta, r->delta, hd, error))
    return FALSE;
  decrease = cblas_ddot ((int) n, hg, 1, hg, 1);
  hd2 = cblas_ddot ((int) n, hd, 1, hd, 1);
  if (decrease > 0.0 && hd2 > 0.0)
    {
      double alpha = decrease / hd2;

      cblas_dscal ((int) n, alpha, r->delta, 1);
      if (line_search (r, theta, alpha * decrease, NEWTON_HALVINGS))
        {
          *stalled = sqrt (r->f) > (1.0 - NEWTON_MIN_PROGRESS) * gnorm;
          return TRUE;
        }
      if (r->cancelled)
        {
          saddle_newton_set_cancelled (r, error);
          return FALSE;
        }
    }

  *stalled = TRUE;
  return FALSE;
}

gboolean
saddle_newton_refine (SaddleModel                  *model,
                      double                       *theta,
                      const SaddleBatch            *batch,
                      const SaddleCriticalSettings *settings,
                      guint                         run,
                      guint                         first_step,
                      SaddleEventFunc               func,
                      gpointer                      user_data,
                      guint                        *steps,
                      GError                      **error)
{
  g_autofree double *memory = NULL;
  g_autofree double *vectors = NULL;   /* (n, n): the Hessian's eigenvectors, rows */
  SaddleNewtonMethod method;
  gboolean fresh = FALSE;              /* vectors were computed at the current θ */
  guint chords = 0;                    /* chord steps taken with these vectors */
  guint iterations = 0;                /* Hessians built (dense) or MINRES solves */
  Refine r;
  guint taken = 0;                     /* steps accepted, chord steps included */
  gsize n;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (steps != NULL)
    *steps = 0;

  if (!saddle_critical_check_batch (model, batch, error) || !saddle_newton_check_settings (settings, error))
    return FALSE;

  n = saddle_model_n_params (model);
  memory = g_new (double, 9 * n);

  saddle_newton_refine_init (&r, model, batch, settings);
  r.func = func;
  r.user_data = user_data;
  r.run = run;
  r.g = memory;
  r.trial = memory + n;
  r.g_trial = memory + 2 * n;
  r.delta = memory + 3 * n;
  r.coef = memory + 4 * n;
  r.scaled = memory + 5 * n;
  r.eigenvalues = memory + 6 * n;
  r.best = memory + 7 * n;
  r.g_best = memory + 8 * n;

  r.f = saddle_newton_gradient_norm2 (&r, theta, r.g, &r.loss);
  if (isnan (r.f))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                   "The loss or its gradient is not finite where the Newton refinement "
                   "starts (did training diverge?)");
      return FALSE;
    }

  /* On a ReLU net the Hessian is constant between kinks and the gradient
   * jumps at them, so a dense quadratic model buys nothing: on the default
   * function task DENSE ends at the same ‖∇L‖ as MINRES (the run ends when
   * samples start crossing kinks) while each iteration builds and decomposes
   * the whole Hessian, 20–60× the time. Smooth nets up to dense size get
   * dense LM: on the README's 1-2-1 tanh recipe (10 runs, 100 Hessians) it
   * reached ‖∇L‖ ≤ 1e-8 in 8 (DENSE 6, MINRES 3). */
  method = settings->newton_method;
  if (method == SADDLE_NEWTON_AUTO)
    method = saddle_model_activation (model) != SADDLE_ACTIVATION_RELU && dense_fits (n)
           ? SADDLE_NEWTON_LM : SADDLE_NEWTON_MINRES;

  if (method == SADDLE_NEWTON_LM)
    {
      gboolean ok = saddle_newton_lm_refine (&r, theta, dense_fits (n), first_step, &taken, error);

      if (steps != NULL)
        *steps = taken;
      return ok;
    }

  while (sqrt (r.f) > settings->newton_tolerance)
    {
      gboolean stalled = FALSE;
      gboolean moved;

      r.iteration = iterations;

      if (method == SADDLE_NEWTON_DENSE)
        {
          gboolean full = FALSE, small = FALSE;

          if (vectors == NULL)
            {
              g_autoptr(GError) local_error = NULL;

              if (iterations >= settings->newton_steps)
                break;

              vectors = saddle_hessian_dense (model, theta, batch, settings->hessian_block,
                                              saddle_newton_hessian_progress_cb, &r, NULL,
                                              &local_error);
              if (vectors == NULL)
                {
                  if (r.cancelled)
                    {
                      saddle_newton_set_cancelled (&r, error);
                      return FALSE;
                    }
                  /* Memory can shrink between the check and the build: go on
                   * without the matrix rather than fail the whole point. */
                  if (settings->newton_method == SADDLE_NEWTON_AUTO &&
                      g_error_matches (local_error, SADDLE_HESSIAN_ERROR,
                                       SADDLE_HESSIAN_ERROR_TOO_LARGE))
                    {
                      method = SADDLE_NEWTON_MINRES;
                      continue;
                    }
                  if (g_error_matches (local_error, SADDLE_HESSIAN_ERROR,
                                       SADDLE_HESSIAN_ERROR_NOT_FINITE))
                    g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                                 "%s", local_error->message);
                  else
                    g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
              if (!saddle_newton_dense_decompose (&r, vectors, error))
                return FALSE;
              iterations++;
              fresh = TRUE;
              chords = 0;
            }

          moved = dense_step (&r, theta, vectors, &full, &small);
          if (!moved && !fresh)
            {
              /* The old curvature has run out: rebuild it here. */
              g_clear_pointer (&vectors, g_free);
              continue;
            }
          stalled = !moved || (small && fresh);

          /* A whole Newton step means the quadratic model held: fresh
           * curvature keeps the convergence quadratic. A shorter or damped
           * step moved less than the model's reach, where the Hessian has
           * hardly changed, so the next step reuses its eigenvectors (a
           * chord step: gradients only) until they stop helping. */
          if (moved && (full || small || (!fresh && ++chords >= NEWTON_CHORD_MAX)))
            g_clear_pointer (&vectors, g_free);
          fresh = FALSE;
        }
      else
        {
          if (iterations >= settings->newton_steps)
            break;
          iterations++;
          moved = minres_step (&r, theta, &stalled, error);
          if (!moved && !stalled)
            return FALSE;
        }

      if (!moved)
        break;   /* no step lowers ‖∇L‖: rounding level, or no critical point in reach */

      taken++;
      if (steps != NULL)
        *steps = taken;

      if (!saddle_event_emit_descent (func, user_data, run, first_step + taken, r.loss, sqrt (r.f),
                         "newton"))
        {
          r.iteration = taken;
          saddle_newton_set_cancelled (&r, error);
          return FALSE;
        }

      if (stalled)
        break;
    }

  return TRUE;
}

gboolean
saddle_newton_reach (SaddleModel             *model,
                     const double            *theta,
                     const SaddleBatch       *batch,
                     const double            *grad,
                     SaddleEventFunc          func,
                     gpointer                 user_data,
                     SaddleNewtonReach       *reach,
                     GError                 **error)
{
  SaddleCriticalSettings settings;
  SaddleMinresResult result;
  HessianOperator op;
  g_autofree double *memory = NULL;
  double *delta, *b, *residual;
  gsize n;
  Refine r;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL && batch != NULL && grad != NULL, FALSE);
  g_return_val_if_fail (reach != NULL, FALSE);

  n = saddle_model_n_params (model);
  reach->gradient = norm2 (grad, n);
  reach->distance = 0.0;
  reach->residual = 0.0;
  reach->iterations = 0;
  reach->converged = TRUE;
  reach->tolerance = SADDLE_NEWTON_REACH_TOLERANCE;
  reach->kinks_crossed = 0;
  if (reach->gradient == 0.0)
    return TRUE;

  memory = g_try_new (double, 3 * n);
  if (memory == NULL)
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "Not enough memory for three vectors of %" G_GSIZE_FORMAT " parameters", n);
      return FALSE;
    }
  delta = memory;
  b = memory + n;
  residual = memory + 2 * n;

  /* A diagnosis at one point, not a refinement: PROGRESS events only, for Stop. Its
   * iteration count is 1, so their fraction is the share of the cap. */
  saddle_critical_settings_init (&settings);
  settings.newton_steps = 1;
  saddle_newton_refine_init (&r, model, batch, &settings);
  r.func = func;
  r.user_data = user_data;
  r.message = N_("newton reach");
  op.r = &r;
  op.theta = theta;
  op.products = 0;
  op.max_iter = SADDLE_NEWTON_REACH_MAX_ITER;
  for (gsize i = 0; i < n; i++)
    b[i] = -grad[i];
  if (!saddle_minres_solve (n, hessian_operator, &op, b, SADDLE_NEWTON_REACH_TOLERANCE,
                            SADDLE_NEWTON_REACH_MAX_ITER, delta, &result, error))
    return FALSE;
  reach->iterations = result.iterations;
  reach->converged = result.converged;

  /* The residual measured, not MINRES's running estimate: with ∇L in the kernel of H the
   * estimate says 0 where δ = 0 leaves all of ∇L. After a least-squares stop, δ also loses
   * its component along that residual (the only one outside the range MINRES can add), so
   * ‖δ‖ is the pseudo-inverse step's. A solve stopped for diverging is in the same place: its
   * δ is the iterate of least ‖H·r‖, below 1e-8·‖H‖·‖r‖. */
  if (result.stop == SADDLE_MINRES_STOP_LEAST_SQUARES
      || result.stop == SADDLE_MINRES_STOP_DIVERGED)
    {
      if (!saddle_minres_min_length (n, hessian_operator, &op, b, delta, residual, NULL, error))
        return FALSE;
    }
  else
    {
      if (!saddle_newton_apply_hessian (&r, theta, delta, residual, error))
        return FALSE;
      cblas_daxpy ((int) n, 1.0, grad, 1, residual, 1);
    }
  reach->residual = norm2 (residual, n) / reach->gradient;

  reach->distance = norm2 (delta, n);
  for (gsize i = 0; i < n; i++)
    b[i] = theta[i] + delta[i];
  reach->kinks_crossed = saddle_model_count_kinks_crossed (model, theta, b, batch);
  return TRUE;
}

gboolean
saddle_newton_reach_found (const SaddleNewtonReach *reach)
{
  g_return_val_if_fail (reach != NULL, FALSE);

  return reach->residual <= SADDLE_NEWTON_REACH_RESIDUAL
         || reach->residual * reach->gradient <= SADDLE_CRITICAL_REACHED_GRAD_NORM;
}

gboolean
saddle_newton_reach_diverged (const SaddleNewtonReach *reach)
{
  g_return_val_if_fail (reach != NULL, FALSE);

  return !reach->converged && reach->iterations > 0
         && reach->iterations < SADDLE_NEWTON_REACH_MAX_ITER;
}

const char *
saddle_newton_method_to_string (SaddleNewtonMethod method)
{
  switch (method)
    {
    case SADDLE_NEWTON_AUTO:
      return "auto";
    case SADDLE_NEWTON_DENSE:
      return "dense";
    case SADDLE_NEWTON_MINRES:
      return "minres";
    case SADDLE_NEWTON_LM:
      return "lm";
    default:
      return NULL;
    }
}

gboolean
saddle_newton_method_from_string (const char         *name,
                                  SaddleNewtonMethod *method)
{
  static const SaddleNewtonMethod methods[] = {
    SADDLE_NEWTON_AUTO, SADDLE_NEWTON_DENSE, SADDLE_NEWTON_MINRES, SADDLE_NEWTON_LM,
  };

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_ascii_strcasecmp (name, saddle_newton_method_to_string (methods[i])) == 0)
      {
        if (method != NULL)
          *method = methods[i];
        return TRUE;
      }

  return FALSE;
}
