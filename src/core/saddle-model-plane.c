/* saddle-model-plane.c — the loss at many points of one plane through parameter space */
#define G_LOG_DOMAIN "saddle-model"

#include "config.h"

#include "saddle-model-plane.h"
#include "saddle-model-private.h"

struct _SaddleModelPlane
{
  SaddleModel       *model;
  const SaddleBatch *batch;
  const double      *origin;
  const double      *u;
  const double      *v;        /* NULL: a line */
  double            *first[3]; /* (n, out₀) first-layer pre-activations of origin, u and v */
  double            *theta;    /* (n_params) scratch: the point, above the first layer */
};

SaddleModelPlane *
saddle_model_plane_new (SaddleModel       *model,
                        const SaddleBatch *batch,
                        const double      *origin,
                        const double      *u,
                        const double      *v,
                        GError           **error)
{
  SaddleModelPlane *plane;
  gsize count;

  g_return_val_if_fail (model != NULL && origin != NULL && u != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!_saddle_model_batch_usable (model, batch, TRUE))
    {
      g_set_error_literal (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                           "The batch does not fit the model");
      return NULL;
    }

  count = batch->n * model->widths[1];
  plane = g_new0 (SaddleModelPlane, 1);
  plane->model = model;
  plane->batch = batch;
  plane->origin = origin;
  plane->u = u;
  plane->v = v;
  for (guint k = 0; k < 3; k++)
    plane->first[k] = g_try_new (double, count);
  plane->theta = g_try_new (double, model->n_params);
  if (plane->first[0] == NULL || plane->first[1] == NULL || plane->first[2] == NULL
      || plane->theta == NULL || !_saddle_model_ensure_forward (model, batch->n))
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_NO_MEMORY,
                   "Not enough memory for the loss of %" G_GSIZE_FORMAT " samples on a plane",
                   batch->n);
      saddle_model_plane_free (plane);
      return NULL;
    }

  _saddle_model_affine (model, origin, 0, batch->x, batch->n, plane->first[0]);
  _saddle_model_affine (model, u, 0, batch->x, batch->n, plane->first[1]);
  if (v != NULL)
    _saddle_model_affine (model, v, 0, batch->x, batch->n, plane->first[2]);
  return plane;
}

double
saddle_model_plane_loss (SaddleModelPlane *plane,
                         double            a,
                         double            b)
{
  SaddleModel *model;
  const SaddleBatch *batch;
  gsize count, above;
  double *z;

  g_return_val_if_fail (plane != NULL, NAN);

  model = plane->model;
  batch = plane->batch;
  /* The same layout as at creation, unless the model was used in between. */
  if (!_saddle_model_ensure_forward (model, batch->n))
    return NAN;

  /* The first layer: affine in (a, b). The sums go in the order the surface has always
   * formed its points, (origin + b·v) + a·u. */
  z = model->z[0];
  count = batch->n * model->widths[1];
  if (plane->v != NULL)
    for (gsize i = 0; i < count; i++)
      z[i] = (plane->first[0][i] + b * plane->first[2][i]) + a * plane->first[1][i];
  else
    for (gsize i = 0; i < count; i++)
      z[i] = plane->first[0][i] + a * plane->first[1][i];

  if (model->n_layers > 1)
    {
      /* The layers above, at the point's own parameters. */
      above = model->offsets[1];
      for (gsize k = above; k < model->n_params; k++)
        plane->theta[k] = (plane->v != NULL ? plane->origin[k] + b * plane->v[k] : plane->origin[k])
                          + a * plane->u[k];
      _saddle_model_activate (model, 0, batch->n);
      _saddle_model_forward_from (model, plane->theta, batch->x, batch->n, 1);
    }
  return _saddle_model_compute_loss (model, batch, FALSE);
}

void
saddle_model_plane_free (SaddleModelPlane *plane)
{
  if (plane == NULL)
    return;
  for (guint k = 0; k < 3; k++)
    g_free (plane->first[k]);
  g_free (plane->theta);
  g_free (plane);
}
