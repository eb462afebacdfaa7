/* saddle-distributed-hessian-eigen.c — the spectrum of a distributed Hessian: ELPA or pdsyevd
 *
 * Both give every eigenvalue, ascending, on every rank. ELPA's two-stage solver can stop at
 * the values; pdsyevd always computes the eigenvectors too (the price of asking ScaLAPACK for
 * divide and conquer). Eigenvectors wanted by the caller are copied to rank 0 with pdgemr2d.
 */
#define G_LOG_DOMAIN "saddle-distributed-hessian"

#include "config.h"

#include <elpa/elpa.h>

#include "saddle-distributed-hessian-private.h"
#include "saddle-scalapack.h"
#include "saddle-spectrum.h"

static gboolean
run_elpa (SaddleDistributedHessian *h,
          double                   *values,
          double                   *vectors,
          GError                  **error)
{
  const SaddleProcessGrid *g = h->grid;
  elpa_t handle;
  int status = ELPA_OK, set = ELPA_OK;

  if (elpa_init (ELPA_API_VERSION) != ELPA_OK)
    {
      g_set_error (error, SADDLE_SPECTRUM_ERROR, SADDLE_SPECTRUM_ERROR_LAPACK,
                   "ELPA does not support API version %d", ELPA_API_VERSION);
      return FALSE;
    }
  handle = elpa_allocate (&status);
  if (status == ELPA_OK)
    {
      int names_ok = ELPA_OK;
      const struct { const char *name; int value; } settings[] = {
        { "na", (int) h->n },
        /* ELPA returns the nev lowest eigenvectors: all of them, so the top ones too. */
        { "nev", (int) h->n },
        { "local_nrows", (int) h->local_rows },
        { "local_ncols", (int) h->local_cols },
        { "nblk", (int) h->block },
        { "mpi_comm_parent", (int) MPI_Comm_c2f (g->comm) },
        { "process_row", g->row },
        { "process_col", g->col },
        { "blacs_context", g->context },
      };

      for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
        {
          elpa_set_integer (handle, settings[i].name, settings[i].value, &set);
          if (set != ELPA_OK)
            names_ok = set;
        }
      status = names_ok == ELPA_OK ? elpa_setup (handle) : names_ok;
      if (status == ELPA_OK)
        elpa_set_integer (handle, "solver", ELPA_SOLVER_2STAGE, &status);
      if (status == ELPA_OK && vectors != NULL)
        elpa_eigenvectors_double (handle, h->local, values, vectors, &status);
      else if (status == ELPA_OK)
        elpa_eigenvalues_double (handle, h->local, values, &status);
      elpa_deallocate (handle, &set);
    }
  elpa_uninit (&set);

  if (saddle_distributed_first_failure (g->comm, status == ELPA_OK) >= 0)
    {
      g_set_error (error, SADDLE_SPECTRUM_ERROR, SADDLE_SPECTRUM_ERROR_LAPACK,
                   "ELPA's two-stage eigensolver failed: %s", elpa_strerr (status));
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_pdsyevd (SaddleDistributedHessian *h,
             double                   *values,
             double                   *vectors,
             GError                  **error)
{
  int n = (int) h->n, one = 1, query = -1, info = 0, liwork, failed;
  g_autofree double *work = NULL;
  g_autofree int *iwork = NULL;
  double lwork_query;
  int lwork;

  pdsyevd_ ("V", "L", &n, h->local, &one, &one, h->desc, values, vectors, &one, &one, h->desc,
            &lwork_query, &query, &liwork, &query, &info);
  lwork = (int) lwork_query + 1;
  work = g_try_new (double, lwork);
  iwork = g_try_new (int, liwork);
  failed = saddle_distributed_first_failure (h->grid->comm, info == 0 && work != NULL
                                             && iwork != NULL);
  if (failed >= 0)
    {
      saddle_distributed_set_memory_error (error, failed, h->n);
      return FALSE;
    }
  pdsyevd_ ("V", "L", &n, h->local, &one, &one, h->desc, values, vectors, &one, &one, h->desc,
            work, &lwork, iwork, &liwork, &info);
  if (saddle_distributed_first_failure (h->grid->comm, info == 0) >= 0)
    {
      g_set_error (error, SADDLE_SPECTRUM_ERROR, SADDLE_SPECTRUM_ERROR_LAPACK,
                   "ScaLAPACK pdsyevd did not converge (info %d)", info);
      return FALSE;
    }
  return TRUE;
}

/* Copies the @count eigenvector columns from column @first of the distributed @z to rank 0's
 * @out (n × count column-major: one vector after another). */
static void
gather_vectors (SaddleDistributedHessian *h,
                const double             *z,
                gsize                     first,
                gsize                     count,
                double                   *out)
{
  const SaddleProcessGrid *g = h->grid;
  int desc[SADDLE_DESC_LEN] = { 0 };
  int root = g->system, n = (int) h->n, m = (int) count, zero = 0, info = 0;

  /* A 1 × 1 grid on rank 0 receives; the other ranks mark their descriptor as outside it. */
  Cblacs_gridinit (&root, "R", 1, 1);
  if (g->rank == 0)
    descinit_ (desc, &n, &m, &n, &m, &zero, &zero, &root, &n, &info);
  else
    desc[SADDLE_DESC_CTXT] = -1;
  Cpdgemr2d (n, m, z, 1, (int) first + 1, h->desc, out, 1, 1, desc, g->context);
  if (g->rank == 0)
    Cblacs_gridexit (root);
}

double *
saddle_distributed_hessian_eigen (SaddleDistributedHessian *hessian,
                                  SaddleDistributedSolver   solver,
                                  gsize                     vectors,
                                  double                  **eigenvectors,
                                  GError                  **error)
{
  SaddleDistributedHessian *h = hessian;
  g_autofree double *values = g_new (double, h->n);
  g_autofree double *z = NULL;
  g_autofree double *out = NULL;
  gboolean want_z = vectors > 0 || solver == SADDLE_DISTRIBUTED_SCALAPACK;
  gboolean ok;
  int failed;

  g_return_val_if_fail (vectors <= h->n, NULL);
  g_return_val_if_fail (vectors == 0 || eigenvectors != NULL || h->grid->rank > 0, NULL);

  if (want_z)
    z = g_try_malloc (MAX (h->local_rows * h->local_cols, 1) * sizeof (double));
  if (vectors > 0 && h->grid->rank == 0)
    out = g_try_malloc (vectors * h->n * sizeof (double));
  failed = saddle_distributed_first_failure (h->grid->comm, (!want_z || z != NULL)
                                             && (vectors == 0 || h->grid->rank != 0
                                                 || out != NULL));
  if (failed >= 0)
    {
      saddle_distributed_set_memory_error (error, failed, h->n);
      return NULL;
    }

  ok = solver == SADDLE_DISTRIBUTED_SCALAPACK ? run_pdsyevd (h, values, z, error)
                                              : run_elpa (h, values, z, error);
  if (!ok)
    return NULL;

  if (vectors > 0)
    {
      gsize half = vectors == h->n ? h->n : vectors / 2;

      gather_vectors (h, z, 0, half, out);
      if (half < vectors)
        gather_vectors (h, z, h->n - half, half, out != NULL ? out + half * h->n : NULL);
      if (eigenvectors != NULL)
        *eigenvectors = g_steal_pointer (&out);
    }
  return g_steal_pointer (&values);
}
