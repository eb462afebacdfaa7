/* saddle-window-private.h — what the window's files share
 *
 * The window is split by concern: saddle-window.c (its struct, the pages, the panels and the
 * studies' runs through the job queue), -actions.c (small actions and shortcuts), -export.c
 * (Export View, Export All) and -results.c (Open Results); those go through the window's API.
 */
#pragma once

#include "saddle-job-queue.h"
#include "saddle-window.h"

G_BEGIN_DECLS

/* Shows the shown study's panel: its read-only settings while its results were opened from a folder. */
void saddle_window_sync_panel   (SaddleWindow    *self);
/* How many studies this window has started (to tell whether one started meanwhile). */
guint saddle_window_get_studies_started (SaddleWindow *self);
/* Back to the user's own settings for @kind (the opened results stay until a study starts). */
void saddle_window_close_opened (SaddleWindow    *self,
                                 SaddleStudyKind  kind);
/* Shows @opened (a SaddleOpenedPanel, taken) in place of @kind's own panel. */
void saddle_window_set_opened   (SaddleWindow    *self,
                                 SaddleStudyKind  kind,
                                 GtkWidget       *opened);

/* Actions (GtkWidgetActionActivateFunc), installed by class_init. */
void saddle_window_export_action         (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter);
void saddle_window_export_all_action     (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter);
void saddle_window_open_results_action   (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter);
void saddle_window_new_study_action      (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter);
void saddle_window_start_action          (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter);
void saddle_window_show_study_action     (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter);
void saddle_window_toggle_play_action    (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter);
void saddle_window_reset_settings_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter);

G_END_DECLS
