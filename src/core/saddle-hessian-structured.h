/* saddle-hessian-structured.h — the exact full Hessian from its structure, by large GEMMs */
#pragma once

#include "saddle-hessian.h"
#include "saddle-model.h"

G_BEGIN_DECLS

/* TRUE when saddle_hessian_structured_fill() takes the Gauss–Newton part as one symmetric
 * product JᵀJ of the per-sample gradients (MSE, one output, an activation with σ'' = 0: ReLU or
 * identity) instead of per-neuron GEMMs of the per-sample factors Kᵢ. */
gboolean saddle_hessian_structured_by_gradients  (const SaddleModel *model);
/* The parameters whose Gauss–Newton product the last saddle_hessian_structured_fill() of @model
 * took: those whose per-sample gradients are not all exactly zero where it set the others aside
 * (a ReLU net with dead units: their rows of JᵀJ are exact zeros), else all of them; 0 before
 * any build. For saddle_flops_hessian_structured_live(). */
gsize    saddle_hessian_structured_live          (const SaddleModel *model);
/* Bytes of scratch saddle_hessian_structured_fill() takes beyond the n × n matrix itself (and,
 * where it sets columns aside, their product, at most half of that matrix, if it can have it). */
gsize    saddle_hessian_structured_scratch_bytes (const SaddleModel *model,
                                                  gsize              n_samples);
/* The exact Hessian of the mean loss over @batch at @theta into @h (n_params × n_params,
 * row-major, exactly symmetric): the Gauss–Newton part plus the output-weighted second
 * derivatives of the network, summed per layer pair. @progress is called after each layer
 * pair of each tile of samples. @batch must fit the model (saddle_model_check_batch()).
 * FALSE (CANCELLED or TOO_LARGE) leaves @h undefined. */
gboolean saddle_hessian_structured_fill          (SaddleModel        *model,
                                                  const double       *theta,
                                                  const SaddleBatch  *batch,
                                                  double             *h,
                                                  SaddleProgressFunc  progress,
                                                  gpointer            user_data,
                                                  GError            **error);

G_END_DECLS
