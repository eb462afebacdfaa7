/* saddle-model.c */
#define G_LOG_DOMAIN "saddle-model"

#include "config.h"

#include "saddle-model.h"
