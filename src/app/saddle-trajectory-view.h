/* saddle-trajectory-view.h — the runs' weight trajectories in the PCA plane */
#pragma once

#include <gtk/gtk.h>

#include "saddle-chart-view.h"

#include "saddle-figures.h"
#include "saddle-trajectory.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_TRAJECTORY_VIEW (saddle_trajectory_view_get_type ())

G_DECLARE_FINAL_TYPE (SaddleTrajectoryView, saddle_trajectory_view, SADDLE, TRAJECTORY_VIEW, SaddleChartView)

GtkWidget              *saddle_trajectory_view_new            (void);
/* Shows @trajectory (borrowed; NULL draws "No data yet"). */
void                    saddle_trajectory_view_set_trajectory (SaddleTrajectoryView   *self,
                                                               const SaddleTrajectory *trajectory);
const SaddleTrajectory *saddle_trajectory_view_get_trajectory (SaddleTrajectoryView   *self);
/* TRUE: the chosen layer's weights; FALSE: the whole parameter vector. */
void                    saddle_trajectory_view_set_layer      (SaddleTrajectoryView   *self,
                                                               gboolean                layer_only);
gboolean                saddle_trajectory_view_get_layer      (SaddleTrajectoryView   *self);
/* Draws snapshots up to this epoch (G_MAXUINT: all). */
void                    saddle_trajectory_view_set_upto_epoch (SaddleTrajectoryView   *self,
                                                               guint                   upto_epoch);
guint                   saddle_trajectory_view_get_upto_epoch (SaddleTrajectoryView   *self);
/* Where the paths were last drawn, or NULL before the first snapshot. */
const SaddlePlotArea   *saddle_trajectory_view_get_area       (SaddleTrajectoryView   *self);
/* Draws @trajectory as the view and the exports do: over its loss surface for the whole vector. */
void                    saddle_trajectory_view_draw           (cairo_t                 *cr,
                                                               double                   width,
                                                               double                   height,
                                                               const SaddleTrajectory  *trajectory,
                                                               gboolean                 layer_only,
                                                               guint                    upto_epoch,
                                                               const SaddleFigureStyle *style,
                                                               SaddlePlotArea          *area);
/* Highest epoch among the snapshots (0 when none). */
guint                   saddle_trajectory_max_epoch           (const SaddleTrajectory *trajectory);

G_END_DECLS
