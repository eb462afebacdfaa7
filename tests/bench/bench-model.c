/* bench-model.c — timings of the model's hot paths on the image model
 *
 * 784-20-20-10 ReLU, softmax cross-entropy, 1,000 samples (the bundled
 * Fashion-MNIST subset when SADDLE_TEST_DATADIR points at it, else random
 * pixels): forward+backward, single HVPs, blocks of 16/64/256 HVPs, and the
 * time for all 16,330 Hessian columns. FLOP counts are the multiply-adds of
 * the dgemm calls (2 per multiply-add); element-wise work is not counted.
 *
 * Set SADDLE_BENCH_FULL=1 to build every Hessian column instead of
 * extrapolating from blocks spread over the whole range.
 */
#define G_LOG_DOMAIN "saddle-bench-model"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "saddle-batch.h"
#include "saddle-dataset.h"
#include "saddle-model.h"

#define MIN_SECONDS 1.0
#define HESSIAN_SECONDS 20.0

static const guint widths[] = { 784, 20, 20, 10 };

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* Σ over layers of in·out, the first layer's alone, and the rest. */
static void
layer_sums (double *all,
            double *first,
            double *rest)
{
  *all = *rest = 0.0;
  for (guint l = 0; l + 1 < G_N_ELEMENTS (widths); l++)
    {
      double s = (double) widths[l] * widths[l + 1];

      *all += s;
      if (l == 0)
        *first = s;
      else
        *rest += s;
    }
}

/* dgemm FLOPs of one forward+backward with gradient. */
static double
flops_loss_grad (double n)
{
  double all, first, rest;

  layer_sums (&all, &first, &rest);
  /* z = a·Wᵀ, dW = δᵀ·a, δ·W below the first layer */
  return 2.0 * n * (2.0 * all + rest);
}

/* dgemm FLOPs of one R-pass direction (dense directions). */
static double
flops_hvp_direction (double n)
{
  double all, first, rest;

  layer_sums (&all, &first, &rest);
  /* forward: a·Vᵀ everywhere, R{a}·Wᵀ below the first layer;
   * backward: R{δ}ᵀ·a everywhere, δᵀ·R{a}, R{δ}·W and δ·V below the first layer */
  return 2.0 * n * (2.0 * all + 4.0 * rest);
}

/* The identity-column path skips a·Vᵀ and δ·V. */
static double
flops_column (double n)
{
  double all, first, rest;

  layer_sums (&all, &first, &rest);
  return 2.0 * n * (all + 3.0 * rest);
}

typedef struct
{
  SaddleModel       *model;
  const double      *theta;
  const SaddleBatch *batch;
  const double      *v;
  gsize              k;
  double            *hv;
  double            *grad;
} Work;

static void
run_loss_grad (Work *w)
{
  saddle_model_loss_grad (w->model, w->theta, w->batch, w->grad);
}

static void
run_hvp (Work *w)
{
  saddle_model_hvp (w->model, w->theta, w->batch, w->v, w->k, w->hv, NULL);
}

/* Seconds per call, repeating for at least MIN_SECONDS after one warm-up call. */
static double
time_per_call (void (*fn) (Work *),
               Work  *w)
{
  double start, elapsed;
  guint reps = 0;

  fn (w);
  start = now ();
  do
    {
      fn (w);
      reps++;
      elapsed = now () - start;
    }
  while (elapsed < MIN_SECONDS);

  return elapsed / reps;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *v = NULL;
  g_autofree double *hv = NULL;
  g_autofree double *x = NULL;
  g_autofree guint32 *labels = NULL;
  g_autofree char *source = NULL;
  SaddleBatch batch = { 0 };
  SaddleRng rng;
  const char *datadir = g_getenv ("SADDLE_TEST_DATADIR");
  const gsize n_samples = 1000;
  const gsize blocks[] = { 16, 64, 256 };
  gsize P, block, n_blocks, stride, done_cols = 0;
  double t, n, start, elapsed, total;
  Work w = { 0 };

  model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU,
                            SADDLE_LOSS_CROSS_ENTROPY, &error);
  g_assert_no_error (error);
  P = saddle_model_n_params (model);

  if (datadir != NULL)
    {
      g_autofree char *dir = g_build_filename (datadir, "fashion-mnist", NULL);

      dataset = saddle_dataset_load_idx_dir (dir, FALSE, n_samples, &error);
      if (dataset != NULL)
        source = g_strdup_printf ("%s", dataset->name != NULL ? dataset->name : dir);
      else
        {
          source = g_strdup_printf ("random pixels (%s)", error->message);
          g_clear_error (&error);
        }
    }
  else
    source = g_strdup ("random pixels (SADDLE_TEST_DATADIR unset)");

  saddle_rng_init (&rng, 2018);
  if (dataset != NULL && dataset->n_inputs == widths[0])
    saddle_batch_init_full (&batch, dataset);
  else
    {
      x = g_new (double, n_samples * widths[0]);
      labels = g_new (guint32, n_samples);
      for (gsize i = 0; i < n_samples * widths[0]; i++)
        x[i] = saddle_rng_uniform (&rng);
      for (gsize i = 0; i < n_samples; i++)
        labels[i] = saddle_rng_below (&rng, 10);
      batch.kind = SADDLE_DATASET_CLASSIFICATION;
      batch.n = n_samples;
      batch.n_inputs = widths[0];
      batch.n_outputs = 10;
      batch.x = x;
      batch.labels = labels;
    }
  n = batch.n;

  theta = g_new (double, P);
  grad = g_new (double, P);
  saddle_model_init_params (model, theta, &rng);
  v = g_new (double, blocks[G_N_ELEMENTS (blocks) - 1] * P);
  hv = g_new (double, blocks[G_N_ELEMENTS (blocks) - 1] * P);
  for (gsize i = 0; i < blocks[G_N_ELEMENTS (blocks) - 1] * P; i++)
    v[i] = saddle_rng_normal (&rng);

  w.model = model;
  w.theta = theta;
  w.batch = &batch;
  w.v = v;
  w.hv = hv;
  w.grad = grad;

  printf ("# model 784-20-20-10 relu, cross-entropy, %" G_GSIZE_FORMAT " parameters\n", P);
  printf ("# data: %s, %" G_GSIZE_FORMAT " samples; OPENBLAS_NUM_THREADS=%s\n", source, batch.n,
          g_getenv ("OPENBLAS_NUM_THREADS") != NULL ? g_getenv ("OPENBLAS_NUM_THREADS") : "unset");
  printf ("# initial loss %.6f, R-pass block limit %" G_GSIZE_FORMAT " directions\n",
          saddle_model_loss_grad (model, theta, &batch, NULL),
          saddle_model_block_size (model, batch.n));
  printf ("%-34s %12s %12s %10s\n", "what", "ms per call", "HVP/s", "GFLOP/s");

  t = time_per_call (run_loss_grad, &w);
  printf ("%-34s %12.3f %12s %10.2f\n", "forward+backward (loss, gradient)", t * 1e3, "-",
          flops_loss_grad (n) / t / 1e9);

  w.k = 1;
  t = time_per_call (run_hvp, &w);
  printf ("%-34s %12.3f %12.1f %10.2f\n", "HVP, k = 1", t * 1e3, 1.0 / t,
          (flops_loss_grad (n) + flops_hvp_direction (n)) / t / 1e9);

  for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
    {
      g_autofree char *label = g_strdup_printf ("HVP block, k = %" G_GSIZE_FORMAT, blocks[b]);

      w.k = blocks[b];
      t = time_per_call (run_hvp, &w);
      printf ("%-34s %12.3f %12.1f %10.2f\n", label, t * 1e3, blocks[b] / t,
              (flops_loss_grad (n) + blocks[b] * flops_hvp_direction (n)) / t / 1e9);
    }

  /* All Hessian columns by identity blocks, visited in a strided order so
   * that a partial run samples every layer; extrapolated unless complete. */
  block = MIN (saddle_model_block_size (model, batch.n), (gsize) 256);
  n_blocks = (P + block - 1) / block;
  stride = 7;
  while (n_blocks % stride == 0)
    stride++;
  {
    g_autofree double *cols = g_new (double, block * P);
    gboolean full = g_strcmp0 (g_getenv ("SADDLE_BENCH_FULL"), "1") == 0;

    start = now ();
    for (gsize i = 0; i < n_blocks; i++)
      {
        gsize first = ((i * stride) % n_blocks) * block;
        gsize k = MIN (block, P - first);

        saddle_model_hessian_columns (model, theta, &batch, first, k, cols);
        done_cols += k;
        if (!full && now () - start > HESSIAN_SECONDS)
          break;
      }
    elapsed = now () - start;
    total = elapsed * P / done_cols;
    printf ("%-34s %12.3f %12.1f %10.2f\n", "Hessian columns (identity path)",
            elapsed / done_cols * block * 1e3, done_cols / elapsed,
            (done_cols / (double) block * flops_loss_grad (n) + done_cols * flops_column (n))
            / elapsed / 1e9);
    printf ("# all %" G_GSIZE_FORMAT " Hessian columns in blocks of %" G_GSIZE_FORMAT
            ": %.1f s (%s, %" G_GSIZE_FORMAT " columns timed)\n",
            P, block, total, done_cols == P ? "measured" : "extrapolated", done_cols);
    printf ("# same with generic HVPs at the block-%" G_GSIZE_FORMAT " rate: %.1f s\n",
            blocks[G_N_ELEMENTS (blocks) - 1], t * P / blocks[G_N_ELEMENTS (blocks) - 1]);
  }

  saddle_batch_clear (&batch);
  return 0;
}
