/* Layer unpack: one pass over the (possibly compressed) stream.  An outer libarchive reader
 * with every filter and the "raw" format yields the uncompressed tar; we hash it and feed it
 * to an inner tar reader through a read callback, so the DiffID costs no second read.  Entries
 * are written with archive_write_disk relative to the layer dir (chdir'd into for the duration)
 * with the SECURE_NODOTDOT/NOABSOLUTEPATHS flags; our own lexical cleaning runs first so errors
 * name the entry.  Symlinks on the way are refused from the set of symlinks this unpack created
 * (layer_links.c), not by SECURE_SYMLINKS (a syscall per component per entry). */
#include "image-internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/interrupt.h"
#include "skiff/log.h"
#include "skiff/userns.h"
#include "skiff/xalloc.h"

#define STREAM_BUF (256 * 1024)

SKIFF_DEFINE_CLEANUP (archive_read_freep, struct archive *, archive_read_free)
SKIFF_DEFINE_CLEANUP (archive_write_freep, struct archive *, archive_write_free)
SKIFF_DEFINE_CLEANUP (archive_entry_freep, struct archive_entry *, archive_entry_free)
#define _cleanup_archive_read_ __attribute__ ((cleanup (archive_read_freep)))
#define _cleanup_archive_write_ __attribute__ ((cleanup (archive_write_freep)))
#define _cleanup_archive_entry_ __attribute__ ((cleanup (archive_entry_freep)))

struct hashing_source
{
  struct archive *outer;
  struct skiff_sha256 *hash;         /* NULL: the stream is not compressed, the blob digest is it */
  struct skiff_tar_split_writer *ts; /* the stream less file contents (tar_split.c) */
  char errmsg[256];
};

static la_ssize_t
hashing_read (struct archive *inner, void *data, const void **out)
{
  struct hashing_source *s = data;
  const void *block;
  size_t n;
  la_int64_t offset;
  /* the block as the decompressor left it: no copy */
  int r = archive_read_data_block (s->outer, &block, &n, &offset);
  if (r == ARCHIVE_EOF)
    return 0;
  if (r < ARCHIVE_WARN)
    {
      snprintf (s->errmsg, sizeof s->errmsg, "%s", archive_error_string (s->outer));
      archive_set_error (inner, EIO, "%s", s->errmsg);
      return -1;
    }
  if (s->hash)
    skiff_sha256_update (s->hash, block, n);
  /* what the tar reader consumed (or skipped) is no file content: keeps the pending bytes of
   * the tar-split writer to about one block */
  skiff_tar_split_settle (s->ts, archive_filter_bytes (inner, 0));
  skiff_tar_split_feed (s->ts, block, n);
  *out = block;
  return (la_ssize_t)n;
}

struct unpack
{
  const char *what;
  bool rootless;
  int root_fd; /* the layer dir */
  struct archive *in;
  struct archive *disk;
  struct skiff_link_set *links;  /* symlinks written so far */
  struct skiff_content *content; /* what was written, per regular file */
  struct skiff_tar_split_writer *ts;
  int64_t content_offset; /* stream offset of the current entry's data; -1: not referenced */
  struct skiff_space_guard guard;
  int64_t size;
  struct skiff_link_set *devices; /* device nodes skipped (rootless) */
  size_t n_devices;
};

static int
disk_error (struct unpack *u, const char *path, struct skiff_error **err)
{
  return skiff_error_make (err, 0, "%s: entry \"%s\": %s", u->what, path,
                           archive_error_string (u->disk));
}

/* Writes a metadata-only entry (whiteout device, missing opaque dir). */
static int
write_synthetic (struct unpack *u, const char *path, mode_t type, mode_t perm,
                 struct skiff_error **err)
{
  _cleanup_archive_entry_ struct archive_entry *e = archive_entry_new ();
  archive_entry_set_pathname (e, path);
  archive_entry_set_filetype (e, type);
  archive_entry_set_perm (e, perm);
  archive_entry_set_uid (e, 0);
  archive_entry_set_gid (e, 0);
  archive_entry_set_rdev (e, 0);
  if (archive_write_header (u->disk, e) < ARCHIVE_WARN
      || archive_write_finish_entry (u->disk) < ARCHIVE_WARN)
    return disk_error (u, path, err);
  skiff_content_forget (u->content, path);
  return 0;
}

/* Refuses a path that passes through a symlink of this layer. */
static int
check_through (struct unpack *u, const char *entry, const char *path, struct skiff_error **err)
{
  size_t n = skiff_link_set_through (u->links, path);
  if (n == 0)
    return 0;
  return skiff_error_make (err, 0, "%s: entry \"%s\": Cannot extract through symlink %.*s", u->what,
                           entry, (int)n, path);
}

/* Removes the symlink at path before anything but a symlink is written there: archive_write_disk
 * keeps a symlink to a directory when asked for a directory, and would then write through it. */
static int
replace_link (struct unpack *u, const char *path, struct skiff_error **err)
{
  if (!skiff_link_set_remove (u->links, path))
    return 0;
  if (unlinkat (u->root_fd, path, 0) < 0 && errno != ENOENT)
    return skiff_error_make (err, errno, "%s: entry \"%s\": unlink", u->what, path);
  return 0;
}

static int
apply_opaque (struct unpack *u, const char *entry, const char *dir, struct skiff_error **err)
{
  _cleanup_close_ int fd = skiff_fs_open_beneath (u->root_fd, dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0 && errno == ENOENT)
    {
      int r = write_synthetic (u, dir, AE_IFDIR, 0755, err);
      if (r < 0)
        return r;
      fd = skiff_fs_open_beneath (u->root_fd, dir, O_RDONLY | O_DIRECTORY);
    }
  if (fd < 0)
    return skiff_error_make (err, errno, "%s: entry \"%s\": open directory", u->what, entry);
  const char *name = skiff_layer_opaque_xattr (u->rootless);
  if (fsetxattr (fd, name, "y", 1, 0) < 0)
    return skiff_error_make (err, errno, "%s: entry \"%s\": set %s", u->what, entry, name);
  return 0;
}

/* Refuses what the layer may not contain; rewrites paths to their cleaned form. */
static int
check_entry (struct unpack *u, struct archive_entry *e, const char *clean, struct skiff_error **err)
{
  const char *path = archive_entry_pathname (e);
  if (u->rootless)
    {
      unsigned long ids = skiff_userns_mapped_ids ();
      la_int64_t uid = archive_entry_uid (e), gid = archive_entry_gid (e);
      if (uid < 0 || gid < 0 || (unsigned long)uid >= ids || (unsigned long)gid >= ids)
        return skiff_error_make (err, 0,
                                 "%s: entry \"%s\": owner %lld:%lld is not mapped in the user "
                                 "namespace (%lu ids; add a range to /etc/subuid and "
                                 "/etc/subgid)",
                                 u->what, path, (long long)uid, (long long)gid, ids);
    }
  const char *link = archive_entry_hardlink (e);
  if (link)
    {
      _cleanup_free_ char *clink = NULL;
      int r = skiff_layer_clean_path (link, &clink, err);
      if (r < 0)
        return skiff_error_prefix (err, "%s: hard link \"%s\"", u->what, path);
      if (*clink == '\0')
        return skiff_error_make (err, 0, "%s: entry \"%s\": hard link to the layer root", u->what,
                                 path);
      r = check_through (u, path, clink, err);
      if (r < 0)
        return r;
      archive_entry_set_hardlink (e, clink);
    }
  archive_entry_set_pathname (e, clean);
  return 0;
}

static int
copy_data (struct unpack *u, const char *path, struct skiff_error **err)
{
  const void *buf;
  size_t len;
  la_int64_t off, next = 0;
  for (;;)
    {
      int r = archive_read_data_block (u->in, &buf, &len, &off);
      /* what the tar reader consumed so far is no file content of a later entry */
      skiff_tar_split_settle (u->ts, archive_filter_bytes (u->in, 0));
      if (r == ARCHIVE_EOF)
        return 0;
      if (r < ARCHIVE_WARN)
        return skiff_error_make (err, 0, "%s: entry \"%s\": %s", u->what, path,
                                 archive_error_string (u->in));
      r = skiff_space_guard_charge (&u->guard, len, err);
      if (r < 0)
        return r;
      /* archive_write_disk reports a failed write(2) (ENOSPC, EFBIG) as ARCHIVE_WARN, and
       * finish_entry would then extend the file with zeros to its size: any result but OK
       * fails the layer */
      if (archive_write_data_block (u->disk, buf, len, off) != ARCHIVE_OK)
        return skiff_error_make (err, archive_errno (u->disk), "%s: entry \"%s\": %s", u->what,
                                 path, archive_error_string (u->disk));
      skiff_content_data (u->content, buf, len, off);
      if (u->content_offset >= 0 && off != next)
        skiff_tar_split_spoil (u->ts, "entry \"%s\" is sparse", path);
      next = off + (la_int64_t)len;
    }
}

/* Tells the tar-split writer where the entry's data is in the stream: the content of a plain
 * regular file is read back from the layer on save, anything else is kept verbatim. */
static void
note_data (struct unpack *u, struct archive_entry *e, const char *clean)
{
  int64_t pos = archive_filter_bytes (u->in, 0);
  u->content_offset = -1;
  if (archive_entry_filetype (e) == AE_IFREG && archive_entry_hardlink (e) == NULL
      && archive_entry_size_is_set (e) && archive_entry_size (e) > 0
      && archive_entry_sparse_count (e) == 0)
    {
      u->content_offset = pos;
      skiff_tar_split_content (u->ts, pos, archive_entry_size (e), clean);
    }
  else
    skiff_tar_split_settle (u->ts, pos);
}

/* The tar reader consumed exactly the data (and at most its padding) of a referenced entry. */
static void
check_data_end (struct unpack *u, struct archive_entry *e, const char *path)
{
  if (u->content_offset < 0)
    return;
  int64_t used = archive_filter_bytes (u->in, 0) - u->content_offset;
  if (used < archive_entry_size (e) || used > archive_entry_size (e) + 511)
    skiff_tar_split_spoil (u->ts, "entry \"%s\": its data is not stored as it is in the file",
                           path);
}

/* Records what an entry left at its path in the content record. */
static void
record_content (struct unpack *u, struct archive_entry *e, const char *clean)
{
  const char *hardlink = archive_entry_hardlink (e);
  bool regular = archive_entry_filetype (e) == AE_IFREG;
  bool data = regular && archive_entry_size (e) > 0;
  if (hardlink && data)
    {
      /* data on a hard link entry rewrites the inode both names share */
      skiff_content_end (u->content, archive_entry_size (e));
      skiff_content_link (u->content, hardlink, clean);
    }
  else if (hardlink)
    skiff_content_link (u->content, clean, hardlink);
  else if (regular)
    skiff_content_end (u->content, archive_entry_size (e));
  else
    skiff_content_forget (u->content, clean);
}

/* A user namespace cannot mknod: rootless, device nodes (and hard links to them) are skipped
 * and counted, as rootless podman does; the rest of the layer is kept. */
static bool
skip_device (struct unpack *u, struct archive_entry *e, const char *clean)
{
  mode_t type = archive_entry_filetype (e);
  const char *link = archive_entry_hardlink (e);
  _cleanup_free_ char *clink = NULL;
  if (link && skiff_layer_clean_path (link, &clink, NULL) < 0)
    return false; /* refused with its error later */
  if (type != AE_IFCHR && type != AE_IFBLK && !(clink && skiff_link_set_has (u->devices, clink)))
    return false;
  skiff_link_set_add (u->devices, clean);
  skiff_content_forget (u->content, clean);
  u->n_devices++;
  return true;
}

static int
extract_entry (struct unpack *u, struct archive_entry *e, struct skiff_error **err)
{
  _cleanup_free_ char *orig = xstrdup (archive_entry_pathname (e));
  _cleanup_free_ char *clean = NULL;
  _cleanup_free_ char *target = NULL;
  int r = skiff_layer_clean_path (orig, &clean, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", u->what);
  if (*clean == '\0')
    return 0; /* the layer root itself */
  int kind = skiff_layer_whiteout (clean, &target, err);
  if (kind < 0)
    return skiff_error_prefix (err, "%s", u->what);
  skiff_tar_split_touch (u->ts, kind == SKIFF_WHITEOUT_NONE ? clean : target);
  if (kind == SKIFF_WHITEOUT_OPAQUE)
    return apply_opaque (u, orig, target, err);
  if (kind == SKIFF_WHITEOUT_FILE)
    {
      r = check_through (u, orig, target, err);
      if (r == 0)
        r = replace_link (u, target, err);
      return r < 0 ? r : write_synthetic (u, target, AE_IFCHR, 0, err);
    }
  if (archive_entry_filetype (e) == AE_IFSOCK)
    return 0;
  if (u->rootless && skip_device (u, e, clean))
    return 0;
  r = check_through (u, orig, clean, err);
  if (r == 0)
    r = check_entry (u, e, clean, err);
  bool symlink = archive_entry_filetype (e) == AE_IFLNK;
  if (r == 0 && !symlink)
    r = replace_link (u, clean, err);
  if (r == 0)
    r = skiff_space_guard_entry (&u->guard, err);
  if (r < 0)
    return r;
  const char *link_target = archive_entry_hardlink (e);
  if (link_target && archive_entry_size (e) > 0) /* its data rewrites the target too */
    skiff_tar_split_touch (u->ts, link_target);
  note_data (u, e, clean);
  r = archive_write_header (u->disk, e);
  if (r < ARCHIVE_WARN)
    return disk_error (u, orig, err);
  if (archive_entry_filetype (e) == AE_IFREG
      && (archive_entry_hardlink (e) == NULL || archive_entry_size (e) > 0))
    skiff_content_begin (u->content, clean);
  if (r == ARCHIVE_WARN)
    log_debug ("%s: %s: %s", u->what, orig, archive_error_string (u->disk));
  if (archive_entry_size_is_set (e) && archive_entry_filetype (e) == AE_IFREG)
    {
      r = copy_data (u, orig, err);
      if (r < 0)
        return r;
      check_data_end (u, e, clean);
      u->size += archive_entry_size (e);
    }
  r = archive_write_finish_entry (u->disk);
  if (r < ARCHIVE_WARN)
    return disk_error (u, orig, err);
  if (r == ARCHIVE_WARN)
    log_debug ("%s: %s: %s", u->what, orig, archive_error_string (u->disk));
  record_content (u, e, clean);
  const char *hardlink = archive_entry_hardlink (e);
  if (symlink || (hardlink && skiff_link_set_has (u->links, hardlink)))
    skiff_link_set_add (u->links, clean); /* a hard link to a symlink is one too */
  return 0;
}

static int
extract_all (struct unpack *u, struct skiff_error **err)
{
  struct archive_entry *e;
  for (;;)
    {
      int r = archive_read_next_header (u->in, &e);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return skiff_error_make (err, 0, "%s: %s", u->what, archive_error_string (u->in));
      r = extract_entry (u, e, err);
      if (r < 0)
        return r;
    }
  if (archive_write_close (u->disk) < ARCHIVE_WARN)
    return skiff_error_make (err, 0, "%s: %s", u->what, archive_error_string (u->disk));
  if (u->n_devices > 0)
    log_warn ("%s: skipped %zu device node%s: they cannot be created rootless", u->what,
              u->n_devices, u->n_devices == 1 ? "" : "s");
  return 0;
}

/* Runs extract_all with the cwd in the layer dir (archive_write_disk resolves relative paths
 * against the cwd, which is what its SECURE_* checks need), restoring the cwd afterwards. */
static int
extract_in_dir (struct unpack *u, struct skiff_error **err)
{
  _cleanup_close_ int saved = open (".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (saved < 0)
    return skiff_error_make (err, errno, "open current directory");
  if (fchdir (u->root_fd) < 0)
    return skiff_error_make (err, errno, "%s: chdir to layer directory", u->what);
  int r = extract_all (u, err);
  if (fchdir (saved) < 0 && r == 0)
    return skiff_error_make (err, errno, "restore current directory");
  return r;
}

/* The stored (possibly compressed) bytes: read from fd, or from the current entry of an
 * enclosing archive (load), hashed as they pass for the blob digest (on a second thread). */
struct raw_source
{
  int fd;
  struct archive *container;
  struct skiff_hash_thread *hash;
  const char *head; /* bytes already read from fd (to recognise the format), served first */
  size_t head_len;
};

static la_ssize_t
raw_read (struct archive *a, void *data, const void **out)
{
  struct raw_source *s = data;
  char *buf = skiff_hash_thread_buffer (s->hash);
  la_ssize_t n;
  if (skiff_interrupted ())
    {
      archive_set_error (a, EINTR, "interrupted");
      return -1;
    }
  if (s->head_len > 0)
    {
      n = (la_ssize_t)(s->head_len < STREAM_BUF ? s->head_len : STREAM_BUF);
      memcpy (buf, s->head, (size_t)n);
      s->head += n;
      s->head_len -= (size_t)n;
    }
  else if (s->container)
    {
      n = archive_read_data (s->container, buf, STREAM_BUF);
      if (n < 0)
        archive_set_error (a, EIO, "%s", archive_error_string (s->container));
    }
  else
    {
      do
        n = read (s->fd, buf, STREAM_BUF);
      while (n < 0 && errno == EINTR && !skiff_interrupted ());
      if (n < 0)
        archive_set_error (a, errno, "read: %s", strerror (errno));
    }
  if (n > 0)
    skiff_hash_thread_submit (s->hash, (size_t)n);
  *out = buf;
  return n;
}

static int
open_readers (struct raw_source *raw, struct hashing_source *src, struct archive **outer,
              struct archive **inner)
{
  struct archive_entry *e;
  *outer = archive_read_new ();
  *inner = archive_read_new ();
  archive_read_support_filter_all (*outer);
  archive_read_support_format_raw (*outer);
  if (archive_read_open (*outer, raw, NULL, raw_read, NULL) != ARCHIVE_OK
      || archive_read_next_header (*outer, &e) != ARCHIVE_OK)
    return -1;
  src->outer = *outer;
  if (archive_filter_count (*outer) == 1 && archive_filter_code (*outer, 0) == ARCHIVE_FILTER_NONE)
    {
      /* plain tar: DiffID = blob digest, one hash does */
      skiff_sha256_free (src->hash);
      src->hash = NULL;
    }
  archive_read_support_format_tar (*inner);
  archive_read_support_format_gnutar (*inner);
  if (archive_read_open (*inner, src, NULL, hashing_read, NULL) != ARCHIVE_OK)
    return -2;
  return 0;
}

/* Reads what the tar reader left (end-of-archive padding) so the digests cover every byte. */
static int
drain (struct hashing_source *src, struct raw_source *raw, struct archive *inner)
{
  const void *b;
  la_ssize_t n;
  while ((n = hashing_read (inner, src, &b)) > 0)
    ;
  if (n < 0)
    return -1;
  while ((n = raw_read (inner, raw, &b)) > 0) /* compressed trailer after the end of stream */
    ;
  return n < 0 ? -1 : 0;
}

static void
set_disk_options (struct archive *disk)
{
  archive_write_disk_set_options (disk, ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM
                                            | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR
                                            | ARCHIVE_EXTRACT_SECURE_NODOTDOT
                                            | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
}

static int
check_digests (const char *what, const char *expected, const char *got, const char *kind,
               struct skiff_error **err)
{
  if (expected == NULL || strcmp (expected, got) == 0)
    return 0;
  return skiff_error_make (err, 0, "%s: %s mismatch: expected %s, got %s", what, kind, expected,
                           got);
}

static bool
content_has (void *data, const char *path, int64_t size)
{
  return skiff_content_has (data, path, size);
}

/* The tar-split record, or why there is none (the layer is kept either way). */
static void
finish_tar_split (struct unpack *u, struct skiff_layer_info *ts)
{
  ts->tar_split = skiff_tar_split_finish (u->ts, content_has, u->content, &ts->tar_split_len);
  if (ts->tar_split == NULL)
    {
      ts->tar_split_spoiled = xstrdup (skiff_tar_split_spoiled (u->ts));
      log_debug ("%s: the tar stream cannot be reproduced: %s", u->what, ts->tar_split_spoiled);
    }
}

void
skiff_layer_info_clear (struct skiff_layer_info *info)
{
  free (info->diff_id);
  free (info->content);
  free (info->tar_split);
  free (info->tar_split_spoiled);
  memset (info, 0, sizeof *info);
}

static int
unpack_source (struct raw_source *raw, const struct skiff_layer_unpack *opts, const char *dir,
               struct skiff_layer_info *info, char **blob, struct skiff_error **err)
{
  _cleanup_archive_read_ struct archive *outer = NULL;
  _cleanup_archive_read_ struct archive *inner = NULL;
  _cleanup_archive_write_ struct archive *disk = archive_write_disk_new ();
  _cleanup_close_ int root_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return skiff_error_make (err, errno, "open %s", dir);
  struct hashing_source src = { .hash = skiff_sha256_new (), .ts = skiff_tar_split_writer_new () };
  int r = open_readers (raw, &src, &outer, &inner);
  if (r < 0)
    {
      skiff_sha256_free (src.hash);
      skiff_tar_split_writer_free (src.ts);
      return skiff_error_make (err, 0, "%s: %s", opts->what,
                               archive_error_string (r == -1 ? outer : inner));
    }
  set_disk_options (disk);
  struct unpack u = { .what = opts->what,
                      .rootless = opts->rootless,
                      .root_fd = root_fd,
                      .in = inner,
                      .disk = disk,
                      .links = skiff_link_set_new (),
                      .devices = skiff_link_set_new (),
                      .content = skiff_content_new (),
                      .ts = src.ts };
  r = skiff_space_guard_init (&u.guard, root_fd, opts->what, err);
  if (r == 0)
    r = extract_in_dir (&u, err);
  skiff_link_set_free (u.links);
  skiff_link_set_free (u.devices);
  _cleanup_free_ char *content = NULL;
  size_t content_len = 0;
  if (r == 0)
    content = skiff_content_text (u.content, &content_len);
  if (r == 0 && drain (&src, raw, inner) < 0)
    r = skiff_error_make (err, 0, "%s: %s", opts->what,
                          *src.errmsg ? src.errmsg : archive_error_string (inner));
  struct skiff_layer_info ts = { 0 };
  if (r == 0)
    finish_tar_split (&u, &ts);
  skiff_content_free (u.content);
  skiff_tar_split_writer_free (src.ts);
  *blob = skiff_hash_thread_finish (raw->hash);
  raw->hash = NULL;
  _cleanup_free_ char *diff_id = src.hash ? skiff_sha256_finish (src.hash) : xstrdup (*blob);
  if (r == 0)
    r = check_digests (opts->what, opts->expected_diff_id, diff_id, "layer digest (DiffID)", err);
  if (r < 0)
    {
      skiff_layer_info_clear (&ts);
      return r;
    }
  /* writeback errors (EIO, ENOSPC on a filesystem that allocates late) surface here */
  if (syncfs (root_fd) < 0)
    {
      skiff_layer_info_clear (&ts);
      return skiff_error_make (err, errno, "%s: sync the unpacked layer", opts->what);
    }
  info->diff_id = steal_ptr (&diff_id);
  info->size = u.size;
  info->content = steal_ptr (&content);
  info->content_len = content_len;
  info->tar_split = ts.tar_split;
  info->tar_split_len = ts.tar_split_len;
  info->tar_split_spoiled = ts.tar_split_spoiled;
  return 0;
}

int
skiff_layer_unpack (int fd, struct archive *container, const struct skiff_layer_unpack *opts,
                    const char *dir, struct skiff_layer_info *info, struct skiff_error **err)
{
  _cleanup_free_ char *head = NULL;
  size_t head_len = 0;
  if (container == NULL)
    {
      /* a stream of anything else would be read to its end (or forever) first */
      bool whole;
      head = xmalloc (SKIFF_SNIFF_LEN);
      int r = skiff_archive_read_head (fd, opts->what, head, &head_len, &whole, err);
      if (r == 0)
        r = skiff_archive_sniff (head, head_len, whole, opts->what, err);
      if (r < 0)
        return r;
    }
  struct raw_source raw = { .fd = fd,
                            .container = container,
                            .hash = skiff_hash_thread_new (STREAM_BUF),
                            .head = head,
                            .head_len = head_len };
  _cleanup_free_ char *blob = NULL;
  int r = unpack_source (&raw, opts, dir, info, &blob, err);
  skiff_hash_thread_free (raw.hash); /* still set when the readers did not open */
  if (r < 0)
    return r;
  r = check_digests (opts->what, opts->expected_blob_digest, blob, "blob digest", err);
  if (r < 0)
    skiff_layer_info_clear (info);
  return r;
}

int
skiff_layer_unpack_fd (int fd, const char *what, const char *dir, bool rootless,
                       const char *expected_diff_id, struct skiff_layer_info *info,
                       struct skiff_error **err)
{
  const struct skiff_layer_unpack opts
      = { .what = what, .rootless = rootless, .expected_diff_id = expected_diff_id };
  return skiff_layer_unpack (fd, NULL, &opts, dir, info, err);
}
