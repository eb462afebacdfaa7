/* saddle-csv-table.c — a CSV file as SaddleCsv writes it, read back whole */
#define G_LOG_DOMAIN "saddle-csv-table"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "saddle-csv-table.h"
#include "saddle-file.h"

gboolean
saddle_csv_table_invalid (const SaddleCsvTable *table,
                          guint                 line,
                          GError              **error,
                          const char           *format,
                          ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  if (line > 0)
    g_set_error (error, table->domain, table->code, "%s, line %u: %s", table->path, line, what);
  else
    g_set_error (error, table->domain, table->code, "%s: %s", table->path, what);
  return FALSE;
}

SaddleCsvTable *
saddle_csv_table_read (const char  *path,
                       guint64      max_bytes,
                       GQuark       domain,
                       int          code,
                       GError     **error)
{
  g_autoptr(SaddleCsvTable) t = g_new0 (SaddleCsvTable, 1);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;
  guint n_columns;

  t->path = g_strdup (path);
  t->domain = domain;
  t->code = code;
  if (!saddle_file_read (path, max_bytes, &contents, &length, error))
    return NULL;
  /* With the length given, a NUL byte fails too: it would end the text early. */
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      saddle_csv_table_invalid (t, 0, error, "not UTF-8 text");
      return NULL;
    }

  lines = g_strsplit (contents, "\n", -1);
  if (lines[0] == NULL || *g_strchomp (lines[0]) == '\0')
    {
      saddle_csv_table_invalid (t, 1, error, "no header");
      return NULL;
    }
  t->header = g_strsplit (lines[0], ",", -1);
  n_columns = g_strv_length (t->header);
  t->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  t->lines = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 1; lines[i] != NULL; i++)
    {
      char **fields;
      guint line = i + 1;

      if (*g_strchomp (lines[i]) == '\0')
        continue;
      fields = g_strsplit (lines[i], ",", -1);
      if (g_strv_length (fields) != n_columns)
        {
          guint got = g_strv_length (fields);

          g_strfreev (fields);
          saddle_csv_table_invalid (t, line, error, "%u fields where the header has %u", got,
                                    n_columns);
          return NULL;
        }
      g_ptr_array_add (t->rows, fields);
      g_array_append_val (t->lines, line);
    }
  return g_steal_pointer (&t);
}

void
saddle_csv_table_free (SaddleCsvTable *table)
{
  if (table == NULL)
    return;
  g_free (table->path);
  g_strfreev (table->header);
  g_clear_pointer (&table->rows, g_ptr_array_unref);
  g_clear_pointer (&table->lines, g_array_unref);
  g_free (table);
}

int
saddle_csv_table_column (const SaddleCsvTable *table,
                         const char           *name,
                         gboolean              required,
                         GError              **error)
{
  for (guint c = 0; table->header[c] != NULL; c++)
    if (g_strcmp0 (table->header[c], name) == 0)
      return (int) c;
  if (required)
    saddle_csv_table_invalid (table, 1, error, "no column “%s”", name);
  return -1;
}

const char *
saddle_csv_table_field (const SaddleCsvTable *table,
                        guint                 row,
                        int                   column)
{
  return ((char **) g_ptr_array_index (table->rows, row))[column];
}

guint
saddle_csv_table_line (const SaddleCsvTable *table,
                       guint                 row)
{
  return g_array_index (table->lines, guint, row);
}

gboolean
saddle_csv_table_double (const SaddleCsvTable *table,
                         guint                 row,
                         int                   column,
                         double               *value,
                         GError              **error)
{
  const char *text = saddle_csv_table_field (table, row, column);
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  if (*text == '\0' || end == NULL || *end != '\0')
    return saddle_csv_table_invalid (table, saddle_csv_table_line (table, row), error,
                                     "“%s” is not a number (column %s)", text,
                                     table->header[column]);
  return TRUE;
}

gboolean
saddle_csv_table_uint (const SaddleCsvTable *table,
                       guint                 row,
                       int                   column,
                       guint64               max,
                       guint64              *value,
                       GError              **error)
{
  const char *text = saddle_csv_table_field (table, row, column);

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL))
    return saddle_csv_table_invalid (table, saddle_csv_table_line (table, row), error,
                                     "“%s” is not a count (column %s)", text,
                                     table->header[column]);
  return TRUE;
}

gboolean
saddle_csv_table_empty (const SaddleCsvTable *table,
                        guint                 row,
                        int                   column)
{
  return *saddle_csv_table_field (table, row, column) == '\0';
}
