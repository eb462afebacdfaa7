/* saddle-pca.c — principal components through one symmetric eigenproblem
 *
 * With X_c the centred (n, dim) data, the principal directions are the top
 * eigenvectors of X_cᵀX_c (dim × dim). Trajectory snapshots are few points in
 * a huge space (a few hundred snapshots of 16,330 parameters), so when
 * n ≤ dim we solve the small n × n Gram matrix X_c X_cᵀ instead: it has the
 * same non-zero eigenvalues λ_i, and its eigenvectors u_i give the directions
 * as X_cᵀu_i / ‖X_cᵀu_i‖. Either matrix is one BLAS-3 dsyrk, and LAPACKE's
 * dsyevd (divide and conquer) solves it.
 *
 * Conventions: explained_ratio_i = λ_i / Σλ over ALL eigenvalues (Σλ is the
 * trace, i.e. ‖X_c‖²_F, taken directly from the data); total_variance =
 * Σλ / (n − 1), the unbiased sample covariance's trace (as numpy.cov and
 * torch.cov). Directions whose λ is at rounding level are returned as zero
 * rows with ratio 0 and zero scores, never NaN.
 */
#define G_LOG_DOMAIN "saddle-pca"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "saddle-pca.h"

G_DEFINE_QUARK (saddle-pca-error-quark, saddle_pca_error)

/* Eigenvalues below this share of the largest are rounding noise from forming
 * X_c X_cᵀ (its entries carry errors of order ε·λ_max per summed term). */
#define ZERO_FACTOR 64.0

static SaddlePca *
pca_alloc (gsize n_points,
           gsize dim,
           guint n_components)
{
  SaddlePca *pca = g_new0 (SaddlePca, 1);

  pca->n_points = n_points;
  pca->dim = dim;
  pca->n_components = n_components;
  pca->mean = g_new0 (double, dim);
  pca->components = g_new0 (double, (gsize) n_components * dim);
  pca->scores = g_new0 (double, n_points * n_components);
  pca->explained_ratio = g_new0 (double, n_components);

  return pca;
}

SaddlePca *
saddle_pca_new_scores (gsize         n_points,
                       guint         n_components,
                       const double *scores,
                       const double *explained)
{
  SaddlePca *pca = pca_alloc (n_points, 0, n_components);

  memcpy (pca->scores, scores, n_points * n_components * sizeof (double));
  memcpy (pca->explained_ratio, explained, n_components * sizeof (double));
  return pca;
}

void
saddle_pca_free (SaddlePca *pca)
{
  if (pca == NULL)
    return;

  g_free (pca->mean);
  g_free (pca->components);
  g_free (pca->scores);
  g_free (pca->explained_ratio);
  g_free (pca);
}

/* Flips @row so that its largest-magnitude coordinate (the first, on ties) is
 * positive: eigenvectors are defined only up to sign, and pictures of the same
 * data must not mirror from run to run. */
static void
fix_sign (double *row,
          gsize   dim)
{
  gsize best = 0;

  for (gsize j = 1; j < dim; j++)
    if (fabs (row[j]) > fabs (row[best]))
      best = j;

  if (row[best] < 0.0)
    for (gsize j = 0; j < dim; j++)
      row[j] = -row[j];
}

static gboolean
solve_eigen (double  *matrix,
             gsize    n,
             double  *eigenvalues,
             GError **error)
{
  lapack_int info;

  info = LAPACKE_dsyevd (LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int) n, matrix,
                         (lapack_int) n, eigenvalues);
  if (info != 0)
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "PCA eigensolver (LAPACKE_dsyevd, n = %" G_GSIZE_FORMAT ") failed "
                   "with code %d%s",
                   n, (int) info,
                   info > 0 ? ": it did not converge" : ": an argument was rejected");
      return FALSE;
    }

  return TRUE;
}

/* TRUE when @x (@n_points rows of @dim) can be fitted, else FALSE with why not. */
static gboolean
check_input (const double *x,
             gsize         n_points,
             gsize         dim,
             GError      **error)
{
  if (n_points < 2)
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_TOO_FEW,
                   "PCA needs at least 2 points, got %" G_GSIZE_FORMAT
                   ": record more snapshots (train longer or snapshot more often)",
                   n_points);
      return FALSE;
    }
  if (dim == 0)
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_TOO_FEW,
                   "PCA needs points with at least one coordinate, got 0");
      return FALSE;
    }
  g_return_val_if_fail (x != NULL, FALSE);

  /* BLAS and LAPACK index with 32-bit integers. */
  if (n_points > G_MAXINT32 || dim > G_MAXINT32
      || n_points > G_MAXSIZE / dim / sizeof (double))
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "PCA input of %" G_GSIZE_FORMAT " points × %" G_GSIZE_FORMAT
                   " coordinates is too large for BLAS to index", n_points, dim);
      return FALSE;
    }

  for (gsize i = 0; i < n_points * dim; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                     "PCA input point %" G_GSIZE_FORMAT " has a NaN or infinite coordinate "
                     "(%" G_GSIZE_FORMAT "): its eigenproblem cannot be solved",
                     i / dim, i % dim);
        return FALSE;
      }
  return TRUE;
}

/* @x minus its column means (into @mean), a new (n_points, dim) matrix; NULL without memory. */
static double *
centre (const double *x,
        gsize         n_points,
        gsize         dim,
        double       *mean,
        GError      **error)
{
  double *xc;

  /* Summing row by row keeps memory access sequential. */
  for (gsize i = 0; i < n_points; i++)
    for (gsize j = 0; j < dim; j++)
      mean[j] += x[i * dim + j];
  for (gsize j = 0; j < dim; j++)
    mean[j] /= (double) n_points;

  /* Snapshots of big models with frequent snapshots make this the largest block. */
  xc = g_try_new (double, n_points * dim);
  if (xc == NULL)
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "not enough memory to centre %" G_GSIZE_FORMAT " points of %" G_GSIZE_FORMAT
                   " coordinates for PCA; use fewer snapshots", n_points, dim);
      return NULL;
    }
  for (gsize i = 0; i < n_points; i++)
    for (gsize j = 0; j < dim; j++)
      xc[i * dim + j] = x[i * dim + j] - mean[j];
  return xc;
}

/* ‖X_c‖²_F of the columns [first, first + count) of the centred @xc (rows @ld apart). */
static double
sum_of_squares (const double *xc,
                gsize         n_points,
                gsize         ld,
                gsize         first,
                gsize         count)
{
  double sum = 0.0;

  for (gsize i = 0; i < n_points; i++)
    for (gsize j = first; j < first + count; j++)
      sum += xc[i * ld + j] * xc[i * ld + j];
  return sum;
}

/* Fills @pca's components, shares and scores (its mean set) from the centred @xc: @n_points
 * rows of @dim values, @ld apart, whose ‖X_c‖²_F is @trace. @gram, when not NULL, is their
 * Gram matrix X_c X_cᵀ already formed (upper triangle, n_points ≤ dim; overwritten). */
static gboolean
fit_centred (SaddlePca    *pca,
             const double *xc,
             gsize         ld,
             gsize         n_points,
             gsize         dim,
             guint         n_components,
             double        trace,
             double       *gram_given,
             GError      **error)
{
  g_autofree double *owned = NULL;
  g_autofree double *eigenvalues = NULL;
  double *matrix;
  gboolean gram;
  gsize m;            /* order of the eigenproblem */
  gsize available;    /* eigenpairs it can give */
  guint k_used;
  double lambda_max;
  double zero_level;

  pca->total_variance = trace / (double) (n_points - 1);

  gram = n_points <= dim;
  m = gram ? n_points : dim;
  /* Centring removes one dimension: at most min(n − 1, dim) directions carry variance. */
  available = MIN (n_points - 1, dim);
  k_used = (guint) MIN ((gsize) n_components, available);

  if (k_used == 0 || trace == 0.0)
    return TRUE;

  if (m > G_MAXSIZE / m / sizeof (double))
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "PCA eigenproblem of order %" G_GSIZE_FORMAT " is too large to address", m);
      return FALSE;
    }

  matrix = gram && gram_given != NULL ? gram_given : (owned = g_try_new (double, m * m));
  eigenvalues = g_try_new (double, m);
  if (matrix == NULL || eigenvalues == NULL)
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "not enough memory for the %" G_GSIZE_FORMAT " × %" G_GSIZE_FORMAT
                   " PCA eigenproblem; use fewer snapshots", m, m);
      return FALSE;
    }

  /* Only the upper triangle is formed and read. */
  if (gram && gram_given == NULL)
    cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans,
                 (blasint) n_points, (blasint) dim,
                 1.0, xc, (blasint) ld, 0.0, matrix, (blasint) m);
  else if (!gram)
    cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans,
                 (blasint) dim, (blasint) n_points,
                 1.0, xc, (blasint) ld, 0.0, matrix, (blasint) m);

  if (!solve_eigen (matrix, m, eigenvalues, error))
    return FALSE;

  lambda_max = MAX (eigenvalues[m - 1], 0.0);
  zero_level = ZERO_FACTOR * (double) MAX (n_points, dim) * DBL_EPSILON * lambda_max;

  /* Eigenvalues come ascending: component c is eigenpair m − 1 − c.
   * The eigenvectors are the columns of the row-major matrix. */
  if (gram)
    {
      g_autofree double *ut = g_new (double, (gsize) k_used * n_points);

      for (guint c = 0; c < k_used; c++)
        for (gsize i = 0; i < n_points; i++)
          ut[(gsize) c * n_points + i] = matrix[i * m + (m - 1 - c)];

      /* components (k, dim) = Uᵀ (k, n) · X_c (n, dim) */
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                   (blasint) k_used, (blasint) dim, (blasint) n_points,
                   1.0, ut, (blasint) n_points, xc, (blasint) ld,
                   0.0, pca->components, (blasint) dim);
    }
  else
    {
      for (guint c = 0; c < k_used; c++)
        for (gsize j = 0; j < dim; j++)
          pca->components[(gsize) c * dim + j] = matrix[j * m + (m - 1 - c)];
    }

  for (guint c = 0; c < k_used; c++)
    {
      double lambda = eigenvalues[m - 1 - c];
      double *row = pca->components + (gsize) c * dim;
      double norm;

      if (!(lambda > zero_level))
        {
          memset (row, 0, dim * sizeof (double));
          continue;
        }

      norm = cblas_dnrm2 ((blasint) dim, row, 1);
      if (!(norm > 0.0) || !isfinite (norm))
        {
          memset (row, 0, dim * sizeof (double));
          continue;
        }
      cblas_dscal ((blasint) dim, 1.0 / norm, row, 1);
      fix_sign (row, dim);
      pca->explained_ratio[c] = lambda / trace;
    }

  /* scores (n, k) = X_c (n, dim) · componentsᵀ (dim, k); zero rows give zero scores. */
  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
               (blasint) n_points, (blasint) k_used, (blasint) dim,
               1.0, xc, (blasint) ld, pca->components, (blasint) dim,
               0.0, pca->scores, (blasint) n_components);
  return TRUE;
}

SaddlePca *
saddle_pca_fit (const double *x,
                gsize         n_points,
                gsize         dim,
                guint         n_components,
                GError      **error)
{
  g_autoptr(SaddlePca) pca = NULL;
  g_autofree double *xc = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_input (x, n_points, dim, error))
    return NULL;
  pca = pca_alloc (n_points, dim, n_components);
  xc = centre (x, n_points, dim, pca->mean, error);
  if (xc == NULL
      || !fit_centred (pca, xc, dim, n_points, dim, n_components,
                       sum_of_squares (xc, n_points, dim, 0, dim), NULL, error))
    return NULL;
  return g_steal_pointer (&pca);
}

SaddlePca *
saddle_pca_fit_with_slice (const double  *x,
                           gsize          n_points,
                           gsize          dim,
                           gsize          slice_offset,
                           gsize          slice_size,
                           guint          n_components,
                           SaddlePca    **slice,
                           GError       **error)
{
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddlePca) part = NULL;
  g_autofree double *xc = NULL;
  g_autofree double *gram = NULL;
  g_autofree double *gram_part = NULL;
  gsize rest = dim - slice_size;
  double trace, trace_part;
  gboolean subtract;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_return_val_if_fail (slice != NULL, NULL);
  g_return_val_if_fail (slice_size > 0 && slice_offset <= dim && slice_size <= dim - slice_offset,
                        NULL);

  *slice = NULL;
  if (!check_input (x, n_points, dim, error))
    return NULL;
  pca = pca_alloc (n_points, dim, n_components);
  part = pca_alloc (n_points, slice_size, n_components);
  xc = centre (x, n_points, dim, pca->mean, error);
  if (xc == NULL)
    return NULL;
  memcpy (part->mean, pca->mean + slice_offset, slice_size * sizeof (double));
  trace = sum_of_squares (xc, n_points, dim, 0, dim);
  trace_part = sum_of_squares (xc, n_points, dim, slice_offset, slice_size);

  /* Both Gram matrices from the data's columns once: the slice's is the whole's less the
   * rest's, when the rest has fewer columns and the slice most of the variance (the
   * subtraction's rounding, ε·‖X_c‖², stays within twice ε·‖X_slice‖²). A trajectory's
   * first layer holds 15,680 of 16,330 parameters: its Gram matrix is nearly the whole one. */
  subtract = n_points <= slice_size && rest < slice_size && 2 * trace_part >= trace;
  if (subtract)
    {
      gram = g_try_new (double, n_points * n_points);
      gram_part = g_try_new (double, n_points * n_points);
      if (gram == NULL || gram_part == NULL)
        subtract = FALSE;
    }
  if (subtract)
    {
      cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, (blasint) n_points, (blasint) dim,
                   1.0, xc, (blasint) dim, 0.0, gram, (blasint) n_points);
      memset (gram_part, 0, n_points * n_points * sizeof (double));
      if (slice_offset > 0)
        cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, (blasint) n_points,
                     (blasint) slice_offset, 1.0, xc, (blasint) dim, 0.0, gram_part,
                     (blasint) n_points);
      if (slice_offset + slice_size < dim)
        cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, (blasint) n_points,
                     (blasint) (dim - slice_offset - slice_size), 1.0,
                     xc + slice_offset + slice_size, (blasint) dim, 1.0, gram_part,
                     (blasint) n_points);
      for (gsize i = 0; i < n_points; i++)
        for (gsize j = i; j < n_points; j++)
          gram_part[i * n_points + j] = gram[i * n_points + j] - gram_part[i * n_points + j];
    }

  if (!fit_centred (pca, xc, dim, n_points, dim, n_components, trace, gram, error)
      || !fit_centred (part, xc + slice_offset, dim, n_points, slice_size, n_components,
                       trace_part, gram_part, error))
    return NULL;
  *slice = g_steal_pointer (&part);
  return g_steal_pointer (&pca);
}

void
saddle_pca_project (const SaddlePca *pca,
                    const double    *point,
                    double          *coords)
{
  g_return_if_fail (pca != NULL);
  g_return_if_fail (point != NULL || pca->dim == 0);
  g_return_if_fail (coords != NULL || pca->n_components == 0);

  /* Σ_j c_j (p_j − m_j) without a scratch vector, so projecting stays allocation-free. */
  for (guint c = 0; c < pca->n_components; c++)
    {
      const double *row = pca->components + (gsize) c * pca->dim;
      double sum = 0.0;

      for (gsize j = 0; j < pca->dim; j++)
        sum += row[j] * (point[j] - pca->mean[j]);
      coords[c] = sum;
    }
}

void
saddle_pca_reconstruct (const SaddlePca *pca,
                        const double    *coords,
                        double          *point)
{
  g_return_if_fail (pca != NULL);
  g_return_if_fail (point != NULL || pca->dim == 0);
  g_return_if_fail (coords != NULL || pca->n_components == 0);

  memcpy (point, pca->mean, pca->dim * sizeof (double));
  if (pca->n_components > 0)
    cblas_dgemv (CblasRowMajor, CblasTrans,
                 (blasint) pca->n_components, (blasint) pca->dim,
                 1.0, pca->components, (blasint) pca->dim,
                 coords, 1, 1.0, point, 1);
}
