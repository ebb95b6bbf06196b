/* Unpacked layers: layers/<chain-hex>/{diff/,layer.json,complete}.  A layer is unpacked in a
 * private temp dir and renamed into place under the store lock, so a half-unpacked layer is
 * never visible and a crash leaves only a temp dir for the reaper. */
#include "image-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/json.h"
#include "skiff/log.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

static char *
layer_dir (struct skiff_store *store, const char *chain_id)
{
  _cleanup_free_ char *rel = xasprintf ("layers/%s", skiff_digest_hex (chain_id));
  return skiff_store_path (store, rel);
}

bool
skiff_layer_exists (struct skiff_store *store, const char *chain_id)
{
  _cleanup_free_ char *dir = layer_dir (store, chain_id);
  _cleanup_free_ char *marker = skiff_path_join (dir, "complete");
  return skiff_fs_exists (marker);
}

int64_t
skiff_layer_size (struct skiff_store *store, const char *chain_id)
{
  _cleanup_free_ char *dir = layer_dir (store, chain_id);
  _cleanup_free_ char *path = skiff_path_join (dir, "layer.json");
  _cleanup_yajl_val_ yajl_val v = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  int64_t size = 0;
  if (skiff_json_parse_file (path, &v, &e) < 0
      || skiff_json_get_int (v, "size", path, &size, &e) < 0)
    return 0;
  return size;
}

/* layers/<hex>/content: what the unpack wrote (layer_content.c), for `system check --verify`. */
static int
write_content (const char *tmp, const struct skiff_layer_info *info, char **digest,
               struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_path_join (tmp, "content");
  int r = skiff_fs_write_atomic (path, info->content, info->content_len, 0600, SKIFF_WRITE_DURABLE,
                                 err);
  if (r == 0)
    *digest = skiff_sha256_digest (info->content, info->content_len);
  return r;
}

/* layers/<hex>/tar-split: the layer's tar stream less its file contents (tar_split.c), for
 * `save` to give back the original bytes.  Written before the complete marker, so a layer
 * never appears with half a record. */
static int
write_tar_split (const char *tmp, const struct skiff_layer_info *info, char **digest,
                 struct skiff_error **err)
{
  if (info->tar_split == NULL)
    return 0;
  _cleanup_free_ char *path = skiff_path_join (tmp, SKIFF_TAR_SPLIT_FILE_NAME);
  int r = skiff_fs_write_atomic (path, info->tar_split, info->tar_split_len, 0600,
                                 SKIFF_WRITE_DURABLE, err);
  if (r == 0)
    *digest = skiff_sha256_digest (info->tar_split, info->tar_split_len);
  return r;
}

static int
write_layer_json (const char *tmp, const char *chain, const char *parent,
                  const struct skiff_layer_info *info, struct skiff_error **err)
{
  _cleanup_free_ char *content_digest = NULL;
  _cleanup_free_ char *tar_split_digest = NULL;
  int r = write_content (tmp, info, &content_digest, err);
  if (r == 0)
    r = write_tar_split (tmp, info, &tar_split_digest, err);
  if (r < 0)
    return r;
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  _cleanup_free_ char *created = skiff_time_format (&now);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "id", chain);
  skiff_json_gen_key_string (g, "parent", parent);
  skiff_json_gen_key_string (g, "diff_id", info->diff_id);
  skiff_json_gen_key_int (g, "size", info->size);
  skiff_json_gen_key_string (g, "content_digest", content_digest);
  if (tar_split_digest)
    {
      skiff_json_gen_key_string (g, "tar_split_digest", tar_split_digest);
      skiff_json_gen_key_int (g, "tar_split_size", (int64_t)info->tar_split_len);
    }
  else
    skiff_json_gen_key_string (g, "tar_split_unavailable", info->tar_split_spoiled);
  skiff_json_gen_key_string (g, "created", created);
  yajl_gen_map_close (g);
  size_t len;
  _cleanup_free_ char *text = skiff_json_gen_finish (g, &len);
  _cleanup_free_ char *path = skiff_path_join (tmp, "layer.json");
  r = skiff_fs_write_atomic (path, text, len, 0600, SKIFF_WRITE_DURABLE, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *marker = skiff_path_join (tmp, "complete");
  return skiff_fs_write_atomic (marker, "", 0, 0600, SKIFF_WRITE_DURABLE, err);
}

/* Moves tmp into layers/<hex> unless a complete copy is already there. */
static int
commit_layer (struct skiff_store *store, const char *tmp, const char *chain,
              struct skiff_error **err)
{
  int r = skiff_store_lock (store, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *dir = layer_dir (store, chain);
  if (skiff_layer_exists (store, chain))
    log_debug ("layer %s already present", chain);
  else
    {
      /* an incomplete leftover of an older skiff: replace it */
      r = skiff_fs_rm_rf (dir, err);
      if (r == 0 && rename (tmp, dir) < 0)
        r = skiff_error_make (err, errno, "rename %s to %s", tmp, dir);
      if (r == 0) /* image records that name the layer are written durably after this */
        r = skiff_fs_fsync_parent (dir, err);
    }
  skiff_store_unlock (store);
  return r;
}

int
skiff_layer_pin (const char *pin_dir, const char *chain_id, struct skiff_error **err)
{
  _cleanup_free_ char *name = xasprintf ("pin-%s", skiff_digest_hex (chain_id));
  _cleanup_free_ char *path = skiff_path_join (pin_dir, name);
  return skiff_fs_write_atomic (path, "", 0, 0600, 0, err);
}

int
skiff_layer_add (struct skiff_store *store, int fd, const struct skiff_layer_add *opts,
                 char **chain_out, char **diff_id_out, int64_t *size_out, struct skiff_error **err)
{
  const char *parent_chain = opts->parent_chain;
  _cleanup_free_ char *tmp = NULL;
  int r = skiff_store_mktemp (store, "layer", &tmp, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *diff = skiff_path_join (tmp, "diff");
  struct skiff_layer_info info = { 0 };
  _cleanup_free_ char *chain = NULL;
  if (mkdir (diff, 0755) < 0)
    r = skiff_error_make (err, errno, "mkdir %s", diff);
  if (r == 0)
    {
      const struct skiff_layer_unpack uo = { .what = opts->what,
                                             .rootless = store->rootless,
                                             .expected_diff_id = opts->expected_diff_id,
                                             .expected_blob_digest = opts->expected_blob_digest };
      r = skiff_layer_unpack (fd, opts->container, &uo, diff, &info, err);
    }
  if (r == 0)
    {
      chain = skiff_chain_id (parent_chain, info.diff_id);
      r = write_layer_json (tmp, chain, parent_chain, &info, err);
    }
  if (r == 0 && opts->pin_dir)
    r = skiff_layer_pin (opts->pin_dir, chain, err);
  if (r == 0)
    r = commit_layer (store, tmp, chain, err);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_rm_rf (tmp, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  if (r < 0)
    {
      skiff_layer_info_clear (&info);
      return r;
    }
  *chain_out = steal_ptr (&chain);
  *diff_id_out = steal_ptr (&info.diff_id);
  if (size_out)
    *size_out = info.size;
  skiff_layer_info_clear (&info);
  return 0;
}
