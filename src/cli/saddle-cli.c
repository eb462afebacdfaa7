/* saddle-cli.c — entry point: picks the subcommand, parses its options, runs it */
#define G_LOG_DOMAIN "saddle-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <cairo.h>

#include "saddle-cli-commands.h"
#include "saddle-cli-mpi.h"
#include "saddle-cli-options.h"
#include "saddle-cli-signals.h"
#include "saddle-huge-pages.h"
#include "saddle-staging.h"

static const SaddleCliCommand all_commands[] = {
  SADDLE_CLI_TRAJECTORIES,
  SADDLE_CLI_GRADNORM,
  SADDLE_CLI_CRITICAL,
  SADDLE_CLI_HESSIAN,
  SADDLE_CLI_BENCH,
  SADDLE_CLI_MERGE,
};

static void
print_usage (FILE *out)
{
  g_autofree char *options = saddle_cli_options_help (SADDLE_CLI_TRAJECTORIES);
  const char *option_list = strstr (options, "Application Options:");

  fprintf (out, "Usage:\n  saddle-cli COMMAND [OPTION…]\n\n"
                "What happens when the gradient is almost zero: trains small networks, tracks\n"
                "their loss and gradient norm, projects weight trajectories with PCA, finds\n"
                "critical points and classifies the exact Hessian spectrum there.\n\n"
                "Commands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (all_commands); i++)
    fprintf (out, "  %-14s %s\n", saddle_cli_command_to_string (all_commands[i]),
             saddle_cli_command_summary (all_commands[i]));
  fprintf (out, "  %-14s %s\n", "help COMMAND", "Show the options of COMMAND");
  fprintf (out, "\nOptions of the study commands (see “saddle-cli COMMAND --help” for each):\n");
  if (option_list != NULL)
    {
      const char *newline = strchr (option_list, '\n');
      const char *start = newline != NULL ? newline + 1 : option_list;
      /* The options alone: what trajectories writes is its own --help's business. */
      const char *writes = strstr (start, "\nWrites to");

      fwrite (start, 1, writes != NULL ? (gsize) (writes - start) : strlen (start), out);
    }
  fprintf (out, "\nExit status: 0 done, 1 the work failed, 2 a bad option, 130 interrupted (Ctrl-C; 143 SIGTERM, 129 SIGHUP).\n");
}

/* Whether @command shares its work over the ranks of an mpirun; the others refuse to run
 * there, since every rank would redo the whole command into the same folder. (hessian shares
 * only its dense Hessian, and refuses the other methods itself.) */
static gboolean
runs_under_mpi (SaddleCliCommand command)
{
  return command == SADDLE_CLI_CRITICAL || command == SADDLE_CLI_HESSIAN;
}

static int
run_command (int    argc,
             char **argv)
{
  SaddleCliOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  SaddleCliCommand command;
  const char *name;
  int status;

  setlocale (LC_ALL, "");
  /* The CLI speaks English, and so must the charts and progress lines it
   * writes: the engine and plotter translate through gettext, which a "C"
   * LC_MESSAGES turns off (LANGUAGE included). Files, not a desktop. */
  setlocale (LC_MESSAGES, "C");
  if (argc < 2)
    {
      print_usage (stderr);
      return SADDLE_CLI_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      /* Once, not once a rank. */
      if (saddle_cli_mpi_rank () > 0)
        return SADDLE_CLI_EXIT_OK;
      if (g_str_equal (name, "help") && argc > 2)
        {
          g_autofree char *help = NULL;

          if (!saddle_cli_command_from_string (argv[2], &command))
            {
              fprintf (stderr, "saddle-cli: unknown command “%s”; try “saddle-cli --help”\n",
                       argv[2]);
              return SADDLE_CLI_EXIT_USAGE;
            }
          help = saddle_cli_options_help (command);
          fputs (help, stdout);
          return SADDLE_CLI_EXIT_OK;
        }
      print_usage (stdout);
      return SADDLE_CLI_EXIT_OK;
    }
  if (g_str_equal (name, "--version") || g_str_equal (name, "version"))
    {
      if (saddle_cli_mpi_rank () > 0)
        return SADDLE_CLI_EXIT_OK;
      if (saddle_cli_mpi_parallel ())
        printf ("saddle-cli %s, MPI with %d ranks\n", PACKAGE_VERSION, saddle_cli_mpi_size ());
      else
        printf ("saddle-cli %s\n", PACKAGE_VERSION);
      return SADDLE_CLI_EXIT_OK;
    }
  if (!saddle_cli_command_from_string (name, &command))
    {
      g_autoptr(GString) names = g_string_new (NULL);

      /* Named from the same table as --help, so none is left out. */
      for (guint i = 0; i < G_N_ELEMENTS (all_commands); i++)
        g_string_append_printf (names, "%s%s", i == 0 ? "" : i + 1 < G_N_ELEMENTS (all_commands)
                                                                 ? ", " : " and ",
                                saddle_cli_command_to_string (all_commands[i]));
      fprintf (stderr, "saddle-cli: unknown command “%s”; the commands are %s (see “saddle-cli "
               "--help”)\n", name, names->str);
      return SADDLE_CLI_EXIT_USAGE;
    }

  if (saddle_cli_mpi_parallel () && !runs_under_mpi (command))
    {
      if (saddle_cli_mpi_rank () == 0)
        fprintf (stderr, "saddle-cli: %s does not share its work over MPI ranks; run it without "
                 "mpirun (or with -np 1)\n", name);
      return SADDLE_CLI_EXIT_USAGE;
    }

  /* The command's options start after its name. */
  argc--;
  argv++;
  if (!saddle_cli_options_parse (&options, command, &argc, &argv, &error))
    {
      status = saddle_cli_report_error (error);
      saddle_cli_options_clear (&options);
      return status;
    }

  switch (command)
    {
    case SADDLE_CLI_HESSIAN:
      status = saddle_cli_run_hessian (&options);
      break;
    case SADDLE_CLI_BENCH:
      status = saddle_cli_run_bench (&options);
      break;
    case SADDLE_CLI_MERGE:
      status = saddle_cli_run_merge (&options);
      break;
    case SADDLE_CLI_TRAJECTORIES:
    case SADDLE_CLI_GRADNORM:
    case SADDLE_CLI_CRITICAL:
    default:
      status = saddle_cli_run_study (&options);
      break;
    }

  saddle_cli_options_clear (&options);
  return status;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  saddle_huge_pages_reexec (argv);
  g_set_prgname ("saddle-cli");
  if (!saddle_cli_mpi_init (&argc, &argv, &error))
    {
      fprintf (stderr, "saddle-cli: %s\n", error->message);
      return SADDLE_CLI_EXIT_FAILED;
    }
  /* After MPI_Init, which installs handlers of its own. */
  saddle_cli_signals_install ();
  saddle_staging_set_guard (saddle_cli_signals_hold, saddle_cli_signals_release);
  status = run_command (argc, argv);
  saddle_cli_mpi_finalize ();
  return status;
}
