/* saddle-safetensors.h — the safetensors format (Hugging Face), read and written with json-glib
 *
 * Layout: an unsigned 64-bit little-endian header length N, N bytes of JSON (an object: per
 * tensor {"dtype", "shape", "data_offsets": [begin, end]}, offsets relative to the byte after
 * the header; and an optional "__metadata__" object of strings), then the tensors' bytes.
 * The reader refuses, with the byte offset and the reason, a header longer than the file, a
 * header that is not a JSON object, offsets outside the data or overlapping, a size that does
 * not match dtype × shape, a dtype other than F64, F32, F16, BF16, and what
 * saddle-state-dict.h refuses (keys, shapes that do not chain, NaN).
 */
#pragma once

#include <glib.h>

#include "saddle-weights-file.h"

G_BEGIN_DECLS

/* @data: the whole file @path of @length bytes. */
SaddleWeightsFile *saddle_safetensors_read   (const char       *path,
                                              const guint8     *data,
                                              gsize             length,
                                              GError          **error);
/* The file's bytes: F64 tensors as nn.Sequential's state_dict, metadata with the activation,
 * the widths and @options (may be NULL). */
GBytes            *saddle_safetensors_encode (const double     *theta,
                                              const guint      *widths,
                                              guint             n_widths,
                                              SaddleActivation  activation,
                                              const char       *options);

G_END_DECLS
