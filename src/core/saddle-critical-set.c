/* saddle-critical-set.c */
#define G_LOG_DOMAIN "saddle-critical-set"

#include "config.h"

#include "saddle-critical-set.h"
