/* test-mpi.c — saddle-cli under mpirun: start-up, the commands that refuse it, and the
 * critical study shared over ranks (byte-identical to one process, a failing rank, Ctrl-C)
 *
 * argv[1] is mpirun, argv[2] the saddle-cli binary, argv[3] (if built) the app (tests/meson.build
 * passes them). Each test
 * works in its own temporary folder. mpirun runs with --oversubscribe (CI has 2 cores) and
 * Open MPI's two variables that let it run as root (CI runs as root; see tests/meson.build).
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-test-run.h"

static const char *mpirun;
static const char *cli;
static const char *app;   /* the GTK app, or NULL when it is not built */

/* Its status is mpirun's, or saddle-cli's run alone. */
typedef SaddleTestRun Run;

static void
run_init (Run *run)
{
  saddle_test_run_init (run, cli, "saddle-mpi-test-XXXXXX");
}

/* "mpirun -np @np --oversubscribe saddle-cli ARGS…", or saddle-cli alone for @np = 0. */
static GPtrArray *
command_argv (guint       np,
              const char *first,
              va_list     args)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);

  if (np > 0)
    {
      g_ptr_array_add (argv, g_strdup (mpirun));
      g_ptr_array_add (argv, g_strdup ("-np"));
      g_ptr_array_add (argv, g_strdup_printf ("%u", np));
      g_ptr_array_add (argv, g_strdup ("--oversubscribe"));
    }
  g_ptr_array_add (argv, g_strdup (cli));
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs saddle-cli on @np ranks (0: without mpirun) in run->dir, arguments up to NULL. */
static void
spawn (Run        *run,
       guint       np,
       const char *first,
       ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, first);
  argv = command_argv (np, first, args);
  va_end (args);
  saddle_test_run_spawn (run, (const char * const *) argv->pdata);
}


/* Under mpirun the ranks start MPI and see each other; only rank 0 speaks. */
static void
test_start_up (void)
{
  Run run;

  run_init (&run);
  spawn (&run, 2, "--version", NULL);
  saddle_test_run_assert_status (&run, 0);
  g_assert_cmpstr (run.out, ==, "saddle-cli " PACKAGE_VERSION ", MPI with 2 ranks\n");

  /* Without mpirun, no MPI at all: the plain line. */
  spawn (&run, 0, "--version", NULL);
  saddle_test_run_assert_status (&run, 0);
  g_assert_cmpstr (run.out, ==, "saddle-cli " PACKAGE_VERSION "\n");
  saddle_test_run_clear (&run);
}

/* A command that does not share its work is refused on several ranks, not run twice. */
static void
test_refused (void)
{
  Run run;

  run_init (&run);
  spawn (&run, 2, "gradnorm", "--task", "function", "--epochs", "1", "--out", "g", NULL);
  saddle_test_run_assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "gradnorm does not share its work over MPI ranks"));
  {
    g_autofree char *out = g_build_filename (run.dir, "g", NULL);

    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  saddle_test_run_clear (&run);
}

/* A tiny critical study: a run takes a few milliseconds. */
#define TINY "--hidden", "3", "--samples", "40", "--batch", "40", "--epochs", "20", \
             "--descent-steps", "20", "--newton-steps", "2", "--still-steps", "20", "--jobs", "1"

static char *
path_in (const Run  *run,
         const char *folder,
         const char *name)
{
  return g_build_filename (run->dir, folder, name, NULL);
}

static char *
read_in (const Run  *run,
         const char *folder,
         const char *name)
{
  g_autofree char *path = path_in (run, folder, name);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

/* Every file of folder @a is in @b with the same bytes, and @b has no other. */
static void
assert_same_folders (const Run  *run,
                     const char *a,
                     const char *b)
{
  g_autofree char *dir_a = g_build_filename (run->dir, a, NULL);
  g_autofree char *dir_b = g_build_filename (run->dir, b, NULL);
  g_autoptr(GDir) listing = g_dir_open (dir_a, 0, NULL);
  g_autoptr(GDir) other = g_dir_open (dir_b, 0, NULL);
  const char *name;
  guint files = 0, files_b = 0;

  g_assert_nonnull (listing);
  g_assert_nonnull (other);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *one = NULL, *two = NULL;

      /* .saddle-lock holds the writer's process id. */
      if (name[0] == '.')
        continue;
      one = read_in (run, a, name);
      two = read_in (run, b, name);

      if (two == NULL)
        g_error ("%s/%s has no counterpart in %s", a, name, b);
      if (!g_str_equal (one, two))
        g_error ("%s/%s and %s/%s differ", a, name, b, name);
      files++;
    }
  while ((name = g_dir_read_name (other)) != NULL)
    files_b += name[0] != '.';
  g_assert_cmpuint (files, ==, files_b);
  g_test_message ("%u files identical", files);
}

/* Runs long enough that rank 1 takes some of them: rank 0's own worker took all 12 TINY runs
 * (2.5 ms each since 2026-12-07) before rank 1's first request in a CI run on 2 busy cores.
 * About 23 ms a run. */
#define BUSY "--samples", "200", "--batch", "10", "--epochs", "1000"

/* mpirun -np 2 writes what one process writes, byte for byte (summary.json holds no
 * timings), runs shared by both ranks; --first-run works the same way. */
static void
test_critical_identical (void)
{
  Run run;

  run_init (&run);
  spawn (&run, 0, "critical", TINY, BUSY, "--runs", "12", "--spectra", "all", "--out", "one",
         NULL);
  saddle_test_run_assert_status (&run, 0);
  spawn (&run, 2, "critical", TINY, BUSY, "--runs", "12", "--spectra", "all", "--out", "two",
         NULL);
  saddle_test_run_assert_status (&run, 0);
  assert_same_folders (&run, "one", "two");
  /* Progress from rank 0 for the whole study, and rank 1 did some of the runs. */
  g_assert_nonnull (strstr (run.err, "12 of 12 done on 2 ranks"));
  g_assert_nonnull (strstr (run.err, "Runs per rank: 0: "));
  g_assert_null (strstr (run.err, ", 1: 0\n"));

  spawn (&run, 0, "critical", TINY, "--first-run", "5", "--runs", "4", "--out", "one-5", NULL);
  saddle_test_run_assert_status (&run, 0);
  spawn (&run, 2, "critical", TINY, "--first-run", "5", "--runs", "4", "--out", "two-5", NULL);
  saddle_test_run_assert_status (&run, 0);
  assert_same_folders (&run, "one-5", "two-5");
  saddle_test_run_clear (&run);
}

/* A rank that cannot start (its data is bad: mpirun's MPMD form gives rank 1 other data) stops
 * every rank before any work; the message names the rank and the cause. */
static void
test_critical_rank_cannot_start (void)
{
  g_autofree char *bad = NULL, *critical = NULL;
  const char *argv[] = { mpirun, "--oversubscribe", "-np", "1", cli, "critical", "--task",
                         "function", TINY, "--runs", "4", "--out", "c", ":", "-np", "1", cli,
                         "critical", "--task", "function", "--data", "bad.csv", TINY, "--runs",
                         "4", "--out", "c", NULL };
  Run run;

  run_init (&run);
  bad = g_build_filename (run.dir, "bad.csv", NULL);
  g_assert_true (g_file_set_contents (bad, "x,y\n1,abc\n", -1, NULL));
  saddle_test_run_spawn (&run, argv);
  saddle_test_run_assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "saddle-cli: rank 1: Cannot load the training data"));
  g_assert_nonnull (strstr (run.err, "line 2"));
  critical = read_in (&run, "c", "critical.csv");
  g_assert_null (critical);
  saddle_test_run_clear (&run);
}

/* The pid of rank @rank among @parent's children (their OMPI_COMM_WORLD_RANK), or 0. */
static GPid
rank_pid (GPid parent,
          int  rank)
{
  g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *wanted = g_strdup_printf ("OMPI_COMM_WORLD_RANK=%d", rank);
  const char *name;

  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *env_path = g_build_filename ("/proc", name, "environ", NULL);
      g_autofree char *stat = NULL, *env = NULL;
      gsize length = 0;
      const char *after;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid …": the command may hold spaces, so parse after its ")". */
      after = strrchr (stat, ')');
      if (after == NULL || sscanf (after + 1, " %*c %d", &ppid) != 1 || ppid != parent)
        continue;
      if (!g_file_get_contents (env_path, &env, &length, NULL))
        continue;
      for (gsize i = 0; i < length; i += strlen (env + i) + 1)
        if (g_str_equal (env + i, wanted))
          return atoi (name);
    }
  return 0;
}

/* Starts "mpirun -np 2 saddle-cli critical" on runs of a fraction of a second (a stop lands
 * mid-study) with stderr into run->dir/err.txt,
 * waits until rank 0 reports @points points, then sends @signum to rank @rank (-1: both). */
static void
spawn_and_signal_ranks (Run *run,
                        int  rank,
                        int  signum,
                        guint points)
{
  g_autofree char *err_path = g_build_filename (run->dir, "err.txt", NULL);
  g_autofree char *shell = NULL;
  g_autofree char *needle = g_strdup_printf (" %u of 10000 done", points);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
  int wait_status = 0;
  GPid pid;
  gint64 deadline = g_get_monotonic_time () + 120 * G_TIME_SPAN_SECOND;

  shell = g_strdup_printf ("exec '%s' -np 2 --oversubscribe '%s' critical %s 2> err.txt", mpirun,
                           cli, "--hidden 20 --samples 200 --batch 50 --epochs 30 "
                           "--descent-steps 200 --newton-steps 2 --still-steps 20 --jobs 1 "
                           "--runs 10000 --out c");
  argv[2] = shell;
  g_assert_true (g_spawn_async (run->dir, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                NULL, &pid, &error));
  g_assert_no_error (error);
  for (;;)
    {
      g_autofree char *err = NULL;

      g_file_get_contents (err_path, &err, NULL, NULL);
      if (err != NULL && strstr (err, needle) != NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }
  for (int r = 0; r < 2; r++)
    if (rank < 0 || r == rank)
      {
        GPid child = rank_pid (pid, r);

        g_assert_cmpint (child, >, 0);
        kill (child, signum);
      }
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
  g_file_get_contents (err_path, &run->err, NULL, NULL);
}

/* A rank stopped mid-study (its own SIGTERM: a node going down) stops the others; what
 * finished is written, and the message names the rank and the cause. */
static void
test_critical_rank_stopped (void)
{
  g_autofree char *summary = NULL, *critical = NULL;
  g_auto(GStrv) rows = NULL;
  Run run;

  run_init (&run);
  spawn_and_signal_ranks (&run, 1, SIGTERM, 3);
  saddle_test_run_assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "saddle-cli: rank 1: stopped by signal 15 (Terminated); "
                                     "the other ranks stopped"));
  summary = read_in (&run, "c", "summary.json");
  g_assert_nonnull (summary);
  g_assert_nonnull (strstr (summary, "\"cancelled\" : true"));
  critical = read_in (&run, "c", "critical.csv");
  /* A header and at least the 3 points reported before the stop. */
  g_assert_nonnull (critical);
  rows = g_strsplit (critical, "\n", -1);
  g_assert_cmpuint (g_strv_length (rows), >=, 5);
  saddle_test_run_clear (&run);
}

/* bench --mpi times the study on 1 and 2 ranks and checks both wrote the same points. */
static void
test_bench (void)
{
  g_autofree char *json = NULL;
  Run run;

  run_init (&run);
  spawn (&run, 0, "bench", "--mpi", "--quick", "--out", "b", NULL);
  saddle_test_run_assert_status (&run, 0);
  /* The name column's width is the bench's business: the line's content is the test's. */
  g_assert_nonnull (strstr (run.out, "critical-mpi "));
  g_assert_nonnull (strstr (run.out, " P = 1, critical --runs"));
  g_assert_nonnull (strstr (run.out, " P = 2, critical --runs"));
  g_assert_nonnull (strstr (run.out, "critical.csv identical"));
  json = read_in (&run, "b", "bench.json");
  g_assert_nonnull (json);
  g_assert_nonnull (strstr (json, "\"efficiency\""));
  saddle_test_run_clear (&run);
}

/* Ctrl-C that reaches the ranks (SIGINT to each, as a terminal gives its foreground job):
 * the finished runs are written and mpirun exits 130, as one process does. (Ctrl-C on mpirun
 * itself races Open MPI's one-second kill, see the README: not a test that could pass always.) */
static void
test_critical_interrupt (void)
{
  g_autofree char *summary = NULL;
  Run run;

  run_init (&run);
  spawn_and_signal_ranks (&run, -1, SIGINT, 3);
  saddle_test_run_assert_status (&run, 130);
  g_assert_nonnull (strstr (run.err, "interrupted; the files above hold the runs done so far"));
  summary = read_in (&run, "c", "summary.json");
  g_assert_nonnull (summary);
  g_assert_nonnull (strstr (summary, "\"cancelled\" : true"));
  saddle_test_run_clear (&run);
}

/* saddle-cli links MPI; the app never does (design: it opens what saddle-cli wrote). */
static void
test_app_without_mpi (void)
{
  g_autofree char *cli_libs = NULL, *app_libs = NULL;
  const char *cli_argv[] = { "ldd", cli, NULL };
  const char *app_argv[] = { "ldd", app, NULL };
  g_autoptr(GError) error = NULL;

  if (app == NULL)
    {
      g_test_skip ("the app is not built");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) cli_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &cli_libs, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (cli_libs, "libmpi"));
  g_assert_true (g_spawn_sync (NULL, (char **) app_argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               &app_libs, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (app_libs, "libgtk-4"));
  g_assert_null (strstr (app_libs, "libmpi"));
}

/* --- hessian --method dense on several ranks (the distributed Hessian) --- */

/* Weights of a 1-50-40-1 tanh net (2,181 parameters) on 200 points, written into run->dir. */
static void
make_weights (Run *run)
{
  spawn (run, 0, "gradnorm", "--task", "function", "--hidden", "50,40", "--activation", "tanh",
         "--samples", "200", "--epochs", "20", "--runs", "1", "--quiet", "--save-weights",
         "w.txt", "--out", "g", NULL);
  saddle_test_run_assert_status (run, 0);
}

/* Fails showing @run's output unless @text is in its stderr. */
static void
assert_err_has (const Run  *run,
                const char *text)
{
  if (strstr (run->err, text) == NULL)
    g_error ("“%s” not in stderr:\n%s", text, run->err);
}

/* The line of @out starting with @prefix (g_free), or fails. */
static char *
line_of (const char *out,
         const char *prefix)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i]);
  g_error ("no line starting “%s” in:\n%s", prefix, out);
  return NULL;
}

/* The eigenvalue column of @dir/eigenvalues.csv ("index,eigenvalue" rows). */
static GArray *
read_eigenvalues (const char *run_dir,
                  const char *dir)
{
  g_autofree char *path = g_build_filename (run_dir, dir, "eigenvalues.csv", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "index,eigenvalue");
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *comma = strchr (lines[i], ',');
      double v;

      g_assert_nonnull (comma);
      v = g_ascii_strtod (comma + 1, NULL);
      g_array_append_val (values, v);
    }
  return values;
}

/* Counts, ratios and label as one process printed them; every eigenvalue within
 * 1e-12·max|λ| of its. */
static void
assert_same_spectrum (const Run  *single,
                      const char *single_dir,
                      const Run  *shared,
                      const char *shared_dir)
{
  static const char *const prefixes[] = {
    "Parameters:", "Eigenvalues:", "Tolerance:", "Minimal ratio:", "Non-zero ratio:", "Label:",
  };
  g_autoptr(GArray) a = read_eigenvalues (single->dir, single_dir);
  g_autoptr(GArray) b = read_eigenvalues (shared->dir, shared_dir);
  double max_abs = 0.0;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *x = line_of (single->out, prefixes[i]);
      g_autofree char *y = line_of (shared->out, prefixes[i]);

      g_assert_cmpstr (x, ==, y);
    }
  g_assert_cmpuint (a->len, ==, 2181);
  g_assert_cmpuint (b->len, ==, a->len);
  for (guint i = 0; i < a->len; i++)
    max_abs = MAX (max_abs, fabs (g_array_index (a, double, i)));
  g_assert_cmpfloat (max_abs, >, 0.0);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpfloat (fabs (g_array_index (a, double, i) - g_array_index (b, double, i)), <=,
                       1e-12 * max_abs);
}

/* The numbers of a CSV file after its header, row by row. */
static GPtrArray *
read_csv_rows (const char *dir,
               const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      GArray *row = g_array_new (FALSE, FALSE, sizeof (double));

      for (guint c = 0; cells[c] != NULL; c++)
        {
          double v = g_ascii_strtod (cells[c], NULL);

          g_array_append_val (row, v);
        }
      g_ptr_array_add (rows, row);
    }
  return rows;
}

/* Two CSV files of numbers (paths under @dir) agree entry by entry within @tolerance. */
static void
assert_csv_close (const char *dir,
                  const char *file_a,
                  const char *file_b,
                  double      tolerance)
{
  g_autoptr(GPtrArray) a = read_csv_rows (dir, file_a);
  g_autoptr(GPtrArray) b = read_csv_rows (dir, file_b);

  g_assert_cmpuint (a->len, >, 0);
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      GArray *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      g_assert_cmpuint (x->len, ==, y->len);
      for (guint c = 0; c < x->len; c++)
        g_assert_cmpfloat (fabs (g_array_index (x, double, c) - g_array_index (y, double, c)),
                           <=, tolerance);
    }
}

/* The columns of eigenvectors.csv after the parameter index are unit vectors. */
static void
assert_unit_columns (const char *dir,
                     const char *file,
                     guint       columns)
{
  g_autoptr(GPtrArray) rows = read_csv_rows (dir, file);

  for (guint c = 1; c <= columns; c++)
    {
      double sum = 0.0;

      for (guint i = 0; i < rows->len; i++)
        {
          GArray *row = g_ptr_array_index (rows, i);

          g_assert_cmpuint (row->len, ==, columns + 1);
          sum += g_array_index (row, double, c) * g_array_index (row, double, c);
        }
      g_assert_cmpfloat (fabs (sqrt (sum) - 1.0), <, 1e-12);
    }
}

/* mpirun -np 2 with ELPA and with pdsyevd gives the single-process spectrum and slices; the
 * extreme eigenvectors they bring back are unit vectors, the same from both solvers. */
static void
test_hessian_dense (void)
{
  Run run;

  run_init (&run);
  make_weights (&run);
  spawn (&run, 0, "hessian", "--weights", "w.txt", "--quiet", "--still-steps", "0", "--slice",
         "--out", "single", NULL);
  saddle_test_run_assert_status (&run, 0);
  {
    Run single = run;

    single.out = g_strdup (run.out);
    for (guint s = 0; s < 2; s++)
      {
        const char *solver = s == 0 ? "elpa" : "scalapack";
        g_autofree char *describe = g_strdup_printf ("Eigensolver: %s on 2 ranks", solver);
        g_autofree char *slice = g_build_filename (solver, "slice.csv", NULL);

        spawn (&run, 2, "hessian", "--weights", "w.txt", "--quiet", "--still-steps", "0",
               "--threads", "1", "--eigensolver", solver, "--eigenvectors", "2", "--slice",
               "--out", solver, NULL);
        saddle_test_run_assert_status (&run, 0);
        g_assert_nonnull (strstr (run.out, describe));
        assert_same_spectrum (&single, "single", &run, solver);
        /* The slices walk the same eigenvectors as one process found (loss to rounding). */
        assert_csv_close (run.dir, "single/slice.csv", slice, 1e-10);
      }
    assert_unit_columns (run.dir, "elpa/eigenvectors.csv", 4);
    /* λmin, λmax and their neighbours are simple here: each vector is defined up to its sign,
     * which both orient the same way. */
    assert_csv_close (run.dir, "elpa/eigenvectors.csv", "scalapack/eigenvectors.csv", 1e-10);
    g_free (single.out);
  }
  saddle_test_run_clear (&run);
}

/* A Hessian refused on one rank of --memory-per-rank is computed on four, the same. */
static void
test_hessian_memory_per_rank (void)
{
  Run run;

  run_init (&run);
  make_weights (&run);
  spawn (&run, 0, "hessian", "--weights", "w.txt", "--quiet", "--still-steps", "0", "--out", "single", NULL);
  saddle_test_run_assert_status (&run, 0);
  {
    Run single = run;

    single.out = g_strdup (run.out);
    spawn (&run, 1, "hessian", "--weights", "w.txt", "--quiet", "--eigensolver", "elpa",
           "--memory-per-rank", "150MB", "--out", "one", NULL);
    saddle_test_run_assert_status (&run, 1);
    assert_err_has (&run, "The Hessian of 2,181 parameters on 1 rank");
    /* g_format_size() puts a no-break space before the unit. */
    assert_err_has (&run, "each rank may use 150.0\u00a0MB (--memory-per-rank)");
    assert_err_has (&run, "3 ranks with 150.0\u00a0MB each would hold it");
    {
      g_autofree char *out = g_build_filename (run.dir, "one", NULL);

      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }

    spawn (&run, 4, "hessian", "--weights", "w.txt", "--quiet", "--still-steps", "0",
           "--threads", "1", "--eigensolver", "elpa", "--memory-per-rank", "150MB", "--out",
           "four", NULL);
    saddle_test_run_assert_status (&run, 0);
    g_assert_nonnull (strstr (run.out, "on 4 ranks (a 2 × 2 grid"));
    assert_same_spectrum (&single, "single", &run, "four");
    g_free (single.out);
  }
  saddle_test_run_clear (&run);
}

/* What only the distributed Hessian reads is refused elsewhere, and the matrix-free methods
 * do not pretend to share their work. */
static void
test_hessian_refusals (void)
{
  Run run;

  run_init (&run);
  make_weights (&run);
  spawn (&run, 2, "hessian", "--weights", "w.txt", "--method", "lanczos", "--out", "l", NULL);
  saddle_test_run_assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "hessian shares its work over MPI ranks only with --method "
                                     "dense"));
  spawn (&run, 0, "hessian", "--weights", "w.txt", "--eigensolver", "elpa", "--out", "e", NULL);
  saddle_test_run_assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--eigensolver elpa and scalapack run over the ranks of an "
                                     "mpirun"));
  spawn (&run, 0, "hessian", "--weights", "w.txt", "--memory-per-rank", "lots", "--out", "e",
         NULL);
  saddle_test_run_assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--memory-per-rank must be a whole number of bytes"));
  spawn (&run, 2, "hessian", "--weights", "w.txt", "--method", "slq", "--eigensolver", "elpa",
         "--out", "s", NULL);
  saddle_test_run_assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--eigensolver does not apply to --method slq"));
  saddle_test_run_clear (&run);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 3)
    {
      g_printerr ("usage: %s MPIRUN SADDLE-CLI\n", argv[0]);
      return 2;
    }
  mpirun = argv[1];
  cli = argv[2];
  app = argc > 3 ? argv[3] : NULL;

  g_test_add_func ("/mpi/start-up", test_start_up);
  g_test_add_func ("/mpi/refused", test_refused);
  g_test_add_func ("/mpi/app-without-mpi", test_app_without_mpi);
  g_test_add_func ("/mpi/critical/identical", test_critical_identical);
  g_test_add_func ("/mpi/critical/rank-cannot-start", test_critical_rank_cannot_start);
  g_test_add_func ("/mpi/critical/rank-stopped", test_critical_rank_stopped);
  g_test_add_func ("/mpi/critical/interrupt", test_critical_interrupt);
  g_test_add_func ("/mpi/bench", test_bench);
  g_test_add_func ("/mpi/hessian/dense", test_hessian_dense);
  g_test_add_func ("/mpi/hessian/memory-per-rank", test_hessian_memory_per_rank);
  g_test_add_func ("/mpi/hessian/refusals", test_hessian_refusals);
  return g_test_run ();
}
