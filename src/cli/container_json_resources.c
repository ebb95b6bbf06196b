/* The resource fields of `inspect`'s HostConfig, named and shaped as docker's. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skiff/json.h"
#include "skiff/resources.h"
#include "skiff/xalloc.h"

static void
gen_ulimits (yajl_gen g, char *const *ulimits)
{
  skiff_json_gen_key (g, "Ulimits");
  if (ulimits == NULL)
    {
      yajl_gen_null (g);
      return;
    }
  yajl_gen_array_open (g);
  for (size_t i = 0; ulimits[i]; i++)
    {
      int resource;
      int64_t soft = 0, hard = 0;
      const char *eq = strchr (ulimits[i], '=');
      _cleanup_free_ char *name = xstrndup (ulimits[i], eq ? (size_t)(eq - ulimits[i]) : 0);
      skiff_resources_parse_ulimit (ulimits[i], &resource, &soft, &hard, NULL);
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "Name", name);
      skiff_json_gen_key_int (g, "Hard", hard);
      skiff_json_gen_key_int (g, "Soft", soft);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
}

static void
gen_devices (yajl_gen g, char *const *devices)
{
  skiff_json_gen_key (g, "Devices");
  yajl_gen_array_open (g);
  for (size_t i = 0; devices && devices[i]; i++)
    {
      char *host = NULL, *ctr = NULL, perms[4] = "";
      if (skiff_resources_parse_device (devices[i], &host, &ctr, perms, NULL) < 0)
        continue;
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "PathOnHost", host);
      skiff_json_gen_key_string (g, "PathInContainer", ctr);
      skiff_json_gen_key_string (g, "CgroupPermissions", perms);
      yajl_gen_map_close (g);
      free (host);
      free (ctr);
    }
  yajl_gen_array_close (g);
}

/* "k=v" -> {"k":"v"} */
static void
gen_sysctls (yajl_gen g, char *const *sysctls)
{
  if (sysctls == NULL)
    return;
  skiff_json_gen_key (g, "Sysctls");
  yajl_gen_map_open (g);
  for (size_t i = 0; sysctls[i]; i++)
    {
      const char *eq = strchr (sysctls[i], '=');
      _cleanup_free_ char *key = xstrndup (sysctls[i], eq ? (size_t)(eq - sysctls[i]) : 0);
      skiff_json_gen_key_string (g, key, eq ? eq + 1 : "");
    }
  yajl_gen_map_close (g);
}

void
skiff_cli_resources_host_config (yajl_gen g, const struct skiff_resources *r)
{
  static const char *const cgroups[] = { "enabled", "no-conmon", "disabled" };
  skiff_json_gen_key_string (g, "CgroupnsMode", r->cgroupns ? r->cgroupns : "host");
  skiff_json_gen_key_string (g, "IpcMode", r->ipc ? r->ipc : "private");
  skiff_json_gen_key_string (g, "PidMode", r->pid ? r->pid : "");
  skiff_json_gen_key_string (g, "UTSMode", r->uts ? r->uts : "");
  skiff_json_gen_key_int (g, "ShmSize",
                          r->shm_size ? r->shm_size : SKIFF_RESOURCES_DEFAULT_SHM_SIZE);
  gen_sysctls (g, r->sysctls);
  skiff_json_gen_key_string (g, "Cgroups", cgroups[r->cgroups]);
  skiff_json_gen_key_string (g, "CgroupParent", r->cgroup_parent ? r->cgroup_parent : "");
  skiff_json_gen_key_int (g, "CpuShares", r->cpu_shares);
  skiff_json_gen_key_int (g, "Memory", r->memory);
  skiff_json_gen_key_int (g, "NanoCpus", r->nano_cpus);
  skiff_json_gen_key_string (g, "CpusetCpus", r->cpuset_cpus ? r->cpuset_cpus : "");
  gen_devices (g, r->devices);
  skiff_json_gen_key_strv (g, "DeviceCgroupRules", r->device_cgroup_rules, false);
  skiff_json_gen_key_int (g, "MemoryReservation", r->memory_reservation);
  skiff_json_gen_key_int (g, "MemorySwap", r->memory_swap);
  skiff_json_gen_key_int (g, "PidsLimit", r->pids_limit > 0 ? r->pids_limit : 0);
  gen_ulimits (g, r->ulimits);
}
