/* saddle-file.c — files read whole and written whole, safely */
#define G_LOG_DOMAIN "saddle-file"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "saddle-file.h"
#include "saddle-format.h"

/* What an errno says about a path, in words a user can act on. */
static const char *
cause (int saved)
{
  switch (saved)
    {
    case ENOENT:
      return "does not exist";
    case EACCES:
    case EPERM:
      return "permission denied";
    case ELOOP:
      return "is a symlink loop";
    case ENOTDIR:
      return "has a file where a folder should be in its path";
    case ENOSPC:
      return "no space left on the device";
    case EDQUOT:
      return "disk quota exceeded";
    case EROFS:
      return "is on a read-only file system";
    default:
      return g_strerror (saved);
    }
}

gboolean
saddle_file_check_regular (const char  *path,
                           guint64      max_bytes,
                           guint64     *size,
                           GError     **error)
{
  GStatBuf st;
  const char *what = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "“%s” %s", path,
                   cause (saved));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    what = "is a folder, not a file";
  else if (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode))
    what = "is a device, not a file";
  else if (S_ISFIFO (st.st_mode))
    what = "is a FIFO (named pipe), not a file";
  else if (S_ISSOCK (st.st_mode))
    what = "is a socket, not a file";
  else if (!S_ISREG (st.st_mode))
    what = "is not a regular file";
  if (what != NULL)
    {
      g_set_error (error, G_FILE_ERROR, S_ISDIR (st.st_mode) ? G_FILE_ERROR_ISDIR
                   : G_FILE_ERROR_INVAL, "“%s” %s", path, what);
      return FALSE;
    }
  if ((guint64) st.st_size > max_bytes)
    {
      g_autofree char *have = saddle_format_count ((guint64) st.st_size);
      g_autofree char *most = saddle_format_count (max_bytes);

      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
                   "“%s” is %s bytes, more than the %s this kind of file can hold", path, have,
                   most);
      return FALSE;
    }
  if (g_access (path, R_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "“%s”: %s", path,
                   cause (saved));
      return FALSE;
    }
  if (size != NULL)
    *size = (guint64) st.st_size;
  return TRUE;
}

gboolean
saddle_file_read (const char  *path,
                  guint64      max_bytes,
                  char       **contents,
                  gsize       *length,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (contents != NULL, FALSE);

  if (!saddle_file_check_regular (path, max_bytes, NULL, error))
    return FALSE;
  if (!g_file_get_contents (path, contents, length, &local_error))
    {
      g_set_error (error, G_FILE_ERROR, local_error->code, "“%s” cannot be read: %s", path,
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
saddle_file_write (const char  *path,
                   const char  *data,
                   gsize        length,
                   GError     **error)
{
  g_autofree char *tmp = NULL;
  gboolean ok;
  int fd, saved;
  gsize done = 0;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  tmp = g_strdup_printf ("%s.XXXXXX", path);
  fd = g_mkstemp_full (tmp, O_WRONLY, 0644);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write “%s”: %s", path, cause (saved));
      return FALSE;
    }
  errno = 0;
  while (done < length)
    {
      gssize n = write (fd, data + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += (gsize) n;
    }
  /* The data must be on disk before the name points at it, or a crash leaves an empty file. */
  ok = done == length && fsync (fd) == 0;
  saved = errno;
  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      saved = errno;
    }
  if (ok && g_rename (tmp, path) != 0)
    {
      ok = FALSE;
      saved = errno;
    }
  if (!ok)
    {
      g_unlink (tmp);
      saved = saved != 0 ? saved : EIO;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot write “%s”: %s", path, cause (saved));
      return FALSE;
    }
  return TRUE;
}
