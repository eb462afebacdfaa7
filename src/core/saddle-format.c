/* saddle-format.c */
#define G_LOG_DOMAIN "saddle-format"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

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

char *
saddle_format_eta (double fraction,
                   double elapsed)
{
  double left;

  if (!(fraction >= 0.02) || !(fraction < 1.0) || !(elapsed >= 2.0))
    return NULL;
  left = elapsed * (1.0 - fraction) / fraction;
  if (left < 60.0)
    /* TRANSLATORS: time left of a running job, in seconds */
    return g_strdup_printf (_("about %.0f s left"), MAX (1.0, 5.0 * round (left / 5.0)));
  if (left < 3600.0)
    /* TRANSLATORS: time left of a running job, in minutes */
    return g_strdup_printf (_("about %.0f min left"), round (left / 60.0));
  /* TRANSLATORS: time left of a running job, in hours and minutes */
  return g_strdup_printf (_("about %.0f h %.0f min left"), floor (left / 3600.0),
                          round (fmod (left, 3600.0) / 60.0));
}
