/* bench-descent-step.c — CPU time of one step of the ‖∇L‖² descent, and what limits it
 *
 * The default critical study's step: ∇L and H·∇L (saddle_model_grad_and_hvp_self()) of the
 * 1-31-31-1 net on sinc at 1,000 points, one BLAS thread, for each activation; ReLU both by
 * sample and by linear region (saddle-model-regions.c), with the regions at its θ. Each figure is
 * the best of 5 blocks of steps in process CPU time (the machine is shared: wall time is not
 * the step's), beside the FLOPs saddle-flops.c counts for it and the DGEMM rate (512³) measured
 * the same way in the same run, and the time of the separate calls (gradient, then HVP). Then
 * the thin products the step is made of, one by one, as dgemm and as the call
 * _saddle_model_gemm() picks for them (see saddle-model-gemm.c), and the image model's first
 * layer at a minibatch of 200 (the narrow kernels, saddle-narrow-gemm.c and -sum.c).
 *
 * SADDLE_BENCH_STEPS=N: steps per block (default 400).
 */
#define G_LOG_DOMAIN "saddle-bench-descent-step"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <cblas.h>
#include <glib.h>

#include "bench-clock.h"
#include "saddle-batch.h"
#include "saddle-dataset.h"
#include "saddle-flops.h"
#include "saddle-model-private.h"

#define BLOCKS 5

typedef struct
{
  SaddleModel       *model;
  const double      *theta;
  const SaddleBatch *batch;
  double            *grad;
  double            *hg;
} Step;

static void
step_work (gpointer data)
{
  Step *s = data;

  saddle_model_grad_and_hvp_self (s->model, s->theta, s->batch, s->grad, s->hg);
}

/* The same two vectors by the separate calls: a gradient pass, then an HVP pass (its own
 * forward and backward) along it. */
static void
separate_work (gpointer data)
{
  Step *s = data;

  saddle_model_loss_grad (s->model, s->theta, s->batch, s->grad);
  saddle_model_hvp (s->model, s->theta, s->batch, s->grad, 1, s->hg, NULL);
}

typedef struct
{
  CBLAS_TRANSPOSE ta, tb;
  gsize           m, n, k;
  gboolean        helper;  /* through _saddle_model_gemm(), else one plain dgemm */
  double         *a, *b, *c;
} Product;

static void
product_work (gpointer data)
{
  Product *p = data;
  gsize lda = p->ta == CblasNoTrans ? p->k : p->m;
  gsize ldb = p->tb == CblasNoTrans ? p->n : p->k;

  if (p->helper)
    _saddle_model_gemm (p->ta, p->tb, p->m, p->n, p->k, p->a, lda, p->b, ldb, 1.0, p->c, p->n);
  else
    cblas_dgemm (CblasRowMajor, p->ta, p->tb, (int) p->m, (int) p->n, (int) p->k,
                 1.0, p->a, (int) lda, p->b, (int) ldb, 1.0, p->c, (int) p->n);
}

int
main (void)
{
  static const guint widths[] = { 1, 31, 31, 1 };
  static const SaddleActivation acts[] = { SADDLE_ACTIVATION_RELU, SADDLE_ACTIVATION_TANH };
  /* The step's products at 1,000 samples, then the image model's first layer at a minibatch of
   * 200: (what, transposes, m, n, k). */
  static const struct { const char *what; CBLAS_TRANSPOSE ta, tb; gsize m, n, k; } shapes[] = {
    { "a.W^T, R{a}.W^T (hidden)",  CblasNoTrans, CblasTrans,   1000, 31, 31 },
    { "d.W, R{d}.W (hidden)",    CblasNoTrans, CblasNoTrans, 1000, 31, 31 },
    { "d^T.a, R{d}^T.a (hidden)",  CblasTrans,   CblasNoTrans, 31, 31, 1000 },
    { "a.w^T (output)",           CblasNoTrans, CblasTrans,   1000, 1, 31 },
    { "d^T.a (output)",           CblasTrans,   CblasNoTrans, 1, 31, 1000 },
    { "d^T.x (input)",            CblasTrans,   CblasNoTrans, 31, 1, 1000 },
    { "x.v^T (input)",            CblasNoTrans, CblasTrans,   1000, 31, 1 },
    { "x.W^T (image input)",      CblasNoTrans, CblasTrans,   200, 20, 784 },
    { "d^T.x (image input)",      CblasTrans,   CblasNoTrans, 20, 784, 200 },
  };
  const char *env = g_getenv ("SADDLE_BENCH_STEPS");
  guint reps = env != NULL ? (guint) atoi (env) : 400;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) data = saddle_dataset_new_function (SADDLE_FUNCTION_SINC, 1000, &error);
  g_autofree double *big = g_new (double, 3 * 512 * 512);
  SaddleBatch batch;
  double dgemm;

  g_assert_no_error (error);
  saddle_batch_init_full (&batch, data);
  for (gsize i = 0; i < 3 * 512 * 512; i++)
    big[i] = (double) (i % 97) / 97.0;
  dgemm = bench_dgemm_rate ();
  printf ("dgemm 512³: %.1f GFLOP/s per CPU second (one thread expected: "
          "OPENBLAS_NUM_THREADS=1)\n\n", dgemm / 1e9);

  printf ("%-22s %10s %10s %10s %16s\n", "step", "µs CPU", "GFLOP/s", "of DGEMM",
          "separate µs CPU");
  for (guint i = 0; i < G_N_ELEMENTS (acts); i++)
    for (guint by_region = 0; by_region <= (acts[i] == SADDLE_ACTIVATION_RELU); by_region++)
      {
        g_autoptr(SaddleModel) model = saddle_model_new (widths, G_N_ELEMENTS (widths), acts[i],
                                                         SADDLE_LOSS_MSE, &error);
        gsize P = saddle_model_n_params (model);
        g_autofree double *theta = g_new (double, P);
        g_autofree double *grad = g_new (double, P);
        g_autofree double *hg = g_new (double, P);
        g_autofree char *name = NULL;
        Step s = { model, theta, &batch, grad, hg };
        SaddleRng rng;
        SaddleRegionTally tally;
        gsize regions = 0;
        double t, separate, flops;

        /* The initial θ with biases drawn too, standard deviation 0.5 (the initial ones are 0,
         * which puts every first-layer kink at x = 0): 25 regions over the points, as many as
         * at the study's critical points (20–31). */
        saddle_rng_init (&rng, 1);
        saddle_model_init_params (model, theta, &rng);
        for (guint l = 0; l < saddle_model_n_layers (model); l++)
          {
            gsize off = saddle_model_layer_offset (model, l)
                        + (gsize) widths[l] * widths[l + 1];

            for (guint o = 0; o < widths[l + 1]; o++)
              theta[off + o] = 0.5 * saddle_rng_normal (&rng);
          }
        saddle_model_set_sum_by_region (model, by_region);
        /* One step's work as the model tallied it: its forward pass by region as it ran. */
        saddle_model_take_region_tally (model, NULL);
        step_work (&s);
        saddle_model_take_region_tally (model, &tally);
        regions = (gsize) tally.regions;
        flops = saddle_flops_tally (model, batch.n, &tally);
        name = by_region ? g_strdup_printf ("%s, %zu regions", saddle_activation_to_string (acts[i]),
                                            regions)
                         : g_strdup_printf ("%s, by sample", saddle_activation_to_string (acts[i]));
        t = bench_best_of (step_work, &s, BLOCKS, reps);
        separate = bench_best_of (separate_work, &s, BLOCKS, reps);
        printf ("%-22s %10.1f %10.1f %9.0f %% %16.1f\n", name, t * 1e6, flops / t / 1e9,
                100.0 * flops / t / dgemm, separate * 1e6);
      }

  printf ("\n%-26s %-3s %16s %12s %12s\n", "product", "op", "m x n x k", "dgemm µs",
          "chosen µs");
  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      Product p = { shapes[i].ta, shapes[i].tb, shapes[i].m, shapes[i].n, shapes[i].k, FALSE,
                    big, big + 512 * 512, big + 2 * 512 * 512 };
      g_autofree char *size = g_strdup_printf ("%zu x %zu x %zu", p.m, p.n, p.k);
      double plain, chosen;

      plain = bench_best_of (product_work, &p, BLOCKS, reps);
      p.helper = TRUE;
      chosen = bench_best_of (product_work, &p, BLOCKS, reps);
      printf ("%-26s %s%s %16s %12.2f %12.2f\n", shapes[i].what,
              p.ta == CblasNoTrans ? "N" : "T", p.tb == CblasNoTrans ? "N" : "T", size,
              plain * 1e6, chosen * 1e6);
    }

  saddle_batch_clear (&batch);
  return 0;
}
