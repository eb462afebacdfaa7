/* saddle-newton.h — Newton-type refinement towards ∇L = 0, and the reach of a Newton step
 *
 * From a point where ‖∇L‖ is already small, these methods solve ∇L(θ) = 0,
 * whose roots are critical points of any index (saddles as well as minima);
 * every accepted step lowers ‖∇L‖, none raises it.
 *
 * DENSE     the full Hessian and its eigenpairs each iteration, then the best
 *           of a family of trial steps from the pseudo-inverse Newton step to
 *           strong Levenberg damping, backtracked, plus cheap chord steps on
 *           the same eigenvectors while the steps stay short.
 * MINRES    Newton-MR: δ from MINRES on H·δ = −∇L with Hessian-vector
 *           products (no n × n matrix), backtracked.
 * LM        Levenberg–Marquardt on the residual ∇L, whose Jacobian is H:
 *           (H² + μ·I)·δ = −H·∇L, μ adapted by the gain ratio ρ of the actual
 *           to the predicted fall of ½‖∇L‖² (Nielsen's rule: ρ > 0 accepts
 *           and shrinks μ by max(⅓, 1 − (2ρ − 1)³); otherwise μ grows by a
 *           factor that doubles with each rejection). Dense (the Hessian
 *           fits, n ≤ SADDLE_NEWTON_DENSE_MAX): through the eigendecomposition,
 *           with Transtrum & Sethna's geodesic acceleration (half the
 *           second-order correction along the step, one more gradient), a
 *           bolder μ/10 trial after each accepted step, and up to 5 further
 *           steps on one Hessian while ρ ≥ ¼. Otherwise: by conjugate
 *           gradients on H² + μ·I, two HVPs an iteration, plain LM.
 * AUTO      LM for smooth nets up to SADDLE_NEWTON_DENSE_MAX parameters if the
 *           dense Hessian fits in memory, MINRES otherwise. The rule, measured
 *           on the README's tanh recipe (1-2-1 tanh on 50 sinc points, 10
 *           runs, --newton-steps 100): LM reached ‖∇L‖ ≤ 1e-8 in 8 of 10
 *           (DENSE 6, MINRES 3), in 8–37 steps against DENSE's 38–470; with
 *           1,000 Hessians LM 8, DENSE 7, MINRES 4. ReLU nets get MINRES:
 *           their gradient jumps at kinks, so curvature from a dense build
 *           buys little: on the default ReLU study (5 runs) neither reached
 *           1e-8, and LM ended higher in 4 of 5 (median ‖∇L‖ 1.6e-4 against
 *           MINRES's 7.7e-5).

 * The Newton reach (saddle_newton_reach()) asks the question once, at a
 * point: MINRES on H·δ = −∇L to a stated tolerance, its residual measured.
 *
 * Errors are in SADDLE_CRITICAL_ERROR (CANCELLED, DIVERGED, INVALID) and, for
 * the dense build, SADDLE_HESSIAN_ERROR and SADDLE_SPECTRUM_ERROR. Threads:
 * no global state; one call per model at a time (the model's scratch).
 */
#pragma once

#include "saddle-batch.h"
#include "saddle-event.h"
#include "saddle-minres.h"
#include "saddle-model.h"

G_BEGIN_DECLS

typedef struct _SaddleCriticalSettings SaddleCriticalSettings;

typedef enum
{
  SADDLE_NEWTON_AUTO,               /* see the opening comment */
  SADDLE_NEWTON_DENSE,              /* pseudo-inverse step through the full eigendecomposition */
  SADDLE_NEWTON_MINRES,             /* Newton-MR: MINRES on H·δ = −∇L with HVPs, no n × n matrix */
  SADDLE_NEWTON_LM,                 /* Levenberg–Marquardt: (H² + μI)·δ = −H·∇L, adaptive μ */
} SaddleNewtonMethod;

/* Dense curvature (DENSE, and LM's dense path) up to this many parameters, if it fits. */
#define SADDLE_NEWTON_DENSE_MAX 4096
/* MINRES (or LM's CG) iterations per step when the settings say 0, and their default. */
#define SADDLE_NEWTON_MINRES_ITERATIONS 500

/* LM's first μ: this times max λ² (dense) or ‖H·∇L‖²/‖∇L‖² (CG). */
#define SADDLE_NEWTON_LM_MU0 1e-3

/* The reach solve: MINRES to this relative tolerance (on ‖H·δ + ∇L‖/‖∇L‖, or the least-squares
 * test ‖H·r‖ ≤ tol·‖H‖·‖r‖), within at most SADDLE_NEWTON_REACH_MAX_ITER HVPs. */
#define SADDLE_NEWTON_REACH_TOLERANCE 1e-10
#define SADDLE_NEWTON_REACH_MAX_ITER  10000

/* Is a critical point within Newton's reach? δ is the MINRES (least-squares) solution of
 * H·δ = −∇L from δ = 0 (after a least-squares stop, its minimum-length form A⁺·b). If the
 * residual ‖H·δ + ∇L‖/‖∇L‖ is small, the local quadratic model has a critical point at
 * θ + δ, ‖δ‖ away: short and crossing no ReLU kink, Newton can get there. If the solve
 * converged and the residual is large, ∇L has a part outside the range of H: the model has
 * no critical point, however small ‖∇L‖ is. If it did not converge (@converged FALSE), a
 * large residual says only that the solve stopped early, and ‖δ‖ is where it stopped. The
 * residual is measured with one more HVP: with H·∇L = 0 (gradient-flat), δ = 0 and it is 1. */
typedef struct
{
  double   gradient;       /* ‖∇L‖ at θ */
  double   distance;       /* ‖δ‖; 0 when ∇L = 0 */
  double   residual;       /* ‖H·δ + ∇L‖ / ‖∇L‖, measured; 0 when ∇L = 0 */
  guint    iterations;     /* HVPs the solve took (the measurement not counted) */
  gboolean converged;      /* the solve met @tolerance (or closed its Krylov space) */
  double   tolerance;      /* the relative tolerance it was run to */
  guint64  kinks_crossed;  /* ReLU pre-activations changing side from θ to θ + δ */
} SaddleNewtonReach;

/* A residual at or below this means the local model has a critical point at θ + δ (so does
 * a leftover ‖H·δ + ∇L‖ at rounding level, ≤ SADDLE_CRITICAL_REACHED_GRAD_NORM). */
#define SADDLE_NEWTON_REACH_RESIDUAL 1e-6

/* INVALID (in SADDLE_CRITICAL_ERROR, naming the field) unless newton_tolerance ≥ 0, 0 ≤
 * newton_cutoff < 1 and newton_method is one of the above. */
gboolean    saddle_newton_check_settings     (const SaddleCriticalSettings *settings,
                                              GError                      **error);
/* Refines @theta in place towards ∇L = 0 by settings->newton_method. Stops at ‖∇L‖ ≤
 * newton_tolerance, after newton_steps iterations (Hessians built for DENSE and dense LM;
 * MINRES or CG solves otherwise), or when no step lowers ‖∇L‖ (by at least 0.1 %; LM: five
 * accepted steps in a row that do not, or 20 rejections in a row) — not an error; ‖∇L‖
 * never rises. Emits a DESCENT event (message "newton", iteration @first_step + steps
 * accepted) after each step and PROGRESS events (message "newton", share of newton_steps)
 * while building Hessians and solving; FALSE from either cancels (CANCELLED), @theta then at
 * the last accepted point. @steps (may be NULL) gets the steps accepted. DIVERGED if the
 * loss, gradient or Hessian is not finite at @theta; LAPACK and TOO_LARGE (dense) in their
 * domains. */
gboolean    saddle_newton_refine             (SaddleModel                  *model,
                                              double                       *theta,
                                              const SaddleBatch            *batch,
                                              const SaddleCriticalSettings *settings,
                                              guint                         run,
                                              guint                         first_step,
                                              SaddleEventFunc               func,
                                              gpointer                      user_data,
                                              guint                        *steps,
                                              GError                      **error);
/* The Levenberg–Marquardt step δ = −(H² + μ·I)⁻¹·H·@grad at @theta into @delta (n), by CG
 * on H² + μ·I (two HVPs an iteration) from δ = 0 to ‖residual‖ ≤ @rtol·‖H·grad‖ or
 * @max_iterations; @iterations (may be NULL) gets the CG iterations. LM's matrix-free path.
 * INVALID unless μ > 0; DIVERGED on a non-finite HVP. */
gboolean    saddle_newton_lm_step            (SaddleModel                  *model,
                                              const double                 *theta,
                                              const SaddleBatch            *batch,
                                              const double                 *grad,
                                              double                        mu,
                                              double                        rtol,
                                              guint                         max_iterations,
                                              double                       *delta,
                                              guint                        *iterations,
                                              GError                      **error);
/* Whether a critical point is within Newton's reach of @theta (∇L there is @grad), and how
 * far: MINRES to SADDLE_NEWTON_REACH_TOLERANCE within SADDLE_NEWTON_REACH_MAX_ITER HVPs.
 * PROGRESS events (message "newton reach", share of the cap) go to @func (may be NULL) at
 * least every SADDLE_EVENT_POLL_INTERVAL; FALSE from it cancels (CANCELLED). */
gboolean    saddle_newton_reach              (SaddleModel                  *model,
                                              const double                 *theta,
                                              const SaddleBatch            *batch,
                                              const double                 *grad,
                                              SaddleEventFunc               func,
                                              gpointer                      user_data,
                                              SaddleNewtonReach            *reach,
                                              GError                      **error);
/* TRUE if the local quadratic model has a critical point, at reach->distance: the residual is
 * within SADDLE_NEWTON_REACH_RESIDUAL, or what is left of ∇L within
 * SADDLE_CRITICAL_REACHED_GRAD_NORM (at a critical point ∇L is rounding, in any direction). */
gboolean    saddle_newton_reach_found        (const SaddleNewtonReach      *reach);
/* Whether the solve ended before its cap without converging: MINRES's iterate began to
 * diverge once rounding stalled it (SADDLE_MINRES_STOP_DIVERGED), and δ is its iterate of
 * least ‖H·r‖. Read from the counts alone, so it holds for results read back too. */
gboolean    saddle_newton_reach_diverged     (const SaddleNewtonReach      *reach);
/* "auto", "dense", "minres", "lm"; NULL for an unknown value. */
const char *saddle_newton_method_to_string   (SaddleNewtonMethod            method);
/* Parses "auto", "dense", "minres" or "lm" (any case); FALSE for anything else. */
gboolean    saddle_newton_method_from_string (const char                   *name,
                                              SaddleNewtonMethod           *method);

G_END_DECLS
