/* saddle-side-panel.c — every hyperparameter of one study, bound to GSettings, validated as typed */
#define G_LOG_DOMAIN "saddle-side-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-ground-truth.h"
#include "saddle-side-panel-private.h"

/* Images read to learn a dataset's input and class counts for the parameter count:
 * enough to see every class of a usual dataset, few enough to stay instant. */
#define DIMS_SAMPLES 1000
/* The memory a study would hold is shown from this size on. */
#define MEMORY_NOTE_BYTES ((gsize) 64 * 1024 * 1024)

G_DEFINE_FINAL_TYPE (SaddleSidePanel, saddle_side_panel, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_KIND,
  PROP_SETTINGS,
  PROP_JOB_QUEUE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Input and output widths of the dataset @config names; FALSE + message when it cannot be read. */
static gboolean
find_dims (SaddleSidePanel         *self,
           const SaddleStudyConfig *config,
           guint                   *n_in,
           guint                   *n_out,
           const char             **problem)
{
  g_autofree char *key = NULL;
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  SaddleStudyConfig probe;

  *problem = NULL;

  /* x,y samples and generated functions are always 1 → 1. */
  if (config->task == SADDLE_TASK_FUNCTION)
    {
      self->dims_samples = config->samples;
      *n_in = *n_out = 1;
      return TRUE;
    }
  /* The autoencoder maps its principal components to themselves: no need to load the images
   * and run their PCA for the width (a missing folder still fails when the study starts). */
  if (config->task == SADDLE_TASK_AUTOENCODER)
    {
      self->dims_samples = config->samples;
      *n_in = *n_out = SADDLE_GROUND_TRUTH_COMPONENTS;
      return TRUE;
    }

  key = g_strdup_printf ("%s\n%u", config->data_path ? config->data_path : "", config->samples);
  if (g_strcmp0 (key, self->dims_key) != 0)
    {
      saddle_study_config_copy (config, &probe);
      probe.samples = MIN (config->samples, DIMS_SAMPLES);
      dataset = saddle_study_config_load_dataset (&probe, &error);
      saddle_study_config_clear (&probe);

      g_free (self->dims_key);
      self->dims_key = g_steal_pointer (&key);
      g_clear_pointer (&self->dims_error, g_free);
      self->dims_in = self->dims_out = 0;
      if (dataset != NULL)
        {
          self->dims_in = dataset->n_inputs;
          self->dims_out = dataset->n_outputs;
          /* Past the probe's samples the set may hold fewer: the estimate stays an upper bound. */
          self->dims_samples = config->samples <= DIMS_SAMPLES ? dataset->n_samples : config->samples;
        }
      else
        self->dims_error = g_strdup (error->message);
    }

  if (self->dims_error != NULL)
    {
      *problem = self->dims_error;
      return FALSE;
    }
  *n_in = self->dims_in;
  *n_out = self->dims_out;
  return TRUE;
}

static void
update_file_labels (SaddleSidePanel *self)
{
  g_autofree char *folder = g_settings_get_string (self->settings, "image-folder");
  g_autofree char *csv = g_settings_get_string (self->settings, "csv-file");

  if (folder[0] == '\0')
    gtk_label_set_text (self->image_folder_value, _("Bundled subset"));
  else
    {
      g_autofree char *base = g_path_get_basename (folder);

      gtk_label_set_text (self->image_folder_value, base);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->image_folder_value),
                               folder[0] ? folder : _("The first 1,000 training images of Fashion-MNIST, shipped with Saddle"));
  gtk_widget_set_sensitive (self->image_folder_clear, folder[0] != '\0');

  if (csv[0] == '\0')
    gtk_label_set_text (self->csv_file_value, _("Choose…"));
  else
    {
      g_autofree char *base = g_path_get_basename (csv);

      gtk_label_set_text (self->csv_file_value, base);
    }
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->csv_file_value), csv[0] ? csv : NULL);
  gtk_widget_set_sensitive (self->csv_file_clear, csv[0] != '\0');
}

/* Whether the image task's data is a file (a CSV of labelled rows) rather than an IDX folder. */
static gboolean
data_is_csv_file (GSettings *settings)
{
  g_autofree char *path = g_settings_get_string (settings, "image-folder");

  return path[0] != '\0' && !g_file_test (path, G_FILE_TEST_IS_DIR);
}

static void
update_visibility (SaddleSidePanel *self)
{
  g_autofree char *task = g_settings_get_string (self->settings, "task");
  g_autofree char *function = g_settings_get_string (self->settings, "function");
  /* The autoencoder reads images too: its data are their principal components. */
  gboolean image = g_str_equal (task, "image") || g_str_equal (task, "autoencoder");
  gboolean critical = self->kind == SADDLE_STUDY_CRITICAL;
  gboolean trajectories = self->kind == SADDLE_STUDY_TRAJECTORIES;

  gtk_widget_set_visible (self->image_folder_row, image);
  gtk_widget_set_visible (self->standardize_row, image && data_is_csv_file (self->settings));
  gtk_widget_set_visible (self->function_row, !image);
  gtk_widget_set_visible (self->csv_file_row, !image && g_str_equal (function, "csv"));
  gtk_widget_set_visible (self->snapshot_every_row, trajectories);
  gtk_widget_set_visible (self->layer_row, trajectories);
  gtk_widget_set_visible (self->surface_resolution_row, trajectories);
  gtk_widget_set_visible (self->newton_steps_row, critical);
  gtk_widget_set_visible (self->newton_method_row, critical);
  gtk_widget_set_visible (self->analysis_group, critical);
  gtk_widget_set_visible (self->grad_tolerance_row, critical);
  gtk_widget_set_visible (self->descent_steps_row, critical);
  gtk_widget_set_visible (self->descent_lr_row, critical);
  gtk_widget_set_visible (self->zero_tolerance_row, critical);
}

/* The memory the study as configured would hold, checked as the engine checks it before a
 * run: a note when it is large (a warning past a quarter of what is free), and the refusal as
 * the panel's problem. NULL when it is small. */
static char *
check_memory (SaddleSidePanel         *self,
              const SaddleStudyConfig *config)
{
  gsize need = 0;
  gsize available = saddle_available_memory ();
  gboolean fits = saddle_study_check_memory (config, self->kind, self->dims_samples, self->n_params,
                                             &need, &self->memory_error);
  g_autofree char *need_text = NULL;
  g_autofree char *available_text = NULL;

  if (!fits)
    self->problem = saddle_side_panel_describe_error (self, self->memory_error);
  if (need < MEMORY_NOTE_BYTES)
    return NULL;

  if (fits && need <= available / 4)
    gtk_widget_remove_css_class (GTK_WIDGET (self->memory_label), "warning");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->memory_label), "warning");
  need_text = need == G_MAXSIZE ? g_strdup ("∞") : g_format_size (need);
  available_text = g_format_size (available);
  if (self->kind == SADDLE_STUDY_TRAJECTORIES)
    /* TRANSLATORS: memory sizes, e.g. "22.6 GB" and "23.6 GB" */
    return g_strdup_printf (_("The snapshots need about %s of memory; %s is free"),
                            need_text, available_text);
  /* TRANSLATORS: memory sizes, e.g. "1.2 GB" and "23.6 GB" */
  return g_strdup_printf (_("Each Hessian needs about %s of memory; %s is free"),
                          need_text, available_text);
}

/* Re-reads the settings: parameter count, validation message, rows shown. */
static void
update_now (SaddleSidePanel *self)
{
  SaddleStudyConfig config;
  g_autoptr(GError) error = NULL;
  g_autofree char *params = NULL;
  g_autofree char *memory = NULL;
  g_autofree char *time = NULL;
  const char *problem = NULL;
  guint n_in = 0, n_out = 0;
  int field;

  update_visibility (self);
  update_file_labels (self);

  g_clear_pointer (&self->problem, g_free);
  self->n_params = 0;
  self->time_seconds = -1;
  self->time_at_most = -1;

  g_clear_error (&self->memory_error);
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    if (self->row_messages[i] != NULL)
      gtk_widget_set_visible (self->row_messages[i], self->field_problems[i] != NULL
                                                     && gtk_widget_get_visible (gtk_widget_get_parent (saddle_side_panel_field_widget (self, i))));

  /* The settings still hold the last valid values, so the model's size is shown while another
   * row is being fixed; but not for widths that do not parse. */
  if (self->field_problems[saddle_side_panel_hidden_field ()] != NULL)
    ;
  else if (!saddle_side_panel_config_from_settings (&config, self->kind, self->settings, &error))
    self->problem = saddle_side_panel_describe_error (self, error);
  else
    {
      if (find_dims (self, &config, &n_in, &n_out, &problem))
        {
          g_autofree guint *widths = g_new (guint, config.n_hidden + 2);
          g_autoptr(GString) arch = g_string_new (NULL);
          g_autofree char *count = NULL;

          widths[0] = n_in;
          for (guint i = 0; i < config.n_hidden; i++)
            widths[i + 1] = config.hidden[i];
          widths[config.n_hidden + 1] = n_out;
          self->n_params = saddle_model_count_params (widths, config.n_hidden + 2);

          for (guint i = 0; i < config.n_hidden + 2; i++)
            g_string_append_printf (arch, i ? " → %u" : "%u", widths[i]);
          count = saddle_format_count (self->n_params);
          /* TRANSLATORS: architecture and parameter count, e.g. "784 → 20 → 20 → 10 · 16,330 parameters" */
          params = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %s parameter",
                                                 "%s · %s parameters", self->n_params),
                                    arch->str, count);

          /* Only the trajectories study has a chosen layer to check. */
          if (self->kind == SADDLE_STUDY_TRAJECTORIES && config.layer > config.n_hidden)
            self->problem = g_strdup_printf (_("Trajectory layer %u does not exist: the model has %u layers"),
                                             config.layer + 1, config.n_hidden + 1);
          else
            {
              /* The architecture, for the FLOP count; the loss does not change it. */
              g_autoptr(SaddleModel) model = saddle_model_new (widths, config.n_hidden + 2,
                                                               config.activation,
                                                               SADDLE_LOSS_MSE, NULL);

              memory = check_memory (self, &config);
              time = saddle_side_panel_describe_time (self, &config, model);
            }
        }
      else
        self->problem = g_strdup (problem);
      saddle_study_config_clear (&config);
    }

  /* What is typed wins over what the settings hold; its message is at its row already. */
  field = saddle_side_panel_first_field_problem (self);
  if (field >= 0)
    {
      g_free (self->problem);
      self->problem = g_strdup (self->field_problems[field]);
      g_clear_error (&self->memory_error);
    }

  gtk_label_set_text (self->params_label, params != NULL ? params : "");
  gtk_widget_set_visible (GTK_WIDGET (self->params_label), params != NULL);
  gtk_label_set_text (self->memory_label, memory != NULL ? memory : "");
  gtk_widget_set_visible (GTK_WIDGET (self->memory_label), memory != NULL);
  gtk_label_set_text (self->time_label, time != NULL ? time : "");
  gtk_widget_set_visible (GTK_WIDGET (self->time_label), time != NULL && field < 0);
  gtk_label_set_text (self->error_label, self->problem != NULL ? self->problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), self->problem != NULL && field < 0);
}

static gboolean
update_idle_cb (gpointer user_data)
{
  SaddleSidePanel *self = user_data;

  self->update_id = 0;
  update_now (self);
  return G_SOURCE_REMOVE;
}

/* A queued look at the settings, taken now. */
static void
update_pending (SaddleSidePanel *self)
{
  if (self->update_id != 0)
    {
      g_clear_handle_id (&self->update_id, g_source_remove);
      update_now (self);
    }
}

void
saddle_side_panel_queue_update (SaddleSidePanel *self)
{
  /* Many keys change at once on Reset: look at them once. */
  if (self->update_id == 0)
    self->update_id = g_idle_add_full (G_PRIORITY_DEFAULT, update_idle_cb, self, NULL);
}

static void
hidden_changed_cb (GtkEditable     *editable,
                   SaddleSidePanel *self)
{
  const char *text = gtk_editable_get_text (editable);
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  SaddleStudyConfig probe;
  gboolean ok;

  if (self->settings == NULL)
    return;

  saddle_study_config_init (&probe, self->kind, SADDLE_TASK_IMAGE);
  ok = saddle_study_config_set_hidden (&probe, text, &error);
  saddle_study_config_clear (&probe);

  if (!ok)
    {
      saddle_side_panel_set_field_problem (self, saddle_side_panel_field_index (GTK_WIDGET (editable)), saddle_side_panel_describe_error (self, error));
      return;
    }
  saddle_side_panel_set_field_problem (self, saddle_side_panel_field_index (GTK_WIDGET (editable)), NULL);

  stored = g_settings_get_string (self->settings, "hidden");
  if (!g_str_equal (stored, text))
    g_settings_set_string (self->settings, "hidden", text);
  else
    saddle_side_panel_queue_update (self);
}

/* Switching the task brings that task's preset (the homework's model for image and function,
 * the ground truth's for autoencoder) — but only for values still at the previous task's
 * defaults: what the user chose stays. */
static void
apply_task_defaults (SaddleSidePanel *self)
{
  g_autofree char *task_name = g_settings_get_string (self->settings, "task");
  g_autofree char *hidden = g_settings_get_string (self->settings, "hidden");
  g_autofree char *activation = g_settings_get_string (self->settings, "activation");
  g_autofree char *newton = g_settings_get_string (self->settings, "newton-method");
  g_autofree char *old_hidden = NULL;
  g_autofree char *new_hidden = NULL;
  SaddleStudyConfig old_defaults, new_defaults;
  SaddleTask task = SADDLE_TASK_IMAGE;

  saddle_task_from_string (task_name, &task);
  if (task == self->task)
    return;
  saddle_study_config_init (&new_defaults, self->kind, task);
  saddle_study_config_init (&old_defaults, self->kind, self->task);
  self->task = task;
  old_hidden = saddle_study_config_hidden_string (&old_defaults);
  new_hidden = saddle_study_config_hidden_string (&new_defaults);

  if (g_str_equal (hidden, old_hidden))
    g_settings_set_string (self->settings, "hidden", new_hidden);
  if (g_str_equal (activation, saddle_activation_to_string (old_defaults.activation)))
    g_settings_set_string (self->settings, "activation",
                           saddle_activation_to_string (new_defaults.activation));
  if (g_str_equal (newton, saddle_newton_method_to_string (old_defaults.newton_method)))
    g_settings_set_string (self->settings, "newton-method",
                           saddle_newton_method_to_string (new_defaults.newton_method));
#define SWAP_UINT(key, field) \
  if (g_settings_get_uint (self->settings, key) == old_defaults.field) \
    g_settings_set_uint (self->settings, key, new_defaults.field)
#define SWAP_DOUBLE(key, field) \
  if (g_settings_get_double (self->settings, key) == old_defaults.field) \
    g_settings_set_double (self->settings, key, new_defaults.field)
  SWAP_DOUBLE ("lr", lr);
  SWAP_UINT ("batch", batch);
  SWAP_UINT ("epochs", epochs);
  SWAP_UINT ("runs", runs);
  SWAP_UINT ("descent-steps", descent_steps);
  SWAP_UINT ("newton-steps", newton_steps);
  SWAP_DOUBLE ("zero-tolerance", zero_tolerance);
  SWAP_DOUBLE ("grad-tolerance", grad_tolerance);
#undef SWAP_UINT
#undef SWAP_DOUBLE

  saddle_study_config_clear (&old_defaults);
  saddle_study_config_clear (&new_defaults);
}

static void
settings_changed_cb (GSettings       *settings,
                     const char      *key,
                     SaddleSidePanel *self)
{
  if (key != NULL && g_str_equal (key, "task"))
    apply_task_defaults (self);

  if (key != NULL && g_str_equal (key, "hidden"))
    {
      g_autofree char *value = g_settings_get_string (settings, "hidden");

      if (!g_str_equal (value, gtk_editable_get_text (GTK_EDITABLE (self->hidden_entry))))
        gtk_editable_set_text (GTK_EDITABLE (self->hidden_entry), value);
    }
  saddle_side_panel_queue_update (self);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     SaddleSidePanel *self)
{
  const char *key = g_object_get_data (G_OBJECT (dialog), "saddle-key");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_settings_set_string (self->settings, key, path);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
choose_file (SaddleSidePanel      *self,
             GtkFileChooserAction  action,
             const char           *title,
             const char           *key)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  g_autofree char *current = g_settings_get_string (self->settings, key);

  dialog = gtk_file_chooser_native_new (title,
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        action, _("_Select"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "saddle-key", g_strdup (key), g_free);

  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (csv, _("CSV files"));
      gtk_file_filter_add_suffix (csv, "csv");
      gtk_file_filter_add_mime_type (csv, "text/csv");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), csv);
      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
    }

  if (current[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_path (current);

      if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
        gtk_file_chooser_set_file (GTK_FILE_CHOOSER (dialog), file, NULL);
      else
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), file, NULL);
    }

  g_signal_connect (dialog, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
image_folder_clicked_cb (GtkButton       *button,
                         SaddleSidePanel *self)
{
  choose_file (self, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
               _("Choose a Folder of IDX Images"), "image-folder");
}

/* The image task classifies a CSV file's labelled rows too: the same setting holds its path. */
static void
image_csv_clicked_cb (GtkButton       *button,
                      SaddleSidePanel *self)
{
  choose_file (self, GTK_FILE_CHOOSER_ACTION_OPEN, _("Choose a CSV File of Labelled Rows"),
               "image-folder");
}

static void
image_folder_clear_cb (GtkButton       *button,
                       SaddleSidePanel *self)
{
  g_settings_reset (self->settings, "image-folder");
}

static void
csv_file_clicked_cb (GtkButton       *button,
                     SaddleSidePanel *self)
{
  choose_file (self, GTK_FILE_CHOOSER_ACTION_OPEN, _("Choose a CSV File of x,y Samples"), "csv-file");
}

static void
csv_file_clear_cb (GtkButton       *button,
                   SaddleSidePanel *self)
{
  g_settings_reset (self->settings, "csv-file");
}

static void
reset_clicked_cb (GtkButton       *button,
                  SaddleSidePanel *self)
{
  saddle_side_panel_reset (self);
}

static void
undo_clicked_cb (GtkButton       *button,
                 SaddleSidePanel *self)
{
  saddle_side_panel_undo_reset (self);
}

static void
saddle_side_panel_constructed (GObject *object)
{
  SaddleSidePanel *self = SADDLE_SIDE_PANEL (object);

  G_OBJECT_CLASS (saddle_side_panel_parent_class)->constructed (object);

  if (self->kind == SADDLE_STUDY_CRITICAL)
    {
      /* Each run is one Hessian analysis: many runs make the scatter meaningful. */
      gtk_label_set_text_with_mnemonic (self->runs_label, _("Critical-point _runs"));
      gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->runs_spin), 10000);
      gtk_widget_set_tooltip_text (self->runs_row,
                                   _("Trainings from different seeds, each analysed at its critical point"));
    }

  if (self->settings == NULL)
    {
      g_critical ("SaddleSidePanel needs a GSettings object");
      return;
    }

  saddle_side_panel_bind_settings (self);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, 0);
  saddle_side_panel_watch_fields (self);
  update_now (self);
}

static void
saddle_side_panel_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SaddleSidePanel *self = SADDLE_SIDE_PANEL (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_uint (value, self->kind);
      break;

    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_side_panel_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SaddleSidePanel *self = SADDLE_SIDE_PANEL (object);

  switch (prop_id)
    {
    case PROP_KIND:
      self->kind = g_value_get_uint (value);
      break;

    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    case PROP_JOB_QUEUE:
      self->job_queue = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
saddle_side_panel_dispose (GObject *object)
{
  SaddleSidePanel *self = SADDLE_SIDE_PANEL (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  g_clear_handle_id (&self->toast_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), SADDLE_TYPE_SIDE_PANEL);

  G_OBJECT_CLASS (saddle_side_panel_parent_class)->dispose (object);
}

static void
saddle_side_panel_finalize (GObject *object)
{
  SaddleSidePanel *self = SADDLE_SIDE_PANEL (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->job_queue);
  g_clear_pointer (&self->problem, g_free);
  g_clear_error (&self->memory_error);
  g_clear_pointer (&self->undo_values, g_variant_dict_unref);
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    {
      g_clear_pointer (&self->field_problems[i], g_free);
      g_clear_pointer (&self->undo_texts[i], g_free);
    }
  g_clear_pointer (&self->dims_key, g_free);
  g_clear_pointer (&self->dims_error, g_free);

  G_OBJECT_CLASS (saddle_side_panel_parent_class)->finalize (object);
}

static void
saddle_side_panel_class_init (SaddleSidePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = saddle_side_panel_constructed;
  object_class->dispose = saddle_side_panel_dispose;
  object_class->finalize = saddle_side_panel_finalize;
  object_class->get_property = saddle_side_panel_get_property;
  object_class->set_property = saddle_side_panel_set_property;

  properties[PROP_KIND] =
    g_param_spec_uint ("kind", NULL, NULL, 0, SADDLE_STUDY_CRITICAL, 0,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_JOB_QUEUE] =
    g_param_spec_object ("job-queue", NULL, NULL, SADDLE_TYPE_JOB_QUEUE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/saddlelab/Saddle/ui/saddle-side-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, SaddleSidePanel, name)
  BIND (task_dropdown);
  BIND (image_folder_row);
  BIND (standardize_row);
  BIND (standardize_switch);
  BIND (image_folder_value);
  BIND (image_folder_clear);
  BIND (function_row);
  BIND (function_dropdown);
  BIND (csv_file_row);
  BIND (csv_file_value);
  BIND (csv_file_clear);
  BIND (samples_spin);
  BIND (hidden_entry);
  BIND (hidden_row);
  BIND (params_label);
  BIND (activation_dropdown);
  BIND (optimizer_dropdown);
  BIND (lr_spin);
  BIND (batch_spin);
  BIND (epochs_spin);
  BIND (runs_label);
  BIND (runs_spin);
  BIND (runs_row);
  BIND (seed_spin);
  BIND (snapshot_every_row);
  BIND (snapshot_every_spin);
  BIND (layer_row);
  BIND (layer_spin);
  BIND (surface_resolution_row);
  BIND (surface_resolution_spin);
  BIND (threads_spin);
  BIND (analysis_group);
  BIND (grad_tolerance_row);
  BIND (grad_tolerance_spin);
  BIND (descent_steps_row);
  BIND (descent_steps_spin);
  BIND (descent_lr_row);
  BIND (descent_lr_spin);
  BIND (newton_steps_row);
  BIND (newton_steps_spin);
  BIND (newton_method_row);
  BIND (newton_method_dropdown);
  BIND (jobs_spin);
  BIND (zero_tolerance_row);
  BIND (zero_tolerance_spin);
  BIND (error_label);
  BIND (reset_button);
  BIND (reset_toast);
  BIND (undo_button);
  BIND (memory_label);
  BIND (time_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, hidden_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, undo_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_folder_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_csv_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, image_folder_clear_cb);
  gtk_widget_class_bind_template_callback (widget_class, csv_file_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, csv_file_clear_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
saddle_side_panel_init (SaddleSidePanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->time_seconds = -1;
  self->time_at_most = -1;
  saddle_side_panel_setup_fields (self);
}

GtkWidget *
saddle_side_panel_new (SaddleStudyKind  kind,
                       GSettings       *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  return g_object_new (SADDLE_TYPE_SIDE_PANEL,
                       "kind", kind,
                       "settings", settings,
                       NULL);
}

SaddleStudyKind
saddle_side_panel_get_kind (SaddleSidePanel *self)
{
  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), SADDLE_STUDY_TRAJECTORIES);

  return self->kind;
}

GSettings *
saddle_side_panel_get_settings (SaddleSidePanel *self)
{
  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), NULL);

  return self->settings;
}

gboolean
saddle_side_panel_get_config (SaddleSidePanel    *self,
                              SaddleStudyConfig  *config,
                              GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  int field;

  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  /* A text the settings do not hold, or a study that would not fit, refuses to start; a
   * pending look at the settings (which checks the memory) is taken now. */
  saddle_side_panel_get_problem (self);
  field = saddle_side_panel_first_field_problem (self);
  if (field >= 0 || self->memory_error != NULL)
    memset (config, 0, sizeof *config);
  if (field >= 0)
    {
      g_set_error_literal (error, SADDLE_CONFIG_ERROR, saddle_side_panel_fields[field].field,
                           self->field_problems[field]);
      return FALSE;
    }
  if (self->memory_error != NULL)
    {
      g_autofree char *message = saddle_side_panel_describe_error (self, self->memory_error);

      g_set_error_literal (error, self->memory_error->domain, self->memory_error->code, message);
      return FALSE;
    }
  if (!saddle_side_panel_config_from_settings (config, self->kind, self->settings, &local_error))
    {
      g_autofree char *message = saddle_side_panel_describe_error (self, local_error);

      g_set_error_literal (error, local_error->domain, local_error->code, message);
      return FALSE;
    }
  return TRUE;
}

gsize
saddle_side_panel_get_n_params (SaddleSidePanel *self)
{
  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), 0);

  update_pending (self);
  return self->n_params;
}

double
saddle_side_panel_get_time_estimate (SaddleSidePanel *self)
{
  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), -1);

  update_pending (self);
  return self->time_seconds;
}

const char *
saddle_side_panel_get_problem (SaddleSidePanel *self)
{
  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), NULL);

  update_pending (self);
  return self->problem;
}

GtkWidget *
saddle_side_panel_get_field (SaddleSidePanel *self,
                             const char      *key)
{
  const struct { const char *key; gsize offset; } others[] = {
    { "reset", G_STRUCT_OFFSET (SaddleSidePanel, reset_button) },
    { "undo", G_STRUCT_OFFSET (SaddleSidePanel, undo_button) },
    { "params", G_STRUCT_OFFSET (SaddleSidePanel, params_label) },
    { "memory", G_STRUCT_OFFSET (SaddleSidePanel, memory_label) },
    { "time", G_STRUCT_OFFSET (SaddleSidePanel, time_label) },
    { "standardize", G_STRUCT_OFFSET (SaddleSidePanel, standardize_switch) },
    { "problem", G_STRUCT_OFFSET (SaddleSidePanel, error_label) },
  };

  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    if (g_str_equal (saddle_side_panel_fields[i].key, key))
      return saddle_side_panel_field_widget (self, i);
  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    if (g_str_equal (others[i].key, key))
      return G_STRUCT_MEMBER (GtkWidget *, self, others[i].offset);
  return NULL;
}

GtkWidget *
saddle_side_panel_get_row_message (SaddleSidePanel *self,
                                   const char      *key)
{
  g_return_val_if_fail (SADDLE_IS_SIDE_PANEL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    if (g_str_equal (saddle_side_panel_fields[i].key, key))
      return self->row_messages[i];
  return NULL;
}
