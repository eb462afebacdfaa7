/* saddle-line-raster.c — round-joined polylines rasterised straight into pixels */
#include "config.h"

#include <math.h>
#include <string.h>

#include "saddle-line-raster.h"
#include "saddle-pixel-target.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_ROWS 1
#endif

/* How many spans ahead blend_spans() asks for the image's pixels. */
#define PREFETCH_AHEAD 8

/* A run of pixels in one row that a segment may cover. */
typedef struct
{
  int row, col0, col1;
} Span;

/* A coverage buffer; with @spans, the runs every segment visited, so that only those pixels
 * are blended (a noisy line's rows are mostly empty between its segments); with @halo, a
 * second buffer of the same size for a wider stroke of the same line, from the same distances. */
typedef struct
{
  guint8 *data;
  int     width, height, stride;
  GArray *spans;        /* of Span, or NULL */
  guint8 *halo;         /* or NULL */
  double  halo_width;   /* in pixels, at least the line's */
} Canvas;

/* A pixel centre at @distance from the segment, on a stroke reaching @reach with coverage
 * @peak at most, as a byte. */
static inline guint8
coverage_at (double distance,
             double reach,
             double peak)
{
  return distance < reach ? (guint8) (MIN (reach - distance, peak) * 255.0 + 0.5) : 0;
}

/* A segment as the rows see it: its vector from its start, unit normal and squared length,
 * and the reach and peak coverage of its line and halo. */
typedef struct
{
  double   dx, dy, nx, ny, len2;
  double   line_reach, peak, halo_reach, halo_peak;
  gboolean joined;   /* the segment before ends where this one starts */
} Segment;

/* The distance from the pixel centre at (@px, @py) from the segment's start: to the segment
 * where its projection falls on it, beyond that to an end point; INFINITY behind the start of
 * a joined segment, whose disc the round end before covers as much or more. The row loops
 * below do exactly these operations, so either gives the same bytes. */
static inline double
segment_distance (const Segment *s,
                  double         px,
                  double         py)
{
  double along = px * s->dx + py * s->dy;   /* the projection, times the squared length */

  if (s->joined && along < 0)
    return INFINITY;
  if (s->len2 > 0 && along >= 0 && along <= s->len2)
    return fabs (px * s->nx + py * s->ny);
  if (s->len2 > 0 && along > 0)
    return sqrt ((px - s->dx) * (px - s->dx) + (py - s->dy) * (py - s->dy));
  return sqrt (px * px + py * py);
}

/* Columns @col0–@col1 of one row (@py below the start; @x0 the start's x), into @line and,
 * when not NULL, @halo, keeping each pixel's largest coverage. */
static void
raster_row (const Segment *s,
            guint8        *line,
            guint8        *halo,
            int            col0,
            int            col1,
            double         x0,
            double         py)
{
  for (int col = col0; col <= col1; col++)
    {
      double distance = segment_distance (s, ((double) col + 0.5) - x0, py);
      guint8 value = coverage_at (distance, s->line_reach, s->peak);

      line[col] = MAX (line[col], value);
      if (halo != NULL)
        {
          value = coverage_at (distance, s->halo_reach, s->halo_peak);
          halo[col] = MAX (halo[col], value);
        }
    }
}

#ifdef HAVE_AVX2_ROWS

/* coverage_at() of four distances, as four bytes in order. */
__attribute__ ((target ("avx2"))) static inline guint32
coverage_bytes (__m256d distance,
                double  reach,
                double  peak)
{
  __m256d r = _mm256_set1_pd (reach);
  __m256d inside = _mm256_cmp_pd (distance, r, _CMP_LT_OQ);
  __m256d ramp = _mm256_min_pd (_mm256_sub_pd (r, distance), _mm256_set1_pd (peak));
  __m256d value = _mm256_add_pd (_mm256_mul_pd (ramp, _mm256_set1_pd (255.0)),
                                 _mm256_set1_pd (0.5));
  __m128i counts = _mm256_cvttpd_epi32 (_mm256_and_pd (value, inside));

  counts = _mm_packus_epi32 (counts, counts);
  return (guint32) _mm_cvtsi128_si32 (_mm_packus_epi16 (counts, counts));
}

/* Each of the four bytes at @p raised to @bytes' where that is larger. */
__attribute__ ((target ("avx2"))) static inline void
max_into (guint8  *p,
          guint32  bytes)
{
  guint32 old;

  memcpy (&old, p, 4);
  bytes = (guint32) _mm_cvtsi128_si32 (_mm_max_epu8 (_mm_cvtsi32_si128 ((int) bytes),
                                                     _mm_cvtsi32_si128 ((int) old)));
  memcpy (p, &bytes, 4);
}

/* raster_row() four columns at a time where the processor has AVX2: the same operations in
 * each lane (no fused multiply-add), so the same bytes. The whole-set lines of a long study
 * were over half the live chart's draw (perf). */
__attribute__ ((target ("avx2"))) static void
raster_row_avx2 (const Segment *s,
                 guint8        *line,
                 guint8        *halo,
                 int            col0,
                 int            col1,
                 double         x0,
                 double         py)
{
  const __m256d zero = _mm256_setzero_pd (), inf = _mm256_set1_pd (INFINITY);
  const __m256d sign = _mm256_set1_pd (-0.0);
  const __m256d dx = _mm256_set1_pd (s->dx), nx = _mm256_set1_pd (s->nx);
  const __m256d len2 = _mm256_set1_pd (s->len2);
  const __m256d pydy = _mm256_set1_pd (py * s->dy), pyny = _mm256_set1_pd (py * s->ny);
  const __m256d end_y2 = _mm256_set1_pd ((py - s->dy) * (py - s->dy));
  const __m256d start_y2 = _mm256_set1_pd (py * py);
  const __m256d steps = _mm256_set_pd (3.0, 2.0, 1.0, 0.0);
  const gboolean has_length = s->len2 > 0;
  int col = col0;

  for (; col + 3 <= col1; col += 4)
    {
      __m256d px = _mm256_sub_pd (_mm256_add_pd (_mm256_add_pd (_mm256_set1_pd ((double) col),
                                                                steps),
                                                 _mm256_set1_pd (0.5)),
                                  _mm256_set1_pd (x0));
      __m256d along = _mm256_add_pd (_mm256_mul_pd (px, dx), pydy);
      __m256d across = _mm256_andnot_pd (sign, _mm256_add_pd (_mm256_mul_pd (px, nx), pyny));
      __m256d ex = _mm256_sub_pd (px, dx);
      __m256d to_end = _mm256_sqrt_pd (_mm256_add_pd (_mm256_mul_pd (ex, ex), end_y2));
      __m256d to_start = _mm256_sqrt_pd (_mm256_add_pd (_mm256_mul_pd (px, px), start_y2));
      __m256d distance = to_start;

      if (has_length)
        {
          __m256d after = _mm256_cmp_pd (along, len2, _CMP_GT_OQ);
          __m256d on = _mm256_andnot_pd (after, _mm256_cmp_pd (along, zero, _CMP_GE_OQ));

          distance = _mm256_blendv_pd (distance, to_end, after);
          distance = _mm256_blendv_pd (distance, across, on);
        }
      if (s->joined)
        distance = _mm256_blendv_pd (distance, inf, _mm256_cmp_pd (along, zero, _CMP_LT_OQ));

      max_into (line + col, coverage_bytes (distance, s->line_reach, s->peak));
      if (halo != NULL)
        max_into (halo + col, coverage_bytes (distance, s->halo_reach, s->halo_peak));
    }
  raster_row (s, line, halo, col, col1, x0, py);
}

#endif /* HAVE_AVX2_ROWS */

typedef void (*RasterRow) (const Segment *, guint8 *, guint8 *, int, int, double, double);

static gboolean vector_allowed = TRUE;   /* set by tests alone, before drawing */

void
saddle_line_raster_set_vector (gboolean allowed)
{
  vector_allowed = allowed;
}

/* The row loop for this processor (the check reads what libgcc found at start). */
static RasterRow
raster_row_for (void)
{
#ifdef HAVE_AVX2_ROWS
  if (vector_allowed && __builtin_cpu_supports ("avx2"))
    return raster_row_avx2;
#endif
  return raster_row;
}

/* A pixel's coverage by the segment from its centre's distance d to it: a ramp one pixel wide
 * at the edge, min (w/2 + 1/2 - d, w, 1) clamped to 0, whose integral across the line is its
 * width w for any width, so a hairline is fainter rather than wider. Pixels keep the largest
 * coverage any segment gives them: where segments overlap at a join the line is as opaque as
 * elsewhere, as in one stroke. */
static void
raster_segment (Canvas   *canvas,
                double    x0,
                double    y0,
                double    x1,
                double    y1,
                double    line_width,
                gboolean  joined)
{
  double line_reach = line_width / 2 + 0.5;   /* beyond this, a pixel centre is uncovered */
  double peak = MIN (line_width, 1.0);
  double halo_reach = canvas->halo != NULL ? canvas->halo_width / 2 + 0.5 : 0.0;
  double halo_peak = MIN (canvas->halo_width, 1.0);
  double reach = MAX (line_reach, halo_reach);   /* of whichever is wider */
  double dx = x1 - x0, dy = y1 - y0;
  double len2 = dx * dx + dy * dy;
  double len = sqrt (len2);
  double nx = len > 0 ? dy / len : 0.0, ny = len > 0 ? -dx / len : 0.0;   /* unit normal */
  Segment seg = { dx, dy, nx, ny, len2, line_reach, peak, halo_reach, halo_peak, joined };
  double left = MIN (x0, x1) - reach, right = MAX (x0, x1) + reach;
  /* Per row, the centres within reach of the infinite line lie this far either side of it in
   * x; the segment's round ends lie inside that band too. */
  double band = fabs (dy) > 1e-9 ? reach * len / fabs (dy) : INFINITY;
  double slope = isfinite (band) ? dx / dy : 0.0;          /* x per row along the line */
  /* Clamped before the conversion: a point far off the canvas is no integer. */
  int row0 = (int) CLAMP (ceil (MIN (y0, y1) - reach - 0.5), 0.0, (double) canvas->height);
  int row1 = (int) CLAMP (floor (MAX (y0, y1) + reach - 0.5), -1.0, canvas->height - 1.0);

  for (int row = row0; row <= row1; row++)
    {
      double cy = row + 0.5, py = cy - y0;
      double xl = left, xr = right;
      guint8 *line = canvas->data + (gsize) row * canvas->stride;
      guint8 *halo = canvas->halo != NULL ? canvas->halo + (gsize) row * canvas->stride : NULL;
      int col0, col1;

      if (isfinite (band))
        {
          double xc = x0 + py * slope;

          xl = MAX (xl, xc - band);
          xr = MIN (xr, xc + band);
        }
      if (!(xl <= xr))
        continue;
      col0 = (int) CLAMP (ceil (xl - 0.5), 0.0, (double) canvas->width);
      col1 = (int) CLAMP (floor (xr - 0.5), -1.0, canvas->width - 1.0);
      if (col0 > col1)
        continue;
      if (canvas->spans != NULL)
        g_array_append_val (canvas->spans, ((Span) { row, col0, col1 }));
      raster_row_for () (&seg, line, halo, col0, col1, x0, py);
    }
}

static void
raster_polyline (Canvas       *canvas,
                 const double *xs,
                 const double *ys,
                 gsize         n,
                 double        line_width)
{
  gboolean joined = FALSE;   /* whether the last segment ended where this one starts */

  for (gsize i = 1; i < n; i++)
    if (isfinite (xs[i - 1]) && isfinite (ys[i - 1]) && isfinite (xs[i]) && isfinite (ys[i]))
      {
        raster_segment (canvas, xs[i - 1], ys[i - 1], xs[i], ys[i], line_width, joined);
        joined = TRUE;
      }
    else
      joined = FALSE;
}

/* @xs, @ys in pixels of @coverage (pixel (i, j) spans [i, i+1) × [j, j+1)); a non-finite
 * point breaks the line, and a lone point draws nothing, as in a Cairo path. */
void
saddle_line_raster_polyline (guint8       *coverage,
                             int           width,
                             int           height,
                             int           stride,
                             const double *xs,
                             const double *ys,
                             gsize         n,
                             double        line_width)
{
  Canvas canvas = { coverage, width, height, stride, NULL };

  g_return_if_fail (coverage != NULL && width >= 0 && height >= 0 && stride >= width);
  raster_polyline (&canvas, xs, ys, n, line_width);
}

/* The target's colour OVER the pixels of @pixels (the canvas's origin in the target) by their
 * coverage, once each, and with a halo its colour (@halo_target's) first: a blended pixel's
 * coverage is spent (set to zero), so spans that overlap do not blend it twice. Row by row (the
 * spans sorted by counting), so that the pixels are read in memory order: segment by segment,
 * every row is a cache miss. */
static void
blend_spans (const Canvas            *canvas,
             const SaddlePixelTarget *target,
             const SaddlePixelTarget *halo_target,
             guint8                  *pixels)
{
  guint n_spans = canvas->spans->len;
  /* An opaque colour at full coverage replaces the pixel (and any halo under it). */
  gboolean opaque = target->keep[255] == 0;
  g_autofree guint *first = g_new0 (guint, canvas->height + 1);
  g_autofree Span *sorted = g_new (Span, MAX (n_spans, 1));

  for (guint i = 0; i < n_spans; i++)
    first[g_array_index (canvas->spans, Span, i).row + 1]++;
  for (int row = 0; row < canvas->height; row++)
    first[row + 1] += first[row];
  for (guint i = 0; i < n_spans; i++)
    {
      const Span *span = &g_array_index (canvas->spans, Span, i);

      sorted[first[span->row]++] = *span;
    }

  for (guint i = 0; i < n_spans; i++)
    {
      const Span *span = &sorted[i];
      gsize offset = (gsize) span->row * canvas->stride;
      guint8 *coverage = canvas->data + offset;
      guint8 *halo = canvas->halo != NULL ? canvas->halo + offset : NULL;
      guint32 *dst = (guint32 *) (pixels + (gsize) span->row * target->stride);

      /* The pixels a few spans ahead: each span is a different cache line of the image. */
      if (i + PREFETCH_AHEAD < n_spans)
        __builtin_prefetch (pixels + (gsize) sorted[i + PREFETCH_AHEAD].row * target->stride
                            + 4 * (gsize) sorted[i + PREFETCH_AHEAD].col0, 1);
      for (int col = span->col0; col <= span->col1; col++)
        {
          guint32 c = coverage[col];

          if (c == 255 && opaque)
            {
              coverage[col] = 0;
              if (halo != NULL)
                halo[col] = 0;
              dst[col] = target->source[255];
              continue;
            }
          if (halo != NULL && halo[col] != 0)
            {
              dst[col] = saddle_pixel_over (halo_target, dst[col], halo[col]);
              halo[col] = 0;
            }
          if (c == 0)
            continue;
          coverage[col] = 0;
          dst[col] = saddle_pixel_over (target, dst[col], c);
        }
    }
}

/* Strokes @xs, @ys (user space) with @cr's solid source, round-joined and round-capped, straight
 * into the pixels of @cr's target where saddle_pixel_target_open() allows (every chart on
 * screen); with @halo (red, green, blue, alpha) over a stroke of that colour @halo_width wide
 * first, as two strokes would draw them, in one pass. FALSE, having drawn nothing, when the
 * caller must stroke with Cairo. */
static gboolean
stroke (cairo_t      *cr,
        const double *xs,
        const double *ys,
        gsize         n,
        double        line_width,
        const double *halo,
        double        halo_width)
{
  SaddlePixelTarget target, halo_target;
  double reach, width;
  double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
  int x0, y0, x1, y1;
  Canvas canvas;
  g_autofree double *dxs = NULL;
  g_autofree double *dys = NULL;

  if (!saddle_pixel_target_open (&target, cr))
    return FALSE;
  if (saddle_pixel_target_empty (&target))
    return TRUE;

  /* The points in pixels, and the part of the target their stroke can reach. */
  dxs = g_new (double, MAX (n, 1));
  dys = g_new (double, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    {
      dxs[i] = xs[i] * target.scale_x + target.offset_x;
      dys[i] = ys[i] * target.scale_y + target.offset_y;
      if (isfinite (dxs[i]) && isfinite (dys[i]))
        {
          bx0 = MIN (bx0, dxs[i]);
          bx1 = MAX (bx1, dxs[i]);
          by0 = MIN (by0, dys[i]);
          by1 = MAX (by1, dys[i]);
        }
    }
  width = line_width * fabs (target.scale_x);
  reach = MAX (width, halo != NULL ? halo_width * fabs (target.scale_x) : 0.0) / 2 + 1;
  x0 = (int) MAX (floor (bx0 - reach), (double) target.x0);
  y0 = (int) MAX (floor (by0 - reach), (double) target.y0);
  x1 = (int) MIN (ceil (bx1 + reach), (double) target.x1);
  y1 = (int) MIN (ceil (by1 + reach), (double) target.y1);
  if (!(x1 > x0 && y1 > y0))
    return TRUE;   /* nothing of it is visible */

  canvas.width = x1 - x0;
  canvas.height = y1 - y0;
  canvas.stride = canvas.width;
  canvas.data = g_malloc0 ((gsize) canvas.stride * canvas.height);
  canvas.spans = g_array_sized_new (FALSE, FALSE, sizeof (Span), 4 * n);
  canvas.halo = NULL;
  canvas.halo_width = 0.0;
  if (halo != NULL)
    {
      canvas.halo = g_malloc0 ((gsize) canvas.stride * canvas.height);
      canvas.halo_width = halo_width * fabs (target.scale_x);
      halo_target = target;
      saddle_pixel_target_set_colour (&halo_target, halo[0], halo[1], halo[2], halo[3]);
    }
  for (gsize i = 0; i < n; i++)
    {
      dxs[i] -= x0;
      dys[i] -= y0;
    }
  raster_polyline (&canvas, dxs, dys, n, width);
  blend_spans (&canvas, &target, &halo_target,
               target.pixels + (gsize) y0 * target.stride + (gsize) x0 * 4);
  saddle_pixel_target_close (&target, x0, y0, x1, y1);

  g_free (canvas.data);
  g_free (canvas.halo);
  g_array_unref (canvas.spans);
  return TRUE;
}

gboolean
saddle_line_raster_stroke (cairo_t      *cr,
                           const double *xs,
                           const double *ys,
                           gsize         n,
                           double        line_width)
{
  return stroke (cr, xs, ys, n, line_width, NULL, 0.0);
}

gboolean
saddle_line_raster_stroke_on_halo (cairo_t      *cr,
                                   const double *xs,
                                   const double *ys,
                                   gsize         n,
                                   double        line_width,
                                   const double  halo[4],
                                   double        halo_width)
{
  g_return_val_if_fail (halo != NULL && halo_width >= line_width, FALSE);
  return stroke (cr, xs, ys, n, line_width, halo, halo_width);
}
