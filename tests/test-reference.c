/* test-reference.c — the numbers do not move: every CSV, weights file and summary.json of the
 * three studies and `hessian` against files checked in under tests/reference/
 *
 * argv[1] is the saddle-cli binary, argv[2] the reference folder (tests/meson.build passes
 * both). Each study runs on small, fixed settings (a fraction of a second each): fixed seeds,
 * one BLAS thread and one job, so that every sum is taken in one order and the files are the
 * same byte for byte. tests/meson.build also pins OpenBLAS's kernels (OPENBLAS_CORETYPE), so
 * that a machine with other vector units takes the same sums.
 *
 * How a file is compared is stated per file in reference_files[]: byte for byte (what a
 * refactor keeps; summary.json without its times, weights files without their comment
 * header), or within a stated tolerance (for
 * performance work that changes the order of sums): every number relative to the largest
 * |value| of its column in the reference, while texts (labels) and columns of integers
 * (indices, counts) stay exact.
 *
 * To write new references after a change that is meant to move the numbers:
 *   SADDLE_REFERENCE_UPDATE=1 meson test -C build reference
 * and commit tests/reference/ with a message that says why they moved.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-test-run.h"

typedef enum
{
  COMPARE_BYTES,       /* byte-identical */
  COMPARE_TOLERANCE,   /* numbers within tolerance · max|column|; texts and integers exact */
  COMPARE_UNTIMED,     /* byte-identical once the lines holding a time ("seconds…") are dropped */
  COMPARE_NUMBERS,     /* byte-identical once the comment lines ("# …") are dropped: a weights
                        * file's numbers, whatever its header says about them */
} CompareMode;

typedef struct
{
  const char  *study;     /* the folder: a study of studies[] */
  const char  *name;      /* the file in it */
  CompareMode  mode;
  double       tolerance; /* COMPARE_TOLERANCE only */
} ReferenceFile;

/* Every file the studies below write except the SVGs (drawn text depends on the fonts).
 * Performance work that reorders sums moves the Hessian's eigenvalues at fixed weights
 * (hessian/eigenvalues.csv) to COMPARE_TOLERANCE, 1e-12; anything else that may move says so
 * here, with its tolerance. */
static const ReferenceFile reference_files[] = {
  { "trajectories", "history.csv",            COMPARE_BYTES, 0 },
  { "trajectories", "epochs.csv",             COMPARE_BYTES, 0 },
  { "trajectories", "trajectories.csv",       COMPARE_BYTES, 0 },
  { "trajectories", "trajectories-layer.csv", COMPARE_BYTES, 0 },
  { "trajectories", "surface.csv",            COMPARE_BYTES, 0 },
  { "trajectories", "summary.json",           COMPARE_UNTIMED, 0 },
  { "gradnorm",     "history.csv",            COMPARE_BYTES, 0 },
  { "gradnorm",     "epochs.csv",             COMPARE_BYTES, 0 },
  { "gradnorm",     "w-run1.txt",             COMPARE_NUMBERS, 0 },
  { "gradnorm",     "w-run2.txt",             COMPARE_NUMBERS, 0 },
  { "gradnorm",     "summary.json",           COMPARE_UNTIMED, 0 },
  { "critical",     "history.csv",            COMPARE_BYTES, 0 },
  { "critical",     "epochs.csv",             COMPARE_BYTES, 0 },
  { "critical",     "critical.csv",           COMPARE_BYTES, 0 },
  { "critical",     "eigenvalues.csv",        COMPARE_BYTES, 0 },
  { "critical",     "trend.csv",              COMPARE_BYTES, 0 },
  { "critical",     "p-run1.txt",             COMPARE_NUMBERS, 0 },
  { "critical",     "p-run2.txt",             COMPARE_NUMBERS, 0 },
  { "critical",     "p-run3.txt",             COMPARE_NUMBERS, 0 },
  { "critical",     "p-run4.txt",             COMPARE_NUMBERS, 0 },
  { "critical",     "summary.json",           COMPARE_UNTIMED, 0 },
  { "critical-lm",  "history.csv",            COMPARE_BYTES, 0 },
  { "critical-lm",  "epochs.csv",             COMPARE_BYTES, 0 },
  { "critical-lm",  "critical.csv",           COMPARE_BYTES, 0 },
  { "critical-lm",  "eigenvalues.csv",        COMPARE_BYTES, 0 },
  { "critical-lm",  "trend.csv",              COMPARE_BYTES, 0 },
  { "critical-lm",  "summary.json",           COMPARE_UNTIMED, 0 },
  { "hessian",      "eigenvalues.csv",        COMPARE_BYTES, 0 },
  { "hessian",      "summary.json",           COMPARE_UNTIMED, 0 },
};

#define COMMON "--threads", "1", "--quiet", "--out", "."

typedef struct
{
  const char *name;
  const char *input;      /* a reference file copied into the run's folder first, or NULL */
  const char *args[48];   /* after the command; NULL-terminated */
} Study;

static const Study studies[] = {
  { "trajectories", NULL,
                    { "trajectories", "--task", "function", "--samples", "60", "--hidden", "8",
                      "--runs", "2", "--epochs", "3", "--batch", "20", "--surface", "9",
                      "--seed", "3", "--jobs", "1", COMMON, NULL } },
  { "gradnorm",     NULL,
                    { "gradnorm", "--task", "function", "--function", "sign",
                      "--samples", "40", "--hidden", "6", "--activation", "tanh", "--runs", "2",
                      "--epochs", "4", "--batch", "10", "--seed", "7", "--jobs", "1",
                      "--save-weights", "w.txt", COMMON, NULL } },
  /* ReLU, so that dead units and the Clarke certificate take part; --pb-fit and 4 runs, so
   * that trend.csv holds the Pearson, Spearman and Pennington–Bahri numbers; 80 samples, so
   * that the descent, Newton and the still-descending test sum by linear region (from 64). */
  { "critical",     NULL,
                    { "critical", "--samples", "80", "--hidden", "5,5", "--runs", "4",
                      "--epochs", "8", "--batch", "10", "--descent-steps", "30",
                      "--newton-steps", "2", "--still-steps", "20", "--pb-fit",
                      "--spectra", "all", "--jobs", "1", "--save-weights", "p.txt",
                      COMMON, NULL } },
  /* tanh with Levenberg–Marquardt Newton steps (the ReLU study above takes MINRES). */
  { "critical-lm",  NULL,
                    { "critical", "--samples", "40", "--hidden", "6", "--activation", "tanh",
                      "--runs", "3", "--epochs", "5", "--batch", "20", "--descent-steps", "20",
                      "--newton-steps", "3", "--newton", "lm", "--still-steps", "20",
                      "--jobs", "1", COMMON, NULL } },
  /* The dense Hessian at weights fixed in the reference folder, not at this build's (copied
   * in, so that summary.json names it the same wherever the sources are). */
  { "hessian",      "gradnorm/w-run2.txt",
                    { "hessian", "--weights", "w-run2.txt", "--function", "sign",
                      "--samples", "40", "--hidden", "6", "--activation", "tanh",
                      "--still-steps", "20", COMMON, NULL } },
};

static const char *reference_dir;

/* The line of @text that holds byte @offset, for a message. */
static char *
line_at (const char *text,
         gsize       offset,
         guint      *number)
{
  const char *start = text;
  const char *end;

  *number = 1;
  for (const char *p = text; p < text + offset; p++)
    if (*p == '\n')
      {
        start = p + 1;
        (*number)++;
      }
  end = strchr (start, '\n');
  return end != NULL ? g_strndup (start, end - start) : g_strdup (start);
}

/* NULL when @got is @want byte for byte, else what differs first. */
static char *
differ_bytes (const char *want,
              gsize       want_len,
              const char *got,
              gsize       got_len)
{
  gsize i = 0;
  g_autofree char *want_line = NULL;
  g_autofree char *got_line = NULL;
  guint line;

  while (i < want_len && i < got_len && want[i] == got[i])
    i++;
  if (i == want_len && i == got_len)
    return NULL;
  want_line = line_at (want, i, &line);
  got_line = line_at (got, i, &line);
  return g_strdup_printf ("line %u differs (%" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT
                          " bytes): reference \"%s\", this build \"%s\"",
                          line, want_len, got_len, want_line, got_line);
}

/* An integer field: digits after an optional sign. Counts and indices are compared exactly. */
static gboolean
is_integer (const char *text)
{
  if (*text == '-' || *text == '+')
    text++;
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isdigit (*text))
      return FALSE;
  return TRUE;
}

/* A CSV field that is a finite or special number, in @value. */
static gboolean
parse_number (const char *text,
              double     *value)
{
  char *end = NULL;

  if (*text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0';
}

/* The rows of a CSV text, each split at commas (the studies quote no field). */
static GPtrArray *
split_csv (const char *text)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' || lines[i + 1] != NULL)
      g_ptr_array_add (rows, g_strsplit (lines[i], ",", -1));
  return rows;
}

/* NULL when @got matches @want within @tolerance (see COMPARE_TOLERANCE), else the first
 * field that does not, with its line and column. */
static char *
differ_within (const char *want,
               const char *got,
               double      tolerance)
{
  g_autoptr(GPtrArray) want_rows = split_csv (want);
  g_autoptr(GPtrArray) got_rows = split_csv (got);
  g_autofree double *scale = NULL;
  g_autofree gboolean *exact = NULL;
  guint columns;

  if (want_rows->len != got_rows->len)
    return g_strdup_printf ("%u lines in the reference, %u in this build",
                            want_rows->len, got_rows->len);
  if (want_rows->len == 0)
    return NULL;
  columns = g_strv_length (g_ptr_array_index (want_rows, 0));
  /* A column whose reference fields are all integers (an index, a count) is exact; a real
   * column may hold a value that prints as one. */
  scale = g_new0 (double, columns);
  exact = g_new (gboolean, columns);
  for (guint c = 0; c < columns; c++)
    exact[c] = TRUE;
  for (guint r = 1; r < want_rows->len; r++)
    {
      char **fields = g_ptr_array_index (want_rows, r);

      for (guint c = 0; c < columns && fields[c] != NULL; c++)
        {
          double value;

          exact[c] = exact[c] && is_integer (fields[c]);
          if (parse_number (fields[c], &value) && isfinite (value))
            scale[c] = MAX (scale[c], fabs (value));
        }
    }

  for (guint r = 0; r < want_rows->len; r++)
    {
      char **w = g_ptr_array_index (want_rows, r);
      char **g = g_ptr_array_index (got_rows, r);

      if (g_strv_length (w) != g_strv_length (g))
        return g_strdup_printf ("line %u: %u fields in the reference, %u in this build",
                                r + 1, g_strv_length (w), g_strv_length (g));
      for (guint c = 0; w[c] != NULL; c++)
        {
          double a, b;

          if (strcmp (w[c], g[c]) == 0)
            continue;
          /* The header, texts (labels), integer columns, NaN and infinities are exact. */
          if (r == 0 || c >= columns || exact[c]
              || !parse_number (w[c], &a) || !parse_number (g[c], &b)
              || !isfinite (a) || !isfinite (b)
              || fabs (a - b) > tolerance * scale[c])
            return g_strdup_printf ("line %u, column %u: reference %s, this build %s "
                                    "(tolerance %g x max|column| = %g)",
                                    r + 1, c + 1, w[c], g[c], tolerance,
                                    c < columns ? tolerance * scale[c] : 0.0);
        }
    }
  return NULL;
}

/* @text without the lines that @mode leaves out: those holding a time (a member named
 * "seconds…") or the comments (starting with '#'). */
static char *
kept_lines (const char  *text,
            CompareMode  mode)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (mode == COMPARE_UNTIMED ? strstr (lines[i], "\"seconds") == NULL : lines[i][0] != '#')
      g_string_append_printf (out, "%s%s", lines[i], lines[i + 1] != NULL ? "\n" : "");
  return g_string_free (out, FALSE);
}

/* NULL when @got matches @want as @file says, else why not. */
static char *
differ (const ReferenceFile *file,
        const char          *want,
        gsize                want_len,
        const char          *got,
        gsize                got_len)
{
  if (file->mode == COMPARE_BYTES)
    return differ_bytes (want, want_len, got, got_len);
  if (file->mode == COMPARE_UNTIMED || file->mode == COMPARE_NUMBERS)
    {
      g_autofree char *w = kept_lines (want, file->mode);
      g_autofree char *g = kept_lines (got, file->mode);

      return differ_bytes (w, strlen (w), g, strlen (g));
    }
  return differ_within (want, got, file->tolerance);
}

static gboolean
updating (void)
{
  return g_strcmp0 (g_getenv ("SADDLE_REFERENCE_UPDATE"), "1") == 0;
}

static const char *cli;

/* Compares (or, when updating, copies) @file of the study that ran in @out. */
static void
check_file (const ReferenceFile *file,
            const char          *out)
{
  g_autofree char *got_path = g_build_filename (out, file->name, NULL);
  g_autofree char *want_path = g_build_filename (reference_dir, file->study, file->name, NULL);
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  g_autofree char *why = NULL;
  g_autoptr(GError) error = NULL;
  gsize got_len, want_len;

  if (!g_file_get_contents (got_path, &got, &got_len, &error))
    g_error ("%s/%s was not written: %s", file->study, file->name, error->message);
  if (updating ())
    {
      g_autofree char *folder = g_path_get_dirname (want_path);

      g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
      if (!g_file_set_contents (want_path, got, got_len, &error))
        g_error ("%s: %s", want_path, error->message);
      return;
    }
  if (!g_file_get_contents (want_path, &want, &want_len, &error))
    g_error ("%s (write the references with SADDLE_REFERENCE_UPDATE=1)", error->message);
  why = differ (file, want, want_len, got, got_len);
  if (why != NULL)
    g_error ("%s/%s moved from its reference (%s): %s", file->study, file->name,
             file->mode == COMPARE_TOLERANCE ? "within tolerance"
             : file->mode == COMPARE_UNTIMED ? "byte for byte, times left out"
             : file->mode == COMPARE_NUMBERS ? "byte for byte, comments left out"
             : "byte for byte",
             why);
}

static gboolean
is_listed (const char *study,
           const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reference_files); i++)
    if (strcmp (reference_files[i].study, study) == 0
        && strcmp (reference_files[i].name, name) == 0)
      return TRUE;
  return FALSE;
}

static void
test_study (gconstpointer data)
{
  const Study *study = data;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  SaddleTestRun run;
  guint checked = 0;
  GDir *dir;
  const char *name;

  saddle_test_run_init (&run, cli, "saddle-reference-XXXXXX");
  if (study->input != NULL)
    {
      g_autofree char *from = g_build_filename (reference_dir, study->input, NULL);
      g_autofree char *base = g_path_get_basename (study->input);
      g_autofree char *to = g_build_filename (run.dir, base, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (to, contents, length, NULL));
    }
  g_ptr_array_add (argv, g_strdup (cli));
  for (guint i = 0; study->args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (study->args[i]));
  g_ptr_array_add (argv, NULL);
  saddle_test_run_spawn (&run, (const char * const *) argv->pdata);
  saddle_test_run_assert_status (&run, 0);

  /* Every CSV and weights file written is in the table: a new output gets a reference. */
  dir = g_dir_open (run.dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if ((g_str_has_suffix (name, ".csv") || g_str_has_suffix (name, ".txt")
         || g_str_has_suffix (name, ".json"))
        && !is_listed (study->name, name)
        && (study->input == NULL || !g_str_has_suffix (study->input, name)))
      g_error ("%s wrote %s, which reference_files[] does not list", study->name, name);
  g_dir_close (dir);

  for (gsize i = 0; i < G_N_ELEMENTS (reference_files); i++)
    if (strcmp (reference_files[i].study, study->name) == 0)
      {
        check_file (&reference_files[i], run.dir);
        checked++;
      }
  g_assert_cmpuint (checked, >, 0);
  saddle_test_run_clear (&run);
}

/* Under @mode, @same matches @want and @moved does not. */
static void
assert_mode (CompareMode  mode,
             const char  *want,
             const char  *same,
             const char  *moved)
{
  const ReferenceFile file = { "test", "file", mode, 0 };
  g_autofree char *why_same = differ (&file, want, strlen (want), same, strlen (same));
  g_autofree char *why_moved = differ (&file, want, strlen (want), moved, strlen (moved));

  if (why_same != NULL)
    g_error ("%s", why_same);
  g_assert_nonnull (why_moved);
}

/* The comparison modes themselves: a Hessian spectrum that moved by rounding passes the
 * tolerance, one that moved by more, or whose index changed, does not; times and comment
 * headers are all the other modes forgive. */
static void
test_modes (void)
{
  const char *want = "index,eigenvalue\n0,-0.25\n1,1e-9\n2,4\n";
  const ReferenceFile spectrum = { "hessian", "eigenvalues.csv", COMPARE_TOLERANCE, 1e-12 };
  char *why;

  /* 4 · 1e-12 = 4e-12 is the allowed move of every eigenvalue. */
  why = differ (&spectrum, want, strlen (want),
                "index,eigenvalue\n0,-0.25000000000300\n1,1.003e-9\n2,4.000000000003\n", 0);
  if (why != NULL)
    g_error ("%s", why);
  why = differ (&spectrum, want, strlen (want),
                "index,eigenvalue\n0,-0.25\n1,1e-9\n2,4.00000000001\n", 0);
  g_assert_nonnull (why);
  g_assert_nonnull (strstr (why, "line 4, column 2"));
  g_free (why);
  why = differ (&spectrum, want, strlen (want), "index,eigenvalue\n0,-0.25\n2,1e-9\n2,4\n", 0);
  g_assert_nonnull (why);
  g_free (why);
  why = differ (&spectrum, want, strlen (want), "index,eigenvalue\n0,-0.25\n1,1e-9\n", 0);
  g_assert_nonnull (why);
  g_free (why);
  /* A label is a text: exact. */
  why = differ (&spectrum, "run,label\n1,saddle\n", 0, "run,label\n1,minimum\n", 0);
  g_assert_nonnull (why);
  g_free (why);
  /* Times are left out of an untimed comparison, and only they. */
  assert_mode (COMPARE_UNTIMED, "{\n  \"loss\" : 0.5,\n  \"seconds_eigen\" : 0.01\n}",
               "{\n  \"loss\" : 0.5,\n  \"seconds_eigen\" : 3\n}",
               "{\n  \"loss\" : 0.25,\n  \"seconds_eigen\" : 0.01\n}");
  /* A weights file's header may change, its numbers may not. */
  assert_mode (COMPARE_NUMBERS, "# saddle weights\n# 1-2-1\n0.5\n-0.25\n",
               "# saddle weights\n# 7 parameters\n0.5\n-0.25\n",
               "# saddle weights\n# 1-2-1\n0.5\n-0.125\n");
  /* Byte mode sees what tolerance forgives. */
  why = differ_bytes ("0,4\n", 4, "0,4.000000000003\n", 17);
  g_assert_nonnull (why);
  g_free (why);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (argc >= 3 && updating ())
    g_mkdir_with_parents (argv[2], 0755);
  if (argc < 3 || !g_file_test (argv[1], G_FILE_TEST_IS_EXECUTABLE)
      || !g_file_test (argv[2], G_FILE_TEST_IS_DIR))
    {
      g_printerr ("usage: %s PATH-TO-saddle-cli REFERENCE-FOLDER\n", argv[0]);
      return 1;
    }
  /* Commands run in their own folders: the paths must not be relative. */
  cli = g_canonicalize_filename (argv[1], NULL);
  reference_dir = g_canonicalize_filename (argv[2], NULL);

  g_test_add_func ("/reference/modes", test_modes);
  for (gsize i = 0; i < G_N_ELEMENTS (studies); i++)
    {
      g_autofree char *path = g_strdup_printf ("/reference/%s", studies[i].name);

      g_test_add_data_func (path, &studies[i], test_study);
    }
  return g_test_run ();
}
