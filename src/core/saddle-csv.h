/* saddle-csv.h — one small writer for every CSV file the engine and the CLI produce */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Rows are built in memory and written in one go, so a file is either whole or absent.
 * Doubles are spelled with %.17g in the C locale (they read back bit for bit) and
 * non-finite values as "nan", "inf", "-inf", the spelling pandas, R and numpy accept. */
typedef struct _SaddleCsv SaddleCsv;

SaddleCsv *saddle_csv_new        (const char   *header,
                                  gsize         size_hint);  /* header without its newline */
void       saddle_csv_free       (SaddleCsv    *csv);
void       saddle_csv_add_double (SaddleCsv    *csv,
                                  double        value);      /* %.17g, or nan / inf / -inf */
void       saddle_csv_add_uint   (SaddleCsv    *csv,
                                  guint64       value);      /* a count or an index */
void       saddle_csv_add_string (SaddleCsv    *csv,
                                  const char   *text);       /* as is: no quoting, no commas */
void       saddle_csv_add_empty  (SaddleCsv    *csv);        /* an unknown value: empty field */
void       saddle_csv_end_row    (SaddleCsv    *csv);        /* ends the current row with '\n' */
gboolean   saddle_csv_write      (SaddleCsv    *csv,
                                  const char   *path,
                                  GError      **error);      /* atomic; the error names @path */

void       saddle_csv_append_double (GString   *out,
                                     double     value);      /* the number spelling, for others */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaddleCsv, saddle_csv_free)

G_END_DECLS
