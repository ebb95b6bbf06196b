/* Paths inside the container's rootfs before pivot_root.  The rootfs is the image's and the
 * container's: any component of a mount target may be a symlink they planted ("/etc ->
 * /host/dir", "/proc -> /"), and a plain path walk from the host would follow it out.  Every
 * target is opened with openat2 RESOLVE_IN_ROOT (symlinks resolve as if the rootfs were "/",
 * magic links refused), and mounts go onto the opened fd through /proc/self/fd/N, so the
 * kernel mounts exactly what was resolved. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

/* Kernels before openat2 (Linux 5.6): walk component by component and refuse any symlink. */
static int
open_nofollow_walk (int root_fd, const char *path, int flags)
{
  _cleanup_free_ char *copy = xstrdup (path);
  int dir = dup (root_fd);
  if (dir < 0)
    return -1;
  char *save = NULL;
  char *next = strtok_r (copy, "/", &save);
  while (next != NULL)
    {
      char *comp = next;
      next = strtok_r (NULL, "/", &save);
      int fl = next ? O_PATH | O_DIRECTORY : flags;
      if (strcmp (comp, "..") == 0)
        {
          close (dir);
          errno = EXDEV;
          return -1;
        }
      int fd = openat (dir, comp, fl | O_NOFOLLOW | O_CLOEXEC);
      int e = errno;
      close (dir);
      if (fd < 0)
        {
          errno = e;
          return -1;
        }
      dir = fd;
    }
  return dir;
}

int
skiff_rootfs_open (int root_fd, const char *path, int flags)
{
  while (*path == '/')
    path++;
  struct open_how how = { .flags = (unsigned)(flags | O_CLOEXEC),
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int fd;
  do
    fd = (int)syscall (SYS_openat2, root_fd, *path ? path : ".", &how, sizeof how);
  while (fd < 0 && errno == EAGAIN); /* a concurrent rename in the rootfs: retry */
  if (fd < 0 && errno == ENOSYS)
    fd = open_nofollow_walk (root_fd, path, flags);
  return fd;
}

/* Splits path into its parent (malloc'ed, "" for a top-level name) and last component. */
static char *
split_parent (const char *path, const char **base)
{
  const char *slash = strrchr (path, '/');
  *base = slash ? slash + 1 : path;
  return slash ? xstrndup (path, (size_t)(slash - path)) : xstrdup ("");
}

static int create_in_root (int root_fd, const char *path, bool dir, int depth);

/* base in parent_fd exists but did not resolve: a dangling symlink.  Creates what it points to,
 * inside the rootfs, as securejoin-based runtimes do. */
static int
create_link_target (int root_fd, int parent_fd, const char *parent, const char *base, bool dir,
                    int depth)
{
  char link[PATH_MAX];
  ssize_t n = readlinkat (parent_fd, base, link, sizeof link - 1);
  if (n <= 0)
    {
      errno = n == 0 ? ENOENT : errno == EINVAL ? EEXIST : errno;
      return -1;
    }
  link[n] = '\0';
  _cleanup_free_ char *target
      = link[0] == '/' || *parent == '\0' ? xstrdup (link) : xasprintf ("%s/%s", parent, link);
  return create_in_root (root_fd, target, dir, depth + 1);
}

/* Creates path's last component (a directory or an empty file) inside its resolved parent,
 * creating a missing parent the same way, and following a dangling symlink's target inside the
 * rootfs (at most 40 links, like the kernel). */
static int
create_in_root (int root_fd, const char *path, bool dir, int depth)
{
  if (depth > 40)
    {
      errno = ELOOP;
      return -1;
    }
  while (*path == '/')
    path++;
  const char *base;
  _cleanup_free_ char *parent = split_parent (path, &base);
  _cleanup_close_ int pfd = skiff_rootfs_open (root_fd, parent, O_PATH | O_DIRECTORY);
  if (pfd < 0 && errno == ENOENT && *parent
      && create_in_root (root_fd, parent, true, depth + 1) == 0)
    pfd = skiff_rootfs_open (root_fd, parent, O_PATH | O_DIRECTORY);
  if (pfd < 0)
    return -1;
  if (strcmp (base, "..") == 0 || strcmp (base, ".") == 0 || *base == '\0')
    {
      errno = EINVAL;
      return -1;
    }
  int fd = dir ? mkdirat (pfd, base, 0755)
               : openat (pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    return errno == EEXIST ? create_link_target (root_fd, pfd, parent, base, dir, depth) : -1;
  if (!dir)
    close (fd);
  return 0;
}

int
skiff_rootfs_open_target (int root_fd, const char *path, bool dir, struct skiff_error **err)
{
  int flags = O_PATH | (dir ? O_DIRECTORY : 0);
  int fd = skiff_rootfs_open (root_fd, path, flags);
  if (fd < 0 && errno == ENOENT && create_in_root (root_fd, path, dir, 0) == 0)
    fd = skiff_rootfs_open (root_fd, path, flags);
  if (fd < 0)
    {
      if (errno == ENOENT) /* a dangling symlink, or one to a path that cannot be created */
        return skiff_error_make (err, errno,
                                 "mount target /%s does not resolve inside the "
                                 "container",
                                 path);
      if (errno == ENOTDIR && dir)
        return skiff_error_make (err, errno, "mount target /%s is not a directory", path);
      return skiff_error_make (err, errno, "open mount target /%s in the container", path);
    }
  return fd;
}

void
skiff_fd_path (char buf[SKIFF_FD_PATH_MAX], int fd)
{
  snprintf (buf, SKIFF_FD_PATH_MAX, "/proc/self/fd/%d", fd);
}

int
skiff_mount_on_fd (const char *src, int fd, const char *type, unsigned long flags, const char *data)
{
  char target[SKIFF_FD_PATH_MAX];
  skiff_fd_path (target, fd);
  return mount (src, target, type, flags, data);
}
