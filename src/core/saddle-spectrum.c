/* saddle-spectrum.c */
#define G_LOG_DOMAIN "saddle-spectrum"

#include "config.h"

#include "saddle-spectrum.h"
