/* test-mpi.c — saddle-cli under mpirun: start-up, the commands that refuse it, and the
 * critical study shared over ranks (byte-identical to one process, a failing rank, Ctrl-C)
 *
 * argv[1] is mpirun, argv[2] the saddle-cli binary, argv[3] (if built) the app (tests/meson.build
 * passes them). Each test
 * works in its own temporary folder. mpirun runs with --oversubscribe (CI has 2 cores) and
 * Open MPI's two variables that let it run as root (CI runs as root; see tests/meson.build).
 */
#include "config.h"

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

/* mpirun -np 2 writes what one process writes, byte for byte (summary.json holds no
 * timings), runs shared by both ranks; --first-run works the same way. */
static void
test_critical_identical (void)
{
  Run run;

  run_init (&run);
  spawn (&run, 0, "critical", TINY, "--runs", "12", "--spectra", "all", "--out", "one", NULL);
  saddle_test_run_assert_status (&run, 0);
  spawn (&run, 2, "critical", TINY, "--runs", "12", "--spectra", "all", "--out", "two", NULL);
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
  g_assert_nonnull (strstr (run.out, "critical-mpi     P = 1"));
  g_assert_nonnull (strstr (run.out, "critical-mpi     P = 2"));
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
  return g_test_run ();
}
