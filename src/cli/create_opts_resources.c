/* The resource and namespace flags of `run` and `create` (skiff_cli_resources_options): cgroup
 * limits, devices, --ulimit, --shm-size, --sysctl and the IPC, PID, UTS and cgroup namespace
 * modes, parsed into spec.resources with docker's value syntax and pflag's error texts.  What
 * the values may be (6 MB of memory at least, CPUs that exist...) the engine checks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/error.h"
#include "skiff/resources.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* pflag's frame for a value its type refused */
static int
invalid (const char *flag, const char *value, int r, struct skiff_error **err)
{
  if (r < 0)
    skiff_error_prefix (err, "invalid argument \"%s\" for \"%s\" flag", value, flag);
  return r;
}

/* strconv.ParseInt (value, 0, 64), Go's texts */
static int
parse_int64 (const char *value, int64_t *out, struct skiff_error **err)
{
  char *end;
  errno = 0;
  long long v = strtoll (value, &end, 0);
  if (end == value || *end != '\0')
    return skiff_error_make_status (err, 125, 0, "strconv.ParseInt: parsing \"%s\": invalid syntax",
                                    value);
  if (errno == ERANGE)
    return skiff_error_make_status (err, 125, 0,
                                    "strconv.ParseInt: parsing \"%s\": value out of range", value);
  *out = v;
  return 0;
}

#define BYTES_FLAG(fn, flag)                                                                       \
  static int fn (const char *value, void *field, struct skiff_error **err)                         \
  {                                                                                                \
    return invalid (flag, value, skiff_resources_parse_bytes (value, field, err), err);            \
  }
BYTES_FLAG (parse_memory, "-m, --memory")
BYTES_FLAG (parse_memory_reservation, "--memory-reservation")
BYTES_FLAG (parse_shm_size, "--shm-size")

static int
parse_memory_swap (const char *value, void *field, struct skiff_error **err)
{
  if (strcmp (value, "-1") == 0)
    return *(int64_t *)field = -1, 0;
  return invalid ("--memory-swap", value, skiff_resources_parse_bytes (value, field, err), err);
}

static int
parse_cpus (const char *value, void *field, struct skiff_error **err)
{
  return invalid ("--cpus", value, skiff_resources_parse_cpus (value, field, err), err);
}

static int
parse_cpu_shares (const char *value, void *field, struct skiff_error **err)
{
  return invalid ("-c, --cpu-shares", value, parse_int64 (value, field, err), err);
}

/* the whole struct: the limit and that it was given (podman's default applies otherwise) */
static int
parse_pids_limit (const char *value, void *field, struct skiff_error **err)
{
  struct skiff_resources *r = field;
  int ret = invalid ("--pids-limit", value, parse_int64 (value, &r->pids_limit, err), err);
  r->pids_limit_set = ret == 0;
  return ret;
}

static int
parse_cgroups (const char *value, void *field, struct skiff_error **err)
{
  static const char *const modes[] = { "enabled", "no-conmon", "disabled" };
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp (value, modes[i]) == 0)
      return *(enum skiff_cgroups_mode *)field = (enum skiff_cgroups_mode)i, 0;
  return skiff_error_make_status (
      err, 125, 0, "invalid cgroup mode \"%s\": enabled, disabled or no-conmon", value);
}

static int
parse_ulimit (const char *value, void *field, struct skiff_error **err)
{
  int resource;
  int64_t soft, hard;
  int r = skiff_resources_parse_ulimit (value, &resource, &soft, &hard, err);
  if (r == 0)
    skiff_strv_push (field, value);
  return invalid ("--ulimit", value, r, err);
}

static int
parse_device (const char *value, void *field, struct skiff_error **err)
{
  char *host = NULL, *ctr = NULL, perms[4];
  int r = skiff_resources_parse_device (value, &host, &ctr, perms, err);
  free (host);
  free (ctr);
  if (r == 0)
    skiff_strv_push (field, value);
  return invalid ("--device", value, r, err);
}

static int
parse_device_rule (const char *value, void *field, struct skiff_error **err)
{
  char type, access[4];
  int64_t major, minor;
  int r = skiff_resources_parse_device_rule (value, &type, &major, &minor, access, err);
  if (r == 0)
    skiff_strv_push (field, value);
  return invalid ("--device-cgroup-rule", value, r, err);
}

/* a copy: the struct owns its strings */
static int
store_list (const char *value, void *field, struct skiff_error **err)
{
  skiff_strv_push (field, value);
  return 0;
}

static int
store_string (const char *value, void *field, struct skiff_error **err)
{
  char **slot = field;
  free (*slot);
  *slot = xstrdup (value);
  return 0;
}

#define C struct skiff_cli_create_opts
#define R(field) spec.resources.field
#define FLAG(long_, short_, T, field, FT, vname, fn, help_)                                        \
  {                                                                                                \
    .name = long_, .shorthand = short_, .type = SKIFF_OPT_FUNC,                                    \
    .offset = SKIFF_OPT_FIELD (C, R (field), FT), .value_name = vname, .parse = fn, .help = help_  \
  }
#define STR(long_, field, fn, help_) FLAG (long_, 0, C, field, char *, "string", fn, help_)
const struct skiff_opt skiff_cli_resources_options[] = {
  STR ("cgroup-parent", cgroup_parent, store_string, "Optional parent cgroup for the container"),
  STR ("cgroupns", cgroupns, store_string, "Cgroup namespace to use (host|private|container:ID)"),
  { .name = "cgroups",
    .type = SKIFF_OPT_FUNC,
    .offset = SKIFF_OPT_FIELD (C, R (cgroups), enum skiff_cgroups_mode),
    .value_name = "string",
    .parse = parse_cgroups,
    .help = "control container cgroup configuration (\"enabled\"|\"disabled\"|\"no-conmon\")",
    .default_text = "\"enabled\"",
    .complete = "enabled|disabled|no-conmon" },
  FLAG ("cpu-shares", 'c', C, cpu_shares, int64_t, "int", parse_cpu_shares,
        "CPU shares (relative weight)"),
  FLAG ("cpus", 0, C, nano_cpus, int64_t, "decimal", parse_cpus, "Number of CPUs"),
  STR ("cpuset-cpus", cpuset_cpus, store_string, "CPUs in which to allow execution (0-3, 0,1)"),
  FLAG ("device", 0, C, devices, char **, "list", parse_device,
        "Add a host device to the container"),
  FLAG ("device-cgroup-rule", 0, C, device_cgroup_rules, char **, "list", parse_device_rule,
        "Add a rule to the cgroup allowed devices list"),
  STR ("ipc", ipc, store_string, "IPC mode to use"),
  FLAG ("memory", 'm', C, memory, int64_t, "bytes", parse_memory, "Memory limit"),
  FLAG ("memory-reservation", 0, C, memory_reservation, int64_t, "bytes", parse_memory_reservation,
        "Memory soft limit"),
  FLAG ("memory-swap", 0, C, memory_swap, int64_t, "bytes", parse_memory_swap,
        "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
  STR ("pid", pid, store_string, "PID namespace to use"),
  { .name = "pids-limit",
    .type = SKIFF_OPT_FUNC,
    .offset = SKIFF_OPT_FIELD (C, spec.resources, struct skiff_resources),
    .value_name = "int",
    .parse = parse_pids_limit,
    .help = "Tune container pids limit (set -1 for unlimited)",
    .default_text = "2048" },
  FLAG ("shm-size", 0, C, shm_size, int64_t, "bytes", parse_shm_size, "Size of /dev/shm"),
  FLAG ("sysctl", 0, C, sysctls, char **, "map", store_list, "Sysctl options"),
  FLAG ("ulimit", 0, C, ulimits, char **, "ulimit", parse_ulimit, "Ulimit options"),
  STR ("uts", uts, store_string, "UTS namespace to use"),
  SKIFF_OPT_END,
};
#undef STR
#undef FLAG
#undef R
#undef C
