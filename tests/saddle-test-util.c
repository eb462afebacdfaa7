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
