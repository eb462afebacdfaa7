/* saddle-spectrum.h — eigenvalues of a symmetric matrix and their signs */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_SPECTRUM_ERROR (saddle_spectrum_error_quark ())

typedef enum
{
  SADDLE_SPECTRUM_ERROR_LAPACK,     /* the eigensolver did not converge */
  SADDLE_SPECTRUM_ERROR_NOT_FINITE, /* the matrix holds NaN or infinity */
} SaddleSpectrumError;

typedef struct
{
  gsize   n;
  double *eigenvalues;     /* (n), ascending */
  double  tolerance;       /* relative: |λ| ≤ tolerance · max|λ| counts as zero */
  double  max_abs;         /* max |λ| */
  gsize   positive;        /* λ > tolerance · max|λ| */
  gsize   negative;        /* λ < −tolerance · max|λ| */
  gsize   zero;            /* the band in between */
  double  minimal_ratio;   /* the homework's share of positive eigenvalues, made robust:
                            * positive / n, where "positive" means above the zero band
                            * (λ > tolerance · max|λ|) and n still counts the band; NAN if n = 0 */
  double  nonzero_ratio;   /* positive / (positive + negative): the zero band left out; NAN if none */
  gsize   deflated;        /* exactly zero rows set aside before the solve: exact zero
                            * eigenvalues, counted in zero */
} SaddleSpectrum;

GQuark          saddle_spectrum_error_quark (void);

/* All eigenvalues of the n × n symmetric @matrix (row-major, only its upper
 * triangle is read; overwritten), by LAPACKE (eigenvalues only: dsyevd below n = 2,048,
 * above it the two-stage dsyevd_2stage with dsyevd as fallback), classified with @tolerance.
 * Rows that are exactly zero are set aside first: each is an exact eigenvalue 0. */
SaddleSpectrum *saddle_spectrum_compute     (double  *matrix,
                                             gsize    n,
                                             double   tolerance,
                                             GError **error);
/* The same with the eigenvectors (one-stage dsyevd, JOBZ='V'): on return @matrix holds v_i,
 * the unit eigenvector of the i-th smallest eigenvalue, at @matrix + i·n. About 3× the time of
 * the values alone, and a workspace of 2n² more doubles. An exactly zero row i set aside gives
 * the eigenvalue 0 with the coordinate vector e_i, placed after the negative eigenvalues. */
SaddleSpectrum *saddle_spectrum_compute_vectors (double  *matrix,
                                                 gsize    n,
                                                 double   tolerance,
                                                 GError **error);
/* A spectrum from known eigenvalues (copied, sorted), classified with @tolerance. */
SaddleSpectrum *saddle_spectrum_new_from_values (const double *values,
                                                 gsize         n,
                                                 double        tolerance);
/* Recounts the bands for a new @tolerance. */
void            saddle_spectrum_classify    (SaddleSpectrum *spectrum,
                                             double          tolerance);
SaddleSpectrum *saddle_spectrum_copy        (const SaddleSpectrum *spectrum);
void            saddle_spectrum_free        (SaddleSpectrum *spectrum);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleSpectrum, saddle_spectrum_free)

G_END_DECLS
