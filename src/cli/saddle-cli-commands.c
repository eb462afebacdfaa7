/* saddle-cli-commands.c — the study commands and hessian: run, write the files, print a summary */
#define G_LOG_DOMAIN "saddle-cli-commands"

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
#include "saddle-weights-file.h"

/* Prefix of the weights-file comment line that records how to rebuild the model. */
/* A Newton step longer than this leaves the quadratic model's trust on these nets (the
 * constructed near-critical case of test-critical needs 1e-12). */
#define REACH_FAR 1e-2

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

static SaddleDataset *
load_dataset (const SaddleStudyConfig *config,
              GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  SaddleDataset *dataset;

  dataset = saddle_study_config_load_dataset (config, &local_error);
  if (dataset != NULL)
    return dataset;

  if (config->data_path != NULL && config->task == SADDLE_TASK_FUNCTION
      && g_error_matches (local_error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT))
    g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                 "Cannot load the training data “%s”: %s (the function task reads x,y rows; for "
                 "labelled rows label,feature,… use --task image)", config->data_path,
                 local_error->message);
  else if (config->data_path != NULL)
    g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                 "Cannot load the training data “%s”: %s", config->data_path, local_error->message);
  else if (config->task == SADDLE_TASK_AUTOENCODER)
    g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                 "Cannot make the autoencoder's data from the bundled images in “%s”: %s; pass "
                 "--data DIR with train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz",
                 saddle_dataset_bundled_dir (), local_error->message);
  else if (config->task == SADDLE_TASK_IMAGE)
    g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                 "Cannot load the bundled images from “%s”: %s; pass --data DIR with "
                 "train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz, or --task function",
                 saddle_dataset_bundled_dir (), local_error->message);
  else
    g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                 "Cannot generate the %s samples: %s",
                 saddle_function_to_string (config->function), local_error->message);
  return NULL;
}

static char *
model_description (const SaddleStudyConfig *config,
                   const SaddleDataset     *dataset)
{
  g_autofree guint *widths = NULL;
  g_autofree char *shape = NULL;
  g_autofree char *count = NULL;
  guint n = 0;

  widths = saddle_study_config_widths (config, dataset, &n);
  shape = saddle_cli_format_widths (widths, n);
  count = saddle_format_count (saddle_model_count_params (widths, n));
  return g_strdup_printf ("%s %s, %s parameters", shape,
                          saddle_activation_to_string (config->activation), count);
}

/* The options that rebuild this model on this data, for the weights file header. */
static char *
model_options (const SaddleStudyConfig *config)
{
  g_autofree char *hidden = saddle_study_config_hidden_string (config);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "--task %s --hidden '%s' --activation %s --samples %u",
                          saddle_task_to_string (config->task), hidden,
                          saddle_activation_to_string (config->activation), config->samples);
  if (config->data_path != NULL)
    {
      g_autofree char *quoted = g_shell_quote (config->data_path);

      g_string_append_printf (s, " --data %s", quoted);
    }
  if (config->label_column != NULL)
    {
      g_autofree char *quoted = g_shell_quote (config->label_column);

      g_string_append_printf (s, " --label-column %s", quoted);
    }
  if (config->standardize)
    g_string_append (s, " --standardize");
  else if (config->task == SADDLE_TASK_FUNCTION)
    g_string_append_printf (s, " --function %s", saddle_function_to_string (config->function));
  return g_string_free (s, FALSE);
}

/* In the format @path's extension asks for (saddle-weights-file.h), with the model options. */
static gboolean
save_weights (const char              *path,
              const SaddleStudyConfig *config,
              const char              *command,
              const char              *dataset_name,
              guint                    run,
              const guint             *widths,
              guint                    n_widths,
              const double            *theta,
              gsize                    n,
              GError                 **error)
{
  g_autofree char *options = model_options (config);
  g_autofree char *header = NULL;

  header = g_strdup_printf ("saddle-cli %s, run %u, seed %" G_GUINT64_FORMAT ", %s\n"
                            "%" G_GSIZE_FORMAT " parameters in flat order: per layer the "
                            "weights (out × in, row-major), then the biases",
                            command, run + 1, config->seed, dataset_name, n);
  return saddle_weights_file_write (path, theta, n, widths, n_widths, config->activation,
                                    options, header, error);
}


static void
print_header (const SaddleCliOptions *options,
              const SaddleDataset    *dataset)
{
  const SaddleStudyConfig *config = &options->config;
  g_autofree char *model = model_description (config, dataset);
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

static void
print_critical_table (const SaddleCriticalSet *set,
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

/* Records a written file, or the reason it could not be written. */
static void
note_written (GPtrArray  *written,
              GPtrArray  *problems,
              const char *path,
              gboolean    ok,
              GError     *error)
{
  if (ok)
    g_ptr_array_add (written, g_strdup (path));
  else
    g_ptr_array_add (problems, g_strdup (error != NULL ? error->message : path));
}

#define WRITE(name, call) \
  G_STMT_START { \
    g_autofree char *path_ = g_build_filename (options->out_dir, (name), NULL); \
    g_autoptr(GError) error_ = NULL; \
    const char *path = path_; \
    GError **error = &error_; \
    gboolean ok_ = (call); \
    note_written (written, problems, path_, ok_, error_); \
  } G_STMT_END

/* critical.csv, eigenvalues.csv, critical.svg, trend.csv and the spectra of @set, with @stats
 * filled in for it: what a critical study and a merge of several both write. */
static void
write_critical_set_files (SaddleCliOptions        *options,
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

static void
print_slice (const SaddleSlice *slice,
             const char        *what)
{
  gsize last = slice->n_points - 1;

  printf ("Loss slice %s, α in [−%g, %g] (%" G_GSIZE_FORMAT " points, %s eigenvectors%s):\n",
          what, slice->range, slice->range, slice->n_points,
          saddle_slice_method_to_string (slice->method),
          slice->converged ? "" : ", not converged");
  printf ("  bottom λ = %.6g, slope ∇Lᵀv = %.3g: loss %.6g at α = −%g, %.6g at 0, %.6g at α = %g\n",
          slice->lambda_bottom, slice->slope_bottom, slice->loss_bottom[0], slice->range,
          slice->loss, slice->loss_bottom[last], slice->range);
  printf ("  top    λ = %.6g, slope ∇Lᵀv = %.3g: loss %.6g at α = −%g, %.6g at 0, %.6g at α = %g\n",
          slice->lambda_top, slice->slope_top, slice->loss_top[0], slice->range, slice->loss,
          slice->loss_top[last], slice->range);
  printf ("  the second-order model α·slope + ½·λ·α² is within %.0f %% of the loss change up to "
          "|α| = %.2g along the bottom v and %.2g along the top v (0: not even at the smallest "
          "measurable step)\n", 100 * SADDLE_SLICE_MODEL_TOLERANCE, slice->model_radius_bottom,
          slice->model_radius_top);
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

        write_critical_set_files (options, set, reference, &stats, written, problems);
        if (options->slice_run > 0)
          slice = write_run_slice (options, results, dataset, written, problems);
        WRITE ("summary.json", saddle_summary_write_critical (path, results, &stats,
                                                              options->slice_run, slice, error));
        print_critical_table (set, &results->config, &stats, options->pb_fit);
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

            print_slice (slice, what);
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
      ok = save_weights (path, config, saddle_cli_command_to_string (options->command),
                         results->dataset_name, config->first_run + i, results->widths,
                         results->n_widths, theta, results->n_params, &error);
      note_written (written, problems, path, ok, error);
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

static void
print_files (GPtrArray *written,
             GPtrArray *problems)
{
  if (written->len > 0)
    {
      printf ("\nWrote:");
      for (guint i = 0; i < written->len; i++)
        printf (" %s", (const char *) g_ptr_array_index (written, i));
      printf ("\n");
    }
  for (guint i = 0; i < problems->len; i++)
    fprintf (stderr, "saddle-cli: %s\n", (const char *) g_ptr_array_index (problems, i));
}

int
saddle_cli_report_error (const GError *error)
{
  g_autofree char *message = saddle_cli_field_message (error);

  fprintf (stderr, "saddle-cli: %s\n", message);
  if (g_error_matches (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_USAGE)
      || g_error_matches (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_INVALID)
      || error->domain == SADDLE_CONFIG_ERROR)
    return SADDLE_CLI_EXIT_USAGE;
  return SADDLE_CLI_EXIT_FAILED;
}

/* Opens --out (see saddle-staging.h) and points options->out_dir into its staging
 * folder until close_output(); @final_out keeps the real one. */
static SaddleStaging *
open_output (SaddleCliOptions  *options,
             guint64            expected_bytes,
             char             **final_out,
             GError           **error)
{
  SaddleStaging *staging = saddle_staging_open (options->out_dir, expected_bytes, error);

  if (staging == NULL)
    return NULL;
  *final_out = g_steal_pointer (&options->out_dir);
  options->out_dir = g_strdup (saddle_staging_dir (staging));
  return staging;
}

/* Moves the staged files into place (@keep) or drops them (the folder stays as it was), puts
 * options->out_dir back and names the files in @written as they end up. */
static void
close_output (SaddleCliOptions *options,
              SaddleStaging *staging,
              char             *final_out,
              gboolean          keep,
              GPtrArray        *written,
              GPtrArray        *problems)
{
  g_autoptr(GError) error = NULL;

  if (keep && !saddle_staging_commit (staging, &error))
    g_ptr_array_add (problems, g_strdup (error->message));
  for (guint i = 0; written != NULL && i < written->len; i++)
    {
      char *path = g_ptr_array_index (written, i);

      written->pdata[i] = saddle_staging_final_path (staging, path);
      g_free (path);
    }
  if (!keep && written != NULL)
    g_ptr_array_set_size (written, 0);
  g_free (options->out_dir);
  options->out_dir = final_out;
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
      close_output (options, o->staging, o->final_out, FALSE, NULL, NULL);
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

  close_output (options, o->staging, o->final_out, TRUE, written, problems);
  for (guint i = 0; i < results->failures->len; i++)
    printf ("Failed: %s\n", (const char *) g_ptr_array_index (results->failures, i));
  printf ("Time: %.1f s\n", (g_get_monotonic_time () - o->start) / (double) G_TIME_SPAN_SECOND);
  print_files (written, problems);
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

  dataset = load_dataset (config, &error);
  /* Under mpirun the other ranks compute, and rank 0 writes (saddle-cli-distributed.h). */
  if (distributed && saddle_cli_mpi_rank () > 0)
    return saddle_cli_distributed_serve (config, kind, dataset, error);
  if (dataset == NULL)
    return report_start_error (error, distributed);
  /* Fails early, before any training, on a task/data or size mismatch. */
  if ((model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    return report_start_error (error, distributed);
  /* Writable, not locked by another saddle-cli, room enough: before any work. */
  staging = open_output (options, expected_output_bytes (config, kind,
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
      close_output (options, staging, final_out, FALSE, NULL, NULL);
      status = saddle_cli_report_error (error);
    }
  else
    status = write_study_output (&output, results);
  saddle_cli_signals_release ();
  return status;
}

/* What hessian found at the weights, whichever the method. */
typedef struct
{
  double             loss;
  double             accuracy;
  double             grad_norm_start;
  double             grad_norm_descent;
  double             grad_norm;
  double             hg_ratio;
  SaddleNewtonReach  reach;
  guint              steps;
  guint              newton_steps;
  guint              dead_units;
  /* --method lanczos */
  gsize              k;
  double            *lowest;          /* (k) ascending from λmin */
  double            *highest;         /* (k) descending from λmax */
  double            *residual_low;    /* (k) ‖H·v − λ·v‖₂ of each unit Ritz vector */
  double            *residual_high;
  SaddleLanczosInfo  info;
  const char        *verdict;
  /* --method slq */
  SaddleDensity     *density;
  SaddleSpectrum    *dense;           /* the exact spectrum overlaid (small models), or NULL */
  char              *dense_note;      /* why there is no overlay */
  /* --slice */
  SaddleSlice       *slice;
} HessianResult;

/* The exact spectrum is overlaid on the SLQ density up to this size, so the estimate can be judged. */
#define DENSE_OVERLAY_MAX 4096

static void
hessian_result_clear (HessianResult *r)
{
  g_clear_pointer (&r->lowest, g_free);
  g_clear_pointer (&r->highest, g_free);
  g_clear_pointer (&r->residual_low, g_free);
  g_clear_pointer (&r->residual_high, g_free);
  g_clear_pointer (&r->density, saddle_density_free);
  g_clear_pointer (&r->dense, saddle_spectrum_free);
  g_clear_pointer (&r->dense_note, g_free);
  g_clear_pointer (&r->slice, saddle_slice_free);
}

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED)
         || g_error_matches (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED)
         || g_error_matches (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED)
         || g_error_matches (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_CANCELLED);
}

/* Reports a failed hessian computation: interrupted (130), a memory refusal with the way
 * around it, or the error itself. */
static int
report_hessian_error (const GError            *error,
                      const SaddleCliProgress *progress)
{
  if (progress->interrupted || is_cancelled (error))
    {
      fprintf (stderr, "saddle-cli: interrupted\n");
      return saddle_cli_signals_exit_status ();
    }
  if (g_error_matches (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE))
    {
      fprintf (stderr, "saddle-cli: %s\nsaddle-cli: hint: --method lanczos (the extreme "
               "eigenvalues) or --method slq (the eigenvalue density) need only Hessian-vector "
               "products, never the n × n matrix\n", error->message);
      return SADDLE_CLI_EXIT_FAILED;
    }
  if (g_error_matches (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE))
    {
      fprintf (stderr, "saddle-cli: %s\nsaddle-cli: hint: a lower --iterations keeps a smaller "
               "Lanczos basis\n", error->message);
      return SADDLE_CLI_EXIT_FAILED;
    }
  return saddle_cli_report_error (error);
}

static double
norm2 (const double *v,
       gsize         n)
{
  return cblas_dnrm2 ((int) n, v, 1);
}

/* The curvature along ∇L, or why there is none to print. */
static void
print_hg_ratio (double ratio,
                double grad_norm)
{
  if (isfinite (ratio))
    printf ("‖H·g‖/‖g‖: %.6g\n", ratio);
  else if (grad_norm == 0.0)
    printf ("‖H·g‖/‖g‖: undefined (∇L = 0)\n");
  else
    printf ("‖H·g‖/‖g‖: not finite: the curvature along ∇L overflows double precision at "
            "these weights\n");
}

/* Loss, ‖∇L‖, ‖H·∇L‖/‖∇L‖, the Newton reach, accuracy and dead units at @theta: what the dense
 * analysis reports besides the spectrum, for the methods that never build the matrix. */
static gboolean
measure_point (SaddleModel       *model,
               const double      *theta,
               const SaddleBatch *batch,
               SaddleCliProgress *progress,
               HessianResult     *r,
               GError           **error)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *grad = g_try_new (double, n);
  g_autofree double *hg = g_try_new (double, n);

  if (grad == NULL || hg == NULL)
    {
      g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                   "Not enough memory for two vectors of %" G_GSIZE_FORMAT " parameters", n);
      return FALSE;
    }
  r->loss = saddle_model_grad_and_hvp_self (model, theta, batch, grad, hg);
  r->grad_norm = norm2 (grad, n);
  r->hg_ratio = saddle_critical_hg_ratio (model, theta, batch, grad, r->grad_norm, hg);
  r->accuracy = saddle_model_accuracy (model, theta, batch);
  r->dead_units = saddle_model_count_dead_units (model, theta, batch);
  if (!isfinite (r->loss) || !isfinite (r->grad_norm))
    {
      g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                   "The loss or its gradient is not finite at these weights (loss %g, ‖∇L‖ %g)",
                   r->loss, r->grad_norm);
      return FALSE;
    }
  if (!saddle_newton_reach (model, theta, batch, grad, saddle_cli_progress_event_cb, progress,
                           &r->reach, error))
    return FALSE;
  return TRUE;
}

/* --descent-steps and --newton-steps for the matrix-free methods: @theta moves in place. */
static gboolean
move_weights (SaddleModel                  *model,
              double                       *theta,
              const SaddleBatch            *batch,
              const SaddleCriticalSettings *settings,
              SaddleCliProgress            *progress,
              HessianResult                *r,
              GError                      **error)
{
  double loss;
  gsize n = saddle_model_n_params (model);
  g_autofree double *grad = g_new (double, n);

  loss = saddle_model_loss_grad (model, theta, batch, grad);
  r->grad_norm_start = r->grad_norm_descent = isfinite (loss) ? norm2 (grad, n) : NAN;
  if (settings->descent_steps > 0
      && !saddle_critical_descend (model, theta, batch, settings, 0, saddle_cli_progress_event_cb,
                                   progress, &r->steps, error))
    return FALSE;
  loss = saddle_model_loss_grad (model, theta, batch, grad);
  r->grad_norm_descent = isfinite (loss) ? norm2 (grad, n) : NAN;
  if (settings->newton_steps > 0
      && !saddle_newton_refine (model, theta, batch, settings, 0, r->steps,
                                saddle_cli_progress_event_cb, progress, &r->newton_steps, error))
    return FALSE;
  return TRUE;
}

static gboolean
hessian_lanczos (const SaddleCliOptions *options,
                 SaddleModel            *model,
                 const double           *theta,
                 const SaddleBatch      *batch,
                 SaddleCliProgress      *progress,
                 HessianResult          *r,
                 GError                **error)
{
  const SaddleStudyConfig *config = &options->config;
  SaddleLanczosHvp hvp = { model, theta, batch };
  gsize n = saddle_model_n_params (model);
  gsize k = options->k;
  gsize steps = options->iterations > 0 ? options->iterations : SADDLE_CLI_LANCZOS_DEFAULT_STEPS;
  g_autofree double *vectors = NULL;
  g_autofree double *products = NULL;
  double band;

  steps = MIN (steps, n);
  /* Ritz vectors and their products with H, for residuals a user can check. */
  vectors = g_try_new (double, 2 * k * n);
  products = g_try_new (double, 2 * k * n);
  if (vectors == NULL || products == NULL)
    {
      g_autofree char *size = g_format_size ((guint64) 4 * k * n * sizeof (double));

      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE,
                   "The %" G_GSIZE_FORMAT " Ritz vectors at each end and their products need %s; "
                   "ask for fewer with --k", k, size);
      return FALSE;
    }
  r->k = k;
  r->lowest = g_new (double, k);
  r->highest = g_new (double, k);
  r->residual_low = g_new (double, k);
  r->residual_high = g_new (double, k);

  progress->phase = "Lanczos";
  if (!saddle_lanczos_extremes (saddle_lanczos_hvp, &hvp, n,
                                &(SaddleLanczosSettings) { k, steps, config->seed,
                                                           saddle_cli_progress_fraction_cb,
                                                           progress },
                                r->lowest, r->highest, vectors, vectors + k * n, &r->info,
                                error))
    return FALSE;

  saddle_model_hvp (model, theta, batch, vectors, 2 * k, products, NULL);
  for (gsize i = 0; i < 2 * k; i++)
    {
      double lambda = i < k ? r->lowest[i] : r->highest[i - k];

      cblas_daxpy ((int) n, -lambda, vectors + i * n, 1, products + i * n, 1);
      if (i < k)
        r->residual_low[i] = norm2 (products + i * n, n);
      else
        r->residual_high[i - k] = norm2 (products + i * n, n);
    }

  /* What the two ends alone can tell; the zero band's size needs every eigenvalue. */
  band = config->zero_tolerance * MAX (fabs (r->lowest[0]), fabs (r->highest[0]));
  if (r->grad_norm > config->grad_tolerance)
    r->verdict = "unconverged: ‖∇L‖ is above --grad-tolerance, so this is a slope, not a "
                 "critical point";
  else if (r->lowest[0] < -band)
    r->verdict = "saddle: λmin lies below the zero band";
  else
    r->verdict = "no eigenvalue below the zero band: a minimum or a degenerate point (telling "
                 "them apart needs the zero band's size: --method dense)";
  return TRUE;
}

static gboolean
hessian_slq (const SaddleCliOptions *options,
             SaddleModel            *model,
             const double           *theta,
             const SaddleBatch      *batch,
             SaddleCliProgress      *progress,
             HessianResult          *r,
             GError                **error)
{
  const SaddleStudyConfig *config = &options->config;
  SaddleLanczosHvp hvp = { model, theta, batch };
  gsize n = saddle_model_n_params (model);
  g_autoptr(GError) local_error = NULL;
  g_autofree double *matrix = NULL;
  double asymmetry = 0.0;

  progress->phase = "Stochastic Lanczos quadrature";
  r->density = saddle_lanczos_slq (saddle_lanczos_hvp, &hvp, n, options->iterations,
                                   options->probes, config->seed, 0, 0.0,
                                   saddle_cli_progress_fraction_cb, progress, error);
  if (r->density == NULL)
    return FALSE;

  if (n > DENSE_OVERLAY_MAX)
    {
      g_autofree char *limit = saddle_format_count (DENSE_OVERLAY_MAX);

      r->dense_note = g_strdup_printf ("no exact spectrum overlaid: it is drawn up to %s "
                                       "parameters", limit);
      return TRUE;
    }
  progress->phase = "Hessian for the exact overlay";
  matrix = saddle_hessian_dense (model, theta, batch, 0, saddle_cli_progress_fraction_cb,
                                 progress, &asymmetry, &local_error);
  if (matrix != NULL)
    r->dense = saddle_spectrum_compute (matrix, n, config->zero_tolerance, &local_error);
  if (r->dense == NULL)
    {
      if (progress->interrupted || is_cancelled (local_error))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      r->dense_note = g_strdup_printf ("no exact spectrum overlaid: %s", local_error->message);
    }
  return TRUE;
}

/* The slices; along @ends when the dense spectrum came from several ranks with its extreme
 * eigenvectors, else found here by the method's own means. */
static gboolean
hessian_slice (const SaddleCliOptions *options,
               SaddleModel            *model,
               const double           *theta,
               const SaddleBatch      *batch,
               const SaddleSliceEnds  *ends,
               SaddleCliProgress      *progress,
               HessianResult          *r,
               GError                **error)
{
  SaddleSliceMethod method;

  /* Lanczos and slq promise never to build the matrix; dense has just shown it fits. */
  switch (options->method)
    {
    case SADDLE_CLI_METHOD_DENSE:
      method = SADDLE_SLICE_DENSE;
      break;
    case SADDLE_CLI_METHOD_LANCZOS:
    case SADDLE_CLI_METHOD_SLQ:
    default:
      method = SADDLE_SLICE_LANCZOS;
      break;
    }
  progress->phase = "Loss slice";
  if (ends != NULL)
    {
      r->slice = saddle_slice_compute_along (model, theta, batch, options->slice_range,
                                             options->slice_points, ends,
                                             saddle_cli_progress_fraction_cb, progress, error);
      return r->slice != NULL;
    }
  r->slice = saddle_slice_compute (model, theta, batch, options->slice_range,
                                   options->slice_points, method, options->config.seed,
                                   saddle_cli_progress_fraction_cb, progress, error);
  return r->slice != NULL;
}

static void
json_add_doubles (JsonBuilder  *builder,
                  const char   *member,
                  const double *values,
                  gsize         n)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      json_builder_add_double_value (builder, values[i]);
    else
      json_builder_add_null_value (builder);
  json_builder_end_array (builder);
}

/* Shares of the exact eigenvalues below −σ, within ±σ and above σ after the same Gaussian
 * smoothing SLQ's density gets: like for like, so only the estimate's own error remains. */
static void
dense_shares (const SaddleSpectrum *spectrum,
              double                sigma,
              double                shares[3])
{
  g_autofree double *weights = g_new (double, MAX (spectrum->n, 1));
  g_autoptr(SaddleDensity) smoothed = NULL;

  shares[0] = shares[1] = shares[2] = NAN;
  for (gsize i = 0; i < spectrum->n; i++)
    weights[i] = 1.0 / spectrum->n;
  smoothed = saddle_density_new (spectrum->eigenvalues, weights, 1, (guint) spectrum->n,
                                 spectrum->n, 2, sigma, NULL);
  if (smoothed == NULL)
    return;
  shares[0] = saddle_density_mass (smoothed, -G_MAXDOUBLE, -sigma);
  shares[1] = saddle_density_mass (smoothed, -sigma, sigma);
  shares[2] = saddle_density_mass (smoothed, sigma, G_MAXDOUBLE);
}

static void
density_shares (const SaddleDensity *density,
                double               shares[3])
{
  shares[0] = saddle_density_mass (density, -G_MAXDOUBLE, -density->sigma);
  shares[1] = saddle_density_mass (density, -density->sigma, density->sigma);
  shares[2] = saddle_density_mass (density, density->sigma, G_MAXDOUBLE);
}

static double
spectrum_mean (const SaddleSpectrum *spectrum)
{
  double sum = 0.0;

  for (gsize i = 0; i < spectrum->n; i++)
    sum += spectrum->eigenvalues[i];
  return spectrum->n > 0 ? sum / spectrum->n : NAN;
}

static void
json_add_matrix_free (JsonBuilder            *builder,
                      const SaddleCliOptions *options,
                      const HessianResult    *r,
                      gsize                   n_params)
{
  json_builder_set_member_name (builder, "run");
  json_builder_add_int_value (builder, 1);
  saddle_summary_add_double (builder, "loss", r->loss);
  saddle_summary_add_double (builder, "accuracy", r->accuracy);
  saddle_summary_add_double (builder, "grad_norm_start", r->grad_norm_start);
  saddle_summary_add_double (builder, "grad_norm_descent", r->grad_norm_descent);
  saddle_summary_add_double (builder, "grad_norm", r->grad_norm);
  saddle_summary_add_double (builder, "hg_ratio", r->hg_ratio);
  saddle_summary_add_reach (builder, &r->reach);
  json_builder_set_member_name (builder, "steps");
  json_builder_add_int_value (builder, r->steps);
  json_builder_set_member_name (builder, "newton_steps");
  json_builder_add_int_value (builder, r->newton_steps);
  json_builder_set_member_name (builder, "n_params");
  json_builder_add_int_value (builder, (gint64) n_params);
  json_builder_set_member_name (builder, "dead_units");
  json_builder_add_int_value (builder, r->dead_units);

  if (options->method == SADDLE_CLI_METHOD_LANCZOS)
    {
      json_builder_set_member_name (builder, "k");
      json_builder_add_int_value (builder, (gint64) r->k);
      json_builder_set_member_name (builder, "lanczos_steps");
      json_builder_add_int_value (builder, (gint64) r->info.iterations);
      json_builder_set_member_name (builder, "converged");
      json_builder_add_boolean_value (builder, r->info.converged);
      saddle_summary_add_double (builder, "relative_residual", r->info.residual);
      json_builder_set_member_name (builder, "restarts");
      json_builder_add_int_value (builder, r->info.restarts);
      json_add_doubles (builder, "lowest", r->lowest, r->k);
      json_add_doubles (builder, "highest", r->highest, r->k);
      json_add_doubles (builder, "residual_norm_lowest", r->residual_low, r->k);
      json_add_doubles (builder, "residual_norm_highest", r->residual_high, r->k);
      json_builder_set_member_name (builder, "verdict");
      json_builder_add_string_value (builder, r->verdict);
    }
  else if (r->density != NULL)
    {
      const SaddleDensity *d = r->density;
      double shares[3];

      json_builder_set_member_name (builder, "iterations");
      json_builder_add_int_value (builder, d->iterations);
      json_builder_set_member_name (builder, "probes");
      json_builder_add_int_value (builder, d->probes);
      saddle_summary_add_double (builder, "sigma", d->sigma);
      saddle_summary_add_double (builder, "mean_eigenvalue", saddle_density_mean (d));
      density_shares (d, shares);
      saddle_summary_add_double (builder, "share_below_minus_sigma", shares[0]);
      saddle_summary_add_double (builder, "share_within_sigma", shares[1]);
      saddle_summary_add_double (builder, "share_above_sigma", shares[2]);
      if (r->dense != NULL)
        {
          dense_shares (r->dense, d->sigma, shares);
          saddle_summary_add_double (builder, "exact_mean_eigenvalue", spectrum_mean (r->dense));
          saddle_summary_add_double (builder, "exact_share_below_minus_sigma", shares[0]);
          saddle_summary_add_double (builder, "exact_share_within_sigma", shares[1]);
          saddle_summary_add_double (builder, "exact_share_above_sigma", shares[2]);
          saddle_summary_add_double (builder, "exact_min_eigenvalue", r->dense->eigenvalues[0]);
          saddle_summary_add_double (builder, "exact_max_eigenvalue",
                                      r->dense->eigenvalues[r->dense->n - 1]);
        }
    }
}

static gboolean
write_hessian_summary (const char                *path,
                       const SaddleCliOptions    *options,
                       const SaddleDataset       *dataset,
                       const SaddleCriticalPoint *point,
                       const HessianResult       *r,
                       gsize                      n_params,
                       const char                *eigensolver,
                       int                        ranks,
                       GError                   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "weights");
  json_builder_add_string_value (builder, options->weights);
  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, saddle_cli_method_to_string (options->method));
  {
    g_autofree guint *widths = NULL;
    guint n = 0;

    widths = saddle_study_config_widths (&options->config, dataset, &n);
    saddle_summary_add_config (builder, &options->config, widths, n, dataset->n_samples,
                               dataset->name);
  }
  if (point != NULL)
    {
      saddle_summary_add_point (builder, point);
      /* Who solved it and how long each half took: the numbers `bench --mpi --hessian` and the
       * README's cluster table come from. */
      json_builder_set_member_name (builder, "eigensolver");
      json_builder_add_string_value (builder, eigensolver);
      json_builder_set_member_name (builder, "ranks");
      json_builder_add_int_value (builder, ranks);
      json_builder_set_member_name (builder, "seconds_hessian");
      json_builder_add_double_value (builder, point->seconds_hessian);
      json_builder_set_member_name (builder, "seconds_eigen");
      json_builder_add_double_value (builder, point->seconds_eigen);
    }
  else
    json_add_matrix_free (builder, options, r, n_params);
  if (r->slice != NULL)
    saddle_summary_add_slice (builder, r->slice);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return saddle_summary_write_json (path, root, error);
}

static void
print_newton_reach (const SaddleNewtonReach *reach)
{
  if (!isfinite (reach->residual))
    printf ("Newton reach: not measured\n");
  else if (saddle_newton_reach_found (reach))
    {
      printf ("Newton reach: the local quadratic model's critical point is ‖δ‖ = %.3g away",
              reach->distance);
      if (reach->kinks_crossed > 0)
        printf (", across %" G_GUINT64_FORMAT " ReLU kinks", reach->kinks_crossed);
      printf (" (MINRES, %u HVPs)\n", reach->iterations);
    }
  else if (reach->converged)
    {
      printf ("Newton reach: no critical point of the local quadratic model at tolerance %g: "
              "MINRES converged (%u HVPs) leaving %.2g of ∇L on directions H maps below "
              "%g·‖H‖ (‖δ‖ = %.3g", reach->tolerance, reach->iterations, reach->residual,
              reach->tolerance, reach->distance);
      if (reach->kinks_crossed > 0)
        printf (", across %" G_GUINT64_FORMAT " ReLU kinks", reach->kinks_crossed);
      printf (")\n");
    }
  else
    {
      printf ("Newton reach: not settled: MINRES stopped early after %u HVPs (cap %u, tolerance "
              "%g) with %.2g of ∇L unexplained (‖δ‖ = %.3g so far", reach->iterations,
              (guint) SADDLE_NEWTON_REACH_MAX_ITER, reach->tolerance, reach->residual,
              reach->distance);
      if (reach->kinks_crossed > 0)
        printf (", across %" G_GUINT64_FORMAT " ReLU kinks", reach->kinks_crossed);
      printf (")\n");
    }
}

static void
print_dense (const SaddleStudyConfig      *config,
             const SaddleCriticalSettings *settings,
             const SaddleCriticalPoint    *point)
{
  const SaddleSpectrum *s = point->spectrum;

  printf ("Loss: %.10g\n", point->loss);
  if (isfinite (point->accuracy))
    printf ("Accuracy: %.2f%%\n", 100.0 * point->accuracy);
  if (config->descent_steps > 0 || config->newton_steps > 0)
    printf ("‖∇L‖: %.6g (from %.6g; %.6g after %u ‖∇L‖² descent steps, then %u Newton steps)\n",
            point->grad_norm, point->grad_norm_start, point->grad_norm_descent, point->steps,
            point->newton_steps);
  else
    printf ("‖∇L‖: %.6g\n", point->grad_norm);
  printf ("Eigenvalues: %" G_GSIZE_FORMAT " positive, %" G_GSIZE_FORMAT " negative, %"
          G_GSIZE_FORMAT " zero\n", s->positive, s->negative, s->zero);
  printf ("Tolerance: |λ| ≤ %g·max|λ| = %.3g counts as zero (max|λ| = %.6g)\n",
          s->tolerance, s->tolerance * s->max_abs, s->max_abs);
  printf ("Minimal ratio: %.6f (share of λ > 0 among all %" G_GSIZE_FORMAT " eigenvalues)\n",
          s->minimal_ratio, s->n);
  printf ("Non-zero ratio: %.6f (positive / (positive + negative))\n", s->nonzero_ratio);
  printf ("Smallest / largest eigenvalue: %.6g / %.6g\n", s->n > 0 ? s->eigenvalues[0] : NAN,
          s->n > 0 ? s->eigenvalues[s->n - 1] : NAN);
  printf ("Dead units: %u (ReLU units never active on the training set)\n", point->dead_units);
  print_hg_ratio (point->hg_ratio, point->grad_norm);
  if (isfinite (point->reach.residual))
    print_newton_reach (&point->reach);
  saddle_cli_print_point_measures (settings, point);
  printf ("Label: %s (%s)\n", saddle_critical_label_to_string (point->label),
          saddle_critical_label_title (point->label));
}

static void
print_matrix_free (const SaddleCliOptions *options,
                   const HessianResult    *r)
{
  const SaddleStudyConfig *config = &options->config;

  printf ("Loss: %.10g\n", r->loss);
  if (isfinite (r->accuracy))
    printf ("Accuracy: %.2f%%\n", 100.0 * r->accuracy);
  if (config->descent_steps > 0 || config->newton_steps > 0)
    printf ("‖∇L‖: %.6g (from %.6g; %.6g after %u ‖∇L‖² descent steps, then %u Newton steps)\n",
            r->grad_norm, r->grad_norm_start, r->grad_norm_descent, r->steps, r->newton_steps);
  else
    printf ("‖∇L‖: %.6g\n", r->grad_norm);
  printf ("Dead units: %u (ReLU units never active on the training set)\n", r->dead_units);
  print_hg_ratio (r->hg_ratio, r->grad_norm);
  print_newton_reach (&r->reach);

  if (options->method == SADDLE_CLI_METHOD_LANCZOS)
    {
      printf ("Lanczos: the %" G_GSIZE_FORMAT " lowest and %" G_GSIZE_FORMAT " highest distinct "
              "eigenvalues after %" G_GSIZE_FORMAT " Lanczos steps (full reorthogonalisation; "
              "%s, largest relative residual %.2g%s). An eigenvalue repeated exactly may show "
              "once.\n", r->k, r->k, r->info.iterations,
              r->info.converged ? "converged" : "NOT converged: raise --iterations",
              r->info.residual, r->info.restarts > 0 ? ", restarted" : "");
      printf ("%-8s %5s %24s %12s\n", "end", "rank", "eigenvalue", "‖Hv − λv‖");
      for (guint end = 0; end < 2; end++)
        for (gsize i = 0; i < r->k; i++)
          printf ("%-8s %5" G_GSIZE_FORMAT " %24.16g %12.3g\n", end == 0 ? "lowest" : "highest",
                  i + 1, end == 0 ? r->lowest[i] : r->highest[i],
                  end == 0 ? r->residual_low[i] : r->residual_high[i]);
      printf ("Verdict: %s\n", r->verdict);
    }
  else if (r->density != NULL)
    {
      const SaddleDensity *d = r->density;
      double shares[3];

      density_shares (d, shares);
      printf ("Stochastic Lanczos quadrature: %u probe vectors × %u Lanczos steps, Gaussian "
              "width σ = %.3g\n", d->probes, d->iterations, d->sigma);
      printf ("Estimated share of the smoothed spectrum below −σ %.4f, within ±σ %.4f, above σ "
              "%.4f; mean eigenvalue (trace / n) %.6g\n", shares[0], shares[1], shares[2],
              saddle_density_mean (d));
      if (r->dense != NULL)
        {
          dense_shares (r->dense, d->sigma, shares);
          printf ("Exact (dense, overlaid on density.svg; the same smoothing): below −σ %.4f, "
                  "within ±σ %.4f, above σ %.4f; mean eigenvalue %.6g; λ from %.6g to %.6g\n", shares[0],
                  shares[1], shares[2], spectrum_mean (r->dense), r->dense->eigenvalues[0],
                  r->dense->eigenvalues[r->dense->n - 1]);
        }
      else if (r->dense_note != NULL)
        printf ("Note: %s\n", r->dense_note);
    }
}

/* hessian under mpirun shares the dense Hessian over the ranks (--eigensolver elpa or
 * scalapack); the options that only make sense there are refused elsewhere. Rank 0 says why. */
static gboolean
check_eigensolver (const SaddleCliOptions *options,
                   gboolean                distributed)
{
  const char *problem = NULL;

  if (distributed)
    return TRUE;
  if (saddle_cli_mpi_parallel ())
    problem = options->method != SADDLE_CLI_METHOD_DENSE
              ? "hessian shares its work over MPI ranks only with --method dense"
              : "--eigensolver lapack runs in one process: run it without mpirun (or with -np 1)";
  else if (options->eigensolver == SADDLE_CLI_EIGENSOLVER_ELPA
           || options->eigensolver == SADDLE_CLI_EIGENSOLVER_SCALAPACK)
    problem = SADDLE_HAVE_MPI
              ? "--eigensolver elpa and scalapack run over the ranks of an mpirun: "
                "mpirun -np P saddle-cli hessian …"
              : "--eigensolver elpa and scalapack need MPI, and this saddle-cli was built "
                "without it (meson option -Dmpi)";
  else if (options->memory_per_rank > 0 || options->eigenvectors > 0)
    problem = "--memory-per-rank and --eigenvectors apply under mpirun with --eigensolver elpa "
              "or scalapack";
  if (problem != NULL && saddle_cli_mpi_rank () == 0)
    fprintf (stderr, "saddle-cli: %s\n", problem);
  return problem == NULL;
}

int
saddle_cli_run_hessian (SaddleCliOptions *options)
{
  SaddleStudyConfig *config = &options->config;
  /* The spectrum is of the weights in this file, not of a study's run. */
  g_autofree char *weights_name = g_path_get_basename (options->weights);
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleCriticalPoint) point = NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autoptr(SaddleWeightsFile) weights_file = NULL;
  g_autofree char *model_text = NULL;
  g_autofree char *count_text = NULL;
  SaddleCriticalSettings settings;
  g_autoptr(SaddleStaging) staging = NULL;
  char *final_out = NULL;
  SaddleCliProgress progress = { 0 };
  SaddleBatch batch = { 0 };
  HessianResult result = { 0 };
  const double *analysed;
  gsize n_params;
  gsize n = 0;
  gboolean ok;
  int status = SADDLE_CLI_EXIT_OK;
  gboolean distributed = FALSE;
  g_autofree char *eigensolver_text = NULL;
  const char *solver_name = "lapack";
  int ranks = 1;
  const double *extremes = NULL;     /* (2 · n_extremes, n_params) from the ranks, or NULL */
  gsize n_extremes = 0;
  SaddleSliceEnds ends;
#if SADDLE_HAVE_MPI
  g_autoptr(SaddleCliDistributedHessian) shared = NULL;

  distributed = saddle_cli_distributed_hessian_wanted (options);
#endif

  if (!check_eigensolver (options, distributed))
    return SADDLE_CLI_EXIT_USAGE;
  if (config->threads > 0)
    openblas_set_num_threads ((int) config->threads);
  if ((dataset = load_dataset (config, &error)) == NULL)
    return saddle_cli_report_error (error);
  if ((model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    return saddle_cli_report_error (error);
  n_params = saddle_model_n_params (model);
  model_text = model_description (config, dataset);

  /* Sizes known only now, but still a bad option: refused before any work. */
  if (options->method == SADDLE_CLI_METHOD_LANCZOS)
    {
      g_autofree char *count = saddle_format_count (n_params);
      gsize steps = options->iterations > 0 ? options->iterations
                                            : SADDLE_CLI_LANCZOS_DEFAULT_STEPS;

      if (options->k > n_params)
        {
          fprintf (stderr, "saddle-cli: --k %u asks for more eigenvalues at each end than the "
                   "%s parameters of the %s model have\n", options->k, count, model_text);
          return SADDLE_CLI_EXIT_USAGE;
        }
      if (MIN (steps, n_params) < options->k)
        {
          fprintf (stderr, "saddle-cli: --iterations %" G_GSIZE_FORMAT " Lanczos steps cannot "
                   "give --k %u eigenvalues at each end: allow at least %u\n", steps, options->k,
                   options->k);
          return SADDLE_CLI_EXIT_USAGE;
        }
    }

  if ((gsize) options->eigenvectors * 2 > n_params)
    {
      g_autofree char *count = saddle_format_count (n_params);

      if (saddle_cli_mpi_rank () == 0)
        fprintf (stderr, "saddle-cli: --eigenvectors %u asks for more eigenvectors at both ends "
                 "than the %s parameters of the %s model have\n", options->eigenvectors, count,
                 model_text);
      return SADDLE_CLI_EXIT_USAGE;
    }

  /* Read once, while the options were parsed; read again here only to say why it failed. */
  weights_file = g_steal_pointer (&options->weights_file);
  if (weights_file == NULL
      && (weights_file = saddle_weights_file_read (options->weights, &error)) == NULL)
    {
      fprintf (stderr, "saddle-cli: Cannot read the weights “%s”: %s\n", options->weights,
               error->message);
      return SADDLE_CLI_EXIT_FAILED;
    }
  theta = g_steal_pointer (&weights_file->theta);
  n = weights_file->n_params;
  if (n != n_params)
    {
      const char *saved = weights_file->options;
      g_autofree char *have = saddle_format_count (n);
      g_autofree char *want = saddle_format_count (n_params);
      g_autofree char *hidden = saddle_study_config_hidden_string (config);

      g_autofree guint *widths = NULL;
      g_autofree char *shape = NULL;
      guint n_widths = 0;

      widths = saddle_study_config_widths (config, dataset, &n_widths);
      shape = saddle_cli_format_widths (widths, n_widths);
      fprintf (stderr, "saddle-cli: “%s” holds %s parameters, but the %s %s model (--task %s "
               "--hidden '%s') has %s: pass the options the weights were trained with%s%s%s\n",
               options->weights, have, shape, saddle_activation_to_string (config->activation),
               saddle_task_to_string (config->task), hidden, want,
               saved != NULL ? " (the file says: " : "", saved != NULL ? saved : "",
               saved != NULL ? ")" : "");
      return SADDLE_CLI_EXIT_FAILED;
    }
  for (gsize i = 0; i < n; i++)
    if (!isfinite (theta[i]))
      {
        fprintf (stderr, "saddle-cli: “%s”: parameter %" G_GSIZE_FORMAT " is not finite (%g)\n",
                 options->weights, i + 1, theta[i]);
        return SADDLE_CLI_EXIT_FAILED;
      }
#if SADDLE_HAVE_MPI
  /* Every rank has read the same model, data and weights: the memory check is theirs together,
   * then the ranks above 0 only serve rank 0's Hessians. */
  if (distributed)
    {
      shared = saddle_cli_distributed_hessian_new (options, model, dataset->n_samples, &error);
      if (shared == NULL)
        return saddle_cli_mpi_rank () == 0 ? report_hessian_error (error, &progress)
                                           : SADDLE_CLI_EXIT_FAILED;
      if (saddle_cli_mpi_rank () > 0)
        {
          saddle_batch_init_full (&batch, dataset);
          saddle_cli_distributed_hessian_serve (shared, model, &batch);
          return saddle_cli_signals_stop_requested () ? saddle_cli_signals_exit_status ()
                                                      : SADDLE_CLI_EXIT_OK;
        }
      eigensolver_text = saddle_cli_distributed_hessian_describe (shared);
      solver_name = saddle_cli_distributed_hessian_solver (shared);
      ranks = saddle_cli_distributed_hessian_ranks (shared);
    }
#endif
  staging = open_output (options, ((guint64) 16 << 20) + (guint64) n_params * 60, &final_out,
                         &error);
  if (staging == NULL)
    return saddle_cli_report_error (error);

  saddle_study_config_critical_settings (config, &settings);
#if SADDLE_HAVE_MPI
  if (shared != NULL)
    saddle_cli_distributed_hessian_attach (shared, &settings);
#endif

  config->runs = 1;
  config->first_run = 0;
  saddle_batch_init_full (&batch, dataset);
  saddle_cli_progress_init (&progress, config, TRUE, options->quiet);

  if (options->method == SADDLE_CLI_METHOD_DENSE)
    {
      /* Moved towards ∇L = 0 first only when asked (--descent-steps, --newton-steps). */
      if (config->descent_steps > 0 || config->newton_steps > 0)
        point = saddle_critical_find (model, theta, &batch, &settings, 0,
                                      saddle_cli_progress_event_cb, &progress, &error);
      else
        point = saddle_critical_analyse (model, theta, &batch, &settings, 0,
                                         saddle_cli_progress_event_cb, &progress, &error);
      ok = point != NULL;
    }
  else
    {
      ok = (config->descent_steps == 0 && config->newton_steps == 0)
           || move_weights (model, theta, &batch, &settings, &progress, &result, &error);
      ok = ok && measure_point (model, theta, &batch, &progress, &result, &error);
      if (ok && config->descent_steps == 0 && config->newton_steps == 0)
        result.grad_norm_start = result.grad_norm_descent = result.grad_norm;
      if (ok && options->method == SADDLE_CLI_METHOD_LANCZOS)
        ok = hessian_lanczos (options, model, theta, &batch, &progress, &result, &error);
      else if (ok)
        ok = hessian_slq (options, model, theta, &batch, &progress, &result, &error);
    }
  analysed = point != NULL && point->params != NULL ? point->params : theta;
#if SADDLE_HAVE_MPI
  if (ok && shared != NULL)
    extremes = saddle_cli_distributed_hessian_extremes (shared, &n_extremes);
#endif
  if (extremes != NULL)
    {
      ends.lambda_bottom = point->spectrum->eigenvalues[0];
      ends.v_bottom = extremes;
      ends.lambda_top = point->spectrum->eigenvalues[n_params - 1];
      ends.v_top = extremes + (2 * n_extremes - 1) * n_params;
    }
  if (ok && options->slice)
    ok = hessian_slice (options, model, analysed, &batch, extremes != NULL ? &ends : NULL,
                        &progress, &result, &error);
  saddle_cli_progress_finish (&progress);
  if (!ok)
    {
      close_output (options, staging, final_out, FALSE, NULL, NULL);
      status = report_hessian_error (error, &progress);
      saddle_batch_clear (&batch);
      hessian_result_clear (&result);
      return status;
    }

  count_text = saddle_format_count (n_params);
  printf ("Weights: %s\n", options->weights);
  printf ("Model: %s on %s\n", model_text, dataset->name);
  printf ("Parameters: %s\n", count_text);
  printf ("Method: %s\n", saddle_cli_method_to_string (options->method));
  if (eigensolver_text != NULL)
    printf ("Eigensolver: %s\n", eigensolver_text);
  if (point != NULL)
    print_dense (config, &settings, point);
  else
    print_matrix_free (options, &result);
  if (result.slice != NULL)
    print_slice (result.slice, "along the bottom and top Hessian eigenvectors");

  if (point != NULL)
    {
      WRITE ("eigenvalues.csv", saddle_cli_write_eigenvalues_csv (path, point->spectrum, error));
      WRITE ("spectrum.svg", saddle_cli_write_spectrum_svg (path, point, weights_name, error));
      if (extremes != NULL && options->eigenvectors > 0)
        WRITE ("eigenvectors.csv", saddle_cli_write_eigenvectors_csv (path, extremes,
                                                                      n_extremes, n_params,
                                                                      error));
    }
  else if (options->method == SADDLE_CLI_METHOD_LANCZOS)
    WRITE ("extremes.csv", saddle_cli_write_extremes_csv (path, result.lowest, result.highest,
                                                          result.residual_low,
                                                          result.residual_high, result.k, error));
  else
    {
      WRITE ("density.csv", saddle_cli_write_density_csv (path, result.density, error));
      WRITE ("density.svg", saddle_cli_write_density_svg (path, result.density, result.dense,
                                                          error));
    }
  if (result.slice != NULL)
    {
      WRITE ("slice.csv", saddle_slice_write_csv (result.slice, path, error));
      WRITE ("slice.svg", saddle_cli_write_slice_svg (path, result.slice, error));
    }
  WRITE ("summary.json", write_hessian_summary (path, options, dataset, point, &result, n_params,
                                                solver_name, ranks, error));
  if (options->save_weights != NULL)
    {
      g_autoptr(GError) save_error = NULL;
      g_autofree guint *widths = NULL;
      guint n_widths = 0;

      widths = saddle_study_config_widths (config, dataset, &n_widths);
      ok = save_weights (options->save_weights, config, "hessian", dataset->name, 0, widths,
                         n_widths, analysed, n_params, &save_error);
      note_written (written, problems, options->save_weights, ok, save_error);
    }
  close_output (options, staging, final_out, TRUE, written, problems);
  print_files (written, problems);

  saddle_batch_clear (&batch);
  hessian_result_clear (&result);
  return problems->len > 0 ? SADDLE_CLI_EXIT_FAILED : SADDLE_CLI_EXIT_OK;
}

static gint
compare_runs (gconstpointer a,
              gconstpointer b)
{
  const SaddleCriticalPoint *p = *(SaddleCriticalPoint * const *) a;
  const SaddleCriticalPoint *q = *(SaddleCriticalPoint * const *) b;

  return (p->run > q->run) - (p->run < q->run);
}

/* Says so when @dir's summary.json records an interrupted study: its runs are a part of what
 * was asked for, and the merge holds fewer than the ranges suggest. */
static void
warn_if_interrupted (const char *dir,
                     guint       points)
{
  g_autofree char *path = g_build_filename (dir, "summary.json", NULL);
  g_auto(SaddleSummary) summary = { 0 };

  /* A summary that cannot be read says nothing either way: the merge goes on. */
  if (saddle_summary_read (path, &summary, NULL) && summary.cancelled)
    printf ("Note: %s holds an interrupted study: %u of its %u runs were analysed\n", dir,
            points, summary.config.runs);
}

int
saddle_cli_run_merge (SaddleCliOptions *options)
{
  /* The first file's tolerance, which every other must share. */
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (NAN);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) owners = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleStaging) staging = NULL;
  char *final_out = NULL;
  SaddleCriticalStats stats;

  for (guint d = 0; options->inputs[d] != NULL; d++)
    {
      const char *dir = options->inputs[d];
      g_autofree char *critical = g_build_filename (dir, "critical.csv", NULL);
      g_autofree char *eigenvalues = g_build_filename (dir, "eigenvalues.csv", NULL);
      guint before = set->points->len;

      if (!saddle_critical_set_read_csv (set, critical, eigenvalues, &error))
        return saddle_cli_report_error (error);
      warn_if_interrupted (dir, set->points->len - before);

      for (guint i = before; i < set->points->len;)
        {
          const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);
          const char *owner = g_hash_table_lookup (owners, GUINT_TO_POINTER (point->run + 1));

          /* The same run twice means overlapping --first-run ranges: which copy is meant? */
          if (owner != NULL)
            {
              if (owner == dir)
                g_set_error (&error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                             "run %u is in %s twice", point->run + 1, dir);
              else
                g_set_error (&error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                             "run %u is in both %s and %s: were the --first-run ranges meant to "
                             "overlap?", point->run + 1, owner, dir);
              return saddle_cli_report_error (error);
            }
          g_hash_table_insert (owners, GUINT_TO_POINTER (point->run + 1), (gpointer) dir);
          /* Spectra of different lengths come from different networks: not one study. */
          if (point->spectrum != NULL && set->points->len > 0)
            {
              const SaddleCriticalPoint *first = g_ptr_array_index (set->points, 0);

              if (first->spectrum != NULL && first->n_params != point->n_params)
                {
                  g_set_error (&error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                               "run %u in %s has %" G_GSIZE_FORMAT " parameters, run %u %"
                               G_GSIZE_FORMAT ": studies of different networks do not merge",
                               point->run + 1, dir, point->n_params, first->run + 1,
                               first->n_params);
                  return saddle_cli_report_error (error);
                }
            }
          /* A row without counts is an analysis that did not finish: nothing to merge. */
          if (point->spectrum == NULL)
            {
              fprintf (stderr, "saddle-cli: %s: run %u has no spectrum (its analysis did not "
                               "finish); left out\n", dir, point->run + 1);
              g_ptr_array_remove_index (set->points, i);
              continue;
            }
          i++;
        }
      printf ("%s: %u point%s\n", dir, set->points->len - before,
              set->points->len - before == 1 ? "" : "s");
    }

  if (set->points->len == 0)
    {
      g_set_error (&error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                   "No analysed point in %s%s to merge", options->inputs[0],
                   options->inputs[1] != NULL ? " and the others" : "");
      return saddle_cli_report_error (error);
    }
  g_ptr_array_sort (set->points, compare_runs);
  staging = open_output (options, ((guint64) 16 << 20) + (guint64) set->points->len * (1 << 20),
                         &final_out, &error);
  if (staging == NULL)
    return saddle_cli_report_error (error);
  write_critical_set_files (options, set, NULL, &stats, written, problems);
  close_output (options, staging, final_out, TRUE, written, problems);
  print_critical_table (set, &options->config, &stats, options->pb_fit);
  print_files (written, problems);
  return problems->len > 0 ? SADDLE_CLI_EXIT_FAILED : SADDLE_CLI_EXIT_OK;
}
