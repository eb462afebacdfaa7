/* saddle-eigen-forecast.c — how long the dense eigensolve under way will still take */
#define G_LOG_DOMAIN "saddle-eigen-forecast"

#include "config.h"

#include <math.h>

#include "saddle-eigen-forecast.h"

/* The last measured solve of each kind: [0] values alone, [1] with vectors. */
typedef struct
{
  gsize  n;
  double seconds;
} Reference;

G_LOCK_DEFINE_STATIC (forecast);
static Reference reference[2];
static guint     running;          /* solves under way (parallel runs each have one) */
static gsize     running_n;        /* the one begun last */
static gboolean  running_vectors;
static gint64    running_since;

double
saddle_eigen_forecast_scale (double seconds,
                             gsize  m,
                             gsize  n)
{
  double ratio;

  if (m == 0 || !(seconds >= 0.0))
    return NAN;
  ratio = (double) n / (double) m;
  return seconds * ratio * ratio * ratio;
}

void
saddle_eigen_forecast_begin (gsize    n,
                             gboolean vectors)
{
  G_LOCK (forecast);
  running++;
  running_n = n;
  running_vectors = vectors;
  running_since = g_get_monotonic_time ();
  G_UNLOCK (forecast);
}

void
saddle_eigen_forecast_end (gsize    n,
                           gboolean vectors,
                           double   seconds)
{
  G_LOCK (forecast);
  if (running > 0)
    running--;
  if (n >= SADDLE_EIGEN_FORECAST_MIN_SIZE && seconds >= 0.0)
    reference[vectors ? 1 : 0] = (Reference) { n, seconds };
  G_UNLOCK (forecast);
}

double
saddle_eigen_forecast_remaining (void)
{
  double total = NAN, elapsed = 0.0;

  G_LOCK (forecast);
  if (running > 0)
    {
      const Reference *ref = &reference[running_vectors ? 1 : 0];

      if (ref->n > 0)
        total = saddle_eigen_forecast_scale (ref->seconds, ref->n, running_n);
      elapsed = (g_get_monotonic_time () - running_since) / (double) G_TIME_SPAN_SECOND;
    }
  G_UNLOCK (forecast);
  return isnan (total) ? NAN : MAX (total - elapsed, 0.0);
}
