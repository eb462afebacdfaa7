/* test-box-raster.c — pixel-aligned boxes filled directly, against Cairo's own fill
 *
 * The same boxes through saddle_box_raster_fill() and through one cairo_fill() of their
 * rectangles, on a background that is not blank, must give the same bytes (at most 1 apart in a
 * channel, from the colour's rounding): opaque and translucent colours, a device scale of 2, a
 * translation, a clip and a group. What would be drawn differently (an edge off the pixel grid,
 * a rotation, vector output, a clip that cuts pixels) is refused, having drawn nothing. */
#include "config.h"

#include <stdlib.h>

#include <cairo.h>
#include <cairo-svg.h>
#include <glib.h>

#include "saddle-box-raster.h"

#define W 160
#define H 120

/* Abutting boxes, as a dense line's pixel columns, plus a wide one and one beyond the surface. */
static const double boxes[] = {
  10, 20, 1, 30,   11, 25, 1, 40,   12, 40, 2, 10,   14, 38, 1, 3,
  40, 10, 60, 20,  150, 100, 30, 30,  -5, -5, 8, 8,
};

typedef enum
{
  SETUP_PLAIN,
  SETUP_TRANSLUCENT,
  SETUP_SCALED_CLIPPED,
  SETUP_IN_GROUP,
} Setup;

typedef enum
{
  FILL_DIRECT,
  FILL_CAIRO,
  FILL_NONE,   /* the background alone */
} Fill;

static cairo_surface_t *
fill_setup (Setup setup,
            Fill  fill)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);
  gsize n = G_N_ELEMENTS (boxes) / 4;

  /* A background with every kind of pixel: blank, opaque and translucent. */
  cairo_set_source_rgba (cr, 0.9, 0.6, 0.1, 0.5);
  cairo_rectangle (cr, 0, 0, W / 2, H);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.1, 0.3, 0.7);
  cairo_rectangle (cr, 0, H / 2, W, H / 2);
  cairo_fill (cr);

  if (setup == SETUP_SCALED_CLIPPED)
    {
      cairo_surface_set_device_scale (surface, 2, 2);
      cairo_translate (cr, 3, -2);
      cairo_rectangle (cr, 12, 15, 30, 40);
      cairo_clip (cr);
    }
  if (setup == SETUP_IN_GROUP)
    cairo_push_group (cr);
  cairo_set_source_rgba (cr, 0.2, 0.45, 0.8, setup == SETUP_TRANSLUCENT ? 0.18 : 1.0);
  if (fill == FILL_DIRECT)
    g_assert_true (saddle_box_raster_fill (cr, boxes, n));
  else if (fill == FILL_CAIRO)
    {
      for (gsize i = 0; i < n; i++)
        cairo_rectangle (cr, boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
      cairo_fill (cr);
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

/* The largest difference of one channel of one pixel. */
static int
largest_difference (cairo_surface_t *a,
                    cairo_surface_t *b)
{
  const guint8 *pa = cairo_image_surface_get_data (a), *pb = cairo_image_surface_get_data (b);
  int stride = cairo_image_surface_get_stride (a), largest = 0;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < 4 * W; x++)
      largest = MAX (largest, abs (pa[y * stride + x] - pb[y * stride + x]));
  return largest;
}

static void
test_matches_cairo (void)
{
  for (Setup setup = SETUP_PLAIN; setup <= SETUP_IN_GROUP; setup++)
    {
      cairo_surface_t *ours = fill_setup (setup, FILL_DIRECT);
      cairo_surface_t *reference = fill_setup (setup, FILL_CAIRO);
      cairo_surface_t *background = fill_setup (setup, FILL_NONE);
      int diff = largest_difference (ours, reference);
      int painted = largest_difference (ours, background);

      g_test_message ("setup %d: largest channel difference %d (%d from the background)", setup,
                      diff, painted);
      g_assert_cmpint (diff, <=, 1);
      g_assert_cmpint (painted, >=, 20);
      cairo_surface_destroy (background);
      cairo_surface_destroy (ours);
      cairo_surface_destroy (reference);
    }
}

/* A box one pixel off where Cairo puts it is caught by the comparison above. */
static void
test_shift_is_caught (void)
{
  cairo_surface_t *ours = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_surface_t *reference = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (ours);

  cairo_set_source_rgba (cr, 0.2, 0.45, 0.8, 0.18);
  g_assert_true (saddle_box_raster_fill (cr, (const double[]) { 10, 21, 1, 30 }, 1));
  cairo_destroy (cr);
  cr = cairo_create (reference);
  cairo_set_source_rgba (cr, 0.2, 0.45, 0.8, 0.18);
  cairo_rectangle (cr, 10, 20, 1, 30);
  cairo_fill (cr);
  cairo_destroy (cr);
  cairo_surface_flush (ours);
  cairo_surface_flush (reference);
  g_assert_cmpint (largest_difference (ours, reference), >, 1);
  cairo_surface_destroy (ours);
  cairo_surface_destroy (reference);
}

static void
test_refusals (void)
{
  const double box[] = { 10, 20, 1, 30 };
  const double off_grid[] = { 10, 20.5, 1, 30 };
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_surface_t *svg = cairo_svg_surface_create (NULL, W, H);
  cairo_t *cr = cairo_create (surface);
  const guint8 *pixels = cairo_image_surface_get_data (surface);

  cairo_set_source_rgb (cr, 0, 0, 0);
  g_assert_false (saddle_box_raster_fill (cr, off_grid, 1));
  cairo_translate (cr, 0.25, 0);
  g_assert_false (saddle_box_raster_fill (cr, box, 1));
  cairo_identity_matrix (cr);
  cairo_rotate (cr, 0.3);
  g_assert_false (saddle_box_raster_fill (cr, box, 1));
  cairo_identity_matrix (cr);
  cairo_rectangle (cr, 10.5, 10, 100, 100);
  cairo_clip (cr);
  g_assert_false (saddle_box_raster_fill (cr, box, 1));
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  for (int i = 0; i < cairo_image_surface_get_stride (surface) * H; i++)
    g_assert_cmpint (pixels[i], ==, 0);

  cr = cairo_create (svg);
  g_assert_false (saddle_box_raster_fill (cr, box, 1));
  cairo_destroy (cr);
  cairo_surface_destroy (svg);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/plot/box-raster/matches-cairo", test_matches_cairo);
  g_test_add_func ("/plot/box-raster/shift-is-caught", test_shift_is_caught);
  g_test_add_func ("/plot/box-raster/refusals", test_refusals);
  return g_test_run ();
}
