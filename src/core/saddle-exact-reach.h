/* saddle-exact-reach.h — how far Newton's step goes, from the full eigendecomposition
 *
 * Where the dense Hessian has been diagonalised (H = V·Λ·Vᵀ), the least-squares Newton step
 * and its residual need no iterative solver: with c = Vᵀ·∇L, the step at cut-off t is
 * δ_t = −Σ_{|λ_i| > t·max|λ|} (c_i/λ_i)·v_i and ‖H·δ_t + ∇L‖² = Σ_{|λ_i| ≤ t·max|λ|} c_i²,
 * exactly. Splitting ‖∇L‖² = Σ c_i² over eigenvalue bands tells why a step is long: a
 * gradient that lies on weakly curved directions asks for a step of ‖c‖/λ. For ReLU nets the
 * step is walked until the first kink, where the quadratic model stops being the loss's.
 * See SaddleExactReach in saddle-critical.h for the fields and cut-offs.
 */
#pragma once

#include "saddle-critical.h"

G_BEGIN_DECLS

/* The cut-off t of cut @index (0: 1e-13, 1: 1e-8, 2: 1e-6). */
double saddle_exact_reach_cutoff  (guint index);
/* Fills @reach at @theta from @spectrum (ascending) and its unit eigenvectors @vectors (v_i at
 * @vectors + i·n), with @grad = ∇L at @theta. The kink fractions take a forward pass per
 * probe (about 140 a cut) for ReLU nets; they are NAN for other activations. With ∇L = 0 every
 * length and residual is 0. */
void   saddle_exact_reach_compute (SaddleModel          *model,
                                   const double         *theta,
                                   const SaddleBatch    *batch,
                                   const SaddleSpectrum *spectrum,
                                   const double         *vectors,
                                   const double         *grad,
                                   SaddleExactReach     *reach);
/* Every field NAN: not measured (no dense eigendecomposition). */
void   saddle_exact_reach_clear   (SaddleExactReach     *reach);

G_END_DECLS
