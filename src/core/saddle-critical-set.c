/* saddle-critical-set.c */
#define G_LOG_DOMAIN "saddle-critical-set"

#include "config.h"

#include <math.h>

#include "saddle-critical-set.h"

static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "nan");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", value));
}

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
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  out = g_string_sized_new (256 + 320 * (gsize) set->points->len);
  g_string_append (out, "run,loss,grad_norm,minimal_ratio,positive,negative,zero,tolerance,"
                        "nonzero_ratio,label,grad_norm_start,steps,dead_units,hg_ratio,"
                        "max_abs_eigenvalue,accuracy,grad_norm_descent,newton_steps\n");

  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      const SaddleSpectrum *s = p->spectrum;

      /* Runs are numbered from 1 in every file and figure ("Run 12" = run 12). */
      g_string_append_printf (out, "%" G_GUINT64_FORMAT ",", (guint64) p->run + 1);
      append_double (out, p->loss);
      g_string_append_c (out, ',');
      append_double (out, p->grad_norm);
      g_string_append_c (out, ',');
      /* Without a spectrum (the analysis did not get that far) the counts are
       * unknown, not zero: leave them empty so no reader mistakes them. */
      if (s != NULL)
        {
          append_double (out, s->minimal_ratio);
          g_string_append_printf (out, ",%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT ",%" G_GSIZE_FORMAT ",",
                                  s->positive, s->negative, s->zero);
          append_double (out, s->tolerance);
          g_string_append_c (out, ',');
          append_double (out, s->nonzero_ratio);
        }
      else
        {
          g_string_append (out, "nan,,,,");
          append_double (out, set->tolerance);
          g_string_append (out, ",nan");
        }
      g_string_append_printf (out, ",%s,", saddle_critical_label_to_string (p->label));
      append_double (out, p->grad_norm_start);
      g_string_append_printf (out, ",%u,%u,", p->steps, p->dead_units);
      append_double (out, p->hg_ratio);
      g_string_append_c (out, ',');
      append_double (out, s != NULL ? s->max_abs : NAN);
      g_string_append_c (out, ',');
      append_double (out, p->accuracy);
      g_string_append_c (out, ',');
      append_double (out, p->grad_norm_descent);
      g_string_append_printf (out, ",%u\n", p->newton_steps);
    }

  return g_file_set_contents (path, out->str, out->len, error);
}

gboolean
saddle_critical_set_write_eigenvalues (const SaddleCriticalSet *set,
                                       const char              *path,
                                       GError                 **error)
{
  g_autoptr(GString) out = NULL;
  gsize total = 0;

  g_return_val_if_fail (set != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      if (p->spectrum != NULL)
        total += p->spectrum->n;
    }

  out = g_string_sized_new (32 + 40 * total);
  g_string_append (out, "run,index,eigenvalue\n");
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      if (p->spectrum == NULL)
        continue;

      /* The spectrum keeps its eigenvalues ascending already. */
      for (gsize k = 0; k < p->spectrum->n; k++)
        {
          g_string_append_printf (out, "%" G_GUINT64_FORMAT ",%" G_GSIZE_FORMAT ",",
                                  (guint64) p->run + 1, k);
          append_double (out, p->spectrum->eigenvalues[k]);
          g_string_append_c (out, '\n');
        }
    }

  return g_file_set_contents (path, out->str, out->len, error);
}
