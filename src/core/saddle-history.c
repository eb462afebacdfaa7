/* saddle-history.c */
#define G_LOG_DOMAIN "saddle-history"

#include "config.h"

#include "saddle-csv.h"
#include "saddle-history.h"

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
  g_autoptr(SaddleCsv) csv = NULL;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  csv = saddle_csv_new ("run,iteration,epoch,loss,grad_norm", 64 * (gsize) history->iterations->len);
  for (guint i = 0; i < history->iterations->len; i++)
    {
      const SaddleIterationRecord *r = &g_array_index (history->iterations, SaddleIterationRecord, i);

      /* Runs are numbered from 1 in every file and figure ("Run 12" = run 12). */
      saddle_csv_add_uint (csv, (guint64) r->run + 1);
      saddle_csv_add_uint (csv, r->iteration);
      saddle_csv_add_uint (csv, r->epoch);
      saddle_csv_add_double (csv, r->loss);
      saddle_csv_add_double (csv, r->grad_norm);
      saddle_csv_end_row (csv);
    }

  return saddle_csv_write (csv, path, error);
}

gboolean
saddle_history_write_epochs_csv (const SaddleHistory *history,
                                 const char          *path,
                                 GError             **error)
{
  g_autoptr(SaddleCsv) csv = NULL;

  g_return_val_if_fail (history != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  csv = saddle_csv_new ("run,epoch,iteration,loss,accuracy,grad_norm", 80 * (gsize) history->epochs->len);
  for (guint i = 0; i < history->epochs->len; i++)
    {
      const SaddleEpochRecord *r = &g_array_index (history->epochs, SaddleEpochRecord, i);

      saddle_csv_add_uint (csv, (guint64) r->run + 1);
      saddle_csv_add_uint (csv, r->epoch);
      saddle_csv_add_uint (csv, r->iteration);
      saddle_csv_add_double (csv, r->loss);
      saddle_csv_add_double (csv, r->accuracy);
      saddle_csv_add_double (csv, r->grad_norm);
      saddle_csv_end_row (csv);
    }

  return saddle_csv_write (csv, path, error);
}
