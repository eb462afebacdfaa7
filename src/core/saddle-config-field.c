/* saddle-config-field.c — one table of the study config's ranges, and the checks that state them
 *
 * The table is the one place a range is written: validation (saddle-study.c), the CLI's parse
 * errors and the app's inline messages all read it, so they never disagree.
 */
#define G_LOG_DOMAIN "saddle-config-field"

#include "config.h"

#include <math.h>

#include <glib/gi18n-lib.h>

#include "saddle-config-field.h"

typedef enum
{
  KIND_INTEGER,
  KIND_NUMBER,
  KIND_OTHER,         /* a choice, a path or a list: checked where it is parsed */
} FieldKind;

typedef struct
{
  FieldKind   kind;
  double      min, max;
  gboolean    min_open, max_open;
  gboolean    or_zero;     /* 0 is accepted besides [min, max] */
  const char *range;       /* as the messages state it; N_() where it has words */
} FieldSpec;

static const FieldSpec fields[SADDLE_CONFIG_N_FIELDS] = {
  [SADDLE_CONFIG_FIELD_TASK]              = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, "image, function or autoencoder" },
  [SADDLE_CONFIG_FIELD_DATA]              = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, N_("a file or folder") },
  [SADDLE_CONFIG_FIELD_LABEL_COLUMN]      = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, N_("a column name of the CSV's header") },
  [SADDLE_CONFIG_FIELD_STANDARDIZE]       = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, N_("on or off") },
  [SADDLE_CONFIG_FIELD_FUNCTION]          = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, "sinc or sign" },
  [SADDLE_CONFIG_FIELD_SAMPLES]           = { KIND_INTEGER, 1, 1000000, FALSE, FALSE, FALSE, "1–1000000" },
  [SADDLE_CONFIG_FIELD_HIDDEN]            = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, N_("0–8 widths of 1–100000") },
  [SADDLE_CONFIG_FIELD_ACTIVATION]        = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, "relu, tanh, sigmoid or identity" },
  [SADDLE_CONFIG_FIELD_OPTIMIZER]         = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, "sgd, momentum or adam" },
  [SADDLE_CONFIG_FIELD_LR]                = { KIND_NUMBER, 0, 10, TRUE, FALSE, FALSE, "(0, 10]" },
  [SADDLE_CONFIG_FIELD_BATCH]             = { KIND_INTEGER, 1, 1000000, FALSE, FALSE, FALSE, "1–1000000" },
  [SADDLE_CONFIG_FIELD_EPOCHS]            = { KIND_INTEGER, 1, 100000, FALSE, FALSE, FALSE, "1–100000" },
  [SADDLE_CONFIG_FIELD_SEED]              = { KIND_INTEGER, 0, 18446744073709551615.0, FALSE, FALSE, FALSE, "0–18446744073709551615" },
  [SADDLE_CONFIG_FIELD_RUNS]              = { KIND_INTEGER, 1, 10000, FALSE, FALSE, FALSE, "1–10000" },
  /* Counted from 1, as every output counts runs; the config holds the 0-based index. */
  [SADDLE_CONFIG_FIELD_FIRST_RUN]         = { KIND_INTEGER, 1, 1000001, FALSE, FALSE, FALSE, "1–1000001" },
  [SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY]    = { KIND_INTEGER, 0, 4294967295.0, FALSE, FALSE, FALSE, "0–4294967295" },
  [SADDLE_CONFIG_FIELD_THREADS]           = { KIND_INTEGER, 0, 256, FALSE, FALSE, FALSE, "0–256" },
  [SADDLE_CONFIG_FIELD_JOBS]              = { KIND_INTEGER, 0, 256, FALSE, FALSE, FALSE, "0–256" },
  /* Counted from 1; the model's own layer count is checked once the model is known. */
  [SADDLE_CONFIG_FIELD_LAYER]             = { KIND_INTEGER, 1, 9, FALSE, FALSE, FALSE, N_("1 to the number of weight layers (hidden layers + 1)") },
  [SADDLE_CONFIG_FIELD_SURFACE]           = { KIND_INTEGER, 2, 401, FALSE, FALSE, TRUE, N_("0 (none) or 2–401") },
  [SADDLE_CONFIG_FIELD_ZERO_TOLERANCE]    = { KIND_NUMBER, 0, 1, TRUE, TRUE, FALSE, "(0, 1)" },
  [SADDLE_CONFIG_FIELD_GRAD_TOLERANCE]    = { KIND_NUMBER, 0, 1, TRUE, TRUE, FALSE, "(0, 1)" },
  [SADDLE_CONFIG_FIELD_DESCENT_STEPS]     = { KIND_INTEGER, 0, 1000000, FALSE, FALSE, FALSE, "0–1000000" },
  [SADDLE_CONFIG_FIELD_DESCENT_LR]        = { KIND_NUMBER, 0, 10, TRUE, FALSE, FALSE, "(0, 10]" },
  [SADDLE_CONFIG_FIELD_NEWTON_STEPS]      = { KIND_INTEGER, 0, 1000, FALSE, FALSE, FALSE, "0–1000" },
  [SADDLE_CONFIG_FIELD_NEWTON_METHOD]     = { KIND_OTHER, 0, 0, FALSE, FALSE, FALSE, "auto, dense, minres or lm" },
  [SADDLE_CONFIG_FIELD_CERTIFY_TOLERANCE] = { KIND_NUMBER, 0, 1, TRUE, TRUE, FALSE, "(0, 1)" },
  [SADDLE_CONFIG_FIELD_CLARKE_EPSILON]    = { KIND_NUMBER, 0, 1, FALSE, TRUE, FALSE, "[0, 1)" },
  [SADDLE_CONFIG_FIELD_STILL_STEPS]       = { KIND_INTEGER, 0, 100000, FALSE, FALSE, FALSE, "0–100000" },
  [SADDLE_CONFIG_FIELD_STILL_FACTOR]      = { KIND_NUMBER, 1, 1000000, TRUE, FALSE, FALSE, "(1, 1000000]" },
};

G_DEFINE_QUARK (saddle-config-error-quark, saddle_config_error)

const char *
saddle_config_field_range (SaddleConfigField field)
{
  g_return_val_if_fail ((guint) field < SADDLE_CONFIG_N_FIELDS, "?");

  return _(fields[field].range);
}

gboolean
saddle_config_field_accepts (SaddleConfigField field,
                             double            value)
{
  const FieldSpec *spec;

  g_return_val_if_fail ((guint) field < SADDLE_CONFIG_N_FIELDS, FALSE);

  spec = &fields[field];
  if (spec->kind == KIND_OTHER)
    return TRUE;
  if (!isfinite (value))
    return FALSE;
  if (spec->kind == KIND_INTEGER && value != floor (value))
    return FALSE;
  if (spec->or_zero && value == 0)
    return TRUE;
  if (spec->min_open ? value <= spec->min : value < spec->min)
    return FALSE;
  return spec->max_open ? value < spec->max : value <= spec->max;
}

void
saddle_config_field_set_error (GError           **error,
                               SaddleConfigField  field,
                               const char        *format,
                               ...)
{
  va_list args;

  if (error == NULL)
    return;
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (SADDLE_CONFIG_ERROR, (int) field, format, args));
  va_end (args);
}

gboolean
saddle_config_field_check (SaddleConfigField  field,
                           double             value,
                           const char        *shown,
                           GError           **error)
{
  g_autofree char *printed = NULL;

  g_return_val_if_fail ((guint) field < SADDLE_CONFIG_N_FIELDS, FALSE);

  if (saddle_config_field_accepts (field, value))
    return TRUE;

  if (shown == NULL)
    {
      /* %.17g keeps every integer up to 2⁵³ whole; %g is how numbers read elsewhere. */
      printed = fields[field].kind == KIND_INTEGER && fabs (value) < 9007199254740992.0
                ? g_strdup_printf ("%.0f", value) : g_strdup_printf ("%g", value);
      shown = printed;
    }
  if (fields[field].kind == KIND_INTEGER)
    /* TRANSLATORS: said of a setting named before it; the first %s is a range like 1–100000 */
    saddle_config_field_set_error (error, field, _("must be an integer in %s; got %s"),
                                   saddle_config_field_range (field), shown);
  else
    /* TRANSLATORS: said of a setting named before it; the first %s is a range like (0, 10] */
    saddle_config_field_set_error (error, field, _("must be a finite number in %s; got %s"),
                                   saddle_config_field_range (field), shown);
  return FALSE;
}

gboolean
saddle_config_field_of_error (const GError      *error,
                              SaddleConfigField *field)
{
  if (error == NULL || error->domain != SADDLE_CONFIG_ERROR
      || (guint) error->code >= SADDLE_CONFIG_N_FIELDS)
    return FALSE;
  if (field != NULL)
    *field = (SaddleConfigField) error->code;
  return TRUE;
}
