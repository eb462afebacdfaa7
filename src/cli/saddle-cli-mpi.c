/* saddle-cli-mpi.c — saddle-cli under mpirun (or srun): start-up, rank and size, messages */
#define G_LOG_DOMAIN "saddle-cli-mpi"

#include "config.h"

#include <stdlib.h>

#if SADDLE_HAVE_MPI
#include <mpi.h>
#endif

#include "saddle-cli-mpi.h"

/* Between two polls of a wait: short against a run (seconds), long enough that a waiting
 * thread costs nothing measurable. */
#define POLL_INTERVAL_US 2000

static int rank;
static int size = 1;
static int local_size = 1;
#if SADDLE_HAVE_MPI
static gboolean started;
static GMutex lock;
#endif

G_DEFINE_QUARK (saddle-cli-mpi-error-quark, saddle_cli_mpi_error)

/* Whether mpirun (OMPI_*), or srun with PMIx or PMI-2, started this process. */
static gboolean
launched_by_mpi (void)
{
  return g_getenv ("OMPI_COMM_WORLD_SIZE") != NULL || g_getenv ("PMIX_RANK") != NULL
      || g_getenv ("PMI_RANK") != NULL;
}

#if SADDLE_HAVE_MPI
static gboolean
check (int         code,
       const char *what,
       GError    **error)
{
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;

  if (code == MPI_SUCCESS)
    return TRUE;
  MPI_Error_string (code, text, &length);
  g_set_error (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_FAILED, "MPI rank %d: %s: %.*s",
               rank, what, length, text);
  return FALSE;
}

/* Polls @request until it completes (lock held only around each MPI call). */
static gboolean
wait_request (MPI_Request *request,
              const char  *what,
              GError     **error)
{
  for (;;)
    {
      int done = 0;
      int code;

      g_mutex_lock (&lock);
      code = MPI_Test (request, &done, MPI_STATUS_IGNORE);
      g_mutex_unlock (&lock);
      if (!check (code, what, error))
        return FALSE;
      if (done)
        return TRUE;
      g_usleep (POLL_INTERVAL_US);
    }
}
#endif

gboolean
saddle_cli_mpi_init (int     *argc,
                     char  ***argv,
                     GError **error)
{
#if SADDLE_HAVE_MPI
  const char *local;
  int provided = MPI_THREAD_SINGLE;

  if (!launched_by_mpi ())
    return TRUE;
  if (!check (MPI_Init_thread (argc, argv, MPI_THREAD_SERIALIZED, &provided), "MPI_Init_thread",
              error))
    return FALSE;
  started = TRUE;
  MPI_Comm_rank (MPI_COMM_WORLD, &rank);
  MPI_Comm_size (MPI_COMM_WORLD, &size);
  if (provided < MPI_THREAD_SERIALIZED)
    {
      g_set_error (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_FAILED,
                   "MPI rank %d: this MPI library does not allow calls from several threads "
                   "(MPI_THREAD_SERIALIZED); saddle-cli needs it", rank);
      return FALSE;
    }
  /* Errors come back as codes, so a message can name the rank and the cause. */
  MPI_Comm_set_errhandler (MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  local = g_getenv ("OMPI_COMM_WORLD_LOCAL_SIZE");
  if (local == NULL)
    local = g_getenv ("SLURM_NTASKS_PER_NODE");
  local_size = local != NULL ? MAX (1, atoi (local)) : 1;
  return TRUE;
#else
  (void) argc;
  (void) argv;
  if (launched_by_mpi () && g_getenv ("OMPI_COMM_WORLD_RANK") != NULL
      && atoi (g_getenv ("OMPI_COMM_WORLD_RANK")) > 0)
    {
      /* Several copies would each run the whole command into the same folder. */
      g_set_error (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_FAILED,
                   "this saddle-cli was built without MPI (meson option -Dmpi); run it without "
                   "mpirun, or rebuild with Open MPI installed");
      return FALSE;
    }
  return TRUE;
#endif
}

void
saddle_cli_mpi_finalize (void)
{
#if SADDLE_HAVE_MPI
  if (started)
    {
      MPI_Request request;

      /* MPI_Finalize waits for every rank, spinning; a rank done early waits here instead,
       * polling, and leaves its core to the ranks still computing. */
      if (MPI_Ibarrier (MPI_COMM_WORLD, &request) == MPI_SUCCESS)
        wait_request (&request, "MPI_Ibarrier", NULL);
      MPI_Finalize ();
    }
  started = FALSE;
#endif
}

gboolean
saddle_cli_mpi_started (void)
{
#if SADDLE_HAVE_MPI
  return started;
#else
  return FALSE;
#endif
}

gboolean
saddle_cli_mpi_parallel (void)
{
  return size > 1;
}

int
saddle_cli_mpi_rank (void)
{
  return rank;
}

int
saddle_cli_mpi_size (void)
{
  return size;
}

int
saddle_cli_mpi_local_size (void)
{
  return local_size;
}

void
saddle_cli_mpi_abort (int status)
{
#if SADDLE_HAVE_MPI
  if (started)
    MPI_Abort (MPI_COMM_WORLD, status);
#endif
  exit (status);
}

gboolean
saddle_cli_mpi_send (int          dest,
                     int          tag,
                     const void  *data,
                     gsize        length,
                     GError     **error)
{
#if SADDLE_HAVE_MPI
  MPI_Request request;
  int code;

  if (length > G_MAXINT)
    {
      g_set_error (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_FAILED,
                   "MPI rank %d: a message of %" G_GSIZE_FORMAT " bytes is over MPI's 2 GB",
                   rank, length);
      return FALSE;
    }
  g_mutex_lock (&lock);
  code = MPI_Isend (data, (int) length, MPI_BYTE, dest, tag, MPI_COMM_WORLD, &request);
  g_mutex_unlock (&lock);
  return check (code, "MPI_Isend", error) && wait_request (&request, "MPI_Isend", error);
#else
  (void) dest;
  (void) tag;
  (void) data;
  (void) length;
  g_set_error (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_FAILED, "built without MPI");
  return FALSE;
#endif
}

gboolean
saddle_cli_mpi_probe (int  source,
                      int  tag,
                      int *source_out)
{
#if SADDLE_HAVE_MPI
  MPI_Status status;
  int found = 0;

  if (!started)
    return FALSE;
  g_mutex_lock (&lock);
  MPI_Iprobe (source < 0 ? MPI_ANY_SOURCE : source, tag, MPI_COMM_WORLD, &found, &status);
  g_mutex_unlock (&lock);
  if (found && source_out != NULL)
    *source_out = status.MPI_SOURCE;
  return found != 0;
#else
  (void) source;
  (void) tag;
  (void) source_out;
  return FALSE;
#endif
}

GBytes *
saddle_cli_mpi_receive (int                   source,
                        int                   tag,
                        int                  *source_out,
                        SaddleCliMpiStopFunc  stop,
                        gpointer              stop_data,
                        GError              **error)
{
#if SADDLE_HAVE_MPI
  for (;;)
    {
      MPI_Status status;
      int found = 0;
      int count = 0;
      int code;
      guint8 *buffer;

      g_mutex_lock (&lock);
      code = MPI_Iprobe (source < 0 ? MPI_ANY_SOURCE : source, tag, MPI_COMM_WORLD, &found,
                         &status);
      if (code == MPI_SUCCESS && found)
        {
          MPI_Get_count (&status, MPI_BYTE, &count);
          buffer = g_malloc (MAX (count, 1));
          /* The message is there: this receive completes without waiting for anyone. */
          code = MPI_Recv (buffer, count, MPI_BYTE, status.MPI_SOURCE, tag, MPI_COMM_WORLD,
                           MPI_STATUS_IGNORE);
          g_mutex_unlock (&lock);
          if (!check (code, "MPI_Recv", error))
            {
              g_free (buffer);
              return NULL;
            }
          if (source_out != NULL)
            *source_out = status.MPI_SOURCE;
          return g_bytes_new_take (buffer, count);
        }
      g_mutex_unlock (&lock);
      if (!check (code, "MPI_Iprobe", error))
        return NULL;
      if (stop != NULL && stop (stop_data))
        {
          g_set_error (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_STOPPED, "Stopped");
          return NULL;
        }
      g_usleep (POLL_INTERVAL_US);
    }
#else
  (void) source;
  (void) tag;
  (void) source_out;
  (void) stop;
  (void) stop_data;
  g_set_error (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_FAILED, "built without MPI");
  return NULL;
#endif
}

gboolean
saddle_cli_mpi_broadcast (void  *data,
                          gsize  length)
{
#if SADDLE_HAVE_MPI
  MPI_Request request;
  int code;

  if (!started)
    return TRUE;
  g_return_val_if_fail (length <= G_MAXINT, FALSE);
  g_mutex_lock (&lock);
  code = MPI_Ibcast (data, (int) length, MPI_BYTE, 0, MPI_COMM_WORLD, &request);
  g_mutex_unlock (&lock);
  return code == MPI_SUCCESS && wait_request (&request, "MPI_Ibcast", NULL);
#else
  (void) data;
  (void) length;
  return TRUE;
#endif
}

GBytes *
saddle_cli_mpi_gather (const void *data,
                       gsize       length)
{
#if SADDLE_HAVE_MPI
  MPI_Request request;
  guint8 *all = NULL;

  if (!started)
    return g_bytes_new (data, length);
  g_return_val_if_fail (length <= G_MAXINT / (gsize) size, NULL);
  if (rank == 0)
    all = g_malloc (length * size);
  g_mutex_lock (&lock);
  /* Non-blocking and polled, so ranks that arrive early do not spin a core. */
  MPI_Igather (data, (int) length, MPI_BYTE, all, (int) length, MPI_BYTE, 0, MPI_COMM_WORLD,
               &request);
  g_mutex_unlock (&lock);
  if (!wait_request (&request, "MPI_Igather", NULL))
    {
      g_free (all);
      return NULL;
    }
  return rank == 0 ? g_bytes_new_take (all, length * size) : NULL;
#else
  return g_bytes_new (data, length);
#endif
}
