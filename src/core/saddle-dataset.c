/* saddle-dataset.c — the dataset type, shared by its readers, and which reader a path takes
 *
 * The readers live beside it: saddle-dataset-idx.c (IDX images), saddle-dataset-function.c
 * (sampled functions) and saddle-dataset-csv.c (CSV samples).
 */
#define G_LOG_DOMAIN "saddle-dataset"

#include "config.h"

#include <glib.h>

#include "saddle-dataset-csv.h"
#include "saddle-dataset-private.h"

G_DEFINE_QUARK (saddle-dataset-error-quark, saddle_dataset_error)

SaddleDataset *
saddle_dataset_new_empty (SaddleDatasetKind kind)
{
  SaddleDataset *dataset = g_new0 (SaddleDataset, 1);

  dataset->kind = kind;
  dataset->ref_count = 1;

  return dataset;
}

SaddleDataset *
saddle_dataset_load_path (const char  *path,
                          gsize        max_samples,
                          GError     **error)
{
  g_autofree char *base = NULL;
  g_autofree char *lower = NULL;
  guint32 magic = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return saddle_dataset_load_idx_dir (path, FALSE, max_samples, error);

  base = g_path_get_basename (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND,
                   "%s: no such file or folder", path);
      return NULL;
    }

  lower = g_ascii_strdown (base, -1);
  if (g_str_has_suffix (lower, ".csv") || g_str_has_suffix (lower, ".txt"))
    return saddle_dataset_load_csv (path, max_samples, error);

  if (saddle_dataset_idx_probe_magic (path, &magic))
    {
      if (magic == SADDLE_IDX_IMAGES_MAGIC)
        return saddle_dataset_load_idx_images_file (path, max_samples, error);
      if (magic == SADDLE_IDX_LABELS_MAGIC)
        {
          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                       "%s is an IDX labels file; open the images file or the folder instead",
                       base);
          return NULL;
        }
    }

  g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
               "%s: not a dataset Saddle reads; choose a folder of IDX files, an IDX images "
               "file (raw or .gz) or a .csv/.txt file of x,y rows", base);
  return NULL;
}

SaddleDataset *
saddle_dataset_load_classes (const char              *path,
                             const SaddleCsvOptions  *options,
                             gsize                    max_samples,
                             GError                 **error)
{
  g_autofree char *base = NULL;
  guint32 magic = 0;
  gboolean csv;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  base = g_path_get_basename (path);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND,
                   "%s: no such file or folder", path);
      return NULL;
    }
  csv = !g_file_test (path, G_FILE_TEST_IS_DIR) && saddle_dataset_is_csv (path);
  if (!csv && options != NULL && (options->standardize || options->label_column != NULL))
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_INVALID,
                   "%s: %s applies to CSV data only (IDX pixels are scaled to [0, 1] and their "
                   "labels have no column)", base,
                   options->standardize ? "standardising" : "a label column");
      return NULL;
    }
  if (csv)
    return saddle_dataset_load_csv_classes (path, options, max_samples, error);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return saddle_dataset_load_idx_dir (path, FALSE, max_samples, error);
  if (saddle_dataset_idx_probe_magic (path, &magic) && magic == SADDLE_IDX_IMAGES_MAGIC)
    return saddle_dataset_load_idx_images_file (path, max_samples, error);

  g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
               "%s: not labelled data Saddle reads; choose a folder of IDX files, an IDX images "
               "file (raw or .gz) or a CSV file of label,feature,… rows", base);
  return NULL;
}

const char *
saddle_dataset_bundled_dir (void)
{
  const char *env = g_getenv ("SADDLE_DATADIR");

  /* Interned, so the string lives for the program without a cache of ours,
   * and a changed $SADDLE_DATADIR is honoured. */
  if (env != NULL && *env != '\0')
    return g_intern_string (env);
  if (g_file_test (SADDLE_SOURCE_DATADIR G_DIR_SEPARATOR_S "fashion-mnist", G_FILE_TEST_IS_DIR))
    return SADDLE_SOURCE_DATADIR G_DIR_SEPARATOR_S "fashion-mnist";

  return SADDLE_INSTALLED_DATADIR G_DIR_SEPARATOR_S "fashion-mnist";
}

SaddleDataset *
saddle_dataset_new_regression (gsize       n_samples,
                               gsize       n_inputs,
                               gsize       n_outputs,
                               double     *x,
                               double     *targets,
                               const char *name,
                               GError    **error)
{
  g_autoptr(SaddleDataset) dataset = saddle_dataset_new_empty (SADDLE_DATASET_REGRESSION);

  g_return_val_if_fail (x != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dataset->x = x;
  dataset->targets = targets;
  if (n_samples == 0 || n_inputs == 0 || n_outputs == 0
      || (targets == NULL && n_outputs != n_inputs)
      || n_inputs > G_MAXSIZE / sizeof (double) / n_samples
      || n_outputs > G_MAXSIZE / sizeof (double) / n_samples)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_INVALID,
                   "%" G_GSIZE_FORMAT " samples of %" G_GSIZE_FORMAT " inputs and %"
                   G_GSIZE_FORMAT " outputs: a dataset needs at least one of each",
                   n_samples, n_inputs, n_outputs);
      return NULL;
    }
  dataset->n_samples = n_samples;
  dataset->n_inputs = n_inputs;
  dataset->n_outputs = n_outputs;
  if (targets == NULL)
    dataset->targets = g_memdup2 (x, n_samples * n_inputs * sizeof (double));
  dataset->name = g_strdup (name != NULL ? name : "samples");
  return g_steal_pointer (&dataset);
}

SaddleDataset *
saddle_dataset_ref (SaddleDataset *dataset)
{
  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (dataset->ref_count > 0, NULL);

  g_atomic_int_inc (&dataset->ref_count);

  return dataset;
}

void
saddle_dataset_unref (SaddleDataset *dataset)
{
  g_return_if_fail (dataset != NULL);
  g_return_if_fail (dataset->ref_count > 0);

  if (!g_atomic_int_dec_and_test (&dataset->ref_count))
    return;

  g_free (dataset->x);
  g_free (dataset->targets);
  g_free (dataset->labels);
  g_strfreev (dataset->class_names);
  g_free (dataset->name);
  g_free (dataset);
}
