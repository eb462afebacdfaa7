/* saddle-model-plane.h — the loss at many points of one plane through parameter space
 *
 * A loss surface evaluates the loss at θ = origin + a·u + b·v over a grid of (a, b). The
 * first layer's pre-activations X·W₀ᵀ + b₀ are affine in (a, b), so the plane takes X's
 * product with the origin's, u's and v's first layer once, and each point then costs two
 * scaled additions there plus the forward pass of the layers above. With 784 inputs that
 * layer holds 96 % of the image model's weights and most of a point's work. The results
 * equal saddle_model_loss_grad() at θ to rounding (/core/model/plane: 1e-13 relative;
 * the default trajectories study's surface moved by at most 5e-16).
 */
#pragma once

#include "saddle-model.h"

G_BEGIN_DECLS

typedef struct _SaddleModelPlane SaddleModelPlane;

/* The plane through @origin spanned by @u and @v (@v may be NULL: a line), for @model on
 * @batch; the model, batch and the three vectors must outlive it, and the model is its own
 * while it lives (it uses the model's scratch). NULL and @error if memory runs out. */
SaddleModelPlane *saddle_model_plane_new  (SaddleModel       *model,
                                           const SaddleBatch *batch,
                                           const double      *origin,
                                           const double      *u,
                                           const double      *v,
                                           GError           **error);
/* The mean loss over the batch at origin + @a·u + @b·v. */
double            saddle_model_plane_loss (SaddleModelPlane  *plane,
                                           double             a,
                                           double             b);
void              saddle_model_plane_free (SaddleModelPlane  *plane);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleModelPlane, saddle_model_plane_free)

G_END_DECLS
