/* saddle-format.h — numbers spelled for people in messages and chart labels */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "47040016" → "47,040,016": grouped by thousands with ',' whatever the locale. Free with g_free. */
char *saddle_format_count (guint64 value);

/* What is left of a job that has done @fraction (0–1] of its work in @elapsed seconds, as
 * "about 40 s left" / "about 3 min left" / "about 1 h 20 min left" (through gettext: the CLI
 * keeps English; g_free); NULL while too little is done (under 2 % or under 2 s) to say.
 * Assumes the rest goes at the same pace. */
char *saddle_format_eta (double fraction,
                         double elapsed);

G_END_DECLS
