/* saddle-cli-commands-private.h — what the command files (study, hessian, merge) share */
#pragma once

#include "saddle-cli-commands.h"
#include "saddle-critical-set.h"
#include "saddle-dataset.h"
#include "saddle-slice.h"
#include "saddle-staging.h"
#include "saddle-summary.h"

G_BEGIN_DECLS

/* Writes one file into options->out_dir with `call` (which sees `path` and `error`) and notes it
 * in `written` or its failure in `problems`, both in scope. */
#define WRITE(name, call) \
  G_STMT_START { \
    g_autofree char *path_ = g_build_filename (options->out_dir, (name), NULL); \
    g_autoptr(GError) error_ = NULL; \
    const char *path = path_; \
    GError **error = &error_; \
    gboolean ok_ = (call); \
    saddle_cli_note_written (written, problems, path_, ok_, error_); \
  } G_STMT_END

/* The training data of @config, or an error saying which option would fix it. */
SaddleDataset *saddle_cli_load_dataset     (const SaddleStudyConfig *config,
                                            GError                 **error);
/* "1-6-1 relu, 19 parameters": the model @config builds on @dataset. */
char          *saddle_cli_model_description (const SaddleStudyConfig *config,
                                             const SaddleDataset     *dataset);
/* Writes @theta in the format @path's extension asks for (saddle-weights-file.h), with the
 * model options that rebuild the model. */
gboolean       saddle_cli_save_weights     (const char              *path,
                                            const SaddleStudyConfig *config,
                                            const char              *command,
                                            const char              *dataset_name,
                                            guint                    run,
                                            const guint             *widths,
                                            guint                    n_widths,
                                            const double            *theta,
                                            gsize                    n,
                                            GError                 **error);
/* Records a written file, or the reason it could not be written. */
void           saddle_cli_note_written     (GPtrArray               *written,
                                            GPtrArray               *problems,
                                            const char              *path,
                                            gboolean                 ok,
                                            GError                  *error);
/* Prints a loss slice's ends and centre; @what says where it was taken. */
void           saddle_cli_print_slice      (const SaddleSlice       *slice,
                                            const char              *what);
/* "Wrote: …" on stdout, each problem on stderr. */
void           saddle_cli_print_files      (GPtrArray               *written,
                                            GPtrArray               *problems);
/* Opens --out staged (saddle-staging.h); options->out_dir points into the staging folder until
 * saddle_cli_close_output(), and @final_out keeps the real one. */
SaddleStaging *saddle_cli_open_output      (SaddleCliOptions        *options,
                                            guint64                  expected_bytes,
                                            char                   **final_out,
                                            GError                 **error);
/* Commits the staged files (@keep) or drops them, and puts options->out_dir back. */
void           saddle_cli_close_output     (SaddleCliOptions        *options,
                                            SaddleStaging           *staging,
                                            char                    *final_out,
                                            gboolean                 keep,
                                            GPtrArray               *written,
                                            GPtrArray               *problems);
/* critical.csv, eigenvalues.csv, critical.svg, trend.csv and the spectra of @set, with @stats
 * filled in: what a critical study and a merge both write. */
void           saddle_cli_write_critical_set_files (SaddleCliOptions        *options,
                                                    const SaddleCriticalSet *set,
                                                    const GArray            *reference,
                                                    SaddleCriticalStats     *stats,
                                                    GPtrArray               *written,
                                                    GPtrArray               *problems);
/* The table of a critical study's points, counts and trend on stdout. */
void           saddle_cli_print_critical_table (const SaddleCriticalSet   *set,
                                                const SaddleStudyConfig   *config,
                                                const SaddleCriticalStats *stats,
                                                gboolean                   pb_fit);

G_END_DECLS
