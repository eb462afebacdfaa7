/* saddle-critical-measure.c — everything `saddle-cli hessian` measures at given weights
 *
 * See saddle-critical-measure.h. The dense method is saddle_critical_analyse(); the
 * matrix-free methods measure the point with one gradient and one HVP, then run Lanczos or
 * SLQ on the Hessian as an operator, never building the n × n matrix (except the exact
 * overlay of SLQ on small models).
 */
#define G_LOG_DOMAIN "saddle-critical-measure"

#include "config.h"

#include <math.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>

#include "saddle-critical-measure.h"
#include "saddle-csv.h"
#include "saddle-format.h"

static double
norm2 (const double *v,
       gsize         n)
{
  return cblas_dnrm2 ((int) n, v, 1);
}

/* Loss, ‖∇L‖, ‖H·∇L‖/‖∇L‖, the Newton reach, accuracy and dead units at @theta: what the dense
 * analysis reports besides the spectrum, for the methods that never build the matrix. */
static SaddleCriticalPoint *
point_without_spectrum (SaddleModel       *model,
                        const double      *theta,
                        const SaddleBatch *batch,
                        SaddleEventFunc    func,
                        gpointer           user_data,
                        GError           **error)
{
  g_autoptr(SaddleCriticalPoint) point = g_new0 (SaddleCriticalPoint, 1);
  gsize n = saddle_model_n_params (model);
  g_autofree double *grad = g_try_new (double, n);
  g_autofree double *hg = g_try_new (double, n);

  if (grad == NULL || hg == NULL)
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "Not enough memory for two vectors of %" G_GSIZE_FORMAT " parameters", n);
      return NULL;
    }
  point->n_params = n;
  point->params = g_memdup2 (theta, n * sizeof (double));
  point->loss = saddle_model_grad_and_hvp_self (model, theta, batch, grad, hg);
  point->grad_norm = norm2 (grad, n);
  point->hg_ratio = saddle_critical_hg_ratio (model, theta, batch, grad, point->grad_norm, hg);
  point->accuracy = saddle_model_accuracy (model, theta, batch);
  point->dead_units = saddle_model_count_dead_units (model, theta, batch);
  if (!isfinite (point->loss) || !isfinite (point->grad_norm))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                   "The loss or its gradient is not finite at these weights (loss %g, ‖∇L‖ %g)",
                   point->loss, point->grad_norm);
      return NULL;
    }
  if (!saddle_newton_reach (model, theta, batch, grad, func, user_data, &point->reach, error))
    return NULL;
  return g_steal_pointer (&point);
}

/* The k extremes, the residual of each unit Ritz vector, and the verdict of the two ends. */
static gboolean
measure_lanczos (SaddleModel                  *model,
                 const double                 *theta,
                 const SaddleBatch            *batch,
                 const SaddleCriticalSettings *settings,
                 const SaddleMeasureSettings  *measure,
                 SaddleEventProgress          *progress,
                 SaddleCriticalMeasure        *m,
                 GError                      **error)
{
  SaddleLanczosHvp hvp = { model, theta, batch };
  gsize n = saddle_model_n_params (model);
  gsize k = measure->k;
  gsize steps = measure->iterations > 0 ? measure->iterations
                                        : SADDLE_MEASURE_LANCZOS_DEFAULT_STEPS;
  g_autofree double *vectors = NULL;
  g_autofree double *products = NULL;
  double band;

  steps = MIN (steps, n);
  /* Ritz vectors and their products with H, for residuals a user can check. */
  vectors = g_try_new (double, 2 * k * n);
  products = g_try_new (double, 2 * k * n);
  if (vectors == NULL || products == NULL)
    {
      g_autofree char *size = g_format_size ((guint64) 4 * k * n * sizeof (double));

      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE,
                   "The %" G_GSIZE_FORMAT " Ritz vectors at each end and their products need "
                   "%s; ask for fewer eigenvalues at each end", k, size);
      return FALSE;
    }
  m->k = k;
  m->lowest = g_new (double, k);
  m->highest = g_new (double, k);
  m->residual_low = g_new (double, k);
  m->residual_high = g_new (double, k);

  progress->phase = N_("Lanczos");
  if (!saddle_lanczos_extremes (saddle_lanczos_hvp, &hvp, n,
                                &(SaddleLanczosSettings) { k, steps, measure->seed,
                                                           saddle_event_progress_cb, progress },
                                m->lowest, m->highest, vectors, vectors + k * n, &m->info,
                                error))
    return FALSE;

  saddle_model_hvp (model, theta, batch, vectors, 2 * k, products, NULL);
  for (gsize i = 0; i < 2 * k; i++)
    {
      double lambda = i < k ? m->lowest[i] : m->highest[i - k];

      cblas_daxpy ((int) n, -lambda, vectors + i * n, 1, products + i * n, 1);
      if (i < k)
        m->residual_low[i] = norm2 (products + i * n, n);
      else
        m->residual_high[i - k] = norm2 (products + i * n, n);
    }

  /* What the two ends alone can tell; the zero band's size needs every eigenvalue. */
  band = settings->zero_tolerance * MAX (fabs (m->lowest[0]), fabs (m->highest[0]));
  if (m->point->grad_norm > settings->grad_tolerance)
    m->verdict = SADDLE_LANCZOS_VERDICT_UNCONVERGED;
  else if (m->lowest[0] < -band)
    m->verdict = SADDLE_LANCZOS_VERDICT_SADDLE;
  else
    m->verdict = SADDLE_LANCZOS_VERDICT_NO_NEGATIVE;
  return TRUE;
}

/* Shares of the density's mass below −σ, within ±σ and above σ. */
static void
density_shares (const SaddleDensity *density,
                double               shares[3])
{
  shares[0] = saddle_density_mass (density, -G_MAXDOUBLE, -density->sigma);
  shares[1] = saddle_density_mass (density, -density->sigma, density->sigma);
  shares[2] = saddle_density_mass (density, density->sigma, G_MAXDOUBLE);
}

/* The same shares of the exact eigenvalues after the same Gaussian smoothing SLQ's density
 * gets: like for like, so only the estimate's own error remains. */
static void
exact_shares (const SaddleSpectrum *spectrum,
              double                sigma,
              double                shares[3])
{
  g_autofree double *weights = g_new (double, MAX (spectrum->n, 1));
  g_autoptr(SaddleDensity) smoothed = NULL;

  shares[0] = shares[1] = shares[2] = NAN;
  for (gsize i = 0; i < spectrum->n; i++)
    weights[i] = 1.0 / spectrum->n;
  smoothed = saddle_density_new (spectrum->eigenvalues, weights, 1, (guint) spectrum->n,
                                 spectrum->n, 2, sigma, NULL);
  if (smoothed != NULL)
    density_shares (smoothed, shares);
}

static double
spectrum_mean (const SaddleSpectrum *spectrum)
{
  double sum = 0.0;

  for (gsize i = 0; i < spectrum->n; i++)
    sum += spectrum->eigenvalues[i];
  return spectrum->n > 0 ? sum / spectrum->n : NAN;
}

/* The density, then the exact spectrum beside it where the model is small enough; a failed
 * exact spectrum (too large, …) is a note, not a failure. */
static gboolean
measure_slq (SaddleModel                  *model,
             const double                 *theta,
             const SaddleBatch            *batch,
             const SaddleCriticalSettings *settings,
             const SaddleMeasureSettings  *measure,
             SaddleEventProgress          *progress,
             SaddleCriticalMeasure        *m,
             GError                      **error)
{
  SaddleLanczosHvp hvp = { model, theta, batch };
  gsize n = saddle_model_n_params (model);
  g_autoptr(GError) local_error = NULL;
  g_autofree double *matrix = NULL;
  double asymmetry = 0.0;

  progress->phase = N_("Stochastic Lanczos quadrature");
  m->density = saddle_lanczos_slq (saddle_lanczos_hvp, &hvp, n, (guint) measure->iterations,
                                   measure->probes, measure->seed, 0, 0.0, saddle_event_progress_cb,
                                   progress, error);
  if (m->density == NULL)
    return FALSE;
  density_shares (m->density, m->shares);
  m->exact_shares[0] = m->exact_shares[1] = m->exact_shares[2] = m->exact_mean = NAN;

  if (n > measure->overlay_max)
    {
      g_autofree char *limit = saddle_format_count (measure->overlay_max);

      m->exact_note = g_strdup_printf ("no exact spectrum overlaid: it is drawn up to %s "
                                       "parameters", limit);
      return TRUE;
    }
  progress->phase = N_("Hessian for the exact overlay");
  matrix = saddle_hessian_dense (model, theta, batch, 0, saddle_event_progress_cb, progress,
                                 &asymmetry, &local_error);
  if (matrix != NULL)
    m->exact = saddle_spectrum_compute (matrix, n, settings->zero_tolerance, &local_error);
  if (m->exact == NULL)
    {
      if (g_error_matches (local_error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      m->exact_note = g_strdup_printf ("no exact spectrum overlaid: %s", local_error->message);
      return TRUE;
    }
  exact_shares (m->exact, m->density->sigma, m->exact_shares);
  m->exact_mean = spectrum_mean (m->exact);
  return TRUE;
}

void
saddle_measure_settings_init (SaddleMeasureSettings *measure)
{
  *measure = (SaddleMeasureSettings) {
    .method = SADDLE_MEASURE_DENSE,
    .k = 10,
    .seed = 1,
    .overlay_max = SADDLE_MEASURE_OVERLAY_MAX,
  };
}

SaddleCriticalMeasure *
saddle_critical_measure (SaddleModel                  *model,
                         double                       *theta,
                         const SaddleBatch            *batch,
                         const SaddleCriticalSettings *settings,
                         const SaddleMeasureSettings  *measure,
                         SaddleEventFunc               func,
                         gpointer                      user_data,
                         GError                      **error)
{
  g_autoptr(SaddleCriticalMeasure) m = g_new0 (SaddleCriticalMeasure, 1);
  SaddleEventProgress progress = { func, user_data, 0, NULL };
  gboolean moves = settings->descent_steps > 0 || settings->newton_steps > 0;
  SaddleCriticalMove move = { 0 };
  gsize n;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (theta != NULL, NULL);
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (measure != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = saddle_model_n_params (model);
  m->method = measure->method;
  if (measure->method == SADDLE_MEASURE_LANCZOS && (measure->k == 0 || measure->k > n))
    {
      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID,
                   "%" G_GSIZE_FORMAT " eigenvalues at each end asked of %" G_GSIZE_FORMAT
                   " parameters: between 1 and the parameter count", measure->k, n);
      return NULL;
    }

  if (measure->method == SADDLE_MEASURE_DENSE)
    {
      /* Moved towards ∇L = 0 first only when asked. */
      m->point = moves ? saddle_critical_find (model, theta, batch, settings, 0, func, user_data,
                                               error)
                       : saddle_critical_analyse (model, theta, batch, settings, 0, func,
                                                  user_data, error);
      return m->point != NULL ? g_steal_pointer (&m) : NULL;
    }

  if (moves && !saddle_critical_move (model, theta, batch, settings, 0, func, user_data, &move,
                                      error))
    return NULL;
  m->point = point_without_spectrum (model, theta, batch, func, user_data, error);
  if (m->point == NULL)
    return NULL;
  m->point->steps = move.steps;
  m->point->descent_tally = move.descent_tally;
  m->point->newton_steps = move.newton_steps;
  m->point->grad_norm_start = moves ? move.grad_norm_start : m->point->grad_norm;
  m->point->grad_norm_descent = moves ? move.grad_norm_descent : m->point->grad_norm;
  m->point->seconds_descent = move.seconds_descent;
  m->point->seconds_newton = move.seconds_newton;

  if (measure->method == SADDLE_MEASURE_LANCZOS
      ? !measure_lanczos (model, theta, batch, settings, measure, &progress, m, error)
      : !measure_slq (model, theta, batch, settings, measure, &progress, m, error))
    return NULL;
  return g_steal_pointer (&m);
}

void
saddle_critical_measure_free (SaddleCriticalMeasure *m)
{
  if (m == NULL)
    return;
  g_clear_pointer (&m->point, saddle_critical_point_free);
  g_free (m->lowest);
  g_free (m->highest);
  g_free (m->residual_low);
  g_free (m->residual_high);
  g_clear_pointer (&m->density, saddle_density_free);
  g_clear_pointer (&m->exact, saddle_spectrum_free);
  g_free (m->exact_note);
  g_free (m);
}

const char *
saddle_critical_measure_csv_name (const SaddleCriticalMeasure *m)
{
  switch (m->method)
    {
    case SADDLE_MEASURE_LANCZOS:
      return "extremes.csv";
    case SADDLE_MEASURE_SLQ:
      return "density.csv";
    case SADDLE_MEASURE_DENSE:
    default:
      return "eigenvalues.csv";
    }
}

gboolean
saddle_critical_measure_write_csv (const SaddleCriticalMeasure *m,
                                   const char                  *path,
                                   GError                     **error)
{
  g_autoptr(SaddleCsv) csv = NULL;
  const char *what;

  g_return_val_if_fail (m != NULL && m->point != NULL, FALSE);

  if (m->method == SADDLE_MEASURE_LANCZOS)
    {
      what = "extreme eigenvalues";
      csv = saddle_csv_new ("end,rank,eigenvalue,residual_norm", 64 * 2 * m->k);
      for (guint end = 0; end < 2; end++)
        for (gsize i = 0; i < m->k; i++)
          {
            saddle_csv_add_string (csv, end == 0 ? "lowest" : "highest");
            saddle_csv_add_uint (csv, i + 1);
            saddle_csv_add_double (csv, end == 0 ? m->lowest[i] : m->highest[i]);
            saddle_csv_add_double (csv, end == 0 ? m->residual_low[i] : m->residual_high[i]);
            saddle_csv_end_row (csv);
          }
    }
  else if (m->method == SADDLE_MEASURE_SLQ)
    return saddle_density_write_csv (m->density, path, error);
  else
    {
      const SaddleSpectrum *s = m->point->spectrum;

      what = "eigenvalues";
      csv = saddle_csv_new ("index,eigenvalue", 32 * s->n);
      for (gsize i = 0; i < s->n; i++)
        {
          saddle_csv_add_uint (csv, i);
          saddle_csv_add_double (csv, s->eigenvalues[i]);
          saddle_csv_end_row (csv);
        }
    }
  if (!saddle_csv_write (csv, path, error))
    {
      g_prefix_error (error, "Cannot write the %s: ", what);
      return FALSE;
    }
  return TRUE;
}
