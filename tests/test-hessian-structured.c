/* test-hessian-structured.c — the structured exact Hessian against the HVP-built reference */
#include "config.h"

#include <math.h>

#include <glib.h>

#include "saddle-hessian.h"
#include "saddle-hessian-structured.h"
#include "saddle-test-util.h"

/* max |H_s − H_hvp| / max |H_hvp|: rounding only, the sums run in another order. */
#define TOLERANCE 1e-13

static const SaddleActivation activations[] = {
  SADDLE_ACTIVATION_RELU, SADDLE_ACTIVATION_TANH, SADDLE_ACTIVATION_SIGMOID,
  SADDLE_ACTIVATION_IDENTITY,
};
static const SaddleLoss losses[] = { SADDLE_LOSS_MSE, SADDLE_LOSS_CROSS_ENTROPY };

static double
relative_difference (const double *reference,
                     const double *h,
                     gsize         count)
{
  double diff = 0.0, max = 0.0;

  for (gsize i = 0; i < count; i++)
    {
      diff = MAX (diff, fabs (reference[i] - h[i]));
      max = MAX (max, fabs (reference[i]));
    }
  g_assert_cmpfloat (max, >, 0.0);
  return diff / max;
}

/* Both builds on one rig; tiles of @tile samples (0: automatic). */
static double
compare_builds (const guint      *widths,
                guint             n_widths,
                SaddleActivation  activation,
                SaddleLoss        loss,
                gsize             tile)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *reference = NULL;
  g_autofree double *h = NULL;
  SaddleTestRig rig;
  double asymmetry = NAN, rel;

  saddle_test_rig_init (&rig, widths, n_widths, activation, loss, 41, 0.3,
                        7 + 3 * activation + loss);
  saddle_model_set_tile_rows (rig.model, tile);
  reference = saddle_hessian_dense_build (rig.model, rig.theta, &rig.batch,
                                          SADDLE_HESSIAN_BUILD_HVP, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  h = saddle_hessian_dense_build (rig.model, rig.theta, &rig.batch,
                                  SADDLE_HESSIAN_BUILD_STRUCTURED, 0, NULL, NULL, &asymmetry,
                                  &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (asymmetry, ==, 0.0);
  rel = relative_difference (reference, h, rig.P * rig.P);
  saddle_test_rig_clear (&rig);
  return rel;
}

/* Every activation × loss × depth 1 and 2, with wide and narrow layers in both orders (each
 * block's GEMMs run one way or the other by which side is wider; 6-2-1-3's product block the
 * way by neuron, the others' by input), tiles crossing the batch. */
static void
test_structured_equals_hvp (void)
{
  static const guint one_hidden[][3] = { { 3, 6, 4 }, { 7, 3, 2 } };
  static const guint two_hidden[][4] = {
    { 3, 5, 4, 3 }, { 1, 6, 5, 2 }, { 6, 2, 7, 3 }, { 6, 2, 1, 3 },
  };

  for (guint a = 0; a < G_N_ELEMENTS (activations); a++)
    for (guint l = 0; l < G_N_ELEMENTS (losses); l++)
      {
        for (guint w = 0; w < G_N_ELEMENTS (one_hidden); w++)
          g_assert_cmpfloat (compare_builds (one_hidden[w], 3, activations[a], losses[l], 0),
                             <=, TOLERANCE);
        for (guint w = 0; w < G_N_ELEMENTS (two_hidden); w++)
          {
            g_assert_cmpfloat (compare_builds (two_hidden[w], 4, activations[a], losses[l], 0),
                               <=, TOLERANCE);
            g_assert_cmpfloat (compare_builds (two_hidden[w], 4, activations[a], losses[l], 6),
                               <=, TOLERANCE);
          }
      }
}

/* Dead ReLU units (σ' = 0 and a = 0 on every sample, as at the critical study's points): the
 * build sets the parameters into and out of them aside from its Gauss–Newton product and still
 * equals the HVP build, in one tile and in several; every nonzero row of H is among those it
 * kept. */
static void
test_structured_dead_units (void)
{
  static const guint critical[] = { 1, 31, 31, 1 };
  static const gsize tiles[] = { 0, 7 };

  for (guint t = 0; t < G_N_ELEMENTS (tiles); t++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree double *reference = NULL;
      g_autofree double *h = NULL;
      SaddleTestRig rig;
      gsize b1, b2, live, nonzero_rows = 0;

      saddle_test_rig_init (&rig, critical, 4, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 41, 0.3,
                            17);
      saddle_model_set_tile_rows (rig.model, tiles[t]);
      /* 15 units of the first layer and 12 of the second below zero on x ∈ [−1, 1]. */
      b1 = saddle_model_layer_offset (rig.model, 0) + 31;
      b2 = saddle_model_layer_offset (rig.model, 1) + 31 * 31;
      for (guint u = 0; u < 15; u++)
        rig.theta[b1 + u] = -100.0;
      for (guint u = 0; u < 12; u++)
        rig.theta[b2 + u] = -1000.0;

      reference = saddle_hessian_dense_build (rig.model, rig.theta, &rig.batch,
                                              SADDLE_HESSIAN_BUILD_HVP, 0, NULL, NULL, NULL,
                                              &error);
      g_assert_no_error (error);
      h = saddle_hessian_dense_build (rig.model, rig.theta, &rig.batch,
                                      SADDLE_HESSIAN_BUILD_STRUCTURED, 0, NULL, NULL, NULL,
                                      &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (relative_difference (reference, h, rig.P * rig.P), <=, TOLERANCE);

      /* Kept at most: 16 + 16 into the first layer's live units, 16·19 + 19 into the second's,
       * 19 + 1 into the output. */
      live = saddle_hessian_structured_live (rig.model);
      g_assert_cmpuint (live, >, 0);
      g_assert_cmpuint (live, <=, 16 + 16 + 16 * 19 + 19 + 19 + 1);
      for (gsize p = 0; p < rig.P; p++)
        for (gsize q = 0; q < rig.P; q++)
          if (reference[p * rig.P + q] != 0.0)
            {
              nonzero_rows++;
              break;
            }
      g_assert_cmpuint (nonzero_rows, >, 0);
      g_assert_cmpuint (nonzero_rows, <=, live);

      /* A NaN in J (a live unit's bias): nothing is set aside, so its products with the zero
       * columns stay NaN in H, as in the HVP build, rather than 0. */
      rig.theta[b1 + 20] = NAN;
      g_assert_true (saddle_hessian_structured_fill (rig.model, rig.theta, &rig.batch, h, NULL,
                                                     NULL, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (saddle_hessian_structured_live (rig.model), ==, rig.P);
      saddle_test_rig_clear (&rig);
    }
}

/* The critical study's shape: one input, one output, MSE (for ReLU and identity, the Gauss–Newton
 * part from the per-sample gradients; also in tiles, three layers deep, with no hidden layer and
 * with a hidden layer of one unit); and a linear model, three layers deep. */
static void
test_structured_shapes (void)
{
  static const guint critical[] = { 1, 31, 31, 1 };
  static const guint one_output[] = { 3, 5, 4, 6, 1 };
  static const guint no_hidden[] = { 3, 1 };
  static const guint unit_hidden[] = { 2, 1, 3, 1 };
  static const guint linear[] = { 4, 3 };
  static const guint deep[] = { 2, 4, 3, 5, 2 };

  for (guint a = 0; a < G_N_ELEMENTS (activations); a++)
    {
      g_autoptr(SaddleModel) model = saddle_model_new (critical, 4, activations[a],
                                                       SADDLE_LOSS_MSE, NULL);

      g_assert_cmpint (saddle_hessian_structured_by_gradients (model), ==,
                       !(activations[a] == SADDLE_ACTIVATION_TANH
                         || activations[a] == SADDLE_ACTIVATION_SIGMOID));
      g_assert_cmpfloat (compare_builds (critical, 4, activations[a], SADDLE_LOSS_MSE, 0),
                         <=, TOLERANCE);
      g_assert_cmpfloat (compare_builds (critical, 4, activations[a], SADDLE_LOSS_MSE, 7),
                         <=, TOLERANCE);
      g_assert_cmpfloat (compare_builds (one_output, 5, activations[a], SADDLE_LOSS_MSE, 6),
                         <=, TOLERANCE);
      g_assert_cmpfloat (compare_builds (no_hidden, 2, activations[a], SADDLE_LOSS_MSE, 0),
                         <=, TOLERANCE);
      g_assert_cmpfloat (compare_builds (unit_hidden, 4, activations[a], SADDLE_LOSS_MSE, 6),
                         <=, TOLERANCE);
      g_assert_cmpfloat (compare_builds (deep, 5, activations[a], SADDLE_LOSS_CROSS_ENTROPY, 5),
                         <=, TOLERANCE);
    }
  g_assert_cmpfloat (compare_builds (linear, 2, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 0),
                     <=, TOLERANCE);
}

typedef struct
{
  guint    calls;
  gboolean cancel;
  double   last;
} Progress;

static gboolean
progress_cb (double   fraction,
             gpointer user_data)
{
  Progress *p = user_data;

  g_assert_cmpfloat (fraction, >, p->last);
  g_assert_cmpfloat (fraction, <=, 1.0);
  p->last = fraction;
  p->calls++;
  return !p->cancel;
}

/* Progress after each of the 3 layer pairs of each of the 5 tiles, rising to 1; a cancel at the
 * first call is heard there. Through the per-neuron GEMMs (tanh, two outputs) and through the
 * per-sample gradients' DSYRK (ReLU, one output). */
static void
test_structured_progress_cancel (void)
{
  static const guint two_outputs[] = { 3, 5, 2 };
  static const guint one_output[] = { 3, 5, 1 };
  const guint *widths[] = { two_outputs, one_output };
  const SaddleActivation activation[] = { SADDLE_ACTIVATION_TANH, SADDLE_ACTIVATION_RELU };

  for (guint c = 0; c < G_N_ELEMENTS (widths); c++)
    {
      g_autoptr(GError) error = NULL;
      Progress progress = { 0, FALSE, 0.0 };
      SaddleTestRig rig;
      double *h;

      saddle_test_rig_init (&rig, widths[c], 3, activation[c], SADDLE_LOSS_MSE, 20, 0.3, 3);
      saddle_model_set_tile_rows (rig.model, 4);
      g_assert_cmpint (saddle_hessian_structured_by_gradients (rig.model), ==, c == 1);
      h = saddle_hessian_dense_build (rig.model, rig.theta, &rig.batch,
                                      SADDLE_HESSIAN_BUILD_STRUCTURED, 0, progress_cb, &progress,
                                      NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (h);
      g_free (h);
      g_assert_cmpuint (progress.calls, ==, 15);
      g_assert_cmpfloat_with_epsilon (progress.last, 1.0, 1e-15);

      progress = (Progress) { 0, TRUE, 0.0 };
      h = saddle_hessian_dense_build (rig.model, rig.theta, &rig.batch,
                                      SADDLE_HESSIAN_BUILD_STRUCTURED, 0, progress_cb, &progress,
                                      NULL, &error);
      g_assert_null (h);
      g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED);
      g_assert_cmpuint (progress.calls, ==, 1);
      saddle_test_rig_clear (&rig);
    }
}

/* A NaN parameter gives NOT_FINITE, as from the HVP build, not a matrix of NaN. */
static void
test_structured_not_finite (void)
{
  static const guint widths[] = { 3, 5, 2 };
  g_autoptr(GError) error = NULL;
  SaddleTestRig rig;
  double *h;

  saddle_test_rig_init (&rig, widths, 3, SADDLE_ACTIVATION_RELU, SADDLE_LOSS_MSE, 10, 0.3, 4);
  rig.theta[2] = NAN;
  h = saddle_hessian_dense_build (rig.model, rig.theta, &rig.batch,
                                  SADDLE_HESSIAN_BUILD_STRUCTURED, 0, NULL, NULL, NULL, &error);
  g_assert_null (h);
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_NOT_FINITE);
  saddle_test_rig_clear (&rig);
}

/* The rule of saddle_hessian_choose_build() on the models it was measured on. */
static void
test_structured_choice (void)
{
  static const guint critical[] = { 1, 31, 31, 1 };
  static const guint function[] = { 1, 363, 1 };
  static const guint image[] = { 784, 20, 20, 10 };
  static const guint autoencoder[] = { 20, 4, 20 };
  g_autoptr(SaddleModel) a = saddle_model_new (critical, 4, SADDLE_ACTIVATION_RELU,
                                               SADDLE_LOSS_MSE, NULL);
  g_autoptr(SaddleModel) b = saddle_model_new (function, 3, SADDLE_ACTIVATION_RELU,
                                               SADDLE_LOSS_MSE, NULL);
  g_autoptr(SaddleModel) c = saddle_model_new (image, 4, SADDLE_ACTIVATION_RELU,
                                               SADDLE_LOSS_CROSS_ENTROPY, NULL);
  g_autoptr(SaddleModel) d = saddle_model_new (function, 3, SADDLE_ACTIVATION_TANH,
                                               SADDLE_LOSS_MSE, NULL);
  g_autoptr(SaddleModel) e = saddle_model_new (autoencoder, 3, SADDLE_ACTIVATION_IDENTITY,
                                               SADDLE_LOSS_MSE, NULL);

  g_assert_cmpint (saddle_hessian_choose_build (a, 1000), ==, SADDLE_HESSIAN_BUILD_STRUCTURED);
  g_assert_cmpint (saddle_hessian_choose_build (b, 1000), ==, SADDLE_HESSIAN_BUILD_STRUCTURED);
  g_assert_cmpint (saddle_hessian_choose_build (c, 1000), ==, SADDLE_HESSIAN_BUILD_STRUCTURED);
  g_assert_cmpint (saddle_hessian_choose_build (d, 1000), ==, SADDLE_HESSIAN_BUILD_STRUCTURED);
  g_assert_cmpint (saddle_hessian_choose_build (e, 1000), ==, SADDLE_HESSIAN_BUILD_HVP);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/hessian-structured/equals-hvp", test_structured_equals_hvp);
  g_test_add_func ("/core/hessian-structured/shapes", test_structured_shapes);
  g_test_add_func ("/core/hessian-structured/dead-units", test_structured_dead_units);
  g_test_add_func ("/core/hessian-structured/progress-cancel", test_structured_progress_cancel);
  g_test_add_func ("/core/hessian-structured/not-finite", test_structured_not_finite);
  g_test_add_func ("/core/hessian-structured/choice", test_structured_choice);

  return g_test_run ();
}
