/* Docker's default masked and read-only kernel paths (security-defaults.md §2): a masked file
 * gets /dev/null bound over it, a masked directory an empty read-only tmpfs; read-only paths
 * are bound onto themselves and remounted read-only.  Paths missing on this kernel are
 * skipped.  Paths are resolved inside the rootfs, after /proc, /sys and /dev are mounted.
 * podman's --security-opt unmask=PATH:...|ALL leaves defaults out, mask=PATH:... adds paths;
 * --privileged has none of them. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"

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

/* The path to mask or make read-only, resolved inside the rootfs; -ENOENT when this kernel
 * lacks it (skipped). */
static int
open_kernel_path (int root_fd, const char *path, struct skiff_error **err)
{
  int fd = skiff_rootfs_open (root_fd, path, O_PATH);
  if (fd < 0 && errno != ENOENT)
    return skiff_error_make (err, errno, "open /%s", path);
  return fd < 0 ? -ENOENT : fd;
}

/* Masks path (relative to the rootfs); dir: -1 = look (a user's mask= path) */
static int
mask (int root_fd, const char *null_path, const char *path, int dir, struct skiff_error **err)
{
  _cleanup_close_ int fd = open_kernel_path (root_fd, path, err);
  if (fd == -ENOENT)
    return 0;
  if (fd < 0)
    return fd;
  struct stat st;
  if (dir < 0)
    dir = fstat (fd, &st) == 0 && S_ISDIR (st.st_mode);
  int r = dir ? skiff_mount_on_fd ("tmpfs", fd, "tmpfs", MS_RDONLY, "size=0k,mode=755")
              : skiff_mount_on_fd (null_path, fd, NULL, MS_BIND, NULL);
  if (r < 0)
    return skiff_error_make (err, errno, "mask /%s", path);
  return 0;
}

/* unmask= names it ("/proc/kcore", or ALL) */
static bool
is_unmasked (char *const *unmask, const char *path)
{
  for (size_t i = 0; unmask != NULL && unmask[i] != NULL; i++)
    {
      const char *u = unmask[i];
      while (*u == '/')
        u++;
      if (strcmp (unmask[i], "ALL") == 0 || strcmp (u, path) == 0)
        return true;
    }
  return false;
}

static int
make_readonly (int root_fd, const char *path, struct skiff_error **err)
{
  const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  _cleanup_close_ int fd = open_kernel_path (root_fd, path, err);
  if (fd == -ENOENT)
    return 0;
  if (fd < 0)
    return fd;
  char self[SKIFF_FD_PATH_MAX];
  skiff_fd_path (self, fd);
  if (mount (self, self, NULL, MS_BIND | MS_REC, NULL) < 0)
    return skiff_error_make (err, errno, "bind /%s read-only", path);
  /* the remount acts on the new bind mount, which only a fresh lookup ends on */
  _cleanup_close_ int bound = skiff_rootfs_open (root_fd, path, O_PATH);
  if (bound < 0
      || skiff_mount_on_fd (NULL, bound, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | fl, NULL) < 0)
    return skiff_error_make (err, errno, "remount /%s read-only", path);
  return 0;
}

int
skiff_sandbox_mask_paths (int root_fd, const struct skiff_sandbox_config *cfg,
                          struct skiff_error **err)
{
  if (cfg->privileged)
    return 0;
  /* the container's own /dev/null (made by mount_dev), as seen from inside */
  _cleanup_close_ int null_fd = skiff_rootfs_open (root_fd, "dev/null", O_PATH);
  if (null_fd < 0)
    return skiff_error_make (err, errno, "open /dev/null");
  char null_path[SKIFF_FD_PATH_MAX];
  skiff_fd_path (null_path, null_fd);
  int r = 0;
  for (size_t i = 0; i < sizeof masked_paths / sizeof masked_paths[0] && r == 0; i++)
    if (!is_unmasked (cfg->unmask_paths, masked_paths[i].path))
      r = mask (root_fd, null_path, masked_paths[i].path, masked_paths[i].dir, err);
  for (size_t i = 0; cfg->mask_paths != NULL && cfg->mask_paths[i] != NULL && r == 0; i++)
    r = mask (root_fd, null_path, cfg->mask_paths[i], -1, err);
  for (size_t i = 0; i < sizeof readonly_paths / sizeof readonly_paths[0] && r == 0; i++)
    if (!is_unmasked (cfg->unmask_paths, readonly_paths[i]))
      r = make_readonly (root_fd, readonly_paths[i], err);
  return r;
}
