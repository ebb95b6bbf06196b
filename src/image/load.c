/* `load`: docker-archive and OCI archives.  Pass 1 reads the archive's small JSON documents
 * (manifests, configs) and skips the layer data; then every layer's ChainID is known, so pass 2
 * unpacks only the layers the store lacks, each under a per-layer lock (concurrent loads
 * sharing a layer unpack it once), verifying DiffIDs and blob digests on the way. */
#include "load-internal.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/interrupt.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define SMALL_FILE_MAX (16 * 1024 * 1024)
#define MAX_LINK_DEPTH 8

static void
load_ctx_clear (struct load_ctx *ctx)
{
  for (size_t i = 0; i < ctx->n_files; i++)
    {
      free (ctx->files[i].path);
      free (ctx->files[i].data);
    }
  free (ctx->files);
  skiff_strv_free (ctx->link_from);
  skiff_strv_free (ctx->link_to);
  for (size_t i = 0; i < ctx->n_images; i++)
    {
      struct load_image *img = &ctx->images[i];
      free (img->config);
      skiff_strv_free (img->layer_paths);
      skiff_strv_free (img->blob_digests);
      skiff_strv_free (img->tags);
      skiff_oci_config_clear (&img->cfg);
      skiff_strv_free (img->chain_ids);
      skiff_strv_free (img->done);
    }
  free (ctx->images);
}

/* Cleans path and follows symlinks recorded in the archive. */
static char *
resolve (const struct load_ctx *ctx, const char *path)
{
  char *p = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_layer_clean_path (path, &p, &e) < 0)
    return NULL;
  for (int depth = 0; depth < MAX_LINK_DEPTH; depth++)
    {
      size_t i;
      for (i = 0; ctx->link_from && ctx->link_from[i]; i++)
        if (strcmp (ctx->link_from[i], p) == 0)
          break;
      if (ctx->link_from == NULL || ctx->link_from[i] == NULL)
        return p;
      free (p);
      p = xstrdup (ctx->link_to[i]);
    }
  free (p);
  return NULL;
}

const struct load_file *
skiff_load_find (const struct load_ctx *ctx, const char *path)
{
  _cleanup_free_ char *p = resolve (ctx, path);
  for (size_t i = 0; p && i < ctx->n_files; i++)
    if (strcmp (ctx->files[i].path, p) == 0)
      return &ctx->files[i];
  return NULL;
}

static void
add_link (struct load_ctx *ctx, const char *from, const char *target)
{
  const char *slash = strrchr (from, '/');
  _cleanup_free_ char *joined = target[0] == '/' || slash == NULL
                                    ? xstrdup (target)
                                    : xasprintf ("%.*s/%s", (int)(slash - from), from, target);
  char *clean = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_layer_clean_path (joined, &clean, &e) < 0)
    return; /* points outside the archive: unusable, ignored */
  skiff_strv_push (&ctx->link_from, from);
  skiff_strv_push_owned (&ctx->link_to, clean);
}

static int
read_small (struct load_ctx *ctx, struct archive *a, const char *path, int64_t size,
            struct skiff_error **err)
{
  char *data = xmalloc ((size_t)size + 1);
  la_ssize_t n = archive_read_data (a, data, (size_t)size);
  if (n != size)
    {
      free (data);
      return skiff_error_make (err, 0, "%s: %s: %s", ctx->what, path,
                               n < 0 ? archive_error_string (a) : "short read");
    }
  data[size] = '\0';
  const char *p = data + strspn (data, " \t\r\n");
  if (*p != '{' && *p != '[')
    {
      free (data);
      return 0;
    }
  ctx->files = xrealloc (ctx->files, (ctx->n_files + 1) * sizeof *ctx->files);
  ctx->files[ctx->n_files++]
      = (struct load_file){ .path = xstrdup (path), .data = data, .len = (size_t)size };
  return 0;
}

static int
open_archive (const struct load_ctx *ctx, struct archive **out, struct skiff_error **err)
{
  struct archive *a = archive_read_new ();
  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  archive_read_support_format_gnutar (a);
  if (archive_read_open_filename (a, ctx->archive_path, 256 * 1024) != ARCHIVE_OK)
    {
      int r = skiff_error_make (err, 0, "%s: %s", ctx->what, archive_error_string (a));
      archive_read_free (a);
      return r;
    }
  *out = a;
  return 0;
}

/* Pass 1: symlinks and small JSON documents; layer data is skipped. */
static int
scan (struct load_ctx *ctx, struct skiff_error **err)
{
  struct archive *a;
  struct archive_entry *e;
  int r = open_archive (ctx, &a, err);
  if (r < 0)
    return r;
  for (;;)
    {
      int ar = archive_read_next_header (a, &e);
      if (ar == ARCHIVE_EOF)
        break;
      if (ar < ARCHIVE_WARN)
        {
          r = skiff_error_make (err, 0, "%s: %s", ctx->what, archive_error_string (a));
          break;
        }
      _cleanup_free_ char *path = NULL;
      _cleanup_error_ struct skiff_error *pe = NULL;
      if (skiff_layer_clean_path (archive_entry_pathname (e), &path, &pe) < 0)
        continue; /* never referenced: manifests name clean paths */
      if (archive_entry_filetype (e) == AE_IFLNK)
        add_link (ctx, path, archive_entry_symlink (e));
      else if (archive_entry_filetype (e) == AE_IFREG && archive_entry_size (e) <= SMALL_FILE_MAX)
        r = read_small (ctx, a, path, archive_entry_size (e), err);
      if (r < 0)
        break;
    }
  archive_read_free (a);
  return r;
}

/* Checks existence under the store lock, so a concurrent gc cannot slip in between. */
static bool
layer_present (struct skiff_store *store, const char *chain)
{
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_store_lock (store, &e) < 0)
    return skiff_layer_exists (store, chain);
  bool r = skiff_layer_exists (store, chain);
  skiff_store_unlock (store);
  return r;
}

/* Pins every layer of every image, and records which are already present. */
static int
pin_all (struct load_ctx *ctx, struct skiff_store *store, const char *pin, struct skiff_error **err)
{
  for (size_t i = 0; i < ctx->n_images; i++)
    for (char **c = ctx->images[i].chain_ids; c && *c; c++)
      {
        int r = skiff_layer_pin (pin, *c, err);
        if (r < 0)
          return r;
        if (layer_present (store, *c))
          skiff_strv_push (&ctx->images[i].done, *c);
      }
  return 0;
}

static void
mark_done (struct load_ctx *ctx, const char *chain)
{
  for (size_t i = 0; i < ctx->n_images; i++)
    if (!skiff_strv_contains (ctx->images[i].done, chain))
      skiff_strv_push (&ctx->images[i].done, chain);
}

/* The first (image, layer) still missing whose blob is at path. */
static bool
find_missing (struct load_ctx *ctx, const char *path, struct load_image **img_out, size_t *idx)
{
  for (size_t i = 0; i < ctx->n_images; i++)
    {
      struct load_image *img = &ctx->images[i];
      for (size_t j = 0; img->layer_paths && img->layer_paths[j]; j++)
        {
          if (skiff_strv_contains (img->done, img->chain_ids[j]))
            continue;
          _cleanup_free_ char *p = resolve (ctx, img->layer_paths[j]);
          if (p && strcmp (p, path) == 0)
            {
              *img_out = img;
              *idx = j;
              return true;
            }
        }
    }
  return false;
}

static int
unpack_one (struct load_ctx *ctx, struct skiff_store *store, struct archive *a,
            struct load_image *img, size_t j, const char *pin, struct skiff_error **err)
{
  const char *chain = img->chain_ids[j];
  _cleanup_free_ char *rel = xasprintf ("layers/%s.lock", skiff_digest_hex (chain));
  _cleanup_free_ char *lock_path = skiff_store_path (store, rel);
  int lock = skiff_lock_acquire (lock_path, SKIFF_LOCK_EXCLUSIVE, err);
  if (lock < 0)
    return lock;
  int r = 0;
  if (!layer_present (store, chain))
    {
      _cleanup_free_ char *what = xasprintf ("%s: layer %s", ctx->what, img->layer_paths[j]);
      const char *blob = img->blob_digests[j];
      const struct skiff_layer_add lo = {
        .what = what,
        .parent_chain = j > 0 ? img->chain_ids[j - 1] : NULL,
        .expected_diff_id = img->cfg.diff_ids[j],
        .expected_blob_digest = *blob ? blob : NULL,
        .container = a,
        .pin_dir = pin,
      };
      _cleanup_free_ char *got_chain = NULL;
      _cleanup_free_ char *diff_id = NULL;
      log_debug ("unpacking layer %s", chain);
      r = skiff_layer_add (store, -1, &lo, &got_chain, &diff_id, NULL, err);
    }
  /* a waiter that then locks the unlinked file re-checks layer_present: at worst two unpacks,
   * never a lost or half layer */
  unlink (lock_path);
  skiff_lock_release (lock);
  if (r == 0)
    mark_done (ctx, chain);
  return r;
}

static size_t
count_missing (const struct load_ctx *ctx)
{
  size_t n = 0;
  for (size_t i = 0; i < ctx->n_images; i++)
    n += skiff_strv_len (ctx->images[i].chain_ids) - skiff_strv_len (ctx->images[i].done);
  return n;
}

/* Pass 2 (repeated while a pass makes progress: one blob can back two positions). */
static int
unpack_layers (struct load_ctx *ctx, struct skiff_store *store, const char *pin,
               struct skiff_error **err)
{
  size_t missing;
  while ((missing = count_missing (ctx)) > 0)
    {
      struct archive *a;
      struct archive_entry *e;
      int r = open_archive (ctx, &a, err);
      if (r < 0)
        return r;
      while (r == 0)
        {
          int ar = archive_read_next_header (a, &e);
          if (ar == ARCHIVE_EOF)
            break;
          if (ar < ARCHIVE_WARN)
            r = skiff_error_make (err, 0, "%s: %s", ctx->what, archive_error_string (a));
          _cleanup_free_ char *path = NULL;
          _cleanup_error_ struct skiff_error *pe = NULL;
          struct load_image *img;
          size_t j;
          if (r == 0 && archive_entry_filetype (e) == AE_IFREG
              && skiff_layer_clean_path (archive_entry_pathname (e), &path, &pe) == 0
              && find_missing (ctx, path, &img, &j))
            r = unpack_one (ctx, store, a, img, j, pin, err);
        }
      archive_read_free (a);
      if (r < 0)
        return r;
      if (count_missing (ctx) == missing)
        return skiff_error_make (err, 0, "%s: layer blobs are missing from the archive", ctx->what);
    }
  return 0;
}

static int
commit_images (struct load_ctx *ctx, struct skiff_store *store, char ***loaded,
               struct skiff_error **err)
{
  for (size_t i = 0; i < ctx->n_images; i++)
    {
      struct load_image *img = &ctx->images[i];
      _cleanup_free_ char *id = NULL;
      /* the first name under the same lock as the record: an rmi (or gc) between the two
       * would remove the new, still unnamed image */
      const char *first = img->tags ? img->tags[0] : NULL;
      int r = skiff_image_commit (store, img->config, img->config_len, first, img->manifest_type,
                                  &id, err);
      if (r < 0)
        return first ? skiff_error_prefix (err, "%s", ctx->what) : r;
      for (size_t t = 0; img->tags && img->tags[t]; t++)
        {
          r = t == 0 ? 0 : skiff_image_tag (store, id, img->tags[t], err);
          if (r < 0)
            return skiff_error_prefix (err, "%s", ctx->what);
          skiff_strv_push (loaded, img->tags[t]);
        }
      if (img->tags == NULL)
        skiff_strv_push_owned (loaded, xasprintf ("sha256:%s", id));
    }
  return 0;
}

/* Refuses what is not an archive before it is spooled or scanned. */
static int
check_head (const char *path, const char *head, size_t len, bool whole, struct skiff_error **err)
{
  bool stdin_input = strcmp (path, "-") == 0;
  if (len == 0)
    return stdin_input ? skiff_error_make (err, 0, "requested load from stdin, but stdin is empty")
                       : skiff_error_make (err, 0, "%s: the file is empty", path);
  return skiff_archive_sniff (head, len, whole, stdin_input ? "stdin" : path, err);
}

/* Copies the rest of in after the head into the spool file fd (within the space reserve). */
static int
copy_rest (int in, const char *path, int fd, const char *dest, const char *head, size_t head_len,
           struct skiff_error **err)
{
  struct skiff_space_guard guard;
  int r = skiff_space_guard_init (&guard, fd, strcmp (path, "-") == 0 ? "stdin" : path, err);
  if (r == 0)
    r = skiff_fs_write_all (fd, head, head_len, dest, err);
  _cleanup_free_ char *buf = xmalloc (1 << 20);
  while (r == 0)
    {
      if (skiff_interrupted ())
        return skiff_error_make (err, EINTR, "read %s", path);
      ssize_t n = read (in, buf, 1 << 20);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return skiff_error_make (err, errno, "read %s", path);
      if (n == 0)
        break;
      r = skiff_space_guard_charge (&guard, (uint64_t)n, err);
      if (r == 0)
        r = skiff_fs_write_all (fd, buf, (size_t)n, dest, err);
    }
  return r;
}

/* stdin / pipes are read twice: spool them into the temp dir first.  Either way the first bytes
 * must look like an archive. */
static int
spool (const char *path, int input_fd, const char *dir, char **out, struct skiff_error **err)
{
  bool from_fd = strcmp (path, "-") == 0;
  if (from_fd && input_fd < 0)
    return skiff_error_make (err, EBADF, "load from stdin: no input given");
  _cleanup_close_ int in
      = from_fd ? fcntl (input_fd, F_DUPFD_CLOEXEC, 3) : open (path, O_RDONLY | O_CLOEXEC);
  if (in < 0)
    return skiff_error_make (err, errno, "open %s", path);
  char head[SKIFF_SNIFF_LEN];
  size_t head_len;
  bool whole;
  struct stat st;
  if (fstat (in, &st) == 0 && S_ISREG (st.st_mode))
    {
      ssize_t n = pread (in, head, sizeof head, 0);
      if (n < 0)
        return skiff_error_make (err, errno, "read %s", path);
      int r = check_head (path, head, (size_t)n, n < (ssize_t)sizeof head, err);
      if (r < 0)
        return r;
      /* reopening the fd's file gives a fresh offset for each pass */
      *out = from_fd ? xasprintf ("/proc/self/fd/%d", input_fd) : xstrdup (path);
      return 0;
    }
  int r = skiff_archive_read_head (in, path, head, &head_len, &whole, err);
  if (r == 0)
    r = check_head (path, head, head_len, whole, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *dest = skiff_path_join (dir, "archive");
  _cleanup_close_ int fd = open (dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return skiff_error_make (err, errno, "create %s", dest);
  r = copy_rest (in, path, fd, dest, head, head_len, err);
  if (r < 0)
    return r;
  *out = steal_ptr (&dest);
  return 0;
}

int
skiff_image_load_archive (struct skiff_store *store, const char *path, int input_fd, char ***loaded,
                          struct skiff_error **err)
{
  _cleanup_free_ char *tmp = NULL;
  _cleanup_free_ char *archive = NULL;
  struct load_ctx ctx = { .what = strcmp (path, "-") == 0 ? "stdin" : path };
  skiff_store_reap_temp (store);
  int r = skiff_store_mktemp (store, "load", &tmp, err);
  if (r < 0)
    return r;
  r = spool (path, input_fd, tmp, &archive, err);
  ctx.archive_path = archive;
  if (r == 0)
    r = scan (&ctx, err);
  if (r == 0)
    r = skiff_load_read_manifests (&ctx, err);
  if (r == 0)
    r = pin_all (&ctx, store, tmp, err);
  if (r == 0)
    r = unpack_layers (&ctx, store, tmp, err);
  if (r == 0)
    r = commit_images (&ctx, store, loaded, err);
  load_ctx_clear (&ctx);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_rm_rf (tmp, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  if (r < 0)
    skiff_image_drop_orphans (store);
  return r;
}
