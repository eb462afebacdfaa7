/* fuzz-summary.c — libFuzzer target for the summary.json reader of saddle-cli merge
 *
 * The input is the file. saddle_cli_summary_parse() gets it from memory and
 * saddle_cli_summary_read() from a file; both must agree, a failure must leave the summary
 * empty, and no json-glib warning or critical may be logged (they are made fatal here): the
 * reader once asked json-glib for a boolean where the file held an array. Any sanitizer
 * report is a finding too.
 */
#define G_LOG_DOMAIN "saddle-fuzz-summary"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-cli-summary.h"

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

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  SaddleCliSummary parsed, read;
  gboolean parsed_ok, read_ok;

  if (fuzz_dir == NULL)
    {
      g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
      fuzz_dir = g_dir_make_tmp ("saddle-fuzz-XXXXXX", NULL);
      g_assert_nonnull (fuzz_dir);
      file_path = g_build_filename (fuzz_dir, "summary.json", NULL);
      atexit (remove_fuzz_dir);
    }
  g_assert_true (g_file_set_contents (file_path, (const char *) data, (gssize) size, NULL));

  parsed_ok = saddle_cli_summary_parse ((const char *) data, size, &parsed);
  read_ok = saddle_cli_summary_read (file_path, &read);
  g_assert_cmpint (parsed_ok, ==, read_ok);
  g_assert_cmpint (parsed.cancelled, ==, read.cancelled);
  g_assert_cmpuint (parsed.runs, ==, read.runs);
  if (!parsed_ok)
    g_assert_true (!parsed.cancelled && parsed.runs == 0);
  return 0;
}
