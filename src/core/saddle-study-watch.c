/* saddle-study-watch.c — a running study's finished runs, copied from another thread */
#define G_LOG_DOMAIN "saddle-study-watch"

#include "config.h"

#include "saddle-study.h"

struct _SaddleStudyWatch
{
  GMutex                    mutex;    /* guards the two below; taken before the study's lock */
  GMutex                   *lock;     /* the study's, guarding @results; NULL when none runs */
  const SaddleStudyResults *results;
};

SaddleStudyWatch *
saddle_study_watch_new (void)
{
  SaddleStudyWatch *watch = g_new0 (SaddleStudyWatch, 1);

  g_mutex_init (&watch->mutex);
  return watch;
}

void
saddle_study_watch_free (SaddleStudyWatch *watch)
{
  if (watch == NULL)
    return;
  g_mutex_clear (&watch->mutex);
  g_free (watch);
}

SaddleStudyResults *
saddle_study_watch_copy (SaddleStudyWatch *watch)
{
  SaddleStudyResults *copy = NULL;

  g_return_val_if_fail (watch != NULL, NULL);

  g_mutex_lock (&watch->mutex);
  if (watch->lock != NULL)
    {
      g_mutex_lock (watch->lock);
      copy = saddle_study_results_copy (watch->results);
      g_mutex_unlock (watch->lock);
    }
  g_mutex_unlock (&watch->mutex);
  if (copy == NULL)
    return NULL;

  /* The runs not yet merged are not in it: what it holds is what a stop would have left. */
  copy->cancelled = TRUE;
  saddle_study_results_compute_pca (copy, 1);
  return copy;
}

void
saddle_study_watch_attach (SaddleStudyWatch         *watch,
                           GMutex                   *lock,
                           const SaddleStudyResults *results)
{
  g_return_if_fail (watch != NULL && lock != NULL && results != NULL);

  g_mutex_lock (&watch->mutex);
  watch->lock = lock;
  watch->results = results;
  g_mutex_unlock (&watch->mutex);
}

void
saddle_study_watch_detach (SaddleStudyWatch *watch)
{
  g_return_if_fail (watch != NULL);

  g_mutex_lock (&watch->mutex);
  watch->lock = NULL;
  watch->results = NULL;
  g_mutex_unlock (&watch->mutex);
}
