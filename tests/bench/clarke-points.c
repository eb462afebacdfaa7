/* clarke-points.c — the Clarke distance at saved critical points, over a range of ε
 *
 * Usage: clarke-points WEIGHTS…   (files from `saddle-cli critical --save-weights`)
 *
 * Rebuilds the default critical study's data (sinc on 1,000 points) and network (1-31-31-1
 * ReLU, MSE) and prints one CSV row per point and ε: ‖∇L‖, the Clarke distance, their ratio,
 * the kinks in the set (and switches after merging, per hidden layer, samples with kinks in
 * both layers), the kinks within ε before the cap, the solver's work and time. It is how the
 * default ε was chosen; not a test and not a benchmark (it needs the weights).
 */
#define G_LOG_DOMAIN "saddle-clarke-points"

#include "config.h"

#include <stdio.h>

#include "saddle-clarke.h"
#include "saddle-dataset.h"
#include "saddle-weights.h"

int
main (int   argc,
      char *argv[])
{
  static const double eps[] = { 0, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3 };
  static const guint widths[] = { 1, 31, 31, 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleModel) model = NULL;
  SaddleDataset *data;
  SaddleBatch batch;

  if (argc < 2)
    {
      g_printerr ("Usage: %s WEIGHTS…\n", argv[0]);
      return 2;
    }

  data = saddle_dataset_new_function (SADDLE_FUNCTION_SINC, 1000, &error);
  if (data == NULL)
    g_error ("%s", error->message);
  saddle_batch_init_full (&batch, data);
  model = saddle_model_new (widths, G_N_ELEMENTS (widths), SADDLE_ACTIVATION_RELU,
                            SADDLE_LOSS_MSE, &error);
  if (model == NULL)
    g_error ("%s", error->message);

  printf ("point,epsilon,grad_norm,clarke,ratio,kinks,switches,layer0,layer1,cross,within,"
          "capped,solves,converged,seconds\n");
  for (int a = 1; a < argc; a++)
    {
      gsize n = 0;
      g_autofree double *theta = saddle_weights_load (argv[a], &n, &error);

      if (theta == NULL)
        g_error ("%s", error->message);
      if (n != saddle_model_n_params (model))
        g_error ("%s: %" G_GSIZE_FORMAT " parameters, not a 1-31-31-1 network", argv[a], n);

      for (guint e = 0; e < G_N_ELEMENTS (eps); e++)
        {
          g_autofree SaddleKink *kinks = NULL;
          SaddleClarke c;
          gsize m = 0;
          guint per_layer[2] = { 0, 0 }, cross = 0;
          gint64 start;

          kinks = saddle_clarke_find_kinks (model, theta, &batch, eps[e],
                                            SADDLE_CLARKE_MAX_KINKS, &m, NULL, &error);
          g_assert_no_error (error);
          for (gsize j = 0; j < m; j++)
            {
              per_layer[MIN (kinks[j].layer, 1)]++;
              for (gsize q = 0; q < j; q++)
                if (kinks[q].sample == kinks[j].sample && kinks[q].layer != kinks[j].layer)
                  {
                    cross++;
                    break;
                  }
            }

          start = g_get_monotonic_time ();
          if (!saddle_clarke_measure (model, theta, &batch, eps[e], &c, &error))
            g_error ("%s: %s", argv[a], error->message);
          printf ("%s,%g,%.4e,%.4e,%.5f,%u,%u,%u,%u,%u,%" G_GUINT64_FORMAT ",%d,%u,%d,%.3f\n",
                  argv[a], eps[e], c.grad_norm, c.distance, c.distance / c.grad_norm, c.kinks,
                  c.switches, per_layer[0], per_layer[1], cross, c.kinks_within, c.capped,
                  c.iterations, c.converged, (g_get_monotonic_time () - start) * 1e-6);
        }
    }

  saddle_batch_clear (&batch);
  saddle_dataset_unref (data);
  return 0;
}
