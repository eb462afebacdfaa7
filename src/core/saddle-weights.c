/* saddle-weights.c */
#define G_LOG_DOMAIN "saddle-weights"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "saddle-weights.h"
#include "saddle-file.h"

G_DEFINE_QUARK (saddle-weights-error-quark, saddle_weights_error)

gboolean
saddle_weights_save (const char   *path,
                     const double *theta,
                     gsize         n,
                     const char   *header,
                     GError      **error)
{
  g_autoptr(GString) out = NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (theta != NULL || n == 0, FALSE);

  for (gsize i = 0; i < n; i++)
    if (!isfinite (theta[i]))
      {
        g_set_error (error, SADDLE_WEIGHTS_ERROR, SADDLE_WEIGHTS_ERROR_NOT_FINITE,
                     "Cannot save %s: parameter %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                     " is %s (the training diverged?)",
                     path, i + 1, n, isnan (theta[i]) ? "NaN" : "infinite");
        return FALSE;
      }

  out = g_string_sized_new (26 * n + 256);

  if (header != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (header, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          /* A trailing newline in @header is not an extra empty comment. */
          if (lines[i + 1] == NULL && lines[i][0] == '\0' && i > 0)
            break;
          g_string_append_printf (out, "# %s\n", g_strchomp (lines[i]));
        }
    }

  for (gsize i = 0; i < n; i++)
    {
      /* %.17g round-trips every double exactly; the C locale keeps the '.'. */
      g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", theta[i]));
      g_string_append_c (out, '\n');
    }

  /* Atomic: a crash mid-write leaves the old file, never half of a new one. */
  return saddle_file_write (path, out->str, out->len, error);
}

double *
saddle_weights_load (const char  *path,
                     gsize       *n,
                     GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (n != NULL, NULL);

  *n = 0;

  /* %.17g and a newline: at most 26 bytes a parameter, and a few header lines. */
  if (!saddle_file_read (path, SADDLE_WEIGHTS_MAX_BYTES, &contents, &length, error))
    return NULL;
  return saddle_weights_parse (path, contents, length, n, error);
}

double *
saddle_weights_parse (const char  *path,
                      char        *contents,
                      gsize        length,
                      gsize       *n,
                      GError     **error)
{
  g_autoptr(GArray) values = NULL;
  char *line;
  char *next;
  guint line_number = 0;

  *n = 0;

  if (memchr (contents, '\0', length) != NULL)
    {
      g_set_error (error, SADDLE_WEIGHTS_ERROR, SADDLE_WEIGHTS_ERROR_PARSE,
                   "%s: not a text file (it contains NUL bytes); expected one number per line",
                   path);
      return NULL;
    }

  values = g_array_new (FALSE, FALSE, sizeof (double));

  /* A UTF-8 byte-order mark (some editors write one) is not part of the first number. */
  line = contents;
  if (length >= 3 && memcmp (contents, "\xEF\xBB\xBF", 3) == 0)
    line += 3;
  for (; line != NULL; line = next)
    {
      char *end;
      double value;

      line_number++;
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';

      g_strstrip (line);   /* also removes the '\r' of CRLF files */
      if (line[0] == '\0' || line[0] == '#')
        continue;

      errno = 0;
      value = g_ascii_strtod (line, &end);
      if (end == line || *end != '\0')
        {
          /* Quote at most 40 bytes, made valid UTF-8 for the message. */
          g_autofree char *shown = g_utf8_make_valid (line, MIN (strlen (line), 40));

          g_set_error (error, SADDLE_WEIGHTS_ERROR, SADDLE_WEIGHTS_ERROR_PARSE,
                       "%s:%u: “%s” is not a number; expected exactly one number per line",
                       path, line_number, shown);
          return NULL;
        }
      /* Underflow to a tiny or zero value is harmless; overflow and NaN are
       * not weights anyone can train from. */
      if (!isfinite (value) || (errno == ERANGE && fabs (value) > 1.0))
        {
          g_set_error (error, SADDLE_WEIGHTS_ERROR, SADDLE_WEIGHTS_ERROR_PARSE,
                       "%s:%u: “%s” is not a finite number",
                       path, line_number, line);
          return NULL;
        }

      g_array_append_val (values, value);
    }

  if (values->len == 0)
    {
      if (length == 0)
        g_set_error (error, SADDLE_WEIGHTS_ERROR, SADDLE_WEIGHTS_ERROR_EMPTY,
                     "%s: the file is empty; expected one number per line", path);
      else
        g_set_error (error, SADDLE_WEIGHTS_ERROR, SADDLE_WEIGHTS_ERROR_EMPTY,
                     "%s: no numbers found (%u %s of comments or blanks)", path,
                     line_number, line_number == 1 ? "line" : "lines");
      return NULL;
    }

  *n = values->len;
  return (double *) g_array_free (g_steal_pointer (&values), FALSE);
}
