/* saddle-optimizer.h — SGD, SGD with momentum, Adam over a flat parameter vector */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SADDLE_OPTIMIZER_SGD,
  SADDLE_OPTIMIZER_MOMENTUM,        /* heavy ball, as torch.optim.SGD(momentum=μ) */
  SADDLE_OPTIMIZER_ADAM,            /* as torch.optim.Adam, bias-corrected */
} SaddleOptimizerKind;

typedef struct
{
  SaddleOptimizerKind kind;
  double lr;
  double momentum;                  /* μ, default 0.9 */
  double beta1, beta2, epsilon;     /* Adam: 0.9, 0.999, 1e-8 */
} SaddleOptimizerSettings;

typedef struct _SaddleOptimizer SaddleOptimizer;

/* Fills @settings with the defaults for @kind and learning rate @lr. */
void             saddle_optimizer_settings_init (SaddleOptimizerSettings       *settings,
                                                 SaddleOptimizerKind            kind,
                                                 double                         lr);
SaddleOptimizer *saddle_optimizer_new           (const SaddleOptimizerSettings *settings,
                                                 gsize                          n_params);
void             saddle_optimizer_free          (SaddleOptimizer               *optimizer);
/* Clears moment estimates and the step counter. */
void             saddle_optimizer_reset         (SaddleOptimizer               *optimizer);
/* θ ← θ − update(∇L); @grad is read only. */
void             saddle_optimizer_step          (SaddleOptimizer               *optimizer,
                                                 double                        *theta,
                                                 const double                  *grad);

gboolean         saddle_optimizer_kind_from_string (const char *name, SaddleOptimizerKind *kind);
const char      *saddle_optimizer_kind_to_string   (SaddleOptimizerKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleOptimizer, saddle_optimizer_free)

G_END_DECLS
