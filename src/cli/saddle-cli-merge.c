/* saddle-cli-merge.c — merge: several critical studies' folders as one */
#define G_LOG_DOMAIN "saddle-cli-merge"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "saddle-cli-commands-private.h"
#include "saddle-critical-set.h"
#include "saddle-summary.h"

static gint
compare_runs (gconstpointer a,
              gconstpointer b)
{
  const SaddleCriticalPoint *p = *(SaddleCriticalPoint * const *) a;
  const SaddleCriticalPoint *q = *(SaddleCriticalPoint * const *) b;

  return (p->run > q->run) - (p->run < q->run);
}

/* Says so when @dir's summary.json records an interrupted study: its runs are a part of what
 * was asked for, and the merge holds fewer than the ranges suggest. */
static void
warn_if_interrupted (const char *dir,
                     guint       points)
{
  g_autofree char *path = g_build_filename (dir, "summary.json", NULL);
  g_auto(SaddleSummary) summary = { 0 };

  /* A summary that cannot be read says nothing either way: the merge goes on. */
  if (saddle_summary_read (path, &summary, NULL) && summary.cancelled)
    printf ("Note: %s holds an interrupted study: %u of its %u runs were analysed\n", dir,
            points, summary.config.runs);
}

int
saddle_cli_run_merge (SaddleCliOptions *options)
{
  /* The first file's tolerance, which every other must share. */
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (NAN);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) owners = g_hash_table_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleStaging) staging = NULL;
  char *final_out = NULL;
  SaddleCriticalStats stats;

  for (guint d = 0; options->inputs[d] != NULL; d++)
    {
      const char *dir = options->inputs[d];
      g_autofree char *critical = g_build_filename (dir, "critical.csv", NULL);
      g_autofree char *eigenvalues = g_build_filename (dir, "eigenvalues.csv", NULL);
      guint before = set->points->len;

      if (!saddle_critical_set_read_csv (set, critical, eigenvalues, &error))
        return saddle_cli_report_error (error);
      warn_if_interrupted (dir, set->points->len - before);

      for (guint i = before; i < set->points->len;)
        {
          const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);
          const char *owner = g_hash_table_lookup (owners, GUINT_TO_POINTER (point->run + 1));

          /* The same run twice means overlapping --first-run ranges: which copy is meant? */
          if (owner != NULL)
            {
              if (owner == dir)
                g_set_error (&error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                             "run %u is in %s twice", point->run + 1, dir);
              else
                g_set_error (&error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                             "run %u is in both %s and %s: were the --first-run ranges meant to "
                             "overlap?", point->run + 1, owner, dir);
              return saddle_cli_report_error (error);
            }
          g_hash_table_insert (owners, GUINT_TO_POINTER (point->run + 1), (gpointer) dir);
          /* Spectra of different lengths come from different networks: not one study. */
          if (point->spectrum != NULL && set->points->len > 0)
            {
              const SaddleCriticalPoint *first = g_ptr_array_index (set->points, 0);

              if (first->spectrum != NULL && first->n_params != point->n_params)
                {
                  g_set_error (&error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                               "run %u in %s has %" G_GSIZE_FORMAT " parameters, run %u %"
                               G_GSIZE_FORMAT ": studies of different networks do not merge",
                               point->run + 1, dir, point->n_params, first->run + 1,
                               first->n_params);
                  return saddle_cli_report_error (error);
                }
            }
          /* A row without counts is an analysis that did not finish: nothing to merge. */
          if (point->spectrum == NULL)
            {
              fprintf (stderr, "saddle-cli: %s: run %u has no spectrum (its analysis did not "
                               "finish); left out\n", dir, point->run + 1);
              g_ptr_array_remove_index (set->points, i);
              continue;
            }
          i++;
        }
      printf ("%s: %u point%s\n", dir, set->points->len - before,
              set->points->len - before == 1 ? "" : "s");
    }

  if (set->points->len == 0)
    {
      g_set_error (&error, SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_FAILED,
                   "No analysed point in %s%s to merge", options->inputs[0],
                   options->inputs[1] != NULL ? " and the others" : "");
      return saddle_cli_report_error (error);
    }
  g_ptr_array_sort (set->points, compare_runs);
  staging = saddle_cli_open_output (options,
                                    ((guint64) 16 << 20) + (guint64) set->points->len * (1 << 20),
                                    &final_out, &error);
  if (staging == NULL)
    return saddle_cli_report_error (error);
  saddle_cli_write_critical_set_files (options, set, NULL, &stats, written, problems);
  saddle_cli_close_output (options, staging, final_out, TRUE, written, problems);
  saddle_cli_print_critical_table (set, &options->config, &stats, options->pb_fit);
  saddle_cli_print_files (written, problems);
  return problems->len > 0 ? SADDLE_CLI_EXIT_FAILED : SADDLE_CLI_EXIT_OK;
}

