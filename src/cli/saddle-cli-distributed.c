/* saddle-cli-distributed.c — the critical study shared over MPI ranks */
#define G_LOG_DOMAIN "saddle-cli-distributed"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "saddle-cli-distributed.h"
#include "saddle-cli-mpi.h"
#include "saddle-cli-signals.h"

/* Message tags. A worker's own tags keep its runs apart from its rank's other workers'. */
#define TAG_STOP    10      /* rank 0 → a rank: stop the runs under way */
#define TAG_FAIL    11      /* a rank → rank 0: why it stops (FailMessage) */
#define TAG_RUN     1000    /* + worker: rank 0 → that worker: the run index, or NO_RUN */
#define TAG_RESULT  2000    /* + worker: that worker → rank 0: its run's packed records */
#define MAX_WORKERS 256     /* --jobs at most (saddle-study.c) */
#define NO_RUN      G_MAXUINT32

/* How long rank 0 waits for a run of a rank that said it fails, before it gives it up. */
#define FAILED_RANK_GRACE (10 * G_TIME_SPAN_SECOND)
/* How long rank 0, told to stop, waits for the runs under way elsewhere: mpirun kills every
 * rank a second or two after one dies or after Ctrl-C, and rank 0 must write before that. */
#define STOPPED_RANK_GRACE (500 * G_TIME_SPAN_MILLISECOND)
/* How often a computing rank looks for rank 0's stop (each event may ask; most do not). */
#define STOP_POLL_INTERVAL (20 * G_TIME_SPAN_MILLISECOND)

#define MESSAGE_MAX 512

/* What each rank tells rank 0 before any work. */
typedef struct
{
  gint32  ok;
  guint32 jobs;
  guint64 n_params;
  char    message[MESSAGE_MAX];       /* why not, when !ok */
} Hello;

typedef struct
{
  gint32  by_signal;                  /* the rank was stopped by a signal of its own */
  char    message[MESSAGE_MAX];
} FailMessage;

typedef struct _Dispatch Dispatch;

/* One worker of another rank, as rank 0 sees it. */
typedef struct
{
  Dispatch *dispatch;
  int       rank;
  guint     worker;
} Slot;

struct _Dispatch
{
  gsize            n_params;
  Slot            *slots;
  guint            n_slots;
  SaddleEventFunc  func;
  gpointer         user_data;
  gint             stop;              /* atomic: a rank failed, every rank stops */

  GMutex           mutex;             /* guards the arrays below */
  gint64          *stop_sent;         /* (ranks) when TAG_STOP was sent to it; 0 = not yet */
  gint64          *failed_at;         /* (ranks) when its failure came; 0 = none */
  FailMessage     *failures;          /* (ranks) */
  guint           *runs_done;         /* (ranks) runs that came back finished */
  gint64           last_poll;         /* when rank 0's own runs last looked for failures */
};

/* A computing rank's state. */
typedef struct
{
  gsize    n_params;
  gint     stopped;                   /* atomic: rank 0 said stop */
  gint64   last_poll;
  gboolean reported;                  /* its own signal was reported to rank 0 */
} Serve;

/* --jobs 0 under MPI: the machine's cores shared among the ranks on it. */
static guint
resolve_jobs (const SaddleStudyConfig *config)
{
  guint jobs = config->jobs > 0 ? config->jobs
                                 : g_get_num_processors () / (guint) saddle_cli_mpi_local_size ();

  /* As saddle-study.c's study_jobs(): at least one, at most a run each. */
  return CLAMP (jobs, 1, MAX (config->runs, 1u));
}

static void
report_failure (gboolean    by_signal,
                const char *message)
{
  FailMessage fail = { 0 };

  fail.by_signal = by_signal;
  g_strlcpy (fail.message, message, sizeof fail.message);
  saddle_cli_mpi_send (0, TAG_FAIL, &fail, sizeof fail, NULL);
}

/* Rank 0: records @rank's failure if one came (under the mutex). */
static void
take_failure (Dispatch *self,
              int       rank)
{
  g_autoptr(GBytes) bytes = NULL;

  if (self->failed_at[rank] != 0 || !saddle_cli_mpi_probe (rank, TAG_FAIL, NULL))
    return;
  bytes = saddle_cli_mpi_receive (rank, TAG_FAIL, NULL, NULL, NULL, NULL);
  if (bytes == NULL || g_bytes_get_size (bytes) != sizeof (FailMessage))
    return;
  memcpy (&self->failures[rank], g_bytes_get_data (bytes, NULL), sizeof (FailMessage));
  self->failures[rank].message[MESSAGE_MAX - 1] = '\0';
  self->failed_at[rank] = g_get_monotonic_time ();
  g_atomic_int_set (&self->stop, TRUE);
}

/* Called between polls while rank 0 waits for a run of @slot's rank: takes that rank's
 * failure, passes a stop on to it once, and gives the run up when its rank failed long ago
 * or does not answer a stop soon. */
static gboolean
slot_wait_cb (gpointer data)
{
  Slot *slot = data;
  Dispatch *self = slot->dispatch;
  int rank = slot->rank;
  gboolean give_up;

  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&self->mutex);
  take_failure (self, rank);
  if ((g_atomic_int_get (&self->stop) || saddle_cli_signals_stop_requested ())
      && self->stop_sent[rank] == 0 && self->failed_at[rank] == 0)
    {
      self->stop_sent[rank] = now;
      saddle_cli_mpi_send (rank, TAG_STOP, "", 0, NULL);
    }
  /* A rank stopped by a signal (mpirun's SIGTERM after Ctrl-C) sends its cancelled run at
   * once or never: mpirun kills every rank a second later, and rank 0 must write before. */
  give_up = (self->failed_at[rank] != 0
             && now - self->failed_at[rank] > (self->failures[rank].by_signal ? STOPPED_RANK_GRACE
                                                                               : FAILED_RANK_GRACE))
            || (self->stop_sent[rank] != 0 && saddle_cli_signals_stop_requested ()
                && now - self->stop_sent[rank] > STOPPED_RANK_GRACE);
  g_mutex_unlock (&self->mutex);
  return give_up;
}

/* SaddleStudyRemote.run on rank 0: the run goes to @worker's slot and its records come back. */
static gboolean
slot_run (gpointer         user_data,
          guint            worker,
          guint            index,
          SaddleRunOutput *out)
{
  Dispatch *self = user_data;
  Slot *slot = &self->slots[worker];
  guint32 message = index;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (g_atomic_int_get (&self->stop))
    {
      out->cancelled = TRUE;
      return TRUE;
    }
  if (!saddle_cli_mpi_send (slot->rank, TAG_RUN + slot->worker, &message, sizeof message,
                            &error)
      || (bytes = saddle_cli_mpi_receive (slot->rank, TAG_RESULT + slot->worker, NULL,
                                          slot_wait_cb, slot, &error)) == NULL
      || !saddle_run_output_unpack (out, bytes, self->n_params, &error))
    {
      /* Interrupted here, and the run did not come back in time: cancelled, not lost. */
      if (g_error_matches (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_STOPPED)
          && saddle_cli_signals_stop_requested ())
        {
          gboolean failed;

          g_mutex_lock (&self->mutex);
          failed = self->failed_at[slot->rank] != 0;
          g_mutex_unlock (&self->mutex);
          if (!failed)
            {
              out->cancelled = TRUE;
              return TRUE;
            }
        }
      g_mutex_lock (&self->mutex);
      if (self->failed_at[slot->rank] == 0)
        {
          g_strlcpy (self->failures[slot->rank].message, error->message, MESSAGE_MAX);
          self->failed_at[slot->rank] = g_get_monotonic_time ();
        }
      g_atomic_int_set (&self->stop, TRUE);
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }
  if (!out->cancelled)
    {
      g_mutex_lock (&self->mutex);
      self->runs_done[slot->rank]++;
      g_mutex_unlock (&self->mutex);
    }
  return TRUE;
}

/* "Runs per rank: 0: 7, 1: 6" on stderr: how evenly the work went. */
static void
print_balance (const Dispatch           *self,
               const SaddleStudyResults *results)
{
  g_autoptr(GString) line = g_string_new ("Runs per rank:");
  guint total = results->critical != NULL ? results->critical->points->len : 0;
  guint remote = 0;

  total += results->failures->len;
  for (int r = 1; r < saddle_cli_mpi_size (); r++)
    remote += self->runs_done[r];
  g_string_append_printf (line, " 0: %u", total > remote ? total - remote : 0);
  for (int r = 1; r < saddle_cli_mpi_size (); r++)
    g_string_append_printf (line, ", %d: %u", r, self->runs_done[r]);
  fprintf (stderr, "%s\n", line->str);
}

/* Rank 0's events: its own progress, until a rank's failure stops the study. */
static gboolean
dispatch_event_cb (const SaddleEvent *event,
                   gpointer           user_data)
{
  Dispatch *self = user_data;
  gint64 now = g_get_monotonic_time ();

  /* A rank may stop (mpirun's SIGTERM after Ctrl-C reaches the ranks one at a time) while no
   * slot waits on it: rank 0's own runs must hear of it too, or they run on until mpirun kills
   * rank 0 before it has written anything. */
  g_mutex_lock (&self->mutex);
  if (now - self->last_poll >= STOP_POLL_INTERVAL)
    {
      self->last_poll = now;
      for (int r = 1; r < saddle_cli_mpi_size (); r++)
        take_failure (self, r);
    }
  g_mutex_unlock (&self->mutex);
  if (g_atomic_int_get (&self->stop))
    return FALSE;
  return self->func == NULL || self->func (event, self->user_data);
}

/* Every rank's Hello on rank 0; FALSE with @error naming the ranks that cannot start. The
 * verdict goes to every rank. */
static gboolean
exchange_hello (const Hello *mine,
                Hello      **all_out,
                GError     **error)
{
  g_autoptr(GBytes) gathered = saddle_cli_mpi_gather (mine, sizeof *mine);
  int size = saddle_cli_mpi_size ();
  gint32 verdict = TRUE;

  if (saddle_cli_mpi_rank () == 0)
    {
      const Hello *all = g_bytes_get_data (gathered, NULL);
      g_autoptr(GString) why = g_string_new (NULL);

      for (int r = 0; r < size; r++)
        {
          if (!all[r].ok)
            g_string_append_printf (why, "%srank %d: %.*s", why->len > 0 ? "; " : "", r,
                                    MESSAGE_MAX, all[r].message);
          else if (all[r].n_params != mine->n_params)
            g_string_append_printf (why, "%srank %d: its model has %" G_GUINT64_FORMAT
                                    " parameters, rank 0's %" G_GUINT64_FORMAT " (the ranks "
                                    "must run the same study)", why->len > 0 ? "; " : "", r,
                                    all[r].n_params, mine->n_params);
        }
      verdict = why->len == 0;
      if (!verdict)
        g_set_error (error, SADDLE_CLI_MPI_ERROR, SADDLE_CLI_MPI_ERROR_FAILED, "%s", why->str);
      else if (all_out != NULL)
        *all_out = g_memdup2 (all, sizeof (Hello) * size);
    }
  saddle_cli_mpi_broadcast (&verdict, sizeof verdict);
  return verdict;
}

SaddleStudyResults *
saddle_cli_distributed_run (SaddleStudyConfig  *config,
                            SaddleStudyKind     kind,
                            SaddleDataset      *dataset,
                            SaddleStudyWatch   *watch,
                            SaddleEventFunc     func,
                            gpointer            user_data,
                            char              **failure,
                            GError            **error)
{
  g_autofree Hello *all = NULL;
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GString) failures = g_string_new (NULL);
  int size = saddle_cli_mpi_size ();
  Dispatch self = { 0 };
  SaddleStudyRemote remote = { 0 };
  Hello mine = { 0 };

  config->jobs = resolve_jobs (config);
  model = saddle_study_config_new_model (config, dataset, NULL);
  mine.ok = TRUE;
  mine.jobs = config->jobs;
  mine.n_params = model != NULL ? saddle_model_n_params (model) : 0;
  if (!exchange_hello (&mine, &all, error))
    return NULL;

  self.n_params = mine.n_params;
  self.func = func;
  self.user_data = user_data;
  g_mutex_init (&self.mutex);
  self.stop_sent = g_new0 (gint64, size);
  self.failed_at = g_new0 (gint64, size);
  self.failures = g_new0 (FailMessage, size);
  self.runs_done = g_new0 (guint, size);
  for (int r = 1; r < size; r++)
    self.n_slots += MIN (all[r].jobs, MAX_WORKERS);
  self.slots = g_new0 (Slot, MAX (self.n_slots, 1));
  for (int r = 1, s = 0; r < size; r++)
    for (guint w = 0; w < MIN (all[r].jobs, MAX_WORKERS); w++, s++)
      self.slots[s] = (Slot) { &self, r, w };

  remote.n_remote = self.n_slots;
  remote.run = slot_run;
  remote.user_data = &self;
  results = saddle_study_run_shared (config, kind, dataset, &remote, watch, dispatch_event_cb, &self,
                                     error);

  /* Every worker that may still wait for a run learns that none is left. */
  for (guint s = 0; s < self.n_slots; s++)
    {
      guint32 none = NO_RUN;

      if (self.failed_at[self.slots[s].rank] == 0)
        saddle_cli_mpi_send (self.slots[s].rank, TAG_RUN + self.slots[s].worker, &none,
                             sizeof none, NULL);
    }
  for (int r = 1; r < size; r++)
    {
      take_failure (&self, r);
      /* Ctrl-C reaches every rank: their signals are this one, not their failures. */
      if (self.failed_at[r] != 0
          && !(self.failures[r].by_signal && saddle_cli_signals_stop_requested ()))
        g_string_append_printf (failures, "%srank %d: %s", failures->len > 0 ? "; " : "", r,
                                self.failures[r].message);
    }
  if (failures->len > 0)
    {
      *failure = g_strdup (failures->str);
      if (results != NULL)
        results->cancelled = TRUE;
    }
  if (results != NULL)
    print_balance (&self, results);

  g_free (self.slots);
  g_free (self.stop_sent);
  g_free (self.failed_at);
  g_free (self.failures);
  g_free (self.runs_done);
  g_mutex_clear (&self.mutex);
  return g_steal_pointer (&results);
}

void
saddle_cli_distributed_abort (const char *reason)
{
  Hello mine = { 0 };

  g_strlcpy (mine.message, reason, sizeof mine.message);
  exchange_hello (&mine, NULL, NULL);
}

/* SaddleStudyRemote.claim on the other ranks: the index rank 0 sends this worker. */
static gboolean
serve_claim (gpointer user_data,
             guint    worker,
             guint   *index)
{
  g_autoptr(GBytes) bytes = saddle_cli_mpi_receive (0, TAG_RUN + worker, NULL, NULL, NULL,
                                                    NULL);
  guint32 message;

  (void) user_data;
  if (bytes == NULL || g_bytes_get_size (bytes) != sizeof message)
    return FALSE;
  memcpy (&message, g_bytes_get_data (bytes, NULL), sizeof message);
  if (message == NO_RUN)
    return FALSE;
  *index = message;
  return TRUE;
}

/* SaddleStudyRemote.finished on the other ranks: the run's records go to rank 0. */
static void
serve_finished (gpointer               user_data,
                guint                  worker,
                guint                  index,
                const SaddleRunOutput *out)
{
  Serve *self = user_data;
  g_autoptr(GBytes) bytes = saddle_run_output_pack (out, self->n_params);
  g_autoptr(GError) error = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (bytes, &size);

  (void) index;
  if (!saddle_cli_mpi_send (0, TAG_RESULT + worker, data, size, &error))
    g_printerr ("saddle-cli: rank %d: %s\n", saddle_cli_mpi_rank (), error->message);
}

/* The other ranks' events: no progress (rank 0 shows it), only the reasons to stop. */
static gboolean
serve_event_cb (const SaddleEvent *event,
                gpointer           user_data)
{
  Serve *self = user_data;
  gint64 now;

  (void) event;
  if (saddle_cli_signals_stop_requested ())
    {
      if (!self->reported)
        {
          g_autofree char *message = NULL;
          int signum = saddle_cli_signals_exit_status () - 128;

          self->reported = TRUE;
          message = g_strdup_printf ("stopped by signal %d (%s)", signum, g_strsignal (signum));
          report_failure (TRUE, message);
        }
      return FALSE;
    }
  if (g_atomic_int_get (&self->stopped))
    return FALSE;
  now = g_get_monotonic_time ();
  if (now - self->last_poll < STOP_POLL_INTERVAL)
    return TRUE;
  self->last_poll = now;
  if (saddle_cli_mpi_probe (0, TAG_STOP, NULL))
    {
      g_autoptr(GBytes) stop = saddle_cli_mpi_receive (0, TAG_STOP, NULL, NULL, NULL, NULL);

      g_atomic_int_set (&self->stopped, TRUE);
      return FALSE;
    }
  return TRUE;
}

int
saddle_cli_distributed_serve (SaddleStudyConfig *config,
                              SaddleStudyKind    kind,
                              SaddleDataset     *dataset,
                              const GError      *start_error)
{
  g_autoptr(SaddleStudyResults) results = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyRemote remote = { 0 };
  Serve self = { 0 };
  Hello mine = { 0 };

  config->jobs = resolve_jobs (config);
  if (start_error == NULL
      && (model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    start_error = error;
  mine.ok = start_error == NULL;
  mine.jobs = MIN (config->jobs, MAX_WORKERS);
  mine.n_params = model != NULL ? saddle_model_n_params (model) : 0;
  if (start_error != NULL)
    g_strlcpy (mine.message, start_error->message, sizeof mine.message);
  if (!exchange_hello (&mine, NULL, NULL))
    return start_error != NULL ? 1 : 0;

  self.n_params = mine.n_params;
  remote.claim = serve_claim;
  remote.finished = serve_finished;
  remote.user_data = &self;
  results = saddle_study_run_shared (config, kind, dataset, &remote, NULL, serve_event_cb, &self,
                                     &error);
  if (results == NULL)
    report_failure (FALSE, error->message);
  else if (saddle_cli_signals_stop_requested ())
    serve_event_cb (NULL, &self);
  /* Rank 0 knows why this rank stopped and speaks for the job: mpirun's exit status is the
   * first non-zero one, which must be rank 0's (130 after Ctrl-C, 1 after a rank failed). */
  return 0;
}
