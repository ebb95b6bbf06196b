/* `system check` for containers: every name link is backed by a record (or a live creator)
 * that carries that name, every record is complete, readable and holds its name, no temp
 * files of dead writers, no cgroup of a container that does not run, no runtime dir of a
 * container that does not exist -- and, with repair, the fixes.  Runs without the store lock;
 * every unlink of a name link holds the names lock (taken under a container lock, never the
 * other way round). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "naming-internal.h"
#include "record-internal.h"
#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct check
{
  struct skiff_store *store;
  bool repair;
  char ***problems;
};

#define problem(c, ...) skiff_strv_push_owned ((c)->problems, xasprintf (__VA_ARGS__))

static bool
is_full_id (const char *s)
{
  size_t n = strspn (s, "0123456789abcdef");
  return n == SKIFF_CONTAINER_ID_LEN && s[n] == '\0';
}

/* The link's target, or NULL (errno set). */
static char *
link_target (const char *path)
{
  char *target = NULL;
  int r = skiff_container_read_link (path, &target, NULL);
  if (r < 0)
    errno = -r;
  return target;
}

/* A link to a complete record: the record must carry the name (a rename holds the container
 * lock while the two disagree, so they are compared under it). */
static int
check_named_record (struct check *c, const char *name, const char *path, const char *id,
                    struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *ctr = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_container_load (c->store, id, &ctr, &e) < 0)
    return 0; /* reported with the record */
  int lock = skiff_container_lock (ctr, err);
  if (lock < 0)
    return lock;
  _cleanup_free_ char *cfg_path = skiff_path_join (ctr->dir, "config.json");
  struct skiff_container_config cfg = { 0 };
  _cleanup_free_ char *now = link_target (path);
  int r = 0;
  if (skiff_container_config_from_json (cfg_path, &cfg, &e) == 0 && now && strcmp (now, id) == 0
      && strcmp (cfg.name, name) != 0)
    {
      problem (c, "name %s points to container %.12s, which is named %s", name, id, cfg.name);
      if (c->repair)
        r = skiff_container_name_unlink_if (c->store, name, id, err);
    }
  skiff_container_config_clear (&cfg);
  skiff_lock_release (lock);
  return r;
}

static int
check_name (struct check *c, const char *dir, const char *name, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, name);
  _cleanup_free_ char *id = link_target (path);
  if (id == NULL)
    {
      if (errno == ENOENT)
        return 0; /* released meanwhile */
      problem (c, "names/containers/%s: not a name link", name);
      return c->repair ? skiff_container_name_unlink_if (c->store, name, NULL, err) : 0;
    }
  if (skiff_container_name_owner_holds (c->store, id))
    return check_named_record (c, name, path, id, err);
  problem (c, "name %s points to a missing container %s", name, id);
  if (!c->repair)
    return 0;
  _cleanup_free_ char *owner = NULL;
  int r = skiff_container_name_reclaim (c->store, name, NULL, &owner, err);
  return r == -EEXIST ? 0 : r; /* backed meanwhile: nothing to repair */
}

static int
check_names (struct check *c, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (c->store, "names/containers");
  _cleanup_closedir_ DIR *d = opendir (dir);
  if (d == NULL)
    return skiff_error_make (err, errno, "open %s", dir);
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      int r = check_name (c, dir, de->d_name, err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* <file>.tmp.<pid> of a writer that died before its rename. */
static int
check_temp_files (struct check *c, const char *id, const char *dir, struct skiff_error **err)
{
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      const char *t = strstr (de->d_name, ".tmp.");
      long pid = t ? strtol (t + 5, NULL, 10) : 0;
      if (pid <= 0 || kill ((pid_t)pid, 0) == 0 || errno == EPERM)
        continue;
      problem (c, "container %.12s: leftover temporary file %s", id, de->d_name);
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      if (c->repair && unlink (path) < 0 && errno != ENOENT)
        return skiff_error_make (err, errno, "unlink %s", path);
    }
  return 0;
}

/* The record's own name link: missing is restored, taken by another gets it a new name. */
static int
check_own_name (struct check *c, struct skiff_container *ctr, struct skiff_error **err)
{
  const char *id = ctr->config.id, *name = ctr->config.name;
  _cleanup_free_ char *rel = xasprintf ("names/containers/%s", name);
  _cleanup_free_ char *path = skiff_store_path (c->store, rel);
  _cleanup_free_ char *owner = link_target (path);
  if (owner && strcmp (owner, id) == 0)
    return 0;
  if (owner == NULL)
    problem (c, "container %.12s: its name %s is not reserved", id, name);
  else
    problem (c, "container %.12s: its name %s belongs to container %.12s", id, name, owner);
  if (!c->repair)
    return 0;
  /* free, or held by nothing (dangling): ours again */
  _cleanup_free_ char *holder = NULL;
  int r = skiff_container_name_reclaim (c->store, name, id, &holder, err);
  if (r != -EEXIST)
    return r;
  for (int i = 0; i < 5; i++)
    {
      _cleanup_free_ char *fresh = skiff_container_name_random ();
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_container_rename (c->store, ctr, fresh, &e) == 0)
        return 0;
    }
  return skiff_error_make (err, 0, "container %.12s: cannot find a free name", id);
}

/* A cgroup of a container that does not run (a start killed before it saved the state). */
static int
check_cgroup (struct check *c, struct skiff_container *ctr, struct skiff_error **err)
{
  _cleanup_free_ char *name = xasprintf ("skiff/%s", ctr->config.id);
  struct skiff_cgroup *cg = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_cgroup_open (name, &cg, &e) < 0)
    return 0; /* none (or none we may see) */
  int lock = skiff_container_lock (ctr, err);
  int r = lock < 0 ? lock : skiff_container_state_reload (ctr, err);
  if (r == 0 && ctr->state.status != SKIFF_CONTAINER_RUNNING
      && ctr->state.status != SKIFF_CONTAINER_RESTARTING)
    {
      problem (c, "container %.12s: leftover cgroup %s", ctr->config.id, name);
      if (c->repair)
        r = skiff_cgroup_remove (cg, err);
    }
  skiff_cgroup_free (cg);
  skiff_lock_release (lock);
  return r;
}

static int
check_record (struct check *c, const char *dir, const char *id, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, id);
  _cleanup_free_ char *cfg = skiff_path_join (path, "config.json");
  _cleanup_free_ char *st = skiff_path_join (path, "state.json");
  _cleanup_container_ struct skiff_container *ctr = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  struct skiff_container_config config = { 0 };
  int r = skiff_container_config_from_json (cfg, &config, &e);
  skiff_container_config_clear (&config);
  if (r < 0)
    {
      if (skiff_fs_exists (cfg))
        problem (c, "container %.12s: unreadable record: %s", id, e->msg);
      else
        problem (c, "container %.12s: incomplete record (no config.json)", id);
      return c->repair ? skiff_store_discard (c->store, "rmctr", path, err) : 0;
    }
  if ((r = check_temp_files (c, id, path, err)) < 0)
    return r;
  if (skiff_container_load (c->store, id, &ctr, &e) < 0)
    {
      problem (c, "container %.12s: unreadable state: %s", id, e->msg);
      if (c->repair && unlink (st) < 0 && errno != ENOENT)
        return skiff_error_make (err, errno, "unlink %s", st);
      return 0;
    }
  if ((r = check_own_name (c, ctr, err)) < 0)
    return r;
  return check_cgroup (c, ctr, err);
}

static int
check_records (struct check *c, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (c->store, "containers");
  _cleanup_closedir_ DIR *d = opendir (dir);
  if (d == NULL)
    return skiff_error_make (err, errno, "open %s", dir);
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      int r = 0;
      if (de->d_name[0] == '.')
        continue;
      if (is_full_id (de->d_name))
        r = check_record (c, dir, de->d_name, err);
      else
        {
          _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
          problem (c, "containers/%s: not a container ID", de->d_name);
          if (c->repair)
            r = skiff_store_discard (c->store, "rmctr", path, err);
        }
      if (r < 0)
        return r;
    }
  return 0;
}

/* <runroot>/containers/<id> of a container that is gone (a remove killed after it). */
static int
check_runtime_dirs (struct check *c, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_runpath (c->store, "containers");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (!is_full_id (de->d_name) || skiff_container_name_owner_holds (c->store, de->d_name))
        continue;
      problem (c, "container %.12s: runtime directory of a missing container", de->d_name);
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      int r = c->repair ? skiff_fs_rm_rf (path, err) : 0;
      if (r < 0)
        return r;
    }
  return 0;
}

int
skiff_container_check (struct skiff_store *store, bool repair, char ***problems,
                       struct skiff_error **err)
{
  struct check c = { .store = store, .repair = repair, .problems = problems };
  int r = check_names (&c, err);
  if (r == 0)
    r = check_records (&c, err);
  if (r == 0)
    r = check_runtime_dirs (&c, err);
  return r;
}
