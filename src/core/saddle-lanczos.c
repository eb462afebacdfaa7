/* saddle-lanczos.c — extreme eigenvalues and the spectral density of a symmetric operator */
#define G_LOG_DOMAIN "saddle-lanczos"

#include "config.h"

#include <math.h>
#include <string.h>

#include <cblas.h>
#include <lapacke.h>

#include "saddle-stats.h"
#include "saddle-format.h"
#include "saddle-lanczos.h"
#include "saddle-rng.h"

/* β below this share of the largest ‖A·q‖ seen means the Krylov space is
 * invariant to rounding level: dividing by β would amplify noise, so the
 * tridiagonal is split there (an error of at most this much in T) and the
 * iteration goes on from a fresh vector. */
#define BREAKDOWN          1e-12
/* The SLQ probes' bases that share one operator call may take this much
 * memory together; a fixed number, not a share of free memory, so that the
 * grouping — and with it every rounding in the operator — depends only on
 * the settings, and the same seed gives the same density on any machine. */
#define SLQ_GROUP_BYTES    ((gsize) 256 * 1024 * 1024)

/* Basis vectors the extremes start with room for, besides 2k: enough for
 * most runs to converge without growing. */
#define EXTREMES_INITIAL_STEPS  64

G_DEFINE_QUARK (saddle-lanczos-error-quark, saddle_lanczos_error)

/* b independent Lanczos sequences advanced in lockstep, so the operator
 * gets all b current vectors in one call (one BLAS-3 HVP block). */
typedef struct
{
  gsize      n;
  gsize      b;          /* sequences */
  gsize      m_max;      /* steps per sequence */
  gsize      m;          /* steps done */
  gsize      capacity;   /* steps the basis has room for (grows up to m_max) */
  const char *advice;    /* what to change when memory runs out */
  double    *basis;      /* (capacity, b, n): row (j, s) is q_j of sequence s, so the b
                          * vectors of one step are one contiguous (b, n) block and a
                          * sequence's basis is a matrix with leading dimension b·n */
  double    *w;          /* (b, n) operator output, orthogonalised in place */
  double    *alpha;      /* (b, m_max) diagonal of each tridiagonal */
  double    *beta;       /* (b, m_max) β_j couples q_j and q_{j+1}; the last is the residual norm */
  double    *h;          /* (m_max) Gram–Schmidt coefficients */
  double    *anorm;      /* (b) largest ‖A·q_j‖ so far: the scale for breakdown */
  gboolean  *broke;      /* (b) the last step met an invariant subspace */
  guint     *restarts;   /* (b) */
  SaddleRng *rng;        /* (b) each sequence's own stream, for restart vectors */
} Krylov;

static void
krylov_free (Krylov *kr)
{
  if (kr == NULL)
    return;

  g_free (kr->basis);
  g_free (kr->w);
  g_free (kr->alpha);
  g_free (kr->beta);
  g_free (kr->h);
  g_free (kr->anorm);
  g_free (kr->broke);
  g_free (kr->restarts);
  g_free (kr->rng);
  g_free (kr);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Krylov, krylov_free)

/* Bytes of @rows steps of b basis vectors (plus one work block when
 * @with_work), or G_MAXSIZE when that overflows. */
static gsize
krylov_bytes (gsize    n,
              gsize    b,
              gsize    rows,
              gboolean with_work)
{
  gsize total;

  if ((with_work && !g_size_checked_add (&rows, rows, 1)) ||
      !g_size_checked_mul (&total, rows, b) ||
      !g_size_checked_mul (&total, total, n) ||
      !g_size_checked_mul (&total, total, sizeof (double)))
    return G_MAXSIZE;

  return total;
}

/* Fails with TOO_LARGE, naming both sizes and @advice, unless @need bytes
 * for a basis of @vectors vectors of @n entries are available now. */
static gboolean
krylov_check_memory (gsize        need,
                     gsize        vectors,
                     gsize        n,
                     const char  *advice,
                     GError     **error)
{
  gsize available = saddle_available_memory ();
  g_autofree char *count = NULL;
  g_autofree char *dim = NULL;
  g_autofree char *need_text = NULL;
  g_autofree char *available_text = NULL;

  if (need != G_MAXSIZE && need <= available)
    return TRUE;

  count = saddle_format_count (vectors);
  dim = saddle_format_count (n);
  need_text = need == G_MAXSIZE ? g_strdup ("more than can be addressed") : g_format_size (need);
  available_text = g_format_size (available);
  g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE,
               "A Lanczos basis of %s vectors of %s entries needs %s; %s of memory "
               "is available. %s", count, dim, need_text, available_text, advice);
  return FALSE;
}

/* Makes room for @rows steps (≤ m_max). Rows are step-major, so growing
 * keeps every stored vector where it is. */
static gboolean
krylov_reserve (Krylov  *kr,
                gsize    rows,
                GError **error)
{
  gsize need;
  double *grown;

  if (rows <= kr->capacity)
    return TRUE;

  need = krylov_bytes (kr->n, kr->b, rows - kr->capacity, FALSE);
  if (!krylov_check_memory (need, rows * kr->b, kr->n, kr->advice, error))
    return FALSE;

  /* g_try_realloc: MemAvailable can change between the check and here, and
   * a failed allocation of gigabytes must be a message, not an abort. */
  grown = g_try_realloc (kr->basis, krylov_bytes (kr->n, kr->b, rows, FALSE));
  if (grown == NULL)
    {
      g_autofree char *need_text = g_format_size (krylov_bytes (kr->n, kr->b, rows, FALSE));

      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE,
                   "Could not allocate a %s Lanczos basis. %s", need_text, kr->advice);
      return FALSE;
    }

  kr->basis = grown;
  kr->capacity = rows;
  return TRUE;
}

/* A Krylov workspace for b sequences of up to @m_max steps, with room for
 * @initial steps now (more is added as the iteration needs it). Memory is
 * checked before it is touched, so a basis too large for this machine is a
 * message naming both sizes and @advice (a static string). */
static Krylov *
krylov_new (gsize        n,
            gsize        b,
            gsize        m_max,
            gsize        initial,
            const char  *advice,
            GError     **error)
{
  g_autoptr(Krylov) kr = NULL;
  gsize rows = MIN (initial, m_max);

  if (!krylov_check_memory (krylov_bytes (n, b, rows, TRUE), rows * b, n, advice, error))
    return NULL;

  kr = g_new0 (Krylov, 1);
  kr->n = n;
  kr->b = b;
  kr->m_max = m_max;
  kr->advice = advice;
  kr->w = g_try_malloc (b * n * sizeof (double));
  if (kr->w == NULL || !krylov_reserve (kr, rows, error))
    {
      if (kr->w == NULL)
        g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE,
                     "Could not allocate the Lanczos work vectors. %s", advice);
      return NULL;
    }

  kr->alpha = g_new0 (double, b * m_max);
  kr->beta = g_new0 (double, b * m_max);
  kr->h = g_new (double, m_max);
  kr->anorm = g_new0 (double, b);
  kr->broke = g_new0 (gboolean, b);
  kr->restarts = g_new0 (guint, b);
  kr->rng = g_new0 (SaddleRng, b);

  return g_steal_pointer (&kr);
}

/* Row (j, s) of the basis. */
static inline double *
krylov_row (Krylov *kr,
            gsize   j,
            gsize   s)
{
  return kr->basis + (j * kr->b + s) * kr->n;
}

/* Classical Gram–Schmidt of @x against q_0..q_{count−1} of sequence @s,
 * twice ("twice is enough": orthogonal to rounding level even when x lies
 * almost in their span). The coefficients of both passes are added into
 * @coef (count) when it is not NULL. */
static void
krylov_orthogonalise (Krylov *kr,
                      gsize   s,
                      gsize   count,
                      double *x,
                      double *coef)
{
  const double *q = krylov_row (kr, 0, s);
  int n = (int) kr->n;
  int lda = (int) (kr->b * kr->n);

  if (coef != NULL)
    memset (coef, 0, count * sizeof (double));

  for (guint pass = 0; pass < 2; pass++)
    {
      cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) count, n, 1.0, q, lda, x, 1,
                   0.0, kr->h, 1);
      cblas_dgemv (CblasRowMajor, CblasTrans, (int) count, n, -1.0, q, lda, kr->h, 1,
                   1.0, x, 1);
      if (coef != NULL)
        cblas_daxpy ((int) count, 1.0, kr->h, 1, coef, 1);
    }
}

/* Sets q_0 of sequence @s to @v / ‖v‖ (v nonzero). */
static void
krylov_start (Krylov       *kr,
              gsize         s,
              const double *v)
{
  double *q = krylov_row (kr, 0, s);
  double norm = cblas_dnrm2 ((int) kr->n, v, 1);

  for (gsize i = 0; i < kr->n; i++)
    q[i] = v[i] / norm;
}

/* A unit vector orthogonal to the first @count vectors of sequence @s, from
 * its own random stream, written to @out. */
static void
krylov_fresh_vector (Krylov *kr,
                     gsize   s,
                     gsize   count,
                     double *out)
{
  double norm;

  do
    {
      for (gsize i = 0; i < kr->n; i++)
        out[i] = saddle_rng_normal (&kr->rng[s]);
      krylov_orthogonalise (kr, s, count, out, NULL);
      norm = cblas_dnrm2 ((int) kr->n, out, 1);
    }
  /* count < n here, so a normal vector keeps about √((n − count)/n) of its
   * length; the loop only guards against a freak draw. */
  while (!(norm > 1e-8 * sqrt ((double) kr->n)));

  cblas_dscal ((int) kr->n, 1.0 / norm, out, 1);
}

/* One Lanczos step of every sequence: w = A·q_j for all b vectors in one
 * operator call, then per sequence α_j, full reorthogonalisation, β_j and
 * q_{j+1} (unless the basis is full). */
static gboolean
krylov_step (Krylov             *kr,
             SaddleOperatorFunc  op,
             gpointer            op_data,
             GError            **error)
{
  gsize j = kr->m;
  gsize n = kr->n;
  g_autofree double *coef = NULL;

  /* Double the room when the next vectors would not fit: converging early
   * then never pays for the whole m_max × n basis. */
  if (j + 1 < kr->m_max && j + 1 >= kr->capacity &&
      !krylov_reserve (kr, MIN (2 * kr->capacity, kr->m_max), error))
    return FALSE;

  coef = g_new (double, j + 1);
  op (krylov_row (kr, j, 0), kr->b, kr->w, op_data);

  if (!saddle_stats_all_finite (kr->w, kr->b * n))
    {
      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_NOT_FINITE,
                   "The operator returned NaN or infinity at Lanczos step %" G_GSIZE_FORMAT
                   ": the loss or the parameters are not finite at this point "
                   "(did training diverge?)", j + 1);
      return FALSE;
    }

  for (gsize s = 0; s < kr->b; s++)
    {
      double *w = kr->w + s * n;
      double beta;

      kr->anorm[s] = MAX (kr->anorm[s], cblas_dnrm2 ((int) n, w, 1));

      /* Against the whole basis, not just q_j and q_{j−1}: the coefficient
       * on q_j is α_j, the others are rounding that would otherwise grow
       * into ghost copies of converged eigenvalues. */
      krylov_orthogonalise (kr, s, j + 1, w, coef);
      beta = cblas_dnrm2 ((int) n, w, 1);

      kr->alpha[s * kr->m_max + j] = coef[j];
      kr->beta[s * kr->m_max + j] = beta;
      kr->broke[s] = FALSE;

      if (j + 1 == kr->m_max)
        continue;

      if (beta > BREAKDOWN * kr->anorm[s])
        {
          double *next = krylov_row (kr, j + 1, s);

          for (gsize i = 0; i < n; i++)
            next[i] = w[i] / beta;
        }
      else
        {
          /* An invariant subspace: its Ritz values are exact eigenvalues.
           * Split T here and explore the orthogonal complement, where the
           * further copies of repeated eigenvalues live. */
          kr->beta[s * kr->m_max + j] = 0.0;
          kr->broke[s] = TRUE;
          kr->restarts[s]++;
          krylov_fresh_vector (kr, s, j + 1, krylov_row (kr, j + 1, s));
        }
    }

  kr->m++;
  return TRUE;
}

/* Eigenpairs @il..@iu (1-based, ascending) of the m × m tridiagonal with
 * diagonal @d and off-diagonal @e: values in @values, unit vectors as rows
 * of @vectors (iu − il + 1, m). Inverse iteration on the selected few
 * costs O(m·k), so convergence can be tested after every step. */
static gboolean
tridiagonal_select (const double *d,
                    const double *e,
                    gsize         m,
                    gsize         il,
                    gsize         iu,
                    double       *values,
                    double       *vectors,
                    GError      **error)
{
  g_autofree double *dd = g_memdup2 (d, m * sizeof (double));
  g_autofree double *ee = g_new0 (double, m);
  g_autofree lapack_int *isuppz = g_new0 (lapack_int, 2 * m);
  /* dstevr may use all m entries of its eigenvalue array as workspace. */
  g_autofree double *w = g_new (double, m);
  lapack_int found = 0;
  lapack_int info;

  if (m > 1)
    memcpy (ee, e, (m - 1) * sizeof (double));

  /* Column-major with ldz = m: eigenvector c is contiguous, i.e. row c of
   * a row-major (count, m) matrix, ready for the Ritz-vector dgemm. */
  info = LAPACKE_dstevr (LAPACK_COL_MAJOR, 'V', 'I', (lapack_int) m, dd, ee, 0.0, 0.0,
                         (lapack_int) il, (lapack_int) iu, 0.0, &found, w, vectors,
                         (lapack_int) m, isuppz);

  if (info != 0 || (gsize) found != iu - il + 1)
    {
      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_LAPACK,
                   "The tridiagonal eigensolver (dstevr) failed at Lanczos step %"
                   G_GSIZE_FORMAT " (info %d): the operator may not be symmetric",
                   m, (int) info);
      return FALSE;
    }

  memcpy (values, w, (iu - il + 1) * sizeof (double));
  return TRUE;
}

/* Ritz vectors Σ_j z_{c,j} q_j as rows of @out (count, n), unit length with
 * the largest-magnitude entry positive (so a seed gives one answer). */
static void
krylov_ritz_vectors (Krylov       *kr,
                     const double *z,
                     gsize         count,
                     double       *out)
{
  gsize n = kr->n;

  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) count, (int) n,
               (int) kr->m, 1.0, z, (int) kr->m, kr->basis, (int) (kr->b * n),
               0.0, out, (int) n);

  for (gsize c = 0; c < count; c++)
    {
      double *v = out + c * n;
      double norm = cblas_dnrm2 ((int) n, v, 1);
      gsize big = 0;

      for (gsize i = 1; i < n; i++)
        if (fabs (v[i]) > fabs (v[big]))
          big = i;

      if (norm > 0.0)
        cblas_dscal ((int) n, (v[big] < 0.0 ? -1.0 : 1.0) / norm, v, 1);
    }
}

/* Sizes BLAS takes as int: refuse what would not fit instead of wrapping. */
static gboolean
check_blas_size (gsize    n,
                 gsize    b,
                 GError **error)
{
  if (n > G_MAXINT / MAX (b, 1))
    {
      g_autofree char *count = saddle_format_count (n);

      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE,
                   "An operator of dimension %s is too large for BLAS", count);
      return FALSE;
    }

  return TRUE;
}

void
saddle_lanczos_hvp (const double *v,
                    gsize         k,
                    double       *out,
                    gpointer      user_data)
{
  SaddleLanczosHvp *hvp = user_data;

  saddle_model_hvp (hvp->model, hvp->theta, hvp->batch, v, k, out, NULL);
}

gboolean
saddle_lanczos_extremes (SaddleOperatorFunc            op,
                         gpointer                      op_data,
                         gsize                         n,
                         const SaddleLanczosSettings  *settings,
                         double                       *lowest,
                         double                       *highest,
                         double                       *vectors_low,
                         double                       *vectors_high,
                         SaddleLanczosInfo            *info,
                         GError                      **error)
{
  g_autoptr(Krylov) kr = NULL;
  g_autofree double *start = NULL;
  g_autofree double *w_low = NULL, *w_high = NULL;
  g_autofree double *z_low = NULL, *z_high = NULL;
  double residual = INFINITY;
  gboolean converged = FALSE;
  gsize m_max, segment = 0;
  SaddleRng rng;
  gsize k, max_iter;

  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (lowest != NULL, FALSE);
  g_return_val_if_fail (highest != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (info != NULL)
    *info = (SaddleLanczosInfo) { 0, FALSE, NAN, 0 };

  k = settings->k;
  max_iter = settings->max_iter;
  if (n == 0 || k == 0 || k > n)
    {
      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID,
                   "Lanczos needs 1 ≤ k ≤ n eigenvalues at each end (asked for %"
                   G_GSIZE_FORMAT " of an operator of size %" G_GSIZE_FORMAT ")", k, n);
      return FALSE;
    }

  m_max = (max_iter == 0 || max_iter > n) ? n : max_iter;
  if (m_max < k)
    {
      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID,
                   "%" G_GSIZE_FORMAT " Lanczos iterations cannot give %" G_GSIZE_FORMAT
                   " eigenvalues at each end: allow at least %" G_GSIZE_FORMAT,
                   m_max, k, k);
      return FALSE;
    }

  if (!check_blas_size (n, 1, error))
    return FALSE;

  kr = krylov_new (n, 1, m_max, EXTREMES_INITIAL_STEPS + 2 * k,
                   "Allow fewer Lanczos iterations (max_iter)", error);
  if (kr == NULL)
    return FALSE;

  saddle_rng_init (&rng, settings->seed);
  start = g_new (double, n);
  for (gsize i = 0; i < n; i++)
    start[i] = saddle_rng_normal (&rng);
  krylov_start (kr, 0, start);
  kr->rng[0] = rng;

  w_low = g_new (double, k);
  w_high = g_new (double, k);
  z_low = g_new (double, k * m_max);
  z_high = g_new (double, k * m_max);

  while (kr->m < m_max)
    {
      gsize m;
      double scale, worst = 0.0;
      double beta_m;

      if (!krylov_step (kr, op, op_data, error))
        return FALSE;
      m = kr->m;

      if (settings->progress != NULL
          && !settings->progress ((double) m / (double) m_max, settings->progress_data))
        {
          g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED,
                       "The Lanczos iteration was cancelled after %" G_GSIZE_FORMAT
                       " of at most %" G_GSIZE_FORMAT " steps", m, m_max);
          return FALSE;
        }

      /* At a split the residuals of the block just closed are zero, which
       * says nothing about the complement about to be explored. */
      if (kr->broke[0])
        segment = m;
      if (m < k || (kr->broke[0] && m < m_max))
        continue;

      if (!tridiagonal_select (kr->alpha, kr->beta, m, 1, k, w_low, z_low, error) ||
          !tridiagonal_select (kr->alpha, kr->beta, m, m - k + 1, m, w_high, z_high, error))
        return FALSE;

      /* ‖A·y_i − θ_i·y_i‖ = |β_m|·|last component of s_i| for the Ritz pair
       * (θ_i, y_i = Q·s_i): no operator call needed to test convergence. */
      beta_m = fabs (kr->beta[m - 1]);
      for (gsize i = 0; i < k; i++)
        {
          worst = MAX (worst, beta_m * fabs (z_low[i * m + m - 1]));
          worst = MAX (worst, beta_m * fabs (z_high[i * m + m - 1]));
        }
      scale = MAX (fabs (w_low[0]), fabs (w_high[k - 1]));

      /* After a restart the newest block explores the complement, where
       * further copies of repeated eigenvalues live: its own extreme Ritz
       * pairs must settle too before the answer is final, or a block of one
       * step whose Ritz value is not yet extreme would end the search. */
      if (segment > 0 && segment < m)
        {
          gsize ms = m - segment;
          g_autofree double *zs = g_new (double, 2 * ms);
          double ends[2];

          if (!tridiagonal_select (kr->alpha + segment, kr->beta + segment, ms, 1, 1,
                                   &ends[0], zs, error) ||
              !tridiagonal_select (kr->alpha + segment, kr->beta + segment, ms, ms, ms,
                                   &ends[1], zs + ms, error))
            return FALSE;
          worst = MAX (worst, beta_m * fabs (zs[ms - 1]));
          worst = MAX (worst, beta_m * fabs (zs[2 * ms - 1]));
        }

      if (worst == 0.0)
        residual = 0.0;
      else
        residual = scale > 0.0 ? worst / scale : INFINITY;

      if (worst <= SADDLE_LANCZOS_TOLERANCE * scale)
        {
          converged = TRUE;
          break;
        }
    }

  for (gsize i = 0; i < k; i++)
    {
      lowest[i] = w_low[i];
      highest[i] = w_high[k - 1 - i];
    }

  if (vectors_low != NULL)
    krylov_ritz_vectors (kr, z_low, k, vectors_low);

  if (vectors_high != NULL)
    {
      /* dstevr returns the top k ascending; highest[] runs descending. */
      g_autofree double *z_rev = g_new (double, k * kr->m);

      for (gsize i = 0; i < k; i++)
        memcpy (z_rev + i * kr->m, z_high + (k - 1 - i) * kr->m, kr->m * sizeof (double));
      krylov_ritz_vectors (kr, z_rev, k, vectors_high);
    }

  if (info != NULL)
    {
      info->iterations = kr->m;
      info->converged = converged;
      info->residual = residual;
      info->restarts = kr->restarts[0];
    }

  return TRUE;
}

/* Nodes (eigenvalues of T, ascending) and Gauss weights (squared first
 * components of its eigenvectors) of sequence @s: the quadrature of the
 * probe's spectral measure, exact for polynomials of degree < 2m. */
static gboolean
krylov_quadrature (Krylov  *kr,
                   gsize    s,
                   double  *nodes,
                   double  *weights,
                   GError **error)
{
  gsize m = kr->m;
  g_autofree double *e = g_new0 (double, m);
  g_autofree double *z = g_new (double, m * m);
  lapack_int info;

  memcpy (nodes, kr->alpha + s * kr->m_max, m * sizeof (double));
  if (m > 1)
    memcpy (e, kr->beta + s * kr->m_max, (m - 1) * sizeof (double));

  info = LAPACKE_dstevd (LAPACK_COL_MAJOR, 'V', (lapack_int) m, nodes, e, z, (lapack_int) m);
  if (info != 0)
    {
      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_LAPACK,
                   "The tridiagonal eigensolver (dstevd) failed on a quadrature of %"
                   G_GSIZE_FORMAT " nodes (info %d): the operator may not be symmetric",
                   m, (int) info);
      return FALSE;
    }

  /* Column i (contiguous) is eigenvector i; its first entry weighs node i. */
  for (gsize i = 0; i < m; i++)
    weights[i] = z[i * m] * z[i * m];

  return TRUE;
}

SaddleDensity *
saddle_lanczos_slq (SaddleOperatorFunc  op,
                    gpointer            op_data,
                    gsize               n,
                    guint               iterations,
                    guint               probes,
                    guint64             seed,
                    gsize               n_grid,
                    double              sigma,
                    SaddleProgressFunc  progress,
                    gpointer            progress_data,
                    GError            **error)
{
  g_autofree double *nodes = NULL;
  g_autofree double *weights = NULL;
  g_autofree double *probe = NULL;
  gsize m, group, per_probe, total_steps, done = 0;
  double inv_sqrt_n;

  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (n == 0)
    {
      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID,
                   "A spectral density needs an operator of size at least 1");
      return NULL;
    }

  if (iterations == 0)
    iterations = SADDLE_LANCZOS_DEFAULT_ITERATIONS;
  if (probes == 0)
    probes = SADDLE_LANCZOS_DEFAULT_PROBES;
  m = MIN ((gsize) iterations, n);

  /* As many probes per operator call as fit the fixed group budget: the
   * HVP then runs as one wide BLAS-3 block. */
  per_probe = krylov_bytes (n, 1, m, TRUE);
  group = per_probe == G_MAXSIZE ? 1 : MAX (SLQ_GROUP_BYTES / per_probe, 1);
  group = MIN (group, (gsize) probes);
  group = MIN (group, MAX (G_MAXINT / n, 1));

  if (!check_blas_size (n, group, error))
    return NULL;

  nodes = g_new (double, (gsize) probes * m);
  weights = g_new (double, (gsize) probes * m);
  inv_sqrt_n = 1.0 / sqrt ((double) n);
  total_steps = (gsize) probes * m;

  for (gsize first = 0; first < probes; first += group)
    {
      gsize b = MIN (group, probes - first);
      g_autoptr(Krylov) kr = krylov_new (n, b, m, m, "Use fewer iterations or probes",
                                         error);

      if (kr == NULL)
        return NULL;
      /* Only now: n doubles are checked to fit once the basis did. */
      if (probe == NULL)
        probe = g_new (double, n);

      /* Probe p's stream depends on (seed, p) alone, so a probe is the
       * same vector whatever group it falls in. */
      for (gsize s = 0; s < b; s++)
        {
          saddle_rng_init (&kr->rng[s], saddle_rng_run_seed (seed, (guint) (first + s)));
          for (gsize i = 0; i < n; i++)
            probe[i] = (saddle_rng_next (&kr->rng[s]) >> 63) ? inv_sqrt_n : -inv_sqrt_n;
          krylov_start (kr, s, probe);
        }

      while (kr->m < m)
        {
          if (!krylov_step (kr, op, op_data, error))
            return NULL;
          done += b;

          if (progress != NULL &&
              !progress ((double) done / (double) total_steps, progress_data))
            {
              g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED,
                           "The spectral density was cancelled after %" G_GSIZE_FORMAT
                           " of %" G_GSIZE_FORMAT " Lanczos steps", done, total_steps);
              return NULL;
            }
        }

      /* A probe whose Krylov space closed early restarted (β = 0): the
       * nodes of the later blocks get zero weight, as they should. */
      for (gsize s = 0; s < b; s++)
        if (!krylov_quadrature (kr, s, nodes + (first + s) * m, weights + (first + s) * m,
                                error))
          return NULL;
    }

  return saddle_density_new (nodes, weights, probes, (guint) m, n, n_grid, sigma, error);
}

gboolean
saddle_lanczos_density (SaddleOperatorFunc  op,
                        gpointer            op_data,
                        gsize               n,
                        guint               iterations,
                        guint               probes,
                        guint64             seed,
                        gsize               n_grid,
                        double              sigma,
                        double             *grid_x,
                        double             *density,
                        GError            **error)
{
  g_autoptr(SaddleDensity) result = NULL;

  g_return_val_if_fail (grid_x != NULL, FALSE);
  g_return_val_if_fail (density != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* The arrays are the caller's: their size must be stated, not defaulted. */
  if (n_grid < 2)
    {
      g_set_error (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_INVALID,
                   "A density grid needs at least 2 points, not %" G_GSIZE_FORMAT, n_grid);
      return FALSE;
    }

  result = saddle_lanczos_slq (op, op_data, n, iterations, probes, seed, n_grid, sigma,
                               NULL, NULL, error);
  if (result == NULL)
    return FALSE;

  memcpy (grid_x, result->x, n_grid * sizeof (double));
  memcpy (density, result->density, n_grid * sizeof (double));
  return TRUE;
}
