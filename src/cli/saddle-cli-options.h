/* saddle-cli-options.h — saddle-cli's subcommands and their command-line options */
#pragma once

#include <glib.h>

#include "saddle-study.h"

G_BEGIN_DECLS

#define SADDLE_CLI_ERROR (saddle_cli_error_quark ())

typedef enum
{
  SADDLE_CLI_ERROR_USAGE,           /* a bad option or value: exit status 2 */
  SADDLE_CLI_ERROR_FAILED,          /* the work itself failed: exit status 1 */
} SaddleCliError;

typedef enum
{
  SADDLE_CLI_TRAJECTORIES,
  SADDLE_CLI_GRADNORM,
  SADDLE_CLI_CRITICAL,
  SADDLE_CLI_HESSIAN,
  SADDLE_CLI_BENCH,
} SaddleCliCommand;

typedef struct
{
  SaddleCliCommand  command;
  SaddleStudyConfig config;         /* defaults for the command and --task, then the options */
  char             *out_dir;        /* --out, default "results" */
  char             *save_weights;   /* --save-weights FILE or NULL */
  char             *weights;        /* hessian: --weights FILE */
  gboolean          spectra_all;    /* critical: --spectra all */
  gboolean          large;          /* bench: --large */
  gboolean          quick;          /* bench: --quick, tiny sizes to check the bench itself */
  gboolean          quiet;          /* --quiet: no progress on stderr */
  /*< private >*/
  GHashTable       *given;          /* long option name → last value given */
} SaddleCliOptions;

GQuark      saddle_cli_error_quark          (void);

/* "trajectories" … "bench" to and from SaddleCliCommand. */
gboolean    saddle_cli_command_from_string  (const char       *name,
                                             SaddleCliCommand *command);
const char *saddle_cli_command_to_string    (SaddleCliCommand  command);
/* One line saying what @command does. */
const char *saddle_cli_command_summary      (SaddleCliCommand  command);

/* Parses @argv (argv[0] is the command name) into @options, applying the
 * command's defaults first; errors are SADDLE_CLI_ERROR_USAGE naming the option. */
gboolean    saddle_cli_options_parse        (SaddleCliOptions *options,
                                             SaddleCliCommand  command,
                                             int              *argc,
                                             char           ***argv,
                                             GError          **error);
void        saddle_cli_options_clear        (SaddleCliOptions *options);
/* The full --help text of @command (g_free). */
char       *saddle_cli_options_help         (SaddleCliCommand  command);

G_END_DECLS
