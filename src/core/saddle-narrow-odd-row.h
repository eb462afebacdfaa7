/* saddle-narrow-odd-row.h — the last row of an odd count of rows, summed as OpenBLAS sums it */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One row of C (@n columns at @c) = Σ_i a_i·B's row i over a depth of @k (a_i at @a + i·@lda,
 * B's row i at @b + i·@ldb), added to C (@add) or to 0, in the order OpenBLAS's Haswell kernel
 * sums the last row of an odd count (saddle-narrow-odd-row.c). Needs AVX2 and FMA: only the
 * narrow kernels call it, which have checked. */
void _saddle_narrow_last_odd_row (gsize         k,
                                  const double *a,
                                  gsize         lda,
                                  const double *b,
                                  gsize         ldb,
                                  gsize         n,
                                  gboolean      add,
                                  double       *c);

G_END_DECLS
