/* saddle-test-util.c — fixtures shared by the core and plot tests */
#define G_LOG_DOMAIN "saddle-test-util"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "saddle-exact-reach.h"
#include "saddle-rng.h"
#include "saddle-test-util.h"

void
saddle_test_net_init (SaddleTestNet    *net,
                      const guint      *widths,
                      guint             n_widths,
                      SaddleActivation  activation,
                      gsize             n_points,
                      guint64           seed)
{
  g_autoptr(GError) error = NULL;
  SaddleRng rng;

  memset (net, 0, sizeof *net);
  net->dataset = saddle_dataset_new_function (SADDLE_FUNCTION_SINC, n_points, &error);
  g_assert_no_error (error);
  saddle_batch_init_full (&net->batch, net->dataset);

  net->model = saddle_model_new (widths, n_widths, activation, SADDLE_LOSS_MSE, &error);
  g_assert_no_error (error);
  net->n = saddle_model_n_params (net->model);
  net->theta = g_new (double, net->n);
  saddle_rng_init (&rng, seed);
  saddle_model_init_params (net->model, net->theta, &rng);
}

void
saddle_test_net_clear (SaddleTestNet *net)
{
  saddle_batch_clear (&net->batch);
  saddle_dataset_unref (net->dataset);
  saddle_model_free (net->model);
  g_free (net->theta);
}

double
saddle_test_net_xy_cov (const SaddleTestNet *net,
                        double              *mean_y)
{
  const SaddleDataset *d = net->dataset;
  gsize m = d->n_samples;
  double mx = 0.0, my = 0.0, cov = 0.0;

  for (gsize i = 0; i < m; i++)
    {
      mx += d->x[i];
      my += d->targets[i];
    }
  mx /= m;
  my /= m;
  for (gsize i = 0; i < m; i++)
    cov += (d->x[i] - mx) * (d->targets[i] - my);
  cov /= m;

  *mean_y = my;
  return cov;
}

void
saddle_test_net_line_fit (const SaddleTestNet *net,
                          double              *slope,
                          double              *intercept)
{
  const SaddleDataset *d = net->dataset;
  double my, mx = 0.0, sxx = 0.0;
  double cov = saddle_test_net_xy_cov (net, &my);

  for (gsize i = 0; i < d->n_samples; i++)
    mx += d->x[i];
  mx /= d->n_samples;
  for (gsize i = 0; i < d->n_samples; i++)
    sxx += (d->x[i] - mx) * (d->x[i] - mx);
  sxx /= d->n_samples;

  *slope = cov / sxx;
  *intercept = my - *slope * mx;
}

void
saddle_test_batch_init (SaddleBatch  *batch,
                        const double *x,
                        const double *targets,
                        gsize         n,
                        gsize         n_inputs,
                        gsize         n_outputs)
{
  memset (batch, 0, sizeof *batch);
  batch->kind = SADDLE_DATASET_REGRESSION;
  batch->n = n;
  batch->n_inputs = n_inputs;
  batch->n_outputs = n_outputs;
  batch->x = x;
  batch->targets = targets;
}

double
saddle_test_dot (const double *a,
                 const double *b,
                 gsize         n)
{
  double s = 0.0;

  for (gsize i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

void
saddle_test_rig_init (SaddleTestRig    *rig,
                      const guint      *widths,
                      guint             n_widths,
                      SaddleActivation  activation,
                      SaddleLoss        loss,
                      gsize             n,
                      double            bias_scale,
                      guint64           seed)
{
  g_autoptr(GError) error = NULL;
  SaddleRng rng;
  gsize m = widths[n_widths - 1];

  memset (rig, 0, sizeof *rig);
  g_assert_cmpuint (n_widths, <=, G_N_ELEMENTS (rig->widths));
  memcpy (rig->widths, widths, n_widths * sizeof (guint));
  rig->n_widths = n_widths;
  rig->model = saddle_model_new (widths, n_widths, activation, loss, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rig->model);
  rig->P = saddle_model_n_params (rig->model);
  rig->H = saddle_model_n_hidden (rig->model);

  saddle_rng_init (&rng, seed);
  rig->theta = g_new (double, rig->P);
  saddle_model_init_params (rig->model, rig->theta, &rng);
  for (guint l = 0; l + 1 < n_widths; l++)
    {
      gsize off = saddle_model_layer_offset (rig->model, l) + (gsize) widths[l] * widths[l + 1];

      for (guint o = 0; o < widths[l + 1]; o++)
        rig->theta[off + o] = bias_scale * saddle_rng_normal (&rng);
    }

  rig->x = g_new (double, n * widths[0]);
  for (gsize i = 0; i < n * widths[0]; i++)
    rig->x[i] = 2.0 * saddle_rng_uniform (&rng) - 1.0;

  rig->batch.n = n;
  rig->batch.n_inputs = widths[0];
  rig->batch.n_outputs = m;
  rig->batch.x = rig->x;
  if (loss == SADDLE_LOSS_CROSS_ENTROPY)
    {
      rig->labels = g_new (guint32, n);
      for (gsize i = 0; i < n; i++)
        rig->labels[i] = saddle_rng_below (&rng, m);
      rig->batch.kind = SADDLE_DATASET_CLASSIFICATION;
      rig->batch.labels = rig->labels;
    }
  else
    {
      rig->targets = g_new (double, n * m);
      for (gsize i = 0; i < n * m; i++)
        rig->targets[i] = saddle_rng_normal (&rng);
      rig->batch.kind = SADDLE_DATASET_REGRESSION;
      rig->batch.targets = rig->targets;
    }
}

void
saddle_test_rig_clear (SaddleTestRig *rig)
{
  saddle_model_free (rig->model);
  g_free (rig->theta);
  g_free (rig->x);
  g_free (rig->targets);
  g_free (rig->labels);
  memset (rig, 0, sizeof *rig);
}

SaddleTrajectory *
saddle_test_trajectory_new (guint    n_runs,
                            guint    n_epochs,
                            gboolean regression,
                            gboolean compute)
{
  const gsize n_params = 60;
  SaddleTrajectory *trajectory = saddle_trajectory_new (n_params, 1, 20, 30);
  g_autofree double *start = g_new (double, n_params);
  g_autofree double *target = g_new (double, n_params);
  g_autofree double *bend = g_new (double, n_params);
  g_autofree double *theta = g_new (double, n_params);
  SaddleRng rng;

  saddle_rng_init (&rng, 42);
  for (guint run = 0; run < n_runs; run++)
    {
      for (gsize k = 0; k < n_params; k++)
        {
          start[k] = saddle_rng_normal (&rng);
          target[k] = 0.3 * saddle_rng_normal (&rng);
          bend[k] = 0.5 * saddle_rng_normal (&rng);
        }
      for (guint epoch = 0; epoch <= n_epochs; epoch++)
        {
          double s = 1.0 - exp (-(double) epoch / 6.0);
          SaddleSnapshotInfo info = {
            .run = run, .epoch = epoch, .iteration = epoch * 5,
            .loss = 2.3 * exp (-(double) epoch / 8.0) + 0.01 * run,
            .accuracy = regression ? NAN : 0.1 + 0.85 * s - 0.01 * run,
          };

          for (gsize k = 0; k < n_params; k++)
            theta[k] = start[k] + (target[k] - start[k]) * s + bend[k] * sin (G_PI * s);
          saddle_trajectory_add (trajectory, &info, theta);
        }
    }

  if (compute)
    {
      g_autoptr(GError) error = NULL;

      gboolean ok = saddle_trajectory_compute_pca (trajectory, &error);

      g_assert_no_error (error);
      g_assert_true (ok);
    }
  return trajectory;
}


SaddleCriticalPoint *
saddle_test_critical_point_new (guint               run,
                                double              loss,
                                const double       *eigenvalues,
                                gsize               n,
                                double              tolerance,
                                SaddleCriticalLabel label)
{
  SaddleCriticalPoint *point = g_new0 (SaddleCriticalPoint, 1);

  point->run = run;
  point->n_params = n;
  point->loss = loss;
  point->accuracy = NAN;
  point->grad_norm_start = 0.05;
  point->grad_norm = 1e-4 * (run + 1);
  point->hg_ratio = 0.25;
  point->steps = 100 + run;
  point->grad_norm_descent = 2.5e-3;
  point->newton_steps = 7;
  point->reach.distance = 0.375;
  point->reach.residual = 0.125;
  point->reach.iterations = 40;
  point->reach.kinks_crossed = 12;
  point->dead_units = run % 3;
  point->label = label;
  point->certificate = saddle_critical_label_certified (label) ? SADDLE_CERTIFICATE_GRADIENT
                                                              : SADDLE_CERTIFICATE_NONE;
  saddle_exact_reach_clear (&point->exact_reach);
  point->exact_reach.share_weak = 0.25 + 0.125 * (run % 2);
  point->exact_reach.cuts[1].length = 4.5 + run;
  point->still_factor = 1.0 + run;
  point->still_steps = 500;
  point->clarke_distance = NAN;
  point->spectrum = saddle_spectrum_new_from_values (eigenvalues, n, tolerance);
  point->params = g_new0 (double, n);
  return point;
}


char **
saddle_test_read_lines (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (contents, "\n"));
  contents[strlen (contents) - 1] = '\0';
  return g_strsplit (contents, "\n", -1);
}


double
saddle_test_max_abs (const double *v,
                     gsize         n)
{
  double m = 0.0;

  for (gsize i = 0; i < n; i++)
    m = MAX (m, fabs (v[i]));
  return m;
}

double *
saddle_test_matrix_with_spectrum (const double *lambda,
                                  gsize         n,
                                  guint64       seed)
{
  g_autofree double *q = g_new (double, n * n);
  g_autofree double *tau = g_new (double, n);
  g_autofree double *ql = g_new (double, n * n);
  double *a = g_new (double, n * n);
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < n * n; i++)
    q[i] = saddle_rng_normal (&rng);

  g_assert_cmpint (LAPACKE_dgeqrf (LAPACK_ROW_MAJOR, (lapack_int) n, (lapack_int) n, q,
                                   (lapack_int) n, tau), ==, 0);
  g_assert_cmpint (LAPACKE_dorgqr (LAPACK_ROW_MAJOR, (lapack_int) n, (lapack_int) n,
                                   (lapack_int) n, q, (lapack_int) n, tau), ==, 0);

  /* ql = Q·diag(λ): column j scaled by λ_j. */
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      ql[i * n + j] = q[i * n + j] * lambda[j];

  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) n, (int) n, (int) n, 1.0, ql,
               (int) n, q, (int) n, 0.0, a, (int) n);

  /* Exactly symmetric, so an operator built on it is symmetric to the last bit. */
  for (gsize i = 0; i < n; i++)
    for (gsize j = i + 1; j < n; j++)
      {
        double mean = 0.5 * (a[i * n + j] + a[j * n + i]);

        a[i * n + j] = a[j * n + i] = mean;
      }

  return a;
}

double
saddle_test_landscape_value (const SaddleTestLandscape *land,
                             double                     a,
                             double                     b)
{
  double u = (a - land->range[0]) / (land->range[1] - land->range[0]);
  double v = (b - land->range[2]) / (land->range[3] - land->range[2]);

  return land->lo + land->span * (0.7 * u + 0.3 * v);
}

SaddleSurface *
saddle_test_surface_new (const SaddleTrajectory *trajectory,
                         SaddleTestLandscape    *land,
                         gboolean                log_levels)
{
  const guint res = 41;
  g_autofree double *loss = g_new (double, res * res);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleSurface) shape = NULL;
  SaddleSurface *surface;

  saddle_surface_range_for (trajectory->pca, SADDLE_SURFACE_DEFAULT_MARGIN, land->range);
  land->log = log_levels;
  /* Three decades (log levels), or 1 to 3 (one band per sixth of a unit). */
  land->lo = log_levels ? -2.0 : 1.0;
  land->span = log_levels ? 3.0 : 2.0;

  shape = saddle_surface_new (land->range, res, NULL, &error);
  g_assert_no_error (error);
  for (guint j = 0; j < res; j++)
    for (guint i = 0; i < res; i++)
      {
        double f = saddle_test_landscape_value (land, saddle_surface_pc1_at (shape, i),
                                                saddle_surface_pc2_at (shape, j));

        loss[j * res + i] = log_levels ? pow (10.0, f) : f;
      }
  surface = saddle_surface_new (land->range, res, loss, &error);
  g_assert_no_error (error);
  return surface;
}
