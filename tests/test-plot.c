/* test-plot.c — axes, decimation, legends, contours and the figures (the result containers
 * and their files: test-containers.c) */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-axis.h"
#include "saddle-chart.h"
#include "saddle-colormap.h"
#include "saddle-contour.h"
#include "saddle-critical-set.h"
#include "saddle-density.h"
#include "saddle-exact-reach.h"
#include "saddle-figures.h"
#include "saddle-ground-truth.h"
#include "saddle-history.h"
#include "saddle-palette.h"
#include "saddle-rng.h"
#include "saddle-slice.h"
#include "saddle-text.h"
#include "saddle-spectrum.h"
#include "saddle-surface.h"
#include "saddle-test-util.h"
#include "saddle-trajectory.h"
#include "saddle-weights.h"

#ifndef WIDTH
#define WIDTH 900
#define HEIGHT 600
#endif

/* ------------------------------------------------------------ fixtures */

/* Three runs of a classifier-like loss (two decades down) and a noisy
 * gradient norm, each run on its own level so no line hides another. */
static SaddleHistory *
make_history (guint n_runs,
              guint n_steps)
{
  SaddleHistory *history = saddle_history_new ();
  SaddleRng rng;

  saddle_rng_init (&rng, 7);
  for (guint step = 1; step <= n_steps; step++)
    for (guint run = 0; run < n_runs; run++)
      {
        SaddleIterationRecord rec = {
          .run = run,
          .epoch = 1 + (step - 1) / 5,
          .iteration = step,
          .loss = ((2.3 - 0.3 * run) * exp (-(double) step / (60.0 + 40 * run)) + 0.005 * (run + 1))
                  * (1.0 + 0.15 * saddle_rng_uniform (&rng)),
          .grad_norm = (1.5 + run) * exp (-(double) step / 150.0) * (0.6 + 0.8 * saddle_rng_uniform (&rng)),
        };

        saddle_history_add_iteration (history, &rec);
      }
  for (guint run = 0; run < n_runs; run++)
    for (guint epoch = 0; epoch <= n_steps / 5; epoch++)
      {
        /* The whole set per epoch: each run's noiseless trend, its ‖∇L‖ below the steps'. */
        SaddleEpochRecord rec = {
          .run = run, .epoch = epoch, .iteration = epoch * 5,
          .loss = (2.3 - 0.3 * run) * exp (-(double) epoch * 5 / (60.0 + 40 * run)) + 0.005 * (run + 1),
          .accuracy = run == 1 ? NAN : 0.1 + 0.02 * epoch,
          .grad_norm = 0.3 * (1.5 + run) * exp (-(double) epoch * 5 / 150.0),
        };

        saddle_history_add_epoch (history, &rec);
      }
  return history;
}

/* The trend the caller of saddle_figure_critical() hands it, computed into @buf. */
static const SaddleCriticalTrend *
trend_of (const SaddleCriticalSet *set,
          SaddleCriticalRatio      ratio,
          SaddleCriticalTrend     *buf)
{
  saddle_critical_trend_compute (set, ratio, buf);
  return buf;
}

/* A spectrum like the homework's: a big near-zero bulk, a spread of
 * positive curvature over five decades, a few negative directions. */
static double *
make_eigenvalues (guint  seed,
                  gsize  n,
                  gsize  n_negative,
                  gsize  n_zero)
{
  double *values = g_new (double, n);
  SaddleRng rng;

  saddle_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    {
      if (i < n_negative)
        values[i] = -pow (10.0, -3.0 + 2.5 * saddle_rng_uniform (&rng));
      else if (i < n_negative + n_zero)
        values[i] = 1e-14 * saddle_rng_normal (&rng);
      else
        values[i] = pow (10.0, -4.0 + 5.5 * saddle_rng_uniform (&rng));
    }
  return values;
}

static SaddleCriticalSet *
make_critical_set (guint n_points)
{
  SaddleCriticalSet *set = saddle_critical_set_new (1e-6);
  SaddleRng rng;

  saddle_rng_init (&rng, 3);
  for (guint i = 0; i < n_points; i++)
    {
      gsize n_negative = i % 3 == 0 ? 0 : 5 + i % 17;
      g_autofree double *values = make_eigenvalues (i + 1, 400, n_negative, 150 + (i * 7) % 100);
      double loss = pow (10.0, -3.0 + 2.5 * saddle_rng_uniform (&rng));
      g_autoptr(SaddleCriticalPoint) point =
        saddle_test_critical_point_new (i, loss, values, 400, 1e-6,
                    n_negative == 0 ? SADDLE_CRITICAL_MINIMUM : SADDLE_CRITICAL_SADDLE);

      saddle_critical_set_add (set, point);
    }
  return set;
}

/* ------------------------------------------------------------ issue 4: surface, trend, density */

#define BANDS 12

/* A density and an exact spectrum of the same made-up Hessian. */
static void
make_density (SaddleDensity  **density,
              SaddleSpectrum **dense)
{
  const guint probes = 6, iterations = 30;
  const gsize n = 600;
  g_autofree double *values = make_eigenvalues (9, n, 20, 200);
  g_autofree double *nodes = g_new (double, probes * iterations);
  g_autofree double *weights = g_new (double, probes * iterations);
  g_autoptr(GError) error = NULL;
  SaddleRng rng;

  saddle_rng_init (&rng, 17);
  /* Each probe's nodes: a sample of the eigenvalues, weights by share. */
  for (guint p = 0; p < probes; p++)
    {
      double total = 0;

      for (guint k = 0; k < iterations; k++)
        {
          nodes[p * iterations + k] = values[saddle_rng_below (&rng, n)];
          weights[p * iterations + k] = 0.5 + saddle_rng_uniform (&rng);
          total += weights[p * iterations + k];
        }
      for (guint k = 0; k < iterations; k++)
        weights[p * iterations + k] /= total;
    }
  *density = saddle_density_new (nodes, weights, probes, iterations, n, 0, 0, &error);
  g_assert_no_error (error);
  *dense = saddle_spectrum_new_from_values (values, n, 1e-6);
}

/* A saddle's slices, built by hand: down along the bottom eigenvector, up along the top. */
static SaddleSlice *
make_slice (gsize n)
{
  SaddleSlice *slice = g_new0 (SaddleSlice, 1);

  slice->n_points = n;
  slice->range = 2.0;
  slice->alphas = g_new (double, n);
  slice->loss_bottom = g_new (double, n);
  slice->loss_top = g_new (double, n);
  slice->loss = 1.0;
  slice->lambda_bottom = -0.5;
  slice->lambda_top = 3.0;
  slice->slope_bottom = 0.0;
  slice->slope_top = 0.0;
  slice->method = SADDLE_SLICE_DENSE;
  slice->converged = TRUE;
  saddle_slice_alphas (slice->range, n, slice->alphas);
  for (gsize i = 0; i < n; i++)
    {
      double a = slice->alphas[i];

      /* Quartic beyond the quadratic model, so curve and model part. */
      slice->loss_bottom[i] = 1.0 - 0.25 * a * a + 0.02 * a * a * a * a;
      slice->loss_top[i] = 1.0 + 1.5 * a * a;
    }
  return slice;
}

/* ------------------------------------------------------------ pixel checks */

static cairo_surface_t *
new_canvas (cairo_t **cr)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  *cr = cairo_create (surface);
  return surface;
}

static void
read_pixel (cairo_surface_t *surface,
            int              x,
            int              y,
            double          *r,
            double          *g,
            double          *b)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 p = *(const guint32 *) (data + (gsize) y * stride + 4 * (gsize) x);

  /* Opaque backgrounds: premultiplied equals straight colour. */
  *r = ((p >> 16) & 0xff) / 255.0;
  *g = ((p >> 8) & 0xff) / 255.0;
  *b = (p & 0xff) / 255.0;
}

/* Pixels of @area (grown by @margin) within @tol of @color on every channel. */
static guint
count_color (cairo_surface_t      *surface,
             const SaddlePlotArea *area,
             double                margin,
             const SaddleColor    *color,
             double                tol)
{
  int x0 = MAX (0, (int) floor (area->x - margin));
  int y0 = MAX (0, (int) floor (area->y - margin));
  int x1 = MIN (cairo_image_surface_get_width (surface), (int) ceil (area->x + area->width + margin));
  int y1 = MIN (cairo_image_surface_get_height (surface), (int) ceil (area->y + area->height + margin));
  guint count = 0;

  cairo_surface_flush (surface);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        double r, g, b;

        read_pixel (surface, x, y, &r, &g, &b);
        if (fabs (r - color->red) <= tol && fabs (g - color->green) <= tol && fabs (b - color->blue) <= tol)
          count++;
      }
  return count;
}

static void
assert_area_sane (const SaddlePlotArea *area)
{
  g_assert_cmpfloat (area->width, >, WIDTH / 3.0);
  g_assert_cmpfloat (area->height, >, HEIGHT / 5.0);
  g_assert_cmpfloat (area->x, >, 0);
  g_assert_cmpfloat (area->y, >, 0);
  g_assert_cmpfloat (area->x + area->width, <, WIDTH);
  g_assert_cmpfloat (area->y + area->height, <, HEIGHT);
  g_assert_cmpfloat (area->x_max, >, area->x_min);
  g_assert_cmpfloat (area->y_max, >, area->y_min);
}

static void
assert_background (cairo_surface_t *surface,
                   gboolean         dark)
{
  SaddlePalette palette;
  double r, g, b;

  saddle_palette_init (&palette, dark);
  cairo_surface_flush (surface);
  read_pixel (surface, 1, HEIGHT - 2, &r, &g, &b);
  g_assert_cmpfloat_with_epsilon (r, palette.background.red, 1.5 / 255);
  g_assert_cmpfloat_with_epsilon (g, palette.background.green, 1.5 / 255);
  g_assert_cmpfloat_with_epsilon (b, palette.background.blue, 1.5 / 255);
}

/* If SADDLE_PLOT_LOOK_DIR is set, keep a PNG of @surface there to look at. */
static void
maybe_keep (cairo_surface_t *surface,
            const char      *name)
{
  const char *dir = g_getenv ("SADDLE_PLOT_LOOK_DIR");
  g_autofree char *path = NULL;

  if (dir == NULL)
    return;
  g_mkdir_with_parents (dir, 0755);
  path = g_build_filename (dir, name, NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
}

/* ------------------------------------------------------------ axis tests */

static gboolean
is_nice (double step)
{
  double m = step / pow (10.0, floor (log10 (step) + 1e-9));

  return fabs (m - 1) < 1e-9 || fabs (m - 2) < 1e-9 || fabs (m - 5) < 1e-9;
}

static GArray *
ticks_for (SaddleAxisScale scale,
           double          min,
           double          max,
           double          length,
           double          spacing)
{
  SaddleAxis axis;

  saddle_axis_init (&axis, scale, 1.0);
  saddle_axis_set_range (&axis, min, max);
  return saddle_axis_ticks (&axis, length, spacing);
}

static guint
count_major (GArray *ticks)
{
  guint n = 0;

  for (guint i = 0; i < ticks->len; i++)
    n += g_array_index (ticks, SaddleTick, i).major;
  return n;
}

static const SaddleTick *
major_tick (GArray *ticks,
            guint   index)
{
  for (guint i = 0; i < ticks->len; i++)
    if (g_array_index (ticks, SaddleTick, i).major && index-- == 0)
      return &g_array_index (ticks, SaddleTick, i);
  g_assert_not_reached ();
}

static void
test_axis_linear_ticks (void)
{
  static const double ranges[][2] = {
    { 0, 1 }, { 0, 97 }, { -3.7, 12.2 }, { 1e-6, 3e-6 }, { 1000, 1001 }, { -5e7, 2e8 }, { 0.3, 0.31 },
  };

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LINEAR, ranges[r][0], ranges[r][1], 500, 60);
      double step;

      /* At least two, at most one per 60 units of length (+ both ends). */
      g_assert_cmpuint (ticks->len, >=, 2);
      g_assert_cmpuint (ticks->len, <=, 500 / 60 + 1);
      step = g_array_index (ticks, SaddleTick, 1).value - g_array_index (ticks, SaddleTick, 0).value;
      g_assert_true (is_nice (step));
      for (guint i = 0; i < ticks->len; i++)
        {
          const SaddleTick *t = &g_array_index (ticks, SaddleTick, i);
          double k = t->value / step;

          g_assert_true (t->major);
          g_assert_cmpfloat (t->value, >=, ranges[r][0] - 1e-9 * step);
          g_assert_cmpfloat (t->value, <=, ranges[r][1] + 1e-9 * step);
          g_assert_cmpfloat (fabs (k - round (k)), <, 1e-6);
          /* The label reads back as the value. */
          g_assert_cmpfloat (fabs (g_ascii_strtod (t->label, NULL) - t->value), <=, 1e-6 * step);
        }
    }

  {
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LINEAR, 0, 97, 500, 100);

    /* 97 over 5 slots: step 20, 0..80. */
    g_assert_cmpuint (ticks->len, ==, 5);
    g_assert_cmpstr (g_array_index (ticks, SaddleTick, 0).label, ==, "0");
    g_assert_cmpstr (g_array_index (ticks, SaddleTick, 4).label, ==, "80");
  }
  {
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LINEAR, 0, 1, 500, 100);

    g_assert_cmpstr (g_array_index (ticks, SaddleTick, 1).label, ==, "0.2");
    /* 0.6 is 3 × 0.2, not 0.6000000000000001. */
    g_assert_cmpstr (g_array_index (ticks, SaddleTick, 3).label, ==, "0.6");
  }
  {
    /* One label style per axis, set by its largest value. */
    g_autoptr(GArray) fixed = ticks_for (SADDLE_AXIS_LINEAR, 0, 0.0061, 600, 40);
    g_autoptr(GArray) power = ticks_for (SADDLE_AXIS_LINEAR, 0, 0.00061, 600, 40);

    g_assert_cmpstr (g_array_index (fixed, SaddleTick, 1).label, ==, "0.0005");
    g_assert_cmpstr (g_array_index (fixed, SaddleTick, 2).label, ==, "0.0010");
    g_assert_cmpstr (g_array_index (power, SaddleTick, 1).label, ==, "5e-5");
    g_assert_cmpstr (g_array_index (power, SaddleTick, 2).label, ==, "1e-4");
    for (guint i = 0; i < fixed->len; i++)
      g_assert_null (strchr (g_array_index (fixed, SaddleTick, i).label, 'e'));
  }
  {
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LINEAR, 1e-6, 3e-6, 400, 100);

    g_assert_cmpstr (g_array_index (ticks, SaddleTick, 0).label, ==, "1e-6");
    g_assert_cmpstr (g_array_index (ticks, SaddleTick, 1).label, ==, "1.5e-6");
  }
}

static void
test_axis_log_ticks (void)
{
  {
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LOG, 1e-4, 10, 400, 40);

    /* Six decades, all labelled, minor ticks between them without labels. */
    g_assert_cmpuint (count_major (ticks), ==, 6);
    /* One label style per axis: 10⁻⁴ needs the power form, so all get it. */
    g_assert_cmpstr (major_tick (ticks, 0)->label, ==, "10⁻⁴");
    g_assert_cmpstr (major_tick (ticks, 2)->label, ==, "10⁻²");
    g_assert_cmpstr (major_tick (ticks, 4)->label, ==, "10⁰");
    g_assert_cmpstr (major_tick (ticks, 5)->label, ==, "10¹");
    g_assert_cmpuint (ticks->len, >, 6 + 5 * 8 - 1);
    for (guint i = 0; i < ticks->len; i++)
      {
        const SaddleTick *t = &g_array_index (ticks, SaddleTick, i);
        double m = t->value / pow (10.0, floor (log10 (t->value) + 1e-9));

        g_assert_cmpfloat (fabs (m - round (m)), <, 1e-9);
        if (!t->major)
          g_assert_cmpstr (t->label, ==, "");
        else
          g_assert_cmpfloat (fabs (m - 1), <, 1e-9);
      }
  }
  {
    /* Under two decades, where evenly spaced values are the fallback: they crowd
     * towards the top of a log axis, so labels keep a full spacing apart. */
    const double ranges[][2] = { { 1.5e-5, 4.5e-4 }, { 2e-5, 4e-4 }, { 1.1, 9.5 }, { 3e-3, 0.08 } };

    for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
      for (double length = 120; length <= 480; length += 60)
        {
          g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LOG, ranges[r][0], ranges[r][1], length, 40);
          SaddleAxis axis;
          double last = -INFINITY;

          saddle_axis_init (&axis, SADDLE_AXIS_LOG, 1.0);
          saddle_axis_set_range (&axis, ranges[r][0], ranges[r][1]);
          g_assert_cmpuint (count_major (ticks), >=, 2);
          for (guint i = 0; i < ticks->len; i++)
            {
              const SaddleTick *t = &g_array_index (ticks, SaddleTick, i);
              double pos = saddle_axis_to_unit (&axis, t->value) * length;

              if (!t->major)
                continue;
              g_assert_cmpfloat (pos - last, >=, 40 - 1e-9);
              last = pos;
            }
        }
  }
  {
    /* Fifteen decades on 200 units: every third decade labelled. */
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LOG, 1e-12, 1e3, 200, 40);

    g_assert_cmpuint (count_major (ticks), ==, 6);
    g_assert_cmpstr (major_tick (ticks, 0)->label, ==, "10⁻¹²");
    g_assert_cmpstr (major_tick (ticks, 4)->label, ==, "10⁰");
    g_assert_cmpstr (major_tick (ticks, 5)->label, ==, "10³");
    g_assert_cmpfloat (major_tick (ticks, 1)->value, ==, 1e-9);
  }
  {
    /* Two roomy decades: 2 and 5 labelled too. */
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LOG, 0.1, 10, 400, 40);

    g_assert_cmpuint (count_major (ticks), ==, 7);
    g_assert_cmpstr (major_tick (ticks, 0)->label, ==, "0.1");
    g_assert_cmpstr (major_tick (ticks, 1)->label, ==, "0.2");
    g_assert_cmpstr (major_tick (ticks, 2)->label, ==, "0.5");
    g_assert_cmpstr (major_tick (ticks, 6)->label, ==, "10");
  }
  {
    /* Decades that all read well written out stay written out. */
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LOG, 0.004, 30, 400, 40);

    g_assert_cmpuint (count_major (ticks), ==, 4);
    g_assert_cmpstr (major_tick (ticks, 0)->label, ==, "0.01");
    g_assert_cmpstr (major_tick (ticks, 2)->label, ==, "1");
    g_assert_cmpstr (major_tick (ticks, 3)->label, ==, "10");
  }
  {
    /* Under a decade: 1-2-5 values. */
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LOG, 1.5, 8, 400, 40);

    g_assert_cmpuint (count_major (ticks), ==, 2);
    g_assert_cmpstr (major_tick (ticks, 0)->label, ==, "2");
    g_assert_cmpstr (major_tick (ticks, 1)->label, ==, "5");
  }
  {
    /* Too narrow for 1-2-5: a linear grid in the range. */
    g_autoptr(GArray) ticks = ticks_for (SADDLE_AXIS_LOG, 3, 4, 400, 80);

    g_assert_cmpuint (count_major (ticks), >=, 3);
    g_assert_cmpstr (major_tick (ticks, 0)->label, ==, "3.0");
  }
  {
    /* Symmetric log: 0 and signed decades, crowded ones near zero left out. */
    SaddleAxis axis;
    g_autoptr(GArray) ticks = NULL;
    gboolean has_zero = FALSE, has_negative = FALSE, has_positive = FALSE;
    double last = -INFINITY;

    saddle_axis_init (&axis, SADDLE_AXIS_SYMLOG, 1e-4);
    saddle_axis_set_range (&axis, -0.1, 100);
    ticks = saddle_axis_ticks (&axis, 600, 40);
    for (guint i = 0; i < ticks->len; i++)
      {
        const SaddleTick *t = &g_array_index (ticks, SaddleTick, i);
        double pos = saddle_axis_to_unit (&axis, t->value) * 600;

        if (!t->major)
          continue;
        has_zero |= t->value == 0.0;
        has_negative |= t->value < 0;
        has_positive |= t->value > 0;
        g_assert_cmpfloat (pos - last, >=, 40 - 1e-9);
        last = pos;
      }
    g_assert_true (has_zero && has_negative && has_positive);
    g_assert_cmpfloat (fabs (saddle_axis_untransform (&axis, saddle_axis_transform (&axis, -0.03)) + 0.03), <, 1e-15);
  }
}

static void
test_axis_format (void)
{
  char buf[32];

  saddle_axis_format_value (0.5, 0.1, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.5");
  saddle_axis_format_value (12, 2, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "12");
  saddle_axis_format_value (1e-4, 1e-4, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1e-4");
  saddle_axis_format_value (0.001, 0.001, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.001");
  saddle_axis_format_value (250000, 50000, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "2.5e5");
  saddle_axis_format_value (-2e-5, 1e-5, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "-2e-5");
  saddle_axis_format_value (1.25, 0.25, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1.25");
  saddle_axis_format_value (9.996e6, 1e3, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "9.996e6");
  saddle_axis_format_value (1e-20, 0.5, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0");

  saddle_axis_format_decade (4, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "10000");
  saddle_axis_format_decade (5, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "10⁵");
  saddle_axis_format_decade (-4, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "10⁻⁴");
  saddle_axis_format_decade (-3, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.001");
  saddle_axis_format_decade (-2, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.01");
  saddle_axis_format_decade (0, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1");
  saddle_axis_format_decade (-15, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "10⁻¹⁵");

  g_assert_cmpfloat (saddle_axis_nice_step (0.13), ==, 0.2);
  g_assert_cmpfloat (saddle_axis_nice_step (3.0), ==, 5.0);
  g_assert_cmpfloat (saddle_axis_nice_step (700), ==, 1000);
  g_assert_cmpfloat (saddle_axis_nice_step (1e-7), ==, 1e-7);
}

static void
test_axis_range (void)
{
  SaddleAxis axis;

  /* Empty: the default range. */
  saddle_axis_init (&axis, SADDLE_AXIS_LINEAR, 1.0);
  saddle_axis_finish (&axis, 0.05);
  g_assert_cmpfloat (axis.min, ==, 0.0);
  g_assert_cmpfloat (axis.max, ==, 1.0);

  /* NaN and infinities are skipped; padding 5 % each side. */
  saddle_axis_include (&axis, NAN);
  saddle_axis_include (&axis, INFINITY);
  saddle_axis_include (&axis, 2.0);
  saddle_axis_include (&axis, -INFINITY);
  saddle_axis_include (&axis, 4.0);
  g_assert_cmpuint (saddle_axis_n_data (&axis), ==, 2);
  saddle_axis_finish (&axis, 0.05);
  g_assert_cmpfloat_with_epsilon (axis.min, 1.9, 1e-12);
  g_assert_cmpfloat_with_epsilon (axis.max, 4.1, 1e-12);
  g_assert_cmpfloat_with_epsilon (saddle_axis_to_unit (&axis, 3.0), 0.5, 1e-12);
  g_assert_true (isnan (saddle_axis_to_unit (&axis, NAN)));

  /* One value, or all equal: a range around it. */
  saddle_axis_init (&axis, SADDLE_AXIS_LINEAR, 1.0);
  saddle_axis_include (&axis, 5.0);
  saddle_axis_include (&axis, 5.0);
  saddle_axis_finish (&axis, 0.05);
  g_assert_cmpfloat (axis.min, <, 5.0);
  g_assert_cmpfloat (axis.max, >, 5.0);
  g_assert_cmpfloat_with_epsilon (saddle_axis_to_unit (&axis, 5.0), 0.5, 1e-12);

  saddle_axis_init (&axis, SADDLE_AXIS_LINEAR, 1.0);
  saddle_axis_include (&axis, 0.0);
  saddle_axis_finish (&axis, 0.05);
  g_assert_cmpfloat (axis.min, ==, -1.0);
  g_assert_cmpfloat (axis.max, ==, 1.0);

  /* Log: non-positive values skipped, padding in decades. */
  saddle_axis_init (&axis, SADDLE_AXIS_LOG, 1.0);
  saddle_axis_include (&axis, 0.0);
  saddle_axis_include (&axis, -3.0);
  saddle_axis_include (&axis, 1e-3);
  saddle_axis_include (&axis, 10.0);
  g_assert_cmpuint (saddle_axis_n_data (&axis), ==, 2);
  saddle_axis_finish (&axis, 0.0);
  g_assert_cmpfloat_with_epsilon (axis.min, 1e-3, 1e-15);
  g_assert_cmpfloat_with_epsilon (axis.max, 10.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (saddle_axis_to_unit (&axis, 0.1), 0.5, 1e-12);
  g_assert_true (isnan (saddle_axis_to_unit (&axis, 0.0)));

  saddle_axis_init (&axis, SADDLE_AXIS_LOG, 1.0);
  saddle_axis_include (&axis, 3.0);
  saddle_axis_finish (&axis, 0.05);
  g_assert_cmpfloat_with_epsilon (axis.min, 3.0 / sqrt (10.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (axis.max, 3.0 * sqrt (10.0), 1e-12);

  /* A reversed or invalid fixed range is repaired. */
  saddle_axis_init (&axis, SADDLE_AXIS_LOG, 1.0);
  saddle_axis_set_range (&axis, 100, -1);
  g_assert_cmpfloat (axis.min, >, 0);
  g_assert_cmpfloat (axis.max, ==, 100);

  /* Extreme but finite data gives a finite range. */
  saddle_axis_init (&axis, SADDLE_AXIS_LINEAR, 1.0);
  saddle_axis_include (&axis, -1e308);
  saddle_axis_include (&axis, 1e308);
  saddle_axis_finish (&axis, 0.05);
  g_assert_true (isfinite (axis.min) && isfinite (axis.max) && axis.max > axis.min);
}

/* ------------------------------------------------------------ decimation */

static void
test_decimate (void)
{
  const gsize n = 100000;
  g_autofree double *px = g_new (double, n);
  g_autofree double *py = g_new (double, n);
  g_autofree double *ox = g_new (double, n);
  g_autofree double *oy = g_new (double, n);
  double col_min[500], col_max[500], out_min[500], out_max[500];
  double y = 0, global_min = INFINITY, global_max = -INFINITY;
  gsize m, breaks = 0;
  SaddleRng rng;

  saddle_rng_init (&rng, 11);
  for (guint c = 0; c < 500; c++)
    {
      col_min[c] = out_min[c] = INFINITY;
      col_max[c] = out_max[c] = -INFINITY;
    }
  for (gsize i = 0; i < n; i++)
    {
      y += saddle_rng_normal (&rng);
      px[i] = 10.0 + 500.0 * i / n;
      /* Two gaps: one point, then a run of three. */
      py[i] = (i == 30000 || (i >= 60000 && i < 60003)) ? NAN : y;
      if (isfinite (py[i]))
        {
          guint c = (guint) floor (px[i]) - 10;

          col_min[c] = MIN (col_min[c], py[i]);
          col_max[c] = MAX (col_max[c], py[i]);
          global_min = MIN (global_min, py[i]);
          global_max = MAX (global_max, py[i]);
        }
    }

  m = saddle_chart_decimate (px, py, n, ox, oy);
  g_assert_cmpuint (m, <=, 4 * 500 + 2 * 4 + 2);
  g_assert_cmpuint (m, >=, 2 * 500);

  for (gsize i = 0; i < m; i++)
    {
      guint c;

      if (isnan (ox[i]))
        {
          breaks++;
          continue;
        }
      if (i > 0 && !isnan (ox[i - 1]))
        g_assert_cmpfloat (ox[i], >=, ox[i - 1]);
      c = (guint) floor (ox[i]) - 10;
      out_min[c] = MIN (out_min[c], oy[i]);
      out_max[c] = MAX (out_max[c], oy[i]);
    }
  /* Each gap kept as exactly one break; every column's extremes kept exactly. */
  g_assert_cmpuint (breaks, ==, 2);
  for (guint c = 0; c < 500; c++)
    {
      g_assert_cmpfloat (out_min[c], ==, col_min[c]);
      g_assert_cmpfloat (out_max[c], ==, col_max[c]);
    }
  (void) global_min;
  (void) global_max;

  /* Fewer points than columns pass through unchanged. */
  {
    double x[3] = { 0.5, 10.5, 20.5 }, yv[3] = { 1, 2, 3 }, dx[3], dy[3];

    g_assert_cmpuint (saddle_chart_decimate (x, yv, 3, dx, dy), ==, 3);
    g_assert_cmpfloat (dy[1], ==, 2);
  }
  /* Nothing finite: nothing out. */
  {
    double x[2] = { NAN, 1 }, yv[2] = { 1, INFINITY }, dx[2], dy[2];

    g_assert_cmpuint (saddle_chart_decimate (x, yv, 2, dx, dy), ==, 0);
  }
}

/* @chart over a white 400 × 200 canvas, its linear axes fitted to the series. */
static void
fit_chart_on_white (SaddleChart   *chart,
                    cairo_t       *cr,
                    SaddlePalette *palette,
                    const double  *xs,
                    const double  *ys,
                    gsize          n)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  saddle_palette_init (palette, FALSE);
  saddle_chart_init (chart, cr, palette, 10.0);
  saddle_axis_init (&chart->x_axis, SADDLE_AXIS_LINEAR, 0);
  saddle_axis_init (&chart->y_axis, SADDLE_AXIS_LINEAR, 0);
  for (gsize i = 0; i < n; i++)
    {
      saddle_axis_include (&chart->x_axis, xs[i]);
      saddle_axis_include (&chart->y_axis, ys[i]);
    }
  saddle_axis_finish (&chart->x_axis, 0.0);
  saddle_axis_finish (&chart->y_axis, 0.05);
  saddle_chart_layout (chart, 0, 0, 400, 200);
}

/* A noisy line denser than the plot is wide, drawn on screen: every pixel column
 * is painted from its lowest to its highest value (the connected band a
 * stroke would cover) and not far beyond; a blank canvas is white, the line
 * pure red. */
static void
test_dense_line_columns (void)
{
  const gsize n = 20000;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 200);
  cairo_t *cr = cairo_create (surface);
  const SaddleColor red = { 1.0, 0.0, 0.0 };
  g_autofree double *xs = g_new (double, n);
  g_autofree double *ys = g_new (double, n);
  SaddlePalette palette;
  SaddleChart chart;
  SaddleRng rng;
  guint checked = 0;

  saddle_rng_init (&rng, 3);
  for (gsize i = 0; i < n; i++)
    {
      xs[i] = (double) i;
      ys[i] = sin (i * 1e-3) + 0.2 * saddle_rng_normal (&rng);
    }

  fit_chart_on_white (&chart, cr, &palette, xs, ys, n);
  g_assert_cmpfloat (chart.width, <, (double) n);
  saddle_chart_draw_noisy_line (&chart, xs, ys, n, &red, 1.0, 1.0);
  cairo_surface_flush (surface);

  for (int column = (int) ceil (chart.x) + 2; column < chart.x + chart.width - 2; column += 7)
    {
      double lo = INFINITY, hi = -INFINITY, joined_lo, joined_hi, before = NAN;
      int first = -1, last = -1;

      for (gsize i = 0; i < n; i++)
        {
          double px = floor (saddle_chart_x_to_px (&chart, xs[i]));
          double py = saddle_chart_y_to_px (&chart, ys[i]);

          if (px == column - 1)
            before = py;   /* the previous column's last point */
          else if (px == column)
            {
              lo = MIN (lo, py);
              hi = MAX (hi, py);
            }
        }
      if (!isfinite (lo) || !isfinite (before))
        continue;
      joined_lo = MIN (lo, before);
      joined_hi = MAX (hi, before);
      for (int row = 0; row < 200; row++)
        {
          double r, g, b;

          read_pixel (surface, column, row, &r, &g, &b);
          if (r > 0.9 && g < 0.1 && b < 0.1)
            {
              if (first < 0)
                first = row;
              last = row;
            }
        }
      /* Painted from the lowest to the highest value, and beyond that only to
       * join the previous column's last point, plus half the width rounded out. */
      g_assert_cmpint (first, >=, 0);
      g_assert_cmpfloat (first, <=, floor (lo));
      g_assert_cmpfloat (last, >=, floor (hi));
      g_assert_cmpfloat (first, >=, floor (joined_lo) - 2);
      g_assert_cmpfloat (last, <=, ceil (joined_hi) + 2);
      checked++;
    }
  g_assert_cmpuint (checked, >, 30);

  saddle_chart_clear (&chart);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* A faint noisy line is one layer: where its zigzag folds back over itself (sparse, stroked)
 * or its columns meet (dense, boxes), no pixel is darker than the line's alpha allows. Black
 * at 30 % over white: every pixel keeps at least 70 % of its white. Cairo's groups did this
 * before the direct rasteriser; both must. */
static void
test_faint_line_one_layer (void)
{
  const gsize sizes[] = { 60, 20000 };

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      gsize n = sizes[k];
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 200);
      cairo_t *cr = cairo_create (surface);
      const SaddleColor black = { 0.0, 0.0, 0.0 };
      g_autofree double *xs = g_new (double, n);
      g_autofree double *ys = g_new (double, n);
      const guint8 *data;
      SaddlePalette palette;
      SaddleChart chart;
      SaddleRng rng;
      int lowest = 255, stride;

      saddle_rng_init (&rng, 5);
      for (gsize i = 0; i < n; i++)
        {
          xs[i] = (double) i;
          ys[i] = saddle_rng_normal (&rng);
        }
      fit_chart_on_white (&chart, cr, &palette, xs, ys, n);
      saddle_chart_clip (&chart, 1.0);
      saddle_chart_draw_noisy_line (&chart, xs, ys, n, &black, 4.0, 0.3);
      saddle_chart_unclip (&chart);
      cairo_surface_flush (surface);

      data = cairo_image_surface_get_data (surface);
      stride = cairo_image_surface_get_stride (surface);
      for (int y = 0; y < 200; y++)
        for (int x = 0; x < 400; x++)
          lowest = MIN (lowest, data[y * stride + 4 * x + 1]);   /* green */
      g_test_message ("%zu points: darkest green %d", n, lowest);
      g_assert_cmpint (lowest, >=, (int) (255 * 0.7) - 1);
      g_assert_cmpint (lowest, <=, (int) (255 * 0.7) + 1);   /* and the line was drawn */
      saddle_chart_clear (&chart);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }
}


static cairo_status_t
append_to_string (void                *closure,
                  const unsigned char *data,
                  unsigned int         length)
{
  g_string_append_len (closure, (const char *) data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* A line in a vector file is one path, dashed or not: only the screen gets it in pieces. */
static void
test_vector_line_one_path (void)
{
  const SaddleColor black = { 0.0, 0.0, 0.0 };
  g_autoptr(GString) svg = g_string_new (NULL);
  double xs[161], ys[161];

  for (guint i = 0; i < G_N_ELEMENTS (xs); i++)
    {
      xs[i] = i;
      ys[i] = sin (i * 0.3);
    }
  for (guint dashed = 0; dashed < 2; dashed++)
    {
      cairo_surface_t *surface = cairo_svg_surface_create_for_stream (append_to_string, svg, 400, 200);
      cairo_t *cr = cairo_create (surface);
      SaddlePalette palette;
      SaddleChart chart;
      const char *p;
      guint paths = 0;

      g_string_truncate (svg, 0);
      saddle_palette_init (&palette, FALSE);
      saddle_chart_init (&chart, cr, &palette, 10.0);
      saddle_axis_init (&chart.x_axis, SADDLE_AXIS_LINEAR, 0);
      saddle_axis_init (&chart.y_axis, SADDLE_AXIS_LINEAR, 0);
      saddle_axis_set_range (&chart.x_axis, 0, 160);
      saddle_axis_set_range (&chart.y_axis, -1, 1);
      saddle_chart_layout (&chart, 0, 0, 400, 200);
      if (dashed)
        {
          const double dash[] = { 4.0, 2.0 };

          cairo_set_dash (cr, dash, 2, 0);
        }
      saddle_chart_draw_line (&chart, xs, ys, G_N_ELEMENTS (xs), &black, 1.0);
      saddle_chart_clear (&chart);
      cairo_destroy (cr);
      cairo_surface_finish (surface);
      cairo_surface_destroy (surface);

      for (p = strstr (svg->str, "<path"); p != NULL; p = strstr (p + 1, "<path"))
        paths++;
      g_assert_cmpuint (paths, ==, 1);
    }
}

/* ------------------------------------------------------------ title */

/* The height saddle_chart_draw_title() takes for @subtitle in @width at font size 12. */
static double
title_height (const char *title,
              const char *subtitle,
              double      width)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 200);
  cairo_t *cr = cairo_create (surface);
  SaddlePalette palette;
  double x = 0, y = 0, w = width, h = 200;

  saddle_palette_init (&palette, FALSE);
  saddle_chart_draw_title (cr, &palette, 12, title, subtitle, &x, &y, &w, &h);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return y;
}

/* A subtitle line too long even shrunk by a fifth wraps at its " · " separators (one line more)
 * rather than losing its end to "…"; one that fits, or has no separator, stays one line. */
static void
test_title_wrap (void)
{
  const char *line = "All 35 points (0 certified): Spearman ρ = −0.14, 95 % interval −0.49 to "
                     "+0.25, p = 0.44 · no evidence either way";
  const char *title = "Run 2, uncertified: 58 positive, 23 negative, 1005 near zero, and more words to be cut";
  double wide = title_height ("Title", line, 780);
  double narrow = title_height ("Title", line, 300);
  double cut = title_height ("Title", "a long subtitle without any separator at all, cut at the end", 120);
  double one = title_height ("Title", "short", 120);

  g_assert_cmpfloat (narrow, >, wide + 5);
  g_assert_cmpfloat (fabs (cut - one), <, 0.5);
  g_assert_cmpfloat (fabs (title_height ("Title", "short", 780) - one), <, 0.5);
  /* A title stays one line, cut if it must. */
  g_assert_cmpfloat (fabs (title_height (title, NULL, 300) - title_height ("Title", NULL, 300)), <, 0.5);
}

/* A short stacked strip (a small window's loss or ‖∇L‖ panel) keeps at least two labelled y
 * ticks, packed closer than a tall panel's. */
static void
test_short_panel_ticks (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 10, 10);
  cairo_t *cr = cairo_create (surface);
  SaddlePalette palette;
  double heights[] = { 60, 90, 400 };

  saddle_palette_init (&palette, FALSE);
  for (guint k = 0; k < G_N_ELEMENTS (heights); k++)
    {
      g_auto(SaddleChart) chart = { 0 };
      guint labelled = 0;

      saddle_chart_init (&chart, cr, &palette, 11);
      saddle_axis_include (&chart.x_axis, 0);
      saddle_axis_include (&chart.x_axis, 150);
      saddle_axis_include (&chart.y_axis, 0.11);
      saddle_axis_include (&chart.y_axis, 2.3);
      saddle_axis_finish (&chart.x_axis, 0.01);
      saddle_axis_finish (&chart.y_axis, 0.05);
      chart.show_x_tick_labels = FALSE;
      saddle_chart_layout (&chart, 0, 0, 600, heights[k]);
      for (guint i = 0; i < chart.y_ticks->len; i++)
        labelled += g_array_index (chart.y_ticks, SaddleTick, i).major;
      g_test_message ("panel %.0f px: plot %.0f px, %u labelled y ticks", heights[k], chart.height, labelled);
      g_assert_cmpuint (labelled, >=, 2);
      g_assert_cmpuint (labelled, <=, 8);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* A footnote of two lines ("\n") takes a line's height more than one line, so the warning
 * above the trajectories' footnote is never cut off by the rest. */
static void
test_footnote_lines (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 300);
  cairo_t *cr = cairo_create (surface);
  SaddlePalette palette;
  double x = 0, y = 0, w = 400, one = 300, two = 300;

  saddle_palette_init (&palette, FALSE);
  saddle_chart_draw_footnote (cr, &palette, 12, "a footnote", &x, &y, &w, &one);
  saddle_chart_draw_footnote (cr, &palette, 12, "a warning\na footnote", &x, &y, &w, &two);
  g_assert_cmpfloat (one - two, >, 0.5 * 12);
  g_assert_cmpfloat (one - two, <, 2.0 * 12);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ------------------------------------------------------------ legend */

static void
test_legend_layout (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 10, 10);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(SaddleLegend) legend = saddle_legend_new (11);
  SaddlePalette palette;
  SaddleColor color;
  double w, h, w1, h1;

  saddle_palette_init (&palette, FALSE);
  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *label = g_strdup_printf ("Run %u", i + 1);

      saddle_palette_series (&palette, i, &color);
      saddle_legend_add (legend, label, &color, SADDLE_MARKER_NONE, TRUE, TRUE);
    }

  /* Beside a tall plot: several columns, everything shown. */
  g_assert_true (saddle_legend_layout (legend, cr, 300, 560, FALSE, &w, &h));
  g_assert_cmpfloat (h, <=, 560);
  g_assert_cmpfloat (w, <=, 300);
  /* Too small: truncated ("+ N more"), still within the box. */
  g_assert_false (saddle_legend_layout (legend, cr, 120, 100, FALSE, &w1, &h1));
  g_assert_cmpfloat (h1, <=, 100);
  /* Above the plot: rows of several entries. */
  g_assert_true (saddle_legend_layout (legend, cr, 880, 400, TRUE, &w, &h));
  g_assert_cmpfloat (w, <=, 880);
  g_assert_cmpfloat (h, <, 400);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* ------------------------------------------------------------ figures */

static void
check_runs_drawn (cairo_surface_t      *surface,
                  const SaddlePlotArea *area,
                  guint                 n_runs,
                  gboolean              dark)
{
  SaddlePalette palette;

  saddle_palette_init (&palette, dark);
  for (guint r = 0; r < n_runs; r++)
    {
      SaddleColor color;

      saddle_palette_series (&palette, r, &color);
      g_assert_cmpuint (count_color (surface, area, 0, &color, 10.0 / 255), >=, 10);
    }
}

/* @history's steps alone, as a file from before epochs.csv carried ‖∇L‖ reads. */
static SaddleHistory *
steps_only (const SaddleHistory *history)
{
  SaddleHistory *steps = saddle_history_new ();

  for (guint i = 0; i < history->iterations->len; i++)
    saddle_history_add_iteration (steps, &g_array_index (history->iterations,
                                                         SaddleIterationRecord, i));
  return steps;
}

/* The pixel row of @value on @area's y axis. */
static double
area_row (const SaddlePlotArea *area,
          double                value)
{
  double t = area->y_log ? (log10 (value) - log10 (area->y_min)) / (log10 (area->y_max) - log10 (area->y_min))
                         : (value - area->y_min) / (area->y_max - area->y_min);

  return area->y + area->height * (1.0 - t);
}

static void
test_figure_gradnorm (void)
{
  g_autoptr(SaddleHistory) history = make_history (3, 400);
  SaddleFigureStyle style;

  saddle_figure_style_init (&style);
  g_assert_false (style.dark);
  g_assert_false (style.transparent);
  g_assert_true (style.log_grad_norm);
  g_assert_cmpfloat (style.font_size, ==, 12.0);

  for (guint dark = 0; dark < 2; dark++)
    {
      cairo_t *cr;
      cairo_surface_t *surface = new_canvas (&cr);
      SaddlePlotArea areas[2];

      style.dark = dark;
      saddle_figure_gradnorm (cr, WIDTH, HEIGHT, history, &style, areas);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      assert_area_sane (&areas[0]);
      assert_area_sane (&areas[1]);
      /* Stacked: same x extent and range, top above bottom, equal heights. */
      g_assert_cmpfloat (areas[0].x, ==, areas[1].x);
      g_assert_cmpfloat (areas[0].width, ==, areas[1].width);
      g_assert_cmpfloat (areas[0].x_min, ==, areas[1].x_min);
      g_assert_cmpfloat (areas[0].x_max, ==, areas[1].x_max);
      g_assert_cmpfloat (areas[0].y + areas[0].height, <, areas[1].y);
      g_assert_cmpfloat (fabs (areas[0].height - areas[1].height), <, 1.0);
      g_assert_cmpfloat (areas[0].x_min, <=, 1.0);
      g_assert_cmpfloat (areas[0].x_max, >=, 400.0);
      /* The losses span 2.3 .. ~0.02 (two decades): log; gradient norm: log by style. */
      g_assert_true (areas[0].y_log);
      g_assert_true (areas[1].y_log);
      assert_background (surface, dark);
      check_runs_drawn (surface, &areas[0], 3, dark);
      check_runs_drawn (surface, &areas[1], 3, dark);
      maybe_keep (surface, dark ? "gradnorm-dark.png" : "gradnorm.png");
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }

  /* Linear gradient norm when asked; a transparent figure leaves the canvas clear. */
  {
    cairo_t *cr;
    cairo_surface_t *surface = new_canvas (&cr);
    SaddlePlotArea areas[2];
    const guint8 *data;

    style.dark = FALSE;
    style.log_grad_norm = FALSE;
    style.transparent = TRUE;
    saddle_figure_gradnorm (cr, WIDTH, HEIGHT, history, &style, areas);
    g_assert_false (areas[1].y_log);
    cairo_surface_flush (surface);
    data = cairo_image_surface_get_data (surface);
    g_assert_cmpuint (*(const guint32 *) data, ==, 0);
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }

  /* Smoothed: the steps fade and each run's running mean is drawn in its own colour on top;
   * the steps alone are translucent (every run shows through), never the full colour. */
  {
    g_autoptr(SaddleHistory) steps = steps_only (history);
    guint full[2];

    saddle_figure_style_init (&style);
    g_assert_false (style.smooth);
    for (guint smooth = 0; smooth < 2; smooth++)
      {
        cairo_t *cr;
        cairo_surface_t *surface = new_canvas (&cr);
        SaddlePlotArea areas[2];
        SaddlePalette palette;
        SaddleColor run1;

        style.smooth = smooth;
        saddle_figure_gradnorm (cr, WIDTH, HEIGHT, steps, &style, areas);
        cairo_surface_flush (surface);
        saddle_palette_init (&palette, FALSE);
        saddle_palette_series (&palette, 0, &run1);
        full[smooth] = count_color (surface, &areas[1], 0.0, &run1, 0.02);
        maybe_keep (surface, smooth ? "gradnorm-smooth.png" : "gradnorm-raw.png");
        cairo_destroy (cr);
        cairo_surface_destroy (surface);
      }
    g_assert_cmpuint (full[0], ==, 0);
    g_assert_cmpuint (full[1], >, 0);
  }
}

/* The whole-set loss and ‖∇L‖ per epoch are drawn in each run's full colour where they are,
 * over faded steps: near run r's value at each of epochs 20–60 (iterations 100–300) its own
 * colour is found, and never when the history has no epoch records. */
static void
test_figure_gradnorm_epoch_line (void)
{
  g_autoptr(SaddleHistory) history = make_history (3, 400);
  g_autoptr(SaddleHistory) steps = steps_only (history);
  SaddlePalette palette;

  saddle_palette_init (&palette, FALSE);
  for (guint panel = 0; panel < 2; panel++)
    for (guint run = 0; run < 3; run++)
      {
        guint hits[2] = { 0, 0 };
        guint n_epochs = 0;
        SaddleColor color;

        saddle_palette_series (&palette, run, &color);
        for (guint with_epochs = 0; with_epochs < 2; with_epochs++)
          {
            cairo_t *cr;
            cairo_surface_t *surface = new_canvas (&cr);
            SaddlePlotArea areas[2];
            const SaddlePlotArea *area = &areas[panel];

            saddle_figure_gradnorm (cr, WIDTH, HEIGHT, with_epochs ? history : steps, NULL, areas);
            n_epochs = 0;
            for (guint i = 0; i < history->epochs->len; i++)
              {
                const SaddleEpochRecord *e = &g_array_index (history->epochs, SaddleEpochRecord, i);
                SaddlePlotArea box = *area;

                if (e->run != run || e->epoch < 20 || e->epoch > 60)
                  continue;
                box.x = area->x + area->width * ((double) e->iteration - area->x_min)
                                  / (area->x_max - area->x_min) - 2.5;
                box.y = area_row (area, panel == 0 ? e->loss : e->grad_norm) - 2.5;
                box.width = box.height = 5.0;
                hits[with_epochs] += count_color (surface, &box, 0.0, &color, 0.03) > 0;
                n_epochs++;
              }
            if (run == 0 && panel == 0)
              maybe_keep (surface, with_epochs ? "gradnorm-epochs.png" : "gradnorm-steps.png");
            cairo_destroy (cr);
            cairo_surface_destroy (surface);
          }
        g_test_message ("panel %u run %u: its colour at %u of %u epoch values, %u without",
                        panel, run + 1, hits[1], n_epochs, hits[0]);
        g_assert_cmpuint (n_epochs, ==, 41);
        g_assert_cmpuint (hits[0], ==, 0);
        /* Another run's line may cross it at an epoch or two. */
        g_assert_cmpuint (hits[1], >=, n_epochs * 9 / 10);
      }
}

static void
test_figure_gradnorm_many_runs (void)
{
  g_autoptr(SaddleHistory) history = make_history (40, 60);
  cairo_t *cr;
  cairo_surface_t *surface = new_canvas (&cr);
  SaddlePlotArea areas[2];

  saddle_figure_gradnorm (cr, WIDTH, HEIGHT, history, NULL, areas);
  assert_area_sane (&areas[0]);
  /* The legend sits outside the plot (on the right): the plot is narrower than the canvas. */
  g_assert_cmpfloat (areas[0].x + areas[0].width, <, WIDTH - 100);
  maybe_keep (surface, "gradnorm-40-runs.png");
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_figure_trajectories (void)
{
  g_autoptr(SaddleTrajectory) trajectory = saddle_test_trajectory_new (4, 30, FALSE, TRUE);

  for (guint layer = 0; layer < 2; layer++)
    {
      cairo_t *cr;
      cairo_surface_t *surface = new_canvas (&cr);
      SaddlePlotArea area;

      saddle_figure_trajectories (cr, WIDTH, HEIGHT, trajectory, layer, G_MAXUINT, NULL, &area);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      assert_area_sane (&area);
      g_assert_false (area.x_log);
      assert_background (surface, FALSE);
      check_runs_drawn (surface, &area, 4, FALSE);
      maybe_keep (surface, layer ? "trajectories-layer.png" : "trajectories.png");
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }

  /* Part of the way: the axes stay put (they fit every snapshot). */
  {
    cairo_t *cr;
    cairo_surface_t *surface = new_canvas (&cr);
    SaddlePlotArea all, part;

    saddle_figure_trajectories (cr, WIDTH, HEIGHT, trajectory, FALSE, G_MAXUINT, NULL, &all);
    saddle_figure_trajectories (cr, WIDTH, HEIGHT, trajectory, FALSE, 5, NULL, &part);
    g_assert_cmpfloat (all.x_min, ==, part.x_min);
    g_assert_cmpfloat (all.y_max, ==, part.y_max);
    check_runs_drawn (surface, &part, 4, FALSE);
    maybe_keep (surface, "trajectories-epoch5.png");
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }

  /* Regression runs (no accuracy) and a dark page. */
  {
    g_autoptr(SaddleTrajectory) regression = saddle_test_trajectory_new (8, 20, TRUE, TRUE);
    SaddleFigureStyle style;
    cairo_t *cr;
    cairo_surface_t *surface = new_canvas (&cr);
    SaddlePlotArea area;

    saddle_figure_style_init (&style);
    style.dark = TRUE;
    saddle_figure_trajectories (cr, WIDTH, HEIGHT, regression, FALSE, G_MAXUINT, &style, &area);
    assert_background (surface, TRUE);
    check_runs_drawn (surface, &area, 8, TRUE);
    maybe_keep (surface, "trajectories-regression-dark.png");
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
}

static void
test_figure_critical (void)
{
  g_autoptr(SaddleCriticalSet) set = make_critical_set (60);
  SaddlePalette palette;
  SaddleColor green, red;
  SaddlePlotArea area;
  cairo_t *cr;
  cairo_surface_t *surface = new_canvas (&cr);
  guint selected = 7;

  saddle_figure_critical (cr, WIDTH, HEIGHT, set, NULL, (int) selected, NULL, &area);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  assert_area_sane (&area);
  /* Losses over 2.5 decades: log x; the minimal ratio axis fits the points, within [0, 1]. */
  g_assert_true (area.x_log);
  g_assert_cmpfloat (area.y_min, >=, 0.0);
  g_assert_cmpfloat (area.y_max, <=, 1.0);
  for (guint i = 0; i < set->points->len; i++)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);

      g_assert_cmpfloat (p->spectrum->minimal_ratio, >=, area.y_min);
      g_assert_cmpfloat (p->spectrum->minimal_ratio, <=, area.y_max);
    }

  /* Minima in green, saddles in red (the label colours). */
  saddle_palette_init (&palette, FALSE);
  saddle_palette_series (&palette, 2, &green);
  saddle_palette_series (&palette, 3, &red);
  g_assert_cmpuint (count_color (surface, &area, 10, &green, 10.0 / 255), >=, 20);
  g_assert_cmpuint (count_color (surface, &area, 10, &red, 10.0 / 255), >=, 20);
  maybe_keep (surface, "critical.png");

  /* Picking: at each point's drawn place, that point comes back. */
  for (guint i = 0; i < set->points->len; i += 5)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      double ux = (log10 (p->loss) - log10 (area.x_min)) / (log10 (area.x_max) - log10 (area.x_min));
      double uy = (p->spectrum->minimal_ratio - area.y_min) / (area.y_max - area.y_min);
      double px = area.x + ux * area.width;
      double py = area.y + (1 - uy) * area.height;
      int picked = saddle_figure_critical_pick (set, &area, px + 0.5, py - 0.5, 6);
      const SaddleCriticalPoint *q;

      g_assert_cmpint (picked, >=, 0);
      q = g_ptr_array_index (set->points, picked);
      /* Another point may coincide on screen; then it sits within a pixel. */
      if ((guint) picked != i)
        {
          double qx = area.x + (log10 (q->loss) - log10 (area.x_min))
                               / (log10 (area.x_max) - log10 (area.x_min)) * area.width;

          g_assert_cmpfloat (fabs (qx - px), <, 2.0);
        }
    }
  g_assert_cmpint (saddle_figure_critical_pick (set, &area, area.x - 200, area.y - 200, 6), ==, -1);
  g_assert_cmpint (saddle_figure_critical_pick (NULL, &area, 0, 0, 6), ==, -1);
  g_assert_cmpint (saddle_figure_critical_pick (set, NULL, 0, 0, 6), ==, -1);

  /* The ring around the selected point: the picture differs from none selected. */
  {
    cairo_t *cr2;
    cairo_surface_t *plain = new_canvas (&cr2);

    saddle_figure_critical (cr2, WIDTH, HEIGHT, set, NULL, -1, NULL, NULL);
    cairo_surface_flush (plain);
    cairo_surface_flush (surface);
    g_assert_true (memcmp (cairo_image_surface_get_data (plain), cairo_image_surface_get_data (surface),
                           (gsize) cairo_image_surface_get_stride (plain) * HEIGHT) != 0);
    cairo_destroy (cr2);
    cairo_surface_destroy (plain);
  }

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* A closed form's critical points, drawn faint behind the found ones: ink in the muted colour
 * where the reference lies, the x axis widened to hold it, the found points still drawn. */
static void
test_figure_critical_reference (void)
{
  g_autoptr(SaddleCriticalSet) set = make_critical_set (20);
  g_autoptr(GArray) levels = g_array_new (FALSE, TRUE, sizeof (SaddleGroundTruthLevel));
  SaddleFigureStyle style;
  SaddlePalette palette;
  SaddlePlotArea plain_area, area;
  cairo_t *cr, *cr2;
  cairo_surface_t *surface = new_canvas (&cr);
  cairo_surface_t *plain = new_canvas (&cr2);
  double lo = INFINITY;

  for (guint i = 0; i < set->points->len; i++)
    lo = MIN (lo, ((const SaddleCriticalPoint *) g_ptr_array_index (set->points, i))->loss);
  for (guint i = 0; i < 200; i++)
    {
      SaddleGroundTruthLevel level = { 0 };

      level.subset = i;
      level.loss = lo / 10.0 * (1.0 + i / 50.0);
      level.minimal_ratio = 0.2 + 0.003 * i;
      level.nonzero_ratio = level.minimal_ratio;
      g_array_append_val (levels, level);
    }

  saddle_figure_critical (cr2, WIDTH, HEIGHT, set, NULL, -1, NULL, &plain_area);
  saddle_figure_style_init (&style);
  style.critical_reference = levels;
  saddle_figure_critical (cr, WIDTH, HEIGHT, set, NULL, -1, &style, &area);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  assert_area_sane (&area);
  g_assert_cmpfloat (area.x_min, <, plain_area.x_min);
  saddle_palette_init (&palette, FALSE);
  g_assert_cmpuint (count_color (surface, &area, 10, &palette.muted, 10.0 / 255), >=, 50);
  g_assert_cmpuint (count_color (plain, &plain_area, 10, &palette.muted, 10.0 / 255), <,
                    count_color (surface, &area, 10, &palette.muted, 10.0 / 255));
  maybe_keep (surface, "critical-reference.png");

  cairo_destroy (cr);
  cairo_destroy (cr2);
  cairo_surface_destroy (surface);
  cairo_surface_destroy (plain);
}

/* The ratio axis fits the points (a study of ratios 0.03–0.05 must not lie on the floor of a
 * 0–1 axis) unless the homework's 0–1 is asked for; the points stay inside either way. */
static void
test_figure_critical_ratio_axis (void)
{
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  SaddleFigureStyle style;
  SaddlePlotArea area;
  double lo = INFINITY, hi = -INFINITY;

  for (guint i = 0; i < 12; i++)
    {
      /* n = 100 eigenvalues, 3 to 5 of them positive: minimal ratios 0.03–0.05. */
      double values[100];
      g_autoptr(SaddleCriticalPoint) point = NULL;

      for (guint k = 0; k < 100; k++)
        values[k] = k < 3 + i % 3 ? 1.0 + k : (k < 10 ? -1.0 : 0.0);
      point = saddle_test_critical_point_new (i, 0.01 * (i + 1), values, 100, 1e-6, SADDLE_CRITICAL_SADDLE);
      lo = MIN (lo, point->spectrum->minimal_ratio);
      hi = MAX (hi, point->spectrum->minimal_ratio);
      saddle_critical_set_add (set, point);
    }
  g_assert_cmpfloat (lo, ==, 0.03);
  g_assert_cmpfloat (hi, ==, 0.05);

  for (guint full = 0; full < 2; full++)
    {
      cairo_t *cr;
      cairo_surface_t *canvas = new_canvas (&cr);

      saddle_figure_style_init (&style);
      g_assert_false (style.ratio_axis_full);
      style.ratio_axis_full = full;
      saddle_figure_critical (cr, WIDTH, HEIGHT, set, NULL, -1, &style, &area);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      if (full)
        {
          g_assert_cmpfloat (area.y_min, ==, 0.0);
          g_assert_cmpfloat (area.y_max, ==, 1.0);
        }
      else
        {
          /* 0.03–0.05 with 0.02 either side. */
          g_assert_cmpfloat_with_epsilon (area.y_min, 0.01, 1e-12);
          g_assert_cmpfloat_with_epsilon (area.y_max, 0.07, 1e-12);
        }
      cairo_destroy (cr);
      cairo_surface_destroy (canvas);
    }
}

static void
test_figure_spectrum (void)
{
  g_autofree double *values = make_eigenvalues (5, 1086, 30, 544);
  g_autoptr(SaddleCriticalPoint) point = saddle_test_critical_point_new (11, 0.0123, values, 1086, 1e-6, SADDLE_CRITICAL_SADDLE);
  SaddlePalette palette;
  SaddleColor negative, positive, zero;
  SaddlePlotArea whole = { 0, 0, WIDTH, HEIGHT, 0, 1, 0, 1, FALSE, FALSE };
  cairo_t *cr;
  cairo_surface_t *surface = new_canvas (&cr);

  g_assert_cmpuint (point->spectrum->negative, ==, 30);
  g_assert_cmpuint (point->spectrum->zero, ==, 544);
  /* A study's point is its run; hessian's is the weights file it read (never "Run 1"). */
  {
    g_autofree char *run_title = saddle_figure_spectrum_title (point, NULL);
    g_autofree char *file_title = saddle_figure_spectrum_title (point, "w-run2.txt");

    g_assert_true (g_str_has_prefix (run_title, "Run 12: "));
    g_assert_true (g_str_has_prefix (file_title, "w-run2.txt: "));
    g_assert_null (strstr (file_title, "Run"));
  }

  saddle_figure_spectrum (cr, WIDTH, HEIGHT, point, NULL);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  assert_background (surface, FALSE);
  saddle_palette_init (&palette, FALSE);
  saddle_palette_series (&palette, 3, &negative);
  saddle_palette_series (&palette, 0, &positive);
  saddle_palette_series (&palette, 11, &zero);
  /* Bars are alpha 0.95 over the page: allow for the blend. */
  g_assert_cmpuint (count_color (surface, &whole, 0, &negative, 16.0 / 255), >=, 200);
  g_assert_cmpuint (count_color (surface, &whole, 0, &positive, 16.0 / 255), >=, 2000);
  g_assert_cmpuint (count_color (surface, &whole, 0, &zero, 16.0 / 255), >=, 200);
  maybe_keep (surface, "spectrum.png");
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  /* A minimum: no negative bars at all. */
  {
    g_autofree double *min_values = make_eigenvalues (6, 500, 0, 100);
    g_autoptr(SaddleCriticalPoint) minimum = saddle_test_critical_point_new (0, 0.5, min_values, 500, 1e-6, SADDLE_CRITICAL_MINIMUM);

    surface = new_canvas (&cr);
    saddle_figure_spectrum (cr, WIDTH, HEIGHT, minimum, NULL);
    g_assert_cmpuint (count_color (surface, &whole, 0, &positive, 16.0 / 255), >=, 2000);
    maybe_keep (surface, "spectrum-minimum.png");
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
}

/* Every figure with nothing, or with hostile numbers, or on a hostile canvas. */
static void
test_figure_empty (void)
{
  g_autoptr(SaddleHistory) empty_history = saddle_history_new ();
  g_autoptr(SaddleHistory) bad_history = saddle_history_new ();
  g_autoptr(SaddleTrajectory) no_pca = saddle_test_trajectory_new (2, 3, FALSE, FALSE);
  g_autoptr(SaddleCriticalSet) empty_set = saddle_critical_set_new (1e-6);
  g_autoptr(SaddleCriticalSet) bad_set = saddle_critical_set_new (0);
  g_autoptr(SaddleCriticalPoint) no_spectrum = saddle_test_critical_point_new (0, 1.0, NULL, 0, 1e-6, SADDLE_CRITICAL_UNCERTIFIED);
  g_autoptr(SaddleCriticalPoint) zeros = NULL;
  double zero_values[4] = { 0, 0, 0, 0 };
  g_autoptr(SaddleSurface) holes = NULL;
  g_autoptr(SaddleDensity) density = NULL;
  g_autoptr(SaddleSpectrum) dense = NULL;
  g_autoptr(SaddleSlice) slice = NULL;
  SaddleFigureStyle style;
  static const double sizes[][2] = { { WIDTH, HEIGHT }, { 120, 80 }, { 1, 1 }, { 0, 0 }, { -5, 10 }, { NAN, 100 } };

  {
    SaddleIterationRecord recs[] = {
      { .run = 0, .iteration = 1, .loss = NAN, .grad_norm = INFINITY },
      { .run = 0, .iteration = 2, .loss = -1.0, .grad_norm = 0.0 },
      { .run = G_MAXUINT, .iteration = 3, .loss = 1.0, .grad_norm = 1.0 },
      { .run = 2, .iteration = 3, .loss = 1e308, .grad_norm = 1e-308 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (recs); i++)
      saddle_history_add_iteration (bad_history, &recs[i]);
  }
  saddle_spectrum_free (no_spectrum->spectrum);
  no_spectrum->spectrum = NULL;
  saddle_critical_set_add (bad_set, no_spectrum);
  zeros = saddle_test_critical_point_new (1, NAN, zero_values, 4, 0, SADDLE_CRITICAL_DEGENERATE);
  saddle_critical_set_add (bad_set, zeros);
  saddle_critical_point_free (g_steal_pointer (&zeros));
  zeros = saddle_test_critical_point_new (2, 0.0, zero_values, 4, 0, SADDLE_CRITICAL_DEGENERATE);
  saddle_critical_set_add (bad_set, zeros);
  zeros->label = (SaddleCriticalLabel) 99;

  saddle_figure_style_init (&style);
  style.font_size = -3;   /* nonsense: the default is used */
  style.critical_ratio = (SaddleCriticalRatio) 42;
  {
    double range[4] = { 0, 1, 0, 1 };
    double loss[4] = { 1, NAN, 2, 3 };

    holes = saddle_surface_new (range, 2, loss, NULL);
    g_assert_nonnull (holes);
  }
  make_density (&density, &dense);
  slice = make_slice (5);
  slice->loss = NAN;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      double w = sizes[s][0], h = sizes[s][1];
      cairo_t *cr;
      cairo_surface_t *surface = new_canvas (&cr);
      SaddlePlotArea areas[2], area;
      SaddleCriticalTrend trend;

      saddle_figure_gradnorm (cr, w, h, NULL, NULL, areas);
      saddle_figure_gradnorm (cr, w, h, empty_history, &style, NULL);
      saddle_figure_gradnorm (cr, w, h, bad_history, &style, areas);
      saddle_figure_trajectories (cr, w, h, NULL, FALSE, G_MAXUINT, NULL, &area);
      saddle_figure_trajectories (cr, w, h, no_pca, TRUE, 0, &style, NULL);
      saddle_figure_critical (cr, w, h, NULL, trend_of (NULL, SADDLE_CRITICAL_RATIO_MINIMAL, &trend), 3, NULL, &area);
      saddle_figure_critical (cr, w, h, empty_set, trend_of (empty_set, style.critical_ratio, &trend), 0, &style, &area);
      saddle_figure_critical (cr, w, h, bad_set, trend_of (bad_set, style.critical_ratio, &trend), 1, &style, &area);
      /* Of bad_set, only the third point (loss 0, ratio 0 of four zero eigenvalues) has a
       * place on the scatter: a radius that covers the canvas picks it from anywhere, and
       * nothing is picked from a canvas too small to have a plot area. */
      if (s < 2)
        g_assert_cmpfloat (area.width, >, 0);
      g_assert_cmpint (saddle_figure_critical_pick (bad_set, &area, 10, 10, 1e9), ==,
                       area.width > 0 && area.height > 0 ? 2 : -1);
      saddle_figure_spectrum (cr, w, h, NULL, NULL);
      saddle_figure_spectrum (cr, w, h, no_spectrum, &style);
      saddle_figure_spectrum (cr, w, h, zeros, &style);
      saddle_figure_trajectories_with_surface (cr, w, h, no_pca, holes, FALSE, G_MAXUINT, &style, &area);
      saddle_figure_trajectories_with_surface (cr, w, h, NULL, NULL, FALSE, 0, NULL, NULL);
      saddle_figure_density (cr, w, h, NULL, NULL, NULL);
      saddle_figure_density (cr, w, h, density, zeros->spectrum, &style);
      saddle_figure_density (cr, w, h, NULL, dense, &style);
      saddle_figure_slice (cr, w, h, NULL, &style);
      saddle_figure_slice (cr, w, h, slice, NULL);
      /* A huge font on a small canvas: squeezed, never broken. */
      style.font_size = 150;
      saddle_figure_critical (cr, w / 4, h / 4, bad_set, &trend, 2, &style, &area);
      saddle_figure_gradnorm (cr, w / 4, h / 4, bad_history, &style, areas);
      saddle_figure_trajectories_with_surface (cr, w / 4, h / 4, no_pca, holes, FALSE, G_MAXUINT, &style, NULL);
      saddle_figure_density (cr, w / 4, h / 4, density, dense, &style);
      saddle_figure_slice (cr, w / 4, h / 4, slice, &style);
      style.font_size = -3;
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      cairo_destroy (cr);
      cairo_surface_destroy (surface);
    }

  /* The empty charts still have their frame and say so. */
  {
    cairo_t *cr;
    cairo_surface_t *surface = new_canvas (&cr);
    SaddlePlotArea areas[2], area;
    SaddlePalette palette;

    saddle_figure_gradnorm (cr, WIDTH, HEIGHT, empty_history, NULL, areas);
    assert_area_sane (&areas[0]);
    assert_area_sane (&areas[1]);
    /* Text ("No data yet") in the muted colour, inside the plot. */
    saddle_palette_init (&palette, FALSE);
    g_assert_cmpuint (count_color (surface, &areas[0], 0, &palette.muted, 20.0 / 255), >=, 10);
    maybe_keep (surface, "gradnorm-empty.png");
    saddle_figure_trajectories (cr, WIDTH, HEIGHT, no_pca, FALSE, G_MAXUINT, NULL, &area);
    assert_area_sane (&area);
    g_assert_cmpuint (count_color (surface, &area, 0, &palette.muted, 20.0 / 255), >=, 10);
    maybe_keep (surface, "trajectories-empty.png");
    saddle_figure_spectrum (cr, WIDTH, HEIGHT, NULL, NULL);
    maybe_keep (surface, "spectrum-empty.png");
    cairo_destroy (cr);
    cairo_surface_destroy (surface);
  }
}

/* ------------------------------------------------------------ files */

typedef struct
{
  guint    depth;
  guint    paths;
  gboolean root_svg;
} SvgCount;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgCount *count = user_data;

  if (count->depth == 0)
    count->root_svg = g_str_equal (element, "svg");
  if (g_str_equal (element, "path"))
    count->paths++;
  count->depth++;
}

static void
svg_end (GMarkupParseContext  *context,
         const char           *element,
         gpointer              user_data,
         GError              **error)
{
  ((SvgCount *) user_data)->depth--;
}

static SvgCount
parse_svg (const char *path)
{
  static const GMarkupParser parser = { svg_start, svg_end, NULL, NULL, NULL };
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  gsize length;
  SvgCount count = { 0 };

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&parser, G_MARKUP_IGNORE_QUALIFIED, &count, NULL);
  /* The XML declaration and DOCTYPE are passthrough for GMarkup. */
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
  g_assert_no_error (error);
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count.depth, ==, 0);
  return count;
}

typedef struct
{
  int               kind;
  SaddleHistory    *history;
  SaddleTrajectory *trajectory;
  SaddleCriticalSet *set;
  SaddleSurface    *surface;
  SaddleDensity    *density;
  SaddleSpectrum   *dense;
  SaddleSlice      *slice;
} DrawData;

static void
draw_any (cairo_t *cr,
          double   width,
          double   height,
          gpointer user_data)
{
  DrawData *d = user_data;

  switch (d->kind)
    {
    case 0:
      saddle_figure_gradnorm (cr, width, height, d->history, NULL, NULL);
      break;
    case 1:
      saddle_figure_trajectories (cr, width, height, d->trajectory, FALSE, G_MAXUINT, NULL, NULL);
      break;
    case 2:
      saddle_figure_critical (cr, width, height, d->set, NULL, 2, NULL, NULL);
      break;
    case 3:
      saddle_figure_spectrum (cr, width, height, g_ptr_array_index (d->set->points, 1), NULL);
      break;
    case 4:
      saddle_figure_trajectories_with_surface (cr, width, height, d->trajectory, d->surface, FALSE,
                                               G_MAXUINT, NULL, NULL);
      break;
    case 5:
      saddle_figure_density (cr, width, height, d->density, d->dense, NULL);
      break;
    default:
      saddle_figure_slice (cr, width, height, d->slice, NULL);
      break;
    }
}

static void
test_write_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("saddle-plot-XXXXXX", &error);
  g_autoptr(SaddleHistory) history = make_history (3, 100);
  g_autoptr(SaddleTrajectory) trajectory = saddle_test_trajectory_new (5, 10, FALSE, TRUE);
  g_autoptr(SaddleCriticalSet) set = make_critical_set (12);
  DrawData d = { 0, history, trajectory, set, NULL, NULL, NULL, NULL };
  SaddleTestLandscape land;
  /* Paths a figure needs at least: series, bands (one per level), curves. */
  static const guint min_paths[7] = { 3, 5, 12, 10, 5 + BANDS, 3, 4 };

  g_assert_no_error (error);
  d.surface = saddle_test_surface_new (trajectory, &land, TRUE);
  make_density (&d.density, &d.dense);
  d.slice = make_slice (101);

  for (int kind = 0; kind < 7; kind++)
    {
      g_autofree char *svg = g_strdup_printf ("%s/figure-%d.svg", dir, kind);
      g_autofree char *png = g_strdup_printf ("%s/figure-%d.png", dir, kind);
      cairo_surface_t *image;
      SvgCount count;

      d.kind = kind;
      g_assert_true (saddle_figure_write_svg (svg, 640, 420, draw_any, &d, &error));
      g_assert_no_error (error);
      count = parse_svg (svg);
      g_assert_true (count.root_svg);
      g_assert_cmpuint (count.paths, >=, min_paths[kind]);

      g_assert_true (saddle_figure_write_png (png, 640.5, 420, draw_any, &d, &error));
      g_assert_no_error (error);
      image = cairo_image_surface_create_from_png (png);
      g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
      g_assert_cmpint (cairo_image_surface_get_width (image), ==, 641);
      g_assert_cmpint (cairo_image_surface_get_height (image), ==, 420);
      cairo_surface_destroy (image);
      g_unlink (svg);
      g_unlink (png);
    }

  /* An impossible path: a WRITE error that names it. */
  {
    g_autofree char *bad = g_build_filename (dir, "no-such-dir", "figure.svg", NULL);

    g_assert_false (saddle_figure_write_svg (bad, 100, 100, draw_any, &d, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull (strstr (error->message, bad));
    g_clear_error (&error);

    g_free (bad);
    bad = g_build_filename (dir, "no-such-dir", "figure.png", NULL);
    g_assert_false (saddle_figure_write_png (bad, 100, 100, draw_any, &d, &error));
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull (strstr (error->message, bad));
    g_clear_error (&error);

    g_assert_false (saddle_figure_write_png (bad, 0, 100, draw_any, &d, &error));
    g_assert_error (error, SADDLE_FIGURE_ERROR, SADDLE_FIGURE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_false (saddle_figure_write_svg (bad, NAN, 100, draw_any, &d, &error));
    g_assert_error (error, SADDLE_FIGURE_ERROR, SADDLE_FIGURE_ERROR_INVALID);
    g_clear_error (&error);
  }

  saddle_surface_free (d.surface);
  saddle_density_free (d.density);
  saddle_spectrum_free (d.dense);
  saddle_slice_free (d.slice);

  g_rmdir (dir);
}

/* ------------------------------------------------------------ the loss surface behind the paths */

static int
landscape_band (const SaddleTestLandscape *land,
                double                     a,
                double                     b)
{
  double f = saddle_test_landscape_value (land, a, b);

  return (int) floor ((f - land->lo) / land->span * BANDS);
}

static double
segment_distance (double px,
                  double py,
                  double x0,
                  double y0,
                  double x1,
                  double y1)
{
  double dx = x1 - x0, dy = y1 - y0;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? CLAMP (((px - x0) * dx + (py - y0) * dy) / len2, 0.0, 1.0) : 0.0;

  return hypot (px - (x0 + t * dx), py - (y0 + t * dy));
}

/* Distance in pixels from (px, py) to the nearest drawn path of @trajectory. */
static double
path_distance (const SaddleTrajectory *trajectory,
               const SaddlePlotArea   *area,
               double                  px,
               double                  py)
{
  const SaddlePca *pca = trajectory->pca;
  double best = INFINITY;

  for (gsize i = 0; i < pca->n_points; i++)
    {
      const SaddleSnapshotInfo *s = &g_array_index (trajectory->info, SaddleSnapshotInfo, i);
      double x1 = area->x + (pca->scores[2 * i] - area->x_min) / (area->x_max - area->x_min) * area->width;
      double y1 = area->y + (1 - (pca->scores[2 * i + 1] - area->y_min) / (area->y_max - area->y_min)) * area->height;
      double x0 = x1, y0 = y1;

      if (i > 0 && g_array_index (trajectory->info, SaddleSnapshotInfo, i - 1).run == s->run)
        {
          x0 = area->x + (pca->scores[2 * i - 2] - area->x_min) / (area->x_max - area->x_min) * area->width;
          y0 = area->y + (1 - (pca->scores[2 * i - 1] - area->y_min) / (area->y_max - area->y_min)) * area->height;
        }
      best = MIN (best, segment_distance (px, py, x0, y0, x1, y1));
    }
  return best;
}

/* Every sampled plot pixel away from paths and band edges shows its band's colour. */
static void
check_surface_pixels (cairo_surface_t           *surface,
                      const SaddlePlotArea      *area,
                      const SaddleTrajectory    *trajectory,
                      const SaddleTestLandscape *land,
                      gboolean                   dark)
{
  SaddlePalette palette;
  guint tested = 0;
  gboolean seen[BANDS] = { FALSE };
  guint bands_seen = 0;

  saddle_palette_init (&palette, dark);
  cairo_surface_flush (surface);
  for (double py = area->y + 3; py < area->y + area->height - 3; py += 5)
    for (double px = area->x + 3; px < area->x + area->width - 3; px += 5)
      {
        int x = (int) px, y = (int) py, band = -1;
        gboolean edge = FALSE;
        SaddleColor expected;
        double r, g, b;

        /* The band at the pixel centre and 3 px around it: skip the edges. */
        for (int k = 0; k < 5; k++)
          {
            static const int off[5][2] = { { 0, 0 }, { 3, 0 }, { -3, 0 }, { 0, 3 }, { 0, -3 } };
            double cx = x + 0.5 + off[k][0], cy = y + 0.5 + off[k][1];
            double a = area->x_min + (cx - area->x) / area->width * (area->x_max - area->x_min);
            double bv = area->y_max - (cy - area->y) / area->height * (area->y_max - area->y_min);
            int kb = CLAMP (landscape_band (land, a, bv), 0, BANDS - 1);

            if (k == 0)
              band = kb;
            else if (kb != band)
              edge = TRUE;
          }
        if (edge || path_distance (trajectory, area, x + 0.5, y + 0.5) < 12)
          continue;

        saddle_colormap_at (&palette, (band + 0.5) / BANDS, &expected);
        read_pixel (surface, x, y, &r, &g, &b);
        if (fabs (r - expected.red) > 2.5 / 255 || fabs (g - expected.green) > 2.5 / 255
            || fabs (b - expected.blue) > 2.5 / 255)
          g_error ("pixel (%d, %d): band %d expected #%02x%02x%02x, found #%02x%02x%02x", x, y, band,
                   (int) round (expected.red * 255), (int) round (expected.green * 255),
                   (int) round (expected.blue * 255), (int) round (r * 255), (int) round (g * 255),
                   (int) round (b * 255));
        tested++;
        if (!seen[band])
          {
            seen[band] = TRUE;
            bands_seen++;
          }
      }
  g_assert_cmpuint (tested, >=, 500);
  /* The landscape climbs through all twelve levels across the plane. */
  g_assert_cmpuint (bands_seen, ==, BANDS);
}

/* The colour bar: band k's colour at its height, just right of the plot. */
static void
check_colorbar (cairo_surface_t      *surface,
                const SaddlePlotArea *area,
                gboolean              dark)
{
  SaddlePalette palette;
  double bar_x = area->x + area->width + 12.0 + 0.5 * 0.95 * 12.0;

  saddle_palette_init (&palette, dark);
  for (guint k = 0; k < BANDS; k++)
    {
      SaddleColor expected;
      double r, g, b;
      int y = (int) (area->y + (1 - (k + 0.5) / BANDS) * area->height);

      saddle_colormap_at (&palette, (k + 0.5) / BANDS, &expected);
      read_pixel (surface, (int) bar_x, y, &r, &g, &b);
      g_assert_cmpfloat (fabs (r - expected.red), <=, 1.5 / 255);
      g_assert_cmpfloat (fabs (g - expected.green), <=, 1.5 / 255);
      g_assert_cmpfloat (fabs (b - expected.blue), <=, 1.5 / 255);
    }
}

static void
test_colormap (void)
{
  SaddlePalette light, dark;
  SaddleColor c;
  double last = -1;

  saddle_palette_init (&light, FALSE);
  saddle_palette_init (&dark, TRUE);
  /* Lightness grows along the raw map: it reads in grey scale. */
  for (guint k = 0; k <= 20; k++)
    {
      double l;

      saddle_colormap_raw (k / 20.0, &c);
      l = 0.2126 * c.red + 0.7152 * c.green + 0.0722 * c.blue;
      g_assert_cmpfloat (l, >, last);
      last = l;
    }
  /* Clamped outside [0, 1]; NaN is the page. */
  {
    SaddleColor end, beyond;

    saddle_colormap_at (&light, 1.0, &end);
    saddle_colormap_at (&light, 7.0, &beyond);
    g_assert_cmpmem (&end, sizeof end, &beyond, sizeof beyond);
    saddle_colormap_at (&dark, NAN, &c);
    g_assert_cmpmem (&c, sizeof c, &dark.background, sizeof dark.background);
  }
  /* Softened towards each page, so the two themes differ. */
  {
    SaddleColor a, b;

    saddle_colormap_at (&light, 0.0, &a);
    saddle_colormap_at (&dark, 0.0, &b);
    g_assert_cmpfloat (a.red + a.green + a.blue, >, b.red + b.green + b.blue);
  }
}

static void
test_contour (void)
{
  /* f = x on the unit square, 3 × 3 nodes: left half below 0.5, right half above. */
  static const double xs[3] = { 0, 0.5, 1 }, ys[3] = { 0, 0.5, 1 };
  double values[9] = { 0, 0.5, 1, 0, 0.5, 1, 0, 0.5, 1 };
  const double levels[3] = { 0.0, 0.5, 1.0 };
  SaddleGrid grid = { 3, 3, xs, ys, values };
  SaddlePalette palette;
  SaddleColor colors[2], black = { 0, 0, 0 };
  cairo_t *cr;
  cairo_surface_t *surface = new_canvas (&cr);
  g_auto(SaddleChart) chart = { 0 };
  SaddlePlotArea area;

  saddle_palette_init (&palette, FALSE);
  saddle_color_parse (&colors[0], "#ff0000");
  saddle_color_parse (&colors[1], "#0000ff");
  saddle_chart_paint_background (cr, &palette, WIDTH, HEIGHT);
  saddle_chart_init (&chart, cr, &palette, 12);
  saddle_axis_set_range (&chart.x_axis, 0, 1);
  saddle_axis_set_range (&chart.y_axis, 0, 1);
  saddle_chart_layout (&chart, 0, 0, WIDTH, HEIGHT);
  area = (SaddlePlotArea) { chart.x, chart.y, chart.width, chart.height, 0, 1, 0, 1, FALSE, FALSE, 0 };

  saddle_contour_fill (&chart, &grid, levels, 3, colors);
  {
    SaddlePlotArea left = area, right = area;
    guint red, blue, red_right;

    left.width = area.width * 0.48;
    right.x = area.x + area.width * 0.52;
    right.width = area.width * 0.48;
    red = count_color (surface, &left, 0, &colors[0], 1.0 / 255);
    blue = count_color (surface, &right, 0, &colors[1], 1.0 / 255);
    red_right = count_color (surface, &right, 0, &colors[0], 1.0 / 255);
    /* Whole halves, not a pixel of red on the right: no seams, no overlap. */
    g_assert_cmpuint (red, >=, (guint) (0.97 * left.width * left.height));
    g_assert_cmpuint (blue, >=, (guint) (0.97 * right.width * right.height));
    g_assert_cmpuint (red_right, ==, 0);
  }

  /* The iso-line at 0.5 runs down the middle. */
  saddle_contour_lines (&chart, &grid, levels + 1, 1, &black, 1.0, 2.0);
  {
    double r, g, b;
    int mid = (int) floor (chart.x + 0.5 * chart.width);

    cairo_surface_flush (surface);
    for (int y = (int) chart.y + 5; y < (int) (chart.y + chart.height) - 5; y += 17)
      {
        double darkest = 1;

        for (int dx = -1; dx <= 1; dx++)
          {
            read_pixel (surface, mid + dx, y, &r, &g, &b);
            darkest = MIN (darkest, r + g + b);
          }
        g_assert_cmpfloat (darkest, <, 0.3);
      }
  }

  /* A hole: a non-finite node leaves the triangles around it unpainted. */
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  surface = new_canvas (&cr);
  saddle_chart_paint_background (cr, &palette, WIDTH, HEIGHT);
  chart.cr = cr;
  values[4] = NAN;
  saddle_contour_fill (&chart, &grid, levels, 3, colors);
  {
    SaddlePlotArea centre = { chart.x + 0.45 * chart.width, chart.y + 0.45 * chart.height,
                              0.1 * chart.width, 0.1 * chart.height, 0, 1, 0, 1, FALSE, FALSE, 0 };
    SaddlePlotArea corner = { chart.x + 0.02 * chart.width, chart.y + 0.02 * chart.height,
                              0.05 * chart.width, 0.05 * chart.height, 0, 1, 0, 1, FALSE, FALSE, 0 };

    g_assert_cmpuint (count_color (surface, &centre, 0, &palette.background, 1.0 / 255), ==,
                      (guint) (ceil (centre.x + centre.width) - floor (centre.x))
                      * (guint) (ceil (centre.y + centre.height) - floor (centre.y)));
    /* The corners keep the triangle of their three finite nodes. */
    g_assert_cmpuint (count_color (surface, &corner, 0, &colors[0], 1.0 / 255), >, 0);
  }
  /* Nothing usable: nothing drawn, nothing broken. */
  saddle_contour_fill (&chart, NULL, levels, 3, colors);
  saddle_contour_lines (&chart, &grid, NULL, 3, &black, 1, 1);
  grid.nx = 1;
  saddle_contour_fill (&chart, &grid, levels, 3, colors);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);

  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
test_figure_trajectories_surface (void)
{
  g_autoptr(SaddleTrajectory) trajectory = saddle_test_trajectory_new (4, 30, FALSE, TRUE);

  for (guint variant = 0; variant < 3; variant++)
    {
      gboolean dark = variant == 1;
      gboolean log_levels = variant != 2;
      SaddleTestLandscape land;
      g_autoptr(SaddleSurface) surface = saddle_test_surface_new (trajectory, &land, log_levels);
      SaddleFigureStyle style;
      SaddlePlotArea area;
      cairo_t *cr;
      cairo_surface_t *canvas = new_canvas (&cr);

      saddle_figure_style_init (&style);
      style.dark = dark;
      saddle_figure_trajectories_with_surface (cr, WIDTH, HEIGHT, trajectory, surface, FALSE, G_MAXUINT,
                                               &style, &area);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      assert_area_sane (&area);
      assert_background (canvas, dark);
      /* The axes are the surface's range, every snapshot being inside it. */
      g_assert_cmpfloat_with_epsilon (area.x_min, land.range[0], 1e-12);
      g_assert_cmpfloat_with_epsilon (area.x_max, land.range[1], 1e-12);
      g_assert_cmpfloat_with_epsilon (area.y_min, land.range[2], 1e-12);
      g_assert_cmpfloat_with_epsilon (area.y_max, land.range[3], 1e-12);
      check_surface_pixels (canvas, &area, trajectory, &land, dark);
      check_colorbar (canvas, &area, dark);
      check_runs_drawn (canvas, &area, 4, dark);
      maybe_keep (canvas, variant == 0 ? "trajectories-surface.png"
                          : variant == 1 ? "trajectories-surface-dark.png" : "trajectories-surface-linear.png");
      cairo_destroy (cr);
      cairo_surface_destroy (canvas);
    }

  /* A layer's view has no surface behind it; without a surface the figure is the old one. */
  {
    SaddleTestLandscape land;
    g_autoptr(SaddleSurface) surface = saddle_test_surface_new (trajectory, &land, TRUE);
    cairo_t *cr, *cr2;
    cairo_surface_t *with = new_canvas (&cr);
    cairo_surface_t *without = new_canvas (&cr2);
    SaddlePalette palette;
    SaddlePlotArea area;
    guint band_pixels = 0;

    saddle_figure_trajectories_with_surface (cr, WIDTH, HEIGHT, trajectory, surface, TRUE, G_MAXUINT, NULL, &area);
    saddle_palette_init (&palette, FALSE);
    for (guint k = 0; k < BANDS; k++)
      {
        SaddleColor c;

        saddle_colormap_at (&palette, (k + 0.5) / BANDS, &c);
        band_pixels += count_color (with, &area, 0, &c, 1.0 / 255);
      }
    g_assert_cmpuint (band_pixels, <, 20);

    saddle_figure_trajectories_with_surface (cr, WIDTH, HEIGHT, trajectory, NULL, FALSE, 7, NULL, NULL);
    saddle_figure_trajectories (cr2, WIDTH, HEIGHT, trajectory, FALSE, 7, NULL, NULL);
    cairo_surface_flush (with);
    cairo_surface_flush (without);
    g_assert_cmpmem (cairo_image_surface_get_data (with), cairo_image_surface_get_stride (with) * HEIGHT,
                     cairo_image_surface_get_data (without), cairo_image_surface_get_stride (without) * HEIGHT);
    cairo_destroy (cr);
    cairo_destroy (cr2);
    cairo_surface_destroy (with);
    cairo_surface_destroy (without);
  }

  /* A surface that is mostly not finite, or flat, or nonsense: drawn as far as it goes. */
  {
    double range[4] = { -1, 1, -1, 1 };
    double loss[9] = { NAN, INFINITY, NAN, NAN, 2.0, NAN, NAN, NAN, -INFINITY };
    double flat[9] = { 3, 3, 3, 3, 3, 3, 3, 3, 3 };
    g_autoptr(GError) error = NULL;
    g_autoptr(SaddleSurface) holes = saddle_surface_new (range, 3, loss, &error);
    g_autoptr(SaddleSurface) level = saddle_surface_new (range, 3, flat, &error);
    SaddleSurface broken = *level;
    cairo_t *cr;
    cairo_surface_t *canvas = new_canvas (&cr);

    g_assert_no_error (error);
    saddle_figure_trajectories_with_surface (cr, WIDTH, HEIGHT, trajectory, holes, FALSE, G_MAXUINT, NULL, NULL);
    saddle_figure_trajectories_with_surface (cr, WIDTH, HEIGHT, trajectory, level, FALSE, G_MAXUINT, NULL, NULL);
    saddle_figure_trajectories_with_surface (cr, WIDTH, HEIGHT, NULL, level, FALSE, G_MAXUINT, NULL, NULL);
    broken.resolution = 100000;
    saddle_figure_trajectories_with_surface (cr, WIDTH, HEIGHT, trajectory, &broken, FALSE, G_MAXUINT, NULL, NULL);
    broken.resolution = 3;
    broken.pc1_max = NAN;
    saddle_figure_trajectories_with_surface (cr, WIDTH, HEIGHT, trajectory, &broken, FALSE, G_MAXUINT, NULL, NULL);
    g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
    cairo_destroy (cr);
    cairo_surface_destroy (canvas);
  }
}

static void
test_trajectory_pick (void)
{
  g_autoptr(SaddleTrajectory) trajectory = saddle_test_trajectory_new (3, 12, FALSE, TRUE);
  SaddlePlotArea area;
  cairo_t *cr;
  cairo_surface_t *canvas = new_canvas (&cr);
  const SaddlePca *pca = trajectory->pca;

  saddle_figure_trajectories (cr, WIDTH, HEIGHT, trajectory, FALSE, G_MAXUINT, NULL, &area);
  for (gsize i = 0; i < pca->n_points; i += 3)
    {
      double px = area.x + (pca->scores[2 * i] - area.x_min) / (area.x_max - area.x_min) * area.width;
      double py = area.y + (1 - (pca->scores[2 * i + 1] - area.y_min) / (area.y_max - area.y_min)) * area.height;
      int picked = saddle_figure_trajectories_pick (trajectory, FALSE, G_MAXUINT, &area, px + 0.3, py, 5);

      g_assert_cmpint (picked, >=, 0);
      /* The same snapshot, or one drawn within a pixel of it. */
      if ((gsize) picked != i)
        g_assert_cmpfloat (hypot (pca->scores[2 * picked] - pca->scores[2 * i],
                                  pca->scores[2 * picked + 1] - pca->scores[2 * i + 1])
                           / (area.x_max - area.x_min) * area.width, <, 2.0);
    }
  /* Snapshots after @upto_epoch are not drawn, so not picked. */
  {
    gsize last = 12;   /* run 0, epoch 12 */
    double px = area.x + (pca->scores[2 * last] - area.x_min) / (area.x_max - area.x_min) * area.width;
    double py = area.y + (1 - (pca->scores[2 * last + 1] - area.y_min) / (area.y_max - area.y_min)) * area.height;
    int picked = saddle_figure_trajectories_pick (trajectory, FALSE, 4, &area, px, py, 0.5);

    g_assert_true (picked < 0
                   || g_array_index (trajectory->info, SaddleSnapshotInfo, picked).epoch <= 4);
  }
  g_assert_cmpint (saddle_figure_trajectories_pick (trajectory, FALSE, G_MAXUINT, &area, -500, -500, 5), ==, -1);
  g_assert_cmpint (saddle_figure_trajectories_pick (NULL, FALSE, G_MAXUINT, &area, 0, 0, 5), ==, -1);
  g_assert_cmpint (saddle_figure_trajectories_pick (trajectory, FALSE, G_MAXUINT, NULL, 0, 0, 5), ==, -1);
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

/* Points whose ratio follows @slope per decade of loss (plus a little noise),
 * all converged saddles, no zero band: the minimal and nonzero ratios agree. */
static SaddleCriticalSet *
make_trend_set (guint  n_points,
                double slope)
{
  SaddleCriticalSet *set = saddle_critical_set_new (1e-6);
  SaddleRng rng;
  const gsize n = 1000;
  g_autofree double *values = g_new (double, n);

  saddle_rng_init (&rng, 21);
  for (guint i = 0; i < n_points; i++)
    {
      double decade = 3.0 * saddle_rng_uniform (&rng);
      double ratio = CLAMP (0.6 + slope * (decade - 1.5) + 0.02 * saddle_rng_normal (&rng), 0.01, 0.99);
      gsize n_positive = (gsize) round (ratio * n);
      g_autoptr(SaddleCriticalPoint) point = NULL;

      for (gsize k = 0; k < n; k++)
        values[k] = k < n_positive ? 1.0 + k : -1.0 - k;
      point = saddle_test_critical_point_new (i, pow (10.0, -3.0 + decade), values, n, 1e-6, SADDLE_CRITICAL_SADDLE);
      saddle_critical_set_add (set, point);
    }
  return set;
}

/* A pixel near @color within ±@reach rows of (x, y). */
static gboolean
near_color (cairo_surface_t   *surface,
            int                x,
            int                y,
            int                reach,
            const SaddleColor *color,
            double             tol)
{
  cairo_surface_flush (surface);
  for (int dy = -reach; dy <= reach; dy++)
    {
      double r, g, b;

      read_pixel (surface, x, y + dy, &r, &g, &b);
      if (fabs (r - color->red) <= tol && fabs (g - color->green) <= tol && fabs (b - color->blue) <= tol)
        return TRUE;
    }
  return FALSE;
}

static void
test_figure_critical_trend (void)
{
  SaddlePalette palette;

  saddle_palette_init (&palette, FALSE);

  for (guint sign = 0; sign < 2; sign++)
    {
      double slope = sign == 0 ? -0.12 : 0.12;
      g_autoptr(SaddleCriticalSet) set = make_trend_set (40, slope);
      SaddleCriticalTrend trend;
      const SaddleSubsetTrend *shown;
      SaddleFigureStyle style;
      SaddlePlotArea area;
      guint on_line = 0, off_line = 0;

      /* All certified: the line is theirs. */
      for (guint i = 0; i < set->points->len; i++)
        ((SaddleCriticalPoint *) g_ptr_array_index (set->points, i))->certificate = SADDLE_CERTIFICATE_GRADIENT;
      saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
      shown = saddle_critical_trend_get_shown (&trend);
      g_assert_true (trend.x_log);
      g_assert_cmpint (trend.shown, ==, SADDLE_TREND_CERTIFIED);
      g_assert_true (shown->fitted);
      g_assert_cmpuint (shown->n, ==, 40);
      /* The fitted slope has the data's sign and about its size; both correlations agree. */
      g_assert_cmpfloat (shown->slope * slope, >, 0);
      g_assert_cmpfloat (fabs (shown->slope - slope), <, 0.02);
      g_assert_cmpfloat (shown->pearson * slope, >, 0);
      g_assert_cmpfloat (fabs (shown->pearson), >, 0.9);
      g_assert_cmpfloat (shown->spearman.rho * slope, >, 0);
      g_assert_cmpfloat (fabs (shown->spearman.rho), >, 0.9);
      g_assert_cmpint (shown->verdict, ==, sign == 0 ? SADDLE_TREND_AS_EXPECTED : SADDLE_TREND_AGAINST);

      /* Drawn where the fit says, in the page's text colour; absent when turned off. */
      for (guint pass = 0; pass < 2; pass++)
        {
          cairo_t *cr;
          cairo_surface_t *canvas = new_canvas (&cr);

          saddle_figure_style_init (&style);
          g_assert_true (style.show_trend);
          style.show_trend = pass == 0;
          saddle_figure_critical (cr, WIDTH, HEIGHT, set, &trend, -1, &style, &area);
          for (guint k = 1; k < 8; k++)
            {
              double lx = log10 (area.x_min) + (log10 (area.x_max) - log10 (area.x_min)) * (0.2 + 0.6 * k / 8.0);
              double ratio = shown->slope * lx + shown->intercept;
              int px = (int) (area.x + (lx - log10 (area.x_min)) / (log10 (area.x_max) - log10 (area.x_min)) * area.width);
              int py = (int) (area.y + (area.y_max - ratio) / (area.y_max - area.y_min) * area.height);

              if (near_color (canvas, px, py, 2, &palette.foreground, 60.0 / 255))
                {
                  if (pass == 0)
                    on_line++;
                  else
                    off_line++;
                }
            }
          if (pass == 0)
            maybe_keep (canvas, sign == 0 ? "critical-trend-falling.png" : "critical-trend-rising.png");
          cairo_destroy (cr);
          cairo_surface_destroy (canvas);
        }
      g_assert_cmpuint (on_line, >=, 6);
      g_assert_cmpuint (off_line, ==, 0);
    }

  /* The certified points carry the line while 3 or more of them are there; else all do. */
  {
    g_autoptr(SaddleCriticalSet) set = make_trend_set (10, -0.1);
    SaddleCriticalTrend trend;

    for (guint i = 0; i < 10; i++)
      ((SaddleCriticalPoint *) g_ptr_array_index (set->points, i))->certificate
        = i < 6 ? SADDLE_CERTIFICATE_CLARKE : SADDLE_CERTIFICATE_NONE;
    saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
    g_assert_cmpint (trend.shown, ==, SADDLE_TREND_CERTIFIED);
    g_assert_cmpuint (trend.subsets[SADDLE_TREND_CERTIFIED].n, ==, 6);
    g_assert_cmpuint (trend.subsets[SADDLE_TREND_ALL].n, ==, 10);
    for (guint i = 2; i < 6; i++)
      ((SaddleCriticalPoint *) g_ptr_array_index (set->points, i))->certificate = SADDLE_CERTIFICATE_NONE;
    saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
    g_assert_cmpint (trend.shown, ==, SADDLE_TREND_ALL);
    g_assert_cmpuint (trend.subsets[SADDLE_TREND_CERTIFIED].n, ==, 2);
    g_assert_cmpint (trend.subsets[SADDLE_TREND_CERTIFIED].verdict, ==, SADDLE_TREND_TOO_FEW);
    g_assert_cmpuint (saddle_critical_trend_get_shown (&trend)->n, ==, 10);
  }

  /* Too little for anything: no line, no correlation, no crash. */
  {
    g_autoptr(SaddleCriticalSet) set = make_trend_set (1, -0.1);
    SaddleCriticalTrend trend;
    cairo_t *cr;
    cairo_surface_t *canvas = new_canvas (&cr);

    saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_MINIMAL, &trend);
    g_assert_false (trend.subsets[SADDLE_TREND_ALL].fitted);
    g_assert_true (isnan (trend.subsets[SADDLE_TREND_ALL].pearson));
    g_assert_true (isnan (trend.subsets[SADDLE_TREND_ALL].spearman.rho));
    g_assert_cmpint (trend.subsets[SADDLE_TREND_ALL].verdict, ==, SADDLE_TREND_TOO_FEW);
    g_assert_false (trend.subsets[SADDLE_TREND_ALL].pb_fitted);
    g_assert_cmpint (trend.subsets[SADDLE_TREND_ALL].pb_error, ==, SADDLE_STATS_ERROR_TOO_FEW);
    saddle_figure_critical (cr, WIDTH, HEIGHT, set, &trend, 0, NULL, NULL);
    cairo_destroy (cr);
    cairo_surface_destroy (canvas);
    saddle_critical_trend_compute (NULL, SADDLE_CRITICAL_RATIO_NONZERO, &trend);
    g_assert_cmpuint (trend.subsets[SADDLE_TREND_ALL].n, ==, 0);
  }
}

static void
test_figure_critical_index_law (void)
{
  const double loss_c = 0.02, a = 0.8;
  const gsize n = 2000;
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  g_autofree double *values = g_new (double, n);
  SaddleCriticalTrend trend;
  const SaddleSubsetTrend *shown;
  SaddleFigureStyle style;
  SaddlePalette palette;
  SaddleColor law;

  /* index = a·(loss − loss_c)^{3/2} exactly (to 1/n), no zero band. */
  for (guint i = 0; i < 30; i++)
    {
      /* Under a decade of loss: a linear axis, the law drawn as it is. */
      double loss = 0.06 + 0.5 * i / 29.0;
      double index = a * pow (loss - loss_c, 1.5);
      gsize n_negative = (gsize) round (index * n);
      g_autoptr(SaddleCriticalPoint) point = NULL;

      for (gsize k = 0; k < n; k++)
        values[k] = k < n_negative ? -1.0 - k : 1.0 + k;
      point = saddle_test_critical_point_new (i, loss, values, n, 1e-6, SADDLE_CRITICAL_SADDLE);
      saddle_critical_set_add (set, point);
    }

  saddle_critical_trend_compute (set, SADDLE_CRITICAL_RATIO_NONZERO, &trend);
  shown = saddle_critical_trend_get_shown (&trend);
  g_assert_false (trend.x_log);
  g_assert_true (shown->pb_fitted);
  g_assert_cmpint (shown->pb_error, ==, -1);
  g_assert_cmpfloat (fabs (shown->pb_loss_c - loss_c), <, 0.005);
  g_assert_cmpfloat (fabs (shown->pb_a - a) / a, <, 0.05);
  g_assert_cmpfloat (shown->pb_residual, <, 2e-3);
  /* The index grows with loss: the ratio falls. */
  g_assert_cmpfloat (shown->slope, <, 0);

  saddle_palette_init (&palette, FALSE);
  saddle_palette_series (&palette, 9, &law);
  for (guint pass = 0; pass < 2; pass++)
    {
      cairo_t *cr;
      cairo_surface_t *canvas = new_canvas (&cr);
      SaddlePlotArea area;
      guint hits = 0;

      saddle_figure_style_init (&style);
      g_assert_false (style.show_pb_fit);
      style.show_pb_fit = pass == 0;
      style.critical_ratio = SADDLE_CRITICAL_RATIO_NONZERO;
      saddle_figure_critical (cr, WIDTH, HEIGHT, set, &trend, -1, &style, &area);
      g_assert_cmpint (area.ratio, ==, SADDLE_CRITICAL_RATIO_NONZERO);
      /* The dashed curve sits at 1 − a·(loss − loss_c)^{3/2}. */
      for (guint k = 1; k < 10; k++)
        {
          double loss = area.x_min + (area.x_max - area.x_min) * k / 10.0;
          double ratio = 1 - shown->pb_a * pow (loss - shown->pb_loss_c, 1.5);
          int px = (int) (area.x + (loss - area.x_min) / (area.x_max - area.x_min) * area.width);
          int py = (int) (area.y + (area.y_max - ratio) / (area.y_max - area.y_min) * area.height);

          /* Dashes leave gaps: look a few columns either side. */
          for (int dx = -4; dx <= 4; dx++)
            if (near_color (canvas, px + dx, py, 3, &law, 40.0 / 255))
              {
                hits++;
                break;
              }
        }
      if (pass == 0)
        {
          g_assert_cmpuint (hits, >=, 7);
          maybe_keep (canvas, "critical-index-law.png");
        }
      else
        g_assert_cmpuint (hits, ==, 0);
      cairo_destroy (cr);
      cairo_surface_destroy (canvas);
    }
}

static void
test_figure_critical_nonzero (void)
{
  g_autoptr(SaddleCriticalSet) set = make_critical_set (30);
  SaddleCriticalTrend trend;
  SaddleFigureStyle style;
  SaddlePlotArea area;
  cairo_t *cr;
  cairo_surface_t *canvas = new_canvas (&cr);

  saddle_figure_style_init (&style);
  style.critical_ratio = SADDLE_CRITICAL_RATIO_NONZERO;
  style.show_pb_fit = TRUE;
  saddle_figure_critical (cr, WIDTH, HEIGHT, set, trend_of (set, style.critical_ratio, &trend), 4,
                          &style, &area);
  assert_area_sane (&area);
  maybe_keep (canvas, "critical-nonzero.png");

  /* Picking measures the ratio drawn: the nonzero one here, not the minimal. */
  for (guint i = 0; i < set->points->len; i += 3)
    {
      const SaddleCriticalPoint *p = g_ptr_array_index (set->points, i);
      double ux = (log10 (p->loss) - log10 (area.x_min)) / (log10 (area.x_max) - log10 (area.x_min));
      double px = area.x + ux * area.width;
      double py = area.y + (1 - p->spectrum->nonzero_ratio) * area.height;
      double py_minimal = area.y + (1 - p->spectrum->minimal_ratio) * area.height;
      int picked = saddle_figure_critical_pick (set, &area, px, py, 3);

      g_assert_cmpint (picked, >=, 0);
      g_assert_cmpfloat (fabs (((const SaddleCriticalPoint *) g_ptr_array_index (set->points, picked))->spectrum->nonzero_ratio
                               - p->spectrum->nonzero_ratio) * area.height, <, 4.5);
      /* With a zero band the two ratios sit far apart: nothing at the minimal one's place. */
      if (fabs (py - py_minimal) > 40)
        {
          int other = saddle_figure_critical_pick (set, &area, px, py_minimal, 1);

          g_assert_true (other != (int) i);
        }
    }
  cairo_destroy (cr);
  cairo_surface_destroy (canvas);
}

static void
test_figure_density (void)
{
  SaddleDensity *density;
  SaddleSpectrum *dense;
  SaddlePalette palette;
  SaddlePlotArea whole = { 0, 0, WIDTH, HEIGHT, 0, 1, 0, 1, FALSE, FALSE, 0 };

  make_density (&density, &dense);
  for (guint dark = 0; dark < 2; dark++)
    {
      SaddleFigureStyle style;
      SaddleColor curve, hist, blend;
      cairo_t *cr;
      cairo_surface_t *canvas = new_canvas (&cr);

      saddle_figure_style_init (&style);
      style.dark = dark;
      saddle_palette_init (&palette, dark);
      saddle_palette_series (&palette, 0, &curve);
      saddle_palette_series (&palette, 1, &hist);
      saddle_color_mix (&palette.background, &hist, 0.55, &blend);

      saddle_figure_density (cr, WIDTH, HEIGHT, density, dense, &style);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      assert_background (canvas, dark);
      /* The SLQ curve and the exact histogram (bars at alpha 0.55 over the page) both show. */
      g_assert_cmpuint (count_color (canvas, &whole, 0, &curve, 12.0 / 255), >=, 300);
      g_assert_cmpuint (count_color (canvas, &whole, 0, &blend, 6.0 / 255), >=, 300);
      maybe_keep (canvas, dark ? "density-dark.png" : "density.png");
      cairo_destroy (cr);
      cairo_surface_destroy (canvas);

      /* Without the exact spectrum: the curve alone, no orange. */
      canvas = new_canvas (&cr);
      saddle_figure_density (cr, WIDTH, HEIGHT, density, NULL, &style);
      g_assert_cmpuint (count_color (canvas, &whole, 0, &curve, 12.0 / 255), >=, 300);
      g_assert_cmpuint (count_color (canvas, &whole, 0, &blend, 6.0 / 255), <, 20);
      cairo_destroy (cr);
      cairo_surface_destroy (canvas);
    }

  /* A density known only on its grid (no nodes) still draws. */
  {
    SaddleDensity grid_only = *density;
    SaddleColor curve;
    cairo_t *cr;
    cairo_surface_t *canvas = new_canvas (&cr);

    saddle_palette_init (&palette, FALSE);
    saddle_palette_series (&palette, 0, &curve);
    grid_only.nodes = NULL;
    grid_only.weights = NULL;
    saddle_figure_density (cr, WIDTH, HEIGHT, &grid_only, NULL, NULL);
    g_assert_cmpuint (count_color (canvas, &whole, 0, &curve, 12.0 / 255), >=, 300);
    cairo_destroy (cr);
    cairo_surface_destroy (canvas);
  }

  saddle_density_free (density);
  saddle_spectrum_free (dense);
}

static void
test_figure_slice (void)
{
  SaddleSlice *slice = make_slice (101);
  SaddlePalette palette;
  SaddleColor bottom, top;
  SaddlePlotArea whole = { 0, 0, WIDTH, HEIGHT, 0, 1, 0, 1, FALSE, FALSE, 0 };

  for (guint dark = 0; dark < 2; dark++)
    {
      SaddleFigureStyle style;
      cairo_t *cr;
      cairo_surface_t *canvas = new_canvas (&cr);

      saddle_figure_style_init (&style);
      style.dark = dark;
      saddle_palette_init (&palette, dark);
      saddle_palette_series (&palette, 3, &bottom);
      saddle_palette_series (&palette, 0, &top);
      saddle_figure_slice (cr, WIDTH, HEIGHT, slice, &style);
      g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
      assert_background (canvas, dark);
      g_assert_cmpuint (count_color (canvas, &whole, 0, &bottom, 10.0 / 255), >=, 300);
      g_assert_cmpuint (count_color (canvas, &whole, 0, &top, 10.0 / 255), >=, 300);
      maybe_keep (canvas, dark ? "slice-dark.png" : "slice.png");
      cairo_destroy (cr);
      cairo_surface_destroy (canvas);
    }

  /* The bottom slice curves down: its ends lie below the point, the top's above. Find
   * each curve's colour in the outermost columns and compare with the middle. */
  {
    cairo_t *cr;
    cairo_surface_t *canvas = new_canvas (&cr);
    int rows[3][2];   /* (left, middle, right) × (bottom, top): highest row of that colour */

    saddle_palette_init (&palette, FALSE);
    saddle_palette_series (&palette, 3, &bottom);
    saddle_palette_series (&palette, 0, &top);
    saddle_figure_slice (cr, WIDTH, HEIGHT, slice, NULL);
    cairo_surface_flush (canvas);
    for (guint c = 0; c < 3; c++)
      for (guint k = 0; k < 2; k++)
        {
          const SaddleColor *color = k == 0 ? &bottom : &top;
          int found = -1;

          /* Plot columns: the left and right ends and the middle of the α range (x ≈ 8 %, 45 %, 80 % of the canvas). */
          for (int x = (int) (WIDTH * (c == 0 ? 0.09 : c == 1 ? 0.40 : 0.70)); found < 0 && x < WIDTH * (c == 0 ? 0.12 : c == 1 ? 0.43 : 0.73); x++)
            for (int y = 0; y < HEIGHT; y++)
              {
                double r, g, b;

                read_pixel (canvas, x, y, &r, &g, &b);
                if (fabs (r - color->red) < 12.0 / 255 && fabs (g - color->green) < 12.0 / 255
                    && fabs (b - color->blue) < 12.0 / 255)
                  {
                    found = y;
                    break;
                  }
              }
          g_assert_cmpint (found, >=, 0);
          rows[c][k] = found;
        }
    /* Each curve on its own scale, in its own panel: the bottom eigenvector's above, the
     * top's below. Screen y grows downwards: the bottom curve dips at both ends (its ends lie
     * lower than its middle), the top one rises. */
    for (guint c = 0; c < 3; c++)
      {
        g_assert_cmpint (rows[c][0], <, HEIGHT / 2);
        g_assert_cmpint (rows[c][1], >, HEIGHT / 2);
      }
    g_assert_cmpint (rows[0][0], >, rows[1][0]);
    g_assert_cmpint (rows[2][0], >, rows[1][0]);
    g_assert_cmpint (rows[0][1], <, rows[1][1]);
    g_assert_cmpint (rows[2][1], <, rows[1][1]);
    cairo_destroy (cr);
    cairo_surface_destroy (canvas);
  }

  /* Nothing, or hostile numbers: drawn as far as they go. */
  {
    cairo_t *cr;
    cairo_surface_t *canvas = new_canvas (&cr);

    saddle_figure_slice (cr, WIDTH, HEIGHT, NULL, NULL);
    slice->loss_top[3] = NAN;
    slice->loss_top[4] = INFINITY;
    slice->loss_bottom[50] = -INFINITY;
    slice->lambda_bottom = NAN;
    saddle_figure_slice (cr, WIDTH, HEIGHT, slice, NULL);
    slice->n_points = 1;
    saddle_figure_slice (cr, 50, 30, slice, NULL);
    slice->n_points = 101;
    g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
    cairo_destroy (cr);
    cairo_surface_destroy (canvas);
  }
  saddle_slice_free (slice);
}

/* Text extents in three settings that lay text out differently (hinted metrics on an image at
 * two scales, unhinted on SVG) and at two sizes. */
#define TEXT_SETUPS 4

static void
text_extents_in (guint                 setup,
                 cairo_text_extents_t *extents)
{
  cairo_surface_t *surface = setup == 3 ? cairo_svg_surface_create (NULL, 200, 100)
                                        : cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 100);
  cairo_t *cr = cairo_create (surface);

  if (setup == 1)
    cairo_scale (cr, 1.37, 1.37);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, setup == 2 ? 17.3 : 11.3);
  saddle_text_extents (cr, "Gradient norm ‖∇L‖ 0.001", extents);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

typedef struct
{
  guint                setup;
  cairo_text_extents_t extents;
} FreshText;

/* In a new thread, whose layout cache is empty. */
static gpointer
fresh_thread_extents (gpointer data)
{
  FreshText *fresh = data;

  text_extents_in (fresh->setup, &fresh->extents);
  return NULL;
}

/* Layouts are kept between draws: each setting, asked again after the others (so every
 * layout comes from the cache and was last laid out under another setting), gives the extents
 * a new thread, with no cache, gives. The settings do give different extents, or this could not
 * fail. */
static void
test_text_cached_layouts (void)
{
  cairo_text_extents_t cached[TEXT_SETUPS], fresh[TEXT_SETUPS];
  guint differ = 0;

  for (guint round = 0; round < 2; round++)
    for (guint setup = 0; setup < TEXT_SETUPS; setup++)
      text_extents_in (setup, &cached[setup]);
  for (guint setup = 0; setup < TEXT_SETUPS; setup++)
    {
      FreshText one = { setup };

      g_thread_join (g_thread_new ("fresh-text", fresh_thread_extents, &one));
      fresh[setup] = one.extents;
    }

  for (guint setup = 0; setup < TEXT_SETUPS; setup++)
    {
      g_test_message ("setup %u: advance %.6f (fresh %.6f), width %.6f (fresh %.6f)", setup,
                      cached[setup].x_advance, fresh[setup].x_advance, cached[setup].width,
                      fresh[setup].width);
      g_assert_cmpfloat (cached[setup].x_advance, ==, fresh[setup].x_advance);
      g_assert_cmpfloat (cached[setup].width, ==, fresh[setup].width);
      g_assert_cmpfloat (cached[setup].height, ==, fresh[setup].height);
      g_assert_cmpfloat (cached[setup].y_bearing, ==, fresh[setup].y_bearing);
      if (setup > 0 && (cached[setup].x_advance != cached[0].x_advance
                        || cached[setup].width != cached[0].width))
        differ++;
    }
  g_assert_cmpuint (differ, ==, TEXT_SETUPS - 1);
}

int
main (int argc, char **argv)
{

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot/axis/linear-ticks", test_axis_linear_ticks);
  g_test_add_func ("/plot/axis/log-ticks", test_axis_log_ticks);
  g_test_add_func ("/plot/axis/format", test_axis_format);
  g_test_add_func ("/plot/axis/range", test_axis_range);
  g_test_add_func ("/plot/chart/decimate", test_decimate);
  g_test_add_func ("/plot/chart/dense-line-columns", test_dense_line_columns);
  g_test_add_func ("/plot/chart/faint-line-one-layer", test_faint_line_one_layer);
  g_test_add_func ("/plot/chart/vector-line-one-path", test_vector_line_one_path);
  g_test_add_func ("/plot/legend/layout", test_legend_layout);
  g_test_add_func ("/plot/chart/title-wrap", test_title_wrap);
  g_test_add_func ("/plot/chart/short-panel-ticks", test_short_panel_ticks);
  g_test_add_func ("/plot/chart/footnote-lines", test_footnote_lines);
  g_test_add_func ("/plot/figure/gradnorm-epoch-line", test_figure_gradnorm_epoch_line);
  g_test_add_func ("/plot/figure/gradnorm", test_figure_gradnorm);
  g_test_add_func ("/plot/figure/gradnorm-many-runs", test_figure_gradnorm_many_runs);
  g_test_add_func ("/plot/figure/trajectories", test_figure_trajectories);
  g_test_add_func ("/plot/figure/critical", test_figure_critical);
  g_test_add_func ("/plot/figure/critical-reference", test_figure_critical_reference);
  g_test_add_func ("/plot/figure/critical-ratio-axis", test_figure_critical_ratio_axis);
  g_test_add_func ("/plot/figure/spectrum", test_figure_spectrum);
  g_test_add_func ("/plot/figure/empty", test_figure_empty);
  g_test_add_func ("/plot/figure/write-files", test_write_files);
  g_test_add_func ("/plot/colormap/order", test_colormap);
  g_test_add_func ("/plot/contour/fill-lines", test_contour);
  g_test_add_func ("/plot/figure/trajectories-surface", test_figure_trajectories_surface);
  g_test_add_func ("/plot/figure/trajectories-pick", test_trajectory_pick);
  g_test_add_func ("/plot/figure/critical-trend", test_figure_critical_trend);
  g_test_add_func ("/plot/figure/critical-index-law", test_figure_critical_index_law);
  g_test_add_func ("/plot/figure/critical-nonzero", test_figure_critical_nonzero);
  g_test_add_func ("/plot/figure/density", test_figure_density);
  g_test_add_func ("/plot/figure/slice", test_figure_slice);

  g_test_add_func ("/plot/text/cached-layouts", test_text_cached_layouts);
  return g_test_run ();
}
