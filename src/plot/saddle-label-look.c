/* saddle-label-look.c — the one table of how critical-point labels look */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "saddle-label-look.h"

/* Certified points filled, the others hollow or crossed; colours are palette series indices. */
static const SaddleLabelLook label_looks[] = {
  [SADDLE_CRITICAL_MINIMUM] = { 2, SADDLE_MARKER_CIRCLE, TRUE, "●" },
  [SADDLE_CRITICAL_SADDLE] = { 3, SADDLE_MARKER_TRIANGLE, TRUE, "▲" },
  [SADDLE_CRITICAL_DEGENERATE] = { 4, SADDLE_MARKER_SQUARE, TRUE, "■" },
  [SADDLE_CRITICAL_DESCENDING] = { 11, SADDLE_MARKER_CROSS, FALSE, "✕" },
  [SADDLE_CRITICAL_UNCERTIFIED] = { 1, SADDLE_MARKER_DIAMOND, FALSE, "◇" },
};
G_STATIC_ASSERT (G_N_ELEMENTS (label_looks) == SADDLE_CRITICAL_N_LABELS);

const SaddleLabelLook *
saddle_figure_label_look (SaddleCriticalLabel label)
{
  if ((guint) label >= G_N_ELEMENTS (label_looks))
    label = SADDLE_CRITICAL_UNCERTIFIED;
  return &label_looks[label];
}

const char *
saddle_figure_label_title (SaddleCriticalLabel label)
{
  return _(saddle_critical_label_title (label));
}
