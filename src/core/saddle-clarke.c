/* saddle-clarke.c — the Clarke distance of a ReLU net's point: kinks near θ, their gradient
 * jumps, and the box-constrained least-squares problem over them
 *
 * The kinks come from one forward pass (saddle_model_hidden_preactivations()), each jump from
 * one single-sample backward pass with that gate switched (saddle_model_gate_jump()), so the
 * jumps use the model's own forward and backward code. The jumps are stored one a row,
 * (m, n_params), and the Gram matrix is one dsyrk.
 *
 * The solver is an active-set method for min ½‖g + Jt‖² over 0 ≤ t ≤ 1: the variables are
 * at 0, at 1 or free; the free ones solve their unconstrained least-squares problem exactly
 * (Cholesky of their block of JᵀJ, one refinement step with the residual from J). A bound
 * variable whose derivative points into the box enters (the most violating, scaled by its
 * jump's length); if the solve would leave the box, the step is cut at the first bound that is
 * hit and that variable leaves the free set. A variable entering is independent of the free
 * ones (its derivative is its inner product with a residual orthogonal to them), so the free
 * block stays positive definite; one that is numerically dependent (a tiny pivot) or that the
 * solve sends straight back out is set aside until the point moves. ½‖g + Jt‖² falls at every
 * accepted step, so no active set repeats and the method ends, at the KKT conditions.
 */
#define G_LOG_DOMAIN "saddle-clarke"

#include "config.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "saddle-stats.h"
#include "saddle-clarke.h"

/* A free block's Cholesky pivot below this share of its diagonal entry marks a variable
 * numerically dependent on the others: κ(J_F) ≲ 3e6 in the Gram matrix's squared terms. */
#define PIVOT_RELATIVE 1e-13

enum
{
  AT_LOWER,
  AT_UPPER,
  IS_FREE,
};

G_DEFINE_QUARK (saddle-clarke-error-quark, saddle_clarke_error)

static int
compare_kinks (gconstpointer a,
               gconstpointer b)
{
  const SaddleKink *ka = a;
  const SaddleKink *kb = b;

  if (ka->distance != kb->distance)
    return ka->distance < kb->distance ? -1 : 1;
  /* Ties (exact zeros) in a fixed order, so a capped set does not depend on qsort. */
  if (ka->sample != kb->sample)
    return ka->sample < kb->sample ? -1 : 1;
  if (ka->layer != kb->layer)
    return ka->layer < kb->layer ? -1 : 1;
  return ka->unit < kb->unit ? -1 : (ka->unit > kb->unit);
}

/* r = g + Σ_k t_k·jump_k: (n) from @jumps (m, n). */
static void
residual (const double *g,
          const double *jumps,
          gsize         n,
          gsize         m,
          const double *t,
          double       *r)
{
  memcpy (r, g, n * sizeof (double));
  if (m > 0)
    cblas_dgemv (CblasRowMajor, CblasTrans, m, n, 1.0, jumps, n, t, 1, 1.0, r, 1);
}

/* Solves Q_FF·s = −J_F·rb for the free set @free_set (@nf of them) into @s, with one refinement
 * step: Q_FF from the Gram matrix @gram (m, m), its factor into @factor (nf, nf). FALSE if the
 * block is not numerically positive definite. @rb (n) is g plus the jumps at 1. */
static gboolean
solve_free (const double *gram,
            const double *jumps,
            gsize         n,
            gsize         m,
            const gsize  *free_set,
            gsize         nf,
            const double *rb,
            double       *factor,
            double       *s,
            double       *rhs,
            double       *r)
{
  for (gsize a = 0; a < nf; a++)
    for (gsize b = 0; b < nf; b++)
      factor[a * nf + b] = gram[free_set[a] * m + free_set[b]];
  if (LAPACKE_dpotrf (LAPACK_ROW_MAJOR, 'L', nf, factor, nf) != 0)
    return FALSE;
  for (gsize a = 0; a < nf; a++)
    {
      double pivot = factor[a * nf + a];

      if (!(pivot * pivot > PIVOT_RELATIVE * gram[free_set[a] * m + free_set[a]]))
        return FALSE;
    }

  for (gsize a = 0; a < nf; a++)
    s[a] = -cblas_ddot (n, jumps + free_set[a] * n, 1, rb, 1);
  LAPACKE_dpotrs (LAPACK_ROW_MAJOR, 'L', nf, 1, factor, nf, s, 1);

  /* Refinement: the residual of the normal equations with r from J, not from the Gram. */
  memcpy (r, rb, n * sizeof (double));
  for (gsize a = 0; a < nf; a++)
    cblas_daxpy (n, s[a], jumps + free_set[a] * n, 1, r, 1);
  for (gsize a = 0; a < nf; a++)
    rhs[a] = -cblas_ddot (n, jumps + free_set[a] * n, 1, r, 1);
  LAPACKE_dpotrs (LAPACK_ROW_MAJOR, 'L', nf, 1, factor, nf, rhs, 1);
  for (gsize a = 0; a < nf; a++)
    s[a] += rhs[a];

  return TRUE;
}

double
saddle_clarke_box_least_squares (const double *g,
                                 const double *jumps,
                                 gsize         n,
                                 gsize         m,
                                 double       *t_out,
                                 guint        *iterations,
                                 gboolean     *converged,
                                 GError      **error)
{
  g_autofree double *gram = NULL;     /* (m, m) JᵀJ, both triangles */
  g_autofree double *factor = NULL;   /* (m, m) room for a free block's Cholesky factor */
  g_autofree double *vec_m = NULL;    /* t, w, norms, tolerances, s, rhs: (6, m) */
  g_autofree double *vec_n = NULL;    /* r, rb: (2, n) */
  g_autofree gsize *free_set = NULL;  /* (m) the free variables, the entering one last */
  g_autofree guint8 *state = NULL;    /* (m) AT_LOWER, AT_UPPER or IS_FREE */
  g_autofree guint8 *aside = NULL;    /* (m) set aside until the point moves */
  double *t, *w, *norm, *tol, *s, *rhs, *r, *rb;
  double scale;
  guint solves = 0;
  guint max_solves;
  gboolean done = FALSE;
  gsize mm;

  g_return_val_if_fail (g != NULL, NAN);
  g_return_val_if_fail (jumps != NULL || m == 0, NAN);

  if (iterations != NULL)
    *iterations = 0;
  if (converged != NULL)
    *converged = FALSE;

  if (!saddle_stats_all_finite (g, n) || (m > 0 && !saddle_stats_all_finite (jumps, m * n)))
    {
      g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_NOT_FINITE,
                   "The gradient or a gradient jump is not finite");
      return NAN;
    }
  if (m == 0)
    {
      if (converged != NULL)
        *converged = TRUE;
      return cblas_dnrm2 (n, g, 1);
    }

  if (!g_size_checked_mul (&mm, m, m))
    mm = G_MAXSIZE;
  gram = g_try_malloc_n (mm, sizeof (double));
  factor = g_try_malloc_n (mm, sizeof (double));
  vec_m = g_try_malloc_n (m, 6 * sizeof (double));
  vec_n = g_try_malloc_n (n > 0 ? n : 1, 2 * sizeof (double));
  free_set = g_try_malloc_n (m, sizeof (gsize));
  state = g_try_malloc0 (m);
  aside = g_try_malloc0 (m);
  if (gram == NULL || factor == NULL || vec_m == NULL || vec_n == NULL || free_set == NULL
      || state == NULL || aside == NULL)
    {
      g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_NO_MEMORY,
                   "Not enough memory for the Gram matrix of %" G_GSIZE_FORMAT " gradient jumps",
                   m);
      return NAN;
    }
  t = vec_m;
  w = t + m;
  norm = w + m;
  tol = norm + m;
  s = tol + m;
  rhs = s + m;
  r = vec_n;
  rb = r + n;

  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, m, n, 1.0, jumps, n, 0.0, gram, m);
  for (gsize a = 0; a < m; a++)
    for (gsize b = 0; b < a; b++)
      gram[a * m + b] = gram[b * m + a];

  /* A derivative w_k = J_kᵀr within rounding of r's sum is zero: r's error is at most about
   * √(m+1)·ε·(‖g‖ + Σ‖J_k‖), so w_k's about ‖J_k‖ times that. */
  scale = cblas_dnrm2 (n, g, 1);
  for (gsize k = 0; k < m; k++)
    {
      norm[k] = sqrt (gram[k * m + k]);
      scale += norm[k];
    }
  for (gsize k = 0; k < m; k++)
    {
      tol[k] = 8.0 * sqrt ((double) m + 1.0) * DBL_EPSILON * norm[k] * scale;
      t[k] = 0.0;
    }

  max_solves = (guint) MIN ((gsize) G_MAXUINT / 8, 8 * m + 64);
  while (solves < max_solves)
    {
      gsize enter = m;
      double best = 0.0;
      gboolean entering = TRUE;

      residual (g, jumps, n, m, t, r);
      cblas_dgemv (CblasRowMajor, CblasNoTrans, m, n, 1.0, jumps, n, r, 1, 0.0, w, 1);
      for (gsize k = 0; k < m; k++)
        {
          double v;

          if (state[k] == IS_FREE || aside[k] || norm[k] == 0.0)
            continue;
          v = state[k] == AT_LOWER ? -w[k] : w[k];
          if (v > tol[k] && v / norm[k] > best)
            {
              best = v / norm[k];
              enter = k;
            }
        }
      if (enter == m)
        {
          done = TRUE;
          break;
        }
      state[enter] = IS_FREE;

      /* Solve on the free set; cut at the box and drop what hits a bound, until inside. */
      while (solves < max_solves)
        {
          gsize nf = 0;
          double alpha = 1.0;

          for (gsize k = 0; k < m; k++)
            if (state[k] == IS_FREE && k != enter)
              free_set[nf++] = k;
          if (state[enter] == IS_FREE)
            free_set[nf++] = enter;

          memcpy (rb, g, n * sizeof (double));
          for (gsize k = 0; k < m; k++)
            if (state[k] == AT_UPPER)
              cblas_daxpy (n, 1.0, jumps + k * n, 1, rb, 1);

          if (nf == 0)
            break;
          solves++;
          if (!solve_free (gram, jumps, n, m, free_set, nf, rb, factor, s, rhs, r))
            {
              if (!entering)
                {
                  /* A sub-block of a positive definite block: only rounding gets here. */
                  g_debug ("free block of %" G_GSIZE_FORMAT " lost definiteness", nf);
                  solves = max_solves;
                  break;
                }
              state[enter] = t[enter] > 0.5 ? AT_UPPER : AT_LOWER;
              aside[enter] = TRUE;
              break;
            }

          for (gsize a = 0; a < nf; a++)
            {
              gsize k = free_set[a];

              if (s[a] < 0.0)
                alpha = MIN (alpha, t[k] / (t[k] - s[a]));
              else if (s[a] > 1.0)
                alpha = MIN (alpha, (1.0 - t[k]) / (s[a] - t[k]));
            }

          if (alpha <= 0.0 && entering)
            {
              /* The entering variable sits on its bound and the solve sends it straight back:
               * dependent to rounding. (A free one that rounding left on a bound is simply
               * dropped by the cut below.) */
              state[enter] = t[enter] > 0.5 ? AT_UPPER : AT_LOWER;
              aside[enter] = TRUE;
              break;
            }

          if (alpha >= 1.0)
            {
              for (gsize a = 0; a < nf; a++)
                t[free_set[a]] = CLAMP (s[a], 0.0, 1.0);
              memset (aside, 0, m);
              break;
            }

          for (gsize a = 0; a < nf; a++)
            {
              gsize k = free_set[a];
              double hit = s[a] < 0.0 ? t[k] / (t[k] - s[a])
                           : s[a] > 1.0 ? (1.0 - t[k]) / (s[a] - t[k]) : G_MAXDOUBLE;

              if (hit <= alpha)
                {
                  t[k] = s[a] < 0.0 ? 0.0 : 1.0;
                  state[k] = s[a] < 0.0 ? AT_LOWER : AT_UPPER;
                }
              else
                t[k] = CLAMP (t[k] + alpha * (s[a] - t[k]), 0.0, 1.0);
            }
          if (alpha > 0.0)
            memset (aside, 0, m);
          entering = FALSE;
        }
    }

  residual (g, jumps, n, m, t, r);
  if (t_out != NULL)
    memcpy (t_out, t, m * sizeof (double));
  if (iterations != NULL)
    *iterations = solves;
  if (converged != NULL)
    *converged = done;

  return cblas_dnrm2 (n, r, 1);
}

SaddleKink *
saddle_clarke_find_kinks (SaddleModel       *model,
                          const double      *theta,
                          const SaddleBatch *batch,
                          double             epsilon,
                          gsize              max,
                          gsize             *n_kinks,
                          guint64           *n_within,
                          GError           **error)
{
  g_autoptr (GArray) kinks = NULL;
  g_autofree double *z = NULL;   /* (n, h) hidden pre-activations, one row a sample */
  gsize h;
  guint n_layers;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (theta != NULL, NULL);
  g_return_val_if_fail (n_kinks != NULL, NULL);

  *n_kinks = 0;
  if (n_within != NULL)
    *n_within = 0;

  if (!(epsilon >= 0.0) || !isfinite (epsilon))
    {
      g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_INVALID,
                   "The kink distance ε must be a finite number ≥ 0, not %g", epsilon);
      return NULL;
    }
  if (!saddle_model_check_batch (model, batch, error))
    return NULL;
  if (saddle_model_activation (model) != SADDLE_ACTIVATION_RELU)
    return NULL;

  h = saddle_model_n_hidden (model);
  n_layers = saddle_model_n_layers (model);
  if (h == 0)
    return NULL;
  z = g_try_malloc_n (batch->n, h * sizeof (double));
  if (z == NULL || !saddle_model_hidden_preactivations (model, theta, batch, z))
    {
      g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_NO_MEMORY,
                   "Not enough memory for the pre-activations of %" G_GSIZE_FORMAT " samples",
                   batch->n);
      return NULL;
    }

  kinks = g_array_new (FALSE, FALSE, sizeof (SaddleKink));
  for (gsize i = 0; i < batch->n; i++)
    {
      const double *row = z + i * h;
      gsize first = 0;

      for (guint l = 0; l + 1 < n_layers; l++)
        {
          gsize width = saddle_model_width (model, l + 1);
          double input2 = 0.0;   /* ‖a_prev‖², kept apart from the bias's 1 so 0 stays 0 */

          if (l == 0)
            for (gsize j = 0; j < batch->n_inputs; j++)
              input2 += batch->x[i * batch->n_inputs + j] * batch->x[i * batch->n_inputs + j];
          else
            {
              gsize prev = saddle_model_width (model, l);

              for (gsize j = first - prev; j < first; j++)
                if (row[j] > 0.0)
                  input2 += row[j] * row[j];
            }

          for (gsize u = 0; u < width; u++)
            {
              double d = fabs (row[first + u]) / sqrt (input2 + 1.0);

              if (d <= epsilon)
                {
                  SaddleKink kink = { i, l, (guint) u, row[first + u], d, sqrt (input2) };

                  g_array_append_val (kinks, kink);
                }
            }
          first += width;
        }
    }

  if (n_within != NULL)
    *n_within = kinks->len;
  if (kinks->len == 0)
    return NULL;
  g_array_sort (kinks, compare_kinks);
  if (kinks->len > max)
    g_array_set_size (kinks, max);
  *n_kinks = kinks->len;
  if (kinks->len == 0)
    return NULL;

  return (SaddleKink *) g_array_free (g_steal_pointer (&kinks), FALSE);
}

gboolean
saddle_clarke_measure (SaddleModel       *model,
                       const double      *theta,
                       const SaddleBatch *batch,
                       double             epsilon,
                       SaddleClarke      *result,
                       GError           **error)
{
  g_autofree double *grad = NULL;    /* (n_params) ∇L */
  g_autofree double *jumps = NULL;   /* (m, n_params) one jump a row */
  g_autofree SaddleKink *kinks = NULL;
  g_autoptr (GError) local_error = NULL;
  gsize n_params, cap, m = 0, switches = 0;
  guint64 within = 0;
  double loss;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  result->distance = NAN;
  result->grad_norm = NAN;
  result->epsilon = epsilon;

  if (!(epsilon >= 0.0) || !isfinite (epsilon))
    {
      g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_INVALID,
                   "The kink distance ε must be a finite number ≥ 0, not %g", epsilon);
      return FALSE;
    }
  if (!saddle_model_check_batch (model, batch, error))
    return FALSE;

  n_params = saddle_model_n_params (model);
  grad = g_try_malloc_n (n_params, sizeof (double));
  if (grad == NULL)
    {
      g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_NO_MEMORY,
                   "Not enough memory for a gradient of %" G_GSIZE_FORMAT " parameters", n_params);
      return FALSE;
    }
  loss = saddle_model_loss_grad (model, theta, batch, grad);
  if (!isfinite (loss) || !saddle_stats_all_finite (grad, n_params))
    {
      g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_NOT_FINITE,
                   "The loss or its gradient is not finite at this point");
      return FALSE;
    }
  result->grad_norm = cblas_dnrm2 (n_params, grad, 1);
  if (saddle_model_activation (model) != SADDLE_ACTIVATION_RELU)
    return TRUE;

  cap = MIN ((gsize) SADDLE_CLARKE_MAX_KINKS,
             SADDLE_CLARKE_MAX_JUMP_BYTES / (sizeof (double) * n_params));
  kinks = saddle_clarke_find_kinks (model, theta, batch, epsilon, cap, &m, &within, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  result->kinks = (guint) m;
  result->kinks_within = within;
  result->capped = within > m;

  if (m > 0)
    {
      g_autofree double *one = g_try_malloc_n (n_params, sizeof (double));
      g_autofree gsize *shared = g_try_malloc_n (m, sizeof (gsize));   /* (m) kink → switch */

      jumps = g_try_malloc0_n (m, n_params * sizeof (double));
      if (jumps == NULL || one == NULL || shared == NULL)
        {
          g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_NO_MEMORY,
                       "Not enough memory for %" G_GSIZE_FORMAT " gradient jumps", m);
          return FALSE;
        }
      /* A unit that sees an all-zero input has z = b near θ for every such sample: one kink
       * surface, one switch, its jump the sum of theirs. */
      for (gsize k = 0; k < m; k++)
        {
          gsize v = switches;

          if (kinks[k].input_norm == 0.0)
            for (gsize j = 0; j < k; j++)
              if (kinks[j].input_norm == 0.0 && kinks[j].layer == kinks[k].layer
                  && kinks[j].unit == kinks[k].unit)
                {
                  v = shared[j];
                  break;
                }
          if (v == switches)
            switches++;
          shared[k] = v;

          if (!saddle_model_gate_jump (model, theta, batch, kinks[k].sample, kinks[k].layer,
                                       kinks[k].unit, one))
            {
              g_set_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_NO_MEMORY,
                           "Not enough memory for the scratch of one sample");
              return FALSE;
            }
          cblas_daxpy (n_params, 1.0, one, 1, jumps + v * n_params, 1);
        }
    }
  result->switches = (guint) switches;

  result->distance = saddle_clarke_box_least_squares (grad, jumps, n_params, switches, NULL,
                                                      &result->iterations, &result->converged,
                                                      error);
  return !isnan (result->distance);
}
