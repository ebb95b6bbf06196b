/* A container's resources between the spec and the start: docker's and podman's defaults in
 * the record, and the warning of a rootless start that cannot have its limits. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/log.h"
#include "skiff/resources.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

void
skiff_engine_resources_config (const struct skiff_resources *spec, struct skiff_resources *cfg)
{
  skiff_resources_copy (cfg, spec);
  /* docker: as much swap as memory when only --memory is given (memsw = 2 x memory) */
  if (cfg->memory > 0 && cfg->memory_swap == 0)
    cfg->memory_swap = 2 * cfg->memory;
  if (!cfg->pids_limit_set)
    cfg->pids_limit = SKIFF_RESOURCES_DEFAULT_PIDS_LIMIT;
  if (cfg->cgroupns == NULL)
    {
      enum skiff_cgroup_layout layout = SKIFF_CGROUP_V1;
      _cleanup_error_ struct skiff_error *e = NULL;
      skiff_cgroup_detect (&layout, &e);
      cfg->cgroupns = xstrdup (layout == SKIFF_CGROUP_V2 ? "private" : "host");
    }
  const char *modes[] = { cfg->ipc, cfg->pid, cfg->uts };
  char **slots[] = { &cfg->ipc, &cfg->pid, &cfg->uts };
  for (size_t i = 0; i < 3; i++)
    if (modes[i] == NULL || *modes[i] == '\0')
      {
        free (*slots[i]);
        *slots[i] = xstrdup (i == 0 ? "private" : "");
      }
}

void
skiff_engine_resources_warn (const struct skiff_store *store, const struct skiff_container *c)
{
  const struct skiff_resources *r = &c->config.resources;
  if (!store->rootless || r->cgroups == SKIFF_CGROUPS_DISABLED || !skiff_resources_has_limits (r))
    return;
  _cleanup_free_ char *name = skiff_container_cgroup_name (c);
  if (!skiff_cgroup_can_create (name))
    log_warn ("resource limits are ignored: rootless without a delegated cgroup, the container "
              "runs without one");
}

char *
skiff_engine_hostname (const struct skiff_container_spec *spec, const char *id)
{
  char host[256];
  if (spec->hostname)
    return xstrdup (spec->hostname);
  if (spec->resources.uts && strcmp (spec->resources.uts, "host") == 0
      && gethostname (host, sizeof host) == 0)
    return xstrndup (host, sizeof host);
  return xstrndup (id, SKIFF_CONTAINER_SHORT_ID_LEN);
}
