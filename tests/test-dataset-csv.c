/* test-dataset-csv.c — classification samples from CSV: formats, labels, standardisation, errors */
#define G_LOG_DOMAIN "test-dataset-csv"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-dataset-csv.h"
#include "saddle-study.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("saddle-csv-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static char *
write_text (Fixture    *fixture,
            const char *name,
            const char *text,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (fixture->dir, name, NULL);

  g_file_set_contents (path, text, length, &error);
  g_assert_no_error (error);
  return path;
}

static SaddleDataset *
load (Fixture     *fixture,
      const char  *text,
      const char  *label_column,
      gboolean     standardize,
      gsize        max_samples,
      GError     **error)
{
  SaddleCsvOptions options = { label_column, standardize };
  g_autofree char *path = write_text (fixture, "data.csv", text, -1);

  return saddle_dataset_load_csv_classes (path, &options, max_samples, error);
}

/* Integer labels in the first column, no header: features as written, K = largest + 1. */
static void
test_integer_labels (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) d = load (fixture, "2,0.5,-1\r\n0, 1.5 ,2e1\n\n# comment\n1,3,4\n2,5,6",
                                     NULL, FALSE, 0, &error);
  const double want_x[] = { 0.5, -1, 1.5, 20, 3, 4, 5, 6 };
  const guint32 want_labels[] = { 2, 0, 1, 2 };

  g_assert_no_error (error);
  g_assert_cmpint (d->kind, ==, SADDLE_DATASET_CLASSIFICATION);
  g_assert_cmpuint (d->n_samples, ==, 4);
  g_assert_cmpuint (d->n_inputs, ==, 2);
  g_assert_cmpuint (d->n_outputs, ==, 3);
  g_assert_null (d->class_names);
  for (guint i = 0; i < G_N_ELEMENTS (want_x); i++)
    g_assert_cmpfloat (d->x[i], ==, want_x[i]);
  for (guint i = 0; i < G_N_ELEMENTS (want_labels); i++)
    g_assert_cmpuint (d->labels[i], ==, want_labels[i]);
  g_assert_cmpstr (d->name, ==, "data.csv: 4 rows × 2 features, 3 classes");
}

/* Named labels under a header with a "label" column not first; semicolons; quotes. */
static void
test_named_labels (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) d = load (fixture,
                                     "f1;Label;\"f;2\"\n"
                                     "1;virginica;2\n"
                                     "3;setosa;4\n"
                                     "5;\"versi\"\"color\";6\n"
                                     "7;setosa;8\n",
                                     NULL, FALSE, 3, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (d->n_samples, ==, 3);
  g_assert_cmpuint (d->n_inputs, ==, 2);
  /* Sorted bytewise: setosa, versi"color, virginica; from the whole file, not the 3 kept. */
  g_assert_cmpuint (d->n_outputs, ==, 3);
  g_assert_cmpstr (d->class_names[0], ==, "setosa");
  g_assert_cmpstr (d->class_names[1], ==, "versi\"color");
  g_assert_cmpstr (d->class_names[2], ==, "virginica");
  g_assert_null (d->class_names[3]);
  g_assert_cmpuint (d->labels[0], ==, 2);
  g_assert_cmpuint (d->labels[1], ==, 0);
  g_assert_cmpuint (d->labels[2], ==, 1);
  g_assert_cmpfloat (d->x[0], ==, 1);
  g_assert_cmpfloat (d->x[1], ==, 2);
  g_assert_cmpfloat (d->x[5], ==, 6);
  g_assert_nonnull (strstr (d->name, "0 = setosa, 1 = versi\"color, 2 = virginica"));
}

/* The header: declared by naming the label column, or detected. */
static void
test_header (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) named = load (fixture, "a,b,kind\n1,2,0\n3,4,1\n", "kind", FALSE, 0,
                                         &error);
  g_autoptr(SaddleDataset) numeric_header = NULL;
  g_autoptr(SaddleDataset) text_labels = NULL;
  g_autoptr(SaddleDataset) declared = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (named->n_samples, ==, 2);
  g_assert_cmpuint (named->labels[1], ==, 1);
  g_assert_cmpfloat (named->x[2], ==, 3);

  /* A header whose only text is its first field, over numeric labels. */
  numeric_header = load (fixture, "class,1,2\n0,5,6\n1,7,8\n", NULL, FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (numeric_header->n_samples, ==, 2);

  /* Text in the first field of every row: labels, not a header. */
  text_labels = load (fixture, "cat,5,6\ndog,7,8\n", NULL, FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (text_labels->n_samples, ==, 2);
  g_assert_cmpstr (text_labels->class_names[0], ==, "cat");

  /* Declared: a header of numbers is still a header when its label column is named. */
  declared = load (fixture, "0,1,2\n5,6,0\n7,8,1\n", "2", FALSE, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (declared->n_samples, ==, 2);
  g_assert_cmpuint (declared->n_inputs, ==, 2);
  g_assert_cmpuint (declared->labels[0], ==, 0);
  g_assert_cmpfloat (declared->x[0], ==, 5);
}

/* Means 0 and sd 1 (population) within 1e-12 over the samples kept; a constant column to 0. */
static void
test_standardize (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("label,big,small,constant\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) d = NULL;
  g_autoptr(SaddleDataset) raw = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const gsize n = 500, kept = 400;

  for (gsize i = 0; i < n; i++)
    g_string_append_printf (text, "%u,%.17g,%.17g,3.5\n", (guint) (i % 3),
                            1e6 + 1e4 * g_rand_double (rand), 1e-3 * g_rand_double (rand));
  d = load (fixture, text->str, NULL, TRUE, kept, &error);
  g_assert_no_error (error);
  raw = load (fixture, text->str, NULL, FALSE, kept, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->n_samples, ==, kept);
  g_assert_nonnull (strstr (d->name, "standardised"));
  for (gsize j = 0; j < 3; j++)
    {
      double mean = 0, var = 0;

      for (gsize i = 0; i < kept; i++)
        mean += d->x[i * 3 + j];
      mean /= kept;
      for (gsize i = 0; i < kept; i++)
        var += (d->x[i * 3 + j] - mean) * (d->x[i * 3 + j] - mean);
      var /= kept;
      g_assert_cmpfloat (fabs (mean), <, 1e-12);
      if (j < 2)
        g_assert_cmpfloat (fabs (sqrt (var) - 1.0), <, 1e-12);
      else
        g_assert_cmpfloat (var, ==, 0.0);
    }
  /* An affine map of the raw column, order kept. */
  g_assert_cmpint (d->x[0] < d->x[3], ==, raw->x[0] < raw->x[3]);
  g_assert_cmpfloat (raw->x[2], ==, 3.5);
}

static void
assert_fails (Fixture    *fixture,
              const char *text,
              const char *label_column,
              const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) d = load (fixture, text, label_column, FALSE, 0, &error);

  g_assert_null (d);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "data.csv"));
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_errors (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GString) many = g_string_new (NULL);

  assert_fails (fixture, "", NULL, "data.csv: the file is empty");
  assert_fails (fixture, "\n# only a comment\n\n", NULL, "the file is empty");
  assert_fails (fixture, "a,b,label\n", NULL, "data.csv: line 1: a header but no data rows");
  assert_fails (fixture, "0,1,2\n1,3\n", NULL, "line 2: 2 fields, but the first row has 3");
  assert_fails (fixture, "l,a,b\n0,1,2\n1,3,4,5\n", NULL, "line 3: 4 fields, but the header has 3");
  assert_fails (fixture, "l,a,b\n0,1,2\n1,x7,4\n", NULL, "line 3, column 2 (a): “x7” is not a number");
  assert_fails (fixture, "0,1,2\n1,3,NaN\n", NULL, "line 2, column 3: NaN is not allowed");
  assert_fails (fixture, "0,1,2\n1,3,-inf\n", NULL, "line 2, column 3: an infinite value");
  assert_fails (fixture, "0,1,2\n1,3,1e200\n", NULL, "a value beyond ±1e100");
  assert_fails (fixture, "0,1,\n1,3,4\n", NULL, "line 1, column 3: empty field");
  assert_fails (fixture, "0,1\n,3\n", NULL, "line 2, column 1: empty label");
  assert_fails (fixture, "0,1\n0,3\n", NULL, "column 1: every row has the label “0”");
  assert_fails (fixture, "l,a\ncat,1\ncat,3\n", NULL, "column 1 (l): every row has the label");
  assert_fails (fixture, "a,b,kind\n1,2,0\n", "species",
                "line 1: no column “species” in the header; its columns are a, b, kind");
  assert_fails (fixture, "0,1\n200,3\n", NULL, "line 2, column 1: label 200; class numbers go from 0 to 127");
  assert_fails (fixture, "5\n6\n", NULL, "line 1: one field");
  assert_fails (fixture, "0,\"open\n1,2\n", NULL, "line 1, column 2: a quote is not closed");
  assert_fails (fixture, "0,\"1\"x\n1,2\n", NULL, "line 1, column 2: text after a closing quote");
  assert_fails (fixture, "0,1\n1,\xff\n", NULL, "line 2: not UTF-8 text");
  for (guint i = 0; i < 130; i++)
    g_string_append_printf (many, "c%u,%u\n", i, i);
  assert_fails (fixture, many->str, NULL, "line 129, column 1: a 129th distinct label, “c128”");

  {
    static const char nul[] = "0,1\n1,2\0003\n";
    g_autofree char *path = write_text (fixture, "data.csv", nul, sizeof nul - 1);
    g_autoptr(GError) error = NULL;

    g_assert_null (saddle_dataset_load_csv_classes (path, NULL, 0, &error));
    g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "line 2: a NUL byte"));
  }
}

/* Which reader a path takes: a CSV by name or by content; IDX folders as before. */
static void
test_dispatch (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *text = write_text (fixture, "rows.dat", "1,2,3\n0,4,5\n", -1);
  g_autofree char *binary = write_text (fixture, "blob", "\x1f\x8b\x08\x00\x00\x00", 6);
  SaddleCsvOptions standardize = { NULL, TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) d = NULL;
  SaddleStudyConfig config;

  g_assert_true (saddle_dataset_is_csv (text));
  g_assert_false (saddle_dataset_is_csv (binary));
  d = saddle_dataset_load_classes (text, NULL, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->n_inputs, ==, 2);
  g_clear_pointer (&d, saddle_dataset_unref);

  g_assert_null (saddle_dataset_load_classes (binary, NULL, 0, &error));
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT);
  g_clear_error (&error);
  g_assert_null (saddle_dataset_load_classes (fixture->dir, &standardize, 0, &error));
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "standardising applies to CSV data only"));
  g_clear_error (&error);

  /* The study's image task reads it, with --samples and the config's options. */
  saddle_study_config_init (&config, SADDLE_STUDY_GRADNORM, SADDLE_TASK_IMAGE);
  config.data_path = g_strdup (text);
  config.samples = 1;
  config.standardize = TRUE;
  d = saddle_study_config_load_dataset (&config, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->n_samples, ==, 1);
  g_assert_cmpfloat (d->x[0], ==, 0.0);    /* one sample: centred, sd 0 */
  g_assert_true (saddle_study_config_check_dataset (&config, d, &error));
  g_assert_no_error (error);
  saddle_study_config_clear (&config);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/dataset-csv/integer-labels", test_integer_labels);
  ADD ("/core/dataset-csv/named-labels", test_named_labels);
  ADD ("/core/dataset-csv/header", test_header);
  ADD ("/core/dataset-csv/standardize", test_standardize);
  ADD ("/core/dataset-csv/errors", test_errors);
  ADD ("/core/dataset-csv/dispatch", test_dispatch);
#undef ADD

  return g_test_run ();
}
