/* saddle-cli-staging.c — an output folder that only ever holds one whole study */
#define G_LOG_DOMAIN "saddle-cli-staging"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "saddle-cli-signals.h"
#include "saddle-cli-staging.h"
#include "saddle-file.h"
#include "saddle-format.h"

#define LOCK_NAME     ".saddle-lock"
#define MANIFEST_NAME ".saddle-files"

struct _SaddleCliStaging
{
  char *out_dir;
  char *dir;          /* the hidden staging folder inside out_dir */
  int   lock_fd;
  gboolean committed;
};

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
take_lock (SaddleCliStaging *self,
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
                   "The output folder “%s” is being written by another saddle-cli (PID %s); "
                   "wait for it to finish or choose another --out", self->out_dir,
                   n > 0 ? g_strstrip (holder) : "unknown");
      return FALSE;
    }
  pid = g_strdup_printf ("%d\n", (int) getpid ());
  if (ftruncate (self->lock_fd, 0) != 0
      || pwrite (self->lock_fd, pid, strlen (pid), 0) != (gssize) strlen (pid))
    return fail (error, errno, "Cannot write into the output folder", self->out_dir);
  return TRUE;
}

SaddleCliStaging *
saddle_cli_staging_open (const char  *out_dir,
                         guint64      expected_bytes,
                         GError     **error)
{
  g_autoptr(SaddleCliStaging) self = g_new0 (SaddleCliStaging, 1);
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
saddle_cli_staging_dir (const SaddleCliStaging *staging)
{
  return staging->dir;
}

char *
saddle_cli_staging_final_path (const SaddleCliStaging *staging,
                               const char             *path)
{
  g_autofree char *name = g_path_get_basename (path);

  if (!g_str_has_prefix (path, staging->dir))
    return g_strdup (path);
  return g_build_filename (staging->out_dir, name, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
staged_names (const SaddleCliStaging *self)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

gboolean
saddle_cli_staging_commit (SaddleCliStaging  *staging,
                           GError           **error)
{
  g_autoptr(GPtrArray) names = staged_names (staging);
  g_autofree char *manifest_path = g_build_filename (staging->out_dir, MANIFEST_NAME, NULL);
  g_autofree char *old = NULL;
  g_autoptr(GString) manifest = g_string_new (NULL);
  gboolean ok = TRUE;

  /* A signal that exits at once waits for the renames: never between two of them. Any
   * thread may take the signal, so a hold, not this thread's signal mask. */
  saddle_cli_signals_hold ();

  if (g_file_get_contents (manifest_path, &old, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (old, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        if (*lines[i] != '\0' && strchr (lines[i], G_DIR_SEPARATOR) == NULL
            && !g_ptr_array_find_with_equal_func (names, lines[i], g_str_equal, NULL))
          {
            g_autofree char *stale = g_build_filename (staging->out_dir, lines[i], NULL);

            g_unlink (stale);
          }
    }
  for (guint i = 0; i < names->len && ok; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *from = g_build_filename (staging->dir, name, NULL);
      g_autofree char *to = g_build_filename (staging->out_dir, name, NULL);

      if (g_rename (from, to) != 0)
        ok = fail (error, errno, "Cannot move the new file into", to);
      g_string_append_printf (manifest, "%s\n", name);
    }
  if (ok)
    ok = saddle_file_write (manifest_path, manifest->str, manifest->len, error);
  /* Empty now; gone before any exit that the release below may take. */
  if (ok)
    g_rmdir (staging->dir);
  staging->committed = ok;

  saddle_cli_signals_release ();
  return ok;
}

void
saddle_cli_staging_free (SaddleCliStaging *staging)
{
  if (staging == NULL)
    return;
  if (staging->dir != NULL)
    {
      g_autoptr(GPtrArray) names = staged_names (staging);

      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *path = g_build_filename (staging->dir, g_ptr_array_index (names, i),
                                                    NULL);

          g_unlink (path);
        }
      g_rmdir (staging->dir);
    }
  if (staging->lock_fd >= 0)
    close (staging->lock_fd);
  g_free (staging->dir);
  g_free (staging->out_dir);
  g_free (staging);
}
