/* saddle-analysis.h — Analyse Weights' work: a weights file on its data, measured as
 * `saddle-cli hessian` measures it
 *
 * The file is text, safetensors, .npy or .npz (saddle-weights-file.h). The model and the data
 * come from the options line it records (what --save-weights writes) and its layer shapes and
 * activation; an IDX data folder may be chosen instead. Up to SADDLE_MEASURE_OVERLAY_MAX
 * parameters the dense Hessian gives every eigenvalue, the counts, ratios and label; beyond
 * it Lanczos gives the extremes with their residuals. Both add the SLQ density and the loss
 * slice along the extreme eigenvectors. saddle_analysis_run() is a SaddleJobWorkFunc: it runs
 * on the worker thread, calls core alone, and sends PROGRESS events named by phase;
 * saddle_analysis_summary() puts its result in words.
 */
#pragma once

#include "saddle-critical-measure.h"
#include "saddle-slice.h"
#include "saddle-study.h"

G_BEGIN_DECLS

#define SADDLE_ANALYSIS_ERROR (saddle_analysis_error_quark ())

typedef enum
{
  SADDLE_ANALYSIS_ERROR_WEIGHTS,   /* the weights file cannot be used: the message says why */
} SaddleAnalysisError;

/* Points of the loss slice and its half-width, as saddle-cli hessian --slice. */
#define SADDLE_ANALYSIS_SLICE_POINTS 101
#define SADDLE_ANALYSIS_SLICE_RANGE  1.0
/* Lanczos: distinct eigenvalues found at each end (as saddle-cli hessian --k). */
#define SADDLE_ANALYSIS_LANCZOS_K    10

typedef struct
{
  char *weights_path;
  char *data_path;     /* an IDX folder chosen instead of the header's data, or NULL */
} SaddleAnalysisInput;

typedef struct
{
  char                  *weights_path;
  SaddleStudyConfig      config;      /* the model and data the header names */
  char                  *model_text;  /* "1-6-1 relu" */
  char                  *dataset_name;
  gsize                  n_params;
  SaddleCriticalMeasure *measure;     /* DENSE up to SADDLE_MEASURE_OVERLAY_MAX, else LANCZOS */
  SaddleDensity         *density;     /* SLQ */
  SaddleSlice           *slice;       /* along the bottom and top eigenvectors */
} SaddleAnalysis;

GQuark               saddle_analysis_error_quark (void);

SaddleAnalysisInput *saddle_analysis_input_new  (const char          *weights_path,
                                                 const char          *data_path);
void                 saddle_analysis_input_free (SaddleAnalysisInput *input);
/* A SaddleJobWorkFunc on a SaddleAnalysisInput: the SaddleAnalysis, or NULL and @error (a
 * bad file, data that cannot load, a cancel). */
gpointer             saddle_analysis_run        (gpointer             input,
                                                 SaddleEventFunc      func,
                                                 gpointer             func_data,
                                                 GError             **error);
/* What saddle-cli hessian prints, in words for the window's summary (translated; g_free). */
char                *saddle_analysis_summary    (const SaddleAnalysis *analysis);
void                 saddle_analysis_free       (SaddleAnalysis      *analysis);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleAnalysis, saddle_analysis_free)

G_END_DECLS
