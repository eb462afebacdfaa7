/* saddle-state-dict.c — a state_dict's tensors to and from the flat vector (see the header) */
#define G_LOG_DOMAIN "saddle-state-dict"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-state-dict.h"

typedef struct
{
  char    *key;
  guint    ndim;
  guint64  shape[2];
  double  *data;
  gsize    count;
  gsize    offset;      /* of its first byte in the file, for messages */
  char    *where;       /* "" or " of member “x.npy”" */
} Tensor;

typedef struct
{
  char   *name;         /* "0", "fc1", "layers.3" */
  Tensor *weight;
  Tensor *bias;
} Layer;

struct _SaddleStateDict
{
  char      *path;
  GPtrArray *tensors;   /* Tensor */
};

static void
tensor_free (gpointer data)
{
  Tensor *tensor = data;

  g_free (tensor->key);
  g_free (tensor->data);
  g_free (tensor->where);
  g_free (tensor);
}

gsize
saddle_dtype_size (SaddleDtype dtype)
{
  switch (dtype)
    {
    case SADDLE_DTYPE_F64:
      return 8;
    case SADDLE_DTYPE_F32:
      return 4;
    case SADDLE_DTYPE_F16:
    case SADDLE_DTYPE_BF16:
    default:
      return 2;
    }
}

/* IEEE 754 binary16: 1 sign, 5 exponent (bias 15), 10 mantissa bits. */
static double
half_to_double (guint16 bits)
{
  int exponent = (bits >> 10) & 0x1f;
  int mantissa = bits & 0x3ff;
  double value;

  if (exponent == 0)
    value = ldexp (mantissa, -24);
  else if (exponent == 31)
    value = mantissa != 0 ? NAN : INFINITY;
  else
    value = ldexp (mantissa + 1024, exponent - 25);
  return (bits & 0x8000) != 0 ? -value : value;
}

gboolean
saddle_dtype_decode (SaddleDtype   dtype,
                     const guint8 *bytes,
                     gsize         count,
                     double       *out,
                     gsize        *bad)
{
  for (gsize i = 0; i < count; i++)
    {
      const guint8 *p = bytes + i * saddle_dtype_size (dtype);
      guint64 u64;
      guint32 u32;
      guint16 u16;
      double d;
      float f;

      switch (dtype)
        {
        case SADDLE_DTYPE_F64:
          memcpy (&u64, p, 8);
          u64 = GUINT64_FROM_LE (u64);
          memcpy (&d, &u64, 8);
          break;
        case SADDLE_DTYPE_F32:
          memcpy (&u32, p, 4);
          u32 = GUINT32_FROM_LE (u32);
          memcpy (&f, &u32, 4);
          d = f;
          break;
        case SADDLE_DTYPE_BF16:
          /* bfloat16 is the top half of a float32. */
          memcpy (&u16, p, 2);
          u32 = (guint32) GUINT16_FROM_LE (u16) << 16;
          memcpy (&f, &u32, 4);
          d = f;
          break;
        case SADDLE_DTYPE_F16:
        default:
          memcpy (&u16, p, 2);
          d = half_to_double (GUINT16_FROM_LE (u16));
          break;
        }
      if (!isfinite (d))
        {
          *bad = i;
          return FALSE;
        }
      out[i] = d;
    }
  return TRUE;
}

gboolean
saddle_state_dict_check_finite (const char   *path,
                                const double *theta,
                                gsize         n,
                                GError      **error)
{
  for (gsize i = 0; i < n; i++)
    if (!isfinite (theta[i]))
      {
        g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_NOT_FINITE,
                     "Cannot save %s: parameter %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                     " is %s (the training diverged?)",
                     path, i + 1, n, isnan (theta[i]) ? "NaN" : "infinite");
        return FALSE;
      }
  return TRUE;
}

SaddleStateDict *
saddle_state_dict_new (const char *path)
{
  SaddleStateDict *dict = g_new0 (SaddleStateDict, 1);

  dict->path = g_strdup (path);
  dict->tensors = g_ptr_array_new_with_free_func (tensor_free);
  return dict;
}

void
saddle_state_dict_free (SaddleStateDict *dict)
{
  if (dict == NULL)
    return;
  g_free (dict->path);
  g_ptr_array_unref (dict->tensors);
  g_free (dict);
}

guint
saddle_state_dict_size (SaddleStateDict *dict)
{
  return dict->tensors->len;
}

static char *
shape_string (const Tensor *tensor)
{
  if (tensor->ndim == 1)
    return g_strdup_printf ("(%" G_GUINT64_FORMAT ",)", tensor->shape[0]);
  if (tensor->ndim == 2)
    return g_strdup_printf ("(%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT ")", tensor->shape[0],
                            tensor->shape[1]);
  return g_strdup_printf ("%u-dimensional", tensor->ndim);
}

gboolean
saddle_state_dict_add (SaddleStateDict *dict,
                       const char      *key,
                       guint            ndim,
                       const guint64   *shape,
                       SaddleDtype      dtype,
                       const guint8    *bytes,
                       gsize            offset,
                       const char      *where,
                       GError         **error)
{
  Tensor *tensor;
  gsize count = 1;
  gsize bad = 0;

  for (guint i = 0; i < ndim; i++)
    count *= shape[i];   /* the caller has checked the bytes are there: no overflow */

  tensor = g_new0 (Tensor, 1);
  tensor->key = g_strdup (key);
  tensor->ndim = ndim;
  for (guint i = 0; i < MIN (ndim, 2); i++)
    tensor->shape[i] = shape[i];
  tensor->count = count;
  tensor->offset = offset;
  tensor->where = g_strdup (where);
  tensor->data = g_try_new (double, MAX (count, 1));
  g_ptr_array_add (dict->tensors, tensor);
  if (tensor->data == NULL)
    {
      g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                   "%s: tensor “%s” of %" G_GSIZE_FORMAT " values does not fit in memory",
                   dict->path, key, count);
      return FALSE;
    }
  if (!saddle_dtype_decode (dtype, bytes, count, tensor->data, &bad))
    {
      g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_NOT_FINITE,
                   "%s: byte %" G_GSIZE_FORMAT "%s: element %" G_GSIZE_FORMAT " of tensor “%s” "
                   "is not a finite number (NaN or infinite)", dict->path,
                   offset + bad * saddle_dtype_size (dtype), where, bad, key);
      return FALSE;
    }
  return TRUE;
}

/* Compares names with their digit runs as numbers: "2" < "10", "fc2" < "fc10". */
static int
compare_natural (const char *a,
                 const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *ea;
          const char *eb;
          int order;

          while (*a == '0' && g_ascii_isdigit (a[1]))
            a++;
          while (*b == '0' && g_ascii_isdigit (b[1]))
            b++;
          for (ea = a; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = b; g_ascii_isdigit (*eb); eb++)
            ;
          if (ea - a != eb - b)
            return ea - a < eb - b ? -1 : 1;
          if ((order = strncmp (a, b, ea - a)) != 0)
            return order;
          a = ea;
          b = eb;
          continue;
        }
      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++;
      b++;
    }
  return (guchar) *a - (guchar) *b;
}

static int
compare_layers (gconstpointer a,
                gconstpointer b)
{
  return compare_natural (((const Layer *) a)->name, ((const Layer *) b)->name);
}

static void
layer_clear (gpointer data)
{
  g_free (((Layer *) data)->name);
}

/* "fc1.weight" → ("fc1", TRUE); "b3" → ("3", FALSE); NULL if neither kind of key. */
static char *
layer_of_key (const char *key,
              gboolean   *is_weight)
{
  gsize length = strlen (key);

  if (g_str_has_suffix (key, ".weight") && length > 7)
    {
      *is_weight = TRUE;
      return g_strndup (key, length - 7);
    }
  if (g_str_has_suffix (key, ".bias") && length > 5)
    {
      *is_weight = FALSE;
      return g_strndup (key, length - 5);
    }
  if ((key[0] == 'W' || key[0] == 'b') && key[1] != '\0'
      && strspn (key + 1, "0123456789") == length - 1)
    {
      *is_weight = key[0] == 'W';
      return g_strdup (key + 1);
    }
  return NULL;
}

static gboolean
refuse (SaddleStateDict *dict,
        const Tensor    *tensor,
        GError         **error,
        const char      *format,
        ...) G_GNUC_PRINTF (4, 5);

/* "<path>: byte N<where>: tensor “key” <reason>". */
static gboolean
refuse (SaddleStateDict *dict,
        const Tensor    *tensor,
        GError         **error,
        const char      *format,
        ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  return saddle_weights_file_error_at (error, dict->path, tensor->where, tensor->offset,
                                       SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, "tensor “%s” %s",
                                       tensor->key, reason);
}

/* Groups the tensors into layers in name order; FALSE on a key that is not a layer's weight
 * or bias, or a layer given twice. */
static gboolean
group_layers (SaddleStateDict *dict,
              GArray          *layers,
              GError         **error)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < dict->tensors->len; i++)
    {
      Tensor *tensor = g_ptr_array_index (dict->tensors, i);
      gboolean is_weight = FALSE;
      g_autofree char *name = layer_of_key (tensor->key, &is_weight);
      gpointer found;
      Layer *layer;
      Tensor **slot;

      if (name == NULL)
        return refuse (dict, tensor, error, "is neither a layer's weight nor its bias: Saddle "
                       "reads the torch.nn.Linear layers of a state_dict (keys “0.weight”, "
                       "“0.bias”, … or “W0”, “b0”, …)");
      if (!g_hash_table_lookup_extended (index, name, NULL, &found))
        {
          Layer fresh = { g_strdup (name), NULL, NULL };

          g_array_append_val (layers, fresh);
          found = GUINT_TO_POINTER (layers->len - 1);
          g_hash_table_insert (index, g_array_index (layers, Layer, layers->len - 1).name,
                               found);
        }
      layer = &g_array_index (layers, Layer, GPOINTER_TO_UINT (found));
      slot = is_weight ? &layer->weight : &layer->bias;
      if (*slot != NULL)
        return refuse (dict, tensor, error, "gives layer “%s” a second %s (also “%s”)", name,
                       is_weight ? "weight" : "bias", (*slot)->key);
      *slot = tensor;
    }
  g_array_sort (layers, compare_layers);
  return TRUE;
}

static gboolean
layer_shaped (const Layer *layer)
{
  return layer->weight != NULL && layer->weight->ndim == 2;
}

/* Layers named without numbers ("input", "hidden", "output") have no order but their shapes:
 * reorders @layers into the one chain whose outputs feed the next inputs, if there is exactly
 * one; else leaves them (the check that follows names what does not chain). */
static void
order_by_chain (GArray *layers)
{
  g_autoptr(GArray) chain = g_array_new (FALSE, FALSE, sizeof (Layer));
  g_autofree gboolean *used = g_new0 (gboolean, layers->len);
  guint64 width = 0;

  for (guint i = 0; i < layers->len; i++)
    {
      const Layer *layer = &g_array_index (layers, Layer, i);

      if (!layer_shaped (layer) || strpbrk (layer->name, "0123456789") == NULL)
        continue;
      return;   /* numbered layers keep their numbers' order */
    }
  for (guint step = 0; step < layers->len; step++)
    {
      guint found = G_MAXUINT;

      for (guint i = 0; i < layers->len; i++)
        {
          const Layer *layer = &g_array_index (layers, Layer, i);
          gboolean fits;

          if (used[i])
            continue;
          if (!layer_shaped (layer))
            return;
          if (step > 0)
            fits = layer->weight->shape[1] == width;
          else
            {
              /* The first layer takes an input no other layer gives. */
              fits = TRUE;
              for (guint j = 0; j < layers->len; j++)
                if (j != i && layer_shaped (&g_array_index (layers, Layer, j))
                    && g_array_index (layers, Layer, j).weight->shape[0]
                       == layer->weight->shape[1])
                  fits = FALSE;
            }
          if (fits && found != G_MAXUINT)
            return;   /* two ways on: no unique chain */
          if (fits)
            found = i;
        }
      if (found == G_MAXUINT)
        return;
      used[found] = TRUE;
      width = g_array_index (layers, Layer, found).weight->shape[0];
      g_array_append_val (chain, g_array_index (layers, Layer, found));
    }
  /* The names move to the new order; clear @layers without freeing them. */
  g_array_set_clear_func (layers, NULL);
  g_array_set_size (layers, 0);
  g_array_append_vals (layers, chain->data, chain->len);
  g_array_set_clear_func (layers, layer_clear);
}

gboolean
saddle_state_dict_finish (SaddleStateDict   *dict,
                          SaddleWeightsFile *file,
                          GError           **error)
{
  g_autoptr(GArray) layers = g_array_new (FALSE, FALSE, sizeof (Layer));
  g_autofree guint *widths = NULL;
  g_autofree double *theta = NULL;
  gsize n_params = 0;
  gsize at = 0;

  g_array_set_clear_func (layers, layer_clear);
  if (dict->tensors->len == 0)
    {
      g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                   "%s: the file holds no tensors", dict->path);
      return FALSE;
    }
  if (!group_layers (dict, layers, error))
    return FALSE;
  order_by_chain (layers);

  widths = g_new0 (guint, layers->len + 1);
  for (guint k = 0; k < layers->len; k++)
    {
      const Layer *layer = &g_array_index (layers, Layer, k);
      const Tensor *w = layer->weight;
      const Tensor *b = layer->bias;
      g_autofree char *shape = NULL;

      if (w == NULL)
        return refuse (dict, b, error, "is a bias without a weight (no “%s.weight”)",
                       layer->name);
      if (w->ndim != 2 || w->shape[0] == 0 || w->shape[1] == 0 || w->shape[0] > G_MAXINT
          || w->shape[1] > G_MAXINT)
        return refuse (dict, w, error, "is %s: a linear layer's weight is (out, in), both "
                       "from 1", (shape = shape_string (w)));
      if (b == NULL)
        return refuse (dict, w, error, "has no bias (no “%s.bias”): Saddle's layers all have "
                       "biases (torch.nn.Linear's default)", layer->name);
      if (b->ndim != 1 || b->shape[0] != w->shape[0])
        return refuse (dict, b, error, "is %s, but its weight “%s” has %" G_GUINT64_FORMAT
                       " outputs: the bias is (%" G_GUINT64_FORMAT ",)",
                       (shape = shape_string (b)), w->key, w->shape[0], w->shape[0]);
      if (k == 0)
        widths[0] = (guint) w->shape[1];
      else if (w->shape[1] != widths[k])
        {
          const Layer *before = &g_array_index (layers, Layer, k - 1);

          return refuse (dict, w, error, "is %s, but the layer before it (“%s”, %u × %u) "
                         "gives %u outputs: the shapes do not chain", (shape = shape_string (w)),
                         before->weight->key, widths[k], widths[k - 1], widths[k]);
        }
      widths[k + 1] = (guint) w->shape[0];
      n_params += w->count + b->count;
    }

  theta = g_try_new (double, n_params);
  if (theta == NULL)
    {
      g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                   "%s: %" G_GSIZE_FORMAT " parameters do not fit in memory", dict->path,
                   n_params);
      return FALSE;
    }
  for (guint k = 0; k < layers->len; k++)
    {
      const Layer *layer = &g_array_index (layers, Layer, k);

      memcpy (theta + at, layer->weight->data, layer->weight->count * sizeof (double));
      at += layer->weight->count;
      memcpy (theta + at, layer->bias->data, layer->bias->count * sizeof (double));
      at += layer->bias->count;
    }

  file->theta = g_steal_pointer (&theta);
  file->n_params = n_params;
  file->widths = g_steal_pointer (&widths);
  file->n_widths = layers->len + 1;
  return TRUE;
}

const char *
saddle_state_dict_string_member (JsonObject *object,
                                 const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The metadata entries Saddle reads and writes. */
static const char *const metadata_names[] = { "activation", "widths", "options" };

gboolean
saddle_state_dict_apply_metadata (const char        *path,
                                  JsonObject        *metadata,
                                  SaddleWeightsFile *file,
                                  GError           **error)
{
  const char *value;

  if (metadata == NULL)
    return TRUE;
  /* safetensors' metadata is strings only: another type is a broken file, not a silent miss. */
  for (guint i = 0; i < G_N_ELEMENTS (metadata_names); i++)
    {
      if (json_object_has_member (metadata, metadata_names[i])
          && saddle_state_dict_string_member (metadata, metadata_names[i]) == NULL)
        {
          g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                       "%s: the metadata's “%s” is not a string", path,
                       metadata_names[i]);
          return FALSE;
        }
    }
  if ((value = saddle_state_dict_string_member (metadata, "activation"))
      != NULL)
    {
      if (!saddle_activation_from_string (value, &file->activation))
        {
          g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                       "%s: the metadata's activation “%s” is not one Saddle models (relu, "
                       "tanh, sigmoid, identity)", path, value);
          return FALSE;
        }
      file->has_activation = TRUE;
    }
  if ((value = saddle_state_dict_string_member (metadata, "widths")) != NULL)
    {
      g_autofree char *mine = saddle_state_dict_widths_string (file->widths, file->n_widths);
      g_autofree guint *widths = NULL;
      guint n_widths = 0;
      g_autofree char *theirs = NULL;

      widths = saddle_state_dict_parse_widths (value, &n_widths);
      theirs = widths != NULL ? saddle_state_dict_widths_string (widths, n_widths) : NULL;
      if (g_strcmp0 (mine, theirs) != 0)
        {
          g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                       "%s: the metadata says the widths are “%s”, but the tensors' shapes "
                       "give %s", path, value, mine);
          return FALSE;
        }
    }
  if ((value = saddle_state_dict_string_member (metadata, "options")) != NULL)
    file->options = g_strdup (value);
  return TRUE;
}

void
saddle_state_dict_add_metadata (JsonBuilder      *builder,
                                const guint      *widths,
                                guint             n_widths,
                                SaddleActivation  activation,
                                const char       *options)
{
  g_autofree char *shape = saddle_state_dict_widths_string (widths, n_widths);

  json_builder_set_member_name (builder, "activation");
  json_builder_add_string_value (builder, saddle_activation_to_string (activation));
  json_builder_set_member_name (builder, "widths");
  json_builder_add_string_value (builder, shape);
  if (options != NULL)
    {
      json_builder_set_member_name (builder, "options");
      json_builder_add_string_value (builder, options);
    }
}

static void
output_tensor_clear (gpointer data)
{
  g_free (((SaddleStateDictTensor *) data)->key);
}

GArray *
saddle_state_dict_tensors (const double *theta,
                           const guint  *widths,
                           guint         n_widths)
{
  GArray *tensors = g_array_new (FALSE, TRUE, sizeof (SaddleStateDictTensor));
  gsize at = 0;

  g_array_set_clear_func (tensors, output_tensor_clear);
  for (guint k = 0; k + 1 < n_widths; k++)
    {
      /* nn.Sequential(Linear, activation, Linear, …): the linear layers are 0, 2, 4, … */
      SaddleStateDictTensor weight = { g_strdup_printf ("%u.weight", 2 * k), 2,
                                       { widths[k + 1], widths[k] }, theta + at,
                                       (gsize) widths[k + 1] * widths[k] };
      SaddleStateDictTensor bias;

      at += weight.count;
      bias = (SaddleStateDictTensor) { g_strdup_printf ("%u.bias", 2 * k), 1,
                                       { widths[k + 1], 0 }, theta + at, widths[k + 1] };
      at += bias.count;
      g_array_append_val (tensors, weight);
      g_array_append_val (tensors, bias);
    }
  return tensors;
}

char *
saddle_state_dict_widths_string (const guint *widths,
                                 guint        n_widths)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_widths; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? "," : "", widths[i]);
  return g_string_free (text, FALSE);
}

guint *
saddle_state_dict_parse_widths (const char *text,
                                guint      *n_widths)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  guint n = g_strv_length (parts);
  g_autofree guint *widths = NULL;

  *n_widths = 0;
  if (n < 2 || n > 64)
    return NULL;
  widths = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, G_MAXINT, &value, NULL))
        return NULL;
      widths[i] = (guint) value;
    }
  *n_widths = n;
  return g_steal_pointer (&widths);
}
