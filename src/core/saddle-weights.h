/* saddle-weights.h — a parameter vector as plain text, one number per line in flat order */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_WEIGHTS_ERROR (saddle_weights_error_quark ())

/* The largest weights file read, in any format: 32 bytes for each of the most parameters a
 * model may have. */
#define SADDLE_WEIGHTS_MAX_BYTES ((guint64) 32 * 100000000)

typedef enum
{
  SADDLE_WEIGHTS_ERROR_PARSE,       /* a line is not one finite number; the message names the line */
  SADDLE_WEIGHTS_ERROR_EMPTY,       /* the file holds no numbers at all */
  SADDLE_WEIGHTS_ERROR_NOT_FINITE,  /* saving: a value is NaN or infinite (it could not be loaded back) */
} SaddleWeightsError;

GQuark   saddle_weights_error_quark (void);

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

/* The same on @length bytes already read from @path (NUL-terminated; modified in place). */
double  *saddle_weights_parse (const char   *path,
                               char         *contents,
                               gsize         length,
                               gsize        *n,
                               GError      **error);

G_END_DECLS
