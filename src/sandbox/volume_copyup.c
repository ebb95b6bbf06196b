/* A fresh volume takes the image's content at its mount point (docker's copy-up: owners, modes
 * and times kept), and `-v ...:U` chowns a mounted tree to the container's user (podman).  The
 * walks go by fd, never follow a symlink (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW) and stay on one
 * file system: what the image or the volume holds cannot lead them anywhere else. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "sandbox/sandbox-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/sandbox.h"
#include "skiff/xalloc.h"

#define MAX_DEPTH 256

/* A directory stream of its own over fd (which stays open and where it was). */
static DIR *
dir_stream (int fd)
{
  int dup_fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
  DIR *d = dup_fd >= 0 ? fdopendir (dup_fd) : NULL;
  if (d == NULL && dup_fd >= 0)
    close (dup_fd);
  return d;
}

static int copy_dir (int sfd, int dfd, dev_t dev, int depth, struct skiff_error **err);

static int
copy_file (int sfd, int dfd, const char *name, const struct stat *st, struct skiff_error **err)
{
  _cleanup_close_ int in = openat (sfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0)
    return skiff_error_make (err, errno, "copy-up: open %s", name);
  _cleanup_close_ int out
      = openat (dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (out < 0)
    return skiff_error_make (err, errno, "copy-up: create %s", name);
  char buf[65536];
  ssize_t n;
  while ((n = read (in, buf, sizeof buf)) > 0)
    if (skiff_fs_write_all (out, buf, (size_t)n, name, err) < 0)
      return -EIO;
  if (n < 0)
    return skiff_error_make (err, errno, "copy-up: read %s", name);
  struct timespec times[2] = { st->st_atim, st->st_mtim };
  if (fchown (out, st->st_uid, st->st_gid) < 0 || fchmod (out, st->st_mode & 07777) < 0
      || futimens (out, times) < 0)
    return skiff_error_make (err, errno, "copy-up: set the owner and mode of %s", name);
  return 0;
}

static int
copy_entry (int sfd, int dfd, const char *name, dev_t dev, int depth, struct skiff_error **err)
{
  struct stat st;
  if (fstatat (sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return skiff_error_make (err, errno, "copy-up: stat %s", name);
  if (st.st_dev != dev)
    return 0; /* a mount point: not the image's content */
  if (S_ISREG (st.st_mode))
    return copy_file (sfd, dfd, name, &st, err);
  if (S_ISDIR (st.st_mode))
    {
      if (mkdirat (dfd, name, 0700) < 0)
        return skiff_error_make (err, errno, "copy-up: mkdir %s", name);
      _cleanup_close_ int s = openat (sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      _cleanup_close_ int d = openat (dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s < 0 || d < 0)
        return skiff_error_make (err, errno, "copy-up: open %s", name);
      int r = copy_dir (s, d, dev, depth + 1, err);
      struct timespec times[2] = { st.st_atim, st.st_mtim };
      if (r == 0
          && (fchown (d, st.st_uid, st.st_gid) < 0 || fchmod (d, st.st_mode & 07777) < 0
              || futimens (d, times) < 0))
        r = skiff_error_make (err, errno, "copy-up: set the owner and mode of %s", name);
      return r;
    }
  if (S_ISLNK (st.st_mode))
    {
      char link[PATH_MAX];
      ssize_t n = readlinkat (sfd, name, link, sizeof link - 1);
      if (n < 0)
        return skiff_error_make (err, errno, "copy-up: readlink %s", name);
      link[n] = '\0';
      if (symlinkat (link, dfd, name) < 0
          || fchownat (dfd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return skiff_error_make (err, errno, "copy-up: symlink %s", name);
      return 0;
    }
  /* fifos, sockets, devices; a user namespace may not make devices: those are left out */
  if (mknodat (dfd, name, st.st_mode, st.st_rdev) < 0)
    return errno == EPERM ? 0 : skiff_error_make (err, errno, "copy-up: mknod %s", name);
  if (fchownat (dfd, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return skiff_error_make (err, errno, "copy-up: chown %s", name);
  return 0;
}

static int
copy_dir (int sfd, int dfd, dev_t dev, int depth, struct skiff_error **err)
{
  if (depth > MAX_DEPTH)
    return skiff_error_make (err, ELOOP, "copy-up: more than %d directory levels", MAX_DEPTH);
  DIR *d = dir_stream (sfd);
  if (d == NULL)
    return skiff_error_make (err, errno, "copy-up: read a directory");
  int r = 0;
  for (struct dirent *e; r == 0 && (e = readdir (d)) != NULL;)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      r = copy_entry (sfd, dfd, e->d_name, dev, depth, err);
  closedir (d);
  return r;
}

static bool
dir_is_empty (int fd)
{
  DIR *d = dir_stream (fd);
  if (d == NULL)
    return false;
  bool empty = true;
  for (struct dirent *e; empty && (e = readdir (d)) != NULL;)
    empty = strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0;
  closedir (d);
  return empty;
}

int
skiff_sandbox_copy_up (int root_fd, const struct skiff_sandbox_mount *m, struct skiff_error **err)
{
  struct stat root_st, st;
  _cleanup_close_ int src = skiff_rootfs_open (root_fd, m->target, O_RDONLY | O_DIRECTORY);
  _cleanup_close_ int dst = open (m->source, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dst < 0)
    return skiff_error_make (err, errno, "open volume %s", m->source);
  /* containers starting at once with a fresh volume: one copies, the others find it done */
  if (flock (dst, LOCK_EX) < 0)
    return skiff_error_make (err, errno, "lock volume %s", m->source);
  if (access (m->copy_up_marker, F_OK) == 0)
    return 0;
  int r = 0;
  if (src >= 0 && fstat (root_fd, &root_st) == 0 && fstat (src, &st) == 0
      && st.st_dev == root_st.st_dev && dir_is_empty (dst))
    {
      r = copy_dir (src, dst, st.st_dev, 0, err);
      if (r == 0
          && (fchown (dst, st.st_uid, st.st_gid) < 0 || fchmod (dst, st.st_mode & 07777) < 0))
        r = skiff_error_make (err, errno, "copy-up: set the owner and mode of %s", m->source);
      if (r < 0)
        return skiff_error_prefix (err, "populate volume at %s", m->target);
    }
  /* the first mount decides: an image without the directory, or a volume with data, is done */
  _cleanup_close_ int mk
      = open (m->copy_up_marker, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (mk < 0)
    return skiff_error_make (err, errno, "create %s", m->copy_up_marker);
  return 0;
}

static int
chown_tree (int fd, uid_t uid, gid_t gid, dev_t dev, int depth, struct skiff_error **err)
{
  if (fchown (fd, uid, gid) < 0)
    return skiff_error_make (err, errno, "chown a mounted directory");
  if (depth > MAX_DEPTH)
    return skiff_error_make (err, ELOOP, "chown: more than %d directory levels", MAX_DEPTH);
  DIR *d = dir_stream (fd);
  if (d == NULL)
    return skiff_error_make (err, errno, "chown: read a directory");
  int r = 0;
  for (struct dirent *e; r == 0 && (e = readdir (d)) != NULL;)
    {
      struct stat st;
      if (strcmp (e->d_name, ".") == 0 || strcmp (e->d_name, "..") == 0)
        continue;
      if (fstatat (fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        r = skiff_error_make (err, errno, "chown: stat %s", e->d_name);
      else if (st.st_dev != dev)
        continue;
      else if (S_ISDIR (st.st_mode))
        {
          _cleanup_close_ int sub
              = openat (fd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
          r = sub < 0 ? skiff_error_make (err, errno, "chown: open %s", e->d_name)
                      : chown_tree (sub, uid, gid, dev, depth + 1, err);
        }
      else if (fchownat (fd, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        r = skiff_error_make (err, errno, "chown %s", e->d_name);
    }
  closedir (d);
  return r;
}

int
skiff_sandbox_chown_mounts (const struct skiff_sandbox_config *cfg, struct skiff_error **err)
{
  bool any = false;
  for (size_t i = 0; i < cfg->nmounts; i++)
    any |= cfg->mounts[i].chown;
  if (!any)
    return 0;
  struct skiff_exec_user u = { 0 };
  int r = skiff_user_resolve (cfg->user, cfg->group_add, "/etc/passwd", "/etc/group", &u, err);
  for (size_t i = 0; r == 0 && i < cfg->nmounts; i++)
    {
      if (!cfg->mounts[i].chown)
        continue;
      _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      _cleanup_close_ int fd
          = root < 0 ? -1 : skiff_rootfs_open (root, cfg->mounts[i].target, O_RDONLY | O_NOFOLLOW);
      struct stat st;
      if (fd < 0 || fstat (fd, &st) < 0)
        r = skiff_error_make (err, errno, "open %s", cfg->mounts[i].target);
      else if (S_ISDIR (st.st_mode))
        r = chown_tree (fd, u.uid, u.gid, st.st_dev, 0, err);
      else if (fchown (fd, u.uid, u.gid) < 0)
        r = skiff_error_make (err, errno, "chown %s", cfg->mounts[i].target);
      if (r < 0)
        skiff_error_prefix (err, "-v %s:U", cfg->mounts[i].target);
    }
  skiff_exec_user_clear (&u);
  return r;
}
