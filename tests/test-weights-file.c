/* test-weights-file.c — weights in every format: round trips, conversions and refusals */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "saddle-weights-file.h"
#include "saddle-weights.h"

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static char *
write_bytes (const char *name,
             const void *data,
             gsize       length)
{
  char *path = tmp_path (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
  return path;
}

/* A safetensors file of @header (padded as the format allows) and @length data bytes. */
static char *
write_safetensors (const char *name,
                   const char *header,
                   const void *data,
                   gsize       length)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint64 n = GUINT64_TO_LE ((guint64) strlen (header));

  g_byte_array_append (bytes, (const guint8 *) &n, 8);
  g_byte_array_append (bytes, (const guint8 *) header, strlen (header));
  g_byte_array_append (bytes, data, length);
  return write_bytes (name, bytes->data, bytes->len);
}

/* Reading @path fails with @code and a message holding each of the NULL-terminated strings. */
static void
assert_refused (const char *path,
                gint        code,
                ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleWeightsFile) file = saddle_weights_file_read (path, &error);
  const char *part;
  va_list args;

  g_assert_null (file);
  g_assert_error (error, SADDLE_WEIGHTS_FILE_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, path));
  va_start (args, code);
  while ((part = va_arg (args, const char *)) != NULL)
    if (strstr (error->message, part) == NULL)
      g_error ("“%s” is not in “%s”", part, error->message);
  va_end (args);
}

/* A 2-3-1 net: 2·3 + 3 + 3 + 1 = 13 parameters. */
static const guint widths[] = { 2, 3, 1 };

static void
fill_theta (double *theta,
            gsize   n)
{
  for (gsize i = 0; i < n; i++)
    theta[i] = (i % 2 == 0 ? 1.0 : -1.0) * (0.1 + i) / 7.0;
}

static void
test_round_trip (void)
{
  static const char *const names[] = { "w.txt", "w.safetensors", "w.npz", "w.npy", "W.NPZ" };
  static const SaddleWeightsFormat formats[] = {
    SADDLE_WEIGHTS_FORMAT_TEXT, SADDLE_WEIGHTS_FORMAT_SAFETENSORS, SADDLE_WEIGHTS_FORMAT_NPZ,
    SADDLE_WEIGHTS_FORMAT_NPY, SADDLE_WEIGHTS_FORMAT_NPZ,
  };
  double theta[13];

  fill_theta (theta, 13);
  for (guint f = 0; f < G_N_ELEMENTS (names); f++)
    {
      g_autofree char *path = tmp_path (names[f]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SaddleWeightsFile) file = NULL;
      gboolean has_shape = formats[f] != SADDLE_WEIGHTS_FORMAT_NPY;

      g_assert_cmpint (saddle_weights_format_for_name (path), ==, formats[f]);
      g_assert_true (saddle_weights_file_write (path, theta, 13, widths, 3,
                                                SADDLE_ACTIVATION_TANH, "--task function",
                                                "a header", &error));
      g_assert_no_error (error);
      file = saddle_weights_file_read (path, &error);
      g_assert_no_error (error);
      /* Chosen by content: the same bytes under another name read the same. */
      g_assert_cmpint (file->format, ==, formats[f]);
      g_assert_cmpuint (file->n_params, ==, 13);
      for (guint i = 0; i < 13; i++)
        g_assert_cmpfloat (file->theta[i], ==, theta[i]);
      g_assert_cmpuint (file->n_widths, ==, has_shape ? 3 : 0);
      if (has_shape)
        {
          for (guint i = 0; i < 3; i++)
            g_assert_cmpuint (file->widths[i], ==, widths[i]);
          g_assert_true (file->has_activation);
          g_assert_cmpint (file->activation, ==, SADDLE_ACTIVATION_TANH);
          g_assert_cmpstr (file->options, ==, "--task function");
        }
      else
        g_assert_false (file->has_activation);
    }
}

/* Content, not the name, picks the reader; the same file twice gives the same bytes. */
static void
test_by_content (void)
{
  g_autofree char *a = tmp_path ("a.safetensors");
  g_autofree char *b = tmp_path ("b.npz");
  g_autofree char *c = tmp_path ("c.npz");
  g_autofree char *renamed = tmp_path ("weights.txt");
  g_autofree char *bytes_b = NULL;
  g_autofree char *bytes_c = NULL;
  gsize length_b, length_c;
  g_autoptr(SaddleWeightsFile) file = NULL;
  double theta[13];

  fill_theta (theta, 13);
  g_assert_true (saddle_weights_file_write (a, theta, 13, widths, 3, SADDLE_ACTIVATION_RELU,
                                            NULL, NULL, NULL));
  g_assert_cmpint (g_rename (a, renamed), ==, 0);
  file = saddle_weights_file_read (renamed, NULL);
  g_assert_nonnull (file);
  g_assert_cmpint (file->format, ==, SADDLE_WEIGHTS_FORMAT_SAFETENSORS);
  g_assert_null (file->options);

  g_assert_true (saddle_weights_file_write (b, theta, 13, widths, 3, SADDLE_ACTIVATION_RELU,
                                            NULL, NULL, NULL));
  g_usleep (1100 * 1000);   /* a zip's dates have 2-second steps: cross at least one second */
  g_assert_true (saddle_weights_file_write (c, theta, 13, widths, 3, SADDLE_ACTIVATION_RELU,
                                            NULL, NULL, NULL));
  g_assert_true (g_file_get_contents (b, &bytes_b, &length_b, NULL));
  g_assert_true (g_file_get_contents (c, &bytes_c, &length_c, NULL));
  g_assert_cmpmem (bytes_b, length_b, bytes_c, length_c);
}

/* A plain list of numbers tells nothing of the model; an old header's options line names
 * the activation. */
static void
test_text_headers (void)
{
  g_autofree char *plain = NULL;
  g_autofree char *old = NULL;
  g_autoptr(SaddleWeightsFile) a = NULL;
  g_autoptr(SaddleWeightsFile) b = NULL;
  const char *old_text = "# saddle-cli critical, run 1\n# options: --task function --hidden '6' "
                         "--activation sigmoid --samples 40\n0.5\n-1\n";

  plain = write_bytes ("plain.txt", "1\n2\n3\n", 6);
  a = saddle_weights_file_read (plain, NULL);
  g_assert_nonnull (a);
  g_assert_cmpuint (a->n_params, ==, 3);
  g_assert_cmpuint (a->n_widths, ==, 0);
  g_assert_false (a->has_activation);
  g_assert_null (a->options);

  old = write_bytes ("old.txt", old_text, strlen (old_text));
  b = saddle_weights_file_read (old, NULL);
  g_assert_nonnull (b);
  g_assert_cmpuint (b->n_params, ==, 2);
  g_assert_true (b->has_activation);
  g_assert_cmpint (b->activation, ==, SADDLE_ACTIVATION_SIGMOID);
  g_assert_cmpstr (b->options, ==, "--task function --hidden '6' --activation sigmoid "
                                   "--samples 40");
}

/* Layers ordered by the numbers in their names (2 before 10), whatever the header's order;
 * F32, F16 and BF16 converted exactly. */
static void
test_safetensors_layers (void)
{
  const char *header =
    "{\"fc10.bias\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]},"
    "\"fc10.weight\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[2,6]},"
    "\"fc2.weight\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[8,16]},"
    "\"fc2.bias\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[16,32]},"
    "\"__metadata__\":{\"activation\":\"Tanh\"}}";
  guint8 data[32] = { 0 };
  guint16 bf16 = GUINT16_TO_LE (0x3FC0);            /* 1.5 */
  guint16 f16[2] = { GUINT16_TO_LE (0xC100), GUINT16_TO_LE (0x0001) };  /* −2.5, 2⁻²⁴ */
  float f32[2] = { 0.1f, -3.0f };
  double f64[2] = { 0.25, -0.75 };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaddleWeightsFile) file = NULL;
  const double want[] = { 0.1f, -3.0, 0.25, -0.75, -2.5, ldexp (1, -24), 1.5 };

  memcpy (data, &bf16, 2);
  memcpy (data + 2, f16, 4);
  memcpy (data + 8, f32, 8);
  memcpy (data + 16, f64, 16);
  path = write_safetensors ("named.safetensors", header, data, sizeof data);
  file = saddle_weights_file_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file->n_widths, ==, 3);
  g_assert_cmpuint (file->widths[0], ==, 1);
  g_assert_cmpuint (file->widths[1], ==, 2);
  g_assert_cmpuint (file->widths[2], ==, 1);
  g_assert_true (file->has_activation);
  g_assert_cmpint (file->activation, ==, SADDLE_ACTIVATION_TANH);
  g_assert_cmpuint (file->n_params, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_cmpfloat (file->theta[i], ==, want[i]);
}

#define W(key, shape, begin, end) \
  "\"" key "\":{\"dtype\":\"F64\",\"shape\":" shape ",\"data_offsets\":[" #begin "," #end "]}"

static void
test_safetensors_refused (void)
{
  double data[64] = { 0 };
  guint64 huge = GUINT64_TO_LE (1000);
  g_autofree char *p = NULL;

  {
    g_autoptr(GByteArray) bytes = g_byte_array_new ();

    g_byte_array_append (bytes, (const guint8 *) &huge, 8);
    g_byte_array_append (bytes, (const guint8 *) "{\"a\":1}", 7);
    p = write_bytes ("long-header.safetensors", bytes->data, bytes->len);
    assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "byte 0:",
                    "header length says 1000 bytes, longer than the 7 bytes after it", NULL);
    g_clear_pointer (&p, g_free);
  }

  p = write_safetensors ("not-json.safetensors", "{\"a\": [1, }", data, 8);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "byte 8:", "not JSON", NULL);
  g_clear_pointer (&p, g_free);

  p = write_safetensors ("outside.safetensors",
                         "{" W ("0.weight", "[1,1]", 0, 8) "," W ("0.bias", "[1]", 8, 24) "}",
                         data, 16);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "“0.bias”", "outside the 16 bytes",
                  NULL);
  g_clear_pointer (&p, g_free);

  p = write_safetensors ("overlap.safetensors",
                         "{" W ("0.weight", "[2,1]", 0, 16) "," W ("0.bias", "[2]", 8, 24) "}",
                         data, 24);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "overlaps tensor “0.weight” [0, 16]",
                  NULL);
  g_clear_pointer (&p, g_free);

  p = write_safetensors ("size.safetensors",
                         "{" W ("0.weight", "[2,1]", 0, 8) "," W ("0.bias", "[2]", 8, 24) "}",
                         data, 24);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "8 bytes, but 2 values of F64 take 16",
                  NULL);
  g_clear_pointer (&p, g_free);

  p = write_safetensors ("dtype.safetensors",
                         "{\"0.weight\":{\"dtype\":\"I64\",\"shape\":[1,1],"
                         "\"data_offsets\":[0,8]}}", data, 8);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, "dtype I64", "F64, F32, F16 and "
                  "BF16", NULL);
  g_clear_pointer (&p, g_free);

  /* 3×2 then 3×4: the second layer takes 4 inputs where the first gives 3. */
  {
    const char *header = "{" W ("0.weight", "[3,2]", 0, 48) "," W ("0.bias", "[3]", 48, 72) ","
                         W ("2.weight", "[3,4]", 72, 168) "," W ("2.bias", "[3]", 168, 192) "}";
    g_autofree char *where = g_strdup_printf ("byte %zu:", 8 + strlen (header) + 72);

    p = write_safetensors ("chain.safetensors", header, data, 192);
    assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, where, "“2.weight” is (3, 4)",
                    "(“0.weight”, 3 × 2) gives 3 outputs: the shapes do not chain", NULL);
    g_clear_pointer (&p, g_free);
  }

  p = write_safetensors ("no-bias.safetensors", "{" W ("0.weight", "[1,1]", 0, 8) "}", data, 8);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, "has no bias (no “0.bias”)", NULL);
  g_clear_pointer (&p, g_free);

  p = write_safetensors ("key.safetensors", "{" W ("0.running_mean", "[1]", 0, 8) "}", data, 8);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, "neither a layer's weight nor its "
                  "bias", NULL);
  g_clear_pointer (&p, g_free);

  p = write_safetensors ("meta.safetensors",
                         "{\"__metadata__\":{\"widths\":\"1,2\"}," W ("0.weight", "[1,1]", 0, 8)
                         "," W ("0.bias", "[1]", 8, 16) "}", data, 16);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "the metadata says the widths are "
                  "“1,2”, but the tensors' shapes give 1,1", NULL);
  g_clear_pointer (&p, g_free);

  p = write_safetensors ("gelu.safetensors",
                         "{\"__metadata__\":{\"activation\":\"gelu\"}," W ("0.weight", "[1,1]",
                         0, 8) "," W ("0.bias", "[1]", 8, 16) "}", data, 16);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, "activation “gelu”", NULL);
  g_clear_pointer (&p, g_free);

  /* NaN: the byte offset of the value itself (header 8 + 63 (the JSON) + 8·3). */
  {
    const char *header = "{" W ("0.weight", "[2,1]", 0, 16) "," W ("0.bias", "[2]", 16, 32) "}";
    g_autofree char *where = NULL;

    data[3] = NAN;
    p = write_safetensors ("nan.safetensors", header, data, 32);
    where = g_strdup_printf ("byte %zu:", 8 + strlen (header) + 3 * 8);
    assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_NOT_FINITE, where, "element 1 of tensor "
                    "“0.bias” is not a finite number", NULL);
    data[3] = 0;
  }
}

/* A .npy header (version 1.0) and its data. */
static char *
write_npy (const char *name,
           const char *dict,
           const void *data,
           gsize       length)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  guint16 n = GUINT16_TO_LE ((guint16) strlen (dict));

  g_byte_array_append (bytes, (const guint8 *) "\x93NUMPY\x01\x00", 8);
  g_byte_array_append (bytes, (const guint8 *) &n, 2);
  g_byte_array_append (bytes, (const guint8 *) dict, strlen (dict));
  g_byte_array_append (bytes, data, length);
  return write_bytes (name, bytes->data, bytes->len);
}

static void
test_npy (void)
{
  float values[3] = { 1.5f, -2.0f, 0.25f };
  double nan_values[2] = { 1.0, NAN };
  g_autofree char *p = NULL;
  g_autoptr(SaddleWeightsFile) file = NULL;

  p = write_npy ("f4.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n",
                 values, sizeof values);
  file = saddle_weights_file_read (p, NULL);
  g_assert_nonnull (file);
  g_assert_cmpint (file->format, ==, SADDLE_WEIGHTS_FORMAT_NPY);
  g_assert_cmpuint (file->n_params, ==, 3);
  g_assert_cmpfloat (file->theta[1], ==, -2.0);
  g_clear_pointer (&p, g_free);

  p = write_npy ("be.npy", "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }\n",
                 values, 8);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, "byte 20:", "dtype '>f8'", NULL);
  g_clear_pointer (&p, g_free);

  p = write_npy ("int.npy", "{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }\n",
                 values, 8);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, "dtype '<i8'", NULL);
  g_clear_pointer (&p, g_free);

  p = write_npy ("short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n",
                 values, sizeof values);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "12 bytes of data: fewer than the shape needs", NULL);
  g_clear_pointer (&p, g_free);

  p = write_npy ("matrix.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1), }\n",
                 values, sizeof values);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_UNSUPPORTED, "one flat vector", ".npz", NULL);
  g_clear_pointer (&p, g_free);

  p = write_npy ("key.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': 1}\n",
                 values, sizeof values);
  assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "an unknown or repeated key", NULL);
  g_clear_pointer (&p, g_free);

  {
    const char *dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n";
    g_autofree char *where = g_strdup_printf ("byte %zu:", 10 + strlen (dict) + 8);

    p = write_npy ("nan.npy", dict, nan_values, sizeof nan_values);
    assert_refused (p, SADDLE_WEIGHTS_FILE_ERROR_NOT_FINITE, where, "parameter 2", NULL);
  }
}

static void
test_npz_refused (void)
{
  double theta[13];
  g_autofree char *p = tmp_path ("cut.npz");
  g_autofree char *bytes = NULL;
  g_autofree char *cut = NULL;
  gsize length;

  fill_theta (theta, 13);
  g_assert_true (saddle_weights_file_write (p, theta, 13, widths, 3, SADDLE_ACTIVATION_RELU,
                                            NULL, NULL, NULL));
  g_assert_true (g_file_get_contents (p, &bytes, &length, NULL));
  /* The central directory gone: not a zip archive any more. */
  cut = write_bytes ("cut2.npz", bytes, length / 2);
  assert_refused (cut, SADDLE_WEIGHTS_FILE_ERROR_INVALID, "not a readable zip archive", NULL);
}

static void
test_write_refuses_nan (void)
{
  g_autofree char *p = tmp_path ("nan-out.safetensors");
  g_autoptr(GError) error = NULL;
  double theta[13];

  fill_theta (theta, 13);
  theta[4] = INFINITY;
  g_assert_false (saddle_weights_file_write (p, theta, 13, widths, 3, SADDLE_ACTIVATION_RELU,
                                             NULL, NULL, &error));
  g_assert_error (error, SADDLE_WEIGHTS_FILE_ERROR, SADDLE_WEIGHTS_FILE_ERROR_NOT_FINITE);
  g_assert_nonnull (strstr (error->message, "parameter 5 of 13 is infinite"));
  g_assert_false (g_file_test (p, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("saddle-weights-file-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/core/weights-file/round-trip", test_round_trip);
  g_test_add_func ("/core/weights-file/by-content", test_by_content);
  g_test_add_func ("/core/weights-file/text-headers", test_text_headers);
  g_test_add_func ("/core/weights-file/safetensors-layers", test_safetensors_layers);
  g_test_add_func ("/core/weights-file/safetensors-refused", test_safetensors_refused);
  g_test_add_func ("/core/weights-file/npy", test_npy);
  g_test_add_func ("/core/weights-file/npz-refused", test_npz_refused);
  g_test_add_func ("/core/weights-file/write-refuses-nan", test_write_refuses_nan);
  status = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (tmp_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *path = g_build_filename (tmp_dir, name, NULL);

        g_unlink (path);
      }
    g_rmdir (tmp_dir);
  }
  return status;
}
