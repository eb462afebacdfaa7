/* saddle-cli-options-private.h — the table of saddle-cli's options and commands, which
 * saddle-cli-options.c turns into a GOptionContext per command */
#pragma once

#include "saddle-cli-options.h"

G_BEGIN_DECLS

/* Which commands take an option. */
enum
{
  FOR_STUDY   = 1 << 0,     /* trajectories, gradnorm, critical */
  FOR_HESSIAN = 1 << 1,
  FOR_BENCH   = 1 << 2,
  FOR_CRITICAL_ONLY = 1 << 3,
  FOR_TRAJECTORIES_ONLY = 1 << 4,
  FOR_MERGE   = 1 << 5,
  FOR_GRADNORM_ONLY = 1 << 6,
  FOR_ALL_MODEL = FOR_STUDY | FOR_HESSIAN,
};

typedef struct
{
  const char *name;
  guint       commands;
  gboolean    flag;           /* takes no value */
  const char *description;
  const char *arg;
} SaddleCliOptionSpec;

/* Every option of every command, in --help order. */
extern const SaddleCliOptionSpec  saddle_cli_option_specs[];
extern const gsize       saddle_cli_n_option_specs;
/* By SaddleCliCommand: the name, the --help summary, and what it writes. */
extern const char *const saddle_cli_command_names[SADDLE_CLI_MERGE + 1];
extern const char *const saddle_cli_command_summaries[SADDLE_CLI_MERGE + 1];
extern const char *const saddle_cli_command_outputs[SADDLE_CLI_MERGE + 1];

/* The FOR_* bits of the options @command takes. */
guint saddle_cli_command_mask (SaddleCliCommand command);

G_END_DECLS
