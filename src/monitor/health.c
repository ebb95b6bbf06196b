/* The monitor's health checks: docker's schedule (a probe an interval after the start, then an
 * interval after each one ends; one at a time), the probe exec'd into the container by the
 * engine, its result recorded by the engine, and podman's --health-on-failure action taken
 * once the container turns unhealthy: kill (SIGKILL, no restart), stop (the stop signal, SIGKILL
 * after the stop timeout, no restart), restart (the same, then the monitor spawns it again). */
#include <poll.h>
#include <signal.h>

#include "monitor-internal.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/health.h"
#include "skiff/humanize.h"
#include "skiff/log.h"
#include "skiff/xalloc.h"

static void
after_ns (struct timespec *t, int64_t ns)
{
  clock_gettime (CLOCK_MONOTONIC, t);
  t->tv_sec += (time_t)(ns / 1000000000);
  t->tv_nsec += (long)(ns % 1000000000);
  if (t->tv_nsec >= 1000000000)
    {
      t->tv_sec++;
      t->tv_nsec -= 1000000000;
    }
}

static int64_t
ms_until (const struct timespec *t)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  int64_t ms = (int64_t)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
  return ms < 0 ? 0 : ms + 1; /* rounded up: waking early would only spin */
}

void
skiff_monitor_health_begin (struct skiff_monitor_health *h, struct skiff_container *c)
{
  _cleanup_free_ char **argv = skiff_health_argv (&c->config.health);
  skiff_monitor_health_end (h);
  h->kill_at.tv_sec = 0;
  h->status = SKIFF_HEALTH_STARTING;
  h->enabled = argv != NULL;
  if (!h->enabled)
    return;
  struct skiff_error *e = NULL;
  if (skiff_engine_health_reset (c, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  after_ns (&h->next, skiff_health_interval_ns (&c->config.health));
}

void
skiff_monitor_health_polls (const struct skiff_monitor_health *h, struct pollfd *p)
{
  bool running = h->enabled && h->probe.pid > 0;
  p[0] = (struct pollfd){ .fd = running ? h->probe.out_fd : -1, .events = POLLIN };
  p[1] = (struct pollfd){ .fd = running ? h->probe.pidfd : -1, .events = POLLIN };
}

int
skiff_monitor_health_timeout (const struct skiff_monitor_health *h)
{
  int64_t ms = -1;
  if (h->enabled)
    ms = ms_until (h->probe.pid > 0 && !h->probe.timed_out ? &h->probe.deadline : &h->next);
  if (h->kill_at.tv_sec != 0)
    {
      int64_t k = ms_until (&h->kill_at);
      ms = ms < 0 || k < ms ? k : ms;
    }
  if (h->enabled && h->probe.pid > 0 && h->probe.timed_out)
    ms = ms < 0 ? -1 : ms; /* killed: its pidfd says when it is gone */
  return ms > 60 * 60 * 1000 ? 60 * 60 * 1000 : (int)ms;
}

/* podman's actions; restart: true (the caller respawns once PID 1 is gone) */
static bool
act (struct skiff_monitor_health *h, struct skiff_container *c, pid_t pid)
{
  enum skiff_health_action a = c->config.health.on_failure;
  struct skiff_error *e = NULL;
  if (a == SKIFF_HEALTH_ACTION_NONE || pid <= 0)
    return false;
  log_warn ("container %s is unhealthy: %s", c->config.name, skiff_health_action_name (a));
  if (a != SKIFF_HEALTH_ACTION_RESTART && skiff_engine_mark_stopped (c, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  int sig = a == SKIFF_HEALTH_ACTION_KILL ? SIGKILL : skiff_engine_stop_signal (c, &e);
  if (sig < 0)
    {
      skiff_error_log_drop (&e, SKIFF_LOG_WARN);
      sig = SIGKILL;
    }
  kill (pid, sig);
  int timeout = c->config.stop_timeout != SKIFF_STOP_TIMEOUT_UNSET ? c->config.stop_timeout : 10;
  if (sig != SIGKILL && timeout >= 0)
    {
      after_ns (&h->kill_at, (int64_t)timeout * 1000000000);
      h->kill_pid = pid;
    }
  return a == SKIFF_HEALTH_ACTION_RESTART;
}

/* Records res (taken), schedules the next probe, acts when the container just turned
 * unhealthy. */
static bool
recorded (struct skiff_monitor_health *h, struct skiff_store *store, struct skiff_container *c,
          pid_t pid, struct skiff_health_result *res)
{
  struct skiff_error *e = NULL;
  enum skiff_health_status after = SKIFF_HEALTH_STARTING;
  enum skiff_health_status before = h->status;
  if (skiff_engine_health_record (store, c, res, &after, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  skiff_health_result_clear (res);
  h->status = after;
  after_ns (&h->next, skiff_health_interval_ns (&c->config.health));
  return after == SKIFF_HEALTH_UNHEALTHY && before != SKIFF_HEALTH_UNHEALTHY && act (h, c, pid);
}

/* A probe that could not be exec'd (command not found: 127) is a failed check, as docker
 * records one whose exec failed. */
static bool
failed_start (struct skiff_monitor_health *h, struct skiff_store *store, struct skiff_container *c,
              pid_t pid, struct skiff_error *e)
{
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  struct skiff_health_result res = {
    .start = skiff_time_format (&now),
    .end = skiff_time_format (&now),
    .exit_code = e->exit_code ? e->exit_code : -1,
    .output = xstrdup (e->msg),
  };
  skiff_error_free (e);
  return recorded (h, store, c, pid, &res);
}

bool
skiff_monitor_health_step (struct skiff_monitor_health *h, struct skiff_store *store,
                           struct skiff_container *c, pid_t pid)
{
  struct skiff_error *e = NULL;
  struct skiff_health_result res;
  bool restart = false;
  if (h->kill_at.tv_sec != 0 && ms_until (&h->kill_at) == 0)
    {
      kill (h->kill_pid, SIGKILL); /* the stop timeout of a stop or restart action */
      h->kill_at.tv_sec = 0;
    }
  if (!h->enabled)
    return false;
  if (h->probe.pid > 0)
    skiff_engine_health_probe_read (&h->probe);
  if (skiff_engine_health_probe_done (&h->probe, &res))
    restart = recorded (h, store, c, pid, &res);
  if (h->probe.pid == 0 && ms_until (&h->next) == 0)
    {
      /* paused (state.json, written by `pause`): a probe would join the frozen cgroup and
       * hold the monitor until the thaw; docker skips the check too */
      if (skiff_container_state_reload (c, &e) < 0)
        skiff_error_log_drop (&e, SKIFF_LOG_WARN);
      if (c->state.paused)
        after_ns (&h->next, skiff_health_interval_ns (&c->config.health));
      else if (skiff_engine_health_probe_start (c, &h->probe, &e) < 0)
        restart = failed_start (h, store, c, pid, e) || restart;
    }
  return restart;
}

void
skiff_monitor_health_end (struct skiff_monitor_health *h)
{
  if (h->probe.pid > 0)
    skiff_engine_health_probe_abort (&h->probe);
  h->enabled = false;
}
