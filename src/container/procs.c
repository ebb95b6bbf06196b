/* The processes of a running container, as host pids: its cgroup's members when it has one,
 * else PID 1 and its descendants (found through /proc/<pid>/stat parents). */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record-internal.h"
#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

static pid_t
parent_of (pid_t pid)
{
  char path[64], buf[512];
  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  char *p = strrchr (buf, ')');
  int ppid = 0;
  if (p == NULL || sscanf (p + 1, " %*c %d", &ppid) != 1)
    return 0;
  return (pid_t)ppid;
}

pid_t
skiff_container_join_pid (const struct skiff_container *c)
{
  if (!c->config.init)
    return c->state.pid;
  char path[64], buf[32];
  snprintf (path, sizeof path, "/proc/%d/task/%d/children", (int)c->state.pid, (int)c->state.pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  int child = 0;
  if (n > 0)
    {
      buf[n] = '\0'; /* children in the order they came: the command first */
      if (sscanf (buf, "%d", &child) != 1)
        child = 0;
    }
  return child > 0 ? (pid_t)child : c->state.pid;
}

static int
by_value (const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return x < y ? -1 : x > y;
}

static void
descendants (pid_t root, pid_t **pids, size_t *n)
{
  _cleanup_closedir_ DIR *d = opendir ("/proc");
  size_t cap = 16, count = 0;
  pid_t *all = xmalloc (cap * sizeof *all), *parents = xmalloc (cap * sizeof *parents);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      pid_t p = (pid_t)atoi (de->d_name);
      if (p <= 0)
        continue;
      if (count == cap)
        {
          cap *= 2;
          all = xrealloc (all, cap * sizeof *all);
          parents = xrealloc (parents, cap * sizeof *parents);
        }
      all[count] = p;
      parents[count++] = parent_of (p);
    }
  pid_t *out = xmalloc ((count + 1) * sizeof *out);
  size_t m = 0;
  out[m++] = root;
  /* breadth first over the found parent links */
  for (size_t i = 0; i < m; i++)
    for (size_t j = 0; j < count; j++)
      if (parents[j] == out[i])
        out[m++] = all[j];
  free (all);
  free (parents);
  qsort (out, m, sizeof *out, by_value);
  *pids = out;
  *n = m;
}

int
skiff_container_pids (const struct skiff_container *c, pid_t **pids, size_t *n,
                      struct skiff_error **err)
{
  if (c->state.status != SKIFF_CONTAINER_RUNNING || c->state.pid <= 0)
    return skiff_error_make_status (err, 1, 0, "Container %s is not running", c->config.id);
  _cleanup_free_ char *name = skiff_container_cgroup_name (c);
  struct skiff_cgroup *cg = NULL;
  struct skiff_error *e = NULL;
  int r = skiff_cgroup_open (name, &cg, &e);
  skiff_error_free (e);
  if (r == 0)
    {
      r = skiff_cgroup_pids (cg, pids, n, err);
      skiff_cgroup_free (cg);
      if (r < 0 || *n > 0)
        return r;
      free (*pids);
    }
  descendants (c->state.pid, pids, n);
  return 0;
}

/* utime+stime (ticks) and resident pages of one process; false when it is gone. */
static bool
proc_usage (pid_t pid, unsigned long long *ticks, unsigned long long *pages)
{
  char path[64], buf[1024];
  snprintf (path, sizeof path, "/proc/%d/stat", (int)pid);
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  char *p = strrchr (buf, ')');
  unsigned long long ut = 0, st = 0;
  long rss = 0;
  /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
   * stime cutime cstime priority nice threads itrealvalue starttime vsize rss */
  if (p == NULL
      || sscanf (p + 1,
                 " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
                 "%*d %*d %*u %*u %ld",
                 &ut, &st, &rss)
             != 3)
    return false;
  *ticks += ut + st;
  *pages += rss > 0 ? (unsigned long long)rss : 0;
  return true;
}

int
skiff_container_proc_stats (const struct skiff_container *c, struct skiff_cgroup_stats *out,
                            struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  if (c->state.status != SKIFF_CONTAINER_RUNNING || c->state.pid <= 0)
    return skiff_error_make_status (err, 1, 0, "Container %s is not running", c->config.id);
  pid_t *pids = NULL;
  size_t n = 0;
  descendants (c->state.pid, &pids, &n);
  unsigned long long ticks = 0, pages = 0;
  for (size_t i = 0; i < n; i++)
    if (proc_usage (pids[i], &ticks, &pages))
      out->pids_current++;
  free (pids);
  long hz = sysconf (_SC_CLK_TCK), page = sysconf (_SC_PAGESIZE);
  out->cpu_usage_ns = hz > 0 ? ticks * (1000000000ULL / (unsigned long long)hz) : 0;
  out->memory_usage = pages * (unsigned long long)(page > 0 ? page : 4096);
  return 0;
}
