/* saddle-slice.h — the loss along a line through a point: loss(θ + α·v)
 *
 * At a critical point the slices along the eigenvectors of the smallest and
 * the largest Hessian eigenvalue show what the spectrum says: along the
 * bottom one (λ < 0) a saddle curves down, along the top one it curves up.
 * α takes n_points evenly spaced values of [−range, range], both ends
 * included; v is a unit vector, so α is a distance in parameter space. The
 * loss is the model's mean loss on one batch, as saddle_model_loss_grad()
 * returns it (far out it may overflow: such values stay NaN or infinite).
 */
#pragma once

#include <glib.h>

#include "saddle-batch.h"
#include "saddle-hessian.h"
#include "saddle-model.h"

G_BEGIN_DECLS

#define SADDLE_SLICE_ERROR (saddle_slice_error_quark ())

/* The second-order model "holds" at α when |ΔL(α) − q(α)| ≤ this · |q(α)|. */
#define SADDLE_SLICE_MODEL_TOLERANCE 0.1

/* Points per slice: the default and the accepted range. */
#define SADDLE_SLICE_DEFAULT_POINTS 101
#define SADDLE_SLICE_MIN_POINTS     2
#define SADDLE_SLICE_MAX_POINTS     100001
/* AUTO finds the eigenpairs densely up to this many parameters (if the Hessian fits). */
#define SADDLE_SLICE_DENSE_MAX      4096
/* Lanczos steps allowed for the two extreme eigenpairs (capped at n). */
#define SADDLE_SLICE_LANCZOS_STEPS  500

typedef enum
{
  SADDLE_SLICE_ERROR_INVALID,       /* bad range, points or direction; model and batch disagree */
  SADDLE_SLICE_ERROR_CANCELLED,     /* the progress callback returned FALSE */
  SADDLE_SLICE_ERROR_NOT_FINITE,    /* the loss, gradient or Hessian at θ is NaN or infinite */
} SaddleSliceError;

typedef enum
{
  SADDLE_SLICE_AUTO,                /* DENSE up to SADDLE_SLICE_DENSE_MAX parameters */
  SADDLE_SLICE_DENSE,               /* full Hessian: one tridiagonal reduction, both ends */
  SADDLE_SLICE_LANCZOS,             /* saddle_lanczos_extremes() with Ritz vectors: HVPs only */
} SaddleSliceMethod;

typedef struct
{
  gsize             n_points;
  double            range;          /* α spans [−range, range] */
  double           *alphas;         /* (n_points) ascending; 0 exactly in the middle if odd */
  double           *loss_bottom;    /* (n_points) loss(θ + α·v_bottom) */
  double           *loss_top;       /* (n_points) loss(θ + α·v_top) */
  double            loss;           /* loss at θ */
  double            lambda_bottom;  /* smallest Hessian eigenvalue at θ: curvature at α = 0 */
  double            lambda_top;     /* largest: the curvature of loss_top at α = 0 */
  double            slope_bottom;   /* ∇Lᵀ·v_bottom: the slope of loss_bottom at α = 0 */
  double            slope_top;      /* ∇Lᵀ·v_top */
  /* How far from θ the second-order model α·slope + ½·λ·α² describes each curve: the largest
   * |α| of a log grid up to range such that it and every smaller step are within
   * SADDLE_SLICE_MODEL_TOLERANCE of the measured change (saddle_slice_model_radius()); 0 when not
   * even the smallest measurable step is. */
  double            model_radius_bottom;
  double            model_radius_top;
  gsize             n_params;
  double           *v_bottom;       /* (n_params) unit eigenvector, largest-magnitude entry > 0 */
  double           *v_top;          /* (n_params) unit eigenvector of lambda_top, likewise */
  SaddleSliceMethod method;         /* DENSE or LANCZOS: how the eigenpairs were found */
  gboolean          converged;      /* DENSE: always; LANCZOS: both Ritz pairs converged */
} SaddleSlice;

GQuark       saddle_slice_error_quark (void);

/* INVALID unless @range is finite and > 0 and @n_points is within SADDLE_SLICE_MIN/MAX_POINTS. */
gboolean     saddle_slice_check       (double              range,
                                       gsize               n_points,
                                       GError            **error);
/* α_i = −range + 2·range·i / (n_points − 1) for i < n_points into @alphas (ends exact). */
void         saddle_slice_alphas      (double              range,
                                       gsize               n_points,
                                       double             *alphas);
/* loss(θ + α_i·v) into @losses (n_points) and α_i into @alphas (may be NULL), v being @direction
 * (n_params) scaled to unit length. INVALID for a zero or non-finite direction, a bad range or
 * point count, or a batch the model cannot read. */
gboolean     saddle_slice_line        (SaddleModel        *model,
                                       const double       *theta,
                                       const SaddleBatch  *batch,
                                       const double       *direction,
                                       double              range,
                                       gsize               n_points,
                                       double             *alphas,
                                       double             *losses,
                                       GError            **error);
/* The smallest and largest Hessian eigenpairs at @theta (by @method; LANCZOS starts from a random
 * vector drawn from @seed) and the slices along both eigenvectors. @progress (may be NULL) gets the
 * share done; FALSE cancels. Errors: INVALID, CANCELLED, NOT_FINITE; with DENSE also
 * SADDLE_HESSIAN_ERROR_TOO_LARGE (AUTO turns to Lanczos instead) and SADDLE_SPECTRUM_ERROR_LAPACK;
 * Lanczos errors in their own domain. */
SaddleSlice *saddle_slice_compute     (SaddleModel        *model,
                                       const double       *theta,
                                       const SaddleBatch  *batch,
                                       double              range,
                                       gsize               n_points,
                                       SaddleSliceMethod   method,
                                       guint64             seed,
                                       SaddleProgressFunc  progress,
                                       gpointer            data,
                                       GError            **error);
/* The largest r ≤ @range of a log grid (3 steps a decade, 8 decades) such that at ±r and every
 * smaller measurable grid step, loss(θ ± r·v) − @loss is within SADDLE_SLICE_MODEL_TOLERANCE of
 * q(±r) = ±r·@slope + ½·@lambda·r²; 0 when the smallest measurable step already fails. Steps where
 * |q| is below rounding (1e-11·|@loss|) are skipped: there the comparison says nothing. Costs up
 * to 50 loss evaluations on @batch. */
double       saddle_slice_model_radius (SaddleModel       *model,
                                        const double      *theta,
                                        const SaddleBatch *batch,
                                        const double      *v,
                                        double             loss,
                                        double             slope,
                                        double             lambda,
                                        double             range);
/* Flips @v so its largest-magnitude entry is positive: the same eigenvector then comes out the
 * same way from any solver. */
void         saddle_slice_orient      (double             *v,
                                       gsize               n);
/* The two extreme eigenpairs of a dense Hessian solved elsewhere (saddle-cli under mpirun). */
typedef struct
{
  double        lambda_bottom;
  const double *v_bottom;         /* (n_params) unit */
  double        lambda_top;
  const double *v_top;
} SaddleSliceEnds;

/* The slices along eigenpairs already found (method DENSE, converged): as
 * saddle_slice_compute() from there on. */
SaddleSlice *saddle_slice_compute_along (SaddleModel           *model,
                                         const double          *theta,
                                         const SaddleBatch     *batch,
                                         double                 range,
                                         gsize                  n_points,
                                         const SaddleSliceEnds *ends,
                                         SaddleProgressFunc     progress,
                                         gpointer               data,
                                         GError               **error);
SaddleSlice *saddle_slice_copy        (const SaddleSlice  *slice);
void         saddle_slice_free        (SaddleSlice        *slice);

/* "alpha,loss_bottom,loss_top" rows, one per α (nan/inf spelled out). */
gboolean     saddle_slice_write_csv   (const SaddleSlice  *slice,
                                       const char         *path,
                                       GError            **error);
/* "auto", "dense", "lanczos" to and from SaddleSliceMethod. */
gboolean     saddle_slice_method_from_string (const char        *name,
                                              SaddleSliceMethod *method);
const char  *saddle_slice_method_to_string   (SaddleSliceMethod  method);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleSlice, saddle_slice_free)

G_END_DECLS
