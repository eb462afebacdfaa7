/* test-clarke.c — the Clarke distance of ReLU nets: gradient jumps, the box-constrained solver
 *
 * References are independent of the code under test: jumps against Richardson-extrapolated
 * differences of gradients on both sides of one kink (θ moved through that unit's bias), the
 * distance against the minimum-norm point of the convex hull of all 2^m adjacent pieces'
 * gradients, found by enumerating the hull's faces (every small support, its affine
 * least-norm point kept when its weights are a convex combination).
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <lapacke.h>

#include "saddle-clarke.h"
#include "saddle-model.h"
#include "saddle-test-util.h"

typedef SaddleTestRig Rig;

/* A small net on random data, biases away from 0 so the first layer's kinks are spread over
 * the inputs. */
static void
rig_init (Rig              *rig,
          const guint      *widths,
          guint             n_widths,
          SaddleActivation  activation,
          SaddleLoss        loss,
          gsize             n,
          guint64           seed)
{
  saddle_test_rig_init (rig, widths, n_widths, activation, loss, n, 0.4, seed);
}

#define rig_clear saddle_test_rig_clear

typedef struct
{
  gsize sample;
  guint layer;
  guint unit;
} Pair;

/* Flat index of the bias of @unit in hidden layer @layer. */
static gsize
bias_index (const Rig *rig,
            guint      layer,
            guint      unit)
{
  return saddle_model_layer_offset (rig->model, layer)
         + (gsize) rig->widths[layer] * rig->widths[layer + 1] + unit;
}

/* Column of (layer, unit) in a sample's row of pre-activations. */
static gsize
hidden_index (const Rig *rig,
              guint      layer,
              guint      unit)
{
  gsize first = 0;

  for (guint l = 0; l < layer; l++)
    first += rig->widths[l + 1];
  return first + unit;
}

static double *
preactivations (Rig          *rig,
                const double *theta)
{
  double *z = g_new (double, rig->batch.n * rig->H);

  g_assert_true (saddle_model_hidden_preactivations (rig->model, theta, &rig->batch, z));
  return z;
}

/* Moves the biases of @pairs (in layer order) so that pair k's pre-activation is @target[k]:
 * a layer's bias shifts only its own and later layers' pre-activations. Pairs of one unit share
 * its bias: the first one places it. */
static void
place_pairs (Rig          *rig,
             double       *theta,
             const Pair   *pairs,
             guint         n_pairs,
             const double *target)
{
  for (guint layer = 0; layer + 2 < rig->n_widths; layer++)
    for (guint pass = 0; pass < 3; pass++)
      {
        g_autofree double *z = preactivations (rig, theta);

        for (guint k = 0; k < n_pairs; k++)
          {
            gboolean again = FALSE;   /* the unit's bias was moved for an earlier pair */

            for (guint j = 0; j < k; j++)
              if (pairs[j].layer == pairs[k].layer && pairs[j].unit == pairs[k].unit)
                again = TRUE;
            if (pairs[k].layer == layer && !again)
              theta[bias_index (rig, layer, pairs[k].unit)]
                += target[k]
                   - z[pairs[k].sample * rig->H + hidden_index (rig, layer, pairs[k].unit)];
          }
      }
}

/* TRUE if every hidden pre-activation other than @pairs' has the same side at @a and @b, and
 * is at least @margin from its kink at both. */
static gboolean
same_sides_elsewhere (Rig          *rig,
                      const double *a,
                      const double *b,
                      const Pair   *pairs,
                      guint         n_pairs,
                      double        margin)
{
  g_autofree double *za = preactivations (rig, a);
  g_autofree double *zb = preactivations (rig, b);

  for (gsize i = 0; i < rig->batch.n; i++)
    for (guint l = 0; l + 2 < rig->n_widths; l++)
      for (guint u = 0; u < rig->widths[l + 1]; u++)
        {
          gsize c = i * rig->H + hidden_index (rig, l, u);
          gboolean listed = FALSE;

          for (guint k = 0; k < n_pairs; k++)
            if (pairs[k].sample == i && pairs[k].layer == l && pairs[k].unit == u)
              listed = TRUE;
          if (listed)
            continue;
          if ((za[c] > 0.0) != (zb[c] > 0.0) || fabs (za[c]) < margin || fabs (zb[c]) < margin)
            return FALSE;
        }
  return TRUE;
}

static double
norm2 (const double *v,
       gsize         n)
{
  return sqrt (saddle_test_dot (v, v, n));
}

/* The gradient on the piece where pair k sits on side sign[k]·(its kink) at @theta, from
 * gradients a distance h and 2h into that piece, extrapolated to h → 0 (Richardson: the
 * gradient is polynomial within a piece, its O(h) term cancels). */
static void
piece_gradient (Rig          *rig,
                const double *theta,
                const Pair   *pairs,
                guint         n_pairs,
                const double *sign,
                double        h,
                double       *grad)
{
  g_autofree double *moved = g_new (double, rig->P);
  g_autofree double *g1 = g_new (double, rig->P);
  g_autofree double *g2 = g_new (double, rig->P);
  double target[8];

  g_assert_cmpuint (n_pairs, <=, G_N_ELEMENTS (target));
  for (guint step = 1; step <= 2; step++)
    {
      memcpy (moved, theta, rig->P * sizeof (double));
      for (guint k = 0; k < n_pairs; k++)
        target[k] = sign[k] * h * step;
      place_pairs (rig, moved, pairs, n_pairs, target);
      /* Every other pre-activation keeps its side: only the listed kinks were crossed. */
      g_assert_true (same_sides_elsewhere (rig, theta, moved, pairs, n_pairs, 4.0 * h));
      {
        g_autofree double *z = preactivations (rig, moved);

        for (guint k = 0; k < n_pairs; k++)
          g_assert_true ((z[pairs[k].sample * rig->H
                             + hidden_index (rig, pairs[k].layer, pairs[k].unit)] > 0.0)
                         == (sign[k] > 0.0));
      }
      saddle_model_loss_grad (rig->model, moved, &rig->batch, step == 1 ? g1 : g2);
    }
  for (gsize p = 0; p < rig->P; p++)
    grad[p] = 2.0 * g1[p] - g2[p];
}

/* The minimum norm over the convex hull of @points (k, n): every support of up to @max_support
 * points, its affine least-norm point (a small KKT system) kept when its weights are ≥ 0. A
 * kept point is in the hull whatever the rounding (weights renormalised), and the minimiser
 * has an affinely independent support, so the least kept norm is the hull's. */
static double
hull_min_norm (const double *points,
               guint         k,
               gsize         n,
               guint         max_support)
{
  double best = G_MAXDOUBLE;

  for (guint64 mask = 1; mask < ((guint64) 1 << k); mask++)
    {
      guint idx[16];
      guint s = 0;
      double a[17 * 17];
      double rhs[17];
      lapack_int ipiv[17];
      double sum = 0.0;
      gboolean ok = TRUE;
      g_autofree double *p = NULL;

      for (guint j = 0; j < k; j++)
        if (mask & ((guint64) 1 << j))
          {
            if (s == max_support)
              {
                ok = FALSE;
                break;
              }
            idx[s++] = j;
          }
      if (!ok)
        continue;

      /* [G 1; 1ᵀ 0]·[λ; μ] = [0; 1], G the points' Gram matrix. */
      for (guint r = 0; r <= s; r++)
        for (guint c = 0; c <= s; c++)
          a[r * (s + 1) + c] = r < s && c < s
                               ? saddle_test_dot (points + idx[r] * n, points + idx[c] * n, n)
                               : (r == s && c == s ? 0.0 : 1.0);
      for (guint r = 0; r < s; r++)
        rhs[r] = 0.0;
      rhs[s] = 1.0;
      if (LAPACKE_dgesv (LAPACK_ROW_MAJOR, s + 1, 1, a, s + 1, ipiv, rhs, 1) != 0)
        continue;
      for (guint r = 0; r < s; r++)
        {
          if (!(rhs[r] >= 0.0))
            ok = FALSE;
          sum += rhs[r];
        }
      if (!ok || !(sum > 0.0))
        continue;

      p = g_new0 (double, n);
      for (guint r = 0; r < s; r++)
        for (gsize q = 0; q < n; q++)
          p[q] += rhs[r] / sum * points[idx[r] * n + q];
      best = MIN (best, norm2 (p, n));
    }

  return best;
}

/* (a) Each jump against the difference of the gradients just across its kink and just on
 * this side, the kink alone crossing (θ moved through its unit's bias). */
static void
check_jumps (SaddleLoss loss)
{
  const guint widths[] = { 1, 3, 3, 2 };
  Rig rig;
  guint checked = 0, nonzero = 0;
  const double h = 1e-7;

  rig_init (&rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, loss, 5, 11);
  for (gsize i = 0; i < rig.batch.n; i++)
    for (guint l = 0; l < 2; l++)
      for (guint u = 0; u < 3; u++)
        {
          Pair pair = { i, l, u };
          g_autofree double *theta = g_memdup2 (rig.theta, rig.P * sizeof (double));
          g_autofree double *z = NULL;
          g_autofree double *jump = g_new (double, rig.P);
          g_autofree double *cur = g_new (double, rig.P);
          g_autofree double *other = g_new (double, rig.P);
          /* Half the pairs just open (z = 1e-13), half closed (z = 0 to rounding; its side
           * is read back): the jump's sign follows the current side. */
          double at = (i + l + u) % 2 ? 1e-13 : 0.0, side, opposite, err, scale;
          gboolean open;

          place_pairs (&rig, theta, &pair, 1, &at);
          if (!same_sides_elsewhere (&rig, theta, theta, &pair, 1, 1e-3))
            continue;   /* another pre-activation too near its kink for the steps below */
          z = preactivations (&rig, theta);
          open = z[i * rig.H + hidden_index (&rig, l, u)] > 0.0;
          g_assert_cmpfloat (fabs (z[i * rig.H + hidden_index (&rig, l, u)] - at), <=, 1e-15);
          if (at > 0.0)
            g_assert_true (open);

          g_assert_true (saddle_model_gate_jump (rig.model, theta, &rig.batch, i, l, u, jump));
          side = open ? 1.0 : -1.0;
          opposite = -side;
          piece_gradient (&rig, theta, &pair, 1, &side, h, cur);
          piece_gradient (&rig, theta, &pair, 1, &opposite, h, other);

          err = 0.0;
          scale = norm2 (cur, rig.P);
          for (gsize p = 0; p < rig.P; p++)
            err = MAX (err, fabs (jump[p] - (other[p] - cur[p])));
          g_test_message ("pair (%" G_GSIZE_FORMAT ", %u, %u) %s: ‖J‖ %.3e, max error %.2e",
                          i, l, u, open ? "open" : "closed", norm2 (jump, rig.P), err);
          /* A unit whose signal is zero (it feeds only closed gates) has no jump: fine, but
           * most must have one, or the check is vacuous. */
          if (norm2 (jump, rig.P) > 1e-6 * scale)
            nonzero++;
          g_assert_cmpfloat (err, <=, 1e-10 * MAX (scale, 1e-3));
          /* Only the layers up to the pair's change. */
          for (gsize p = saddle_model_layer_offset (rig.model, l + 1); p < rig.P; p++)
            g_assert_cmpfloat (jump[p], ==, 0.0);
          checked++;
        }

  g_test_message ("%u of 30 pairs checked, %u with a jump", checked, nonzero);
  g_assert_cmpuint (checked, >=, 20);
  g_assert_cmpuint (nonzero, >=, 15);
  rig_clear (&rig);
}

static void
test_jump_mse (void)
{
  check_jumps (SADDLE_LOSS_MSE);
}

static void
test_jump_cross_entropy (void)
{
  check_jumps (SADDLE_LOSS_CROSS_ENTROPY);
}

/* Four kinks exactly at θ in different samples (two in each hidden layer): the jumps then add
 * up exactly, so the hull of the 16 pieces' gradients is the zonotope the solver works on. */
static const Pair kinked[] = { { 0, 0, 0 }, { 1, 0, 1 }, { 2, 1, 0 }, { 3, 1, 2 } };

static void
kinked_rig (Rig     *rig,
            gsize    n,
            guint64  seed)
{
  const guint widths[] = { 1, 3, 3, 1 };
  double zeros[G_N_ELEMENTS (kinked)] = { 0 };

  rig_init (rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, n, seed);
  place_pairs (rig, rig->theta, kinked, G_N_ELEMENTS (kinked), zeros);
}

/* Targets that put ∇L + J·t* at @noise·(a random vector's image) from zero: everything is
 * linear in the residuals r_i = f_i − y_i, so with v_i = ∇f_i + Σ t*_k ĵ_k (the per-sample
 * gradient and jumps at unit residual) any r in the null space of [v_1 … v_n] gives
 * ∇L + J·t* = 0, and ∇L ≠ 0 as long as r is not zero on the kinked samples. */
static void
hull_targets (Rig          *rig,
              const double *t_star,
              double        noise,
              guint64       seed)
{
  const gsize n = rig->batch.n;
  const guint m = G_N_ELEMENTS (kinked);
  g_autofree double *v = g_new0 (double, rig->P * n);   /* (P, n) column i is v_i */
  g_autofree double *f = g_new (double, n);             /* (n) outputs */
  g_autofree double *sv = g_new (double, n);
  g_autofree double *u = g_new (double, rig->P * rig->P);
  g_autofree double *vt = g_new (double, n * n);        /* (n, n) */
  g_autofree double *superb = g_new (double, n);
  g_autofree double *grad = g_new (double, rig->P);
  g_autofree double *one = g_new (double, rig->P);
  g_autofree double *draw = g_new (double, n);
  SaddleRng rng;

  g_assert_cmpuint (rig->P, <, n);
  saddle_model_predict (rig->model, rig->theta, &rig->batch, f);
  for (gsize i = 0; i < n; i++)
    {
      SaddleBatch single;
      double y = f[i] - 0.5;   /* (f − y)² has gradient 2·0.5·∇f = ∇f */

      saddle_test_batch_init (&single, rig->x + i, &y, 1, 1, 1);
      saddle_model_loss_grad (rig->model, rig->theta, &single, grad);
      for (guint k = 0; k < m; k++)
        if (kinked[k].sample == i)
          {
            g_assert_true (saddle_model_gate_jump (rig->model, rig->theta, &single, 0,
                                                   kinked[k].layer, kinked[k].unit, one));
            for (gsize p = 0; p < rig->P; p++)
              grad[p] += t_star[k] * one[p];
          }
      for (gsize p = 0; p < rig->P; p++)
        v[p * n + i] = grad[p];
    }

  /* Null space of V (P × n, P < n): the last n − P right singular vectors. */
  g_assert_cmpint (LAPACKE_dgesvd (LAPACK_ROW_MAJOR, 'A', 'A', rig->P, n, v, n, sv, u, rig->P,
                                   vt, n, superb), ==, 0);
  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    rig->targets[i] = f[i] - noise * saddle_rng_normal (&rng);
  /* r: a random vector's projection onto the null space, which does not depend on the basis
   * dgesvd returns for it (a sum of its vectors did: a rounding change in the per-sample
   * gradients turned that basis and moved the point by far more than rounding). */
  for (gsize i = 0; i < n; i++)
    draw[i] = saddle_rng_normal (&rng);
  for (gsize j = rig->P; j < n; j++)
    {
      double c = 0.0;

      for (gsize i = 0; i < n; i++)
        c += vt[j * n + i] * draw[i];
      for (gsize i = 0; i < n; i++)
        rig->targets[i] -= 0.1 * c * vt[j * n + i];
    }
}

/* (b) The distance against the brute-force minimum-norm point of all 2^m pieces, for random
 * targets (the nearest point is usually at or near one piece) and for targets that put the
 * hull near zero (hull_targets() with noise: a point inside a face of the hull, t fractional).
 * 16 seeds each: 9 of the rigs kept land inside a face with Haswell's kernels, 8 with
 * Cooperlake's (with 8 seeds and the old targets 3, and 2 once the per-sample gradients briefly
 * ran through dgemv). */
static void
test_brute_force (void)
{
  const guint m = G_N_ELEMENTS (kinked);
  const double t_star[] = { 0.2, 0.7, 0.4, 0.9 };
  guint tried[2] = { 0, 0 }, inside = 0;

  for (guint near = 0; near < 2; near++)
    for (guint64 seed = 1; seed <= 16; seed++)
      {
        g_autoptr(GError) error = NULL;
        g_autofree double *pieces = NULL;
        g_autofree double *z = NULL;
        SaddleClarke result;
        Rig rig;
        double brute, vertex_min = G_MAXDOUBLE;

        kinked_rig (&rig, near ? 30 : 8, seed);
        if (!same_sides_elsewhere (&rig, rig.theta, rig.theta, kinked, m, 1e-3))
          {
            rig_clear (&rig);
            continue;   /* another pre-activation too near its kink for the steps below */
          }
        if (near)
          hull_targets (&rig, t_star, 1e-4, seed);
        z = preactivations (&rig, rig.theta);
        for (guint k = 0; k < m; k++)
          g_assert_cmpfloat (fabs (z[kinked[k].sample * rig.H
                                     + hidden_index (&rig, kinked[k].layer, kinked[k].unit)]),
                             <=, 1e-14);

        pieces = g_new (double, ((gsize) 1 << m) * rig.P);
        for (guint s = 0; s < (1u << m); s++)
          {
            double sign[G_N_ELEMENTS (kinked)];

            for (guint k = 0; k < m; k++)
              sign[k] = (s >> k) & 1 ? 1.0 : -1.0;
            piece_gradient (&rig, rig.theta, kinked, m, sign, 1e-7, pieces + s * rig.P);
            vertex_min = MIN (vertex_min, norm2 (pieces + s * rig.P, rig.P));
          }
        brute = hull_min_norm (pieces, 1u << m, rig.P, 6);

        g_assert_true (saddle_clarke_measure (rig.model, rig.theta, &rig.batch, 1e-9, &result,
                                              &error));
        g_assert_no_error (error);
        g_test_message ("%s seed %" G_GUINT64_FORMAT ": ‖∇L‖ %.6e, nearest piece %.6e,"
                        " Clarke %.12e, brute force %.12e, %u kinks, %u solves",
                        near ? "near" : "random", seed, result.grad_norm, vertex_min,
                        result.distance, brute, result.kinks, result.iterations);
        g_assert_cmpuint (result.kinks, ==, m);
        g_assert_false (result.capped);
        g_assert_true (result.converged);
        g_assert_cmpfloat (fabs (result.distance - brute), <=, 1e-9 * result.grad_norm);
        if (result.distance < 0.99 * vertex_min)   /* not at a piece: inside a face */
          inside++;
        tried[near]++;
        rig_clear (&rig);
      }

  g_assert_cmpuint (tried[0], >=, 3);
  g_assert_cmpuint (tried[1], >=, 3);
  g_assert_cmpuint (inside, >=, 3);   /* the hull's inside was exercised, not only its corners */
}

/* One sample with kinks in both hidden layers: the stated approximation. Each switch alone is
 * exact, both together differ from ∇L + J_a + J_b by a cross term (the upper gate changes the
 * signal the lower kink sees); the hull's vertex is off by that much at most, so the distance
 * is too (the least norm over a hull moves no more than its vertices). */
static void
test_cross_layer (void)
{
  const guint widths[] = { 1, 3, 3, 1 };
  const Pair both[] = { { 0, 0, 1 }, { 0, 1, 2 } };
  const double signs[4][2] = { { -1, -1 }, { 1, -1 }, { -1, 1 }, { 1, 1 } };
  g_autoptr(GError) error = NULL;
  g_autofree double *pieces = g_new (double, 4 * 22);
  g_autofree double *jumps = g_new (double, 2 * 22);
  double zeros[2] = { 0, 0 }, cross[22], single = 0.0, cross_norm, brute;
  SaddleClarke result;
  guint tried = 0;

  for (guint64 seed = 1; seed <= 10 && tried == 0; seed++)
    {
      Rig rig;

      rig_init (&rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 6,
                seed);
      g_assert_cmpuint (rig.P, ==, 22);
      place_pairs (&rig, rig.theta, both, 2, zeros);
      if (!same_sides_elsewhere (&rig, rig.theta, rig.theta, both, 2, 1e-3))
        {
          rig_clear (&rig);
          continue;
        }
      for (guint c = 0; c < 4; c++)
        piece_gradient (&rig, rig.theta, both, 2, signs[c], 1e-7, pieces + c * rig.P);
      for (guint k = 0; k < 2; k++)
        g_assert_true (saddle_model_gate_jump (rig.model, rig.theta, &rig.batch, 0, both[k].layer,
                                               both[k].unit, jumps + k * rig.P));
      /* Both at z = 0: closed, so piece 0 is the current one. */
      for (gsize p = 0; p < rig.P; p++)
        {
          single = MAX (single, fabs (pieces[1 * rig.P + p] - pieces[p] - jumps[p]));
          single = MAX (single, fabs (pieces[2 * rig.P + p] - pieces[p] - jumps[rig.P + p]));
          cross[p] = pieces[3 * rig.P + p] - pieces[p] - jumps[p] - jumps[rig.P + p];
        }
      cross_norm = norm2 (cross, rig.P);
      brute = hull_min_norm (pieces, 4, rig.P, 4);
      g_assert_true (saddle_clarke_measure (rig.model, rig.theta, &rig.batch, 1e-9, &result,
                                            &error));
      g_assert_no_error (error);
      g_test_message ("seed %" G_GUINT64_FORMAT ": ‖J_a‖ %.3e, ‖J_b‖ %.3e, cross term %.3e;"
                      " distance %.9e, hull of the 4 pieces %.9e",
                      seed, norm2 (jumps, rig.P), norm2 (jumps + rig.P, rig.P), cross_norm,
                      result.distance, brute);
      g_assert_cmpfloat (single, <=, 1e-12);
      if (cross_norm > 1e-6)
        {
          g_assert_cmpuint (result.switches, ==, 2);
          g_assert_cmpfloat (fabs (result.distance - brute), <=, cross_norm + 1e-12);
          tried++;
        }
      rig_clear (&rig);
    }
  g_assert_cmpuint (tried, ==, 1);
}

/* (c) No kink within ε: the distance is ‖∇L‖. */
static void
test_no_kink (void)
{
  const guint widths[] = { 1, 3, 3, 1 };
  g_autoptr(GError) error = NULL;
  g_autofree SaddleKink *nearest = NULL;
  SaddleClarke result;
  gsize n_kinks = 0;
  guint64 within = 0;
  Rig rig;

  rig_init (&rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 8, 3);
  /* The nearest kink, to choose ε below it. */
  nearest = saddle_clarke_find_kinks (rig.model, rig.theta, &rig.batch, 1e300, 1, &n_kinks,
                                      &within, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_kinks, ==, 1);
  g_assert_cmpuint (within, ==, 8 * 6);
  g_assert_cmpfloat (nearest[0].distance, >, 1e-6);

  g_assert_true (saddle_clarke_measure (rig.model, rig.theta, &rig.batch,
                                        0.5 * nearest[0].distance, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.kinks, ==, 0);
  g_assert_cmpuint (result.kinks_within, ==, 0);
  g_assert_false (result.capped);
  g_assert_cmpfloat (result.grad_norm, >, 0.0);
  g_assert_cmpfloat (result.distance, ==, result.grad_norm);

  /* Just past it, the one kink enters and can only bring the distance down. */
  g_assert_true (saddle_clarke_measure (rig.model, rig.theta, &rig.batch,
                                        nearest[0].distance, &result, &error));
  g_assert_cmpuint (result.kinks, ==, 1);
  g_assert_cmpfloat (result.distance, <=, result.grad_norm);

  /* A bad ε is an error in this module's domain. */
  g_assert_false (saddle_clarke_measure (rig.model, rig.theta, &rig.batch, -1.0, &result,
                                         &error));
  g_assert_error (error, SADDLE_CLARKE_ERROR, SADDLE_CLARKE_ERROR_INVALID);
  rig_clear (&rig);
}

/* (d) A smooth activation: not applicable, NAN, no error. */
static void
test_tanh (void)
{
  const guint widths[] = { 1, 3, 3, 1 };
  g_autoptr(GError) error = NULL;
  SaddleClarke result;
  Rig rig;

  rig_init (&rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE, 8, 3);
  g_assert_true (saddle_clarke_measure (rig.model, rig.theta, &rig.batch, 1e-4, &result,
                                        &error));
  g_assert_no_error (error);
  g_assert_true (isnan (result.distance));
  g_assert_cmpuint (result.kinks, ==, 0);
  g_assert_true (isfinite (result.grad_norm) && result.grad_norm > 0.0);

  /* No gate to switch: the model says so and leaves the output alone. */
  {
    g_autofree double *jump = g_new (double, rig.P);

    jump[0] = 42.0;
    g_assert_false (saddle_model_gate_jump (rig.model, rig.theta, &rig.batch, 0, 0, 0, jump));
    g_assert_cmpfloat (jump[0], ==, 42.0);
  }
  rig_clear (&rig);
}

/* The model's new queries refuse what does not exist rather than read past it. */
static void
test_model_bounds (void)
{
  const guint widths[] = { 1, 3, 2, 1 };
  g_autofree double *jump = NULL;
  g_autofree double *z = NULL;
  Rig rig;

  rig_init (&rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 4, 2);
  g_assert_cmpuint (rig.H, ==, 5);
  jump = g_new (double, rig.P);
  g_assert_false (saddle_model_gate_jump (rig.model, rig.theta, &rig.batch, 4, 0, 0, jump));
  g_assert_false (saddle_model_gate_jump (rig.model, rig.theta, &rig.batch, 0, 2, 0, jump));
  g_assert_false (saddle_model_gate_jump (rig.model, rig.theta, &rig.batch, 0, 1, 2, jump));
  g_assert_true (saddle_model_gate_jump (rig.model, rig.theta, &rig.batch, 3, 1, 1, jump));

  /* Pre-activations one row a sample, layer after layer, as a hand forward pass gives them. */
  z = preactivations (&rig, rig.theta);
  for (gsize i = 0; i < rig.batch.n; i++)
    {
      double a0[3];

      for (guint u = 0; u < 3; u++)
        {
          double zu = rig.theta[u] * rig.x[i] + rig.theta[3 + u];

          g_assert_cmpfloat_with_epsilon (z[i * 5 + u], zu, 1e-15);
          a0[u] = MAX (zu, 0.0);
        }
      for (guint v = 0; v < 2; v++)
        {
          const double *w1 = rig.theta + saddle_model_layer_offset (rig.model, 1);
          double zv = w1[6 + v];

          for (guint u = 0; u < 3; u++)
            zv += w1[v * 3 + u] * a0[u];
          g_assert_cmpfloat_with_epsilon (z[i * 5 + 3 + v], zv, 1e-14);
        }
    }
  rig_clear (&rig);
}

/* (e) A strict convex combination of the pieces' gradients is zero (hull_targets() without
 * noise): the distance is rounding. */
static void
test_zero_in_hull (void)
{
  const double t_star[] = { 0.3, 0.6, 0.5, 0.8 };
  g_autoptr(GError) error = NULL;
  SaddleClarke result;
  Rig rig;

  kinked_rig (&rig, 40, 5);
  g_assert_true (same_sides_elsewhere (&rig, rig.theta, rig.theta, kinked,
                                       G_N_ELEMENTS (kinked), 1e-6));
  hull_targets (&rig, t_star, 0.0, 1);
  g_assert_true (saddle_clarke_measure (rig.model, rig.theta, &rig.batch, 1e-9, &result,
                                        &error));
  g_assert_no_error (error);
  g_test_message ("‖∇L‖ %.3e, Clarke distance %.3e, %u kinks, %u solves",
                  result.grad_norm, result.distance, result.kinks, result.iterations);
  g_assert_cmpuint (result.kinks, ==, G_N_ELEMENTS (kinked));
  g_assert_true (result.converged);
  g_assert_cmpfloat (result.grad_norm, >, 1e-4);
  g_assert_cmpfloat (result.distance, <=, 1e-12);
  rig_clear (&rig);
}

/* Kinks on one surface switch together: three samples at x = 0 sit at the kink of a unit
 * whose bias is 0 (z = b for all three), with residuals of both signs. Only two pieces meet
 * there (b > 0, b < 0), so the set is the segment between their gradients, not the zonotope of
 * three independent switches (which reaches further and would understate the distance). */
static void
test_shared_surface (void)
{
  const guint widths[] = { 1, 3, 3, 1 };
  const Pair shared[] = { { 0, 0, 0 }, { 1, 0, 0 }, { 2, 0, 0 } };
  g_autoptr(GError) error = NULL;
  g_autofree double *g = NULL;
  g_autofree double *jumps = NULL;
  g_autofree double *pieces = NULL;
  g_autofree double *f = NULL;
  double zeros[3] = { 0 }, down[3] = { -1, -1, -1 }, up[3] = { 1, 1, 1 };
  double brute, apart;
  SaddleClarke result;
  Rig rig;

  rig_init (&rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 10, 4);
  for (guint k = 0; k < 3; k++)
    rig.x[k] = 0.0;
  for (gsize i = 3; i < rig.batch.n; i++)
    rig.x[i] = 0.1 + 0.9 * (double) i / (double) rig.batch.n;
  rig.theta[0] = 0.8;   /* W0[0]: unit 0 open for every x > 0 */
  for (guint u = 0; u < 3; u++)
    rig.theta[bias_index (&rig, 1, u)] = 1.0;   /* the second layer open: unit 0 has a signal */
  place_pairs (&rig, rig.theta, shared, 3, zeros);
  g_assert_cmpfloat (rig.theta[bias_index (&rig, 0, 0)], ==, 0.0);
  g_assert_true (same_sides_elsewhere (&rig, rig.theta, rig.theta, shared, 3, 1e-3));
  f = g_new (double, rig.batch.n);
  saddle_model_predict (rig.model, rig.theta, &rig.batch, f);
  /* Residuals summing to zero: switched together the three jumps cancel, one at a time they
   * do not (and the other samples give ∇L a component along them to cancel). */
  rig.targets[0] = f[0] + 1.0;
  rig.targets[1] = f[1] - 1.5;
  rig.targets[2] = f[2] + 0.5;

  pieces = g_new (double, 2 * rig.P);
  piece_gradient (&rig, rig.theta, shared, 3, down, 1e-7, pieces);
  piece_gradient (&rig, rig.theta, shared, 3, up, 1e-7, pieces + rig.P);
  brute = hull_min_norm (pieces, 2, rig.P, 2);

  g_assert_true (saddle_clarke_measure (rig.model, rig.theta, &rig.batch, 1e-9, &result,
                                        &error));
  g_assert_no_error (error);

  /* The same three jumps as independent switches, for contrast. */
  g = g_new (double, rig.P);
  jumps = g_new (double, 3 * rig.P);
  saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, g);
  for (guint k = 0; k < 3; k++)
    g_assert_true (saddle_model_gate_jump (rig.model, rig.theta, &rig.batch, k, 0, 0,
                                           jumps + k * rig.P));
  apart = saddle_clarke_box_least_squares (g, jumps, rig.P, 3, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  g_test_message ("‖∇L‖ %.12e, merged %.12e, brute force %.12e, independent %.12e",
                  result.grad_norm, result.distance, brute, apart);
  g_assert_cmpuint (result.kinks, ==, 3);
  g_assert_cmpuint (result.switches, ==, 1);
  g_assert_cmpfloat (fabs (result.distance - brute), <=, 1e-9 * result.grad_norm);
  g_assert_cmpfloat (apart, <, result.distance - 1e-3 * result.grad_norm);
  rig_clear (&rig);
}

/* More kinks than the cap: all samples at x = 0 and zero hidden biases put every one of the
 * 1,000 × 6 pre-activations exactly at its kink. The nearest SADDLE_CLARKE_MAX_KINKS are kept
 * and the set says it was capped. */
static void
test_capped (void)
{
  const guint widths[] = { 1, 3, 3, 1 };
  g_autoptr(GError) error = NULL;
  SaddleClarke result;
  Rig rig;

  rig_init (&rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 1000,
            9);
  for (gsize i = 0; i < rig.batch.n; i++)
    rig.x[i] = 0.0;
  for (guint l = 0; l < 2; l++)
    for (guint u = 0; u < 3; u++)
      rig.theta[bias_index (&rig, l, u)] = 0.0;
  rig.theta[saddle_model_layer_offset (rig.model, 2) + 3] = 0.7;   /* output bias */

  g_assert_true (saddle_clarke_measure (rig.model, rig.theta, &rig.batch, 0.0, &result,
                                        &error));
  g_assert_no_error (error);
  g_test_message ("‖∇L‖ %.3e, Clarke distance %.3e, %u of %" G_GUINT64_FORMAT " kinks, %u solves",
                  result.grad_norm, result.distance, result.kinks, result.kinks_within,
                  result.iterations);
  g_assert_true (result.capped);
  g_assert_cmpuint (result.kinks, ==, SADDLE_CLARKE_MAX_KINKS);
  g_assert_cmpuint (result.kinks_within, ==, 6000);
  g_assert_cmpuint (result.switches, ==, 6);   /* x = 0: every unit sees a zero input */
  g_assert_true (result.converged);
  g_assert_cmpfloat (result.distance, <=, result.grad_norm);
  rig_clear (&rig);
}

/* The solver alone: a box problem whose answer is known in closed form. With orthogonal
 * jumps the problem splits per coordinate: t_k = clamp(−⟨g, J_k⟩/‖J_k‖², 0, 1). */
static void
test_solver_separable (void)
{
  const gsize n = 6, m = 4;
  const double g[] = { 1.0, -2.0, 0.5, 3.0, 0.25, -1.0 };
  double jumps[4 * 6] = { 0 };
  double t[4], expect[4], r[6];
  gboolean converged;
  guint iterations;
  double d;

  jumps[0 * n + 0] = -0.5;   /* wants t = 2: clamped to 1 */
  jumps[1 * n + 1] = 4.0;    /* wants t = 0.5 */
  jumps[2 * n + 2] = 1.0;    /* wants t = −0.5: clamped to 0 */
  jumps[3 * n + 3] = -6.0;   /* wants t = 0.5 */
  for (gsize k = 0; k < m; k++)
    expect[k] = CLAMP (-g[k] / jumps[k * n + k], 0.0, 1.0);

  d = saddle_clarke_box_least_squares (g, jumps, n, m, t, &iterations, &converged, NULL);
  memcpy (r, g, sizeof r);
  for (gsize k = 0; k < m; k++)
    {
      g_assert_cmpfloat_with_epsilon (t[k], expect[k], 1e-15);
      r[k] += expect[k] * jumps[k * n + k];
    }
  g_assert_true (converged);
  g_assert_cmpfloat_with_epsilon (d, norm2 (r, n), 1e-14);

  /* Dependent jumps (the same direction twice, a third parallel) are no trouble: t is not
   * unique, the residual is. Two of −0.5·e₀ cancel g₀ = 1 exactly; e₁ has no jump left. */
  memset (jumps, 0, sizeof jumps);
  jumps[0 * n + 0] = -0.5;
  jumps[1 * n + 0] = -0.5;
  jumps[2 * n + 0] = -0.25;
  jumps[3 * n + 3] = -6.0;
  d = saddle_clarke_box_least_squares (g, jumps, n, m, t, &iterations, &converged, NULL);
  memcpy (r, g, sizeof r);
  r[0] = 0.0;
  r[3] = 0.0;
  g_assert_true (converged);
  g_assert_cmpfloat_with_epsilon (d, norm2 (r, n), 1e-15);
  for (gsize k = 0; k < m; k++)
    g_assert_true (t[k] >= 0.0 && t[k] <= 1.0);
}

/* The box problem by enumeration: every split of the variables into at 0, at 1 and free, the
 * free ones by least squares (dgelsd, any rank); the least residual over the splits whose
 * free values land in [0, 1]. Some split with independent free columns holds the minimiser. */
static double
box_by_enumeration (const double *g,
                    const double *jumps,
                    gsize         n,
                    guint         m)
{
  double best = G_MAXDOUBLE;
  guint total = 1;

  for (guint k = 0; k < m; k++)
    total *= 3;
  for (guint code = 0; code < total; code++)
    {
      guint side[16], free_set[16], nf = 0, c = code;
      g_autofree double *rb = g_memdup2 (g, n * sizeof (double));
      g_autofree double *a = g_new (double, n * m);     /* (n, nf) the free jumps as columns */
      g_autofree double *b = g_new (double, MAX (n, (gsize) m));
      g_autofree double *sv = g_new (double, m);
      gboolean inside = TRUE;
      lapack_int rank;

      for (guint k = 0; k < m; k++, c /= 3)
        {
          side[k] = c % 3;   /* 0: at 0, 1: at 1, 2: free */
          if (side[k] == 1)
            for (gsize q = 0; q < n; q++)
              rb[q] += jumps[k * n + q];
          else if (side[k] == 2)
            free_set[nf++] = k;
        }
      if (nf > 0)
        {
          for (gsize q = 0; q < n; q++)
            {
              for (guint f = 0; f < nf; f++)
                a[q * nf + f] = jumps[free_set[f] * n + q];
              b[q] = -rb[q];
            }
          g_assert_cmpint (LAPACKE_dgelsd (LAPACK_ROW_MAJOR, n, nf, 1, a, nf, b, 1, sv, -1.0,
                                           &rank), ==, 0);
          for (guint f = 0; f < nf; f++)
            {
              if (b[f] < 0.0 || b[f] > 1.0)
                inside = FALSE;
              for (gsize q = 0; q < n; q++)
                rb[q] += b[f] * jumps[free_set[f] * n + q];
            }
        }
      if (inside)
        best = MIN (best, norm2 (rb, n));
    }

  return best;
}

/* The solver against enumeration on random problems: tall and wide (more jumps than
 * dimensions), with repeated and parallel jumps, g scaled from inside the zonotope to far out. */
static void
test_solver_random (void)
{
  SaddleRng rng;
  guint cases = 0;

  saddle_rng_init (&rng, 17);
  for (guint trial = 0; trial < 40; trial++)
    {
      const gsize n = trial % 2 ? 12 : 5;
      const guint m = 7;
      double jumps[7 * 12], g[12], t[7];
      double scale = pow (10.0, (double) (trial % 5) - 2.0);
      double d, reference;
      gboolean converged;
      guint iterations;

      for (gsize q = 0; q < m * n; q++)
        jumps[q] = saddle_rng_normal (&rng);
      if (trial % 3 == 0)
        for (gsize q = 0; q < n; q++)
          {
            jumps[1 * n + q] = jumps[0 * n + q];           /* the same jump twice */
            jumps[2 * n + q] = -0.5 * jumps[0 * n + q];    /* and one parallel, reversed */
          }
      for (gsize q = 0; q < n; q++)
        g[q] = scale * saddle_rng_normal (&rng);

      d = saddle_clarke_box_least_squares (g, jumps, n, m, t, &iterations, &converged, NULL);
      reference = box_by_enumeration (g, jumps, n, m);
      g_test_message ("n %" G_GSIZE_FORMAT ", ‖g‖ scale %g: %.15e vs %.15e, %u solves",
                      n, scale, d, reference, iterations);
      g_assert_true (converged);
      for (guint k = 0; k < m; k++)
        g_assert_true (t[k] >= 0.0 && t[k] <= 1.0);
      g_assert_cmpfloat (fabs (d - reference), <=, 1e-12 * MAX (norm2 (g, n), 1.0));
      cases++;
    }
  g_assert_cmpuint (cases, ==, 40);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/clarke/jump-mse", test_jump_mse);
  g_test_add_func ("/core/clarke/jump-cross-entropy", test_jump_cross_entropy);
  g_test_add_func ("/core/clarke/brute-force", test_brute_force);
  g_test_add_func ("/core/clarke/cross-layer", test_cross_layer);
  g_test_add_func ("/core/clarke/no-kink", test_no_kink);
  g_test_add_func ("/core/clarke/tanh", test_tanh);
  g_test_add_func ("/core/clarke/model-bounds", test_model_bounds);
  g_test_add_func ("/core/clarke/zero-in-hull", test_zero_in_hull);
  g_test_add_func ("/core/clarke/shared-surface", test_shared_surface);
  g_test_add_func ("/core/clarke/capped", test_capped);
  g_test_add_func ("/core/clarke/solver-separable", test_solver_separable);
  g_test_add_func ("/core/clarke/solver-random", test_solver_random);

  return g_test_run ();
}
