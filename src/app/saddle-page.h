/* saddle-page.h — the base class of each study's page (trajectories, gradnorm, critical)
 *
 * A page shows one study: it clears itself when a run begins, folds in the
 * worker's events frame by frame, takes the final results when the worker
 * returns, and exports its figures and data.
 */
#pragma once

#include <gtk/gtk.h>

#include "saddle-job.h"
#include "saddle-job-queue.h"
#include "saddle-figures.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_PAGE (saddle_page_get_type ())

/* What an extension asks for. */
typedef enum
{
  SADDLE_EXPORT_SVG,
  SADDLE_EXPORT_PNG,
  SADDLE_EXPORT_CSV,
} SaddleExportFormat;

G_DECLARE_DERIVABLE_TYPE (SaddlePage, saddle_page, SADDLE, PAGE, GtkBox)

/* handle_event and add_records may be NULL; the others are required. */
struct _SaddlePageClass
{
  GtkBoxClass parent_class;

  void            (*begin)        (SaddlePage               *self,
                                   const SaddleStudyConfig  *config);
  void            (*handle_event) (SaddlePage               *self,
                                   SaddleJobEvent           *event);
  void            (*add_records)  (SaddlePage               *self,
                                   const GArray             *iterations,
                                   const GArray             *epochs);
  void            (*flush)        (SaddlePage               *self);
  void            (*finish)       (SaddlePage               *self,
                                   SaddleStudyResults       *results);
  gboolean        (*has_results)  (SaddlePage               *self);
  /* FALSE + NO_DATA error naming the study when there is nothing to export; checked before both exports. */
  gboolean        (*check_exportable) (SaddlePage           *self,
                                       GError              **error);
  /* @folder exists. */
  gboolean        (*export_all)   (SaddlePage               *self,
                                   const char               *folder,
                                   GError                  **error);
  /* @format is @path's. */
  gboolean        (*export_view)  (SaddlePage               *self,
                                   const char               *path,
                                   SaddleExportFormat        format,
                                   GError                  **error);
  const char     *(*export_name)  (SaddlePage               *self);
};

/* Figure sizes of every export, the same as saddle-cli's. */
#define SADDLE_EXPORT_WIDTH           900
#define SADDLE_EXPORT_HEIGHT          600
#define SADDLE_EXPORT_GRADNORM_HEIGHT 700

#define SADDLE_PAGE_ERROR (saddle_page_error_quark ())

typedef enum
{
  SADDLE_PAGE_ERROR_NO_DATA,        /* nothing to export yet */
  SADDLE_PAGE_ERROR_FILE_TYPE,      /* the file name has no known extension */
} SaddlePageError;

GQuark          saddle_page_error_quark   (void);

/* The queue the page's BLAS-heavy work waits in (the window's, shared by every page; a page
 * on its own makes one). */
SaddleJobQueue *saddle_page_get_job_queue (SaddlePage              *self);
void            saddle_page_set_job_queue (SaddlePage              *self,
                                           SaddleJobQueue          *queue);
/* A study of this page's kind starts with @config: drop the old numbers. */
void            saddle_page_begin         (SaddlePage              *self,
                                           const SaddleStudyConfig *config);
/* One event from the worker (main thread, many per frame); the page may steal its preview or critical point. */
void            saddle_page_handle_event  (SaddlePage              *self,
                                           SaddleJobEvent          *event);
/* Training records from the worker (SaddleIterationRecord, SaddleEpochRecord; either may be NULL). */
void            saddle_page_add_records   (SaddlePage              *self,
                                           const GArray            *iterations,
                                           const GArray            *epochs);
/* A batch of events is in: update labels and queue redraws once for all of them. */
void            saddle_page_flush         (SaddlePage              *self);
/* The worker returned: @results (taken; NULL after a fatal error) replace the live numbers. */
void            saddle_page_finish        (SaddlePage              *self,
                                           SaddleStudyResults      *results);
/* TRUE if there is anything to export (live or final). */
gboolean        saddle_page_has_results   (SaddlePage              *self);
/* Writes the page's figures (SVG) and data (CSV) into @folder with saddle-cli's file names. */
gboolean        saddle_page_export_all    (SaddlePage              *self,
                                           const char              *folder,
                                           GError                 **error);
/* Writes the shown figure (.svg, .png) or its data (.csv), chosen by @path's extension. */
gboolean        saddle_page_export_view   (SaddlePage              *self,
                                           const char              *path,
                                           GError                 **error);
/* The suggested file name of saddle_page_export_view(), e.g. "trajectories.svg". */
const char     *saddle_page_export_name   (SaddlePage              *self);

/* The format @path's extension names (case-insensitive), or FALSE + FILE_TYPE error. */
gboolean        saddle_export_format_for_path (const char         *path,
                                               SaddleExportFormat *format,
                                               GError            **error);
/* Draws @draw onto an SVG or PNG file, by @format. */
gboolean        saddle_export_figure          (const char           *path,
                                               SaddleExportFormat    format,
                                               double                width,
                                               double                height,
                                               SaddleFigureDrawFunc  draw,
                                               gpointer              user_data,
                                               GError              **error);

/* For subclasses. */

/* @path's format, and whether the page has anything to export: FALSE + GError if not. */
gboolean        saddle_page_prepare_export    (SaddlePage          *self,
                                               const char          *path,
                                               SaddleExportFormat  *format,
                                               GError             **error);
/* Appends "N runs · N parameters" and " · data set" of @results to @text. */
void            saddle_page_append_study_summary (GString                  *text,
                                                  const SaddleStudyResults *results);
/* How many of the study's runs ran all their epochs (from its history). */
guint           saddle_page_count_trained     (const SaddleStudyResults *results);
/* Appends " · stopped early: N of M runs trained" to @text when @results (may be NULL) were
 * cancelled. */
void            saddle_page_append_stopped    (GString                  *text,
                                               const SaddleStudyResults *results);
/* Appends the worker's records (either may be NULL) to @history. */
void            saddle_page_history_append    (SaddleHistory       *history,
                                               const GArray        *iterations,
                                               const GArray        *epochs);

G_END_DECLS
