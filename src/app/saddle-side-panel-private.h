/* saddle-side-panel-private.h — what the side panel's files share: its struct and its fields
 *
 * saddle-side-panel.c builds the panel and keeps its notes up to date; -bind.c binds its
 * widgets to GSettings; -fields.c checks what is typed in each field against the engine's
 * ranges and shows the message at its row; -reset.c is Reset to Defaults and its Undo;
 * -config.c reads the settings back into a study config.
 */
#pragma once

#include "saddle-job-queue.h"
#include "saddle-side-panel.h"

G_BEGIN_DECLS

/* Entries of saddle_side_panel_fields[]. */
#define SADDLE_SIDE_PANEL_N_FIELDS 22

struct _SaddleSidePanel
{
  GtkBox           parent_instance;

  SaddleStudyKind  kind;
  GSettings       *settings;
  char            *problem;
  char            *field_problems[SADDLE_SIDE_PANEL_N_FIELDS];  /* what is wrong with the text typed in a field,
                                               * which the settings do not hold */
  GtkWidget       *row_messages[SADDLE_SIDE_PANEL_N_FIELDS];    /* under the field's row: its problem */
  GError          *memory_error;  /* the study as set would not fit in memory */
  double           time_seconds;  /* the study's estimated duration; < 0 while unknown */
  double           time_at_most;  /* the same with the critical study's searches at their caps */
  gsize            n_params;
  guint            update_id;
  SaddleJobQueue  *job_queue;   /* where the machine's rate is measured (saddle-side-panel-time.c) */

  SaddleTask       task;        /* the task whose defaults the values are compared with */

  /* Input and output widths of the last dataset looked at, by "path\nsamples". */
  char            *dims_key;
  guint            dims_in;
  guint            dims_out;
  guint            dims_samples; /* samples the study would read (at most those asked for) */
  char            *dims_error;

  /* Reset to Defaults, undone from its toast: every key, and texts the settings did not hold. */
  GVariantDict    *undo_values;
  char            *undo_texts[SADDLE_SIDE_PANEL_N_FIELDS];
  guint            toast_id;

  /* Template widgets */
  GtkDropDown     *task_dropdown;
  GtkWidget       *image_folder_row;
  GtkWidget       *standardize_row;
  GtkSwitch       *standardize_switch;
  GtkLabel        *image_folder_value;
  GtkWidget       *image_folder_clear;
  GtkWidget       *function_row;
  GtkDropDown     *function_dropdown;
  GtkWidget       *csv_file_row;
  GtkLabel        *csv_file_value;
  GtkWidget       *csv_file_clear;
  GtkSpinButton   *samples_spin;
  GtkEntry        *hidden_entry;
  GtkWidget       *hidden_row;
  GtkLabel        *params_label;
  GtkLabel        *memory_label;
  GtkLabel        *time_label;
  GtkDropDown     *activation_dropdown;
  GtkDropDown     *optimizer_dropdown;
  GtkSpinButton   *lr_spin;
  GtkSpinButton   *batch_spin;
  GtkSpinButton   *epochs_spin;
  GtkLabel        *runs_label;
  GtkSpinButton   *runs_spin;
  GtkWidget       *runs_row;
  GtkSpinButton   *seed_spin;
  GtkWidget       *snapshot_every_row;
  GtkSpinButton   *snapshot_every_spin;
  GtkWidget       *layer_row;
  GtkSpinButton   *layer_spin;
  GtkWidget       *surface_resolution_row;
  GtkSpinButton   *surface_resolution_spin;
  GtkSpinButton   *threads_spin;
  GtkWidget       *analysis_group;
  GtkWidget       *grad_tolerance_row;
  GtkSpinButton   *grad_tolerance_spin;
  GtkWidget       *descent_steps_row;
  GtkSpinButton   *descent_steps_spin;
  GtkWidget       *descent_lr_row;
  GtkSpinButton   *descent_lr_spin;
  GtkWidget       *newton_steps_row;
  GtkSpinButton   *newton_steps_spin;
  GtkWidget       *newton_method_row;
  GtkDropDown     *newton_method_dropdown;
  GtkSpinButton   *jobs_spin;
  GtkWidget       *zero_tolerance_row;
  GtkSpinButton   *zero_tolerance_spin;
  GtkLabel        *error_label;
  GtkButton       *reset_button;
  GtkRevealer     *reset_toast;
  GtkWidget       *undo_button;
};

typedef enum
{
  INPUT_CHOICE,       /* a drop-down: every item is valid */
  INPUT_TEXT,         /* the hidden widths, parsed by the engine */
  INPUT_COUNT,        /* a spin button of integers */
  INPUT_LOG,          /* a spin button holding log10 of a positive setting */
} SaddlePanelInput;

/* Each editing widget, the GSettings key it edits and the config field the engine checks. */
typedef struct
{
  const char        *key;
  gsize              offset;
  SaddleConfigField  field;
  SaddlePanelInput   input;
} SaddlePanelField;

/* Each editing widget of the panel, in the panel's order. */
extern const SaddlePanelField saddle_side_panel_fields[SADDLE_SIDE_PANEL_N_FIELDS];

/* saddle-side-panel.c */
void       saddle_side_panel_queue_update        (SaddleSidePanel *self);

/* saddle-side-panel-bind.c */
/* Binds every editing widget to its key of the panel's settings. */
void       saddle_side_panel_bind_settings       (SaddleSidePanel *self);
/* saddle-side-panel-time.c */
/* How long the study as set would take here, from its FLOPs and the measured rate (kept in
 * @self->time_seconds, and with the critical study's searches at their caps in
 * @self->time_at_most): NULL while the rate is being measured or when even the longer is
 * short; a warning (and the time label's "warning" class) when the shorter is long. */
char      *saddle_side_panel_describe_time       (SaddleSidePanel         *self,
                                                  const SaddleStudyConfig *config,
                                                  const SaddleModel       *model);
/* FLOP/s of one OpenBLAS thread, measured once per process off the main thread; 0 until known
 * (the measurement is queued in @self's job queue, and @self updated when it ends). */
double     saddle_side_panel_machine_rate        (SaddleSidePanel *self);
/* saddle_study_flops() over @thread_rate times the threads the runs use at once, and in
 * @at_most its count at the caps; −1 (both) without a rate or a model. */
double     saddle_side_panel_study_seconds       (const SaddleStudyConfig *config,
                                                  SaddleStudyKind          kind,
                                                  const SaddleModel       *model,
                                                  gsize                    n_samples,
                                                  double                   thread_rate,
                                                  double                  *at_most);
/* "about 40 min": one significant figure (g_free). */
char      *saddle_side_panel_format_duration     (double           seconds);

/* saddle-side-panel-fields.c */
/* Three significant digits: log-scale arrows give 0.0126, not 0.012589254117941668. */
double     saddle_side_panel_round_significant   (double           value);
GtkWidget *saddle_side_panel_field_widget        (SaddleSidePanel *self,
                                                  guint            i);
/* The index in saddle_side_panel_fields[] of a field's widget. */
guint      saddle_side_panel_field_index         (GtkWidget       *widget);
guint      saddle_side_panel_hidden_field        (void);
/* Marks field @i as holding @problem (owned; NULL: fine), at its row. */
void       saddle_side_panel_set_field_problem   (SaddleSidePanel *self,
                                                  guint            i,
                                                  char            *problem);
/* The first field whose typed text is refused, or -1. */
int        saddle_side_panel_first_field_problem (SaddleSidePanel *self);
/* Shows field @i's value again in place of a refused text. */
void       saddle_side_panel_show_field_value    (SaddleSidePanel *self,
                                                  guint            i);
/* After the template: spin input/output and a message label under each text field's row. */
void       saddle_side_panel_setup_fields        (SaddleSidePanel *self);
/* After the settings are shown: check each spin button as it is typed in. */
void       saddle_side_panel_watch_fields        (SaddleSidePanel *self);

G_END_DECLS
