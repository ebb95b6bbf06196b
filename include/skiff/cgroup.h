#pragma once
/* Per-container cgroups: layout detection (v1 / hybrid / v2), create, join, freeze/thaw,
 * stats, process list, removal.
 *
 * Placement: <mount of each hierarchy>/<name>, name like "skiff/<id>".  v1 and hybrid use the
 * v1 controllers cpu, cpuacct, cpuset, memory, devices, freezer, blkio, pids (hybrid's cgroup2
 * tree is left alone); pure v2 uses one directory with controllers enabled through
 * cgroup.subtree_control where the parent allows it.
 *
 * Rootless: without a delegated subtree the directories cannot be created.  skiff_cgroup_create
 * then fails with -EPERM (whatever the underlying EACCES/EPERM/EROFS): the caller runs the
 * container without a cgroup and must refuse pause/unpause with SKIFF_CGROUP_NO_PAUSE_MSG;
 * stats/top fall back to what /proc offers. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct skiff_error;

#define SKIFF_CGROUP_NO_PAUSE_MSG                                                                  \
  "pause is not supported for rootless containers: they run without a cgroup"

enum skiff_cgroup_layout
{
  SKIFF_CGROUP_V1,     /* only v1 hierarchies */
  SKIFF_CGROUP_HYBRID, /* v1 controllers plus a cgroup2 tree at /sys/fs/cgroup/unified */
  SKIFF_CGROUP_V2,     /* cgroup2 mounted at /sys/fs/cgroup */
};

/* From statfs of /sys/fs/cgroup and /sys/fs/cgroup/unified. */
int skiff_cgroup_detect (enum skiff_cgroup_layout *out, struct skiff_error **err);
const char *skiff_cgroup_layout_name (enum skiff_cgroup_layout layout);

struct skiff_cgroup
{
  enum skiff_cgroup_layout layout;
  char *name;  /* "skiff/<id>" */
  char **dirs; /* every directory of this cgroup (v1: one per mounted hierarchy), NULL-ended */
  /* the directory holding each controller's files; NULL when not mounted */
  char *freezer, *memory, *cpuacct, *pids, *devices;
  char *cpu, *cpuset; /* (added with the limits) */
};

/* Creates name in every hierarchy (v1 cpuset: cpus/mems copied from the parent at each new
 * level).  Existing directories are reused.  -EPERM: no permission (rootless), see above. */
int skiff_cgroup_create (const char *name, struct skiff_cgroup **out, struct skiff_error **err);

/* Confines the cgroup's processes to docker's default devices: mknod of any node, but only
 * null, zero, full, random, urandom, tty, console, ptmx, the ptys and tun may be opened (any
 * other: EPERM).  v1 and hybrid: "a" in devices.deny, then one devices.allow line each (the
 * devices controller must be mounted); v2: a BPF device program attached to the directory.
 * Real root only: a rootless container's user namespace cannot mknod a device at all. */
int skiff_cgroup_limit_devices (const struct skiff_cgroup *cg, struct skiff_error **err);

/* The same with extra rules ("c 10:229 rwm", "b *:* m", "a"; v1 devices.allow syntax) after
 * the defaults: --device and --device-cgroup-rule.  A malformed rule: -EINVAL. */
int skiff_cgroup_limit_devices_with (const struct skiff_cgroup *cg, char *const *extra_rules,
                                     struct skiff_error **err);

/* Limits for the controller files (cgroup_limits.c).  0 / NULL: the kernel's default is left. */
struct skiff_cgroup_limits
{
  int64_t memory;             /* bytes: v1 memory.limit_in_bytes, v2 memory.max */
  int64_t memory_swap;        /* memory + swap (docker's); -1: unlimited swap */
  int64_t memory_reservation; /* v1 memory.soft_limit_in_bytes, v2 memory.low */
  int64_t cpu_quota_us;       /* per cpu_period_us (100000 when 0) */
  int64_t cpu_period_us;
  int64_t cpu_shares;      /* v1 cpu.shares; v2 cpu.weight converted as crun does */
  const char *cpuset_cpus; /* cpuset.cpus */
  int64_t pids_max;        /* > 0: pids.max */
};

/* Writes the limits.  A controller that is not mounted (or, v2, not enabled for the cgroup)
 * while its limit is asked for: ENOTSUP naming it.  v1 swap: memory.memsw.limit_in_bytes when
 * the kernel accounts swap (else the swap limit is left, as docker warns). */
int skiff_cgroup_set_limits (const struct skiff_cgroup *cg, const struct skiff_cgroup_limits *l,
                             struct skiff_error **err);

/* How many processes the kernel's OOM killer killed in the cgroup (v1 memory.oom_control, v2
 * memory.events "oom_kill"); 0 when the memory controller does not say. */
int skiff_cgroup_oom_kills (const struct skiff_cgroup *cg, uint64_t *n, struct skiff_error **err);

/* Whether this process could create cgroups at all (a rootless user without a delegated
 * subtree cannot): the directory "skiff" would go in is writable, or can be made. */
bool skiff_cgroup_can_create (const char *parent_name);

/* Opens an existing cgroup (e.g. `pause` from another process).  -ENOENT if missing. */
int skiff_cgroup_open (const char *name, struct skiff_cgroup **out, struct skiff_error **err);

void skiff_cgroup_free (struct skiff_cgroup *cg);

/* Moves pid (and its threads) into every directory. */
int skiff_cgroup_add_pid (const struct skiff_cgroup *cg, pid_t pid, struct skiff_error **err);

/* Freezes (v1 freezer.state FROZEN, v2 cgroup.freeze 1) and waits until the kernel reports the
 * state reached; -ETIMEDOUT after ~2 s.  Thaw undoes it. */
int skiff_cgroup_freeze (const struct skiff_cgroup *cg, struct skiff_error **err);
int skiff_cgroup_thaw (const struct skiff_cgroup *cg, struct skiff_error **err);
int skiff_cgroup_is_frozen (const struct skiff_cgroup *cg, bool *frozen, struct skiff_error **err);

struct skiff_cgroup_stats
{
  uint64_t memory_usage;         /* bytes, including page cache */
  uint64_t memory_inactive_file; /* docker's stats shows memory_usage minus this */
  uint64_t memory_limit;         /* bytes; 0 = no limit */
  uint64_t cpu_usage_ns;
  uint64_t pids_current;
};

/* Reads what the mounted controllers offer; fields of missing controllers stay 0. */
int skiff_cgroup_stats (const struct skiff_cgroup *cg, struct skiff_cgroup_stats *out,
                        struct skiff_error **err);

/* Processes in the cgroup (host pids, sorted), for `top`. */
int skiff_cgroup_pids (const struct skiff_cgroup *cg, pid_t **pids, size_t *n,
                       struct skiff_error **err);

/* Removes every directory, retrying rmdir for ~2 s while exiting tasks drain (EBUSY).
 * Missing directories are fine. */
int skiff_cgroup_remove (const struct skiff_cgroup *cg, struct skiff_error **err);
