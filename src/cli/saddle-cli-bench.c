/* saddle-cli-bench.c — times the engine's heavy parts on the design's reference problems */
#define G_LOG_DOMAIN "saddle-cli-bench"

#include "config.h"

#include "saddle-summary.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

#include <cblas.h>
#include <glib/gstdio.h>

#include "saddle-cli-commands.h"
#include "saddle-cli-output.h"
#include "saddle-cli-signals.h"
#include "saddle-flops.h"
#include "saddle-hessian.h"
#include "saddle-newton.h"
#include "saddle-spectrum.h"
#include "saddle-trainer.h"

/* Directions per HVP block in the HVP benchmark. */
#define HVP_BLOCK 64
/* Repeat a quick measurement for at least this long (s) so the rate is stable. */
#define MIN_MEASURE_S 1.0
/* The DGEMM that sets the ceiling: square, large enough for OpenBLAS's peak on these
 * machines (the design notes' n = 2,000), small enough to take a fraction of a second. */
#define DGEMM_ORDER       2000
#define DGEMM_ORDER_QUICK 256

typedef struct
{
  JsonBuilder *builder;
  gboolean     quick;         /* tiny sizes: the rates say little */
  double       min_measure;   /* seconds */
  gsize        hvp_block;     /* directions per HVP block */
  double       dgemm_rate;    /* FLOP/s of DGEMM on the bench's threads: the ceiling */
  double       dgemm_cpu_rate;/* its FLOPs per CPU second: the ceiling of CPU-time rates */
  guint        failed;
} Bench;

static double
now_s (void)
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
  double best = 0.0, start = now_s ();
  guint calls = 0;

  *per_cpu_second = 0.0;
  for (gsize i = 0; i < n * n; i++)
    {
      a[i] = 1.0 / (1.0 + (double) (i % 97));
      b[i] = 1.0 / (1.0 + (double) (i % 89));
    }
  do
    {
      double t = now_s (), cpu = cpu_s ();

      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, a, n, b, n, 0.0,
                   c, n);
      best = MAX (best, saddle_flops_dgemm (n, n, n) / (now_s () - t));
      *per_cpu_second = MAX (*per_cpu_second, saddle_flops_dgemm (n, n, n) / (cpu_s () - cpu));
      calls++;
    }
  while (calls < 3 || now_s () - start < min_seconds);
  return best;
}

/* Prints and records one phase: its seconds (and CPU seconds, NAN if not measured), an optional
 * rate in its own unit, and with @flops (NAN: not counted) the FLOPs counted by saddle-flops.c,
 * the achieved FLOP/s and their share of the DGEMM rate. */
static void
record (Bench      *bench,
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

static void
skipped (Bench        *bench,
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

static void
bench_training (Bench                   *bench,
                const SaddleStudyConfig *config,
                const SaddleDataset     *dataset)
{
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree char *model_size = NULL;
  g_autofree char *size = NULL;
  g_autofree char *samples = NULL;
  guint64 steps = 0;
  double start, cpu, seconds;

  if ((model = new_model (config, dataset, &theta, &model_size, &error)) == NULL)
    {
      skipped (bench, "training", error);
      return;
    }

  start = now_s ();
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
      if (!saddle_train (model, theta, dataset, &settings, quiet_event_cb, NULL, &error))
        {
          skipped (bench, "training", error);
          return;
        }
      steps += (guint64) config->epochs
             * ((dataset->n_samples + MIN (config->batch, dataset->n_samples) - 1)
                / MIN (config->batch, dataset->n_samples));
    }
  seconds = now_s () - start;
  cpu = cpu_s () - cpu;

  samples = saddle_format_count (dataset->n_samples);
  size = g_strdup_printf ("%u runs × %" G_GUINT64_FORMAT " Adam steps of batch %u, %s, %s images",
                          config->runs, steps / config->runs, config->batch, model_size, samples);
  record (bench, "training", size, seconds, cpu, steps / seconds, "steps/s",
          config->runs * saddle_flops_training (model, dataset->n_samples, config->epochs, FALSE));
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
      skipped (bench, "hvp", error);
      return;
    }
  n = saddle_model_n_params (model);
  v = g_new (double, bench->hvp_block * n);
  hv = g_new (double, bench->hvp_block * n);
  saddle_rng_init (&rng, config->seed + 1);
  for (gsize i = 0; i < bench->hvp_block * n; i++)
    v[i] = saddle_rng_normal (&rng);

  saddle_batch_init_full (&batch, dataset);
  start = now_s ();
  cpu = cpu_s ();
  do
    {
      saddle_model_hvp (model, theta, &batch, v, bench->hvp_block, hv, NULL);
      blocks++;
    }
  while (blocks < 3 || now_s () - start < bench->min_measure);
  seconds = now_s () - start;
  cpu = cpu_s () - cpu;
  saddle_batch_clear (&batch);

  samples = saddle_format_count (dataset->n_samples);
  size = g_strdup_printf ("%u blocks of %" G_GSIZE_FORMAT " directions, %s, %s images",
                          blocks, bench->hvp_block, model_size, samples);
  record (bench, "hvp", size, seconds, cpu, blocks / seconds, "blocks/s",
          blocks * saddle_flops_hvp (model, dataset->n_samples, bench->hvp_block));
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
  gsize n;

  if ((model = new_model (config, dataset, &theta, &model_size, &error)) == NULL)
    {
      skipped (bench, name, error);
      return;
    }
  n = saddle_model_n_params (model);
  if (!saddle_hessian_check_memory (n, 0, &error))
    {
      skipped (bench, name, error);
      return;
    }

  saddle_batch_init_full (&batch, dataset);
  samples = saddle_format_count (dataset->n_samples);
  /* The HVP build's work is counted (saddle_flops_hessian_dense), so it is the line measured
   * against DGEMM; the structured build, when the study would use it, does less work for the
   * same matrix, and its line says how much faster it is instead. */
  start = now_s ();
  cpu = cpu_s ();
  hessian = saddle_hessian_dense_build (model, theta, &batch, SADDLE_HESSIAN_BUILD_HVP, 0, NULL,
                                        NULL, &asymmetry, &error);
  seconds = now_s () - start;
  cpu = cpu_s () - cpu;
  if (hessian == NULL)
    {
      saddle_batch_clear (&batch);
      skipped (bench, name, error);
      return;
    }
  count = saddle_format_count (n);
  size = g_strdup_printf ("full Hessian of %s on %s samples by %s HVPs (asymmetry %.1e)",
                          model_size, samples, count, asymmetry);
  record (bench, name, size, seconds, cpu, NAN, NULL,
          saddle_flops_hessian_dense (model, dataset->n_samples, 0));
  if (saddle_hessian_choose_build (model, dataset->n_samples) == SADDLE_HESSIAN_BUILD_STRUCTURED)
    {
      g_autofree char *structured_name = g_strdup_printf ("%s-structured", name);
      g_autofree char *structured_size = NULL;
      g_autofree double *structured = NULL;
      double hvp_seconds = seconds;

      start = now_s ();
      cpu = cpu_s ();
      structured = saddle_hessian_dense_build (model, theta, &batch,
                                               SADDLE_HESSIAN_BUILD_STRUCTURED, 0, NULL, NULL,
                                               NULL, &error);
      seconds = now_s () - start;
      cpu = cpu_s () - cpu;
      if (structured == NULL)
        skipped (bench, structured_name, error);
      else
        {
          structured_size = g_strdup_printf ("the same Hessian by Gauss–Newton and second-order "
                                             "blocks (what the studies use here): %.2f× the HVP "
                                             "build's speed, work not counted",
                                             hvp_seconds / seconds);
          record (bench, structured_name, structured_size, seconds, cpu, NAN, NULL, NAN);
        }
      g_clear_error (&error);
    }
  saddle_batch_clear (&batch);

  eigen_name = g_strdup_printf ("%s-eigen", name);
  g_clear_pointer (&size, g_free);
  start = now_s ();
  cpu = cpu_s ();
  spectrum = saddle_spectrum_compute (hessian, n, config->zero_tolerance, &error);
  seconds = now_s () - start;
  cpu = cpu_s () - cpu;
  if (spectrum == NULL)
    {
      skipped (bench, eigen_name, error);
      return;
    }
  size = g_strdup_printf ("all %s eigenvalues (%" G_GSIZE_FORMAT "+ %" G_GSIZE_FORMAT "− %"
                          G_GSIZE_FORMAT " zero)",
                          count, spectrum->positive, spectrum->negative, spectrum->zero);
  record (bench, eigen_name, size, seconds, cpu, NAN, NULL, saddle_flops_eigenvalues (n));
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

  record (bench, name, size, seconds, NAN, NAN, NULL, flops);
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
                             saddle_flops_training (model, samples, epochs, FALSE));
  saddle_summary_add_double (bench->builder, "descent_step",
                             saddle_flops_descent_step (model, samples));
  saddle_summary_add_double (bench->builder, "hessian",
                             saddle_flops_hessian_dense (model, samples, 0));
  saddle_summary_add_double (bench->builder, "eigenvalues", saddle_flops_eigenvalues (n));
  saddle_summary_add_double (bench->builder, "eigenvectors", saddle_flops_eigenvectors (n));
  json_builder_end_object (bench->builder);
}

/* A critical run, then its phases as the study timed them, with the FLOPs each did:
 *   training     saddle_train() without the per-epoch ‖∇L‖ (the critical study draws no chart);
 *   descent      steps + 1 calls of ∇L with H·∇L (the loop's last call ends it), then the
 *                study's own ∇L at the point reached;
 *   newton       not counted: its work depends on the method and the trial steps taken;
 *   hessian      the dense build, and H·g by one dgemv (2·n²);
 *   eigen        with the eigenvectors up to SADDLE_NEWTON_DENSE_MAX parameters, as the study;
 *   analysis     the rest (dead units, exact reach, still-descending test, Clarke): time only. */
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

  start = now_s ();
  cpu = cpu_s ();
  results = saddle_study_run (config, SADDLE_STUDY_CRITICAL, (SaddleDataset *) dataset,
                              quiet_event_cb, NULL, &error);
  seconds = now_s () - start;
  cpu = cpu_s () - cpu;
  if (results == NULL)
    {
      skipped (bench, name, error);
      return;
    }
  if (results->critical->points->len == 0)
    {
      const char *why = results->failures->len > 0
                      ? (const char *) g_ptr_array_index (results->failures, 0)
                      : "no point was analysed";
      g_autoptr(GError) none = g_error_new (SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED, "%s", why);
      skipped (bench, name, none);
      return;
    }
  point = g_ptr_array_index (results->critical->points, 0);
  if ((model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    {
      skipped (bench, name, error);
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
  record (bench, name, size, seconds, cpu, NAN, NULL, NAN);

  {
    gsize samples = dataset->n_samples;
    gsize n = results->n_params;
    double descent = config->descent_steps > 0
                     ? (point->steps + 1.0) * saddle_flops_descent_step (model, samples)
                       + saddle_flops_gradient (model, samples)
                     : 0.0;
    double eigen = n <= SADDLE_NEWTON_DENSE_MAX ? saddle_flops_eigenvectors (n)
                                                : saddle_flops_eigenvalues (n);
    double rest = seconds - point->seconds_train - point->seconds_descent
                  - point->seconds_newton - point->seconds_hessian - point->seconds_eigen;
    g_autofree char *train_size = g_strdup_printf ("%u epochs", config->epochs);
    g_autofree char *descent_size = g_strdup_printf ("%u steps", point->steps);
    g_autofree char *newton_size = g_strdup_printf ("%u steps", point->newton_steps);
    g_autofree char *eigen_size = g_strdup_printf ("%s, %s", count,
                                                   n <= SADDLE_NEWTON_DENSE_MAX
                                                   ? "values and vectors" : "values");

    record_phase (bench, name, "training", train_size, point->seconds_train,
                  saddle_flops_training (model, samples, config->epochs, FALSE));
    record_phase (bench, name, "descent", descent_size, point->seconds_descent, descent);
    if (point->newton_steps > 0)
      record_phase (bench, name, "newton", newton_size, point->seconds_newton, NAN);
    /* Counted only for the HVP build: the structured one does less work than that count. */
    record_phase (bench, name, "hessian", count, point->seconds_hessian,
                  saddle_hessian_choose_build (model, samples) == SADDLE_HESSIAN_BUILD_HVP
                  ? saddle_flops_hessian_dense (model, samples, 0) + 2.0 * n * n : NAN);
    record_phase (bench, name, "eigen", eigen_size, point->seconds_eigen, eigen);
    record_phase (bench, name, "analysis", "the rest, not counted", rest, NAN);
  }
}

/* Removes the folder the MPI timing wrote into (files and folders below it). */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The 1-minute load average (/proc/loadavg), or NAN: every timing here is quoted with it. */
static double
load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return NAN;
  return g_ascii_strtod (text, NULL);
}

/* Runs @argv (stdout and stderr kept for a failure's message); its wall-clock seconds, or NAN
 * with @error. */
static double
time_command (const char *const *argv,
              GError            **error)
{
  g_autofree char *err = NULL;
  int wait_status = 0;
  double start = now_s ();

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err, &wait_status, error))
    return NAN;
  if (!g_spawn_check_wait_status (wait_status, NULL))
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s failed: %s", argv[0],
                   err != NULL ? g_strstrip (err) : "?");
      return NAN;
    }
  return now_s () - start;
}

/* critical --runs 20 at the default settings, one job a rank, as one process (P = 1) and under
 * "mpirun -np 2" (P = 2), MPI_REPEATS times each: the parallel efficiency T1 / (2·T2), and
 * whether both wrote the same critical.csv (they must: saddle-cli-distributed.h). */
#define MPI_REPEATS 2
static void
bench_mpi (Bench                  *bench,
           const SaddleCliOptions *options)
{
  g_autofree char *mpirun = g_find_program_in_path ("mpirun");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, options->config.seed);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("saddle-bench-mpi-XXXXXX", &error);
  const char *runs = options->quick ? "4" : "20";
  guint repeats = options->quick ? 1 : MPI_REPEATS;
  double best[3] = { 0 };
  g_autofree char *csv[3] = { NULL };

  if (mpirun == NULL || self == NULL || tmp == NULL)
    {
      if (error == NULL)
        g_set_error (&error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT, "%s",
                     mpirun == NULL ? "mpirun is not on PATH (Debian: openmpi-bin)"
                                    : "cannot find this program's own path");
      skipped (bench, "critical-mpi", error);
      return;
    }
  for (guint p = 1; p <= 2; p++)
    {
      g_autofree char *out = g_strdup_printf ("%s/p%u", tmp, p);
      g_autofree char *csv_path = g_build_filename (out, "critical.csv", NULL);
      /* P = 1 is one plain process; P = 2 the same command under mpirun, unbound like the one
       * process it is compared with: on a shared machine a rank bound to a busy core falls
       * behind (measured: 14 runs against 6). */
      const char *argv[] = { mpirun, "-np", "2", "--oversubscribe", "--bind-to", "none", self,
                             "critical", "--runs", runs, "--jobs", "1", "--seed", seed, "--quiet",
                             "--out", out,
                             options->quick ? "--epochs" : NULL, "3", "--descent-steps", "20",
                             "--hidden", "8", NULL };
      const char *const *command = p == 1 ? argv + 6 : argv;
      double total = 0, low = G_MAXDOUBLE, high = 0;
      double load_before = load_average ();
      g_autofree char *size = NULL;

      for (guint r = 0; r < repeats && !saddle_cli_signals_stop_requested (); r++)
        {
          double seconds = time_command (command, &error);

          if (!isfinite (seconds))
            {
              skipped (bench, "critical-mpi", error);
              remove_tree (tmp);
              return;
            }
          total += seconds;
          low = MIN (low, seconds);
          high = MAX (high, seconds);
        }
      best[p] = total / repeats;
      size = g_strdup_printf ("P = %u, critical --runs %s --jobs 1%s, mean of %u (%.1f–%.1f s), "
                              "load %.1f → %.1f", p, runs,
                              options->quick ? " --epochs 3 --descent-steps 20 --hidden 8" : "",
                              repeats, low, high, load_before, load_average ());
      record (bench, "critical-mpi", size, best[p], NAN, NAN, NULL, NAN);
      g_file_get_contents (csv_path, &csv[p], NULL, NULL);
    }
  printf ("%-24s P = 2: %.2f (T1 / (2·T2); 1 is perfect)%s\n", "mpi-efficiency",
          best[1] / (2 * best[2]),
          csv[1] != NULL && csv[2] != NULL && g_str_equal (csv[1], csv[2])
            ? ", critical.csv identical" : ", critical.csv DIFFERS");
  if (csv[1] == NULL || csv[2] == NULL || !g_str_equal (csv[1], csv[2]))
    bench->failed++;
  json_builder_begin_object (bench->builder);
  json_builder_set_member_name (bench->builder, "name");
  json_builder_add_string_value (bench->builder, "mpi-efficiency");
  saddle_summary_add_double (bench->builder, "efficiency", best[1] / (2 * best[2]));
  json_builder_set_member_name (bench->builder, "identical");
  json_builder_add_boolean_value (bench->builder, csv[1] != NULL && csv[2] != NULL
                                                  && g_str_equal (csv[1], csv[2]));
  json_builder_end_object (bench->builder);
  remove_tree (tmp);
}

/* The seconds of the Hessian build and of its eigenvalues from a hessian run's summary.json. */
static gboolean
read_hessian_seconds (const char *dir,
                      double     *build,
                      double     *eigen)
{
  g_autofree char *path = g_build_filename (dir, "summary.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  if (!json_parser_load_from_file (parser, path, NULL)
      || (root = json_node_get_object (json_parser_get_root (parser))) == NULL
      || !json_object_has_member (root, "seconds_eigen"))
    return FALSE;
  *build = json_object_get_double_member (root, "seconds_hessian");
  *eigen = json_object_get_double_member (root, "seconds_eigen");
  return TRUE;
}

/* --mpi --hessian: hessian --method dense of the 16,330-parameter image model (--quick: a
 * 2,181-parameter function model) by LAPACK in one process, then by ELPA and by pdsyevd on 1
 * and 2 ranks, using both cores each time (--threads 2 on one rank, 1 on two); the build and
 * eigenvalue seconds from each run's summary.json, with the load before and after. */
static void
bench_mpi_hessian (Bench                  *bench,
                   const SaddleCliOptions *options)
{
  static const struct { const char *solver; const char *np; const char *threads; } runs[] = {
    { "lapack", NULL, "2" },
    { "elpa", "1", "2" }, { "scalapack", "1", "2" },
    { "elpa", "2", "1" }, { "scalapack", "2", "1" },
  };
  g_autofree char *mpirun = g_find_program_in_path ("mpirun");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("saddle-bench-hessian-XXXXXX", &error);
  g_autofree char *weights = tmp != NULL ? g_build_filename (tmp, "w.txt", NULL) : NULL;
  const char *make_image[] = { self, "trajectories", "--task", "image", "--runs", "1",
                               "--epochs", "1", "--quiet", "--save-weights", weights, "--out",
                               tmp, NULL };
  const char *make_function[] = { self, "gradnorm", "--task", "function", "--hidden", "50,40",
                                  "--activation", "tanh", "--samples", "200", "--epochs", "20",
                                  "--runs", "1", "--quiet", "--save-weights", weights, "--out",
                                  tmp, NULL };
  const char *task = options->quick ? "function" : "image";

  if (mpirun == NULL || self == NULL || tmp == NULL
      || !isfinite (time_command (options->quick ? make_function : make_image, &error)))
    {
      if (error == NULL)
        g_set_error (&error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT, "%s",
                     mpirun == NULL ? "mpirun is not on PATH (Debian: openmpi-bin)"
                                    : "cannot find this program's own path");
      skipped (bench, "hessian-mpi", error);
      if (tmp != NULL)
        remove_tree (tmp);
      return;
    }
  for (guint r = 0; r < G_N_ELEMENTS (runs) && !saddle_cli_signals_stop_requested (); r++)
    {
      g_autofree char *out = g_strdup_printf ("%s/%s-%s", tmp, runs[r].solver,
                                              runs[r].np != NULL ? runs[r].np : "plain");
      /* --bind-to none: Open MPI binds one or two ranks to a core each, and a rank's second
       * OpenBLAS thread would then share its core. */
      const char *argv[] = { mpirun, "-np", runs[r].np, "--oversubscribe", "--bind-to", "none",
                             self, "hessian",
                             "--task", task, "--weights", weights, "--threads", runs[r].threads,
                             "--eigensolver", runs[r].solver, "--quiet", "--out", out, NULL };
      const char *const *command = runs[r].np != NULL ? argv : argv + 6;
      double load_before = load_average (), seconds, build = NAN, eigen = NAN;
      g_autofree char *size = NULL;

      seconds = time_command (command, &error);
      if (!isfinite (seconds) || !read_hessian_seconds (out, &build, &eigen))
        {
          skipped (bench, "hessian-mpi", error);
          g_clear_error (&error);
          continue;
        }
      size = g_strdup_printf ("%s, P = %s: build %.1f s + eigenvalues %.1f s, load %.1f → %.1f",
                              runs[r].solver, runs[r].np != NULL ? runs[r].np : "1 (no MPI)",
                              build, eigen, load_before, load_average ());
      record (bench, "hessian-mpi", size, seconds, NAN, NAN, NULL, NAN);
    }
  remove_tree (tmp);
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
  double start = now_s ();
  double load_start = load_average ();
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
  printf ("saddle-cli bench: OpenBLAS with %d thread%s, load average %.2f%s\n", threads,
          threads == 1 ? "" : "s", load_start,
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
    bench_mpi_hessian (&bench, options);
  else if (options->mpi)
    bench_mpi (&bench, options);
  else if ((images = saddle_study_config_load_dataset (&image, &error)) == NULL)
    {
      skipped (&bench, "training", error);
      skipped (&bench, "hvp", error);
      g_clear_error (&error);
    }
  else if (!saddle_cli_signals_stop_requested ())
    {
      bench_training (&bench, &image, images);
      bench_hvp (&bench, &image, images);
    }

  if (!options->mpi && (points = saddle_study_config_load_dataset (&function, &error)) == NULL)
    {
      skipped (&bench, "hessian", error);
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
  saddle_summary_add_double (builder, "load_end", load_average ());
  json_builder_set_member_name (builder, "interrupted");
  json_builder_add_boolean_value (builder, saddle_cli_signals_stop_requested ());
  saddle_summary_add_double (builder, "total_seconds", now_s () - start);
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
