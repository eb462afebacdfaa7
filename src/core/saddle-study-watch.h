/* saddle-study-watch.h — a running study's finished runs, copied from another thread
 *
 * saddle_study_run_watched() merges each finished run into its results in run order, under
 * the study's lock, and lets a SaddleStudyWatch read them meanwhile. Another thread can then
 * take a copy of what is finished while the study's own threads are still busy, for instance
 * inside a LAPACK eigensolve that nothing can interrupt: the CLI's second Ctrl-C writes that
 * copy and exits. Only merged runs are copied: whole, published under the lock, in run order;
 * a run in flight is not. Threads: every function may be called from any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SaddleStudyWatch   SaddleStudyWatch;
typedef struct _SaddleStudyResults SaddleStudyResults;

SaddleStudyWatch   *saddle_study_watch_new    (void);
void                saddle_study_watch_free   (SaddleStudyWatch         *watch);
/* A deep copy of the finished runs of the study running under @watch, marked cancelled, with
 * the trajectory's PCA computed as a finished study's is; NULL when no study runs under it
 * (not yet, or no longer: its caller then has the results itself). */
SaddleStudyResults *saddle_study_watch_copy   (SaddleStudyWatch         *watch);

/* For the study runner: @results, guarded by @lock, can be copied through @watch until
 * saddle_study_watch_detach(), which waits for a copy under way. */
void                saddle_study_watch_attach (SaddleStudyWatch         *watch,
                                               GMutex                   *lock,
                                               const SaddleStudyResults *results);
void                saddle_study_watch_detach (SaddleStudyWatch         *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleStudyWatch, saddle_study_watch_free)

G_END_DECLS
