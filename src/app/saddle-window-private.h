/* saddle-window-private.h — what the window's files share
 *
 * The window is split by concern: saddle-window.c (the pages, the panels and the studies'
 * runs through the job queue), -actions.c (small actions and shortcuts), -export.c (Export
 * View, Export All) and -results.c (Open Results).
 */
#pragma once

#include "saddle-job-queue.h"
#include "saddle-window.h"

G_BEGIN_DECLS

struct _SaddleWindow
{
  GtkApplicationWindow  parent_instance;

  GSettings            *settings;
  SaddleSidePanel      *panels[3];

  SaddleJobQueue       *queue;            /* every BLAS-heavy task, one at a time */
  SaddleJob            *job;              /* the study running, once its turn came */
  guint                 drain_id;         /* tick callback draining the job's queue */
  gboolean              have_pending;     /* a study waits for the old one to stop */
  SaddleStudyKind       pending_kind;
  SaddleStudyConfig     pending_config;
  GPtrArray            *failures;         /* char *: RUN_FAILED messages of the current study */
  guint                 info_timeout_id;
  GtkWidget            *opened[3];        /* SaddleOpenedPanel of opened results, per study */

  /* Template widgets */
  GtkToggleButton      *panel_button;
  GtkButton            *start_button;
  GtkButton            *stop_button;
  GtkWidget            *progress_box;
  GtkLabel             *progress_label;
  gint64                job_start;        /* monotonic µs: for the time left */
  gint64                last_drain;       /* frame time of the last drain */
  double                last_fraction;    /* of the running job, 0–1 */
  GtkProgressBar       *progress_bar;
  GtkRevealer          *banner_revealer;
  GtkWidget            *banner;
  GtkImage             *banner_icon;
  GtkLabel             *banner_label;
  GtkPaned             *paned;
  GtkStack             *panel_stack;
  GtkStack             *view_stack;
  SaddlePage           *trajectories_page;
  SaddlePage           *gradnorm_page;
  SaddlePage           *critical_page;
};

/* Shows the shown study's panel: its read-only settings while its results were opened from a folder. */
void saddle_window_sync_panel   (SaddleWindow    *self);
/* Back to the user's own settings for @kind (the opened results stay until a study starts). */
void saddle_window_close_opened (SaddleWindow    *self,
                                 SaddleStudyKind  kind);

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
