/* saddle-safetensors.c — safetensors read and written (see the header) */
#define G_LOG_DOMAIN "saddle-safetensors"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "saddle-safetensors.h"
#include "saddle-state-dict.h"

/* The format's own limit on the header (the reference implementation refuses more). */
#define HEADER_MAX_BYTES ((guint64) 100 * 1000 * 1000)

typedef struct
{
  const char *key;
  guint64     begin;
  guint64     end;
} Span;

/* "path: byte N: …", as the other binary readers say it. */
#define invalid(error, path, offset, ...) \
  saddle_weights_file_error_at (error, path, "", offset, SADDLE_WEIGHTS_FILE_ERROR_INVALID, \
                                __VA_ARGS__)

static gboolean
dtype_from_string (const char  *name,
                   SaddleDtype *dtype)
{
  static const struct
  {
    const char  *name;
    SaddleDtype  dtype;
  } dtypes[] = {
    { "F64", SADDLE_DTYPE_F64 },
    { "F32", SADDLE_DTYPE_F32 },
    { "F16", SADDLE_DTYPE_F16 },
    { "BF16", SADDLE_DTYPE_BF16 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (dtypes); i++)
    if (g_strcmp0 (name, dtypes[i].name) == 0)
      {
        *dtype = dtypes[i].dtype;
        return TRUE;
      }
  return FALSE;
}

/* A JSON integer ≥ 0 (json-glib reads larger ones, and fractions, as doubles). */
static gboolean
get_count (JsonNode *node,
           guint64  *value)
{
  gint64 v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  v = json_node_get_int (node);
  if (v < 0)
    return FALSE;
  *value = (guint64) v;
  return TRUE;
}

static int
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const Span *x = a;
  const Span *y = b;

  return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : 0;
}

/* One tensor entry, checked against the data (@data_length bytes from @data_start). */
static gboolean
read_tensor (const char      *path,
             const char      *key,
             JsonNode        *node,
             const guint8    *data,
             guint64          data_start,
             guint64          data_length,
             SaddleStateDict *dict,
             GArray          *spans,
             GError         **error)
{
  JsonObject *entry;
  JsonArray *shape_array;
  JsonArray *offsets;
  const char *dtype_name;
  SaddleDtype dtype;
  guint64 shape[SADDLE_STATE_DICT_MAX_DIMS];
  guint64 count = 1;
  guint64 begin;
  guint64 end;
  guint ndim;
  Span span;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, path, 8, "the header's entry “%s” is not an object", key);
  entry = json_node_get_object (node);
  if ((dtype_name = saddle_state_dict_string_member (entry, "dtype")) == NULL)
    return invalid (error, path, 8, "tensor “%s” has no dtype", key);
  if (!dtype_from_string (dtype_name, &dtype))
    {
      g_autofree char *shown = g_utf8_make_valid (dtype_name, MIN (strlen (dtype_name), 20));

      g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                   "%s: byte 8: tensor “%s” has dtype %s: Saddle reads F64, F32, F16 and BF16",
                   path, key, shown);
      return FALSE;
    }
  if (!json_object_has_member (entry, "shape")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (entry, "shape")))
    return invalid (error, path, 8, "tensor “%s” has no shape array", key);
  shape_array = json_object_get_array_member (entry, "shape");
  ndim = json_array_get_length (shape_array);
  if (ndim > SADDLE_STATE_DICT_MAX_DIMS)
    return invalid (error, path, 8, "tensor “%s” has %u dimensions", key, ndim);
  for (guint i = 0; i < ndim; i++)
    {
      if (!get_count (json_array_get_element (shape_array, i), &shape[i]))
        return invalid (error, path, 8, "tensor “%s”: dimension %u of its shape is not a "
                        "count", key, i);
      if (shape[i] != 0 && count > data_length / shape[i])
        return invalid (error, path, 8, "tensor “%s”: its shape holds more values than the "
                        "file has bytes", key);
      count *= shape[i];
    }
  if (!json_object_has_member (entry, "data_offsets")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (entry, "data_offsets"))
      || json_array_get_length (offsets = json_object_get_array_member (entry, "data_offsets"))
         != 2
      || !get_count (json_array_get_element (offsets, 0), &begin)
      || !get_count (json_array_get_element (offsets, 1), &end))
    return invalid (error, path, 8, "tensor “%s” has no data_offsets [begin, end]", key);
  if (begin > end || end > data_length)
    return invalid (error, path, data_start + MIN (begin, data_length),
                    "tensor “%s”: its data_offsets [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                    "] are outside the %" G_GUINT64_FORMAT " bytes of data after the header",
                    key, begin, end, data_length);
  if (end - begin != count * saddle_dtype_size (dtype))
    return invalid (error, path, data_start + begin, "tensor “%s”: %" G_GUINT64_FORMAT
                    " bytes, but %" G_GUINT64_FORMAT " values of %s take %" G_GUINT64_FORMAT,
                    key, end - begin, count, dtype_name, count * saddle_dtype_size (dtype));
  span = (Span) { key, begin, end };
  g_array_append_val (spans, span);
  return saddle_state_dict_add (dict, key, ndim, shape, dtype, data + data_start + begin,
                                data_start + begin, "", error);
}

SaddleWeightsFile *
saddle_safetensors_read (const char   *path,
                         const guint8 *data,
                         gsize         length,
                         GError      **error)
{
  g_autoptr(SaddleWeightsFile) file = g_new0 (SaddleWeightsFile, 1);
  g_autoptr(SaddleStateDict) dict = saddle_state_dict_new (path);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_autoptr(GError) json_error = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *root;
  JsonObject *metadata = NULL;
  guint64 header_length;
  guint64 data_start;

  file->format = SADDLE_WEIGHTS_FORMAT_SAFETENSORS;
  if (length < 8)
    {
      invalid (error, path, 0, "%" G_GSIZE_FORMAT " bytes: too short for the 8-byte header "
               "length", length);
      return NULL;
    }
  memcpy (&header_length, data, 8);
  header_length = GUINT64_FROM_LE (header_length);
  if (header_length > length - 8)
    {
      invalid (error, path, 0, "the header length says %" G_GUINT64_FORMAT " bytes, longer "
               "than the %" G_GSIZE_FORMAT " bytes after it", header_length, length - 8);
      return NULL;
    }
  if (header_length > HEADER_MAX_BYTES)
    {
      invalid (error, path, 0, "a header of %" G_GUINT64_FORMAT " bytes is beyond the "
               "format's limit of 100 MB", header_length);
      return NULL;
    }
  data_start = 8 + header_length;
  if (memchr (data + 8, '\0', header_length) != NULL
      || !g_utf8_validate ((const char *) data + 8, header_length, NULL))
    {
      invalid (error, path, 8, "the header is not UTF-8 text");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, (const char *) data + 8, header_length, &json_error))
    {
      invalid (error, path, 8, "the header is not JSON: %s", json_error->message);
      return NULL;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      invalid (error, path, 8, "the header is not a JSON object");
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  members = json_object_get_members (root);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *key = l->data;
      JsonNode *node = json_object_get_member (root, key);

      if (g_str_equal (key, "__metadata__"))
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              invalid (error, path, 8, "__metadata__ is not an object");
              return NULL;
            }
          metadata = json_node_get_object (node);
          continue;
        }
      if (!read_tensor (path, key, node, data, data_start, length - data_start, dict, spans,
                        error))
        return NULL;
    }

  /* Two tensors may not share bytes (the format forbids it, and a crafted file could make
   * one weight alias another). */
  g_array_sort (spans, compare_spans);
  for (guint i = 1; i < spans->len; i++)
    {
      const Span *before = &g_array_index (spans, Span, i - 1);
      const Span *span = &g_array_index (spans, Span, i);

      if (span->begin < before->end)
        {
          invalid (error, path, data_start + span->begin, "tensor “%s” [%" G_GUINT64_FORMAT
                   ", %" G_GUINT64_FORMAT "] overlaps tensor “%s” [%" G_GUINT64_FORMAT ", %"
                   G_GUINT64_FORMAT "]", span->key, span->begin, span->end, before->key,
                   before->begin, before->end);
          return NULL;
        }
    }

  if (!saddle_state_dict_finish (dict, file, error)
      || !saddle_state_dict_apply_metadata (path, metadata, file, error))
    return NULL;
  return g_steal_pointer (&file);
}

GBytes *
saddle_safetensors_encode (const double     *theta,
                           const guint      *widths,
                           guint             n_widths,
                           SaddleActivation  activation,
                           const char       *options)
{
  g_autoptr(GArray) tensors = saddle_state_dict_tensors (theta, widths, n_widths);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *header = NULL;
  GByteArray *out;
  gsize header_length;
  guint64 length_le;
  guint64 at = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "__metadata__");
  json_builder_begin_object (builder);
  /* What safetensors.torch.save_file writes, so its readers take the file as theirs. */
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, "pt");
  saddle_state_dict_add_metadata (builder, widths, n_widths, activation, options);
  json_builder_end_object (builder);
  for (guint i = 0; i < tensors->len; i++)
    {
      const SaddleStateDictTensor *tensor = &g_array_index (tensors, SaddleStateDictTensor, i);

      json_builder_set_member_name (builder, tensor->key);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "dtype");
      json_builder_add_string_value (builder, "F64");
      json_builder_set_member_name (builder, "shape");
      json_builder_begin_array (builder);
      for (guint d = 0; d < tensor->ndim; d++)
        json_builder_add_int_value (builder, (gint64) tensor->shape[d]);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "data_offsets");
      json_builder_begin_array (builder);
      json_builder_add_int_value (builder, (gint64) at);
      at += tensor->count * sizeof (double);
      json_builder_add_int_value (builder, (gint64) at);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  header = json_generator_to_data (generator, &header_length);

  /* Spaces pad the header so the tensors start 8-byte aligned, as the reference writer does. */
  out = g_byte_array_sized_new (8 + header_length + 8 + at);
  length_le = GUINT64_TO_LE ((guint64) ((header_length + 7) / 8 * 8));
  g_byte_array_append (out, (const guint8 *) &length_le, 8);
  g_byte_array_append (out, (const guint8 *) header, header_length);
  while (out->len % 8 != 0)
    g_byte_array_append (out, (const guint8 *) " ", 1);
  for (guint i = 0; i < tensors->len; i++)
    {
      const SaddleStateDictTensor *tensor = &g_array_index (tensors, SaddleStateDictTensor, i);

      for (gsize j = 0; j < tensor->count; j++)
        {
          guint64 bits;

          memcpy (&bits, &tensor->data[j], 8);
          bits = GUINT64_TO_LE (bits);
          g_byte_array_append (out, (const guint8 *) &bits, 8);
        }
    }
  return g_byte_array_free_to_bytes (out);
}
