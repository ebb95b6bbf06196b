#pragma once
/* A container's resources and namespace modes: cgroup limits (--memory, --cpus, --pids-limit,
 * ...), devices, rlimits (--ulimit), /dev/shm's size, sysctls and the IPC, PID, UTS and cgroup
 * namespaces.  One struct serves the create spec (filled by the CLI), the container record
 * (config.json "Resources") and the start (the sandbox's and the cgroup's settings).  Every
 * string and vector is owned (skiff_resources_clear frees them).
 *
 * Values are docker's: bytes for the memory sizes (0 = not set, memory_swap -1 = unlimited),
 * nano CPUs for --cpus, podman's default pids limit (2048; <= 0 = unlimited). */

#include <stdbool.h>
#include <stdint.h>

struct skiff_error;

#define SKIFF_RESOURCES_DEFAULT_PIDS_LIMIT 2048
#define SKIFF_RESOURCES_DEFAULT_SHM_SIZE (64LL << 20)
#define SKIFF_RESOURCES_MIN_MEMORY 6291456 /* docker's linuxMinMemory */

enum skiff_cgroups_mode
{
  SKIFF_CGROUPS_ENABLED,   /* its own cgroup (the default) */
  SKIFF_CGROUPS_NO_CONMON, /* the same: the monitor is never in the container's cgroup */
  SKIFF_CGROUPS_DISABLED,  /* none: it stays in the caller's cgroup, no limit applies */
};

struct skiff_resources
{
  int64_t memory, memory_swap, memory_reservation; /* bytes; 0 = not set; swap -1 = unlimited */
  int64_t nano_cpus;                               /* --cpus x 1e9; 0 = not set */
  int64_t cpu_shares;                              /* 0 = not set */
  char *cpuset_cpus;                               /* "0-1,3"; NULL = not set */
  int64_t pids_limit;                              /* <= 0: unlimited */
  bool pids_limit_set;                             /* given on the command line */
  char *cgroup_parent;                             /* NULL: "skiff" */
  enum skiff_cgroups_mode cgroups;
  char **devices;             /* --device HOST[:CONTAINER[:PERMS]] as given */
  char **device_cgroup_rules; /* "c 1:3 rwm" */
  char **ulimits;             /* "nofile=1024:2048" as given (checked) */
  int64_t shm_size;           /* bytes; 0 = docker's 64 MiB */
  char **sysctls;             /* "key=value" */
  /* namespace modes: NULL = private (the default), "host", "container:<id or name>" (podman
   * also "private", and "shareable"/"none" for --ipc) */
  char *ipc, *pid, *uts, *cgroupns;
};

void skiff_resources_clear (struct skiff_resources *r);
/* A deep copy of src into *dst (which is overwritten). */
void skiff_resources_copy (struct skiff_resources *dst, const struct skiff_resources *src);
/* Whether a cgroup limit (not the default pids limit) was asked for: rootless without a
 * cgroup warns about these. */
bool skiff_resources_has_limits (const struct skiff_resources *r);

/* ---- value syntax (resources_parse.c, pure; docker's texts without the flag prefix) ---- */

/* go-units RAMInBytes: "32m", "1.5g", "1024", "10kb" (binary multiples).  Error:
 * "invalid size: '<value>'". */
int skiff_resources_parse_bytes (const char *value, int64_t *out, struct skiff_error **err);
/* docker's --cpus: a decimal (or a/b rational) number of CPUs in nano CPUs.  Errors: "failed to
 * parse <v> as a rational number", "value is too precise". */
int skiff_resources_parse_cpus (const char *value, int64_t *out, struct skiff_error **err);
/* go-units ParseUlimit: "name=soft[:hard]".  *resource: RLIMIT_*. */
int skiff_resources_parse_ulimit (const char *value, int *resource, int64_t *soft, int64_t *hard,
                                  struct skiff_error **err);
/* "0-3,5": a cpuset list; *max_cpu gets the highest CPU named. */
int skiff_resources_parse_cpuset (const char *value, unsigned *max_cpu, struct skiff_error **err);
/* A --device-cgroup-rule: "c 1:3 rwm", "b *:* m", "a".  Fills type ('a', 'b', 'c'), major and
 * minor (-1 = "*") and the access letters. */
int skiff_resources_parse_device_rule (const char *value, char *type, int64_t *major,
                                       int64_t *minor, char access[4], struct skiff_error **err);
/* --device HOST[:CONTAINER][:PERMS]: paths (container defaults to host) and perms ("rwm"). */
int skiff_resources_parse_device (const char *value, char **host, char **container, char perms[4],
                                  struct skiff_error **err);

/* ---- the checks docker's daemon makes (resources_check.c), exit 125 ---- */

/* Minimum memory, swap >= memory, reservation <= memory, CPUs available, cpuset CPUs present,
 * ulimits within our own hard limits, sysctls namespaced and allowed by the modes, namespace
 * mode syntax, devices that exist. */
int skiff_resources_check (const struct skiff_resources *r, struct skiff_error **err);
