/* saddle-gradnorm-page.h — the gradient-norm study: the training monitor */
#pragma once

#include "saddle-page.h"

G_BEGIN_DECLS

#define SADDLE_TYPE_GRADNORM_PAGE (saddle_gradnorm_page_get_type ())

G_DECLARE_FINAL_TYPE (SaddleGradnormPage, saddle_gradnorm_page, SADDLE, GRADNORM_PAGE, SaddlePage)

GtkWidget           *saddle_gradnorm_page_new         (void);
/* The history shown (live or final), or NULL. */
const SaddleHistory *saddle_gradnorm_page_get_history (SaddleGradnormPage *self);

G_END_DECLS
