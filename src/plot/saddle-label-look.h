/* saddle-label-look.h — how each critical-point label looks and is named, in every face
 *
 * The names of the labels live in core (saddle_critical_label_to_string() for files,
 * saddle_critical_label_title() untranslated); their looks live here, in one table: the
 * charts, the legends and the app's detail rows all read it, so a label is drawn the same way
 * everywhere.
 */
#pragma once

#include "saddle-critical.h"
#include "saddle-marker.h"

G_BEGIN_DECLS

/* How a label looks in every face: series colour index, marker, filled (certified) or not,
 * and the same marker as a text glyph for labels beside it. */
typedef struct
{
  guint         color;
  SaddleMarker  marker;
  gboolean      filled;
  const char   *glyph;
} SaddleLabelLook;

/* The look of @label (an unknown label looks like an uncertified point). */
const SaddleLabelLook *saddle_figure_label_look  (SaddleCriticalLabel label);
/* What @label means in words, translated: the title every face shows. */
const char            *saddle_figure_label_title (SaddleCriticalLabel label);

G_END_DECLS
