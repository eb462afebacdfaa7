/* saddle-density.h — an eigenvalue density from quadrature nodes and weights
 *
 * Stochastic Lanczos quadrature (saddle_lanczos_slq()) gives, for each probe
 * vector, Ritz values (nodes) and the squared first components of the
 * tridiagonal's eigenvectors (weights, summing to 1 per probe). Their average
 * is a discrete measure that matches the spectrum's moments; smoothing each
 * node with a Gaussian of width sigma turns it into a curve that can be drawn.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_DENSITY_ERROR (saddle_density_error_quark ())

typedef enum
{
  SADDLE_DENSITY_ERROR_INVALID,     /* no nodes, a zero grid, NaN or negative weights */
} SaddleDensityError;

/* Points of the grid when the caller passes 0. */
#define SADDLE_DENSITY_DEFAULT_GRID   512
/* Automatic Gaussian width, as a share of the nodes' span (max − min). */
#define SADDLE_DENSITY_AUTO_SIGMA     0.01
/* The grid reaches this many sigmas beyond the extreme nodes. */
#define SADDLE_DENSITY_PAD_SIGMAS     5.0

typedef struct
{
  gsize   n_grid;
  double *x;           /* (n_grid) ascending, evenly spaced over [min node − pad, max node + pad] */
  double *density;     /* (n_grid) smoothed density; its trapezoid integral over x is 1 */
  double  sigma;       /* Gaussian width used (absolute, in eigenvalue units) */
  guint   probes;
  guint   iterations;  /* nodes per probe (Lanczos steps) */
  double *nodes;       /* (probes, iterations) Ritz values, ascending within each probe */
  double *weights;     /* (probes, iterations) quadrature weights; each probe's row sums to 1 */
  gsize   dimension;   /* size n of the operator: mass × dimension estimates eigenvalue counts */
} SaddleDensity;

GQuark         saddle_density_error_quark (void);

/* Density from @probes rows of @iterations nodes and weights (copied); @n_grid 0 = default,
 * @sigma ≤ 0 or NaN = automatic (SADDLE_DENSITY_AUTO_SIGMA of the nodes' span). */
SaddleDensity *saddle_density_new   (const double *nodes,
                                     const double *weights,
                                     guint         probes,
                                     guint         iterations,
                                     gsize         dimension,
                                     gsize         n_grid,
                                     double        sigma,
                                     GError      **error);
/* ∫ λ ρ(λ) dλ of the smoothed measure (= Σ w·θ / probes): estimates trace / n. */
double         saddle_density_mean  (const SaddleDensity *density);
/* Share of the smoothed measure in [@lo, @hi] (exact Gaussian integrals, not the grid). */
double         saddle_density_mass  (const SaddleDensity *density,
                                     double               lo,
                                     double               hi);
SaddleDensity *saddle_density_copy  (const SaddleDensity *density);
void           saddle_density_free  (SaddleDensity *density);
/* x,density: the smoothed density on its grid, full precision; the error names what it holds. */
gboolean       saddle_density_write_csv (const SaddleDensity *density,
                                         const char          *path,
                                         GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleDensity, saddle_density_free)

G_END_DECLS
