/* test-ground-truth.c — the linear autoencoder's closed form against Saddle's own Hessian
 *
 * Constructed critical points (θ built from chosen subsets, full rank and rank-deficient, in
 * random gauges) must have the closed form's loss, a zero gradient and, in the exact full
 * Hessian, its index and zero count; the points the critical study finds (descent + Newton)
 * on a small instance (8 components, 2 hidden units, 300 images) must match it to 1e-8,
 * full-rank and rank-deficient points alike.
 */
#define G_LOG_DOMAIN "test-ground-truth"

#include "config.h"

#include <math.h>

#include <cblas.h>

#include "saddle-ground-truth.h"
#include "saddle-hessian.h"
#include "saddle-spectrum.h"
#include "saddle-study.h"

#define SMALL_D       8
#define SMALL_K       3
/* Found points: with 3 hidden units Newton lands on rank-2 points only; 2 gives both kinds. */
#define FOUND_K       2
#define SMALL_SAMPLES 300

static SaddleDataset *
small_dataset (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) images = NULL;
  SaddleDataset *dataset;

  images = saddle_dataset_load_idx_dir (saddle_dataset_bundled_dir (), FALSE, SMALL_SAMPLES,
                                        &error);
  g_assert_no_error (error);
  dataset = saddle_ground_truth_dataset_new (images, SMALL_D, &error);
  g_assert_no_error (error);
  return dataset;
}

static SaddleModel *
autoencoder (guint d,
             guint k)
{
  g_autoptr(GError) error = NULL;
  guint widths[] = { d, k, d };
  SaddleModel *model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_IDENTITY, SADDLE_LOSS_MSE,
                                         &error);

  g_assert_no_error (error);
  return model;
}

static void
test_dataset (void)
{
  g_autoptr(SaddleDataset) dataset = small_dataset ();
  g_autoptr(SaddleGroundTruth) truth = NULL;
  g_autoptr(GError) error = NULL;
  double sum = 0.0;

  g_assert_cmpuint (dataset->n_inputs, ==, SMALL_D);
  g_assert_cmpuint (dataset->n_outputs, ==, SMALL_D);
  g_assert_cmpuint (dataset->n_samples, ==, SMALL_SAMPLES);

  truth = saddle_ground_truth_new (dataset, SMALL_K, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (truth->n_params, ==, 2 * SMALL_D * SMALL_K + SMALL_K + SMALL_D);
  /* Centred PCA scores: zero mean, decreasing variances that add up to d; the zero map's
   * loss is 1. */
  for (guint i = 0; i < SMALL_D; i++)
    {
      g_assert_cmpfloat (fabs (truth->mean[i]), <, 1e-12);
      if (i > 0)
        g_assert_cmpfloat (truth->lambda[i], <, truth->lambda[i - 1]);
      sum += truth->lambda[i];
    }
  g_assert_cmpfloat (fabs (sum - SMALL_D), <, 1e-10);
  g_assert_cmpfloat (fabs (saddle_ground_truth_loss (truth, 0) - 1.0), <, 1e-12);

  /* Not an autoencoder's data: the sinc samples (1 → 1, but targets ≠ inputs). */
  {
    g_autoptr(SaddleDataset) sinc = saddle_dataset_new_function (SADDLE_FUNCTION_SINC, 50, &error);
    g_autoptr(SaddleGroundTruth) none = NULL;

    g_assert_no_error (error);
    none = saddle_ground_truth_new (sinc, 1, &error);
    g_assert_null (none);
    g_assert_error (error, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_INVALID);
  }
}

static void
test_formulas (void)
{
  g_autoptr(SaddleDataset) dataset = small_dataset ();
  g_autoptr(SaddleGroundTruth) truth = saddle_ground_truth_new (dataset, SMALL_K, NULL);
  g_autoptr(GArray) levels = saddle_ground_truth_levels (truth, 1000);
  g_autofree char *text = saddle_ground_truth_subset_string (0x15);
  const SaddleGroundTruthLevel *first, *last;

  g_assert_cmpstr (text, ==, "1,3,5");
  /* C(8, 3) = 56 full-rank points, by increasing loss: the minimum {1,2,3} of index 0 first,
   * the top-loss saddle {6,7,8} of index k·(d − k) last. */
  g_assert_cmpuint (levels->len, ==, 56);
  first = &g_array_index (levels, SaddleGroundTruthLevel, 0);
  last = &g_array_index (levels, SaddleGroundTruthLevel, levels->len - 1);
  g_assert_cmpuint (first->subset, ==, 0x7);
  g_assert_cmpuint (first->index, ==, 0);
  g_assert_cmpuint (last->subset, ==, 0xe0);
  g_assert_cmpuint (last->index, ==, SMALL_K * (SMALL_D - SMALL_K));
  for (guint i = 1; i < levels->len; i++)
    g_assert_cmpfloat (g_array_index (levels, SaddleGroundTruthLevel, i).loss, >=,
                       g_array_index (levels, SaddleGroundTruthLevel, i - 1).loss);
  g_assert_cmpuint (first->zero, ==, SMALL_K * SMALL_K + SMALL_K);
  g_assert_null (saddle_ground_truth_levels (truth, 55));

  /* {2}: one pair (2, 1) inverted, plus (k − 1)·(d − 1) for the two unused units. */
  g_assert_cmpuint (saddle_ground_truth_index (truth, 0x2), ==, 1 + 2 * 7);
  g_assert_cmpuint (saddle_ground_truth_zero_count (truth, 0x2), ==, 3 + 1 * 5);
  g_assert_cmpuint (saddle_ground_truth_index (truth, 0), ==, SMALL_K * SMALL_D);
}

/* The full Hessian at a point built from @subset in gauge @seed agrees with the closed form. */
static void
check_constructed (SaddleModel             *model,
                   const SaddleBatch       *batch,
                   const SaddleGroundTruth *truth,
                   guint64                  subset,
                   guint64                  seed)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = g_new (double, truth->n_params);
  g_autofree double *grad = g_new (double, truth->n_params);
  g_autofree double *hessian = NULL;
  g_autoptr(SaddleSpectrum) spectrum = NULL;
  SaddleGroundTruthPoint point;
  double loss, asymmetry;

  saddle_ground_truth_build_point (truth, subset, seed, theta);
  loss = saddle_model_loss_grad (model, theta, batch, grad);
  g_assert_cmpfloat (cblas_dnrm2 ((int) truth->n_params, grad, 1), <, 1e-12);
  hessian = saddle_hessian_dense (model, theta, batch, 0, NULL, NULL, &asymmetry, &error);
  g_assert_no_error (error);
  /* Symmetry zeros are rounding (~1e-15·max|λ|); the smallest true eigenvalues here ~1e-4. */
  spectrum = saddle_spectrum_compute (hessian, truth->n_params, 1e-10, &error);
  g_assert_no_error (error);

  saddle_ground_truth_identify (truth, theta, loss, spectrum, &point);
  if (g_test_verbose ())
    {
      g_autofree char *text = saddle_ground_truth_subset_string (subset);

      g_test_message ("I = {%s} seed %" G_GUINT64_FORMAT ": loss %.15g (analytic %.15g), "
                      "negative %d (analytic %d), zero %d (analytic %d)", text, seed, loss,
                      point.analytic_loss, point.negative, point.analytic_index, point.zero,
                      point.analytic_zero);
    }
  g_assert_cmpuint (point.subset, ==, subset);
  g_assert_cmpuint (point.rank, ==, (guint) __builtin_popcountll (subset));
  g_assert_cmpfloat (point.projection_error, <, 1e-10);
  g_assert_cmpfloat (point.loss_deviation, <, 1e-12);
  g_assert_cmpint (point.negative, ==, point.analytic_index);
  g_assert_cmpint (point.zero, ==, point.analytic_zero);
  g_assert_cmpint (point.negative + point.zero, <, (gint) truth->n_params);
  g_assert_true (point.match);
}

static void
test_constructed (void)
{
  /* Full rank, the minimum and the top saddle among them; then rank 2, 1 and 0. */
  static const guint64 subsets[] = { 0x07, 0xe0, 0x15, 0x4a, 0x83, 0x06, 0x90, 0x10, 0x00 };
  g_autoptr(SaddleDataset) dataset = small_dataset ();
  g_autoptr(SaddleGroundTruth) truth = saddle_ground_truth_new (dataset, SMALL_K, NULL);
  g_autoptr(SaddleModel) model = autoencoder (SMALL_D, SMALL_K);
  SaddleBatch batch = { 0 };

  saddle_batch_init_full (&batch, dataset);
  for (guint i = 0; i < G_N_ELEMENTS (subsets); i++)
    for (guint64 seed = 0; seed < 3; seed++)
      check_constructed (model, &batch, truth, subsets[i], seed);
  saddle_batch_clear (&batch);
}

static void
test_found (void)
{
  g_autoptr(SaddleDataset) dataset = small_dataset ();
  g_autoptr(SaddleGroundTruth) truth = saddle_ground_truth_new (dataset, FOUND_K, NULL);
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig config;
  guint matched = 0;
  guint full_rank = 0;

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_AUTOENCODER);
  g_assert_cmpint (config.activation, ==, SADDLE_ACTIVATION_IDENTITY);
  g_assert_cmpint (config.newton_method, ==, SADDLE_NEWTON_DENSE);
  config.hidden[0] = FOUND_K;
  config.samples = SMALL_SAMPLES;
  config.runs = 6;
  config.jobs = 1;
  /* The homework's method in full: a ‖∇L‖² descent, then Newton. */
  config.descent_steps = 200;

  results = saddle_study_run (&config, SADDLE_STUDY_CRITICAL, dataset, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->critical->points->len, ==, config.runs);
  for (guint i = 0; i < results->critical->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (results->critical->points, i);
      SaddleGroundTruthPoint gt;
      g_autofree char *text = NULL;

      saddle_ground_truth_compare (truth, p, &gt);
      text = saddle_ground_truth_subset_string (gt.subset);
      g_test_message ("run %u: I = {%s} rank %u, ‖∇L‖ %.2g, loss %.15g (analytic %.15g), "
                      "negative %d (analytic %d), zero %d (analytic %d)", p->run + 1, text,
                      gt.rank, p->grad_norm, gt.loss, gt.analytic_loss, gt.negative,
                      gt.analytic_index, gt.zero, gt.analytic_zero);
      g_assert_cmpfloat (p->grad_norm, <=, SADDLE_CRITICAL_REACHED_GRAD_NORM);
      g_assert_cmpfloat (gt.loss_deviation, <=, 1e-8);
      g_assert_cmpint (gt.negative, ==, gt.analytic_index);
      g_assert_cmpint (gt.zero, ==, gt.analytic_zero);
      matched += gt.match;
      full_rank += gt.rank == FOUND_K;
    }
  g_assert_cmpuint (matched, ==, config.runs);
  g_assert_cmpuint (full_rank, >, 0);
  g_assert_cmpuint (full_rank, <, config.runs);
  saddle_study_config_clear (&config);
}

static void
test_task (void)
{
  SaddleTask task;
  SaddleStudyConfig config;

  g_assert_true (saddle_task_from_string ("autoencoder", &task));
  g_assert_cmpint (task, ==, SADDLE_TASK_AUTOENCODER);
  g_assert_cmpstr (saddle_task_to_string (SADDLE_TASK_AUTOENCODER), ==, "autoencoder");
  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_AUTOENCODER);
  g_assert_true (saddle_study_config_validate (&config, NULL));
  g_assert_cmpuint (config.n_hidden, ==, 1);
  g_assert_cmpuint (config.runs, ==, 20);
  saddle_study_config_clear (&config);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/ground-truth/task", test_task);
  g_test_add_func ("/core/ground-truth/dataset", test_dataset);
  g_test_add_func ("/core/ground-truth/formulas", test_formulas);
  g_test_add_func ("/core/ground-truth/constructed", test_constructed);
  g_test_add_func ("/core/ground-truth/found", test_found);

  return g_test_run ();
}
