/* bench-eigen.c — one dense symmetric eigenvalue solve, timed, with its peak memory
 *
 *   bench-eigen SOLVER N [THREADS [SEED [VALUES-FILE]]]
 *
 * SOLVER: dsyevd (one-stage, JOBZ='N'), dsyevd_2stage (what saddle-spectrum.c calls above
 * n = 2,048), dsyev_2stage (JOBZ='N'), dsyevr (JOBZ='N', RANGE='A'), or sy2sb-KD: the two
 * stages by hand (dsytrd_sy2sb, dsytrd_sb2st, dsterf) with band width KD, to try block sizes
 * that dsyevd_2stage does not let a caller choose: it takes KD from IPARAM2STAGE, 32 for double
 * precision where LAPACK is built without OpenMP, as in Debian's pthread OpenBLAS (64 with 2–4
 * OpenMP threads), and there its bulge-chasing second stage runs on one thread.
 *
 * The matrix: N × N with a spectrum shaped like the critical study's Hessians (a few hundred
 * clearly positive eigenvalues, a few dozen negative, the rest in a narrow band around zero):
 * A·Aᵀ − B·Bᵀ + ε·G with A (N × 256) and B (N × 32) Gaussian and G a symmetric Gaussian matrix,
 * built with two dsyrk calls (seconds, where an exact Q·Λ·Qᵀ would cost 2N³). The reduction to
 * tridiagonal form costs the same whatever the values; only the cheap O(N²) tridiagonal stage
 * sees them.
 *
 * Prints one JSON line: seconds of the solve alone (wall clock, and CPU over all threads), the
 * peak resident memory of the process
 * during the solve (VmHWM, reset just before it) and the resident memory just before the solve
 * (the matrix in place, with the program and its libraries), both also
 * as multiples of 8N² bytes, and the smallest and largest eigenvalue. VALUES-FILE receives the
 * N eigenvalues (ascending, raw doubles) for a comparison between solvers. One solve per
 * process, so that each peak is the solver's own. Not a meson benchmark (minutes at 16,330):
 * tests/bench/torch/README.md says how it was run.
 */
#define G_LOG_DOMAIN "saddle-bench-eigen"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <glib.h>
#include <lapacke.h>

#include "bench-clock.h"
#include "saddle-rng.h"

#define POSITIVE_RANK 256
#define NEGATIVE_RANK 32
#define BAND_SCALE    1e-9

/* LAPACK's two stages and its tridiagonal QR, called directly (no LAPACKE wrapper takes KD). */
extern void dsytrd_sy2sb_ (const char *uplo, const int *n, const int *kd, double *a,
                           const int *lda, double *ab, const int *ldab, double *tau,
                           double *work, const int *lwork, int *info, size_t uplo_len);
extern void dsytrd_sb2st_ (const char *stage1, const char *vect, const char *uplo, const int *n,
                           const int *kd, double *ab, const int *ldab, double *d, double *e,
                           double *hous, const int *lhous, double *work, const int *lwork,
                           int *info, size_t stage1_len, size_t vect_len, size_t uplo_len);
extern void dsterf_ (const int *n, double *d, double *e, int *info);

static double
now_s (void)
{
  return g_get_monotonic_time () / (double) G_TIME_SPAN_SECOND;
}

/* Starts the peak (VmHWM) again from the resident memory now, so that the peak measured is
 * the solve's and not the matrix construction's (Linux: "5" into clear_refs). */
static void
reset_peak (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");

  if (f != NULL)
    {
      fputs ("5", f);
      fclose (f);
    }
}

/* Resident memory now (VmRSS) and at its peak (VmHWM), in bytes, from /proc/self/status. */
static void
resident (double *now,
          double *peak)
{
  g_autofree char *text = NULL;
  const char *line;

  *now = *peak = NAN;
  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL))
    return;
  if ((line = strstr (text, "VmRSS:")) != NULL)
    *now = g_ascii_strtod (line + strlen ("VmRSS:"), NULL) * 1024.0;
  if ((line = strstr (text, "VmHWM:")) != NULL)
    *peak = g_ascii_strtod (line + strlen ("VmHWM:"), NULL) * 1024.0;
}

static double *
random_matrix (gsize   n,
               guint64 seed)
{
  g_autofree double *a = g_new (double, n * POSITIVE_RANK);
  g_autofree double *b = g_new (double, n * NEGATIVE_RANK);
  double *h = g_new (double, n * n);
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < n * POSITIVE_RANK; i++)
    a[i] = saddle_rng_normal (&rng) / sqrt ((double) n);
  for (gsize i = 0; i < n * NEGATIVE_RANK; i++)
    b[i] = 0.1 * saddle_rng_normal (&rng) / sqrt ((double) n);
  cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans, n, POSITIVE_RANK, 1.0, a, POSITIVE_RANK,
               0.0, h, n);
  cblas_dsyrk (CblasRowMajor, CblasLower, CblasNoTrans, n, NEGATIVE_RANK, -1.0, b, NEGATIVE_RANK,
               1.0, h, n);
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j <= i; j++)
      {
        h[i * n + j] += BAND_SCALE * saddle_rng_normal (&rng);
        h[j * n + i] = h[i * n + j];
      }
  return h;
}

/* The two stages with band width @kd, then dsterf: what dsyevd_2stage does for JOBZ='N'. */
static int
two_stage_by_hand (double *h,
                   int     n,
                   int     kd,
                   double *w)
{
  int ldab = kd + 1, info = 0, query = -1, lwork, lhous;
  double size[2], hous_size;
  g_autofree double *ab = g_new0 (double, (gsize) ldab * n);
  g_autofree double *tau = g_new (double, MAX (n - kd, 1));
  g_autofree double *e = g_new (double, MAX (n - 1, 1));
  g_autofree double *work = NULL;
  g_autofree double *hous = NULL;

  dsytrd_sy2sb_ ("L", &n, &kd, h, &n, ab, &ldab, tau, size, &query, &info, 1);
  if (info != 0)
    return info;
  lwork = (int) size[0];
  work = g_new (double, MAX (lwork, 1));
  dsytrd_sy2sb_ ("L", &n, &kd, h, &n, ab, &ldab, tau, work, &lwork, &info, 1);
  if (info != 0)
    return info;
  g_clear_pointer (&work, g_free);

  dsytrd_sb2st_ ("Y", "N", "L", &n, &kd, ab, &ldab, w, e, &hous_size, &query, size, &query,
                 &info, 1, 1, 1);
  if (info != 0)
    return info;
  lhous = (int) hous_size;
  lwork = (int) size[0];
  hous = g_new (double, MAX (lhous, 1));
  work = g_new (double, MAX (lwork, 1));
  dsytrd_sb2st_ ("Y", "N", "L", &n, &kd, ab, &ldab, w, e, hous, &lhous, work, &lwork, &info,
                 1, 1, 1);
  if (info != 0)
    return info;
  dsterf_ (&n, w, e, &info);
  return info;
}

static int
solve (const char *solver,
       double     *h,
       int         n,
       double     *w)
{
  if (g_str_equal (solver, "dsyevd"))
    return LAPACKE_dsyevd (LAPACK_COL_MAJOR, 'N', 'L', n, h, n, w);
  if (g_str_equal (solver, "dsyevd_2stage"))
    return LAPACKE_dsyevd_2stage (LAPACK_COL_MAJOR, 'N', 'L', n, h, n, w);
  if (g_str_equal (solver, "dsyev_2stage"))
    return LAPACKE_dsyev_2stage (LAPACK_COL_MAJOR, 'N', 'L', n, h, n, w);
  if (g_str_equal (solver, "dsyevr"))
    {
      lapack_int found = 0;
      g_autofree lapack_int *support = g_new (lapack_int, 2 * (gsize) n);
      double z = 0.0;

      return LAPACKE_dsyevr (LAPACK_COL_MAJOR, 'N', 'A', 'L', n, h, n, 0.0, 0.0, 0, 0, 0.0,
                             &found, w, &z, 1, support);
    }
  if (g_str_has_prefix (solver, "sy2sb-"))
    return two_stage_by_hand (h, n, atoi (solver + strlen ("sy2sb-")), w);
  g_printerr ("unknown solver %s\n", solver);
  exit (2);
}

int
main (int   argc,
      char *argv[])
{
  const char *solver, *values_path;
  gsize n = 0;
  int threads, info;
  guint64 seed;
  double *h, start, seconds, cpu_start, cpu, before, peak, unused, matrix_bytes;
  g_autofree double *w = NULL;

  if (argc < 3)
    {
      g_printerr ("usage: %s SOLVER N [THREADS [SEED [VALUES-FILE]]]\n", argv[0]);
      return 2;
    }
  solver = argv[1];
  threads = argc > 3 ? atoi (argv[3]) : 1;
  seed = argc > 4 ? g_ascii_strtoull (argv[4], NULL, 10) : 1;
  values_path = argc > 5 ? argv[5] : NULL;
  openblas_set_num_threads (threads);

  n = g_ascii_strtoull (argv[2], NULL, 10);
  if (n == 0)
    {
      g_printerr ("N must be a positive number, got %s\n", argv[2]);
      return 2;
    }
  h = random_matrix (n, seed);
  w = g_new (double, n);
  matrix_bytes = 8.0 * n * n;
  reset_peak ();
  resident (&before, &unused);

  start = now_s ();
  /* CPU seconds, all threads: steadier than the wall clock on a machine shared with other jobs,
   * though OpenBLAS's waiting threads add to it. */
  cpu_start = bench_cpu_seconds ();
  info = solve (solver, h, (int) n, w);
  seconds = now_s () - start;
  cpu = bench_cpu_seconds () - cpu_start;
  resident (&unused, &peak);
  g_free (h);
  if (info != 0)
    {
      g_printerr ("%s failed: info %d\n", solver, info);
      return 1;
    }

  if (values_path != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!g_file_set_contents (values_path, (const char *) w, n * sizeof (double), &error))
        g_error ("%s", error->message);
    }
  printf ("{\"solver\": \"%s\", \"n\": %" G_GSIZE_FORMAT ", \"matrix\": \"%s\", \"threads\": %d, "
          "\"seconds\": %.3f, \"cpu_seconds\": %.3f, \"rss_before_bytes\": %.0f, "
          "\"peak_rss_bytes\": %.0f, "
          "\"rss_before_per_8n2\": %.4f, \"peak_per_8n2\": %.4f, \"min\": %.17g, "
          "\"max\": %.17g}\n",
          solver, n, "random", threads, seconds, cpu, before, peak,
          before / matrix_bytes, peak / matrix_bytes, w[0], w[n - 1]);
  return 0;
}
