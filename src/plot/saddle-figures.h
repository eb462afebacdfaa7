/* saddle-figures.h — the charts of the three studies, drawn with Cairo
 *
 * Each figure draws a study result into any cairo_t at any size: the app's
 * widgets call these in their snapshot, the CLI and the app's export call them
 * on SVG and PNG surfaces, so both write the same picture for the same numbers.
 * Data may be NULL or empty (axes and "No data yet" are drawn), @style may be
 * NULL (the defaults), and NaN / infinite / non-positive-on-log values are skipped.
 */
#pragma once

#include <cairo.h>

#include "saddle-axis.h"
#include "saddle-critical-set.h"
#include "saddle-marker.h"
#include "saddle-density.h"
#include "saddle-history.h"
#include "saddle-label-look.h"
#include "saddle-slice.h"
#include "saddle-spectrum.h"
#include "saddle-surface.h"
#include "saddle-trajectory.h"
#include "saddle-trend.h"

G_BEGIN_DECLS

#define SADDLE_FIGURE_ERROR (saddle_figure_error_quark ())

typedef enum
{
  SADDLE_FIGURE_ERROR_WRITE,        /* the file could not be written */
  SADDLE_FIGURE_ERROR_INVALID,      /* width or height not a positive size (PNG: at most 32767) */
} SaddleFigureError;

/* A visible range forced on an axis, in data units; used only when min < max, both finite
 * (so a zeroed one means "fit the data"). */
typedef struct
{
  double min, max;
} SaddleAxisLimits;

/* What a zoomed chart shows: the x range of every panel, the y range of each (panel 0 is the
 * only or upper one; 1 the lower of gradnorm's and the slice's stacked panels). */
typedef struct
{
  SaddleAxisLimits x;
  SaddleAxisLimits y[2];
} SaddleViewRange;

typedef struct
{
  gboolean dark;            /* light text on a dark background */
  gboolean transparent;     /* no background fill (widgets draw their own) */
  gboolean log_grad_norm;   /* log axis for the gradient norm (default TRUE) */
  gboolean smooth;          /* gradnorm: per-step curves faint, a running mean over a window
                             * sized to each run's noise drawn over them (default FALSE) */
  double   font_size;       /* base size in user units (default 12) */
  gboolean show_trend;      /* critical: the given trend's line and its Spearman test (default TRUE) */
  gboolean show_pb_fit;     /* critical: Pennington–Bahri fit of the index (default FALSE) */
  SaddleCriticalRatio critical_ratio;   /* critical: the ratio on the y axis (default MINIMAL) */
  const char *empty_message; /* what a chart with no data says (default NULL: "No data yet") */
  gboolean ratio_axis_full; /* critical: the ratio axis spans 0–1, as in the homework; else it
                             * fits the points with a margin (default FALSE) */
  const GArray *critical_reference;     /* critical: SaddleGroundTruthLevel, a closed form's
                                         * critical points drawn faint behind the found ones
                                         * (default NULL: none) */
  const char *point_name;   /* spectrum: names the point in the title instead of "Run N", e.g.
                             * the weights file it was read from (default NULL) */
  SaddleViewRange view;     /* zoom: the axes' ranges instead of the fitted ones (default unset) */
} SaddleFigureStyle;

/* Where a panel's data lands, so a widget can map a pointer back to data. */
typedef struct
{
  double   x, y, width, height;   /* plot rectangle in the cairo_t's user space */
  double   x_min, x_max;          /* data range across the rectangle */
  double   y_min, y_max;          /* y_min at the bottom */
  gboolean x_log, y_log;          /* ranges are in data units even for log axes */
  SaddleCriticalRatio ratio;      /* critical figure: the ratio on y (what picking measures) */
  SaddleAxisScale x_scale, y_scale;       /* the axes' scales (x_log, y_log say LOG alone) */
  double   x_threshold, y_threshold;      /* SYMLOG scales' linear half-widths */
  double   bin_width;             /* spectrum figure: histogram bins' width in x scale space,
                                   * bin k spans [k, k + 1) · bin_width */
} SaddlePlotArea;

/* The axes @area's data lies on (scale, threshold, visible range); either may be NULL. */
void     saddle_plot_area_axes         (const SaddlePlotArea    *area,
                                        SaddleAxis              *x_axis,
                                        SaddleAxis              *y_axis);

/* TRUE when @view sets any range (the chart is zoomed or panned). */
gboolean saddle_view_range_is_set      (const SaddleViewRange   *view);

typedef void (*SaddleFigureDrawFunc) (cairo_t *cr, double width, double height, gpointer user_data);

GQuark   saddle_figure_error_quark     (void);
void     saddle_figure_style_init      (SaddleFigureStyle *style);

/* Loss (top) and gradient norm (bottom) against iteration, one colour per run,
 * shared x axis, legend. @areas receives the two panels (may be NULL). */
void     saddle_figure_gradnorm        (cairo_t                 *cr,
                                        double                   width,
                                        double                   height,
                                        const SaddleHistory     *history,
                                        const SaddleFigureStyle *style,
                                        SaddlePlotArea           areas[2]);
/* The runs' paths in the PCA plane (whole vector, or the layer when @layer_only),
 * drawn up to @upto_epoch (G_MAXUINT = all), start and end markers, explained
 * variance on the axes, final accuracy per run in the legend; no surface
 * (saddle_figure_trajectories_with_surface() with NULL). */
void     saddle_figure_trajectories    (cairo_t                 *cr,
                                        double                   width,
                                        double                   height,
                                        const SaddleTrajectory  *trajectory,
                                        gboolean                 layer_only,
                                        guint                    upto_epoch,
                                        const SaddleFigureStyle *style,
                                        SaddlePlotArea          *area);
/* saddle_figure_trajectories() over the loss @surface (may be NULL: none), drawn as filled
 * contours behind the paths (12 bands, log-spaced when the loss spans more than 1.5 decades)
 * with thin contour lines and a colour bar on the right; the axes cover the surface's range.
 * The surface belongs to the whole-vector plane: with @layer_only it is not drawn. When @trajectory
 * holds plane_distance / surface_loss, a footnote says how far the snapshots lie off the plane
 * and how their true loss compares with the contour there. */
void     saddle_figure_trajectories_with_surface (cairo_t                 *cr,
                                                  double                   width,
                                                  double                   height,
                                                  const SaddleTrajectory  *trajectory,
                                                  const SaddleSurface     *surface,
                                                  gboolean                 layer_only,
                                                  guint                    upto_epoch,
                                                  const SaddleFigureStyle *style,
                                                  SaddlePlotArea          *area);
/* Index of the snapshot (in trajectory->info) drawn nearest (x, y) within @radius, among those
 * drawn with @layer_only and @upto_epoch in @area, or −1: for hover read-outs. */
int      saddle_figure_trajectories_pick (const SaddleTrajectory *trajectory,
                                          gboolean                layer_only,
                                          guint                   upto_epoch,
                                          const SaddlePlotArea   *area,
                                          double                  x,
                                          double                  y,
                                          double                  radius);
/* The style's ratio (style->critical_ratio) against loss (a log axis when the losses span more
 * than a decade), one point per analysed run, coloured by label; @selected (−1 for none) is
 * highlighted. With style->show_trend and a @trend (computed by the caller with
 * saddle_critical_trend_compute() for the same set and ratio; may be NULL), the least-squares
 * line of the subset @trend->shown names, across its loss range, and that subset's n, Spearman's
 * ρ, bootstrap interval, permutation p-value and verdict in the subtitle, the Dauphin et al.
 * 2014 expectation beneath the plot; with style->show_pb_fit, the Pennington–Bahri law
 * index ≈ a·(loss − loss_c)^{3/2} of the same subset, drawn as 1 − fit. */
void     saddle_figure_critical        (cairo_t                   *cr,
                                        double                     width,
                                        double                     height,
                                        const SaddleCriticalSet   *set,
                                        const SaddleCriticalTrend *trend,
                                        int                        selected,
                                        const SaddleFigureStyle   *style,
                                        SaddlePlotArea            *area);
/* The spectrum's title: the point ("Run 3", or @name when not NULL) and whether it is certified. */
char    *saddle_figure_spectrum_title  (const SaddleCriticalPoint *point,
                                        const char                *name);
/* Histogram of one point's eigenvalues (symmetric-log x axis), zero band marked,
 * counts and tolerance in the title; the bins divide the visible range. */
void     saddle_figure_spectrum        (cairo_t                   *cr,
                                        double                     width,
                                        double                     height,
                                        const SaddleCriticalPoint *point,
                                        const SaddleFigureStyle   *style);
/* saddle_figure_spectrum(), and where its plot and bins lie in @area (may be NULL). */
void     saddle_figure_spectrum_area   (cairo_t                   *cr,
                                        double                     width,
                                        double                     height,
                                        const SaddleCriticalPoint *point,
                                        const SaddleFigureStyle   *style,
                                        SaddlePlotArea            *area);
/* The histogram bin of @area (as saddle_figure_spectrum_area() filled it) under the user-space
 * @x: its eigenvalue range [*lo, *hi) and how many of @point's eigenvalues are negative, near
 * zero and positive in it (@counts); FALSE when @x is off the plot or there is no spectrum. */
gboolean saddle_figure_spectrum_bin_at (const SaddleCriticalPoint *point,
                                        const SaddlePlotArea      *area,
                                        double                     x,
                                        double                    *lo,
                                        double                    *hi,
                                        gsize                      counts[3]);

/* The eigenvalue density of stochastic Lanczos quadrature (@density) on a symmetric-log x axis
 * (linear within ±sigma) and a log y axis, with @dense (may be NULL) overlaid as a histogram of
 * the exact eigenvalues normalised to a density; shares of weight below −σ, within ±σ and above
 * σ in the subtitle. */
void     saddle_figure_density         (cairo_t                   *cr,
                                        double                     width,
                                        double                     height,
                                        const SaddleDensity       *density,
                                        const SaddleSpectrum      *dense,
                                        const SaddleFigureStyle   *style);

/* The loss along the bottom and top Hessian eigenvectors at a point (α on x, λ in the legend) as
 * its change L(θ + α·v) − L(θ) (L(θ) in the subtitle), each beside its dashed second-order model,
 * θ marked at the origin; a symmetric-log y axis when one line's reach exceeds the other's 100×,
 * so a flat saddle direction still shows its dip beside a steep one. */
void     saddle_figure_slice           (cairo_t                   *cr,
                                        double                     width,
                                        double                     height,
                                        const SaddleSlice         *slice,
                                        const SaddleFigureStyle   *style);
/* saddle_figure_slice(), and where its two panels lie in @areas (may be NULL): the bottom
 * eigenvector's (upper) and the top one's (lower); both zeroed when there is no slice. */
void     saddle_figure_slice_areas     (cairo_t                   *cr,
                                        double                     width,
                                        double                     height,
                                        const SaddleSlice         *slice,
                                        const SaddleFigureStyle   *style,
                                        SaddlePlotArea             areas[2]);

/* Index of the critical point drawn nearest (x, y) within @radius, or −1; measures the ratio
 * @area->ratio names (as saddle_figure_critical() filled it in). */
int      saddle_figure_critical_pick   (const SaddleCriticalSet *set,
                                        const SaddlePlotArea    *area,
                                        double                   x,
                                        double                   y,
                                        double                   radius);

/* Draws with @draw onto a new SVG / PNG file of @width × @height. */
gboolean saddle_figure_write_svg       (const char           *path,
                                        double                width,
                                        double                height,
                                        SaddleFigureDrawFunc  draw,
                                        gpointer              user_data,
                                        GError              **error);
gboolean saddle_figure_write_png       (const char           *path,
                                        double                width,
                                        double                height,
                                        SaddleFigureDrawFunc  draw,
                                        gpointer              user_data,
                                        GError              **error);


G_END_DECLS
