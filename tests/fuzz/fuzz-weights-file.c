/* fuzz-weights-file.c — libFuzzer target for the binary weights readers (see README.md)
 *
 * The first byte modulo 4 picks how the rest becomes a file for saddle_weights_file_read():
 * 0, the rest as it is (any format, chosen by content); 1, safetensors: the rest split at the
 * first form feed into the JSON header and the data, the 8-byte length put in front; 2, .npy:
 * likewise the header dict and the data behind "\x93NUMPY\x01\x00" and its 2-byte length;
 * 3, .npz: the rest as a zip archive behind "PK\x03\x04" (which the seeds carry themselves).
 * Modes 1 and 2 spare the fuzzer from finding the lengths, so it works on the JSON and dict
 * parsers. A success must be usable (parameters all finite, widths that count them, a known
 * activation); a failure must carry a weights error domain and start with the file's name.
 * Anything else, or any sanitizer report, is a finding.
 */
#define G_LOG_DOMAIN "saddle-fuzz-weights-file"

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-weights-file.h"
#include "saddle-weights.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *fuzz_dir;
static char *file_path;

static void
remove_fuzz_dir (void)
{
  g_remove (file_path);
  g_rmdir (fuzz_dir);
}

static void
check_read (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleWeightsFile) file = saddle_weights_file_read (file_path, &error);

  /* FUZZ_VERBOSE=1 says what each seed gives, to see that the corpus reaches every check. */
  if (g_getenv ("FUZZ_VERBOSE") != NULL)
    g_printerr ("%s\n", file == NULL ? error->message
                                     : saddle_weights_format_to_string (file->format));
  if (file == NULL)
    {
      g_assert_true (error != NULL && (error->domain == SADDLE_WEIGHTS_FILE_ERROR
                                       || error->domain == SADDLE_WEIGHTS_ERROR
                                       || error->domain == G_FILE_ERROR));
      g_assert_true (g_str_has_prefix (error->message, file_path));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_cmpuint (file->n_params, >, 0);
  for (gsize i = 0; i < file->n_params; i++)
    g_assert_true (isfinite (file->theta[i]));
  if (file->n_widths > 0)
    {
      g_assert_cmpuint (file->n_widths, >=, 2);
      g_assert_cmpuint (saddle_model_count_params (file->widths, file->n_widths), ==,
                        file->n_params);
    }
  if (file->has_activation)
    g_assert_nonnull (saddle_activation_to_string (file->activation));
  g_assert_true (file->options == NULL || g_utf8_validate (file->options, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  const uint8_t *split;
  guint mode;

  if (size == 0)
    return 0;
  if (fuzz_dir == NULL)
    {
      fuzz_dir = g_dir_make_tmp ("saddle-fuzz-XXXXXX", NULL);
      if (fuzz_dir == NULL)
        g_error ("fuzz-weights-file: cannot make a temporary folder");
      file_path = g_build_filename (fuzz_dir, "weights", NULL);
      atexit (remove_fuzz_dir);
    }

  /* FUZZ_WEIGHTS_MODE=N holds a session to one reader, so each gets its own count of runs. */
  mode = g_getenv ("FUZZ_WEIGHTS_MODE") != NULL ? atoi (g_getenv ("FUZZ_WEIGHTS_MODE")) % 4
                                                : data[0] % 4;
  data++;
  size--;
  split = memchr (data, '\f', size);
  if (split == NULL)
    split = data + size;
  if (mode == 1)
    {
      guint64 length = GUINT64_TO_LE ((guint64) (split - data));

      g_byte_array_append (bytes, (const guint8 *) &length, 8);
    }
  else if (mode == 2)
    {
      guint16 length = GUINT16_TO_LE ((guint16) MIN (split - data, G_MAXUINT16));

      g_byte_array_append (bytes, (const guint8 *) "\x93NUMPY\x01\x00", 8);
      g_byte_array_append (bytes, (const guint8 *) &length, 2);
    }
  else if (mode == 3)
    g_byte_array_append (bytes, (const guint8 *) "PK\x03\x04", 4);
  if (mode == 1 || mode == 2)
    {
      g_byte_array_append (bytes, data, split - data);
      if (split < data + size)
        g_byte_array_append (bytes, split + 1, data + size - split - 1);
    }
  else
    g_byte_array_append (bytes, data, size);

  if (!g_file_set_contents (file_path, (const char *) bytes->data, bytes->len, &error))
    g_error ("fuzz-weights-file: %s", error->message);
  check_read ();
  return 0;
}
