/* Layer pack (save): a layer diff dir back into a tar changeset, overlay whiteouts turned
 * back into their tar form (0:0 char device -> .wh.<name>, opaque xattr -> .wh..wh..opq).
 * Entries are written in sorted order so the same layer always packs to the same bytes. */
#include "image-internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* Copies xattrs (but overlay's own) and reports whether the dir is opaque. */
static bool
add_xattrs (struct archive_entry *e, const char *path)
{
  char names[4096], val[4096];
  bool opaque = false;
  ssize_t n = llistxattr (path, names, sizeof names);
  for (ssize_t off = 0; n > 0 && off < n; off += (ssize_t)strlen (names + off) + 1)
    {
      const char *name = names + off;
      ssize_t vl = lgetxattr (path, name, val, sizeof val);
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

static int
write_data (struct pack *p, const char *path, struct skiff_error **err)
{
  _cleanup_close_ int fd = open (path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
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
write_entry (struct pack *p, struct archive_entry *e, const char *path, struct skiff_error **err)
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
      return write_data (p, path, err);
    }
  return 0;
}

static int pack_dir (struct pack *p, const char *rel, struct skiff_error **err);

static int
pack_one (struct pack *p, const char *rel, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (p->root, rel);
  struct stat st;
  if (lstat (path, &st) < 0)
    return skiff_error_make (err, errno, "stat %s", path);
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
  bool opaque = add_xattrs (e, path);
  if (S_ISLNK (st.st_mode))
    {
      char target[4096];
      ssize_t n = readlink (path, target, sizeof target - 1);
      if (n < 0)
        {
          archive_entry_free (e);
          return skiff_error_make (err, errno, "readlink %s", path);
        }
      target[n] = '\0';
      archive_entry_set_symlink (e, target);
    }
  int r = write_entry (p, e, path, err);
  archive_entry_free (e);
  if (r == 0 && S_ISDIR (st.st_mode))
    {
      if (opaque)
        {
          _cleanup_free_ char *opq = xasprintf ("%s/.wh..wh..opq", rel);
          r = write_empty (p, opq, err);
        }
      if (r == 0)
        r = pack_dir (p, rel, err);
    }
  return r;
}

static int
by_name (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static int
pack_dir (struct pack *p, const char *rel, struct skiff_error **err)
{
  _cleanup_free_ char *path = *rel ? skiff_path_join (p->root, rel) : xstrdup (p->root);
  _cleanup_strv_ char **names = NULL;
  {
    _cleanup_closedir_ DIR *d = opendir (path);
    struct dirent *de;
    if (d == NULL)
      return skiff_error_make (err, errno, "open %s", path);
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
                    .buf = xmalloc (COPY_BUF) };
  archive_write_set_format_pax_restricted (p.a);
  archive_write_set_bytes_in_last_block (p.a, 1);
  archive_entry_linkresolver_set_strategy (p.links, archive_format (p.a));
  int r = 0;
  if (archive_write_open (p.a, &p, NULL, pack_write, NULL) != ARCHIVE_OK)
    r = skiff_error_make (err, 0, "pack %s: %s", dir, archive_error_string (p.a));
  if (r == 0)
    r = pack_dir (&p, "", err);
  if (r == 0 && archive_write_close (p.a) != ARCHIVE_OK)
    r = skiff_error_make (err, 0, "pack %s: %s", dir, archive_error_string (p.a));
  archive_write_free (p.a);
  archive_entry_linkresolver_free (p.links);
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
