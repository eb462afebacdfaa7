/* test-distributed.c — the distributed dense Hessian against the single-process one
 *
 * Run under mpirun (suite mpi): every rank runs every test; rank 0 alone speaks TAP, and an
 * assertion on any rank fails the run through mpirun's exit status.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include <cblas.h>
#include <mpi.h>

#include "saddle-distributed-hessian.h"
#include "saddle-spectrum.h"
#include "saddle-test-util.h"

/* A 7-23-19-3 tanh classifier: 716 parameters, not a multiple of the block, several rounds. */
static const guint widths[] = { 7, 23, 19, 3 };
#define SAMPLES 150
#define BLOCK   16

static void
rig_init (SaddleTestRig *rig)
{
  saddle_test_rig_init (rig, widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_TANH,
                        SADDLE_LOSS_CROSS_ENTROPY, SAMPLES, 0.5, 17);
}

/* The single-process Hessian, built on every rank. */
static double *
single_hessian (SaddleTestRig *rig)
{
  g_autoptr(GError) error = NULL;
  double *h = saddle_hessian_dense (rig->model, rig->theta, &rig->batch, 0, NULL, NULL, NULL,
                                    &error);

  g_assert_no_error (error);
  return h;
}

static SaddleDistributedHessian *
distributed_hessian (SaddleProcessGrid *grid,
                     SaddleTestRig     *rig,
                     double            *asymmetry)
{
  g_autoptr(GError) error = NULL;
  SaddleDistributedHessian *h = saddle_distributed_hessian_new (grid, rig->P, BLOCK, &error);

  g_assert_no_error (error);
  saddle_distributed_hessian_build (h, rig->model, rig->theta, &rig->batch, NULL, NULL,
                                    asymmetry, &error);
  g_assert_no_error (error);
  return h;
}

static void
test_layout (void)
{
  for (gsize n = 1; n < 300; n += 37)
    for (gsize nb = 1; nb <= 64; nb *= 4)
      for (int p = 1; p <= 5; p++)
        {
          gsize sum = 0;

          for (int i = 0; i < p; i++)
            {
              gsize local = saddle_process_grid_local (n, nb, i, p);

              sum += local;
              /* Local indices map onto distinct globals owned by process i, in order. */
              for (gsize l = 0; l < local; l++)
                {
                  gsize gl = saddle_process_grid_global (l, nb, i, p);

                  g_assert_cmpuint (gl, <, n);
                  g_assert_cmpint ((int) ((gl / nb) % (gsize) p), ==, i);
                  if (l > 0)
                    g_assert_cmpuint (gl, >, saddle_process_grid_global (l - 1, nb, i, p));
                }
            }
          g_assert_cmpuint (sum, ==, n);
        }

  for (int p = 1; p <= 64; p++)
    {
      int r, c;

      saddle_process_grid_shape (p, &r, &c);
      g_assert_cmpint (r * c, ==, p);
      g_assert_cmpint (r, <=, c);
    }
}

/* Each rank's blocks equal the single-process H at their global places. */
static void
test_matrix (void)
{
  g_autoptr(SaddleProcessGrid) grid = saddle_process_grid_new (MPI_COMM_WORLD);
  g_autoptr(SaddleDistributedHessian) dh = NULL;
  g_autofree double *h = NULL;
  SaddleTestRig rig;
  double asymmetry, scale, worst = 0.0;

  rig_init (&rig);
  h = single_hessian (&rig);
  dh = distributed_hessian (grid, &rig, &asymmetry);
  scale = fabs (h[cblas_idamax ((int) (rig.P * rig.P), h, 1)]);
  g_assert_cmpfloat (scale, >, 0.0);
  g_assert_cmpfloat (asymmetry, <, 1e-12);

  for (gsize lc = 0; lc < dh->local_cols; lc++)
    for (gsize lr = 0; lr < dh->local_rows; lr++)
      {
        gsize i = saddle_process_grid_global (lr, BLOCK, grid->row, grid->rows);
        gsize j = saddle_process_grid_global (lc, BLOCK, grid->col, grid->cols);
        double a = dh->local[lc * dh->local_rows + lr];

        worst = MAX (worst, fabs (a - h[i * rig.P + j]));
        /* Exactly symmetric, as the single-process matrix. */
        g_assert_cmpfloat (a, ==, 0.5 * (a + a));
      }
  g_assert_cmpfloat (worst, <=, 1e-13 * scale);
  saddle_test_rig_clear (&rig);
}

static void
check_solver (SaddleDistributedSolver solver)
{
  g_autoptr(SaddleProcessGrid) grid = saddle_process_grid_new (MPI_COMM_WORLD);
  g_autoptr(SaddleDistributedHessian) dh = NULL;
  g_autoptr(SaddleSpectrum) single = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *h = NULL;
  g_autofree double *h_copy = NULL;
  g_autofree double *values = NULL;
  g_autofree double *vectors = NULL;
  g_autofree double *hv = NULL;
  SaddleTestRig rig;
  const gsize k = 3;
  gsize n;

  rig_init (&rig);
  n = rig.P;
  h = single_hessian (&rig);
  h_copy = g_memdup2 (h, n * n * sizeof (double));
  single = saddle_spectrum_compute (h_copy, n, 1e-6, &error);
  g_assert_no_error (error);

  dh = distributed_hessian (grid, &rig, NULL);
  values = saddle_distributed_hessian_eigen (dh, solver, 2 * k, &vectors, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpfloat (fabs (values[i] - single->eigenvalues[i]), <=, 1e-12 * single->max_abs);

  /* Rank 0 has the k lowest and k highest unit eigenvectors: ‖H·v − λ·v‖ at rounding level. */
  if (grid->rank == 0)
    {
      hv = g_new (double, n);
      for (gsize j = 0; j < 2 * k; j++)
        {
          const double *v = vectors + j * n;
          double lambda = values[j < k ? j : n - 2 * k + j], residual = 0.0;

          cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) n, (int) n, 1.0, h, (int) n, v, 1,
                       0.0, hv, 1);
          for (gsize i = 0; i < n; i++)
            residual = MAX (residual, fabs (hv[i] - lambda * v[i]));
          g_assert_cmpfloat (fabs (cblas_dnrm2 ((int) n, v, 1) - 1.0), <, 1e-12);
          g_assert_cmpfloat (residual, <, 1e-11 * single->max_abs);
        }
    }
  else
    g_assert_null (vectors);
  saddle_test_rig_clear (&rig);
}

static void
test_elpa (void)
{
  check_solver (SADDLE_DISTRIBUTED_ELPA);
}

static void
test_scalapack (void)
{
  check_solver (SADDLE_DISTRIBUTED_SCALAPACK);
}

/* A non-finite parameter poisons the columns of one rank; every rank refuses together. */
static void
test_not_finite (void)
{
  g_autoptr(SaddleProcessGrid) grid = saddle_process_grid_new (MPI_COMM_WORLD);
  g_autoptr(SaddleDistributedHessian) dh = NULL;
  g_autoptr(GError) error = NULL;
  SaddleTestRig rig;

  rig_init (&rig);
  rig.theta[rig.P - 1] = NAN;   /* the last bias: only some entries of H see it */
  dh = saddle_distributed_hessian_new (grid, rig.P, BLOCK, &error);
  g_assert_no_error (error);
  g_assert_false (saddle_distributed_hessian_build (dh, rig.model, rig.theta, &rig.batch, NULL,
                                                    NULL, NULL, &error));
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_NOT_FINITE);
  saddle_test_rig_clear (&rig);
}

static gboolean
stop_on_last_rank_cb (double   fraction,
                      gpointer user_data)
{
  const SaddleProcessGrid *grid = user_data;

  return grid->rank != grid->size - 1 || fraction < 0.5;
}

/* Cancelled on one rank, the build stops on all of them. */
static void
test_cancel (void)
{
  g_autoptr(SaddleProcessGrid) grid = saddle_process_grid_new (MPI_COMM_WORLD);
  g_autoptr(SaddleDistributedHessian) dh = NULL;
  g_autoptr(GError) error = NULL;
  SaddleTestRig rig;

  rig_init (&rig);
  dh = saddle_distributed_hessian_new (grid, rig.P, BLOCK, &error);
  g_assert_no_error (error);
  g_assert_false (saddle_distributed_hessian_build (dh, rig.model, rig.theta, &rig.batch,
                                                    stop_on_last_rank_cb, grid, NULL, &error));
  g_assert_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED);
  saddle_test_rig_clear (&rig);
}

/* The plan: more ranks, less per rank; the fewest ranks found do fit and one fewer does not. */
static void
test_plan (void)
{
  SaddleDistributedPlan plan, previous;
  gsize n = 79510;
  int fewest;

  for (int p = 1; p <= 64; p *= 2)
    {
      saddle_distributed_plan_init (&plan, n, p, 64, SADDLE_DISTRIBUTED_ELPA, 0, 0);
      g_assert_cmpuint (plan.matrix, >=, n * n * sizeof (double) / (gsize) p);
      g_assert_cmpuint (plan.total, >=, plan.per_rank);
      if (p > 1)
        g_assert_cmpuint (plan.per_rank, <, previous.per_rank);
      previous = plan;
    }
  saddle_distributed_plan_init (&plan, n, 1, 64, SADDLE_DISTRIBUTED_SCALAPACK, 0, 0);
  g_assert_cmpuint (plan.eigen, >=, 3 * plan.matrix);   /* Z and 2·NP·NQ of workspace */

  fewest = saddle_distributed_plan_fewest_ranks (n, 64, SADDLE_DISTRIBUTED_ELPA, 0, 0,
                                                 (gsize) 4 << 30, 4096);
  g_assert_cmpint (fewest, >, 1);
  saddle_distributed_plan_init (&plan, n, fewest, 64, SADDLE_DISTRIBUTED_ELPA, 0, 0);
  g_assert_cmpuint (plan.per_rank, <=, (gsize) 4 << 30);
  saddle_distributed_plan_init (&plan, n, fewest - 1, 64, SADDLE_DISTRIBUTED_ELPA, 0, 0);
  g_assert_cmpuint (plan.per_rank, >, (gsize) 4 << 30);
}

int
main (int   argc,
      char *argv[])
{
  int rank, status;

  MPI_Init (&argc, &argv);
  MPI_Comm_rank (MPI_COMM_WORLD, &rank);
  /* One TAP stream: the other ranks' results reach the run through their exit status. */
  if (rank != 0 && freopen ("/dev/null", "w", stdout) == NULL)
    return 1;
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mpi/grid/layout", test_layout);
  g_test_add_func ("/mpi/plan/sizes", test_plan);
  g_test_add_func ("/mpi/hessian/matrix", test_matrix);
  g_test_add_func ("/mpi/hessian/elpa", test_elpa);
  g_test_add_func ("/mpi/hessian/scalapack", test_scalapack);
  g_test_add_func ("/mpi/hessian/not-finite", test_not_finite);
  g_test_add_func ("/mpi/hessian/cancel", test_cancel);
  status = g_test_run ();
  MPI_Finalize ();
  return status;
}
