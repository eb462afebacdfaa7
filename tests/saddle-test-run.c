/* saddle-test-run.c — a command run in a temporary folder, for the tests that spawn saddle-cli */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "saddle-test-run.h"

void
saddle_test_remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR))
            saddle_test_remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

void
saddle_test_run_init (SaddleTestRun *run,
                      const char    *cli,
                      const char    *tmpl)
{
  g_autoptr(GError) error = NULL;

  memset (run, 0, sizeof *run);
  run->cli = cli;
  run->dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
}

void
saddle_test_run_clear (SaddleTestRun *run)
{
  if (run->dir != NULL)
    saddle_test_remove_tree (run->dir);
  g_clear_pointer (&run->dir, g_free);
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

void
saddle_test_run_spawn (SaddleTestRun      *run,
                       const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
  g_assert_true (g_spawn_sync (run->dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               &run->out, &run->err, &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  run->status = WEXITSTATUS (wait_status);
}

void
saddle_test_run_assert_status (const SaddleTestRun *run,
                               int                  status)
{
  if (run->status != status)
    g_error ("%s exited with %d, not %d\nstdout:\n%s\nstderr:\n%s", run->cli, run->status,
             status, run->out, run->err);
}
