/* saddle-side-panel.h — every hyperparameter of one study, bound to GSettings, validated as typed */
#pragma once

#include <gtk/gtk.h>

#include "saddle-study.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_SIDE_PANEL (saddle_side_panel_get_type ())

G_DECLARE_FINAL_TYPE (SaddleSidePanel, saddle_side_panel, SADDLE, SIDE_PANEL, GtkBox)

/* A panel for @kind editing @settings (a io.github.saddlelab.Saddle.Study schema). Its
 * construct-only "job-queue" (a SaddleJobQueue: the window's) is where the machine's rate for the
 * time estimate waits its turn like every BLAS-heavy task; without one the panel makes its own. */
GtkWidget       *saddle_side_panel_new          (SaddleStudyKind     kind,
                                                 GSettings          *settings);
SaddleStudyKind  saddle_side_panel_get_kind     (SaddleSidePanel    *self);
GSettings       *saddle_side_panel_get_settings (SaddleSidePanel    *self);
/* The study config the settings describe, validated; FALSE + a message naming the problem. */
gboolean         saddle_side_panel_get_config   (SaddleSidePanel    *self,
                                                 SaddleStudyConfig  *config,
                                                 GError            **error);
/* Resets every key of the study to the homework's default, offering Undo in a toast. */
void             saddle_side_panel_reset        (SaddleSidePanel    *self);
/* Brings back what the last reset replaced (also the toast's Undo); FALSE if nothing to undo. */
gboolean         saddle_side_panel_undo_reset   (SaddleSidePanel    *self);
/* Whether the reset toast is shown, offering Undo. */
gboolean         saddle_side_panel_get_reset_undoable (SaddleSidePanel *self);
/* Parameter count of the model as configured (0 when the settings are invalid). */
gsize            saddle_side_panel_get_n_params (SaddleSidePanel    *self);
/* Seconds the study as configured is estimated to take here; < 0 until the machine's rate is
 * measured or when the settings are invalid. */
double           saddle_side_panel_get_time_estimate (SaddleSidePanel *self);
/* The validation message shown under the panel, or NULL when all is valid. */
const char      *saddle_side_panel_get_problem  (SaddleSidePanel    *self);
/* The widget editing GSettings key @key (e.g. "hidden", "lr"), for tests and focus. */
GtkWidget       *saddle_side_panel_get_field    (SaddleSidePanel    *self,
                                                 const char         *key);
/* @error as the panel says it: an engine error about a config field gets the row's label in
 * front ("Learning rate: must be …"); any other error is its message. */
char            *saddle_side_panel_describe_error (SaddleSidePanel *self,
                                                   const GError    *error);
/* The message label under field @key's row (NULL for a drop-down), for tests. */
GtkWidget       *saddle_side_panel_get_row_message (SaddleSidePanel *self,
                                                    const char      *key);
/* Config for a study of @kind from @settings alone, validated (saddle-side-panel-config.c); on
 * FALSE @config is cleared and a field's error is the engine's, without the row's label. */
gboolean         saddle_side_panel_config_from_settings (SaddleStudyConfig  *config,
                                                         SaddleStudyKind     kind,
                                                         GSettings          *settings,
                                                         GError            **error);

G_END_DECLS
