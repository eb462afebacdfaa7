/* test-app-previewer.c — the trajectories study's previews, computed off the study's lock */
#define G_LOG_DOMAIN "test-app-previewer"

#include "config.h"

#include <math.h>

#include "saddle-previewer.h"
#include "saddle-rng.h"

/* Longer than the previewer's interval between previews (0.75 s), which the first waits too. */
#define PREVIEW_WAIT_USEC (G_USEC_PER_SEC * 9 / 10)

typedef struct
{
  SaddleStudyConfig  config;
  SaddleDataset     *dataset;
  gsize              n_params;
  GAsyncQueue       *previews;   /* SaddleTrajectory *, from the previewer's thread */
  GArray            *fed;        /* double: every snapshot's parameters, in order */
} Fixture;

static void
preview_cb (SaddleTrajectory *preview,
            gpointer          user_data)
{
  g_async_queue_push (user_data, preview);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleModel) model = NULL;

  saddle_study_config_init (&f->config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_FUNCTION);
  f->config.samples = 40;
  g_assert_true (saddle_study_config_set_hidden (&f->config, "6", NULL));
  f->dataset = saddle_study_config_load_dataset (&f->config, &error);
  g_assert_no_error (error);
  model = saddle_study_config_new_model (&f->config, f->dataset, &error);
  g_assert_no_error (error);
  f->n_params = saddle_model_n_params (model);
  f->previews = g_async_queue_new_full ((GDestroyNotify) saddle_trajectory_free);
  f->fed = g_array_new (FALSE, FALSE, sizeof (double));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_async_queue_unref (f->previews);
  g_array_unref (f->fed);
  saddle_dataset_unref (f->dataset);
  saddle_study_config_clear (&f->config);
}

/* Hands @n snapshots of run @run, scattered around a line, to @previewer. */
static void
feed (Fixture         *f,
      SaddlePreviewer *previewer,
      SaddleRng       *rng,
      guint            run,
      guint            n)
{
  g_autofree double *params = g_new (double, f->n_params);

  for (guint k = 0; k < n; k++)
    {
      SaddleSnapshotInfo info = { run, k, 10 * k, 1.0 / (k + 1), NAN };

      for (gsize i = 0; i < f->n_params; i++)
        params[i] = 0.1 * k * (i % 3) + 0.05 * saddle_rng_normal (rng);
      saddle_previewer_add (previewer, &info, params, f->n_params);
      g_array_append_vals (f->fed, params, f->n_params);
    }
}

/* Every snapshot given arrives in the preview, in order and unchanged, with its PCA, its
 * coarse surface, and each snapshot's distance from the plane. */
static void
test_preview (Fixture       *f,
              gconstpointer  data)
{
  SaddlePreviewer *previewer;
  SaddleTrajectory *preview;
  SaddleRng rng;
  gsize n;

  saddle_rng_init (&rng, 7);
  previewer = saddle_previewer_new (&f->config, f->dataset, 0, 6, NULL, preview_cb, f->previews);
  g_assert_nonnull (previewer);
  feed (f, previewer, &rng, 0, 6);
  feed (f, previewer, &rng, 1, 6);
  /* Too soon for a preview: the first waits an interval (this tiny model's preview would
   * take milliseconds). */
  g_assert_null (g_async_queue_timeout_pop (f->previews, G_USEC_PER_SEC / 5));
  g_usleep (PREVIEW_WAIT_USEC - G_USEC_PER_SEC / 5);
  feed (f, previewer, &rng, 1, 1);

  preview = g_async_queue_timeout_pop (f->previews, 60 * G_USEC_PER_SEC);
  g_assert_nonnull (preview);
  n = saddle_trajectory_n_snapshots (preview);
  g_assert_cmpuint (n, ==, 13);
  g_assert_cmpuint (preview->n_params, ==, f->n_params);
  /* What the charts draw, without the parameter vectors; every snapshot arrived unchanged:
   * the PCA's centre is their mean, and each one's projection is its score. */
  g_assert_false (saddle_trajectory_has_params (preview));
  g_assert_cmpuint (f->fed->len, ==, n * f->n_params);
  for (gsize j = 0; j < f->n_params; j++)
    {
      double mean = 0;

      for (gsize i = 0; i < n; i++)
        mean += g_array_index (f->fed, double, i * f->n_params + j) / n;
      g_assert_cmpfloat_with_epsilon (preview->pca->mean[j], mean, 1e-12);
    }
  for (gsize i = 0; i < n; i++)
    {
      double score[2];

      saddle_pca_project (preview->pca, (const double *) f->fed->data + i * f->n_params, score);
      g_assert_cmpfloat_with_epsilon (score[0], preview->pca->scores[2 * i], 1e-10);
      g_assert_cmpfloat_with_epsilon (score[1], preview->pca->scores[2 * i + 1], 1e-10);
    }
  g_assert_cmpuint (g_array_index (preview->info, SaddleSnapshotInfo, 12).run, ==, 1);
  g_assert_cmpuint (preview->layer_size, ==, 6);
  g_assert_nonnull (preview->pca);
  g_assert_nonnull (preview->surface);
  g_assert_cmpuint (preview->plane_distance->len, ==, n);
  for (gsize i = 0; i < n; i++)
    g_assert_true (g_array_index (preview->plane_distance, double, i) >= 0);
  saddle_trajectory_free (preview);

  /* The next waits for new snapshots, and an interval again. */
  feed (f, previewer, &rng, 2, 1);
  g_assert_null (g_async_queue_timeout_pop (f->previews, G_USEC_PER_SEC / 5));
  saddle_previewer_free (previewer);
}

/* No preview starts when the study will end within the interval: its results come as soon. */
static void
test_ending_soon (Fixture       *f,
                  gconstpointer  data)
{
  SaddlePreviewer *previewer;
  SaddleTrajectory *preview;
  SaddleRng rng;

  saddle_rng_init (&rng, 9);
  previewer = saddle_previewer_new (&f->config, f->dataset, 0, 6, NULL, preview_cb, f->previews);
  feed (f, previewer, &rng, 0, 6);
  g_usleep (PREVIEW_WAIT_USEC);
  /* 95 % done after 0.9 s: about 0.05 s left. */
  saddle_previewer_set_fraction (previewer, 0.95);
  feed (f, previewer, &rng, 0, 1);
  g_assert_null (g_async_queue_timeout_pop (f->previews, G_USEC_PER_SEC / 5));
  /* 10 % done: seconds left, so the next snapshot brings a preview. */
  saddle_previewer_set_fraction (previewer, 0.1);
  feed (f, previewer, &rng, 0, 1);
  preview = g_async_queue_timeout_pop (f->previews, 60 * G_USEC_PER_SEC);
  g_assert_nonnull (preview);
  g_assert_cmpuint (saddle_trajectory_n_snapshots (preview), ==, 8);
  saddle_trajectory_free (preview);
  saddle_previewer_free (previewer);
}

/* Freed at once after a preview became due: it joins its thread, hands out nothing more,
 * and frees what was queued (valgrind --leak-check=full: nothing lost). */
static void
test_free_while_computing (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SaddlePreviewer *previewer;
  SaddleRng rng;
  guint arrived = 0;
  SaddleTrajectory *preview;

  saddle_rng_init (&rng, 8);
  previewer = saddle_previewer_new (&f->config, f->dataset, 0, 6, cancellable, preview_cb,
                                    f->previews);
  feed (f, previewer, &rng, 0, 20);
  g_usleep (PREVIEW_WAIT_USEC);
  feed (f, previewer, &rng, 0, 20);
  g_cancellable_cancel (cancellable);
  saddle_previewer_free (previewer);
  /* A cancelled preview is dropped, not handed out half-made. */
  while ((preview = g_async_queue_try_pop (f->previews)) != NULL)
    {
      g_assert_nonnull (preview->pca);
      saddle_trajectory_free (preview);
      arrived++;
    }
  g_assert_cmpuint (arrived, <=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/app/previewer/preview", Fixture, NULL, fixture_setup, test_preview,
              fixture_teardown);
  g_test_add ("/app/previewer/ending-soon", Fixture, NULL, fixture_setup, test_ending_soon,
              fixture_teardown);
  g_test_add ("/app/previewer/free-while-computing", Fixture, NULL, fixture_setup,
              test_free_while_computing, fixture_teardown);

  return g_test_run ();
}
