/* saddle-cli-staging.h — an output folder that only ever holds one whole study
 *
 * A command opens its --out folder before any work: the folder is created, locked against a
 * second saddle-cli (flock on .saddle-lock, which names the holder's PID), checked for a
 * rough amount of free space, and a hidden staging folder is made inside it, on the same file
 * system. Every output is written into the staging folder. On commit, in a signal hold,
 * the files of the previous study that this one does not write again (listed in the folder's
 * .saddle-files) are removed and the new files renamed into place, one rename each, so the
 * folder never holds a mix of two studies. On abort (nothing finished) the folder is left as
 * it was. Files that saddle-cli did not write are never touched.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SaddleCliStaging SaddleCliStaging;

/* Opens @out_dir for writing about @expected_bytes of outputs. */
SaddleCliStaging *saddle_cli_staging_open   (const char        *out_dir,
                                             guint64            expected_bytes,
                                             GError           **error);
/* The folder to write into now. */
const char       *saddle_cli_staging_dir    (const SaddleCliStaging *staging);
/* @path (in the staging folder) as it will be named after the commit (g_free). */
char             *saddle_cli_staging_final_path (const SaddleCliStaging *staging,
                                                 const char             *path);
/* Moves the staged files into place and drops the stale ones; FALSE names what failed. */
gboolean          saddle_cli_staging_commit (SaddleCliStaging  *staging,
                                             GError           **error);
/* Removes the staged files: the folder stays as it was. Also releases the lock. */
void              saddle_cli_staging_free   (SaddleCliStaging  *staging);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleCliStaging, saddle_cli_staging_free)

G_END_DECLS
