/* The "Resources" object of config.json: struct skiff_resources as created (absent keys read as
 * the defaults, so records made before it keep working, with no limit). */
#include <string.h>

#include "record-internal.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/resources.h"

static const char *const cgroups_names[] = { "enabled", "no-conmon", "disabled" };

void
skiff_container_resources_to_json (yajl_gen g, const struct skiff_resources *r)
{
  skiff_json_gen_key (g, "Resources");
  yajl_gen_map_open (g);
  skiff_json_gen_key_int (g, "Memory", r->memory);
  skiff_json_gen_key_int (g, "MemorySwap", r->memory_swap);
  skiff_json_gen_key_int (g, "MemoryReservation", r->memory_reservation);
  skiff_json_gen_key_int (g, "NanoCpus", r->nano_cpus);
  skiff_json_gen_key_int (g, "CpuShares", r->cpu_shares);
  skiff_json_gen_key_string (g, "CpusetCpus", r->cpuset_cpus);
  skiff_json_gen_key_int (g, "PidsLimit", r->pids_limit);
  skiff_json_gen_key_bool (g, "PidsLimitSet", r->pids_limit_set);
  skiff_json_gen_key_string (g, "CgroupParent", r->cgroup_parent);
  skiff_json_gen_key_string (g, "Cgroups", cgroups_names[r->cgroups]);
  skiff_json_gen_key_strv (g, "Devices", r->devices, false);
  skiff_json_gen_key_strv (g, "DeviceCgroupRules", r->device_cgroup_rules, false);
  skiff_json_gen_key_strv (g, "Ulimits", r->ulimits, false);
  skiff_json_gen_key_int (g, "ShmSize", r->shm_size);
  skiff_json_gen_key_strv (g, "Sysctls", r->sysctls, false);
  skiff_json_gen_key_string (g, "IpcMode", r->ipc);
  skiff_json_gen_key_string (g, "PidMode", r->pid);
  skiff_json_gen_key_string (g, "UTSMode", r->uts);
  skiff_json_gen_key_string (g, "CgroupnsMode", r->cgroupns);
  yajl_gen_map_close (g);
}

int
skiff_container_resources_from_json (yajl_val root, const char *path, struct skiff_resources *r,
                                     struct skiff_error **err)
{
  yajl_val obj = skiff_json_get_field (root, "Resources");
  if (obj == NULL)
    return 0;
  const struct
  {
    const char *key;
    int64_t *dst;
  } ints[] = {
    { "Memory", &r->memory },
    { "MemorySwap", &r->memory_swap },
    { "MemoryReservation", &r->memory_reservation },
    { "NanoCpus", &r->nano_cpus },
    { "CpuShares", &r->cpu_shares },
    { "PidsLimit", &r->pids_limit },
    { "ShmSize", &r->shm_size },
  };
  const struct
  {
    const char *key;
    char **dst;
  } strs[] = {
    { "CpusetCpus", &r->cpuset_cpus },
    { "CgroupParent", &r->cgroup_parent },
    { "IpcMode", &r->ipc },
    { "PidMode", &r->pid },
    { "UTSMode", &r->uts },
    { "CgroupnsMode", &r->cgroupns },
  };
  const struct
  {
    const char *key;
    char ***dst;
  } lists[] = {
    { "Devices", &r->devices },
    { "DeviceCgroupRules", &r->device_cgroup_rules },
    { "Ulimits", &r->ulimits },
    { "Sysctls", &r->sysctls },
  };
  int ret;
  for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
    if ((ret = skiff_json_get_int (obj, ints[i].key, path, ints[i].dst, err)) < 0)
      return ret;
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
    if ((ret = skiff_json_get_string (obj, strs[i].key, path, strs[i].dst, err)) < 0)
      return ret;
  for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
    if ((ret = skiff_json_get_strv (obj, lists[i].key, path, lists[i].dst, err)) < 0)
      return ret;
  _cleanup_free_ char *mode = NULL;
  if ((ret = skiff_json_get_bool (obj, "PidsLimitSet", path, &r->pids_limit_set, err)) < 0
      || (ret = skiff_json_get_string (obj, "Cgroups", path, &mode, err)) < 0)
    return ret;
  for (size_t i = 0; mode && i < sizeof cgroups_names / sizeof cgroups_names[0]; i++)
    if (strcmp (mode, cgroups_names[i]) == 0)
      r->cgroups = (enum skiff_cgroups_mode)i;
  return 0;
}
