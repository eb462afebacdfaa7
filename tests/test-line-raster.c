/* test-line-raster.c — the direct line rasteriser against Cairo's own stroker
 *
 * The same polylines, round-joined and round-capped, through saddle_line_raster_polyline() and
 * through cairo_stroke() into A8 surfaces: the ink (summed coverage) must agree to 3 %, and
 * pixel by pixel the two may differ only along the antialiased edge (Cairo computes area
 * coverage on 15 sub-rows per pixel, the rasteriser a distance ramp); a line shifted by half a
 * pixel fails. A single straight segment's ink is also checked against its exact area,
 * width × length plus the two round caps, to 1 %. */
#include "config.h"

#include <math.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <glib.h>

#include "saddle-line-raster.h"
#include "saddle-rng.h"

#define W 240
#define H 160

typedef struct
{
  double ink_ratio;   /* ours ÷ Cairo's */
  double max_diff;    /* largest per-pixel difference, in coverage (0–1) */
  double mean_diff;   /* mean per-pixel difference over the pixels either inks */
} Comparison;

static cairo_surface_t *
stroke_with_cairo (const double *xs,
                 const double *ys,
                 gsize         n,
                 double        line_width)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_A8, W, H);
  cairo_t *cr = cairo_create (surface);

  cairo_set_line_width (cr, line_width);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (xs[i]) || !isfinite (ys[i]))
        cairo_new_sub_path (cr);
      else
        cairo_line_to (cr, xs[i], ys[i]);
    }
  cairo_stroke (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static Comparison
compare_masks (cairo_surface_t *ours,
               cairo_surface_t *reference)
{
  const guint8 *a = cairo_image_surface_get_data (ours);
  const guint8 *b = cairo_image_surface_get_data (reference);
  int sa = cairo_image_surface_get_stride (ours), sb = cairo_image_surface_get_stride (reference);
  int w = cairo_image_surface_get_width (ours), h = cairo_image_surface_get_height (ours);
  double ink_a = 0, ink_b = 0, sum_diff = 0, max_diff = 0;
  gsize inked = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double va = a[y * sa + x] / 255.0, vb = b[y * sb + x] / 255.0;

        ink_a += va;
        ink_b += vb;
        if (va > 0 || vb > 0)
          {
            inked++;
            sum_diff += fabs (va - vb);
            max_diff = MAX (max_diff, fabs (va - vb));
          }
      }
  return (Comparison) { ink_a / ink_b, max_diff, inked > 0 ? sum_diff / inked : 0 };
}

/* The rasteriser's summed coverage, in pixels. */
static double
ink_of (const double *xs,
        const double *ys,
        gsize         n,
        double        line_width)
{
  g_autofree guint8 *coverage = g_new0 (guint8, W * H);
  double ink = 0;

  saddle_line_raster_polyline (coverage, W, H, W, xs, ys, n, line_width);
  for (int i = 0; i < W * H; i++)
    ink += coverage[i] / 255.0;
  return ink;
}

static Comparison
compare_polyline (const double *xs,
                  const double *ys,
                  gsize         n,
                  double        line_width,
                  double        shift)
{
  cairo_surface_t *ours = cairo_image_surface_create (CAIRO_FORMAT_A8, W, H);
  cairo_surface_t *reference = stroke_with_cairo (xs, ys, n, line_width);
  g_autofree double *sx = g_new (double, n);
  Comparison c;

  for (gsize i = 0; i < n; i++)
    sx[i] = xs[i] + shift;
  cairo_surface_flush (ours);
  saddle_line_raster_polyline (cairo_image_surface_get_data (ours), W, H,
                               cairo_image_surface_get_stride (ours), sx, ys, n, line_width);
  cairo_surface_mark_dirty (ours);
  c = compare_masks (ours, reference);
  cairo_surface_destroy (ours);
  cairo_surface_destroy (reference);
  return c;
}

/* A noisy loss-like zigzag, a horizontal, a vertical and a slanted line, fine steps, a line
 * broken by a missing point, and one running off the surface on three sides. */
static gsize
make_case (guint    which,
           double  *xs,
           double  *ys)
{
  SaddleRng rng;

  saddle_rng_init (&rng, 7 + which);
  switch (which)
    {
    case 0:
      for (guint i = 0; i < 60; i++)
        {
          xs[i] = 10 + 3.7 * i;
          ys[i] = 80 + 50 * CLAMP (0.4 * saddle_rng_normal (&rng), -1, 1);
        }
      return 60;
    case 1:
      xs[0] = 12.3, ys[0] = 40.3, xs[1] = 220.6, ys[1] = 40.3;
      return 2;
    case 2:
      xs[0] = 50.5, ys[0] = 10, xs[1] = 50.5, ys[1] = 150;
      return 2;
    case 3:
      xs[0] = 20, ys[0] = 140, xs[1] = 200, ys[1] = 36;
      return 2;
    case 4:
      for (guint i = 0; i < 200; i++)
        {
          xs[i] = 20 + 0.9 * i;
          ys[i] = 80 + 30 * sin (i / 9.0) + saddle_rng_normal (&rng);
        }
      return 200;
    case 5:
      xs[0] = 20, ys[0] = 20, xs[1] = 60, ys[1] = 100, xs[2] = NAN, ys[2] = NAN;
      xs[3] = 100, ys[3] = 100, xs[4] = 140, ys[4] = 30;
      return 5;
    default:
      xs[0] = -40, ys[0] = 80, xs[1] = 120, ys[1] = -30, xs[2] = 300, ys[2] = 200;
      return 3;
    }
}

static void
test_matches_cairo (void)
{
  const double widths[] = { 0.6, 1.0, 1.75, 3.8 };
  double xs[200], ys[200];

  for (guint which = 0; which < 7; which++)
    for (guint k = 0; k < G_N_ELEMENTS (widths); k++)
      {
        gsize n = make_case (which, xs, ys);
        Comparison c = compare_polyline (xs, ys, n, widths[k], 0.0);

        g_test_message ("case %u, width %.2f: ink %.4f, max %.3f, mean %.4f", which, widths[k],
                        c.ink_ratio, c.max_diff, c.mean_diff);
        g_assert_cmpfloat_with_epsilon (c.ink_ratio, 1.0, 0.03);
        g_assert_cmpfloat (c.max_diff, <=, 0.5);
        g_assert_cmpfloat (c.mean_diff, <=, 0.04);
        if (n == 2)
          {
            double exact = widths[k] * hypot (xs[1] - xs[0], ys[1] - ys[0])
                           + G_PI * widths[k] * widths[k] / 4;

            g_assert_cmpfloat_with_epsilon (ink_of (xs, ys, n, widths[k]) / exact, 1.0, 0.01);
          }
      }
}

/* The comparison can fail: half a pixel off is caught. */
static void
test_shift_is_caught (void)
{
  double xs[200], ys[200];
  gsize n = make_case (3, xs, ys);
  Comparison c = compare_polyline (xs, ys, n, 1.75, 0.5);

  g_test_message ("shifted by half a pixel: mean %.4f", c.mean_diff);
  g_assert_cmpfloat (c.mean_diff, >, 0.04);
}

/* Two ARGB32 drawings over the same background, channel by channel: the ink is the summed
 * difference from the background. */
static Comparison
compare_pixels (cairo_surface_t *ours,
                cairo_surface_t *reference,
                guint32          background)
{
  const guint8 *a = cairo_image_surface_get_data (ours);
  const guint8 *b = cairo_image_surface_get_data (reference);
  int stride = cairo_image_surface_get_stride (ours);
  int w = cairo_image_surface_get_width (ours), h = cairo_image_surface_get_height (ours);
  double ink_a = 0, ink_b = 0, sum_diff = 0, max_diff = 0;
  gsize inked = 0;

  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 pa = *(const guint32 *) (a + y * stride + 4 * x);
        guint32 pb = *(const guint32 *) (b + y * stride + 4 * x);

        if (pa == background && pb == background)
          continue;
        inked++;
        for (guint shift = 0; shift < 32; shift += 8)
          {
            double va = ((pa >> shift) & 0xff) / 255.0, vb = ((pb >> shift) & 0xff) / 255.0;
            double bg = ((background >> shift) & 0xff) / 255.0;

            ink_a += fabs (va - bg);
            ink_b += fabs (vb - bg);
            sum_diff += fabs (va - vb) / 4;
            max_diff = MAX (max_diff, fabs (va - vb));
          }
      }
  return (Comparison) { ink_a / ink_b, max_diff, inked > 0 ? sum_diff / inked : 0 };
}

typedef enum
{
  SETUP_SCALED_CLIPPED,   /* device scale 2, a translation by half a unit, a clip on pixels */
  SETUP_UNCLIPPED,
  SETUP_IN_GROUP,         /* inside a group painted at 40 %, over opaque white */
  SETUP_TRANSLUCENT,      /* a source at 60 % over opaque white */
} Setup;

static cairo_surface_t *
draw_setup (Setup         setup,
            gboolean      raster,
            const double *xs,
            const double *ys,
            gsize         n)
{
  int scale = setup == SETUP_SCALED_CLIPPED ? 2 : 1;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, scale * W, scale * H);
  cairo_t *cr;

  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  if (setup == SETUP_IN_GROUP || setup == SETUP_TRANSLUCENT)
    {
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
    }
  if (setup == SETUP_SCALED_CLIPPED)
    {
      cairo_translate (cr, 3.5, -2.5);
      cairo_rectangle (cr, 20, 20, 160, 100);
      cairo_clip (cr);
    }
  if (setup == SETUP_IN_GROUP)
    {
      cairo_rectangle (cr, 10, 10, 200, 130);
      cairo_clip (cr);
      cairo_push_group (cr);
    }
  cairo_set_source_rgba (cr, 0.2, 0.45, 0.8, setup == SETUP_TRANSLUCENT ? 0.6 : 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (raster)
    g_assert_true (saddle_line_raster_stroke (cr, xs, ys, n, 1.5));
  else
    {
      for (gsize i = 0; i < n; i++)
        cairo_line_to (cr, xs[i], ys[i]);
      cairo_stroke (cr);
    }
  if (setup == SETUP_IN_GROUP)
    {
      cairo_pop_group_to_source (cr);
      cairo_paint_with_alpha (cr, 0.4);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Through a cairo_t: a device scale, a translation, a clip, a group and a translucent source
 * are honoured; vector output, a dash, a rotation, a gradient and a clip that cuts pixels are
 * left to Cairo. */
static void
test_stroke (void)
{
  double xs[200], ys[200];
  gsize n = make_case (0, xs, ys);
  cairo_surface_t *surface;
  cairo_pattern_t *gradient;
  cairo_t *cr;

  for (Setup setup = SETUP_SCALED_CLIPPED; setup <= SETUP_TRANSLUCENT; setup++)
    {
      cairo_surface_t *ours = draw_setup (setup, TRUE, xs, ys, n);
      cairo_surface_t *reference = draw_setup (setup, FALSE, xs, ys, n);
      guint32 background = setup == SETUP_IN_GROUP || setup == SETUP_TRANSLUCENT ? 0xffffffff : 0;
      Comparison c = compare_pixels (ours, reference, background);

      g_test_message ("setup %d: ink %.4f, max %.3f, mean %.4f", setup, c.ink_ratio, c.max_diff,
                      c.mean_diff);
      g_assert_cmpfloat_with_epsilon (c.ink_ratio, 1.0, 0.03);
      g_assert_cmpfloat (c.max_diff, <=, 0.5);
      g_assert_cmpfloat (c.mean_diff, <=, 0.04);
      cairo_surface_destroy (ours);
      cairo_surface_destroy (reference);
    }

  surface = cairo_svg_surface_create (NULL, W, H);
  cr = cairo_create (surface);
  g_assert_false (saddle_line_raster_stroke (cr, xs, ys, n, 1.5));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cr = cairo_create (surface);
  cairo_set_dash (cr, (double[]) { 4, 2 }, 2, 0);
  g_assert_false (saddle_line_raster_stroke (cr, xs, ys, n, 1.5));
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_rotate (cr, 0.3);
  g_assert_false (saddle_line_raster_stroke (cr, xs, ys, n, 1.5));
  cairo_identity_matrix (cr);
  gradient = cairo_pattern_create_linear (0, 0, W, 0);
  cairo_set_source (cr, gradient);
  g_assert_false (saddle_line_raster_stroke (cr, xs, ys, n, 1.5));
  cairo_pattern_destroy (gradient);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_rectangle (cr, 10.5, 10, 100, 100);
  cairo_clip (cr);
  g_assert_false (saddle_line_raster_stroke (cr, xs, ys, n, 1.5));
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

/* A line on its halo in one pass: the same bytes as the halo's stroke and then the line's, and
 * both within the stroke test's bounds of Cairo's two strokes; a halo narrower than its line is
 * refused. */
static cairo_surface_t *
draw_on_halo (int           how,   /* 0: one pass, 1: two direct strokes, 2: Cairo's */
              const double *xs,
              const double *ys,
              gsize         n)
{
  const double halo[4] = { 1.0, 0.98, 0.9, 1.0 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.3, 0.3, 0.35);
  cairo_paint (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  if (how == 0)
    {
      cairo_set_source_rgb (cr, 0.8, 0.2, 0.1);
      g_assert_true (saddle_line_raster_stroke_on_halo (cr, xs, ys, n, 2.0, halo, 4.4));
    }
  for (int pass = 0; how > 0 && pass < 2; pass++)
    {
      double width = pass == 0 ? 4.4 : 2.0;

      if (pass == 0)
        cairo_set_source_rgba (cr, halo[0], halo[1], halo[2], halo[3]);
      else
        cairo_set_source_rgb (cr, 0.8, 0.2, 0.1);
      if (how == 1)
        g_assert_true (saddle_line_raster_stroke (cr, xs, ys, n, width));
      else
        {
          cairo_set_line_width (cr, width);
          for (gsize i = 0; i < n; i++)
            cairo_line_to (cr, xs[i], ys[i]);
          cairo_stroke (cr);
        }
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static void
test_on_halo (void)
{
  double xs[200], ys[200];
  const double halo[4] = { 1, 1, 1, 1 };

  for (guint which = 0; which < 4; which++)
    {
      gsize n = make_case (which, xs, ys);
      cairo_surface_t *fused = draw_on_halo (0, xs, ys, n);
      cairo_surface_t *twice = draw_on_halo (1, xs, ys, n);
      cairo_surface_t *cairo = draw_on_halo (2, xs, ys, n);
      /* The corner is never inked: it gives the background's bytes. */
      guint32 background = *(const guint32 *) cairo_image_surface_get_data (cairo);
      Comparison same = compare_pixels (fused, twice, background);
      Comparison c = compare_pixels (fused, cairo, background);

      g_test_message ("case %u: against two strokes max %.3f; against Cairo ink %.4f, max %.3f, "
                      "mean %.4f", which, same.max_diff, c.ink_ratio, c.max_diff, c.mean_diff);
      g_assert_cmpfloat (same.max_diff, ==, 0.0);
      g_assert_cmpfloat_with_epsilon (c.ink_ratio, 1.0, 0.03);
      g_assert_cmpfloat (c.max_diff, <=, 0.5);
      g_assert_cmpfloat (c.mean_diff, <=, 0.04);
      cairo_surface_destroy (fused);
      cairo_surface_destroy (twice);
      cairo_surface_destroy (cairo);
    }

  if (g_test_subprocess ())
    {
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
      cairo_t *cr = cairo_create (surface);

      saddle_line_raster_stroke_on_halo (cr, xs, ys, 2, 2.0, halo, 1.0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_stderr ("*halo_width >= line_width*");
}

/* The AVX2 row loop and the portable one give the same bytes: every case above, a zigzag
 * with repeated points, at several widths, as a mask and on a halo. */
static void
test_vector_same_bytes (void)
{
  double xs[200], ys[200];
  guint compared = 0;

#if defined(__x86_64__) && defined(__GNUC__)
  if (!__builtin_cpu_supports ("avx2"))
    {
      g_test_skip ("no AVX2 here: only the portable loop runs");
      return;
    }
#else
  g_test_skip ("not x86-64: only the portable loop runs");
  return;
#endif
  for (guint which = 0; which < 8; which++)
    {
      gsize n = which < 7 ? make_case (which, xs, ys) : 120;

      if (which == 7)
        for (guint i = 0; i < n; i++)
          {
            /* Steep zigzags, with every fifth point repeated (a zero-length segment). */
            xs[i] = 5 + 1.9 * (i - i / 5);
            ys[i] = i % 2 ? 20.25 + 0.37 * i : 140.5 - 0.41 * i;
          }
      for (double width = 0.6; width < 6.0; width += 1.3)
        {
          g_autofree guint8 *vector = g_malloc0 (W * H);
          g_autofree guint8 *portable = g_malloc0 (W * H);

          saddle_line_raster_set_vector (TRUE);
          saddle_line_raster_polyline (vector, W, H, W, xs, ys, n, width);
          saddle_line_raster_set_vector (FALSE);
          saddle_line_raster_polyline (portable, W, H, W, xs, ys, n, width);
          g_assert_cmpmem (vector, W * H, portable, W * H);
          compared++;
        }
      {
        cairo_surface_t *vector, *portable;

        saddle_line_raster_set_vector (TRUE);
        vector = draw_on_halo (0, xs, ys, n);
        saddle_line_raster_set_vector (FALSE);
        portable = draw_on_halo (0, xs, ys, n);
        g_assert_cmpmem (cairo_image_surface_get_data (vector),
                         cairo_image_surface_get_stride (vector) * H,
                         cairo_image_surface_get_data (portable),
                         cairo_image_surface_get_stride (portable) * H);
        compared++;
        cairo_surface_destroy (vector);
        cairo_surface_destroy (portable);
      }
    }
  saddle_line_raster_set_vector (TRUE);
  g_test_message ("%u rasters the same to the byte", compared);
}

/* Points far off the canvas (a zoomed chart's): a line through it from 10^6 pixels away is
 * drawn as Cairo draws it; one from 10^300 away stays within the canvas without overflowing
 * an integer (where it falls is lost to rounding, as Cairo's own fixed-point coordinates end
 * at 8 million pixels). */
static void
test_far_points (void)
{
  const double xs[] = { -1e6, 1e6 }, ys[] = { 80.2, 60.7 };
  const double far_xs[] = { -1e300, 120, 1e300, 5 }, far_ys[] = { 1e300, 80, -1e300, -1e300 };
  Comparison c = compare_polyline (xs, ys, 2, 1.75, 0.0);
  double ink = ink_of (far_xs, far_ys, 4, 1.75);

  g_test_message ("from 1e6 away: ink %.4f, mean %.4f; from 1e300 away: ink %.1f", c.ink_ratio,
                  c.mean_diff, ink);
  g_assert_cmpfloat_with_epsilon (c.ink_ratio, 1.0, 0.03);
  g_assert_cmpfloat (c.mean_diff, <=, 0.04);
  g_assert_cmpfloat (ink, <=, W * H);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/line-raster/matches-cairo", test_matches_cairo);
  g_test_add_func ("/plot/line-raster/shift-is-caught", test_shift_is_caught);
  g_test_add_func ("/plot/line-raster/stroke", test_stroke);
  g_test_add_func ("/plot/line-raster/far-points", test_far_points);
  g_test_add_func ("/plot/line-raster/on-halo", test_on_halo);
  g_test_add_func ("/plot/line-raster/vector-same-bytes", test_vector_same_bytes);
  return g_test_run ();
}
