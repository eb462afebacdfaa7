/* saddle-critical-view.h — minimal ratio against loss, one point per analysed run; click to pick */
#pragma once

#include <gtk/gtk.h>

#include "saddle-chart-view.h"

#include "saddle-critical-set.h"
#include "saddle-figures.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_CRITICAL_VIEW (saddle_critical_view_get_type ())

G_DECLARE_FINAL_TYPE (SaddleCriticalView, saddle_critical_view, SADDLE, CRITICAL_VIEW, SaddleChartView)

GtkWidget               *saddle_critical_view_new          (void);
/* Shows @set (borrowed; NULL draws "No data yet"); the selection is kept if still valid. */
void                     saddle_critical_view_set_set      (SaddleCriticalView      *self,
                                                            const SaddleCriticalSet *set);
const SaddleCriticalSet *saddle_critical_view_get_set      (SaddleCriticalView      *self);
/* Draws @reference (SaddleGroundTruthLevel: a closed form's critical points; a reference is
 * taken; NULL: none) faint behind the points. */
void                     saddle_critical_view_set_reference (SaddleCriticalView *self,
                                                             GArray             *reference);
GArray                  *saddle_critical_view_get_reference (SaddleCriticalView *self);
/* The set grew: redraw on the next frame. */
void                     saddle_critical_view_set_changed  (SaddleCriticalView      *self);
/* Index into set->points of the highlighted point, or −1. */
void                     saddle_critical_view_set_selected (SaddleCriticalView      *self,
                                                            int                      selected);
int                      saddle_critical_view_get_selected (SaddleCriticalView      *self);
/* Selects the point drawn nearest (@x, @y) in widget coordinates, as a click does; returns it or −1. */
int                      saddle_critical_view_pick         (SaddleCriticalView      *self,
                                                            double                   x,
                                                            double                   y);
/* Which ratio the y axis shows: the homework's minimal ratio, or the share without the zero band. */
void                     saddle_critical_view_set_ratio    (SaddleCriticalView      *self,
                                                            SaddleCriticalRatio      ratio);
SaddleCriticalRatio      saddle_critical_view_get_ratio    (SaddleCriticalView      *self);
/* The trend of the set with the current ratio, certified and all (computed on first need). */
const SaddleCriticalTrend *saddle_critical_view_get_trend (SaddleCriticalView     *self);
/* Where the points were last drawn (valid after the first snapshot). */
const SaddlePlotArea    *saddle_critical_view_get_area     (SaddleCriticalView      *self);

/* The trend's line and its Spearman test (default TRUE), as style->show_trend. */
void                     saddle_critical_view_set_show_trend  (SaddleCriticalView  *self,
                                                               gboolean             show);
gboolean                 saddle_critical_view_get_show_trend  (SaddleCriticalView  *self);
/* The homework's 0–1 ratio axis instead of one fitted to the points (default FALSE). */
void                     saddle_critical_view_set_ratio_axis_full (SaddleCriticalView *self,
                                                                   gboolean            full);
gboolean                 saddle_critical_view_get_ratio_axis_full (SaddleCriticalView *self);
/* The Pennington–Bahri index-law fit (default FALSE), as style->show_pb_fit. */
void                     saddle_critical_view_set_show_pb_fit (SaddleCriticalView  *self,
                                                               gboolean             show);
gboolean                 saddle_critical_view_get_show_pb_fit (SaddleCriticalView  *self);

G_END_DECLS
