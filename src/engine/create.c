/* skiff_engine_create: a container record from a spec (what `create` decides) and the image
 * config: argv, env, workdir, user, name, labels, lifecycle, the cidfile. */
#include <errno.h>
#include <string.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/lock.h"
#include "skiff/store.h"
#include "skiff/events.h"
#include "skiff/image.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/monitor.h"
#include "skiff/restart.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

extern char **environ;

static const char *
spec_name (const struct skiff_container_spec *spec)
{
  return spec->name && spec->name[0] == '/' ? spec->name + 1 : spec->name;
}

int
skiff_engine_spec_check (const struct skiff_container_spec *spec, struct skiff_error **err)
{
  struct skiff_restart_policy policy = { 0 };
  int r;
  if (spec->restart && (r = skiff_restart_policy_parse (spec->restart, &policy, err)) < 0)
    return r;
  if ((r = skiff_restart_check_rm (&policy, spec->rm, err)) < 0)
    return r;
  if (spec->stop_signal && (r = skiff_engine_parse_signal (spec->stop_signal, err)) < 0)
    return r;
  if (spec->name && (r = skiff_container_name_validate (spec_name (spec), err)) < 0)
    return r;
  if (spec->hostname && spec->resources.uts && strcmp (spec->resources.uts, "host") == 0)
    return skiff_error_make_status (err, 125, 0, "Conflicting options: hostname and the UTS mode");
  if ((r = skiff_resources_check (&spec->resources, err)) < 0
      || (r = skiff_network_spec_check (&spec->network, err)) < 0
      || (r = skiff_engine_health_check (&spec->health, err)) < 0
      || (r = skiff_ports_spec_check (&spec->ports, err)) < 0
      || (spec->podman.tz && (r = skiff_container_timezone_check (spec->podman.tz, err)) < 0))
    return r;
  return skiff_engine_log_check (spec, err);
}

/* env-file lines first, then each -e, as docker/cli does. */
int
skiff_engine_user_env (char *const *env_files, char *const *env_opts,
                       struct skiff_strv_builder *env, struct skiff_error **err)
{
  int r;
  for (size_t i = 0; env_files && env_files[i]; i++)
    if ((r = skiff_container_env_file_read (env_files[i], environ, env, err)) < 0)
      return r;
  for (size_t i = 0; env_opts && env_opts[i]; i++)
    if ((r = skiff_container_env_option (env_opts[i], environ, env, err)) < 0)
      return r;
  return 0;
}

char **
skiff_engine_kv_pairs (char *const *labels)
{
  char **kv = NULL;
  for (size_t i = 0; labels && labels[i]; i++)
    {
      const char *eq = strchr (labels[i], '=');
      skiff_strv_push_owned (&kv, eq ? xstrndup (labels[i], (size_t)(eq - labels[i]))
                                     : xstrdup (labels[i]));
      skiff_strv_push (&kv, eq ? eq + 1 : "");
    }
  return kv;
}

static void
lifecycle_config (const struct skiff_container_spec *spec, const struct skiff_image *img,
                  struct skiff_container_config *cfg)
{
  cfg->tty = spec->tty;
  cfg->open_stdin = spec->interactive;
  const char *sig = spec->stop_signal ? spec->stop_signal : img->config.stop_signal;
  cfg->stop_signal = sig && *sig ? xstrdup (sig) : NULL;
  cfg->stop_timeout = spec->stop_timeout == SKIFF_STOP_TIMEOUT_UNSET || spec->stop_timeout >= -1
                          ? spec->stop_timeout
                          : -1; /* docker: any negative timeout waits forever */
  struct skiff_restart_policy policy = { 0 };
  if (spec->restart)
    skiff_restart_policy_parse (spec->restart, &policy, NULL); /* checked by _spec_check */
  cfg->restart_policy = xstrdup (skiff_restart_mode_name (policy.mode));
  cfg->restart_max = policy.max_retries;
  cfg->labels = skiff_engine_kv_pairs (spec->labels);
  cfg->init = spec->init.choice == SKIFF_INIT_ON;
  skiff_engine_log_config (spec, cfg);
  skiff_engine_podman_config (&spec->podman, &cfg->podman);
}

/* -t: TERM=xterm unless the image or -e set TERM (docker and podman). */
static void
add_default_term (char ***env)
{
  for (size_t i = 0; (*env)[i]; i++)
    if (strncmp ((*env)[i], "TERM=", 5) == 0)
      return;
  skiff_strv_push (env, "TERM=xterm");
}

static int
build_config (struct skiff_store *store, const struct skiff_container_spec *spec,
              const struct skiff_image *img, char *const *uenv, struct skiff_container_config *cfg,
              struct skiff_error **err)
{
  char id[SKIFF_CONTAINER_ID_LEN + 1];
  int r = skiff_container_build_argv (img->config.entrypoint, img->config.cmd, spec->entrypoint,
                                      spec->args, &cfg->argv, &cfg->entrypoint, &cfg->cmd, err);
  if (r < 0)
    return r;
  r = skiff_container_workdir (spec->workdir, img->config.working_dir, &cfg->workdir, err);
  if (r < 0)
    return r;
  r = skiff_container_new_id (id, err);
  if (r < 0 || (r = skiff_engine_network_config (store, spec, &cfg->network, err)) < 0
      || (r = skiff_engine_ports_config (store, spec, img, cfg, err)) < 0)
    return r;
  cfg->id = xstrdup (id);
  /* -h, else the host's name with --network host (docker) or --uts host, else the short ID */
  cfg->hostname = spec->hostname ? NULL : skiff_engine_network_hostname (&cfg->network);
  if (cfg->hostname == NULL)
    cfg->hostname = skiff_engine_hostname (spec, id);
  cfg->env = skiff_container_build_env (img->config.env, uenv, cfg->hostname);
  if (spec->tty)
    add_default_term (&cfg->env);
  cfg->name = spec->name ? xstrdup (spec_name (spec)) : NULL;
  cfg->image_id = xstrdup (img->id);
  cfg->image_name = xstrdup (spec->image);
  cfg->user = xstrdup (spec->user ? spec->user : img->config.user ? img->config.user : "");
  cfg->auto_remove = spec->rm;
  cfg->cidfile = spec->cidfile ? xstrdup (spec->cidfile) : NULL;
  lifecycle_config (spec, img, cfg);
  skiff_engine_resources_config (&spec->resources, &cfg->resources);
  if ((r = skiff_engine_health_config (&spec->health, img, &cfg->health, err)) < 0)
    return r;
  cfg->create_command = skiff_strv_dup (spec->boot.create_command);
  return skiff_engine_security_config (&spec->security, &cfg->security, err);
}

static int
create_record (struct skiff_store *store, const struct skiff_container_spec *spec,
               const struct skiff_image *img, struct skiff_container **out,
               struct skiff_error **err)
{
  _cleanup_strv_builder_ struct skiff_strv_builder uenv = { 0 };
  struct skiff_container_config cfg = { 0 };
  int r = skiff_engine_user_env (spec->env_files, spec->env, &uenv, err);
  if (r < 0)
    return r;
  r = build_config (store, spec, img, uenv.v, &cfg, err);
  if (r == 0 && (r = skiff_engine_mounts (store, spec, img, &cfg, err)) == 0)
    {
      struct skiff_container_create_opts copts = { .durable = !spec->rm };
      r = skiff_container_create (store, &cfg, &copts, out, err);
    }
  if (r < 0)
    skiff_engine_mounts_abort (store, &cfg);
  skiff_container_config_clear (&cfg);
  if (r == 0 && spec->cidfile
      && (r = skiff_container_cidfile_write (spec->cidfile, (*out)->config.id, err)) < 0)
    {
      skiff_engine_discard_record (store, *out);
      skiff_container_freep (out);
    }
  return r;
}

/* True while name still resolves to id. */
static bool
still_named (struct skiff_store *store, const char *name, const char *id)
{
  _cleanup_free_ char *now = NULL;
  _cleanup_error_ struct skiff_error *none = NULL;
  return skiff_container_lookup (store, name, &now, &none) == 0 && strcmp (now, id) == 0;
}

/* --replace: a container holding the name is removed (killed first) before ours takes it.
 * Removed by a parallel replacer meanwhile is as good. */
static int
replace_named (struct skiff_store *store, const char *name, struct skiff_error **err)
{
  _cleanup_free_ char *id = NULL;
  _cleanup_error_ struct skiff_error *none = NULL;
  if (skiff_container_lookup (store, name, &id, &none) < 0)
    return 0; /* nothing to replace */
  _cleanup_container_ struct skiff_container *old = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  int r = skiff_container_load (store, id, &old, &e);
  if (r == 0 && old->config.name != NULL && strcmp (old->config.name, name) != 0)
    return 0; /* a prefix of another ID, not the name */
  if (r == 0)
    r = skiff_engine_remove (store, old, true, &e);
  if (r < 0 && still_named (store, name, id))
    {
      *err = steal_ptr (&e);
      return r;
    }
  return 0;
}

static int
create_named_attempts (struct skiff_store *store, const struct skiff_container_spec *spec,
                       const struct skiff_image *img, int attempts, struct skiff_container **out,
                       struct skiff_error **err)
{
  int r;
  for (int attempt = 0;; attempt++)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      if (spec->replace && spec->name && (r = replace_named (store, spec_name (spec), err)) < 0)
        return r;
      r = create_record (store, spec, img, out, &e);
      if (r != -EEXIST || !spec->replace || attempt + 1 == attempts)
        {
          if (r < 0)
            *err = steal_ptr (&e);
          return r;
        }
    }
}

/* With --replace the name can be taken again between the removal and our reservation (a plain
 * create of the name): then the new holder is replaced in turn, a bounded number of times. */
static int
create_replacing (struct skiff_store *store, const struct skiff_container_spec *spec,
                  const struct skiff_image *img, struct skiff_container **out,
                  struct skiff_error **err)
{
  enum
  {
    REPLACE_ATTEMPTS = 64
  };
  return create_named_attempts (store, spec, img, REPLACE_ATTEMPTS, out, err);
}

/* Parallel replacers take turns (names/replace.lock): each removes the holder and reserves the
 * name while the others wait, so none is starved (16 at once, under ASan, ran out of
 * attempts: each one's removal let another win). */
static int
create_named (struct skiff_store *store, const struct skiff_container_spec *spec,
              const struct skiff_image *img, struct skiff_container **out, struct skiff_error **err)
{
  if (!spec->replace || !spec->name)
    return create_replacing (store, spec, img, out, err);
  _cleanup_free_ char *path = skiff_store_path (store, "names/replace.lock");
  int turn = skiff_lock_acquire (path, SKIFF_LOCK_EXCLUSIVE, err);
  if (turn < 0)
    return turn;
  int r = create_replacing (store, spec, img, out, err);
  skiff_lock_release (turn);
  return r;
}

int
skiff_engine_create_from (struct skiff_store *store, const struct skiff_container_spec *spec,
                          struct skiff_image **img, struct skiff_container **out,
                          struct skiff_error **err)
{
  int r;
  if (spec->cidfile && (r = skiff_container_cidfile_open (spec->cidfile, err)) < 0)
    return r;
  log_debug ("create: looking up the image %s", spec->image);
  if ((r = skiff_image_lookup (store, spec->image, img, err)) == 0)
    {
      log_debug ("create: image %s is %.12s; writing the container record", spec->image,
                 (*img)->id);
      r = create_named (store, spec, *img, out, err);
    }
  if (r < 0)
    {
      if (spec->cidfile)
        skiff_container_cidfile_abort (spec->cidfile);
      return r;
    }
  skiff_events_container (store, *out, "create", NULL);
  log_debug ("create: container %.12s (%s) created", (*out)->config.id, (*out)->config.name);
  return 0;
}

int
skiff_engine_create (struct skiff_store *store, const struct skiff_container_spec *spec,
                     struct skiff_container **out, struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  return skiff_engine_create_from (store, spec, &img, out, err);
}
