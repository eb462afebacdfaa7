/* saddle-cli-mpi.h — saddle-cli under mpirun (or srun): start-up, rank and size, messages
 *
 * MPI starts only when a launcher started the process (Open MPI's mpirun sets
 * OMPI_COMM_WORLD_SIZE, Slurm's srun PMIX_RANK or PMI_RANK): a plain `saddle-cli` never calls
 * MPI_Init and behaves as a build without MPI. Without MPI compiled in, every rank is 0 of 1.
 *
 * Threads: MPI runs at MPI_THREAD_SERIALIZED and every call goes through this module under
 * one lock, so any thread may send or receive. Waiting never blocks inside MPI (Open MPI's
 * blocking calls spin a core at 100 %): it polls with MPI_Iprobe/MPI_Test and sleeps between
 * polls, so a rank's waiting threads leave its cores to the threads that compute.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_CLI_MPI_ERROR (saddle_cli_mpi_error_quark ())

typedef enum
{
  SADDLE_CLI_MPI_ERROR_STOPPED,   /* a wait gave up because its stop function said so */
  SADDLE_CLI_MPI_ERROR_FAILED,    /* MPI itself failed; the message says how */
} SaddleCliMpiError;

/* Returns TRUE when a wait should give up (a signal, another rank's failure). */
typedef gboolean (*SaddleCliMpiStopFunc) (gpointer user_data);

GQuark   saddle_cli_mpi_error_quark (void);

/* Starts MPI if a launcher started this process; FALSE with @error if it could not. */
gboolean saddle_cli_mpi_init       (int       *argc,
                                    char    ***argv,
                                    GError   **error);
/* Ends MPI if it was started (every rank, before exit). */
void     saddle_cli_mpi_finalize   (void);
/* Whether MPI was started (a launcher ran this process), even with one rank. */
gboolean saddle_cli_mpi_started    (void);
/* Whether MPI runs with more than one rank. */
gboolean saddle_cli_mpi_parallel   (void);
/* This process's rank (0 without MPI) and the number of ranks (1 without MPI). */
int      saddle_cli_mpi_rank       (void);
int      saddle_cli_mpi_size       (void);
/* Ranks on this machine (1 without MPI): the cores they share. */
int      saddle_cli_mpi_local_size (void);
/* Ends every rank at once with @status (for a rank that cannot go on and cannot tell rank 0). */
void     saddle_cli_mpi_abort      (int        status);

/* Sends @size bytes to rank @dest with @tag; returns when the buffer may be reused. */
gboolean saddle_cli_mpi_send       (int                   dest,
                                    int                   tag,
                                    const void           *data,
                                    gsize                 size,
                                    GError              **error);
/* Whether a message from @source (or -1: any) with @tag waits; its source in @source_out. */
gboolean saddle_cli_mpi_probe      (int                   source,
                                    int                   tag,
                                    int                  *source_out);
/* Waits for a message from @source (or -1: any) with @tag and returns its bytes (@source_out
 * may be NULL). NULL with SADDLE_CLI_MPI_ERROR_STOPPED once @stop (may be NULL) says so. */
GBytes  *saddle_cli_mpi_receive    (int                   source,
                                    int                   tag,
                                    int                  *source_out,
                                    SaddleCliMpiStopFunc  stop,
                                    gpointer              stop_data,
                                    GError              **error);
/* Rank 0's @size bytes at @data on every rank. */
gboolean saddle_cli_mpi_broadcast  (void                 *data,
                                    gsize                 size);
/* Gathers @size bytes from every rank on rank 0 (rank order; NULL on the other ranks). */
GBytes  *saddle_cli_mpi_gather     (const void           *data,
                                    gsize                 size);

G_END_DECLS
