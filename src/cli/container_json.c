/* docker's `container inspect` object for one container (cli-output.md §3). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define ZERO_TIME "0001-01-01T00:00:00Z"

/* docker's State.Health: only for a container with a health check that was started */
static void
gen_health (yajl_gen g, const struct skiff_container *c)
{
  struct skiff_health_state hs;
  _cleanup_free_ char *path = skiff_path_join (c->dir, "health.json");
  if (skiff_container_health_status (c) < 0 || !skiff_fs_exists (path)
      || skiff_health_state_load (c->dir, &hs, NULL) < 0)
    return;
  skiff_json_gen_key (g, "Health");
  skiff_health_state_gen (g, &hs);
  skiff_health_state_clear (&hs);
}

static void
gen_state (yajl_gen g, const struct skiff_container *c)
{
  const struct skiff_container_state *st = &c->state;
  bool running = st->status == SKIFF_CONTAINER_RUNNING;
  skiff_json_gen_key (g, "State");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Status", skiff_container_state_word (st));
  skiff_json_gen_key_bool (g, "Running", running);
  skiff_json_gen_key_bool (g, "Paused", running && st->paused);
  skiff_json_gen_key_bool (g, "Restarting", st->status == SKIFF_CONTAINER_RESTARTING);
  skiff_json_gen_key_bool (g, "OOMKilled", st->oom_killed);
  skiff_json_gen_key_bool (g, "Dead", false);
  skiff_json_gen_key_int (g, "Pid", running ? st->pid : 0);
  skiff_json_gen_key_int (g, "ExitCode", st->exit_code);
  skiff_json_gen_key_string (g, "Error", "");
  skiff_json_gen_key_string (g, "StartedAt", st->started_at ? st->started_at : ZERO_TIME);
  skiff_json_gen_key_string (g, "FinishedAt", st->finished_at ? st->finished_at : ZERO_TIME);
  /* podman's name for the monitor */
  skiff_json_gen_key_int (g, "ConmonPid", running ? st->monitor_pid : 0);
  gen_health (g, c);
  yajl_gen_map_close (g);
}

static void
gen_config (yajl_gen g, const struct skiff_container_config *cfg)
{
  skiff_json_gen_key (g, "Config");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Hostname", cfg->hostname);
  skiff_json_gen_key_string (g, "Domainname", "");
  skiff_json_gen_key_string (g, "User", cfg->user ? cfg->user : "");
  skiff_json_gen_key_bool (g, "AttachStdin", cfg->open_stdin);
  skiff_json_gen_key_bool (g, "AttachStdout", false);
  skiff_json_gen_key_bool (g, "AttachStderr", false);
  skiff_json_gen_key_bool (g, "Tty", cfg->tty);
  skiff_json_gen_key_bool (g, "OpenStdin", cfg->open_stdin);
  skiff_json_gen_key_bool (g, "StdinOnce", false);
  skiff_json_gen_key_strv (g, "Env", cfg->env, true);
  skiff_json_gen_key_strv (g, "Cmd", cfg->cmd, false);
  skiff_json_gen_key_string (g, "Image", cfg->image_name);
  skiff_json_gen_key_set (g, "Volumes", NULL);
  skiff_cli_gen_exposed_ports (g, cfg);
  skiff_json_gen_key_string (g, "WorkingDir", cfg->workdir);
  skiff_json_gen_key_strv (g, "Entrypoint", cfg->entrypoint, false);
  skiff_json_gen_key_strv (g, "OnBuild", NULL, false);
  char *empty[] = { NULL };
  skiff_json_gen_key_map (g, "Labels", cfg->labels ? cfg->labels : empty);
  if (cfg->stop_signal)
    skiff_json_gen_key_string (g, "StopSignal", cfg->stop_signal);
  if (cfg->stop_timeout != SKIFF_STOP_TIMEOUT_UNSET)
    skiff_json_gen_key_int (g, "StopTimeout", cfg->stop_timeout);
  skiff_health_config_gen (g, &cfg->health);
  yajl_gen_map_close (g);
}

/* docker's CapAdd, CapDrop and SecurityOpt (seccomp= names the file, not its text) */
static void
gen_security (yajl_gen g, const struct skiff_container_security *sec)
{
  _cleanup_strv_ char **opts = NULL;
  if (sec->no_new_privileges)
    skiff_strv_push (&opts, "no-new-privileges");
  if (sec->seccomp != NULL)
    skiff_strv_push_owned (
        &opts, xasprintf ("seccomp=%s", sec->seccomp_origin ? sec->seccomp_origin : sec->seccomp));
  for (size_t i = 0; sec->mask != NULL && sec->mask[i] != NULL; i++)
    skiff_strv_push_owned (&opts, xasprintf ("mask=%s", sec->mask[i]));
  for (size_t i = 0; sec->unmask != NULL && sec->unmask[i] != NULL; i++)
    skiff_strv_push_owned (&opts, xasprintf ("unmask=%s", sec->unmask[i]));
  skiff_json_gen_key_strv (g, "CapAdd", sec->cap_add, false);
  skiff_json_gen_key_strv (g, "CapDrop", sec->cap_drop, false);
  skiff_json_gen_key_strv (g, "SecurityOpt", opts, false);
}

static void
gen_host_config (yajl_gen g, struct skiff_store *store, const struct skiff_container_config *cfg)
{
  char *empty[] = { NULL };
  skiff_json_gen_key (g, "HostConfig");
  yajl_gen_map_open (g);
  skiff_json_gen_key_strv (g, "Binds", NULL, false);
  skiff_json_gen_key_string (g, "ContainerIDFile", cfg->cidfile ? cfg->cidfile : "");
  skiff_json_gen_key (g, "LogConfig");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Type", cfg->log_driver ? cfg->log_driver : "k8s-file");
  skiff_json_gen_key_map (g, "Config", cfg->log_opts ? cfg->log_opts : empty);
  yajl_gen_map_close (g);
  skiff_cli_gen_host_network (g, store, cfg);
  skiff_json_gen_key_bool (g, "Init", cfg->init);
  skiff_cli_gen_port_bindings (g, cfg); /* and PublishAllPorts */
  skiff_json_gen_key (g, "RestartPolicy");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Name", cfg->restart_policy ? cfg->restart_policy : "no");
  skiff_json_gen_key_int (g, "MaximumRetryCount", cfg->restart_max);
  yajl_gen_map_close (g);
  skiff_json_gen_key_bool (g, "AutoRemove", cfg->auto_remove);
  static const char *const null_lists[] = { "VolumesFrom", "GroupAdd" };
  for (size_t i = 0; i < sizeof null_lists / sizeof null_lists[0]; i++)
    skiff_json_gen_key_strv (g, null_lists[i], NULL, false);
  gen_security (g, &cfg->security);
  skiff_json_gen_key_bool (g, "Privileged", cfg->security.privileged);
  skiff_json_gen_key_bool (g, "ReadonlyRootfs", cfg->security.read_only);
  skiff_json_gen_key_string (g, "UsernsMode", cfg->mounts.userns ? cfg->mounts.userns : "");
  skiff_json_gen_key_string (g, "Runtime", "skiff");
  skiff_cli_resources_host_config (g, &cfg->resources);
  yajl_gen_map_close (g);
}

static void
gen_paths (yajl_gen g, const struct skiff_container *c)
{
  static const struct
  {
    const char *key, *file;
  } paths[] = { { "ResolvConfPath", "resolv.conf" },
                { "HostnamePath", "hostname" },
                { "HostsPath", "hosts" },
                { "LogPath", "ctr.log" } };
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    {
      _cleanup_free_ char *p = skiff_path_join (c->dir, paths[i].file);
      skiff_json_gen_key_string (g, paths[i].key, p);
    }
}

char *
skiff_cli_container_json (struct skiff_store *store, const struct skiff_container *c)
{
  const struct skiff_container_config *cfg = &c->config;
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  _cleanup_free_ char *image = xasprintf ("sha256:%s", cfg->image_id);
  _cleanup_free_ char *name = xasprintf ("/%s", cfg->name);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Id", cfg->id);
  skiff_json_gen_key_string (g, "Created", cfg->created);
  skiff_json_gen_key_string (g, "Path", cfg->argv && cfg->argv[0] ? cfg->argv[0] : "");
  skiff_json_gen_key_strv (g, "Args", cfg->argv && cfg->argv[0] ? cfg->argv + 1 : NULL, true);
  gen_state (g, c);
  skiff_json_gen_key_string (g, "Image", image);
  gen_paths (g, c);
  skiff_json_gen_key_string (g, "Name", name);
  skiff_json_gen_key_int (g, "RestartCount", c->state.restart_count);
  skiff_json_gen_key_string (g, "Driver", "overlay");
  skiff_json_gen_key_string (g, "Platform", "linux");
  skiff_json_gen_key_string (g, "MountLabel", "");
  skiff_json_gen_key_string (g, "ProcessLabel", "");
  skiff_json_gen_key_string (g, "AppArmorProfile", "");
  skiff_json_gen_key_strv (g, "ExecIDs", NULL, false);
  gen_host_config (g, store, cfg);
  skiff_container_mounts_inspect_gen (g, c);
  gen_config (g, cfg);
  skiff_cli_gen_network_settings (g, store, c);
  yajl_gen_map_close (g);
  return skiff_json_gen_finish (g, NULL);
}
