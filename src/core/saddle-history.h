/* saddle-history.h — per-iteration and per-epoch records of a study's runs */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint   run;
  guint   epoch;        /* epoch this step belongs to (1-based) */
  guint64 iteration;    /* 1-based step count within the run */
  double  loss;         /* minibatch loss */
  double  grad_norm;    /* L2 norm of the minibatch gradient over all parameters */
} SaddleIterationRecord;

typedef struct
{
  guint   run;
  guint   epoch;        /* 0 = before training */
  guint64 iteration;    /* steps taken so far */
  double  loss;         /* whole training set */
  double  accuracy;     /* NAN for regression */
  double  grad_norm;    /* ‖∇L‖₂ over the whole training set; NAN when not computed */
} SaddleEpochRecord;

typedef struct
{
  GArray *iterations;   /* SaddleIterationRecord, in arrival order */
  GArray *epochs;       /* SaddleEpochRecord */
  guint   n_runs;       /* highest run index seen + 1 */
} SaddleHistory;

SaddleHistory *saddle_history_new              (void);
SaddleHistory *saddle_history_copy             (const SaddleHistory *history);
void           saddle_history_free             (SaddleHistory *history);
void           saddle_history_add_iteration    (SaddleHistory *history,
                                                const SaddleIterationRecord *record);
void           saddle_history_add_epoch        (SaddleHistory *history,
                                                const SaddleEpochRecord *record);
/* history.csv: run,iteration,epoch,loss,grad_norm (one row per step; run 1-based: record run + 1). */
gboolean       saddle_history_write_csv        (const SaddleHistory *history,
                                                const char          *path,
                                                GError             **error);
/* epochs.csv: run,epoch,iteration,loss,accuracy,grad_norm (run 1-based; grad_norm last, so
 * readers of the older five columns still work). */
gboolean       saddle_history_write_epochs_csv (const SaddleHistory *history,
                                                const char          *path,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleHistory, saddle_history_free)

G_END_DECLS
