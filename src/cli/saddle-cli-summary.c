/* saddle-cli-summary.c — what merge reads back from a study's summary.json */
#define G_LOG_DOMAIN "saddle-cli-summary"

#include "config.h"

#include <json-glib/json-glib.h>

#include "saddle-cli-summary.h"
#include "saddle-file.h"

/* @name's value node if it is a plain value of @type, else NULL: json-glib's typed getters
 * warn (g_return_val_if_fail) on an array or object where a value was expected. */
static JsonNode *
member_value (JsonObject *object,
              const char *name,
              GType       type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

gboolean
saddle_cli_summary_parse (const char       *data,
                          gsize             length,
                          SaddleCliSummary *summary)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonNode *node;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (summary != NULL, FALSE);

  *summary = (SaddleCliSummary) { FALSE, 0 };
  if (length > G_MAXSSIZE
      || !json_parser_load_from_data (parser, data, (gssize) length, NULL)
      || json_parser_get_root (parser) == NULL
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  if ((node = member_value (root, "cancelled", G_TYPE_BOOLEAN)) != NULL)
    summary->cancelled = json_node_get_boolean (node);
  if ((node = member_value (root, "runs", G_TYPE_INT64)) != NULL
      && json_node_get_int (node) >= 0 && json_node_get_int (node) <= G_MAXUINT)
    summary->runs = (guint) json_node_get_int (node);
  return TRUE;
}

gboolean
saddle_cli_summary_read (const char       *path,
                         SaddleCliSummary *summary)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (summary != NULL, FALSE);

  *summary = (SaddleCliSummary) { FALSE, 0 };
  if (!saddle_file_read (path, SADDLE_CLI_SUMMARY_MAX_BYTES, &contents, &length, NULL))
    return FALSE;
  return saddle_cli_summary_parse (contents, length, summary);
}
