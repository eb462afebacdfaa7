/* bench-epoch-grad.c — what the whole-set ‖∇L‖ per epoch costs the default trainings
 *
 * Trains one run of each default gradient-norm study (function: 1-363-1, 1,000 points, batch
 * 20, 200 epochs; image: 784-20-20-10 on the bundled 1,000 images, batch 200, 30 epochs) with
 * SaddleTrainSettings.epoch_grad_norm off and on, alternating, and prints the median time of
 * each and their ratio. Alternating keeps a shared machine's load changes out of the ratio.
 */
#define G_LOG_DOMAIN "saddle-bench-epoch-grad"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "saddle-rng.h"
#include "saddle-study.h"
#include "saddle-trainer.h"

#define REPEATS 7

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
train_seconds (const SaddleStudyConfig *config,
               SaddleModel             *model,
               SaddleDataset           *dataset,
               gboolean                 epoch_grad_norm)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = g_new (double, saddle_model_n_params (model));
  SaddleTrainSettings train;
  SaddleRng rng;
  gint64 start;

  saddle_rng_init (&rng, saddle_study_init_seed (config, 0));
  saddle_model_init_params (model, theta, &rng);
  memset (&train, 0, sizeof train);
  saddle_optimizer_settings_init (&train.optimizer, config->optimizer, config->lr);
  train.batch_size = config->batch;
  train.epochs = config->epochs;
  train.shuffle_seed = saddle_study_shuffle_seed (config, 0);
  train.epoch_grad_norm = epoch_grad_norm;

  start = g_get_monotonic_time ();
  if (!saddle_train (model, theta, dataset, &train, NULL, NULL, &error))
    g_error ("training failed: %s", error->message);
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
bench_task (SaddleTask task)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  double times[2][REPEATS];
  SaddleStudyConfig config;

  saddle_study_config_init (&config, SADDLE_STUDY_GRADNORM, task);
  dataset = saddle_study_config_load_dataset (&config, &error);
  if (dataset == NULL)
    {
      printf ("%-9s skipped: %s\n", saddle_task_to_string (task), error->message);
      saddle_study_config_clear (&config);
      return;
    }
  model = saddle_study_config_new_model (&config, dataset, &error);
  g_assert_no_error (error);

  for (guint r = 0; r < REPEATS; r++)
    for (guint on = 0; on < 2; on++)
      times[on][r] = train_seconds (&config, model, dataset, on);
  qsort (times[0], REPEATS, sizeof (double), compare_double);
  qsort (times[1], REPEATS, sizeof (double), compare_double);
  printf ("%-9s %u epochs: without %.3f s (%.3f–%.3f), with %.3f s (%.3f–%.3f): ×%.3f\n",
          saddle_task_to_string (task), config.epochs,
          times[0][REPEATS / 2], times[0][0], times[0][REPEATS - 1],
          times[1][REPEATS / 2], times[1][0], times[1][REPEATS - 1],
          times[1][REPEATS / 2] / times[0][REPEATS / 2]);
  saddle_study_config_clear (&config);
}

int
main (void)
{
  printf ("One run, median of %d alternating trainings (min–max), one BLAS thread\n", REPEATS);
  bench_task (SADDLE_TASK_FUNCTION);
  bench_task (SADDLE_TASK_IMAGE);
  return 0;
}
