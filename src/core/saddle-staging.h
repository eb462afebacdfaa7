/* saddle-staging.h — an output folder that only ever holds one whole set of results
 *
 * saddle-cli's --out and the app's Export All open their folder before writing: the folder
 * is created, locked against a second writer (flock on .saddle-lock, which names the
 * holder's PID), checked for a rough amount of free space, and a hidden staging folder is
 * made inside it, on the same file system. Every output is written into the staging folder,
 * subfolders included (Export All writes one a study). On commit, guarded against signals
 * (saddle_staging_set_guard()), the entries of the previous set that this one does not write again (listed in
 * each folder's .saddle-files) are removed and the new files renamed into place, one rename
 * each, so the folder never holds a mix of two sets. Without a commit (nothing finished, or
 * a write failed) the folder is left as it was; a staging folder left by a writer that was
 * killed is removed by the next one. Files Saddle did not write are never touched.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SaddleStaging SaddleStaging;

/* Opens @out_dir for writing about @expected_bytes of outputs. */
SaddleStaging *saddle_staging_open       (const char           *out_dir,
                                          guint64               expected_bytes,
                                          GError              **error);
/* The folder to write into now. */
const char    *saddle_staging_dir        (const SaddleStaging  *staging);
/* @path (in the staging folder) as it will be named after the commit (g_free). */
char          *saddle_staging_final_path (const SaddleStaging  *staging,
                                          const char           *path);
/* Moves the staged files into place and drops the stale ones; FALSE names what failed. */
gboolean       saddle_staging_commit     (SaddleStaging        *staging,
                                          GError              **error);
/* Calls @hold before a commit's renames and @release after them (NULL, NULL: the committing
 * thread blocks SIGINT, SIGTERM and SIGHUP instead). saddle-cli holds its exit-at-once
 * signals there: any thread may take a signal, so one thread's mask is not enough. */
void           saddle_staging_set_guard  (void                (*hold)    (void),
                                          void                (*release) (void));
/* Removes what is still staged (all of it without a commit) and releases the lock. */
void           saddle_staging_free       (SaddleStaging        *staging);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleStaging, saddle_staging_free)

G_END_DECLS
