/* saddle-trajectory.c */
#define G_LOG_DOMAIN "saddle-trajectory"

#include "config.h"

#include "saddle-trajectory.h"
