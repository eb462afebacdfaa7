/* saddle-hessian-structured.c — the exact full Hessian from its structure, by large GEMMs
 *
 * With ŷᵢ the outputs of sample i, gᵢ = ∂ℓ/∂ŷᵢ and Λᵢ = ∂²ℓ/∂ŷᵢ² (MSE: 2/m·I; cross-entropy:
 * diag(p) − ppᵀ), the Hessian of the mean loss is
 *
 *   H = (1/N) Σᵢ [Jᵢᵀ Λᵢ Jᵢ + Σₒ gᵢₒ ∇²ŷᵢₒ],    Jᵢ = ∂ŷᵢ/∂θ.
 *
 * The second part is the Hessian of Φ = Σᵢ δᵢᵀŷᵢ with δ = g/N held fixed; through the network's
 * graph it has two kinds of terms: each product z_l = W_l·a_{l-1} couples W_l with everything
 * a_{l-1} depends on (weighted by δ_l = ∂L/∂z_l), and each activation adds
 * (∂z_l/∂θ)ᵀ diag(curv_l) (∂z_l/∂θ) with curv_l = (∂L/∂a_l) ⊙ σ''(z_l) (zero for ReLU and
 * identity, whose nets are linear in each layer's weights for a fixed activation pattern).
 *
 * Every derivative of z_l by layer k's parameters factors per sample: ∂z_l/∂W_k(r,c) =
 * T_lk[:, r]·a_{k-1}[c] with T_lk = ∂z_l/∂z_k (small: out_l × out_k). So the Gauss–Newton and
 * activation terms of the block (layer k1, layer k2) are all Σᵢ Kᵢ[r1,r2]·a1ᵢ[c1]·a2ᵢ[c2] with
 * one small Kᵢ = Σ T1ᵀ·diag(w)·T2 per sample: one DGEMM (in1 × N)·(N × params of k2) per row
 * r1, whatever the number of outputs (JᵀJ would cost m times more). With one output, MSE and
 * σ'' = 0 the two cost the same, and JᵀJ is one symmetric product (add_gradient_gram(): 1-31-31-1
 * ReLU on 1,000 samples in 40 ms of CPU against 65 ms, best of 15, one thread, when it came).
 * The product terms are Σᵢ δ_lᵢ[r]·(∂a_{l-1}/∂z_k)ᵢ[c,r']·a_{k-1,i}[c'], GEMMs over the samples
 * per neuron r' or per input c' of layer k (add_product_block()); for the layer below
 * (k = l − 1) ∂a/∂z is diagonal, and only W_l's column r' takes part.
 *
 * Only the lower triangle is computed (layer k1 ≥ k2); it is mirrored at the end. Samples go in
 * tiles so that the scratch stays a small share of the n × n matrix itself.
 */
#define G_LOG_DOMAIN "saddle-hessian-structured"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-hessian-structured.h"
#include "saddle-model-private.h"
#include "saddle-work.h"

/* Scratch per tile (the per-sample factors and the scaled copy of one layer's parameters): tiles
 * of ~100 samples stay near the cache. On 1-31-31-1, 1,000 samples, 8 MiB built in 0.21–0.29 s
 * against 0.53–0.62 s with 32 MiB (n = 3 each, load 12); far below the 8n² bytes of H. */
#define TILE_BYTES ((gsize) 8 << 20)
/* Edge of syrk_lower()'s diagonal blocks: 128 to 544 all took 1-31-31-1's build from a median
 * of 34.9 to 32.7–33.3 ms (8 alternating rounds of best of 20, one thread). */
#define SYRK_BLOCK 256
/* Edge of the mirror pass's tiles: two 64 × 64 tiles of doubles stay in L2. */
#define MIRROR_TILE 64

typedef struct
{
  SaddleModel  *model;
  const double *theta;
  const double *x;
  guint         L;
  gsize         P;
  gsize         n_total;
  gsize         i0;        /* first sample of the tile */
  gsize         t;         /* samples in the tile */
  double      **tz;        /* tz[l·L + k], k < l, and the output's l = k: (t, out_l, out_k)
                            * ∂z_l/∂z_k */
  double      **mz;        /* mz[l·L + k], k < l − 1: (t, in_l, out_k) ∂a_{l-1}/∂z_k */
  double      **kk;        /* kk[k1·L + k2], k2 ≤ k1, off the gradients' path:
                            * (t, out_k1, out_k2) */
  double       *scaled;    /* (t, scaled_doubles()) */
  double       *ones;      /* (t) */
  double       *spill;     /* (max out_l·in_l·out_k) one product GEMM's result */
  double       *mem;
  gsize        *live;      /* set_aside_zero_columns(): the n_live parameters whose per-sample
                            * gradients are not all exactly zero, ascending; else NULL */
  gsize         n_live;
  double       *h_live;    /* (n_live, n_live) their Gauss–Newton part, in its lower triangle
                            * (the upper is allocated, not used) */
} Structured;

static gsize
out_of (const Structured *s, guint l)
{
  return s->model->widths[l + 1];
}

static gsize
in_of (const Structured *s, guint l)
{
  return s->model->widths[l];
}

/* Whether chain_factors() writes the identity tz_ll: only the output's, its sensitivity to
 * itself (the layers below take σ' directly, and block_weights() passes NULL for it). */
static gboolean
stores_identity (const SaddleModel *model,
                 guint              l)
{
  return l + 1 == model->n_layers;
}

/* Lays tz, mz and kk of @t samples out from @p into the tables (or, with @p NULL, only counts):
 * only what is read — tz_ll where stores_identity(), kk off the gradients' path, mz for the
 * layers not adjacent (chain_factors() and add_product_block() take an adjacent layer's σ'
 * from d). Returns the doubles taken. */
static gsize
lay_out_factors (const SaddleModel *model,
                 gsize              t,
                 double            *p,
                 double           **tz,
                 double           **mz,
                 double           **kk)
{
  guint L = model->n_layers;
  gboolean by_gradients = saddle_hessian_structured_by_gradients (model);
  gsize total = 0;

  for (guint l = 0; l < L; l++)
    for (guint k = 0; k <= l; k++)
      {
        gsize block = t * model->widths[l + 1] * model->widths[k + 1];
        gsize sizes[3] = { k < l || stores_identity (model, l) ? block : 0,
                           k + 1 < l ? t * model->widths[l] * model->widths[k + 1] : 0,
                           by_gradients ? 0 : block };
        double **tables[3] = { tz, mz, kk };

        for (guint j = 0; j < 3; j++)
          if (sizes[j] > 0)
            {
              if (p != NULL)
                tables[j][l * L + k] = p + total;
              total += sizes[j];
            }
      }
  return total;
}

/* Doubles per sample of tz, mz and kk. */
static gsize
per_sample_doubles (const SaddleModel *model)
{
  return lay_out_factors (model, 1, NULL, NULL, NULL, NULL);
}

static gsize
max_layer_params (const SaddleModel *model)
{
  gsize max = 0;

  for (guint l = 0; l < model->n_layers; l++)
    max = MAX (max, saddle_model_layer_size (model, l));
  return max;
}

gboolean
saddle_hessian_structured_by_gradients (const SaddleModel *model)
{
  g_return_val_if_fail (model != NULL, FALSE);

  return model->loss == SADDLE_LOSS_MSE && model->widths[model->n_layers] == 1
         && !act_has_curvature (model->activation);
}

/* Doubles per sample of the scaled copy: a layer's parameters, or a whole gradient when the
 * Gauss–Newton part is taken from the per-sample gradients. */
static gsize
scaled_doubles (const SaddleModel *model)
{
  return saddle_hessian_structured_by_gradients (model) ? saddle_model_n_params (model)
                                                        : max_layer_params (model);
}

/* Doubles of the product blocks' GEMM result, at most out_l·in_l·out_k over the pairs not
 * adjacent (add_product_block() adds an adjacent pair's in place). */
static gsize
spill_doubles (const SaddleModel *model)
{
  gsize max = 0;

  for (guint l = 2; l < model->n_layers; l++)
    for (guint k = 0; k + 1 < l; k++)
      max = MAX (max, (gsize) model->widths[l + 1] * model->widths[l] * model->widths[k + 1]);
  return max;
}

static gsize
tile_samples (const SaddleModel *model,
              gsize              n)
{
  gsize per = scaled_doubles (model) + per_sample_doubles (model) + 1;

  /* saddle_model_set_tile_rows() forces it too, so tests can cross tile edges. */
  if (model->tile_override > 0)
    return MIN (model->tile_override, MAX (n, 1));
  return CLAMP (TILE_BYTES / sizeof (double) / per, 1, MAX (n, 1));
}

static gboolean
structured_init (Structured  *s,
                 SaddleModel *model,
                 gsize        n)
{
  guint L = model->n_layers;
  gsize t = tile_samples (model, n);
  gsize need = t * (scaled_doubles (model) + per_sample_doubles (model) + 1)
               + spill_doubles (model);
  double *p;

  memset (s, 0, sizeof *s);
  s->model = model;
  s->L = L;
  s->P = saddle_model_n_params (model);
  s->t = t;
  s->mem = g_try_malloc_n (need, sizeof (double));
  if (s->mem == NULL)
    return FALSE;
  s->tz = g_new0 (double *, L * L);
  s->mz = g_new0 (double *, L * L);
  s->kk = g_new0 (double *, L * L);

  p = s->mem + lay_out_factors (model, t, s->mem, s->tz, s->mz, s->kk);
  s->scaled = p;
  p += t * scaled_doubles (model);
  s->ones = p;
  for (gsize i = 0; i < t; i++)
    s->ones[i] = 1.0;
  s->spill = p + t;
  return TRUE;
}

static void
structured_clear (Structured *s)
{
  g_free (s->live);
  g_free (s->h_live);
  g_free (s->mem);
  g_free (s->tz);
  g_free (s->mz);
  g_free (s->kk);
}

/* Per sample of the tile: mz_lk = diag(σ'(z_{l-1}))·tz_{l-1,k}, tz_lk = W_l·mz_lk, tz_ll = I
 * where stores_identity(). For the layer below (k = l − 1) mz is diag(σ'(z_{l-1})) itself: tz
 * is W_l with its columns scaled, and mz is neither stored nor read. */
static void
chain_factors (Structured *s)
{
  guint L = s->L;

  for (guint l = 0; l < L; l++)
    {
      gsize ol = out_of (s, l);
      gsize il = in_of (s, l);
      const double *w = s->theta + s->model->offsets[l];
      double *tll = s->tz[l * L + l];

      if (stores_identity (s->model, l))
        {
          memset (tll, 0, s->t * ol * ol * sizeof (double));
          for (gsize i = 0; i < s->t; i++)
            for (gsize u = 0; u < ol; u++)
              tll[(i * ol + u) * ol + u] = 1.0;
        }

      for (guint k = 0; k < l; k++)
        {
          gsize ok = out_of (s, k);
          const double *prev = s->tz[(l - 1) * L + k];  /* (t, il, ok) */
          double *mz = s->mz[l * L + k];
          double *tz = s->tz[l * L + k];

          if (k + 1 == l)
            {
              for (gsize i = 0; i < s->t; i++)
                {
                  const double *d = s->model->d[l - 1] + (s->i0 + i) * il;

                  for (gsize r = 0; r < ol; r++)
                    for (gsize c = 0; c < il; c++)
                      tz[(i * ol + r) * il + c] = w[r * il + c] * d[c];
                }
              continue;
            }

          for (gsize i = 0; i < s->t; i++)
            {
              const double *d = s->model->d[l - 1] + (s->i0 + i) * il;

              for (gsize c = 0; c < il; c++)
                for (gsize r = 0; r < ok; r++)
                  mz[(i * il + c) * ok + r] = d[c] * prev[(i * il + c) * ok + r];
            }
          /* W_l·mz for every sample at once: (ol, il)·(il, ok) with the samples' mz side by side
           * would need a transpose; per-sample products are small, so one dgemm each. */
          for (gsize i = 0; i < s->t; i++)
            cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                         ol, ok, il,
                         1.0, w, il, mz + i * il * ok, ok,
                         0.0, tz + i * ol * ok, ok);
        }
    }
}

/* out += alpha·T1ᵀ·diag(w)·T2, T1 (rows, c1), T2 (rows, c2), out (c1, c2). A NULL T1 is the
 * identity (rows = c1), whose other rows give only zero terms, so each entry takes its one term;
 * T2 is the identity only with T1 (block_weights(): l = k2 means l = k1 = k2), NULL for both. */
static void
add_weighted_gram (const double *t1,
                   const double *t2,
                   const double *w,
                   gsize         rows,
                   gsize         c1,
                   gsize         c2,
                   double        alpha,
                   double       *out)
{
  g_assert (t2 != NULL || t1 == NULL);
  if (t1 == NULL && t2 == NULL)
    {
      for (gsize a = 0; a < c1; a++)
        out[a * c2 + a] += alpha * w[a];
      return;
    }
  if (t1 == NULL)
    {
      for (gsize a = 0; a < c1; a++)
        for (gsize b = 0; b < c2; b++)
          out[a * c2 + b] += alpha * w[a] * t2[a * c2 + b];
      return;
    }

  for (gsize u = 0; u < rows; u++)
    {
      double wu = alpha * w[u];

      for (gsize a = 0; a < c1; a++)
        {
          double f = wu * t1[u * c1 + a];

          for (gsize b = 0; b < c2; b++)
            out[a * c2 + b] += f * t2[u * c2 + b];
        }
    }
}

/* Kᵢ of the block (k1, k2): the Gauss–Newton T1ᵀΛT2 / N through the outputs, plus
 * T1ᵀ·diag(curv_l)·T2 for every hidden layer l ≥ k1 when σ'' ≠ 0. */
static void
block_weights (Structured *s,
               guint       k1,
               guint       k2)
{
  SaddleModel *model = s->model;
  guint L = s->L;
  gsize o1 = out_of (s, k1);
  gsize o2 = out_of (s, k2);
  gsize m = out_of (s, L - 1);
  double *kk = s->kk[k1 * L + k2];
  const double *ta = s->tz[(L - 1) * L + k1];
  const double *tb = s->tz[(L - 1) * L + k2];
  double n = (double) s->n_total;
  g_autofree double *w = g_new (double, m + o1 + o2);  /* weights, then T1ᵀp and T2ᵀp */
  double *q1 = w + m;
  double *q2 = q1 + o1;

  memset (kk, 0, s->t * o1 * o2 * sizeof (double));
  for (gsize i = 0; i < s->t; i++)
    {
      const double *t1 = ta + i * m * o1;
      const double *t2 = tb + i * m * o2;
      double *out = kk + i * o1 * o2;

      if (model->loss == SADDLE_LOSS_MSE)
        {
          for (gsize u = 0; u < m; u++)
            w[u] = 1.0;
          add_weighted_gram (t1, t2, w, m, o1, o2, 2.0 / (n * (double) m), out);
        }
      else
        {
          /* diag(p) − ppᵀ: the diagonal part, then the rank-one (T1ᵀp)(T2ᵀp)ᵀ. */
          const double *p = model->prob + (s->i0 + i) * m;

          add_weighted_gram (t1, t2, p, m, o1, o2, 1.0 / n, out);
          memset (q1, 0, o1 * sizeof (double));
          memset (q2, 0, o2 * sizeof (double));
          for (gsize u = 0; u < m; u++)
            {
              for (gsize a = 0; a < o1; a++)
                q1[a] += p[u] * t1[u * o1 + a];
              for (gsize b = 0; b < o2; b++)
                q2[b] += p[u] * t2[u * o2 + b];
            }
          for (gsize a = 0; a < o1; a++)
            for (gsize b = 0; b < o2; b++)
              out[a * o2 + b] -= q1[a] * q2[b] / n;
        }

      /* tz_ll = I is not stored: NULL stands for it. */
      if (act_has_curvature (model->activation))
        for (guint l = k1; l + 1 < L; l++)
          {
            gsize ol = out_of (s, l);
            const double *t1 = l == k1 ? NULL : s->tz[l * L + k1] + i * ol * o1;
            const double *t2 = l == k2 ? NULL : s->tz[l * L + k2] + i * ol * o2;

            add_weighted_gram (t1, t2, model->curv[l] + (s->i0 + i) * ol, ol, o1, o2, 1.0, out);
          }
    }
}

/* dst = f ⊗ [a | 1] in a layer's parameter layout: dst[r·in + c] = f[r·stride]·a[c] for the
 * weights, then dst[out·in + r] = f[r·stride] for the biases. */
static void
scale_outer (const double *f,
             gsize         stride,
             gsize         out,
             const double *a,
             gsize         in,
             double       *dst)
{
  for (gsize r = 0; r < out; r++)
    {
      double fr = f[r * stride];

      for (gsize c = 0; c < in; c++)
        dst[r * in + c] = fr * a[c];
      dst[out * in + r] = fr;
    }
}

/* Adds G'ᵀ·[A | 1] to layer @k2's columns of neuron @r2 (weights W_k2(r2, ·), then bias
 * b_k2(r2)), in @rows rows of H @step rows apart from flat row @row0: G' is (t, rows), A
 * (t, in_k2). */
static void
add_columns (Structured   *s,
             double       *h,
             gsize         row0,
             gsize         rows,
             gsize         step,
             const double *g,
             gsize         ldg,
             guint         k2,
             gsize         r2)
{
  gsize P = s->P;
  gsize i2 = in_of (s, k2), o2 = out_of (s, k2);
  gsize off2 = s->model->offsets[k2];
  const double *a2 = _saddle_model_layer_input (s->model, s->x, k2, s->i0);

  cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
               rows, i2, s->t,
               1.0, g, ldg, a2, i2,
               1.0, h + row0 * P + off2 + r2 * i2, step * P);
  cblas_dgemv (CblasRowMajor, CblasTrans, s->t, rows,
               1.0, g, ldg, s->ones, 1,
               1.0, h + row0 * P + off2 + o2 * i2 + r2, step * P);
}

/* H[layer k1, layer k2] += Σᵢ Kᵢ[r1,r2]·ã1ᵢ[c1]·ã2ᵢ[c2] (ã: a with the bias's 1), lower part.
 * Per neuron r2 of layer k2, G'ᵢ = Kᵢ[·, r2] ⊗ ã1ᵢ laid out as layer k1's parameters, and the
 * GEMMs are (params of k1) × in_k2; or per neuron r1 of layer k1 the mirror image, GEMMs
 * in_k1 × (params of k2). The wider of in_k1 and in_k2 makes the GEMM that is not a GEMV
 * (the critical study's input layer has width 1). */
static void
add_block (Structured *s,
           double     *h,
           guint       k1,
           guint       k2)
{
  gsize P = s->P;
  gsize o1 = out_of (s, k1), i1 = in_of (s, k1);
  gsize o2 = out_of (s, k2), i2 = in_of (s, k2);
  gsize p1 = o1 * i1 + o1, p2 = o2 * i2 + o2;
  gsize off1 = s->model->offsets[k1], off2 = s->model->offsets[k2];
  const double *a1 = _saddle_model_layer_input (s->model, s->x, k1, s->i0);
  const double *a2 = _saddle_model_layer_input (s->model, s->x, k2, s->i0);
  const double *kk = s->kk[k1 * s->L + k2];

  if (i2 >= i1)
    {
      for (gsize r2 = 0; r2 < o2; r2++)
        {
          /* In a diagonal block the rows of the neurons before r2 lie above the diagonal. */
          gsize skip = k1 == k2 ? r2 * i1 : 0;

          for (gsize i = 0; i < s->t; i++)
            scale_outer (kk + i * o1 * o2 + r2, o2, o1, a1 + i * i1, i1, s->scaled + i * p1);
          add_columns (s, h, off1 + skip, p1 - skip, 1, s->scaled + skip, p1, k2, r2);
        }
      return;
    }

  for (gsize r1 = 0; r1 < o1; r1++)
    {
      /* In a diagonal block the columns of the neurons after r1 lie above the diagonal. */
      gsize cols = k1 == k2 ? (r1 + 1) * i2 : p2;

      for (gsize i = 0; i < s->t; i++)
        scale_outer (kk + (i * o1 + r1) * o2, 1, o2, a2 + i * i2, i2, s->scaled + i * p2);
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                   i1, cols, s->t,
                   1.0, a1, i1, s->scaled, p2,
                   1.0, h + (off1 + r1 * i1) * P + off2, P);
      cblas_dgemv (CblasRowMajor, CblasTrans, s->t, p2,
                   1.0, s->scaled, p2, s->ones, 1,
                   1.0, h + (off1 + o1 * i1 + r1) * P + off2, 1);
    }
}

/* C += α·AᵀA, lower triangle (A: k × n, C: n × n, row-major): a DSYRK for each diagonal block
 * and a DGEMM for the blocks below it. OpenBLAS's DSYRK runs below its DGEMM's rate: at
 * n = 1,086, k = 334 (1-31-31-1's tiles) 9.5 ms against 10.2 for one DSYRK, 42 against 39
 * GFLOP/s (best of 15, one thread). */
static void
syrk_lower (gsize         n,
            gsize         k,
            double        alpha,
            const double *a,
            double       *c)
{
  for (gsize j0 = 0; j0 < n; j0 += SYRK_BLOCK)
    {
      gsize jb = MIN (SYRK_BLOCK, n - j0), i0 = j0 + jb;

      cblas_dsyrk (CblasRowMajor, CblasLower, CblasTrans, jb, k,
                   alpha, a + j0, n, 1.0, c + j0 * n + j0, n);
      if (i0 < n)
        cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans, n - i0, jb, k,
                     alpha, a + i0, n, a + j0, n, 1.0, c + i0 * n + j0, n);
    }
}

/* The tile's per-sample gradients Jᵢ = [∂ŷᵢ/∂z_k ⊗ ãᵢ]ₖ, one row of s->scaled each (with
 * MSE, one output and σ'' = 0: saddle_hessian_structured_by_gradients()). */
static void
tile_gradients (Structured *s)
{
  guint L = s->L;
  gsize P = s->P;

  for (guint k = 0; k < L; k++)
    {
      gsize ok = out_of (s, k), ik = in_of (s, k);
      const double *sens = s->tz[(L - 1) * L + k];  /* (t, 1, ok): ∂ŷ/∂z_k */
      const double *a = _saddle_model_layer_input (s->model, s->x, k, s->i0);

      for (gsize i = 0; i < s->t; i++)
        scale_outer (sens + i * ok, 1, ok, a + i * ik, ik,
                     s->scaled + i * P + s->model->offsets[k]);
    }
}

/* Whether a hidden unit has σ' = 0 at every one of the @n samples (a dead ReLU unit, or one
 * whose z is NaN everywhere), so that the weights into it (σ' = 0) and out of it (a = 0) may
 * have gradients that are exactly zero on every sample. */
static gboolean
has_flat_unit (const Structured *s,
               gsize             n)
{
  for (guint l = 0; l + 1 < s->L; l++)
    {
      gsize o = out_of (s, l);

      for (gsize r = 0; r < o; r++)
        {
          gsize i = 0;

          while (i < n && s->model->d[l][i * o + r] == 0.0)
            i++;
          if (i == n)
            return TRUE;
        }
    }
  return FALSE;
}

/* Columns of J that are exactly zero on all @n samples add nothing but exact zeros to JᵀJ: at a
 * ReLU net's critical points a third or more of the hidden units are dead (29–43 of 62 at the
 * default study's 100 points), and the symmetric product, nearly all of the build's
 * FLOPs, shrinks with the square of the parameters left. One pass over the tiles finds them;
 * if 3 in 10 or more go (then s->h_live, at most half of H's size, is worth its memory and the
 * pass), the product is of the live columns only (s->live, into s->h_live), added into H at
 * the end. FALSE, the product of all columns, where fewer go, where the system has not twice
 * s->h_live's size available now, or where J holds a NaN or an infinity: its products with
 * the zero columns are NaN in H (as in the HVP build), which setting them aside would make 0. */
static gboolean
set_aside_zero_columns (Structured *s,
                        gsize       n)
{
  gsize P = s->P, tile = s->t, n_live = 0;
  g_autofree guint8 *live = NULL;
  gboolean finite = TRUE;

  if (!has_flat_unit (s, n))
    return FALSE;
  live = g_new0 (guint8, P);
  for (gsize i0 = 0; i0 < n; i0 += tile)
    {
      s->i0 = i0;
      s->t = MIN (tile, n - i0);
      chain_factors (s);
      tile_gradients (s);
      for (gsize i = 0; i < s->t; i++)
        for (gsize p = 0; p < P; p++)
          {
            double v = s->scaled[i * P + p];

            live[p] |= v != 0.0;
            finite = finite && isfinite (v);
          }
    }
  s->t = tile;
  if (!finite)
    return FALSE;
  for (gsize p = 0; p < P; p++)
    n_live += live[p];
  if (n_live == 0 || n_live > P * 7 / 10
      || n_live * n_live * sizeof (double) > saddle_available_memory () / 2
      || (s->h_live = g_try_malloc0_n (n_live * n_live, sizeof (double))) == NULL)
    return FALSE;
  s->n_live = n_live;
  s->live = g_new (gsize, n_live);
  for (gsize p = 0, j = 0; p < P; p++)
    if (live[p])
      s->live[j++] = p;
  return TRUE;
}

/* The Gauss–Newton part as (2/N)·JᵀJ, lower part: with MSE, one output and σ'' = 0 every Kᵢ
 * is (2/N)·T1ᵢᵀT2ᵢ, the outer product of the output's sensitivities, so the blocks' sum is
 * that of the per-sample gradients, one row of the tile each. Their symmetric product takes
 * as many FLOPs as add_block()'s GEMMs, without copying the tile once per neuron. With columns
 * set aside, each row's live entries are first moved to the row's front, in place (none lies
 * after its own source), and the product goes into s->h_live. */
static void
add_gradient_gram (Structured *s,
                   double     *h)
{
  gsize P = s->P, m = s->n_live;

  tile_gradients (s);
  if (s->live == NULL)
    {
      syrk_lower (P, s->t, 2.0 / (double) s->n_total, s->scaled, h);
      return;
    }
  for (gsize i = 0; i < s->t; i++)
    {
      const double *row = s->scaled + i * P;
      double *dst = s->scaled + i * m;

      for (gsize j = 0; j < m; j++)
        dst[j] = row[s->live[j]];
    }
  syrk_lower (m, s->t, 2.0 / (double) s->n_total, s->scaled, s->h_live);
}

/* H's lower triangle += the live columns' Gauss–Newton part (s->live ascends, so the lower
 * triangle of one is in the other's). */
static void
add_live_gram (const Structured *s,
               double           *h)
{
  for (gsize a = 0; a < s->n_live; a++)
    for (gsize b = 0; b <= a; b++)
      h[s->live[a] * s->P + s->live[b]] += s->h_live[a * s->n_live + b];
}

/* H[W_l, layer k] += Σᵢ δ_lᵢ[r]·(∂a_{l-1}/∂z_k)ᵢ[c, r']·ã_{k-1,i}[c'] for k < l: the coupling
 * of W_l with what its input a_{l-1} depends on. Per neuron r' of layer k, Gᵢ[(r, c)] =
 * δ_lᵢ[r]·Mᵢ[c, r'] laid out as W_l, and GEMMs (out_l·in_l) × in_k; or per input c' of layer
 * k (and its bias) one GEMM out_l × (in_l·out_k) of Yᵢ = δ_lᵢ·ã_{k-1,i}[c'] against M, added
 * into place. Both take the same FLOPs; the first copies out_k·out_l·in_l doubles a sample,
 * the second out_l·(in_k + 1), so the one that copies less runs. On 1-31-31-1 (in_k = 1) the
 * second took the build from 33.7 to 31.7 ms (best of 6 alternating, one thread, 1,000 samples);
 * neutral (±1 %) on 1-31-31-31-1. */
static void
add_product_block (Structured *s,
                   double     *h,
                   guint       l,
                   guint       k)
{
  gsize P = s->P;
  gsize ol = out_of (s, l), il = in_of (s, l);
  gsize ok = out_of (s, k), ik = in_of (s, k);
  gsize offl = s->model->offsets[l], offk = s->model->offsets[k];
  const double *delta = s->model->delta[l] + s->i0 * ol;
  const double *mz = s->mz[l * s->L + k];
  const double *ak = _saddle_model_layer_input (s->model, s->x, k, s->i0);
  gsize nw = ol * il;

  if (k + 1 == l)
    {
      /* M = diag(σ'(z_k)): Gᵢ[(r, c)] is δ_lᵢ[r]·σ'ᵢ[r'] in column c = r' alone, so per neuron r'
       * of layer k only the rows of W_l(·, r'), il apart, receive anything. */
      const double *d = s->model->d[k] + s->i0 * ok;

      for (gsize rp = 0; rp < ok; rp++)
        {
          for (gsize i = 0; i < s->t; i++)
            for (gsize r = 0; r < ol; r++)
              s->scaled[i * ol + r] = delta[i * ol + r] * d[i * ok + rp];
          add_columns (s, h, offl + rp, ol, il, s->scaled, ol, k, rp);
        }
      return;
    }

  if (ok * il < ik + 1)
    {
      for (gsize rp = 0; rp < ok; rp++)
        {
          for (gsize i = 0; i < s->t; i++)
            {
              const double *mi = mz + i * il * ok;
              double *dst = s->scaled + i * nw;

              for (gsize r = 0; r < ol; r++)
                for (gsize c = 0; c < il; c++)
                  dst[r * il + c] = delta[i * ol + r] * mi[c * ok + rp];
            }
          add_columns (s, h, offl, nw, 1, s->scaled, nw, k, rp);
        }
      return;
    }

  for (gsize cp = 0; cp <= ik; cp++)
    {
      /* cp = ik stands for the bias: ã's trailing 1. */
      gsize col = cp < ik ? offk + cp : offk + ok * ik;
      gsize step = cp < ik ? ik : 1;

      for (gsize i = 0; i < s->t; i++)
        for (gsize r = 0; r < ol; r++)
          s->scaled[i * ol + r] = delta[i * ol + r] * (cp < ik ? ak[i * ik + cp] : 1.0);
      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                   ol, il * ok, s->t,
                   1.0, s->scaled, ol, mz, il * ok,
                   0.0, s->spill, il * ok);
      for (gsize r = 0; r < ol; r++)
        for (gsize c = 0; c < il; c++)
          {
            double *row = h + (offl + r * il + c) * P + col;
            const double *src = s->spill + (r * il + c) * ok;

            for (gsize rp = 0; rp < ok; rp++)
              row[rp * step] += src[rp];
          }
    }
}

/* Copies the lower triangle onto the upper one, tile by tile so both accesses stay in cache. */
static void
mirror_lower (double *h,
              gsize   n)
{
  for (gsize i0 = 0; i0 < n; i0 += MIRROR_TILE)
    for (gsize j0 = 0; j0 <= i0; j0 += MIRROR_TILE)
      for (gsize i = i0; i < MIN (i0 + MIRROR_TILE, n); i++)
        for (gsize j = j0; j < MIN (j0 + MIRROR_TILE, i); j++)
          h[j * n + i] = h[i * n + j];
}

gsize
saddle_hessian_structured_live (const SaddleModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->structured_live;
}

gsize
saddle_hessian_structured_scratch_bytes (const SaddleModel *model,
                                         gsize              n_samples)
{
  gsize t = tile_samples (model, n_samples);
  gsize tile = t * (scaled_doubles (model) + per_sample_doubles (model) + 1)
               + spill_doubles (model);
  gsize fwd;

  if (!_saddle_model_forward_doubles (model, n_samples, &fwd))
    return G_MAXSIZE;
  return (fwd + tile) * sizeof (double);
}

gboolean
saddle_hessian_structured_fill (SaddleModel        *model,
                                const double       *theta,
                                const SaddleBatch  *batch,
                                double             *h,
                                SaddleProgressFunc  progress,
                                gpointer            user_data,
                                GError            **error)
{
  Structured s;
  double n_pairs;
  gsize n, P;
  gboolean by_gradients;

  g_return_val_if_fail (model != NULL && theta != NULL && h != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  model->structured_live = 0;
  if (!_saddle_model_batch_usable (model, batch, TRUE))
    return FALSE;
  n = batch->n;
  P = saddle_model_n_params (model);
  n_pairs = (double) model->n_layers * (model->n_layers + 1) / 2.0;
  by_gradients = saddle_hessian_structured_by_gradients (model);

  if (!_saddle_model_ensure_forward (model, n) || !structured_init (&s, model, n))
    {
      g_autofree char *need = g_format_size (saddle_hessian_structured_scratch_bytes (model, n));

      g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
                   "Not enough memory for the %s of scratch of the structured Hessian of "
                   "%" G_GSIZE_FORMAT " samples; use fewer samples", need, n);
      return FALSE;
    }
  s.theta = theta;
  s.x = batch->x;
  s.n_total = n;

  _saddle_model_forward (model, theta, batch->x, n);
  _saddle_model_compute_loss (model, batch, TRUE);
  _saddle_model_backward (model, theta, batch->x, n, NULL);
  if (by_gradients)
    set_aside_zero_columns (&s, n);
  model->structured_live = s.live != NULL ? s.n_live : P;

  memset (h, 0, P * P * sizeof (double));
  for (gsize i0 = 0, tile = s.t; i0 < n; i0 += tile)
    {
      s.i0 = i0;
      s.t = MIN (tile, n - i0);
      guint pair = 0;

      chain_factors (&s);
      if (by_gradients)
        add_gradient_gram (&s, h);
      /* Progress after each layer pair of each tile, so that a cancel is heard within one (on
       * the gradients' path, after the tile's JᵀJ too). */
      for (guint k1 = 0; k1 < s.L; k1++)
        for (guint k2 = 0; k2 <= k1; k2++)
          {
            double done = ((double) i0 + (double) s.t * ++pair / n_pairs) / (double) n;

            if (!by_gradients)
              {
                block_weights (&s, k1, k2);
                add_block (&s, h, k1, k2);
              }
            if (k2 < k1)
              add_product_block (&s, h, k1, k2);

            if (progress != NULL && !progress (done, user_data))
              {
                structured_clear (&s);
                g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED,
                             "The Hessian build was cancelled after %.0f %% of its work",
                             100.0 * done);
                return FALSE;
              }
          }
    }

  if (s.live != NULL)
    add_live_gram (&s, h);
  mirror_lower (h, P);
  structured_clear (&s);
  return TRUE;
}
