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
#include "saddle-history.h"
#include "saddle-trajectory.h"

G_BEGIN_DECLS

#define SADDLE_FIGURE_ERROR (saddle_figure_error_quark ())

typedef enum
{
  SADDLE_FIGURE_ERROR_WRITE,        /* the file could not be written */
  SADDLE_FIGURE_ERROR_INVALID,      /* width or height not a positive size (PNG: at most 32767) */
} SaddleFigureError;

typedef struct
{
  gboolean dark;            /* light text on a dark background */
  gboolean transparent;     /* no background fill (widgets draw their own) */
  gboolean log_grad_norm;   /* log axis for the gradient norm (default TRUE) */
  double   font_size;       /* base size in user units (default 12) */
} SaddleFigureStyle;

/* Where a panel's data lands, so a widget can map a pointer back to data. */
typedef struct
{
  double   x, y, width, height;   /* plot rectangle in the cairo_t's user space */
  double   x_min, x_max;          /* data range across the rectangle */
  double   y_min, y_max;          /* y_min at the bottom */
  gboolean x_log, y_log;          /* ranges are in data units even for log axes */
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
 * variance on the axes, final accuracy per run in the legend. */
void     saddle_figure_trajectories    (cairo_t                 *cr,
                                        double                   width,
                                        double                   height,
                                        const SaddleTrajectory  *trajectory,
                                        gboolean                 layer,
                                        guint                    upto_epoch,
                                        const SaddleFigureStyle *style,
                                        SaddlePlotArea          *area);
/* Minimal ratio against loss, one point per analysed run; @selected (−1 for
 * none) is highlighted. */
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

/* Index of the critical point drawn nearest (x, y) within @radius, or −1. */
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
