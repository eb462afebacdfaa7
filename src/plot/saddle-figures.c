/* saddle-figures.c */
#define G_LOG_DOMAIN "saddle-figures"

#include "config.h"

#include "saddle-figures.h"
