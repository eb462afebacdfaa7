/* main.c — starts Saddle */
#define G_LOG_DOMAIN "saddle"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "saddle-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SaddleApplication) app = NULL;
  const char *localedir = g_getenv ("SADDLE_LOCALEDIR");

  /* SADDLE_LOCALEDIR points at an uninstalled build's po/ (build-aux/run sets it). */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Saddle"));

  app = saddle_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
