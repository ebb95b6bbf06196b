/* Child side, in the container's fresh mount namespace: the overlay rootfs and the kernel file
 * systems on it, then pivot_root.  Every target below the rootfs is resolved inside it
 * (rootfs_path.c): the image and the container control what its paths name. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"
#include "skiff/strv.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

/* mount(2) takes at most one page of options. */
#define MOUNT_OPTS_MAX 4096

/* Past a page of options: the new mount API adds lower layers one by one ("lowerdir+",
 * kernel >= 6.8), so the layer count is not limited by the option length. */
static int
mount_overlay_fsconfig (const struct skiff_sandbox_config *cfg, struct skiff_error **err)
{
  _cleanup_close_ int fs = fsopen ("overlay", FSOPEN_CLOEXEC);
  if (fs < 0)
    return skiff_error_make (err, errno, "fsopen overlay");
  if (fsconfig (fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0)
    return skiff_error_make (err, errno, "mount overlay on %s", cfg->mergeddir);
  for (size_t i = 0; cfg->lowerdirs[i] != NULL; i++)
    if (fsconfig (fs, FSCONFIG_SET_STRING, "lowerdir+", cfg->lowerdirs[i], 0) < 0)
      return skiff_error_make (err, errno,
                               "mount overlay: %zu layers exceed the mount option size and the "
                               "kernel does not take layers one by one",
                               skiff_strv_len (cfg->lowerdirs));
  if (fsconfig (fs, FSCONFIG_SET_STRING, "upperdir", cfg->upperdir, 0) < 0
      || fsconfig (fs, FSCONFIG_SET_STRING, "workdir", cfg->workdir, 0) < 0
      || (cfg->userxattr && fsconfig (fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
      || (cfg->volatile_upper && fsconfig (fs, FSCONFIG_SET_FLAG, "volatile", NULL, 0) < 0)
      || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return skiff_error_make (err, errno, "mount overlay on %s", cfg->mergeddir);
  _cleanup_close_ int mnt = fsmount (fs, FSMOUNT_CLOEXEC, 0);
  if (mnt < 0 || move_mount (mnt, "", AT_FDCWD, cfg->mergeddir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return skiff_error_make (err, errno, "mount overlay on %s", cfg->mergeddir);
  return 0;
}

static int
mount_overlay (const struct skiff_sandbox_config *cfg, struct skiff_error **err)
{
  if (cfg->lowerdirs == NULL || cfg->lowerdirs[0] == NULL)
    return skiff_error_make (err, 0, "mount overlay on %s: no layers", cfg->mergeddir);
  _cleanup_free_ char *lower = skiff_strv_join (cfg->lowerdirs, ":");
  _cleanup_free_ char *opts
      = xasprintf ("lowerdir=%s,upperdir=%s,workdir=%s%s%s", lower, cfg->upperdir, cfg->workdir,
                   cfg->userxattr ? ",userxattr" : "", cfg->volatile_upper ? ",volatile" : "");
  if (strlen (opts) >= MOUNT_OPTS_MAX)
    return mount_overlay_fsconfig (cfg, err);
  if (mount ("overlay", cfg->mergeddir, "overlay", 0, opts) < 0)
    return skiff_error_make (err, errno, "mount overlay on %s", cfg->mergeddir);
  return 0;
}

/* Mounts onto path of the rootfs, resolved inside it (a missing directory is created). */
static int
mount_in_root (int root_fd, const char *src, const char *path, const char *type,
               unsigned long flags, const char *data, struct skiff_error **err)
{
  _cleanup_close_ int fd = skiff_rootfs_open_target (root_fd, path, true, err);
  if (fd < 0)
    return fd;
  if (skiff_mount_on_fd (src, fd, type, flags, data) < 0)
    return skiff_error_make (err, errno, "mount %s on /%s", type ? type : src, path);
  return 0;
}

static int
mount_sys (int root_fd, bool rootless, bool writable, struct skiff_error **err)
{
  const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  const unsigned long ro = writable ? 0 : MS_RDONLY; /* --privileged: as docker */
  int r = mount_in_root (root_fd, "sysfs", "sys", "sysfs", fl | ro, NULL, rootless ? NULL : err);
  if (r == 0 || !rootless)
    return r;
  /* A user namespace may not mount sysfs (e.g. over-mounted host /sys): show the host's. */
  if ((r = mount_in_root (root_fd, "/sys", "sys", NULL, MS_BIND | MS_REC, NULL, err)) < 0)
    return r;
  /* the remount acts on the new bind mount: reopen the path, which now ends on it */
  _cleanup_close_ int fd = skiff_rootfs_open (root_fd, "sys", O_PATH | O_DIRECTORY);
  if (fd < 0 || skiff_mount_on_fd (NULL, fd, NULL, MS_BIND | MS_REMOUNT | ro | fl, NULL) < 0)
    return skiff_error_make (err, errno, "remount /sys");
  return 0;
}

/* A user namespace may not mount a proc of a PID namespace it does not own (rootless
 * --pid=host): the host's is bound instead, as podman does. */
static int
mount_proc (int root_fd, bool rootless, struct skiff_error **err)
{
  const unsigned long nse = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  int r = mount_in_root (root_fd, "proc", "proc", "proc", nse, NULL, rootless ? NULL : err);
  if (r == 0 || !rootless)
    return r;
  return mount_in_root (root_fd, "/proc", "proc", NULL, MS_BIND | MS_REC, NULL, err);
}

/* Binds a host file over /etc/<name>, creating the target file when the image lacks it.  The
 * target is resolved inside the rootfs: a symlinked /etc (or /etc/<name>) may point anywhere
 * inside the container, never at a host directory. */
static int
bind_etc_file (int root_fd, const char *src, const char *name, struct skiff_error **err)
{
  if (src == NULL)
    return 0;
  _cleanup_free_ char *target = xasprintf ("etc/%s", name);
  _cleanup_close_ int fd = skiff_rootfs_open_target (root_fd, target, false, err);
  if (fd < 0)
    return fd;
  if (skiff_mount_on_fd (src, fd, NULL, MS_BIND, NULL) < 0)
    return skiff_error_make (err, errno, "bind %s on /%s", src, target);
  return 0;
}

int
skiff_sandbox_mount_rootfs (const struct skiff_sandbox_config *cfg, struct skiff_error **err)
{
  bool rootless = skiff_userns_is_rootless ();
  int r = mount_overlay (cfg, err);
  if (r < 0)
    return r;
  if (chdir (cfg->mergeddir) < 0)
    return skiff_error_make (err, errno, "chdir %s", cfg->mergeddir);
  _cleanup_close_ int root_fd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return skiff_error_make (err, errno, "open %s", cfg->mergeddir);
  if ((r = mount_proc (root_fd, rootless, err)) < 0
      || (r = mount_sys (root_fd, rootless, cfg->privileged, err)) < 0
      || (r = skiff_sandbox_mount_dev (root_fd, rootless, skiff_userns_mapped_gids () > 5,
                                       cfg->privileged, cfg->limits, err))
             < 0
      || (r = bind_etc_file (root_fd, cfg->hostname_file, "hostname", err)) < 0
      || (r = bind_etc_file (root_fd, cfg->hosts_file, "hosts", err)) < 0
      || (r = bind_etc_file (root_fd, cfg->resolv_file, "resolv.conf", err)) < 0
      || (r = skiff_sandbox_mount_volumes (root_fd, cfg, err)) < 0
      || (r = skiff_sandbox_mask_paths (root_fd, cfg, err)) < 0
      /* last: the binds above keep their own flags */
      || (cfg->read_only && (r = skiff_sandbox_read_only_root (root_fd, cfg, err)) < 0))
    return r;
  return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves only
 * the container's mounts, so nothing of the host stays reachable and the whole mount tree
 * dies with the namespace. */
int
skiff_sandbox_pivot (const char *root, struct skiff_error **err)
{
  if (syscall (SYS_pivot_root, ".", ".") < 0)
    return skiff_error_make (err, errno, "pivot_root %s", root);
  if (umount2 (".", MNT_DETACH) < 0)
    return skiff_error_make (err, errno, "detach the old root");
  if (chdir ("/") < 0)
    return skiff_error_make (err, errno, "chdir /");
  return 0;
}
