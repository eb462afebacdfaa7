/* saddle-results-folder.h — a results folder read back: what saddle-cli or Export All wrote
 *
 * A study folder (saddle-cli --out: summary.json and the study's CSV files) gives one
 * SaddleStudyResults; an Export All folder (one subfolder a study: trajectories/, gradnorm/,
 * critical/) gives one for each subfolder present. Settings come from summary.json; the
 * numbers from the CSV files, through the engine's own readers, so they are the numbers
 * that were written (%.17g reads back bit for bit). A critical folder without summary.json
 * (saddle-cli merge writes none) is read with the study's default settings, and says so in
 * settings_recorded. Weights saved beside the points (weights-runN.txt, weights.txt for a
 * one-run study) come back as each point's parameters, so its loss slice can be recomputed.
 * Anything that does not fit is refused with the file and line named; nothing is returned
 * then.
 */
#pragma once

#include "saddle-study.h"

G_BEGIN_DECLS

#define SADDLE_RESULTS_FOLDER_ERROR (saddle_results_folder_error_quark ())

typedef enum
{
  SADDLE_RESULTS_FOLDER_ERROR_EMPTY,    /* no study's files in the folder */
  SADDLE_RESULTS_FOLDER_ERROR_INVALID,  /* a file does not fit; the message names file and line */
} SaddleResultsFolderError;

typedef struct
{
  SaddleStudyResults *results;
  gboolean            settings_recorded;  /* FALSE: no summary.json, default settings shown */
  guint               weights_found;      /* points whose parameters were in the folder */
  char               *folder;             /* the folder this study was read from */
} SaddleOpenedStudy;

GQuark     saddle_results_folder_error_quark (void);

/* The studies in @folder (SaddleOpenedStudy *, in the order trajectories, gradnorm, critical). */
GPtrArray *saddle_results_folder_read        (const char  *folder,
                                              GError     **error);
void       saddle_opened_study_free          (SaddleOpenedStudy *study);
/* The name of run @run's (0-based) weights file in a folder of a @runs-run study (g_free). */
char      *saddle_results_folder_weights_name (guint runs,
                                               guint run);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleOpenedStudy, saddle_opened_study_free)

G_END_DECLS
