/* saddle-process-grid.c — a near-square BLACS process grid over an MPI communicator */
#define G_LOG_DOMAIN "saddle-process-grid"

#include "config.h"

#include "saddle-process-grid.h"
#include "saddle-scalapack.h"

void
saddle_process_grid_shape (int  ranks,
                           int *rows,
                           int *cols)
{
  int r = 1;

  /* Near-square keeps both the row and the column broadcasts of the eigensolvers short. */
  for (int d = 1; d * d <= ranks; d++)
    if (ranks % d == 0)
      r = d;
  *rows = r;
  *cols = ranks / r;
}

gsize
saddle_process_grid_local (gsize n,
                           gsize block,
                           int   index,
                           int   count)
{
  /* ScaLAPACK's NUMROC: whole blocks dealt round, then the partial last one. */
  gsize whole = n / block;
  gsize local = (whole / (gsize) count) * block;
  gsize extra = whole % (gsize) count;

  if ((gsize) index < extra)
    local += block;
  else if ((gsize) index == extra)
    local += n % block;
  return local;
}

gsize
saddle_process_grid_global (gsize local,
                            gsize block,
                            int   index,
                            int   count)
{
  return ((local / block) * (gsize) count + (gsize) index) * block + local % block;
}

SaddleProcessGrid *
saddle_process_grid_new (MPI_Comm comm)
{
  SaddleProcessGrid *grid = g_new0 (SaddleProcessGrid, 1);
  int rows, cols;

  grid->comm = comm;
  MPI_Comm_rank (comm, &grid->rank);
  MPI_Comm_size (comm, &grid->size);
  saddle_process_grid_shape (grid->size, &grid->rows, &grid->cols);

  grid->system = Csys2blacs_handle (comm);
  grid->context = grid->system;
  Cblacs_gridinit (&grid->context, "R", grid->rows, grid->cols);
  Cblacs_gridinfo (grid->context, &rows, &cols, &grid->row, &grid->col);
  g_assert (rows == grid->rows && cols == grid->cols);
  /* "R": rank = row · C + col, so the key orders each column's ranks by row. */
  g_assert (grid->rank == grid->row * grid->cols + grid->col);
  MPI_Comm_split (comm, grid->col, grid->row, &grid->column);
  return grid;
}

void
saddle_process_grid_free (SaddleProcessGrid *grid)
{
  if (grid == NULL)
    return;
  MPI_Comm_free (&grid->column);
  Cblacs_gridexit (grid->context);
  Cfree_blacs_system_handle (grid->system);
  g_free (grid);
}
