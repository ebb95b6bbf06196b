/* The two archive formats `load` reads: docker-archive (manifest.json; both the legacy
 * <v1id>/layer.tar layout and Docker 25's blobs/sha256 one) and OCI layouts (index.json). */
#include "load-internal.h"

#include <string.h>

#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/image.h"
#include "skiff/json.h"
#include "skiff/reference.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

#define MAX_INDEX_DEPTH 2

/* A hex digest embedded in a blob name ("<hex>.json", "blobs/sha256/<hex>"), or NULL. */
static const char *
name_digest (const char *path, char buf[65])
{
  const char *base = strrchr (path, '/');
  base = base ? base + 1 : path;
  if (strlen (base) < 64)
    return NULL;
  memcpy (buf, base, 64);
  buf[64] = '\0';
  if (!skiff_reference_is_id (buf) || (base[64] != '\0' && strcmp (base + 64, ".json") != 0))
    return NULL;
  return buf;
}

static int
verify_digest (const struct load_file *f, const char *want_hex, struct skiff_error **err)
{
  _cleanup_free_ char *got = skiff_sha256_digest (f->data, f->len);
  if (strcmp (got + 7, want_hex) != 0)
    return skiff_error_make (err, 0, "%s: digest mismatch: expected sha256:%s, got %s", f->path,
                             want_hex, got);
  return 0;
}

static int
finish_image (struct load_ctx *ctx, struct load_image *img, const struct load_file *config,
              struct skiff_error **err)
{
  img->config = xstrndup (config->data, config->len);
  img->config_len = config->len;
  int r = skiff_oci_config_parse (img->config, config->path, &img->cfg, err);
  if (r < 0)
    return r;
  size_t nl = skiff_strv_len (img->layer_paths), nd = skiff_strv_len (img->cfg.diff_ids);
  if (nl != nd)
    return skiff_error_make (err, 0, "%s: the image config lists %zu layers, the manifest %zu",
                             ctx->what, nd, nl);
  img->chain_ids = skiff_chain_ids (img->cfg.diff_ids);
  return 0;
}

static struct load_image *
new_image (struct load_ctx *ctx)
{
  ctx->images = xrealloc (ctx->images, (ctx->n_images + 1) * sizeof *ctx->images);
  struct load_image *img = &ctx->images[ctx->n_images++];
  memset (img, 0, sizeof *img);
  return img;
}

static int
docker_entry (struct load_ctx *ctx, yajl_val m, struct skiff_error **err)
{
  _cleanup_free_ char *config_path = NULL;
  struct load_image *img = new_image (ctx);
  img->manifest_type = SKIFF_IMAGE_MANIFEST_DOCKER;
  const char *what = "manifest.json";
  if (!YAJL_IS_OBJECT (m))
    return skiff_error_make (err, 0, "%s: manifest.json: entries must be objects", ctx->what);
  int r = skiff_json_get_string (m, "Config", what, &config_path, err);
  if (r == 0)
    r = skiff_json_get_strv (m, "Layers", what, &img->layer_paths, err);
  if (r == 0)
    r = skiff_json_get_strv (m, "RepoTags", what, &img->tags, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", ctx->what);
  if (config_path == NULL)
    return skiff_error_make (err, 0, "%s: manifest.json: \"Config\" is missing", ctx->what);
  const struct load_file *config = skiff_load_find (ctx, config_path);
  if (config == NULL)
    return skiff_error_make (err, 0, "%s: config %s is not in the archive", ctx->what, config_path);
  char hex[65];
  if (name_digest (config_path, hex) && (r = verify_digest (config, hex, err)) < 0)
    return skiff_error_prefix (err, "%s", ctx->what);
  for (size_t i = 0; img->layer_paths && img->layer_paths[i]; i++)
    skiff_strv_push (&img->blob_digests, "");
  return finish_image (ctx, img, config, err);
}

static int
read_docker (struct load_ctx *ctx, const struct load_file *f, struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val root = NULL;
  _cleanup_free_ char *text = xstrndup (f->data, f->len);
  int r = skiff_json_parse (text, "manifest.json", &root, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", ctx->what);
  if (!YAJL_IS_ARRAY (root))
    return skiff_error_make (err, 0, "%s: manifest.json must be an array", ctx->what);
  for (size_t i = 0; i < root->u.array.len; i++)
    {
      r = docker_entry (ctx, root->u.array.values[i], err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* The blob a descriptor points to, digest-verified. */
static int
descriptor_blob (struct load_ctx *ctx, yajl_val desc, const struct load_file **out,
                 char **digest_out, struct skiff_error **err)
{
  _cleanup_free_ char *digest = NULL;
  int r = skiff_json_get_string (desc, "digest", "descriptor", &digest, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", ctx->what);
  if (digest == NULL || strncmp (digest, "sha256:", 7) != 0 || !skiff_reference_is_id (digest))
    return skiff_error_make (err, 0, "%s: unsupported digest \"%s\"", ctx->what,
                             digest ? digest : "");
  _cleanup_free_ char *path = xasprintf ("blobs/sha256/%s", digest + 7);
  if (out)
    {
      *out = skiff_load_find (ctx, path);
      if (*out == NULL)
        return skiff_error_make (err, 0, "%s: blob %s is not in the archive", ctx->what, digest);
      r = verify_digest (*out, digest + 7, err);
      if (r < 0)
        return skiff_error_prefix (err, "%s", ctx->what);
    }
  if (digest_out)
    *digest_out = steal_ptr (&digest);
  return 0;
}

static int read_index (struct load_ctx *ctx, const struct load_file *f, int depth,
                       struct skiff_error **err);

static void
add_names (struct load_image *img, yajl_val desc)
{
  yajl_val ann = skiff_json_get (desc, "annotations");
  yajl_val full = skiff_json_get (ann, "io.containerd.image.name");
  yajl_val ref = skiff_json_get (ann, "org.opencontainers.image.ref.name");
  if (full && YAJL_IS_STRING (full))
    skiff_strv_push (&img->tags, full->u.string);
  else if (ref && YAJL_IS_STRING (ref) && strpbrk (ref->u.string, "/:") != NULL)
    skiff_strv_push (&img->tags, ref->u.string); /* a bare tag names no repository */
}

static int
oci_manifest (struct load_ctx *ctx, yajl_val desc, const struct load_file *f, int depth,
              struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val m = NULL;
  _cleanup_free_ char *text = xstrndup (f->data, f->len);
  int r = skiff_json_parse (text, f->path, &m, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", ctx->what);
  if (skiff_json_get (m, "manifests"))
    return read_index (ctx, f, depth - 1, err);
  struct load_image *img = new_image (ctx);
  yajl_val mt = skiff_json_get (m, "mediaType"); /* a layout may hold docker's manifests */
  img->manifest_type
      = YAJL_IS_STRING (mt) && strcmp (mt->u.string, SKIFF_IMAGE_MANIFEST_DOCKER) == 0
            ? SKIFF_IMAGE_MANIFEST_DOCKER
            : SKIFF_IMAGE_MANIFEST_OCI;
  const struct load_file *config = NULL;
  yajl_val layers = skiff_json_get (m, "layers");
  r = descriptor_blob (ctx, skiff_json_get (m, "config"), &config, NULL, err);
  if (r < 0)
    return r;
  if (layers && !YAJL_IS_ARRAY (layers))
    return skiff_error_make (err, 0, "%s: %s: \"layers\" must be an array", ctx->what, f->path);
  for (size_t i = 0; layers && i < layers->u.array.len; i++)
    {
      char *digest = NULL;
      r = descriptor_blob (ctx, layers->u.array.values[i], NULL, &digest, err);
      if (r < 0)
        return r;
      skiff_strv_push_owned (&img->layer_paths, xasprintf ("blobs/sha256/%s", digest + 7));
      skiff_strv_push_owned (&img->blob_digests, digest);
    }
  add_names (img, desc);
  return finish_image (ctx, img, config, err);
}

static int
read_index (struct load_ctx *ctx, const struct load_file *f, int depth, struct skiff_error **err)
{
  _cleanup_yajl_val_ yajl_val root = NULL;
  _cleanup_free_ char *text = xstrndup (f->data, f->len);
  int r = skiff_json_parse (text, f->path, &root, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", ctx->what);
  yajl_val list = skiff_json_get (root, "manifests");
  if (list == NULL || !YAJL_IS_ARRAY (list) || depth <= 0)
    return skiff_error_make (err, 0, "%s: %s: no usable \"manifests\"", ctx->what, f->path);
  for (size_t i = 0; i < list->u.array.len; i++)
    {
      const struct load_file *mf = NULL;
      r = descriptor_blob (ctx, list->u.array.values[i], &mf, NULL, err);
      if (r == 0)
        r = oci_manifest (ctx, list->u.array.values[i], mf, depth, err);
      if (r < 0)
        return r;
    }
  return 0;
}

int
skiff_load_read_manifests (struct load_ctx *ctx, struct skiff_error **err)
{
  const struct load_file *f = skiff_load_find (ctx, "manifest.json");
  if (f)
    return read_docker (ctx, f, err);
  f = skiff_load_find (ctx, "index.json");
  if (f)
    return read_index (ctx, f, MAX_INDEX_DEPTH, err);
  return skiff_error_make (
      err, 0, "%s: not an image archive (neither manifest.json nor index.json)", ctx->what);
}
