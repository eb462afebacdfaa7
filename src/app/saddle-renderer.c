/* saddle-renderer.c — the Cairo renderer where GL is rasterised in software */
#define G_LOG_DOMAIN "saddle-renderer"

#include "config.h"

#include <string.h>

#include <epoxy/gl.h>

#include "saddle-renderer.h"

/* Mesa's software rasterisers name themselves so in GL_RENDERER. */
static gboolean
is_software (const char *renderer)
{
  static const char *const names[] = { "llvmpipe", "softpipe", "swrast", "Software Rasterizer" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strstr (renderer, names[i]) != NULL)
      return TRUE;
  return FALSE;
}

char *
saddle_renderer_choose (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  const char *chosen = g_getenv ("GSK_RENDERER");
  char *renderer;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return NULL;
  gdk_gl_context_make_current (context);
  renderer = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();

  if (renderer != NULL && is_software (renderer) && (chosen == NULL || *chosen == '\0'))
    {
      g_debug ("GL is %s, a software rasteriser: drawing with Cairo", renderer);
      g_setenv ("GSK_RENDERER", "cairo", TRUE);
    }
  return renderer;
}
