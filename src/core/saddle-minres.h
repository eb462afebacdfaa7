/* saddle-minres.h — MINRES for a symmetric system A·x = b given only as an operator
 *
 * A may be indefinite and singular (a Hessian is both), and b need not lie in
 * its range. From x = 0, MINRES (Paige & Saunders 1975) takes the iterate of
 * least ‖b − A·x‖ over the growing Krylov space span{b, A·b, A²·b, …}: for a
 * consistent system it converges to the minimum-norm solution A⁺·b; for an
 * inconsistent one to a least-squares solution (‖b − A·x‖ = the norm of b's
 * part outside the range of A), whose range part is A⁺·b but which may carry
 * a multiple of that outside part as well — saddle_minres_min_length() removes
 * it. A is only ever applied to vectors; memory is six vectors of n.
 *
 * Stopping rules, all relative to @rtol and all from MINRES's own running
 * estimates (no extra products): ‖r‖ ≤ rtol·‖b‖ (solved); ‖A·r‖ ≤ rtol·‖A‖·‖r‖
 * for the previous iterate (a least-squares solution: r is in the kernel of A
 * to that tolerance; the last update is still taken unless its pivot is at
 * rounding level, ≤ 100·ε·‖A‖, where it would throw x away), with ‖A‖ estimated as in Paige
 * and Saunders' code: the Frobenius norm of the Lanczos tridiagonal so far,
 * with ‖b‖² counted in at the first step (so for ‖b‖ ≫ ‖A‖ the test is
 * looser; Newton's b = −∇L is small); the Krylov space closed (β = 0); or the
 * iteration cap.
 *
 * Threads: the solver keeps no state between calls; it is as thread-safe as
 * the operator it is given.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_MINRES_ERROR (saddle_minres_error_quark ())

typedef enum
{
  SADDLE_MINRES_ERROR_INVALID,      /* n = 0 or a tolerance that is not a number in [0, 1) */
  SADDLE_MINRES_ERROR_NOT_FINITE,   /* the operator returned NaN or ±∞ */
} SaddleMinresError;

/* av = A·v for the (n) vectors v and av; FALSE with @error stops the solve (cancel, failure). */
typedef gboolean (*SaddleMinresOperatorFunc) (const double *v,
                                              double       *av,
                                              gpointer      user_data,
                                              GError      **error);

/* Why a solve stopped. */
typedef enum
{
  SADDLE_MINRES_STOP_ZERO_RHS,      /* b = 0: x = 0 exactly */
  SADDLE_MINRES_STOP_RESIDUAL,      /* ‖b − A·x‖ ≤ rtol·‖b‖ */
  SADDLE_MINRES_STOP_LEAST_SQUARES, /* ‖A·r‖ ≤ rtol·‖A‖·‖r‖: b is (to rtol) not in the range */
  SADDLE_MINRES_STOP_KRYLOV,        /* the Krylov space closed (β = 0, or A·b = 0): x is final */
  SADDLE_MINRES_STOP_CAP,           /* the iteration cap came first: not converged */
  SADDLE_MINRES_STOP_DIVERGED,      /* x grew tenfold past the iterate of least ‖A·r‖/‖r‖
                                       once that was below 1e-8·‖A‖: rounding, not the
                                       system; x is that iterate. Not converged */
} SaddleMinresStop;

typedef struct
{
  guint            iterations;  /* operator products taken */
  gboolean         converged;   /* stop is neither SADDLE_MINRES_STOP_CAP nor _DIVERGED */
  SaddleMinresStop stop;
  double           residual;    /* ‖b − A·x‖ as MINRES estimates it (rounding can hide in it) */
  double           normal;      /* ‖A·r‖ estimate, for the step before the last */
  double           norm_a;      /* ‖A‖ estimate (Frobenius norm of the tridiagonal) */
  double           norm_b;      /* ‖b‖ */
} SaddleMinresResult;

GQuark      saddle_minres_error_quark (void);
/* Solves A·x = @b (n) into @x (n) from x = 0 to @rtol or @max_iterations products; @result
 * (may be NULL) says how. FALSE only when the operator fails or returns a non-finite vector. */
gboolean    saddle_minres_solve       (gsize                      n,
                                       SaddleMinresOperatorFunc   op,
                                       gpointer                   user_data,
                                       const double              *b,
                                       double                     rtol,
                                       guint                      max_iterations,
                                       double                    *x,
                                       SaddleMinresResult        *result,
                                       GError                   **error);
/* After a least-squares stop: measures r = b − A·x (one product) into @r (n, may be NULL) and
 * removes from @x its component along r, x ← x − (rᵀx / rᵀr)·r. At a least-squares solution r
 * is b's part outside the range, the only direction outside the range MINRES's x can hold, so
 * x becomes A⁺·b; ‖r‖ is unchanged (A·r = 0). @residual (may be NULL) gets ‖r‖. */
gboolean    saddle_minres_min_length  (gsize                      n,
                                       SaddleMinresOperatorFunc   op,
                                       gpointer                   user_data,
                                       const double              *b,
                                       double                    *x,
                                       double                    *r,
                                       double                    *residual,
                                       GError                   **error);
/* "zero right-hand side", "residual", "least squares", "Krylov space closed", "iteration cap". */
const char *saddle_minres_stop_to_string (SaddleMinresStop stop);

G_END_DECLS
