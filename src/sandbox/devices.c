/* The container's /dev: a private tmpfs with the OCI default nodes, devpts, shm, mqueue and the
 * /proc/self/fd links (security-defaults.md §3).  /dev is resolved inside the rootfs; what
 * follows happens in the fresh tmpfs, through its fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"

struct dev_node
{
  const char *name;
  unsigned maj, min;
};

static const struct dev_node nodes[] = {
  { "null", 1, 3 },   { "zero", 1, 5 },    { "full", 1, 7 },
  { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const char *const links[][2] = {
  { "fd", "/proc/self/fd" },       { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" }, { "ptmx", "pts/ptmx" },
};

/* A user namespace cannot mknod: bind the host's node over an empty file instead. */
static int
bind_host_node (int dev_fd, const char *name, struct skiff_error **err)
{
  char host[64];
  snprintf (host, sizeof host, "/dev/%s", name);
  _cleanup_close_ int fd
      = openat (dev_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0)
    return skiff_error_make (err, errno, "create /dev/%s", name);
  if (skiff_mount_on_fd (host, fd, NULL, MS_BIND, NULL) < 0)
    return skiff_error_make (err, errno, "bind %s on /dev/%s", host, name);
  return 0;
}

static int
make_nodes (int dev_fd, bool rootless, struct skiff_error **err)
{
  for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
    {
      const char *name = nodes[i].name;
      if (!rootless
          && mknodat (dev_fd, name, S_IFCHR | 0666, makedev (nodes[i].maj, nodes[i].min)) == 0)
        continue;
      if (!rootless && errno != EPERM)
        return skiff_error_make (err, errno, "mknod /dev/%s", name);
      int r = bind_host_node (dev_fd, name, err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* A file system on /dev/<name>, a fresh directory of the /dev tmpfs (no symlink can be there). */
static int
mount_sub (int dev_fd, const char *name, const char *type, unsigned long flags, const char *data,
           bool optional, struct skiff_error **err)
{
  if (mkdirat (dev_fd, name, 0755) < 0)
    return skiff_error_make (err, errno, "mkdir /dev/%s", name);
  _cleanup_close_ int fd = openat (dev_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open /dev/%s", name);
  if (skiff_mount_on_fd (type, fd, type, flags, data) < 0 && !optional)
    return skiff_error_make (err, errno, "mount %s on /dev/%s", type, name);
  return 0;
}

/* The tmpfs on the rootfs's /dev (resolved inside it); returns an fd of the mounted tmpfs. */
static int
mount_dev_tmpfs (int root_fd, struct skiff_error **err)
{
  _cleanup_close_ int target = skiff_rootfs_open_target (root_fd, "dev", true, err);
  if (target < 0)
    return target;
  if (skiff_mount_on_fd ("tmpfs", target, "tmpfs", MS_NOSUID | MS_STRICTATIME,
                         "mode=755,size=65536k")
      < 0)
    return skiff_error_make (err, errno, "mount tmpfs on /dev");
  /* the path now ends on the tmpfs; target still names the directory under it */
  int fd = skiff_rootfs_open (root_fd, "dev", O_PATH | O_DIRECTORY);
  if (fd < 0)
    return skiff_error_make (err, errno, "open /dev");
  return fd;
}

int
skiff_sandbox_mount_dev (int root_fd, bool rootless, bool map_tty_gid,
                         const struct skiff_sandbox_limits *limits, struct skiff_error **err)
{
  const unsigned long nse = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  _cleanup_close_ int dev_fd = mount_dev_tmpfs (root_fd, err);
  if (dev_fd < 0)
    return dev_fd;
  int r = make_nodes (dev_fd, rootless, err);
  if (r == 0)
    r = skiff_sandbox_add_devices (dev_fd, limits, rootless, err);
  if (r < 0)
    return r;
  const char *pts_opts = map_tty_gid ? "newinstance,ptmxmode=0666,mode=0620,gid=5"
                                     : "newinstance,ptmxmode=0666,mode=0620";
  if ((r = mount_sub (dev_fd, "pts", "devpts", MS_NOSUID | MS_NOEXEC, pts_opts, false, err)) < 0
      || (r = skiff_sandbox_mount_shm (dev_fd, limits, err)) < 0
      /* mqueue is a nicety: a user namespace may refuse it */
      || (r = mount_sub (dev_fd, "mqueue", "mqueue", nse, NULL, rootless, err)) < 0)
    return r;
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    if (symlinkat (links[i][1], dev_fd, links[i][0]) < 0)
      return skiff_error_make (err, errno, "symlink /dev/%s", links[i][0]);
  return 0;
}
