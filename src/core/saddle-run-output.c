/* saddle-run-output.c — what one run of a study produced, and its bytes for another process */
#define G_LOG_DOMAIN "saddle-run-output"

#include "config.h"

#include <math.h>

#include <string.h>

#include "saddle-run-output.h"

/* "SRO1" and a layout of this build: structs travel as they lie in memory. */
#define MAGIC 0x314f5253u

enum
{
  HAS_SUCCEEDED = 1 << 0,
  HAS_CANCELLED = 1 << 1,
  HAS_POINT     = 1 << 2,
  HAS_SPECTRUM  = 1 << 3,
  HAS_PARAMS    = 1 << 4,
  HAS_FAILURE   = 1 << 5,
  HAS_HISTORY   = 1 << 6,
};

typedef struct
{
  guint32 magic;
  guint32 flags;
  guint64 n_params;
  guint64 n_iterations;
  guint64 n_epochs;
  guint64 n_eigenvalues;
  guint64 failure_length;
} Header;

/* Reads through packed bytes, refusing to run past their end. */
typedef struct
{
  const guint8 *data;
  gsize         left;
} Reader;

G_DEFINE_QUARK (saddle-run-output-error-quark, saddle_run_output_error)

static gboolean
take (Reader *reader,
      void   *dest,
      gsize   size)
{
  if (size > reader->left)
    return FALSE;
  memcpy (dest, reader->data, size);
  reader->data += size;
  reader->left -= size;
  return TRUE;
}

/* @count items of @size bytes, checked against overflow; NULL (and FALSE in @ok) if short. */
static gpointer
take_array (Reader   *reader,
            guint64   count,
            gsize     size,
            gboolean *ok)
{
  gpointer data;

  if (count == 0)
    return NULL;
  if (count > reader->left / size)
    {
      *ok = FALSE;
      return NULL;
    }
  data = g_malloc (count * size);
  take (reader, data, count * size);
  return data;
}

void
saddle_run_output_clear (SaddleRunOutput *out)
{
  g_clear_pointer (&out->history, saddle_history_free);
  g_clear_pointer (&out->trajectory, saddle_trajectory_free);
  g_clear_pointer (&out->snapshots, g_array_unref);
  g_clear_pointer (&out->point, saddle_critical_point_free);
  g_clear_pointer (&out->params, g_free);
  g_clear_pointer (&out->failure, g_free);
}

GBytes *
saddle_run_output_pack (const SaddleRunOutput *out,
                        gsize                  n_params)
{
  GByteArray *bytes = g_byte_array_new ();
  const SaddleSpectrum *spectrum = out->point != NULL ? out->point->spectrum : NULL;
  Header header = { 0 };

  header.magic = MAGIC;
  header.n_params = n_params;
  header.flags = (out->succeeded ? HAS_SUCCEEDED : 0) | (out->cancelled ? HAS_CANCELLED : 0)
               | (out->point != NULL ? HAS_POINT : 0) | (spectrum != NULL ? HAS_SPECTRUM : 0)
               | (out->params != NULL ? HAS_PARAMS : 0) | (out->failure != NULL ? HAS_FAILURE : 0)
               | (out->history != NULL ? HAS_HISTORY : 0);
  if (out->history != NULL)
    {
      header.n_iterations = out->history->iterations->len;
      header.n_epochs = out->history->epochs->len;
    }
  header.n_eigenvalues = spectrum != NULL ? spectrum->n : 0;
  header.failure_length = out->failure != NULL ? strlen (out->failure) : 0;

  g_byte_array_append (bytes, (const guint8 *) &header, sizeof header);
  if (out->history != NULL)
    {
      g_byte_array_append (bytes, (const guint8 *) out->history->iterations->data,
                           header.n_iterations * sizeof (SaddleIterationRecord));
      g_byte_array_append (bytes, (const guint8 *) out->history->epochs->data,
                           header.n_epochs * sizeof (SaddleEpochRecord));
    }
  if (out->point != NULL)
    {
      g_byte_array_append (bytes, (const guint8 *) out->point, sizeof *out->point);
      if (spectrum != NULL)
        {
          g_byte_array_append (bytes, (const guint8 *) spectrum, sizeof *spectrum);
          g_byte_array_append (bytes, (const guint8 *) spectrum->eigenvalues,
                               spectrum->n * sizeof (double));
        }
      /* The point's own θ (saddle_critical_point_copy keeps one). */
      g_byte_array_append (bytes, (const guint8 *) &(guint64) { out->point->params != NULL },
                           sizeof (guint64));
      if (out->point->params != NULL)
        g_byte_array_append (bytes, (const guint8 *) out->point->params,
                             out->point->n_params * sizeof (double));
    }
  if (out->params != NULL)
    g_byte_array_append (bytes, (const guint8 *) out->params, n_params * sizeof (double));
  if (out->failure != NULL)
    g_byte_array_append (bytes, (const guint8 *) out->failure, header.failure_length);
  return g_byte_array_free_to_bytes (bytes);
}

gboolean
saddle_run_output_unpack (SaddleRunOutput *out,
                          GBytes          *bytes,
                          gsize            n_params,
                          GError         **error)
{
  Reader reader;
  Header header;
  gboolean ok = TRUE;

  reader.data = g_bytes_get_data (bytes, &reader.left);
  if (!take (&reader, &header, sizeof header) || header.magic != MAGIC
      || header.n_params != n_params)
    goto corrupt;

  out->succeeded = (header.flags & HAS_SUCCEEDED) != 0;
  out->test_accuracy = NAN;   /* trajectories, the only studies that measure it, do not travel */
  out->cancelled = (header.flags & HAS_CANCELLED) != 0;
  if (header.flags & HAS_HISTORY)
    {
      g_autofree SaddleIterationRecord *iterations = NULL;
      g_autofree SaddleEpochRecord *epochs = NULL;

      iterations = take_array (&reader, header.n_iterations, sizeof *iterations, &ok);
      epochs = take_array (&reader, header.n_epochs, sizeof *epochs, &ok);
      if (!ok)
        goto corrupt;
      out->history = saddle_history_new ();
      for (guint64 i = 0; i < header.n_iterations; i++)
        saddle_history_add_iteration (out->history, &iterations[i]);
      for (guint64 i = 0; i < header.n_epochs; i++)
        saddle_history_add_epoch (out->history, &epochs[i]);
    }
  if (header.flags & HAS_POINT)
    {
      SaddleCriticalPoint *point = g_new0 (SaddleCriticalPoint, 1);
      guint64 has_params = 0;

      out->point = point;
      if (!take (&reader, point, sizeof *point))
        goto corrupt;
      point->spectrum = NULL;
      point->params = NULL;
      if (header.flags & HAS_SPECTRUM)
        {
          SaddleSpectrum *spectrum = g_new0 (SaddleSpectrum, 1);

          point->spectrum = spectrum;
          if (!take (&reader, spectrum, sizeof *spectrum) || spectrum->n != header.n_eigenvalues)
            {
              spectrum->eigenvalues = NULL;
              goto corrupt;
            }
          spectrum->eigenvalues = take_array (&reader, spectrum->n, sizeof (double), &ok);
          if (!ok || spectrum->n == 0)
            goto corrupt;
        }
      if (!take (&reader, &has_params, sizeof has_params))
        goto corrupt;
      if (has_params)
        {
          if (point->n_params != n_params)
            goto corrupt;
          point->params = take_array (&reader, n_params, sizeof (double), &ok);
          if (!ok || n_params == 0)
            goto corrupt;
        }
    }
  if (header.flags & HAS_PARAMS)
    {
      out->params = take_array (&reader, n_params, sizeof (double), &ok);
      if (!ok || n_params == 0)
        goto corrupt;
    }
  if (header.flags & HAS_FAILURE)
    {
      if (header.failure_length > reader.left)
        goto corrupt;
      out->failure = g_strndup ((const char *) reader.data, header.failure_length);
      reader.left -= header.failure_length;
    }
  if (reader.left != 0)
    goto corrupt;
  return TRUE;

corrupt:
  saddle_run_output_clear (out);
  g_set_error (error, SADDLE_RUN_OUTPUT_ERROR, SADDLE_RUN_OUTPUT_ERROR_CORRUPT,
               "A run's results arrived damaged (%" G_GSIZE_FORMAT " bytes that do not fit "
               "the expected layout)", g_bytes_get_size (bytes));
  return FALSE;
}
