/* saddle-model-rop.c — Hessian-vector products by Pearlmutter's R-operator
 *
 * A block of k directions keeps, per layer, one (n·k, width) matrix whose row i·k + j is
 * sample i under direction j. In that order the same memory is also an (n, k·width) matrix,
 * so both R{a}·Wᵀ for all directions and a·Vᵀ for all directions (V packed as (k·out, in))
 * are single dgemm calls, and so are the backward products R{δ}ᵀ·a, δᵀ·R{a}, R{δ}·W and δ·V.
 *
 * Per layer, as the forward and backward passes: R-forward of a layer, the R-output delta,
 * R-backward of a layer; the identity directions that build the Hessian column by column
 * have their own small functions beside the dense ones.
 *
 * The R-pass runs over tiles of samples (its products are sums over samples, so tiles just
 * add up): a tile's R-matrices stay in cache, which matters as much as the flops for narrow
 * layers, and the scratch is O(tile · k · Σ widths) whatever the batch size. Blocks larger
 * than R_MAX_BLOCK directions are done in chunks; beyond it dgemm gains nothing.
 */
#define G_LOG_DOMAIN "saddle-model-rop"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-model-private.h"

#define R_TILE_BYTES                 ((gsize) 4 << 20)
#define R_TILE_MIN_ROWS              ((gsize) 64)
#define R_MAX_BLOCK                  ((gsize) 32)

/* Doubles per sample and direction of the R-pass matrices: R{z} of every
 * layer, R{a} of every hidden layer, two R{δ}. */
static gsize
rpass_row_doubles (const SaddleModel *model)
{
  return model->sum_out + model->sum_hidden + 2 * model->max_out;
}

/* Samples per R-pass tile for blocks of @k directions: the R-matrices of a
 * tile stay near the cache (R_TILE_BYTES), but a tile keeps enough rows for
 * the dgemm calls to run at speed. */
gsize
_saddle_model_tile_rows (const SaddleModel *model,
                         gsize              n,
                         gsize              k)
{
  gsize rows = R_TILE_BYTES / sizeof (double) / (rpass_row_doubles (model) * MAX (k, 1));

  if (model->tile_override > 0)
    rows = model->tile_override;
  else
    rows = MAX (rows, R_TILE_MIN_ROWS);

  return MIN (rows, MAX (n, 1));
}

/* Doubles of R-pass scratch for tiles of @n_tile samples × @k directions. */
gboolean
_saddle_model_rpass_doubles (const SaddleModel *model,
                             gsize              n_tile,
                             gsize              k,
                             gsize             *need)
{
  gsize rows, per_dir, total;

  return g_size_checked_mul (&rows, n_tile, rpass_row_doubles (model))
         && g_size_checked_add (&per_dir, rows, 2 * model->max_weights + model->max_out)
         && g_size_checked_mul (&total, per_dir, k)
         && g_size_checked_add (need, total, n_tile);
}

/* Makes room for tiles of @n_tile samples × @k directions and lays the R buffers out for them. */
gboolean
_saddle_model_ensure_rpass (SaddleModel *model,
                            gsize        n_tile,
                            gsize        k)
{
  gsize need;
  gsize nk = n_tile * k;
  double *p;

  if (!_saddle_model_rpass_doubles (model, n_tile, k, &need)
      || !_saddle_model_grow_buffer (&model->rbuf, &model->rbuf_cap, need))
    return FALSE;

  p = model->rbuf;
  for (guint l = 0; l < model->n_layers; l++)
    {
      model->rz[l] = p;
      p += nk * model->widths[l + 1];
      if (l > 0)
        {
          model->ra[l] = p;
          p += nk * model->widths[l];
        }
      else
        model->ra[l] = NULL;
    }
  model->rd[0] = p;
  p += nk * model->max_out;
  model->rd[1] = p;
  p += nk * model->max_out;
  model->pack[0] = p;
  p += k * model->max_weights;
  model->pack[1] = p;
  p += k * model->max_weights;
  model->bias_sum = p;
  p += k * model->max_out;
  model->ones = p;
  for (gsize i = 0; i < n_tile; i++)
    model->ones[i] = 1.0;

  return TRUE;
}

/* Directions per R-pass: at most R_MAX_BLOCK (larger blocks gain nothing once
 * every dgemm is wide), and within the scratch limit. */
gsize
_saddle_model_block_size (const SaddleModel *model,
                          gsize              n)
{
  gsize kb = R_MAX_BLOCK;

  while (kb > 1)
    {
      gsize need;
      gsize n_tile = _saddle_model_tile_rows (model, n, kb);

      /* BLAS takes int dimensions: n_tile·k rows and k·width columns must fit. */
      if (_saddle_model_rpass_doubles (model, n_tile, kb, &need)
          && need <= model->scratch_limit / sizeof (double)
          && n_tile * kb <= (gsize) G_MAXINT
          && kb * model->max_out <= (gsize) G_MAXINT)
        break;
      kb /= 2;
    }

  return kb;
}

/* dst = d ⊙ src over @width values (@dst may be @src). Four at a time, loads
 * before stores, so that GCC's -O2 vectoriser pairs them. */
static inline void
scale_row (const double *d,
           const double *src,
           double       *dst,
           gsize         width)
{
  gsize c = 0;

  for (; c + 4 <= width; c += 4)
    {
      double s0 = src[c], s1 = src[c + 1], s2 = src[c + 2], s3 = src[c + 3];
      double d0 = d[c], d1 = d[c + 1], d2 = d[c + 2], d3 = d[c + 3];

      dst[c] = d0 * s0;
      dst[c + 1] = d1 * s1;
      dst[c + 2] = d2 * s2;
      dst[c + 3] = d3 * s3;
    }
  for (; c < width; c++)
    dst[c] = d[c] * src[c];
}

/* r = r ⊙ d + cv ⊙ rz over @width values, four at a time as scale_row(). */
static inline void
curve_row (const double *d,
           const double *cv,
           const double *rz,
           double       *r,
           gsize         width)
{
  gsize c = 0;

  for (; c + 4 <= width; c += 4)
    {
      double r0 = r[c], r1 = r[c + 1], r2 = r[c + 2], r3 = r[c + 3];
      double d0 = d[c], d1 = d[c + 1], d2 = d[c + 2], d3 = d[c + 3];
      double c0 = cv[c], c1 = cv[c + 1], c2 = cv[c + 2], c3 = cv[c + 3];
      double z0 = rz[c], z1 = rz[c + 1], z2 = rz[c + 2], z3 = rz[c + 3];

      r[c] = r0 * d0 + c0 * z0;
      r[c + 1] = r1 * d1 + c1 * z1;
      r[c + 2] = r2 * d2 + c2 * z2;
      r[c + 3] = r3 * d3 + c3 * z3;
    }
  for (; c < width; c++)
    r[c] = r[c] * d[c] + cv[c] * rz[c];
}

/* dst[(i·k+j)·w + c] = d[i·w + c] · src[(i·k+j)·w + c]: R{a} = σ' ⊙ R{z} for
 * every direction (@dst may be @src). */
static void
scale_rows (const double *d,
            gsize         n,
            gsize         k,
            gsize         width,
            const double *src,
            double       *dst)
{
  for (gsize i = 0; i < n; i++)
    {
      const double *di = d + i * width;

      for (gsize j = 0; j < k; j++)
        {
          gsize row = (i * k + j) * width;

          scale_row (di, src + row, dst + row, width);
        }
    }
}

/* Which layer flat parameter @p belongs to. */
static guint
layer_of (const SaddleModel *model,
          gsize              p)
{
  guint l = 0;

  while (l + 1 < model->n_layers && p >= model->offsets[l + 1])
    l++;
  return l;
}

/* One R-pass: @k directions over samples i0..i0+n of a batch of n_total, after forward, loss
 * and backward have run on the whole batch. Directions are the rows of @v (stride n_params)
 * or, when @v is NULL, the identity columns first..first+k. */
typedef struct
{
  const double *theta;
  const double *x;       /* (n_total, in) the batch's inputs */
  gsize         n_total; /* the 1/n of the mean is over the whole batch */
  gsize         i0;
  gsize         n;
  const double *v;       /* (k, n_params) or NULL */
  gsize         first;
  gsize         k;
  guint         l_min;   /* R{z[l]} is zero for l < l_min, R{a[l]} for l ≤ l_min */
} RPass;

/* R{z} += a·Vᵀ for dense directions: V packed (k·out, in), so (n, in)·(in, k·out) is
 * (n·k, out) in our row order. */
static void
r_forward_dense (SaddleModel  *model,
                 const RPass  *rp,
                 guint         l,
                 const double *input,
                 double       *rz)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  gsize n_weights = fan_out * fan_in;
  const double *vp = rp->v + model->offsets[l];

  /* One direction is already (out, in); more are packed (k·out, in), direction j in rows j·out… */
  if (rp->k > 1)
    {
      double *pack = model->pack[0];

      for (gsize j = 0; j < rp->k; j++)
        memcpy (pack + j * n_weights, rp->v + j * model->n_params + model->offsets[l],
                n_weights * sizeof (double));
      vp = pack;
    }
  _saddle_model_gemm (CblasNoTrans, CblasTrans, rp->n, rp->k * fan_out, fan_in,
                      input, fan_in, vp, fan_in, 1.0, rz, rp->k * fan_out);
}

/* Whether identity direction @j of the pass (parameter first + j) lies in layer @l; its index
 * within the layer (weights, then biases) into @local. */
static gboolean
identity_in_layer (const SaddleModel *model,
                   const RPass       *rp,
                   guint              l,
                   gsize              j,
                   gsize             *local)
{
  gsize p = rp->first + j;
  gsize off = model->offsets[l];

  if (p < off || p - off >= saddle_model_layer_size (model, l))
    return FALSE;
  *local = p - off;
  return TRUE;
}

/* R{z} += a·Vᵀ + c for identity directions: direction e_p adds one input column (a weight)
 * or 1 (a bias) to one output unit, and nothing in the other layers. */
static void
r_forward_identity (const SaddleModel *model,
                    const RPass       *rp,
                    guint              l,
                    const double      *input,
                    double            *rz)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  gsize n_weights = fan_out * fan_in;
  gsize k = rp->k;

  for (gsize j = 0; j < k; j++)
    {
      gsize local;

      if (!identity_in_layer (model, rp, l, j, &local))
        continue;
      if (local < n_weights)
        {
          gsize o = local / fan_in;
          gsize c = local % fan_in;

          for (gsize i = 0; i < rp->n; i++)
            rz[(i * k + j) * fan_out + o] += input[i * fan_in + c];
        }
      else
        {
          gsize o = local - n_weights;

          for (gsize i = 0; i < rp->n; i++)
            rz[(i * k + j) * fan_out + o] += 1.0;
        }
    }
}

/* R-forward of layer @l: R{z[l]} = R{a[l]}·W[l]ᵀ + a[l]·V[l]ᵀ + c[l], with R{a[l]} = σ' ⊙ R{z[l-1]}
 * kept for the backward pass (a[0] = x, R{a[0]} = 0). */
static void
r_forward_layer (SaddleModel *model,
                 const RPass *rp,
                 guint        l)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  gsize bias_at = model->offsets[l] + fan_out * fan_in;
  gsize n = rp->n, k = rp->k;
  const double *input = _saddle_model_layer_input (model, rp->x, l, rp->i0);
  double *rz = model->rz[l];

  if (rp->v != NULL)
    {
      for (gsize i = 0; i < n; i++)
        for (gsize j = 0; j < k; j++)
          memcpy (rz + (i * k + j) * fan_out, rp->v + j * model->n_params + bias_at,
                  fan_out * sizeof (double));
    }
  else
    memset (rz, 0, n * k * fan_out * sizeof (double));

  if (l > rp->l_min)
    {
      scale_rows (model->d[l - 1] + rp->i0 * fan_in, n, k, fan_in, model->rz[l - 1], model->ra[l]);
      _saddle_model_gemm (CblasNoTrans, CblasTrans, n * k, fan_out, fan_in,
                          model->ra[l], fan_in, rp->theta + model->offsets[l], fan_in,
                          1.0, rz, fan_out);
    }

  if (rp->v != NULL)
    r_forward_dense (model, rp, l, input, rz);
  else
    r_forward_identity (model, rp, l, input, rz);
}

/* R-output delta: R{∂L/∂z[L-1]} into @rd from R{ŷ}: the MSE's 2/(n·m)·R{ŷ}, or cross-entropy's
 * (diag(p) − p·pᵀ)·R{ŷ} / n per sample and direction. */
static void
r_output_delta (const SaddleModel *model,
                const RPass       *rp,
                double            *rd)
{
  guint L = model->n_layers;
  gsize m = model->widths[L];
  gsize n = rp->n, k = rp->k;
  const double *ry_all = model->rz[L - 1];

  if (model->loss == SADDLE_LOSS_MSE)
    {
      double scale = 2.0 / ((double) rp->n_total * (double) m);

      for (gsize i = 0; i < n * k * m; i++)
        rd[i] = scale * ry_all[i];
      return;
    }

  for (gsize i = 0; i < n; i++)
    {
      const double *p = model->prob + (rp->i0 + i) * m;

      for (gsize j = 0; j < k; j++)
        {
          const double *ry = ry_all + (i * k + j) * m;
          double *out = rd + (i * k + j) * m;
          double dot = 0.0;

          for (gsize o = 0; o < m; o++)
            dot += p[o] * ry[o];
          for (gsize o = 0; o < m; o++)
            out[o] = p[o] * (ry[o] - dot) / (double) rp->n_total;
        }
    }
}

/* Layer @l's share of H·v: R{dW} = R{δ}ᵀ·a + δᵀ·R{a} (the second only where R{a} ≠ 0) and
 * R{db} = Σ R{δ}, added to @hv. */
static void
r_weight_grads (SaddleModel  *model,
                const RPass  *rp,
                guint         l,
                const double *rd,
                double       *hv)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  gsize off = model->offsets[l];
  gsize n_weights = fan_out * fan_in;
  gsize P = model->n_params;
  gsize n = rp->n, k = rp->k;
  const double *delta = model->delta[l] + rp->i0 * fan_out;
  double *pw = model->pack[0];  /* (k·out, in): R{δ}ᵀ·a per direction */
  double *pa = model->pack[1];  /* (out, k·in): δᵀ·R{a} per direction */
  gboolean has_ra = l > rp->l_min;
  const double *input = _saddle_model_layer_input (model, rp->x, l, rp->i0);

  if (k == 1)
    {
      /* One direction: both products and the bias sum land in H·v as they are. */
      double *dst = hv + off;

      _saddle_model_gemm (CblasTrans, CblasNoTrans, fan_out, fan_in, n,
                          rd, fan_out, input, fan_in, 1.0, dst, fan_in);
      if (has_ra)
        _saddle_model_gemm (CblasTrans, CblasNoTrans, fan_out, fan_in, n,
                            delta, fan_out, model->ra[l], fan_in, 1.0, dst, fan_in);
      _saddle_model_gemm (CblasTrans, CblasNoTrans, fan_out, 1, n,
                          rd, fan_out, model->ones, 1, 1.0, dst + n_weights, 1);
      return;
    }

  _saddle_model_gemm (CblasTrans, CblasNoTrans, k * fan_out, fan_in, n,
                      rd, k * fan_out, input, fan_in, 0.0, pw, fan_in);
  if (has_ra)
    _saddle_model_gemm (CblasTrans, CblasNoTrans, fan_out, k * fan_in, n,
                        delta, fan_out, model->ra[l], k * fan_in, 0.0, pa, k * fan_in);

  for (gsize j = 0; j < k; j++)
    {
      double *dst = hv + j * P + off;

      if (has_ra)
        {
          for (gsize o = 0; o < fan_out; o++)
            {
              cblas_daxpy (fan_in, 1.0, pw + (j * fan_out + o) * fan_in, 1, dst + o * fan_in, 1);
              cblas_daxpy (fan_in, 1.0, pa + (o * k + j) * fan_in, 1, dst + o * fan_in, 1);
            }
        }
      else
        cblas_daxpy (n_weights, 1.0, pw + j * n_weights, 1, dst, 1);
    }

  /* R{db}: column sums of R{δ} seen as (n, k·out). */
  cblas_dgemv (CblasRowMajor, CblasTrans, n, k * fan_out,
               1.0, rd, k * fan_out, model->ones, 1,
               0.0, model->bias_sum, 1);
  for (gsize j = 0; j < k; j++)
    cblas_daxpy (fan_out, 1.0, model->bias_sum + j * fan_out, 1, hv + j * P + off + n_weights, 1);
}

/* rg += δ·V for dense directions: V packed (out, k·in), row o holding V[l][o,:] of each. */
static void
r_backward_dense (SaddleModel  *model,
                  const RPass  *rp,
                  guint         l,
                  const double *delta,
                  double       *rg)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  gsize k = rp->k;
  const double *vp = rp->v + model->offsets[l];

  /* One direction is already (out, in); more are packed as (out, k·in). */
  if (k > 1)
    {
      double *pack = model->pack[0];

      for (gsize o = 0; o < fan_out; o++)
        for (gsize j = 0; j < k; j++)
          memcpy (pack + (o * k + j) * fan_in,
                  rp->v + j * model->n_params + model->offsets[l] + o * fan_in,
                  fan_in * sizeof (double));
      vp = pack;
    }
  _saddle_model_gemm (CblasNoTrans, CblasNoTrans, rp->n, k * fan_in, fan_out,
                      delta, fan_out, vp, k * fan_in, 1.0, rg, k * fan_in);
}

/* rg += δ·V for identity directions: a weight direction e_(o,c) adds δ's column o to column c. */
static void
r_backward_identity (const SaddleModel *model,
                     const RPass       *rp,
                     guint              l,
                     const double      *delta,
                     double            *rg)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  gsize n_weights = fan_out * fan_in;
  gsize k = rp->k;

  for (gsize j = 0; j < k; j++)
    {
      gsize local;

      /* Bias directions do not reach δ[l-1]. */
      if (!identity_in_layer (model, rp, l, j, &local) || local >= n_weights)
        continue;
      for (gsize i = 0; i < rp->n; i++)
        rg[(i * k + j) * fan_in + local % fan_in] += delta[i * fan_out + local / fan_in];
    }
}

/* R-backward of layer @l ≥ 1: R{δ[l-1]} = (R{δ}·W + δ·V) ⊙ σ' + (δ·W) ⊙ σ'' ⊙ R{z[l-1]} into @rg,
 * from R{δ[l]} in @rd. The σ'' term needs R{z[l-1]} ≠ 0. */
static void
r_backward_layer (SaddleModel  *model,
                  const RPass  *rp,
                  guint         l,
                  const double *rd,
                  double       *rg)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  gsize n = rp->n, k = rp->k;
  const double *delta = model->delta[l] + rp->i0 * fan_out;
  const double *d = model->d[l - 1] + rp->i0 * fan_in;
  const double *cv = model->curv[l - 1] + rp->i0 * fan_in;
  const double *rz = model->rz[l - 1];

  _saddle_model_gemm (CblasNoTrans, CblasNoTrans, n * k, fan_in, fan_out,
                      rd, fan_out, rp->theta + model->offsets[l], fan_in, 0.0, rg, fan_in);
  if (rp->v != NULL)
    r_backward_dense (model, rp, l, delta, rg);
  else
    r_backward_identity (model, rp, l, delta, rg);

  if (act_has_curvature (model->activation) && l > rp->l_min)
    {
      for (gsize i = 0; i < n; i++)
        for (gsize j = 0; j < k; j++)
          {
            gsize row = (i * k + j) * fan_in;

            curve_row (d + i * fan_in, cv + i * fan_in, rz + row, rg + row, fan_in);
          }
    }
  else
    scale_rows (d, n, k, fan_in, rg, rg);
}

/* One R-pass over a tile (see RPass); its share of H·v is added to @hv. Identity directions
 * cost no dgemm for their own products with a and δ (those are copies of one column), and
 * all R-quantities of the layers before the first one they touch are zero, so those layers
 * are skipped. */
static void
r_pass (SaddleModel  *model,
        const double *theta,
        const double *x,
        gsize         n_total,
        gsize         i0,
        gsize         n,
        const double *v,
        gsize         first,
        gsize         k,
        double       *hv)
{
  RPass rp = { theta, x, n_total, i0, n, v, first, k, v != NULL ? 0 : layer_of (model, first) };
  guint L = model->n_layers;
  double *rd = model->rd[0];
  double *rg = model->rd[1];

  for (guint l = rp.l_min; l < L; l++)
    r_forward_layer (model, &rp, l);

  r_output_delta (model, &rp, rd);

  for (guint l = L; l-- > 0;)
    {
      double *tmp;

      r_weight_grads (model, &rp, l, rd, hv);
      if (l == 0)
        break;
      r_backward_layer (model, &rp, l, rd, rg);
      tmp = rd;
      rd = rg;
      rg = tmp;
    }
}

/* Loss, gradient and HVPs for dense directions @v or identity columns from @first. */
static double
hvp_common (SaddleModel       *model,
            const double      *theta,
            const SaddleBatch *batch,
            const double      *v,
            gsize              first,
            gsize              k,
            double            *hv,
            double            *grad)
{
  gsize n = batch->n;
  gsize P = model->n_params;
  gsize kb, n_tile;
  double loss;

  if (!_saddle_model_ensure_forward (model, n))
    {
      _saddle_model_warn_no_memory (model, n, k);
      goto failed;
    }

  if (v != NULL && k > 0 && _saddle_model_regions_loss (model, theta, batch, TRUE, &loss)
      && isfinite (loss) && _saddle_model_regions_hvp (model, theta, batch, v, k, hv, grad))
    return loss;
  _saddle_model_forward (model, theta, batch->x, n);
  loss = _saddle_model_compute_loss (model, batch, TRUE);
  _saddle_model_backward (model, theta, batch->x, n, grad);
  if (k == 0)
    return loss;

  kb = MIN (_saddle_model_block_size (model, n), k);
  n_tile = _saddle_model_tile_rows (model, n, kb);
  if (!_saddle_model_ensure_rpass (model, n_tile, kb))
    {
      _saddle_model_warn_no_memory (model, n, kb);
      goto failed;
    }

  memset (hv, 0, k * P * sizeof (double));
  for (gsize done = 0; done < k; done += kb)
    {
      gsize kc = MIN (kb, k - done);

      /* Only lays the buffers out again: they already hold n_tile × kb ≥ n_tile × kc. */
      _saddle_model_ensure_rpass (model, n_tile, kc);
      for (gsize i0 = 0; i0 < n; i0 += n_tile)
        r_pass (model, theta, batch->x, n, i0, MIN (n_tile, n - i0),
                v != NULL ? v + done * P : NULL, first + done, kc, hv + done * P);
    }

  return loss;

failed:
  _saddle_model_fill_nan (hv, k * P);
  _saddle_model_fill_nan (grad, P);
  return NAN;
}

double
saddle_model_hvp (SaddleModel       *model,
                  const double      *theta,
                  const SaddleBatch *batch,
                  const double      *v,
                  gsize              k,
                  double            *hv,
                  double            *grad)
{
  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL, NAN);
  g_return_val_if_fail (k == 0 || (v != NULL && hv != NULL), NAN);
  if (!_saddle_model_batch_usable (model, batch, TRUE))
    {
      _saddle_model_fill_nan (hv, k * model->n_params);
      _saddle_model_fill_nan (grad, model->n_params);
      return NAN;
    }

  return hvp_common (model, theta, batch, v, 0, k, hv, grad);
}

double
saddle_model_grad_and_hvp_self (SaddleModel       *model,
                                const double      *theta,
                                const SaddleBatch *batch,
                                double            *grad,
                                double            *hg)
{
  gsize n, P, kb, n_tile;
  double loss;

  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL, NAN);
  g_return_val_if_fail (grad != NULL && hg != NULL, NAN);
  g_return_val_if_fail (grad != hg, NAN);

  P = model->n_params;
  if (!_saddle_model_batch_usable (model, batch, TRUE))
    goto failed;

  n = batch->n;
  if (!_saddle_model_ensure_forward (model, n))
    {
      _saddle_model_warn_no_memory (model, n, 1);
      goto failed;
    }

  /* The R-pass needs only the forward activations, δ and curv, all still in
   * the scratch after the backward pass that produced ∇L: v = ∇L is known
   * before the R-pass starts, so no second forward is needed. */
  if (_saddle_model_regions_loss (model, theta, batch, TRUE, &loss) && isfinite (loss)
      && _saddle_model_regions_grad_and_hvp_self (model, theta, batch, grad, hg))
    return loss;
  _saddle_model_forward (model, theta, batch->x, n);
  loss = _saddle_model_compute_loss (model, batch, TRUE);
  model->region_tally.by_sample++;
  _saddle_model_backward (model, theta, batch->x, n, grad);

  kb = 1;
  n_tile = _saddle_model_tile_rows (model, n, kb);
  if (!_saddle_model_ensure_rpass (model, n_tile, kb))
    {
      _saddle_model_warn_no_memory (model, n, kb);
      goto failed;
    }

  memset (hg, 0, P * sizeof (double));
  for (gsize i0 = 0; i0 < n; i0 += n_tile)
    r_pass (model, theta, batch->x, n, i0, MIN (n_tile, n - i0), grad, 0, 1, hg);

  return loss;

failed:
  _saddle_model_fill_nan (grad, P);
  _saddle_model_fill_nan (hg, P);
  return NAN;
}

double
saddle_model_hessian_columns (SaddleModel       *model,
                              const double      *theta,
                              const SaddleBatch *batch,
                              gsize              first,
                              gsize              k,
                              double            *out)
{
  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL, NAN);
  g_return_val_if_fail (k == 0 || out != NULL, NAN);
  g_return_val_if_fail (first <= model->n_params && k <= model->n_params - first, NAN);
  if (!_saddle_model_batch_usable (model, batch, TRUE))
    {
      _saddle_model_fill_nan (out, k * model->n_params);
      return NAN;
    }

  return hvp_common (model, theta, batch, NULL, first, k, out, NULL);
}

void
saddle_model_set_scratch_limit (SaddleModel *model,
                                gsize        bytes)
{
  g_return_if_fail (model != NULL);
  model->scratch_limit = bytes;
}

void
saddle_model_set_tile_rows (SaddleModel *model,
                            gsize        rows)
{
  g_return_if_fail (model != NULL);
  model->tile_override = rows;
}

void
saddle_model_set_sum_by_region (SaddleModel *model,
                                gboolean     enabled)
{
  g_return_if_fail (model != NULL);
  model->sum_by_region = enabled;
}

gsize
saddle_model_block_size (const SaddleModel *model,
                         gsize              n_samples)
{
  g_return_val_if_fail (model != NULL, 1);
  return _saddle_model_block_size (model, n_samples);
}
