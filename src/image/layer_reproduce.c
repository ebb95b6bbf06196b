/* A stored layer's original tar stream, byte for byte: the raw parts from its tar-split record,
 * file contents read back from diff/ (every path opened beneath it, no symlink followed), the
 * whole hashed as it is written and compared with the DiffID.  A file whose size differs from
 * the stream's, or a digest that differs, means the layer changed on disk since it was stored:
 * an error, as docker's "failed to verify layer data" -- writing other bytes under the same
 * DiffID (or rewriting the config, i.e. another image ID) would hand out a different image. */
#include "image-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

#define COPY_BUF (256 * 1024)
#define TAR_SPLIT_FILE_MAX ((size_t)1 << 30)

struct reproduce
{
  const char *layer; /* names the layer in errors: its DiffID */
  int diff_fd;
  int out_fd; /* -1: only hash */
  struct skiff_sha256 *hash;
  char *buf;
  int64_t bytes;
};

static char *
layer_dir (struct skiff_store *store, const char *chain_id)
{
  _cleanup_free_ char *rel = xasprintf ("layers/%s", skiff_digest_hex (chain_id));
  return skiff_store_path (store, rel);
}

static int
read_layer_json (const char *dir, yajl_val *out, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (dir, "layer.json");
  return skiff_json_parse_file (path, out, err);
}

int
skiff_layer_tar_split_available (struct skiff_store *store, const char *chain_id, char **why,
                                 struct skiff_error **err)
{
  _cleanup_free_ char *dir = layer_dir (store, chain_id);
  _cleanup_yajl_val_ yajl_val v = NULL;
  _cleanup_free_ char *digest = NULL;
  int r = read_layer_json (dir, &v, err);
  if (r == 0)
    r = skiff_json_get_string (v, "tar_split_digest", "layer.json", &digest, err);
  if (r == 0 && digest == NULL)
    r = skiff_json_get_string (v, "tar_split_unavailable", "layer.json", why, err);
  if (r == 0 && digest == NULL && *why == NULL)
    *why = xstrdup ("it was stored by a skiff that kept no tar-split record");
  return r;
}

static int
emit (struct reproduce *p, const void *data, size_t len, struct skiff_error **err)
{
  skiff_sha256_update (p->hash, data, len);
  p->bytes += (int64_t)len;
  if (p->out_fd < 0)
    return 0;
  return skiff_fs_write_all (p->out_fd, data, len, "the layer tar", err);
}

static int
changed (struct reproduce *p, const char *path, const char *how, struct skiff_error **err)
{
  return skiff_error_make (err, 0,
                           "layer %s: %s %s since the layer was stored, so its original tar "
                           "stream cannot be reproduced (skiff system check --verify lists what "
                           "changed)",
                           p->layer, path, how);
}

static int
emit_file (struct reproduce *p, const char *path, int64_t size, struct skiff_error **err)
{
  struct open_how how
      = { .flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC,
          .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
  _cleanup_close_ int fd = (int)syscall (SYS_openat2, p->diff_fd, path, &how, sizeof how);
  struct stat st;
  if (fd < 0 && (errno == ENOENT || errno == ELOOP || errno == ENOTDIR || errno == EXDEV))
    return changed (p, path, "was removed or replaced", err);
  if (fd < 0)
    return skiff_error_make (err, errno, "layer %s: open %s", p->layer, path);
  if (fstat (fd, &st) < 0)
    return skiff_error_make (err, errno, "layer %s: stat %s", p->layer, path);
  if (!S_ISREG (st.st_mode))
    return changed (p, path, "is no longer a regular file", err);
  if (st.st_size != size)
    return changed (p, path, "changed size", err);
  while (size > 0)
    {
      size_t want = size < COPY_BUF ? (size_t)size : COPY_BUF;
      ssize_t n = read (fd, p->buf, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "layer %s: read %s", p->layer, path);
      if (n == 0)
        return changed (p, path, "shrank", err);
      int r = emit (p, p->buf, (size_t)n, err);
      if (r < 0)
        return r;
      size -= n;
    }
  return 0;
}

static int
replay (struct reproduce *p, const char *record, size_t len, struct skiff_error **err)
{
  struct skiff_tar_split_reader *rd = NULL;
  int r = skiff_tar_split_reader_new (record, len, &rd, err);
  while (r == 0)
    {
      struct skiff_tar_split_record rec;
      r = skiff_tar_split_next (rd, &rec, err);
      if (r < 0 || rec.kind == SKIFF_TAR_SPLIT_END)
        break;
      r = rec.kind == SKIFF_TAR_SPLIT_RAW ? emit (p, rec.data, rec.len, err)
                                          : emit_file (p, rec.path, rec.size, err);
    }
  skiff_tar_split_reader_free (rd);
  return r;
}

/* The record's bytes, checked against the digest layer.json gives for it. */
static int
read_record (const char *dir, yajl_val v, const char *layer, char **out, size_t *len,
             struct skiff_error **err)
{
  _cleanup_free_ char *want = NULL;
  _cleanup_free_ char *path = skiff_path_join (dir, SKIFF_TAR_SPLIT_FILE_NAME);
  int r = skiff_json_get_string (v, "tar_split_digest", "layer.json", &want, err);
  if (r == 0 && want == NULL)
    r = skiff_error_make (err, 0, "layer %s: no tar-split record", layer);
  if (r < 0)
    return r;
  struct stat st;
  if (stat (path, &st) == 0 && (size_t)st.st_size > TAR_SPLIT_FILE_MAX)
    return skiff_error_make (err, 0, "layer %s: tar-split record of %lld bytes is too large", layer,
                             (long long)st.st_size);
  r = skiff_fs_read_file (path, out, len, err);
  if (r < 0)
    return skiff_error_prefix (err, "layer %s", layer);
  _cleanup_free_ char *got = skiff_sha256_digest (*out, *len);
  if (strcmp (got, want) != 0)
    {
      free (*out);
      *out = NULL;
      return skiff_error_make (
          err, 0, "layer %s: tar-split record digest is %s, layer.json says %s", layer, got, want);
    }
  return 0;
}

int
skiff_layer_reproduce (struct skiff_store *store, const char *chain_id, const char *diff_id,
                       int out_fd, int64_t *bytes, struct skiff_error **err)
{
  _cleanup_free_ char *dir = layer_dir (store, chain_id);
  _cleanup_free_ char *diff = skiff_path_join (dir, "diff");
  _cleanup_yajl_val_ yajl_val v = NULL;
  _cleanup_free_ char *record = NULL;
  size_t len = 0;
  int r = read_layer_json (dir, &v, err);
  if (r == 0)
    r = read_record (dir, v, diff_id, &record, &len, err);
  if (r < 0)
    return r;
  _cleanup_close_ int diff_fd = open (diff, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (diff_fd < 0)
    return skiff_error_make (err, errno, "layer %s: open %s", diff_id, diff);
  struct reproduce p = { .layer = diff_id,
                         .diff_fd = diff_fd,
                         .out_fd = out_fd,
                         .hash = skiff_sha256_new (),
                         .buf = xmalloc (COPY_BUF) };
  r = replay (&p, record, len, err);
  free (p.buf);
  _cleanup_free_ char *got = skiff_sha256_finish (p.hash);
  if (r < 0)
    return r;
  if (strcmp (got, diff_id) != 0)
    return skiff_error_make (err, 0,
                             "layer %s: the reproduced tar stream has digest %s: the layer's "
                             "files changed since it was stored (skiff system check --verify "
                             "lists what changed)",
                             diff_id, got);
  if (bytes)
    *bytes = p.bytes;
  return 0;
}
