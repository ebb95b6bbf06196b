/* `export`: a directory tree (a container's merged rootfs, seen through a read-only overlay
 * view) written as one tar stream: every entry relative, directories with a trailing '/', hard
 * links as links, xattrs kept, in sorted order.  The tree is the container's, which may still
 * run: every directory is opened beneath the root with no symlink followed, files with
 * O_NOFOLLOW, so a swapped-in symlink is read as the link it is.  No user or group names are
 * looked up (that would read the container's /etc/passwd through NSS). */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

SKIFF_DEFINE_CLEANUP (archive_entry_freep, struct archive_entry *, archive_entry_free)
#define _cleanup_archive_entry_ __attribute__ ((cleanup (archive_entry_freep)))

#define COPY_BUF (256 * 1024)
#define XATTR_LIST_MAX_BYTES 65536

struct tree_tar
{
  int root_fd;
  const char *prefix; /* archive names are prefix/rel (cp: the source's base name); NULL: rel */
  struct archive *a;
  struct archive_entry_linkresolver *links;
  char *buf;
};

static int
archive_fail (struct tree_tar *t, const char *rel, struct skiff_error **err)
{
  int e = archive_errno (t->a);
  return skiff_error_make (err, e > 0 ? e : EIO, "export: /%s: %s", rel,
                           archive_error_string (t->a) ? archive_error_string (t->a) : "write");
}

/* The file's xattrs but overlay's own (hidden by a mount anyway). */
static void
add_xattrs (struct archive_entry *e, int fd)
{
  char names[XATTR_LIST_MAX_BYTES];
  ssize_t len = flistxattr (fd, names, sizeof names);
  for (ssize_t off = 0; len > 0 && off < len; off += (ssize_t)strlen (names + off) + 1)
    {
      const char *name = names + off;
      if (strncmp (name, "trusted.overlay.", 16) == 0 || strncmp (name, "user.overlay.", 13) == 0)
        continue;
      char value[XATTR_LIST_MAX_BYTES];
      ssize_t vlen = fgetxattr (fd, name, value, sizeof value);
      if (vlen >= 0)
        archive_entry_xattr_add_entry (e, name, value, (size_t)vlen);
    }
}

static int
write_data (struct tree_tar *t, int fd, const char *rel, int64_t size, struct skiff_error **err)
{
  int64_t left = size;
  while (left > 0)
    {
      ssize_t n = read (fd, t->buf, COPY_BUF);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "export: read /%s", rel);
      if (n == 0) /* shrank while read: the header promised size bytes, pad with zeros */
        {
          memset (t->buf, 0, COPY_BUF);
          n = left < COPY_BUF ? (ssize_t)left : COPY_BUF;
        }
      if (n > left)
        n = (ssize_t)left;
      if (archive_write_data (t->a, t->buf, (size_t)n) != n)
        return archive_fail (t, rel, err);
      left -= n;
    }
  return 0;
}

/* One entry: its header (a hard link when its inode was written already), then its data. */
static int
write_entry (struct tree_tar *t, int dir_fd, const char *name, const char *rel,
             const struct stat *st, struct skiff_error **err)
{
  _cleanup_close_ int fd = -1;
  if (S_ISREG (st->st_mode) || S_ISDIR (st->st_mode))
    {
      fd = openat (dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT)
        return 0; /* removed meanwhile */
      if (fd < 0)
        return skiff_error_make (err, errno, "export: open /%s", rel);
    }
  struct archive_entry *e = archive_entry_new ();
  _cleanup_free_ char *name_in_tar = t->prefix == NULL ? xstrdup (rel)
                                     : *rel            ? xasprintf ("%s/%s", t->prefix, rel)
                                                       : xstrdup (t->prefix);
  _cleanup_free_ char *path
      = S_ISDIR (st->st_mode) ? xasprintf ("%s/", name_in_tar) : xstrdup (name_in_tar);
  archive_entry_copy_stat (e, st);
  archive_entry_set_pathname (e, path);
  if (S_ISLNK (st->st_mode))
    {
      char target[PATH_MAX];
      ssize_t n = readlinkat (dir_fd, name, target, sizeof target - 1);
      if (n < 0)
        {
          archive_entry_free (e);
          return skiff_error_make (err, errno, "export: readlink /%s", rel);
        }
      target[n] = '\0';
      archive_entry_set_symlink (e, target);
    }
  if (fd >= 0)
    add_xattrs (e, fd);
  struct archive_entry *spare = NULL;
  if (!S_ISDIR (st->st_mode))
    archive_entry_linkify (t->links, &e, &spare);
  int r = 0;
  if (e != NULL && archive_write_header (t->a, e) < ARCHIVE_WARN)
    r = archive_fail (t, rel, err);
  else if (e != NULL && S_ISREG (st->st_mode) && archive_entry_size (e) > 0)
    r = write_data (t, fd, rel, archive_entry_size (e), err);
  archive_entry_free (e);
  archive_entry_free (spare);
  return r;
}

static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The sorted names of the directory rel. */
static int
list_dir (struct tree_tar *t, const char *rel, int *dir_fd, char ***names, struct skiff_error **err)
{
  int fd = skiff_fs_open_beneath (t->root_fd, rel, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return skiff_error_make (err, errno, "export: open /%s", rel);
  int list_fd = dup (fd);
  DIR *d = list_fd >= 0 ? fdopendir (list_fd) : NULL;
  if (d == NULL)
    {
      int e = errno;
      close (fd);
      if (list_fd >= 0)
        close (list_fd);
      return skiff_error_make (err, e, "export: read /%s", rel);
    }
  _cleanup_strv_builder_ struct skiff_strv_builder b = { 0 };
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      skiff_strv_builder_push (&b, de->d_name);
  closedir (d);
  *names = skiff_strv_builder_steal (&b);
  if (*names == NULL)
    *names = xzalloc (sizeof **names);
  qsort (*names, skiff_strv_len (*names), sizeof **names, by_name);
  *dir_fd = fd;
  return 0;
}

static int
write_dir (struct tree_tar *t, const char *rel, struct skiff_error **err)
{
  _cleanup_strv_ char **names = NULL;
  _cleanup_close_ int dir_fd = -1;
  int r = list_dir (t, rel, &dir_fd, &names, err);
  for (size_t i = 0; r == 0 && names[i]; i++)
    {
      _cleanup_free_ char *child = *rel ? xasprintf ("%s/%s", rel, names[i]) : xstrdup (names[i]);
      struct stat st;
      if (fstatat (dir_fd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
          if (errno == ENOENT)
            continue;
          return skiff_error_make (err, errno, "export: stat /%s", child);
        }
      if (S_ISSOCK (st.st_mode))
        continue; /* tar has no sockets */
      r = write_entry (t, dir_fd, names[i], child, &st, err);
      if (r == 0 && S_ISDIR (st.st_mode))
        r = write_dir (t, child, err);
    }
  return r;
}

static int
tar_begin (struct tree_tar *t, int out_fd, struct skiff_error **err)
{
  t->a = archive_write_new ();
  t->buf = xmalloc (COPY_BUF);
  t->links = archive_entry_linkresolver_new ();
  if (t->a == NULL || t->links == NULL
      || archive_write_set_format_pax_restricted (t->a) != ARCHIVE_OK
      || archive_write_set_bytes_in_last_block (t->a, 1) != ARCHIVE_OK
      || archive_write_open_fd (t->a, out_fd) != ARCHIVE_OK)
    return skiff_error_make (err, t->a ? archive_errno (t->a) : ENOMEM, "tar: start the archive");
  archive_entry_linkresolver_set_strategy (t->links, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
  return 0;
}

static int
tar_end (struct tree_tar *t, int r, struct skiff_error **err)
{
  if (r == 0 && archive_write_close (t->a) != ARCHIVE_OK)
    r = archive_fail (t, "", err);
  if (t->links)
    archive_entry_linkresolver_free (t->links);
  if (t->a)
    archive_write_free (t->a);
  free (t->buf);
  return r;
}

int
skiff_container_tree_tar (int root_fd, int out_fd, struct skiff_error **err)
{
  struct tree_tar t = { .root_fd = root_fd };
  int r = tar_begin (&t, out_fd, err);
  if (r == 0)
    r = write_dir (&t, "", err);
  return tar_end (&t, r, err);
}

/* A source that is not a directory, from its O_PATH fd: a symlink's own target (readlinkat of
 * the fd itself), a file's data through a reopening of our own fd. */
static int
write_single (struct tree_tar *t, int src, const char *path, const struct stat *st,
              struct skiff_error **err)
{
  _cleanup_archive_entry_ struct archive_entry *e = archive_entry_new ();
  archive_entry_copy_stat (e, st);
  archive_entry_set_pathname (e, t->prefix);
  _cleanup_close_ int data = -1;
  if (S_ISLNK (st->st_mode))
    {
      char target[PATH_MAX];
      ssize_t n = readlinkat (src, "", target, sizeof target - 1);
      if (n < 0)
        return skiff_error_make (err, errno, "readlink %s", path);
      target[n] = '\0';
      archive_entry_set_symlink (e, target);
    }
  else if (S_ISREG (st->st_mode))
    {
      _cleanup_free_ char *self = xasprintf ("/proc/self/fd/%d", src);
      if ((data = open (self, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
        return skiff_error_make (err, errno, "open %s", path);
      add_xattrs (e, data);
    }
  if (archive_write_header (t->a, e) < ARCHIVE_WARN)
    return archive_fail (t, path + strspn (path, "/"), err);
  if (data >= 0 && st->st_size > 0)
    return write_data (t, data, path + strspn (path, "/"), st->st_size, err);
  return 0;
}

/* The name docker's cp archives a source under (the daemon's rebase name, Base of the path):
 * "/x/" is "x"; "/x/." and "/" are ".", which stands for the directory's contents. */
static char *
source_base (const char *path)
{
  _cleanup_free_ char *p = xstrdup (path);
  size_t n = strlen (p);
  while (n > 1 && p[n - 1] == '/')
    p[--n] = '\0';
  const char *slash = strrchr (p, '/');
  const char *base = slash ? slash + 1 : p;
  return xstrdup (*base && strcmp (p, "/") != 0 ? base : ".");
}

int
skiff_container_path_tar (int root_fd, const char *path, bool follow, const char *name, int out_fd,
                          struct skiff_error **err)
{
  /* inside the root: ".." and absolute symlinks stay in it (RESOLVE_IN_ROOT) */
  struct open_how how = { .flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  const char *rel = path + strspn (path, "/");
  int fd = (int)syscall (SYS_openat2, root_fd, *rel ? rel : ".", &how, sizeof how);
  if (fd < 0)
    return errno == ENOENT || errno == ENOTDIR
               ? skiff_error_make_status (err, 1, 0, "Could not find the file %s in container %s",
                                          path, name)
               : skiff_error_make (err, errno, "open %s in container %s", path, name);
  _cleanup_close_ int src = fd;
  struct stat st;
  if (fstat (src, &st) < 0)
    return skiff_error_make (err, errno, "stat %s", path);
  _cleanup_free_ char *base = source_base (path);
  struct tree_tar t = { .prefix = base };
  int r = tar_begin (&t, out_fd, err);
  if (r == 0 && S_ISDIR (st.st_mode))
    {
      /* the directory itself, then what is in it, its fd the walk's root */
      if ((t.root_fd = openat (src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        r = skiff_error_make (err, errno, "open %s", path);
      if (r == 0)
        r = write_entry (&t, t.root_fd, ".", "", &st, err);
      if (r == 0)
        r = write_dir (&t, "", err);
      if (t.root_fd >= 0)
        close (t.root_fd);
    }
  else if (r == 0)
    r = write_single (&t, src, path, &st, err);
  return tar_end (&t, r, err);
}
