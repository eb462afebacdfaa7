/* saddle-state-dict.h — named tensors of a PyTorch state_dict, to and from a flat vector
 *
 * The binary readers (safetensors, .npz) hand each tensor here with its key, shape, dtype and
 * the byte offset where its data starts (for messages); saddle_state_dict_finish() then
 * groups "<layer>.weight"/"<layer>.bias" (or "W<k>"/"b<k>") into layers ordered by the
 * numbers in the layer names ("0", "2", "10" as numbers), checks that the shapes chain
 * (weight (out, in), bias (out,), each in = the previous out) and gives the flat vector and
 * the widths. Values are converted to double; NaN and infinities are refused.
 * The writers get the same tensors back with saddle_state_dict_tensors(): the keys of an
 * nn.Sequential whose linear layers alternate with activation layers (0, 2, 4, …).
 * The metadata (safetensors' __metadata__, an .npz's archive comment) is a JSON object of
 * strings: "activation", "widths" ("784,20,20,10") and "options" (saddle-cli's model options).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "saddle-weights-file.h"

G_BEGIN_DECLS

typedef enum
{
  SADDLE_DTYPE_F64,
  SADDLE_DTYPE_F32,
  SADDLE_DTYPE_F16,
  SADDLE_DTYPE_BF16,
} SaddleDtype;

#define SADDLE_STATE_DICT_MAX_DIMS 8

typedef struct _SaddleStateDict SaddleStateDict;

typedef struct
{
  char         *key;          /* "0.weight" */
  guint         ndim;         /* 2 for a weight, 1 for a bias */
  guint64       shape[2];     /* (out, in) or (out,) */
  const double *data;         /* into the flat vector */
  gsize         count;
} SaddleStateDictTensor;

/* Bytes per element of @dtype. */
gsize            saddle_dtype_size                (SaddleDtype dtype);

SaddleStateDict *saddle_state_dict_new            (const char       *path);
void             saddle_state_dict_free           (SaddleStateDict  *dict);
/* Adds tensor @key of @ndim dimensions @shape, its little-endian @dtype elements at @bytes
 * (@offset: where they start in the file, for messages; @where: "" or " of member X"). */
gboolean         saddle_state_dict_add            (SaddleStateDict  *dict,
                                                   const char       *key,
                                                   guint             ndim,
                                                   const guint64    *shape,
                                                   SaddleDtype       dtype,
                                                   const guint8     *bytes,
                                                   gsize             offset,
                                                   const char       *where,
                                                   GError          **error);
/* Number of tensors added. */
guint            saddle_state_dict_size           (SaddleStateDict  *dict);
/* Orders and checks the layers; fills @file's theta, n_params, widths. */
gboolean         saddle_state_dict_finish         (SaddleStateDict  *dict,
                                                   SaddleWeightsFile *file,
                                                   GError          **error);

/* Converts @count little-endian @dtype values at @bytes into @out; FALSE with the index of
 * the first NaN or infinity in @bad. */
gboolean         saddle_dtype_decode              (SaddleDtype       dtype,
                                                   const guint8     *bytes,
                                                   gsize             count,
                                                   double           *out,
                                                   gsize            *bad);
/* FALSE with a message naming the parameter if one of @theta is not finite. */
gboolean         saddle_state_dict_check_finite   (const char       *path,
                                                   const double     *theta,
                                                   gsize             n,
                                                   GError          **error);

/* Applies "activation", "widths" and "options" of @metadata to @file (after finish());
 * a widths entry that differs from the shapes, or an unknown activation, is an error. */
gboolean         saddle_state_dict_apply_metadata (const char       *path,
                                                   JsonObject       *metadata,
                                                   SaddleWeightsFile *file,
                                                   GError          **error);
/* The metadata members for @widths, @activation and @options (may be NULL), into @builder
 * (inside an object). */
void             saddle_state_dict_add_metadata   (JsonBuilder      *builder,
                                                   const guint      *widths,
                                                   guint             n_widths,
                                                   SaddleActivation  activation,
                                                   const char       *options);

/* @object's member @name if it is a JSON string, else NULL (never a json-glib critical). */
const char      *saddle_state_dict_string_member  (JsonObject       *object,
                                                   const char       *name);

/* The tensors of @theta for @widths, in layer order: (SaddleStateDictTensor), keys as
 * nn.Sequential(Linear, act, Linear, …)'s state_dict. */
GArray          *saddle_state_dict_tensors        (const double     *theta,
                                                   const guint      *widths,
                                                   guint             n_widths);

/* "784,20,20,10" and back (NULL if not 2+ positive integers). */
char            *saddle_state_dict_widths_string  (const guint      *widths,
                                                   guint             n_widths);
guint           *saddle_state_dict_parse_widths   (const char       *text,
                                                   guint            *n_widths);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleStateDict, saddle_state_dict_free)

G_END_DECLS
