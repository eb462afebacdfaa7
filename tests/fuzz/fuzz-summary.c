/* fuzz-summary.c — libFuzzer target for the summary.json reader (see README.md)
 *
 * The whole input is a summary.json, parsed with saddle_summary_parse() as Open Results
 * reads it. A success must be usable: settings the study itself accepts, a known study
 * kind, 2 to 10 layer widths or none, shares of variance in [0, 1] or NAN, runs counted from
 * 1 in the points. A failure must carry SADDLE_SUMMARY_ERROR and name the file. Anything
 * else, or any sanitizer report, is a finding.
 */
#define G_LOG_DOMAIN "saddle-fuzz-summary"

#include "config.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "saddle-summary.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
share_ok (double share)
{
  return isnan (share) || (share >= 0.0 && share <= 1.0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_auto(SaddleSummary) summary = { 0 };

  if (!saddle_summary_parse ("summary.json", (const char *) data, size, &summary, &error))
    {
      g_assert_true (error != NULL && error->domain == SADDLE_SUMMARY_ERROR);
      g_assert_true (g_str_has_prefix (error->message, "summary.json"));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_true (saddle_study_config_validate (&summary.config, NULL));
  g_assert_true (summary.kind <= SADDLE_STUDY_CRITICAL);
  g_assert_true (summary.n_widths == 0 || (summary.n_widths >= 2 && summary.n_widths <= 10));
  g_assert_true (summary.config.n_hidden <= SADDLE_MAX_HIDDEN_LAYERS);
  for (guint c = 0; c < 2; c++)
    g_assert_true (share_ok (summary.explained[c]) && share_ok (summary.layer_explained[c]));
  g_assert_nonnull (summary.failures);
  return 0;
}
