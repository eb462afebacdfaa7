/* saddle-results-folder.c — a results folder read back: what saddle-cli or Export All wrote */
#define G_LOG_DOMAIN "saddle-results-folder"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-csv-table.h"
#include "saddle-results-folder.h"
#include "saddle-summary.h"
#include "saddle-weights-file.h"

/* The largest results table read (a history of 10⁷ steps is about 700 MB of text). */
#define TABLE_MAX_BYTES ((guint64) 4 << 30)

G_DEFINE_QUARK (saddle-results-folder-error-quark, saddle_results_folder_error)

/* Study subfolders of an Export All folder, in the app's order. */
static const char *const subfolders[] = { "trajectories", "gradnorm", "critical" };

static SaddleCsvTable *
table_read (const char  *dir,
            const char  *name,
            GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return saddle_csv_table_read (path, TABLE_MAX_BYTES, SADDLE_RESULTS_FOLDER_ERROR,
                                SADDLE_RESULTS_FOLDER_ERROR_INVALID, error);
}

/* Finds @n columns @names of @t into @columns; FALSE names the first one missing. */
static gboolean
table_columns (const SaddleCsvTable *t,
               const char * const   *names,
               int                  *columns,
               guint                 n,
               GError              **error)
{
  for (guint k = 0; k < n; k++)
    if ((columns[k] = saddle_csv_table_column (t, names[k], TRUE, error)) < 0)
      return FALSE;
  return TRUE;
}

/* A 1-based run number (as every file writes it) into the engine's 0-based one. */
static gboolean
table_run (const SaddleCsvTable *t,
           guint                 row,
           int                   column,
           guint                *run,
           GError              **error)
{
  guint64 value;

  if (!saddle_csv_table_uint (t, row, column, G_MAXUINT, &value, error))
    return FALSE;
  if (value == 0)
    return saddle_csv_table_invalid (t, saddle_csv_table_line (t, row), error,
                                     "run 0: runs count from 1");
  *run = (guint) value - 1;
  return TRUE;
}

/* history.csv and epochs.csv, each when present (@required: history.csv must be). */
static gboolean
read_history (const char    *dir,
              gboolean       required,
              SaddleHistory *history,
              GError       **error)
{
  static const char *const step_names[] = { "run", "iteration", "epoch", "loss", "grad_norm" };
  static const char *const epoch_names[] = { "run", "epoch", "iteration", "loss", "accuracy" };
  g_autofree char *steps_path = g_build_filename (dir, "history.csv", NULL);
  g_autofree char *epochs_path = g_build_filename (dir, "epochs.csv", NULL);
  int c[5];

  if (required || g_file_test (steps_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(SaddleCsvTable) t = table_read (dir, "history.csv", error);

      if (t == NULL || !table_columns (t, step_names, c, 5, error))
        return FALSE;
      for (guint r = 0; r < t->rows->len; r++)
        {
          SaddleIterationRecord record;
          guint64 epoch;

          if (!table_run (t, r, c[0], &record.run, error)
              || !saddle_csv_table_uint (t, r, c[1], G_MAXUINT64, &record.iteration, error)
              || !saddle_csv_table_uint (t, r, c[2], G_MAXUINT, &epoch, error)
              || !saddle_csv_table_double (t, r, c[3], &record.loss, error)
              || !saddle_csv_table_double (t, r, c[4], &record.grad_norm, error))
            return FALSE;
          record.epoch = (guint) epoch;
          saddle_history_add_iteration (history, &record);
        }
    }
  if (g_file_test (epochs_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(SaddleCsvTable) t = table_read (dir, "epochs.csv", error);

      int grad_column;

      if (t == NULL || !table_columns (t, epoch_names, c, 5, error))
        return FALSE;
      /* The whole-set ‖∇L‖ came later: a folder without it reads as NAN. */
      grad_column = saddle_csv_table_column (t, "grad_norm", FALSE, NULL);
      for (guint r = 0; r < t->rows->len; r++)
        {
          SaddleEpochRecord record;
          guint64 epoch;

          record.grad_norm = NAN;
          if (!table_run (t, r, c[0], &record.run, error)
              || !saddle_csv_table_uint (t, r, c[1], G_MAXUINT, &epoch, error)
              || !saddle_csv_table_uint (t, r, c[2], G_MAXUINT64, &record.iteration, error)
              || !saddle_csv_table_double (t, r, c[3], &record.loss, error)
              || !saddle_csv_table_double (t, r, c[4], &record.accuracy, error)
              || (grad_column >= 0 && !saddle_csv_table_double (t, r, grad_column, &record.grad_norm, error)))
            return FALSE;
          record.epoch = (guint) epoch;
          saddle_history_add_epoch (history, &record);
        }
    }
  return TRUE;
}

/* One trajectories CSV: each snapshot's info into @info (the whole vector's file) or checked
 * against it (the layer's: the same snapshots in the same order), its PCA coordinates into
 * @scores and, for the whole vector's file, plane distance and surface loss. */
static gboolean
read_snapshots (const char *dir,
                const char *name,
                gboolean    layer_only,
                GArray     *info,
                GArray     *scores,
                GArray     *distance,
                GArray     *surface_loss,
                GError    **error)
{
  static const char *const names[] = {
    "run", "epoch", "iteration", "loss", "accuracy", "pc1", "pc2", "plane_distance", "surface_loss"
  };
  g_autoptr(SaddleCsvTable) t = table_read (dir, name, error);
  int c[G_N_ELEMENTS (names)];

  if (t == NULL || !table_columns (t, names, c, G_N_ELEMENTS (names), error))
    return FALSE;
  if (t->rows->len == 0)
    return saddle_csv_table_invalid (t, 2, error, "no snapshots");
  if (layer_only && t->rows->len != info->len)
    return saddle_csv_table_invalid (t, 0, error, "%u snapshots where trajectories.csv has %u",
                                     t->rows->len, info->len);
  for (guint r = 0; r < t->rows->len; r++)
    {
      SaddleSnapshotInfo s;
      guint64 epoch;
      double pc[2], d, l;

      if (!table_run (t, r, c[0], &s.run, error)
          || !saddle_csv_table_uint (t, r, c[1], G_MAXUINT, &epoch, error)
          || !saddle_csv_table_uint (t, r, c[2], G_MAXUINT64, &s.iteration, error)
          || !saddle_csv_table_double (t, r, c[3], &s.loss, error)
          || !saddle_csv_table_double (t, r, c[4], &s.accuracy, error)
          || !saddle_csv_table_double (t, r, c[5], &pc[0], error)
          || !saddle_csv_table_double (t, r, c[6], &pc[1], error)
          || !saddle_csv_table_double (t, r, c[7], &d, error)
          || !saddle_csv_table_double (t, r, c[8], &l, error))
        return FALSE;
      if (!isfinite (pc[0]) || !isfinite (pc[1]))
        return saddle_csv_table_invalid (t, saddle_csv_table_line (t, r), error,
                                         "the PCA coordinates are not finite");
      s.epoch = (guint) epoch;
      if (!layer_only)
        g_array_append_val (info, s);
      else if (r >= info->len || g_array_index (info, SaddleSnapshotInfo, r).run != s.run
               || g_array_index (info, SaddleSnapshotInfo, r).epoch != s.epoch
               || g_array_index (info, SaddleSnapshotInfo, r).iteration != s.iteration)
        return saddle_csv_table_invalid (t, saddle_csv_table_line (t, r), error,
                                         "not the snapshot of trajectories.csv's row %u", r + 1);
      g_array_append_vals (scores, pc, 2);
      if (!layer_only)
        {
          g_array_append_val (distance, d);
          g_array_append_val (surface_loss, l);
        }
    }
  return TRUE;
}

/* surface.csv: pc1,pc2,loss over a square grid, one row per node, pc1 fastest. */
static SaddleSurface *
read_surface (const char  *dir,
              GError     **error)
{
  static const char *const names[] = { "pc1", "pc2", "loss" };
  g_autoptr(SaddleCsvTable) t = table_read (dir, "surface.csv", error);
  g_autofree double *loss = NULL;
  SaddleSurface *surface;
  double range[4], first[2] = { 0 }, last[2] = { 0 };
  g_autoptr(GError) local_error = NULL;
  int c[3];
  guint res, n;

  if (t == NULL || !table_columns (t, names, c, 3, error))
    return NULL;
  n = t->rows->len;
  res = (guint) llround (sqrt ((double) n));
  if (res < SADDLE_SURFACE_MIN_RESOLUTION || res > SADDLE_SURFACE_MAX_RESOLUTION
      || (guint64) res * res != n)
    {
      saddle_csv_table_invalid (t, 0, error, "%u nodes: not a square grid of %u–%u per side", n,
                                SADDLE_SURFACE_MIN_RESOLUTION, SADDLE_SURFACE_MAX_RESOLUTION);
      return NULL;
    }
  loss = g_new (double, n);
  for (guint r = 0; r < n; r++)
    {
      double a, b;

      if (!saddle_csv_table_double (t, r, c[0], &a, error)
          || !saddle_csv_table_double (t, r, c[1], &b, error)
          || !saddle_csv_table_double (t, r, c[2], &loss[r], error))
        return NULL;
      if (r == 0)
        first[0] = a, first[1] = b;
      last[0] = a, last[1] = b;
    }
  range[0] = first[0];
  range[1] = last[0];
  range[2] = first[1];
  range[3] = last[1];
  surface = saddle_surface_new (range, res, loss, &local_error);
  if (surface == NULL)
    saddle_csv_table_invalid (t, 0, error, "%s", local_error->message);
  return surface;
}

static gboolean
read_trajectory (const char          *dir,
                 const SaddleSummary *summary,
                 SaddleStudyResults  *results,
                 GError             **error)
{
  g_autoptr(GArray) info = g_array_new (FALSE, FALSE, sizeof (SaddleSnapshotInfo));
  g_autoptr(GArray) scores = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) layer_scores = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) distance = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) surface_loss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *layer_path = g_build_filename (dir, "trajectories-layer.csv", NULL);
  g_autofree char *surface_path = g_build_filename (dir, "surface.csv", NULL);
  SaddleSurface *surface = NULL;
  SaddleTrajectory *trajectory;

  if (!read_snapshots (dir, "trajectories.csv", FALSE, info, scores, distance, surface_loss,
                       error))
    return FALSE;
  if (g_file_test (layer_path, G_FILE_TEST_EXISTS)
      && !read_snapshots (dir, "trajectories-layer.csv", TRUE, info, layer_scores, NULL, NULL,
                          error))
    return FALSE;
  if (g_file_test (surface_path, G_FILE_TEST_EXISTS) && (surface = read_surface (dir, error)) == NULL)
    return FALSE;

  /* The snapshots' parameters are not in the files (params stays empty): the paths are
   * their projections. */
  trajectory = saddle_trajectory_new (MAX (summary->n_params, 1), summary->config.layer, 0, 0);
  g_array_append_vals (trajectory->info, info->data, info->len);
  for (guint i = 0; i < info->len; i++)
    trajectory->n_runs = MAX (trajectory->n_runs,
                              g_array_index (info, SaddleSnapshotInfo, i).run + 1);
  trajectory->pca = saddle_pca_new_scores (info->len, 2, (const double *) scores->data,
                                           summary->explained);
  if (layer_scores->len > 0)
    trajectory->layer_pca = saddle_pca_new_scores (info->len, 2,
                                                   (const double *) layer_scores->data,
                                                   summary->layer_explained);
  saddle_trajectory_set_surface (trajectory, surface, (const double *) distance->data,
                                 (const double *) surface_loss->data);
  results->trajectory = trajectory;
  return TRUE;
}

/* The weights file of @name in @dir, or the same name with a binary format's extension
 * (--save-weights FOLDER/weights.safetensors), or NULL if none is there. */
static char *
find_weights (const char *dir,
              const char *name)
{
  static const char *const extensions[] = { ".txt", ".safetensors", ".npz", ".npy" };
  g_autofree char *stem = g_strndup (name, strlen (name) - strlen (".txt"));

  g_return_val_if_fail (g_str_has_suffix (name, ".txt"), NULL);
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    {
      g_autofree char *file = g_strconcat (stem, extensions[i], NULL);
      g_autofree char *path = g_build_filename (dir, file, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
    }
  return NULL;
}

/* weights-runN.txt (weights.txt for a one-run study) beside the points, when saved, or the
 * same in another format. */
static gboolean
read_weights (const char         *dir,
              SaddleStudyResults *results,
              guint              *found,
              GError            **error)
{
  const SaddleStudyConfig *config = &results->config;
  GPtrArray *points = results->critical->points;

  for (guint i = 0; i < points->len; i++)
    {
      SaddleCriticalPoint *point = g_ptr_array_index (points, i);
      g_autofree char *name = saddle_results_folder_weights_name (config->runs, point->run);
      g_autofree char *path = find_weights (dir, name);
      g_autoptr(SaddleWeightsFile) file = NULL;
      gsize n;
      guint k = point->run - config->first_run;

      if (path == NULL || point->spectrum == NULL)
        continue;
      if ((file = saddle_weights_file_read (path, error)) == NULL)
        return FALSE;
      n = file->n_params;
      if (n != point->n_params)
        {
          g_set_error (error, SADDLE_RESULTS_FOLDER_ERROR, SADDLE_RESULTS_FOLDER_ERROR_INVALID,
                       "%s: %" G_GSIZE_FORMAT " parameters, where run %u's spectrum has %"
                       G_GSIZE_FORMAT, path, n, point->run + 1, point->n_params);
          return FALSE;
        }
      point->params = g_steal_pointer (&file->theta);
      if (point->run >= config->first_run && k < results->final_params->len)
        g_ptr_array_index (results->final_params, k) = g_memdup2 (point->params, n * sizeof (double));
      (*found)++;
    }
  return TRUE;
}

/* What summary.json adds to critical.csv's points (nothing without it). */
static void
apply_summary_points (const GArray      *extras,
                      SaddleCriticalSet *set)
{
  for (guint i = 0; extras != NULL && i < extras->len; i++)
    {
      const SaddleSummaryPoint *e = &g_array_index (extras, SaddleSummaryPoint, i);

      for (guint k = 0; k < set->points->len; k++)
        {
          SaddleCriticalPoint *point = g_ptr_array_index (set->points, k);

          if (point->run != e->run)
            continue;
          point->asymmetry = e->asymmetry;
          point->reach.iterations = e->reach_iterations;
          point->reach.converged = e->reach_converged;
          point->reach.tolerance = e->reach_tolerance;
        }
    }
}

/* One study folder: @summary_path's settings (none: a merged critical study) and its files. */
static SaddleOpenedStudy *
read_study (const char  *dir,
            GError     **error)
{
  g_autofree char *summary_path = g_build_filename (dir, "summary.json", NULL);
  g_autoptr(SaddleOpenedStudy) study = g_new0 (SaddleOpenedStudy, 1);
  g_autoptr(SaddleStudyResults) results = g_new0 (SaddleStudyResults, 1);
  g_auto(SaddleSummary) summary = { 0 };

  study->folder = g_strdup (dir);
  study->settings_recorded = g_file_test (summary_path, G_FILE_TEST_EXISTS);
  if (study->settings_recorded)
    {
      if (!saddle_summary_read (summary_path, &summary, error))
        return NULL;
    }
  else
    {
      /* saddle-cli merge writes the critical files only: the study's defaults stand in. */
      summary.kind = SADDLE_STUDY_CRITICAL;
      summary.failures = g_ptr_array_new_with_free_func (g_free);
      saddle_study_config_init (&summary.config, SADDLE_STUDY_CRITICAL, SADDLE_TASK_FUNCTION);
    }

  results->kind = summary.kind;
  saddle_study_config_copy (&summary.config, &results->config);
  results->dataset_name = g_strdup (summary.dataset_name);
  if (summary.n_widths > 0)
    results->widths = g_memdup2 (summary.widths, summary.n_widths * sizeof (guint));
  results->n_widths = summary.n_widths;
  results->n_samples = summary.n_samples;
  results->n_params = summary.n_params;
  results->cancelled = summary.cancelled;
  results->failures = g_steal_pointer (&summary.failures);
  results->final_params = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_set_size (results->final_params, results->config.runs);
  results->history = saddle_history_new ();

  if (!read_history (dir, results->kind == SADDLE_STUDY_GRADNORM, results->history, error))
    return NULL;
  if (results->kind == SADDLE_STUDY_TRAJECTORIES
      && !read_trajectory (dir, &summary, results, error))
    return NULL;
  if (results->kind == SADDLE_STUDY_CRITICAL)
    {
      g_autofree char *critical = g_build_filename (dir, "critical.csv", NULL);
      g_autofree char *eigenvalues = g_build_filename (dir, "eigenvalues.csv", NULL);

      results->critical = saddle_critical_set_new (study->settings_recorded
                                                   ? results->config.zero_tolerance : NAN);
      if (!saddle_critical_set_read_csv (results->critical, critical, eigenvalues, error))
        return NULL;
      apply_summary_points (summary.points, results->critical);
      if (!study->settings_recorded)
        {
          GPtrArray *points = results->critical->points;
          guint lowest = G_MAXUINT, highest = 0;

          /* What the files do tell: the zero band, the size, which runs. */
          results->config.zero_tolerance = results->critical->tolerance;
          for (guint i = 0; i < points->len; i++)
            {
              const SaddleCriticalPoint *point = g_ptr_array_index (points, i);

              results->n_params = MAX (results->n_params, point->n_params);
              lowest = MIN (lowest, point->run);
              highest = MAX (highest, point->run);
            }
          if (points->len > 0)
            {
              results->config.first_run = lowest;
              results->config.runs = highest - lowest + 1;
              g_ptr_array_set_size (results->final_params, results->config.runs);
            }
        }
      if (!read_weights (dir, results, &study->weights_found, error))
        return NULL;
    }
  study->results = g_steal_pointer (&results);
  return g_steal_pointer (&study);
}

/* Whether @dir holds one study's files. */
static gboolean
is_study (const char *dir)
{
  g_autofree char *summary = g_build_filename (dir, "summary.json", NULL);
  g_autofree char *critical = g_build_filename (dir, "critical.csv", NULL);

  return g_file_test (summary, G_FILE_TEST_IS_REGULAR)
         || g_file_test (critical, G_FILE_TEST_IS_REGULAR);
}

GPtrArray *
saddle_results_folder_read (const char  *folder,
                            GError     **error)
{
  g_autoptr(GPtrArray) studies = g_ptr_array_new_with_free_func ((GDestroyNotify) saddle_opened_study_free);

  g_return_val_if_fail (folder != NULL, NULL);

  if (!g_file_test (folder, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR, "“%s” is not a folder", folder);
      return NULL;
    }
  if (is_study (folder))
    {
      SaddleOpenedStudy *study = read_study (folder, error);

      if (study == NULL)
        return NULL;
      g_ptr_array_add (studies, study);
      return g_steal_pointer (&studies);
    }
  for (guint i = 0; i < G_N_ELEMENTS (subfolders); i++)
    {
      g_autofree char *dir = g_build_filename (folder, subfolders[i], NULL);
      SaddleOpenedStudy *study;

      if (!is_study (dir))
        continue;
      if ((study = read_study (dir, error)) == NULL)
        return NULL;
      if (study->results->kind != (SaddleStudyKind) i)
        {
          g_set_error (error, SADDLE_RESULTS_FOLDER_ERROR, SADDLE_RESULTS_FOLDER_ERROR_INVALID,
                       "%s%ssummary.json: a %s study in the %s folder", dir, G_DIR_SEPARATOR_S,
                       saddle_study_kind_to_string (study->results->kind), subfolders[i]);
          saddle_opened_study_free (study);
          return NULL;
        }
      g_ptr_array_add (studies, study);
    }
  if (studies->len == 0)
    {
      g_set_error (error, SADDLE_RESULTS_FOLDER_ERROR, SADDLE_RESULTS_FOLDER_ERROR_EMPTY,
                   "“%s” holds no Saddle results: no summary.json or critical.csv, and no "
                   "trajectories, gradnorm or critical folder with one", folder);
      return NULL;
    }
  return g_steal_pointer (&studies);
}

void
saddle_opened_study_free (SaddleOpenedStudy *study)
{
  if (study == NULL)
    return;
  g_clear_pointer (&study->results, saddle_study_results_free);
  g_free (study->folder);
  g_free (study);
}

char *
saddle_results_folder_weights_name (guint runs,
                                    guint run)
{
  /* What saddle-cli --save-weights FOLDER/weights.txt names them. */
  return runs == 1 ? g_strdup ("weights.txt") : g_strdup_printf ("weights-run%u.txt", run + 1);
}
