/* saddle-flops.h — the floating-point operations of the engine's heavy phases, counted
 *
 * Counted analytically from the layer widths, as the code in saddle-model.c, saddle-hessian.c,
 * saddle-trainer.c and saddle-critical.c performs them: every matrix product of m × k by
 * k × n is 2·m·n·k (a multiply and an add per term). Elementwise work (activations, biases,
 * the loss, copies) is left out: it is O(samples · Σ widths), small beside the products, and
 * runs far below the DGEMM rate these counts are compared with. So a rate computed from them
 * is the rate of useful BLAS work, and its share of the measured DGEMM rate says how close a
 * phase runs to the machine's ceiling.
 */
#pragma once

#include "saddle-model.h"

G_BEGIN_DECLS

/* The columns per call saddle_hessian_dense() takes when its caller passes 0 (its
 * DEFAULT_BLOCK; tests/test-flops.c checks that the two agree). */
#define SADDLE_FLOPS_DEFAULT_HESSIAN_BLOCK 64

/* 2·m·n·k: one (m, k)·(k, n) product. */
double saddle_flops_dgemm          (double m,
                                    double n,
                                    double k);
/* The forward pass over @samples (saddle_model_loss_accuracy(), the trainer's evaluations). */
double saddle_flops_forward        (const SaddleModel *model,
                                    gsize              samples);
/* Loss and gradient over @samples: forward and backward (saddle_model_loss_grad()). */
double saddle_flops_gradient       (const SaddleModel *model,
                                    gsize              samples);
/* One R-pass (R-forward and R-backward) for @directions dense directions over @samples. */
double saddle_flops_r_pass         (const SaddleModel *model,
                                    gsize              samples,
                                    gsize              directions);
/* saddle_model_hvp() with @directions dense directions: a gradient, then the R-pass. */
double saddle_flops_hvp            (const SaddleModel *model,
                                    gsize              samples,
                                    gsize              directions);
/* One step of the ‖∇L‖² descent: ∇L and H·∇L in one call (saddle_model_grad_and_hvp_self()),
 * summed by sample. */
double saddle_flops_descent_step   (const SaddleModel *model,
                                    gsize              samples);
/* The forward pass by region (saddle-model-regions-forward.c) over @samples, hidden layer l's
 * pattern computed at @patterns[l] of them (all by a scan, fewer by halving) and splitting them
 * into @runs[l] runs (l < n_layers − 1). */
double saddle_flops_forward_regions (const SaddleModel *model,
                                     gsize              samples,
                                     const gsize       *runs,
                                     const gsize       *patterns);
/* The same step summed by linear region (saddle-model-regions.c) over @regions regions in all,
 * beyond its forward pass by region. */
double saddle_flops_descent_step_regions (const SaddleModel *model,
                                          double             regions);
/* A gradient summed by linear region over @regions regions, beyond its forward pass. */
double saddle_flops_gradient_regions (const SaddleModel *model,
                                      double             regions);
/* The descent steps, gradients and forward passes by region of @tally
 * (saddle_model_take_region_tally()), each by the way it ran. */
double saddle_flops_tally (const SaddleModel       *model,
                           gsize                    samples,
                           const SaddleRegionTally *tally);
/* saddle_train() over @samples for @epochs with snapshot_every = 0 (every minibatch's gradient,
 * by sample, and the whole set evaluated at the start and after every epoch; with
 * @epoch_grad_norm that evaluation is a gradient, which at every epoch's end but the last
 * shares @shared samples with the next epoch's first step: saddle_train_shared_samples()).
 * The batch size does not matter otherwise: each epoch's batches cover the set once. @tally,
 * taken around the training
 * or NULL: the evaluations it saw summed by region count as it counted them, the rest by
 * sample. Its passes by region must be the evaluations' alone, as they are when the
 * minibatches have fewer than 64 samples (those always sum by sample): NAN where the tally
 * shows minibatch gradients by region. */
double saddle_flops_training       (const SaddleModel       *model,
                                    gsize                    samples,
                                    gsize                    shared,
                                    guint                    epochs,
                                    gboolean                 epoch_grad_norm,
                                    const SaddleRegionTally *tally);
/* A loss surface of @resolution × @resolution nodes (saddle_surface_compute()). */
double saddle_flops_surface        (const SaddleModel *model,
                                    gsize              samples,
                                    guint              resolution);
/* saddle_hessian_dense() with @block columns per call (0: its default): identity directions,
 * which skip the layers below the first one they touch. */
double saddle_flops_hessian_dense  (const SaddleModel *model,
                                    gsize              samples,
                                    gsize              block);
/* saddle_hessian_structured_fill() (SADDLE_HESSIAN_BUILD_STRUCTURED): a forward pass and the
 * deltas, per sample the chain factors and each layer pair's small weights, and the GEMMs and
 * GEMVs that add each pair's block, or (saddle_hessian_structured_by_gradients()) one DSYRK of
 * the per-sample gradients and the product blocks' GEMMs; the mirror copy and the gradients'
 * outer products are not counted. */
double saddle_flops_hessian_structured (const SaddleModel *model,
                                        gsize              samples);
/* The same where the build set aside the parameters whose per-sample gradients are all exactly
 * zero (saddle_hessian_structured_live() after it): the symmetric product of @live columns,
 * and the chain factors of the pass that found them. @live 0 or all parameters:
 * saddle_flops_hessian_structured(), which leaves out a pass whose columns were then kept (it
 * found fewer than 3 in 10 zero, or a NaN: a few per cent of the build). */
double saddle_flops_hessian_structured_live (const SaddleModel *model,
                                             gsize              samples,
                                             gsize              live);
/* Eigenvalues only of an n × n symmetric matrix: the tridiagonal reduction, (4/3)·n³. */
double saddle_flops_eigenvalues    (gsize n);
/* Eigenvalues and eigenvectors by dsyevd: the reduction and the back-transformation. */
double saddle_flops_eigenvectors   (gsize n);

G_END_DECLS
