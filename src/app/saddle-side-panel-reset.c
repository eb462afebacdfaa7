/* saddle-side-panel-reset.c — Reset to Defaults, and its Undo from the toast while it shows */
#define G_LOG_DOMAIN "saddle-side-panel"

#include "config.h"

#include "saddle-side-panel-private.h"

/* Seconds the reset toast offers its Undo. */
#define RESET_TOAST_SECONDS 10

static void
hide_toast (SaddleSidePanel *self)
{
  g_clear_handle_id (&self->toast_id, g_source_remove);
  gtk_revealer_set_reveal_child (self->reset_toast, FALSE);
}

static gboolean
toast_timeout_cb (gpointer user_data)
{
  SaddleSidePanel *self = user_data;

  self->toast_id = 0;
  hide_toast (self);
  /* Past its toast a reset stays: later edits are the user's own. */
  g_clear_pointer (&self->undo_values, g_variant_dict_unref);
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    g_clear_pointer (&self->undo_texts[i], g_free);
  return G_SOURCE_REMOVE;
}

void
saddle_side_panel_reset (SaddleSidePanel *self)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_return_if_fail (SADDLE_IS_SIDE_PANEL (self));

  g_object_get (self->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);

  /* What Undo brings back: every key, and each text typed but refused (not in the settings). */
  g_clear_pointer (&self->undo_values, g_variant_dict_unref);
  self->undo_values = g_variant_dict_new (NULL);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (self->settings, keys[i]);

      g_variant_dict_insert_value (self->undo_values, keys[i], value);
    }
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    {
      g_clear_pointer (&self->undo_texts[i], g_free);
      if (self->field_problems[i] != NULL)
        self->undo_texts[i] = g_strdup (gtk_editable_get_text (GTK_EDITABLE (saddle_side_panel_field_widget (self, i))));
    }

  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (self->settings, keys[i]);
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    if (self->field_problems[i] != NULL)
      saddle_side_panel_show_field_value (self, i);

  gtk_revealer_set_reveal_child (self->reset_toast, TRUE);
  g_clear_handle_id (&self->toast_id, g_source_remove);
  self->toast_id = g_timeout_add_seconds (RESET_TOAST_SECONDS, toast_timeout_cb, self);
}

gboolean
saddle_side_panel_undo_reset (SaddleSidePanel *self)
{
  g_autoptr(GVariant) task = NULL;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), FALSE);

  hide_toast (self);
  if (self->undo_values == NULL)
    return FALSE;

  /* The task first: switching it swaps in its preset, which the other keys then overwrite. */
  task = g_variant_dict_lookup_value (self->undo_values, "task", NULL);
  if (task != NULL)
    g_settings_set_value (self->settings, "task", task);
  {
    g_autoptr(GVariant) all = g_variant_dict_end (self->undo_values);

    g_variant_iter_init (&iter, all);
    while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
      {
        if (!g_str_equal (key, "task"))
          g_settings_set_value (self->settings, key, value);
        g_variant_unref (value);
      }
  }
  g_clear_pointer (&self->undo_values, g_variant_dict_unref);

  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    if (self->undo_texts[i] != NULL)
      {
        g_autofree char *text = g_steal_pointer (&self->undo_texts[i]);

        gtk_editable_set_text (GTK_EDITABLE (saddle_side_panel_field_widget (self, i)), text);
      }
  return TRUE;
}

gboolean
saddle_side_panel_get_reset_undoable (SaddleSidePanel *self)
{
  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), FALSE);

  return gtk_revealer_get_reveal_child (self->reset_toast) && self->undo_values != NULL;
}
