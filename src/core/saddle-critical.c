/* saddle-critical.c */
#define G_LOG_DOMAIN "saddle-critical"

#include "config.h"

#include "saddle-critical.h"
