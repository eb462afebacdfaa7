/* saddle-newton-lm.c — Levenberg–Marquardt steps of the Newton refinement:
 * (H² + μI)·δ = −H·∇L, dense through the eigendecomposition or by CG with HVPs
 */
#define G_LOG_DOMAIN "saddle-newton"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-hessian.h"
#include "saddle-newton-private.h"
#include "saddle-stats.h"

/* LM: rejections in a row, and accepted steps in a row lowering ‖∇L‖ by less than
 * NEWTON_MIN_PROGRESS, that end the refinement. */
#define LM_MAX_REJECTS       20
#define LM_STALL_STEPS       5

/* Dense LM: further steps on one Hessian's eigenvectors while the gain ratio stays at least
 * LM_CHORD_RHO, at most LM_CHORD_MAX of them. */
#define LM_CHORD_MAX         5
#define LM_CHORD_RHO         0.25

/* Dense LM: the bolder trial's damping, as a share of μ. */
#define LM_BOLD              0.1

/* Dense LM's geodesic acceleration: the finite-difference step along v, and the largest
 * 2‖a‖/‖v‖ accepted (Transtrum & Sethna's suggested 0.1 and 0.75). */
#define LM_GEODESIC_H        0.1
#define LM_GEODESIC_RATIO    0.75

/* CG on (H² + μ·I)·δ = −@hg from δ = 0 (two HVPs an iteration) to ‖residual‖ ≤ @rtol·‖hg‖
 * or @max_iter iterations, with a PROGRESS event every MINRES_EVENT_EVERY iterations. H² + μ·I
 * is positive definite for μ > 0, so CG applies and every iterate lowers the LM model. */
static gboolean
lm_cg (Refine       *r,
       const double *theta,
       const double *hg,
       double        mu,
       double        rtol,
       guint         max_iter,
       double       *delta,
       guint        *iterations,
       GError      **error)
{
  const gsize n = r->n;
  g_autofree double *memory = g_new (double, 4 * n);
  double *res = memory;          /* −H·g − (H² + μ)·δ */
  double *p = memory + n;        /* search direction */
  double *hp = memory + 2 * n;   /* H·p */
  double *ap = memory + 3 * n;   /* (H² + μ)·p */
  double rr, target;
  guint k;

  memset (delta, 0, n * sizeof (double));
  for (gsize i = 0; i < n; i++)
    res[i] = -hg[i];
  memcpy (p, res, n * sizeof (double));
  rr = cblas_ddot ((int) n, res, 1, res, 1);
  target = rtol * rtol * rr;

  for (k = 0; k < max_iter && rr > target && rr > 0.0; k++)
    {
      double pap, alpha, rr_new;

      if (saddle_newton_solve_event_due (r, k) && !saddle_newton_progress (r, (double) k / max_iter))
        {
          saddle_newton_set_cancelled (r, error);
          return FALSE;
        }
      if (!saddle_newton_apply_hessian (r, theta, p, hp, error))
        return FALSE;
      /* Between the two products too: one is already as long as a poll interval may be. */
      if (saddle_event_poll_due (&r->last_poll) && !saddle_newton_progress (r, (k + 0.5) / max_iter))
        {
          saddle_newton_set_cancelled (r, error);
          return FALSE;
        }
      if (!saddle_newton_apply_hessian (r, theta, hp, ap, error))
        return FALSE;
      cblas_daxpy ((int) n, mu, p, 1, ap, 1);
      pap = cblas_ddot ((int) n, p, 1, ap, 1);
      if (!(pap > 0.0))
        break;   /* rounding has eaten the curvature: keep the iterate so far */
      alpha = rr / pap;
      cblas_daxpy ((int) n, alpha, p, 1, delta, 1);
      cblas_daxpy ((int) n, -alpha, ap, 1, res, 1);
      rr_new = cblas_ddot ((int) n, res, 1, res, 1);
      cblas_dscal ((int) n, rr_new / rr, p, 1);
      cblas_daxpy ((int) n, 1.0, res, 1, p, 1);
      rr = rr_new;
    }

  if (iterations != NULL)
    *iterations = k;
  return TRUE;
}

/* The full Hessian at θ into *@vectors, replaced by its eigenvectors (rows) with
 * r->eigenvalues. FALSE with *@too_large (and no error) when it does not fit and the caller
 * may go on without it; else FALSE with @error. */
static gboolean
lm_dense_curvature (Refine        *r,
                    const double  *theta,
                    double       **vectors,
                    gboolean      *too_large,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  *too_large = FALSE;
  *vectors = saddle_hessian_dense (r->model, theta, r->batch, r->settings->hessian_block,
                                   saddle_newton_hessian_progress_cb, r, NULL, &local_error);
  if (*vectors == NULL)
    {
      if (r->cancelled)
        saddle_newton_set_cancelled (r, error);
      else if (g_error_matches (local_error, SADDLE_HESSIAN_ERROR,
                                SADDLE_HESSIAN_ERROR_TOO_LARGE))
        {
          *too_large = TRUE;
          g_propagate_error (error, g_steal_pointer (&local_error));
        }
      else if (g_error_matches (local_error, SADDLE_HESSIAN_ERROR,
                                SADDLE_HESSIAN_ERROR_NOT_FINITE))
        g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                     "%s", local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!saddle_newton_dense_decompose (r, *vectors, error))
    {
      g_clear_pointer (vectors, g_free);
      return FALSE;
    }
  return TRUE;
}

/* Dense LM trial at damping @mu: the step v = −Σ λ_i·c_i/(λ_i² + μ)·v_i (c = r->coef), plus
 * half its geodesic acceleration a = −(H² + μ)⁻¹·H·r_vv, r_vv the second derivative of ∇L
 * along v by a finite difference over LM_GEODESIC_H·v (Transtrum & Sethna 2012: the path
 * bends with a curved valley instead of leaving it), into r->delta; θ + δ into @trial and ∇L
 * there into @g_trial. Returns ‖∇L(θ + δ)‖² (NAN if not finite, or if 2‖a‖/‖v‖ exceeds
 * LM_GEODESIC_RATIO: the model is not trusted that far) and the fall of ½‖∇L‖² the linear
 * model predicts for v, ½·Σ c_i²·(1 − (μ/(λ_i² + μ))²), in *@pred. Rounding-level λ (under the
 * cutoff) are left out, as in the DENSE step. Two gradients. */
static double
lm_dense_trial (Refine       *r,
                const double *theta,
                const double *vectors,
                double        max_abs,
                double        mu,
                double       *trial,
                double       *g_trial,
                double       *pred,
                double       *loss)
{
  const gsize n = r->n;
  const double *w = r->eigenvalues;
  double cut = r->settings->newton_cutoff * max_abs;

  *pred = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double c = r->coef[i], l2 = w[i] * w[i], q = mu / (l2 + mu);

      if (fabs (w[i]) > cut)
        {
          r->scaled[i] = w[i] * c / (l2 + mu);
          *pred += 0.5 * c * c * (1.0 - q * q);
        }
      else
        r->scaled[i] = 0.0;
    }
  cblas_dgemv (CblasRowMajor, CblasTrans, (int) n, (int) n, -1.0, vectors, (int) n,
               r->scaled, 1, 0.0, r->delta, 1);

  {
    g_autofree double *memory = g_new (double, 2 * n);
    double *rvv = memory;          /* ∇L(θ + h·v), then r_vv */
    double *work = memory + n;     /* H·v, then coefficients, then a */
    double ignored, h = LM_GEODESIC_H;

    for (gsize i = 0; i < n; i++)
      trial[i] = theta[i] + h * r->delta[i];
    if (isnan (saddle_newton_gradient_norm2 (r, trial, rvv, &ignored)))
      return NAN;
    /* H·v = −Σ λ_i·s_i·v_i in the eigenbasis. */
    for (gsize i = 0; i < n; i++)
      g_trial[i] = -w[i] * r->scaled[i];
    cblas_dgemv (CblasRowMajor, CblasTrans, (int) n, (int) n, 1.0, vectors, (int) n, g_trial,
                 1, 0.0, work, 1);
    for (gsize i = 0; i < n; i++)
      rvv[i] = (2.0 / h) * ((rvv[i] - r->g[i]) / h - work[i]);
    cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) n, (int) n, 1.0, vectors, (int) n, rvv, 1,
                 0.0, work, 1);
    for (gsize i = 0; i < n; i++)
      g_trial[i] = fabs (w[i]) > cut ? w[i] * work[i] / (w[i] * w[i] + mu) : 0.0;
    cblas_dgemv (CblasRowMajor, CblasTrans, (int) n, (int) n, -1.0, vectors, (int) n, g_trial,
                 1, 0.0, work, 1);
    if (2.0 * norm2 (work, n) > LM_GEODESIC_RATIO * norm2 (r->delta, n))
      return NAN;
    cblas_daxpy ((int) n, 0.5, work, 1, r->delta, 1);
  }

  for (gsize i = 0; i < n; i++)
    trial[i] = theta[i] + r->delta[i];
  return saddle_newton_gradient_norm2 (r, trial, g_trial, loss);
}

gboolean
saddle_newton_lm_refine (Refine   *r,
                         double   *theta,
                         gboolean  dense,
                         guint     first_step,
                         guint    *taken,
                         GError  **error)
{
  const gsize n = r->n;
  const SaddleCriticalSettings *settings = r->settings;
  guint max_cg = settings->newton_minres_iterations > 0
    ? settings->newton_minres_iterations : MINRES_DEFAULT_ITER;
  g_autofree double *vectors = NULL;   /* (n, n) eigenvectors as rows, dense only */
  double *hg = r->scaled;              /* H·∇L (CG) */
  double *hd = r->best;                /* H·δ (CG) */
  gboolean hg_fresh = FALSE;
  double mu = -1.0, nu = 2.0, max_abs = 0.0;
  guint iterations = 0, rejects = 0, slow = 0;
  guint chords = 0;                    /* steps taken on these eigenvectors after the first */

  while (sqrt (r->f) > settings->newton_tolerance)
    {
      double pred = 0.0, f_trial, loss = NAN, gnorm = sqrt (r->f), rho;

      r->iteration = iterations;
      /* Rejected steps announce nothing, and twenty of them can follow one another. */
      if (saddle_event_poll_due (&r->last_poll) && !saddle_newton_progress (r, 0.0))
        {
          saddle_newton_set_cancelled (r, error);
          return FALSE;
        }
      if (dense)
        {
          const double *w = r->eigenvalues;

          if (vectors == NULL)
            {
              gboolean too_large = FALSE;
              g_autoptr(GError) local_error = NULL;

              if (iterations >= settings->newton_steps)
                break;
              if (!lm_dense_curvature (r, theta, &vectors, &too_large, &local_error))
                {
                  /* Memory can shrink between the check and the build. */
                  if (too_large && settings->newton_method == SADDLE_NEWTON_AUTO)
                    {
                      dense = FALSE;
                      continue;
                    }
                  g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
              iterations++;
              chords = 0;
              max_abs = MAX (fabs (w[0]), fabs (w[n - 1]));
              if (!(max_abs > 0.0) || !isfinite (max_abs))
                break;   /* H = 0: no step has a model */
              if (mu < 0.0)
                mu = SADDLE_NEWTON_LM_MU0 * max_abs * max_abs;
            }
          cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) n, (int) n, 1.0, vectors, (int) n,
                       r->g, 1, 0.0, r->coef, 1);
          mu = MAX (mu, DBL_EPSILON * max_abs * max_abs);

          f_trial = lm_dense_trial (r, theta, vectors, max_abs, mu, r->trial, r->g_trial,
                                    &pred, &loss);
        }
      else
        {
          double rtol = CLAMP (sqrt (gnorm), 1e-12, 0.1);

          if (iterations >= settings->newton_steps)
            break;
          iterations++;
          if (!hg_fresh)
            {
              if (!saddle_newton_apply_hessian (r, theta, r->g, hg, error))
                return FALSE;
              hg_fresh = TRUE;
            }
          if (mu < 0.0)
            {
              /* ‖H·∇L‖²/‖∇L‖²: a Rayleigh quotient of H², at most max λ². */
              double scale = cblas_ddot ((int) n, hg, 1, hg, 1) / r->f;

              if (!(scale > 0.0))
                break;   /* H·∇L = 0: gradient-flat, no LM step */
              mu = SADDLE_NEWTON_LM_MU0 * scale;
            }
          if (!lm_cg (r, theta, hg, mu, rtol, max_cg, r->delta, NULL, error))
            return FALSE;
          if (!saddle_newton_apply_hessian (r, theta, r->delta, hd, error))
            return FALSE;
          /* ½‖g‖² − ½‖g + H·δ‖² = −(H·g)ᵀδ − ½‖H·δ‖². */
          pred = -cblas_ddot ((int) n, hg, 1, r->delta, 1)
                 - 0.5 * cblas_ddot ((int) n, hd, 1, hd, 1);
          for (gsize i = 0; i < n; i++)
            r->trial[i] = theta[i] + r->delta[i];
          f_trial = saddle_newton_gradient_norm2 (r, r->trial, r->g_trial, &loss);
        }

      rho = pred > 0.0 && !isnan (f_trial) ? 0.5 * (r->f - f_trial) / pred : -1.0;

      /* Dense: after a step the model accepts, one bolder trial at μ·LM_BOLD (one gradient,
       * the eigenpairs are at hand) is taken instead when it lowers ‖∇L‖ further. The gain
       * ratio alone keeps μ where the model is only half right (ρ ≈ ½), which along a
       * curved valley means steps far shorter than the model allows. */
      if (dense && rho > 0.0 && f_trial < r->f)
        {
          double pred_bold, loss_bold = NAN, f_bold;

          f_bold = lm_dense_trial (r, theta, vectors, max_abs, mu * LM_BOLD, r->best,
                                   r->g_best, &pred_bold, &loss_bold);
          if (!isnan (f_bold) && f_bold < f_trial && pred_bold > 0.0)
            {
              double *swap = r->trial;

              r->trial = r->best;
              r->best = swap;
              swap = r->g_trial;
              r->g_trial = r->g_best;
              r->g_best = swap;
              f_trial = f_bold;
              loss = loss_bold;
              mu *= LM_BOLD;
              rho = 0.5 * (r->f - f_trial) / pred_bold;
            }
        }

      if (rho > 0.0 && f_trial < r->f)
        {
          double *swap = r->g;
          double t = 2.0 * rho - 1.0;

          memcpy (theta, r->trial, n * sizeof (double));
          r->g = r->g_trial;
          r->g_trial = swap;
          r->f = f_trial;
          r->loss = loss;
          mu *= MAX (1.0 / 3.0, 1.0 - t * t * t);
          nu = 2.0;
          rejects = 0;
          /* A model that held (ρ ≥ LM_CHORD_RHO) serves the next steps too, up to
           * LM_CHORD_MAX of them (a lagged Jacobian, as in multi-step LM): along a curved
           * valley the steps are short, the Hessian hardly changes, and a fresh one per
           * step would spend the budget of Hessians in a fraction of the way. */
          if (rho < LM_CHORD_RHO || ++chords > LM_CHORD_MAX)
            g_clear_pointer (&vectors, g_free);
          hg_fresh = FALSE;

          (*taken)++;
          if (!saddle_event_emit_descent (r->func, r->user_data, r->run, first_step + *taken, r->loss,
                             sqrt (r->f), "newton"))
            {
              r->iteration = *taken;
              saddle_newton_set_cancelled (r, error);
              return FALSE;
            }
          slow = sqrt (r->f) > (1.0 - NEWTON_MIN_PROGRESS) * gnorm ? slow + 1 : 0;
          if (slow >= LM_STALL_STEPS)
            break;
        }
      else if (dense && chords > 0)
        g_clear_pointer (&vectors, g_free);   /* the old curvature failed: fresh, same μ */
      else
        {
          mu *= nu;
          nu *= 2.0;
          if (++rejects >= LM_MAX_REJECTS || !isfinite (mu))
            break;
        }
    }

  return TRUE;
}

gboolean
saddle_newton_lm_step (SaddleModel       *model,
                       const double      *theta,
                       const SaddleBatch *batch,
                       const double      *grad,
                       double             mu,
                       double             rtol,
                       guint              max_iterations,
                       double            *delta,
                       guint             *iterations,
                       GError           **error)
{
  SaddleCriticalSettings settings;
  g_autofree double *hg = NULL;
  Refine r;

  g_return_val_if_fail (model != NULL && theta != NULL && batch != NULL, FALSE);
  g_return_val_if_fail (grad != NULL && delta != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(mu > 0.0) || !isfinite (mu) || !(rtol >= 0.0 && rtol < 1.0))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The Levenberg–Marquardt damping must be positive and finite and the CG "
                   "tolerance in [0, 1) (got μ = %g, tolerance %g)", mu, rtol);
      return FALSE;
    }
  if (!saddle_critical_check_batch (model, batch, error))
    return FALSE;

  saddle_critical_settings_init (&settings);
  saddle_newton_refine_init (&r, model, batch, &settings);
  hg = g_new (double, r.n);
  if (!saddle_newton_apply_hessian (&r, theta, grad, hg, error))
    return FALSE;
  return lm_cg (&r, theta, hg, mu, rtol, max_iterations, delta, iterations, error);
}
