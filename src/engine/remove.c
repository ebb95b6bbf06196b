/* Removing a container (rm, run --replace) and finding the latest one (--latest). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/lock.h"
#include "skiff/monitor.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static bool
active (const struct skiff_container *c)
{
  return c->state.status == SKIFF_CONTAINER_RUNNING
         || c->state.status == SKIFF_CONTAINER_RESTARTING;
}

/* rm -f of a running container: stop with SIGKILL and no grace period (also ends a restart
 * loop), then wait for its monitor, without holding the container lock (the monitor needs
 * it).  True when the container is gone then (--rm: its monitor removed it). */
static bool
kill_for_removal (struct skiff_store *store, struct skiff_container *c)
{
  _cleanup_error_ struct skiff_error *e = NULL;
  free (c->config.stop_signal);
  c->config.stop_signal = xstrdup ("KILL");
  if (skiff_engine_stop (store, c, 0, NULL, &e) == 0)
    skiff_engine_wait_monitor (c, &e);
  _cleanup_free_ char *cfg = skiff_path_join (c->dir, "config.json");
  return !skiff_fs_exists (cfg);
}

int
skiff_engine_remove (struct skiff_store *store, struct skiff_container *c, bool force,
                     struct skiff_error **err)
{
  if (force && active (c) && kill_for_removal (store, c))
    return 0;
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  int r = 0;
  _cleanup_free_ char *cfg = skiff_path_join (c->dir, "config.json");
  if (!skiff_fs_exists (cfg))
    r = 0; /* removed meanwhile (its --rm) */
  else if ((r = skiff_container_state_reload (c, err)) == 0 && active (c))
    r = skiff_error_make (err, 0, "cannot remove container \"/%s\": container is %s",
                          c->config.name, skiff_container_state_word (&c->state));
  else if (r == 0)
    r = skiff_container_remove (store, c, err);
  skiff_lock_release (lock);
  return r;
}

int
skiff_engine_latest (struct skiff_store *store, char **id, struct skiff_error **err)
{
  _cleanup_strv_ char **ids = NULL;
  int r = skiff_container_list_ids (store, &ids, err);
  if (r < 0)
    return r;
  struct timespec best = { 0, 0 };
  *id = NULL;
  for (size_t i = 0; ids && ids[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      struct timespec t;
      if (skiff_container_load (store, ids[i], &c, &e) < 0 || c->config.created == NULL
          || skiff_time_parse (c->config.created, &t) < 0)
        continue; /* being removed, or not ours to judge */
      if (*id == NULL || t.tv_sec > best.tv_sec
          || (t.tv_sec == best.tv_sec && t.tv_nsec > best.tv_nsec))
        {
          free (*id);
          *id = xstrdup (ids[i]);
          best = t;
        }
    }
  if (*id == NULL)
    return skiff_error_make_status (err, 125, 0, "no such container"); /* podman's ErrNoSuchCtr */
  return 0;
}
