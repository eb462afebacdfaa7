/* saddle-cli-bench.c — times the engine's heavy parts on the design's reference problems */
#define G_LOG_DOMAIN "saddle-cli-bench"

#include "config.h"

#include "saddle-summary.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include <cblas.h>
#include <glib/gstdio.h>

#include "saddle-cli-bench-private.h"
#include "saddle-cli-commands.h"
#include "saddle-cli-output.h"
#include "saddle-cli-signals.h"
#include "saddle-flops.h"
#include "saddle-hessian.h"
#include "saddle-hessian-structured.h"
#include "saddle-newton.h"
#include "saddle-spectrum.h"
#include "saddle-trainer.h"

/* Directions per HVP block in the HVP benchmark. */
#define HVP_BLOCK 64
/* Repeat a quick measurement for at least this long (s) so the rate is stable. */
#define MIN_MEASURE_S 1.0
/* A Hessian of at most BUILD_REPEAT_PARAMS parameters is built this many times and timed best
 * of them: the first call pays for cold caches and fresh pages (1-31-31-1's structured build:
 * 39–68 ms first, 34–40 ms after, in 6 processes). bench-torch times PyTorch's the same way. */
#define BUILD_REPEATS       3
#define BUILD_REPEAT_PARAMS 4096
/* The DGEMM that sets the ceiling: square, large enough for OpenBLAS's peak on these
 * machines (the design notes' n = 2,000), small enough to take a fraction of a second. */
#define DGEMM_ORDER       2000
#define DGEMM_ORDER_QUICK 256


double
saddle_cli_bench_now (void)
{
  return g_get_monotonic_time () / (double) G_TIME_SPAN_SECOND;
}

/* CPU seconds of this process, all threads: on a machine shared with other jobs the wall clock
 * also measures them, the CPU time much less. */
static double
cpu_s (void)
{
  struct timespec t;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* The best FLOP/s of an n × n DGEMM on the threads OpenBLAS has now, over calls repeated for
 * at least @min_seconds (and 3 calls): the best call, as the ceiling a phase can reach; in
 * *@per_cpu_second the best FLOPs per CPU second (all threads), the ceiling of CPU-time rates. */
static double
measure_dgemm (gsize   n,
               double  min_seconds,
               double *per_cpu_second)
{
  g_autofree double *a = g_new (double, n * n);
  g_autofree double *b = g_new (double, n * n);
  g_autofree double *c = g_new0 (double, n * n);
  double best = 0.0, start = saddle_cli_bench_now ();
  guint calls = 0;

  *per_cpu_second = 0.0;
  for (gsize i = 0; i < n * n; i++)
    {
      a[i] = 1.0 / (1.0 + (double) (i % 97));
      b[i] = 1.0 / (1.0 + (double) (i % 89));
    }
  do
    {
      double t = saddle_cli_bench_now (), cpu = cpu_s ();

      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0,
                   c, n);
      best = MAX (best, saddle_flops_dgemm (n, n, n) / (saddle_cli_bench_now () - t));
      *per_cpu_second = MAX (*per_cpu_second, saddle_flops_dgemm (n, n, n) / (cpu_s () - cpu));
      calls++;
    }
  while (calls < 3 || saddle_cli_bench_now () - start < min_seconds);
  return best;
}

/* Prints and records one phase: its seconds (and CPU seconds, NAN if not measured), an optional
 * rate in its own unit, and with @flops (NAN: not counted) the FLOPs counted by saddle-flops.c,
 * the achieved FLOP/s and their share of the DGEMM rate. */
void
saddle_cli_bench_record (Bench      *bench,
        const char *name,
        const char *size,
        double      seconds,
        double      cpu_seconds,
        double      rate,
        const char *rate_unit,
        double      flops)
{
  g_autofree char *rate_text = NULL;
  g_autofree char *flops_text = NULL;
  g_autofree char *cpu_text = NULL;
  g_autofree char *cpu_share_text = NULL;
  double achieved = flops / seconds;
  double share = achieved / bench->dgemm_rate;
  double cpu_share = flops / cpu_seconds / bench->dgemm_cpu_rate;

  if (isfinite (rate))
    rate_text = g_strdup_printf (", %.4g %s", rate, rate_unit);
  if (isfinite (cpu_seconds))
    cpu_text = g_strdup_printf (" (CPU %.3f s)", cpu_seconds);
  cpu_share_text = isfinite (cpu_share) ? g_strdup_printf (" (%.0f %% in CPU time)",
                                                           100.0 * cpu_share)
                                         : g_strdup ("");
  if (isfinite (flops))
    flops_text = g_strdup_printf ("; %.3g GFLOP at %.3g GFLOP/s, %.0f %% of DGEMM%s",
                                  flops / 1e9, achieved / 1e9, 100.0 * share, cpu_share_text);
  printf ("%-24s %s: %.3f s%s%s%s\n", name, size, seconds, cpu_text != NULL ? cpu_text : "",
          rate_text != NULL ? rate_text : "", flops_text != NULL ? flops_text : "");
  fflush (stdout);

  json_builder_begin_object (bench->builder);
  json_builder_set_member_name (bench->builder, "name");
  json_builder_add_string_value (bench->builder, name);
  json_builder_set_member_name (bench->builder, "size");
  json_builder_add_string_value (bench->builder, size);
  saddle_summary_add_double (bench->builder, "seconds", seconds);
  saddle_summary_add_double (bench->builder, "cpu_seconds", cpu_seconds);
  saddle_summary_add_double (bench->builder, "rate", rate);
  json_builder_set_member_name (bench->builder, "rate_unit");
  json_builder_add_string_value (bench->builder, rate_unit != NULL ? rate_unit : "");
  saddle_summary_add_double (bench->builder, "flops", flops);
  saddle_summary_add_double (bench->builder, "gflops_per_second", achieved / 1e9);
  saddle_summary_add_double (bench->builder, "dgemm_share", share);
  saddle_summary_add_double (bench->builder, "dgemm_cpu_share", cpu_share);
  json_builder_end_object (bench->builder);
}

void
saddle_cli_bench_skipped (Bench        *bench,
         const char   *name,
         const GError *error)
{
  printf ("%-24s skipped: %s\n", name, error->message);
  fflush (stdout);
  bench->failed++;

  json_builder_begin_object (bench->builder);
  json_builder_set_member_name (bench->builder, "name");
  json_builder_add_string_value (bench->builder, name);
  json_builder_set_member_name (bench->builder, "error");
  json_builder_add_string_value (bench->builder, error->message);
  json_builder_end_object (bench->builder);
}

/* No progress to show, but a stop (Ctrl-C, SIGTERM) ends the phase under way. */
static gboolean
quiet_event_cb (const SaddleEvent *event,
                gpointer           user_data)
{
  return !saddle_cli_signals_stop_requested ();
}

static SaddleModel *
new_model (const SaddleStudyConfig *config,
           const SaddleDataset     *dataset,
           double                 **theta,
           char                   **size,
           GError                 **error)
{
  g_autoptr(SaddleModel) model = saddle_study_config_new_model (config, dataset, error);
  g_autofree guint *widths = NULL;
  g_autofree char *shape = NULL;
  g_autofree char *count = NULL;
  SaddleRng rng;
  guint n = 0;

  if (model == NULL)
    return NULL;
  widths = saddle_study_config_widths (config, dataset, &n);
  shape = saddle_cli_format_widths (widths, n);
  count = saddle_format_count (saddle_model_n_params (model));
  *size = g_strdup_printf ("%s %s (%s params)", shape,
                           saddle_activation_to_string (config->activation), count);
  *theta = g_new (double, saddle_model_n_params (model));
  saddle_rng_init (&rng, config->seed);
  saddle_model_init_params (model, *theta, &rng);
  return g_steal_pointer (&model);
}

/* The image study's runs, one after another: "training" as PyTorch's script trains (the
 * whole set's loss after every epoch), or with @epoch_grad_norm "training-grad-norm", the
 * gradnorm and trajectories studies' training (the whole set's ‖∇L‖ after every epoch). */
static void
bench_training (Bench                   *bench,
                const SaddleStudyConfig *config,
                const SaddleDataset     *dataset,
                gboolean                 epoch_grad_norm)
{
  const char *name = epoch_grad_norm ? "training-grad-norm" : "training";
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree char *model_size = NULL;
  g_autofree char *size = NULL;
  g_autofree char *samples = NULL;
  guint64 steps = 0;
  gsize shared;
  double start, cpu, seconds;

  if ((model = new_model (config, dataset, &theta, &model_size, &error)) == NULL)
    {
      saddle_cli_bench_skipped (bench, name, error);
      return;
    }

  start = saddle_cli_bench_now ();
  cpu = cpu_s ();
  for (guint run = 0; run < config->runs; run++)
    {
      SaddleTrainSettings settings = { 0 };
      SaddleRng rng;

      saddle_rng_init (&rng, saddle_study_init_seed (config, run));
      saddle_model_init_params (model, theta, &rng);
      settings.run = run;
      saddle_optimizer_settings_init (&settings.optimizer, config->optimizer, config->lr);
      settings.batch_size = config->batch;
      settings.epochs = config->epochs;
      settings.shuffle_seed = saddle_study_shuffle_seed (config, run);
      settings.epoch_grad_norm = epoch_grad_norm;
      if (!saddle_train (model, theta, dataset, &settings, quiet_event_cb, NULL, &error))
        {
          saddle_cli_bench_skipped (bench, name, error);
          return;
        }
      steps += (guint64) config->epochs
             * ((dataset->n_samples + MIN (config->batch, dataset->n_samples) - 1)
                / MIN (config->batch, dataset->n_samples));
    }
  seconds = saddle_cli_bench_now () - start;
  cpu = cpu_s () - cpu;

  samples = saddle_format_count (dataset->n_samples);
  size = g_strdup_printf ("%u runs × %" G_GUINT64_FORMAT " Adam steps of batch %u, %s, "
                          "%s images%s", config->runs, steps / config->runs, config->batch,
                          model_size, samples,
                          epoch_grad_norm ? ", the whole set's ‖∇L‖ after every epoch" : "");
  shared = saddle_train_shared_samples (model, dataset->n_samples, config->batch,
                                        epoch_grad_norm);
  saddle_cli_bench_record (bench, name, size, seconds, cpu, steps / seconds, "steps/s",
          config->runs * saddle_flops_training (model, dataset->n_samples, shared,
                                                config->epochs, epoch_grad_norm, NULL));
}

static void
bench_hvp (Bench                   *bench,
           const SaddleStudyConfig *config,
           const SaddleDataset     *dataset)
{
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *v = NULL;
  g_autofree double *hv = NULL;
  g_autofree char *model_size = NULL;
  g_autofree char *size = NULL;
  g_autofree char *samples = NULL;
  SaddleBatch batch = { 0 };
  SaddleRng rng;
  gsize n;
  guint blocks = 0;
  double start, cpu, seconds;

  if ((model = new_model (config, dataset, &theta, &model_size, &error)) == NULL)
    {
      saddle_cli_bench_skipped (bench, "hvp", error);
      return;
    }
  n = saddle_model_n_params (model);
  v = g_new (double, bench->hvp_block * n);
  hv = g_new (double, bench->hvp_block * n);
  saddle_rng_init (&rng, config->seed + 1);
  for (gsize i = 0; i < bench->hvp_block * n; i++)
    v[i] = saddle_rng_normal (&rng);

  saddle_batch_init_full (&batch, dataset);
  start = saddle_cli_bench_now ();
  cpu = cpu_s ();
  do
    {
      saddle_model_hvp (model, theta, &batch, v, bench->hvp_block, hv, NULL);
      blocks++;
    }
  while (blocks < 3 || saddle_cli_bench_now () - start < bench->min_measure);
  seconds = saddle_cli_bench_now () - start;
  cpu = cpu_s () - cpu;
  saddle_batch_clear (&batch);

  samples = saddle_format_count (dataset->n_samples);
  size = g_strdup_printf ("%u blocks of %" G_GSIZE_FORMAT " directions, %s, %s images",
                          blocks, bench->hvp_block, model_size, samples);
  saddle_cli_bench_record (bench, "hvp", size, seconds, cpu, blocks / seconds, "blocks/s",
          blocks * saddle_flops_hvp (model, dataset->n_samples, bench->hvp_block));
}

/* saddle_hessian_dense_build() by @build, best of BUILD_REPEATS up to BUILD_REPEAT_PARAMS
 * parameters: its wall and CPU seconds and the builds timed; the last build's matrix. */
static double *
timed_build (SaddleModel        *model,
             const double       *theta,
             const SaddleBatch  *batch,
             SaddleHessianBuild  build,
             double             *seconds,
             double             *cpu,
             double             *asymmetry,
             guint              *builds,
             GError            **error)
{
  g_autofree double *h = NULL;
  guint repeats = saddle_model_n_params (model) <= BUILD_REPEAT_PARAMS ? BUILD_REPEATS : 1;

  *seconds = INFINITY;
  for (*builds = 0; *builds < repeats; ++*builds)
    {
      double start = saddle_cli_bench_now (), cpu_start = cpu_s (), took, took_cpu;

      g_clear_pointer (&h, g_free);
      h = saddle_hessian_dense_build (model, theta, batch, build, 0, NULL, NULL, asymmetry,
                                      error);
      if (h == NULL)
        return NULL;
      took = saddle_cli_bench_now () - start;
      took_cpu = cpu_s () - cpu_start;
      if (took < *seconds)
        {
          *seconds = took;
          *cpu = took_cpu;
        }
    }
  return g_steal_pointer (&h);
}

/* Full Hessian build, then its eigenvalues, timed apart. */
static void
bench_hessian (Bench                   *bench,
               const char              *name,
               const SaddleStudyConfig *config,
               const SaddleDataset     *dataset)
{
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleSpectrum) spectrum = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *hessian = NULL;
  g_autofree char *model_size = NULL;
  g_autofree char *size = NULL;
  g_autofree char *eigen_name = NULL;
  g_autofree char *samples = NULL;
  g_autofree char *count = NULL;
  SaddleBatch batch = { 0 };
  double asymmetry = NAN;
  double start, cpu, seconds;
  guint builds = 0;
  gsize n;

  if ((model = new_model (config, dataset, &theta, &model_size, &error)) == NULL)
    {
      saddle_cli_bench_skipped (bench, name, error);
      return;
    }
  n = saddle_model_n_params (model);
  if (!saddle_hessian_check_memory (n, 0, &error))
    {
      saddle_cli_bench_skipped (bench, name, error);
      return;
    }

  saddle_batch_init_full (&batch, dataset);
  samples = saddle_format_count (dataset->n_samples);
  /* Both builds' work is counted (saddle_flops_hessian_dense, saddle_flops_hessian_structured):
   * the structured build, when the study would use it, does less work for the same matrix. */
  hessian = timed_build (model, theta, &batch, SADDLE_HESSIAN_BUILD_HVP, &seconds, &cpu,
                         &asymmetry, &builds, &error);
  if (hessian == NULL)
    {
      saddle_batch_clear (&batch);
      saddle_cli_bench_skipped (bench, name, error);
      return;
    }
  count = saddle_format_count (n);
  size = g_strdup_printf ("full Hessian of %s on %s samples by %s HVPs (asymmetry %.1e; best "
                          "of %u)", model_size, samples, count, asymmetry, builds);
  saddle_cli_bench_record (bench, name, size, seconds, cpu, NAN, NULL,
          saddle_flops_hessian_dense (model, dataset->n_samples, 0));
  if (saddle_hessian_choose_build (model, dataset->n_samples) == SADDLE_HESSIAN_BUILD_STRUCTURED)
    {
      g_autofree char *structured_name = g_strdup_printf ("%s-structured", name);
      g_autofree char *structured_size = NULL;
      g_autofree double *structured = NULL;
      double hvp_seconds = seconds;

      structured = timed_build (model, theta, &batch, SADDLE_HESSIAN_BUILD_STRUCTURED,
                                &seconds, &cpu, NULL, &builds, &error);
      if (structured == NULL)
        saddle_cli_bench_skipped (bench, structured_name, error);
      else
        {
          gsize live = saddle_hessian_structured_live (model);
          g_autofree char *live_count = saddle_format_count (live);

          structured_size = g_strdup_printf ("the same Hessian by Gauss–Newton and second-order "
                                             "blocks (what the studies use here; the Gauss–Newton "
                                             "product of the %s parameters whose gradients are "
                                             "not all zero): %.2f× the HVP build's speed (best "
                                             "of %u)", live_count, hvp_seconds / seconds, builds);
          saddle_cli_bench_record (bench, structured_name, structured_size, seconds, cpu, NAN, NULL,
                                   saddle_flops_hessian_structured_live (model, dataset->n_samples,
                                                                         live));
        }
      g_clear_error (&error);
    }
  saddle_batch_clear (&batch);

  eigen_name = g_strdup_printf ("%s-eigen", name);
  g_clear_pointer (&size, g_free);
  start = saddle_cli_bench_now ();
  cpu = cpu_s ();
  spectrum = saddle_spectrum_compute (hessian, n, config->zero_tolerance, &error);
  seconds = saddle_cli_bench_now () - start;
  cpu = cpu_s () - cpu;
  if (spectrum == NULL)
    {
      saddle_cli_bench_skipped (bench, eigen_name, error);
      return;
    }
  size = g_strdup_printf ("all %s eigenvalues (%" G_GSIZE_FORMAT "+ %" G_GSIZE_FORMAT "− %"
                          G_GSIZE_FORMAT " zero; %" G_GSIZE_FORMAT " exactly zero rows set aside)",
                          count, spectrum->positive, spectrum->negative, spectrum->zero,
                          spectrum->deflated);
  /* The work done: the solve of the rows that are not exactly zero. */
  saddle_cli_bench_record (bench, eigen_name, size, seconds, cpu, NAN, NULL,
                           saddle_flops_eigenvalues (n - spectrum->deflated));
}

/* One phase of a critical run, timed by the study itself (SaddleCriticalPoint.seconds_*). */
static void
record_phase (Bench      *bench,
              const char *run_name,
              const char *phase,
              const char *size,
              double      seconds,
              double      flops)
{
  g_autofree char *name = g_strdup_printf ("%s/%s", run_name, phase);

  saddle_cli_bench_record (bench, name, size, seconds, NAN, NAN, NULL, flops);
}

/* The work of the full Hessian's build as the studies choose it for @samples. */
static double
hessian_build_flops (const SaddleModel *model,
                     gsize              samples,
                     gsize              live)
{
  if (saddle_hessian_choose_build (model, samples) == SADDLE_HESSIAN_BUILD_STRUCTURED)
    return saddle_flops_hessian_structured_live (model, samples, live);
  return saddle_flops_hessian_dense (model, samples, 0);
}

/* The FLOPs of one critical run's phases, per unit of work, for bench-torch to scale by each
 * side's own descent steps: bench.json's "critical_flops". */
static void
add_critical_flops (Bench             *bench,
                    const SaddleModel *model,
                    gsize              samples,
                    guint              epochs)
{
  gsize n = saddle_model_n_params (model);

  json_builder_set_member_name (bench->builder, "critical_flops");
  json_builder_begin_object (bench->builder);
  saddle_summary_add_double (bench->builder, "training_run",
                             bench->training_run > 0.0
                             ? bench->training_run
                             : saddle_flops_training (model, samples, 0, epochs, FALSE, NULL));
  /* As the bench's critical run took its steps (by linear region where it could). */
  saddle_summary_add_double (bench->builder, "descent_step",
                             bench->descent_step > 0.0 ? bench->descent_step
                                                       : saddle_flops_descent_step (model, samples));
  /* Of the parameters the critical run's build took (dead units' set aside), as for the
   * eigensolve. */
  saddle_summary_add_double (bench->builder, "hessian",
                             hessian_build_flops (model, samples, bench->hessian_live));
  json_builder_set_member_name (bench->builder, "hessian_build");
  json_builder_add_string_value (bench->builder,
                                 saddle_hessian_choose_build (model, samples)
                                 == SADDLE_HESSIAN_BUILD_STRUCTURED ? "structured" : "hvp");
  /* Of the rows the critical run's eigensolve took, as for the descent. */
  if (bench->eigen_solved > 0)
    n = bench->eigen_solved;
  saddle_summary_add_double (bench->builder, "eigenvalues", saddle_flops_eigenvalues (n));
  saddle_summary_add_double (bench->builder, "eigenvectors", saddle_flops_eigenvectors (n));
  json_builder_end_object (bench->builder);
}

/* A critical run, then its phases as the study timed them, with the FLOPs each did:
 *   training     saddle_train() without the per-epoch ‖∇L‖ (the critical study draws no chart);
 *   descent      steps + 1 calls of ∇L with H·∇L (the loop's last call ends it), then the
 *                study's own ∇L at the point reached, each counted as it ran (by sample or by
 *                linear region: the model's tally);
 *   newton       not counted: its work depends on the method and the trial steps taken;
 *   hessian      the dense build, and H·g by one dgemv (2·n²);
 *   eigen        with the eigenvectors up to SADDLE_NEWTON_DENSE_MAX parameters, as the study,
 *                of the rows not exactly zero (the others are set aside before the solve);
 *   still        the still-descending test: its L-BFGS and Adam evaluations of ∇L;
 *   analysis     the rest (dead units, exact reach, Clarke): time only. */
static void
bench_critical (Bench                   *bench,
                const char              *name,
                const SaddleStudyConfig *config,
                const SaddleDataset     *dataset)
{
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *size = NULL;
  g_autofree guint *widths = NULL;
  g_autofree char *shape = NULL;
  g_autofree char *count = NULL;
  const SaddleCriticalPoint *point;
  guint n_widths = 0;
  double start, cpu, seconds;

  start = saddle_cli_bench_now ();
  cpu = cpu_s ();
  results = saddle_study_run (config, SADDLE_STUDY_CRITICAL, (SaddleDataset *) dataset,
                              quiet_event_cb, NULL, &error);
  seconds = saddle_cli_bench_now () - start;
  cpu = cpu_s () - cpu;
  if (results == NULL)
    {
      saddle_cli_bench_skipped (bench, name, error);
      return;
    }
  if (results->critical->points->len == 0)
    {
      const char *why = results->failures->len > 0
                      ? (const char *) g_ptr_array_index (results->failures, 0)
                      : "no point was analysed";
      g_autoptr(GError) none = g_error_new (SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED, "%s", why);
      saddle_cli_bench_skipped (bench, name, none);
      return;
    }
  point = g_ptr_array_index (results->critical->points, 0);
  if ((model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    {
      saddle_cli_bench_skipped (bench, name, error);
      return;
    }
  widths = saddle_study_config_widths (config, dataset, &n_widths);
  shape = saddle_cli_format_widths (widths, n_widths);
  count = saddle_format_count (results->n_params);
  size = g_strdup_printf ("1 run, %s %s (%s params): %u epochs, %u of ≤ %u ‖∇L‖² steps, "
                          "%u Newton steps on ≤ %u Hessians (‖∇L‖ %.2g → %.2g), full Hessian + "
                          "eigenvalues",
                          shape, saddle_activation_to_string (config->activation), count,
                          config->epochs, point->steps, config->descent_steps,
                          point->newton_steps, config->newton_steps,
                          point->grad_norm_start, point->grad_norm);
  saddle_cli_bench_record (bench, name, size, seconds, cpu, NAN, NULL, NAN);

  {
    gsize samples = dataset->n_samples;
    gsize n = results->n_params;
    /* The steps alone: the tally also holds the study's ∇L at the point reached, whose forward
     * pass by region counts as much as a step's (all passed near the same point). */
    const SaddleRegionTally *all = &point->descent_tally;
    SaddleRegionTally steps_only = { .by_sample = all->by_sample,
                                     .by_region = all->by_region,
                                     .regions = all->regions,
                                     .forward_flops = all->by_region == 0 ? 0.0
                                                      : all->forward_flops * all->by_region
                                                        / (all->by_region + all->grads_by_region) };
    double steps_work = saddle_flops_tally (model, samples, &steps_only);
    double training = saddle_flops_training (model, samples, 0, config->epochs, FALSE,
                                             &point->train_tally);
    double descent = config->descent_steps > 0
                     ? saddle_flops_tally (model, samples, &point->descent_tally)
                     : 0.0;
    /* The solve is of the rows left once the exactly zero ones are set aside. */
    gsize solved = n - (point->spectrum != NULL ? point->spectrum->deflated : 0);
    double eigen = n <= SADDLE_NEWTON_DENSE_MAX ? saddle_flops_eigenvectors (solved)
                                                : saddle_flops_eigenvalues (solved);
    double rest = seconds - point->seconds_train - point->seconds_descent
                  - point->seconds_newton - point->seconds_hessian - point->seconds_eigen
                  - point->seconds_still;
    g_autofree char *train_size = g_strdup_printf ("%u epochs", config->epochs);
    const SaddleRegionTally *tally = &point->descent_tally;
    g_autofree char *descent_size
      = tally->by_region > 0
        ? g_strdup_printf ("%u steps, %.1f linear regions a step in %" G_GUINT64_FORMAT
                           " of %" G_GUINT64_FORMAT, point->steps,
                           (double) tally->regions / (double) tally->by_region,
                           tally->by_region, tally->by_region + tally->by_sample)
        : g_strdup_printf ("%u steps", point->steps);
    g_autofree char *newton_size = g_strdup_printf ("%u steps", point->newton_steps);
    g_autofree char *eigen_size = g_strdup_printf ("%s, %s of the %" G_GSIZE_FORMAT " rows not "
                                                   "exactly zero", count,
                                                   n <= SADDLE_NEWTON_DENSE_MAX
                                                   ? "values and vectors" : "values", solved);

    record_phase (bench, name, "training", train_size, point->seconds_train, training);
    record_phase (bench, name, "descent", descent_size, point->seconds_descent, descent);
    if (config->newton_steps == 0 && point->steps > 0)
      bench->descent_step = steps_work / (point->steps + 1.0);
    if (config->newton_steps == 0)
      bench->training_run = training;
    if (config->newton_steps == 0)
      {
        bench->eigen_solved = solved;
        bench->hessian_live = point->hessian_live;
      }
    if (point->newton_steps > 0)
      record_phase (bench, name, "newton", newton_size, point->seconds_newton, NAN);
    /* The build the study chose, and H·g by one dgemv. */
    record_phase (bench, name, "hessian", count, point->seconds_hessian,
                  hessian_build_flops (model, samples, point->hessian_live) + 2.0 * n * n);
    record_phase (bench, name, "eigen", eigen_size, point->seconds_eigen, eigen);
    if (point->still_steps > 0)
      {
        g_autofree char *still_size = g_strdup_printf ("%u evaluations of ∇L",
                                                       point->still_evaluations);

        record_phase (bench, name, "still", still_size, point->seconds_still,
                      saddle_flops_tally (model, samples, &point->still_tally));
      }
    record_phase (bench, name, "analysis", "the rest, not counted", rest, NAN);
  }
}

int
saddle_cli_run_bench (SaddleCliOptions *options)
{
  SaddleStudyConfig image;
  SaddleStudyConfig function;
  g_autoptr(SaddleDataset) images = NULL;
  g_autoptr(SaddleDataset) points = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json_path = NULL;
  guint newton_steps;
  Bench bench = {
    .builder = builder,
    .quick = options->quick,
    .min_measure = options->quick ? 0.0 : MIN_MEASURE_S,
    .hvp_block = options->quick ? 8 : HVP_BLOCK,
    .dgemm_rate = NAN,
    .dgemm_cpu_rate = NAN,
  };
  gsize dgemm_order = options->quick ? DGEMM_ORDER_QUICK : DGEMM_ORDER;
  double dgemm_one = NAN, dgemm_cpu_one = NAN;
  double start = saddle_cli_bench_now ();
  double load_start = saddle_cli_bench_load_average ();
  int threads;

  if (options->config.threads > 0)
    openblas_set_num_threads ((int) options->config.threads);
  if (!saddle_cli_ensure_dir (options->out_dir, &error))
    return saddle_cli_report_error (error);

  /* The design's reference problems: the homework's image and function models. */
  saddle_study_config_init (&image, SADDLE_STUDY_GRADNORM, SADDLE_TASK_IMAGE);
  image.data_path = g_strdup (options->config.data_path);
  image.seed = options->config.seed;
  image.threads = options->config.threads;
  saddle_study_config_init (&function, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
  function.seed = options->config.seed;
  function.threads = options->config.threads;
  function.runs = 1;
  newton_steps = function.newton_steps;
  if (options->quick)
    {
      /* Every code path, at sizes that take a moment: for tests of the bench itself. */
      image.runs = 2;
      image.epochs = 2;
      function.samples = 200;
      function.epochs = 10;
      function.descent_steps = 20;
    }

  threads = openblas_get_num_threads ();
  /* Which kernels: OPENBLAS_CORETYPE may pin them (the machines measured on pin Haswell's AVX2
   * ones, where OpenBLAS itself would choose AVX-512). */
  printf ("saddle-cli bench: OpenBLAS (%s kernels) with %d thread%s, load average %.2f%s\n",
          openblas_get_corename (), threads, threads == 1 ? "" : "s", load_start,
          options->quick ? " (--quick: tiny sizes, not comparable with full runs)" : "");
  fflush (stdout);

  /* The ceiling every phase's FLOP rate is compared with: DGEMM on one thread, and on the
   * threads the phases use. */
  if (!options->mpi)
    {
      g_autofree char *order = saddle_format_count (dgemm_order);

      openblas_set_num_threads (1);
      dgemm_one = measure_dgemm (dgemm_order, bench.min_measure, &dgemm_cpu_one);
      openblas_set_num_threads (threads);
      bench.dgemm_rate = dgemm_one;
      bench.dgemm_cpu_rate = dgemm_cpu_one;
      if (threads > 1)
        bench.dgemm_rate = measure_dgemm (dgemm_order, bench.min_measure, &bench.dgemm_cpu_rate);
      printf ("%-24s %s × %s: %.3g GFLOP/s on 1 thread, %.3g GFLOP/s on %d (the ceiling below); "
              "per CPU second %.3g and %.3g\n", "dgemm", order, order, dgemm_one / 1e9,
              bench.dgemm_rate / 1e9, threads, dgemm_cpu_one / 1e9, bench.dgemm_cpu_rate / 1e9);
      fflush (stdout);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, openblas_get_num_threads ());
  json_builder_set_member_name (builder, "blas_kernels");
  json_builder_add_string_value (builder, openblas_get_corename ());
  json_builder_set_member_name (builder, "quick");
  json_builder_add_boolean_value (builder, options->quick);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) options->config.seed);
  saddle_summary_add_double (builder, "load_start", load_start);
  json_builder_set_member_name (builder, "dgemm");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "order");
  json_builder_add_int_value (builder, (gint64) dgemm_order);
  saddle_summary_add_double (builder, "gflops_1_thread", dgemm_one / 1e9);
  saddle_summary_add_double (builder, "gflops", bench.dgemm_rate / 1e9);
  saddle_summary_add_double (builder, "gflops_per_cpu_second_1_thread", dgemm_cpu_one / 1e9);
  saddle_summary_add_double (builder, "gflops_per_cpu_second", bench.dgemm_cpu_rate / 1e9);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "results");
  json_builder_begin_array (builder);

  /* --mpi times the critical study on 1 and 2 ranks, and nothing else (minutes). */
  if (options->mpi && options->hessian_mpi)
    saddle_cli_bench_mpi_hessian (&bench, options);
  else if (options->mpi)
    saddle_cli_bench_mpi (&bench, options);
  else if ((images = saddle_study_config_load_dataset (&image, &error)) == NULL)
    {
      saddle_cli_bench_skipped (&bench, "training", error);
      saddle_cli_bench_skipped (&bench, "training-grad-norm", error);
      saddle_cli_bench_skipped (&bench, "hvp", error);
      g_clear_error (&error);
    }
  else if (!saddle_cli_signals_stop_requested ())
    {
      bench_training (&bench, &image, images, FALSE);
      bench_training (&bench, &image, images, TRUE);
      bench_hvp (&bench, &image, images);
    }

  if (!options->mpi && (points = saddle_study_config_load_dataset (&function, &error)) == NULL)
    {
      saddle_cli_bench_skipped (&bench, "hessian", error);
      g_clear_error (&error);
    }
  else if (points != NULL && !saddle_cli_signals_stop_requested ())
    {
      bench_hessian (&bench, "hessian", &function, points);
      /* The homework's procedure (what PyTorch was timed on), then Saddle's with refinement. */
      function.newton_steps = 0;
      bench_critical (&bench, "critical-run", &function, points);
      function.newton_steps = options->quick ? 2 : newton_steps;
      bench_critical (&bench, "critical-newton", &function, points);
    }

  if (options->large && images != NULL && !saddle_cli_signals_stop_requested ())
    bench_hessian (&bench, "hessian-large", &image, images);

  json_builder_end_array (builder);
  if (points != NULL)
    {
      g_autoptr(SaddleModel) model = saddle_study_config_new_model (&function, points, NULL);

      if (model != NULL)
        add_critical_flops (&bench, model, points->n_samples, function.epochs);
    }
  saddle_summary_add_double (builder, "load_end", saddle_cli_bench_load_average ());
  json_builder_set_member_name (builder, "interrupted");
  json_builder_add_boolean_value (builder, saddle_cli_signals_stop_requested ());
  saddle_summary_add_double (builder, "total_seconds", saddle_cli_bench_now () - start);
  json_builder_end_object (builder);

  saddle_study_config_clear (&image);
  saddle_study_config_clear (&function);

  root = json_builder_get_root (builder);
  json_path = g_build_filename (options->out_dir, "bench.json", NULL);
  if (!saddle_summary_write_json (json_path, root, &error))
    return saddle_cli_report_error (error);
  printf ("Wrote: %s\n", json_path);

  if (saddle_cli_signals_stop_requested ())
    return saddle_cli_signals_exit_status ();
  return bench.failed > 0 ? SADDLE_CLI_EXIT_FAILED : SADDLE_CLI_EXIT_OK;
}
