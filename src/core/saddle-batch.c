/* saddle-batch.c */
#define G_LOG_DOMAIN "saddle-batch"

#include "config.h"

#include "saddle-batch.h"
