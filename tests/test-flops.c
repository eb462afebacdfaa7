/* test-flops.c — the FLOP counts of saddle-flops.c against counts worked out by hand
 *
 * The tiny model is 2-3-2-1: layers of 2×3, 3×2 and 2×1 weights, so per sample
 * S = 6 + 6 + 2 = 14, S↑ = 6 + 2 = 8, S>0 = 8, S>1 = 2, S>2 = 0; its 20 parameters lie
 * in layer 0 at 0–8 (6 weights, 3 biases), layer 1 at 9–16 and layer 2 at 17–19.
 */
#include "config.h"

#include <math.h>

#include <glib.h>

#include "saddle-batch.h"
#include "saddle-flops.h"
#include "saddle-trainer.h"
#include "saddle-hessian.h"
#include "saddle-rng.h"
#include "saddle-study-flops.h"

#define SAMPLES 5

static SaddleModel *
tiny_model (void)
{
  static const guint widths[] = { 2, 3, 2, 1 };
  g_autoptr(GError) error = NULL;
  SaddleModel *model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH,
                                         SADDLE_LOSS_MSE, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (saddle_model_n_params (model), ==, 20);
  return model;
}

static void
test_passes (void)
{
  g_autoptr(SaddleModel) model = tiny_model ();

  g_assert_cmpfloat (saddle_flops_dgemm (2, 3, 4), ==, 48);
  /* 2·S = 28 a sample. */
  g_assert_cmpfloat (saddle_flops_forward (model, SAMPLES), ==, 5 * 28);
  /* forward 28, dW 28, δ·W above the first layer 16: 72 a sample. */
  g_assert_cmpfloat (saddle_flops_gradient (model, SAMPLES), ==, 5 * 72);
  /* R-forward 16 + 28, R-backward 28 + 3·16: 120 a sample and direction. */
  g_assert_cmpfloat (saddle_flops_r_pass (model, SAMPLES, 2), ==, 5 * 2 * 120);
  g_assert_cmpfloat (saddle_flops_hvp (model, SAMPLES, 2), ==, 5 * 72 + 5 * 2 * 120);
  g_assert_cmpfloat (saddle_flops_descent_step (model, SAMPLES), ==, 5 * 72 + 5 * 120);
}

static void
test_training (void)
{
  g_autoptr(SaddleModel) model = tiny_model ();

  SaddleRegionTally losses = { .losses_by_region = 3, .forward_flops = 100 };
  SaddleRegionTally grads = { .grads_by_region = 1, .grad_regions = 2, .forward_flops = 100 };
  static const guint widths[] = { 1, 3, 2, 1 };
  g_autoptr(SaddleModel) relu = saddle_model_new (widths, 4, SADDLE_ACTIVATION_RELU,
                                                  SADDLE_LOSS_MSE, NULL);

  /* 3 epochs of minibatch gradients (the set once each: 3 × 360), 4 evaluations; gradients at
   * the ends of epochs 1 and 2 share 2 samples (2 × 72) with the next step. */
  g_assert_cmpfloat (saddle_flops_training (model, SAMPLES, 2, 3, FALSE, NULL), ==,
                     3 * 360 + 4 * 140);
  g_assert_cmpfloat (saddle_flops_training (model, SAMPLES, 2, 3, TRUE, NULL), ==,
                     3 * 360 + 4 * 360 - 2 * 2 * 72);
  g_assert_cmpfloat (saddle_flops_training (model, SAMPLES, 0, 3, TRUE, NULL), ==,
                     3 * 360 + 4 * 360);
  /* 3 of the 4 evaluations by region: their forward passes as counted (100), the fourth by
   * sample; of gradients, 1 by region: its forward passes and its 2 regions' share. Gradients
   * by region where the evaluations are losses were minibatches': not counted (NAN). */
  g_assert_cmpfloat (saddle_flops_training (model, SAMPLES, 2, 3, FALSE, &losses), ==,
                     3 * 360 + 100 + 140);
  g_assert_cmpfloat (saddle_flops_training (model, SAMPLES, 0, 3, TRUE, &grads), ==,
                     3 * 360 + 100 + saddle_flops_gradient_regions (model, 2.0) + 3 * 360);
  g_assert_true (isnan (saddle_flops_training (model, SAMPLES, 2, 3, FALSE, &grads)));
  /* The forward pass by region of 1-3-2-1 over 5 samples, its layers splitting them into 2
   * and 4 runs: each sample's pattern (3·3 + 1) + (3·2 + 1) and output (3·1 + 1), 21 a sample;
   * then a run's centre and distance (3), its z at the centre (3·o), the slopes and values
   * above (4·o·o′) and their bias and split (2·o′): 2·(3 + 9 + 24 + 4) = 80 and
   * 4·(3 + 6 + 8 + 2) = 76. With the patterns at 3 and 4 samples (halving): 3·10 + 4·7 + 5·4. */
  {
    const gsize runs[] = { 2, 4 };
    const gsize scanned[] = { SAMPLES, SAMPLES }, halved[] = { 3, 4 };

    g_assert_cmpfloat (saddle_flops_forward_regions (relu, SAMPLES, runs, scanned), ==,
                       5 * 21 + 80 + 76);
    g_assert_cmpfloat (saddle_flops_forward_regions (relu, SAMPLES, runs, halved), ==,
                       3 * 10 + 4 * 7 + 5 * 4 + 80 + 76);
  }
}

/* The plane: the first layer's product three times (3 × 2·6 = 36 a sample), then the layers
 * above at each node (2·S↑ = 16 a sample). */
static void
test_surface (void)
{
  g_autoptr(SaddleModel) model = tiny_model ();

  g_assert_cmpfloat (saddle_flops_surface (model, SAMPLES, 4), ==, 5 * (36 + 16 * 16));
  g_assert_cmpfloat (saddle_flops_surface (model, SAMPLES, 0), ==, 0);
}

/* A study's count is the sum of its phases': trajectories, and critical with dense Newton
 * (tanh, under the dense size) and this model's build (structured: one output under MSE),
 * whose analyses count towards the bound alone. */
static void
test_study (void)
{
  g_autoptr(SaddleModel) model = tiny_model ();
  SaddleStudyConfig config;
  double training, expect, at_most;

  saddle_study_config_init (&config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_FUNCTION);
  config.runs = 3;
  config.epochs = 4;
  config.batch = 2;
  config.snapshot_every = 0;
  config.surface_resolution = 7;
  /* This model's first layer reads no rows in place: no evaluation is shared. An image-sized
   * one shares its minibatch where it reads the rest in place; a one-input ReLU net under MSE
   * does not, its passes over 1,000 points going by region. */
  {
    static const guint image[] = { 784, 20, 10 };
    static const guint function[] = { 1, 8, 1 };
    g_autoptr(SaddleModel) wide = saddle_model_new (image, 3, SADDLE_ACTIVATION_RELU,
                                                    SADDLE_LOSS_CROSS_ENTROPY, NULL);
    g_autoptr(SaddleModel) narrow = saddle_model_new (function, 3, SADDLE_ACTIVATION_RELU,
                                                      SADDLE_LOSS_MSE, NULL);

    g_assert_cmpuint (saddle_train_shared_samples (wide, 1000, 200, TRUE), ==,
                      saddle_model_reads_rows (wide, 800) ? 200 : 0);
    g_assert_cmpuint (saddle_train_shared_samples (wide, 1000, 200, FALSE), ==, 0);
    g_assert_cmpuint (saddle_train_shared_samples (wide, 1000, 1000, TRUE), ==, 0);
    g_assert_cmpuint (saddle_train_shared_samples (narrow, 1000, 20, TRUE), ==, 0);
  }
  g_assert_cmpuint (saddle_train_shared_samples (model, SAMPLES, 2, TRUE), ==, 0);
  training = saddle_flops_training (model, SAMPLES, 0, 4, TRUE, NULL);
  /* 3 runs × 5 snapshots, their Gram matrix 2·15²·20. */
  expect = 3 * training + saddle_flops_surface (model, SAMPLES, 7) + 2.0 * 15 * 15 * 20;
  g_assert_cmpfloat (saddle_study_flops (&config, SADDLE_STUDY_TRAJECTORIES, model, SAMPLES,
                                         &at_most), ==, expect);
  g_assert_cmpfloat (at_most, ==, expect);
  g_assert_cmpfloat (saddle_study_flops (&config, SADDLE_STUDY_GRADNORM, model, SAMPLES, NULL),
                     ==, 3 * training);
  saddle_study_config_clear (&config);

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  config.runs = 2;
  config.epochs = 4;
  config.activation = SADDLE_ACTIVATION_TANH;
  config.newton_method = SADDLE_NEWTON_AUTO;
  g_assert_cmpint (saddle_hessian_choose_build (model, SAMPLES), ==,
                   SADDLE_HESSIAN_BUILD_STRUCTURED);
  /* The trainings and final Hessians (tanh: no dead units to leave out), and at most the point
   * searches at their caps. */
  training = saddle_flops_training (model, SAMPLES, config.batch, 4, FALSE, NULL)
             + saddle_flops_hessian_structured (model, SAMPLES) + saddle_flops_eigenvectors (20);
  expect = training
           + config.descent_steps * saddle_flops_descent_step (model, SAMPLES)
           + config.newton_steps * (saddle_flops_hessian_structured (model, SAMPLES)
                                    + saddle_flops_eigenvectors (20))
           + 2.0 * config.still_steps * (saddle_flops_gradient (model, SAMPLES)
                                         + saddle_flops_forward (model, SAMPLES));
  g_assert_cmpfloat (saddle_study_flops (&config, SADDLE_STUDY_CRITICAL, model, SAMPLES, &at_most),
                     ==, 2 * training);
  g_assert_cmpfloat (at_most, ==, 2 * expect);
  /* A ReLU net's final eigensolve leaves its dead units out: counted towards the bound alone. */
  config.activation = SADDLE_ACTIVATION_RELU;
  g_assert_cmpfloat (saddle_study_flops (&config, SADDLE_STUDY_CRITICAL, model, SAMPLES, NULL),
                     ==, 2 * (training - saddle_flops_eigenvectors (20)));
  saddle_study_config_clear (&config);
}

static void
test_hessian (void)
{
  g_autoptr(SaddleModel) model = tiny_model ();

  /* The model handles all 20 columns in one R-pass chunk (≤ 32). */
  g_assert_cmpuint (saddle_model_block_size (model, SAMPLES), >=, 20);

  /* One call: forward and backward without dW, 28 + 16 = 44 a sample; 20 columns from layer
   * 0: 28 + 16 + 4·8 = 76 a sample and column. */
  g_assert_cmpfloat (saddle_flops_hessian_dense (model, SAMPLES, 64), ==, 5 * (44 + 20 * 76));
  /* Calls of 8 at 0, 8 and 16: column 8 is layer 0's last bias, column 16 layer 1's last
   * bias, so 16 columns cost 76 and 4 cost 28 + 16 + 4·2 = 52. */
  g_assert_cmpfloat (saddle_flops_hessian_dense (model, SAMPLES, 8), ==,
                     5 * (3 * 44 + 16 * 76 + 4 * 52));
  /* Calls of 3 at 0, 3, …, 18: 9 columns from layer 0 (76), 9 from layer 1 (52; the call at
   * 15 starts in layer 1), 2 from layer 2 (28 + 16 = 44). */
  g_assert_cmpfloat (saddle_flops_hessian_dense (model, SAMPLES, 3), ==,
                     5 * (7 * 44 + 9 * 76 + 9 * 52 + 2 * 44));
}

/* The structured build of the 2-3-2-1 tanh model, a sample (layer k: i_k inputs, o_k outputs;
 * pairs (k1, k2), k2 ≤ k1; m = 1 output):
 *   forward and deltas 28 + 16 = 44; chain factors 2·o_l·i_l·o_k for k < l − 1: (2,0) 12;
 *   Kᵢ 2·m·o1·o2, plus tanh's 2·o_l·o1·o2 for l = k1 + 1 … 1, and for l = k1 2·o1·o2
 *   (2·o1 when k2 = k1: a diagonal);
 *   block: if i2 ≥ i1, 2·rows·(i2 + 1) with rows = o2·p1 (less i1·o2(o2−1)/2 on the diagonal),
 *          else 2·(i1·o1·p2 + o1·p2); product terms 2·(i2 + 1)·o1·o2 for k2 = k1 − 1, else
 *          (k2 < k1 − 1) 2·(i2 + 1)·o1·i1·o2:
 *   (0,0) 18 + (6 + 36) + 2·21·3          = 186
 *   (1,0) 12 + 12 + 2·(3·18 + 2·9) + 36   = 204
 *   (1,1) 8 + 4 + 2·13·4                  = 116
 *   (2,0) 6 + 2·9·3 + 36                  = 96
 *   (2,1) 4 + 2·6·4 + 16                  = 68
 *   (2,2) 2 + 2·3·3                       = 20
 * 44 + 12 + 690 = 746. With ReLU (MSE, one output, σ'' = 0) the Gauss–Newton part is one DSYRK
 * of the per-sample gradients, P(P + 1) = 20·21 = 420 with P = 9 + 8 + 3 parameters, in place of
 * the Kᵢ and the blocks; the product terms stay (36 + 36 + 16): 44 + 12 + 420 + 88 = 564. */
static void
test_hessian_structured (void)
{
  static const guint widths[] = { 2, 3, 2, 1 };
  g_autoptr(SaddleModel) model = tiny_model ();
  g_autoptr(SaddleModel) relu = saddle_model_new (widths, G_N_ELEMENTS (widths),
                                                  SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, NULL);

  g_assert_cmpfloat (saddle_flops_hessian_structured (model, SAMPLES), ==, 5 * 746);
  g_assert_cmpfloat (saddle_flops_hessian_structured (relu, SAMPLES), ==, 5 * 564);
}

static gboolean
first_progress_cb (double   fraction,
                   gpointer user_data)
{
  double *first = user_data;

  if (*first == 0.0)
    *first = fraction;
  return TRUE;
}

/* saddle_hessian_dense()'s default block is the one the count assumes: its first progress
 * report comes after that many of the 2-20-2 model’s 102 columns (two outputs: the HVP build). */
static void
test_hessian_default_block (void)
{
  static const guint widths[] = { 2, 20, 2 };
  g_autoptr(SaddleModel) model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_TANH,
                                                   SADDLE_LOSS_MSE, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = g_new (double, 102);
  g_autofree double *h = NULL;
  double x[2 * SAMPLES], y[2 * SAMPLES], first = 0.0;
  SaddleBatch batch = { .kind = SADDLE_DATASET_REGRESSION, .n = SAMPLES, .n_inputs = 2,
                        .n_outputs = 2, .x = x, .targets = y };
  SaddleRng rng;

  g_assert_cmpuint (saddle_model_n_params (model), ==, 102);
  g_assert_cmpint (saddle_hessian_choose_build (model, SAMPLES), ==, SADDLE_HESSIAN_BUILD_HVP);
  saddle_rng_init (&rng, 1);
  saddle_model_init_params (model, theta, &rng);
  for (guint i = 0; i < 2 * SAMPLES; i++)
    x[i] = saddle_rng_normal (&rng);
  for (guint i = 0; i < 2 * SAMPLES; i++)
    y[i] = saddle_rng_normal (&rng);
  h = saddle_hessian_dense (model, theta, &batch, 0, first_progress_cb, &first, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (first * 102, MIN (SADDLE_FLOPS_DEFAULT_HESSIAN_BLOCK, 102), 1e-9);
  g_assert_cmpfloat (saddle_flops_hessian_dense (model, SAMPLES, 0), ==,
                     saddle_flops_hessian_dense (model, SAMPLES,
                                                 SADDLE_FLOPS_DEFAULT_HESSIAN_BLOCK));
}

static void
test_eigen (void)
{
  g_assert_cmpfloat (saddle_flops_eigenvalues (3), ==, 36);
  g_assert_cmpfloat (saddle_flops_eigenvectors (3), ==, 36 + 54);
}

/* The descent step and the gradient summed by linear region, on 1-3-2-1 (S = 3 + 6 + 2 = 11,
 * S↑ = 8, the output layer's S_top = 2, the hidden layers' S_h = 9): beyond the forward pass by
 * region, 10·S + 4·S_h + 10·S↑ − 2·S_top = 110 + 36 + 80 − 4 = 222 a region; and a tally of
 * calls made each way. */
static void
test_descent_regions (void)
{
  static const guint widths[] = { 1, 3, 2, 1 };
  g_autoptr(SaddleModel) model = saddle_model_new (widths, 4, SADDLE_ACTIVATION_RELU,
                                                   SADDLE_LOSS_MSE, NULL);
  SaddleRegionTally tally = { .by_sample = 1, .by_region = 2, .regions = 5,
                              .grads_by_sample = 3, .grads_by_region = 4, .grad_regions = 7,
                              .forward_flops = 1000 };

  g_assert_cmpfloat (saddle_flops_descent_step_regions (model, 2.0), ==, 2 * 222);
  /* A gradient by region: 2·S + 4·S_h + 2·S↑ = 22 + 36 + 16 = 74 a region. */
  g_assert_cmpfloat (saddle_flops_gradient_regions (model, 2.0), ==, 2 * 74);
  /* Steps: by sample 8·S + 10·S↑ = 168 a sample, by region 5 regions; gradients: by sample
   * 4·S + 2·S↑ = 60 a sample, by region 7 regions; the forward passes by region as counted. */
  g_assert_cmpfloat (saddle_flops_tally (model, SAMPLES, &tally), ==,
                     5 * 168 + 5 * 222 + 3 * 5 * 60 + 7 * 74 + 1000);
}

/* The design's two models, per sample: the numbers the bench's rates rest on. */
static void
test_reference_models (void)
{
  static const guint function[] = { 1, 31, 31, 1 };
  static const guint image[] = { 784, 20, 20, 10 };
  g_autoptr(SaddleModel) f = saddle_model_new (function, 4, SADDLE_ACTIVATION_RELU,
                                               SADDLE_LOSS_MSE, NULL);
  g_autoptr(SaddleModel) m = saddle_model_new (image, 4, SADDLE_ACTIVATION_RELU,
                                               SADDLE_LOSS_CROSS_ENTROPY, NULL);

  /* S = 31 + 961 + 31 = 1,023, S↑ = 992. */
  g_assert_cmpfloat (saddle_flops_gradient (f, 1), ==, 4 * 1023 + 2 * 992);
  g_assert_cmpfloat (saddle_flops_descent_step (f, 1), ==, 8 * 1023 + 10 * 992);
  /* By region: 10·1,023 + 4·992 + 10·992 − 2·31 = 24,056 a region; its forward pass, with 20
   * and 25 runs: 3·(31 + 31 + 1) + 3 = 192 a sample, 20·(3 + 3·31 + 4·31·31 + 2·31) and
   * 25·(3 + 3·31 + 4·31 + 2) for the runs. */
  g_assert_cmpfloat (saddle_flops_descent_step_regions (f, 30.0), ==, 30 * 24056);
  {
    const gsize runs[] = { 20, 25 }, patterns[] = { 1000, 1000 };

    g_assert_cmpfloat (saddle_flops_forward_regions (f, 1000, runs, patterns), ==,
                       1000 * 192 + 20 * (3 + 3 * 31 + 4 * 31 * 31 + 2 * 31)
                       + 25 * (3 + 3 * 31 + 4 * 31 + 2));
  }
  /* S = 15,680 + 400 + 200 = 16,280. */
  g_assert_cmpfloat (saddle_flops_forward (m, 1), ==, 2 * 16280);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/flops/passes", test_passes);
  g_test_add_func ("/core/flops/descent-regions", test_descent_regions);
  g_test_add_func ("/core/flops/training", test_training);
  g_test_add_func ("/core/flops/surface", test_surface);
  g_test_add_func ("/core/flops/study", test_study);
  g_test_add_func ("/core/flops/hessian", test_hessian);
  g_test_add_func ("/core/flops/hessian-default-block", test_hessian_default_block);
  g_test_add_func ("/core/flops/hessian-structured", test_hessian_structured);
  g_test_add_func ("/core/flops/eigen", test_eigen);
  g_test_add_func ("/core/flops/reference-models", test_reference_models);

  return g_test_run ();
}
