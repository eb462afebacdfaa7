/* saddle-slice.c — the loss along a line through a point: loss(θ + α·v) */
#define G_LOG_DOMAIN "saddle-slice"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "saddle-csv.h"
#include "saddle-lanczos.h"
#include "saddle-slice.h"
#include "saddle-spectrum.h"

/* Shares of the progress bar: the eigenpairs (Hessian build or Lanczos),
 * then the two slices. */
#define EIGEN_SHARE   0.9
/* Loss evaluations between progress calls along a slice. */
#define LINE_CHUNK    16
/* saddle_slice_model_radius()'s grid: steps a decade, decades below the range, and the
 * smallest |q| that rounding in the loss (a mean of many terms) leaves measurable. */
#define RADIUS_STEPS_PER_DECADE 3
#define RADIUS_DECADES          8
#define RADIUS_MEASURABLE       1e-11

typedef struct
{
  SaddleProgressFunc progress;
  gpointer           data;
  double             start;      /* share done when the current stage began */
  double             length;     /* share the current stage spans */
  gboolean           cancelled;
} Progress;

G_DEFINE_QUARK (saddle-slice-error-quark, saddle_slice_error)

static gboolean
progress_report (Progress *p,
                 double    within)
{
  if (p->progress == NULL || p->cancelled)
    return !p->cancelled;
  if (!p->progress (CLAMP (p->start + p->length * CLAMP (within, 0.0, 1.0), 0.0, 1.0), p->data))
    p->cancelled = TRUE;
  return !p->cancelled;
}

static gboolean
stage_progress_cb (double   fraction,
                   gpointer user_data)
{
  return progress_report (user_data, fraction);
}

static void
set_cancelled (GError **error)
{
  g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_CANCELLED,
               "The loss slice was cancelled");
}

void
saddle_slice_orient (double *v,
                     gsize   n)
{
  gsize imax = cblas_idamax ((int) n, v, 1);

  if (v[imax] < 0.0)
    cblas_dscal ((int) n, -1.0, v, 1);
}

/* loss(θ + α_i·v) for unit @v; progress over this stage. */
static gboolean
evaluate_line (SaddleModel       *model,
               const double      *theta,
               const SaddleBatch *batch,
               const double      *v,
               const double      *alphas,
               gsize              n_points,
               double            *losses,
               Progress          *progress,
               GError           **error)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *point = g_new (double, n);

  for (gsize i = 0; i < n_points; i++)
    {
      /* θ + α·v written out rather than updated from the previous point, so
       * α = 0 gives θ exactly and no error accumulates along the line. */
      for (gsize j = 0; j < n; j++)
        point[j] = theta[j] + alphas[i] * v[j];
      losses[i] = saddle_model_loss_grad (model, point, batch, NULL);

      if ((i + 1) % LINE_CHUNK == 0 && progress != NULL &&
          !progress_report (progress, (double) (i + 1) / n_points))
        {
          set_cancelled (error);
          return FALSE;
        }
    }

  return TRUE;
}

static double
loss_at (SaddleModel       *model,
         const double      *theta,
         const SaddleBatch *batch,
         const double      *v,
         double             alpha,
         double            *point)
{
  gsize n = saddle_model_n_params (model);

  for (gsize j = 0; j < n; j++)
    point[j] = theta[j] + alpha * v[j];
  return saddle_model_loss_grad (model, point, batch, NULL);
}

double
saddle_slice_model_radius (SaddleModel       *model,
                           const double      *theta,
                           const SaddleBatch *batch,
                           const double      *v,
                           double             loss,
                           double             slope,
                           double             lambda,
                           double             range)
{
  g_autofree double *point = NULL;
  int steps = RADIUS_STEPS_PER_DECADE * RADIUS_DECADES;
  double radius = 0.0;

  g_return_val_if_fail (model != NULL && theta != NULL && batch != NULL && v != NULL, 0.0);

  point = g_new (double, saddle_model_n_params (model));
  /* Outward from the smallest step: the model is a Taylor expansion, so it is the small steps
   * that must agree first, and the first failure ends the radius. */
  for (int k = steps; k >= 0; k--)
    {
      double r = range * pow (10.0, -(double) k / RADIUS_STEPS_PER_DECADE);
      gboolean measured = FALSE;

      for (int side = -1; side <= 1; side += 2)
        {
          double alpha = side * r;
          double q = alpha * slope + 0.5 * lambda * alpha * alpha;
          double change;

          if (fabs (q) <= RADIUS_MEASURABLE * fabs (loss))
            continue;
          measured = TRUE;
          change = loss_at (model, theta, batch, v, alpha, point) - loss;
          if (!(fabs (change - q) <= SADDLE_SLICE_MODEL_TOLERANCE * fabs (q)))
            return radius;
        }
      if (measured)
        radius = r;
    }
  return radius;
}

static gboolean
check_inputs (SaddleModel       *model,
              const SaddleBatch *batch,
              double             range,
              gsize              n_points,
              GError           **error)
{
  g_autoptr(GError) batch_error = NULL;

  if (!saddle_slice_check (range, n_points, error))
    return FALSE;
  if (batch->n == 0)
    {
      g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID,
                   "The batch is empty: a loss slice needs at least one sample");
      return FALSE;
    }
  if (!saddle_model_check_batch (model, batch, &batch_error))
    {
      g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID,
                   "%s", batch_error->message);
      return FALSE;
    }
  return TRUE;
}

/* The two end eigenpairs of the dense Hessian: one tridiagonal reduction
 * (dsytrd), MRRR (dstemr) for eigenvalue 1 and eigenvalue n of the
 * tridiagonal, and one back-transformation of both vectors (dormtr) — what
 * dsyevr does with range 'I', but sharing the O(n³) reduction between the
 * two ends instead of running it twice. */
static gboolean
dense_extremes (SaddleModel       *model,
                const double      *theta,
                const SaddleBatch *batch,
                SaddleSlice       *slice,
                Progress          *progress,
                GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree double *h = NULL;
  g_autofree double *work = NULL;
  const gsize n = slice->n_params;
  double *d, *e, *tau, *dd, *ee, *w, *z;
  lapack_int info;

  progress->start = 0.0;
  progress->length = 0.9 * EIGEN_SHARE;
  h = saddle_hessian_dense (model, theta, batch, 0, stage_progress_cb, progress, NULL,
                            &local_error);
  if (h == NULL)
    {
      if (progress->cancelled)
        set_cancelled (error);
      else if (g_error_matches (local_error, SADDLE_HESSIAN_ERROR,
                                SADDLE_HESSIAN_ERROR_NOT_FINITE))
        g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_NOT_FINITE,
                     "%s", local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (n == 1)
    {
      slice->lambda_bottom = slice->lambda_top = h[0];
      slice->v_bottom[0] = slice->v_top[0] = 1.0;
      return TRUE;
    }

  work = g_new (double, 8 * n);
  d = work;
  e = work + n;
  tau = work + 2 * n;
  dd = work + 3 * n;
  ee = work + 4 * n;
  w = work + 5 * n;   /* dstemr uses all n as workspace, whatever it returns */
  z = work + 6 * n;   /* (n, 2) column-major: the bottom vector, then the top one */

  /* Symmetric: the row-major buffer is the same matrix read column-major. */
  info = LAPACKE_dsytrd (LAPACK_COL_MAJOR, 'U', (lapack_int) n, h, (lapack_int) n, d, e, tau);
  if (info != 0)
    goto lapack_failed;

  for (int end = 0; end < 2; end++)
    {
      lapack_int index = end == 0 ? 1 : (lapack_int) n;
      lapack_int found = 0;
      lapack_int isuppz[2];
      lapack_logical tryrac = 1;

      /* dstemr overwrites the tridiagonal; each end gets a fresh copy. */
      memcpy (dd, d, n * sizeof (double));
      memcpy (ee, e, (n - 1) * sizeof (double));
      ee[n - 1] = 0.0;
      info = LAPACKE_dstemr (LAPACK_COL_MAJOR, 'V', 'I', (lapack_int) n, dd, ee, 0.0, 0.0,
                             index, index, &found, w, z + end * n, (lapack_int) n, 1,
                             isuppz, &tryrac);
      if (info != 0 || found != 1)
        goto lapack_failed;
      if (end == 0)
        slice->lambda_bottom = w[0];
      else
        slice->lambda_top = w[0];
    }

  info = LAPACKE_dormtr (LAPACK_COL_MAJOR, 'L', 'U', 'N', (lapack_int) n, 2, h, (lapack_int) n,
                         tau, z, (lapack_int) n);
  if (info != 0)
    goto lapack_failed;

  memcpy (slice->v_bottom, z, n * sizeof (double));
  memcpy (slice->v_top, z + n, n * sizeof (double));
  return TRUE;

lapack_failed:
  g_set_error (error, SADDLE_SPECTRUM_ERROR, SADDLE_SPECTRUM_ERROR_LAPACK,
               "The eigensolver failed on the %" G_GSIZE_FORMAT "-parameter Hessian for the "
               "loss slice (LAPACK info %d)", n, (int) info);
  return FALSE;
}

static gboolean
lanczos_extremes (SaddleModel       *model,
                  const double      *theta,
                  const SaddleBatch *batch,
                  guint64            seed,
                  SaddleSlice       *slice,
                  Progress          *progress,
                  GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  SaddleLanczosHvp op = { model, theta, batch };
  SaddleLanczosInfo info;
  gsize n = slice->n_params;

  progress->start = 0.0;
  progress->length = EIGEN_SHARE;
  if (!saddle_lanczos_extremes_full (saddle_lanczos_hvp, &op, n, 1,
                                     MIN (n, SADDLE_SLICE_LANCZOS_STEPS), seed,
                                     stage_progress_cb, progress,
                                     &slice->lambda_bottom, &slice->lambda_top,
                                     slice->v_bottom, slice->v_top, &info, &local_error))
    {
      if (progress->cancelled ||
          g_error_matches (local_error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED))
        set_cancelled (error);
      else if (g_error_matches (local_error, SADDLE_LANCZOS_ERROR,
                                SADDLE_LANCZOS_ERROR_NOT_FINITE))
        g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_NOT_FINITE,
                     "%s", local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  slice->converged = info.converged;
  return TRUE;
}


gboolean
saddle_slice_check (double    range,
                    gsize     n_points,
                    GError  **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(range > 0.0) || !isfinite (range))
    {
      g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID,
                   "The slice range must be a positive number (α runs over [−range, range]); "
                   "got %g", range);
      return FALSE;
    }
  if (n_points < SADDLE_SLICE_MIN_POINTS || n_points > SADDLE_SLICE_MAX_POINTS)
    {
      g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID,
                   "A slice needs %d to %d points; got %" G_GSIZE_FORMAT,
                   SADDLE_SLICE_MIN_POINTS, SADDLE_SLICE_MAX_POINTS, n_points);
      return FALSE;
    }
  return TRUE;
}

void
saddle_slice_alphas (double  range,
                     gsize   n_points,
                     double *alphas)
{
  g_return_if_fail (alphas != NULL || n_points == 0);

  if (n_points == 1)
    {
      alphas[0] = 0.0;
      return;
    }

  /* Symmetric by construction: α_{m−1−i} = −α_i, so an odd count has 0 in
   * the middle exactly and a chart's two halves match. */
  for (gsize i = 0; i < n_points; i++)
    {
      gsize mirror = n_points - 1 - i;

      if (i < mirror)
        alphas[i] = -range + 2.0 * range * (double) i / (double) (n_points - 1);
      else if (i == mirror)
        alphas[i] = 0.0;
      else
        alphas[i] = -alphas[mirror];
    }
}

gboolean
saddle_slice_line (SaddleModel       *model,
                   const double      *theta,
                   const SaddleBatch *batch,
                   const double      *direction,
                   double             range,
                   gsize              n_points,
                   double            *alphas,
                   double            *losses,
                   GError           **error)
{
  g_autofree double *own_alphas = NULL;
  g_autofree double *v = NULL;
  double length;
  gsize n;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (direction != NULL, FALSE);
  g_return_val_if_fail (losses != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_inputs (model, batch, range, n_points, error))
    return FALSE;

  n = saddle_model_n_params (model);
  length = cblas_dnrm2 ((int) n, direction, 1);
  if (!(length > 0.0) || !isfinite (length))
    {
      g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID,
                   "The slice direction must be a nonzero finite vector (its length is %g)",
                   length);
      return FALSE;
    }

  v = g_memdup2 (direction, n * sizeof (double));
  cblas_dscal ((int) n, 1.0 / length, v, 1);

  if (alphas == NULL)
    alphas = own_alphas = g_new (double, n_points);
  saddle_slice_alphas (range, n_points, alphas);

  return evaluate_line (model, theta, batch, v, alphas, n_points, losses, NULL, error);
}

/* saddle_slice_compute(), or with @given the eigenpairs found elsewhere. */
static SaddleSlice *
compute (SaddleModel             *model,
         const double            *theta,
         const SaddleBatch       *batch,
         double                   range,
         gsize                    n_points,
         SaddleSliceMethod        method,
         guint64                  seed,
         const SaddleSliceEnds   *given,
         SaddleProgressFunc       progress,
         gpointer                 data,
         GError                 **error)
{
  g_autoptr(SaddleSlice) slice = NULL;
  g_autofree double *grad = NULL;
  Progress p = { progress, data, 0.0, 1.0, FALSE };
  SaddleSliceMethod requested;
  gsize n;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (theta != NULL, NULL);
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_inputs (model, batch, range, n_points, error))
    return NULL;
  if (method != SADDLE_SLICE_AUTO && method != SADDLE_SLICE_DENSE &&
      method != SADDLE_SLICE_LANCZOS)
    {
      g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID,
                   "Unknown eigenvector method %d for the slice: use auto, dense or lanczos",
                   (int) method);
      return NULL;
    }

  n = saddle_model_n_params (model);
  grad = g_new (double, n);

  slice = g_new0 (SaddleSlice, 1);
  slice->n_points = n_points;
  slice->range = range;
  slice->n_params = n;
  slice->alphas = g_new (double, n_points);
  slice->loss_bottom = g_new (double, n_points);
  slice->loss_top = g_new (double, n_points);
  slice->v_bottom = g_new0 (double, n);
  slice->v_top = g_new0 (double, n);
  saddle_slice_alphas (range, n_points, slice->alphas);

  /* A point where the loss is not finite has no Hessian worth building. */
  slice->loss = saddle_model_loss_grad (model, theta, batch, grad);
  if (!isfinite (slice->loss) || !isfinite (cblas_dnrm2 ((int) n, grad, 1)))
    {
      g_set_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_NOT_FINITE,
                   "The loss or its gradient is not finite at this point: there is no "
                   "slice to draw (did training diverge?)");
      return NULL;
    }

  requested = method;
  if (method == SADDLE_SLICE_AUTO)
    method = n <= SADDLE_SLICE_DENSE_MAX ? SADDLE_SLICE_DENSE : SADDLE_SLICE_LANCZOS;

  if (given != NULL)
    {
      slice->lambda_bottom = given->lambda_bottom;
      slice->lambda_top = given->lambda_top;
      memcpy (slice->v_bottom, given->v_bottom, n * sizeof (double));
      memcpy (slice->v_top, given->v_top, n * sizeof (double));
      slice->converged = TRUE;
    }
  else if (method == SADDLE_SLICE_DENSE)
    {
      g_autoptr(GError) local_error = NULL;

      if (dense_extremes (model, theta, batch, slice, &p, &local_error))
        slice->converged = TRUE;
      /* A Hessian too large for memory need not stop an AUTO slice: the
       * memory check comes before any column is built. */
      else if (requested == SADDLE_SLICE_AUTO &&
               g_error_matches (local_error, SADDLE_HESSIAN_ERROR,
                                SADDLE_HESSIAN_ERROR_TOO_LARGE))
        method = SADDLE_SLICE_LANCZOS;
      else
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  if (method == SADDLE_SLICE_LANCZOS &&
      !lanczos_extremes (model, theta, batch, seed, slice, &p, error))
    return NULL;

  slice->method = method;
  saddle_slice_orient (slice->v_bottom, n);
  saddle_slice_orient (slice->v_top, n);
  slice->slope_bottom = cblas_ddot ((int) n, grad, 1, slice->v_bottom, 1);
  slice->slope_top = cblas_ddot ((int) n, grad, 1, slice->v_top, 1);

  p.start = EIGEN_SHARE;
  p.length = (1.0 - EIGEN_SHARE) / 2.0;
  if (!progress_report (&p, 0.0))
    {
      set_cancelled (error);
      return NULL;
    }
  if (!evaluate_line (model, theta, batch, slice->v_bottom, slice->alphas, n_points,
                      slice->loss_bottom, &p, error))
    return NULL;

  p.start += p.length;
  if (!evaluate_line (model, theta, batch, slice->v_top, slice->alphas, n_points,
                      slice->loss_top, &p, error))
    return NULL;
  slice->model_radius_bottom = saddle_slice_model_radius (model, theta, batch, slice->v_bottom,
                                                          slice->loss, slice->slope_bottom,
                                                          slice->lambda_bottom, range);
  slice->model_radius_top = saddle_slice_model_radius (model, theta, batch, slice->v_top,
                                                       slice->loss, slice->slope_top,
                                                       slice->lambda_top, range);
  if (!progress_report (&p, 1.0))
    {
      set_cancelled (error);
      return NULL;
    }

  return g_steal_pointer (&slice);
}

SaddleSlice *
saddle_slice_compute (SaddleModel        *model,
                      const double       *theta,
                      const SaddleBatch  *batch,
                      double              range,
                      gsize               n_points,
                      SaddleSliceMethod   method,
                      guint64             seed,
                      SaddleProgressFunc  progress,
                      gpointer            data,
                      GError            **error)
{
  return compute (model, theta, batch, range, n_points, method, seed, NULL, progress, data,
                  error);
}

SaddleSlice *
saddle_slice_compute_along (SaddleModel           *model,
                            const double          *theta,
                            const SaddleBatch     *batch,
                            double                 range,
                            gsize                  n_points,
                            const SaddleSliceEnds *ends,
                            SaddleProgressFunc     progress,
                            gpointer               data,
                            GError               **error)
{
  g_return_val_if_fail (ends != NULL, NULL);

  return compute (model, theta, batch, range, n_points, SADDLE_SLICE_DENSE, 0, ends, progress,
                  data, error);
}

SaddleSlice *
saddle_slice_copy (const SaddleSlice *slice)
{
  SaddleSlice *copy;

  g_return_val_if_fail (slice != NULL, NULL);

  copy = g_memdup2 (slice, sizeof *slice);
  copy->alphas = g_memdup2 (slice->alphas, slice->n_points * sizeof (double));
  copy->loss_bottom = g_memdup2 (slice->loss_bottom, slice->n_points * sizeof (double));
  copy->loss_top = g_memdup2 (slice->loss_top, slice->n_points * sizeof (double));
  copy->v_bottom = g_memdup2 (slice->v_bottom, slice->n_params * sizeof (double));
  copy->v_top = g_memdup2 (slice->v_top, slice->n_params * sizeof (double));
  return copy;
}

void
saddle_slice_free (SaddleSlice *slice)
{
  if (slice == NULL)
    return;

  g_free (slice->alphas);
  g_free (slice->loss_bottom);
  g_free (slice->loss_top);
  g_free (slice->v_bottom);
  g_free (slice->v_top);
  g_free (slice);
}

gboolean
saddle_slice_write_csv (const SaddleSlice *slice,
                        const char        *path,
                        GError           **error)
{
  g_autoptr(SaddleCsv) csv = NULL;

  g_return_val_if_fail (slice != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  csv = saddle_csv_new ("alpha,loss_bottom,loss_top", slice->n_points * 72);
  for (gsize i = 0; i < slice->n_points; i++)
    {
      saddle_csv_add_double (csv, slice->alphas[i]);
      saddle_csv_add_double (csv, slice->loss_bottom[i]);
      saddle_csv_add_double (csv, slice->loss_top[i]);
      saddle_csv_end_row (csv);
    }

  return saddle_csv_write (csv, path, error);
}

gboolean
saddle_slice_method_from_string (const char        *name,
                                 SaddleSliceMethod *method)
{
  static const char *const names[] = { "auto", "dense", "lanczos" };

  g_return_val_if_fail (method != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      {
        *method = (SaddleSliceMethod) i;
        return TRUE;
      }
  return FALSE;
}

const char *
saddle_slice_method_to_string (SaddleSliceMethod method)
{
  switch (method)
    {
    case SADDLE_SLICE_AUTO:
      return "auto";
    case SADDLE_SLICE_DENSE:
      return "dense";
    case SADDLE_SLICE_LANCZOS:
      return "lanczos";
    default:
      return "unknown";
    }
}
