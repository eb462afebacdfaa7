/* saddle-dataset-idx.c — IDX images and labels (raw or gzip)
 *
 * Files come from users, so every header field is checked against the file
 * before anything is allocated, and gzip data is inflated in a stream into
 * buffers whose size the validated header fixes: a lying header or a gzip
 * bomb gets an error, never a huge allocation.
 */
#define G_LOG_DOMAIN "saddle-dataset-idx"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "saddle-dataset-private.h"
#include "saddle-file.h"
#include "saddle-format.h"

#define IDX_TYPE_UBYTE     0x08
#define IDX_IMAGES_DIMS    3
#define IDX_LABELS_DIMS    1
#define READ_CHUNK         (64 * 1024)
/* deflate never expands data by more than about 1032:1, so a gzip file of
 * s bytes cannot hold more than this many times s (plus slack for headers). */
#define GZIP_MAX_RATIO     1032
#define GZIP_SLACK         4096

typedef struct
{
  char     *display;      /* basename, for messages */
  FILE     *fp;
  guint64   file_size;
  gboolean  gzip;
  gboolean  zs_ready;
  gboolean  finished;     /* gzip: the last member ended and no input follows */
  z_stream  zs;
  guchar   *in;           /* READ_CHUNK bytes of compressed input */
} IdxReader;

/* Receives body bytes [offset, offset + n) of an IDX file. */
typedef void (*IdxBodyFunc) (const guchar *bytes,
                             guint64       offset,
                             gsize         n,
                             gpointer      user_data);

typedef struct
{
  double  *x;
  guint64  keep;          /* bytes that belong to kept images */
  double   scale[256];    /* byte → [0, 1]; a table keeps the loop free of divisions */
} PixelSink;

typedef struct
{
  guint32 *labels;
  guint64  keep;
  guint    max_label;
  guint64  max_label_at;  /* the item that first holds max_label */
} LabelSink;

static void
idx_reader_close (IdxReader *reader)
{
  if (reader->zs_ready)
    inflateEnd (&reader->zs);
  if (reader->fp != NULL)
    fclose (reader->fp);
  g_clear_pointer (&reader->in, g_free);
  g_clear_pointer (&reader->display, g_free);
  reader->zs_ready = FALSE;
  reader->fp = NULL;
}

static gboolean
idx_reader_open (IdxReader   *reader,
                 const char  *path,
                 GError     **error)
{
  struct stat st;
  guchar magic[2];
  size_t got;

  memset (reader, 0, sizeof *reader);
  reader->display = g_path_get_basename (path);

  /* Only regular files: a FIFO or /dev/zero would block or never end. */
  {
    g_autoptr(GError) file_error = NULL;

    if (!saddle_file_check_regular (path, G_MAXUINT64, NULL, &file_error))
      {
        g_set_error_literal (error, SADDLE_DATASET_ERROR,
                             g_error_matches (file_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                             ? SADDLE_DATASET_ERROR_NOT_FOUND : SADDLE_DATASET_ERROR_IO,
                             file_error->message);
        return FALSE;
      }
  }
  reader->fp = g_fopen (path, "rb");
  if (reader->fp == NULL)
    {
      int saved = errno;

      g_set_error (error, SADDLE_DATASET_ERROR,
                   saved == ENOENT ? SADDLE_DATASET_ERROR_NOT_FOUND : SADDLE_DATASET_ERROR_IO,
                   "%s: cannot open the file: %s", reader->display, g_strerror (saved));
      return FALSE;
    }

  /* Only regular files: a FIFO or /dev/zero would block or never end. */
  if (fstat (fileno (reader->fp), &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                   "%s: not a regular file", reader->display);
      return FALSE;
    }
  reader->file_size = (guint64) st.st_size;

  /* gzip is recognised by its magic bytes, whatever the file is called. */
  got = fread (magic, 1, sizeof magic, reader->fp);
  reader->gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  if (fseek (reader->fp, 0, SEEK_SET) != 0)
    {
      int saved = errno;

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                   "%s: cannot read the file: %s", reader->display, g_strerror (saved));
      return FALSE;
    }

  if (reader->gzip)
    {
      reader->in = g_malloc (READ_CHUNK);
      /* 16 + MAX_WBITS: gzip wrapper only, so the CRC and length are checked. */
      if (inflateInit2 (&reader->zs, 16 + MAX_WBITS) != Z_OK)
        {
          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                       "%s: cannot start gzip decompression", reader->display);
          return FALSE;
        }
      reader->zs_ready = TRUE;
    }

  return TRUE;
}

static gboolean
idx_reader_fill (IdxReader  *reader,
                 gboolean   *at_eof,
                 GError    **error)
{
  size_t got = fread (reader->in, 1, READ_CHUNK, reader->fp);

  if (got == 0 && ferror (reader->fp))
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                   "%s: read failed: %s", reader->display, g_strerror (errno));
      return FALSE;
    }
  reader->zs.next_in = reader->in;
  reader->zs.avail_in = (uInt) got;
  *at_eof = got == 0;

  return TRUE;
}

/* After a gzip member ends: another member may follow (as `cat a.gz b.gz`
 * makes), anything else is garbage that gzip itself would only warn about. */
static gboolean
idx_reader_next_member (IdxReader  *reader,
                        GError    **error)
{
  gboolean at_eof = FALSE;

  if (reader->zs.avail_in == 0)
    {
      if (!idx_reader_fill (reader, &at_eof, error))
        return FALSE;
      if (at_eof)
        {
          reader->finished = TRUE;
          return TRUE;
        }
    }

  if (reader->zs.next_in[0] != 0x1f)
    {
      long pos = ftell (reader->fp);
      guint64 garbage_at = pos >= 0 ? (guint64) pos - reader->zs.avail_in : 0;
      g_autofree char *n = saddle_format_count (reader->file_size - garbage_at);

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: %s bytes of garbage after the end of the gzip data",
                   reader->display, n);
      return FALSE;
    }

  inflateReset (&reader->zs);
  return TRUE;
}

/* Reads up to @len bytes of (decompressed) data; fewer only at the end. */
static gboolean
idx_reader_read (IdxReader  *reader,
                 guchar     *buf,
                 gsize       len,
                 gsize      *n_read,
                 GError    **error)
{
  gsize done = 0;

  if (!reader->gzip)
    {
      done = fread (buf, 1, len, reader->fp);
      if (done < len && ferror (reader->fp))
        {
          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                       "%s: read failed: %s", reader->display, g_strerror (errno));
          return FALSE;
        }
      *n_read = done;
      return TRUE;
    }

  while (done < len && !reader->finished)
    {
      int ret;

      if (reader->zs.avail_in == 0)
        {
          gboolean at_eof;

          if (!idx_reader_fill (reader, &at_eof, error))
            return FALSE;
          if (at_eof)
            {
              g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                           "%s: the gzip data ends early (the file is truncated)",
                           reader->display);
              return FALSE;
            }
        }

      reader->zs.next_out = buf + done;
      reader->zs.avail_out = (uInt) MIN (len - done, (gsize) G_MAXUINT32);
      ret = inflate (&reader->zs, Z_NO_FLUSH);
      done = (gsize) (reader->zs.next_out - buf);

      switch (ret)
        {
        case Z_OK:
        case Z_BUF_ERROR:     /* needs more input: the loop reads it */
          break;

        case Z_STREAM_END:
          if (!idx_reader_next_member (reader, error))
            return FALSE;
          break;

        case Z_MEM_ERROR:
          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                       "%s: out of memory while decompressing", reader->display);
          return FALSE;

        default:
          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                       "%s: corrupt gzip data (%s)", reader->display,
                       reader->zs.msg != NULL ? reader->zs.msg : "invalid stream");
          return FALSE;
        }
    }

  *n_read = done;
  return TRUE;
}

/* Reads and checks the magic and the @n_dims big-endian sizes of an IDX file. */
static gboolean
idx_read_header (IdxReader   *reader,
                 guint        n_dims,
                 guint32     *dims,
                 GError     **error)
{
  static const char * const images_dims[] = { "images", "rows", "columns" };
  static const char * const labels_dims[] = { "labels" };
  const char * const *dim_names = n_dims == IDX_IMAGES_DIMS ? images_dims : labels_dims;
  const char *kind = n_dims == IDX_IMAGES_DIMS ? "images" : "labels";
  guchar head[4 + 4 * IDX_IMAGES_DIMS];
  gsize got;

  g_assert (n_dims <= IDX_IMAGES_DIMS);

  if (!idx_reader_read (reader, head, 4, &got, error))
    return FALSE;
  if (got < 4)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: not an IDX file (only %u bytes long)", reader->display, (guint) got);
      return FALSE;
    }
  if (head[0] != 0 || head[1] != 0)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: not an IDX file (it starts with %02x %02x %02x %02x, not 00 00 08 0%u)",
                   reader->display, head[0], head[1], head[2], head[3], n_dims);
      return FALSE;
    }
  if (head[2] != IDX_TYPE_UBYTE)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: IDX element type 0x%02x is not supported; only unsigned bytes (0x08) are",
                   reader->display, head[2]);
      return FALSE;
    }
  if (head[3] != n_dims)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: has %u dimension%s; IDX %s files have %u (magic 0x%08x)",
                   reader->display, head[3], head[3] == 1 ? "" : "s", kind, n_dims,
                   0x800u + n_dims);
      return FALSE;
    }

  if (!idx_reader_read (reader, head + 4, 4 * n_dims, &got, error))
    return FALSE;
  if (got < 4 * n_dims)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                   "%s: the IDX header is truncated: %u bytes expected, %u found",
                   reader->display, 4 + 4 * n_dims, 4 + (guint) got);
      return FALSE;
    }

  for (guint i = 0; i < n_dims; i++)
    {
      guint32 be;

      memcpy (&be, head + 4 + 4 * i, 4);
      dims[i] = GUINT32_FROM_BE (be);
      if (dims[i] == 0)
        {
          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                       "%s: the header declares 0 %s", reader->display, dim_names[i]);
          return FALSE;
        }
    }

  return TRUE;
}

/* Checks the body size the header declares against the file, before any
 * allocation: exactly for raw files, by deflate's maximum ratio for gzip. */
static gboolean
idx_check_size (IdxReader   *reader,
                guint64      header_len,
                guint64      body_len,
                const char  *what,
                GError     **error)
{
  if (!reader->gzip)
    {
      guint64 found = reader->file_size - MIN (reader->file_size, header_len);

      if (found < body_len)
        {
          g_autofree char *e = saddle_format_count (body_len);
          g_autofree char *f = saddle_format_count (found);

          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                       "%s: %s bytes of %s expected, %s found (the file is truncated)",
                       reader->display, e, what, f);
          return FALSE;
        }
      if (found > body_len)
        {
          g_autofree char *e = saddle_format_count (body_len);
          g_autofree char *t = saddle_format_count (found - body_len);

          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                       "%s: %s bytes of trailing garbage after the %s bytes of %s the header declares",
                       reader->display, t, e, what);
          return FALSE;
        }
      return TRUE;
    }

  if (reader->file_size <= (G_MAXUINT64 - GZIP_SLACK) / GZIP_MAX_RATIO
      && header_len + body_len > reader->file_size * GZIP_MAX_RATIO + GZIP_SLACK)
    {
      g_autofree char *e = saddle_format_count (body_len);
      g_autofree char *s = saddle_format_count (reader->file_size);

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: the header declares %s bytes of %s, more than a gzip file of %s bytes can hold",
                   reader->display, e, what, s);
      return FALSE;
    }

  return TRUE;
}

/* Streams @body_len body bytes through @func, then makes sure nothing follows. */
static gboolean
idx_read_body (IdxReader    *reader,
               guint64       body_len,
               const char   *what,
               IdxBodyFunc   func,
               gpointer      user_data,
               GError      **error)
{
  g_autofree guchar *chunk = g_malloc (READ_CHUNK);
  guint64 offset = 0;
  guchar extra;
  gsize got;

  while (offset < body_len)
    {
      gsize want = (gsize) MIN ((guint64) READ_CHUNK, body_len - offset);

      if (!idx_reader_read (reader, chunk, want, &got, error))
        return FALSE;
      func (chunk, offset, got, user_data);
      offset += got;
      if (got < want)
        {
          g_autofree char *e = saddle_format_count (body_len);
          g_autofree char *f = saddle_format_count (offset);

          g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                       "%s: %s bytes of %s expected, %s found (the file is truncated)",
                       reader->display, e, what, f);
          return FALSE;
        }
    }

  /* One byte more is enough to know; reading on would let a bomb run. This
   * also lets zlib reach the gzip trailer and check its CRC. */
  if (!idx_reader_read (reader, &extra, 1, &got, error))
    return FALSE;
  if (got != 0)
    {
      g_autofree char *e = saddle_format_count (body_len);

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: trailing garbage after the %s bytes of %s the header declares",
                   reader->display, e, what);
      return FALSE;
    }

  return TRUE;
}

static void
pixel_sink_cb (const guchar *bytes,
               guint64       offset,
               gsize         n,
               gpointer      user_data)
{
  PixelSink *sink = user_data;

  if (offset >= sink->keep)
    return;
  n = (gsize) MIN ((guint64) n, sink->keep - offset);

  for (gsize i = 0; i < n; i++)
    sink->x[offset + i] = sink->scale[bytes[i]];
}

static void
label_sink_cb (const guchar *bytes,
               guint64       offset,
               gsize         n,
               gpointer      user_data)
{
  LabelSink *sink = user_data;

  /* The class count comes from the whole file, so a prefix of it (max_samples)
   * has the same output width as the full set. */
  for (gsize i = 0; i < n; i++)
    {
      if (bytes[i] > sink->max_label)
        {
          sink->max_label = bytes[i];
          sink->max_label_at = offset + i;
        }
      if (offset + i < sink->keep)
        sink->labels[offset + i] = bytes[i];
    }
}

/* The folder's name ("fashion-mnist"), or the file's if it has no folder. */
static char *
idx_dataset_title (const char *images_path)
{
  g_autofree char *dir = g_path_get_dirname (images_path);
  g_autofree char *dir_base = g_path_get_basename (dir);
  g_autofree char *file_base = g_path_get_basename (images_path);
  gboolean test_set = g_str_has_prefix (file_base, "t10k");

  if (strcmp (dir_base, ".") == 0 || strcmp (dir_base, G_DIR_SEPARATOR_S) == 0)
    return g_strdup (file_base);

  return g_strdup_printf ("%s%s", dir_base, test_set ? " test set" : "");
}

SaddleDataset *
saddle_dataset_load_idx (const char  *images_path,
                         const char  *labels_path,
                         gsize        max_samples,
                         GError     **error)
{
  IdxReader images = { 0 };
  IdxReader labels = { 0 };
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autofree PixelSink *pixels = NULL;
  g_autofree char *title = NULL;
  g_autofree char *n_text = NULL;
  LabelSink label_sink = { 0 };
  guint32 image_dims[IDX_IMAGES_DIMS];
  guint32 n_labels;
  guint64 per_image, n_pixels;
  gsize n_keep, n_x;
  gboolean ok = FALSE;

  g_return_val_if_fail (images_path != NULL, NULL);
  g_return_val_if_fail (labels_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idx_reader_open (&images, images_path, error)
      || !idx_read_header (&images, IDX_IMAGES_DIMS, image_dims, error))
    goto out;

  if (!g_uint64_checked_mul (&per_image, image_dims[1], image_dims[2])
      || !g_uint64_checked_mul (&n_pixels, per_image, image_dims[0])
      || per_image > G_MAXUINT32)
    {
      g_autofree char *n = saddle_format_count (image_dims[0]);
      g_autofree char *r = saddle_format_count (image_dims[1]);
      g_autofree char *c = saddle_format_count (image_dims[2]);

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: absurd header: %s images of %s×%s pixels",
                   images.display, n, r, c);
      goto out;
    }
  if (!idx_check_size (&images, 4 + 4 * IDX_IMAGES_DIMS, n_pixels, "pixels", error))
    goto out;

  if (!idx_reader_open (&labels, labels_path, error)
      || !idx_read_header (&labels, IDX_LABELS_DIMS, &n_labels, error)
      || !idx_check_size (&labels, 4 + 4 * IDX_LABELS_DIMS, n_labels, "labels", error))
    goto out;

  if (n_labels != image_dims[0])
    {
      g_autofree char *a = saddle_format_count (image_dims[0]);
      g_autofree char *b = saddle_format_count (n_labels);

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_MISMATCH,
                   "%s has %s images but %s has %s labels",
                   images.display, a, labels.display, b);
      goto out;
    }

  n_keep = image_dims[0];
  if (max_samples > 0 && max_samples < n_keep)
    n_keep = max_samples;

  dataset = saddle_dataset_new_empty (SADDLE_DATASET_CLASSIFICATION);
  dataset->n_samples = n_keep;
  dataset->n_inputs = (gsize) per_image;
  dataset->image_rows = image_dims[1];
  dataset->image_cols = image_dims[2];

  if (!g_size_checked_mul (&n_x, n_keep, dataset->n_inputs)
      || (dataset->x = g_try_malloc_n (n_x, sizeof (double))) == NULL
      || (dataset->labels = g_try_malloc_n (n_keep, sizeof (guint32))) == NULL)
    {
      g_autofree char *a = saddle_format_count (n_keep);

      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_IO,
                   "%s: not enough memory for %s images of %u×%u pixels; load fewer samples",
                   images.display, a, image_dims[1], image_dims[2]);
      goto out;
    }

  pixels = g_new0 (PixelSink, 1);
  pixels->x = dataset->x;
  pixels->keep = (guint64) n_x;
  for (guint i = 0; i < 256; i++)
    pixels->scale[i] = i / 255.0;
  if (!idx_read_body (&images, n_pixels, "pixels", pixel_sink_cb, pixels, error))
    goto out;

  label_sink.labels = dataset->labels;
  label_sink.keep = n_keep;
  if (!idx_read_body (&labels, n_labels, "labels", label_sink_cb, &label_sink, error))
    goto out;

  if (label_sink.max_label >= SADDLE_DATASET_MAX_CLASSES)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT,
                   "%s: label %u at item %" G_GUINT64_FORMAT "; Saddle takes classes 0–%u",
                   labels.display, label_sink.max_label, label_sink.max_label_at + 1,
                   SADDLE_DATASET_MAX_CLASSES - 1);
      goto out;
    }
  dataset->n_outputs = MAX (label_sink.max_label + 1, 2);

  title = idx_dataset_title (images_path);
  n_text = saddle_format_count (n_keep);
  dataset->name = g_strdup_printf ("%s: %s images %u×%u, %u classes", title, n_text,
                                   dataset->image_rows, dataset->image_cols,
                                   (guint) dataset->n_outputs);
  ok = TRUE;

out:
  idx_reader_close (&images);
  idx_reader_close (&labels);

  return ok ? g_steal_pointer (&dataset) : NULL;
}

static char *
find_first_file (const char          *dir,
                 const char * const  *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  return NULL;
}

SaddleDataset *
saddle_dataset_load_idx_dir (const char  *dir,
                             gboolean     test_set,
                             gsize        max_samples,
                             GError     **error)
{
  const char *prefix = test_set ? "t10k" : "train";
  g_autofree char *images_raw = g_strdup_printf ("%s-images-idx3-ubyte", prefix);
  g_autofree char *images_gz = g_strdup_printf ("%s-images-idx3-ubyte.gz", prefix);
  g_autofree char *labels_raw = g_strdup_printf ("%s-labels-idx1-ubyte", prefix);
  g_autofree char *labels_gz = g_strdup_printf ("%s-labels-idx1-ubyte.gz", prefix);
  const char *image_names[] = { images_raw, images_gz, NULL };
  const char *label_names[] = { labels_raw, labels_gz, NULL };
  g_autofree char *images = NULL;
  g_autofree char *labels = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND,
                   "%s: no such folder", dir);
      return NULL;
    }

  images = find_first_file (dir, image_names);
  labels = find_first_file (dir, label_names);
  if (images == NULL || labels == NULL)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND,
                   "%s: no %s or %s in this folder",
                   dir, images == NULL ? images_raw : labels_raw,
                   images == NULL ? images_gz : labels_gz);
      return NULL;
    }

  return saddle_dataset_load_idx (images, labels, max_samples, error);
}

gboolean
saddle_dataset_idx_probe_magic (const char *path,
                                guint32    *magic)
{
  IdxReader reader;
  guchar head[4];
  gsize got = 0;
  gboolean ok;

  ok = idx_reader_open (&reader, path, NULL)
       && idx_reader_read (&reader, head, sizeof head, &got, NULL)
       && got == sizeof head;
  idx_reader_close (&reader);
  if (ok)
    *magic = ((guint32) head[0] << 24) | ((guint32) head[1] << 16)
             | ((guint32) head[2] << 8) | head[3];

  return ok;
}

SaddleDataset *
saddle_dataset_load_idx_images_file (const char  *path,
                                     gsize        max_samples,
                                     GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autoptr(GString) stem = g_string_new (base);
  g_autofree char *stem_gz = NULL;
  g_autofree char *labels = NULL;
  const char *names[3];

  if (g_str_has_suffix (stem->str, ".gz"))
    g_string_truncate (stem, stem->len - 3);
  if (g_string_replace (stem, "images", "labels", 0) + g_string_replace (stem, "idx3", "idx1", 0) == 0)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND,
                   "%s: cannot tell which file holds its labels; name the pair like "
                   "train-images-idx3-ubyte and train-labels-idx1-ubyte, or open their folder", base);
      return NULL;
    }

  stem_gz = g_strconcat (stem->str, ".gz", NULL);
  names[0] = stem->str;
  names[1] = stem_gz;
  names[2] = NULL;
  labels = find_first_file (dir, names);
  if (labels == NULL)
    {
      g_set_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND,
                   "%s: its labels are missing; looked for %s or %s beside it",
                   base, stem->str, stem_gz);
      return NULL;
    }

  return saddle_dataset_load_idx (path, labels, max_samples, error);
}
