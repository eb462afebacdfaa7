/* saddle-cli-fields.h — the command-line flag of each study config field
 *
 * The engine names a bad value by its field (saddle-config-field.h); the CLI says it with the
 * flag the user typed, e.g. "--epochs must be an integer in 1–100000; got 0".
 */
#pragma once

#include <glib.h>

#include "saddle-config-field.h"

G_BEGIN_DECLS

/* "--epochs" for SADDLE_CONFIG_FIELD_EPOCHS. */
const char *saddle_cli_field_flag       (SaddleConfigField  field);
/* The field set by option @name ("epochs", no dashes); FALSE for an option of the CLI's own. */
gboolean    saddle_cli_field_from_flag  (const char        *name,
                                         SaddleConfigField *field);
/* @error's message as the CLI prints it: a SADDLE_CONFIG_ERROR gets its flag in front. */
char       *saddle_cli_field_message    (const GError      *error);

G_END_DECLS
