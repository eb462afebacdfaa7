/* saddle-study-config.c — a study's settings: presets per study and task, validation by
 * field, hidden-width parsing, and what they ask of the data and the model
 *
 * The runner (saddle-study.c) reads a config; nothing here trains. Errors name the config
 * field (saddle-config-field.h), never a command-line flag: each face adds its own name.
 */
#define G_LOG_DOMAIN "saddle-study"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "saddle-config-field.h"
#include "saddle-dataset-csv.h"
#include "saddle-file.h"
#include "saddle-ground-truth.h"
#include "saddle-study.h"

/* The widest hidden layer (the field's range in saddle-config-field.c says the same). */
#define MAX_WIDTH          100000
/* Newton refinement steps of a critical run by default. */
#define NEWTON_STEPS_DEFAULT 20

/* The autoencoder preset (measured: see saddle_study_config_init()). */
#define AUTOENCODER_HIDDEN        4
#define AUTOENCODER_LR            0.003
#define AUTOENCODER_BATCH         100
#define AUTOENCODER_EPOCHS        10
#define AUTOENCODER_NEWTON_STEPS  300
#define AUTOENCODER_RUNS          20
#define AUTOENCODER_ZERO_TOLERANCE 1e-10

/* A choice field holds a value outside its enum. */
static gboolean
invalid_choice (GError           **error,
                SaddleConfigField  field,
                int                value)
{
  /* TRANSLATORS: said of a setting named before it; %s lists its choices */
  saddle_config_field_set_error (error, field, _("must be %s; got %d"),
                                 saddle_config_field_range (field), value);
  return FALSE;
}

static void
set_hidden (SaddleStudyConfig *config,
            const guint       *widths,
            guint              n)
{
  memset (config->hidden, 0, sizeof config->hidden);
  memcpy (config->hidden, widths, n * sizeof *widths);
  config->n_hidden = n;
}

static char *
widths_string (const guint *widths,
               guint        n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%u", i > 0 ? "-" : "", widths[i]);

  return g_string_free (s, FALSE);
}

void
saddle_study_config_init (SaddleStudyConfig *config,
                          SaddleStudyKind    kind,
                          SaddleTask         task)
{
  static const guint image_hidden[] = { 20, 20 };
  static const guint function_hidden[] = { 363 };
  static const guint critical_hidden[] = { 31, 31 };
  static const guint autoencoder_hidden[] = { AUTOENCODER_HIDDEN };

  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->task = task;
  config->data_path = NULL;
  config->function = SADDLE_FUNCTION_SINC;
  config->samples = 1000;
  config->activation = SADDLE_ACTIVATION_RELU;
  config->optimizer = SADDLE_OPTIMIZER_ADAM;
  config->seed = 1;
  config->runs = 8;
  config->first_run = 0;
  config->snapshot_every = 0;
  config->threads = 0;
  config->layer = 0;
  config->zero_tolerance = 1e-6;
  config->grad_tolerance = 1e-4;
  config->descent_steps = 1000;
  config->descent_lr = 1e-3;
  /* "Refine before you classify": a few Newton steps take ‖∇L‖ from ~1e-3 to rounding level. */
  config->newton_steps = NEWTON_STEPS_DEFAULT;
  /* AUTO: MINRES on ReLU nets, where the dense step is 20–60× dearer for the same ‖∇L‖. */
  config->newton_method = SADDLE_NEWTON_AUTO;
  {
    SaddleCriticalSettings defaults;

    saddle_critical_settings_init (&defaults);
    config->certify_tolerance = defaults.certify_tolerance;
    config->clarke_epsilon = defaults.clarke_epsilon;
    config->still_steps = defaults.still_steps;
    config->still_factor = defaults.still_factor;
  }
  config->jobs = 0;
  /* The homework's bonus, drawn behind the paths; costs resolution² whole-set losses. */
  config->surface_resolution = kind == SADDLE_STUDY_TRAJECTORIES
                             ? SADDLE_SURFACE_DEFAULT_RESOLUTION : 0;

  if (task == SADDLE_TASK_AUTOENCODER)
    {
      /* 20-4-20 (184 parameters): C(20, 4) = 4,845 critical points of index 0–64, each
       * Hessian built in milliseconds. Measured (README, "Ground truth"): trained to the end
       * every run reaches the minimum {1,2,3,4}; run r trains 1 + r mod epochs epochs
       * (run_epochs()), and dense Newton from there lands on a different subset almost
       * every run. The ‖∇L‖² descent did not help here (Newton alone got further), so it is
       * off; Newton needs up to ~300 Hessians from these starts. */
      set_hidden (config, autoencoder_hidden, G_N_ELEMENTS (autoencoder_hidden));
      config->activation = SADDLE_ACTIVATION_IDENTITY;
      config->lr = AUTOENCODER_LR;
      config->batch = AUTOENCODER_BATCH;
      config->epochs = AUTOENCODER_EPOCHS;
      config->descent_steps = 0;
      config->newton_steps = AUTOENCODER_NEWTON_STEPS;
      config->grad_tolerance = SADDLE_CRITICAL_REACHED_GRAD_NORM;
      /* The symmetry's k² + k zeros sit at 1e-14·max|λ| once Newton is done, but at points
       * whose hidden layer is unbalanced (W1 large, W2 small) true eigenvalues fall to
       * 2e-7·max|λ|: the usual 1e-6 band would count them as zero. */
      config->zero_tolerance = AUTOENCODER_ZERO_TOLERANCE;
      /* A linear net is smooth: dense Newton converges quadratically to rounding level. */
      config->newton_method = SADDLE_NEWTON_DENSE;
    }
  else if (task == SADDLE_TASK_IMAGE)
    {
      set_hidden (config, image_hidden, G_N_ELEMENTS (image_hidden));
      /* Tuned: over 8 seeds, 30 epochs reach 92 % training accuracy on the bundled
       * Fashion-MNIST subset (every run ≥ 90 %); 0.01 is faster but erratic (87–96 %). */
      config->lr = 0.003;
      config->batch = 200;
      config->epochs = 30;
    }
  else
    {
      set_hidden (config, function_hidden, G_N_ELEMENTS (function_hidden));
      /* Tuned: 10,000 small steps (< 1 s a run) fit sinc to an MSE of ~3e-4 (the
       * target's variance is 0.087); batch 100 at lr 1e-3 stalls near 6e-3. */
      config->lr = 0.01;
      config->batch = 20;
      config->epochs = 200;
    }

  if (kind == SADDLE_STUDY_CRITICAL)
    {
      /* The autoencoder's runs take seconds each (Newton from far), and 20 show the levels. */
      config->runs = task == SADDLE_TASK_AUTOENCODER ? AUTOENCODER_RUNS : 100;
      if (task == SADDLE_TASK_FUNCTION)
        set_hidden (config, critical_hidden, G_N_ELEMENTS (critical_hidden));
    }
}

void
saddle_study_config_copy (const SaddleStudyConfig *src,
                          SaddleStudyConfig       *dest)
{
  g_return_if_fail (src != NULL);
  g_return_if_fail (dest != NULL);

  if (src == dest)
    return;
  *dest = *src;
  dest->data_path = g_strdup (src->data_path);
  dest->label_column = g_strdup (src->label_column);
}

void
saddle_study_config_clear (SaddleStudyConfig *config)
{
  g_return_if_fail (config != NULL);

  g_clear_pointer (&config->data_path, g_free);
  g_clear_pointer (&config->label_column, g_free);
}

gboolean
saddle_study_config_validate (const SaddleStudyConfig *config,
                              GError                 **error)
{
  guint widths[SADDLE_MAX_HIDDEN_LAYERS + 2];
  gsize hidden_params;

  g_return_val_if_fail (config != NULL, FALSE);

  /* The choices are parsed from names, so a bad one is a caller's mistake: say what the
   * field accepts. */
  if ((guint) config->task > SADDLE_TASK_AUTOENCODER)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_TASK, config->task);
  if ((guint) config->function > SADDLE_FUNCTION_SIGN)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_FUNCTION, config->function);
  if ((guint) config->activation > SADDLE_ACTIVATION_IDENTITY)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_ACTIVATION, config->activation);
  if ((guint) config->optimizer > SADDLE_OPTIMIZER_ADAM)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_OPTIMIZER, config->optimizer);
  if (saddle_newton_method_to_string (config->newton_method) == NULL)
    return invalid_choice (error, SADDLE_CONFIG_FIELD_NEWTON_METHOD, config->newton_method);
  if (config->data_path != NULL && config->data_path[0] == '\0')
    {
      /* TRANSLATORS: said of the data setting */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_DATA,
                                     _("must name a file or folder; got an empty path"));
      return FALSE;
    }
  if (config->n_hidden > SADDLE_MAX_HIDDEN_LAYERS)
    {
      /* TRANSLATORS: said of the hidden layers; %s is a range like "0–8 widths of 1–100000" */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN, _("must list %s; got %u layers"),
                                     saddle_config_field_range (SADDLE_CONFIG_FIELD_HIDDEN),
                                     config->n_hidden);
      return FALSE;
    }
  for (guint i = 0; i < config->n_hidden; i++)
    if (config->hidden[i] < 1 || config->hidden[i] > MAX_WIDTH)
      {
        /* TRANSLATORS: said of the hidden layers; %s is a range like "0–8 widths of 1–100000" */
        saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                                       _("must list %s; hidden layer %u has width %u"),
                                       saddle_config_field_range (SADDLE_CONFIG_FIELD_HIDDEN),
                                       i + 1, config->hidden[i]);
        return FALSE;
      }
  if (config->layer > config->n_hidden)
    {
      /* TRANSLATORS: said of the trajectory layer */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_LAYER,
                                     _("must be an integer in 1–%u (the model has %u weight layers); got %u"),
                                     config->n_hidden + 1, config->n_hidden + 1, config->layer + 1);
      return FALSE;
    }

  {
    /* The counted fields in their table's order, so the first bad one is the first shown. */
    const struct { SaddleConfigField field; double value; } numbers[] = {
      { SADDLE_CONFIG_FIELD_SAMPLES, config->samples },
      { SADDLE_CONFIG_FIELD_LR, config->lr },
      { SADDLE_CONFIG_FIELD_BATCH, config->batch },
      { SADDLE_CONFIG_FIELD_EPOCHS, config->epochs },
      { SADDLE_CONFIG_FIELD_RUNS, config->runs },
      /* Numbered from 1, as every output does; the field is an index. */
      { SADDLE_CONFIG_FIELD_FIRST_RUN, config->first_run + 1.0 },
      { SADDLE_CONFIG_FIELD_THREADS, config->threads },
      { SADDLE_CONFIG_FIELD_JOBS, config->jobs },
      { SADDLE_CONFIG_FIELD_SURFACE, config->surface_resolution },
      { SADDLE_CONFIG_FIELD_ZERO_TOLERANCE, config->zero_tolerance },
      { SADDLE_CONFIG_FIELD_GRAD_TOLERANCE, config->grad_tolerance },
      { SADDLE_CONFIG_FIELD_DESCENT_STEPS, config->descent_steps },
      { SADDLE_CONFIG_FIELD_DESCENT_LR, config->descent_lr },
      { SADDLE_CONFIG_FIELD_NEWTON_STEPS, config->newton_steps },
      { SADDLE_CONFIG_FIELD_CERTIFY_TOLERANCE, config->certify_tolerance },
      { SADDLE_CONFIG_FIELD_CLARKE_EPSILON, config->clarke_epsilon },
      { SADDLE_CONFIG_FIELD_STILL_STEPS, config->still_steps },
      { SADDLE_CONFIG_FIELD_STILL_FACTOR, config->still_factor },
    };

    for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
      if (!saddle_config_field_check (numbers[i].field, numbers[i].value, NULL, error))
        return FALSE;
  }

  /* The hidden layers alone (one input, one output) bound the size from
   * below before any data is read; check_dataset gives the exact count. */
  widths[0] = 1;
  memcpy (widths + 1, config->hidden, config->n_hidden * sizeof (guint));
  widths[config->n_hidden + 1] = 1;
  hidden_params = saddle_model_count_params (widths, config->n_hidden + 2);
  if (hidden_params == 0 || hidden_params > SADDLE_STUDY_MAX_PARAMS)
    {
      g_autofree char *hidden = saddle_study_config_hidden_string (config);
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, SADDLE_STUDY_MAX_PARAMS);

      /* TRANSLATORS: said of the hidden layers; the first %s is their widths, e.g. 3000,3000 */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                                     _("%s gives more than %s parameters; use fewer or narrower layers"),
                                     hidden, limit);
      return FALSE;
    }

  return TRUE;
}

gboolean
saddle_study_config_set_hidden (SaddleStudyConfig *config,
                                const char        *text,
                                GError           **error)
{
  guint widths[SADDLE_MAX_HIDDEN_LAYERS];
  guint n = 0;
  const char *p;

  g_return_val_if_fail (config != NULL, FALSE);

  if (text == NULL)
    text = "";
  p = text;

  while (g_ascii_isspace (*p))
    p++;
  if (*p == '\0')
    {
      set_hidden (config, widths, 0);
      return TRUE;
    }

  for (;;)
    {
      const char *start;
      guint64 value = 0;

      while (g_ascii_isspace (*p))
        p++;
      start = p;
      if (!g_ascii_isdigit (*p))
        {
          /* TRANSLATORS: said of the hidden layers */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                       _("must list comma-separated layer widths like 20,20; "
                         "“%s” has no width at character %ld"),
                       text, g_utf8_pointer_to_offset (text, p) + 1);
          return FALSE;
        }
      while (g_ascii_isdigit (*p))
        {
          if (value <= MAX_WIDTH)
            value = value * 10 + (guint64) (*p - '0');
          p++;
        }
      if (value < 1 || value > MAX_WIDTH)
        {
          g_autofree char *number = g_strndup (start, p - start);

          /* TRANSLATORS: said of the hidden layers */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                       _("must have widths in 1–%u; “%s” has %s at character %ld"),
                       MAX_WIDTH, text, number, g_utf8_pointer_to_offset (text, start) + 1);
          return FALSE;
        }
      if (n == SADDLE_MAX_HIDDEN_LAYERS)
        {
          /* TRANSLATORS: said of the hidden layers */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                       _("must list at most %u layers; “%s” has more"),
                       SADDLE_MAX_HIDDEN_LAYERS, text);
          return FALSE;
        }
      widths[n++] = (guint) value;

      while (g_ascii_isspace (*p))
        p++;
      if (*p == '\0')
        break;
      if (*p != ',')
        {
          /* TRANSLATORS: said of the hidden layers */
          saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                       _("must list comma-separated layer widths like 20,20; "
                         "“%s” has an unexpected “%.*s” at character %ld"),
                       text, (int) (g_utf8_next_char (p) - p), p,
                       g_utf8_pointer_to_offset (text, p) + 1);
          return FALSE;
        }
      p++;
    }

  set_hidden (config, widths, n);
  return TRUE;
}

char *
saddle_study_config_hidden_string (const SaddleStudyConfig *config)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (config != NULL, g_string_free (s, FALSE));

  for (guint i = 0; i < MIN (config->n_hidden, SADDLE_MAX_HIDDEN_LAYERS); i++)
    g_string_append_printf (s, "%s%u", i > 0 ? "," : "", config->hidden[i]);

  return g_string_free (s, FALSE);
}

SaddleDataset *
saddle_study_config_load_dataset (const SaddleStudyConfig *config,
                                  GError                 **error)
{
  g_return_val_if_fail (config != NULL, NULL);

  if (config->task == SADDLE_TASK_IMAGE || config->task == SADDLE_TASK_AUTOENCODER)
    {
      SaddleCsvOptions csv = { config->label_column, config->standardize };
      const char *path = config->data_path != NULL ? config->data_path
                                                   : saddle_dataset_bundled_dir ();
      g_autoptr(SaddleDataset) images = saddle_dataset_load_classes (path, &csv, config->samples,
                                                                     error);

      if (images == NULL || config->task == SADDLE_TASK_IMAGE)
        return g_steal_pointer (&images);
      return saddle_ground_truth_dataset_new (images, SADDLE_GROUND_TRUTH_COMPONENTS, error);
    }

  if (config->data_path != NULL)
    return saddle_dataset_load_csv (config->data_path, config->samples, error);

  return saddle_dataset_new_function (config->function, config->samples, error);
}

guint *
saddle_study_config_widths (const SaddleStudyConfig *config,
                            const SaddleDataset     *dataset,
                            guint                   *n_widths)
{
  guint n;
  guint *widths;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (dataset != NULL, NULL);

  n = MIN (config->n_hidden, SADDLE_MAX_HIDDEN_LAYERS) + 2;
  widths = g_new (guint, n);
  widths[0] = (guint) MIN (dataset->n_inputs, (gsize) G_MAXUINT);
  memcpy (widths + 1, config->hidden, (n - 2) * sizeof (guint));
  widths[n - 1] = (guint) MIN (dataset->n_outputs, (gsize) G_MAXUINT);

  if (n_widths != NULL)
    *n_widths = n;
  return widths;
}

gboolean
saddle_study_config_check_data (const SaddleStudyConfig *config,
                                GError                 **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if (config->data_path == NULL)
    return TRUE;
  if (g_file_test (config->data_path, G_FILE_TEST_IS_DIR))
    {
      if (g_access (config->data_path, R_OK | X_OK) != 0)
        {
          int saved = errno;

          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "“%s” cannot be read: %s", config->data_path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  return saddle_file_check_regular (config->data_path, G_MAXUINT64, NULL, error);
}

void
saddle_study_config_critical_settings (const SaddleStudyConfig *config,
                                       SaddleCriticalSettings  *settings)
{
  g_return_if_fail (config != NULL && settings != NULL);

  saddle_critical_settings_init (settings);
  settings->descent_steps = config->descent_steps;
  settings->descent_lr = config->descent_lr;
  settings->grad_tolerance = config->grad_tolerance;
  settings->zero_tolerance = config->zero_tolerance;
  settings->newton_steps = config->newton_steps;
  settings->newton_method = config->newton_method;
  settings->certify_tolerance = config->certify_tolerance;
  settings->clarke_epsilon = config->clarke_epsilon;
  settings->still_steps = config->still_steps;
  settings->still_lr = config->lr;
  settings->still_factor = config->still_factor;
}

gsize
saddle_study_config_n_params (const SaddleStudyConfig *config,
                              const SaddleDataset     *dataset)
{
  g_autofree guint *widths = NULL;
  guint n = 0;

  g_return_val_if_fail (config != NULL, 0);
  g_return_val_if_fail (dataset != NULL, 0);

  widths = saddle_study_config_widths (config, dataset, &n);
  return saddle_model_count_params (widths, n);
}

gboolean
saddle_study_config_check_dataset (const SaddleStudyConfig *config,
                                   const SaddleDataset     *dataset,
                                   GError                 **error)
{
  g_autofree guint *widths = NULL;
  g_autofree char *shape = NULL;
  guint n = 0;
  gsize n_params;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (dataset != NULL, FALSE);

  if (config->task == SADDLE_TASK_IMAGE && dataset->kind != SADDLE_DATASET_CLASSIFICATION)
    {
      /* TRANSLATORS: said of the task; %s names the dataset */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_TASK,
                   _("image needs labelled images, but “%s” holds regression samples; "
                     "fit a function to x,y data instead"),
                   dataset->name != NULL ? dataset->name : "the dataset");
      return FALSE;
    }
  if (config->task == SADDLE_TASK_AUTOENCODER
      && (dataset->kind != SADDLE_DATASET_REGRESSION || dataset->n_inputs != dataset->n_outputs))
    {
      /* TRANSLATORS: said of the task; %s names the dataset */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_TASK,
                   _("autoencoder needs samples whose targets are their inputs, "
                     "but “%s” is not such a set; give it an IDX image folder"),
                   dataset->name != NULL ? dataset->name : "the dataset");
      return FALSE;
    }
  if (config->task == SADDLE_TASK_FUNCTION && dataset->kind != SADDLE_DATASET_REGRESSION)
    {
      /* TRANSLATORS: said of the task; %s names the dataset */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_TASK,
                   _("function needs x,y samples, but “%s” holds labelled images; "
                     "classify them instead"),
                   dataset->name != NULL ? dataset->name : "the dataset");
      return FALSE;
    }
  if (dataset->n_samples == 0 || dataset->n_inputs == 0 || dataset->n_outputs == 0
      || dataset->n_inputs > G_MAXUINT || dataset->n_outputs > G_MAXUINT)
    {
      g_set_error (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_INVALID,
                   "“%s” has %" G_GSIZE_FORMAT " samples of %" G_GSIZE_FORMAT " inputs and %"
                   G_GSIZE_FORMAT " outputs; a model needs at least one of each",
                   dataset->name != NULL ? dataset->name : "the dataset",
                   dataset->n_samples, dataset->n_inputs, dataset->n_outputs);
      return FALSE;
    }

  widths = saddle_study_config_widths (config, dataset, &n);
  shape = widths_string (widths, n);
  n_params = saddle_model_count_params (widths, n);
  if (n_params == 0 || n_params > SADDLE_STUDY_MAX_PARAMS)
    {
      g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, SADDLE_STUDY_MAX_PARAMS);

      /* TRANSLATORS: said of the hidden layers; the first %s is the model, e.g. 784 → 3000 → 10 */
      saddle_config_field_set_error (error, SADDLE_CONFIG_FIELD_HIDDEN,
                   _("make a %s model with too many parameters (the limit is %s); "
                     "use fewer or narrower layers"),
                   shape, limit);
      return FALSE;
    }

  return TRUE;
}

SaddleModel *
saddle_study_config_new_model (const SaddleStudyConfig *config,
                               const SaddleDataset     *dataset,
                               GError                 **error)
{
  g_autofree guint *widths = NULL;
  guint n = 0;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (dataset != NULL, NULL);

  if (!saddle_study_config_check_dataset (config, dataset, error))
    return NULL;

  widths = saddle_study_config_widths (config, dataset, &n);
  return saddle_model_new (widths, n, config->activation,
                           dataset->kind == SADDLE_DATASET_CLASSIFICATION
                             ? SADDLE_LOSS_CROSS_ENTROPY : SADDLE_LOSS_MSE,
                           error);
}

const char *
saddle_study_kind_to_string (SaddleStudyKind kind)
{
  switch (kind)
    {
    case SADDLE_STUDY_TRAJECTORIES:
      return "trajectories";
    case SADDLE_STUDY_GRADNORM:
      return "gradnorm";
    case SADDLE_STUDY_CRITICAL:
      return "critical";
    default:
      return NULL;
    }
}

gboolean
saddle_study_kind_from_string (const char      *name,
                               SaddleStudyKind *kind)
{
  static const SaddleStudyKind kinds[] = {
    SADDLE_STUDY_TRAJECTORIES, SADDLE_STUDY_GRADNORM, SADDLE_STUDY_CRITICAL,
  };

  if (name == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_ascii_strcasecmp (name, saddle_study_kind_to_string (kinds[i])) == 0)
      {
        if (kind != NULL)
          *kind = kinds[i];
        return TRUE;
      }
  return FALSE;
}

const char *
saddle_task_to_string (SaddleTask task)
{
  switch (task)
    {
    case SADDLE_TASK_IMAGE:
      return "image";
    case SADDLE_TASK_FUNCTION:
      return "function";
    case SADDLE_TASK_AUTOENCODER:
      return "autoencoder";
    default:
      return NULL;
    }
}

gboolean
saddle_task_from_string (const char *name,
                         SaddleTask *task)
{
  if (name == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (name, "image") == 0)
    {
      if (task != NULL)
        *task = SADDLE_TASK_IMAGE;
      return TRUE;
    }
  if (g_ascii_strcasecmp (name, "function") == 0)
    {
      if (task != NULL)
        *task = SADDLE_TASK_FUNCTION;
      return TRUE;
    }
  if (g_ascii_strcasecmp (name, "autoencoder") == 0)
    {
      if (task != NULL)
        *task = SADDLE_TASK_AUTOENCODER;
      return TRUE;
    }
  return FALSE;
}
