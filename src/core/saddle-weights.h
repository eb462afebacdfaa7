/* saddle-weights.h — a parameter vector as plain text, one number per line in flat order */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes @n values with full precision (%.17g), after '#' comment lines @header (may be NULL). */
gboolean saddle_weights_save (const char   *path,
                              const double *theta,
                              gsize         n,
                              const char   *header,
                              GError      **error);
/* Reads the numbers of @path ('#' lines and blank lines ignored); a non-number names its line. */
double  *saddle_weights_load (const char   *path,
                              gsize        *n,
                              GError      **error);

G_END_DECLS
