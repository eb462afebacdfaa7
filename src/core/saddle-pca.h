/* saddle-pca.h — principal components of a set of points (centred) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_PCA_ERROR (saddle_pca_error_quark ())

typedef enum
{
  SADDLE_PCA_ERROR_TOO_FEW,         /* fewer than two points */
  SADDLE_PCA_ERROR_LAPACK,          /* the SVD/eigensolver failed */
} SaddlePcaError;

typedef struct
{
  gsize   n_points;
  gsize   dim;
  guint   n_components;
  double *mean;            /* (dim) */
  double *components;      /* (n_components, dim), unit rows, by decreasing variance */
  double *scores;          /* (n_points, n_components): projections of the input points */
  double *explained_ratio; /* (n_components): share of total variance */
  double  total_variance;  /* sum of all variances (trace of the covariance) */
} SaddlePca;

GQuark     saddle_pca_error_quark (void);

/* PCA of @n_points rows of @x (n_points, dim). Uses the n_points × n_points
 * Gram matrix when n_points ≪ dim. Signs are fixed so each component's
 * largest-magnitude coordinate is positive (deterministic across runs). */
SaddlePca *saddle_pca_fit         (const double *x,
                                   gsize         n_points,
                                   gsize         dim,
                                   guint         n_components,
                                   GError      **error);
/* As saddle_pca_fit(), and in @slice the PCA of the columns [@slice_offset, +@slice_size)
 * of the same rows (a layer's weights within the whole vector). When the slice has at least
 * as many columns as there are rows, both come from one pass over the data, the whole's Gram
 * matrix the sum of the slice's and the other columns'. With @threads > 1 and enough work
 * (n_points² · dim ≥ 10⁸), two threads share the columns, each calling BLAS as the caller set
 * it (best with one BLAS thread); the numbers are the same with any @threads. */
SaddlePca *saddle_pca_fit_with_slice (const double  *x,
                                      gsize          n_points,
                                      gsize          dim,
                                      gsize          slice_offset,
                                      gsize          slice_size,
                                      guint          n_components,
                                      guint          threads,
                                      SaddlePca    **slice,
                                      GError       **error);
/* Coordinates of @point (dim) in the components (n_components). */
void       saddle_pca_project     (const SaddlePca *pca,
                                   const double    *point,
                                   double          *coords);
/* The point mean + Σ coords[i]·component[i] (dim). */
void       saddle_pca_reconstruct (const SaddlePca *pca,
                                   const double    *coords,
                                   double          *point);
/* A projection read back from a file: @n_points rows of @scores (n_points, n_components) and
 * the components' @explained shares (copied); no mean or components (dim 0). */
SaddlePca *saddle_pca_new_scores  (gsize         n_points,
                                   guint         n_components,
                                   const double *scores,
                                   const double *explained);
void       saddle_pca_free        (SaddlePca *pca);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddlePca, saddle_pca_free)

G_END_DECLS
