/* saddle-format.h — numbers spelled for people in messages and chart labels */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "47040016" → "47,040,016": grouped by thousands with ',' whatever the locale. Free with g_free. */
char *saddle_format_count (guint64 value);

G_END_DECLS
