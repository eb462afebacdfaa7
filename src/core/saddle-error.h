/* saddle-error.h — what the engine's errors have in common
 *
 * Each module reports its own GError domain; a cancel (the progress or event callback said
 * stop) is one code in each of them. Callers that must tell "stopped" from "failed" (a study's
 * workers, the CLI's exit status) ask here, so they agree on which codes count.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether @error (may be NULL) is a cancel from any engine module. */
gboolean saddle_error_is_cancelled (const GError *error);

G_END_DECLS
