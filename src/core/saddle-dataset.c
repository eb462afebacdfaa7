/* saddle-dataset.c */
#define G_LOG_DOMAIN "saddle-dataset"

#include "config.h"

#include "saddle-dataset.h"
