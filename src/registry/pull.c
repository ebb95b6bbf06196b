/* pull: manifest (an index resolved to the host's platform, fetched by digest), config, then
 * the layers the store lacks, streamed and unpacked in parallel; the image record is written
 * only when every layer is in.  A failure leaves nothing the image would have named: layers
 * completed so far are unpinned and garbage-collected. */
#include "registry-internal.h"

#include <stdlib.h>
#include <string.h>

#include "image/image-internal.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/log.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct fetched_manifest
{
  char *body;
  size_t len;
  char *digest; /* sha256 of the bytes */
  struct skiff_manifest m;
};

static void
fetched_manifest_clear (struct fetched_manifest *f)
{
  free (f->body);
  free (f->digest);
  skiff_manifest_clear (&f->m);
  memset (f, 0, sizeof *f);
}

/* GET /v2/<repo>/manifests/<ref>; a digest reference is checked against the bytes. */
static int
get_manifest (struct skiff_registry_client *c, const char *ref, struct fetched_manifest *out,
              struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  _cleanup_free_ char *path
      = xasprintf ("/v2/%s/manifests/%s", skiff_registry_client_repo (c), ref);
  const struct skiff_http_request req
      = { .method = "GET", .path = path, .accept = SKIFF_MANIFEST_ACCEPT, .body_fd = -1 };
  struct skiff_http_response resp;
  _cleanup_free_ char *what
      = xasprintf ("reading manifest %s in %s/%s", ref, skiff_registry_client_host (c),
                   skiff_registry_client_repo (c));
  int r = skiff_registry_request (c, &req, &resp, err);
  if (r < 0)
    return skiff_error_prefix (err, "%s", what);
  if (resp.status != 200)
    {
      r = skiff_registry_status_error (c, what, &resp, err);
      skiff_http_response_clear (&resp);
      return r;
    }
  out->body = resp.body ? steal_ptr (&resp.body) : xstrdup ("");
  out->len = resp.body_len;
  out->digest = skiff_sha256_digest (out->body, out->len);
  if (strncmp (ref, "sha256:", 7) == 0 && strcmp (ref, out->digest) != 0)
    r = skiff_error_make (err, 0, "%s: digest mismatch: the registry sent %s", what, out->digest);
  if (r == 0)
    r = skiff_manifest_parse (resp.content_type, out->body, out->len, &out->m, err);
  skiff_http_response_clear (&resp);
  if (r < 0)
    fetched_manifest_clear (out);
  return r;
}

/* The image manifest for the platform: an index's entry fetched by its digest. */
static int
resolve_manifest (struct skiff_registry_client *c, const struct skiff_registry_ref *ref,
                  const struct skiff_registry_opts *opts, struct fetched_manifest *out,
                  struct skiff_error **err)
{
  int r = get_manifest (c, ref->digest ? ref->digest : ref->tag, out, err);
  if (r < 0 || out->m.kind == SKIFF_MANIFEST_IMAGE)
    return r;
  size_t i;
  r = skiff_manifest_select (&out->m, opts->platform_os, opts->platform_arch,
                             opts->platform_variant, &i, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *digest = xstrdup (out->m.entries[i].digest);
  /* RepoDigests name what the reference resolved to: the index, as podman records it */
  _cleanup_free_ char *index_digest = steal_ptr (&out->digest);
  fetched_manifest_clear (out);
  r = get_manifest (c, digest, out, err);
  if (r == 0 && out->m.kind != SKIFF_MANIFEST_IMAGE)
    r = skiff_error_make (err, 0, "manifest %s: an index inside an index", digest);
  if (r == 0)
    {
      free (out->digest);
      out->digest = steal_ptr (&index_digest);
    }
  return r;
}

struct pull
{
  struct skiff_store *store;
  struct skiff_registry_client *c;
  const struct skiff_registry_opts *opts;
  skiff_pull_progress_fn progress;
  void *progress_data;
  struct fetched_manifest man;
  char *config;
  size_t config_len;
  struct skiff_oci_config cfg;
  char **chain_ids;
  char *pin; /* temp dir pinning the layers */
};

static void
report (struct pull *p, enum skiff_pull_event ev, const char *text)
{
  if (p->progress)
    p->progress (ev, text, p->progress_data);
}

static void
on_started (const struct skiff_blob_job *job, void *data)
{
  report (data, SKIFF_PULL_BLOB, job->blob->digest);
}

static int
fetch_config (struct pull *p, struct skiff_error **err)
{
  int r = skiff_blob_fetch_small (p->c, &p->man.m.config, &p->config, &p->config_len, err);
  if (r == 0)
    r = skiff_oci_config_parse (p->config, p->man.m.config.digest, &p->cfg, err);
  if (r < 0)
    return r;
  if (skiff_strv_len (p->cfg.diff_ids) != p->man.m.n_entries)
    return skiff_error_make (err, 0, "image config %s names %zu layers, the manifest %zu",
                             p->man.m.config.digest, skiff_strv_len (p->cfg.diff_ids),
                             p->man.m.n_entries);
  p->chain_ids = skiff_chain_ids (p->cfg.diff_ids);
  return 0;
}

/* Pins every layer, then fetches the ones the store lacks (pinned first: a gc cannot take
 * a present one between the check and the image record). */
static int
fetch_layers (struct pull *p, struct skiff_error **err)
{
  int r = skiff_store_mktemp (p->store, "pull", &p->pin, err);
  size_t n = p->man.m.n_entries;
  _cleanup_free_ struct skiff_blob_job *jobs = xzalloc ((n + 1) * sizeof *jobs);
  size_t n_jobs = 0;
  for (size_t i = 0; r == 0 && i < n; i++)
    {
      r = skiff_layer_pin (p->pin, p->chain_ids[i], err);
      if (r < 0)
        break;
      if (skiff_layer_exists (p->store, p->chain_ids[i]))
        {
          report (p, SKIFF_PULL_BLOB_SKIP, p->man.m.entries[i].digest);
          continue;
        }
      jobs[n_jobs++] = (struct skiff_blob_job){ .blob = &p->man.m.entries[i],
                                                .parent_chain = i ? p->chain_ids[i - 1] : NULL,
                                                .diff_id = p->cfg.diff_ids[i],
                                                .pin_dir = p->pin };
    }
  if (r == 0)
    r = skiff_blob_fetch_layers (p->store, p->c, jobs, n_jobs, p->opts, on_started, p, err);
  return r;
}

static int
commit (struct pull *p, const struct skiff_registry_ref *ref, char **id_out,
        struct skiff_error **err)
{
  report (p, SKIFF_PULL_CONFIG, p->man.m.config.digest);
  report (p, SKIFF_PULL_MANIFEST, NULL);
  _cleanup_free_ char *name = ref->tag ? xasprintf ("%s:%s", ref->name, ref->tag) : NULL;
  const char *type = p->man.m.media_type;
  int r = skiff_image_commit (p->store, p->config, p->config_len, name,
                              skiff_image_manifest_type_valid (type) ? type : NULL, id_out, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *repo_digest = xasprintf ("%s@%s", ref->name, p->man.digest);
  return skiff_image_add_repo_digest (p->store, *id_out, repo_digest, err);
}

static void
pull_clear (struct pull *p)
{
  fetched_manifest_clear (&p->man);
  free (p->config);
  skiff_oci_config_clear (&p->cfg);
  skiff_strv_free (p->chain_ids);
  if (p->pin)
    {
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_fs_rm_rf (p->pin, &e) < 0)
        skiff_error_log_drop (&e, SKIFF_LOG_WARN);
      free (p->pin);
    }
}

/* The manifest from host's mirrors (skiff.conf's "HOST=MIRROR" entries, in order), then from
 * host itself, as containers-registries.conf's mirrors are tried: the first that serves it is
 * the client the image comes from.  A mirror's failure is logged and the next one tried; the
 * image keeps host's name either way. */
static int
open_source (struct pull *p, struct skiff_registry_ref *ref, struct skiff_registry_client **c,
             struct skiff_error **err)
{
  size_t host_len = strlen (ref->host);
  for (char **m = p->opts->mirrors; m && *m; m++)
    {
      if (strncmp (*m, ref->host, host_len) != 0 || (*m)[host_len] != '=')
        continue;
      const char *mirror = *m + host_len + 1;
      _cleanup_error_ struct skiff_error *e = NULL;
      if (skiff_registry_client_new (mirror, ref->repo, false, p->opts, c, &e) == 0
          && resolve_manifest (*c, ref, p->opts, &p->man, &e) == 0)
        {
          log_info ("pulling %s from its mirror %s", ref->name, mirror);
          return 0;
        }
      log_info ("mirror %s of %s: %s", mirror, ref->host, e ? e->msg : "failed");
      skiff_registry_client_free (steal_ptr (c));
      fetched_manifest_clear (&p->man);
    }
  int r = skiff_registry_client_new (ref->host, ref->repo, false, p->opts, c, err);
  if (r == 0)
    r = resolve_manifest (*c, ref, p->opts, &p->man, err);
  return r;
}

int
skiff_registry_pull (struct skiff_store *store, const char *text,
                     const struct skiff_registry_opts *opts, skiff_pull_progress_fn progress,
                     void *progress_data, char **id_out, struct skiff_error **err)
{
  struct skiff_registry_ref ref;
  int r = skiff_registry_ref_parse (text, &ref, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *shown = ref.digest ? xasprintf ("%s@%s", ref.name, ref.digest)
                                          : xasprintf ("%s:%s", ref.name, ref.tag);
  struct pull p
      = { .store = store, .opts = opts, .progress = progress, .progress_data = progress_data };
  _cleanup_registry_client_ struct skiff_registry_client *c = NULL;
  report (&p, SKIFF_PULL_TRYING, shown);
  skiff_store_reap_temp (store);
  r = open_source (&p, &ref, &c, err);
  p.c = c;
  if (r == 0)
    {
      report (&p, SKIFF_PULL_SIGNATURES, NULL);
      r = fetch_config (&p, err);
    }
  if (r == 0)
    r = fetch_layers (&p, err);
  if (r == 0)
    r = commit (&p, &ref, id_out, err);
  pull_clear (&p);
  skiff_registry_ref_clear (&ref);
  if (r < 0)
    {
      skiff_image_drop_orphans (store);
      /* podman's form: the transport and reference first */
      if (!strstr ((*err)->msg, "invalid username/password"))
        skiff_error_prefix (err, "initializing source docker://%s", shown);
    }
  return r;
}

int
skiff_registry_fetch_manifest (const char *text, const struct skiff_registry_opts *opts,
                               char **body, size_t *len, struct skiff_error **err)
{
  struct skiff_registry_ref ref;
  int r = skiff_registry_ref_parse (text, &ref, err);
  if (r < 0)
    return r;
  _cleanup_registry_client_ struct skiff_registry_client *c = NULL;
  struct fetched_manifest man = { 0 };
  r = skiff_registry_client_new (ref.host, ref.repo, false, opts, &c, err);
  if (r == 0)
    r = get_manifest (c, ref.digest ? ref.digest : ref.tag, &man, err);
  if (r == 0)
    {
      *body = steal_ptr (&man.body);
      *len = man.len;
    }
  fetched_manifest_clear (&man);
  skiff_registry_ref_clear (&ref);
  return r;
}
