/* saddle-critical-set.c */
#define G_LOG_DOMAIN "saddle-critical-set"

#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "saddle-critical-set.h"
#include "saddle-csv.h"
#include "saddle-stats.h"


SaddleCriticalSet *
saddle_critical_set_new (double tolerance)
{
  SaddleCriticalSet *set = g_new0 (SaddleCriticalSet, 1);

  set->points = g_ptr_array_new_with_free_func ((GDestroyNotify) saddle_critical_point_free);
  set->tolerance = tolerance;
  return set;
}

void
saddle_critical_set_free (SaddleCriticalSet *set)
{
  if (set == NULL)
    return;

  g_ptr_array_unref (set->points);
  g_free (set);
}

void
saddle_critical_set_add (SaddleCriticalSet         *set,
                         const SaddleCriticalPoint *point)
{
  g_return_if_fail (set != NULL);
  g_return_if_fail (point != NULL);

  g_ptr_array_add (set->points, saddle_critical_point_copy (point));
}

gboolean
saddle_critical_set_write_csv (const SaddleCriticalSet *set,
                               const char              *path,
                               GError                 **error)
{
  g_autoptr(SaddleCsv) csv = NULL;

  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  csv = saddle_csv_new ("run,loss,grad_norm,minimal_ratio,positive,negative,zero,tolerance,"
                        "nonzero_ratio,label,grad_norm_start,steps,dead_units,hg_ratio,"
                        "max_abs_eigenvalue,accuracy,grad_norm_descent,newton_steps,newton_distance,"
                        "newton_residual,kinks_crossed",
                        360 * (gsize) set->points->len);

  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      const SaddleSpectrum *s = p->spectrum;

      /* Runs are numbered from 1 in every file and figure ("Run 12" = run 12). */
      saddle_csv_add_uint (csv, (guint64) p->run + 1);
      saddle_csv_add_double (csv, p->loss);
      saddle_csv_add_double (csv, p->grad_norm);
      /* Without a spectrum (the analysis did not get that far) the counts are
       * unknown, not zero: leave them empty so no reader mistakes them. */
      if (s != NULL)
        {
          saddle_csv_add_double (csv, s->minimal_ratio);
          saddle_csv_add_uint (csv, s->positive);
          saddle_csv_add_uint (csv, s->negative);
          saddle_csv_add_uint (csv, s->zero);
          saddle_csv_add_double (csv, s->tolerance);
          saddle_csv_add_double (csv, s->nonzero_ratio);
        }
      else
        {
          saddle_csv_add_double (csv, NAN);
          saddle_csv_add_empty (csv);
          saddle_csv_add_empty (csv);
          saddle_csv_add_empty (csv);
          saddle_csv_add_double (csv, set->tolerance);
          saddle_csv_add_double (csv, NAN);
        }
      saddle_csv_add_string (csv, saddle_critical_label_to_string (p->label));
      saddle_csv_add_double (csv, p->grad_norm_start);
      saddle_csv_add_uint (csv, p->steps);
      saddle_csv_add_uint (csv, p->dead_units);
      saddle_csv_add_double (csv, p->hg_ratio);
      saddle_csv_add_double (csv, s != NULL ? s->max_abs : NAN);
      saddle_csv_add_double (csv, p->accuracy);
      saddle_csv_add_double (csv, p->grad_norm_descent);
      saddle_csv_add_uint (csv, p->newton_steps);
      /* Computed with the Hessian: unknown, not zero, without it. */
      if (s != NULL)
        {
          saddle_csv_add_double (csv, p->reach.distance);
          saddle_csv_add_double (csv, p->reach.residual);
          saddle_csv_add_uint (csv, p->reach.kinks_crossed);
        }
      else
        {
          saddle_csv_add_double (csv, NAN);
          saddle_csv_add_double (csv, NAN);
          saddle_csv_add_empty (csv);
        }
      saddle_csv_end_row (csv);
    }

  return saddle_csv_write (csv, path, error);
}

gboolean
saddle_critical_set_write_eigenvalues (const SaddleCriticalSet *set,
                                       const char              *path,
                                       GError                 **error)
{
  g_autoptr(SaddleCsv) csv = NULL;
  gsize total = 0;

  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      if (p->spectrum != NULL)
        total += p->spectrum->n;
    }

  csv = saddle_csv_new ("run,index,eigenvalue", 40 * total);
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      if (p->spectrum == NULL)
        continue;

      /* The spectrum keeps its eigenvalues ascending already. */
      for (gsize k = 0; k < p->spectrum->n; k++)
        {
          saddle_csv_add_uint (csv, (guint64) p->run + 1);
          saddle_csv_add_uint (csv, k);
          saddle_csv_add_double (csv, p->spectrum->eigenvalues[k]);
          saddle_csv_end_row (csv);
        }
    }

  return saddle_csv_write (csv, path, error);
}

void
saddle_critical_set_reach_summary (const SaddleCriticalSet *set,
                                   SaddleReachSummary      *summary)
{
  guint len;
  g_autofree double *residuals = NULL;
  g_autofree double *distances = NULL;
  g_autofree double *kinks = NULL;

  g_return_if_fail (set != NULL);
  g_return_if_fail (summary != NULL);

  len = MAX (1, set->points->len);
  residuals = g_new (double, len);
  distances = g_new (double, len);
  kinks = g_new (double, len);
  memset (summary, 0, sizeof *summary);
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      summary->max_iterations = MAX (summary->max_iterations, p->reach.iterations);
      if (p->grad_norm <= SADDLE_CRITICAL_REACHED_GRAD_NORM)
        summary->reached++;
      else if (!isfinite (p->reach.residual))
        continue;
      else if (!saddle_newton_reach_found (&p->reach))
        {
          residuals[summary->none++] = p->reach.residual;
          if (!p->reach.converged && p->reach.iterations > 0)
            summary->stopped_early++;
        }
      else
        {
          distances[summary->found] = p->reach.distance;
          kinks[summary->found++] = (double) p->reach.kinks_crossed;
        }
    }
  summary->median_residual = saddle_stats_median (residuals, summary->none, NULL, NULL);
  summary->median_distance = saddle_stats_median (distances, summary->found, NULL, NULL);
  summary->median_kinks = saddle_stats_median (kinks, summary->found, NULL, NULL);
}

/* ------------------------------------------------------------ reading back */

/* A CSV file as written by SaddleCsv: a header, then rows of as many fields. */
typedef struct
{
  const char *path;
  char      **header;
  GPtrArray  *rows;        /* char ** fields */
  GArray     *lines;       /* guint: each row's line number, for messages */
} Table;

static void
table_clear (Table *t)
{
  g_clear_pointer (&t->header, g_strfreev);
  g_clear_pointer (&t->rows, g_ptr_array_unref);
  g_clear_pointer (&t->lines, g_array_unref);
}

static gboolean
invalid (GError    **error,
         const char *path,
         guint       line,
         const char *format,
         ...) G_GNUC_PRINTF (4, 5);

static gboolean
invalid (GError    **error,
         const char *path,
         guint       line,
         const char *format,
         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  if (line > 0)
    g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                 "%s, line %u: %s", path, line, what);
  else
    g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID, "%s: %s", path, what);
  return FALSE;
}

static gboolean
table_read (Table       *t,
            const char  *path,
            GError     **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;
  guint n_columns;

  memset (t, 0, sizeof *t);
  t->path = path;
  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;
  /* With the length given, a NUL byte fails too: it would end the text early. */
  if (!g_utf8_validate_len (contents, length, NULL))
    return invalid (error, path, 0, "not UTF-8 text");

  lines = g_strsplit (contents, "\n", -1);
  if (lines[0] == NULL || *g_strchomp (lines[0]) == '\0')
    return invalid (error, path, 1, "no header");
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
          table_clear (t);
          return invalid (error, path, line, "%u fields where the header has %u", got, n_columns);
        }
      g_ptr_array_add (t->rows, fields);
      g_array_append_val (t->lines, line);
    }
  return TRUE;
}

/* The index of column @name, or -1 (with @error if @required). */
static int
table_column (const Table *t,
              const char  *name,
              gboolean     required,
              GError     **error)
{
  for (guint c = 0; t->header[c] != NULL; c++)
    if (g_strcmp0 (t->header[c], name) == 0)
      return (int) c;
  if (required)
    invalid (error, t->path, 1, "no column “%s”", name);
  return -1;
}

/* A whole field as a double ("nan" and "inf" included); FALSE names the field. */
static gboolean
field_double (const Table *t,
              guint        row,
              int          column,
              double      *value,
              GError     **error)
{
  const char *text = ((char **) g_ptr_array_index (t->rows, row))[column];
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  if (*text == '\0' || end == NULL || *end != '\0')
    return invalid (error, t->path, g_array_index (t->lines, guint, row),
                    "“%s” is not a number (column %s)", text, t->header[column]);
  return TRUE;
}

static gboolean
field_uint (const Table *t,
            guint        row,
            int          column,
            guint64      max,
            guint64     *value,
            GError     **error)
{
  const char *text = ((char **) g_ptr_array_index (t->rows, row))[column];

  if (!g_ascii_string_to_unsigned (text, 10, 0, max, value, NULL))
    return invalid (error, t->path, g_array_index (t->lines, guint, row),
                    "“%s” is not a count (column %s)", text, t->header[column]);
  return TRUE;
}

static gboolean
field_empty (const Table *t,
             guint        row,
             int          column)
{
  return *((char **) g_ptr_array_index (t->rows, row))[column] == '\0';
}

/* eigenvalues.csv into a run → GArray of doubles map, in file order. */
static GHashTable *
read_eigenvalues (const char  *path,
                  GError     **error)
{
  g_autoptr(GHashTable) by_run = g_hash_table_new_full (NULL, NULL, NULL,
                                                        (GDestroyNotify) g_array_unref);
  Table t;
  int c_run, c_value;

  if (!table_read (&t, path, error))
    return NULL;
  if ((c_run = table_column (&t, "run", TRUE, error)) < 0
      || (c_value = table_column (&t, "eigenvalue", TRUE, error)) < 0)
    {
      table_clear (&t);
      return NULL;
    }
  for (guint r = 0; r < t.rows->len; r++)
    {
      guint64 run;
      double value;
      GArray *values;

      if (!field_uint (&t, r, c_run, G_MAXUINT, &run, error)
          || !field_double (&t, r, c_value, &value, error))
        {
          table_clear (&t);
          return NULL;
        }
      if (!isfinite (value))
        {
          invalid (error, path, g_array_index (t.lines, guint, r), "eigenvalue %g is not finite",
                   value);
          table_clear (&t);
          return NULL;
        }
      values = g_hash_table_lookup (by_run, GUINT_TO_POINTER ((guint) run));
      if (values == NULL)
        {
          values = g_array_new (FALSE, FALSE, sizeof (double));
          g_hash_table_insert (by_run, GUINT_TO_POINTER ((guint) run), values);
        }
      g_array_append_val (values, value);
    }
  table_clear (&t);
  return g_steal_pointer (&by_run);
}

gboolean
saddle_critical_set_read_csv (SaddleCriticalSet *set,
                              const char        *critical_path,
                              const char        *eigenvalues_path,
                              GError           **error)
{
  static const char *const doubles[] = {
    "loss", "grad_norm", "tolerance", "grad_norm_start", "hg_ratio", "accuracy",
    "grad_norm_descent",
  };
  static const char *const counts[] = { "steps", "dead_units", "newton_steps" };
  g_autoptr(GHashTable) eigenvalues = NULL;
  g_autoptr(GPtrArray) points = NULL;
  int c_doubles[G_N_ELEMENTS (doubles)], c_counts[G_N_ELEMENTS (counts)];
  int c_run, c_label, c_positive, c_negative, c_zero, c_distance, c_residual, c_kinks;
  double tolerance = set->tolerance;
  gboolean ok = FALSE;
  Table t;

  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (critical_path != NULL && eigenvalues_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  eigenvalues = read_eigenvalues (eigenvalues_path, error);
  if (eigenvalues == NULL || !table_read (&t, critical_path, error))
    return FALSE;

  if ((c_run = table_column (&t, "run", TRUE, error)) < 0
      || (c_label = table_column (&t, "label", TRUE, error)) < 0
      || (c_positive = table_column (&t, "positive", TRUE, error)) < 0
      || (c_negative = table_column (&t, "negative", TRUE, error)) < 0
      || (c_zero = table_column (&t, "zero", TRUE, error)) < 0)
    goto out;
  for (guint k = 0; k < G_N_ELEMENTS (doubles); k++)
    if ((c_doubles[k] = table_column (&t, doubles[k], TRUE, error)) < 0)
      goto out;
  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    if ((c_counts[k] = table_column (&t, counts[k], TRUE, error)) < 0)
      goto out;
  c_distance = table_column (&t, "newton_distance", FALSE, NULL);
  c_residual = table_column (&t, "newton_residual", FALSE, NULL);
  c_kinks = table_column (&t, "kinks_crossed", FALSE, NULL);

  points = g_ptr_array_new_with_free_func ((GDestroyNotify) saddle_critical_point_free);
  for (guint r = 0; r < t.rows->len; r++)
    {
      g_autoptr(SaddleCriticalPoint) point = g_new0 (SaddleCriticalPoint, 1);
      guint line = g_array_index (t.lines, guint, r);
      const char *label = ((char **) g_ptr_array_index (t.rows, r))[c_label];
      double values[G_N_ELEMENTS (doubles)];
      guint64 numbers[G_N_ELEMENTS (counts)], run;

      if (!field_uint (&t, r, c_run, G_MAXUINT, &run, error))
        goto out;
      if (run == 0)
        {
          invalid (error, critical_path, line, "run 0: runs count from 1");
          goto out;
        }
      for (guint k = 0; k < G_N_ELEMENTS (doubles); k++)
        if (!field_double (&t, r, c_doubles[k], &values[k], error))
          goto out;
      for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
        if (!field_uint (&t, r, c_counts[k], G_MAXUINT, &numbers[k], error))
          goto out;
      if (!saddle_critical_label_from_string (label, &point->label))
        {
          invalid (error, critical_path, line, "unknown label “%s”", label);
          goto out;
        }
      /* An empty set of NAN tolerance takes the first row's, set only once all rows pass. */
      if (r == 0 && set->points->len == 0 && isnan (tolerance)
          && values[2] > 0.0 && values[2] < 1.0)
        tolerance = values[2];
      if (values[2] != tolerance)
        {
          invalid (error, critical_path, line, "zero tolerance %g, not the %g of the others",
                   values[2], tolerance);
          goto out;
        }

      point->run = (guint) run - 1;
      point->loss = values[0];
      point->grad_norm = values[1];
      point->grad_norm_start = values[3];
      point->hg_ratio = values[4];
      point->accuracy = values[5];
      point->grad_norm_descent = values[6];
      point->steps = (guint) numbers[0];
      point->dead_units = (guint) numbers[1];
      point->newton_steps = (guint) numbers[2];
      point->reach.gradient = point->grad_norm;
      point->reach.distance = point->reach.residual = NAN;
      if (c_distance >= 0 && !field_empty (&t, r, c_distance)
          && !field_double (&t, r, c_distance, &point->reach.distance, error))
        goto out;
      if (c_residual >= 0 && !field_empty (&t, r, c_residual)
          && !field_double (&t, r, c_residual, &point->reach.residual, error))
        goto out;
      if (c_kinks >= 0 && !field_empty (&t, r, c_kinks)
          && !field_uint (&t, r, c_kinks, G_MAXUINT64, &point->reach.kinks_crossed, error))
        goto out;

      /* Counts left empty: the analysis did not get as far as a spectrum. */
      if (!field_empty (&t, r, c_positive))
        {
          GArray *spectrum = g_hash_table_lookup (eigenvalues, GUINT_TO_POINTER ((guint) run));
          guint64 positive, negative, zero;

          if (!field_uint (&t, r, c_positive, G_MAXSIZE, &positive, error)
              || !field_uint (&t, r, c_negative, G_MAXSIZE, &negative, error)
              || !field_uint (&t, r, c_zero, G_MAXSIZE, &zero, error))
            goto out;
          if (spectrum == NULL || spectrum->len != positive + negative + zero)
            {
              invalid (error, eigenvalues_path, 0, "run %" G_GUINT64_FORMAT " has %u eigenvalues, "
                       "where %s counts %" G_GUINT64_FORMAT, run, spectrum != NULL ? spectrum->len : 0,
                       critical_path, positive + negative + zero);
              goto out;
            }
          point->spectrum = saddle_spectrum_new_from_values ((const double *) spectrum->data,
                                                             spectrum->len, tolerance);
          if (point->spectrum->positive != positive || point->spectrum->negative != negative
              || point->spectrum->zero != zero)
            {
              invalid (error, eigenvalues_path, 0, "run %" G_GUINT64_FORMAT "'s eigenvalues give "
                       "%" G_GSIZE_FORMAT " positive, %" G_GSIZE_FORMAT " negative and %"
                       G_GSIZE_FORMAT " zero, where %s says %" G_GUINT64_FORMAT ", %"
                       G_GUINT64_FORMAT " and %" G_GUINT64_FORMAT, run,
                       point->spectrum->positive, point->spectrum->negative,
                       point->spectrum->zero, critical_path, positive, negative, zero);
              goto out;
            }
          point->n_params = spectrum->len;
        }
      g_ptr_array_add (points, g_steal_pointer (&point));
    }

  set->tolerance = tolerance;
  for (guint i = 0; i < points->len; i++)
    g_ptr_array_add (set->points, g_ptr_array_index (points, i));
  g_ptr_array_set_free_func (points, NULL);
  ok = TRUE;

out:
  table_clear (&t);
  return ok;
}
