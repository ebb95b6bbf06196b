/* What create decides about publishing (skiff/ports.h): -p/-P/--expose with the image's
 * EXPOSE, checked against the network mode as docker's daemon does; rootless, publishing
 * with no --network given means pasta (the default none has nothing to publish from). */
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/image.h"
#include "skiff/log.h"
#include "skiff/ports.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

int
skiff_engine_ports_config (struct skiff_store *store, const struct skiff_container_spec *spec,
                           const struct skiff_image *img, struct skiff_container_config *cfg,
                           struct skiff_error **err)
{
  int r = skiff_ports_config_build (&spec->ports, img->config.exposed_ports, &cfg->ports, err);
  if (r < 0 || !skiff_ports_config_publishes (&cfg->ports))
    return r;
  const char *mode = cfg->network.mode;
  if (strncmp (mode, "container:", 10) == 0)
    return skiff_error_make_status (
        err, 125, 0, "conflicting options: port publishing and the container type network mode");
  if (strcmp (mode, "host") == 0)
    log_warn ("Published ports are discarded when using host network mode");
  if (store->rootless && spec->network.mode == NULL && strcmp (mode, "none") == 0)
    {
      free (cfg->network.mode);
      cfg->network.mode = xstrdup ("pasta");
    }
  return 0;
}
