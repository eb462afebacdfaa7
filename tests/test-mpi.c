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
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

static const char *mpirun;
static const char *cli;
static const char *app;   /* the GTK app, or NULL when it is not built */

typedef struct
{
  char *dir;          /* the temporary folder the command runs in */
  char *out;          /* stdout */
  char *err;          /* stderr */
  int   status;       /* exit status (of mpirun, or of saddle-cli alone) */
} Run;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
run_init (Run *run)
{
  g_autoptr(GError) error = NULL;

  memset (run, 0, sizeof *run);
  run->dir = g_dir_make_tmp ("saddle-mpi-test-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
run_clear (Run *run)
{
  if (run->dir != NULL)
    remove_tree (run->dir);
  g_clear_pointer (&run->dir, g_free);
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
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
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  va_list args;

  va_start (args, first);
  argv = command_argv (np, first, args);
  va_end (args);

  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_assert_true (g_spawn_sync (run->dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static void
assert_status (const Run *run,
               int        status)
{
  if (run->status != status)
    g_error ("exit status %d, not %d\nstdout:\n%s\nstderr:\n%s", run->status, status, run->out,
             run->err);
}

/* Under mpirun the ranks start MPI and see each other; only rank 0 speaks. */
static void
test_start_up (void)
{
  Run run;

  run_init (&run);
  spawn (&run, 2, "--version", NULL);
  assert_status (&run, 0);
  g_assert_cmpstr (run.out, ==, "saddle-cli " PACKAGE_VERSION ", MPI with 2 ranks\n");

  /* Without mpirun, no MPI at all: the plain line. */
  spawn (&run, 0, "--version", NULL);
  assert_status (&run, 0);
  g_assert_cmpstr (run.out, ==, "saddle-cli " PACKAGE_VERSION "\n");
  run_clear (&run);
}

/* A command that does not share its work is refused on several ranks, not run twice. */
static void
test_refused (void)
{
  Run run;

  run_init (&run);
  spawn (&run, 2, "gradnorm", "--task", "function", "--epochs", "1", "--out", "g", NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "gradnorm does not share its work over MPI ranks"));
  {
    g_autofree char *out = g_build_filename (run.dir, "g", NULL);

    g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  }
  run_clear (&run);
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
  return g_test_run ();
}
