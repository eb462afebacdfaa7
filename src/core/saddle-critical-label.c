/* saddle-critical-label.c — the names of a critical point's label and certificate: in files
 * (critical.csv, summary.json) and, translated, on screen */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "saddle-critical.h"

static const struct
{
  const char *name;
  const char *title;
} label_names[] = {
  [SADDLE_CRITICAL_MINIMUM] = { "minimum", N_("Minimum") },
  [SADDLE_CRITICAL_SADDLE] = { "saddle", N_("Saddle point") },
  [SADDLE_CRITICAL_DEGENERATE] = { "degenerate", N_("Degenerate minimum (flat directions)") },
  [SADDLE_CRITICAL_DESCENDING] = { "descending", N_("Unconverged: loss still falling") },
  [SADDLE_CRITICAL_UNCERTIFIED] = { "uncertified", N_("Near-stationary, not certified") },
};

gboolean
saddle_critical_label_from_string (const char          *name,
                                   SaddleCriticalLabel *label)
{
  g_return_val_if_fail (label != NULL, FALSE);

  for (guint l = 0; l < G_N_ELEMENTS (label_names); l++)
    if (g_strcmp0 (name, label_names[l].name) == 0)
      {
        *label = l;
        return TRUE;
      }
  return FALSE;
}

const char *
saddle_critical_label_to_string (SaddleCriticalLabel label)
{
  if ((guint) label >= G_N_ELEMENTS (label_names))
    return "unknown";
  return label_names[label].name;
}

const char *
saddle_critical_label_title (SaddleCriticalLabel label)
{
  if ((guint) label >= G_N_ELEMENTS (label_names))
    return "?";
  return label_names[label].title;
}

static const char *const certificate_names[] = {
  [SADDLE_CERTIFICATE_NONE] = "none",
  [SADDLE_CERTIFICATE_GRADIENT] = "gradient",
  [SADDLE_CERTIFICATE_CLARKE] = "clarke",
};

const char *
saddle_critical_certificate_to_string (SaddleCertificate certificate)
{
  if ((guint) certificate >= G_N_ELEMENTS (certificate_names))
    return "unknown";
  return certificate_names[certificate];
}

gboolean
saddle_critical_certificate_from_string (const char        *name,
                                         SaddleCertificate *certificate)
{
  g_return_val_if_fail (certificate != NULL, FALSE);

  for (guint k = 0; k < G_N_ELEMENTS (certificate_names); k++)
    if (g_strcmp0 (name, certificate_names[k]) == 0)
      {
        *certificate = k;
        return TRUE;
      }
  return FALSE;
}

gboolean
saddle_critical_label_certified (SaddleCriticalLabel label)
{
  return label <= SADDLE_CRITICAL_DEGENERATE;
}
