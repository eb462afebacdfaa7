/* saddle-window.h — the main window: header bar, settings panel, the three study pages */
#pragma once

#include <gtk/gtk.h>

#include "saddle-job.h"
#include "saddle-page.h"
#include "saddle-side-panel.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_WINDOW (saddle_window_get_type ())

G_DECLARE_FINAL_TYPE (SaddleWindow, saddle_window, SADDLE, WINDOW, GtkApplicationWindow)

/* A window of @application keeping its state in @settings (the io.github.saddlelab.Saddle schema). */
SaddleWindow    *saddle_window_new            (GtkApplication  *application,
                                               GSettings       *settings);
/* Shows @kind's page and starts it with the panel's settings; a running study is stopped first.
 * FALSE + error (also shown in the window) when the settings are invalid. */
gboolean         saddle_window_run_study      (SaddleWindow    *self,
                                               SaddleStudyKind  kind,
                                               GError         **error);
/* Cancels the running study (its partial results stay); no-op when idle. */
void             saddle_window_stop           (SaddleWindow    *self);
/* What Stop says during an eigensolve with @remaining seconds forecast (NAN: unknown). */
char            *saddle_window_eigensolve_stop_text (double remaining);
/* TRUE while a study runs or waits to start. */
gboolean         saddle_window_get_busy       (SaddleWindow    *self);
/* Writes every page that has results into @folder with saddle-cli's file names. */
gboolean         saddle_window_export_all     (SaddleWindow    *self,
                                               const char      *folder,
                                               GError         **error);
/* Shows the studies of a results folder (saddle-cli --out or Export All) on their pages, their
 * settings read-only in the panel; a folder it cannot use is refused (message in the banner
 * and in @error) and the window keeps what it showed. */
gboolean         saddle_window_open_results   (SaddleWindow    *self,
                                               const char      *folder,
                                               GError         **error);
/* The read-only panel of @kind's opened results, or NULL. */
GtkWidget       *saddle_window_get_opened_panel (SaddleWindow  *self,
                                                 SaddleStudyKind kind);
/* Shows @message in the window's banner (an error unless @info). */
void             saddle_window_show_message   (SaddleWindow    *self,
                                               const char      *message,
                                               gboolean         info);
/* The banner's text, or NULL when hidden. */
const char      *saddle_window_get_message    (SaddleWindow    *self);
/* The progress line under the charts (what the study is doing, or how Stop goes). */
const char      *saddle_window_get_progress   (SaddleWindow    *self);
SaddlePage      *saddle_window_get_page       (SaddleWindow    *self,
                                               SaddleStudyKind  kind);
SaddleSidePanel *saddle_window_get_panel      (SaddleWindow    *self,
                                               SaddleStudyKind  kind);
/* The study whose page is shown. */
SaddleStudyKind  saddle_window_get_shown_kind (SaddleWindow    *self);
void             saddle_window_show_kind      (SaddleWindow    *self,
                                               SaddleStudyKind  kind);
/* The running job, or NULL. */
SaddleJob       *saddle_window_get_job        (SaddleWindow    *self);
/* The queue every BLAS-heavy task of the window waits in, one at a time (studies, loss slices). */
SaddleJobQueue  *saddle_window_get_job_queue  (SaddleWindow    *self);

G_END_DECLS
