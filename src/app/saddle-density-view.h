/* saddle-density-view.h — the SLQ eigenvalue density, with the exact spectrum overlaid as a
 * histogram where it exists */
#pragma once

#include <gtk/gtk.h>

#include "saddle-chart-view.h"

#include "saddle-density.h"
#include "saddle-spectrum.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_DENSITY_VIEW (saddle_density_view_get_type ())

G_DECLARE_FINAL_TYPE (SaddleDensityView, saddle_density_view, SADDLE, DENSITY_VIEW, SaddleChartView)

GtkWidget            *saddle_density_view_new          (void);
/* Shows @density with @exact (may be NULL) overlaid; both borrowed, NULL @density draws nothing. */
void                  saddle_density_view_set_density  (SaddleDensityView    *self,
                                                        const SaddleDensity  *density,
                                                        const SaddleSpectrum *exact);
const SaddleDensity  *saddle_density_view_get_density  (SaddleDensityView    *self);
const SaddleSpectrum *saddle_density_view_get_exact    (SaddleDensityView    *self);

G_END_DECLS
