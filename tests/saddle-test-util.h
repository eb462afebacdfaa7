/* saddle-test-util.h — fixtures shared by the core tests */
#pragma once

#include "saddle-batch.h"
#include "saddle-dataset.h"
#include "saddle-model.h"

G_BEGIN_DECLS

/* A small MSE net on the sampled sinc function, the whole dataset as its batch. */
typedef struct
{
  SaddleDataset *dataset;
  SaddleBatch    batch;
  SaddleModel   *model;
  double        *theta;   /* (n) initialised from the seed */
  gsize          n;
} SaddleTestNet;

/* @n_points of sinc on [0, 1]; θ from saddle_model_init_params seeded with @seed. */
void   saddle_test_net_init   (SaddleTestNet    *net,
                               const guint      *widths,
                               guint             n_widths,
                               SaddleActivation  activation,
                               gsize             n_points,
                               guint64           seed);
void   saddle_test_net_clear  (SaddleTestNet    *net);
/* cov(x, y) of a one-input, one-output dataset; its mean target in @mean_y. */
double saddle_test_net_xy_cov (const SaddleTestNet *net,
                               double              *mean_y);

/* The least-squares line y ≈ slope·x + intercept through a one-input, one-output dataset. */
void   saddle_test_net_line_fit (const SaddleTestNet *net,
                                 double              *slope,
                                 double              *intercept);

/* A net on @n random samples: inputs uniform on [−1, 1], Gaussian targets (MSE) or uniform
 * labels (cross-entropy); θ from saddle_model_init_params, then every bias drawn from
 * N(0, @bias_scale²) so the biases' derivatives (and ReLU kinks) are spread out. */
typedef struct
{
  guint        widths[8];
  guint        n_widths;
  SaddleModel *model;
  gsize        P;
  gsize        H;          /* hidden pre-activations per sample */
  double      *theta;      /* (P) */
  SaddleBatch  batch;
  double      *x;          /* (n, in) */
  double      *targets;    /* (n, out), MSE */
  guint32     *labels;     /* (n), cross-entropy */
} SaddleTestRig;

void   saddle_test_rig_init   (SaddleTestRig    *rig,
                               const guint      *widths,
                               guint             n_widths,
                               SaddleActivation  activation,
                               SaddleLoss        loss,
                               gsize             n,
                               double            bias_scale,
                               guint64           seed);
void   saddle_test_rig_clear  (SaddleTestRig    *rig);

/* A regression batch over caller-owned arrays: @n samples, @x (n × n_inputs), @targets
 * (n × n_outputs). */
void   saddle_test_batch_init (SaddleBatch      *batch,
                               const double     *x,
                               const double     *targets,
                               gsize             n,
                               gsize             n_inputs,
                               gsize             n_outputs);

/* aᵀb, the plain loop the BLAS paths are checked against. */
double saddle_test_dot        (const double     *a,
                               const double     *b,
                               gsize             n);

G_END_DECLS
