/* saddle-cli-hessian.c — hessian: the spectrum of saved weights (dense, Lanczos extremes or the SLQ
 * density), its files and its summary */
#define G_LOG_DOMAIN "saddle-cli-hessian"

#include "config.h"

#include "saddle-summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cblas.h>

#include "saddle-cli-commands.h"
#include "saddle-cli-distributed.h"
#include "saddle-cli-fields.h"
#if SADDLE_HAVE_MPI
#include "saddle-cli-distributed-hessian.h"
#endif
#include "saddle-cli-mpi.h"
#include "saddle-cli-output.h"
#include "saddle-cli-points.h"
#include "saddle-cli-signals.h"
#include "saddle-staging.h"
#include "saddle-file.h"
#include "saddle-cli-progress.h"
#include "saddle-critical.h"
#include "saddle-critical-measure.h"
#include "saddle-cli-ground-truth.h"
#include "saddle-error.h"
#include "saddle-figures.h"
#include "saddle-lanczos.h"
#include "saddle-slice.h"
#include "saddle-stats.h"
#include "saddle-weights-file.h"
#include "saddle-cli-commands-private.h"

/* Reports a failed hessian computation: interrupted (130), a memory refusal with the way
 * around it, or the error itself. */
static int
report_hessian_error (const GError            *error,
                      const SaddleCliProgress *progress)
{
  if (progress->interrupted || saddle_error_is_cancelled (error))
    {
      fprintf (stderr, "saddle-cli: interrupted\n");
      return saddle_cli_signals_exit_status ();
    }
  if (g_error_matches (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE))
    {
      fprintf (stderr, "saddle-cli: %s\nsaddle-cli: hint: --method lanczos (the extreme "
               "eigenvalues) or --method slq (the eigenvalue density) need only Hessian-vector "
               "products, never the n × n matrix\n", error->message);
      return SADDLE_CLI_EXIT_FAILED;
    }
  if (g_error_matches (error, SADDLE_LANCZOS_ERROR, SADDLE_LANCZOS_ERROR_TOO_LARGE))
    {
      fprintf (stderr, "saddle-cli: %s\nsaddle-cli: hint: a lower --iterations keeps a smaller "
               "Lanczos basis\n", error->message);
      return SADDLE_CLI_EXIT_FAILED;
    }
  return saddle_cli_report_error (error);
}

/* The curvature along ∇L, or why there is none to print. */
static void
print_hg_ratio (double ratio,
                double grad_norm)
{
  if (isfinite (ratio))
    printf ("‖H·g‖/‖g‖: %.6g\n", ratio);
  else if (grad_norm == 0.0)
    printf ("‖H·g‖/‖g‖: undefined (∇L = 0)\n");
  else
    printf ("‖H·g‖/‖g‖: not finite: the curvature along ∇L overflows double precision at "
            "these weights\n");
}

/* The slices; along @ends when the dense spectrum came from several ranks with its extreme
 * eigenvectors, else found here by the method's own means. */
static gboolean
hessian_slice (const SaddleCliOptions *options,
               SaddleModel            *model,
               const double           *theta,
               const SaddleBatch      *batch,
               const SaddleSliceEnds  *ends,
               SaddleCliProgress      *progress,
               SaddleSlice           **slice,
               GError                **error)
{
  SaddleSliceMethod method;

  /* Lanczos and slq promise never to build the matrix; dense has just shown it fits. */
  switch (options->method)
    {
    case SADDLE_CLI_METHOD_DENSE:
      method = SADDLE_SLICE_DENSE;
      break;
    case SADDLE_CLI_METHOD_LANCZOS:
    case SADDLE_CLI_METHOD_SLQ:
    default:
      method = SADDLE_SLICE_LANCZOS;
      break;
    }
  progress->phase = "Loss slice";
  if (ends != NULL)
    {
      *slice = saddle_slice_compute_along (model, theta, batch, options->slice_range,
                                           options->slice_points, ends,
                                           saddle_cli_progress_fraction_cb, progress, error);
      return *slice != NULL;
    }
  *slice = saddle_slice_compute (model, theta, batch, options->slice_range,
                                 options->slice_points, method, options->config.seed,
                                 saddle_cli_progress_fraction_cb, progress, error);
  return *slice != NULL;
}

static void
json_add_doubles (JsonBuilder  *builder,
                  const char   *member,
                  const double *values,
                  gsize         n)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      json_builder_add_double_value (builder, values[i]);
    else
      json_builder_add_null_value (builder);
  json_builder_end_array (builder);
}

/* What the two ends alone say, in the CLI's words (its flags name the way further). */
static const char *
verdict_text (SaddleLanczosVerdict verdict)
{
  switch (verdict)
    {
    case SADDLE_LANCZOS_VERDICT_UNCONVERGED:
      return "unconverged: ‖∇L‖ is above --grad-tolerance, so this is a slope, not a critical "
             "point";
    case SADDLE_LANCZOS_VERDICT_SADDLE:
      return "saddle: λmin lies below the zero band";
    case SADDLE_LANCZOS_VERDICT_NO_NEGATIVE:
      return "no eigenvalue below the zero band: a minimum or a degenerate point (telling them "
             "apart needs the zero band's size: --method dense)";
    case SADDLE_LANCZOS_VERDICT_NONE:
    default:
      return "none";
    }
}

static void
json_add_matrix_free (JsonBuilder                 *builder,
                      const SaddleCriticalMeasure *m)
{
  saddle_summary_add_point (builder, m->point);
  if (m->method == SADDLE_MEASURE_LANCZOS)
    {
      saddle_summary_add_int (builder, "k", (gint64) m->k);
      saddle_summary_add_int (builder, "lanczos_steps", (gint64) m->info.iterations);
      saddle_summary_add_boolean (builder, "converged", m->info.converged);
      saddle_summary_add_double (builder, "relative_residual", m->info.residual);
      saddle_summary_add_int (builder, "restarts", m->info.restarts);
      json_add_doubles (builder, "lowest", m->lowest, m->k);
      json_add_doubles (builder, "highest", m->highest, m->k);
      json_add_doubles (builder, "residual_norm_lowest", m->residual_low, m->k);
      json_add_doubles (builder, "residual_norm_highest", m->residual_high, m->k);
      saddle_summary_add_string (builder, "verdict", verdict_text (m->verdict));
    }
  else if (m->density != NULL)
    {
      const SaddleDensity *d = m->density;

      saddle_summary_add_int (builder, "iterations", d->iterations);
      saddle_summary_add_int (builder, "probes", d->probes);
      saddle_summary_add_double (builder, "sigma", d->sigma);
      saddle_summary_add_double (builder, "mean_eigenvalue", saddle_density_mean (d));
      saddle_summary_add_double (builder, "share_below_minus_sigma", m->shares[0]);
      saddle_summary_add_double (builder, "share_within_sigma", m->shares[1]);
      saddle_summary_add_double (builder, "share_above_sigma", m->shares[2]);
      if (m->exact != NULL)
        {
          saddle_summary_add_double (builder, "exact_mean_eigenvalue", m->exact_mean);
          saddle_summary_add_double (builder, "exact_share_below_minus_sigma",
                                      m->exact_shares[0]);
          saddle_summary_add_double (builder, "exact_share_within_sigma", m->exact_shares[1]);
          saddle_summary_add_double (builder, "exact_share_above_sigma", m->exact_shares[2]);
          saddle_summary_add_double (builder, "exact_min_eigenvalue", m->exact->eigenvalues[0]);
          saddle_summary_add_double (builder, "exact_max_eigenvalue",
                                      m->exact->eigenvalues[m->exact->n - 1]);
        }
    }
}

static gboolean
write_hessian_summary (const char                *path,
                       const SaddleCliOptions    *options,
                       const SaddleDataset       *dataset,
                       const SaddleCriticalMeasure *m,
                       const SaddleSlice         *slice,
                       const char                *eigensolver,
                       int                        ranks,
                       GError                   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  saddle_summary_add_string (builder, "weights", options->weights);
  saddle_summary_add_string (builder, "method", saddle_cli_method_to_string (options->method));
  {
    g_autofree guint *widths = NULL;
    guint n = 0;

    widths = saddle_study_config_widths (&options->config, dataset, &n);
    saddle_summary_add_config (builder, &options->config, widths, n, dataset->n_samples,
                               dataset->name);
  }
  if (m->method == SADDLE_MEASURE_DENSE)
    {
      const SaddleCriticalPoint *point = m->point;

      saddle_summary_add_point (builder, point);
      /* Who solved it and how long each half took: the numbers `bench --mpi --hessian` and the
       * README's cluster table come from. */
      saddle_summary_add_string (builder, "eigensolver", eigensolver);
      saddle_summary_add_int (builder, "ranks", ranks);
      json_builder_set_member_name (builder, "seconds_hessian");
      json_builder_add_double_value (builder, point->seconds_hessian);
      json_builder_set_member_name (builder, "seconds_eigen");
      json_builder_add_double_value (builder, point->seconds_eigen);
    }
  else
    json_add_matrix_free (builder, m);
  if (slice != NULL)
    saddle_summary_add_slice (builder, slice);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  return saddle_summary_write_json (path, root, error);
}

static void
print_newton_reach (const SaddleNewtonReach *reach)
{
  if (!isfinite (reach->residual))
    printf ("Newton reach: not measured\n");
  else if (saddle_newton_reach_found (reach))
    {
      printf ("Newton reach: the local quadratic model's critical point is ‖δ‖ = %.3g away",
              reach->distance);
      if (reach->kinks_crossed > 0)
        printf (", across %" G_GUINT64_FORMAT " ReLU kinks", reach->kinks_crossed);
      printf (" (MINRES, %u HVPs)\n", reach->iterations);
    }
  else if (reach->converged)
    {
      printf ("Newton reach: no critical point of the local quadratic model at tolerance %g: "
              "MINRES converged (%u HVPs) leaving %.2g of ∇L on directions H maps below "
              "%g·‖H‖ (‖δ‖ = %.3g", reach->tolerance, reach->iterations, reach->residual,
              reach->tolerance, reach->distance);
      if (reach->kinks_crossed > 0)
        printf (", across %" G_GUINT64_FORMAT " ReLU kinks", reach->kinks_crossed);
      printf (")\n");
    }
  else if (saddle_newton_reach_diverged (reach))
    {
      printf ("Newton reach: not settled: after %u HVPs MINRES's iterate began to diverge, its "
              "least-squares measure stalled by rounding above the tolerance %g; at its iterate "
              "of least ‖H·r‖, %.2g of ∇L unexplained (‖δ‖ = %.3g", reach->iterations,
              reach->tolerance, reach->residual, reach->distance);
      if (reach->kinks_crossed > 0)
        printf (", across %" G_GUINT64_FORMAT " ReLU kinks", reach->kinks_crossed);
      printf (")\n");
    }
  else
    {
      printf ("Newton reach: not settled: MINRES stopped early after %u HVPs (cap %u, tolerance "
              "%g) with %.2g of ∇L unexplained (‖δ‖ = %.3g so far", reach->iterations,
              (guint) SADDLE_NEWTON_REACH_MAX_ITER, reach->tolerance, reach->residual,
              reach->distance);
      if (reach->kinks_crossed > 0)
        printf (", across %" G_GUINT64_FORMAT " ReLU kinks", reach->kinks_crossed);
      printf (")\n");
    }
}

static void
print_dense (const SaddleStudyConfig      *config,
             const SaddleCriticalSettings *settings,
             const SaddleCriticalPoint    *point)
{
  const SaddleSpectrum *s = point->spectrum;

  printf ("Loss: %.10g\n", point->loss);
  if (isfinite (point->accuracy))
    printf ("Accuracy: %.2f%%\n", 100.0 * point->accuracy);
  if (config->descent_steps > 0 || config->newton_steps > 0)
    printf ("‖∇L‖: %.6g (from %.6g; %.6g after %u ‖∇L‖² descent steps, then %u Newton steps)\n",
            point->grad_norm, point->grad_norm_start, point->grad_norm_descent, point->steps,
            point->newton_steps);
  else
    printf ("‖∇L‖: %.6g\n", point->grad_norm);
  printf ("Eigenvalues: %" G_GSIZE_FORMAT " positive, %" G_GSIZE_FORMAT " negative, %"
          G_GSIZE_FORMAT " zero\n", s->positive, s->negative, s->zero);
  if (s->deflated > 0)
    printf ("Exactly zero rows of H: %" G_GSIZE_FORMAT " (exact zero eigenvalues, set aside "
            "before the solve of the other %" G_GSIZE_FORMAT ")\n", s->deflated, s->n - s->deflated);
  printf ("Tolerance: |λ| ≤ %g·max|λ| = %.3g counts as zero (max|λ| = %.6g)\n",
          s->tolerance, s->tolerance * s->max_abs, s->max_abs);
  printf ("Minimal ratio: %.6f (share of λ > 0 among all %" G_GSIZE_FORMAT " eigenvalues)\n",
          s->minimal_ratio, s->n);
  printf ("Non-zero ratio: %.6f (positive / (positive + negative))\n", s->nonzero_ratio);
  printf ("Smallest / largest eigenvalue: %.6g / %.6g\n", s->n > 0 ? s->eigenvalues[0] : NAN,
          s->n > 0 ? s->eigenvalues[s->n - 1] : NAN);
  printf ("Dead units: %u (ReLU units never active on the training set)\n", point->dead_units);
  print_hg_ratio (point->hg_ratio, point->grad_norm);
  if (isfinite (point->reach.residual))
    print_newton_reach (&point->reach);
  saddle_cli_print_point_measures (settings, point);
  printf ("Label: %s (%s)\n", saddle_critical_label_to_string (point->label),
          saddle_critical_label_title (point->label));
}

static void
print_matrix_free (const SaddleStudyConfig     *config,
                   const SaddleCriticalMeasure *m)
{
  const SaddleCriticalPoint *p = m->point;

  printf ("Loss: %.10g\n", p->loss);
  if (isfinite (p->accuracy))
    printf ("Accuracy: %.2f%%\n", 100.0 * p->accuracy);
  if (config->descent_steps > 0 || config->newton_steps > 0)
    printf ("‖∇L‖: %.6g (from %.6g; %.6g after %u ‖∇L‖² descent steps, then %u Newton steps)\n",
            p->grad_norm, p->grad_norm_start, p->grad_norm_descent, p->steps, p->newton_steps);
  else
    printf ("‖∇L‖: %.6g\n", p->grad_norm);
  printf ("Dead units: %u (ReLU units never active on the training set)\n", p->dead_units);
  print_hg_ratio (p->hg_ratio, p->grad_norm);
  print_newton_reach (&p->reach);

  if (m->method == SADDLE_MEASURE_LANCZOS)
    {
      printf ("Lanczos: the %" G_GSIZE_FORMAT " lowest and %" G_GSIZE_FORMAT " highest distinct "
              "eigenvalues after %" G_GSIZE_FORMAT " Lanczos steps (full reorthogonalisation; "
              "%s, largest relative residual %.2g%s). An eigenvalue repeated exactly may show "
              "once.\n", m->k, m->k, m->info.iterations,
              m->info.converged ? "converged" : "NOT converged: raise --iterations",
              m->info.residual, m->info.restarts > 0 ? ", restarted" : "");
      printf ("%-8s %5s %24s %12s\n", "end", "rank", "eigenvalue", "‖Hv − λv‖");
      for (guint end = 0; end < 2; end++)
        for (gsize i = 0; i < m->k; i++)
          printf ("%-8s %5" G_GSIZE_FORMAT " %24.16g %12.3g\n", end == 0 ? "lowest" : "highest",
                  i + 1, end == 0 ? m->lowest[i] : m->highest[i],
                  end == 0 ? m->residual_low[i] : m->residual_high[i]);
      printf ("Verdict: %s\n", verdict_text (m->verdict));
    }
  else if (m->density != NULL)
    {
      const SaddleDensity *d = m->density;

      printf ("Stochastic Lanczos quadrature: %u probe vectors × %u Lanczos steps, Gaussian "
              "width σ = %.3g\n", d->probes, d->iterations, d->sigma);
      printf ("Estimated share of the smoothed spectrum below −σ %.4f, within ±σ %.4f, above σ "
              "%.4f; mean eigenvalue (trace / n) %.6g\n", m->shares[0], m->shares[1],
              m->shares[2], saddle_density_mean (d));
      if (m->exact != NULL)
        printf ("Exact (dense, overlaid on density.svg; the same smoothing): below −σ %.4f, "
                "within ±σ %.4f, above σ %.4f; mean eigenvalue %.6g; λ from %.6g to %.6g\n",
                m->exact_shares[0], m->exact_shares[1], m->exact_shares[2], m->exact_mean,
                m->exact->eigenvalues[0], m->exact->eigenvalues[m->exact->n - 1]);
      else if (m->exact_note != NULL)
        printf ("Note: %s\n", m->exact_note);
    }
}

/* hessian under mpirun shares the dense Hessian over the ranks (--eigensolver elpa or
 * scalapack); the options that only make sense there are refused elsewhere. Rank 0 says why. */
static gboolean
check_eigensolver (const SaddleCliOptions *options,
                   gboolean                distributed)
{
  const char *problem = NULL;

  if (distributed)
    return TRUE;
  if (saddle_cli_mpi_parallel ())
    problem = options->method != SADDLE_CLI_METHOD_DENSE
              ? "hessian shares its work over MPI ranks only with --method dense"
              : "--eigensolver lapack runs in one process: run it without mpirun (or with -np 1)";
  else if (options->eigensolver == SADDLE_CLI_EIGENSOLVER_ELPA
           || options->eigensolver == SADDLE_CLI_EIGENSOLVER_SCALAPACK)
    problem = SADDLE_HAVE_MPI
              ? "--eigensolver elpa and scalapack run over the ranks of an mpirun: "
                "mpirun -np P saddle-cli hessian …"
              : "--eigensolver elpa and scalapack need MPI, and this saddle-cli was built "
                "without it (meson option -Dmpi)";
  else if (options->memory_per_rank > 0 || options->eigenvectors > 0)
    problem = "--memory-per-rank and --eigenvectors apply under mpirun with --eigensolver elpa "
              "or scalapack";
  if (problem != NULL && saddle_cli_mpi_rank () == 0)
    fprintf (stderr, "saddle-cli: %s\n", problem);
  return problem == NULL;
}

int
saddle_cli_run_hessian (SaddleCliOptions *options)
{
  SaddleStudyConfig *config = &options->config;
  /* The spectrum is of the weights in this file, not of a study's run. */
  g_autofree char *weights_name = g_path_get_basename (options->weights);
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autoptr(SaddleCriticalMeasure) measure = NULL;
  g_autoptr(SaddleSlice) slice = NULL;
  const SaddleCriticalPoint *point = NULL;   /* the dense analysis, with its spectrum */
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree double *theta = NULL;
  g_autoptr(SaddleWeightsFile) weights_file = NULL;
  g_autofree char *model_text = NULL;
  g_autofree char *count_text = NULL;
  SaddleCriticalSettings settings;
  g_autoptr(SaddleStaging) staging = NULL;
  char *final_out = NULL;
  SaddleCliProgress progress = { 0 };
  SaddleBatch batch = { 0 };
  SaddleMeasureSettings measure_settings;
  const double *analysed;
  gsize n_params;
  gsize n = 0;
  gboolean ok;
  int status = SADDLE_CLI_EXIT_OK;
  gboolean distributed = FALSE;
  g_autofree char *eigensolver_text = NULL;
  const char *solver_name = "lapack";
  int ranks = 1;
  const double *extremes = NULL;     /* (2 · n_extremes, n_params) from the ranks, or NULL */
  gsize n_extremes = 0;
  SaddleSliceEnds ends;
#if SADDLE_HAVE_MPI
  g_autoptr(SaddleCliDistributedHessian) shared = NULL;

  distributed = saddle_cli_distributed_hessian_wanted (options);
#endif

  if (!check_eigensolver (options, distributed))
    return SADDLE_CLI_EXIT_USAGE;
  if (config->threads > 0)
    openblas_set_num_threads ((int) config->threads);
  if ((dataset = saddle_cli_load_dataset (config, &error)) == NULL)
    return saddle_cli_report_error (error);
  if ((model = saddle_study_config_new_model (config, dataset, &error)) == NULL)
    return saddle_cli_report_error (error);
  n_params = saddle_model_n_params (model);
  model_text = saddle_cli_model_description (config, dataset);

  /* Sizes known only now, but still a bad option: refused before any work. */
  if (options->method == SADDLE_CLI_METHOD_LANCZOS)
    {
      g_autofree char *count = saddle_format_count (n_params);
      gsize steps = options->iterations > 0 ? options->iterations
                                            : SADDLE_MEASURE_LANCZOS_DEFAULT_STEPS;

      if (options->k > n_params)
        {
          fprintf (stderr, "saddle-cli: --k %u asks for more eigenvalues at each end than the "
                   "%s parameters of the %s model have\n", options->k, count, model_text);
          return SADDLE_CLI_EXIT_USAGE;
        }
      if (MIN (steps, n_params) < options->k)
        {
          fprintf (stderr, "saddle-cli: --iterations %" G_GSIZE_FORMAT " Lanczos steps cannot "
                   "give --k %u eigenvalues at each end: allow at least %u\n", steps, options->k,
                   options->k);
          return SADDLE_CLI_EXIT_USAGE;
        }
    }

  if ((gsize) options->eigenvectors * 2 > n_params)
    {
      g_autofree char *count = saddle_format_count (n_params);

      if (saddle_cli_mpi_rank () == 0)
        fprintf (stderr, "saddle-cli: --eigenvectors %u asks for more eigenvectors at both ends "
                 "than the %s parameters of the %s model have\n", options->eigenvectors, count,
                 model_text);
      return SADDLE_CLI_EXIT_USAGE;
    }

  /* Read once, while the options were parsed; read again here only to say why it failed. */
  weights_file = g_steal_pointer (&options->weights_file);
  if (weights_file == NULL
      && (weights_file = saddle_weights_file_read (options->weights, &error)) == NULL)
    {
      fprintf (stderr, "saddle-cli: Cannot read the weights “%s”: %s\n", options->weights,
               error->message);
      return SADDLE_CLI_EXIT_FAILED;
    }
  theta = g_steal_pointer (&weights_file->theta);
  n = weights_file->n_params;
  if (n != n_params)
    {
      const char *saved = weights_file->options;
      g_autofree char *have = saddle_format_count (n);
      g_autofree char *want = saddle_format_count (n_params);
      g_autofree char *hidden = saddle_study_config_hidden_string (config);

      g_autofree guint *widths = NULL;
      g_autofree char *shape = NULL;
      guint n_widths = 0;

      widths = saddle_study_config_widths (config, dataset, &n_widths);
      shape = saddle_cli_format_widths (widths, n_widths);
      fprintf (stderr, "saddle-cli: “%s” holds %s parameters, but the %s %s model (--task %s "
               "--hidden '%s') has %s: pass the options the weights were trained with%s%s%s\n",
               options->weights, have, shape, saddle_activation_to_string (config->activation),
               saddle_task_to_string (config->task), hidden, want,
               saved != NULL ? " (the file says: " : "", saved != NULL ? saved : "",
               saved != NULL ? ")" : "");
      return SADDLE_CLI_EXIT_FAILED;
    }
  for (gsize i = 0; i < n; i++)
    if (!isfinite (theta[i]))
      {
        fprintf (stderr, "saddle-cli: “%s”: parameter %" G_GSIZE_FORMAT " is not finite (%g)\n",
                 options->weights, i + 1, theta[i]);
        return SADDLE_CLI_EXIT_FAILED;
      }
#if SADDLE_HAVE_MPI
  /* Every rank has read the same model, data and weights: the memory check is theirs together,
   * then the ranks above 0 only serve rank 0's Hessians. */
  if (distributed)
    {
      shared = saddle_cli_distributed_hessian_new (options, model, dataset->n_samples, &error);
      if (shared == NULL)
        return saddle_cli_mpi_rank () == 0 ? report_hessian_error (error, &progress)
                                           : SADDLE_CLI_EXIT_FAILED;
      if (saddle_cli_mpi_rank () > 0)
        {
          saddle_batch_init_full (&batch, dataset);
          saddle_cli_distributed_hessian_serve (shared, model, &batch);
          return saddle_cli_signals_stop_requested () ? saddle_cli_signals_exit_status ()
                                                      : SADDLE_CLI_EXIT_OK;
        }
      eigensolver_text = saddle_cli_distributed_hessian_describe (shared);
      solver_name = saddle_cli_distributed_hessian_solver (shared);
      ranks = saddle_cli_distributed_hessian_ranks (shared);
    }
#endif
  staging = saddle_cli_open_output (options, ((guint64) 16 << 20) + (guint64) n_params * 60,
                                    &final_out, &error);
  if (staging == NULL)
    return saddle_cli_report_error (error);

  saddle_study_config_critical_settings (config, &settings);
#if SADDLE_HAVE_MPI
  if (shared != NULL)
    saddle_cli_distributed_hessian_attach (shared, &settings);
#endif

  config->runs = 1;
  config->first_run = 0;
  saddle_batch_init_full (&batch, dataset);
  saddle_cli_progress_init (&progress, config, TRUE, options->quiet);

  saddle_measure_settings_init (&measure_settings);
  measure_settings.method = options->method == SADDLE_CLI_METHOD_LANCZOS ? SADDLE_MEASURE_LANCZOS
                            : options->method == SADDLE_CLI_METHOD_SLQ ? SADDLE_MEASURE_SLQ
                            : SADDLE_MEASURE_DENSE;
  measure_settings.k = options->k;
  measure_settings.iterations = options->iterations;
  measure_settings.probes = options->probes;
  measure_settings.seed = config->seed;
  measure = saddle_critical_measure (model, theta, &batch, &settings, &measure_settings,
                                     saddle_cli_progress_event_cb, &progress, &error);
  ok = measure != NULL;
  if (ok && measure->method == SADDLE_MEASURE_DENSE)
    point = measure->point;
  analysed = ok && measure->point->params != NULL ? measure->point->params : theta;
#if SADDLE_HAVE_MPI
  if (ok && shared != NULL)
    extremes = saddle_cli_distributed_hessian_extremes (shared, &n_extremes);
#endif
  if (extremes != NULL)
    {
      ends.lambda_bottom = point->spectrum->eigenvalues[0];
      ends.v_bottom = extremes;
      ends.lambda_top = point->spectrum->eigenvalues[n_params - 1];
      ends.v_top = extremes + (2 * n_extremes - 1) * n_params;
    }
  if (ok && options->slice)
    ok = hessian_slice (options, model, analysed, &batch, extremes != NULL ? &ends : NULL,
                        &progress, &slice, &error);
  saddle_cli_progress_finish (&progress);
  if (!ok)
    {
      saddle_cli_close_output (options, staging, final_out, FALSE, NULL, NULL);
      status = report_hessian_error (error, &progress);
      saddle_batch_clear (&batch);
      return status;
    }

  count_text = saddle_format_count (n_params);
  printf ("Weights: %s\n", options->weights);
  printf ("Model: %s on %s\n", model_text, dataset->name);
  printf ("Parameters: %s\n", count_text);
  printf ("Method: %s\n", saddle_cli_method_to_string (options->method));
  if (eigensolver_text != NULL)
    printf ("Eigensolver: %s\n", eigensolver_text);
  if (point != NULL)
    print_dense (config, &settings, point);
  else
    print_matrix_free (config, measure);
  if (slice != NULL)
    saddle_cli_print_slice (slice, "along the bottom and top Hessian eigenvectors");

  WRITE (saddle_critical_measure_csv_name (measure),
         saddle_critical_measure_write_csv (measure, path, error));
  if (point != NULL)
    {
      WRITE ("spectrum.svg", saddle_cli_write_spectrum_svg (path, point, weights_name, error));
      if (extremes != NULL && options->eigenvectors > 0)
        WRITE ("eigenvectors.csv", saddle_cli_write_eigenvectors_csv (path, extremes,
                                                                      n_extremes, n_params,
                                                                      error));
    }
  else if (measure->method == SADDLE_MEASURE_SLQ)
    WRITE ("density.svg", saddle_cli_write_density_svg (path, measure->density, measure->exact,
                                                        error));
  if (slice != NULL)
    {
      WRITE ("slice.csv", saddle_slice_write_csv (slice, path, error));
      WRITE ("slice.svg", saddle_cli_write_slice_svg (path, slice, error));
    }
  WRITE ("summary.json", write_hessian_summary (path, options, dataset, measure, slice,
                                                solver_name, ranks, error));
  if (options->save_weights != NULL)
    {
      g_autoptr(GError) save_error = NULL;
      g_autofree guint *widths = NULL;
      guint n_widths = 0;

      widths = saddle_study_config_widths (config, dataset, &n_widths);
      ok = saddle_cli_save_weights (options->save_weights, config, "hessian", dataset->name, 0,
                                    widths, n_widths, analysed, n_params, &save_error);
      saddle_cli_note_written (written, problems, options->save_weights, ok, save_error);
    }
  saddle_cli_close_output (options, staging, final_out, TRUE, written, problems);
  saddle_cli_print_files (written, problems);

  saddle_batch_clear (&batch);
  return problems->len > 0 ? SADDLE_CLI_EXIT_FAILED : SADDLE_CLI_EXIT_OK;
}
