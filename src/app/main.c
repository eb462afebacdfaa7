/* main.c — starts Saddle */
#define G_LOG_DOMAIN "saddle"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "saddle-application.h"
#include "saddle-huge-pages.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SaddleApplication) app = NULL;
  const char *localedir = g_getenv ("SADDLE_LOCALEDIR");

  saddle_huge_pages_reexec (argv);
#ifdef __GLIBC__
  /* Keep freed memory for reuse instead of handing it back to the kernel: every frame of a
   * live chart allocates and frees Cairo surfaces of about a megabyte, and the trajectories
   * study copies snapshots of 130 KB; fresh pages cost a fault each. Measured with perf over
   * the runs of the default gradnorm study (one profile each): the window's thread went from
   * 327 to 275 samples, its kernel share from 67 to 43. saddle-cli showed no change with the
   * same settings (GLIBC_TUNABLES, n = 4), so it keeps glibc's defaults. */
  mallopt (M_MMAP_THRESHOLD, 64 << 20);
  mallopt (M_TRIM_THRESHOLD, 256 << 20);
#endif

  /* SADDLE_LOCALEDIR points at an uninstalled build's po/ (build-aux/run sets it). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Saddle"));

  app = saddle_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
