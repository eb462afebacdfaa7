/* saddle-trajectory.h — parameter snapshots of several runs and their shared PCA plane */
#pragma once

#include "saddle-pca.h"
#include "saddle-surface.h"

G_BEGIN_DECLS

#define SADDLE_TRAJECTORY_ERROR (saddle_trajectory_error_quark ())

typedef enum
{
  SADDLE_TRAJECTORY_ERROR_NO_PCA,   /* the projection was not computed, or is older than the snapshots */
  SADDLE_TRAJECTORY_ERROR_INVALID,  /* the layer slice lies outside the parameter vector */
} SaddleTrajectoryError;

typedef struct
{
  guint   run;
  guint   epoch;
  guint64 iteration;
  double  loss;         /* whole training set at the snapshot */
  double  accuracy;     /* NAN for regression */
} SaddleSnapshotInfo;

typedef struct
{
  gsize      n_params;
  guint      n_runs;
  guint      layer;          /* the layer of the per-layer projection */
  gsize      layer_offset;   /* its weights: params[layer_offset .. layer_offset + layer_size) */
  gsize      layer_size;     /* weights only, biases excluded */
  GArray    *info;           /* SaddleSnapshotInfo, one per snapshot */
  GArray    *params;         /* double, (n_snapshots, n_params) */
  gsize      room;           /* snapshots params has room for (saddle_trajectory_reserve()) */
  SaddlePca *pca;            /* whole parameter vector, 2 components; NULL until computed */
  SaddlePca *layer_pca;      /* the chosen layer's weights; NULL until computed */
  SaddleSurface *surface;    /* loss over the plane of @pca; NULL until set, dropped when the PCA changes */
  GArray    *plane_distance; /* double per snapshot: distance from @pca's plane; NAN when not computed */
  GArray    *surface_loss;   /* double per snapshot: @surface at its projection; NAN when not computed */
  GArray    *test_accuracy;  /* double per run: accuracy of its final weights on a held-out test
                              * set; NAN (or past the end) when there is none */
} SaddleTrajectory;

GQuark            saddle_trajectory_error_quark  (void);

SaddleTrajectory *saddle_trajectory_new          (gsize n_params,
                                                  guint layer,
                                                  gsize layer_offset,
                                                  gsize layer_size);
void              saddle_trajectory_free         (SaddleTrajectory *trajectory);
/* A deep copy: snapshots, both PCAs, the surface and the per-snapshot arrays. */
SaddleTrajectory *saddle_trajectory_copy         (const SaddleTrajectory *trajectory);
/* A copy without the parameter vectors: what the charts draw (snapshot information,
 * projections, surface, distances), for a live preview. It cannot be added to nor fitted. */
SaddleTrajectory *saddle_trajectory_copy_without_params (const SaddleTrajectory *trajectory);
/* FALSE for a copy without them. */
gboolean          saddle_trajectory_has_params   (const SaddleTrajectory *trajectory);
/* Room for @n_snapshots, so that the parameter vectors are not moved as they arrive. */
void              saddle_trajectory_reserve      (SaddleTrajectory *trajectory,
                                                  gsize             n_snapshots);
/* Where snapshot @row of that room lies, at or after the snapshots present, for a run to write
 * its parameter vectors in place before saddle_trajectory_add_from_room() adds them; NULL
 * beyond the room. It stays valid while the trajectory holds no more than its room. */
double           *saddle_trajectory_room         (SaddleTrajectory *trajectory,
                                                  gsize             row);
/* Adds @n snapshots described by @info whose parameter vectors were written at rows [@first,
 * @first + @n) of the room (@first at or after the snapshots present): they are moved down to
 * follow those, and nothing else is copied. */
void              saddle_trajectory_add_from_room (SaddleTrajectory         *trajectory,
                                                   const SaddleSnapshotInfo *info,
                                                   gsize                     n,
                                                   gsize                     first);
gsize             saddle_trajectory_n_snapshots  (const SaddleTrajectory *trajectory);
void              saddle_trajectory_add          (SaddleTrajectory         *trajectory,
                                                  const SaddleSnapshotInfo *info,
                                                  const double             *params);
/* Fits both PCAs over all snapshots of all runs (2 components each, fewer
 * only when the slice has a single value); replaces both or neither. A new
 * plane drops the surface and resets plane_distance / surface_loss to NAN. */
gboolean          saddle_trajectory_compute_pca  (SaddleTrajectory *trajectory,
                                                  GError          **error);
/* The same with the columns shared by @threads (saddle_pca_fit_with_slice()): the same
 * numbers. */
gboolean          saddle_trajectory_compute_pca_threaded (SaddleTrajectory *trajectory,
                                                          guint             threads,
                                                          GError          **error);
/* Last epoch's accuracy (or loss for regression) of @run, NAN if none. */
double            saddle_trajectory_final_accuracy (const SaddleTrajectory *trajectory,
                                                    guint                   run);
/* The loss contour misrepresents the runs when the median over the snapshots of their true loss
 * ÷ the contour's loss at their projection lies beyond this factor either way (the default
 * studies measure 0.20 on the image task and 0.020 on the function task, their snapshots lying
 * ~9 and ~19 off the plane). */
#define SADDLE_TRAJECTORY_CONTOUR_FACTOR 2.0

/* Median over the snapshots of true loss ÷ surface_loss, with its range in @lo, @hi (may be
 * NULL); NAN when none was measured. */
double            saddle_trajectory_contour_ratio  (const SaddleTrajectory *trajectory,
                                                    double                 *lo,
                                                    double                 *hi);
/* TRUE when saddle_trajectory_contour_ratio() lies outside [1/F, F], F =
 * SADDLE_TRAJECTORY_CONTOUR_FACTOR. */
gboolean          saddle_trajectory_contour_misrepresents (const SaddleTrajectory *trajectory);
/* Accuracy of @run's final weights on a held-out test set, NAN if none was measured. */
double            saddle_trajectory_test_accuracy  (const SaddleTrajectory *trajectory,
                                                    guint                   run);
void              saddle_trajectory_set_test_accuracy (SaddleTrajectory *trajectory,
                                                       guint             run,
                                                       double            accuracy);
/* Attaches @surface (taken; may be NULL to drop it), computed over the plane of trajectory->pca,
 * and each snapshot's @plane_distance and @surface_loss (n_snapshots values each, copied; NULL
 * = NAN), e.g. from saddle_surface_snapshot_report(). */
void              saddle_trajectory_set_surface  (SaddleTrajectory *trajectory,
                                                  SaddleSurface    *surface,
                                                  const double     *plane_distance,
                                                  const double     *surface_loss);
/* Puts every snapshot of @trajectory in the whole-vector plane of @from and attaches a copy of
 * @from's loss surface: for a stopped study, whose last preview had a surface and whose final
 * plane has none. The scores are the snapshots' projections, the explained ratios the variance
 * of all snapshots along each direction. FALSE, @trajectory unchanged, if @from has no surface. */
gboolean          saddle_trajectory_adopt_plane  (SaddleTrajectory       *trajectory,
                                                  const SaddleTrajectory *from,
                                                  GError                **error);
/* run,epoch,iteration,loss,accuracy,pc1,pc2,plane_distance,surface_loss — of the whole vector, or
 * with @layer_only of the layer (whose rows leave the last two nan: the surface lies in the whole
 * vector's plane).
 * run is 1-based (snapshot run + 1); loss is the true loss, surface_loss the contour's value. */
gboolean          saddle_trajectory_write_csv    (const SaddleTrajectory *trajectory,
                                                  gboolean                layer_only,
                                                  const char             *path,
                                                  GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleTrajectory, saddle_trajectory_free)

G_END_DECLS
