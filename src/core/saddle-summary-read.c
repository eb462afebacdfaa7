/* saddle-summary-read.c — summary.json read back: the settings a study ran with */
#define G_LOG_DOMAIN "saddle-summary-read"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "saddle-file.h"
#include "saddle-config-field.h"
#include "saddle-summary.h"

/* The summary.json member of a config field (SADDLE_CONFIG_FIELD_…). */
#define KEY(field) saddle_summary_key (SADDLE_CONFIG_FIELD_##field)

G_DEFINE_QUARK (saddle-summary-error-quark, saddle_summary_error)

/* The largest summary.json read (100,000 points of about 2 KB each, with room). */
#define SUMMARY_MAX_BYTES ((guint64) 1 << 30)

typedef struct
{
  const char *path;
  const char *text;
  JsonObject *root;
} Reader;

/* The line of @member's first mention in the text (JSON nodes do not keep theirs); 0 if none. */
static guint
member_line (const Reader *r,
             const char   *member)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", member);
  const char *at = strstr (r->text, quoted);
  guint line = 1;

  if (at == NULL)
    return 0;
  for (const char *c = r->text; c < at; c++)
    line += *c == '\n';
  return line;
}

static gboolean
bad (const Reader *r,
     const char   *member,
     GError      **error,
     const char   *what)
{
  guint line = member_line (r, member);

  if (line > 0)
    g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                 "%s, line %u: “%s” %s", r->path, line, member, what);
  else
    g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID, "%s: “%s” %s",
                 r->path, member, what);
  return FALSE;
}

/* @member's node if present and not null, else NULL. */
static JsonNode *
member (const Reader *r,
        const char   *name)
{
  JsonNode *node = json_object_get_member (r->root, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

/* A number member into @value (untouched when absent); null stays NAN-free: absent. */
static gboolean
read_double (const Reader *r,
             const char   *name,
             double       *value,
             GError      **error)
{
  JsonNode *node = member (r, name);
  GType type;

  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return bad (r, name, error, "is not a number");
  *value = json_node_get_double (node);
  return TRUE;
}

/* A whole-number member in [@min, @max] into @value (untouched when absent). */
static gboolean
read_uint (const Reader *r,
           const char   *name,
           guint64       min,
           guint64       max,
           guint64      *value,
           GError      **error)
{
  JsonNode *node = member (r, name);
  gint64 v;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return bad (r, name, error, "is not a whole number");
  v = json_node_get_int (node);
  if (v < 0 || (guint64) v < min || (guint64) v > max)
    {
      g_autofree char *what = g_strdup_printf ("is %" G_GINT64_FORMAT ", outside %"
                                               G_GUINT64_FORMAT "–%" G_GUINT64_FORMAT, v, min, max);

      return bad (r, name, error, what);
    }
  *value = (guint64) v;
  return TRUE;
}

static gboolean
read_guint (const Reader *r,
            const char   *name,
            guint         min,
            guint         max,
            guint        *value,
            GError      **error)
{
  guint64 v = *value;

  if (!read_uint (r, name, min, max, &v, error))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

/* A string member, or NULL when absent; FALSE when it is not a string. */
static gboolean
read_string (const Reader  *r,
             const char    *name,
             const char   **value,
             GError       **error)
{
  JsonNode *node = member (r, name);

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return bad (r, name, error, "is not a string");
  *value = json_node_get_string (node);
  return TRUE;
}

/* A true/false member; @value is left as it is when absent. */
static gboolean
read_boolean (const Reader  *r,
              const char    *name,
              gboolean      *value,
              GError       **error)
{
  JsonNode *node = member (r, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return bad (r, name, error, "is not true or false");
  *value = json_node_get_boolean (node);
  return TRUE;
}

/* A named choice: @parse turns the text into its enum. */
#define READ_CHOICE(r, name, parse, out, error) \
  G_STMT_START { \
    const char *text_; \
    if (!read_string ((r), (name), &text_, (error))) \
      return FALSE; \
    if (text_ != NULL && !parse (text_, (out))) \
      { \
        g_autofree char *what_ = g_strdup_printf ("“%s” is not one Saddle knows", text_); \
        return bad ((r), (name), (error), what_); \
      } \
  } G_STMT_END

/* The array member @name into @array (NULL when absent); FALSE when it is not an array. */
static gboolean
member_array (const Reader  *r,
              const char    *name,
              const char    *what,
              JsonArray    **array,
              GError       **error)
{
  JsonNode *node = member (r, name);

  *array = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad (r, name, error, what);
  *array = json_node_get_array (node);
  return TRUE;
}

static gboolean
read_widths (const Reader  *r,
             SaddleSummary *summary,
             GError       **error)
{
  JsonArray *array;
  guint n;

  if (!member_array (r, KEY (HIDDEN), "is not a list of layer widths", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;
  n = json_array_get_length (array);
  if (n < 2 || n > G_N_ELEMENTS (summary->widths))
    return bad (r, KEY (HIDDEN), error, "must list 2 to 10 layer widths (input, hidden…, output)");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *w = json_array_get_element (array, i);
      gint64 v;

      if (!JSON_NODE_HOLDS_VALUE (w) || json_node_get_value_type (w) != G_TYPE_INT64
          || (v = json_node_get_int (w)) < 1 || v > 1000000)
        return bad (r, KEY (HIDDEN), error, "holds a width that is not a whole number in 1–1000000");
      summary->widths[i] = (guint) v;
    }
  summary->n_widths = n;
  summary->config.n_hidden = n - 2;
  for (guint i = 0; i + 2 < n; i++)
    summary->config.hidden[i] = summary->widths[i + 1];
  return TRUE;
}

static gboolean
read_explained (const Reader *r,
                const char   *name,
                double        out[2],
                GError      **error)
{
  JsonArray *array;

  if (!member_array (r, name, "is not a list of shares of variance", &array, error))
    return FALSE;
  if (array == NULL)
    return TRUE;
  if (json_array_get_length (array) > 2)
    return bad (r, name, error, "holds more than two shares of variance");
  for (guint c = 0; c < json_array_get_length (array); c++)
    {
      JsonNode *v = json_array_get_element (array, c);
      GType type = JSON_NODE_HOLDS_VALUE (v) ? json_node_get_value_type (v) : G_TYPE_INVALID;

      if ((type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
          || !(json_node_get_double (v) >= 0.0 && json_node_get_double (v) <= 1.0))
        return bad (r, name, error, "holds a share of variance outside 0–1");
      out[c] = json_node_get_double (v);
    }
  return TRUE;
}

static gboolean
read_failures (const Reader  *r,
               SaddleSummary *summary,
               GError       **error)
{
  JsonArray *array;

  if (!member_array (r, "failures", "is not a list of messages", &array, error))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *f = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (f) || json_node_get_value_type (f) != G_TYPE_STRING)
        return bad (r, "failures", error, "holds an entry that is not a message");
      g_ptr_array_add (summary->failures, g_strdup (json_node_get_string (f)));
    }
  return TRUE;
}

/* The "points" array's numbers that critical.csv does not hold. */
static gboolean
read_points (const Reader  *r,
             SaddleSummary *summary,
             GError       **error)
{
  JsonArray *array;

  if (!member_array (r, "points", "is not a list of points", &array, error))
    return FALSE;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *p = json_array_get_element (array, i);
      JsonNode *converged;
      Reader point = *r;
      SaddleSummaryPoint sp = { 0 };
      guint64 run = 0;

      if (!JSON_NODE_HOLDS_OBJECT (p))
        return bad (r, "points", error, "holds an entry that is not a point");
      point.root = json_node_get_object (p);
      sp.asymmetry = sp.reach_tolerance = NAN;
      if (!read_uint (&point, "run", 1, G_MAXUINT, &run, error)
          || !read_double (&point, "asymmetry", &sp.asymmetry, error)
          || !read_guint (&point, "newton_reach_iterations", 0, G_MAXUINT, &sp.reach_iterations, error)
          || !read_double (&point, "newton_reach_tolerance", &sp.reach_tolerance, error))
        return FALSE;
      if (run == 0)
        return bad (r, "points", error, "holds a point without its run");
      converged = member (&point, "newton_reach_converged");
      if (converged != NULL && JSON_NODE_HOLDS_VALUE (converged)
          && json_node_get_value_type (converged) == G_TYPE_BOOLEAN)
        sp.reach_converged = json_node_get_boolean (converged);
      sp.run = (guint) run - 1;
      g_array_append_val (summary->points, sp);
    }
  return TRUE;
}

/* The settings, over the homework's defaults of the study and task found. */
static gboolean
read_settings (const Reader  *r,
               SaddleSummary *summary,
               GError       **error)
{
  SaddleStudyConfig *config = &summary->config;
  SaddleTask task = SADDLE_TASK_IMAGE;
  guint64 seed, first_run = 1, n_params = 0;
  const char *text;
  gboolean cancelled = FALSE;

  READ_CHOICE (r, "study", saddle_study_kind_from_string, &summary->kind, error);
  if (member (r, "study") == NULL)
    return bad (r, "study", error, "is missing: this is not a Saddle summary");
  READ_CHOICE (r, KEY (TASK), saddle_task_from_string, &task, error);
  saddle_study_config_init (config, summary->kind, task);
  seed = config->seed;

  if (!read_string (r, "dataset", &text, error))
    return FALSE;
  summary->dataset_name = g_strdup (text);
  if (!read_widths (r, summary, error))
    return FALSE;
  READ_CHOICE (r, KEY (ACTIVATION), saddle_activation_from_string, &config->activation, error);
  READ_CHOICE (r, KEY (OPTIMIZER), saddle_optimizer_kind_from_string, &config->optimizer, error);
  READ_CHOICE (r, KEY (FUNCTION), saddle_function_from_string, &config->function, error);
  /* Older summaries name the function only in the data set's name: "sinc on 1,000 points". */
  if (member (r, KEY (FUNCTION)) == NULL && task == SADDLE_TASK_FUNCTION && text != NULL)
    {
      g_autofree char *first = g_strndup (text, strcspn (text, " "));

      saddle_function_from_string (first, &config->function);
    }
  if (!read_string (r, KEY (DATA), &text, error))
    return FALSE;
  config->data_path = g_strdup (text);
  if (!read_string (r, KEY (LABEL_COLUMN), &text, error)
      || !read_boolean (r, KEY (STANDARDIZE), &config->standardize, error))
    return FALSE;
  config->label_column = g_strdup (text);

  if (!read_uint (r, "n_params", 0, G_MAXSIZE, &n_params, error)
      || !read_guint (r, KEY (SAMPLES), 1, G_MAXUINT, &summary->n_samples, error)
      || !read_double (r, KEY (ZERO_TOLERANCE), &config->zero_tolerance, error)
      || !read_double (r, KEY (GRAD_TOLERANCE), &config->grad_tolerance, error)
      || !read_guint (r, KEY (DESCENT_STEPS), 0, G_MAXUINT, &config->descent_steps, error)
      || !read_guint (r, KEY (NEWTON_STEPS), 0, G_MAXUINT, &config->newton_steps, error)
      || !read_double (r, KEY (DESCENT_LR), &config->descent_lr, error)
      || !read_double (r, KEY (CERTIFY_TOLERANCE), &config->certify_tolerance, error)
      || !read_double (r, KEY (CLARKE_EPSILON), &config->clarke_epsilon, error)
      || !read_guint (r, KEY (STILL_STEPS), 0, G_MAXUINT, &config->still_steps, error)
      || !read_double (r, KEY (STILL_FACTOR), &config->still_factor, error)
      || !read_double (r, KEY (LR), &config->lr, error)
      || !read_guint (r, KEY (BATCH), 1, G_MAXUINT, &config->batch, error)
      || !read_guint (r, KEY (EPOCHS), 1, G_MAXUINT, &config->epochs, error)
      || !read_uint (r, KEY (SEED), 0, G_MAXINT64, &seed, error)
      || !read_guint (r, KEY (RUNS), 1, G_MAXUINT, &config->runs, error)
      || !read_uint (r, KEY (FIRST_RUN), 1, G_MAXUINT, &first_run, error)
      || !read_guint (r, KEY (SNAPSHOT_EVERY), 0, G_MAXUINT, &config->snapshot_every, error)
      || !read_guint (r, KEY (SURFACE), 0, G_MAXUINT, &config->surface_resolution, error)
      || !read_explained (r, "explained_variance", summary->explained, error)
      || !read_explained (r, "layer_explained_variance", summary->layer_explained, error)
      || !read_failures (r, summary, error)
      || !read_points (r, summary, error))
    return FALSE;
  config->seed = seed;
  config->first_run = (guint) first_run - 1;
  summary->n_params = n_params;
  if (summary->n_samples > 0)
    config->samples = summary->n_samples;
  if (member (r, KEY (LAYER)) != NULL)
    {
      guint layer = 1;

      if (!read_guint (r, KEY (LAYER), 1, SADDLE_MAX_HIDDEN_LAYERS + 1, &layer, error))
        return FALSE;
      config->layer = layer - 1;
    }
  if (!read_boolean (r, "cancelled", &cancelled, error))
    return FALSE;
  summary->cancelled = cancelled;
  return TRUE;
}

gboolean
saddle_summary_parse (const char     *path,
                      const char     *text,
                      gsize           length,
                      SaddleSummary  *summary,
                      GError        **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(GError) invalid = NULL;
  JsonNode *root;
  g_autofree char *copy = NULL;
  Reader r = { .path = path };

  memset (summary, 0, sizeof *summary);
  summary->failures = g_ptr_array_new_with_free_func (g_free);
  summary->points = g_array_new (FALSE, FALSE, sizeof (SaddleSummaryPoint));
  summary->explained[0] = summary->explained[1] = NAN;
  summary->layer_explained[0] = summary->layer_explained[1] = NAN;
  saddle_study_config_init (&summary->config, SADDLE_STUDY_TRAJECTORIES, SADDLE_TASK_IMAGE);

  if (!g_utf8_validate_len (text, length, NULL))
    {
      g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                   "%s: not UTF-8 text", path);
      return FALSE;
    }
  /* Valid UTF-8 holds no NUL byte: the copy is the whole text, for member_line(). */
  r.text = copy = g_strndup (text, length);
  if (!json_parser_load_from_data (parser, text, (gssize) length, &parse_error))
    {
      /* json-glib says "<data>:LINE:COLUMN: Parse error: …": name the file instead. */
      const char *what = parse_error->message;
      guint line = 1, column = 0;
      int used = 0;

      if (g_str_has_prefix (what, "<data>:")
          && sscanf (what + 7, "%u:%u: %n", &line, &column, &used) == 2 && used > 0)
        what += 7 + used;
      g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                   "%s, line %u: not JSON (%s)", path, MAX (line, 1), what);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                   "%s, line 1: not a JSON object", path);
      return FALSE;
    }
  r.root = json_node_get_object (root);
  if (!read_settings (&r, summary, error))
    return FALSE;
  /* Ranges the study itself would refuse (a learning rate of 50, 0 epochs), named by the key. */
  if (!saddle_study_config_validate (&summary->config, &invalid))
    {
      SaddleConfigField field;
      const char *key = saddle_config_field_of_error (invalid, &field) ? saddle_summary_key (field) : NULL;

      g_set_error (error, SADDLE_SUMMARY_ERROR, SADDLE_SUMMARY_ERROR_INVALID,
                   "%s: settings Saddle cannot use: %s%s%s%s", path,
                   key != NULL ? "“" : "", key != NULL ? key : "", key != NULL ? "” " : "", invalid->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
saddle_summary_read (const char     *path,
                     SaddleSummary  *summary,
                     GError        **error)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  memset (summary, 0, sizeof *summary);
  if (!saddle_file_read (path, SUMMARY_MAX_BYTES, &text, &length, error))
    return FALSE;
  return saddle_summary_parse (path, text, length, summary, error);
}

void
saddle_summary_clear (SaddleSummary *summary)
{
  saddle_study_config_clear (&summary->config);
  g_clear_pointer (&summary->dataset_name, g_free);
  g_clear_pointer (&summary->failures, g_ptr_array_unref);
  g_clear_pointer (&summary->points, g_array_unref);
}
