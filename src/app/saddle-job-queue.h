/* saddle-job-queue.h — the window's one line of BLAS-heavy tasks: studies, loss slices, Analyse Weights
 *
 * OpenBLAS runs its own threads, so two BLAS-heavy workers at once only slow each
 * other down (and share the memory the Hessian needs). Every such task waits its turn
 * here, first come first served. A task is started by its own function, which returns
 * the GCancellable that stops it; when its worker has returned, its owner calls
 * saddle_job_queue_finish() and the next waiting task starts. Main thread only.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SADDLE_TYPE_JOB_QUEUE (saddle_job_queue_get_type ())

G_DECLARE_FINAL_TYPE (SaddleJobQueue, saddle_job_queue, SADDLE, JOB_QUEUE, GObject)

/* Starts the task's worker and returns what cancels it (transfer full), or NULL when
 * there is nothing to do any more (the queue goes on at once). */
typedef GCancellable *(*SaddleJobQueueStartFunc) (gpointer user_data);

SaddleJobQueue *saddle_job_queue_new         (void);
/* Queues a task of @owner (any pointer; it groups tasks for cancel and the queries): @start runs
 * now when nothing else runs, else after every task queued before it has finished. @destroy frees
 * @user_data after @start ran, or when the task is dropped unstarted. */
void            saddle_job_queue_push        (SaddleJobQueue          *self,
                                              gpointer                 owner,
                                              SaddleJobQueueStartFunc  start,
                                              gpointer                 user_data,
                                              GDestroyNotify           destroy);
/* @owner's running task has returned: the next waiting task starts. */
void            saddle_job_queue_finish      (SaddleJobQueue          *self,
                                              gpointer                 owner);
/* Cancels @owner's running task and drops its waiting ones; @owner NULL: every task. */
void            saddle_job_queue_cancel      (SaddleJobQueue          *self,
                                              gpointer                 owner);
/* Cancels the running task, whoever owns it; waiting tasks stay. */
void            saddle_job_queue_cancel_running (SaddleJobQueue       *self);
/* TRUE while a task of @owner (NULL: any) runs. */
gboolean        saddle_job_queue_is_running  (SaddleJobQueue          *self,
                                              gpointer                 owner);
/* TRUE while a task of @owner (NULL: any) waits for its turn. */
gboolean        saddle_job_queue_is_waiting  (SaddleJobQueue          *self,
                                              gpointer                 owner);

G_END_DECLS
