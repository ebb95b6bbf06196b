/* Layer pack (save): a layer diff dir back into a tar changeset, overlay whiteouts turned
 * back into their tar form (0:0 char device -> .wh.<name>, opaque xattr -> .wh..wh..opq).
 * Entries are written in sorted order so the same layer always packs to the same bytes.
 * The dir may belong to a running container (commit without -p), which can swap any of its
 * dirs for a symlink while we walk: every entry is opened beneath the root with no symlink
 * followed (openat2), and then read through that fd only, so nothing outside is ever read. */
#include "image-internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define COPY_BUF (256 * 1024)

struct pack
{
  struct archive *a;
  struct archive_entry_linkresolver *links;
  struct skiff_sha256 *hash;
  int out_fd;
  const char *root;
  int root_fd; /* O_PATH of root */
  char *buf;
  int64_t size;
};

static la_ssize_t
pack_write (struct archive *a, void *data, const void *buf, size_t len)
{
  struct pack *p = data;
  size_t off = 0;
  while (off < len)
    {
      ssize_t n = write (p->out_fd, (const char *)buf + off, len - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          archive_set_error (a, errno, "write: %s", strerror (errno));
          return -1;
        }
      off += (size_t)n;
    }
  skiff_sha256_update (p->hash, buf, len);
  return (la_ssize_t)len;
}

static bool
is_overlay_xattr (const char *name)
{
  return strncmp (name, "trusted.overlay.", 16) == 0 || strncmp (name, "user.overlay.", 13) == 0;
}

/* Copies xattrs (but overlay's own) and reports whether the dir is opaque.  path: the
 * entry's /proc/self/fd link (not a symlink entry's: those keep none). */
static bool
add_xattrs (struct archive_entry *e, const char *path)
{
  char names[4096], val[4096];
  bool opaque = false;
  ssize_t n = listxattr (path, names, sizeof names);
  for (ssize_t off = 0; n > 0 && off < n; off += (ssize_t)strlen (names + off) + 1)
    {
      const char *name = names + off;
      ssize_t vl = getxattr (path, name, val, sizeof val);
      if (vl < 0)
        continue;
      if (is_overlay_xattr (name))
        {
          opaque |= strstr (name, "overlay.opaque") && vl == 1 && val[0] == 'y';
          continue;
        }
      archive_entry_xattr_add_entry (e, name, val, (size_t)vl);
    }
  return opaque;
}

static int
write_empty (struct pack *p, const char *name, struct skiff_error **err)
{
  struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, name);
  archive_entry_set_filetype (e, AE_IFREG);
  archive_entry_set_perm (e, 0600);
  archive_entry_set_size (e, 0);
  int r = archive_write_header (p->a, e) < ARCHIVE_WARN ? -1 : 0;
  archive_entry_free (e);
  if (r < 0)
    return skiff_error_make (err, 0, "pack %s: %s", name, archive_error_string (p->a));
  return 0;
}

/* The entry's own inode (entry_fd: its O_PATH fd) opened for reading: no path again. */
static int
reopen (int entry_fd, int flags)
{
  char self[40];
  snprintf (self, sizeof self, "/proc/self/fd/%d", entry_fd);
  return open (self, flags | O_CLOEXEC);
}

static int
write_data (struct pack *p, int entry_fd, const char *path, struct skiff_error **err)
{
  _cleanup_close_ int fd = reopen (entry_fd, O_RDONLY | O_NOCTTY);
  if (fd < 0)
    return skiff_error_make (err, errno, "open %s", path);
  for (;;)
    {
      ssize_t n = read (fd, p->buf, COPY_BUF);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "read %s", path);
      if (n == 0)
        return 0;
      if (archive_write_data (p->a, p->buf, (size_t)n) < 0)
        return skiff_error_make (err, 0, "pack %s: %s", path, archive_error_string (p->a));
    }
}

static int
write_entry (struct pack *p, struct archive_entry *e, int entry_fd, const char *path,
             struct skiff_error **err)
{
  struct archive_entry *spare = NULL;
  archive_entry_linkify (p->links, &e, &spare);
  if (e == NULL)
    return 0;
  if (archive_write_header (p->a, e) < ARCHIVE_WARN)
    return skiff_error_make (err, 0, "pack %s: %s", path, archive_error_string (p->a));
  if (archive_entry_filetype (e) == AE_IFREG && archive_entry_size (e) > 0
      && archive_entry_hardlink (e) == NULL)
    {
      p->size += archive_entry_size (e);
      return write_data (p, entry_fd, path, err);
    }
  return 0;
}

static int pack_dir (struct pack *p, const char *rel, int dir_fd, struct skiff_error **err);

static int
pack_one (struct pack *p, const char *rel, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (p->root, rel);
  /* ELOOP: a dir on the way was swapped for a symlink meanwhile */
  _cleanup_close_ int fd = skiff_fs_open_beneath (p->root_fd, rel, O_PATH);
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return skiff_error_make (err, errno, "open %s", path);
  if (S_ISCHR (st.st_mode) && st.st_rdev == 0)
    {
      const char *slash = strrchr (rel, '/');
      _cleanup_free_ char *wh = slash
                                    ? xasprintf ("%.*s/.wh.%s", (int)(slash - rel), rel, slash + 1)
                                    : xasprintf (".wh.%s", rel);
      return write_empty (p, wh, err);
    }
  struct archive_entry *e = archive_entry_new ();
  archive_entry_copy_stat (e, &st);
  _cleanup_free_ char *name = S_ISDIR (st.st_mode) ? xasprintf ("%s/", rel) : xstrdup (rel);
  archive_entry_set_pathname (e, name);
  char self[40];
  snprintf (self, sizeof self, "/proc/self/fd/%d", fd);
  bool opaque = !S_ISLNK (st.st_mode) && add_xattrs (e, self);
  if (S_ISLNK (st.st_mode))
    {
      char target[4096];
      ssize_t n = readlinkat (fd, "", target, sizeof target - 1);
      if (n < 0)
        {
          archive_entry_free (e);
          return skiff_error_make (err, errno, "readlink %s", path);
        }
      target[n] = '\0';
      archive_entry_set_symlink (e, target);
    }
  int r = write_entry (p, e, fd, path, err);
  archive_entry_free (e);
  if (r == 0 && S_ISDIR (st.st_mode))
    {
      if (opaque)
        {
          _cleanup_free_ char *opq = xasprintf ("%s/.wh..wh..opq", rel);
          r = write_empty (p, opq, err);
        }
      if (r == 0)
        r = pack_dir (p, rel, fd, err);
    }
  return r;
}

static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static int
pack_dir (struct pack *p, const char *rel, int dir_fd, struct skiff_error **err)
{
  _cleanup_free_ char *path = *rel ? skiff_path_join (p->root, rel) : xstrdup (p->root);
  _cleanup_strv_ char **names = NULL;
  {
    int lfd = reopen (dir_fd, O_RDONLY | O_DIRECTORY);
    _cleanup_closedir_ DIR *d = lfd >= 0 ? fdopendir (lfd) : NULL;
    struct dirent *de;
    if (d == NULL)
      {
        int e = errno;
        if (lfd >= 0)
          close (lfd);
        return skiff_error_make (err, e, "open %s", path);
      }
    while ((de = readdir (d)) != NULL)
      if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
        skiff_strv_push (&names, de->d_name);
  }
  size_t n = skiff_strv_len (names);
  if (n > 0)
    qsort (names, n, sizeof *names, by_name);
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *child = *rel ? xasprintf ("%s/%s", rel, names[i]) : xstrdup (names[i]);
      int r = pack_one (p, child, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
skiff_layer_pack (const char *dir, int out_fd, char **diff_id, int64_t *size,
                  struct skiff_error **err)
{
  struct pack p = { .a = archive_write_new (),
                    .links = archive_entry_linkresolver_new (),
                    .hash = skiff_sha256_new (),
                    .out_fd = out_fd,
                    .root = dir,
                    .root_fd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC),
                    .buf = xmalloc (COPY_BUF) };
  archive_write_set_format_pax_restricted (p.a);
  archive_write_set_bytes_in_last_block (p.a, 1);
  archive_entry_linkresolver_set_strategy (p.links, archive_format (p.a));
  int r = 0;
  if (p.root_fd < 0)
    r = skiff_error_make (err, errno, "open %s", dir);
  else if (archive_write_open (p.a, &p, NULL, pack_write, NULL) != ARCHIVE_OK)
    r = skiff_error_make (err, 0, "pack %s: %s", dir, archive_error_string (p.a));
  if (r == 0)
    r = pack_dir (&p, "", p.root_fd, err);
  if (r == 0 && archive_write_close (p.a) != ARCHIVE_OK)
    r = skiff_error_make (err, 0, "pack %s: %s", dir, archive_error_string (p.a));
  archive_write_free (p.a);
  archive_entry_linkresolver_free (p.links);
  if (p.root_fd >= 0)
    close (p.root_fd);
  free (p.buf);
  char *d = skiff_sha256_finish (p.hash);
  if (r < 0)
    {
      free (d);
      return r;
    }
  *diff_id = d;
  if (size)
    *size = p.size;
  return 0;
}
