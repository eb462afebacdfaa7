/* saddle-cli-study.c — trajectories, gradnorm and critical: run the study, write its files, print
 * a summary */
#define G_LOG_DOMAIN "saddle-cli-study"

#include "config.h"

#include "saddle-summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cblas.h>

#include "saddle-cli-commands.h"
#include "saddle-cli-distributed.h"
#include "saddle-cli-fields.h"
#if SADDLE_HAVE_MPI
#include "saddle-cli-distributed-hessian.h"
#endif
#include "saddle-cli-mpi.h"
#include "saddle-cli-output.h"
#include "saddle-cli-points.h"
#include "saddle-cli-signals.h"
#include "saddle-staging.h"
#include "saddle-file.h"
#include "saddle-cli-progress.h"
#include "saddle-critical.h"
#include "saddle-cli-ground-truth.h"
#include "saddle-figures.h"
#include "saddle-lanczos.h"
#include "saddle-slice.h"
#include "saddle-stats.h"
#include "saddle-weights.h"
#include "saddle-cli-commands-private.h"

typedef struct
{
  gboolean has;
  double   loss;
  double   accuracy;
  guint64  iteration;
  double   last_loss;        /* last minibatch */
  double   last_grad_norm;
  double   min_grad_norm;
} RunSummary;

static SaddleStudyKind
study_kind (SaddleCliCommand command)
{
  switch (command)
    {
    case SADDLE_CLI_TRAJECTORIES:
      return SADDLE_STUDY_TRAJECTORIES;
    case SADDLE_CLI_GRADNORM:
      return SADDLE_STUDY_GRADNORM;
    case SADDLE_CLI_CRITICAL:
    case SADDLE_CLI_HESSIAN:
    case SADDLE_CLI_BENCH:
    default:
      return SADDLE_STUDY_CRITICAL;
    }
}

static void
print_header (const SaddleCliOptions *options,
              const SaddleDataset    *dataset)
{
  const SaddleStudyConfig *config = &options->config;
  g_autofree char *model = saddle_cli_model_description (config, dataset);
  g_autofree char *runs = NULL;

  if (config->first_run > 0 && config->runs == 1)
    runs = g_strdup_printf ("run %u", config->first_run + 1);
  else if (config->first_run > 0)
    runs = g_strdup_printf ("runs %u–%u", config->first_run + 1, config->first_run + config->runs);
  else
    runs = g_strdup_printf ("%u run%s", config->runs, config->runs == 1 ? "" : "s");

  printf ("%s study on %s: %s\n", saddle_cli_command_to_string (options->command),
          dataset->name != NULL ? dataset->name : "the data", model);
  printf ("Training: %s, lr %g, batch %u, %u epochs, %s from seed %" G_GUINT64_FORMAT "\n",
          saddle_optimizer_kind_to_string (config->optimizer), config->lr, config->batch,
          config->epochs, runs, config->seed);
  if (options->command == SADDLE_CLI_CRITICAL)
    printf ("Critical points: up to %u Adam steps (lr %g) on ‖∇L‖² until ‖∇L‖ ≤ %g, up to %u "
            "Newton steps (%s), then the full Hessian; zero band |λ| ≤ %g·max|λ|\n",
            config->descent_steps, config->descent_lr, config->grad_tolerance,
            config->newton_steps, saddle_newton_method_to_string (config->newton_method),
            config->zero_tolerance);
  fflush (stdout);
}

static RunSummary *
summarise_runs (const SaddleStudyResults *results)
{
  const SaddleStudyConfig *config = &results->config;
  RunSummary *runs = g_new0 (RunSummary, config->runs);
  const SaddleHistory *history = results->history;

  for (guint i = 0; i < config->runs; i++)
    runs[i].min_grad_norm = INFINITY;

  for (guint i = 0; i < history->epochs->len; i++)
    {
      const SaddleEpochRecord *r = &g_array_index (history->epochs, SaddleEpochRecord, i);
      guint k = r->run - config->first_run;

      if (r->run < config->first_run || k >= config->runs)
        continue;
      runs[k].has = TRUE;
      runs[k].loss = r->loss;
      runs[k].accuracy = r->accuracy;
      runs[k].iteration = r->iteration;
    }
  for (guint i = 0; i < history->iterations->len; i++)
    {
      const SaddleIterationRecord *r = &g_array_index (history->iterations,
                                                       SaddleIterationRecord, i);
      guint k = r->run - config->first_run;

      if (r->run < config->first_run || k >= config->runs)
        continue;
      runs[k].last_loss = r->loss;
      runs[k].last_grad_norm = r->grad_norm;
      if (isfinite (r->grad_norm))
        runs[k].min_grad_norm = MIN (runs[k].min_grad_norm, r->grad_norm);
    }
  return runs;
}

static void
print_training_summary (const SaddleStudyResults *results)
{
  const SaddleStudyConfig *config = &results->config;
  g_autofree RunSummary *runs = summarise_runs (results);

  printf ("\n%-5s %12s %9s %10s %12s %12s\n", "run", "loss", "accuracy", "steps",
          "last |g|", "min |g|");
  for (guint i = 0; i < config->runs; i++)
    {
      g_autofree char *accuracy = NULL;

      if (!runs[i].has)
        continue;
      accuracy = isfinite (runs[i].accuracy) ? g_strdup_printf ("%.2f%%", 100.0 * runs[i].accuracy)
                                             : g_strdup ("–");
      printf ("%-5u %12.6g %9s %10" G_GUINT64_FORMAT " %12.4g %12.4g\n",
              config->first_run + i + 1, runs[i].loss, accuracy, runs[i].iteration,
              runs[i].last_grad_norm, runs[i].min_grad_norm);
    }
}

static void
print_surface_summary (const SaddleTrajectory *trajectory)
{
  const SaddleSurface *surface = trajectory->surface;
  double max_distance = 0.0;
  double sum_distance = 0.0;
  guint n = 0;

  if (surface == NULL)
    return;
  for (guint i = 0; i < trajectory->plane_distance->len; i++)
    {
      double d = g_array_index (trajectory->plane_distance, double, i);

      if (isfinite (d))
        {
          max_distance = MAX (max_distance, d);
          sum_distance += d;
          n++;
        }
    }
  printf ("Loss surface: %u × %u nodes over PC1 [%.4g, %.4g] × PC2 [%.4g, %.4g], loss %.4g to %.4g",
          surface->resolution, surface->resolution, surface->pc1_min, surface->pc1_max,
          surface->pc2_min, surface->pc2_max, surface->loss_min, surface->loss_max);
  if (surface->n_nonfinite > 0)
    printf (" (%u nodes overflowed)", surface->n_nonfinite);
  printf ("\n");
  if (n > 0)
    printf ("Snapshots lie %.4g on average, at most %.4g, off the plane (the surface is a slice)\n",
            sum_distance / n, max_distance);
}

static void
print_trajectory_summary (const SaddleTrajectory *trajectory)
{
  if (trajectory->pca == NULL || trajectory->layer_pca == NULL)
    {
      printf ("PCA: too few snapshots (%" G_GSIZE_FORMAT ") to project\n",
              saddle_trajectory_n_snapshots (trajectory));
      return;
    }
  printf ("PCA of %" G_GSIZE_FORMAT " snapshots: the whole vector (%" G_GSIZE_FORMAT
          " parameters) PC1 %.1f%% + PC2 %.1f%% of the variance; layer %u weights "
          "(%" G_GSIZE_FORMAT ") PC1 %.1f%% + PC2 %.1f%%\n",
          saddle_trajectory_n_snapshots (trajectory), trajectory->n_params,
          100.0 * trajectory->pca->explained_ratio[0],
          100.0 * (trajectory->pca->n_components > 1 ? trajectory->pca->explained_ratio[1] : 0.0),
          trajectory->layer + 1, trajectory->layer_size,
          100.0 * trajectory->layer_pca->explained_ratio[0],
          100.0 * (trajectory->layer_pca->n_components > 1
                   ? trajectory->layer_pca->explained_ratio[1] : 0.0));
  print_surface_summary (trajectory);
}

static const char *
ratio_name (SaddleCriticalRatio ratio)
{
  return ratio == SADDLE_CRITICAL_RATIO_NONZERO ? "non-zero ratio" : "minimal ratio";
}

/* "p = 0.27 (10000 random pairings)" / "p = 0.33 (exact, all 6 pairings)" */
static void
print_p (const SaddleSpearmanTest *test)
{
  if (test->p_exact)
    printf ("p = %.4g (exact, all %" G_GUINT64_FORMAT " pairings)", test->p_value,
            test->permutations);
  else
    printf ("p = %.4g (%" G_GUINT64_FORMAT " random pairings)", test->p_value,
            test->permutations);
}

static void
print_subset_trend (const SaddleSubsetTrend *t)
{
  const SaddleSpearmanTest *test = &t->spearman;

  printf ("  %s points (n = %" G_GSIZE_FORMAT "): ", saddle_trend_subset_to_string (t->subset), t->n);
  if (t->verdict == SADDLE_TREND_TOO_FEW)
    {
      printf ("%s\n", saddle_trend_verdict_to_string (t->verdict));
      return;
    }
  printf ("Spearman ρ = %.3f, 95%% interval [%.3f, %.3f] (%u of %u resamples defined), ",
          test->rho, test->low, test->high, test->resamples_defined, test->resamples);
  print_p (test);
  printf (": %s\n", saddle_trend_verdict_to_string (t->verdict));
}

static void
print_trend (const SaddleCriticalStats *stats,
             gboolean             pb_fit)
{
  const SaddleCriticalTrend *trend = &stats->trend;
  const SaddleSubsetTrend *t = saddle_critical_trend_get_shown (trend);
  const char *x = trend->x_log ? "log10 (loss)" : "loss";

  printf ("Trend on critical.svg (%s against %s), line over ", ratio_name (trend->ratio), x);
  if (trend->shown == SADDLE_TREND_CERTIFIED)
    printf ("the %" G_GSIZE_FORMAT " certified points: ", t->n);
  else
    printf ("all %" G_GSIZE_FORMAT " points (fewer than 3 certified): ", t->n);
  if (t->fitted)
    printf ("ratio ≈ %.4g·%s %+.4g, r² = %.3f, Pearson r = %.3f\n",
            t->slope, x, t->intercept, t->r2, t->pearson);
  else
    printf ("no line (needs 2 points with distinct loss)\n");
  printf ("Expectation: %s.\nTest: %s.\n", SADDLE_SUMMARY_EXPECTATION, SADDLE_SUMMARY_TREND_METHOD);
  for (guint s = 0; s < SADDLE_TREND_N_SUBSETS; s++)
    print_subset_trend (&trend->subsets[s]);
  if (!pb_fit)
    return;
  if (t->pb_fitted)
    printf ("Pennington–Bahri fit of index = 1 − %s over %s %" G_GSIZE_FORMAT " %spoints: index ≈ "
            "a·(loss − loss_c)^{3/2} with loss_c = %.6g, a = %.6g, RMS residual %.4g\n",
            ratio_name (trend->ratio), t->subset == SADDLE_TREND_CERTIFIED ? "the" : "all", t->n,
            t->subset == SADDLE_TREND_CERTIFIED ? "certified " : "", t->pb_loss_c, t->pb_a,
            t->pb_residual);
  else
    printf ("Pennington–Bahri fit: not fitted (%s)\n", t->pb_error == SADDLE_STATS_ERROR_TOO_FEW
            ? "too few points" : "index 0 everywhere or one loss");
}

void
saddle_cli_print_critical_table (const SaddleCriticalSet *set,
                                 const SaddleStudyConfig *config,
                                 const SaddleCriticalStats     *stats,
                                 gboolean                 pb_fit)
{
  SaddleCriticalSettings settings_;
  const SaddleCriticalSettings *settings = &settings_;

  saddle_study_config_critical_settings (config, &settings_);
  printf ("\n%-5s %11s %10s %10s %10s %6s %6s %6s %6s %6s %8s %8s %5s %9s %8s %8s %8s  %s\n",
          "run", "loss", "|g| start", "|g| desc.", "|g|", "steps", "newton", "pos", "neg", "zero",
          "min.rat", "nz.rat", "dead", "step(1e-8)", "kink at", "still×", "clarke", "label");
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      const SaddleSpectrum *s = p->spectrum;

      printf ("%-5u %11.5g %10.3g %10.3g %10.3g %6u %6u %6" G_GSIZE_FORMAT " %6" G_GSIZE_FORMAT
              " %6" G_GSIZE_FORMAT " %8.4f %8.4f %5u %10.3g %8.2g %8.3g %8.2g  %s\n",
              p->run + 1, p->loss, p->grad_norm_start, p->grad_norm_descent, p->grad_norm,
              p->steps, p->newton_steps, s->positive, s->negative, s->zero, s->minimal_ratio,
              s->nonzero_ratio, p->dead_units, p->exact_reach.cuts[1].length,
              p->exact_reach.cuts[1].kink_fraction, p->still_factor, p->clarke_distance,
              saddle_critical_label_to_string (p->label));
    }

  printf ("\nAnalysed %u critical point%s; zero band |λ| ≤ %g·max|λ|\n", stats->n,
          stats->n == 1 ? "" : "s", set->tolerance);
  saddle_cli_print_set_measures (settings, set);
  printf ("Mean minimal ratio (share of λ > 0 among all eigenvalues): %.4f\n",
          stats->trend.mean_minimal_ratio);
  printf ("Mean non-zero ratio (positive / (positive + negative)): %.4f\n",
          stats->trend.mean_nonzero_ratio);
  print_trend (stats, pb_fit);
}

/* critical.csv, eigenvalues.csv, critical.svg, trend.csv and the spectra of @set, with @stats
 * filled in for it: what a critical study and a merge of several both write. */
void
saddle_cli_write_critical_set_files (SaddleCliOptions        *options,
                                     const SaddleCriticalSet *set,
                                     const GArray            *reference,
                                     SaddleCriticalStats           *stats,
                                     GPtrArray               *written,
                                     GPtrArray               *problems)
{
  saddle_critical_stats_compute (set, options->ratio_nonzero, stats);
  WRITE ("critical.csv", saddle_critical_set_write_csv (set, path, error));
  WRITE ("eigenvalues.csv", saddle_critical_set_write_eigenvalues (set, path, error));
  WRITE ("critical.svg", saddle_cli_write_critical_svg (path, set, &stats->trend,
                                                        options->pb_fit, options->ratio_axis_full,
                                                        reference, error));
  WRITE ("trend.csv", saddle_critical_trend_write_csv (&stats->trend, path, error));
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);
      g_autofree char *name = NULL;

      if (point->spectrum == NULL)
        continue;
      name = g_strdup_printf ("spectrum-run%u.svg", point->run + 1);
      WRITE (name, saddle_cli_write_spectrum_svg (path, point, NULL, error));
      if (!options->spectra_all)
        break;
    }
}

/* --slice-run N: the loss along run N's bottom and top Hessian eigenvectors at its point;
 * returns the slice for summary.json, or NULL (the reason is in @problems). */
static SaddleSlice *
write_run_slice (SaddleCliOptions         *options,
                 const SaddleStudyResults *results,
                 const SaddleDataset      *dataset,
                 GPtrArray                *written,
                 GPtrArray                *problems)
{
  const SaddleCriticalSet *set = results->critical;
  const SaddleCriticalPoint *point = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleSlice) slice = NULL;
  g_autoptr(GError) slice_error = NULL;
  g_autofree char *csv = g_strdup_printf ("slice-run%u.csv", options->slice_run);
  g_autofree char *svg = g_strdup_printf ("slice-run%u.svg", options->slice_run);
  SaddleBatch batch = { 0 };

  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      if (p->run + 1 == options->slice_run)
        point = p;
    }
  if (point == NULL || point->params == NULL)
    {
      g_ptr_array_add (problems, g_strdup_printf ("--slice-run %u: run %u has no analysed point "
                                                  "(it failed or was interrupted)",
                                                  options->slice_run, options->slice_run));
      return NULL;
    }

  model = saddle_study_config_new_model (&results->config, dataset, &slice_error);
  if (model != NULL)
    {
      saddle_batch_init_full (&batch, dataset);
      /* AUTO: the dense eigenpairs on small models, Lanczos where the matrix does not fit. */
      slice = saddle_slice_compute (model, point->params, &batch, options->slice_range,
                                    options->slice_points, SADDLE_SLICE_AUTO,
                                    results->config.seed, NULL, NULL, &slice_error);
      saddle_batch_clear (&batch);
    }
  if (slice == NULL)
    {
      g_ptr_array_add (problems, g_strdup_printf ("--slice-run %u: %s", options->slice_run,
                                                  slice_error->message));
      return NULL;
    }
  WRITE (csv, saddle_slice_write_csv (slice, path, error));
  WRITE (svg, saddle_cli_write_slice_svg (path, slice, error));
  return g_steal_pointer (&slice);
}

static void
write_study_files (SaddleCliOptions         *options,
                   const SaddleStudyResults *results,
                   const SaddleDataset      *dataset,
                   GPtrArray                *written,
                   GPtrArray                *problems)
{
  const SaddleTrajectory *trajectory = results->trajectory;

  WRITE ("history.csv", saddle_history_write_csv (results->history, path, error));
  WRITE ("epochs.csv", saddle_history_write_epochs_csv (results->history, path, error));

  switch (results->kind)
    {
    case SADDLE_STUDY_TRAJECTORIES:
      if (trajectory->pca == NULL || trajectory->layer_pca == NULL)
        {
          g_ptr_array_add (problems, g_strdup ("No PCA: too few snapshots for the trajectory "
                                               "files and charts"));
          break;
        }
      WRITE ("trajectories.csv", saddle_trajectory_write_csv (trajectory, FALSE, path, error));
      WRITE ("trajectories-layer.csv", saddle_trajectory_write_csv (trajectory, TRUE, path, error));
      WRITE ("trajectories.svg",
             saddle_cli_write_trajectories_svg (path, trajectory, FALSE, error));
      WRITE ("trajectories-layer.svg",
             saddle_cli_write_trajectories_svg (path, trajectory, TRUE, error));
      if (trajectory->surface != NULL)
        WRITE ("surface.csv", saddle_surface_write_csv (trajectory->surface, path, error));
      WRITE ("summary.json", saddle_summary_write_study (path, results, error));
      break;

    case SADDLE_STUDY_GRADNORM:
      WRITE ("gradnorm.svg",
             saddle_cli_write_gradnorm_svg (path, results->history, options->smooth, error));
      WRITE ("summary.json", saddle_summary_write_study (path, results, error));
      break;

    case SADDLE_STUDY_CRITICAL:
    default:
      {
        const SaddleCriticalSet *set = results->critical;
        g_autoptr(SaddleSlice) slice = NULL;
        /* The closed form's points behind the scatter, when the model has one. */
        g_autoptr(GArray) reference = saddle_cli_ground_truth_levels (results, dataset);
        SaddleCriticalStats stats;

        saddle_cli_write_critical_set_files (options, set, reference, &stats, written, problems);
        if (options->slice_run > 0)
          slice = write_run_slice (options, results, dataset, written, problems);
        WRITE ("summary.json", saddle_summary_write_critical (path, results, &stats,
                                                              options->slice_run, slice, error));
        saddle_cli_print_critical_table (set, &results->config, &stats, options->pb_fit);
        if (results->config.task == SADDLE_TASK_AUTOENCODER)
          {
            g_autoptr(GError) truth_error = NULL;

            if (!saddle_cli_ground_truth_report (results, dataset, options->out_dir, written,
                                                 &truth_error))
              g_ptr_array_add (problems, g_strdup (truth_error->message));
          }
        if (slice != NULL)
          {
            g_autofree char *what = g_strdup_printf ("at run %u's point", options->slice_run);

            saddle_cli_print_slice (slice, what);
          }
      }
      break;
    }
}

/* Saves each run's weights; with several runs, one file a run. Returns the line that says
 * so under the list of written files ("--save-weights w.txt wrote one file per run: …"), or NULL. */
static char *
save_study_weights (SaddleCliOptions         *options,
                    const SaddleStudyResults *results,
                    GPtrArray                *written,
                    GPtrArray                *problems)
{
  const SaddleStudyConfig *config = &results->config;
  gboolean single = config->runs == 1;
  gboolean any = FALSE;
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;
  guint saved = 0;

  for (guint i = 0; i < results->final_params->len; i++)
    {
      const double *theta = g_ptr_array_index (results->final_params, i);
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (theta == NULL)
        continue;
      any = TRUE;
      path = saddle_cli_weights_path (options->save_weights, config->first_run + i, single);
      ok = saddle_cli_save_weights (path, config, saddle_cli_command_to_string (options->command),
                                    results->dataset_name, config->first_run + i,
                                    results->widths, results->n_widths, theta,
                                    results->n_params, &error);
      saddle_cli_note_written (written, problems, path, ok, error);
      if (ok)
        {
          saved++;
          if (first == NULL)
            first = g_strdup (path);
          g_free (last);
          last = g_strdup (path);
        }
    }
  if (!any)
    g_ptr_array_add (problems, g_strdup_printf ("--save-weights: no run has weights to save%s",
                                                results->final_params->len > 0
                                                  ? " (too many to keep in memory, or every "
                                                    "run failed)" : ""));
  if (single || saved == 0)
    return NULL;
  return g_strdup_printf ("--save-weights %s wrote one file per run, its run number added to "
                          "the name: %s%s%s (%u file%s)", options->save_weights, first,
                          saved > 2 ? " … " : saved == 2 ? " " : "", saved > 1 ? last : "",
                          saved, saved == 1 ? "" : "s");
}

/* A rough upper bound on what a study writes, for the free-space check. */
static guint64
expected_output_bytes (const SaddleStudyConfig *config,
                       SaddleStudyKind          kind,
                       gsize                    n_params,
                       gsize                    n_samples)
{
  guint64 steps = (guint64) config->epochs * MAX (1, n_samples / MAX (1, config->batch));

  if (kind == SADDLE_STUDY_CRITICAL)
    return ((guint64) 16 << 20) + (guint64) config->runs * (n_params * 40 + (256 << 10));
  return ((guint64) 16 << 20) + (guint64) config->runs * steps * 80;
}

/* Whether a cancelled study finished any run: if not, its folder is left as it was. */
static gboolean
finished_something (const SaddleStudyResults *results)
{
  if (!results->cancelled)
    return TRUE;
  if (results->critical != NULL)
    return results->critical->points->len > 0;
  for (guint i = 0; i < results->history->epochs->len; i++)
    if (g_array_index (results->history->epochs, SaddleEpochRecord, i).epoch
        == results->config.epochs)
      return TRUE;
  return FALSE;
}

/* What a study writes its results with: on the main thread when the study returns, or on the
 * rescue thread on a second signal while a run is still inside LAPACK. */
typedef struct
{
  SaddleCliOptions    *options;
  const SaddleDataset *dataset;
  SaddleStaging       *staging;
  char                *final_out;
  gint64               start;
  SaddleStudyWatch    *watch;
  const char          *rank_failure;  /* under mpirun: a rank that failed, or NULL */
} StudyOutput;

/* Writes @results (of a finished or cancelled study) into the staged --out and commits it,
 * or leaves the folder as it was if nothing finished; returns the exit status. */
static int
write_study_output (StudyOutput              *o,
                    const SaddleStudyResults *results)
{
  SaddleCliOptions *options = o->options;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *weights_note = NULL;

  if (!finished_something (results))
    {
      saddle_cli_close_output (options, o->staging, o->final_out, FALSE, NULL, NULL);
      if (o->rank_failure != NULL)
        {
          fprintf (stderr, "saddle-cli: %s; no run had finished, “%s” is as it was\n",
                   o->rank_failure, options->out_dir);
          return SADDLE_CLI_EXIT_FAILED;
        }
      fprintf (stderr, "saddle-cli: interrupted before any run finished; “%s” is as it was\n",
               options->out_dir);
      return saddle_cli_signals_exit_status ();
    }

  if (results->kind != SADDLE_STUDY_CRITICAL)
    print_training_summary (results);
  if (results->trajectory != NULL)
    print_trajectory_summary (results->trajectory);

  write_study_files (options, results, o->dataset, written, problems);
  if (options->save_weights != NULL)
    weights_note = save_study_weights (options, results, written, problems);

  saddle_cli_close_output (options, o->staging, o->final_out, TRUE, written, problems);
  for (guint i = 0; i < results->failures->len; i++)
    printf ("Failed: %s\n", (const char *) g_ptr_array_index (results->failures, i));
  /* The study's own clock too (from its first run to its end, files not written yet): what a
   * benchmark compares with a loop timed after its imports and data. */
  printf ("Time: %.2f s (the study %.2f s, then its files)\n",
          (g_get_monotonic_time () - o->start) / (double) G_TIME_SPAN_SECOND, results->seconds);
  saddle_cli_print_files (written, problems);
  if (weights_note != NULL)
    printf ("%s\n", weights_note);

  if (o->rank_failure != NULL)
    {
      fprintf (stderr, "saddle-cli: %s; the other ranks stopped, and the files above hold the "
               "runs done so far\n", o->rank_failure);
      return SADDLE_CLI_EXIT_FAILED;
    }
  if (results->cancelled)
    {
      fprintf (stderr, "saddle-cli: interrupted; the files above hold the runs done so far\n");
      return saddle_cli_signals_exit_status ();
    }
  return problems->len > 0 ? SADDLE_CLI_EXIT_FAILED : SADDLE_CLI_EXIT_OK;
}

/* The second signal's rescue: the runs finished so far, while others may still be running. */
static gboolean
rescue_study_cb (gpointer data)
{
  StudyOutput *o = data;
  g_autoptr(SaddleStudyResults) results = saddle_study_watch_copy (o->watch);

  /* Not started yet, or returning: saddle_cli_run_study() writes in a moment. */
  if (results == NULL)
    return FALSE;
  /* The slice needs another eigensolve: not now. */
  if (o->options->slice_run > 0)
    {
      fprintf (stderr, "saddle-cli: --slice-run %u skipped: stopping now\n",
               o->options->slice_run);
      o->options->slice_run = 0;
    }
  write_study_output (o, results);
  return TRUE;
}

/* A study that cannot start: under mpirun the other ranks are told to end first. */
static int
report_start_error (const GError *error,
                    gboolean      distributed)
{
  if (distributed)
    saddle_cli_distributed_abort (error->message);
  return saddle_cli_report_error (error);
}

int
saddle_cli_run_study (SaddleCliOptions *options)
{
  SaddleStudyConfig *config = &options->config;
  SaddleStudyKind kind = study_kind (options->command);
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(SaddleStudyWatch) watch = saddle_study_watch_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleStaging) staging = NULL;
  g_autofree char *rank_failure = NULL;
  char *final_out = NULL;
  SaddleCliProgress progress;
  StudyOutput output;
  gboolean distributed = saddle_cli_mpi_parallel ();
  int status;

  dataset = saddle_cli_load_dataset (config, &error);
  /* Under mpirun the other ranks compute, and rank 0 writes (saddle-cli-distributed.h). */
  if (distributed && saddle_cli_mpi_rank () > 0)
    return saddle_cli_distributed_serve (config, kind, dataset, error);
  if (dataset == NULL)
    return report_start_error (error, distributed);
  /* Fails early, before any training, on a task/data or size mismatch. */
  if ((model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    return report_start_error (error, distributed);
  /* Writable, not locked by another saddle-cli, room enough: before any work. */
  staging = saddle_cli_open_output (options, expected_output_bytes (config, kind,
                                                                    saddle_model_n_params (model),
                                                                    dataset->n_samples),
                                    &final_out, &error);
  if (staging == NULL)
    return report_start_error (error, distributed);

  print_header (options, dataset);

  output = (StudyOutput) {
    .options = options,
    .dataset = dataset,
    .staging = staging,
    .final_out = final_out,
    .start = g_get_monotonic_time (),
    .watch = watch,
  };
  saddle_cli_progress_init (&progress, config, kind == SADDLE_STUDY_CRITICAL, options->quiet);
  progress.ranks = saddle_cli_mpi_size ();
  /* The rescue thread loads the fonts now, while the study runs: a rescue has no time to. */
  saddle_cli_signals_set_rescue (rescue_study_cb, saddle_cli_output_warm_up, &output);
  if (distributed)
    results = saddle_cli_distributed_run (config, kind, dataset, watch, saddle_cli_progress_event_cb,
                                          &progress, &rank_failure, &error);
  else
    results = saddle_study_run_watched (config, kind, dataset, saddle_cli_progress_event_cb,
                                        &progress, watch, &error);
  /* From here this thread writes what is finished; a second signal lets it finish. */
  saddle_cli_signals_hold ();
  saddle_cli_signals_set_rescue (NULL, NULL, NULL);
  output.rank_failure = rank_failure;
  saddle_cli_progress_finish (&progress);
  if (results == NULL)
    {
      saddle_cli_close_output (options, staging, final_out, FALSE, NULL, NULL);
      status = saddle_cli_report_error (error);
    }
  else
    status = write_study_output (&output, results);
  saddle_cli_signals_release ();
  return status;
}
