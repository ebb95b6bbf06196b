/* config.json: what create decided, written once.  Also the container object's lifetime. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "record-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_container_config_clear (struct skiff_container_config *cfg)
{
  free (cfg->id);
  free (cfg->name);
  free (cfg->created);
  free (cfg->image_id);
  free (cfg->image_name);
  skiff_strv_free (cfg->argv);
  skiff_strv_free (cfg->entrypoint);
  skiff_strv_free (cfg->cmd);
  skiff_strv_free (cfg->env);
  free (cfg->workdir);
  free (cfg->user);
  free (cfg->hostname);
  free (cfg->cidfile);
  free (cfg->stop_signal);
  free (cfg->restart_policy);
  skiff_strv_free (cfg->labels);
  skiff_resources_clear (&cfg->resources);
  skiff_network_config_clear (&cfg->network);
  skiff_ports_config_clear (&cfg->ports);
  skiff_container_security_clear (&cfg->security);
  skiff_mounts_config_clear (&cfg->mounts);
  free (cfg->log_driver);
  skiff_strv_free (cfg->log_opts);
  skiff_health_config_clear (&cfg->health);
  skiff_strv_free (cfg->create_command);
  skiff_container_podman_clear (&cfg->podman);
  memset (cfg, 0, sizeof *cfg);
}

void
skiff_container_free (struct skiff_container *c)
{
  if (c == NULL)
    return;
  skiff_container_config_clear (&c->config);
  skiff_container_state_clear (&c->state);
  free (c->dir);
  free (c);
}

char *
skiff_container_config_to_json (const struct skiff_container_config *cfg)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Id", cfg->id);
  skiff_json_gen_key_string (g, "Name", cfg->name);
  skiff_json_gen_key_string (g, "Created", cfg->created);
  skiff_json_gen_key_string (g, "Image", cfg->image_id);
  skiff_json_gen_key_string (g, "ImageName", cfg->image_name);
  skiff_json_gen_key_strv (g, "Argv", cfg->argv, true);
  skiff_json_gen_key_strv (g, "Entrypoint", cfg->entrypoint, false);
  skiff_json_gen_key_strv (g, "Cmd", cfg->cmd, false);
  skiff_json_gen_key_strv (g, "Env", cfg->env, true);
  skiff_json_gen_key_string (g, "WorkingDir", cfg->workdir);
  skiff_json_gen_key_string (g, "User", cfg->user ? cfg->user : "");
  skiff_json_gen_key_string (g, "Hostname", cfg->hostname);
  skiff_json_gen_key_bool (g, "AutoRemove", cfg->auto_remove);
  skiff_json_gen_key_string (g, "ContainerIDFile", cfg->cidfile ? cfg->cidfile : "");
  skiff_json_gen_key_bool (g, "Tty", cfg->tty);
  skiff_json_gen_key_bool (g, "OpenStdin", cfg->open_stdin);
  skiff_json_gen_key_string (g, "StopSignal", cfg->stop_signal);
  /* "StopTimeout" of older records used -1 for "not given" */
  if (cfg->stop_timeout != SKIFF_STOP_TIMEOUT_UNSET)
    skiff_json_gen_key_int (g, "StopTimeoutSeconds", cfg->stop_timeout);
  skiff_json_gen_key_string (g, "RestartPolicy", cfg->restart_policy ? cfg->restart_policy : "no");
  skiff_json_gen_key_int (g, "RestartMax", cfg->restart_max);
  skiff_json_gen_key_map (g, "Labels", cfg->labels);
  skiff_container_resources_to_json (g, &cfg->resources);
  skiff_network_config_gen (g, &cfg->network);
  skiff_json_gen_key_bool (g, "Init", cfg->init);
  skiff_container_security_to_json (g, &cfg->security);
  skiff_mounts_config_gen (g, &cfg->mounts);
  if (cfg->log_driver)
    skiff_json_gen_key_string (g, "LogDriver", cfg->log_driver);
  if (cfg->log_opts)
    skiff_json_gen_key_map (g, "LogOpts", cfg->log_opts);
  skiff_health_config_gen (g, &cfg->health);
  if (cfg->create_command)
    skiff_json_gen_key_strv (g, "CreateCommand", cfg->create_command, true);
  skiff_ports_config_gen (g, &cfg->ports);
  skiff_container_podman_to_json (g, &cfg->podman);
  yajl_gen_map_close (g);
  return skiff_json_gen_finish (g, NULL);
}

int
skiff_container_config_from_json (const char *path, struct skiff_container_config *cfg,
                                  struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val root = NULL;
  int r = skiff_json_parse_file (path, &root, err);
  if (r < 0)
    return r;
  const struct
  {
    const char *key;
    char **dst;
  } strs[] = {
    { "Id", &cfg->id },
    { "Name", &cfg->name },
    { "Created", &cfg->created },
    { "Image", &cfg->image_id },
    { "ImageName", &cfg->image_name },
    { "WorkingDir", &cfg->workdir },
    { "User", &cfg->user },
    { "Hostname", &cfg->hostname },
    { "ContainerIDFile", &cfg->cidfile },
    { "StopSignal", &cfg->stop_signal },
    { "RestartPolicy", &cfg->restart_policy },
    { "LogDriver", &cfg->log_driver },
  };
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
    if ((r = skiff_json_get_string (root, strs[i].key, path, strs[i].dst, err)) < 0)
      return r;
  if ((r = skiff_json_get_strv (root, "Argv", path, &cfg->argv, err)) < 0
      || (r = skiff_json_get_strv (root, "Entrypoint", path, &cfg->entrypoint, err)) < 0
      || (r = skiff_json_get_strv (root, "Cmd", path, &cfg->cmd, err)) < 0
      || (r = skiff_json_get_strv (root, "Env", path, &cfg->env, err)) < 0
      || (r = skiff_json_get_bool (root, "AutoRemove", path, &cfg->auto_remove, err)) < 0
      || (r = skiff_json_get_bool (root, "Tty", path, &cfg->tty, err)) < 0
      || (r = skiff_json_get_bool (root, "OpenStdin", path, &cfg->open_stdin, err)) < 0
      || (r = skiff_json_get_string_map (root, "Labels", path, &cfg->labels, err)) < 0
      || (r = skiff_container_resources_from_json (root, path, &cfg->resources, err)) < 0
      || (r = skiff_network_config_read (root, path, &cfg->network, err)) < 0
      || (r = skiff_json_get_bool (root, "Init", path, &cfg->init, err)) < 0
      || (r = skiff_container_security_from_json (root, path, &cfg->security, err)) < 0
      || (r = skiff_mounts_config_read (root, path, &cfg->mounts, err)) < 0
      || (r = skiff_json_get_string_map (root, "LogOpts", path, &cfg->log_opts, err)) < 0
      || (r = skiff_health_config_read (root, "Healthcheck", "HealthOnFailure", path, &cfg->health,
                                        err))
             < 0
      || (r = skiff_json_get_strv (root, "CreateCommand", path, &cfg->create_command, err)) < 0
      || (r = skiff_ports_config_read (root, path, &cfg->ports, err)) < 0
      || (r = skiff_container_podman_from_json (root, path, &cfg->podman, err)) < 0)
    return r;
  /* absent keys keep these defaults */
  int64_t old_timeout = -1, stop_timeout = INT64_MIN, restart_max = 0;
  if ((r = skiff_json_get_int (root, "StopTimeout", path, &old_timeout, err)) < 0
      || (r = skiff_json_get_int (root, "StopTimeoutSeconds", path, &stop_timeout, err)) < 0
      || (r = skiff_json_get_int (root, "RestartMax", path, &restart_max, err)) < 0)
    return r;
  if (stop_timeout == INT64_MIN)
    stop_timeout = old_timeout >= 0 ? old_timeout : SKIFF_STOP_TIMEOUT_UNSET;
  else if (stop_timeout < -1 || stop_timeout > INT_MAX)
    return skiff_error_make (err, 0, "%s: \"StopTimeoutSeconds\" out of range", path);
  cfg->stop_timeout = (int)stop_timeout;
  cfg->restart_max = (int)restart_max;
  if (cfg->id == NULL || strlen (cfg->id) != SKIFF_CONTAINER_ID_LEN || cfg->name == NULL)
    return skiff_error_make (err, 0, "%s: missing \"Id\" or \"Name\"", path);
  if (cfg->cidfile && *cfg->cidfile == '\0')
    {
      free (cfg->cidfile);
      cfg->cidfile = NULL;
    }
  return 0;
}
