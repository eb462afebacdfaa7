/* saddle-critical-page.h — the critical-points study: minimal ratio scatter and one point's spectrum */
#pragma once

#include "saddle-page.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_CRITICAL_PAGE (saddle_critical_page_get_type ())

G_DECLARE_FINAL_TYPE (SaddleCriticalPage, saddle_critical_page, SADDLE, CRITICAL_PAGE, GtkBox)

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

G_END_DECLS
