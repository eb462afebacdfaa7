/* saddle-cli-fields.c — the command-line flag of each study config field */
#define G_LOG_DOMAIN "saddle-cli-fields"

#include "config.h"

#include "saddle-cli-fields.h"

static const char *const flags[SADDLE_CONFIG_N_FIELDS] = {
  [SADDLE_CONFIG_FIELD_TASK]              = "--task",
  [SADDLE_CONFIG_FIELD_DATA]              = "--data",
  [SADDLE_CONFIG_FIELD_LABEL_COLUMN]      = "--label-column",
  [SADDLE_CONFIG_FIELD_STANDARDIZE]       = "--standardize",
  [SADDLE_CONFIG_FIELD_FUNCTION]          = "--function",
  [SADDLE_CONFIG_FIELD_SAMPLES]           = "--samples",
  [SADDLE_CONFIG_FIELD_HIDDEN]            = "--hidden",
  [SADDLE_CONFIG_FIELD_ACTIVATION]        = "--activation",
  [SADDLE_CONFIG_FIELD_OPTIMIZER]         = "--optimizer",
  [SADDLE_CONFIG_FIELD_LR]                = "--lr",
  [SADDLE_CONFIG_FIELD_BATCH]             = "--batch",
  [SADDLE_CONFIG_FIELD_EPOCHS]            = "--epochs",
  [SADDLE_CONFIG_FIELD_SEED]              = "--seed",
  [SADDLE_CONFIG_FIELD_RUNS]              = "--runs",
  [SADDLE_CONFIG_FIELD_FIRST_RUN]         = "--first-run",
  [SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY]    = "--snapshot-every",
  [SADDLE_CONFIG_FIELD_THREADS]           = "--threads",
  [SADDLE_CONFIG_FIELD_JOBS]              = "--jobs",
  [SADDLE_CONFIG_FIELD_LAYER]             = "--layer",
  [SADDLE_CONFIG_FIELD_SURFACE]           = "--surface",
  [SADDLE_CONFIG_FIELD_ZERO_TOLERANCE]    = "--tolerance",
  [SADDLE_CONFIG_FIELD_GRAD_TOLERANCE]    = "--grad-tolerance",
  [SADDLE_CONFIG_FIELD_DESCENT_STEPS]     = "--descent-steps",
  [SADDLE_CONFIG_FIELD_DESCENT_LR]        = "--descent-lr",
  [SADDLE_CONFIG_FIELD_NEWTON_STEPS]      = "--newton-steps",
  [SADDLE_CONFIG_FIELD_NEWTON_METHOD]     = "--newton",
  [SADDLE_CONFIG_FIELD_CERTIFY_TOLERANCE] = "--certify-tolerance",
  [SADDLE_CONFIG_FIELD_CLARKE_EPSILON]    = "--clarke-epsilon",
  [SADDLE_CONFIG_FIELD_STILL_STEPS]       = "--still-steps",
  [SADDLE_CONFIG_FIELD_STILL_FACTOR]      = "--still-factor",
};

const char *
saddle_cli_field_flag (SaddleConfigField field)
{
  g_return_val_if_fail ((guint) field < SADDLE_CONFIG_N_FIELDS, "?");

  return flags[field];
}

gboolean
saddle_cli_field_from_flag (const char        *name,
                            SaddleConfigField *field)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < SADDLE_CONFIG_N_FIELDS; i++)
    if (g_str_equal (flags[i] + 2, name))
      {
        if (field != NULL)
          *field = (SaddleConfigField) i;
        return TRUE;
      }
  return FALSE;
}

char *
saddle_cli_field_message (const GError *error)
{
  SaddleConfigField field;

  g_return_val_if_fail (error != NULL, NULL);

  if (!saddle_config_field_of_error (error, &field))
    return g_strdup (error->message);
  return g_strdup_printf ("%s %s", flags[field], error->message);
}
