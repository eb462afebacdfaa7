/* saddle-axis.c */
#define G_LOG_DOMAIN "saddle-axis"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "saddle-axis.h"

/* A hard cap on ticks so an absurd range or length can never loop long. */
#define MAX_TICKS 512

static void
default_range (SaddleAxis *axis)
{
  switch (axis->scale)
    {
    case SADDLE_AXIS_LOG:
      axis->min = 1.0;
      axis->max = 10.0;
      break;
    case SADDLE_AXIS_SYMLOG:
      axis->min = saddle_axis_untransform (axis, -1.0);
      axis->max = saddle_axis_untransform (axis, 1.0);
      break;
    case SADDLE_AXIS_LINEAR:
    default:
      axis->min = 0.0;
      axis->max = 1.0;
      break;
    }
}

void
saddle_axis_init (SaddleAxis      *axis,
                  SaddleAxisScale  scale,
                  double           threshold)
{
  g_return_if_fail (axis != NULL);

  memset (axis, 0, sizeof *axis);
  axis->scale = scale;
  axis->threshold = (isfinite (threshold) && threshold > 0.0) ? threshold : 1.0;
  axis->data_min = INFINITY;
  axis->data_max = -INFINITY;
  default_range (axis);
}

gboolean
saddle_axis_accepts (const SaddleAxis *axis,
                     double            value)
{
  if (!isfinite (value))
    return FALSE;
  if (axis->scale == SADDLE_AXIS_LOG && !(value > 0.0))
    return FALSE;
  return TRUE;
}

void
saddle_axis_include (SaddleAxis *axis,
                     double      value)
{
  g_return_if_fail (axis != NULL);

  if (!saddle_axis_accepts (axis, value))
    return;

  axis->data_min = MIN (axis->data_min, value);
  axis->data_max = MAX (axis->data_max, value);
  axis->n_data++;
}

gsize
saddle_axis_n_data (const SaddleAxis *axis)
{
  return axis->n_data;
}

double
saddle_axis_transform (const SaddleAxis *axis,
                       double            value)
{
  if (!saddle_axis_accepts (axis, value))
    return NAN;

  switch (axis->scale)
    {
    case SADDLE_AXIS_LOG:
      return log10 (value);
    case SADDLE_AXIS_SYMLOG:
      return copysign (log10 (1.0 + fabs (value) / axis->threshold), value);
    case SADDLE_AXIS_LINEAR:
    default:
      return value;
    }
}

double
saddle_axis_untransform (const SaddleAxis *axis,
                         double            scaled)
{
  switch (axis->scale)
    {
    case SADDLE_AXIS_LOG:
      return pow (10.0, scaled);
    case SADDLE_AXIS_SYMLOG:
      return copysign (axis->threshold * (pow (10.0, fabs (scaled)) - 1.0), scaled);
    case SADDLE_AXIS_LINEAR:
    default:
      return scaled;
    }
}

/* Sets the visible range from two scale-space ends, widening an empty span. */
static void
set_scaled_range (SaddleAxis *axis,
                  double      lo,
                  double      hi)
{
  double min, max;

  if (!isfinite (lo) || !isfinite (hi))
    {
      default_range (axis);
      return;
    }

  if (hi - lo <= 1e-12 * MAX (fabs (lo), fabs (hi)) || hi - lo < DBL_MIN)
    {
      double c = 0.5 * (lo + hi);
      double d;

      /* All values equal: a linear axis gets ±10 % of the value (±1 around
       * 0), a log axis ±half a decade, a symmetric-log axis ±half a unit. */
      if (axis->scale == SADDLE_AXIS_LINEAR)
        d = c != 0.0 ? 0.1 * fabs (c) : 1.0;
      else
        d = 0.5;
      lo = c - d;
      hi = c + d;
    }

  min = saddle_axis_untransform (axis, lo);
  max = saddle_axis_untransform (axis, hi);
  if (!isfinite (min) || !isfinite (max) || !(max > min))
    {
      /* Beyond double range after padding: clamp rather than fail. */
      min = isfinite (min) ? min : -DBL_MAX;
      max = isfinite (max) ? max : DBL_MAX;
      if (axis->scale == SADDLE_AXIS_LOG)
        min = MAX (min, DBL_MIN);
      if (!(max > min))
        {
          default_range (axis);
          return;
        }
    }

  axis->min = min;
  axis->max = max;
}

void
saddle_axis_finish (SaddleAxis *axis,
                    double      padding)
{
  double lo, hi, pad;

  g_return_if_fail (axis != NULL);

  if (axis->n_data == 0)
    {
      default_range (axis);
      return;
    }

  lo = saddle_axis_transform (axis, axis->data_min);
  hi = saddle_axis_transform (axis, axis->data_max);
  pad = (hi - lo) * (isfinite (padding) ? MAX (padding, 0.0) : 0.0);
  if (!isfinite (pad))
    pad = 0.0;

  set_scaled_range (axis, lo - pad, hi + pad);
}

void
saddle_axis_set_range (SaddleAxis *axis,
                       double      min,
                       double      max)
{
  g_return_if_fail (axis != NULL);

  if (min > max)
    {
      double tmp = min;

      min = max;
      max = tmp;
    }

  if (axis->scale == SADDLE_AXIS_LOG && !(min > 0.0))
    min = max > 0.0 ? max / 1000.0 : NAN;

  set_scaled_range (axis, saddle_axis_transform (axis, min), saddle_axis_transform (axis, max));
}

/* @value's position between the transformed limits @lo and @hi. */
static inline double
unit_between (const SaddleAxis *axis,
              double            lo,
              double            hi,
              double            value)
{
  double t = saddle_axis_transform (axis, value);

  if (isnan (t) || !(hi > lo))
    return NAN;

  return (t - lo) / (hi - lo);
}

double
saddle_axis_to_unit (const SaddleAxis *axis,
                     double            value)
{
  return unit_between (axis, saddle_axis_transform (axis, axis->min),
                       saddle_axis_transform (axis, axis->max), value);
}

void
saddle_axis_to_units (const SaddleAxis *axis,
                      const double     *values,
                      gsize             n,
                      double           *units)
{
  /* The limits transformed once: a log axis took three logarithms a point (a tenth of the
   * live chart's draw, perf). */
  double lo = saddle_axis_transform (axis, axis->min);
  double hi = saddle_axis_transform (axis, axis->max);

  for (gsize i = 0; i < n; i++)
    units[i] = unit_between (axis, lo, hi, values[i]);
}

double
saddle_axis_from_unit (const SaddleAxis *axis,
                       double            unit)
{
  double lo = saddle_axis_transform (axis, axis->min);
  double hi = saddle_axis_transform (axis, axis->max);

  return saddle_axis_untransform (axis, lo + unit * (hi - lo));
}

double
saddle_axis_nice_step (double raw)
{
  double decade, fraction;

  if (!(raw > 0.0) || !isfinite (raw))
    return 1.0;

  decade = pow (10.0, floor (log10 (raw)));
  fraction = raw / decade;

  /* The smallest of 1, 2, 5, 10 not below the raw step, so the number of
   * ticks never exceeds what the length allows. */
  if (fraction <= 1.0 + 1e-9)
    return decade;
  if (fraction <= 2.0 + 1e-9)
    return 2.0 * decade;
  if (fraction <= 5.0 + 1e-9)
    return 5.0 * decade;
  return 10.0 * decade;
}

static void
strip_mantissa_zeros (char *s)
{
  char *dot = strchr (s, '.');
  char *end;

  if (dot == NULL)
    return;

  end = s + strlen (s) - 1;
  while (end > dot && *end == '0')
    *end-- = '\0';
  if (end == dot)
    *end = '\0';
}

/* @value on a grid of @step, written out (@fixed, with the step's decimals)
 * or as mantissa and exponent. */
static void
format_with_style (double   value,
                   double   step,
                   gboolean fixed,
                   char    *buf,
                   gsize    size)
{
  double a = fabs (value);
  char format[16];
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      g_strlcpy (buf, isnan (value) ? "nan" : (value > 0 ? "inf" : "-inf"), size);
      return;
    }

  if (!(step > 0.0) || !isfinite (step))
    step = a > 0.0 ? a : 1.0;

  if (a == 0.0 || a < step * 1e-9)
    {
      g_strlcpy (buf, "0", size);
      return;
    }

  if (fixed)
    {
      int decimals = (int) ceil (-log10 (step) - 1e-9);

      decimals = CLAMP (decimals, 0, 9);
      /* A step such as 0.25 needs more digits than its first one. */
      while (decimals < 9)
        {
          double scale = pow (10.0, decimals);

          if (fabs (round (value * scale) / scale - value) <= 1e-9 * MAX (a, step))
            break;
          decimals++;
        }
      g_snprintf (format, sizeof format, "%%.%df", decimals);
      g_ascii_formatd (number, sizeof number, format, value);
      g_strlcpy (buf, number, size);
    }
  else
    {
      int exponent = (int) floor (log10 (a));
      double mantissa = value / pow (10.0, exponent);
      int digits = (int) (exponent - floor (log10 (step) + 1e-9));

      digits = CLAMP (digits, 0, 4);
      g_snprintf (format, sizeof format, "%%.%df", digits);
      g_ascii_formatd (number, sizeof number, format, mantissa);
      /* Rounding can carry the mantissa to 10 (9.99 → "10.0"). */
      if (fabs (g_ascii_strtod (number, NULL)) >= 10.0)
        {
          exponent++;
          g_ascii_formatd (number, sizeof number, format, mantissa / 10.0);
        }
      strip_mantissa_zeros (number);
      g_snprintf (buf, size, "%se%d", number, exponent);
    }
}

/* Numbers from 0.001 to 99999 read best written out. */
static gboolean
magnitude_is_plain (double a)
{
  return a >= 1e-3 && a < 1e5;
}

void
saddle_axis_format_value (double  value,
                          double  step,
                          char   *buf,
                          gsize   size)
{
  g_return_if_fail (buf != NULL && size > 0);

  format_with_style (value, step, magnitude_is_plain (fabs (value)), buf, size);
}

/* Decades from 0.001 to 10000 read best written out. */
static gboolean
decade_is_plain (int exponent)
{
  return exponent >= -3 && exponent <= 4;
}

static void
format_power (int   exponent,
              char *buf,
              gsize size);

void
saddle_axis_format_decade (int   exponent,
                           char *buf,
                           gsize size)
{
  g_return_if_fail (buf != NULL && size > 0);

  if (decade_is_plain (exponent))
    {
      if (exponent >= 0)
        g_snprintf (buf, size, "%.0f", pow (10.0, exponent));
      else
        g_snprintf (buf, size, "%.*f", -exponent, pow (10.0, exponent));
      return;
    }

  format_power (exponent, buf, size);
}

/* 10 with a superscript exponent: "10⁴", "10⁻¹²", "10⁰". */
static void
format_power (int   exponent,
              char *buf,
              gsize size)
{
  static const char * const superscript[10] = {
    "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹",
  };
  char digits[16];
  GString *out;

  out = g_string_new ("10");
  if (exponent < 0)
    g_string_append (out, "⁻");
  g_snprintf (digits, sizeof digits, "%d", ABS (exponent));
  for (const char *d = digits; *d != '\0'; d++)
    g_string_append (out, superscript[*d - '0']);
  g_strlcpy (buf, out->str, size);
  g_string_free (out, TRUE);
}

static void
add_tick (GArray   *ticks,
          double    value,
          gboolean  major,
          const char *label)
{
  SaddleTick tick = { .value = value, .major = major };

  if (ticks->len >= MAX_TICKS)
    return;
  if (label != NULL)
    g_strlcpy (tick.label, label, sizeof tick.label);
  g_array_append_val (ticks, tick);
}

static void
linear_ticks (const SaddleAxis *axis,
              GArray           *ticks,
              double            min,
              double            max,
              double            length,
              double            min_spacing)
{
  double target = MAX (1.0, floor (length / min_spacing));
  double step = saddle_axis_nice_step ((max - min) / target);
  double first = ceil (min / step - 1e-9);
  double last = floor (max / step + 1e-9);

  gboolean fixed;

  if (!isfinite (first) || !isfinite (last) || last - first > MAX_TICKS)
    return;

  /* One style for every label of the axis, chosen by its largest value:
   * never "5e-4" beside "0.0010". */
  fixed = magnitude_is_plain (MAX (fabs (first * step), fabs (last * step)));

  for (double k = first; k <= last; k++)
    {
      double value = k * step;
      char label[32];

      /* k·step rather than accumulating, so 0.1 + 0.2 never shows as 0.30000000000000004. */
      if (fabs (value) < step * 1e-9)
        value = 0.0;
      if (!saddle_axis_accepts (axis, value))
        continue;
      format_with_style (value, step, fixed, label, sizeof label);
      add_tick (ticks, value, TRUE, label);
    }
}

/* Ticks at 2..9 × 10^@decade inside the range; 2 and 5 labelled when @label_25. */
static void
add_decade_minors (const SaddleAxis *axis,
                   GArray           *ticks,
                   int               decade,
                   gboolean          label_25)
{
  for (int m = 2; m <= 9; m++)
    {
      double v = m * pow (10.0, decade);
      char label[32];

      if (v < axis->min || v > axis->max)
        continue;
      if (label_25 && (m == 2 || m == 5))
        {
          saddle_axis_format_value (v, v, label, sizeof label);
          add_tick (ticks, v, TRUE, label);
        }
      else
        add_tick (ticks, v, FALSE, NULL);
    }
}

static void
log_ticks (const SaddleAxis *axis,
           GArray           *ticks,
           double            length,
           double            min_spacing)
{
  double lo = log10 (axis->min);
  double hi = log10 (axis->max);
  int d0 = (int) ceil (lo - 1e-9);
  int d1 = (int) floor (hi + 1e-9);
  int n_decades = d1 - d0 + 1;
  double decade_length = length / (hi - lo);
  gboolean power, label_25;
  char label[32];

  if (n_decades >= 2)
    {
      int every = (int) MAX (1.0, ceil (min_spacing / decade_length));
      guint n_major = 0;

      for (int d = d0; d <= d1; d++)
        if (((d % every) + every) % every == 0)
          n_major++;
      /* Too few aligned decades: label the two ends instead. */
      if (n_major < 2)
        every = MAX (1, d1 - d0);
      /* One style per axis: "10⁻⁶ … 10⁰", never "10⁻⁴, 0.001, 0.01". */
      power = !decade_is_plain (d0) || !decade_is_plain (d1);
      /* Roomy decades written out also get 2 and 5 labelled (0.2, 0.5, 1, 2, 5). */
      label_25 = !power && every == 1 && decade_length >= 3.0 * min_spacing;

      for (int d = d0; d <= d1; d++)
        {
          gboolean major = n_major >= 2 ? ((d % every) + every) % every == 0
                                        : (d == d0 || d == d1);

          if (major)
            {
              if (power)
                format_power (d, label, sizeof label);
              else
                saddle_axis_format_decade (d, label, sizeof label);
              add_tick (ticks, pow (10.0, d), TRUE, label);
            }
          else
            add_tick (ticks, pow (10.0, d), FALSE, NULL);

          /* Minor ticks at 2..9 × 10^d only where a decade is wide enough to show them. */
          if (every == 1 && decade_length >= 4.0 * 8.0)
            add_decade_minors (axis, ticks, d, label_25);
        }
      /* The partial decade below the first labelled one. */
      if (every == 1 && decade_length >= 4.0 * 8.0)
        add_decade_minors (axis, ticks, d0 - 1, label_25);
      return;
    }

  /* Less than two decades visible: labels at 1-2-5 × 10^k, the powers of ten
   * first, then each 2 and 5 that keeps a full spacing from every label; the
   * rest stay unlabelled ticks. A plain linear grid if that leaves fewer than
   * two labels (the range inside one 1-2-5 step). */
  {
    static const double mantissas[3] = { 1.0, 2.0, 5.0 };
    double values[3 * 8], pos[3 * 8];
    gboolean power_of_ten[3 * 8], keep[3 * 8];
    guint n = 0, kept = 0;
    guint start = ticks->len;

    for (int d = (int) floor (lo) - 1; d <= (int) ceil (hi) && n < G_N_ELEMENTS (values); d++)
      for (guint m = 0; m < G_N_ELEMENTS (mantissas) && n < G_N_ELEMENTS (values); m++)
        {
          double v = mantissas[m] * pow (10.0, d);

          if (v < axis->min * (1 - 1e-12) || v > axis->max * (1 + 1e-12))
            continue;
          values[n] = v;
          pos[n] = saddle_axis_to_unit (axis, v) * length;
          power_of_ten[n] = m == 0;
          keep[n] = FALSE;
          n++;
        }

    for (guint pass = 0; pass < 2; pass++)
      for (guint i = 0; i < n; i++)
        {
          gboolean clear = TRUE;

          if (power_of_ten[i] != (pass == 0))
            continue;
          for (guint j = 0; j < n && clear; j++)
            if (keep[j] && fabs (pos[i] - pos[j]) < min_spacing)
              clear = FALSE;
          if (clear)
            {
              keep[i] = TRUE;
              kept++;
            }
        }

    if (kept >= 2)
      {
        for (guint i = 0; i < n; i++)
          {
            saddle_axis_format_value (values[i], values[i], label, sizeof label);
            add_tick (ticks, values[i], keep[i], keep[i] ? label : NULL);
          }
        /* Unlabelled 3, 4, 6 … 9 × 10^k between them. */
        for (int d = (int) floor (lo); d <= (int) ceil (hi); d++)
          for (int m = 3; m <= 9; m++)
            {
              double v = m * pow (10.0, d);

              if (m != 5 && v >= axis->min && v <= axis->max)
                add_tick (ticks, v, FALSE, NULL);
            }
        return;
      }

    g_array_set_size (ticks, start);
    linear_ticks (axis, ticks, axis->min, axis->max, length, min_spacing);
    /* Evenly spaced values crowd together towards the top of a log axis
     * ("3e-4" against "4e-4"): keep a label only a full spacing past the
     * last one kept, the others stay as unlabelled ticks. */
    {
      double last_pos = -INFINITY;

      for (guint i = start; i < ticks->len; i++)
        {
          SaddleTick *tick = &g_array_index (ticks, SaddleTick, i);
          double at = saddle_axis_to_unit (axis, tick->value) * length;

          if (at - last_pos >= min_spacing)
            last_pos = at;
          else
            {
              tick->major = FALSE;
              tick->label[0] = '\0';
            }
        }
    }
  }
}

static void
symlog_ticks (const SaddleAxis *axis,
              GArray           *ticks,
              double            length,
              double            min_spacing)
{
  double extent = MAX (fabs (axis->min), fabs (axis->max));
  int k_lo = (int) floor (log10 (axis->threshold)) - 1;
  int k_hi = (int) ceil (log10 (extent)) + 1;
  double zero_pos = saddle_axis_to_unit (axis, 0.0) * length;
  gboolean zero_visible = axis->min <= 0.0 && axis->max >= 0.0;
  gboolean power = FALSE;
  char label[32];

  if (k_hi - k_lo > MAX_TICKS / 2)
    k_lo = k_hi - MAX_TICKS / 2;

  if (zero_visible)
    add_tick (ticks, 0.0, TRUE, "0");

  /* One style for the whole axis, as on log axes. */
  for (int k = k_lo; k <= k_hi && !power; k++)
    if (!decade_is_plain (k) && pow (10.0, k) <= extent && pow (10.0, k) >= axis->threshold)
      power = TRUE;

  /* Walk outwards from zero on each side, keeping a decade only when it is
   * far enough from the last kept one: near zero the decades crowd together. */
  for (int side = -1; side <= 1; side += 2)
    {
      double last_pos = zero_visible ? zero_pos : (side > 0 ? -INFINITY : INFINITY);

      for (int k = k_lo; k <= k_hi; k++)
        {
          double v = side * pow (10.0, k);
          double pos;

          if (v < axis->min || v > axis->max)
            continue;
          pos = saddle_axis_to_unit (axis, v) * length;
          if (fabs (pos - last_pos) >= min_spacing)
            {
              char decade[32];

              if (power)
                format_power (k, decade, sizeof decade);
              else
                saddle_axis_format_decade (k, decade, sizeof decade);
              g_snprintf (label, sizeof label, "%s%s", side < 0 ? "-" : "", decade);
              add_tick (ticks, v, TRUE, label);
              last_pos = pos;
            }
          else if (fabs (v) >= axis->threshold)
            add_tick (ticks, v, FALSE, NULL);
        }
    }
}

static int
compare_ticks (gconstpointer a,
               gconstpointer b)
{
  double va = ((const SaddleTick *) a)->value;
  double vb = ((const SaddleTick *) b)->value;

  return (va > vb) - (va < vb);
}

GArray *
saddle_axis_ticks (const SaddleAxis *axis,
                   double            length,
                   double            min_spacing)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (SaddleTick));

  g_return_val_if_fail (axis != NULL, ticks);

  if (!(length > 0.0) || !isfinite (length) || !(axis->max > axis->min))
    return ticks;
  if (!(min_spacing > 0.0) || !isfinite (min_spacing))
    min_spacing = 50.0;

  switch (axis->scale)
    {
    case SADDLE_AXIS_LOG:
      log_ticks (axis, ticks, length, min_spacing);
      break;
    case SADDLE_AXIS_SYMLOG:
      symlog_ticks (axis, ticks, length, min_spacing);
      break;
    case SADDLE_AXIS_LINEAR:
    default:
      linear_ticks (axis, ticks, axis->min, axis->max, length, min_spacing);
      break;
    }

  g_array_sort (ticks, compare_ticks);
  return ticks;
}
