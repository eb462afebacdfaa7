/* saddle-distributed-hessian-private.h — shared by the build and the eigensolvers */
#pragma once

#include <mpi.h>

#include "saddle-distributed-hessian.h"

/* The lowest rank where @ok is FALSE, or −1 when it holds on every rank (collective). */
int  saddle_distributed_first_failure     (MPI_Comm comm,
                                           gboolean ok);
/* TOO_LARGE naming the rank that could not allocate its share. */
void saddle_distributed_set_memory_error  (GError **error,
                                           int      rank,
                                           gsize    n);
