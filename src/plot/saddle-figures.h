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

#include "saddle-critical-set.h"
#include "saddle-density.h"
#include "saddle-history.h"
#include "saddle-slice.h"
#include "saddle-spectrum.h"
#include "saddle-surface.h"
#include "saddle-trajectory.h"

G_BEGIN_DECLS

#define SADDLE_FIGURE_ERROR (saddle_figure_error_quark ())

typedef enum
{
  SADDLE_FIGURE_ERROR_WRITE,        /* the file could not be written */
  SADDLE_FIGURE_ERROR_INVALID,      /* width or height not a positive size (PNG: at most 32767) */
} SaddleFigureError;

/* The y value of the critical scatter. */
typedef enum
{
  SADDLE_CRITICAL_RATIO_MINIMAL,    /* the homework's #λ>0 / n: the zero band counts in n (default) */
  SADDLE_CRITICAL_RATIO_NONZERO,    /* #λ>0 / (#λ>0 + #λ<0): the zero band left out */
} SaddleCriticalRatio;

typedef struct
{
  gboolean dark;            /* light text on a dark background */
  gboolean transparent;     /* no background fill (widgets draw their own) */
  gboolean log_grad_norm;   /* log axis for the gradient norm (default TRUE) */
  gboolean smooth;          /* gradnorm: per-step curves faint, a running mean over 1 % of each
                             * run's steps drawn over them (default FALSE) */
  double   font_size;       /* base size in user units (default 12) */
  gboolean show_trend;      /* critical: least-squares trend, Pearson and Spearman (default TRUE) */
  gboolean show_pb_fit;     /* critical: Pennington–Bahri fit of the index (default FALSE) */
  SaddleCriticalRatio critical_ratio;   /* critical: the ratio on the y axis (default MINIMAL) */
  const GArray *critical_reference;     /* critical: SaddleGroundTruthLevel, a closed form's
                                         * critical points drawn faint behind the found ones
                                         * (default NULL: none) */
} SaddleFigureStyle;

/* Where a panel's data lands, so a widget can map a pointer back to data. */
typedef struct
{
  double   x, y, width, height;   /* plot rectangle in the cairo_t's user space */
  double   x_min, x_max;          /* data range across the rectangle */
  double   y_min, y_max;          /* y_min at the bottom */
  gboolean x_log, y_log;          /* ranges are in data units even for log axes */
  SaddleCriticalRatio ratio;      /* critical figure: the ratio on y (what picking measures) */
} SaddlePlotArea;

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
/* The runs' paths in the PCA plane (whole vector, or the layer when @layer),
 * drawn up to @upto_epoch (G_MAXUINT = all), start and end markers, explained
 * variance on the axes, final accuracy per run in the legend; no surface
 * (saddle_figure_trajectories_with_surface() with NULL). */
void     saddle_figure_trajectories    (cairo_t                 *cr,
                                        double                   width,
                                        double                   height,
                                        const SaddleTrajectory  *trajectory,
                                        gboolean                 layer,
                                        guint                    upto_epoch,
                                        const SaddleFigureStyle *style,
                                        SaddlePlotArea          *area);
/* saddle_figure_trajectories() over the loss @surface (may be NULL: none), drawn as filled
 * contours behind the paths (12 bands, log-spaced when the loss spans more than 1.5 decades)
 * with thin contour lines and a colour bar on the right; the axes cover the surface's range.
 * The surface belongs to the whole-vector plane: with @layer it is not drawn. When @trajectory
 * holds plane_distance / surface_loss, a footnote says how far the snapshots lie off the plane
 * and how their true loss compares with the contour there. */
void     saddle_figure_trajectories_with_surface (cairo_t                 *cr,
                                                  double                   width,
                                                  double                   height,
                                                  const SaddleTrajectory  *trajectory,
                                                  const SaddleSurface     *surface,
                                                  gboolean                 layer,
                                                  guint                    upto_epoch,
                                                  const SaddleFigureStyle *style,
                                                  SaddlePlotArea          *area);
/* Index of the snapshot (in trajectory->info) drawn nearest (x, y) within @radius, among those
 * drawn with @layer and @upto_epoch in @area, or −1: for hover read-outs. */
int      saddle_figure_trajectories_pick (const SaddleTrajectory *trajectory,
                                          gboolean                layer,
                                          guint                   upto_epoch,
                                          const SaddlePlotArea   *area,
                                          double                  x,
                                          double                  y,
                                          double                  radius);
/* The style's ratio (style->critical_ratio) against loss (a log axis when the losses span more
 * than a decade), one point per analysed run, coloured by label; @selected (−1 for none) is
 * highlighted. With style->show_trend, a least-squares line
 * of the ratio against loss (log10 loss when the axis is log) over the converged points (all
 * points when fewer than 3 converged), Pearson's r and Spearman's ρ in the subtitle, and the
 * Dauphin et al. 2014 expectation beneath the plot; with style->show_pb_fit, the
 * Pennington–Bahri law index ≈ a·(loss − loss_c)^{3/2} fitted to index = 1 − ratio (the
 * negative share; with the minimal ratio the zero band counts in it) and drawn as 1 − fit. */
void     saddle_figure_critical        (cairo_t                  *cr,
                                        double                    width,
                                        double                    height,
                                        const SaddleCriticalSet  *set,
                                        int                       selected,
                                        const SaddleFigureStyle  *style,
                                        SaddlePlotArea           *area);
/* Histogram of one point's eigenvalues (symmetric-log x axis), zero band marked,
 * counts and tolerance in the title. */
void     saddle_figure_spectrum        (cairo_t                   *cr,
                                        double                     width,
                                        double                     height,
                                        const SaddleCriticalPoint *point,
                                        const SaddleFigureStyle   *style);

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

/* What the critical figure's trend and index-law fit found (saddle_figure_critical_trend()). */
typedef struct
{
  gboolean    x_log;            /* the loss axis is log: the line is fitted against log10 (loss) */
  gboolean    converged_only;   /* fitted over the converged points (else all: fewer than 3 converged) */
  gsize       n;                /* points used */
  gboolean    fitted;           /* the least-squares line exists (2 points with distinct loss) */
  double      slope;            /* ratio ≈ slope·x + intercept, x = log10 (loss) or loss; NAN if not fitted */
  double      intercept;
  double      r2;               /* of the line; NAN if the ratio is constant */
  double      pearson;          /* Pearson's r of (x, ratio); NAN for < 3 points or no variance */
  double      spearman;         /* Spearman's ρ of (loss, ratio); NAN as Pearson */
  gboolean    pb_fitted;        /* the Pennington–Bahri law was fitted to index = 1 − ratio */
  double      pb_loss_c;        /* index ≈ pb_a·(loss − pb_loss_c)^{3/2}; NAN if not fitted */
  double      pb_a;
  double      pb_residual;      /* root-mean-square misfit of the index */
  const char *pb_error;         /* why it was not fitted (static string), else NULL */
} SaddleCriticalTrend;

/* The numbers the critical figure draws for @set with @ratio on y (for the app and the CLI). */
void     saddle_figure_critical_trend  (const SaddleCriticalSet  *set,
                                        SaddleCriticalRatio       ratio,
                                        SaddleCriticalTrend      *trend);

/* The loss along the bottom and top Hessian eigenvectors at a point (α on x, λ in the legend) as
 * its change L(θ + α·v) − L(θ) (L(θ) in the subtitle), each beside its dashed second-order model,
 * θ marked at the origin; a symmetric-log y axis when one line's reach exceeds the other's 100×,
 * so a flat saddle direction still shows its dip beside a steep one. */
void     saddle_figure_slice           (cairo_t                   *cr,
                                        double                     width,
                                        double                     height,
                                        const SaddleSlice         *slice,
                                        const SaddleFigureStyle   *style);

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
