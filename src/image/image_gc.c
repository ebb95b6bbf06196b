/* Garbage collection of layers and blobs no image record (or in-flight load/import) uses. */
#include "image-internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

int
skiff_image_discard (struct skiff_store *store, const char *path, struct skiff_error **err)
{
  return skiff_store_discard (store, "rm", path, err);
}

bool
skiff_image_is_removed (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *rel = xasprintf ("images/%s/removed", id);
  _cleanup_free_ char *path = skiff_store_path (store, rel);
  return skiff_fs_exists (path);
}

/* A removed record no container uses any more goes; true when it went. */
static bool
drop_removed (struct skiff_store *store, const char *dir, const char *id)
{
  bool running;
  _cleanup_free_ char *user = NULL;
  if (!skiff_image_is_removed (store, id) || (user = skiff_image_user (store, id, &running)))
    return false;
  _cleanup_free_ char *path = skiff_path_join (dir, id);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_image_discard (store, path, &e) < 0)
    {
      skiff_error_log_drop (&e, SKIFF_LOG_WARN);
      return false;
    }
  return true;
}

/* Chain IDs (hex) referenced by image records. */
static void
collect_image_layers (struct skiff_store *store, char ***used, char ***ids)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "images");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (!skiff_reference_is_id (de->d_name) || drop_removed (store, dir, de->d_name))
        continue;
      _cleanup_free_ char *path = xasprintf ("%s/%s/image.json", dir, de->d_name);
      _cleanup_yajl_val_ yajl_val v = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      _cleanup_strv_ char **chain = NULL;
      if (skiff_json_parse_file (path, &v, &e) < 0
          || skiff_json_get_strv (v, "chain_ids", path, &chain, &e) < 0)
        {
          /* unreadable record: keep everything rather than guess */
          log_warn ("image record %s: %s", path, e ? e->msg : "unreadable");
          skiff_strv_push (used, "*");
          continue;
        }
      skiff_strv_push (ids, de->d_name);
      for (size_t i = 0; chain && chain[i]; i++)
        skiff_strv_push (used, skiff_digest_hex (chain[i]));
    }
}

/* Chain IDs pinned by live loads/imports (tmp/<dir>/pin-<hex>); dead dirs were reaped. */
static void
collect_pins (struct skiff_store *store, char ***used)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "tmp");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      _cleanup_free_ char *sub = skiff_path_join (dir, de->d_name);
      _cleanup_closedir_ DIR *sd = opendir (sub);
      struct dirent *se;
      while (sd && (se = readdir (sd)) != NULL)
        if (strncmp (se->d_name, "pin-", 4) == 0)
          skiff_strv_push (used, se->d_name + 4);
    }
}

static int
gc_layers (struct skiff_store *store, char *const *used, int64_t *reclaimed,
           struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "layers");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  if (d == NULL)
    return skiff_error_make (err, errno, "open %s", dir);
  while ((de = readdir (d)) != NULL)
    {
      if (!skiff_reference_is_id (de->d_name) || skiff_strv_contains (used, de->d_name))
        continue;
      _cleanup_free_ char *chain = xasprintf ("sha256:%s", de->d_name);
      int64_t size = skiff_layer_size (store, chain);
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      int r = skiff_image_discard (store, path, err);
      if (r < 0)
        return r;
      log_debug ("removed layer %s", de->d_name);
      if (reclaimed)
        *reclaimed += size;
    }
  return 0;
}

static int
gc_blobs (struct skiff_store *store, char *const *ids, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "blobs/sha256");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (!skiff_reference_is_id (de->d_name) || skiff_strv_contains (ids, de->d_name))
        continue;
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      if (unlink (path) < 0 && errno != ENOENT)
        return skiff_error_make (err, errno, "unlink %s", path);
    }
  return 0;
}

void
skiff_image_drop_orphans (struct skiff_store *store)
{
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_store_lock (store, &e) == 0)
    {
      if (skiff_image_gc_locked (store, NULL, &e) < 0)
        skiff_error_log_drop (&e, SKIFF_LOG_WARN);
      skiff_store_unlock (store);
    }
}

int
skiff_image_gc_locked (struct skiff_store *store, int64_t *reclaimed, struct skiff_error **err)
{
  _cleanup_strv_ char **used = NULL;
  _cleanup_strv_ char **ids = NULL;
  skiff_store_reap_temp (store);
  collect_image_layers (store, &used, &ids);
  if (skiff_strv_contains (used, "*"))
    return 0;
  collect_pins (store, &used);
  int r = gc_layers (store, used, reclaimed, err);
  if (r == 0)
    r = gc_blobs (store, ids, err);
  return r;
}
