/* saddle-critical-page-detail.c — the critical page's rows about the selected point */
#define G_LOG_DOMAIN "saddle-critical-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "saddle-chart-util.h"
#include "saddle-critical-page-private.h"
#include "saddle-palette.h"

static void
set_label_value (SaddleCriticalPage        *self,
                 const SaddleCriticalPoint *point)
{
  const SaddleLabelLook *look = saddle_figure_label_look (point->label);
  SaddlePalette palette;
  SaddleColor color;
  g_autofree char *markup = NULL;

  saddle_palette_init (&palette, saddle_chart_is_dark (GTK_WIDGET (self)));
  saddle_palette_series (&palette, look->color, &color);
  markup = g_markup_printf_escaped ("<span foreground=\"#%02x%02x%02x\">%s</span> <b>%s</b>",
                                    (guint) (255 * color.red + 0.5), (guint) (255 * color.green + 0.5),
                                    (guint) (255 * color.blue + 0.5), look->glyph,
                                    saddle_chart_label_name (point->label));
  gtk_label_set_markup (self->values[ROW_LABEL], markup);
}

static void
set_value (SaddleCriticalPage *self,
           DetailRow           row,
           const char         *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
set_value (SaddleCriticalPage *self,
           DetailRow           row,
           const char         *format,
           ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_label_set_text (self->values[row], text);
}

/* The MINRES reach, measured only beyond the dense size (the exact reach is shown there). */
static void
set_reach (SaddleCriticalPage        *self,
           const SaddleCriticalPoint *point)
{
  if (!isfinite (point->reach.residual))
    set_value (self, ROW_NEWTON_REACH, "—");
  else if (!saddle_newton_reach_found (&point->reach)
           && saddle_newton_reach_diverged (&point->reach))
    /* TRANSLATORS: the solve for the nearest critical point stopped when its iterate began
     * to run away (rounding), before its tolerance: the question is open */
    set_value (self, ROW_NEWTON_REACH, _("not settled (diverging after %u HVPs)"),
               point->reach.iterations);
  else if (!saddle_newton_reach_found (&point->reach) && !point->reach.converged
           && point->reach.iterations > 0)
    /* TRANSLATORS: the solve for the nearest critical point hit its cap of
     * Hessian-vector products (HVPs) before its tolerance: the question is open */
    set_value (self, ROW_NEWTON_REACH, _("not settled (stopped early after %u HVPs)"),
               point->reach.iterations);
  else if (!saddle_newton_reach_found (&point->reach))
    /* TRANSLATORS: the local quadratic model has no critical point; the share of the
     * gradient its least-squares Newton step cannot remove */
    set_value (self, ROW_NEWTON_REACH, _("none near (%.2g of ∇L left)"), point->reach.residual);
  else if (point->reach.kinks_crossed > 0)
    /* TRANSLATORS: "0.3 away (118 kinks)": a distance in parameter space and the
     * number of ReLU kinks (samples changing side) on the way */
    set_value (self, ROW_NEWTON_REACH,
               g_dngettext (GETTEXT_PACKAGE, "%.3g away (%lu kink)", "%.3g away (%lu kinks)",
                            point->reach.kinks_crossed),
               point->reach.distance, (unsigned long) point->reach.kinks_crossed);
  else
    /* TRANSLATORS: a distance in parameter space */
    set_value (self, ROW_NEWTON_REACH, _("%.3g away"), point->reach.distance);
}

/* Certificate, still-descending factor, Clarke distance and the exact reach. */
static void
set_what_point_is (SaddleCriticalPage        *self,
                   const SaddleCriticalPoint *point)
{
  const SaddleReachCut *cut = &point->exact_reach.cuts[1];

  switch (point->certificate)
    {
    case SADDLE_CERTIFICATE_GRADIENT:
      /* TRANSLATORS: certified stationary by its small gradient norm (the number) */
      set_value (self, ROW_CERTIFICATE, _("yes: ‖∇L‖ = %.2g"), point->grad_norm);
      break;
    case SADDLE_CERTIFICATE_CLARKE:
      /* TRANSLATORS: certified Clarke-stationary (a nonsmooth criterion for ReLU nets) */
      set_value (self, ROW_CERTIFICATE, _("yes: Clarke-stationary"));
      break;
    case SADDLE_CERTIFICATE_NONE:
    default:
      /* TRANSLATORS: not certified; the spectrum is only that of this point */
      set_value (self, ROW_CERTIFICATE, _("not certified"));
      break;
    }
  if (isfinite (point->still_factor))
    /* TRANSLATORS: "5.6× in 500 steps": the loss divided by the lowest that 500 steps of
     * L-BFGS or of Adam reach from the point */
    set_value (self, ROW_STILL, _("%.3g× in %u steps"), point->still_factor,
               point->still_steps);
  else
    set_value (self, ROW_STILL, "—");
  if (isfinite (point->clarke_distance))
    /* TRANSLATORS: the Clarke distance and how many ReLU kinks are that close */
    set_value (self, ROW_CLARKE, g_dngettext (GETTEXT_PACKAGE, "%.3g (%u kink near)",
                                              "%.3g (%u kinks near)", point->clarke_kinks),
               point->clarke_distance, point->clarke_kinks);
  else
    set_value (self, ROW_CLARKE, "—");
  if (isfinite (point->exact_reach.share_weak))
    set_value (self, ROW_BANDS, "%.1f %% / %.2g %%", 100 * point->exact_reach.share_weak,
               100 * point->exact_reach.share_zero);
  else
    set_value (self, ROW_BANDS, "—");
  if (isfinite (cut->length))
    /* TRANSLATORS: the step's length and its relative residual ‖H·δ + ∇L‖/‖∇L‖ */
    set_value (self, ROW_EXACT_STEP, _("%.3g long (residual %.1e)"), cut->length, cut->residual);
  else
    set_value (self, ROW_EXACT_STEP, "—");
  if (!isfinite (cut->kink_fraction))
    set_value (self, ROW_KINK, "—");
  else if (cut->kink_fraction >= 1.0)
    set_value (self, ROW_KINK, _("none on the way"));
  else
    /* TRANSLATORS: the share of the Newton step walked before the first ReLU kink */
    set_value (self, ROW_KINK, _("%.2g of the step"), cut->kink_fraction);
}

void
saddle_critical_page_update_detail (SaddleCriticalPage *self)
{
  const SaddleCriticalPoint *point = saddle_critical_page_selected_point (self);
  const SaddleSpectrum *spectrum;
  double n;

  saddle_spectrum_view_set_point (self->spectrum_view, point);
  saddle_critical_page_update_slice (self);
  if (point == NULL || point->spectrum == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "placeholder");
      gtk_widget_set_visible (GTK_WIDGET (self->detail_grid), FALSE);
      return;
    }

  spectrum = point->spectrum;
  n = MAX (1, spectrum->n);
  gtk_stack_set_visible_child_name (self->detail_stack, "spectrum");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_grid), TRUE);

  set_value (self, ROW_RUN, "%u", point->run + 1);
  set_label_value (self, point);
  set_value (self, ROW_LOSS, "%.6g", point->loss);
  if (isfinite (point->accuracy))
    set_value (self, ROW_ACCURACY, "%.1f %%", 100 * point->accuracy);
  else
    set_value (self, ROW_ACCURACY, "—");
  set_value (self, ROW_GRAD_START, "%.3e", point->grad_norm_start);
  set_value (self, ROW_GRAD_DESCENT, "%.3e", point->grad_norm_descent);
  if (point->newton_steps > 0)
    set_value (self, ROW_GRAD_NEWTON, "%.3e", point->grad_norm);
  else
    /* TRANSLATORS: no Newton step was accepted: ‖∇L‖ stayed at the descent's */
    set_value (self, ROW_GRAD_NEWTON, _("%.3e (no step)"), point->grad_norm);
  set_value (self, ROW_STEPS, "%u", point->steps);
  set_value (self, ROW_NEWTON_STEPS, "%u", point->newton_steps);
  set_value (self, ROW_POSITIVE, "%lu (%.1f %%)", (unsigned long) spectrum->positive,
             100 * spectrum->positive / n);
  set_value (self, ROW_NEGATIVE, "%lu (%.1f %%)", (unsigned long) spectrum->negative,
             100 * spectrum->negative / n);
  set_value (self, ROW_ZERO, "%lu (%.1f %%)", (unsigned long) spectrum->zero,
             100 * spectrum->zero / n);
  set_value (self, ROW_MINIMAL_RATIO, "%.4f", spectrum->minimal_ratio);
  if (isfinite (spectrum->nonzero_ratio))
    set_value (self, ROW_NONZERO_RATIO, "%.4f", spectrum->nonzero_ratio);
  else
    set_value (self, ROW_NONZERO_RATIO, "—");
  set_value (self, ROW_TOLERANCE, "%.3g · max|λ| = %.3g", spectrum->tolerance,
             spectrum->tolerance * spectrum->max_abs);
  set_value (self, ROW_DEAD_UNITS, "%u", point->dead_units);
  if (isfinite (point->hg_ratio))
    set_value (self, ROW_HG_RATIO, "%.3g", point->hg_ratio);
  else
    set_value (self, ROW_HG_RATIO, "—");
  set_reach (self, point);
  set_what_point_is (self, point);
}

void
saddle_critical_page_init_detail (SaddleCriticalPage *self)
{
  const char *names[N_ROWS] = {
    [ROW_RUN] = _("Run"),
    [ROW_LABEL] = _("Kind"),
    [ROW_LOSS] = _("Loss"),
    [ROW_ACCURACY] = _("Accuracy"),
    [ROW_GRAD_START] = _("‖∇L‖ before descent"),
    [ROW_GRAD_DESCENT] = _("‖∇L‖ after descent"),
    [ROW_GRAD_NEWTON] = _("‖∇L‖ after Newton"),
    [ROW_STEPS] = _("Descent steps"),
    [ROW_NEWTON_STEPS] = _("Newton steps"),
    [ROW_POSITIVE] = _("Positive eigenvalues"),
    [ROW_NEGATIVE] = _("Negative eigenvalues"),
    [ROW_ZERO] = _("Near-zero eigenvalues"),
    [ROW_MINIMAL_RATIO] = _("Minimal ratio (#λ>0 / n)"),
    [ROW_NONZERO_RATIO] = _("Ratio without zero band"),
    [ROW_TOLERANCE] = _("Zero tolerance"),
    [ROW_DEAD_UNITS] = _("Dead ReLU units"),
    [ROW_HG_RATIO] = _("‖H·∇L‖ / ‖∇L‖"),
    /* TRANSLATORS: how far the local quadratic model puts the nearest point where ∇L = 0 */
    [ROW_NEWTON_REACH] = _("Nearest critical point"),
    /* TRANSLATORS: whether the point is certified stationary, and by what */
    [ROW_CERTIFICATE] = _("Stationary"),
    /* TRANSLATORS: how much the loss still falls under L-BFGS from the point */
    [ROW_STILL] = _("Loss still falls"),
    [ROW_CLARKE] = _("Clarke distance"),
    /* TRANSLATORS: the share of ‖∇L‖² on weakly curved / zero eigen-directions */
    [ROW_BANDS] = _("‖∇L‖² on weak / zero λ"),
    /* TRANSLATORS: the length of the exact pseudo-inverse Newton step at cut-off 1e-8 */
    [ROW_EXACT_STEP] = _("Newton step (cut 1e-8)"),
    /* TRANSLATORS: the share of that step walked before the first ReLU kink */
    [ROW_KINK] = _("First ReLU kink at"),
  };

  for (guint row = 0; row < N_ROWS; row++)
    {
      GtkWidget *name = gtk_label_new (names[row]);
      GtkWidget *value = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (name), 1);
      gtk_widget_add_css_class (name, "dim-label");
      gtk_label_set_xalign (GTK_LABEL (value), 0);
      gtk_label_set_selectable (GTK_LABEL (value), TRUE);
      gtk_widget_add_css_class (value, "numeric");
      gtk_grid_attach (self->detail_grid, name, 0, row, 1, 1);
      gtk_grid_attach (self->detail_grid, value, 1, row, 1, 1);
      self->names[row] = GTK_LABEL (name);
      self->values[row] = GTK_LABEL (value);
    }

}

char *
saddle_critical_page_get_details (SaddleCriticalPage *self)
{
  GString *text;

  g_return_val_if_fail (SADDLE_IS_CRITICAL_PAGE (self), NULL);

  text = g_string_new (NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->detail_grid)))
    return g_string_free (text, FALSE);
  for (guint row = 0; row < N_ROWS; row++)
    g_string_append_printf (text, "%s: %s\n", gtk_label_get_text (self->names[row]),
                            gtk_label_get_text (self->values[row]));
  return g_string_free (text, FALSE);
}
