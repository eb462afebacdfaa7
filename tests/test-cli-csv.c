/* test-cli-csv.c — saddle-cli on classification data from a CSV file the test writes
 *
 * Every study command reads it through --data (by name and by content), with --label-column
 * and --standardize; summary.json and the weights header record how, so hessian rebuilds
 * the same data; a bad file stops the command with its line and column.
 */
#define G_LOG_DOMAIN "test-cli-csv"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-test-run.h"

/* 60 rows, 3 features, three named classes, the label in the second column. */
static char *
write_dataset (SaddleTestRun *run,
               const char    *name)
{
  g_autoptr(GString) text = g_string_new ("width,species,height,depth\n");
  g_autofree char *path = g_build_filename (run->dir, name, NULL);
  static const char *const species[] = { "emu", "cat", "dog" };

  for (guint i = 0; i < 60; i++)
    {
      guint c = (i * 7) % 3;

      g_string_append_printf (text, "%g,%s,%g,%g\n", 100.0 * c + i % 5, species[c],
                              0.01 * (double) ((i * 13) % 11), c == 2 ? 1.0 : -1.0);
    }
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  return g_steal_pointer (&path);
}

static char *
contents (SaddleTestRun *run,
          const char    *name)
{
  g_autofree char *path = g_build_filename (run->dir, name, NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
spawn (SaddleTestRun *run,
       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (gpointer) run->cli);
  va_start (args, run);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  saddle_test_run_spawn (run, (const char * const *) argv->pdata);
}

static void
test_studies (gconstpointer cli)
{
  SaddleTestRun run;
  g_autofree char *path = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *weights = NULL;
  g_autofree char *history = NULL;

  saddle_test_run_init (&run, cli, "saddle-cli-csv-XXXXXX");
  path = write_dataset (&run, "animals.csv");

  /* A short study: the CSV is the image task's data, the classes named in sorted order. */
  spawn (&run, "gradnorm", "--data", "animals.csv", "--label-column", "species", "--standardize",
         "--hidden", "5", "--epochs", "3", "--batch", "20", "--runs", "2", "--out", "g", NULL);
  saddle_test_run_assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "animals.csv: 60 rows × 3 features, 3 classes "
                                     "(0 = cat, 1 = dog, 2 = emu), standardised"));
  /* 3-5-3: 20 + 18 = 38 parameters. */
  g_assert_nonnull (strstr (run.out, "3-5-3 relu, 38 parameters"));
  history = contents (&run, "g/history.csv");
  g_assert_cmpuint (g_strv_length (g_strsplit (history, "\n", -1)), ==, 1 + 2 * 3 * 3 + 1);
  summary = contents (&run, "g/summary.json");
  g_assert_nonnull (strstr (summary, "\"data\" : \"animals.csv\""));
  g_assert_nonnull (strstr (summary, "\"label_column\" : \"species\""));
  g_assert_nonnull (strstr (summary, "\"standardize\" : true"));

  /* --samples keeps the first rows, as for IDX; the classes still come from the whole file. */
  spawn (&run, "trajectories", "--data", "animals.csv", "--label-column", "species",
         "--samples", "10", "--hidden", "4", "--epochs", "2", "--runs", "2", "--surface", "5",
         "--out", "t", "--quiet", NULL);
  saddle_test_run_assert_status (&run, 0);
  g_clear_pointer (&summary, g_free);
  summary = contents (&run, "t/summary.json");
  g_assert_nonnull (strstr (summary, "10 rows × 3 features, 3 classes"));
  g_assert_nonnull (strstr (summary, "\"standardize\" : false"));

  /* critical defaults to the function task: --label-column says it is a classification. */
  spawn (&run, "critical", "--data", "animals.csv", "--label-column", "species", "--standardize",
         "--hidden", "3", "--epochs", "10", "--runs", "1", "--descent-steps", "10",
         "--newton-steps", "0", "--still-steps", "5", "--out", "c", "--save-weights", "w.txt",
         "--quiet", NULL);
  saddle_test_run_assert_status (&run, 0);
  weights = contents (&run, "w.txt");
  g_assert_nonnull (strstr (weights, "--task image"));
  g_assert_nonnull (strstr (weights, "--label-column 'species' --standardize"));

  /* hessian rebuilds the model and the same standardised data from the header alone. */
  spawn (&run, "hessian", "--weights", "w.txt", "--out", "h", NULL);
  saddle_test_run_assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "Parameters: 24\n"));
  g_assert_nonnull (strstr (run.out, "standardised"));

  /* A text file not called .csv is read as one by its content. */
  g_assert_cmpint (g_rename (path, g_strconcat (run.dir, "/animals.data", NULL)), ==, 0);
  spawn (&run, "gradnorm", "--data", "animals.data", "--label-column", "species",
         "--hidden", "2", "--epochs", "1", "--runs", "1", "--out", "d", "--quiet", NULL);
  saddle_test_run_assert_status (&run, 0);

  saddle_test_run_clear (&run);
}

static void
test_errors (gconstpointer cli)
{
  SaddleTestRun run;
  g_autofree char *bad = NULL;

  saddle_test_run_init (&run, cli, "saddle-cli-csv-XXXXXX");
  bad = g_build_filename (run.dir, "bad.csv", NULL);
  g_assert_true (g_file_set_contents (bad, "a,label,b\n1,x,2\n3,y,oops\n", -1, NULL));
  spawn (&run, "gradnorm", "--data", "bad.csv", NULL);
  saddle_test_run_assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "bad.csv: line 3, column 3 (b): “oops” is not a number"));

  spawn (&run, "gradnorm", "--data", "bad.csv", "--label-column", "kind", NULL);
  saddle_test_run_assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "no column “kind” in the header"));

  /* The function task reads x,y rows: it says so, and how to classify instead. */
  spawn (&run, "gradnorm", "--task", "function", "--data", "bad.csv", NULL);
  saddle_test_run_assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "use --task image"));
  spawn (&run, "gradnorm", "--task", "function", "--standardize", NULL);
  saddle_test_run_assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--standardize is for labelled CSV rows"));

  /* Standardising IDX images is refused, not ignored. */
  spawn (&run, "gradnorm", "--standardize", "--epochs", "1", NULL);
  saddle_test_run_assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "standardising applies to CSV data only"));

  saddle_test_run_clear (&run);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    {
      g_printerr ("usage: %s SADDLE-CLI\n", argv[0]);
      return 1;
    }
  g_test_add_data_func ("/cli/csv/studies", argv[1], test_studies);
  g_test_add_data_func ("/cli/csv/errors", argv[1], test_errors);
  return g_test_run ();
}
