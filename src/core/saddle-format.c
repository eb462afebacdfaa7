/* saddle-format.c */
#define G_LOG_DOMAIN "saddle-format"

#include "config.h"

#include <string.h>

#include "saddle-format.h"

char *
saddle_format_count (guint64 value)
{
  char digits[24];
  GString *out;
  gsize len;

  g_snprintf (digits, sizeof digits, "%" G_GUINT64_FORMAT, value);
  len = strlen (digits);
  /* A fixed ',' rather than the locale's separator: counts in messages and
   * labels read the same on every machine and in every test. */
  out = g_string_sized_new (len + len / 3 + 1);
  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, digits[i]);
    }

  return g_string_free (out, FALSE);
}
