/* saddle-trajectory.c */
#define G_LOG_DOMAIN "saddle-trajectory"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-csv.h"
#include "saddle-stats.h"
#include "saddle-trajectory.h"

G_DEFINE_QUARK (saddle-trajectory-error-quark, saddle_trajectory_error)


/* Fills @array with @n values of @values, or NAN where @values is NULL. */
static void
fill_doubles (GArray       *array,
              gsize         n,
              const double *values)
{
  g_array_set_size (array, n);
  for (gsize i = 0; i < n; i++)
    g_array_index (array, double, i) = values != NULL ? values[i] : NAN;
}

/* Grows @array to @n values with NAN (or cuts it to @n). */
static void
pad_nan (GArray *array,
         gsize   n)
{
  const double nan_value = NAN;

  if (array->len > n)
    g_array_set_size (array, n);
  while (array->len < n)
    g_array_append_val (array, nan_value);
}

static double
array_value (const GArray *array,
             gsize         i)
{
  return i < array->len ? g_array_index (array, double, i) : NAN;
}

static SaddlePca *
pca_copy (const SaddlePca *pca)
{
  SaddlePca *copy;

  if (pca == NULL)
    return NULL;

  copy = g_new0 (SaddlePca, 1);
  *copy = *pca;
  copy->mean = g_memdup2 (pca->mean, pca->dim * sizeof (double));
  copy->components = g_memdup2 (pca->components, (gsize) pca->n_components * pca->dim * sizeof (double));
  copy->scores = g_memdup2 (pca->scores, pca->n_points * pca->n_components * sizeof (double));
  copy->explained_ratio = g_memdup2 (pca->explained_ratio, pca->n_components * sizeof (double));
  return copy;
}

static GArray *
doubles_copy (const GArray *array)
{
  GArray *copy = g_array_sized_new (FALSE, FALSE, sizeof (double), array->len);

  if (array->len > 0)
    g_array_append_vals (copy, array->data, array->len);
  return copy;
}

static gboolean
layer_slice_valid (const SaddleTrajectory *trajectory)
{
  return trajectory->layer_size > 0
         && trajectory->layer_offset <= trajectory->n_params
         && trajectory->layer_size <= trajectory->n_params - trajectory->layer_offset;
}

SaddleTrajectory *
saddle_trajectory_new (gsize n_params,
                       guint layer,
                       gsize layer_offset,
                       gsize layer_size)
{
  SaddleTrajectory *trajectory;

  g_return_val_if_fail (n_params > 0, NULL);

  trajectory = g_new0 (SaddleTrajectory, 1);
  trajectory->n_params = n_params;
  trajectory->layer = layer;
  trajectory->layer_offset = layer_offset;
  trajectory->layer_size = layer_size;
  trajectory->info = g_array_new (FALSE, FALSE, sizeof (SaddleSnapshotInfo));
  trajectory->params = g_array_new (FALSE, FALSE, sizeof (double));
  trajectory->plane_distance = g_array_new (FALSE, FALSE, sizeof (double));
  trajectory->surface_loss = g_array_new (FALSE, FALSE, sizeof (double));
  trajectory->test_accuracy = g_array_new (FALSE, FALSE, sizeof (double));
  return trajectory;
}

void
saddle_trajectory_free (SaddleTrajectory *trajectory)
{
  if (trajectory == NULL)
    return;

  g_array_unref (trajectory->info);
  g_array_unref (trajectory->params);
  g_clear_pointer (&trajectory->pca, saddle_pca_free);
  g_clear_pointer (&trajectory->layer_pca, saddle_pca_free);
  g_clear_pointer (&trajectory->surface, saddle_surface_free);
  g_array_unref (trajectory->plane_distance);
  g_array_unref (trajectory->surface_loss);
  g_array_unref (trajectory->test_accuracy);
  g_free (trajectory);
}

static SaddleTrajectory *
copy_trajectory (const SaddleTrajectory *trajectory,
                 gboolean                with_params)
{
  SaddleTrajectory *copy = g_new0 (SaddleTrajectory, 1);

  *copy = *trajectory;
  copy->info = g_array_sized_new (FALSE, FALSE, sizeof (SaddleSnapshotInfo), trajectory->info->len);
  if (trajectory->info->len > 0)
    g_array_append_vals (copy->info, trajectory->info->data, trajectory->info->len);
  copy->params = with_params ? doubles_copy (trajectory->params)
                             : g_array_new (FALSE, FALSE, sizeof (double));
  copy->room = 0;
  copy->pca = pca_copy (trajectory->pca);
  copy->layer_pca = pca_copy (trajectory->layer_pca);
  copy->surface = trajectory->surface != NULL ? saddle_surface_copy (trajectory->surface) : NULL;
  copy->plane_distance = doubles_copy (trajectory->plane_distance);
  copy->surface_loss = doubles_copy (trajectory->surface_loss);
  copy->test_accuracy = doubles_copy (trajectory->test_accuracy);
  return copy;
}

SaddleTrajectory *
saddle_trajectory_copy (const SaddleTrajectory *trajectory)
{
  g_return_val_if_fail (trajectory != NULL, NULL);

  return copy_trajectory (trajectory, TRUE);
}

/* What the charts draw of @trajectory, for a live preview: the snapshots' information, the
 * projections, the surface and the distances, without the parameter vectors (tens of MB for
 * the image model, which the previewer would otherwise copy, on fresh pages, every time). */
SaddleTrajectory *
saddle_trajectory_copy_without_params (const SaddleTrajectory *trajectory)
{
  g_return_val_if_fail (trajectory != NULL, NULL);

  return copy_trajectory (trajectory, FALSE);
}

gboolean
saddle_trajectory_has_params (const SaddleTrajectory *trajectory)
{
  g_return_val_if_fail (trajectory != NULL, FALSE);

  return trajectory->params->len == (gsize) trajectory->info->len * trajectory->n_params;
}

void
saddle_trajectory_reserve (SaddleTrajectory *trajectory,
                           gsize             n_snapshots)
{
  guint len;

  g_return_if_fail (trajectory != NULL);

  /* GArray keeps its allocation when it shrinks: grow it once, then shrink it back. */
  len = trajectory->params->len;
  if (n_snapshots * trajectory->n_params > len && n_snapshots < G_MAXUINT / trajectory->n_params)
    {
      g_array_set_size (trajectory->params, (guint) (n_snapshots * trajectory->n_params));
      g_array_set_size (trajectory->params, len);
      trajectory->room = MAX (trajectory->room, n_snapshots);
    }
}

double *
saddle_trajectory_room (SaddleTrajectory *trajectory,
                        gsize             row)
{
  g_return_val_if_fail (trajectory != NULL, NULL);
  g_return_val_if_fail (row >= trajectory->info->len, NULL);

  if (row >= trajectory->room)
    return NULL;
  return (double *) (void *) trajectory->params->data + row * trajectory->n_params;
}

void
saddle_trajectory_add_from_room (SaddleTrajectory         *trajectory,
                                 const SaddleSnapshotInfo *info,
                                 gsize                     n,
                                 gsize                     first)
{
  gsize count;
  double *rows;

  g_return_if_fail (trajectory != NULL);
  g_return_if_fail (info != NULL || n == 0);
  g_return_if_fail (saddle_trajectory_has_params (trajectory));
  count = trajectory->info->len;
  g_return_if_fail (first >= count && first <= trajectory->room && n <= trajectory->room - first);

  rows = (double *) (void *) trajectory->params->data;
  if (first > count)
    memmove (rows + count * trajectory->n_params, rows + first * trajectory->n_params,
             n * trajectory->n_params * sizeof (double));
  /* Within its allocation GArray's set_size neither moves the data nor writes to it when the
   * array was made without clear_ (GLib 2.74's garray.c; /core/trajectory/room checks it): the
   * vectors written there stay as they are. */
  g_array_set_size (trajectory->params, (guint) ((count + n) * trajectory->n_params));
  g_array_append_vals (trajectory->info, info, (guint) n);
  for (gsize i = 0; i < n; i++)
    trajectory->n_runs = MAX (trajectory->n_runs, info[i].run + 1);

  /* Not measured against any plane yet; the arrays stay one value per snapshot. */
  pad_nan (trajectory->plane_distance, trajectory->info->len);
  pad_nan (trajectory->surface_loss, trajectory->info->len);
}

gsize
saddle_trajectory_n_snapshots (const SaddleTrajectory *trajectory)
{
  g_return_val_if_fail (trajectory != NULL, 0);

  return trajectory->info->len;
}

void
saddle_trajectory_add (SaddleTrajectory         *trajectory,
                       const SaddleSnapshotInfo *info,
                       const double             *params)
{
  g_return_if_fail (trajectory != NULL);
  g_return_if_fail (info != NULL);
  g_return_if_fail (params != NULL);
  g_return_if_fail (saddle_trajectory_has_params (trajectory));

  g_array_append_val (trajectory->info, *info);
  g_array_append_vals (trajectory->params, params, trajectory->n_params);
  trajectory->n_runs = MAX (trajectory->n_runs, info->run + 1);

  /* Not measured against any plane yet; the arrays stay one value per snapshot. */
  pad_nan (trajectory->plane_distance, trajectory->info->len);
  pad_nan (trajectory->surface_loss, trajectory->info->len);
}

gboolean
saddle_trajectory_compute_pca (SaddleTrajectory *trajectory,
                               GError          **error)
{
  return saddle_trajectory_compute_pca_threaded (trajectory, 1, error);
}

gboolean
saddle_trajectory_compute_pca_threaded (SaddleTrajectory *trajectory,
                                        guint             threads,
                                        GError          **error)
{
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddlePca) layer_pca = NULL;
  g_autofree double *slices = NULL;
  gsize n;

  g_return_val_if_fail (trajectory != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n = trajectory->info->len;
  if (!saddle_trajectory_has_params (trajectory))
    {
      g_set_error_literal (error, SADDLE_TRAJECTORY_ERROR, SADDLE_TRAJECTORY_ERROR_INVALID,
                           "The trajectory has no parameter vectors to fit a PCA to (a preview's copy)");
      return FALSE;
    }

  if (!layer_slice_valid (trajectory))
    {
      g_set_error (error, SADDLE_TRAJECTORY_ERROR, SADDLE_TRAJECTORY_ERROR_INVALID,
                   "Layer %u weights (%" G_GSIZE_FORMAT " values at offset %" G_GSIZE_FORMAT
                   ") do not lie inside the %" G_GSIZE_FORMAT "-value parameter vector",
                   trajectory->layer + 1, trajectory->layer_size, trajectory->layer_offset,
                   trajectory->n_params);
      return FALSE;
    }

  if (n < 2)
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_TOO_FEW,
                   "The PCA plane needs at least two snapshots; there %s %" G_GSIZE_FORMAT " so far",
                   n == 1 ? "is" : "are", n);
      return FALSE;
    }

  /* The layer's weights are one contiguous slice of each snapshot: both PCAs in one fit. */
  if (trajectory->layer_size >= 2)
    {
      pca = saddle_pca_fit_with_slice ((const double *) trajectory->params->data, n,
                                       trajectory->n_params, trajectory->layer_offset,
                                       trajectory->layer_size, 2, threads, &layer_pca, error);
      if (pca == NULL)
        {
          g_prefix_error (error, "PCA of the whole parameter vector and of layer %u weights over %"
                          G_GSIZE_FORMAT " snapshots: ", trajectory->layer + 1, n);
          return FALSE;
        }
    }
  else
    {
      /* One weight (a 1-1 layer): its PCA has one component. */
      pca = saddle_pca_fit ((const double *) trajectory->params->data, n, trajectory->n_params,
                            MIN (2, trajectory->n_params), error);
      if (pca == NULL)
        {
          g_prefix_error (error, "PCA of the whole parameter vector over %" G_GSIZE_FORMAT " snapshots: ", n);
          return FALSE;
        }
      slices = g_new (double, n);
      for (gsize i = 0; i < n; i++)
        slices[i] = g_array_index (trajectory->params, double, i * trajectory->n_params + trajectory->layer_offset);
      layer_pca = saddle_pca_fit (slices, n, 1, 1, error);
      if (layer_pca == NULL)
        {
          g_prefix_error (error, "PCA of layer %u weights: ", trajectory->layer + 1);
          return FALSE;
        }
    }

  g_clear_pointer (&trajectory->pca, saddle_pca_free);
  g_clear_pointer (&trajectory->layer_pca, saddle_pca_free);
  trajectory->pca = g_steal_pointer (&pca);
  trajectory->layer_pca = g_steal_pointer (&layer_pca);

  /* The surface and the distances belong to the old plane. */
  g_clear_pointer (&trajectory->surface, saddle_surface_free);
  fill_doubles (trajectory->plane_distance, n, NULL);
  fill_doubles (trajectory->surface_loss, n, NULL);
  return TRUE;
}

void
saddle_trajectory_set_surface (SaddleTrajectory *trajectory,
                               SaddleSurface    *surface,
                               const double     *plane_distance,
                               const double     *surface_loss)
{
  gsize n;

  g_return_if_fail (trajectory != NULL);

  n = trajectory->info->len;
  if (trajectory->surface != surface)
    {
      g_clear_pointer (&trajectory->surface, saddle_surface_free);
      trajectory->surface = surface;
    }
  fill_doubles (trajectory->plane_distance, n, plane_distance);
  fill_doubles (trajectory->surface_loss, n, surface_loss);
}

gboolean
saddle_trajectory_adopt_plane (SaddleTrajectory       *trajectory,
                               const SaddleTrajectory *from,
                               GError                **error)
{
  const double *params;
  gsize n, dim;
  guint nc;
  g_autoptr(SaddlePca) pca = NULL;
  g_autofree double *distance = NULL;
  g_autofree double *surface_loss = NULL;
  g_autofree double *centre = NULL;
  double total = 0;

  g_return_val_if_fail (trajectory != NULL, FALSE);

  n = trajectory->info->len;
  dim = trajectory->n_params;
  if (from == NULL || from->pca == NULL || from->surface == NULL || from->n_params != dim || n == 0
      || !saddle_trajectory_has_params (trajectory))
    return FALSE;

  params = (const double *) trajectory->params->data;
  distance = g_new (double, n);
  surface_loss = g_new (double, n);
  if (!saddle_surface_snapshot_report (NULL, NULL, from->pca, params, n, from->surface,
                                       distance, NULL, surface_loss, NULL, NULL, error))
    return FALSE;

  pca = pca_copy (from->pca);
  nc = pca->n_components;
  g_free (pca->scores);
  pca->scores = g_new (double, n * nc);
  pca->n_points = n;
  for (gsize i = 0; i < n; i++)
    saddle_pca_project (pca, params + i * dim, pca->scores + i * nc);

  /* The share of all snapshots' variance along each adopted direction, not the preview's. */
  centre = g_new0 (double, dim);
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < dim; j++)
      centre[j] += params[i * dim + j] / (double) n;
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < dim; j++)
      total += (params[i * dim + j] - centre[j]) * (params[i * dim + j] - centre[j]);
  for (guint k = 0; k < nc; k++)
    {
      double mean = 0, var = 0;

      for (gsize i = 0; i < n; i++)
        mean += pca->scores[i * nc + k] / (double) n;
      for (gsize i = 0; i < n; i++)
        var += (pca->scores[i * nc + k] - mean) * (pca->scores[i * nc + k] - mean);
      pca->explained_ratio[k] = total > 0 ? var / total : NAN;
    }
  pca->total_variance = total / (double) MAX (n - 1, 1);

  g_clear_pointer (&trajectory->pca, saddle_pca_free);
  trajectory->pca = g_steal_pointer (&pca);
  saddle_trajectory_set_surface (trajectory, saddle_surface_copy (from->surface), distance, surface_loss);
  return TRUE;
}

double
saddle_trajectory_final_accuracy (const SaddleTrajectory *trajectory,
                                  guint                   run)
{
  const SaddleSnapshotInfo *last = NULL;

  g_return_val_if_fail (trajectory != NULL, NAN);

  for (guint i = 0; i < trajectory->info->len; i++)
    {
      const SaddleSnapshotInfo *s = &g_array_index (trajectory->info, SaddleSnapshotInfo, i);

      if (s->run != run)
        continue;
      if (last == NULL
          || s->epoch > last->epoch
          || (s->epoch == last->epoch && s->iteration >= last->iteration))
        last = s;
    }

  if (last == NULL)
    return NAN;

  return isnan (last->accuracy) ? last->loss : last->accuracy;
}

double
saddle_trajectory_contour_ratio (const SaddleTrajectory *trajectory,
                                 double                 *lo,
                                 double                 *hi)
{
  gsize n;
  g_autofree double *ratio = NULL;

  g_return_val_if_fail (trajectory != NULL, NAN);

  n = trajectory->info->len;
  ratio = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      const SaddleSnapshotInfo *s = &g_array_index (trajectory->info, SaddleSnapshotInfo, i);
      double sl = array_value (trajectory->surface_loss, i);

      ratio[i] = (isfinite (sl) && sl > 0 && isfinite (s->loss)) ? s->loss / sl : NAN;
    }
  return saddle_stats_median (ratio, n, lo, hi);
}

gboolean
saddle_trajectory_contour_misrepresents (const SaddleTrajectory *trajectory)
{
  double ratio = saddle_trajectory_contour_ratio (trajectory, NULL, NULL);

  return isfinite (ratio) && (ratio < 1.0 / SADDLE_TRAJECTORY_CONTOUR_FACTOR
                              || ratio > SADDLE_TRAJECTORY_CONTOUR_FACTOR);
}

double
saddle_trajectory_test_accuracy (const SaddleTrajectory *trajectory,
                                 guint                   run)
{
  g_return_val_if_fail (trajectory != NULL, NAN);

  return array_value (trajectory->test_accuracy, run);
}

void
saddle_trajectory_set_test_accuracy (SaddleTrajectory *trajectory,
                                     guint             run,
                                     double            accuracy)
{
  g_return_if_fail (trajectory != NULL);

  if (trajectory->test_accuracy->len <= run)
    pad_nan (trajectory->test_accuracy, (gsize) run + 1);
  g_array_index (trajectory->test_accuracy, double, run) = accuracy;
}

gboolean
saddle_trajectory_write_csv (const SaddleTrajectory *trajectory,
                             gboolean                layer_only,
                             const char             *path,
                             GError                **error)
{
  g_autoptr(SaddleCsv) csv = NULL;
  const SaddlePca *pca;
  guint nc;

  g_return_val_if_fail (trajectory != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  pca = layer_only ? trajectory->layer_pca : trajectory->pca;
  if (pca == NULL)
    {
      g_set_error (error, SADDLE_TRAJECTORY_ERROR, SADDLE_TRAJECTORY_ERROR_NO_PCA,
                   "Cannot write %s: the PCA of the %s has not been computed yet "
                   "(it needs at least two snapshots)",
                   path, layer_only ? "layer weights" : "whole parameter vector");
      return FALSE;
    }
  if (pca->n_points != trajectory->info->len)
    {
      g_set_error (error, SADDLE_TRAJECTORY_ERROR, SADDLE_TRAJECTORY_ERROR_NO_PCA,
                   "Cannot write %s: the PCA covers %" G_GSIZE_FORMAT " snapshots but there are %u; "
                   "compute it again",
                   path, pca->n_points, trajectory->info->len);
      return FALSE;
    }

  nc = pca->n_components;
  csv = saddle_csv_new ("run,epoch,iteration,loss,accuracy,pc1,pc2,plane_distance,surface_loss",
                        144 * (gsize) trajectory->info->len);
  for (guint i = 0; i < trajectory->info->len; i++)
    {
      const SaddleSnapshotInfo *s = &g_array_index (trajectory->info, SaddleSnapshotInfo, i);

      /* Runs are numbered from 1 in every file and figure ("Run 12" = run 12). */
      saddle_csv_add_uint (csv, (guint64) s->run + 1);
      saddle_csv_add_uint (csv, s->epoch);
      saddle_csv_add_uint (csv, s->iteration);
      saddle_csv_add_double (csv, s->loss);
      saddle_csv_add_double (csv, s->accuracy);
      saddle_csv_add_double (csv, nc > 0 ? pca->scores[i * nc] : 0.0);
      /* A one-value slice has one component; its second coordinate is 0. */
      saddle_csv_add_double (csv, nc > 1 ? pca->scores[i * nc + 1] : 0.0);
      /* The surface lies in the whole vector's plane: nothing to say beside layer coordinates. */
      saddle_csv_add_double (csv, layer_only ? NAN : array_value (trajectory->plane_distance, i));
      saddle_csv_add_double (csv, layer_only ? NAN : array_value (trajectory->surface_loss, i));
      saddle_csv_end_row (csv);
    }

  return saddle_csv_write (csv, path, error);
}
