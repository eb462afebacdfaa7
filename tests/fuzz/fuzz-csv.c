/* fuzz-csv.c — libFuzzer target for the classification CSV reader (see README.md)
 *
 * The first byte of an input sets the options, the rest is the file: bit 0 standardises,
 * bit 1 names the label column "label" (a declared header), bits 2–3 keep the first 0 (all),
 * 1, 2 or 5 samples, and bit 4 writes the file without the .csv extension and reads it
 * through saddle_dataset_load_classes(), which must recognise it by its content. A success
 * must be consistent (2–128 classes, every label below them, finite features, a name per
 * class when the labels were names, standardised columns within a bound); a failure must be
 * a SADDLE_DATASET_ERROR whose message begins with the file's name. Anything else, or any
 * sanitizer report, is a finding.
 */
#define G_LOG_DOMAIN "saddle-fuzz-csv"

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-dataset-csv.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* One folder for the whole session, removed at exit. */
static char *fuzz_dir;
static char *csv_path;
static char *plain_path;

static void
remove_fuzz_dir (void)
{
  g_remove (csv_path);
  g_remove (plain_path);
  g_rmdir (fuzz_dir);
}

static void
check (const SaddleDataset    *dataset,
       const GError           *error,
       const char             *path,
       const SaddleCsvOptions *options)
{
  g_autofree char *base = g_path_get_basename (path);
  gsize n, d;

  if (dataset == NULL)
    {
      g_assert_true (error != NULL && error->domain == SADDLE_DATASET_ERROR);
      /* Every message names the file. */
      g_assert_nonnull (strstr (error->message, base));
      return;
    }
  n = dataset->n_samples;
  d = dataset->n_inputs;
  g_assert_true (dataset->kind == SADDLE_DATASET_CLASSIFICATION);
  g_assert_true (n > 0 && d > 0);
  g_assert_true (dataset->n_outputs >= 2 && dataset->n_outputs <= 128);
  for (gsize i = 0; i < n; i++)
    g_assert_true (dataset->labels[i] < dataset->n_outputs);
  /* A standardised value lies within √n of its column's mean. */
  for (gsize i = 0; i < n * d; i++)
    g_assert_true (isfinite (dataset->x[i])
                   && (!options->standardize || fabs (dataset->x[i]) <= sqrt ((double) n) + 1e-9));
  if (dataset->class_names != NULL)
    {
      g_assert_cmpuint (g_strv_length (dataset->class_names), ==, dataset->n_outputs);
      for (gsize k = 1; k < dataset->n_outputs; k++)
        g_assert_cmpint (strcmp (dataset->class_names[k - 1], dataset->class_names[k]), <, 0);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const gsize keep[] = { 0, 1, 2, 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  SaddleCsvOptions options = { NULL, FALSE };
  gboolean plain;
  const char *path;
  gsize max_samples;

  if (size == 0)
    return 0;
  if (fuzz_dir == NULL)
    {
      fuzz_dir = g_dir_make_tmp ("saddle-fuzz-csv-XXXXXX", NULL);
      if (fuzz_dir == NULL)
        g_error ("fuzz-csv: cannot make a temporary folder");
      csv_path = g_build_filename (fuzz_dir, "input.csv", NULL);
      plain_path = g_build_filename (fuzz_dir, "input", NULL);
      atexit (remove_fuzz_dir);
    }

  options.standardize = (data[0] & 1) != 0;
  options.label_column = (data[0] & 2) != 0 ? "label" : NULL;
  max_samples = keep[(data[0] >> 2) & 3];
  plain = (data[0] & 16) != 0;
  path = plain ? plain_path : csv_path;
  if (!g_file_set_contents (path, (const char *) data + 1, size - 1, &error))
    g_error ("fuzz-csv: %s", error->message);

  if (plain)
    dataset = saddle_dataset_load_classes (path, &options, max_samples, &error);
  else
    dataset = saddle_dataset_load_csv_classes (path, &options, max_samples, &error);
  check (dataset, error, path, &options);
  g_remove (path);
  return 0;
}
