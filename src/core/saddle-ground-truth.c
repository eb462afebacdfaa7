/* saddle-ground-truth.c — the closed form of a linear autoencoder's critical points
 *
 * Flat θ of a d-k-d model (saddle-model.h): W1 (k, d) row-major, b1 (k), W2 (d, k) row-major,
 * b2 (d). The covariance is formed from the data with 1/N, the convention of a loss that is a
 * mean over samples: (1/(N·d))·Σ_n ‖P(x_n − x̄) − (x_n − x̄)‖² = (1/d)·tr((I − P)·Σ) for the
 * projection P = W2·W1 of a critical point. Everything here is d × d (d ≤ 64) and GLib-only
 * apart from BLAS/LAPACKE; no model is run: the caller measures, this file says what to expect.
 */
#define G_LOG_DOMAIN "saddle-ground-truth"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "saddle-csv.h"
#include "saddle-ground-truth.h"
#include "saddle-pca.h"
#include "saddle-rng.h"

/* Eigenvalues closer than this share of the largest count as equal: the subsets then do not
 * name isolated critical points. */
#define DISTINCT_GAP 1e-10

G_DEFINE_QUARK (saddle-ground-truth-error-quark, saddle_ground_truth_error)

static guint
popcount (guint64 subset)
{
  return (guint) __builtin_popcountll (subset);
}

static gint
compare_levels (gconstpointer a,
                gconstpointer b)
{
  const SaddleGroundTruthLevel *x = a;
  const SaddleGroundTruthLevel *y = b;

  if (x->loss != y->loss)
    return x->loss < y->loss ? -1 : 1;
  return x->subset < y->subset ? -1 : x->subset > y->subset;
}

SaddleDataset *
saddle_ground_truth_dataset_new (const SaddleDataset *images,
                                 guint                d,
                                 GError             **error)
{
  g_autoptr(SaddlePca) pca = NULL;
  g_autofree double *x = NULL;
  g_autofree char *name = NULL;
  gsize n;
  double total = 0.0;
  double scale;

  g_return_val_if_fail (images != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n = images->n_samples;
  if (d < 1 || d > SADDLE_GROUND_TRUTH_MAX_DIM || d > images->n_inputs || n <= d)
    {
      g_set_error (error, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_INVALID,
                   "%u principal components asked of %" G_GSIZE_FORMAT " samples of %"
                   G_GSIZE_FORMAT " inputs; they need 1–%u components, fewer than the samples "
                   "and at most the inputs", d, n, images->n_inputs, SADDLE_GROUND_TRUTH_MAX_DIM);
      return NULL;
    }

  pca = saddle_pca_fit (images->x, n, images->n_inputs, d, error);
  if (pca == NULL)
    return NULL;

  for (gsize i = 0; i < n * d; i++)
    total += pca->scores[i] * pca->scores[i];
  total /= (double) n;
  if (!(total > 0.0) || pca->explained_ratio[d - 1] <= 0.0)
    {
      g_set_error (error, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_DEGENERATE,
                   "the samples span fewer than %u directions; use fewer components", d);
      return NULL;
    }
  /* Total variance d: the zero map's loss is 1, a critical point's the share it leaves out. */
  scale = sqrt ((double) d / total);
  x = g_new (double, n * d);
  for (gsize i = 0; i < n * d; i++)
    x[i] = scale * pca->scores[i];

  name = g_strdup_printf ("%s, %u principal components",
                          images->name != NULL ? images->name : "images", d);
  return saddle_dataset_new_regression (n, d, d, g_steal_pointer (&x), NULL, name, error);
}

SaddleGroundTruth *
saddle_ground_truth_new (const SaddleDataset *dataset,
                         guint                k,
                         GError             **error)
{
  g_autoptr(SaddleGroundTruth) truth = NULL;
  g_autofree double *cov = NULL;
  g_autofree double *xc = NULL;
  g_autofree double *w = NULL;
  gsize n;
  guint d;

  g_return_val_if_fail (dataset != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (dataset->kind != SADDLE_DATASET_REGRESSION || dataset->targets == NULL
      || dataset->n_inputs != dataset->n_outputs
      || dataset->n_inputs > SADDLE_GROUND_TRUTH_MAX_DIM
      || memcmp (dataset->x, dataset->targets,
                 dataset->n_samples * dataset->n_inputs * sizeof (double)) != 0)
    {
      g_set_error (error, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_INVALID,
                   "“%s” is not an autoencoder's data: its targets must equal its inputs, "
                   "at most %u of them", dataset->name != NULL ? dataset->name : "the dataset",
                   SADDLE_GROUND_TRUTH_MAX_DIM);
      return NULL;
    }
  d = (guint) dataset->n_inputs;
  n = dataset->n_samples;
  if (k < 1 || k > d || n < 2)
    {
      g_set_error (error, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_INVALID,
                   "a %u-%u-%u autoencoder on %" G_GSIZE_FORMAT " samples: it needs 1–%u hidden "
                   "units and two samples", d, k, d, n, d);
      return NULL;
    }

  truth = g_new0 (SaddleGroundTruth, 1);
  truth->d = d;
  truth->k = k;
  truth->n_params = 2 * (gsize) d * k + k + d;
  truth->mean = g_new0 (double, d);
  truth->lambda = g_new (double, d);
  truth->basis = g_new (double, (gsize) d * d);

  for (gsize s = 0; s < n; s++)
    for (guint j = 0; j < d; j++)
      truth->mean[j] += dataset->x[s * d + j];
  for (guint j = 0; j < d; j++)
    truth->mean[j] /= (double) n;

  xc = g_new (double, n * d);
  for (gsize s = 0; s < n; s++)
    for (guint j = 0; j < d; j++)
      xc[s * d + j] = dataset->x[s * d + j] - truth->mean[j];
  cov = g_new0 (double, (gsize) d * d);
  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans, (int) d, (int) n, 1.0 / (double) n,
               xc, (int) d, 0.0, cov, (int) d);

  w = g_new (double, d);
  if (LAPACKE_dsyevd (LAPACK_ROW_MAJOR, 'V', 'U', (int) d, cov, (int) d, w) != 0)
    {
      g_set_error (error, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_LAPACK,
                   "the %u × %u covariance's eigenvalues did not converge", d, d);
      return NULL;
    }
  /* dsyevd: ascending, eigenvectors in columns; keep them decreasing, as rows. */
  for (guint i = 0; i < d; i++)
    {
      guint col = d - 1 - i;

      truth->lambda[i] = w[col];
      for (guint j = 0; j < d; j++)
        truth->basis[(gsize) i * d + j] = cov[(gsize) j * d + col];
    }
  for (guint i = 0; i + 1 < d; i++)
    if (truth->lambda[i] - truth->lambda[i + 1] <= DISTINCT_GAP * fabs (truth->lambda[0])
        || truth->lambda[d - 1] <= 0.0)
      {
        g_set_error (error, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_DEGENERATE,
                     "the covariance of “%s” has equal or zero eigenvalues (λ%u = %g, λ%u = %g, "
                     "λ%u = %g): its critical points are not isolated subsets",
                     dataset->name != NULL ? dataset->name : "the dataset",
                     i + 1, truth->lambda[i], i + 2, truth->lambda[i + 1], d, truth->lambda[d - 1]);
        return NULL;
      }

  return g_steal_pointer (&truth);
}

void
saddle_ground_truth_free (SaddleGroundTruth *truth)
{
  if (truth == NULL)
    return;

  g_free (truth->mean);
  g_free (truth->lambda);
  g_free (truth->basis);
  g_free (truth);
}

double
saddle_ground_truth_loss (const SaddleGroundTruth *truth,
                          guint64                  subset)
{
  double sum = 0.0;

  g_return_val_if_fail (truth != NULL, NAN);

  for (guint j = 0; j < truth->d; j++)
    if (!(subset & (G_GUINT64_CONSTANT (1) << j)))
      sum += truth->lambda[j];
  return sum / (double) truth->d;
}

guint
saddle_ground_truth_index (const SaddleGroundTruth *truth,
                           guint64                  subset)
{
  guint index = 0;
  guint r = popcount (subset);

  g_return_val_if_fail (truth != NULL, 0);

  /* Decreasing λ: λ_j > λ_i exactly when j < i. */
  for (guint i = 0; i < truth->d; i++)
    if (subset & (G_GUINT64_CONSTANT (1) << i))
      for (guint j = 0; j < i; j++)
        if (!(subset & (G_GUINT64_CONSTANT (1) << j)))
          index++;
  if (r < truth->k)
    index += (truth->k - r) * (truth->d - r);
  return index;
}

guint
saddle_ground_truth_zero_count (const SaddleGroundTruth *truth,
                                guint64                  subset)
{
  guint r = popcount (subset);

  g_return_val_if_fail (truth != NULL, 0);

  /* r = k: k² + k; fewer used units leave r² (GL(r)) + k (biases) + 2r·(k − r) (an unused
   * unit's W1 row and W2 column along the r chosen directions) flat. */
  return truth->k + r * (2 * truth->k - r);
}

void
saddle_ground_truth_build_point (const SaddleGroundTruth *truth,
                                 guint64                  subset,
                                 guint64                  seed,
                                 double                  *theta)
{
  guint d, k, r = 0;
  guint used[SADDLE_GROUND_TRUTH_MAX_DIM];
  g_autofree double *c = NULL;
  g_autofree double *c_inv = NULL;
  g_autofree double *hidden = NULL;
  double *w1, *b1, *w2, *b2;
  SaddleRng rng;

  g_return_if_fail (truth != NULL);
  g_return_if_fail (theta != NULL);
  g_return_if_fail (popcount (subset) <= truth->k);

  d = truth->d;
  k = truth->k;
  w1 = theta;                         /* (k, d) */
  b1 = w1 + (gsize) k * d;            /* (k) */
  w2 = b1 + k;                        /* (d, k) */
  b2 = w2 + (gsize) d * k;            /* (d) */
  memset (theta, 0, truth->n_params * sizeof (double));

  for (guint i = 0; i < d; i++)
    if (subset & (G_GUINT64_CONSTANT (1) << i))
      used[r++] = i;

  /* C lower triangular with diagonal in [e^−½, e^½]: invertible, and A⁻¹ by dtrtri. */
  saddle_rng_init (&rng, seed);
  c = g_new0 (double, (gsize) MAX (r, 1) * MAX (r, 1));
  for (guint a = 0; a < r; a++)
    for (guint b = 0; b <= a; b++)
      c[a * r + b] = seed == 0 ? (a == b) : a == b ? exp (saddle_rng_uniform (&rng) - 0.5)
                                                   : 0.3 * saddle_rng_normal (&rng);
  c_inv = g_memdup2 (c, (gsize) MAX (r, 1) * MAX (r, 1) * sizeof (double));
  if (r > 0)
    LAPACKE_dtrtri (LAPACK_ROW_MAJOR, 'L', 'N', (int) r, c_inv, (int) r);

  /* Unit a's row of W1 = Σ_m (C⁻¹)_{am} u_{I_m}; column a of W2 = Σ_m u_{I_m} C_{ma}. */
  for (guint a = 0; a < r; a++)
    for (guint m = 0; m < r; m++)
      for (guint j = 0; j < d; j++)
        {
          double u = truth->basis[(gsize) used[m] * d + j];

          w1[(gsize) a * d + j] += c_inv[a * r + m] * u;
          w2[(gsize) j * k + a] += u * c[m * r + a];
        }
  for (guint a = 0; a < r; a++)
    b1[a] = seed == 0 ? 0.0 : 0.5 * saddle_rng_normal (&rng);

  /* b2 = x̄ − W2·(W1·x̄ + b1): the output of x is x̄ + P·(x − x̄). */
  hidden = g_new (double, k);
  for (guint a = 0; a < k; a++)
    hidden[a] = b1[a] + cblas_ddot ((int) d, w1 + (gsize) a * d, 1, truth->mean, 1);
  for (guint j = 0; j < d; j++)
    b2[j] = truth->mean[j] - cblas_ddot ((int) k, w2 + (gsize) j * k, 1, hidden, 1);
}

void
saddle_ground_truth_identify (const SaddleGroundTruth *truth,
                              const double            *theta,
                              double                   loss,
                              const SaddleSpectrum    *spectrum,
                              SaddleGroundTruthPoint  *out)
{
  guint d, k;
  g_autofree double *m = NULL;
  g_autofree double *mu = NULL;
  g_autofree double *rotated = NULL;
  g_autofree double *gram = NULL;
  g_autofree double *sv = NULL;
  double error2 = 0.0;
  guint64 subset = 0;
  guint rank = 0;

  g_return_if_fail (truth != NULL);
  g_return_if_fail (theta != NULL);
  g_return_if_fail (out != NULL);

  d = truth->d;
  k = truth->k;
  memset (out, 0, sizeof *out);

  /* M = W2·W1 (d, d), then U·M·Uᵀ: its entries in the principal basis. */
  m = g_new (double, (gsize) d * d);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) d, (int) d, (int) k, 1.0,
               theta + (gsize) k * d + k, (int) k, theta, (int) d, 0.0, m, (int) d);
  mu = g_new (double, (gsize) d * d);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) d, (int) d, (int) d, 1.0,
               m, (int) d, truth->basis, (int) d, 0.0, mu, (int) d);
  rotated = g_new (double, (gsize) d * d);
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) d, (int) d, (int) d, 1.0,
               truth->basis, (int) d, mu, (int) d, 0.0, rotated, (int) d);

  for (guint i = 0; i < d; i++)
    if (rotated[(gsize) i * d + i] > 0.5)
      subset |= G_GUINT64_CONSTANT (1) << i;
  for (guint i = 0; i < d; i++)
    for (guint j = 0; j < d; j++)
      {
        double target = (i == j && (subset & (G_GUINT64_CONSTANT (1) << i))) ? 1.0 : 0.0;
        double e = rotated[(gsize) i * d + j] - target;

        error2 += e * e;
      }

  /* Singular values of M above ½: eigenvalues of MᵀM above ¼. */
  gram = g_new0 (double, (gsize) d * d);
  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans, (int) d, (int) d, 1.0, m, (int) d,
               0.0, gram, (int) d);
  sv = g_new (double, d);
  if (LAPACKE_dsyev (LAPACK_ROW_MAJOR, 'N', 'U', (int) d, gram, (int) d, sv) == 0)
    for (guint i = 0; i < d; i++)
      rank += sv[i] > 0.25;

  out->subset = subset;
  out->rank = rank;
  out->projection_error = sqrt (error2);
  out->analytic_loss = saddle_ground_truth_loss (truth, subset);
  out->loss = loss;
  out->loss_deviation = fabs (loss - out->analytic_loss) / out->analytic_loss;
  /* The index formula holds where W2·W1 is the projection it names (rank = |I|). */
  out->analytic_index = rank == popcount (subset)
                      ? (gint) saddle_ground_truth_index (truth, subset) : -1;
  out->analytic_zero = out->analytic_index >= 0
                    ? (gint) saddle_ground_truth_zero_count (truth, subset) : -1;
  out->negative = spectrum != NULL ? (gint) spectrum->negative : -1;
  out->zero = spectrum != NULL ? (gint) spectrum->zero : -1;
  out->match = isfinite (loss) && out->loss_deviation <= SADDLE_GROUND_TRUTH_LOSS_TOLERANCE
            && out->analytic_index >= 0 && out->negative == out->analytic_index;
}

void
saddle_ground_truth_compare (const SaddleGroundTruth   *truth,
                             const SaddleCriticalPoint *point,
                             SaddleGroundTruthPoint    *out)
{
  g_return_if_fail (truth != NULL);
  g_return_if_fail (point != NULL);
  g_return_if_fail (out != NULL);

  if (point->params == NULL || point->n_params != truth->n_params)
    {
      memset (out, 0, sizeof *out);
      out->run = point->run;
      out->analytic_loss = out->loss = out->loss_deviation = out->projection_error = NAN;
      out->analytic_index = out->analytic_zero = out->negative = out->zero = -1;
      return;
    }
  saddle_ground_truth_identify (truth, point->params, point->loss, point->spectrum, out);
  out->run = point->run;
}

GArray *
saddle_ground_truth_levels (const SaddleGroundTruth *truth,
                            gsize                    max_levels)
{
  g_autoptr(GArray) levels = NULL;
  guint pick[SADDLE_GROUND_TRUTH_MAX_DIM];
  guint d, k;
  double count = 1.0;

  g_return_val_if_fail (truth != NULL, NULL);

  d = truth->d;
  k = truth->k;
  for (guint i = 0; i < k; i++)
    count = count * (d - i) / (i + 1);
  if (count > (double) max_levels)
    return NULL;

  levels = g_array_sized_new (FALSE, FALSE, sizeof (SaddleGroundTruthLevel), (guint) count);
  /* Every k-subset in lexicographic order of its sorted members. */
  for (guint i = 0; i < k; i++)
    pick[i] = i;
  for (;;)
    {
      SaddleGroundTruthLevel level = { 0 };
      gint i;

      for (guint a = 0; a < k; a++)
        level.subset |= G_GUINT64_CONSTANT (1) << pick[a];
      level.loss = saddle_ground_truth_loss (truth, level.subset);
      level.index = saddle_ground_truth_index (truth, level.subset);
      level.zero = k * k + k;
      level.minimal_ratio = (double) (truth->n_params - level.index - level.zero)
                          / (double) truth->n_params;
      level.nonzero_ratio = (double) (truth->n_params - level.index - level.zero)
                          / (double) (truth->n_params - level.zero);
      g_array_append_val (levels, level);

      for (i = (gint) k - 1; i >= 0 && pick[i] == d - k + (guint) i; i--)
        ;
      if (i < 0)
        break;
      pick[i]++;
      for (guint a = (guint) i + 1; a < k; a++)
        pick[a] = pick[a - 1] + 1;
    }
  g_array_sort (levels, compare_levels);
  return g_steal_pointer (&levels);
}

char *
saddle_ground_truth_subset_string (guint64 subset)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < 64; i++)
    if (subset & (G_GUINT64_CONSTANT (1) << i))
      g_string_append_printf (s, "%s%u", s->len > 0 ? "," : "", i + 1);
  return g_string_free (s, FALSE);
}

gboolean
saddle_ground_truth_write_csv (const SaddleGroundTruthPoint *points,
                               gsize                         n_points,
                               const char                   *path,
                               GError                      **error)
{
  g_autoptr(SaddleCsv) csv = NULL;

  g_return_val_if_fail (points != NULL || n_points == 0, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  csv = saddle_csv_new ("run,subset,rank,analytic_loss,loss,analytic_index,negative,match,"
                        "zero,analytic_zero,loss_deviation,projection_error", 128 * n_points);
  for (gsize i = 0; i < n_points; i++)
    {
      const SaddleGroundTruthPoint *p = &points[i];
      g_autofree char *subset = saddle_ground_truth_subset_string (p->subset);

      /* Spaces, not commas, between the directions: one CSV field. */
      g_strdelimit (subset, ",", ' ');
      saddle_csv_add_uint (csv, (guint64) p->run + 1);
      saddle_csv_add_string (csv, subset);
      saddle_csv_add_uint (csv, p->rank);
      saddle_csv_add_double (csv, p->analytic_loss);
      saddle_csv_add_double (csv, p->loss);
      if (p->analytic_index >= 0)
        saddle_csv_add_uint (csv, (guint64) p->analytic_index);
      else
        saddle_csv_add_empty (csv);
      if (p->negative >= 0)
        saddle_csv_add_uint (csv, (guint64) p->negative);
      else
        saddle_csv_add_empty (csv);
      saddle_csv_add_uint (csv, p->match ? 1 : 0);
      if (p->zero >= 0)
        saddle_csv_add_uint (csv, (guint64) p->zero);
      else
        saddle_csv_add_empty (csv);
      if (p->analytic_zero >= 0)
        saddle_csv_add_uint (csv, (guint64) p->analytic_zero);
      else
        saddle_csv_add_empty (csv);
      saddle_csv_add_double (csv, p->loss_deviation);
      saddle_csv_add_double (csv, p->projection_error);
      saddle_csv_end_row (csv);
    }
  return saddle_csv_write (csv, path, error);
}

gboolean
saddle_ground_truth_write_levels_csv (const GArray *levels,
                                      const char   *path,
                                      GError      **error)
{
  g_autoptr(SaddleCsv) csv = NULL;

  g_return_val_if_fail (levels != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  csv = saddle_csv_new ("subset,loss,index,zero,minimal_ratio", 64 * (gsize) levels->len);
  for (guint i = 0; i < levels->len; i++)
    {
      const SaddleGroundTruthLevel *level = &g_array_index (levels, SaddleGroundTruthLevel, i);
      g_autofree char *subset = saddle_ground_truth_subset_string (level->subset);

      g_strdelimit (subset, ",", ' ');
      saddle_csv_add_string (csv, subset);
      saddle_csv_add_double (csv, level->loss);
      saddle_csv_add_uint (csv, level->index);
      saddle_csv_add_uint (csv, level->zero);
      saddle_csv_add_double (csv, level->minimal_ratio);
      saddle_csv_end_row (csv);
    }
  return saddle_csv_write (csv, path, error);
}
