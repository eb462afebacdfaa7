/* saddle-model-regions-forward.c — the forward pass by linear region: every sample's output and
 * the regions, without every sample's activations
 *
 * In a network with one input and a piecewise-linear activation, layer l's pre-activations are
 * affine in the input x on the samples that share the activation patterns of the layers below
 * it, one map for each run of consecutive samples with those patterns. A map is kept as its
 * value and slope at a centre c of its run, z_l(x) = Z + A·(x − c), and Z in two doubles
 * (Z_hi + Z_lo, to about twice double precision by saddle-compensated.c's sums): every sample
 * of a run shares the map, so a rounding error in it would move all their outputs alike, and
 * at a critical point the gradient sums their residuals with much cancellation. As A·x + B in
 * doubles, ‖∇L‖ at 4 default critical points came 3–11 times further from a long-double
 * evaluation than by sample (up to 7.5e-13 against 1.1e-13 relative); kept so, it is as close
 * as the per-sample pass (at 12 points, medians 2.0e-14 and 1.5e-14: tests/bench/torch/
 * README.md, Sessions 18 and 20).
 *
 * The pass goes up level by level. At level l each sample's z_l gives it layer l's pattern,
 * one bit a unit; a change of pattern starts a new run, so the runs of level l + 1 split those
 * of level l; and each new run, centred at c, has for the layer above
 *
 *   A' = W_{l+1}·(D ⊙ A),   Z' = W_{l+1}·(D ⊙ z_l(c)) + b_{l+1}    (D: its pattern of layer l)
 *
 * with z_l(c) from its parent's map: A' one product with R rows for R runs, Z' the per-sample
 * pass's sums at x = c, compensated. At the top, z_{L−1}(x) is the output. A sample's
 * pattern costs a subtraction, and two additions, a multiplication and a comparison a unit,
 * where the per-sample pass multiplies a matrix row (1-31-31-1: 31 units against 961 products
 * in the second layer), and writes no activations; with ascending inputs only a few samples'
 * patterns are computed for each change of pattern (split()'s halving), and the others cost
 * their output alone. The runs of the top level are the linear
 * regions saddle-model-regions.c sums over; their patterns go into the σ' rows of their first
 * samples, where it reads them.
 *
 * Each output is the per-sample value with its sums grouped differently: equal to rounding
 * (tests/test-model.c compares them). A sample is placed by its own z_l, so one within rounding
 * of a kink may fall on the other side than in the per-sample pass; both sides give it the
 * same value there. A NaN input at a run's end makes its centre, and so every output of the
 * run, NaN: the loss is NaN either way, and the callers then take the per-sample pass.
 */
#define G_LOG_DOMAIN "saddle-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-compensated.h"
#include "saddle-flops.h"
#include "saddle-model-private.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#define BITS 64

/* One level: its runs' starts (R + 1, the last n), the run of the level below each came from,
 * the patterns of the layers below (R × words), and layer l's maps: slopes A (R rows), values
 * at the centres Z_hi (R rows) and Z_lo (R rows), the centres (R). */
typedef struct
{
  gsize    R;
  gsize   *first;
  gsize   *parent;
  guint64 *mask;
  double  *map;
  double  *centre;
} Level;

static gsize
words_of (gsize units)
{
  return (units + BITS - 1) / BITS;
}

/* The words of pattern of the hidden layers below @upto: where layer @upto's begin in a run's
 * pattern, or with n_layers − 1, the whole pattern's length. */
static gsize
mask_words (const SaddleModel *model,
            guint              upto)
{
  gsize words = 0;

  for (guint l = 0; l < upto; l++)
    words += words_of (model->widths[l + 1]);
  return words;
}

/* z_k(x) = Z_hi + (A·dx + Z_lo) at dx = x − c. */
static inline double
map_at (double a,
        double hi,
        double lo,
        double dx)
{
  return hi + (a * dx + lo);
}

/* One word of pattern: bit k set where z_k > 0, for the @units ≤ 64 units from @a, @hi, @lo
 * (ReLU′ = 1 there, as act_deriv() has it; NaN gives 0). */
static guint64
positive_word (const double *a,
               const double *hi,
               const double *lo,
               double        dx,
               gsize         units)
{
  guint64 word = 0;

  for (gsize k = 0; k < units; k++)
    word |= (guint64) (map_at (a[k], hi[k], lo[k], dx) > 0.0) << k;
  return word;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* The same, four units a step, in a register: the same products, sums and comparisons. */
__attribute__ ((target ("avx"))) static guint64
positive_word_avx (const double *a,
                   const double *hi,
                   const double *lo,
                   double        dx,
                   gsize         units)
{
  __m256d vdx = _mm256_set1_pd (dx);
  __m256d zero = _mm256_setzero_pd ();
  guint64 word = 0;
  gsize k = 0;

  for (; k + 4 <= units; k += 4)
    {
      __m256d low = _mm256_add_pd (_mm256_mul_pd (_mm256_loadu_pd (a + k), vdx),
                                   _mm256_loadu_pd (lo + k));
      __m256d v = _mm256_add_pd (_mm256_loadu_pd (hi + k), low);

      word |= (guint64) _mm256_movemask_pd (_mm256_cmp_pd (v, zero, _CMP_GT_OQ)) << k;
    }
  /* Shifting a 64-bit word by 64 is undefined: only a tail is shifted in. */
  if (k < units)
    word |= positive_word (a + k, hi + k, lo + k, dx, units - k) << k;
  return word;
}
#endif

/* One sample's pattern of a layer of @units units into @words; every bit for the identity. */
static void
pattern (SaddleActivation  activation,
         const double     *a,
         const double     *hi,
         const double     *lo,
         double            dx,
         gsize             units,
         gboolean          avx,
         guint64          *words)
{
  for (gsize w = 0, k = 0; k < units; w++, k += BITS)
    {
      gsize here = MIN (BITS, units - k);

      if (activation == SADDLE_ACTIVATION_IDENTITY)
        words[w] = here == BITS ? G_MAXUINT64 : ((guint64) 1 << here) - 1;
#if defined(__x86_64__) && defined(__GNUC__)
      else if (avx)
        words[w] = positive_word_avx (a + k, hi + k, lo + k, dx, here);
#endif
      else
        words[w] = positive_word (a + k, hi + k, lo + k, dx, here);
    }
}

static gboolean
bit_set (const guint64 *words,
         gsize          u)
{
  return (words[u / BITS] >> (u % BITS)) & 1;
}

/* Room for two levels of up to @max runs each; FALSE if it cannot be had. */
static gboolean
ensure_levels (SaddleModel *model,
               gsize        max,
               Level        level[2])
{
  gsize words = mask_words (model, model->n_layers - 1);
  gsize index_need = 2 * (2 * max + 1);
  gsize mask_need = 2 * max * MAX (words, 1);
  /* Two levels of 3R rows, map_up()'s scratch (Scratch), two levels' centres. */
  gsize centres = 9 * max * model->max_out + 8 * model->max_out;
  gsize map_need = centres + 2 * max;

  if (model->level_index_cap < index_need)
    {
      g_free (model->level_index);
      model->level_index = g_try_new (gsize, index_need);
      model->level_index_cap = model->level_index != NULL ? index_need : 0;
    }
  if (model->level_mask_cap < mask_need)
    {
      g_free (model->level_mask);
      model->level_mask = g_try_new (guint64, mask_need);
      model->level_mask_cap = model->level_mask != NULL ? mask_need : 0;
    }
  if (model->level_index == NULL || model->level_mask == NULL
      || !_saddle_model_grow_buffer (&model->level_map, &model->level_map_cap, map_need))
    return FALSE;

  for (guint s = 0; s < 2; s++)
    {
      level[s].R = 0;
      level[s].first = model->level_index + s * (2 * max + 1);
      level[s].parent = level[s].first + max + 1;
      level[s].mask = model->level_mask + s * max * MAX (words, 1);
      level[s].map = model->level_map + s * 3 * max * model->max_out;
      level[s].centre = model->level_map + centres + s * max;
    }
  return TRUE;
}

/* Whether the inputs are finite and in ascending order. Then a unit's z_l on a run is monotone
 * in x, as computed too (x − c, the product, the two sums: each rounding is monotone), and a
 * unit with the same sign at two samples keeps it at those between. */
static gboolean
ascending (const double *x,
           gsize         n)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (x[i]) || (i > 0 && x[i] < x[i - 1]))
      return FALSE;
  return TRUE;
}

/* One split of a level's runs by layer l's pattern: the run being split, and its map. */
typedef struct
{
  const SaddleModel *model;
  const double      *x;
  const Level       *below;
  Level             *above;
  gsize              max;
  gsize              units, words, at, own;
  gboolean           avx;
  gsize              r;
  const double      *a, *hi, *lo;
  double             c;
  gsize              patterns;   /* computed: for the FLOP count */
} Split;

static void
split_pattern (Split   *s,
               gsize    i,
               guint64 *words)
{
  s->patterns++;
  pattern (s->model->activation, s->a, s->hi, s->lo, s->x[i] - s->c, s->units, s->avx, words);
}

/* Whether two patterns of @own words agree: inline, as most are one word. */
static inline gboolean
same_pattern (const guint64 *p,
              const guint64 *q,
              gsize          own)
{
  for (gsize w = 0; w < own; w++)
    if (p[w] != q[w])
      return FALSE;
  return TRUE;
}

/* A run of the level above starts at sample @i, with layer l's pattern @now; FALSE when there
 * would be more than max runs. */
static gboolean
start_run (Split         *s,
           gsize          i,
           const guint64 *now)
{
  Level *above = s->above;
  guint64 *mask;

  if (above->R == s->max)
    return FALSE;
  above->first[above->R] = i;
  above->parent[above->R] = s->r;
  mask = above->mask + above->R * s->words;
  memcpy (mask, s->below->mask + s->r * s->words, s->at * sizeof (guint64));
  memcpy (mask + s->at, now, s->own * sizeof (guint64));
  above->R++;
  return TRUE;
}

/* The runs that start after sample @i0 up to @i1 (patterns @p0 and @p1), x ascending: none if
 * the patterns agree, else found by halving. A few patterns per change of pattern, where the
 * scan takes one a sample. */
static gboolean
halve (Split         *s,
       gsize          i0,
       const guint64 *p0,
       gsize          i1,
       const guint64 *p1)
{
  guint64 mid_pattern[8];
  gsize mid;

  if (same_pattern (p0, p1, s->own))
    return TRUE;
  if (i1 == i0 + 1)
    return start_run (s, i1, p1);
  mid = i0 + (i1 - i0) / 2;
  split_pattern (s, mid, mid_pattern);
  return halve (s, i0, p0, mid, mid_pattern) && halve (s, mid, mid_pattern, i1, p1);
}

/* The runs that start in run r: at each sample whose pattern differs from the one before. */
static gboolean
scan (Split   *s,
      guint64 *now,
      guint64 *before)
{
  for (gsize i = s->below->first[s->r]; i < s->below->first[s->r + 1]; i++)
    {
      guint64 *swap;

      split_pattern (s, i, now);
      if ((i == s->below->first[s->r] || !same_pattern (now, before, s->own))
          && !start_run (s, i, now))
        return FALSE;
      swap = before;
      before = now;
      now = swap;
    }
  return TRUE;
}

/* Splits the runs of @below by layer @l's pattern into @above, at most @max of them; the
 * patterns it computed into @patterns. */
static gboolean
split (const SaddleModel *model,
       guint              l,
       const double      *x,
       gboolean           sorted,
       const Level       *below,
       gsize              max,
       Level             *above,
       gsize             *patterns)
{
  Split s = { model, x, below, above, max };
  guint64 bits[2][8] = { { 0 } };
  g_autofree guint64 *heap = NULL;
  guint64 *now, *before;

  s.units = model->widths[l + 1];
  s.words = mask_words (model, model->n_layers - 1);
  s.at = mask_words (model, l);
  s.own = words_of (s.units);
#if defined(__x86_64__) && defined(__GNUC__)
  s.avx = __builtin_cpu_supports ("avx");
#endif
  /* Two samples' patterns: on the stack up to 512 units (and only then halving, whose
   * patterns are on the stack). */
  if (s.own <= 8)
    {
      now = bits[0];
      before = bits[1];
    }
  else
    {
      heap = g_new0 (guint64, 2 * s.own);
      now = heap;
      before = heap + s.own;
      sorted = FALSE;
    }

  above->R = 0;
  for (s.r = 0; s.r < below->R; s.r++)
    {
      gsize first = below->first[s.r], last = below->first[s.r + 1] - 1;

      s.a = below->map + s.r * s.units;
      s.hi = below->map + (below->R + s.r) * s.units;
      s.lo = below->map + (2 * below->R + s.r) * s.units;
      s.c = below->centre[s.r];
      if (!sorted)
        {
          if (!scan (&s, now, before))
            return FALSE;
          continue;
        }
      split_pattern (&s, first, now);
      if (!start_run (&s, first, now))
        return FALSE;
      if (last > first)
        {
          split_pattern (&s, last, before);
          if (!halve (&s, first, now, last, before))
            return FALSE;
        }
    }
  above->first[above->R] = below->first[below->R];
  *patterns = s.patterns;
  return TRUE;
}

/* map_up()'s room: the slopes' product input (D ⊙ A, R rows), the values there (D ⊙ z_l(c),
 * R rows as hi and lo) and the compensated sums' panel (8 rows). */
typedef struct
{
  double *slopes;
  double *values_hi;
  double *values_lo;
  double *panel;
} Scratch;

/* The maps of layer @l + 1 for the runs of @above, each centred between its first and last
 * sample: A' = W·(D ⊙ A) by one product, and Z' = W·(D ⊙ z_l(c)) + b by compensated sums, from
 * their parents' maps of layer @l in @below. */
static void
map_up (SaddleModel       *model,
        const double      *theta,
        guint              l,
        const double      *x,
        const Level       *below,
        Level             *above,
        const Scratch     *scratch)
{
  gsize in = model->widths[l + 1], out = model->widths[l + 2];
  gsize words = mask_words (model, model->n_layers - 1);
  gsize at = mask_words (model, l);
  gsize R = above->R;
  const double *w = theta + model->offsets[l + 1];
  const double *bias = w + out * in;

  for (gsize j = 0; j < R; j++)
    {
      const guint64 *mask = above->mask + j * words + at;
      gsize p = above->parent[j];
      const double *a = below->map + p * in;
      const double *hi = below->map + (below->R + p) * in;
      const double *lo = below->map + (2 * below->R + p) * in;
      /* Halves apart: the sum of two inputs near the largest double would overflow. */
      double c = 0.5 * x[above->first[j]] + 0.5 * x[above->first[j + 1] - 1];
      double dx, dx_lo;
      double *slopes = scratch->slopes + j * in;
      double *values_hi = scratch->values_hi + j * in;
      double *values_lo = scratch->values_lo + j * in;

      above->centre[j] = c;
      /* The step from the parent's centre exactly (a rounded one would move every sample of
       * the run alike: a review's finding). */
      saddle_compensated_sum (c, -below->centre[p], &dx, &dx_lo);
      saddle_compensated_axpy (in, a, dx, dx_lo, hi, lo, values_hi, values_lo, TRUE);
      for (gsize u = 0; u < in; u++)
        {
          gboolean on = bit_set (mask, u);

          slopes[u] = on ? a[u] : 0.0;
          values_hi[u] = on ? values_hi[u] : 0.0;
          values_lo[u] = on ? values_lo[u] : 0.0;
        }
    }
  saddle_compensated_affine (R, out, in, w, bias, scratch->values_hi, scratch->values_lo,
                             above->map + R * out, above->map + 2 * R * out, scratch->panel,
                             TRUE);
  _saddle_model_gemm (CblasNoTrans, CblasTrans, R, out, in, scratch->slopes, in, w, in, 0.0,
                      above->map, out);
}

gboolean
_saddle_model_regions_forward (SaddleModel  *model,
                               const double *theta,
                               const double *x,
                               gsize         n,
                               gsize         max_regions,
                               gsize        *n_regions)
{
  guint L = model->n_layers;
  gsize words = mask_words (model, L - 1);
  gsize o0 = model->widths[1];
  const double *w0 = theta + model->offsets[0];
  Level level[2];
  Level *below = &level[0], *above = &level[1];
  /* Each hidden layer's runs and patterns computed: for the FLOP count. */
  gsize *runs = g_newa (gsize, L), *patterns = g_newa (gsize, L);
  Scratch scratch;
  gboolean sorted;

  g_return_val_if_fail (model->widths[0] == 1, FALSE);

  if (n == 0 || max_regions == 0 || !ensure_levels (model, max_regions, level)
      || !_saddle_model_ensure_region_first (model, max_regions + 1))
    return FALSE;
  scratch.slopes = model->level_map + 6 * max_regions * model->max_out;
  scratch.values_hi = scratch.slopes + max_regions * model->max_out;
  scratch.values_lo = scratch.values_hi + max_regions * model->max_out;
  scratch.panel = scratch.values_lo + max_regions * model->max_out;

  sorted = ascending (x, n);

  /* Level 0: one run, z_0 = w_0·x + b_0, centred at 0: as the per-sample pass computes it. */
  below->R = 1;
  below->first[0] = 0;
  below->first[1] = n;
  below->centre[0] = 0.0;
  memcpy (below->map, w0, o0 * sizeof (double));
  memcpy (below->map + o0, w0 + o0, o0 * sizeof (double));
  memset (below->map + 2 * o0, 0, o0 * sizeof (double));

  for (guint l = 0; l + 1 < L; l++)
    {
      Level *swap;

      if (!split (model, l, x, sorted, below, max_regions, above, &patterns[l]))
        return FALSE;
      runs[l] = above->R;
      map_up (model, theta, l, x, below, above, &scratch);
      swap = below;
      below = above;
      above = swap;
    }

  /* The outputs, and the regions with their patterns where saddle-model-regions.c reads them. */
  for (gsize r = 0; r < below->R; r++)
    {
      gsize m = model->widths[L];
      const double *a = below->map + r * m;
      const double *hi = below->map + (below->R + r) * m;
      const double *lo = below->map + (2 * below->R + r) * m;
      const guint64 *mask = below->mask + r * words;

      for (gsize i = below->first[r]; i < below->first[r + 1]; i++)
        {
          double dx = x[i] - below->centre[r];

          for (gsize u = 0; u < m; u++)
            model->z[L - 1][i * m + u] = map_at (a[u], hi[u], lo[u], dx);
        }

      for (guint l = 0, at = 0; l + 1 < L; at += words_of (model->widths[l + 1]), l++)
        {
          gsize o = model->widths[l + 1];
          double *d = model->d[l] + below->first[r] * o;

          for (gsize u = 0; u < o; u++)
            d[u] = bit_set (mask + at, u) ? 1.0 : 0.0;
        }
      model->region_first[r] = below->first[r];
    }
  model->region_first[below->R] = n;
  model->region_tally.forward_flops += saddle_flops_forward_regions (model, n, runs, patterns);
  *n_regions = below->R;
  return TRUE;
}
