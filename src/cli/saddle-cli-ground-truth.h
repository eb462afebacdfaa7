/* saddle-cli-ground-truth.h — the autoencoder study checked against its closed form */
#pragma once

#include "saddle-dataset.h"
#include "saddle-study.h"

G_BEGIN_DECLS

/* For a critical study whose model has a closed form (one hidden layer, identity, inputs =
 * targets): prints each point's subset and whether its loss and index match, a summary, and
 * writes ground-truth.csv and ground-truth-levels.csv (every full-rank critical point) into
 * @out_dir (their paths into @written_path, @written_levels). Another model: prints why there
 * is nothing to compare and returns TRUE with both paths NULL. */
gboolean saddle_cli_ground_truth_report (const SaddleStudyResults *results,
                                         const SaddleDataset      *dataset,
                                         const char               *out_dir,
                                         char                    **written_path,
                                         char                    **written_levels,
                                         GError                  **error);

G_END_DECLS
