/* Creating, loading, listing and removing container records on disk. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "naming-internal.h"
#include "network-internal.h"
#include "record-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/events.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/log.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static char *
container_dir (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *rel = xasprintf ("containers/%s", id);
  return skiff_store_path (store, rel);
}

char *
skiff_container_merged_dir (struct skiff_store *store, const char *id)
{
  (void)id; /* one mount point serves all: each container mounts in its own namespace */
  return skiff_store_runpath (store, "rootfs");
}

static int
make_dir (const char *parent, const char *name, mode_t mode, struct skiff_error **err)
{
  _cleanup_free_ char *path = name ? skiff_path_join (parent, name) : xstrdup (parent);
  if (mkdir (path, mode) < 0)
    return skiff_error_make (err, errno, "mkdir %s", path);
  return 0;
}

/* Everything under the container dir; the dir itself exists. */
static int
populate (struct skiff_container *c, bool durable, struct skiff_error **err)
{
  unsigned flags = durable ? SKIFF_WRITE_DURABLE : 0;
  int r;
  /* upper/ becomes the rootfs root's inode: 0755 like an image root. */
  if ((r = make_dir (c->dir, "upper", 0755, err)) < 0
      || (r = make_dir (c->dir, "work", 0700, err)) < 0)
    return r;
  r = skiff_container_write_etc_files (c, "/etc/resolv.conf", err);
  if (r < 0)
    return r;
  _cleanup_free_ char *cfg_path = skiff_path_join (c->dir, "config.json");
  _cleanup_free_ char *json = skiff_container_config_to_json (&c->config);
  r = skiff_fs_write_atomic (cfg_path, json, strlen (json), 0600, flags, err);
  if (r < 0)
    return r;
  /* No state.json yet: a container without one is "created" (saves a write per run). */
  c->state.status = SKIFF_CONTAINER_CREATED;
  return 0;
}

static int
assign_identity (struct skiff_container_config *cfg, struct skiff_error **err)
{
  if (cfg->id == NULL)
    {
      char id[SKIFF_CONTAINER_ID_LEN + 1];
      int r = skiff_container_new_id (id, err);
      if (r < 0)
        return r;
      cfg->id = xstrdup (id);
    }
  if (cfg->hostname == NULL)
    cfg->hostname = xstrndup (cfg->id, SKIFF_CONTAINER_SHORT_ID_LEN);
  if (cfg->created == NULL)
    {
      struct timespec ts;
      clock_gettime (CLOCK_REALTIME, &ts);
      cfg->created = skiff_time_format (&ts);
    }
  return 0;
}

/* The record is built in a temp dir named after the ID and our pid, then renamed into
 * containers/ complete: a killed create leaves a temp dir the next command reaps and at most a
 * name link that nothing backs, which the next reservation of that name reclaims. */
int
skiff_container_create (struct skiff_store *store, struct skiff_container_config *cfg,
                        const struct skiff_container_create_opts *opts,
                        struct skiff_container **out, struct skiff_error **err)
{
  bool durable = opts && opts->durable;
  int r = assign_identity (cfg, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *prefix = skiff_container_creating_prefix (cfg->id);
  _cleanup_free_ char *tmp = NULL;
  /* before the name: a reserved name is backed by a live creator from the first moment */
  if ((r = skiff_store_mktemp (store, prefix, &tmp, err)) < 0)
    return r;
  if (cfg->name)
    r = skiff_container_name_reserve (store, cfg->name, cfg->id, err);
  else
    r = skiff_container_name_reserve_random (store, cfg->id, &cfg->name, err);
  if (r < 0)
    {
      skiff_fs_rm_rf (tmp, NULL);
      return r;
    }

  _cleanup_container_ struct skiff_container *c = xzalloc (sizeof *c);
  c->dir = steal_ptr (&tmp);
  c->config = *cfg;
  r = populate (c, durable, err);
  _cleanup_free_ char *dir = container_dir (store, cfg->id);
  if (r == 0 && rename (c->dir, dir) < 0)
    r = skiff_error_make (err, errno, "rename %s to %s", c->dir, dir);
  else if (r == 0)
    {
      free (c->dir);
      c->dir = steal_ptr (&dir);
      if (durable)
        r = skiff_fs_fsync_parent (c->dir, err);
    }
  if (r < 0)
    {
      skiff_container_name_release (store, cfg->name, cfg->id);
      skiff_fs_rm_rf (c->dir, NULL);
      memset (&c->config, 0, sizeof c->config); /* still owned by the caller */
      return r;
    }
  memset (cfg, 0, sizeof *cfg); /* moved into c */
  *out = steal_ptr (&c);
  return 0;
}

int
skiff_container_load (struct skiff_store *store, const char *id, struct skiff_container **out,
                      struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = xzalloc (sizeof *c);
  c->dir = container_dir (store, id);
  _cleanup_free_ char *cfg_path = skiff_path_join (c->dir, "config.json");
  _cleanup_free_ char *st_path = skiff_path_join (c->dir, "state.json");
  int r = skiff_container_config_from_json (cfg_path, &c->config, err);
  if (r < 0)
    return r;
  if (skiff_fs_exists (st_path)
      && (r = skiff_container_state_from_json (st_path, &c->state, err)) < 0)
    return r;
  skiff_container_state_check (&c->state);
  *out = steal_ptr (&c);
  return 0;
}

static bool
is_full_id (const char *s)
{
  size_t n = strspn (s, "0123456789abcdef");
  return n == SKIFF_CONTAINER_ID_LEN && s[n] == '\0';
}

int
skiff_container_list_ids (struct skiff_store *store, char ***out, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_store_path (store, "containers");
  _cleanup_closedir_ DIR *d = opendir (path);
  if (d == NULL)
    return skiff_error_make (err, errno, "open %s", path);
  _cleanup_strv_ char **ids = xzalloc (sizeof (char *));
  struct dirent *de;
  errno = 0;
  while ((de = readdir (d)) != NULL)
    if (is_full_id (de->d_name))
      skiff_strv_push (&ids, de->d_name);
  if (errno != 0)
    return skiff_error_make (err, errno, "read %s", path);
  *out = steal_ptr (&ids);
  return 0;
}

int
skiff_container_remove (struct skiff_store *store, struct skiff_container *c,
                        struct skiff_error **err)
{
  char *trash = NULL;
  skiff_container_cgroup_remove (c);
  int r = skiff_container_remove_deferred (store, c, &trash, err);
  if (trash == NULL)
    return r;
  r = skiff_fs_rm_rf (trash, err);
  free (trash);
  return r;
}

void
skiff_container_trash_drop (char *trash)
{
  _cleanup_error_ struct skiff_error *e = NULL;
  if (trash != NULL && skiff_fs_rm_rf (trash, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  free (trash);
}

int
skiff_container_remove_deferred (struct skiff_store *store, struct skiff_container *c, char **trash,
                                 struct skiff_error **err)
{
  *trash = NULL;
  skiff_events_container (store, c, "destroy", NULL);
  skiff_container_net_release (store, c);
  _cleanup_free_ char *rel = xasprintf ("containers/%s", c->config.id);
  _cleanup_free_ char *run = skiff_store_runpath (store, rel);
  /* Runtime files of the container, if any (usually none: a cheap failed rmdir). */
  if (rmdir (run) < 0 && errno != ENOENT)
    {
      int r = skiff_fs_rm_rf (run, err);
      if (r < 0)
        return r;
    }
  /* `skiff mount`'s mount of the rootfs (engine/mount.c), lazily: removal never waits for it
   * and rm -rf never walks into it (not mounted: EINVAL; rootless: never mounted) */
  _cleanup_free_ char *merged = skiff_path_join (c->dir, "merged");
  if (umount2 (merged, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT && errno != EPERM)
    return skiff_error_make (err, errno, "unmount %s", merged);
  /* Out of sight at once, then the name, then the files: a reader (ps) never sees a
   * half-removed container (config.json without state.json reads as "Created"); a crash
   * leaves a temp dir that the next command reaps and a name link nothing backs, which the
   * next reservation of the name reclaims. */
  _cleanup_free_ char *tmp = NULL;
  if (skiff_store_mktemp (store, "rmctr", &tmp, NULL) == 0)
    {
      _cleanup_free_ char *dst = skiff_path_join (tmp, "container");
      if (rename (c->dir, dst) == 0)
        {
          skiff_container_name_release_into (store, c->config.name, c->config.id, tmp);
          *trash = steal_ptr (&tmp);
          return 0;
        }
      rmdir (tmp);
    }
  skiff_container_name_release (store, c->config.name, c->config.id);
  return skiff_fs_rm_rf (c->dir, err);
}
