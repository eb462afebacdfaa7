/* saddle-kink-bound.c — steps too short to move any ReLU pre-activation across its kink
 *
 * Let ẑ_l and â_l be hidden layer l's pre-activations and activations as the forward pass
 * computes them at θ, and ẑ'_l, â'_l at θ' = fl(θ + fl(α·δ)). Then |θ' − θ| ≤ α·(1 + 4u)·|δ|
 * + u·|θ| + ε (u = 2⁻⁵³; ε = 2⁻¹⁰⁷³ covers the two roundings where they underflow, absolute
 * there), so |W'| ≤ S + α·T with S = (1 + u)·|W| + ε and T = (1 + 4u)·|ΔW|, and likewise for
 * the biases. Each ẑ is a sum of in + 1 terms (the products and the bias), rounded in whatever
 * order the kernel takes: its error is at most γ·Σ|terms| with γ = γ_{in+2} = (in + 2)·u /
 * (1 − (in + 2)·u), one term more than it needs (Higham, "Accuracy and Stability of Numerical
 * Algorithms", 2002, §3.1; an FMA only lowers it), plus (in + 2)·2⁻¹⁰⁷⁴ where products
 * underflow. ReLU moves â by no more than ẑ, so D_l, a bound on |ẑ'_l − ẑ_l|, follows layer by
 * layer:
 *
 *   D_l ≤ (1 + γ)·D_{l−1}·(S + α·T)ᵀ + |â_{l−1}|·((1 + γ)·α·T + u·|W| + ε + γ·S + γ·|W|)ᵀ
 *         + (1 + γ)·(α·T_b + u·|b| + ε) + 2γ·|b| + 2·(in + 2)·2⁻¹⁰⁷⁴,
 *
 * with D_{−1} = 0 and â_{−1} the input x. It assumes no overflow: the bound refuses when any
 * of it comes within 2⁻⁶⁰ of the largest double, where a partial sum could overflow, and an
 * infinite ẑ(θ), which may be an overflowed sum, is never certified. D_l is a polynomial in α
 * of degree l + 1 with nonnegative coefficients, each an (n × width) block set up once by
 * GEMMs of absolute values. A pre-activation with |ẑ(θ)| > D_l(α) keeps its sign at θ + α·δ as
 * computed. The blocks are themselves computed in floating point, so the test asks for twice
 * the bound, far more than their relative rounding, and margins below 2⁻¹⁰⁰⁰ are left to the
 * forward passes (near underflow the bound's own sums lose absolute amounts). A review broke
 * the first version, which had neither ε nor the overflow guards, with subnormal products and
 * weights near the largest double; those cases are in test-model.
 */
#define G_LOG_DOMAIN "saddle-kink-bound"

#include "config.h"

#include "saddle-kink-bound.h"
#include "saddle-model-private.h"

/* The coefficients' own rounding, and the Horner sum's, many times over. */
#define SAFETY 2.0
/* Margins this small are left to the forward passes: near underflow the bound's own sums
 * lose absolute amounts (2⁻¹⁰⁷⁴ an operation) that no relative safety covers. */
#define MIN_MARGIN 0x1p-1000
/* A weight's change where its roundings underflow. */
#define EPSILON 0x1p-1073
/* Bounds beyond this may hide a partial sum that overflows: then the bound never holds. */
#define MAX_BOUND (0x1p-60 * G_MAXDOUBLE)

struct _SaddleKinkBound
{
  guint    hidden;       /* hidden layers */
  gsize   *count;        /* (hidden): n × width entries of each */
  double **coef;         /* coef[l]: l + 2 blocks of count[l], α⁰ first */
  double **margin;       /* margin[l]: |ẑ(θ)| where it can cross, +∞ where it cannot */
  gboolean usable;       /* every coefficient finite, their sums below MAX_BOUND */
};

/* C (n × out) += s·|A|·Bᵀ, A (n × in), B (out × in), both already absolute. */
static void
add_product (gsize         n,
             gsize         out,
             gsize         in,
             double        s,
             const double *a,
             const double *b,
             double       *c)
{
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) n, (int) out, (int) in, s, a,
               (int) in, b, (int) in, 1.0, c, (int) out);
}

void
_saddle_kink_bound_free (SaddleKinkBound *bound)
{
  if (bound == NULL)
    return;
  for (guint l = 0; l < bound->hidden; l++)
    {
      g_free (bound->coef[l]);
      g_free (bound->margin[l]);
    }
  g_free (bound->coef);
  g_free (bound->margin);
  g_free (bound->count);
  g_free (bound);
}

SaddleKinkBound *
_saddle_kink_bound_new (const SaddleModel *model,
                        const double      *theta,
                        const double      *delta,
                        const double      *x,
                        gsize              n,
                        const gint8       *toward)
{
  const double u = ldexp (1.0, -53);
  guint hidden = model->n_layers - 1;
  gsize in0 = model->widths[0], mw = model->max_weights;
  g_autoptr(SaddleKinkBound) bound = g_new0 (SaddleKinkBound, 1);
  g_autofree double *input = g_try_new (double, MAX (n * in0, 1));
  g_autofree double *s = g_try_new (double, MAX (mw, 1));
  g_autofree double *t = g_try_new (double, MAX (mw, 1));
  g_autofree double *k0 = g_try_new (double, MAX (mw, 1));
  g_autofree double *k1 = g_try_new (double, MAX (mw, 1));
  gsize at = 0;

  bound->hidden = hidden;
  bound->count = g_new0 (gsize, MAX (hidden, 1));
  bound->coef = g_new0 (double *, MAX (hidden, 1));
  bound->margin = g_new0 (double *, MAX (hidden, 1));
  if (input == NULL || s == NULL || t == NULL || k0 == NULL || k1 == NULL)
    return NULL;
  for (gsize i = 0; i < n * in0; i++)
    input[i] = fabs (x[i]);

  bound->usable = TRUE;
  for (guint l = 0; l < hidden; l++)
    {
      gsize in = model->widths[l], out = model->widths[l + 1], count = n * out;
      const double *w = theta + model->offsets[l], *b = w + out * in;
      const double *dw = delta + model->offsets[l], *db = dw + out * in;
      const double *a = l == 0 ? input : model->a[l - 1];   /* activations: ≥ 0 */
      const double *z = model->z[l];
      double gamma = (double) (in + 2) * u / (1.0 - (double) (in + 2) * u);
      double underflow = 2.0 * (double) (in + 2) * ldexp (1.0, -1074);   /* both passes */
      double *c, *prev = l > 0 ? bound->coef[l - 1] : NULL;
      gsize prev_count = l > 0 ? bound->count[l - 1] : 0;

      bound->count[l] = count;
      c = bound->coef[l] = g_try_new0 (double, (l + 2) * count);
      bound->margin[l] = g_try_new (double, count);
      if (c == NULL || bound->margin[l] == NULL)
        return NULL;

      for (gsize j = 0; j < out * in; j++)
        {
          s[j] = (1.0 + u) * fabs (w[j]) + EPSILON;
          t[j] = (1.0 + 4.0 * u) * fabs (dw[j]);
          k0[j] = u * fabs (w[j]) + EPSILON + gamma * s[j] + gamma * fabs (w[j]);
          k1[j] = (1.0 + gamma) * t[j];
        }
      /* The biases' terms, then the input's, then the layer below's bound through W'. */
      for (gsize i = 0; i < n; i++)
        for (gsize o = 0; o < out; o++)
          {
            c[i * out + o] = (1.0 + gamma) * (u * fabs (b[o]) + EPSILON) + 2.0 * gamma * fabs (b[o])
                             + underflow;
            c[count + i * out + o] = (1.0 + gamma) * (1.0 + 4.0 * u) * fabs (db[o]);
          }
      add_product (n, out, in, 1.0, a, k0, c);
      add_product (n, out, in, 1.0, a, k1, c + count);
      for (guint p = 0; p <= l && prev != NULL; p++)
        {
          add_product (n, out, in, 1.0 + gamma, prev + p * prev_count, s, c + p * count);
          add_product (n, out, in, 1.0 + gamma, prev + p * prev_count, t, c + (p + 1) * count);
        }
      /* α ≤ 1 in the search: the coefficients' sum bounds D_l there, every entry's (one that
       * cannot cross may still overflow into the layer above). */
      for (gsize e = 0; e < count; e++)
        {
          double sum = 0.0;

          for (guint p = 0; p < l + 2; p++)
            sum += c[p * count + e];
          bound->usable = bound->usable && isfinite (sum) && sum < MAX_BOUND;
        }
      /* An infinite ẑ may be an overflowed sum whose true value is modest: never certified. */
      for (gsize e = 0; e < count; e++)
        bound->margin[l][e] = toward[at + e] == 0 ? INFINITY
                              : isfinite (z[e]) ? fabs (z[e]) : 0.0;
      at += count;
    }
  return g_steal_pointer (&bound);
}

gboolean
_saddle_kink_bound_holds (const SaddleKinkBound *bound,
                          double                 alpha)
{
  if (!bound->usable || !(alpha >= 0.0) || alpha > 1.0)
    return FALSE;
  for (guint l = 0; l < bound->hidden; l++)
    {
      gsize count = bound->count[l];
      const double *c = bound->coef[l], *margin = bound->margin[l];

      for (gsize e = 0; e < count; e++)
        {
          double d = 0.0;

          if (margin[e] == INFINITY)
            continue;
          for (guint p = l + 2; p-- > 0;)
            d = d * alpha + c[p * count + e];
          if (!(margin[e] > SAFETY * d + MIN_MARGIN))
            return FALSE;
        }
    }
  return TRUE;
}
