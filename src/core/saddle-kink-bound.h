/* saddle-kink-bound.h — steps too short to move any ReLU pre-activation across its kink
 *
 * saddle_model_first_kink() walks a log grid of step fractions α from 10⁻¹² and runs a forward
 * pass at θ + α·δ for each, until some hidden pre-activation has changed sign. Most of those
 * passes are far below the first kink. This bound certifies, without a pass, that no computed
 * pre-activation can have changed sign at α: |z(θ)| above a bound on |z(θ + α·δ) − z(θ)| as
 * both forward passes compute them, rounding included. The search then skips those passes and
 * finds the same α, bit for bit.
 *
 * The bound is a polynomial in α with nonnegative coefficients for each pre-activation, one
 * degree per layer, set up from one forward pass at θ (saddle-kink-bound.c). A NaN anywhere,
 * or sums near overflow, and it never holds: every point then gets its pass.
 */
#pragma once

#include "saddle-model.h"

G_BEGIN_DECLS

typedef struct _SaddleKinkBound SaddleKinkBound;

/* The bound along @delta from @theta, for a ReLU @model whose last forward pass was at @theta
 * over @x (@n samples): its z and a. @toward: each hidden pre-activation's crossing sign
 * (0: it cannot cross), in relu_sides()' order. NULL if scratch cannot be had. */
SaddleKinkBound *_saddle_kink_bound_new   (const SaddleModel *model,
                                           const double      *theta,
                                           const double      *delta,
                                           const double      *x,
                                           gsize              n,
                                           const gint8       *toward);
/* TRUE if no hidden pre-activation can have crossed its kink at θ + @alpha·δ (0 ≤ α ≤ 1);
 * FALSE if one may have (or the bound is not usable: NaN or near-overflow anywhere): then only
 * a forward pass can tell. */
gboolean         _saddle_kink_bound_holds (const SaddleKinkBound *bound,
                                           double                 alpha);
void             _saddle_kink_bound_free  (SaddleKinkBound       *bound);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleKinkBound, _saddle_kink_bound_free)

G_END_DECLS
