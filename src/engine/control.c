/* The CLI side of a running container's lifecycle: kill, wait, stop.  A recorded pid is used
 * only together with its start time, and waiting uses a pidfd or the monitor's attach socket,
 * never a sleep loop on a pid that could be recycled. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "skiff/engine.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/monitor.h"

static bool
is_running (const struct skiff_container *c)
{
  return c->state.status == SKIFF_CONTAINER_RUNNING
         && skiff_container_pid_alive (c->state.pid, c->state.pid_start);
}

int
skiff_engine_kill (struct skiff_container *c, const char *text, int sig, struct skiff_error **err)
{
  if (c->state.status == SKIFF_CONTAINER_RUNNING && c->state.monitor_pid > 0 && !is_running (c))
    return 0; /* exiting this moment: its monitor records the end (moby: no such process) */
  if (!is_running (c))
    return skiff_error_make_status (
        err, 1, 0, "Cannot kill container: %s: Container %s is not running", text, c->config.id);
  if (c->state.paused && !skiff_engine_signal_stops (c, sig))
    return skiff_error_make_status (err, 1, 0,
                                    "Cannot kill container: %s: Container %s is paused. Unpause "
                                    "the container before stopping or killing",
                                    text, c->config.id);
  if (kill (c->state.pid, sig) < 0 && errno != ESRCH)
    return skiff_error_make (err, errno, "Cannot kill container: %s", text);
  if (c->state.paused) /* a frozen process gets the signal once thawed */
    {
      struct skiff_error *e = NULL;
      skiff_container_set_paused (c, false, &e);
      skiff_error_free (e);
    }
  return 0;
}

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
remaining (int64_t deadline)
{
  if (deadline < 0)
    return -1;
  int64_t left = deadline - now_ms ();
  return left < 0 ? 0 : (int)left;
}

/* Reads attach messages until EXIT (*code) or EOF; -ETIMEDOUT at the deadline. */
static int
wait_attach (int fd, int64_t deadline, int *code)
{
  static char buf[1 + SKIFF_ATTACH_MAX_PAYLOAD];
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int n = poll (&p, 1, remaining (deadline));
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0)
        return -ETIMEDOUT;
      ssize_t len = recv (fd, buf, sizeof buf, 0);
      if (len < 0 && errno == EINTR)
        continue;
      if (len <= 0)
        return 0;
      if (buf[0] == SKIFF_ATTACH_EXIT && len >= 5)
        {
          int32_t c32;
          memcpy (&c32, buf + 1, sizeof c32);
          *code = c32;
          return 0;
        }
    }
}

/* No monitor (a foreground run, or one that died): the pid itself, through a pidfd. */
static int
wait_pid (const struct skiff_container *c, int64_t deadline)
{
  int fd = (int)syscall (SYS_pidfd_open, c->state.pid, 0);
  if (fd < 0)
    return 0; /* gone already */
  int r = 0;
  /* opened on the right process only if it still has the recorded start time */
  if (skiff_container_pid_alive (c->state.pid, c->state.pid_start))
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int n;
      while ((n = poll (&p, 1, remaining (deadline))) < 0 && errno == EINTR)
        ;
      if (n == 0)
        r = -ETIMEDOUT;
    }
  close (fd);
  return r;
}

/* The process is gone; give whoever reaps it a moment to record the exit. */
static void
wait_recorded (struct skiff_container *c)
{
  const struct timespec tick = { 0, 10 * 1000 * 1000 };
  pid_t pid = c->state.pid;
  for (int i = 0; i < 300; i++)
    {
      struct skiff_error *e = NULL;
      _cleanup_free_ char *path = skiff_path_join (c->dir, "config.json");
      if (!skiff_fs_exists (path) || skiff_container_state_reload (c, &e) < 0
          || c->state.status != SKIFF_CONTAINER_RUNNING || c->state.pid != pid)
        {
          skiff_error_free (e);
          return;
        }
      nanosleep (&tick, NULL);
    }
}

int
skiff_engine_wait_exit (struct skiff_store *store, struct skiff_container *c, int timeout_ms,
                        int *exit_code, struct skiff_error **err)
{
  (void)err;
  int64_t deadline = timeout_ms < 0 ? -1 : now_ms () + timeout_ms;
  int code = -1, r = 0;
  /* in its restart backoff it counts as running (moby): the monitor's socket takes our
   * connection now and reports the next exit; a user stop meanwhile closes it */
  bool restarting = c->state.status == SKIFF_CONTAINER_RESTARTING && c->state.monitor_pid > 0;
  if (c->state.status != SKIFF_CONTAINER_RUNNING && !restarting)
    goto done;
  if (restarting || skiff_container_pid_alive (c->state.pid, c->state.pid_start))
    {
      struct skiff_error *e = NULL;
      int fd = -1;
      if (c->state.monitor_pid > 0)
        fd = skiff_monitor_attach_connect (store, c->config.id, &e);
      skiff_error_free (e);
      if (fd >= 0)
        {
          r = wait_attach (fd, deadline, &code);
          close (fd);
        }
      else if (!restarting)
        r = wait_pid (c, deadline);
      if (r < 0)
        return r;
    }
  wait_recorded (c);
done:
  if (code < 0 && c->state.status != SKIFF_CONTAINER_RUNNING)
    code = c->state.exit_code;
  if (exit_code)
    *exit_code = code;
  return 0;
}

int
skiff_engine_wait_monitor (struct skiff_container *c, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (c->dir, "monitor.lock");
  if (!skiff_fs_exists (path))
    return 0;
  int fd = skiff_lock_acquire (path, SKIFF_LOCK_SHARED, err);
  if (fd == -ENOENT)
    return 0;
  if (fd < 0)
    return fd;
  skiff_lock_release (fd);
  return 0;
}

int
skiff_engine_stop_signal (const struct skiff_container *c, struct skiff_error **err)
{
  if (c->config.stop_signal == NULL || *c->config.stop_signal == '\0')
    return SIGTERM;
  return skiff_engine_parse_signal (c->config.stop_signal, err);
}

bool
skiff_engine_signal_stops (const struct skiff_container *c, int sig)
{
  if (sig == SIGKILL || c->config.stop_signal == NULL || *c->config.stop_signal == '\0')
    return true;
  return skiff_engine_parse_signal (c->config.stop_signal, NULL) == sig;
}

int
skiff_engine_mark_stopped (struct skiff_container *c, struct skiff_error **err)
{
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  int r = skiff_container_state_reload (c, err);
  enum skiff_container_status s = c->state.status;
  if (r == 0 && (s == SKIFF_CONTAINER_RUNNING || s == SKIFF_CONTAINER_RESTARTING))
    {
      c->state.manually_stopped = true;
      r = skiff_container_state_write (c, true, err);
    }
  skiff_lock_release (lock);
  return r;
}

/* A monitor in its restart backoff notices the user stop within 100 ms and exits.  If it
 * respawned just before, the container runs again: *running tells the caller to stop it. */
static int
wait_backoff_monitor (struct skiff_container *c, bool *running, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (c->dir, "monitor.lock");
  const struct timespec tick = { 0, 10 * 1000 * 1000 };
  for (int i = 0; i < 1000; i++)
    {
      int fd = skiff_lock_try (path, SKIFF_LOCK_SHARED, NULL);
      if (fd >= 0 || fd == -ENOENT)
        {
          skiff_lock_release (fd);
          return 0;
        }
      int r = skiff_container_state_reload (c, err);
      if (r < 0)
        return r;
      if (c->state.status == SKIFF_CONTAINER_RUNNING)
        {
          *running = true;
          return 0;
        }
      nanosleep (&tick, NULL);
    }
  return skiff_error_make (err, ETIMEDOUT, "container %s: its monitor did not stop",
                           c->config.name);
}

/* The user stopped it; *running: whether there is a process to signal. */
static int
mark_stopped (struct skiff_container *c, bool *running, struct skiff_error **err)
{
  int r = skiff_engine_mark_stopped (c, err);
  enum skiff_container_status s = c->state.status;
  *running = r == 0 && s == SKIFF_CONTAINER_RUNNING;
  if (r == 0 && s == SKIFF_CONTAINER_RESTARTING)
    r = wait_backoff_monitor (c, running, err);
  return r;
}

int
skiff_engine_stop (struct skiff_store *store, struct skiff_container *c, int timeout, bool *killed,
                   struct skiff_error **err)
{
  bool running;
  if (killed)
    *killed = false;
  int r = mark_stopped (c, &running, err);
  if (r < 0 || !running)
    return r;
  int sig = skiff_engine_stop_signal (c, err);
  if (sig < 0)
    return sig;
  if (timeout == SKIFF_MONITOR_STOP_TIMEOUT_DEFAULT)
    timeout = c->config.stop_timeout != SKIFF_STOP_TIMEOUT_UNSET ? c->config.stop_timeout : 10;
  pid_t pid = c->state.pid;
  if (kill (pid, sig) < 0 && errno != ESRCH)
    return skiff_error_make (err, errno, "cannot stop container: %s", c->config.name);
  if (c->state.paused && (r = skiff_container_set_paused (c, false, err)) < 0)
    return r;
  r = skiff_engine_wait_exit (store, c, timeout < 0 ? -1 : timeout * 1000, NULL, err);
  if (r != -ETIMEDOUT)
    return r;
  if (killed)
    *killed = true;
  if (kill (pid, SIGKILL) < 0 && errno != ESRCH)
    return skiff_error_make (err, errno, "cannot kill container: %s", c->config.name);
  return skiff_engine_wait_exit (store, c, -1, NULL, err);
}
