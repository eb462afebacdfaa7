/* saddle-density.c — an eigenvalue density from quadrature nodes and weights */
#define G_LOG_DOMAIN "saddle-density"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-csv.h"
#include "saddle-density.h"

G_DEFINE_QUARK (saddle-density-error-quark, saddle_density_error)

/* Nodes farther than this many sigmas from a grid point add less than
 * e^-32 ≈ 1e-14 of their peak there: skipping them changes nothing visible
 * and keeps a wide grid over a few thousand nodes cheap. */
#define CUTOFF_SIGMAS 8.0

/* The smoothed measure's mass in (−∞, x] from one node: Φ((x − θ)/σ), by
 * erfc so the far tails keep their relative accuracy. */
static inline double
gaussian_cdf (double x,
              double theta,
              double sigma)
{
  return 0.5 * erfc (-(x - theta) / (sigma * G_SQRT2));
}

static double
auto_sigma (double lo,
            double hi)
{
  double span = hi - lo;

  /* One node, or all nodes equal (the zero operator): a width from the
   * value's own size, so the bump is visible around it on any axis. */
  if (!(span > 0.0))
    span = MAX (fabs (hi), 1.0);

  return SADDLE_DENSITY_AUTO_SIGMA * span;
}

SaddleDensity *
saddle_density_new (const double *nodes,
                    const double *weights,
                    guint         probes,
                    guint         iterations,
                    gsize         dimension,
                    gsize         n_grid,
                    double        sigma,
                    GError      **error)
{
  g_autoptr(SaddleDensity) density = NULL;
  gsize count;
  double lo = INFINITY, hi = -INFINITY;
  double pad, step, integral, norm, last;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (probes == 0 || iterations == 0 || nodes == NULL || weights == NULL)
    {
      g_set_error (error, SADDLE_DENSITY_ERROR, SADDLE_DENSITY_ERROR_INVALID,
                   "A spectral density needs at least one probe with one node "
                   "(got %u probes of %u nodes)", probes, iterations);
      return NULL;
    }

  if (n_grid == 0)
    n_grid = SADDLE_DENSITY_DEFAULT_GRID;
  if (n_grid < 2)
    {
      g_set_error (error, SADDLE_DENSITY_ERROR, SADDLE_DENSITY_ERROR_INVALID,
                   "A density grid needs at least 2 points, not %" G_GSIZE_FORMAT, n_grid);
      return NULL;
    }

  count = (gsize) probes * iterations;
  for (gsize i = 0; i < count; i++)
    {
      if (!isfinite (nodes[i]) || !isfinite (weights[i]) || weights[i] < 0.0)
        {
          g_set_error (error, SADDLE_DENSITY_ERROR, SADDLE_DENSITY_ERROR_INVALID,
                       "Quadrature node %" G_GSIZE_FORMAT " of the spectral density is "
                       "not usable (node %g, weight %g): the operator is not finite",
                       i, nodes[i], weights[i]);
          return NULL;
        }
      lo = MIN (lo, nodes[i]);
      hi = MAX (hi, nodes[i]);
    }

  density = g_new0 (SaddleDensity, 1);
  density->n_grid = n_grid;
  density->probes = probes;
  density->iterations = iterations;
  density->dimension = dimension;
  density->sigma = (sigma > 0.0 && isfinite (sigma)) ? sigma : auto_sigma (lo, hi);
  density->nodes = g_memdup2 (nodes, count * sizeof (double));
  density->weights = g_memdup2 (weights, count * sizeof (double));
  density->x = g_new (double, n_grid);
  density->density = g_new0 (double, n_grid);

  pad = SADDLE_DENSITY_PAD_SIGMAS * density->sigma;
  step = (hi - lo + 2.0 * pad) / (double) (n_grid - 1);
  if (!(step > 0.0) || !isfinite (step))
    {
      g_set_error (error, SADDLE_DENSITY_ERROR, SADDLE_DENSITY_ERROR_INVALID,
                   "A Gaussian width of %g cannot span the nodes in [%g, %g]: "
                   "choose a larger width", density->sigma, lo, hi);
      return NULL;
    }
  for (gsize g = 0; g < n_grid; g++)
    density->x[g] = (lo - pad) + step * (double) g;

  /* Each node spreads its weight over the grid points within the cutoff;
   * walking nodes outside and the few grid points they reach inside costs
   * O(nodes · reach) instead of O(nodes · n_grid). */
  last = (double) (n_grid - 1);
  norm = 1.0 / (density->sigma * sqrt (2.0 * G_PI) * (double) probes);
  for (gsize i = 0; i < count; i++)
    {
      double theta = nodes[i];
      double w = weights[i] * norm;
      double reach = CUTOFF_SIGMAS * density->sigma;
      gsize g0, g1;

      if (w == 0.0)
        continue;

      g0 = (gsize) CLAMP (floor ((theta - reach - density->x[0]) / step), 0.0, last);
      g1 = (gsize) CLAMP (ceil ((theta + reach - density->x[0]) / step), 0.0, last);
      for (gsize g = g0; g <= g1; g++)
        {
          double z = (density->x[g] - theta) / density->sigma;

          density->density[g] += w * exp (-0.5 * z * z);
        }
    }

  /* The mixture integrates to 1 over the real line; on the truncated grid
   * the trapezoid rule sees a hair less (and a coarse grid may see a bit
   * more or less), so rescale to make the curve a density as drawn. */
  integral = 0.0;
  for (gsize g = 0; g + 1 < n_grid; g++)
    integral += 0.5 * step * (density->density[g] + density->density[g + 1]);
  if (integral > 0.0)
    for (gsize g = 0; g < n_grid; g++)
      density->density[g] /= integral;

  return g_steal_pointer (&density);
}

double
saddle_density_mean (const SaddleDensity *density)
{
  gsize count;
  double sum = 0.0;

  g_return_val_if_fail (density != NULL, NAN);

  /* The Gaussian kernel is symmetric, so smoothing leaves the mean alone. */
  count = (gsize) density->probes * density->iterations;
  for (gsize i = 0; i < count; i++)
    sum += density->weights[i] * density->nodes[i];

  return sum / (double) density->probes;
}

double
saddle_density_mass (const SaddleDensity *density,
                     double               lo,
                     double               hi)
{
  gsize count;
  double sum = 0.0;

  g_return_val_if_fail (density != NULL, NAN);

  if (isnan (lo) || isnan (hi))
    return NAN;
  if (!(hi > lo))
    return 0.0;

  count = (gsize) density->probes * density->iterations;
  for (gsize i = 0; i < count; i++)
    {
      double theta = density->nodes[i];
      double sigma = density->sigma;

      sum += density->weights[i] * (gaussian_cdf (hi, theta, sigma) -
                                    gaussian_cdf (lo, theta, sigma));
    }

  return sum / (double) density->probes;
}

SaddleDensity *
saddle_density_copy (const SaddleDensity *density)
{
  SaddleDensity *copy;
  gsize count;

  g_return_val_if_fail (density != NULL, NULL);

  count = (gsize) density->probes * density->iterations;
  copy = g_memdup2 (density, sizeof *density);
  copy->x = g_memdup2 (density->x, density->n_grid * sizeof (double));
  copy->density = g_memdup2 (density->density, density->n_grid * sizeof (double));
  copy->nodes = g_memdup2 (density->nodes, count * sizeof (double));
  copy->weights = g_memdup2 (density->weights, count * sizeof (double));

  return copy;
}

void
saddle_density_free (SaddleDensity *density)
{
  if (density == NULL)
    return;

  g_free (density->x);
  g_free (density->density);
  g_free (density->nodes);
  g_free (density->weights);
  g_free (density);
}

gboolean
saddle_density_write_csv (const SaddleDensity *density,
                          const char          *path,
                          GError             **error)
{
  g_autoptr(SaddleCsv) csv = saddle_csv_new ("x,density", 48 * density->n_grid);

  for (gsize i = 0; i < density->n_grid; i++)
    {
      saddle_csv_add_double (csv, density->x[i]);
      saddle_csv_add_double (csv, density->density[i]);
      saddle_csv_end_row (csv);
    }
  if (!saddle_csv_write (csv, path, error))
    {
      g_prefix_error (error, "Cannot write the eigenvalue density: ");
      return FALSE;
    }
  return TRUE;
}
