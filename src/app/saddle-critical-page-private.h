/* saddle-critical-page-private.h — what the critical page's files share
 *
 * The page is split by concern: saddle-critical-page.c (the scatter, the study's events and
 * the summary), -detail.c (the selected point's rows), -slice.c (the loss slice's worker,
 * which waits in the window's job queue) and -export.c (its figures and files).
 */
#pragma once

#include "saddle-critical-page.h"
#include "saddle-critical-view.h"
#include "saddle-slice-view.h"
#include "saddle-spectrum-view.h"
#include "saddle-text-throttle.h"

G_BEGIN_DECLS

typedef enum
{
  ROW_RUN,
  ROW_LABEL,
  ROW_LOSS,
  ROW_ACCURACY,
  ROW_GRAD_START,
  ROW_GRAD_DESCENT,
  ROW_GRAD_NEWTON,
  ROW_STEPS,
  ROW_NEWTON_STEPS,
  ROW_POSITIVE,
  ROW_NEGATIVE,
  ROW_ZERO,
  ROW_MINIMAL_RATIO,
  ROW_NONZERO_RATIO,
  ROW_TOLERANCE,
  ROW_DEAD_UNITS,
  ROW_HG_RATIO,
  ROW_NEWTON_REACH,
  ROW_CERTIFICATE,
  ROW_STILL,
  ROW_CLARKE,
  ROW_BANDS,
  ROW_EXACT_STEP,
  ROW_KINK,
  N_ROWS
} DetailRow;

struct _SaddleCriticalPage
{
  SaddlePage          parent_instance;

  guint               total_runs;
  guint               failed_runs;
  SaddleCriticalSet  *live_set;
  SaddleStudyResults *results;

  GtkLabel           *names[N_ROWS];
  GtkLabel           *values[N_ROWS];
  SaddleStudyConfig   config;         /* of the study shown: the slice rebuilds its model */
  gboolean            have_config;

  /* The autoencoder's closed form, drawn behind the scatter; computed off the main thread
   * (a PCA of the images) while this is not NULL. */
  GCancellable       *reference_cancellable;

  /* The loss slice: at most one, of one point, computed off the main thread. */
  SaddleSlice        *slice;
  guint               slice_run;      /* the point's run */
  GCancellable       *slice_cancellable;  /* non-NULL while the worker runs */
  char               *slice_error;    /* why the last slice failed, else NULL */
  gboolean            dirty;          /* points or failures arrived since the last flush */
  SaddleTextThrottle  status;         /* newest status line, shown at a flush */

  /* Template widgets */
  GtkToggleButton    *nonzero_button;
  GtkToggleButton    *trend_button;
  GtkToggleButton    *pb_fit_button;
  GtkToggleButton    *full_axis_button;
  GtkButton          *slice_button;
  GtkSpinner         *slice_spinner;
  GtkLabel           *slice_status;
  GtkStack           *slice_stack;
  SaddleSliceView    *slice_view;
  GtkLabel           *progress_label;
  GtkLabel           *status_label;
  SaddleCriticalView *critical_view;
  GtkStack           *detail_stack;
  GtkStack           *view_stack;      /* the spectrum or the loss slice */
  SaddleSpectrumView *spectrum_view;
  GtkGrid            *detail_grid;
  GtkLabel           *summary_label;
};

/* What a figure export draws. */
typedef struct
{
  const SaddleCriticalSet   *set;
  const SaddleCriticalTrend *trend;
  const SaddleCriticalPoint *point;
  const SaddleSlice         *slice;
  SaddleFigureStyle          style;
} DrawData;

/* The shown set: the final results' or the live one (may be NULL). */
const SaddleCriticalSet   *saddle_critical_page_current_set     (SaddleCriticalPage *self);
/* The point whose spectrum is shown, or NULL. */
const SaddleCriticalPoint *saddle_critical_page_selected_point  (SaddleCriticalPage *self);

/* saddle-critical-page-detail.c */

/* Adds a name and a value label for every row to the detail grid. */
void saddle_critical_page_init_detail   (SaddleCriticalPage *self);
/* Shows the selected point's spectrum, rows and slice area. */
void saddle_critical_page_update_detail (SaddleCriticalPage *self);

/* saddle-critical-page-slice.c */

/* The slice area: the slice of the selected point, or why there is none. */
void               saddle_critical_page_update_slice  (SaddleCriticalPage    *self);
/* The slice of the selected point, if it has been computed. */
const SaddleSlice *saddle_critical_page_current_slice (SaddleCriticalPage    *self);
/* Stops the running slice, drops a waiting one and the old slice (a new study begins). */
void               saddle_critical_page_clear_slice   (SaddleCriticalPage    *self);
/* The slice's figure zoomed to @view (NULL: fitted), or its data. */
gboolean           saddle_critical_page_write_slice   (const SaddleSlice     *slice,
                                                       const SaddleViewRange *view,
                                                       const char            *path,
                                                       SaddleExportFormat     format,
                                                       GError               **error);

/* saddle-critical-page-export.c */

/* Sets the page's export vfuncs. */
void saddle_critical_page_class_init_export (SaddlePageClass *page_class);

G_END_DECLS
