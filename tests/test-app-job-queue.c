/* test-app-job-queue.c — the window's one line of BLAS-heavy tasks: order, cancel, drop */
#define G_LOG_DOMAIN "test-app-job-queue"

#include "config.h"

#include "saddle-job-queue.h"

/* One test task: records its start in @log, and is cancelled through @cancellable. */
typedef struct
{
  GString      *log;
  char          name;
  gboolean      nothing_to_do;  /* its start finds nothing left: returns NULL */
  GCancellable *cancellable;    /* once started */
  gboolean      freed;
} Item;

static GCancellable *
item_start (gpointer user_data)
{
  Item *item = user_data;

  g_string_append_c (item->log, item->name);
  if (item->nothing_to_do)
    return NULL;
  item->cancellable = g_cancellable_new ();
  return g_object_ref (item->cancellable);
}

static void
item_destroy (gpointer user_data)
{
  ((Item *) user_data)->freed = TRUE;
}

static void
item_clear (Item *item)
{
  g_clear_object (&item->cancellable);
}

/* Two owners (a window's studies, a page's slices): first come, first served, one at a time. */
static void
test_order (void)
{
  g_autoptr(SaddleJobQueue) queue = saddle_job_queue_new ();
  g_autoptr(GString) log = g_string_new (NULL);
  int window, page;
  Item a = { log, 'a' }, b = { log, 'b' }, c = { log, 'c' };

  g_assert_false (saddle_job_queue_is_running (queue, NULL));
  saddle_job_queue_push (queue, &window, item_start, &a, item_destroy);
  /* An idle queue starts a task at once. */
  g_assert_cmpstr (log->str, ==, "a");
  g_assert_true (a.freed);
  g_assert_true (saddle_job_queue_is_running (queue, &window));
  g_assert_false (saddle_job_queue_is_running (queue, &page));

  saddle_job_queue_push (queue, &page, item_start, &b, item_destroy);
  saddle_job_queue_push (queue, &window, item_start, &c, item_destroy);
  g_assert_cmpstr (log->str, ==, "a");
  g_assert_true (saddle_job_queue_is_waiting (queue, &page));
  g_assert_true (saddle_job_queue_is_waiting (queue, &window));
  g_assert_false (b.freed);

  saddle_job_queue_finish (queue, &window);
  g_assert_cmpstr (log->str, ==, "ab");
  g_assert_true (saddle_job_queue_is_running (queue, &page));
  g_assert_false (saddle_job_queue_is_waiting (queue, &page));
  g_assert_true (saddle_job_queue_is_waiting (queue, &window));

  saddle_job_queue_finish (queue, &page);
  g_assert_cmpstr (log->str, ==, "abc");
  saddle_job_queue_finish (queue, &window);
  g_assert_false (saddle_job_queue_is_running (queue, NULL));
  g_assert_false (saddle_job_queue_is_waiting (queue, NULL));
  item_clear (&a), item_clear (&b), item_clear (&c);
}

/* Cancel stops the owner's running task (through its cancellable) and drops its waiting ones,
 * leaving other owners' tasks; the running task still holds its turn until it finishes. */
static void
test_cancel (void)
{
  g_autoptr(SaddleJobQueue) queue = saddle_job_queue_new ();
  g_autoptr(GString) log = g_string_new (NULL);
  int window, page;
  Item a = { log, 'a' }, b = { log, 'b' }, c = { log, 'c' }, d = { log, 'd' };

  saddle_job_queue_push (queue, &page, item_start, &a, item_destroy);
  saddle_job_queue_push (queue, &window, item_start, &b, item_destroy);
  saddle_job_queue_push (queue, &page, item_start, &c, item_destroy);

  /* The window's Stop: its waiting study goes, the page's slice runs on. */
  saddle_job_queue_cancel (queue, &window);
  g_assert_true (b.freed);
  g_assert_false (g_cancellable_is_cancelled (a.cancellable));
  g_assert_true (saddle_job_queue_is_waiting (queue, &page));

  /* A study asked for while a slice runs: the slice stops, the waiting one stays. */
  saddle_job_queue_cancel_running (queue);
  g_assert_true (g_cancellable_is_cancelled (a.cancellable));
  g_assert_true (saddle_job_queue_is_running (queue, &page));
  g_assert_true (saddle_job_queue_is_waiting (queue, &page));
  saddle_job_queue_push (queue, &window, item_start, &d, item_destroy);

  /* Nothing starts until the cancelled worker has returned. */
  g_assert_cmpstr (log->str, ==, "a");
  saddle_job_queue_finish (queue, &page);
  g_assert_cmpstr (log->str, ==, "ac");

  /* Quit: everything. */
  saddle_job_queue_cancel (queue, NULL);
  g_assert_true (g_cancellable_is_cancelled (c.cancellable));
  g_assert_true (d.freed);
  g_assert_null (d.cancellable);
  g_assert_false (saddle_job_queue_is_waiting (queue, NULL));
  saddle_job_queue_finish (queue, &page);
  g_assert_cmpstr (log->str, ==, "ac");
  g_assert_false (saddle_job_queue_is_running (queue, NULL));
  item_clear (&a), item_clear (&c);
}

/* A start that finds nothing to do (the point was deselected) hands the turn on at once. */
static void
test_nothing_to_do (void)
{
  g_autoptr(SaddleJobQueue) queue = saddle_job_queue_new ();
  g_autoptr(GString) log = g_string_new (NULL);
  int window, page;
  Item a = { log, 'a' }, b = { log, 'b', TRUE }, c = { log, 'c' };

  saddle_job_queue_push (queue, &window, item_start, &a, item_destroy);
  saddle_job_queue_push (queue, &page, item_start, &b, item_destroy);
  saddle_job_queue_push (queue, &window, item_start, &c, item_destroy);
  saddle_job_queue_finish (queue, &window);
  g_assert_cmpstr (log->str, ==, "abc");
  g_assert_true (saddle_job_queue_is_running (queue, &window));
  saddle_job_queue_finish (queue, &window);
  g_assert_false (saddle_job_queue_is_running (queue, NULL));

  /* A queue dropped with tasks waiting frees them. */
  {
    Item e = { log, 'e' }, f = { log, 'f' };
    SaddleJobQueue *other = saddle_job_queue_new ();

    saddle_job_queue_push (other, &page, item_start, &e, item_destroy);
    saddle_job_queue_push (other, &page, item_start, &f, item_destroy);
    g_object_unref (other);
    g_assert_true (f.freed);
    item_clear (&e);
  }
  item_clear (&a), item_clear (&c);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/job-queue/order", test_order);
  g_test_add_func ("/app/job-queue/cancel", test_cancel);
  g_test_add_func ("/app/job-queue/nothing-to-do", test_nothing_to_do);

  return g_test_run ();
}
