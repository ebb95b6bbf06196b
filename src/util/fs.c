#include "skiff/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/xalloc.h"

int
skiff_fs_mkdir_p (const char *path, mode_t mode, struct skiff_error **err)
{
  if (mkdir (path, mode) == 0 || errno == EEXIST)
    {
      struct stat st;
      if (errno == EEXIST && (stat (path, &st) < 0 || !S_ISDIR (st.st_mode)))
        return skiff_error_make (err, ENOTDIR, "mkdir %s", path);
      return 0;
    }
  if (errno != ENOENT)
    return skiff_error_make (err, errno, "mkdir %s", path);

  _cleanup_free_ char *copy = xstrdup (path);
  for (char *p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return skiff_error_make (err, errno, "mkdir %s", copy);
      *p = '/';
    }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return skiff_error_make (err, errno, "mkdir %s", copy);
  return 0;
}

static int
write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

int
skiff_fs_fsync_parent (const char *path, struct skiff_error **err)
{
  _cleanup_free_ char *dir = xstrdup (path);
  char *slash = strrchr (dir, '/');
  if (slash == NULL)
    return 0;
  *slash = '\0';
  _cleanup_close_ int fd = open (*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", dir);
  if (fsync (fd) < 0)
    return skiff_error_make (err, errno, "fsync %s", dir);
  return 0;
}

int
skiff_fs_write_atomic (const char *path, const void *data, size_t len, mode_t mode, unsigned flags,
                       struct skiff_error **err)
{
  _cleanup_free_ char *tmp = xasprintf ("%s.tmp.%d", path, (int)getpid ());
  _cleanup_close_ int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", tmp);
  if (write_all (fd, data, len) < 0)
    {
      int e = errno;
      unlink (tmp);
      return skiff_error_make (err, e, "write %s", tmp);
    }
  if ((flags & SKIFF_WRITE_DURABLE) && fsync (fd) < 0)
    {
      int e = errno;
      unlink (tmp);
      return skiff_error_make (err, e, "fsync %s", tmp);
    }
  if (rename (tmp, path) < 0)
    {
      int e = errno;
      unlink (tmp);
      return skiff_error_make (err, e, "rename %s to %s", tmp, path);
    }
  if (flags & SKIFF_WRITE_DURABLE)
    return skiff_fs_fsync_parent (path, err);
  return 0;
}

int
skiff_fs_write_exclusive (const char *path, const void *data, size_t len, mode_t mode,
                          struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  if (write_all (fd, data, len) < 0)
    {
      int e = errno;
      unlink (path);
      return skiff_error_make (err, e, "write %s", path);
    }
  return 0;
}

int
skiff_fs_read_fd (int fd, const char *name, char **out, size_t *len, struct skiff_error **err)
{
  size_t cap = 4096, used = 0;
  _cleanup_free_ char *buf = xmalloc (cap);
  for (;;)
    {
      if (used + 1 >= cap)
        {
          cap *= 2;
          buf = xrealloc (buf, cap);
        }
      ssize_t n = read (fd, buf + used, cap - used - 1);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return skiff_error_make (err, errno, "read %s", name);
        }
      if (n == 0)
        break;
      used += (size_t)n;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_ptr (&buf);
  return 0;
}

int
skiff_fs_read_file (const char *path, char **out, size_t *len, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  return skiff_fs_read_fd (fd, path, out, len, err);
}

static int
rm_rf_at (int parent_fd, const char *name, dev_t dev, const char *path, struct skiff_error **err)
{
  struct stat st;
  if (fstatat (parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return skiff_error_make (err, errno, "stat %s", path);
    }
  if (!S_ISDIR (st.st_mode))
    {
      if (unlinkat (parent_fd, name, 0) < 0 && errno != ENOENT)
        return skiff_error_make (err, errno, "unlink %s", path);
      return 0;
    }
  if (st.st_dev != dev)
    return skiff_error_make (err, EBUSY, "remove %s: a file system is mounted there", path);

  int fd = openat (parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return skiff_error_make (err, errno, "opendir %s", path);
    }
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      /* Known non-directories go straight away: saves a stat per file (run --rm speed). */
      if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN
          && (unlinkat (dirfd (d), de->d_name, 0) == 0 || errno == ENOENT))
        continue;
      _cleanup_free_ char *child = xasprintf ("%s/%s", path, de->d_name);
      int r = rm_rf_at (dirfd (d), de->d_name, dev, child, err);
      if (r < 0)
        return r;
    }
  if (unlinkat (parent_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return skiff_error_make (err, errno, "rmdir %s", path);
  return 0;
}

int
skiff_fs_rm_rf (const char *path, struct skiff_error **err)
{
  struct stat st;
  if (lstat (path, &st) < 0)
    {
      if (errno == ENOENT)
        return 0;
      return skiff_error_make (err, errno, "stat %s", path);
    }
  return rm_rf_at (AT_FDCWD, path, st.st_dev, path, err);
}

bool
skiff_fs_exists (const char *path)
{
  return access (path, F_OK) == 0;
}

char *
skiff_path_join (const char *a, const char *b)
{
  size_t la = strlen (a);
  while (la > 1 && a[la - 1] == '/')
    la--;
  while (*b == '/')
    b++;
  if (la == 1 && a[0] == '/')
    la = 0;
  return xasprintf ("%.*s/%s", (int)la, a, b);
}

int
skiff_fs_write_all (int fd, const void *data, size_t len, const char *name,
                    struct skiff_error **err)
{
  if (write_all (fd, data, len) < 0)
    return skiff_error_make (err, errno, "write %s", name);
  return 0;
}

int
skiff_fs_open_beneath (int root_fd, const char *rel, int flags)
{
  struct open_how how
      = { .flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW),
          .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
  return (int)syscall (SYS_openat2, root_fd, *rel ? rel : ".", &how, sizeof how);
}
