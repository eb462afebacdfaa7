/* test-optimizer.c — SGD, momentum and Adam against hand-computed steps */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "saddle-optimizer.h"

#define N 3

/* θ0, then the gradients of the first two steps: small numbers whose updates
 * can be worked out by hand (Adam's with 40-digit arithmetic, see each test). */
static const double theta0[N] = { 1.0, -2.0, 0.5 };
static const double grad1[N] = { 0.5, -1.0, 2.0 };
static const double grad2[N] = { 1.0, 1.0, -1.0 };

static void
assert_vector_close (const double *got,
                     const double *expected,
                     gsize         n,
                     double        tolerance)
{
  for (gsize i = 0; i < n; i++)
    {
      if (!(fabs (got[i] - expected[i]) <= tolerance))
        g_error ("component %" G_GSIZE_FORMAT ": got %.17g, expected %.17g (tolerance %g)",
                 i, got[i], expected[i], tolerance);
    }
}

static void
two_steps (SaddleOptimizerKind kind,
           double              lr,
           double             *after1,
           double             *after2)
{
  SaddleOptimizerSettings settings;
  g_autoptr(SaddleOptimizer) optimizer = NULL;
  double theta[N];

  saddle_optimizer_settings_init (&settings, kind, lr);
  optimizer = saddle_optimizer_new (&settings, N);
  memcpy (theta, theta0, sizeof theta);

  saddle_optimizer_step (optimizer, theta, grad1);
  memcpy (after1, theta, sizeof theta);
  saddle_optimizer_step (optimizer, theta, grad2);
  memcpy (after2, theta, sizeof theta);
}

static void
test_defaults (void)
{
  SaddleOptimizerSettings settings;

  saddle_optimizer_settings_init (&settings, SADDLE_OPTIMIZER_ADAM, 0.25);
  g_assert_cmpint (settings.kind, ==, SADDLE_OPTIMIZER_ADAM);
  g_assert_cmpfloat (settings.lr, ==, 0.25);
  g_assert_cmpfloat (settings.momentum, ==, 0.9);
  g_assert_cmpfloat (settings.beta1, ==, 0.9);
  g_assert_cmpfloat (settings.beta2, ==, 0.999);
  g_assert_cmpfloat (settings.epsilon, ==, 1e-8);
}

static void
test_sgd (void)
{
  double after1[N], after2[N];
  /* θ1 = θ0 − 0.1·g1; θ2 = θ1 − 0.1·g2 */
  const double expected1[N] = { 0.95, -1.9, 0.3 };
  const double expected2[N] = { 0.85, -2.0, 0.4 };

  two_steps (SADDLE_OPTIMIZER_SGD, 0.1, after1, after2);
  assert_vector_close (after1, expected1, N, 1e-15);
  assert_vector_close (after2, expected2, N, 1e-15);
}

static void
test_momentum (void)
{
  double after1[N], after2[N];
  /* b1 = g1 → θ1 = θ0 − 0.1·g1;
   * b2 = 0.9·g1 + g2 = (1.45, 0.1, 0.8) → θ2 = θ1 − 0.1·b2. */
  const double expected1[N] = { 0.95, -1.9, 0.3 };
  const double expected2[N] = { 0.805, -1.91, 0.22 };

  two_steps (SADDLE_OPTIMIZER_MOMENTUM, 0.1, after1, after2);
  assert_vector_close (after1, expected1, N, 1e-15);
  assert_vector_close (after2, expected2, N, 1e-15);
}

static void
test_adam (void)
{
  double after1[N], after2[N];
  /* Step 1: m̂ = g1, v̂ = g1², so θ1 = θ0 − 0.1·g1/(|g1| + 1e-8).
   * Step 2: m = 0.09·g1 + 0.1·g2, v = 0.000999·g1² + 0.001·g2²,
   * m̂ = m/0.19, v̂ = v/0.001999, θ2 = θ1 − 0.1·m̂/(√v̂ + 1e-8);
   * the values below were evaluated with 40 significant digits. */
  const double expected1[N] = {
    0.90000000199999996, -1.90000000099999999, 0.4000000004999999975,
  };
  const double expected2[N] = {
    0.80348180063850871986, -1.9052631588421052537, 0.37336629670243135784,
  };

  two_steps (SADDLE_OPTIMIZER_ADAM, 0.1, after1, after2);
  assert_vector_close (after1, expected1, N, 1e-15);
  assert_vector_close (after2, expected2, N, 1e-15);
}

/* Adam written plainly, one parameter at a time in torch's order (step_size = lr / (1 − β1ᵗ),
 * denom = √v / √(1 − β2ᵗ) + ε): the reference the optimiser's paired SSE2 loop must match. */
static void
adam_plain (const SaddleOptimizerSettings *s,
            guint64                        t,
            double                        *theta,
            double                        *m,
            double                        *v,
            const double                  *grad,
            gsize                          n)
{
  double step_size = s->lr / (1.0 - pow (s->beta1, (double) t));
  double bias2_sqrt = sqrt (1.0 - pow (s->beta2, (double) t));

  for (gsize i = 0; i < n; i++)
    {
      m[i] = s->beta1 * m[i] + (1.0 - s->beta1) * grad[i];
      v[i] = s->beta2 * v[i] + (1.0 - s->beta2) * grad[i] * grad[i];
      theta[i] -= step_size * (m[i] / (sqrt (v[i]) / bias2_sqrt + s->epsilon));
    }
}

/* Same bytes as the plain loop, on a length of 8·125 + 4 + 2 + 1 (eights where AVX-512F is
 * there, then a four where AVX is, a pair, the last one alone) with gradients over many
 * decades, some zero and some negative, for 50 steps. */
static void
test_adam_bitwise (void)
{
  enum { DIM = 1007, STEPS = 50 };
  SaddleOptimizerSettings settings;
  g_autoptr(SaddleOptimizer) optimizer = NULL;
  g_autofree double *theta = g_new (double, DIM);
  g_autofree double *expected = g_new (double, DIM);
  g_autofree double *m = g_new0 (double, DIM);
  g_autofree double *v = g_new0 (double, DIM);
  g_autofree double *grad = g_new (double, DIM);
  gsize changed = 0;

  saddle_optimizer_settings_init (&settings, SADDLE_OPTIMIZER_ADAM, 0.003);
  optimizer = saddle_optimizer_new (&settings, DIM);
  for (gsize i = 0; i < DIM; i++)
    theta[i] = expected[i] = sin (0.37 * i);

  for (guint64 t = 1; t <= STEPS; t++)
    {
      for (gsize i = 0; i < DIM; i++)
        grad[i] = i % 17 == 0 ? 0.0 : cos (0.11 * i * t) * pow (10.0, -8.0 + (double) (i % 11));
      saddle_optimizer_step (optimizer, theta, grad);
      adam_plain (&settings, t, expected, m, v, grad, DIM);
    }

  for (gsize i = 0; i < DIM; i++)
    {
      if (memcmp (&theta[i], &expected[i], sizeof (double)) != 0)
        g_error ("parameter %" G_GSIZE_FORMAT ": %.17g, the plain loop gives %.17g",
                 i, theta[i], expected[i]);
      changed += theta[i] != sin (0.37 * i);
    }
  /* Not a vacuous match: the steps moved (almost) every parameter. */
  g_assert_cmpuint (changed, >, DIM * 9 / 10);
}

/* f(θ) = ½ Σ a_i (θ_i − c_i)² with curvatures spread over four decades. */
static double
quadratic (const double *theta,
           double       *grad,
           gsize         n)
{
  double f = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double a = pow (10.0, -2.0 + 4.0 * i / (n - 1));
      double c = (i % 2 == 0 ? 1.0 : -1.0) * (1.0 + 0.1 * i);
      double d = theta[i] - c;

      f += 0.5 * a * d * d;
      grad[i] = a * d;
    }

  return f;
}

static void
test_adam_quadratic (void)
{
  enum { DIM = 8 };
  SaddleOptimizerSettings settings;
  g_autoptr(SaddleOptimizer) optimizer = NULL;
  double theta[DIM] = { 0 };
  double grad[DIM];
  double f0, f;

  saddle_optimizer_settings_init (&settings, SADDLE_OPTIMIZER_ADAM, 0.05);
  optimizer = saddle_optimizer_new (&settings, DIM);

  f0 = quadratic (theta, grad, DIM);
  for (guint step = 0; step < 600; step++)
    {
      quadratic (theta, grad, DIM);
      saddle_optimizer_step (optimizer, theta, grad);
    }
  f = quadratic (theta, grad, DIM);

  /* Adam's steps scale with the learning rate, not the curvature, so even the
   * flattest direction (a = 0.01) gets there: plain SGD at the largest stable
   * rate (2/100) would still be at 0.89 of that direction's start. */
  g_assert_cmpfloat (f0, >, 100.0);
  g_assert_cmpfloat (f, <, 1e-12 * f0);
  for (guint i = 0; i < DIM; i++)
    {
      double c = (i % 2 == 0 ? 1.0 : -1.0) * (1.0 + 0.1 * i);

      g_assert_cmpfloat (fabs (theta[i] - c), <, 1e-6);
    }
}

static void
test_reset (void)
{
  const SaddleOptimizerKind kinds[] = {
    SADDLE_OPTIMIZER_SGD, SADDLE_OPTIMIZER_MOMENTUM, SADDLE_OPTIMIZER_ADAM,
  };

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      SaddleOptimizerSettings settings;
      g_autoptr(SaddleOptimizer) used = NULL;
      g_autoptr(SaddleOptimizer) fresh = NULL;
      double theta_used[N], theta_fresh[N];

      saddle_optimizer_settings_init (&settings, kinds[k], 0.1);
      used = saddle_optimizer_new (&settings, N);
      fresh = saddle_optimizer_new (&settings, N);

      /* Build up history, then forget it: the next two steps must be exactly a
       * fresh optimizer's, which they could not be with a stale buffer or step count. */
      memcpy (theta_used, theta0, sizeof theta_used);
      for (guint i = 0; i < 5; i++)
        saddle_optimizer_step (used, theta_used, i % 2 ? grad1 : grad2);
      saddle_optimizer_reset (used);

      memcpy (theta_used, theta0, sizeof theta_used);
      memcpy (theta_fresh, theta0, sizeof theta_fresh);
      saddle_optimizer_step (used, theta_used, grad1);
      saddle_optimizer_step (fresh, theta_fresh, grad1);
      saddle_optimizer_step (used, theta_used, grad2);
      saddle_optimizer_step (fresh, theta_fresh, grad2);

      g_assert_cmpmem (theta_used, sizeof theta_used, theta_fresh, sizeof theta_fresh);
    }
}

static void
test_reset_matters (void)
{
  SaddleOptimizerSettings settings;
  g_autoptr(SaddleOptimizer) used = NULL;
  g_autoptr(SaddleOptimizer) fresh = NULL;
  double theta_used[N], theta_fresh[N];

  /* The counterpart of test_reset: without a reset the history does change
   * the step, so test_reset's equality is not vacuous. */
  saddle_optimizer_settings_init (&settings, SADDLE_OPTIMIZER_ADAM, 0.1);
  used = saddle_optimizer_new (&settings, N);
  fresh = saddle_optimizer_new (&settings, N);
  memcpy (theta_used, theta0, sizeof theta_used);
  saddle_optimizer_step (used, theta_used, grad2);

  memcpy (theta_used, theta0, sizeof theta_used);
  memcpy (theta_fresh, theta0, sizeof theta_fresh);
  saddle_optimizer_step (used, theta_used, grad1);
  saddle_optimizer_step (fresh, theta_fresh, grad1);
  g_assert_true (memcmp (theta_used, theta_fresh, sizeof theta_used) != 0);
}

static void
test_strings (void)
{
  const SaddleOptimizerKind kinds[] = {
    SADDLE_OPTIMIZER_SGD, SADDLE_OPTIMIZER_MOMENTUM, SADDLE_OPTIMIZER_ADAM,
  };
  SaddleOptimizerKind kind;

  g_assert_cmpstr (saddle_optimizer_kind_to_string (SADDLE_OPTIMIZER_SGD), ==, "sgd");
  g_assert_cmpstr (saddle_optimizer_kind_to_string (SADDLE_OPTIMIZER_MOMENTUM), ==, "momentum");
  g_assert_cmpstr (saddle_optimizer_kind_to_string (SADDLE_OPTIMIZER_ADAM), ==, "adam");

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      kind = (SaddleOptimizerKind) -1;
      g_assert_true (saddle_optimizer_kind_from_string (saddle_optimizer_kind_to_string (kinds[i]),
                                                        &kind));
      g_assert_cmpint (kind, ==, kinds[i]);
    }

  g_assert_true (saddle_optimizer_kind_from_string ("Adam", &kind));
  g_assert_cmpint (kind, ==, SADDLE_OPTIMIZER_ADAM);

  kind = SADDLE_OPTIMIZER_MOMENTUM;
  g_assert_false (saddle_optimizer_kind_from_string ("rmsprop", &kind));
  g_assert_false (saddle_optimizer_kind_from_string ("", &kind));
  g_assert_false (saddle_optimizer_kind_from_string (NULL, &kind));
  g_assert_cmpint (kind, ==, SADDLE_OPTIMIZER_MOMENTUM);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/optimizer/defaults", test_defaults);
  g_test_add_func ("/core/optimizer/sgd", test_sgd);
  g_test_add_func ("/core/optimizer/momentum", test_momentum);
  g_test_add_func ("/core/optimizer/adam", test_adam);
  g_test_add_func ("/core/optimizer/adam-bitwise", test_adam_bitwise);
  g_test_add_func ("/core/optimizer/adam-quadratic", test_adam_quadratic);
  g_test_add_func ("/core/optimizer/reset", test_reset);
  g_test_add_func ("/core/optimizer/reset-matters", test_reset_matters);
  g_test_add_func ("/core/optimizer/strings", test_strings);

  return g_test_run ();
}
