/* saddle-history.c */
#define G_LOG_DOMAIN "saddle-history"

#include "config.h"

#include "saddle-history.h"
