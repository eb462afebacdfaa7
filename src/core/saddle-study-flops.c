/* saddle-study-flops.c — the floating-point work of a whole study, from its settings */
#define G_LOG_DOMAIN "saddle-study-flops"

#include "config.h"

#include "saddle-flops.h"
#include "saddle-hessian.h"
#include "saddle-newton.h"
#include "saddle-study-flops.h"
#include "saddle-trainer.h"

/* MINRES caps: one Newton solve, and the reach beyond dense size (saddle-critical.c). */
#define MINRES_SOLVE_PRODUCTS 500.0
#define MINRES_REACH_PRODUCTS 10000.0

/* Whether the critical study's Newton steps build the Hessian and decompose it. */
static gboolean
newton_is_dense (const SaddleStudyConfig *config,
                 double                   P)
{
  switch (config->newton_method)
    {
    case SADDLE_NEWTON_DENSE:
      return TRUE;
    case SADDLE_NEWTON_LM:
      return P <= SADDLE_NEWTON_DENSE_MAX;
    case SADDLE_NEWTON_MINRES:
      return FALSE;
    case SADDLE_NEWTON_AUTO:
    default:
      return config->activation != SADDLE_ACTIVATION_RELU && P <= SADDLE_NEWTON_DENSE_MAX;
    }
}

/* The full Hessian, by the build saddle_hessian_dense() chooses for this model. */
static double
hessian_build (const SaddleModel *model,
               gsize              n_samples)
{
  return saddle_hessian_choose_build (model, n_samples) == SADDLE_HESSIAN_BUILD_STRUCTURED
         ? saddle_flops_hessian_structured (model, n_samples)
         : saddle_flops_hessian_dense (model, n_samples, 0);
}

double
saddle_study_flops (const SaddleStudyConfig *config,
                    SaddleStudyKind          kind,
                    const SaddleModel       *model,
                    gsize                    n_samples,
                    double                  *at_most)
{
  double P, runs, per_run, searches = 0.0, once = 0.0;
  gboolean grad_norm;

  g_return_val_if_fail (config != NULL && model != NULL, 0.0);

  P = (double) saddle_model_n_params (model);
  runs = config->runs;
  /* Every study trains; each epoch's whole-set evaluation is a gradient (epochs.csv's ‖∇L‖)
   * but in the critical study (saddle-study-work.c), where it is a loss. */
  grad_norm = kind != SADDLE_STUDY_CRITICAL;
  per_run = saddle_flops_training (model, n_samples,
                                   saddle_train_shared_samples (model, n_samples, config->batch,
                                                                grad_norm),
                                   config->epochs, grad_norm, NULL);

  if (kind == SADDLE_STUDY_TRAJECTORIES)
    {
      double snapshots = (double) saddle_study_estimate_snapshots (config, n_samples);

      once += saddle_flops_surface (model, n_samples, config->surface_resolution);
      /* The PCA's Gram matrix of the snapshots. */
      once += 2.0 * snapshots * snapshots * P;
    }
  else if (kind == SADDLE_STUDY_CRITICAL)
    {
      double build = hessian_build (model, n_samples);
      double hvp = saddle_flops_hvp (model, n_samples, 1);
      gboolean vectors = P <= SADDLE_NEWTON_DENSE_MAX;

      double spectrum = vectors ? saddle_flops_eigenvectors ((gsize) P)
                                : saddle_flops_eigenvalues ((gsize) P);

      /* The final Hessian, which every run builds, and its spectrum, with vectors up to the
       * dense size: of a ReLU net, whose dead units' rows and columns are zero and left out of
       * the eigensolve (saddle-spectrum.c), at most that. */
      per_run += build;
      if (config->activation == SADDLE_ACTIVATION_RELU)
        searches += spectrum;
      else
        per_run += spectrum;
      /* The point search, at its caps, by sample. */
      searches += config->descent_steps * saddle_flops_descent_step (model, n_samples);
      if (newton_is_dense (config, P))
        searches += config->newton_steps * (build + saddle_flops_eigenvectors ((gsize) P));
      else
        searches += config->newton_steps * MINRES_SOLVE_PRODUCTS * hvp;
      /* Beyond the dense size, a MINRES reach towards the kernel. */
      if (!vectors)
        searches += MINRES_REACH_PRODUCTS * hvp;
      /* The still-descending test: L-BFGS and Adam steps of a gradient and a loss each. */
      searches += 2.0 * config->still_steps
                  * (saddle_flops_gradient (model, n_samples)
                     + saddle_flops_forward (model, n_samples));
    }
  if (at_most != NULL)
    *at_most = runs * (per_run + searches) + once;
  return runs * per_run + once;
}
