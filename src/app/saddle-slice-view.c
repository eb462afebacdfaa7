/* saddle-slice-view.c — the loss along a critical point's bottom and top Hessian eigenvectors */
#define G_LOG_DOMAIN "saddle-slice-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-slice-view.h"

struct _SaddleSliceView
{
  SaddleChartView    parent_instance;

  const SaddleSlice *slice;     /* borrowed */
  SaddlePlotArea     areas[2];  /* from the last drawing: bottom eigenvector's, top one's */
  gboolean           have_areas;
};

G_DEFINE_FINAL_TYPE (SaddleSliceView, saddle_slice_view, SADDLE_TYPE_CHART_VIEW)

/* @losses at @alpha, linear between the samples; NAN outside them. */
static double
loss_at (const SaddleSlice *slice,
         const double      *losses,
         double             alpha)
{
  gsize n = slice->n_points;

  if (n == 0 || !(alpha >= slice->alphas[0]) || !(alpha <= slice->alphas[n - 1]))
    return NAN;
  for (gsize i = 0; i + 1 < n; i++)
    if (alpha <= slice->alphas[i + 1])
      {
        double span = slice->alphas[i + 1] - slice->alphas[i];
        double t = span > 0 ? (alpha - slice->alphas[i]) / span : 0;

        return losses[i] + t * (losses[i + 1] - losses[i]);
      }
  return losses[n - 1];
}

/* The step α under the pointer, if it is over a panel and within the slice. */
static gboolean
alpha_at (SaddleSliceView *self,
          double           x,
          double           y,
          double          *alpha)
{
  const SaddleSlice *slice = self->slice;

  if (slice == NULL || slice->n_points == 0 || !self->have_areas)
    return FALSE;
  for (guint panel = 0; panel < 2; panel++)
    if (saddle_plot_area_contains (&self->areas[panel], x, y))
      {
        saddle_plot_area_to_data (&self->areas[panel], x, y, alpha, NULL);
        return isfinite (loss_at (slice, slice->loss_bottom, *alpha));
      }
  return FALSE;
}

char *
saddle_slice_view_readout_at (SaddleSliceView *self,
                              double           x,
                              double           y)
{
  const SaddleSlice *slice;
  double alpha, bottom, top;

  g_return_val_if_fail (SADDLE_IS_SLICE_VIEW (self), NULL);

  if (!alpha_at (self, x, y, &alpha))
    return NULL;
  slice = self->slice;
  bottom = loss_at (slice, slice->loss_bottom, alpha);
  top = loss_at (slice, slice->loss_top, alpha);
  /* TRANSLATORS: hover read-out on the loss slice: the step α, then the loss along each
   * eigenvector there and its change from L(θ) */
  return g_strdup_printf (_("α %.4g\nBottom v (λ %.3g): loss %.6g · ΔL %+.3g\nTop v (λ %.3g): loss %.6g · ΔL %+.3g"),
                          alpha, slice->lambda_bottom, bottom, bottom - slice->loss,
                          slice->lambda_top, top, top - slice->loss);
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
  SaddleSliceView *self = SADDLE_SLICE_VIEW (view);
  g_autofree char *text = NULL;
  double alpha;

  if (!alpha_at (self, x, y, &alpha))
    return;

  /* A guide through each panel at α, a ring on each curve. */
  for (guint panel = 0; panel < 2; panel++)
    {
      const SaddlePlotArea *area = &self->areas[panel];
      const double *losses = panel == 0 ? self->slice->loss_bottom : self->slice->loss_top;
      double rx, ry;

      saddle_chart_draw_hover_guide (cr, x, area->y, area->y + area->height, dark);
      saddle_plot_area_from_data (area, alpha, loss_at (self->slice, losses, alpha) - self->slice->loss,
                                  &rx, &ry);
      if (isfinite (ry) && saddle_plot_area_contains (area, rx, ry))
        saddle_chart_draw_hover_ring (cr, rx, ry, dark);
    }

  text = saddle_slice_view_readout_at (self, x, y);
  if (text != NULL)
    saddle_chart_draw_readout (cr, width, height, x, y, text, dark);
}

static void
saddle_slice_view_draw (SaddleChartView   *view,
                        cairo_t           *cr,
                        double             width,
                        double             height,
                        SaddleFigureStyle *style)
{
  SaddleSliceView *self = SADDLE_SLICE_VIEW (view);

  self->have_areas = FALSE;
  if (self->slice == NULL)
    return;
  saddle_figure_slice_areas (cr, width, height, self->slice, style, self->areas);
  self->have_areas = TRUE;
}

static const SaddlePlotArea *
get_area (SaddleChartView *view,
          guint            panel)
{
  return saddle_slice_view_get_area (SADDLE_SLICE_VIEW (view), panel);
}

static void
saddle_slice_view_class_init (SaddleSliceViewClass *klass)
{
  SaddleChartViewClass *chart_class = SADDLE_CHART_VIEW_CLASS (klass);

  chart_class->draw_hover = draw_hover;
  chart_class->get_area = get_area;
  chart_class->draw = saddle_slice_view_draw;
  saddle_chart_view_class_set_min_size (chart_class, 240, 160);
}

static void
saddle_slice_view_init (SaddleSliceView *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "slice");
}

GtkWidget *
saddle_slice_view_new (void)
{
  return g_object_new (SADDLE_TYPE_SLICE_VIEW, NULL);
}

void
saddle_slice_view_set_slice (SaddleSliceView   *self,
                             const SaddleSlice *slice)
{
  g_return_if_fail (SADDLE_IS_SLICE_VIEW (self));

  /* Another slice, another range: its own fitted axes. */
  if (slice != self->slice)
    saddle_chart_view_reset_zoom (SADDLE_CHART_VIEW (self));
  self->slice = slice;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const SaddlePlotArea *
saddle_slice_view_get_area (SaddleSliceView *self,
                            guint            panel)
{
  g_return_val_if_fail (SADDLE_IS_SLICE_VIEW (self), NULL);

  return self->have_areas && panel < 2 ? &self->areas[panel] : NULL;
}

const SaddleSlice *
saddle_slice_view_get_slice (SaddleSliceView *self)
{
  g_return_val_if_fail (SADDLE_IS_SLICE_VIEW (self), NULL);

  return self->slice;
}
