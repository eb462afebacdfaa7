/* saddle-cli-commands.c — what the commands share: the data, the weights files, the staged --out
 * and the list of files written */
#define G_LOG_DOMAIN "saddle-cli-commands"

#include "config.h"

#include <stdio.h>

#include "saddle-cli-commands-private.h"
#include "saddle-cli-fields.h"
#include "saddle-cli-output.h"
#include "saddle-format.h"
#include "saddle-weights-file.h"

SaddleDataset *
saddle_cli_load_dataset (const SaddleStudyConfig *config,
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

char *
saddle_cli_model_description (const SaddleStudyConfig *config,
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
  else if (config->task == SADDLE_TASK_FUNCTION)
    g_string_append_printf (s, " --function %s", saddle_function_to_string (config->function));
  if (config->label_column != NULL)
    {
      g_autofree char *quoted = g_shell_quote (config->label_column);

      g_string_append_printf (s, " --label-column %s", quoted);
    }
  if (config->standardize)
    g_string_append (s, " --standardize");
  return g_string_free (s, FALSE);
}

gboolean
saddle_cli_save_weights (const char              *path,
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

/* Records a written file, or the reason it could not be written. */
void
saddle_cli_note_written (GPtrArray  *written,
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

void
saddle_cli_print_slice (const SaddleSlice *slice,
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

void
saddle_cli_print_files (GPtrArray *written,
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
 * folder until saddle_cli_close_output(); @final_out keeps the real one. */
SaddleStaging *
saddle_cli_open_output (SaddleCliOptions  *options,
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
void
saddle_cli_close_output (SaddleCliOptions *options,
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
