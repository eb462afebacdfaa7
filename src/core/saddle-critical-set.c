/* saddle-critical-set.c */
#define G_LOG_DOMAIN "saddle-critical-set"

#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <cblas.h>

#include "saddle-critical-set.h"
#include "saddle-csv.h"
#include "saddle-csv-table.h"
#include "saddle-exact-reach.h"
#include "saddle-file.h"

/* The largest results table read back (a spectrum of 4 GB of text is far past any study). */
#define TABLE_MAX_BYTES ((guint64) 4 << 30)
#include "saddle-stats.h"

/* The measurements of what a point is, after the older columns: each a double of the point,
 * written and read back through this one table (empty in a file = NAN, as in older files). */
#define POINT_DOUBLE(name, member) { name, G_STRUCT_OFFSET (SaddleCriticalPoint, member) }
static const struct
{
  const char *name;
  glong       offset;
} what_doubles[] = {
  POINT_DOUBLE ("still_factor", still_factor),
  POINT_DOUBLE ("clarke_distance", clarke_distance),
  POINT_DOUBLE ("share_zero", exact_reach.share_zero),
  POINT_DOUBLE ("share_weak", exact_reach.share_weak),
  POINT_DOUBLE ("step_length_1e-13", exact_reach.cuts[0].length),
  POINT_DOUBLE ("step_residual_1e-13", exact_reach.cuts[0].residual),
  POINT_DOUBLE ("kink_fraction_1e-13", exact_reach.cuts[0].kink_fraction),
  POINT_DOUBLE ("step_length_1e-8", exact_reach.cuts[1].length),
  POINT_DOUBLE ("step_residual_1e-8", exact_reach.cuts[1].residual),
  POINT_DOUBLE ("kink_fraction_1e-8", exact_reach.cuts[1].kink_fraction),
  POINT_DOUBLE ("step_length_1e-6", exact_reach.cuts[2].length),
  POINT_DOUBLE ("step_residual_1e-6", exact_reach.cuts[2].residual),
  POINT_DOUBLE ("kink_fraction_1e-6", exact_reach.cuts[2].kink_fraction),
};
#undef POINT_DOUBLE



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
  g_autoptr(GString) header = NULL;

  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  header = g_string_new ("run,loss,grad_norm,minimal_ratio,positive,negative,zero,tolerance,"
                         "nonzero_ratio,label,grad_norm_start,steps,dead_units,hg_ratio,"
                         "max_abs_eigenvalue,accuracy,grad_norm_descent,newton_steps,"
                         "newton_distance,newton_residual,kinks_crossed,certificate,still_steps,"
                         "clarke_kinks");
  for (guint k = 0; k < G_N_ELEMENTS (what_doubles); k++)
    g_string_append_printf (header, ",%s", what_doubles[k].name);
  csv = saddle_csv_new (header->str, 720 * (gsize) set->points->len);

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
      saddle_csv_add_string (csv, saddle_critical_certificate_to_string (p->certificate));
      saddle_csv_add_uint (csv, p->still_steps);
      saddle_csv_add_uint (csv, p->clarke_kinks);
      for (guint k = 0; k < G_N_ELEMENTS (what_doubles); k++)
        saddle_csv_add_double (csv, G_STRUCT_MEMBER (double, p, what_doubles[k].offset));
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

static void
range_init (SaddleRange *range)
{
  range->n = 0;
  range->min = range->max = NAN;
}

static void
range_add (SaddleRange *range,
           double       value)
{
  if (!isfinite (value))
    return;
  if (range->n++ == 0)
    range->min = range->max = value;
  range->min = MIN (range->min, value);
  range->max = MAX (range->max, value);
}

void
saddle_critical_set_summarise (const SaddleCriticalSet *set,
                               SaddleCriticalSummary   *summary)
{
  SaddleRange *ranges = &summary->grad_norm;
  gsize n_ranges = (sizeof *summary - G_STRUCT_OFFSET (SaddleCriticalSummary, grad_norm))
                   / sizeof (SaddleRange);

  g_return_if_fail (set != NULL);
  g_return_if_fail (summary != NULL);

  memset (summary, 0, sizeof *summary);
  for (gsize k = 0; k < n_ranges; k++)
    range_init (&ranges[k]);
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      if (p->spectrum == NULL)
        continue;
      summary->analysed++;
      if ((guint) p->label < SADDLE_CRITICAL_N_LABELS)
        summary->labels[p->label]++;
      if (p->certificate == SADDLE_CERTIFICATE_GRADIENT)
        summary->by_gradient++;
      else if (p->certificate == SADDLE_CERTIFICATE_CLARKE)
        summary->by_clarke++;
      if (p->certificate != SADDLE_CERTIFICATE_NONE)
        continue;
      range_add (&summary->grad_norm, p->grad_norm);
      range_add (&summary->still_factor, p->still_factor);
      range_add (&summary->clarke_distance, p->clarke_distance);
      range_add (&summary->share_zero, p->exact_reach.share_zero);
      range_add (&summary->share_weak, p->exact_reach.share_weak);
      for (guint c = 0; c < SADDLE_EXACT_REACH_CUTOFFS; c++)
        {
          range_add (&summary->step_length[c], p->exact_reach.cuts[c].length);
          range_add (&summary->step_residual[c], p->exact_reach.cuts[c].residual);
          range_add (&summary->kink_fraction[c], p->exact_reach.cuts[c].kink_fraction);
        }
      if (p->params != NULL)
        range_add (&summary->theta_norm, cblas_dnrm2 ((int) p->n_params, p->params, 1));
    }
}

/* ------------------------------------------------------------ reading back */

/* An error of this module naming @t's file and @line. */
#define invalid(error, t, line, ...) saddle_csv_table_invalid ((t), (line), (error), __VA_ARGS__)

static SaddleCsvTable *
table_read (const char  *path,
            GError     **error)
{
  return saddle_csv_table_read (path, TABLE_MAX_BYTES, SADDLE_CRITICAL_ERROR,
                                SADDLE_CRITICAL_ERROR_INVALID, error);
}

/* eigenvalues.csv into a run → GArray of doubles map, in file order. */
static GHashTable *
read_eigenvalues (const char  *path,
                  GError     **error)
{
  g_autoptr(GHashTable) by_run = g_hash_table_new_full (NULL, NULL, NULL,
                                                        (GDestroyNotify) g_array_unref);
  g_autoptr(SaddleCsvTable) t = table_read (path, error);
  int c_run, c_value;

  if (t == NULL)
    return NULL;
  if ((c_run = saddle_csv_table_column (t, "run", TRUE, error)) < 0
      || (c_value = saddle_csv_table_column (t, "eigenvalue", TRUE, error)) < 0)
    return NULL;
  for (guint r = 0; r < t->rows->len; r++)
    {
      guint64 run;
      double value;
      GArray *values;

      if (!saddle_csv_table_uint (t, r, c_run, G_MAXUINT, &run, error)
          || !saddle_csv_table_double (t, r, c_value, &value, error))
        return NULL;
      if (!isfinite (value))
        {
          invalid (error, t, saddle_csv_table_line (t, r), "eigenvalue %g is not finite", value);
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
  int c_what[G_N_ELEMENTS (what_doubles)], c_certificate, c_still_steps, c_clarke_kinks;
  double tolerance = set->tolerance;
  g_autoptr(SaddleCsvTable) table = NULL;
  SaddleCsvTable *t;

  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (critical_path != NULL && eigenvalues_path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  eigenvalues = read_eigenvalues (eigenvalues_path, error);
  if (eigenvalues == NULL || (table = table_read (critical_path, error)) == NULL)
    return FALSE;
  t = table;

  if ((c_run = saddle_csv_table_column (t, "run", TRUE, error)) < 0
      || (c_label = saddle_csv_table_column (t, "label", TRUE, error)) < 0
      || (c_positive = saddle_csv_table_column (t, "positive", TRUE, error)) < 0
      || (c_negative = saddle_csv_table_column (t, "negative", TRUE, error)) < 0
      || (c_zero = saddle_csv_table_column (t, "zero", TRUE, error)) < 0)
    return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (doubles); k++)
    if ((c_doubles[k] = saddle_csv_table_column (t, doubles[k], TRUE, error)) < 0)
      return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
    if ((c_counts[k] = saddle_csv_table_column (t, counts[k], TRUE, error)) < 0)
      return FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (what_doubles); k++)
    c_what[k] = saddle_csv_table_column (t, what_doubles[k].name, FALSE, NULL);
  c_certificate = saddle_csv_table_column (t, "certificate", FALSE, NULL);
  c_still_steps = saddle_csv_table_column (t, "still_steps", FALSE, NULL);
  c_clarke_kinks = saddle_csv_table_column (t, "clarke_kinks", FALSE, NULL);
  c_distance = saddle_csv_table_column (t, "newton_distance", FALSE, NULL);
  c_residual = saddle_csv_table_column (t, "newton_residual", FALSE, NULL);
  c_kinks = saddle_csv_table_column (t, "kinks_crossed", FALSE, NULL);

  points = g_ptr_array_new_with_free_func ((GDestroyNotify) saddle_critical_point_free);
  for (guint r = 0; r < t->rows->len; r++)
    {
      g_autoptr(SaddleCriticalPoint) point = g_new0 (SaddleCriticalPoint, 1);
      guint line = saddle_csv_table_line (t, r);
      const char *label = saddle_csv_table_field (t, r, c_label);
      double values[G_N_ELEMENTS (doubles)];
      guint64 numbers[G_N_ELEMENTS (counts)], run;

      if (!saddle_csv_table_uint (t, r, c_run, G_MAXUINT, &run, error))
        return FALSE;
      if (run == 0)
        {
          invalid (error, t, line, "run 0: runs count from 1");
          return FALSE;
        }
      for (guint k = 0; k < G_N_ELEMENTS (doubles); k++)
        if (!saddle_csv_table_double (t, r, c_doubles[k], &values[k], error))
          return FALSE;
      for (guint k = 0; k < G_N_ELEMENTS (counts); k++)
        if (!saddle_csv_table_uint (t, r, c_counts[k], G_MAXUINT, &numbers[k], error))
          return FALSE;
      if (!saddle_critical_label_from_string (label, &point->label))
        {
          invalid (error, t, line, "unknown label “%s”", label);
          return FALSE;
        }
      /* An empty set of NAN tolerance takes the first row's, set only once all rows pass. */
      if (r == 0 && set->points->len == 0 && isnan (tolerance)
          && values[2] > 0.0 && values[2] < 1.0)
        tolerance = values[2];
      if (values[2] != tolerance)
        {
          invalid (error, t, line, "zero tolerance %g, not the %g of the others",
                   values[2], tolerance);
          return FALSE;
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
      if (c_distance >= 0 && !saddle_csv_table_empty (t, r, c_distance)
          && !saddle_csv_table_double (t, r, c_distance, &point->reach.distance, error))
        return FALSE;
      if (c_residual >= 0 && !saddle_csv_table_empty (t, r, c_residual)
          && !saddle_csv_table_double (t, r, c_residual, &point->reach.residual, error))
        return FALSE;
      if (c_kinks >= 0 && !saddle_csv_table_empty (t, r, c_kinks)
          && !saddle_csv_table_uint (t, r, c_kinks, G_MAXUINT64, &point->reach.kinks_crossed, error))
        return FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (what_doubles); k++)
        {
          double *value = &G_STRUCT_MEMBER (double, point, what_doubles[k].offset);

          *value = NAN;
          if (c_what[k] >= 0 && !saddle_csv_table_empty (t, r, c_what[k])
              && !saddle_csv_table_double (t, r, c_what[k], value, error))
            return FALSE;
        }
      for (guint k = 0; k < SADDLE_EXACT_REACH_CUTOFFS; k++)
        point->exact_reach.cuts[k].cutoff = saddle_exact_reach_cutoff (k);
      if (c_certificate >= 0)
        {
          const char *name = saddle_csv_table_field (t, r, c_certificate);

          if (!saddle_critical_certificate_from_string (name, &point->certificate))
            {
              invalid (error, t, line, "unknown certificate “%s”", name);
              return FALSE;
            }
        }
      if (c_still_steps >= 0 && !saddle_csv_table_empty (t, r, c_still_steps))
        {
          guint64 value;

          if (!saddle_csv_table_uint (t, r, c_still_steps, G_MAXUINT, &value, error))
            return FALSE;
          point->still_steps = (guint) value;
        }
      if (c_clarke_kinks >= 0 && !saddle_csv_table_empty (t, r, c_clarke_kinks))
        {
          guint64 value;

          if (!saddle_csv_table_uint (t, r, c_clarke_kinks, G_MAXUINT, &value, error))
            return FALSE;
          point->clarke_kinks = (guint) value;
        }
      if (saddle_critical_label_certified (point->label)
          != (point->certificate != SADDLE_CERTIFICATE_NONE))
        {
          invalid (error, t, line, "label “%s” with certificate “%s”", label,
                   saddle_critical_certificate_to_string (point->certificate));
          return FALSE;
        }

      /* Counts left empty: the analysis did not get as far as a spectrum. */
      if (!saddle_csv_table_empty (t, r, c_positive))
        {
          GArray *spectrum = g_hash_table_lookup (eigenvalues, GUINT_TO_POINTER ((guint) run));
          guint64 positive, negative, zero;

          if (!saddle_csv_table_uint (t, r, c_positive, G_MAXSIZE, &positive, error)
              || !saddle_csv_table_uint (t, r, c_negative, G_MAXSIZE, &negative, error)
              || !saddle_csv_table_uint (t, r, c_zero, G_MAXSIZE, &zero, error))
            return FALSE;
          if (spectrum == NULL || spectrum->len != positive + negative + zero)
            {
              g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                           "%s: run %" G_GUINT64_FORMAT " has %u eigenvalues, where %s, line %u, "
                           "counts %" G_GUINT64_FORMAT, eigenvalues_path, run,
                           spectrum != NULL ? spectrum->len : 0, critical_path, line,
                           positive + negative + zero);
              return FALSE;
            }
          point->spectrum = saddle_spectrum_new_from_values ((const double *) spectrum->data,
                                                             spectrum->len, tolerance);
          if (point->spectrum->positive != positive || point->spectrum->negative != negative
              || point->spectrum->zero != zero)
            {
              g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                           "%s: run %" G_GUINT64_FORMAT "'s eigenvalues give %" G_GSIZE_FORMAT
                           " positive, %" G_GSIZE_FORMAT " negative and %" G_GSIZE_FORMAT " zero, "
                           "where %s, line %u, says %" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                           " and %" G_GUINT64_FORMAT, eigenvalues_path, run,
                           point->spectrum->positive, point->spectrum->negative,
                           point->spectrum->zero, critical_path, line, positive, negative, zero);
              return FALSE;
            }
          point->n_params = spectrum->len;
        }
      g_ptr_array_add (points, g_steal_pointer (&point));
    }

  set->tolerance = tolerance;
  for (guint i = 0; i < points->len; i++)
    g_ptr_array_add (set->points, g_ptr_array_index (points, i));
  g_ptr_array_set_free_func (points, NULL);
  return TRUE;
}
