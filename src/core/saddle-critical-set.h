/* saddle-critical-set.h — the analysed critical points of a study */
#pragma once

#include "saddle-critical.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *points;        /* SaddleCriticalPoint *, owned, in arrival order */
  double     tolerance;     /* eigenvalue zero band used */
} SaddleCriticalSet;

SaddleCriticalSet *saddle_critical_set_new        (double tolerance);
void               saddle_critical_set_free       (SaddleCriticalSet *set);
/* Takes a copy of @point. */
void               saddle_critical_set_add        (SaddleCriticalSet         *set,
                                                   const SaddleCriticalPoint *point);
/* critical.csv: run,loss,grad_norm,minimal_ratio,positive,negative,zero,tolerance,
 * plus nonzero_ratio,label,grad_norm_start,steps,dead_units,hg_ratio,max_abs_eigenvalue,accuracy,
 * grad_norm_descent,newton_steps,newton_distance,newton_residual,kinks_crossed; run is 1-based
 * (point run + 1), as in every figure. */
gboolean           saddle_critical_set_write_csv  (const SaddleCriticalSet *set,
                                                   const char              *path,
                                                   GError                 **error);
/* eigenvalues.csv: run,index,eigenvalue (ascending per run; run 1-based, index 0-based). */
gboolean           saddle_critical_set_write_eigenvalues (const SaddleCriticalSet *set,
                                                          const char              *path,
                                                          GError                 **error);

/* The smallest and largest of n values (NAN when n = 0). */
typedef struct
{
  guint  n;
  double min;
  double max;
} SaddleRange;

/* What a set's points are: how many are certified stationary and how, and for the others the
 * measurements that say what they are instead (ranges over the uncertified points that have
 * each measurement). */
typedef struct
{
  guint       analysed;                 /* points with a spectrum */
  guint       labels[SADDLE_CRITICAL_N_LABELS];
  guint       by_gradient;              /* certified by ‖∇L‖ ≤ certify_tolerance */
  guint       by_clarke;                /* certified by the Clarke distance */
  SaddleRange grad_norm;                /* ‖∇L‖ of the uncertified */
  SaddleRange still_factor;             /* loss before ÷ after L-BFGS, uncertified */
  SaddleRange clarke_distance;          /* uncertified ReLU points */
  SaddleRange share_zero;               /* share of ‖∇L‖² on the zero band, uncertified */
  SaddleRange share_weak;               /* on the weak band, uncertified */
  SaddleRange step_length[SADDLE_EXACT_REACH_CUTOFFS];    /* exact Newton step, uncertified */
  SaddleRange step_residual[SADDLE_EXACT_REACH_CUTOFFS];
  SaddleRange kink_fraction[SADDLE_EXACT_REACH_CUTOFFS];  /* share of the step before a kink */
  SaddleRange theta_norm;               /* ‖θ‖ of the uncertified, where kept */
} SaddleCriticalSummary;

/* Sums up @set's points (see SaddleCriticalSummary). */
void               saddle_critical_set_summarise  (const SaddleCriticalSet *set,
                                                   SaddleCriticalSummary   *summary);

/* Reads back what saddle_critical_set_write_csv() and saddle_critical_set_write_eigenvalues()
 * wrote (columns found by their header names, in any order; the Newton-reach columns may be
 * missing, as in older files) and appends the points to @set, spectra rebuilt from the
 * eigenvalues and checked against the file's counts, without parameters. Every row must have
 * @set's tolerance. An unreadable file is a GFileError; anything else that does not fit, a
 * SADDLE_CRITICAL_ERROR_INVALID naming the file and line. @set is unchanged on error. An
 * empty @set whose tolerance is NAN takes the first row's. */
gboolean           saddle_critical_set_read_csv   (SaddleCriticalSet       *set,
                                                   const char              *critical_path,
                                                   const char              *eigenvalues_path,
                                                   GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleCriticalSet, saddle_critical_set_free)

G_END_DECLS
