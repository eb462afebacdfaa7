/* saddle-lbfgs.c — limited-memory BFGS on a smooth (or piecewise smooth) objective */
#define G_LOG_DOMAIN "saddle-lbfgs"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-lbfgs.h"

/* Armijo's sufficient-decrease constant. */
#define ARMIJO          1e-4
/* Halvings of a step before its direction is given up. */
#define MAX_HALVINGS    50

typedef struct
{
  gsize   n;
  double *s;      /* (MEMORY, n) steps x_{k+1} − x_k, oldest first in ring order */
  double *y;      /* (MEMORY, n) gradient changes */
  double  rho[SADDLE_LBFGS_MEMORY];
  double  alpha[SADDLE_LBFGS_MEMORY];
  guint   count;  /* pairs stored */
  guint   next;   /* ring slot the next pair goes to */
} History;

static double
dot (const double *a,
     const double *b,
     gsize         n)
{
  return cblas_ddot ((int) n, a, 1, b, 1);
}

/* @d = −H_k·@g by the two-loop recursion, with H_0 = (sᵀy / yᵀy)·I from the newest pair. */
static void
direction (History      *h,
           const double *g,
           double       *d)
{
  gsize n = h->n;

  for (gsize i = 0; i < n; i++)
    d[i] = -g[i];
  for (guint k = 0; k < h->count; k++)
    {
      guint slot = (h->next + SADDLE_LBFGS_MEMORY - 1 - k) % SADDLE_LBFGS_MEMORY;

      h->alpha[slot] = h->rho[slot] * dot (h->s + slot * n, d, n);
      cblas_daxpy ((int) n, -h->alpha[slot], h->y + slot * n, 1, d, 1);
    }
  if (h->count > 0)
    {
      guint newest = (h->next + SADDLE_LBFGS_MEMORY - 1) % SADDLE_LBFGS_MEMORY;
      double yy = dot (h->y + newest * n, h->y + newest * n, n);

      cblas_dscal ((int) n, 1.0 / (h->rho[newest] * yy), d, 1);
    }
  for (guint k = h->count; k-- > 0;)
    {
      guint slot = (h->next + SADDLE_LBFGS_MEMORY - 1 - k) % SADDLE_LBFGS_MEMORY;
      double beta = h->rho[slot] * dot (h->y + slot * n, d, n);

      cblas_daxpy ((int) n, h->alpha[slot] - beta, h->s + slot * n, 1, d, 1);
    }
}

/* Backtracks from the unit step along @d; TRUE with @x_new, @f_new, @g_new filled on success. */
static gboolean
line_search (gsize                n,
             const double        *x,
             double               f,
             const double        *g,
             const double        *d,
             double               first,
             SaddleObjectiveFunc  func,
             gpointer             user_data,
             double              *x_new,
             double              *f_new,
             double              *g_new,
             guint               *evaluations)
{
  double slope = dot (g, d, n);
  double step = first;

  if (!(slope < 0.0))
    return FALSE;
  for (int h = 0; h < MAX_HALVINGS; h++, step *= 0.5)
    {
      for (gsize i = 0; i < n; i++)
        x_new[i] = x[i] + step * d[i];
      *f_new = func (x_new, g_new, user_data);
      (*evaluations)++;
      if (isfinite (*f_new) && *f_new <= f + ARMIJO * step * slope)
        return *f_new < f;
    }
  return FALSE;
}

void
saddle_lbfgs_minimise (gsize                n,
                       double              *x,
                       guint                max_iterations,
                       SaddleObjectiveFunc  func,
                       gpointer             user_data,
                       SaddleProgressFunc   progress,
                       gpointer             progress_data,
                       SaddleLbfgsResult   *result)
{
  g_autofree double *memory = NULL;
  History h = { 0 };
  double *g, *d, *x_new, *g_new;
  double f;

  g_return_if_fail (x != NULL || n == 0);
  g_return_if_fail (func != NULL && result != NULL);

  memset (result, 0, sizeof *result);
  memory = g_new (double, (2 * SADDLE_LBFGS_MEMORY + 4) * MAX (n, 1));
  h.n = n;
  h.s = memory;
  h.y = h.s + SADDLE_LBFGS_MEMORY * n;
  g = h.y + SADDLE_LBFGS_MEMORY * n;
  d = g + n;
  x_new = d + n;
  g_new = x_new + n;

  f = func (x, g, user_data);
  result->evaluations = 1;
  result->f_start = result->f_end = f;
  if (!isfinite (f))
    return;

  while (result->iterations < max_iterations)
    {
      double f_new, sy, gnorm = cblas_dnrm2 ((int) n, g, 1);
      double first = 1.0;

      if (gnorm == 0.0)
        break;
      direction (&h, g, d);
      /* With no curvature pairs yet, the unit step of −∇f has no scale: take one of length 1e-3·max(1, ‖x‖)… */
      if (h.count == 0)
        first = 1e-3 * MAX (1.0, cblas_dnrm2 ((int) n, x, 1)) / gnorm;
      if (!line_search (n, x, f, g, d, first, func, user_data, x_new, &f_new, g_new,
                        &result->evaluations))
        {
          /* …and when the quasi-Newton direction fails, forget the pairs and try −∇f once. */
          if (h.count == 0)
            {
              result->stalled = TRUE;
              break;
            }
          h.count = 0;
          continue;
        }

      /* The new pair, unless its curvature is not positive (a kink crossed). */
      {
        double *s = h.s + h.next * n, *y = h.y + h.next * n;

        for (gsize i = 0; i < n; i++)
          {
            s[i] = x_new[i] - x[i];
            y[i] = g_new[i] - g[i];
          }
        sy = dot (s, y, n);
        if (sy > 1e-12 * sqrt (dot (s, s, n) * dot (y, y, n)))
          {
            h.rho[h.next] = 1.0 / sy;
            h.next = (h.next + 1) % SADDLE_LBFGS_MEMORY;
            h.count = MIN (h.count + 1, SADDLE_LBFGS_MEMORY);
          }
      }
      memcpy (x, x_new, n * sizeof (double));
      memcpy (g, g_new, n * sizeof (double));
      f = f_new;
      result->f_end = f;
      result->iterations++;

      if (progress != NULL &&
          !progress ((double) result->iterations / max_iterations, progress_data))
        {
          result->cancelled = TRUE;
          break;
        }
    }
}
