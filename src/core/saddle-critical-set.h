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

/* Whether a set's points are critical points at all (see SaddleNewtonReach). */
typedef struct
{
  guint  reached;            /* ‖∇L‖ ≤ SADDLE_CRITICAL_REACHED_GRAD_NORM */
  guint  none;               /* the others with no critical point of the local model in reach */
  guint  found;              /* the others with one, reach.distance away */
  guint  max_iterations;     /* most MINRES iterations any reach solve took */
  guint  stopped_early;      /* of the none, those whose solve hit its cap before its tolerance
                              * (points read back from a CSV carry no iterations: never counted) */
  double median_residual;    /* of the none; NAN if none */
  double median_distance;    /* of the found; NAN if none */
  double median_kinks;       /* of the found; NAN if none */
} SaddleReachSummary;

/* Counts @set's points in the three groups; a point whose reach was not measured counts in no group. */
void               saddle_critical_set_reach_summary (const SaddleCriticalSet *set,
                                                      SaddleReachSummary      *summary);

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
