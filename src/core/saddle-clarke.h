/* saddle-clarke.h — how far a ReLU net's point is from Clarke stationarity
 *
 * A ReLU loss is piecewise smooth: each (sample, hidden unit) pair splits parameter space at
 * its kink z = 0, and ∇L jumps there (by 1e-7–1e-4 for one sample at the default study's
 * points), so at a stationary point next to a kink ‖∇L‖ need not be small at all. The
 * criterion that fits is Clarke's: the distance of 0 from the convex hull of the gradients of
 * the pieces that meet at θ. Here the pieces are those of the kinks within ε of θ:
 *
 *   distance = min over t ∈ [0, 1]^s of ‖∇L + J·t‖
 *
 * J_k (column k of J) is the gradient jump of kink k: ∇L with that sample's gate at that unit
 * switched minus ∇L, the forward values kept (z taken to be at its kink). t_k = 0 is the
 * current piece, t_k = 1 the other side. One switch per kink (s = m), but see below.
 *
 * The kink's distance from θ is measured as |z| / sqrt(‖a_prev‖² + 1), a_prev the input of
 * the unit's layer for that sample (x itself for the first hidden layer): the length of the
 * shortest move of that unit's incoming weights and bias alone that puts z at 0. z is affine
 * in those parameters, so the move is exact, and the true distance (any parameter may move) is
 * at most that: every kink taken is truly within ε, and the measure costs one forward pass.
 * Kinks it misses (closer only through lower layers) can only make the distance larger, never
 * certify a point that is not.
 *
 * Approximation: the jumps are first order and independent. Switching two gates changes ∇L by
 * J_a + J_b exactly when the two kinks belong to different samples, or to the same sample in
 * the same layer; for one sample in two layers the lower kink's jump also depends on the upper
 * gate (it changes the signal back-propagated to it), and that cross term (a product of two
 * jumps' factors) is left out. So ∇L + J·[0,1]^s is the zonotope spanned by the single
 * switches, which equals the hull of all 2^s adjacent pieces' gradients in the first case; in
 * the second each vertex is off by its cross terms, and the distance by at most the largest
 * such error (the least norm over a hull moves no more than its vertices). The cross term can
 * be as large as the jumps (a lower kink whose signal only exists with the upper gate open).
 * The other pieces' gradients are also taken at θ rather than at the kink (they differ by
 * O(‖H‖·ε)): the set is Goldstein's ε-subdifferential to first order, not Clarke's at one point.
 * Every combination of switches is taken to be a piece that meets θ. Kinks whose surfaces
 * coincide switch together: those of one unit whose input is all zero (z = b near θ for every
 * such sample, e.g. a unit whose incoming units are all closed there) are merged into one switch
 * whose jump is the sum of theirs. Other coincident surfaces (duplicate inputs, surfaces
 * parallel only to first order) are not detected; there the set is larger than Clarke's and
 * the distance lower.
 *
 * Memory is bounded: at most SADDLE_CLARKE_MAX_KINKS kinks (the nearest ones) and a jump matrix
 * of at most SADDLE_CLARKE_MAX_JUMP_BYTES; a capped set is reported, and its distance is an
 * upper bound on the full set's (fewer pieces, a smaller hull).
 *
 * The box-constrained least-squares problem is solved exactly (to rounding) by an active-set
 * method on the Gram matrix JᵀJ (built with dsyrk): free variables solve their unconstrained
 * problem by Cholesky with one step of iterative refinement, the residual always recomputed
 * from J itself, not from the Gram matrix.
 *
 * Uses the model's scratch: not from two threads on one model.
 */
#pragma once

#include <glib.h>

#include "saddle-batch.h"
#include "saddle-model.h"

G_BEGIN_DECLS

#define SADDLE_CLARKE_ERROR (saddle_clarke_error_quark ())

typedef enum
{
  SADDLE_CLARKE_ERROR_INVALID,      /* ε negative or not finite (a batch that does not fit the
                                     * model comes as SADDLE_MODEL_ERROR_INVALID) */
  SADDLE_CLARKE_ERROR_NO_MEMORY,    /* the jumps or the Gram matrix could not be allocated */
  SADDLE_CLARKE_ERROR_NOT_FINITE,   /* ∇L or a jump is NaN or infinite at θ */
} SaddleClarkeError;

/* At most this many kinks enter the set: the Gram matrix and its factor stay at or under
 * 32 MiB each. */
#define SADDLE_CLARKE_MAX_KINKS 2048
/* ... and the jumps (kinks × parameters doubles) at or under 256 MiB. */
#define SADDLE_CLARKE_MAX_JUMP_BYTES ((gsize) 256 << 20)

/* One (sample, hidden unit) kink near θ. */
typedef struct
{
  gsize  sample;     /* index in the batch */
  guint  layer;      /* hidden layer, 0 = the first */
  guint  unit;       /* unit in that layer */
  double z;          /* its pre-activation at θ */
  double distance;   /* |z| / sqrt(‖a_prev‖² + 1): see above */
  double input_norm; /* ‖a_prev‖; 0: z = b near θ, one surface for all such samples */
} SaddleKink;

typedef struct
{
  double   distance;     /* min over t ∈ [0,1]^s ‖∇L + J·t‖; ‖∇L‖ when m = 0; NAN if not ReLU */
  double   grad_norm;    /* ‖∇L‖ at θ (any activation) */
  double   epsilon;      /* the ε the set was taken at */
  guint    kinks;        /* m: kinks in the set */
  guint    switches;     /* s: independent switches (t's length), kinks on one surface merged */
  guint64  kinks_within; /* kinks within ε before the cap (= kinks unless capped) */
  gboolean capped;       /* more kinks within ε than the cap: the nearest were kept */
  guint    iterations;   /* the solver's subproblem solves (Cholesky factorisations) */
  gboolean converged;    /* KKT conditions met to rounding (else distance is an upper bound) */
} SaddleClarke;

GQuark      saddle_clarke_error_quark (void);

/* The Clarke distance at @theta over @batch with the kinks within @epsilon. For non-ReLU nets
 * TRUE with distance NAN and kinks 0 ("not applicable"), grad_norm still measured.
 * Choosing ε: the other pieces' gradients are taken at θ, off by up to max|λ|·ε from their
 * values at the kink, so for a certificate at tolerance τ take ε ≤ τ / max|λ| (1e-9 for
 * τ = 1e-8 on the default study, max|λ| 6–9.5). ε > 0 also catches kinks that rounding put
 * a hair off zero (|z| ~ 1e-15 measured). */
gboolean    saddle_clarke_measure     (SaddleModel       *model,
                                       const double      *theta,
                                       const SaddleBatch *batch,
                                       double             epsilon,
                                       SaddleClarke      *result,
                                       GError           **error);

/* The hidden ReLU kinks within @epsilon of @theta, nearest first, at most @max of them (the
 * array has *n_kinks entries; NULL when there are none); @n_within (may be NULL) gets how many
 * there were before the cap. NULL and 0 for non-ReLU nets. */
SaddleKink *saddle_clarke_find_kinks  (SaddleModel       *model,
                                       const double      *theta,
                                       const SaddleBatch *batch,
                                       double             epsilon,
                                       gsize              max,
                                       gsize             *n_kinks,
                                       guint64           *n_within,
                                       GError           **error);

/* min over t ∈ [0,1]^m of ‖g + Σ_k t_k·jump_k‖ for @g (n) and @jumps (m, n) row-major, one jump
 * a row (J above is its transpose); the minimiser into @t (m, may be NULL), the solves into
 * @iterations (may be NULL), whether the KKT conditions were met into @converged (may be NULL).
 * Returns the distance, computed from @jumps; NAN if a value is not finite or memory runs out
 * (then @error is set). */
double      saddle_clarke_box_least_squares (const double *g,
                                             const double *jumps,
                                             gsize         n,
                                             gsize         m,
                                             double       *t,
                                             guint        *iterations,
                                             gboolean     *converged,
                                             GError      **error);

G_END_DECLS
