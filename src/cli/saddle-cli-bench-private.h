/* saddle-cli-bench-private.h — what the bench's files share: its record of results */
#pragma once

#include <json-glib/json-glib.h>

#include "saddle-cli-options.h"

G_BEGIN_DECLS

typedef struct
{
  JsonBuilder *builder;
  gboolean     quick;         /* tiny sizes: the rates say little */
  double       min_measure;   /* seconds */
  gsize        hvp_block;     /* directions per HVP block */
  double       dgemm_rate;    /* FLOP/s of DGEMM on the bench's threads: the ceiling */
  double       dgemm_cpu_rate;/* its FLOPs per CPU second: the ceiling of CPU-time rates */
  double       descent_step;  /* FLOPs of one step of the critical run's descent, as it ran */
  double       training_run;  /* FLOPs of its training, its evaluations as they ran */
  gsize        eigen_solved;  /* rows its eigensolve took (the exactly zero ones set aside) */
  gsize        hessian_live;  /* parameters its Hessian build's Gauss–Newton product took */
  guint        failed;
} Bench;

/* Monotonic wall-clock seconds. */
double saddle_cli_bench_now            (void);
/* The 1-minute load average (/proc/loadavg), or NAN: every timing is quoted with it. */
double saddle_cli_bench_load_average   (void);
/* One result: printed as a line (size, time, rate, FLOPs and the share of DGEMM when @flops is
 * finite) and added to bench.json. */
void   saddle_cli_bench_record         (Bench                  *bench,
                                        const char             *name,
                                        const char             *size,
                                        double                  seconds,
                                        double                  cpu_seconds,
                                        double                  rate,
                                        const char             *rate_unit,
                                        double                  flops);
/* A measurement that could not run: its reason, printed and in bench.json. */
void   saddle_cli_bench_skipped        (Bench                  *bench,
                                        const char             *name,
                                        const GError           *error);

/* saddle-cli-bench-mpi.c: --mpi (critical on 1 and 2 ranks) and --mpi --hessian. */
void   saddle_cli_bench_mpi            (Bench                  *bench,
                                        const SaddleCliOptions *options);
void   saddle_cli_bench_mpi_hessian    (Bench                  *bench,
                                        const SaddleCliOptions *options);

G_END_DECLS
