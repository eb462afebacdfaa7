/* saddle-cli.c */
#define G_LOG_DOMAIN "saddle-cli"

#include "config.h"

int
main (int argc, char **argv)
{
  return 1;
}
