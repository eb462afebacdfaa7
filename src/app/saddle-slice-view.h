/* saddle-slice-view.h — the loss along a critical point's bottom and top Hessian eigenvectors */
#pragma once

#include <gtk/gtk.h>

#include "saddle-chart-view.h"

#include "saddle-figures.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_SLICE_VIEW (saddle_slice_view_get_type ())

G_DECLARE_FINAL_TYPE (SaddleSliceView, saddle_slice_view, SADDLE, SLICE_VIEW, SaddleChartView)

GtkWidget         *saddle_slice_view_new       (void);
/* Shows @slice (borrowed: it must outlive the view or be replaced; NULL draws nothing). */
void               saddle_slice_view_set_slice (SaddleSliceView   *self,
                                                const SaddleSlice *slice);
const SaddleSlice *saddle_slice_view_get_slice (SaddleSliceView   *self);
/* Where panel @panel (0: bottom eigenvector's, 1: top one's) was last drawn, or NULL. */
const SaddlePlotArea *saddle_slice_view_get_area (SaddleSliceView *self,
                                                  guint            panel);
/* The hover read-out at (@x, @y): α and the loss of each curve there, or NULL off the panels. */
char              *saddle_slice_view_readout_at (SaddleSliceView  *self,
                                                 double            x,
                                                 double            y);

G_END_DECLS
