/* saddle-opened-panel.h — the settings of an opened results folder, read-only
 *
 * Open Results shows the settings a study ran with (from its summary.json) in a side panel
 * like the study's own, but insensitive and bound to settings in memory, so the user's saved
 * settings stay as they were. An info bar above says where the results came from and offers
 * New Study (win.new-study), which returns to the editable panel.
 */
#pragma once

#include <gtk/gtk.h>

#include "saddle-study.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_OPENED_PANEL (saddle_opened_panel_get_type ())

G_DECLARE_FINAL_TYPE (SaddleOpenedPanel, saddle_opened_panel, SADDLE, OPENED_PANEL, GtkBox)

/* A panel showing @config of a @kind study read from @folder, under schema @schema_id;
 * @recorded FALSE: no summary.json, the values shown are the defaults. */
GtkWidget  *saddle_opened_panel_new        (SaddleStudyKind          kind,
                                            const char              *schema_id,
                                            const SaddleStudyConfig *config,
                                            const char              *folder,
                                            gboolean                 recorded);
/* The text of the info bar. */
const char *saddle_opened_panel_get_notice (SaddleOpenedPanel       *self);
/* The read-only settings panel inside. */
GtkWidget  *saddle_opened_panel_get_panel  (SaddleOpenedPanel       *self);

G_END_DECLS
