/* saddle-model-regions.c — ∇L and H·v summed by linear region, not by sample
 *
 * A network with one input, one output and a piecewise-linear activation (ReLU, identity) is
 * affine in its input x wherever its activation pattern stays the same. Under MSE, on the
 * samples that share one pattern (a region), every per-sample quantity the descent step sums is
 * affine in x too, or a product of two affine ones, so the sum over the region's samples needs
 * only its moments, not the samples:
 *
 *   a_l(x) = α_l·x + β_l                 (a_0 = x: α_0 = 1, β_0 = 0; a_l for l ≥ 1 the output of
 *                                         hidden layer l, region_ab[l − 1] in the code)
 *   δ_l(x) = r(x)·b_l                    (b_{L-1} = 1, b_l = D_l ⊙ (b_{l+1}·W_{l+1}))
 *   ∂L/∂W_l = Σ_regions b_lᵀ·(α·R1 + β·R0)           with R_k = Σ r_i·x_i^k
 *
 * and along a direction v (Pearlmutter's R-operator, the pattern fixed: ReLU'' = 0; the descent
 * takes v = ∇L):
 *
 *   R{a_l}(x) = Rα_l·x + Rβ_l,   R{f}(x) = ρ1·x + ρ0,   R{δ_l}(x) = s·R{f}(x)·b_l + r(x)·c_l
 *   c_{L-1} = 0,  c_l = D_l ⊙ (c_{l+1}·W_{l+1} + b_{l+1}·V_{l+1})
 *   R{∂L/∂W_l} = Σ_regions b_lᵀ·u + c_lᵀ·(α·R1 + β·R0),
 *   u = α·(ρ1·S2 + ρ0·S1) + β·(ρ1·S1 + ρ0·S0) + Rα·R1 + Rβ·R0       with S_k = s·Σ x_i^k
 *
 * where r_i = ∂L/∂f_i = 2(f_i − y_i)/N and s = ∂²L/∂f_i² = 2/N. Each formula is the per-sample
 * one with its sum over the region's samples carried out first, so the results are the same
 * sums grouped differently: equal to rounding (tests/test-model.c compares the two paths).
 * The regions, moments, α, β and b serve every direction of one call.
 *
 * Consecutive samples with the same pattern form a region: on the function task's data (x
 * sorted) the 1-31-31-1 critical points of 4 runs had 20–31 regions over 1,000 points, and the
 * products run on that many rows instead of 1,000; with more than a quarter of the samples
 * (unsorted x, say) the per-sample passes run instead. The regions, their patterns and the
 * outputs come from the forward pass by region (saddle-model-regions-forward.c), which finds
 * them without a matrix product per sample.
 */
#define G_LOG_DOMAIN "saddle-model"

#include "config.h"

#include <string.h>

#include "saddle-model-private.h"

/* Counted in FLOPs, a descent step by region breaks even with one by sample at about two thirds
 * of the samples (1-31-31-1: 24,056 a region against 16,058 a sample beyond the forward pass,
 * saddle-flops.c); the regions' products have few rows and run slower per FLOP, so they are
 * taken only up to a quarter. */
#define MAX_REGIONS_PER_SAMPLE 0.25
/* Below this the per-sample passes run: the function task's default minibatches (20), whose
 * training steps therefore stay as they were. A minibatch of 64 or more sums by region when its
 * samples fall into few enough regions (at the initial weights, whose zero biases put every
 * first-layer kink at x = 0, even shuffled ones do), equal to rounding. The whole sets the
 * studies analyse (1,000 points by default) are larger. */
#define MIN_SAMPLES 64

gboolean
_saddle_model_regions_apply_to_set (const SaddleModel *model,
                                    gsize              n)
{
  guint L = model->n_layers;

  return model->sum_by_region
         && model->loss == SADDLE_LOSS_MSE
         && (model->activation == SADDLE_ACTIVATION_RELU
             || model->activation == SADDLE_ACTIVATION_IDENTITY)
         && model->widths[0] == 1 && model->widths[L] == 1
         && n >= MIN_SAMPLES;
}

gboolean
_saddle_model_regions_apply (const SaddleModel *model,
                             const SaddleBatch *batch)
{
  /* Not a selection (saddle_batch_select()): the moments read the inputs as a matrix. */
  return batch->x != NULL && _saddle_model_regions_apply_to_set (model, batch->n);
}

gboolean
_saddle_model_ensure_region_first (SaddleModel *model,
                                   gsize        count)
{
  if (model->region_first_cap >= count)
    return TRUE;
  g_free (model->region_first);
  model->region_first = g_try_new (gsize, count);
  model->region_first_cap = model->region_first != NULL ? count : 0;
  return model->region_first != NULL;
}

gboolean
_saddle_model_regions_loss (SaddleModel       *model,
                            const double      *theta,
                            const SaddleBatch *batch,
                            gboolean           want_delta,
                            double            *loss)
{
  gsize max_regions = MAX (1, (gsize) (MAX_REGIONS_PER_SAMPLE * (double) batch->n));

  if (!_saddle_model_regions_apply (model, batch)
      || !_saddle_model_regions_forward (model, theta, batch->x, batch->n, max_regions,
                                         &model->region_count))
    return FALSE;
  *loss = _saddle_model_compute_loss (model, batch, want_delta);
  if (!want_delta)
    model->region_tally.losses_by_region++;
  return TRUE;
}

gsize
saddle_model_count_regions (SaddleModel       *model,
                            const double      *theta,
                            const SaddleBatch *batch)
{
  SaddleRegionTally tally;
  gsize R = 0;

  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (theta != NULL, 0);
  if (!_saddle_model_batch_usable (model, batch, FALSE) || batch->n == 0
      || model->widths[0] != 1 || batch->x == NULL
      || (model->activation != SADDLE_ACTIVATION_RELU
          && model->activation != SADDLE_ACTIVATION_IDENTITY)
      || !_saddle_model_ensure_forward (model, batch->n))
    return 0;
  /* A question about the batch, not work of the caller's: kept out of the tally. */
  tally = model->region_tally;
  if (!_saddle_model_regions_forward (model, theta, batch->x, batch->n, batch->n, &R))
    R = 0;
  model->region_tally = tally;
  return R;
}

/* Rows j and R + j of @m (2R × o, or R × o when @both is FALSE) times region j's σ' row of
 * hidden layer @l. */
static void
mask_rows (const SaddleModel *model,
           guint              l,
           gsize              R,
           gboolean           both,
           double            *m)
{
  gsize o = model->widths[l + 1];

  for (gsize j = 0; j < R; j++)
    {
      const double *d = model->d[l] + model->region_first[j] * o;

      _saddle_model_multiply_rows (m + j * o, d, o, m + j * o);
      if (both)
        _saddle_model_multiply_rows (m + (R + j) * o, d, o, m + (R + j) * o);
    }
}

/* Adds @bias (o) to rows R … 2R − 1 of @m (2R × o): the constant part β. */
static void
add_to_constant_rows (gsize         R,
                      gsize         o,
                      const double *bias,
                      double       *m)
{
  for (gsize j = R; j < 2 * R; j++)
    for (gsize u = 0; u < o; u++)
      m[j * o + u] += bias[u];
}

/* @out (R × width) = α·@c1 + β·@c0 row by row, α and β the two halves of @ab (2R × width). */
static void
combine_halves (gsize         R,
                gsize         width,
                const double *ab,
                const double *c1,
                const double *c0,
                double       *out)
{
  for (gsize j = 0; j < R; j++)
    _saddle_model_combine_rows (ab + j * width, c1[j], ab + (R + j) * width, c0[j], width,
                                out + j * width);
}

/* What every direction of one pass shares: the regions, their moments, the forward α/β and the
 * backward b, in the model's region scratch. */
typedef struct
{
  gsize   R;
  double *ab_in;    /* (2R × 1) the input: α = 1, β = 0 */
  double *rab_in;   /* (2R × 1) its R-derivative: 0 */
  double *r0, *r1;  /* (R) Σ r_i, Σ r_i·x_i */
  double *s0, *s1, *s2; /* (R) s·Σ x_i^k */
  double *rho1, *rho0, *q; /* (R) R{f} = ρ1·x + ρ0 along the direction, q = ρ1·S1 + ρ0·S0 */
  double *work;     /* (2R × widest input) */
} RegionPass;

/* Lays the region scratch out for @R regions; FALSE if it cannot be had. */
static gboolean
ensure_region_scratch (SaddleModel *model,
                       gsize        R,
                       RegionPass  *rp)
{
  guint L = model->n_layers;
  gsize max_in = 1;
  gsize need;
  double *p;

  for (guint l = 0; l < L; l++)
    max_in = MAX (max_in, model->widths[l]);
  /* α/β and Rα/Rβ (2R rows each) and b, c (R rows each) per layer; the input's α/β and Rα/Rβ;
   * 5 moments, ρ1, ρ0 and q per region; two work rows per region of the widest input. */
  need = 6 * R * model->sum_out + 4 * R + 8 * R + 2 * R * max_in;
  if (!_saddle_model_grow_buffer (&model->region_buf, &model->region_cap, need))
    return FALSE;

  p = model->region_buf;
  for (guint l = 0; l < L; l++)
    {
      gsize o = model->widths[l + 1];

      model->region_ab[l] = p;
      p += 2 * R * o;
      model->region_rab[l] = p;
      p += 2 * R * o;
      model->region_b[l] = p;
      p += R * o;
      model->region_c[l] = p;
      p += R * o;
    }
  rp->R = R;
  rp->ab_in = p;
  rp->rab_in = p + 2 * R;
  p += 4 * R;
  rp->r0 = p;
  rp->r1 = p + R;
  rp->s0 = p + 2 * R;
  rp->s1 = p + 3 * R;
  rp->s2 = p + 4 * R;
  rp->rho1 = p + 5 * R;
  rp->rho0 = p + 6 * R;
  rp->q = p + 7 * R;
  rp->work = p + 8 * R;
  return TRUE;
}

/* After _saddle_model_regions_loss() with δ[L-1]: the regions' moments, α/β through the hidden
 * layers and b below the output. FALSE if there is no scratch. */
static gboolean
prepare (SaddleModel       *model,
         const double      *theta,
         const SaddleBatch *batch,
         RegionPass        *rp)
{
  guint L = model->n_layers;
  gsize n = batch->n;
  gsize R = model->region_count;
  const double *r = model->delta[L - 1];   /* r_i = ∂L/∂f_i, the 1/N in it */
  double s = 2.0 / (double) n;              /* ∂²L/∂f_i² */

  if (!ensure_region_scratch (model, R, rp))
    return FALSE;

  /* The moments of each region's samples; the network's input as α = 1, β = 0. */
  for (gsize j = 0; j < R; j++)
    {
      double a0 = 0.0, a1 = 0.0, x1 = 0.0, x2 = 0.0;

      for (gsize i = model->region_first[j]; i < model->region_first[j + 1]; i++)
        {
          double x = batch->x[i];

          a0 += r[i];
          a1 += r[i] * x;
          x1 += x;
          x2 += x * x;
        }
      rp->r0[j] = a0;
      rp->r1[j] = a1;
      rp->s0[j] = s * (double) (model->region_first[j + 1] - model->region_first[j]);
      rp->s1[j] = s * x1;
      rp->s2[j] = s * x2;
      rp->ab_in[j] = 1.0;
      rp->ab_in[R + j] = 0.0;
      rp->rab_in[j] = 0.0;
      rp->rab_in[R + j] = 0.0;
    }

  /* Forward: α_l and β_l of each hidden layer, region by region. */
  for (guint l = 0; l + 1 < L; l++)
    {
      gsize in = model->widths[l], o = model->widths[l + 1];
      const double *w = theta + model->offsets[l];
      const double *input = l == 0 ? rp->ab_in : model->region_ab[l - 1];

      _saddle_model_gemm (CblasNoTrans, CblasTrans, 2 * R, o, in, input, in, w, in,
                          0.0, model->region_ab[l], o);
      add_to_constant_rows (R, o, w + o * in, model->region_ab[l]);
      mask_rows (model, l, R, TRUE, model->region_ab[l]);
    }

  /* Backward: b_l = D_l ⊙ (b_{l+1}·W_{l+1}), b = 1 at the output. */
  for (gsize j = 0; j < R; j++)
    model->region_b[L - 1][j] = 1.0;
  for (guint l = L - 1; l-- > 0;)
    {
      gsize o = model->widths[l + 1], above = model->widths[l + 2];
      const double *w_above = theta + model->offsets[l + 1];

      _saddle_model_gemm (CblasNoTrans, CblasNoTrans, R, o, above, model->region_b[l + 1],
                          above, w_above, o, 0.0, model->region_b[l], o);
      mask_rows (model, l, R, FALSE, model->region_b[l]);
    }
  return TRUE;
}

/* ∂L/∂W_l = b_lᵀ·(α·R1 + β·R0) and ∂L/∂b_l = b_lᵀ·R0 into @grad. */
static void
gradient (SaddleModel      *model,
          const RegionPass *rp,
          double           *grad)
{
  gsize R = rp->R;

  for (guint l = 0; l < model->n_layers; l++)
    {
      gsize in = model->widths[l], o = model->widths[l + 1];
      const double *input = l == 0 ? rp->ab_in : model->region_ab[l - 1];
      double *dw = grad + model->offsets[l];

      combine_halves (R, in, input, rp->r1, rp->r0, rp->work);
      _saddle_model_gemm (CblasTrans, CblasNoTrans, o, in, R, model->region_b[l], o, rp->work,
                          in, 0.0, dw, in);
      _saddle_model_gemm (CblasTrans, CblasNoTrans, o, 1, R, model->region_b[l], o, rp->r0, 1,
                          0.0, dw + o * in, 1);
    }
}

/* H·@v into @hv: the R-forward along v (Rα_l, Rβ_l, and ρ1, ρ0 at the output), the R-backward
 * c_l, then R{∂L/∂W_l} = b_lᵀ·u + c_lᵀ·(α·R1 + β·R0) and R{∂L/∂b_l} = b_lᵀ·q + c_lᵀ·R0. */
static void
direction (SaddleModel  *model,
           const double *theta,
           RegionPass   *rp,
           const double *v,
           double       *hv)
{
  guint L = model->n_layers;
  gsize R = rp->R;

  for (guint l = 0; l < L; l++)
    {
      gsize in = model->widths[l], o = model->widths[l + 1];
      const double *w = theta + model->offsets[l];
      const double *vl = v + model->offsets[l];
      const double *input = l == 0 ? rp->ab_in : model->region_ab[l - 1];
      const double *rinput = l == 0 ? rp->rab_in : model->region_rab[l - 1];
      double *out = model->region_rab[l];

      _saddle_model_gemm (CblasNoTrans, CblasTrans, 2 * R, o, in, input, in, vl, in,
                          0.0, out, o);
      if (l > 0)
        _saddle_model_gemm (CblasNoTrans, CblasTrans, 2 * R, o, in, rinput, in, w, in,
                            1.0, out, o);
      add_to_constant_rows (R, o, vl + o * in, out);
      if (l + 1 < L)
        mask_rows (model, l, R, TRUE, out);
    }
  for (gsize j = 0; j < R; j++)
    {
      rp->rho1[j] = model->region_rab[L - 1][j];
      rp->rho0[j] = model->region_rab[L - 1][R + j];
      rp->q[j] = rp->rho1[j] * rp->s1[j] + rp->rho0[j] * rp->s0[j];
    }

  memset (model->region_c[L - 1], 0, R * sizeof (double));
  for (guint l = L - 1; l-- > 0;)
    {
      gsize o = model->widths[l + 1], above = model->widths[l + 2];
      const double *w_above = theta + model->offsets[l + 1];
      const double *v_above = v + model->offsets[l + 1];

      _saddle_model_gemm (CblasNoTrans, CblasNoTrans, R, o, above, model->region_b[l + 1],
                          above, v_above, o, 0.0, model->region_c[l], o);
      if (l + 2 < L)
        _saddle_model_gemm (CblasNoTrans, CblasNoTrans, R, o, above, model->region_c[l + 1],
                            above, w_above, o, 1.0, model->region_c[l], o);
      mask_rows (model, l, R, FALSE, model->region_c[l]);
    }
  for (guint l = 0; l < L; l++)
    {
      gsize in = model->widths[l], o = model->widths[l + 1];
      const double *input = l == 0 ? rp->ab_in : model->region_ab[l - 1];
      const double *rinput = l == 0 ? rp->rab_in : model->region_rab[l - 1];
      double *u = rp->work, *wv = rp->work + R * in;
      double *hw = hv + model->offsets[l];

      for (gsize j = 0; j < R; j++)
        {
          double ca = rp->rho1[j] * rp->s2[j] + rp->rho0[j] * rp->s1[j];

          for (gsize k = 0; k < in; k++)
            u[j * in + k] = input[j * in + k] * ca + input[(R + j) * in + k] * rp->q[j]
                            + rinput[j * in + k] * rp->r1[j]
                            + rinput[(R + j) * in + k] * rp->r0[j];
        }
      combine_halves (R, in, input, rp->r1, rp->r0, wv);
      _saddle_model_gemm (CblasTrans, CblasNoTrans, o, in, R, model->region_b[l], o, u, in,
                          0.0, hw, in);
      _saddle_model_gemm (CblasTrans, CblasNoTrans, o, in, R, model->region_c[l], o, wv, in,
                          1.0, hw, in);
      _saddle_model_gemm (CblasTrans, CblasNoTrans, o, 1, R, model->region_b[l], o, rp->q, 1,
                          0.0, hw + o * in, 1);
      _saddle_model_gemm (CblasTrans, CblasNoTrans, o, 1, R, model->region_c[l], o, rp->r0, 1,
                          1.0, hw + o * in, 1);
    }
}

gboolean
_saddle_model_regions_grad_and_hvp_self (SaddleModel       *model,
                                         const double      *theta,
                                         const SaddleBatch *batch,
                                         double            *grad,
                                         double            *hg)
{
  RegionPass rp;

  if (!prepare (model, theta, batch, &rp))
    return FALSE;
  gradient (model, &rp, grad);
  direction (model, theta, &rp, grad, hg);
  model->region_tally.by_region++;
  model->region_tally.regions += rp.R;
  return TRUE;
}

gboolean
_saddle_model_regions_grad (SaddleModel       *model,
                            const double      *theta,
                            const SaddleBatch *batch,
                            double            *grad)
{
  RegionPass rp;

  if (!prepare (model, theta, batch, &rp))
    return FALSE;
  gradient (model, &rp, grad);
  model->region_tally.grads_by_region++;
  model->region_tally.grad_regions += rp.R;
  return TRUE;
}

gboolean
_saddle_model_regions_hvp (SaddleModel       *model,
                           const double      *theta,
                           const SaddleBatch *batch,
                           const double      *v,
                           gsize              k,
                           double            *hv,
                           double            *grad)
{
  RegionPass rp;
  gsize P = model->n_params;

  if (!prepare (model, theta, batch, &rp))
    return FALSE;
  if (grad != NULL)
    gradient (model, &rp, grad);
  for (gsize j = 0; j < k; j++)
    direction (model, theta, &rp, v + j * P, hv + j * P);
  return TRUE;
}

void
saddle_model_take_region_tally (SaddleModel       *model,
                                SaddleRegionTally *tally)
{
  g_return_if_fail (model != NULL);

  if (tally != NULL)
    *tally = model->region_tally;
  memset (&model->region_tally, 0, sizeof model->region_tally);
}
