/* test-results.c — results folders: the staging that swaps a whole set in, summary.json read back */
#define G_LOG_DOMAIN "test-results"

#include "config.h"

#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-staging.h"
#include "saddle-summary.h"

static char *
put (const char *folder,
     const char *name,
     const char *text)
{
  char *path = g_build_filename (folder, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static char *
text_of (const char *folder,
         const char *name)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

/* Stages a set with two study subfolders holding @tag's files (and @extra in critical/). */
static SaddleStaging *
stage (const char *out,
       const char *tag,
       gboolean    extra)
{
  g_autoptr(GError) error = NULL;
  SaddleStaging *staging = saddle_staging_open (out, 0, &error);
  const char *dir;

  g_assert_no_error (error);
  dir = saddle_staging_dir (staging);
  g_free (put (dir, "gradnorm/history.csv", tag));
  g_free (put (dir, "critical/critical.csv", tag));
  if (extra)
    g_free (put (dir, "critical/spectrum-run7.svg", tag));
  return staging;
}

static void
test_staging_sets (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_dir_make_tmp ("saddle-staging-XXXXXX", &error);
  g_autofree char *text = NULL;
  SaddleStaging *staging;

  g_assert_no_error (error);
  g_free (put (out, "critical/mine.txt", "the user's"));
  /* What a writer killed before its commit leaves behind goes with the next one. */
  g_free (put (out, ".saddle-staging-dead01/critical/critical.csv", "killed"));

  /* The first set, with an extra file, swapped in. */
  staging = stage (out, "one", TRUE);
  g_assert_true (saddle_staging_commit (staging, &error));
  g_assert_no_error (error);
  saddle_staging_free (staging);
  text = text_of (out, "critical/spectrum-run7.svg");
  g_assert_cmpstr (text, ==, "one");
  g_clear_pointer (&text, g_free);

  /* A second set that is dropped before its commit (a failed export): nothing changes. */
  staging = stage (out, "two", FALSE);
  {
    g_autofree char *staged = g_build_filename (saddle_staging_dir (staging), "critical",
                                                "critical.csv", NULL);
    g_autofree char *final = saddle_staging_final_path (staging, staged);
    g_autofree char *expected = g_build_filename (out, "critical", "critical.csv", NULL);

    g_assert_cmpstr (final, ==, expected);
  }
  saddle_staging_free (staging);
  text = text_of (out, "gradnorm/history.csv");
  g_assert_cmpstr (text, ==, "one");
  g_clear_pointer (&text, g_free);
  text = text_of (out, "critical/spectrum-run7.svg");
  g_assert_cmpstr (text, ==, "one");
  g_clear_pointer (&text, g_free);

  /* The second set committed: its files, none of the first set's left, the user's kept. */
  staging = stage (out, "two", FALSE);
  g_assert_true (saddle_staging_commit (staging, &error));
  saddle_staging_free (staging);
  text = text_of (out, "critical/critical.csv");
  g_assert_cmpstr (text, ==, "two");
  g_clear_pointer (&text, g_free);
  g_assert_null (text_of (out, "critical/spectrum-run7.svg"));
  text = text_of (out, "critical/mine.txt");
  g_assert_cmpstr (text, ==, "the user's");
  g_clear_pointer (&text, g_free);

  /* A set without the gradnorm study removes that subfolder's files, and the folder. */
  staging = saddle_staging_open (out, 0, &error);
  g_free (put (saddle_staging_dir (staging), "critical/critical.csv", "three"));
  g_assert_true (saddle_staging_commit (staging, &error));
  saddle_staging_free (staging);
  g_assert_null (text_of (out, "gradnorm/history.csv"));
  {
    g_autofree char *gradnorm = g_build_filename (out, "gradnorm", NULL);
    g_autofree char *dead = g_build_filename (out, ".saddle-staging-dead01", NULL);

    g_assert_false (g_file_test (gradnorm, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  }
}

/* summary.json is refused with its file and line; good values read back. */
static void
test_summary_parse (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } bad[] = {
    { "{\n  \"study\" : \"critical\",\n  \"lr\" : \"fast\"\n}", "s.json, line 3: “lr” is not a number" },
    { "{\n  \"study\" : \"critical\",\n  \"epochs\" : -4\n}", "s.json, line 3: “epochs” is -4" },
    { "{\n  \"study\" : \"nap\"\n}", "s.json, line 2: “study” “nap” is not one Saddle knows" },
    { "{\n  \"task\" : \"image\"\n}", "“study” is missing" },
    { "{\n  \"study\" : \"critical\",\n  \"lr\" : 50\n}", "s.json: settings Saddle cannot use: “lr” must be a finite number in (0, 10]; got 50" },
    { "{\n  \"study\" : \"critical\",\n  oops\n}", "s.json, line 2: not JSON (Parse error" },
    { "[1, 2]", "s.json, line 1: not a JSON object" },
    { "{\n  \"study\" : \"gradnorm\",\n  \"widths\" : [1, 0, 1]\n}", "s.json, line 3: “widths” holds a width" },
  };
  static const char good[] =
    "{\n  \"study\" : \"gradnorm\",\n  \"task\" : \"function\",\n  \"widths\" : [1, 31, 31, 1],\n"
    "  \"activation\" : \"tanh\",\n  \"lr\" : 0.0030000000000000001,\n  \"epochs\" : 12,\n"
    "  \"seed\" : 9,\n  \"first_run\" : 3,\n  \"cancelled\" : true,\n"
    "  \"failures\" : [\"run 4: loss diverged\"]\n}\n";
  SaddleSummary summary;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (saddle_summary_parse ("s.json", bad[i].text, strlen (bad[i].text),
                                            &summary, &error));
      g_assert_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, bad[i].message));
      saddle_summary_clear (&summary);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_true (saddle_summary_parse ("s.json", good, strlen (good), &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpint (summary.kind, ==, SADDLE_STUDY_GRADNORM);
    g_assert_cmpint (summary.config.task, ==, SADDLE_TASK_FUNCTION);
    g_assert_cmpuint (summary.config.n_hidden, ==, 2);
    g_assert_cmpuint (summary.config.hidden[1], ==, 31);
    g_assert_cmpint (summary.config.activation, ==, SADDLE_ACTIVATION_TANH);
    g_assert_cmpfloat (summary.config.lr, ==, 0.003);
    g_assert_cmpuint (summary.config.epochs, ==, 12);
    g_assert_cmpuint (summary.config.seed, ==, 9);
    g_assert_cmpuint (summary.config.first_run, ==, 2);
    g_assert_true (summary.cancelled);
    g_assert_cmpuint (summary.failures->len, ==, 1);
    /* Not in the file: the study's default. */
    g_assert_cmpuint (summary.config.batch, ==, 20);
    saddle_summary_clear (&summary);
  }
}

/* Every summary.json member of a config field comes from saddle_summary_key()'s table, once:
 * the CSV reading options too, written and read back through their keys. */
static void
test_summary_keys (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *dir = g_dir_make_tmp ("saddle-summary-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "summary.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) failures = g_ptr_array_new ();
  g_auto(SaddleSummary) summary = { 0 };
  g_autofree char *text = NULL;
  SaddleStudyResults results = { 0 };
  guint widths[] = { 4, 3, 2 };

  for (guint f = 0; f < SADDLE_CONFIG_N_FIELDS; f++)
    {
      const char *key = saddle_summary_key ((SaddleConfigField) f);

      if (key != NULL)
        g_assert_true (g_hash_table_add (seen, (gpointer) key));
    }
  g_assert_cmpstr (saddle_summary_key (SADDLE_CONFIG_FIELD_LABEL_COLUMN), ==, "label_column");
  g_assert_cmpstr (saddle_summary_key (SADDLE_CONFIG_FIELD_STANDARDIZE), ==, "standardize");

  results.kind = SADDLE_STUDY_GRADNORM;
  saddle_study_config_init (&results.config, SADDLE_STUDY_GRADNORM, SADDLE_TASK_IMAGE);
  results.config.data_path = g_strdup ("animals.csv");
  results.config.label_column = g_strdup ("species");
  results.config.standardize = TRUE;
  results.dataset_name = (char *) "animals.csv";
  results.widths = widths;
  results.n_widths = G_N_ELEMENTS (widths);
  results.n_samples = 60;
  results.failures = failures;
  g_assert_true (saddle_summary_write_study (path, &results, &error));
  g_assert_no_error (error);
  saddle_study_config_clear (&results.config);

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "\"label_column\" : \"species\""));
  g_assert_nonnull (strstr (text, "\"standardize\" : true"));
  g_assert_true (saddle_summary_read (path, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (summary.config.label_column, ==, "species");
  g_assert_true (summary.config.standardize);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/results/staging-sets", test_staging_sets);
  g_test_add_func ("/core/results/summary-parse", test_summary_parse);
  g_test_add_func ("/core/results/summary-keys", test_summary_keys);

  return g_test_run ();
}
