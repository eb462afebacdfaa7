/* saddle-optimizer.c */
#define G_LOG_DOMAIN "saddle-optimizer"

#include "config.h"

#include "saddle-optimizer.h"
