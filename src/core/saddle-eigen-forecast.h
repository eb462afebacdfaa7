/* saddle-eigen-forecast.h — how long the dense eigensolve under way will still take
 *
 * LAPACK's dense eigensolvers cannot be interrupted, so a Stop during one can only say when it
 * will end. saddle_spectrum_compute() and saddle_spectrum_compute_vectors() report each solve
 * here; the forecast for size n scales the last measured solve of the same kind (values alone,
 * or with vectors), t seconds at size m, by (n/m)³, the order of the tridiagonal reduction
 * and of the back-transformation. Measured on this project's 2-core machines, one BLAS thread,
 * load 14.5: with vectors 0.96 s at n = 1,000 and 7.4 s at 2,000 (7.7×, the cube says 8×),
 * but 0.20 s at 500 (4.8× to 1,000): below about 1,000 the fixed costs still show, so a
 * forecast from a much smaller solve runs short. Solves smaller than
 * SADDLE_EIGEN_FORECAST_MIN_SIZE are not used. Threads: a process-wide record under a lock.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Smaller solves are overhead, not n³: no reference for a forecast. */
#define SADDLE_EIGEN_FORECAST_MIN_SIZE 500

/* @seconds measured at size @m, scaled to size @n by (n/m)³; NAN unless m > 0, seconds ≥ 0. */
double   saddle_eigen_forecast_scale     (double   seconds,
                                          gsize    m,
                                          gsize    n);
/* A solve of size @n (@vectors: with eigenvectors) starts now. */
void     saddle_eigen_forecast_begin     (gsize    n,
                                          gboolean vectors);
/* The solve begun last took @seconds (NAN: it failed); its size and kind become the reference. */
void     saddle_eigen_forecast_end       (gsize    n,
                                          gboolean vectors,
                                          double   seconds);
/* Seconds until the solve under way (the one begun last) ends: its forecast less the time it
 * has run, at least 0; NAN when none is under way or no solve of its kind was measured. */
double   saddle_eigen_forecast_remaining (void);

G_END_DECLS
