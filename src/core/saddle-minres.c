/* saddle-minres.c — MINRES for a symmetric system A·x = b given only as an operator */
#define G_LOG_DOMAIN "saddle-minres"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-stats.h"
#include "saddle-minres.h"

/* A pivot γ at or below this times ‖A‖ is rounding, not curvature. */
#define PIVOT_ROUNDING (100.0 * DBL_EPSILON)

/* On a singular system with b outside the range, the least-squares measure ‖A·r‖/(‖A‖·‖r‖)
 * stalls at the level rounding allows, and once the Lanczos vectors have lost orthogonality
 * the directions w_k grow without bound: x runs off along the kernel (to 1e16 on a 64 × 64
 * test system) while the residual estimate drops below what any x can reach (Choi, Paige and
 * Saunders, MINRES-QLP, 2011, describe this instability). Whether it happens within a
 * tolerance depends on rounding alone: in tests/test-minres.c it did with OpenBLAS's AVX-512
 * kernels at rtol 1e-10 and not with its AVX2 ones, and it does with both at 1e-14. So, once
 * the measure is below DIVERGENCE_WATCH, the iterate of least measure is kept, and growth of
 * ‖x‖ by DIVERGENCE_GROWTH past it ends the solve with that iterate. The watch starts where
 * only rounding is left to fit, below the tolerance of Newton's inexact solves until
 * ‖∇L‖ < 1e-16 (they ask √‖∇L‖, 0.1 down to 1e-12), whose early iterates may grow tenfold by
 * right; before it nothing is copied. */
#define DIVERGENCE_WATCH 1e-8
#define DIVERGENCE_GROWTH 10.0

G_DEFINE_QUARK (saddle-minres-error-quark, saddle_minres_error)

static double
norm2 (const double *v,
       gsize         n)
{
  return cblas_dnrm2 ((int) n, v, 1);
}

static gboolean
apply (SaddleMinresOperatorFunc   op,
       gpointer                   user_data,
       gsize                      n,
       const double              *v,
       double                    *av,
       guint                      itn,
       GError                   **error)
{
  if (!op (v, av, user_data, error))
    return FALSE;
  if (!saddle_stats_all_finite (av, n))
    {
      g_set_error (error, SADDLE_MINRES_ERROR, SADDLE_MINRES_ERROR_NOT_FINITE,
                   "The operator returned NaN or infinity at MINRES iteration %u", itn);
      return FALSE;
    }
  return TRUE;
}

gboolean
saddle_minres_solve (gsize                      n,
                     SaddleMinresOperatorFunc   op,
                     gpointer                   user_data,
                     const double              *b,
                     double                     rtol,
                     guint                      max_iterations,
                     double                    *x,
                     SaddleMinresResult        *result,
                     GError                   **error)
{
  g_autofree double *memory = NULL;
  double *v, *r1, *r2, *y, *wa, *wb, *x_best;
  double beta1, beta, oldb = 0.0, dbar = 0.0, epsln = 0.0, phibar, cs = -1.0, sn = 0.0;
  double tnorm2 = 0.0;
  double best_measure = INFINITY, best_norm = 0.0;
  SaddleMinresResult own, best;

  g_return_val_if_fail (op != NULL && b != NULL && x != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (result == NULL)
    result = &own;
  memset (result, 0, sizeof *result);
  result->stop = SADDLE_MINRES_STOP_CAP;

  if (n == 0 || !(rtol >= 0.0 && rtol < 1.0))
    {
      g_set_error (error, SADDLE_MINRES_ERROR, SADDLE_MINRES_ERROR_INVALID,
                   "MINRES needs n > 0 and a relative tolerance in [0, 1) (got n = %"
                   G_GSIZE_FORMAT ", tolerance %g)", n, rtol);
      return FALSE;
    }

  memset (x, 0, n * sizeof (double));
  beta1 = norm2 (b, n);
  result->norm_b = beta1;
  if (beta1 == 0.0)
    {
      result->converged = TRUE;
      result->stop = SADDLE_MINRES_STOP_ZERO_RHS;
      return TRUE;
    }

  memory = g_new0 (double, 7 * n);
  v = memory;
  r1 = memory + n;       /* the Lanczos vector before last, unnormalised */
  r2 = memory + 2 * n;   /* the last one */
  y = memory + 3 * n;    /* the next one */
  wa = memory + 4 * n;   /* the direction w_k */
  wb = memory + 5 * n;   /* w_{k−1} */
  x_best = memory + 6 * n;

  memcpy (r1, b, n * sizeof (double));
  memcpy (r2, b, n * sizeof (double));
  beta = beta1;
  phibar = beta1;
  result->residual = beta1;

  for (guint itn = 1; itn <= max_iterations; itn++)
    {
      double alfa, oldeps, delta, gbar, root, gamma, phi, anorm;
      double *swap;

      for (gsize i = 0; i < n; i++)
        v[i] = r2[i] / beta;
      if (!apply ( op,
                   user_data,
                   n,
                   v,
                   y,
                   itn,
                   error))
        return FALSE;
      result->iterations = itn;
      if (itn >= 2)
        cblas_daxpy ((int) n, -beta / oldb, r1, 1, y, 1);
      alfa = cblas_ddot ((int) n, v, 1, y, 1);
      cblas_daxpy ((int) n, -alfa / beta, r2, 1, y, 1);

      /* r1 ← r2 ← y; the old r1 buffer is free for the next y. */
      swap = r1;
      r1 = r2;
      r2 = y;
      y = swap;

      oldb = beta;
      beta = norm2 (r2, n);
      tnorm2 += alfa * alfa + oldb * oldb + beta * beta;

      /* The previous plane rotation on the new column of the tridiagonal. */
      oldeps = epsln;
      delta = cs * dbar + sn * alfa;
      gbar = sn * dbar - cs * alfa;
      epsln = sn * beta;
      dbar = -cs * beta;
      root = hypot (gbar, dbar);
      anorm = sqrt (tnorm2);
      /* ‖A·r_{k−1}‖ = φ̄_{k−1}·root (Paige & Saunders, section 6). */
      result->normal = phibar * root;
      result->norm_a = anorm;
      if (root <= DIVERGENCE_WATCH * anorm && root < best_measure * anorm)
        {
          /* The measure is x_{k−1}'s, the x at hand. */
          best_measure = root / anorm;
          best_norm = norm2 (x, n);
          best = *result;
          memcpy (x_best, x, n * sizeof (double));
        }

      /* The next rotation, annihilating β. */
      gamma = hypot (gbar, beta);
      if (gamma == 0.0)
        gamma = DBL_EPSILON * sqrt (tnorm2);
      if (gamma == 0.0)
        {
          /* A·b = 0: nothing in the Krylov space lowers the residual; x = 0 is the answer. */
          result->converged = TRUE;
          result->stop = SADDLE_MINRES_STOP_KRYLOV;
          return TRUE;
        }
      /* x_{k−1} is a least-squares solution and the new pivot γ is rounding (b's Krylov
       * space closing inside the kernel): the update divides by γ and would throw x far
       * along a direction A maps to rounding, so stop before it. With a sound γ the update
       * is taken and the stop comes after it, as in Paige and Saunders' code. */
      if (root <= rtol * anorm && gamma <= PIVOT_ROUNDING * anorm)
        {
          result->converged = TRUE;
          result->stop = SADDLE_MINRES_STOP_LEAST_SQUARES;
          return TRUE;
        }
      cs = gbar / gamma;
      sn = beta / gamma;
      phi = cs * phibar;
      phibar = sn * phibar;
      result->residual = fabs (phibar);

      /* w_k = (v − ε·w_{k−2} − δ·w_{k−1}) / γ into the w_{k−2} buffer. */
      for (gsize i = 0; i < n; i++)
        wb[i] = (v[i] - oldeps * wb[i] - delta * wa[i]) / gamma;
      swap = wa;
      wa = wb;
      wb = swap;
      cblas_daxpy ((int) n, phi, wa, 1, x, 1);
      if (best_norm > 0.0 && norm2 (x, n) > DIVERGENCE_GROWTH * best_norm)
        {
          memcpy (x, x_best, n * sizeof (double));
          best.iterations = itn;
          best.converged = FALSE;
          best.stop = SADDLE_MINRES_STOP_DIVERGED;
          *result = best;
          return TRUE;
        }

      if (phibar <= rtol * beta1)
        result->stop = SADDLE_MINRES_STOP_RESIDUAL;
      else if (root <= rtol * anorm)
        result->stop = SADDLE_MINRES_STOP_LEAST_SQUARES;
      else if (beta == 0.0)
        result->stop = SADDLE_MINRES_STOP_KRYLOV;
      else
        continue;
      result->converged = TRUE;
      return TRUE;
    }

  return TRUE;
}

gboolean
saddle_minres_min_length (gsize                      n,
                          SaddleMinresOperatorFunc   op,
                          gpointer                   user_data,
                          const double              *b,
                          double                    *x,
                          double                    *r,
                          double                    *residual,
                          GError                   **error)
{
  g_autofree double *own = NULL;
  double rr, rx;

  g_return_val_if_fail (op != NULL && b != NULL && x != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (r == NULL)
    r = own = g_new (double, n);
  if (!apply ( op,
               user_data,
               n,
               x,
               r,
               0,
               error))
    return FALSE;
  /* r = b − A·x */
  cblas_dscal ((int) n, -1.0, r, 1);
  cblas_daxpy ((int) n, 1.0, b, 1, r, 1);
  rr = cblas_ddot ((int) n, r, 1, r, 1);
  if (residual != NULL)
    *residual = sqrt (rr);
  if (rr == 0.0)
    return TRUE;
  rx = cblas_ddot ((int) n, r, 1, x, 1);
  cblas_daxpy ((int) n, -rx / rr, r, 1, x, 1);
  return TRUE;
}

const char *
saddle_minres_stop_to_string (SaddleMinresStop stop)
{
  switch (stop)
    {
    case SADDLE_MINRES_STOP_ZERO_RHS:
      return "zero right-hand side";
    case SADDLE_MINRES_STOP_RESIDUAL:
      return "residual";
    case SADDLE_MINRES_STOP_LEAST_SQUARES:
      return "least squares";
    case SADDLE_MINRES_STOP_KRYLOV:
      return "Krylov space closed";
    case SADDLE_MINRES_STOP_CAP:
      return "iteration cap";
    case SADDLE_MINRES_STOP_DIVERGED:
      return "diverging (the iterate of least ‖A·r‖ kept)";
    default:
      return "unknown";
    }
}
