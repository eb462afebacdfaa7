/* saddle-trajectories-page.h — the trajectories study: animated PCA paths and a training monitor */
#pragma once

#include "saddle-page.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_TRAJECTORIES_PAGE (saddle_trajectories_page_get_type ())

G_DECLARE_FINAL_TYPE (SaddleTrajectoriesPage, saddle_trajectories_page, SADDLE, TRAJECTORIES_PAGE, SaddlePage)

GtkWidget              *saddle_trajectories_page_new            (void);
/* The trajectory shown (live preview or final), or NULL. */
const SaddleTrajectory *saddle_trajectories_page_get_trajectory (SaddleTrajectoriesPage *self);
/* The line under the charts. */
const char             *saddle_trajectories_page_get_summary    (SaddleTrajectoriesPage *self);
/* Starts or pauses the animation (restarting from epoch 0 when at the end). */
void                    saddle_trajectories_page_set_playing    (SaddleTrajectoriesPage *self,
                                                                 gboolean                playing);
gboolean                saddle_trajectories_page_get_playing    (SaddleTrajectoriesPage *self);

G_END_DECLS
