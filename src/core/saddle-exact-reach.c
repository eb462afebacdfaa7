/* saddle-exact-reach.c — how far Newton's step goes, from the full eigendecomposition */
#define G_LOG_DOMAIN "saddle-exact-reach"

#include "config.h"

#include <math.h>

#include <cblas.h>

#include "saddle-exact-reach.h"

static const double cutoffs[SADDLE_EXACT_REACH_CUTOFFS] = { 1e-13, 1e-8, 1e-6 };

double
saddle_exact_reach_cutoff (guint index)
{
  g_return_val_if_fail (index < SADDLE_EXACT_REACH_CUTOFFS, NAN);

  return cutoffs[index];
}

void
saddle_exact_reach_clear (SaddleExactReach *reach)
{
  g_return_if_fail (reach != NULL);

  for (guint c = 0; c < SADDLE_EXACT_REACH_CUTOFFS; c++)
    {
      reach->cuts[c].cutoff = cutoffs[c];
      reach->cuts[c].length = NAN;
      reach->cuts[c].residual = NAN;
      reach->cuts[c].kink_fraction = NAN;
    }
  reach->share_zero = NAN;
  reach->share_weak = NAN;
}

void
saddle_exact_reach_compute (SaddleModel          *model,
                            const double         *theta,
                            const SaddleBatch    *batch,
                            const SaddleSpectrum *spectrum,
                            const double         *vectors,
                            const double         *grad,
                            SaddleExactReach     *reach)
{
  gsize n;
  g_autofree double *coef = NULL;    /* (n) c = Vᵀ·∇L */
  g_autofree double *scaled = NULL;  /* (n) −c_i/λ_i kept, 0 cut */
  g_autofree double *delta = NULL;   /* (n) δ_t */
  double g2 = 0.0, zero2 = 0.0, weak2 = 0.0;
  gboolean relu;

  g_return_if_fail (model != NULL && theta != NULL && batch != NULL);
  g_return_if_fail (spectrum != NULL && vectors != NULL && grad != NULL && reach != NULL);
  g_return_if_fail (spectrum->n == saddle_model_n_params (model));

  n = spectrum->n;
  saddle_exact_reach_clear (reach);
  relu = saddle_model_activation (model) == SADDLE_ACTIVATION_RELU;
  coef = g_new (double, n);
  scaled = g_new (double, n);
  delta = g_new (double, n);

  /* Rows of @vectors are the v_i, so V·∇L here is Vᵀ·∇L in the maths. */
  cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) n, (int) n, 1.0, vectors, (int) n,
               grad, 1, 0.0, coef, 1);
  for (gsize i = 0; i < n; i++)
    {
      double rel = spectrum->max_abs > 0.0 ? fabs (spectrum->eigenvalues[i]) / spectrum->max_abs
                                           : 0.0;
      double c2 = coef[i] * coef[i];

      g2 += c2;
      if (rel <= SADDLE_EXACT_REACH_ZERO_BAND)
        zero2 += c2;
      else if (rel <= SADDLE_EXACT_REACH_WEAK_BAND)
        weak2 += c2;
    }
  reach->share_zero = g2 > 0.0 ? zero2 / g2 : 0.0;
  reach->share_weak = g2 > 0.0 ? weak2 / g2 : 0.0;

  for (guint c = 0; c < SADDLE_EXACT_REACH_CUTOFFS; c++)
    {
      SaddleReachCut *cut = &reach->cuts[c];
      double left = 0.0;

      for (gsize i = 0; i < n; i++)
        {
          double lambda = spectrum->eigenvalues[i];

          if (fabs (lambda) > cut->cutoff * spectrum->max_abs)
            scaled[i] = -coef[i] / lambda;
          else
            {
              scaled[i] = 0.0;
              left += coef[i] * coef[i];
            }
        }
      cut->residual = g2 > 0.0 ? sqrt (left / g2) : 0.0;
      cblas_dgemv (CblasRowMajor, CblasTrans, (int) n, (int) n, 1.0, vectors, (int) n,
                   scaled, 1, 0.0, delta, 1);
      cut->length = cblas_dnrm2 ((int) n, delta, 1);
      if (relu)
        cut->kink_fraction = cut->length > 0.0
                             ? saddle_model_first_kink (model, theta, delta, batch) : 1.0;
    }
}
