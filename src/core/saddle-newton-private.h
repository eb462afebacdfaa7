/* saddle-newton-private.h — what the Newton refinement's files share (not public API)
 *
 * saddle-newton.c holds the refinement's driver, its dense and Newton-MR steps and the reach
 * of a Newton step; saddle-newton-lm.c the Levenberg–Marquardt steps. Both work on one
 * Refine: every vector (n) of a refinement in one allocation.
 */
#pragma once

#include <cblas.h>

#include "saddle-critical.h"
#include "saddle-newton.h"

G_BEGIN_DECLS

/* A step on fresh curvature that lowers ‖∇L‖ by less than this share ends
 * the refinement; on reused curvature it asks for a new Hessian. */
#define NEWTON_MIN_PROGRESS  1e-3

/* MINRES iterations between PROGRESS events (each is one HVP). */
#define MINRES_EVENT_EVERY   16

/* Default MINRES cap when the settings say 0. */
#define MINRES_DEFAULT_ITER  SADDLE_NEWTON_MINRES_ITERATIONS

/* One refinement's state. Every vector is (n) and lives in one allocation. */
typedef struct
{
  SaddleModel                  *model;
  const SaddleBatch            *batch;
  const SaddleCriticalSettings *settings;
  gsize                         n;
  SaddleEventFunc               func;
  gpointer                      user_data;
  guint                         run;
  guint                         iteration;   /* Newton iteration under way, 0-based */
  gboolean                      cancelled;   /* a PROGRESS event returned FALSE */
  gint64                        last_poll;   /* of a solve's PROGRESS events (monotonic µs) */
  const char                   *message;     /* of PROGRESS events: "newton" unless set */
  double                        loss;        /* L at θ */
  double                        f;           /* ‖∇L‖² at θ */
  double                       *g;           /* ∇L at θ */
  double                       *trial;       /* θ + α·δ */
  double                       *g_trial;     /* ∇L at the trial point */
  double                       *best;        /* the best trial point so far (dense) */
  double                       *g_best;      /* ∇L there */
  double                       *delta;       /* step direction δ */
  double                       *coef;        /* v_iᵀ∇L (dense), or H·δ (MINRES) */
  double                       *scaled;      /* step coefficients on the v_i, or H·∇L */
  double                       *eigenvalues; /* λ_i ascending (dense) */
} Refine;

static inline double
norm2 (const double *v,
       gsize         n)
{
  return cblas_dnrm2 ((int) n, v, 1);
}

/* @r for @model on @batch, no buffers, no events yet. */
void     saddle_newton_refine_init         (Refine                       *r,
                                            SaddleModel                  *model,
                                            const SaddleBatch            *batch,
                                            const SaddleCriticalSettings *settings);

/* Sends a PROGRESS event at @within (0..1) of the iteration under way; FALSE (and
 * r->cancelled) when it asks to stop. */
gboolean saddle_newton_progress            (Refine *r,
                                            double  within);

/* saddle_newton_progress() as a SaddleProgressFunc (the Hessian builds' columns). */
gboolean saddle_newton_hessian_progress_cb (double   fraction,
                                            gpointer user_data);

/* Whether a solve at iteration @k reports (and so may be cancelled): every
 * MINRES_EVENT_EVERY-th, and whenever SADDLE_EVENT_POLL_INTERVAL has passed, since on a big
 * batch sixteen products take far longer than Stop may. */
gboolean saddle_newton_solve_event_due     (Refine *r,
                                            guint   k);

/* CANCELLED, naming the step the refinement stopped at. */
void     saddle_newton_set_cancelled       (Refine  *r,
                                            GError **error);

/* ‖∇L‖² at @theta with ∇L into @grad and L into @loss; NAN if not finite. */
double   saddle_newton_gradient_norm2      (Refine       *r,
                                            const double *theta,
                                            double       *grad,
                                            double       *loss);

/* Replaces the dense Hessian in @h by its eigenvectors (v_i = row i) and r->eigenvalues. */
gboolean saddle_newton_dense_decompose     (Refine  *r,
                                            double  *h,
                                            GError **error);

/* out = H·v at θ, one HVP; FALSE with DIVERGED if it is not finite. */
gboolean saddle_newton_apply_hessian       (Refine        *r,
                                            const double  *theta,
                                            const double  *v,
                                            double        *out,
                                            GError       **error);

/* LM from θ (see saddle-newton.h): @dense through the eigendecomposition, else by CG. Each
 * accepted step is counted in *@taken and announced by a DESCENT event. */
gboolean saddle_newton_lm_refine           (Refine    *r,
                                            double    *theta,
                                            gboolean   dense,
                                            guint      first_step,
                                            guint     *taken,
                                            GError   **error);

G_END_DECLS
