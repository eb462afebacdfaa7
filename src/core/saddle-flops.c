/* saddle-flops.c — the floating-point operations of the engine's heavy phases, counted
 *
 * Notation, for a model with layers l = 0 … L−1 of in_l inputs and out_l outputs, per sample:
 *
 *   S  = Σ_l in_l·out_l          (every layer's weights)
 *   S↑ = Σ_{l≥1} in_l·out_l      (the layers above the first)
 *   S>m = Σ_{l>m} in_l·out_l     (the layers above layer m)
 *
 * and each count below names the dgemm calls of saddle-model.c it adds up.
 */
#define G_LOG_DOMAIN "saddle-flops"

#include "config.h"

#include <math.h>

#include "saddle-flops.h"
#include "saddle-hessian-structured.h"

/* Σ in_l·out_l over the layers l ≥ @from. */
static double
weights_from (const SaddleModel *model,
              guint              from)
{
  double sum = 0.0;

  for (guint l = from; l < saddle_model_n_layers (model); l++)
    sum += (double) saddle_model_width (model, l) * saddle_model_width (model, l + 1);
  return sum;
}

/* The layer flat parameter @p belongs to (as saddle-model.c's layer_of()). */
static guint
layer_of (const SaddleModel *model,
          gsize              p)
{
  guint l = 0;

  while (l + 1 < saddle_model_n_layers (model) && p >= saddle_model_layer_offset (model, l + 1))
    l++;
  return l;
}

double
saddle_flops_dgemm (double m,
                    double n,
                    double k)
{
  return 2.0 * m * n * k;
}

/* forward(): z_l = a_{l−1}·W_lᵀ, one (samples, in)·(in, out) product a layer: 2·S a sample. */
double
saddle_flops_forward (const SaddleModel *model,
                      gsize              samples)
{
  g_return_val_if_fail (model != NULL, 0.0);

  return 2.0 * (double) samples * weights_from (model, 0);
}

/* The forward pass, then backward() with a gradient: dW_l = δ_lᵀ·a_{l−1} at every layer (2·S)
 * and δ_l·W_l below every layer but the first (2·S↑): 4·S + 2·S↑ a sample. */
double
saddle_flops_gradient (const SaddleModel *model,
                       gsize              samples)
{
  g_return_val_if_fail (model != NULL, 0.0);

  return (double) samples * (4.0 * weights_from (model, 0) + 2.0 * weights_from (model, 1));
}

/* r_pass() with dense directions, per sample and direction:
 *   R-forward:  R{a}·Wᵀ above the first layer (2·S↑) and a·Vᵀ at every layer (2·S);
 *   R-backward: R{δ}ᵀ·a at every layer (2·S), and above the first layer δᵀ·R{a}, R{δ}·W and
 *               δ·V (3 × 2·S↑).
 * 4·S + 8·S↑ in all: for a model whose first layer is narrow, about twice a gradient. */
double
saddle_flops_r_pass (const SaddleModel *model,
                     gsize              samples,
                     gsize              directions)
{
  g_return_val_if_fail (model != NULL, 0.0);

  return (double) samples * directions
         * (4.0 * weights_from (model, 0) + 8.0 * weights_from (model, 1));
}

/* hvp_common(): forward, loss and backward with the gradient, then the R-pass. */
double
saddle_flops_hvp (const SaddleModel *model,
                  gsize              samples,
                  gsize              directions)
{
  return saddle_flops_gradient (model, samples) + saddle_flops_r_pass (model, samples, directions);
}

/* saddle_model_grad_and_hvp_self(): one gradient and one dense R-pass along it. */
double
saddle_flops_descent_step (const SaddleModel *model,
                           gsize              samples)
{
  return saddle_flops_hvp (model, samples, 1);
}

/* _saddle_model_regions_forward(): at every sample the output layer's, and at the @patterns[l]
 * samples whose pattern it computes the hidden layer l's (but for the identity, whose pattern is
 * fixed), x − c and then Z_hi + (A·(x − c) + Z_lo), a multiply and two adds a unit: 3·o_l + 1.
 * Then for each of the
 * @runs[l] runs into which hidden layer l's pattern splits the samples: its centre and its
 * distance from its parent's (3), z_l there (Z_hi + Z_lo + A·dx: 3·o_l), the slopes of layer
 * l + 1 (a product of R rows: 2·o_l·o_{l+1}), its values (the same multiply-adds, 2·o_l·o_{l+1},
 * the bias and the split into Z_hi + Z_lo: 2·o_{l+1}). The values' sums are compensated
 * (saddle-compensated.c) and pass over the units the pattern zeroes; counted as the plain
 * product they compute, not their error terms' operations. */
double
saddle_flops_forward_regions (const SaddleModel *model,
                              gsize              samples,
                              const gsize       *runs,
                              const gsize       *patterns)
{
  guint L;
  double total = 0.0;

  g_return_val_if_fail (model != NULL, 0.0);

  L = saddle_model_n_layers (model);
  for (guint l = 0; l < L; l++)
    {
      double o = saddle_model_width (model, l + 1);

      if (l + 1 == L)
        total += (double) samples * (3.0 * o + 1.0);
      else if (saddle_model_activation (model) != SADDLE_ACTIVATION_IDENTITY)
        total += (double) patterns[l] * (3.0 * o + 1.0);
      if (l + 1 < L)
        {
          double above = saddle_model_width (model, l + 2);

          total += (double) runs[l] * (3.0 + 3.0 * o + 4.0 * o * above + 2.0 * above);
        }
    }
  return total;
}

/* _saddle_model_regions_grad_and_hvp_self() beyond its forward pass by region, per region, with
 * S_h the hidden layers' weights and S_top the output layer's:
 *   forward:    α and β through the hidden layers (2 rows: 4·S_h);
 *   backward:   b_l·W_{l+1} (2·S↑), then ∂L/∂W_l = b_lᵀ·(α·R1 + β·R0) (2·S);
 *   R-forward:  [α; β]·Vᵀ at every layer (4·S), [Rα; Rβ]·Wᵀ above the first (4·S↑);
 *   R-backward: b·V below every layer but the first (2·S↑), c·W below those but the top two
 *               (2·(S↑ − S_top)), and b_lᵀ·u + c_lᵀ·(α·R1 + β·R0) (4·S);
 * 10·S + 4·S_h + 10·S↑ − 2·S_top a region. */
double
saddle_flops_descent_step_regions (const SaddleModel *model,
                                   double             regions)
{
  guint L;
  double S, S_up, S_top;

  g_return_val_if_fail (model != NULL, 0.0);

  L = saddle_model_n_layers (model);
  S = weights_from (model, 0);
  S_up = weights_from (model, 1);
  S_top = weights_from (model, L - 1);
  return regions * (10.0 * S + 4.0 * (S - S_top) + 10.0 * S_up - 2.0 * (L > 1 ? S_top : 0.0));
}

/* _saddle_model_regions_grad() beyond its forward pass by region, per region: α and β through
 * the hidden layers (4·S_h), b_l·W_{l+1} (2·S↑) and ∂L/∂W_l = b_lᵀ·(α·R1 + β·R0) (2·S). */
double
saddle_flops_gradient_regions (const SaddleModel *model,
                               double             regions)
{
  double S, S_up, S_top;

  g_return_val_if_fail (model != NULL, 0.0);

  S = weights_from (model, 0);
  S_up = weights_from (model, 1);
  S_top = weights_from (model, saddle_model_n_layers (model) - 1);
  return regions * (2.0 * S + 4.0 * (S - S_top) + 2.0 * S_up);
}

/* Each call by sample costs its whole count; each by region its forward pass, as the tally
 * counted it, and its regions' share (linear in the regions, so their total will do). */
double
saddle_flops_tally (const SaddleModel       *model,
                    gsize                    samples,
                    const SaddleRegionTally *tally)
{
  g_return_val_if_fail (model != NULL && tally != NULL, 0.0);

  return (double) tally->by_sample * saddle_flops_descent_step (model, samples)
         + saddle_flops_descent_step_regions (model, (double) tally->regions)
         + (double) tally->grads_by_sample * saddle_flops_gradient (model, samples)
         + saddle_flops_gradient_regions (model, (double) tally->grad_regions)
         + tally->forward_flops;
}

/* Each epoch's minibatch gradients cover the set once, by sample; the set is evaluated
 * epochs + 1 times (the start and every epoch's end), by saddle_model_loss_accuracy() (a
 * forward pass) or, with @epoch_grad_norm, saddle_model_loss_grad_accuracy() (a gradient): by
 * sample, or those @tally saw summed by region as it counted them. A gradient at an epoch's
 * end but the last may also be the next epoch's first step (saddle_train_shared_samples()):
 * its @shared samples are not done twice. */
double
saddle_flops_training (const SaddleModel       *model,
                       gsize                    samples,
                       gsize                    shared,
                       guint                    epochs,
                       gboolean                 epoch_grad_norm,
                       const SaddleRegionTally *tally)
{
  double evaluations = epochs + 1.0;
  double by_sample = epoch_grad_norm ? saddle_flops_gradient (model, samples)
                                     : saddle_flops_forward (model, samples);
  double total = epochs * saddle_flops_gradient (model, samples);

  if (epoch_grad_norm && epochs > 1)
    total -= (epochs - 1.0) * saddle_flops_gradient (model, shared);

  if (tally != NULL)
    {
      guint64 by_region = epoch_grad_norm ? tally->grads_by_region : tally->losses_by_region;

      /* Gradients by region where the evaluations are losses: minibatches (64 or more
       * samples) went by region, which this count does not follow. */
      if (!epoch_grad_norm && tally->grads_by_region > 0)
        return NAN;

      evaluations -= MIN ((double) by_region, evaluations);
      total += tally->forward_flops;
      if (epoch_grad_norm)
        total += saddle_flops_gradient_regions (model, (double) tally->grad_regions);
    }
  return total + evaluations * by_sample;
}

/* saddle_surface_compute() through a SaddleModelPlane: the first layer's product for the
 * plane's origin and its two directions once (3 × 2·S₀, S₀ the first layer's weights), then
 * at each of the resolution² nodes the layers above (2·S↑). */
double
saddle_flops_surface (const SaddleModel *model,
                      gsize              samples,
                      guint              resolution)
{
  g_return_val_if_fail (model != NULL, 0.0);

  if (resolution == 0)
    return 0.0;
  return (double) samples * (3.0 * 2.0 * (weights_from (model, 0) - weights_from (model, 1))
                             + (double) resolution * resolution * 2.0 * weights_from (model, 1));
}

/* saddle_hessian_dense() calls saddle_model_hessian_columns() for @block columns at a time;
 * each call runs forward and backward without the weight gradients (2·S + 2·S↑ a sample), then
 * R-passes over chunks of at most saddle_model_block_size() identity directions. A chunk whose
 * first column lies in layer m skips the layers below m in R-forward and multiplies by no
 * direction matrix (the identity's products are copies), per sample and direction:
 *   R-forward:  R{a}·Wᵀ above layer m (2·S>m);
 *   R-backward: R{δ}ᵀ·a at every layer (2·S), δᵀ·R{a} above layer m (2·S>m), R{δ}·W above
 *               the first layer (2·S↑);
 * 2·S + 2·S↑ + 4·S>m in all: columns of the first layer cost the most. */
double
saddle_flops_hessian_dense (const SaddleModel *model,
                            gsize              samples,
                            gsize              block)
{
  gsize n, chunk;
  double all, above_first, total = 0.0;

  g_return_val_if_fail (model != NULL, 0.0);

  if (block == 0)
    block = SADDLE_FLOPS_DEFAULT_HESSIAN_BLOCK;
  n = saddle_model_n_params (model);
  chunk = saddle_model_block_size (model, samples);
  all = weights_from (model, 0);
  above_first = weights_from (model, 1);
  for (gsize first = 0; first < n; first += block)
    {
      gsize k = MIN (block, n - first);
      gsize kb = MIN (chunk, k);

      total += (double) samples * (2.0 * all + 2.0 * above_first);
      for (gsize done = 0; done < k; done += kb)
        {
          gsize kc = MIN (kb, k - done);
          double above = weights_from (model, layer_of (model, first + done) + 1);

          total += (double) samples * kc * (2.0 * all + 2.0 * above_first + 4.0 * above);
        }
    }
  return total;
}

/* The chain factors ∂z_l/∂z_k = W_l·(σ'·∂z_{l-1}/∂z_k) of one sample: (o_l, i_l)·(i_l, o_k) for
 * k < l − 1 (for k = l − 1, W_l's columns scaled by σ': no product). */
static double
chain_factor_flops (const SaddleModel *model)
{
  guint L = saddle_model_n_layers (model);
  double total = 0.0;

  for (guint l = 0; l < L; l++)
    for (guint k = 0; k + 1 < l; k++)
      total += 2.0 * saddle_model_width (model, l + 1) * saddle_model_width (model, l)
               * saddle_model_width (model, k + 1);
  return total;
}

double
saddle_flops_hessian_structured_live (const SaddleModel *model,
                                      gsize              samples,
                                      gsize              live)
{
  double P, all;

  g_return_val_if_fail (model != NULL, 0.0);

  P = saddle_model_n_params (model);
  all = saddle_flops_hessian_structured (model, samples);
  if (!saddle_hessian_structured_by_gradients (model) || live == 0 || (double) live >= P)
    return all;
  /* The product of the live columns, and the pass that found them (the chain factors again). */
  return all - (double) samples * (P * (P + 1.0) - (double) live * (live + 1.0))
         + (double) samples * chain_factor_flops (model);
}

double
saddle_flops_hessian_structured (const SaddleModel *model,
                                 gsize              samples)
{
  guint L;
  double m, per_sample;
  gboolean curved, by_gradients;

  g_return_val_if_fail (model != NULL, 0.0);

  L = saddle_model_n_layers (model);
  by_gradients = saddle_hessian_structured_by_gradients (model);
  m = saddle_model_width (model, L);
  curved = saddle_model_activation (model) == SADDLE_ACTIVATION_TANH
           || saddle_model_activation (model) == SADDLE_ACTIVATION_SIGMOID;
  /* The forward pass and the deltas, without the weights' gradients. */
  per_sample = 2.0 * weights_from (model, 0) + 2.0 * weights_from (model, 1);
  per_sample += chain_factor_flops (model);
  /* For saddle_hessian_structured_by_gradients(), the Gauss–Newton part by one symmetric
   * product of the per-sample gradients in place of the Kᵢ and blocks below: its lower
   * triangle, P·(P + 1)/2 multiply-adds a sample. */
  if (by_gradients)
    {
      double P = saddle_model_n_params (model);

      per_sample += P * (P + 1.0);
    }

  for (guint k1 = 0; k1 < L; k1++)
    for (guint k2 = 0; k2 <= k1; k2++)
      {
        double i1 = saddle_model_width (model, k1), o1 = saddle_model_width (model, k1 + 1);
        double i2 = saddle_model_width (model, k2), o2 = saddle_model_width (model, k2 + 1);
        double p1 = o1 * (i1 + 1.0), p2 = o2 * (i2 + 1.0);

        /* W_k1 against what its input depends on: δ_k1·(∂a_{k1-1}/∂z_k2)·ã_{k2-1}; for the layer
         * below, whose ∂a/∂z is diagonal, only the rows of W_k1(·, r2) per neuron r2. */
        if (k2 + 1 == k1)
          per_sample += 2.0 * (i2 + 1.0) * o1 * o2;
        else if (k2 < k1)
          per_sample += 2.0 * (i2 + 1.0) * o1 * i1 * o2;
        if (by_gradients)
          continue;

        /* Kᵢ = T1ᵀ·Λ·T2 through the m outputs; cross-entropy adds T1ᵀp and T2ᵀp; tanh and
         * sigmoid add T1ᵀ·diag(curv_l)·T2 for each hidden layer l ≥ k1 (for l = k1, T1 = I:
         * diag(curv)·T2, or diag(curv) itself on the diagonal). */
        per_sample += 2.0 * m * o1 * o2;
        if (saddle_model_loss_kind (model) == SADDLE_LOSS_CROSS_ENTROPY)
          per_sample += 2.0 * m * (o1 + o2);
        if (curved)
          for (guint l = k1; l + 1 < L; l++)
            per_sample += l > k1 ? 2.0 * saddle_model_width (model, l + 1) * o1 * o2
                                 : k1 == k2 ? 2.0 * o1 : 2.0 * o1 * o2;

        /* Σᵢ Kᵢ[r1, r2]·ã1ᵢ·ã2ᵢᵀ into the lower triangle: per neuron of the layer with the
         * narrower input, one GEMM (its rows or columns) and one GEMV (the bias). */
        if (i2 >= i1)
          {
            double rows = o2 * p1 - (k1 == k2 ? i1 * o2 * (o2 - 1.0) / 2.0 : 0.0);

            per_sample += 2.0 * rows * (i2 + 1.0);
          }
        else
          {
            double cols = k1 == k2 ? i2 * o1 * (o1 + 1.0) / 2.0 : o1 * p2;

            per_sample += 2.0 * (i1 * cols + o1 * p2);
          }
      }

  return (double) samples * per_sample;
}

/* Householder reduction to tridiagonal form, one-stage (dsytrd) or two-stage (its first
 * stage): (4/3)·n³. The second stage's bulge chasing (O(n²·band)) and the tridiagonal solver
 * (dsterf, O(n²)) are left out. */
double
saddle_flops_eigenvalues (gsize n)
{
  return 4.0 / 3.0 * (double) n * n * n;
}

/* dsyevd with JOBZ='V': the reduction, and applying its reflectors to the tridiagonal
 * eigenvectors (dormtr, 2·n³). The divide and conquer's own products are left out: deflation
 * makes them depend on the values. */
double
saddle_flops_eigenvectors (gsize n)
{
  return saddle_flops_eigenvalues (n) + 2.0 * (double) n * n * n;
}
