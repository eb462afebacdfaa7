/* saddle-kink-bound.c — steps too short to move any ReLU pre-activation across its kink
 *
 * Let ẑ_l and â_l be hidden layer l's pre-activations and activations as the forward pass
 * computes them at θ, and ẑ'_l, â'_l at θ' = fl(θ + fl(α·δ)). Then |θ' − θ| ≤ α·(1 + 4u)·|δ|
 * + u·|θ| (u = 2⁻⁵³), so |W'| ≤ S + α·T with S = (1 + u)·|W| and T = (1 + 4u)·|ΔW|, and
 * likewise for the biases. Each ẑ is a sum of in + 1 terms, rounded in whatever order the
 * kernel takes: its error is at most γ·Σ|terms|, γ = (in + 2)·u / (1 − (in + 2)·u) (Higham,
 * "Accuracy and Stability of Numerical Algorithms", 2002, §3.1; an FMA only lowers it).
 * ReLU moves â by no more than ẑ, so D_l, a bound on |ẑ'_l − ẑ_l|, follows layer by layer:
 *
 *   D_l ≤ (1 + γ)·D_{l−1}·(S + α·T)ᵀ + |â_{l−1}|·((1 + γ)·α·T + u·|W| + γ·S + γ·|W|)ᵀ
 *         + (1 + γ)·(α·T_b + u·|b|) + 2γ·|b|,
 *
 * with D_{−1} = 0 and â_{−1} the input x. Relative bounds say nothing of underflow, where a
 * product's error is absolute, up to 2⁻¹⁰⁷⁵: each sum of in + 1 terms, in either pass, adds
 * (in + 2)·2⁻¹⁰⁷⁴ more, counted in full. D_l is a polynomial in α of degree l + 1 with
 * nonnegative coefficients, each an (n × width) block set up once by GEMMs of absolute
 * values. A pre-activation with |ẑ(θ)| > D_l(α) keeps its sign at θ + α·δ as computed. The
 * blocks are themselves computed in floating point, so the test asks for twice the bound:
 * far more than their relative rounding of (in + 2)·u.
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

struct _SaddleKinkBound
{
  guint    hidden;       /* hidden layers */
  gsize   *count;        /* (hidden): n × width entries of each */
  double **coef;         /* coef[l]: l + 2 blocks of count[l], α⁰ first */
  double **margin;       /* margin[l]: |ẑ(θ)| where it can cross, +∞ where it cannot */
  gboolean finite;       /* every coefficient finite: else the bound never holds */
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

  bound->finite = TRUE;
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
          s[j] = (1.0 + u) * fabs (w[j]);
          t[j] = (1.0 + 4.0 * u) * fabs (dw[j]);
          k0[j] = (u + gamma * (2.0 + u)) * fabs (w[j]);   /* u·|W| + γ·S + γ·|W| */
          k1[j] = (1.0 + gamma) * t[j];
        }
      /* The biases' terms, then the input's, then the layer below's bound through W'. */
      for (gsize i = 0; i < n; i++)
        for (gsize o = 0; o < out; o++)
          {
            c[i * out + o] = ((1.0 + gamma) * u + 2.0 * gamma) * fabs (b[o]) + underflow;
            c[count + i * out + o] = (1.0 + gamma) * (1.0 + 4.0 * u) * fabs (db[o]);
          }
      add_product (n, out, in, 1.0, a, k0, c);
      add_product (n, out, in, 1.0, a, k1, c + count);
      for (guint p = 0; p <= l && prev != NULL; p++)
        {
          add_product (n, out, in, 1.0 + gamma, prev + p * prev_count, s, c + p * count);
          add_product (n, out, in, 1.0 + gamma, prev + p * prev_count, t, c + (p + 1) * count);
        }
      for (gsize e = 0; e < (l + 2) * count; e++)
        bound->finite = bound->finite && isfinite (c[e]);
      for (gsize e = 0; e < count; e++)
        bound->margin[l][e] = toward[at + e] != 0 ? fabs (z[e]) : INFINITY;
      at += count;
    }
  return g_steal_pointer (&bound);
}

gboolean
_saddle_kink_bound_holds (const SaddleKinkBound *bound,
                          double                 alpha)
{
  if (!bound->finite || !(alpha >= 0.0) || !isfinite (alpha))
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
