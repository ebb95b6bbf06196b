/* Child side, before pivot_root: the container's -v/--mount/--tmpfs mounts and volumes.  Each
 * target is resolved (and created when missing) inside the rootfs (rootfs_path.c), never
 * through a path of the host: an image symlink "/data -> /etc" puts the mount on the
 * container's /etc.  A fresh volume gets the image's content at its target first (copy-up). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/sandbox.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

static size_t
path_depth (const char *p)
{
  size_t n = 0;
  for (; *p; p++)
    n += *p == '/';
  return n;
}

/* Flags a bind remount must keep: a user namespace may not clear those of a host mount. */
static unsigned long
locked_flags (int fd)
{
  struct statvfs sv;
  if (fstatvfs (fd, &sv) < 0)
    return 0;
  unsigned long f = 0;
  if (sv.f_flag & ST_NOSUID)
    f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV)
    f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC)
    f |= MS_NOEXEC;
  if (sv.f_flag & ST_RDONLY)
    f |= MS_RDONLY;
  if (sv.f_flag & ST_NOATIME)
    f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME)
    f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME)
    f |= MS_RELATIME;
  return f;
}

/* After the mount: flags and propagation act on the new mount, which the path now ends on. */
static int
finish_mount (int root_fd, const struct skiff_sandbox_mount *m, bool remount,
              struct skiff_error **err)
{
  if (!remount && m->propagation == 0)
    return 0;
  _cleanup_close_ int fd = skiff_rootfs_open (root_fd, m->target, O_PATH);
  if (fd < 0)
    return skiff_error_make (err, errno, "reopen mount target %s", m->target);
  if (remount
      && skiff_mount_on_fd (NULL, fd, NULL, MS_BIND | MS_REMOUNT | m->flags | locked_flags (fd),
                            NULL)
             < 0)
    return skiff_error_make (err, errno, "remount %s with its options", m->target);
  if (m->propagation && skiff_mount_on_fd (NULL, fd, NULL, m->propagation, NULL) < 0)
    return skiff_error_make (err, errno, "set the propagation of %s", m->target);
  return 0;
}

static int
mount_overlay_dir (int fd, const struct skiff_sandbox_mount *m)
{
  _cleanup_free_ char *opts
      = xasprintf ("lowerdir=%s,upperdir=%s,workdir=%s%s", m->source, m->upper, m->work,
                   skiff_userns_is_rootless () ? ",userxattr" : "");
  return skiff_mount_on_fd ("overlay", fd, "overlay", m->flags & ~MS_RDONLY, opts);
}

static int
mount_one (int root_fd, const struct skiff_sandbox_mount *m, struct skiff_error **err)
{
  struct stat st;
  bool dir = true;
  if (m->kind == SKIFF_SANDBOX_MOUNT_BIND)
    {
      if (stat (m->source, &st) < 0)
        return skiff_error_make (err, errno, "bind source %s", m->source);
      dir = S_ISDIR (st.st_mode);
    }
  if (m->copy_up_marker != NULL && skiff_sandbox_copy_up (root_fd, m, err) < 0)
    return -EIO;
  _cleanup_close_ int fd = skiff_rootfs_open_target (root_fd, m->target, dir, err);
  if (fd < 0)
    return fd;
  int r;
  bool remount = false;
  switch (m->kind)
    {
    case SKIFF_SANDBOX_MOUNT_BIND:
      r = skiff_mount_on_fd (m->source, fd, NULL, MS_BIND | MS_REC, NULL);
      remount = m->flags != 0;
      break;
    case SKIFF_SANDBOX_MOUNT_TMPFS:
      r = skiff_mount_on_fd ("tmpfs", fd, "tmpfs", m->flags, m->data);
      break;
    case SKIFF_SANDBOX_MOUNT_DEVPTS:
      {
        _cleanup_free_ char *data
            = m->data ? xasprintf ("newinstance,ptmxmode=0666,mode=620,%s", m->data)
                      : xstrdup ("newinstance,ptmxmode=0666,mode=620");
        r = skiff_mount_on_fd ("devpts", fd, "devpts", m->flags | MS_NOSUID | MS_NOEXEC, data);
        break;
      }
    case SKIFF_SANDBOX_MOUNT_OVERLAY:
    default:
      r = mount_overlay_dir (fd, m);
      break;
    }
  if (r < 0)
    return skiff_error_make (err, errno, "mount %s on %s",
                             m->source                              ? m->source
                             : m->kind == SKIFF_SANDBOX_MOUNT_TMPFS ? "tmpfs"
                                                                    : "devpts",
                             m->target);
  return finish_mount (root_fd, m, remount, err);
}

static const struct skiff_sandbox_mount *sort_base;

static int
cmp_depth (const void *a, const void *b)
{
  size_t da = path_depth (sort_base[*(const size_t *)a].target);
  size_t db = path_depth (sort_base[*(const size_t *)b].target);
  if (da != db)
    return da < db ? -1 : 1;
  return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

int
skiff_sandbox_mount_volumes (int root_fd, const struct skiff_sandbox_config *cfg,
                             struct skiff_error **err)
{
  if (cfg->nmounts == 0)
    return 0;
  /* parents before what is mounted inside them, as docker sorts them */
  _cleanup_free_ size_t *order = xmalloc (cfg->nmounts * sizeof *order);
  for (size_t i = 0; i < cfg->nmounts; i++)
    order[i] = i;
  sort_base = cfg->mounts;
  qsort (order, cfg->nmounts, sizeof *order, cmp_depth);
  for (size_t i = 0; i < cfg->nmounts; i++)
    {
      int r = mount_one (root_fd, &cfg->mounts[order[i]], err);
      if (r < 0)
        return r;
    }
  return 0;
}
