/* saddle-test-util.h — fixtures shared by the core and plot tests (the saddle-cli tests share
 * saddle-test-run.h, the GUI tests saddle-test-app.h) */
#pragma once

#include "saddle-batch.h"
#include "saddle-critical.h"
#include "saddle-dataset.h"
#include "saddle-model.h"
#include "saddle-surface.h"
#include "saddle-trajectory.h"

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

/* max |v_i| over @n values. */
double  saddle_test_max_abs              (const double *v,
                                          gsize         n);
/* A = Q·diag(@lambda)·Qᵀ (n × n, row-major, newly allocated) with Q the orthogonal factor of a
 * Gaussian matrix seeded by @seed: its spectrum is exactly @lambda, its eigenvectors in general
 * position, and it is symmetric to the last bit. */
double *saddle_test_matrix_with_spectrum (const double *lambda,
                                          gsize         n,
                                          guint64       seed);

/* @n_runs runs of @n_epochs + 1 snapshots of 60 parameters (layer: 30 from offset 20) that
 * start at different random points and drift towards different minima along curved paths,
 * as trained weights do; accuracies NAN when @regression; the PCA computed when @compute. */
SaddleTrajectory    *saddle_test_trajectory_new     (guint               n_runs,
                                                     guint               n_epochs,
                                                     gboolean            regression,
                                                     gboolean            compute);
/* A critical point of run @run with every field set to a recognisable value, its spectrum
 * @eigenvalues (n) at @tolerance, certified by the gradient when @label is a certified one. */
SaddleCriticalPoint *saddle_test_critical_point_new (guint               run,
                                                     double              loss,
                                                     const double       *eigenvalues,
                                                     gsize               n,
                                                     double              tolerance,
                                                     SaddleCriticalLabel label);
/* A loss over a trajectory's plane: log10 of it is linear in (a, b), so the contour drawing
 * (linear on triangles, in log10 when the levels are log-spaced) is exact and each pixel's band
 * is known in closed form. */
typedef struct
{
  double range[4];
  double lo;        /* log10 loss at (pc1_min, pc2_min), or the loss itself (linear) */
  double span;      /* added along each axis from min to max */
  gboolean log;
} SaddleTestLandscape;

/* @land's log10 loss (or loss, when linear) at plane coordinates (@a, @b). */
double               saddle_test_landscape_value    (const SaddleTestLandscape *land,
                                                     double                     a,
                                                     double                     b);
/* A 41 × 41 surface over @trajectory's PCA plane holding @land (filled in here): three decades
 * when @log_levels, else 1 to 3. */
SaddleSurface       *saddle_test_surface_new        (const SaddleTrajectory    *trajectory,
                                                     SaddleTestLandscape       *land,
                                                     gboolean                   log_levels);
/* The lines of the text file @path, which must end in a newline (that last one dropped). */
char               **saddle_test_read_lines         (const char         *path);

G_END_DECLS
