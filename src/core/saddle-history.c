/* saddle-history.c */
#define G_LOG_DOMAIN "saddle-history"

#include "config.h"

#include <math.h>

#include "saddle-history.h"

/* Full precision so a CSV reader gets the very same double back; "nan" and
 * "inf" spelled the way every CSV reader (pandas, R, numpy) understands. */
static void
append_double (GString *out,
               double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (value))
    g_string_append (out, "nan");
  else if (isinf (value))
    g_string_append (out, value > 0 ? "inf" : "-inf");
  else
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, "%.17g", value));
}

static gboolean
write_string (const char  *path,
              GString     *contents,
              GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  /* g_file_set_contents writes a temporary file and renames it, so a reader
   * never sees half a file; its message already names the path. */
  return g_file_set_contents (path, contents->str, contents->len, error);
}

SaddleHistory *
saddle_history_new (void)
{
  SaddleHistory *history = g_new0 (SaddleHistory, 1);

  history->iterations = g_array_new (FALSE, FALSE, sizeof (SaddleIterationRecord));
  history->epochs = g_array_new (FALSE, FALSE, sizeof (SaddleEpochRecord));
  return history;
}

SaddleHistory *
saddle_history_copy (const SaddleHistory *history)
{
  SaddleHistory *copy;

  g_return_val_if_fail (history != NULL, NULL);

  copy = saddle_history_new ();
  if (history->iterations->len > 0)
    g_array_append_vals (copy->iterations, history->iterations->data, history->iterations->len);
  if (history->epochs->len > 0)
    g_array_append_vals (copy->epochs, history->epochs->data, history->epochs->len);
  copy->n_runs = history->n_runs;
  return copy;
}

void
saddle_history_free (SaddleHistory *history)
{
  if (history == NULL)
    return;

  g_array_unref (history->iterations);
  g_array_unref (history->epochs);
  g_free (history);
}

void
saddle_history_add_iteration (SaddleHistory               *history,
                              const SaddleIterationRecord *record)
{
  g_return_if_fail (history != NULL);
  g_return_if_fail (record != NULL);

  g_array_append_val (history->iterations, *record);
  history->n_runs = MAX (history->n_runs, record->run + 1);
}

void
saddle_history_add_epoch (SaddleHistory           *history,
                          const SaddleEpochRecord *record)
{
  g_return_if_fail (history != NULL);
  g_return_if_fail (record != NULL);

  g_array_append_val (history->epochs, *record);
  history->n_runs = MAX (history->n_runs, record->run + 1);
}

gboolean
saddle_history_write_csv (const SaddleHistory *history,
                          const char          *path,
                          GError             **error)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  out = g_string_sized_new (64 + 64 * (gsize) history->iterations->len);
  g_string_append (out, "run,iteration,epoch,loss,grad_norm\n");
  for (guint i = 0; i < history->iterations->len; i++)
    {
      const SaddleIterationRecord *r = &g_array_index (history->iterations, SaddleIterationRecord, i);

      /* Runs are numbered from 1 in every file and figure ("Run 12" = run 12). */
      g_string_append_printf (out, "%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%u,",
                              (guint64) r->run + 1, r->iteration, r->epoch);
      append_double (out, r->loss);
      g_string_append_c (out, ',');
      append_double (out, r->grad_norm);
      g_string_append_c (out, '\n');
    }

  return write_string (path, out, error);
}

gboolean
saddle_history_write_epochs_csv (const SaddleHistory *history,
                                 const char          *path,
                                 GError             **error)
{
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  out = g_string_sized_new (64 + 64 * (gsize) history->epochs->len);
  g_string_append (out, "run,epoch,iteration,loss,accuracy\n");
  for (guint i = 0; i < history->epochs->len; i++)
    {
      const SaddleEpochRecord *r = &g_array_index (history->epochs, SaddleEpochRecord, i);

      g_string_append_printf (out, "%" G_GUINT64_FORMAT ",%u,%" G_GUINT64_FORMAT ",",
                              (guint64) r->run + 1, r->epoch, r->iteration);
      append_double (out, r->loss);
      g_string_append_c (out, ',');
      append_double (out, r->accuracy);
      g_string_append_c (out, '\n');
    }

  return write_string (path, out, error);
}
