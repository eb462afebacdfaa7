/* saddle-cli-bench-mpi.c — bench --mpi: saddle-cli itself timed as one process and under
 * mpirun, the critical study and the distributed dense Hessian */
#define G_LOG_DOMAIN "saddle-cli-bench"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gstdio.h>

#include "saddle-cli-bench-private.h"
#include "saddle-cli-signals.h"
#include "saddle-summary.h"

/* Removes the folder the MPI timing wrote into (files and folders below it). */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* The 1-minute load average (/proc/loadavg), or NAN: every timing here is quoted with it. */
double
saddle_cli_bench_load_average (void)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return NAN;
  return g_ascii_strtod (text, NULL);
}

/* Runs @argv (stdout and stderr kept for a failure's message); its wall-clock seconds, or NAN
 * with @error. */
static double
time_command (const char *const *argv,
              GError            **error)
{
  g_autofree char *err = NULL;
  int wait_status = 0;
  double start = saddle_cli_bench_now ();

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                     &err, &wait_status, error))
    return NAN;
  if (!g_spawn_check_wait_status (wait_status, NULL))
    {
      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s failed: %s", argv[0],
                   err != NULL ? g_strstrip (err) : "?");
      return NAN;
    }
  return saddle_cli_bench_now () - start;
}

/* critical --runs 20 at the default settings, one job a rank, as one process (P = 1) and under
 * "mpirun -np 2" (P = 2), MPI_REPEATS times each: the parallel efficiency T1 / (2·T2), and
 * whether both wrote the same critical.csv (they must: saddle-cli-distributed.h). */
#define MPI_REPEATS 2
void
saddle_cli_bench_mpi (Bench                  *bench,
           const SaddleCliOptions *options)
{
  g_autofree char *mpirun = g_find_program_in_path ("mpirun");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *seed = g_strdup_printf ("%" G_GUINT64_FORMAT, options->config.seed);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("saddle-bench-mpi-XXXXXX", &error);
  const char *runs = options->quick ? "4" : "20";
  guint repeats = options->quick ? 1 : MPI_REPEATS;
  double best[3] = { 0 };
  g_autofree char *csv[3] = { NULL };

  if (mpirun == NULL || self == NULL || tmp == NULL)
    {
      if (error == NULL)
        g_set_error (&error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT, "%s",
                     mpirun == NULL ? "mpirun is not on PATH (Debian: openmpi-bin)"
                                    : "cannot find this program's own path");
      saddle_cli_bench_skipped (bench, "critical-mpi", error);
      return;
    }
  for (guint p = 1; p <= 2; p++)
    {
      g_autofree char *out = g_strdup_printf ("%s/p%u", tmp, p);
      g_autofree char *csv_path = g_build_filename (out, "critical.csv", NULL);
      /* P = 1 is one plain process; P = 2 the same command under mpirun, unbound like the one
       * process it is compared with: on a shared machine a rank bound to a busy core falls
       * behind (measured: 14 runs against 6). */
      const char *argv[] = { mpirun, "-np", "2", "--oversubscribe", "--bind-to", "none", self,
                             "critical", "--runs", runs, "--jobs", "1", "--seed", seed, "--quiet",
                             "--out", out,
                             options->quick ? "--epochs" : NULL, "3", "--descent-steps", "20",
                             "--hidden", "8", NULL };
      const char *const *command = p == 1 ? argv + 6 : argv;
      double total = 0, low = G_MAXDOUBLE, high = 0;
      double load_before = saddle_cli_bench_load_average ();
      g_autofree char *size = NULL;

      for (guint r = 0; r < repeats && !saddle_cli_signals_stop_requested (); r++)
        {
          double seconds = time_command (command, &error);

          if (!isfinite (seconds))
            {
              saddle_cli_bench_skipped (bench, "critical-mpi", error);
              remove_tree (tmp);
              return;
            }
          total += seconds;
          low = MIN (low, seconds);
          high = MAX (high, seconds);
        }
      best[p] = total / repeats;
      size = g_strdup_printf ("P = %u, critical --runs %s --jobs 1%s, mean of %u (%.1f–%.1f s), "
                              "load %.1f → %.1f", p, runs,
                              options->quick ? " --epochs 3 --descent-steps 20 --hidden 8" : "",
                              repeats, low, high, load_before, saddle_cli_bench_load_average ());
      saddle_cli_bench_record (bench, "critical-mpi", size, best[p], NAN, NAN, NULL, NAN);
      g_file_get_contents (csv_path, &csv[p], NULL, NULL);
    }
  printf ("%-24s P = 2: %.2f (T1 / (2·T2); 1 is perfect)%s\n", "mpi-efficiency",
          best[1] / (2 * best[2]),
          csv[1] != NULL && csv[2] != NULL && g_str_equal (csv[1], csv[2])
            ? ", critical.csv identical" : ", critical.csv DIFFERS");
  if (csv[1] == NULL || csv[2] == NULL || !g_str_equal (csv[1], csv[2]))
    bench->failed++;
  json_builder_begin_object (bench->builder);
  json_builder_set_member_name (bench->builder, "name");
  json_builder_add_string_value (bench->builder, "mpi-efficiency");
  saddle_summary_add_double (bench->builder, "efficiency", best[1] / (2 * best[2]));
  json_builder_set_member_name (bench->builder, "identical");
  json_builder_add_boolean_value (bench->builder, csv[1] != NULL && csv[2] != NULL
                                                  && g_str_equal (csv[1], csv[2]));
  json_builder_end_object (bench->builder);
  remove_tree (tmp);
}

/* The seconds of the Hessian build and of its eigenvalues from a hessian run's summary.json. */
static gboolean
read_hessian_seconds (const char *dir,
                      double     *build,
                      double     *eigen)
{
  g_autofree char *path = g_build_filename (dir, "summary.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  if (!json_parser_load_from_file (parser, path, NULL)
      || (root = json_node_get_object (json_parser_get_root (parser))) == NULL
      || !json_object_has_member (root, "seconds_eigen"))
    return FALSE;
  *build = json_object_get_double_member (root, "seconds_hessian");
  *eigen = json_object_get_double_member (root, "seconds_eigen");
  return TRUE;
}

/* --mpi --hessian: hessian --method dense of the 16,330-parameter image model (--quick: a
 * 2,181-parameter function model) by LAPACK in one process, then by ELPA and by pdsyevd on 1
 * and 2 ranks, using both cores each time (--threads 2 on one rank, 1 on two); the build and
 * eigenvalue seconds from each run's summary.json, with the load before and after. */
void
saddle_cli_bench_mpi_hessian (Bench                  *bench,
                   const SaddleCliOptions *options)
{
  static const struct { const char *solver; const char *np; const char *threads; } runs[] = {
    { "lapack", NULL, "2" },
    { "elpa", "1", "2" }, { "scalapack", "1", "2" },
    { "elpa", "2", "1" }, { "scalapack", "2", "1" },
  };
  g_autofree char *mpirun = g_find_program_in_path ("mpirun");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("saddle-bench-hessian-XXXXXX", &error);
  g_autofree char *weights = tmp != NULL ? g_build_filename (tmp, "w.txt", NULL) : NULL;
  const char *make_image[] = { self, "trajectories", "--task", "image", "--runs", "1",
                               "--epochs", "1", "--quiet", "--save-weights", weights, "--out",
                               tmp, NULL };
  const char *make_function[] = { self, "gradnorm", "--task", "function", "--hidden", "50,40",
                                  "--activation", "tanh", "--samples", "200", "--epochs", "20",
                                  "--runs", "1", "--quiet", "--save-weights", weights, "--out",
                                  tmp, NULL };
  const char *task = options->quick ? "function" : "image";

  if (mpirun == NULL || self == NULL || tmp == NULL
      || !isfinite (time_command (options->quick ? make_function : make_image, &error)))
    {
      if (error == NULL)
        g_set_error (&error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT, "%s",
                     mpirun == NULL ? "mpirun is not on PATH (Debian: openmpi-bin)"
                                    : "cannot find this program's own path");
      saddle_cli_bench_skipped (bench, "hessian-mpi", error);
      if (tmp != NULL)
        remove_tree (tmp);
      return;
    }
  for (guint r = 0; r < G_N_ELEMENTS (runs) && !saddle_cli_signals_stop_requested (); r++)
    {
      g_autofree char *out = g_strdup_printf ("%s/%s-%s", tmp, runs[r].solver,
                                              runs[r].np != NULL ? runs[r].np : "plain");
      /* --bind-to none: Open MPI binds one or two ranks to a core each, and a rank's second
       * OpenBLAS thread would then share its core. */
      const char *argv[] = { mpirun, "-np", runs[r].np, "--oversubscribe", "--bind-to", "none",
                             self, "hessian",
                             "--task", task, "--weights", weights, "--threads", runs[r].threads,
                             "--eigensolver", runs[r].solver, "--quiet", "--out", out, NULL };
      const char *const *command = runs[r].np != NULL ? argv : argv + 6;
      double load_before = saddle_cli_bench_load_average (), seconds, build = NAN, eigen = NAN;
      g_autofree char *size = NULL;

      seconds = time_command (command, &error);
      if (!isfinite (seconds) || !read_hessian_seconds (out, &build, &eigen))
        {
          saddle_cli_bench_skipped (bench, "hessian-mpi", error);
          g_clear_error (&error);
          continue;
        }
      size = g_strdup_printf ("%s, P = %s: build %.1f s + eigenvalues %.1f s, load %.1f → %.1f",
                              runs[r].solver, runs[r].np != NULL ? runs[r].np : "1 (no MPI)",
                              build, eigen, load_before, saddle_cli_bench_load_average ());
      saddle_cli_bench_record (bench, "hessian-mpi", size, seconds, NAN, NAN, NULL, NAN);
    }
  remove_tree (tmp);
}

