/* bench-train-floor.c — how close the critical run's training can come to the DGEMM ceiling
 *
 * Issue 11 asks every phase for 75 % of its ceiling: the FLOPs saddle-flops.c counts for it (its
 * matrix products) at the machine's DGEMM rate. The critical study trains the 1-31-31-1 net with
 * Adam on minibatches of 20 (10,000 steps), so each step's products are 20 × 31 × 31 and each
 * step ends with Adam over all 1,086 parameters, in PyTorch's formula (two divisions and a
 * square root a parameter: saddle-optimizer.c); after each epoch, and once before, the whole
 * set's loss takes a forward pass over its 1,000 samples (by linear region:
 * saddle-model-regions-forward.c). Timed alone, each by the faster of
 * Saddle's narrow kernels and dgemm, those parts set a floor under the phase's time: the
 * forward pass's a·Wᵀ (NT), the backward pass's δ·W (NN) and the gradient's δᵀ·a (TN), one Adam
 * step, and the whole set's forward pass (by the model, as the trainer runs it). The rest of a
 * step (the bias, ReLU, the loss, the products with the one-unit layers, the gradient's norm)
 * only adds to it. Printed: the ceiling, that floor, and the share of DGEMM's rate the phase
 * could reach at best, ceiling ÷ floor; set beside bench-critical's training time, the rest is
 * what the other work costs. (2026-12-07, two runs: a floor of 0.045–0.050 s against a ceiling
 * of 0.031–0.033 s, so 65–68 % of DGEMM at most, the products at 75–83 %; after session 18's
 * forward pass by region and AVX-512 tiles, two runs: 0.028–0.030 s against 0.026–0.027 s,
 * 88–93 % of the pinned Haswell DGEMM, the products at 134–144 % of it.)
 *
 * Every time is the best of 5 blocks in process CPU time (the machine is shared), DGEMM's too
 * (512³, measured in the same run: bench-clock.h). Run with OPENBLAS_NUM_THREADS=1 (meson's
 * benchmark sets it).
 */
#define G_LOG_DOMAIN "saddle-bench-train-floor"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <cblas.h>
#include <glib.h>

#include "bench-clock.h"
#include "saddle-batch.h"
#include "saddle-flops.h"
#include "saddle-narrow-gemm.h"
#include "saddle-narrow-sum.h"
#include "saddle-optimizer.h"
#include "saddle-rng.h"
#include "saddle-study.h"

#define BLOCKS 5
#define REPEATS 20000

typedef enum { PRODUCT_NT, PRODUCT_NN, PRODUCT_TN } ProductKind;

/* One product of a step: @batch samples through a @width-unit layer. */
typedef struct
{
  ProductKind kind;
  gsize       batch, width;
  gboolean    narrow;   /* by the narrow kernel, else dgemm */
  gboolean    taken;    /* FALSE once the narrow kernel declined the shape */
  double     *a, *w, *c;
} Product;

static void
product_work (gpointer data)
{
  Product *p = data;
  gsize n = p->batch, h = p->width;

  switch (p->kind)
    {
    case PRODUCT_NT:   /* z = a·Wᵀ: n × h, depth h */
      if (!p->narrow || !(p->taken = saddle_narrow_gemm (CblasTrans, n, h, h, p->a, h, p->w, h,
                                                         0.0, p->c, h)))
        cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, n, h, h, 1.0, p->a, h, p->w, h,
                     0.0, p->c, h);
      break;
    case PRODUCT_NN:   /* δ·W: n × h, depth h */
      if (!p->narrow || !(p->taken = saddle_narrow_gemm (CblasNoTrans, n, h, h, p->a, h, p->w,
                                                         h, 0.0, p->c, h)))
        cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, h, h, 1.0, p->a, h, p->w, h,
                     0.0, p->c, h);
      break;
    case PRODUCT_TN:   /* δᵀ·a: h × h, depth n */
    default:
      if (!p->narrow || !(p->taken = saddle_narrow_sum (h, h, n, p->a, h, p->a, h, 0.0, p->c,
                                                        h)))
        cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, h, h, n, 1.0, p->a, h, p->a, h,
                     0.0, p->c, h);
      break;
    }
}

/* The faster of the narrow kernel and dgemm for one product, printed under @label. */
static double
fastest_product (ProductKind  kind,
                 gsize        batch,
                 gsize        width,
                 const char  *label)
{
  g_autofree double *a = g_new (double, batch * width);
  g_autofree double *w = g_new (double, width * width);
  g_autofree double *c = g_new0 (double, MAX (batch, width) * width);
  Product p = { kind, batch, width, FALSE, TRUE, a, w, c };
  double blas, narrow, best;

  for (gsize i = 0; i < batch * width; i++)
    a[i] = 1.0 / (1.0 + (double) i);
  for (gsize i = 0; i < width * width; i++)
    w[i] = 1e-3 * (double) (i % 17);
  blas = bench_best_of (product_work, &p, BLOCKS, REPEATS);
  p.narrow = TRUE;
  narrow = bench_best_of (product_work, &p, BLOCKS, REPEATS);
  best = p.taken ? MIN (blas, narrow) : blas;

  /* Padded by characters, not bytes: the labels hold δ and ᵀ. */
  printf ("  %s%*s", label, (int) (28 - g_utf8_strlen (label, -1)), "");
  if (p.taken)
    printf (" dgemm %6.3f µs, narrow kernel %6.3f µs", blas * 1e6, narrow * 1e6);
  else
    printf (" dgemm %6.3f µs, narrow kernel declined", blas * 1e6);
  printf (": %6.3f µs, %.1f GFLOP/s\n", best * 1e6,
          saddle_flops_dgemm (batch, width, width) / best / 1e9);
  return best;
}

typedef struct
{
  SaddleOptimizer *optimizer;
  double          *theta;
  const double    *grad;
} AdamStep;

static void
adam_work (gpointer data)
{
  AdamStep *s = data;

  saddle_optimizer_step (s->optimizer, s->theta, s->grad);
}

typedef struct
{
  SaddleModel       *model;
  const double      *theta;
  const SaddleBatch *full;
} Evaluation;

static void
evaluation_work (gpointer data)
{
  Evaluation *e = data;
  double accuracy;

  saddle_model_loss_accuracy (e->model, e->theta, e->full, &accuracy);
}

/* The whole set's loss (and accuracy) at a θ of the model's own initialisation, as the trainer
 * takes it after each epoch; how one such evaluation summed into @tally (by region, for the
 * function task: its forward pass by region's FLOPs). */
static double
time_evaluation (SaddleModel         *model,
                 const SaddleDataset *dataset,
                 SaddleRegionTally   *tally)
{
  g_autofree double *theta = g_new (double, saddle_model_n_params (model));
  SaddleBatch full;
  SaddleRng rng;
  Evaluation e;

  saddle_rng_init (&rng, 1);
  saddle_model_init_params (model, theta, &rng);
  saddle_batch_init_full (&full, dataset);
  e = (Evaluation) { model, theta, &full };
  saddle_model_take_region_tally (model, NULL);
  evaluation_work (&e);
  saddle_model_take_region_tally (model, tally);
  return bench_best_of (evaluation_work, &e, BLOCKS, 200);
}

static double
time_adam (gsize n_params)
{
  SaddleOptimizerSettings settings;
  g_autoptr(SaddleOptimizer) optimizer = NULL;
  g_autofree double *theta = g_new0 (double, n_params);
  g_autofree double *grad = g_new (double, n_params);
  AdamStep step;

  saddle_optimizer_settings_init (&settings, SADDLE_OPTIMIZER_ADAM, 0.01);
  optimizer = saddle_optimizer_new (&settings, n_params);
  for (gsize i = 0; i < n_params; i++)
    grad[i] = 1e-3 * ((double) (i % 13) - 6.0);
  step = (AdamStep) { optimizer, theta, grad };
  return bench_best_of (adam_work, &step, BLOCKS, REPEATS);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  SaddleStudyConfig config;
  SaddleRegionTally one, all;
  gsize samples, batch, width, steps;
  guint epochs;
  double dgemm, flops, ceiling, step, floor_seconds, adam, evaluation;

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  dataset = saddle_study_config_load_dataset (&config, &error);
  if (dataset != NULL)
    model = saddle_study_config_new_model (&config, dataset, &error);
  samples = config.samples;
  batch = MIN (config.batch, samples);
  epochs = config.epochs;
  saddle_study_config_clear (&config);
  if (model == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  width = saddle_model_width (model, 1);
  steps = (samples + batch - 1) / batch * epochs;

  dgemm = bench_dgemm_rate ();
  evaluation = time_evaluation (model, dataset, &one);
  /* Every evaluation counted as the one timed (by region, it has fewer runs than a trained θ). */
  all = (SaddleRegionTally) { .losses_by_region = (epochs + 1) * one.losses_by_region,
                              .forward_flops = (epochs + 1) * one.forward_flops };
  flops = saddle_flops_training (model, samples, 0, epochs, FALSE, &all);
  ceiling = flops / dgemm;
  printf ("The critical run's training: %" G_GSIZE_FORMAT " parameters, %" G_GSIZE_FORMAT
          " Adam steps of %" G_GSIZE_FORMAT " samples, %.3g GFLOP (saddle-flops.c)\n",
          saddle_model_n_params (model), steps, batch, flops / 1e9);
  printf ("DGEMM 512³: %.1f GFLOP/s per CPU second; the ceiling: %.4f s\n", dgemm / 1e9,
          ceiling);
  printf ("A step's unavoidable parts, each by the faster of the two (CPU time, best of %d):\n",
          BLOCKS);
  step = fastest_product (PRODUCT_NT, batch, width, "a·Wᵀ (forward, NT)")
         + fastest_product (PRODUCT_NN, batch, width, "δ·W (backward, NN)")
         + fastest_product (PRODUCT_TN, batch, width, "δᵀ·a (gradient, TN)");
  adam = time_adam (saddle_model_n_params (model));
  printf ("  %-28s %6.3f µs\n", "Adam, all parameters", adam * 1e6);
  printf ("  the three products: %.1f GFLOP/s, %.0f %% of DGEMM\n",
          3 * saddle_flops_dgemm (batch, width, width) / step / 1e9,
          100.0 * 3 * saddle_flops_dgemm (batch, width, width) / step / dgemm);
  printf ("The whole set's loss, %u times: %.2f µs each\n", epochs + 1, evaluation * 1e6);
  floor_seconds = steps * (step + adam) + (epochs + 1) * evaluation;
  printf ("Floor: %" G_GSIZE_FORMAT " × %.3f µs + %u × %.2f µs = %.4f s; the most the phase "
          "can reach: %.0f %% of DGEMM\n", steps, (step + adam) * 1e6, epochs + 1,
          evaluation * 1e6, floor_seconds, 100.0 * ceiling / floor_seconds);
  return EXIT_SUCCESS;
}
