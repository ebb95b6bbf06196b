/* Starting a created container and recording how it ended.  The caller is (and stays) the
 * parent of the container's PID 1: the CLI in the foreground, later a per-container monitor. */
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "network-internal.h"
#include "container-mounts.h"
#include "record-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/events.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/sandbox.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/volume.h"
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
  /* A --rm layer is thrown away: skip overlay's sync of it when the mount goes away. */
  sc->volatile_upper = c->config.auto_remove;
  sc->hostname = c->config.hostname;
  sc->argv = c->config.argv;
  sc->env = c->config.env;
  sc->cwd = c->config.workdir;
  sc->user = c->config.user;
  sc->stdin_fd = opts->stdin_fd;
  sc->preserve_fds = opts->preserve_fds;
  sc->stdout_fd = opts->stdout_fd;
  sc->stderr_fd = opts->stderr_fd;
  sc->terminal = opts->terminal;
  sc->terminal_master = opts->terminal_master;
  sc->terminal_rows = opts->terminal_rows;
  sc->terminal_cols = opts->terminal_cols;
  sc->parent_death_signal = opts->parent_death_signal;
  sc->init = c->config.init;
  skiff_container_security_to_sandbox (&c->config.security, sc);
}

/* The top-most layer's entry for rel, or false when no layer has it. */
static bool
lower_stat (char *const *lowerdirs, const char *rel, struct stat *st)
{
  for (size_t i = 0; lowerdirs && lowerdirs[i]; i++)
    {
      _cleanup_free_ char *p = skiff_path_join (lowerdirs[i], rel);
      if (lstat (p, st) == 0)
        return true;
    }
  return false;
}

/* Opens upper/etc, making it like the image's /etc (owner, mode) as a copy-up would when it is
 * missing.  The upper layer is the container's: an etc there that is a symlink (the container
 * replaced its /etc) is never followed; -1 then, and the sandbox resolves the targets inside
 * the rootfs. */
static int
open_upper_etc (int upper_fd, const struct stat *lower_etc)
{
  mode_t mode = lower_etc->st_mode & 07777;
  bool made = mkdirat (upper_fd, "etc", mode) == 0;
  if (!made && errno != EEXIST)
    return -1;
  int fd = openat (upper_fd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || !made)
    return fd;
  struct stat now;
  /* Only fix what mkdir did not already get right (umask, owner): each is a journaled op. */
  if (fstat (fd, &now) < 0
      || ((now.st_uid != lower_etc->st_uid || now.st_gid != lower_etc->st_gid)
          && fchown (fd, lower_etc->st_uid, lower_etc->st_gid) < 0)
      || ((now.st_mode & 07777) != mode && fchmod (fd, mode) < 0))
    {
      close (fd);
      unlinkat (upper_fd, "etc", AT_REMOVEDIR);
      return -1;
    }
  return fd;
}

/* Gives the sandbox's bind mounts of /etc/{hostname,hosts,resolv.conf} a target without an
 * overlay copy-up of /etc: where the image has no regular file there, the container dir's
 * file is hard-linked into upper/etc (a link allocates no inode, and inode churn is what
 * makes run --rm slow on ext4).  A later commit/export must leave these out, as docker leaves
 * its mount points empty.  Best effort: the sandbox creates what is still missing.  Nothing
 * here follows a symlink of the upper layer, which the container controls. */
static void
precreate_etc_targets (const char *dir, const char *upper, char *const *lowerdirs)
{
  static const char *const names[] = { "hostname", "hosts", "resolv.conf" };
  struct stat etc_st, st;
  if (!lower_stat (lowerdirs, "etc", &etc_st) || !S_ISDIR (etc_st.st_mode))
    return; /* no /etc, or a symlink: leave it to the sandbox */
  _cleanup_close_ int upper_fd = open (upper, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  _cleanup_close_ int etc_fd = -1;
  for (size_t i = 0; upper_fd >= 0 && i < sizeof names / sizeof names[0]; i++)
    {
      _cleanup_free_ char *rel = xasprintf ("etc/%s", names[i]);
      if (lower_stat (lowerdirs, rel, &st) && (S_ISREG (st.st_mode) || S_ISDIR (st.st_mode)))
        continue; /* a file to mount over as it is (or a directory: the sandbox reports it) */
      if (etc_fd < 0 && (etc_fd = open_upper_etc (upper_fd, &etc_st)) < 0)
        return;
      _cleanup_free_ char *src = skiff_path_join (dir, names[i]);
      if (!skiff_fs_exists (src))
        continue; /* nothing to bind (--no-hosts): the image's stays as it is */
      if (linkat (AT_FDCWD, src, etc_fd, names[i], 0) < 0 && errno != EEXIST)
        {
          int fd = openat (etc_fd, names[i], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                           0644);
          if (fd >= 0)
            close (fd);
        }
    }
}

/* The shared mount point exists after the first start: one failed mkdir, no new inode. */
static int
make_merged_dir (const char *merged, struct skiff_error **err)
{
  if (mkdir (merged, 0700) == 0 || errno == EEXIST)
    return 0;
  return skiff_fs_mkdir_p (merged, 0700, err);
}

struct start_hook
{
  struct skiff_container *c;
  struct skiff_container_net *net;
  int *mntns_hold;
};

/* The sandbox's hook: the child exists but waits, so PID 1 and everything it forks are in
 * the container's cgroup from the first instruction. */
static int
join_cgroup_before_start (pid_t pid, void *data, struct skiff_error **err)
{
  struct start_hook *h = data;
  if (h->mntns_hold != NULL)
    {
      char path[48];
      snprintf (path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
      *h->mntns_hold = open (path, O_RDONLY | O_CLOEXEC); /* best effort: -1 costs time only */
    }
  log_debug ("cgroup: PID 1 (pid %d) joins the container's cgroup", (int)pid);
  int r = skiff_container_cgroup_join (h->c, pid, err);
  /* the network too: the namespace exists, nothing of the container's runs yet */
  if (r == 0)
    log_debug ("network: setting up %s in pid %d's namespace",
               h->c->config.network.mode ? h->c->config.network.mode : "the default network",
               (int)pid);
  return r < 0 ? r : skiff_container_net_attach (h->net, pid, err);
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
  _cleanup_free_ char *seccomp_cache = skiff_path_join (store->root, "seccomp");
  sc.seccomp_cache_dir = seccomp_cache;

  struct skiff_container_net net;
  int r = skiff_container_net_prepare (store, c, &net, &sc, err);
  struct start_hook hook = { .c = c, .net = &net, .mntns_hold = opts->mntns_hold };
  if (net.env != NULL)
    sc.env = net.env; /* with the links' variables */
  /* every container, foreground or not: its device rules and pause depend on it */
  sc.before_start = join_cgroup_before_start;
  sc.before_start_data = &hook;

  /* rlimits, sysctls, /dev/shm, devices, namespace modes */
  struct skiff_container_limits limits;
  memset (&limits, 0, sizeof limits);
  if (r == 0)
    r = skiff_container_sandbox_limits (store, c, &limits, err);
  sc.limits = &limits.sandbox;
  if (limits.sandbox.uts.mode != SKIFF_SANDBOX_NS_PRIVATE)
    sc.hostname = NULL; /* not ours to change */

  /* -v, --mount, --tmpfs, volumes; --userns */
  struct skiff_container_mounts cm;
  memset (&cm, 0, sizeof cm);
  if (r == 0)
    r = skiff_container_mounts_build (store, c, &cm, err);
  if (r == 0)
    r = skiff_container_timezone_mount (c, &cm, err);
  sc.mounts = cm.v;
  sc.nmounts = cm.n;
  sc.userns_mode = cm.userns;

  precreate_etc_targets (c->dir, paths[0], opts->lowerdirs);
  if (r == 0)
    r = make_merged_dir (merged, err);
  log_debug ("mount: the rootfs of %.12s (overlay of %zu layer(s)) at %s", c->config.id,
             skiff_strv_len (opts->lowerdirs), merged);
  if (r == 0)
    r = skiff_sandbox_spawn (&sc, pid, err);
  if (r == 0)
    log_debug ("spawn: %s is PID 1 (host pid %d)", c->config.argv[0], (int)*pid);
  skiff_container_limits_clear (&limits);
  skiff_container_net_done (&net, r < 0);
  skiff_container_mounts_clear (&cm);
  for (int i = 0; i < 5; i++)
    free (paths[i]);
  return r;
}

/* A policy restart: what stop, kill or rm -f recorded since the monitor last looked counts
 * (writing the monitor's older copy back would undo their "manually stopped"). */
static int
reload_for_restart (struct skiff_container *c, struct skiff_error **err)
{
  pid_t monitor = c->state.monitor_pid;
  unsigned long long monitor_start = c->state.monitor_start;
  int r = skiff_container_state_reload (c, err);
  if (r < 0)
    return r;
  if (c->state.manually_stopped)
    return skiff_error_make (err, ECANCELED, "container %s was stopped", c->config.name);
  c->state.monitor_pid = monitor;
  c->state.monitor_start = monitor_start;
  return 0;
}

int
skiff_container_start (struct skiff_store *store, struct skiff_container *c,
                       const struct skiff_container_start_opts *opts, pid_t *pid,
                       struct skiff_error **err)
{
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  int r = opts->policy_restart ? reload_for_restart (c, err) : 0;
  if (r < 0)
    ;
  else if (c->state.status == SKIFF_CONTAINER_RUNNING)
    r = skiff_error_make_status (err, 125, 0, "container %s is already running", c->config.name);
  else
    {
      c->state.cgroup = false;
      r = spawn_locked (store, c, opts, pid, err);
    }
  if (r < 0 && c->state.cgroup)
    skiff_container_cgroup_remove (c);
  /* Ephemeral --rm containers skip fsync: they vanish when the process exits anyway. */
  if (r == 0)
    r = skiff_container_mark_running (c, *pid, !c->config.auto_remove, err);
  if (r == 0)
    skiff_events_container (store, c, "start", NULL);
  skiff_lock_release (lock);
  return r;
}

int
skiff_container_finish (struct skiff_store *store, struct skiff_container *c, int wait_status,
                        struct skiff_error **err)
{
  char *trash = NULL;
  int r = skiff_container_finish_deferred (store, c, wait_status, &trash, err);
  skiff_container_trash_drop (trash);
  return r;
}

int
skiff_container_finish_deferred (struct skiff_store *store, struct skiff_container *c,
                                 int wait_status, char **trash, struct skiff_error **err)
{
  *trash = NULL;
  int code = skiff_sandbox_exit_code (wait_status);
  log_debug ("wait: PID 1 of %.12s ended with exit code %d", c->config.id, code);
  skiff_events_container_int (store, c, "die", "exitCode", code);
  struct skiff_error *lock_err = NULL;
  int lock = skiff_container_lock (c, &lock_err);
  if (lock == -ENOENT) /* the whole directory went away: removed meanwhile */
    {
      /* its remover could not remove the cgroup while PID 1 was in it: we can now */
      skiff_container_cgroup_remove (c);
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
  log_debug ("cleanup: the cgroup and network of %.12s%s", c->config.id,
             c->config.auto_remove ? ", then the container (--rm)" : "");
  /* --rm: nobody can read OOMKilled of a removed container, and its cgroup goes once the
   * client has the exit code (the monitor's end) */
  bool defer = c->config.auto_remove && skiff_fs_exists (cfg_path);
  bool oom = !defer && skiff_container_cgroup_oom_killed (c); /* before the cgroup goes */
  if (!defer)
    skiff_container_cgroup_remove (c);
  skiff_container_net_release (store, c);
  if (!skiff_fs_exists (cfg_path))
    ; /* removed meanwhile by rm -f */
  else if (c->config.auto_remove
           && (r = skiff_container_remove_deferred (store, c, trash, err)) == 0)
    {
      skiff_container_remove_anon_volumes (store, c); /* docker's --rm takes them too */
      if (*trash == NULL)
        skiff_container_cgroup_remove (c);
    }
  else if ((r = skiff_container_state_reload (c, err)) == 0)
    {
      if (defer)
        skiff_container_cgroup_remove (c);
      c->state.cgroup = false; /* removed above */
      c->state.oom_killed = oom;
      r = skiff_container_mark_exited (c, code, true, err);
    }
  skiff_lock_release (lock);
  return r < 0 ? r : code;
}
