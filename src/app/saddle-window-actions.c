/* saddle-window-actions.c — the window's small actions and shortcuts (start, show a study, play,
 * reset settings, back to a new study); class_init installs them */
#define G_LOG_DOMAIN "saddle-window"

#include "config.h"

#include "saddle-trajectories-page.h"
#include "saddle-window-private.h"

void
saddle_window_new_study_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  SaddleWindow *self = SADDLE_WINDOW (widget);

  saddle_window_close_opened (self, saddle_window_get_shown_kind (self));
}

void
saddle_window_start_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  SaddleWindow *self = SADDLE_WINDOW (widget);

  saddle_window_run_study (self, saddle_window_get_shown_kind (self), NULL);
}

/* Alt+1, Alt+2, Alt+3: show a study by its place in the header ("s": its name). */
void
saddle_window_show_study_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  SaddleStudyKind kind;

  if (saddle_study_kind_from_string (g_variant_get_string (parameter, NULL), &kind))
    saddle_window_show_kind (SADDLE_WINDOW (widget), kind);
}

/* Space: play or pause the trajectories, when they are shown. */
void
saddle_window_toggle_play_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  SaddleWindow *self = SADDLE_WINDOW (widget);
  SaddleTrajectoriesPage *page = SADDLE_TRAJECTORIES_PAGE (saddle_window_get_page (self, SADDLE_STUDY_TRAJECTORIES));

  if (saddle_window_get_shown_kind (self) == SADDLE_STUDY_TRAJECTORIES)
    saddle_trajectories_page_set_playing (page, !saddle_trajectories_page_get_playing (page));
}

void
saddle_window_reset_settings_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  SaddleWindow *self = SADDLE_WINDOW (widget);

  saddle_side_panel_reset (saddle_window_get_panel (self, saddle_window_get_shown_kind (self)));
}
