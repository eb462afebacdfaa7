/* saddle-npy.c — .npy arrays read and written (see the header) */
#define G_LOG_DOMAIN "saddle-npy"

#include "config.h"

#include <string.h>

#include "saddle-npy.h"

#define MAGIC "\x93NUMPY"
#define MAGIC_LENGTH 6

typedef struct
{
  const char  *path;
  const char  *where;
  const char  *text;      /* the header dict */
  gsize        length;
  gsize        at;        /* into text */
  gsize        base;      /* byte offset of text[0] in the array */
} Header;

/* "path: byte N in where: …", as the other binary readers say it. */
#define invalid_at saddle_weights_file_error_at

static gboolean
header_error (Header     *h,
              GError    **error,
              const char *what)
{
  return invalid_at (error, h->path, h->where, h->base + h->at,
                     SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                     "the header is not a dict of descr, fortran_order and shape: %s", what);
}

static void
skip_space (Header *h)
{
  while (h->at < h->length && g_ascii_isspace (h->text[h->at]))
    h->at++;
}

static gboolean
expect (Header *h,
        char    c)
{
  skip_space (h);
  if (h->at < h->length && h->text[h->at] == c)
    {
      h->at++;
      return TRUE;
    }
  return FALSE;
}

/* A Python string literal in single or double quotes, without escapes. */
static char *
read_quoted (Header *h)
{
  char quote;
  gsize start;

  skip_space (h);
  if (h->at >= h->length || (h->text[h->at] != '\'' && h->text[h->at] != '"'))
    return NULL;
  quote = h->text[h->at++];
  start = h->at;
  while (h->at < h->length && h->text[h->at] != quote && h->text[h->at] != '\\')
    h->at++;
  if (h->at >= h->length || h->text[h->at] != quote)
    return NULL;
  h->at++;
  return g_strndup (h->text + start, h->at - 1 - start);
}

static gboolean
read_word (Header     *h,
           const char *word)
{
  gsize n = strlen (word);

  skip_space (h);
  if (h->length - h->at >= n && strncmp (h->text + h->at, word, n) == 0)
    {
      h->at += n;
      return TRUE;
    }
  return FALSE;
}

/* "(3, 4)", "(7,)" or "()". */
static gboolean
read_shape (Header         *h,
            SaddleNpyArray *array,
            GError        **error)
{
  if (!expect (h, '('))
    return header_error (h, error, "the shape is not a tuple");
  array->ndim = 0;
  while (!expect (h, ')'))
    {
      guint64 value = 0;
      gsize digits = 0;

      skip_space (h);
      while (h->at < h->length && g_ascii_isdigit (h->text[h->at]))
        {
          guint digit = h->text[h->at++] - '0';

          if (value > (G_MAXUINT64 - digit) / 10)
            return header_error (h, error, "a dimension is too large");
          value = value * 10 + digit;
          digits++;
        }
      if (digits == 0)
        return header_error (h, error, "a dimension is not a count");
      if (array->ndim == SADDLE_STATE_DICT_MAX_DIMS)
        return header_error (h, error, "too many dimensions");
      array->shape[array->ndim++] = value;
      if (!expect (h, ','))
        {
          if (!expect (h, ')'))
            return header_error (h, error, "the shape tuple is not closed");
          break;
        }
    }
  return TRUE;
}

static gboolean
read_descr (Header         *h,
            SaddleNpyArray *array,
            GError        **error)
{
  g_autofree char *descr = NULL;
  gsize at;

  skip_space (h);
  at = h->at;
  descr = read_quoted (h);

  if (descr == NULL)
    return header_error (h, error, "descr is not a string");
  /* '<' little-endian; '=' native, which is little-endian on every machine Saddle builds for
   * (checked at build time below). */
  if (strlen (descr) == 3 && (descr[0] == '<' || descr[0] == '=') && descr[1] == 'f'
      && (descr[2] == '8' || descr[2] == '4' || descr[2] == '2'))
    {
      array->dtype = descr[2] == '8' ? SADDLE_DTYPE_F64
                     : descr[2] == '4' ? SADDLE_DTYPE_F32 : SADDLE_DTYPE_F16;
      return TRUE;
    }
  {
    g_autofree char *shown = g_utf8_make_valid (descr, MIN (strlen (descr), 20));

    return invalid_at (error, h->path, h->where, h->base + at,
                       SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                       "dtype '%s' is not supported: Saddle reads little-endian float64, float32 "
                       "and float16 ('<f8', '<f4', '<f2')", shown);
  }
}

G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);

static gboolean
parse_header (Header         *h,
              SaddleNpyArray *array,
              GError        **error)
{
  gboolean have_descr = FALSE;
  gboolean have_order = FALSE;
  gboolean have_shape = FALSE;
  gboolean fortran = FALSE;

  if (!expect (h, '{'))
    return header_error (h, error, "no '{'");
  while (!expect (h, '}'))
    {
      g_autofree char *key = read_quoted (h);

      if (key == NULL)
        return header_error (h, error, "a key is not a string");
      if (!expect (h, ':'))
        return header_error (h, error, "no ':' after a key");
      if (g_str_equal (key, "descr") && !have_descr)
        {
          if (!read_descr (h, array, error))
            return FALSE;
          have_descr = TRUE;
        }
      else if (g_str_equal (key, "fortran_order") && !have_order)
        {
          if (read_word (h, "True"))
            fortran = TRUE;
          else if (!read_word (h, "False"))
            return header_error (h, error, "fortran_order is not True or False");
          have_order = TRUE;
        }
      else if (g_str_equal (key, "shape") && !have_shape)
        {
          if (!read_shape (h, array, error))
            return FALSE;
          have_shape = TRUE;
        }
      else
        return header_error (h, error, "an unknown or repeated key");
      if (!expect (h, ','))
        {
          if (!expect (h, '}'))
            return header_error (h, error, "no ',' or '}' after a value");
          break;
        }
    }
  skip_space (h);
  if (h->at != h->length)
    return header_error (h, error, "text after the dict");
  if (!have_descr || !have_order || !have_shape)
    return header_error (h, error, "a key is missing");
  /* Column-major 2-D data would be read transposed. */
  if (fortran && array->ndim > 1)
    return invalid_at (error, h->path, h->where, h->base, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                       "the array is in Fortran (column-major) order: save it with "
                       "numpy.ascontiguousarray");
  return TRUE;
}

gboolean
saddle_npy_parse (const char      *path,
                  const char      *where,
                  const guint8    *bytes,
                  gsize            length,
                  SaddleNpyArray  *array,
                  GError         **error)
{
  Header h = { path, where, NULL, 0, 0, 0 };
  gsize header_length;
  gsize size;
  gsize count = 1;
  gsize available;

  memset (array, 0, sizeof *array);
  if (length < MAGIC_LENGTH + 4 || memcmp (bytes, MAGIC, MAGIC_LENGTH) != 0)
    return invalid_at (error, path, where, 0, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                       "not a .npy array (no \\x93NUMPY magic and version)");
  if (bytes[6] == 1)
    {
      header_length = bytes[8] | (bytes[9] << 8);
      h.base = 10;
    }
  else if (bytes[6] == 2 || bytes[6] == 3)
    {
      if (length < 12)
        return invalid_at (error, path, where, 8, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                           "the file ends inside the header length");
      header_length = (gsize) bytes[8] | (gsize) bytes[9] << 8 | (gsize) bytes[10] << 16
                      | (gsize) bytes[11] << 24;
      h.base = 12;
    }
  else
    return invalid_at (error, path, where, 6, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                       "format version %u.%u is not one NumPy writes (1.0, 2.0, 3.0)",
                       bytes[6], bytes[7]);
  if (header_length > length - h.base)
    return invalid_at (error, path, where, 8, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                       "the header length says %" G_GSIZE_FORMAT " bytes, but only %"
                       G_GSIZE_FORMAT " follow", header_length, length - h.base);
  h.text = (const char *) bytes + h.base;
  h.length = header_length;
  if (memchr (h.text, '\0', h.length) != NULL)
    return invalid_at (error, path, where, h.base, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                       "the header holds a NUL byte");
  if (!parse_header (&h, array, error))
    return FALSE;

  size = saddle_dtype_size (array->dtype);
  available = length - h.base - header_length;
  for (guint i = 0; i < array->ndim; i++)
    {
      /* Stops before the product can overflow: past the data it is wrong anyway. */
      if (array->shape[i] != 0 && count > available / size / array->shape[i])
        count = available / size + 1;
      else
        count *= array->shape[i];
    }
  if (count * size != available)
    return invalid_at (error, path, where, h.base + header_length,
                       SADDLE_WEIGHTS_FILE_ERROR_INVALID,
                       "%" G_GSIZE_FORMAT " bytes of data: %s than the shape needs",
                       available, count * size > available ? "fewer" : "more");
  array->count = count;
  array->data = bytes + h.base + header_length;
  array->data_offset = h.base + header_length;
  return TRUE;
}

SaddleWeightsFile *
saddle_npy_read (const char   *path,
                 const guint8 *data,
                 gsize         length,
                 GError      **error)
{
  g_autoptr(SaddleWeightsFile) file = g_new0 (SaddleWeightsFile, 1);
  SaddleNpyArray array;
  gsize bad = 0;

  file->format = SADDLE_WEIGHTS_FORMAT_NPY;
  if (!saddle_npy_parse (path, "", data, length, &array, error))
    return NULL;
  if (array.ndim != 1 || array.count == 0)
    {
      invalid_at (error, path, "", 0, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                  "a .npy weights file is one flat vector (1-D, not empty); this array has "
                  "%u dimensions and %" G_GSIZE_FORMAT " values (save per-layer arrays in an "
                  ".npz)", array.ndim, array.count);
      return NULL;
    }
  file->theta = g_try_new (double, array.count);
  if (file->theta == NULL)
    {
      invalid_at (error, path, "", 0, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED,
                  "%" G_GSIZE_FORMAT " values do not fit in memory", array.count);
      return NULL;
    }
  if (!saddle_dtype_decode (array.dtype, array.data, array.count, file->theta, &bad))
    {
      invalid_at (error, path, "", array.data_offset + bad * saddle_dtype_size (array.dtype),
                  SADDLE_WEIGHTS_FILE_ERROR_NOT_FINITE,
                  "parameter %" G_GSIZE_FORMAT " is not a finite number (NaN or infinite)",
                  bad + 1);
      return NULL;
    }
  file->n_params = array.count;
  return g_steal_pointer (&file);
}

GBytes *
saddle_npy_encode (const double  *values,
                   guint          ndim,
                   const guint64 *shape)
{
  GString *header = g_string_new ("{'descr': '<f8', 'fortran_order': False, 'shape': (");
  GByteArray *out;
  gsize count = 1;
  guint16 length_le;

  for (guint i = 0; i < ndim; i++)
    {
      g_string_append_printf (header, "%s%" G_GUINT64_FORMAT, i > 0 ? ", " : "", shape[i]);
      count *= shape[i];
    }
  g_string_append (header, ndim == 1 ? ",), }" : "), }");
  /* NumPy pads with spaces and a newline so the data starts 64-byte aligned. */
  while ((MAGIC_LENGTH + 4 + header->len + 1) % 64 != 0)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');

  out = g_byte_array_sized_new (MAGIC_LENGTH + 4 + header->len + count * 8);
  g_byte_array_append (out, (const guint8 *) MAGIC "\x01\x00", MAGIC_LENGTH + 2);
  length_le = GUINT16_TO_LE ((guint16) header->len);
  g_byte_array_append (out, (const guint8 *) &length_le, 2);
  g_byte_array_append (out, (const guint8 *) header->str, header->len);
  g_string_free (header, TRUE);
  for (gsize j = 0; j < count; j++)
    {
      guint64 bits;

      memcpy (&bits, &values[j], 8);
      bits = GUINT64_TO_LE (bits);
      g_byte_array_append (out, (const guint8 *) &bits, 8);
    }
  return g_byte_array_free_to_bytes (out);
}
