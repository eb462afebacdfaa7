/* saddle-surface.c — loss on a grid over a PCA plane, and how far the snapshots are from it
 *
 * The model evaluates one θ per call, so the grid is a plain loop of forward
 * passes over one fixed batch; each pass is already BLAS-3 over all samples.
 * θ of a node is built as (mean + b·c₂) + a·c₁ with the bracket formed once
 * per row, which keeps the per-node cost at one axpy beside the forward pass.
 *
 * The snapshot report projects many snapshots at once: a chunk of centred
 * rows R gives the coordinates R·Cᵀ and the residual R − (R·Cᵀ)·C with two
 * DGEMMs, so thousands of snapshots of a large model cost two BLAS-3 calls a
 * chunk rather than thousands of dot products.
 */
#define G_LOG_DOMAIN "saddle-surface"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-csv.h"
#include "saddle-surface.h"
#include "saddle-model-plane.h"

G_DEFINE_QUARK (saddle-surface-error-quark, saddle_surface_error)

/* Centred snapshot rows projected per chunk: bounded memory for big models,
 * yet enough rows that the DGEMMs are not mere matrix-vector products. */
#define REPORT_CHUNK_BYTES ((gsize) 8 * 1024 * 1024)
#define REPORT_CHUNK_MAX_ROWS 64

/* An axis narrower than this share of the wider one is widened to it
 * (see saddle_surface_range_for()). */
#define RANGE_MIN_SHARE 0.1
/* Width given to an axis when every score is equal (parameter units). */
#define RANGE_FALLBACK_WIDTH 1.0

static gboolean
check_grid (const double range[4],
            guint        resolution,
            GError     **error)
{
  if (resolution < SADDLE_SURFACE_MIN_RESOLUTION || resolution > SADDLE_SURFACE_MAX_RESOLUTION)
    {
      g_set_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID,
                   "Loss surface resolution %u is out of range: choose %d to %d nodes per axis",
                   resolution, SADDLE_SURFACE_MIN_RESOLUTION, SADDLE_SURFACE_MAX_RESOLUTION);
      return FALSE;
    }

  for (guint axis = 0; axis < 2; axis++)
    {
      double lo = range[2 * axis];
      double hi = range[2 * axis + 1];

      /* hi − lo must be finite too: the node spacing is computed from it. */
      if (!isfinite (lo) || !isfinite (hi) || !(lo < hi) || !isfinite (hi - lo))
        {
          g_set_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID,
                       "The loss surface's PC%u range [%g, %g] is empty or not finite: "
                       "its minimum must be below its maximum", axis + 1, lo, hi);
          return FALSE;
        }
    }

  return TRUE;
}

/* The plane must live in the model's parameter space; BLAS indexes with ints. */
static gboolean
check_plane (const SaddlePca *pca,
             gsize            n_params,
             GError         **error)
{
  if (pca->n_components == 0 || pca->components == NULL || pca->mean == NULL)
    {
      g_set_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID,
                   "The PCA has no components, so there is no plane to draw the loss over: "
                   "fit it with at least one component");
      return FALSE;
    }
  if (pca->dim != n_params)
    {
      g_set_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID,
                   "The PCA plane has %" G_GSIZE_FORMAT " coordinates but the model has %"
                   G_GSIZE_FORMAT " parameters: use the PCA of the whole parameter vector "
                   "(not of one layer) of this model", pca->dim, n_params);
      return FALSE;
    }
  if (pca->dim == 0 || pca->dim > (gsize) G_MAXINT)
    {
      g_set_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID,
                   "A PCA plane of %" G_GSIZE_FORMAT " coordinates cannot be evaluated "
                   "(1 to %d are supported)", pca->dim, G_MAXINT);
      return FALSE;
    }

  return TRUE;
}

/* A bad batch would make the model return NaN with a warning; say why instead.
 * Reserving scratch up front turns an out-of-memory into an error too. */
static gboolean
check_model_batch (SaddleModel       *model,
                   const SaddleBatch *batch,
                   GError           **error)
{
  g_autoptr(GError) local = NULL;

  if (!saddle_model_check_batch (model, batch, &local))
    {
      g_set_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID,
                   "Cannot evaluate the loss surface on this data: %s", local->message);
      return FALSE;
    }
  if (!saddle_model_reserve (model, batch->n, 0, &local))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local),
                                  "Cannot evaluate the loss surface: ");
      return FALSE;
    }

  return TRUE;
}

static SaddleSurface *
surface_alloc (const double range[4],
               guint        resolution)
{
  SaddleSurface *surface = g_new0 (SaddleSurface, 1);

  surface->resolution = resolution;
  surface->pc1_min = range[0];
  surface->pc1_max = range[1];
  surface->pc2_min = range[2];
  surface->pc2_max = range[3];
  surface->loss = g_new0 (double, (gsize) resolution * resolution);
  surface->loss_min = NAN;
  surface->loss_max = NAN;

  return surface;
}

static void
update_stats (SaddleSurface *surface)
{
  gsize count = (gsize) surface->resolution * surface->resolution;

  surface->loss_min = NAN;
  surface->loss_max = NAN;
  surface->n_nonfinite = 0;

  for (gsize k = 0; k < count; k++)
    {
      double v = surface->loss[k];

      if (!isfinite (v))
        {
          surface->n_nonfinite++;
          continue;
        }
      /* NAN compares false, so the first finite value always takes both. */
      if (!(v >= surface->loss_min))
        surface->loss_min = v;
      if (!(v <= surface->loss_max))
        surface->loss_max = v;
    }
}

/* (1 − t)·lo + t·hi rather than lo + t·(hi − lo): both ends come out exact. */
static double
axis_node (double lo,
           double hi,
           guint  index,
           guint  resolution)
{
  double t = (double) index / (double) (resolution - 1);

  return (1.0 - t) * lo + t * hi;
}

/* Grid position of @x on an axis: integer part in @cell, fraction in @frac.
 * Positions within rounding of a node snap to it, so a node's own coordinate
 * reads back its value exactly. FALSE outside the axis. */
static gboolean
axis_locate (double  x,
             double  lo,
             double  hi,
             guint   resolution,
             guint  *cell,
             double *frac)
{
  double last = (double) (resolution - 1);
  double u = (x - lo) / (hi - lo) * last;
  /* Rounding in x, in x − lo and in the division, measured in cells. */
  double slack = 8.0 * DBL_EPSILON * last * (1.0 + MAX (fabs (lo), fabs (hi)) / (hi - lo));
  double nearest;

  if (!isfinite (u) || u < -slack || u > last + slack)
    return FALSE;

  nearest = round (u);
  if (fabs (u - nearest) <= slack)
    u = CLAMP (nearest, 0.0, last);

  if (u >= last)
    {
      *cell = resolution - 1;
      *frac = 0.0;
    }
  else
    {
      double f = floor (u);

      *cell = (guint) f;
      *frac = u - f;
    }

  return TRUE;
}

/* Along row @j at column @i with fraction @fx; the right neighbour is only
 * read when it carries weight, so an infinite one cannot poison a node. */
static double
row_value (const SaddleSurface *surface,
           guint                j,
           guint                i,
           double               fx)
{
  const double *row = surface->loss + (gsize) j * surface->resolution;

  if (fx == 0.0)
    return row[i];

  return (1.0 - fx) * row[i] + fx * row[i + 1];
}


SaddleSurface *
saddle_surface_compute (SaddleModel        *model,
                        const SaddleBatch  *batch,
                        const SaddlePca    *pca,
                        double              pc1_min,
                        double              pc1_max,
                        double              pc2_min,
                        double              pc2_max,
                        guint               resolution,
                        SaddleProgressFunc  progress,
                        gpointer            data,
                        GError            **error)
{
  g_autoptr(SaddleSurface) surface = NULL;
  g_autoptr(SaddleModelPlane) plane = NULL;
  const double range[4] = { pc1_min, pc1_max, pc2_min, pc2_max };

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (pca != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_grid (range, resolution, error)
      || !check_plane (pca, saddle_model_n_params (model), error)
      || !check_model_batch (model, batch, error))
    return NULL;

  /* A one-component PCA (a one-value slice) spans a line: b moves nowhere. */
  plane = saddle_model_plane_new (model, batch, pca->mean, pca->components,
                                  pca->n_components > 1 ? pca->components + pca->dim : NULL,
                                  error);
  if (plane == NULL)
    return NULL;

  surface = surface_alloc (range, resolution);
  for (guint j = 0; j < resolution; j++)
    {
      double b = axis_node (pc2_min, pc2_max, j, resolution);

      for (guint i = 0; i < resolution; i++)
        surface->loss[(gsize) j * resolution + i] =
          saddle_model_plane_loss (plane, axis_node (pc1_min, pc1_max, i, resolution), b);

      if (progress != NULL && !progress ((double) (j + 1) / (double) resolution, data))
        {
          g_set_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_CANCELLED,
                       "Loss surface cancelled after %u of %u rows", j + 1, resolution);
          return NULL;
        }
    }

  update_stats (surface);

  return g_steal_pointer (&surface);
}

SaddleSurface *
saddle_surface_new (const double  range[4],
                    guint         resolution,
                    const double *loss,
                    GError      **error)
{
  SaddleSurface *surface;

  g_return_val_if_fail (range != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_grid (range, resolution, error))
    return NULL;

  surface = surface_alloc (range, resolution);
  if (loss != NULL)
    memcpy (surface->loss, loss, (gsize) resolution * resolution * sizeof (double));
  update_stats (surface);

  return surface;
}

SaddleSurface *
saddle_surface_copy (const SaddleSurface *surface)
{
  SaddleSurface *copy;

  g_return_val_if_fail (surface != NULL, NULL);

  copy = g_memdup2 (surface, sizeof *surface);
  copy->loss = g_memdup2 (surface->loss,
                          (gsize) surface->resolution * surface->resolution * sizeof (double));

  return copy;
}

void
saddle_surface_free (SaddleSurface *surface)
{
  if (surface == NULL)
    return;

  g_free (surface->loss);
  g_free (surface);
}

void
saddle_surface_range_for (const SaddlePca *pca,
                          double           margin,
                          double           out[4])
{
  double lo[2] = { INFINITY, INFINITY };
  double hi[2] = { -INFINITY, -INFINITY };
  double span[2];
  double floor_width;

  g_return_if_fail (pca != NULL);
  g_return_if_fail (out != NULL);

  if (!(margin >= 0.0) || !isfinite (margin))
    margin = 0.0;

  for (guint c = 0; c < 2; c++)
    {
      for (gsize p = 0; p < pca->n_points; p++)
        {
          /* A missing second component puts every point at 0 on it. */
          double s = c < pca->n_components ? pca->scores[p * pca->n_components + c] : 0.0;

          if (!isfinite (s))
            continue;
          lo[c] = MIN (lo[c], s);
          hi[c] = MAX (hi[c], s);
        }
      if (lo[c] > hi[c])   /* no finite score at all */
        lo[c] = hi[c] = 0.0;
      span[c] = hi[c] - lo[c];
    }

  /* A path along one component alone would give a zero-height grid; a tenth
   * of the other extent keeps the picture readable and the range valid. */
  floor_width = MAX (span[0], span[1]) * RANGE_MIN_SHARE;
  if (!(floor_width > 0.0) || !isfinite (floor_width))
    floor_width = RANGE_FALLBACK_WIDTH;

  for (guint c = 0; c < 2; c++)
    {
      double width = MAX (span[c], floor_width);
      double centre = 0.5 * lo[c] + 0.5 * hi[c];
      double half = (0.5 + margin) * width;

      out[2 * c] = centre - half;
      out[2 * c + 1] = centre + half;
    }
}

double
saddle_surface_pc1_at (const SaddleSurface *surface,
                       guint                i)
{
  g_return_val_if_fail (surface != NULL, NAN);
  g_return_val_if_fail (i < surface->resolution, NAN);

  return axis_node (surface->pc1_min, surface->pc1_max, i, surface->resolution);
}

double
saddle_surface_pc2_at (const SaddleSurface *surface,
                       guint                j)
{
  g_return_val_if_fail (surface != NULL, NAN);
  g_return_val_if_fail (j < surface->resolution, NAN);

  return axis_node (surface->pc2_min, surface->pc2_max, j, surface->resolution);
}

double
saddle_surface_value_at (const SaddleSurface *surface,
                         double               a,
                         double               b)
{
  guint i, j;
  double fx, fy;
  double bottom;

  g_return_val_if_fail (surface != NULL, NAN);

  if (!axis_locate (a, surface->pc1_min, surface->pc1_max, surface->resolution, &i, &fx)
      || !axis_locate (b, surface->pc2_min, surface->pc2_max, surface->resolution, &j, &fy))
    return NAN;

  bottom = row_value (surface, j, i, fx);
  if (fy == 0.0)
    return bottom;

  return (1.0 - fy) * bottom + fy * row_value (surface, j + 1, i, fx);
}

gboolean
saddle_surface_snapshot_report (SaddleModel         *model,
                                const SaddleBatch   *batch,
                                const SaddlePca     *pca,
                                const double        *params,
                                gsize                n_snapshots,
                                const SaddleSurface *surface,
                                double              *plane_distance,
                                double              *true_loss,
                                double              *surface_loss,
                                SaddleProgressFunc   progress,
                                gpointer             data,
                                GError             **error)
{
  gsize dim;

  g_return_val_if_fail (pca != NULL, FALSE);
  g_return_val_if_fail (params != NULL || n_snapshots == 0, FALSE);
  g_return_val_if_fail (true_loss == NULL || (model != NULL && batch != NULL), FALSE);
  g_return_val_if_fail (surface_loss == NULL || surface != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_plane (pca, true_loss != NULL ? saddle_model_n_params (model) : pca->dim, error))
    return FALSE;
  if (true_loss != NULL && n_snapshots > 0 && !check_model_batch (model, batch, error))
    return FALSE;

  dim = pca->dim;

  if (n_snapshots > 0 && (plane_distance != NULL || surface_loss != NULL))
    {
      /* The surface's plane is spanned by the first two components only. */
      gsize nc = MIN (pca->n_components, 2);
      gsize chunk = CLAMP (REPORT_CHUNK_BYTES / (dim * sizeof (double)), 1, REPORT_CHUNK_MAX_ROWS);
      g_autofree double *centred = g_new (double, chunk * dim);  /* (chunk, dim) */
      g_autofree double *coords = g_new (double, chunk * nc);    /* (chunk, nc) */

      for (gsize start = 0; start < n_snapshots; start += chunk)
        {
          gsize rows = MIN (chunk, n_snapshots - start);

          for (gsize r = 0; r < rows; r++)
            {
              const double *theta = params + (start + r) * dim;
              double *row = centred + r * dim;

              for (gsize k = 0; k < dim; k++)
                row[k] = theta[k] - pca->mean[k];
            }

          /* coords (rows, nc) = R (rows, dim) · C (nc, dim)ᵀ */
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                       (blasint) rows, (blasint) nc, (blasint) dim,
                       1.0, centred, (blasint) dim, pca->components, (blasint) dim,
                       0.0, coords, (blasint) nc);

          if (plane_distance != NULL)
            {
              /* R ← R − coords · C: what the plane cannot show. */
              cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                           (blasint) rows, (blasint) dim, (blasint) nc,
                           -1.0, coords, (blasint) nc, pca->components, (blasint) dim,
                           1.0, centred, (blasint) dim);
              for (gsize r = 0; r < rows; r++)
                plane_distance[start + r] = cblas_dnrm2 ((blasint) dim, centred + r * dim, 1);
            }

          if (surface_loss != NULL)
            for (gsize r = 0; r < rows; r++)
              surface_loss[start + r] =
                saddle_surface_value_at (surface, coords[r * nc],
                                         nc > 1 ? coords[r * nc + 1] : 0.0);
        }
    }

  if (true_loss != NULL)
    for (gsize s = 0; s < n_snapshots; s++)
      {
        true_loss[s] = saddle_model_loss_grad (model, params + s * dim, batch, NULL);

        if (progress != NULL && !progress ((double) (s + 1) / (double) n_snapshots, data))
          {
            g_set_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_CANCELLED,
                         "Snapshot losses cancelled after %" G_GSIZE_FORMAT " of %"
                         G_GSIZE_FORMAT, s + 1, n_snapshots);
            return FALSE;
          }
      }

  return TRUE;
}

gboolean
saddle_surface_write_csv (const SaddleSurface *surface,
                          const char          *path,
                          GError             **error)
{
  g_autoptr(SaddleCsv) csv = NULL;
  guint res;

  g_return_val_if_fail (surface != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  res = surface->resolution;
  csv = saddle_csv_new ("pc1,pc2,loss", (gsize) res * res * 64);
  for (guint j = 0; j < res; j++)
    {
      double b = saddle_surface_pc2_at (surface, j);

      for (guint i = 0; i < res; i++)
        {
          saddle_csv_add_double (csv, saddle_surface_pc1_at (surface, i));
          saddle_csv_add_double (csv, b);
          saddle_csv_add_double (csv, surface->loss[(gsize) j * res + i]);
          saddle_csv_end_row (csv);
        }
    }

  return saddle_csv_write (csv, path, error);
}
