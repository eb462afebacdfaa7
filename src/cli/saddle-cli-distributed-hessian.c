/* saddle-cli-distributed-hessian.c — hessian --method dense under mpirun: H on every rank */
#define G_LOG_DOMAIN "saddle-cli-distributed-hessian"

#include "config.h"

#include <string.h>

#include <mpi.h>

#include "saddle-cli-distributed-hessian.h"
#include "saddle-cli-mpi.h"
#include "saddle-cli-signals.h"
#include "saddle-distributed-hessian.h"
#include "saddle-format.h"
#include "saddle-newton.h"
#include "saddle-slice.h"

/* Rank 0 → every rank, by broadcast: build and solve at the θ that follows, or stop serving. */
typedef struct
{
  guint64 command;
  guint64 vectors;          /* eigenvectors to bring back to rank 0 */
} Request;

enum
{
  REQUEST_QUIT,
  REQUEST_SPECTRUM,
};

/* Ranks beyond this are not worth naming as the fewest that would hold a Hessian. */
#define MAX_RANKS_NAMED 65536

struct _SaddleCliDistributedHessian
{
  SaddleProcessGrid      *grid;
  SaddleDistributedSolver solver;
  gsize                   n;
  gsize                   block;
  gsize                   k;          /* --eigenvectors: extremes at each end */
  gboolean                serving;    /* the other ranks wait for rank 0's requests */
  double                 *extremes;   /* rank 0: (2k, n) of the last spectrum, or NULL */
};

gboolean
saddle_cli_distributed_hessian_wanted (const SaddleCliOptions *options)
{
  return saddle_cli_mpi_started () && options->method == SADDLE_CLI_METHOD_DENSE
         && options->eigensolver != SADDLE_CLI_EIGENSOLVER_LAPACK;
}

/* The bytes each rank may use, the least of them, and their sum: --memory-per-rank, or this
 * machine's available memory shared by its ranks. */
static void
rank_limits (const SaddleCliOptions *options,
             MPI_Comm                comm,
             guint64                *least,
             guint64                *sum)
{
  guint64 mine = options->memory_per_rank > 0
                 ? options->memory_per_rank
                 : saddle_available_memory () / (guint64) MAX (saddle_cli_mpi_local_size (), 1);

  MPI_Allreduce (&mine, least, 1, MPI_UINT64_T, MPI_MIN, comm);
  MPI_Allreduce (&mine, sum, 1, MPI_UINT64_T, MPI_SUM, comm);
}

/* TOO_LARGE naming what rank 0 needs, what every rank needs together, what there is, and the
 * fewest ranks that would hold it. */
static void
set_too_large (GError                      **error,
               const SaddleCliOptions       *options,
               const SaddleDistributedPlan  *plan,
               gsize                         model_scratch,
               guint64                       per_rank_limit,
               guint64                       total_limit,
               gboolean                      total_only)
{
  g_autofree char *count = saddle_format_count (plan->n);
  g_autofree char *per_rank = g_format_size (plan->per_rank);
  g_autofree char *matrix = g_format_size (plan->matrix);
  g_autofree char *eigen = g_format_size (plan->eigen + plan->gathered);
  g_autofree char *build = g_format_size (MAX (plan->build, plan->symmetrise));
  g_autofree char *total = g_format_size (plan->total);
  g_autofree char *limit = g_format_size (per_rank_limit);
  g_autofree char *total_limit_text = g_format_size (total_limit);
  g_autofree char *fewest_text = NULL;
  int fewest;

  fewest = saddle_distributed_plan_fewest_ranks (plan->n, plan->block, plan->solver,
                                                 plan->vectors, model_scratch, per_rank_limit,
                                                 MAX_RANKS_NAMED);
  if (fewest > 0)
    fewest_text = g_strdup_printf ("%d ranks with %s each would hold it (mpirun -np %d)",
                                   fewest, limit, fewest);
  else
    fewest_text = g_strdup_printf ("no count of ranks up to %d with %s each would hold it",
                                   MAX_RANKS_NAMED, limit);

  g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
               "The Hessian of %s parameters on %d rank%s (a %d × %d grid) needs %s on rank 0 "
               "(its %s share of the matrix, then %s for %s%s, or %s while it is built) and %s "
               "on all ranks together; %s %s%s, %s in all. %s",
               count, plan->ranks, plan->ranks == 1 ? "" : "s", plan->rows, plan->cols,
               per_rank, matrix, eigen, saddle_distributed_solver_to_string (plan->solver),
               plan->vectors > 0 ? " and the eigenvectors" : "", build, total,
               total_only ? "the ranks have" : "each rank may use", limit,
               options->memory_per_rank > 0 ? " (--memory-per-rank)" : " (this machine's "
               "available memory shared by its ranks)", total_limit_text, fewest_text);
}

SaddleCliDistributedHessian *
saddle_cli_distributed_hessian_new (const SaddleCliOptions *options,
                                    SaddleModel            *model,
                                    gsize                   n_samples,
                                    GError                **error)
{
  g_autoptr(SaddleCliDistributedHessian) self = g_new0 (SaddleCliDistributedHessian, 1);
  SaddleDistributedPlan plan;
  guint64 least, sum, available;
  gsize scratch, vectors;

  self->grid = saddle_process_grid_new (MPI_COMM_WORLD);
  self->n = saddle_model_n_params (model);
  self->block = SADDLE_DISTRIBUTED_DEFAULT_BLOCK;
  /* --slice walks along the ends' eigenvectors: one at each end at least. */
  self->k = MAX (options->eigenvectors, options->slice ? 1u : 0u);

  /* Up to the dense Newton size the analysis asks for every eigenvector (its exact reach). */
  vectors = self->n <= SADDLE_NEWTON_DENSE_MAX ? self->n
                                               : saddle_distributed_vector_count (self->n,
                                                                                  self->k);
  /* The faster by default, as measured here (README, "The dense Hessian on many ranks"): ELPA
   * for the eigenvalues alone; pdsyevd when eigenvectors come back, since this ELPA build has
   * only its generic back-transformation kernels. */
  if (options->eigensolver == SADDLE_CLI_EIGENSOLVER_DEFAULT)
    self->solver = vectors > 0 ? SADDLE_DISTRIBUTED_SCALAPACK : SADDLE_DISTRIBUTED_ELPA;
  else
    self->solver = options->eigensolver == SADDLE_CLI_EIGENSOLVER_SCALAPACK
                   ? SADDLE_DISTRIBUTED_SCALAPACK : SADDLE_DISTRIBUTED_ELPA;
  scratch = saddle_model_scratch_bytes (model, n_samples, self->block);
  saddle_distributed_plan_init (&plan, self->n, self->grid->size, self->block, self->solver,
                                vectors, scratch);
  rank_limits (options, self->grid->comm, &least, &sum);
  if (plan.per_rank > least || plan.total > sum)
    {
      set_too_large (error, options, &plan, scratch, least, sum, plan.per_rank <= least);
      return NULL;
    }

  /* An emulated node (--memory-per-rank) must still fit the real one. */
  available = saddle_available_memory ();
  MPI_Allreduce (MPI_IN_PLACE, &available, 1, MPI_UINT64_T, MPI_MIN, self->grid->comm);
  if ((guint64) plan.per_rank * (guint64) saddle_cli_mpi_local_size () > available)
    {
      set_too_large (error, options, &plan, scratch,
                     available / (guint64) MAX (saddle_cli_mpi_local_size (), 1), available,
                     FALSE);
      return NULL;
    }
  self->serving = TRUE;
  return g_steal_pointer (&self);
}

static gboolean
serving_progress_cb (double   fraction,
                     gpointer user_data)
{
  return !saddle_cli_signals_stop_requested ();
}

/* Collective: H at @theta, its eigenvalues (g_free) and on rank 0 @vectors eigenvectors. */
static double *
solve (SaddleCliDistributedHessian *self,
       SaddleModel                 *model,
       const double                *theta,
       const SaddleBatch           *batch,
       gsize                        vectors,
       SaddleProgressFunc           progress,
       gpointer                     progress_data,
       double                      *asymmetry,
       double                      *seconds_eigen,
       double                     **eigenvectors,
       GError                     **error)
{
  g_autoptr(SaddleDistributedHessian) h = NULL;
  double *values;
  gint64 t0;

  h = saddle_distributed_hessian_new (self->grid, self->n, self->block, error);
  if (h == NULL || !saddle_distributed_hessian_build (h, model, theta, batch, progress,
                                                      progress_data, asymmetry, error))
    return NULL;
  t0 = g_get_monotonic_time ();
  values = saddle_distributed_hessian_eigen (h, self->solver, vectors, eigenvectors, error);
  *seconds_eigen = (g_get_monotonic_time () - t0) / 1e6;
  return values;
}

void
saddle_cli_distributed_hessian_serve (SaddleCliDistributedHessian *self,
                                      SaddleModel                 *model,
                                      const SaddleBatch           *batch)
{
  g_autofree double *theta = g_new (double, self->n);

  g_return_if_fail (self->grid->rank > 0);

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree double *values = NULL;
      Request request = { REQUEST_QUIT, 0 };
      double asymmetry, seconds;

      /* Polled, so a waiting rank leaves its core to rank 0's descent and tests. */
      if (!saddle_cli_mpi_broadcast (&request, sizeof request)
          || request.command != REQUEST_SPECTRUM
          || !saddle_cli_mpi_broadcast (theta, self->n * sizeof (double)))
        return;
      /* Rank 0 reports a failure: every rank meets the same one. */
      values = solve (self, model, theta, batch, request.vectors, serving_progress_cb, NULL,
                      &asymmetry, &seconds, NULL, &error);
    }
}

static SaddleSpectrum *
dense_spectrum_cb (SaddleModel        *model,
                   const double       *theta,
                   const SaddleBatch  *batch,
                   double              tolerance,
                   SaddleProgressFunc  progress,
                   gpointer            progress_data,
                   double             *asymmetry,
                   double             *seconds_eigen,
                   double            **vectors,
                   gpointer            user_data,
                   GError            **error)
{
  SaddleCliDistributedHessian *self = user_data;
  Request request = { REQUEST_SPECTRUM, 0 };
  g_autofree double *sent = g_memdup2 (theta, self->n * sizeof (double));
  g_autofree double *values = NULL;
  g_autofree double *gathered = NULL;
  gsize extremes = saddle_distributed_vector_count (self->n, self->k);

  request.vectors = vectors != NULL ? self->n : extremes;
  if (!saddle_cli_mpi_broadcast (&request, sizeof request)
      || !saddle_cli_mpi_broadcast (sent, self->n * sizeof (double)))
    {
      g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED,
                   "MPI failed while sending θ to the other ranks");
      return NULL;
    }
  values = solve (self, model, sent, batch, request.vectors, progress, progress_data,
                  asymmetry, seconds_eigen, request.vectors > 0 ? &gathered : NULL, error);
  if (values == NULL)
    return NULL;

  g_clear_pointer (&self->extremes, g_free);
  if (extremes > 0)
    {
      /* All n came back when the analysis wants them: the extremes are their ends. */
      gsize k = extremes / 2;

      self->extremes = g_new (double, extremes * self->n);
      if (request.vectors == self->n && extremes < self->n)
        {
          memcpy (self->extremes, gathered, k * self->n * sizeof (double));
          memcpy (self->extremes + k * self->n, gathered + (self->n - k) * self->n,
                  k * self->n * sizeof (double));
        }
      else
        memcpy (self->extremes, gathered, extremes * self->n * sizeof (double));
      for (gsize j = 0; j < extremes; j++)
        saddle_slice_orient (self->extremes + j * self->n, self->n);
    }
  if (vectors != NULL)
    *vectors = g_steal_pointer (&gathered);
  return saddle_spectrum_new_from_values (values, self->n, tolerance);
}

void
saddle_cli_distributed_hessian_attach (SaddleCliDistributedHessian *self,
                                       SaddleCriticalSettings      *settings)
{
  settings->dense_spectrum = dense_spectrum_cb;
  settings->dense_spectrum_data = self;
}

const double *
saddle_cli_distributed_hessian_extremes (SaddleCliDistributedHessian *self,
                                         gsize                       *k)
{
  *k = self->extremes != NULL ? saddle_distributed_vector_count (self->n, self->k) / 2 : 0;
  return self->extremes;
}

char *
saddle_cli_distributed_hessian_describe (SaddleCliDistributedHessian *self)
{
  return g_strdup_printf ("%s on %d rank%s (a %d × %d grid of %" G_GSIZE_FORMAT " × %"
                          G_GSIZE_FORMAT " blocks)",
                          saddle_distributed_solver_to_string (self->solver), self->grid->size,
                          self->grid->size == 1 ? "" : "s", self->grid->rows, self->grid->cols,
                          self->block, self->block);
}

const char *
saddle_cli_distributed_hessian_solver (SaddleCliDistributedHessian *self)
{
  return saddle_distributed_solver_to_string (self->solver);
}

int
saddle_cli_distributed_hessian_ranks (SaddleCliDistributedHessian *self)
{
  return self->grid->size;
}

void
saddle_cli_distributed_hessian_free (SaddleCliDistributedHessian *self)
{
  if (self == NULL)
    return;
  if (self->grid->rank == 0 && self->serving)
    {
      Request request = { REQUEST_QUIT, 0 };

      saddle_cli_mpi_broadcast (&request, sizeof request);
    }
  saddle_process_grid_free (self->grid);
  g_free (self->extremes);
  g_free (self);
}
