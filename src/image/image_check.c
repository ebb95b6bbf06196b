/* `system check`: the image store's invariants -- every name points to an image, every image
 * has its config blob (matching its ID) and complete layers, no incomplete layer dirs, no
 * leftovers of dead processes in tmp/ -- and, with repair, the fixes.  With verify, every
 * layer's files are also read and compared with the content record its unpack wrote. */
#include "image-internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct check
{
  struct skiff_store *store;
  bool repair;
  bool verify;
  char ***problems;
};

static void problem (struct check *c, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

static void
problem (struct check *c, const char *fmt, ...)
{
  va_list ap;
  char *msg = NULL;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  skiff_strv_push_owned (c->problems, msg);
}

static bool
image_ok (struct check *c, const char *id)
{
  _cleanup_free_ char *rel = xasprintf ("images/%s/image.json", id);
  _cleanup_free_ char *json = skiff_store_path (c->store, rel);
  _cleanup_free_ char *blob_rel = xasprintf ("blobs/sha256/%s", id);
  _cleanup_free_ char *blob = skiff_store_path (c->store, blob_rel);
  _cleanup_yajl_val_ yajl_val v = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  _cleanup_strv_ char **chain = NULL;
  _cleanup_free_ char *config = NULL;
  size_t len = 0;
  if (skiff_json_parse_file (json, &v, &e) < 0
      || skiff_json_get_strv (v, "chain_ids", json, &chain, &e) < 0)
    {
      problem (c, "image %s: unreadable record: %s", id, e->msg);
      return false;
    }
  if (skiff_fs_read_file (blob, &config, &len, &e) < 0)
    {
      problem (c, "image %s: config blob: %s", id, e->msg);
      return false;
    }
  _cleanup_free_ char *digest = skiff_sha256_digest (config, len);
  if (strcmp (digest + 7, id) != 0)
    {
      problem (c, "image %s: config blob digest is %s", id, digest);
      return false;
    }
  bool ok = true;
  for (size_t i = 0; chain && chain[i]; i++)
    if (!skiff_layer_exists (c->store, chain[i]))
      {
        problem (c, "image %s: layer %s is missing", id, chain[i]);
        ok = false;
      }
  return ok;
}

static int
check_images (struct check *c, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (c->store, "images");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  if (d == NULL)
    return skiff_error_make (err, errno, "open %s", dir);
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      if (skiff_reference_is_id (de->d_name) && image_ok (c, de->d_name))
        continue;
      if (!skiff_reference_is_id (de->d_name))
        problem (c, "images/%s: not an image ID", de->d_name);
      if (c->repair)
        {
          int r = skiff_image_discard (c->store, path, err);
          if (r < 0)
            return r;
        }
    }
  return 0;
}

static int
check_names (struct check *c, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (c->store, "names/images");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.')
        continue;
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      /* NAME.tmp.PID: a link being renamed into place; a dead writer's is a leftover (it may
       * point to an image that exists now, and dangle once that image goes) */
      const char *tmp = strrchr (de->d_name, '.');
      size_t digits = tmp ? strlen (tmp + 1) : 0;
      if (tmp != NULL && tmp - de->d_name > 4 && strncmp (tmp - 4, ".tmp.", 5) == 0 && digits > 0
          && digits < 12 && strspn (tmp + 1, "0123456789") == digits)
        {
          char owner[32];
          snprintf (owner, sizeof owner, "name-%.11s", tmp + 1);
          if (skiff_store_temp_alive (owner))
            continue;
          problem (c, "names/images/%s: a temporary name left by a dead process", de->d_name);
          if (c->repair && unlink (path) < 0 && errno != ENOENT)
            return skiff_error_make (err, errno, "unlink %s", path);
          continue;
        }
      _cleanup_free_ char *name = skiff_image_unescape_name (de->d_name);
      char target[128];
      ssize_t n = readlink (path, target, sizeof target - 1);
      target[n > 0 ? n : 0] = '\0';
      _cleanup_free_ char *rel = xasprintf ("images/%s/image.json", target);
      _cleanup_free_ char *json = skiff_store_path (c->store, rel);
      if (n > 0 && skiff_reference_is_id (target) && skiff_fs_exists (json))
        continue;
      problem (c, "name %s points to a missing image %s", name, n > 0 ? target : "(not a link)");
      if (c->repair && unlink (path) < 0)
        return skiff_error_make (err, errno, "unlink %s", path);
    }
  return 0;
}

/* The tar-split record (if the layer has one) against its digest, and the stream it rebuilds
 * against the DiffID. */
static bool
layer_tar_split_ok (struct check *c, const char *hex, yajl_val layer_json)
{
  _cleanup_free_ char *want = NULL;
  _cleanup_free_ char *diff_id = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_json_get_string (layer_json, "tar_split_digest", "layer.json", &want, &e) < 0
      || skiff_json_get_string (layer_json, "diff_id", "layer.json", &diff_id, &e) < 0)
    {
      problem (c, "layer %s: unreadable record: %s", hex, e->msg);
      return false;
    }
  if (want == NULL)
    return true; /* none was kept: save re-packs it */
  if (diff_id == NULL)
    {
      problem (c, "layer %s: layer.json has no diff_id", hex);
      return false;
    }
  _cleanup_free_ char *chain = xasprintf ("sha256:%s", hex);
  if (skiff_layer_reproduce (c->store, chain, diff_id, -1, NULL, &e) < 0)
    {
      problem (c, "%s", e->msg);
      return false;
    }
  return true;
}

/* The files of layers/<hex>/diff against layers/<hex>/content; false on a difference.  A layer
 * unpacked by a skiff without content records (no content_digest) is not verified. */
static bool
layer_content_ok (struct check *c, const char *hex)
{
  _cleanup_free_ char *rel = xasprintf ("layers/%s", hex);
  _cleanup_free_ char *dir = skiff_store_path (c->store, rel);
  _cleanup_free_ char *json = skiff_path_join (dir, "layer.json");
  _cleanup_free_ char *record_path = skiff_path_join (dir, "content");
  _cleanup_free_ char *diff = skiff_path_join (dir, "diff");
  _cleanup_yajl_val_ yajl_val v = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  _cleanup_free_ char *want = NULL;
  _cleanup_free_ char *record = NULL;
  size_t rlen = 0, flen = 0;
  if (skiff_json_parse_file (json, &v, &e) < 0
      || skiff_json_get_string (v, "content_digest", json, &want, &e) < 0)
    {
      problem (c, "layer %s: unreadable record: %s", hex, e->msg);
      return false;
    }
  if (want == NULL)
    return true;
  if (skiff_fs_read_file (record_path, &record, &rlen, &e) < 0)
    {
      problem (c, "layer %s: content record: %s", hex, e->msg);
      return false;
    }
  _cleanup_free_ char *got = skiff_sha256_digest (record, rlen);
  if (strcmp (got, want) != 0)
    {
      problem (c, "layer %s: content record digest is %s, layer.json says %s", hex, got, want);
      return false;
    }
  _cleanup_free_ char *found = skiff_content_scan (diff, &flen, &e);
  if (found == NULL)
    {
      problem (c, "layer %s: %s", hex, e->msg);
      return false;
    }
  _cleanup_free_ char *difference = skiff_content_first_difference (record, rlen, found, flen);
  if (difference)
    problem (c, "layer %s: %s", hex, difference);
  return difference == NULL && layer_tar_split_ok (c, hex, v);
}

static int
check_layers (struct check *c, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (c->store, "layers");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    {
      if (!skiff_reference_is_id (de->d_name))
        continue;
      _cleanup_free_ char *chain = xasprintf ("sha256:%s", de->d_name);
      bool complete = skiff_layer_exists (c->store, chain);
      if (complete && (!c->verify || layer_content_ok (c, de->d_name)))
        continue;
      if (!complete)
        problem (c, "layer %s is incomplete", de->d_name);
      _cleanup_free_ char *path = skiff_path_join (dir, de->d_name);
      if (c->repair)
        {
          int r = skiff_image_discard (c->store, path, err);
          if (r < 0)
            return r;
        }
    }
  return 0;
}

static void
check_temp (struct check *c)
{
  _cleanup_free_ char *dir = skiff_store_path (c->store, "tmp");
  _cleanup_closedir_ DIR *d = opendir (dir);
  struct dirent *de;
  while (d && (de = readdir (d)) != NULL)
    if (de->d_name[0] != '.' && !skiff_store_temp_alive (de->d_name))
      problem (c, "leftover temporary directory tmp/%s", de->d_name);
  if (c->repair)
    skiff_store_reap_temp (c->store);
}

int
skiff_image_check (struct skiff_store *store, bool repair, bool verify, char ***problems,
                   struct skiff_error **err)
{
  struct check c = { .store = store, .repair = repair, .verify = verify, .problems = problems };
  int r = skiff_store_lock (store, err);
  if (r < 0)
    return r;
  check_temp (&c);
  r = check_layers (&c, err);
  if (r == 0)
    r = check_images (&c, err);
  if (r == 0)
    r = check_names (&c, err);
  if (r == 0 && repair)
    r = skiff_image_gc_locked (store, NULL, err);
  skiff_store_unlock (store);
  return r;
}
