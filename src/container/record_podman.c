/* config.json's keys for podman's --tz, --timeout and --pidfile (struct skiff_container_podman);
 * absent in older records, which read as "not given". */
#include <stdint.h>
#include <stdlib.h>

#include "record-internal.h"
#include "skiff/error.h"
#include "skiff/json.h"

void
skiff_container_podman_to_json (yajl_gen g, const struct skiff_container_podman *p)
{
  if (p->timezone)
    skiff_json_gen_key_string (g, "Timezone", p->timezone);
  if (p->timeout)
    skiff_json_gen_key_int (g, "Timeout", p->timeout);
  if (p->pidfile)
    skiff_json_gen_key_string (g, "PidFile", p->pidfile);
}

int
skiff_container_podman_from_json (yajl_val root, const char *path, struct skiff_container_podman *p,
                                  struct skiff_error **err)
{
  int64_t timeout = 0;
  int r;
  if ((r = skiff_json_get_string (root, "Timezone", path, &p->timezone, err)) < 0
      || (r = skiff_json_get_string (root, "PidFile", path, &p->pidfile, err)) < 0
      || (r = skiff_json_get_int (root, "Timeout", path, &timeout, err)) < 0)
    return r;
  if (timeout < 0 || timeout > UINT32_MAX)
    return skiff_error_make (err, EINVAL, "%s: Timeout %lld out of range", path,
                             (long long)timeout);
  p->timeout = (unsigned)timeout;
  return 0;
}

void
skiff_container_podman_clear (struct skiff_container_podman *p)
{
  free (p->timezone);
  free (p->pidfile);
}
