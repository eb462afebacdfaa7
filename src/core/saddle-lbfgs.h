/* saddle-lbfgs.h — limited-memory BFGS on a smooth (or piecewise smooth) objective
 *
 * Used to ask one question of a point: does the loss still fall if we simply keep
 * minimising it? The iteration is the textbook two-loop recursion (Nocedal & Wright,
 * Algorithm 7.4) with the last SADDLE_LBFGS_MEMORY pairs, a backtracking Armijo line
 * search from the unit step, and pairs with sᵀy ≤ 0 skipped (ReLU losses have kinks,
 * where curvature pairs can be useless). All memory is allocated once; the objective
 * callback is the only work. Not thread-safe per call; no global state.
 */
#pragma once

#include <glib.h>

#include "saddle-work.h"

G_BEGIN_DECLS

#define SADDLE_LBFGS_MEMORY 10

/* f(@x); fills @grad (n) with ∇f(@x). Returns NAN or ±∞ where f is not finite there. */
typedef double (*SaddleObjectiveFunc) (const double *x,
                                       double       *grad,
                                       gpointer      user_data);

typedef struct
{
  double f_start;       /* f at the start */
  double f_end;         /* f at the end (the lowest seen) */
  guint  iterations;    /* accepted steps */
  guint  evaluations;   /* calls of the objective */
  gboolean stalled;     /* stopped early: no step along the direction or −∇f lowered f */
  gboolean cancelled;   /* @progress returned FALSE */
} SaddleLbfgsResult;

/* Minimises @func from @x (n) in place for at most @max_iterations accepted steps, stopping
 * early when ∇f = 0 or no step lowers f. @progress (may be NULL) is called after every step
 * with the share of @max_iterations done; FALSE stops at once (@x at the last accepted point,
 * result->cancelled set). @x ends at the lowest f seen. */
void saddle_lbfgs_minimise (gsize                n,
                            double              *x,
                            guint                max_iterations,
                            SaddleObjectiveFunc  func,
                            gpointer             user_data,
                            SaddleProgressFunc   progress,
                            gpointer             progress_data,
                            SaddleLbfgsResult   *result);

G_END_DECLS
