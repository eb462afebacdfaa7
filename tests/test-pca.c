/* test-pca.c — principal components recovered from data with known structure */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "saddle-pca.h"
#include "saddle-rng.h"

/* @r orthonormal columns of length @dim, stored as rows q[c * dim + j]:
 * Gram–Schmidt applied twice to seeded normal vectors ("twice is enough"
 * for orthogonality at rounding level). */
static double *
orthonormal_rows (gsize   dim,
                  guint   r,
                  guint64 seed)
{
  double *q = g_new (double, (gsize) r * dim);
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < (gsize) r * dim; i++)
    q[i] = saddle_rng_normal (&rng);

  for (guint c = 0; c < r; c++)
    {
      double *row = q + (gsize) c * dim;

      for (guint pass = 0; pass < 2; pass++)
        for (guint p = 0; p < c; p++)
          {
            const double *prev = q + (gsize) p * dim;
            double dot = 0.0;

            for (gsize j = 0; j < dim; j++)
              dot += row[j] * prev[j];
            for (gsize j = 0; j < dim; j++)
              row[j] -= dot * prev[j];
          }

      double norm = 0.0;
      for (gsize j = 0; j < dim; j++)
        norm += row[j] * row[j];
      norm = sqrt (norm);
      for (gsize j = 0; j < dim; j++)
        row[j] /= norm;
    }

  return q;
}

/* Score of point @i along direction @c: amplitude[c]·cos(2π(c+1)i/n). Distinct
 * frequencies below n/2 make the score columns centred and exactly orthogonal,
 * with Σ_i score² = amplitude²·n/2, so the eigenvalues are known in closed form. */
static double
known_score (const double *amplitude,
             guint         c,
             gsize         i,
             gsize         n)
{
  return amplitude[c] * cos (2.0 * G_PI * (double) (c + 1) * (double) i / (double) n);
}

/* x = mean + Σ_c score_c · q_c, mean_j = 3 + 0.5·j. */
static double *
structured_points (gsize         n,
                   gsize         dim,
                   const double *q,
                   const double *amplitude,
                   guint         r)
{
  double *x = g_new (double, n * dim);

  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < dim; j++)
      {
        double v = 3.0 + 0.5 * (double) j;

        for (guint c = 0; c < r; c++)
          v += known_score (amplitude, c, i, n) * q[(gsize) c * dim + j];
        x[i * dim + j] = v;
      }

  return x;
}

static void
assert_finite (const SaddlePca *pca)
{
  for (gsize i = 0; i < (gsize) pca->n_components * pca->dim; i++)
    g_assert_true (isfinite (pca->components[i]));
  for (gsize i = 0; i < pca->n_points * pca->n_components; i++)
    g_assert_true (isfinite (pca->scores[i]));
  for (guint c = 0; c < pca->n_components; c++)
    g_assert_true (isfinite (pca->explained_ratio[c]));
  g_assert_true (isfinite (pca->total_variance));
}

/* Checks @pca against the structure @x was built from: directions q up to
 * sign (1e-10), ratios a_c²/Σa² (1e-12), scores (1e-10 relative), the
 * sign rule, and zero rows beyond the rank. */
static void
check_known (const SaddlePca *pca,
             const double    *q,
             const double    *amplitude,
             guint            r)
{
  const gsize n = pca->n_points;
  const gsize dim = pca->dim;
  double sum_a2 = 0.0;

  for (guint c = 0; c < r; c++)
    sum_a2 += amplitude[c] * amplitude[c];

  assert_finite (pca);
  g_assert_cmpfloat_with_epsilon (pca->total_variance,
                                  sum_a2 * (double) n / 2.0 / (double) (n - 1), 1e-10);

  for (gsize j = 0; j < dim; j++)
    g_assert_cmpfloat_with_epsilon (pca->mean[j], 3.0 + 0.5 * (double) j, 1e-12);

  for (guint c = 0; c < pca->n_components; c++)
    {
      const double *row = pca->components + (gsize) c * dim;

      if (c >= r)
        {
          for (gsize j = 0; j < dim; j++)
            g_assert_cmpfloat (row[j], ==, 0.0);
          g_assert_cmpfloat (pca->explained_ratio[c], ==, 0.0);
          for (gsize i = 0; i < n; i++)
            g_assert_cmpfloat (pca->scores[i * pca->n_components + c], ==, 0.0);
          continue;
        }

      const double *truth = q + (gsize) c * dim;
      double dot = 0.0;
      double sign;
      gsize best = 0;

      for (gsize j = 0; j < dim; j++)
        dot += row[j] * truth[j];
      sign = dot < 0.0 ? -1.0 : 1.0;
      for (gsize j = 0; j < dim; j++)
        g_assert_cmpfloat_with_epsilon (row[j], sign * truth[j], 1e-10);

      for (gsize j = 1; j < dim; j++)
        if (fabs (row[j]) > fabs (row[best]))
          best = j;
      g_assert_cmpfloat (row[best], >, 0.0);

      g_assert_cmpfloat_with_epsilon (pca->explained_ratio[c],
                                      amplitude[c] * amplitude[c] / sum_a2, 1e-12);

      for (gsize i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (pca->scores[i * pca->n_components + c],
                                        sign * known_score (amplitude, c, i, n),
                                        1e-10 * amplitude[0]);
    }
}

static void
run_known (gsize n,
           gsize dim,
           guint r,
           guint n_components)
{
  const double amplitude[] = { 5.0, 3.0, 2.0, 1.0, 0.5 };
  g_autofree double *q = NULL;
  g_autofree double *x = NULL;
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (r, <=, G_N_ELEMENTS (amplitude));
  q = orthonormal_rows (dim, r, 42 + n + dim);
  x = structured_points (n, dim, q, amplitude, r);

  pca = saddle_pca_fit (x, n, dim, n_components, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pca);
  g_assert_cmpuint (pca->n_points, ==, n);
  g_assert_cmpuint (pca->dim, ==, dim);
  g_assert_cmpuint (pca->n_components, ==, n_components);
  check_known (pca, q, amplitude, r);
}

static void
test_known_gram (void)
{
  /* n ≤ dim: the n × n Gram path. */
  run_known (24, 60, 4, 4);
  run_known (30, 30, 5, 3);
}

static void
test_known_covariance (void)
{
  /* n > dim: the dim × dim covariance path, full rank. */
  run_known (50, 5, 5, 5);
  run_known (64, 12, 4, 2);
}

/* Random points with column j scaled by (j + 1)²: well separated variances. */
static double *
random_points (gsize   n,
               gsize   dim,
               gsize   stride,
               guint64 seed)
{
  double *x = g_new0 (double, n * stride);
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < dim; j++)
      x[i * stride + j] = 1.0 + (double) ((j + 1) * (j + 1)) * saddle_rng_normal (&rng);

  return x;
}

static void
test_paths_agree (void)
{
  /* The same 20 points in 8-D (covariance path), and padded with 22 zero
   * coordinates to 30-D (Gram path): zero columns change nothing in a PCA. */
  const gsize n = 20, dim = 8, padded = 30;
  const guint k = 4;
  g_autofree double *x = random_points (n, dim, dim, 7);
  g_autofree double *xp = g_new0 (double, n * padded);
  g_autoptr(SaddlePca) cov = NULL;
  g_autoptr(SaddlePca) gram = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < n; i++)
    memcpy (xp + i * padded, x + i * dim, dim * sizeof (double));

  cov = saddle_pca_fit (x, n, dim, k, &error);
  g_assert_no_error (error);
  gram = saddle_pca_fit (xp, n, padded, k, &error);
  g_assert_no_error (error);

  g_assert_cmpfloat_with_epsilon (cov->total_variance, gram->total_variance,
                                  1e-12 * cov->total_variance);
  for (guint c = 0; c < k; c++)
    {
      g_assert_cmpfloat (cov->explained_ratio[c], >, 0.0);
      g_assert_cmpfloat_with_epsilon (cov->explained_ratio[c], gram->explained_ratio[c], 1e-12);
      for (gsize j = 0; j < dim; j++)
        g_assert_cmpfloat_with_epsilon (cov->components[c * dim + j],
                                        gram->components[c * padded + j], 1e-10);
      for (gsize j = dim; j < padded; j++)
        g_assert_cmpfloat (gram->components[c * padded + j], ==, 0.0);
    }
  for (guint c = 1; c < k; c++)
    g_assert_cmpfloat (cov->explained_ratio[c], <, cov->explained_ratio[c - 1]);
  for (gsize i = 0; i < n * k; i++)
    g_assert_cmpfloat_with_epsilon (cov->scores[i], gram->scores[i], 1e-9);
}

static void
test_project_reconstruct (void)
{
  const gsize n = 40, dim = 15;
  const guint k = 3;
  g_autofree double *x = random_points (n, dim, dim, 11);
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(GError) error = NULL;
  double coords[3], back[3];
  double point[15];
  SaddleRng rng;

  pca = saddle_pca_fit (x, n, dim, k, &error);
  g_assert_no_error (error);

  /* Components are orthonormal. */
  for (guint a = 0; a < k; a++)
    for (guint b = 0; b < k; b++)
      {
        double dot = 0.0;

        for (gsize j = 0; j < dim; j++)
          dot += pca->components[a * dim + j] * pca->components[b * dim + j];
        g_assert_cmpfloat_with_epsilon (dot, a == b ? 1.0 : 0.0, 1e-12);
      }

  /* project(reconstruct(c)) = c for arbitrary coordinates. */
  saddle_rng_init (&rng, 3);
  for (guint trial = 0; trial < 20; trial++)
    {
      for (guint c = 0; c < k; c++)
        coords[c] = 100.0 * saddle_rng_normal (&rng);
      saddle_pca_reconstruct (pca, coords, point);
      saddle_pca_project (pca, point, back);
      for (guint c = 0; c < k; c++)
        g_assert_cmpfloat_with_epsilon (back[c], coords[c], 1e-10);
    }

  /* Projecting an input point gives its score row. */
  for (gsize i = 0; i < n; i++)
    {
      saddle_pca_project (pca, x + i * dim, coords);
      for (guint c = 0; c < k; c++)
        g_assert_cmpfloat_with_epsilon (coords[c], pca->scores[i * k + c], 1e-10);
    }

  /* The origin of the plane is the mean. */
  memset (coords, 0, sizeof coords);
  saddle_pca_reconstruct (pca, coords, point);
  g_assert_cmpmem (point, dim * sizeof (double), pca->mean, dim * sizeof (double));
}

static void
test_rank_deficient (void)
{
  const double amplitude[] = { 2.0, 1.0 };
  const gsize dims[] = { 10, 50 };   /* n = 30: covariance path, then Gram path */
  const gsize n = 30;

  for (guint d = 0; d < G_N_ELEMENTS (dims); d++)
    {
      const gsize dim = dims[d];
      g_autofree double *q = orthonormal_rows (dim, 2, 5);
      g_autofree double *x = structured_points (n, dim, q, amplitude, 2);
      g_autoptr(SaddlePca) pca = NULL;
      g_autoptr(GError) error = NULL;

      /* Points on a plane, 4 components asked: the last two are zero, not NaN. */
      pca = saddle_pca_fit (x, n, dim, 4, &error);
      g_assert_no_error (error);
      check_known (pca, q, amplitude, 2);
      g_assert_cmpfloat_with_epsilon (pca->explained_ratio[0] + pca->explained_ratio[1],
                                      1.0, 1e-12);
    }
}

static void
test_degenerate (void)
{
  const gsize n = 5, dim = 4;
  double same[5 * 4];
  double two[2 * 4] = { 1, 2, 3, 4, 3, 2, 1, 0 };
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddlePca) pair = NULL;
  g_autoptr(SaddlePca) none = NULL;
  g_autoptr(GError) error = NULL;

  /* All points equal: no variance at all. */
  for (gsize i = 0; i < n * dim; i++)
    same[i] = (double) (i % dim) - 1.5;
  pca = saddle_pca_fit (same, n, dim, 2, &error);
  g_assert_no_error (error);
  assert_finite (pca);
  g_assert_cmpfloat (pca->total_variance, ==, 0.0);
  for (gsize i = 0; i < 2 * dim; i++)
    g_assert_cmpfloat (pca->components[i], ==, 0.0);
  for (guint c = 0; c < 2; c++)
    g_assert_cmpfloat (pca->explained_ratio[c], ==, 0.0);

  /* Two points: one direction, along their difference (−1, 0, 1, 2)/√6 with
   * the largest coordinate positive, holding all the variance. */
  pair = saddle_pca_fit (two, 2, dim, 3, &error);
  g_assert_no_error (error);
  assert_finite (pair);
  g_assert_cmpfloat_with_epsilon (pair->explained_ratio[0], 1.0, 1e-15);
  g_assert_cmpfloat (pair->explained_ratio[1], ==, 0.0);
  g_assert_cmpfloat (pair->explained_ratio[2], ==, 0.0);
  for (gsize j = 0; j < dim; j++)
    g_assert_cmpfloat_with_epsilon (pair->components[j],
                                    ((double) j - 1.0) / sqrt (6.0), 1e-15);
  /* Centred points ±(−1, 0, 1, 2): 6 + 6 over n − 1 = 1. */
  g_assert_cmpfloat_with_epsilon (pair->total_variance, 12.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (pair->scores[0], sqrt (6.0), 1e-14);
  g_assert_cmpfloat_with_epsilon (pair->scores[3], -sqrt (6.0), 1e-14);

  /* No components asked: mean and total variance only. */
  none = saddle_pca_fit (two, 2, dim, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (none->n_components, ==, 0);
  g_assert_cmpfloat_with_epsilon (none->total_variance, 12.0, 1e-12);
  g_assert_cmpfloat (none->mean[0], ==, 2.0);
}

static void
test_sign_deterministic (void)
{
  const gsize n = 25, dim = 9;
  const guint k = 3;
  g_autofree double *x = random_points (n, dim, dim, 19);
  g_autofree double *mirrored = g_new (double, n * dim);
  g_autoptr(SaddlePca) a = NULL;
  g_autoptr(SaddlePca) b = NULL;
  g_autoptr(SaddlePca) m = NULL;
  g_autoptr(GError) error = NULL;

  a = saddle_pca_fit (x, n, dim, k, &error);
  g_assert_no_error (error);
  b = saddle_pca_fit (x, n, dim, k, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (a->components, k * dim * sizeof (double), b->components, k * dim * sizeof (double));
  g_assert_cmpmem (a->scores, n * k * sizeof (double), b->scores, n * k * sizeof (double));

  /* Mirroring every point through the mean flips every eigenvector an
   * eigensolver might return; the sign rule must still give the same
   * components, so only the scores change sign. */
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < dim; j++)
      mirrored[i * dim + j] = 2.0 * a->mean[j] - x[i * dim + j];
  m = saddle_pca_fit (mirrored, n, dim, k, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < k * dim; i++)
    g_assert_cmpfloat_with_epsilon (m->components[i], a->components[i], 1e-10);
  for (gsize i = 0; i < n * k; i++)
    g_assert_cmpfloat_with_epsilon (m->scores[i], -a->scores[i], 1e-9);
}

static void
test_too_few (void)
{
  const double one[3] = { 1.0, 2.0, 3.0 };
  const double bad[6] = { 1.0, 2.0, NAN, 0.0, 1.0, 2.0 };
  g_autoptr(GError) error = NULL;
  SaddlePca *pca;

  pca = saddle_pca_fit (one, 1, 3, 2, &error);
  g_assert_null (pca);
  g_assert_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_TOO_FEW);
  g_assert_nonnull (strstr (error->message, "at least 2 points"));
  g_clear_error (&error);

  pca = saddle_pca_fit (NULL, 0, 3, 2, &error);
  g_assert_null (pca);
  g_assert_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_TOO_FEW);
  g_clear_error (&error);

  pca = saddle_pca_fit (one, 3, 0, 2, &error);
  g_assert_null (pca);
  g_assert_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_TOO_FEW);
  g_clear_error (&error);

  /* A NaN coordinate is named rather than handed to LAPACK. */
  pca = saddle_pca_fit (bad, 2, 3, 1, &error);
  g_assert_null (pca);
  g_assert_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK);
  g_assert_nonnull (strstr (error->message, "point 0"));
}

/* @fit's scores, components, shares and total variance within 1e-12 (scores relative to the
 * largest) of @direct's, for @k components. */
static void
assert_pca_close (const SaddlePca *fit,
                  const SaddlePca *direct,
                  guint            k)
{
  double scale = 0.0;

  g_assert_cmpuint (fit->dim, ==, direct->dim);
  g_assert_cmpmem (fit->mean, fit->dim * sizeof (double), direct->mean,
                   direct->dim * sizeof (double));
  for (gsize i = 0; i < k * direct->n_points; i++)
    scale = MAX (scale, fabs (direct->scores[i]));
  for (gsize i = 0; i < k * direct->n_points; i++)
    g_assert_cmpfloat (fabs (fit->scores[i] - direct->scores[i]), <=, 1e-12 * scale);
  for (gsize i = 0; i < k * direct->dim; i++)
    g_assert_cmpfloat (fabs (fit->components[i] - direct->components[i]), <=, 1e-12);
  for (guint c = 0; c < k; c++)
    g_assert_cmpfloat (fabs (fit->explained_ratio[c] - direct->explained_ratio[c]), <=, 1e-12);
  g_assert_cmpfloat (fabs (fit->total_variance - direct->total_variance), <=,
                     1e-12 * direct->total_variance);
}

/* The whole rows' PCA and a slice's in one fit: each as saddle_pca_fit() gives it for its own
 * columns, to 1e-12, on the ways it is computed: both Gram matrices in one pass (the slice
 * most columns, or few; first; within one block of the pass or across several), and the
 * slice's covariance (more points than it has columns). A column sent to the wrong matrix
 * moves the scores by far more. */
static void
test_fit_with_slice (void)
{
  const struct { gsize n, dim, offset, size; } cases[] = {
    { 20, 100, 10, 80 },     /* a first layer: most of the columns */
    { 20, 100, 40, 15 },     /* a small slice */
    { 30, 100, 5, 12 },      /* 30 points of 12 columns: the covariance */
    { 12, 50, 0, 45 },       /* the slice first */
    { 300, 1500, 100, 1000 },  /* the slice's ends inside the halves' blocks */
    { 300, 1500, 0, 1500 },  /* the slice is everything */
    { 200, 5000, 1000, 2000 },  /* halves of 3 blocks of 1,024 columns */
    { 150, 4501, 1, 4500 },  /* all but the first column: an odd half */
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      gsize n = cases[k].n, dim = cases[k].dim, offset = cases[k].offset, size = cases[k].size;
      g_autofree double *x = g_new (double, n * dim);
      g_autofree double *gathered = g_new (double, n * size);
      g_autoptr(SaddlePca) whole = NULL;
      g_autoptr(SaddlePca) slice = NULL;
      g_autoptr(SaddlePca) direct_whole = NULL;
      g_autoptr(SaddlePca) direct_slice = NULL;
      g_autoptr(GError) error = NULL;
      SaddleRng rng;

      saddle_rng_init (&rng, 40 + k);
      for (gsize i = 0; i < n; i++)
        for (gsize j = 0; j < dim; j++)
          /* A drift along two directions plus noise, on a large common offset. */
          x[i * dim + j] = 3.0 + 0.1 * j + (double) i * sin (0.3 * j)
                           + (double) (i % 7) * cos (0.2 * j) + 0.2 * saddle_rng_normal (&rng);
      for (gsize i = 0; i < n; i++)
        memcpy (gathered + i * size, x + i * dim + offset, size * sizeof (double));

      whole = saddle_pca_fit_with_slice (x, n, dim, offset, size, 2, 1, &slice, &error);
      g_assert_no_error (error);
      direct_whole = saddle_pca_fit (x, n, dim, 2, &error);
      g_assert_no_error (error);
      direct_slice = saddle_pca_fit (gathered, n, size, 2, &error);
      g_assert_no_error (error);

      assert_pca_close (whole, direct_whole, 2);
      assert_pca_close (slice, direct_slice, 2);

      /* Two threads, the same bits (the last four cases are large enough to start one). */
      {
        g_autoptr(SaddlePca) threaded = NULL;
        g_autoptr(SaddlePca) threaded_slice = NULL;

        threaded = saddle_pca_fit_with_slice (x, n, dim, offset, size, 2, 2, &threaded_slice,
                                              &error);
        g_assert_no_error (error);
        g_assert_cmpmem (threaded->scores, 2 * n * sizeof (double), whole->scores,
                         2 * n * sizeof (double));
        g_assert_cmpmem (threaded->components, 2 * dim * sizeof (double), whole->components,
                         2 * dim * sizeof (double));
        g_assert_cmpmem (threaded_slice->scores, 2 * n * sizeof (double), slice->scores,
                         2 * n * sizeof (double));
        g_assert_cmpmem (threaded_slice->components, 2 * size * sizeof (double),
                         slice->components, 2 * size * sizeof (double));
      }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/pca/known-gram", test_known_gram);
  g_test_add_func ("/core/pca/known-covariance", test_known_covariance);
  g_test_add_func ("/core/pca/paths-agree", test_paths_agree);
  g_test_add_func ("/core/pca/project-reconstruct", test_project_reconstruct);
  g_test_add_func ("/core/pca/rank-deficient", test_rank_deficient);
  g_test_add_func ("/core/pca/degenerate", test_degenerate);
  g_test_add_func ("/core/pca/sign-deterministic", test_sign_deterministic);
  g_test_add_func ("/core/pca/too-few", test_too_few);
  g_test_add_func ("/core/pca/fit-with-slice", test_fit_with_slice);

  return g_test_run ();
}
