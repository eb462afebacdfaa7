/* saddle-side-panel-fields.c — the panel's fields checked as typed, with the message at the row
 *
 * GtkSpinButton clamps a typed value to its adjustment, or silently puts the old one back: here
 * a refused text stays as typed, the row below it says why in the row's words and the engine's
 * range (saddle-config-field.h), and Start is refused until it is fixed or replaced.
 */
#define G_LOG_DOMAIN "saddle-side-panel"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "saddle-side-panel-private.h"

#define FIELD(key, member, field, input) \
  { key, G_STRUCT_OFFSET (SaddleSidePanel, member), SADDLE_CONFIG_FIELD_##field, INPUT_##input }
const SaddlePanelField saddle_side_panel_fields[] = {
  FIELD ("task", task_dropdown, TASK, CHOICE),
  FIELD ("function", function_dropdown, FUNCTION, CHOICE),
  FIELD ("samples", samples_spin, SAMPLES, COUNT),
  FIELD ("hidden", hidden_entry, HIDDEN, TEXT),
  FIELD ("activation", activation_dropdown, ACTIVATION, CHOICE),
  FIELD ("optimizer", optimizer_dropdown, OPTIMIZER, CHOICE),
  FIELD ("lr", lr_spin, LR, LOG),
  FIELD ("batch", batch_spin, BATCH, COUNT),
  FIELD ("epochs", epochs_spin, EPOCHS, COUNT),
  FIELD ("runs", runs_spin, RUNS, COUNT),
  FIELD ("seed", seed_spin, SEED, COUNT),
  FIELD ("snapshot-every", snapshot_every_spin, SNAPSHOT_EVERY, COUNT),
  FIELD ("layer", layer_spin, LAYER, COUNT),
  FIELD ("threads", threads_spin, THREADS, COUNT),
  FIELD ("grad-tolerance", grad_tolerance_spin, GRAD_TOLERANCE, LOG),
  FIELD ("descent-steps", descent_steps_spin, DESCENT_STEPS, COUNT),
  FIELD ("descent-lr", descent_lr_spin, DESCENT_LR, LOG),
  FIELD ("newton-steps", newton_steps_spin, NEWTON_STEPS, COUNT),
  FIELD ("newton-method", newton_method_dropdown, NEWTON_METHOD, CHOICE),
  FIELD ("jobs", jobs_spin, JOBS, COUNT),
  FIELD ("surface-resolution", surface_resolution_spin, SURFACE, COUNT),
  FIELD ("zero-tolerance", zero_tolerance_spin, ZERO_TOLERANCE, LOG),
};
#undef FIELD
G_STATIC_ASSERT (G_N_ELEMENTS (saddle_side_panel_fields) == SADDLE_SIDE_PANEL_N_FIELDS);

double
saddle_side_panel_round_significant (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* Three significant digits: arrows give 0.0126, not 0.012589254117941668. */
  g_ascii_formatd (buf, sizeof buf, "%.3g", value);
  return g_ascii_strtod (buf, NULL);
}

GtkWidget *
saddle_side_panel_field_widget (SaddleSidePanel *self,
                                guint            i)
{
  return G_STRUCT_MEMBER (GtkWidget *, self, saddle_side_panel_fields[i].offset);
}

guint
saddle_side_panel_field_index (GtkWidget *widget)
{
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "saddle-field")) - 1;
}

/* The row label of field @i as the panel shows it ("Learning rate"); NULL if it has none. */
static char *
field_label (SaddleSidePanel *self,
             guint            i)
{
  GList *labels = gtk_widget_list_mnemonic_labels (saddle_side_panel_field_widget (self, i));
  char *text = labels != NULL ? g_strdup (gtk_label_get_text (labels->data)) : NULL;
  gsize length = text != NULL ? strlen (text) : 0;

  g_list_free (labels);
  /* Translations without the mnemonic letter in the word add it as "(L)": not part of the name. */
  if (length > 3 && text[length - 1] == ')' && text[length - 3] == '('
      && g_ascii_isalnum (text[length - 2]))
    text[length - 3] = '\0';
  return text;
}

/* An engine error about a config field, said with the row label of the field it names:
 * "Learning rate: must be a finite number in (0, 10]; got 50". */
char *
saddle_side_panel_describe_error (SaddleSidePanel *self,
                                  const GError    *error)
{
  SaddleConfigField field;

  if (saddle_config_field_of_error (error, &field))
    for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
      if (saddle_side_panel_fields[i].field == field)
        {
          g_autofree char *label = field_label (self, i);

          if (label != NULL)
            /* TRANSLATORS: a setting's label, then what is wrong with its value */
            return g_strdup_printf (_("%s: %s"), label, error->message);
        }
  return g_strdup (error->message);
}

/* The text of spin field @i checked against the engine's range and the spin's own: NULL with
 * the value (as the setting holds it) in @value, or the message to show at the row. */
static char *
check_spin_text (SaddleSidePanel *self,
                 guint            i,
                 double          *value)
{
  const SaddlePanelField *f = &saddle_side_panel_fields[i];
  GtkSpinButton *spin = GTK_SPIN_BUTTON (saddle_side_panel_field_widget (self, i));
  GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  g_autoptr(GError) error = NULL;
  double v = NAN, position, lower, upper;

  if (f->input == INPUT_COUNT)
    {
      guint64 n;

      if (g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &n, NULL))
        v = (double) n;
    }
  else
    {
      char *end = NULL;
      double d = g_ascii_strtod (text, &end);

      if (end != text && end != NULL && *end == '\0')
        v = d;
    }
  if (!saddle_config_field_check (f->field, v, text[0] != '\0' ? text : _("nothing"), &error))
    return saddle_side_panel_describe_error (self, error);

  /* The panel may offer less than the engine takes (16 runs of paths on one plot). */
  position = f->input == INPUT_LOG ? log10 (v) : v;
  lower = gtk_adjustment_get_lower (adjustment);
  upper = gtk_adjustment_get_upper (adjustment);
  if (position < lower - 1e-9 || position > upper + 1e-9)
    {
      g_autofree char *label = field_label (self, i);
      char low[G_ASCII_DTOSTR_BUF_SIZE], high[G_ASCII_DTOSTR_BUF_SIZE];

      if (f->input == INPUT_LOG)
        {
          lower = saddle_side_panel_round_significant (pow (10.0, lower));
          upper = saddle_side_panel_round_significant (pow (10.0, upper));
        }
      g_ascii_formatd (low, sizeof low, "%.15g", lower);
      g_ascii_formatd (high, sizeof high, "%.15g", upper);
      /* TRANSLATORS: a setting's label, the range this panel offers, and what was typed */
      return g_strdup_printf (_("%s: must be in %s–%s here; got %s"), label, low, high, text);
    }

  *value = v;
  return NULL;
}

/* Marks field @i as holding @problem (owned; NULL when it is fine): styled, explained at its
 * row, and refused by Start until fixed. */
void
saddle_side_panel_set_field_problem (SaddleSidePanel *self,
                                     guint            i,
                                     char            *problem)
{
  GtkWidget *widget = saddle_side_panel_field_widget (self, i);
  GtkWidget *message = self->row_messages[i];

  if (g_strcmp0 (problem, self->field_problems[i]) == 0)
    {
      g_free (problem);
      return;
    }
  g_free (self->field_problems[i]);
  self->field_problems[i] = problem;

  if (problem != NULL)
    {
      gtk_widget_add_css_class (widget, "error");
      gtk_accessible_update_state (GTK_ACCESSIBLE (widget),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE, -1);
    }
  else
    {
      gtk_widget_remove_css_class (widget, "error");
      gtk_accessible_reset_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_INVALID);
    }
  gtk_widget_set_tooltip_text (widget, problem);
  if (message != NULL)
    {
      gtk_label_set_text (GTK_LABEL (message), problem != NULL ? problem : "");
      gtk_widget_set_visible (message, problem != NULL);
    }
  saddle_side_panel_queue_update (self);
}

/* The hidden widths' index in saddle_side_panel_fields[]. */
guint
saddle_side_panel_hidden_field (void)
{
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    if (saddle_side_panel_fields[i].field == SADDLE_CONFIG_FIELD_HIDDEN)
      return i;
  g_assert_not_reached ();
}

/* The first field whose typed text is refused, or -1. */
int
saddle_side_panel_first_field_problem (SaddleSidePanel *self)
{
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    if (self->field_problems[i] != NULL)
      return (int) i;
  return -1;
}

/* Checked as typed: the message appears while the wrong value is still being written. */
static void
spin_changed_cb (GtkEditable     *editable,
                 SaddleSidePanel *self)
{
  guint i = saddle_side_panel_field_index (GTK_WIDGET (editable));
  double value;

  saddle_side_panel_set_field_problem (self, i, check_spin_text (self, i, &value));
}

/* GtkSpinButton would clamp an out-of-range value, or silently put the old one back: a
 * refused text keeps the value where it was, and the output handler keeps the text. */
static int
spin_input_cb (GtkSpinButton   *spin,
               double          *new_value,
               SaddleSidePanel *self)
{
  guint i = saddle_side_panel_field_index (GTK_WIDGET (spin));
  double value = 0;
  char *problem = check_spin_text (self, i, &value);
  gboolean ok = problem == NULL;

  saddle_side_panel_set_field_problem (self, i, problem);
  if (!ok)
    *new_value = gtk_adjustment_get_value (gtk_spin_button_get_adjustment (spin));
  else
    *new_value = saddle_side_panel_fields[i].input == INPUT_LOG ? log10 (value) : value;
  return TRUE;
}

static gboolean
spin_output_cb (GtkSpinButton   *spin,
                SaddleSidePanel *self)
{
  guint i = saddle_side_panel_field_index (GTK_WIDGET (spin));

  /* What the user typed stays until it is fixed or the value is set from elsewhere. */
  if (self->field_problems[i] != NULL)
    return TRUE;
  if (saddle_side_panel_fields[i].input == INPUT_LOG)
    {
      GtkAdjustment *adjustment = gtk_spin_button_get_adjustment (spin);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      double v = pow (10.0, gtk_adjustment_get_value (adjustment));

      v = saddle_side_panel_round_significant (v);

      g_ascii_formatd (buf, sizeof buf, "%g", v);
      if (!g_str_equal (buf, gtk_editable_get_text (GTK_EDITABLE (spin))))
        gtk_editable_set_text (GTK_EDITABLE (spin), buf);
      return TRUE;
    }
  return FALSE;
}

/* Shows field @i's value again in place of a refused text. */
void
saddle_side_panel_show_field_value (SaddleSidePanel *self,
                                    guint            i)
{
  GtkWidget *widget = saddle_side_panel_field_widget (self, i);

  saddle_side_panel_set_field_problem (self, i, NULL);
  if (GTK_IS_SPIN_BUTTON (widget))
    /* The same value: GtkSpinButton only redraws its text. */
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (widget),
                               gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)));
  else if (GTK_IS_EDITABLE (widget))
    {
      const char *key = saddle_side_panel_fields[i].key;
      g_autofree char *stored = g_settings_get_string (self->settings, key);

      gtk_editable_set_text (GTK_EDITABLE (widget), stored);
    }
}

/* A value set from elsewhere (settings, arrows, Reset) replaces a refused text. */
static void
spin_value_changed_cb (GtkAdjustment   *adjustment,
                       SaddleSidePanel *self)
{
  GtkWidget *spin = g_object_get_data (G_OBJECT (adjustment), "saddle-spin");
  guint i = saddle_side_panel_field_index (spin);

  if (self->field_problems[i] != NULL)
    saddle_side_panel_show_field_value (self, i);
}

/* Connects the spin buttons' input and output and puts a message label under each text
 * field's row; their checks as typed start once the settings are shown
 * (saddle_side_panel_watch_fields()). */
void
saddle_side_panel_setup_fields (SaddleSidePanel *self)
{
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    {
      GtkWidget *widget = saddle_side_panel_field_widget (self, i);
      GtkWidget *row = gtk_widget_get_parent (widget);
      GtkWidget *message;

      g_object_set_data (G_OBJECT (widget), "saddle-field", GUINT_TO_POINTER (i + 1));
      if (saddle_side_panel_fields[i].input == INPUT_CHOICE)
        continue;

      message = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (message), 0);
      gtk_label_set_wrap (GTK_LABEL (message), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (message), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (message, "error");
      gtk_widget_add_css_class (message, "panel-row-message");
      gtk_widget_set_visible (message, FALSE);
      gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (row)), message, row);
      /* A screen reader reads the field's problem with the field. */
      gtk_accessible_update_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_DESCRIBED_BY,
                                      message, NULL, -1);
      self->row_messages[i] = message;

      if (saddle_side_panel_fields[i].input == INPUT_TEXT)
        continue;
      g_object_set_data (G_OBJECT (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget))),
                         "saddle-spin", widget);
      g_signal_connect (widget, "input", G_CALLBACK (spin_input_cb), self);
      g_signal_connect (widget, "output", G_CALLBACK (spin_output_cb), self);
      g_signal_connect (gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (widget)), "value-changed",
                        G_CALLBACK (spin_value_changed_cb), self);
    }
}

void
saddle_side_panel_watch_fields (SaddleSidePanel *self)
{
  for (guint i = 0; i < SADDLE_SIDE_PANEL_N_FIELDS; i++)
    if (saddle_side_panel_fields[i].input == INPUT_COUNT
        || saddle_side_panel_fields[i].input == INPUT_LOG)
      g_signal_connect (saddle_side_panel_field_widget (self, i), "changed",
                        G_CALLBACK (spin_changed_cb), self);
}
