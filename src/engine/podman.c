/* podman's --tz, --timeout and --pidfile: what create records of them (the zone was checked by
 * skiff_engine_spec_check; the copy and bind happen at each start, the timeout is the
 * monitor's, the pidfile is written by skiff_engine_start). */
#include <stdlib.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/fs.h"
#include "skiff/xalloc.h"

static char *
absolute (const char *path)
{
  if (path[0] == '/')
    return xstrdup (path);
  _cleanup_free_ char *cwd = getcwd (NULL, 0);
  return cwd ? skiff_path_join (cwd, path) : xstrdup (path);
}

void
skiff_engine_podman_config (const struct skiff_podman_spec *spec,
                            struct skiff_container_podman *cfg)
{
  cfg->timezone = spec->tz ? xstrdup (spec->tz) : NULL;
  cfg->timeout = spec->timeout;
  cfg->pidfile = spec->pidfile && *spec->pidfile ? absolute (spec->pidfile) : NULL;
}
