/* bench-critical.c — per-phase timings of one run of the default critical-point study
 *
 * The homework's function task as saddle_study_config_init() sets it (sinc on
 * 1,000 points, 1-31-31-1 ReLU, Adam lr 0.01 batch 20 for 200 epochs, ≤ 1000
 * Adam steps on ‖∇L‖², Newton refinement, full Hessian and all eigenvalues),
 * once per Newton method, with the phases the SaddleCriticalPoint records.
 * Run with OPENBLAS_NUM_THREADS=1 (meson's benchmark sets it) for the
 * one-thread comparison with PyTorch (4.23 s a run without Newton).
 *
 * SADDLE_BENCH_RUNS=N times N runs per method instead of one (the mean is printed).
 */
#define G_LOG_DOMAIN "saddle-bench-critical"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "saddle-study.h"

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static gboolean
bench_method (SaddleNewtonMethod method,
              guint              newton_steps,
              guint              runs,
              SaddleDataset     *dataset)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleStudyResults) results = NULL;
  SaddleStudyConfig config;
  double train = 0.0, descent = 0.0, newton = 0.0, hessian = 0.0, eigen = 0.0;
  double grad_norm = 0.0;
  double start, wall;
  guint n;

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  config.runs = runs;
  config.jobs = 1;
  config.threads = 1;
  config.newton_method = method;
  config.newton_steps = newton_steps;

  start = now ();
  results = saddle_study_run (&config, SADDLE_STUDY_CRITICAL, dataset, NULL, NULL, &error);
  wall = now () - start;
  saddle_study_config_clear (&config);
  if (results == NULL)
    {
      g_printerr ("critical study failed: %s\n", error->message);
      return FALSE;
    }

  n = results->critical->points->len;
  for (guint i = 0; i < n; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (results->critical->points, i);

      train += p->seconds_train;
      descent += p->seconds_descent;
      newton += p->seconds_newton;
      hessian += p->seconds_hessian;
      eigen += p->seconds_eigen;
      grad_norm += p->grad_norm;
    }
  if (n == 0)
    return FALSE;

  printf ("%-7s %2u Newton  %5.3f  %7.3f  %7.3f  %7.3f  %7.3f  %7.3f  %9.3g  %7.3f\n",
          saddle_newton_method_to_string (method), newton_steps,
          train / n, descent / n, newton / n, hessian / n, eigen / n,
          (train + descent + newton + hessian + eigen) / n, grad_norm / n, wall / n);
  return TRUE;
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  SaddleStudyConfig config;
  const char *env = g_getenv ("SADDLE_BENCH_RUNS");
  guint runs = env != NULL ? (guint) CLAMP (g_ascii_strtoull (env, NULL, 10), 1, 100) : 1;
  gboolean ok = TRUE;

  saddle_study_config_init (&config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  dataset = saddle_study_config_load_dataset (&config, &error);
  saddle_study_config_clear (&config);
  if (dataset == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  printf ("One critical run of the default function task (seconds per run, mean of %u; "
          "OPENBLAS_NUM_THREADS=%s)\n", runs,
          g_getenv ("OPENBLAS_NUM_THREADS") ? g_getenv ("OPENBLAS_NUM_THREADS") : "unset");
  printf ("method  steps   train   descent   newton  hessian    eigen    total  "
          "   ‖∇L‖     wall\n");
  ok &= bench_method (SADDLE_NEWTON_AUTO, 0, runs, dataset);
  ok &= bench_method (SADDLE_NEWTON_MINRES, 20, runs, dataset);
  ok &= bench_method (SADDLE_NEWTON_DENSE, 20, runs, dataset);
  printf ("PyTorch (float64, one thread): 4.23 s a run without Newton\n");

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
