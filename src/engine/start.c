/* Starting a container: its image's layers as the overlay's lower dirs (resolved here only),
 * under a monitor, detached or with an attach client from the start (every foreground run). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/monitor.h"
#include "skiff/sandbox.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"
#include "skiff/volume.h"

void
skiff_engine_discard_record (struct skiff_store *store, struct skiff_container *c)
{
  struct skiff_error *ignored = NULL;
  if (skiff_container_remove (store, c, &ignored) < 0)
    skiff_error_free (ignored);
  else
    skiff_container_remove_anon_volumes (store, c);
}

void
skiff_engine_discard (struct skiff_store *store, struct skiff_container *c)
{
  if (c != NULL && c->config.auto_remove)
    skiff_engine_discard_record (store, c);
}

/* --pidfile: opened before the start (a bad path fails it), PID 1's pid as the host sees it
 * written once it runs. */
static int
pidfile_open (const char *path, struct skiff_error **err)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  return fd >= 0 ? fd : skiff_error_make (err, errno, "open pidfile %s", path);
}

static int
pidfile_write (int fd, const char *path, pid_t pid, struct skiff_error **err)
{
  char text[32];
  int n = snprintf (text, sizeof text, "%d", (int)pid);
  if (write (fd, text, (size_t)n) != n)
    return skiff_error_make (err, errno ? errno : EIO, "write pidfile %s", path);
  return 0;
}

/* The state the monitor recorded at the start.  PID 1 may have ended, and with --rm its record
 * gone, before we read it: PID 1's pid is then the monitor's report (launch set it). */
static int
reload_started (struct skiff_container *c)
{
  pid_t pid1 = c->state.pid;
  _cleanup_error_ struct skiff_error *gone = NULL;
  if (skiff_container_state_reload (c, &gone) < 0 || c->state.pid == 0)
    c->state.pid = pid1;
  return 0;
}

static int
launch (struct skiff_store *store, struct skiff_container *c, const struct skiff_image *img,
        const struct skiff_engine_start_opts *so, struct skiff_error **err)
{
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  log_debug ("start: %.12s with %zu image layer(s), under a monitor (%s)", c->config.id,
             skiff_strv_len (lower), so->mode == SKIFF_ENGINE_ATTACHED ? "attached" : "detached");
  int r;
  if (so->mode == SKIFF_ENGINE_ATTACHED)
    {
      struct skiff_monitor_attach a = {
        .attach_fd = so->attach_fd,
        .rows = so->rows,
        .cols = so->cols,
        .stdin_fd = so->stdin_fd,
        .out_fd = { so->stdout_fd, so->stderr_fd },
        .quiet = so->quiet,
        .preserve_fds = so->preserve_fds,
      };
      r = skiff_monitor_launch_attached (store, c, lower, &a, err);
      /* the monitor recorded the start: the caller's copy of the state needs PID 1 */
      return r < 0 ? r : reload_started (c);
    }
  r = skiff_monitor_launch (store, c, lower, err);
  return r < 0 || c->config.podman.pidfile == NULL ? r : reload_started (c);
}

/* A parallel `rm -f` removed the container while it started: whatever step failed on its
 * vanished files (its lock, its log, its runtime dir), the error is docker's "No such
 * container".  The remover may still be at work (it removes the runtime dir before the
 * record): its container lock is waited for first.  The failed monitor may have made the
 * runtime dir (its attach socket) after the remover removed it: it goes too, or system check
 * would find it. */
static bool
removed_meanwhile (struct skiff_store *store, struct skiff_container *c, struct skiff_error **err)
{
  if (err == NULL)
    return false;
  _cleanup_error_ struct skiff_error *lock_err = NULL;
  int lock = skiff_container_lock (c, &lock_err);
  _cleanup_free_ char *cfg = skiff_path_join (c->dir, "config.json");
  bool gone = lock == -ENOENT || (lock >= 0 && !skiff_fs_exists (cfg));
  if (lock >= 0)
    skiff_lock_release (lock);
  if (!gone)
    return false;
  _cleanup_free_ char *rel = xasprintf ("containers/%s", c->config.id);
  _cleanup_free_ char *run = skiff_store_runpath (store, rel);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_rm_rf (run, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  skiff_error_free (*err);
  *err = NULL;
  skiff_error_make_status (err, 125, 0, "No such container: %s", c->config.name);
  if (*err != NULL)
    (*err)->errnum = ENOENT; /* as lookup's: --ignore and the callers look for it */
  return true;
}

static int
start_from (struct skiff_store *store, struct skiff_container *c, const struct skiff_image *img,
            const struct skiff_engine_start_opts *so, pid_t *pid, struct skiff_error **err)
{
  const char *pidfile = c->config.podman.pidfile;
  _cleanup_close_ int fd = pidfile ? pidfile_open (pidfile, err) : -1;
  if (pidfile && fd < 0)
    return fd;
  skiff_engine_resources_warn (store, c);
  int r = launch (store, c, img, so, err);
  if (r < 0 && removed_meanwhile (store, c, err))
    return -ENOENT;
  if (r == 0)
    log_debug ("start: PID 1 of %.12s runs as host pid %d, its monitor is pid %d", c->config.id,
               (int)c->state.pid, (int)c->state.monitor_pid);
  if (r == 0 && pid != NULL)
    *pid = c->state.pid;
  if (r < 0 || pidfile == NULL)
    return r;
  return pidfile_write (fd, pidfile, c->state.pid, err);
}

int
skiff_engine_start (struct skiff_store *store, struct skiff_container *c,
                    const struct skiff_engine_start_opts *so, pid_t *pid, struct skiff_error **err)
{
  if (so->mode == SKIFF_ENGINE_DETACHED && c->state.status == SKIFF_CONTAINER_RUNNING)
    {
      if (c->state.paused)
        return skiff_error_make (err, 0, "cannot start a paused container, try unpause instead");
      return 0;
    }
  if (so->mode == SKIFF_ENGINE_DETACHED && c->state.status == SKIFF_CONTAINER_RESTARTING)
    return 0; /* its monitor starts it again itself: running as far as docker is concerned */
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_image_load (store, c->config.image_id, &img, err);
  if (r < 0)
    return r;
  return start_from (store, c, img, so, pid, err);
}

int
skiff_engine_run (struct skiff_store *store, const struct skiff_container_spec *spec,
                  const struct skiff_engine_start_opts *so, struct skiff_container **out,
                  pid_t *pid, struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_engine_create_from (store, spec, &img, out, err);
  if (r < 0)
    return r;
  return start_from (store, *out, img, so, pid, err);
}

int
skiff_engine_wait_process (pid_t pid, struct skiff_error **err)
{
  int status = 0;
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return skiff_error_make (err, errno, "waitpid %d", (int)pid);
  return skiff_sandbox_exit_code (status);
}
