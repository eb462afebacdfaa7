/* saddle-renderer.h — which GSK renderer draws the window
 *
 * Every chart is drawn by Cairo on the CPU; a GL renderer only uploads those surfaces as
 * textures and composites them. On a GPU that is cheap. On a software rasteriser (Mesa's
 * llvmpipe or softpipe: virtual machines, remote X, Xvfb) compositing through GL costs the
 * CPU far more than Cairo's own, on the very cores the training runs on; there the Cairo
 * renderer draws the same pixels for less (measured: README, Benchmarks).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Before the first window: chooses the Cairo renderer when GL on @display is a software
 * rasteriser and GSK_RENDERER does not name one already. Returns the GL renderer's name
 * ("llvmpipe (LLVM 15.0.6, 256 bits)"), or Mesa's EGL driver's ("swrast") where EGL can tell
 * only that without a context, or NULL without GL (g_free). */
char *saddle_renderer_choose (GdkDisplay *display);

G_END_DECLS
