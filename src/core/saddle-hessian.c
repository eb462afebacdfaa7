/* saddle-hessian.c — the exact full Hessian of the loss, from batched HVPs or its structure */
#define G_LOG_DOMAIN "saddle-hessian"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "saddle-format.h"
#include "saddle-hessian.h"
#include "saddle-hessian-structured.h"
#include "saddle-stats.h"

/* Directions per block when the caller does not choose: every dgemm inside
 * the R-operator is then large, and one block stays short enough that
 * progress and cancellation answer quickly. The model splits a block
 * further if its scratch limit demands. */
#define DEFAULT_BLOCK          64
/* Doubles of scratch per sample and unit of the hidden and output layers:
 * forward values, R-values and deltas. An estimate for the memory check;
 * the model owns the exact layout and reserves it itself. */
#define SCRATCH_PER_UNIT       4
/* Asymmetry above this is not rounding but a wrong second derivative. */
#define ASYMMETRY_LIMIT        1e-8
/* Input width from which the structured build's GEMMs beat the HVP build: see
 * saddle_hessian_choose_build(). */
#define STRUCTURED_MIN_INPUT   16
/* Tile edge of the transpose pass: two 64 × 64 tiles of doubles stay in L2. */
#define TILE                   64

G_DEFINE_QUARK (saddle-hessian-error-quark, saddle_hessian_error)

/* Estimated bytes of model scratch for HVP blocks of @k directions: the
 * forward pass once, plus R-operator state for the directions the model
 * handles at once (it chunks a block under its scratch limit). Saturates
 * at G_MAXSIZE so an absurd size fails the memory check instead of
 * wrapping around. */
static gsize
block_scratch_bytes (const SaddleModel *model,
                     const SaddleBatch *batch,
                     gsize              k)
{
  gsize units = 0, per_sample, forward, per_direction, chunk, total;
  gsize n_params = saddle_model_n_params (model);

  for (guint l = 1; l <= saddle_model_n_layers (model); l++)
    units += saddle_model_width (model, l);

  chunk = MIN (k, saddle_model_block_size (model, batch->n));

  if (!g_size_checked_mul (&per_sample, units, SCRATCH_PER_UNIT) ||
      !g_size_checked_mul (&forward, per_sample, MAX (batch->n, 1)) ||
      !g_size_checked_add (&per_direction, forward, 2 * n_params) ||
      !g_size_checked_mul (&total, per_direction, chunk) ||
      !g_size_checked_add (&total, total, forward) ||
      !g_size_checked_mul (&total, total, sizeof (double)))
    return G_MAXSIZE;

  return total;
}

/* One pass over tile pairs (I, J), I ≤ J: measures max|H − Hᵀ| and max|H|,
 * notices NaN/∞, and symmetrises in place. Working tile by tile keeps both
 * the row and the column access inside cache for a matrix of gigabytes. */
static void
symmetrise (double   *h,
            gsize     n,
            double   *max_diff_out,
            double   *max_abs_out,
            gboolean *finite_out)
{
  double max_diff = 0.0;
  double max_abs = 0.0;
  double poison = 0.0;   /* x · 0 is NaN exactly when x is NaN or ±∞ */

  for (gsize i0 = 0; i0 < n; i0 += TILE)
    {
      gsize i1 = MIN (i0 + TILE, n);

      for (gsize j0 = i0; j0 < n; j0 += TILE)
        {
          gsize j1 = MIN (j0 + TILE, n);

          for (gsize i = i0; i < i1; i++)
            {
              double *row = h + i * n;
              gsize jstart = (j0 == i0) ? i + 1 : j0;

              if (j0 == i0)
                {
                  poison += row[i] * 0.0;
                  max_abs = MAX (max_abs, fabs (row[i]));
                }

              for (gsize j = jstart; j < j1; j++)
                {
                  double a = row[j];
                  double b = h[j * n + i];
                  double mean = 0.5 * (a + b);

                  poison += a * 0.0 + b * 0.0;
                  max_abs = MAX (max_abs, MAX (fabs (a), fabs (b)));
                  max_diff = MAX (max_diff, fabs (a - b));
                  row[j] = mean;
                  h[j * n + i] = mean;
                }
            }
        }
    }

  *max_diff_out = max_diff;
  *max_abs_out = max_abs;
  *finite_out = !isnan (poison);
}

gsize
saddle_available_memory (void)
{
  g_autofree char *contents = NULL;
  const char *line;
  guint64 kib;
  char *end;

  if (!g_file_get_contents ("/proc/meminfo", &contents, NULL, NULL))
    return G_MAXSIZE;

  line = strstr (contents, "MemAvailable:");
  if (line == NULL)
    return G_MAXSIZE;

  line += strlen ("MemAvailable:");
  kib = g_ascii_strtoull (line, &end, 10);
  if (end == line)
    return G_MAXSIZE;

  if (kib > G_MAXSIZE / 1024)
    return G_MAXSIZE;

  return (gsize) kib * 1024;
}

gboolean
saddle_hessian_check_memory (gsize    n,
                             gsize    extra_bytes,
                             GError **error)
{
  g_autofree char *count = saddle_format_count (n);
  gsize available;
  gsize need;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n > 0 && (n > G_MAXSIZE / n || n * n > G_MAXSIZE / sizeof (double) ||
                n * n * sizeof (double) > G_MAXSIZE - extra_bytes))
    {
      g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
                   _("The Hessian of %s parameters needs more memory than this computer "
                     "can address; use a smaller model"), count);
      return FALSE;
    }

  need = n * n * sizeof (double) + extra_bytes;
  available = saddle_available_memory ();

  if (need > available)
    {
      g_autofree char *need_text = g_format_size (need);
      g_autofree char *available_text = g_format_size (available);

      g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
                   _("The Hessian of %s parameters needs %s; %s of memory is available. "
                     "Use a smaller model or close other programs"),
                   count, need_text, available_text);
      return FALSE;
    }

  return TRUE;
}

gboolean
saddle_hessian_check_symmetry (double    max_diff,
                               double    max_abs,
                               gboolean  finite,
                               double   *asymmetry,
                               GError  **error)
{
  double ratio;

  if (!finite)
    {
      g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_NOT_FINITE,
                   "The Hessian holds NaN or infinite entries: the loss or the "
                   "parameters are not finite at this point (did training diverge?)");
      return FALSE;
    }

  ratio = max_abs > 0.0 ? max_diff / max_abs : 0.0;
  if (asymmetry != NULL)
    *asymmetry = ratio;

  if (ratio > ASYMMETRY_LIMIT)
    {
      g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_ASYMMETRIC,
                   "The Hessian is not symmetric (max|H − Hᵀ| / max|H| = %.3g, above "
                   "%.0e): a second derivative is wrong; please report this model",
                   ratio, ASYMMETRY_LIMIT);
      return FALSE;
    }
  return TRUE;
}

/* The structured build's GEMMs have the input widths of the two layers of a block as one of
 * their dimensions: a layer fed by a narrow input (the function task's first layer has width 1)
 * makes its blocks GEMV-shaped, and when that layer holds most parameters the HVP build wins.
 * Measured (1,000 samples, one BLAS thread each, machine shared: load 12–21 on 2 cores; build
 * times in s, HVP against structured, n = 2–3 alternating runs each):
 *   1-31-31-1 ReLU MSE (1,086):      5.23–6.55 against 1.82–2.85, and 0.69–0.74 against 0.22–0.29;
 *                                    at load 6.5: 0.51–0.67 against 0.17–0.34
 *   1-31-31-1 tanh MSE (1,086):      5.68–6.88 against 2.81–4.44
 *   1-363-1 ReLU MSE (1,090):        26.3–30.2 against 18.7–40.2, and at load 6.5 1.66–2.69
 *                                    against 1.85–3.24: HVP kept
 *   784-20-20-10 ReLU CE (16,330):   250, 369 against 187, 50 (load 12–20) and 113, 94 against
 *                                    69, 113 (load 12–13): faster in 3 of 4 pairs, all noisy
 * Since 2026-12-07 a net of one output under MSE with ReLU or identity takes its Gauss–Newton
 * part as one DSYRK (saddle_hessian_structured_by_gradients()), whatever its input widths, and
 * every build takes the layer below's σ' and the identities directly: best of 5 (10 for tanh
 * 1-31-31-1) in CPU time, one thread, HVP against structured, 1-363-1 ReLU 526–602 ms against
 * 65–73 ms (446–457 before), 1-31-31-1 ReLU 166–184 against 35 ms (42 before), 1-31-31-1 tanh
 * 68–69 ms (94–97 before); 1-363-1 tanh 0.79–1.0 s against 0.53–0.87 s and sigmoid 0.74–0.92
 * against 0.49–0.85 s, structured faster in each of 4 alternating pairs a activation (17–19 s
 * before).
 * Rule: structured for a net of one output under MSE (the function task), and wherever the layer
 * with the most parameters reads at least STRUCTURED_MIN_INPUT inputs (its blocks dominate the
 * work), else HVP. The batch size scales both builds alike. */
SaddleHessianBuild
saddle_hessian_choose_build (const SaddleModel *model,
                             gsize              n_samples)
{
  guint largest = 0;

  g_return_val_if_fail (model != NULL, SADDLE_HESSIAN_BUILD_HVP);

  (void) n_samples;
  if (saddle_model_width (model, saddle_model_n_layers (model)) == 1
      && saddle_model_loss_kind (model) == SADDLE_LOSS_MSE)
    return SADDLE_HESSIAN_BUILD_STRUCTURED;
  for (guint l = 1; l < saddle_model_n_layers (model); l++)
    if (saddle_model_layer_size (model, l) > saddle_model_layer_size (model, largest))
      largest = l;
  return saddle_model_width (model, largest) >= STRUCTURED_MIN_INPUT
         ? SADDLE_HESSIAN_BUILD_STRUCTURED : SADDLE_HESSIAN_BUILD_HVP;
}

/* Columns of H by HVPs on identity blocks of @k into @h (n × n); FALSE if cancelled. */
static gboolean
fill_by_hvp (SaddleModel        *model,
             const double       *theta,
             const SaddleBatch  *batch,
             gsize               k,
             double             *h,
             SaddleProgressFunc  progress,
             gpointer            user_data,
             GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  gsize n = saddle_model_n_params (model);

  /* The model's scratch too, now, so running out of memory is this error and
   * not a warning and a matrix of NaN later. */
  if (!saddle_model_reserve (model, batch->n, k, &local_error))
    {
      g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
                   "%s", local_error->message);
      return FALSE;
    }

  for (gsize first = 0; first < n; first += k)
    {
      gsize kk = MIN (k, n - first);

      /* Row i of the (kk, n) result is H·e_{first+i}, i.e. column first+i of
       * H; it lands as row first+i of the n × n buffer, so the buffer holds
       * Hᵀ until symmetrised — the same matrix when the derivatives are
       * right, and the asymmetry measure does not care which. No second
       * n × n copy is ever made, and the model skips multiplying by the
       * identity directions. */
      saddle_model_hessian_columns (model, theta, batch, first, kk, h + first * n);

      if (progress != NULL && !progress ((double) (first + kk) / (double) n, user_data))
        {
          g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_CANCELLED,
                       "The Hessian build was cancelled after %" G_GSIZE_FORMAT
                       " of %" G_GSIZE_FORMAT " columns", first + kk, n);
          return FALSE;
        }
    }
  return TRUE;
}

double *
saddle_hessian_dense (SaddleModel        *model,
                      const double       *theta,
                      const SaddleBatch  *batch,
                      gsize               block,
                      SaddleProgressFunc  progress,
                      gpointer            user_data,
                      double             *asymmetry,
                      GError            **error)
{
  return saddle_hessian_dense_build (model, theta, batch, SADDLE_HESSIAN_BUILD_AUTO, block,
                                     progress, user_data, asymmetry, error);
}

double *
saddle_hessian_dense_build (SaddleModel        *model,
                            const double       *theta,
                            const SaddleBatch  *batch,
                            SaddleHessianBuild  build,
                            gsize               block,
                            SaddleProgressFunc  progress,
                            gpointer            user_data,
                            double             *asymmetry,
                            GError            **error)
{
  g_autofree double *h = NULL;
  double max_diff = 0.0, max_abs = 0.0;
  gboolean finite;
  gsize n, k, scratch;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (theta != NULL, NULL);
  g_return_val_if_fail (batch != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (asymmetry != NULL)
    *asymmetry = NAN;

  /* A batch the model cannot read would come back as a matrix of NaN; name
   * the mismatch instead. */
  if (!saddle_model_check_batch (model, batch, error))
    return NULL;

  n = saddle_model_n_params (model);
  k = MIN (block > 0 ? block : DEFAULT_BLOCK, n);
  k = MAX (k, 1);
  if (build == SADDLE_HESSIAN_BUILD_AUTO)
    build = saddle_hessian_choose_build (model, batch->n);
  scratch = build == SADDLE_HESSIAN_BUILD_STRUCTURED
            ? saddle_hessian_structured_scratch_bytes (model, batch->n)
            : block_scratch_bytes (model, batch, k);

  if (!saddle_hessian_check_memory (n, scratch, error))
    return NULL;

  /* g_try_malloc: MemAvailable can change between the check and here, and a
   * failed multi-gigabyte allocation must be a message, not an abort. */
  h = g_try_malloc (n * n * sizeof (double));
  if (h == NULL)
    {
      g_autofree char *count = saddle_format_count (n);
      g_autofree char *need_text = g_format_size ((guint64) n * n * sizeof (double));

      g_set_error (error, SADDLE_HESSIAN_ERROR, SADDLE_HESSIAN_ERROR_TOO_LARGE,
                   "Could not allocate the %s Hessian of %s parameters; use a smaller "
                   "model or close other programs", need_text, count);
      return NULL;
    }

  if (build == SADDLE_HESSIAN_BUILD_STRUCTURED
      ? !saddle_hessian_structured_fill (model, theta, batch, h, progress, user_data, error)
      : !fill_by_hvp (model, theta, batch, k, h, progress, user_data, error))
    return NULL;

  /* The structured build is symmetric by construction: it is only checked for NaN and ∞. */
  if (build == SADDLE_HESSIAN_BUILD_STRUCTURED)
    finite = saddle_stats_all_finite (h, n * n);
  else
    symmetrise (h, n, &max_diff, &max_abs, &finite);
  if (!saddle_hessian_check_symmetry (max_diff, max_abs, finite, asymmetry, error))
    return NULL;

  return g_steal_pointer (&h);
}
