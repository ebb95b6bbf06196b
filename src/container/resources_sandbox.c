/* The sandbox's share of a container's resources (struct skiff_sandbox_limits): the rlimits,
 * sysctls, /dev/shm, devices, and the namespace modes with "container:<name>" resolved to
 * that container's PID 1 (which must run). */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "record-internal.h"
#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

/* PID 1 of the running container `ref` names (what: "IPC", "PID", ...). */
static int
running_pid (struct skiff_store *store, const char *ref, const char *what, pid_t *pid,
             struct skiff_error **err)
{
  _cleanup_free_ char *id = NULL;
  _cleanup_container_ struct skiff_container *other = NULL;
  int r = skiff_container_lookup (store, ref, &id, err);
  if (r == 0)
    r = skiff_container_load (store, id, &other, err);
  if (r < 0)
    return r;
  if (other->state.status != SKIFF_CONTAINER_RUNNING || other->state.pid <= 0)
    return skiff_error_make (err, 0, "cannot join %s of a non running container: %s", what, ref);
  *pid = other->state.pid;
  return 0;
}

static int
ns_mode (struct skiff_store *store, const char *mode, const char *what,
         struct skiff_sandbox_ns *out, struct skiff_error **err)
{
  out->mode = SKIFF_SANDBOX_NS_PRIVATE;
  out->pid = 0;
  if (mode != NULL && strcmp (mode, "host") == 0)
    out->mode = SKIFF_SANDBOX_NS_HOST;
  else if (mode != NULL && strncmp (mode, "container:", 10) == 0)
    {
      /* a rootless container's namespaces belong to its own user namespace: ours is another */
      if (skiff_userns_is_rootless ())
        return skiff_error_make (err, 0,
                                 "joining the %s namespace of another container is not "
                                 "supported rootless: each has a user namespace of its own",
                                 what);
      out->mode = SKIFF_SANDBOX_NS_JOIN;
      return running_pid (store, mode + 10, what, &out->pid, err);
    }
  return 0;
}

int
skiff_container_sandbox_limits (struct skiff_store *store, const struct skiff_container *c,
                                struct skiff_container_limits *out, struct skiff_error **err)
{
  const struct skiff_resources *res = &c->config.resources;
  struct skiff_sandbox_limits *l = &out->sandbox;
  memset (out, 0, sizeof *out);
  size_t n = 0;
  while (res->ulimits && res->ulimits[n])
    n++;
  out->rlimits = xzalloc ((n + 1) * sizeof *out->rlimits);
  for (size_t i = 0; i < n; i++)
    {
      int64_t soft, hard;
      struct skiff_sandbox_rlimit *rl = &out->rlimits[i];
      if (skiff_resources_parse_ulimit (res->ulimits[i], &rl->resource, &soft, &hard, err) < 0)
        return skiff_error_ret (*err);
      rl->soft = soft < 0 ? RLIM_INFINITY : (unsigned long long)soft;
      rl->hard = hard < 0 ? RLIM_INFINITY : (unsigned long long)hard;
    }
  l->rlimits = out->rlimits;
  l->n_rlimits = n;
  l->sysctls = res->sysctls;
  l->shm_size = res->shm_size;
  l->no_shm = res->ipc != NULL && strcmp (res->ipc, "none") == 0;
  l->devices = res->devices;
  enum skiff_cgroup_layout layout;
  _cleanup_error_ struct skiff_error *no_layout = NULL;
  l->cgroupfs = !skiff_userns_is_rootless () && res->cgroups != SKIFF_CGROUPS_DISABLED
                && skiff_cgroup_detect (&layout, &no_layout) == 0;
  l->cgroup_v2 = l->cgroupfs && layout == SKIFF_CGROUP_V2;
  int r;
  if ((r = ns_mode (store, res->ipc, "IPC", &l->ipc, err)) < 0
      || (r = ns_mode (store, res->pid, "PID", &l->pid, err)) < 0
      || (r = ns_mode (store, res->uts, "UTS", &l->uts, err)) < 0
      /* a record from before the flag: the host's, as then */
      || (r = ns_mode (store, res->cgroupns ? res->cgroupns : "host", "cgroup", &l->cgroup, err))
             < 0)
    return r;
  return 0;
}

void
skiff_container_limits_clear (struct skiff_container_limits *l)
{
  free (l->rlimits);
  memset (l, 0, sizeof *l);
}
