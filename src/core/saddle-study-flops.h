/* saddle-study-flops.h — the floating-point work of a whole study, from its settings
 *
 * The sum of saddle-flops.h's phase counts over what a study as set does: the side panel
 * divides it by the machine's measured rate to say how long the study would take. The
 * critical study's descents and MINRES solves are counted at their caps, which they usually
 * stop well before: for it the count is an upper bound.
 */
#pragma once

#include "saddle-model.h"
#include "saddle-study.h"

G_BEGIN_DECLS

/* The FLOPs of study @kind as @config sets it, with @model's architecture, on @n_samples. */
double saddle_study_flops (const SaddleStudyConfig *config,
                           SaddleStudyKind          kind,
                           const SaddleModel       *model,
                           gsize                    n_samples);

G_END_DECLS
