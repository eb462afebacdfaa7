/* saddle-process-grid.h — a near-square BLACS process grid over an MPI communicator
 *
 * P ranks become an R × C grid with R the largest divisor of P not above √P (1 × 2, 2 × 2,
 * 2 × 4, 4 × 4, …), ranks placed row by row. Matrices on it are ScaLAPACK's 2-D block-cyclic
 * layout with square blocks of @block rows and columns: block (I, J) lives on process
 * (I mod R, J mod C), column-major inside each process. Creating and freeing a grid are
 * collective over the communicator.
 */
#pragma once

#include <glib.h>
#include <mpi.h>

G_BEGIN_DECLS

typedef struct
{
  MPI_Comm comm;        /* every rank of the grid (the caller's; not freed here) */
  MPI_Comm column;      /* the ranks of this process column, ordered by row */
  int      context;     /* the BLACS context */
  int      system;      /* the BLACS system handle of @comm */
  int      rank;
  int      size;
  int      rows;        /* R */
  int      cols;        /* C */
  int      row;         /* this rank's place in the grid */
  int      col;
} SaddleProcessGrid;

/* The near-square R × C with R · C = @ranks. */
void               saddle_process_grid_shape (int  ranks,
                                              int *rows,
                                              int *cols);
/* Rows or columns out of @n that process @index of @count holds in blocks of @block
 * (ScaLAPACK's NUMROC, sources at process 0). */
gsize              saddle_process_grid_local (gsize n,
                                              gsize block,
                                              int   index,
                                              int   count);
/* The global index of local row (or column) @local of process @index of @count. */
gsize              saddle_process_grid_global (gsize local,
                                               gsize block,
                                               int   index,
                                               int   count);
SaddleProcessGrid *saddle_process_grid_new   (MPI_Comm comm);
void               saddle_process_grid_free  (SaddleProcessGrid *grid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleProcessGrid, saddle_process_grid_free)

G_END_DECLS
