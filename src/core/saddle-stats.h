/* saddle-stats.h — correlations and fits for the minimal-ratio-against-loss scatter
 *
 * Every function takes paired samples (x_i, y_i) and leaves out pairs with a
 * non-finite member (a run whose ratio is NaN), so a scatter with gaps can be
 * passed as it is.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_STATS_ERROR (saddle_stats_error_quark ())

typedef enum
{
  SADDLE_STATS_ERROR_TOO_FEW,       /* fewer usable points than the fit needs */
  SADDLE_STATS_ERROR_DEGENERATE,    /* the points cannot determine the fit (all x equal, all index 0) */
} SaddleStatsError;

GQuark   saddle_stats_error_quark   (void);

/* TRUE when none of the @n values is NaN or infinite (one branch-free pass). */
gboolean saddle_stats_all_finite      (const double *values,
                                       gsize         n);
/* qsort() order of doubles, ascending (NaN compares equal to everything: drop it first). */
int      saddle_stats_compare_doubles (const void *a,
                                       const void *b);
/* Median of the finite values of @values (n), with their smallest and largest in @lo and @hi
 * (may be NULL); NAN if none is finite. Reorders @values: the finite ones, sorted, come first,
 * and what follows them is left over. */
double   saddle_stats_median        (double       *values,
                                     gsize         n,
                                     double       *lo,
                                     double       *hi);

/* The centred moving average of @y (n) over @window points (odd; at the ends the window
 * shrinks to what is there), into @out. With @log the average is of log10 y, i.e. the
 * geometric mean: right for values drawn on a log axis. Values that cannot take part (not
 * finite, or ≤ 0 with @log) are left out of every window; a window with none gives NAN. */
void     saddle_stats_moving_average (const double *y,
                                      gsize         n,
                                      guint         window,
                                      gboolean      log,
                                      double       *out);
/* The odd moving-average window (saddle_stats_moving_average()) sized to the noise of @y (n):
 * half the smallest window, from 3 up to n / 4, at which the residual y − mean stops being
 * anti-correlated (lag-1 autocorrelation ≥ 0). Below that the mean still follows the noise
 * (averaging white noise over w points leaves a residual correlated −1/(w − 1)); there the
 * trend's bias has grown as large as the mean's noise. Pure noise never crosses: n / 8. With
 * @log, of log10 y. At least 3; 1 when fewer than 6 values can take part. */
guint    saddle_stats_noise_window  (const double *y,
                                     gsize         n,
                                     gboolean      log);
/* 1-based ranks of @x (n) into @ranks, tied values sharing their average rank; NaN stays NaN. */
void     saddle_stats_ranks         (const double *x,
                                     gsize         n,
                                     double       *ranks);
/* Pearson's r over the finite pairs; NAN for fewer than 3 of them or zero variance. */
double   saddle_stats_pearson       (const double *x,
                                     const double *y,
                                     gsize         n);
/* Spearman's ρ (Pearson's r of average ranks, ties allowed) over the finite pairs; NAN as Pearson. */
double   saddle_stats_spearman      (const double *x,
                                     const double *y,
                                     gsize         n);
/* Spearman's ρ with its uncertainty (saddle_stats_spearman_test()). */
typedef struct
{
  gsize    n;                  /* finite pairs used */
  double   rho;                /* Spearman's ρ; NAN for fewer than 3 pairs or x or y all tied */
  double   low, high;          /* percentile bootstrap interval at @level; NAN when rho is */
  double   level;              /* 0.95 */
  guint    resamples;          /* bootstrap resamples drawn (B), pairs drawn with replacement */
  guint    resamples_defined;  /* of them, those whose ρ is defined: the interval's sample */
  double   p_value;            /* two-sided permutation p-value of "no association"; NAN when rho is */
  gboolean p_exact;            /* all n! pairings enumerated (n ≤ SADDLE_STATS_EXACT_MAX) */
  guint64  permutations;       /* pairings counted: n! when exact, else the random ones */
  guint64  seed;               /* of both the bootstrap and the random permutations */
} SaddleSpearmanTest;

/* Up to this many pairs the permutation test enumerates every pairing (8! = 40,320). */
#define SADDLE_STATS_EXACT_MAX 8

/* Spearman's ρ over the finite pairs, a 95 % percentile bootstrap interval from @resamples
 * resamples of the pairs, and a two-sided permutation p-value: exact for up to
 * SADDLE_STATS_EXACT_MAX pairs, else (1 + #{|ρ*| ≥ |ρ|}) / (1 + @permutations) over random
 * pairings. Both are drawn from SaddleRng streams of @seed: the same inputs, the same numbers. */
void     saddle_stats_spearman_test (const double       *x,
                                     const double       *y,
                                     gsize               n,
                                     guint               resamples,
                                     guint               permutations,
                                     guint64             seed,
                                     SaddleSpearmanTest *test);
/* Least-squares line y ≈ slope·x + intercept and its r² (NAN when y is constant) over the finite
 * pairs; needs 2 points with distinct x. Any output may be NULL. */
gboolean saddle_stats_linear_fit    (const double *x,
                                     const double *y,
                                     gsize         n,
                                     double       *slope,
                                     double       *intercept,
                                     double       *r2,
                                     GError      **error);
/* Pennington–Bahri law index ≈ a·(loss − loss_c)^{3/2}: loss_c searched below the smallest loss
 * (down to 10 loss spans under it), a by linear least squares at each candidate; @residual gets
 * the root-mean-square misfit, @n_used the finite pairs used. Needs 3 pairs, distinct losses
 * and a nonzero index. Any output may be NULL. */
gboolean saddle_stats_fit_index_law (const double *loss,
                                     const double *index,
                                     gsize         n,
                                     double       *loss_c,
                                     double       *a,
                                     double       *residual,
                                     gsize        *n_used,
                                     GError      **error);

G_END_DECLS
