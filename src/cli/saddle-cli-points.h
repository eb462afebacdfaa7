/* saddle-cli-points.h — what the analysed points are, as saddle-cli prints and writes it
 *
 * One point (hessian --method dense) or a whole set (critical, merge): whether each point is
 * certified stationary and how, and for the others the measurements that say what they are —
 * the loss still falling, the exact reach of a Newton step, the Clarke distance (ReLU).
 */
#pragma once

#include <json-glib/json-glib.h>

#include "saddle-critical-set.h"

G_BEGIN_DECLS

/* The settings the point measurements used, for the sentences that quote them. */
void saddle_cli_print_point_measures (const SaddleCriticalSettings *settings,
                                      const SaddleCriticalPoint    *point);
/* The summary block of a set: labels, certificates, ranges of the measurements (with n). */
void saddle_cli_print_set_measures   (const SaddleCriticalSettings *settings,
                                      const SaddleCriticalSet      *set);

G_END_DECLS
