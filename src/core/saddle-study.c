/* saddle-study.c — the runner of the three studies: checks, worker threads, results
 * (their configs: saddle-study-config.c; the rest of the runner: saddle-study-private.h) */
#define G_LOG_DOMAIN "saddle-study"

#include "config.h"

#include <math.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>

#include "saddle-config-field.h"
#include "saddle-error.h"

#include "saddle-study-private.h"

G_DEFINE_QUARK (saddle-study-error-quark, saddle_study_error)

/* Workers for @config: jobs, or the online processors, never more than the runs. */
static guint
study_jobs (const SaddleStudyConfig *config)
{
  guint jobs = config->jobs > 0 ? config->jobs : g_get_num_processors ();

  return CLAMP (jobs, 1, config->runs);
}

/* Minibatch steps in one epoch over @n_samples. */
static gsize
steps_per_epoch (const SaddleStudyConfig *config,
                 gsize                    n_samples)
{
  gsize batch = MAX (1u, MIN ((gsize) config->batch, n_samples));

  return (n_samples + batch - 1) / batch;
}

gsize
saddle_study_estimate_snapshots (const SaddleStudyConfig *config,
                                 gsize                    n_samples)
{
  /* In 64 bits whatever gsize is (at most 10^6 samples × 10^5 epochs × 10^4 runs: 10^15),
   * then saturated. */
  guint64 steps = (guint64) steps_per_epoch (config, n_samples) * config->epochs;
  /* The start, then every epoch's end or every snapshot_every-th step and the very last. */
  guint64 per_run = 1 + (config->snapshot_every > 0
                         ? steps / config->snapshot_every + (steps % config->snapshot_every != 0)
                         : config->epochs);
  guint64 total = per_run * config->runs;

  return total > G_MAXSIZE ? G_MAXSIZE : (gsize) total;
}

gboolean
saddle_study_check_memory (const SaddleStudyConfig *config,
                           SaddleStudyKind          kind,
                           gsize                    n_samples,
                           gsize                    n_params,
                           gsize                   *need,
                           GError                 **error)
{
  gsize bytes = 0;

  g_return_val_if_fail (config != NULL, FALSE);

  if (need != NULL)
    *need = 0;
  if (n_params == 0)
    return TRUE;

  if (kind == SADDLE_STUDY_TRAJECTORIES)
    {
      gsize snapshots = saddle_study_estimate_snapshots (config, n_samples);
      gsize available = saddle_available_memory ();

      /* Half of what is free: the PCA of the snapshots needs room of its own. */
      bytes = snapshots > G_MAXSIZE / sizeof (double) / n_params
              ? G_MAXSIZE : snapshots * n_params * sizeof (double);
      if (need != NULL)
        *need = bytes;
      if (bytes > available / 2)
        {
          g_autofree char *need_text = g_format_size (bytes);
          g_autofree char *available_text = g_format_size (available);
          /* Printed apart: gettext cannot read G_GSIZE_FORMAT inside a message. */
          g_autofree char *snapshots_text = g_strdup_printf ("%" G_GSIZE_FORMAT, snapshots);
          g_autofree char *params_text = g_strdup_printf ("%" G_GSIZE_FORMAT, n_params);

          /* 0 takes one at every epoch's end: only an interval longer than an epoch takes
           * fewer. */
          if (config->snapshot_every == 0)
            {
              g_autofree char *steps_text =
                g_strdup_printf ("%" G_GSIZE_FORMAT, steps_per_epoch (config, n_samples));

              /* TRANSLATORS: said of the snapshot interval, 0 (each epoch's end); sizes like
               * "22.6 GB" */
              saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY,
                                             _("takes too many snapshots for this model: about "
                                               "%s of %s parameters need %s, more than half the "
                                               "%s of memory available; set it above the %s "
                                               "steps of an epoch, or lower the runs or epochs"),
                                             snapshots_text, params_text, need_text,
                                             available_text, steps_text);
              return FALSE;
            }
          /* TRANSLATORS: said of the snapshot interval; sizes like "22.6 GB" */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY,
                                         _("is too small for this model: about %s snapshots of %s "
                                           "parameters need %s, more than half the %s of memory "
                                           "available; raise it, or lower the runs or epochs"),
                                         snapshots_text, params_text, need_text, available_text);
          return FALSE;
        }
      return TRUE;
    }

  if (kind == SADDLE_STUDY_CRITICAL)
    {
      /* A Hessian that can never fit is refused before any run trains, not after each one.
       * The eigenvectors of the exact reach (up to SADDLE_NEWTON_DENSE_MAX) need n² more. */
      gsize extra = n_params <= SADDLE_NEWTON_DENSE_MAX ? n_params * n_params * sizeof (double) : 0;

      if (need != NULL)
        *need = n_params <= G_MAXSIZE / n_params / sizeof (double) / 2
                ? n_params * n_params * sizeof (double) + extra : G_MAXSIZE;
      return saddle_hessian_check_memory (n_params, extra, error);
    }

  return TRUE;
}

guint64
saddle_study_init_seed (const SaddleStudyConfig *config,
                        guint                    run)
{
  g_return_val_if_fail (config != NULL, 0);

  return saddle_rng_run_seed (config->seed, run);
}

guint64
saddle_study_shuffle_seed (const SaddleStudyConfig *config,
                           guint                    run)
{
  g_return_val_if_fail (config != NULL, 0);

  /* A second stream from the run's own seed: independent of the initial θ's draws. */
  return saddle_rng_run_seed (saddle_rng_run_seed (config->seed, run), 1);
}

SaddleStudyResults *
saddle_study_run (const SaddleStudyConfig *config,
                  SaddleStudyKind          kind,
                  SaddleDataset           *dataset,
                  SaddleEventFunc          func,
                  gpointer                 user_data,
                  GError                 **error)
{
  return saddle_study_run_shared (config, kind, dataset, NULL, NULL, func, user_data, error);
}

SaddleStudyResults *
saddle_study_run_watched (const SaddleStudyConfig *config,
                          SaddleStudyKind          kind,
                          SaddleDataset           *dataset,
                          SaddleEventFunc          func,
                          gpointer                 user_data,
                          SaddleStudyWatch        *watch,
                          GError                 **error)
{
  return saddle_study_run_shared (config, kind, dataset, NULL, watch, func, user_data, error);
}

SaddleStudyResults *
saddle_study_run_shared (const SaddleStudyConfig *config,
                         SaddleStudyKind          kind,
                         SaddleDataset           *dataset,
                         const SaddleStudyRemote *remote,
                         SaddleStudyWatch        *watch,
                         SaddleEventFunc          func,
                         gpointer                 user_data,
                         GError                 **error)
{
  Worker *workers;
  guint n_workers;
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(SaddleDataset) data = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleDataset) test = NULL;
  Study study = { 0 };
  gboolean keep_params;
  guint jobs;
  guint succeeded = 0;
  guint attempted = 0;
  gsize n_params;
  int blas_threads;
  gint64 start;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((guint) kind > SADDLE_STUDY_CRITICAL)
    {
      g_set_error (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_INVALID,
                   "Unknown study kind %d", (int) kind);
      return NULL;
    }
  if (!saddle_study_config_validate (config, error))
    return NULL;

  if (config->threads > 0)
    openblas_set_num_threads ((int) config->threads);
  /* What the caller's other BLAS work uses again once the study returns. */
  blas_threads = openblas_get_num_threads ();

  if (dataset != NULL)
    data = saddle_dataset_ref (dataset);
  else if ((data = saddle_study_config_load_dataset (config, error)) == NULL)
    return NULL;

  model = saddle_study_config_new_model (config, data, error);
  if (model == NULL)
    return NULL;
  if (config->layer >= saddle_model_n_layers (model))
    {
      /* TRANSLATORS: said of the trajectory layer */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_LAYER,
                                     _("must be an integer in 1–%u; got %u"),
                                     saddle_model_n_layers (model), config->layer + 1);
      return NULL;
    }
  n_params = saddle_model_n_params (model);

  if (!saddle_study_check_memory (config, kind, data->n_samples, n_params, NULL, error))
    return NULL;

  results = g_new0 (SaddleStudyResults, 1);
  results->kind = kind;
  saddle_study_config_copy (config, &results->config);
  results->dataset_name = g_strdup (data->name != NULL ? data->name : "dataset");
  results->widths = saddle_study_config_widths (config, data, &results->n_widths);
  results->n_samples = (guint) data->n_samples;
  results->n_params = n_params;
  results->history = saddle_history_new ();
  results->failures = g_ptr_array_new_with_free_func (g_free);
  results->final_params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_set_size (results->final_params, config->runs);
  keep_params = (gsize) config->runs <= SADDLE_STUDY_MAX_KEPT_BYTES / sizeof (double) / n_params;
  if (kind == SADDLE_STUDY_TRAJECTORIES)
    {
      guint layer = config->layer;

      results->trajectory = saddle_trajectory_new (n_params, layer,
                                                   saddle_model_layer_offset (model, layer),
                                                   (gsize) saddle_model_width (model, layer + 1)
                                                   * saddle_model_width (model, layer));
      saddle_trajectory_reserve (results->trajectory,
                                 saddle_study_estimate_snapshots (config, data->n_samples));
    }
  else if (kind == SADDLE_STUDY_CRITICAL)
    results->critical = saddle_critical_set_new (config->zero_tolerance);

  study.config = config;
  study.kind = kind;
  study.results = results;
  study.dataset = data;
  study.model = model;
  if (results->trajectory != NULL && config->task == SADDLE_TASK_IMAGE)
    study.test = test = _saddle_study_load_test_set (config, model);
  study.func = func;
  study.user_data = user_data;
  study.n_units = config->runs + (results->trajectory != NULL && config->surface_resolution > 0);
  study.keep_params = keep_params;
  study.outputs = g_new0 (SaddleRunOutput, config->runs);
  for (guint i = 0; i < config->runs; i++)
    study.outputs[i].test_accuracy = NAN;
  g_mutex_init (&study.mutex);
  if (watch != NULL)
    saddle_study_watch_attach (watch, &study.mutex, results);

  jobs = study_jobs (config);
  study.jobs = jobs;
  study.remote = remote;
  n_workers = jobs + (remote != NULL ? remote->n_remote : 0);
  workers = g_new0 (Worker, n_workers);
  for (guint j = 0; j < n_workers; j++)
    workers[j] = (Worker) { &study, j };
  start = g_get_monotonic_time ();
  {
    g_autoptr(GPtrArray) threads = g_ptr_array_new ();

    /* Unless --threads asks otherwise, a run's BLAS calls use one thread whatever the job
     * count, so the numbers do not depend on --jobs or on the machine's cores; with several
     * jobs, each worker's BLAS calls are small and already one per core: OpenBLAS's own
     * threads would only compete with the other workers. */
    if (config->threads == 0 || jobs > 1)
      openblas_set_num_threads (1);
    if (n_workers == 1)
      _saddle_study_worker (&workers[0]);
    else
      {
        for (guint j = 0; j < n_workers; j++)
          {
            g_autoptr(GError) thread_error = NULL;
            GThread *thread = g_thread_try_new ("saddle-run", _saddle_study_worker, &workers[j],
                                                &thread_error);

            /* Fewer workers is slower, not wrong; none at all falls back to this thread. */
            if (thread == NULL)
              break;
            g_ptr_array_add (threads, thread);
          }
        if (threads->len == 0)
          _saddle_study_worker (&workers[0]);
      }
    for (guint j = 0; j < threads->len; j++)
      g_thread_join (g_ptr_array_index (threads, j));
    /* The study's own last steps call BLAS on one thread too unless --threads says otherwise:
     * at the loss surface's sizes OpenBLAS's second thread mostly waits in sched_yield, and
     * the default trajectories study took 3.6–3.7 s wall and 6.9–7.1 CPU s with two against
     * 3.1 s and 3.8 CPU s with one (2 cores, n = 3, load 1.2; in the app, where the window
     * also wants a core, 5.9–6.0 s against 4.1–4.5 s). The numbers then no longer depend on
     * the machine's core count either. The PCA shares its columns over threads of its own. */
    openblas_set_num_threads (config->threads > 0 ? (int) config->threads : 1);
  }
  g_free (workers);

  /* Runs in flight when the study was cancelled are merged too: their records stay. Under
   * the lock, as a watch may be copying; after this the results are this thread's alone. */
  g_mutex_lock (&study.mutex);
  for (guint i = study.merged; i < config->runs; i++)
    if (study.outputs[i].started)
      _saddle_study_merge_output (&study, &study.outputs[i]);
  g_mutex_unlock (&study.mutex);
  if (watch != NULL)
    saddle_study_watch_detach (watch);
  for (guint i = 0; i < config->runs; i++)
    saddle_run_output_clear (&study.outputs[i]);
  g_clear_pointer (&study.outputs, g_free);

  succeeded = study.succeeded;
  attempted = study.attempted;
  results->cancelled = study.cancelled;

  if (succeeded == 0 && !results->cancelled && (remote == NULL || remote->claim == NULL))
    {
      g_set_error (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_ALL_FAILED,
                   "All %u runs failed; the first: %s", attempted,
                   results->failures->len > 0
                     ? (const char *) g_ptr_array_index (results->failures, 0) : "?");
      g_mutex_clear (&study.mutex);
      openblas_set_num_threads (blas_threads);
      return NULL;
    }

  /* Up to two threads of those the caller gave (saddle_pca_fit_with_slice()), each thread's
   * BLAS on one: the same numbers with any count. */
  openblas_set_num_threads (1);
  saddle_study_results_compute_pca (results, (guint) MAX (blas_threads, 1));
  openblas_set_num_threads (config->threads > 0 ? (int) config->threads : 1);

  /* A cancelled study keeps its paths but skips the surface: Stop must answer at once. */
  if (results->trajectory != NULL && results->trajectory->pca != NULL
      && config->surface_resolution > 0 && !results->cancelled)
    {
      g_autoptr(GError) surface_error = NULL;
      StudyRun self = { 0 };

      /* Every run counts as done in study.share_sum; the surface is the last unit. */
      self.study = &study;
      self.config = config;
      self.kind = kind;
      self.run = config->first_run + config->runs - 1;
      if (!_saddle_study_compute_surface (&self, model, data, &surface_error))
        {
          if (study.cancelled || saddle_error_is_cancelled (surface_error))
            results->cancelled = TRUE;
          else
            g_ptr_array_add (results->failures,
                             g_strdup_printf ("loss surface: %s", surface_error->message));
        }
      g_clear_pointer (&self.prefix, g_free);
      g_clear_pointer (&self.message, g_free);
      g_clear_pointer (&self.inner_message, g_free);
    }
  g_mutex_clear (&study.mutex);

  results->seconds = (g_get_monotonic_time () - start) / (double) G_TIME_SPAN_SECOND;
  if (!results->cancelled && func != NULL)
    {
      SaddleEvent event = saddle_event_init (SADDLE_EVENT_PROGRESS,
                                             config->first_run + config->runs - 1);

      event.fraction = 1.0;
      event.message = _("Done");
      func (&event, user_data);
    }

  openblas_set_num_threads (blas_threads);
  return g_steal_pointer (&results);
}

SaddleStudyResults *
saddle_study_results_copy (const SaddleStudyResults *results)
{
  SaddleStudyResults *copy = g_new0 (SaddleStudyResults, 1);

  g_return_val_if_fail (results != NULL, NULL);

  copy->kind = results->kind;
  saddle_study_config_copy (&results->config, &copy->config);
  copy->dataset_name = g_strdup (results->dataset_name);
  copy->n_params = results->n_params;
  copy->cancelled = results->cancelled;
  copy->seconds = results->seconds;
  copy->history = saddle_history_copy (results->history);
  if (results->trajectory != NULL)
    copy->trajectory = saddle_trajectory_copy (results->trajectory);
  if (results->critical != NULL)
    {
      copy->critical = saddle_critical_set_new (results->critical->tolerance);
      for (guint i = 0; i < results->critical->points->len; i++)
        saddle_critical_set_add (copy->critical, g_ptr_array_index (results->critical->points, i));
    }
  copy->failures = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < results->failures->len; i++)
    g_ptr_array_add (copy->failures, g_strdup (g_ptr_array_index (results->failures, i)));
  copy->final_params = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < results->final_params->len; i++)
    {
      const double *theta = g_ptr_array_index (results->final_params, i);

      g_ptr_array_add (copy->final_params,
                       theta != NULL ? g_memdup2 (theta, results->n_params * sizeof (double))
                                     : NULL);
    }
  return copy;
}

void
saddle_study_results_compute_pca (SaddleStudyResults *results,
                                  guint               threads)
{
  g_autoptr(GError) pca_error = NULL;

  g_return_if_fail (results != NULL);

  if (results->trajectory == NULL || saddle_trajectory_n_snapshots (results->trajectory) < 2)
    return;
  if (!saddle_trajectory_compute_pca_threaded (results->trajectory, threads, &pca_error))
    g_ptr_array_add (results->failures,
                     g_strdup_printf ("PCA of the snapshots: %s", pca_error->message));
}

void
saddle_study_results_free (SaddleStudyResults *results)
{
  if (results == NULL)
    return;

  saddle_study_config_clear (&results->config);
  g_free (results->dataset_name);
  g_free (results->widths);
  g_clear_pointer (&results->history, saddle_history_free);
  g_clear_pointer (&results->trajectory, saddle_trajectory_free);
  g_clear_pointer (&results->critical, saddle_critical_set_free);
  g_clear_pointer (&results->failures, g_ptr_array_unref);
  g_clear_pointer (&results->final_params, g_ptr_array_unref);
  g_free (results);
}
