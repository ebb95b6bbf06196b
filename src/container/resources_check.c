/* skiff_resources_check: what docker's daemon refuses in a container's resources, with its
 * texts (moby daemon_unix.go verifyPlatformContainerResources and friends), plus what this
 * engine cannot do: a --ulimit above our own hard limit (no CAP_SYS_RESOURCE raises it). */
#include "skiff/resources.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/error.h"

#define E(...) skiff_error_make_status (err, 125, 0, __VA_ARGS__)

static int
check_memory (const struct skiff_resources *r, struct skiff_error **err)
{
  if (r->memory != 0 && r->memory < SKIFF_RESOURCES_MIN_MEMORY)
    return E ("Minimum memory limit allowed is 6MB");
  if (r->memory > 0 && r->memory_swap > 0 && r->memory_swap < r->memory)
    return E ("Minimum memoryswap limit should be larger than memory limit, see usage");
  if (r->memory == 0 && r->memory_swap > 0)
    return E ("You should always set the Memory limit when using Memoryswap limit, see usage");
  if (r->memory_reservation != 0 && r->memory_reservation < SKIFF_RESOURCES_MIN_MEMORY)
    return E ("Minimum memory reservation allowed is 6MB");
  if (r->memory > 0 && r->memory_reservation > 0 && r->memory < r->memory_reservation)
    return E ("Minimum memory limit can not be less than memory reservation limit, see usage");
  if (r->shm_size < 0)
    return E ("SHM size can not be less than 0");
  return 0;
}

static int
check_cpu (const struct skiff_resources *r, struct skiff_error **err)
{
  long ncpu = sysconf (_SC_NPROCESSORS_ONLN);
  if (ncpu < 1)
    ncpu = 1;
  if (r->nano_cpus < 0 || r->nano_cpus > ncpu * 1000000000LL)
    return E ("Range of CPUs is from 0.01 to %ld.00, as there are only %ld CPUs available", ncpu,
              ncpu);
  if (r->cpu_shares < 0)
    return E ("invalid --cpu-shares %lld: it must not be negative", (long long)r->cpu_shares);
  unsigned max_cpu;
  if (r->cpuset_cpus && skiff_resources_parse_cpuset (r->cpuset_cpus, &max_cpu, err) < 0)
    return skiff_error_ret (*err);
  long nconf = sysconf (_SC_NPROCESSORS_CONF);
  if (r->cpuset_cpus && nconf > 0 && max_cpu >= (unsigned long)nconf)
    return E ("Requested CPUs are not available - requested %s, available: 0-%ld", r->cpuset_cpus,
              nconf - 1);
  return 0;
}

/* Raising a hard limit needs CAP_SYS_RESOURCE, which skiff may not have (nor a rootless user):
 * a limit above ours would only fail later, in the container's setup. */
static int
check_ulimits (char *const *ulimits, struct skiff_error **err)
{
  for (size_t i = 0; ulimits && ulimits[i]; i++)
    {
      int resource;
      int64_t soft, hard;
      struct rlimit cur;
      if (skiff_resources_parse_ulimit (ulimits[i], &resource, &soft, &hard, err) < 0)
        return skiff_error_ret (*err);
      if (getrlimit (resource, &cur) < 0)
        return skiff_error_make (err, errno, "getrlimit for --ulimit %s", ulimits[i]);
      rlim_t want = hard < 0 ? RLIM_INFINITY : (rlim_t)hard;
      if (cur.rlim_max != RLIM_INFINITY && want > cur.rlim_max)
        {
          char want_text[32];
          snprintf (want_text, sizeof want_text, "%lld", (long long)hard);
          return E ("--ulimit %s: the hard limit %s is above skiff's own hard limit %llu "
                    "(raising it needs CAP_SYS_RESOURCE)",
                    ulimits[i], hard < 0 ? "unlimited" : want_text,
                    (unsigned long long)cur.rlim_max);
        }
    }
  return 0;
}

/* mode: NULL, "", "host", "private", "container:<name>" and the extras given. */
static bool
mode_valid (const char *mode, const char *const *extra)
{
  if (mode == NULL || !*mode || !strcmp (mode, "host") || !strcmp (mode, "private"))
    return true;
  if (strncmp (mode, "container:", 10) == 0 && mode[10] != '\0')
    return true;
  for (; extra && *extra; extra++)
    if (strcmp (mode, *extra) == 0)
      return true;
  return false;
}

static bool
is_host (const char *mode)
{
  return mode != NULL && strcmp (mode, "host") == 0;
}

static int
check_modes (const struct skiff_resources *r, struct skiff_error **err)
{
  static const char *const ipc_extra[] = { "shareable", "none", NULL };
  if (!mode_valid (r->ipc, ipc_extra))
    return E ("--ipc: invalid IPC mode");
  if (!mode_valid (r->pid, NULL))
    return E ("--pid: invalid PID mode");
  if (!mode_valid (r->uts, NULL))
    return E ("--uts: invalid UTS mode");
  if (!mode_valid (r->cgroupns, NULL))
    return E ("--cgroupns: invalid CGROUP mode");
  if (r->cgroups == SKIFF_CGROUPS_DISABLED && skiff_resources_has_limits (r))
    return E ("cannot set resource limits with --cgroups=disabled: the container gets no cgroup");
  const char *p = r->cgroup_parent;
  if (p
      && (*p == '\0' || strstr (p, "..") || strspn (p, "/") == strlen (p)
          || strspn (p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/:@")
                 != strlen (p)))
    return E ("invalid --cgroup-parent %s: a cgroup path of letters, digits and _.-:@ "
              "components without \"..\"",
              p);
  return 0;
}

/* docker/cli's ValidateSysctl: the IPC ones it names, net.* and fs.mqueue.*; the key must
 * also make a plain /proc/sys path.  IPC sysctls with --ipc=host and kernel.hostname-like
 * ones would change the host: refused. */
static int
check_sysctls (const struct skiff_resources *r, struct skiff_error **err)
{
  static const char *const ipc_keys[]
      = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
          "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  for (size_t i = 0; r->sysctls && r->sysctls[i]; i++)
    {
      const char *kv = r->sysctls[i], *eq = strchr (kv, '=');
      size_t n = eq ? (size_t)(eq - kv) : 0;
      bool ipc = false, ok = false;
      for (size_t k = 0; eq && k < sizeof ipc_keys / sizeof ipc_keys[0]; k++)
        if (strlen (ipc_keys[k]) == n && strncmp (ipc_keys[k], kv, n) == 0)
          ipc = ok = true;
      if (eq && (strncmp (kv, "net.", 4) == 0 || strncmp (kv, "fs.mqueue.", 10) == 0))
        ipc = strncmp (kv, "fs.", 3) == 0, ok = true;
      for (size_t c = 0; ok && c < n; c++)
        if (!isalnum ((unsigned char)kv[c]) && !strchr ("_-.", kv[c]))
          ok = false;
      if (!ok || kv[n - 1] == '.' || strstr (kv, "..") != NULL)
        return E ("sysctl '%s' is not allowed", kv);
      if (ipc && is_host (r->ipc))
        return E ("sysctl '%.*s' is not allowed with --ipc=host: it would change the host's",
                  (int)n, kv);
    }
  return 0;
}

static int
check_devices (char *const *devices, struct skiff_error **err)
{
  for (size_t i = 0; devices && devices[i]; i++)
    {
      char *host = NULL, *ctr = NULL, perms[4];
      if (skiff_resources_parse_device (devices[i], &host, &ctr, perms, err) < 0)
        return skiff_error_ret (*err);
      struct stat st;
      int r = 0;
      if (stat (host, &st) < 0)
        r = skiff_error_make_status (err, 125, errno,
                                     "error gathering device information while adding custom "
                                     "device \"%s\"",
                                     host);
      else if (!S_ISCHR (st.st_mode) && !S_ISBLK (st.st_mode))
        r = E ("error gathering device information while adding custom device \"%s\": not a "
               "device node",
               host);
      free (host);
      free (ctr);
      if (r < 0)
        return r;
    }
  return 0;
}

int
skiff_resources_check (const struct skiff_resources *r, struct skiff_error **err)
{
  int ret;
  if ((ret = check_memory (r, err)) < 0 || (ret = check_cpu (r, err)) < 0
      || (ret = check_ulimits (r->ulimits, err)) < 0 || (ret = check_modes (r, err)) < 0
      || (ret = check_sysctls (r, err)) < 0 || (ret = check_devices (r->devices, err)) < 0)
    return ret;
  for (size_t i = 0; r->device_cgroup_rules && r->device_cgroup_rules[i]; i++)
    {
      char type, access[4];
      int64_t major, minor;
      if (skiff_resources_parse_device_rule (r->device_cgroup_rules[i], &type, &major, &minor,
                                             access, err)
          < 0)
        return skiff_error_ret (*err);
    }
  return 0;
}
