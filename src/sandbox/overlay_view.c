/* A read-only view of stacked layers (export): an overlay of only lower layers, made with the
 * new mount API as a detached mount that exists only as an fd, so it is on no path anyone can
 * see and goes away with the last fd; a writable one with an upper dir for cp into a stopped
 * container.  The layers are given one by one ("lowerdir+", kernel >=
 * 6.8), falling back to one "lowerdir" string, so neither the count nor the paths' length is
 * bounded by a page of options. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static int
add_layers (int fs, char *const *layers)
{
  for (size_t i = 0; layers[i]; i++)
    if (fsconfig (fs, FSCONFIG_SET_STRING, "lowerdir+", layers[i], 0) < 0)
      {
        if (i > 0 || errno != EINVAL)
          return -1;
        /* an older kernel: the classic list, ':'-separated */
        _cleanup_free_ char *list = skiff_strv_join (layers, ":");
        return fsconfig (fs, FSCONFIG_SET_STRING, "lowerdir", list, 0);
      }
  return 0;
}

int
skiff_sandbox_overlay_view (char *const *layers, bool userxattr, struct skiff_error **err)
{
  if (skiff_strv_len (layers) < 2)
    return skiff_error_make (err, EINVAL, "overlay view: at least two layers are needed");
  _cleanup_close_ int fs = fsopen ("overlay", FSOPEN_CLOEXEC);
  if (fs < 0)
    return skiff_error_make (err, errno, "fsopen overlay");
  if (fsconfig (fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0 || add_layers (fs, layers) < 0
      || (userxattr && fsconfig (fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
      || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return skiff_error_make (err, errno, "mount a read-only overlay of %s", layers[0]);
  int mnt = fsmount (fs, FSMOUNT_CLOEXEC,
                     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
  if (mnt < 0)
    return skiff_error_make (err, errno, "fsmount the overlay of %s", layers[0]);
  return mnt;
}

int
skiff_sandbox_overlay_writable (const char *upper, const char *work, char *const *lower,
                                bool userxattr, struct skiff_error **err)
{
  _cleanup_close_ int fs = fsopen ("overlay", FSOPEN_CLOEXEC);
  if (fs < 0)
    return skiff_error_make (err, errno, "fsopen overlay");
  if (fsconfig (fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0 || add_layers (fs, lower) < 0
      || fsconfig (fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0
      || fsconfig (fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0
      || (userxattr && fsconfig (fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
      || fsconfig (fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return skiff_error_make (err, errno, "mount the overlay of %s", upper);
  int mnt = fsmount (fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
  if (mnt < 0)
    return skiff_error_make (err, errno, "fsmount the overlay of %s", upper);
  return mnt;
}
