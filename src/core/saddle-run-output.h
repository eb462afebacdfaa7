/* saddle-run-output.h — what one run of a study produced, before it joins the results
 *
 * A study keeps each run's records apart until every earlier run is in, then appends them in
 * run order, so the results do not depend on which run finished first, on which thread, or
 * (under MPI, see saddle-cli-distributed.h) in which process. saddle_run_output_pack() turns
 * a run's records into bytes another process of the same build reads back exactly (doubles
 * bit for bit, in the machine's byte order).
 */
#pragma once

#include "saddle-critical.h"
#include "saddle-history.h"
#include "saddle-trajectory.h"

G_BEGIN_DECLS

#define SADDLE_RUN_OUTPUT_ERROR (saddle_run_output_error_quark ())

typedef enum
{
  SADDLE_RUN_OUTPUT_ERROR_CORRUPT,  /* bytes that are not a packed run output */
} SaddleRunOutputError;

typedef struct
{
  gboolean             started;
  gboolean             finished;       /* succeeded, failed or cancelled: nothing more comes */
  gboolean             succeeded;
  gboolean             cancelled;      /* stopped by a cancel: its records so far are kept */
  SaddleHistory       *history;
  SaddleTrajectory    *trajectory;     /* NULL unless a trajectories study; dropped on failure */
  GArray              *snapshots;      /* instead of @trajectory: SaddleSnapshotInfo of the
                                        * snapshots whose vectors went to @room */
  double              *room;           /* room_rows rows of the study's trajectory, from row
                                        * room_first (saddle_trajectory_room()) */
  gsize                room_first;
  gsize                room_rows;
  SaddleCriticalPoint *point;          /* the analysed point, if the analysis finished */
  double              *params;         /* the run's final θ, if kept */
  double               test_accuracy;  /* of the final θ on the study's test set, or NAN */
  char                *failure;        /* "run 3: …" */
} SaddleRunOutput;

GQuark   saddle_run_output_error_quark (void);

/* Frees what @out holds and zeroes it. */
void     saddle_run_output_clear  (SaddleRunOutput  *out);
/* The flags, history, point, params (@n_params doubles) and failure of @out; not the
 * trajectory (only critical studies travel). */
GBytes  *saddle_run_output_pack   (const SaddleRunOutput *out,
                                   gsize                  n_params);
/* Fills a zeroed @out from saddle_run_output_pack()'s bytes; FALSE if they do not fit. */
gboolean saddle_run_output_unpack (SaddleRunOutput  *out,
                                   GBytes           *bytes,
                                   gsize             n_params,
                                   GError          **error);

G_END_DECLS
