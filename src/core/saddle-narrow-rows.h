/* saddle-narrow-rows.h — the rows of a matrix the narrow kernels read: evenly spaced, or anywhere
 *
 * A minibatch's samples where the dataset holds them (a table of row pointers), so that training
 * reads them in place instead of copying them together first (saddle_batch_select()).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const double        *base;   /* row i at base + i·ld, when there is no table */
  gsize                ld;
  const double *const *table;  /* or row i at table[i] */
} SaddleRows;

static inline const double *
saddle_rows_at (const SaddleRows *rows,
                gsize             i)
{
  return rows->table != NULL ? rows->table[i] : rows->base + i * rows->ld;
}

/* The rows from row @first on. */
static inline SaddleRows
saddle_rows_from (const SaddleRows *rows,
                  gsize             first)
{
  SaddleRows from = *rows;

  if (from.table != NULL)
    from.table += first;
  else
    from.base += first * from.ld;
  return from;
}

G_END_DECLS
