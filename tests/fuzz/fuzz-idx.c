/* fuzz-idx.c — libFuzzer target for the IDX reader (see README.md)
 *
 * Input layout: a 4-byte little-endian length L, then L bytes of the images
 * file, then the rest as the labels file (L is clamped to what is there).
 * Both files go through saddle_dataset_load_idx(), raw or gzip as their
 * bytes say, and then through saddle_dataset_load_path() so the labels-file
 * lookup is exercised too. Any crash, leak or sanitizer report is a finding;
 * errors are the expected outcome for almost every input.
 */
#define G_LOG_DOMAIN "saddle-fuzz-idx"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-dataset.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* A fuzzer harness runs in one process; one folder for the whole session
 * saves a mkdtemp per input. It is removed at exit. */
static char *fuzz_dir;
static char *images_path;
static char *labels_path;

static void
remove_fuzz_dir (void)
{
  g_remove (images_path);
  g_remove (labels_path);
  g_rmdir (fuzz_dir);
}

static void
write_or_die (const char *path,
              const uint8_t *data,
              size_t size)
{
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, (const char *) data, (gssize) size, &error))
    g_error ("fuzz-idx: %s", error->message);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  SaddleDataset *dataset;
  guint32 split = 0;

  if (fuzz_dir == NULL)
    {
      fuzz_dir = g_dir_make_tmp ("saddle-fuzz-XXXXXX", NULL);
      if (fuzz_dir == NULL)
        g_error ("fuzz-idx: cannot make a temporary folder");
      images_path = g_build_filename (fuzz_dir, "train-images-idx3-ubyte", NULL);
      labels_path = g_build_filename (fuzz_dir, "train-labels-idx1-ubyte.gz", NULL);
      atexit (remove_fuzz_dir);
    }

  if (size >= 4)
    {
      split = (guint32) data[0] | (guint32) data[1] << 8
              | (guint32) data[2] << 16 | (guint32) data[3] << 24;
      data += 4;
      size -= 4;
    }
  split = (guint32) MIN ((size_t) split, size);

  write_or_die (images_path, data, split);
  write_or_die (labels_path, data + split, size - split);

  dataset = saddle_dataset_load_idx (images_path, labels_path, 0, &error);
  if (dataset != NULL)
    {
      /* A success must be a consistent dataset. */
      g_assert_true (dataset->n_samples > 0 && dataset->n_inputs > 0 && dataset->n_outputs >= 2);
      for (gsize i = 0; i < dataset->n_samples; i++)
        g_assert_true (dataset->labels[i] < dataset->n_outputs);
      g_assert_true (dataset->x[dataset->n_samples * dataset->n_inputs - 1] <= 1.0);
      saddle_dataset_unref (dataset);
    }
  else
    {
      g_assert_true (error != NULL && error->domain == SADDLE_DATASET_ERROR);
      g_clear_error (&error);
    }

  dataset = saddle_dataset_load_path (images_path, 1, &error);
  if (dataset != NULL)
    saddle_dataset_unref (dataset);
  else
    g_assert_true (error != NULL && error->domain == SADDLE_DATASET_ERROR);

  return 0;
}
