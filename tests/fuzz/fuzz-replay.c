/* fuzz-replay.c — runs a libFuzzer target over saved inputs, without libFuzzer
 *
 * Every file in the folders given on the command line is passed once to
 * LLVMFuzzerTestOneInput(), in name order. This is how the seed corpus (and
 * any finding saved beside it) becomes a regression test that runs in every
 * build, and under the sanitizers in the sanitizer build: a crash, an
 * assertion or a sanitizer report fails it.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

int
main (int   argc,
      char *argv[])
{
  guint inputs = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, &error);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        {
          fprintf (stderr, "fuzz-replay: %s\n", error->message);
          return 1;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);

      for (guint k = 0; k < names->len; k++)
        {
          g_autofree char *path = g_build_filename (argv[i], names->pdata[k], NULL);
          g_autofree char *contents = NULL;
          gsize length;

          if (!g_file_get_contents (path, &contents, &length, &error))
            {
              fprintf (stderr, "fuzz-replay: %s\n", error->message);
              return 1;
            }
          printf ("%s (%" G_GSIZE_FORMAT " bytes)\n", path, length);
          fflush (stdout);
          LLVMFuzzerTestOneInput ((const uint8_t *) contents, length);
          inputs++;
        }
    }

  printf ("%u inputs, no finding\n", inputs);
  return inputs > 0 ? 0 : 1;
}
