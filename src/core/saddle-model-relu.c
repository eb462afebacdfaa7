/* saddle-model-relu.c — where the ReLU network's piecewise-smooth loss changes piece
 *
 * Dead units, kinks crossed between two points, the first kink along a step, the hidden
 * pre-activations and the gradient's jump when one gate switches.
 */
#define G_LOG_DOMAIN "saddle-model-relu"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-kink-bound.h"
#include "saddle-model-private.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

/* saddle_model_first_kink(): the log grid starts 10^−12 of the step away and each
 * bisection halves the interval found (20: to a millionth of its ratio 10^0.1). */
#define FIRST_KINK_DECADES           12
#define FIRST_KINK_BISECTIONS        20

/* The forward pass over @batch for the ReLU pattern queries; FALSE (nothing to count) for
 * other activations, a batch that does not fit or scratch that cannot be had. */
static gboolean
relu_forward (SaddleModel       *model,
              const double      *theta,
              const SaddleBatch *batch)
{
  if (model->activation != SADDLE_ACTIVATION_RELU)
    return FALSE;
  if (!_saddle_model_batch_usable (model, batch, FALSE))
    return FALSE;
  if (!_saddle_model_ensure_forward (model, batch->n))
    {
      _saddle_model_warn_no_memory (model, batch->n, 0);
      return FALSE;
    }
  _saddle_model_forward (model, theta, batch->x, batch->n);
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

  _saddle_model_forward (model, theta_b, batch->x, batch->n);
  for (guint l = 0; l + 1 < model->n_layers; l++)
    for (gsize i = 0, count = batch->n * model->widths[l + 1]; i < count; i++)
      crossed += (side[k++] == 2) != (model->z[l][i] > 0.0);

  return crossed;
}

/* Whether one of @count pre-activations @z has crossed its kink: z·toward > 0, @toward being
 * +1 where it was below its kink, −1 above, 0 on it (or NaN: crosses nothing, as NaN does). */
static gboolean
crossed (const double *z,
         const gint8  *toward,
         gsize         count)
{
  gboolean hit = FALSE;

  for (gsize i = 0; i < count; i++)
    hit |= z[i] * toward[i] > 0.0;
  return hit;
}

#if defined(__x86_64__) && defined(__GNUC__)
/* crossed() four at a time, without a branch: the comparison took 42 % of a first-kink search
 * on the 1-31-31-1 net, one branch an entry (AVX2 machine, Session 21). */
__attribute__ ((target ("avx2"))) static gboolean
crossed_avx2 (const double *z,
              const gint8  *toward,
              gsize         count)
{
  __m256d zero = _mm256_setzero_pd (), hit = zero;
  gsize i = 0;

  for (; i + 4 <= count; i += 4)
    {
      gint32 four;
      __m256d sign;

      memcpy (&four, toward + i, sizeof four);
      sign = _mm256_cvtepi32_pd (_mm_cvtepi8_epi32 (_mm_cvtsi32_si128 (four)));
      hit = _mm256_or_pd (hit, _mm256_cmp_pd (_mm256_mul_pd (_mm256_loadu_pd (z + i), sign),
                                              zero, _CMP_GT_OQ));
    }
  return _mm256_movemask_pd (hit) != 0 || crossed (z + i, toward + i, count - i);
}
#endif

/* Whether some hidden pre-activation at θ + α·δ has crossed its kink: strictly on the other
 * side than at θ, as @toward (crossed()) has it. One exactly at its kink at θ (a dead unit's
 * untouched zero bias on a sample that reaches it with no active input) sits on it and
 * crosses nothing. */
static gboolean
relu_sides_differ (SaddleModel       *model,
                   const double      *theta,
                   const double      *delta,
                   double             alpha,
                   const SaddleBatch *batch,
                   const gint8       *toward,
                   double            *point)
{
#if defined(__x86_64__) && defined(__GNUC__)
  gboolean avx2 = __builtin_cpu_supports ("avx2");
#endif
  gsize k = 0;

  for (gsize j = 0; j < model->n_params; j++)
    point[j] = theta[j] + alpha * delta[j];
  _saddle_model_forward (model, point, batch->x, batch->n);
  for (guint l = 0; l + 1 < model->n_layers; l++)
    {
      gsize count = batch->n * model->widths[l + 1];
      gboolean hit;

#if defined(__x86_64__) && defined(__GNUC__)
      if (avx2)
        hit = crossed_avx2 (model->z[l], toward + k, count);
      else
#endif
        hit = crossed (model->z[l], toward + k, count);
      if (hit)
        return TRUE;
      k += count;
    }
  return FALSE;
}

/* The search's grid point @j: 10^(j/10 − FIRST_KINK_DECADES). */
static double
grid_point (int j)
{
  return pow (10.0, -FIRST_KINK_DECADES + j / 10.0);
}

double
saddle_model_first_kink (SaddleModel       *model,
                         const double      *theta,
                         const double      *delta,
                         const SaddleBatch *batch)
{
  g_autofree guint8 *side = NULL;
  g_autofree double *point = NULL;
  g_autoptr(SaddleKinkBound) bound = NULL;
  gint8 *toward;
  double below = 0.0, above = NAN;
  gsize count;
  int certified = 0;   /* grid points below it need no pass: nothing can cross there */

  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL && delta != NULL, NAN);

  if (!relu_forward (model, theta, batch))
    return NAN;
  count = batch->n * model->sum_hidden;
  side = g_try_malloc (MAX (count, 1));
  point = g_try_new (double, model->n_params);
  if (side == NULL || point == NULL)
    return NAN;
  relu_sides (model, batch->n, side);
  /* The sign a crossing gives z: +1 below the kink (side 0), −1 above (2), none on it (1);
   * in the sides' bytes, relu_sides() being shared with saddle_model_count_kinks_crossed(). */
  toward = (gint8 *) side;
  for (gsize k = 0; k < count; k++)
    toward[k] = (gint8) (1 - side[k]);
  /* From this forward pass at θ, before any other. The bound grows with α: the grid points it
   * certifies are the first ones, found by halving. */
  bound = _saddle_kink_bound_new (model, theta, delta, batch->x, batch->n, toward);
  if (bound != NULL)
    {
      int fails = FIRST_KINK_DECADES * 10 + 1;   /* the first grid point it does not certify */

      while (certified < fails)
        {
          int j = certified + (fails - certified) / 2;

          if (_saddle_kink_bound_holds (bound, grid_point (j)))
            certified = j + 1;
          else
            fails = j;
        }
    }

  /* Pre-activations of deeper layers are polynomials in α between kinks, so
   * there is no closed form to solve: walk a log grid, 10 points a decade
   * from 10^−FIRST_KINK_DECADES to 1, then bisect the first interval that changes.
   * A point the bound certifies needs no forward pass: it would have found no change. On
   * the 1-31-31-1 net it certified 61 of the 81 grid points below a kink 10⁻⁴ along a step. */
  for (int j = 0; j <= FIRST_KINK_DECADES * 10; j++)
    {
      double alpha = grid_point (j);

      if (j < certified)
        {
          below = alpha;
          continue;
        }
      if (relu_sides_differ (model, theta, delta, alpha, batch, toward, point))
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

      /* The bound grows with α: past the first grid point it failed at, it fails again. */
      if ((bound == NULL || mid >= grid_point (certified)
           || !_saddle_kink_bound_holds (bound, mid))
          && relu_sides_differ (model, theta, delta, mid, batch, toward, point))
        above = mid;
      else
        below = mid;
    }
  return above;
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

  if (!_saddle_model_batch_usable (model, batch, FALSE))
    return FALSE;
  if (!_saddle_model_ensure_forward (model, batch->n))
    {
      _saddle_model_warn_no_memory (model, batch->n, 0);
      return FALSE;
    }
  _saddle_model_forward (model, theta, batch->x, batch->n);

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
  if (!_saddle_model_batch_usable (model, batch, TRUE) || sample >= batch->n)
    return FALSE;
  if (!_saddle_model_ensure_forward (model, 1))
    {
      _saddle_model_warn_no_memory (model, 1, 0);
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
  _saddle_model_forward (model, theta, one.x, 1);
  _saddle_model_compute_loss (model, &one, TRUE);
  for (gsize o = 0; o < n_out; o++)
    model->delta[L - 1][o] /= (double) batch->n;
  /* curv[layer] is then ∂L/∂a of that layer, before the gate (ReLU has no σ''). */
  _saddle_model_backward_from (model, theta, one.x, 1, L - 1, NULL);

  /* The jump starts as a one-hot δ at the unit: (new gate − old gate)·∂L/∂a. */
  flip = model->d[layer][unit] > 0.0 ? -1.0 : 1.0;
  memset (model->delta[layer], 0, model->widths[layer + 1] * sizeof (double));
  model->delta[layer][unit] = flip * model->curv[layer][unit];
  memset (jump, 0, model->n_params * sizeof (double));
  _saddle_model_backward_from (model, theta, one.x, 1, layer, jump);

  return TRUE;
}
