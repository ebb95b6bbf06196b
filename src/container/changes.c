/* `diff`: what a container changed, read from its overlay upper dir as docker's overlay2
 * driver reads it (moby's archive.OverlayChanges).  A 0:0 character device is a deleted path
 * (D), and so is an opaque directory (it replaced the image's: docker reports "D", then what
 * is in it); anything else is changed (C) when a lower layer has the path, else added (A).
 * Directories overlay copied up to hold a change are reported changed, as docker does.  The
 * order is docker's walk order: by path, one component at a time ("/a", "/a/b", "/a-c").  skiff's
 * own /etc/hostname, /etc/hosts and /etc/resolv.conf are not the container's changes (docker's init
 * layer), nor is an /etc that only holds them.
 *
 * The upper dir belongs to the container, which may still run and rename things meanwhile:
 * every directory is opened beneath the upper (or layer) root with no symlink followed, so a
 * swapped-in symlink is an error or a miss, never a walk on the host. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct walk
{
  int upper_fd;
  int *lower_fds; /* top first, -1 ends */
  struct skiff_container_change *v;
  size_t n, cap;
};

static bool
is_whiteout (const struct stat *st)
{
  return S_ISCHR (st->st_mode) && st->st_rdev == 0;
}

/* Does the image (the lower layers, top first) have rel?  A whiteout in a higher layer hides
 * it in the lower ones. */
static bool
in_lowers (const struct walk *w, const char *rel)
{
  for (size_t i = 0; w->lower_fds[i] >= 0; i++)
    {
      _cleanup_close_ int fd = skiff_fs_open_beneath (w->lower_fds[i], rel, O_PATH);
      struct stat st;
      if (fd >= 0 && fstat (fd, &st) == 0)
        return !is_whiteout (&st);
    }
  return false;
}

static bool
is_opaque (int dir_fd)
{
  char v[2];
  /* trusted.* as root, user.* with userxattr (rootless) */
  return fgetxattr (dir_fd, "trusted.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y'
             ? true
             : fgetxattr (dir_fd, "user.overlay.opaque", v, sizeof v) == 1 && v[0] == 'y';
}

static void
add (struct walk *w, char kind, const char *rel)
{
  if (w->n == w->cap)
    {
      w->cap = w->cap ? w->cap * 2 : 64;
      w->v = xrealloc (w->v, w->cap * sizeof *w->v);
    }
  w->v[w->n++] = (struct skiff_container_change){ .kind = kind, .path = xasprintf ("/%s", rel) };
}

static bool
skiff_owned (const char *rel)
{
  return strcmp (rel, "etc/hostname") == 0 || strcmp (rel, "etc/hosts") == 0
         || strcmp (rel, "etc/resolv.conf") == 0;
}

/* One directory of the upper layer (rel: "" for the root). */
static int
walk_dir (struct walk *w, const char *rel, struct skiff_error **err)
{
  int fd = skiff_fs_open_beneath (w->upper_fd, rel, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    return skiff_error_make (err, errno, "diff: open upper dir /%s", rel);
  if (*rel && is_opaque (fd))
    w->v[w->n - 1].kind = 'D'; /* added just before its walk (see below) */
  _cleanup_closedir_ DIR *d = fdopendir (fd);
  if (d == NULL)
    {
      close (fd);
      return skiff_error_make (err, errno, "diff: read upper dir /%s", rel);
    }
  struct dirent *de;
  int r = 0;
  errno = 0;
  while (r == 0 && (de = readdir (d)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      _cleanup_free_ char *child
          = *rel ? xasprintf ("%s/%s", rel, de->d_name) : xstrdup (de->d_name);
      struct stat st;
      if (fstatat (dirfd (d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        {
          if (errno == ENOENT) /* removed meanwhile (a running container) */
            continue;
          return skiff_error_make (err, errno, "diff: stat /%s", child);
        }
      if (skiff_owned (child))
        continue;
      if (is_whiteout (&st))
        add (w, 'D', child);
      else
        add (w, in_lowers (w, child) ? 'C' : 'A', child);
      if (S_ISDIR (st.st_mode))
        r = walk_dir (w, child, err);
      errno = 0;
    }
  if (r == 0 && errno != 0)
    return skiff_error_make (err, errno, "diff: read upper dir /%s", rel);
  return r;
}

/* Walk order: '/' sorts before every other byte, so a directory's entries follow it. */
static int
by_path (const void *a, const void *b)
{
  const unsigned char *x = (const unsigned char *)((const struct skiff_container_change *)a)->path;
  const unsigned char *y = (const unsigned char *)((const struct skiff_container_change *)b)->path;
  for (; *x && *x == *y; x++, y++)
    ;
  if (*x == *y)
    return 0;
  if (*x == '/' || *y == '/')
    return *x == '/' ? (*y ? -1 : 1) : (*x ? 1 : -1);
  return *x < *y ? -1 : 1;
}

/* Drops /etc when nothing below it is reported (it held only skiff's files). */
static void
drop_bare_etc (struct walk *w)
{
  for (size_t i = 0; i < w->n; i++)
    if (strcmp (w->v[i].path, "/etc") == 0)
      {
        if (i + 1 < w->n && strncmp (w->v[i + 1].path, "/etc/", 5) == 0)
          return;
        free (w->v[i].path);
        memmove (&w->v[i], &w->v[i + 1], (w->n - i - 1) * sizeof *w->v);
        w->n--;
        return;
      }
}

int
skiff_container_changes (const struct skiff_container *c, char *const *lowerdirs,
                         struct skiff_container_change **out, size_t *n, struct skiff_error **err)
{
  struct walk w = { .upper_fd = -1 };
  size_t nl = skiff_strv_len (lowerdirs);
  w.lower_fds = xmalloc ((nl + 1) * sizeof *w.lower_fds);
  int r = 0;
  for (size_t i = 0; i <= nl; i++)
    w.lower_fds[i] = -1;
  for (size_t i = 0; i < nl && r == 0; i++)
    if ((w.lower_fds[i] = open (lowerdirs[i], O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
      r = skiff_error_make (err, errno, "diff: open layer %s", lowerdirs[i]);
  _cleanup_free_ char *upper = skiff_path_join (c->dir, "upper");
  if (r == 0 && (w.upper_fd = open (upper, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    r = skiff_error_make (err, errno, "diff: open %s", upper);
  if (r == 0)
    r = walk_dir (&w, "", err);
  for (size_t i = 0; i < nl; i++)
    if (w.lower_fds[i] >= 0)
      close (w.lower_fds[i]);
  free (w.lower_fds);
  if (w.upper_fd >= 0)
    close (w.upper_fd);
  if (r < 0)
    {
      skiff_container_changes_free (w.v, w.n);
      return r;
    }
  if (w.n > 1)
    qsort (w.v, w.n, sizeof *w.v, by_path);
  drop_bare_etc (&w);
  *out = w.v;
  *n = w.n;
  return 0;
}

void
skiff_container_changes_free (struct skiff_container_change *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (v[i].path);
  free (v);
}
