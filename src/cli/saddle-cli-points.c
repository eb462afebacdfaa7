/* saddle-cli-points.c — what the analysed points are, as saddle-cli prints and writes it */
#define G_LOG_DOMAIN "saddle-cli-points"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include "saddle-cli-output.h"
#include "saddle-cli-points.h"
#include "saddle-exact-reach.h"

/* "0.28–0.76", or one value when the ends agree: @digits significant digits of each end
 * times @scale (100 for a percentage). */
static void
print_range (const SaddleRange *range,
             int                digits,
             double             scale)
{
  g_autofree char *low = g_strdup_printf ("%.*g", digits, scale * range->min);
  g_autofree char *high = g_strdup_printf ("%.*g", digits, scale * range->max);

  /* Ends that print alike are one value at this precision. */
  printf ("%s", low);
  if (range->n > 1 && g_strcmp0 (low, high) != 0)
    printf ("–%s", high);
}

void
saddle_cli_print_point_measures (const SaddleCriticalSettings *settings,
                                 const SaddleCriticalPoint    *point)
{
  const SaddleExactReach *reach = &point->exact_reach;

  if (isfinite (reach->share_zero))
    {
      printf ("Exact Newton reach (from the eigendecomposition): ‖∇L‖² lies %.1f %% on the zero "
              "band (|λ| ≤ %g·max|λ|) and %.1f %% on the weak band (%g–%g·max|λ|)\n",
              100.0 * reach->share_zero, SADDLE_EXACT_REACH_ZERO_BAND, 100.0 * reach->share_weak,
              SADDLE_EXACT_REACH_ZERO_BAND, SADDLE_EXACT_REACH_WEAK_BAND);
      for (guint c = 0; c < SADDLE_EXACT_REACH_CUTOFFS; c++)
        {
          const SaddleReachCut *cut = &reach->cuts[c];

          printf ("  cut-off %g·max|λ|: step ‖δ‖ = %.3g, residual ‖H·δ+∇L‖/‖∇L‖ = %.2g",
                  cut->cutoff, cut->length, cut->residual);
          if (isfinite (cut->kink_fraction))
            {
              if (cut->kink_fraction >= 1.0)
                printf (", no ReLU kink on the way");
              else
                printf (", first ReLU kink after %.2g of it", cut->kink_fraction);
            }
          printf ("\n");
        }
    }
  if (isfinite (point->still_factor))
    printf ("Still descending? %u steps of L-BFGS and of Adam on the loss lower it %.3g× "
            "(the larger fall; %s %g×)\n", point->still_steps, point->still_factor,
            point->still_factor > settings->still_factor ? "more than" : "not more than",
            settings->still_factor);
  if (isfinite (point->clarke_distance))
    printf ("Clarke distance: %.3g over %u (sample, unit) kinks within %g of the point "
            "(‖∇L‖ = %.3g)\n", point->clarke_distance, point->clarke_kinks,
            settings->clarke_epsilon, point->grad_norm);
  switch (point->certificate)
    {
    case SADDLE_CERTIFICATE_GRADIENT:
      printf ("Certified stationary: ‖∇L‖ = %.3g ≤ %g\n", point->grad_norm,
              settings->certify_tolerance);
      break;
    case SADDLE_CERTIFICATE_CLARKE:
      printf ("Certified Clarke-stationary: a subgradient of norm %.3g ≤ %g within %g\n",
              point->clarke_distance, settings->certify_tolerance, settings->clarke_epsilon);
      break;
    case SADDLE_CERTIFICATE_NONE:
    default:
      printf ("Not certified stationary: ‖∇L‖ = %.3g > %g%s; the spectrum is that of this "
              "point, not of a critical point\n", point->grad_norm, settings->certify_tolerance,
              isfinite (point->clarke_distance) ? " and so is the Clarke distance" : "");
      break;
    }
}

void
saddle_cli_print_set_measures (const SaddleCriticalSettings *settings,
                               const SaddleCriticalSet      *set)
{
  SaddleCriticalSummary s;
  guint certified, uncertified;

  saddle_critical_set_summarise (set, &s);
  certified = s.by_gradient + s.by_clarke;
  uncertified = s.analysed - certified;

  printf ("Labels:");
  for (guint l = 0; l < SADDLE_CRITICAL_N_LABELS; l++)
    printf ("%s %s %u", l > 0 ? "," : "", saddle_critical_label_to_string (l), s.labels[l]);
  printf ("\nCertified stationary: %u of %u (‖∇L‖ ≤ %g: %u; Clarke distance ≤ %g within %g: %u)\n",
          certified, s.analysed, settings->certify_tolerance, s.by_gradient,
          settings->certify_tolerance, settings->clarke_epsilon, s.by_clarke);
  if (uncertified == 0)
    return;

  printf ("The %u uncertified point%s: ‖∇L‖ ", uncertified, uncertified == 1 ? "" : "s");
  print_range (&s.grad_norm, 2, 1.0);
  if (s.still_factor.n > 0)
    {
      printf ("; %u steps of L-BFGS and of Adam (lr %g) on the loss lower it ",
              settings->still_steps, settings->still_lr);
      print_range (&s.still_factor, 3, 1.0);
      printf ("× (by more than %g× at %u of %u: unconverged training, labelled descending)",
              settings->still_factor, s.labels[SADDLE_CRITICAL_DESCENDING], s.still_factor.n);
    }
  if (s.clarke_distance.n > 0)
    {
      printf ("; Clarke distance ");
      print_range (&s.clarke_distance, 2, 1.0);
    }
  printf ("\n");
  if (s.share_weak.n > 0)
    {
      printf ("Why Newton does not finish %s (exact, over %u point%s): ",
              s.share_weak.n == 1 ? "it" : "them", s.share_weak.n, s.share_weak.n == 1 ? "" : "s");
      print_range (&s.share_weak, 2, 100.0);
      printf (" %% of ‖∇L‖² lies on weakly curved directions (|λ| %g–%g·max|λ|) and ",
              SADDLE_EXACT_REACH_ZERO_BAND, SADDLE_EXACT_REACH_WEAK_BAND);
      print_range (&s.share_zero, 2, 100.0);
      printf (" %% on the zero band;\n  the pseudo-inverse step is ");
      for (guint c = 0; c < SADDLE_EXACT_REACH_CUTOFFS; c++)
        {
          printf ("%s", c == 0 ? "" : ", ");
          print_range (&s.step_length[c], 3, 1.0);
          printf (" long (residual ");
          print_range (&s.step_residual[c], 1, 1.0);
          printf (") at cut-off %g", saddle_exact_reach_cutoff (c));
        }
      if (s.theta_norm.n > 0)
        {
          printf (", where ‖θ‖ is ");
          print_range (&s.theta_norm, 3, 1.0);
        }
      printf ("\n");
      if (s.kink_fraction[1].n > 0)
        {
          printf ("  and the step at cut-off %g meets its first ReLU kink after ",
                  saddle_exact_reach_cutoff (1));
          print_range (&s.kink_fraction[1], 2, 1.0);
          printf (" of its length (1 = none on the way)\n");
        }
    }
}


