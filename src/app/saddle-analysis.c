/* saddle-analysis.c — Analyse Weights' work: a weights file on its data, measured as
 * `saddle-cli hessian` measures it (see saddle-analysis.h) */
#define G_LOG_DOMAIN "saddle-analysis"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "saddle-analysis.h"
#include "saddle-format.h"
#include "saddle-lanczos.h"
#include "saddle-weights-file.h"

G_DEFINE_QUARK (saddle-analysis-error-quark, saddle_analysis_error)

/* The one place that reads a weights file: any format Saddle reads (saddle-weights-file.h). */
static SaddleWeightsFile *
read_weights (const char  *path,
              GError     **error)
{
  return saddle_weights_file_read (path, error);
}

/* @config from what @file records, as saddle-cli hessian takes it: its options line (--task,
 * --hidden, --activation, --samples, --function, --data), then what its tensors and metadata
 * say (the hidden widths; the activation; the task from the widths: one input and one output
 * fit a function, several outputs classify images); @data_path, if any, replaces the data. */
static gboolean
config_from_file (SaddleStudyConfig       *config,
                  const SaddleWeightsFile *file,
                  const char              *data_path,
                  GError                 **error)
{
  g_auto(GStrv) argv = NULL;
  SaddleTask task = SADDLE_TASK_FUNCTION;
  gboolean task_given = FALSE;
  int argc = 0;

  if (file->options == NULL && file->n_widths < 2)
    {
      g_set_error (error, SADDLE_ANALYSIS_ERROR, SADDLE_ANALYSIS_ERROR_WEIGHTS,
                   _("it does not say which network it belongs to: no “# options:” line "
                     "(weights written by Saddle's --save-weights have one) and no layer "
                     "shapes (a safetensors or .npz file has them)"));
      return FALSE;
    }
  if (file->options != NULL && !g_shell_parse_argv (file->options, &argc, &argv, error))
    return FALSE;
  for (int i = 0; i + 1 < argc; i++)
    if (g_str_equal (argv[i], "--task"))
      {
        task_given = TRUE;
        if (!saddle_task_from_string (argv[i + 1], &task))
          {
            g_set_error (error, SADDLE_ANALYSIS_ERROR, SADDLE_ANALYSIS_ERROR_WEIGHTS,
                         _("its header names an unknown task “%s”"), argv[i + 1]);
            return FALSE;
          }
      }
  if (!task_given && file->n_widths >= 2)
    task = file->widths[0] == 1 && file->widths[file->n_widths - 1] == 1
           ? SADDLE_TASK_FUNCTION : SADDLE_TASK_IMAGE;
  saddle_study_config_init (config, SADDLE_STUDY_CRITICAL, task);
  /* As saddle-cli hessian: the weights as given, not moved. */
  config->descent_steps = 0;
  config->newton_steps = 0;
  for (int i = 0; i + 1 < argc; i += 2)
    {
      const char *name = argv[i];
      const char *value = argv[i + 1];
      gboolean ok = TRUE;

      if (g_str_equal (name, "--hidden"))
        ok = saddle_study_config_set_hidden (config, value, NULL);
      else if (g_str_equal (name, "--activation"))
        ok = saddle_activation_from_string (value, &config->activation);
      else if (g_str_equal (name, "--function"))
        ok = saddle_function_from_string (value, &config->function);
      else if (g_str_equal (name, "--samples"))
        {
          guint64 samples = 0;

          ok = g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &samples, NULL);
          config->samples = (guint) samples;
        }
      else if (g_str_equal (name, "--data"))
        {
          g_free (config->data_path);
          config->data_path = g_strdup (value);
        }
      if (!ok)
        {
          g_set_error (error, SADDLE_ANALYSIS_ERROR, SADDLE_ANALYSIS_ERROR_WEIGHTS,
                       _("its header's %s “%s” is not valid"), name, value);
          return FALSE;
        }
    }
  /* The tensors' own shapes and activation are the truth for the hidden layers. */
  if (file->n_widths >= 2)
    {
      config->n_hidden = MIN (file->n_widths - 2, SADDLE_MAX_HIDDEN_LAYERS);
      for (guint i = 0; i < config->n_hidden; i++)
        config->hidden[i] = file->widths[i + 1];
    }
  if (file->has_activation)
    config->activation = file->activation;
  else if (file->format != SADDLE_WEIGHTS_FORMAT_TEXT && file->options == NULL)
    {
      g_set_error (error, SADDLE_ANALYSIS_ERROR, SADDLE_ANALYSIS_ERROR_WEIGHTS,
                   _("it does not name its activation (no “activation” in its metadata)"));
      return FALSE;
    }
  if (data_path != NULL)
    {
      g_free (config->data_path);
      config->data_path = g_strdup (data_path);
    }
  return TRUE;
}

/* "1-6-1 relu". */
static char *
model_text (const SaddleStudyConfig *config,
            const SaddleDataset     *dataset)
{
  g_autofree guint *widths = NULL;
  GString *text = g_string_new (NULL);
  guint n = 0;

  widths = saddle_study_config_widths (config, dataset, &n);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? "-" : "", widths[i]);
  g_string_append_printf (text, " %s", saddle_activation_to_string (config->activation));
  return g_string_free (text, FALSE);
}

/* The analysis's weights, model and data, or a message naming the file and what is wrong. */
static double *
load (const SaddleAnalysisInput *input,
      SaddleAnalysis            *analysis,
      SaddleDataset            **dataset,
      SaddleModel              **model,
      GError                   **error)
{
  g_autoptr(SaddleWeightsFile) file = NULL;
  g_autofree double *theta = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = g_filename_display_basename (input->weights_path);
  gsize n = 0;

  file = read_weights (input->weights_path, &local_error);
  if (file == NULL)
    {
      g_set_error (error, SADDLE_ANALYSIS_ERROR, SADDLE_ANALYSIS_ERROR_WEIGHTS,
                   _("Cannot read the weights “%s”: %s"), name, local_error->message);
      return NULL;
    }
  theta = g_steal_pointer (&file->theta);
  n = file->n_params;
  if (!config_from_file (&analysis->config, file, input->data_path, &local_error))
    {
      g_set_error (error, SADDLE_ANALYSIS_ERROR, SADDLE_ANALYSIS_ERROR_WEIGHTS,
                   _("Cannot use the weights “%s”: %s"), name, local_error->message);
      return NULL;
    }
  *dataset = saddle_study_config_load_dataset (&analysis->config, &local_error);
  if (*dataset == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot load the data of “%s”: "), name);
      return NULL;
    }
  *model = saddle_study_config_new_model (&analysis->config, *dataset, error);
  if (*model == NULL)
    return NULL;
  analysis->n_params = saddle_model_n_params (*model);
  analysis->model_text = model_text (&analysis->config, *dataset);
  analysis->dataset_name = g_strdup ((*dataset)->name);
  if (n != analysis->n_params)
    {
      g_autofree char *have = saddle_format_count (n);
      g_autofree char *want = saddle_format_count (analysis->n_params);

      g_set_error (error, SADDLE_ANALYSIS_ERROR, SADDLE_ANALYSIS_ERROR_WEIGHTS,
                   _("“%s” holds %s parameters, but the %s network its header names has %s"),
                   name, have, analysis->model_text, want);
      return NULL;
    }
  for (gsize i = 0; i < n; i++)
    if (!isfinite (theta[i]))
      {
        g_set_error (error, SADDLE_ANALYSIS_ERROR, SADDLE_ANALYSIS_ERROR_WEIGHTS,
                     _("“%s”: parameter %lu is not finite (%g)"), name, (unsigned long) i + 1,
                     theta[i]);
        return NULL;
      }
  return g_steal_pointer (&theta);
}

SaddleAnalysisInput *
saddle_analysis_input_new (const char *weights_path,
                           const char *data_path)
{
  SaddleAnalysisInput *input = g_new0 (SaddleAnalysisInput, 1);

  input->weights_path = g_strdup (weights_path);
  input->data_path = g_strdup (data_path);
  return input;
}

void
saddle_analysis_input_free (SaddleAnalysisInput *input)
{
  if (input == NULL)
    return;
  g_free (input->weights_path);
  g_free (input->data_path);
  g_free (input);
}

gpointer
saddle_analysis_run (gpointer         data,
                     SaddleEventFunc  func,
                     gpointer         func_data,
                     GError         **error)
{
  const SaddleAnalysisInput *input = data;
  g_autoptr(SaddleAnalysis) analysis = g_new0 (SaddleAnalysis, 1);
  g_autoptr(SaddleDataset) dataset = NULL;
  g_autoptr(SaddleModel) model = NULL;
  g_autofree double *theta = NULL;
  SaddleEventProgress progress = { func, func_data, 0, NULL };
  SaddleCriticalSettings settings;
  SaddleMeasureSettings measure;
  SaddleBatch batch = { 0 };
  SaddleLanczosHvp hvp;

  analysis->weights_path = g_strdup (input->weights_path);
  theta = load (input, analysis, &dataset, &model, error);
  if (theta == NULL)
    return NULL;

  saddle_study_config_critical_settings (&analysis->config, &settings);
  saddle_measure_settings_init (&measure);
  measure.seed = analysis->config.seed;
  if (analysis->n_params > SADDLE_MEASURE_OVERLAY_MAX)
    {
      measure.method = SADDLE_MEASURE_LANCZOS;
      measure.k = MIN (SADDLE_ANALYSIS_LANCZOS_K, analysis->n_params);
    }
  saddle_batch_init_full (&batch, dataset);
  hvp = (SaddleLanczosHvp) { model, theta, &batch };

  analysis->measure = saddle_critical_measure (model, theta, &batch, &settings, &measure, func,
                                               func_data, error);
  if (analysis->measure != NULL)
    {
      progress.phase = N_("Stochastic Lanczos quadrature");
      analysis->density = saddle_lanczos_slq (saddle_lanczos_hvp, &hvp, analysis->n_params, 0, 0,
                                              measure.seed, 0, 0.0, saddle_event_progress_cb,
                                              &progress, error);
    }
  if (analysis->density != NULL)
    {
      progress.phase = N_("Loss slice");
      analysis->slice = saddle_slice_compute (model, theta, &batch, SADDLE_ANALYSIS_SLICE_RANGE,
                                              SADDLE_ANALYSIS_SLICE_POINTS, SADDLE_SLICE_AUTO,
                                              measure.seed, saddle_event_progress_cb, &progress,
                                              error);
    }
  saddle_batch_clear (&batch);
  if (analysis->slice == NULL)
    return NULL;
  return g_steal_pointer (&analysis);
}

/* The Newton reach in words, as saddle-cli hessian prints it: exact where the dense
 * eigendecomposition exists (the smallest cut-off), else MINRES's. */
static void
append_reach (GString                   *text,
              const SaddleCriticalPoint *point)
{
  const SaddleNewtonReach *reach = &point->reach;
  const SaddleReachCut *cut = &point->exact_reach.cuts[0];

  if (isfinite (point->exact_reach.share_zero))
    {
      g_string_append_printf (text, _("Newton reach (exact, from the eigendecomposition): a step "
                                      "of ‖δ‖ = %.3g leaves %.2g of ∇L (cut-off %g·max|λ|); "
                                      "%.1f %% of ‖∇L‖² lies on the zero band"),
                              cut->length, cut->residual, cut->cutoff,
                              100.0 * point->exact_reach.share_zero);
      if (isfinite (cut->kink_fraction) && cut->kink_fraction < 1.0)
        g_string_append_printf (text, _("; the first ReLU kink comes after %.2g of the step"),
                                cut->kink_fraction);
    }
  else if (!isfinite (reach->residual))
    g_string_append (text, _("Newton reach: not measured"));
  else if (saddle_newton_reach_found (reach))
    g_string_append_printf (text, _("Newton reach: the local quadratic model's critical point is "
                                    "‖δ‖ = %.3g away (MINRES, %u HVPs)"),
                            reach->distance, reach->iterations);
  else if (reach->converged)
    g_string_append_printf (text, _("Newton reach: no critical point of the local quadratic "
                                    "model: %.2g of ∇L lies on directions H maps to almost "
                                    "zero (‖δ‖ = %.3g)"), reach->residual, reach->distance);
  else if (saddle_newton_reach_diverged (reach))
    /* TRANSLATORS: MINRES, the solver, stopped when its iterate began to run away (rounding);
     * ‖δ‖ is the length of its best iterate */
    g_string_append_printf (text, _("Newton reach: not settled: MINRES began to diverge after "
                                    "%u HVPs (‖δ‖ = %.3g at its best iterate)"),
                            reach->iterations, reach->distance);
  else
    g_string_append_printf (text, _("Newton reach: not settled after %u HVPs (‖δ‖ = %.3g so "
                                    "far)"), reach->iterations, reach->distance);
  if (!isfinite (point->exact_reach.share_zero) && isfinite (reach->residual)
      && reach->kinks_crossed > 0)
    g_string_append_printf (text, _(", across %lu ReLU kinks"),
                            (unsigned long) reach->kinks_crossed);
  g_string_append_c (text, '\n');
}

static const char *
verdict_text (SaddleLanczosVerdict verdict)
{
  switch (verdict)
    {
    case SADDLE_LANCZOS_VERDICT_UNCONVERGED:
      return _("unconverged: ‖∇L‖ is above the gradient tolerance, so this is a slope, not a "
               "critical point");
    case SADDLE_LANCZOS_VERDICT_SADDLE:
      return _("saddle: λmin lies below the zero band");
    case SADDLE_LANCZOS_VERDICT_NO_NEGATIVE:
      return _("no eigenvalue below the zero band: a minimum or a degenerate point (the "
               "zero band's size needs every eigenvalue)");
    case SADDLE_LANCZOS_VERDICT_NONE:
    default:
      return "";
    }
}

char *
saddle_analysis_summary (const SaddleAnalysis *a)
{
  const SaddleCriticalMeasure *m = a->measure;
  const SaddleCriticalPoint *p = m->point;
  const SaddleSpectrum *s = p->spectrum;
  const SaddleDensity *d = a->density;
  g_autofree char *count = saddle_format_count (a->n_params);
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, _("Network: %s, %s parameters\nData: %s\n\n"), a->model_text,
                          count, a->dataset_name);
  g_string_append_printf (text, _("Loss: %.10g\n"), p->loss);
  if (isfinite (p->accuracy))
    g_string_append_printf (text, _("Accuracy: %.2f%%\n"), 100.0 * p->accuracy);
  g_string_append_printf (text, _("‖∇L‖: %.6g\n"), p->grad_norm);
  if (isfinite (p->hg_ratio))
    g_string_append_printf (text, _("‖H·g‖/‖g‖: %.6g\n"), p->hg_ratio);
  g_string_append_printf (text, _("Dead units: %u\n"), p->dead_units);
  append_reach (text, p);
  g_string_append_c (text, '\n');

  if (s != NULL)
    {
      g_string_append_printf (text, _("Eigenvalues: %lu positive, %lu negative, %lu zero\n"),
                              (unsigned long) s->positive, (unsigned long) s->negative,
                              (unsigned long) s->zero);
      if (s->deflated > 0)
        g_string_append_printf (text, _("Exactly zero rows of H: %lu (exact zero eigenvalues, "
                                        "set aside before the solve)\n"),
                                (unsigned long) s->deflated);
      g_string_append_printf (text, _("Zero band: |λ| ≤ %g·max|λ| = %.3g\n"), s->tolerance,
                              s->tolerance * s->max_abs);
      g_string_append_printf (text, _("Minimal ratio: %.6f (share of λ > 0)\n"),
                              s->minimal_ratio);
      g_string_append_printf (text, _("Non-zero ratio: %.6f (positive / (positive + "
                                      "negative))\n"), s->nonzero_ratio);
      g_string_append_printf (text, _("Smallest / largest eigenvalue: %.6g / %.6g\n"),
                              s->n > 0 ? s->eigenvalues[0] : NAN,
                              s->n > 0 ? s->eigenvalues[s->n - 1] : NAN);
      if (isfinite (p->still_factor))
        g_string_append_printf (text, _("Still descending? %u steps of L-BFGS and of Adam lower "
                                        "the loss %.3g×\n"), p->still_steps, p->still_factor);
      g_string_append_printf (text, _("Label: %s (%s)\n"),
                              saddle_critical_label_to_string (p->label),
                              _(saddle_critical_label_title (p->label)));
    }
  else
    {
      g_string_append_printf (text, _("Lanczos (%lu steps, %s): the %lu lowest and highest "
                                      "eigenvalues, ‖Hv − λv‖ of each\n"),
                              (unsigned long) m->info.iterations,
                              m->info.converged ? _("converged") : _("not converged"),
                              (unsigned long) m->k);
      for (gsize i = 0; i < m->k; i++)
        g_string_append_printf (text, "  λ↓%lu %.8g (%.1e)   λ↑%lu %.8g (%.1e)\n",
                                (unsigned long) i + 1, m->lowest[i], m->residual_low[i],
                                (unsigned long) i + 1, m->highest[i], m->residual_high[i]);
      g_string_append_printf (text, _("Verdict: %s\n"), verdict_text (m->verdict));
    }
  if (d != NULL)
    g_string_append_printf (text, _("\nDensity (SLQ): %u probes × %u Lanczos steps, σ = %.3g; "
                                    "mean eigenvalue %.6g\n"),
                            d->probes, d->iterations, d->sigma, saddle_density_mean (d));
  if (a->slice != NULL)
    g_string_append_printf (text, _("\nSlice: bottom λ = %.6g (slope %.3g), top λ = %.6g "
                                    "(slope %.3g)\n"),
                            a->slice->lambda_bottom, a->slice->slope_bottom,
                            a->slice->lambda_top, a->slice->slope_top);
  return g_string_free (text, FALSE);
}

void
saddle_analysis_free (SaddleAnalysis *analysis)
{
  if (analysis == NULL)
    return;
  g_free (analysis->weights_path);
  saddle_study_config_clear (&analysis->config);
  g_free (analysis->model_text);
  g_free (analysis->dataset_name);
  g_clear_pointer (&analysis->measure, saddle_critical_measure_free);
  g_clear_pointer (&analysis->density, saddle_density_free);
  g_clear_pointer (&analysis->slice, saddle_slice_free);
  g_free (analysis);
}
