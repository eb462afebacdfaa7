/* saddle-spectrum-view.h — the eigenvalue histogram of one critical point */
#pragma once

#include <gtk/gtk.h>

#include "saddle-chart-view.h"

#include "saddle-critical.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_SPECTRUM_VIEW (saddle_spectrum_view_get_type ())

G_DECLARE_FINAL_TYPE (SaddleSpectrumView, saddle_spectrum_view, SADDLE, SPECTRUM_VIEW, SaddleChartView)

GtkWidget                 *saddle_spectrum_view_new       (void);
/* Shows @point's spectrum (borrowed; NULL draws nothing). */
void                       saddle_spectrum_view_set_point (SaddleSpectrumView        *self,
                                                           const SaddleCriticalPoint *point);
const SaddleCriticalPoint *saddle_spectrum_view_get_point (SaddleSpectrumView        *self);
/* Names the point in the title instead of "Run N" (a weights file's name; NULL: "Run N"). */
void                       saddle_spectrum_view_set_point_name (SaddleSpectrumView *self,
                                                                const char         *name);
/* Where the histogram was last drawn, with its bins, or NULL. */
const SaddlePlotArea      *saddle_spectrum_view_get_area  (SaddleSpectrumView        *self);
/* The hover read-out at (@x, @y): the histogram bin's eigenvalue range and counts, or NULL. */
char                      *saddle_spectrum_view_readout_at (SaddleSpectrumView      *self,
                                                            double                   x,
                                                            double                   y);

G_END_DECLS
