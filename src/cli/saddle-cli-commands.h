/* saddle-cli-commands.h — what each saddle-cli subcommand does; each returns the exit status */
#pragma once

#include "saddle-cli-options.h"

G_BEGIN_DECLS

/* Exit statuses of saddle-cli. */
#define SADDLE_CLI_EXIT_OK          0
#define SADDLE_CLI_EXIT_FAILED      1   /* the work failed: unreadable data, every run failed, … */
#define SADDLE_CLI_EXIT_USAGE       2   /* a bad option or value */
#define SADDLE_CLI_EXIT_INTERRUPTED 130 /* Ctrl-C: the partial results were written */

/* trajectories, gradnorm and critical. */
int saddle_cli_run_study   (SaddleCliOptions *options);
int saddle_cli_run_hessian (SaddleCliOptions *options);
int saddle_cli_run_bench   (SaddleCliOptions *options);
/* merge: the critical studies in options->inputs (folders) as one, written to options->out_dir. */
int saddle_cli_run_merge   (SaddleCliOptions *options);

/* Prints "saddle-cli: MESSAGE" on stderr and returns the status @error calls for. */
int saddle_cli_report_error (const GError *error);

G_END_DECLS
