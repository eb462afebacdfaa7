/* test-containers.c — the result containers and their files: history, trajectory and PCA,
 * critical set and its summary, weights */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-critical-set.h"
#include "saddle-exact-reach.h"
#include "saddle-history.h"
#include "saddle-pca.h"
#include "saddle-rng.h"
#include "saddle-test-util.h"
#include "saddle-trajectory.h"
#include "saddle-weights.h"

static void
test_history (void)
{
  g_autoptr(SaddleHistory) history = saddle_history_new ();
  g_autoptr(SaddleHistory) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("saddle-csv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "history.csv", NULL);
  g_autofree char *epochs = g_build_filename (dir, "epochs.csv", NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  SaddleIterationRecord it = { .run = 2, .epoch = 1, .iteration = 7, .loss = 0.1, .grad_norm = 1.0 / 3.0 };
  SaddleEpochRecord ep = { .run = 0, .epoch = 3, .iteration = 15, .loss = 2.5e-7, .accuracy = NAN,
                           .grad_norm = 1.0 / 7.0 };

  saddle_history_add_iteration (history, &it);
  it.run = 0;
  it.loss = NAN;
  saddle_history_add_iteration (history, &it);
  saddle_history_add_epoch (history, &ep);
  g_assert_cmpuint (history->n_runs, ==, 3);

  copy = saddle_history_copy (history);
  g_assert_cmpuint (copy->iterations->len, ==, 2);
  g_assert_cmpuint (copy->epochs->len, ==, 1);
  g_assert_cmpuint (copy->n_runs, ==, 3);
  /* A deep copy: growing the original leaves it alone. */
  saddle_history_add_iteration (history, &it);
  g_assert_cmpuint (copy->iterations->len, ==, 2);

  g_assert_true (saddle_history_write_csv (copy, path, &error));
  g_assert_no_error (error);
  lines = saddle_test_read_lines (path);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[0], ==, "run,iteration,epoch,loss,grad_norm");
  fields = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 5);
  /* Runs are 1-based in every file: record run 2 is "Run 3" on screen and here. */
  g_assert_cmpstr (fields[0], ==, "3");
  g_assert_cmpstr (fields[1], ==, "7");
  g_assert_cmpstr (fields[2], ==, "1");
  /* Exact round trip through the text. */
  g_assert_cmpfloat (g_ascii_strtod (fields[3], NULL), ==, 0.1);
  g_assert_cmpfloat (g_ascii_strtod (fields[4], NULL), ==, 1.0 / 3.0);
  g_assert_true (g_str_has_prefix (lines[2], "1,7,1,nan,"));
  g_clear_pointer (&lines, g_strfreev);
  g_clear_pointer (&fields, g_strfreev);

  g_assert_true (saddle_history_write_epochs_csv (copy, epochs, &error));
  g_assert_no_error (error);
  lines = saddle_test_read_lines (epochs);
  /* The whole-set ‖∇L‖ is the last column: readers of the first five still work. */
  g_assert_cmpstr (lines[0], ==, "run,epoch,iteration,loss,accuracy,grad_norm");
  fields = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 6);
  g_assert_cmpstr (fields[0], ==, "1");
  g_assert_cmpstr (fields[1], ==, "3");
  g_assert_cmpfloat (g_ascii_strtod (fields[3], NULL), ==, 2.5e-7);
  g_assert_cmpstr (fields[4], ==, "nan");
  g_assert_cmpfloat (g_ascii_strtod (fields[5], NULL), ==, 1.0 / 7.0);

  /* A folder that is not there: an error, not a crash. */
  {
    g_autofree char *bad = g_build_filename (dir, "missing", "h.csv", NULL);

    g_assert_false (saddle_history_write_csv (copy, bad, &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }

  g_unlink (path);
  g_unlink (epochs);
  g_rmdir (dir);
}


/* Snapshots written in place in the reserved room, each run at rows of its own, then added
 * in order: a run whose rows were skipped (a failed run) leaves no gap, the next run's vectors
 * move down, and nothing past the room is handed out. */
static void
test_trajectory_room (void)
{
  g_autoptr(SaddleTrajectory) trajectory = saddle_trajectory_new (3, 0, 0, 2);
  SaddleSnapshotInfo info[2] = { { .run = 0 }, { .run = 0 } };

  saddle_trajectory_reserve (trajectory, 6);
  g_assert_cmpuint (trajectory->room, ==, 6);
  g_assert_null (saddle_trajectory_room (trajectory, 6));
  /* Run 0 at rows 0-1, run 1 (failed) at rows 2-3, run 2 at rows 4-5; values 10·row + j. */
  for (gsize row = 0; row < 6; row++)
    for (gsize j = 0; j < 3; j++)
      saddle_trajectory_room (trajectory, row)[j] = 10.0 * (double) row + (double) j;

  saddle_trajectory_add_from_room (trajectory, info, 2, 0);
  info[0].run = info[1].run = 2;
  saddle_trajectory_add_from_room (trajectory, info, 2, 4);

  g_assert_cmpuint (saddle_trajectory_n_snapshots (trajectory), ==, 4);
  g_assert_true (saddle_trajectory_has_params (trajectory));
  g_assert_cmpuint (trajectory->n_runs, ==, 3);
  g_assert_cmpuint (trajectory->plane_distance->len, ==, 4);
  g_assert_cmpuint (trajectory->surface_loss->len, ==, 4);
  for (gsize i = 0; i < 4; i++)
    {
      gsize row = i < 2 ? i : i + 2;

      g_assert_cmpuint (g_array_index (trajectory->info, SaddleSnapshotInfo, i).run, ==,
                        i < 2 ? 0 : 2);
      for (gsize j = 0; j < 3; j++)
        g_assert_cmpfloat (g_array_index (trajectory->params, double, i * 3 + j), ==,
                           10.0 * (double) row + (double) j);
    }
}

static void
test_trajectory (void)
{
  g_autoptr(SaddleTrajectory) trajectory = saddle_test_trajectory_new (3, 6, FALSE, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("saddle-csv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "trajectory.csv", NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  const SaddlePca *pca;
  gsize n = 3 * 7;

  g_assert_cmpuint (saddle_trajectory_n_snapshots (trajectory), ==, n);
  g_assert_cmpuint (trajectory->n_runs, ==, 3);
  g_assert_cmpuint (trajectory->params->len, ==, n * trajectory->n_params);

  /* No PCA yet: a clear error. */
  g_assert_false (saddle_trajectory_write_csv (trajectory, FALSE, path, &error));
  g_assert_error (error, SADDLE_TRAJECTORY_ERROR, SADDLE_TRAJECTORY_ERROR_NO_PCA);
  g_clear_error (&error);

  g_assert_true (saddle_trajectory_compute_pca (trajectory, &error));
  g_assert_no_error (error);
  pca = trajectory->pca;
  g_assert_nonnull (pca);
  g_assert_nonnull (trajectory->layer_pca);
  g_assert_cmpuint (pca->n_points, ==, n);
  g_assert_cmpuint (pca->dim, ==, trajectory->n_params);
  g_assert_cmpuint (trajectory->layer_pca->dim, ==, trajectory->layer_size);

  /* The layer PCA is the PCA of the slices: its scores equal a direct fit. */
  {
    g_autofree double *slices = g_new (double, n * 30);
    g_autoptr(SaddlePca) direct = NULL;

    for (gsize i = 0; i < n; i++)
      memcpy (slices + i * 30, (const double *) trajectory->params->data + i * 60 + 20, 30 * sizeof (double));
    direct = saddle_pca_fit (slices, n, 30, 2, &error);
    g_assert_no_error (error);
    for (gsize i = 0; i < 2 * n; i++)
      g_assert_cmpfloat (fabs (direct->scores[i] - trajectory->layer_pca->scores[i]), <, 1e-12);
  }

  g_assert_cmpfloat_with_epsilon (saddle_trajectory_final_accuracy (trajectory, 1), 0.1 + 0.85 * (1 - exp (-1.0)) - 0.01,
                                  1e-15);
  g_assert_true (isnan (saddle_trajectory_final_accuracy (trajectory, 9)));

  g_assert_true (saddle_trajectory_write_csv (trajectory, FALSE, path, &error));
  g_assert_no_error (error);
  lines = saddle_test_read_lines (path);
  g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
  g_assert_cmpstr (lines[0], ==, "run,epoch,iteration,loss,accuracy,pc1,pc2,plane_distance,surface_loss");
  /* Snapshot 8 is run index 1, epoch 1: "2" in the file, as on screen. */
  fields = g_strsplit (lines[9], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 9);
  g_assert_cmpstr (fields[0], ==, "2");
  g_assert_cmpstr (fields[1], ==, "1");
  g_assert_cmpfloat (g_ascii_strtod (fields[5], NULL), ==, pca->scores[8 * 2]);
  g_assert_cmpfloat (g_ascii_strtod (fields[6], NULL), ==, pca->scores[8 * 2 + 1]);
  /* No surface yet: the honest-projection columns say so. */
  g_assert_cmpstr (fields[7], ==, "nan");
  g_assert_cmpstr (fields[8], ==, "nan");
  g_clear_pointer (&lines, g_strfreev);
  g_clear_pointer (&fields, g_strfreev);

  g_assert_true (saddle_trajectory_write_csv (trajectory, TRUE, path, &error));
  g_assert_no_error (error);
  lines = saddle_test_read_lines (path);
  fields = g_strsplit (lines[1], ",", -1);
  g_assert_cmpfloat (g_ascii_strtod (fields[5], NULL), ==, trajectory->layer_pca->scores[0]);
  g_clear_pointer (&lines, g_strfreev);

  /* A new snapshot makes the PCA stale: refused until computed again. */
  {
    g_autofree double *theta = g_new0 (double, 60);
    SaddleSnapshotInfo info = { .run = 0, .epoch = 7, .iteration = 35, .loss = 0.1, .accuracy = 0.9 };

    saddle_trajectory_add (trajectory, &info, theta);
    g_assert_false (saddle_trajectory_write_csv (trajectory, FALSE, path, &error));
    g_assert_error (error, SADDLE_TRAJECTORY_ERROR, SADDLE_TRAJECTORY_ERROR_NO_PCA);
    g_clear_error (&error);
    g_assert_cmpfloat (saddle_trajectory_final_accuracy (trajectory, 0), ==, 0.9);
  }

  /* Too few snapshots, and a layer outside the vector. */
  {
    g_autoptr(SaddleTrajectory) one = saddle_trajectory_new (4, 0, 0, 2);
    g_autoptr(SaddleTrajectory) bad = saddle_trajectory_new (4, 3, 3, 2);
    double theta[4] = { 1, 2, 3, 4 };
    SaddleSnapshotInfo info = { 0 };

    saddle_trajectory_add (one, &info, theta);
    g_assert_false (saddle_trajectory_compute_pca (one, &error));
    g_assert_error (error, SADDLE_PCA_ERROR, SADDLE_PCA_ERROR_TOO_FEW);
    g_clear_error (&error);
    g_assert_null (one->pca);

    saddle_trajectory_add (bad, &info, theta);
    saddle_trajectory_add (bad, &info, theta);
    g_assert_false (saddle_trajectory_compute_pca (bad, &error));
    g_assert_error (error, SADDLE_TRAJECTORY_ERROR, SADDLE_TRAJECTORY_ERROR_INVALID);
    g_clear_error (&error);
  }

  g_unlink (path);
  g_rmdir (dir);
}


static void
test_critical_set (void)
{
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("saddle-csv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "critical.csv", NULL);
  g_autofree char *eig = g_build_filename (dir, "eigenvalues.csv", NULL);
  double values[5] = { 3.0, -0.5, 1e-12, 2.0, 0.25 };
  g_autoptr(SaddleCriticalPoint) point = saddle_test_critical_point_new (4, 0.125, values, 5, 1e-6, SADDLE_CRITICAL_SADDLE);
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;
  const SaddleCriticalPoint *stored;

  saddle_critical_set_add (set, point);
  /* The set holds its own copy. */
  point->loss = 99;
  point->spectrum->eigenvalues[0] = 42;
  stored = g_ptr_array_index (set->points, 0);
  g_assert_cmpfloat (stored->loss, ==, 0.125);
  g_assert_cmpfloat (stored->spectrum->eigenvalues[0], ==, -0.5);
  g_assert_true (stored->params != point->params);

  saddle_spectrum_free (point->spectrum);
  point->spectrum = NULL;
  point->run = 5;
  saddle_critical_set_add (set, point);

  g_assert_true (saddle_critical_set_write_csv (set, path, &error));
  g_assert_no_error (error);
  lines = saddle_test_read_lines (path);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_cmpstr (lines[0], ==, "run,loss,grad_norm,minimal_ratio,positive,negative,zero,tolerance,"
                                 "nonzero_ratio,label,grad_norm_start,steps,dead_units,hg_ratio,"
                                 "max_abs_eigenvalue,accuracy,grad_norm_descent,newton_steps,"
                                 "newton_distance,newton_residual,kinks_crossed,certificate,"
                                 "still_steps,clarke_kinks,still_factor,clarke_distance,"
                                 "share_zero,share_weak,step_length_1e-13,step_residual_1e-13,"
                                 "kink_fraction_1e-13,step_length_1e-8,step_residual_1e-8,"
                                 "kink_fraction_1e-8,step_length_1e-6,step_residual_1e-6,"
                                 "kink_fraction_1e-6");
  fields = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 37);
  /* Point run 4 is "Run 5" in every figure, and 5 in the file. */
  g_assert_cmpstr (fields[0], ==, "5");
  g_assert_cmpfloat (g_ascii_strtod (fields[1], NULL), ==, 0.125);
  g_assert_cmpfloat (g_ascii_strtod (fields[3], NULL), ==, stored->spectrum->minimal_ratio);
  g_assert_cmpstr (fields[4], ==, "3");
  g_assert_cmpstr (fields[5], ==, "1");
  g_assert_cmpstr (fields[6], ==, "1");
  g_assert_cmpfloat (g_ascii_strtod (fields[7], NULL), ==, 1e-6);
  g_assert_cmpfloat (g_ascii_strtod (fields[8], NULL), ==, 0.75);
  g_assert_cmpstr (fields[9], ==, "saddle");
  g_assert_cmpstr (fields[11], ==, "104");
  g_assert_cmpstr (fields[12], ==, "1");
  g_assert_cmpfloat (g_ascii_strtod (fields[14], NULL), ==, 3.0);
  g_assert_cmpstr (fields[15], ==, "nan");
  g_assert_cmpfloat (g_ascii_strtod (fields[16], NULL), ==, 2.5e-3);
  g_assert_cmpstr (fields[17], ==, "7");
  g_assert_cmpfloat (g_ascii_strtod (fields[18], NULL), ==, 0.375);
  g_assert_cmpfloat (g_ascii_strtod (fields[19], NULL), ==, 0.125);
  g_assert_cmpstr (fields[20], ==, "12");
  g_assert_cmpstr (fields[21], ==, "gradient");   /* a saddle is certified */
  g_assert_cmpstr (fields[22], ==, "500");
  g_assert_cmpfloat (g_ascii_strtod (fields[24], NULL), ==, stored->still_factor);
  g_assert_cmpfloat (g_ascii_strtod (fields[27], NULL), ==, stored->exact_reach.share_weak);
  g_assert_cmpfloat (g_ascii_strtod (fields[31], NULL), ==, stored->exact_reach.cuts[1].length);
  g_assert_cmpstr (fields[32], ==, "nan");
  g_clear_pointer (&fields, g_strfreev);
  /* No spectrum: counts empty, ratios nan, still 37 columns. */
  fields = g_strsplit (lines[2], ",", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 37);
  g_assert_cmpstr (fields[0], ==, "6");
  g_assert_cmpstr (fields[3], ==, "nan");
  g_assert_cmpstr (fields[4], ==, "");
  g_assert_cmpstr (fields[18], ==, "nan");
  g_assert_cmpstr (fields[19], ==, "nan");
  g_assert_cmpstr (fields[20], ==, "");
  g_clear_pointer (&fields, g_strfreev);
  g_clear_pointer (&lines, g_strfreev);

  g_assert_true (saddle_critical_set_write_eigenvalues (set, eig, &error));
  g_assert_no_error (error);
  lines = saddle_test_read_lines (eig);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_cmpstr (lines[0], ==, "run,index,eigenvalue");
  g_assert_cmpstr (lines[1], ==, "5,0,-0.5");
  g_assert_cmpstr (lines[5], ==, "5,4,3");
  fields = g_strsplit (lines[2], ",", -1);
  g_assert_cmpfloat (g_ascii_strtod (fields[2], NULL), ==, 1e-12);

  /* Read back: every number the files hold, the spectrum rebuilt from its eigenvalues. */
  {
    g_autoptr(SaddleCriticalSet) back = saddle_critical_set_new (1e-6);
    const SaddleCriticalPoint *p, *q;

    g_assert_true (saddle_critical_set_read_csv (back, path, eig, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (back->points->len, ==, 2);
    p = g_ptr_array_index (set->points, 0);
    q = g_ptr_array_index (back->points, 0);
    g_assert_cmpuint (q->run, ==, p->run);
    g_assert_cmpfloat (q->loss, ==, p->loss);
    g_assert_cmpfloat (q->grad_norm, ==, p->grad_norm);
    g_assert_cmpfloat (q->grad_norm_start, ==, p->grad_norm_start);
    g_assert_cmpfloat (q->grad_norm_descent, ==, p->grad_norm_descent);
    g_assert_cmpfloat (q->hg_ratio, ==, p->hg_ratio);
    g_assert_cmpuint (q->steps, ==, p->steps);
    g_assert_cmpuint (q->newton_steps, ==, p->newton_steps);
    g_assert_cmpuint (q->dead_units, ==, p->dead_units);
    g_assert_cmpint (q->label, ==, p->label);
    g_assert_cmpfloat (q->reach.distance, ==, p->reach.distance);
    g_assert_cmpfloat (q->reach.residual, ==, p->reach.residual);
    g_assert_cmpuint (q->reach.kinks_crossed, ==, p->reach.kinks_crossed);
    g_assert_cmpint (q->certificate, ==, p->certificate);
    g_assert_cmpuint (q->still_steps, ==, p->still_steps);
    g_assert_cmpfloat (q->still_factor, ==, p->still_factor);
    g_assert_cmpfloat (q->exact_reach.share_weak, ==, p->exact_reach.share_weak);
    g_assert_cmpfloat (q->exact_reach.cuts[1].length, ==, p->exact_reach.cuts[1].length);
    g_assert_cmpfloat (q->exact_reach.cuts[1].cutoff, ==, 1e-8);
    g_assert_true (isnan (q->exact_reach.cuts[0].length));
    g_assert_true (isnan (q->clarke_distance));
    g_assert_true (isnan (q->accuracy));
    g_assert_nonnull (q->spectrum);
    g_assert_cmpmem (q->spectrum->eigenvalues, 5 * sizeof (double),
                     p->spectrum->eigenvalues, 5 * sizeof (double));
    g_assert_cmpuint (q->spectrum->positive, ==, p->spectrum->positive);
    g_assert_cmpuint (q->spectrum->zero, ==, p->spectrum->zero);
    /* The point without a spectrum stays without one. */
    q = g_ptr_array_index (back->points, 1);
    g_assert_null (q->spectrum);
    g_assert_cmpuint (q->run, ==, 5);
  }
  /* An empty set of NAN tolerance takes the file's, but only if every row passes. */
  {
    g_autoptr(SaddleCriticalSet) adopt = saddle_critical_set_new (NAN);
    g_autoptr(SaddleCriticalSet) failed = saddle_critical_set_new (NAN);
    g_autofree char *bad_eig = g_build_filename (dir, "bad-eigenvalues.csv", NULL);
    g_autofree char *nul = g_build_filename (dir, "nul.csv", NULL);
    g_autofree char *text = NULL;
    gsize length;

    g_assert_true (saddle_critical_set_read_csv (adopt, path, eig, &error));
    g_assert_cmpfloat (adopt->tolerance, ==, 1e-6);
    g_assert_true (g_file_set_contents (bad_eig, "run,index,eigenvalue\n5,0,-0.5\n", -1, NULL));
    g_assert_false (saddle_critical_set_read_csv (failed, path, bad_eig, &error));
    g_clear_error (&error);
    g_assert_true (isnan (failed->tolerance));
    /* A NUL byte would cut the text short: refused, not read as fewer rows. */
    g_assert_true (g_file_get_contents (path, &text, &length, NULL));
    text[strlen (text) - 2] = '\0';
    g_assert_true (g_file_set_contents (nul, text, (gssize) length, NULL));
    g_assert_false (saddle_critical_set_read_csv (failed, nul, eig, &error));
    g_assert_nonnull (strstr (error->message, "UTF-8"));
    g_clear_error (&error);
    g_unlink (bad_eig);
    g_unlink (nul);
  }
  /* A set of another tolerance refuses the rows, and keeps none. */
  {
    g_autoptr(SaddleCriticalSet) other = saddle_critical_set_new (1e-8);

    g_assert_false (saddle_critical_set_read_csv (other, path, eig, &error));
    g_assert_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "tolerance"));
    g_assert_cmpuint (other->points->len, ==, 0);
    g_clear_error (&error);
  }
  /* Eigenvalues that disagree with the counts, a bad label, a short row: named, not read. */
  {
    static const char *const broken[][2] = {
      { "run,index,eigenvalue\n5,0,-0.5\n5,1,1e-12\n5,2,0.25\n5,3,2\n5,4,-3\n", "give" },
      { "run,index,eigenvalue\n5,0,-0.5\n", "has 1 eigenvalues" },
      { "run,index\n5,0\n", "eigenvalue" },
      { "run,index,eigenvalue\n5,0\n", "2 fields" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
      {
        g_autoptr(SaddleCriticalSet) bad = saddle_critical_set_new (1e-6);

        g_assert_true (g_file_set_contents (eig, broken[i][0], -1, NULL));
        g_assert_false (saddle_critical_set_read_csv (bad, path, eig, &error));
        g_assert_nonnull (error);
        if (strstr (error->message, broken[i][1]) == NULL)
          g_error ("case %u: “%s” does not say “%s”", i, error->message, broken[i][1]);
        g_assert_cmpuint (bad->points->len, ==, 0);
        g_clear_error (&error);
      }
  }

  g_unlink (path);
  g_unlink (eig);
  g_rmdir (dir);
}


/* saddle_critical_set_summarise(): labels and certificates counted, ranges over the
 * uncertified points only, a point without a spectrum left out. */
static void
test_critical_summary (void)
{
  g_autoptr(SaddleCriticalSet) set = saddle_critical_set_new (1e-6);
  const double values[] = { 1.0, 2.0 };
  const struct { SaddleCriticalLabel label; SaddleCertificate cert; double grad, still, weak; } cases[] = {
    { SADDLE_CRITICAL_SADDLE, SADDLE_CERTIFICATE_GRADIENT, 1e-9, 1.0, NAN },
    { SADDLE_CRITICAL_MINIMUM, SADDLE_CERTIFICATE_CLARKE, 1e-6, 1.0, 0.5 },
    { SADDLE_CRITICAL_DESCENDING, SADDLE_CERTIFICATE_NONE, 1e-4, 7.0, 0.28 },
    { SADDLE_CRITICAL_DESCENDING, SADDLE_CERTIFICATE_NONE, 3e-5, 32.0, 0.76 },
    { SADDLE_CRITICAL_UNCERTIFIED, SADDLE_CERTIFICATE_NONE, 2e-5, 1.05, NAN },
  };
  SaddleCriticalSummary s;

  for (guint i = 0; i <= G_N_ELEMENTS (cases); i++)
    {
      SaddleCriticalPoint point = { 0 };

      saddle_exact_reach_clear (&point.exact_reach);
      point.clarke_distance = NAN;
      if (i == G_N_ELEMENTS (cases))
        {
          /* No spectrum: counted nowhere. */
          point.label = SADDLE_CRITICAL_DESCENDING;
          point.still_factor = 1e6;
          saddle_critical_set_add (set, &point);
          break;
        }
      point.label = cases[i].label;
      point.certificate = cases[i].cert;
      point.grad_norm = cases[i].grad;
      point.still_factor = cases[i].still;
      point.exact_reach.share_weak = cases[i].weak;
      point.spectrum = saddle_spectrum_new_from_values (values, 2, 1e-6);
      saddle_critical_set_add (set, &point);
      saddle_spectrum_free (point.spectrum);
    }
  saddle_critical_set_summarise (set, &s);
  g_assert_cmpuint (s.analysed, ==, 5);
  g_assert_cmpuint (s.by_gradient, ==, 1);
  g_assert_cmpuint (s.by_clarke, ==, 1);
  g_assert_cmpuint (s.labels[SADDLE_CRITICAL_SADDLE], ==, 1);
  g_assert_cmpuint (s.labels[SADDLE_CRITICAL_MINIMUM], ==, 1);
  g_assert_cmpuint (s.labels[SADDLE_CRITICAL_DESCENDING], ==, 2);
  g_assert_cmpuint (s.labels[SADDLE_CRITICAL_UNCERTIFIED], ==, 1);
  g_assert_cmpuint (s.grad_norm.n, ==, 3);
  g_assert_cmpfloat (s.grad_norm.min, ==, 2e-5);
  g_assert_cmpfloat (s.grad_norm.max, ==, 1e-4);
  g_assert_cmpuint (s.still_factor.n, ==, 3);
  g_assert_cmpfloat (s.still_factor.min, ==, 1.05);
  g_assert_cmpfloat (s.still_factor.max, ==, 32.0);
  g_assert_cmpuint (s.share_weak.n, ==, 2);     /* NAN: not measured */
  g_assert_cmpfloat (s.share_weak.min, ==, 0.28);
  g_assert_cmpfloat (s.share_weak.max, ==, 0.76);
  g_assert_cmpuint (s.clarke_distance.n, ==, 0);
  g_assert_true (isnan (s.clarke_distance.min));
}


static void
test_weights (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("saddle-weights-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "theta.txt", NULL);
  g_autofree double *loaded = NULL;
  double theta[1000];
  SaddleRng rng;
  gsize n = 0;

  saddle_rng_init (&rng, 99);
  for (guint i = 0; i < G_N_ELEMENTS (theta); i++)
    theta[i] = saddle_rng_normal (&rng) * pow (10.0, (int) saddle_rng_below (&rng, 40) - 20);
  theta[0] = 0.1;
  theta[1] = -0.0;
  theta[2] = 4.9e-324;          /* the smallest subnormal */
  theta[3] = 1.7976931348623157e308;
  theta[4] = -1.0 / 3.0;

  g_assert_true (saddle_weights_save (path, theta, G_N_ELEMENTS (theta),
                                      "saddle weights\nmodel 1-363-1 tanh\n", &error));
  g_assert_no_error (error);
  loaded = saddle_weights_load (path, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (theta));
  /* Bit for bit, the sign of −0 included. */
  g_assert_cmpmem (loaded, n * sizeof (double), theta, sizeof theta);

  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_true (g_str_has_prefix (contents, "# saddle weights\n# model 1-363-1 tanh\n0.10000000000000001\n"));
  }

  /* Bad input, each refused with the line it is on. */
  {
    static const struct { const char *text; int code; const char *where; } cases[] = {
      { "# header\n1.0\n\n2.5\nabc\n3\n", SADDLE_WEIGHTS_ERROR_PARSE, ":5:" },
      { "1.0\r\n2.0 3.0\r\n", SADDLE_WEIGHTS_ERROR_PARSE, ":2:" },
      { "1\n2\nnan\n", SADDLE_WEIGHTS_ERROR_PARSE, ":3:" },
      { "1e999\n", SADDLE_WEIGHTS_ERROR_PARSE, ":1:" },
      { "0,5\n", SADDLE_WEIGHTS_ERROR_PARSE, ":1:" },
      { "# only comments\n\n", SADDLE_WEIGHTS_ERROR_EMPTY, ": no numbers found (3 lines" },
      { "", SADDLE_WEIGHTS_ERROR_EMPTY, ": the file is empty" },
    };

    for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
      {
        g_autofree double *none = NULL;

        g_assert_true (g_file_set_contents (path, cases[c].text, -1, NULL));
        none = saddle_weights_load (path, &n, &error);
        g_assert_null (none);
        g_assert_cmpuint (n, ==, 0);
        g_assert_error (error, SADDLE_WEIGHTS_ERROR, cases[c].code);
        if (cases[c].where != NULL)
          {
            g_autofree char *expected = g_strconcat (path, cases[c].where, NULL);

            g_assert_nonnull (strstr (error->message, expected));
          }
        g_clear_error (&error);
      }
  }

  /* CRLF files and blank lines are fine. */
  {
    g_autofree double *ok = NULL;

    g_assert_true (g_file_set_contents (path, "# w\r\n1.5\r\n\r\n  -2e-3  \r\n", -1, NULL));
    ok = saddle_weights_load (path, &n, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpfloat (ok[0], ==, 1.5);
    g_assert_cmpfloat (ok[1], ==, -2e-3);
    g_clear_pointer (&ok, g_free);

    /* A UTF-8 byte-order mark before the first number, as the CSV reader accepts too. */
    g_assert_true (g_file_set_contents (path, "\xEF\xBB\xBF" "0.25\n1\n", -1, NULL));
    ok = saddle_weights_load (path, &n, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpfloat (ok[0], ==, 0.25);
  }

  /* Non-finite weights are not saved; a missing file is an error. */
  theta[7] = NAN;
  g_assert_false (saddle_weights_save (path, theta, 10, NULL, &error));
  g_assert_error (error, SADDLE_WEIGHTS_ERROR, SADDLE_WEIGHTS_ERROR_NOT_FINITE);
  g_clear_error (&error);
  g_unlink (path);
  g_assert_null (saddle_weights_load (path, &n, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/history/csv", test_history);
  g_test_add_func ("/core/trajectory/pca-csv", test_trajectory);
  g_test_add_func ("/core/trajectory/room", test_trajectory_room);
  g_test_add_func ("/core/critical-set/csv", test_critical_set);
  g_test_add_func ("/core/critical-set/summary", test_critical_summary);
  g_test_add_func ("/core/weights/round-trip", test_weights);

  return g_test_run ();
}
