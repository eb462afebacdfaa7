/* saddle-surface.h — the loss over the PCA plane of a trajectories study
 *
 * A surface holds L(mean + a·c₁ + b·c₂) on a resolution × resolution grid,
 * c₁ and c₂ being the first two principal components of the snapshots. Node
 * (i, j) sits at a_i = pc1_min + i·(pc1_max − pc1_min)/(resolution − 1) and
 * b_j likewise on pc2, both ends included, and its loss is
 * loss[j * resolution + i]: row-major with ONE ROW PER VALUE OF PC2, row 0 at
 * pc2_min (the bottom of a chart whose y axis points up), pc1 growing along
 * each row. The loss is the model's mean loss on one fixed batch (normally
 * the whole training set), exactly as saddle_model_loss_grad() returns it.
 *
 * The plane is a picture, not the landscape: snapshot_report() says for each
 * snapshot how far it lies from the plane and its true loss beside the
 * surface's value at its projection, so a chart can show where they differ.
 */
#pragma once

#include <glib.h>

#include "saddle-batch.h"
#include "saddle-model.h"
#include "saddle-work.h"
#include "saddle-pca.h"

G_BEGIN_DECLS

#define SADDLE_SURFACE_ERROR (saddle_surface_error_quark ())

/* Nodes per axis: the default and the accepted range. */
#define SADDLE_SURFACE_DEFAULT_RESOLUTION 41
#define SADDLE_SURFACE_MIN_RESOLUTION     2
#define SADDLE_SURFACE_MAX_RESOLUTION     401
/* Share of the snapshots' extent added on each side by saddle_surface_range_for(). */
#define SADDLE_SURFACE_DEFAULT_MARGIN     0.2

typedef enum
{
  SADDLE_SURFACE_ERROR_INVALID,     /* bad resolution or range; PCA, model and data disagree */
  SADDLE_SURFACE_ERROR_CANCELLED,   /* the progress callback returned FALSE */
} SaddleSurfaceError;

typedef struct
{
  guint   resolution;   /* nodes per axis, SADDLE_SURFACE_MIN_RESOLUTION..MAX_RESOLUTION */
  double  pc1_min;      /* a of column 0 */
  double  pc1_max;      /* a of column resolution − 1 */
  double  pc2_min;      /* b of row 0 */
  double  pc2_max;      /* b of row resolution − 1 */
  double *loss;         /* (resolution, resolution) row-major: [j * resolution + i] at a_i, b_j */
  double  loss_min;     /* smallest finite loss on the grid; NAN if none is finite */
  double  loss_max;     /* largest finite loss on the grid; NAN if none is finite */
  guint   n_nonfinite;  /* nodes whose loss is NaN or infinite (overflow far from the data) */
} SaddleSurface;

GQuark         saddle_surface_error_quark (void);

/* Loss at every node over [pc1_min, pc1_max] × [pc2_min, pc2_max] of @pca's plane (the first two
 * components; a missing second one counts as zero), one saddle_model_loss_grad() on @batch per
 * node. @progress (may be NULL) is called after each row with the share of rows done; FALSE
 * cancels (SADDLE_SURFACE_ERROR_CANCELLED). INVALID for a resolution outside 2–401, an empty or
 * non-finite range, a PCA whose dimension is not the model's parameter count, or a bad batch;
 * SADDLE_MODEL_ERROR_NO_MEMORY if the model's scratch for the batch cannot be allocated. */
SaddleSurface *saddle_surface_compute     (SaddleModel        *model,
                                           const SaddleBatch  *batch,
                                           const SaddlePca    *pca,
                                           double              pc1_min,
                                           double              pc1_max,
                                           double              pc2_min,
                                           double              pc2_max,
                                           guint               resolution,
                                           SaddleProgressFunc  progress,
                                           gpointer            data,
                                           GError            **error);
/* A surface from given node values (@loss as in the struct, copied; NULL = zeros) over
 * @range {pc1_min, pc1_max, pc2_min, pc2_max}, e.g. read back from a CSV; checked as in compute. */
SaddleSurface *saddle_surface_new         (const double        range[4],
                                           guint               resolution,
                                           const double       *loss,
                                           GError            **error);
SaddleSurface *saddle_surface_copy        (const SaddleSurface *surface);
void           saddle_surface_free        (SaddleSurface *surface);

/* {pc1_min, pc1_max, pc2_min, pc2_max} spanning all of @pca's scores, widened on each side by
 * @margin (≥ 0; e.g. SADDLE_SURFACE_DEFAULT_MARGIN) times the axis' extent. An axis narrower than
 * a tenth of the wider one is widened to that (1.0 when every score is equal), so a single point
 * or a straight path still gets a plane. */
void           saddle_surface_range_for   (const SaddlePca *pca,
                                           double           margin,
                                           double           out[4]);
/* Coordinate a_i of column @i (pc1) and b_j of row @j (pc2); the ends are exact. */
double         saddle_surface_pc1_at      (const SaddleSurface *surface,
                                           guint                i);
double         saddle_surface_pc2_at      (const SaddleSurface *surface,
                                           guint                j);
/* Bilinear interpolation of the grid at (@a, @b): exact at nodes and for losses bilinear in (a, b);
 * NAN outside the range (rounding-level overshoot excepted) or for non-finite arguments. */
double         saddle_surface_value_at    (const SaddleSurface *surface,
                                           double               a,
                                           double               b);

/* For each of @n_snapshots rows of @params (n_snapshots, pca->dim): @plane_distance gets
 * ‖θ − mean − Σ_{c<2} ((θ − mean)·c_c) c_c‖, its distance from the surface's plane; @true_loss
 * its loss on @batch; @surface_loss saddle_surface_value_at() of @surface at its projection
 * (NAN outside the grid). Any output may be NULL; @model and @batch are only used (and may be
 * NULL) when @true_loss is not NULL, @surface only when @surface_loss is not. @progress (may be
 * NULL) is called after each true loss; FALSE cancels, leaving the outputs partly filled.
 * Errors as in saddle_surface_compute(). */
gboolean       saddle_surface_snapshot_report (SaddleModel         *model,
                                               const SaddleBatch   *batch,
                                               const SaddlePca     *pca,
                                               const double        *params,
                                               gsize                n_snapshots,
                                               const SaddleSurface *surface,
                                               double              *plane_distance,
                                               double              *true_loss,
                                               double              *surface_loss,
                                               SaddleProgressFunc   progress,
                                               gpointer             data,
                                               GError             **error);

/* "pc1,pc2,loss" rows, node by node in the order of the loss array (nan/inf spelled out). */
gboolean       saddle_surface_write_csv   (const SaddleSurface *surface,
                                           const char          *path,
                                           GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleSurface, saddle_surface_free)

G_END_DECLS
