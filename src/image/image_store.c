/* Image records (images/<id>/image.json + blobs/sha256/<id> config) and names
 * (names/images/<escaped-ref> -> id symlinks; the symlinks are the truth, the names list in
 * image.json is a cache that readers verify). */
#include "image-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

char *
skiff_image_escape_name (const char *name)
{
  char *out = xmalloc (strlen (name) * 3 + 1);
  char *o = out;
  for (const char *p = name; *p; p++)
    if (*p == '/')
      o = stpcpy (o, "%2F");
    else
      *o++ = *p;
  *o = '\0';
  return out;
}

char *
skiff_image_unescape_name (const char *escaped)
{
  char *out = xmalloc (strlen (escaped) + 1);
  char *o = out;
  for (const char *p = escaped; *p; p++)
    if (strncmp (p, "%2F", 3) == 0)
      {
        *o++ = '/';
        p += 2;
      }
    else
      *o++ = *p;
  *o = '\0';
  return out;
}

void
skiff_image_free (struct skiff_image *img)
{
  if (img == NULL)
    return;
  free (img->id);
  skiff_strv_free (img->names);
  skiff_strv_free (img->diff_ids);
  skiff_strv_free (img->chain_ids);
  free (img->created);
  free (img->architecture);
  free (img->os);
  skiff_image_config_clear (&img->config);
  free (img);
}

void
skiff_image_list_free (struct skiff_image **list)
{
  for (size_t i = 0; list && list[i]; i++)
    skiff_image_free (list[i]);
  free (list);
}

static char *
name_link_path (struct skiff_store *store, const char *name)
{
  _cleanup_free_ char *esc = skiff_image_escape_name (name);
  _cleanup_free_ char *rel = xasprintf ("names/images/%s", esc);
  return skiff_store_path (store, rel);
}

/* The id a name points to, or NULL. */
static char *
name_target (struct skiff_store *store, const char *name)
{
  _cleanup_free_ char *link = name_link_path (store, name);
  char buf[128];
  ssize_t n = readlink (link, buf, sizeof buf - 1);
  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  return xstrdup (buf);
}

static char *
image_json_path (struct skiff_store *store, const char *id)
{
  _cleanup_free_ char *rel = xasprintf ("images/%s/image.json", id);
  return skiff_store_path (store, rel);
}

/* Fills the runtime config from the config blob. */
static int
load_config (struct skiff_store *store, struct skiff_image *img, struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("blobs/sha256/%s", img->id);
  _cleanup_free_ char *path = skiff_store_path (store, rel);
  _cleanup_free_ char *text = NULL;
  int r = skiff_fs_read_file (path, &text, NULL, err);
  if (r < 0)
    return r;
  struct skiff_oci_config cfg;
  r = skiff_oci_config_parse (text, path, &cfg, err);
  if (r < 0)
    return r;
  img->architecture = steal_ptr (&cfg.architecture);
  img->os = steal_ptr (&cfg.os);
  img->config = cfg.config;
  memset (&cfg.config, 0, sizeof cfg.config);
  skiff_oci_config_clear (&cfg);
  return 0;
}

int
skiff_image_load (struct skiff_store *store, const char *id, struct skiff_image **out,
                  struct skiff_error **err)
{
  _cleanup_free_ char *path = image_json_path (store, id);
  _cleanup_yajl_val_ yajl_val v = NULL;
  _cleanup_image_ struct skiff_image *img = xzalloc (sizeof *img);
  _cleanup_strv_ char **names = NULL;
  img->id = xstrdup (id);
  int r = skiff_json_parse_file (path, &v, err);
  if (r == 0)
    r = skiff_json_get_strv (v, "diff_ids", path, &img->diff_ids, err);
  if (r == 0)
    r = skiff_json_get_strv (v, "chain_ids", path, &img->chain_ids, err);
  if (r == 0)
    r = skiff_json_get_strv (v, "names", path, &names, err);
  if (r == 0)
    r = skiff_json_get_string (v, "created", path, &img->created, err);
  if (r == 0)
    r = skiff_json_get_int (v, "size", path, &img->size, err);
  if (r == 0)
    r = load_config (store, img, err);
  if (r < 0)
    return r;
  for (size_t i = 0; names && names[i]; i++)
    {
      _cleanup_free_ char *t = name_target (store, names[i]);
      if (t && strcmp (t, id) == 0)
        skiff_strv_push (&img->names, names[i]);
    }
  *out = steal_ptr (&img);
  return 0;
}

/* Writes image.json into dir (NULL: the image's record dir). */
static int
write_record (struct skiff_store *store, const struct skiff_image *img, const char *config_digest,
              const char *dir, struct skiff_error **err)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (true);
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "id", img->id);
  skiff_json_gen_key_string (g, "config_digest", config_digest);
  skiff_json_gen_key_strv (g, "diff_ids", img->diff_ids, true);
  skiff_json_gen_key_strv (g, "chain_ids", img->chain_ids, true);
  skiff_json_gen_key_strv (g, "names", img->names, true);
  skiff_json_gen_key_string (g, "created", img->created);
  skiff_json_gen_key_int (g, "size", img->size);
  yajl_gen_map_close (g);
  size_t len;
  _cleanup_free_ char *text = skiff_json_gen_finish (g, &len);
  _cleanup_free_ char *path
      = dir ? skiff_path_join (dir, "image.json") : image_json_path (store, img->id);
  return skiff_fs_write_atomic (path, text, len, 0600, SKIFF_WRITE_DURABLE, err);
}

/* Rewrites the names cache of image id (add or remove name); missing image is fine. */
static int
update_names (struct skiff_store *store, const char *id, const char *add, const char *remove,
              struct skiff_error **err)
{
  _cleanup_image_ struct skiff_image *img = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_image_load (store, id, &img, &e) < 0)
    return 0;
  char **kept = NULL;
  for (size_t i = 0; img->names && img->names[i]; i++)
    if (!(remove && strcmp (img->names[i], remove) == 0))
      skiff_strv_push (&kept, img->names[i]);
  if (add && !skiff_strv_contains (kept, add))
    skiff_strv_push (&kept, add);
  skiff_strv_free (img->names);
  img->names = kept;
  _cleanup_free_ char *digest = xasprintf ("sha256:%s", id);
  return write_record (store, img, digest, NULL, err);
}

int
skiff_image_drop_name_locked (struct skiff_store *store, const char *id, const char *name,
                              struct skiff_error **err)
{
  _cleanup_free_ char *link = name_link_path (store, name);
  _cleanup_free_ char *old = name_target (store, name);
  if (old && strcmp (old, id) == 0 && unlink (link) < 0 && errno != ENOENT)
    return skiff_error_make (err, errno, "unlink %s", link);
  return update_names (store, id, NULL, name, err);
}

int
skiff_image_set_name_locked (struct skiff_store *store, const char *id, const char *name,
                             struct skiff_error **err)
{
  _cleanup_free_ char *link = name_link_path (store, name);
  _cleanup_free_ char *tmp = xasprintf ("%s.tmp.%d", link, (int)getpid ());
  _cleanup_free_ char *old = name_target (store, name);
  unlink (tmp);
  if (symlink (id, tmp) < 0)
    return skiff_error_make (err, errno, "symlink %s", tmp);
  if (rename (tmp, link) < 0)
    {
      int e = errno;
      unlink (tmp);
      return skiff_error_make (err, e, "rename %s", link);
    }
  int r = skiff_fs_fsync_parent (link, err);
  if (r == 0 && old && strcmp (old, id) != 0)
    r = update_names (store, old, NULL, name, err);
  if (r == 0)
    r = update_names (store, id, name, NULL, err);
  return r;
}

/* The record dir appears complete: built in a temp dir and renamed in, so a killed load never
 * leaves images/<id>/ without image.json.  An existing dir (a removed image coming back) has
 * its image.json replaced atomically in place. */
static int
place_record (struct skiff_store *store, const struct skiff_image *img, const char *digest,
              const char *dir, struct skiff_error **err)
{
  if (skiff_fs_exists (dir))
    return write_record (store, img, digest, NULL, err);
  _cleanup_free_ char *tmp = NULL;
  int r = skiff_store_mktemp (store, "img", &tmp, err);
  if (r == 0)
    r = write_record (store, img, digest, tmp, err);
  if (r == 0 && rename (tmp, dir) < 0)
    r = skiff_error_make (err, errno, "rename %s to %s", tmp, dir);
  if (r < 0)
    {
      skiff_fs_rm_rf (tmp, NULL);
      return r;
    }
  return skiff_fs_fsync_parent (dir, err);
}

/* Writes blob + record for a new image; caller holds the lock. */
static int
create_record (struct skiff_store *store, const char *id, const char *config, size_t config_len,
               struct skiff_error **err)
{
  struct skiff_oci_config cfg;
  _cleanup_free_ char *blob_rel = xasprintf ("blobs/sha256/%s", id);
  _cleanup_free_ char *blob = skiff_store_path (store, blob_rel);
  int r = skiff_oci_config_parse (config, "image config", &cfg, err);
  if (r < 0)
    return r;
  struct skiff_image img = { .id = (char *)id, .diff_ids = cfg.diff_ids, .created = cfg.created };
  img.chain_ids = skiff_chain_ids (cfg.diff_ids);
  for (size_t i = 0; img.chain_ids && img.chain_ids[i]; i++)
    {
      if (!skiff_layer_exists (store, img.chain_ids[i]))
        {
          r = skiff_error_make (err, 0, "image %s: layer %s is missing", id, img.chain_ids[i]);
          break;
        }
      img.size += skiff_layer_size (store, img.chain_ids[i]);
    }
  _cleanup_free_ char *dir_rel = xasprintf ("images/%s", id);
  _cleanup_free_ char *dir = skiff_store_path (store, dir_rel);
  if (r == 0)
    r = skiff_fs_write_atomic (blob, config, config_len, 0600, SKIFF_WRITE_DURABLE, err);
  if (r == 0)
    r = place_record (store, &img, blob_rel + 6, dir, err);
  skiff_strv_free (img.chain_ids);
  skiff_oci_config_clear (&cfg);
  return r;
}

/* The image comes back (load/import of an image rmi -f removed while a container used it). */
static int
revive (struct skiff_store *store, const char *id, struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("images/%s/removed", id);
  _cleanup_free_ char *marker = skiff_store_path (store, rel);
  if (unlink (marker) < 0 && errno != ENOENT)
    return skiff_error_make (err, errno, "unlink %s", marker);
  return skiff_fs_fsync_parent (marker, err);
}

int
skiff_image_commit (struct skiff_store *store, const char *config, size_t config_len,
                    const char *ref, const char *manifest_type, char **id_out,
                    struct skiff_error **err)
{
  _cleanup_free_ char *digest = skiff_sha256_digest (config, config_len);
  const char *id = skiff_digest_hex (digest);
  _cleanup_free_ char *name = NULL;
  if (ref)
    {
      struct skiff_reference parsed;
      int r = skiff_reference_parse (ref, &parsed, err);
      if (r < 0)
        return r;
      name = skiff_reference_string (&parsed);
      skiff_reference_clear (&parsed);
    }
  int r = skiff_store_lock (store, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *json = image_json_path (store, id);
  bool removed = skiff_image_is_removed (store, id);
  bool fresh = !skiff_fs_exists (json);
  if (fresh || removed)
    r = create_record (store, id, config, config_len, err);
  if (r == 0 && manifest_type
      && (r = skiff_image_set_manifest_type_locked (store, id, manifest_type, err)) < 0 && fresh)
    {
      /* the new record goes again: a failed commit leaves the store as it was */
      _cleanup_free_ char *dir_rel = xasprintf ("images/%s", id);
      _cleanup_free_ char *dir = skiff_store_path (store, dir_rel);
      skiff_fs_rm_rf (dir, NULL);
    }
  if (r == 0 && removed)
    r = revive (store, id, err);
  if (r == 0 && name)
    r = skiff_image_set_name_locked (store, id, name, err);
  skiff_store_unlock (store);
  if (r < 0)
    return r;
  *id_out = xstrdup (id);
  return 0;
}

int
skiff_image_list (struct skiff_store *store, struct skiff_image ***out, struct skiff_error **err)
{
  _cleanup_free_ char *dir = skiff_store_path (store, "images");
  _cleanup_closedir_ DIR *d = opendir (dir);
  if (d == NULL)
    return skiff_error_make (err, errno, "open %s", dir);
  struct skiff_image **list = xzalloc (sizeof *list);
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (!skiff_reference_is_id (de->d_name) || skiff_image_is_removed (store, de->d_name))
        continue;
      _cleanup_free_ char *json = image_json_path (store, de->d_name);
      if (!skiff_fs_exists (json))
        continue; /* an incomplete record of an older skiff: `system check --repair` removes it */
      struct skiff_image *img = NULL;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_image_load (store, de->d_name, &img, &e) < 0)
        {
          skiff_error_log_dropf (&e, SKIFF_LOG_WARN, "skipping image %s", de->d_name);
          continue;
        }
      list = xrealloc (list, (n + 2) * sizeof *list);
      list[n++] = img;
      list[n] = NULL;
    }
  *out = list;
  return 0;
}

char **
skiff_image_lowerdirs (struct skiff_store *store, const struct skiff_image *img)
{
  char **v = NULL;
  size_t n = skiff_strv_len (img->chain_ids);
  for (size_t i = n; i > 0; i--)
    {
      _cleanup_free_ char *rel
          = xasprintf ("layers/%s/diff", skiff_digest_hex (img->chain_ids[i - 1]));
      skiff_strv_push_owned (&v, skiff_store_path (store, rel));
    }
  return v;
}
