/* saddle-test-app.h — helpers the GUI tests share: display check, waiting, offscreen rendering, pixels */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Exits 77 (after a TAP "skip all" line) when no display can be had: the only reason to skip. */
static inline void
saddle_test_require_display (void)
{
  const char *x11 = g_getenv ("DISPLAY");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");

  if ((x11 == NULL || *x11 == '\0') && (wayland == NULL || *wayland == '\0'))
    {
      g_print ("1..0 # SKIP no display (run under xvfb-run -a)\n");
      exit (77);
    }
}

/* The application's style sheet (chart backgrounds, spacing), as SaddleApplication loads it. */
static inline void
saddle_test_load_style (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/io/github/saddlelab/Saddle/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
saddle_test_timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop until @done (*done becomes TRUE through callbacks) or @seconds pass. */
static inline gboolean
saddle_test_wait_flag (const gboolean *done,
                       double          seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add ((guint) (seconds * 1000), saddle_test_timeout_cb, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
  return *done;
}

/* Spins the main loop for @seconds. */
static inline void
saddle_test_spin (double seconds)
{
  gboolean never = FALSE;

  saddle_test_wait_flag (&never, seconds);
}

/* Puts @widget alone into a new window of @width × @height and waits until it is drawn. */
static inline GtkWidget *
saddle_test_show (GtkWidget *widget,
                  int        width,
                  int        height)
{
  GtkWidget *window = gtk_window_new ();
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), widget);
  gtk_window_present (GTK_WINDOW (window));

  while ((!gtk_widget_get_mapped (widget) || gtk_widget_get_width (widget) <= 1) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (gtk_widget_get_mapped (widget));
  return window;
}

/* Whether @widget is the one sought (@data says which). */
typedef gboolean (*SaddleTestWidgetMatch) (GtkWidget     *widget,
                                           gconstpointer  data);

/* The first widget under @root (itself included, depth first) that @match accepts, or NULL. */
static inline GtkWidget *
saddle_test_find_widget (GtkWidget             *root,
                         SaddleTestWidgetMatch  match,
                         gconstpointer          data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = saddle_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
saddle_test_painted_cb (GdkFrameClock *clock,
                        gboolean      *painted)
{
  *painted = TRUE;
}

/* Renders @widget as it is now (its snapshot, through a GtkWidgetPaintable) onto an image surface. */
static inline cairo_surface_t *
saddle_test_render (GtkWidget *widget)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gboolean painted = FALSE;
  gulong id;

  /* A widget paintable shows the widget's last render node: let a frame draw the current state. */
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (saddle_test_painted_cb), &painted);
  gtk_widget_queue_draw (widget);
  g_assert_true (saddle_test_wait_flag (&painted, 10));
  g_signal_handler_disconnect (clock, id);

  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;
  cairo_surface_t *surface;
  cairo_t *cr;

  g_assert_cmpint (width, >, 1);
  g_assert_cmpint (height, >, 1);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  if (node != NULL)
    {
      gsk_render_node_draw (node, cr);
      gsk_render_node_unref (node);
    }
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* Pixels of @surface inside the rectangle that are clearly coloured (not grey, not
 * transparent): the series colours, never the axes, text or background. */
static inline guint
saddle_test_count_colourful (cairo_surface_t *surface,
                             double           x,
                             double           y,
                             double           width,
                             double           height)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  int sw = cairo_image_surface_get_width (surface);
  int sh = cairo_image_surface_get_height (surface);
  int x0 = MAX (0, (int) x), y0 = MAX (0, (int) y);
  int x1 = MIN (sw, (int) (x + width)), y1 = MIN (sh, (int) (y + height));
  guint count = 0;

  for (int j = y0; j < y1; j++)
    for (int i = x0; i < x1; i++)
      {
        guint32 p = *(const guint32 *) (data + j * stride + 4 * i);
        int a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        int hi = MAX (r, MAX (g, b)), lo = MIN (r, MIN (g, b));

        if (a >= 160 && hi - lo >= 60)
          count++;
      }
  return count;
}

G_END_DECLS
