/* skiff_engine_copy_out_to: `cp CONTAINER:SRC DEST` with docker's rules (moby's
 * archive.PrepareArchiveCopy): DEST an existing directory receives SRC under its own name (or,
 * for "SRC/.", its contents); otherwise SRC is renamed to DEST's base name in DEST's parent,
 * which must exist; a directory never replaces a file ("cannot copy directory"), and a file
 * never makes a "DEST/" directory ("no such directory").  The archive comes from the view
 * child (export.c) over a pipe; DEST is the user's own path, extracted with libarchive's
 * guards (no "..", no absolute names, nothing written through a symlink), ownership kept only
 * with -a.  A failed copy removes what it had made new (the top entry, a half-written file).
 * skiff_engine_copy_extract is the same extraction for cp into a container, run chrooted in
 * it (copy_in.c). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/log.h"
#include "skiff/xalloc.h"

struct copy_plan
{
  char *dir;       /* absolute: where the entries are extracted */
  char *from, *to; /* the archive's top name rewritten (NULL: names kept) */
  bool dest_exists, dest_is_dir, dest_asserts_dir;
  bool stream;   /* a tar the user gave ("-"): DEST must be a directory */
  int owner;     /* entries' owner: -1 as in the archive, else uid and gid 0 (without -a) */
  char *made;    /* the top entry the copy created (removed again when it fails) */
  char *writing; /* the entry being written, when it did not exist before */
};

static void
plan_clear (struct copy_plan *p)
{
  free (p->dir);
  free (p->from);
  free (p->to);
  free (p->made);
  free (p->writing);
}

/* Where DEST is, before the archive's first entry says what SRC is. */
static int
plan_dest (const char *dest, struct copy_plan *p, struct skiff_error **err)
{
  struct stat st;
  size_t n = strlen (dest);
  p->dest_asserts_dir
      = n > 0 && (dest[n - 1] == '/' || (n >= 2 && strcmp (dest + n - 2, "/.") == 0));
  if (stat (dest, &st) == 0)
    {
      p->dest_exists = true;
      p->dest_is_dir = S_ISDIR (st.st_mode);
      if (p->dest_is_dir && (p->dir = realpath (dest, NULL)) == NULL)
        return skiff_error_make (err, errno, "resolve %s", dest);
      if (p->dest_is_dir)
        return 0;
    }
  else if (errno != ENOENT)
    return skiff_error_make (err, errno, "stat %s", dest);
  _cleanup_free_ char *copy = xstrdup (dest);
  const char *parent = dirname (copy);
  if ((p->dir = realpath (parent, NULL)) == NULL)
    return skiff_error_make (err, errno, "destination directory %s", parent);
  return 0;
}

/* The first entry (SRC itself) decides how names are rewritten. */
static int
plan_source (const char *dest, struct archive_entry *top, struct copy_plan *p,
             struct skiff_error **err)
{
  bool src_dir = archive_entry_filetype (top) == AE_IFDIR;
  _cleanup_free_ char *name = xstrdup (archive_entry_pathname (top));
  size_t n = strlen (name);
  while (n > 1 && name[n - 1] == '/')
    name[--n] = '\0';
  if (p->dest_exists && p->dest_is_dir)
    return 0; /* extracted into it as they are */
  if (p->stream)
    return skiff_error_make_status (err, 125, 0, "destination \"%s\" must be a directory", dest);
  if (p->dest_exists && src_dir)
    return skiff_error_make_status (err, 1, 0, "cannot copy directory");
  if (!p->dest_exists && !src_dir && p->dest_asserts_dir)
    return skiff_error_make_status (err, 1, 0, "no such directory");
  _cleanup_free_ char *copy = xstrdup (dest);
  p->from = steal_ptr (&name);
  p->to = xstrdup (basename (copy));
  return 0;
}

/* The entry's name rewritten by the plan ("." of a "SRC/." copy into DEST is dropped). */
static char *
target_name (const struct copy_plan *p, const char *name)
{
  if (p->from == NULL)
    return strcmp (name, ".") == 0 || strcmp (name, "./") == 0 ? NULL : xstrdup (name);
  size_t k = strlen (p->from);
  if (strncmp (name, p->from, k) == 0 && (name[k] == '\0' || name[k] == '/'))
    return xasprintf ("%s%s", p->to, name + k);
  return xstrdup (name);
}

/* Remembers what a failed copy must take away again: the top entry if it is new (a whole new
 * tree), and the entry about to be written if it is new (a half-written file). */
static void
note_entry (struct copy_plan *p, const char *name, bool top)
{
  struct stat st;
  bool fresh = fstatat (AT_FDCWD, name, &st, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
  free (steal_ptr (&p->writing));
  if (fresh)
    p->writing = xstrdup (name);
  if (fresh && top) /* SRC itself (not the contents of a "SRC/." copy) */
    p->made = xstrdup (name);
}

/* An existing NAME that is a mount's root (a file or directory bind-mounted into a running
 * container) is not replaced: unlinking it from outside the container's mount namespace would
 * silently detach the container's mount.  Docker's daemon fails there with EBUSY; so do we.
 * A directory entry onto a mounted directory only merges into it, which is allowed. */
static int
refuse_mount_root (const struct copy_plan *p, const char *name, bool entry_is_dir,
                   struct skiff_error **err)
{
  struct statx stx;
  if (statx (AT_FDCWD, name, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, STATX_TYPE, &stx) < 0)
    return errno == ENOENT ? 0 : skiff_error_make (err, errno, "stat %s", name);
  if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
      || !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) || (S_ISDIR (stx.stx_mode) && entry_is_dir))
    return 0;
  while (name[0] == '.' && name[1] == '/')
    name += 2;
  return skiff_error_make_status (err, 1, EBUSY, "unlinkat %s%s%s", p->dir,
                                  strcmp (p->dir, "/") == 0 ? "" : "/", name);
}

/* After a failure, in the plan's directory: nothing half-copied stays. */
static void
undo (struct copy_plan *p)
{
  _cleanup_error_ struct skiff_error *e = NULL;
  if (p->writing && unlinkat (AT_FDCWD, p->writing, 0) < 0 && errno != ENOENT)
    log_debug ("copy: remove %s: %s", p->writing, strerror (errno));
  if (p->made && skiff_fs_rm_rf (p->made, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
}

static int
extract (struct archive *in, struct archive *out, const char *dest, struct copy_plan *p,
         struct skiff_error **err)
{
  struct archive_entry *e;
  int r, first = 1;
  while ((r = archive_read_next_header (in, &e)) == ARCHIVE_OK)
    {
      if (first && (r = plan_source (dest, e, p, err)) < 0)
        return r;
      bool top = first;
      first = 0;
      _cleanup_free_ char *name = target_name (p, archive_entry_pathname (e));
      if (name == NULL)
        continue;
      archive_entry_set_pathname (e, name);
      if ((r = refuse_mount_root (p, name, archive_entry_filetype (e) == AE_IFDIR, err)) < 0)
        return r;
      note_entry (p, name, top);
      if (p->owner >= 0)
        {
          archive_entry_set_uid (e, p->owner);
          archive_entry_set_gid (e, p->owner);
        }
      if (archive_entry_hardlink (e) != NULL)
        {
          _cleanup_free_ char *link = target_name (p, archive_entry_hardlink (e));
          archive_entry_set_hardlink (e, link ? link : ".");
        }
      if (archive_write_header (out, e) < ARCHIVE_WARN)
        return skiff_error_make (err, 0, "copy to %s: %s", dest, archive_error_string (out));
      const void *buf;
      size_t len;
      la_int64_t off;
      while ((r = archive_read_data_block (in, &buf, &len, &off)) == ARCHIVE_OK)
        if (archive_write_data_block (out, buf, len, off) < ARCHIVE_WARN)
          return skiff_error_make (err, 0, "copy to %s: %s", dest, archive_error_string (out));
      if (r != ARCHIVE_EOF || archive_write_finish_entry (out) < ARCHIVE_WARN)
        return skiff_error_make (err, 0, "copy to %s: %s", dest,
                                 archive_error_string (r != ARCHIVE_EOF ? in : out));
      free (steal_ptr (&p->writing));
    }
  if (r != ARCHIVE_EOF)
    return skiff_error_make (err, 0, "copy: reading the archive: %s", archive_error_string (in));
  return 0;
}

/* Extracts the archive on fd into the plan's directory (our cwd while it runs). */
static int
extract_fd (int fd, const char *dest, struct copy_plan *p, bool set_owner, struct skiff_error **err)
{
  int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR
              | ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS
              | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS | (set_owner ? ARCHIVE_EXTRACT_OWNER : 0);
  struct archive *in = archive_read_new ();
  struct archive *out = archive_write_disk_new ();
  _cleanup_close_ int cwd = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  int r = 0;
  if (in == NULL || out == NULL || archive_read_support_format_tar (in) != ARCHIVE_OK
      || archive_write_disk_set_options (out, flags) != ARCHIVE_OK
      || archive_read_open_fd (in, fd, 64 * 1024) != ARCHIVE_OK)
    r = skiff_error_make (err, ENOMEM, "copy: start the extraction");
  else if (chdir (p->dir) < 0)
    r = skiff_error_make (err, errno, "chdir %s", p->dir);
  else if ((r = extract (in, out, dest, p, err)) < 0)
    undo (p);
  if (cwd >= 0 && fchdir (cwd) < 0 && r == 0)
    r = skiff_error_make (err, errno, "return to the working directory");
  if (out)
    archive_write_free (out);
  if (in)
    archive_read_free (in);
  return r;
}

int
skiff_engine_copy_extract (int fd, const char *dest, const struct skiff_copy_extract *opts,
                           struct skiff_error **err)
{
  struct copy_plan p = { .stream = opts->stream, .owner = opts->keep_owner ? -1 : 0 };
  int r = plan_dest (dest, &p, err);
  if (r == 0 && opts->stream && !(p.dest_exists && p.dest_is_dir))
    r = p.dest_exists
            ? skiff_error_make_status (err, 125, 0, "destination \"%s\" must be a directory", dest)
            : skiff_error_make_status (err, 125, ENOENT, "destination \"%s\"", dest);
  if (r == 0)
    r = extract_fd (fd, dest, &p, true, err);
  plan_clear (&p);
  return r;
}

int
skiff_engine_copy_out_to (struct skiff_store *store, const struct skiff_container *c,
                          const char *path, bool follow, bool archive_mode, const char *dest,
                          struct skiff_error **err)
{
  struct copy_plan p = { .owner = -1 };
  int r = plan_dest (dest, &p, err);
  int pipe_fds[2] = { -1, -1 };
  if (r == 0 && pipe2 (pipe_fds, O_CLOEXEC) < 0)
    r = skiff_error_make (err, errno, "pipe");
  pid_t pid = -1;
  int report = -1;
  if (r == 0)
    r = skiff_engine_view_job_start (store, c, path, follow, pipe_fds[1], &pid, &report, err);
  if (pipe_fds[1] >= 0)
    close (pipe_fds[1]);
  int r2 = 0;
  if (r == 0)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      r2 = extract_fd (pipe_fds[0], dest, &p, archive_mode, &e);
      close (pipe_fds[0]);
      pipe_fds[0] = -1;
      /* the writer's own error (a missing SRC) explains a failed read best */
      r = skiff_engine_view_job_finish (pid, report, err);
      if (r == 0 && r2 < 0)
        {
          *err = steal_ptr (&e);
          r = r2;
        }
    }
  if (pipe_fds[0] >= 0)
    close (pipe_fds[0]);
  plan_clear (&p);
  return r;
}
