/* fuzz-text.c — libFuzzer target for the text readers (see README.md)
 *
 * The first byte modulo 3 picks the reader, the rest is the input: 0, a
 * function dataset as CSV rows "x,y" (saddle_dataset_load_csv()); 1, a weights
 * file, one number a line (saddle_weights_load()); 2, a critical study's
 * critical.csv and eigenvalues.csv, split at the first form feed
 * (saddle_critical_set_read_csv()). A success must be consistent (finite
 * numbers, one input and one output, at least one value; spectra that match
 * their counts); a failure must carry the reader's own error domain. Anything
 * else, or any sanitizer report, is a finding.
 */
#define G_LOG_DOMAIN "saddle-fuzz-text"

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-critical-set.h"
#include "saddle-dataset.h"
#include "saddle-weights.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* One folder for the whole session, removed at exit. */
static char *fuzz_dir;
static char *file_path;
static char *second_path;

static void
remove_fuzz_dir (void)
{
  g_remove (file_path);
  g_remove (second_path);
  g_rmdir (fuzz_dir);
}

static void
check_csv (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = saddle_dataset_load_csv (file_path, 0, &error);

  if (dataset == NULL)
    {
      g_assert_true (error != NULL && error->domain == SADDLE_DATASET_ERROR);
      return;
    }
  g_assert_true (dataset->kind == SADDLE_DATASET_REGRESSION);
  g_assert_true (dataset->n_samples > 0 && dataset->n_inputs == 1 && dataset->n_outputs == 1);
  for (gsize i = 0; i < dataset->n_samples; i++)
    g_assert_true (isfinite (dataset->x[i]) && isfinite (dataset->targets[i]));
}

static void
check_weights (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  gsize n = 0;

  theta = saddle_weights_load (file_path, &n, &error);
  if (theta == NULL)
    {
      g_assert_true (error != NULL && error->domain == SADDLE_WEIGHTS_ERROR);
      return;
    }
  g_assert_true (n > 0);
  for (gsize i = 0; i < n; i++)
    g_assert_true (isfinite (theta[i]));
}

static void
check_critical_set (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);

  if (!saddle_critical_set_read_csv (set, file_path, second_path, &error))
    {
      g_assert_true (error != NULL && (error->domain == SADDLE_CRITICAL_ERROR
                                       || error->domain == G_FILE_ERROR));
      g_assert_cmpuint (set->points->len, ==, 0);
      return;
    }
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);

      if (point->spectrum != NULL)
        g_assert_true (point->spectrum->positive + point->spectrum->negative
                       + point->spectrum->zero == point->spectrum->n);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  const uint8_t *split;
  guint reader;

  if (size == 0)
    return 0;
  if (fuzz_dir == NULL)
    {
      fuzz_dir = g_dir_make_tmp ("saddle-fuzz-XXXXXX", NULL);
      if (fuzz_dir == NULL)
        g_error ("fuzz-text: cannot make a temporary folder");
      file_path = g_build_filename (fuzz_dir, "input.txt", NULL);
      second_path = g_build_filename (fuzz_dir, "second.txt", NULL);
      atexit (remove_fuzz_dir);
    }

  reader = data[0] % 3;
  data++;
  size--;
  split = reader == 2 ? memchr (data, '\f', size) : NULL;
  if (split == NULL)
    split = data + size;
  if (!g_file_set_contents (file_path, (const char *) data, split - data, &error)
      || !g_file_set_contents (second_path, split < data + size ? (const char *) split + 1 : "",
                               split < data + size ? (gssize) (data + size - split - 1) : 0,
                               &error))
    g_error ("fuzz-text: %s", error->message);

  if (reader == 0)
    check_csv ();
  else if (reader == 1)
    check_weights ();
  else
    check_critical_set ();
  return 0;
}
