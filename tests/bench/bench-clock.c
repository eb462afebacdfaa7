/* bench-clock.c — the benchmarks' clock (see bench-clock.h) */
#include "config.h"

#include <time.h>

#include <cblas.h>

#include "bench-clock.h"
#include "saddle-flops.h"

double
bench_cpu_seconds (void)
{
  struct timespec t;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

double
bench_best_of (BenchWork work,
               gpointer  data,
               guint     blocks,
               guint     reps)
{
  double best = G_MAXDOUBLE;

  for (guint b = 0; b < blocks; b++)
    {
      double t0 = bench_cpu_seconds ();

      for (guint r = 0; r < reps; r++)
        work (data);
      best = MIN (best, (bench_cpu_seconds () - t0) / reps);
    }
  return best;
}

typedef struct
{
  const double *a, *b;
  double       *c;
} Square;

static void
square_product (gpointer data)
{
  Square *s = data;

  cblas_dgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, 512, 512, 512, 1.0, s->a, 512, s->b,
               512, 0.0, s->c, 512);
}

double
bench_dgemm_rate (void)
{
  g_autofree double *m = g_new (double, 3 * 512 * 512);
  Square s = { m, m + 512 * 512, m + 2 * 512 * 512 };

  for (gsize i = 0; i < 3 * 512 * 512; i++)
    m[i] = (double) (i % 97) / 97.0;
  return saddle_flops_dgemm (512, 512, 512) / bench_best_of (square_product, &s, 5, 10);
}
