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

/* --- hessian --method dense on several ranks (the distributed Hessian) --- */

/* Weights of a 1-50-40-1 tanh net (2,181 parameters) on 200 points, written into run->dir. */
static void
make_weights (Run *run)
{
  spawn (run, 0, "gradnorm", "--task", "function", "--hidden", "50,40", "--activation", "tanh",
         "--samples", "200", "--epochs", "20", "--runs", "1", "--quiet", "--save-weights",
         "w.txt", "--out", "g", NULL);
  assert_status (run, 0);
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
  assert_status (&run, 0);
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
        assert_status (&run, 0);
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
  run_clear (&run);
}

/* A Hessian refused on one rank of --memory-per-rank is computed on four, the same. */
static void
test_hessian_memory_per_rank (void)
{
  Run run;

  run_init (&run);
  make_weights (&run);
  spawn (&run, 0, "hessian", "--weights", "w.txt", "--quiet", "--still-steps", "0", "--out", "single", NULL);
  assert_status (&run, 0);
  {
    Run single = run;

    single.out = g_strdup (run.out);
    spawn (&run, 1, "hessian", "--weights", "w.txt", "--quiet", "--memory-per-rank", "150MB",
           "--out", "one", NULL);
    assert_status (&run, 1);
    assert_err_has (&run, "The Hessian of 2,181 parameters on 1 rank");
    /* g_format_size() puts a no-break space before the unit. */
    assert_err_has (&run, "each rank may use 150.0\u00a0MB (--memory-per-rank)");
    assert_err_has (&run, "3 ranks with 150.0\u00a0MB each would hold it");
    {
      g_autofree char *out = g_build_filename (run.dir, "one", NULL);

      g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
    }

    spawn (&run, 4, "hessian", "--weights", "w.txt", "--quiet", "--still-steps", "0",
           "--threads", "1", "--memory-per-rank", "150MB", "--out", "four", NULL);
    assert_status (&run, 0);
    g_assert_nonnull (strstr (run.out, "on 4 ranks (a 2 × 2 grid"));
    assert_same_spectrum (&single, "single", &run, "four");
    g_free (single.out);
  }
  run_clear (&run);
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
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "hessian shares its work over MPI ranks only with --method "
                                     "dense"));
  spawn (&run, 0, "hessian", "--weights", "w.txt", "--eigensolver", "elpa", "--out", "e", NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--eigensolver elpa and scalapack run over the ranks of an "
                                     "mpirun"));
  spawn (&run, 0, "hessian", "--weights", "w.txt", "--memory-per-rank", "lots", "--out", "e",
         NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--memory-per-rank must be a whole number of bytes"));
  spawn (&run, 2, "hessian", "--weights", "w.txt", "--method", "slq", "--eigensolver", "elpa",
         "--out", "s", NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--eigensolver does not apply to --method slq"));
  run_clear (&run);
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
  g_test_add_func ("/mpi/hessian/dense", test_hessian_dense);
  g_test_add_func ("/mpi/hessian/memory-per-rank", test_hessian_memory_per_rank);
  g_test_add_func ("/mpi/hessian/refusals", test_hessian_refusals);
  return g_test_run ();
}
