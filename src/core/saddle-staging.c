/* saddle-staging.c — an output folder that only ever holds one whole set of results */
#define G_LOG_DOMAIN "saddle-staging"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "saddle-staging.h"
#include "saddle-file.h"
#include "saddle-format.h"

#define LOCK_NAME     ".saddle-lock"
#define MANIFEST_NAME ".saddle-files"

struct _SaddleStaging
{
  char *out_dir;
  char *dir;          /* the hidden staging folder inside out_dir */
  int   lock_fd;
  gboolean committed;
};

static void remove_tree (const char *path);

/* "@what “@path”: the cause". */
static gboolean
fail (GError    **error,
      int         saved,
      const char *what,
      const char *path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s “%s”: %s", what, path,
               g_strerror (saved));
  return FALSE;
}

/* flock on out_dir/.saddle-lock; a holder is named by the PID it wrote there. */
static gboolean
take_lock (SaddleStaging *self,
           GError          **error)
{
  g_autofree char *path = g_build_filename (self->out_dir, LOCK_NAME, NULL);
  g_autofree char *pid = NULL;

  self->lock_fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (self->lock_fd < 0)
    return fail (error, errno, "Cannot write into the output folder", self->out_dir);
  if (flock (self->lock_fd, LOCK_EX | LOCK_NB) != 0)
    {
      char holder[32] = { 0 };
      gssize n = pread (self->lock_fd, holder, sizeof holder - 1, 0);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                   "The folder “%s” is being written by another saddle-cli or Saddle (PID %s); "
                   "wait for it to finish or choose another folder", self->out_dir,
                   n > 0 ? g_strstrip (holder) : "unknown");
      return FALSE;
    }
  pid = g_strdup_printf ("%d\n", (int) getpid ());
  if (ftruncate (self->lock_fd, 0) != 0
      || pwrite (self->lock_fd, pid, strlen (pid), 0) != (gssize) strlen (pid))
    return fail (error, errno, "Cannot write into the output folder", self->out_dir);
  return TRUE;
}

SaddleStaging *
saddle_staging_open (const char  *out_dir,
                         guint64      expected_bytes,
                         GError     **error)
{
  g_autoptr(SaddleStaging) self = g_new0 (SaddleStaging, 1);
  g_autofree char *template = NULL;
  struct statvfs fs;

  self->out_dir = g_strdup (out_dir);
  self->lock_fd = -1;
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      fail (error, errno, "Cannot create the output folder", out_dir);
      return NULL;
    }
  if (!take_lock (self, error))
    return NULL;
  /* A writer killed mid-way left its staging folder: nothing else can be using it now. */
  {
    g_autoptr(GDir) dir = g_dir_open (out_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_prefix (name, ".saddle-staging-"))
        {
          g_autofree char *stale = g_build_filename (out_dir, name, NULL);

          remove_tree (stale);
        }
  }
  /* Room for the outputs, roughly, before hours of work that could not be written. */
  if (statvfs (out_dir, &fs) == 0 && (guint64) fs.f_bavail * fs.f_frsize < expected_bytes)
    {
      g_autofree char *need = saddle_format_count (expected_bytes);
      g_autofree char *have = saddle_format_count ((guint64) fs.f_bavail * fs.f_frsize);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
                   "The output folder “%s” has %s bytes free; the outputs need about %s",
                   out_dir, have, need);
      return NULL;
    }
  template = g_build_filename (out_dir, ".saddle-staging-XXXXXX", NULL);
  if (g_mkdtemp (template) == NULL)
    {
      fail (error, errno, "Cannot write into the output folder", out_dir);
      return NULL;
    }
  self->dir = g_steal_pointer (&template);
  return g_steal_pointer (&self);
}

const char *
saddle_staging_dir (const SaddleStaging *staging)
{
  return staging->dir;
}

char *
saddle_staging_final_path (const SaddleStaging *staging,
                               const char             *path)
{
  gsize n = strlen (staging->dir);

  if (strncmp (path, staging->dir, n) != 0 || (path[n] != G_DIR_SEPARATOR && path[n] != '\0'))
    return g_strdup (path);
  return g_strconcat (staging->out_dir, path + n, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The entries of @dir, sorted. */
static GPtrArray *
dir_names (const char *dir_path)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* Removes what @dir's manifest lists (a "name/" line: a subfolder, the same way), the
 * manifest, and @dir itself when that leaves it empty. */
static void
remove_listed (const char *dir)
{
  g_autofree char *manifest_path = g_build_filename (dir, MANIFEST_NAME, NULL);
  g_autofree char *old = NULL;

  if (g_file_get_contents (manifest_path, &old, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (old, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          gsize len = strlen (lines[i]);
          gboolean sub = len > 1 && lines[i][len - 1] == G_DIR_SEPARATOR;
          g_autofree char *path = NULL;

          if (sub)
            lines[i][len - 1] = '\0';
          if (*lines[i] == '\0' || strchr (lines[i], G_DIR_SEPARATOR) != NULL
              || strcmp (lines[i], "..") == 0 || strcmp (lines[i], ".") == 0)
            continue;
          path = g_build_filename (dir, lines[i], NULL);
          if (sub)
            remove_listed (path);
          else
            g_unlink (path);
        }
      g_unlink (manifest_path);
    }
  g_rmdir (dir);
}

/* Whether the old manifest's line @line names an entry of @names ("name/" for a folder). */
static gboolean
still_written (GPtrArray  *names,
               const char *staged_dir,
               const char *line)
{
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (staged_dir, name, NULL);
      g_autofree char *listed = g_file_test (path, G_FILE_TEST_IS_DIR)
                                ? g_strconcat (name, G_DIR_SEPARATOR_S, NULL) : g_strdup (name);

      if (strcmp (listed, line) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Moves @staged_dir's entries into @out_dir (a staged folder's, recursively), removes the
 * entries of @out_dir's old manifest that are not written again, and writes the new one. */
static gboolean
commit_dir (const char  *staged_dir,
            const char  *out_dir,
            GError     **error)
{
  g_autoptr(GPtrArray) names = dir_names (staged_dir);
  g_autofree char *manifest_path = g_build_filename (out_dir, MANIFEST_NAME, NULL);
  g_autofree char *old = NULL;
  g_autoptr(GString) manifest = g_string_new (NULL);

  if (g_file_get_contents (manifest_path, &old, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (old, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          gsize len = strlen (lines[i]);
          g_autofree char *name = NULL;
          g_autofree char *stale = NULL;

          if (len == 0 || still_written (names, staged_dir, lines[i]))
            continue;
          name = g_strndup (lines[i], lines[i][len - 1] == G_DIR_SEPARATOR ? len - 1 : len);
          if (*name == '\0' || strchr (name, G_DIR_SEPARATOR) != NULL
              || strcmp (name, "..") == 0 || strcmp (name, ".") == 0)
            continue;
          stale = g_build_filename (out_dir, name, NULL);
          if (lines[i][len - 1] == G_DIR_SEPARATOR)
            remove_listed (stale);
          else
            g_unlink (stale);
        }
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *from = g_build_filename (staged_dir, name, NULL);
      g_autofree char *to = g_build_filename (out_dir, name, NULL);

      if (g_file_test (from, G_FILE_TEST_IS_DIR))
        {
          if (g_mkdir_with_parents (to, 0755) != 0)
            return fail (error, errno, "Cannot create the folder", to);
          if (!commit_dir (from, to, error))
            return FALSE;
          g_rmdir (from);
          g_string_append_printf (manifest, "%s%s\n", name, G_DIR_SEPARATOR_S);
          continue;
        }
      if (g_rename (from, to) != 0)
        return fail (error, errno, "Cannot move the new file into", to);
      g_string_append_printf (manifest, "%s\n", name);
    }
  return saddle_file_write (manifest_path, manifest->str, manifest->len, error);
}

static void (*guard_hold) (void);
static void (*guard_release) (void);

void
saddle_staging_set_guard (void (*hold) (void),
                          void (*release) (void))
{
  guard_hold = hold;
  guard_release = release;
}

gboolean
saddle_staging_commit (SaddleStaging  *staging,
                       GError        **error)
{
  sigset_t block, saved;
  gboolean ok;

  /* A signal that exits at once must not come between two renames. */
  if (guard_hold != NULL)
    guard_hold ();
  else
    {
      sigemptyset (&block);
      sigaddset (&block, SIGINT);
      sigaddset (&block, SIGTERM);
      sigaddset (&block, SIGHUP);
      pthread_sigmask (SIG_BLOCK, &block, &saved);
    }

  ok = commit_dir (staging->dir, staging->out_dir, error);
  /* Empty now; gone before any exit that the release below may take. */
  if (ok)
    g_rmdir (staging->dir);
  staging->committed = ok;

  if (guard_release != NULL)
    guard_release ();
  else
    pthread_sigmask (SIG_SETMASK, &saved, NULL);
  return ok;
}

/* Removes @path and, for a folder, everything in it. */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GPtrArray) names = dir_names (path);

      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *child = g_build_filename (path, g_ptr_array_index (names, i), NULL);

          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

void
saddle_staging_free (SaddleStaging *staging)
{
  if (staging == NULL)
    return;
  if (staging->dir != NULL)
    remove_tree (staging->dir);
  if (staging->lock_fd >= 0)
    close (staging->lock_fd);
  g_free (staging->dir);
  g_free (staging->out_dir);
  g_free (staging);
}
