/* saddle-weights-file.h — a network's weights in any format Saddle reads or writes
 *
 * One entry point for everything that reads weights (hessian --weights, Open Results, the
 * app's Analyse Weights): the format is chosen by the file's first bytes, never by its name:
 *   safetensors  8-byte little-endian header length, then a JSON header starting with '{'
 *   .npy         "\x93NUMPY"
 *   .npz         "PK\x03\x04" (a zip of .npy members, stored or deflated)
 *   text         anything else: one number a line, '#' comment lines (saddle-weights.h)
 * The parameters come back in Saddle's flat order, which is torch.nn.Linear's: per layer the
 * weight (out × in, row-major), then the bias. Formats that hold tensors (safetensors, .npz)
 * also give the layer widths, inferred from the shapes; the activation and Saddle's model
 * options line come from the file's metadata where it has them.
 * Writing picks the format by the name's extension (.safetensors, .npy, .npz; else text) and
 * is atomic. Errors are in SADDLE_WEIGHTS_FILE_ERROR (and G_FILE_ERROR for I/O, and
 * SADDLE_WEIGHTS_ERROR for the text format); the message names the file and, for binary
 * formats, the byte offset and the reason.
 */
#pragma once

#include <glib.h>

#include "saddle-model.h"
#include "saddle-study.h"

G_BEGIN_DECLS

#define SADDLE_WEIGHTS_FILE_ERROR (saddle_weights_file_error_quark ())

/* The comment line (text) or metadata entry (safetensors, .npz) that records the model
 * options a file was saved with: "# options: --task function --hidden '8,8' …". */
#define SADDLE_WEIGHTS_FILE_OPTIONS_LINE "options: "

typedef enum
{
  SADDLE_WEIGHTS_FILE_ERROR_INVALID,      /* the bytes break the format; the message says where */
  SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,  /* valid, but not something Saddle models (a dtype, a layer) */
  SADDLE_WEIGHTS_FILE_ERROR_NOT_FINITE,   /* a value is NaN or infinite */
} SaddleWeightsFileError;

typedef enum
{
  SADDLE_WEIGHTS_FORMAT_TEXT,
  SADDLE_WEIGHTS_FORMAT_SAFETENSORS,
  SADDLE_WEIGHTS_FORMAT_NPY,
  SADDLE_WEIGHTS_FORMAT_NPZ,
} SaddleWeightsFormat;

typedef struct
{
  SaddleWeightsFormat format;
  double             *theta;           /* (n_params) flat, in torch.nn.Linear order */
  gsize               n_params;
  guint              *widths;          /* input…output (n_widths), or NULL when the format cannot
                                        * tell (text, a flat .npy) */
  guint               n_widths;
  gboolean            has_activation;  /* the file names its activation */
  SaddleActivation    activation;
  char               *options;         /* the recorded model options ("--task … --hidden …"), or NULL */
} SaddleWeightsFile;

GQuark              saddle_weights_file_error_quark (void);
/* Sets a SADDLE_WEIGHTS_FILE_ERROR @code "@path: byte @offset@where: <reason>" and returns
 * FALSE: the one form the binary readers (npy, safetensors) name a bad byte in. */
gboolean            saddle_weights_file_error_at    (GError            **error,
                                                     const char         *path,
                                                     const char         *where,
                                                     guint64             offset,
                                                     gint                code,
                                                     const char         *format,
                                                     ...) G_GNUC_PRINTF (6, 7);

/* Reads @path in whichever format its bytes are; NULL with @error naming what is wrong. */
SaddleWeightsFile  *saddle_weights_file_read        (const char         *path,
                                                     GError            **error);
void                saddle_weights_file_free        (SaddleWeightsFile  *file);

/* The task @file's widths imply: one input and one output, the function fit; two or more
 * outputs, the image classifier. FALSE when the widths are unknown or neither. */
gboolean            saddle_weights_file_task        (const SaddleWeightsFile *file,
                                                     SaddleTask              *task);

/* The format a name asks for when writing: by extension, text for any other name. */
SaddleWeightsFormat saddle_weights_format_for_name  (const char         *path);
const char         *saddle_weights_format_to_string (SaddleWeightsFormat format);

/* Writes @theta of the model @widths/@activation to @path in the format its name asks for,
 * atomically: float64 tensors named as torch.nn.Sequential's state_dict ("0.weight", "0.bias",
 * "2.weight", … with the activation layers between), with the widths, the activation and
 * @options recorded (as '#' lines in text, metadata in safetensors, the archive comment in
 * .npz; a .npy holds the flat vector only). @header: extra comment lines for text, or NULL. */
gboolean            saddle_weights_file_write       (const char         *path,
                                                     const double       *theta,
                                                     gsize               n_params,
                                                     const guint        *widths,
                                                     guint               n_widths,
                                                     SaddleActivation    activation,
                                                     const char         *options,
                                                     const char         *header,
                                                     GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleWeightsFile, saddle_weights_file_free)

G_END_DECLS
