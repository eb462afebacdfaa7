/* saddle-study-flops.h — the floating-point work of a whole study, from its settings
 *
 * The sum of saddle-flops.h's phase counts over what a study as set does: the side panel
 * divides it by the machine's measured rate to say how long the study would take. Of the
 * critical study only the trainings and the final Hessians are known beforehand (of a ReLU
 * net, the Hessians' builds: its eigensolves leave dead units out): its point searches (the
 * ‖∇L‖² descent, Newton's steps, the still-descending test) stop at tolerances and, on a ReLU
 * net with one input, go by linear region at a small share of their count by sample. Counted
 * at their caps by sample, and the eigensolves in full, they bound the count; not the time,
 * which also depends on the rate each phase reaches.
 */
#pragma once

#include "saddle-model.h"
#include "saddle-study.h"

G_BEGIN_DECLS

/* The FLOPs of study @kind as @config sets it, with @model's architecture, on @n_samples: of
 * the critical study, the work every run does (above). @at_most, if not NULL, gets the count
 * with the critical study's searches at their caps (of the others, the same). */
double saddle_study_flops (const SaddleStudyConfig *config,
                           SaddleStudyKind          kind,
                           const SaddleModel       *model,
                           gsize                    n_samples,
                           double                  *at_most);

G_END_DECLS
