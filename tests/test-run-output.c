/* test-run-output.c — a run's records packed for another process come back bit for bit, and
 * damaged bytes are refused */
#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-run-output.h"

#define N_PARAMS 5

/* A run's output with every part: history, a point with its spectrum and θ, params, failure. */
static void
fill_output (SaddleRunOutput *out)
{
  static const double values[N_PARAMS] = { -2.5, -1e-300, 0.0, 1.0 / 3.0, 7e10 };
  SaddleIterationRecord iteration = { 2, 1, 7, 0.125, 3.5e-4 };
  SaddleEpochRecord epoch = { 2, 1, 7, 0.25, NAN };
  SaddleCriticalPoint *point = g_new0 (SaddleCriticalPoint, 1);

  memset (out, 0, sizeof *out);
  out->succeeded = TRUE;
  out->history = saddle_history_new ();
  saddle_history_add_iteration (out->history, &iteration);
  saddle_history_add_epoch (out->history, &epoch);
  point->run = 2;
  point->n_params = N_PARAMS;
  point->loss = 0.1;
  point->accuracy = NAN;
  point->grad_norm = 1e-9;
  point->label = SADDLE_CRITICAL_SADDLE;
  point->spectrum = saddle_spectrum_new_from_values (values, N_PARAMS, 1e-6);
  point->params = g_memdup2 (values, sizeof values);
  out->point = point;
  out->params = g_memdup2 (values, sizeof values);
  out->failure = g_strdup ("run 3: loss diverged at step 41");
}

static void
test_round_trip (void)
{
  SaddleRunOutput out, back = { 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  fill_output (&out);
  bytes = saddle_run_output_pack (&out, N_PARAMS);
  g_assert_true (saddle_run_output_unpack (&back, bytes, N_PARAMS, &error));
  g_assert_no_error (error);

  g_assert_true (back.succeeded);
  g_assert_false (back.cancelled);
  g_assert_cmpuint (back.history->iterations->len, ==, 1);
  g_assert_cmpmem (back.history->iterations->data, sizeof (SaddleIterationRecord),
                   out.history->iterations->data, sizeof (SaddleIterationRecord));
  g_assert_cmpuint (back.history->epochs->len, ==, 1);
  g_assert_cmpuint (back.history->n_runs, ==, 3);
  g_assert_cmpuint (back.point->run, ==, 2);
  g_assert_cmpint (back.point->label, ==, SADDLE_CRITICAL_SADDLE);
  g_assert_true (isnan (back.point->accuracy));
  /* Bit for bit: what rank 0 writes from them must not differ in the last digit. */
  g_assert_cmpmem (back.point->spectrum->eigenvalues, N_PARAMS * sizeof (double),
                   out.point->spectrum->eigenvalues, N_PARAMS * sizeof (double));
  g_assert_cmpuint (back.point->spectrum->negative, ==, out.point->spectrum->negative);
  g_assert_cmpmem (back.point->params, N_PARAMS * sizeof (double), out.point->params,
                   N_PARAMS * sizeof (double));
  g_assert_cmpmem (back.params, N_PARAMS * sizeof (double), out.params,
                   N_PARAMS * sizeof (double));
  g_assert_cmpstr (back.failure, ==, out.failure);
  saddle_run_output_clear (&out);
  saddle_run_output_clear (&back);
}

/* A cancelled run with nothing but part of its history travels too. */
static void
test_partial (void)
{
  SaddleRunOutput out = { 0 }, back = { 0 };
  SaddleEpochRecord epoch = { 0, 0, 0, 1.5, 0.5 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  out.cancelled = TRUE;
  out.history = saddle_history_new ();
  saddle_history_add_epoch (out.history, &epoch);
  bytes = saddle_run_output_pack (&out, N_PARAMS);
  g_assert_true (saddle_run_output_unpack (&back, bytes, N_PARAMS, &error));
  g_assert_true (back.cancelled);
  g_assert_false (back.succeeded);
  g_assert_null (back.point);
  g_assert_null (back.params);
  g_assert_null (back.failure);
  g_assert_cmpuint (back.history->epochs->len, ==, 1);
  saddle_run_output_clear (&out);
  saddle_run_output_clear (&back);
}

/* Every truncation, a byte too many and another model's size are refused, leaving nothing. */
static void
test_damaged (void)
{
  SaddleRunOutput out;
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const guint8 *data;

  fill_output (&out);
  bytes = saddle_run_output_pack (&out, N_PARAMS);
  data = g_bytes_get_data (bytes, &size);
  for (gsize cut = 0; cut <= size + 1; cut++)
    {
      g_autofree guint8 *copy = g_malloc0 (size + 1);
      g_autoptr(GBytes) damaged = NULL;
      g_autoptr(GError) error = NULL;
      SaddleRunOutput back = { 0 };

      if (cut == size)
        continue;
      memcpy (copy, data, MIN (cut, size));
      damaged = g_bytes_new (copy, cut);
      g_assert_false (saddle_run_output_unpack (&back, damaged, N_PARAMS, &error));
      g_assert_error (error, SADDLE_RUN_OUTPUT_ERROR, SADDLE_RUN_OUTPUT_ERROR_CORRUPT);
      g_assert_null (back.history);
      g_assert_null (back.point);
    }
  {
    g_autoptr(GError) error = NULL;
    SaddleRunOutput back = { 0 };

    g_assert_false (saddle_run_output_unpack (&back, bytes, N_PARAMS + 1, &error));
    g_assert_error (error, SADDLE_RUN_OUTPUT_ERROR, SADDLE_RUN_OUTPUT_ERROR_CORRUPT);
  }
  saddle_run_output_clear (&out);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/run-output/round-trip", test_round_trip);
  g_test_add_func ("/core/run-output/partial", test_partial);
  g_test_add_func ("/core/run-output/damaged", test_damaged);
  return g_test_run ();
}
