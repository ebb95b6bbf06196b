/* Renaming: the new name is reserved first (so a taken name fails with nothing changed), then
 * config.json is rewritten, then the old name is released. */
#include <string.h>

#include "record-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/xalloc.h"

int
skiff_container_rename (struct skiff_store *store, struct skiff_container *c, const char *name,
                        struct skiff_error **err)
{
  if (*name == '/')
    name++;
  int r = skiff_container_name_validate (name, err);
  if (r < 0)
    return r;
  if (strcmp (name, c->config.name) == 0)
    return skiff_error_make (err, 0, "Renaming a container with the same name as its current name");
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  r = skiff_container_name_reserve (store, name, c->config.id, err);
  if (r < 0)
    {
      skiff_error_prefix (err, "Error when allocating new name");
      skiff_lock_release (lock);
      return r;
    }
  char *old = c->config.name;
  c->config.name = xstrdup (name);
  _cleanup_free_ char *path = skiff_path_join (c->dir, "config.json");
  _cleanup_free_ char *json = skiff_container_config_to_json (&c->config);
  r = skiff_fs_write_atomic (path, json, strlen (json), 0600, SKIFF_WRITE_DURABLE, err);
  if (r < 0)
    {
      skiff_container_name_release (store, c->config.name, c->config.id);
      free (c->config.name);
      c->config.name = old;
    }
  else
    {
      skiff_container_name_release (store, old, c->config.id);
      free (old);
    }
  skiff_lock_release (lock);
  return r;
}
