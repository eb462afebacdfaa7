/* saddle-study-flops.h — the floating-point work of a whole study, from its settings
 *
 * The sum of saddle-flops.h's phase counts over what a study as set does: the side panel
 * divides it by the machine's measured rate to say how long the study would take. Of the
 * critical study only the trainings are known beforehand: its point searches (the ‖∇L‖²
 * descent, Newton's steps, the still-descending test) stop at tolerances and, on a ReLU net
 * with one input, go by linear region at a small share of their count by sample, and its
 * eigensolves leave dead units out. Counted at their caps by sample, in full, they bound it.
 */
#pragma once

#include "saddle-model.h"
#include "saddle-study.h"

G_BEGIN_DECLS

/* The FLOPs of study @kind as @config sets it, with @model's architecture, on @n_samples: of
 * the critical study, its trainings alone. @at_most, if not NULL, gets the count with the
 * critical study's analyses at their caps (of the others, the same). */
double saddle_study_flops (const SaddleStudyConfig *config,
                           SaddleStudyKind          kind,
                           const SaddleModel       *model,
                           gsize                    n_samples,
                           double                  *at_most);

G_END_DECLS
