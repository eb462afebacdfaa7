/* saddle-opened-panel.c — the settings of an opened results folder, read-only */
#define G_LOG_DOMAIN "saddle-opened-panel"
#define G_SETTINGS_ENABLE_BACKEND

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gsettingsbackend.h>

#include "saddle-opened-panel.h"
#include "saddle-side-panel.h"

struct _SaddleOpenedPanel
{
  GtkBox     parent_instance;

  GSettings *settings;    /* in memory: never the user's */
  GtkLabel  *notice;
  GtkWidget *panel;
};

G_DEFINE_FINAL_TYPE (SaddleOpenedPanel, saddle_opened_panel, GTK_TYPE_BOX)

/* Sets @key to @value when the schema allows it; else the key keeps its default. */
static void
set_checked (GSettings  *settings,
             const char *key,
             GVariant   *value)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsSchemaKey) schema_key = NULL;

  g_variant_ref_sink (value);
  g_object_get (settings, "settings-schema", &schema, NULL);
  schema_key = g_settings_schema_get_key (schema, key);
  if (g_settings_schema_key_range_check (schema_key, value))
    g_settings_set_value (settings, key, value);
  g_variant_unref (value);
}

/* The GSettings keys that saddle_side_panel_config_from_settings() reads, from @config. */
static void
fill_settings (GSettings               *settings,
               const SaddleStudyConfig *config)
{
  g_autofree char *hidden = saddle_study_config_hidden_string (config);
  gboolean images = config->task != SADDLE_TASK_FUNCTION;

  set_checked (settings, "task", g_variant_new_string (saddle_task_to_string (config->task)));
  if (config->data_path != NULL)
    set_checked (settings, images ? "image-folder" : "csv-file",
                 g_variant_new_string (config->data_path));
  set_checked (settings, "function",
               g_variant_new_string (!images && config->data_path != NULL
                                     ? "csv" : saddle_function_to_string (config->function)));
  set_checked (settings, "standardize", g_variant_new_boolean (config->standardize));
  set_checked (settings, "hidden", g_variant_new_string (hidden));
  set_checked (settings, "activation",
               g_variant_new_string (saddle_activation_to_string (config->activation)));
  set_checked (settings, "optimizer",
               g_variant_new_string (saddle_optimizer_kind_to_string (config->optimizer)));
  set_checked (settings, "samples", g_variant_new_uint32 (config->samples));
  set_checked (settings, "lr", g_variant_new_double (config->lr));
  set_checked (settings, "batch", g_variant_new_uint32 (config->batch));
  set_checked (settings, "epochs", g_variant_new_uint32 (config->epochs));
  set_checked (settings, "runs", g_variant_new_uint32 (config->runs));
  if (config->seed <= G_MAXUINT32)
    set_checked (settings, "seed", g_variant_new_uint32 ((guint32) config->seed));
  set_checked (settings, "snapshot-every", g_variant_new_uint32 (config->snapshot_every));
  set_checked (settings, "layer", g_variant_new_uint32 (config->layer));
  set_checked (settings, "zero-tolerance", g_variant_new_double (config->zero_tolerance));
  set_checked (settings, "grad-tolerance", g_variant_new_double (config->grad_tolerance));
  set_checked (settings, "descent-steps", g_variant_new_uint32 (config->descent_steps));
  set_checked (settings, "descent-lr", g_variant_new_double (config->descent_lr));
  set_checked (settings, "newton-steps", g_variant_new_uint32 (config->newton_steps));
  set_checked (settings, "surface-resolution", g_variant_new_uint32 (config->surface_resolution));
}

static void
saddle_opened_panel_dispose (GObject *object)
{
  SaddleOpenedPanel *self = SADDLE_OPENED_PANEL (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (saddle_opened_panel_parent_class)->dispose (object);
}

static void
saddle_opened_panel_class_init (SaddleOpenedPanelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = saddle_opened_panel_dispose;
}

static void
saddle_opened_panel_init (SaddleOpenedPanel *self)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
}

GtkWidget *
saddle_opened_panel_new (SaddleStudyKind          kind,
                         const char              *schema_id,
                         const SaddleStudyConfig *config,
                         const char              *folder,
                         gboolean                 recorded)
{
  SaddleOpenedPanel *self = g_object_new (SADDLE_TYPE_OPENED_PANEL, NULL);
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autofree char *text = NULL;
  GtkWidget *bar, *button;

  self->settings = g_settings_new_with_backend (schema_id, backend);
  fill_settings (self->settings, config);

  bar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (bar, "banner");
  gtk_widget_add_css_class (bar, "info");
  text = recorded
         /* TRANSLATORS: %s is a folder */
         ? g_strdup_printf (_("Results opened from %s. These are the settings they were computed with; they cannot be changed here."), folder)
         : g_strdup_printf (_("Results opened from %s. The folder records no settings (no summary.json): the values below are the defaults, not necessarily the study’s."), folder);
  self->notice = GTK_LABEL (gtk_label_new (text));
  gtk_label_set_wrap (self->notice, TRUE);
  gtk_label_set_wrap_mode (self->notice, PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (self->notice, 0.0);
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->notice));
  button = gtk_button_new_with_mnemonic (_("_New Study"));
  gtk_widget_set_tooltip_text (button, _("Return to your own settings to start a new study; the opened results stay on screen until it starts"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.new-study");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_box_append (GTK_BOX (bar), button);
  gtk_box_append (GTK_BOX (self), bar);

  self->panel = saddle_side_panel_new (kind, self->settings);
  gtk_widget_set_sensitive (self->panel, FALSE);
  gtk_widget_set_vexpand (self->panel, TRUE);
  gtk_box_append (GTK_BOX (self), self->panel);
  return GTK_WIDGET (self);
}

const char *
saddle_opened_panel_get_notice (SaddleOpenedPanel *self)
{
  g_return_val_if_fail (SADDLE_IS_OPENED_PANEL (self), NULL);

  return gtk_label_get_text (self->notice);
}

GtkWidget *
saddle_opened_panel_get_panel (SaddleOpenedPanel *self)
{
  g_return_val_if_fail (SADDLE_IS_OPENED_PANEL (self), NULL);

  return self->panel;
}
