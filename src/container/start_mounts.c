/* At start: the container's recorded mounts as the sandbox mounts them (volumes resolved to
 * their directories, or to what their options say; :O gets fresh upper/work dirs). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "container-mounts.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/volume.h"
#include "skiff/xalloc.h"

void
skiff_container_mounts_clear (struct skiff_container_mounts *cm)
{
  free (cm->v);
  skiff_strv_free (cm->owned);
  memset (cm, 0, sizeof *cm);
}

static const char *
own (struct skiff_container_mounts *cm, char *s)
{
  skiff_strv_push_owned (&cm->owned, s);
  return s;
}

static unsigned long
propagation_flags (const char *p)
{
  if (p == NULL)
    return 0;
  unsigned long rec = p[0] == 'r' ? MS_REC : 0;
  const char *w = rec ? p + 1 : p;
  if (strcmp (w, "shared") == 0)
    return MS_SHARED | rec;
  if (strcmp (w, "slave") == 0)
    return MS_SLAVE | rec;
  return MS_PRIVATE | rec;
}

static const char *
volume_option (char *const *kv, const char *key)
{
  for (size_t i = 0; kv && kv[i] && kv[i + 1]; i += 2)
    if (strcmp (kv[i], key) == 0)
      return kv[i + 1];
  return NULL;
}

/* A volume: its _data (copied up into the first time), or a tmpfs or bind its options ask. */
static int
volume_mount (struct skiff_store *store, struct skiff_container_mounts *cm,
              const struct skiff_mount *m, struct skiff_sandbox_mount *sm, struct skiff_error **err)
{
  _cleanup_volume_ struct skiff_volume *v = NULL;
  int r = skiff_volume_load (store, m->source, &v, err);
  if (r < 0)
    return skiff_error_prefix (err, "mount %s on %s", m->source, m->destination);
  const char *type = volume_option (v->options, "type");
  const char *device = volume_option (v->options, "device");
  const char *o = volume_option (v->options, "o");
  if (type && strcmp (type, "tmpfs") == 0)
    {
      sm->kind = SKIFF_SANDBOX_MOUNT_TMPFS;
      sm->data = o ? own (cm, xstrdup (o)) : NULL;
      return 0;
    }
  if (device != NULL)
    {
      sm->source = own (cm, xstrdup (device));
      return 0;
    }
  sm->source = own (cm, xstrdup (v->data));
  _cleanup_free_ char *marker = skiff_volume_copy_marker (v);
  if (!m->nocopy && !skiff_fs_exists (marker))
    sm->copy_up_marker = own (cm, steal_ptr (&marker));
  return 0;
}

/* :O: a fresh upper and work dir in the container's dir for each start */
static int
overlay_dirs (const char *dir, size_t i, struct skiff_container_mounts *cm,
              struct skiff_sandbox_mount *sm, struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("overlay/%zu", i);
  _cleanup_free_ char *base = skiff_path_join (dir, rel);
  int r = skiff_fs_rm_rf (base, err);
  sm->kind = SKIFF_SANDBOX_MOUNT_OVERLAY;
  sm->upper = own (cm, skiff_path_join (base, "upper"));
  sm->work = own (cm, skiff_path_join (base, "work"));
  if (r == 0 && (r = skiff_fs_mkdir_p (sm->upper, 0755, err)) == 0)
    r = skiff_fs_mkdir_p (sm->work, 0700, err);
  return r;
}

int
skiff_container_mounts_build (struct skiff_store *store, const struct skiff_container *c,
                              struct skiff_container_mounts *cm, struct skiff_error **err)
{
  const struct skiff_mounts_config *mc = &c->config.mounts;
  memset (cm, 0, sizeof *cm);
  if (mc->userns && strcmp (mc->userns, "keep-id") == 0)
    cm->userns = SKIFF_SANDBOX_USERNS_KEEP_ID;
  else if (mc->userns && strcmp (mc->userns, "nomap") == 0)
    cm->userns = SKIFF_SANDBOX_USERNS_NOMAP;
  if (mc->n == 0)
    return 0;
  cm->v = xzalloc (mc->n * sizeof *cm->v);
  for (size_t i = 0; i < mc->n; i++)
    {
      const struct skiff_mount *m = &mc->v[i];
      struct skiff_sandbox_mount *sm = &cm->v[cm->n++];
      int r = 0;
      sm->target = m->destination;
      sm->flags = (m->read_only ? MS_RDONLY : 0) | (m->nosuid ? MS_NOSUID : 0)
                  | (m->nodev ? MS_NODEV : 0) | (m->noexec ? MS_NOEXEC : 0);
      sm->propagation = propagation_flags (m->propagation);
      sm->chown = m->chown;
      sm->data = m->data;
      sm->source = m->source;
      if (m->type == SKIFF_MOUNT_TMPFS)
        sm->kind = SKIFF_SANDBOX_MOUNT_TMPFS;
      else if (m->type == SKIFF_MOUNT_DEVPTS)
        sm->kind = SKIFF_SANDBOX_MOUNT_DEVPTS;
      else if (m->type == SKIFF_MOUNT_VOLUME)
        r = volume_mount (store, cm, m, sm, err);
      if (r == 0 && m->overlay && sm->kind == SKIFF_SANDBOX_MOUNT_BIND)
        r = overlay_dirs (c->dir, i, cm, sm, err);
      if (r < 0)
        {
          skiff_container_mounts_clear (cm);
          return r;
        }
    }
  return 0;
}

int
skiff_container_mount_host_dir (struct skiff_store *store, const struct skiff_mount *m,
                                const char *name, char **dir, struct skiff_error **err)
{
  *dir = NULL;
  if (m->read_only)
    return skiff_error_make_status (err, 125, 0, "mounted volume is marked read-only");
  if (m->type == SKIFF_MOUNT_BIND && !m->overlay)
    {
      *dir = xstrdup (m->source);
      return 0;
    }
  if (m->type == SKIFF_MOUNT_VOLUME && !m->overlay)
    {
      _cleanup_volume_ struct skiff_volume *v = NULL;
      int r = skiff_volume_load (store, m->source, &v, err);
      if (r < 0)
        return r;
      const char *type = volume_option (v->options, "type");
      const char *device = volume_option (v->options, "device");
      /* a fresh volume written now is no longer empty: the first start then copies nothing
       * into it from the image, as docker's copy-up skips a volume with data */
      if (!(type && strcmp (type, "tmpfs") == 0))
        {
          *dir = xstrdup (device ? device : v->data);
          return 0;
        }
    }
  /* nothing on disk the next start would mount there as it is now */
  return skiff_error_make_status (err, 125, 0,
                                  "copying into %s of stopped container %s (a mount) is not "
                                  "supported by skiff yet: start it first",
                                  m->destination, name);
}
