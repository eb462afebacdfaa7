/* saddle-dataset.h — training data: IDX images, sampled functions, CSV samples
 *
 * Classification data from CSV: saddle-dataset-csv.h.
 *
 * A dataset is immutable once loaded and reference counted, so the UI and a
 * worker thread can hold the same one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_DATASET_ERROR (saddle_dataset_error_quark ())

typedef enum
{
  SADDLE_DATASET_ERROR_NOT_FOUND,   /* a file or folder is missing */
  SADDLE_DATASET_ERROR_IO,          /* read failed, truncated file, corrupt gzip */
  SADDLE_DATASET_ERROR_FORMAT,      /* wrong magic, absurd header, bad CSV row */
  SADDLE_DATASET_ERROR_MISMATCH,    /* images and labels disagree */
  SADDLE_DATASET_ERROR_INVALID,     /* bad argument: zero samples, unknown function */
} SaddleDatasetError;

typedef enum
{
  SADDLE_DATASET_CLASSIFICATION,    /* integer labels, softmax cross-entropy */
  SADDLE_DATASET_REGRESSION,        /* real targets, mean squared error */
} SaddleDatasetKind;

typedef enum
{
  SADDLE_FUNCTION_SINC,             /* sin(5πx)/(5πx), 1 at x = 0 */
  SADDLE_FUNCTION_SIGN,             /* sign(sin(5πx)) */
} SaddleFunction;

typedef struct
{
  SaddleDatasetKind kind;
  gsize    n_samples;
  gsize    n_inputs;     /* features per sample (rows × cols for images) */
  gsize    n_outputs;    /* classes (classification) or target width (regression) */
  guint    image_rows;   /* 0 unless loaded from IDX */
  guint    image_cols;
  double  *x;            /* (n_samples, n_inputs) row-major; pixels scaled to [0, 1] */
  double  *targets;      /* (n_samples, n_outputs) for regression, else NULL */
  guint32 *labels;       /* (n_samples) for classification, else NULL */
  char   **class_names;  /* (n_outputs, NULL-terminated) the labels' text when a CSV named its
                          * classes (class i = the i-th name in sorted order), else NULL */
  char    *name;         /* short human description, e.g. "fashion-mnist (1,000 images)" */
  /*< private >*/
  gint     ref_count;
} SaddleDataset;

GQuark         saddle_dataset_error_quark   (void);

/* Reads IDX images and labels (raw or .gz), keeping the first @max_samples (0 = all). */
SaddleDataset *saddle_dataset_load_idx      (const char     *images_path,
                                             const char     *labels_path,
                                             gsize           max_samples,
                                             GError        **error);
/* Finds {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz] in @dir and loads them. */
SaddleDataset *saddle_dataset_load_idx_dir  (const char     *dir,
                                             gboolean        test_set,
                                             gsize           max_samples,
                                             GError        **error);
/* @n_points evenly spaced x in [0, 1] (both ends included) with y = f(x). */
SaddleDataset *saddle_dataset_new_function  (SaddleFunction  function,
                                             gsize           n_points,
                                             GError        **error);
/* Rows "x,y" (a non-numeric first line is a header), the first @max_samples (0 = all). */
SaddleDataset *saddle_dataset_load_csv      (const char     *path,
                                             gsize           max_samples,
                                             GError        **error);
/* A regression dataset over @x (n_samples, n_inputs) and @targets (n_samples, n_outputs), both
 * taken over (g_free); NULL @targets: a copy of @x (an autoencoder's; n_outputs = n_inputs). */
SaddleDataset *saddle_dataset_new_regression (gsize           n_samples,
                                              gsize           n_inputs,
                                              gsize           n_outputs,
                                              double         *x,
                                              double         *targets,
                                              const char     *name,
                                              GError        **error);
/* Loads @path as a CSV file or an IDX folder, whichever it is. */
SaddleDataset *saddle_dataset_load_path     (const char     *path,
                                             gsize           max_samples,
                                             GError        **error);
/* The folder of the bundled Fashion-MNIST subset (source tree, then installed data). */
const char    *saddle_dataset_bundled_dir   (void);

SaddleDataset *saddle_dataset_ref           (SaddleDataset  *dataset);
void           saddle_dataset_unref         (SaddleDataset  *dataset);

/* "sinc" / "sign" to and from SaddleFunction. */
gboolean       saddle_function_from_string  (const char     *name,
                                             SaddleFunction *function);
const char    *saddle_function_to_string    (SaddleFunction  function);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleDataset, saddle_dataset_unref)

G_END_DECLS
