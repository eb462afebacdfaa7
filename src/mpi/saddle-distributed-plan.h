/* saddle-distributed-plan.h — the memory a distributed dense Hessian needs, before any work
 *
 * For n parameters on P ranks (a near-square grid, square blocks): each rank's share of H,
 * the buffers of the column build, the eigensolver's workspace and the eigenvectors brought
 * back to rank 0, per rank and in total. The largest share is rank 0's (it holds the first
 * blocks of both dimensions and the gathered eigenvectors), so "per rank" is rank 0's peak.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SADDLE_DISTRIBUTED_ELPA,          /* ELPA's two-stage solver */
  SADDLE_DISTRIBUTED_SCALAPACK,     /* ScaLAPACK pdsyevd (divide and conquer, with vectors) */
} SaddleDistributedSolver;

typedef struct
{
  gsize                   n;
  gsize                   block;
  int                     ranks;
  int                     rows;           /* the grid */
  int                     cols;
  SaddleDistributedSolver solver;
  gsize                   vectors;        /* eigenvectors brought to rank 0 */
  /* Bytes on rank 0; the peak is the matrix plus the largest of the phases beside it. */
  gsize                   matrix;         /* its share of H */
  gsize                   build;          /* column build: HVP output, send buffer, model scratch */
  gsize                   symmetrise;     /* the transposed strip of the symmetry check */
  gsize                   eigen;          /* the eigensolver's workspace (vectors included) */
  gsize                   gathered;       /* the eigenvectors on rank 0 */
  gsize                   per_rank;       /* rank 0's peak */
  gsize                   total;          /* the peaks of all ranks added up */
} SaddleDistributedPlan;

/* The eigenvectors to bring back when @k are asked for at each end (0: none): 2k, or all n. */
gsize    saddle_distributed_vector_count (gsize n,
                                          gsize k);
/* Fills @plan for @n parameters on @ranks ranks; @model_scratch is the model's HVP scratch
 * for blocks of @block directions (saddle_model_scratch_bytes()). */
void     saddle_distributed_plan_init    (SaddleDistributedPlan  *plan,
                                          gsize                   n,
                                          int                     ranks,
                                          gsize                   block,
                                          SaddleDistributedSolver solver,
                                          gsize                   vectors,
                                          gsize                   model_scratch);
/* The fewest ranks (up to @max_ranks) whose per-rank peak fits in @per_rank_limit bytes,
 * or 0 if none does. */
int      saddle_distributed_plan_fewest_ranks (gsize                   n,
                                               gsize                   block,
                                               SaddleDistributedSolver solver,
                                               gsize                   vectors,
                                               gsize                   model_scratch,
                                               gsize                   per_rank_limit,
                                               int                     max_ranks);
/* "elpa", "scalapack". */
const char *saddle_distributed_solver_to_string (SaddleDistributedSolver solver);

G_END_DECLS
