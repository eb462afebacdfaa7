/* saddle-optimizer.c — SGD, SGD with momentum and Adam, as PyTorch defines them
 *
 * With g = ∇L(θ) at step t (t = 1, 2, …):
 *
 *   SGD       θ ← θ − lr·g
 *   momentum  b ← μ·b + g   (b = g at t = 1; torch.optim.SGD, dampening 0, no Nesterov)
 *             θ ← θ − lr·b
 *   Adam      m ← β1·m + (1 − β1)·g
 *             v ← β2·v + (1 − β2)·g²
 *             m̂ = m / (1 − β1ᵗ),  v̂ = v / (1 − β2ᵗ)
 *             θ ← θ − lr·m̂ / (√v̂ + ε)          (torch.optim.Adam, no weight decay)
 *
 * Adam is evaluated in torch's own order — step_size = lr / (1 − β1ᵗ) and
 * denom = √v / √(1 − β2ᵗ) + ε — so the numbers match PyTorch to rounding.
 */
#define G_LOG_DOMAIN "saddle-optimizer"

#include "config.h"

#include <math.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX_ADAM 1
#endif

#include "saddle-optimizer.h"

struct _SaddleOptimizer
{
  SaddleOptimizerSettings settings;
  gsize                   n_params;
  guint64                 step;       /* steps taken since creation or reset */
  double                 *state;      /* the one allocation: (n_state_vectors, n_params) */
  double                 *first;      /* (n_params) momentum buffer b, or Adam's m; NULL for SGD */
  double                 *second;     /* (n_params) Adam's v; NULL otherwise */
};

static guint
n_state_vectors (SaddleOptimizerKind kind)
{
  switch (kind)
    {
    case SADDLE_OPTIMIZER_MOMENTUM:
      return 1;
    case SADDLE_OPTIMIZER_ADAM:
      return 2;
    case SADDLE_OPTIMIZER_SGD:
    default:
      return 0;
    }
}

void
saddle_optimizer_settings_init (SaddleOptimizerSettings *settings,
                                SaddleOptimizerKind      kind,
                                double                   lr)
{
  g_return_if_fail (settings != NULL);

  settings->kind = kind;
  settings->lr = lr;
  settings->momentum = 0.9;
  settings->beta1 = 0.9;
  settings->beta2 = 0.999;
  settings->epsilon = 1e-8;
}

SaddleOptimizer *
saddle_optimizer_new (const SaddleOptimizerSettings *settings,
                      gsize                          n_params)
{
  SaddleOptimizer *optimizer;
  guint n_vectors;

  g_return_val_if_fail (settings != NULL, NULL);

  n_vectors = n_state_vectors (settings->kind);

  optimizer = g_new0 (SaddleOptimizer, 1);
  optimizer->settings = *settings;
  optimizer->n_params = n_params;

  if (n_vectors > 0 && n_params > 0)
    {
      /* Zeroed state is exactly the "no history yet" state of every method. */
      optimizer->state = g_new0 (double, (gsize) n_vectors * n_params);
      optimizer->first = optimizer->state;
      if (n_vectors > 1)
        optimizer->second = optimizer->state + n_params;
    }

  return optimizer;
}

void
saddle_optimizer_free (SaddleOptimizer *optimizer)
{
  if (optimizer == NULL)
    return;

  g_free (optimizer->state);
  g_free (optimizer);
}

void
saddle_optimizer_reset (SaddleOptimizer *optimizer)
{
  g_return_if_fail (optimizer != NULL);

  optimizer->step = 0;
  if (optimizer->state != NULL)
    memset (optimizer->state, 0,
            n_state_vectors (optimizer->settings.kind) * optimizer->n_params * sizeof (double));
}

static void
step_sgd (SaddleOptimizer *optimizer,
          double          *theta,
          const double    *grad)
{
  const double lr = optimizer->settings.lr;

  for (gsize i = 0; i < optimizer->n_params; i++)
    theta[i] -= lr * grad[i];
}

static void
step_momentum (SaddleOptimizer *optimizer,
               double          *theta,
               const double    *grad)
{
  const double lr = optimizer->settings.lr;
  const double mu = optimizer->settings.momentum;
  double *b = optimizer->first;

  /* torch starts the buffer as a copy of the first gradient rather than μ·0 + g,
   * which differs only in the sign of zero; copying keeps the numbers identical. */
  if (optimizer->step == 1)
    {
      for (gsize i = 0; i < optimizer->n_params; i++)
        {
          b[i] = grad[i];
          theta[i] -= lr * b[i];
        }
      return;
    }

  for (gsize i = 0; i < optimizer->n_params; i++)
    {
      b[i] = mu * b[i] + grad[i];
      theta[i] -= lr * b[i];
    }
}

#ifdef HAVE_AVX_ADAM
/* One Adam step's constants, hoisted out of the loops. */
typedef struct
{
  double beta1, beta2, keep1, keep2, epsilon, bias2_sqrt, step_size;
} AdamStep;

/* The SSE2 loop of step_adam() four parameters at a time, where the processor has AVX: the
 * same operations in the same order, each rounded exactly (no FMA here, so none is fused), so
 * the same bytes. Keep the four loops of step_adam() in step. Returns how many parameters it
 * did. */
__attribute__ ((target ("avx"))) static gsize
adam_avx (const AdamStep        *step,
          gsize                  n,
          double *restrict       theta,
          const double *restrict grad,
          double *restrict       m,
          double *restrict       v)
{
  const __m256d b1 = _mm256_set1_pd (step->beta1), b2 = _mm256_set1_pd (step->beta2);
  const __m256d k1 = _mm256_set1_pd (step->keep1), k2 = _mm256_set1_pd (step->keep2);
  const __m256d eps = _mm256_set1_pd (step->epsilon), bias = _mm256_set1_pd (step->bias2_sqrt);
  const __m256d size = _mm256_set1_pd (step->step_size);
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    {
      __m256d g = _mm256_loadu_pd (grad + i);
      __m256d mi = _mm256_add_pd (_mm256_mul_pd (b1, _mm256_loadu_pd (m + i)),
                                  _mm256_mul_pd (k1, g));
      __m256d vi = _mm256_add_pd (_mm256_mul_pd (b2, _mm256_loadu_pd (v + i)),
                                  _mm256_mul_pd (_mm256_mul_pd (k2, g), g));
      __m256d denom = _mm256_add_pd (_mm256_div_pd (_mm256_sqrt_pd (vi), bias), eps);

      _mm256_storeu_pd (m + i, mi);
      _mm256_storeu_pd (v + i, vi);
      _mm256_storeu_pd (theta + i, _mm256_sub_pd (_mm256_loadu_pd (theta + i),
                                                  _mm256_mul_pd (size, _mm256_div_pd (mi, denom))));
    }
  return i;
}

/* _mm512_mul_pd() would do as well, but AVX-512F has FMA, and GCC in its GNU modes
 * (-ffp-contract=fast, its default there; Saddle builds gnu17) and clang with
 * -ffp-contract=fast then fuse a product into the addition after it, which rounds once instead
 * of twice and changes the bytes. The _round_ form with round-to-nearest (MXCSR's default, which
 * Saddle never changes) is the same multiplication, and no compiler fuses it. */
#define MUL_512(a, b) _mm512_mul_round_pd ((a), (b), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)

/* adam_avx() eight parameters at a time, where the processor has AVX-512F: the same operations
 * in the same order, each rounded exactly, so the same bytes. Measured on this AMD EPYC (one
 * thread, 2026-12-07): 0.55–0.60 ns a parameter against adam_avx()'s 1.09–1.17, at 1,086 and
 * 16,330 parameters; its square roots and divisions, which bound the step, run at twice the
 * rate in 512-bit registers here. (Measured on this processor only: on some, 512-bit division
 * runs at the 256-bit rate, or 512-bit work lowers the clock.) Returns how many parameters it
 * did. */
__attribute__ ((target ("avx512f"))) static gsize
adam_avx512 (const AdamStep        *step,
             gsize                  n,
             double *restrict       theta,
             const double *restrict grad,
             double *restrict       m,
             double *restrict       v)
{
  const __m512d b1 = _mm512_set1_pd (step->beta1), b2 = _mm512_set1_pd (step->beta2);
  const __m512d k1 = _mm512_set1_pd (step->keep1), k2 = _mm512_set1_pd (step->keep2);
  const __m512d eps = _mm512_set1_pd (step->epsilon), bias = _mm512_set1_pd (step->bias2_sqrt);
  const __m512d size = _mm512_set1_pd (step->step_size);
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m512d g = _mm512_loadu_pd (grad + i);
      __m512d mi = _mm512_add_pd (MUL_512 (b1, _mm512_loadu_pd (m + i)), MUL_512 (k1, g));
      __m512d vi = _mm512_add_pd (MUL_512 (b2, _mm512_loadu_pd (v + i)),
                                  MUL_512 (MUL_512 (k2, g), g));
      __m512d denom = _mm512_add_pd (_mm512_div_pd (_mm512_sqrt_pd (vi), bias), eps);

      _mm512_storeu_pd (m + i, mi);
      _mm512_storeu_pd (v + i, vi);
      _mm512_storeu_pd (theta + i, _mm512_sub_pd (_mm512_loadu_pd (theta + i),
                                                  MUL_512 (size, _mm512_div_pd (mi, denom))));
    }
  return i;
}
#endif

/* One pass over the contiguous θ, m, v and g with every per-step constant hoisted (through
 * @optimizer they would be reloaded after each store, as the stores might alias them), two
 * parameters at a time where SSE2 is there: its sqrtpd and divpd round exactly as sqrt() and
 * the scalar division do, so the bytes are the same either way (16,330 parameters, one
 * thread: 4.7 → 2.2 ns a parameter), four at a time where AVX is there (adam_avx()), eight
 * where AVX-512F is (adam_avx512()). */
static void
step_adam (SaddleOptimizer *optimizer,
           double *restrict theta,
           const double *restrict grad)
{
  const SaddleOptimizerSettings *s = &optimizer->settings;
  const double t = (double) optimizer->step;
  const double beta1 = s->beta1;
  const double beta2 = s->beta2;
  const double keep1 = 1.0 - beta1;
  const double keep2 = 1.0 - beta2;
  const double epsilon = s->epsilon;
  const double bias2_sqrt = sqrt (1.0 - pow (beta2, t));
  const double step_size = s->lr / (1.0 - pow (beta1, t));
  const gsize n = optimizer->n_params;
  double *restrict m = optimizer->first;
  double *restrict v = optimizer->second;
  gsize i = 0;

#ifdef HAVE_AVX_ADAM
  if (__builtin_cpu_supports ("avx"))
    {
      const AdamStep step = { beta1, beta2, keep1, keep2, epsilon, bias2_sqrt, step_size };

      if (__builtin_cpu_supports ("avx512f"))
        i = adam_avx512 (&step, n, theta, grad, m, v);
      i += adam_avx (&step, n - i, theta + i, grad + i, m + i, v + i);
    }
#endif
#ifdef __SSE2__
  {
    const __m128d b1 = _mm_set1_pd (beta1), b2 = _mm_set1_pd (beta2);
    const __m128d k1 = _mm_set1_pd (keep1), k2 = _mm_set1_pd (keep2);
    const __m128d eps = _mm_set1_pd (epsilon), bias = _mm_set1_pd (bias2_sqrt);
    const __m128d size = _mm_set1_pd (step_size);

    for (; i + 2 <= n; i += 2)
      {
        __m128d g = _mm_loadu_pd (grad + i);
        __m128d mi = _mm_add_pd (_mm_mul_pd (b1, _mm_loadu_pd (m + i)), _mm_mul_pd (k1, g));
        __m128d vi = _mm_add_pd (_mm_mul_pd (b2, _mm_loadu_pd (v + i)),
                                 _mm_mul_pd (_mm_mul_pd (k2, g), g));
        __m128d denom = _mm_add_pd (_mm_div_pd (_mm_sqrt_pd (vi), bias), eps);

        _mm_storeu_pd (m + i, mi);
        _mm_storeu_pd (v + i, vi);
        _mm_storeu_pd (theta + i, _mm_sub_pd (_mm_loadu_pd (theta + i),
                                              _mm_mul_pd (size, _mm_div_pd (mi, denom))));
      }
  }
#endif

  for (; i < n; i++)
    {
      double g = grad[i];

      m[i] = beta1 * m[i] + keep1 * g;
      v[i] = beta2 * v[i] + keep2 * g * g;
      theta[i] -= step_size * (m[i] / (sqrt (v[i]) / bias2_sqrt + epsilon));
    }
}

void
saddle_optimizer_step (SaddleOptimizer *optimizer,
                       double          *theta,
                       const double    *grad)
{
  g_return_if_fail (optimizer != NULL);
  g_return_if_fail (theta != NULL || optimizer->n_params == 0);
  g_return_if_fail (grad != NULL || optimizer->n_params == 0);

  optimizer->step++;

  switch (optimizer->settings.kind)
    {
    case SADDLE_OPTIMIZER_MOMENTUM:
      step_momentum (optimizer, theta, grad);
      break;
    case SADDLE_OPTIMIZER_ADAM:
      step_adam (optimizer, theta, grad);
      break;
    case SADDLE_OPTIMIZER_SGD:
    default:
      step_sgd (optimizer, theta, grad);
      break;
    }
}

gboolean
saddle_optimizer_kind_from_string (const char          *name,
                                   SaddleOptimizerKind *kind)
{
  static const struct { const char *name; SaddleOptimizerKind kind; } names[] = {
    { "sgd", SADDLE_OPTIMIZER_SGD },
    { "momentum", SADDLE_OPTIMIZER_MOMENTUM },
    { "adam", SADDLE_OPTIMIZER_ADAM },
  };

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      {
        if (kind != NULL)
          *kind = names[i].kind;
        return TRUE;
      }

  return FALSE;
}

const char *
saddle_optimizer_kind_to_string (SaddleOptimizerKind kind)
{
  switch (kind)
    {
    case SADDLE_OPTIMIZER_SGD:
      return "sgd";
    case SADDLE_OPTIMIZER_MOMENTUM:
      return "momentum";
    case SADDLE_OPTIMIZER_ADAM:
      return "adam";
    default:
      return NULL;
    }
}
