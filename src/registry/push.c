/* push: every blob the registry lacks (HEAD first), then the manifest.  Layers go as the
 * uncompressed tar streams they were unpacked from (layer_reproduce.c replays the tar-split
 * record), so each blob's digest is its DiffID and the image ID survives the round trip.
 * Uploads: POST for a session, the layer in one PATCH, a PUT with the digest (a config goes in
 * the PUT itself); a layer the registry has in another repository the image came from or went
 * to is mounted instead. */
#include "registry-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/image-internal.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/log.h"
#include "skiff/reference.h"
#include "skiff/strv.h"
#include "skiff/store.h"
#include "skiff/xalloc.h"

static int
blob_present (struct skiff_registry_client *c, const char *digest, bool *present,
              struct skiff_error **err)
{
  _cleanup_free_ char *path = xasprintf ("/v2/%s/blobs/%s", skiff_registry_client_repo (c), digest);
  const struct skiff_http_request req = { .method = "HEAD", .path = path, .body_fd = -1 };
  struct skiff_http_response resp;
  int r = skiff_registry_request (c, &req, &resp, err);
  if (r < 0)
    return r;
  *present = resp.status == 200;
  if (resp.status != 200 && resp.status != 404)
    r = skiff_error_make (err, 0, "checking blob %s: %s answered HTTP status %ld", digest,
                          skiff_registry_client_host (c), resp.status);
  skiff_http_response_clear (&resp);
  return r;
}

/* "<location>&digest=" or "?digest=": the Location may carry its own query already. */
static char *
finish_url (const char *location, const char *digest)
{
  return xasprintf ("%s%cdigest=%s", location, strchr (location, '?') ? '&' : '?', digest);
}

/* POST for an upload session: *location its URL.  With from (another repository of the same
 * registry that has the blob), the registry may mount the blob instead (201: *mounted), the
 * cross-repository mount of the distribution spec; one that does not answers 202 with a
 * session as for a plain POST. */
static int
start_upload (struct skiff_registry_client *c, const char *digest, const char *from,
              char **location, bool *mounted, struct skiff_error **err)
{
  const char *repo = skiff_registry_client_repo (c);
  _cleanup_free_ char *path
      = from ? xasprintf ("/v2/%s/blobs/uploads/?mount=%s&from=%s", repo, digest, from)
             : xasprintf ("/v2/%s/blobs/uploads/", repo);
  _cleanup_free_ char *what = xasprintf ("uploading blob %s", digest);
  const struct skiff_http_request post = { .method = "POST", .path = path, .body_fd = -1 };
  struct skiff_http_response resp;
  int r = skiff_registry_request (c, &post, &resp, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", what);
  *mounted = from && resp.status == 201;
  if (*mounted)
    log_info ("blob %s mounted from %s/%s", digest, skiff_registry_client_host (c), from);
  else if (resp.status != 202 || resp.location == NULL)
    r = skiff_registry_status_error (c, what, &resp, err);
  else
    *location = xstrdup (resp.location);
  skiff_http_response_clear (&resp);
  return r;
}

/* A session (or a mount from `from`, may be NULL), then the body: from buf in the closing PUT
 * (a config), from fd (size bytes, a layer) in one PATCH before it. */
static int
upload_blob (struct skiff_registry_client *c, const char *digest, const char *from, const void *buf,
             size_t len, int fd, int64_t size, struct skiff_error **err)
{
  _cleanup_free_ char *what = xasprintf ("uploading blob %s", digest);
  _cleanup_free_ char *location = NULL;
  bool mounted = false;
  int r = start_upload (c, digest, from, &location, &mounted, err);
  if (r < 0 || mounted)
    return r;
  struct skiff_http_response resp;
  if (fd >= 0)
    {
      /* a layer: streamed in one PATCH, then an empty PUT closes the session (docker's and
       * containers/image's way; some registries refuse a body on the PUT) */
      const struct skiff_http_request patch = { .method = "PATCH",
                                                .path = location,
                                                .content_type = "application/octet-stream",
                                                .body_fd = fd,
                                                .body_size = size };
      r = skiff_registry_request (c, &patch, &resp, err);
      if (r < 0)
        return skiff_error_prefix (err, "%s", what);
      if (resp.status != 202 && resp.status != 204)
        r = skiff_registry_status_error (c, what, &resp, err);
      else if (resp.location)
        {
          free (location);
          location = steal_ptr (&resp.location);
        }
      skiff_http_response_clear (&resp);
      if (r < 0)
        return r;
      fd = -1;
      size = 0;
    }
  _cleanup_free_ char *url = finish_url (location, digest);
  const struct skiff_http_request put = { .method = "PUT",
                                          .path = url,
                                          .content_type = "application/octet-stream",
                                          .body = buf,
                                          .body_len = len,
                                          .body_fd = fd,
                                          .body_size = size };
  r = skiff_registry_request (c, &put, &resp, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", what);
  if (resp.status != 201)
    r = skiff_registry_status_error (c, what, &resp, err);
  skiff_http_response_clear (&resp);
  return r;
}

/* The layer's original stream into a temp file, then up (mounted from `from` when the
 * registry can). */
static int
push_layer (struct skiff_store *store, struct skiff_registry_client *c, const char *tmp,
            const char *chain, const char *diff_id, const char *from, int64_t *size,
            struct skiff_error **err)
{
  bool present = false;
  _cleanup_free_ char *path = skiff_path_join (tmp, skiff_digest_hex (diff_id));
  _cleanup_close_ int fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return skiff_error_make (err, errno, "create %s", path);
  int r = skiff_layer_reproduce (store, chain, diff_id, fd, size, err);
  if (r == 0)
    r = blob_present (c, diff_id, &present, err);
  if (r == 0 && !present)
    {
      if (lseek (fd, 0, SEEK_SET) < 0)
        r = skiff_error_make (err, errno, "rewind %s", path);
      else
        r = upload_blob (c, diff_id, from, NULL, 0, fd, *size, err);
    }
  unlink (path);
  return r;
}

static char *
gen_manifest (bool oci, const char *config_digest, size_t config_len, char *const *diff_ids,
              const int64_t *sizes, size_t *len)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_json_gen_key_int (g, "schemaVersion", 2);
  skiff_json_gen_key_string (g, "mediaType", oci ? SKIFF_MT_OCI_MANIFEST : SKIFF_MT_DOCKER_V2);
  skiff_json_gen_key (g, "config");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "mediaType", oci ? SKIFF_MT_OCI_CONFIG : SKIFF_MT_DOCKER_CONFIG);
  skiff_json_gen_key_int (g, "size", (int64_t)config_len);
  skiff_json_gen_key_string (g, "digest", config_digest);
  yajl_gen_map_close (g);
  skiff_json_gen_key (g, "layers");
  yajl_gen_array_open (g);
  for (size_t i = 0; diff_ids && diff_ids[i]; i++)
    {
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "mediaType", oci ? SKIFF_MT_OCI_LAYER : SKIFF_MT_DOCKER_LAYER);
      skiff_json_gen_key_int (g, "size", sizes[i]);
      skiff_json_gen_key_string (g, "digest", diff_ids[i]);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
  return skiff_json_gen_finish (g, len);
}

static int
put_manifest (struct skiff_registry_client *c, const char *tag, bool oci, const char *body,
              size_t len, struct skiff_error **err)
{
  _cleanup_free_ char *path
      = xasprintf ("/v2/%s/manifests/%s", skiff_registry_client_repo (c), tag);
  const struct skiff_http_request req
      = { .method = "PUT",
          .path = path,
          .content_type = oci ? SKIFF_MT_OCI_MANIFEST : SKIFF_MT_DOCKER_V2,
          .body = body,
          .body_len = len,
          .body_fd = -1 };
  struct skiff_http_response resp;
  int r = skiff_registry_request (c, &req, &resp, err);
  if (r == 0 && resp.status != 201)
    r = skiff_registry_status_error (c, "writing manifest", &resp, err);
  skiff_http_response_clear (&resp);
  return r;
}

static int
push_config (struct skiff_store *store, struct skiff_registry_client *c, const char *id,
             char **config, size_t *len, char **digest, struct skiff_error **err)
{
  _cleanup_free_ char *rel = xasprintf ("blobs/sha256/%s", id);
  _cleanup_free_ char *path = skiff_store_path (store, rel);
  int r = skiff_fs_read_file (path, config, len, err);
  if (r < 0)
    return r;
  *digest = xasprintf ("sha256:%s", id);
  bool present = false;
  r = blob_present (c, *digest, &present, err);
  if (r == 0 && !present)
    r = upload_blob (c, *digest, NULL, *config, *len, -1, 0, err);
  return r;
}

/* Another repository of this registry the image was pulled from or pushed to (its
 * RepoDigests): where its layers can be mounted from.  NULL: none. */
static char *
mount_source (struct skiff_store *store, const struct skiff_image *img,
              const struct skiff_registry_client *c)
{
  _cleanup_strv_ char **digests = skiff_image_repo_digests (store, img->id);
  for (size_t i = 0; digests && digests[i]; i++)
    {
      struct skiff_registry_ref ref;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_registry_ref_parse (digests[i], &ref, &e) < 0)
        continue;
      char *from = NULL;
      if (strcmp (ref.host, skiff_registry_client_host (c)) == 0
          && strcmp (ref.repo, skiff_registry_client_repo (c)) != 0)
        from = xstrdup (ref.repo);
      skiff_registry_ref_clear (&ref);
      if (from)
        return from;
    }
  return NULL;
}

static int
push_image (struct skiff_store *store, struct skiff_registry_client *c,
            const struct skiff_image *img, const char *tag, bool oci, char **digest_out,
            struct skiff_error **err)
{
  _cleanup_free_ char *from = mount_source (store, img, c);
  _cleanup_free_ char *tmp = NULL;
  int r = skiff_store_mktemp (store, "push", &tmp, err);
  if (r < 0)
    return r;
  size_t n = skiff_strv_len (img->diff_ids);
  _cleanup_free_ int64_t *sizes = xzalloc ((n + 1) * sizeof *sizes);
  for (size_t i = 0; r == 0 && i < n; i++)
    r = push_layer (store, c, tmp, img->chain_ids[i], img->diff_ids[i], from, &sizes[i], err);
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_fs_rm_rf (tmp, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
  _cleanup_free_ char *config = NULL, *config_digest = NULL;
  size_t config_len = 0;
  if (r == 0)
    r = push_config (store, c, img->id, &config, &config_len, &config_digest, err);
  if (r < 0)
    return r;
  size_t len;
  _cleanup_free_ char *manifest
      = gen_manifest (oci, config_digest, config_len, img->diff_ids, sizes, &len);
  r = put_manifest (c, tag, oci, manifest, len, err);
  if (r == 0)
    *digest_out = skiff_sha256_digest (manifest, len);
  return r;
}

int
skiff_registry_push (struct skiff_store *store, const char *image, const char *dest,
                     const char *format, const struct skiff_registry_opts *opts, char **digest_out,
                     struct skiff_error **err)
{
  bool oci = format && strcmp (format, "oci") == 0;
  if (format && !oci && strcmp (format, "v2s2") != 0)
    return skiff_error_make (err, 0, "unsupported manifest type %s: oci or v2s2", format);
  _cleanup_image_ struct skiff_image *img = NULL;
  int r = skiff_image_lookup (store, image, &img, err);
  if (r < 0)
    return r;
  if (format == NULL) /* podman's default: the source's manifest type */
    {
      _cleanup_free_ char *type = skiff_image_manifest_type (store, img->id);
      oci = strcmp (type, SKIFF_IMAGE_MANIFEST_OCI) == 0;
    }
  const char *target = dest ? dest : image;
  if (strncmp (target, "docker://", 9) == 0)
    target += 9;
  struct skiff_registry_ref ref;
  r = skiff_registry_ref_parse (target, &ref, err);
  if (r < 0)
    return r;
  _cleanup_registry_client_ struct skiff_registry_client *c = NULL;
  r = skiff_registry_client_new (ref.host, ref.repo, true, opts, &c, err);
  if (r == 0)
    r = push_image (store, c, img, ref.tag ? ref.tag : ref.digest, oci, digest_out, err);
  if (r == 0)
    {
      _cleanup_free_ char *rd = xasprintf ("%s@%s", ref.name, *digest_out);
      r = skiff_image_add_repo_digest (store, img->id, rd, err);
    }
  skiff_registry_ref_clear (&ref);
  if (r < 0 && !strstr ((*err)->msg, "invalid username/password"))
    skiff_error_prefix (err, "pushing %s", target);
  return r;
}
