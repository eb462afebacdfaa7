/* saddle-dataset-csv.c — CSV samples: x,y rows for the function task, labelled rows to classify
 *
 * A file is read whole (at most 1 GiB) and parsed in place: fields are NUL-terminated
 * inside the buffer, so a row costs no allocation beyond its numbers. Every message names
 * the file and the line (and, for a field, its column), as the IDX reader's name the byte.
 */
#define G_LOG_DOMAIN "saddle-dataset-csv"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "saddle-dataset-csv.h"
#include "saddle-dataset-private.h"
#include "saddle-file.h"
#include "saddle-format.h"

/* The MSE squares the targets and the first layer multiplies the inputs: past this the loss
 * overflows before any step, which would look like a bad initialisation. */
#define CSV_MAX_MAGNITUDE 1e100
/* The largest CSV data file read whole: 1 GiB of text. */
#define CSV_MAX_BYTES ((guint64) 1 << 30)
/* Bytes looked at to tell a text file from a binary one. */
#define CSV_PROBE_BYTES 4096
/* Class names listed in a dataset's name before "…". */
#define CSV_NAMES_SHOWN 6

typedef enum
{
  CSV_ROW_OK,
  CSV_ROW_TEXT,           /* not two numbers: a header if it is the first row */
  CSV_ROW_NOT_FINITE,
} CsvRow;

/* The lines of a buffer, each NUL-terminated in place as it is handed out. */
typedef struct
{
  char  *next;
  char  *end;
  guint  line_no;         /* of the line last handed out, from 1 */
  gsize  line_length;     /* its bytes, NULs included */
} CsvLines;

/* One row of a labelled file, split in place. */
typedef struct
{
  GPtrArray *fields;      /* char *, into the buffer */
  guint      line_no;
} CsvFields;

/* What the labelled rows hold, as they are read. */
typedef struct
{
  const char  *display;      /* the file's name, for messages */
  char       **header;       /* column names (into the buffer, NULL-terminated), or NULL */
  guint        n_columns;
  guint        label_col;
  GArray      *x;            /* double: the features of each row in turn */
  GArray      *row_labels;   /* guint: each row's label, an index into names */
  GPtrArray   *names;        /* const char *: the distinct labels, first seen first */
  GArray      *name_lines;   /* guint: the line each name first appears on */
  GHashTable  *name_ids;     /* name → its index in names */
} CsvClasses;

static void
csv_classes_init (CsvClasses *t,
                  const char *display)
{
  t->display = display;
  t->x = g_array_new (FALSE, FALSE, sizeof (double));
  t->row_labels = g_array_new (FALSE, FALSE, sizeof (guint));
  t->names = g_ptr_array_new ();
  t->name_lines = g_array_new (FALSE, FALSE, sizeof (guint));
  t->name_ids = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
csv_classes_clear (CsvClasses *t)
{
  g_clear_pointer (&t->header, g_free);
  g_clear_pointer (&t->x, g_array_unref);
  g_clear_pointer (&t->row_labels, g_array_unref);
  g_clear_pointer (&t->names, g_ptr_array_unref);
  g_clear_pointer (&t->name_lines, g_array_unref);
  g_clear_pointer (&t->name_ids, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvClasses, csv_classes_clear)


static void
csv_lines_init (CsvLines *lines,
                char     *contents,
                gsize     length)
{
  lines->next = contents;
  lines->end = contents + length;
  lines->line_no = 0;
  lines->line_length = 0;
}

/* The next line, or NULL. A line ends at LF, CR LF or a lone CR (old Mac files). */
static char *
csv_lines_next (CsvLines *lines)
{
  char *line = lines->next;
  char *line_end = line;

  if (line >= lines->end)
    return NULL;
  while (line_end < lines->end && *line_end != '\n' && *line_end != '\r')
    line_end++;
  lines->next = line_end
                + (line_end + 1 < lines->end && line_end[0] == '\r' && line_end[1] == '\n' ? 2 : 1);
  *line_end = '\0';   /* the buffer has a NUL after its length, so this is safe at the end */
  lines->line_no++;
  lines->line_length = (gsize) (line_end - line);
  return line;
}

static gboolean
csv_read_file (const char  *path,
               char       **contents,
               gsize       *length,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (saddle_file_read (path, CSV_MAX_BYTES, contents, length, &local_error))
    return TRUE;
  g_set_error_literal (error, SADDLE_DATASET_ERROR,
                       g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                       ? SADDLE_DATASET_ERROR_NOT_FOUND : SADDLE_DATASET_ERROR_IO,
                       local_error->message);
  return FALSE;
}

static gboolean
csv_is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Parses "x<sep>y" with sep one of , ; tab or spaces, surrounded by any blanks. */
static CsvRow
csv_parse_row (const char  *line,
               double      *x,
               double      *y,
               const char **problem)
{
  const char *p = line;
  char *end;

  while (csv_is_space (*p))
    p++;
  *x = g_ascii_strtod (p, &end);
  if (end == p)
    {
      *problem = "the first value is not a number";
      return CSV_ROW_TEXT;
    }
  p = end;
  while (csv_is_space (*p))
    p++;
  if (*p == ',' || *p == ';')
    p++;
  else if (p == end)
    {
      *problem = "no separator (comma, semicolon, tab or space) after the first value";
      return CSV_ROW_TEXT;
    }
  while (csv_is_space (*p))
    p++;
  *y = g_ascii_strtod (p, &end);
  if (end == p)
    {
      *problem = "the second value is missing or not a number";
      return CSV_ROW_TEXT;
    }
  p = end;
  while (csv_is_space (*p))
    p++;
  if (*p != '\0')
    {
      *problem = "unexpected text after the two values (rows are x,y)";
      return CSV_ROW_TEXT;
    }
  if (!isfinite (*x) || !isfinite (*y))
    {
      *problem = "NaN or infinite values are not allowed";
      return CSV_ROW_NOT_FINITE;
    }
  /* The MSE squares the targets and the first layer multiplies the inputs: past this the
   * loss overflows before any step, which would look like a bad initialisation. */
  if (fabs (*x) > CSV_MAX_MAGNITUDE || fabs (*y) > CSV_MAX_MAGNITUDE)
    {
      *problem = "a value beyond ±1e100 would overflow the loss; rescale the data";
      return CSV_ROW_NOT_FINITE;
    }

  return CSV_ROW_OK;
}

SaddleDataset *
saddle_dataset_load_csv (const char  *path,
                         gsize        max_samples,
                         GError     **error)
{
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  g_autofree char *n_text = NULL;
  gsize length, n_rows, kept;
  gboolean first = TRUE;
  CsvLines lines;
  char *line;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_path_get_basename (path);
  if (!csv_read_file (path, &contents, &length, error))
    return NULL;

  rows = g_array_new (FALSE, FALSE, sizeof (double));
  csv_lines_init (&lines, contents, length);
  while ((line = csv_lines_next (&lines)) != NULL)
    {
      const char *problem = NULL;
      const char *p;
      double xy[2];

      if (strlen (line) != lines.line_length)
        {
          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                       "%s: line %u contains a NUL byte; is this a text file?", display,
                       lines.line_no);
          return NULL;
        }

      for (p = line; csv_is_space (*p); p++)
        ;
      if (*p != '\0' && *p != '#')
        {
          CsvRow row = csv_parse_row (p, &xy[0], &xy[1], &problem);

          /* Only a first row that is not numbers is a header; NaN/inf is bad data. */
          if (row == CSV_ROW_OK)
            g_array_append_vals (rows, xy, 2);
          else if (!first || row == CSV_ROW_NOT_FINITE)
            {
              g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                           "%s: line %u: %s", display, lines.line_no, problem);
              return NULL;
            }
          first = FALSE;
        }
    }

  n_rows = rows->len / 2;
  if (n_rows == 0)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: no data rows; expected lines of x,y numbers", display);
      return NULL;
    }

  kept = max_samples > 0 ? MIN (max_samples, n_rows) : n_rows;
  dataset = saddle_dataset_new_empty (SADDLE_DATASET_REGRESSION);
  dataset->n_samples = kept;
  dataset->n_inputs = 1;
  dataset->n_outputs = 1;
  dataset->x = g_new (double, kept);
  dataset->targets = g_new (double, kept);
  for (gsize i = 0; i < kept; i++)
    {
      dataset->x[i] = g_array_index (rows, double, 2 * i);
      dataset->targets[i] = g_array_index (rows, double, 2 * i + 1);
    }

  n_text = saddle_format_count (kept);
  dataset->name = g_strdup_printf ("%s: %s points", display, n_text);

  return g_steal_pointer (&dataset);
}

/* Sets a format error "FILE: line N[, column C (NAME)]: what". */
static void
csv_error (GError      **error,
           const char   *display,
           guint         line_no,
           guint         column,
           const char   *column_name,
           const char   *format,
           ...) G_GNUC_PRINTF (6, 7);

static void
csv_error (GError      **error,
           const char   *display,
           guint         line_no,
           guint         column,
           const char   *column_name,
           const char   *format,
           ...)
{
  g_autofree char *what = NULL;
  g_autoptr(GString) where = g_string_new (display);
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  if (line_no > 0)
    g_string_append_printf (where, ": line %u", line_no);
  if (column > 0)
    g_string_append_printf (where, ", column %u", column);
  if (column > 0 && column_name != NULL)
    g_string_append_printf (where, " (%s)", column_name);
  g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT, "%s: %s", where->str,
               what);
}

/* Splits @line at @separator into @fields, in place: blanks around a field are dropped, a
 * field in double quotes may hold the separator and "" for a quote. FALSE + @problem and the
 * 1-based @column when a quote is not closed or text follows a closing quote. */
static gboolean
csv_split (char        *line,
           char         separator,
           GPtrArray   *fields,
           guint       *column,
           const char **problem)
{
  char *p = line;

  g_ptr_array_set_size (fields, 0);
  for (;;)
    {
      char *field;
      char *out;

      while (*p == ' ' || (*p == '\t' && separator != '\t'))
        p++;
      field = out = p;
      if (*p == '"')
        {
          field = out = ++p;
          for (;;)
            {
              if (*p == '\0')
                {
                  *column = fields->len + 1;
                  *problem = "a quote is not closed";
                  return FALSE;
                }
              if (*p == '"' && p[1] == '"')
                {
                  *out++ = '"';
                  p += 2;
                }
              else if (*p == '"')
                {
                  p++;
                  break;
                }
              else
                *out++ = *p++;
            }
          while (*p == ' ' || (*p == '\t' && separator != '\t'))
            p++;
          if (*p != separator && *p != '\0')
            {
              *column = fields->len + 1;
              *problem = "text after a closing quote";
              return FALSE;
            }
        }
      else
        {
          while (*p != separator && *p != '\0')
            p++;
          out = p;
          while (out > field && (out[-1] == ' ' || (out[-1] == '\t' && separator != '\t')))
            out--;
        }
      g_ptr_array_add (fields, field);
      if (*p == '\0')
        {
          *out = '\0';
          return TRUE;
        }
      p++;
      *out = '\0';
    }
}

/* The whole of @text as a number ("nan" and "inf" included: they are refused by the caller). */
static gboolean
csv_number (const char *text,
            double     *value)
{
  char *end;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0';
}

/* A class number: decimal digits only, at most SADDLE_DATASET_MAX_CLASSES − 1 is checked later. */
static gboolean
csv_class_number (const char *text,
                  guint64    *value)
{
  if (*text == '\0')
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, value, NULL);
}

/* The separator of a file whose first row is @line: a comma, else a semicolon, else a tab. */
static char
csv_separator (const char *line)
{
  if (strchr (line, ',') != NULL)
    return ',';
  if (strchr (line, ';') != NULL)
    return ';';
  return '\t';
}

/* The next row that is not blank or a comment, split; FALSE at the end or on an error. */
static gboolean
csv_next_row (CsvLines    *lines,
              char        *separator,
              CsvFields   *row,
              const char  *display,
              gboolean    *failed,
              GError     **error)
{
  char *line;

  while ((line = csv_lines_next (lines)) != NULL)
    {
      const char *p = line;
      const char *problem = NULL;
      guint column = 0;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '\0' || *p == '#')
        continue;
      if (*separator == '\0')
        *separator = csv_separator (line);
      if (!csv_split (line, *separator, row->fields, &column, &problem))
        {
          csv_error (error, display, lines->line_no, column, NULL, "%s", problem);
          *failed = TRUE;
          return FALSE;
        }
      row->line_no = lines->line_no;
      return TRUE;
    }
  return FALSE;
}

/* @row takes @next's fields (and @next @row's old array, to fill again). */
static void
csv_advance (CsvFields *row,
             CsvFields *next)
{
  GPtrArray *swap = row->fields;

  row->fields = next->fields;
  next->fields = swap;
  row->line_no = next->line_no;
}

/* Whether the first row is a header: declared by naming the label column; detected when a
 * field after its first is text, or its first is text and the next row's a number. */
static gboolean
csv_is_header (const CsvFields        *row,
               const CsvFields        *next,
               gboolean                have_next,
               const SaddleCsvOptions *options)
{
  double v;

  if (options->label_column != NULL)
    return TRUE;
  /* An empty field is a missing number, not a name. */
  for (guint i = 1; i < row->fields->len; i++)
    {
      const char *field = g_ptr_array_index (row->fields, i);

      if (*field != '\0' && !csv_number (field, &v))
        return TRUE;
    }
  return !csv_number (g_ptr_array_index (row->fields, 0), &v)
         && have_next && next->fields->len > 0
         && csv_number (g_ptr_array_index (next->fields, 0), &v);
}

static const char *
csv_column_name (const CsvClasses *t,
                 guint             column)
{
  return t->header != NULL ? t->header[column] : NULL;
}

/* The label column in the header: @wanted, else "label" (any case), else the first. */
static gboolean
csv_find_label_column (CsvClasses  *t,
                       const char  *wanted,
                       guint        line_no,
                       GError     **error)
{
  g_autofree char *list = NULL;

  for (guint j = 0; j < t->n_columns; j++)
    if (wanted != NULL ? strcmp (t->header[j], wanted) == 0
                       : g_ascii_strcasecmp (t->header[j], "label") == 0)
      {
        t->label_col = j;
        return TRUE;
      }
  if (wanted == NULL)
    return TRUE;
  list = g_strjoinv (", ", t->header);
  csv_error (error, t->display, line_no, 0, NULL,
             "no column “%s” in the header; its columns are %s", wanted, list);
  return FALSE;
}

/* Checks a data row and keeps its features and label. */
static gboolean
csv_take_row (CsvClasses       *t,
              const CsvFields  *row,
              GError          **error)
{
  const char *label;
  gpointer id;
  guint label_id;

  if (row->fields->len != t->n_columns)
    {
      csv_error (error, t->display, row->line_no, 0, NULL, "%u field%s, but the %s has %u",
                 row->fields->len, row->fields->len == 1 ? "" : "s",
                 t->header != NULL ? "header" : "first row", t->n_columns);
      return FALSE;
    }
  for (guint j = 0; j < t->n_columns; j++)
    {
      const char *field = g_ptr_array_index (row->fields, j);
      const char *name = csv_column_name (t, j);
      double v;

      if (j == t->label_col)
        continue;
      if (*field == '\0')
        {
          csv_error (error, t->display, row->line_no, j + 1, name,
                     "empty field; every feature needs a value");
          return FALSE;
        }
      if (!csv_number (field, &v))
        {
          csv_error (error, t->display, row->line_no, j + 1, name, "“%s” is not a number",
                     field);
          return FALSE;
        }
      if (isnan (v))
        {
          csv_error (error, t->display, row->line_no, j + 1, name,
                     "NaN is not allowed (a missing value?); remove or fill the row");
          return FALSE;
        }
      if (!isfinite (v) || fabs (v) > CSV_MAX_MAGNITUDE)
        {
          csv_error (error, t->display, row->line_no, j + 1, name,
                     "%s would overflow the loss; rescale the data",
                     isfinite (v) ? "a value beyond ±1e100" : "an infinite value");
          return FALSE;
        }
      g_array_append_val (t->x, v);
    }

  label = g_ptr_array_index (row->fields, t->label_col);
  if (*label == '\0')
    {
      csv_error (error, t->display, row->line_no, t->label_col + 1,
                 csv_column_name (t, t->label_col), "empty label");
      return FALSE;
    }
  if (!g_hash_table_lookup_extended (t->name_ids, label, NULL, &id))
    {
      if (t->names->len == SADDLE_DATASET_MAX_CLASSES)
        {
          csv_error (error, t->display, row->line_no, t->label_col + 1,
                     csv_column_name (t, t->label_col),
                     "a %uth distinct label, “%s”; Saddle takes at most %u classes "
                     "(is this the label column?)", t->names->len + 1, label,
                     SADDLE_DATASET_MAX_CLASSES);
          return FALSE;
        }
      id = GUINT_TO_POINTER (t->names->len);
      g_hash_table_insert (t->name_ids, (gpointer) label, id);
      g_ptr_array_add (t->names, (gpointer) label);
      g_array_append_val (t->name_lines, row->line_no);
    }
  label_id = GPOINTER_TO_UINT (id);
  g_array_append_val (t->row_labels, label_id);
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* The class of each distinct label: its number if every label is one, else its place among
 * the names sorted bytewise (then @class_names gets them, in that order). */
static guint *
csv_map_classes (const CsvClasses  *t,
                 guint             *n_classes,
                 char            ***class_names,
                 GError           **error)
{
  g_autofree guint *class_of = g_new (guint, t->names->len);
  g_autoptr(GHashTable) distinct = g_hash_table_new (NULL, NULL);
  gboolean numeric = TRUE;

  *n_classes = 0;
  *class_names = NULL;
  for (guint i = 0; i < t->names->len && numeric; i++)
    {
      guint64 k = 0;

      numeric = csv_class_number (g_ptr_array_index (t->names, i), &k);
      class_of[i] = (guint) MIN (k, G_MAXUINT);
    }
  for (guint i = 0; i < t->names->len && numeric; i++)
    {
      if (class_of[i] >= SADDLE_DATASET_MAX_CLASSES)
        {
          csv_error (error, t->display, g_array_index (t->name_lines, guint, i),
                     t->label_col + 1, csv_column_name (t, t->label_col),
                     "label %s; class numbers go from 0 to %u",
                     (const char *) g_ptr_array_index (t->names, i),
                     SADDLE_DATASET_MAX_CLASSES - 1);
          return NULL;
        }
      *n_classes = MAX (*n_classes, class_of[i] + 1);
    }
  if (!numeric)
    {
      g_autoptr(GPtrArray) sorted = g_ptr_array_copy (t->names, NULL, NULL);

      g_ptr_array_sort (sorted, compare_names);
      *class_names = g_new0 (char *, sorted->len + 1);
      for (guint i = 0; i < sorted->len; i++)
        {
          gpointer id = g_hash_table_lookup (t->name_ids, g_ptr_array_index (sorted, i));

          class_of[GPOINTER_TO_UINT (id)] = i;
          (*class_names)[i] = g_strdup (g_ptr_array_index (sorted, i));
        }
      *n_classes = sorted->len;
    }

  /* Distinct classes: "1" and "01" are one. */
  for (guint i = 0; i < t->names->len; i++)
    g_hash_table_add (distinct, GUINT_TO_POINTER (class_of[i] + 1));
  if (g_hash_table_size (distinct) < 2)
    {
      g_clear_pointer (class_names, g_strfreev);
      csv_error (error, t->display, 0, t->label_col + 1, csv_column_name (t, t->label_col),
                 "every row has the label “%s”; classification needs at least 2 classes",
                 (const char *) g_ptr_array_index (t->names, 0));
      return NULL;
    }
  return g_steal_pointer (&class_of);
}

/* "iris.csv: 150 rows × 4 features, 3 classes (0 = setosa, …), standardised" */
static char *
csv_title (const char            *display,
           const SaddleDataset   *dataset,
           gboolean               standardize)
{
  g_autofree char *r = saddle_format_count (dataset->n_samples);
  g_autofree char *f = saddle_format_count (dataset->n_inputs);
  GString *title = g_string_new (display);

  g_string_append_printf (title, ": %s rows × %s feature%s, %u classes", r, f,
                          dataset->n_inputs == 1 ? "" : "s", (guint) dataset->n_outputs);
  if (dataset->class_names != NULL)
    {
      g_string_append (title, " (");
      for (guint i = 0; i < MIN (dataset->n_outputs, CSV_NAMES_SHOWN); i++)
        g_string_append_printf (title, "%s%u = %s", i > 0 ? ", " : "", i,
                                dataset->class_names[i]);
      g_string_append (title, dataset->n_outputs > CSV_NAMES_SHOWN ? ", …)" : ")");
    }
  if (standardize)
    g_string_append (title, ", standardised");
  return g_string_free (title, FALSE);
}

/* Fails with the line of the first byte that is not UTF-8 text (a NUL byte included). */
static gboolean
csv_check_text (const char  *display,
                const char  *contents,
                gsize        length,
                GError     **error)
{
  const char *end_valid;
  guint line_no = 1;

  if (g_utf8_validate_len (contents, length, &end_valid))
    return TRUE;
  for (const char *p = contents; p < end_valid; p++)
    line_no += *p == '\n';
  csv_error (error, display, line_no, 0, NULL, "%s; is this a text file?",
             *end_valid == '\0' ? "a NUL byte" : "not UTF-8 text");
  return FALSE;
}

void
saddle_dataset_standardize (SaddleDataset *dataset)
{
  gsize n, d;

  g_return_if_fail (dataset != NULL);

  n = dataset->n_samples;
  d = dataset->n_inputs;
  for (gsize j = 0; j < d; j++)
    {
      double mean = 0.0, var = 0.0, sd;

      for (gsize i = 0; i < n; i++)
        mean += dataset->x[i * d + j];
      mean /= (double) n;
      /* Two passes: the mean first, then the squares about it, for accuracy. */
      for (gsize i = 0; i < n; i++)
        {
          double c = dataset->x[i * d + j] - mean;

          var += c * c;
        }
      sd = sqrt (var / (double) n);
      for (gsize i = 0; i < n; i++)
        dataset->x[i * d + j] = sd > 0 ? (dataset->x[i * d + j] - mean) / sd : 0.0;
    }
}

SaddleDataset *
saddle_dataset_load_csv_classes (const char              *path,
                                 const SaddleCsvOptions  *options,
                                 gsize                    max_samples,
                                 GError                 **error)
{
  static const SaddleCsvOptions defaults = { NULL, FALSE };
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  g_autofree guint *class_of = NULL;
  g_autoptr(GPtrArray) row_fields = g_ptr_array_new ();
  g_autoptr(GPtrArray) next_fields = g_ptr_array_new ();
  g_auto(CsvClasses) t = { 0 };
  char **class_names = NULL;
  CsvFields row = { row_fields, 0 };
  CsvFields next = { next_fields, 0 };
  CsvLines lines;
  gsize length, n_keep;
  guint n_classes;
  gboolean failed = FALSE, have_next;
  char separator = '\0';

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (options == NULL)
    options = &defaults;
  display = g_path_get_basename (path);
  if (!csv_read_file (path, &contents, &length, error)
      || !csv_check_text (display, contents, length, error))
    return NULL;
  csv_classes_init (&t, display);

  csv_lines_init (&lines, contents, length);
  if (!csv_next_row (&lines, &separator, &row, display, &failed, error))
    {
      if (!failed)
        csv_error (error, display, 0, 0, NULL,
                   "the file is empty; expected rows of label,feature,feature,…");
      return NULL;
    }
  t.n_columns = row.fields->len;
  if (t.n_columns < 2)
    {
      csv_error (error, display, row.line_no, 0, NULL,
                 "one field; a row is a label and at least one feature, separated by commas "
                 "(or semicolons or tabs)");
      return NULL;
    }
  have_next = csv_next_row (&lines, &separator, &next, display, &failed, error);
  if (failed)
    return NULL;

  if (csv_is_header (&row, &next, have_next, options))
    {
      g_ptr_array_add (row.fields, NULL);
      t.header = (char **) g_ptr_array_steal (row.fields, NULL);
      if (!csv_find_label_column (&t, options->label_column, row.line_no, error))
        return NULL;
      if (!have_next)
        {
          csv_error (error, display, row.line_no, 0, NULL, "a header but no data rows");
          return NULL;
        }
      csv_advance (&row, &next);
      have_next = csv_next_row (&lines, &separator, &next, display, &failed, error);
      if (failed)
        return NULL;
    }

  for (;;)
    {
      if (!csv_take_row (&t, &row, error))
        return NULL;
      if (!have_next)
        break;
      csv_advance (&row, &next);
      have_next = csv_next_row (&lines, &separator, &next, display, &failed, error);
      if (failed)
        return NULL;
    }

  class_of = csv_map_classes (&t, &n_classes, &class_names, error);
  if (class_of == NULL)
    return NULL;

  n_keep = max_samples > 0 ? MIN (max_samples, t.row_labels->len) : t.row_labels->len;
  dataset = saddle_dataset_new_empty (SADDLE_DATASET_CLASSIFICATION);
  dataset->class_names = class_names;
  dataset->n_samples = n_keep;
  dataset->n_inputs = t.n_columns - 1;
  dataset->n_outputs = n_classes;
  dataset->x = g_memdup2 (t.x->data, n_keep * dataset->n_inputs * sizeof (double));
  dataset->labels = g_new (guint32, n_keep);
  for (gsize i = 0; i < n_keep; i++)
    dataset->labels[i] = class_of[g_array_index (t.row_labels, guint, i)];
  if (options->standardize)
    saddle_dataset_standardize (dataset);
  dataset->name = csv_title (display, dataset, options->standardize);

  return g_steal_pointer (&dataset);
}

gboolean
saddle_dataset_is_csv (const char *path)
{
  g_autofree char *lower = NULL;
  char head[CSV_PROBE_BYTES];
  const char *end;
  FILE *fp;
  gsize got;

  g_return_val_if_fail (path != NULL, FALSE);

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".csv"))
    return TRUE;
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || (fp = fopen (path, "rb")) == NULL)
    return FALSE;
  got = fread (head, 1, sizeof head, fp);
  fclose (fp);
  if (got == 0 || g_utf8_validate_len (head, got, &end))
    return got > 0;
  /* A character cut at the end of the probe is still text. */
  return (gsize) (end - head) + 4 > got && memchr (head, '\0', got) == NULL
         && (guchar) *end >= 0xc0;
}
