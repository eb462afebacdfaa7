/* saddle-previewer.h — the trajectories study's live previews, computed on their own thread
 *
 * A preview is the PCA of every snapshot so far, with a coarse loss surface on its plane.
 * The job's event callback runs under the study's lock, so a preview computed there made
 * every run wait for it. The callback only queues a copy of each snapshot; the previewer's
 * thread gathers them and computes the previews while the runs go on.
 */
#pragma once

#include <gio/gio.h>

#include "saddle-dataset.h"
#include "saddle-study.h"
#include "saddle-trajectory.h"

G_BEGIN_DECLS

typedef struct _SaddlePreviewer SaddlePreviewer;

/* Called on the previewer's thread with a finished preview (owned by the callee). */
typedef void (*SaddlePreviewerFunc) (SaddleTrajectory *preview,
                                     gpointer          user_data);

/* Starts the previewer's thread for a study with @config on @dataset (referenced), whose
 * trajectory layer's weights sit at @layer_offset, @layer_size long; previews go to @func,
 * and @cancellable stops the one being computed. NULL if no thread could start. */
SaddlePreviewer *saddle_previewer_new  (const SaddleStudyConfig  *config,
                                        SaddleDataset            *dataset,
                                        gsize                     layer_offset,
                                        gsize                     layer_size,
                                        GCancellable             *cancellable,
                                        SaddlePreviewerFunc       func,
                                        gpointer                  user_data);
/* Queues a copy of one snapshot (@n_params values) for the previews; cheap, as it runs
 * under the study's lock. */
void             saddle_previewer_add  (SaddlePreviewer          *self,
                                        const SaddleSnapshotInfo *info,
                                        const double             *params,
                                        gsize                     n_params);
/* The study's progress, 0–1: no preview starts when the study will end within its interval
 * (the default image study of 1.4 s ended before its first preview could help). */
void             saddle_previewer_set_fraction (SaddlePreviewer *self,
                                                double           fraction);
/* Stops the preview being computed, joins the thread and frees the previewer. */
void             saddle_previewer_free (SaddlePreviewer          *self);

G_END_DECLS
