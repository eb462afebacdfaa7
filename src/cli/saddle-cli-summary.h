/* saddle-cli-summary.h — what merge reads back from a study's summary.json
 *
 * Only two members: whether the study was interrupted ("cancelled") and how many runs it was
 * asked for ("runs"). The file is read only if it is a regular file of at most
 * SADDLE_CLI_SUMMARY_MAX_BYTES; a member of another type, or out of range, counts as absent.
 * Fuzzed by tests/fuzz/fuzz-summary.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* summary.json files are a few kB; anything past this is not one. */
#define SADDLE_CLI_SUMMARY_MAX_BYTES (64 * 1024 * 1024)

typedef struct
{
  gboolean cancelled;    /* FALSE when absent */
  guint    runs;         /* 0 when absent */
} SaddleCliSummary;

/* Parses @length bytes of JSON (NUL-terminated or not); FALSE unless a JSON object. */
gboolean saddle_cli_summary_parse (const char       *data,
                                   gsize             length,
                                   SaddleCliSummary *summary);
/* Reads @path (see above); FALSE with no summary if it is unreadable or not a JSON object. */
gboolean saddle_cli_summary_read  (const char       *path,
                                   SaddleCliSummary *summary);

G_END_DECLS
