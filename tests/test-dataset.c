/* test-dataset.c — IDX, function and CSV datasets; batches
 *
 * Every IDX fixture is written by the test itself into a fresh temporary
 * folder (removed afterwards), so the bad files are exactly the ones named.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "saddle-batch.h"
#include "saddle-dataset.h"

#define N_IMAGES 5
#define ROWS     3
#define COLS     4
#define N_PIXELS (N_IMAGES * ROWS * COLS)

static const guint8 fixture_labels[N_IMAGES] = { 0, 3, 1, 2, 3 };

typedef struct
{
  char   *dir;
  guint8  pixels[N_PIXELS];
} Fixture;

/* Removes @path and, if it is a folder, everything in it. */
static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      GDir *dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_remove (path), ==, 0);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("saddle-dataset-XXXXXX", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < N_PIXELS; i++)
    fixture->pixels[i] = (guint8) ((i * 37 + 11) % 256);
  fixture->pixels[0] = 0;
  fixture->pixels[1] = 255;
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* An IDX file: 00 00 @type @n_dims, big-endian @dims, then @body. */
static GByteArray *
idx_bytes (guint8          type,
           guint8          n_dims,
           const guint32  *dims,
           const guint8   *body,
           gsize           body_len)
{
  GByteArray *bytes = g_byte_array_new ();
  guint8 head[4] = { 0, 0, type, n_dims };

  g_byte_array_append (bytes, head, 4);
  for (guint i = 0; i < n_dims; i++)
    {
      guint32 be = GUINT32_TO_BE (dims[i]);
      g_byte_array_append (bytes, (const guint8 *) &be, 4);
    }
  if (body_len > 0)
    g_byte_array_append (bytes, body, (guint) body_len);

  return bytes;
}

/* One gzip member holding @data. */
static GByteArray *
gzip_bytes (const guint8 *data,
            gsize         len)
{
  GByteArray *out = g_byte_array_new ();
  guint8 chunk[4096];
  z_stream zs = { 0 };
  int ret;

  g_assert_cmpint (deflateInit2 (&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  zs.next_in = (Bytef *) data;
  zs.avail_in = (uInt) len;
  do
    {
      zs.next_out = chunk;
      zs.avail_out = sizeof chunk;
      ret = deflate (&zs, Z_FINISH);
      g_assert_cmpint (ret, !=, Z_STREAM_ERROR);
      g_byte_array_append (out, chunk, (guint) (sizeof chunk - zs.avail_out));
    }
  while (ret != Z_STREAM_END);
  deflateEnd (&zs);

  return out;
}

/* Bytes that do not compress, so a gzip file stays as large as its content
 * (a tiny .gz declaring much data is caught earlier, by the deflate ratio). */
static guint8 *
noise_bytes (gsize n)
{
  guint8 *bytes = g_malloc (n);
  guint32 state = 12345;

  for (gsize i = 0; i < n; i++)
    {
      state = state * 1664525u + 1013904223u;
      bytes[i] = (guint8) (state >> 24);
    }

  return bytes;
}

static char *
write_file (const char *dir,
            const char *name,
            const void *data,
            gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, data, (gssize) len, &error);
  g_assert_no_error (error);

  return path;
}

static char *
write_bytes (const char *dir,
             const char *name,
             GByteArray *bytes,
             gboolean    gzip)
{
  if (gzip)
    {
      g_autoptr(GByteArray) gz = gzip_bytes (bytes->data, bytes->len);
      return write_file (dir, name, gz->data, gz->len);
    }

  return write_file (dir, name, bytes->data, bytes->len);
}

static char *
write_images (Fixture    *fixture,
              const char *name,
              gboolean    gzip)
{
  const guint32 dims[3] = { N_IMAGES, ROWS, COLS };
  g_autoptr(GByteArray) bytes = idx_bytes (0x08, 3, dims, fixture->pixels, N_PIXELS);

  return write_bytes (fixture->dir, name, bytes, gzip);
}

static char *
write_labels (Fixture      *fixture,
              const char   *name,
              const guint8 *labels,
              guint32       n,
              gboolean      gzip)
{
  g_autoptr(GByteArray) bytes = idx_bytes (0x08, 1, &n, labels, n);

  return write_bytes (fixture->dir, name, bytes, gzip);
}

/* Fails unless loading gives @code in the dataset domain and names @file. */
static void
assert_load_fails (const char *images,
                   const char *labels,
                   gint        code,
                   const char *file,
                   const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autofree char *base = g_path_get_basename (file);

  dataset = saddle_dataset_load_idx (images, labels, 0, &error);
  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, base));
  if (fragment != NULL)
    g_assert_nonnull (strstr (error->message, fragment));
}

static void
assert_fixture_dataset (Fixture             *fixture,
                        const SaddleDataset *dataset,
                        gsize                n)
{
  g_assert_nonnull (dataset);
  g_assert_cmpint (dataset->kind, ==, SADDLE_DATASET_CLASSIFICATION);
  g_assert_cmpuint (dataset->n_samples, ==, n);
  g_assert_cmpuint (dataset->n_inputs, ==, ROWS * COLS);
  g_assert_cmpuint (dataset->image_rows, ==, ROWS);
  g_assert_cmpuint (dataset->image_cols, ==, COLS);
  /* The class count comes from the whole labels file (max 3 → 4 classes). */
  g_assert_cmpuint (dataset->n_outputs, ==, 4);
  g_assert_null (dataset->targets);
  g_assert_nonnull (dataset->labels);
  for (gsize i = 0; i < n * ROWS * COLS; i++)
    g_assert_cmpfloat (dataset->x[i], ==, fixture->pixels[i] / 255.0);
  for (gsize i = 0; i < n; i++)
    g_assert_cmpuint (dataset->labels[i], ==, fixture_labels[i]);
  g_assert_cmpfloat (dataset->x[0], ==, 0.0);
  g_assert_cmpfloat (dataset->x[1], ==, 1.0);
}

static void
test_idx_raw (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *images = write_images (fixture, "imgs", FALSE);
  g_autofree char *labels = write_labels (fixture, "lbls", fixture_labels, N_IMAGES, FALSE);
  g_autoptr(SaddleDataset) dataset = saddle_dataset_load_idx (images, labels, 0, &error);
  g_autofree char *dir_base = g_path_get_basename (fixture->dir);
  g_autofree char *expected_name = g_strdup_printf ("%s: 5 images 3×4, 4 classes", dir_base);

  g_assert_no_error (error);
  assert_fixture_dataset (fixture, dataset, N_IMAGES);
  g_assert_cmpstr (dataset->name, ==, expected_name);
}

static void
test_idx_gzip (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  /* Detected by magic bytes: a gzip file without .gz, a raw file with it. */
  g_autofree char *images = write_images (fixture, "imgs.raw", TRUE);
  g_autofree char *labels = write_labels (fixture, "lbls.gz", fixture_labels, N_IMAGES, FALSE);
  g_autoptr(SaddleDataset) dataset = saddle_dataset_load_idx (images, labels, 0, &error);

  g_assert_no_error (error);
  assert_fixture_dataset (fixture, dataset, N_IMAGES);
}

static void
test_idx_gzip_members (Fixture       *fixture,
                       gconstpointer  data)
{
  const guint32 dims[3] = { N_IMAGES, ROWS, COLS };
  g_autoptr(GByteArray) bytes = idx_bytes (0x08, 3, dims, fixture->pixels, N_PIXELS);
  g_autoptr(GByteArray) first = gzip_bytes (bytes->data, 20);
  g_autoptr(GByteArray) second = gzip_bytes (bytes->data + 20, bytes->len - 20);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autofree char *images = NULL;
  g_autofree char *labels = write_labels (fixture, "l.gz", fixture_labels, N_IMAGES, TRUE);

  /* `cat a.gz b.gz` is a valid gzip file holding both. */
  g_byte_array_append (first, second->data, second->len);
  images = write_file (fixture->dir, "i.gz", first->data, first->len);
  dataset = saddle_dataset_load_idx (images, labels, 0, &error);
  g_assert_no_error (error);
  assert_fixture_dataset (fixture, dataset, N_IMAGES);
}

static void
test_idx_max_samples (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *images = write_images (fixture, "i.gz", TRUE);
  g_autofree char *labels = write_labels (fixture, "l", fixture_labels, N_IMAGES, FALSE);

  for (gsize max = 1; max <= N_IMAGES + 2; max++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SaddleDataset) dataset = saddle_dataset_load_idx (images, labels, max, &error);

      g_assert_no_error (error);
      assert_fixture_dataset (fixture, dataset, MIN (max, N_IMAGES));
    }
}

static void
test_idx_truncated (Fixture       *fixture,
                    gconstpointer  data)
{
  const guint32 dims[3] = { 1000, 28, 28 };
  g_autofree guint8 *body = noise_bytes (1024);
  g_autoptr(GByteArray) big = idx_bytes (0x08, 3, dims, body, 1024);
  g_autoptr(GByteArray) short_images = NULL;
  g_autofree char *labels = write_labels (fixture, "labels", fixture_labels, N_IMAGES, FALSE);
  g_autofree guint8 *labels_body = g_malloc0 (1000);
  g_autofree char *labels_1000 = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *gz = NULL;
  g_autofree char *cut_gz = NULL;
  g_autofree char *short_labels = NULL;
  g_autofree char *images = NULL;
  const guint32 n5 = N_IMAGES;
  g_autoptr(GByteArray) lbytes = idx_bytes (0x08, 1, &n5, fixture_labels, N_IMAGES - 1);
  const guint32 small_dims[3] = { N_IMAGES, ROWS, COLS };
  g_autoptr(GByteArray) good = idx_bytes (0x08, 3, small_dims, fixture->pixels, N_PIXELS);
  g_autoptr(GByteArray) good_gz = gzip_bytes (good->data, good->len);

  /* Counts in the message, with thousands separators, raw and gzip alike
   * (gzip is only found short while inflating, after the counts matched). */
  labels_1000 = write_labels (fixture, "labels-1000", labels_body, 1000, TRUE);
  raw = write_bytes (fixture->dir, "train-images-idx3-ubyte", big, FALSE);
  assert_load_fails (raw, labels_1000, SADDLE_DATASET_ERROR_IO, raw,
                     "784,000 bytes of pixels expected, 1,024 found");
  gz = write_bytes (fixture->dir, "train-images-idx3-ubyte.gz", big, TRUE);
  assert_load_fails (gz, labels_1000, SADDLE_DATASET_ERROR_IO, gz,
                     "784,000 bytes of pixels expected, 1,024 found");

  /* A header cut short. */
  short_images = idx_bytes (0x08, 3, dims, NULL, 0);
  g_byte_array_set_size (short_images, 10);
  images = write_bytes (fixture->dir, "short-header", short_images, FALSE);
  assert_load_fails (images, labels, SADDLE_DATASET_ERROR_IO, images, "16 bytes expected, 10 found");

  /* Labels one short. */
  g_clear_pointer (&images, g_free);
  images = write_images (fixture, "images", FALSE);
  short_labels = write_bytes (fixture->dir, "short-labels", lbytes, FALSE);
  assert_load_fails (images, short_labels, SADDLE_DATASET_ERROR_IO, short_labels,
                     "5 bytes of labels expected, 4 found");

  /* The gzip file itself cut in the middle of its deflate data. */
  cut_gz = write_file (fixture->dir, "cut.gz", good_gz->data, good_gz->len - 12);
  assert_load_fails (cut_gz, labels, SADDLE_DATASET_ERROR_IO, cut_gz, "truncated");
}

static void
test_idx_bad_header (Fixture       *fixture,
                     gconstpointer  data)
{
  const guint32 dims[3] = { N_IMAGES, ROWS, COLS };
  const guint32 dims2[2] = { N_IMAGES, ROWS * COLS };
  const guint32 zero_rows[3] = { N_IMAGES, 0, COLS };
  g_autofree char *labels = write_labels (fixture, "labels.gz", fixture_labels, N_IMAGES, TRUE);
  g_autofree char *images = write_images (fixture, "images.gz", TRUE);
  g_autoptr(GByteArray) wrong_type = idx_bytes (0x0d, 3, dims, fixture->pixels, N_PIXELS);
  g_autoptr(GByteArray) two_dims = idx_bytes (0x08, 2, dims2, fixture->pixels, N_PIXELS);
  g_autoptr(GByteArray) zero = idx_bytes (0x08, 3, zero_rows, NULL, 0);
  g_autofree char *path = NULL;
  static const char zip[] = "PK\003\004 this is a zip file";

  path = write_file (fixture->dir, "zip", zip, sizeof zip - 1);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "not an IDX file");
  g_clear_pointer (&path, g_free);

  path = write_file (fixture->dir, "empty", "", 0);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "not an IDX file");
  g_clear_pointer (&path, g_free);

  path = write_bytes (fixture->dir, "float.gz", wrong_type, TRUE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "0x0d");
  g_clear_pointer (&path, g_free);

  path = write_bytes (fixture->dir, "two-dims", two_dims, FALSE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "2 dimensions");
  g_clear_pointer (&path, g_free);

  path = write_bytes (fixture->dir, "zero-rows", zero, FALSE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "0 rows");
  g_clear_pointer (&path, g_free);

  /* Images and labels swapped. */
  assert_load_fails (labels, images, SADDLE_DATASET_ERROR_FORMAT, labels, "has 1 dimension;");
  assert_load_fails (images, images, SADDLE_DATASET_ERROR_FORMAT, images, "3 dimensions");
}

static void
test_idx_mismatch (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *images = write_images (fixture, "my-images", FALSE);
  g_autofree char *labels = write_labels (fixture, "my-labels", fixture_labels, N_IMAGES - 1, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = saddle_dataset_load_idx (images, labels, 0, &error);

  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_MISMATCH);
  g_assert_nonnull (strstr (error->message, "my-images has 5 images"));
  g_assert_nonnull (strstr (error->message, "my-labels has 4 labels"));
}

static void
test_idx_corrupt_gzip (Fixture       *fixture,
                       gconstpointer  data)
{
  const guint32 dims[3] = { N_IMAGES, ROWS, COLS };
  g_autoptr(GByteArray) bytes = idx_bytes (0x08, 3, dims, fixture->pixels, N_PIXELS);
  g_autoptr(GByteArray) gz = gzip_bytes (bytes->data, bytes->len);
  g_autofree char *labels = write_labels (fixture, "labels", fixture_labels, N_IMAGES, FALSE);
  g_autofree char *path = NULL;
  g_autoptr(GByteArray) flipped = g_byte_array_new ();

  /* A valid 10-byte gzip header, then garbage where deflate data belongs. */
  g_assert_cmpuint (gz->len, >, 30);
  memset (gz->data + 10, 0xff, gz->len - 10);
  path = write_file (fixture->dir, "garbage.gz", gz->data, gz->len);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_IO, path, "corrupt gzip");
  g_clear_pointer (&path, g_free);

  /* Intact deflate data, wrong CRC in the trailer: caught at the end. */
  g_byte_array_unref (gz);
  gz = gzip_bytes (bytes->data, bytes->len);
  gz->data[gz->len - 8] ^= 0x55;
  path = write_file (fixture->dir, "crc.gz", gz->data, gz->len);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_IO, path, "corrupt gzip");
  g_clear_pointer (&path, g_free);

  /* A gzip header whose method byte is not deflate. */
  g_byte_array_append (flipped, gz->data, gz->len);
  flipped->data[2] = 7;
  path = write_file (fixture->dir, "method.gz", flipped->data, flipped->len);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_IO, path, "corrupt gzip");
}

static void
test_idx_absurd_header (Fixture       *fixture,
                        gconstpointer  data)
{
  const guint32 huge[3] = { 1u << 31, 1u << 16, 1u << 15 };
  const guint32 wide[3] = { 1u << 31, 1u << 16, 1u << 16 };
  const guint32 overflow[3] = { G_MAXUINT32, G_MAXUINT32, G_MAXUINT32 };
  const guint32 huge_labels = G_MAXUINT32;
  guint8 body[64] = { 0 };
  g_autoptr(GByteArray) a = idx_bytes (0x08, 3, huge, body, sizeof body);
  g_autoptr(GByteArray) b = idx_bytes (0x08, 3, overflow, body, sizeof body);
  g_autoptr(GByteArray) c = idx_bytes (0x08, 1, &huge_labels, body, sizeof body);
  g_autoptr(GByteArray) d = idx_bytes (0x08, 3, wide, body, sizeof body);
  g_autofree char *images = write_images (fixture, "images", FALSE);
  g_autofree char *labels = write_labels (fixture, "labels", fixture_labels, N_IMAGES, FALSE);
  g_autofree char *path = NULL;

  /* 2^62 pixels declared: each must fail from the header alone, at once. */
  path = write_bytes (fixture->dir, "huge", a, FALSE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_IO, path,
                     "4,611,686,018,427,387,904 bytes of pixels expected, 64 found");
  g_clear_pointer (&path, g_free);

  /* 2^31 images of 2^16×2^16: no model takes 2^32 inputs. */
  path = write_bytes (fixture->dir, "wide", d, FALSE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path,
                     "absurd header: 2,147,483,648 images of 65,536×65,536 pixels");
  g_clear_pointer (&path, g_free);

  /* In gzip the size is unknown until inflated: the deflate ratio bounds it. */
  path = write_bytes (fixture->dir, "huge.gz", a, TRUE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "more than a gzip file");
  g_clear_pointer (&path, g_free);

  path = write_bytes (fixture->dir, "overflow.gz", b, TRUE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "absurd header");
  g_clear_pointer (&path, g_free);

  path = write_bytes (fixture->dir, "huge-labels.gz", c, TRUE);
  assert_load_fails (images, path, SADDLE_DATASET_ERROR_FORMAT, path, "more than a gzip file");
}

static void
test_idx_gzip_bomb (Fixture       *fixture,
                    gconstpointer  data)
{
  /* A small header, then 16 MiB of zeros: a 16 KiB file that inflates to
   * 16 MiB must be stopped at the first byte past the declared data. */
  const guint32 dims[3] = { N_IMAGES, ROWS, COLS };
  gsize len = 16 + N_PIXELS + 16 * 1024 * 1024;
  g_autofree guint8 *bomb = g_malloc0 (len);
  g_autoptr(GByteArray) head = idx_bytes (0x08, 3, dims, fixture->pixels, N_PIXELS);
  g_autoptr(GByteArray) gz = NULL;
  g_autofree char *labels = write_labels (fixture, "labels", fixture_labels, N_IMAGES, FALSE);
  g_autofree char *path = NULL;

  memcpy (bomb, head->data, head->len);
  gz = gzip_bytes (bomb, len);
  g_assert_cmpuint (gz->len, <, 64 * 1024);
  path = write_file (fixture->dir, "bomb.gz", gz->data, gz->len);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "trailing garbage");
}

static void
test_idx_trailing (Fixture       *fixture,
                   gconstpointer  data)
{
  const guint32 dims[3] = { N_IMAGES, ROWS, COLS };
  g_autoptr(GByteArray) bytes = idx_bytes (0x08, 3, dims, fixture->pixels, N_PIXELS);
  g_autoptr(GByteArray) gz = NULL;
  g_autofree char *labels = write_labels (fixture, "labels", fixture_labels, N_IMAGES, FALSE);
  g_autofree char *path = NULL;
  const guint8 extra[3] = { 1, 2, 3 };

  g_byte_array_append (bytes, extra, sizeof extra);
  path = write_bytes (fixture->dir, "raw-extra", bytes, FALSE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path,
                     "3 bytes of trailing garbage after the 60 bytes of pixels");
  g_clear_pointer (&path, g_free);

  path = write_bytes (fixture->dir, "gz-extra", bytes, TRUE);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path, "trailing garbage");
  g_clear_pointer (&path, g_free);

  /* Junk after a valid gzip stream: gzip(1) only warns, Saddle refuses. */
  g_byte_array_set_size (bytes, bytes->len - sizeof extra);
  gz = gzip_bytes (bytes->data, bytes->len);
  g_byte_array_append (gz, (const guint8 *) "JUNK", 4);
  path = write_file (fixture->dir, "junk.gz", gz->data, gz->len);
  assert_load_fails (path, labels, SADDLE_DATASET_ERROR_FORMAT, path,
                     "4 bytes of garbage after the end of the gzip data");
}

static void
test_idx_labels_range (Fixture       *fixture,
                       gconstpointer  data)
{
  const guint8 wide[N_IMAGES] = { 0, 100, 7, 127, 1 };
  const guint8 zeros[N_IMAGES] = { 0 };
  g_autofree char *images = write_images (fixture, "images", FALSE);
  g_autofree char *wide_path = write_labels (fixture, "wide", wide, N_IMAGES, TRUE);
  g_autofree char *zero_path = write_labels (fixture, "zeros", zeros, N_IMAGES, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) a = NULL;
  g_autoptr(SaddleDataset) b = NULL;

  /* The class count follows the largest label, up to 128 classes. */
  a = saddle_dataset_load_idx (images, wide_path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->n_outputs, ==, 128);
  g_assert_cmpuint (a->labels[3], ==, 127);

  /* One class still gives a two-output model. */
  b = saddle_dataset_load_idx (images, zero_path, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->n_outputs, ==, 2);
}

/* A label far beyond any class count is a wrong file, not a 201-way classifier. */
static void
test_idx_label_too_large (Fixture       *fixture,
                          gconstpointer  data)
{
  const guint8 labels_body[N_IMAGES] = { 0, 3, 200, 2, 3 };
  g_autofree char *images = write_images (fixture, "imgs", FALSE);
  g_autofree char *labels = write_labels (fixture, "lbls", labels_body, N_IMAGES, FALSE);

  assert_load_fails (images, labels, SADDLE_DATASET_ERROR_FORMAT, labels,
                     "label 200 at item 3; Saddle takes classes 0–127");
}

static void
test_idx_not_found (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *labels = write_labels (fixture, "labels", fixture_labels, N_IMAGES, FALSE);
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-file.gz", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;

  assert_load_fails (missing, labels, SADDLE_DATASET_ERROR_NOT_FOUND, missing, NULL);
  /* A folder is not a file. */
  assert_load_fails (fixture->dir, labels, SADDLE_DATASET_ERROR_IO, fixture->dir, "is a folder, not a file");

  dataset = saddle_dataset_load_idx_dir (fixture->dir, FALSE, 0, &error);
  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "train-images-idx3-ubyte"));
  g_clear_error (&error);

  dataset = saddle_dataset_load_idx_dir (missing, FALSE, 0, &error);
  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND);
}

static void
test_idx_dir (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) train = NULL;
  g_autoptr(SaddleDataset) test = NULL;

  /* Raw and gzip mixed in one folder. */
  g_free (write_images (fixture, "train-images-idx3-ubyte", FALSE));
  g_free (write_labels (fixture, "train-labels-idx1-ubyte.gz", fixture_labels, N_IMAGES, TRUE));
  g_free (write_images (fixture, "t10k-images-idx3-ubyte.gz", TRUE));

  train = saddle_dataset_load_idx_dir (fixture->dir, FALSE, 3, &error);
  g_assert_no_error (error);
  assert_fixture_dataset (fixture, train, 3);

  /* The test labels are missing: the message names what was looked for. */
  test = saddle_dataset_load_idx_dir (fixture->dir, TRUE, 0, &error);
  g_assert_null (test);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "t10k-labels-idx1-ubyte"));
  g_clear_error (&error);

  g_free (write_labels (fixture, "t10k-labels-idx1-ubyte", fixture_labels, N_IMAGES, FALSE));
  test = saddle_dataset_load_idx_dir (fixture->dir, TRUE, 0, &error);
  g_assert_no_error (error);
  assert_fixture_dataset (fixture, test, N_IMAGES);
  g_assert_nonnull (strstr (test->name, " test set: 5 images 3×4, 4 classes"));
}

static void
test_load_path (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *sub = g_build_filename (fixture->dir, "set", NULL);
  g_autofree char *images = NULL;
  g_autofree char *labels = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *other = NULL;
  g_autofree char *lone = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "missing.csv", NULL);
  g_autoptr(GError) error = NULL;
  SaddleDataset *dataset;
  const guint32 dims[3] = { N_IMAGES, ROWS, COLS };
  g_autoptr(GByteArray) bytes = idx_bytes (0x08, 3, dims, fixture->pixels, N_PIXELS);

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  images = write_bytes (sub, "train-images-idx3-ubyte.gz", bytes, TRUE);
  labels = write_labels (fixture, "set/train-labels-idx1-ubyte", fixture_labels, N_IMAGES, FALSE);

  /* A folder, then one images file (its labels found beside it). */
  dataset = saddle_dataset_load_path (sub, 0, &error);
  g_assert_no_error (error);
  assert_fixture_dataset (fixture, dataset, N_IMAGES);
  g_assert_cmpstr (dataset->name, ==, "set: 5 images 3×4, 4 classes");
  saddle_dataset_unref (dataset);

  dataset = saddle_dataset_load_path (images, 2, &error);
  g_assert_no_error (error);
  assert_fixture_dataset (fixture, dataset, 2);
  saddle_dataset_unref (dataset);

  /* A labels file alone: told to open the images instead. */
  dataset = saddle_dataset_load_path (labels, 0, &error);
  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "labels file"));
  g_clear_error (&error);

  /* An images file whose labels are not there. */
  lone = write_bytes (fixture->dir, "lone-images-idx3-ubyte", bytes, FALSE);
  dataset = saddle_dataset_load_path (lone, 0, &error);
  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "lone-labels-idx1-ubyte"));
  g_clear_error (&error);

  csv = write_file (fixture->dir, "points.CSV", "0,1\n1,2\n", 8);
  dataset = saddle_dataset_load_path (csv, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dataset->n_samples, ==, 2);
  g_assert_cmpint (dataset->kind, ==, SADDLE_DATASET_REGRESSION);
  saddle_dataset_unref (dataset);

  other = write_file (fixture->dir, "picture.png", "\x89PNG\r\n\x1a\n", 8);
  dataset = saddle_dataset_load_path (other, 0, &error);
  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "picture.png"));
  g_clear_error (&error);

  dataset = saddle_dataset_load_path (missing, 0, &error);
  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.csv"));
}

/* Checked against Python's gzip module on the same files: pixel byte sums,
 * the first ten labels and the last label of each set. */
static void
check_bundled (const SaddleDataset *dataset,
               guint64              pixel_sum,
               const guint32       *first_labels,
               guint32              last_label)
{
  double sum = 0.0;
  double lo = 1.0, hi = 0.0;
  gsize n = dataset->n_samples * dataset->n_inputs;

  g_assert_cmpuint (dataset->n_samples, ==, 1000);
  g_assert_cmpuint (dataset->n_inputs, ==, 784);
  g_assert_cmpuint (dataset->image_rows, ==, 28);
  g_assert_cmpuint (dataset->image_cols, ==, 28);
  g_assert_cmpuint (dataset->n_outputs, ==, 10);
  for (gsize i = 0; i < n; i++)
    {
      sum += dataset->x[i];
      lo = MIN (lo, dataset->x[i]);
      hi = MAX (hi, dataset->x[i]);
    }
  g_assert_cmpfloat (lo, ==, 0.0);
  g_assert_cmpfloat (hi, ==, 1.0);
  /* 784,000 terms of size ≤ 1: rounding stays far below one pixel level. */
  g_assert_cmpfloat_with_epsilon (sum * 255.0, (double) pixel_sum, 1e-9 * pixel_sum);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (dataset->labels[i], ==, first_labels[i]);
  g_assert_cmpuint (dataset->labels[999], ==, last_label);
}

/* meson test points SADDLE_TEST_DATADIR at the source data/ folder; run by
 * hand, the test falls back to the same folder as configured. */
static char *
bundled_test_dir (void)
{
  const char *root = g_getenv ("SADDLE_TEST_DATADIR");

  return g_build_filename (root != NULL ? root : SADDLE_SOURCE_DATADIR, "fashion-mnist", NULL);
}

static void
test_bundled (void)
{
  const guint32 train_first[10] = { 9, 0, 0, 3, 0, 2, 7, 2, 5, 5 };
  const guint32 test_first[10] = { 9, 2, 1, 1, 6, 1, 4, 6, 5, 7 };
  const guint train_counts[10] = { 107, 104, 86, 92, 95, 100, 100, 115, 102, 99 };
  guint counts[10] = { 0 };
  g_autofree char *dir = bundled_test_dir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) train = NULL;
  g_autoptr(SaddleDataset) test = NULL;

  train = saddle_dataset_load_idx_dir (dir, FALSE, 0, &error);
  g_assert_no_error (error);
  check_bundled (train, 56558003, train_first, 8);
  g_assert_cmpstr (train->name, ==, "fashion-mnist: 1,000 images 28×28, 10 classes");
  for (guint i = 0; i < 1000; i++)
    counts[train->labels[i]]++;
  for (guint k = 0; k < 10; k++)
    g_assert_cmpuint (counts[k], ==, train_counts[k]);

  test = saddle_dataset_load_idx_dir (dir, TRUE, 0, &error);
  g_assert_no_error (error);
  check_bundled (test, 58034149, test_first, 7);
  g_assert_cmpstr (test->name, ==, "fashion-mnist test set: 1,000 images 28×28, 10 classes");
}

static void
test_bundled_dir (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("SADDLE_DATADIR"));
  const char *dir;

  g_setenv ("SADDLE_DATADIR", "/somewhere/else", TRUE);
  g_assert_cmpstr (saddle_dataset_bundled_dir (), ==, "/somewhere/else");

  g_unsetenv ("SADDLE_DATADIR");
  dir = saddle_dataset_bundled_dir ();
  /* Tests run from a source checkout, so the source copy wins. */
  g_assert_cmpstr (dir, ==, SADDLE_SOURCE_DATADIR G_DIR_SEPARATOR_S "fashion-mnist");
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));

  if (saved != NULL)
    g_setenv ("SADDLE_DATADIR", saved, TRUE);
}

static void
test_function_sinc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) small = saddle_dataset_new_function (SADDLE_FUNCTION_SINC, 11, &error);
  g_autoptr(SaddleDataset) big = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (small->kind, ==, SADDLE_DATASET_REGRESSION);
  g_assert_cmpuint (small->n_samples, ==, 11);
  g_assert_cmpuint (small->n_inputs, ==, 1);
  g_assert_cmpuint (small->n_outputs, ==, 1);
  g_assert_null (small->labels);
  g_assert_nonnull (small->targets);
  g_assert_cmpstr (small->name, ==, "sinc on 11 points");

  /* Both ends included, evenly spaced. */
  g_assert_cmpfloat (small->x[0], ==, 0.0);
  g_assert_cmpfloat (small->x[10], ==, 1.0);
  g_assert_cmpfloat_with_epsilon (small->x[3], 0.3, 1e-16);
  /* sinc(0) = 1; 5πx = π/2 at x = 0.1; zeros at multiples of 0.2, exactly. */
  g_assert_cmpfloat (small->targets[0], ==, 1.0);
  g_assert_cmpfloat_with_epsilon (small->targets[1], 2.0 / G_PI, 1e-15);
  g_assert_cmpfloat (small->targets[2], ==, 0.0);
  g_assert_cmpfloat_with_epsilon (small->targets[3], -1.0 / (1.5 * G_PI), 1e-15);
  g_assert_cmpfloat (small->targets[10], ==, 0.0);

  big = saddle_dataset_new_function (SADDLE_FUNCTION_SINC, 1000, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (big->name, ==, "sinc on 1,000 points");
  for (gsize i = 1; i < 1000; i++)
    {
      double x = (double) i / 999.0;
      double t = 5.0 * G_PI * x;

      g_assert_cmpfloat_with_epsilon (big->x[i], x, 1e-16);
      g_assert_cmpfloat_with_epsilon (big->targets[i], sin (t) / t, 1e-14);
    }
}

static void
test_function_sign (void)
{
  const double expected[11] = { 0, 1, 0, -1, 0, 1, 0, -1, 0, 1, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) small = saddle_dataset_new_function (SADDLE_FUNCTION_SIGN, 11, &error);
  g_autoptr(SaddleDataset) big = NULL;
  SaddleFunction function;

  g_assert_no_error (error);
  for (guint i = 0; i < 11; i++)
    g_assert_cmpfloat (small->targets[i], ==, expected[i]);

  big = saddle_dataset_new_function (SADDLE_FUNCTION_SIGN, 1000, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < 1000; i++)
    {
      double s = sin (5.0 * G_PI * big->x[i]);
      double want = s > 1e-12 ? 1.0 : s < -1e-12 ? -1.0 : 0.0;

      g_assert_cmpfloat (big->targets[i], ==, want);
    }
  /* x = 999·k/999 with 5x an integer only at the ends for 1,000 points. */
  g_assert_cmpfloat (big->targets[0], ==, 0.0);
  g_assert_cmpfloat (big->targets[999], ==, 0.0);
  g_assert_cmpstr (big->name, ==, "sign on 1,000 points");

  g_assert_true (saddle_function_from_string ("sign", &function));
  g_assert_cmpint (function, ==, SADDLE_FUNCTION_SIGN);
  g_assert_true (saddle_function_from_string ("SINC", &function));
  g_assert_cmpint (function, ==, SADDLE_FUNCTION_SINC);
  g_assert_false (saddle_function_from_string ("cosine", &function));
  g_assert_false (saddle_function_from_string (NULL, &function));
  g_assert_cmpstr (saddle_function_to_string (SADDLE_FUNCTION_SINC), ==, "sinc");
  g_assert_cmpstr (saddle_function_to_string (SADDLE_FUNCTION_SIGN), ==, "sign");
}

static void
test_function_invalid (void)
{
  const gsize bad_sizes[] = { 0, 1, G_MAXSIZE };

  for (guint i = 0; i < G_N_ELEMENTS (bad_sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SaddleDataset) dataset = saddle_dataset_new_function (SADDLE_FUNCTION_SINC,
                                                                      bad_sizes[i], &error);
      g_assert_null (dataset);
      g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "points"));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SaddleDataset) dataset = saddle_dataset_new_function ((SaddleFunction) 42, 10, &error);
    g_assert_null (dataset);
    g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_INVALID);
  }
}

static SaddleDataset *
load_csv_text (Fixture     *fixture,
               const char  *name,
               const char  *text,
               gsize        max_samples,
               GError     **error)
{
  g_autofree char *path = write_file (fixture->dir, name, text, strlen (text));

  return saddle_dataset_load_csv (path, max_samples, error);
}

static void
test_csv_good (Fixture       *fixture,
               gconstpointer  data)
{
  const char *text = "x,y\r\n"
                     "0,1\r\n"
                     "\r\n"
                     "  0.5 ; -2.5e-1 \r\n"
                     "1\t3\n"
                     "# a comment\n"
                     "2   4\n"
                     "3, 5";
  const double want_x[] = { 0, 0.5, 1, 2, 3 };
  const double want_y[] = { 1, -0.25, 3, 4, 5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = load_csv_text (fixture, "samples.csv", text, 0, &error);
  g_autoptr(SaddleDataset) first = NULL;
  g_autoptr(SaddleDataset) no_header = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (dataset->kind, ==, SADDLE_DATASET_REGRESSION);
  g_assert_cmpuint (dataset->n_samples, ==, 5);
  g_assert_cmpuint (dataset->n_inputs, ==, 1);
  g_assert_cmpuint (dataset->n_outputs, ==, 1);
  g_assert_null (dataset->labels);
  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpfloat (dataset->x[i], ==, want_x[i]);
      g_assert_cmpfloat (dataset->targets[i], ==, want_y[i]);
    }
  g_assert_cmpstr (dataset->name, ==, "samples.csv: 5 points");

  first = load_csv_text (fixture, "first.csv", text, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->n_samples, ==, 2);
  g_assert_cmpfloat (first->targets[1], ==, -0.25);

  no_header = load_csv_text (fixture, "plain.txt", "1e3,2\n", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (no_header->n_samples, ==, 1);
  g_assert_cmpfloat (no_header->x[0], ==, 1000.0);

  /* Lone CRs end lines too (old Mac files), and line numbers count them once. */
  {
    g_autoptr(SaddleDataset) cr = load_csv_text (fixture, "cr.csv", "x,y\r0,1\r0.5,2\r", 0,
                                                 &error);

    g_assert_no_error (error);
    g_assert_cmpuint (cr->n_samples, ==, 2);
    g_assert_cmpfloat (cr->targets[1], ==, 2.0);
    g_assert_null (load_csv_text (fixture, "crlf.csv", "x,y\r\n0,1\r\nbad\r\n", 0, &error));
    g_assert_nonnull (strstr (error->message, "line 3"));
    g_clear_error (&error);
  }
}

static void
assert_csv_fails (Fixture    *fixture,
                  const char *text,
                  const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = load_csv_text (fixture, "bad.csv", text, 0, &error);

  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "bad.csv"));
  g_assert_nonnull (strstr (error->message, fragment));
}

static void
test_csv_bad (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "nothing.csv", NULL);
  g_autoptr(SaddleDataset) dataset = NULL;

  assert_csv_fails (fixture, "x,y\n0,1\n1,2\n2,oops\n", "line 4");
  assert_csv_fails (fixture, "0,1\n1,2\nx,y\n", "line 3");
  assert_csv_fails (fixture, "0,1\n1,2,3\n", "line 2");
  assert_csv_fails (fixture, "0,1\n7\n", "line 2");
  assert_csv_fails (fixture, "x,y\n0,nan\n", "line 2: NaN");
  assert_csv_fails (fixture, "inf,1\n", "line 1: NaN or infinite");
  assert_csv_fails (fixture, "0,1e999\n", "line 1");
  /* Finite, but its square overflows: named as the data's fault, not the initialisation's. */
  assert_csv_fails (fixture, "x,y\n0,1\n0.5,1e308\n", "line 3: a value beyond ±1e100 would overflow");
  assert_csv_fails (fixture, "x,y\n", "no data rows");
  assert_csv_fails (fixture, "", "no data rows");
  assert_csv_fails (fixture, "\n\n  \r\n", "no data rows");

  {
    static const char nul_text[] = "0,1\n1\0002\n";
    g_autofree char *path = write_file (fixture->dir, "bad.csv", nul_text, sizeof nul_text - 1);

    dataset = saddle_dataset_load_csv (path, 0, &error);
    g_assert_null (dataset);
    g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_FORMAT);
    g_assert_nonnull (strstr (error->message, "line 2"));
    g_clear_error (&error);
  }

  dataset = saddle_dataset_load_csv (missing, 0, &error);
  g_assert_null (dataset);
  g_assert_error (error, SADDLE_DATASET_ERROR, SADDLE_DATASET_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nothing.csv"));
}

static void
test_ref (void)
{
  g_autoptr(GError) error = NULL;
  SaddleDataset *dataset = saddle_dataset_new_function (SADDLE_FUNCTION_SINC, 4, &error);

  g_assert_no_error (error);
  g_assert_true (saddle_dataset_ref (dataset) == dataset);
  saddle_dataset_unref (dataset);
  /* Still alive after one of two references is dropped. */
  g_assert_cmpfloat (dataset->targets[0], ==, 1.0);
  saddle_dataset_unref (dataset);
}

static void
test_batch_classification (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *images = write_images (fixture, "images", FALSE);
  g_autofree char *labels = write_labels (fixture, "labels", fixture_labels, N_IMAGES, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = saddle_dataset_load_idx (images, labels, 0, &error);
  const guint32 pick[4] = { 4, 1, 1, 0 };
  const guint32 pick2[2] = { 2, 3 };
  SaddleBatch batch;
  SaddleBatch gathered = { 0 };
  const double *storage;

  g_assert_no_error (error);

  saddle_batch_init_full (&batch, dataset);
  g_assert_cmpuint (batch.n, ==, N_IMAGES);
  g_assert_true (batch.x == dataset->x);
  g_assert_true (batch.labels == dataset->labels);
  g_assert_null (batch.targets);
  g_assert_cmpuint (batch.n_inputs, ==, ROWS * COLS);
  g_assert_cmpuint (batch.n_outputs, ==, 4);
  saddle_batch_clear (&batch);

  saddle_batch_gather (&gathered, dataset, pick, 4);
  g_assert_cmpint (gathered.kind, ==, SADDLE_DATASET_CLASSIFICATION);
  g_assert_cmpuint (gathered.n, ==, 4);
  g_assert_cmpuint (gathered.n_inputs, ==, ROWS * COLS);
  g_assert_null (gathered.targets);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpuint (gathered.labels[i], ==, fixture_labels[pick[i]]);
      for (guint j = 0; j < ROWS * COLS; j++)
        g_assert_cmpfloat (gathered.x[i * ROWS * COLS + j], ==,
                           fixture->pixels[pick[i] * ROWS * COLS + j] / 255.0);
    }
  /* An owned copy, not a view into the dataset. */
  g_assert_true (gathered.x < dataset->x || gathered.x >= dataset->x + N_PIXELS);

  /* A smaller batch reuses the storage: no allocation per minibatch. */
  storage = gathered.x;
  saddle_batch_gather (&gathered, dataset, pick2, 2);
  g_assert_true (gathered.x == storage);
  g_assert_cmpuint (gathered.n, ==, 2);
  g_assert_cmpuint (gathered.labels[1], ==, fixture_labels[3]);
  g_assert_cmpuint (gathered.capacity, >=, 4);

  saddle_batch_clear (&gathered);
  g_assert_null (gathered.x);
  g_assert_cmpuint (gathered.n, ==, 0);
  g_assert_cmpuint (gathered.capacity, ==, 0);
}

static void
test_batch_regression (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleDataset) dataset = saddle_dataset_new_function (SADDLE_FUNCTION_SINC, 21, &error);
  g_autoptr(SaddleDataset) images = NULL;
  g_autofree char *dir = bundled_test_dir ();
  g_autofree guint32 *all = g_new (guint32, 21);
  SaddleBatch batch = { 0 };
  const guint32 pick[3] = { 20, 0, 10 };

  g_assert_no_error (error);
  for (guint i = 0; i < 21; i++)
    all[i] = 20 - i;

  saddle_batch_gather (&batch, dataset, pick, 3);
  g_assert_null (batch.labels);
  g_assert_cmpfloat (batch.x[0], ==, 1.0);
  g_assert_cmpfloat (batch.targets[1], ==, 1.0);
  g_assert_cmpfloat (batch.x[2], ==, 0.5);

  /* Growing past the capacity, reversed order. */
  saddle_batch_gather (&batch, dataset, all, 21);
  g_assert_cmpuint (batch.n, ==, 21);
  g_assert_cmpuint (batch.capacity, >=, 21);
  for (guint i = 0; i < 21; i++)
    {
      g_assert_cmpfloat (batch.x[i], ==, dataset->x[20 - i]);
      g_assert_cmpfloat (batch.targets[i], ==, dataset->targets[20 - i]);
    }

  /* The same batch can then gather from a dataset of another shape. */
  images = saddle_dataset_load_idx_dir (dir, FALSE, 50, &error);
  g_assert_no_error (error);
  saddle_batch_gather (&batch, images, pick, 3);
  g_assert_cmpint (batch.kind, ==, SADDLE_DATASET_CLASSIFICATION);
  g_assert_cmpuint (batch.n_inputs, ==, 784);
  g_assert_cmpuint (batch.n_outputs, ==, 10);
  g_assert_null (batch.targets);
  g_assert_cmpuint (batch.labels[0], ==, images->labels[20]);
  g_assert_cmpmem (batch.x + 784, 784 * sizeof (double), images->x, 784 * sizeof (double));
  g_assert_null (batch.rows);

  /* A selection: the labels copied, the inputs pointed at where the dataset holds them. */
  saddle_batch_select (&batch, images, pick, 3);
  g_assert_null (batch.x);
  g_assert_nonnull (batch.rows);
  g_assert_cmpuint (batch.n, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_true (batch.rows[i] == images->x + pick[i] * 784);
      g_assert_cmpuint (batch.labels[i], ==, images->labels[pick[i]]);
    }
  /* And a gather after it copies again. */
  saddle_batch_gather (&batch, images, pick, 2);
  g_assert_null (batch.rows);
  g_assert_cmpmem (batch.x, 784 * sizeof (double), images->x + 20 * 784, 784 * sizeof (double));

  saddle_batch_clear (&batch);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD_FIXTURE(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD_FIXTURE ("/core/dataset/idx/raw", test_idx_raw);
  ADD_FIXTURE ("/core/dataset/idx/gzip", test_idx_gzip);
  ADD_FIXTURE ("/core/dataset/idx/gzip-members", test_idx_gzip_members);
  ADD_FIXTURE ("/core/dataset/idx/max-samples", test_idx_max_samples);
  ADD_FIXTURE ("/core/dataset/idx/truncated", test_idx_truncated);
  ADD_FIXTURE ("/core/dataset/idx/bad-header", test_idx_bad_header);
  ADD_FIXTURE ("/core/dataset/idx/mismatch", test_idx_mismatch);
  ADD_FIXTURE ("/core/dataset/idx/corrupt-gzip", test_idx_corrupt_gzip);
  ADD_FIXTURE ("/core/dataset/idx/absurd-header", test_idx_absurd_header);
  ADD_FIXTURE ("/core/dataset/idx/gzip-bomb", test_idx_gzip_bomb);
  ADD_FIXTURE ("/core/dataset/idx/trailing", test_idx_trailing);
  ADD_FIXTURE ("/core/dataset/idx/labels-range", test_idx_labels_range);
  ADD_FIXTURE ("/core/dataset/idx/not-found", test_idx_not_found);
  ADD_FIXTURE ("/core/dataset/idx/label-too-large", test_idx_label_too_large);
  ADD_FIXTURE ("/core/dataset/idx/dir", test_idx_dir);
  ADD_FIXTURE ("/core/dataset/load-path", test_load_path);
  g_test_add_func ("/core/dataset/bundled", test_bundled);
  g_test_add_func ("/core/dataset/bundled-dir", test_bundled_dir);
  g_test_add_func ("/core/dataset/function/sinc", test_function_sinc);
  g_test_add_func ("/core/dataset/function/sign", test_function_sign);
  g_test_add_func ("/core/dataset/function/invalid", test_function_invalid);
  ADD_FIXTURE ("/core/dataset/csv/good", test_csv_good);
  ADD_FIXTURE ("/core/dataset/csv/bad", test_csv_bad);
  g_test_add_func ("/core/dataset/ref", test_ref);
  ADD_FIXTURE ("/core/batch/classification", test_batch_classification);
  g_test_add_func ("/core/batch/regression", test_batch_regression);

#undef ADD_FIXTURE

  return g_test_run ();
}
