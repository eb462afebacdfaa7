/* saddle-model-private.h — the model's struct and the scratch and pass helpers its files share
 *
 * saddle-model.c owns the architecture, the forward and backward passes and the loss;
 * saddle-model-rop.c the R-operator (Hessian-vector products); saddle-model-relu.c the
 * ReLU pattern queries; saddle-model-gemm.c the passes' BLAS calls;
 * saddle-hessian-structured.c reads the forward values. Not installed, not for other modules.
 */
#pragma once

#include <math.h>

#include <cblas.h>

#include "saddle-model.h"

G_BEGIN_DECLS

struct _SaddleModel
{
  guint             n_layers;
  guint            *widths;       /* (n_layers + 1): input first, output last */
  gsize            *offsets;      /* (n_layers): flat offset of each layer's W */
  gsize             n_params;
  SaddleActivation  activation;
  SaddleLoss        loss;

  /* Sizes that decide the scratch layout, in doubles per sample. */
  gsize             sum_out;      /* Σ widths[1..L] */
  gsize             sum_hidden;   /* Σ widths[1..L-1] */
  gsize             max_out;      /* max widths[1..L] */
  gsize             max_weights;  /* max out·in over the layers */
  gsize             scratch_limit;/* bytes the R-pass may use for one chunk */
  gsize             tile_override;/* samples per R-pass tile; 0 = automatic */
  gsize             structured_live; /* the last structured build's symmetric product's
                                    * parameters (saddle_hessian_structured_live()) */

  /* Forward/backward scratch: one allocation, laid out per call for n samples. */
  double           *fwd;
  gsize             fwd_cap;      /* doubles */
  double          **z;            /* z[l]: (n, out_l) pre-activations; z[L-1] are the outputs */
  double          **a;            /* a[l]: (n, out_l) activations, hidden layers only */
  double          **d;            /* d[l]: (n, out_l) σ'(z[l]), hidden layers only */
  double          **delta;        /* delta[l]: (n, out_l) ∂L/∂z[l] */
  double          **curv;         /* curv[l]: (n, out_l) (δ[l+1]·W[l+1]) ⊙ σ''(z[l]), hidden */
  double           *prob;         /* (n, out_{L-1}) softmax, cross-entropy only */

  /* R-pass scratch: one allocation, laid out for a tile of n samples × k directions. */
  double           *rbuf;
  gsize             rbuf_cap;     /* doubles */
  double          **rz;           /* rz[l]: (n·k, out_l) R{z[l]}, row i·k + j */
  double          **ra;           /* ra[l]: (n·k, in_l) R{a[l-1]}, the input of layer l ≥ 1 */
  double           *rd[2];        /* (n·k, max_out) R{δ} and the next one, alternating */
  double           *pack[2];      /* (k·max_weights) packed directions or per-direction products */
  double           *ones;         /* (n) all 1, to sum R{δ} over samples with dgemv */
  double           *bias_sum;     /* (k·max_out) those sums */

  /* Sums by linear region (saddle-model-regions.c), laid out for R regions. */
  gboolean          sum_by_region;
  gsize            *region_first; /* (R + 1): each region's first sample, then n */
  gsize             region_first_cap;
  double           *region_buf;
  gsize             region_cap;   /* doubles */
  double          **region_ab;    /* region_ab[l]: (2R, out_l) α rows, then β rows */
  double          **region_rab;   /* region_rab[l]: (2R, out_l) Rα, then Rβ */
  double          **region_b;     /* region_b[l]: (R, out_l) ∂f/∂z[l] */
  double          **region_c;     /* region_c[l]: (R, out_l) its R-derivative's r-part */
  gsize             region_count; /* the regions _saddle_model_regions_loss() found */
  SaddleRegionTally region_tally;
  /* The forward pass by region (saddle-model-regions-forward.c): two levels' runs. */
  gsize            *level_index;  /* their starts and parents */
  gsize             level_index_cap;
  guint64          *level_mask;   /* their activation patterns, a bit a unit */
  gsize             level_mask_cap;
  double           *level_map;    /* their affine maps, and the products' input */
  gsize             level_map_cap;

  /* During saddle_model_loss_grad() on a selection (saddle_batch_select()) only: its inputs'
   * rows in the dataset, which the first layer's products read in place (x is NULL then). */
  const double *const *input_rows;
};

static inline double
act_value (SaddleActivation act,
           double           z)
{
  switch (act)
    {
    case SADDLE_ACTIVATION_RELU:
      /* Written so that NaN passes through (as torch.relu), and divergence is seen. */
      return z < 0.0 ? 0.0 : z;
    case SADDLE_ACTIVATION_TANH:
      return tanh (z);
    case SADDLE_ACTIVATION_SIGMOID:
      return 1.0 / (1.0 + exp (-z));
    case SADDLE_ACTIVATION_IDENTITY:
    default:
      return z;
    }
}

/* σ'(z), from z and a = σ(z). ReLU'(0) = 0, as torch. */
static inline double
act_deriv (SaddleActivation act,
           double           z,
           double           a)
{
  switch (act)
    {
    case SADDLE_ACTIVATION_RELU:
      return z > 0.0 ? 1.0 : 0.0;
    case SADDLE_ACTIVATION_TANH:
      return 1.0 - a * a;
    case SADDLE_ACTIVATION_SIGMOID:
      return a * (1.0 - a);
    case SADDLE_ACTIVATION_IDENTITY:
    default:
      return 1.0;
    }
}

/* σ''(z), from a = σ(z); zero almost everywhere for ReLU and identity. */
static inline double
act_deriv2 (SaddleActivation act,
            double           a)
{
  switch (act)
    {
    case SADDLE_ACTIVATION_TANH:
      return -2.0 * a * (1.0 - a * a);
    case SADDLE_ACTIVATION_SIGMOID:
      return a * (1.0 - a) * (1.0 - 2.0 * a);
    case SADDLE_ACTIVATION_RELU:
    case SADDLE_ACTIVATION_IDENTITY:
    default:
      return 0.0;
    }
}

static inline gboolean
act_has_curvature (SaddleActivation act)
{
  return act == SADDLE_ACTIVATION_TANH || act == SADDLE_ACTIVATION_SIGMOID;
}
/* Grows @buf to at least @need doubles; contents are not kept (they are scratch). */
gboolean _saddle_model_grow_buffer    (double           **buf,
                                       gsize             *cap,
                                       gsize              need);
/* Doubles of forward scratch for @n samples into @need; FALSE if it overflows. */
gboolean _saddle_model_forward_doubles (const SaddleModel *model,
                                        gsize              n,
                                        gsize             *need);
/* Makes room for @n samples and points z, a, d, delta, curv, prob into it. */
gboolean _saddle_model_ensure_forward (SaddleModel       *model,
                                       gsize              n);
/* Samples per R-pass tile for blocks of @k directions out of @n samples. */
gsize    _saddle_model_tile_rows      (const SaddleModel *model,
                                       gsize              n,
                                       gsize              k);
/* Doubles of R-pass scratch for tiles of @n_tile samples × @k directions into @need. */
gboolean _saddle_model_rpass_doubles  (const SaddleModel *model,
                                       gsize              n_tile,
                                       gsize              k,
                                       gsize             *need);
/* Makes room for tiles of @n_tile samples × @k directions and lays the R buffers out for them. */
gboolean _saddle_model_ensure_rpass   (SaddleModel       *model,
                                       gsize              n_tile,
                                       gsize              k);
/* Directions per R-pass for @n samples: ≤ R_MAX_BLOCK, within the scratch limit. */
gsize    _saddle_model_block_size     (const SaddleModel *model,
                                       gsize              n);

/* Programmer errors in @batch (g_return_val_if_fail); @need_targets for the loss. */
gboolean _saddle_model_batch_usable   (const SaddleModel *model,
                                       const SaddleBatch *batch,
                                       gboolean           need_targets);
/* Sets @count values of @p (may be NULL) to NaN. */
void     _saddle_model_fill_nan       (double            *p,
                                       gsize              count);
void     _saddle_model_warn_no_memory (const SaddleModel *model,
                                       gsize              n,
                                       gsize              k);

/* z[l] = a[l-1]·W[l]ᵀ + b[l] for all layers; a[l] = σ(z[l]), d[l] = σ'(z[l]) for hidden ones. */
void     _saddle_model_forward        (SaddleModel       *model,
                                       const double      *theta,
                                       const double      *x,
                                       gsize              n);
/* The same from layer @first on, the layers below it already done (a[first-1] set). */
void     _saddle_model_forward_from   (SaddleModel       *model,
                                       const double      *theta,
                                       const double      *x,
                                       gsize              n,
                                       guint              first);
/* @z = @input·W[l]ᵀ + b[l] over @n samples, W[l] and b[l] from @theta. */
void     _saddle_model_affine         (const SaddleModel *model,
                                       const double      *theta,
                                       guint              l,
                                       const double      *input,
                                       gsize              n,
                                       double            *z);
/* out = a ⊙ b, element by element (@out may be @a). */
void     _saddle_model_multiply_rows  (const double      *a,
                                       const double      *b,
                                       gsize              count,
                                       double            *out);
/* out = a·ca + b·cb, element by element (each product and the sum rounded apart). */
void     _saddle_model_combine_rows   (const double      *a,
                                       double             ca,
                                       const double      *b,
                                       double             cb,
                                       gsize              count,
                                       double            *out);
/* a[l] = σ(z[l]) and d[l] = σ'(z[l]) for hidden layer @l, from z[l] of @n samples. */
void     _saddle_model_activate       (SaddleModel       *model,
                                       guint              l,
                                       gsize              n);
/* The mean loss from the outputs; if @want_delta also δ[L-1] = ∂L/∂z[L-1] (and the softmax). */
double   _saddle_model_compute_loss   (SaddleModel       *model,
                                       const SaddleBatch *batch,
                                       gboolean           want_delta);
/* Back-propagates δ[top] to layers top … 0 (δ and curv); ∂L/∂θ of those layers into @grad. */
void     _saddle_model_backward_from  (SaddleModel       *model,
                                       const double      *theta,
                                       const double      *x,
                                       gsize              n,
                                       guint              top,
                                       double            *grad);
/* Back-propagates δ[L-1] to every layer (δ, and curv for the R-pass); ∂L/∂θ if @grad. */
void     _saddle_model_backward       (SaddleModel       *model,
                                       const double      *theta,
                                       const double      *x,
                                       gsize              n,
                                       double            *grad);

/* Whether ∇L and H·v of @batch can be summed by linear region: one input, one output, ReLU or
 * identity, MSE, at least 64 samples, not a selection, and not switched off
 * (saddle_model_set_sum_by_region()); _to_set: of a whole set (never a selection) of @n. */
gboolean _saddle_model_regions_apply_to_set (const SaddleModel *model,
                                             gsize              n);
gboolean _saddle_model_regions_apply  (const SaddleModel *model,
                                       const SaddleBatch *batch);
/* Makes room for @count region starts; FALSE if it cannot be had. */
gboolean _saddle_model_ensure_region_first (SaddleModel *model,
                                            gsize        count);
/* The outputs of the @n samples @x of a one-input model, its linear regions (runs of samples with
 * one activation pattern: their starts into region_first, their patterns into the σ' rows of
 * their first samples) and their count, without the per-sample activations
 * (saddle-model-regions-forward.c). The forward scratch must hold @n samples. FALSE if there
 * are more than @max_regions, or no scratch. */
gboolean _saddle_model_regions_forward (SaddleModel  *model,
                                        const double *theta,
                                        const double *x,
                                        gsize         n,
                                        gsize         max_regions,
                                        gsize        *n_regions);
/* Where @batch sums by region (_saddle_model_regions_apply()) and its samples fall into at most
 * a quarter as many regions: the forward pass by region and the loss into @loss, with δ[L-1]
 * if @want_delta. Otherwise FALSE, and the caller takes the per-sample passes. The forward
 * scratch must hold the batch. */
gboolean _saddle_model_regions_loss   (SaddleModel       *model,
                                       const double      *theta,
                                       const SaddleBatch *batch,
                                       gboolean           want_delta,
                                       double            *loss);
/* After _saddle_model_regions_loss() with δ[L-1]: ∇L into @grad and H·∇L into @hg, summed by
 * linear region (counted in the tally). FALSE (nothing written) if scratch cannot be had; the
 * caller then takes the per-sample passes. */
gboolean _saddle_model_regions_grad_and_hvp_self (SaddleModel       *model,
                                                  const double      *theta,
                                                  const SaddleBatch *batch,
                                                  double            *grad,
                                                  double            *hg);
/* The same for ∇L alone into @grad (counted in the tally). */
gboolean _saddle_model_regions_grad   (SaddleModel       *model,
                                       const double      *theta,
                                       const SaddleBatch *batch,
                                       double            *grad);
/* The same for H·v of @k dense directions @v (k, n_params) into @hv, and ∂L/∂θ into @grad
 * unless it is NULL. */
gboolean _saddle_model_regions_hvp    (SaddleModel       *model,
                                       const double      *theta,
                                       const SaddleBatch *batch,
                                       const double      *v,
                                       gsize              k,
                                       double            *hv,
                                       double            *grad);

/* C = op(A)·op(B) + beta·C, row-major, (m × k)·(k × n), in the BLAS call measured fastest for the
 * shape (saddle-model-gemm.c): dgemv for a side of 1, chunks of samples for sums over them. */
void     _saddle_model_gemm           (CBLAS_TRANSPOSE    trans_a,
                                       CBLAS_TRANSPOSE    trans_b,
                                       gsize              m,
                                       gsize              n,
                                       gsize              k,
                                       const double      *a,
                                       gsize              lda,
                                       const double      *b,
                                       gsize              ldb,
                                       double             beta,
                                       double            *c,
                                       gsize              ldc);

/* C = A·op(B) + beta·C as OpenBLAS's DGEMM sums it: the narrow kernel where it runs (the same
 * bits, saddle-narrow-gemm.c), else cblas_dgemm itself; never a GEMV, whose sums differ. */
void     _saddle_model_dgemm          (CBLAS_TRANSPOSE    trans_b,
                                       gsize              m,
                                       gsize              n,
                                       gsize              k,
                                       const double      *a,
                                       gsize              lda,
                                       const double      *b,
                                       gsize              ldb,
                                       double             beta,
                                       double            *c,
                                       gsize              ldc);

/* Rows i0… of layer @l's input a[l-1] after a forward pass over @x (x itself for l = 0). */
static inline const double *
_saddle_model_layer_input (const SaddleModel *model,
                           const double      *x,
                           guint              l,
                           gsize              i0)
{
  return (l == 0 ? x : model->a[l - 1]) + i0 * model->widths[l];
}

G_END_DECLS
