/* saddle-batch.h — some samples of a dataset: a view or a copy, contiguous in memory
 *
 * The model reads a batch; it never reaches into the dataset by index, so
 * full-set, minibatch and single-sample evaluation share one code path. A selection is the
 * one exception: its inputs stay where the dataset holds them, row by row, for the training
 * step's loss and gradient alone (saddle_model_loss_grad()).
 */
#pragma once

#include "saddle-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  SaddleDatasetKind kind;
  gsize          n;           /* samples */
  gsize          n_inputs;
  gsize          n_outputs;
  const double  *x;           /* (n, n_inputs); NULL in a selection */
  const double *const *rows;  /* a selection's inputs: sample i's at rows[i]; else NULL */
  const double  *targets;     /* (n, n_outputs), regression only */
  const guint32 *labels;      /* (n), classification only */
  /*< private >*/
  double        *x_storage;   /* owned copies when gathered */
  double        *targets_storage;
  guint32       *labels_storage;
  const double **rows_storage;
  gsize          capacity;
} SaddleBatch;

/* A batch that points at the whole dataset (no copy). */
void saddle_batch_init_full   (SaddleBatch         *batch,
                               const SaddleDataset *dataset);
/* Copies samples @indices[0..n) of @dataset into the batch's own storage (grown as needed). */
void saddle_batch_gather      (SaddleBatch         *batch,
                               const SaddleDataset *dataset,
                               const guint32       *indices,
                               gsize                n);
/* Samples @indices[0..n) of @dataset with their targets or labels copied, as by
 * saddle_batch_gather(), and their inputs not: rows points at them in the dataset, which must
 * outlive the batch's use. Only saddle_model_loss_grad(), saddle_model_loss_accuracy() and
 * saddle_model_loss_grad_accuracy() read such a batch (in place where
 * saddle_model_reads_rows() says so; else they copy its rows together). */
void saddle_batch_select      (SaddleBatch         *batch,
                               const SaddleDataset *dataset,
                               const guint32       *indices,
                               gsize                n);
/* Frees the batch's own storage (not the dataset). */
void saddle_batch_clear       (SaddleBatch         *batch);

G_END_DECLS
