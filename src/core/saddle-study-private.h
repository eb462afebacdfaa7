/* saddle-study-private.h — what the study runner's files share: the study's shared state, one
 * run's state, and the functions one file gives the others.
 *
 * saddle-study.c          the public entry: checks, the worker threads, the results
 * saddle-study-workers.c  workers claim runs, finish them, merge them in order or hand them
 *                         to another process
 * saddle-study-work.c     what a run computes (train, descend, Newton, Hessian), the loss
 *                         surface and the test accuracy
 * saddle-study-events.c   events to the caller: records kept, progress as shares of the study
 */
#pragma once

#include "saddle-critical.h"
#include "saddle-study.h"

G_BEGIN_DECLS

/* State the runs share; everything below @mutex is guarded by it. */
typedef struct
{
  const SaddleStudyConfig *config;
  SaddleStudyKind          kind;
  SaddleStudyResults      *results;
  const SaddleDataset     *dataset;
  const SaddleDataset     *test;           /* held-out images for the runs' final accuracy, or
                                            * NULL */
  const SaddleModel       *model;          /* the architecture; each worker copies it */
  const SaddleStudyRemote *remote;         /* NULL: one process */
  guint                    jobs;           /* workers computing here; remote ones follow */
  SaddleEventFunc          func;
  gpointer                 user_data;
  guint                    n_units;        /* runs, plus one for the loss surface */
  gboolean                 keep_params;

  GMutex                   mutex;
  gboolean                 cancelled;
  guint                    next;           /* next run index (0-based) to start */
  guint                    merged;         /* runs merged into results, in order */
  guint                    succeeded;
  guint                    attempted;
  guint                    finished;       /* runs that succeeded, failed or were cancelled */
  double                   share_sum;      /* runs done so far, in shares of one run */
  double                   last_fraction;  /* of the whole study: progress never goes back */
  SaddleRunOutput         *outputs;        /* (runs) */
} Study;

/* One run under way, or the loss surface after the runs. */
typedef struct
{
  Study                   *study;
  const SaddleStudyConfig *config;
  SaddleStudyKind          kind;
  SaddleRunOutput         *out;            /* where this run's records go */

  guint                    run;            /* absolute run index */
  double                   share;          /* of this run done, counted in study->share_sum */
  double                   phase_start;    /* share of one run done before this phase */
  double                   phase_length;   /* share of one run this phase takes */
  char                    *prefix;         /* "Run 3/8" */
  char                    *message;        /* "Run 3/8: training" */
  char                    *inner_message;  /* "Run 3/8: Eigenvalues", from an inner PROGRESS */
  gboolean                 refining;       /* DESCENT events are Newton steps */
  double                   seconds_train;  /* of the run under way */
  SaddleRegionTally        train_tally;    /* how its training summed (for FLOP counts) */
} StudyRun;

/* One worker thread's argument. */
typedef struct
{
  Study   *study;
  guint    worker;       /* 0 … jobs − 1 here, then jobs … jobs + n_remote − 1 remote */
} Worker;

/* saddle-study-events.c */
double      _saddle_study_fraction_locked       (Study                     *study);
gboolean    _saddle_study_emit_locked           (Study                     *study,
                                                 const SaddleEvent         *event);
gboolean    _saddle_study_emit                  (StudyRun                  *self,
                                                 const SaddleEvent         *event);
gboolean    _saddle_study_emit_progress         (StudyRun                  *self,
                                                 double                     phase_fraction);
gboolean    _saddle_study_begin_phase           (StudyRun                  *self,
                                                 const char                *phase,
                                                 double                     start,
                                                 double                     length);
gboolean    _saddle_study_event_cb              (const SaddleEvent         *event,
                                                 gpointer                   user_data);
SaddleEvent _saddle_study_critical_event        (const SaddleCriticalPoint *point,
                                                 guint                      run);

/* saddle-study-work.c */
gboolean    _saddle_study_run_one               (StudyRun                  *self,
                                                 SaddleModel               *model,
                                                 const SaddleDataset       *dataset,
                                                 double                    *theta,
                                                 SaddleCriticalPoint      **point_out,
                                                 GError                   **error);
SaddleDataset *_saddle_study_load_test_set     (const SaddleStudyConfig   *config,
                                                 const SaddleModel         *model);
gboolean    _saddle_study_compute_surface       (StudyRun                  *self,
                                                 SaddleModel               *model,
                                                 const SaddleDataset       *dataset,
                                                 GError                   **error);

/* saddle-study-workers.c */
void        _saddle_study_merge_output          (Study                     *study,
                                                 SaddleRunOutput           *out);
gpointer    _saddle_study_worker                (gpointer                   data);

G_END_DECLS
