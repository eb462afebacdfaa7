/* test-file.c — files read only when regular, written whole through a rename */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-file.h"

typedef struct
{
  char *dir;
} Tmp;

static void
tmp_init (Tmp *t)
{
  g_autoptr(GError) error = NULL;

  t->dir = g_dir_make_tmp ("saddle-file-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
tmp_clear (Tmp *t)
{
  g_autoptr(GDir) dir = g_dir_open (t->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (t->dir, name, NULL);

      if (g_rmdir (path) != 0)
        g_unlink (path);
    }
  g_rmdir (t->dir);
  g_free (t->dir);
}

/* The message for @path names it and says @what. */
static void
assert_refused (const char *path,
                guint64     max_bytes,
                const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  g_assert_false (saddle_file_read (path, max_bytes, &contents, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, what));
  g_assert_null (contents);
}

static void
test_file_read_refuses (void)
{
  Tmp t;
  g_autofree char *missing = NULL, *fifo = NULL, *loop = NULL, *zero = NULL, *big = NULL;

  tmp_init (&t);
  missing = g_build_filename (t.dir, "missing.txt", NULL);
  fifo = g_build_filename (t.dir, "fifo", NULL);
  loop = g_build_filename (t.dir, "loop", NULL);
  zero = g_build_filename (t.dir, "zero", NULL);
  big = g_build_filename (t.dir, "big.txt", NULL);

  assert_refused (missing, 100, "does not exist");
  assert_refused (t.dir, 100, "is a folder");
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  assert_refused (fifo, 100, "is a FIFO");
  g_assert_cmpint (symlink ("loop", loop), ==, 0);
  assert_refused (loop, 100, "symlink loop");
  /* A symlink to a device is followed and refused, instead of reading forever. */
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  assert_refused (zero, 100, "is a device");
  g_assert_true (g_file_set_contents (big, "0123456789", 10, NULL));
  assert_refused (big, 9, "10 bytes, more than the 9");
  tmp_clear (&t);
}

static void
test_file_read (void)
{
  Tmp t;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  tmp_init (&t);
  path = g_build_filename (t.dir, "a.txt", NULL);
  g_assert_true (g_file_set_contents (path, "1\n2\n", 4, NULL));
  g_assert_true (saddle_file_read (path, 4, &contents, &length, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 4);
  g_assert_cmpstr (contents, ==, "1\n2\n");
  tmp_clear (&t);
}

/* Written whole, replacing the old file, and no temporary file left behind; a target that
 * cannot be written is named with the cause, and nothing is left there. */
static void
test_file_write (void)
{
  Tmp t;
  g_autofree char *path = NULL, *contents = NULL, *nowhere = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  guint entries = 0;

  tmp_init (&t);
  path = g_build_filename (t.dir, "out.svg", NULL);
  g_assert_true (saddle_file_write (path, "old", 3, &error));
  g_assert_true (saddle_file_write (path, "new!", 4, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "new!");
  dir = g_dir_open (t.dir, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    entries++;
  g_assert_cmpuint (entries, ==, 1);

  nowhere = g_build_filename (t.dir, "no-such-folder", "out.svg", NULL);
  g_assert_false (saddle_file_write (nowhere, "x", 1, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_cmpstr (error->message, ==,
                   (contents = (g_free (contents), g_strdup_printf ("Cannot write “%s”: does not exist", nowhere))));
  tmp_clear (&t);
}

/* A full disk, for real: a 64 KiB tmpfs (needs root and mount; skipped otherwise). A write
 * that does not fit fails naming the target and the cause, the old file stays whole, and no
 * temporary file is left. */
static void
test_file_write_full (void)
{
  Tmp t;
  g_autofree char *command = NULL, *path = NULL, *contents = NULL, *big = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  int status = -1;
  guint entries = 0;

  tmp_init (&t);
  command = g_strdup_printf ("mount -t tmpfs -o size=64k saddle-test %s", t.dir);
  if (geteuid () != 0 || !g_spawn_command_line_sync (command, NULL, NULL, &status, NULL)
      || !g_spawn_check_wait_status (status, NULL))
    {
      tmp_clear (&t);
      g_test_skip ("cannot mount a small tmpfs here (needs root)");
      return;
    }
  path = g_build_filename (t.dir, "gradnorm.svg", NULL);
  g_assert_true (saddle_file_write (path, "<svg/>", 6, &error));
  g_assert_no_error (error);
  big = g_malloc0 (256 * 1024);
  g_assert_false (saddle_file_write (path, big, 256 * 1024, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, "no space left"));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "<svg/>");
  dir = g_dir_open (t.dir, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    entries++;
  g_assert_cmpuint (entries, ==, 1);
  g_clear_pointer (&dir, g_dir_close);

  g_clear_pointer (&command, g_free);
  command = g_strdup_printf ("umount %s", t.dir);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, NULL));
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  tmp_clear (&t);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/file/read", test_file_read);
  g_test_add_func ("/core/file/read-refuses", test_file_read_refuses);
  g_test_add_func ("/core/file/write", test_file_write);
  g_test_add_func ("/core/file/write-full", test_file_write_full);

  return g_test_run ();
}
