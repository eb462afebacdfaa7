/* saddle-study.c */
#define G_LOG_DOMAIN "saddle-study"

#include "config.h"

#include "saddle-study.h"
