/* saddle-side-panel-bind.c — the panel's widgets bound to its GSettings: drop-down items to
 * choice strings, log-scale spin buttons to their setting, the layer counted from 1 */
#define G_LOG_DOMAIN "saddle-side-panel"

#include "config.h"

#include <math.h>

#include "saddle-side-panel-private.h"

/* GSettings choices in the order of the drop-downs' items. */
static const char * const task_choices[] = { "image", "function", "autoencoder", NULL };
static const char * const function_choices[] = { "sinc", "sign", "csv", NULL };
static const char * const activation_choices[] = { "relu", "tanh", "sigmoid", "identity", NULL };
static const char * const optimizer_choices[] = { "sgd", "momentum", "adam", NULL };
/* In the order of SaddleNewtonMethod and of the drop-down's items. */
static const char * const newton_method_choices[] = { "auto", "dense", "minres", "lm", NULL };

static gboolean
choice_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  const char * const *choices = user_data;
  const char *s = g_variant_get_string (variant, NULL);

  for (guint i = 0; choices[i] != NULL; i++)
    if (g_str_equal (choices[i], s))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
choice_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  const char * const *choices = user_data;
  guint i = g_value_get_uint (value);

  if (i >= g_strv_length ((char **) choices))
    return NULL;
  return g_variant_new_string (choices[i]);
}

/* Log-scale spin buttons hold log10 of the setting. */
static gboolean
log_get_mapping (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  double v = g_variant_get_double (variant);

  if (!(v > 0) || !isfinite (v))
    return FALSE;
  g_value_set_double (value, log10 (v));
  return TRUE;
}

static GVariant *
log_set_mapping (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  double v = pow (10.0, g_value_get_double (value));

  return g_variant_new_double (saddle_side_panel_round_significant (v));
}

/* The layer spin counts from 1, the setting from 0. */
static gboolean
layer_get_mapping (GValue   *value,
                   GVariant *variant,
                   gpointer  user_data)
{
  g_value_set_double (value, g_variant_get_uint32 (variant) + 1.0);
  return TRUE;
}

static GVariant *
layer_set_mapping (const GValue       *value,
                   const GVariantType *expected_type,
                   gpointer            user_data)
{
  double v = g_value_get_double (value);

  return g_variant_new_uint32 (v >= 1 ? (guint32) (v - 1 + 0.5) : 0);
}

void
saddle_side_panel_bind_settings (SaddleSidePanel *self)
{
  GSettings *s = self->settings;
  g_autofree char *hidden = NULL;
  g_autofree char *task = g_settings_get_string (s, "task");

  /* The task the current values belong to, for apply_task_defaults(). */
  self->task = SADDLE_TASK_IMAGE;
  saddle_task_from_string (task, &self->task);

  g_settings_bind_with_mapping (s, "task", self->task_dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_mapping, choice_set_mapping, (gpointer) task_choices, NULL);
  g_settings_bind_with_mapping (s, "function", self->function_dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_mapping, choice_set_mapping, (gpointer) function_choices, NULL);
  g_settings_bind_with_mapping (s, "activation", self->activation_dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_mapping, choice_set_mapping, (gpointer) activation_choices, NULL);
  g_settings_bind_with_mapping (s, "optimizer", self->optimizer_dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_mapping, choice_set_mapping, (gpointer) optimizer_choices, NULL);

  g_settings_bind (s, "standardize", self->standardize_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "samples", self->samples_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "batch", self->batch_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "epochs", self->epochs_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "runs", self->runs_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "seed", self->seed_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "snapshot-every", self->snapshot_every_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "threads", self->threads_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "descent-steps", self->descent_steps_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "newton-steps", self->newton_steps_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (s, "jobs", self->jobs_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (s, "newton-method", self->newton_method_dropdown, "selected", G_SETTINGS_BIND_DEFAULT,
                                choice_get_mapping, choice_set_mapping, (gpointer) newton_method_choices, NULL);
  g_settings_bind (s, "surface-resolution", self->surface_resolution_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (s, "layer", self->layer_spin, "value", G_SETTINGS_BIND_DEFAULT,
                                layer_get_mapping, layer_set_mapping, NULL, NULL);

  g_settings_bind_with_mapping (s, "lr", self->lr_spin, "value", G_SETTINGS_BIND_DEFAULT,
                                log_get_mapping, log_set_mapping, NULL, NULL);
  g_settings_bind_with_mapping (s, "grad-tolerance", self->grad_tolerance_spin, "value", G_SETTINGS_BIND_DEFAULT,
                                log_get_mapping, log_set_mapping, NULL, NULL);
  g_settings_bind_with_mapping (s, "zero-tolerance", self->zero_tolerance_spin, "value", G_SETTINGS_BIND_DEFAULT,
                                log_get_mapping, log_set_mapping, NULL, NULL);
  g_settings_bind_with_mapping (s, "descent-lr", self->descent_lr_spin, "value", G_SETTINGS_BIND_DEFAULT,
                                log_get_mapping, log_set_mapping, NULL, NULL);

  /* The hidden widths are written only when they parse (see hidden_changed_cb). */
  hidden = g_settings_get_string (s, "hidden");
  gtk_editable_set_text (GTK_EDITABLE (self->hidden_entry), hidden);
}
