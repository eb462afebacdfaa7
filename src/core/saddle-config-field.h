/* saddle-config-field.h — the fields of a study config, their ranges, and checks that speak of them
 *
 * The engine names a bad value by the field it is in (a SADDLE_CONFIG_ERROR whose code is the
 * SaddleConfigField) and says what is wrong with the value alone ("must be an integer in
 * 1–100000; got 0"). Each face puts its own subject in front: the CLI its flag (--epochs),
 * the app its row label (Epochs). Messages and ranges go through gettext; the CLI turns
 * gettext off, so it stays English.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SADDLE_CONFIG_ERROR (saddle_config_error_quark ())

/* One per validated SaddleStudyConfig field; also the code of a SADDLE_CONFIG_ERROR. */
typedef enum
{
  SADDLE_CONFIG_FIELD_TASK,
  SADDLE_CONFIG_FIELD_DATA,
  SADDLE_CONFIG_FIELD_LABEL_COLUMN,        /* of a classification CSV */
  SADDLE_CONFIG_FIELD_STANDARDIZE,
  SADDLE_CONFIG_FIELD_FUNCTION,
  SADDLE_CONFIG_FIELD_SAMPLES,
  SADDLE_CONFIG_FIELD_HIDDEN,
  SADDLE_CONFIG_FIELD_ACTIVATION,
  SADDLE_CONFIG_FIELD_OPTIMIZER,
  SADDLE_CONFIG_FIELD_LR,
  SADDLE_CONFIG_FIELD_BATCH,
  SADDLE_CONFIG_FIELD_EPOCHS,
  SADDLE_CONFIG_FIELD_SEED,
  SADDLE_CONFIG_FIELD_RUNS,
  SADDLE_CONFIG_FIELD_FIRST_RUN,
  SADDLE_CONFIG_FIELD_SNAPSHOT_EVERY,
  SADDLE_CONFIG_FIELD_THREADS,
  SADDLE_CONFIG_FIELD_JOBS,
  SADDLE_CONFIG_FIELD_LAYER,
  SADDLE_CONFIG_FIELD_SURFACE,
  SADDLE_CONFIG_FIELD_ZERO_TOLERANCE,
  SADDLE_CONFIG_FIELD_GRAD_TOLERANCE,
  SADDLE_CONFIG_FIELD_DESCENT_STEPS,
  SADDLE_CONFIG_FIELD_DESCENT_LR,
  SADDLE_CONFIG_FIELD_NEWTON_STEPS,
  SADDLE_CONFIG_FIELD_NEWTON_METHOD,
  SADDLE_CONFIG_FIELD_CERTIFY_TOLERANCE,
  SADDLE_CONFIG_FIELD_CLARKE_EPSILON,
  SADDLE_CONFIG_FIELD_STILL_STEPS,
  SADDLE_CONFIG_FIELD_STILL_FACTOR,
  SADDLE_CONFIG_N_FIELDS
} SaddleConfigField;

GQuark       saddle_config_error_quark        (void);

/* The values @field accepts, e.g. "(0, 10]" for the learning rate (translated). */
const char  *saddle_config_field_range        (SaddleConfigField  field);
/* Whether @value is in @field's range (an integer field: an integral value). */
gboolean     saddle_config_field_accepts      (SaddleConfigField  field,
                                               double             value);
/* FALSE + a SADDLE_CONFIG_ERROR ("must be an integer in 1–100000; got 0") when @value is
 * outside @field's range; @shown is the value as the user wrote it (NULL: printed from @value). */
gboolean     saddle_config_field_check        (SaddleConfigField  field,
                                               double             value,
                                               const char        *shown,
                                               GError           **error);
/* Sets a SADDLE_CONFIG_ERROR for @field with a printf message about the value alone. */
void         saddle_config_field_set_error    (GError           **error,
                                               SaddleConfigField  field,
                                               const char        *format,
                                               ...) G_GNUC_PRINTF (3, 4);
/* The field a SADDLE_CONFIG_ERROR is about; FALSE for any other error. */
gboolean     saddle_config_field_of_error     (const GError      *error,
                                               SaddleConfigField *field);

G_END_DECLS
