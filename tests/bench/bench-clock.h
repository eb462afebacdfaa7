/* bench-clock.h — the benchmarks' clock: process CPU time, best of blocks, DGEMM's rate
 *
 * The machine is shared, so the benchmarks time in CPU seconds of this process and keep the
 * best of several blocks; the rate they set their FLOP counts against is DGEMM's at 512³,
 * measured the same way in the same run.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*BenchWork) (gpointer data);

/* CPU seconds this process has used (all its threads). */
double bench_cpu_seconds (void);
/* The best of @blocks blocks of @reps calls of @work, in CPU seconds per call. */
double bench_best_of     (BenchWork work,
                          gpointer  data,
                          guint     blocks,
                          guint     reps);
/* DGEMM's rate at 512 × 512 × 512 on the threads OpenBLAS runs, in FLOP per CPU second, the
 * best of 5 blocks of 10. */
double bench_dgemm_rate  (void);

G_END_DECLS
