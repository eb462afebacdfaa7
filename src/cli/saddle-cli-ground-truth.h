/* saddle-cli-ground-truth.h — the autoencoder study checked against its closed form */
#pragma once

#include "saddle-dataset.h"
#include "saddle-study.h"

G_BEGIN_DECLS

/* For a critical study whose model has a closed form (one hidden layer, identity, inputs =
 * targets): prints each point's subset and whether its loss and index match, a summary, and
 * writes ground-truth.csv and ground-truth-levels.csv (every full-rank critical point) into
 * @out_dir, adding each path to @written (char *, owned). Another model: prints why there is
 * nothing to compare and writes nothing. */
gboolean saddle_cli_ground_truth_report (const SaddleStudyResults *results,
                                         const SaddleDataset      *dataset,
                                         const char               *out_dir,
                                         GPtrArray                *written,
                                         GError                  **error);

/* Every full-rank critical point of an autoencoder study's closed form (SaddleGroundTruthLevel),
 * for critical.svg; NULL for another task or model. */
GArray  *saddle_cli_ground_truth_levels (const SaddleStudyResults *results,
                                         const SaddleDataset      *dataset);

G_END_DECLS
