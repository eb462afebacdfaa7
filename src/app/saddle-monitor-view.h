/* saddle-monitor-view.h — the training monitor: loss and gradient norm, stacked, live */
#pragma once

#include <gtk/gtk.h>

#include "saddle-chart-view.h"

#include "saddle-figures.h"
#include "saddle-history.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_MONITOR_VIEW (saddle_monitor_view_get_type ())

G_DECLARE_FINAL_TYPE (SaddleMonitorView, saddle_monitor_view, SADDLE, MONITOR_VIEW, SaddleChartView)

GtkWidget           *saddle_monitor_view_new               (void);
/* Shows @history (borrowed: the caller keeps it alive until replaced or the view is gone). */
void                 saddle_monitor_view_set_history       (SaddleMonitorView   *self,
                                                            const SaddleHistory *history);
const SaddleHistory *saddle_monitor_view_get_history       (SaddleMonitorView   *self);
/* The history grew: redraw on the next frame. */
void                 saddle_monitor_view_history_changed   (SaddleMonitorView   *self);
void                 saddle_monitor_view_set_log_grad_norm (SaddleMonitorView   *self,
                                                            gboolean             log_grad_norm);
gboolean             saddle_monitor_view_get_log_grad_norm (SaddleMonitorView   *self);
/* Per-step curves faint under each run's running mean (SaddleFigureStyle.smooth). */
void                 saddle_monitor_view_set_smooth        (SaddleMonitorView   *self,
                                                            gboolean             smooth);
gboolean             saddle_monitor_view_get_smooth        (SaddleMonitorView   *self);
/* Where panel @panel (0 loss, 1 gradient norm) was last drawn, or NULL before the first snapshot. */
const SaddlePlotArea *saddle_monitor_view_get_area         (SaddleMonitorView   *self,
                                                            guint                panel);
/* The read-out text for a pointer at (@x, @y) in widget coordinates, or NULL off the data (g_free). */
char                *saddle_monitor_view_readout_at        (SaddleMonitorView   *self,
                                                            double               x,
                                                            double               y);

G_END_DECLS
