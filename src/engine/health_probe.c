/* Health check probes: the check command exec'd into the running container through the
 * engine's exec path (its namespaces, root, cgroups, user, capabilities, seccomp filter),
 * its output kept as docker keeps it (the first 4 KiB), its timeout enforced with SIGKILL,
 * and its result recorded in <ctr>/health.json under the container lock. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/events.h"
#include "skiff/health.h"
#include "skiff/humanize.h"
#include "skiff/lock.h"
#include "skiff/sandbox.h"
#include "skiff/xalloc.h"

static void
add_ns (struct timespec *t, int64_t ns)
{
  t->tv_sec += (time_t)(ns / 1000000000);
  t->tv_nsec += (long)(ns % 1000000000);
  if (t->tv_nsec >= 1000000000)
    {
      t->tv_sec++;
      t->tv_nsec -= 1000000000;
    }
}

int
skiff_engine_health_probe_start (const struct skiff_container *c, struct skiff_health_probe *p,
                                 struct skiff_error **err)
{
  _cleanup_free_ char **argv = skiff_health_argv (&c->config.health);
  *p = (struct skiff_health_probe){ .pidfd = -1, .out_fd = -1 };
  if (argv == NULL)
    return skiff_error_make_status (err, 125, 0, "container %s has no defined healthcheck",
                                    c->config.name);
  int pipefd[2];
  _cleanup_close_ int null_fd = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd < 0)
    return skiff_error_make (err, errno, "open /dev/null");
  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return skiff_error_make (err, errno, "pipe");
  struct skiff_exec_spec spec = {
    .args = argv,
    .stdin_fd = null_fd,
    .stdout_fd = pipefd[1],
    .stderr_fd = pipefd[1],
  };
  clock_gettime (CLOCK_REALTIME, &p->start);
  int r = skiff_engine_exec (c, &spec, &p->pid, err);
  close (pipefd[1]);
  if (r < 0)
    {
      close (pipefd[0]);
      p->pid = 0;
      return r;
    }
  p->out_fd = pipefd[0];
  fcntl (p->out_fd, F_SETFL, O_NONBLOCK);
  p->pidfd = (int)syscall (SYS_pidfd_open, p->pid, 0);
  if (p->pidfd < 0)
    {
      int e = errno;
      skiff_engine_health_probe_abort (p);
      return skiff_error_make (err, e, "pidfd_open %d", (int)p->pid);
    }
  clock_gettime (CLOCK_MONOTONIC, &p->deadline);
  p->timeout_ns = skiff_health_timeout_ns (&c->config.health);
  add_ns (&p->deadline, p->timeout_ns);
  return 0;
}

void
skiff_engine_health_probe_read (struct skiff_health_probe *p)
{
  char buf[4096];
  while (p->out_fd >= 0)
    {
      ssize_t n = read (p->out_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          skiff_closep (&p->out_fd);
          return;
        }
      size_t take = SKIFF_HEALTH_OUTPUT_MAX - p->len;
      take = (size_t)n < take ? (size_t)n : take;
      if (take > 0)
        {
          p->out = xrealloc (p->out, p->len + take + 1);
          memcpy (p->out + p->len, buf, take);
          p->len += take;
          p->out[p->len] = '\0';
        }
    }
}

static bool
past (const struct timespec *t)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* docker's "Health check exceeded timeout (30s)", the timeout as Go prints a Duration (the
 * common whole units only) */
static char *
timeout_text (int64_t ns)
{
  if (ns % 1000000000 == 0)
    return xasprintf ("Health check exceeded timeout (%llds)", (long long)(ns / 1000000000));
  if (ns % 1000000 == 0)
    return xasprintf ("Health check exceeded timeout (%lldms)", (long long)(ns / 1000000));
  return xasprintf ("Health check exceeded timeout (%lldns)", (long long)ns);
}

bool
skiff_engine_health_probe_done (struct skiff_health_probe *p, struct skiff_health_result *res)
{
  if (p->pid <= 0)
    return false;
  if (!p->timed_out && past (&p->deadline))
    {
      kill (p->pid, SIGKILL);
      p->timed_out = true;
    }
  int status;
  pid_t r = waitpid (p->pid, &status, WNOHANG);
  if (r != p->pid)
    return false;
  skiff_engine_health_probe_read (p);
  struct timespec end;
  clock_gettime (CLOCK_REALTIME, &end);
  *res = (struct skiff_health_result){
    .start = skiff_time_format (&p->start),
    .end = skiff_time_format (&end),
    .exit_code = p->timed_out ? -1 : skiff_sandbox_exit_code (status),
    .output = p->timed_out ? timeout_text (p->timeout_ns)
              : p->out     ? p->out
                           : xstrdup (""),
  };
  if (p->timed_out)
    free (p->out);
  p->out = NULL;
  p->len = 0;
  p->pid = 0;
  skiff_closep (&p->pidfd);
  skiff_closep (&p->out_fd);
  return true;
}

void
skiff_engine_health_probe_abort (struct skiff_health_probe *p)
{
  if (p->pid > 0)
    {
      kill (p->pid, SIGKILL);
      while (waitpid (p->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
  p->pid = 0;
  free (p->out);
  p->out = NULL;
  p->len = 0;
  skiff_closep (&p->pidfd);
  skiff_closep (&p->out_fd);
}

/* Docker: failures within StartPeriod of the start do not count while still starting. */
static bool
in_start_period (const struct skiff_container *c, const char *probe_start)
{
  struct timespec started, probe;
  int64_t sp = c->config.health.start_period_ns;
  if (sp <= 0 || c->state.started_at == NULL || skiff_time_parse (c->state.started_at, &started) < 0
      || skiff_time_parse (probe_start, &probe) < 0)
    return false;
  add_ns (&started, sp);
  return probe.tv_sec < started.tv_sec
         || (probe.tv_sec == started.tv_sec && probe.tv_nsec < started.tv_nsec);
}

int
skiff_engine_health_record (struct skiff_store *store, struct skiff_container *c,
                            struct skiff_health_result *res, enum skiff_health_status *status,
                            struct skiff_error **err)
{
  struct skiff_health_state st = { 0 };
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  bool early = in_start_period (c, res->start);
  int r = skiff_health_state_load (c->dir, &st, err);
  bool changed = r == 0 && skiff_health_state_record (&st, &c->config.health, res, early);
  if (r == 0)
    r = skiff_health_state_save (c->dir, &st, err);
  skiff_lock_release (lock);
  if (r == 0 && changed)
    {
      _cleanup_free_ char *action
          = xasprintf ("health_status: %s", skiff_health_status_name (st.status));
      skiff_events_container (store, c, action, NULL);
    }
  if (status)
    *status = st.status;
  skiff_health_state_clear (&st);
  return r;
}

int
skiff_engine_health_reset (struct skiff_container *c, struct skiff_error **err)
{
  struct skiff_health_state st = { 0 };
  return skiff_health_state_save (c->dir, &st, err);
}

int
skiff_engine_healthcheck_run (struct skiff_store *store, struct skiff_container *c,
                              enum skiff_health_status *status, struct skiff_error **err)
{
  struct skiff_health_probe p;
  struct skiff_health_result res = { 0 };
  int r = skiff_engine_health_probe_start (c, &p, err);
  if (r < 0)
    return r;
  while (!skiff_engine_health_probe_done (&p, &res))
    {
      struct pollfd fds[2]
          = { { .fd = p.out_fd, .events = POLLIN }, { .fd = p.pidfd, .events = POLLIN } };
      struct timespec now;
      clock_gettime (CLOCK_MONOTONIC, &now);
      int64_t ms = (int64_t)(p.deadline.tv_sec - now.tv_sec) * 1000
                   + (p.deadline.tv_nsec - now.tv_nsec) / 1000000 + 1;
      if (poll (fds, 2, p.timed_out ? -1 : ms < 0 ? 0 : (int)ms) < 0 && errno != EINTR)
        {
          int e = errno;
          skiff_engine_health_probe_abort (&p);
          return skiff_error_make (err, e, "poll");
        }
      if (fds[0].revents)
        skiff_engine_health_probe_read (&p);
    }
  r = skiff_engine_health_record (store, c, &res, status, err);
  free (res.start);
  free (res.end);
  free (res.output);
  return r;
}
