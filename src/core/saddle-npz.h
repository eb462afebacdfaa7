/* saddle-npz.h — NumPy's .npz archives (a zip of .npy members), read and written with libzip
 *
 * Reading: members stored or deflated, each an array saddle-npy.h reads; their names less
 * ".npy" are the state_dict keys ("0.weight", "0.bias", … or "W0", "b0", …), ordered and
 * checked by saddle-state-dict.h. An archive of one 1-D member (numpy.savez (f, theta)) is a
 * flat vector. The archive comment, if it is a JSON object, is the metadata (activation,
 * widths, options). A member that would inflate beyond what deflate can give from its
 * compressed size is refused before it is read.
 * Writing: stored float64 members named as nn.Sequential's state_dict, and the metadata as
 * the comment, with fixed dates so the same weights give the same bytes.
 */
#pragma once

#include <glib.h>

#include "saddle-weights-file.h"

G_BEGIN_DECLS

/* @data: the whole file @path of @length bytes. */
SaddleWeightsFile *saddle_npz_read   (const char       *path,
                                      const guint8     *data,
                                      gsize             length,
                                      GError          **error);
/* The archive's bytes; NULL with @error (naming @path) if libzip fails. */
GBytes            *saddle_npz_encode (const char       *path,
                                      const double     *theta,
                                      const guint      *widths,
                                      guint             n_widths,
                                      SaddleActivation  activation,
                                      const char       *options,
                                      GError          **error);

G_END_DECLS
