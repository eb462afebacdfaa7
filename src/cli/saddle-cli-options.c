/* saddle-cli-options.c — a GOptionContext per subcommand; values go over the command's defaults */
#define G_LOG_DOMAIN "saddle-cli-options"

#include "config.h"

#include <stdio.h>

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "saddle-cli-fields.h"
#include "saddle-cli-options-private.h"
#include "saddle-cli-output.h"
#include "saddle-file.h"
#include "saddle-slice.h"

G_DEFINE_QUARK (saddle-cli-error-quark, saddle_cli_error)

static gboolean
store_value_cb (const char  *option_name,
                const char  *value,
                gpointer     user_data,
                GError     **error)
{
  SaddleCliOptions *options = user_data;
  const char *name = option_name;

  while (*name == '-')
    name++;
  g_hash_table_insert (options->given, g_strdup (name), g_strdup (value != NULL ? value : ""));
  return TRUE;
}

static GOptionContext *
build_context (SaddleCliCommand  command,
               SaddleCliOptions *options)
{
  g_autofree char *parameter = g_strdup_printf ("%s [OPTION…]%s", saddle_cli_command_names[command],
                                                command == SADDLE_CLI_MERGE ? " DIR DIR…" : "");
  GOptionContext *context = g_option_context_new (parameter);
  GOptionGroup *group = g_option_group_new ("saddle", "saddle-cli options", "Show the options",
                                            options, NULL);
  g_autoptr(GArray) entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  guint mask = saddle_cli_command_mask (command);

  for (guint i = 0; i < saddle_cli_n_option_specs; i++)
    {
      const SaddleCliOptionSpec *spec = &saddle_cli_option_specs[i];
      GOptionEntry entry = { 0 };

      if ((spec->commands & mask) == 0)
        continue;

      entry.long_name = spec->name;
      entry.arg = G_OPTION_ARG_CALLBACK;
      entry.arg_data = (gpointer) store_value_cb;
      entry.flags = spec->flag ? G_OPTION_FLAG_NO_ARG : 0;
      entry.description = spec->description;
      entry.arg_description = spec->arg;
      g_array_append_val (entries, entry);
    }

  g_option_group_add_entries (group, (const GOptionEntry *) (gpointer) entries->data);
  g_option_context_set_main_group (context, group);
  g_option_context_set_summary (context, saddle_cli_command_summaries[command]);
  g_option_context_set_description (context, saddle_cli_command_outputs[command]);
  return context;
}

static gboolean
usage_error (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError    **error,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SADDLE_CLI_ERROR, SADDLE_CLI_ERROR_USAGE,
                                                format, args));
  va_end (args);
  return FALSE;
}

/* A usage error from the engine's @field_error, said with the flag of its field. */
static gboolean
field_error (GError      **error,
             const GError *field_error)
{
  g_autofree char *message = saddle_cli_field_message (field_error);

  return usage_error (error, "%s", message);
}

static const char *
given (SaddleCliOptions *options,
       const char       *name)
{
  return g_hash_table_lookup (options->given, name);
}

/* The range the engine states for the config field option @name sets; NULL for the CLI's own. */
static const char *
option_range (const char *name)
{
  SaddleConfigField field;

  return saddle_cli_field_from_flag (name, &field) ? saddle_config_field_range (field) : NULL;
}

static gboolean
parse_uint64 (SaddleCliOptions *options,
              const char       *name,
              guint64           max,
              guint64          *out,
              GError          **error)
{
  const char *value = given (options, name);
  g_autofree char *option = g_strconcat ("--", name, NULL);
  const char *range = option_range (name);
  g_autofree char *copy = NULL;
  guint64 v;

  if (value == NULL)
    return TRUE;
  copy = g_strstrip (g_strdup (value));
  if (!g_ascii_string_to_unsigned (copy, 10, 0, max, &v, NULL))
    return usage_error (error, "%s must be an integer in %s; got “%s”",
                        option, range != NULL ? range : "0–4294967295", value);
  *out = v;
  return TRUE;
}

static gboolean
parse_uint (SaddleCliOptions *options,
            const char       *name,
            guint            *out,
            GError          **error)
{
  guint64 v = *out;

  if (!parse_uint64 (options, name, G_MAXUINT, &v, error))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* --first-run and --layer count from 1, like every output, figure and the app; the config
 * holds the 0-based index in @index. */
static gboolean
parse_counted_from_one (SaddleCliOptions *options,
                        const char       *name,
                        guint            *index,
                        GError          **error)
{
  const char *value = given (options, name);
  g_autofree char *option = g_strconcat ("--", name, NULL);
  guint number = *index + 1;

  if (!parse_uint (options, name, &number, error))
    return FALSE;
  if (number == 0)
    return usage_error (error, "%s must be an integer in %s; got “%s”", option,
                        option_range (name), value);
  *index = number - 1;
  return TRUE;
}

static gboolean
parse_double (SaddleCliOptions *options,
              const char       *name,
              double           *out,
              GError          **error)
{
  const char *value = given (options, name);
  g_autofree char *option = g_strconcat ("--", name, NULL);
  const char *range = option_range (name);
  char *end = NULL;
  double v;

  if (value == NULL)
    return TRUE;
  errno = 0;
  v = g_ascii_strtod (value, &end);
  while (end != NULL && g_ascii_isspace (*end))
    end++;
  if (end == value || end == NULL || *end != '\0' || errno == ERANGE)
    return usage_error (error, "%s must be a finite number in %s; got “%s”",
                        option, range != NULL ? range : "?", value);
  *out = v;
  return TRUE;
}

/* An integer option of this file's own (not in the study config) and its range. */
static gboolean
parse_uint_in (SaddleCliOptions *options,
               const char       *name,
               guint             min,
               guint             max,
               guint            *out,
               GError          **error)
{
  const char *value = given (options, name);
  g_autofree char *copy = NULL;
  guint64 v;

  if (value == NULL)
    return TRUE;
  copy = g_strstrip (g_strdup (value));
  if (!g_ascii_string_to_unsigned (copy, 10, min, max, &v, NULL))
    return usage_error (error, "--%s must be an integer in %u–%u; got “%s”", name, min, max,
                        value);
  *out = (guint) v;
  return TRUE;
}

/* A byte count: digits, optionally a unit (KiB … TiB in powers of 1024, kB … TB of 1000). */
static gboolean
parse_bytes (SaddleCliOptions *options,
             const char       *name,
             guint64          *out,
             GError          **error)
{
  static const struct { const char *suffix; guint64 factor; } units[] = {
    { "KiB", G_GUINT64_CONSTANT (1) << 10 }, { "MiB", G_GUINT64_CONSTANT (1) << 20 },
    { "GiB", G_GUINT64_CONSTANT (1) << 30 }, { "TiB", G_GUINT64_CONSTANT (1) << 40 },
    { "kB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 }, { "TB", 1000000000000 },
  };
  const char *value = given (options, name);
  g_autofree char *copy = NULL;
  guint64 factor = 1, v;
  char *end;

  if (value == NULL)
    return TRUE;
  copy = g_strstrip (g_strdup (value));
  v = g_ascii_strtoull (copy, &end, 10);
  while (g_ascii_isspace (*end))
    end++;
  for (guint i = 0; i < G_N_ELEMENTS (units) && *end != '\0'; i++)
    if (g_str_equal (end, units[i].suffix))
      {
        factor = units[i].factor;
        end += strlen (end);
      }
  if (end == copy || !g_ascii_isdigit (copy[0]) || *end != '\0' || v == 0
      || v > G_MAXUINT64 / factor)
    return usage_error (error, "--%s must be a whole number of bytes above 0, such as "
                        "4000000000, 512MiB or 4GB; got “%s”", name, value);
  *out = v * factor;
  return TRUE;
}

/* Options that only one --method reads are refused with the others, so a typo in the
 * method is not silently ignored. */
static gboolean
check_method_options (SaddleCliOptions *options,
                      GError          **error)
{
  static const struct
  {
    const char *option;
    guint       methods;    /* bit per SaddleCliMethod */
  } uses[] = {
    { "k", 1 << SADDLE_CLI_METHOD_LANCZOS },
    { "iterations", 1 << SADDLE_CLI_METHOD_LANCZOS | 1 << SADDLE_CLI_METHOD_SLQ },
    { "probes", 1 << SADDLE_CLI_METHOD_SLQ },
    { "eigensolver", 1 << SADDLE_CLI_METHOD_DENSE },
    { "memory-per-rank", 1 << SADDLE_CLI_METHOD_DENSE },
    { "eigenvectors", 1 << SADDLE_CLI_METHOD_DENSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (uses); i++)
    if (given (options, uses[i].option) != NULL && (uses[i].methods & (1u << options->method)) == 0)
      return usage_error (error, "--%s does not apply to --method %s; it is for --method %s",
                          uses[i].option, saddle_cli_method_to_string (options->method),
                          uses[i].methods == (1 << SADDLE_CLI_METHOD_LANCZOS) ? "lanczos"
                          : uses[i].methods == (1 << SADDLE_CLI_METHOD_SLQ) ? "slq"
                          : uses[i].methods == (1 << SADDLE_CLI_METHOD_DENSE) ? "dense"
                          : "lanczos or slq");
  if ((given (options, "slice-range") != NULL || given (options, "slice-points") != NULL)
      && options->command == SADDLE_CLI_HESSIAN && !options->slice)
    return usage_error (error, "--slice-range and --slice-points need --slice");
  if ((given (options, "slice-range") != NULL || given (options, "slice-points") != NULL)
      && options->command == SADDLE_CLI_CRITICAL && options->slice_run == 0)
    return usage_error (error, "--slice-range and --slice-points need --slice-run N");
  return TRUE;
}

static gboolean
apply_cli_values (SaddleCliOptions *options,
                  GError          **error)
{
  const SaddleStudyConfig *config = &options->config;
  const char *value;

  options->method = SADDLE_CLI_METHOD_DENSE;
  options->k = SADDLE_CLI_DEFAULT_K;
  options->iterations = 0;
  options->probes = 0;
  options->slice_range = SADDLE_CLI_DEFAULT_SLICE_RANGE;
  options->slice_points = SADDLE_SLICE_DEFAULT_POINTS;

  if ((value = given (options, "method")) != NULL)
    {
      if (g_str_equal (value, "dense"))
        options->method = SADDLE_CLI_METHOD_DENSE;
      else if (g_str_equal (value, "lanczos"))
        options->method = SADDLE_CLI_METHOD_LANCZOS;
      else if (g_str_equal (value, "slq"))
        options->method = SADDLE_CLI_METHOD_SLQ;
      else
        return usage_error (error, "--method must be dense, lanczos or slq; got “%s”", value);
    }
  if ((value = given (options, "eigensolver")) != NULL)
    {
      if (g_str_equal (value, "elpa"))
        options->eigensolver = SADDLE_CLI_EIGENSOLVER_ELPA;
      else if (g_str_equal (value, "scalapack"))
        options->eigensolver = SADDLE_CLI_EIGENSOLVER_SCALAPACK;
      else if (g_str_equal (value, "lapack"))
        options->eigensolver = SADDLE_CLI_EIGENSOLVER_LAPACK;
      else
        return usage_error (error, "--eigensolver must be elpa, scalapack or lapack; got “%s”",
                            value);
    }
  if (!parse_bytes (options, "memory-per-rank", &options->memory_per_rank, error))
    return FALSE;
  if ((value = given (options, "ratio")) != NULL)
    {
      if (g_str_equal (value, "minimal"))
        options->ratio_nonzero = FALSE;
      else if (g_str_equal (value, "nonzero"))
        options->ratio_nonzero = TRUE;
      else
        return usage_error (error, "--ratio must be minimal or nonzero; got “%s”", value);
    }
  options->slice = given (options, "slice") != NULL;
  options->pb_fit = given (options, "pb-fit") != NULL;
  options->ratio_axis_full = given (options, "ratio-axis-full") != NULL;

  if (!parse_uint_in (options, "k", 1, SADDLE_CLI_MAX_K, &options->k, error)
      || !parse_uint_in (options, "eigenvectors", 1, SADDLE_CLI_MAX_K, &options->eigenvectors,
                         error)
      || !parse_uint_in (options, "iterations", 1, SADDLE_CLI_MAX_ITERATIONS,
                         &options->iterations, error)
      || !parse_uint_in (options, "probes", 1, SADDLE_CLI_MAX_PROBES, &options->probes, error)
      || !parse_uint_in (options, "slice-points", SADDLE_SLICE_MIN_POINTS,
                         SADDLE_SLICE_MAX_POINTS, &options->slice_points, error))
    return FALSE;

  if ((value = given (options, "slice-range")) != NULL)
    {
      char *end = NULL;
      double v;

      errno = 0;
      v = g_ascii_strtod (value, &end);
      while (end != NULL && g_ascii_isspace (*end))
        end++;
      if (end == value || end == NULL || *end != '\0' || errno == ERANGE || !isfinite (v)
          || v <= 0.0)
        return usage_error (error, "--slice-range must be a finite number > 0; got “%s”", value);
      options->slice_range = v;
    }

  if ((value = given (options, "slice-run")) != NULL)
    {
      guint first = config->first_run + 1;
      guint last = config->first_run + config->runs;

      if (!parse_uint_in (options, "slice-run", 1, G_MAXUINT, &options->slice_run, error))
        return FALSE;
      /* Only the runs of this invocation have points to slice. */
      if (options->slice_run < first || options->slice_run > last)
        {
          if (first == last)
            return usage_error (error, "--slice-run must be the run this study does, %u; got %s",
                                first, value);
          return usage_error (error, "--slice-run must be one of the runs this study does, "
                                     "%u–%u; got %s", first, last, value);
        }
    }

  return check_method_options (options, error);
}

static gboolean
apply_values (SaddleCliOptions *options,
              GError          **error)
{
  SaddleStudyConfig *config = &options->config;
  SaddleStudyKind kind;
  SaddleTask task;
  const char *value;
  g_autoptr(GError) local_error = NULL;

  switch (options->command)
    {
    case SADDLE_CLI_TRAJECTORIES:
      kind = SADDLE_STUDY_TRAJECTORIES;
      task = SADDLE_TASK_IMAGE;
      break;
    case SADDLE_CLI_GRADNORM:
      kind = SADDLE_STUDY_GRADNORM;
      task = SADDLE_TASK_IMAGE;
      break;
    case SADDLE_CLI_BENCH:
      kind = SADDLE_STUDY_GRADNORM;
      task = SADDLE_TASK_IMAGE;
      break;
    case SADDLE_CLI_CRITICAL:
    case SADDLE_CLI_HESSIAN:
    default:
      kind = SADDLE_STUDY_CRITICAL;
      task = SADDLE_TASK_FUNCTION;
      break;
    }

  /* The task picks the defaults, so it goes first whatever its place on the line. */
  if ((value = given (options, "task")) != NULL && !saddle_task_from_string (value, &task))
    return usage_error (error, "--task must be image, function or autoencoder; got “%s”", value);
  /* The CSV classification options say which task they are for. */
  if (given (options, "label-column") != NULL || given (options, "standardize") != NULL)
    {
      if (value == NULL)
        task = SADDLE_TASK_IMAGE;
      else if (task == SADDLE_TASK_FUNCTION)
        return usage_error (error, "--%s is for labelled CSV rows (--task image); the function "
                                   "task reads x,y rows as they are",
                            given (options, "label-column") != NULL ? "label-column"
                                                                    : "standardize");
    }

  saddle_study_config_clear (config);
  saddle_study_config_init (config, kind, task);
  /* hessian analyses the weights as given unless asked to move them. */
  if (options->command == SADDLE_CLI_HESSIAN)
    {
      config->descent_steps = 0;
      config->newton_steps = 0;
    }

  if ((value = given (options, "data")) != NULL)
    {
      g_free (config->data_path);
      config->data_path = g_strdup (value);
    }
  if ((value = given (options, "label-column")) != NULL)
    {
      if (*value == '\0')
        return usage_error (error, "--label-column must name a column; got an empty name");
      config->label_column = g_strdup (value);
    }
  config->standardize = given (options, "standardize") != NULL;
  if ((value = given (options, "function")) != NULL
      && !saddle_function_from_string (value, &config->function))
    return usage_error (error, "--function must be sinc or sign; got “%s”", value);
  if ((value = given (options, "hidden")) != NULL
      && !saddle_study_config_set_hidden (config, value, &local_error))
    return field_error (error, local_error);
  if ((value = given (options, "activation")) != NULL
      && !saddle_activation_from_string (value, &config->activation))
    return usage_error (error, "--activation must be relu, tanh, sigmoid or identity; got “%s”",
                        value);
  if ((value = given (options, "optimizer")) != NULL
      && !saddle_optimizer_kind_from_string (value, &config->optimizer))
    return usage_error (error, "--optimizer must be sgd, momentum or adam; got “%s”", value);

  if ((value = given (options, "newton")) != NULL
      && !saddle_newton_method_from_string (value, &config->newton_method))
    return usage_error (error, "--newton must be auto, dense, minres or lm; got “%s”", value);

  if (!parse_uint (options, "samples", &config->samples, error)
      || !parse_uint (options, "jobs", &config->jobs, error)
      || !parse_double (options, "lr", &config->lr, error)
      || !parse_uint (options, "batch", &config->batch, error)
      || !parse_uint (options, "epochs", &config->epochs, error)
      || !parse_uint64 (options, "seed", G_MAXUINT64, &config->seed, error)
      || !parse_uint (options, "runs", &config->runs, error)
      || !parse_counted_from_one (options, "first-run", &config->first_run, error)
      || !parse_uint (options, "threads", &config->threads, error)
      || !parse_double (options, "tolerance", &config->zero_tolerance, error)
      || !parse_double (options, "grad-tolerance", &config->grad_tolerance, error)
      || !parse_uint (options, "descent-steps", &config->descent_steps, error)
      || !parse_uint (options, "newton-steps", &config->newton_steps, error)
      || !parse_double (options, "descent-lr", &config->descent_lr, error)
      || !parse_double (options, "certify-tolerance", &config->certify_tolerance, error)
      || !parse_double (options, "clarke-epsilon", &config->clarke_epsilon, error)
      || !parse_uint (options, "still-steps", &config->still_steps, error)
      || !parse_double (options, "still-factor", &config->still_factor, error)
      || !parse_uint (options, "snapshot-every", &config->snapshot_every, error)
      || !parse_counted_from_one (options, "layer", &config->layer, error)
      || !parse_uint (options, "surface", &config->surface_resolution, error))
    return FALSE;

  if ((value = given (options, "out")) != NULL)
    {
      if (*value == '\0')
        return usage_error (error, "--out must name a folder; got an empty path");
      g_free (options->out_dir);
      options->out_dir = g_strdup (value);
    }
  if ((value = given (options, "save-weights")) != NULL)
    {
      if (*value == '\0')
        return usage_error (error, "--save-weights must name a file; got an empty path");
      options->save_weights = g_strdup (value);
    }
  if ((value = given (options, "weights")) != NULL)
    {
      if (*value == '\0')
        return usage_error (error, "--weights must name a file; got an empty path");
      options->weights = g_strdup (value);
    }
  if ((value = given (options, "spectra")) != NULL)
    {
      if (g_str_equal (value, "all"))
        options->spectra_all = TRUE;
      else if (g_str_equal (value, "first"))
        options->spectra_all = FALSE;
      else
        return usage_error (error, "--spectra must be first or all; got “%s”", value);
    }
  options->large = given (options, "large") != NULL;
  options->quick = given (options, "quick") != NULL;
  options->mpi = given (options, "mpi") != NULL;
  options->hessian_mpi = given (options, "hessian") != NULL;
  if (options->hessian_mpi && !options->mpi)
    return usage_error (error, "bench --hessian goes with --mpi (bench --mpi --hessian)");
  options->quiet = given (options, "quiet") != NULL;
  options->smooth = given (options, "smooth") != NULL;

  if (options->command == SADDLE_CLI_HESSIAN && options->weights == NULL)
    return usage_error (error, "hessian needs --weights FILE: a parameter file written by "
                               "--save-weights");

  if (!saddle_study_config_validate (config, &local_error))
    return field_error (error, local_error);

  return apply_cli_values (options, error);
}

gboolean
saddle_cli_command_from_string (const char       *name,
                                SaddleCliCommand *command)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (saddle_cli_command_names); i++)
    if (g_str_equal (name, saddle_cli_command_names[i]))
      {
        if (command != NULL)
          *command = (SaddleCliCommand) i;
        return TRUE;
      }
  return FALSE;
}

const char *
saddle_cli_command_to_string (SaddleCliCommand command)
{
  if ((guint) command >= G_N_ELEMENTS (saddle_cli_command_names))
    return NULL;
  return saddle_cli_command_names[command];
}

const char *
saddle_cli_eigensolver_to_string (SaddleCliEigensolver eigensolver)
{
  static const char *const names[] = {
    [SADDLE_CLI_EIGENSOLVER_DEFAULT] = "default",
    [SADDLE_CLI_EIGENSOLVER_ELPA] = "elpa",
    [SADDLE_CLI_EIGENSOLVER_SCALAPACK] = "scalapack",
    [SADDLE_CLI_EIGENSOLVER_LAPACK] = "lapack",
  };

  return names[eigensolver];
}

const char *
saddle_cli_method_to_string (SaddleCliMethod method)
{
  switch (method)
    {
    case SADDLE_CLI_METHOD_DENSE:
      return "dense";
    case SADDLE_CLI_METHOD_LANCZOS:
      return "lanczos";
    case SADDLE_CLI_METHOD_SLQ:
      return "slq";
    default:
      return NULL;
    }
}

const char *
saddle_cli_command_summary (SaddleCliCommand command)
{
  if ((guint) command >= G_N_ELEMENTS (saddle_cli_command_summaries))
    return NULL;
  return saddle_cli_command_summaries[command];
}

/* "20,20": the hidden widths of a file's input…output @widths. */
static char *
hidden_of_widths (const SaddleWeightsFile *file)
{
  GString *hidden = g_string_new (NULL);

  for (guint i = 1; i + 1 < file->n_widths; i++)
    g_string_append_printf (hidden, "%s%u", i > 1 ? "," : "", file->widths[i]);
  return g_string_free (hidden, FALSE);
}

/* The options that describe the model in a weights file: the options line it recorded
 * (--task, --hidden, --activation, --samples, --function, --data), then what its tensors and
 * metadata say (the hidden widths, the activation; the task from the widths: one input and one
 * output is the function task, several outputs the image classifier). For hessian: those not
 * given on the command line are taken from the file, so a file analyses with no model options.
 * A recorded option given with another value wins, and the difference is said; hidden widths
 * that the tensors contradict, or a file with no activation that was not given one, are
 * usage errors naming the option. */
static gboolean
take_weights_header (SaddleCliOptions *options,
                     const char       *path,
                     GError          **error)
{
  static const char *const taken[] = { "task", "hidden", "activation", "samples", "function",
                                       "data", "label-column" };
  SaddleWeightsFile *file = saddle_weights_file_read (path, NULL);
  g_auto(GStrv) argv = NULL;
  int argc = 0;

  if (file == NULL)
    return TRUE;
  options->weights_file = file;
  if (file->options != NULL && g_shell_parse_argv (file->options, &argc, &argv, NULL))
    for (int i = 0; i < argc; i++)
      {
        const char *name = argv[i] + 2;
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        const char *mine;

        /* The one flag the header may hold: the data were standardised. */
        if (g_str_equal (argv[i], "--standardize"))
          {
            if (given (options, "standardize") == NULL)
              g_hash_table_insert (options->given, g_strdup ("standardize"), g_strdup (""));
            continue;
          }
        if (value == NULL)
          break;
        if (!g_str_has_prefix (argv[i], "--")
            || !g_strv_contains ((const char * const *) taken, name))
          continue;
        i++;
        mine = given (options, name);
        if (mine == NULL)
          g_hash_table_insert (options->given, g_strdup (name), g_strdup (value));
        /* Hidden widths the tensors give are checked below, not overridden. */
        else if (!g_str_equal (mine, value)
                 && !(g_str_equal (name, "hidden") && file->n_widths >= 2))
          fprintf (stderr, "saddle-cli: --%s %s overrides the %s the weights file was saved "
                   "with\n", name, mine, value);
      }

  if (file->has_activation)
    {
      const char *mine = given (options, "activation");
      const char *theirs = saddle_activation_to_string (file->activation);
      SaddleActivation activation;

      if (mine == NULL)
        g_hash_table_insert (options->given, g_strdup ("activation"), g_strdup (theirs));
      else if (saddle_activation_from_string (mine, &activation)
               && activation != file->activation)
        fprintf (stderr, "saddle-cli: --activation %s overrides the %s the weights file "
                 "names\n", mine, theirs);
    }
  else if (file->format != SADDLE_WEIGHTS_FORMAT_TEXT && given (options, "activation") == NULL)
    return usage_error (error, "--activation is required: “%s” (%s) does not name its "
                        "activation (no \"activation\" in its metadata); pass --activation "
                        "relu, tanh, sigmoid or identity", path,
                        saddle_weights_format_to_string (file->format));

  if (file->n_widths >= 2)
    {
      g_autofree char *hidden = hidden_of_widths (file);
      g_autofree char *shape = saddle_cli_format_widths (file->widths, file->n_widths);
      const char *mine = given (options, "hidden");
      SaddleTask task;

      if (mine == NULL)
        g_hash_table_insert (options->given, g_strdup ("hidden"), g_strdup (hidden));
      else
        {
          SaddleStudyConfig asked = { 0 };
          g_autofree char *normal = NULL;

          if (saddle_study_config_set_hidden (&asked, mine, NULL)
              && !g_str_equal ((normal = saddle_study_config_hidden_string (&asked)), hidden))
            return usage_error (error, "--hidden %s conflicts with “%s”, whose tensors are "
                                "the widths %s (--hidden %s)", mine, path, shape, hidden);
        }
      if (given (options, "task") == NULL)
        {
          if (!saddle_weights_file_task (file, &task))
            return usage_error (error, "--task is required: the widths %s of “%s” are neither "
                                "a function fit (1 input, 1 output) nor a classifier (2 or "
                                "more outputs)", shape, path);
          g_hash_table_insert (options->given, g_strdup ("task"),
                               g_strdup (saddle_task_to_string (task)));
        }
    }
  return TRUE;
}

gboolean
saddle_cli_options_parse (SaddleCliOptions *options,
                          SaddleCliCommand  command,
                          int              *argc,
                          char           ***argv,
                          GError          **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (options != NULL, FALSE);

  memset (options, 0, sizeof *options);
  options->command = command;
  options->out_dir = g_strdup ("results");
  options->given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  context = build_context (command, options);
  if (!g_option_context_parse (context, argc, argv, &local_error))
    return usage_error (error, "%s", local_error->message);
  if (command == SADDLE_CLI_MERGE)
    {
      if (*argc < 2)
        return usage_error (error, "merge needs the folders to merge: saddle-cli merge "
                                   "[OPTION…] DIR DIR…");
      options->inputs = g_new0 (char *, *argc);
      for (int i = 1; i < *argc; i++)
        options->inputs[i - 1] = g_strdup ((*argv)[i]);
    }
  else if (*argc > 1)
    return usage_error (error, "%s takes no arguments besides options; got “%s”",
                        saddle_cli_command_names[command], (*argv)[1]);
  if (command == SADDLE_CLI_HESSIAN && given (options, "weights") != NULL
      && !take_weights_header (options, given (options, "weights"), error))
    return FALSE;

  return apply_values (options, error);
}

void
saddle_cli_options_clear (SaddleCliOptions *options)
{
  if (options == NULL)
    return;

  saddle_study_config_clear (&options->config);
  g_clear_pointer (&options->out_dir, g_free);
  g_clear_pointer (&options->save_weights, g_free);
  g_clear_pointer (&options->weights, g_free);
  g_clear_pointer (&options->weights_file, saddle_weights_file_free);
  g_clear_pointer (&options->inputs, g_strfreev);
  g_clear_pointer (&options->given, g_hash_table_unref);
}

char *
saddle_cli_options_help (SaddleCliCommand command)
{
  SaddleCliOptions options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  char *help;

  options.given = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  context = build_context (command, &options);
  help = g_option_context_get_help (context, TRUE, NULL);
  g_hash_table_unref (options.given);
  return help;
}
