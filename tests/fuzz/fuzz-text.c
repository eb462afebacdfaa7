/* fuzz-text.c — libFuzzer target for the two text readers (see README.md)
 *
 * The first byte picks the reader, the rest is the file: even, a function
 * dataset as CSV rows "x,y" (saddle_dataset_load_csv()); odd, a weights file,
 * one number a line (saddle_weights_load()). A success must be consistent
 * (finite numbers, one input and one output, at least one value); a failure
 * must carry the reader's own error domain. Anything else, or any sanitizer
 * report, is a finding.
 */
#define G_LOG_DOMAIN "saddle-fuzz-text"

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-dataset.h"
#include "saddle-weights.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* One folder for the whole session, removed at exit. */
static char *fuzz_dir;
static char *file_path;

static void
remove_fuzz_dir (void)
{
  g_remove (file_path);
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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  gboolean weights;

  if (size == 0)
    return 0;
  if (fuzz_dir == NULL)
    {
      fuzz_dir = g_dir_make_tmp ("saddle-fuzz-XXXXXX", NULL);
      if (fuzz_dir == NULL)
        g_error ("fuzz-text: cannot make a temporary folder");
      file_path = g_build_filename (fuzz_dir, "input.txt", NULL);
      atexit (remove_fuzz_dir);
    }

  weights = data[0] & 1;
  if (!g_file_set_contents (file_path, (const char *) data + 1, (gssize) size - 1, &error))
    g_error ("fuzz-text: %s", error->message);

  if (weights)
    check_weights ();
  else
    check_csv ();
  return 0;
}
