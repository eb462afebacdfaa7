/* test-surface.c — the loss over a PCA plane against closed forms and the true loss */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-batch.h"
#include "saddle-dataset.h"
#include "saddle-model.h"
#include "saddle-pca.h"
#include "saddle-rng.h"
#include "saddle-trajectory.h"
#include "saddle-surface.h"
#include "saddle-test-util.h"

/* A model and the whole of a sampled-function dataset as its batch (θ unused). */
typedef SaddleTestNet Problem;

static void
problem_init (Problem          *problem,
              const guint      *widths,
              guint             n_widths,
              SaddleActivation  activation,
              gsize             n_points)
{
  saddle_test_net_init (problem, widths, n_widths, activation, n_points, 1);
}

/* The 1-4-1 tanh net (13 parameters) used by the plane tests. */
static void
problem_init_small_net (Problem *problem)
{
  static const guint widths[] = { 1, 4, 1 };

  problem_init (problem, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH, 29);
}

static double *
random_points (gsize   n,
               gsize   dim,
               double  scale,
               guint64 seed)
{
  double *x = g_new (double, n * dim);
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < n * dim; i++)
    x[i] = scale * saddle_rng_normal (&rng);

  return x;
}

/* Distance of @theta from the plane mean + span(c₁, c₂), one dot product at a time:
 * the reference for the DGEMM path. */
static double
naive_distance (const SaddlePca *pca,
                const double    *theta)
{
  g_autofree double *r = g_new (double, pca->dim);
  double s1, s2;

  for (gsize k = 0; k < pca->dim; k++)
    r[k] = theta[k] - pca->mean[k];
  s1 = saddle_test_dot (r, pca->components, pca->dim);
  s2 = saddle_test_dot (r, pca->components + pca->dim, pca->dim);
  for (gsize k = 0; k < pca->dim; k++)
    r[k] -= s1 * pca->components[k] + s2 * pca->components[pca->dim + k];

  return sqrt (saddle_test_dot (r, r, pca->dim));
}

static void
assert_close (double actual,
              double expected,
              double tolerance)
{
  g_assert_true (isfinite (actual));
  g_assert_true (isfinite (expected));
  g_assert_cmpfloat (fabs (actual - expected), <=, tolerance * MAX (1.0, fabs (expected)));
}

/* 1 → 1 linear regression: the model is linear in θ = (w, b), so along the
 * plane θ = m + a·c₁ + b·c₂ the residual is u + a·p + b·q per sample and the
 * MSE is the quadratic mean((u + a·p + b·q)²), expanded here by its moments. */
static void
test_quadratic (void)
{
  static const guint widths[] = { 1, 1 };
  /* Three non-collinear (w, b): their PCA plane is all of R². */
  static const double snapshots[] = { 0.3, -0.2, 1.1, 0.4, 0.5, 0.9 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  Problem problem;
  double range[4];
  double suu = 0, sup = 0, suq = 0, spp = 0, spq = 0, sqq = 0;
  gsize n;
  const guint res = 9;

  problem_init (&problem, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_IDENTITY, 37);
  n = problem.dataset->n_samples;

  pca = saddle_pca_fit (snapshots, 3, 2, 2, &error);
  g_assert_no_error (error);
  for (gsize k = 0; k < 4; k++)
    g_assert_cmpfloat (fabs (pca->components[k]), >, 0.0);

  for (gsize s = 0; s < n; s++)
    {
      double x = problem.dataset->x[s];
      double y = problem.dataset->targets[s];
      double u = pca->mean[0] * x + pca->mean[1] - y;
      double p = pca->components[0] * x + pca->components[1];
      double q = pca->components[2] * x + pca->components[3];

      suu += u * u;
      sup += u * p;
      suq += u * q;
      spp += p * p;
      spq += p * q;
      sqq += q * q;
    }

  saddle_surface_range_for (pca, SADDLE_SURFACE_DEFAULT_MARGIN, range);
  /* Off-centre, asymmetric, so an axis mix-up cannot pass. */
  range[1] += 1.5;
  range[2] -= 0.7;
  surface = saddle_surface_compute (problem.model, &problem.batch, pca,
                                    range[0], range[1], range[2], range[3], res,
                                    NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (surface);
  g_assert_cmpuint (surface->resolution, ==, res);
  g_assert_cmpuint (surface->n_nonfinite, ==, 0);

  for (guint j = 0; j < res; j++)
    for (guint i = 0; i < res; i++)
      {
        double a = saddle_surface_pc1_at (surface, i);
        double b = saddle_surface_pc2_at (surface, j);
        double expected = (suu + 2.0 * a * sup + 2.0 * b * suq
                           + a * a * spp + 2.0 * a * b * spq + b * b * sqq) / (double) n;

        /* Row j is pc2's value b_j, column i pc1's a_i. */
        assert_close (surface->loss[j * res + i], expected, 1e-12);
        g_assert_cmpfloat (surface->loss[j * res + i], >=, surface->loss_min);
        g_assert_cmpfloat (surface->loss[j * res + i], <=, surface->loss_max);
      }

  /* The axis ends are exact; the quadratic must actually vary over the grid. */
  g_assert_cmpfloat (saddle_surface_pc1_at (surface, 0), ==, range[0]);
  g_assert_cmpfloat (saddle_surface_pc1_at (surface, res - 1), ==, range[1]);
  g_assert_cmpfloat (saddle_surface_pc2_at (surface, 0), ==, range[2]);
  g_assert_cmpfloat (saddle_surface_pc2_at (surface, res - 1), ==, range[3]);
  g_assert_cmpfloat (surface->loss_max - surface->loss_min, >, 0.1);

  /* Interpolation reads nodes back exactly. */
  for (guint j = 0; j < res; j++)
    for (guint i = 0; i < res; i++)
      g_assert_cmpfloat (saddle_surface_value_at (surface, saddle_surface_pc1_at (surface, i),
                                                  saddle_surface_pc2_at (surface, j)),
                         ==, surface->loss[j * res + i]);

  saddle_test_net_clear (&problem);
}

/* Three snapshots always lie in their own PCA plane (it is their affine hull),
 * so each has distance 0 and the grid node placed at its projection holds its
 * true loss. */
static void
test_in_plane (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autofree double *theta = NULL;
  Problem problem;
  gsize dim;
  const guint res = 7;
  /* The node each snapshot is placed on: two corners and an interior node. */
  static const guint node_i[3] = { 0, 6, 2 };
  static const guint node_j[3] = { 0, 6, 4 };
  double distance[3], true_loss[3], surface_loss[3];

  problem_init_small_net (&problem);
  dim = saddle_model_n_params (problem.model);
  g_assert_cmpuint (dim, ==, 13);

  theta = random_points (3, dim, 0.8, 20240607);
  pca = saddle_pca_fit (theta, 3, dim, 2, &error);
  g_assert_no_error (error);

  saddle_surface_snapshot_report (problem.model, &problem.batch, pca, theta, 3, NULL,
                                  distance, true_loss, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (guint k = 0; k < 3; k++)
    {
      const double *t = theta + k * dim;
      double spread = 0.0;

      for (gsize c = 0; c < dim; c++)
        spread += (t[c] - pca->mean[c]) * (t[c] - pca->mean[c]);
      g_assert_cmpfloat (sqrt (spread), >, 0.1);
      g_assert_cmpfloat (distance[k], >=, 0.0);
      g_assert_cmpfloat (distance[k], <=, 1e-12 * sqrt (spread));
      g_assert_cmpfloat (true_loss[k], ==,
                         saddle_model_loss_grad (problem.model, t, &problem.batch, NULL));
    }
  /* Distinct losses: the comparisons below could not pass by one constant. */
  g_assert_cmpfloat (fabs (true_loss[0] - true_loss[1]), >, 1e-6);
  g_assert_cmpfloat (fabs (true_loss[0] - true_loss[2]), >, 1e-6);

  for (guint k = 0; k < 3; k++)
    {
      g_autoptr(SaddleSurface) surface = NULL;
      double s1 = pca->scores[k * 2];
      double s2 = pca->scores[k * 2 + 1];
      const double h1 = 0.25, h2 = 0.4;
      double node_value;

      surface = saddle_surface_compute (problem.model, &problem.batch, pca,
                                        s1 - node_i[k] * h1, s1 + (res - 1 - node_i[k]) * h1,
                                        s2 - node_j[k] * h2, s2 + (res - 1 - node_j[k]) * h2,
                                        res, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (surface->loss_max - surface->loss_min, >, 1e-6);

      node_value = surface->loss[node_j[k] * res + node_i[k]];
      assert_close (node_value, true_loss[k], 1e-12);

      saddle_surface_snapshot_report (problem.model, &problem.batch, pca, theta, 3, surface,
                                      NULL, NULL, surface_loss, NULL, NULL, &error);
      g_assert_no_error (error);
      assert_close (surface_loss[k], true_loss[k], 1e-12);
    }

  saddle_test_net_clear (&problem);
}

/* A snapshot pushed a known distance along a direction normal to the plane
 * reports that distance, keeps the projection (so the surface's value) of its
 * origin, and has a different true loss: exactly what the plane hides. Many
 * random snapshots, crossing chunk boundaries, match the one-at-a-time reference. */
static void
test_off_plane (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *normal = NULL;
  g_autofree double *off = NULL;
  g_autofree double *many = NULL;
  g_autofree double *many_distance = NULL;
  Problem problem;
  double range[4];
  double distance[2], true_loss[2], surface_loss[2];
  double norm;
  gsize dim;
  const double delta = 0.37;
  const gsize n_many = 150;

  problem_init_small_net (&problem);
  dim = saddle_model_n_params (problem.model);
  theta = random_points (3, dim, 0.8, 77);
  pca = saddle_pca_fit (theta, 3, dim, 2, &error);
  g_assert_no_error (error);

  /* A unit normal: a random vector with its plane part removed twice. */
  normal = random_points (1, dim, 1.0, 5);
  for (guint pass = 0; pass < 2; pass++)
    for (guint c = 0; c < 2; c++)
      {
        const double *row = pca->components + c * dim;
        double d = saddle_test_dot (normal, row, dim);

        for (gsize k = 0; k < dim; k++)
          normal[k] -= d * row[k];
      }
  norm = sqrt (saddle_test_dot (normal, normal, dim));
  g_assert_cmpfloat (norm, >, 0.1);
  for (gsize k = 0; k < dim; k++)
    normal[k] /= norm;

  off = g_new (double, 2 * dim);
  memcpy (off, theta, dim * sizeof (double));
  for (gsize k = 0; k < dim; k++)
    off[dim + k] = theta[k] + delta * normal[k];

  saddle_surface_range_for (pca, SADDLE_SURFACE_DEFAULT_MARGIN, range);
  surface = saddle_surface_compute (problem.model, &problem.batch, pca,
                                    range[0], range[1], range[2], range[3], 21,
                                    NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (saddle_surface_snapshot_report (problem.model, &problem.batch, pca, off, 2,
                                                 surface, distance, true_loss, surface_loss,
                                                 NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (distance[0], <=, 1e-12);
  assert_close (distance[1], delta, 1e-12);
  g_assert_true (isfinite (surface_loss[0]));
  assert_close (surface_loss[1], surface_loss[0], 1e-12);
  g_assert_cmpfloat (fabs (true_loss[1] - true_loss[0]), >, 1e-6);

  /* Random snapshots: off the plane by amounts only the reference knows. */
  many = random_points (n_many, dim, 1.3, 99);
  many_distance = g_new (double, n_many);
  g_assert_true (saddle_surface_snapshot_report (NULL, NULL, pca, many, n_many, NULL,
                                                 many_distance, NULL, NULL,
                                                 NULL, NULL, &error));
  g_assert_no_error (error);
  for (gsize s = 0; s < n_many; s++)
    {
      double expected = naive_distance (pca, many + s * dim);

      g_assert_cmpfloat (expected, >, 0.1);
      assert_close (many_distance[s], expected, 1e-12);
    }

  saddle_test_net_clear (&problem);
}

/* f(a, b) = 1 + 2a − 3b + 0.5ab is bilinear, so interpolating its node values
 * reproduces it everywhere in the range. */
static double
bilinear_f (double a,
            double b)
{
  return 1.0 + 2.0 * a - 3.0 * b + 0.5 * a * b;
}

static void
test_bilinear (void)
{
  static const double range[4] = { -1.0, 2.0, 0.5, 3.0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  g_autoptr(SaddleSurface) rough = NULL;
  g_autoptr(SaddleSurface) copy = NULL;
  g_autofree double *values = NULL;
  g_autofree double *noise = NULL;
  SaddleRng rng;
  const guint res = 6;

  surface = saddle_surface_new (range, res, NULL, &error);
  g_assert_no_error (error);
  for (guint j = 0; j < res; j++)
    for (guint i = 0; i < res; i++)
      surface->loss[j * res + i] = bilinear_f (saddle_surface_pc1_at (surface, i),
                                               saddle_surface_pc2_at (surface, j));

  /* Nodes, exactly. */
  for (guint j = 0; j < res; j++)
    for (guint i = 0; i < res; i++)
      g_assert_cmpfloat (saddle_surface_value_at (surface, saddle_surface_pc1_at (surface, i),
                                                  saddle_surface_pc2_at (surface, j)),
                         ==, surface->loss[j * res + i]);

  /* Anywhere inside, the bilinear function itself. */
  saddle_rng_init (&rng, 3);
  for (guint t = 0; t < 500; t++)
    {
      double a = range[0] + (range[1] - range[0]) * saddle_rng_uniform (&rng);
      double b = range[2] + (range[3] - range[2]) * saddle_rng_uniform (&rng);

      assert_close (saddle_surface_value_at (surface, a, b), bilinear_f (a, b), 1e-12);
    }

  /* Outside, or not a number: no value. */
  g_assert_true (isnan (saddle_surface_value_at (surface, -1.01, 1.0)));
  g_assert_true (isnan (saddle_surface_value_at (surface, 2.01, 1.0)));
  g_assert_true (isnan (saddle_surface_value_at (surface, 0.0, 0.49)));
  g_assert_true (isnan (saddle_surface_value_at (surface, 0.0, 3.01)));
  g_assert_true (isnan (saddle_surface_value_at (surface, NAN, 1.0)));
  g_assert_true (isnan (saddle_surface_value_at (surface, 0.0, INFINITY)));

  /* Arbitrary node values: a cell's centre is its corners' mean, a node
   * beside an infinite one still reads exactly, and the infinite node
   * does not count towards min/max. */
  values = g_new (double, res * res);
  noise = random_points (res * res, 1, 1.0, 11);
  for (guint k = 0; k < res * res; k++)
    values[k] = 5.0 + noise[k];
  values[3 * res + 3] = INFINITY;
  rough = saddle_surface_new (range, res, values, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rough->n_nonfinite, ==, 1);
  {
    double lo = INFINITY, hi = -INFINITY;

    for (guint k = 0; k < res * res; k++)
      if (isfinite (values[k]))
        {
          lo = MIN (lo, values[k]);
          hi = MAX (hi, values[k]);
        }
    g_assert_cmpfloat (rough->loss_min, ==, lo);
    g_assert_cmpfloat (rough->loss_max, ==, hi);
  }
  {
    double a = 0.5 * (saddle_surface_pc1_at (rough, 1) + saddle_surface_pc1_at (rough, 2));
    double b = 0.5 * (saddle_surface_pc2_at (rough, 0) + saddle_surface_pc2_at (rough, 1));
    double mean = 0.25 * (values[1] + values[2] + values[res + 1] + values[res + 2]);

    assert_close (saddle_surface_value_at (rough, a, b), mean, 1e-14);
  }
  g_assert_cmpfloat (saddle_surface_value_at (rough, saddle_surface_pc1_at (rough, 2),
                                              saddle_surface_pc2_at (rough, 3)),
                     ==, values[3 * res + 2]);
  g_assert_true (isinf (saddle_surface_value_at (rough, saddle_surface_pc1_at (rough, 3),
                                                 saddle_surface_pc2_at (rough, 3))));
  /* The far corner, where no right or upper neighbour exists. */
  g_assert_cmpfloat (saddle_surface_value_at (rough, range[1], range[3]), ==,
                     values[res * res - 1]);

  copy = saddle_surface_copy (rough);
  g_assert_true (copy->loss != rough->loss);
  g_assert_cmpmem (copy->loss, res * res * sizeof (double),
                   rough->loss, res * res * sizeof (double));
  g_assert_cmpuint (copy->n_nonfinite, ==, 1);
}

typedef struct
{
  guint  calls;
  guint  stop_at;        /* return FALSE on this call; 0 = never */
  double last_fraction;
} Progress;

static gboolean
progress_cb (double   fraction,
             gpointer user_data)
{
  Progress *progress = user_data;

  progress->calls++;
  g_assert_cmpfloat (fraction, >, progress->last_fraction);
  g_assert_cmpfloat (fraction, <=, 1.0);
  progress->last_fraction = fraction;

  return progress->stop_at == 0 || progress->calls < progress->stop_at;
}

static void
test_cancel (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  g_autoptr(SaddleSurface) again = NULL;
  g_autofree double *theta = NULL;
  double loss[3];
  Problem problem;
  Progress progress = { 0, 0, 0.0 };
  gsize dim;
  const guint res = 11;

  problem_init_small_net (&problem);
  dim = saddle_model_n_params (problem.model);
  theta = random_points (3, dim, 0.8, 1);
  pca = saddle_pca_fit (theta, 3, dim, 2, &error);
  g_assert_no_error (error);

  /* Uncancelled: one call a row, ending at 1. */
  surface = saddle_surface_compute (problem.model, &problem.batch, pca, -1, 1, -1, 1, res,
                                    progress_cb, &progress, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (progress.calls, ==, res);
  g_assert_cmpfloat (progress.last_fraction, ==, 1.0);

  /* Deterministic: the same inputs give the same bits. */
  again = saddle_surface_compute (problem.model, &problem.batch, pca, -1, 1, -1, 1, res,
                                  NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->loss, res * res * sizeof (double),
                   surface->loss, res * res * sizeof (double));
  g_clear_pointer (&again, saddle_surface_free);

  progress = (Progress) { 0, 3, 0.0 };
  again = saddle_surface_compute (problem.model, &problem.batch, pca, -1, 1, -1, 1, res,
                                  progress_cb, &progress, &error);
  g_assert_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_CANCELLED);
  g_assert_null (again);
  g_assert_cmpuint (progress.calls, ==, 3);
  g_clear_error (&error);

  progress = (Progress) { 0, 2, 0.0 };
  g_assert_false (saddle_surface_snapshot_report (problem.model, &problem.batch, pca, theta, 3,
                                                  NULL, NULL, loss, NULL,
                                                  progress_cb, &progress, &error));
  g_assert_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_CANCELLED);
  g_assert_cmpuint (progress.calls, ==, 2);

  saddle_test_net_clear (&problem);
}

static void
assert_compute_invalid (Problem         *problem,
                        const SaddlePca *pca,
                        const double     range[4],
                        guint            resolution)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleSurface) surface = NULL;

  surface = saddle_surface_compute (problem->model, &problem->batch, pca,
                                    range[0], range[1], range[2], range[3], resolution,
                                    NULL, NULL, &error);
  g_assert_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID);
  g_assert_null (surface);
  g_test_message ("refused: %s", error->message);
}

static void
test_invalid (void)
{
  static const double good[4] = { -1.0, 1.0, -2.0, 2.0 };
  static const guint wide_widths[] = { 2, 3, 1 };
  static const guint class_widths[] = { 1, 4, 2 };
  static const guint bad_resolutions[] = { 0, 1, 402, 100000 };
  const double bad_ranges[][4] = {
    { 1.0, 1.0, -2.0, 2.0 },
    { 1.0, -1.0, -2.0, 2.0 },
    { -1.0, 1.0, 2.0, -2.0 },
    { NAN, 1.0, -2.0, 2.0 },
    { -1.0, 1.0, -2.0, INFINITY },
    { -1e308, 1e308, -2.0, 2.0 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddlePca) small_pca = NULL;
  g_autoptr(SaddlePca) class_pca = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  g_autoptr(SaddleModel) wide = NULL;
  g_autoptr(SaddleModel) classifier = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *wide_theta = NULL;
  g_autofree double *class_theta = NULL;
  double loss[3];
  Problem problem;
  gsize dim;

  problem_init_small_net (&problem);
  dim = saddle_model_n_params (problem.model);
  theta = random_points (3, dim, 0.8, 2);
  pca = saddle_pca_fit (theta, 3, dim, 2, &error);
  g_assert_no_error (error);

  for (guint k = 0; k < G_N_ELEMENTS (bad_resolutions); k++)
    assert_compute_invalid (&problem, pca, good, bad_resolutions[k]);
  for (guint k = 0; k < G_N_ELEMENTS (bad_ranges); k++)
    assert_compute_invalid (&problem, pca, bad_ranges[k], 5);

  /* A PCA of another parameter space (e.g. one layer's weights). */
  small_pca = saddle_pca_fit (theta, 3, dim - 1, 2, &error);
  g_assert_no_error (error);
  assert_compute_invalid (&problem, small_pca, good, 5);

  /* A model whose input width the data does not have. */
  wide = saddle_model_new (wide_widths, G_N_ELEMENTS (wide_widths),
                           SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE, &error);
  g_assert_no_error (error);
  wide_theta = random_points (3, saddle_model_n_params (wide), 0.5, 3);
  g_clear_pointer (&small_pca, saddle_pca_free);
  small_pca = saddle_pca_fit (wide_theta, 3, saddle_model_n_params (wide), 2, &error);
  g_assert_no_error (error);
  surface = saddle_surface_compute (wide, &problem.batch, small_pca, -1, 1, -1, 1, 5,
                                    NULL, NULL, &error);
  g_assert_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID);
  g_assert_null (surface);
  g_clear_error (&error);

  /* A classifier on regression data (no labels). */
  classifier = saddle_model_new (class_widths, G_N_ELEMENTS (class_widths),
                                 SADDLE_ACTIVATION_RELU, SADDLE_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  class_theta = random_points (3, saddle_model_n_params (classifier), 0.5, 4);
  class_pca = saddle_pca_fit (class_theta, 3, saddle_model_n_params (classifier), 2, &error);
  g_assert_no_error (error);
  surface = saddle_surface_compute (classifier, &problem.batch, class_pca, -1, 1, -1, 1, 5,
                                    NULL, NULL, &error);
  g_assert_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID);
  g_assert_null (surface);
  g_clear_error (&error);

  /* The report refuses a plane of the wrong size when it needs the model. */
  g_assert_false (saddle_surface_snapshot_report (problem.model, &problem.batch, class_pca,
                                                  class_theta, 3, NULL, NULL, loss, NULL,
                                                  NULL, NULL, &error));
  g_assert_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID);
  g_clear_error (&error);

  /* Building one from values checks the same things. */
  surface = saddle_surface_new (good, 1, NULL, &error);
  g_assert_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID);
  g_assert_null (surface);
  g_clear_error (&error);
  surface = saddle_surface_new (bad_ranges[0], 5, NULL, &error);
  g_assert_error (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_INVALID);
  g_assert_null (surface);
  g_clear_error (&error);

  /* The bounds themselves are accepted. */
  surface = saddle_surface_compute (problem.model, &problem.batch, pca, -1, 1, -1, 1,
                                    SADDLE_SURFACE_MIN_RESOLUTION, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (surface->resolution, ==, 2);
  g_clear_pointer (&surface, saddle_surface_free);
  surface = saddle_surface_new (good, SADDLE_SURFACE_MAX_RESOLUTION, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (surface->loss_min, ==, 0.0);

  saddle_test_net_clear (&problem);
}

/* Ranges cover every score with the margin on each side, and stay valid for
 * a straight path and for identical points. */
static void
test_range (void)
{
  static const double line[] = { 0.0, 0.0, 0.0, 1.0, 2.0, 3.0, 2.0, 4.0, 6.0 };
  static const double same[] = { 0.5, -1.0, 2.0, 0.5, -1.0, 2.0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddlePca) line_pca = NULL;
  g_autoptr(SaddlePca) same_pca = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  g_autofree double *theta = NULL;
  double range[4], tight[4], negative[4];
  const gsize n = 12, dim = 13;

  theta = random_points (n, dim, 1.0, 8);
  pca = saddle_pca_fit (theta, n, dim, 2, &error);
  g_assert_no_error (error);

  saddle_surface_range_for (pca, 0.0, tight);
  saddle_surface_range_for (pca, 0.2, range);
  saddle_surface_range_for (pca, -3.0, negative);
  g_assert_cmpmem (negative, sizeof negative, tight, sizeof tight);
  for (guint c = 0; c < 2; c++)
    {
      double lo = INFINITY, hi = -INFINITY, span;

      for (gsize p = 0; p < n; p++)
        {
          lo = MIN (lo, pca->scores[p * 2 + c]);
          hi = MAX (hi, pca->scores[p * 2 + c]);
        }
      span = hi - lo;
      g_assert_cmpfloat (span, >, 0.1);
      assert_close (tight[2 * c], lo, 1e-14);
      assert_close (tight[2 * c + 1], hi, 1e-14);
      assert_close (range[2 * c], lo - 0.2 * span, 1e-14);
      assert_close (range[2 * c + 1], hi + 0.2 * span, 1e-14);
    }

  /* Collinear snapshots: no second direction, yet a plane a tenth as tall. */
  line_pca = saddle_pca_fit (line, 3, 3, 2, &error);
  g_assert_no_error (error);
  saddle_surface_range_for (line_pca, 0.0, range);
  assert_close (range[1] - range[0], sqrt (56.0), 1e-12);
  assert_close (range[3] - range[2], 0.1 * sqrt (56.0), 1e-12);
  surface = saddle_surface_new (range, 3, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&surface, saddle_surface_free);

  /* Identical snapshots: every score is 0, the plane is a unit square around them. */
  same_pca = saddle_pca_fit (same, 2, 3, 2, &error);
  g_assert_no_error (error);
  saddle_surface_range_for (same_pca, 0.2, range);
  assert_close (range[0], -0.7, 1e-15);
  assert_close (range[1], 0.7, 1e-15);
  assert_close (range[2], -0.7, 1e-15);
  assert_close (range[3], 0.7, 1e-15);
  surface = saddle_surface_new (range, 3, NULL, &error);
  g_assert_no_error (error);
}

/* A one-component PCA spans a line: the surface is constant along pc2. */
static void
test_one_component (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  g_autofree double *theta = NULL;
  Problem problem;
  const guint res = 5;
  gsize dim;

  problem_init_small_net (&problem);
  dim = saddle_model_n_params (problem.model);
  theta = random_points (4, dim, 0.8, 6);
  pca = saddle_pca_fit (theta, 4, dim, 1, &error);
  g_assert_no_error (error);

  surface = saddle_surface_compute (problem.model, &problem.batch, pca, -1, 1, -1, 1, res,
                                    NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint j = 1; j < res; j++)
    g_assert_cmpmem (surface->loss + j * res, res * sizeof (double),
                     surface->loss, res * sizeof (double));
  g_assert_cmpfloat (surface->loss_max - surface->loss_min, >, 1e-6);

  saddle_test_net_clear (&problem);
}

static void
test_csv (void)
{
  static const double range[4] = { -0.5, 1.5, 2.0, 4.0 };
  static const double values[9] = { 1, 2, 3, 4, 5, 6, 7, 8, NAN };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  surface = saddle_surface_new (range, 3, values, &error);
  g_assert_no_error (error);

  dir = g_dir_make_tmp ("saddle-surface-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "surface.csv", NULL);
  g_assert_true (saddle_surface_write_csv (surface, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);

  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 11);   /* header, 9 rows, empty tail */
  g_assert_cmpstr (lines[0], ==, "pc1,pc2,loss");
  g_assert_cmpstr (lines[1], ==, "-0.5,2,1");
  g_assert_cmpstr (lines[2], ==, "0.5,2,2");
  g_assert_cmpstr (lines[4], ==, "-0.5,3,4");
  g_assert_cmpstr (lines[9], ==, "1.5,4,nan");
  g_assert_cmpstr (lines[10], ==, "");

  /* An unwritable path is an error, not a crash. */
  g_assert_false (saddle_surface_write_csv (surface, dir, &error));
  g_assert_nonnull (error);

  g_unlink (path);
  g_rmdir (dir);
}

/* A stopped study's paths move into its last preview's plane: adopting the plane of a preview
 * that saw the first 4 of 7 snapshots projects all 7, gives the share of all 7's variance along
 * each direction, and interpolates the preview's surface at each; adopting its own plane changes
 * no score. */
static void
test_adopt_plane (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleTrajectory) preview = NULL;
  g_autoptr(SaddleTrajectory) full = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *own_scores = NULL;
  Problem problem;
  gsize dim;
  const guint n = 7, seen = 4;

  problem_init_small_net (&problem);
  dim = saddle_model_n_params (problem.model);
  theta = random_points (n, dim, 0.8, 20261206);
  preview = saddle_trajectory_new (dim, 0, 0, 4);
  full = saddle_trajectory_new (dim, 0, 0, 4);
  for (guint k = 0; k < n; k++)
    {
      SaddleSnapshotInfo info = { .run = 0, .epoch = k, .iteration = k, .loss = 1.0, .accuracy = NAN };

      if (k < seen)
        saddle_trajectory_add (preview, &info, theta + k * dim);
      saddle_trajectory_add (full, &info, theta + k * dim);
    }
  g_assert_true (saddle_trajectory_compute_pca (preview, &error));
  g_assert_no_error (error);
  g_assert_false (saddle_trajectory_adopt_plane (full, preview, NULL));  /* no surface yet */
  saddle_trajectory_set_surface (preview,
                                 saddle_surface_compute (problem.model, &problem.batch, preview->pca,
                                                         -3, 3, -3, 3, 9, NULL, NULL, &error),
                                 NULL, NULL);
  g_assert_no_error (error);

  g_assert_true (saddle_trajectory_adopt_plane (full, preview, &error));
  g_assert_no_error (error);
  g_assert_nonnull (full->surface);
  g_assert_cmpuint (full->pca->n_points, ==, n);
  {
    double centre_total = 0, along[2] = { 0, 0 }, mean_score[2] = { 0, 0 };
    g_autofree double *centre = g_new0 (double, dim);

    for (guint k = 0; k < n; k++)
      for (gsize c = 0; c < dim; c++)
        centre[c] += theta[k * dim + c] / n;
    for (guint k = 0; k < n; k++)
      for (gsize c = 0; c < dim; c++)
        centre_total += (theta[k * dim + c] - centre[c]) * (theta[k * dim + c] - centre[c]);
    for (guint k = 0; k < n; k++)
      for (guint d = 0; d < 2; d++)
        {
          double dot = 0;

          /* The score is the projection on the preview's unit direction, about its mean. */
          for (gsize c = 0; c < dim; c++)
            dot += (theta[k * dim + c] - preview->pca->mean[c]) * preview->pca->components[d * dim + c];
          assert_close (full->pca->scores[k * 2 + d], dot, 1e-12);
          mean_score[d] += dot / n;
        }
    for (guint k = 0; k < n; k++)
      for (guint d = 0; d < 2; d++)
        along[d] += (full->pca->scores[k * 2 + d] - mean_score[d]) * (full->pca->scores[k * 2 + d] - mean_score[d]);
    for (guint d = 0; d < 2; d++)
      assert_close (full->pca->explained_ratio[d], along[d] / centre_total, 1e-12);
    g_assert_cmpfloat (full->pca->explained_ratio[0] + full->pca->explained_ratio[1], <=, 1 + 1e-12);
  }
  for (guint k = 0; k < n; k++)
    {
      g_assert_true (isfinite (g_array_index (full->plane_distance, double, k)));
      g_assert_true (isfinite (g_array_index (full->surface_loss, double, k))
                     || fabs (full->pca->scores[k * 2]) > 3 || fabs (full->pca->scores[k * 2 + 1]) > 3);
    }

  /* Its own plane: the same scores and shares. */
  own_scores = g_memdup2 (preview->pca->scores, seen * 2 * sizeof (double));
  {
    g_autoptr(SaddleTrajectory) copy = saddle_trajectory_copy (preview);
    double ratio0 = preview->pca->explained_ratio[0];

    g_assert_true (saddle_trajectory_adopt_plane (copy, preview, &error));
    for (guint i = 0; i < seen * 2; i++)
      assert_close (copy->pca->scores[i], own_scores[i], 1e-10);
    assert_close (copy->pca->explained_ratio[0], ratio0, 1e-10);
  }
  saddle_test_net_clear (&problem);
}

/* A trajectory's surface: its per-snapshot distance and loss written to the CSV, kept by a deep
 * copy, dropped by a new snapshot or a new plane. */
static void
test_trajectory_surface_csv_copy (void)
{
  g_autoptr(SaddleTrajectory) trajectory = saddle_test_trajectory_new (2, 4, FALSE, TRUE);
  g_autoptr(SaddleTrajectory) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("saddle-csv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "trajectory.csv", NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  gsize n = saddle_trajectory_n_snapshots (trajectory);
  g_autofree double *dist = g_new (double, n);
  g_autofree double *sl = g_new (double, n);
  SaddleTestLandscape land;
  SaddleSurface *surface = saddle_test_surface_new (trajectory, &land, TRUE);

  g_assert_cmpuint (n, ==, 10);
  /* One NAN per snapshot until measured. */
  g_assert_cmpuint (trajectory->plane_distance->len, ==, n);
  g_assert_cmpuint (trajectory->surface_loss->len, ==, n);
  g_assert_true (isnan (g_array_index (trajectory->plane_distance, double, 3)));
  g_assert_null (trajectory->surface);

  /* Real numbers for the projection report: the engine's own, on this trajectory. */
  g_assert_true (saddle_surface_snapshot_report (NULL, NULL, trajectory->pca, (const double *) trajectory->params->data,
                                                 n, surface, dist, NULL, sl, NULL, NULL, &error));
  g_assert_no_error (error);
  sl[1] = NAN;
  saddle_trajectory_set_surface (trajectory, surface, dist, sl);
  g_assert_true (trajectory->surface == surface);
  g_assert_cmpfloat (g_array_index (trajectory->plane_distance, double, 2), ==, dist[2]);
  g_assert_cmpfloat (dist[2], >, 0);

  g_assert_true (saddle_trajectory_write_csv (trajectory, FALSE, path, &error));
  g_assert_no_error (error);
  lines = saddle_test_read_lines (path);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
  fields = g_strsplit (lines[3], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 9);
  g_assert_cmpstr (fields[0], ==, "1");
  g_assert_cmpfloat (g_ascii_strtod (fields[7], NULL), ==, dist[2]);
  g_assert_cmpfloat (g_ascii_strtod (fields[8], NULL), ==, sl[2]);
  /* The contour's value is the surface's at the snapshot's projection. */
  g_assert_cmpfloat (fabs (sl[2] - saddle_surface_value_at (surface, trajectory->pca->scores[4],
                                                            trajectory->pca->scores[5])), <=, 1e-12 * sl[2]);
  g_clear_pointer (&fields, g_strfreev);
  fields = g_strsplit (lines[2], ",", -1);
  g_assert_cmpstr (fields[8], ==, "nan");
  g_clear_pointer (&fields, g_strfreev);
  /* The last snapshot is run 2 in the file. */
  fields = g_strsplit (lines[n], ",", -1);
  g_assert_cmpstr (fields[0], ==, "2");
  g_clear_pointer (&fields, g_strfreev);
  g_clear_pointer (&lines, g_strfreev);

  /* The layer's rows leave the whole-plane columns empty. */
  g_assert_true (saddle_trajectory_write_csv (trajectory, TRUE, path, &error));
  lines = saddle_test_read_lines (path);
  fields = g_strsplit (lines[3], ",", -1);
  g_assert_cmpstr (fields[7], ==, "nan");
  g_assert_cmpstr (fields[8], ==, "nan");
  g_clear_pointer (&fields, g_strfreev);
  g_clear_pointer (&lines, g_strfreev);

  /* A deep copy: its own surface, PCAs and arrays. */
  copy = saddle_trajectory_copy (trajectory);
  g_assert_nonnull (copy->surface);
  g_assert_true (copy->surface != trajectory->surface);
  g_assert_true (copy->pca != trajectory->pca);
  g_assert_cmpmem (copy->surface->loss, 41 * 41 * sizeof (double), surface->loss, 41 * 41 * sizeof (double));
  g_assert_cmpmem (copy->pca->scores, 2 * n * sizeof (double), trajectory->pca->scores, 2 * n * sizeof (double));
  g_assert_cmpmem (copy->params->data, n * 60 * sizeof (double), trajectory->params->data, n * 60 * sizeof (double));
  g_assert_cmpfloat (g_array_index (copy->plane_distance, double, 2), ==, dist[2]);
  g_assert_cmpuint (copy->n_runs, ==, 2);

  /* A preview's copy: the same picture without the parameter vectors, which cannot be fitted
   * or added to, nor have a plane adopted for them. */
  {
    g_autoptr(SaddleTrajectory) view = saddle_trajectory_copy_without_params (trajectory);
    g_autoptr(GError) no_params = NULL;

    g_assert_true (saddle_trajectory_has_params (trajectory));
    g_assert_false (saddle_trajectory_has_params (view));
    g_assert_cmpuint (view->params->len, ==, 0);
    g_assert_cmpuint (saddle_trajectory_n_snapshots (view), ==, n);
    g_assert_cmpmem (view->pca->scores, 2 * n * sizeof (double), trajectory->pca->scores, 2 * n * sizeof (double));
    g_assert_cmpmem (view->surface->loss, 41 * 41 * sizeof (double), surface->loss, 41 * 41 * sizeof (double));
    g_assert_cmpfloat (g_array_index (view->plane_distance, double, 2), ==, dist[2]);
    g_assert_false (saddle_trajectory_compute_pca (view, &no_params));
    g_assert_error (no_params, SADDLE_TRAJECTORY_ERROR, SADDLE_TRAJECTORY_ERROR_INVALID);
    g_assert_false (saddle_trajectory_adopt_plane (view, trajectory, NULL));
  }

  /* A new snapshot: NAN for it; a new plane: the old surface and distances go. */
  {
    g_autofree double *theta = g_new0 (double, 60);
    SaddleSnapshotInfo info = { .run = 1, .epoch = 5, .iteration = 25, .loss = 0.1, .accuracy = 0.9 };

    saddle_trajectory_add (trajectory, &info, theta);
    g_assert_cmpuint (trajectory->plane_distance->len, ==, n + 1);
    g_assert_true (isnan (g_array_index (trajectory->surface_loss, double, n)));
    g_assert_true (saddle_trajectory_compute_pca (trajectory, &error));
    g_assert_no_error (error);
    g_assert_null (trajectory->surface);
    g_assert_true (isnan (g_array_index (trajectory->plane_distance, double, 2)));
    /* The copy kept its own. */
    g_assert_nonnull (copy->surface);
  }
  /* Dropping a surface by setting none. */
  saddle_trajectory_set_surface (copy, NULL, NULL, NULL);
  g_assert_null (copy->surface);
  g_assert_true (isnan (g_array_index (copy->plane_distance, double, 0)));

  g_unlink (path);
  g_rmdir (dir);
}

/* Room reserved for the snapshots: they arrive without the parameter vectors moving, and
 * read back unchanged. */
static void
test_trajectory_reserve (void)
{
  g_autoptr(SaddleTrajectory) trajectory = saddle_trajectory_new (50, 0, 0, 10);
  double theta[50];
  const double *data = NULL;

  saddle_trajectory_reserve (trajectory, 40);
  g_assert_cmpuint (trajectory->params->len, ==, 0);
  for (guint k = 0; k < 40; k++)
    {
      SaddleSnapshotInfo info = { .run = k % 2, .epoch = k / 2, .iteration = k, .loss = 1.0 / (k + 1) };

      for (guint j = 0; j < 50; j++)
        theta[j] = k * 100.0 + j;
      saddle_trajectory_add (trajectory, &info, theta);
      if (k == 0)
        data = (const double *) trajectory->params->data;
      g_assert_true ((const double *) trajectory->params->data == data);
    }
  for (guint k = 0; k < 40; k++)
    g_assert_cmpfloat (g_array_index (trajectory->params, double, k * 50 + 7), ==, k * 100.0 + 7);
}

/* The contour misrepresents the runs when their true loss is beyond a factor 2 of it (median
 * over the snapshots), either way; unmeasured, it says nothing. */
static void
test_trajectory_contour_ratio (void)
{
  g_autoptr(SaddleTrajectory) trajectory = saddle_test_trajectory_new (2, 4, FALSE, TRUE);
  gsize n = saddle_trajectory_n_snapshots (trajectory);
  g_autofree double *sl = g_new (double, n);
  const double factors[] = { 5.0, 1.9, 1.0, 0.55, 0.45 };
  const gboolean expected[] = { TRUE, FALSE, FALSE, FALSE, TRUE };
  double lo, hi;

  g_assert_true (isnan (saddle_trajectory_contour_ratio (trajectory, &lo, &hi)));
  g_assert_false (saddle_trajectory_contour_misrepresents (trajectory));
  for (guint f = 0; f < G_N_ELEMENTS (factors); f++)
    {
      /* The contour reads factors[f] × the true loss at every snapshot but one, 1× there. */
      for (gsize i = 0; i < n; i++)
        sl[i] = g_array_index (trajectory->info, SaddleSnapshotInfo, i).loss * (i == 3 ? 1.0 : factors[f]);
      saddle_trajectory_set_surface (trajectory, NULL, NULL, sl);
      g_assert_cmpfloat_with_epsilon (saddle_trajectory_contour_ratio (trajectory, &lo, &hi),
                                      1.0 / factors[f], 1e-12);
      g_assert_cmpfloat (hi, ==, MAX (1.0, 1.0 / factors[f]));
      g_assert_true (saddle_trajectory_contour_misrepresents (trajectory) == expected[f]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/surface/quadratic", test_quadratic);
  g_test_add_func ("/core/surface/in-plane", test_in_plane);
  g_test_add_func ("/core/surface/off-plane", test_off_plane);
  g_test_add_func ("/core/surface/bilinear", test_bilinear);
  g_test_add_func ("/core/surface/cancel", test_cancel);
  g_test_add_func ("/core/surface/invalid", test_invalid);
  g_test_add_func ("/core/surface/range", test_range);
  g_test_add_func ("/core/surface/one-component", test_one_component);
  g_test_add_func ("/core/surface/csv", test_csv);
  g_test_add_func ("/core/surface/adopt-plane", test_adopt_plane);
  g_test_add_func ("/core/surface/trajectory-csv-copy", test_trajectory_surface_csv_copy);
  g_test_add_func ("/core/surface/trajectory-reserve", test_trajectory_reserve);
  g_test_add_func ("/core/surface/contour-ratio", test_trajectory_contour_ratio);

  return g_test_run ();
}
