/* saddle-compensated.h — affine maps summed to about twice double precision */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* s + e = a + b exactly (Knuth's TwoSum), s the nearest double. */
void saddle_compensated_sum (double  a,
                             double  b,
                             double *s,
                             double *e);

/* For each of @rows vectors z = z_hi + z_lo (rows of @in, @z_hi and @z_lo; |z_lo| at most
 * half an ulp of z_hi, as a pair normalised by saddle_compensated_sum() is), the @out sums
 * W·z + b (W: @out × @in, row-major; b: @bias), each as @hi + @lo (rows of @out): compensated
 * sums (Ogita, Rump and Oishi's Dot2 with z's low part folded into the products' errors), as
 * accurate as if summed in twice double precision and then rounded to hi + lo. Units where
 * z_hi and z_lo are both zero are passed over. @panel: room for 8·@in doubles. With AVX-512F
 * eight sums at once, with AVX2 and FMA four, each by the same operations in the same order
 * as alone: the same bits on every machine, NaNs' signs aside (@simd FALSE takes the scalar
 * loop, for the tests). */
void saddle_compensated_affine (gsize         rows,
                                gsize         out,
                                gsize         in,
                                const double *w,
                                const double *bias,
                                const double *z_hi,
                                const double *z_lo,
                                double       *hi,
                                double       *lo,
                                double       *panel,
                                gboolean      simd);

/* hi + lo = a·(dx_hi + dx_lo) + (b_hi + b_lo) for each of @n units (a step @dx_hi + @dx_lo
 * along a map of slopes @a from values @b_hi + @b_lo), to about twice double precision; the
 * same bits with and without AVX-512F or AVX2, NaNs' signs aside (@simd FALSE takes the scalar
 * loop). */
void saddle_compensated_axpy (gsize         n,
                              const double *a,
                              double        dx_hi,
                              double        dx_lo,
                              const double *b_hi,
                              const double *b_lo,
                              double       *hi,
                              double       *lo,
                              gboolean      simd);

/* Whether the loops above may take AVX-512F where the processor has it (default TRUE): FALSE
 * keeps them to AVX2, for tests on a processor that has both. A process-wide switch for tests
 * alone: not to be flipped while another thread sums. */
void saddle_compensated_set_wide (gboolean allowed);

G_END_DECLS
