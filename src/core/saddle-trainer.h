/* saddle-trainer.h — minibatch training of one run, reporting every step */
#pragma once

#include "saddle-event.h"
#include "saddle-model.h"
#include "saddle-optimizer.h"

G_BEGIN_DECLS

#define SADDLE_TRAIN_ERROR (saddle_train_error_quark ())

typedef enum
{
  SADDLE_TRAIN_ERROR_CANCELLED,     /* the event callback returned FALSE */
  SADDLE_TRAIN_ERROR_DIVERGED,      /* loss or gradient became NaN or infinite */
  SADDLE_TRAIN_ERROR_INVALID,       /* bad settings: zero batch, zero epochs */
} SaddleTrainError;

typedef struct
{
  guint                   run;            /* copied into every event */
  SaddleOptimizerSettings optimizer;
  guint                   batch_size;     /* clamped to the dataset size */
  guint                   epochs;
  guint                   snapshot_every; /* iterations between snapshots; 0 = at every epoch end */
  guint64                 shuffle_seed;   /* minibatch order */
  gboolean                epoch_grad_norm; /* EPOCH events also carry the whole-set ‖∇L‖
                                            * (one full-batch gradient per epoch) */
} SaddleTrainSettings;

GQuark   saddle_train_error_quark (void);

/* Trains @theta in place on @dataset. Emits a SNAPSHOT and EPOCH event for the
 * initial point (epoch 0), an ITERATION event per step, and an EPOCH event
 * (whole training set) plus SNAPSHOT at every epoch end (or every
 * snapshot_every iterations). Stops with SADDLE_TRAIN_ERROR_DIVERGED on a
 * non-finite loss, leaving @theta at the last finite point. */
gboolean saddle_train             (SaddleModel               *model,
                                   double                    *theta,
                                   const SaddleDataset       *dataset,
                                   const SaddleTrainSettings *settings,
                                   SaddleEventFunc            func,
                                   gpointer                   user_data,
                                   GError                   **error);
/* How many samples of the whole set's gradient at an epoch's end saddle_train() shares with
 * the next epoch's first step (its minibatch, taken once) over @n samples in batches of
 * @batch: the batch size where it does so (with the epoch's ‖∇L‖, see saddle-trainer.c),
 * else 0. */
gsize    saddle_train_shared_samples (const SaddleModel *model,
                                      gsize              n,
                                      guint              batch,
                                      gboolean           epoch_grad_norm);

G_END_DECLS
