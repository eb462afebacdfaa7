/* saddle-monitor-view.c — the training monitor: loss and gradient norm, stacked, live */
#define G_LOG_DOMAIN "saddle-monitor-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-monitor-view.h"

struct _SaddleMonitorView
{
  SaddleChartView      parent_instance;

  const SaddleHistory *history;       /* borrowed */
  SaddleHistory       *empty;         /* drawn before any data: "No data yet" */
  gboolean             log_grad_norm;
  gboolean             smooth;

  /* Live redraws are spaced by the last draw's cost, so a history of
   * millions of steps cannot take every frame. */
  gint64               draw_usec;
  gint64               draw_end;
  guint                redraw_id;
  gint64               second;        /* when the count below started, µs; 0: not yet */
  guint                draws;         /* charts drawn since then */

  cairo_surface_t     *cache;         /* the chart as last drawn */
  GdkTexture          *cache_texture; /* the same pixels for a GPU renderer, made on demand */
  gboolean             cache_dirty;
  int                  cache_width;
  int                  cache_height;
  int                  cache_scale;
  gboolean             cache_dark;
  SaddleViewRange      cache_view;

  SaddlePlotArea       areas[2];      /* from the last snapshot: loss, gradient norm */
  gboolean             have_areas;
};

G_DEFINE_FINAL_TYPE (SaddleMonitorView, saddle_monitor_view, SADDLE_TYPE_CHART_VIEW)

enum {
  PROP_0,
  PROP_LOG_GRAD_NORM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The record drawn nearest the pointer: for every run the step closest in
 * iteration, then the run whose value is closest on screen. */
static const SaddleIterationRecord *
find_nearest (SaddleMonitorView *self,
              guint              panel,
              double             x,
              double             y,
              double            *rec_x,
              double            *rec_y)
{
  const SaddlePlotArea *area = &self->areas[panel];
  const GArray *its = self->history->iterations;
  g_autofree gint64 *best = NULL;
  const SaddleIterationRecord *found = NULL;
  double data_x, best_dist = INFINITY;
  guint n_runs = self->history->n_runs;

  if (its == NULL || its->len == 0 || n_runs == 0)
    return NULL;

  saddle_plot_area_to_data (area, x, y, &data_x, NULL);
  best = g_new (gint64, n_runs);
  for (guint r = 0; r < n_runs; r++)
    best[r] = -1;

  for (guint i = 0; i < its->len; i++)
    {
      const SaddleIterationRecord *rec = &g_array_index (its, SaddleIterationRecord, i);

      if (rec->run >= n_runs)
        continue;
      if (best[rec->run] < 0 ||
          fabs ((double) rec->iteration - data_x) <
          fabs ((double) g_array_index (its, SaddleIterationRecord, best[rec->run]).iteration - data_x))
        best[rec->run] = i;
    }

  for (guint r = 0; r < n_runs; r++)
    {
      const SaddleIterationRecord *rec;
      double value, sx, sy;

      if (best[r] < 0)
        continue;
      rec = &g_array_index (its, SaddleIterationRecord, best[r]);
      value = panel == 0 ? rec->loss : rec->grad_norm;
      if (!isfinite (value))
        continue;
      saddle_plot_area_from_data (area, (double) rec->iteration, value, &sx, &sy);
      if (!isfinite (sy))
        continue;
      if (fabs (sy - y) < best_dist)
        {
          best_dist = fabs (sy - y);
          found = rec;
          *rec_x = sx;
          *rec_y = sy;
        }
    }

  return found;
}

char *
saddle_monitor_view_readout_at (SaddleMonitorView *self,
                                double             x,
                                double             y)
{
  const SaddleIterationRecord *rec;
  double rx, ry;

  g_return_val_if_fail (SADDLE_IS_MONITOR_VIEW (self), NULL);

  if (self->history == NULL || !self->have_areas)
    return NULL;

  for (guint panel = 0; panel < 2; panel++)
    {
      if (!saddle_plot_area_contains (&self->areas[panel], x, y))
        continue;
      rec = find_nearest (self, panel, x, y, &rx, &ry);
      if (rec == NULL)
        return NULL;
      {
        g_autofree char *step = g_strdup_printf ("%" G_GUINT64_FORMAT, rec->iteration);

        /* TRANSLATORS: hover read-out on the loss chart: run, iteration, loss, gradient norm */
        return g_strdup_printf (_("Run %u · iteration %s · loss %.4g · ‖∇L‖ %.3g"),
                                rec->run + 1, step, rec->loss, rec->grad_norm);
      }
    }
  return NULL;
}

static void
draw_hover (SaddleChartView *view,
            cairo_t         *cr,
            double           width,
            double           height,
            double           x,
            double           y,
            gboolean         dark)
{
  SaddleMonitorView *self = SADDLE_MONITOR_VIEW (view);
  const SaddleIterationRecord *rec = NULL;
  g_autofree char *text = NULL;
  double rx = 0, ry = 0;

  if (self->history == NULL)
    return;
  for (guint panel = 0; panel < 2 && rec == NULL; panel++)
    if (saddle_plot_area_contains (&self->areas[panel], x, y))
      rec = find_nearest (self, panel, x, y, &rx, &ry);
  if (rec == NULL)
    return;

  /* A guide line through both panels at the step, and a ring on the value. */
  saddle_chart_draw_hover_guide (cr, rx, MIN (self->areas[0].y, self->areas[1].y),
                                 MAX (self->areas[0].y + self->areas[0].height,
                                      self->areas[1].y + self->areas[1].height), dark);
  saddle_chart_draw_hover_ring (cr, rx, ry, dark);

  text = saddle_monitor_view_readout_at (self, x, y);
  if (text != NULL)
    saddle_chart_draw_readout (cr, width, height, x, y, text, dark);
}

static const SaddlePlotArea *
get_area (SaddleChartView *view,
          guint            panel)
{
  return saddle_monitor_view_get_area (SADDLE_MONITOR_VIEW (view), panel);
}

/* Histories longer than this are thinned before drawing (the export draws them whole). */
#define DECIMATE_ABOVE 20000

/* Per run, per bucket of iterations, the steps with the lowest and highest loss
 * and gradient norm, in their order: the curves' envelope at screen
 * resolution, from a history of any length, and every epoch record. Zoomed to the
 * iterations @visible (when set), only those and a little beyond, so a close look stays sharp. */
static SaddleHistory *
decimate_history (const SaddleHistory    *history,
                  guint                   buckets,
                  const SaddleAxisLimits *visible)
{
  const GArray *its = history->iterations;
  SaddleHistory *thin = saddle_history_new ();
  guint n_runs = history->n_runs;
  g_autofree gint64 *slots = NULL;
  guint64 lo = G_MAXUINT64, hi = 0;
  double span, from = -INFINITY, to = INFINITY;

  if (isfinite (visible->min) && isfinite (visible->max) && visible->min < visible->max)
    {
      from = visible->min - 0.02 * (visible->max - visible->min);
      to = visible->max + 0.02 * (visible->max - visible->min);
    }

  for (guint i = 0; i < its->len; i++)
    {
      const SaddleIterationRecord *rec = &g_array_index (its, SaddleIterationRecord, i);

      if ((double) rec->iteration < from || (double) rec->iteration > to)
        continue;
      lo = MIN (lo, rec->iteration);
      hi = MAX (hi, rec->iteration);
    }
  span = MAX (1.0, (double) (hi - lo) + 1);

  /* slots[(run * buckets + b) * 4 + k]: record index of min loss, max loss, min ‖g‖, max ‖g‖. */
  slots = g_new (gint64, (gsize) n_runs * buckets * 4);
  for (gsize k = 0; k < (gsize) n_runs * buckets * 4; k++)
    slots[k] = -1;

  for (guint i = 0; i < its->len; i++)
    {
      const SaddleIterationRecord *rec = &g_array_index (its, SaddleIterationRecord, i);
      guint b;
      gint64 *slot;

      if (rec->run >= n_runs || (double) rec->iteration < from || (double) rec->iteration > to)
        continue;
      b = MIN (buckets - 1, (guint) ((rec->iteration - lo) / span * buckets));
      slot = &slots[((gsize) rec->run * buckets + b) * 4];
#define BETTER(k, field, cmp) \
      if (slot[k] < 0 || rec->field cmp g_array_index (its, SaddleIterationRecord, slot[k]).field) \
        slot[k] = i
      BETTER (0, loss, <);
      BETTER (1, loss, >);
      BETTER (2, grad_norm, <);
      BETTER (3, grad_norm, >);
#undef BETTER
    }

  for (gsize cell = 0; cell < (gsize) n_runs * buckets; cell++)
    {
      gint64 picked[4];
      guint n = 0;

      /* The distinct picks in arrival (= iteration) order. */
      for (guint k = 0; k < 4; k++)
        {
          gint64 index = slots[cell * 4 + k];
          guint j;

          if (index < 0)
            continue;
          for (j = 0; j < n && picked[j] != index; j++)
            ;
          if (j < n)
            continue;
          for (j = n; j > 0 && picked[j - 1] > index; j--)
            picked[j] = picked[j - 1];
          picked[j] = index;
          n++;
        }
      for (guint j = 0; j < n; j++)
        saddle_history_add_iteration (thin, &g_array_index (its, SaddleIterationRecord, picked[j]));
    }
  /* One record per epoch is few: the whole-set lines are drawn from all of them. */
  if (history->epochs->len > 0)
    g_array_append_vals (thin->epochs, history->epochs->data, history->epochs->len);

  return thin;
}

/* Draws the figure into a new image surface, and notes where its panels lie. */
static cairo_surface_t *
render_figure (SaddleMonitorView       *self,
               int                      width,
               int                      height,
               int                      scale,
               const SaddleFigureStyle *style)
{
  const SaddleHistory *history = self->history != NULL ? self->history : self->empty;
  g_autoptr(SaddleHistory) thin = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  if (history->iterations->len > DECIMATE_ABOVE)
    {
      thin = decimate_history (history, MAX (200, width), &style->view.x);
      history = thin;
    }

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width * scale, height * scale);
  cairo_surface_set_device_scale (surface, scale, scale);
  cr = cairo_create (surface);
  memset (self->areas, 0, sizeof self->areas);
  saddle_figure_gradnorm (cr, width, height, history, style, self->areas);
  self->have_areas = TRUE;
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* The real redraw rate, to check the chart stays live (G_MESSAGES_DEBUG=saddle-monitor-view;
 * tests/bench/app-vs-cli.sh's APP_LOG keeps it). A pause of over a second starts a new count. */
static void
count_draw (SaddleMonitorView *self)
{
  gint64 now = self->draw_end;

  if (self->second == 0 || now - self->second > 2 * G_USEC_PER_SEC)
    {
      self->second = now;
      self->draws = 0;
      return;
    }
  self->draws++;
  if (now - self->second >= G_USEC_PER_SEC)
    {
      g_debug ("Chart redraws: %.1f a second", self->draws * (double) G_USEC_PER_SEC / (now - self->second));
      self->second = now;
      self->draws = 0;
    }
}

/* The cached chart into @snapshot. GTK 4.8's Cairo renderer turns a memory texture back into
 * pixels through floats at every frame, even in its own format: perf found that conversion
 * the main thread's largest cost while a study ran under Xvfb, so there the chart is painted
 * as a Cairo node (a plain copy). A GPU renderer uploads a texture once and keeps it. */
static void
append_cache (SaddleMonitorView *self,
              GtkSnapshot       *snapshot,
              int                width,
              int                height)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);

  if (renderer == NULL || GSK_IS_CAIRO_RENDERER (renderer))
    {
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &bounds);

      cairo_set_source_surface (cr, self->cache, 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
      return;
    }

  if (self->cache_texture == NULL)
    {
      int scale = self->cache_scale;
      /* Cairo's ARGB32 is GDK's default memory format: premultiplied, native-endian. */
      g_autoptr(GBytes) bytes =
        g_bytes_new_with_free_func (cairo_image_surface_get_data (self->cache),
                                    (gsize) cairo_image_surface_get_stride (self->cache)
                                    * height * scale,
                                    (GDestroyNotify) cairo_surface_destroy,
                                    cairo_surface_reference (self->cache));

      self->cache_texture = gdk_memory_texture_new (width * scale, height * scale,
                                                    GDK_MEMORY_DEFAULT, bytes,
                                                    cairo_image_surface_get_stride (self->cache));
    }
  gtk_snapshot_append_texture (snapshot, self->cache_texture, &bounds);
}

static void
saddle_monitor_view_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  SaddleMonitorView *self = SADDLE_MONITOR_VIEW (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  SaddleFigureStyle style;

  if (width < 2 || height < 2)
    return;

  saddle_chart_style_for_widget (widget, &style);
  style.log_grad_norm = self->log_grad_norm;
  style.smooth = self->smooth;
  saddle_chart_view_get_view_range (SADDLE_CHART_VIEW (self), &style.view);

  /* The chart is drawn once per change into a texture: hovering and
   * unrelated redraws reuse it, and its cost paces the live updates. */
  if (self->cache == NULL || self->cache_dirty || self->cache_width != width ||
      self->cache_height != height || self->cache_scale != scale || self->cache_dark != style.dark
      || memcmp (&self->cache_view, &style.view, sizeof style.view) != 0)
    {
      gint64 start = g_get_monotonic_time ();

      g_clear_pointer (&self->cache, cairo_surface_destroy);
      g_clear_object (&self->cache_texture);
      self->cache = render_figure (self, width, height, scale, &style);
      self->cache_width = width;
      self->cache_height = height;
      self->cache_scale = scale;
      self->cache_dark = style.dark;
      self->cache_view = style.view;
      self->cache_dirty = FALSE;
      self->draw_end = g_get_monotonic_time ();
      self->draw_usec = self->draw_end - start;
      g_debug ("Chart of %u steps drawn in %.1f ms",
               self->history != NULL ? self->history->iterations->len : 0, self->draw_usec / 1000.0);
      count_draw (self);
      saddle_chart_view_drawn (SADDLE_CHART_VIEW (self));
    }

  append_cache (self, snapshot, width, height);
  saddle_chart_view_snapshot_hover (SADDLE_CHART_VIEW (self), snapshot, width, height, style.dark);
}

static void
saddle_monitor_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  SaddleMonitorView *self = SADDLE_MONITOR_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOG_GRAD_NORM:
      g_value_set_boolean (value, self->log_grad_norm);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_monitor_view_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  SaddleMonitorView *self = SADDLE_MONITOR_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOG_GRAD_NORM:
      saddle_monitor_view_set_log_grad_norm (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
redraw_cb (gpointer user_data)
{
  SaddleMonitorView *self = user_data;

  self->redraw_id = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return G_SOURCE_REMOVE;
}

static void
saddle_monitor_view_dispose (GObject *object)
{
  SaddleMonitorView *self = SADDLE_MONITOR_VIEW (object);

  g_clear_handle_id (&self->redraw_id, g_source_remove);
  g_clear_pointer (&self->cache, cairo_surface_destroy);
  g_clear_object (&self->cache_texture);

  G_OBJECT_CLASS (saddle_monitor_view_parent_class)->dispose (object);
}

static void
saddle_monitor_view_finalize (GObject *object)
{
  SaddleMonitorView *self = SADDLE_MONITOR_VIEW (object);

  g_clear_pointer (&self->empty, saddle_history_free);

  G_OBJECT_CLASS (saddle_monitor_view_parent_class)->finalize (object);
}

static void
saddle_monitor_view_class_init (SaddleMonitorViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  SaddleChartViewClass *chart_class = SADDLE_CHART_VIEW_CLASS (klass);

  object_class->dispose = saddle_monitor_view_dispose;
  object_class->finalize = saddle_monitor_view_finalize;
  object_class->get_property = saddle_monitor_view_get_property;
  object_class->set_property = saddle_monitor_view_set_property;

  /* The chart comes from a cached image, so the view snapshots itself. */
  widget_class->snapshot = saddle_monitor_view_snapshot;
  chart_class->draw_hover = draw_hover;
  chart_class->get_area = get_area;
  saddle_chart_view_class_set_min_size (chart_class, 240, 220);

  properties[PROP_LOG_GRAD_NORM] =
    g_param_spec_boolean ("log-grad-norm", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
saddle_monitor_view_init (SaddleMonitorView *self)
{
  self->log_grad_norm = TRUE;
  self->empty = saddle_history_new ();

  gtk_widget_add_css_class (GTK_WIDGET (self), "monitor");
}

GtkWidget *
saddle_monitor_view_new (void)
{
  return g_object_new (SADDLE_TYPE_MONITOR_VIEW, NULL);
}

void
saddle_monitor_view_set_history (SaddleMonitorView   *self,
                                 const SaddleHistory *history)
{
  g_return_if_fail (SADDLE_IS_MONITOR_VIEW (self));

  self->history = history;
  self->cache_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SaddleHistory *
saddle_monitor_view_get_history (SaddleMonitorView *self)
{
  g_return_val_if_fail (SADDLE_IS_MONITOR_VIEW (self), NULL);

  return self->history;
}

void
saddle_monitor_view_history_changed (SaddleMonitorView *self)
{
  gint64 wait;

  g_return_if_fail (SADDLE_IS_MONITOR_VIEW (self));

  self->cache_dirty = TRUE;
  if (self->redraw_id != 0)
    return;

  /* Drawing at most half the time: cheap histories at every drain (34 a second), huge
   * ones less often. (A quarter held the 300-epoch image study's chart, 10–19 ms a draw, to
   * 10–25 redraws a second.) */
  wait = self->draw_usec - (g_get_monotonic_time () - self->draw_end);
  if (wait <= 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    self->redraw_id = g_timeout_add ((guint) (wait / 1000) + 1, redraw_cb, self);
}

void
saddle_monitor_view_set_log_grad_norm (SaddleMonitorView *self,
                                       gboolean           log_grad_norm)
{
  g_return_if_fail (SADDLE_IS_MONITOR_VIEW (self));

  log_grad_norm = !!log_grad_norm;
  if (self->log_grad_norm == log_grad_norm)
    return;
  self->log_grad_norm = log_grad_norm;
  self->cache_dirty = TRUE;
  /* Another scale on y: back to the fitted range. */
  saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_GRAD_NORM]);
}

void
saddle_monitor_view_set_smooth (SaddleMonitorView *self,
                                gboolean           smooth)
{
  g_return_if_fail (SADDLE_IS_MONITOR_VIEW (self));

  smooth = !!smooth;
  if (self->smooth == smooth)
    return;
  self->smooth = smooth;
  self->cache_dirty = TRUE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
saddle_monitor_view_get_smooth (SaddleMonitorView *self)
{
  g_return_val_if_fail (SADDLE_IS_MONITOR_VIEW (self), FALSE);

  return self->smooth;
}

gboolean
saddle_monitor_view_get_log_grad_norm (SaddleMonitorView *self)
{
  g_return_val_if_fail (SADDLE_IS_MONITOR_VIEW (self), TRUE);

  return self->log_grad_norm;
}

const SaddlePlotArea *
saddle_monitor_view_get_area (SaddleMonitorView *self,
                              guint              panel)
{
  g_return_val_if_fail (SADDLE_IS_MONITOR_VIEW (self), NULL);
  g_return_val_if_fail (panel < 2, NULL);

  return self->have_areas ? &self->areas[panel] : NULL;
}
