/* saddle-application.h — the GtkApplication: actions (also over D-Bus), shortcuts, style */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SADDLE_TYPE_APPLICATION (saddle_application_get_type ())

G_DECLARE_FINAL_TYPE (SaddleApplication, saddle_application, SADDLE, APPLICATION, GtkApplication)

SaddleApplication *saddle_application_new (void);

G_END_DECLS
