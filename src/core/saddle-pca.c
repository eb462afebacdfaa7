/* saddle-pca.c — principal components through one symmetric eigenproblem
 *
 * With X_c the centred (n, dim) data, the principal directions are the top
 * eigenvectors of X_cᵀX_c (dim × dim). Trajectory snapshots are few points in
 * a huge space (a few hundred snapshots of 16,330 parameters), so when
 * n ≤ dim we solve the small n × n Gram matrix X_c X_cᵀ instead: it has the
 * same non-zero eigenvalues λ_i, and its eigenvectors u_i give the directions
 * as X_cᵀu_i / ‖X_cᵀu_i‖. Either matrix is a sum of BLAS-3 dsyrk over blocks of X_c
 * (formed one at a time), and LAPACKE's dsyevr finds the top eigenpairs alone.
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
 * positive, TRUE if it flipped: eigenvectors are defined only up to sign, and pictures of
 * the same data must not mirror from run to run. */
static gboolean
fix_sign (double *row,
          gsize   dim)
{
  gsize best = 0;

  for (gsize j = 1; j < dim; j++)
    if (fabs (row[j]) > fabs (row[best]))
      best = j;

  if (!(row[best] < 0.0))
    return FALSE;
  for (gsize j = 0; j < dim; j++)
    row[j] = -row[j];
  return TRUE;
}

/* The @k largest eigenvalues of the symmetric @matrix (n × n, upper triangle, destroyed) into
 * @eigenvalues, largest first, and their eigenvectors into the rows of @vectors (k × n).
 * Only these are computed (bisection and inverse iteration after the tridiagonal reduction;
 * LAPACK's MRRR when they are all of them):
 * the full spectrum of 2,408 snapshots' Gram matrix took longer than forming it. */
static gboolean
solve_top (double  *matrix,
           gsize    n,
           guint    k,
           double  *eigenvalues,
           double  *vectors,
           GError **error)
{
  g_autofree double *w = g_new (double, n);
  g_autofree double *z = g_new (double, n * k);
  g_autofree lapack_int *support = g_new (lapack_int, 2 * (gsize) k);
  lapack_int found = 0;
  lapack_int info;

  info = LAPACKE_dsyevr (LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int) n, matrix,
                         (lapack_int) n, 0.0, 0.0, (lapack_int) (n - k + 1), (lapack_int) n,
                         LAPACKE_dlamch ('S'), &found, w, z, (lapack_int) k, support);
  if (info != 0 || found != (lapack_int) k)
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "PCA eigensolver (LAPACKE_dsyevr, n = %" G_GSIZE_FORMAT ") failed "
                   "with code %d%s",
                   n, (int) info,
                   info > 0 ? ": it did not converge" : info < 0 ? ": an argument was rejected"
                                                               : ": too few eigenvalues found");
      return FALSE;
    }

  /* They come ascending, as the columns of the row-major z. */
  for (guint c = 0; c < k; c++)
    {
      eigenvalues[c] = w[k - 1 - c];
      for (gsize i = 0; i < n; i++)
        vectors[(gsize) c * n + i] = z[i * k + (k - 1 - c)];
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

/* Column means of @n_points rows of @x (@dim values each) into @mean, row by row so that
 * memory is read in order. */
static void
column_means (const double *x,
              gsize         n_points,
              gsize         dim,
              double       *mean)
{
  for (gsize i = 0; i < n_points; i++)
    for (gsize j = 0; j < dim; j++)
      mean[j] += x[i * dim + j];
  for (gsize j = 0; j < dim; j++)
    mean[j] /= (double) n_points;
}

/* The centred data X_c, never formed whole: a few hundred snapshots of 16,330 parameters
 * are 32 MB, and a fresh copy of them cost the default trajectories study more in page
 * faults than its products took. Blocks of it are formed one at a time instead. */
typedef struct
{
  const double *x;          /* n_points rows, dim apart */
  const double *mean;       /* (dim) */
  gsize         n_points;
  gsize         dim;
} Data;

/* About 1 MiB a block, but at least 1,024 columns (2 MiB at 248 snapshots, 20 MiB at 2,408):
 * fewer would make each dsyrk a thin update of the whole Gram matrix. */
#define BLOCK_DOUBLES ((gsize) 1 << 17)
#define BLOCK_COLUMNS_MIN 1024

static gsize
block_columns (const Data *data)
{
  return MIN (data->dim, MAX (BLOCK_COLUMNS_MIN, BLOCK_DOUBLES / data->n_points));
}

/* Rows [@row0, +@rows) and columns [@col0, +@cols) of X_c into @out (rows × cols). */
static void
centre_block (const Data *data,
              gsize       row0,
              gsize       rows,
              gsize       col0,
              gsize       cols,
              double     *out)
{
  for (gsize i = 0; i < rows; i++)
    {
      const double *in = data->x + (row0 + i) * data->dim + col0;

      for (gsize j = 0; j < cols; j++)
        out[i * cols + j] = in[j] - data->mean[col0 + j];
    }
}

static double
sum_of_squares (const double *block,
                gsize         count)
{
  double sum = 0.0;

  for (gsize i = 0; i < count; i++)
    sum += block[i] * block[i];
  return sum;
}

/* One PCA fitted from the Gram matrix of some columns of the data: the whole vector's, or a
 * slice's (a layer's weights). */
typedef struct
{
  SaddlePca *pca;
  gsize      first;         /* its columns [first, first + pca->dim) of the data */
  double    *gram;          /* (n, n), upper triangle */
  double     trace;         /* ‖X_c‖²_F over its columns */
  double    *ut;            /* (k_used, n): the top eigenvectors of the Gram matrix */
  double    *eigenvalues;   /* (k_used), largest first */
  guint      k_used;
} Part;

/* The columns fall in two halves, each summing Gram matrices and scores of its own, added up at
 * the end: with two threads each takes one, with one it takes both in turn, so the numbers do
 * not depend on the thread count. In a half, each column's products go to one matrix: the
 * slice's if it lies in the slice, else the rest of the whole vector's. */
#define N_HALVES 2

typedef struct
{
  const Data *data;
  Part       *parts;         /* [0] the whole vector, [1] the slice if any */
  guint       n_parts;
  gsize       col0, col1;    /* its columns [col0, col1) */
  gboolean    projecting;    /* the second pass: components and scores */
  double     *block;
  double     *gram[2];       /* the rest of the whole's columns, the slice's: (n, n), upper */
  double      trace[2];
  gboolean    filled[2];     /* whether any column went to gram[i] */
  double     *scores[2];     /* per part, (n, n_components) */
} Half;

static void
part_clear (Part *part)
{
  g_clear_pointer (&part->gram, g_free);
  g_clear_pointer (&part->ut, g_free);
  g_clear_pointer (&part->eigenvalues, g_free);
}

static void
half_clear (Half *half)
{
  g_clear_pointer (&half->block, g_free);
  for (guint i = 0; i < 2; i++)
    {
      g_clear_pointer (&half->gram[i], g_free);
      g_clear_pointer (&half->scores[i], g_free);
    }
}

/* Adds the Gram matrix and trace of @cols columns of the @block (n rows of @ld) to @half's
 * matrix @which. */
static void
half_add_gram (Half         *half,
               guint         which,
               const double *block,
               gsize         ld,
               gsize         cols)
{
  gsize n = half->data->n_points;

  for (gsize i = 0; i < n; i++)
    half->trace[which] += sum_of_squares (block + i * ld, cols);
  cblas_dsyrk (CblasRowMajor, CblasUpper, CblasNoTrans, (blasint) n, (blasint) cols,
               1.0, block, (blasint) ld, half->filled[which] ? 1.0 : 0.0, half->gram[which],
               (blasint) n);
  half->filled[which] = TRUE;
}

/* The first pass over @half's columns: its two Gram matrices. */
static void
half_form_grams (Half *half)
{
  const Data *data = half->data;
  gsize n = data->n_points, width = block_columns (data);
  const Part *slice = half->n_parts > 1 ? &half->parts[1] : NULL;
  gsize s0 = slice != NULL ? slice->first : data->dim;
  gsize s1 = slice != NULL ? slice->first + slice->pca->dim : data->dim;

  for (gsize col0 = half->col0; col0 < half->col1; col0 += width)
    {
      gsize cols = MIN (width, half->col1 - col0);

      centre_block (data, 0, n, col0, cols, half->block);
      /* The block's columns before, inside and after the slice. */
      for (gsize a = col0; a < col0 + cols;)
        {
          gboolean inside = a >= s0 && a < s1;
          gsize b = MIN (col0 + cols, inside ? s1 : (a < s0 ? s0 : col0 + cols));

          half_add_gram (half, inside ? 1 : 0, half->block + (a - col0), cols, b - a);
          a = b;
        }
    }
}

/* The second pass: each part's components Uᵀ X_c for the half's columns (each half writes its
 * own) and its scores X_c (Uᵀ X_c)ᵀ summed over them, both yet to be normalised. */
static void
half_project (Half *half)
{
  const Data *data = half->data;
  gsize n = data->n_points, width = block_columns (data);

  for (gsize col0 = half->col0; col0 < half->col1; col0 += width)
    {
      gsize cols = MIN (width, half->col1 - col0);

      centre_block (data, 0, n, col0, cols, half->block);
      for (guint p = 0; p < half->n_parts; p++)
        {
          const Part *part = &half->parts[p];
          SaddlePca *pca = part->pca;
          gsize a = MAX (col0, part->first);
          gsize b = MIN (col0 + cols, part->first + pca->dim);
          double *components;

          if (part->k_used == 0 || a >= b)
            continue;
          components = pca->components + (a - part->first);
          /* components (k, b − a) = Uᵀ (k, n) · X_c (n, b − a) */
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                       (blasint) part->k_used, (blasint) (b - a), (blasint) n,
                       1.0, part->ut, (blasint) n, half->block + (a - col0), (blasint) cols,
                       0.0, components, (blasint) pca->dim);
          /* scores (n, k) += X_c (n, b − a) · componentsᵀ (b − a, k) */
          cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                       (blasint) n, (blasint) part->k_used, (blasint) (b - a),
                       1.0, half->block + (a - col0), (blasint) cols,
                       components, (blasint) pca->dim,
                       1.0, half->scores[p], (blasint) pca->n_components);
        }
    }
}

static gpointer
half_run (gpointer user_data)
{
  Half *half = user_data;

  if (half->projecting)
    half_project (half);
  else
    half_form_grams (half);
  return NULL;
}

/* Runs both halves' present pass, the second on a thread of its own when @threads allows
 * and the work is worth one. */
static void
run_halves (Half   *halves,
            guint   threads,
            double  flops)
{
  GThread *thread = NULL;

  if (threads > 1 && flops >= 1e8)
    thread = g_thread_try_new ("saddle-pca", half_run, &halves[1], NULL);
  half_run (&halves[0]);
  if (thread != NULL)
    g_thread_join (thread);
  else
    half_run (&halves[1]);
}

/* @to += @from, upper triangles of (n, n). */
static void
add_upper (double       *to,
           const double *from,
           gsize         n)
{
  for (gsize i = 0; i < n; i++)
    for (gsize j = i; j < n; j++)
      to[i * n + j] += from[i * n + j];
}

/* Each part's Gram matrix and trace from the halves' (taking their buffers): the slice's the
 * sum of its columns in each half, the whole's the rest's in each plus the slice's. */
static void
gather_grams (Half  *halves,
              Part  *parts,
              guint  n_parts,
              gsize  n)
{
  for (guint which = 0; which < n_parts; which++)
    {
      Part *part = &parts[which];

      for (guint h = 0; h < N_HALVES; h++)
        {
          if (!halves[h].filled[which])
            continue;
          if (part->gram == NULL)
            part->gram = g_steal_pointer (&halves[h].gram[which]);
          else
            add_upper (part->gram, halves[h].gram[which], n);
          part->trace += halves[h].trace[which];
        }
    }
  if (n_parts < 2)
    return;
  if (parts[0].gram == NULL)
    {
      parts[0].gram = g_memdup2 (parts[1].gram, n * n * sizeof (double));
      parts[0].trace = parts[1].trace;
      return;
    }
  add_upper (parts[0].gram, parts[1].gram, n);
  parts[0].trace += parts[1].trace;
}

/* Solves @part's Gram matrix (overwritten) and keeps its top eigenvectors as rows of ut. */
static gboolean
part_solve (Part    *part,
            gsize    n,
            GError **error)
{
  SaddlePca *pca = part->pca;

  pca->total_variance = part->trace / (double) (n - 1);
  /* Centring removes one dimension: at most n − 1 directions carry variance. */
  part->k_used = (guint) MIN ((gsize) pca->n_components, n - 1);
  if (part->k_used == 0 || part->trace == 0.0)
    {
      part->k_used = 0;
      return TRUE;
    }
  part->eigenvalues = g_new (double, part->k_used);
  part->ut = g_new (double, (gsize) part->k_used * n);
  return solve_top (part->gram, n, part->k_used, part->eigenvalues, part->ut, error);
}

/* Unit components with fixed signs, their shares, and the scores scaled to match; directions
 * at rounding level become zero rows with zero scores. */
static void
normalise (SaddlePca    *pca,
           const double *eigenvalues,
           guint         k_used,
           double        trace)
{
  double zero = ZERO_FACTOR * (double) MAX (pca->n_points, pca->dim) * DBL_EPSILON
                * MAX (eigenvalues[0], 0.0);

  for (guint c = 0; c < k_used; c++)
    {
      double lambda = eigenvalues[c];
      double *row = pca->components + (gsize) c * pca->dim;
      double norm = cblas_dnrm2 ((blasint) pca->dim, row, 1);
      double scale;

      if (!(lambda > zero) || !(norm > 0.0) || !isfinite (norm))
        {
          memset (row, 0, pca->dim * sizeof (double));
          for (gsize i = 0; i < pca->n_points; i++)
            pca->scores[i * pca->n_components + c] = 0.0;
          continue;
        }
      scale = 1.0 / norm;
      cblas_dscal ((blasint) pca->dim, scale, row, 1);
      if (fix_sign (row, pca->dim))
        scale = -scale;
      for (gsize i = 0; i < pca->n_points; i++)
        pca->scores[i * pca->n_components + c] *= scale;
      pca->explained_ratio[c] = lambda / trace;
    }
}

/* @pca (mean set) and, when not NULL, @slice (mean set) from their Gram matrices
 * (n_points ≤ each one's dim), the halves on two threads when @threads > 1 and the Gram
 * matrices' work is worth one. */
static gboolean
fit_gram (const Data *data,
          SaddlePca  *pca,
          SaddlePca  *slice,
          gsize       slice_offset,
          guint       threads,
          GError    **error)
{
  gsize n = data->n_points;
  Part parts[2] = { { pca, 0 }, { slice, slice_offset } };
  guint n_parts = slice != NULL ? 2 : 1;
  Half halves[N_HALVES] = { 0 };
  double flops = (double) n * (double) n * (double) data->dim;
  gboolean ok = FALSE;

  if (n > G_MAXSIZE / n / sizeof (double) / (2 * N_HALVES))
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "PCA eigenproblem of order %" G_GSIZE_FORMAT " is too large to address", n);
      return FALSE;
    }
  for (guint h = 0; h < N_HALVES; h++)
    {
      Half *half = &halves[h];

      *half = (Half) { data, parts, n_parts, data->dim * h / N_HALVES,
                       data->dim * (h + 1) / N_HALVES };
      half->block = g_try_new (double, n * block_columns (data));
      for (guint p = 0; p < n_parts; p++)
        {
          half->gram[p] = g_try_new (double, n * n);
          half->scores[p] = g_try_new0 (double, MAX (n * pca->n_components, 1));
        }
      if (half->block == NULL || half->gram[0] == NULL || half->scores[0] == NULL
          || (slice != NULL && (half->gram[1] == NULL || half->scores[1] == NULL)))
        {
          g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                       "not enough memory for the %" G_GSIZE_FORMAT " × %" G_GSIZE_FORMAT
                       " PCA eigenproblem; use fewer snapshots", n, n);
          goto out;
        }
    }

  run_halves (halves, threads, flops);
  gather_grams (halves, parts, n_parts, n);
  /* Those not taken over: the eigensolver wants room of its own. */
  for (guint h = 0; h < N_HALVES; h++)
    for (guint p = 0; p < 2; p++)
      g_clear_pointer (&halves[h].gram[p], g_free);
  for (guint p = 0; p < n_parts; p++)
    if (!part_solve (&parts[p], n, error))
      goto out;
  for (guint h = 0; h < N_HALVES; h++)
    halves[h].projecting = TRUE;
  run_halves (halves, threads, flops);
  for (guint p = 0; p < n_parts; p++)
    {
      SaddlePca *to = parts[p].pca;

      if (parts[p].k_used == 0)
        continue;
      for (guint h = 0; h < N_HALVES; h++)
        for (gsize i = 0; i < n * to->n_components; i++)
          to->scores[i] += halves[h].scores[p][i];
      normalise (to, parts[p].eigenvalues, parts[p].k_used, parts[p].trace);
    }
  ok = TRUE;

out:
  for (guint p = 0; p < n_parts; p++)
    part_clear (&parts[p]);
  for (guint h = 0; h < N_HALVES; h++)
    half_clear (&halves[h]);
  return ok;
}

/* @pca (mean set) from the covariance X_cᵀX_c (dim × dim), when the points outnumber the
 * coordinates: rows of X_c a block at a time. */
static gboolean
fit_covariance (const Data *data,
                SaddlePca  *pca,
                GError    **error)
{
  gsize n = data->n_points, dim = data->dim;
  gsize rows = MAX (1, BLOCK_DOUBLES / dim);
  g_autofree double *matrix = NULL;
  g_autofree double *eigenvalues = NULL;
  g_autofree double *block = NULL;
  double trace = 0.0;
  guint k_used;

  if (dim > G_MAXSIZE / dim / sizeof (double))
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "PCA eigenproblem of order %" G_GSIZE_FORMAT " is too large to address", dim);
      return FALSE;
    }
  rows = MIN (rows, n);
  matrix = g_try_new (double, dim * dim);
  eigenvalues = g_try_new (double, MAX (pca->n_components, 1));
  block = g_try_new (double, rows * dim);
  if (matrix == NULL || eigenvalues == NULL || block == NULL)
    {
      g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                   "not enough memory for the %" G_GSIZE_FORMAT " × %" G_GSIZE_FORMAT
                   " PCA eigenproblem; use fewer snapshots", dim, dim);
      return FALSE;
    }

  for (gsize row0 = 0; row0 < n; row0 += rows)
    {
      gsize count = MIN (rows, n - row0);

      centre_block (data, row0, count, 0, dim, block);
      trace += sum_of_squares (block, count * dim);
      cblas_dsyrk (CblasRowMajor, CblasUpper, CblasTrans, (blasint) dim, (blasint) count,
                   1.0, block, (blasint) dim, row0 == 0 ? 0.0 : 1.0, matrix, (blasint) dim);
    }

  pca->total_variance = trace / (double) (n - 1);
  k_used = (guint) MIN ((gsize) pca->n_components, dim);
  if (k_used == 0 || trace == 0.0)
    return TRUE;
  if (!solve_top (matrix, dim, k_used, eigenvalues, pca->components, error))
    return FALSE;

  /* scores (rows, k) = X_c (rows, dim) · componentsᵀ (dim, k), normalised below. */
  for (gsize row0 = 0; row0 < n; row0 += rows)
    {
      gsize count = MIN (rows, n - row0);

      centre_block (data, row0, count, 0, dim, block);
      cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasTrans,
                   (blasint) count, (blasint) k_used, (blasint) dim,
                   1.0, block, (blasint) dim, pca->components, (blasint) dim,
                   0.0, pca->scores + row0 * pca->n_components, (blasint) pca->n_components);
    }
  normalise (pca, eigenvalues, k_used, trace);
  return TRUE;
}

/* @pca (mean set) of the columns [@offset, +pca->dim) of @x's @n_points rows of @ld. */
static gboolean
fit (const double *x,
     gsize         ld,
     gsize         offset,
     SaddlePca    *pca,
     guint         threads,
     GError      **error)
{
  g_autofree double *gathered = NULL;
  Data data = { x, pca->mean, pca->n_points, pca->dim };

  /* A slice is fitted alone only when it has fewer columns than there are points: small
   * enough to gather into rows of its own. */
  if (ld != pca->dim)
    {
      gathered = g_try_new (double, pca->n_points * pca->dim);
      if (gathered == NULL)
        {
          g_set_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_LAPACK,
                       "not enough memory to gather %" G_GSIZE_FORMAT " points of %"
                       G_GSIZE_FORMAT " coordinates for PCA; use fewer snapshots",
                       pca->n_points, pca->dim);
          return FALSE;
        }
      for (gsize i = 0; i < pca->n_points; i++)
        memcpy (gathered + i * pca->dim, x + i * ld + offset, pca->dim * sizeof (double));
      data.x = gathered;
    }
  return pca->n_points <= pca->dim ? fit_gram (&data, pca, NULL, 0, threads, error)
                                   : fit_covariance (&data, pca, error);
}

SaddlePca *
saddle_pca_fit (const double *x,
                gsize         n_points,
                gsize         dim,
                guint         n_components,
                GError      **error)
{
  g_autoptr(SaddlePca) pca = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_input (x, n_points, dim, error))
    return NULL;
  pca = pca_alloc (n_points, dim, n_components);
  column_means (x, n_points, dim, pca->mean);
  if (!fit (x, dim, 0, pca, 1, error))
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
                           guint          threads,
                           SaddlePca    **slice,
                           GError       **error)
{
  g_autoptr(SaddlePca) pca = NULL;
  g_autoptr(SaddlePca) part = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  g_return_val_if_fail (slice != NULL, NULL);
  g_return_val_if_fail (slice_size > 0 && slice_offset <= dim && slice_size <= dim - slice_offset,
                        NULL);

  *slice = NULL;
  if (!check_input (x, n_points, dim, error))
    return NULL;
  pca = pca_alloc (n_points, dim, n_components);
  part = pca_alloc (n_points, slice_size, n_components);
  column_means (x, n_points, dim, pca->mean);
  memcpy (part->mean, pca->mean + slice_offset, slice_size * sizeof (double));

  /* Both from one pass over the data when the slice too has at least as many columns as
   * points (a trajectory's first layer: 15,680 of 16,330 parameters); else each its own. */
  if (n_points <= slice_size)
    {
      Data data = { x, pca->mean, n_points, dim };

      if (!fit_gram (&data, pca, part, slice_offset, threads, error))
        return NULL;
    }
  else if (!fit (x, dim, 0, pca, threads, error)
           || !fit (x, dim, slice_offset, part, threads, error))
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
