/* saddle-huge-pages.h — large allocations on 2 MiB pages, for the programs' main()
 *
 * On the virtual machines Saddle is measured on, the first touch of a fresh 4 KiB page costs
 * about 11 µs: 90 ms for each 32 MB of snapshots, Hessian or PCA scratch, and 5.8 s for the
 * 2 GB Hessian of the image model. glibc backs its large allocations with transparent huge
 * pages when the tunable glibc.malloc.hugetlb=1 is set, which it reads only at startup; so
 * the programs start again, once, with it set.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Call first in main(): unless the tunable is already set, the kernel offers no transparent
 * huge pages, SADDLE_NO_HUGE_PAGES is set or valgrind is watching, sets it and executes the
 * program again with the same arguments (on failure, carries on as it is). */
void saddle_huge_pages_reexec (char **argv);

G_END_DECLS
