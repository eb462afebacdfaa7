/* saddle-summary.h — summary.json: a study's settings and results, written and read back
 *
 * saddle-cli and the app's Export All write one summary.json a study through this one
 * writer, so the two files agree: the model and training settings, how far the study got
 * (cancelled, failures) and, for a critical study, every point's numbers and the trend test;
 * for trajectories also the share of variance of each PCA plane, which the trajectory files
 * do not hold. Numbers are JSON numbers (null when not finite), written with json-glib.
 * saddle_summary_read() (saddle-summary-read.c) takes the settings back for Open Results:
 * what a file leaves out keeps the homework's default for its study and task; a value of the
 * wrong type or out of range is refused with the file, the line and the member named.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "saddle-config-field.h"
#include "saddle-slice.h"
#include "saddle-study.h"
#include "saddle-trend.h"

G_BEGIN_DECLS

#define SADDLE_SUMMARY_ERROR (saddle_summary_error_quark ())

typedef enum
{
  SADDLE_SUMMARY_ERROR_INVALID,     /* not a summary Saddle can use; the message names file and line */
} SaddleSummaryError;

typedef struct
{
  guint  labels[SADDLE_CRITICAL_N_LABELS];
  guint  n;
  SaddleCriticalTrend trend;    /* --ratio against loss, certified and all: what critical.svg draws */
} SaddleCriticalStats;

/* Dauphin et al. 2014, in one line, for the summary and summary.json. */
#define SADDLE_SUMMARY_EXPECTATION \
  "Dauphin et al. (2014) expect the index (the share of negative eigenvalues) to grow with " \
  "the loss: critical points high in loss are saddles, those near the lowest loss are minima, " \
  "so the ratio of positive eigenvalues should fall as the loss rises (Spearman's rho < 0)"

/* How the test was made, for the summary and summary.json. */
#define SADDLE_SUMMARY_TREND_METHOD \
  "Spearman's rho of the ratio with the loss; a 95% percentile bootstrap interval from " \
  G_STRINGIFY (SADDLE_TREND_RESAMPLES) " resamples of the points; a two-sided permutation " \
  "p-value, exact over all n! pairings for n <= " G_STRINGIFY (SADDLE_STATS_EXACT_MAX) \
  ", else from " G_STRINGIFY (SADDLE_TREND_PERMUTATIONS) " random pairings; seed " \
  G_STRINGIFY (SADDLE_TREND_SEED) ". A verdict only when the interval excludes 0 and p < 0.05"

/* The numbers of a critical point that summary.json holds and critical.csv does not. */
typedef struct
{
  guint    run;                /* 0-based */
  double   asymmetry;
  guint    reach_iterations;
  gboolean reach_converged;
  double   reach_tolerance;
} SaddleSummaryPoint;

/* What summary.json says about a study (saddle_summary_read()). */
typedef struct
{
  SaddleStudyKind   kind;
  SaddleStudyConfig config;            /* the settings; NULL data_path when not recorded */
  char             *dataset_name;
  guint             widths[SADDLE_MAX_HIDDEN_LAYERS + 2];  /* input, hidden…, output */
  guint             n_widths;
  guint             n_samples;
  gsize             n_params;
  gboolean          cancelled;
  GPtrArray        *failures;          /* char * */
  double            explained[2];      /* trajectories: PC1, PC2 share of variance; else NAN */
  double            layer_explained[2];
  GArray           *points;            /* SaddleSummaryPoint, critical study */
} SaddleSummary;

GQuark   saddle_summary_error_quark        (void);

/* The summary.json member that holds config @field: the one name the writer and
 * saddle_summary_read() both use. NULL for a field summary.json does not hold (threads, jobs,
 * the Newton method). */
const char *saddle_summary_key             (SaddleConfigField             field);

/* Member @member of the open JSON object set to @value. */
void     saddle_summary_add_int            (JsonBuilder                  *builder,
                                            const char                   *member,
                                            gint64                        value);
void     saddle_summary_add_boolean        (JsonBuilder                  *builder,
                                            const char                   *member,
                                            gboolean                      value);
void     saddle_summary_add_string         (JsonBuilder                  *builder,
                                            const char                   *member,
                                            const char                   *value);
/* A JSON number, or null when @value is NaN or infinite (JSON has neither). */
void     saddle_summary_add_double         (JsonBuilder                  *builder,
                                            const char                   *member,
                                            double                        value);
/* Writes @root pretty-printed to @path (atomically). */
gboolean saddle_summary_write_json         (const char                   *path,
                                            JsonNode                     *root,
                                            GError                      **error);
/* The point's measurements as members of the open JSON object. */
void     saddle_summary_add_point_measures (JsonBuilder                  *builder,
                                            const SaddleCriticalPoint    *point);
/* The settings the measurements used, as members of the open JSON object. */
void     saddle_summary_add_point_settings (JsonBuilder                  *builder,
                                            const SaddleCriticalSettings *settings);
/* The MINRES Newton reach's numbers as members of the open JSON object. */
void     saddle_summary_add_reach          (JsonBuilder                  *builder,
                                            const SaddleNewtonReach      *reach);
/* Every number of one analysed point, as members of the open JSON object; a point measured
 * without its spectrum (Lanczos, SLQ) has no counts, ratios, asymmetry, label or measures. */
void     saddle_summary_add_point          (JsonBuilder                  *builder,
                                            const SaddleCriticalPoint    *point);
/* The model's settings (@widths input…output, @n_samples the data's) as members. */
void     saddle_summary_add_config         (JsonBuilder                  *builder,
                                            const SaddleStudyConfig      *config,
                                            const guint                  *widths,
                                            guint                         n_widths,
                                            guint                         n_samples,
                                            const char                   *dataset_name);
/* A loss slice's numbers as the member "slice". */
void     saddle_summary_add_slice          (JsonBuilder                  *builder,
                                            const SaddleSlice            *slice);
/* Label counts and the trend of @set's points (@ratio_nonzero: the non-zero ratio's). */
void     saddle_critical_stats_compute     (const SaddleCriticalSet      *set,
                                            gboolean                      ratio_nonzero,
                                            SaddleCriticalStats          *stats);
/* summary.json of a critical study (@slice of run @slice_run may be NULL). */
gboolean saddle_summary_write_critical     (const char                   *path,
                                            const SaddleStudyResults     *results,
                                            const SaddleCriticalStats    *stats,
                                            guint                         slice_run,
                                            const SaddleSlice            *slice,
                                            GError                      **error);
/* summary.json of a trajectories or gradient-norm study. */
gboolean saddle_summary_write_study        (const char                   *path,
                                            const SaddleStudyResults     *results,
                                            GError                      **error);
/* Reads @length bytes of summary.json text (@path names it in messages) into @summary. */
gboolean saddle_summary_parse              (const char                   *path,
                                            const char                   *text,
                                            gsize                         length,
                                            SaddleSummary                *summary,
                                            GError                      **error);
/* Reads the file @path into @summary (cleared first; clear it after with saddle_summary_clear). */
gboolean saddle_summary_read               (const char                   *path,
                                            SaddleSummary                *summary,
                                            GError                      **error);
void     saddle_summary_clear              (SaddleSummary                *summary);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SaddleSummary, saddle_summary_clear)

G_END_DECLS
