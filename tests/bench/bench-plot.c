/* bench-plot.c — how long the live charts take to draw at the sizes the app reaches
 *
 * The monitor redraws on every frame while a study runs, so its figure must
 * stay well inside a frame budget even for long histories: the default
 * function task writes 8 runs × 10,000 steps, the image task 8 × 150 with a
 * whole-set value every 5 steps (8 × 1,500 at 300 epochs, its longest live chart). Prints one line per case (best
 * of several draws into a 1200 × 800 image surface); not a test.
 *
 *   bench-plot [DIR]   also writes each case's last draw to DIR/gradnorm-STEPS.png, to look at
 */
#include "config.h"

#include <malloc.h>
#include <math.h>
#include <stdio.h>

#include <cairo.h>
#include <glib.h>

#include "saddle-figures.h"
#include "saddle-history.h"
#include "saddle-rng.h"

#define REPEATS 5

/* A history shaped like training: losses falling with noise, norms noisy. */
static SaddleHistory *
fake_history (guint   runs,
              guint64 steps,
              guint   epoch_steps)
{
  SaddleHistory *history = saddle_history_new ();
  SaddleRng rng;

  saddle_rng_init (&rng, 1);
  for (guint r = 0; r < runs; r++)
    for (guint64 i = 1; i <= steps; i++)
      {
        SaddleIterationRecord record = { 0 };
        double decay = exp (-4.0 * (double) i / (double) steps);

        record.run = r;
        record.epoch = (guint) (i / 50) + 1;
        record.iteration = i;
        record.loss = (0.01 + decay) * exp (0.3 * saddle_rng_normal (&rng));
        record.grad_norm = (0.05 + decay) * exp (0.5 * saddle_rng_normal (&rng));
        saddle_history_add_iteration (history, &record);
        /* The whole-set values every @epoch_steps steps, as the image task records them. */
        if (epoch_steps > 0 && i % epoch_steps == 0)
          {
            SaddleEpochRecord epoch = { r, (guint) (i / epoch_steps), i, record.loss, 0.9,
                                        record.grad_norm };

            saddle_history_add_epoch (history, &epoch);
          }
      }
  return history;
}

static double
time_gradnorm (const SaddleHistory *history,
               gboolean             smooth,
               const char          *png)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1200, 800);
  SaddleFigureStyle style;
  double best = INFINITY;

  saddle_figure_style_init (&style);
  style.smooth = smooth;
  for (guint k = 0; k < REPEATS; k++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 t0 = g_get_monotonic_time ();

      saddle_figure_gradnorm (cr, 1200, 800, history, &style, NULL);
      cairo_surface_flush (surface);
      best = MIN (best, (g_get_monotonic_time () - t0) / 1e3);
      cairo_destroy (cr);
    }
  if (png != NULL && cairo_surface_write_to_png (surface, png) != CAIRO_STATUS_SUCCESS)
    g_printerr ("bench-plot: could not write %s\n", png);
  cairo_surface_destroy (surface);
  return best;
}

int
main (int   argc,
      char *argv[])
{
  /* 150: the image task's default (30 epochs of 5 batches), with its whole-set line. */
  const guint64 steps[] = { 10, 150, 1000, 1500, 10000, 50000 };

  /* The app's allocator settings (src/app/main.c): a frame's surfaces reuse freed memory. */
  mallopt (M_MMAP_THRESHOLD, 64 << 20);
  mallopt (M_TRIM_THRESHOLD, 256 << 20);
  printf ("gradnorm figure, 1200 × 800, best of %d draws (raw, and smoothed):\n", REPEATS);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      SaddleHistory *history = fake_history (8, steps[i], steps[i] == 150 || steps[i] == 1500 ? 5 : 0);
      g_autofree char *png = NULL;
      g_autofree char *png_smooth = NULL;
      double raw, smooth;

      if (argc > 1)
        {
          png = g_strdup_printf ("%s/gradnorm-%" G_GUINT64_FORMAT ".png", argv[1], steps[i]);
          png_smooth = g_strdup_printf ("%s/gradnorm-%" G_GUINT64_FORMAT "-smooth.png", argv[1],
                                        steps[i]);
        }
      raw = time_gradnorm (history, FALSE, png);
      smooth = time_gradnorm (history, TRUE, png_smooth);
      printf ("  8 runs × %6" G_GUINT64_FORMAT " steps: %8.1f ms, smoothed %8.1f ms\n", steps[i],
              raw, smooth);
      saddle_history_free (history);
    }
  return 0;
}
