/* A container's cgroup ("skiff/<id>" in every hierarchy): made, limited to docker's default
 * devices and joined while PID 1 waits to start, removed when the container ends, frozen by
 * pause.  Rootless without a delegated subtree there is none: the container runs without one
 * and pause is refused.  Rootless never gets device rules (as podman): its user namespace
 * cannot mknod, and /dev holds bind mounts of the host's harmless nodes. */
#include <errno.h>
#include <string.h>

#include "record-internal.h"
#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/lock.h"
#include "skiff/strv.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

char *
skiff_container_cgroup_name (const struct skiff_container *c)
{
  const char *parent = c->config.resources.cgroup_parent;
  if (parent == NULL)
    return xasprintf ("skiff/%s", c->config.id);
  parent += strspn (parent, "/"); /* relative to each hierarchy's root either way */
  size_t len = strlen (parent);
  while (len > 0 && parent[len - 1] == '/')
    len--;
  return xasprintf ("%.*s/%s", (int)len, parent, c->config.id);
}

/* docker's --cpus: a CFS quota per 100 ms period */
static void
cgroup_limits (const struct skiff_resources *r, struct skiff_cgroup_limits *l)
{
  *l = (struct skiff_cgroup_limits){
    .memory = r->memory,
    .memory_swap = r->memory_swap,
    .memory_reservation = r->memory_reservation,
    .cpu_quota_us = r->nano_cpus ? r->nano_cpus / 10000 : 0,
    .cpu_period_us = r->nano_cpus ? 100000 : 0,
    .cpu_shares = r->cpu_shares,
    .cpuset_cpus = r->cpuset_cpus,
    .pids_max = r->pids_limit,
  };
}

int
skiff_container_cgroup_prepare (struct skiff_container *c, struct skiff_cgroup **out,
                                struct skiff_error **err)
{
  *out = NULL;
  const struct skiff_resources *res = &c->config.resources;
  if (res->cgroups == SKIFF_CGROUPS_DISABLED)
    return 0;
  _cleanup_free_ char *name = skiff_container_cgroup_name (c);
  struct skiff_cgroup *cg = NULL;
  struct skiff_error *e = NULL;
  int r = skiff_cgroup_create (name, &cg, &e);
  if (r == -EPERM && skiff_userns_is_rootless ())
    {
      skiff_error_free (e); /* rootless without delegation: no cgroup (start warned) */
      return 0;
    }
  if (r < 0)
    {
      *err = e;
      return r;
    }
  c->state.cgroup = true; /* saved with the next state write */
  _cleanup_strv_ char **rules = skiff_container_device_rules (res, err);
  if (rules == NULL && *err != NULL)
    r = skiff_error_ret (*err);
  /* --privileged: every device, as docker (no rule: the kernel's default allows all) */
  else if (!skiff_userns_is_rootless () && !c->config.security.privileged)
    r = skiff_cgroup_limit_devices_with (cg, rules, err);
  struct skiff_cgroup_limits limits;
  cgroup_limits (res, &limits);
  if (r == 0)
    r = skiff_cgroup_set_limits (cg, &limits, err);
  if (r < 0)
    skiff_cgroup_free (cg);
  else
    *out = cg;
  return r;
}

int
skiff_container_cgroup_join (struct skiff_container *c, pid_t pid, struct skiff_error **err)
{
  struct skiff_cgroup *cg = NULL;
  int r = skiff_container_cgroup_prepare (c, &cg, err);
  if (r == 0 && cg != NULL)
    r = skiff_cgroup_add_pid (cg, pid, err);
  skiff_cgroup_free (cg);
  return r;
}

bool
skiff_container_cgroup_oom_killed (const struct skiff_container *c)
{
  if (!c->state.cgroup)
    return false;
  _cleanup_free_ char *name = skiff_container_cgroup_name (c);
  struct skiff_cgroup *cg = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  uint64_t kills = 0;
  if (skiff_cgroup_open (name, &cg, &e) == 0)
    skiff_cgroup_oom_kills (cg, &kills, &e);
  skiff_cgroup_free (cg);
  return kills > 0;
}

void
skiff_container_cgroup_remove (struct skiff_container *c)
{
  if (!c->state.cgroup)
    return;
  _cleanup_free_ char *name = skiff_container_cgroup_name (c);
  struct skiff_cgroup *cg = NULL;
  struct skiff_error *e = NULL;
  if (skiff_cgroup_open (name, &cg, &e) == 0)
    skiff_cgroup_remove (cg, &e);
  skiff_cgroup_free (cg);
  skiff_error_free (e);
  c->state.cgroup = false;
}

static int
freeze (const struct skiff_container *c, bool frozen, struct skiff_error **err)
{
  if (c->config.resources.cgroups == SKIFF_CGROUPS_DISABLED)
    return skiff_error_make (
        err, 0, "pause: container %s runs without a cgroup (--cgroups=disabled)", c->config.name);
  _cleanup_free_ char *name = skiff_container_cgroup_name (c);
  struct skiff_cgroup *cg = NULL;
  int r = skiff_cgroup_open (name, &cg, err);
  if (r == -ENOENT || r == -EPERM || r == -EACCES)
    {
      skiff_error_free (*err);
      *err = NULL;
      return skiff_error_make (err, 0, SKIFF_CGROUP_NO_PAUSE_MSG);
    }
  if (r < 0)
    return r;
  if (cg->freezer == NULL)
    r = skiff_error_make (err, 0, "pause: the freezer cgroup controller is not mounted");
  else
    r = frozen ? skiff_cgroup_freeze (cg, err) : skiff_cgroup_thaw (cg, err);
  skiff_cgroup_free (cg);
  return r;
}

int
skiff_container_set_paused (struct skiff_container *c, bool paused, struct skiff_error **err)
{
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  int r = skiff_container_state_reload (c, err);
  const char *id = c->config.id;
  if (r < 0)
    ;
  else if (c->state.status != SKIFF_CONTAINER_RUNNING)
    r = skiff_error_make_status (err, 1, 0, "Container %s is not running", id);
  else if (paused && c->state.paused)
    r = skiff_error_make_status (err, 1, 0, "Container %s is already paused", id);
  else if (!paused && !c->state.paused)
    r = skiff_error_make_status (err, 1, 0, "Container %s is not paused", id);
  else if ((r = freeze (c, paused, err)) == 0)
    {
      c->state.paused = paused;
      r = skiff_container_state_save (c, true, err);
    }
  skiff_lock_release (lock);
  return r;
}
