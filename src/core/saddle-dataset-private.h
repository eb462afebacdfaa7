/* saddle-dataset-private.h — what the dataset's files share: a new empty dataset, IDX sniffing
 *
 * saddle-dataset.c holds the shared type and picks a reader for a path;
 * saddle-dataset-idx.c reads IDX images, saddle-dataset-function.c makes sampled functions,
 * saddle-dataset-csv.c reads CSV samples.
 */
#pragma once

#include "saddle-dataset.h"

G_BEGIN_DECLS

/* The big-endian magic of an IDX images file (unsigned bytes, 3 dimensions) and of a labels one. */
#define SADDLE_IDX_IMAGES_MAGIC 0x803u
#define SADDLE_IDX_LABELS_MAGIC 0x801u

/* Labels count classes from 0; more than this many (CIFAR-100 has 100) is not a class count
 * but a wrong file, and would silently build an output layer that wide. */
#define SADDLE_DATASET_MAX_CLASSES 128

/* A dataset of @kind with nothing in it yet, one reference. */
SaddleDataset *saddle_dataset_new_empty          (SaddleDatasetKind  kind);
/* Reads the first 4 (decompressed) bytes of @path as a big-endian IDX magic; FALSE if it cannot. */
gboolean       saddle_dataset_idx_probe_magic    (const char        *path,
                                                  guint32           *magic);
/* "x/train-images-idx3-ubyte.gz" with the labels file beside it. */
SaddleDataset *saddle_dataset_load_idx_images_file (const char      *path,
                                                    gsize            max_samples,
                                                    GError         **error);

G_END_DECLS
