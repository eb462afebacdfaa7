/* saddle-model.c — a multilayer perceptron over one flat parameter vector
 *
 * A batch of n samples flows through the layers as row-major (n, width)
 * matrices, so every layer is one dgemm over the whole batch.
 *
 * Hessian-vector products use Pearlmutter's R-operator. A block of k
 * directions keeps, per layer, one (n·k, width) matrix whose row i·k + j is
 * sample i under direction j. In that order the same memory is also an
 * (n, k·width) matrix, so both R{a}·Wᵀ for all directions and a·Vᵀ for all
 * directions (V packed as (k·out, in)) are single dgemm calls, and so are
 * the backward products R{δ}ᵀ·a, δᵀ·R{a}, R{δ}·W and δ·V.
 *
 * The R-pass runs over tiles of samples (its products are sums over
 * samples, so tiles just add up): a tile's R-matrices stay in cache, which
 * matters as much as the flops for narrow layers, and the scratch is
 * O(tile · k · Σ widths) whatever the batch size. Blocks larger than
 * R_MAX_BLOCK directions are done in chunks; beyond it dgemm gains nothing.
 */
#define G_LOG_DOMAIN "saddle-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-format.h"
#include "saddle-model.h"

#define SADDLE_MODEL_MAX_PARAMS      ((gsize) 100000000)
#define SADDLE_MODEL_DEFAULT_SCRATCH ((gsize) 256 << 20)
#define R_TILE_BYTES                 ((gsize) 4 << 20)
#define R_TILE_MIN_ROWS              ((gsize) 64)
#define R_MAX_BLOCK                  ((gsize) 32)
/* saddle_model_first_kink(): the log grid starts 10^−12 of the step away and each
 * bisection halves the interval found (20: to a millionth of its ratio 10^0.1). */
#define FIRST_KINK_DECADES           12
#define FIRST_KINK_BISECTIONS        20

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

  /* Forward/backward scratch: one allocation, laid out per call for n samples. */
  double           *fwd;
  gsize             fwd_cap;      /* doubles */
  double          **z;            /* z[l]: (n, out_l) pre-activations; z[L-1] are the outputs */
  double          **a;            /* a[l]: (n, out_l) activations, hidden layers only */
  double          **d;            /* d[l]: (n, out_l) σ'(z[l]), hidden layers only */
  double          **delta;        /* delta[l]: (n, out_l) ∂L/∂z[l] */
  double          **curv;         /* curv[l]: (n, out_l) (δ[l+1]·W[l+1]) ⊙ σ''(z[l]), hidden layers */
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
};

G_DEFINE_QUARK (saddle-model-error-quark, saddle_model_error)

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

static gboolean
act_has_curvature (SaddleActivation act)
{
  return act == SADDLE_ACTIVATION_TANH || act == SADDLE_ACTIVATION_SIGMOID;
}

/* Grows @buf to at least @need doubles; contents are not kept (they are scratch). */
static gboolean
grow_buffer (double **buf,
             gsize   *cap,
             gsize    need)
{
  double *mem;

  if (need <= *cap)
    return TRUE;

  mem = g_try_malloc_n (need, sizeof (double));
  if (mem == NULL)
    return FALSE;

  g_free (*buf);
  *buf = mem;
  *cap = need;
  return TRUE;
}

static gboolean
forward_doubles (const SaddleModel *model,
                 gsize              n,
                 gsize             *need)
{
  guint L = model->n_layers;
  gsize per_sample = 2 * model->sum_out + 3 * model->sum_hidden + model->widths[L];

  return g_size_checked_mul (need, n, per_sample);
}

/* Makes room for @n samples and points z, a, d, delta, curv, prob into it. */
static gboolean
ensure_forward (SaddleModel *model,
                gsize        n)
{
  guint L = model->n_layers;
  gsize need;
  double *p;

  if (!forward_doubles (model, n, &need) || !grow_buffer (&model->fwd, &model->fwd_cap, need))
    return FALSE;

  p = model->fwd;
  for (guint l = 0; l < L; l++)
    {
      gsize size = n * model->widths[l + 1];

      model->z[l] = p;
      p += size;
      model->delta[l] = p;
      p += size;
      if (l + 1 < L)
        {
          model->a[l] = p;
          p += size;
          model->d[l] = p;
          p += size;
          model->curv[l] = p;
          p += size;
        }
      else
        {
          model->a[l] = NULL;
          model->d[l] = NULL;
          model->curv[l] = NULL;
        }
    }
  model->prob = p;

  return TRUE;
}

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
static gsize
tile_rows (const SaddleModel *model,
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
static gboolean
rpass_doubles (const SaddleModel *model,
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
static gboolean
ensure_rpass (SaddleModel *model,
              gsize        n_tile,
              gsize        k)
{
  gsize need;
  gsize nk = n_tile * k;
  double *p;

  if (!rpass_doubles (model, n_tile, k, &need)
      || !grow_buffer (&model->rbuf, &model->rbuf_cap, need))
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
static gsize
block_size (const SaddleModel *model,
            gsize              n)
{
  gsize kb = R_MAX_BLOCK;

  while (kb > 1)
    {
      gsize need;
      gsize n_tile = tile_rows (model, n, kb);

      /* BLAS takes int dimensions: n_tile·k rows and k·width columns must fit. */
      if (rpass_doubles (model, n_tile, kb, &need)
          && need <= model->scratch_limit / sizeof (double)
          && n_tile * kb <= (gsize) G_MAXINT
          && kb * model->max_out <= (gsize) G_MAXINT)
        break;
      kb /= 2;
    }

  return kb;
}

static gboolean
batch_usable (const SaddleModel *model,
              const SaddleBatch *batch,
              gboolean           need_targets)
{
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (batch->n > 0 && batch->n <= (gsize) G_MAXINT, FALSE);
  g_return_val_if_fail (batch->x != NULL, FALSE);
  g_return_val_if_fail (batch->n_inputs == model->widths[0], FALSE);

  if (need_targets)
    {
      if (model->loss == SADDLE_LOSS_CROSS_ENTROPY)
        g_return_val_if_fail (batch->labels != NULL, FALSE);
      else
        g_return_val_if_fail (batch->targets != NULL
                              && batch->n_outputs == model->widths[model->n_layers], FALSE);
    }

  return TRUE;
}

static void
fill_nan (double *p,
          gsize   count)
{
  if (p == NULL)
    return;
  for (gsize i = 0; i < count; i++)
    p[i] = NAN;
}

static void
warn_no_memory (const SaddleModel *model,
                gsize              n,
                gsize              k)
{
  g_warning ("Not enough memory for the scratch of a batch of %" G_GSIZE_FORMAT
             " samples (%" G_GSIZE_FORMAT " directions) on a %" G_GSIZE_FORMAT
             "-parameter model; use a smaller batch or block",
             n, k, model->n_params);
}

/* z[l] = a[l-1]·W[l]ᵀ + b[l] for all layers; a[l] = σ(z[l]), d[l] = σ'(z[l]) for hidden ones. */
static void
forward (SaddleModel  *model,
         const double *theta,
         const double *x,
         gsize         n)
{
  guint L = model->n_layers;
  const double *input = x;

  for (guint l = 0; l < L; l++)
    {
      gsize fan_in = model->widths[l];
      gsize fan_out = model->widths[l + 1];
      const double *w = theta + model->offsets[l];  /* (out, in) */
      const double *b = w + fan_out * fan_in;        /* (out) */
      double *z = model->z[l];

      for (gsize i = 0; i < n; i++)
        memcpy (z + i * fan_out, b, fan_out * sizeof (double));
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                   n, fan_out, fan_in,
                   1.0, input, fan_in, w, fan_in,
                   1.0, z, fan_out);

      if (l + 1 < L)
        {
          double *a = model->a[l];
          double *d = model->d[l];
          gsize count = n * fan_out;

          /* The activation is fixed for the loop: decided once, so the ReLU
           * loop (every training step) compiles to straight vector code. */
          if (model->activation == SADDLE_ACTIVATION_RELU)
            for (gsize i = 0; i < count; i++)
              {
                a[i] = act_value (SADDLE_ACTIVATION_RELU, z[i]);
                d[i] = act_deriv (SADDLE_ACTIVATION_RELU, z[i], a[i]);
              }
          else
            for (gsize i = 0; i < count; i++)
              {
                a[i] = act_value (model->activation, z[i]);
                d[i] = act_deriv (model->activation, z[i], a[i]);
              }
          input = a;
        }
    }
}

/* The mean loss from the outputs; if @want_delta also δ[L-1] = ∂L/∂z[L-1]
 * (and the softmax for cross-entropy). An out-of-range label makes its
 * sample NaN rather than reading out of bounds. */
static double
compute_loss (SaddleModel       *model,
              const SaddleBatch *batch,
              gboolean           want_delta)
{
  guint L = model->n_layers;
  gsize n = batch->n;
  gsize m = model->widths[L];
  const double *y = model->z[L - 1];
  double *delta = model->delta[L - 1];
  double sum = 0.0;

  if (model->loss == SADDLE_LOSS_MSE)
    {
      /* torch.nn.MSELoss(): the mean over all n·m elements. */
      double scale = 1.0 / ((double) n * (double) m);
      gsize count = n * m;

      for (gsize i = 0; i < count; i++)
        {
          double r = y[i] - batch->targets[i];

          sum += r * r;
          if (want_delta)
            delta[i] = 2.0 * scale * r;
        }
      return sum * scale;
    }

  for (gsize i = 0; i < n; i++)
    {
      const double *row = y + i * m;
      double *p = model->prob + i * m;
      guint32 label = batch->labels[i];
      double mx = row[0];
      double s = 0.0;
      double lse;

      /* log-sum-exp around the maximum, so large logits do not overflow. */
      for (gsize o = 1; o < m; o++)
        if (row[o] > mx)
          mx = row[o];
      for (gsize o = 0; o < m; o++)
        {
          p[o] = exp (row[o] - mx);
          s += p[o];
        }
      lse = mx + log (s);
      sum += label < m ? lse - row[label] : NAN;

      if (want_delta)
        {
          for (gsize o = 0; o < m; o++)
            {
              p[o] /= s;
              delta[i * m + o] = p[o] / (double) n;
            }
          if (label < m)
            delta[i * m + label] -= 1.0 / (double) n;
          else
            fill_nan (delta + i * m, m);
        }
    }

  return sum / (double) n;
}

/* Back-propagates δ[top] to layers top … 0 (δ, and curv for the R-pass); writes their part of
 * ∂L/∂θ if @grad, leaving the layers above @top untouched. */
static void
backward_from (SaddleModel  *model,
               const double *theta,
               const double *x,
               gsize         n,
               guint         top,
               double       *grad)
{
  for (guint l = top + 1; l-- > 0;)
    {
      gsize fan_in = model->widths[l];
      gsize fan_out = model->widths[l + 1];
      const double *w = theta + model->offsets[l];
      const double *input = l == 0 ? x : model->a[l - 1];
      const double *delta = model->delta[l];

      if (grad != NULL)
        {
          double *dw = grad + model->offsets[l];  /* (out, in) */
          double *db = dw + fan_out * fan_in;     /* (out) */

          /* dW = δᵀ·a: the 1/n of the mean is already in δ. */
          cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                       fan_out, fan_in, n,
                       1.0, delta, fan_out, input, fan_in,
                       0.0, dw, fan_in);
          memset (db, 0, fan_out * sizeof (double));
          for (gsize i = 0; i < n; i++)
            for (gsize o = 0; o < fan_out; o++)
              db[o] += delta[i * fan_out + o];
        }

      if (l > 0)
        {
          double *g = model->curv[l - 1];  /* δ·W first, then ⊙ σ'' in place */
          const double *a = model->a[l - 1];
          const double *d = model->d[l - 1];
          double *prev = model->delta[l - 1];
          gsize count = n * fan_in;

          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                       n, fan_in, fan_out,
                       1.0, delta, fan_out, w, fan_in,
                       0.0, g, fan_in);
          for (gsize i = 0; i < count; i++)
            prev[i] = g[i] * d[i];
          if (act_has_curvature (model->activation))
            for (gsize i = 0; i < count; i++)
              g[i] *= act_deriv2 (model->activation, a[i]);
        }
    }
}

/* Back-propagates δ[L-1] to every layer (δ, and curv for the R-pass); writes ∂L/∂θ if @grad. */
static void
backward (SaddleModel  *model,
          const double *theta,
          const double *x,
          gsize         n,
          double       *grad)
{
  backward_from (model, theta, x, n, model->n_layers - 1, grad);
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

/* One R-pass for @k directions over samples i0..i0+n of a batch of @n_total,
 * after forward, loss and backward have run on the whole batch; the tile's
 * share of H·v is added to @hv. Directions are the rows of @v (stride
 * n_params) or, when @v is NULL, the identity columns first..first+k.
 * Identity directions cost no dgemm for their own products with a and δ
 * (those are copies of one column), and all R-quantities of the layers
 * before the first one they touch are zero, so those layers are skipped. */
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
  guint L = model->n_layers;
  gsize P = model->n_params;
  gsize nk = n * k;
  gsize m = model->widths[L];
  gboolean curved = act_has_curvature (model->activation);
  /* R{z[l]} is zero for l < l_min; R{a[l]} for l ≤ l_min. */
  guint l_min = v != NULL ? 0 : layer_of (model, first);
  double *rd;
  double *rg;

  /* Forward: R{z[l]} = R{a[l]}·W[l]ᵀ + a[l]·V[l]ᵀ + c[l], a[0] = x, R{a[0]} = 0. */
  for (guint l = l_min; l < L; l++)
    {
      gsize fan_in = model->widths[l];
      gsize fan_out = model->widths[l + 1];
      gsize off = model->offsets[l];
      gsize n_weights = fan_out * fan_in;
      const double *w = theta + off;
      const double *input = (l == 0 ? x : model->a[l - 1]) + i0 * fan_in;
      double *rz = model->rz[l];

      if (v != NULL)
        {
          for (gsize i = 0; i < n; i++)
            for (gsize j = 0; j < k; j++)
              memcpy (rz + (i * k + j) * fan_out, v + j * P + off + n_weights,
                      fan_out * sizeof (double));
        }
      else
        memset (rz, 0, nk * fan_out * sizeof (double));

      if (l > l_min)
        {
          /* R{a} is kept for the backward pass. */
          scale_rows (model->d[l - 1] + i0 * fan_in, n, k, fan_in, model->rz[l - 1], model->ra[l]);
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                       nk, fan_out, fan_in,
                       1.0, model->ra[l], fan_in, w, fan_in,
                       1.0, rz, fan_out);
        }

      if (v != NULL)
        {
          double *vp = model->pack[0];  /* (k·out, in): direction j's V[l] in rows j·out.. */

          for (gsize j = 0; j < k; j++)
            memcpy (vp + j * n_weights, v + j * P + off, n_weights * sizeof (double));
          /* (n, in)·(in, k·out) is (n·k, out) in our row order. */
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                       n, k * fan_out, fan_in,
                       1.0, input, fan_in, vp, fan_in,
                       1.0, rz, k * fan_out);
        }
      else
        {
          for (gsize j = 0; j < k; j++)
            {
              gsize p = first + j;
              gsize local;

              if (p < off || p - off >= n_weights + fan_out)
                continue;
              local = p - off;
              if (local < n_weights)
                {
                  gsize o = local / fan_in;
                  gsize c = local % fan_in;

                  for (gsize i = 0; i < n; i++)
                    rz[(i * k + j) * fan_out + o] += input[i * fan_in + c];
                }
              else
                {
                  gsize o = local - n_weights;

                  for (gsize i = 0; i < n; i++)
                    rz[(i * k + j) * fan_out + o] += 1.0;
                }
            }
        }
    }

  /* R{∂L/∂z} at the output; the 1/n of the mean is over the whole batch. */
  rd = model->rd[0];
  rg = model->rd[1];
  if (model->loss == SADDLE_LOSS_MSE)
    {
      double scale = 2.0 / ((double) n_total * (double) m);
      const double *ry = model->rz[L - 1];

      for (gsize i = 0; i < nk * m; i++)
        rd[i] = scale * ry[i];
    }
  else
    {
      /* (diag(p) − p·pᵀ)·R{ŷ} / n, per sample and direction. */
      for (gsize i = 0; i < n; i++)
        {
          const double *p = model->prob + (i0 + i) * m;

          for (gsize j = 0; j < k; j++)
            {
              const double *ry = model->rz[L - 1] + (i * k + j) * m;
              double *out = rd + (i * k + j) * m;
              double dot = 0.0;

              for (gsize o = 0; o < m; o++)
                dot += p[o] * ry[o];
              for (gsize o = 0; o < m; o++)
                out[o] = p[o] * (ry[o] - dot) / (double) n_total;
            }
        }
    }

  /* Backward: R{dW} = R{δ}ᵀ·a + δᵀ·R{a}, R{db} = Σ R{δ},
   * R{δ[l-1]} = (R{δ}·W + δ·V) ⊙ σ' + (δ·W) ⊙ σ'' ⊙ R{z[l-1]}. */
  for (guint l = L; l-- > 0;)
    {
      gsize fan_in = model->widths[l];
      gsize fan_out = model->widths[l + 1];
      gsize off = model->offsets[l];
      gsize n_weights = fan_out * fan_in;
      const double *w = theta + off;
      const double *input = (l == 0 ? x : model->a[l - 1]) + i0 * fan_in;
      const double *delta = model->delta[l] + i0 * fan_out;
      double *pw = model->pack[0];  /* (k·out, in): R{δ}ᵀ·a per direction */
      double *pa = model->pack[1];  /* (out, k·in): δᵀ·R{a} per direction */
      gboolean has_ra = l > l_min;
      double *tmp;

      cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                   k * fan_out, fan_in, n,
                   1.0, rd, k * fan_out, input, fan_in,
                   0.0, pw, fan_in);
      if (has_ra)
        cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                     fan_out, k * fan_in, n,
                     1.0, delta, fan_out, model->ra[l], k * fan_in,
                     0.0, pa, k * fan_in);

      for (gsize j = 0; j < k; j++)
        {
          double *dst = hv + j * P + off;

          if (has_ra)
            {
              for (gsize o = 0; o < fan_out; o++)
                {
                  cblas_daxpy (fan_in, 1.0, pw + (j * fan_out + o) * fan_in, 1,
                               dst + o * fan_in, 1);
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
        cblas_daxpy (fan_out, 1.0, model->bias_sum + j * fan_out, 1,
                     hv + j * P + off + n_weights, 1);

      if (l == 0)
        break;

      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                   nk, fan_in, fan_out,
                   1.0, rd, fan_out, w, fan_in,
                   0.0, rg, fan_in);
      if (v != NULL)
        {
          double *vp = model->pack[0];  /* (out, k·in): row o holds V[l][o,:] of each direction */

          for (gsize o = 0; o < fan_out; o++)
            for (gsize j = 0; j < k; j++)
              memcpy (vp + (o * k + j) * fan_in, v + j * P + off + o * fan_in,
                      fan_in * sizeof (double));
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                       n, k * fan_in, fan_out,
                       1.0, delta, fan_out, vp, k * fan_in,
                       1.0, rg, k * fan_in);
        }
      else
        {
          for (gsize j = 0; j < k; j++)
            {
              gsize p = first + j;
              gsize local;

              if (p < off || (local = p - off) >= n_weights)
                continue;
              for (gsize i = 0; i < n; i++)
                rg[(i * k + j) * fan_in + local % fan_in] += delta[i * fan_out + local / fan_in];
            }
        }

      /* rg becomes R{δ[l-1]} in place; the σ'' term needs R{z[l-1]} ≠ 0. */
      {
        const double *d = model->d[l - 1] + i0 * fan_in;
        const double *cv = model->curv[l - 1] + i0 * fan_in;
        const double *rz = model->rz[l - 1];

        if (curved && has_ra)
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

  if (!ensure_forward (model, n))
    {
      warn_no_memory (model, n, k);
      goto failed;
    }

  forward (model, theta, batch->x, n);
  loss = compute_loss (model, batch, TRUE);
  backward (model, theta, batch->x, n, grad);
  if (k == 0)
    return loss;

  kb = MIN (block_size (model, n), k);
  n_tile = tile_rows (model, n, kb);
  if (!ensure_rpass (model, n_tile, kb))
    {
      warn_no_memory (model, n, kb);
      goto failed;
    }

  memset (hv, 0, k * P * sizeof (double));
  for (gsize done = 0; done < k; done += kb)
    {
      gsize kc = MIN (kb, k - done);

      /* Only lays the buffers out again: they already hold n_tile × kb ≥ n_tile × kc. */
      ensure_rpass (model, n_tile, kc);
      for (gsize i0 = 0; i0 < n; i0 += n_tile)
        r_pass (model, theta, batch->x, n, i0, MIN (n_tile, n - i0),
                v != NULL ? v + done * P : NULL, first + done, kc, hv + done * P);
    }

  return loss;

failed:
  fill_nan (hv, k * P);
  fill_nan (grad, P);
  return NAN;
}

SaddleModel *
saddle_model_new (const guint      *widths,
                  guint             n_widths,
                  SaddleActivation  activation,
                  SaddleLoss        loss,
                  GError          **error)
{
  g_autoptr(SaddleModel) model = NULL;
  gsize n_params;
  gsize offset = 0;

  if (widths == NULL || n_widths < 2)
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "A network needs at least an input and an output width (%u given)",
                   widths == NULL ? 0 : n_widths);
      return NULL;
    }
  for (guint l = 0; l < n_widths; l++)
    if (widths[l] == 0)
      {
        g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                     "Layer %u of the network has width 0; every layer needs at least one unit",
                     l);
        return NULL;
      }
  if ((guint) activation > SADDLE_ACTIVATION_IDENTITY)
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "Unknown activation %d; use relu, tanh, sigmoid or identity", (int) activation);
      return NULL;
    }
  if ((guint) loss > SADDLE_LOSS_CROSS_ENTROPY)
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "Unknown loss %d; use mean squared error or cross-entropy", (int) loss);
      return NULL;
    }

  n_params = saddle_model_count_params (widths, n_widths);
  if (n_params == 0)
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "The network is too large: its parameter count overflows");
      return NULL;
    }
  if (n_params > SADDLE_MODEL_MAX_PARAMS)
    {
      g_autofree char *count = saddle_format_count (n_params);
      g_autofree char *limit = saddle_format_count (SADDLE_MODEL_MAX_PARAMS);

      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "The network has %s parameters; at most %s are supported: "
                   "use fewer or narrower layers",
                   count, limit);
      return NULL;
    }

  model = g_new0 (SaddleModel, 1);
  model->n_layers = n_widths - 1;
  model->widths = g_memdup2 (widths, n_widths * sizeof (guint));
  model->offsets = g_new0 (gsize, model->n_layers);
  model->n_params = n_params;
  model->activation = activation;
  model->loss = loss;
  model->scratch_limit = SADDLE_MODEL_DEFAULT_SCRATCH;

  for (guint l = 0; l < model->n_layers; l++)
    {
      gsize fan_in = widths[l];
      gsize fan_out = widths[l + 1];

      model->offsets[l] = offset;
      offset += fan_out * fan_in + fan_out;
      model->sum_out += fan_out;
      model->max_out = MAX (model->max_out, fan_out);
      model->max_weights = MAX (model->max_weights, fan_out * fan_in);
      if (l + 1 < model->n_layers)
        model->sum_hidden += fan_out;
    }
  g_assert (offset == n_params);

  model->z = g_new0 (double *, model->n_layers);
  model->a = g_new0 (double *, model->n_layers);
  model->delta = g_new0 (double *, model->n_layers);
  model->d = g_new0 (double *, model->n_layers);
  model->curv = g_new0 (double *, model->n_layers);
  model->rz = g_new0 (double *, model->n_layers);
  model->ra = g_new0 (double *, model->n_layers);

  return g_steal_pointer (&model);
}

SaddleModel *
saddle_model_copy (const SaddleModel *model)
{
  SaddleModel *copy;

  g_return_val_if_fail (model != NULL, NULL);

  copy = saddle_model_new (model->widths, model->n_layers + 1, model->activation,
                           model->loss, NULL);
  copy->scratch_limit = model->scratch_limit;
  copy->tile_override = model->tile_override;
  return copy;
}

void
saddle_model_free (SaddleModel *model)
{
  if (model == NULL)
    return;

  g_free (model->widths);
  g_free (model->offsets);
  g_free (model->fwd);
  g_free (model->z);
  g_free (model->a);
  g_free (model->delta);
  g_free (model->d);
  g_free (model->curv);
  g_free (model->rbuf);
  g_free (model->rz);
  g_free (model->ra);
  g_free (model);
}

gsize
saddle_model_n_params (const SaddleModel *model)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->n_params;
}

guint
saddle_model_n_layers (const SaddleModel *model)
{
  g_return_val_if_fail (model != NULL, 0);
  return model->n_layers;
}

guint
saddle_model_width (const SaddleModel *model,
                    guint              index)
{
  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (index <= model->n_layers, 0);
  return model->widths[index];
}

SaddleActivation
saddle_model_activation (const SaddleModel *model)
{
  g_return_val_if_fail (model != NULL, SADDLE_ACTIVATION_RELU);
  return model->activation;
}

SaddleLoss
saddle_model_loss_kind (const SaddleModel *model)
{
  g_return_val_if_fail (model != NULL, SADDLE_LOSS_MSE);
  return model->loss;
}

gsize
saddle_model_layer_offset (const SaddleModel *model,
                           guint              layer)
{
  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (layer < model->n_layers, 0);
  return model->offsets[layer];
}

gsize
saddle_model_layer_size (const SaddleModel *model,
                         guint              layer)
{
  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (layer < model->n_layers, 0);
  return (gsize) model->widths[layer + 1] * (model->widths[layer] + 1);
}

gsize
saddle_model_count_params (const guint *widths,
                           guint        n_widths)
{
  gsize total = 0;

  if (widths == NULL || n_widths < 2)
    return 0;

  for (guint l = 0; l + 1 < n_widths; l++)
    {
      gsize weights;
      gsize layer;

      if (widths[l] == 0 || widths[l + 1] == 0)
        return 0;
      if (!g_size_checked_mul (&weights, widths[l], widths[l + 1])
          || !g_size_checked_add (&layer, weights, widths[l + 1])
          || !g_size_checked_add (&total, total, layer))
        return 0;
    }

  return total;
}

gboolean
saddle_model_check_batch (const SaddleModel *model,
                          const SaddleBatch *batch,
                          GError           **error)
{
  guint n_outputs;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n_outputs = model->widths[model->n_layers];

  if (batch->n == 0 || batch->x == NULL)
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "The batch holds no samples");
      return FALSE;
    }
  if (batch->n > (gsize) G_MAXINT)
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "The batch holds %" G_GSIZE_FORMAT " samples; at most %d fit in one pass",
                   batch->n, G_MAXINT);
      return FALSE;
    }
  if (batch->n_inputs != model->widths[0])
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "The data has %" G_GSIZE_FORMAT " inputs per sample but the network's input "
                   "layer has width %u", batch->n_inputs, model->widths[0]);
      return FALSE;
    }

  if (model->loss == SADDLE_LOSS_CROSS_ENTROPY)
    {
      if (batch->labels == NULL)
        {
          g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                       "Cross-entropy needs class labels, and this data has none "
                       "(it is a regression task: use mean squared error)");
          return FALSE;
        }
      for (gsize i = 0; i < batch->n; i++)
        if (batch->labels[i] >= n_outputs)
          {
            g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                         "Sample %" G_GSIZE_FORMAT " has label %u but the network has only "
                         "%u outputs (classes 0–%u)",
                         i, batch->labels[i], n_outputs, n_outputs - 1);
            return FALSE;
          }
    }
  else
    {
      if (batch->targets == NULL)
        {
          g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                       "Mean squared error needs real targets, and this data has none "
                       "(it is a classification task: use cross-entropy)");
          return FALSE;
        }
      if (batch->n_outputs != n_outputs)
        {
          g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                       "The data has %" G_GSIZE_FORMAT " targets per sample but the network's "
                       "output layer has width %u", batch->n_outputs, n_outputs);
          return FALSE;
        }
    }

  return TRUE;
}

/* Doubles of forward plus R-pass scratch for @n_samples and blocks of @k; FALSE if absurd. */
static gboolean
scratch_doubles (const SaddleModel *model,
                 gsize              n_samples,
                 gsize              k,
                 gsize             *kb,
                 gsize             *need)
{
  gsize fwd_need = 0;
  gsize r_need = 0;

  *kb = MIN (block_size (model, n_samples), k);
  return forward_doubles (model, n_samples, &fwd_need)
         && (*kb == 0 || rpass_doubles (model, tile_rows (model, n_samples, *kb), *kb, &r_need))
         && g_size_checked_add (need, fwd_need, r_need)
         && *need <= G_MAXSIZE / sizeof (double);
}

gboolean
saddle_model_reserve (SaddleModel *model,
                      gsize        n_samples,
                      gsize        k,
                      GError     **error)
{
  gsize kb;
  gsize need;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_samples == 0)
    return TRUE;

  if (!scratch_doubles (model, n_samples, k, &kb, &need))
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_NO_MEMORY,
                   "A batch of %" G_GSIZE_FORMAT " samples needs more scratch memory than "
                   "can be addressed: use fewer samples", n_samples);
      return FALSE;
    }
  if (!ensure_forward (model, n_samples)
      || (kb > 0 && !ensure_rpass (model, tile_rows (model, n_samples, kb), kb)))
    {
      g_autofree char *mib = saddle_format_count ((need * sizeof (double)) >> 20);

      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_NO_MEMORY,
                   "Not enough memory for a batch of %" G_GSIZE_FORMAT " samples and blocks of %"
                   G_GSIZE_FORMAT " directions (%s MiB of scratch): use fewer samples or a "
                   "smaller block", n_samples, kb, mib);
      return FALSE;
    }

  return TRUE;
}

gsize
saddle_model_scratch_bytes (const SaddleModel *model,
                            gsize              n_samples,
                            gsize              k)
{
  gsize kb;
  gsize need;

  g_return_val_if_fail (model != NULL, G_MAXSIZE);

  if (!scratch_doubles (model, n_samples, k, &kb, &need))
    return G_MAXSIZE;
  return need * sizeof (double);
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

gsize
saddle_model_block_size (const SaddleModel *model,
                         gsize              n_samples)
{
  g_return_val_if_fail (model != NULL, 1);
  return block_size (model, n_samples);
}

void
saddle_model_init_params (const SaddleModel *model,
                          double            *theta,
                          SaddleRng         *rng)
{
  g_return_if_fail (model != NULL);
  g_return_if_fail (theta != NULL);
  g_return_if_fail (rng != NULL);

  /* Drawn in flat order, so one seed always gives one θ. */
  for (guint l = 0; l < model->n_layers; l++)
    {
      gsize fan_in = model->widths[l];
      gsize fan_out = model->widths[l + 1];
      gsize n_weights = fan_out * fan_in;
      double *w = theta + model->offsets[l];

      if (model->activation == SADDLE_ACTIVATION_RELU)
        {
          double sd = sqrt (2.0 / (double) fan_in);

          for (gsize i = 0; i < n_weights; i++)
            w[i] = sd * saddle_rng_normal (rng);
        }
      else
        {
          double limit = sqrt (6.0 / (double) (fan_in + fan_out));

          for (gsize i = 0; i < n_weights; i++)
            w[i] = limit * (2.0 * saddle_rng_uniform (rng) - 1.0);
        }
      memset (w + n_weights, 0, fan_out * sizeof (double));
    }
}

double
saddle_model_loss_grad (SaddleModel       *model,
                        const double      *theta,
                        const SaddleBatch *batch,
                        double            *grad)
{
  return saddle_model_loss_grad_accuracy (model, theta, batch, grad, NULL);
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
  if (!batch_usable (model, batch, TRUE))
    {
      fill_nan (hv, k * model->n_params);
      fill_nan (grad, model->n_params);
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
  if (!batch_usable (model, batch, TRUE))
    goto failed;

  n = batch->n;
  if (!ensure_forward (model, n))
    {
      warn_no_memory (model, n, 1);
      goto failed;
    }

  /* The R-pass needs only the forward activations, δ and curv, all still in
   * the scratch after the backward pass that produced ∇L: v = ∇L is known
   * before the R-pass starts, so no second forward is needed. */
  forward (model, theta, batch->x, n);
  loss = compute_loss (model, batch, TRUE);
  backward (model, theta, batch->x, n, grad);

  kb = 1;
  n_tile = tile_rows (model, n, kb);
  if (!ensure_rpass (model, n_tile, kb))
    {
      warn_no_memory (model, n, kb);
      goto failed;
    }

  memset (hg, 0, P * sizeof (double));
  for (gsize i0 = 0; i0 < n; i0 += n_tile)
    r_pass (model, theta, batch->x, n, i0, MIN (n_tile, n - i0), grad, 0, 1, hg);

  return loss;

failed:
  fill_nan (grad, P);
  fill_nan (hg, P);
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
  if (!batch_usable (model, batch, TRUE))
    {
      fill_nan (out, k * model->n_params);
      return NAN;
    }

  return hvp_common (model, theta, batch, NULL, first, k, out, NULL);
}

void
saddle_model_predict (SaddleModel       *model,
                      const double      *theta,
                      const SaddleBatch *batch,
                      double            *outputs)
{
  gsize m;

  g_return_if_fail (model != NULL);
  g_return_if_fail (theta != NULL);
  g_return_if_fail (outputs != NULL);
  if (!batch_usable (model, batch, FALSE))
    return;

  m = model->widths[model->n_layers];
  if (!ensure_forward (model, batch->n))
    {
      warn_no_memory (model, batch->n, 0);
      fill_nan (outputs, batch->n * m);
      return;
    }

  forward (model, theta, batch->x, batch->n);
  memcpy (outputs, model->z[model->n_layers - 1], batch->n * m * sizeof (double));
}

/* Share of @batch's samples whose arg-max output (from the last forward pass) is the label. */
static double
share_correct (const SaddleModel *model,
               const SaddleBatch *batch)
{
  gsize m = model->widths[model->n_layers];
  const double *y = model->z[model->n_layers - 1];
  gsize correct = 0;

  for (gsize i = 0; i < batch->n; i++)
    {
      const double *row = y + i * m;
      gsize best = 0;

      for (gsize o = 1; o < m; o++)
        if (row[o] > row[best])
          best = o;
      if (best == batch->labels[i])
        correct++;
    }

  return (double) correct / (double) batch->n;
}

static gboolean
is_classification (const SaddleBatch *batch)
{
  return batch->kind == SADDLE_DATASET_CLASSIFICATION && batch->labels != NULL;
}

double
saddle_model_accuracy (SaddleModel       *model,
                       const double      *theta,
                       const SaddleBatch *batch)
{
  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL, NAN);
  g_return_val_if_fail (batch != NULL, NAN);

  if (!is_classification (batch))
    return NAN;
  if (!batch_usable (model, batch, FALSE))
    return NAN;
  if (!ensure_forward (model, batch->n))
    {
      warn_no_memory (model, batch->n, 0);
      return NAN;
    }

  forward (model, theta, batch->x, batch->n);
  return share_correct (model, batch);
}

double
saddle_model_loss_accuracy (SaddleModel       *model,
                            const double      *theta,
                            const SaddleBatch *batch,
                            double            *accuracy)
{
  g_return_val_if_fail (accuracy != NULL, NAN);

  return saddle_model_loss_grad_accuracy (model, theta, batch, NULL, accuracy);
}

double
saddle_model_loss_grad_accuracy (SaddleModel       *model,
                                 const double      *theta,
                                 const SaddleBatch *batch,
                                 double            *grad,
                                 double            *accuracy)
{
  double loss;

  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL, NAN);
  if (accuracy != NULL)
    *accuracy = NAN;
  if (!batch_usable (model, batch, TRUE))
    {
      fill_nan (grad, model->n_params);
      return NAN;
    }

  if (!ensure_forward (model, batch->n))
    {
      warn_no_memory (model, batch->n, 0);
      fill_nan (grad, model->n_params);
      return NAN;
    }

  forward (model, theta, batch->x, batch->n);
  loss = compute_loss (model, batch, grad != NULL);
  /* The loss leaves the outputs in z[L-1] (its deltas go apart): the arg-max needs no second
   * pass, and is taken before the backward pass may reuse any buffer. */
  if (accuracy != NULL && !isnan (loss) && is_classification (batch))
    *accuracy = share_correct (model, batch);
  if (grad != NULL)
    backward (model, theta, batch->x, batch->n, grad);

  return loss;
}

/* The forward pass over @batch for the ReLU pattern queries; FALSE (nothing to count) for
 * other activations, a batch that does not fit or scratch that cannot be had. */
static gboolean
relu_forward (SaddleModel       *model,
              const double      *theta,
              const SaddleBatch *batch)
{
  if (model->activation != SADDLE_ACTIVATION_RELU)
    return FALSE;
  if (!batch_usable (model, batch, FALSE))
    return FALSE;
  if (!ensure_forward (model, batch->n))
    {
      warn_no_memory (model, batch->n, 0);
      return FALSE;
    }
  forward (model, theta, batch->x, batch->n);
  return TRUE;
}

/* The side of every hidden ReLU pre-activation after the last forward pass, one byte each:
 * 0 below its kink, 1 exactly on it, 2 above. */
static void
relu_sides (const SaddleModel *model,
            gsize              n_samples,
            guint8            *side)
{
  gsize k = 0;

  for (guint l = 0; l + 1 < model->n_layers; l++)
    for (gsize i = 0, count = n_samples * model->widths[l + 1]; i < count; i++)
      {
        double z = model->z[l][i];

        side[k++] = z > 0.0 ? 2 : z < 0.0 ? 0 : 1;
      }
}

guint
saddle_model_count_dead_units (SaddleModel       *model,
                               const double      *theta,
                               const SaddleBatch *batch)
{
  guint dead = 0;

  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (theta != NULL, 0);

  if (!relu_forward (model, theta, batch))
    return 0;
  for (guint l = 0; l + 1 < model->n_layers; l++)
    {
      gsize width = model->widths[l + 1];
      const double *z = model->z[l];

      for (gsize u = 0; u < width; u++)
        {
          gboolean active = FALSE;

          /* NaN is not "≤ 0", so a diverged unit is not called dead. */
          for (gsize i = 0; i < batch->n && !active; i++)
            if (!(z[i * width + u] <= 0.0))
              active = TRUE;
          if (!active)
            dead++;
        }
    }

  return dead;
}

guint64
saddle_model_count_kinks_crossed (SaddleModel       *model,
                                  const double      *theta_a,
                                  const double      *theta_b,
                                  const SaddleBatch *batch)
{
  g_autofree guint8 *side = NULL;
  guint64 crossed = 0;
  gsize k = 0;

  g_return_val_if_fail (model != NULL, 0);
  g_return_val_if_fail (theta_a != NULL && theta_b != NULL, 0);

  if (!relu_forward (model, theta_a, batch))
    return 0;
  /* One byte per hidden pre-activation: its side of the kink at θa. */
  side = g_try_malloc (batch->n * model->sum_hidden);
  if (side == NULL)
    return 0;
  relu_sides (model, batch->n, side);

  forward (model, theta_b, batch->x, batch->n);
  for (guint l = 0; l + 1 < model->n_layers; l++)
    for (gsize i = 0, count = batch->n * model->widths[l + 1]; i < count; i++)
      crossed += (side[k++] == 2) != (model->z[l][i] > 0.0);

  return crossed;
}

/* Whether some hidden pre-activation at θ + α·δ has crossed its kink: strictly on the other
 * side than in @side. One exactly at its kink at θ (side 1: a dead unit's untouched zero
 * bias on a sample that reaches it with no active input) sits on it and crosses nothing. */
static gboolean
relu_sides_differ (SaddleModel       *model,
                   const double      *theta,
                   const double      *delta,
                   double             alpha,
                   const SaddleBatch *batch,
                   const guint8      *side,
                   double            *point)
{
  gsize k = 0;

  for (gsize j = 0; j < model->n_params; j++)
    point[j] = theta[j] + alpha * delta[j];
  forward (model, point, batch->x, batch->n);
  for (guint l = 0; l + 1 < model->n_layers; l++)
    for (gsize i = 0, count = batch->n * model->widths[l + 1]; i < count; i++)
      {
        double z = model->z[l][i];

        if ((side[k] == 2 && z < 0.0) || (side[k] == 0 && z > 0.0))
          return TRUE;
        k++;
      }
  return FALSE;
}

double
saddle_model_first_kink (SaddleModel       *model,
                         const double      *theta,
                         const double      *delta,
                         const SaddleBatch *batch)
{
  g_autofree guint8 *side = NULL;
  g_autofree double *point = NULL;
  double below = 0.0, above = NAN;

  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL && delta != NULL, NAN);

  if (!relu_forward (model, theta, batch))
    return NAN;
  side = g_try_malloc (MAX (batch->n * model->sum_hidden, 1));
  point = g_try_new (double, model->n_params);
  if (side == NULL || point == NULL)
    return NAN;
  relu_sides (model, batch->n, side);

  /* Pre-activations of deeper layers are polynomials in α between kinks, so
   * there is no closed form to solve: walk a log grid, 10 points a decade
   * from FIRST_KINK_MIN to 1, then bisect the first interval that changes. */
  for (int j = 0; j <= FIRST_KINK_DECADES * 10; j++)
    {
      double alpha = pow (10.0, -FIRST_KINK_DECADES + j / 10.0);

      if (relu_sides_differ (model, theta, delta, alpha, batch, side, point))
        {
          above = alpha;
          break;
        }
      below = alpha;
    }
  if (isnan (above))
    return 1.0;
  for (int b = 0; b < FIRST_KINK_BISECTIONS; b++)
    {
      double mid = 0.5 * (below + above);

      if (relu_sides_differ (model, theta, delta, mid, batch, side, point))
        above = mid;
      else
        below = mid;
    }
  return above;
}

gboolean
saddle_activation_from_string (const char       *name,
                               SaddleActivation *activation)
{
  static const struct
  {
    const char       *name;
    SaddleActivation  value;
  } names[] = {
    { "relu", SADDLE_ACTIVATION_RELU },
    { "tanh", SADDLE_ACTIVATION_TANH },
    { "sigmoid", SADDLE_ACTIVATION_SIGMOID },
    { "identity", SADDLE_ACTIVATION_IDENTITY },
  };

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      {
        if (activation != NULL)
          *activation = names[i].value;
        return TRUE;
      }

  return FALSE;
}

const char *
saddle_activation_to_string (SaddleActivation activation)
{
  switch (activation)
    {
    case SADDLE_ACTIVATION_RELU:
      return "relu";
    case SADDLE_ACTIVATION_TANH:
      return "tanh";
    case SADDLE_ACTIVATION_SIGMOID:
      return "sigmoid";
    case SADDLE_ACTIVATION_IDENTITY:
      return "identity";
    default:
      return NULL;
    }
}

gsize
saddle_model_n_hidden (const SaddleModel *model)
{
  g_return_val_if_fail (model != NULL, 0);

  return model->sum_hidden;
}

gboolean
saddle_model_hidden_preactivations (SaddleModel       *model,
                                    const double      *theta,
                                    const SaddleBatch *batch,
                                    double            *z)
{
  gsize h = model != NULL ? model->sum_hidden : 0;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (z != NULL || h == 0, FALSE);

  if (!batch_usable (model, batch, FALSE))
    return FALSE;
  if (!ensure_forward (model, batch->n))
    {
      warn_no_memory (model, batch->n, 0);
      return FALSE;
    }
  forward (model, theta, batch->x, batch->n);

  /* From the per-layer (n, width) blocks to one row per sample. */
  for (guint l = 0, first = 0; l + 1 < model->n_layers; first += model->widths[l + 1], l++)
    {
      gsize width = model->widths[l + 1];

      for (gsize i = 0; i < batch->n; i++)
        memcpy (z + i * h + first, model->z[l] + i * width, width * sizeof (double));
    }

  return TRUE;
}

gboolean
saddle_model_gate_jump (SaddleModel       *model,
                        const double      *theta,
                        const SaddleBatch *batch,
                        gsize              sample,
                        guint              layer,
                        gsize              unit,
                        double            *jump)
{
  guint L;
  SaddleBatch one;
  gsize n_out;
  double flip;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (jump != NULL, FALSE);

  L = model->n_layers;
  if (model->activation != SADDLE_ACTIVATION_RELU || layer + 1 >= L
      || unit >= model->widths[layer + 1])
    return FALSE;
  if (!batch_usable (model, batch, TRUE) || sample >= batch->n)
    return FALSE;
  if (!ensure_forward (model, 1))
    {
      warn_no_memory (model, 1, 0);
      return FALSE;
    }

  /* The sample alone: its δ is the mean's over @batch times n, so scale it back. */
  one = *batch;
  n_out = model->widths[L];
  one.n = 1;
  one.x = batch->x + sample * batch->n_inputs;
  if (batch->targets != NULL)
    one.targets = batch->targets + sample * batch->n_outputs;
  if (batch->labels != NULL)
    one.labels = batch->labels + sample;
  forward (model, theta, one.x, 1);
  compute_loss (model, &one, TRUE);
  for (gsize o = 0; o < n_out; o++)
    model->delta[L - 1][o] /= (double) batch->n;
  /* curv[layer] is then ∂L/∂a of that layer, before the gate (ReLU has no σ''). */
  backward_from (model, theta, one.x, 1, L - 1, NULL);

  /* The jump starts as a one-hot δ at the unit: (new gate − old gate)·∂L/∂a. */
  flip = model->d[layer][unit] > 0.0 ? -1.0 : 1.0;
  memset (model->delta[layer], 0, model->widths[layer + 1] * sizeof (double));
  model->delta[layer][unit] = flip * model->curv[layer][unit];
  memset (jump, 0, model->n_params * sizeof (double));
  backward_from (model, theta, one.x, 1, layer, jump);

  return TRUE;
}
