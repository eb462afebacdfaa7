/* saddle-dataset-function.c — the function task's samples: y = f(x) on evenly spaced x */
#define G_LOG_DOMAIN "saddle-dataset-function"

#include "config.h"

#include <math.h>

#include <glib.h>

#include "saddle-dataset-private.h"
#include "saddle-format.h"

#define FUNCTION_MAX_POINTS 100000000
/* sin(π·num/den), reduced exactly in integers first: sin(5πx) is then
 * exactly 0 at x = 0.2, 0.4, … (where the float product is not) and the
 * argument given to sin() stays within [0, π/2]. */
static double
sin_pi_ratio (guint64 num,
              guint64 den)
{
  guint64 k = num % (2 * den);
  double sign = 1.0;

  if (k >= den)
    {
      k -= den;          /* sin(π + t) = −sin t */
      sign = -1.0;
    }
  if (k == 0)
    return 0.0;
  if (2 * k > den)
    k = den - k;         /* sin(π − t) = sin t */

  return sign * sin (G_PI * (double) k / (double) den);
}

SaddleDataset *
saddle_dataset_new_function (SaddleFunction   function,
                             gsize            n_points,
                             GError         **error)
{
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autofree char *n_text = NULL;
  guint64 den;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (function != SADDLE_FUNCTION_SINC && function != SADDLE_FUNCTION_SIGN)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_INVALID,
                   "unknown function %d; the functions are sinc and sign", (int) function);
      return NULL;
    }
  if (n_points < 2 || n_points > FUNCTION_MAX_POINTS)
    {
      g_autofree char *m = saddle_format_count (FUNCTION_MAX_POINTS);
      g_autofree char *n = saddle_format_count (n_points);

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_INVALID,
                   "%s points asked for; a function needs 2 to %s points", n, m);
      return NULL;
    }

  dataset = saddle_dataset_new_empty (SADDLE_DATASET_REGRESSION);
  dataset->n_samples = n_points;
  dataset->n_inputs = 1;
  dataset->n_outputs = 1;
  dataset->x = g_try_new (double, n_points);
  dataset->targets = g_try_new (double, n_points);
  if (dataset->x == NULL || dataset->targets == NULL)
    {
      g_autofree char *n = saddle_format_count (n_points);

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_INVALID,
                   "not enough memory for %s points", n);
      return NULL;
    }

  den = n_points - 1;
  for (gsize i = 0; i < n_points; i++)
    {
      double x = (double) i / (double) den;
      double s = sin_pi_ratio (5 * (guint64) i, den);

      dataset->x[i] = x;
      if (function == SADDLE_FUNCTION_SINC)
        dataset->targets[i] = i == 0 ? 1.0 : s / (5.0 * G_PI * (double) i / (double) den);
      else
        dataset->targets[i] = s > 0 ? 1.0 : s < 0 ? -1.0 : 0.0;
    }

  n_text = saddle_format_count (n_points);
  dataset->name = g_strdup_printf ("%s on %s points", saddle_function_to_string (function), n_text);

  return g_steal_pointer (&dataset);
}

gboolean
saddle_function_from_string (const char     *name,
                             SaddleFunction *function)
{
  g_return_val_if_fail (function != NULL, FALSE);

  if (name == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (name, "sinc") == 0)
    *function = SADDLE_FUNCTION_SINC;
  else if (g_ascii_strcasecmp (name, "sign") == 0)
    *function = SADDLE_FUNCTION_SIGN;
  else
    return FALSE;

  return TRUE;
}

const char *
saddle_function_to_string (SaddleFunction function)
{
  switch (function)
    {
    case SADDLE_FUNCTION_SINC:
      return "sinc";
    case SADDLE_FUNCTION_SIGN:
      return "sign";
    default:
      return NULL;
    }
}
