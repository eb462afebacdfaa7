/* test-hessian.c — the dense Hessian from batched HVPs, and the memory check */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "saddle-batch.h"
#include "saddle-dataset.h"
#include "saddle-hessian.h"
#include "saddle-model.h"
#include "saddle-rng.h"
#include "saddle-test-util.h"

/* Random inputs and targets (or labels) for a batch filled by hand. */
typedef struct
{
  SaddleBatch batch;
  double     *x;
  double     *targets;
  guint32    *labels;
} TestData;

static void
test_data_init (TestData  *data,
                SaddleLoss loss,
                gsize      n,
                gsize      n_inputs,
                gsize      n_outputs,
                guint64    seed)
{
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  memset (data, 0, sizeof *data);
  data->x = g_new (double, n * n_inputs);
  for (gsize i = 0; i < n * n_inputs; i++)
    data->x[i] = 2.0 * saddle_rng_uniform (&rng) - 1.0;

  data->batch.n = n;
  data->batch.n_inputs = n_inputs;
  data->batch.n_outputs = n_outputs;
  data->batch.x = data->x;

  if (loss == SADDLE_LOSS_MSE)
    {
      data->targets = g_new (double, n * n_outputs);
      for (gsize i = 0; i < n * n_outputs; i++)
        data->targets[i] = saddle_rng_normal (&rng);
      data->batch.kind = SADDLE_DATASET_REGRESSION;
      data->batch.targets = data->targets;
    }
  else
    {
      data->labels = g_new (guint32, n);
      for (gsize i = 0; i < n; i++)
        data->labels[i] = (guint32) saddle_rng_below (&rng, n_outputs);
      data->batch.kind = SADDLE_DATASET_CLASSIFICATION;
      data->batch.labels = data->labels;
    }
}

static void
test_data_clear (TestData *data)
{
  g_free (data->x);
  g_free (data->targets);
  g_free (data->labels);
}

/* A point away from the ReLU kinks' special values: initialised weights and
 * small nonzero biases, so no unit sits exactly at 0 for every sample. */
static double *
make_theta (SaddleModel *model,
            guint64      seed)
{
  gsize n = saddle_model_n_params (model);
  double *theta = g_new (double, n);
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  saddle_model_init_params (model, theta, &rng);
  for (gsize i = 0; i < n; i++)
    theta[i] += 0.1 * saddle_rng_normal (&rng);
  return theta;
}

/* max |a − b| / max |a|. */
static double
rel_diff (const double *a,
          const double *b,
          gsize         n)
{
  double d = 0.0;

  for (gsize i = 0; i < n; i++)
    d = MAX (d, fabs (a[i] - b[i]));
  return d / MAX (saddle_test_max_abs (a, n), 1e-300);
}

static const SaddleActivation activations[] = {
  SADDLE_ACTIVATION_RELU, SADDLE_ACTIVATION_TANH,
  SADDLE_ACTIVATION_SIGMOID, SADDLE_ACTIVATION_IDENTITY,
};
static const SaddleLoss losses[] = { SADDLE_LOSS_MSE, SADDLE_LOSS_CROSS_ENTROPY };

typedef void (*CaseFunc) (SaddleModel       *model,
                          const double      *theta,
                          const SaddleBatch *batch);

/* Runs @func on a 3-4-3-2 net (39 parameters) on 9 random samples for
 * every activation × loss. */
static void
for_each_tiny_net (CaseFunc func)
{
  const guint widths[] = { 3, 4, 3, 2 };

  for (gsize a = 0; a < G_N_ELEMENTS (activations); a++)
    for (gsize l = 0; l < G_N_ELEMENTS (losses); l++)
      {
        g_autoptr(SaddleModel) model = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree double *theta = NULL;
        TestData data;

        g_test_message ("%s × %s", saddle_activation_to_string (activations[a]),
                        losses[l] == SADDLE_LOSS_MSE ? "mse" : "cross-entropy");
        model = saddle_model_new (widths, G_N_ELEMENTS (widths), activations[a], losses[l],
                                  &error);
        g_assert_no_error (error);
        test_data_init (&data, losses[l], 9, 3, 2, 100 + 10 * a + l);
        theta = make_theta (model, 7 + a);
        func (model, theta, &data.batch);
        test_data_clear (&data);
      }
}

static void
check_stacked_hvp (SaddleModel       *model,
                   const double      *theta,
                   const SaddleBatch *batch)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *h = NULL;
  g_autofree double *e = g_new0 (double, n);
  g_autofree double *hv = g_new (double, n);
  g_autoptr(GError) error = NULL;
  double asymmetry = -1.0;
  double scale;

  h = saddle_hessian_dense (model, theta, batch, 0, NULL, NULL, &asymmetry, &error);
  g_assert_no_error (error);
  g_assert_nonnull (h);
  scale = saddle_test_max_abs (h, n * n);
  g_assert_cmpfloat (scale, >, 0.0);   /* not trivially all zero */
  /* Exact second derivatives: symmetric to rounding. */
  g_assert_cmpfloat (asymmetry, >=, 0.0);
  g_assert_cmpfloat (asymmetry, <=, 1e-12);

  /* Column j equals one single-direction HVP on e_j (1e-12 of max|H|:
   * different BLAS blockings round differently). */
  for (gsize j = 0; j < n; j++)
    {
      e[j] = 1.0;
      saddle_model_hvp (model, theta, batch, e, 1, hv, NULL);
      e[j] = 0.0;
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (h[i * n + j], hv[i], 1e-12 * scale);
    }

  /* Symmetrised exactly. */
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < i; j++)
      g_assert_cmpfloat (h[i * n + j], ==, h[j * n + i]);
}

static void
test_hessian_stacked_hvp (void)
{
  for_each_tiny_net (check_stacked_hvp);
}

static void
check_finite_difference (SaddleModel       *model,
                         const double      *theta,
                         const SaddleBatch *batch)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *h = NULL;
  g_autofree double *fd = g_new (double, n * n);
  g_autofree double *t = g_memdup2 (theta, n * sizeof (double));
  g_autofree double *gp = g_new (double, n);
  g_autofree double *gm = g_new (double, n);
  g_autoptr(GError) error = NULL;

  h = saddle_hessian_dense (model, theta, batch, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Central differences of the exact gradient: truncation O(ε²) ≈ 1e-10,
   * rounding ≈ 1e-16 / ε ≈ 1e-11, both far below the 1e-6 tolerance. */
  for (gsize j = 0; j < n; j++)
    {
      double eps = 1e-5 * MAX (1.0, fabs (theta[j]));

      t[j] = theta[j] + eps;
      saddle_model_loss_grad (model, t, batch, gp);
      t[j] = theta[j] - eps;
      saddle_model_loss_grad (model, t, batch, gm);
      t[j] = theta[j];
      for (gsize i = 0; i < n; i++)
        fd[i * n + j] = (gp[i] - gm[i]) / (2.0 * eps);
    }

  g_assert_cmpfloat (saddle_test_max_abs (h, n * n), >, 1e-3);
  g_assert_cmpfloat (rel_diff (h, fd, n * n), <=, 1e-6);
}

static void
test_hessian_finite_difference (void)
{
  for_each_tiny_net (check_finite_difference);
}

static void
test_hessian_block_sizes (void)
{
  const guint widths[] = { 2, 6, 5, 3 };
  const gsize blocks[] = { 1, 7, 0, 1000 };
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *reference = NULL;
  TestData data;
  gsize n;

  model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH,
                            SADDLE_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  n = saddle_model_n_params (model);
  test_data_init (&data, SADDLE_LOSS_CROSS_ENTROPY, 13, 2, 3, 5);
  theta = make_theta (model, 3);

  reference = saddle_hessian_dense_build (model, theta, &data.batch, SADDLE_HESSIAN_BUILD_HVP, n,
                                          NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  for (gsize b = 0; b < G_N_ELEMENTS (blocks); b++)
    {
      g_autofree double *h = NULL;

      g_test_message ("block %" G_GSIZE_FORMAT, blocks[b]);
      h = saddle_hessian_dense_build (model, theta, &data.batch, SADDLE_HESSIAN_BUILD_HVP,
                                      blocks[b], NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (rel_diff (reference, h, n * n), <=, 1e-13);
    }

  test_data_clear (&data);
}

typedef struct
{
  guint  calls;
  guint  cancel_at;    /* 0 = never */
  double last;
} ProgressLog;

static gboolean
progress_cb (double   fraction,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  g_assert_cmpfloat (fraction, >, log->last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  log->last = fraction;
  log->calls++;
  return log->cancel_at == 0 || log->calls < log->cancel_at;
}

static void
test_hessian_progress_cancel (void)
{
  const guint widths[] = { 2, 5, 1 };
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *h = NULL;
  ProgressLog log = { 0, 0, 0.0 };
  TestData data;
  double asymmetry = 0.0;
  gsize n;

  model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_SIGMOID,
                            SADDLE_LOSS_MSE, &error);
  g_assert_no_error (error);
  n = saddle_model_n_params (model);   /* 21 */
  test_data_init (&data, SADDLE_LOSS_MSE, 8, 2, 1, 9);
  theta = make_theta (model, 1);

  /* The HVP build in blocks of 4 over 21 columns: 6 calls, the last at exactly 1. */
  h = saddle_hessian_dense_build (model, theta, &data.batch, SADDLE_HESSIAN_BUILD_HVP, 4,
                                  progress_cb, &log, &asymmetry, &error);
  g_assert_no_error (error);
  g_assert_nonnull (h);
  g_assert_cmpuint (log.calls, ==, (n + 3) / 4);
  g_assert_cmpfloat (log.last, ==, 1.0);
  g_clear_pointer (&h, g_free);

  /* Cancelled at the second block: no matrix, CANCELLED, no more calls. */
  log = (ProgressLog) { 0, 2, 0.0 };
  h = saddle_hessian_dense_build (model, theta, &data.batch, SADDLE_HESSIAN_BUILD_HVP, 4,
                                  progress_cb, &log, &asymmetry, &error);
  g_assert_null (h);
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED);
  g_assert_cmpuint (log.calls, ==, 2);
  g_assert_true (isnan (asymmetry));

  test_data_clear (&data);
}

static void
test_hessian_not_finite (void)
{
  const guint widths[] = { 2, 3, 2 };
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *h = NULL;
  TestData data;

  model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH,
                            SADDLE_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  test_data_init (&data, SADDLE_LOSS_CROSS_ENTROPY, 5, 2, 2, 4);
  theta = make_theta (model, 2);
  theta[3] = NAN;

  h = saddle_hessian_dense (model, theta, &data.batch, 0, NULL, NULL, NULL, &error);
  g_assert_null (h);
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_NOT_FINITE);
  g_clear_error (&error);

  /* A batch that does not fit the model is named, not turned into NaN. */
  theta[3] = 0.5;
  data.batch.n_inputs = 3;
  h = saddle_hessian_dense (model, theta, &data.batch, 0, NULL, NULL, NULL, &error);
  g_assert_null (h);
  g_assert_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID);

  test_data_clear (&data);
}

static void
test_hessian_memory (void)
{
  g_autoptr(GError) error = NULL;
  gsize available = saddle_available_memory ();

  g_assert_cmpuint (available, >, 0);

  g_assert_true (saddle_hessian_check_memory (10, 0, &error));
  g_assert_no_error (error);
  g_assert_true (saddle_hessian_check_memory (0, 0, &error));
  g_assert_no_error (error);

  /* 10⁷ parameters: 8·10¹⁴ bytes, 800 TB, on no machine of ours. */
  g_assert_false (saddle_hessian_check_memory (10000000, 0, &error));
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "10,000,000 parameters"));
  /* g_format_size separates number and unit with a no-break space. */
  g_assert_nonnull (strstr (error->message, "800.0\u00a0TB"));
  if (available != G_MAXSIZE)
    {
      g_autofree char *available_text = g_format_size (available);

      /* MemAvailable moves between two reads; compare the unit, not the digits. */
      g_assert_nonnull (strstr (error->message, available_text + strlen (available_text) - 2));
      g_assert_nonnull (strstr (error->message, "of memory is available"));
    }
  g_clear_error (&error);

  /* n² overflows size_t: refused, not wrapped around to a small number. */
  g_assert_false (saddle_hessian_check_memory (G_MAXSIZE / 2, 0, &error));
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (saddle_hessian_check_memory ((gsize) 1 << 31, 0, &error));
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* The extra bytes count too. */
  g_assert_false (saddle_hessian_check_memory (10, G_MAXSIZE - 10, &error));
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE);
}

/* A 1000-10000-1 net has 10,020,001 parameters: its Hessian (800 TB) is
 * refused before anything is allocated or computed. */
static void
test_hessian_too_large (void)
{
  const guint widths[] = { 1000, 10000, 1 };
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *h = NULL;
  TestData data;
  gsize n;

  model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU,
                            SADDLE_LOSS_MSE, &error);
  g_assert_no_error (error);
  n = saddle_model_n_params (model);
  g_assert_cmpuint (n, ==, 10020001);
  theta = g_new0 (double, n);
  test_data_init (&data, SADDLE_LOSS_MSE, 2, 1000, 1, 1);

  h = saddle_hessian_dense (model, theta, &data.batch, 0, NULL, NULL, NULL, &error);
  g_assert_null (h);
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "10,020,001 parameters"));

  test_data_clear (&data);
}

/* The image model (784-20-20-10, 16,330 parameters) on 20 images: the dense
 * Hessian (2.1 GB) agrees with single HVPs on a seeded random subset of
 * columns. */
static void
test_hessian_image_model (void)
{
  const guint widths[] = { 784, 20, 20, 10 };
  const char *datadir = g_getenv ("SADDLE_TEST_DATADIR");
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *h = NULL;
  g_autofree double *e = NULL;
  g_autofree double *hv = NULL;
  SaddleBatch batch = { 0 };
  TestData random_data = { 0 };
  double asymmetry, scale = 0.0;
  SaddleRng rng;
  gsize n;

  model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU,
                            SADDLE_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  n = saddle_model_n_params (model);
  g_assert_cmpuint (n, ==, 16330);

  if (!saddle_hessian_check_memory (n, (gsize) 512 << 20, &error))
    {
      g_test_skip (error->message);
      return;
    }

  if (datadir != NULL)
    {
      g_autofree char *dir = g_build_filename (datadir, "fashion-mnist", NULL);

      dataset = saddle_dataset_load_idx_dir (dir, FALSE, 20, &error);
      if (dataset == NULL)
        {
          g_test_message ("bundled images unavailable (%s); using random pixels",
                          error->message);
          g_clear_error (&error);
        }
    }
  if (dataset != NULL)
    {
      g_assert_cmpuint (dataset->n_samples, ==, 20);
      g_assert_cmpuint (dataset->n_inputs, ==, 784);
      saddle_batch_init_full (&batch, dataset);
    }
  else
    {
      test_data_init (&random_data, SADDLE_LOSS_CROSS_ENTROPY, 20, 784, 10, 77);
      for (gsize i = 0; i < 20 * 784; i++)
        random_data.x[i] = 0.5 * (random_data.x[i] + 1.0);   /* pixels in [0, 1] */
      batch = random_data.batch;
    }

  saddle_rng_init (&rng, 2024);
  theta = g_new (double, n);
  saddle_model_init_params (model, theta, &rng);

  h = saddle_hessian_dense (model, theta, &batch, 0, NULL, NULL, &asymmetry, &error);
  g_assert_no_error (error);
  g_assert_nonnull (h);
  g_assert_cmpfloat (asymmetry, <=, 1e-10);
  for (gsize i = 0; i < n; i += 97)
    scale = MAX (scale, saddle_test_max_abs (h + i * n, n));
  g_assert_cmpfloat (scale, >, 0.0);

  e = g_new0 (double, n);
  hv = g_new (double, n);
  for (guint c = 0; c < 24; c++)
    {
      /* Cover every layer: some columns from each, the rest at random. */
      gsize j = c < 4 ? c * 5000 + 7 : (c < 8 ? 15700 + 100 * (c - 4) : saddle_rng_below (&rng, n));
      double col_scale;

      e[j] = 1.0;
      saddle_model_hvp (model, theta, &batch, e, 1, hv, NULL);
      e[j] = 0.0;
      col_scale = MAX (saddle_test_max_abs (hv, n), 1e-12 * scale);
      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (h[i * n + j], hv[i], 1e-10 * col_scale);
    }

  if (dataset != NULL)
    saddle_batch_clear (&batch);
  test_data_clear (&random_data);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/hessian/stacked-hvp", test_hessian_stacked_hvp);
  g_test_add_func ("/core/hessian/finite-difference", test_hessian_finite_difference);
  g_test_add_func ("/core/hessian/block-sizes", test_hessian_block_sizes);
  g_test_add_func ("/core/hessian/progress-cancel", test_hessian_progress_cancel);
  g_test_add_func ("/core/hessian/not-finite", test_hessian_not_finite);
  g_test_add_func ("/core/hessian/memory", test_hessian_memory);
  g_test_add_func ("/core/hessian/too-large", test_hessian_too_large);
  g_test_add_func ("/core/hessian/image-model", test_hessian_image_model);

  return g_test_run ();
}
