/* saddle-weights.c */
#define G_LOG_DOMAIN "saddle-weights"

#include "config.h"

#include "saddle-weights.h"
