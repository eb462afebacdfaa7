/* saddle-test-util.c */
#define G_LOG_DOMAIN "saddle-test-util"

#include "config.h"

#include <string.h>

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
