/* test-slice.c — the loss along the extreme Hessian eigenvectors: loss(θ + α·v) */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-batch.h"
#include "saddle-dataset.h"
#include "saddle-hessian.h"
#include "saddle-model.h"
#include "saddle-rng.h"
#include "saddle-slice.h"
#include "saddle-spectrum.h"
#include "saddle-test-util.h"

/* A linear regression with 3 inputs and 2 outputs (identity activation, no
 * hidden layer, 8 parameters): the MSE is exactly quadratic in θ, so every
 * slice is exactly the parabola L(θ) + α·∇Lᵀv + ½α²·vᵀHv. */
typedef struct
{
  SaddleBatch  batch;
  double      *x;
  double      *targets;
  SaddleModel *model;
  double      *theta;
  gsize        n;
} Linear;

static void
linear_init (Linear  *f,
             guint64  seed)
{
  const guint widths[] = { 3, 2 };
  g_autoptr(GError) error = NULL;
  const gsize samples = 20;
  SaddleRng rng;

  memset (f, 0, sizeof *f);
  saddle_rng_init (&rng, seed);
  f->x = g_new (double, samples * 3);
  f->targets = g_new (double, samples * 2);
  for (gsize i = 0; i < samples * 3; i++)
    f->x[i] = saddle_rng_normal (&rng);
  for (gsize i = 0; i < samples * 2; i++)
    f->targets[i] = saddle_rng_normal (&rng);

  f->batch.kind = SADDLE_DATASET_REGRESSION;
  f->batch.n = samples;
  f->batch.n_inputs = 3;
  f->batch.n_outputs = 2;
  f->batch.x = f->x;
  f->batch.targets = f->targets;

  f->model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_IDENTITY,
                               SADDLE_LOSS_MSE, &error);
  g_assert_no_error (error);
  f->n = saddle_model_n_params (f->model);
  g_assert_cmpuint (f->n, ==, 8);
  f->theta = g_new (double, f->n);
  for (gsize i = 0; i < f->n; i++)
    f->theta[i] = saddle_rng_normal (&rng);
}

static void
linear_clear (Linear *f)
{
  saddle_model_free (f->model);
  g_free (f->x);
  g_free (f->targets);
  g_free (f->theta);
}

/* A function-task net on sinc (50 points of [0, 1]). */
typedef SaddleTestNet Net;

static void
net_init (Net         *f,
          const guint *widths,
          guint        n_widths,
          guint64      seed)
{
  saddle_test_net_init (f, widths, n_widths, SADDLE_ACTIVATION_TANH, 50, seed);
}

/* ‖H·v − λ·v‖ for the Hessian at θ. */
static double
eigen_residual (SaddleModel       *model,
                const double      *theta,
                const SaddleBatch *batch,
                const double      *v,
                double             lambda)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *hv = g_new (double, n);
  double s = 0.0;

  saddle_model_hvp (model, theta, batch, v, 1, hv, NULL);
  for (gsize i = 0; i < n; i++)
    s += (hv[i] - lambda * v[i]) * (hv[i] - lambda * v[i]);
  return sqrt (s);
}

/* The spectrum of the dense Hessian at θ, as the analysis computes it. */
static SaddleSpectrum *
reference_spectrum (SaddleModel       *model,
                    const double      *theta,
                    const SaddleBatch *batch)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *h = NULL;
  SaddleSpectrum *spectrum;

  h = saddle_hessian_dense (model, theta, batch, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  spectrum = saddle_spectrum_compute (h, saddle_model_n_params (model), 1e-6, &error);
  g_assert_no_error (error);
  return spectrum;
}

static void
test_slice_alphas_check (void)
{
  g_autoptr(GError) error = NULL;
  double a[7], b[6], c[2];

  saddle_slice_alphas (1.5, 7, a);
  g_assert_cmpfloat (a[0], ==, -1.5);
  g_assert_cmpfloat (a[6], ==, 1.5);
  g_assert_cmpfloat (a[3], ==, 0.0);
  for (guint i = 0; i < 7; i++)
    {
      g_assert_cmpfloat (a[i], ==, -a[6 - i]);
      g_assert_cmpfloat_with_epsilon (a[i], -1.5 + 0.5 * i, 1e-15);
      if (i > 0)
        g_assert_cmpfloat (a[i], >, a[i - 1]);
    }
  saddle_slice_alphas (2.0, 6, b);
  g_assert_cmpfloat (b[0], ==, -2.0);
  g_assert_cmpfloat (b[5], ==, 2.0);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat (b[i], ==, -b[5 - i]);
  g_assert_cmpfloat_with_epsilon (b[2], -0.4, 1e-15);
  saddle_slice_alphas (0.25, 2, c);
  g_assert_cmpfloat (c[0], ==, -0.25);
  g_assert_cmpfloat (c[1], ==, 0.25);

  g_assert_true (saddle_slice_check (1.0, SADDLE_SLICE_DEFAULT_POINTS, &error));
  g_assert_no_error (error);
  g_assert_true (saddle_slice_check (1e-300, SADDLE_SLICE_MIN_POINTS, &error));
  g_assert_true (saddle_slice_check (1e300, SADDLE_SLICE_MAX_POINTS, &error));

  {
    const double bad_ranges[] = { 0.0, -1.0, NAN, INFINITY, -INFINITY };

    for (guint i = 0; i < G_N_ELEMENTS (bad_ranges); i++)
      {
        g_assert_false (saddle_slice_check (bad_ranges[i], 11, &error));
        g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
        g_assert_nonnull (strstr (error->message, "range"));
        g_clear_error (&error);
      }
  }
  {
    const gsize bad_points[] = { 0, 1, SADDLE_SLICE_MAX_POINTS + 1 };

    for (guint i = 0; i < G_N_ELEMENTS (bad_points); i++)
      {
        g_assert_false (saddle_slice_check (1.0, bad_points[i], &error));
        g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
        g_assert_nonnull (strstr (error->message, "points"));
        g_clear_error (&error);
      }
  }

  {
    SaddleSliceMethod m = SADDLE_SLICE_DENSE;

    g_assert_true (saddle_slice_method_from_string ("lanczos", &m));
    g_assert_cmpint (m, ==, SADDLE_SLICE_LANCZOS);
    g_assert_true (saddle_slice_method_from_string ("AUTO", &m));
    g_assert_cmpint (m, ==, SADDLE_SLICE_AUTO);
    g_assert_false (saddle_slice_method_from_string ("qr", &m));
    g_assert_false (saddle_slice_method_from_string (NULL, &m));
    g_assert_cmpstr (saddle_slice_method_to_string (SADDLE_SLICE_DENSE), ==, "dense");
  }
}

/* On an exactly quadratic loss each slice is the parabola through L(θ)
 * with slope ∇Lᵀv and curvature λ, for both ways of finding the pairs. */
static void
test_slice_quadratic (void)
{
  const SaddleSliceMethod methods[] = { SADDLE_SLICE_DENSE, SADDLE_SLICE_LANCZOS,
                                        SADDLE_SLICE_AUTO };
  g_autoptr(SaddleSpectrum) reference = NULL;
  g_autofree double *grad = NULL;
  Linear f;
  double loss;

  linear_init (&f, 3);
  grad = g_new (double, f.n);
  loss = saddle_model_loss_grad (f.model, f.theta, &f.batch, grad);
  reference = reference_spectrum (f.model, f.theta, &f.batch);
  g_assert_cmpfloat (reference->eigenvalues[0], >, 0.0);   /* least squares: convex */

  for (guint k = 0; k < G_N_ELEMENTS (methods); k++)
    {
      g_autoptr(SaddleSlice) slice = NULL;
      g_autoptr(GError) error = NULL;
      double scale, worst = 0.0;

      slice = saddle_slice_compute (f.model, f.theta, &f.batch, 2.0, 41, methods[k], 7,
                                    NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (slice);
      g_assert_cmpint (slice->method, ==,
                       methods[k] == SADDLE_SLICE_LANCZOS ? SADDLE_SLICE_LANCZOS
                                                          : SADDLE_SLICE_DENSE);
      g_assert_true (slice->converged);
      g_assert_cmpuint (slice->n_points, ==, 41);
      g_assert_cmpuint (slice->n_params, ==, f.n);
      g_assert_cmpfloat (slice->range, ==, 2.0);
      g_assert_cmpfloat (slice->loss, ==, loss);

      g_assert_cmpfloat_with_epsilon (slice->lambda_bottom, reference->eigenvalues[0],
                                      1e-10 * reference->max_abs);
      g_assert_cmpfloat_with_epsilon (slice->lambda_top, reference->eigenvalues[f.n - 1],
                                      1e-10 * reference->max_abs);
      g_assert_cmpfloat_with_epsilon (saddle_test_dot (slice->v_bottom, slice->v_bottom, f.n), 1.0, 1e-12);
      g_assert_cmpfloat_with_epsilon (saddle_test_dot (slice->v_top, slice->v_top, f.n), 1.0, 1e-12);
      g_assert_cmpfloat (eigen_residual (f.model, f.theta, &f.batch, slice->v_bottom,
                                         slice->lambda_bottom), <=, 1e-9 * reference->max_abs);
      g_assert_cmpfloat (eigen_residual (f.model, f.theta, &f.batch, slice->v_top,
                                         slice->lambda_top), <=, 1e-9 * reference->max_abs);
      g_assert_cmpfloat_with_epsilon (slice->slope_bottom, saddle_test_dot (grad, slice->v_bottom, f.n),
                                      1e-14);
      g_assert_cmpfloat_with_epsilon (slice->slope_top, saddle_test_dot (grad, slice->v_top, f.n), 1e-14);
      g_assert_cmpfloat (fabs (slice->slope_bottom) + fabs (slice->slope_top), >, 1e-3);

      scale = loss + 2.0 * (fabs (slice->slope_bottom) + fabs (slice->slope_top))
              + 2.0 * reference->max_abs;
      for (gsize i = 0; i < slice->n_points; i++)
        {
          double a = slice->alphas[i];
          double bottom = loss + a * slice->slope_bottom + 0.5 * a * a * slice->lambda_bottom;
          double top = loss + a * slice->slope_top + 0.5 * a * a * slice->lambda_top;

          worst = MAX (worst, fabs (slice->loss_bottom[i] - bottom));
          worst = MAX (worst, fabs (slice->loss_top[i] - top));
        }
      g_test_message ("%s: λ %.6g … %.6g, max |slice − parabola| %.3g",
                      saddle_slice_method_to_string (methods[k]), slice->lambda_bottom,
                      slice->lambda_top, worst);
      /* Rounding only (the eigenvalues hold to ~1e-12 relative). */
      g_assert_cmpfloat (worst, <=, 1e-10 * scale);
      /* An exact quadratic: its second-order model holds over the whole range. */
      g_assert_cmpfloat (slice->model_radius_bottom, ==, 2.0);
      g_assert_cmpfloat (slice->model_radius_top, ==, 2.0);
      g_assert_cmpfloat (slice->loss_bottom[20], ==, loss);   /* α = 0 exactly */
      g_assert_cmpfloat (slice->loss_top[20], ==, loss);
    }

  linear_clear (&f);
}

/* Any direction, scaled to unit length: the parabola with the curvature
 * vᵀHv along it. */
static void
test_slice_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *dir = NULL;
  g_autofree double *v = NULL;
  g_autofree double *hv = NULL;
  double alphas[9], losses[9], losses2[9];
  double loss, length, slope, curvature;
  SaddleRng rng;
  Linear f;

  linear_init (&f, 5);
  grad = g_new (double, f.n);
  dir = g_new (double, f.n);
  v = g_new (double, f.n);
  hv = g_new (double, f.n);
  saddle_rng_init (&rng, 99);
  for (gsize i = 0; i < f.n; i++)
    dir[i] = 3.0 * saddle_rng_normal (&rng);
  length = sqrt (saddle_test_dot (dir, dir, f.n));
  for (gsize i = 0; i < f.n; i++)
    v[i] = dir[i] / length;

  loss = saddle_model_loss_grad (f.model, f.theta, &f.batch, grad);
  saddle_model_hvp (f.model, f.theta, &f.batch, v, 1, hv, NULL);
  slope = saddle_test_dot (grad, v, f.n);
  curvature = saddle_test_dot (v, hv, f.n);

  g_assert_true (saddle_slice_line (f.model, f.theta, &f.batch, dir, 0.8, 9, alphas, losses,
                                    &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 9; i++)
    {
      double expected = loss + alphas[i] * slope + 0.5 * alphas[i] * alphas[i] * curvature;

      g_assert_cmpfloat_with_epsilon (alphas[i], -0.8 + 0.2 * i, 1e-15);
      g_assert_cmpfloat_with_epsilon (losses[i], expected, 1e-12 * (1.0 + fabs (expected)));
    }

  /* @alphas may be NULL; the length of @direction does not matter. */
  for (gsize i = 0; i < f.n; i++)
    dir[i] *= 1e-3;
  g_assert_true (saddle_slice_line (f.model, f.theta, &f.batch, dir, 0.8, 9, NULL, losses2,
                                    &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 9; i++)
    g_assert_cmpfloat_with_epsilon (losses2[i], losses[i], 1e-13 * (1.0 + fabs (losses[i])));

  linear_clear (&f);
}

/* The proven saddle of a 1-2-1 tanh net (all weights zero, output bias at
 * mean(y); see test-critical.c): the bottom eigenvalue is −2|cov(x, y)|,
 * the top one 2 along the output bias alone, where the loss is exactly
 * L₀ + α². A saddle looks like one: down along the bottom, up along the top. */
static void
test_slice_tanh_saddle (void)
{
  const guint widths[] = { 1, 2, 1 };
  g_autoptr(SaddleSlice) slice = NULL;
  g_autoptr(GError) error = NULL;
  double my, cov, l0, h, second;
  gsize mid;
  Net f;

  net_init (&f, widths, G_N_ELEMENTS (widths), 1);
  cov = saddle_test_net_xy_cov (&f, &my);
  memset (f.theta, 0, f.n * sizeof (double));
  f.theta[6] = my;

  slice = saddle_slice_compute (f.model, f.theta, &f.batch, 0.5, 101, SADDLE_SLICE_AUTO, 1,
                                NULL, NULL, &error);
  g_assert_no_error (error);
  l0 = slice->loss;
  g_test_message ("λ_bottom %.6g (−2|cov| = %.6g), λ_top %.6g", slice->lambda_bottom,
                  -2.0 * fabs (cov), slice->lambda_top);
  g_assert_cmpfloat_with_epsilon (slice->lambda_bottom, -2.0 * fabs (cov), 1e-12);
  g_assert_cmpfloat_with_epsilon (slice->lambda_top, 2.0, 1e-12);
  g_assert_cmpfloat (fabs (slice->slope_bottom), <=, 1e-15);
  g_assert_cmpfloat (fabs (slice->slope_top), <=, 1e-15);

  /* The top eigenvector is the output bias (flat index 6), oriented +. */
  g_assert_cmpfloat_with_epsilon (slice->v_top[6], 1.0, 1e-12);
  for (gsize i = 0; i < slice->n_points; i++)
    {
      double a = slice->alphas[i];

      g_assert_cmpfloat_with_epsilon (slice->loss_top[i], l0 + a * a, 1e-14);
    }

  /* Concave near 0 along the bottom: every α ≠ 0 within 0.1 lies below L₀,
   * and the second difference at 0 matches λ_bottom (O(h²) error). */
  mid = slice->n_points / 2;
  g_assert_cmpfloat (slice->alphas[mid], ==, 0.0);
  g_assert_cmpfloat (slice->loss_bottom[mid], ==, l0);
  for (gsize i = 0; i < slice->n_points; i++)
    if (i != mid && fabs (slice->alphas[i]) <= 0.1 + 1e-12)
      g_assert_cmpfloat (slice->loss_bottom[i], <, l0);
  h = slice->alphas[mid + 1];
  second = (slice->loss_bottom[mid + 1] - 2.0 * l0 + slice->loss_bottom[mid - 1]) / (h * h);
  g_assert_cmpfloat_with_epsilon (second, slice->lambda_bottom, 1e-3 * fabs (slice->lambda_bottom));
  /* …and convex along the top, with second difference 2. */
  second = (slice->loss_top[mid + 1] - 2.0 * l0 + slice->loss_top[mid - 1]) / (h * h);
  g_assert_cmpfloat_with_epsilon (second, 2.0, 1e-8);

  /* The output bias enters the loss quadratically: the top model holds over the whole range.
   * Along the bottom, tanh's quartic terms take over: the radius is inside the range, the model
   * is within 10 % at it and fails within two grid steps beyond (a factor 10^(2/3)). */
  g_assert_cmpfloat (slice->model_radius_top, ==, 0.5);
  g_test_message ("bottom model radius %.3g", slice->model_radius_bottom);
  g_assert_cmpfloat (slice->model_radius_bottom, >, 1e-3);
  g_assert_cmpfloat (slice->model_radius_bottom, <, 0.5);
  {
    g_autofree double *point = g_new (double, f.n);
    double r = slice->model_radius_bottom, worst_inside = 0.0, worst_beyond = 0.0;

    for (int side = -1; side <= 1; side += 2)
      for (double scale = 1.0; scale <= 5.0; scale *= pow (10.0, 1.0 / 3.0))
        {
          double a = side * r * scale;
          double q = 0.5 * slice->lambda_bottom * a * a;
          double change;

          for (gsize j = 0; j < f.n; j++)
            point[j] = f.theta[j] + a * slice->v_bottom[j];
          change = saddle_model_loss_grad (f.model, point, &f.batch, NULL) - l0;
          if (scale < 1.001)
            worst_inside = MAX (worst_inside, fabs (change - q) / fabs (q));
          else
            worst_beyond = MAX (worst_beyond, fabs (change - q) / fabs (q));
        }
    g_assert_cmpfloat (worst_inside, <=, SADDLE_SLICE_MODEL_TOLERANCE);
    g_assert_cmpfloat (worst_beyond, >, SADDLE_SLICE_MODEL_TOLERANCE);
  }

  saddle_test_net_clear (&f);
}

/* Beyond dense size the Lanczos Ritz pairs stand in: on a small net they
 * must give the same eigenpairs (distinct extremes, so the vectors are
 * unique up to sign, and both methods orient them the same way). */
static void
test_slice_lanczos_matches_dense (void)
{
  const guint widths[] = { 1, 8, 1 };
  g_autoptr(SaddleSlice) dense = NULL;
  g_autoptr(SaddleSlice) lanczos = NULL;
  g_autoptr(SaddleSpectrum) reference = NULL;
  g_autoptr(GError) error = NULL;
  double vdiff = 0.0, ldiff = 0.0;
  Net f;

  net_init (&f, widths, G_N_ELEMENTS (widths), 42);
  reference = reference_spectrum (f.model, f.theta, &f.batch);
  g_assert_cmpfloat (reference->eigenvalues[1] - reference->eigenvalues[0], >,
                     1e-3 * reference->max_abs);
  g_assert_cmpfloat (reference->eigenvalues[f.n - 1] - reference->eigenvalues[f.n - 2], >,
                     1e-3 * reference->max_abs);
  g_assert_cmpfloat (reference->eigenvalues[0], <, 0.0);

  dense = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 21, SADDLE_SLICE_DENSE, 0,
                                NULL, NULL, &error);
  g_assert_no_error (error);
  lanczos = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 21, SADDLE_SLICE_LANCZOS,
                                  11, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (lanczos->converged);

  g_assert_cmpfloat_with_epsilon (dense->lambda_bottom, reference->eigenvalues[0],
                                  1e-10 * reference->max_abs);
  g_assert_cmpfloat_with_epsilon (dense->lambda_top, reference->eigenvalues[f.n - 1],
                                  1e-10 * reference->max_abs);
  g_assert_cmpfloat_with_epsilon (lanczos->lambda_bottom, dense->lambda_bottom,
                                  1e-8 * reference->max_abs);
  g_assert_cmpfloat_with_epsilon (lanczos->lambda_top, dense->lambda_top,
                                  1e-8 * reference->max_abs);
  for (gsize i = 0; i < f.n; i++)
    {
      vdiff = MAX (vdiff, fabs (lanczos->v_bottom[i] - dense->v_bottom[i]));
      vdiff = MAX (vdiff, fabs (lanczos->v_top[i] - dense->v_top[i]));
    }
  for (gsize i = 0; i < dense->n_points; i++)
    {
      ldiff = MAX (ldiff, fabs (lanczos->loss_bottom[i] - dense->loss_bottom[i]));
      ldiff = MAX (ldiff, fabs (lanczos->loss_top[i] - dense->loss_top[i]));
    }
  g_test_message ("λ %.6g … %.6g; max |Δv| %.3g, max |Δloss| %.3g", dense->lambda_bottom,
                  dense->lambda_top, vdiff, ldiff);
  g_assert_cmpfloat (vdiff, <=, 1e-6);
  g_assert_cmpfloat (ldiff, <=, 1e-6);
  g_assert_cmpfloat (eigen_residual (f.model, f.theta, &f.batch, dense->v_bottom,
                                     dense->lambda_bottom), <=, 1e-10 * reference->max_abs);

  /* A random point of a tanh net is a saddle too: down along the bottom
   * near 0, up along the top. */
  g_assert_cmpfloat (dense->loss_bottom[11] + dense->loss_bottom[9] - 2.0 * dense->loss, <, 0.0);
  g_assert_cmpfloat (dense->loss_top[11] + dense->loss_top[9] - 2.0 * dense->loss, >, 0.0);

  saddle_test_net_clear (&f);
}

static void
test_slice_csv_copy (void)
{
  g_autoptr(SaddleSlice) slice = NULL;
  g_autoptr(SaddleSlice) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  Linear f;

  linear_init (&f, 8);
  slice = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 5, SADDLE_SLICE_DENSE, 0,
                                NULL, NULL, &error);
  g_assert_no_error (error);
  slice->loss_top[4] = INFINITY;   /* an overflow far out is written, not dropped */

  dir = g_dir_make_tmp ("saddle-slice-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "slice.csv", NULL);
  g_assert_true (saddle_slice_write_csv (slice, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 7);   /* header, 5 rows, "" after the last \n */
  g_assert_cmpstr (lines[0], ==, "alpha,loss_bottom,loss_top");
  g_assert_cmpstr (lines[6], ==, "");
  for (guint i = 0; i < 5; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i + 1], ",", -1);

      g_assert_cmpuint (g_strv_length (cells), ==, 3);
      g_assert_cmpfloat (g_ascii_strtod (cells[0], NULL), ==, slice->alphas[i]);
      g_assert_cmpfloat (g_ascii_strtod (cells[1], NULL), ==, slice->loss_bottom[i]);
      if (i == 4)
        g_assert_cmpstr (cells[2], ==, "inf");
      else
        g_assert_cmpfloat (g_ascii_strtod (cells[2], NULL), ==, slice->loss_top[i]);
    }
  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  /* A path that cannot be written: an error naming it, no crash. */
  {
    g_autofree char *bad = g_build_filename (dir, "missing", "slice.csv", NULL);

    g_assert_false (saddle_slice_write_csv (slice, bad, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  copy = saddle_slice_copy (slice);
  g_assert_true (copy->alphas != slice->alphas);
  g_assert_true (copy->v_bottom != slice->v_bottom);
  g_assert_cmpmem (copy->alphas, 5 * sizeof (double), slice->alphas, 5 * sizeof (double));
  g_assert_cmpmem (copy->loss_bottom, 5 * sizeof (double), slice->loss_bottom,
                   5 * sizeof (double));
  g_assert_cmpmem (copy->loss_top, 5 * sizeof (double), slice->loss_top, 5 * sizeof (double));
  g_assert_cmpmem (copy->v_top, f.n * sizeof (double), slice->v_top, f.n * sizeof (double));
  g_assert_cmpfloat (copy->lambda_bottom, ==, slice->lambda_bottom);
  copy->v_top[0] += 1.0;
  g_assert_cmpfloat (copy->v_top[0], !=, slice->v_top[0]);

  linear_clear (&f);
}

typedef struct
{
  GArray *fractions;
  guint   cancel_at;   /* 1-based call that returns FALSE; 0 = never */
} ProgressLog;

static gboolean
progress_cb (double   fraction,
             gpointer user_data)
{
  ProgressLog *log = user_data;

  g_array_append_val (log->fractions, fraction);
  return log->cancel_at == 0 || log->fractions->len < log->cancel_at;
}

static void
test_slice_progress_cancel (void)
{
  const SaddleSliceMethod methods[] = { SADDLE_SLICE_DENSE, SADDLE_SLICE_LANCZOS };
  const guint widths[] = { 1, 8, 1 };
  Net f;

  net_init (&f, widths, G_N_ELEMENTS (widths), 3);
  for (guint k = 0; k < G_N_ELEMENTS (methods); k++)
    {
      g_autoptr(SaddleSlice) slice = NULL;
      g_autoptr(GError) error = NULL;
      ProgressLog log = { g_array_new (FALSE, FALSE, sizeof (double)), 0 };
      guint calls;

      slice = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 101, methods[k], 5,
                                    progress_cb, &log, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (log.fractions->len, >=, 3);
      for (guint i = 0; i < log.fractions->len; i++)
        {
          double fr = g_array_index (log.fractions, double, i);

          g_assert_cmpfloat (fr, >=, 0.0);
          g_assert_cmpfloat (fr, <=, 1.0);
          if (i > 0)
            g_assert_cmpfloat (fr, >=, g_array_index (log.fractions, double, i - 1));
        }
      g_assert_cmpfloat (g_array_index (log.fractions, double, log.fractions->len - 1), ==, 1.0);
      calls = log.fractions->len;

      /* Cancel at the first call, in the middle, and at the very last. */
      for (guint at = 1; at <= calls; at += MAX (1u, calls / 3))
        {
          SaddleSlice *none;

          g_array_set_size (log.fractions, 0);
          log.cancel_at = at;
          none = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 101, methods[k], 5,
                                       progress_cb, &log, &error);
          g_assert_null (none);
          g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_CANCELLED);
          g_clear_error (&error);
          g_assert_cmpuint (log.fractions->len, ==, at);
        }
      g_array_unref (log.fractions);
    }
  saddle_test_net_clear (&f);
}

static void
test_slice_bad_input (void)
{
  const guint widths[] = { 1, 2, 1 };
  g_autoptr(GError) error = NULL;
  g_autofree double *dir = NULL;
  double losses[5];
  SaddleSlice *slice;
  SaddleBatch empty;
  Net f;

  net_init (&f, widths, G_N_ELEMENTS (widths), 1);
  dir = g_new0 (double, f.n);

  /* A zero direction has no line. */
  g_assert_false (saddle_slice_line (f.model, f.theta, &f.batch, dir, 1.0, 5, NULL, losses,
                                     &error));
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "direction"));
  g_clear_error (&error);
  dir[0] = NAN;
  g_assert_false (saddle_slice_line (f.model, f.theta, &f.batch, dir, 1.0, 5, NULL, losses,
                                     &error));
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
  g_clear_error (&error);
  dir[0] = 1.0;
  g_assert_false (saddle_slice_line (f.model, f.theta, &f.batch, dir, -1.0, 5, NULL, losses,
                                     &error));
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
  g_clear_error (&error);

  /* Bad range, points and method. */
  slice = saddle_slice_compute (f.model, f.theta, &f.batch, NAN, 11, SADDLE_SLICE_AUTO, 0,
                                NULL, NULL, &error);
  g_assert_null (slice);
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
  g_clear_error (&error);
  slice = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 1, SADDLE_SLICE_AUTO, 0,
                                NULL, NULL, &error);
  g_assert_null (slice);
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
  g_clear_error (&error);
  slice = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 11, (SaddleSliceMethod) 7, 0,
                                NULL, NULL, &error);
  g_assert_null (slice);
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
  g_clear_error (&error);

  /* An empty batch, and one of the wrong width. */
  empty = f.batch;
  empty.n = 0;
  slice = saddle_slice_compute (f.model, f.theta, &empty, 1.0, 11, SADDLE_SLICE_AUTO, 0,
                                NULL, NULL, &error);
  g_assert_null (slice);
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
  g_clear_error (&error);
  empty = f.batch;
  empty.n_inputs = 3;
  slice = saddle_slice_compute (f.model, f.theta, &empty, 1.0, 11, SADDLE_SLICE_AUTO, 0,
                                NULL, NULL, &error);
  g_assert_null (slice);
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_INVALID);
  g_clear_error (&error);

  /* A non-finite point: nothing to slice, with either method. */
  f.theta[6] = INFINITY;   /* the output bias: every prediction infinite */
  slice = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 11, SADDLE_SLICE_DENSE, 0,
                                NULL, NULL, &error);
  g_assert_null (slice);
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_NOT_FINITE);
  g_clear_error (&error);
  f.theta[6] = 0.0;
  f.theta[2] = NAN;
  slice = saddle_slice_compute (f.model, f.theta, &f.batch, 1.0, 11, SADDLE_SLICE_LANCZOS, 0,
                                NULL, NULL, &error);
  g_assert_null (slice);
  g_assert_error (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_NOT_FINITE);
  g_clear_error (&error);

  saddle_test_net_clear (&f);
}

/* Same inputs, same numbers; the dense result does not depend on the seed. */
static void
test_slice_determinism (void)
{
  const guint widths[] = { 1, 8, 1 };
  g_autoptr(SaddleSlice) a = NULL;
  g_autoptr(SaddleSlice) b = NULL;
  g_autoptr(SaddleSlice) c = NULL;
  g_autoptr(GError) error = NULL;
  Net f;

  net_init (&f, widths, G_N_ELEMENTS (widths), 9);
  a = saddle_slice_compute (f.model, f.theta, &f.batch, 0.5, 31, SADDLE_SLICE_LANCZOS, 4,
                            NULL, NULL, &error);
  g_assert_no_error (error);
  b = saddle_slice_compute (f.model, f.theta, &f.batch, 0.5, 31, SADDLE_SLICE_LANCZOS, 4,
                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (a->loss_bottom, 31 * sizeof (double), b->loss_bottom, 31 * sizeof (double));
  g_assert_cmpmem (a->loss_top, 31 * sizeof (double), b->loss_top, 31 * sizeof (double));
  g_assert_cmpmem (a->v_bottom, f.n * sizeof (double), b->v_bottom, f.n * sizeof (double));

  g_clear_pointer (&a, saddle_slice_free);
  g_clear_pointer (&b, saddle_slice_free);
  a = saddle_slice_compute (f.model, f.theta, &f.batch, 0.5, 31, SADDLE_SLICE_DENSE, 1,
                            NULL, NULL, &error);
  g_assert_no_error (error);
  c = saddle_slice_compute (f.model, f.theta, &f.batch, 0.5, 31, SADDLE_SLICE_DENSE, 2,
                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (a->loss_bottom, 31 * sizeof (double), c->loss_bottom, 31 * sizeof (double));
  g_assert_cmpmem (a->v_top, f.n * sizeof (double), c->v_top, f.n * sizeof (double));

  saddle_test_net_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/slice/alphas-check", test_slice_alphas_check);
  g_test_add_func ("/core/slice/quadratic", test_slice_quadratic);
  g_test_add_func ("/core/slice/line", test_slice_line);
  g_test_add_func ("/core/slice/tanh-saddle", test_slice_tanh_saddle);
  g_test_add_func ("/core/slice/lanczos-matches-dense", test_slice_lanczos_matches_dense);
  g_test_add_func ("/core/slice/csv-copy", test_slice_csv_copy);
  g_test_add_func ("/core/slice/progress-cancel", test_slice_progress_cancel);
  g_test_add_func ("/core/slice/bad-input", test_slice_bad_input);
  g_test_add_func ("/core/slice/determinism", test_slice_determinism);

  return g_test_run ();
}
