/* `mount` / `umount` (root only, as podman's): the container's rootfs, its upper dir on its
 * image's layers, mounted at containers/<id>/merged in the caller's mount namespace.  Each
 * mount adds one to containers/<id>/mount-count (written atomically under the container lock);
 * umount takes one away and unmounts at zero (--force: at once), as podman counts.  The mount
 * has a work dir of its own (mount-work/), so a running container's overlay and this one only
 * share the upper dir; it is nodev, nosuid and noexec.  Removing the container unmounts it first
 * (skiff_container_remove). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/lock.h"
#include "skiff/sandbox.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static int
read_count (const struct skiff_container *c)
{
  _cleanup_free_ char *path = skiff_path_join (c->dir, "mount-count");
  _cleanup_free_ char *text = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_read_file (path, &text, NULL, &e) < 0)
    return 0;
  long n = strtol (text, NULL, 10);
  return n > 0 && n < 1000000 ? (int)n : 0;
}

static int
write_count (const struct skiff_container *c, int n, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (c->dir, "mount-count");
  if (n == 0)
    return unlink (path) < 0 && errno != ENOENT ? skiff_error_make (err, errno, "unlink %s", path)
                                                : 0;
  char text[32];
  int len = snprintf (text, sizeof text, "%d\n", n);
  return skiff_fs_write_atomic (path, text, (size_t)len, 0600, 0, err);
}

/* Whether merged is a mount point (another device than the container dir holding it). */
static bool
is_mounted (const struct skiff_container *c, const char *merged)
{
  struct stat in, dir;
  return stat (merged, &in) == 0 && stat (c->dir, &dir) == 0 && in.st_dev != dir.st_dev;
}

static int
mount_overlay (struct skiff_store *store, const struct skiff_container *c, const char *merged,
               struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_image_load (store, c->config.image_id, &img, err);
  if (r < 0)
    return r;
  _cleanup_strv_ char **lower = skiff_image_lowerdirs (store, img);
  _cleanup_free_ char *upper = skiff_path_join (c->dir, "upper");
  _cleanup_free_ char *work = skiff_path_join (c->dir, "mount-work");
  if ((mkdir (merged, 0700) < 0 && errno != EEXIST) || (mkdir (work, 0700) < 0 && errno != EEXIST))
    return skiff_error_make (err, errno, "mkdir in %s", c->dir);
  _cleanup_close_ int mnt = skiff_sandbox_overlay_writable (upper, work, lower, false, err);
  if (mnt < 0)
    return mnt;
  if (move_mount (mnt, "", AT_FDCWD, merged, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return skiff_error_make (err, errno, "mount the rootfs of %s on %s", c->config.name, merged);
  return 0;
}

int
skiff_engine_mount (struct skiff_store *store, struct skiff_container *c, char **path,
                    struct skiff_error **err)
{
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  _cleanup_free_ char *merged = skiff_path_join (c->dir, "merged");
  int n = read_count (c), r = 0;
  if (n == 0 || !is_mounted (c, merged)) /* first, or mounted before a reboot */
    {
      n = 0;
      r = mount_overlay (store, c, merged, err);
    }
  if (r == 0 && (r = write_count (c, n + 1, err)) < 0 && n == 0)
    umount2 (merged, MNT_DETACH);
  skiff_lock_release (lock);
  if (r == 0)
    *path = steal_ptr (&merged);
  return r;
}

static int
unmount_locked (struct skiff_container *c, bool force, struct skiff_error **err)
{
  _cleanup_free_ char *merged = skiff_path_join (c->dir, "merged");
  int n = read_count (c);
  if (n > 1 && !force)
    return write_count (c, n - 1, err);
  if (is_mounted (c, merged) && umount2 (merged, 0) < 0)
    return skiff_error_make (err, errno, "unmount %s", merged);
  _cleanup_free_ char *work = skiff_path_join (c->dir, "mount-work");
  int r = skiff_fs_rm_rf (work, err);
  if (r == 0 && rmdir (merged) < 0 && errno != ENOENT)
    r = skiff_error_make (err, errno, "rmdir %s", merged);
  return r == 0 ? write_count (c, 0, err) : r;
}

int
skiff_engine_unmount (struct skiff_container *c, bool force, struct skiff_error **err)
{
  int lock = skiff_container_lock (c, err);
  if (lock < 0)
    return lock;
  int r = unmount_locked (c, force, err);
  skiff_lock_release (lock);
  return r;
}

char *
skiff_engine_mount_point (const struct skiff_container *c)
{
  _cleanup_free_ char *merged = skiff_path_join (c->dir, "merged");
  return read_count (c) > 0 && is_mounted (c, merged) ? steal_ptr (&merged) : NULL;
}
