/* saddle-cli-distributed-hessian.h — hessian --method dense under mpirun: H on every rank
 *
 * Every rank loads the model, data and weights as one process would. Rank 0 then runs the
 * command; where it needs the dense spectrum (SaddleCriticalSettings.dense_spectrum) it sends
 * θ to the other ranks, and all of them build H in ScaLAPACK's layout and solve it with ELPA
 * or pdsyevd (src/mpi). The other ranks only serve those requests, print nothing and write
 * nothing. The memory is checked before any work, on every rank together. Built only with MPI.
 */
#pragma once

#include "saddle-cli-options.h"
#include "saddle-critical.h"

G_BEGIN_DECLS

typedef struct _SaddleCliDistributedHessian SaddleCliDistributedHessian;

/* Whether @options ask for the distributed dense Hessian: mpirun, --method dense and an
 * eigensolver other than lapack (the default under mpirun). */
gboolean      saddle_cli_distributed_hessian_wanted   (const SaddleCliOptions *options);
/* Collective: the process grid and the memory check for @model's Hessian on @n_samples;
 * NULL and SADDLE_HESSIAN_ERROR_TOO_LARGE on every rank if it does not fit, naming the
 * sizes and the fewest ranks that would hold it. */
SaddleCliDistributedHessian *
              saddle_cli_distributed_hessian_new      (const SaddleCliOptions *options,
                                                       SaddleModel            *model,
                                                       gsize                   n_samples,
                                                       GError                **error);
/* Ranks above 0: build and solve whatever rank 0 asks for, until it frees @self. */
void          saddle_cli_distributed_hessian_serve    (SaddleCliDistributedHessian *self,
                                                       SaddleModel                 *model,
                                                       const SaddleBatch           *batch);
/* Rank 0: routes @settings' dense spectrum through every rank. */
void          saddle_cli_distributed_hessian_attach   (SaddleCliDistributedHessian *self,
                                                       SaddleCriticalSettings      *settings);
/* Rank 0: the --eigenvectors K extremes of the last spectrum, the K lowest then the K highest,
 * ascending ((2K, n) row-major; NULL if none were asked for), and K in @k. */
const double *saddle_cli_distributed_hessian_extremes (SaddleCliDistributedHessian *self,
                                                       gsize                       *k);
/* "elpa on 2 ranks (a 1 × 2 grid of 64 × 64 blocks)" (g_free). */
char         *saddle_cli_distributed_hessian_describe (SaddleCliDistributedHessian *self);
/* The solver's name, the rank count and the block size, for summary.json. */
const char   *saddle_cli_distributed_hessian_solver   (SaddleCliDistributedHessian *self);
int           saddle_cli_distributed_hessian_ranks    (SaddleCliDistributedHessian *self);
/* Rank 0 releases the serving ranks; every rank frees its share. */
void          saddle_cli_distributed_hessian_free     (SaddleCliDistributedHessian *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleCliDistributedHessian, saddle_cli_distributed_hessian_free)

G_END_DECLS
