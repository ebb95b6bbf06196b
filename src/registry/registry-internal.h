#pragma once
/* Declarations shared inside src/registry/ (not a public contract). */

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "skiff/cleanup.h"
#include "skiff/registry.h"

struct skiff_error;

/* ---- curl_api.c: libcurl's functions, dlopen()ed on first use ---- */
struct skiff_curl_api
{
  bool loaded;
  CURLcode (*global_init) (long flags);
  CURL *(*easy_init) (void);
  CURLcode (*easy_setopt) (CURL *c, CURLoption opt, ...);
  CURLcode (*easy_perform) (CURL *c);
  CURLcode (*easy_getinfo) (CURL *c, CURLINFO info, ...);
  void (*easy_cleanup) (CURL *c);
  const char *(*easy_strerror) (CURLcode code);
  void (*easy_reset) (CURL *c);
  struct curl_slist *(*slist_append) (struct curl_slist *l, const char *s);
  void (*slist_free_all) (struct curl_slist *l);
};
extern struct skiff_curl_api skiff_curl;
int skiff_curl_load (struct skiff_error **err);

/* ---- challenge.c: WWW-Authenticate (pure) ---- */
struct skiff_auth_challenge
{
  char *scheme;  /* lower-cased: "basic", "bearer" */
  char **params; /* alternating key (lower-cased), value */
};
/* Parses one header value into *out (one challenge: containers/image's reading). */
int skiff_auth_challenge_parse (const char *header, struct skiff_auth_challenge *out,
                                struct skiff_error **err);
const char *skiff_auth_challenge_param (const struct skiff_auth_challenge *c, const char *key);
void skiff_auth_challenge_clear (struct skiff_auth_challenge *c);

/* ---- manifest.c: manifests and indexes (pure) ---- */
#define SKIFF_MT_DOCKER_V2 "application/vnd.docker.distribution.manifest.v2+json"
#define SKIFF_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define SKIFF_MT_DOCKER_V1 "application/vnd.docker.distribution.manifest.v1+json"
#define SKIFF_MT_DOCKER_V1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define SKIFF_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define SKIFF_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define SKIFF_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define SKIFF_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define SKIFF_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define SKIFF_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"

struct skiff_descriptor
{
  char *media_type;
  char *digest; /* "sha256:<64 hex>", checked */
  int64_t size;
  char *os, *architecture, *variant; /* index entries' platform */
};

enum skiff_manifest_kind
{
  SKIFF_MANIFEST_IMAGE,
  SKIFF_MANIFEST_INDEX,
};

struct skiff_manifest
{
  enum skiff_manifest_kind kind;
  char *media_type;
  struct skiff_descriptor config;   /* image */
  struct skiff_descriptor *entries; /* image: layers, base first; index: manifests */
  size_t n_entries;
};

/* Parses body served with content_type (parameters ignored; NULL or a generic type: the
 * body's mediaType).  Schema 1 and unknown types are refused naming the type. */
int skiff_manifest_parse (const char *content_type, const char *body, size_t len,
                          struct skiff_manifest *out, struct skiff_error **err);
void skiff_manifest_clear (struct skiff_manifest *m);
/* The index entry for os/arch/variant (variant NULL: any, preferring containers/image's
 * defaults for arm); error in containers/image's words when none. */
int skiff_manifest_select (const struct skiff_manifest *index, const char *os, const char *arch,
                           const char *variant, size_t *out, struct skiff_error **err);
/* The host's architecture in Go's names (amd64, arm64, ...). */
const char *skiff_host_arch (void);
/* "sha256:<64 lower hex>" */
bool skiff_digest_valid (const char *digest);

struct skiff_registry_client;
/* tags.c: the registry's /v2/_catalog, every page, sorted. */
int skiff_registry_catalog (struct skiff_registry_client *c, char ***repos,
                            struct skiff_error **err);

/* ---- client.c: one registry, one repository ---- */
/* s with everything but RFC 3986's unreserved characters %-escaped, for a query value. */
char *skiff_registry_url_escape (const char *s);
struct skiff_registry_client;
/* host: "127.0.0.1:5000"; repo: "library/busybox"; push asks for push scope. */
int skiff_registry_client_new (const char *host, const char *repo, bool push,
                               const struct skiff_registry_opts *opts,
                               struct skiff_registry_client **out, struct skiff_error **err);
void skiff_registry_client_free (struct skiff_registry_client *c);
SKIFF_DEFINE_CLEANUP (skiff_registry_client_freep, struct skiff_registry_client *,
                      skiff_registry_client_free)
#define _cleanup_registry_client_ __attribute__ ((cleanup (skiff_registry_client_freep)))

struct skiff_http_response
{
  long status;
  char *body; /* when no sink was given (capped) */
  size_t body_len;
  char *content_type;
  char *location;
  char *docker_digest;
  char *link; /* the Link header: a list's next page */
};
void skiff_http_response_clear (struct skiff_http_response *r);

/* A streamed response body: called with the bytes of a 2xx answer; returns 0 or a negative
 * errno (the transfer stops). */
typedef int (*skiff_http_sink_fn) (const void *data, size_t len, void *sink_data);

struct skiff_http_request
{
  const char *method; /* "GET", "HEAD", "POST", "PUT" */
  const char *path;   /* "/v2/<repo>/..." or an absolute URL (an upload Location) */
  const char *accept;
  const char *content_type;
  const void *body; /* with body_len; or body_fd */
  size_t body_len;
  int body_fd; /* -1: none; else uploads body_size bytes from it */
  int64_t body_size;
  skiff_http_sink_fn sink;
  void *sink_data;
};
/* Sends the request (authenticating on a 401 and retrying once).  Transport failures are
 * errors; any HTTP status is returned in resp. */
int skiff_registry_request (struct skiff_registry_client *c, const struct skiff_http_request *req,
                            struct skiff_http_response *resp, struct skiff_error **err);
/* A failed answer as an error: the registry's errors[] text when it sent one. */
int skiff_registry_status_error (struct skiff_registry_client *c, const char *what,
                                 const struct skiff_http_response *resp, struct skiff_error **err);
const char *skiff_registry_client_repo (const struct skiff_registry_client *c);
const char *skiff_registry_client_host (const struct skiff_registry_client *c);
/* The client's state a forked child may use with its own connection. */
void skiff_registry_client_after_fork (struct skiff_registry_client *c);

/* reference.c: ref -> registry host, repository, tag or digest ("latest" default) */
struct skiff_registry_ref
{
  char *host; /* "docker.io" becomes the API host "registry-1.docker.io" */
  char *name; /* the store's name: "127.0.0.1:5000/x" */
  char *repo; /* "x" */
  char *tag;
  char *digest;
};
int skiff_registry_ref_parse (const char *text, struct skiff_registry_ref *out,
                              struct skiff_error **err);
void skiff_registry_ref_clear (struct skiff_registry_ref *r);

/* Accept header for manifests: every type skiff reads */
#define SKIFF_MANIFEST_ACCEPT                                                                      \
  SKIFF_MT_OCI_MANIFEST ", " SKIFF_MT_DOCKER_V2 ", " SKIFF_MT_DOCKER_V1_SIGNED                     \
                        ", " SKIFF_MT_DOCKER_V1 ", " SKIFF_MT_DOCKER_LIST ", " SKIFF_MT_OCI_INDEX

/* ---- blob_fetch.c ---- */
/* A config-sized blob into memory, its size and digest checked. */
int skiff_blob_fetch_small (struct skiff_registry_client *c, const struct skiff_descriptor *d,
                            char **out, size_t *len, struct skiff_error **err);
struct skiff_blob_job
{
  const struct skiff_descriptor *blob;
  const char *parent_chain; /* NULL for the base layer */
  const char *diff_id;      /* from the config: checked on the uncompressed stream */
  const char *pin_dir;
  pid_t parent_pid; /* set by skiff_blob_fetch_layers */
  int64_t *done;    /* bytes received, shared with the parent (NULL: not counted) */
};
typedef void (*skiff_blob_started_fn) (const struct skiff_blob_job *job, void *data);
/* Fetches and unpacks the layers, at most max_parallel at once (forked children); the first
 * failure stops the others.  Committed layers stay pinned by pin_dir. */
struct skiff_store;
int skiff_blob_fetch_layers (struct skiff_store *store, struct skiff_registry_client *c,
                             struct skiff_blob_job *jobs, size_t n,
                             const struct skiff_registry_opts *opts, skiff_blob_started_fn started,
                             void *data, struct skiff_error **err);
