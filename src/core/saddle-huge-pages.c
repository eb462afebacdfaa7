/* saddle-huge-pages.c — large allocations on 2 MiB pages, for the programs' main() */
#define G_LOG_DOMAIN "saddle-huge-pages"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "saddle-huge-pages.h"

#define TUNABLE "glibc.malloc.hugetlb=1"

/* "always" or "madvise" is selected (in brackets) in the kernel's setting. */
static gboolean
kernel_offers_huge_pages (void)
{
  g_autofree char *enabled = NULL;

  if (!g_file_get_contents ("/sys/kernel/mm/transparent_hugepage/enabled", &enabled, NULL, NULL))
    return FALSE;
  return strstr (enabled, "[always]") != NULL || strstr (enabled, "[madvise]") != NULL;
}

void
saddle_huge_pages_reexec (char **argv)
{
#ifdef __GLIBC__
  const char *tunables = g_getenv ("GLIBC_TUNABLES");
  const char *preload = g_getenv ("LD_PRELOAD");
  g_autofree char *value = NULL;
  g_autofree char *self = NULL;

  if (tunables != NULL && strstr (tunables, "glibc.malloc.hugetlb") != NULL)
    {
      g_autofree char *comm = NULL;

      if (g_file_get_contents ("/proc/self/comm", &comm, NULL, NULL))
        g_strchomp (comm);
      g_debug ("Large allocations on transparent huge pages (GLIBC_TUNABLES=%s); process %s",
               tunables, comm != NULL ? comm : "?");
      return;
    }
  if (argv == NULL || argv[0] == NULL
      || g_getenv ("SADDLE_NO_HUGE_PAGES") != NULL
      /* valgrind would lose the program at the exec. */
      || (preload != NULL && strstr (preload, "vgpreload") != NULL)
      || !kernel_offers_huge_pages ())
    return;

  value = tunables != NULL && *tunables != '\0' ? g_strconcat (tunables, ":", TUNABLE, NULL)
                                                 : g_strdup (TUNABLE);
  /* The program's own path, not /proc/self/exe: the kernel names the process after the file
   * it executes, and top would show "exe". */
  self = g_file_read_link ("/proc/self/exe", NULL);
  if (self == NULL || !g_setenv ("GLIBC_TUNABLES", value, TRUE))
    return;
  execv (self, argv);
  /* Still here: run without them, and say so for whoever measures. */
  g_debug ("Could not start again with huge pages: %s", g_strerror (errno));
#else
  (void) argv;
#endif
}
