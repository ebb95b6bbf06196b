/* config.json's "Mounts" (and "UsernsMode"): the mounts create resolved, read back at every
 * start. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/mount.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

const char *
skiff_mount_type_name (enum skiff_mount_type t)
{
  static const char *const names[] = { "bind", "volume", "tmpfs", "devpts" };
  return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "bind";
}

static const struct
{
  const char *key;
  size_t field;
} mount_bools[] = {
  { "ReadOnly", offsetof (struct skiff_mount, read_only) },
  { "Anonymous", offsetof (struct skiff_mount, anonymous) },
  { "Chown", offsetof (struct skiff_mount, chown) },
  { "Overlay", offsetof (struct skiff_mount, overlay) },
  { "NoCopy", offsetof (struct skiff_mount, nocopy) },
  { "NoSuid", offsetof (struct skiff_mount, nosuid) },
  { "NoDev", offsetof (struct skiff_mount, nodev) },
  { "NoExec", offsetof (struct skiff_mount, noexec) },
};

static const struct
{
  const char *key;
  size_t field;
} mount_strings[] = {
  { "Source", offsetof (struct skiff_mount, source) },
  { "Destination", offsetof (struct skiff_mount, destination) },
  { "Mode", offsetof (struct skiff_mount, mode) },
  { "Propagation", offsetof (struct skiff_mount, propagation) },
  { "Data", offsetof (struct skiff_mount, data) },
};

void
skiff_mounts_config_gen (yajl_gen g, const struct skiff_mounts_config *mc)
{
  if (mc->userns && *mc->userns)
    skiff_json_gen_key_string (g, "UsernsMode", mc->userns);
  if (mc->n == 0)
    return;
  skiff_json_gen_key (g, "Mounts");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < mc->n; i++)
    {
      const struct skiff_mount *m = &mc->v[i];
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "Type", skiff_mount_type_name (m->type));
      for (size_t k = 0; k < sizeof mount_strings / sizeof mount_strings[0]; k++)
        {
          const char *s = *(char *const *)((const char *)m + mount_strings[k].field);
          if (s != NULL)
            skiff_json_gen_key_string (g, mount_strings[k].key, s);
        }
      for (size_t k = 0; k < sizeof mount_bools / sizeof mount_bools[0]; k++)
        if (*(const bool *)((const char *)m + mount_bools[k].field))
          skiff_json_gen_key_bool (g, mount_bools[k].key, true);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}

static int
read_one (yajl_val o, const char *what, struct skiff_mount *m, struct skiff_error **err)
{
  char *type = NULL;
  int r = skiff_json_get_string (o, "Type", what, &type, err);
  if (r < 0)
    return r;
  m->type = SKIFF_MOUNT_BIND;
  for (int t = SKIFF_MOUNT_BIND; type && t <= SKIFF_MOUNT_DEVPTS; t++)
    if (strcmp (type, skiff_mount_type_name ((enum skiff_mount_type)t)) == 0)
      m->type = (enum skiff_mount_type)t;
  free (type);
  for (size_t k = 0; k < sizeof mount_strings / sizeof mount_strings[0]; k++)
    if ((r = skiff_json_get_string (o, mount_strings[k].key, what,
                                    (char **)((char *)m + mount_strings[k].field), err))
        < 0)
      return r;
  for (size_t k = 0; k < sizeof mount_bools / sizeof mount_bools[0]; k++)
    if ((r = skiff_json_get_bool (o, mount_bools[k].key, what,
                                  (bool *)((char *)m + mount_bools[k].field), err))
        < 0)
      return r;
  if (m->destination == NULL || m->destination[0] != '/'
      || (m->type <= SKIFF_MOUNT_VOLUME && m->source == NULL))
    return skiff_error_make (err, EINVAL, "%s: a mount without a source or destination", what);
  if (m->mode == NULL)
    m->mode = xstrdup ("");
  return 0;
}

int
skiff_mounts_config_read (yajl_val root, const char *what, struct skiff_mounts_config *mc,
                          struct skiff_error **err)
{
  int r = skiff_json_get_string (root, "UsernsMode", what, &mc->userns, err);
  if (r < 0)
    return r;
  yajl_val arr = skiff_json_get_field (root, "Mounts");
  if (arr == NULL || YAJL_IS_NULL (arr))
    return 0;
  if (!YAJL_IS_ARRAY (arr))
    return skiff_error_make (err, EINVAL, "%s: \"Mounts\" is not an array", what);
  for (size_t i = 0; i < arr->u.array.len; i++)
    {
      yajl_val o = arr->u.array.values[i];
      struct skiff_mount m = { 0 };
      if (!YAJL_IS_OBJECT (o))
        return skiff_error_make (err, EINVAL, "%s: a mount is not an object", what);
      if ((r = read_one (o, what, &m, err)) < 0)
        {
          skiff_mount_clear (&m);
          return r;
        }
      mc->v = xrealloc (mc->v, (mc->n + 1) * sizeof *mc->v);
      mc->v[mc->n++] = m;
    }
  return 0;
}

/* <root>/volumes/<name>/_data from the container's dir <root>/containers/<id> */
static char *
volume_data_path (const struct skiff_container *c, const char *name)
{
  const char *slash = strrchr (c->dir, '/');
  size_t len = slash ? (size_t)(slash - c->dir) : 0;
  while (len > 0 && c->dir[len - 1] != '/')
    len--;
  return xasprintf ("%.*svolumes/%s/_data", (int)len, c->dir, name);
}

void
skiff_container_mounts_inspect_gen (yajl_gen g, const struct skiff_container *c)
{
  const struct skiff_mounts_config *mc = &c->config.mounts;
  skiff_json_gen_key (g, "Mounts");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < mc->n; i++)
    {
      const struct skiff_mount *m = &mc->v[i];
      bool volume = m->type == SKIFF_MOUNT_VOLUME;
      _cleanup_free_ char *src = volume ? volume_data_path (c, m->source) : NULL;
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "Type", skiff_mount_type_name (m->type));
      if (volume)
        skiff_json_gen_key_string (g, "Name", m->source);
      skiff_json_gen_key_string (g, "Source", volume ? src : m->source ? m->source : "");
      skiff_json_gen_key_string (g, "Destination", m->destination);
      if (volume)
        skiff_json_gen_key_string (g, "Driver", "local");
      skiff_json_gen_key_string (g, "Mode", m->mode ? m->mode : "");
      skiff_json_gen_key_bool (g, "RW", !m->read_only);
      skiff_json_gen_key_string (
          g, "Propagation",
          m->type == SKIFF_MOUNT_BIND ? (m->propagation ? m->propagation : "rprivate") : "");
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}
