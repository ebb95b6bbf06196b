/* `stats` usage of a container: its cgroup's counters (rootless without one: /proc of its
 * processes), memory as docker shows it (without inactive page cache, limit at most the
 * host's memory). */
#include <stdlib.h>
#include <unistd.h>

#include "skiff/cgroup.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

struct skiff_engine_stats
{
  const struct skiff_container *c;
  struct skiff_cgroup *cg; /* NULL: none (rootless): /proc of its processes instead */
};

struct skiff_engine_stats *
skiff_engine_stats_open (const struct skiff_container *c)
{
  if (c->state.status != SKIFF_CONTAINER_RUNNING)
    return NULL;
  struct skiff_engine_stats *s = xzalloc (sizeof *s);
  s->c = c;
  _cleanup_free_ char *name = skiff_container_cgroup_name (c);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_cgroup_open (name, &s->cg, &e) < 0)
    s->cg = NULL;
  return s;
}

static uint64_t
host_memory (void)
{
  long pages = sysconf (_SC_PHYS_PAGES), size = sysconf (_SC_PAGESIZE);
  return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

int
skiff_engine_stats_read (struct skiff_engine_stats *s, struct skiff_engine_usage *out,
                         struct skiff_error **err)
{
  struct skiff_cgroup_stats st = { 0 };
  int r
      = s->cg ? skiff_cgroup_stats (s->cg, &st, err) : skiff_container_proc_stats (s->c, &st, err);
  if (r < 0)
    return r;
  out->cpu_ns = st.cpu_usage_ns;
  out->mem_used = st.memory_usage > st.memory_inactive_file
                      ? st.memory_usage - st.memory_inactive_file
                      : st.memory_usage;
  uint64_t host = host_memory ();
  out->mem_limit = st.memory_limit ? st.memory_limit : host;
  if (out->mem_limit > host && host)
    out->mem_limit = host; /* v1 reports "no limit" as a huge number */
  out->pids = st.pids_current;
  return 0;
}

void
skiff_engine_stats_free (struct skiff_engine_stats *s)
{
  if (s == NULL)
    return;
  skiff_cgroup_free (s->cg);
  free (s);
}
