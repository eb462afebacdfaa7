/* saddle-file.h — files read whole and written whole, safely
 *
 * Reading: only a regular file (symlinks followed) is read, and only up to a size the
 * caller's format can hold, so a path to /dev/zero, a FIFO or a huge file fails at once
 * with a message that says what the path is, instead of blocking or filling memory.
 * Writing: the bytes go to a temporary file beside the target, which is then renamed over
 * it, so a reader (or a full disk) never sees a half-written file; the message names the
 * target, not the temporary file, and the cause ("no space left on device").
 * Errors are in G_FILE_ERROR.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TRUE if @path is a regular file of at most @max_bytes (its size into @size, may be NULL);
 * else FALSE with a message naming what it is: missing, a folder, a device, a FIFO, a socket,
 * a symlink loop, unreadable, or too large. */
gboolean saddle_file_check_regular (const char  *path,
                                    guint64      max_bytes,
                                    guint64     *size,
                                    GError     **error);
/* The whole of a regular file of at most @max_bytes (NUL-terminated, as g_file_get_contents). */
gboolean saddle_file_read          (const char  *path,
                                    guint64      max_bytes,
                                    char       **contents,
                                    gsize       *length,
                                    GError     **error);
/* Writes @length bytes to @path through a temporary sibling and a rename. */
gboolean saddle_file_write         (const char  *path,
                                    const char  *data,
                                    gsize        length,
                                    GError     **error);

G_END_DECLS
