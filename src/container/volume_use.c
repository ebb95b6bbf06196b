/* Which containers use a volume (volume rm refuses one in use, naming them), and the removal
 * of a container's anonymous volumes (rm -v, --rm). */
#include <errno.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/log.h"
#include "skiff/strv.h"
#include "skiff/volume.h"

static bool
uses_volume (const struct skiff_container *c, const char *name)
{
  for (size_t i = 0; i < c->config.mounts.n; i++)
    {
      const struct skiff_mount *m = &c->config.mounts.v[i];
      if (m->type == SKIFF_MOUNT_VOLUME && strcmp (m->source, name) == 0)
        return true;
    }
  return false;
}

int
skiff_volume_users (struct skiff_store *store, const char *name, char ***ids,
                    struct skiff_error **err)
{
  _cleanup_strv_ char **all = NULL;
  int r = skiff_container_list_ids (store, &all, err);
  *ids = NULL;
  for (size_t i = 0; r == 0 && all[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      _cleanup_error_ struct skiff_error *gone = NULL;
      if (skiff_container_load (store, all[i], &c, &gone) < 0)
        continue; /* removed meanwhile, or broken: system check reports it */
      if (uses_volume (c, name))
        skiff_strv_push (ids, all[i]);
    }
  return r;
}

void
skiff_container_remove_anon_volumes (struct skiff_store *store, const struct skiff_container *c)
{
  for (size_t i = 0; i < c->config.mounts.n; i++)
    {
      const struct skiff_mount *m = &c->config.mounts.v[i];
      if (m->type != SKIFF_MOUNT_VOLUME || !m->anonymous)
        continue;
      _cleanup_strv_ char **users = NULL;
      struct skiff_error *e = NULL;
      if (skiff_volume_users (store, m->source, &users, &e) == 0 && users == NULL)
        skiff_volume_remove (store, m->source, &e);
      skiff_error_log_dropf (&e, SKIFF_LOG_WARN, "remove anonymous volume %s", m->source);
    }
}
