/* saddle-cli-distributed.h — the critical study shared over MPI ranks
 *
 * Runs are independent given (seed, run), so rank 0 hands them out on demand: it runs the
 * study as one process would (saddle_study_run_shared()), with its own --jobs workers
 * computing and, for every worker of every other rank, one more thread that gives that
 * worker the next run index, waits (polling, sleeping between polls: see saddle-cli-mpi.h)
 * for the run's records and passes them to the study, which takes them in run order. So rank
 * 0 computes too (on 2 cores, 2 ranks keep both busy), a run that stops early frees its worker
 * at once, and rank 0's results are those of one process, byte for byte. The other ranks
 * compute only: they answer in saddle_cli_distributed_serve() and write nothing.
 *
 * Failures: a rank that cannot start (unreadable data, say) or is stopped by a signal of its
 * own tells rank 0, which stops the others, writes what finished and names the rank and the
 * cause. Ctrl-C on mpirun reaches every rank: each stops after its current step, rank 0 writes
 * what finished and exits 128 + the signal, as one process does.
 */
#pragma once

#include "saddle-study.h"

G_BEGIN_DECLS

/* Rank 0: the study over every rank; @failure gets "rank 1: …" when another rank failed (the
 * results are then those finished, cancelled = TRUE). NULL with @error as saddle_study_run(),
 * or when another rank could not start. */
SaddleStudyResults *saddle_cli_distributed_run   (SaddleStudyConfig   *config,
                                                  SaddleStudyKind      kind,
                                                  SaddleDataset       *dataset,
                                                  SaddleEventFunc      func,
                                                  gpointer             user_data,
                                                  char               **failure,
                                                  GError             **error);
/* Rank 0, when it cannot start (@reason): tells the other ranks to end. */
void                saddle_cli_distributed_abort (const char          *reason);
/* Every other rank: takes runs from rank 0 until none is left; @start_error is why this rank
 * cannot (rank 0 reports it), or NULL. Returns the exit status: 0 once rank 0 was told why
 * this rank stopped (rank 0's status is the job's), 1 if it could not start. */
int                 saddle_cli_distributed_serve (SaddleStudyConfig   *config,
                                                  SaddleStudyKind      kind,
                                                  SaddleDataset       *dataset,
                                                  const GError        *start_error);

G_END_DECLS
