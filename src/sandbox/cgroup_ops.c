/* Operations on an existing cgroup: freeze/thaw, stats, process list. */
#include "skiff/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sandbox/cgroup-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

#define FREEZE_TRIES 2000
#define FREEZE_WAIT_NS 1000000L

static int
need_freezer (const struct skiff_cgroup *cg, struct skiff_error **err)
{
  if (cg->freezer == NULL)
    return skiff_error_make (err, ENOTSUP, "cgroup %s: the freezer controller is not mounted",
                             cg->name);
  return 0;
}

/* The freezer's current state: v1 "FROZEN"/"FREEZING"/"THAWED"; v2 "frozen 0|1" of
 * cgroup.events mapped to FROZEN/THAWED. */
static int
read_state (const struct skiff_cgroup *cg, char **state, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  bool v2 = cg->layout == SKIFF_CGROUP_V2;
  if (skiff_cgroup_read (cg->freezer, v2 ? "cgroup.events" : "freezer.state", &text, err) < 0)
    return skiff_error_ret (*err);
  if (v2)
    {
      const char *f = strstr (text, "frozen ");
      *state = xstrdup (f != NULL && f[7] == '1' ? "FROZEN" : "THAWED");
    }
  else
    {
      text[strcspn (text, "\n")] = '\0';
      *state = steal_ptr (&text);
    }
  return 0;
}

/* Requests the state and polls until the kernel reports it.  v1 may sit in FREEZING while a
 * task is in an uninterruptible sleep, so the request is repeated now and then. */
static int
set_frozen (const struct skiff_cgroup *cg, bool freeze, struct skiff_error **err)
{
  if (need_freezer (cg, err) < 0)
    return skiff_error_ret (*err);
  bool v2 = cg->layout == SKIFF_CGROUP_V2;
  const char *file = v2 ? "cgroup.freeze" : "freezer.state";
  const char *want = freeze ? "FROZEN" : "THAWED";
  const char *request = v2 ? (freeze ? "1" : "0") : want;
  for (int i = 0; i < FREEZE_TRIES; i++)
    {
      if (i % 100 == 0 && skiff_cgroup_write (cg->freezer, file, request, err) < 0)
        return skiff_error_ret (*err);
      _cleanup_free_ char *state = NULL;
      if (read_state (cg, &state, err) < 0)
        return skiff_error_ret (*err);
      if (strcmp (state, want) == 0)
        return 0;
      nanosleep (&(struct timespec){ 0, FREEZE_WAIT_NS }, NULL);
    }
  return skiff_error_make (err, ETIMEDOUT, "%s cgroup %s", freeze ? "freeze" : "thaw", cg->name);
}

int
skiff_cgroup_freeze (const struct skiff_cgroup *cg, struct skiff_error **err)
{
  return set_frozen (cg, true, err);
}

int
skiff_cgroup_thaw (const struct skiff_cgroup *cg, struct skiff_error **err)
{
  return set_frozen (cg, false, err);
}

int
skiff_cgroup_is_frozen (const struct skiff_cgroup *cg, bool *frozen, struct skiff_error **err)
{
  _cleanup_free_ char *state = NULL;
  if (need_freezer (cg, err) < 0 || read_state (cg, &state, err) < 0)
    return skiff_error_ret (*err);
  *frozen = strcmp (state, "FROZEN") == 0;
  return 0;
}

/* Reads dir/file if it exists: 1 with *text set, 0 if the controller does not provide it
 * (no dir, or ENOENT), negative errno on other failures. */
static int
read_optional (const char *dir, const char *file, char **text, struct skiff_error **err)
{
  struct skiff_error *e = NULL;
  if (dir == NULL)
    return 0;
  if (skiff_cgroup_read (dir, file, text, &e) == 0)
    return 1;
  if (e->errnum == ENOENT)
    {
      skiff_error_free (e);
      return 0;
    }
  *err = e;
  return skiff_error_ret (e);
}

/* Reads a single number; "max" is read as 0 (no limit).  Missing files leave *out alone. */
static int
read_u64 (const char *dir, const char *file, uint64_t *out, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  int r = read_optional (dir, file, &text, err);
  if (r > 0)
    *out = strncmp (text, "max", 3) == 0 ? 0 : strtoull (text, NULL, 10);
  return r < 0 ? r : 0;
}

/* Reads "key value" from a flat-keyed file (memory.stat, cpu.stat). */
static int
read_key (const char *dir, const char *file, const char *key, uint64_t *out,
          struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  int r = read_optional (dir, file, &text, err);
  if (r <= 0)
    return r;
  size_t n = strlen (key);
  for (char *line = text; line != NULL && *line;
       line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    if (strncmp (line, key, n) == 0 && line[n] == ' ')
      {
        *out = strtoull (line + n + 1, NULL, 10);
        break;
      }
  return 0;
}

/* v1 reports "no limit" as the page counter maximum rounded down to a page. */
#define V1_UNLIMITED 0x7FFFFFFFFFFFF000ULL

int
skiff_cgroup_stats (const struct skiff_cgroup *cg, struct skiff_cgroup_stats *out,
                    struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  if (cg->layout == SKIFF_CGROUP_V2)
    {
      uint64_t usec = 0;
      if (read_u64 (cg->memory, "memory.current", &out->memory_usage, err) < 0
          || read_u64 (cg->memory, "memory.max", &out->memory_limit, err) < 0
          || read_key (cg->memory, "memory.stat", "inactive_file", &out->memory_inactive_file, err)
                 < 0
          || read_key (cg->cpuacct, "cpu.stat", "usage_usec", &usec, err) < 0
          || read_u64 (cg->pids, "pids.current", &out->pids_current, err) < 0)
        return skiff_error_ret (*err);
      out->cpu_usage_ns = usec * 1000;
      return 0;
    }
  if (read_u64 (cg->memory, "memory.usage_in_bytes", &out->memory_usage, err) < 0
      || read_u64 (cg->memory, "memory.limit_in_bytes", &out->memory_limit, err) < 0
      || read_key (cg->memory, "memory.stat", "total_inactive_file", &out->memory_inactive_file,
                   err)
             < 0
      || read_u64 (cg->cpuacct, "cpuacct.usage", &out->cpu_usage_ns, err) < 0
      || read_u64 (cg->pids, "pids.current", &out->pids_current, err) < 0)
    return skiff_error_ret (*err);
  if (out->memory_limit >= V1_UNLIMITED)
    out->memory_limit = 0;
  return 0;
}

int
skiff_cgroup_oom_kills (const struct skiff_cgroup *cg, uint64_t *n, struct skiff_error **err)
{
  *n = 0;
  bool v2 = cg->layout == SKIFF_CGROUP_V2;
  return read_key (cg->memory, v2 ? "memory.events" : "memory.oom_control", "oom_kill", n, err);
}

static int
cmp_pid (const void *a, const void *b)
{
  pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
  return (x > y) - (x < y);
}

int
skiff_cgroup_pids (const struct skiff_cgroup *cg, pid_t **pids, size_t *n, struct skiff_error **err)
{
  _cleanup_free_ char *text = NULL;
  const char *dir = cg->pids ? cg->pids : cg->dirs[0];
  if (skiff_cgroup_read (dir, "cgroup.procs", &text, err) < 0)
    return skiff_error_ret (*err);
  size_t count = 0, cap = 16;
  pid_t *v = xmalloc (cap * sizeof *v);
  for (char *p = text, *end; *p; p = end)
    {
      long pid = strtol (p, &end, 10);
      if (end == p)
        break;
      if (count == cap)
        v = xrealloc (v, (cap *= 2) * sizeof *v);
      v[count++] = (pid_t)pid;
    }
  qsort (v, count, sizeof *v, cmp_pid);
  *pids = v;
  *n = count;
  return 0;
}
