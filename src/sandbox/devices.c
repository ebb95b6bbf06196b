/* The container's /dev: a private tmpfs with the OCI default nodes (with --privileged every
 * host device too), devpts, shm, mqueue and the /proc/self/fd links (security-defaults.md §3). /dev
 * is resolved inside the rootfs; what follows happens in the fresh tmpfs, through its fd. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
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

/* --privileged: every device node of the host's /dev (runc's HostDevices: pts, shm, fd,
 * mqueue, console, ptmx -- the container's is pts/ptmx -- and dot-directories left out) with
 * its numbers, mode and owner; a name the defaults made stays theirs.  Real root makes them
 * (mknod), a user namespace bind-mounts the host's node over an empty file (podman rootless), so
 * the host's permissions still apply. */
static int
add_host_devices (int dev_fd, int host_fd, const char *prefix, bool rootless, int depth,
                  struct skiff_error **err)
{
  _cleanup_close_ int dup_fd = fcntl (host_fd, F_DUPFD_CLOEXEC, 3);
  DIR *d = dup_fd >= 0 ? fdopendir (dup_fd) : NULL;
  if (d == NULL)
    return skiff_error_make (err, errno, "read the host's /dev%s", prefix);
  dup_fd = -1; /* the stream owns it */
  int r = 0;
  for (struct dirent *e; r == 0 && (e = readdir (d)) != NULL;)
    {
      const char *n = e->d_name;
      struct stat st;
      if (n[0] == '.'
          || (depth == 0
              && (strcmp (n, "pts") == 0 || strcmp (n, "shm") == 0 || strcmp (n, "fd") == 0
                  || strcmp (n, "mqueue") == 0 || strcmp (n, "console") == 0
                  || strcmp (n, "ptmx") == 0))
          || fstatat (host_fd, n, &st, AT_SYMLINK_NOFOLLOW) < 0)
        continue;
      char rel[PATH_MAX];
      if (snprintf (rel, sizeof rel, "%s%s", prefix, n) >= (int)sizeof rel)
        continue;
      if (S_ISDIR (st.st_mode) && depth < 4)
        {
          _cleanup_close_ int sub
              = openat (host_fd, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          if (sub < 0 || (mkdirat (dev_fd, rel, 0755) < 0 && errno != EEXIST))
            continue;
          char sub_prefix[PATH_MAX + 1];
          if (snprintf (sub_prefix, sizeof sub_prefix, "%s/", rel) < (int)sizeof sub_prefix)
            r = add_host_devices (dev_fd, sub, sub_prefix, rootless, depth + 1, err);
          continue;
        }
      if (!S_ISCHR (st.st_mode) && !S_ISBLK (st.st_mode))
        continue;
      if (!rootless)
        {
          if (mknodat (dev_fd, rel, st.st_mode & (S_IFMT | 07777), st.st_rdev) < 0)
            {
              if (errno != EEXIST)
                r = skiff_error_make (err, errno, "mknod /dev/%s", rel);
              continue;
            }
          if (fchownat (dev_fd, rel, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
            r = skiff_error_make (err, errno, "chown /dev/%s", rel);
          continue;
        }
      _cleanup_close_ int fd
          = openat (dev_fd, rel, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
      char host[PATH_MAX + 8];
      snprintf (host, sizeof host, "/dev/%s", rel);
      if (fd >= 0 && skiff_mount_on_fd (host, fd, NULL, MS_BIND, NULL) < 0)
        r = skiff_error_make (err, errno, "bind %s on /dev/%s", host, rel);
    }
  closedir (d);
  return r;
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
skiff_sandbox_mount_dev (int root_fd, bool rootless, bool map_tty_gid, bool host_devices,
                         const struct skiff_sandbox_limits *limits, struct skiff_error **err)
{
  const unsigned long nse = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  _cleanup_close_ int dev_fd = mount_dev_tmpfs (root_fd, err);
  if (dev_fd < 0)
    return dev_fd;
  int r = make_nodes (dev_fd, rootless, err);
  if (r == 0)
    r = skiff_sandbox_add_devices (dev_fd, limits, rootless, err);
  if (r == 0 && host_devices)
    {
      /* still the host's /dev: the child has not pivoted yet */
      _cleanup_close_ int host = open ("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      r = host < 0 ? skiff_error_make (err, errno, "open the host's /dev")
                   : add_host_devices (dev_fd, host, "", rootless, 0, err);
    }
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
