/* A container's resource limits in its cgroup: memory (+swap, reservation), CPU quota and
 * weight, cpuset, pids; v1 controller files or v2's unified ones.  See skiff/cgroup.h. */
#include "skiff/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "sandbox/cgroup-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"

#define DEFAULT_PERIOD_US 100000

static int
need (const char *dir, const char *what, const struct skiff_cgroup *cg, struct skiff_error **err)
{
  if (dir == NULL)
    return skiff_error_make (err, ENOTSUP,
                             "cgroup %s: the %s controller is not available, so its limit "
                             "cannot be applied",
                             cg->name, what);
  return 0;
}

static int
write_i64 (const char *dir, const char *file, int64_t v, struct skiff_error **err)
{
  char text[32];
  snprintf (text, sizeof text, "%" PRId64, v);
  return skiff_cgroup_write (dir, file, text, err);
}

static bool
has_file (const char *dir, const char *file)
{
  _cleanup_free_ char *p = skiff_path_join (dir, file);
  return access (p, F_OK) == 0;
}

static int
memory_v1 (const struct skiff_cgroup *cg, const struct skiff_cgroup_limits *l,
           struct skiff_error **err)
{
  const char *d = cg->memory;
  /* memsw must stay >= the limit: limit first, then memsw ("-1" lifts it) */
  if ((l->memory && write_i64 (d, "memory.limit_in_bytes", l->memory, err) < 0)
      || (l->memory_swap && has_file (d, "memory.memsw.limit_in_bytes")
          && write_i64 (d, "memory.memsw.limit_in_bytes", l->memory_swap, err) < 0)
      || (l->memory_reservation
          && write_i64 (d, "memory.soft_limit_in_bytes", l->memory_reservation, err) < 0))
    return skiff_error_ret (*err);
  return 0;
}

static int
memory_v2 (const struct skiff_cgroup *cg, const struct skiff_cgroup_limits *l,
           struct skiff_error **err)
{
  const char *d = cg->memory;
  if (l->memory && write_i64 (d, "memory.max", l->memory, err) < 0)
    return skiff_error_ret (*err);
  if (l->memory_swap && has_file (d, "memory.swap.max"))
    {
      int r = l->memory_swap < 0 ? skiff_cgroup_write (d, "memory.swap.max", "max", err)
                                 : write_i64 (d, "memory.swap.max",
                                              l->memory_swap - (l->memory ? l->memory : 0), err);
      if (r < 0)
        return r;
    }
  if (l->memory_reservation && write_i64 (d, "memory.low", l->memory_reservation, err) < 0)
    return skiff_error_ret (*err);
  return 0;
}

/* crun's conversion of v1 shares [2, 262144] to v2 weight [1, 10000] */
static int64_t
shares_to_weight (int64_t shares)
{
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

static int
cpu_limits (const struct skiff_cgroup *cg, const struct skiff_cgroup_limits *l,
            struct skiff_error **err)
{
  bool v2 = cg->layout == SKIFF_CGROUP_V2;
  int64_t period = l->cpu_period_us ? l->cpu_period_us : DEFAULT_PERIOD_US;
  if ((l->cpu_quota_us || l->cpu_shares) && need (cg->cpu, "cpu", cg, err) < 0)
    return skiff_error_ret (*err);
  if (l->cpu_quota_us && v2)
    {
      char text[64];
      snprintf (text, sizeof text, "%" PRId64 " %" PRId64, l->cpu_quota_us, period);
      if (skiff_cgroup_write (cg->cpu, "cpu.max", text, err) < 0)
        return skiff_error_ret (*err);
    }
  else if (l->cpu_quota_us
           && (write_i64 (cg->cpu, "cpu.cfs_period_us", period, err) < 0
               || write_i64 (cg->cpu, "cpu.cfs_quota_us", l->cpu_quota_us, err) < 0))
    return skiff_error_ret (*err);
  if (l->cpu_shares
      && (v2 ? write_i64 (cg->cpu, "cpu.weight", shares_to_weight (l->cpu_shares), err)
             : write_i64 (cg->cpu, "cpu.shares", l->cpu_shares, err))
             < 0)
    return skiff_error_ret (*err);
  if (l->cpuset_cpus
      && (need (cg->cpuset, "cpuset", cg, err) < 0
          || skiff_cgroup_write (cg->cpuset, "cpuset.cpus", l->cpuset_cpus, err) < 0))
    return skiff_error_ret (*err);
  return 0;
}

int
skiff_cgroup_set_limits (const struct skiff_cgroup *cg, const struct skiff_cgroup_limits *l,
                         struct skiff_error **err)
{
  bool mem = l->memory || l->memory_swap || l->memory_reservation;
  if (mem && need (cg->memory, "memory", cg, err) < 0)
    return skiff_error_ret (*err);
  int r = !mem                            ? 0
          : cg->layout == SKIFF_CGROUP_V2 ? memory_v2 (cg, l, err)
                                          : memory_v1 (cg, l, err);
  if (r == 0)
    r = cpu_limits (cg, l, err);
  if (r == 0 && l->pids_max > 0
      && (need (cg->pids, "pids", cg, err) < 0
          || write_i64 (cg->pids, "pids.max", l->pids_max, err) < 0))
    r = skiff_error_ret (*err);
  if (r < 0)
    return skiff_error_prefix (err, "set the limits of cgroup %s", cg->name);
  return 0;
}
