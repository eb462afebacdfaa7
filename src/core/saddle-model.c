/* saddle-model.c — a multilayer perceptron over one flat parameter vector
 *
 * A batch of n samples flows through the layers as row-major (n, width) matrices, so every
 * layer is one dgemm over the whole batch. The R-operator (Hessian-vector products) is in
 * saddle-model-rop.c, the ReLU pattern queries in saddle-model-relu.c; saddle-model-private.h
 * holds what they share.
 */
#define G_LOG_DOMAIN "saddle-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>

#include "saddle-format.h"
#include "saddle-model-private.h"
#include "saddle-narrow-gemm.h"
#include "saddle-narrow-sum.h"
#include "saddle-relu-simd.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX_ROWS 1
#endif

#define SADDLE_MODEL_MAX_PARAMS      ((gsize) 100000000)
#define SADDLE_MODEL_DEFAULT_SCRATCH ((gsize) 256 << 20)

G_DEFINE_QUARK (saddle-model-error-quark, saddle_model_error)

gboolean
_saddle_model_grow_buffer (double **buf,
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

gboolean
_saddle_model_forward_doubles (const SaddleModel *model,
                               gsize              n,
                               gsize             *need)
{
  guint L = model->n_layers;
  gsize per_sample = 2 * model->sum_out + 3 * model->sum_hidden + model->widths[L];

  return g_size_checked_mul (need, n, per_sample);
}

gboolean
_saddle_model_ensure_forward (SaddleModel *model,
                              gsize        n)
{
  guint L = model->n_layers;
  gsize need;
  double *p;

  if (!_saddle_model_forward_doubles (model, n, &need)
      || !_saddle_model_grow_buffer (&model->fwd, &model->fwd_cap, need))
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

gboolean
_saddle_model_batch_usable (const SaddleModel *model,
                            const SaddleBatch *batch,
                            gboolean           need_targets)
{
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (batch->n > 0 && batch->n <= (gsize) G_MAXINT, FALSE);
  /* A selection's inputs only where saddle_model_loss_grad_accuracy() reads its rows. */
  g_return_val_if_fail (batch->x != NULL
                        || (batch->rows != NULL && batch->rows == model->input_rows), FALSE);
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

void
_saddle_model_fill_nan (double *p,
                        gsize   count)
{
  if (p == NULL)
    return;
  for (gsize i = 0; i < count; i++)
    p[i] = NAN;
}

void
_saddle_model_warn_no_memory (const SaddleModel *model,
                              gsize              n,
                              gsize              k)
{
  g_warning ("Not enough memory for the scratch of a batch of %" G_GSIZE_FORMAT
             " samples (%" G_GSIZE_FORMAT " directions) on a %" G_GSIZE_FORMAT
             "-parameter model; use a smaller batch or block",
             n, k, model->n_params);
}

/* a = ReLU(z) and d = ReLU'(z), as act_value() and act_deriv() (NaN passes into a, −0 stays −0,
 * ReLU'(0) = 0), two at a time where SSE2 is there: a mask from one comparison each instead of a
 * branch, which the signs of z made the processor mispredict (GCC's -O2 leaves this loop scalar:
 * its cheapest cost model will not add the loop's tail). The same bits either way. Measured
 * with perf on 3 default critical runs (descent and training): this loop, scalar, was 15.7 % of
 * the samples; four at a time where AVX is there (relu_rows_avx()). */
#ifdef HAVE_AVX_ROWS
/* relu_rows()'s SSE2 loop four at a time: the same comparisons and masks. Returns how many it
 * did. */
__attribute__ ((target ("avx"))) static gsize
relu_rows_avx (const double *restrict z,
               double *restrict       a,
               double *restrict       d,
               gsize                  count)
{
  gsize i = 0;

  for (; i + 4 <= count; i += 4)
    {
      __m256d zi = _mm256_loadu_pd (z + i);

      _mm256_storeu_pd (a + i, saddle_relu_avx (zi));
      _mm256_storeu_pd (d + i, saddle_relu_slope_avx (zi));
    }
  return i;
}

/* sum_rows()'s row, four columns at a time; returns how many it did. */
__attribute__ ((target ("avx"))) static gsize
add_row_avx (const double *restrict row,
             gsize                  width,
             double *restrict       sum)
{
  gsize o = 0;

  for (; o + 4 <= width; o += 4)
    _mm256_storeu_pd (sum + o, _mm256_add_pd (_mm256_loadu_pd (sum + o),
                                              _mm256_loadu_pd (row + o)));
  return o;
}

/* _saddle_model_multiply_rows() four at a time; returns how many it did. */
__attribute__ ((target ("avx"))) static gsize
multiply_avx (const double *a,
              const double *b,
              gsize         count,
              double       *out)
{
  gsize i = 0;

  for (; i + 4 <= count; i += 4)
    _mm256_storeu_pd (out + i, _mm256_mul_pd (_mm256_loadu_pd (a + i), _mm256_loadu_pd (b + i)));
  return i;
}

/* _saddle_model_combine_rows() four at a time (AVX has no FMA: two products and a sum, each
 * rounded, as the scalar loop); returns how many it did. */
__attribute__ ((target ("avx"))) static gsize
combine_avx (const double *a,
             double        ca,
             const double *b,
             double        cb,
             gsize         count,
             double       *out)
{
  __m256d va = _mm256_set1_pd (ca), vb = _mm256_set1_pd (cb);
  gsize i = 0;

  for (; i + 4 <= count; i += 4)
    _mm256_storeu_pd (out + i, _mm256_add_pd (_mm256_mul_pd (_mm256_loadu_pd (a + i), va),
                                              _mm256_mul_pd (_mm256_loadu_pd (b + i), vb)));
  return i;
}
#endif

static void
relu_rows (const double *restrict z,
           double *restrict       a,
           double *restrict       d,
           gsize                  count)
{
  gsize i = 0;

#ifdef HAVE_AVX_ROWS
  if (__builtin_cpu_supports ("avx"))
    i = relu_rows_avx (z, a, d, count);
#endif
#ifdef __SSE2__
  for (; i + 2 <= count; i += 2)
    {
      __m128d zi = _mm_loadu_pd (z + i);

      _mm_storeu_pd (a + i, saddle_relu_sse2 (zi));
      _mm_storeu_pd (d + i, saddle_relu_slope_sse2 (zi));
    }
#endif

  for (; i < count; i++)
    {
      a[i] = act_value (SADDLE_ACTIVATION_RELU, z[i]);
      d[i] = act_deriv (SADDLE_ACTIVATION_RELU, z[i], a[i]);
    }
}

/* sum[o] += rows[i·width + o] for every row i in order, four columns at a time where AVX is
 * there: each sum still adds its rows one by one from the first, so the bits are the scalar
 * loop's for every number (a NaN met by another NaN may keep the other's sign or payload, as
 * the compiler orders the operands: a review's finding). Scalar, this loop and
 * _saddle_model_multiply_rows() were 8.9 % of the critical study's training, whose minibatches
 * of 20 make them a large share of a step. */
static void
sum_rows (const double *restrict rows,
          gsize                  n,
          gsize                  width,
          double *restrict       sum)
{
#ifdef HAVE_AVX_ROWS
  gboolean avx = width >= 4 && __builtin_cpu_supports ("avx");
#endif

  for (gsize i = 0; i < n; i++)
    {
      const double *row = rows + i * width;
      gsize o = 0;

#ifdef HAVE_AVX_ROWS
      if (avx)
        o = add_row_avx (row, width, sum);
#endif
      for (; o < width; o++)
        sum[o] += row[o];
    }
}

/* out = a ⊙ b (@out may be @a), four at a time where AVX is there (each product rounds alone:
 * the same bits, NaNs' signs and payloads aside, as in sum_rows()). */
void
_saddle_model_multiply_rows (const double *a,
                             const double *b,
                             gsize         count,
                             double       *out)
{
  gsize i = 0;

#ifdef HAVE_AVX_ROWS
  if (__builtin_cpu_supports ("avx"))
    i = multiply_avx (a, b, count, out);
#endif
  for (; i < count; i++)
    out[i] = a[i] * b[i];
}

void
_saddle_model_combine_rows (const double *a,
                            double        ca,
                            const double *b,
                            double        cb,
                            gsize         count,
                            double       *out)
{
  gsize i = 0;

#ifdef HAVE_AVX_ROWS
  if (__builtin_cpu_supports ("avx"))
    i = combine_avx (a, ca, b, cb, count, out);
#endif
  for (; i < count; i++)
    out[i] = a[i] * ca + b[i] * cb;
}

void
_saddle_model_activate (SaddleModel *model,
                        guint        l,
                        gsize        n)
{
  const double *z = model->z[l];
  double *a = model->a[l];
  double *d = model->d[l];
  gsize count = n * model->widths[l + 1];

  /* The activation is fixed for the loop: decided once. */
  if (model->activation == SADDLE_ACTIVATION_RELU)
    relu_rows (z, a, d, count);
  else
    for (gsize i = 0; i < count; i++)
      {
        a[i] = act_value (model->activation, z[i]);
        d[i] = act_deriv (model->activation, z[i], a[i]);
      }
}

/* A selection's @n rows of @width inputs copied together, where a product cannot read them in
 * place. */
static double *
copy_rows (const double *const *rows,
           gsize                n,
           gsize                width)
{
  double *x = g_new (double, n * width);

  for (gsize i = 0; i < n; i++)
    memcpy (x + i * width, rows[i], width * sizeof (double));
  return x;
}

void
_saddle_model_affine (const SaddleModel *model,
                      const double      *theta,
                      guint              l,
                      const double      *input,
                      gsize              n,
                      double            *z)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  const double *w = theta + model->offsets[l];  /* (out, in) */
  const double *b = w + fan_out * fan_in;        /* (out) */
  g_autofree double *copied = NULL;

  /* Every row starts as the bias: the rows done so far copied in one call, doubling, since a
   * call a row (1,000 of 31 doubles in the descent's forward pass) was 3 % of a critical run. */
  if (n > 0)
    memcpy (z, b, fan_out * sizeof (double));
  for (gsize done = 1; done < n; done *= 2)
    memcpy (z + done * fan_out, z, MIN (done, n - done) * fan_out * sizeof (double));
  /* The first layer over a selection's rows in place, the same sums as over the rows copied
   * together; copied where the kernel does not take them (saddle_model_reads_rows() tells
   * where it does, but OpenBLAS's threads may have changed since a caller asked). */
  if (input == NULL
      && saddle_narrow_gemm_rows (CblasTrans, n, fan_out, fan_in, model->input_rows, w, fan_in,
                                  1.0, z, fan_out))
    return;
  if (input == NULL)
    input = copied = copy_rows (model->input_rows, n, fan_in);
  /* The narrow kernel where it runs (the same bits): it reads the samples where they are,
   * where dgemm copies them first (the image model's 784 inputs: 172 → 131 µs a batch of 200). */
  _saddle_model_dgemm (CblasTrans, n, fan_out, fan_in, input, fan_in, w, fan_in, 1.0, z, fan_out);
}

/* A hidden ReLU layer's z, a and d in one pass where the narrow kernel takes the product
 * (saddle_narrow_gemm_relu(): the same values as _saddle_model_affine() and then
 * _saddle_model_activate(), without filling z with the bias first nor reading it back): the
 * forward pass of 1,000 samples through the critical study's net in 57–64 µs against 66–85, a
 * descent step (bench-descent-step, by region) in 100–104 against 109–118 (5 alternating
 * rounds, one thread, 2026-12-07). FALSE where it does not. */
static gboolean
affine_relu (SaddleModel  *model,
             const double *theta,
             guint         l,
             const double *input,
             gsize         n)
{
  gsize fan_in = model->widths[l];
  gsize fan_out = model->widths[l + 1];
  const double *w = theta + model->offsets[l];

  return model->activation == SADDLE_ACTIVATION_RELU
         && saddle_narrow_gemm_relu (CblasTrans, n, fan_out, fan_in, input, fan_in, w, fan_in,
                                     w + fan_out * fan_in, model->z[l], model->a[l],
                                     model->d[l], fan_out);
}

void
_saddle_model_forward_from (SaddleModel  *model,
                            const double *theta,
                            const double *x,
                            gsize         n,
                            guint         first)
{
  guint L = model->n_layers;

  for (guint l = first; l < L; l++)
    {
      /* NULL: a selection's rows (model->input_rows), which affine_relu() does not take. */
      const double *input = l == 0 && x == NULL ? NULL : _saddle_model_layer_input (model, x, l, 0);

      if (l + 1 < L && input != NULL && affine_relu (model, theta, l, input, n))
        continue;
      _saddle_model_affine (model, theta, l, input, n, model->z[l]);
      if (l + 1 < L)
        _saddle_model_activate (model, l, n);
    }
}

void
_saddle_model_forward (SaddleModel  *model,
                       const double *theta,
                       const double *x,
                       gsize         n)
{
  _saddle_model_forward_from (model, theta, x, n, 0);
}

/* An out-of-range label makes its sample NaN rather than reading out of bounds. */
double
_saddle_model_compute_loss (SaddleModel       *model,
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
            _saddle_model_fill_nan (delta + i * m, m);
        }
    }

  return sum / (double) n;
}

void
_saddle_model_backward_from (SaddleModel  *model,
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
      const double *input = l == 0 ? x : model->a[l - 1];   /* NULL: a selection's rows */
      const double *delta = model->delta[l];
      g_autofree double *copied = NULL;

      if (grad != NULL)
        {
          double *dw = grad + model->offsets[l];  /* (out, in) */
          double *db = dw + fan_out * fan_in;     /* (out) */

          /* dW = δᵀ·a: the 1/n of the mean is already in δ. The sum kernel where it runs (the
           * same bits), which reads the inputs where they are: the image model's 20 × 784
           * over 200 samples in 133–140 µs, where dgemm packed them first (197–200 µs); a
           * minibatch of 20 through 31 units in 0.89 µs against 1.29. */
          /* A selection's rows in place, or copied, as in _saddle_model_affine(). */
          if (input != NULL
              || !saddle_narrow_sum_rows (fan_out, fan_in, n, delta, fan_out, model->input_rows,
                                          0.0, dw, fan_in))
            {
              if (input == NULL)
                input = copied = copy_rows (model->input_rows, n, fan_in);
              if (!saddle_narrow_sum (fan_out, fan_in, n, delta, fan_out, input, fan_in, 0.0, dw,
                                      fan_in))
                cblas_dgemm (CblasRowMajor, CblasTrans, CblasNoTrans,
                             fan_out, fan_in, n,
                             1.0, delta, fan_out, input, fan_in,
                             0.0, dw, fan_in);
            }
          memset (db, 0, fan_out * sizeof (double));
          sum_rows (delta, n, fan_out, db);
        }

      if (l > 0)
        {
          double *g = model->curv[l - 1];  /* δ·W first, then ⊙ σ'' in place */
          const double *a = model->a[l - 1];
          const double *d = model->d[l - 1];
          double *prev = model->delta[l - 1];
          gsize count = n * fan_in;

          /* δ·W: the narrow kernel where it runs, a minibatch of 20 through a 31-unit layer in
           * 0.92 µs against dgemm's 1.32; not _saddle_model_gemm(), whose GEMVs for one sample
           * or one unit sum otherwise. */
          _saddle_model_dgemm (CblasNoTrans, n, fan_in, fan_out, delta, fan_out, w, fan_in, 0.0,
                               g, fan_in);
          _saddle_model_multiply_rows (g, d, count, prev);
          if (act_has_curvature (model->activation))
            for (gsize i = 0; i < count; i++)
              g[i] *= act_deriv2 (model->activation, a[i]);
        }
    }
}

void
_saddle_model_backward (SaddleModel  *model,
                        const double *theta,
                        const double *x,
                        gsize         n,
                        double       *grad)
{
  _saddle_model_backward_from (model, theta, x, n, model->n_layers - 1, grad);
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
  model->sum_by_region = TRUE;

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
  model->region_ab = g_new0 (double *, model->n_layers);
  model->region_rab = g_new0 (double *, model->n_layers);
  model->region_b = g_new0 (double *, model->n_layers);
  model->region_c = g_new0 (double *, model->n_layers);

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
  copy->sum_by_region = model->sum_by_region;
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
  g_free (model->region_first);
  g_free (model->level_index);
  g_free (model->level_mask);
  g_free (model->level_map);
  g_free (model->region_buf);
  g_free (model->region_ab);
  g_free (model->region_rab);
  g_free (model->region_b);
  g_free (model->region_c);
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

  if (batch->x == NULL && batch->rows != NULL)
    {
      g_set_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID,
                   "The batch is a selection, whose inputs only a training step's loss and "
                   "gradient read; gather the samples instead");
      return FALSE;
    }
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

  *kb = MIN (_saddle_model_block_size (model, n_samples), k);
  return _saddle_model_forward_doubles (model, n_samples, &fwd_need)
         && (*kb == 0
             || _saddle_model_rpass_doubles (model, _saddle_model_tile_rows (model, n_samples, *kb),
                                             *kb, &r_need))
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
  if (!_saddle_model_ensure_forward (model, n_samples)
      || (kb > 0
          && !_saddle_model_ensure_rpass (model, _saddle_model_tile_rows (model, n_samples, kb),
                                          kb)))
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
  if (!_saddle_model_batch_usable (model, batch, FALSE))
    return;

  m = model->widths[model->n_layers];
  if (!_saddle_model_ensure_forward (model, batch->n))
    {
      _saddle_model_warn_no_memory (model, batch->n, 0);
      _saddle_model_fill_nan (outputs, batch->n * m);
      return;
    }

  _saddle_model_forward (model, theta, batch->x, batch->n);
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
  if (!_saddle_model_batch_usable (model, batch, FALSE))
    return NAN;
  if (!_saddle_model_ensure_forward (model, batch->n))
    {
      _saddle_model_warn_no_memory (model, batch->n, 0);
      return NAN;
    }

  _saddle_model_forward (model, theta, batch->x, batch->n);
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

/* saddle_model_loss_grad_accuracy() on a batch, or a selection whose rows are set. */
static double
loss_grad_accuracy (SaddleModel       *model,
                    const double      *theta,
                    const SaddleBatch *batch,
                    double            *grad,
                    double            *accuracy)
{
  double loss;

  if (!_saddle_model_batch_usable (model, batch, TRUE))
    {
      _saddle_model_fill_nan (grad, model->n_params);
      return NAN;
    }

  if (!_saddle_model_ensure_forward (model, batch->n))
    {
      _saddle_model_warn_no_memory (model, batch->n, 0);
      _saddle_model_fill_nan (grad, model->n_params);
      return NAN;
    }

  /* By region where it applies, unless an accuracy is asked of labels (the pass gives none). */
  if (!(accuracy != NULL && is_classification (batch))
      && _saddle_model_regions_loss (model, theta, batch, grad != NULL, &loss)
      && (grad == NULL
          || (isfinite (loss) && _saddle_model_regions_grad (model, theta, batch, grad))))
    return loss;

  _saddle_model_forward (model, theta, batch->x, batch->n);
  loss = _saddle_model_compute_loss (model, batch, grad != NULL);
  /* The loss leaves the outputs in z[L-1] (its deltas go apart): the arg-max needs no second
   * pass, and is taken before the backward pass may reuse any buffer. */
  if (accuracy != NULL && !isnan (loss) && is_classification (batch))
    *accuracy = share_correct (model, batch);
  if (grad == NULL)
    return loss;
  model->region_tally.grads_by_sample++;
  _saddle_model_backward (model, theta, batch->x, batch->n, grad);

  return loss;
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
  if (batch != NULL && batch->x == NULL && batch->rows != NULL)
    {
      /* A selection: its rows read in place for this call alone (copied where a product cannot
       * read them so: saddle_model_reads_rows() tells where). */
      model->input_rows = batch->rows;
      loss = loss_grad_accuracy (model, theta, batch, grad, accuracy);
      model->input_rows = NULL;
      return loss;
    }
  return loss_grad_accuracy (model, theta, batch, grad, accuracy);
}

gboolean
saddle_model_sums_by_region (const SaddleModel *model,
                             gsize              n)
{
  g_return_val_if_fail (model != NULL, FALSE);

  return _saddle_model_regions_apply_to_set (model, n);
}

gboolean
saddle_model_reads_rows (const SaddleModel *model,
                         gsize              n)
{
  g_return_val_if_fail (model != NULL, FALSE);

  /* The first layer's two products: z = x·Wᵀ (+ b) and ∂L/∂W = δᵀ·x. */
  return saddle_narrow_gemm_rows_takes (n, model->widths[1], model->widths[0])
         && saddle_narrow_sum_rows_takes (model->widths[1], model->widths[0], n);
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
