/* saddle-model.h — a multilayer perceptron over one flat parameter vector
 *
 * Flat order, layer by layer: weight matrix (out × in, row-major, as
 * torch.nn.Linear.weight), then bias (out). Hidden layers use the chosen
 * activation; the output layer is linear and feeds the loss: softmax
 * cross-entropy for classification, mean squared error for regression.
 *
 * A SaddleModel holds the architecture and its own scratch memory, so one
 * model must not be used from two threads at once: give each worker its own
 * (saddle_model_copy()). Parameters are always passed in, never stored.
 * A batch that does not fit the model (see saddle_model_check_batch()) or
 * scratch that cannot be allocated gives NaN results, never a crash.
 */
#pragma once

#include <glib.h>

#include "saddle-batch.h"
#include "saddle-rng.h"

G_BEGIN_DECLS

#define SADDLE_MODEL_ERROR (saddle_model_error_quark ())

typedef enum
{
  SADDLE_MODEL_ERROR_INVALID,       /* bad architecture: no layers, zero width, absurd size */
  SADDLE_MODEL_ERROR_NO_MEMORY,     /* scratch memory for a batch could not be allocated */
} SaddleModelError;

typedef enum
{
  SADDLE_ACTIVATION_RELU,
  SADDLE_ACTIVATION_TANH,
  SADDLE_ACTIVATION_SIGMOID,
  SADDLE_ACTIVATION_IDENTITY,
} SaddleActivation;

typedef enum
{
  SADDLE_LOSS_MSE,                  /* mean over samples and outputs of (ŷ_k − y_k)², = torch MSELoss() */
  SADDLE_LOSS_CROSS_ENTROPY,        /* mean over samples of −log softmax(ŷ)_label */
} SaddleLoss;

typedef struct _SaddleModel SaddleModel;

GQuark       saddle_model_error_quark   (void);

/* @widths: n_widths ≥ 2 layer widths, input first, output last (e.g. 784,20,20,10). */
SaddleModel *saddle_model_new           (const guint      *widths,
                                         guint             n_widths,
                                         SaddleActivation  activation,
                                         SaddleLoss        loss,
                                         GError          **error);
/* A new model with the same architecture and its own scratch memory. */
SaddleModel *saddle_model_copy          (const SaddleModel *model);
void         saddle_model_free          (SaddleModel      *model);

gsize            saddle_model_n_params     (const SaddleModel *model);
/* Number of affine layers (n_widths − 1). */
guint            saddle_model_n_layers     (const SaddleModel *model);
guint            saddle_model_width        (const SaddleModel *model, guint index);
SaddleActivation saddle_model_activation   (const SaddleModel *model);
SaddleLoss       saddle_model_loss_kind    (const SaddleModel *model);
/* Offset of layer @layer's weights in the flat vector; its weights span out×in values, then out biases. */
gsize            saddle_model_layer_offset (const SaddleModel *model, guint layer);
/* Number of parameters (weights + biases) of layer @layer. */
gsize            saddle_model_layer_size   (const SaddleModel *model, guint layer);
/* Parameter count for an architecture without building it (0 if it overflows or a width is 0). */
gsize            saddle_model_count_params (const guint *widths, guint n_widths);

/* Checks that @batch fits the model (inputs, outputs, labels); the message names the mismatch. */
gboolean         saddle_model_check_batch  (const SaddleModel *model,
                                            const SaddleBatch *batch,
                                            GError           **error);
/* Allocates scratch for @n_samples and HVP blocks of @k directions now, failing with NO_MEMORY. */
gboolean         saddle_model_reserve      (SaddleModel       *model,
                                            gsize              n_samples,
                                            gsize              k,
                                            GError           **error);
/* Bytes of scratch saddle_model_reserve() takes for @n_samples, blocks of @k (G_MAXSIZE: absurd). */
gsize            saddle_model_scratch_bytes (const SaddleModel *model,
                                             gsize              n_samples,
                                             gsize              k);
/* Caps the HVP scratch memory (default 256 MiB); blocks that do not fit run in smaller chunks. */
void             saddle_model_set_scratch_limit (SaddleModel *model,
                                                 gsize        bytes);
/* Whether the loss, the gradient, saddle_model_grad_and_hvp_self() and saddle_model_hvp() may
 * go by linear region (default TRUE): for one input, one output, ReLU or identity, MSE and
 * batches of at least 64 samples, the outputs come from one affine map per run of samples with
 * the same activation pattern (saddle-model-regions-forward.c), and the samples sharing a
 * pattern are summed through their moments (saddle-model-regions.c), equal to the per-sample
 * passes to rounding. FALSE keeps the per-sample passes; for tests and benchmarks.
 * saddle_model_hessian_columns(), the reference Hessian build, and batches under 64 samples
 * (the function task's default minibatches of 20) always go by sample. */
void             saddle_model_set_sum_by_region (SaddleModel *model,
                                                 gboolean     enabled);
/* The linear regions of @batch at @theta, for a model of one input with ReLU or identity: runs
 * of consecutive samples whose hidden activation pattern (σ' of every hidden unit) is the same,
 * found by the forward pass by region. 0 for other models, a selection, a batch that does not
 * fit, or when scratch cannot be had. Not counted in the tally. */
gsize            saddle_model_count_regions (SaddleModel       *model,
                                             const double      *theta,
                                             const SaddleBatch *batch);
/* What the model summed since the tally was last taken, for FLOP counts: descent steps
 * (saddle_model_grad_and_hvp_self()) and gradients (saddle_model_loss_grad() and
 * saddle_model_loss_grad_accuracy() with a gradient), each by sample or by region, and the
 * losses alone and forward passes by region. */
typedef struct
{
  guint64 by_sample;        /* descent steps summed by sample */
  guint64 by_region;        /* descent steps summed by region */
  guint64 regions;          /* the regions of those */
  guint64 grads_by_sample;
  guint64 grads_by_region;
  guint64 grad_regions;
  guint64 losses_by_region; /* losses alone (saddle_model_loss_accuracy()) by region */
  double  forward_flops;    /* the forward passes by region's FLOPs, as each ran
                             * (saddle_flops_forward_regions()); those that declined not */
} SaddleRegionTally;

/* The tally into @tally (may be NULL); it starts again from zero. */
void             saddle_model_take_region_tally (SaddleModel       *model,
                                                 SaddleRegionTally *tally);
/* Forces HVP and structured-Hessian tiles of @rows samples (0 = automatic); for tests and tuning. */
void             saddle_model_set_tile_rows (SaddleModel *model,
                                             gsize        rows);
/* Directions one R-pass handles at once for @n_samples: ≤ 32, fewer under the scratch limit. */
gsize            saddle_model_block_size   (const SaddleModel *model,
                                            gsize              n_samples);

/* He normal for ReLU, Glorot uniform otherwise; biases zero. */
void         saddle_model_init_params   (const SaddleModel *model,
                                         double           *theta,
                                         SaddleRng        *rng);

/* Mean loss over @batch; if @grad is not NULL, also ∂L/∂θ (n_params). */
double       saddle_model_loss_grad     (SaddleModel       *model,
                                         const double      *theta,
                                         const SaddleBatch *batch,
                                         double            *grad);
/* Exact Hessian-vector products H·v for @k directions at once (Pearlmutter's
 * R-operator, BLAS-3 over the block): @v and @hv are (k, n_params) row-major.
 * If @grad is not NULL it receives ∂L/∂θ too. Returns the loss. */
double       saddle_model_hvp           (SaddleModel       *model,
                                         const double      *theta,
                                         const SaddleBatch *batch,
                                         const double      *v,
                                         gsize              k,
                                         double            *hv,
                                         double            *grad);
/* One step of the ‖∇L‖² descent: ∇L into @grad and H·∇L into @hg (both n_params) from one
 * forward and one backward pass, whose activations, σ', δ and σ''-terms the R-pass along v = ∇L
 * reuses (the R-pass cannot start before the backward ends: v is the backward's result). Equals
 * saddle_model_loss_grad() then saddle_model_hvp() with v = grad (the same sums); measured 18–20 %
 * (ReLU) and 29–34 % (tanh) less CPU time than those two at the default 1-31-31-1 shape on
 * 1,000 points (tests/bench/bench-descent-step.c, 3 runs at load 3–5). Returns the loss. */
double       saddle_model_grad_and_hvp_self (SaddleModel       *model,
                                             const double      *theta,
                                             const SaddleBatch *batch,
                                             double            *grad,
                                             double            *hg);
/* Columns first..first+k of the Hessian as @out (k, n_params) row-major (= those rows, H being
 * symmetric): saddle_model_hvp() on identity directions without multiplying by them. */
double       saddle_model_hessian_columns (SaddleModel       *model,
                                           const double      *theta,
                                           const SaddleBatch *batch,
                                           gsize              first,
                                           gsize              k,
                                           double            *out);
/* Network outputs (n, n_outputs) before softmax. */
void         saddle_model_predict       (SaddleModel       *model,
                                         const double      *theta,
                                         const SaddleBatch *batch,
                                         double            *outputs);
/* Share of samples whose arg-max output equals the label (classification), else NAN. */
double       saddle_model_accuracy      (SaddleModel       *model,
                                         const double      *theta,
                                         const SaddleBatch *batch);

/* The mean loss over @batch and, from the same forward pass, the accuracy into @accuracy
 * (NAN for regression or when the loss is NaN). */
double       saddle_model_loss_accuracy (SaddleModel       *model,
                                         const double      *theta,
                                         const SaddleBatch *batch,
                                         double            *accuracy);
/* Whether @model's passes over a whole set of @n samples (not a selection) sum by linear region
 * (one input and output, MSE, ReLU or identity, 64 samples or more: saddle-model-regions.c)
 * instead of by sample. */
gboolean     saddle_model_sums_by_region (const SaddleModel *model,
                                          gsize              n);
/* Whether saddle_model_loss_grad() reads a selection of @n samples (saddle_batch_select()) in
 * place, where the first layer's products read rows so (saddle_narrow_gemm_rows_takes() and
 * saddle_narrow_sum_rows_takes(): 8 inputs or more, an even count of at least 16, …); elsewhere
 * it copies the selection's rows together first, so gather instead. */
gboolean     saddle_model_reads_rows    (const SaddleModel *model,
                                         gsize              n);
/* saddle_model_loss_grad() and saddle_model_loss_accuracy() in one forward pass: the loss,
 * ∂L/∂θ into @grad and the accuracy into @accuracy (either may be NULL). */
double       saddle_model_loss_grad_accuracy (SaddleModel       *model,
                                              const double      *theta,
                                              const SaddleBatch *batch,
                                              double            *grad,
                                              double            *accuracy);

/* Hidden ReLU units never active (pre-activation ≤ 0) on any sample of @batch;
 * their weights give all-zero Hessian rows. 0 for other activations. */
guint        saddle_model_count_dead_units (SaddleModel       *model,
                                            const double      *theta,
                                            const SaddleBatch *batch);

/* Hidden ReLU pre-activations (sample × unit) of @batch on different sides of
 * their kink at @theta_a and at @theta_b: the pieces of the piecewise-smooth
 * loss that the segment between them crosses, at least. 0 for other activations. */
guint64      saddle_model_count_kinks_crossed (SaddleModel       *model,
                                               const double      *theta_a,
                                               const double      *theta_b,
                                               const SaddleBatch *batch);

/* The share α ∈ (0, 1] of the step @delta that θ + α·δ walks before a hidden ReLU
 * pre-activation of @batch first changes side (found on a log grid from 1e-12, 10 points a
 * decade, then bisected to 1e-6 relative); 1 if none does up to α = 1; NAN for other
 * activations or when scratch memory cannot be had. */
double       saddle_model_first_kink    (SaddleModel       *model,
                                         const double      *theta,
                                         const double      *delta,
                                         const SaddleBatch *batch);

gboolean     saddle_activation_from_string (const char *name, SaddleActivation *activation);
const char  *saddle_activation_to_string   (SaddleActivation activation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleModel, saddle_model_free)

/* Σ of the hidden widths: the pre-activations one sample has (0 for a linear model). */
gsize        saddle_model_n_hidden      (const SaddleModel *model);
/* Hidden pre-activations of @batch at @theta into @z, (n, saddle_model_n_hidden()) row-major:
 * sample i's row holds the first hidden layer's units, then the second's, …
 * FALSE (and @z untouched) if the batch does not fit or scratch cannot be had. */
gboolean     saddle_model_hidden_preactivations (SaddleModel       *model,
                                                 const double      *theta,
                                                 const SaddleBatch *batch,
                                                 double            *z);
/* ReLU: the change in ∂L/∂θ (L the mean over @batch) when the gate ReLU'(z) of unit @unit of
 * hidden layer @layer (0 = the first) switches side for sample @sample only, the forward values
 * kept as they are (z taken to be at its kink): the gradient with the other gate minus the
 * gradient with the current one (z > 0: open, else closed), into @jump (n_params). Only the
 * layers up to @layer change. FALSE (and @jump untouched) for other activations, indices out
 * of range, a batch that does not fit or scratch that cannot be had. */
gboolean     saddle_model_gate_jump     (SaddleModel       *model,
                                         const double      *theta,
                                         const SaddleBatch *batch,
                                         gsize              sample,
                                         guint              layer,
                                         gsize              unit,
                                         double            *jump);

G_END_DECLS
