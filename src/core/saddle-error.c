/* saddle-error.c — one answer to "was this error a cancel?" for every engine module */
#define G_LOG_DOMAIN "saddle-error"

#include "config.h"

#include "saddle-critical.h"
#include "saddle-error.h"
#include "saddle-hessian.h"
#include "saddle-lanczos.h"
#include "saddle-slice.h"
#include "saddle-surface.h"
#include "saddle-trainer.h"

gboolean
saddle_error_is_cancelled (const GError *error)
{
  return g_error_matches (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_CANCELLED)
         || g_error_matches (error, SADDLE_CRITICAL_ERROR, SADDLE_CRITICAL_ERROR_CANCELLED)
         || g_error_matches (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED)
         || g_error_matches (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_CANCELLED)
         || g_error_matches (error, SADDLE_SLICE_ERROR, SADDLE_SLICE_ERROR_CANCELLED)
         || g_error_matches (error, SADDLE_SURFACE_ERROR, SADDLE_SURFACE_ERROR_CANCELLED);
}
