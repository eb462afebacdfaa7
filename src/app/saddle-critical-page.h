/* saddle-critical-page.h — the critical-points study: minimal ratio scatter and one point's spectrum */
#pragma once

#include "saddle-page.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_CRITICAL_PAGE (saddle_critical_page_get_type ())

G_DECLARE_FINAL_TYPE (SaddleCriticalPage, saddle_critical_page, SADDLE, CRITICAL_PAGE, SaddlePage)

GtkWidget               *saddle_critical_page_new             (void);
/* The analysed points shown (live or final), or NULL. */
const SaddleCriticalSet *saddle_critical_page_get_set         (SaddleCriticalPage  *self);
/* Index of the point whose spectrum is shown, or −1; setting it is what a click does. */
int                      saddle_critical_page_get_selected    (SaddleCriticalPage  *self);
void                     saddle_critical_page_set_selected    (SaddleCriticalPage  *self,
                                                               int                  selected);
/* Writes the selected point's spectrum (.svg, .png) or its eigenvalues (.csv) to @path. */
gboolean                 saddle_critical_page_export_spectrum (SaddleCriticalPage  *self,
                                                               const char          *path,
                                                               GError             **error);
/* The progress text, e.g. "37 / 100". */
const char              *saddle_critical_page_get_progress    (SaddleCriticalPage  *self);
/* The summary line under the chart, as shown: counts, reach and the trend's test. */
const char              *saddle_critical_page_get_summary     (SaddleCriticalPage  *self);

/* Computes the selected point's loss slice on a worker thread (it waits in the job queue while a
 * study runs); FALSE + NO_DATA when no point is selected or its parameters were not kept. */
gboolean                 saddle_critical_page_compute_slice   (SaddleCriticalPage  *self,
                                                               GError             **error);
/* Stops a running slice and drops a queued one. */
void                     saddle_critical_page_cancel_slice    (SaddleCriticalPage  *self);
/* TRUE while the slice worker runs (property "slice-busy"). */
gboolean                 saddle_critical_page_get_slice_busy  (SaddleCriticalPage  *self);
/* "spectrum" or "slice": which of the two the detail column shows. */
const char              *saddle_critical_page_get_view        (SaddleCriticalPage  *self);
/* TRUE while a slice waits in the job queue for the running study. */
gboolean                 saddle_critical_page_get_slice_pending (SaddleCriticalPage *self);
/* The selected point's slice once computed, else NULL. */
const SaddleSlice       *saddle_critical_page_get_slice       (SaddleCriticalPage  *self);
/* Writes the selected point's slice (.svg, .png) or its values (.csv) to @path. */
gboolean                 saddle_critical_page_export_slice    (SaddleCriticalPage  *self,
                                                               const char          *path,
                                                               GError             **error);
/* "Name: value" lines of the selected point's details, as shown (g_free; empty when none). */
char                    *saddle_critical_page_get_details     (SaddleCriticalPage  *self);

G_END_DECLS
