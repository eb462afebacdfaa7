/* saddle-weights-file.c — weights in any format, chosen by content (see the header) */
#define G_LOG_DOMAIN "saddle-weights-file"

#include "config.h"

#include <string.h>

#include "saddle-file.h"
#include "saddle-npy.h"
#include "saddle-npz.h"
#include "saddle-safetensors.h"
#include "saddle-state-dict.h"
#include "saddle-weights.h"
#include "saddle-weights-file.h"

/* The text format's comment lines that name the architecture (written since the binary
 * formats came, so a text file tells as much as they do). */
#define WIDTHS_LINE "widths: "
#define ACTIVATION_LINE "activation: "

G_DEFINE_QUARK (saddle-weights-file-error-quark, saddle_weights_file_error)

gboolean
saddle_weights_file_error_at (GError    **error,
                              const char *path,
                              const char *where,
                              guint64     offset,
                              gint        code,
                              const char *format,
                              ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, code, "%s: byte %" G_GUINT64_FORMAT "%s: %s",
               path, offset, where, reason);
  return FALSE;
}

static SaddleWeightsFormat
detect_format (const guint8 *data,
               gsize         length)
{
  if (length >= 6 && memcmp (data, "\x93NUMPY", 6) == 0)
    return SADDLE_WEIGHTS_FORMAT_NPY;
  if (length >= 4 && memcmp (data, "PK\x03\x04", 4) == 0)
    return SADDLE_WEIGHTS_FORMAT_NPZ;
  /* A text file cannot start with a length whose top bytes are zero and then a '{'. */
  if (length >= 9 && data[8] == '{' && data[7] == 0 && data[6] == 0 && data[5] == 0)
    return SADDLE_WEIGHTS_FORMAT_SAFETENSORS;
  return SADDLE_WEIGHTS_FORMAT_TEXT;
}

/* "--activation tanh" out of a recorded options line, for text files older than the
 * "activation:" line. */
static gboolean
activation_from_options (const char       *options,
                         SaddleActivation *activation)
{
  g_auto(GStrv) argv = NULL;
  int argc = 0;

  if (options == NULL || !g_shell_parse_argv (options, &argc, &argv, NULL))
    return FALSE;
  for (int i = 0; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--activation"))
      return saddle_activation_from_string (argv[i + 1], activation);
  return FALSE;
}

/* The '#' lines before the numbers: the options line, the widths and the activation. */
static void
read_text_header (SaddleWeightsFile *file,
                  const char        *contents)
{
  const char *line = contents;

  while (line != NULL && *line != '\0')
    {
      const char *end = strchr (line, '\n');
      g_autofree char *text = g_strndup (line, end != NULL ? (gsize) (end - line) : strlen (line));
      const char *body = g_strstrip (text);

      line = end != NULL ? end + 1 : NULL;
      if (*body == '\0')
        continue;
      if (*body != '#')
        break;
      while (*body == '#' || *body == ' ')
        body++;
      if (g_str_has_prefix (body, SADDLE_WEIGHTS_FILE_OPTIONS_LINE) && file->options == NULL)
        {
          const char *options = body + strlen (SADDLE_WEIGHTS_FILE_OPTIONS_LINE);

          /* Valid UTF-8 whatever the bytes: it is shown in messages. */
          file->options = g_strstrip (g_utf8_make_valid (options, -1));
        }
      else if (g_str_has_prefix (body, ACTIVATION_LINE))
        file->has_activation = saddle_activation_from_string (body + strlen (ACTIVATION_LINE),
                                                              &file->activation);
      else if (g_str_has_prefix (body, WIDTHS_LINE) && file->widths == NULL)
        file->widths = saddle_state_dict_parse_widths (body + strlen (WIDTHS_LINE),
                                                       &file->n_widths);
    }
  if (!file->has_activation)
    file->has_activation = activation_from_options (file->options, &file->activation);
}

static SaddleWeightsFile *
read_text (const char *path,
           char       *contents,
           gsize       length,
           GError    **error)
{
  g_autoptr(SaddleWeightsFile) file = g_new0 (SaddleWeightsFile, 1);

  file->format = SADDLE_WEIGHTS_FORMAT_TEXT;
  read_text_header (file, contents);
  file->theta = saddle_weights_parse (path, contents, length, &file->n_params, error);
  if (file->theta == NULL)
    return NULL;
  /* Widths that do not count these parameters describe some other file: not trusted. */
  if (file->widths != NULL
      && saddle_model_count_params (file->widths, file->n_widths) != file->n_params)
    {
      g_clear_pointer (&file->widths, g_free);
      file->n_widths = 0;
    }
  return g_steal_pointer (&file);
}

SaddleWeightsFile *
saddle_weights_file_read (const char  *path,
                          GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!saddle_file_read (path, SADDLE_WEIGHTS_MAX_BYTES, &contents, &length, error))
    return NULL;

  switch (detect_format ((const guint8 *) contents, length))
    {
    case SADDLE_WEIGHTS_FORMAT_SAFETENSORS:
      return saddle_safetensors_read (path, (const guint8 *) contents, length, error);
    case SADDLE_WEIGHTS_FORMAT_NPY:
      return saddle_npy_read (path, (const guint8 *) contents, length, error);
    case SADDLE_WEIGHTS_FORMAT_NPZ:
      return saddle_npz_read (path, (const guint8 *) contents, length, error);
    case SADDLE_WEIGHTS_FORMAT_TEXT:
    default:
      return read_text (path, contents, length, error);
    }
}

void
saddle_weights_file_free (SaddleWeightsFile *file)
{
  if (file == NULL)
    return;
  g_free (file->theta);
  g_free (file->widths);
  g_free (file->options);
  g_free (file);
}

gboolean
saddle_weights_file_task (const SaddleWeightsFile *file,
                          SaddleTask              *task)
{
  if (file->n_widths < 2)
    return FALSE;
  if (file->widths[0] == 1 && file->widths[file->n_widths - 1] == 1)
    *task = SADDLE_TASK_FUNCTION;
  else if (file->widths[file->n_widths - 1] >= 2)
    *task = SADDLE_TASK_IMAGE;
  else
    return FALSE;
  return TRUE;
}

SaddleWeightsFormat
saddle_weights_format_for_name (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".safetensors"))
    return SADDLE_WEIGHTS_FORMAT_SAFETENSORS;
  if (g_str_has_suffix (lower, ".npy"))
    return SADDLE_WEIGHTS_FORMAT_NPY;
  if (g_str_has_suffix (lower, ".npz"))
    return SADDLE_WEIGHTS_FORMAT_NPZ;
  return SADDLE_WEIGHTS_FORMAT_TEXT;
}

const char *
saddle_weights_format_to_string (SaddleWeightsFormat format)
{
  switch (format)
    {
    case SADDLE_WEIGHTS_FORMAT_TEXT:
      return "text";
    case SADDLE_WEIGHTS_FORMAT_SAFETENSORS:
      return "safetensors";
    case SADDLE_WEIGHTS_FORMAT_NPY:
      return "npy";
    case SADDLE_WEIGHTS_FORMAT_NPZ:
      return "npz";
    default:
      return NULL;
    }
}

static gboolean
write_text (const char        *path,
            const double      *theta,
            gsize              n_params,
            const guint       *widths,
            guint              n_widths,
            SaddleActivation   activation,
            const char        *options,
            const char        *header,
            GError           **error)
{
  g_autofree char *shape = saddle_state_dict_widths_string (widths, n_widths);
  GString *lines = g_string_new (NULL);
  g_autofree char *text = NULL;

  if (header != NULL)
    g_string_append_printf (lines, "%s\n", header);
  if (options != NULL)
    g_string_append_printf (lines, SADDLE_WEIGHTS_FILE_OPTIONS_LINE "%s\n", options);
  g_string_append_printf (lines, WIDTHS_LINE "%s\n" ACTIVATION_LINE "%s", shape,
                          saddle_activation_to_string (activation));
  text = g_string_free (lines, FALSE);
  return saddle_weights_save (path, theta, n_params, text, error);
}

gboolean
saddle_weights_file_write (const char        *path,
                           const double      *theta,
                           gsize              n_params,
                           const guint       *widths,
                           guint              n_widths,
                           SaddleActivation   activation,
                           const char        *options,
                           const char        *header,
                           GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;
  const char *data;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (theta != NULL && widths != NULL && n_widths >= 2, FALSE);
  g_return_val_if_fail (saddle_model_count_params (widths, n_widths) == n_params, FALSE);

  if (!saddle_state_dict_check_finite (path, theta, n_params, error))
    return FALSE;

  switch (saddle_weights_format_for_name (path))
    {
    case SADDLE_WEIGHTS_FORMAT_SAFETENSORS:
      bytes = saddle_safetensors_encode (theta, widths, n_widths, activation, options);
      break;
    case SADDLE_WEIGHTS_FORMAT_NPY:
      {
        guint64 shape = n_params;

        bytes = saddle_npy_encode (theta, 1, &shape);
      }
      break;
    case SADDLE_WEIGHTS_FORMAT_NPZ:
      bytes = saddle_npz_encode (path, theta, widths, n_widths, activation, options, error);
      if (bytes == NULL)
        return FALSE;
      break;
    case SADDLE_WEIGHTS_FORMAT_TEXT:
    default:
      return write_text (path, theta, n_params, widths, n_widths, activation, options, header,
                         error);
    }
  data = g_bytes_get_data (bytes, &length);
  /* Atomic: a crash mid-write leaves the old file, never half of a new one. */
  return saddle_file_write (path, data, length, error);
}
