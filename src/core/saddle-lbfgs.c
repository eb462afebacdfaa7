/* saddle-lbfgs.c — limited-memory BFGS on a smooth (or piecewise smooth) objective */
#define G_LOG_DOMAIN "saddle-lbfgs"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-lbfgs.h"

/* Armijo's sufficient-decrease constant. */
#define ARMIJO          1e-4
/* Strong Wolfe: the slope at the step at most this share of the first (0.9 for quasi-Newton). */
#define WOLFE_CURVATURE 0.9
/* Doublings of a step that keeps going down, and halvings in the zoom, before giving up. */
#define MAX_EXPANSIONS  40
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

/* One trial point θ + a·d: x, f, ∇f and the slope ∇f·d there. */
typedef struct
{
  double  a;
  double  f;
  double  slope;
  double *x;
  double *g;
} Trial;

static void
trial_eval (gsize                n,
            const double        *x0,
            const double        *d,
            double               a,
            SaddleObjectiveFunc  func,
            gpointer             user_data,
            Trial               *t,
            guint               *evaluations)
{
  t->a = a;
  for (gsize i = 0; i < n; i++)
    t->x[i] = x0[i] + a * d[i];
  t->f = func (t->x, t->g, user_data);
  t->slope = dot (t->g, d, n);
  (*evaluations)++;
}

static void
trial_swap (Trial *a,
            Trial *b)
{
  Trial tmp = *a;

  *a = *b;
  *b = tmp;
}

/* A step along @d that meets the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5
 * and 3.6, with bisection in the zoom): sufficient decrease, and a slope cut to at most
 * WOLFE_CURVATURE of the first. Unlike backtracking alone it lengthens steps, which a plateau
 * needs. TRUE with @best (x, f, ∇f) at a point lower than @f0; FALSE if none was found. The
 * trials' vectors are swapped around, so @best's memory may come back as @work's. */
static gboolean
wolfe_search (gsize                n,
              const double        *x0,
              double               f0,
              const double        *g0,
              const double        *d,
              double               first,
              SaddleObjectiveFunc  func,
              gpointer             user_data,
              Trial               *best,
              Trial               *work,
              Trial               *prev,
              guint               *evaluations)
{
  double slope0 = dot (g0, d, n);
  Trial *lo, *hi;

  if (!(slope0 < 0.0))
    return FALSE;
  prev->a = 0.0;
  prev->f = f0;
  prev->slope = slope0;
  memcpy (prev->x, x0, n * sizeof (double));
  memcpy (prev->g, g0, n * sizeof (double));

  for (int i = 0; i < MAX_EXPANSIONS; i++)
    {
      trial_eval (n, x0, d, i == 0 ? first : 2.0 * prev->a, func, user_data, work, evaluations);
      if (!isfinite (work->f) || work->f > f0 + ARMIJO * work->a * slope0
          || (i > 0 && work->f >= prev->f))
        {
          lo = prev, hi = work;
          goto zoom;
        }
      if (fabs (work->slope) <= -WOLFE_CURVATURE * slope0)
        {
          trial_swap (best, work);
          return TRUE;
        }
      if (work->slope >= 0.0)
        {
          lo = work, hi = prev;
          goto zoom;
        }
      trial_swap (prev, work);
    }
  /* Still descending after every doubling: take the longest step. */
  trial_swap (best, prev);
  return best->f < f0;

zoom:
  /* lo: the lowest point meeting sufficient decrease so far; the minimiser lies between. */
  for (int i = 0; i < MAX_HALVINGS; i++)
    {
      Trial *all[3] = { best, work, prev };
      Trial *mid = NULL;

      /* The one trial that is neither end. */
      for (int k = 0; k < 3; k++)
        if (all[k] != lo && all[k] != hi)
          mid = all[k];

      trial_eval (n, x0, d, 0.5 * (lo->a + hi->a), func, user_data, mid, evaluations);
      if (!isfinite (mid->f) || mid->f > f0 + ARMIJO * mid->a * slope0 || mid->f >= lo->f)
        hi = mid;
      else
        {
          if (fabs (mid->slope) <= -WOLFE_CURVATURE * slope0)
            {
              lo = mid;
              break;
            }
          if (mid->slope * (hi->a - lo->a) >= 0.0)
            hi = lo;
          lo = mid;
        }
    }
  if (!(lo->f < f0))
    return FALSE;
  if (lo != best)
    trial_swap (best, lo);
  return TRUE;
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
  Trial trials[3];
  double *g, *d;
  double f;

  g_return_if_fail (x != NULL || n == 0);
  g_return_if_fail (func != NULL && result != NULL);

  memset (result, 0, sizeof *result);
  memory = g_new (double, (2 * SADDLE_LBFGS_MEMORY + 8) * MAX (n, 1));
  h.n = n;
  h.s = memory;
  h.y = h.s + SADDLE_LBFGS_MEMORY * n;
  g = h.y + SADDLE_LBFGS_MEMORY * n;
  d = g + n;
  for (guint t = 0; t < 3; t++)
    {
      trials[t].x = d + n + 2 * t * n;
      trials[t].g = trials[t].x + n;
    }

  f = func (x, g, user_data);
  result->evaluations = 1;
  result->f_start = result->f_end = f;
  if (!isfinite (f))
    return;

  while (result->iterations < max_iterations)
    {
      double f_new, sy, gnorm = cblas_dnrm2 ((int) n, g, 1);
      const double *x_new, *g_new;
      double first = 1.0;

      if (gnorm == 0.0)
        break;
      direction (&h, g, d);
      /* With no curvature pairs yet, the unit step of −∇f has no scale: take one of length 1e-3·max(1, ‖x‖)… */
      if (h.count == 0)
        first = 1e-3 * MAX (1.0, cblas_dnrm2 ((int) n, x, 1)) / gnorm;
      if (!wolfe_search (n, x, f, g, d, first, func, user_data, &trials[0], &trials[1],
                         &trials[2], &result->evaluations))
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
      x_new = trials[0].x;
      g_new = trials[0].g;
      f_new = trials[0].f;

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
