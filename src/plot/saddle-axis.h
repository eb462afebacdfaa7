/* saddle-axis.h — a chart axis: data range, scale (linear, log, symmetric log), ticks and labels
 *
 * Values go through the axis to a 0..1 position along it; nothing else in a
 * chart knows about scales. Non-finite values, and values ≤ 0 on a log axis,
 * have no position (NAN) and are skipped by whoever draws them.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SADDLE_AXIS_LINEAR,
  SADDLE_AXIS_LOG,                  /* base 10, positive values only */
  SADDLE_AXIS_SYMLOG,               /* sign(v)·log10(1 + |v|/threshold): both signs, linear near 0 */
} SaddleAxisScale;

typedef struct
{
  double   value;                   /* data units */
  gboolean major;                   /* minor ticks have no label */
  char     label[32];               /* UTF-8, empty for minor ticks */
} SaddleTick;

typedef struct
{
  SaddleAxisScale scale;
  double          min, max;         /* visible range in data units, min < max after finish/set_range */
  double          threshold;        /* SYMLOG only: the linear half-width t > 0 */
  /*< private >*/
  double          data_min, data_max;   /* of the accepted values, in data units */
  gsize           n_data;
} SaddleAxis;

/* An axis of @scale with no data yet (range 0..1, or 1..10 for log). */
void     saddle_axis_init          (SaddleAxis      *axis,
                                    SaddleAxisScale  scale,
                                    double           threshold);
/* TRUE if @value can be placed on this axis (finite, and > 0 for log). */
gboolean saddle_axis_accepts       (const SaddleAxis *axis,
                                    double            value);
/* Widens the data range to @value if the axis accepts it. */
void     saddle_axis_include       (SaddleAxis      *axis,
                                    double           value);
/* Number of values accepted so far. */
gsize    saddle_axis_n_data        (const SaddleAxis *axis);
/* Sets the range from the data plus @padding (share of the span on each side,
 * in scale space); a single value or equal values get a sensible width, no
 * data the default range. */
void     saddle_axis_finish        (SaddleAxis      *axis,
                                    double           padding);
/* Fixes the visible range (swapped if reversed; widened if empty or invalid for the scale). */
void     saddle_axis_set_range     (SaddleAxis      *axis,
                                    double           min,
                                    double           max);
/* @value in scale space (identity, log10, symlog), NAN if not accepted. */
double   saddle_axis_transform     (const SaddleAxis *axis,
                                    double            value);
/* Inverse of saddle_axis_transform. */
double   saddle_axis_untransform   (const SaddleAxis *axis,
                                    double            scaled);
/* Position 0..1 of @value along the visible range (outside for values beyond it), NAN if not accepted. */
double   saddle_axis_to_unit       (const SaddleAxis *axis,
                                    double            value);
/* saddle_axis_to_unit() of each of @values, into @units (the same numbers). */
void     saddle_axis_to_units      (const SaddleAxis *axis,
                                    const double     *values,
                                    gsize             n,
                                    double           *units);
/* The value at position @unit. */
double   saddle_axis_from_unit     (const SaddleAxis *axis,
                                    double            unit);
/* Ticks inside the range for an axis @length long (user units), labels at
 * least @min_spacing apart: 1-2-5 steps (linear), decades with minor ticks
 * (log), signed decades (symlog). A GArray of SaddleTick. */
GArray  *saddle_axis_ticks         (const SaddleAxis *axis,
                                    double            length,
                                    double            min_spacing);
/* The 1-2-5 × 10^k step at least @raw (raw > 0). */
double   saddle_axis_nice_step     (double            raw);
/* Compact label for @value on a grid of @step: "0.5", "12", "1e-3", "2.5e4" (UTF-8). */
void     saddle_axis_format_value  (double            value,
                                    double            step,
                                    char             *buf,
                                    gsize             size);
/* Label for 10^@exponent: "0.001" … "10000" written out, "10⁵", "10⁻⁴" beyond
 * (log axes use the power form for every decade when any needs it). */
void     saddle_axis_format_decade (int               exponent,
                                    char             *buf,
                                    gsize             size);

G_END_DECLS
