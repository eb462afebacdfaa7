/* saddle-hessian.c */
#define G_LOG_DOMAIN "saddle-hessian"

#include "config.h"

#include "saddle-hessian.h"
