/* saddle-cli-output.h — files saddle-cli writes: folders, SVG charts, JSON, weights */
#pragma once

#include <json-glib/json-glib.h>

#include "saddle-critical-set.h"
#include "saddle-density.h"
#include "saddle-format.h"
#include "saddle-history.h"
#include "saddle-slice.h"
#include "saddle-trajectory.h"
#include "saddle-trend.h"

G_BEGIN_DECLS

/* Chart sizes of every SVG the CLI writes. */
#define SADDLE_CLI_SVG_WIDTH           900
#define SADDLE_CLI_SVG_HEIGHT          600
#define SADDLE_CLI_GRADNORM_SVG_HEIGHT 700

/* Creates @dir and its parents; the error names the folder. */
gboolean saddle_cli_ensure_dir          (const char               *dir,
                                         GError                  **error);
/* "16,330": a count with thousands separators (g_free). */
/* "784-20-20-10" (g_free). */
char    *saddle_cli_format_widths       (const guint              *widths,
                                         guint                     n);
/* The file --save-weights @base names for run @run (0-based): @base itself when
 * @single, else "name-run<run+1>.ext" (g_free). */
char    *saddle_cli_weights_path        (const char               *base,
                                         guint                     run,
                                         gboolean                  single);

/* With @smooth, each run's running mean over the faded per-step curves (SaddleFigureStyle). */
gboolean saddle_cli_write_gradnorm_svg     (const char             *path,
                                            const SaddleHistory    *history,
                                            gboolean                smooth,
                                            GError                **error);
/* The paths in the PCA plane; the whole vector's over trajectory->surface when there is one. */
gboolean saddle_cli_write_trajectories_svg (const char             *path,
                                            const SaddleTrajectory *trajectory,
                                            gboolean                layer_only,
                                            GError                **error);
/* @name titles the point instead of "Run N" (the weights file of hessian); NULL for a study. */
gboolean saddle_cli_write_spectrum_svg     (const char                *path,
                                            const SaddleCriticalPoint *point,
                                            const char                *name,
                                            GError                   **error);
/* parameter,lowest_1…lowest_K,highest_1…highest_K (lowest_1: λmin's, highest_1: λmax's), one
 * row per parameter of the unit eigenvectors in @extremes ((2k, n), ascending eigenvalues). */
gboolean saddle_cli_write_eigenvectors_csv (const char                *path,
                                            const double              *extremes,
                                            gsize                      k,
                                            gsize                      n,
                                            GError                   **error);

/* Loads and shapes the charts' font through Pango, drawing nothing: the first figure of a
 * process otherwise pays for it (measured: 0.36 s of a 0.46 s write of one run's files at
 * load 17; 0.07 s after this), which a second Ctrl-C cannot wait for. No cairo surface: its
 * id would show in the SVGs written after. */
void     saddle_cli_output_warm_up         (void);
/* critical.svg with @trend's ratio on y (over 0–1 with @ratio_axis_full, else fitted), its
 * line and test, with @pb_fit the Pennington–Bahri fit drawn, and over @reference
 * (SaddleGroundTruthLevel; NULL: none). */
gboolean saddle_cli_write_critical_svg     (const char                *path,
                                            const SaddleCriticalSet   *set,
                                            const SaddleCriticalTrend *trend,
                                            gboolean                   pb_fit,
                                            gboolean                   ratio_axis_full,
                                            const GArray              *reference,
                                            GError                   **error);
/* The SLQ density, @dense (may be NULL) overlaid as a histogram of the exact eigenvalues. */
gboolean saddle_cli_write_density_svg      (const char                *path,
                                            const SaddleDensity       *density,
                                            const SaddleSpectrum      *dense,
                                            GError                   **error);
gboolean saddle_cli_write_slice_svg        (const char                *path,
                                            const SaddleSlice         *slice,
                                            GError                   **error);
/* name,value: one row per (@names[i], @values[i]), full precision, nan when undefined. */
gboolean saddle_cli_write_values_csv       (const char                *path,
                                            const char * const        *names,
                                            const double              *values,
                                            gsize                      n,
                                            GError                   **error);


G_END_DECLS
