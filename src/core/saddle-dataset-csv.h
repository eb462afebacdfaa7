/* saddle-dataset-csv.h — classification samples from a CSV file: a label and features a row
 *
 * Rows are `label,f1,f2,…` (commas, or semicolons or tabs, the first line's choice), fields
 * optionally in double quotes ("" inside is a quote), blank lines and lines starting with #
 * skipped. The first row is a header when it is declared (a label column named in the
 * options) or detected: a field after the first is not a number, or the first is not a
 * number while the next row's is. The label column is the one named, else a header column
 * called "label" (any case), else the first. Labels that are all non-negative integers are
 * class numbers (K = the largest + 1); otherwise every label is a name, and the names sorted
 * bytewise are classes 0…K−1. Classes come from the whole file, so the first N samples have
 * the output width of the full set; 2 to 128 classes. Every error names the file, the line
 * and, for a field, its column (by number and header name).
 */
#pragma once

#include "saddle-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  const char *label_column;   /* header name of the label column; NULL: "label" or the first */
  gboolean    standardize;    /* each feature to mean 0 and sd 1 over the samples kept */
} SaddleCsvOptions;

/* Reads @path as labelled rows (see above), the first @max_samples (0 = all). */
SaddleDataset *saddle_dataset_load_csv_classes (const char              *path,
                                                const SaddleCsvOptions  *options,
                                                gsize                    max_samples,
                                                GError                 **error);
/* Labelled samples from @path: an IDX folder, an IDX images file (labels beside it) or a CSV
 * file (saddle_dataset_is_csv()); @options apply to a CSV, and standardising anything else is
 * refused (IDX pixels are scaled to [0, 1]). */
SaddleDataset *saddle_dataset_load_classes     (const char              *path,
                                                const SaddleCsvOptions  *options,
                                                gsize                    max_samples,
                                                GError                 **error);
/* Whether @path is a CSV file: a name ending in .csv, or a start that is UTF-8 text. */
gboolean       saddle_dataset_is_csv           (const char              *path);
/* Each column of @dataset's x to mean 0 and (population) sd 1; a constant column to 0. */
void           saddle_dataset_standardize      (SaddleDataset           *dataset);

G_END_DECLS
