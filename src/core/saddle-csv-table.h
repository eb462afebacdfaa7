/* saddle-csv-table.h — a CSV file as SaddleCsv writes it, read back whole
 *
 * A header line of column names, then rows of exactly as many comma-separated fields (no
 * quoting); blank lines are skipped. Columns are found by name, so readers accept them in
 * any order. Every message names the file and, for a row, its line number; the error is in
 * the domain and code the caller gives, so each reader keeps its own. An unreadable file is a
 * G_FILE_ERROR (saddle-file.h).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char       *path;
  GQuark      domain;      /* of every error but the file's own */
  int         code;
  char      **header;
  GPtrArray  *rows;        /* char **: the fields of each row */
  GArray     *lines;       /* guint: each row's line number in the file */
} SaddleCsvTable;

/* Reads @path (at most @max_bytes, UTF-8); errors in @domain/@code naming @path and the line. */
SaddleCsvTable *saddle_csv_table_read   (const char           *path,
                                         guint64               max_bytes,
                                         GQuark                domain,
                                         int                   code,
                                         GError              **error);
void            saddle_csv_table_free   (SaddleCsvTable       *table);
/* Sets @error (the table's domain) to "PATH, line N: what" (line 0: no line); returns FALSE. */
gboolean        saddle_csv_table_invalid (const SaddleCsvTable *table,
                                          guint                 line,
                                          GError              **error,
                                          const char           *format,
                                          ...) G_GNUC_PRINTF (4, 5);
/* The index of column @name, or -1 (with @error, at line 1, if @required). */
int             saddle_csv_table_column (const SaddleCsvTable *table,
                                         const char           *name,
                                         gboolean              required,
                                         GError              **error);
/* Field @column of row @row as text. */
const char     *saddle_csv_table_field  (const SaddleCsvTable *table,
                                         guint                 row,
                                         int                   column);
/* The line number of row @row. */
guint           saddle_csv_table_line   (const SaddleCsvTable *table,
                                         guint                 row);
/* The whole field as a double ("nan", "inf" included); FALSE names the field and line. */
gboolean        saddle_csv_table_double (const SaddleCsvTable *table,
                                         guint                 row,
                                         int                   column,
                                         double               *value,
                                         GError              **error);
/* The whole field as a decimal count of at most @max; FALSE names the field and line. */
gboolean        saddle_csv_table_uint   (const SaddleCsvTable *table,
                                         guint                 row,
                                         int                   column,
                                         guint64               max,
                                         guint64              *value,
                                         GError              **error);
/* TRUE if the field is empty (an unknown value). */
gboolean        saddle_csv_table_empty  (const SaddleCsvTable *table,
                                         guint                 row,
                                         int                   column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleCsvTable, saddle_csv_table_free)

G_END_DECLS
