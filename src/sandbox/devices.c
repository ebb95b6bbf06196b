/* The container's /dev: a private tmpfs with the OCI default nodes, devpts, shm, mqueue and the
 * /proc/self/fd links (security-defaults.md §3).  Runs relative to the rootfs (cwd). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
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
bind_host_node (const char *name, const char *path, struct skiff_error **err)
{
  char host[64];
  snprintf (host, sizeof host, "/dev/%s", name);
  int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0)
    return skiff_error_make (err, errno, "create /%s", path);
  close (fd);
  if (mount (host, path, NULL, MS_BIND, NULL) < 0)
    return skiff_error_make (err, errno, "bind %s on /%s", host, path);
  return 0;
}

static int
make_nodes (const char *dev, bool rootless, struct skiff_error **err)
{
  for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "%s/%s", dev, nodes[i].name);
      if (!rootless && mknod (path, S_IFCHR | 0666, makedev (nodes[i].maj, nodes[i].min)) == 0)
        continue;
      if (!rootless && errno != EPERM)
        return skiff_error_make (err, errno, "mknod /%s", path);
      int r = bind_host_node (nodes[i].name, path, err);
      if (r < 0)
        return r;
    }
  return 0;
}

static int
mount_sub (const char *dev, const char *name, const char *type, unsigned long flags,
           const char *data, bool optional, struct skiff_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "%s/%s", dev, name);
  if (mkdir (path, 0755) < 0)
    return skiff_error_make (err, errno, "mkdir /%s", path);
  if (mount (type, path, type, flags, data) < 0 && !optional)
    return skiff_error_make (err, errno, "mount %s on /%s", type, path);
  return 0;
}

int
skiff_sandbox_mount_dev (const char *dev, bool rootless, bool map_tty_gid, struct skiff_error **err)
{
  const unsigned long nse = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (mount ("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0
      && (errno != ENOENT || mkdir (dev, 0755) < 0
          || mount ("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0))
    return skiff_error_make (err, errno, "mount tmpfs on /%s", dev);
  int r = make_nodes (dev, rootless, err);
  if (r < 0)
    return r;
  const char *pts_opts = map_tty_gid ? "newinstance,ptmxmode=0666,mode=0620,gid=5"
                                     : "newinstance,ptmxmode=0666,mode=0620";
  if ((r = mount_sub (dev, "pts", "devpts", MS_NOSUID | MS_NOEXEC, pts_opts, false, err)) < 0
      || (r = mount_sub (dev, "shm", "tmpfs", nse, "mode=1777,size=65536k", false, err)) < 0
      /* mqueue is a nicety: a user namespace may refuse it */
      || (r = mount_sub (dev, "mqueue", "mqueue", nse, NULL, rootless, err)) < 0)
    return r;
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    {
      char path[64];
      snprintf (path, sizeof path, "%s/%s", dev, links[i][0]);
      if (symlink (links[i][1], path) < 0)
        return skiff_error_make (err, errno, "symlink /%s", path);
    }
  return 0;
}
