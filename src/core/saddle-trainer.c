/* saddle-trainer.c */
#define G_LOG_DOMAIN "saddle-trainer"

#include "config.h"

#include "saddle-trainer.h"
