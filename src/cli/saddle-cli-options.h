/* saddle-cli-options.h — saddle-cli's subcommands and their command-line options */
#pragma once

#include <glib.h>

#include "saddle-study.h"
#include "saddle-weights-file.h"

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
  SADDLE_CLI_MERGE,
} SaddleCliCommand;

/* hessian: how the spectrum is found. */
typedef enum
{
  SADDLE_CLI_METHOD_DENSE,          /* the full n × n Hessian and all its eigenvalues */
  SADDLE_CLI_METHOD_LANCZOS,        /* the k lowest and k highest eigenvalues from HVPs only */
  SADDLE_CLI_METHOD_SLQ,            /* the eigenvalue density by stochastic Lanczos quadrature */
} SaddleCliMethod;

/* hessian --method dense: who finds the eigenvalues. */
typedef enum
{
  SADDLE_CLI_EIGENSOLVER_DEFAULT,   /* under mpirun the faster measured (elpa, or scalapack with
                                     * eigenvectors), else lapack */
  SADDLE_CLI_EIGENSOLVER_ELPA,      /* ELPA two-stage over the ranks of an mpirun */
  SADDLE_CLI_EIGENSOLVER_SCALAPACK, /* ScaLAPACK pdsyevd over the ranks of an mpirun */
  SADDLE_CLI_EIGENSOLVER_LAPACK,    /* LAPACK in one process */
} SaddleCliEigensolver;

/* Defaults of the hessian and critical options beyond the study config. */
#define SADDLE_CLI_DEFAULT_K             10
#define SADDLE_CLI_MAX_K                 100000
#define SADDLE_CLI_MAX_ITERATIONS        1000000
#define SADDLE_CLI_MAX_PROBES            10000
#define SADDLE_CLI_DEFAULT_SLICE_RANGE   1.0

typedef struct
{
  SaddleCliCommand  command;
  SaddleStudyConfig config;         /* defaults for the command and --task, then the options */
  char             *out_dir;        /* --out, default "results" */
  char             *save_weights;   /* --save-weights FILE or NULL */
  char             *weights;        /* hessian: --weights FILE */
  SaddleWeightsFile *weights_file;  /* hessian: that file, read while parsing (NULL if unreadable:
                                     * the command reports why) */
  gboolean          spectra_all;    /* critical: --spectra all */
  gboolean          large;          /* bench: --large */
  gboolean          quick;          /* bench: --quick, tiny sizes to check the bench itself */
  gboolean          mpi;            /* bench: --mpi, the critical study on 1 and 2 MPI ranks */
  gboolean          hessian_mpi;    /* bench: --mpi --hessian, the dense Hessian's eigensolvers */
  gboolean          quiet;          /* --quiet: no progress on stderr */
  gboolean          smooth;         /* gradnorm: --smooth, running means over faded steps */
  char            **inputs;         /* merge: the folders to merge (NULL-terminated) */
  SaddleCliMethod   method;         /* hessian: --method, default dense */
  guint             k;              /* hessian lanczos: --k extremes at each end */
  guint             iterations;     /* hessian: --iterations; 0 = the method's default */
  guint             probes;         /* hessian slq: --probes; 0 = the default */
  gboolean          slice;          /* hessian: --slice */
  double            slice_range;    /* hessian, critical: --slice-range */
  guint             slice_points;   /* hessian, critical: --slice-points */
  gboolean          ratio_nonzero;  /* critical: --ratio nonzero (plotted and fitted) */
  gboolean          pb_fit;         /* critical: --pb-fit */
  gboolean          ratio_axis_full; /* critical: --ratio-axis-full */
  guint             slice_run;      /* critical: --slice-run N (1-based), 0 = none */
  SaddleCliEigensolver eigensolver; /* hessian dense: --eigensolver */
  guint64           memory_per_rank; /* hessian dense: --memory-per-rank BYTES, 0 = this machine's */
  guint             eigenvectors;   /* hessian dense: --eigenvectors K at each end, 0 = none */
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
/* "default", "elpa", "scalapack", "lapack". */
const char *saddle_cli_eigensolver_to_string (SaddleCliEigensolver eigensolver);
/* "dense", "lanczos", "slq". */
const char *saddle_cli_method_to_string     (SaddleCliMethod   method);

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
