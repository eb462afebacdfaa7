/* test-cli.c — saddle-cli end to end: every command on small settings, its files, its errors
 *
 * argv[1] is the saddle-cli binary (tests/meson.build passes it). Each test
 * works in its own temporary folder and spawns the binary there.
 */
/* posix_openpt() and friends, for a pseudo-terminal on stderr. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-test-run.h"

typedef SaddleTestRun Run;

typedef struct
{
  guint    depth;
  gboolean root_is_svg;
  guint    paths;
} SvgCount;

/* test-cli links GLib only, not libm. */
static double
abs_d (double x)
{
  return x < 0 ? -x : x;
}

static void
run_clear (Run *run)
{
  saddle_test_run_clear (run);
}

static void
run_init (Run           *run,
          gconstpointer  cli)
{
  saddle_test_run_init (run, cli, "saddle-cli-test-XXXXXX");
}

/* saddle-cli, then @first and the rest of @args up to NULL, then NULL: an argv. */
static GPtrArray *
cli_argv (const Run  *run,
          const char *first,
          va_list     args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer) run->cli);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  g_ptr_array_add (argv, NULL);
  return argv;
}

/* Runs saddle-cli with the NULL-terminated arguments in run->dir. */
static void
spawn (Run        *run,
       const char *first,
       ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  va_list args;

  va_start (args, first);
  argv = cli_argv (run, first, args);
  va_end (args);
  saddle_test_run_spawn (run, (const char * const *) argv->pdata);
}

static void
assert_status (const Run *run,
               int        status)
{
  saddle_test_run_assert_status (run, status);
}

static char *
path_in (const Run  *run,
         const char *name)
{
  return g_build_filename (run->dir, name, NULL);
}

static void
assert_exists (const Run  *run,
               const char *name)
{
  g_autofree char *path = path_in (run, name);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    g_error ("%s was not written\nstdout:\n%s\nstderr:\n%s", name, run->out, run->err);
}

/* A CSV field is a number (NaN and infinities included, as the C library writes them). */
static gboolean
is_number (const char *text)
{
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0';
}

typedef struct
{
  char      *name;
  char     **columns;   /* the header's names */
  GPtrArray *rows;      /* char ** per row */
} Csv;

static void
csv_free (Csv *csv)
{
  g_free (csv->name);
  g_strfreev (csv->columns);
  g_ptr_array_unref (csv->rows);
  g_free (csv);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Csv, csv_free)

/* Reads a CSV: its header must start with @columns (the documented ones; writers may append
 * more), every row has the header's field count, and every field is a number except in the
 * columns named in @text (comma-separated, may be NULL). */
static Csv *
read_csv (const Run  *run,
          const char *name,
          const char *columns,
          const char *text)
{
  g_autofree char *path = path_in (run, name);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) text_columns = g_strsplit (text != NULL ? text : "", ",", -1);
  g_autoptr(GError) error = NULL;
  Csv *csv = g_new0 (Csv, 1);
  guint n_columns;

  csv->name = g_strdup (name);
  csv->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  g_assert_nonnull (lines[0]);
  if (!g_str_has_prefix (lines[0], columns)
      || (lines[0][strlen (columns)] != '\0' && lines[0][strlen (columns)] != ','))
    g_error ("%s: header “%s” does not start with “%s”", name, lines[0], columns);
  csv->columns = g_strsplit (lines[0], ",", -1);
  n_columns = g_strv_length (csv->columns);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      char **fields;

      if (lines[i][0] == '\0')
        {
          g_assert_null (lines[i + 1]);    /* only the final newline */
          break;
        }
      fields = g_strsplit (lines[i], ",", -1);
      if (g_strv_length (fields) != n_columns)
        g_error ("%s line %u has %u fields, not %u: %s", name, i + 1, g_strv_length (fields),
                 n_columns, lines[i]);
      for (guint k = 0; k < n_columns; k++)
        if (!g_strv_contains ((const char * const *) text_columns, csv->columns[k])
            && !is_number (fields[k]))
          g_error ("%s line %u, %s is not a number: “%s”", name, i + 1, csv->columns[k],
                   fields[k]);
      g_ptr_array_add (csv->rows, fields);
    }
  return csv;
}

/* The number in @column of @row. */
static double
field (const Csv  *csv,
       guint       row,
       const char *column)
{
  char **fields;

  g_assert_cmpuint (row, <, csv->rows->len);
  fields = g_ptr_array_index (csv->rows, row);
  for (guint k = 0; csv->columns[k] != NULL; k++)
    if (g_str_equal (csv->columns[k], column))
      return g_ascii_strtod (fields[k], NULL);
  g_error ("%s has no column “%s”", csv->name, column);
  return NAN;
}

static void
svg_start_cb (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  SvgCount *count = user_data;

  if (count->depth == 0)
    count->root_is_svg = g_str_equal (element, "svg");
  count->depth++;
  if (g_str_equal (element, "path"))
    count->paths++;
}

static void
svg_end_cb (GMarkupParseContext  *context,
            const char           *element,
            gpointer              user_data,
            GError              **error)
{
  SvgCount *count = user_data;

  count->depth--;
}

/* Parses an SVG file as XML: root <svg>, at least @min_paths <path> elements. */
static void
assert_svg (const Run  *run,
            const char *name,
            guint       min_paths)
{
  static const GMarkupParser parser = { svg_start_cb, svg_end_cb, NULL, NULL, NULL };
  g_autofree char *path = path_in (run, name);
  g_autofree char *contents = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  SvgCount count = { 0 };
  gsize length = 0;

  assert_exists (run, name);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  context = g_markup_parse_context_new (&parser, G_MARKUP_IGNORE_QUALIFIED, &count, NULL);
  /* Skip the XML declaration, which GMarkup does not take. */
  {
    const char *start = contents;

    if (g_str_has_prefix (start, "<?xml"))
      start = strstr (start, "?>") + 2;
    g_assert_true (g_markup_parse_context_parse (context, start, -1, &error));
    g_assert_no_error (error);
    g_assert_true (g_markup_parse_context_end_parse (context, &error));
    g_assert_no_error (error);
  }
  g_assert_true (count.root_is_svg);
  g_assert_cmpuint (count.depth, ==, 0);
  if (count.paths < min_paths)
    g_error ("%s has %u <path> elements, expected at least %u", name, count.paths, min_paths);
}

/* An integer member of a JSON file written by json-glib ("name" : 12). */
static gint64
json_int (const Run  *run,
          const char *file,
          const char *member,
          guint       occurrence)
{
  g_autofree char *path = path_in (run, file);
  g_autofree char *contents = NULL;
  g_autofree char *pattern = g_strdup_printf ("\"%s\"\\s*:\\s*(-?\\d+)", member);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *number = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_regex_match (regex, contents, 0, &match));
  for (guint i = 0; i < occurrence; i++)
    g_assert_true (g_match_info_next (match, NULL));
  number = g_match_info_fetch (match, 1);
  return g_ascii_strtoll (number, NULL, 10);
}

/* A tiny IDX image set: @n images of 6×6, 3 classes, each lighting its own rows. */
static void
write_idx (const char *dir,
           guint       n)
{
  g_autoptr(GByteArray) images = g_byte_array_new ();
  g_autoptr(GByteArray) labels = g_byte_array_new ();
  g_autofree char *images_path = g_build_filename (dir, "train-images-idx3-ubyte", NULL);
  g_autofree char *labels_path = g_build_filename (dir, "train-labels-idx1-ubyte", NULL);
  const guint8 image_header[] = { 0, 0, 8, 3, 0, 0, (n >> 8) & 0xff, n & 0xff, 0, 0, 0, 6,
                                  0, 0, 0, 6 };
  const guint8 label_header[] = { 0, 0, 8, 1, 0, 0, (n >> 8) & 0xff, n & 0xff };

  g_byte_array_append (images, image_header, sizeof image_header);
  g_byte_array_append (labels, label_header, sizeof label_header);
  for (guint i = 0; i < n; i++)
    {
      guint8 label = i % 3;

      g_byte_array_append (labels, &label, 1);
      for (guint p = 0; p < 36; p++)
        {
          guint8 pixel = (p / 12 == label ? 200 : 10) + (i * 7 + p * 13) % 40;

          g_byte_array_append (images, &pixel, 1);
        }
    }
  g_assert_true (g_file_set_contents (images_path, (char *) images->data, images->len, NULL));
  g_assert_true (g_file_set_contents (labels_path, (char *) labels->data, labels->len, NULL));
}

static void
write_file (const Run  *run,
            const char *name,
            const char *contents)
{
  g_autofree char *path = path_in (run, name);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* The line of bench output for @name states a size and a time in seconds. */
static void
assert_bench_line (const Run  *run,
                   const char *name)
{
  g_autofree char *pattern = g_strdup_printf ("^%s +\\S.*: [0-9]+\\.[0-9]+ s", name);

  if (!g_regex_match_simple (pattern, run->out, G_REGEX_MULTILINE, 0))
    g_error ("no “%s” line with a size and a time in:\n%s", name, run->out);
}

static void
test_trajectories (gconstpointer cli)
{
  g_autoptr(Csv) history = NULL;
  g_autoptr(Csv) epochs = NULL;
  g_autoptr(Csv) whole = NULL;
  g_autoptr(Csv) layer = NULL;
  g_autoptr(Csv) surface = NULL;
  Run run;

  run_init (&run, cli);
  spawn (&run, "trajectories", "--task", "function", "--samples", "60", "--hidden", "8",
         "--runs", "2", "--epochs", "3", "--batch", "20", "--surface", "9", "--out", "out",
         "--quiet", NULL);
  assert_status (&run, 0);

  history = read_csv (&run, "out/history.csv", "run,iteration,epoch,loss,grad_norm", NULL);
  g_assert_cmpuint (history->rows->len, ==, 2 * 3 * 3);
  epochs = read_csv (&run, "out/epochs.csv", "run,epoch,iteration,loss,accuracy,grad_norm", NULL);
  g_assert_cmpuint (epochs->rows->len, ==, 2 * 4);
  /* The whole training set's ‖∇L‖ at every epoch end, the starting point included. */
  for (guint i = 0; i < epochs->rows->len; i++)
    g_assert_cmpfloat (field (epochs, i, "grad_norm"), >, 0.0);
  whole = read_csv (&run, "out/trajectories.csv",
                    "run,epoch,iteration,loss,accuracy,pc1,pc2,plane_distance,surface_loss", NULL);
  g_assert_cmpuint (whole->rows->len, ==, 2 * 4);
  layer = read_csv (&run, "out/trajectories-layer.csv",
                    "run,epoch,iteration,loss,accuracy,pc1,pc2", NULL);
  g_assert_cmpuint (layer->rows->len, ==, 2 * 4);
  for (guint i = 0; i < whole->rows->len; i++)
    {
      g_assert_cmpfloat (field (whole, i, "run"), ==, i < 4 ? 1 : 2);
      g_assert_cmpfloat (field (whole, i, "plane_distance"), >=, 0.0);
      g_assert_true (isfinite (field (whole, i, "surface_loss")));
      g_assert_true (isfinite (field (whole, i, "pc1")));
      g_assert_true (isfinite (field (whole, i, "pc2")));
      g_assert_cmpfloat (field (whole, i, "loss"), >=, 0.0);
    }
  /* The PCA is centred: the scores sum to zero. */
  {
    double sum = 0.0, scale = 0.0;

    for (guint i = 0; i < whole->rows->len; i++)
      {
        sum += field (whole, i, "pc1");
        scale += abs_d (field (whole, i, "pc1"));
      }
    g_assert_cmpfloat (abs_d (sum), <=, 1e-9 * scale);
  }
  /* The loss over the plane: 9 × 9 nodes, every loss finite on this small net. */
  surface = read_csv (&run, "out/surface.csv", "pc1,pc2,loss", NULL);
  g_assert_cmpuint (surface->rows->len, ==, 81);
  for (guint i = 0; i < surface->rows->len; i++)
    g_assert_cmpfloat (field (surface, i, "loss"), >=, 0.0);
  assert_svg (&run, "out/trajectories.svg", 2);
  assert_svg (&run, "out/trajectories-layer.svg", 2);
  g_assert_nonnull (strstr (run.out, "PCA of 8 snapshots"));
  g_assert_nonnull (strstr (run.out, "Loss surface: 9 × 9"));
  g_assert_cmpstr (run.err, ==, "");   /* --quiet */
  run_clear (&run);
}

static void
test_trajectories_idx (gconstpointer cli)
{
  g_autoptr(Csv) epochs = NULL;
  g_autofree char *data = NULL;
  Run run;

  run_init (&run, cli);
  data = path_in (&run, "idx");
  g_assert_cmpint (g_mkdir (data, 0755), ==, 0);
  write_idx (data, 40);

  spawn (&run, "trajectories", "--data", "idx", "--samples", "30", "--hidden", "5",
         "--runs", "2", "--epochs", "2", "--batch", "10", "--layer", "2", "--out", "res", NULL);
  assert_status (&run, 0);
  epochs = read_csv (&run, "res/epochs.csv", "run,epoch,iteration,loss,accuracy", NULL);
  g_assert_cmpuint (epochs->rows->len, ==, 2 * 3);
  for (guint i = 0; i < epochs->rows->len; i++)
    {
      double accuracy = field (epochs, i, "accuracy");

      g_assert_true (accuracy >= 0.0 && accuracy <= 1.0);
      /* Accuracy on 30 images is a multiple of 1/30. */
      g_assert_cmpfloat (abs_d (accuracy * 30 - (double) (gint64) (accuracy * 30 + 0.5)), <, 1e-9);
    }
  assert_svg (&run, "res/trajectories.svg", 2);
  assert_svg (&run, "res/trajectories-layer.svg", 2);
  /* 36-5-3: 36·5+5 + 5·3+3 = 203 parameters; one progress line per run on stderr. */
  g_assert_nonnull (strstr (run.out, "203 parameters"));
  /* --layer counts from 1: layer 2 is the 5 → 3 output layer, 5·3 = 15 weights. */
  g_assert_nonnull (strstr (run.out, "layer 2 weights (15)"));
  g_assert_nonnull (strstr (run.err, "Run 1/2"));
  g_assert_nonnull (strstr (run.err, "Run 2/2"));
  run_clear (&run);
}

/* Contents of @name under the run's folder (the test fails if it cannot be read). */
static char *
contents_of (const Run  *run,
             const char *name)
{
  g_autofree char *path = path_in (run, name);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static guint
count_substrings (const char *text,
                  const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (text, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

static void
test_gradnorm_and_hessian (gconstpointer cli)
{
  g_autoptr(Csv) history = NULL;
  g_autoptr(Csv) eigenvalues = NULL;
  gint64 positive, negative, zero;
  Run run;

  run_init (&run, cli);
  spawn (&run, "gradnorm", "--task", "function", "--function", "sign", "--samples", "40",
         "--hidden", "6", "--activation", "tanh", "--runs", "2", "--epochs", "4",
         "--batch", "10", "--seed", "7", "--save-weights", "w.txt", NULL);
  assert_status (&run, 0);
  /* Not w.txt but one file a run, and the list of written files says so. */
  g_assert_nonnull (strstr (run.out, "--save-weights w.txt wrote one file per run, its run "
                                     "number added to the name: w-run1.txt w-run2.txt (2 files)"));
  history = read_csv (&run, "results/history.csv", "run,iteration,epoch,loss,grad_norm", NULL);
  g_assert_cmpuint (history->rows->len, ==, 2 * 4 * 4);
  for (guint i = 0; i < history->rows->len; i++)
    {
      g_assert_cmpfloat (field (history, i, "run"), ==, i < 16 ? 1 : 2);
      g_assert_cmpfloat (field (history, i, "grad_norm"), >, 0.0);
    }
  assert_svg (&run, "results/gradnorm.svg", 2);
  assert_exists (&run, "results/epochs.csv");
  /* --smooth draws the running means too: the same runs, more paths. */
  spawn (&run, "gradnorm", "--task", "function", "--function", "sign", "--samples", "40",
         "--hidden", "6", "--activation", "tanh", "--runs", "2", "--epochs", "4",
         "--batch", "10", "--seed", "7", "--smooth", "--out", "smooth", "--quiet", NULL);
  assert_status (&run, 0);
  assert_svg (&run, "smooth/gradnorm.svg", 2);
  {
    g_autofree char *raw = contents_of (&run, "results/gradnorm.svg");
    g_autofree char *smooth = contents_of (&run, "smooth/gradnorm.svg");

    g_assert_cmpuint (count_substrings (smooth, "<path"), >, count_substrings (raw, "<path"));
  }
  spawn (&run, "critical", "--smooth", NULL);
  assert_status (&run, 2);
  assert_exists (&run, "w-run1.txt");
  assert_exists (&run, "w-run2.txt");

  /* The saved weights analysed on the same model and data. */
  spawn (&run, "hessian", "--weights", "w-run2.txt", "--function", "sign", "--samples", "40",
         "--hidden", "6", "--activation", "tanh", "--out", "h", NULL);
  assert_status (&run, 0);
  /* 1-6-1: 6 + 6 + 6 + 1 = 19 parameters. */
  g_assert_nonnull (strstr (run.out, "Parameters: 19\n"));
  g_assert_nonnull (strstr (run.out, "Dead units: 0"));
  eigenvalues = read_csv (&run, "h/eigenvalues.csv", "index,eigenvalue", NULL);
  g_assert_cmpuint (eigenvalues->rows->len, ==, 19);
  for (guint i = 0; i < eigenvalues->rows->len; i++)
    {
      g_assert_cmpfloat (field (eigenvalues, i, "index"), ==, i);
      if (i > 0)
        g_assert_cmpfloat (field (eigenvalues, i, "eigenvalue"), >=,
                          field (eigenvalues, i - 1, "eigenvalue"));
    }
  assert_svg (&run, "h/spectrum.svg", 2);
  positive = json_int (&run, "h/summary.json", "positive", 0);
  negative = json_int (&run, "h/summary.json", "negative", 0);
  zero = json_int (&run, "h/summary.json", "zero", 0);
  g_assert_cmpint (positive + negative + zero, ==, 19);
  g_assert_cmpint (json_int (&run, "h/summary.json", "n_params", 0), ==, 19);

  /* The wrong architecture: the file's widths name the conflict before any work. */
  spawn (&run, "hessian", "--weights", "w-run1.txt", "--function", "sign", "--samples", "40",
         "--hidden", "7", "--activation", "tanh", "--out", "h2", NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--hidden 7 conflicts with “w-run1.txt”, whose tensors are "
                                     "the widths 1-6-1 (--hidden 6)"));
  /* A bare list of numbers cannot tell: both counts are named. */
  {
    g_autoptr(GString) bare = g_string_new (NULL);

    for (guint i = 0; i < 19; i++)
      g_string_append (bare, "0.25\n");
    write_file (&run, "bare.txt", bare->str);
  }
  spawn (&run, "hessian", "--weights", "bare.txt", "--function", "sign", "--samples", "40",
         "--hidden", "7", "--activation", "tanh", "--out", "h2", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "bare.txt"));
  g_assert_nonnull (strstr (run.err, "holds 19 parameters"));
  g_assert_nonnull (strstr (run.err, "has 22"));

  /* A file that is not a parameter list. */
  write_file (&run, "junk.txt", "0.5\nnot a number\n");
  spawn (&run, "hessian", "--weights", "junk.txt", "--function", "sign", "--hidden", "6", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "junk.txt"));
  run_clear (&run);
}

static void
test_critical (gconstpointer cli)
{
  g_autoptr(Csv) critical = NULL;
  g_autoptr(Csv) eigenvalues = NULL;
  g_autoptr(Csv) single = NULL;
  Run run;

  run_init (&run, cli);
  spawn (&run, "critical", "--samples", "40", "--hidden", "6", "--activation", "tanh",
         "--runs", "2", "--epochs", "5", "--batch", "20", "--descent-steps", "20",
         "--spectra", "all", "--save-weights", "p.txt", "--out", "c", NULL);
  assert_status (&run, 0);

  critical = read_csv (&run, "c/critical.csv",
                       "run,loss,grad_norm,minimal_ratio,positive,negative,zero,tolerance,"
                       "nonzero_ratio,label,grad_norm_start,steps,dead_units,hg_ratio,"
                       "max_abs_eigenvalue,accuracy", "label,certificate");
  g_assert_cmpuint (critical->rows->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpfloat (field (critical, i, "run"), ==, i + 1);
      g_assert_cmpfloat (field (critical, i, "positive") + field (critical, i, "negative")
                         + field (critical, i, "zero"), ==, 19);
      g_assert_cmpfloat (field (critical, i, "tolerance"), ==, 1e-6);
      g_assert_cmpfloat (field (critical, i, "steps"), <=, 20);
    }
  eigenvalues = read_csv (&run, "c/eigenvalues.csv", "run,index,eigenvalue", NULL);
  g_assert_cmpuint (eigenvalues->rows->len, ==, 2 * 19);
  assert_svg (&run, "c/critical.svg", 2);
  assert_svg (&run, "c/spectrum-run1.svg", 2);
  assert_svg (&run, "c/spectrum-run2.svg", 2);
  g_assert_cmpint (json_int (&run, "c/summary.json", "analysed", 0), ==, 2);
  g_assert_cmpint (json_int (&run, "c/summary.json", "n_params", 0), ==, 19);
  g_assert_nonnull (strstr (run.out, "Analysed 2 critical points"));
  g_assert_nonnull (strstr (run.out, "Mean minimal ratio"));
  /* Two points: no trend claimed, for either subset. */
  g_assert_nonnull (strstr (run.out, "certified points (n = "));
  g_assert_nonnull (strstr (run.out, "all points (n = 2): too few points"));
  g_assert_nonnull (strstr (run.out, "Labels:"));

  /* hessian at the saved critical point of run 2 gives the same spectrum
   * (same θ, same data, %.17g round trip): the two commands agree. */
  spawn (&run, "hessian", "--weights", "p-run2.txt", "--samples", "40", "--hidden", "6",
         "--activation", "tanh", "--out", "h", NULL);
  assert_status (&run, 0);
  single = read_csv (&run, "h/eigenvalues.csv", "index,eigenvalue", NULL);
  g_assert_cmpuint (single->rows->len, ==, 19);
  for (guint i = 0; i < 19; i++)
    {
      double a = field (eigenvalues, 19 + i, "eigenvalue");
      double b = field (single, i, "eigenvalue");

      g_assert_cmpfloat (field (eigenvalues, 19 + i, "run"), ==, 2);
      g_assert_cmpfloat (abs_d (a - b), <=, 1e-10 * (1.0 + abs_d (a)));
    }
  run_clear (&run);
}

/* The ground truth: the autoencoder preset's points against their closed form. */
static void
test_critical_autoencoder (gconstpointer cli)
{
  g_autoptr(Csv) truth = NULL;
  g_autoptr(Csv) levels = NULL;
  Run run;

  run_init (&run, cli);
  spawn (&run, "critical", "--task", "autoencoder", "--runs", "2", "--out", "a", NULL);
  assert_status (&run, 0);

  truth = read_csv (&run, "a/ground-truth.csv",
                    "run,subset,rank,analytic_loss,loss,analytic_index,negative,match", "subset");
  g_assert_cmpuint (truth->rows->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      double analytic = field (truth, i, "analytic_loss");

      g_assert_cmpfloat (field (truth, i, "run"), ==, i + 1);
      g_assert_cmpfloat (field (truth, i, "match"), ==, 1);
      g_assert_cmpfloat (abs_d (field (truth, i, "loss") - analytic), <=, 1e-8 * analytic);
      g_assert_cmpfloat (field (truth, i, "negative"), ==, field (truth, i, "analytic_index"));
      g_assert_cmpfloat (field (truth, i, "zero"), ==, field (truth, i, "analytic_zero"));
      g_assert_cmpfloat (field (truth, i, "rank"), >=, 1);
      g_assert_cmpfloat (field (truth, i, "rank"), <=, 4);
    }
  /* The reference: all C(20, 4) = 4,845 full-rank critical points, the minimum first. */
  levels = read_csv (&run, "a/ground-truth-levels.csv", "subset,loss,index,zero,minimal_ratio",
                     "subset");
  g_assert_cmpuint (levels->rows->len, ==, 4845);
  g_assert_cmpfloat (field (levels, 0, "index"), ==, 0);
  g_assert_cmpfloat (field (levels, 0, "zero"), ==, 20);
  g_assert_cmpfloat (field (levels, 4844, "index"), ==, 64);
  /* critical.svg draws them behind the 2 found points: thousands of marks. */
  assert_svg (&run, "a/critical.svg", 4845);
  g_assert_cmpint (json_int (&run, "a/summary.json", "n_params", 0), ==, 184);
  /* The preset's band 1e-10 is written as JSON, not json-glib 1.6's "1e-10.0". */
  {
    g_autofree char *path = path_in (&run, "a/summary.json");
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "\"tolerance\" : 1e-10,"));
    g_assert_null (strstr (contents, "e-10.0"));
  }
  g_assert_nonnull (strstr (run.out, "Ground truth (20-4-20 linear autoencoder"));
  g_assert_nonnull (strstr (run.out, "2 of 2 points match the closed form"));
  run_clear (&run);
}

/* Run 3 of a 3-run study, and run 3 alone on "another machine", write the same lines. */
static void
test_first_run (gconstpointer cli)
{
  g_autofree char *all_path = NULL;
  g_autofree char *one_path = NULL;
  g_autofree char *all = NULL;
  g_autofree char *one = NULL;
  g_autoptr(GString) run3 = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  Run run;

  run_init (&run, cli);
  spawn (&run, "gradnorm", "--task", "function", "--samples", "30", "--hidden", "5",
         "--epochs", "3", "--batch", "10", "--runs", "3", "--out", "all", "--quiet", NULL);
  assert_status (&run, 0);
  spawn (&run, "gradnorm", "--task", "function", "--samples", "30", "--hidden", "5",
         "--epochs", "3", "--batch", "10", "--runs", "1", "--first-run", "3", "--out", "one",
         "--save-weights", "w.txt", "--quiet", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "run 3 from seed 1"));
  assert_exists (&run, "w.txt");

  all_path = path_in (&run, "all/history.csv");
  one_path = path_in (&run, "one/history.csv");
  g_assert_true (g_file_get_contents (all_path, &all, NULL, NULL));
  g_assert_true (g_file_get_contents (one_path, &one, NULL, NULL));
  lines = g_strsplit (all, "\n", -1);
  g_string_append_printf (run3, "%s\n", lines[0]);
  for (guint i = 1; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "3,"))
      g_string_append_printf (run3, "%s\n", lines[i]);
  g_assert_cmpuint (run3->len, >, strlen (lines[0]) + 1);
  g_assert_cmpstr (run3->str, ==, one);
  run_clear (&run);
}

/* A critical study split in two with --first-run and merged is the whole study, byte for
 * byte; overlapping halves, a missing folder and no folder at all are refused. */
static void
test_merge (gconstpointer cli)
{
  static const char *const files[] = {
    "critical.csv", "eigenvalues.csv", "trend.csv", "critical.svg", "spectrum-run1.svg",
  };
  Run run;

#define SMALL_CRITICAL "--hidden", "4", "--samples", "60", "--epochs", "10", "--batch", "20", \
                       "--descent-steps", "50", "--newton-steps", "3", "--quiet"
  run_init (&run, cli);
  spawn (&run, "critical", "--runs", "3", SMALL_CRITICAL, "--out", "all", NULL);
  assert_status (&run, 0);
  spawn (&run, "critical", "--runs", "1", "--first-run", "3", SMALL_CRITICAL, "--out", "b", NULL);
  assert_status (&run, 0);
  spawn (&run, "critical", "--runs", "2", "--first-run", "1", SMALL_CRITICAL, "--out", "a", NULL);
  assert_status (&run, 0);
#undef SMALL_CRITICAL

  /* The halves in either order. */
  spawn (&run, "merge", "--out", "m", "b", "a", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "Analysed 3 critical points"));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *name_all = g_build_filename ("all", files[i], NULL);
      g_autofree char *name_merged = g_build_filename ("m", files[i], NULL);
      g_autofree char *whole = contents_of (&run, name_all);
      g_autofree char *merged = contents_of (&run, name_merged);

      if (g_strcmp0 (whole, merged) != 0)
        g_error ("merged %s differs from the whole study's", files[i]);
    }

  /* A row whose analysis did not finish (counts empty) is left out, with a word. */
  {
    g_autofree char *critical = contents_of (&run, "b/critical.csv");
    g_autofree char *eigenvalues = contents_of (&run, "b/eigenvalues.csv");
    g_auto(GStrv) lines = g_strsplit (critical, "\n", -1);
    g_auto(GStrv) fields = g_strsplit (lines[1], ",", -1);
    g_autofree char *dir = path_in (&run, "c");
    g_autofree char *c_critical = path_in (&run, "c/critical.csv");
    g_autofree char *c_eigenvalues = path_in (&run, "c/eigenvalues.csv");
    g_autofree char *row = NULL;
    g_autofree char *text = NULL;

    g_free (fields[4]);
    g_free (fields[5]);
    g_free (fields[6]);
    fields[4] = g_strdup ("");
    fields[5] = g_strdup ("");
    fields[6] = g_strdup ("");
    row = g_strjoinv (",", fields);
    text = g_strdup_printf ("%s\n%s\n", lines[0], row);
    g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
    g_assert_true (g_file_set_contents (c_critical, text, -1, NULL));
    g_assert_true (g_file_set_contents (c_eigenvalues, eigenvalues, -1, NULL));
  }
  spawn (&run, "merge", "--out", "partial", "a", "c", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.err, "run 3 has no spectrum"));
  g_assert_nonnull (strstr (run.out, "Analysed 2 critical points"));

  /* Another network is another study. */
  spawn (&run, "critical", "--runs", "1", "--first-run", "4", "--hidden", "3", "--samples", "60",
         "--epochs", "10", "--batch", "20", "--descent-steps", "50", "--newton-steps", "3",
         "--quiet", "--out", "d", NULL);
  assert_status (&run, 0);
  spawn (&run, "merge", "--out", "mixed", "a", "d", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "different networks"));

  spawn (&run, "merge", "--out", "twice", "a", "all", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "run 1 is in both a and all"));
  spawn (&run, "merge", "--out", "missing", "a", "nowhere", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "nowhere"));
  spawn (&run, "merge", "--out", "none", NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "merge needs the folders"));
  run_clear (&run);
}

static char *json_string (const Run *run, const char *file, const char *member);

static void
test_bench (gconstpointer cli)
{
  g_autofree char *data = NULL;
  g_autofree char *hessian_build = NULL;
  Run run;

  run_init (&run, cli);
  data = path_in (&run, "idx");
  g_assert_cmpint (g_mkdir (data, 0755), ==, 0);
  write_idx (data, 60);

  spawn (&run, "bench", "--quick", "--data", "idx", "--threads", "1", "--out", "b", NULL);
  assert_status (&run, 0);
  assert_exists (&run, "b/bench.json");
  assert_bench_line (&run, "training");
  assert_bench_line (&run, "hvp");
  assert_bench_line (&run, "hessian");
  assert_bench_line (&run, "hessian-eigen");
  assert_bench_line (&run, "critical-run");
  assert_bench_line (&run, "critical-run/descent");
  g_assert_true (g_regex_match_simple ("^dgemm +.*GFLOP/s on 1 thread", run.out,
                                       G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple ("^training +.*GFLOP at .* GFLOP/s, [0-9]+ % of DGEMM",
                                       run.out, G_REGEX_MULTILINE, 0));
  g_assert_cmpint (json_int (&run, "b/bench.json", "threads", 0), ==, 1);
  /* The training's FLOPs, by hand: the 36-20-20-3 model has S = 720 + 400 + 60 = 1,180 and
   * S↑ = 460 per sample; 2 runs of 2 epochs on 60 images make 2 × 2 × 60 gradients
   * (4·S + 2·S↑ = 5,640) and 2 × 3 × 60 forward passes (2·S = 2,360). */
  g_assert_cmpint (json_int (&run, "b/bench.json", "flops", 0), ==,
                   2 * 2 * 60 * 5640 + 2 * 3 * 60 * 2360);
  /* With the studies' whole-set ‖∇L‖ the 2 × 3 evaluations are gradients (none shared with
   * the next step: the batch is the whole set). */
  assert_bench_line (&run, "training-grad-norm");
  g_assert_cmpint (json_int (&run, "b/bench.json", "flops", 1), ==,
                   2 * 2 * 60 * 5640 + 2 * 3 * 60 * 5640);
  /* critical_flops names the Hessian build the critical study ran, for bench-torch to count. */
  hessian_build = json_string (&run, "b/bench.json", "hessian_build");
  g_assert_cmpstr (hessian_build, ==, "structured");
  run_clear (&run);
}

/* A string member of summary.json ("name" : "value"), or NULL (g_free). */
static char *
json_string (const Run  *run,
             const char *file,
             const char *member)
{
  g_autofree char *path = path_in (run, file);
  g_autofree char *contents = NULL;
  g_autofree char *pattern = g_strdup_printf ("\"%s\"\\s*:\\s*\"([^\"]*)\"", member);
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  if (!g_regex_match (regex, contents, 0, &match))
    return NULL;
  return g_match_info_fetch (match, 1);
}

/* The trained 1-6-1 tanh net on 50 sinc points that the hessian tests analyse. */
#define NET "--samples", "50", "--hidden", "6", "--activation", "tanh"

static void
train_small_net (Run *run)
{
  spawn (run, "gradnorm", "--task", "function", NET, "--runs", "1", "--epochs", "20", "--batch",
         "10", "--save-weights", "w.txt", "--quiet", "--out", "g", NULL);
  assert_status (run, 0);
  assert_exists (run, "w.txt");
}

static void
test_hessian_lanczos (gconstpointer cli)
{
  g_autoptr(Csv) dense = NULL;
  g_autoptr(Csv) extremes = NULL;
  g_autoptr(Csv) slice = NULL;
  g_autofree char *method = NULL;
  double max_abs;
  guint k = 3;
  Run run;

  run_init (&run, cli);
  train_small_net (&run);
  spawn (&run, "hessian", "--weights", "w.txt", NET, "--out", "d", NULL);
  assert_status (&run, 0);
  dense = read_csv (&run, "d/eigenvalues.csv", "index,eigenvalue", NULL);
  g_assert_cmpuint (dense->rows->len, ==, 19);
  max_abs = MAX (abs_d (field (dense, 0, "eigenvalue")), abs_d (field (dense, 18, "eigenvalue")));
  g_assert_cmpfloat (max_abs, >, 0.0);
  /* The dense analysis reports the exact reach from its eigendecomposition; the matrix-free
   * methods the MINRES one. */
  g_assert_nonnull (strstr (run.out, "Exact Newton reach (from the eigendecomposition)"));
  g_assert_null (strstr (run.out, "Newton reach: "));

  spawn (&run, "hessian", "--weights", "w.txt", NET, "--method", "lanczos", "--k", "3",
         "--slice", "--slice-range", "0.5", "--slice-points", "21", "--out", "l", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "distinct"));
  g_assert_nonnull (strstr (run.out, "Lanczos steps"));
  g_assert_nonnull (strstr (run.out, "Verdict: "));
  g_assert_nonnull (strstr (run.out, "Newton reach: "));
  extremes = read_csv (&run, "l/extremes.csv", "end,rank,eigenvalue,residual_norm", "end");
  g_assert_cmpuint (extremes->rows->len, ==, 2 * k);
  for (guint i = 0; i < 2 * k; i++)
    {
      char **fields = g_ptr_array_index (extremes->rows, i);
      guint rank = i % k + 1;
      /* Lowest rank r is the r-th smallest dense eigenvalue; highest rank r the r-th largest. */
      guint index = i < k ? rank - 1 : 19 - rank;
      double lanczos = field (extremes, i, "eigenvalue");
      double exact = field (dense, index, "eigenvalue");

      g_assert_cmpstr (fields[0], ==, i < k ? "lowest" : "highest");
      g_assert_cmpfloat (field (extremes, i, "rank"), ==, rank);
      if (abs_d (lanczos - exact) > 1e-6 * abs_d (exact) + 1e-12 * max_abs)
        g_error ("Lanczos %s %u: %.17g, dense %.17g", fields[0], rank, lanczos, exact);
      g_assert_cmpfloat (field (extremes, i, "residual_norm"), >=, 0.0);
      g_assert_cmpfloat (field (extremes, i, "residual_norm"), <=, 1e-6 * max_abs);
    }
  method = json_string (&run, "l/summary.json", "method");
  g_assert_cmpstr (method, ==, "lanczos");
  g_assert_cmpint (json_int (&run, "l/summary.json", "k", 0), ==, 3);

  /* The slice: 21 points over [−0.5, 0.5], both lines through the same loss at α = 0. */
  slice = read_csv (&run, "l/slice.csv", "alpha,loss_bottom,loss_top", NULL);
  g_assert_cmpuint (slice->rows->len, ==, 21);
  g_assert_cmpfloat (field (slice, 0, "alpha"), ==, -0.5);
  g_assert_cmpfloat (field (slice, 20, "alpha"), ==, 0.5);
  g_assert_cmpfloat (abs_d (field (slice, 10, "alpha")), <=, 1e-15);
  g_assert_cmpfloat (field (slice, 10, "loss_bottom"), ==, field (slice, 10, "loss_top"));
  for (guint i = 0; i < 21; i++)
    g_assert_cmpfloat (field (slice, i, "loss_top"), >=, 0.0);
  assert_svg (&run, "l/slice.svg", 2);
  {
    g_autofree char *none = path_in (&run, "l/eigenvalues.csv");

    g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  }

  /* More eigenvalues than parameters is a bad option, found once the model is known. */
  spawn (&run, "hessian", "--weights", "w.txt", NET, "--method", "lanczos", "--k", "20", NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--k 20"));
  run_clear (&run);
}

static void
test_hessian_slq (gconstpointer cli)
{
  g_autoptr(Csv) dense = NULL;
  g_autoptr(Csv) density = NULL;
  double integral = 0.0;
  Run run;

  run_init (&run, cli);
  train_small_net (&run);
  spawn (&run, "hessian", "--weights", "w.txt", NET, "--out", "d", NULL);
  assert_status (&run, 0);
  dense = read_csv (&run, "d/eigenvalues.csv", "index,eigenvalue", NULL);

  spawn (&run, "hessian", "--weights", "w.txt", NET, "--method", "slq", "--probes", "4",
         "--iterations", "19", "--seed", "3", "--out", "s", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "4 probe vectors × 19 Lanczos steps"));
  /* 19 parameters: the exact spectrum is overlaid. */
  g_assert_nonnull (strstr (run.out, "Exact (dense"));
  density = read_csv (&run, "s/density.csv", "x,density", NULL);
  g_assert_cmpuint (density->rows->len, >=, 2);
  for (guint i = 0; i < density->rows->len; i++)
    {
      g_assert_cmpfloat (field (density, i, "density"), >=, 0.0);
      if (i > 0)
        {
          double dx = field (density, i, "x") - field (density, i - 1, "x");

          g_assert_cmpfloat (dx, >, 0.0);
          integral += 0.5 * dx * (field (density, i, "density")
                                  + field (density, i - 1, "density"));
        }
    }
  if (abs_d (integral - 1.0) > 1e-6)
    g_error ("the density integrates to %.17g, not 1", integral);
  /* With as many steps as parameters, the Ritz values reach the extreme eigenvalues: the grid
   * covers the whole exact spectrum. */
  g_assert_cmpfloat (field (density, 0, "x"), <, field (dense, 0, "eigenvalue"));
  g_assert_cmpfloat (field (density, density->rows->len - 1, "x"), >,
                     field (dense, 18, "eigenvalue"));
  assert_svg (&run, "s/density.svg", 2);
  g_assert_cmpint (json_int (&run, "s/summary.json", "probes", 0), ==, 4);
  {
    g_autofree char *none = path_in (&run, "s/eigenvalues.csv");

    g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  }
  run_clear (&run);
}

/* A Hessian far beyond memory: refused before allocation, both sizes named, the way out given. */
static void
test_hessian_too_large (gconstpointer cli)
{
  Run run;

  run_init (&run, cli);
  /* 1-100000-1: 300,001 parameters, a 720 GB Hessian. */
  spawn (&run, "gradnorm", "--task", "function", "--hidden", "100000", "--samples", "10",
         "--epochs", "1", "--batch", "10", "--runs", "1", "--save-weights", "big.txt",
         "--quiet", "--out", "g", NULL);
  assert_status (&run, 0);
  spawn (&run, "hessian", "--weights", "big.txt", "--hidden", "100000", "--samples", "10",
         "--quiet", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "300,001 parameters needs"));
  g_assert_nonnull (strstr (run.err, "available"));
  g_assert_nonnull (strstr (run.err, "--method lanczos"));
  g_assert_nonnull (strstr (run.err, "--method slq"));
  run_clear (&run);
}

/* Pearson's r² of (x, y), r's sign in @sign: test-cli has no libm for a square root. */
static double
pearson_squared (const double *x,
                 const double *y,
                 guint         n,
                 double       *sign)
{
  double mx = 0.0, my = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0;

  for (guint i = 0; i < n; i++)
    {
      mx += x[i] / n;
      my += y[i] / n;
    }
  for (guint i = 0; i < n; i++)
    {
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
      sxy += (x[i] - mx) * (y[i] - my);
    }
  *sign = sxy < 0 ? -1.0 : 1.0;
  return sxy * sxy / (sxx * syy);
}

/* Average ranks (1-based), ties sharing theirs. */
static void
ranks_of (const double *x,
          guint         n,
          double       *ranks)
{
  for (guint i = 0; i < n; i++)
    {
      double below = 0, equal = 0;

      for (guint j = 0; j < n; j++)
        {
          below += x[j] < x[i];
          equal += x[j] == x[i];
        }
      ranks[i] = below + (equal + 1) / 2;
    }
}

static double
name_value (const Csv  *csv,
            const char *name)
{
  for (guint i = 0; i < csv->rows->len; i++)
    {
      char **fields = g_ptr_array_index (csv->rows, i);

      if (g_str_equal (fields[0], name))
        {
          if (!is_number (fields[1]))
            g_error ("%s, row “%s”: not a number: “%s”", csv->name, name, fields[1]);
          return g_ascii_strtod (fields[1], NULL);
        }
    }
  g_error ("%s has no row “%s”", csv->name, name);
  return NAN;
}

static const char *
name_text (const Csv  *csv,
           const char *name)
{
  for (guint i = 0; i < csv->rows->len; i++)
    {
      char **fields = g_ptr_array_index (csv->rows, i);

      if (g_str_equal (fields[0], name))
        return fields[1];
    }
  g_error ("%s has no row “%s”", csv->name, name);
  return NULL;
}

static void
test_critical_trend (gconstpointer cli)
{
  g_autoptr(Csv) critical = NULL;
  g_autoptr(Csv) trend = NULL;
  g_autoptr(Csv) slice = NULL;
  g_autofree char *ratio = NULL;
  double loss[4], nonzero[4], minimal[4], rank_loss[4], rank_ratio[4];
  double r2, sign, spearman, low, high;
  const char *verdict;
  Run run;

  run_init (&run, cli);
  spawn (&run, "critical", NET, "--runs", "4", "--epochs", "10", "--batch", "10",
         "--descent-steps", "20", "--newton-steps", "2", "--pb-fit", "--ratio", "nonzero",
         "--slice-run", "2", "--slice-points", "11", "--jobs", "1", "--out", "c", "--quiet", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "Spearman ρ"));
  g_assert_nonnull (strstr (run.out, "Dauphin et al. (2014)"));
  g_assert_nonnull (strstr (run.out, "Pennington–Bahri"));
  g_assert_nonnull (strstr (run.out, "non-zero ratio against"));
  g_assert_nonnull (strstr (run.out, "Loss slice at run 2's point"));
  /* Both subsets, each with its n; none is certified yet, which is said, not hidden. */
  g_assert_nonnull (strstr (run.out, "certified points (n = 0): too few points"));
  g_assert_nonnull (strstr (run.out, "all points (n = 4): "));
  g_assert_nonnull (strstr (run.out, "bootstrap interval from 2000 resamples"));
  g_assert_nonnull (strstr (run.out, "(exact, all 24 pairings)"));
  g_assert_null (strstr (run.out, "Correlation of minimal ratio"));

  critical = read_csv (&run, "c/critical.csv", "run,loss,grad_norm,minimal_ratio",
                       "label,certificate");
  g_assert_cmpuint (critical->rows->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      loss[i] = field (critical, i, "loss");
      nonzero[i] = field (critical, i, "nonzero_ratio");
      minimal[i] = field (critical, i, "minimal_ratio");
    }
  /* Numbers, but for the subset shown and the verdicts (name_value() checks each number). */
  trend = read_csv (&run, "c/trend.csv", "name,value", "name,value");
  g_assert_cmpstr (name_text (trend, "shown"), ==, "all");
  g_assert_cmpfloat (name_value (trend, "ratio_nonzero"), ==, 1.0);
  g_assert_cmpfloat (name_value (trend, "certified_points"), ==, 0.0);
  g_assert_cmpstr (name_text (trend, "certified_verdict"), ==, "too few points");
  g_assert_cmpfloat (name_value (trend, "all_points"), ==, 4.0);
  /* Spearman's ρ of the trend's ratio with loss, recomputed from critical.csv. */
  ranks_of (loss, 4, rank_loss);
  ranks_of (nonzero, 4, rank_ratio);
  spearman = name_value (trend, "all_spearman");
  r2 = pearson_squared (rank_ratio, rank_loss, 4, &sign);
  g_assert_cmpfloat (abs_d (spearman * spearman - r2), <=, 1e-9);
  g_assert_cmpfloat (spearman * sign, >=, 0.0);
  /* Its interval, p and how they were found. */
  low = name_value (trend, "all_spearman_ci_low");
  high = name_value (trend, "all_spearman_ci_high");
  g_assert_cmpfloat (low, <=, spearman);
  g_assert_cmpfloat (high, >=, spearman);
  g_assert_cmpfloat (name_value (trend, "all_ci_level"), ==, 0.95);
  g_assert_cmpfloat (name_value (trend, "all_bootstrap_resamples"), ==, 2000.0);
  g_assert_cmpfloat (name_value (trend, "all_p_exact"), ==, 1.0);
  g_assert_cmpfloat (name_value (trend, "all_permutations"), ==, 24.0);
  g_assert_cmpfloat (name_value (trend, "all_p_value"), >, 0.0);
  g_assert_cmpfloat (name_value (trend, "all_p_value"), <=, 1.0);
  g_assert_cmpfloat (name_value (trend, "all_seed"), ==, 2014.0);
  verdict = name_text (trend, "all_verdict");
  /* A verdict only when the interval excludes 0 and p agrees. */
  if (name_value (trend, "all_p_value") >= 0.05)
    g_assert_cmpstr (verdict, ==, "no evidence either way");
  else if (low > 0.0)
    g_assert_cmpstr (verdict, ==, "against the expectation");
  else if (high < 0.0)
    g_assert_cmpstr (verdict, ==, "as expected");
  else
    g_assert_cmpstr (verdict, ==, "no evidence either way");
  {
    double mean = 0.0;

    for (guint i = 0; i < 4; i++)
      mean += minimal[i] / 4;
    g_assert_cmpfloat (abs_d (name_value (trend, "mean_minimal_ratio") - mean), <=, 1e-12);
  }
  /* Every row is there whether or not its fit succeeded. */
  name_value (trend, "all_slope");
  name_value (trend, "all_intercept");
  name_value (trend, "all_pb_loss_c");
  name_value (trend, "all_pb_a");
  name_value (trend, "certified_pb_residual");

  ratio = json_string (&run, "c/summary.json", "ratio");
  g_assert_cmpstr (ratio, ==, "nonzero");
  g_assert_cmpint (json_int (&run, "c/summary.json", "slice_run", 0), ==, 2);
  {
    g_autofree char *path = path_in (&run, "c/summary.json");
    g_autofree char *contents = NULL;
    g_autofree char *verdict_member = g_strdup_printf ("\"verdict\" : \"%s\"", verdict);

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_nonnull (strstr (contents, "\"certified\" : {"));
    g_assert_nonnull (strstr (contents, "\"all\" : {"));
    g_assert_nonnull (strstr (contents, "\"spearman_ci_low\""));
    g_assert_nonnull (strstr (contents, "\"spearman_ci_high\""));
    g_assert_nonnull (strstr (contents, "\"p_value\""));
    g_assert_nonnull (strstr (contents, "\"p_method\" : \"exact\""));
    g_assert_nonnull (strstr (contents, "\"bootstrap_resamples\" : 2000"));
    g_assert_nonnull (strstr (contents, "\"verdict\" : \"too few points\""));
    g_assert_nonnull (strstr (contents, verdict_member));
    g_assert_nonnull (strstr (contents, "\"pennington_bahri\""));
    g_assert_nonnull (strstr (contents, "Dauphin et al. (2014)"));
    /* The duplicate correlation written "for old readers" is gone. */
    g_assert_null (strstr (contents, "correlation_minimal_ratio_loss"));
  }
  assert_svg (&run, "c/critical.svg", 2);
  slice = read_csv (&run, "c/slice-run2.csv", "alpha,loss_bottom,loss_top", NULL);
  g_assert_cmpuint (slice->rows->len, ==, 11);
  g_assert_cmpfloat (field (slice, 0, "alpha"), ==, -1.0);
  assert_svg (&run, "c/slice-run2.svg", 2);
  run_clear (&run);
}

/* --surface 0: no loss surface at all, the paths alone. */
static void
test_trajectories_no_surface (gconstpointer cli)
{
  g_autoptr(Csv) whole = NULL;
  Run run;

  run_init (&run, cli);
  spawn (&run, "trajectories", "--task", "function", "--samples", "30", "--hidden", "4",
         "--runs", "2", "--epochs", "2", "--batch", "10", "--surface", "0", "--out", "t",
         "--quiet", NULL);
  assert_status (&run, 0);
  whole = read_csv (&run, "t/trajectories.csv", "run,epoch,iteration,loss,accuracy,pc1,pc2",
                    NULL);
  g_assert_cmpuint (whole->rows->len, ==, 2 * 3);
  {
    g_autofree char *surface = path_in (&run, "t/surface.csv");

    g_assert_false (g_file_test (surface, G_FILE_TEST_EXISTS));
  }
  g_assert_null (strstr (run.out, "Loss surface"));
  assert_svg (&run, "t/trajectories.svg", 2);
  run_clear (&run);
}

static void
test_bad_options (gconstpointer cli)
{
  static const struct
  {
    const char *args[8];
    const char *expect;
  } cases[] = {
    { { "gradnorm", "--lr", "50" }, "--lr must be a finite number in (0, 10]; got 50" },
    { { "gradnorm", "--lr", "fast" }, "--lr" },
    { { "trajectories", "--samples", "0" }, "--samples" },
    { { "trajectories", "--samples", "-3" }, "--samples" },
    { { "trajectories", "--hidden", "20,,x" }, "character 4" },
    { { "critical", "--runs", "0" }, "--runs" },
    { { "critical", "--tolerance", "1.5" }, "--tolerance" },
    { { "critical", "--grad-tolerance", "0" }, "--grad-tolerance" },
    { { "critical", "--spectra", "some" }, "--spectra" },
    { { "gradnorm", "--threads", "999" }, "--threads" },
    { { "gradnorm", "--epochs", "0" }, "--epochs" },
    { { "gradnorm", "--batch", "0" }, "--batch" },
    { { "gradnorm", "--task", "speech" }, "--task" },
    { { "gradnorm", "--activation", "gelu" }, "--activation" },
    { { "gradnorm", "--optimizer", "lbfgs" }, "--optimizer" },
    { { "gradnorm", "--function", "cos" }, "--function" },
    { { "trajectories", "--layer", "7" }, "--layer must be an integer in 1–3" },
    { { "trajectories", "--layer", "0" }, "--layer must be an integer in 1 to the number" },
    { { "trajectories", "--surface", "1" }, "--surface" },
    { { "gradnorm", "--surface", "9" }, "--surface" },
    { { "gradnorm", "--first-run", "0" }, "--first-run must be an integer in 1–1000001" },
    { { "critical", "--newton-steps", "1001" }, "--newton-steps" },
    { { "critical", "--descent-steps", "x" }, "--descent-steps" },
    { { "gradnorm", "--no-such-option" }, "--no-such-option" },
    { { "hessian" }, "--weights" },
    { { "gradnorm", "surplus" }, "surplus" },
    { { "frobnicate" }, "frobnicate" },
    { { "hessian", "--weights", "w.txt", "--method", "krylov" },
      "--method must be dense, lanczos or slq; got “krylov”" },
    { { "hessian", "--weights", "w.txt", "--k", "3" }, "--k does not apply to --method dense" },
    { { "hessian", "--weights", "w.txt", "--method", "slq", "--k", "3" }, "--k" },
    { { "hessian", "--weights", "w.txt", "--method", "lanczos", "--probes", "3" }, "--probes" },
    { { "hessian", "--weights", "w.txt", "--method", "lanczos", "--k", "0" }, "--k" },
    { { "hessian", "--weights", "w.txt", "--slice-range", "2" }, "--slice" },
    { { "hessian", "--weights", "w.txt", "--slice", "--slice-range", "-1" }, "--slice-range" },
    { { "hessian", "--weights", "w.txt", "--slice", "--slice-points", "1" }, "--slice-points" },
    { { "critical", "--ratio", "index" }, "--ratio must be minimal or nonzero" },
    { { "critical", "--runs", "3", "--slice-run", "4" }, "--slice-run must be one of the runs" },
    { { "critical", "--slice-points", "9" }, "--slice-run" },
    { { "critical", "--newton", "halley" }, "--newton" },
    { { "critical", "--jobs", "999" }, "--jobs" },
    { { "hessian", "--weights", "w.txt", "--jobs", "2" }, "--jobs" },
  };
  Run run;

  run_init (&run, cli);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      spawn (&run, cases[i].args[0], cases[i].args[1], cases[i].args[2], cases[i].args[3],
             cases[i].args[4], cases[i].args[5], cases[i].args[6], NULL);
      if (run.status != 2 || strstr (run.err, cases[i].expect) == NULL)
        g_error ("%s %s %s %s %s: status %d, stderr “%s” (expected 2 and “%s”)",
                 cases[i].args[0], cases[i].args[1] != NULL ? cases[i].args[1] : "",
                 cases[i].args[2] != NULL ? cases[i].args[2] : "",
                 cases[i].args[3] != NULL ? cases[i].args[3] : "",
                 cases[i].args[4] != NULL ? cases[i].args[4] : "", run.status, run.err,
                 cases[i].expect);
    }
  /* Nothing ran, so nothing was written. */
  {
    g_autofree char *results = path_in (&run, "results");

    g_assert_false (g_file_test (results, G_FILE_TEST_EXISTS));
  }
  run_clear (&run);
}

static void
test_bad_data (gconstpointer cli)
{
  g_autofree char *idx = NULL;
  g_autofree char *images = NULL;
  g_autofree char *labels = NULL;
  Run run;

  run_init (&run, cli);
  write_file (&run, "broken.csv", "x,y\n0,1\n0.5,oops\n");
  spawn (&run, "gradnorm", "--task", "function", "--data", "broken.csv", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "broken.csv"));

  /* Images that are not IDX data. */
  idx = path_in (&run, "idx");
  g_assert_cmpint (g_mkdir (idx, 0755), ==, 0);
  images = g_build_filename (idx, "train-images-idx3-ubyte.gz", NULL);
  labels = g_build_filename (idx, "train-labels-idx1-ubyte.gz", NULL);
  g_assert_true (g_file_set_contents (images, "this is not gzip data at all", -1, NULL));
  g_assert_true (g_file_set_contents (labels, "nor is this", -1, NULL));
  spawn (&run, "trajectories", "--data", "idx", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "train-"));

  spawn (&run, "trajectories", "--data", "missing-folder", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "missing-folder"));
  run_clear (&run);
}

static void
test_help (gconstpointer cli)
{
  static const char *const shared[] = {
    "--task", "--data", "--function", "--samples", "--hidden", "--activation", "--optimizer",
    "--lr", "--batch", "--epochs", "--seed", "--runs", "--first-run", "--threads", "--tolerance",
    "--grad-tolerance", "--descent-steps", "--newton-steps", "--descent-lr",
    "--out", "--save-weights", "--quiet",
  };
  static const char *const commands[] = { "trajectories", "gradnorm", "critical", "hessian" };
  static const char *const critical_only[] = {
    "--ratio=minimal|nonzero", "--pb-fit", "--slice-run", "--slice-range", "--slice-points",
    "--jobs", "--newton=auto|dense|minres|lm", "trend.csv",
  };
  static const char *const hessian_only[] = {
    "--method=dense|lanczos|slq", "--k", "--iterations", "--probes", "--slice ", "--slice-range",
    "--slice-points", "--newton", "extremes.csv", "density.csv",
  };
  Run run;

  run_init (&run, cli);
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      spawn (&run, commands[c], "--help", NULL);
      assert_status (&run, 0);
      for (guint i = 0; i < G_N_ELEMENTS (shared); i++)
        if (strstr (run.out, shared[i]) == NULL)
          g_error ("“saddle-cli %s --help” does not list %s:\n%s", commands[c], shared[i], run.out);
    }
  spawn (&run, "trajectories", "--help", NULL);
  g_assert_nonnull (strstr (run.out, "--surface"));
  /* Options of the trajectories alone are listed there and nowhere else. */
  g_assert_nonnull (strstr (run.out, "--snapshot-every"));
  g_assert_nonnull (strstr (run.out, "--layer"));
  spawn (&run, "critical", "--help", NULL);
  g_assert_null (strstr (run.out, "--snapshot-every"));
  g_assert_null (strstr (run.out, "--layer"));
  spawn (&run, "trajectories", "--help", NULL);
  g_assert_nonnull (strstr (run.out, "0 (none)"));
  g_assert_nonnull (strstr (run.out, "--jobs"));
  spawn (&run, "critical", "--help", NULL);
  g_assert_nonnull (strstr (run.out, "--spectra"));
  for (guint i = 0; i < G_N_ELEMENTS (critical_only); i++)
    if (strstr (run.out, critical_only[i]) == NULL)
      g_error ("“saddle-cli critical --help” does not list %s:\n%s", critical_only[i], run.out);
  spawn (&run, "hessian", "--help", NULL);
  g_assert_nonnull (strstr (run.out, "--weights"));
  for (guint i = 0; i < G_N_ELEMENTS (hessian_only); i++)
    if (strstr (run.out, hessian_only[i]) == NULL)
      g_error ("“saddle-cli hessian --help” does not list %s:\n%s", hessian_only[i], run.out);
  spawn (&run, "bench", "--help", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "--large"));
  g_assert_nonnull (strstr (run.out, "--threads"));

  spawn (&run, "--help", NULL);
  assert_status (&run, 0);
  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    g_assert_nonnull (strstr (run.out, commands[c]));
  g_assert_nonnull (strstr (run.out, "bench"));
  g_assert_nonnull (strstr (run.out, "--hidden"));
  g_assert_null (strstr (run.out, "Writes to"));
  spawn (&run, "nonsense", NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "bench and merge"));

  spawn (&run, "help", "critical", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "--spectra"));

  spawn (&run, "--version", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, PACKAGE_VERSION));

  spawn (&run, NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "Usage"));
  run_clear (&run);
}

/* Waits (up to 10 s) until @pid catches @signum, as /proc says (SigCgt): a signal sent before
 * saddle-cli installed its handlers would kill it instead, and a sanitizer build can take
 * longer than a test's delay to reach main(). */
static void
wait_for_handler (GPid pid,
                  int  signum)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  gint64 end = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  while (g_get_monotonic_time () < end)
    {
      g_autofree char *status = NULL;
      const char *caught;

      if (g_file_get_contents (path, &status, NULL, NULL)
          && (caught = strstr (status, "SigCgt:")) != NULL
          && (g_ascii_strtoull (caught + strlen ("SigCgt:"), NULL, 16) >> (signum - 1)) & 1)
        return;
      g_usleep (2000);
    }
}

/* Like spawn(), but sends @signum @delay_ms after saddle-cli can take it (0: never); the exit
 * status in run->status. */
static void
spawn_signalled (Run        *run,
                 int         signum,
                 guint       delay_ms,
                 const char *first,
                 ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status = 0;
  GPid pid;
  va_list args;

  va_start (args, first);
  argv = cli_argv (run, first, args);
  va_end (args);

  g_assert_true (g_spawn_async (run->dir, (char **) argv->pdata, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  if (delay_ms > 0)
    {
      wait_for_handler (pid, signum);
      g_usleep (delay_ms * 1000);
      kill (pid, signum);
    }
  g_assert_cmpint (waitpid (pid, &wait_status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

static char *
read_in (const Run  *run,
         const char *name)
{
  g_autofree char *path = path_in (run, name);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

/* A tiny critical study: a run takes a few milliseconds. */
#define TINY "--hidden", "3", "--samples", "40", "--batch", "40", "--epochs", "20", \
             "--descent-steps", "20", "--newton-steps", "2", "--still-steps", "20", "--jobs", "1"

/* Special files are refused at once, naming what they are (issue: reads that never end). */
static void
test_safety_special_files (gconstpointer cli)
{
  g_autofree char *zero = NULL, *fifo = NULL;
  Run run;

  run_init (&run, cli);
  zero = path_in (&run, "zero.txt");
  fifo = path_in (&run, "fifo.txt");
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);

  spawn (&run, "hessian", "--weights", "zero.txt", "--out", "h", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "is a device"));
  spawn (&run, "hessian", "--weights", "fifo.txt", "--out", "h", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "is a FIFO"));
  spawn (&run, "hessian", "--weights", ".", "--out", "h", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "is a folder"));
  spawn (&run, "gradnorm", "--task", "function", "--data", "fifo.txt", "--out", "g", NULL);
  g_assert_cmpint (run.status, !=, 0);
  g_assert_nonnull (strstr (run.err, "is a FIFO"));
  run_clear (&run);
}

/* A Hessian that can never fit is refused before any run trains. */
static void
test_safety_too_large_first (gconstpointer cli)
{
  Run run;
  gint64 start;

  run_init (&run, cli);
  start = g_get_monotonic_time ();
  spawn (&run, "critical", "--hidden", "60000", "--runs", "2", "--out", "c", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "needs"));
  g_assert_null (strstr (run.err, "Run 1/2"));
  g_test_message ("refused after %.2f s", (g_get_monotonic_time () - start) / 1e6);
  run_clear (&run);
}

/* An interrupt before any run finished leaves the folder's previous study as it was; one
 * after some runs writes a consistent set of those, with 128 + the signal as status; a
 * study that writes fewer files removes the stale ones of the previous study. */
static void
test_safety_interrupts (gconstpointer cli)
{
  g_autofree char *before = NULL, *after = NULL, *summary = NULL;
  g_autofree char *stale = NULL;
  Run run;

  run_init (&run, cli);
  spawn (&run, "critical", TINY, "--runs", "3", "--spectra", "all", "--out", "keep", NULL);
  assert_status (&run, 0);
  before = read_in (&run, "keep/critical.csv");
  g_assert_nonnull (before);
  stale = path_in (&run, "keep/spectrum-run3.svg");
  g_assert_true (g_file_test (stale, G_FILE_TEST_EXISTS));

  /* 200 ms in, a study of 10,000 epochs a run is still training its first runs (the default
   * 200 take about 50 ms since session 20, and a run can end within 200 ms). */
  spawn_signalled (&run, SIGINT, 200, "critical", "--runs", "3", "--epochs", "10000", "--out",
                   "keep", NULL);
  g_assert_cmpint (run.status, ==, 130);
  after = read_in (&run, "keep/critical.csv");
  g_assert_cmpstr (after, ==, before);
  g_assert_true (g_file_test (stale, G_FILE_TEST_EXISTS));

  /* SIGTERM once a few tiny runs are done: what finished is written, all of one study. */
  spawn_signalled (&run, SIGTERM, 1500, "critical", TINY, "--runs", "10000", "--out", "keep",
                   NULL);
  g_assert_cmpint (run.status, ==, 143);
  summary = read_in (&run, "keep/summary.json");
  g_assert_nonnull (strstr (summary, "\"cancelled\" : true"));
  /* Valid JSON: json-glib 1.6 wrote 1e-08 as "1e-08.0", which the CLI repairs. */
  g_assert_false (g_regex_match_simple ("[0-9]e[+-]?[0-9]+\\.0", summary, 0, 0));
  g_assert_nonnull (strstr (summary, "\"certify_tolerance\" : 1e-08,"));
  g_clear_pointer (&after, g_free);
  after = read_in (&run, "keep/critical.csv");
  g_assert_cmpstr (after, !=, before);
  /* Its spectra are the first run's only: the old study's third is not left looking current. */
  g_assert_false (g_file_test (stale, G_FILE_TEST_EXISTS));
  /* A merge of it says that it was interrupted. */
  spawn (&run, "merge", "--out", "merged", "keep", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "keep holds an interrupted study: "));
  run_clear (&run);
}

/* hessian takes the model from the weights file's header: no options repeated. An option
 * given anyway wins, and the difference is said. */
static void
test_hessian_reads_header (gconstpointer cli)
{
  Run run;

  run_init (&run, cli);
  spawn (&run, "gradnorm", "--task", "function", "--hidden", "7", "--activation", "tanh",
         "--samples", "30", "--epochs", "2", "--runs", "1", "--save-weights", "w.txt",
         "--out", "g", NULL);
  assert_status (&run, 0);
  spawn (&run, "hessian", "--weights", "w.txt", "--out", "h", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.out, "Model: 1-7-1 tanh"));
  g_assert_nonnull (strstr (run.out, "Parameters: 22"));
  /* The file's widths (1,7,1) are facts, not a default: another --hidden is refused. */
  spawn (&run, "hessian", "--weights", "w.txt", "--hidden", "8", "--out", "h", NULL);
  assert_status (&run, 2);
  g_assert_nonnull (strstr (run.err, "--hidden 8 conflicts with “w.txt”, whose tensors are the "
                                     "widths 1-7-1 (--hidden 7)"));
  /* An activation given anyway wins, and the difference is said. */
  spawn (&run, "hessian", "--weights", "w.txt", "--activation", "relu", "--out", "h", NULL);
  assert_status (&run, 0);
  g_assert_nonnull (strstr (run.err, "--activation relu overrides the tanh the weights file was "
                                     "saved with"));
  g_assert_nonnull (strstr (run.out, "Model: 1-7-1 relu"));
  run_clear (&run);
}

/* Weights near the reader's 1e100 limit on a saturated tanh net: loss, gradient and Hessian
 * are finite (about 1e199), but H·∇L is 1e398. The ratio ‖H·g‖/‖g‖ is measured along the
 * unit gradient instead, printed as a number no larger than max|λ|, never "-nan". */
static void
test_hessian_huge_weights (gconstpointer cli)
{
  static const char *const values[] = {
    "-1e100", "1e100", "1e-100", "1e100", "0.5", "0.5", "0.5", "0.5", "-1e100", "1e100", "0.5",
    "1e100", "0.5", "0.5", "1e100", "0.5", "1e-100", "-1e100", "1e100", "1e-100", "1e100",
    "1e100",
  };
  const char *methods[] = { "dense", "lanczos" };
  g_autoptr(GString) text = g_string_new ("# saddle-cli gradnorm\n"
                                          "# options: --task function --hidden '7' "
                                          "--activation tanh --samples 30\n");
  g_autofree char *path = NULL;
  Run run;

  run_init (&run, cli);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    g_string_append_printf (text, "%s\n", values[i]);
  path = path_in (&run, "huge.txt");
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  for (guint m = 0; m < G_N_ELEMENTS (methods); m++)
    {
      const char *line;
      double ratio;

      spawn (&run, "hessian", "--weights", "huge.txt", "--method", methods[m], "--out", "h", NULL);
      assert_status (&run, 0);
      g_assert_null (strstr (run.out, "nan"));
      line = strstr (run.out, "‖H·g‖/‖g‖: ");
      g_assert_nonnull (line);
      ratio = g_ascii_strtod (line + strlen ("‖H·g‖/‖g‖: "), NULL);
      g_test_message ("%s: ‖H·g‖/‖g‖ = %g", methods[m], ratio);
      g_assert_cmpfloat (ratio, >, 1e198);
      g_assert_cmpfloat (ratio, <, 1e201);
      if (m == 0)
        {
          const char *max = strstr (run.out, "(max|λ| = ");

          g_assert_nonnull (max);
          g_assert_cmpfloat (ratio, <=, g_ascii_strtod (max + strlen ("(max|λ| = "), NULL) * 1.000001);
        }
    }
  run_clear (&run);
}

/* A second writer of one --out is refused, naming the first one's PID. */
static void
test_safety_lock (gconstpointer cli)
{
  g_autofree char *dir = NULL, *lock = NULL;
  Run run;
  int fd;

  run_init (&run, cli);
  dir = path_in (&run, "out");
  lock = g_build_filename (dir, ".saddle-lock", NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  fd = g_open (lock, O_RDWR | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);
  g_assert_cmpint (write (fd, "4242\n", 5), ==, 5);

  spawn (&run, "critical", TINY, "--runs", "1", "--out", "out", NULL);
  assert_status (&run, 1);
  g_assert_nonnull (strstr (run.err, "being written by another saddle-cli or Saddle (PID 4242)"));
  close (fd);
  spawn (&run, "critical", TINY, "--runs", "1", "--out", "out", NULL);
  assert_status (&run, 0);
  run_clear (&run);
}

/* Reads @fd into @text until @needle is in it; FALSE after @timeout_ms or at its end. */
static gboolean
read_until (int         fd,
            GString    *text,
            const char *needle,
            guint       timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (strstr (text->str, needle) == NULL)
    {
      GPollFD poll_fd = { .fd = fd, .events = G_IO_IN };
      char buffer[4096];
      gssize n;
      gint64 left = end - g_get_monotonic_time ();

      if (left <= 0 || g_poll (&poll_fd, 1, (int) (left / 1000)) <= 0)
        return FALSE;
      if ((n = read (fd, buffer, sizeof buffer)) <= 0)
        return FALSE;
      g_string_append_len (text, buffer, n);
    }
  return TRUE;
}

/* Waits up to @timeout_ms for @pid to exit; its wait status, or -1 if it is still running. */
static int
wait_exit (GPid  pid,
           guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int wait_status;

  do
    {
      if (waitpid (pid, &wait_status, WNOHANG) == pid)
        return wait_status;
      g_usleep (5000);
    }
  while (g_get_monotonic_time () < end);
  return -1;
}

/* A second Ctrl-C while a run is inside LAPACK writes the runs finished so far and exits 130
 * within a second; the first alone waits for the eigensolve. stderr is a pseudo-terminal, so
 * the live line says when run 2 enters its eigensolve (seconds long at 2,701 parameters of a
 * tanh net: a ReLU net's Hessian here has most rows exactly zero, set aside before the solve,
 * which then ends too soon). */
static void
test_safety_second_interrupt (gconstpointer cli)
{
  const char *argv[] = {
    cli, "critical", "--task", "function", "--hidden", "50,50", "--activation", "tanh",
    "--samples", "100", "--epochs", "1", "--descent-steps", "0", "--newton-steps", "0", "--still-steps", "0",
    "--runs", "3", "--jobs", "1", "--out", "o", NULL
  };
  g_autoptr(GString) err = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *out_path = NULL, *csv = NULL, *eigenvalues = NULL, *summary = NULL;
  g_autofree char *out_dir = NULL, *spectrum = NULL;
  g_auto(GStrv) rows = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  int master, slave, out_fd, wait_status;
  gint64 second;
  GPid pid;
  Run run;

  run_init (&run, cli);
  master = posix_openpt (O_RDWR | O_NOCTTY);
  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = g_open (ptsname (master), O_RDWR | O_NOCTTY, 0);
  g_assert_cmpint (slave, >=, 0);
  out_path = path_in (&run, "stdout.txt");
  out_fd = g_open (out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (out_fd, >=, 0);
  g_assert_true (g_spawn_async_with_fds (run.dir, (char **) argv, NULL,
                                         G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, -1,
                                         out_fd, slave, &error));
  g_assert_no_error (error);
  close (slave);
  close (out_fd);

  if (!read_until (master, err, "Run 2/3: Eigenvalues", 300000))
    g_error ("run 2 never reached its eigensolve:\n%s", err->str);
  kill (pid, SIGINT);
  /* The first asks to stop after the eigensolve: it is still running. */
  g_assert_cmpint (wait_exit (pid, 300), ==, -1);
  kill (pid, SIGINT);
  second = g_get_monotonic_time ();
  wait_status = wait_exit (pid, 10000);
  g_test_message ("exited %.0f ms after the second SIGINT",
                  (g_get_monotonic_time () - second) / 1e3);
  g_assert_cmpint (wait_status, !=, -1);
  g_assert_cmpint (g_get_monotonic_time () - second, <=, G_TIME_SPAN_SECOND);
  g_spawn_close_pid (pid);
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 130);
  g_assert_true (read_until (master, err, "writing what is finished and stopping now", 1000));
  close (master);

  /* Run 1 whole, run 2 not at all, and no staging folder left behind. */
  csv = read_in (&run, "o/critical.csv");
  g_assert_nonnull (csv);
  rows = g_strsplit (csv, "\n", -1);
  g_assert_true (g_str_has_prefix (rows[0], "run,loss,"));
  g_assert_true (g_str_has_prefix (rows[1], "1,"));
  g_assert_cmpstr (rows[2], ==, "");
  eigenvalues = read_in (&run, "o/eigenvalues.csv");
  g_assert_nonnull (eigenvalues);
  g_assert_nonnull (strstr (eigenvalues, "\n1,2700,"));
  g_assert_null (strstr (eigenvalues, "\n2,"));
  summary = read_in (&run, "o/summary.json");
  g_assert_nonnull (summary);
  g_assert_nonnull (strstr (summary, "\"cancelled\" : true"));
  spectrum = path_in (&run, "o/spectrum-run1.svg");
  g_assert_true (g_file_test (spectrum, G_FILE_TEST_IS_REGULAR));
  out_dir = path_in (&run, "o");
  dir = g_dir_open (out_dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".saddle-staging"));
  run_clear (&run);
}

/* saddle-cli starts again once with glibc's huge pages for its large allocations, unless
 * SADDLE_NO_HUGE_PAGES says not to (saddle-huge-pages.c). */
static void
test_huge_pages (gconstpointer data)
{
  const char *cli = data;
  const char *argv[] = { cli, "--version", NULL };
  g_autofree char *enabled = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("GLIBC_TUNABLES"));
  SaddleTestRun run;

  if (!g_file_get_contents ("/sys/kernel/mm/transparent_hugepage/enabled", &enabled, NULL, NULL)
      || strstr (enabled, "[never]") != NULL)
    {
      g_test_skip ("the kernel offers no transparent huge pages");
      return;
    }

  g_unsetenv ("GLIBC_TUNABLES");
  g_unsetenv ("SADDLE_NO_HUGE_PAGES");
  g_setenv ("G_MESSAGES_DEBUG", "saddle-huge-pages", TRUE);
  saddle_test_run_init (&run, cli, "saddle-huge-XXXXXX");
  saddle_test_run_spawn (&run, argv);
  saddle_test_run_assert_status (&run, 0);
  /* GLib writes debug messages to stdout. */
  g_assert_nonnull (strstr (run.out, "transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1)"));
  /* Still named after itself, not /proc/self/exe. */
  g_assert_nonnull (strstr (run.out, "; process saddle-cli"));
  saddle_test_run_clear (&run);

  g_setenv ("SADDLE_NO_HUGE_PAGES", "1", TRUE);
  saddle_test_run_init (&run, cli, "saddle-huge-XXXXXX");
  saddle_test_run_spawn (&run, argv);
  saddle_test_run_assert_status (&run, 0);
  g_assert_null (strstr (run.out, "huge pages"));
  g_assert_null (strstr (run.err, "huge pages"));
  saddle_test_run_clear (&run);

  g_unsetenv ("SADDLE_NO_HUGE_PAGES");
  g_unsetenv ("G_MESSAGES_DEBUG");
  if (saved != NULL)
    g_setenv ("GLIBC_TUNABLES", saved, TRUE);
}

int
main (int argc, char **argv)
{
  g_autofree char *cli = NULL;

  g_test_init (&argc, &argv, NULL);

  if (argc < 2 || !g_file_test (argv[1], G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("usage: %s PATH-TO-saddle-cli\n", argv[0]);
      return 1;
    }
  /* Commands run in their own folders: the path must not be relative. */
  cli = g_canonicalize_filename (argv[1], NULL);

  g_test_add_data_func ("/cli/trajectories", cli, test_trajectories);
  g_test_add_data_func ("/cli/huge-pages", cli, test_huge_pages);
  g_test_add_data_func ("/cli/safety/special-files", cli, test_safety_special_files);
  g_test_add_data_func ("/cli/safety/too-large-first", cli, test_safety_too_large_first);
  g_test_add_data_func ("/cli/safety/interrupts", cli, test_safety_interrupts);
  g_test_add_data_func ("/cli/safety/lock", cli, test_safety_lock);
  g_test_add_data_func ("/cli/safety/second-interrupt", cli, test_safety_second_interrupt);
  g_test_add_data_func ("/cli/hessian-reads-header", cli, test_hessian_reads_header);
  g_test_add_data_func ("/cli/hessian-huge-weights", cli, test_hessian_huge_weights);
  g_test_add_data_func ("/cli/trajectories-idx", cli, test_trajectories_idx);
  g_test_add_data_func ("/cli/gradnorm-and-hessian", cli, test_gradnorm_and_hessian);
  g_test_add_data_func ("/cli/critical", cli, test_critical);
  g_test_add_data_func ("/cli/critical-autoencoder", cli, test_critical_autoencoder);
  g_test_add_data_func ("/cli/trajectories-no-surface", cli, test_trajectories_no_surface);
  g_test_add_data_func ("/cli/merge", cli, test_merge);
  g_test_add_data_func ("/cli/hessian-lanczos", cli, test_hessian_lanczos);
  g_test_add_data_func ("/cli/hessian-slq", cli, test_hessian_slq);
  g_test_add_data_func ("/cli/hessian-too-large", cli, test_hessian_too_large);
  g_test_add_data_func ("/cli/critical-trend", cli, test_critical_trend);
  g_test_add_data_func ("/cli/first-run", cli, test_first_run);
  g_test_add_data_func ("/cli/bench", cli, test_bench);
  g_test_add_data_func ("/cli/bad-options", cli, test_bad_options);
  g_test_add_data_func ("/cli/bad-data", cli, test_bad_data);
  g_test_add_data_func ("/cli/help", cli, test_help);

  return g_test_run ();
}
