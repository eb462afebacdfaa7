/* test-app-e2e.c — the built app, driven over D-Bus like a script would
 *
 * Launches `saddle` (argv[1]) on a private session bus (GTestDBus) with the
 * keyfile GSettings backend in a temporary XDG_CONFIG_HOME. The settings are
 * written there first, the way a user's earlier session would have left them:
 * small studies, so the whole test takes seconds. Then it activates the
 * application's actions through org.gtk.Actions (as `gapplication action`
 * does), waits for each study by polling whether "stop" is enabled, exports
 * everything, and checks the files — against saddle-cli's (argv[2]) output for
 * the same settings, too.
 */
#define G_LOG_DOMAIN "test-app-e2e"

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#define OBJECT_PATH "/io/github/saddlelab/Saddle"
#define TIMEOUT_SECONDS 90

static char *app_path;
static char *cli_path;
static char *display;           /* GTestDBus unsets it; the app needs it */

typedef struct
{
  char            *tmpdir;
  char            *keyfile;        /* where the app's keyfile backend keeps the settings */
  GTestDBus       *bus;
  GDBusConnection *connection;
  GSubprocess     *app;
} Session;

/* The tiny studies, as GSettings keys of each study. */
static void
write_settings (const char *keyfile,
                gboolean    long_gradnorm)
{
  const char *studies[] = { "trajectories", "gradnorm", "critical" };
  /* The same file, root and group the app's default keyfile backend uses. */
  g_autoptr(GSettingsBackend) backend = g_keyfile_settings_backend_new (keyfile, "/", NULL);
  g_autoptr(GSettings) root = g_settings_new_with_backend (APP_ID, backend);

  for (guint i = 0; i < G_N_ELEMENTS (studies); i++)
    {
      g_autoptr(GSettings) s = g_settings_get_child (root, studies[i]);

      g_settings_set_string (s, "task", "function");
      g_settings_set_uint (s, "samples", 40);
      g_settings_set_string (s, "hidden", "6");
      g_settings_set_uint (s, "batch", 10);
      g_settings_set_uint (s, "epochs", 4);
      g_settings_set_uint (s, "runs", 3);
      g_settings_set_uint (s, "threads", 1);
      g_settings_set_double (s, "lr", 0.01);
      g_settings_set_uint (s, "descent-steps", 30);
      g_settings_set_uint (s, "newton-steps", 2);
    }
  {
    g_autoptr(GSettings) s = g_settings_get_child (root, "trajectories");

    g_settings_set_uint (s, "surface-resolution", 9);
  }

  /* The gradient norm study long enough to be stopped and quit in the middle. */
  if (long_gradnorm)
    {
      g_autoptr(GSettings) s = g_settings_get_child (root, "gradnorm");

      g_settings_set_uint (s, "runs", 16);
      g_settings_set_uint (s, "epochs", 100000);
    }
  g_settings_set_string (root, "study", "gradnorm");
  g_settings_sync ();
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static gboolean
name_has_owner (GDBusConnection *connection)
{
  g_autoptr(GVariant) reply = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", APP_ID), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits with the main loop running, so GSubprocess notices a child that exits. */
static void
sleep_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The app process has ended (reaped: GSubprocess drops its identifier). */
static gboolean
app_gone (Session *s)
{
  return g_subprocess_get_identifier (s->app) == NULL;
}

/* Starts the app, with @folder (may be NULL) on its command line. */
static void
session_launch_with (Session    *s,
                     const char *folder)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_cwd (launcher, s->tmpdir);
  /* The app's stdout (GLib messages) goes to our stderr, away from the TAP stream. */
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  s->app = g_subprocess_launcher_spawn (launcher, &error, app_path, folder, NULL);
  g_assert_no_error (error);

  while (!name_has_owner (s->connection))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_assert_false (app_gone (s));
      sleep_ms (50);
    }
}

static void
session_launch (Session *s)
{
  session_launch_with (s, NULL);
}

static void
session_setup (Session *s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config = NULL;

  s->tmpdir = g_dir_make_tmp ("saddle-e2e-XXXXXX", &error);
  g_assert_no_error (error);

  /* Before any GSettings or D-Bus use: the child inherits all of it. */
  config = g_build_filename (s->tmpdir, "config", NULL);
  s->keyfile = g_build_filename (config, "glib-2.0", "settings", "keyfile", NULL);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);

  /* GTestDBus unsets DISPLAY (against X11 autolaunch); the app needs it back. */
  s->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (s->bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  s->connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
}

static void
session_teardown (Session *s)
{
  if (s->app != NULL && !app_gone (s))
    {
      g_subprocess_force_exit (s->app);
      g_subprocess_wait (s->app, NULL, NULL);
    }
  g_clear_object (&s->app);
  g_dbus_connection_close_sync (s->connection, NULL, NULL);
  g_clear_object (&s->connection);
  g_test_dbus_down (s->bus);
  g_clear_object (&s->bus);
  remove_tree (s->tmpdir);
  g_free (s->tmpdir);
  g_free (s->keyfile);
}

/* org.gtk.Actions.Activate, what `gapplication action io.github.saddlelab.Saddle NAME PARAM` sends. */
static void
activate (Session    *s,
          const char *action,
          GVariant   *parameter)
{
  GVariantBuilder params, platform;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_variant_builder_init (&params, G_VARIANT_TYPE ("av"));
  if (parameter != NULL)
    g_variant_builder_add (&params, "v", parameter);
  g_variant_builder_init (&platform, G_VARIANT_TYPE ("a{sv}"));

  reply = g_dbus_connection_call_sync (s->connection, APP_ID, OBJECT_PATH, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", action, &params, &platform),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);
}

/* "stop" is enabled exactly while a study runs. */
static gboolean
busy (Session *s)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean enabled = FALSE;

  reply = g_dbus_connection_call_sync (s->connection, APP_ID, OBJECT_PATH, "org.gtk.Actions", "Describe",
                                       g_variant_new ("(s)", "stop"), G_VARIANT_TYPE ("((bgav))"),
                                       G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "((bg@av))", &enabled, NULL, NULL);
  return enabled;
}

static void
wait_idle (Session *s)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;

  while (busy (s))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      sleep_ms (50);
    }
}

/* Export All commits its files into @folder and then writes the list of them,
 * @folder/.saddle-files: once that is there the set is whole. A script waits for it so,
 * because an export asked for while app.open-results reads a folder runs only after that. */
static void
wait_for_export (const char *folder)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;
  g_autofree char *manifest = g_build_filename (folder, ".saddle-files", NULL);

  while (!g_file_test (manifest, G_FILE_TEST_EXISTS))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      sleep_ms (50);
    }
}

static void
run_study (Session    *s,
           const char *study)
{
  /* A small study may be over before the next call: the exports tell that it ran. */
  activate (s, "run-study", g_variant_new_string (study));
  wait_idle (s);
}

typedef struct
{
  guint elements;
  guint paths;
  guint glyph_uses;
  char *root;
} SvgCounts;

static void
svg_start_cb (GMarkupParseContext  *context,
              const char           *element,
              const char          **names,
              const char          **values,
              gpointer              user_data,
              GError              **error)
{
  SvgCounts *counts = user_data;

  if (counts->elements++ == 0)
    counts->root = g_strdup (element);
  if (g_str_equal (element, "path"))
    counts->paths++;
  if (g_str_equal (element, "use"))
    counts->glyph_uses++;
}

/* Parses @path as XML: root <svg>, at least @min_paths paths, and text (axis labels, as glyphs). */
static void
check_svg (const char *path,
           guint       min_paths)
{
  const GMarkupParser parser = { svg_start_cb };
  g_autofree char *contents = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  SvgCounts counts = { 0 };
  gsize length;

  g_test_message ("checking %s", path);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  context = g_markup_parse_context_new (&parser, 0, &counts, NULL);
  g_assert_true (g_markup_parse_context_parse (context, contents, length, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (counts.root, ==, "svg");
  g_assert_cmpuint (counts.paths, >=, min_paths);
  g_assert_cmpuint (counts.glyph_uses, >, 10);
  g_free (counts.root);
}

/* Rows after the header; every row has the header's number of fields, all numbers but in the
 * columns named in @text (comma-separated, may be NULL). */
static guint
check_csv (const char *path,
           const char *header,
           const char *text)
{
  g_auto(GStrv) text_columns = g_strsplit (text != NULL ? text : "", ",", -1);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) names = NULL;
  guint rows = 0;

  g_test_message ("checking %s", path);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], header));
  names = g_strsplit (lines[0], ",", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;

      if (lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], ",", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, g_strv_length (names));
      for (guint c = 0; fields[c] != NULL; c++)
        {
          char *end = NULL;

          if (g_strv_contains ((const char * const *) text_columns, names[c])
              || g_str_equal (fields[c], "nan"))
            continue;
          g_ascii_strtod (fields[c], &end);
          g_assert_true (end != fields[c] && *end == '\0');
        }
      rows++;
    }
  return rows;
}

/* The SVG text with cairo's process-wide surface numbers taken out. */
static char *
normalised_svg (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GRegex) regex = g_regex_new ("surface[0-9]+", 0, 0, NULL);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_regex_replace_literal (regex, contents, -1, 0, "surface", 0, NULL);
}

static void
assert_same_file (const char *a,
                  const char *b)
{
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;

  g_test_message ("comparing %s with %s", a, b);
  if (g_str_has_suffix (a, ".svg"))
    {
      ca = normalised_svg (a);
      cb = normalised_svg (b);
    }
  else
    {
      g_assert_true (g_file_get_contents (a, &ca, NULL, NULL));
      g_assert_true (g_file_get_contents (b, &cb, NULL, NULL));
    }
  g_assert_cmpstr (ca, ==, cb);
}

static char *
path_in (const char *dir,
         const char *name)
{
  return g_build_filename (dir, name, NULL);
}

/* Each of @names (NULL-terminated) is the same in @export/@study as in @cli. */
static void
assert_same_files (const char         *export,
                   const char         *study,
                   const char         *cli,
                   const char * const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *a = g_build_filename (export, study, names[i], NULL);
      g_autofree char *b = path_in (cli, names[i]);

      assert_same_file (a, b);
    }
}

static void
test_studies (void)
{
  Session s = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *cli_out = NULL;
  g_autofree char *file = NULL;
  int status = -1;

  session_setup (&s);
  write_settings (s.keyfile, FALSE);
  session_launch (&s);

  /* Nothing runs until asked. */
  g_assert_false (busy (&s));

  run_study (&s, "trajectories");
  run_study (&s, "critical");

  out = g_build_filename (s.tmpdir, "out", NULL);
  activate (&s, "export-all", g_variant_new_string (out));

  /* Trajectories: a path per run (and start/end markers), axes, PCA columns. */
  file = path_in (out, "trajectories/trajectories.svg");
  check_svg (file, 3);
  g_clear_pointer (&file, g_free);
  file = path_in (out, "trajectories/trajectories-layer.svg");
  check_svg (file, 3);
  g_clear_pointer (&file, g_free);
  file = path_in (out, "trajectories/trajectories.csv");
  /* 3 runs × (4 epochs + the starting point). */
  g_assert_cmpuint (check_csv (file, "run,epoch,iteration,loss,accuracy,pc1,pc2", NULL), ==, 15);
  g_clear_pointer (&file, g_free);

  /* Critical points: one row per run, label text in its column. */
  file = path_in (out, "critical/critical.svg");
  check_svg (file, 3);
  g_clear_pointer (&file, g_free);
  file = path_in (out, "critical/critical.csv");
  g_assert_cmpuint (check_csv (file, "run,loss,grad_norm,minimal_ratio,positive,negative,zero,tolerance",
                               "label,certificate"), ==, 3);
  g_clear_pointer (&file, g_free);
  file = path_in (out, "critical/eigenvalues.csv");
  /* 1 → 6 → 1: 19 parameters, so 19 eigenvalues a run. */
  g_assert_cmpuint (check_csv (file, "run,index,eigenvalue", NULL), ==, 3 * 19);
  g_clear_pointer (&file, g_free);

  /* No gradient norm study ran: no file for it. */
  file = path_in (out, "gradnorm/gradnorm.svg");
  g_assert_false (g_file_test (file, G_FILE_TEST_EXISTS));
  g_clear_pointer (&file, g_free);

  /* The same numbers from saddle-cli give the same files. */
  cli_out = g_build_filename (s.tmpdir, "cli", NULL);
  {
    g_autoptr(GError) error = NULL;
    const char *argv[] = {
      cli_path, "trajectories", "--task", "function", "--samples", "40", "--hidden", "6",
      "--batch", "10", "--epochs", "4", "--runs", "3", "--threads", "1", "--lr", "0.01",
      "--seed", "1", "--surface", "9", "--quiet", "--out", cli_out, NULL
    };

    /* Its report would confuse the TAP reader on our stdout. */
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                 NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, &error));
    g_assert_no_error (error);
  }
  {
    const char *same[] = { "trajectories.csv", "trajectories.svg", "trajectories-layer.svg" };

    for (guint i = 0; i < G_N_ELEMENTS (same); i++)
      {
        g_autofree char *a = g_build_filename (out, "trajectories", same[i], NULL);
        g_autofree char *b = path_in (cli_out, same[i]);

        assert_same_file (a, b);
      }
  }

  activate (&s, "quit", NULL);
  g_subprocess_wait (s.app, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (s.app));
  g_assert_cmpint (g_subprocess_get_exit_status (s.app), ==, 0);

  session_teardown (&s);
}

/* Runs saddle-cli @command with the tiny study's options into @out. */
static void
run_cli (const char  *command,
         const char  *out)
{
  g_autoptr(GError) error = NULL;
  int status = -1;
  const char *argv[] = {
    cli_path, command, "--task", "function", "--samples", "40", "--hidden", "6",
    "--batch", "10", "--epochs", "4", "--runs", "3", "--threads", "1", "--lr", "0.01",
    "--descent-steps", "30", "--newton-steps", "2", "--seed", "1", "--quiet", "--out", out, NULL
  };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* `saddle FOLDER` opens what saddle-cli wrote; Export All then writes the very same files. */
static void
test_open_cli_folder (void)
{
  static const char *const same[] = {
    "critical.csv", "eigenvalues.csv", "trend.csv", "summary.json", NULL,
  };
  Session s = { 0 };
  g_autofree char *cli_out = NULL;
  g_autofree char *gradnorm_out = NULL;
  g_autofree char *trajectories_out = NULL;
  g_autofree char *out = NULL;

  session_setup (&s);
  write_settings (s.keyfile, FALSE);
  cli_out = g_build_filename (s.tmpdir, "cli", NULL);
  gradnorm_out = g_build_filename (s.tmpdir, "cli-gradnorm", NULL);
  run_cli ("critical", cli_out);
  run_cli ("gradnorm", gradnorm_out);
  trajectories_out = g_build_filename (s.tmpdir, "cli-trajectories", NULL);
  run_cli ("trajectories", trajectories_out);

  session_launch_with (&s, cli_out);
  /* Other folders reach the running app as app.open-results does from a script. */
  activate (&s, "open-results", g_variant_new_string (gradnorm_out));
  activate (&s, "open-results", g_variant_new_string (trajectories_out));
  out = g_build_filename (s.tmpdir, "out", NULL);
  activate (&s, "export-all", g_variant_new_string (out));
  wait_for_export (out);

  assert_same_files (out, "critical", cli_out, same);
  {
    const char *const gradnorm_same[] = { "history.csv", "epochs.csv", "summary.json", NULL };
    const char *const trajectories_same[] = {
      "trajectories.csv", "trajectories-layer.csv", "surface.csv", "summary.json",
      "trajectories.svg", NULL,
    };

    assert_same_files (out, "gradnorm", gradnorm_out, gradnorm_same);
    assert_same_files (out, "trajectories", trajectories_out, trajectories_same);
  }

  /* saddle-cli merge writes no summary.json: the points still open, with their runs. */
  {
    g_autofree char *merged = g_build_filename (s.tmpdir, "merged", NULL);
    g_autofree char *again = g_build_filename (s.tmpdir, "again", NULL);
    g_autoptr(GError) error = NULL;
    int status = -1;
    const char *argv[] = { cli_path, "merge", "--out", merged, cli_out, NULL };
    const char *const merged_same[] = { "critical.csv", "eigenvalues.csv", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                 NULL, NULL, NULL, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    activate (&s, "open-results", g_variant_new_string (merged));
    activate (&s, "export-all", g_variant_new_string (again));
    wait_for_export (again);
    assert_same_files (again, "critical", cli_out, merged_same);
  }

  activate (&s, "quit", NULL);
  g_subprocess_wait (s.app, NULL, NULL);
  g_assert_true (g_subprocess_get_if_exited (s.app));
  g_assert_cmpint (g_subprocess_get_exit_status (s.app), ==, 0);
  session_teardown (&s);
}

static void
test_stop_and_quit (void)
{
  Session s = { 0 };
  g_autofree char *out = NULL;
  g_autofree char *file = NULL;
  g_autofree char *saved = NULL;
  gint64 quit_time, replied_time;
  double seconds, after_reply;

  session_setup (&s);
  write_settings (s.keyfile, TRUE);
  session_launch (&s);

  /* Stop mid-study: what was computed stays and exports. */
  activate (&s, "run-study", g_variant_new_string ("gradnorm"));
  g_assert_true (busy (&s));
  sleep_ms (1000);
  g_assert_true (busy (&s));
  activate (&s, "stop", NULL);
  wait_idle (&s);

  out = g_build_filename (s.tmpdir, "partial", NULL);
  activate (&s, "export-all", g_variant_new_string (out));
  file = path_in (out, "gradnorm/gradnorm.svg");
  check_svg (file, 1);
  g_clear_pointer (&file, g_free);
  file = path_in (out, "gradnorm/history.csv");
  g_assert_cmpuint (check_csv (file, "run,iteration,epoch,loss,grad_norm", NULL), >, 0);

  /* Quit mid-study: the worker is cancelled and joined, the process exits 0 at once. */
  activate (&s, "run-study", g_variant_new_string ("gradnorm"));
  sleep_ms (500);
  g_assert_true (busy (&s));
  quit_time = g_get_monotonic_time ();
  activate (&s, "quit", NULL);
  replied_time = g_get_monotonic_time ();
  g_subprocess_wait (s.app, NULL, NULL);
  seconds = (g_get_monotonic_time () - quit_time) / (double) G_USEC_PER_SEC;
  after_reply = (g_get_monotonic_time () - replied_time) / (double) G_USEC_PER_SEC;
  g_test_message ("quit mid-study: exited %.3f s after the request, %.3f s after the quit action ran",
                  seconds, after_reply);
  g_assert_true (g_subprocess_get_if_exited (s.app));
  g_assert_cmpint (g_subprocess_get_exit_status (s.app), ==, 0);
  /* The bound, from the moment the action ran (cancel, join, exit): a
   * worker that ignored the cancel would hold the process for the app's 5 s
   * grace. The request itself may wait for a chart being drawn. */
  g_assert_cmpfloat (after_reply, <, 1.0);
  g_assert_cmpfloat (seconds, <, 3.0);

  /* The app saved its window state next to the study settings. */
  g_assert_true (g_file_get_contents (s.keyfile, &saved, NULL, NULL));
  g_assert_true (strstr (saved, "window-width") != NULL);

  /* Relaunched, it finds the settings: the small trajectories study, not the default one. */
  g_clear_object (&s.app);
  session_launch (&s);
  run_study (&s, "trajectories");
  g_clear_pointer (&out, g_free);
  out = g_build_filename (s.tmpdir, "relaunched", NULL);
  activate (&s, "export-all", g_variant_new_string (out));
  g_clear_pointer (&file, g_free);
  file = path_in (out, "trajectories/trajectories.csv");
  g_assert_cmpuint (check_csv (file, "run,epoch", NULL), ==, 15);
  activate (&s, "quit", NULL);
  g_subprocess_wait (s.app, NULL, NULL);
  if (g_subprocess_get_if_signaled (s.app))
    g_error ("the app was ended by signal %d on Quit", g_subprocess_get_term_sig (s.app));
  g_assert_cmpint (g_subprocess_get_exit_status (s.app), ==, 0);

  session_teardown (&s);
}

int
main (int   argc,
      char *argv[])
{
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");

  display = g_strdup (g_getenv ("DISPLAY"));
  if ((display == NULL || *display == '\0') && (wayland == NULL || *wayland == '\0'))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run -a)\n");
      return 77;
    }

  g_test_init (&argc, &argv, NULL);

  if (argc < 3)
    {
      g_printerr ("usage: %s PATH-TO-saddle PATH-TO-saddle-cli\n", argv[0]);
      return 1;
    }
  /* Absolute: the app is launched from a temporary folder. */
  app_path = g_canonicalize_filename (argv[1], NULL);
  cli_path = g_canonicalize_filename (argv[2], NULL);

  g_test_add_func ("/app/e2e/studies", test_studies);
  g_test_add_func ("/app/e2e/stop-and-quit", test_stop_and_quit);
  g_test_add_func ("/app/e2e/open-cli-folder", test_open_cli_folder);

  return g_test_run ();
}
