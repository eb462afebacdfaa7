/* saddle-distributed-plan.c — the memory a distributed dense Hessian needs, before any work
 *
 * Sizes saturate at G_MAXSIZE, so an absurd model fails the check instead of wrapping.
 */
#define G_LOG_DOMAIN "saddle-distributed-plan"

#include "config.h"

#include "saddle-distributed-plan.h"
#include "saddle-process-grid.h"

/* Beside the matrix, measured on this machine as the rise of VmHWM from before the eigensolver
 * to its end on rank 0, in local matrices (n = 4,110, blocks of 64; ELPA 2022.11 and ScaLAPACK
 * 2.2.1 from Debian):
 *   ELPA, values only: 2.64 (P = 1), 3.73 (1 × 2), 4.44 (2 × 2), 4.15 (2 × 4), 3.99 (3 × 3);
 *   ELPA, all vectors:  2.71 (P = 1), with the eigenvector matrix counted;
 *   pdsyevd:            2.08 (P = 1), 3.10 (1 × 2), where its documented minimum is 3.
 * So ELPA is counted as 4.5 local matrices (5 with vectors, not measured beyond P = 1) and
 * pdsyevd as its documented workspace plus a tenth. */
#define ELPA_VALUES_MATRICES   4.5
#define ELPA_VECTORS_MATRICES  5.0
#define SCALAPACK_MARGIN       1.1
/* The O(n) arrays of either solver, in doubles per parameter: generous. */
#define SOLVER_PER_PARAMETER   64

static gsize
add (gsize a,
     gsize b)
{
  return a > G_MAXSIZE - b ? G_MAXSIZE : a + b;
}

static gsize
mul (gsize a,
     gsize b)
{
  return b != 0 && a > G_MAXSIZE / b ? G_MAXSIZE : a * b;
}

static gsize
scale (gsize  bytes,
       double factor)
{
  double v = (double) bytes * factor;

  return v >= (double) G_MAXSIZE ? G_MAXSIZE : (gsize) v;
}

/* pdsyevd's workspace as its documentation gives the minimum: LWORK ≥ max(1 + 6n + 2·NP·NQ,
 * TRILWMIN) + 2n doubles with TRILWMIN = 3n + max(NB·(NP + 1), 3·NB), and LIWORK = 7n + 8·C + 2
 * ints; plus Z, one more local matrix. */
static gsize
scalapack_bytes (gsize n,
                 gsize block,
                 gsize np,
                 gsize nq,
                 int   cols)
{
  gsize tri = add (3 * n, MAX (mul (block, np + 1), 3 * block));
  gsize work = add (MAX (add (1 + 6 * n, mul (2, mul (np, nq))), tri), 2 * n);
  gsize iwork = 7 * n + 8 * (gsize) cols + 2;

  return scale (add (add (mul (work, sizeof (double)), mul (iwork, sizeof (int))),
                     mul (mul (np, nq), sizeof (double))), SCALAPACK_MARGIN);
}

static gsize
elpa_bytes (gsize n,
            gsize np,
            gsize nq,
            gsize vectors)
{
  gsize matrix = mul (mul (np, nq), sizeof (double));
  double matrices = vectors > 0 ? ELPA_VECTORS_MATRICES : ELPA_VALUES_MATRICES;

  return add (scale (matrix, matrices), mul (n, SOLVER_PER_PARAMETER * sizeof (double)));
}

gsize
saddle_distributed_vector_count (gsize n,
                                 gsize k)
{
  return k == 0 ? 0 : (2 * k >= n ? n : 2 * k);
}

void
saddle_distributed_plan_init (SaddleDistributedPlan  *plan,
                              gsize                   n,
                              int                     ranks,
                              gsize                   block,
                              SaddleDistributedSolver solver,
                              gsize                   vectors,
                              gsize                   model_scratch)
{
  g_return_if_fail (ranks > 0 && block > 0);

  plan->n = n;
  plan->block = block;
  plan->ranks = ranks;
  plan->solver = solver;
  plan->vectors = vectors;
  plan->total = 0;
  saddle_process_grid_shape (ranks, &plan->rows, &plan->cols);

  for (int r = 0; r < plan->rows; r++)
    for (int c = 0; c < plan->cols; c++)
      {
        gsize np = saddle_process_grid_local (n, block, r, plan->rows);
        gsize nq = saddle_process_grid_local (n, block, c, plan->cols);
        gsize matrix = mul (mul (np, nq), sizeof (double));
        /* One process row: each HVP block lands straight in the local columns. */
        gsize hvp = plan->rows > 1 ? mul (mul (2 * block, n), sizeof (double)) : 0;
        gsize build = add (hvp, model_scratch);
        gsize symmetrise = mul (mul (np, block), sizeof (double));
        gsize eigen = solver == SADDLE_DISTRIBUTED_SCALAPACK
                      ? scalapack_bytes (n, block, np, nq, plan->cols)
                      : elpa_bytes (n, np, nq, vectors);
        gsize gathered = r == 0 && c == 0 ? mul (mul (vectors, n), sizeof (double)) : 0;
        gsize peak = add (matrix, MAX (MAX (build, symmetrise), add (eigen, gathered)));

        if (r == 0 && c == 0)
          {
            plan->matrix = matrix;
            plan->build = build;
            plan->symmetrise = symmetrise;
            plan->eigen = eigen;
            plan->gathered = gathered;
            plan->per_rank = peak;
          }
        plan->total = add (plan->total, peak);
      }
}

int
saddle_distributed_plan_fewest_ranks (gsize                   n,
                                      gsize                   block,
                                      SaddleDistributedSolver solver,
                                      gsize                   vectors,
                                      gsize                   model_scratch,
                                      gsize                   per_rank_limit,
                                      int                     max_ranks)
{
  for (int p = 1; p <= max_ranks; p++)
    {
      SaddleDistributedPlan plan;

      /* Only rank 0's peak matters here, and a prime count's 1 × P grid is as good as any. */
      saddle_distributed_plan_init (&plan, n, p, block, solver, vectors, model_scratch);
      if (plan.per_rank <= per_rank_limit)
        return p;
    }
  return 0;
}

const char *
saddle_distributed_solver_to_string (SaddleDistributedSolver solver)
{
  return solver == SADDLE_DISTRIBUTED_SCALAPACK ? "scalapack" : "elpa";
}
