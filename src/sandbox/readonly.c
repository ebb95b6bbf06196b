/* --read-only (docker) with podman's --read-only-tmpfs: the rootfs is remounted read-only once
 * everything is mounted on it; /dev (and its shm), /proc, /sys and the /etc files are mounts of
 * their own and keep their flags, and /tmp, /run and /var/tmp get a writable tmpfs each
 * (podman's set; mode 1777 as a fresh /tmp, nosuid and nodev as podman). */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"

static const char *const tmpfs_dirs[] = { "tmp", "run", "var/tmp" };

int
skiff_sandbox_read_only_root (int root_fd, const struct skiff_sandbox_config *cfg,
                              struct skiff_error **err)
{
  for (size_t i = 0; cfg->read_only_tmpfs && i < sizeof tmpfs_dirs / sizeof tmpfs_dirs[0]; i++)
    {
      _cleanup_close_ int fd = skiff_rootfs_open_target (root_fd, tmpfs_dirs[i], true, err);
      if (fd < 0)
        return fd;
      if (skiff_mount_on_fd ("tmpfs", fd, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
        return skiff_error_make (err, errno, "mount tmpfs on /%s", tmpfs_dirs[i]);
    }
  /* only this mount (no MS_REC): the submounts above keep theirs */
  if (skiff_mount_on_fd (NULL, root_fd, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
    return skiff_error_make (err, errno, "remount the root filesystem read-only");
  return 0;
}
