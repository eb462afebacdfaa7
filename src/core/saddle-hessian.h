/* saddle-hessian.h — the exact full Hessian of the loss, from batched HVPs or its structure */
#pragma once

#include "saddle-event.h"
#include "saddle-model.h"
#include "saddle-work.h"

G_BEGIN_DECLS

#define SADDLE_HESSIAN_ERROR (saddle_hessian_error_quark ())

typedef enum
{
  SADDLE_HESSIAN_ERROR_TOO_LARGE,   /* the n × n matrix does not fit in available memory */
  SADDLE_HESSIAN_ERROR_CANCELLED,
  SADDLE_HESSIAN_ERROR_ASYMMETRIC,  /* asymmetry above rounding level: a derivative is wrong */
  SADDLE_HESSIAN_ERROR_NOT_FINITE,
} SaddleHessianError;

GQuark   saddle_hessian_error_quark   (void);

/* Fails with TOO_LARGE, naming both sizes, if an n × n double matrix plus
 * @extra_bytes exceeds available memory. */
gboolean saddle_hessian_check_memory  (gsize    n,
                                       gsize    extra_bytes,
                                       GError **error);
/* The symmetry verdict on a built Hessian from max|H − Hᵀ| and max|H|: NOT_FINITE unless
 * @finite, ASYMMETRIC above rounding level; @asymmetry (may be NULL) gets the ratio. */
gboolean saddle_hessian_check_symmetry (double    max_diff,
                                        double    max_abs,
                                        gboolean  finite,
                                        double   *asymmetry,
                                        GError  **error);
typedef enum
{
  SADDLE_HESSIAN_BUILD_AUTO,        /* the faster of the two for the model and batch size */
  SADDLE_HESSIAN_BUILD_HVP,         /* n HVPs on identity directions: the reference */
  SADDLE_HESSIAN_BUILD_STRUCTURED,  /* Gauss–Newton plus second-order blocks by GEMMs */
} SaddleHessianBuild;

/* The build SADDLE_HESSIAN_BUILD_AUTO uses for @model on @n_samples (never AUTO). */
SaddleHessianBuild saddle_hessian_choose_build (const SaddleModel *model,
                                                gsize              n_samples);
/* saddle_hessian_dense() by the chosen @build; @block only matters for the HVP build, and the
 * structured one is symmetric by construction (its @asymmetry is 0, its finiteness checked). */
double  *saddle_hessian_dense_build   (SaddleModel        *model,
                                       const double       *theta,
                                       const SaddleBatch  *batch,
                                       SaddleHessianBuild  build,
                                       gsize               block,
                                       SaddleProgressFunc  progress,
                                       gpointer            user_data,
                                       double             *asymmetry,
                                       GError            **error);
/* The full n × n Hessian (row-major, g_free), built the faster way for this model and batch
 * (saddle_hessian_choose_build()). The HVP build works on identity blocks of @block columns
 * at once (0 = a sensible default); its asymmetry max|H − Hᵀ| / max|H| is stored in
 * @asymmetry and checked to be at rounding level before the matrix is symmetrised. */
double  *saddle_hessian_dense         (SaddleModel        *model,
                                       const double       *theta,
                                       const SaddleBatch  *batch,
                                       gsize               block,
                                       SaddleProgressFunc  progress,
                                       gpointer            user_data,
                                       double             *asymmetry,
                                       GError            **error);

G_END_DECLS
