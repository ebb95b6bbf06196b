/* Child side, in the container's fresh mount namespace: the overlay rootfs and the kernel file
 * systems on it, then pivot_root.  Paths below the rootfs are relative: the child chdirs into
 * the merged dir once it is mounted, which keeps every mount call free of string building. */
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

/* mount(2), creating a missing directory target in the rootfs first. */
static int
mount_dir (const char *src, const char *target, const char *type, unsigned long flags,
           const char *data, struct skiff_error **err)
{
  if (mount (src, target, type, flags, data) == 0)
    return 0;
  if (errno != ENOENT || (mkdir (target, 0755) < 0 && errno != EEXIST)
      || mount (src, target, type, flags, data) < 0)
    return skiff_error_make (err, errno, "mount %s on /%s", type ? type : src, target);
  return 0;
}

static int
mount_sys (bool rootless, struct skiff_error **err)
{
  const unsigned long fl = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  int r = mount_dir ("sysfs", "sys", "sysfs", fl | MS_RDONLY, NULL, rootless ? NULL : err);
  if (r == 0 || !rootless)
    return r;
  /* A user namespace may not mount sysfs (e.g. over-mounted host /sys): show the host's. */
  if (mount ("/sys", "sys", NULL, MS_BIND | MS_REC, NULL) < 0
      || mount (NULL, "sys", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | fl, NULL) < 0)
    return skiff_error_make (err, errno, "bind /sys on /sys");
  return 0;
}

/* Binds a host file over /etc/<name>, creating the target file when the image lacks it. */
static int
bind_etc_file (const char *src, const char *name, struct skiff_error **err)
{
  if (src == NULL)
    return 0;
  _cleanup_free_ char *target = xasprintf ("etc/%s", name);
  if (mount (src, target, NULL, MS_BIND, NULL) == 0)
    return 0;
  if (errno == ENOENT)
    {
      if (mkdir ("etc", 0755) < 0 && errno != EEXIST)
        return skiff_error_make (err, errno, "mkdir /etc");
      int fd = open (target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
      if (fd < 0)
        return skiff_error_make (err, errno, "create /%s", target);
      close (fd);
      if (mount (src, target, NULL, MS_BIND, NULL) == 0)
        return 0;
    }
  return skiff_error_make (err, errno, "bind %s on /%s", src, target);
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
  if ((r = mount_dir ("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, err)) < 0
      || (r = mount_sys (rootless, err)) < 0
      || (r = skiff_sandbox_mount_dev ("dev", rootless, skiff_userns_mapped_gids () > 5, err)) < 0
      || (r = bind_etc_file (cfg->hostname_file, "hostname", err)) < 0
      || (r = bind_etc_file (cfg->hosts_file, "hosts", err)) < 0
      || (r = bind_etc_file (cfg->resolv_file, "resolv.conf", err)) < 0
      || (!cfg->privileged && (r = skiff_sandbox_mask_paths (err)) < 0))
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
