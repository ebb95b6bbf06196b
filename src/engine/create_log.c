/* A container's logging settings: --log-driver and --log-opt, checked before anything is made
 * and kept in its config for the monitor (skiff/logfile.h has the drivers and options). */
#include "engine-internal.h"

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/logfile.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

int
skiff_engine_log_check (const struct skiff_container_spec *spec, struct skiff_error **err)
{
  _cleanup_strv_ char **map = skiff_log_opts_map (spec->log.opts);
  struct skiff_log_config lc;
  return skiff_log_config_parse (spec->log.driver, map, &lc, err);
}

void
skiff_engine_log_config (const struct skiff_container_spec *spec,
                         struct skiff_container_config *cfg)
{
  cfg->log_driver = spec->log.driver && *spec->log.driver ? xstrdup (spec->log.driver) : NULL;
  cfg->log_opts = skiff_log_opts_map (spec->log.opts);
}
