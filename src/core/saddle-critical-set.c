/* saddle-critical-set.c */
#define G_LOG_DOMAIN "saddle-critical-set"

#include "config.h"

#include <math.h>

#include "saddle-critical-set.h"
#include "saddle-csv.h"


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
