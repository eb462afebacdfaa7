/* saddle-distributed-hessian.h — the exact Hessian in ScaLAPACK's block-cyclic layout
 *
 * Every rank holds its blocks of H (column-major, leading dimension = its local rows). The
 * build hands each block column to one rank of its process column, which computes those
 * columns with the model's batched HVPs on identity directions (saddle_model_hessian_columns)
 * and sends each rank of the column its rows: no column is computed twice. The symmetry check
 * is the single-process one (max|H − Hᵀ| / max|H| at rounding level, every entry finite),
 * done block column by block column against a transposed strip (pdtran), and the matrix is
 * symmetrised the same way, to (a + b) / 2. All functions here are collective over the grid
 * and fail on every rank together; on failure the matrix holds nothing usable.
 */
#pragma once

#include <glib.h>

#include "saddle-distributed-plan.h"
#include "saddle-hessian.h"
#include "saddle-model.h"
#include "saddle-process-grid.h"

G_BEGIN_DECLS

/* Square blocks of this many rows and columns unless the caller chooses (measured against 32 and
 * 128: README, "The dense Hessian on many ranks"). */
#define SADDLE_DISTRIBUTED_DEFAULT_BLOCK 64

typedef struct
{
  SaddleProcessGrid *grid;          /* not owned */
  gsize              n;
  gsize              block;
  gsize              local_rows;
  gsize              local_cols;
  int                desc[9];       /* ScaLAPACK's descriptor of H */
  double            *local;         /* (local_rows × local_cols) column-major */
} SaddleDistributedHessian;

/* Allocates this rank's share of an n × n matrix; TOO_LARGE on every rank if any rank fails. */
SaddleDistributedHessian *saddle_distributed_hessian_new   (SaddleProcessGrid *grid,
                                                            gsize              n,
                                                            gsize              block,
                                                            GError           **error);
void                      saddle_distributed_hessian_free  (SaddleDistributedHessian *hessian);
/* Builds H at @theta and checks and symmetrises it; @asymmetry (may be NULL) gets
 * max|H − Hᵀ| / max|H|. @progress (may be NULL) gets this rank's share of columns done;
 * FALSE on any rank cancels them all (SADDLE_HESSIAN_ERROR_CANCELLED). Errors as
 * saddle_hessian_dense(). */
gboolean                  saddle_distributed_hessian_build (SaddleDistributedHessian *hessian,
                                                            SaddleModel              *model,
                                                            const double             *theta,
                                                            const SaddleBatch        *batch,
                                                            SaddleProgressFunc        progress,
                                                            gpointer                  user_data,
                                                            double                   *asymmetry,
                                                            GError                  **error);
/* All n eigenvalues (ascending, g_free) on every rank by @solver; H is destroyed. With
 * @vectors > 0, rank 0 also gets *@eigenvectors (vectors × n, row-major, g_free; the other
 * ranks may pass NULL): the unit eigenvectors of the @vectors / 2 smallest and as many largest
 * eigenvalues in ascending order, or of all n when @vectors = n. SADDLE_SPECTRUM_ERROR_LAPACK
 * if the solver fails. */
double                   *saddle_distributed_hessian_eigen (SaddleDistributedHessian *hessian,
                                                            SaddleDistributedSolver   solver,
                                                            gsize                     vectors,
                                                            double                  **eigenvectors,
                                                            GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleDistributedHessian, saddle_distributed_hessian_free)

G_END_DECLS
