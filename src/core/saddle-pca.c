/* saddle-pca.c */
#define G_LOG_DOMAIN "saddle-pca"

#include "config.h"

#include "saddle-pca.h"
