/* saddle-study.h — the three studies, run headless with live events
 *
 * The CLI and the app both describe a study with a SaddleStudyConfig, run it
 * with saddle_study_run() (the app on a worker thread) and read the same
 * SaddleStudyResults afterwards. Runs are independent given the seed.
 */
#pragma once

#include "saddle-config-field.h"
#include "saddle-critical-set.h"
#include "saddle-dataset.h"
#include "saddle-event.h"
#include "saddle-history.h"
#include "saddle-model.h"
#include "saddle-optimizer.h"
#include "saddle-run-output.h"
#include "saddle-study-watch.h"
#include "saddle-trajectory.h"

G_BEGIN_DECLS

#define SADDLE_STUDY_ERROR (saddle_study_error_quark ())
#define SADDLE_MAX_HIDDEN_LAYERS 8

typedef enum
{
  SADDLE_STUDY_ERROR_INVALID,       /* a bad study kind; a bad field is a SADDLE_CONFIG_ERROR */
  SADDLE_STUDY_ERROR_ALL_FAILED,    /* every run failed (diverged, too large) */
} SaddleStudyError;

typedef enum
{
  SADDLE_STUDY_TRAJECTORIES,
  SADDLE_STUDY_GRADNORM,
  SADDLE_STUDY_CRITICAL,
} SaddleStudyKind;

typedef enum
{
  SADDLE_TASK_IMAGE,                /* classify IDX images (bundled Fashion-MNIST subset by default)
                                     * or the labelled rows of a CSV file */
  SADDLE_TASK_FUNCTION,             /* fit a 1-D function (sinc by default) or a CSV of x,y */
  SADDLE_TASK_AUTOENCODER,          /* linear autoencoder on the images' first principal components:
                                     * the ground truth (saddle-ground-truth.h) */
} SaddleTask;

typedef struct
{
  SaddleTask          task;
  char               *data_path;        /* IDX folder or CSV file; NULL = bundled images / generated function */
  char               *label_column;     /* classification CSV: the label column's header name;
                                         * NULL = a column called "label", else the first */
  gboolean            standardize;      /* classification CSV: features to mean 0, sd 1 */
  SaddleFunction      function;
  guint               samples;          /* training examples: first N images, or N function points */
  guint               hidden[SADDLE_MAX_HIDDEN_LAYERS];
  guint               n_hidden;
  SaddleActivation    activation;
  SaddleOptimizerKind optimizer;
  double              lr;
  guint               batch;
  guint               epochs;
  guint64             seed;
  guint               runs;
  guint               snapshot_every;   /* iterations; 0 = every epoch */
  guint               threads;          /* BLAS threads; 0 = all cores */
  guint               layer;            /* layer (0-based) of the per-layer trajectory */
  double              zero_tolerance;   /* eigenvalue near-zero band, relative to max|λ| */
  double              grad_tolerance;   /* critical: stop the ‖∇L‖² descent below this ‖∇L‖ */
  guint               descent_steps;    /* critical: cap on ‖∇L‖² descent steps */
  double              descent_lr;       /* critical: Adam step on ‖∇L‖² */
  guint               newton_steps;     /* critical: Newton refinement after it (Hessians built) */
  guint               first_run;        /* runs first_run … first_run + runs − 1 (0-based index) */
  guint               surface_resolution; /* trajectories: loss-surface nodes per axis; 0 = none */
  SaddleNewtonMethod  newton_method;    /* critical: how a Newton step is solved (default AUTO) */
  double              certify_tolerance; /* critical: certified stationary at ‖∇L‖ (or Clarke) ≤ this */
  double              clarke_epsilon;   /* critical: ReLU kinks this close enter the Clarke set */
  guint               still_steps;      /* critical: L-BFGS steps of the still-descending test */
  double              still_factor;     /* critical: a loss falling by more is still descending */
  guint               jobs;             /* runs at once on worker threads; 0 = online processors
                                         * (capped at runs), 1 = one after another here */
} SaddleStudyConfig;

struct _SaddleStudyResults
{
  SaddleStudyKind    kind;
  SaddleStudyConfig  config;      /* deep copy of what ran */
  char              *dataset_name;
  guint             *widths;      /* layer widths input…output (n_widths) */
  guint              n_widths;
  guint              n_samples;   /* of the data set the study ran on */
  gsize              n_params;
  gboolean           cancelled;   /* stopped early: everything below is what was done */
  SaddleHistory     *history;     /* every study */
  SaddleTrajectory  *trajectory;  /* trajectories study, else NULL */
  SaddleCriticalSet *critical;    /* critical study, else NULL */
  GPtrArray         *failures;    /* char *: one line per failed run ("run 3: loss diverged at step 41") */
  double             seconds;     /* wall clock from the first run's start to the study's end
                                   * (runs, PCA, loss surface, test accuracy); loading the data
                                   * and writing the files are not in it */
  GPtrArray         *final_params; /* double * (n_params), index i = run first_run + i: the
                                    * trained θ (the critical point for a critical study); NULL
                                    * for a failed or cancelled run, or for every run if together
                                    * they exceed SADDLE_STUDY_MAX_KEPT_BYTES */
};

/* A study shared between processes (saddle-cli under mpirun: saddle-cli-distributed.h).
 * The process that writes the results runs it with @n_remote and @run: besides its --jobs
 * workers it starts @n_remote more, each of which takes the next run index as the others do
 * (on demand, so a short run frees its worker early) and calls @run, which has the run done
 * elsewhere and fills @out with what it produced (flags, history, point, params, failure);
 * the results take it in run order like any other run. FALSE from @run means that worker's
 * process is lost: the study stops as if cancelled, keeping what finished. The other
 * processes run it with @claim and @finished: their workers take run indices from @claim
 * (FALSE: no more) and hand each run's output to @finished, which sends it, instead of
 * keeping it. Callbacks run on worker threads (@worker numbers them from 0), never under
 * the study's lock. */
typedef struct
{
  guint      n_remote;
  gboolean (*run)      (gpointer user_data, guint worker, guint index, SaddleRunOutput *out);
  gboolean (*claim)    (gpointer user_data, guint worker, guint *index);
  void     (*finished) (gpointer user_data, guint worker, guint index,
                        const SaddleRunOutput *out);
  gpointer   user_data;
} SaddleStudyRemote;

/* Final parameter vectors are kept in results only while they fit in this many bytes in total. */
#define SADDLE_STUDY_MAX_KEPT_BYTES ((gsize) 256 * 1024 * 1024)
/* The largest parameter count a study accepts. */
#define SADDLE_STUDY_MAX_PARAMS ((gsize) 100000000)

GQuark              saddle_study_error_quark      (void);

/* The homework's defaults for @kind on @task (see README). */
void                saddle_study_config_init      (SaddleStudyConfig       *config,
                                                   SaddleStudyKind          kind,
                                                   SaddleTask               task);
void                saddle_study_config_copy      (const SaddleStudyConfig *src,
                                                   SaddleStudyConfig       *dest);
void                saddle_study_config_clear     (SaddleStudyConfig       *config);
/* Refuses out-of-range values: a SADDLE_CONFIG_ERROR naming the field by its code, with a
 * message about the value and the range alone (see saddle-config-field.h). */
gboolean            saddle_study_config_validate  (const SaddleStudyConfig *config,
                                                   GError                 **error);
/* Parses "20,20" (1–8 widths of 1–100000) into @config. */
gboolean            saddle_study_config_set_hidden (SaddleStudyConfig      *config,
                                                    const char             *text,
                                                    GError                **error);
/* "20,20" (g_free). */
char               *saddle_study_config_hidden_string (const SaddleStudyConfig *config);
/* Whether the config's data_path can be read at all (a readable folder, or a regular
 * readable file), without loading it: for a caller that must not drop what it shows before
 * a study can start. TRUE without a data_path. */
gboolean            saddle_study_config_check_data (const SaddleStudyConfig *config,
                                                    GError                 **error);
/* The dataset the config names (bundled, generated, or loaded from data_path). */
SaddleDataset      *saddle_study_config_load_dataset (const SaddleStudyConfig *config,
                                                      GError                 **error);
/* Layer widths input..output for @dataset (n_widths out). */
guint              *saddle_study_config_widths    (const SaddleStudyConfig *config,
                                                   const SaddleDataset     *dataset,
                                                   guint                   *n_widths);
/* The critical-point settings @config gives (descent, Newton, certification, still-descending). */
void                saddle_study_config_critical_settings (const SaddleStudyConfig *config,
                                                           SaddleCriticalSettings  *settings);
/* Parameter count of the model the config describes on @dataset. */
gsize               saddle_study_config_n_params  (const SaddleStudyConfig *config,
                                                   const SaddleDataset     *dataset);
/* Checks @dataset fits the config: task (images classify, functions regress), parameter count. */
gboolean            saddle_study_config_check_dataset (const SaddleStudyConfig *config,
                                                       const SaddleDataset     *dataset,
                                                       GError                 **error);
/* The model the config describes on @dataset (loss from the dataset's kind). */
SaddleModel        *saddle_study_config_new_model (const SaddleStudyConfig *config,
                                                   const SaddleDataset     *dataset,
                                                   GError                 **error);
/* Seed of run @run's initial θ (saddle_model_init_params) and of its minibatch order. */
guint64             saddle_study_init_seed        (const SaddleStudyConfig *config,
                                                   guint                    run);
guint64             saddle_study_shuffle_seed     (const SaddleStudyConfig *config,
                                                   guint                    run);

/* Runs the study on @dataset (NULL: load the one @config names). Returns NULL only on a fatal error (invalid config, unreadable
 * data, every run failed); a cancelled study returns its partial results with
 * cancelled = TRUE. With one job, events go to @func from this thread; with more, runs go
 * on worker threads (OpenBLAS set to one thread meanwhile) and @func is called from them,
 * but under one mutex: never two calls at once, each run's events in order, runs
 * interleaved. FALSE from any call stops every worker. Results are assembled in run
 * order, the same for any number of jobs. */
SaddleStudyResults *saddle_study_run              (const SaddleStudyConfig *config,
                                                   SaddleStudyKind          kind,
                                                   SaddleDataset           *dataset,
                                                   SaddleEventFunc          func,
                                                   gpointer                 user_data,
                                                   GError                 **error);
/* saddle_study_run() whose finished runs another thread can copy meanwhile through @watch
 * (see saddle-study-watch.h). */
SaddleStudyResults *saddle_study_run_watched      (const SaddleStudyConfig *config,
                                                   SaddleStudyKind          kind,
                                                   SaddleDataset           *dataset,
                                                   SaddleEventFunc          func,
                                                   gpointer                 user_data,
                                                   SaddleStudyWatch        *watch,
                                                   GError                 **error);
/* A deep copy of @results. */
SaddleStudyResults *saddle_study_results_copy     (const SaddleStudyResults *results);
/* The PCA of the trajectory's snapshots (if any, and at least two), as a study computes it
 * when its runs are done, on @threads (saddle_trajectory_compute_pca_threaded()); a failure
 * is added to results->failures. */
void                saddle_study_results_compute_pca (SaddleStudyResults *results,
                                                      guint               threads);
/* saddle_study_run() shared with other processes through @remote (see SaddleStudyRemote;
 * NULL: none) and watched through @watch (may be NULL); with @claim set, the results hold
 * nothing (the other process keeps them) and every run failing is not an error. */
SaddleStudyResults *saddle_study_run_shared       (const SaddleStudyConfig *config,
                                                   SaddleStudyKind          kind,
                                                   SaddleDataset           *dataset,
                                                   const SaddleStudyRemote *remote,
                                                   SaddleStudyWatch        *watch,
                                                   SaddleEventFunc          func,
                                                   gpointer                 user_data,
                                                   GError                 **error);
void                saddle_study_results_free     (SaddleStudyResults *results);

/* Snapshots a trajectories study keeps over all its runs on @n_samples samples: the start, then
 * every epoch's end, or every snapshot_every-th step and the last when it is set. */
gsize               saddle_study_estimate_snapshots (const SaddleStudyConfig *config,
                                                     gsize                    n_samples);
/* Memory a study of @kind holds beyond the model, in @need (the snapshots of a trajectories
 * study, the Hessian and, up to SADDLE_NEWTON_DENSE_MAX parameters, its eigenvectors for a
 * critical one; 0 for gradnorm); FALSE + a message when it cannot fit in what is available. */
gboolean            saddle_study_check_memory     (const SaddleStudyConfig *config,
                                                   SaddleStudyKind          kind,
                                                   gsize                    n_samples,
                                                   gsize                    n_params,
                                                   gsize                   *need,
                                                   GError                 **error);

const char         *saddle_study_kind_to_string   (SaddleStudyKind kind);
gboolean            saddle_study_kind_from_string (const char *name, SaddleStudyKind *kind);
const char         *saddle_task_to_string         (SaddleTask task);
gboolean            saddle_task_from_string       (const char *name, SaddleTask *task);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleStudyResults, saddle_study_results_free)

G_END_DECLS
