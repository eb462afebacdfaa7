/* saddle-cli-ground-truth.c — per found point, the closed form's subset, loss and index
 *
 * Reads only the study's results (the points' θ, loss and spectrum) and the data; the numbers
 * come from saddle-ground-truth.c. Printed under the critical table; ground-truth.csv beside
 * critical.csv.
 */
#define G_LOG_DOMAIN "saddle-cli-ground-truth"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "saddle-cli-ground-truth.h"
#include "saddle-ground-truth.h"
#include "saddle-stats.h"

/* ground-truth-levels.csv lists every full-rank critical point up to this many (C(20, 4) = 4,845). */
#define MAX_LEVELS 100000

/* The closed form of @results' model on @dataset, or NULL (and why in @error) if it has none. */
static SaddleGroundTruth *
closed_form (const SaddleStudyResults *results,
             const SaddleDataset      *dataset,
             GError                  **error)
{
  const SaddleStudyConfig *config = &results->config;

  if (config->n_hidden != 1 || config->activation != SADDLE_ACTIVATION_IDENTITY)
    {
      g_set_error_literal (error, SADDLE_GROUND_TRUTH_ERROR, SADDLE_GROUND_TRUTH_ERROR_INVALID,
                           "none for this model (the closed form is a linear autoencoder: one "
                           "hidden layer, --activation identity)");
      return NULL;
    }
  return saddle_ground_truth_new (dataset, config->hidden[0], error);
}

GArray *
saddle_cli_ground_truth_levels (const SaddleStudyResults *results,
                                const SaddleDataset      *dataset)
{
  g_autoptr(SaddleGroundTruth) truth = NULL;

  g_return_val_if_fail (results != NULL && dataset != NULL, NULL);

  if (results->config.task != SADDLE_TASK_AUTOENCODER
      || (truth = closed_form (results, dataset, NULL)) == NULL)
    return NULL;
  return saddle_ground_truth_levels (truth, MAX_LEVELS);
}

gboolean
saddle_cli_ground_truth_report (const SaddleStudyResults *results,
                                const SaddleDataset      *dataset,
                                const char               *out_dir,
                                GPtrArray                *written,
                                GError                  **error)
{
  const SaddleCriticalSet *set = results->critical;
  g_autoptr(SaddleGroundTruth) truth = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) subsets = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree SaddleGroundTruthPoint *points = NULL;
  g_autofree double *losses = NULL;
  g_autofree double *indices = NULL;
  g_autofree char *path = NULL;
  g_autofree char *levels_path = NULL;
  g_autoptr(GArray) levels = NULL;
  guint n, matched = 0, reached = 0, full_rank = 0;

  g_return_val_if_fail (results != NULL && dataset != NULL && out_dir != NULL, FALSE);

  if (set == NULL)
    return TRUE;
  truth = closed_form (results, dataset, &local_error);
  if (truth == NULL)
    {
      printf ("\nGround truth: %s\n", local_error->message);
      return TRUE;
    }

  n = set->points->len;
  points = g_new0 (SaddleGroundTruthPoint, MAX (n, 1));
  losses = g_new (double, MAX (n, 1));
  indices = g_new (double, MAX (n, 1));
  printf ("\nGround truth (%u-%u-%u linear autoencoder, covariance eigenvalues λ1 = %.4g … λ%u = %.4g):\n"
          "%4s  %-14s %4s  %-20s %-20s %9s  %5s %5s  %5s %5s  %9s  %s\n",
          truth->d, truth->k, truth->d, truth->lambda[0], truth->d, truth->lambda[truth->d - 1],
          "run", "subset I", "rank", "loss", "analytic loss", "rel.dev.", "neg", "index",
          "zero", "anal.", "‖∇L‖", "match");
  for (guint i = 0; i < n; i++)
    {
      const SaddleCriticalPoint *point = g_ptr_array_index (set->points, i);
      SaddleGroundTruthPoint *p = &points[i];
      g_autofree char *subset = NULL;

      saddle_ground_truth_compare (truth, point, p);
      subset = saddle_ground_truth_subset_string (p->subset);
      printf ("%4u  %-14s %4u  %-20.14g %-20.14g %9.1e  %5d %5d  %5d %5d  %9.1e  %s\n",
              p->run + 1, subset[0] != '\0' ? subset : "-", p->rank, p->loss, p->analytic_loss,
              p->loss_deviation, p->negative, p->analytic_index, p->zero, p->analytic_zero,
              point->grad_norm, p->match ? "yes" : "NO");
      matched += p->match;
      reached += point->grad_norm <= SADDLE_CRITICAL_REACHED_GRAD_NORM;
      full_rank += p->rank == truth->k;
      g_hash_table_add (subsets, &p->subset);
      losses[i] = p->loss;
      indices[i] = p->negative >= 0 ? p->negative : NAN;
    }
  printf ("%u of %u points match the closed form (loss within %g relative, index exact); "
          "%u reached ‖∇L‖ ≤ %g; %u distinct subsets; %u of full rank",
          matched, n, SADDLE_GROUND_TRUTH_LOSS_TOLERANCE, reached,
          SADDLE_CRITICAL_REACHED_GRAD_NORM, g_hash_table_size (subsets), full_rank);
  if (n >= 3)
    printf ("; Spearman ρ(index, loss) = %.3f", saddle_stats_spearman (indices, losses, n));
  printf ("\n");

  path = g_build_filename (out_dir, "ground-truth.csv", NULL);
  if (!saddle_ground_truth_write_csv (points, n, path, error))
    return FALSE;
  g_ptr_array_add (written, g_steal_pointer (&path));
  /* The reference: every full-rank critical point, while there are not too many to list. */
  levels = saddle_ground_truth_levels (truth, MAX_LEVELS);
  if (levels != NULL)
    {
      levels_path = g_build_filename (out_dir, "ground-truth-levels.csv", NULL);
      if (!saddle_ground_truth_write_levels_csv (levels, levels_path, error))
        return FALSE;
      g_ptr_array_add (written, g_steal_pointer (&levels_path));
    }
  return TRUE;
}
