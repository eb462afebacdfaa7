/* test-model.c — the MLP: gradients, Hessian-vector products, layout, init
 *
 * Reference values come from three independent places: central finite
 * differences, a naive per-sample triple-loop forward/backward written
 * here, and closed forms for tiny nets worked out by hand.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "saddle-kink-bound.h"
#include "saddle-model.h"
#include "saddle-model-plane.h"
#include "saddle-model-private.h"
#include "saddle-test-util.h"

typedef struct
{
  SaddleActivation activation;
  SaddleLoss       loss;
} Combo;

static const Combo combos[] = {
  { SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE },
  { SADDLE_ACTIVATION_RELU, SADDLE_LOSS_CROSS_ENTROPY },
  { SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE },
  { SADDLE_ACTIVATION_TANH, SADDLE_LOSS_CROSS_ENTROPY },
  { SADDLE_ACTIVATION_SIGMOID, SADDLE_LOSS_MSE },
  { SADDLE_ACTIVATION_SIGMOID, SADDLE_LOSS_CROSS_ENTROPY },
  { SADDLE_ACTIVATION_IDENTITY, SADDLE_LOSS_MSE },
  { SADDLE_ACTIVATION_IDENTITY, SADDLE_LOSS_CROSS_ENTROPY },
};

/* A model, a parameter vector and a random batch, from saddle-test-util. */
typedef SaddleTestRig Rig;

/* Non-zero biases, so their derivatives are exercised too. */
static void
rig_init (Rig              *rig,
          const guint      *widths,
          guint             n_widths,
          SaddleActivation  activation,
          SaddleLoss        loss,
          gsize             n,
          guint64           seed)
{
  saddle_test_rig_init (rig, widths, n_widths, activation, loss, n, 0.3, seed);
}

#define rig_clear saddle_test_rig_clear

/* ---- naive reference: one sample at a time, plain loops ---- */

static double
naive_act (SaddleActivation act,
           double           z)
{
  switch (act)
    {
    case SADDLE_ACTIVATION_RELU:
      return z > 0.0 ? z : 0.0;
    case SADDLE_ACTIVATION_TANH:
      return tanh (z);
    case SADDLE_ACTIVATION_SIGMOID:
      return 1.0 / (1.0 + exp (-z));
    case SADDLE_ACTIVATION_IDENTITY:
    default:
      return z;
    }
}

static double
naive_dact (SaddleActivation act,
            double           z)
{
  double s;

  switch (act)
    {
    case SADDLE_ACTIVATION_RELU:
      return z > 0.0 ? 1.0 : 0.0;
    case SADDLE_ACTIVATION_TANH:
      s = tanh (z);
      return 1.0 - s * s;
    case SADDLE_ACTIVATION_SIGMOID:
      s = 1.0 / (1.0 + exp (-z));
      return s * (1.0 - s);
    case SADDLE_ACTIVATION_IDENTITY:
    default:
      return 1.0;
    }
}

/* Forward of sample @s: z[l] (widths[l+1]) and a[l] = σ(z[l]) (a[0] = x). */
static void
naive_forward_sample (const Rig     *rig,
                      const double  *theta,
                      gsize          s,
                      double       **z,
                      double       **a)
{
  guint L = rig->n_widths - 1;
  SaddleActivation act = saddle_model_activation (rig->model);
  gsize off = 0;

  memcpy (a[0], rig->batch.x + s * rig->widths[0], rig->widths[0] * sizeof (double));
  for (guint l = 0; l < L; l++)
    {
      guint in = rig->widths[l];
      guint out = rig->widths[l + 1];
      const double *w = theta + off;
      const double *b = w + (gsize) in * out;

      for (guint o = 0; o < out; o++)
        {
          double sum = b[o];

          for (guint c = 0; c < in; c++)
            sum += w[o * in + c] * a[l][c];
          z[l][o] = sum;
          a[l + 1][o] = l + 1 < L ? naive_act (act, sum) : sum;
        }
      off += (gsize) out * in + out;
    }
}

static double **
naive_alloc_layers (const Rig *rig,
                    gboolean   with_input)
{
  double **layers = g_new0 (double *, rig->n_widths);

  for (guint l = 0; l < rig->n_widths; l++)
    layers[l] = g_new0 (double, rig->widths[with_input ? l : MIN (l + 1, rig->n_widths - 1)]);
  return layers;
}

static void
naive_free_layers (const Rig *rig,
                   double   **layers)
{
  for (guint l = 0; l < rig->n_widths; l++)
    g_free (layers[l]);
  g_free (layers);
}

/* Loss and (if @grad) gradient by per-sample back-propagation in loops. */
static double
naive_loss_grad (const Rig    *rig,
                 const double *theta,
                 double       *grad)
{
  guint L = rig->n_widths - 1;
  gsize n = rig->batch.n;
  gsize m = rig->widths[L];
  SaddleActivation act = saddle_model_activation (rig->model);
  SaddleLoss loss_kind = saddle_model_loss_kind (rig->model);
  double **z = naive_alloc_layers (rig, FALSE);
  double **a = naive_alloc_layers (rig, TRUE);
  double **d = naive_alloc_layers (rig, FALSE);
  double loss = 0.0;

  if (grad != NULL)
    memset (grad, 0, rig->P * sizeof (double));

  for (gsize s = 0; s < n; s++)
    {
      const double *y;

      naive_forward_sample (rig, theta, s, z, a);
      y = z[L - 1];

      if (loss_kind == SADDLE_LOSS_MSE)
        {
          for (gsize o = 0; o < m; o++)
            {
              double r = y[o] - rig->batch.targets[s * m + o];

              loss += r * r / (double) (n * m);
              d[L - 1][o] = 2.0 * r / (double) (n * m);
            }
        }
      else
        {
          double mx = y[0];
          double sum = 0.0;
          guint32 label = rig->batch.labels[s];

          for (gsize o = 1; o < m; o++)
            mx = MAX (mx, y[o]);
          for (gsize o = 0; o < m; o++)
            sum += exp (y[o] - mx);
          loss += (mx + log (sum) - y[label]) / (double) n;
          for (gsize o = 0; o < m; o++)
            d[L - 1][o] = (exp (y[o] - mx) / sum - (o == label ? 1.0 : 0.0)) / (double) n;
        }

      if (grad == NULL)
        continue;

      for (guint l = L; l-- > 0;)
        {
          guint in = rig->widths[l];
          guint out = rig->widths[l + 1];
          gsize off = saddle_model_layer_offset (rig->model, l);
          const double *w = theta + off;

          for (guint o = 0; o < out; o++)
            {
              for (guint c = 0; c < in; c++)
                grad[off + o * in + c] += d[l][o] * a[l][c];
              grad[off + (gsize) out * in + o] += d[l][o];
            }
          if (l > 0)
            for (guint c = 0; c < in; c++)
              {
                double sum = 0.0;

                for (guint o = 0; o < out; o++)
                  sum += d[l][o] * w[o * in + c];
                d[l - 1][c] = sum * naive_dact (act, z[l - 1][c]);
              }
        }
    }

  naive_free_layers (rig, z);
  naive_free_layers (rig, a);
  naive_free_layers (rig, d);
  return loss;
}

/* Smallest |pre-activation| of a hidden unit over the batch: distance to a ReLU kink. */
static double
naive_min_hidden_margin (const Rig *rig)
{
  guint L = rig->n_widths - 1;
  double **z = naive_alloc_layers (rig, FALSE);
  double **a = naive_alloc_layers (rig, TRUE);
  double margin = INFINITY;

  for (gsize s = 0; s < rig->batch.n; s++)
    {
      naive_forward_sample (rig, rig->theta, s, z, a);
      for (guint l = 0; l + 1 < L; l++)
        for (guint o = 0; o < rig->widths[l + 1]; o++)
          margin = MIN (margin, fabs (z[l][o]));
    }

  naive_free_layers (rig, z);
  naive_free_layers (rig, a);
  return margin;
}

/* ---- helpers ---- */

/* Normwise relative error max|a − b| / max|b| (b is the reference). */
static double
rel_err (const double *a,
         const double *b,
         gsize         n)
{
  double diff = 0.0;
  double scale = saddle_test_max_abs (b, n);

  for (gsize i = 0; i < n; i++)
    diff = MAX (diff, fabs (a[i] - b[i]));
  return scale > 0.0 ? diff / scale : diff;
}

/* A rig on @widths whose hidden pre-activations all stay ≥ @margin from 0,
 * so finite differences never straddle a ReLU kink. */
static void
rig_init_smooth (Rig              *rig,
                 const guint      *widths,
                 guint             n_widths,
                 SaddleActivation  activation,
                 SaddleLoss        loss,
                 gsize             n,
                 double            margin)
{
  for (guint64 seed = 1; seed < 200; seed++)
    {
      rig_init (rig, widths, n_widths, activation, loss, n, seed);
      if (naive_min_hidden_margin (rig) >= margin)
        return;
      rig_clear (rig);
    }
  g_assert_not_reached ();
}

static void
fd_gradient (Rig    *rig,
             double *fd)
{
  g_autofree double *t = g_memdup2 (rig->theta, rig->P * sizeof (double));

  for (gsize i = 0; i < rig->P; i++)
    {
      double h = 1e-6 * MAX (1.0, fabs (rig->theta[i]));
      double up, down;

      t[i] = rig->theta[i] + h;
      up = saddle_model_loss_grad (rig->model, t, &rig->batch, NULL);
      t[i] = rig->theta[i] - h;
      down = saddle_model_loss_grad (rig->model, t, &rig->batch, NULL);
      t[i] = rig->theta[i];
      fd[i] = (up - down) / (2.0 * h);
    }
}

/* (g(θ + εv) − g(θ − εv)) / 2ε */
static void
fd_hvp (Rig          *rig,
        const double *v,
        double        eps,
        double       *out)
{
  g_autofree double *t = g_new (double, rig->P);
  g_autofree double *gp = g_new (double, rig->P);
  g_autofree double *gm = g_new (double, rig->P);

  for (gsize i = 0; i < rig->P; i++)
    t[i] = rig->theta[i] + eps * v[i];
  saddle_model_loss_grad (rig->model, t, &rig->batch, gp);
  for (gsize i = 0; i < rig->P; i++)
    t[i] = rig->theta[i] - eps * v[i];
  saddle_model_loss_grad (rig->model, t, &rig->batch, gm);
  for (gsize i = 0; i < rig->P; i++)
    out[i] = (gp[i] - gm[i]) / (2.0 * eps);
}

static double *
random_directions (gsize   k,
                   gsize   P,
                   guint64 seed)
{
  SaddleRng rng;
  double *v = g_new (double, k * P);

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < k * P; i++)
    v[i] = saddle_rng_normal (&rng);
  return v;
}

static double *
identity_rows (gsize P)
{
  double *v = g_new0 (double, P * P);

  for (gsize i = 0; i < P; i++)
    v[i * P + i] = 1.0;
  return v;
}

static char *
combo_name (const char  *prefix,
            const Combo *c)
{
  return g_strdup_printf ("%s/%s/%s", prefix, saddle_activation_to_string (c->activation),
                          c->loss == SADDLE_LOSS_MSE ? "mse" : "cross-entropy");
}

static const guint net_a[] = { 3, 4, 3, 2 };
static const guint net_b[] = { 2, 5, 1 };
static const guint net_c[] = { 2, 5, 3 };
static const guint net_flat[] = { 3, 2 };

/* ---- tests ---- */

/* Gradient vs central differences, step 1e-6·max(1, |θᵢ|) in double.
 * Truncation (~h²) and rounding (~ε_mach/h) errors are both ≈ 1e-10, so a
 * normwise relative error max|fd − g| / max|g| ≤ 1e-6 leaves a wide margin
 * and still catches any wrong term. ReLU points are ≥ 1e-3 from a kink. */
static void
test_gradcheck (gconstpointer data)
{
  const Combo *c = data;
  const guint *nets[] = { net_a, c->loss == SADDLE_LOSS_MSE ? net_b : net_c, net_flat };
  const guint lens[] = { 4, 3, 2 };

  for (guint t = 0; t < G_N_ELEMENTS (nets); t++)
    {
      Rig rig;
      g_autofree double *grad = NULL;
      g_autofree double *fd = NULL;
      double loss, err;

      rig_init_smooth (&rig, nets[t], lens[t], c->activation, c->loss, 5, 1e-3);
      grad = g_new (double, rig.P);
      fd = g_new (double, rig.P);

      loss = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, grad);
      g_assert_true (isfinite (loss));
      fd_gradient (&rig, fd);

      /* Guard: a zero gradient would agree with anything. */
      g_assert_cmpfloat (saddle_test_max_abs (grad, rig.P), >, 1e-3);
      err = rel_err (grad, fd, rig.P);
      g_test_message ("net %u: %" G_GSIZE_FORMAT " params, relative error %.3g", t, rig.P, err);
      g_assert_cmpfloat (err, <=, 1e-6);

      rig_clear (&rig);
    }
}

/* The BLAS path equals the naive triple loops to 1e-12 relative (loss, gradient, outputs). */
static void
test_blas_vs_naive (gconstpointer data)
{
  const Combo *c = data;
  static const guint widths[] = { 7, 6, 5, 4 };
  Rig rig;
  g_autofree double *grad = NULL;
  g_autofree double *ref = NULL;
  g_autofree double *outputs = NULL;
  double loss, ref_loss;
  double **z, **a;

  rig_init (&rig, widths, G_N_ELEMENTS (widths), c->activation, c->loss, 9, 42);
  grad = g_new (double, rig.P);
  ref = g_new (double, rig.P);

  loss = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, grad);
  ref_loss = naive_loss_grad (&rig, rig.theta, ref);
  g_assert_cmpfloat (fabs (loss - ref_loss), <=, 1e-12 * fabs (ref_loss));
  g_assert_cmpfloat (saddle_test_max_abs (ref, rig.P), >, 1e-3);
  g_assert_cmpfloat (rel_err (grad, ref, rig.P), <=, 1e-12);

  /* Without a gradient buffer the loss is the same. */
  g_assert_cmpfloat (saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, NULL), ==, loss);

  outputs = g_new (double, rig.batch.n * 4);
  saddle_model_predict (rig.model, rig.theta, &rig.batch, outputs);
  z = naive_alloc_layers (&rig, FALSE);
  a = naive_alloc_layers (&rig, TRUE);
  for (gsize s = 0; s < rig.batch.n; s++)
    {
      naive_forward_sample (&rig, rig.theta, s, z, a);
      g_assert_cmpfloat (rel_err (outputs + s * 4, z[2], 4), <=, 1e-12);
    }
  naive_free_layers (&rig, z);
  naive_free_layers (&rig, a);

  rig_clear (&rig);
}

/* H·v vs (g(θ+εv) − g(θ−εv))/2ε with ε = 1e-5: errors ≈ ε² and ε_mach/ε,
 * so ≤ 1e-6 normwise relative is generous, yet a missing σ'' or softmax
 * term is off by O(1). */
static void
test_hvp_fd (gconstpointer data)
{
  const Combo *c = data;
  const guint *nets[] = { net_a, c->loss == SADDLE_LOSS_MSE ? net_b : net_c, net_flat };
  const guint lens[] = { 4, 3, 2 };

  for (guint t = 0; t < G_N_ELEMENTS (nets); t++)
    {
      Rig rig;
      g_autofree double *v = NULL;
      g_autofree double *hv = NULL;
      g_autofree double *fd = NULL;
      double err;

      rig_init_smooth (&rig, nets[t], lens[t], c->activation, c->loss, 6, 2e-3);
      v = random_directions (1, rig.P, 7 + t);
      hv = g_new (double, rig.P);
      fd = g_new (double, rig.P);

      saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, 1, hv, NULL);
      fd_hvp (&rig, v, 1e-5, fd);
      g_assert_cmpfloat (saddle_test_max_abs (hv, rig.P), >, 1e-3);
      err = rel_err (hv, fd, rig.P);
      g_test_message ("net %u: relative error %.3g", t, err);
      g_assert_cmpfloat (err, <=, 1e-6);

      rig_clear (&rig);
    }
}

/* A block of k directions gives the k single products (1e-12 relative),
 * also when the scratch limit forces it into uneven chunks of directions and
 * when the samples are split into uneven tiles. */
static void
test_hvp_block (gconstpointer data)
{
  const Combo *c = data;
  static const guint widths[] = { 6, 5, 4, 3 };
  const gsize k = 7;
  Rig rig;
  g_autofree double *v = NULL;
  g_autofree double *block = NULL;
  g_autofree double *single = NULL;
  g_autofree double *chunked = NULL;
  gsize bytes;

  rig_init (&rig, widths, G_N_ELEMENTS (widths), c->activation, c->loss, 8, 3);
  v = random_directions (k, rig.P, 11);
  block = g_new (double, k * rig.P);
  single = g_new (double, rig.P);
  chunked = g_new (double, k * rig.P);

  g_assert_cmpuint (saddle_model_block_size (rig.model, 8), >=, k);
  saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, k, block, NULL);
  for (gsize j = 0; j < k; j++)
    {
      saddle_model_hvp (rig.model, rig.theta, &rig.batch, v + j * rig.P, 1, single, NULL);
      g_assert_cmpfloat (saddle_test_max_abs (single, rig.P), >, 1e-4);
      g_assert_cmpfloat (rel_err (block + j * rig.P, single, rig.P), <=, 1e-12);
    }

  /* Chunks of one direction. */
  saddle_model_set_scratch_limit (rig.model, 1);
  g_assert_cmpuint (saddle_model_block_size (rig.model, 8), ==, 1);
  saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, k, chunked, NULL);
  g_assert_cmpfloat (rel_err (chunked, block, k * rig.P), <=, 1e-12);

  /* Chunks of 2 or 3, the last one shorter. */
  for (bytes = 8; saddle_model_block_size (rig.model, 8) < 2; bytes *= 2)
    saddle_model_set_scratch_limit (rig.model, bytes);
  g_assert_cmpuint (saddle_model_block_size (rig.model, 8), <, k);
  g_assert_cmpuint (k % saddle_model_block_size (rig.model, 8), !=, 0);
  saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, k, chunked, NULL);
  g_assert_cmpfloat (rel_err (chunked, block, k * rig.P), <=, 1e-12);

  /* Tiles of 3, 3 and 2 samples, with chunked directions, then whole blocks. */
  saddle_model_set_tile_rows (rig.model, 3);
  saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, k, chunked, NULL);
  g_assert_cmpfloat (rel_err (chunked, block, k * rig.P), <=, 1e-12);
  saddle_model_set_scratch_limit (rig.model, G_MAXSIZE);
  saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, k, chunked, NULL);
  g_assert_cmpfloat (rel_err (chunked, block, k * rig.P), <=, 1e-12);
  saddle_model_set_tile_rows (rig.model, 1);
  saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, k, chunked, NULL);
  g_assert_cmpfloat (rel_err (chunked, block, k * rig.P), <=, 1e-12);

  rig_clear (&rig);
}

/* saddle_model_hvp() also returns the loss and gradient of saddle_model_loss_grad(). */
static void
test_hvp_grad (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      Rig rig;
      g_autofree double *v = NULL;
      g_autofree double *hv = NULL;
      g_autofree double *g1 = NULL;
      g_autofree double *g2 = NULL;
      double l1, l2;

      rig_init (&rig, net_a, 4, combos[i].activation, combos[i].loss, 5, 9);
      v = random_directions (2, rig.P, 5);
      hv = g_new (double, 2 * rig.P);
      g1 = g_new (double, rig.P);
      g2 = g_new (double, rig.P);

      l1 = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, g1);
      l2 = saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, 2, hv, g2);
      g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-14 * fabs (l1));
      g_assert_cmpfloat (rel_err (g2, g1, rig.P), <=, 1e-14);

      /* k = 0: only loss and gradient. */
      l2 = saddle_model_hvp (rig.model, rig.theta, &rig.batch, NULL, 0, NULL, g2);
      g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-14 * fabs (l1));
      g_assert_cmpfloat (rel_err (g2, g1, rig.P), <=, 1e-14);

      rig_clear (&rig);
    }
}

/* saddle_model_grad_and_hvp_self() (one forward) equals saddle_model_loss_grad() followed by
 * saddle_model_hvp() with v = ∇L to 1e-12 relative, on every activation and loss, with sample
 * tiles of 2 as well; and a batch the model cannot read gives NaN in both outputs. */
static void
test_grad_and_hvp_self (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      Rig rig;
      g_autofree double *g1 = NULL;
      g_autofree double *h1 = NULL;
      g_autofree double *g2 = NULL;
      g_autofree double *h2 = NULL;
      double l1, l2;

      rig_init (&rig, net_a, 4, combos[i].activation, combos[i].loss, 5, 13);
      g1 = g_new (double, rig.P);
      h1 = g_new (double, rig.P);
      g2 = g_new (double, rig.P);
      h2 = g_new (double, rig.P);

      l1 = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, g1);
      saddle_model_hvp (rig.model, rig.theta, &rig.batch, g1, 1, h1, NULL);
      g_assert_cmpfloat (saddle_test_max_abs (h1, rig.P), >, 1e-6);

      l2 = saddle_model_grad_and_hvp_self (rig.model, rig.theta, &rig.batch, g2, h2);
      g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-14 * fabs (l1));
      g_assert_cmpfloat (rel_err (g2, g1, rig.P), <=, 1e-12);
      g_assert_cmpfloat (rel_err (h2, h1, rig.P), <=, 1e-12);

      saddle_model_set_tile_rows (rig.model, 2);
      memset (h2, 0, rig.P * sizeof (double));
      l2 = saddle_model_grad_and_hvp_self (rig.model, rig.theta, &rig.batch, g2, h2);
      g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-14 * fabs (l1));
      g_assert_cmpfloat (rel_err (h2, h1, rig.P), <=, 1e-12);

      rig_clear (&rig);
    }

  {
    static const guint widths[] = { 3, 4, 2 };
    g_autoptr(SaddleModel) model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_TANH,
                                                     SADDLE_LOSS_MSE, NULL);
    gsize P = saddle_model_n_params (model);
    g_autofree double *theta = g_new0 (double, P);
    g_autofree double *g = g_new0 (double, P);
    g_autofree double *h = g_new0 (double, P);
    double x[3] = { 1.0, 2.0, 3.0 };
    double y[2] = { 0.5, -0.5 };
    SaddleBatch batch = { 0 };

    /* Two inputs where the model wants three. */
    saddle_test_batch_init (&batch, x, y, 1, 2, 2);
    g_test_expect_message ("saddle-model", G_LOG_LEVEL_CRITICAL, "*n_inputs*");
    g_assert_true (isnan (saddle_model_grad_and_hvp_self (model, theta, &batch, g, h)));
    g_test_assert_expected_messages ();
    g_assert_true (isnan (g[0]) && isnan (h[P - 1]));
  }
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The forward pass by region (saddle-model-regions-forward.c) against the per-sample pass, on
 * 1,000 inputs, nets of one input with 0–3 hidden layers (one of 70 units, two pattern words),
 * ReLU and identity, biases of scale 1: the same regions (runs of equal σ' rows), the
 * per-sample σ' rows at each region's first sample, and outputs within 1e-13 of the largest.
 * The inputs ascending (the runs found by halving), ascending with ties (rounded to 1/64), and
 * descending (by a scan of every sample). With a cap below the count it declines. */
static void
test_regions_forward (void)
{
  static const guint net_0[] = { 1, 1 };
  static const guint net_1[] = { 1, 70, 1 };
  static const guint net_2[] = { 1, 31, 31, 1 };
  static const guint net_3[] = { 1, 4, 3, 4, 2 };
  const guint *nets[] = { net_0, net_1, net_2, net_3 };
  const guint lens[] = { 2, 3, 4, 5 };
  const SaddleActivation acts[] = { SADDLE_ACTIVATION_RELU, SADDLE_ACTIVATION_IDENTITY };
  gsize n = 1000;

  for (guint t = 0; t < G_N_ELEMENTS (nets); t++)
    for (guint a = 0; a < G_N_ELEMENTS (acts); a++)
      for (guint order = 0; order < 3; order++)
      {
        SaddleTestRig rig;
        SaddleModel *model;
        guint L = lens[t] - 1;
        gsize m = nets[t][L], R = 0, R_ref = 1, dummy;
        g_autofree double *out_ref = NULL;
        g_autofree gsize *first_ref = g_new (gsize, n + 1);
        double scale, err = 0.0;

        saddle_test_rig_init (&rig, nets[t], lens[t], acts[a], SADDLE_LOSS_MSE, n, 1.0, 41 + t);
        if (order == 1)
          for (gsize i = 0; i < n; i++)
            rig.x[i] = round (rig.x[i] * 64.0) / 64.0;
        qsort (rig.x, n, sizeof (double), compare_doubles);
        if (order == 2)
          for (gsize i = 0; i < n / 2; i++)
            {
              double swap = rig.x[i];

              rig.x[i] = rig.x[n - 1 - i];
              rig.x[n - 1 - i] = swap;
            }
        model = rig.model;
        g_assert_true (_saddle_model_ensure_forward (model, n));

        /* The per-sample pass: its outputs, and its runs of equal σ' rows. */
        _saddle_model_forward (model, rig.theta, rig.x, n);
        out_ref = g_memdup2 (model->z[L - 1], n * m * sizeof (double));
        first_ref[0] = 0;
        for (gsize i = 1; i < n; i++)
          for (guint l = 0; l + 1 < L; l++)
            {
              gsize o = nets[t][l + 1];

              if (memcmp (model->d[l] + i * o, model->d[l] + (i - 1) * o, o * sizeof (double)))
                {
                  first_ref[R_ref++] = i;
                  break;
                }
            }
        g_test_message ("%u hidden layers, %s, order %u: %" G_GSIZE_FORMAT " regions", L - 1,
                        saddle_activation_to_string (acts[a]), order, R_ref);
        g_assert_cmpuint (R_ref, >=, acts[a] == SADDLE_ACTIVATION_RELU && L > 1 ? 3 : 1);

        /* By region: the same runs, their σ' rows, the outputs to rounding. */
        for (gsize i = 0; i < n * m; i++)
          model->z[L - 1][i] = NAN;
        g_assert_true (_saddle_model_regions_forward (model, rig.theta, rig.x, n, n, &R));
        g_assert_cmpuint (R, ==, R_ref);
        g_assert_cmpmem (model->region_first, R * sizeof (gsize), first_ref, R * sizeof (gsize));
        g_assert_cmpuint (model->region_first[R], ==, n);
        scale = saddle_test_max_abs (out_ref, n * m);
        for (gsize i = 0; i < n * m; i++)
          err = MAX (err, fabs (model->z[L - 1][i] - out_ref[i]));
        g_test_message ("  outputs within %.1e of the largest", err / scale);
        g_assert_cmpfloat (err, <=, 1e-13 * scale);
        {
          /* The per-sample σ' rows at the regions' first samples, against those written. */
          g_autoptr(SaddleModel) other = saddle_model_copy (model);

          g_assert_true (_saddle_model_ensure_forward (other, n));
          _saddle_model_forward (other, rig.theta, rig.x, n);
          for (gsize r = 0; r < R; r++)
            for (guint l = 0; l + 1 < L; l++)
              {
                gsize o = nets[t][l + 1], at = model->region_first[r] * o;

                g_assert_cmpmem (model->d[l] + at, o * sizeof (double),
                                 other->d[l] + at, o * sizeof (double));
              }
        }

        /* A cap below the count declines. */
        if (R > 1)
          g_assert_false (_saddle_model_regions_forward (model, rig.theta, rig.x, n, R - 1,
                                                         &dummy));

        saddle_test_rig_clear (&rig);
      }
}

/* Inputs near the largest double: a run's centre is the mean of its ends taken as halves, so
 * it does not overflow, and the outputs by region are the per-sample pass's to rounding (they
 * were NaN, a review's finding). 1-2-1 ReLU with weights of 1e-300, kinks among the inputs. */
static void
test_regions_forward_huge_inputs (void)
{
  static const guint widths[] = { 1, 2, 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleModel) model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_RELU,
                                                   SADDLE_LOSS_MSE, &error);
  /* W0, b0, W1, b1: unit 0 is on above x = 9.5e307, unit 1 below it. */
  const double theta[] = { 1e-300, -1e-300, -9.5e7, 9.5e7, 1.0, 2.0, 0.25 };
  gsize n = 64, R = 0;
  g_autofree double *x = g_new (double, n);
  g_autofree double *want = g_new (double, n);

  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    x[i] = 9e307 + (double) i * 1e306;
  g_assert_true (_saddle_model_ensure_forward (model, n));
  _saddle_model_forward (model, theta, x, n);
  memcpy (want, model->z[1], n * sizeof (double));
  g_assert_true (_saddle_model_regions_forward (model, theta, x, n, n, &R));
  g_assert_cmpuint (R, ==, 2);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_true (isfinite (model->z[1][i]));
      g_assert_cmpfloat_with_epsilon (model->z[1][i], want[i], 1e-13 * fabs (want[i]) + 1e-300);
    }
}

/* The gradient, the descent's step and saddle_model_hvp() summed by linear region
 * (saddle-model-regions.c) against the per-sample passes (saddle_model_set_sum_by_region (FALSE)),
 * on 1,000 sorted inputs: nets of one input and one output with 0–3 hidden layers, ReLU and
 * identity, biases of scale 1 so that the kinks fall among the samples. The step must take the
 * regions (at most a quarter of the samples: checked by saddle_model_count_regions(), by the
 * model's tally and by the results differing in some bit from the per-sample sums), give the loss
 * within 1e-14 of it (the outputs come from the forward pass by region,
 * saddle-model-regions-forward.c), and ∇L, H·∇L and H·v within 1e-13 of the largest entry; H·∇L
 * also matches central differences of ∇L. Shuffled, the same inputs have more regions than that,
 * and the step must fall back: the same bits. */
static void
test_regions (void)
{
  static const guint net_0[] = { 1, 1 };
  static const guint net_1[] = { 1, 7, 1 };
  static const guint net_2[] = { 1, 6, 5, 1 };
  static const guint net_3[] = { 1, 31, 31, 1 };
  static const guint net_4[] = { 1, 4, 3, 4, 1 };
  const guint *nets[] = { net_0, net_1, net_2, net_3, net_4 };
  const guint lens[] = { 2, 3, 4, 4, 5 };
  const SaddleActivation acts[] = { SADDLE_ACTIVATION_RELU, SADDLE_ACTIVATION_IDENTITY };
  gsize n = 1000;

  for (guint t = 0; t < G_N_ELEMENTS (nets); t++)
    for (guint a = 0; a < G_N_ELEMENTS (acts); a++)
      {
        SaddleTestRig rig;
        g_autofree double *g = NULL, *hg = NULL, *g_ref = NULL, *hg_ref = NULL;
        double loss, loss_ref;
        gsize regions;
        SaddleRegionTally tally;
        SaddleRng rng;

        gboolean kinks = acts[a] == SADDLE_ACTIVATION_RELU && lens[t] > 2;

        /* A seed whose ReLU kinks fall among the samples: at least 3 regions. */
        for (guint64 seed = 41; ; seed++)
          {
            saddle_test_rig_init (&rig, nets[t], lens[t], acts[a], SADDLE_LOSS_MSE, n, 1.0, seed);
            qsort (rig.x, n, sizeof (double), compare_doubles);
            regions = saddle_model_count_regions (rig.model, rig.theta, &rig.batch);
            if (!kinks || regions >= 3 || seed == 60)
              break;
            saddle_test_rig_clear (&rig);
          }
        g_test_message ("%u hidden layers, %s: %" G_GSIZE_FORMAT " regions", lens[t] - 2,
                        saddle_activation_to_string (acts[a]), regions);
        g_assert_cmpuint (regions, >=, kinks ? 3 : 1);
        g_assert_cmpuint (regions, <=, n / 4);
        g = g_new (double, rig.P);
        hg = g_new (double, rig.P);
        g_ref = g_new (double, rig.P);
        hg_ref = g_new (double, rig.P);

        saddle_model_take_region_tally (rig.model, NULL);
        loss = saddle_model_grad_and_hvp_self (rig.model, rig.theta, &rig.batch, g, hg);
        saddle_model_take_region_tally (rig.model, &tally);
        g_assert_cmpuint (tally.by_region, ==, 1);
        g_assert_cmpuint (tally.by_sample, ==, 0);
        g_assert_cmpuint (tally.regions, ==, regions);
        saddle_model_set_sum_by_region (rig.model, FALSE);
        loss_ref = saddle_model_grad_and_hvp_self (rig.model, rig.theta, &rig.batch, g_ref,
                                                   hg_ref);
        saddle_model_take_region_tally (rig.model, &tally);
        g_assert_cmpuint (tally.by_region, ==, 0);
        g_assert_cmpuint (tally.by_sample, ==, 1);
        g_test_message ("  ∇L within %.1e, H·∇L within %.1e", rel_err (g, g_ref, rig.P),
                        rel_err (hg, hg_ref, rig.P));
        g_assert_cmpfloat (fabs (loss - loss_ref), <=, 1e-14 * loss_ref);
        g_assert_cmpfloat (saddle_test_max_abs (hg_ref, rig.P), >, 1e-6);
        g_assert_cmpfloat (rel_err (g, g_ref, rig.P), <=, 1e-13);
        g_assert_cmpfloat (rel_err (hg, hg_ref, rig.P), <=, 1e-13);
        g_assert_true (memcmp (g, g_ref, rig.P * sizeof (double)) != 0
                       || memcmp (hg, hg_ref, rig.P * sizeof (double)) != 0);

        /* saddle_model_loss_grad() by region against by sample: the loss within 1e-14, ∇L
         * within 1e-13, and counted in the tally. */
        {
          g_autofree double *g1 = g_new (double, rig.P);
          g_autofree double *g2 = g_new (double, rig.P);
          double l1, l2;

          l2 = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, g2);
          saddle_model_set_sum_by_region (rig.model, TRUE);
          saddle_model_take_region_tally (rig.model, NULL);
          l1 = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, g1);
          saddle_model_take_region_tally (rig.model, &tally);
          saddle_model_set_sum_by_region (rig.model, FALSE);
          g_assert_cmpuint (tally.grads_by_region, ==, 1);
          g_assert_cmpuint (tally.grad_regions, ==, regions);
          g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-14 * l2);
          g_assert_cmpfloat (rel_err (g1, g2, rig.P), <=, 1e-13);
        }

        /* saddle_model_hvp() on 3 random directions, with the gradient, by region against by
         * sample: the same tolerances. */
        {
          g_autofree double *dirs = random_directions (3, rig.P, 9 + t);
          g_autofree double *hv = g_new (double, 3 * rig.P);
          g_autofree double *hv_ref = g_new (double, 3 * rig.P);
          double l1, l2;

          l2 = saddle_model_hvp (rig.model, rig.theta, &rig.batch, dirs, 3, hv_ref, g_ref);
          saddle_model_set_sum_by_region (rig.model, TRUE);
          l1 = saddle_model_hvp (rig.model, rig.theta, &rig.batch, dirs, 3, hv, g);
          saddle_model_set_sum_by_region (rig.model, FALSE);
          g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-14 * l2);
          g_assert_cmpfloat (rel_err (g, g_ref, rig.P), <=, 1e-13);
          for (guint j = 0; j < 3; j++)
            g_assert_cmpfloat (rel_err (hv + j * rig.P, hv_ref + j * rig.P, rig.P), <=, 1e-13);
          g_assert_true (memcmp (hv, hv_ref, 3 * rig.P * sizeof (double)) != 0);
        }

        /* And central differences of ∇L along ∇L/‖∇L‖, ε = 1e-6: within 1e-6 of ‖H·∇L‖/‖∇L‖
         * (the nets small enough that no pre-activation lies within ε of its kink here). */
        if (rig.P < 500)
          {
            g_autofree double *up = g_new (double, rig.P);
            g_autofree double *down = g_new (double, rig.P);
            g_autofree double *t_up = g_new (double, rig.P);
            g_autofree double *t_down = g_new (double, rig.P);
            double norm = sqrt (saddle_test_dot (g, g, rig.P)), eps = 1e-6, diff = 0.0;

            for (gsize i = 0; i < rig.P; i++)
              {
                t_up[i] = rig.theta[i] + eps * g[i] / norm;
                t_down[i] = rig.theta[i] - eps * g[i] / norm;
              }
            saddle_model_loss_grad (rig.model, t_up, &rig.batch, up);
            saddle_model_loss_grad (rig.model, t_down, &rig.batch, down);
            for (gsize i = 0; i < rig.P; i++)
              diff = MAX (diff, fabs ((up[i] - down[i]) / (2.0 * eps) - hg[i] / norm));
            g_assert_cmpfloat (diff, <=, 1e-6 * saddle_test_max_abs (hg, rig.P) / norm);
          }

        /* Shuffled: too many regions for the sums by region, so the per-sample passes. */
        saddle_rng_init (&rng, 7);
        for (gsize i = n - 1; i > 0; i--)
          {
            gsize j = (gsize) saddle_rng_below (&rng, i + 1);
            double x = rig.x[i];

            rig.x[i] = rig.x[j];
            rig.x[j] = x;
          }
        if (saddle_model_count_regions (rig.model, rig.theta, &rig.batch) > n / 4)
          {
            saddle_model_grad_and_hvp_self (rig.model, rig.theta, &rig.batch, g_ref, hg_ref);
            saddle_model_set_sum_by_region (rig.model, TRUE);
            saddle_model_grad_and_hvp_self (rig.model, rig.theta, &rig.batch, g, hg);
            g_assert_cmpmem (g, rig.P * sizeof (double), g_ref, rig.P * sizeof (double));
            g_assert_cmpmem (hg, rig.P * sizeof (double), hg_ref, rig.P * sizeof (double));
          }

        saddle_test_rig_clear (&rig);
      }
}

/* The descent's step, saddle_model_grad_and_hvp_self(), on 300 samples (so sums over samples
 * run in several chunks, the last one short), with 1 and 2 hidden layers whose input and output
 * have width 1 where the loss allows (products by dgemv), and on a linear model:
 * - ∇L and H·∇L equal saddle_model_loss_grad() then saddle_model_hvp() with v = ∇L (1e-13);
 * - H·∇L equals the Hessian built from identity columns times ∇L (another R-pass: 1e-12);
 * - and the first row of a 3-direction block (directions packed: 1e-13);
 * - and central differences of the gradient along ∇L/‖∇L‖, ε = 1e-5 (1e-6, as test_hvp_fd()). */
static void
test_descent_step (gconstpointer data)
{
  const Combo *c = data;
  static const guint mse_one[] = { 1, 7, 1 };
  static const guint mse_two[] = { 1, 6, 5, 1 };
  static const guint ce_one[] = { 2, 6, 3 };
  static const guint ce_two[] = { 3, 5, 4, 2 };
  gboolean mse = c->loss == SADDLE_LOSS_MSE;
  const guint *nets[] = { mse ? mse_one : ce_one, mse ? mse_two : ce_two, net_flat };
  const guint lens[] = { 3, 4, 2 };

  for (guint t = 0; t < G_N_ELEMENTS (nets); t++)
    {
      Rig rig;
      g_autofree double *g = NULL;
      g_autofree double *hg = NULL;
      g_autofree double *g_ref = NULL;
      g_autofree double *hg_ref = NULL;
      g_autofree double *hess = NULL;
      g_autofree double *block = NULL;
      g_autofree double *u = NULL;
      g_autofree double *fd = NULL;
      double loss, loss_ref, norm = 0.0;

      rig_init_smooth (&rig, nets[t], lens[t], c->activation, c->loss, 300, 1e-3);
      g = g_new (double, rig.P);
      hg = g_new (double, rig.P);
      g_ref = g_new (double, rig.P);
      hg_ref = g_new (double, rig.P);
      hess = g_new (double, rig.P * rig.P);
      block = g_new (double, 3 * rig.P);
      u = random_directions (3, rig.P, 5 + t);
      fd = g_new (double, rig.P);

      loss = saddle_model_grad_and_hvp_self (rig.model, rig.theta, &rig.batch, g, hg);
      g_assert_cmpfloat (saddle_test_max_abs (hg, rig.P), >, 1e-6);

      loss_ref = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, g_ref);
      saddle_model_hvp (rig.model, rig.theta, &rig.batch, g_ref, 1, hg_ref, NULL);
      g_assert_cmpfloat (fabs (loss - loss_ref), <=, 1e-14 * fabs (loss_ref));
      g_assert_cmpfloat (rel_err (g, g_ref, rig.P), <=, 1e-13);
      g_assert_cmpfloat (rel_err (hg, hg_ref, rig.P), <=, 1e-13);

      saddle_model_hessian_columns (rig.model, rig.theta, &rig.batch, 0, rig.P, hess);
      for (gsize i = 0; i < rig.P; i++)
        {
          hg_ref[i] = 0.0;
          for (gsize j = 0; j < rig.P; j++)
            hg_ref[i] += hess[i * rig.P + j] * g[j];
        }
      g_assert_cmpfloat (rel_err (hg, hg_ref, rig.P), <=, 1e-12);

      memcpy (u, g, rig.P * sizeof (double));
      saddle_model_hvp (rig.model, rig.theta, &rig.batch, u, 3, block, NULL);
      g_assert_cmpfloat (rel_err (hg, block, rig.P), <=, 1e-13);

      for (gsize i = 0; i < rig.P; i++)
        norm += g[i] * g[i];
      norm = sqrt (norm);
      for (gsize i = 0; i < rig.P; i++)
        u[i] = g[i] / norm;
      fd_hvp (&rig, u, 1e-5, fd);
      for (gsize i = 0; i < rig.P; i++)
        fd[i] *= norm;
      g_test_message ("net %u: relative error against differences %.3g", t,
                      rel_err (hg, fd, rig.P));
      g_assert_cmpfloat (rel_err (hg, fd, rig.P), <=, 1e-6);

      rig_clear (&rig);
    }
}

/* The Hessian from HVPs on identity columns is symmetric to 1e-10 relative
 * and equals the finite-difference Hessian (columns of gradient differences,
 * ε = 1e-5, 1e-6 relative); the identity-column path equals generic HVPs. */
static void
test_hessian_full (gconstpointer data)
{
  const Combo *c = data;
  Rig rig;
  g_autofree double *eye = NULL;
  g_autofree double *h = NULL;
  g_autofree double *fd = NULL;
  g_autofree double *cols = NULL;
  double diff = 0.0;
  gsize P;

  rig_init_smooth (&rig, net_a, 4, c->activation, c->loss, 6, 2e-3);
  P = rig.P;
  eye = identity_rows (P);
  h = g_new (double, P * P);
  fd = g_new (double, P * P);
  cols = g_new (double, P * P);

  saddle_model_hvp (rig.model, rig.theta, &rig.batch, eye, P, h, NULL);
  for (gsize i = 0; i < P; i++)
    for (gsize j = 0; j < P; j++)
      diff = MAX (diff, fabs (h[i * P + j] - h[j * P + i]));
  g_assert_cmpfloat (saddle_test_max_abs (h, P * P), >, 1e-3);
  g_assert_cmpfloat (diff, <=, 1e-10 * saddle_test_max_abs (h, P * P));

  for (gsize j = 0; j < P; j++)
    fd_hvp (&rig, eye + j * P, 1e-5, fd + j * P);
  g_assert_cmpfloat (rel_err (h, fd, P * P), <=, 1e-6);

  /* All columns, then ranges across layer boundaries, then in chunks of one. */
  saddle_model_hessian_columns (rig.model, rig.theta, &rig.batch, 0, P, cols);
  g_assert_cmpfloat (rel_err (cols, h, P * P), <=, 1e-12);
  for (gsize first = 0; first < P; first += 5)
    {
      gsize k = MIN (9, P - first);

      saddle_model_hessian_columns (rig.model, rig.theta, &rig.batch, first, k, cols);
      g_assert_cmpfloat (rel_err (cols, h + first * P, k * P), <=, 1e-12);
    }
  saddle_model_set_scratch_limit (rig.model, 1);
  saddle_model_hessian_columns (rig.model, rig.theta, &rig.batch, 3, P - 3, cols);
  g_assert_cmpfloat (rel_err (cols, h + 3 * P, (P - 3) * P), <=, 1e-12);
  saddle_model_set_tile_rows (rig.model, 4);
  saddle_model_hessian_columns (rig.model, rig.theta, &rig.batch, 3, P - 3, cols);
  g_assert_cmpfloat (rel_err (cols, h + 3 * P, (P - 3) * P), <=, 1e-12);
  saddle_model_set_scratch_limit (rig.model, G_MAXSIZE);
  saddle_model_hessian_columns (rig.model, rig.theta, &rig.batch, 0, P, cols);
  g_assert_cmpfloat (rel_err (cols, h, P * P), <=, 1e-12);

  rig_clear (&rig);
}

/* y = w2 (w1 x + b1) + b2 with MSE: loss, gradient and Hessian in closed form. */
static void
test_known_linear (void)
{
  static const guint widths[] = { 1, 1, 1 };
  const double x[] = { 0.5, -1.0, 2.0 };
  const double t[] = { 1.0, 0.0, -0.5 };
  const double theta[] = { 0.7, -0.3, 1.3, 0.2 };  /* w1, b1, w2, b2 */
  const double w1 = theta[0], b1 = theta[1], w2 = theta[2], b2 = theta[3];
  const gsize n = 3;
  g_autoptr(SaddleModel) model = NULL;
  SaddleBatch batch = { 0 };
  double grad[4], hv[16], eye[16] = { 0 };
  double loss = 0.0, g_ref[4] = { 0 }, h_ref[16] = { 0 };

  model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_IDENTITY, SADDLE_LOSS_MSE, NULL);
  g_assert_cmpuint (saddle_model_n_params (model), ==, 4);
  saddle_test_batch_init (&batch, x, t, n, 1, 1);

  for (gsize i = 0; i < n; i++)
    {
      double hid = w1 * x[i] + b1;
      double r = w2 * hid + b2 - t[i];
      double s = 2.0 / n;

      loss += r * r / n;
      g_ref[0] += s * r * w2 * x[i];
      g_ref[1] += s * r * w2;
      g_ref[2] += s * r * hid;
      g_ref[3] += s * r;
      /* Rows w1, b1, w2, b2. */
      h_ref[0] += s * w2 * w2 * x[i] * x[i];
      h_ref[1] += s * w2 * w2 * x[i];
      h_ref[2] += s * (hid * w2 * x[i] + r * x[i]);
      h_ref[3] += s * w2 * x[i];
      h_ref[5] += s * w2 * w2;
      h_ref[6] += s * (hid * w2 + r);
      h_ref[7] += s * w2;
      h_ref[10] += s * hid * hid;
      h_ref[11] += s * hid;
      h_ref[15] += s;
    }
  for (guint i = 0; i < 4; i++)
    for (guint j = 0; j < i; j++)
      h_ref[i * 4 + j] = h_ref[j * 4 + i];
  for (guint i = 0; i < 4; i++)
    eye[i * 4 + i] = 1.0;

  g_assert_cmpfloat (fabs (saddle_model_loss_grad (model, theta, &batch, grad) - loss), <=, 1e-15);
  g_assert_cmpfloat (rel_err (grad, g_ref, 4), <=, 1e-14);
  g_assert_cmpfloat (fabs (saddle_model_hvp (model, theta, &batch, eye, 4, hv, NULL) - loss),
                     <=, 1e-15);
  g_assert_cmpfloat (rel_err (hv, h_ref, 16), <=, 1e-14);
  g_assert_cmpfloat (h_ref[15], ==, 2.0);  /* ∂²L/∂b2² = 2 exactly */
}

/* Equal logits: cross-entropy is log(classes), output-bias gradient mean(1/C − onehot). */
static void
test_known_ce (void)
{
  static const guint widths[] = { 4, 3, 5 };
  const guint32 labels[] = { 0, 4, 4, 2 };
  g_autoptr(SaddleModel) model = NULL;
  g_autofree double *theta = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *x = g_new (double, 4 * 4);
  SaddleBatch batch = { 0 };
  SaddleRng rng;
  gsize P, bias;

  model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_TANH, SADDLE_LOSS_CROSS_ENTROPY, NULL);
  P = saddle_model_n_params (model);
  theta = g_new0 (double, P);
  grad = g_new (double, P);
  saddle_rng_init (&rng, 1);
  for (guint i = 0; i < 16; i++)
    x[i] = saddle_rng_normal (&rng);
  batch.kind = SADDLE_DATASET_CLASSIFICATION;
  batch.n = 4;
  batch.n_inputs = 4;
  batch.n_outputs = 5;
  batch.x = x;
  batch.labels = labels;

  g_assert_cmpfloat (fabs (saddle_model_loss_grad (model, theta, &batch, grad) - log (5.0)),
                     <=, 1e-15);
  bias = saddle_model_layer_offset (model, 1) + 5 * 3;
  g_assert_cmpfloat (fabs (grad[bias + 0] - (0.2 - 0.25)), <=, 1e-15);
  g_assert_cmpfloat (fabs (grad[bias + 1] - 0.2), <=, 1e-15);
  g_assert_cmpfloat (fabs (grad[bias + 2] - (0.2 - 0.25)), <=, 1e-15);
  g_assert_cmpfloat (fabs (grad[bias + 4] - (0.2 - 0.5)), <=, 1e-15);

  /* Huge equal logits must not overflow: log-sum-exp. */
  for (guint o = 0; o < 5; o++)
    theta[bias + o] = 1000.0;
  g_assert_cmpfloat (fabs (saddle_model_loss_grad (model, theta, &batch, grad) - log (5.0)),
                     <=, 1e-12);
}

/* MSE with several outputs is the mean over samples and outputs (torch.nn.MSELoss()). */
static void
test_mse_multi_output (void)
{
  Rig rig;
  g_autofree double *out = NULL;
  double expect = 0.0;
  gsize n = 4, m = 2;

  rig_init (&rig, net_a, 4, SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE, n, 17);
  out = g_new (double, n * m);
  saddle_model_predict (rig.model, rig.theta, &rig.batch, out);
  for (gsize i = 0; i < n * m; i++)
    expect += (out[i] - rig.targets[i]) * (out[i] - rig.targets[i]);
  expect /= (double) (n * m);
  g_assert_cmpfloat (fabs (saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, NULL)
                           - expect),
                     <=, 1e-14 * expect);
  rig_clear (&rig);
}

static void
test_param_count (void)
{
  static const guint image[] = { 784, 20, 20, 10 };
  static const guint sinc[] = { 1, 363, 1 };
  static const guint deep[] = { 1, 31, 31, 1 };
  g_autoptr(SaddleModel) model = NULL;

  g_assert_cmpuint (saddle_model_count_params (image, 4), ==, 16330);
  g_assert_cmpuint (saddle_model_count_params (sinc, 3), ==, 1090);
  g_assert_cmpuint (saddle_model_count_params (deep, 4), ==, 1086);
  g_assert_cmpuint (saddle_model_count_params (image, 1), ==, 0);
  g_assert_cmpuint (saddle_model_count_params (NULL, 4), ==, 0);

  model = saddle_model_new (image, 4, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_CROSS_ENTROPY, NULL);
  g_assert_nonnull (model);
  g_assert_cmpuint (saddle_model_n_params (model), ==, 16330);
  g_assert_cmpuint (saddle_model_n_layers (model), ==, 3);
  g_assert_cmpuint (saddle_model_width (model, 0), ==, 784);
  g_assert_cmpuint (saddle_model_width (model, 3), ==, 10);
  g_assert_cmpuint (saddle_model_layer_offset (model, 0), ==, 0);
  g_assert_cmpuint (saddle_model_layer_offset (model, 1), ==, 15700);
  g_assert_cmpuint (saddle_model_layer_offset (model, 2), ==, 16120);
  g_assert_cmpuint (saddle_model_layer_size (model, 0), ==, 15700);
  g_assert_cmpuint (saddle_model_layer_size (model, 1), ==, 420);
  g_assert_cmpuint (saddle_model_layer_size (model, 2), ==, 210);
  g_assert_cmpint (saddle_model_activation (model), ==, SADDLE_ACTIVATION_RELU);
  g_assert_cmpint (saddle_model_loss_kind (model), ==, SADDLE_LOSS_CROSS_ENTROPY);
}

static void
assert_invalid (const guint      *widths,
                guint             n_widths,
                SaddleActivation  activation,
                SaddleLoss        loss)
{
  g_autoptr(GError) error = NULL;
  SaddleModel *model = saddle_model_new (widths, n_widths, activation, loss, &error);

  g_assert_null (model);
  g_assert_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID);
  g_test_message ("refused: %s", error->message);
}

static void
test_invalid (void)
{
  static const guint one[] = { 5 };
  static const guint zero[] = { 3, 0, 2 };
  static const guint zero_in[] = { 0, 4 };
  static const guint huge[] = { G_MAXUINT, G_MAXUINT, G_MAXUINT };
  static const guint too_many[] = { 10000, 10001 };
  static const guint just_fits[] = { 10000, 9999 };
  static const guint ok[] = { 2, 3 };
  g_autoptr(SaddleModel) model = NULL;

  assert_invalid (one, 1, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE);
  assert_invalid (NULL, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE);
  assert_invalid (zero, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE);
  assert_invalid (zero_in, 2, SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE);
  assert_invalid (huge, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE);
  g_assert_cmpuint (saddle_model_count_params (huge, 3), ==, 0);
  assert_invalid (too_many, 2, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE);
  assert_invalid (ok, 2, (SaddleActivation) 99, SADDLE_LOSS_MSE);
  assert_invalid (ok, 2, SADDLE_ACTIVATION_RELU, (SaddleLoss) 7);

  /* 99,999,999 parameters is allowed (no scratch is allocated until used). */
  model = saddle_model_new (just_fits, 2, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, NULL);
  g_assert_nonnull (model);
  g_assert_cmpuint (saddle_model_n_params (model), ==, 99999999);
}

static void
test_activation_strings (void)
{
  const SaddleActivation all[] = {
    SADDLE_ACTIVATION_RELU, SADDLE_ACTIVATION_TANH,
    SADDLE_ACTIVATION_SIGMOID, SADDLE_ACTIVATION_IDENTITY,
  };
  SaddleActivation act = SADDLE_ACTIVATION_IDENTITY;

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    {
      const char *name = saddle_activation_to_string (all[i]);

      g_assert_nonnull (name);
      g_assert_true (saddle_activation_from_string (name, &act));
      g_assert_cmpint (act, ==, all[i]);
    }
  g_assert_cmpstr (saddle_activation_to_string (SADDLE_ACTIVATION_SIGMOID), ==, "sigmoid");
  g_assert_true (saddle_activation_from_string ("ReLU", &act));
  g_assert_cmpint (act, ==, SADDLE_ACTIVATION_RELU);
  g_assert_false (saddle_activation_from_string ("softplus", &act));
  g_assert_false (saddle_activation_from_string (NULL, &act));
  g_assert_null (saddle_activation_to_string ((SaddleActivation) 42));
}

static void
test_init (void)
{
  static const guint widths[] = { 784, 200, 10 };
  g_autoptr(SaddleModel) relu = NULL;
  g_autoptr(SaddleModel) tanh_model = NULL;
  g_autofree double *t1 = NULL;
  g_autofree double *t2 = NULL;
  g_autofree double *t3 = NULL;
  SaddleRng rng;
  gsize P, nw = 784 * 200;
  double mean = 0.0, var = 0.0, limit;

  relu = saddle_model_new (widths, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_CROSS_ENTROPY, NULL);
  tanh_model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_TANH, SADDLE_LOSS_CROSS_ENTROPY,
                                NULL);
  P = saddle_model_n_params (relu);
  t1 = g_new (double, P);
  t2 = g_new (double, P);
  t3 = g_new (double, P);

  /* Same seed, same θ; another seed, another θ. */
  saddle_rng_init (&rng, 123);
  saddle_model_init_params (relu, t1, &rng);
  saddle_rng_init (&rng, 123);
  saddle_model_init_params (relu, t2, &rng);
  g_assert_cmpmem (t1, P * sizeof (double), t2, P * sizeof (double));
  saddle_rng_init (&rng, 124);
  saddle_model_init_params (relu, t3, &rng);
  g_assert_cmpfloat (t1[0], !=, t3[0]);
  g_assert_cmpfloat (t1[P - 11], !=, t3[P - 11]);

  /* Biases are zero. */
  for (guint o = 0; o < 200; o++)
    g_assert_cmpfloat (t1[nw + o], ==, 0.0);
  for (guint o = 0; o < 10; o++)
    g_assert_cmpfloat (t1[P - 10 + o], ==, 0.0);

  /* He normal: mean 0 (4 standard errors), variance 2/in (3 %; its standard error is 0.36 %). */
  for (gsize i = 0; i < nw; i++)
    mean += t1[i] / nw;
  for (gsize i = 0; i < nw; i++)
    var += (t1[i] - mean) * (t1[i] - mean) / nw;
  g_assert_cmpfloat (fabs (mean), <, 4.0 * sqrt (2.0 / 784 / nw));
  g_assert_cmpfloat (fabs (var / (2.0 / 784) - 1.0), <, 0.03);

  /* Glorot uniform: inside ±sqrt(6/(in+out)), variance limit²/3. */
  saddle_rng_init (&rng, 123);
  saddle_model_init_params (tanh_model, t3, &rng);
  limit = sqrt (6.0 / (784 + 200));
  mean = var = 0.0;
  for (gsize i = 0; i < nw; i++)
    {
      g_assert_cmpfloat (fabs (t3[i]), <=, limit);
      mean += t3[i] / nw;
    }
  for (gsize i = 0; i < nw; i++)
    var += (t3[i] - mean) * (t3[i] - mean) / nw;
  g_assert_cmpfloat (fabs (var / (limit * limit / 3.0) - 1.0), <, 0.03);
  limit = sqrt (6.0 / (200 + 10));
  for (gsize i = nw + 200; i < P - 10; i++)
    g_assert_cmpfloat (fabs (t3[i]), <=, limit);
}

/* 1-3-1 ReLU on x ∈ [0, 1]: units 1 and 2 never fire; every Hessian row
 * touching them (in-weights, biases, out-weights) is exactly zero. */
static void
test_dead_units (void)
{
  static const guint widths[] = { 1, 3, 1 };
  /* W0 (3×1), b0 (3), W1 (1×3), b1 (1) */
  const double theta[] = { 1.0, -1.0, 2.0, 0.5, -0.5, -10.0, 0.8, -1.2, 0.4, 0.1 };
  const double x[] = { 0.0, 0.25, 0.5, 1.0 };
  const double t[] = { 0.3, 0.1, -0.2, 0.7 };
  const gsize dead_params[] = { 1, 2, 4, 5, 7, 8 };
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleModel) tanh_model = NULL;
  SaddleBatch batch = { 0 };
  double eye[100] = { 0 }, h[100];

  saddle_test_batch_init (&batch, x, t, 4, 1, 1);

  model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, NULL);
  g_assert_cmpuint (saddle_model_count_dead_units (model, theta, &batch), ==, 2);
  tanh_model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE, NULL);
  g_assert_cmpuint (saddle_model_count_dead_units (tanh_model, theta, &batch), ==, 0);

  for (guint i = 0; i < 10; i++)
    eye[i * 10 + i] = 1.0;
  saddle_model_hvp (model, theta, &batch, eye, 10, h, NULL);
  for (guint d = 0; d < G_N_ELEMENTS (dead_params); d++)
    for (guint j = 0; j < 10; j++)
      g_assert_cmpfloat (h[dead_params[d] * 10 + j], ==, 0.0);
  /* The live unit has curvature. */
  g_assert_cmpfloat (fabs (h[0]), >, 0.0);

  /* Units at exactly 0 for every sample count as dead too (ReLU'(0) = 0). */
  {
    const double zero_x[] = { 0.0, 0.0 };
    SaddleBatch zb = batch;
    double th[10];

    memcpy (th, theta, sizeof th);
    th[3] = 0.0;
    zb.n = 2;
    zb.x = zero_x;
    g_assert_cmpuint (saddle_model_count_dead_units (model, th, &zb), ==, 3);
  }
}

/* 1-2-1 ReLU on x = 0, 0.1, …, 1: unit 0 is x − 0.45 at θa and x − 0.75 at θb,
 * so samples 0.5, 0.6 and 0.7 change side; unit 1 is 0.15 − x at θa and
 * 0.19 − x at θb, so no sample does (0 and 0.1 stay active, 0.2 off).
 * Smooth activations have no kinks to cross. */
static void
test_kinks_crossed (void)
{
  static const guint widths[] = { 1, 2, 1 };
  /* W0 (2×1), b0 (2), W1 (1×2), b1 (1) */
  const double theta_a[] = { 1.0, -1.0, -0.45, 0.15, 0.7, -0.3, 0.1 };
  const double theta_b[] = { 1.0, -1.0, -0.75, 0.19, 0.7, -0.3, 0.1 };
  double x[11], t[11] = { 0 };
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleModel) tanh_model = NULL;
  SaddleBatch batch = { 0 };

  for (guint i = 0; i < 11; i++)
    x[i] = i / 10.0;
  saddle_test_batch_init (&batch, x, t, 11, 1, 1);

  model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, NULL);
  g_assert_cmpuint (saddle_model_count_kinks_crossed (model, theta_a, theta_b, &batch), ==, 3);
  g_assert_cmpuint (saddle_model_count_kinks_crossed (model, theta_b, theta_a, &batch), ==, 3);
  g_assert_cmpuint (saddle_model_count_kinks_crossed (model, theta_a, theta_a, &batch), ==, 0);
  tanh_model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE, NULL);
  g_assert_cmpuint (saddle_model_count_kinks_crossed (tanh_model, theta_a, theta_b, &batch), ==, 0);
}

/* The share of a step before the first kink, against the closed form of a first layer (z is
 * affine in α there): unit 1's z = x − 0.45 + α·(−0.3) on x ∈ {0, 0.1, …, 1} first crosses
 * for x = 0.5 (z = 0.05) at α = 1/6; a step that crosses nothing gives 1; tanh has no kinks. A
 * pre-activation exactly at its kink (x = 0.5, b = −0.5) sits on it and crosses nothing. */
static void
test_first_kink (void)
{
  static const guint widths[] = { 1, 2, 1 };
  /* W0 (2×1), b0 (2), W1 (1×2), b1 (1) */
  const double theta[] = { 1.0, -1.0, -0.45, 0.15, 0.7, -0.3, 0.1 };
  const double crossing[] = { 0, 0, -0.3, 0, 0, 0, 0 };
  const double along[] = { 0, 0, 0, 0, 0.5, 0.5, 1.0 };   /* output layer only */
  const double on_kink[] = { 1.0, -1.0, -0.5, 0.15, 0.7, -0.3, 0.1 };
  const double away[] = { 0, 0, 0.04, 0, 0, 0, 0 };        /* every unit-1 z grows */
  /* On x ∈ {0, 0.1, 1}, unit 2's z = 0.15 + x·(2α − 1) turns positive at x = 1 only, for
   * α > 0.425: in the last two of the 6 pre-activations, past a group of four. */
  const double last[] = { 0, 2.0, 0, 0, 0, 0, 0 };
  const double x3[] = { 0.0, 0.1, 1.0 };
  SaddleBatch three = { 0 };
  double x[11], t[11] = { 0 };
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleModel) tanh_model = NULL;
  SaddleBatch batch = { 0 };
  double alpha;

  for (guint i = 0; i < 11; i++)
    x[i] = i / 10.0;
  saddle_test_batch_init (&batch, x, t, 11, 1, 1);
  model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, NULL);

  alpha = saddle_model_first_kink (model, theta, crossing, &batch);
  g_assert_cmpfloat_with_epsilon (alpha, 1.0 / 6.0, 1e-6 / 6.0);
  g_assert_cmpfloat (alpha, >=, 1.0 / 6.0);   /* bisection keeps the crossing side */
  g_assert_cmpfloat (saddle_model_first_kink (model, theta, along, &batch), ==, 1.0);
  saddle_test_batch_init (&three, x3, t, 3, 1, 1);
  g_assert_cmpfloat_with_epsilon (saddle_model_first_kink (model, theta, last, &three), 0.425,
                                  1e-6 * 0.425);
  g_assert_cmpfloat (saddle_model_first_kink (model, on_kink, away, &batch), ==, 1.0);
  tanh_model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE, NULL);
  g_assert_true (isnan (saddle_model_first_kink (tanh_model, theta, crossing, &batch)));
}

/* saddle_model_first_kink()'s search, written plainly from the hidden pre-activations: a
 * log grid of 10 points a decade from 10⁻¹² to 1, then 20 bisections (saddle-model-relu.c). */
static double
first_kink_plainly (SaddleModel       *model,
                    const double      *theta,
                    const double      *delta,
                    const SaddleBatch *batch)
{
  gsize P = saddle_model_n_params (model), count = batch->n * saddle_model_n_hidden (model);
  g_autofree double *z0 = g_new (double, count), *z = g_new (double, count);
  g_autofree double *point = g_new (double, P);
  double below = 0.0, above = NAN;

  g_assert_true (saddle_model_hidden_preactivations (model, theta, batch, z0));
  for (int j = 0; j <= 12 * 10 + 20; j++)
    {
      double alpha = j <= 120 ? pow (10.0, -12 + j / 10.0) : 0.5 * (below + above);
      gboolean differ = FALSE;

      if (j > 120 && isnan (above))
        return 1.0;
      if (j <= 120 && !isnan (above))
        continue;
      for (gsize i = 0; i < P; i++)
        point[i] = theta[i] + alpha * delta[i];
      g_assert_true (saddle_model_hidden_preactivations (model, point, batch, z));
      for (gsize k = 0; k < count; k++)
        if ((z0[k] > 0.0 && z[k] < 0.0) || (z0[k] < 0.0 && z[k] > 0.0))
          differ = TRUE;
      if (differ)
        above = alpha;
      else
        below = alpha;
    }
  return isnan (above) ? 1.0 : above;
}

/* The search on random nets whose layers' entries (13 samples × 7 and × 5 units) leave tails
 * past groups of four, at steps from 10⁻⁶ to 10⁶ long: the same α as written plainly. */
static void
test_first_kink_random (void)
{
  static const guint widths[] = { 1, 7, 5, 1 };
  g_autoptr(SaddleModel) model = saddle_model_new (widths, 4, SADDLE_ACTIVATION_RELU,
                                                   SADDLE_LOSS_MSE, NULL);
  gsize P = saddle_model_n_params (model);
  g_autofree double *theta = g_new (double, P), *delta = g_new (double, P);
  double x[13], t[13] = { 0 };
  SaddleBatch batch = { 0 };
  SaddleRng rng;

  for (guint i = 0; i < 13; i++)
    x[i] = -1.0 + i / 6.0;
  saddle_test_batch_init (&batch, x, t, 13, 1, 1);
  saddle_rng_init (&rng, 11);
  for (guint trial = 0; trial < 40; trial++)
    {
      double scale = pow (10.0, -6.0 + 12.0 * saddle_rng_uniform (&rng));
      double alpha;

      for (gsize i = 0; i < P; i++)
        {
          theta[i] = saddle_rng_normal (&rng);
          delta[i] = scale * saddle_rng_normal (&rng);
        }
      alpha = saddle_model_first_kink (model, theta, delta, &batch);
      g_test_message ("step ×%.2g: first kink at %.6g of it", scale, alpha);
      g_assert_cmpfloat (alpha, ==, first_kink_plainly (model, theta, delta, &batch));
    }
}

/* The kink bound is sound: wherever it holds, no hidden pre-activation as the forward pass
 * computes it at θ + α·δ has changed sign (random 1-9-7-5-1 nets, grid points and the points
 * between them); and it is of use: at the grid's first point, 10⁻¹² along the step, it holds
 * for most of them. */
static void
test_kink_bound (void)
{
  static const guint widths[] = { 1, 9, 7, 5, 1 };
  g_autoptr(SaddleModel) model = saddle_model_new (widths, 5, SADDLE_ACTIVATION_RELU,
                                                   SADDLE_LOSS_MSE, NULL);
  gsize P = saddle_model_n_params (model), H = saddle_model_n_hidden (model);
  g_autofree double *theta = g_new (double, P), *delta = g_new (double, P);
  g_autofree double *point = g_new (double, P);
  g_autofree double *z0 = g_new (double, 40 * H), *z = g_new (double, 40 * H);
  g_autofree gint8 *toward = g_new (gint8, 40 * H);
  double x[40], t[40] = { 0 };
  SaddleBatch batch = { 0 };
  SaddleRng rng;
  guint held = 0, checked = 0, useful = 0;

  for (guint i = 0; i < 40; i++)
    x[i] = -2.0 + i / 10.0;
  saddle_test_batch_init (&batch, x, t, 40, 1, 1);
  saddle_rng_init (&rng, 13);
  for (guint trial = 0; trial < 30; trial++)
    {
      g_autoptr(SaddleKinkBound) bound = NULL;

      for (gsize j = 0; j < P; j++)
        {
          theta[j] = saddle_rng_normal (&rng);
          delta[j] = pow (10.0, -3.0 + 6.0 * saddle_rng_uniform (&rng)) * saddle_rng_normal (&rng);
        }
      g_assert_true (saddle_model_hidden_preactivations (model, theta, &batch, z0));
      /* relu_sides()' order, layer by layer, from the forward pass the bound reads. */
      for (guint l = 0, first = 0; l + 1 < saddle_model_n_layers (model); l++)
        {
          gsize w = widths[l + 1];

          for (gsize i = 0; i < 40; i++)
            for (gsize u = 0; u < w; u++)
              {
                double v = z0[i * H + first + u];

                toward[40 * first + i * w + u] = v < 0.0 ? 1 : v > 0.0 ? -1 : 0;
              }
          first += w;
        }
      bound = _saddle_kink_bound_new (model, theta, delta, x, 40, toward);
      g_assert_nonnull (bound);
      useful += _saddle_kink_bound_holds (bound, 1e-12);
      for (int j = 0; j <= 240; j++)
        {
          double alpha = pow (10.0, -12.0 + j / 20.0);

          if (!_saddle_kink_bound_holds (bound, alpha))
            continue;
          held++;
          for (gsize i = 0; i < P; i++)
            point[i] = theta[i] + alpha * delta[i];
          g_assert_true (saddle_model_hidden_preactivations (model, point, &batch, z));
          for (gsize k = 0; k < 40 * H; k++)
            {
              g_assert_false ((z0[k] > 0.0 && z[k] < 0.0) || (z0[k] < 0.0 && z[k] > 0.0));
              checked++;
            }
        }
    }
  g_test_message ("the bound held at %u points, %u pre-activations checked", held, checked);
  g_assert_cmpuint (useful, >=, 25);
}

/* One search at the extremes a review found the first kink bound unsound at: the same α as
 * the search written plainly. */
static void
assert_first_kink_plainly (const guint  *widths,
                           guint         n_widths,
                           const double *theta,
                           const double *delta,
                           const double *x,
                           gsize         n)
{
  g_autoptr(SaddleModel) model = saddle_model_new (widths, n_widths, SADDLE_ACTIVATION_RELU,
                                                   SADDLE_LOSS_MSE, NULL);
  g_autofree double *t = g_new0 (double, n * widths[n_widths - 1]);
  SaddleBatch batch = { 0 };

  saddle_test_batch_init (&batch, x, t, n, widths[0], widths[n_widths - 1]);
  g_assert_cmpfloat (saddle_model_first_kink (model, theta, delta, &batch), ==,
                     first_kink_plainly (model, theta, delta, &batch));
}

/* Products that underflow (their rounding absolute, not relative) and sums that overflow on the
 * way (an infinite z whose true value is modest; a finite one whose partial sum overflows at
 * θ'): the search finds what a pass at every point finds. */
static void
test_first_kink_extremes (void)
{
  const double tiny = ldexp (1.0, -537), M = G_MAXDOUBLE;

  {
    /* 2-1-1: z = 2⁻¹⁰⁷⁴ at θ, a subnormal sum that turns negative at α = 2·10⁻¹³. */
    static const guint widths[] = { 2, 1, 1 };
    const double theta[] = { 0.501 * tiny, 0.501 * tiny, -ldexp (1.0, -1074), 1.0, 0.0 };
    const double delta[] = { -1e10 * 0.501 * tiny, -1e10 * 0.501 * tiny, 0, 0, 0 };
    const double x[] = { tiny, tiny };

    assert_first_kink_plainly (widths, 3, theta, delta, x, 1);
  }
  {
    /* 1-1-1-1: the same under a weight of 2¹⁰⁰⁰, moving a normal z = −2⁻⁷⁵ above. */
    static const guint widths[] = { 1, 1, 1, 1 };
    const double theta[] = { 0.501 * tiny, 0.0, ldexp (1.0, 1000), -ldexp (1.0, -75), 1.0, 0 };
    const double delta[] = { -1e10 * 0.501 * tiny, 0, 0, 0, 0, 0 };
    const double x[] = { tiny };

    assert_first_kink_plainly (widths, 4, theta, delta, x, 1);
  }
  {
    /* 3-1-1 at x = 1: z = +∞ from a sum whose true value is 0.2·10³⁰⁸. */
    static const guint widths[] = { 3, 1, 1 };
    const double theta[] = { 1.7e308, 0.2e308, -1.7e308, 0.0, 1.0, 0.0 };
    const double delta[] = { 0, -0.3e308, 0, 0, 0, 0 };
    const double x[] = { 1.0, 1.0, 1.0 };

    assert_first_kink_plainly (widths, 3, theta, delta, x, 1);
  }
  {
    /* 4-1-1 at x = 1: z = 10³⁰⁰, whose partial sum −M + 0 overflows once 0 moves. */
    static const guint widths[] = { 4, 1, 1 };
    const double theta[] = { -M, 0.0, M, 1e300, 0.0, 1.0, 0.0 };
    const double delta[] = { 0, -ldexp (1.0, 971), 0, 0, 0, 0, 0 };
    const double x[] = { 1.0, 1.0, 1.0, 1.0 };

    assert_first_kink_plainly (widths, 3, theta, delta, x, 1);
  }
}

static void
test_predict_accuracy (void)
{
  static const guint widths[] = { 2, 2 };
  const double theta[] = { 1.0, 0.0, 0.0, 1.0, 0.0, 0.0 };  /* W = I, b = 0 */
  const double x[] = { 1.0, 0.0, 0.0, 1.0, 0.2, 0.9, 3.0, -1.0 };
  const guint32 labels[] = { 0, 1, 0, 0 };
  const double targets[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
  g_autoptr(SaddleModel) model = NULL;
  SaddleBatch batch = { 0 };
  double out[8], loss, accuracy;

  model = saddle_model_new (widths, 2, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_CROSS_ENTROPY, NULL);
  batch.kind = SADDLE_DATASET_CLASSIFICATION;
  batch.n = 4;
  batch.n_inputs = 2;
  batch.n_outputs = 2;
  batch.x = x;
  batch.labels = labels;

  saddle_model_predict (model, theta, &batch, out);
  g_assert_cmpmem (out, sizeof out, x, sizeof x);
  g_assert_cmpfloat (saddle_model_accuracy (model, theta, &batch), ==, 0.75);
  /* One forward pass for both, the same numbers as the two calls. */
  loss = saddle_model_loss_accuracy (model, theta, &batch, &accuracy);
  g_assert_cmpfloat (loss, ==, saddle_model_loss_grad (model, theta, &batch, NULL));
  g_assert_cmpfloat (accuracy, ==, 0.75);

  batch.kind = SADDLE_DATASET_REGRESSION;
  batch.labels = NULL;
  batch.targets = targets;
  g_assert_true (isnan (saddle_model_accuracy (model, theta, &batch)));
}

/* A copy computes the same numbers with its own scratch; scratch grown for a
 * large batch or block and reused for smaller ones changes no result. */
static void
test_copy_and_reuse (void)
{
  Rig big, small;
  g_autoptr(SaddleModel) copy = NULL;
  g_autoptr(SaddleModel) fresh = NULL;
  g_autofree double *v = NULL;
  g_autofree double *hv1 = NULL;
  g_autofree double *hv2 = NULL;
  g_autofree double *g1 = NULL;
  g_autofree double *g2 = NULL;
  double l1, l2;

  rig_init (&big, net_a, 4, SADDLE_ACTIVATION_SIGMOID, SADDLE_LOSS_CROSS_ENTROPY, 40, 5);
  rig_init (&small, net_a, 4, SADDLE_ACTIVATION_SIGMOID, SADDLE_LOSS_CROSS_ENTROPY, 3, 6);
  v = random_directions (9, big.P, 2);
  hv1 = g_new (double, 9 * big.P);
  hv2 = g_new (double, 9 * big.P);
  g1 = g_new (double, big.P);
  g2 = g_new (double, big.P);

  copy = saddle_model_copy (big.model);
  g_assert_cmpuint (saddle_model_n_params (copy), ==, big.P);
  fresh = saddle_model_copy (big.model);

  /* Grow the copy's scratch on the big batch and block first. */
  saddle_model_hvp (copy, big.theta, &big.batch, v, 9, hv1, g1);
  l1 = saddle_model_hvp (copy, small.theta, &small.batch, v, 2, hv1, g1);
  l2 = saddle_model_hvp (fresh, small.theta, &small.batch, v, 2, hv2, g2);
  g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-15 * fabs (l2));
  g_assert_cmpfloat (rel_err (g1, g2, big.P), <=, 1e-14);
  g_assert_cmpfloat (rel_err (hv1, hv2, 2 * big.P), <=, 1e-14);

  /* The original model agrees with its copy on the big batch. */
  l1 = saddle_model_hvp (big.model, big.theta, &big.batch, v, 9, hv1, g1);
  l2 = saddle_model_hvp (copy, big.theta, &big.batch, v, 9, hv2, g2);
  g_assert_cmpfloat (fabs (l1 - l2), <=, 1e-15 * fabs (l2));
  g_assert_cmpfloat (rel_err (hv1, hv2, 9 * big.P), <=, 1e-14);

  /* Explicit reservation succeeds and changes nothing. */
  g_assert_true (saddle_model_reserve (big.model, 100, 64, NULL));
  l2 = saddle_model_hvp (big.model, big.theta, &big.batch, v, 9, hv2, g2);
  g_assert_cmpfloat (l1, ==, l2);
  g_assert_cmpfloat (rel_err (hv2, hv1, 9 * big.P), <=, 1e-14);

  rig_clear (&big);
  rig_clear (&small);
}

/* A batch too large to address is refused with NO_MEMORY, naming the size. */
static void
test_reserve_too_large (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleModel) model = NULL;
  static const guint widths[] = { 784, 20, 20, 10 };

  model = saddle_model_new (widths, 4, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_CROSS_ENTROPY, NULL);
  g_assert_true (saddle_model_reserve (model, 1000, 32, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (saddle_model_block_size (model, 1000), >=, 1);
  /* At least the forward state (z, a, σ', δ, curvature, softmax) of 1,000 samples. */
  g_assert_cmpuint (saddle_model_scratch_bytes (model, 1000, 32), >=,
                    1000 * (2 * 50 + 3 * 40 + 10) * 8);
  g_assert_cmpuint (saddle_model_scratch_bytes (model, 1000, 32), <=, (gsize) 256 << 20);
  g_assert_cmpuint (saddle_model_scratch_bytes (model, G_MAXSIZE / 4, 16), ==, G_MAXSIZE);
  g_assert_false (saddle_model_reserve (model, G_MAXSIZE / 4, 16, &error));
  g_assert_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_NO_MEMORY);
  g_test_message ("%s", error->message);
}

/* NaN and infinity in θ or x never crash and give a non-finite loss. */
static void
test_non_finite (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      Rig rig;
      g_autofree double *grad = NULL;
      g_autofree double *hv = NULL;
      g_autofree double *v = NULL;
      double loss;

      rig_init (&rig, net_a, 4, combos[i].activation, combos[i].loss, 5, 21);
      grad = g_new (double, rig.P);
      hv = g_new (double, 3 * rig.P);
      v = random_directions (3, rig.P, 4);

      rig.theta[0] = NAN;  /* a first-layer weight: ReLU must not hide it */
      loss = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, grad);
      g_assert_false (isfinite (loss));
      loss = saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, 3, hv, grad);
      g_assert_false (isfinite (loss));
      saddle_model_accuracy (rig.model, rig.theta, &rig.batch);
      saddle_model_count_dead_units (rig.model, rig.theta, &rig.batch);

      rig.theta[0] = 0.5;
      rig.theta[rig.P - 1] = INFINITY;  /* an output bias */
      loss = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, grad);
      g_assert_false (isfinite (loss));
      saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, 3, hv, NULL);

      rig.theta[rig.P - 1] = 0.0;
      rig.x[1] = INFINITY;
      rig.x[4] = NAN;
      loss = saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, grad);
      g_assert_false (isfinite (loss));
      saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, 3, hv, grad);
      saddle_model_hessian_columns (rig.model, rig.theta, &rig.batch, 0, 3, hv);

      rig_clear (&rig);
    }
}

static void
test_check_batch (void)
{
  Rig ce, mse;
  SaddleBatch b;
  guint32 bad_labels[5] = { 0, 1, 7, 0, 1 };

  rig_init (&ce, net_c, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_CROSS_ENTROPY, 5, 1);
  rig_init (&mse, net_a, 4, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 5, 1);

  g_assert_true (saddle_model_check_batch (ce.model, &ce.batch, NULL));
  g_assert_true (saddle_model_check_batch (mse.model, &mse.batch, NULL));

  {
    g_autoptr(GError) error = NULL;

    b = ce.batch;
    b.n_inputs = 3;
    g_assert_false (saddle_model_check_batch (ce.model, &b, &error));
    g_assert_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "3 inputs"));
  }
  {
    g_autoptr(GError) error = NULL;

    b = ce.batch;
    b.labels = bad_labels;
    g_assert_false (saddle_model_check_batch (ce.model, &b, &error));
    g_assert_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "label 7"));
    /* The computation itself does not read out of bounds: the loss is NaN. */
    g_assert_true (isnan (saddle_model_loss_grad (ce.model, ce.theta, &b, NULL)));
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (saddle_model_check_batch (ce.model, &mse.batch, &error));
    g_assert_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID);
  }
  {
    g_autoptr(GError) error = NULL;

    b = mse.batch;
    b.n_outputs = 1;
    g_assert_false (saddle_model_check_batch (mse.model, &b, &error));
    g_assert_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID);
  }
  {
    g_autoptr(GError) error = NULL;

    b = mse.batch;
    b.n = 0;
    g_assert_false (saddle_model_check_batch (mse.model, &b, &error));
    g_assert_error (error, SADDLE_MODEL_ERROR, SADDLE_MODEL_ERROR_INVALID);
  }

  rig_clear (&ce);
  rig_clear (&mse);
}

/* Mismatched batches are programming errors: a critical, NaN outputs, no crash. */
static void
test_bad_batch (void)
{
  Rig rig;
  g_autofree double *grad = NULL;
  g_autofree double *hv = NULL;
  g_autofree double *v = NULL;

  rig_init (&rig, net_a, 4, SADDLE_ACTIVATION_TANH, SADDLE_LOSS_MSE, 5, 1);
  grad = g_new (double, rig.P);
  hv = g_new (double, 2 * rig.P);
  v = random_directions (2, rig.P, 1);
  rig.batch.n_inputs = 2;

  g_test_expect_message ("saddle-model", G_LOG_LEVEL_CRITICAL,
                         "*batch->n_inputs == model->widths[0]*");
  g_assert_true (isnan (saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, grad)));
  g_test_assert_expected_messages ();
  g_assert_true (isnan (grad[0]) && isnan (grad[rig.P - 1]));

  g_test_expect_message ("saddle-model", G_LOG_LEVEL_CRITICAL,
                         "*batch->n_inputs == model->widths[0]*");
  g_assert_true (isnan (saddle_model_hvp (rig.model, rig.theta, &rig.batch, v, 2, hv, NULL)));
  g_test_assert_expected_messages ();
  g_assert_true (isnan (hv[0]) && isnan (hv[2 * rig.P - 1]));

  rig.batch.n_inputs = 3;
  rig.batch.targets = NULL;
  g_test_expect_message ("saddle-model", G_LOG_LEVEL_CRITICAL, "*targets != NULL*");
  g_assert_true (isnan (saddle_model_loss_grad (rig.model, rig.theta, &rig.batch, NULL)));
  g_test_assert_expected_messages ();

  rig_clear (&rig);
}

/* The loss on a plane, its first layer taken as an affine function of (a, b), equals the
 * loss at θ = origin + b·v + a·u for every activation × loss, a one-layer model and a
 * line (no v), to 1e-13 relative. */
static void
test_plane (void)
{
  const guint *nets[] = { net_a, net_c, net_flat };
  const guint n_widths[] = { G_N_ELEMENTS (net_a), G_N_ELEMENTS (net_c), G_N_ELEMENTS (net_flat) };
  const double points[][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { -0.7, 0.4 }, { 2.5, -1.5 } };

  for (guint c = 0; c < G_N_ELEMENTS (combos); c++)
    for (guint k = 0; k < G_N_ELEMENTS (nets); k++)
      for (guint line = 0; line < 2; line++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(SaddleModelPlane) plane = NULL;
          g_autofree double *uv = NULL;
          g_autofree double *theta = NULL;
          const double *v;
          Rig rig;

          rig_init (&rig, nets[k], n_widths[k], combos[c].activation, combos[c].loss, 23,
                    40 + c * 8 + k * 2 + line);
          uv = random_directions (2, rig.P, 90 + c);
          v = line ? NULL : uv + rig.P;
          theta = g_new (double, rig.P);
          plane = saddle_model_plane_new (rig.model, &rig.batch, rig.theta, uv, v, &error);
          g_assert_no_error (error);
          for (guint p = 0; p < G_N_ELEMENTS (points); p++)
            {
              double a = points[p][0], b = points[p][1];
              double on_plane = saddle_model_plane_loss (plane, a, b);
              double direct;

              for (gsize i = 0; i < rig.P; i++)
                theta[i] = (v != NULL ? rig.theta[i] + b * v[i] : rig.theta[i]) + a * uv[i];
              direct = saddle_model_loss_grad (rig.model, theta, &rig.batch, NULL);
              g_assert_true (isfinite (direct));
              g_assert_cmpfloat (fabs (on_plane - direct), <=, 1e-13 * MAX (1.0, fabs (direct)));
            }
          g_clear_pointer (&plane, saddle_model_plane_free);
          rig_clear (&rig);
        }
}


/* ReLU's forward loop (relu_rows() in saddle-model.c: four at a time with AVX, two with SSE2,
 * the last one alone) gives what the plain definition gives, to the bit, for 11 hidden units so
 * that all three paths run: a = z unless z < 0 (so −0 stays −0 and NaN passes), d = 1 where
 * z > 0, else 0. */
static void
test_relu_rows (void)
{
  static const double z[] = { -2.0, -0.0, 0.0, 3.0, NAN, -1e-300, 1e-300, -INFINITY, INFINITY,
                              5.0, -5.0 };
  enum { UNITS = G_N_ELEMENTS (z) };
  const guint widths[] = { 1, UNITS, 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleModel) model = saddle_model_new (widths, 3, SADDLE_ACTIVATION_RELU,
                                                   SADDLE_LOSS_MSE, &error);

  g_assert_no_error (error);
  g_assert_true (_saddle_model_ensure_forward (model, 1));
  memcpy (model->z[0], z, sizeof z);
  _saddle_model_activate (model, 0, 1);
  for (guint u = 0; u < UNITS; u++)
    {
      double want_a = z[u] < 0.0 ? 0.0 : z[u];
      double want_d = z[u] > 0.0 ? 1.0 : 0.0;

      g_assert_cmpmem (&model->a[0][u], sizeof (double), &want_a, sizeof (double));
      g_assert_cmpmem (&model->d[0][u], sizeof (double), &want_d, sizeof (double));
    }
}

/* One loss and gradient over @n samples @indices of @dataset, gathered or (@select) selected. */
static double
loss_grad_of (SaddleModel         *model,
              const double        *theta,
              const SaddleDataset *dataset,
              const guint32       *indices,
              gsize                n,
              gboolean             select,
              double              *grad)
{
  SaddleBatch batch = { 0 };
  double loss;

  if (select)
    saddle_batch_select (&batch, dataset, indices, n);
  else
    saddle_batch_gather (&batch, dataset, indices, n);
  loss = saddle_model_loss_grad (model, theta, &batch, grad);
  saddle_batch_clear (&batch);
  return loss;
}

/* A selection (saddle_batch_select(): the inputs read where the dataset holds them) gives
 * saddle_model_loss_grad() the same bytes as the same samples gathered: a regression net with
 * tanh, one with ReLU at the kernels' widest layer, a linear one and, when they are there, the
 * bundled images' net; minibatches of 16, 20 and 200 in shuffled order, some inputs exactly 0.
 * saddle_model_reads_rows() declines an odd count, a one-input net and one of 3 units (whose
 * last, odd row of ∂L/∂W OpenBLAS sums in an order of its own); given a selection there anyway,
 * or with OpenBLAS on 2 threads, the model copies its rows together: the same bytes again. */
static void
test_selection_same_bytes (void)
{
  static const guint tanh_net[] = { 40, 20, 4 }, wide_net[] = { 40, 32, 4 }, linear[] = { 40, 4 };
  static const guint image_net[] = { 784, 20, 20, 10 }, one_input[] = { 1, 8, 1 };
  static const guint linear_odd[] = { 40, 3 };
  static const gsize counts[] = { 16, 20, 200 };
  enum { N = 300, IN = 40, OUT = 4 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) regression = NULL;
  g_autoptr(SaddleDataset) images = NULL;
  g_autoptr(SaddleModel) single = NULL;
  double *x = g_new (double, N * IN), *y = g_new (double, N * OUT);
  guint32 indices[N];
  guint compared = 0;
  SaddleRng rng;

  /* The narrow kernels run while OpenBLAS has one thread, as in the studies' runs. */
  openblas_set_num_threads (1);
  saddle_rng_init (&rng, 3);
  for (gsize i = 0; i < N * IN; i++)
    x[i] = i % 5 == 0 ? 0.0 : saddle_rng_normal (&rng);
  for (gsize i = 0; i < N * OUT; i++)
    y[i] = saddle_rng_normal (&rng);
  regression = saddle_dataset_new_regression (N, IN, OUT, x, y, "selection", &error);
  g_assert_no_error (error);
  images = saddle_dataset_load_idx_dir (saddle_dataset_bundled_dir (), FALSE, N, NULL);
  for (gsize i = 0; i < N; i++)
    indices[i] = (guint32) i;
  saddle_rng_shuffle (&rng, indices, N);

  for (guint net = 0; net < 4; net++)
    {
      const guint *widths = net == 0 ? tanh_net : net == 1 ? wide_net
                            : net == 2 ? linear : image_net;
      guint n_widths = net == 2 ? 2 : net == 3 ? 4 : 3;
      const SaddleDataset *dataset = net == 3 ? images : regression;
      g_autoptr(SaddleModel) model = NULL;
      g_autofree double *theta = NULL, *g_gathered = NULL, *g_selected = NULL;
      gsize bytes;

      if (dataset == NULL)
        continue;   /* no bundled images in this tree */
      model = saddle_model_new (widths, n_widths,
                                net == 0 ? SADDLE_ACTIVATION_TANH : SADDLE_ACTIVATION_RELU,
                                net == 3 ? SADDLE_LOSS_CROSS_ENTROPY : SADDLE_LOSS_MSE, &error);
      g_assert_no_error (error);
      bytes = saddle_model_n_params (model) * sizeof (double);
      theta = g_malloc (bytes);
      g_gathered = g_malloc (bytes);
      g_selected = g_malloc (bytes);
      saddle_model_init_params (model, theta, &rng);
      for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
        {
          double l_gathered, l_selected;

          if (!saddle_model_reads_rows (model, counts[c]))
            continue;   /* no AVX2 and FMA here */
          l_gathered = loss_grad_of (model, theta, dataset, indices, counts[c], FALSE, g_gathered);
          l_selected = loss_grad_of (model, theta, dataset, indices, counts[c], TRUE, g_selected);
          g_assert_true (isfinite (l_selected));
          g_assert_cmpmem (&l_selected, sizeof (double), &l_gathered, sizeof (double));
          g_assert_cmpmem (g_selected, bytes, g_gathered, bytes);
          compared++;
        }
      g_assert_false (saddle_model_reads_rows (model, 21));
      if (net == 0)
        {
          /* Where the kernels decline, the rows are copied together first. */
          double l_gathered, l_selected;

          l_gathered = loss_grad_of (model, theta, dataset, indices, 21, FALSE, g_gathered);
          l_selected = loss_grad_of (model, theta, dataset, indices, 21, TRUE, g_selected);
          g_assert_cmpmem (&l_selected, sizeof (double), &l_gathered, sizeof (double));
          g_assert_cmpmem (g_selected, bytes, g_gathered, bytes);
          openblas_set_num_threads (2);
          g_assert_false (saddle_model_reads_rows (model, 200));
          l_gathered = loss_grad_of (model, theta, dataset, indices, 200, FALSE, g_gathered);
          l_selected = loss_grad_of (model, theta, dataset, indices, 200, TRUE, g_selected);
          openblas_set_num_threads (1);
          g_assert_cmpmem (&l_selected, sizeof (double), &l_gathered, sizeof (double));
          g_assert_cmpmem (g_selected, bytes, g_gathered, bytes);
          /* Any other reader refuses a selection, saying why. */
          {
            SaddleBatch selection = { 0 };
            g_autoptr(GError) refused = NULL;

            saddle_batch_select (&selection, dataset, indices, 20);
            g_assert_false (saddle_model_check_batch (model, &selection, &refused));
            g_assert_nonnull (strstr (refused->message, "selection"));
            saddle_batch_clear (&selection);
          }
        }
    }
  single = saddle_model_new (one_input, G_N_ELEMENTS (one_input), SADDLE_ACTIVATION_RELU,
                             SADDLE_LOSS_MSE, &error);
  g_assert_no_error (error);
  g_assert_false (saddle_model_reads_rows (single, 200));
  g_clear_pointer (&single, saddle_model_free);
  single = saddle_model_new (linear_odd, G_N_ELEMENTS (linear_odd), SADDLE_ACTIVATION_RELU,
                             SADDLE_LOSS_MSE, &error);
  g_assert_no_error (error);
  g_assert_false (saddle_model_reads_rows (single, 200));
  if (compared == 0)
    g_test_skip ("the narrow kernels need AVX2 and FMA");
  else
    g_test_message ("%u minibatches, each the same bytes", compared);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (combos); i++)
    {
      g_autofree char *grad = combo_name ("/core/model/gradcheck", &combos[i]);
      g_autofree char *blas = combo_name ("/core/model/blas-vs-naive", &combos[i]);
      g_autofree char *hvp = combo_name ("/core/model/hvp/finite-diff", &combos[i]);
      g_autofree char *block = combo_name ("/core/model/hvp/block", &combos[i]);
      g_autofree char *hess = combo_name ("/core/model/hessian/full", &combos[i]);
      g_autofree char *step = combo_name ("/core/model/hvp/descent-step", &combos[i]);

      g_test_add_data_func (grad, &combos[i], test_gradcheck);
      g_test_add_data_func (blas, &combos[i], test_blas_vs_naive);
      g_test_add_data_func (hvp, &combos[i], test_hvp_fd);
      g_test_add_data_func (block, &combos[i], test_hvp_block);
      g_test_add_data_func (hess, &combos[i], test_hessian_full);
      g_test_add_data_func (step, &combos[i], test_descent_step);
    }
  g_test_add_func ("/core/model/relu-rows", test_relu_rows);
  g_test_add_func ("/core/model/hvp/grad", test_hvp_grad);
  g_test_add_func ("/core/model/hvp/grad-and-hvp-self", test_grad_and_hvp_self);
  g_test_add_func ("/core/model/hvp/regions", test_regions);
  g_test_add_func ("/core/model/regions-forward", test_regions_forward);
  g_test_add_func ("/core/model/regions-forward-huge-inputs", test_regions_forward_huge_inputs);
  g_test_add_func ("/core/model/known/linear-mse", test_known_linear);
  g_test_add_func ("/core/model/known/ce-equal-logits", test_known_ce);
  g_test_add_func ("/core/model/known/mse-multi-output", test_mse_multi_output);
  g_test_add_func ("/core/model/params/count", test_param_count);
  g_test_add_func ("/core/model/new/invalid", test_invalid);
  g_test_add_func ("/core/model/activation/strings", test_activation_strings);
  g_test_add_func ("/core/model/init", test_init);
  g_test_add_func ("/core/model/dead-units", test_dead_units);
  g_test_add_func ("/core/model/kinks-crossed", test_kinks_crossed);
  g_test_add_func ("/core/model/first-kink", test_first_kink);
  g_test_add_func ("/core/model/first-kink-random", test_first_kink_random);
  g_test_add_func ("/core/model/kink-bound", test_kink_bound);
  g_test_add_func ("/core/model/first-kink-extremes", test_first_kink_extremes);
  g_test_add_func ("/core/model/predict-accuracy", test_predict_accuracy);
  g_test_add_func ("/core/model/copy-and-reuse", test_copy_and_reuse);
  g_test_add_func ("/core/model/plane", test_plane);
  g_test_add_func ("/core/model/non-finite", test_non_finite);
  g_test_add_func ("/core/model/reserve-too-large", test_reserve_too_large);
  g_test_add_func ("/core/model/check-batch", test_check_batch);
  g_test_add_func ("/core/model/bad-batch", test_bad_batch);
  g_test_add_func ("/core/model/selection-same-bytes", test_selection_same_bytes);

  return g_test_run ();
}
