/* Starting a created container and recording how it ended.  The caller is (and stays) the
 * parent of the container's PID 1: the CLI in the foreground, later a per-container monitor. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "record-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/sandbox.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

static void
fill_sandbox_config (struct skiff_sandbox_config *sc, const struct skiff_container *c,
                     const struct skiff_container_start_opts *opts, char *paths[5])
{
  memset (sc, 0, sizeof *sc);
  sc->lowerdirs = opts->lowerdirs;
  sc->upperdir = paths[0];
  sc->workdir = paths[1];
  sc->hostname_file = paths[2];
  sc->hosts_file = paths[3];
  sc->resolv_file = paths[4];
  sc->userxattr = opts->userxattr;
  sc->hostname = c->config.hostname;
  sc->argv = c->config.argv;
  sc->env = c->config.env;
  sc->cwd = c->config.workdir;
  sc->user = c->config.user;
  sc->stdin_fd = opts->stdin_fd;
  sc->stdout_fd = opts->stdout_fd;
  sc->stderr_fd = opts->stderr_fd;
}

static int
spawn_locked (struct skiff_store *store, struct skiff_container *c,
              const struct skiff_container_start_opts *opts, pid_t *pid, struct skiff_error **err)
{
  static const char *const names[5] = { "upper", "work", "hostname", "hosts", "resolv.conf" };
  char *paths[5];
  for (int i = 0; i < 5; i++)
    paths[i] = skiff_path_join (c->dir, names[i]);
  _cleanup_free_ char *merged = skiff_container_merged_dir (store, c->config.id);
  struct skiff_sandbox_config sc;
  fill_sandbox_config (&sc, c, opts, paths);
  sc.mergeddir = merged;

  int r = skiff_fs_mkdir_p (merged, 0700, err);
  if (r == 0)
    r = skiff_sandbox_spawn (&sc, pid, err);
  for (int i = 0; i < 5; i++)
    free (paths[i]);
  return r;
}

int
skiff_container_start (struct skiff_store *store, struct skiff_container *c,
                       const struct skiff_container_start_opts *opts, pid_t *pid,
                       struct skiff_error **err)
{
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  int r;
  if (c->state.status == SKIFF_CONTAINER_RUNNING)
    r = skiff_error_make_status (err, 125, 0, "container %s is already running",
                                 c->config.name);
  else
    r = spawn_locked (store, c, opts, pid, err);
  /* Ephemeral --rm containers skip fsync: they vanish when the process exits anyway. */
  if (r == 0)
    r = skiff_container_mark_running (c, *pid, !c->config.auto_remove, err);
  skiff_lock_release (lock);
  return r;
}

int
skiff_container_finish (struct skiff_store *store, struct skiff_container *c, int wait_status,
                        struct skiff_error **err)
{
  int code = skiff_sandbox_exit_code (wait_status);
  struct skiff_error *lock_err = NULL;
  int lock = skiff_container_lock (c, &lock_err);
  if (lock == -ENOENT) /* the whole directory went away: removed meanwhile */
    {
      skiff_error_free (lock_err);
      return code;
    }
  if (lock < 0)
    {
      *err = lock_err;
      return lock;
    }
  _cleanup_free_ char *cfg_path = skiff_path_join (c->dir, "config.json");
  int r = 0;
  if (!skiff_fs_exists (cfg_path))
    ; /* removed meanwhile by rm -f */
  else if (c->config.auto_remove)
    r = skiff_container_remove (store, c, err);
  else
    r = skiff_container_mark_exited (c, code, true, err);
  skiff_lock_release (lock);
  return r < 0 ? r : code;
}
