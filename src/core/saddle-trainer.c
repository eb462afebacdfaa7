/* saddle-trainer.c — minibatch training of one run, reporting every step
 *
 * Event order (every event carries settings->run):
 *
 *   EPOCH 0, SNAPSHOT 0                      the starting point, whole training set
 *   per step t = 1, 2, …  (epoch e = 1, 2, …, ceil(n / batch) steps each):
 *     ITERATION t                            minibatch loss and ‖g‖₂ at θ before the step
 *     [EPOCH e]                              after the epoch's last step
 *     [SNAPSHOT]                             after the epoch's last step when snapshot_every = 0;
 *                                            else after every snapshot_every-th step and after
 *                                            the very last step
 *
 * EPOCH and SNAPSHOT events report the whole training set's loss and accuracy
 * at the parameters after step t; when both fall on the same step the set is
 * evaluated once and EPOCH comes first. With settings->epoch_grad_norm, EPOCH
 * events also carry the whole set's ‖∇L‖₂ there, from the same forward pass
 * plus one backward pass (otherwise grad_norm is NAN). At the end of every epoch
 * but the last, that gradient is taken at the same θ as the next epoch's first
 * step: the set is then evaluated as that step's minibatch (whose loss and
 * gradient the step takes, the same numbers) and the rest (evaluate_shared()),
 * where the model reads the rest in place (saddle_model_reads_rows(): with
 * AVX2 and one BLAS thread, the image model) and its passes do not go by region.
 * The whole set's loss and ‖∇L‖ then differ from one pass's at rounding.
 *
 * Everything is allocated before the first step; a step is one gather (or a
 * selection, whose inputs stay in the dataset), one loss-and-gradient pass, one
 * copy of θ (so a divergence can be undone) and one optimiser update.
 */
#define G_LOG_DOMAIN "saddle-trainer"

#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-batch.h"
#include "saddle-rng.h"
#include "saddle-trainer.h"

G_DEFINE_QUARK (saddle-train-error-quark, saddle_train_error)

static const char *
non_finite_word (double value)
{
  return isnan (value) ? "NaN" : "infinite";
}

static gboolean
check_unit_interval (double       value,
                     const char  *name,
                     GError     **error)
{
  if (!(value >= 0.0 && value < 1.0))
    {
      g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                   "%s must be in [0, 1), got %g", name, value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
validate (SaddleModel               *model,
          const double              *theta,
          const SaddleDataset       *dataset,
          const SaddleTrainSettings *settings,
          GError                   **error)
{
  const SaddleOptimizerSettings *opt = &settings->optimizer;
  g_autoptr(GError) local_error = NULL;
  SaddleBatch full;
  gsize n_params;
  guint n_outputs;

  if (dataset->n_samples == 0)
    {
      g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                   "the training set “%s” has no samples",
                   dataset->name != NULL ? dataset->name : "(unnamed)");
      return FALSE;
    }
  if (dataset->n_samples > G_MAXUINT32)
    {
      g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                   "the training set has %" G_GSIZE_FORMAT " samples; at most %u are supported",
                   dataset->n_samples, G_MAXUINT32);
      return FALSE;
    }
  if (settings->batch_size == 0)
    {
      g_set_error_literal (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                           "batch size must be at least 1, got 0");
      return FALSE;
    }
  if (settings->epochs == 0)
    {
      g_set_error_literal (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                           "epochs must be at least 1, got 0");
      return FALSE;
    }
  if (!(opt->lr > 0.0) || !isfinite (opt->lr))
    {
      g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                   "learning rate must be a positive finite number, got %g", opt->lr);
      return FALSE;
    }

  switch (opt->kind)
    {
    case SADDLE_OPTIMIZER_SGD:
      break;
    case SADDLE_OPTIMIZER_MOMENTUM:
      if (!check_unit_interval (opt->momentum, "momentum", error))
        return FALSE;
      break;
    case SADDLE_OPTIMIZER_ADAM:
      if (!check_unit_interval (opt->beta1, "Adam β1", error)
          || !check_unit_interval (opt->beta2, "Adam β2", error))
        return FALSE;
      if (!(opt->epsilon > 0.0) || !isfinite (opt->epsilon))
        {
          g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                       "Adam ε must be a positive finite number, got %g", opt->epsilon);
          return FALSE;
        }
      break;
    default:
      g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                   "unknown optimizer (%d): use sgd, momentum or adam", (int) opt->kind);
      return FALSE;
    }

  /* The model knows what it can read (input width, outputs, label range, loss)
   * and says so in words the user can act on. */
  saddle_batch_init_full (&full, dataset);
  if (!saddle_model_check_batch (model, &full, &local_error))
    {
      g_set_error_literal (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                           local_error->message);
      return FALSE;
    }
  n_outputs = saddle_model_width (model, saddle_model_n_layers (model));
  if (dataset->kind == SADDLE_DATASET_CLASSIFICATION && dataset->n_outputs != n_outputs)
    {
      g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                   "the training set has %" G_GSIZE_FORMAT " classes but the network has %u "
                   "outputs: make the output layer %" G_GSIZE_FORMAT " wide",
                   dataset->n_outputs, n_outputs, dataset->n_outputs);
      return FALSE;
    }

  n_params = saddle_model_n_params (model);
  for (gsize i = 0; i < n_params; i++)
    if (!isfinite (theta[i]))
      {
        g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                     "the starting parameters are not finite (parameter %" G_GSIZE_FORMAT
                     " is %s): initialise them again", i, non_finite_word (theta[i]));
        return FALSE;
      }

  return TRUE;
}

/* Σ x², in eight partial sums, component i into sum i mod 8, then added in pairs. One running
 * sum waited on each addition before the next: 0.62 µs for a critical run's 1,086 components,
 * at every training step, against 0.14 (one thread, 2026-12-07). The same numbers wherever the
 * build does not fuse a multiply into an add (x86-64's baseline has no FMA), and a smaller
 * error bound than one running sum's. Eight named sums: an array of them GCC kept in memory
 * (0.47 µs). */
static double
sum_of_squares (const double *x,
                gsize         n)
{
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0, s5 = 0.0, s6 = 0.0, s7 = 0.0;
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      s0 += x[i] * x[i];
      s1 += x[i + 1] * x[i + 1];
      s2 += x[i + 2] * x[i + 2];
      s3 += x[i + 3] * x[i + 3];
      s4 += x[i + 4] * x[i + 4];
      s5 += x[i + 5] * x[i + 5];
      s6 += x[i + 6] * x[i + 6];
      s7 += x[i + 7] * x[i + 7];
    }
  /* The last 0 to 7 components, each into its own sum. */
  switch (n - i)
    {
    case 7:
      s6 += x[i + 6] * x[i + 6];
      G_GNUC_FALLTHROUGH;
    case 6:
      s5 += x[i + 5] * x[i + 5];
      G_GNUC_FALLTHROUGH;
    case 5:
      s4 += x[i + 4] * x[i + 4];
      G_GNUC_FALLTHROUGH;
    case 4:
      s3 += x[i + 3] * x[i + 3];
      G_GNUC_FALLTHROUGH;
    case 3:
      s2 += x[i + 2] * x[i + 2];
      G_GNUC_FALLTHROUGH;
    case 2:
      s1 += x[i + 1] * x[i + 1];
      G_GNUC_FALLTHROUGH;
    case 1:
      s0 += x[i] * x[i];
      G_GNUC_FALLTHROUGH;
    default:
      break;
    }
  return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
}

/* ‖g‖₂, with *finite = FALSE if any component is NaN or infinite or the norm
 * itself overflows. A plain sum of squares is enough almost always; only if it
 * overflows with finite components is the norm taken again with scaling. */
static double
gradient_norm (const double *grad,
               gsize         n,
               gboolean     *finite)
{
  double sum = sum_of_squares (grad, n);
  double scale = 0.0;

  if (isfinite (sum))
    {
      *finite = TRUE;
      return sqrt (sum);
    }

  for (gsize i = 0; i < n; i++)
    {
      if (!isfinite (grad[i]))
        {
          *finite = FALSE;
          return isnan (grad[i]) ? NAN : INFINITY;
        }
      scale = MAX (scale, fabs (grad[i]));
    }

  sum = 0.0;
  for (gsize i = 0; i < n; i++)
    {
      double r = grad[i] / scale;

      sum += r * r;
    }
  *finite = isfinite (scale * sqrt (sum));
  return scale * sqrt (sum);
}

static inline gboolean
emit (SaddleEventFunc    func,
      gpointer           user_data,
      const SaddleEvent *event)
{
  return func == NULL || func (event, user_data);
}

/* The whole set's loss, accuracy and ‖∇L‖₂ at @theta as evaluate_full() gives them (to
 * rounding), in two parts: the next epoch's first minibatch, the first @batch_size of
 * @indices, whose loss goes to *@first_loss and gradient to @grad exactly as that step would
 * take them, and the other samples (their gradient in @rest_grad, scratch). The shared
 * minibatch is a sixth of the two evaluations' work in the default image studies. */
static double
evaluate_shared (SaddleModel         *model,
                 const double        *theta,
                 const SaddleDataset *dataset,
                 const guint32       *indices,
                 gsize                batch_size,
                 SaddleBatch         *first,
                 SaddleBatch         *rest,
                 guint32             *rest_indices,
                 double              *grad,
                 double              *rest_grad,
                 double              *first_loss,
                 double              *accuracy,
                 double              *grad_norm)
{
  gsize n = dataset->n_samples, m = n - batch_size, n_params = saddle_model_n_params (model);
  double first_accuracy, rest_accuracy, rest_loss;
  gboolean finite;
  gsize k = 0;

  /* As the step would have read it (saddle_train()'s select_full). */
  if (saddle_model_reads_rows (model, batch_size))
    saddle_batch_select (first, dataset, indices, batch_size);
  else
    saddle_batch_gather (first, dataset, indices, batch_size);
  *first_loss = saddle_model_loss_grad_accuracy (model, theta, first, grad, &first_accuracy);
  /* The rest in the set's order: rows read forwards through memory, as in one pass. */
  memset (rest_indices, 0, n * sizeof (guint32));
  for (gsize i = 0; i < batch_size; i++)
    rest_indices[indices[i]] = 1;
  for (gsize i = 0; i < n; i++)
    if (rest_indices[i] == 0)
      rest_indices[k++] = (guint32) i;
  saddle_batch_select (rest, dataset, rest_indices, m);
  rest_loss = saddle_model_loss_grad_accuracy (model, theta, rest, rest_grad, &rest_accuracy);

  /* The losses and gradients are means over their samples. */
  for (gsize p = 0; p < n_params; p++)
    rest_grad[p] = ((double) batch_size * grad[p] + (double) m * rest_grad[p]) / (double) n;
  *grad_norm = gradient_norm (rest_grad, n_params, &finite);
  /* Counts of correct samples, so the same accuracy as in one pass. */
  *accuracy = isnan (first_accuracy) ? NAN
              : (round (first_accuracy * (double) batch_size)
                 + round (rest_accuracy * (double) m)) / (double) n;
  return ((double) batch_size * *first_loss + (double) m * rest_loss) / (double) n;
}

/* The whole set's loss and accuracy at @theta, and with @want_grad its ‖∇L‖₂ into *@grad_norm
 * (NAN without); @grad is scratch (n_params). */
static double
evaluate_full (SaddleModel       *model,
               const double      *theta,
               const SaddleBatch *full,
               gboolean           want_grad,
               double            *grad,
               double            *accuracy,
               double            *grad_norm)
{
  double loss;
  gboolean finite;

  *grad_norm = NAN;
  if (!want_grad)
    return saddle_model_loss_accuracy (model, theta, full, accuracy);
  loss = saddle_model_loss_grad_accuracy (model, theta, full, grad, accuracy);
  *grad_norm = gradient_norm (grad, saddle_model_n_params (model), &finite);
  return loss;
}

static void
set_cancelled (GError  **error,
               guint64   iteration,
               guint     epoch)
{
  if (iteration == 0)
    g_set_error_literal (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_CANCELLED,
                         "training cancelled before the first step");
  else
    g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_CANCELLED,
                 "training cancelled at step %" G_GUINT64_FORMAT " (epoch %u)",
                 iteration, epoch);
}

gsize
saddle_train_shared_samples (const SaddleModel *model,
                             gsize              n,
                             guint              batch,
                             gboolean           epoch_grad_norm)
{
  gsize batch_size = MIN ((gsize) batch, n);

  g_return_val_if_fail (model != NULL, 0);

  /* Not where the set's passes go by region (a selection of the rest would not), nor where
   * the model cannot read the rest in place: a copy of most of the set would cost more than
   * the shared minibatch saves. */
  if (!epoch_grad_norm || batch_size == 0 || batch_size >= n
      || saddle_model_sums_by_region (model, n)
      || !saddle_model_reads_rows (model, n - batch_size))
    return 0;
  return batch_size;
}

gboolean
saddle_train (SaddleModel               *model,
              double                    *theta,
              const SaddleDataset       *dataset,
              const SaddleTrainSettings *settings,
              SaddleEventFunc            func,
              gpointer                   user_data,
              GError                   **error)
{
  g_autoptr(SaddleOptimizer) optimizer = NULL;
  g_autofree double *grad = NULL;
  g_autofree double *theta_prev = NULL;
  g_autofree double *rest_grad = NULL;
  g_autofree guint32 *indices = NULL;
  g_autofree guint32 *rest_indices = NULL;
  g_autoptr(GError) local_error = NULL;
  SaddleBatch full;
  SaddleBatch mini = { 0 };
  SaddleBatch rest = { 0 };
  SaddleRng rng;
  SaddleEvent event;
  gboolean ok = FALSE;
  gboolean select_full;   /* whether a whole minibatch is read in place */
  gboolean share;         /* whether an epoch's end shares its gradient with the next step */
  gboolean carried = FALSE;   /* the next epoch's order drawn and its first step's taken */
  gsize n, batch_size, steps_per_epoch, n_params;
  guint64 iteration = 0;
  double loss, accuracy, full_grad_norm, carried_loss = NAN;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (theta != NULL, FALSE);
  g_return_val_if_fail (dataset != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!validate (model, theta, dataset, settings, error))
    return FALSE;

  n = dataset->n_samples;
  batch_size = MIN ((gsize) settings->batch_size, n);
  steps_per_epoch = (n + batch_size - 1) / batch_size;
  /* Asked once, not at every step; only a shorter last minibatch asks again. */
  select_full = saddle_model_reads_rows (model, batch_size);
  n_params = saddle_model_n_params (model);

  /* Everything the loop needs, now: the model's scratch for the largest batch
   * it will see (the whole set), the minibatch storage, the optimiser state. */
  if (!saddle_model_reserve (model, n, 0, &local_error))
    {
      g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_INVALID,
                   "cannot train on %" G_GSIZE_FORMAT " samples: %s", n, local_error->message);
      return FALSE;
    }

  grad = g_new (double, MAX (n_params, 1));
  theta_prev = g_new (double, MAX (n_params, 1));
  indices = g_new (guint32, n);
  optimizer = saddle_optimizer_new (&settings->optimizer, n_params);

  for (gsize i = 0; i < n; i++)
    indices[i] = (guint32) i;
  saddle_batch_init_full (&full, dataset);
  saddle_batch_gather (&mini, dataset, indices, batch_size);
  share = saddle_train_shared_samples (model, n, settings->batch_size,
                                       settings->epoch_grad_norm) > 0;
  if (share)
    {
      rest_grad = g_new (double, MAX (n_params, 1));
      rest_indices = g_new (guint32, n);
      saddle_batch_select (&rest, dataset, indices, n - batch_size);
    }

  saddle_rng_init (&rng, settings->shuffle_seed);

  /* The starting point. */
  loss = evaluate_full (model, theta, &full, settings->epoch_grad_norm, grad, &accuracy,
                        &full_grad_norm);
  if (!isfinite (loss))
    {
      g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_DIVERGED,
                   "loss is %s at the starting point, before any step: "
                   "initialise the parameters with a smaller scale",
                   non_finite_word (loss));
      goto out;
    }

  event = saddle_event_init (SADDLE_EVENT_EPOCH, settings->run);
  event.epoch = 0;
  event.iteration = 0;
  event.loss = loss;
  event.accuracy = accuracy;
  event.grad_norm = full_grad_norm;
  if (!emit (func, user_data, &event))
    {
      set_cancelled (error, 0, 0);
      goto out;
    }
  event.kind = SADDLE_EVENT_SNAPSHOT;
  event.params = theta;
  event.n_params = n_params;
  if (!emit (func, user_data, &event))
    {
      set_cancelled (error, 0, 0);
      goto out;
    }

  memcpy (theta_prev, theta, n_params * sizeof (double));

  for (guint epoch = 1; epoch <= settings->epochs; epoch++)
    {
      /* A fresh permutation each epoch (as torch's RandomSampler), drawn from
       * the one seeded stream, so the order depends on the seed alone; drawn at the last
       * epoch's end when that shared its evaluation with this epoch's first step. */
      if (!carried)
        {
          for (gsize i = 0; i < n; i++)
            indices[i] = (guint32) i;
          saddle_rng_shuffle (&rng, indices, n);
        }

      for (gsize b = 0; b < steps_per_epoch; b++)
        {
          gsize start = b * batch_size;
          gsize count = MIN (batch_size, n - start);
          gboolean epoch_end = b + 1 == steps_per_epoch;
          gboolean last = epoch_end && epoch == settings->epochs;
          gboolean want_snapshot;
          gboolean grad_finite;
          double grad_norm;

          /* A minibatch's inputs read in place where the first layer's products can. With a
           * run on each of 2 cores, memmove() took 15 % of the default trajectories study's
           * runs (perf), 7 % once the 200 images a step were no longer copied, but the products
           * read the scattered rows slower: over 12 rounds in alternating order (2026-12-07)
           * the default gradnorm study's median went 0.59 → 0.545 s (faster in 10, tied in 2),
           * the trajectories study's 0.79 → 0.78 s (faster in 7, slower in 3). */
          if (carried)
            {
              /* Taken with the whole set's evaluation at the last epoch's end: in grad. */
              loss = carried_loss;
              carried = FALSE;
            }
          else
            {
              if (count == batch_size ? select_full : saddle_model_reads_rows (model, count))
                saddle_batch_select (&mini, dataset, indices + start, count);
              else
                saddle_batch_gather (&mini, dataset, indices + start, count);
              loss = saddle_model_loss_grad (model, theta, &mini, grad);
            }
          iteration++;
          grad_norm = gradient_norm (grad, n_params, &grad_finite);

          if (!isfinite (loss) || !grad_finite)
            {
              /* θ_prev is the point before the step that led here, where the
               * loss and gradient were still finite. */
              memcpy (theta, theta_prev, n_params * sizeof (double));
              g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_DIVERGED,
                           "%s became %s at step %" G_GUINT64_FORMAT " (epoch %u): "
                           "try a smaller learning rate (now %g)",
                           isfinite (loss) ? "gradient" : "loss",
                           non_finite_word (isfinite (loss) ? grad_norm : loss),
                           iteration, epoch, settings->optimizer.lr);
              goto out;
            }

          event = saddle_event_init (SADDLE_EVENT_ITERATION, settings->run);
          event.iteration = iteration;
          event.epoch = epoch;
          event.loss = loss;
          event.grad_norm = grad_norm;
          if (!emit (func, user_data, &event))
            {
              set_cancelled (error, iteration, epoch);
              goto out;
            }

          memcpy (theta_prev, theta, n_params * sizeof (double));
          saddle_optimizer_step (optimizer, theta, grad);

          if (settings->snapshot_every > 0)
            want_snapshot = iteration % settings->snapshot_every == 0 || last;
          else
            want_snapshot = epoch_end;

          if (!epoch_end && !want_snapshot)
            continue;

          if (epoch_end && share && epoch < settings->epochs)
            {
              /* The next epoch's order now: nothing draws from the stream in between. */
              for (gsize i = 0; i < n; i++)
                indices[i] = (guint32) i;
              saddle_rng_shuffle (&rng, indices, n);
              loss = evaluate_shared (model, theta, dataset, indices, batch_size, &mini, &rest,
                                      rest_indices, grad, rest_grad, &carried_loss, &accuracy,
                                      &full_grad_norm);
              carried = TRUE;
            }
          else
            /* The step consumed the minibatch gradient: its buffer is free for the whole
             * set's. */
            loss = evaluate_full (model, theta, &full, settings->epoch_grad_norm && epoch_end,
                                  grad, &accuracy, &full_grad_norm);
          if (!isfinite (loss))
            {
              memcpy (theta, theta_prev, n_params * sizeof (double));
              g_set_error (error, SADDLE_TRAIN_ERROR, SADDLE_TRAIN_ERROR_DIVERGED,
                           "training-set loss became %s after step %" G_GUINT64_FORMAT
                           " (epoch %u): try a smaller learning rate (now %g)",
                           non_finite_word (loss), iteration, epoch, settings->optimizer.lr);
              goto out;
            }

          event = saddle_event_init (SADDLE_EVENT_EPOCH, settings->run);
          event.iteration = iteration;
          event.epoch = epoch;
          event.loss = loss;
          event.accuracy = accuracy;
          event.grad_norm = full_grad_norm;

          if (epoch_end && !emit (func, user_data, &event))
            {
              set_cancelled (error, iteration, epoch);
              goto out;
            }

          if (want_snapshot)
            {
              event.kind = SADDLE_EVENT_SNAPSHOT;
              event.params = theta;
              event.n_params = n_params;
              if (!emit (func, user_data, &event))
                {
                  set_cancelled (error, iteration, epoch);
                  goto out;
                }
            }
        }
    }

  ok = TRUE;

out:
  saddle_batch_clear (&mini);
  saddle_batch_clear (&rest);
  return ok;
}
