/* saddle-critical.c — find a point where the gradient is almost zero and analyse its Hessian */
#define G_LOG_DOMAIN "saddle-critical"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <cblas.h>
#include <glib/gi18n-lib.h>
#include <lapacke.h>

#include "saddle-critical.h"
#include "saddle-clarke.h"
#include "saddle-exact-reach.h"
#include "saddle-lbfgs.h"
#include "saddle-optimizer.h"

/* Events every step at the start of a descent, then about this many in all:
 * the UI plots them, and a 10,000-step descent must not flood it. */
#define DESCENT_EVERY_STEP   10
#define DESCENT_MAX_EVENTS   200
/* DEGENERATE when the zero band holds more than this share of the spectrum. */
#define DEGENERATE_SHARE     0.10
/* Armijo constant of the Newton line search on ‖∇L‖². */
#define ARMIJO               1e-4
/* Step halvings before a Newton direction is given up (α ≥ 2⁻³⁰): each costs
 * one gradient, far less than the Hessian the direction came from. */
#define NEWTON_HALVINGS      30
/* Dense steps try μ = 0 and LEVENBERG_LEVELS damping values spread evenly in
 * log scale over max|λ|²·[10^−LEVENBERG_DECADES, 1], each at α = 1, ½, …
 * 2^−TRIAL_HALVINGS: 100 gradients, a fraction of one Hessian (n of them,
 * and dearer each) once n is a few hundred. */
#define LEVENBERG_LEVELS     9
#define LEVENBERG_DECADES    16.0
#define TRIAL_HALVINGS       9
/* A step on fresh curvature that lowers ‖∇L‖ by less than this share ends
 * the refinement; on reused curvature it asks for a new Hessian. */
#define NEWTON_MIN_PROGRESS  1e-3
/* Chord steps (reusing an older Hessian's eigenvectors) allowed per Hessian. */
#define NEWTON_CHORD_MAX     5
/* L-BFGS steps of the still-descending test between PROGRESS events. */
#define STILL_EVENT_EVERY    25
/* MINRES iterations between PROGRESS events (each is one HVP). */
#define MINRES_EVENT_EVERY   16
/* Default MINRES cap when the settings say 0. */
#define MINRES_DEFAULT_ITER  500
/* The Newton-reach solve at an analysed point: a diagnosis, not a step, so it may be loose. */
#define REACH_MAX_ITER       200
#define REACH_RTOL           1e-8

typedef struct
{
  SaddleEventFunc func;
  gpointer        user_data;
  guint           run;
  double          weight;     /* share of the analysis the Hessian build takes */
} ProgressContext;

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

G_DEFINE_QUARK (saddle-critical-error-quark, saddle_critical_error)

static double
norm2 (const double *v,
       gsize         n)
{
  return cblas_dnrm2 ((int) n, v, 1);
}

static gboolean
all_finite (const double *v,
            gsize         n)
{
  double poison = 0.0;   /* x · 0 is NaN exactly when x is NaN or ±∞ */

  for (gsize i = 0; i < n; i++)
    poison += v[i] * 0.0;
  return !isnan (poison);
}

static gboolean
settings_valid (const SaddleModel            *model,
                const SaddleCriticalSettings *settings,
                const SaddleBatch            *batch,
                GError                      **error)
{
  g_autoptr(GError) batch_error = NULL;

  if (batch->n == 0)
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The training set is empty: a critical point needs at least one sample");
      return FALSE;
    }
  if (!saddle_model_check_batch (model, batch, &batch_error))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "%s", batch_error->message);
      return FALSE;
    }
  if (!(settings->descent_lr > 0.0) || !isfinite (settings->descent_lr))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The descent learning rate must be a positive number (got %g)",
                   settings->descent_lr);
      return FALSE;
    }
  if (!(settings->grad_tolerance >= 0.0))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The gradient tolerance must be zero or positive (got %g)",
                   settings->grad_tolerance);
      return FALSE;
    }
  if (!(settings->zero_tolerance >= 0.0) || !isfinite (settings->zero_tolerance))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The eigenvalue zero tolerance must be zero or positive (got %g)",
                   settings->zero_tolerance);
      return FALSE;
    }
  return TRUE;
}

static gboolean
emit_descent (SaddleEventFunc func,
              gpointer        user_data,
              guint           run,
              guint           step,
              double          loss,
              double          grad_norm,
              const char     *message)
{
  SaddleEvent event;

  if (func == NULL)
    return TRUE;

  event = saddle_event_init (SADDLE_EVENT_DESCENT, run);
  event.iteration = step;
  event.loss = loss;
  event.grad_norm = grad_norm;
  event.message = message;
  return func (&event, user_data);
}

static gboolean
emit_progress (const ProgressContext *ctx,
               double                 fraction,
               const char            *message)
{
  SaddleEvent event;

  if (ctx->func == NULL)
    return TRUE;

  event = saddle_event_init (SADDLE_EVENT_PROGRESS, ctx->run);
  event.fraction = CLAMP (fraction, 0.0, 1.0);
  event.message = message;
  return ctx->func (&event, ctx->user_data);
}

static gboolean
hessian_progress_cb (double   fraction,
                     gpointer user_data)
{
  const ProgressContext *ctx = user_data;

  return emit_progress (ctx, fraction * ctx->weight, N_("Hessian"));
}

/* A rough cost model so the progress bar moves evenly: one Hessian column
 * costs about 12 flops per sample and parameter (R-forward and R-backward),
 * except that for an identity direction the model skips the first layer's
 * dense product, so its input weights cost almost nothing; the
 * eigenvalue-only reduction costs about 4/3·n³ at a similar rate. */
static double
hessian_share (const SaddleModel *model,
               gsize              samples)
{
  double n = (double) saddle_model_n_params (model);
  double first = (double) saddle_model_width (model, 0) * saddle_model_width (model, 1);
  double per_column = 12.0 * (double) samples * MAX (n - first, 0.1 * n);
  double build = per_column * n;
  double eigen = 4.0 / 3.0 * n * n * n;

  return build + eigen > 0.0 ? build / (build + eigen) : 0.5;
}

/* Event stride after the first DESCENT_EVERY_STEP steps, so a descent of
 * @max_steps emits at most about DESCENT_MAX_EVENTS events. */
static guint
descent_stride (guint max_steps)
{
  guint64 rest = max_steps > DESCENT_EVERY_STEP ? max_steps - DESCENT_EVERY_STEP : 0;
  guint64 budget = DESCENT_MAX_EVENTS - DESCENT_EVERY_STEP;

  return (guint) MAX (1, (rest + budget - 1) / budget);
}

static gboolean
newton_settings_valid (const SaddleCriticalSettings *settings,
                       GError                      **error)
{
  if (!(settings->newton_tolerance >= 0.0))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The Newton tolerance on ‖∇L‖ must be zero or positive (got %g)",
                   settings->newton_tolerance);
      return FALSE;
    }
  if (!(settings->newton_cutoff >= 0.0 && settings->newton_cutoff < 1.0))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "The Newton eigenvalue cutoff must be at least 0 and below 1, relative "
                   "to max|λ| (got %g)", settings->newton_cutoff);
      return FALSE;
    }
  if (settings->newton_method != SADDLE_NEWTON_AUTO &&
      settings->newton_method != SADDLE_NEWTON_DENSE &&
      settings->newton_method != SADDLE_NEWTON_MINRES)
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "Unknown Newton method %d: use auto, dense or minres",
                   (int) settings->newton_method);
      return FALSE;
    }
  return TRUE;
}

/* @r for @model on @batch, no buffers, no events yet. */
static void
refine_init (Refine                       *r,
             SaddleModel                  *model,
             const SaddleBatch            *batch,
             const SaddleCriticalSettings *settings)
{
  memset (r, 0, sizeof *r);
  r->model = model;
  r->batch = batch;
  r->settings = settings;
  r->n = saddle_model_n_params (model);
}

static gboolean
refine_progress (Refine *r,
                 double  within)
{
  SaddleEvent event;
  double total = MAX (1u, r->settings->newton_steps);

  if (r->func == NULL)
    return TRUE;

  event = saddle_event_init (SADDLE_EVENT_PROGRESS, r->run);
  event.fraction = CLAMP ((r->iteration + CLAMP (within, 0.0, 1.0)) / total, 0.0, 1.0);
  event.message = N_("newton");
  if (!r->func (&event, r->user_data))
    r->cancelled = TRUE;
  return !r->cancelled;
}

static gboolean
refine_hessian_progress_cb (double   fraction,
                            gpointer user_data)
{
  return refine_progress (user_data, fraction);
}

static void
set_cancelled (Refine  *r,
               GError **error)
{
  g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
               "The Newton refinement was cancelled at step %u", r->iteration);
}

/* ‖∇L‖² at @theta with ∇L into @grad and L into @loss; NAN if not finite. */
static double
gradient_norm2 (Refine       *r,
                const double *theta,
                double       *grad,
                double       *loss)
{
  double l = saddle_model_loss_grad (r->model, theta, r->batch, grad);
  double f = cblas_ddot ((int) r->n, grad, 1, grad, 1);

  if (!isfinite (l) || !isfinite (f))
    return NAN;
  *loss = l;
  return f;
}

/* Backtracking from θ along r->delta: the first α = 1, ½, … (at most @halvings halvings) with
 * ‖∇L(θ + αδ)‖² ≤ f − 2·ARMIJO·α·@decrease is taken, −2·@decrease being the slope of ‖∇L‖²
 * along δ at θ (2·∇Lᵀ·H·δ). θ, ∇L, f and L then move there. The strict f_trial < f keeps a
 * step too small to change θ in floating point from counting as progress. */
static gboolean
line_search (Refine *r,
             double *theta,
             double  decrease,
             guint   halvings)
{
  double alpha = 1.0;

  if (!(decrease > 0.0) || !isfinite (decrease))
    return FALSE;

  for (guint k = 0; k <= halvings; k++, alpha *= 0.5)
    {
      double loss = NAN, f;

      for (gsize i = 0; i < r->n; i++)
        r->trial[i] = theta[i] + alpha * r->delta[i];

      f = gradient_norm2 (r, r->trial, r->g_trial, &loss);
      if (!isnan (f) && f < r->f && f <= r->f - 2.0 * ARMIJO * alpha * decrease)
        {
          double *swap = r->g;

          memcpy (theta, r->trial, r->n * sizeof (double));
          r->g = r->g_trial;
          r->g_trial = swap;
          r->f = f;
          r->loss = loss;
          return TRUE;
        }
    }

  return FALSE;
}

/* Room for the dense Hessian and dsyevd's eigenvector workspace (1 + 6n + 2n² doubles,
 * 3 + 5n ints) beside it? */
static gboolean
dense_fits (gsize n)
{
  gsize work;

  if (n > SADDLE_NEWTON_DENSE_MAX)
    return FALSE;
  work = (1 + 6 * n + 2 * n * n) * sizeof (double) + (3 + 5 * n) * sizeof (lapack_int)
         + 8 * n * sizeof (double);
  return saddle_hessian_check_memory (n, work, NULL);
}

/* Replaces the dense Hessian in @h by its eigenvectors (v_i = row i) and r->eigenvalues. */
static gboolean
dense_decompose (Refine  *r,
                 double  *h,
                 GError **error)
{
  const int n = (int) r->n;
  lapack_int info;

  /* H is symmetric, so its row-major buffer is also its column-major self;
   * dsyevd returns the eigenvectors as columns in column-major order, i.e.
   * v_i is row i of the buffer read row-major. */
  info = LAPACKE_dsyevd (LAPACK_COL_MAJOR, 'V', 'U', n, h, n, r->eigenvalues);
  if (info == 0)
    return TRUE;

  if (info == LAPACK_WORK_MEMORY_ERROR)
    g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
                 "Not enough memory for the eigenvectors of the %d × %d Hessian in the "
                 "Newton refinement; use the MINRES method or a smaller model", n, n);
  else
    g_set_error (error, SADDLE_SPECTRUM_ERROR, SADDLE_SPECTRUM_ERROR_LAPACK,
                 "The eigensolver (dsyevd) failed in the Newton refinement (info %d)",
                 (int) info);
  return FALSE;
}

/* One step from θ through an eigendecomposition (@vectors, r->eigenvalues) of the Hessian at
 * θ or at an earlier point (a chord step). TRUE if θ moved, with *@full when the step taken
 * was the whole pseudo-inverse Newton step and *@small when it lowered ‖∇L‖ by less than
 * NEWTON_MIN_PROGRESS; FALSE if no trial lowered ‖∇L‖. */
static gboolean
dense_step (Refine       *r,
            double       *theta,
            const double *vectors,
            gboolean     *full,
            gboolean     *small)
{
  const int n = (int) r->n;
  const double *w = r->eigenvalues;
  double *coef = r->coef;
  double *s = r->scaled;
  double max_abs, cut, mu_max, best_f, best_loss = NAN;
  gboolean best_full = FALSE;

  *full = *small = FALSE;

  max_abs = MAX (fabs (w[0]), fabs (w[n - 1]));
  if (!(max_abs > 0.0) || !isfinite (max_abs))
    return FALSE;

  cblas_dgemv (CblasRowMajor, CblasNoTrans, n, n, 1.0, vectors, n, r->g, 1, 0.0, coef, 1);

  /* Every trial below costs one gradient, the decomposition about n of
   * them, so many trials are cheap: the whole Levenberg path from the
   * pseudo-inverse Newton step (μ = 0: Newton within the range of H, nothing
   * along its near-null space, where 1/λ is rounding noise blown up) to
   * nearly steepest descent on ‖∇L‖² (δ = −(H² + μ)⁻¹·H·∇L, the
   * Gauss–Newton step for the residual ∇L whose Jacobian is H), each with
   * backtracking. The best trial wins: on a ReLU net the gradient jumps
   * where a sample crosses a unit's kink, and along a flat direction the
   * cubic term soon outweighs λ, so the quadratic model holds only so far
   * and no single rule picks the step. */
  cut = r->settings->newton_cutoff * max_abs;
  mu_max = max_abs * max_abs;
  best_f = r->f;
  for (int level = 0; level <= LEVENBERG_LEVELS; level++)
    {
      double decades = LEVENBERG_DECADES * (LEVENBERG_LEVELS - level) / (LEVENBERG_LEVELS - 1);
      double mu = level == 0 ? 0.0 : mu_max * pow (10.0, -decades);
      double alpha = 1.0;

      for (int i = 0; i < n; i++)
        s[i] = fabs (w[i]) > cut ? w[i] * coef[i] / (w[i] * w[i] + mu) : 0.0;
      cblas_dgemv (CblasRowMajor, CblasTrans, n, n, -1.0, vectors, n, s, 1, 0.0, r->delta, 1);

      for (int k = 0; k <= TRIAL_HALVINGS; k++, alpha *= 0.5)
        {
          double loss = NAN, f;

          for (int i = 0; i < n; i++)
            r->trial[i] = theta[i] + alpha * r->delta[i];
          f = gradient_norm2 (r, r->trial, r->g_trial, &loss);
          if (!isnan (f) && f < best_f)
            {
              double *swap;

              best_f = f;
              best_loss = loss;
              best_full = level == 0 && k == 0;
              swap = r->best;
              r->best = r->trial;
              r->trial = swap;
              swap = r->g_best;
              r->g_best = r->g_trial;
              r->g_trial = swap;
            }
        }
    }

  if (!(best_f < r->f))
    return FALSE;

  *full = best_full;
  *small = sqrt (best_f) > (1.0 - NEWTON_MIN_PROGRESS) * sqrt (r->f);

  {
    double *swap = r->g;

    memcpy (theta, r->best, r->n * sizeof (double));
    r->g = r->g_best;
    r->g_best = swap;
    r->f = best_f;
    r->loss = best_loss;
  }
  return TRUE;
}

/* out = H·v at θ, one HVP; FALSE with DIVERGED if it is not finite. */
static gboolean
apply_hessian (Refine       *r,
               const double *theta,
               const double *v,
               double       *out,
               GError      **error)
{
  saddle_model_hvp (r->model, theta, r->batch, v, 1, out, NULL);
  if (!all_finite (out, r->n))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                   "A Hessian-vector product became NaN or infinite in the Newton "
                   "refinement (step %u)", r->iteration);
      return FALSE;
    }
  return TRUE;
}

/* MINRES (Paige & Saunders 1975) for H·x = @b from x = 0, H applied by HVPs at θ. Stops when
 * ‖b − H·x‖ ≤ @rtol·‖b‖; when ‖H·r‖ ≤ @rtol·‖H‖·‖r‖ (b is not in the range of a singular H, and x
 * is a least-squares solution); when the Krylov space is exhausted; or after @max_iter HVPs.
 * Every iterate is a descent direction for ‖∇L‖² when b = −∇L (Liu & Roosta, Newton-MR), so a
 * capped solve still serves. @relres (may be NULL) gets ‖b − H·x‖/‖b‖ (MINRES's own estimate),
 * @iterations (may be NULL) the HVPs used. FALSE only on cancel or a non-finite HVP. */
static gboolean
minres (Refine       *r,
        const double *theta,
        const double *b,
        double        rtol,
        guint         max_iter,
        double       *x,
        double       *relres,
        guint        *iterations,
        GError      **error)
{
  const gsize n = r->n;
  g_autofree double *memory = g_new0 (double, 6 * n);
  double *v = memory;
  double *r1 = memory + n;       /* the Lanczos vector before last, unnormalised */
  double *r2 = memory + 2 * n;   /* the last one */
  double *y = memory + 3 * n;    /* the next one */
  double *wa = memory + 4 * n;   /* the direction w_k */
  double *wb = memory + 5 * n;   /* w_{k−1} */
  double beta1, beta, oldb = 0.0, dbar = 0.0, epsln = 0.0, phibar, cs = -1.0, sn = 0.0;
  double tnorm2 = 0.0;

  memset (x, 0, n * sizeof (double));
  if (relres != NULL)
    *relres = 0.0;
  if (iterations != NULL)
    *iterations = 0;
  beta1 = norm2 (b, n);
  if (beta1 == 0.0)
    return TRUE;

  memcpy (r1, b, n * sizeof (double));
  memcpy (r2, b, n * sizeof (double));
  beta = beta1;
  phibar = beta1;

  for (guint itn = 1; itn <= max_iter; itn++)
    {
      double alfa, oldeps, delta, gbar, root, gamma, phi, anorm;
      double *swap;

      for (gsize i = 0; i < n; i++)
        v[i] = r2[i] / beta;
      if (!apply_hessian (r, theta, v, y, error))
        return FALSE;
      if (itn >= 2)
        cblas_daxpy ((int) n, -beta / oldb, r1, 1, y, 1);
      alfa = cblas_ddot ((int) n, v, 1, y, 1);
      cblas_daxpy ((int) n, -alfa / beta, r2, 1, y, 1);

      /* r1 ← r2 ← y; the old r1 buffer is free for the next y. */
      swap = r1;
      r1 = r2;
      r2 = y;
      y = swap;

      oldb = beta;
      beta = norm2 (r2, n);
      tnorm2 += alfa * alfa + oldb * oldb + beta * beta;

      /* The previous plane rotation on the new column of the tridiagonal. */
      oldeps = epsln;
      delta = cs * dbar + sn * alfa;
      gbar = sn * dbar - cs * alfa;
      epsln = sn * beta;
      dbar = -cs * beta;
      root = hypot (gbar, dbar);

      /* The next rotation, annihilating β. */
      gamma = hypot (gbar, beta);
      if (gamma == 0.0)
        gamma = DBL_EPSILON * sqrt (tnorm2);
      if (gamma == 0.0)
        break;   /* H·b = 0: nothing in the Krylov space helps */
      cs = gbar / gamma;
      sn = beta / gamma;
      phi = cs * phibar;
      phibar = sn * phibar;
      if (relres != NULL)
        *relres = fabs (phibar) / beta1;
      if (iterations != NULL)
        *iterations = itn;

      /* w_k = (v − ε·w_{k−2} − δ·w_{k−1}) / γ into the w_{k−2} buffer. */
      for (gsize i = 0; i < n; i++)
        wb[i] = (v[i] - oldeps * wb[i] - delta * wa[i]) / gamma;
      swap = wa;
      wa = wb;
      wb = swap;
      cblas_daxpy ((int) n, phi, wa, 1, x, 1);

      anorm = sqrt (tnorm2);
      if (phibar <= rtol * beta1 || root <= rtol * anorm || beta == 0.0)
        break;

      if (itn % MINRES_EVENT_EVERY == 0 && !refine_progress (r, (double) itn / max_iter))
        {
          set_cancelled (r, error);
          return FALSE;
        }
    }

  return TRUE;
}

/* One Newton-MR step: δ from MINRES on H·δ = −∇L, then the line search; steepest descent
 * on ‖∇L‖² (δ = −α·H·∇L) if that fails. TRUE if θ moved (with *@stalled if by less than
 * NEWTON_MIN_PROGRESS); FALSE with *@stalled if nothing lowered ‖∇L‖, else with @error. */
static gboolean
minres_step (Refine    *r,
             double    *theta,
             gboolean  *stalled,
             GError   **error)
{
  const gsize n = r->n;
  guint max_iter = r->settings->newton_minres_iterations > 0
    ? r->settings->newton_minres_iterations : MINRES_DEFAULT_ITER;
  double *hd = r->coef;
  double *hg = r->scaled;
  double gnorm = sqrt (r->f);
  double rtol, decrease, hd2;

  *stalled = FALSE;

  /* Inexact Newton: a loose solve far away, a tight one near ∇L = 0, so the
   * convergence is still superlinear. */
  rtol = CLAMP (sqrt (gnorm), 1e-12, 0.1);
  for (gsize i = 0; i < n; i++)
    r->trial[i] = -r->g[i];
  if (!minres (r, theta, r->trial, rtol, max_iter, r->delta, NULL, NULL, error))
    return FALSE;

  /* The slope of ‖∇L‖² along δ is 2·∇Lᵀ·H·δ. */
  if (!apply_hessian (r, theta, r->delta, hd, error))
    return FALSE;
  decrease = -cblas_ddot ((int) n, r->g, 1, hd, 1);
  if (line_search (r, theta, decrease, NEWTON_HALVINGS))
    {
      *stalled = sqrt (r->f) > (1.0 - NEWTON_MIN_PROGRESS) * gnorm;
      return TRUE;
    }

  /* Steepest descent on ‖∇L‖²: δ = −H·∇L, scaled to the minimiser of
   * ‖∇L + α·H·δ‖² (the linear model of ∇L along it). */
  if (!apply_hessian (r, theta, r->g, hg, error))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    r->delta[i] = -hg[i];
  if (!apply_hessian (r, theta, r->delta, hd, error))
    return FALSE;
  decrease = cblas_ddot ((int) n, hg, 1, hg, 1);
  hd2 = cblas_ddot ((int) n, hd, 1, hd, 1);
  if (decrease > 0.0 && hd2 > 0.0)
    {
      double alpha = decrease / hd2;

      cblas_dscal ((int) n, alpha, r->delta, 1);
      if (line_search (r, theta, alpha * decrease, NEWTON_HALVINGS))
        {
          *stalled = sqrt (r->f) > (1.0 - NEWTON_MIN_PROGRESS) * gnorm;
          return TRUE;
        }
    }

  *stalled = TRUE;
  return FALSE;
}

void
saddle_critical_settings_init (SaddleCriticalSettings *settings)
{
  g_return_if_fail (settings != NULL);

  settings->descent_steps = 1000;
  settings->descent_lr = 1e-3;
  settings->grad_tolerance = 1e-4;
  settings->zero_tolerance = 1e-6;
  settings->hessian_block = 0;
  settings->newton_steps = 20;
  settings->newton_tolerance = 1e-10;
  settings->newton_cutoff = 1e-10;
  settings->newton_method = SADDLE_NEWTON_AUTO;
  settings->newton_minres_iterations = MINRES_DEFAULT_ITER;
  settings->certify_tolerance = SADDLE_CRITICAL_REACHED_GRAD_NORM;
  /* The other pieces' gradients are taken at θ, off by up to max|λ|·ε: with max|λ| ≈ 6–10 on
   * the default study, ε = 1e-9 keeps that within the 1e-8 certify tolerance. */
  settings->clarke_epsilon = 1e-9;
  settings->still_steps = 500;
  settings->still_lr = 0.01;
  settings->still_factor = 1.1;
}

double
saddle_critical_objective (SaddleModel       *model,
                           const double      *theta,
                           const SaddleBatch *batch,
                           double            *loss,
                           double            *grad,
                           double            *grad_f)
{
  g_autofree double *own_grad = NULL;
  gsize n;
  double l, f;

  g_return_val_if_fail (model != NULL, NAN);
  g_return_val_if_fail (theta != NULL, NAN);
  g_return_val_if_fail (batch != NULL, NAN);

  n = saddle_model_n_params (model);
  if (grad == NULL)
    grad = own_grad = g_new (double, n);

  /* ∇‖∇L‖² = 2·H·∇L: one Hessian-vector product with v = ∇L, fused with the
   * gradient so the forward pass runs once. */
  if (grad_f != NULL)
    l = saddle_model_grad_and_hvp_self (model, theta, batch, grad, grad_f);
  else
    l = saddle_model_loss_grad (model, theta, batch, grad);
  if (loss != NULL)
    *loss = l;

  f = cblas_ddot ((int) n, grad, 1, grad, 1);
  if (!isfinite (l) || !isfinite (f))
    return NAN;

  if (grad_f != NULL)
    {
      cblas_dscal ((int) n, 2.0, grad_f, 1);
      if (!all_finite (grad_f, n))
        return NAN;
    }

  return f;
}

gboolean
saddle_critical_descend (SaddleModel                  *model,
                         double                       *theta,
                         const SaddleBatch            *batch,
                         const SaddleCriticalSettings *settings,
                         guint                         run,
                         SaddleEventFunc               func,
                         gpointer                      user_data,
                         guint                        *steps,
                         GError                      **error)
{
  g_autoptr(SaddleOptimizer) optimizer = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *grad_f = NULL;
  g_autofree double *best = NULL;
  SaddleOptimizerSettings adam;
  double best_norm = INFINITY;
  guint stride, step;
  gint64 polled = g_get_monotonic_time ();
  gsize n;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (steps != NULL)
    *steps = 0;

  if (!settings_valid (model, settings, batch, error))
    return FALSE;

  n = saddle_model_n_params (model);
  grad = g_new (double, n);
  grad_f = g_new (double, n);
  best = g_memdup2 (theta, n * sizeof (double));

  saddle_optimizer_settings_init (&adam, SADDLE_OPTIMIZER_ADAM, settings->descent_lr);
  optimizer = saddle_optimizer_new (&adam, n);
  stride = descent_stride (settings->descent_steps);

  for (step = 0; ; step++)
    {
      double loss, f, grad_norm;
      gboolean last;

      /* ∇L and H·∇L from one forward pass; on the last step the HVP is
       * wasted, but that is one R-pass against a forward pass every step. */
      loss = saddle_model_grad_and_hvp_self (model, theta, batch, grad, grad_f);
      f = cblas_ddot ((int) n, grad, 1, grad, 1);
      if (!isfinite (loss) || !isfinite (f))
        f = NAN;
      grad_norm = sqrt (f);

      if (isnan (f))
        {
          memcpy (theta, best, n * sizeof (double));
          if (steps != NULL)
            *steps = step;
          g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                       "The gradient-norm descent diverged at step %u (the loss or its "
                       "gradient became NaN or infinite); try a smaller descent learning "
                       "rate", step);
          return FALSE;
        }

      if (grad_norm < best_norm)
        {
          best_norm = grad_norm;
          memcpy (best, theta, n * sizeof (double));
        }

      last = grad_norm <= settings->grad_tolerance || step >= settings->descent_steps;

      if ((step < DESCENT_EVERY_STEP || step % stride == 0 || last
           || saddle_event_poll_due (&polled)) &&
          !emit_descent (func, user_data, run, step, loss, grad_norm, NULL))
        {
          memcpy (theta, best, n * sizeof (double));
          if (steps != NULL)
            *steps = step;
          g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                       "The gradient-norm descent was cancelled at step %u", step);
          return FALSE;
        }

      if (last)
        break;

      cblas_dscal ((int) n, 2.0, grad_f, 1);
      if (!all_finite (grad_f, n))
        {
          memcpy (theta, best, n * sizeof (double));
          if (steps != NULL)
            *steps = step;
          g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                       "The gradient-norm descent diverged at step %u (H·∇L became NaN "
                       "or infinite); try a smaller descent learning rate", step);
          return FALSE;
        }

      saddle_optimizer_step (optimizer, theta, grad_f);
    }

  /* Adam does not decrease ‖∇L‖ monotonically; the best point seen is the
   * critical-point estimate. */
  memcpy (theta, best, n * sizeof (double));
  if (steps != NULL)
    *steps = step;

  return TRUE;
}

gboolean
saddle_critical_refine (SaddleModel                  *model,
                        double                       *theta,
                        const SaddleBatch            *batch,
                        const SaddleCriticalSettings *settings,
                        guint                         run,
                        guint                         first_step,
                        SaddleEventFunc               func,
                        gpointer                      user_data,
                        guint                        *steps,
                        GError                      **error)
{
  g_autofree double *memory = NULL;
  g_autofree double *vectors = NULL;   /* (n, n): the Hessian's eigenvectors, rows */
  SaddleNewtonMethod method;
  gboolean fresh = FALSE;              /* vectors were computed at the current θ */
  guint chords = 0;                    /* chord steps taken with these vectors */
  guint iterations = 0;                /* Hessians built (dense) or MINRES solves */
  Refine r;
  guint taken = 0;                     /* steps accepted, chord steps included */
  gsize n;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (steps != NULL)
    *steps = 0;

  if (!settings_valid (model, settings, batch, error) ||
      !newton_settings_valid (settings, error))
    return FALSE;

  n = saddle_model_n_params (model);
  memory = g_new (double, 9 * n);

  refine_init (&r, model, batch, settings);
  r.func = func;
  r.user_data = user_data;
  r.run = run;
  r.g = memory;
  r.trial = memory + n;
  r.g_trial = memory + 2 * n;
  r.delta = memory + 3 * n;
  r.coef = memory + 4 * n;
  r.scaled = memory + 5 * n;
  r.eigenvalues = memory + 6 * n;
  r.best = memory + 7 * n;
  r.g_best = memory + 8 * n;

  r.f = gradient_norm2 (&r, theta, r.g, &r.loss);
  if (isnan (r.f))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                   "The loss or its gradient is not finite where the Newton refinement "
                   "starts (did training diverge?)");
      return FALSE;
    }

  /* On a ReLU net the Hessian is constant between kinks and the gradient
   * jumps at them, so the dense step's quadratic model buys nothing: on the
   * default function task it ends at the same ‖∇L‖ as MINRES (the run ends
   * when samples start crossing kinks) while each iteration builds and
   * decomposes the whole Hessian, 20–60× the time. Smooth nets keep the
   * dense step, whose chord steps converge fastest there. */
  method = settings->newton_method;
  if (method == SADDLE_NEWTON_AUTO)
    method = saddle_model_activation (model) != SADDLE_ACTIVATION_RELU && dense_fits (n)
           ? SADDLE_NEWTON_DENSE : SADDLE_NEWTON_MINRES;

  while (sqrt (r.f) > settings->newton_tolerance)
    {
      gboolean stalled = FALSE;
      gboolean moved;

      r.iteration = iterations;

      if (method == SADDLE_NEWTON_DENSE)
        {
          gboolean full = FALSE, small = FALSE;

          if (vectors == NULL)
            {
              g_autoptr(GError) local_error = NULL;

              if (iterations >= settings->newton_steps)
                break;

              vectors = saddle_hessian_dense (model, theta, batch, settings->hessian_block,
                                              refine_hessian_progress_cb, &r, NULL,
                                              &local_error);
              if (vectors == NULL)
                {
                  if (r.cancelled)
                    {
                      set_cancelled (&r, error);
                      return FALSE;
                    }
                  /* Memory can shrink between the check and the build: go on
                   * without the matrix rather than fail the whole point. */
                  if (settings->newton_method == SADDLE_NEWTON_AUTO &&
                      g_error_matches (local_error, SADDLE_HESSIAN_ERROR,
                                       SADDLE_HESSIAN_ERROR_TOO_LARGE))
                    {
                      method = SADDLE_NEWTON_MINRES;
                      continue;
                    }
                  if (g_error_matches (local_error, SADDLE_HESSIAN_ERROR,
                                       SADDLE_HESSIAN_ERROR_NOT_FINITE))
                    g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                                 "%s", local_error->message);
                  else
                    g_propagate_error (error, g_steal_pointer (&local_error));
                  return FALSE;
                }
              if (!dense_decompose (&r, vectors, error))
                return FALSE;
              iterations++;
              fresh = TRUE;
              chords = 0;
            }

          moved = dense_step (&r, theta, vectors, &full, &small);
          if (!moved && !fresh)
            {
              /* The old curvature has run out: rebuild it here. */
              g_clear_pointer (&vectors, g_free);
              continue;
            }
          stalled = !moved || (small && fresh);

          /* A whole Newton step means the quadratic model held: fresh
           * curvature keeps the convergence quadratic. A shorter or damped
           * step moved less than the model's reach, where the Hessian has
           * hardly changed, so the next step reuses its eigenvectors (a
           * chord step: gradients only) until they stop helping. */
          if (moved && (full || small || (!fresh && ++chords >= NEWTON_CHORD_MAX)))
            g_clear_pointer (&vectors, g_free);
          fresh = FALSE;
        }
      else
        {
          if (iterations >= settings->newton_steps)
            break;
          iterations++;
          moved = minres_step (&r, theta, &stalled, error);
          if (!moved && !stalled)
            return FALSE;
        }

      if (!moved)
        break;   /* no step lowers ‖∇L‖: rounding level, or no critical point in reach */

      taken++;
      if (steps != NULL)
        *steps = taken;

      if (!emit_descent (func, user_data, run, first_step + taken, r.loss, sqrt (r.f),
                         "newton"))
        {
          r.iteration = taken;
          set_cancelled (&r, error);
          return FALSE;
        }

      if (stalled)
        break;
    }

  return TRUE;
}

gboolean
saddle_critical_newton_reach (SaddleModel                  *model,
                              const double                 *theta,
                              const SaddleBatch            *batch,
                              const SaddleCriticalSettings *settings,
                              const double                 *grad,
                              SaddleNewtonReach            *reach,
                              GError                      **error)
{
  gsize n;
  g_autofree double *memory = NULL;
  Refine r;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL && batch != NULL && settings != NULL && grad != NULL, FALSE);
  g_return_val_if_fail (reach != NULL, FALSE);

  n = saddle_model_n_params (model);
  reach->gradient = norm2 (grad, n);
  reach->distance = 0.0;
  reach->residual = 0.0;
  reach->iterations = 0;
  reach->capped = FALSE;
  reach->kinks_crossed = 0;
  if (reach->gradient == 0.0)
    return TRUE;

  memory = g_try_new (double, 3 * n);
  if (memory == NULL)
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_INVALID,
                   "Not enough memory for two vectors of %" G_GSIZE_FORMAT " parameters", n);
      return FALSE;
    }
  refine_init (&r, model, batch, settings);
  for (gsize i = 0; i < n; i++)
    memory[n + i] = -grad[i];
  if (!minres (&r, theta, memory + n, REACH_RTOL, REACH_MAX_ITER, memory, &reach->residual,
               &reach->iterations, error))
    return FALSE;
  reach->capped = reach->iterations >= REACH_MAX_ITER;

  /* The residual measured, not MINRES's running estimate: with ∇L in the kernel of H the
   * estimate says 0 where δ = 0 leaves all of ∇L. */
  if (!apply_hessian (&r, theta, memory, memory + 2 * n, error))
    return FALSE;
  cblas_daxpy ((int) n, 1.0, grad, 1, memory + 2 * n, 1);
  reach->residual = norm2 (memory + 2 * n, n) / reach->gradient;

  reach->distance = norm2 (memory, n);
  for (gsize i = 0; i < n; i++)
    memory[n + i] = theta[i] + memory[i];
  reach->kinks_crossed = saddle_model_count_kinks_crossed (model, theta, memory + n, batch);
  return TRUE;
}

gboolean
saddle_newton_reach_found (const SaddleNewtonReach *reach)
{
  g_return_val_if_fail (reach != NULL, FALSE);

  return reach->residual <= SADDLE_NEWTON_REACH_RESIDUAL
         || reach->residual * reach->gradient <= SADDLE_CRITICAL_REACHED_GRAD_NORM;
}

/* The MINRES reach, where no eigendecomposition gives the exact one. A diagnosis beside the
 * analysis: if its solve fails (a non-finite HVP would already have spoilt the Hessian), the
 * point keeps its spectrum. */
static void
measure_minres_reach (SaddleModel                  *model,
                      const double                 *theta,
                      const SaddleBatch            *batch,
                      const SaddleCriticalSettings *settings,
                      const double                 *grad,
                      SaddleCriticalPoint          *point)
{
  g_autoptr(GError) reach_error = NULL;

  if (!saddle_critical_newton_reach (model, theta, batch, settings, grad, &point->reach,
                                     &reach_error))
    {
      g_debug ("Newton reach of run %u not measured: %s", point->run, reach_error->message);
      point->reach.gradient = point->grad_norm;
      point->reach.distance = point->reach.residual = NAN;
      point->reach.iterations = 0;
      point->reach.kinks_crossed = 0;
    }
}

typedef struct
{
  SaddleModel       *model;
  const SaddleBatch *batch;
} LossContext;

static double
loss_objective (const double *x,
                double       *grad,
                gpointer      user_data)
{
  LossContext *lc = user_data;

  return saddle_model_loss_grad (lc->model, x, lc->batch, grad);
}

typedef struct
{
  const ProgressContext *ctx;
  guint                  max_steps;   /* of both halves together */
} StillContext;

/* A PROGRESS event (and so a chance to cancel) every STILL_EVENT_EVERY steps of the
 * still-descending test: each costs about one gradient, well under a millisecond on the
 * default task. @fraction is the share of the whole test done. */
static gboolean
still_progress_cb (double   fraction,
                   gpointer user_data)
{
  const StillContext *sc = user_data;
  guint step = (guint) lround (fraction * sc->max_steps);

  if (step % STILL_EVENT_EVERY != 0)
    return TRUE;
  return emit_progress (sc->ctx, sc->ctx->weight + (1.0 - sc->ctx->weight) * fraction,
                        N_("Does the loss still fall?"));
}

/* The L-BFGS half: its fraction is of its own steps. */
static gboolean
still_lbfgs_progress_cb (double   fraction,
                         gpointer user_data)
{
  return still_progress_cb (0.5 * fraction, user_data);
}

/* Full-batch Adam at the study's learning rate from a copy of θ: the lowest loss it sees.
 * FALSE only when cancelled. */
static gboolean
still_adam (SaddleModel                  *model,
            const double                 *theta,
            const SaddleBatch            *batch,
            const SaddleCriticalSettings *settings,
            StillContext                 *sc,
            double                       *lowest)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *x = g_memdup2 (theta, n * sizeof (double));
  g_autofree double *grad = g_new (double, n);
  g_autoptr(SaddleOptimizer) adam = NULL;
  SaddleOptimizerSettings os;

  saddle_optimizer_settings_init (&os, SADDLE_OPTIMIZER_ADAM, settings->still_lr);
  adam = saddle_optimizer_new (&os, n);
  *lowest = INFINITY;
  for (guint step = 0; step <= settings->still_steps; step++)
    {
      double loss = saddle_model_loss_grad (model, x, batch, grad);

      if (isfinite (loss))
        *lowest = MIN (*lowest, loss);
      if (step == settings->still_steps || !isfinite (loss))
        break;
      saddle_optimizer_step (adam, x, grad);
      if (!still_progress_cb (0.5 + 0.5 * (step + 1) / (double) settings->still_steps, sc))
        return FALSE;
    }
  return TRUE;
}

/* The still-descending test from copies of θ: still_steps of L-BFGS and as many of Adam at the
 * study's learning rate, the larger fall kept. Either alone misses plateaus the other leaves:
 * on the default study (PyTorch float64 check, 6 points) L-BFGS with backtracking lowered
 * one point's loss 1.02× in 500 steps where Adam at lr 0.01 lowered it 10×. FALSE only when
 * cancelled. */
static gboolean
measure_still_descending (SaddleModel                  *model,
                          const double                 *theta,
                          const SaddleBatch            *batch,
                          const SaddleCriticalSettings *settings,
                          const ProgressContext        *ctx,
                          SaddleCriticalPoint          *point)
{
  gsize n = saddle_model_n_params (model);
  g_autofree double *x = NULL;
  LossContext lc = { model, batch };
  StillContext sc = { ctx, 2 * settings->still_steps };
  SaddleLbfgsResult result;
  double adam_lowest, lowest;

  point->still_factor = NAN;
  point->still_steps = 0;
  if (settings->still_steps == 0)
    return TRUE;
  x = g_memdup2 (theta, n * sizeof (double));
  saddle_lbfgs_minimise (n, x, settings->still_steps, loss_objective, &lc,
                         still_lbfgs_progress_cb, &sc, &result);
  if (result.cancelled)
    return FALSE;
  if (!still_adam (model, theta, batch, settings, &sc, &adam_lowest))
    return FALSE;
  point->still_steps = settings->still_steps;
  lowest = MIN (result.f_end, adam_lowest);
  point->still_factor = lowest > 0.0 ? result.f_start / lowest
                        : (result.f_start > 0.0 ? INFINITY : 1.0);
  return TRUE;
}

/* The Clarke distance of a ReLU net (NAN otherwise). */
static void
measure_clarke (SaddleModel                  *model,
                const double                 *theta,
                const SaddleBatch            *batch,
                const SaddleCriticalSettings *settings,
                SaddleCriticalPoint          *point)
{
  g_autoptr(GError) clarke_error = NULL;
  SaddleClarke clarke;

  point->clarke_distance = NAN;
  point->clarke_kinks = 0;
  if (saddle_model_activation (model) != SADDLE_ACTIVATION_RELU)
    return;
  /* A diagnosis beside the analysis, as the reach: a failure leaves it unmeasured. */
  if (!saddle_clarke_measure (model, theta, batch, settings->clarke_epsilon, &clarke,
                              &clarke_error))
    {
      g_debug ("Clarke distance of run %u not measured: %s", point->run, clarke_error->message);
      return;
    }
  point->clarke_distance = clarke.distance;
  point->clarke_kinks = clarke.kinks;
}

SaddleCriticalPoint *
saddle_critical_analyse (SaddleModel                  *model,
                         const double                 *theta,
                         const SaddleBatch            *batch,
                         const SaddleCriticalSettings *settings,
                         guint                         run,
                         SaddleEventFunc               func,
                         gpointer                      user_data,
                         GError                      **error)
{
  g_autoptr(SaddleCriticalPoint) point = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *hg = NULL;
  g_autofree double *h = NULL;
  const SaddleSpectrum *spectrum;
  ProgressContext ctx;
  gboolean with_vectors;
  gint64 t0, t1;
  gsize n;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (theta != NULL, NULL);
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!settings_valid (model, settings, batch, error))
    return NULL;

  n = saddle_model_n_params (model);
  grad = g_new (double, n);
  hg = g_new (double, n);

  point = g_new0 (SaddleCriticalPoint, 1);
  point->run = run;
  point->n_params = n;
  point->params = g_memdup2 (theta, n * sizeof (double));

  point->loss = saddle_model_loss_grad (model, theta, batch, grad);
  point->grad_norm = norm2 (grad, n);
  if (!isfinite (point->loss) || !isfinite (point->grad_norm))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_DIVERGED,
                   "The loss or its gradient is not finite at this point; there is "
                   "no Hessian to analyse (did training diverge?)");
      return NULL;
    }
  point->grad_norm_start = point->grad_norm;
  point->grad_norm_descent = point->grad_norm;
  point->steps = 0;
  point->newton_steps = 0;
  point->accuracy = saddle_model_accuracy (model, theta, batch);
  point->dead_units = saddle_model_count_dead_units (model, theta, batch);

  ctx.func = func;
  ctx.user_data = user_data;
  ctx.run = run;
  ctx.weight = hessian_share (model, batch->n);

  t0 = g_get_monotonic_time ();
  h = saddle_hessian_dense (model, theta, batch, settings->hessian_block,
                            hessian_progress_cb, &ctx, &point->asymmetry, &local_error);
  if (h == NULL)
    {
      /* One cancellation code for the caller, whichever stage was stopped. */
      if (g_error_matches (local_error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED))
        g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                     "The Hessian analysis was cancelled");
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  /* Curvature along the gradient, from the matrix just built (it is
   * symmetric now, so row-major H·g needs no transpose). */
  cblas_dgemv (CblasRowMajor, CblasNoTrans, (int) n, (int) n, 1.0, h, (int) n,
               grad, 1, 0.0, hg, 1);
  point->hg_ratio = point->grad_norm > 0.0 ? norm2 (hg, n) / point->grad_norm : NAN;
  g_clear_pointer (&hg, g_free);
  t1 = g_get_monotonic_time ();
  point->seconds_hessian = (t1 - t0) / 1e6;

  if (!emit_progress (&ctx, ctx.weight, N_("Eigenvalues")))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                   "The Hessian analysis was cancelled");
      return NULL;
    }

  /* Up to the dense Newton size the eigenvectors come too (dsyevd, JOBZ='V'; about 3× the
   * values alone at n = 1,086) and give the exact reach; beyond it the values alone, and
   * the MINRES reach in place of the exact one. */
  t1 = g_get_monotonic_time ();
  with_vectors = n <= SADDLE_NEWTON_DENSE_MAX;
  point->spectrum = with_vectors
                    ? saddle_spectrum_compute_vectors (h, n, settings->zero_tolerance, error)
                    : saddle_spectrum_compute (h, n, settings->zero_tolerance, error);
  if (point->spectrum == NULL)
    return NULL;
  point->seconds_eigen = (g_get_monotonic_time () - t1) / 1e6;
  spectrum = point->spectrum;

  saddle_exact_reach_clear (&point->exact_reach);
  point->reach.gradient = point->grad_norm;
  point->reach.distance = point->reach.residual = NAN;
  if (with_vectors)
    saddle_exact_reach_compute (model, theta, batch, spectrum, h, grad, &point->exact_reach);
  g_clear_pointer (&h, g_free);
  if (!with_vectors)
    measure_minres_reach (model, theta, batch, settings, grad, point);

  if (!measure_still_descending (model, theta, batch, settings, &ctx, point))
    {
      g_set_error (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED,
                   "The Hessian analysis was cancelled");
      return NULL;
    }
  measure_clarke (model, theta, batch, settings, point);

  if (point->grad_norm <= settings->certify_tolerance)
    point->certificate = SADDLE_CERTIFICATE_GRADIENT;
  else if (isfinite (point->clarke_distance) &&
           point->clarke_distance <= settings->certify_tolerance)
    point->certificate = SADDLE_CERTIFICATE_CLARKE;
  else
    point->certificate = SADDLE_CERTIFICATE_NONE;

  if (point->certificate == SADDLE_CERTIFICATE_NONE)
    point->label = point->still_factor > settings->still_factor
                   ? SADDLE_CRITICAL_DESCENDING : SADDLE_CRITICAL_UNCERTIFIED;
  else if (spectrum->negative > 0)
    point->label = SADDLE_CRITICAL_SADDLE;
  /* Zero eigenvalues from symmetries and dead units are common; only a
   * large share of them makes the point degenerate rather than a minimum
   * whose flat directions are few. */
  else if ((double) spectrum->zero > DEGENERATE_SHARE * (double) spectrum->n)
    point->label = SADDLE_CRITICAL_DEGENERATE;
  else
    point->label = SADDLE_CRITICAL_MINIMUM;

  return g_steal_pointer (&point);
}

SaddleCriticalPoint *
saddle_critical_find (SaddleModel                  *model,
                      double                       *theta,
                      const SaddleBatch            *batch,
                      const SaddleCriticalSettings *settings,
                      guint                         run,
                      SaddleEventFunc               func,
                      gpointer                      user_data,
                      GError                      **error)
{
  g_autofree double *grad = NULL;
  SaddleCriticalPoint *point;
  double start_norm, descent_norm;
  guint steps = 0, newton_steps = 0;
  gint64 t0, t1, t2;
  gsize n;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (theta != NULL, NULL);
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (settings != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!settings_valid (model, settings, batch, error) ||
      !newton_settings_valid (settings, error))
    return NULL;

  n = saddle_model_n_params (model);
  grad = g_new (double, n);
  saddle_model_loss_grad (model, theta, batch, grad);
  start_norm = norm2 (grad, n);

  t0 = g_get_monotonic_time ();
  if (!saddle_critical_descend (model, theta, batch, settings, run, func, user_data,
                                &steps, error))
    return NULL;
  t1 = g_get_monotonic_time ();

  saddle_model_loss_grad (model, theta, batch, grad);
  descent_norm = norm2 (grad, n);

  if (settings->newton_steps > 0 &&
      !saddle_critical_refine (model, theta, batch, settings, run, steps, func, user_data,
                               &newton_steps, error))
    return NULL;
  t2 = g_get_monotonic_time ();

  point = saddle_critical_analyse (model, theta, batch, settings, run, func, user_data, error);
  if (point == NULL)
    return NULL;

  point->steps = steps;
  point->newton_steps = newton_steps;
  point->grad_norm_start = start_norm;
  point->grad_norm_descent = descent_norm;
  point->seconds_descent = (t1 - t0) / 1e6;
  point->seconds_newton = (t2 - t1) / 1e6;
  return point;
}

SaddleCriticalPoint *
saddle_critical_point_copy (const SaddleCriticalPoint *point)
{
  SaddleCriticalPoint *copy;

  g_return_val_if_fail (point != NULL, NULL);

  /* Every number (steps, newton_steps, the ‖∇L‖ at each stage) by value. */
  copy = g_memdup2 (point, sizeof *point);
  copy->spectrum = point->spectrum != NULL ? saddle_spectrum_copy (point->spectrum) : NULL;
  copy->params = point->params != NULL
    ? g_memdup2 (point->params, point->n_params * sizeof (double))
    : NULL;
  return copy;
}

void
saddle_critical_point_free (SaddleCriticalPoint *point)
{
  if (point == NULL)
    return;

  saddle_spectrum_free (point->spectrum);
  g_free (point->params);
  g_free (point);
}

static const struct
{
  const char *name;
  const char *title;
} label_names[] = {
  [SADDLE_CRITICAL_MINIMUM] = { "minimum", N_("Minimum") },
  [SADDLE_CRITICAL_SADDLE] = { "saddle", N_("Saddle point") },
  [SADDLE_CRITICAL_DEGENERATE] = { "degenerate", N_("Degenerate minimum (flat directions)") },
  [SADDLE_CRITICAL_DESCENDING] = { "descending", N_("Unconverged: loss still falling") },
  [SADDLE_CRITICAL_UNCERTIFIED] = { "uncertified", N_("Near-stationary, not certified") },
};

gboolean
saddle_critical_label_from_string (const char          *name,
                                   SaddleCriticalLabel *label)
{
  g_return_val_if_fail (label != NULL, FALSE);

  for (guint l = 0; l < G_N_ELEMENTS (label_names); l++)
    if (g_strcmp0 (name, label_names[l].name) == 0)
      {
        *label = l;
        return TRUE;
      }
  return FALSE;
}

const char *
saddle_critical_label_to_string (SaddleCriticalLabel label)
{
  if ((guint) label >= G_N_ELEMENTS (label_names))
    return "unknown";
  return label_names[label].name;
}

const char *
saddle_critical_label_title (SaddleCriticalLabel label)
{
  if ((guint) label >= G_N_ELEMENTS (label_names))
    return "?";
  return label_names[label].title;
}

static const char *const certificate_names[] = {
  [SADDLE_CERTIFICATE_NONE] = "none",
  [SADDLE_CERTIFICATE_GRADIENT] = "gradient",
  [SADDLE_CERTIFICATE_CLARKE] = "clarke",
};

const char *
saddle_critical_certificate_to_string (SaddleCertificate certificate)
{
  if ((guint) certificate >= G_N_ELEMENTS (certificate_names))
    return "unknown";
  return certificate_names[certificate];
}

gboolean
saddle_critical_certificate_from_string (const char        *name,
                                         SaddleCertificate *certificate)
{
  g_return_val_if_fail (certificate != NULL, FALSE);

  for (guint k = 0; k < G_N_ELEMENTS (certificate_names); k++)
    if (g_strcmp0 (name, certificate_names[k]) == 0)
      {
        *certificate = k;
        return TRUE;
      }
  return FALSE;
}

gboolean
saddle_critical_label_certified (SaddleCriticalLabel label)
{
  return label <= SADDLE_CRITICAL_DEGENERATE;
}

const char *
saddle_newton_method_to_string (SaddleNewtonMethod method)
{
  switch (method)
    {
    case SADDLE_NEWTON_AUTO:
      return "auto";
    case SADDLE_NEWTON_DENSE:
      return "dense";
    case SADDLE_NEWTON_MINRES:
      return "minres";
    default:
      return NULL;
    }
}

gboolean
saddle_newton_method_from_string (const char         *name,
                                  SaddleNewtonMethod *method)
{
  static const SaddleNewtonMethod methods[] = {
    SADDLE_NEWTON_AUTO, SADDLE_NEWTON_DENSE, SADDLE_NEWTON_MINRES,
  };

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (g_ascii_strcasecmp (name, saddle_newton_method_to_string (methods[i])) == 0)
      {
        if (method != NULL)
          *method = methods[i];
        return TRUE;
      }

  return FALSE;
}
