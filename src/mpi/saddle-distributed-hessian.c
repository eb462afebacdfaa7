/* saddle-distributed-hessian.c — the exact Hessian in ScaLAPACK's block-cyclic layout: build */
#define G_LOG_DOMAIN "saddle-distributed-hessian"

#include "config.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "saddle-distributed-hessian-private.h"
#include "saddle-format.h"
#include "saddle-scalapack.h"

int
saddle_distributed_first_failure (MPI_Comm comm,
                                  gboolean ok)
{
  int rank, first;

  MPI_Comm_rank (comm, &rank);
  first = ok ? INT_MAX : rank;
  MPI_Allreduce (MPI_IN_PLACE, &first, 1, MPI_INT, MPI_MIN, comm);
  return first == INT_MAX ? -1 : first;
}

void
saddle_distributed_set_memory_error (GError **error,
                                     int      rank,
                                     gsize    n)
{
  g_autofree char *count = saddle_format_count (n);

  g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
               "Rank %d could not allocate its share of the Hessian of %s parameters; use "
               "more ranks or ranks with more memory", rank, count);
}

SaddleDistributedHessian *
saddle_distributed_hessian_new (SaddleProcessGrid *grid,
                                gsize              n,
                                gsize              block,
                                GError           **error)
{
  g_autoptr(SaddleDistributedHessian) h = g_new0 (SaddleDistributedHessian, 1);
  int in = (int) n, nb = (int) block, zero = 0, lld, info = 0, failed;

  g_return_val_if_fail (n > 0 && n <= INT_MAX && block > 0, NULL);

  h->grid = grid;
  h->n = n;
  h->block = block;
  h->local_rows = saddle_process_grid_local (n, block, grid->row, grid->rows);
  h->local_cols = saddle_process_grid_local (n, block, grid->col, grid->cols);
  lld = (int) MAX (h->local_rows, 1);
  descinit_ (h->desc, &in, &in, &nb, &nb, &zero, &zero, &grid->context, &lld, &info);
  g_assert (info == 0);

  h->local = g_try_malloc (MAX (h->local_rows * h->local_cols, 1) * sizeof (double));
  failed = saddle_distributed_first_failure (grid->comm, h->local != NULL);
  if (failed >= 0)
    {
      saddle_distributed_set_memory_error (error, failed, n);
      return NULL;
    }
  return g_steal_pointer (&h);
}

void
saddle_distributed_hessian_free (SaddleDistributedHessian *hessian)
{
  if (hessian == NULL)
    return;
  g_free (hessian->local);
  g_free (hessian);
}

/* Columns of local block @b of this process column, as global (first, count); count 0 when
 * the column has fewer blocks. */
static gsize
block_columns (const SaddleDistributedHessian *h,
               gsize                           b,
               gsize                          *first)
{
  gsize global = b * (gsize) h->grid->cols + (gsize) h->grid->col;

  *first = global * h->block;
  return *first < h->n ? MIN (h->block, h->n - *first) : 0;
}

/* Sends the rows of the @k columns in @columns ((k, n) row-major: column c at + c·n) to the
 * ranks of this process column that own them, and receives this round's blocks straight into
 * the local matrix: from the rank at row s comes local block round · R + s. */
static void
exchange_rows (SaddleDistributedHessian *h,
               gsize                     round,
               const double             *columns,
               gsize                     k,
               double                   *send)
{
  const SaddleProcessGrid *g = h->grid;
  gsize n = h->n, nb = h->block;
  g_autofree int *send_counts = g_new (int, g->rows);
  g_autofree int *send_displs = g_new (int, g->rows);
  g_autofree int *recv_counts = g_new (int, g->rows);
  g_autofree int *recv_displs = g_new (int, g->rows);
  gsize pos = 0;

  for (int d = 0; d < g->rows; d++)
    {
      gsize rows = saddle_process_grid_local (n, nb, d, g->rows);
      gsize first, kk = block_columns (h, round * g->rows + d, &first);

      send_displs[d] = (int) pos;
      /* Process row d owns row blocks d, d + R, …: packed column by column. */
      for (gsize c = 0; c < k; c++)
        for (gsize r0 = (gsize) d * nb; r0 < n; r0 += (gsize) g->rows * nb)
          {
            gsize len = MIN (nb, n - r0);

            memcpy (send + pos, columns + c * n + r0, len * sizeof (double));
            pos += len;
          }
      send_counts[d] = (int) (pos - send_displs[d]);
      g_assert ((gsize) send_counts[d] == k * rows);
      recv_counts[d] = (int) (kk * h->local_rows);
      recv_displs[d] = (int) ((gsize) d * nb * h->local_rows);
    }

  MPI_Alltoallv (send, send_counts, send_displs, MPI_DOUBLE,
                 h->local + round * g->rows * nb * h->local_rows, recv_counts, recv_displs,
                 MPI_DOUBLE, g->column);
}

/* Pass 0 over block column J: measures against the strip t = H(J rows, :)ᵀ and sets the
 * upper part (row blocks ≤ J) to (a + b) / 2 from the untouched values. Pass 1: copies the
 * finished upper part into the lower one. */
static void
symmetrise_block_column (SaddleDistributedHessian *h,
                         const gsize              *global_rows,
                         gsize                     j0,
                         gsize                     width,
                         const double             *strip,
                         int                       pass,
                         double                   *max_diff,
                         double                   *max_abs,
                         double                   *poison)
{
  gsize lc0 = (j0 / h->block / (gsize) h->grid->cols) * h->block;
  gsize end = j0 + width;

  for (gsize c = 0; c < width; c++)
    {
      double *col = h->local + (lc0 + c) * h->local_rows;
      const double *t = strip + c * h->local_rows;

      for (gsize lr = 0; lr < h->local_rows; lr++)
        {
          gboolean upper = global_rows[lr] < end;

          if (pass == 0)
            {
              double a = col[lr], b = t[lr];

              *poison += a * 0.0 + b * 0.0;
              *max_abs = MAX (*max_abs, MAX (fabs (a), fabs (b)));
              *max_diff = MAX (*max_diff, fabs (a - b));
              if (upper)
                col[lr] = 0.5 * (a + b);
            }
          else if (!upper)
            col[lr] = t[lr];
        }
    }
}

static gboolean
symmetrise (SaddleDistributedHessian *h,
            double                   *asymmetry,
            GError                  **error)
{
  const SaddleProcessGrid *g = h->grid;
  gsize n = h->n, nb = h->block;
  g_autofree gsize *global_rows = g_new (gsize, MAX (h->local_rows, 1));
  g_autofree double *strip = g_try_new0 (double, MAX (h->local_rows * nb, 1));
  double limits[2] = { 0.0, 0.0 };   /* max|H − Hᵀ|, max|H| */
  double poison = 0.0;               /* x · 0 is NaN exactly when x is NaN or ±∞ */
  int finite, failed;

  failed = saddle_distributed_first_failure (g->comm, strip != NULL);
  if (failed >= 0)
    {
      saddle_distributed_set_memory_error (error, failed, n);
      return FALSE;
    }
  for (gsize lr = 0; lr < h->local_rows; lr++)
    global_rows[lr] = saddle_process_grid_global (lr, nb, g->row, g->rows);

  for (int pass = 0; pass < 2; pass++)
    {
      for (gsize j0 = 0; j0 < n; j0 += nb)
        {
          int in = (int) n, w = (int) MIN (nb, n - j0), inb = (int) nb, zero = 0, one = 1;
          int owner = (int) ((j0 / nb) % (gsize) g->cols), row = (int) j0 + 1;
          int lld = (int) MAX (h->local_rows, 1), info = 0, desc[SADDLE_DESC_LEN];
          double alpha = 1.0, beta = 0.0;

          /* The strip holds block column J of Hᵀ on the process column that owns J. */
          descinit_ (desc, &in, &w, &inb, &inb, &zero, &owner, &g->context, &lld, &info);
          g_assert (info == 0);
          pdtran_ (&in, &w, &alpha, h->local, &row, &one, h->desc, &beta, strip, &one, &one,
                   desc);
          if (g->col == owner)
            symmetrise_block_column (h, global_rows, j0, (gsize) w, strip, pass, &limits[0],
                                     &limits[1], &poison);
        }

      if (pass > 0)
        break;
      MPI_Allreduce (MPI_IN_PLACE, limits, 2, MPI_DOUBLE, MPI_MAX, g->comm);
      finite = !isnan (poison);
      MPI_Allreduce (MPI_IN_PLACE, &finite, 1, MPI_INT, MPI_LAND, g->comm);
      if (!saddle_hessian_check_symmetry (limits[0], limits[1], finite, asymmetry, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
saddle_distributed_hessian_build (SaddleDistributedHessian *hessian,
                                  SaddleModel              *model,
                                  const double             *theta,
                                  const SaddleBatch        *batch,
                                  SaddleProgressFunc        progress,
                                  gpointer                  user_data,
                                  double                   *asymmetry,
                                  GError                  **error)
{
  SaddleDistributedHessian *h = hessian;
  const SaddleProcessGrid *g = h->grid;
  gsize n = h->n, nb = h->block;
  gsize local_blocks = (h->local_cols + nb - 1) / nb;
  gsize my_rounds = (local_blocks + (gsize) g->rows - 1) / (gsize) g->rows;
  unsigned long rounds = my_rounds;
  g_autoptr(GError) local_error = NULL;
  g_autofree double *columns = NULL;
  g_autofree double *send = NULL;
  int failed;

  g_return_val_if_fail (saddle_model_n_params (model) == n, FALSE);

  if (asymmetry != NULL)
    *asymmetry = NAN;
  if (!saddle_model_check_batch (model, batch, error))
    return FALSE;

  /* With one process row each block lands in the local columns as it is; otherwise it is
   * computed whole, then dealt out by rows. */
  if (g->rows > 1)
    {
      columns = g_try_new (double, nb * n);
      send = g_try_new (double, nb * n);
    }
  failed = saddle_distributed_first_failure (g->comm,
                                             (g->rows == 1 || (columns != NULL && send != NULL))
                                             && saddle_model_reserve (model, batch->n, nb,
                                                                      &local_error));
  if (failed >= 0)
    {
      saddle_distributed_set_memory_error (error, failed, n);
      return FALSE;
    }

  /* Every rank takes part in every round's cancellation vote. */
  MPI_Allreduce (MPI_IN_PLACE, &rounds, 1, MPI_UNSIGNED_LONG, MPI_MAX, g->comm);
  for (gsize round = 0; round < rounds; round++)
    {
      gsize first = 0, k = 0;
      int stop;

      if (round < my_rounds)
        {
          gsize b = round * (gsize) g->rows + (gsize) g->row;

          k = block_columns (h, b, &first);
          if (k > 0)
            saddle_model_hessian_columns (model, theta, batch, first, k,
                                          g->rows > 1 ? columns : h->local + b * nb * h->local_rows);
          if (g->rows > 1)
            exchange_rows (h, round, columns, k, send);
        }
      stop = progress != NULL && !progress ((double) (round + 1) / (double) rounds, user_data);
      MPI_Allreduce (MPI_IN_PLACE, &stop, 1, MPI_INT, MPI_LOR, g->comm);
      if (stop)
        {
          g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED,
                       "The Hessian build was cancelled after %lu of %lu rounds of columns",
                       (unsigned long) round + 1, rounds);
          return FALSE;
        }
    }
  g_clear_pointer (&columns, g_free);
  g_clear_pointer (&send, g_free);

  return symmetrise (h, asymmetry, error);
}
