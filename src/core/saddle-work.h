/* saddle-work.h — what every long computation in core shares: a progress callback that can
 * cancel, and the memory the system can give
 *
 * Declarations only: saddle_available_memory() is defined with the memory check that uses it
 * most, in saddle-hessian.c.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called between steps with the share of the work done; return FALSE to cancel. */
typedef gboolean (*SaddleProgressFunc) (double   fraction,
                                        gpointer user_data);

/* Bytes of memory the system can give now (MemAvailable), or G_MAXSIZE if unknown. */
gsize    saddle_available_memory      (void);

G_END_DECLS
