/* state.json and the lifecycle transitions: the one place that changes a container's status.
 * A recorded pid is trusted only together with its start time, so a recycled pid is not
 * mistaken for the container. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "record-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/json.h"
#include "skiff/xalloc.h"

static const char *const status_names[] = {
  [SKIFF_CONTAINER_CREATED] = "created",       [SKIFF_CONTAINER_RUNNING] = "running",
  [SKIFF_CONTAINER_EXITED] = "exited",         [SKIFF_CONTAINER_REMOVING] = "removing",
  [SKIFF_CONTAINER_RESTARTING] = "restarting",
};

const char *
skiff_container_status_name (enum skiff_container_status s)
{
  if ((size_t)s < sizeof status_names / sizeof status_names[0])
    return status_names[s];
  return "unknown";
}

const char *
skiff_container_state_word (const struct skiff_container_state *st)
{
  if (st->status == SKIFF_CONTAINER_RUNNING && st->paused)
    return "paused";
  return skiff_container_status_name (st->status);
}

void
skiff_container_state_clear (struct skiff_container_state *st)
{
  free (st->started_at);
  free (st->finished_at);
  memset (st, 0, sizeof *st);
}

char *
skiff_container_state_to_json (const struct skiff_container_state *st)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Status", skiff_container_status_name (st->status));
  skiff_json_gen_key_int (g, "Pid", st->pid);
  skiff_json_gen_key_int (g, "PidStartTime", (int64_t)st->pid_start);
  skiff_json_gen_key_int (g, "ExitCode", st->exit_code);
  skiff_json_gen_key_string (g, "StartedAt", st->started_at);
  skiff_json_gen_key_string (g, "FinishedAt", st->finished_at);
  skiff_json_gen_key_int (g, "MonitorPid", st->monitor_pid);
  skiff_json_gen_key_int (g, "MonitorStartTime", (int64_t)st->monitor_start);
  skiff_json_gen_key_bool (g, "Paused", st->paused);
  skiff_json_gen_key_bool (g, "ManuallyStopped", st->manually_stopped);
  skiff_json_gen_key_int (g, "RestartCount", st->restart_count);
  skiff_json_gen_key_bool (g, "Cgroup", st->cgroup);
  skiff_json_gen_key_bool (g, "OOMKilled", st->oom_killed);
  yajl_gen_map_close (g);
  return skiff_json_gen_finish (g, NULL);
}

int
skiff_container_state_from_json (const char *path, struct skiff_container_state *st,
                                 struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val root = NULL;
  _cleanup_free_ char *status = NULL;
  int64_t pid = 0, start = 0, code = 0, mpid = 0, mstart = 0, restarts = 0;
  int r = skiff_json_parse_file (path, &root, err);
  if (r < 0)
    return r;
  if ((r = skiff_json_get_string (root, "Status", path, &status, err)) < 0
      || (r = skiff_json_get_int (root, "Pid", path, &pid, err)) < 0
      || (r = skiff_json_get_int (root, "PidStartTime", path, &start, err)) < 0
      || (r = skiff_json_get_int (root, "ExitCode", path, &code, err)) < 0
      || (r = skiff_json_get_string (root, "StartedAt", path, &st->started_at, err)) < 0
      || (r = skiff_json_get_string (root, "FinishedAt", path, &st->finished_at, err)) < 0
      || (r = skiff_json_get_int (root, "MonitorPid", path, &mpid, err)) < 0
      || (r = skiff_json_get_int (root, "MonitorStartTime", path, &mstart, err)) < 0
      || (r = skiff_json_get_bool (root, "Paused", path, &st->paused, err)) < 0
      || (r = skiff_json_get_bool (root, "ManuallyStopped", path, &st->manually_stopped, err)) < 0
      || (r = skiff_json_get_int (root, "RestartCount", path, &restarts, err)) < 0
      || (r = skiff_json_get_bool (root, "Cgroup", path, &st->cgroup, err)) < 0
      || (r = skiff_json_get_bool (root, "OOMKilled", path, &st->oom_killed, err)) < 0)
    return r;
  st->monitor_pid = (pid_t)mpid;
  st->monitor_start = (unsigned long long)mstart;
  st->restart_count = (int)restarts;
  st->status = SKIFF_CONTAINER_CREATED;
  for (size_t i = 0; status && i < sizeof status_names / sizeof status_names[0]; i++)
    if (strcmp (status, status_names[i]) == 0)
      st->status = (enum skiff_container_status)i;
  st->pid = (pid_t)pid;
  st->pid_start = (unsigned long long)start;
  st->exit_code = (int)code;
  return 0;
}

unsigned long long
skiff_container_pid_start_time (pid_t pid)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  ssize_t n = read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* comm may contain spaces and parens: fields restart after the last ')'. Field 3 is state,
   * starttime is field 22. */
  char *p = strrchr (buf, ')');
  if (p == NULL || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X') /* a zombie is gone already */
    return 0;
  p++;
  for (int field = 3; field < 22 && p; field++)
    p = strchr (p + 1, ' ');
  return p ? strtoull (p + 1, NULL, 10) : 0;
}

bool
skiff_container_pid_alive (pid_t pid, unsigned long long start_time)
{
  if (pid <= 0)
    return false;
  unsigned long long now = skiff_container_pid_start_time (pid);
  return now != 0 && (start_time == 0 || now == start_time);
}

void
skiff_container_state_check (struct skiff_container_state *st)
{
  bool monitored = st->monitor_pid > 0;
  if (monitored && !skiff_container_pid_alive (st->monitor_pid, st->monitor_start))
    {
      st->monitor_pid = 0; /* a dead monitor restarts nothing and records nothing */
      if (st->status == SKIFF_CONTAINER_RESTARTING)
        st->status = SKIFF_CONTAINER_EXITED;
    }
  else if (monitored)
    return; /* a live monitor records the exit itself: trust what it wrote */
  if (st->status != SKIFF_CONTAINER_RUNNING || skiff_container_pid_alive (st->pid, st->pid_start))
    return;
  /* Whoever waited for it died before recording the exit, so the code is unknown: report
   * exited with 255 rather than pretend it still runs or exited cleanly. */
  st->status = SKIFF_CONTAINER_EXITED;
  st->pid = 0;
  st->paused = false;
  if (st->exit_code == 0)
    st->exit_code = 255;
}

static char *
now_rfc3339 (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return skiff_time_format (&ts);
}

int
skiff_container_state_save (struct skiff_container *c, bool durable, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (c->dir, "state.json");
  _cleanup_free_ char *json = skiff_container_state_to_json (&c->state);
  return skiff_fs_write_atomic (path, json, strlen (json), 0600, durable ? SKIFF_WRITE_DURABLE : 0,
                                err);
}

/* flock on the container directory itself: no lock file to create and remove per run. */
int
skiff_container_state_write (struct skiff_container *c, bool durable, struct skiff_error **err)
{
  return skiff_container_state_save (c, durable, err);
}

int
skiff_container_state_reload (struct skiff_container *c, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (c->dir, "state.json");
  struct skiff_container_state st = { 0 };
  if (!skiff_fs_exists (path))
    {
      skiff_container_state_clear (&c->state);
      return 0; /* never started: created */
    }
  int r = skiff_container_state_from_json (path, &st, err);
  if (r < 0)
    {
      skiff_container_state_clear (&st);
      return r;
    }
  skiff_container_state_clear (&c->state);
  c->state = st;
  skiff_container_state_check (&c->state);
  return 0;
}

int
skiff_container_lock (const struct skiff_container *c, struct skiff_error **err)
{
  int fd = open (c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    {
      /* removed since it was loaded (a parallel rm): gone, as lookup says it */
      skiff_error_make_status (err, 125, 0, "No such container: %s", c->config.name);
      if (err != NULL && *err != NULL)
        (*err)->errnum = ENOENT;
      return -ENOENT;
    }
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", c->dir);
  while (flock (fd, LOCK_EX) < 0)
    if (errno != EINTR)
      {
        int e = errno;
        close (fd);
        return skiff_error_make (err, e, "flock %s", c->dir);
      }
  return fd;
}

int
skiff_container_mark_running (struct skiff_container *c, pid_t pid, bool durable,
                              struct skiff_error **err)
{
  struct skiff_container_state *st = &c->state;
  st->status = SKIFF_CONTAINER_RUNNING;
  st->pid = pid;
  st->pid_start = skiff_container_pid_start_time (pid);
  st->exit_code = 0;
  st->paused = false;
  st->oom_killed = false;
  free (st->started_at);
  st->started_at = now_rfc3339 ();
  free (st->finished_at);
  st->finished_at = NULL;
  return skiff_container_state_save (c, durable, err);
}

void
skiff_container_set_exited (struct skiff_container *c, int exit_code)
{
  struct skiff_container_state *st = &c->state;
  st->status = SKIFF_CONTAINER_EXITED;
  st->pid = 0;
  st->pid_start = 0;
  st->paused = false;
  st->exit_code = exit_code;
  free (st->finished_at);
  st->finished_at = now_rfc3339 ();
}

int
skiff_container_mark_exited (struct skiff_container *c, int exit_code, bool durable,
                             struct skiff_error **err)
{
  skiff_container_set_exited (c, exit_code);
  return skiff_container_state_save (c, durable, err);
}
