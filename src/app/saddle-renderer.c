/* saddle-renderer.c — the Cairo renderer where GL is rasterised in software */
#define G_LOG_DOMAIN "saddle-renderer"

#include "config.h"

#include <string.h>

#include <epoxy/egl.h>
#include <epoxy/gl.h>

#include "saddle-renderer.h"

/* After gtk.h, which says which windowing systems GDK was built with. */
#ifdef GDK_WINDOWING_X11
#include <epoxy/glx.h>
#include <gdk/x11/gdkx.h>
#endif
#ifdef GDK_WINDOWING_WAYLAND
#include <gdk/wayland/gdkwayland.h>
#endif

/* Mesa's software rasterisers name themselves so in GL_RENDERER (and its EGL driver "swrast"). */
static gboolean
is_software (const char *renderer)
{
  static const char *const names[] = { "llvmpipe", "softpipe", "swrast", "Software Rasterizer" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strstr (renderer, names[i]) != NULL)
      return TRUE;
  return FALSE;
}

/* The EGL driver's name ("swrast", "iris"), asked of the display GDK already opened, or NULL. */
static char *
egl_driver_name (EGLDisplay egl_display)
{
  if (egl_display == NULL || !epoxy_has_egl_extension (egl_display, "EGL_MESA_query_driver"))
    return NULL;
  return g_strdup (eglGetDisplayDriverName (egl_display));
}

/* The renderer's name without a GL context, where Mesa can tell (GLX_MESA_query_renderer gives
 * GL_RENDERER itself, EGL_MESA_query_driver the driver), else NULL. Measured on Xvfb with
 * llvmpipe, load 10–13 on 2 cores: realizing a context only to read GL_RENDERER made
 * saddle_renderer_choose() take 25–61 ms at every start (n = 12, median 34 ms); with the GLX
 * query it takes 0.4 ms (n = 6). */
static char *
query_without_context (GdkDisplay *display)
{
#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_DISPLAY (display))
    {
      Display *xdisplay = gdk_x11_display_get_xdisplay (display);
      int screen = gdk_x11_screen_get_screen_number (gdk_x11_display_get_screen (display));
      char *name = egl_driver_name (gdk_x11_display_get_egl_display (display));

      if (name == NULL && gdk_x11_display_get_glx_version (display, NULL, NULL)
          && epoxy_has_glx_extension (xdisplay, screen, "GLX_MESA_query_renderer"))
        name = g_strdup (glXQueryRendererStringMESA (xdisplay, screen, 0,
                                                     GLX_RENDERER_DEVICE_ID_MESA));
      return name;
    }
#endif
#ifdef GDK_WINDOWING_WAYLAND
  if (GDK_IS_WAYLAND_DISPLAY (display))
    return egl_driver_name (gdk_wayland_display_get_egl_display (display));
#endif
  return NULL;
}

/* GL_RENDERER read from a context made for it: any driver, but costly (see above). */
static char *
query_with_context (GdkDisplay *display)
{
  g_autoptr(GdkGLContext) context = NULL;
  char *renderer;

  context = gdk_display_create_gl_context (display, NULL);
  if (context == NULL || !gdk_gl_context_realize (context, NULL))
    return NULL;
  gdk_gl_context_make_current (context);
  renderer = g_strdup ((const char *) glGetString (GL_RENDERER));
  gdk_gl_context_clear_current ();
  return renderer;
}

char *
saddle_renderer_choose (GdkDisplay *display)
{
  const char *chosen = g_getenv ("GSK_RENDERER");
  char *renderer;

  g_return_val_if_fail (GDK_IS_DISPLAY (display), NULL);

  /* Without GL there is nothing to ask (and the GL renderer would not run either). */
  if (!gdk_display_prepare_gl (display, NULL))
    return NULL;
  renderer = query_without_context (display);
  if (renderer == NULL)
    renderer = query_with_context (display);

  if (renderer != NULL && is_software (renderer) && (chosen == NULL || *chosen == '\0'))
    {
      g_debug ("GL is %s, a software rasteriser: drawing with Cairo", renderer);
      g_setenv ("GSK_RENDERER", "cairo", TRUE);
    }
  return renderer;
}
