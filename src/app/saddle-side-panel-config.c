/* saddle-side-panel-config.c — a study config from a panel's GSettings, with no widget in it
 *
 * The panel edits the settings; this reads them back into a SaddleStudyConfig for the engine
 * to validate. Errors about a field are the engine's SADDLE_CONFIG_ERROR, worded about the
 * value alone: the panel puts the row's label in front.
 */
#define G_LOG_DOMAIN "saddle-side-panel-config"

#include "config.h"

#include <glib/gi18n.h>

#include "saddle-side-panel.h"

gboolean
saddle_side_panel_config_from_settings (SaddleStudyConfig  *config,
                                        SaddleStudyKind     kind,
                                        GSettings          *settings,
                                        GError            **error)
{
  g_autofree char *task_name = g_settings_get_string (settings, "task");
  g_autofree char *hidden = g_settings_get_string (settings, "hidden");
  g_autofree char *activation = g_settings_get_string (settings, "activation");
  g_autofree char *optimizer = g_settings_get_string (settings, "optimizer");
  SaddleTask task = SADDLE_TASK_IMAGE;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (G_IS_SETTINGS (settings), FALSE);

  saddle_task_from_string (task_name, &task);
  saddle_study_config_init (config, kind, task);

  if (task == SADDLE_TASK_IMAGE || task == SADDLE_TASK_AUTOENCODER)
    {
      g_autofree char *folder = g_settings_get_string (settings, "image-folder");

      if (folder[0] != '\0')
        {
          /* Only a CSV file's features can be standardised (saddle-cli refuses it for IDX). */
          config->standardize = !g_file_test (folder, G_FILE_TEST_IS_DIR)
                                && g_settings_get_boolean (settings, "standardize");
          g_free (config->data_path);
          config->data_path = g_steal_pointer (&folder);
        }
    }
  else
    {
      g_autofree char *function = g_settings_get_string (settings, "function");

      if (g_str_equal (function, "csv"))
        {
          g_autofree char *csv = g_settings_get_string (settings, "csv-file");

          if (csv[0] == '\0')
            {
              g_set_error_literal (error, SADDLE_STUDY_ERROR, SADDLE_STUDY_ERROR_INVALID,
                                   _("Choose a CSV file of x,y samples, or fit sinc or sign instead"));
              saddle_study_config_clear (config);
              return FALSE;
            }
          g_free (config->data_path);
          config->data_path = g_steal_pointer (&csv);
        }
      else
        saddle_function_from_string (function, &config->function);
    }

  if (!saddle_study_config_set_hidden (config, hidden, error))
    {
      saddle_study_config_clear (config);
      return FALSE;
    }

  saddle_activation_from_string (activation, &config->activation);
  saddle_optimizer_kind_from_string (optimizer, &config->optimizer);
  config->samples = g_settings_get_uint (settings, "samples");
  config->lr = g_settings_get_double (settings, "lr");
  config->batch = g_settings_get_uint (settings, "batch");
  config->epochs = g_settings_get_uint (settings, "epochs");
  config->runs = g_settings_get_uint (settings, "runs");
  config->seed = g_settings_get_uint (settings, "seed");
  config->snapshot_every = g_settings_get_uint (settings, "snapshot-every");
  config->threads = g_settings_get_uint (settings, "threads");
  config->layer = g_settings_get_uint (settings, "layer");
  config->zero_tolerance = g_settings_get_double (settings, "zero-tolerance");
  config->grad_tolerance = g_settings_get_double (settings, "grad-tolerance");
  config->descent_steps = g_settings_get_uint (settings, "descent-steps");
  config->descent_lr = g_settings_get_double (settings, "descent-lr");
  config->newton_steps = g_settings_get_uint (settings, "newton-steps");
  config->jobs = g_settings_get_uint (settings, "jobs");
  {
    g_autofree char *newton = g_settings_get_string (settings, "newton-method");

    saddle_newton_method_from_string (newton, &config->newton_method);
  }
  config->surface_resolution = g_settings_get_uint (settings, "surface-resolution");

  /* Only the trajectories study uses the layer and the surface; a stale value must not block the others. */
  if (kind != SADDLE_STUDY_TRAJECTORIES)
    {
      config->layer = 0;
      config->surface_resolution = 0;
    }

  if (!saddle_study_config_validate (config, error))
    {
      saddle_study_config_clear (config);
      return FALSE;
    }
  return TRUE;
}
