/* saddle-npy.h — NumPy's .npy array format, read and written
 *
 * Layout: "\x93NUMPY", a version byte pair (1.0 takes a 2-byte header length, 2.0 and 3.0 a
 * 4-byte one, little-endian), then a Python dict literal {'descr': '<f8', 'fortran_order':
 * False, 'shape': (n,)} padded with spaces to a newline, then the raw values. The reader takes
 * little-endian float64, float32 and float16 arrays in C order (a 1-D array in either order);
 * anything else is refused with the byte offset and the reason. As a weights file a .npy is
 * one flat vector in Saddle's (torch.nn.Linear's) order; per-layer arrays go in an .npz.
 */
#pragma once

#include <glib.h>

#include "saddle-state-dict.h"
#include "saddle-weights-file.h"

G_BEGIN_DECLS

typedef struct
{
  SaddleDtype   dtype;
  guint         ndim;
  guint64       shape[SADDLE_STATE_DICT_MAX_DIMS];
  gsize         count;        /* product of the shape */
  const guint8 *data;         /* count values of dtype, little-endian */
  gsize         data_offset;  /* of data from the start of the array's bytes */
} SaddleNpyArray;

/* Parses the array in @bytes; messages are "@path: byte N@where: reason". */
gboolean           saddle_npy_parse  (const char      *path,
                                      const char      *where,
                                      const guint8    *bytes,
                                      gsize            length,
                                      SaddleNpyArray  *array,
                                      GError         **error);
/* A .npy weights file (@data: the whole of @path): one flat 1-D vector, no widths. */
SaddleWeightsFile *saddle_npy_read   (const char      *path,
                                      const guint8    *data,
                                      gsize            length,
                                      GError         **error);
/* The .npy bytes (version 1.0, '<f8', C order) of @values in @ndim dimensions @shape. */
GBytes            *saddle_npy_encode (const double    *values,
                                      guint            ndim,
                                      const guint64   *shape);

G_END_DECLS
