/* saddle-npz.c — .npz archives read and written (see the header) */
#define G_LOG_DOMAIN "saddle-npz"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <zip.h>

#include "saddle-npy.h"
#include "saddle-npz.h"
#include "saddle-state-dict.h"
#include "saddle-weights.h"

/* Deflate gives at most about 1032 bytes for 1 compressed byte. */
#define DEFLATE_MAX_RATIO 1100
/* 1980-01-01, the earliest date a zip entry holds: written archives do not depend on the clock. */
#define FIXED_MTIME 315532800

G_DEFINE_AUTOPTR_CLEANUP_FUNC (zip_t, zip_discard)

static gboolean
zip_failed (GError      **error,
            const char   *path,
            const char   *what,
            zip_error_t  *zip_error)
{
  g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
               "%s: %s: %s", path, what, zip_error_strerror (zip_error));
  return FALSE;
}

static gboolean
member_error (GError    **error,
              const char *path,
              const char *name,
              const char *reason)
{
  g_autofree char *shown = g_utf8_make_valid (name, MIN (strlen (name), 80));

  g_set_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_INVALID,
               "%s: member “%s”: %s", path, shown, reason);
  return FALSE;
}

/* The whole of member @index, its size checked against what its compression allows. */
static guint8 *
read_member (zip_t      *archive,
             const char *path,
             zip_uint64_t index,
             const zip_stat_t *stat,
             gsize      *length,
             GError    **error)
{
  g_autofree guint8 *bytes = NULL;
  zip_file_t *member;
  zip_int64_t got;
  guint8 extra;

  if ((stat->valid & (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD))
      != (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD))
    {
      member_error (error, path, stat->name, "its sizes are not recorded");
      return NULL;
    }
  if (stat->comp_method != ZIP_CM_STORE && stat->comp_method != ZIP_CM_DEFLATE)
    {
      member_error (error, path, stat->name, "compressed with a method other than stored or "
                    "deflated");
      return NULL;
    }
  if ((stat->comp_method == ZIP_CM_STORE && stat->size != stat->comp_size)
      || stat->size > (guint64) stat->comp_size * DEFLATE_MAX_RATIO + 1024
      || stat->size > SADDLE_WEIGHTS_MAX_BYTES)
    {
      member_error (error, path, stat->name, "its size does not match its compressed size");
      return NULL;
    }
  member = zip_fopen_index (archive, index, 0);
  if (member == NULL)
    {
      zip_failed (error, path, stat->name, zip_get_error (archive));
      return NULL;
    }
  bytes = g_malloc (MAX (stat->size, 1));
  got = stat->size > 0 ? zip_fread (member, bytes, stat->size) : 0;
  /* One more byte must not come: the member is exactly its recorded size (this read also
   * makes libzip check the CRC at the end). */
  if (got == (zip_int64_t) stat->size && zip_fread (member, &extra, 1) != 0)
    got = -2;
  if (got != (zip_int64_t) stat->size)
    {
      g_autofree char *reason = NULL;

      reason = got == -1 ? g_strdup (zip_error_strerror (zip_file_get_error (member)))
                         : g_strdup_printf ("it holds %s bytes than its recorded size %"
                                            G_GUINT64_FORMAT, got == -2 ? "more" : "fewer",
                                            (guint64) stat->size);
      zip_fclose (member);
      member_error (error, path, stat->name, reason);
      return NULL;
    }
  zip_fclose (member);
  *length = stat->size;
  return g_steal_pointer (&bytes);
}

/* The archive comment as metadata, if it is a JSON object (any other comment is not ours). */
static gboolean
apply_comment (zip_t             *archive,
               const char        *path,
               SaddleWeightsFile *file,
               GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  zip_int32_t length = 0;
  const char *comment = zip_get_archive_comment (archive, &length, ZIP_FL_ENC_RAW);

  if (comment == NULL || length <= 0 || memchr (comment, '\0', length) != NULL
      || !g_utf8_validate (comment, length, NULL)
      || !json_parser_load_from_data (parser, comment, length, NULL)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return TRUE;
  return saddle_state_dict_apply_metadata (path,
                                           json_node_get_object (json_parser_get_root (parser)),
                                           file, error);
}

SaddleWeightsFile *
saddle_npz_read (const char   *path,
                 const guint8 *data,
                 gsize         length,
                 GError      **error)
{
  g_autoptr(SaddleWeightsFile) file = g_new0 (SaddleWeightsFile, 1);
  g_autoptr(SaddleStateDict) dict = saddle_state_dict_new (path);
  g_autoptr(zip_t) archive = NULL;
  g_autoptr(GPtrArray) members = g_ptr_array_new_with_free_func (g_free);
  zip_error_t zip_error;
  zip_source_t *source;
  zip_int64_t n_entries;
  SaddleNpyArray flat = { 0 };
  gsize flat_length = 0;

  file->format = SADDLE_WEIGHTS_FORMAT_NPZ;
  zip_error_init (&zip_error);
  source = zip_source_buffer_create (data, length, 0, &zip_error);
  if (source == NULL)
    {
      zip_failed (error, path, "cannot read the archive", &zip_error);
      zip_error_fini (&zip_error);
      return NULL;
    }
  archive = zip_open_from_source (source, ZIP_RDONLY | ZIP_CHECKCONS, &zip_error);
  if (archive == NULL)
    {
      zip_source_free (source);
      zip_failed (error, path, "not a readable zip archive", &zip_error);
      zip_error_fini (&zip_error);
      return NULL;
    }
  zip_error_fini (&zip_error);

  n_entries = zip_get_num_entries (archive, 0);
  for (zip_int64_t i = 0; i < n_entries; i++)
    {
      zip_stat_t stat;
      g_autofree char *key = NULL;
      g_autofree char *where = NULL;
      guint8 *bytes;
      gsize member_length = 0;
      SaddleNpyArray array;

      zip_stat_init (&stat);
      if (zip_stat_index (archive, i, 0, &stat) != 0 || !(stat.valid & ZIP_STAT_NAME))
        {
          zip_failed (error, path, "a member cannot be listed", zip_get_error (archive));
          return NULL;
        }
      if (g_str_has_suffix (stat.name, "/"))
        continue;
      if (!g_str_has_suffix (stat.name, ".npy"))
        {
          member_error (error, path, stat.name, "not a .npy array; an .npz holds only those");
          return NULL;
        }
      if ((bytes = read_member (archive, path, i, &stat, &member_length, error)) == NULL)
        return NULL;
      g_ptr_array_add (members, bytes);
      key = g_utf8_make_valid (stat.name, strlen (stat.name) - 4);
      where = g_strdup_printf (" of member “%s”", stat.name);
      if (!saddle_npy_parse (path, where, bytes, member_length, &array, error))
        return NULL;
      if (n_entries == 1 && array.ndim == 1)
        {
          flat = array;
          flat_length = member_length;
          break;
        }
      if (!saddle_state_dict_add (dict, key, array.ndim, array.shape, array.dtype, array.data,
                                  array.data_offset, where, error))
        return NULL;
    }

  if (flat.data != NULL)
    {
      /* numpy.savez (f, theta): the flat vector, read as a .npy of its own. */
      g_autoptr(SaddleWeightsFile) vector = saddle_npy_read (path, flat.data - flat.data_offset,
                                                             flat_length, error);
      if (vector == NULL)
        return NULL;
      file->theta = g_steal_pointer (&vector->theta);
      file->n_params = vector->n_params;
    }
  else if (!saddle_state_dict_finish (dict, file, error)
           || !apply_comment (archive, path, file, error))
    return NULL;
  return g_steal_pointer (&file);
}

GBytes *
saddle_npz_encode (const char       *path,
                   const double     *theta,
                   const guint      *widths,
                   guint             n_widths,
                   SaddleActivation  activation,
                   const char       *options,
                   GError          **error)
{
  g_autoptr(GArray) tensors = saddle_state_dict_tensors (theta, widths, n_widths);
  g_autoptr(GPtrArray) arrays = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *comment = NULL;
  g_autofree guint8 *out = NULL;
  zip_error_t zip_error;
  zip_source_t *target;
  zip_t *archive;
  zip_int64_t size;
  gsize comment_length;

  json_builder_begin_object (builder);
  saddle_state_dict_add_metadata (builder, widths, n_widths, activation, options);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  comment = json_generator_to_data (generator, &comment_length);

  zip_error_init (&zip_error);
  target = zip_source_buffer_create (NULL, 0, 0, &zip_error);
  archive = target != NULL ? zip_open_from_source (target, ZIP_TRUNCATE, &zip_error) : NULL;
  if (archive == NULL)
    {
      if (target != NULL)
        zip_source_free (target);
      zip_failed (error, path, "cannot make the archive", &zip_error);
      zip_error_fini (&zip_error);
      return NULL;
    }
  zip_error_fini (&zip_error);
  /* Kept past zip_close(), which writes the archive into it. */
  zip_source_keep (target);

  for (guint i = 0; i < tensors->len; i++)
    {
      const SaddleStateDictTensor *tensor = &g_array_index (tensors, SaddleStateDictTensor, i);
      g_autofree char *name = g_strdup_printf ("%s.npy", tensor->key);
      GBytes *array = saddle_npy_encode (tensor->data, tensor->ndim, tensor->shape);
      gsize array_length;
      const void *array_data = g_bytes_get_data (array, &array_length);
      zip_source_t *member;
      zip_int64_t index;

      g_ptr_array_add (arrays, array);
      member = zip_source_buffer (archive, array_data, array_length, 0);
      if (member == NULL
          || (index = zip_file_add (archive, name, member, ZIP_FL_ENC_UTF_8)) < 0)
        {
          if (member != NULL)
            zip_source_free (member);
          zip_failed (error, path, "cannot add a member", zip_get_error (archive));
          zip_discard (archive);
          zip_source_free (target);
          return NULL;
        }
      zip_set_file_compression (archive, index, ZIP_CM_STORE, 0);
      zip_file_set_mtime (archive, index, FIXED_MTIME, 0);
    }
  if (zip_set_archive_comment (archive, comment, (zip_uint16_t) comment_length) != 0
      || zip_close (archive) != 0)
    {
      zip_failed (error, path, "cannot write the archive", zip_get_error (archive));
      zip_discard (archive);
      zip_source_free (target);
      return NULL;
    }

  if (zip_source_open (target) != 0 || zip_source_seek (target, 0, SEEK_END) != 0
      || (size = zip_source_tell (target)) < 0 || zip_source_seek (target, 0, SEEK_SET) != 0)
    {
      zip_failed (error, path, "cannot read the archive back", zip_source_error (target));
      zip_source_free (target);
      return NULL;
    }
  out = g_malloc (MAX (size, 1));
  if (zip_source_read (target, out, size) != size)
    {
      zip_failed (error, path, "cannot read the archive back", zip_source_error (target));
      zip_source_close (target);
      zip_source_free (target);
      return NULL;
    }
  zip_source_close (target);
  zip_source_free (target);
  return g_bytes_new_take (g_steal_pointer (&out), size);
}
