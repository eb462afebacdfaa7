/* saddle-csv.c */
#define G_LOG_DOMAIN "saddle-csv"

#include "config.h"

#include <math.h>

#include "saddle-csv.h"
#include "saddle-file.h"

struct _SaddleCsv
{
  GString *out;
  guint    n_fields;   /* fields in the current row, to know when a comma is due */
};

/* Starts a field: a comma unless it is the first of its row. */
static void
begin_field (SaddleCsv *csv)
{
  if (csv->n_fields++ > 0)
    g_string_append_c (csv->out, ',');
}

void
saddle_csv_append_double (GString *out,
                          double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* printf would write "-nan" for a NaN with its sign bit set (what x86
   * produces for 0/0); a reader wants one spelling. */
  if (isnan (value))
    g_string_append (out, "nan");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", value));
}

SaddleCsv *
saddle_csv_new (const char *header,
                gsize       size_hint)
{
  SaddleCsv *csv;

  g_return_val_if_fail (header != NULL, NULL);

  csv = g_new0 (SaddleCsv, 1);
  csv->out = g_string_sized_new (MAX (size_hint, 64));
  g_string_append (csv->out, header);
  g_string_append_c (csv->out, '\n');
  return csv;
}

void
saddle_csv_free (SaddleCsv *csv)
{
  if (csv == NULL)
    return;

  g_string_free (csv->out, TRUE);
  g_free (csv);
}

void
saddle_csv_add_double (SaddleCsv *csv,
                       double     value)
{
  g_return_if_fail (csv != NULL);

  begin_field (csv);
  saddle_csv_append_double (csv->out, value);
}

void
saddle_csv_add_uint (SaddleCsv *csv,
                     guint64    value)
{
  g_return_if_fail (csv != NULL);

  begin_field (csv);
  g_string_append_printf (csv->out, "%" G_GUINT64_FORMAT, value);
}

void
saddle_csv_add_string (SaddleCsv  *csv,
                       const char *text)
{
  g_return_if_fail (csv != NULL);
  g_return_if_fail (text != NULL);

  begin_field (csv);
  g_string_append (csv->out, text);
}

void
saddle_csv_add_empty (SaddleCsv *csv)
{
  g_return_if_fail (csv != NULL);

  begin_field (csv);
}

void
saddle_csv_end_row (SaddleCsv *csv)
{
  g_return_if_fail (csv != NULL);

  g_string_append_c (csv->out, '\n');
  csv->n_fields = 0;
}

gboolean
saddle_csv_write (SaddleCsv   *csv,
                  const char  *path,
                  GError     **error)
{
  g_return_val_if_fail (csv != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Through a temporary file and a rename: a reader never sees half a file. */
  return saddle_file_write (path, csv->out->str, csv->out->len, error);
}
