/* saddle-cli-commands.c — the study commands and hessian: run, write the files, print a summary */
#define G_LOG_DOMAIN "saddle-cli-commands"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cblas.h>

#include "saddle-cli-commands.h"
#include "saddle-cli-output.h"
#include "saddle-cli-progress.h"
#include "saddle-critical.h"
#include "saddle-weights.h"

/* Prefix of the weights-file comment line that records how to rebuild the model. */
#define OPTIONS_LINE "options: "

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

  if (config->data_path != NULL && config->task == SADDLE_TASK_IMAGE
      && g_file_test (config->data_path, G_FILE_TEST_IS_REGULAR))
    g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                 "Cannot load the training data “%s”: the image task reads a folder of IDX files "
                 "(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz); for a CSV of x,y rows "
                 "use --task function", config->data_path);
  else if (config->data_path != NULL)
    g_set_error (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                 "Cannot load the training data “%s”: %s", config->data_path, local_error->message);
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
  count = saddle_cli_format_count (saddle_model_count_params (widths, n));
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
  else if (config->task == SADDLE_TASK_FUNCTION)
    g_string_append_printf (s, " --function %s", saddle_function_to_string (config->function));
  return g_string_free (s, FALSE);
}

static gboolean
save_weights (const char              *path,
              const SaddleStudyConfig *config,
              const char              *command,
              const char              *dataset_name,
              guint                    run,
              const double            *theta,
              gsize                    n,
              GError                 **error)
{
  g_autofree char *options = model_options (config);
  g_autofree char *header = NULL;

  header = g_strdup_printf ("saddle-cli %s, run %u, seed %" G_GUINT64_FORMAT ", %s\n"
                            "%s%s\n"
                            "%" G_GSIZE_FORMAT " parameters in flat order: per layer the "
                            "weights (out × in, row-major), then the biases",
                            command, run + 1, config->seed, dataset_name,
                            OPTIONS_LINE, options, n);
  return saddle_weights_save (path, theta, n, header, error);
}

/* The "options:" comment a weights file carries, if any (g_free). */
static char *
weights_file_options (const char *path)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  lines = g_strsplit (contents, "\n", 16);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (*line != '#')
        continue;
      while (*line == '#' || *line == ' ')
        line++;
      if (g_str_has_prefix (line, OPTIONS_LINE))
        return g_strstrip (g_strdup (line + strlen (OPTIONS_LINE)));
    }
  return NULL;
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
            "Newton steps, then the full Hessian; zero band |λ| ≤ %g·max|λ|\n",
            config->descent_steps, config->descent_lr, config->grad_tolerance,
            config->newton_steps, config->zero_tolerance);
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
          trajectory->layer, trajectory->layer_size,
          100.0 * trajectory->layer_pca->explained_ratio[0],
          100.0 * (trajectory->layer_pca->n_components > 1
                   ? trajectory->layer_pca->explained_ratio[1] : 0.0));
  print_surface_summary (trajectory);
}

typedef struct
{
  guint  labels[SADDLE_CRITICAL_UNCONVERGED + 1];
  double mean_minimal_ratio;
  double mean_nonzero_ratio;
  double correlation;
  guint  n;
} CriticalStats;

static void
critical_stats (const SaddleCriticalSet *set,
                CriticalStats           *stats)
{
  g_autofree double *ratio = g_new0 (double, MAX (1u, set->points->len));
  g_autofree double *loss = g_new0 (double, MAX (1u, set->points->len));
  double sum_nonzero = 0.0;
  guint n_nonzero = 0;
  double sum = 0.0;

  memset (stats, 0, sizeof *stats);
  stats->n = set->points->len;
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);

      if ((guint) point->label <= SADDLE_CRITICAL_UNCONVERGED)
        stats->labels[point->label]++;
      ratio[i] = point->spectrum->minimal_ratio;
      loss[i] = point->loss;
      sum += ratio[i];
      if (isfinite (point->spectrum->nonzero_ratio))
        {
          sum_nonzero += point->spectrum->nonzero_ratio;
          n_nonzero++;
        }
    }
  stats->mean_minimal_ratio = stats->n > 0 ? sum / stats->n : NAN;
  stats->mean_nonzero_ratio = n_nonzero > 0 ? sum_nonzero / n_nonzero : NAN;
  stats->correlation = saddle_cli_correlation (ratio, loss, stats->n);
}

static void
print_critical_table (const SaddleCriticalSet *set,
                      const CriticalStats     *stats)
{
  printf ("\n%-5s %11s %10s %10s %10s %6s %6s %6s %6s %6s %8s %8s %5s  %s\n",
          "run", "loss", "|g| start", "|g| desc.", "|g|", "steps", "newton", "pos", "neg", "zero",
          "min.rat", "nz.rat", "dead", "label");
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      const SaddleSpectrum *s = p->spectrum;

      printf ("%-5u %11.5g %10.3g %10.3g %10.3g %6u %6u %6" G_GSIZE_FORMAT " %6" G_GSIZE_FORMAT
              " %6" G_GSIZE_FORMAT " %8.4f %8.4f %5u  %s\n",
              p->run + 1, p->loss, p->grad_norm_start, p->grad_norm_descent, p->grad_norm,
              p->steps, p->newton_steps, s->positive, s->negative, s->zero, s->minimal_ratio,
              s->nonzero_ratio, p->dead_units, saddle_critical_label_to_string (p->label));
    }

  printf ("\nAnalysed %u critical point%s; zero band |λ| ≤ %g·max|λ|\n", stats->n,
          stats->n == 1 ? "" : "s", set->tolerance);
  printf ("Labels:");
  for (guint l = 0; l <= SADDLE_CRITICAL_UNCONVERGED; l++)
    printf ("%s %s %u", l > 0 ? "," : "", saddle_critical_label_to_string (l), stats->labels[l]);
  printf ("\nMean minimal ratio (share of λ > 0 among all eigenvalues): %.4f\n",
          stats->mean_minimal_ratio);
  printf ("Mean non-zero ratio (positive / (positive + negative)): %.4f\n",
          stats->mean_nonzero_ratio);
  if (isfinite (stats->correlation))
    printf ("Correlation of minimal ratio with loss: r = %.3f over %u points\n",
            stats->correlation, stats->n);
  else
    printf ("Correlation of minimal ratio with loss: undefined (needs 2 points that differ)\n");
}

static void
json_add_point (JsonBuilder               *builder,
                const SaddleCriticalPoint *p)
{
  const SaddleSpectrum *s = p->spectrum;

  /* Counted from 1, as in the CSV files, the charts and the messages. */
  json_builder_set_member_name (builder, "run");
  json_builder_add_int_value (builder, p->run + 1);
  saddle_cli_json_add_double (builder, "loss", p->loss);
  saddle_cli_json_add_double (builder, "accuracy", p->accuracy);
  saddle_cli_json_add_double (builder, "grad_norm_start", p->grad_norm_start);
  saddle_cli_json_add_double (builder, "grad_norm_descent", p->grad_norm_descent);
  saddle_cli_json_add_double (builder, "grad_norm", p->grad_norm);
  saddle_cli_json_add_double (builder, "hg_ratio", p->hg_ratio);
  json_builder_set_member_name (builder, "steps");
  json_builder_add_int_value (builder, p->steps);
  json_builder_set_member_name (builder, "newton_steps");
  json_builder_add_int_value (builder, p->newton_steps);
  json_builder_set_member_name (builder, "n_params");
  json_builder_add_int_value (builder, (gint64) p->n_params);
  json_builder_set_member_name (builder, "positive");
  json_builder_add_int_value (builder, (gint64) s->positive);
  json_builder_set_member_name (builder, "negative");
  json_builder_add_int_value (builder, (gint64) s->negative);
  json_builder_set_member_name (builder, "zero");
  json_builder_add_int_value (builder, (gint64) s->zero);
  saddle_cli_json_add_double (builder, "minimal_ratio", s->minimal_ratio);
  saddle_cli_json_add_double (builder, "nonzero_ratio", s->nonzero_ratio);
  saddle_cli_json_add_double (builder, "tolerance", s->tolerance);
  saddle_cli_json_add_double (builder, "max_abs_eigenvalue", s->max_abs);
  json_builder_set_member_name (builder, "dead_units");
  json_builder_add_int_value (builder, p->dead_units);
  saddle_cli_json_add_double (builder, "asymmetry", p->asymmetry);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, saddle_critical_label_to_string (p->label));
}

static void
json_add_config (JsonBuilder             *builder,
                 const SaddleStudyConfig *config,
                 const SaddleDataset     *dataset,
                 const char              *dataset_name)
{
  g_autofree guint *widths = NULL;
  guint n = 0;

  json_builder_set_member_name (builder, "dataset");
  json_builder_add_string_value (builder, dataset_name);
  json_builder_set_member_name (builder, "task");
  json_builder_add_string_value (builder, saddle_task_to_string (config->task));
  json_builder_set_member_name (builder, "widths");
  json_builder_begin_array (builder);
  widths = saddle_study_config_widths (config, dataset, &n);
  for (guint i = 0; i < n; i++)
    json_builder_add_int_value (builder, widths[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "activation");
  json_builder_add_string_value (builder, saddle_activation_to_string (config->activation));
  json_builder_set_member_name (builder, "n_params");
  json_builder_add_int_value (builder, (gint64) saddle_model_count_params (widths, n));
  json_builder_set_member_name (builder, "samples");
  json_builder_add_int_value (builder, (gint64) dataset->n_samples);
  saddle_cli_json_add_double (builder, "tolerance", config->zero_tolerance);
  saddle_cli_json_add_double (builder, "grad_tolerance", config->grad_tolerance);
  json_builder_set_member_name (builder, "descent_steps");
  json_builder_add_int_value (builder, config->descent_steps);
  json_builder_set_member_name (builder, "newton_steps_max");
  json_builder_add_int_value (builder, config->newton_steps);
  saddle_cli_json_add_double (builder, "descent_lr", config->descent_lr);
}

static gboolean
write_critical_summary (const char               *path,
                        const SaddleStudyResults *results,
                        const SaddleDataset      *dataset,
                        const CriticalStats      *stats,
                        GError                  **error)
{
  const SaddleStudyConfig *config = &results->config;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "study");
  json_builder_add_string_value (builder, "critical");
  json_add_config (builder, config, dataset, results->dataset_name);
  json_builder_set_member_name (builder, "optimizer");
  json_builder_add_string_value (builder, saddle_optimizer_kind_to_string (config->optimizer));
  saddle_cli_json_add_double (builder, "lr", config->lr);
  json_builder_set_member_name (builder, "batch");
  json_builder_add_int_value (builder, config->batch);
  json_builder_set_member_name (builder, "epochs");
  json_builder_add_int_value (builder, config->epochs);
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) config->seed);
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, config->runs);
  json_builder_set_member_name (builder, "first_run");
  json_builder_add_int_value (builder, config->first_run + 1);
  json_builder_set_member_name (builder, "cancelled");
  json_builder_add_boolean_value (builder, results->cancelled);
  json_builder_set_member_name (builder, "analysed");
  json_builder_add_int_value (builder, stats->n);
  json_builder_set_member_name (builder, "labels");
  json_builder_begin_object (builder);
  for (guint l = 0; l <= SADDLE_CRITICAL_UNCONVERGED; l++)
    {
      json_builder_set_member_name (builder, saddle_critical_label_to_string (l));
      json_builder_add_int_value (builder, stats->labels[l]);
    }
  json_builder_end_object (builder);
  saddle_cli_json_add_double (builder, "mean_minimal_ratio", stats->mean_minimal_ratio);
  saddle_cli_json_add_double (builder, "mean_nonzero_ratio", stats->mean_nonzero_ratio);
  saddle_cli_json_add_double (builder, "correlation_minimal_ratio_loss", stats->correlation);
  json_builder_set_member_name (builder, "failures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->failures->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (results->failures, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "points");
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->critical->points->len; i++)
    {
      json_builder_begin_object (builder);
      json_add_point (builder, g_ptr_array_index (results->critical->points, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return saddle_cli_write_json (path, root, error);
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
      break;

    case SADDLE_STUDY_GRADNORM:
      WRITE ("gradnorm.svg", saddle_cli_write_gradnorm_svg (path, results->history, error));
      break;

    case SADDLE_STUDY_CRITICAL:
    default:
      {
        const SaddleCriticalSet *set = results->critical;
        CriticalStats stats;

        critical_stats (set, &stats);
        WRITE ("critical.csv", saddle_critical_set_write_csv (set, path, error));
        WRITE ("eigenvalues.csv", saddle_critical_set_write_eigenvalues (set, path, error));
        WRITE ("critical.svg", saddle_cli_write_critical_svg (path, set, error));
        for (guint i = 0; i < set->points->len; i++)
          {
            const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);
            g_autofree char *name = g_strdup_printf ("spectrum-run%u.svg", point->run + 1);

            WRITE (name, saddle_cli_write_spectrum_svg (path, point, error));
            if (!options->spectra_all)
              break;
          }
        WRITE ("summary.json", write_critical_summary (path, results, dataset, &stats, error));
        print_critical_table (set, &stats);
      }
      break;
    }
}

static void
save_study_weights (SaddleCliOptions         *options,
                    const SaddleStudyResults *results,
                    GPtrArray                *written,
                    GPtrArray                *problems)
{
  const SaddleStudyConfig *config = &results->config;
  gboolean single = config->runs == 1;
  gboolean any = FALSE;

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
                         results->dataset_name, config->first_run + i, theta,
                         results->n_params, &error);
      note_written (written, problems, path, ok, error);
    }
  if (!any)
    g_ptr_array_add (problems, g_strdup_printf ("--save-weights: no run has weights to save%s",
                                                results->final_params->len > 0
                                                  ? " (too many to keep in memory, or every "
                                                    "run failed)" : ""));
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
  fprintf (stderr, "saddle-cli: %s\n", error->message);
  if (g_error_matches (error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_USAGE)
      || g_error_matches (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_INVALID))
    return SADDLE_CLI_EXIT_USAGE;
  return SADDLE_CLI_EXIT_FAILED;
}

int
saddle_cli_run_study (SaddleCliOptions *options)
{
  SaddleStudyConfig *config = &options->config;
  SaddleStudyKind kind = study_kind (options->command);
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  SaddleCliProgress progress;
  gint64 start;

  if (!saddle_cli_ensure_dir (options->out_dir, &error))
    return saddle_cli_report_error (error);
  if ((dataset = load_dataset (config, &error)) == NULL)
    return saddle_cli_report_error (error);
  /* Fails early, before any training, on a task/data or size mismatch. */
  if ((model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    return saddle_cli_report_error (error);

  print_header (options, dataset);

  start = g_get_monotonic_time ();
  saddle_cli_progress_init (&progress, config, kind == SADDLE_STUDY_CRITICAL, options->quiet);
  results = saddle_study_run (config, kind, dataset, saddle_cli_progress_event_cb, &progress,
                              &error);
  saddle_cli_progress_finish (&progress);
  if (results == NULL)
    return saddle_cli_report_error (error);

  if (kind != SADDLE_STUDY_CRITICAL)
    print_training_summary (results);
  if (results->trajectory != NULL)
    print_trajectory_summary (results->trajectory);

  write_study_files (options, results, dataset, written, problems);
  if (options->save_weights != NULL)
    save_study_weights (options, results, written, problems);

  for (guint i = 0; i < results->failures->len; i++)
    printf ("Failed: %s\n", (const char *) g_ptr_array_index (results->failures, i));
  printf ("Time: %.1f s\n", (g_get_monotonic_time () - start) / (double) G_TIME_SPAN_SECOND);
  print_files (written, problems);

  if (results->cancelled)
    {
      fprintf (stderr, "saddle-cli: interrupted; the files above hold the runs done so far\n");
      return SADDLE_CLI_EXIT_INTERRUPTED;
    }
  return problems->len > 0 ? SADDLE_CLI_EXIT_FAILED : SADDLE_CLI_EXIT_OK;
}

static gboolean
write_hessian_summary (const char                *path,
                       const SaddleCliOptions    *options,
                       const SaddleDataset       *dataset,
                       const SaddleCriticalPoint *point,
                       GError                   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "weights");
  json_builder_add_string_value (builder, options->weights);
  json_add_config (builder, &options->config, dataset, dataset->name);
  json_add_point (builder, point);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return saddle_cli_write_json (path, root, error);
}

int
saddle_cli_run_hessian (SaddleCliOptions *options)
{
  SaddleStudyConfig *config = &options->config;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleCriticalPoint) point = NULL;
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autofree char *model_text = NULL;
  g_autofree char *count_text = NULL;
  SaddleCriticalSettings settings;
  SaddleCliProgress progress;
  SaddleBatch batch = { 0 };
  const SaddleSpectrum *s;
  gsize n_params;
  gsize n = 0;
  gboolean ok;

  if (config->threads > 0)
    openblas_set_num_threads ((int) config->threads);
  if (!saddle_cli_ensure_dir (options->out_dir, &error))
    return saddle_cli_report_error (error);
  if ((dataset = load_dataset (config, &error)) == NULL)
    return saddle_cli_report_error (error);
  if ((model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    return saddle_cli_report_error (error);
  n_params = saddle_model_n_params (model);
  model_text = model_description (config, dataset);

  theta = saddle_weights_load (options->weights, &n, &error);
  if (theta == NULL)
    {
      fprintf (stderr, "saddle-cli: Cannot read the weights “%s”: %s\n", options->weights,
               error->message);
      return SADDLE_CLI_EXIT_FAILED;
    }
  if (n != n_params)
    {
      g_autofree char *saved = weights_file_options (options->weights);
      g_autofree char *have = saddle_cli_format_count (n);
      g_autofree char *want = saddle_cli_format_count (n_params);
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

  saddle_critical_settings_init (&settings);
  settings.descent_steps = config->descent_steps;
  settings.descent_lr = config->descent_lr;
  settings.grad_tolerance = config->grad_tolerance;
  settings.zero_tolerance = config->zero_tolerance;
  settings.newton_steps = config->newton_steps;

  config->runs = 1;
  config->first_run = 0;
  saddle_batch_init_full (&batch, dataset);
  saddle_cli_progress_init (&progress, config, TRUE, options->quiet);
  /* Moved towards ∇L = 0 first only when asked (--descent-steps, --newton-steps). */
  if (config->descent_steps > 0 || config->newton_steps > 0)
    point = saddle_critical_find (model, theta, &batch, &settings, 0,
                                  saddle_cli_progress_event_cb, &progress, &error);
  else
    point = saddle_critical_analyse (model, theta, &batch, &settings, 0,
                                     saddle_cli_progress_event_cb, &progress, &error);
  saddle_cli_progress_finish (&progress);
  saddle_batch_clear (&batch);
  if (point == NULL)
    {
      if (progress.interrupted)
        {
          fprintf (stderr, "saddle-cli: interrupted\n");
          return SADDLE_CLI_EXIT_INTERRUPTED;
        }
      return saddle_cli_report_error (error);
    }
  s = point->spectrum;

  count_text = saddle_cli_format_count (n_params);
  printf ("Weights: %s\n", options->weights);
  printf ("Model: %s on %s\n", model_text, dataset->name);
  printf ("Parameters: %s\n", count_text);
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
  printf ("‖H·g‖/‖g‖: %.6g\n", point->hg_ratio);
  printf ("Label: %s\n", saddle_critical_label_to_string (point->label));

  WRITE ("eigenvalues.csv", saddle_cli_write_eigenvalues_csv (path, s, error));
  WRITE ("spectrum.svg", saddle_cli_write_spectrum_svg (path, point, error));
  WRITE ("summary.json", write_hessian_summary (path, options, dataset, point, error));
  if (options->save_weights != NULL)
    {
      g_autoptr(GError) save_error = NULL;

      ok = save_weights (options->save_weights, config, "hessian", dataset->name, 0,
                         point->params != NULL ? point->params : theta, n_params, &save_error);
      note_written (written, problems, options->save_weights, ok, save_error);
    }
  print_files (written, problems);

  return problems->len > 0 ? SADDLE_CLI_EXIT_FAILED : SADDLE_CLI_EXIT_OK;
}
