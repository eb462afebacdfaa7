/* saddle-previewer.c — the trajectories study's live previews, computed on their own thread */
#define G_LOG_DOMAIN "saddle-previewer"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-previewer.h"
#include "saddle-flops.h"
#include "saddle-surface.h"

/* How often at most a preview starts: often enough for the paths to move. */
#define PREVIEW_INTERVAL_USEC (G_USEC_PER_SEC * 3 / 4)

/* The runs have every core: all previews together take at most this share of one core's
 * time since the study began (their cost measured, the next one's estimated). In the default
 * image study (2 s) a 21 x 21 preview surface cost 0.4 CPU s, a fifth of the runs' time. */
#define PREVIEW_TIME_SHARE (1.0 / 15)
/* A first surface's cost is estimated from its FLOPs at this rate (a single thread's on the
 * machines measured, for the surface's thin products, rounded down). */
#define PREVIEW_ASSUMED_FLOP_RATE 10.0e9

/* The preview's loss surface, drawn behind the live paths until
 * the study's own arrives: at most this many FLOPs (saddle_flops_surface(), about a tenth of
 * a second here), on the whole training set so its nodes are exact, and between these
 * resolutions (fewer is no picture). */
#define PREVIEW_SURFACE_FLOPS 4.0e9
#define PREVIEW_SURFACE_MIN_RESOLUTION 5
#define PREVIEW_SURFACE_MAX_RESOLUTION 21

/* One snapshot on its way from the study's lock to the previewer's thread. */
typedef struct
{
  SaddleSnapshotInfo info;
  gsize              n_params;
  double             params[];
} QueuedSnapshot;

struct _SaddlePreviewer
{
  SaddleStudyConfig    config;
  SaddleDataset       *dataset;
  gsize                layer_offset;
  gsize                layer_size;
  GCancellable        *cancellable;
  SaddlePreviewerFunc  func;
  gpointer             user_data;
  GThread             *thread;

  /* The thread's alone. */
  SaddleModel         *model;        /* created for the first surface */
  gboolean             no_model;     /* it could not be */
  SaddleTrajectory    *live;         /* every snapshot so far */
  gsize                previewed;    /* snapshots in the last preview */
  gint64               last_start;   /* monotonic µs */
  gint64               created;      /* monotonic µs */
  gint64               spent_usec;   /* all previews so far */
  gint64               pca_usec;     /* the last PCA's time, over pca_snapshots */
  gsize                pca_snapshots;
  gint64               surface_usec; /* the last surface's time; -1 before the first */
  gboolean             shown_surface; /* one went out: later previews keep contours */

  GMutex               mutex;        /* guards what follows */
  GCond                cond;
  GQueue               inbox;        /* QueuedSnapshot *, oldest first */
  double               fraction;     /* the study's progress, 0–1 */
  gboolean             stop;         /* also read without the lock by the surface's callback */
};

static gboolean
surface_progress_cb (double   fraction,
                     gpointer data)
{
  SaddlePreviewer *self = data;

  return !g_atomic_int_get (&self->stop) && !g_cancellable_is_cancelled (self->cancellable);
}

/* Nodes per axis the preview surface can afford for the model on the data set, or 0. */
static guint
surface_resolution (const SaddlePreviewer *self)
{
  guint resolution = MIN (self->config.surface_resolution, PREVIEW_SURFACE_MAX_RESOLUTION);

  while (resolution >= PREVIEW_SURFACE_MIN_RESOLUTION
         && saddle_flops_surface (self->model, self->dataset->n_samples, resolution)
            > PREVIEW_SURFACE_FLOPS)
    resolution--;
  return resolution >= PREVIEW_SURFACE_MIN_RESOLUTION ? resolution : 0;
}

/* The study's model, to evaluate preview surfaces with: made once, NULL when it cannot be or
 * its parameters are not the snapshots' @n_params. */
static SaddleModel *
surface_model (SaddlePreviewer *self,
               gsize            n_params)
{
  if (self->model == NULL && !self->no_model)
    {
      g_autoptr(GError) error = NULL;

      self->model = saddle_study_config_new_model (&self->config, self->dataset, &error);
      self->no_model = self->model == NULL;
      if (self->no_model)
        g_debug ("No preview surfaces: %s", error->message);
    }
  if (self->model == NULL || saddle_model_n_params (self->model) != n_params)
    return NULL;
  return self->model;
}

/* Puts a coarse loss surface behind @preview's paths (its PCA fitted), with each
 * snapshot's distance from the plane and the contour's value at its projection. */
static void
add_surface (SaddlePreviewer  *self,
             SaddleTrajectory *preview)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleSurface) surface = NULL;
  g_autofree double *distance = NULL;
  g_autofree double *contour = NULL;
  gsize n = saddle_trajectory_n_snapshots (preview);
  SaddleBatch batch = { 0 };
  guint resolution;
  double range[4];

  if (preview->pca == NULL || self->config.surface_resolution == 0
      || surface_model (self, preview->n_params) == NULL)
    return;
  resolution = surface_resolution (self);
  if (resolution == 0)
    return;

  saddle_surface_range_for (preview->pca, SADDLE_SURFACE_DEFAULT_MARGIN, range);
  saddle_batch_init_full (&batch, self->dataset);
  surface = saddle_surface_compute (self->model, &batch, preview->pca, range[0], range[1],
                                    range[2], range[3], resolution,
                                    surface_progress_cb, self, &error);
  saddle_batch_clear (&batch);
  if (surface == NULL)
    {
      g_debug ("No preview surface: %s", error->message);
      return;
    }

  distance = g_new (double, n);
  contour = g_new (double, n);
  if (!saddle_surface_snapshot_report (NULL, NULL, preview->pca,
                                       (const double *) (gpointer) preview->params->data, n,
                                       surface, distance, NULL, contour, NULL, NULL, &error))
    {
      g_debug ("No preview surface: %s", error->message);
      return;
    }
  saddle_trajectory_set_surface (preview, g_steal_pointer (&surface), distance, contour);
}

static void
add_to_live (SaddlePreviewer *self,
             QueuedSnapshot  *snapshot)
{
  if (self->live == NULL)
    {
      self->live = saddle_trajectory_new (snapshot->n_params, self->config.layer,
                                          self->layer_offset, self->layer_size);
      /* Room for the whole study: growing by doubling would copy every snapshot again. */
      saddle_trajectory_reserve (self->live,
                                 saddle_study_estimate_snapshots (&self->config,
                                                                  self->dataset->n_samples));
    }
  if (self->live->n_params == snapshot->n_params)
    saddle_trajectory_add (self->live, &snapshot->info, snapshot->params);
  g_free (snapshot);
}

typedef enum
{
  PREVIEW_NONE,
  PREVIEW_PATHS,              /* the PCA: the paths without contours */
  PREVIEW_PATHS_AND_SURFACE,
} PreviewPlan;

/* What the next preview of a surface is expected to cost, in µs. */
static double
surface_estimate (SaddlePreviewer *self)
{
  guint resolution;

  if (self->config.surface_resolution == 0 || surface_model (self, self->live->n_params) == NULL)
    return INFINITY;
  resolution = surface_resolution (self);
  if (resolution == 0)
    return INFINITY;
  if (self->surface_usec >= 0)
    return self->surface_usec;
  return saddle_flops_surface (self->model, self->dataset->n_samples, resolution)
         / PREVIEW_ASSUMED_FLOP_RATE * G_USEC_PER_SEC;
}

/* A preview is due when there are new snapshots, the last is old enough, the study will not
 * end before the next interval (then its results are on screen as soon), and the previews'
 * time stays within their share. The paths come first, their surface when it is affordable;
 * once contours were shown, a preview without them would take them away, so it waits. */
static PreviewPlan
plan_preview (SaddlePreviewer *self,
              double           fraction)
{
  gsize n = self->live != NULL ? saddle_trajectory_n_snapshots (self->live) : 0;
  gint64 now = g_get_monotonic_time ();
  double left = fraction > 0 ? (now - self->created) * (1.0 - fraction) / fraction : INFINITY;
  double budget = (now - self->created) * PREVIEW_TIME_SHARE - self->spent_usec;
  double pca;

  if (n < 2 || n == self->previewed || left < PREVIEW_INTERVAL_USEC
      || now - self->last_start < PREVIEW_INTERVAL_USEC)
    return PREVIEW_NONE;
  /* The PCA's Gram matrix grows with the square of the snapshots. */
  pca = self->pca_snapshots > 0
        ? self->pca_usec * ((double) n / self->pca_snapshots) * ((double) n / self->pca_snapshots)
        : 0.0;
  if (pca + surface_estimate (self) <= budget)
    return PREVIEW_PATHS_AND_SURFACE;
  if (!self->shown_surface && pca <= budget)
    return PREVIEW_PATHS;
  return PREVIEW_NONE;
}

static gpointer
previewer_thread (gpointer data)
{
  SaddlePreviewer *self = data;

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      GQueue arrived = G_QUEUE_INIT;
      QueuedSnapshot *snapshot;
      PreviewPlan plan;
      double fraction;

      g_mutex_lock (&self->mutex);
      while (self->inbox.length == 0 && !self->stop)
        g_cond_wait (&self->cond, &self->mutex);
      if (self->stop)
        {
          g_mutex_unlock (&self->mutex);
          break;
        }
      arrived = self->inbox;
      g_queue_init (&self->inbox);
      fraction = self->fraction;
      g_mutex_unlock (&self->mutex);

      while ((snapshot = g_queue_pop_head (&arrived)) != NULL)
        add_to_live (self, snapshot);
      plan = plan_preview (self, fraction);
      if (plan == PREVIEW_NONE)
        continue;

      /* Fitted in place; the UI keeps what it draws, without the parameter vectors. */
      self->last_start = g_get_monotonic_time ();
      self->previewed = saddle_trajectory_n_snapshots (self->live);
      if (!saddle_trajectory_compute_pca (self->live, &error))
        {
          /* Too few distinct points yet: try again with the next snapshots. */
          g_debug ("Preview PCA skipped: %s", error->message);
          g_clear_error (&error);
        }
      else
        {
          gint64 fitted = g_get_monotonic_time ();

          self->pca_usec = fitted - self->last_start;
          self->pca_snapshots = self->previewed;
          if (plan == PREVIEW_PATHS_AND_SURFACE)
            {
              add_surface (self, self->live);
              self->surface_usec = g_get_monotonic_time () - fitted;
            }
          if (!g_atomic_int_get (&self->stop) && !g_cancellable_is_cancelled (self->cancellable))
            {
              self->shown_surface |= self->live->surface != NULL;
              self->func (saddle_trajectory_copy_without_params (self->live), self->user_data);
            }
        }
      self->spent_usec += g_get_monotonic_time () - self->last_start;
      g_debug ("Preview of %" G_GSIZE_FORMAT " snapshots at %.1f s: PCA %.3f s%s",
               self->previewed, (g_get_monotonic_time () - self->created) / 1e6,
               self->pca_usec / 1e6, plan == PREVIEW_PATHS_AND_SURFACE ? ", with a surface" : "");
    }
  return NULL;
}

SaddlePreviewer *
saddle_previewer_new (const SaddleStudyConfig *config,
                      SaddleDataset           *dataset,
                      gsize                    layer_offset,
                      gsize                    layer_size,
                      GCancellable            *cancellable,
                      SaddlePreviewerFunc      func,
                      gpointer                 user_data)
{
  g_autoptr(GError) error = NULL;
  SaddlePreviewer *self;

  g_return_val_if_fail (config != NULL && dataset != NULL && func != NULL, NULL);

  self = g_new0 (SaddlePreviewer, 1);
  saddle_study_config_copy (config, &self->config);
  self->dataset = saddle_dataset_ref (dataset);
  self->layer_offset = layer_offset;
  self->layer_size = layer_size;
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : g_cancellable_new ();
  self->func = func;
  self->user_data = user_data;
  /* The first preview waits an interval too: a handful of snapshots is no picture yet. */
  self->created = self->last_start = g_get_monotonic_time ();
  self->surface_usec = -1;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  g_queue_init (&self->inbox);

  self->thread = g_thread_try_new ("saddle-preview", previewer_thread, self, &error);
  if (self->thread == NULL)
    {
      /* The study runs as well without its previews. */
      g_debug ("No previews: %s", error->message);
      saddle_previewer_free (self);
      return NULL;
    }
  return self;
}

void
saddle_previewer_add (SaddlePreviewer          *self,
                      const SaddleSnapshotInfo *info,
                      const double             *params,
                      gsize                     n_params)
{
  QueuedSnapshot *snapshot;

  g_return_if_fail (self != NULL && info != NULL && params != NULL);

  /* Freed on the previewer's thread after the append; with main.c's malloc settings the
   * memory comes back here, so the copy under the study's lock touches no fresh pages. */
  snapshot = g_malloc (sizeof (QueuedSnapshot) + n_params * sizeof (double));
  snapshot->info = *info;
  snapshot->n_params = n_params;
  memcpy (snapshot->params, params, n_params * sizeof (double));

  g_mutex_lock (&self->mutex);
  g_queue_push_tail (&self->inbox, snapshot);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
}

void
saddle_previewer_set_fraction (SaddlePreviewer *self,
                               double           fraction)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->mutex);
  self->fraction = fraction;
  g_mutex_unlock (&self->mutex);
}

void
saddle_previewer_free (SaddlePreviewer *self)
{
  if (self == NULL)
    return;

  g_mutex_lock (&self->mutex);
  g_atomic_int_set (&self->stop, TRUE);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  if (self->thread != NULL)
    g_thread_join (self->thread);

  g_queue_clear_full (&self->inbox, g_free);
  g_clear_pointer (&self->live, saddle_trajectory_free);
  g_clear_pointer (&self->model, saddle_model_free);
  g_clear_pointer (&self->dataset, saddle_dataset_unref);
  g_clear_object (&self->cancellable);
  saddle_study_config_clear (&self->config);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}
