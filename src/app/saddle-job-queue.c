/* saddle-job-queue.c — the window's one line of BLAS-heavy tasks: studies, loss slices, Analyse Weights */
#define G_LOG_DOMAIN "saddle-job-queue"

#include "config.h"

#include "saddle-job-queue.h"

typedef struct
{
  gpointer                owner;
  SaddleJobQueueStartFunc start;
  gpointer                user_data;
  GDestroyNotify          destroy;
} Task;

struct _SaddleJobQueue
{
  GObject       parent_instance;

  GQueue        waiting;       /* Task *, the next to start at the head */
  gboolean      running;       /* a started task has not finished yet */
  gpointer      running_owner;
  GCancellable *cancellable;   /* of the running task, or NULL */
};

G_DEFINE_FINAL_TYPE (SaddleJobQueue, saddle_job_queue, G_TYPE_OBJECT)

static void
task_free (Task *task)
{
  if (task->destroy != NULL)
    task->destroy (task->user_data);
  g_free (task);
}

/* Starts waiting tasks until one runs (a start may find nothing left to do). */
static void
start_next (SaddleJobQueue *self)
{
  while (!self->running && !g_queue_is_empty (&self->waiting))
    {
      Task *task = g_queue_pop_head (&self->waiting);

      /* Marked running before the start, so a task pushed from inside it waits. */
      self->running = TRUE;
      self->running_owner = task->owner;
      self->cancellable = task->start (task->user_data);
      if (self->cancellable == NULL)
        {
          self->running = FALSE;
          self->running_owner = NULL;
        }
      task_free (task);
    }
}

static void
saddle_job_queue_finalize (GObject *object)
{
  SaddleJobQueue *self = SADDLE_JOB_QUEUE (object);

  g_queue_clear_full (&self->waiting, (GDestroyNotify) task_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (saddle_job_queue_parent_class)->finalize (object);
}

static void
saddle_job_queue_class_init (SaddleJobQueueClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = saddle_job_queue_finalize;
}

static void
saddle_job_queue_init (SaddleJobQueue *self)
{
  g_queue_init (&self->waiting);
}

SaddleJobQueue *
saddle_job_queue_new (void)
{
  return g_object_new (SADDLE_TYPE_JOB_QUEUE, NULL);
}

void
saddle_job_queue_push (SaddleJobQueue          *self,
                       gpointer                 owner,
                       SaddleJobQueueStartFunc  start,
                       gpointer                 user_data,
                       GDestroyNotify           destroy)
{
  Task *task;

  g_return_if_fail (SADDLE_IS_JOB_QUEUE (self));
  g_return_if_fail (start != NULL);

  task = g_new0 (Task, 1);
  task->owner = owner;
  task->start = start;
  task->user_data = user_data;
  task->destroy = destroy;
  g_queue_push_tail (&self->waiting, task);
  start_next (self);
}

void
saddle_job_queue_finish (SaddleJobQueue *self,
                         gpointer        owner)
{
  g_return_if_fail (SADDLE_IS_JOB_QUEUE (self));
  g_return_if_fail (self->running && self->running_owner == owner);

  self->running = FALSE;
  self->running_owner = NULL;
  g_clear_object (&self->cancellable);
  start_next (self);
}

void
saddle_job_queue_cancel (SaddleJobQueue *self,
                         gpointer        owner)
{
  GList *l, *next;

  g_return_if_fail (SADDLE_IS_JOB_QUEUE (self));

  for (l = self->waiting.head; l != NULL; l = next)
    {
      Task *task = l->data;

      next = l->next;
      if (owner == NULL || task->owner == owner)
        {
          g_queue_delete_link (&self->waiting, l);
          task_free (task);
        }
    }
  if (self->running && (owner == NULL || self->running_owner == owner))
    g_cancellable_cancel (self->cancellable);
}

void
saddle_job_queue_cancel_running (SaddleJobQueue *self)
{
  g_return_if_fail (SADDLE_IS_JOB_QUEUE (self));

  if (self->running)
    g_cancellable_cancel (self->cancellable);
}

gboolean
saddle_job_queue_is_running (SaddleJobQueue *self,
                             gpointer        owner)
{
  g_return_val_if_fail (SADDLE_IS_JOB_QUEUE (self), FALSE);

  return self->running && (owner == NULL || self->running_owner == owner);
}

gboolean
saddle_job_queue_is_waiting (SaddleJobQueue *self,
                             gpointer        owner)
{
  g_return_val_if_fail (SADDLE_IS_JOB_QUEUE (self), FALSE);

  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    if (owner == NULL || ((Task *) l->data)->owner == owner)
      return TRUE;
  return FALSE;
}
