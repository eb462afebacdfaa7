/* saddle-analyse-window.h — Analyse Weights: what `saddle-cli hessian` computes for a weights
 * file, shown in a window of its own
 *
 * The analysis (saddle-analysis.h) runs on a SaddleJob worker, with progress and Stop as in the
 * studies; it waits for a running study to stop first (one BLAS job at a time). The summary
 * lists counts, ratios, label, Newton reach (or the Lanczos extremes and their verdict), and the
 * views show the spectrum, the SLQ density and the loss slice. A file that cannot be analysed
 * gives a message, and the window keeps what it showed.
 */
#pragma once

#include <gtk/gtk.h>

#include "saddle-analysis.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_ANALYSE_WINDOW (saddle_analyse_window_get_type ())

G_DECLARE_FINAL_TYPE (SaddleAnalyseWindow, saddle_analyse_window, SADDLE, ANALYSE_WINDOW,
                      GtkApplicationWindow)

/* The application's Analyse Weights window, made if there is none yet. */
SaddleAnalyseWindow  *saddle_analyse_window_get       (GtkApplication      *app);
/* Analyses @weights_path on the data its header names, or on the IDX folder @data_path (may
 * be NULL); what is shown stays until the new analysis has succeeded. */
void                  saddle_analyse_window_open      (SaddleAnalyseWindow *self,
                                                       const char          *weights_path,
                                                       const char          *data_path);
/* Asks for a weights file (then analyses it). */
void                  saddle_analyse_window_choose    (SaddleAnalyseWindow *self);
/* Stops the running analysis; the window keeps what it showed before. */
void                  saddle_analyse_window_stop      (SaddleAnalyseWindow *self);
/* TRUE while an analysis runs or waits for a study to stop. */
gboolean              saddle_analyse_window_get_busy  (SaddleAnalyseWindow *self);
/* The analysis shown, or NULL. */
const SaddleAnalysis *saddle_analyse_window_get_analysis (SaddleAnalyseWindow *self);
/* The summary beside the views (plain text). */
const char           *saddle_analyse_window_get_summary  (SaddleAnalyseWindow *self);
/* The banner's message, or NULL when hidden. */
const char           *saddle_analyse_window_get_message  (SaddleAnalyseWindow *self);
/* Shows "spectrum", "density" or "slice". */
void                  saddle_analyse_window_show_view    (SaddleAnalyseWindow *self,
                                                          const char          *name);
/* The view widget named as above. */
GtkWidget            *saddle_analyse_window_get_view     (SaddleAnalyseWindow *self,
                                                          const char          *name);
/* Writes the shown view as .svg or .png (its zoom kept), or its data as .csv. */
gboolean              saddle_analyse_window_export_view  (SaddleAnalyseWindow *self,
                                                          const char          *path,
                                                          GError             **error);

G_END_DECLS
