/* test-plot-view.c — every figure draws the view range its style asks for (the app's zoom), and
 * its fitted range without one */
#define G_LOG_DOMAIN "test-plot-view"

#include "config.h"

#include <math.h>

#include "saddle-figures.h"

#define WIDTH  800
#define HEIGHT 600

typedef enum
{
  FIGURE_GRADNORM,
  FIGURE_TRAJECTORIES,
  FIGURE_CRITICAL,
  FIGURE_SPECTRUM,
  FIGURE_SLICE,
  N_FIGURES
} Figure;

typedef struct
{
  SaddleHistory     *history;
  SaddleTrajectory  *trajectory;
  SaddleCriticalSet *set;
  SaddleSlice       *slice;
} Data;

static void
data_init (Data *data)
{
  double params[3];

  data->history = saddle_history_new ();
  for (guint i = 0; i < 100; i++)
    {
      SaddleIterationRecord rec = { .run = i % 2, .iteration = i / 2 + 1, .epoch = 1,
                                    .loss = 1.0 / (1.0 + 0.05 * i), .grad_norm = exp (-0.1 * i) };

      saddle_history_add_iteration (data->history, &rec);
    }

  data->trajectory = saddle_trajectory_new (3, 0, 0, 2);
  for (guint e = 0; e < 12; e++)
    {
      SaddleSnapshotInfo info = { .run = e % 2, .epoch = e / 2, .iteration = e, .loss = 1.0 / (e + 1),
                                  .accuracy = NAN };

      params[0] = sin (0.5 * e);
      params[1] = cos (0.3 * e) * (1 + e % 2);
      params[2] = 0.1 * e;
      saddle_trajectory_add (data->trajectory, &info, params);
    }
  g_assert_true (saddle_trajectory_compute_pca (data->trajectory, NULL));

  data->set = saddle_critical_set_new (1e-6);
  for (guint r = 0; r < 4; r++)
    {
      double values[4] = { -0.3 * r, 0.2, 0.5 + r, 2.0 };
      g_autoptr(SaddleSpectrum) spectrum = saddle_spectrum_new_from_values (values, 4, 1e-6);
      SaddleCriticalPoint point = { .run = r, .n_params = 4, .loss = 0.2 + 0.1 * r,
                                    .accuracy = NAN, .spectrum = spectrum,
                                    .label = SADDLE_CRITICAL_SADDLE };

      saddle_critical_set_add (data->set, &point);
    }

  data->slice = g_new0 (SaddleSlice, 1);
  data->slice->n_points = 11;
  data->slice->range = 2.0;
  data->slice->alphas = g_new (double, 11);
  data->slice->loss_bottom = g_new (double, 11);
  data->slice->loss_top = g_new (double, 11);
  saddle_slice_alphas (2.0, 11, data->slice->alphas);
  for (guint i = 0; i < 11; i++)
    {
      data->slice->loss_bottom[i] = 1.0 - 0.1 * data->slice->alphas[i] * data->slice->alphas[i];
      data->slice->loss_top[i] = 1.0 + 3.0 * data->slice->alphas[i] * data->slice->alphas[i];
    }
  data->slice->loss = 1.0;
}

static void
data_clear (Data *data)
{
  saddle_history_free (data->history);
  saddle_trajectory_free (data->trajectory);
  saddle_critical_set_free (data->set);
  saddle_slice_free (data->slice);
}

/* Draws @figure with @style; its panels' areas into @areas (the second zeroed for one panel). */
static void
draw (const Data              *data,
      Figure                   figure,
      const SaddleFigureStyle *style,
      SaddlePlotArea           areas[2])
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  cairo_t *cr = cairo_create (surface);

  memset (areas, 0, 2 * sizeof (SaddlePlotArea));
  switch (figure)
    {
    case FIGURE_GRADNORM:
      saddle_figure_gradnorm (cr, WIDTH, HEIGHT, data->history, style, areas);
      break;
    case FIGURE_TRAJECTORIES:
      saddle_figure_trajectories (cr, WIDTH, HEIGHT, data->trajectory, FALSE, G_MAXUINT, style, areas);
      break;
    case FIGURE_CRITICAL:
      saddle_figure_critical (cr, WIDTH, HEIGHT, data->set, NULL, -1, style, areas);
      break;
    case FIGURE_SPECTRUM:
      saddle_figure_spectrum_area (cr, WIDTH, HEIGHT, g_ptr_array_index (data->set->points, 2), style,
                                   areas);
      break;
    case FIGURE_SLICE:
      saddle_figure_slice_areas (cr, WIDTH, HEIGHT, data->slice, style, areas);
      break;
    case N_FIGURES:
    default:
      g_assert_not_reached ();
    }
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
assert_close (double a,
              double b)
{
  g_assert_cmpfloat (fabs (a - b), <=, 1e-12 * MAX (1.0, fabs (a)));
}

/* A range inside [min, max]: its middle half, in the axis's own scale. */
static SaddleAxisLimits
middle_half (double   min,
             double   max,
             gboolean log_axis)
{
  SaddleAxisLimits limits;

  if (log_axis)
    {
      double lo = log10 (min), hi = log10 (max);

      limits.min = pow (10.0, lo + 0.25 * (hi - lo));
      limits.max = pow (10.0, lo + 0.75 * (hi - lo));
    }
  else
    {
      limits.min = min + 0.25 * (max - min);
      limits.max = min + 0.75 * (max - min);
    }
  return limits;
}

static void
test_view (void)
{
  Data data;

  data_init (&data);
  for (Figure figure = 0; figure < N_FIGURES; figure++)
    {
      guint n_panels = figure == FIGURE_GRADNORM || figure == FIGURE_SLICE ? 2 : 1;
      SaddlePlotArea fitted[2], zoomed[2];
      SaddleFigureStyle style;

      g_test_message ("figure %d", figure);
      saddle_figure_style_init (&style);
      g_assert_false (saddle_view_range_is_set (&style.view));
      draw (&data, figure, &style, fitted);

      /* x zoomed for all panels, y for the last only: the others keep their fitted y. */
      style.view.x = middle_half (fitted[0].x_min, fitted[0].x_max, fitted[0].x_log);
      style.view.y[n_panels - 1] = middle_half (fitted[n_panels - 1].y_min, fitted[n_panels - 1].y_max,
                                                fitted[n_panels - 1].y_log);
      g_assert_true (saddle_view_range_is_set (&style.view));
      draw (&data, figure, &style, zoomed);
      for (guint p = 0; p < n_panels; p++)
        {
          g_assert_cmpfloat (zoomed[p].width, >, 0);
          assert_close (zoomed[p].x_min, style.view.x.min);
          assert_close (zoomed[p].x_max, style.view.x.max);
          if (p == n_panels - 1)
            {
              assert_close (zoomed[p].y_min, style.view.y[p].min);
              assert_close (zoomed[p].y_max, style.view.y[p].max);
            }
          else
            {
              assert_close (zoomed[p].y_min, fitted[p].y_min);
              assert_close (zoomed[p].y_max, fitted[p].y_max);
            }
          g_assert_true (zoomed[p].x_scale == fitted[p].x_scale);
        }
      /* The spectrum's bins divide what shows: half the range, about half the bin width. */
      if (figure == FIGURE_SPECTRUM)
        g_assert_cmpfloat (zoomed[0].bin_width, <, 0.75 * fitted[0].bin_width);
    }
  data_clear (&data);
}

/* A zeroed or reversed range is no zoom: the fitted figure. */
static void
test_unset (void)
{
  Data data;
  SaddlePlotArea fitted[2], other[2];
  SaddleFigureStyle style;

  data_init (&data);
  saddle_figure_style_init (&style);
  draw (&data, FIGURE_GRADNORM, &style, fitted);
  style.view.x.min = 5;
  style.view.x.max = 5;
  style.view.y[0].min = 2;
  style.view.y[0].max = 1;
  style.view.y[1].min = NAN;
  style.view.y[1].max = 1;
  g_assert_false (saddle_view_range_is_set (&style.view));
  draw (&data, FIGURE_GRADNORM, &style, other);
  for (guint p = 0; p < 2; p++)
    {
      assert_close (other[p].x_min, fitted[p].x_min);
      assert_close (other[p].x_max, fitted[p].x_max);
      assert_close (other[p].y_min, fitted[p].y_min);
      assert_close (other[p].y_max, fitted[p].y_max);
    }
  data_clear (&data);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plot/view/range", test_view);
  g_test_add_func ("/plot/view/unset", test_unset);

  return g_test_run ();
}
