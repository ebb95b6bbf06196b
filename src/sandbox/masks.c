/* Docker's default masked and read-only kernel paths (security-defaults.md §2): a masked file
 * gets /dev/null bound over it, a masked directory an empty read-only tmpfs; read-only paths
 * are bound onto themselves and remounted read-only.  Paths missing on this kernel are
 * skipped.  Runs relative to the rootfs (cwd), after /proc, /sys and /dev are mounted. */
#include <errno.h>
#include <stdbool.h>
#include <sys/mount.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/error.h"

struct masked
{
  const char *path;
  bool dir;
};

static const struct masked masked_paths[] = {
  { "proc/acpi", true },
  { "proc/asound", true },
  { "proc/interrupts", false },
  { "proc/kcore", false },
  { "proc/keys", false },
  { "proc/latency_stats", false },
  { "proc/sched_debug", false },
  { "proc/scsi", true },
  { "proc/timer_list", false },
  { "proc/timer_stats", false },
  { "sys/devices/virtual/powercap", true },
  { "sys/firmware", true },
};

static const char *const readonly_paths[] = {
  "proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

static int
mask (const struct masked *m, struct skiff_error **err)
{
  int r = m->dir ? mount ("tmpfs", m->path, "tmpfs", MS_RDONLY, "size=0k,mode=755")
                 : mount ("dev/null", m->path, NULL, MS_BIND, NULL);
  if (r < 0 && errno != ENOENT)
    return skiff_error_make (err, errno, "mask /%s", m->path);
  return 0;
}

static int
make_readonly (const char *path, struct skiff_error **err)
{
  const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (mount (path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return skiff_error_make (err, errno, "bind /%s read-only", path);
    }
  if (mount (NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | fl, NULL) < 0)
    return skiff_error_make (err, errno, "remount /%s read-only", path);
  return 0;
}

int
skiff_sandbox_mask_paths (struct skiff_error **err)
{
  for (size_t i = 0; i < sizeof masked_paths / sizeof masked_paths[0]; i++)
    {
      int r = mask (&masked_paths[i], err);
      if (r < 0)
        return r;
    }
  for (size_t i = 0; i < sizeof readonly_paths / sizeof readonly_paths[0]; i++)
    {
      int r = make_readonly (readonly_paths[i], err);
      if (r < 0)
        return r;
    }
  return 0;
}
