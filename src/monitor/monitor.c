/* The monitor process: spawn, relay output to the log and attached clients, reap, record,
 * restart per policy, clean up.  Single-threaded, one poll loop. */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monitor-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/events.h"
#include "skiff/fs.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/logfile.h"
#include "skiff/monitor.h"
#include "skiff/netholder.h"
#include "skiff/network.h"
#include "skiff/restart.h"
#include "skiff/sandbox.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

struct monitor
{
  struct skiff_store *store;
  struct skiff_container *c;
  char *const *lowerdirs;
  struct skiff_monitor_attach a;      /* the starting client (attach_fd -1: none) */
  struct skiff_direct_sink direct[2]; /* its stdout/stderr, when files or pipes */
  bool passthrough;                   /* --log-driver passthrough: PID 1 gets a.out_fd */
  struct skiff_logfile_writer log;
  int sigfd;
  int out_fd, err_fd; /* read ends (out_fd is the pty master with -t) */
  int mntns_fd;       /* PID 1's mount namespace, held until its exit code is out */
  int stdin_fd;       /* write end of the container's stdin (pipe or master), -1 = none */
  char *in_buf;       /* client input the container has not read yet */
  size_t in_len;
  bool in_eof; /* STDIN_EOF came: close stdin once in_buf is written */
  pid_t pid;
  struct timespec started; /* CLOCK_MONOTONIC of the last spawn */
  bool restarting;         /* the next spawn is a policy restart */
  char *trash;             /* --rm: the removed container's files, deleted last */
  bool trimmed;            /* skiff_monitor_trim_memory done (once idle) */
  bool timed_out;          /* --timeout: this run was killed */
  struct skiff_attach_server attach;
  struct skiff_restart_policy policy;
  struct skiff_restart_state restart;
  struct skiff_monitor_health health;
  bool health_restart; /* --health-on-failure restart: respawn once PID 1 is gone */
};

/* Rootless, a container on a bridge keeps skiff's network namespace while it lives: its
 * monitor holds the holder's lock (moved above the preserved fds); other monitors let go. */
static int
keep_netholder_lock (const struct skiff_container *c, int floor)
{
  int fd = skiff_netholder_lock_fd ();
  if (fd < 0)
    return -1;
  int moved = skiff_network_mode_is_bridge (c->config.network.mode)
                  ? fcntl (fd, F_DUPFD_CLOEXEC, floor)
                  : -1;
  close (fd);
  skiff_netholder_set_lock_fd (moved);
  return moved;
}

/* Nothing of the CLI stays open but what the monitor was given: not its stdio (so
 * `$(skiff run -d ...)` returns), not fds a caller such as bats keeps open above 2.  A
 * foreground client's stdio for PID 1 is moved above its --preserve-fds first. */
static void
detach_process (struct skiff_monitor_params *p)
{
  struct skiff_monitor_attach *a = &p->a;
  int floor = 3 + (int)a->preserve_fds;
  int *fds[] = { &a->stdin_fd, &a->out_fd[0], &a->out_fd[1] };
  for (size_t i = 0; i < 3; i++)
    if (*fds[i] >= 0)
      *fds[i] = fcntl (*fds[i], F_DUPFD_CLOEXEC, floor);
  int null = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0)
    {
      for (int i = 0; i < 3; i++)
        dup2 (null, i);
      if (null > 2)
        close (null);
    }
  int holder = keep_netholder_lock (p->c, floor);
  int keep[] = { p->status_fd, a->attach_fd, a->stdin_fd, a->out_fd[0], a->out_fd[1], holder };
  skiff_monitor_close_fds_except ((unsigned)floor, keep, sizeof keep / sizeof keep[0]);
  if (chdir ("/") < 0)
    return;
}

static int
setup_signals (struct monitor *m, struct skiff_error **err)
{
  signal (SIGPIPE, SIG_IGN);
  signal (SIGHUP, SIG_IGN);
  signal (SIGINT, SIG_IGN);
  sigset_t set;
  sigemptyset (&set);
  sigaddset (&set, SIGCHLD);
  sigaddset (&set, SIGTERM);
  sigprocmask (SIG_BLOCK, &set, NULL);
  m->sigfd = signalfd (-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  if (m->sigfd < 0)
    return skiff_error_make (err, errno, "signalfd");
  return 0;
}

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

/* Pipes (or the terminal) for the container's stdio, then the spawn. */
static int
spawn (struct monitor *m, struct skiff_error **err)
{
  const struct skiff_container_config *cfg = &m->c->config;
  int out[2] = { -1, -1 }, errp[2] = { -1, -1 }, in[2] = { -1, -1 }, master = -1;
  struct skiff_container_start_opts so = {
    .lowerdirs = m->lowerdirs,
    .preserve_fds = m->a.preserve_fds,
    .userxattr = m->store->rootless,
    .stdin_fd = 0,
    .stdout_fd = -1,
    .stderr_fd = -1,
    .terminal = cfg->tty,
    .terminal_master = &master,
    .parent_death_signal = SIGKILL,
    .policy_restart = m->restarting,
    .terminal_rows = m->a.rows,
    .terminal_cols = m->a.cols,
    .mntns_hold = &m->mntns_fd,
  };
  if (!cfg->tty)
    {
      bool own_out = m->passthrough && m->a.out_fd[0] >= 0;
      bool own_err = m->passthrough && m->a.out_fd[1] >= 0;
      bool own_in = m->a.stdin_fd >= 0;
      if ((!own_out && pipe2 (out, O_CLOEXEC) < 0) || (!own_err && pipe2 (errp, O_CLOEXEC) < 0)
          || (cfg->open_stdin && !own_in && pipe2 (in, O_CLOEXEC) < 0))
        {
          int e = errno;
          for (int i = 0; i < 2; i++)
            close_fd (&out[i]), close_fd (&errp[i]), close_fd (&in[i]);
          return skiff_error_make (err, e, "pipe");
        }
      so.stdout_fd = own_out ? m->a.out_fd[0] : out[1];
      so.stderr_fd = own_err ? m->a.out_fd[1] : errp[1];
      /* 0 is /dev/null here */
      so.stdin_fd = !cfg->open_stdin ? 0 : own_in ? m->a.stdin_fd : in[0];
    }
  struct skiff_container_state *st = &m->c->state;
  st->monitor_pid = getpid ();
  st->monitor_start = skiff_container_pid_start_time (getpid ());
  int r = skiff_container_start (m->store, m->c, &so, &m->pid, err);
  close_fd (&out[1]);
  close_fd (&errp[1]);
  close_fd (&in[0]);
  if (r < 0)
    {
      close_fd (&out[0]), close_fd (&errp[0]), close_fd (&in[1]);
      return r;
    }
  clock_gettime (CLOCK_MONOTONIC, &m->started);
  skiff_monitor_health_begin (&m->health, m->c);
  m->timed_out = false;
  m->out_fd = cfg->tty ? master : out[0];
  m->err_fd = errp[0];
  m->stdin_fd = !cfg->open_stdin ? -1 : cfg->tty ? fcntl (master, F_DUPFD_CLOEXEC, 3) : in[1];
  if (m->stdin_fd >= 0)
    fcntl (m->stdin_fd, F_SETFL, O_NONBLOCK);
  m->in_len = 0;
  m->in_eof = false;
  if (m->out_fd >= 0)
    fcntl (m->out_fd, F_SETFL, O_NONBLOCK);
  if (m->err_fd >= 0)
    fcntl (m->err_fd, F_SETFL, O_NONBLOCK);
  return 0;
}

/* Reads what is there on *fd into the log and to the clients; EOF/EIO closes it. */
static void
relay (struct monitor *m, int *fd, enum skiff_logfile_stream stream)
{
  static char buf[SKIFF_ATTACH_MAX_PAYLOAD];
  for (int rounds = 0; *fd >= 0 && rounds < 16; rounds++)
    {
      ssize_t n = read (*fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0) /* EOF, or EIO from a master whose slave side is gone */
        {
          close_fd (fd);
          return;
        }
      struct timespec now;
      clock_gettime (CLOCK_REALTIME, &now);
      struct skiff_error *e = NULL;
      if (skiff_logfile_writer_append (&m->log, stream, &now, buf, (size_t)n, &e) < 0)
        skiff_error_log_drop (&e, SKIFF_LOG_WARN); /* a full disk must not stop the container */
      skiff_attach_server_broadcast (
          &m->attach, stream == SKIFF_LOGFILE_STDOUT ? SKIFF_ATTACH_STDOUT : SKIFF_ATTACH_STDERR,
          buf, (size_t)n);
      struct skiff_direct_sink *d = &m->direct[stream];
      if (!skiff_direct_sink_write (d, buf, (size_t)n) && !m->c->config.tty)
        close_fd (fd); /* its reader is gone: so is the pipe the container writes to */
      if (d->len > 0)
        return; /* read on once the client's file or pipe took it */
    }
}

#define STDIN_BUFFER_MAX (1 << 20)

/* Writes what the container's stdin takes now; the rest waits for POLLOUT (the container
 * reads slowly: its clients' input is not read meanwhile, so they feel the back-pressure). */
static void
flush_stdin (struct monitor *m)
{
  while (m->stdin_fd >= 0 && m->in_len > 0)
    {
      ssize_t w = write (m->stdin_fd, m->in_buf, m->in_len);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0 && errno == EAGAIN)
        return;
      if (w < 0) /* the container closed its stdin: input has nowhere to go */
        {
          m->in_len = 0;
          break;
        }
      memmove (m->in_buf, m->in_buf + w, m->in_len - (size_t)w);
      m->in_len -= (size_t)w;
    }
  if (m->in_eof && m->in_len == 0)
    close_fd (&m->stdin_fd);
}

static void
queue_stdin (struct monitor *m, const char *data, size_t len)
{
  if (m->stdin_fd < 0 || len == 0 || m->in_len + len > STDIN_BUFFER_MAX)
    return; /* no -i, or a client that ignores the back-pressure */
  m->in_buf = xrealloc (m->in_buf, m->in_len + len);
  memcpy (m->in_buf + m->in_len, data, len);
  m->in_len += len;
  flush_stdin (m);
}

/* One message from client i (input, resize, stdin EOF); false when it went away. */
static bool
client_input (struct monitor *m, size_t i)
{
  static char buf[1 + SKIFF_ATTACH_MAX_PAYLOAD];
  ssize_t n = recv (m->attach.clients[i], buf, sizeof buf, MSG_DONTWAIT);
  if (n < 0)
    return errno == EAGAIN || errno == EINTR;
  if (n == 0)
    return false;
  switch (buf[0])
    {
    case SKIFF_ATTACH_STDIN:
      queue_stdin (m, buf + 1, (size_t)(n - 1));
      break;
    case SKIFF_ATTACH_RESIZE:
      if (n >= 5 && m->c->config.tty && m->out_fd >= 0)
        {
          uint16_t rc[2];
          memcpy (rc, buf + 1, sizeof rc);
          struct winsize ws = { .ws_row = rc[0], .ws_col = rc[1] };
          ioctl (m->out_fd, TIOCSWINSZ, &ws);
        }
      break;
    case SKIFF_ATTACH_STDIN_EOF:
      if (!m->c->config.tty)
        {
          m->in_eof = true;
          flush_stdin (m);
        }
      break;
    default:
      break;
    }
  return true;
}

#define HEALTH_POLL 7 /* the health probe's pipe and pidfd */
#define FIXED_POLLS (HEALTH_POLL + SKIFF_MONITOR_HEALTH_POLLS)
#define TRIM_AFTER_MS 100

/* The client's file or pipe can take more: write what waits (its reader gone: see relay). */
static void
direct_flushed (struct monitor *m, int stream)
{
  if (!skiff_direct_sink_flush (&m->direct[stream]) && !m->c->config.tty)
    close_fd (stream == 0 ? &m->out_fd : &m->err_fd);
}

/* PID 1 is gone, and with it its pid namespace: the pipes hold all there will be, and all of
 * it reaches the client's files and pipes before the EXIT message (the client then exits). */
static void
drain_output (struct monitor *m)
{
  for (;;)
    {
      struct pollfd p[2];
      int *fds[2] = { &m->out_fd, &m->err_fd };
      bool more = false;
      for (int i = 0; i < 2; i++)
        {
          if (m->direct[i].len == 0)
            relay (m, fds[i], (enum skiff_logfile_stream)i);
          bool full = m->direct[i].len > 0;
          p[i] = (struct pollfd){ .fd = full ? m->direct[i].fd : *fds[i],
                                  .events = full ? POLLOUT : POLLIN };
          more |= p[i].fd >= 0;
        }
      if (!more)
        return;
      if (poll (p, 2, -1) < 0 && errno != EINTR)
        return;
      for (int i = 0; i < 2; i++)
        if (p[i].revents && m->direct[i].len > 0)
          direct_flushed (m, i);
    }
}

static int64_t ms_since (const struct timespec *t0);

/* The poll timeout: until the memory trim (once), and until --timeout kills PID 1 (podman's
 * conmon --timeout: SIGKILL once the run has lasted that many seconds). */
static int
poll_timeout (struct monitor *m)
{
  unsigned timeout = m->c->config.podman.timeout;
  int ms = m->trimmed ? -1 : TRIM_AFTER_MS;
  if (timeout == 0 || m->timed_out)
    return ms;
  int64_t left = (int64_t)timeout * 1000 - ms_since (&m->started);
  if (left <= 0)
    {
      m->timed_out = true;
      kill (m->pid, SIGKILL);
      return ms;
    }
  return ms < 0 || left < ms ? (int)(left > INT32_MAX ? INT32_MAX : left) : ms;
}

/* Serves output and clients until PID 1 is reaped; returns its wait status. */
static int
run_loop (struct monitor *m)
{
  for (;;)
    {
      struct pollfd p[FIXED_POLLS + SKIFF_ATTACH_MAX_CLIENTS];
      size_t n = 0;
      bool blocked = m->in_len > 0 && m->stdin_fd >= 0;
      bool out_full = m->direct[0].len > 0, err_full = m->direct[1].len > 0;
      p[n++] = (struct pollfd){ .fd = m->sigfd, .events = POLLIN };
      p[n++] = (struct pollfd){ .fd = m->attach.listen_fd, .events = POLLIN };
      p[n++] = (struct pollfd){ .fd = out_full ? -1 : m->out_fd, .events = POLLIN };
      p[n++] = (struct pollfd){ .fd = err_full ? -1 : m->err_fd, .events = POLLIN };
      p[n++] = (struct pollfd){ .fd = blocked ? m->stdin_fd : -1, .events = POLLOUT };
      p[n++] = (struct pollfd){ .fd = out_full ? m->direct[0].fd : -1, .events = POLLOUT };
      p[n++] = (struct pollfd){ .fd = err_full ? m->direct[1].fd : -1, .events = POLLOUT };
      skiff_monitor_health_polls (&m->health, p + n);
      n += SKIFF_MONITOR_HEALTH_POLLS;
      size_t nclients = m->attach.nclients;
      for (size_t i = 0; i < nclients; i++)
        p[n++] = (struct pollfd){ .fd = m->attach.clients[i], .events = blocked ? 0 : POLLIN };
      int timeout = poll_timeout (m), health = skiff_monitor_health_timeout (&m->health);
      if (health >= 0 && (timeout < 0 || health < timeout))
        timeout = health;
      int ready = poll (p, n, timeout);
      if (ready < 0 && errno != EINTR)
        return -1;
      if (ready == 0 && !m->trimmed)
        {
          /* a container that runs on: give back what the CLI's code left us (a short run
           * does not wait for this) */
          malloc_trim (0);
          skiff_monitor_trim_memory ();
          m->trimmed = true;
        }
      if (p[4].revents)
        flush_stdin (m);
      for (int i = 0; i < 2; i++)
        if (p[5 + i].revents)
          direct_flushed (m, i);
      if (p[2].revents)
        relay (m, &m->out_fd, SKIFF_LOGFILE_STDOUT);
      if (p[3].revents)
        relay (m, &m->err_fd, SKIFF_LOGFILE_STDERR);
      /* the relay above may have dropped (and compacted) clients: only slots still holding
       * the polled fd are theirs */
      for (size_t i = nclients; i-- > 0;)
        if (i < m->attach.nclients && m->attach.clients[i] == p[FIXED_POLLS + i].fd
            && p[FIXED_POLLS + i].revents && !client_input (m, i))
          skiff_attach_server_drop (&m->attach, i);
      if (p[1].revents)
        skiff_attach_server_accept (&m->attach);
      struct signalfd_siginfo si;
      while (read (m->sigfd, &si, sizeof si) == sizeof si)
        if (si.ssi_signo == SIGTERM && m->pid > 0)
          kill (m->pid, SIGTERM); /* a plain `kill <monitor>` stops the container gracefully */
      if (skiff_monitor_health_step (&m->health, m->store, m->c, m->pid))
        m->health_restart = true;
      int status;
      pid_t r = waitpid (m->pid, &status, WNOHANG);
      if (r == m->pid)
        {
          skiff_monitor_health_end (&m->health);
          drain_output (m);
          return status;
        }
    }
}

static int64_t
ms_since (const struct timespec *t0)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (int64_t)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The exit and the decision in one write: a reader of state.json never sees "exited" between
 * two runs of a restart loop (docker goes from running straight to restarting). */
static void
mark_restarting (struct monitor *m, int code, struct skiff_error **e)
{
  struct skiff_container_state *st = &m->c->state;
  skiff_container_set_exited (m->c, code);
  st->status = SKIFF_CONTAINER_RESTARTING;
  st->restart_count = m->restart.restart_count;
  skiff_container_state_write (m->c, true, e);
}

/* Under the lock: records the exit, or (per policy, unless stopped by the user) marks the
 * container restarting.  Returns the backoff delay in ms, or -1 when the monitor is done. */
static int64_t
record_exit (struct monitor *m, int status)
{
  struct skiff_error *e = NULL;
  int code = skiff_sandbox_exit_code (status);
  int64_t delay = -1;
  int lock = skiff_container_lock (m->c, &e);
  _cleanup_free_ char *cfg = skiff_path_join (m->c->dir, "config.json");
  if (lock >= 0 && skiff_fs_exists (cfg) && skiff_container_state_reload (m->c, &e) == 0)
    {
      m->restart.manually_stopped = m->c->state.manually_stopped;
      m->restart.restart_count = m->c->state.restart_count;
      bool health = m->health_restart && !m->c->state.manually_stopped;
      if (health
          || (m->policy.mode != SKIFF_RESTART_NO && !m->c->state.manually_stopped
              && skiff_restart_should (&m->policy, &m->restart, code, ms_since (&m->started))))
        {
          mark_restarting (m, code, &e);
          skiff_events_container_int (m->store, m->c, "die", "exitCode", code);
          delay = health ? 0 : m->restart.delay_ms; /* podman restarts an unhealthy one now */
        }
      m->health_restart = false;
    }
  if (lock >= 0)
    skiff_lock_release (lock);
  if (delay < 0)
    {
      skiff_error_free (e);
      e = NULL;
      skiff_container_finish_deferred (m->store, m->c, status, &m->trash, &e);
    }
  skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  int32_t c32 = code;
  skiff_attach_server_broadcast (&m->attach, SKIFF_ATTACH_EXIT, &c32, sizeof c32);
  if (delay >= 0)
    close_fd (&m->mntns_fd); /* now its unmounts: nobody waits for them */
  return delay;
}

/* Sleeps out a restart delay, serving nobody; false when the user stopped the container
 * meanwhile (checked every 100 ms). */
static bool
backoff (struct monitor *m, int64_t delay_ms)
{
  struct timespec t0;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  while (ms_since (&t0) < delay_ms)
    {
      struct timespec tick = { 0, 100 * 1000 * 1000 };
      nanosleep (&tick, NULL);
      struct skiff_error *e = NULL;
      int lock = skiff_container_lock (m->c, &e);
      bool stop
          = lock < 0 || skiff_container_state_reload (m->c, &e) < 0 || m->c->state.manually_stopped;
      skiff_error_free (e);
      if (lock >= 0)
        skiff_lock_release (lock);
      if (stop)
        return false;
    }
  return true;
}

static void
close_stdio (struct monitor *m)
{
  close_fd (&m->out_fd);
  close_fd (&m->err_fd);
  close_fd (&m->stdin_fd);
}

/* A stopped restart loop: the recorded "restarting" becomes "exited". */
static void
settle_exited (struct monitor *m)
{
  struct skiff_error *e = NULL;
  int lock = skiff_container_lock (m->c, &e);
  if (lock >= 0 && skiff_container_state_reload (m->c, &e) == 0
      && m->c->state.status == SKIFF_CONTAINER_RESTARTING)
    {
      skiff_container_cgroup_remove (m->c); /* the last run's, kept for a restart */
      m->c->state.cgroup = false;
      m->c->state.status = SKIFF_CONTAINER_EXITED;
      skiff_container_state_write (m->c, true, &e);
    }
  if (lock >= 0)
    skiff_lock_release (lock);
  skiff_error_free (e);
}

static int
prepare (struct monitor *m, int *mon_lock, struct skiff_error **err)
{
  _cleanup_free_ char *lock_path = skiff_path_join (m->c->dir, "monitor.lock");
  /* our own warnings (a full disk, a failed restart) go to <ctr>/monitor.log */
  _cleanup_free_ char *mlog = skiff_path_join (m->c->dir, "monitor.log");
  int lfd = open (mlog, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (lfd >= 0 && lfd != STDERR_FILENO)
    {
      dup2 (lfd, STDERR_FILENO);
      close (lfd);
    }
  prctl (PR_SET_NAME, "skiff-monitor");
  int r = setup_signals (m, err);
  if (r < 0)
    return r;
  /* The state said not running, so a holder is the last run's monitor on its way out (it
   * lets go once the record is final): wait for it a little, as `restart` right after the
   * stop finds it. */
  *mon_lock = skiff_lock_try (lock_path, SKIFF_LOCK_EXCLUSIVE, err);
  for (int i = 0; i < 200 && *mon_lock == -EWOULDBLOCK; i++)
    {
      struct timespec tick = { 0, 10 * 1000 * 1000 };
      nanosleep (&tick, NULL);
      *mon_lock = skiff_lock_try (lock_path, SKIFF_LOCK_EXCLUSIVE, err);
    }
  if (*mon_lock == -EWOULDBLOCK)
    return skiff_error_make (err, 0, "container %s is already running", m->c->config.name);
  if (*mon_lock < 0)
    return *mon_lock;
  struct skiff_log_config lc;
  if ((r = skiff_log_config_parse (m->c->config.log_driver, m->c->config.log_opts, &lc, err)) < 0)
    return r;
  m->passthrough = lc.driver == SKIFF_LOG_PASSTHROUGH;
  if (lc.driver == SKIFF_LOG_K8S_FILE || lc.driver == SKIFF_LOG_JSON_FILE)
    {
      _cleanup_free_ char *log_path = skiff_log_config_path (&lc, m->c->dir);
      r = skiff_logfile_writer_open (&m->log, log_path, lc.max_size, lc.max_file, err);
      if (r < 0)
        return r;
    }
  if (m->c->config.restart_policy
      && (r = skiff_restart_policy_parse (m->c->config.restart_policy, &m->policy, err)) < 0)
    return r;
  m->policy.max_retries = m->c->config.restart_max;
  return skiff_attach_server_open (&m->attach, m->store, m->c->config.id, err);
}

/* The starting client: connected before PID 1 runs; its files and pipes written directly. */
static void
attach_client (struct monitor *m)
{
  for (int i = 0; i < 2; i++)
    if (!m->passthrough)
      {
        skiff_direct_sink_open (&m->direct[i], m->a.out_fd[i]);
        m->a.out_fd[i] = -1;
      }
  if (m->a.attach_fd < 0)
    return;
  skiff_attach_server_add (&m->attach, m->a.attach_fd);
  m->attach.quiet_fd = m->a.attach_fd;
  m->attach.quiet = m->a.quiet;
}

void
skiff_monitor_main (struct skiff_monitor_params *p)
{
  p->store->lock_fd = -1; /* closed below with every other inherited fd */
  detach_process (p);
  struct monitor m = { .store = p->store,
                       .c = p->c,
                       .lowerdirs = p->lowerdirs,
                       .a = p->a,
                       .log = SKIFF_LOGFILE_WRITER_INIT,
                       .sigfd = -1,
                       .mntns_fd = -1,
                       .out_fd = -1,
                       .err_fd = -1,
                       .stdin_fd = -1 };
  m.attach.listen_fd = -1;
  struct skiff_error *err = NULL;
  int mon_lock = -1;
  /* a user start: the restart bookkeeping begins anew */
  m.c->state.restart_count = 0;
  m.c->state.manually_stopped = false;
  /* run -it / start -a: the CLI's end was connected before the start, so it sees everything */
  int r = prepare (&m, &mon_lock, &err);
  if (r == 0)
    attach_client (&m);
  if (r < 0 || spawn (&m, &err) < 0)
    {
      skiff_monitor_report (p->status_fd, err, 0);
      skiff_attach_server_close (&m.attach);
      _exit (125);
    }
  skiff_monitor_report (p->status_fd, NULL, m.pid);
  close (p->status_fd);
  for (;;)
    {
      int status = run_loop (&m);
      close_stdio (&m);
      int64_t delay = record_exit (&m, status);
      if (delay < 0)
        break;
      if (!backoff (&m, delay))
        {
          settle_exited (&m);
          break;
        }
      m.restarting = true;
      if (spawn (&m, &err) < 0)
        {
          if (err->errnum == ECANCELED) /* stopped by the user just now */
            skiff_error_free (steal_ptr (&err));
          else
            skiff_error_log_dropf (&err, SKIFF_LOG_WARN, "restart %s", m.c->config.name);
          settle_exited (&m);
          break;
        }
    }
  skiff_attach_server_close (&m.attach);
  /* The container's record is final: a `start` or `restart` may run a new monitor now, so the
   * slow rest (the namespace's unmounts; with --rm its files and cgroup) does not hold it up. */
  if (mon_lock >= 0)
    skiff_lock_release (mon_lock);
  close_fd (&m.mntns_fd);
  /* --rm: the container is gone for everyone already; its files go once the client (told the
   * exit code, its socket closed) no longer waits for us */
  if (m.trash != NULL)
    skiff_container_cgroup_remove (m.c);
  skiff_container_trash_drop (m.trash);
  _exit (0);
}
