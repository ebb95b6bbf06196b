#pragma once
/* Registries over the distribution protocol (src/registry/): pull, push, login.  Only the
 * protocol and the store hand-off live here; the commands print. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct skiff_error;
struct skiff_store;

/* One layer download's progress. */
struct skiff_pull_blob_bytes
{
  const char *digest;
  int64_t done, total;
  bool started, finished;
};

/* How to reach a registry: from the flags, the auth file and skiff.conf. */
struct skiff_registry_opts
{
  int tls_verify;       /* 1 verify (default), 0 off (and plain HTTP allowed), -1 unset */
  const char *cert_dir; /* CAs (.crt), a client pair (.cert, .key); NULL: certs.d/HOST */
  const char *authfile; /* NULL: podman's lookup order */
  const char *username; /* explicit credentials (login, --creds); NULL: from the auth file */
  const char *password;
  const char *platform_os;      /* NULL: linux */
  const char *platform_arch;    /* NULL: the host's, in Go's names */
  const char *platform_variant; /* NULL: any */
  int max_parallel;             /* layer downloads at once; <= 0: 3 */
  char **insecure;              /* registries (host[:port]) reached without TLS checks */
  char **search;                /* registries tried for a short name, in order */
  char **aliases;               /* "name=host/repo": a short name's one registry name */
  char **mirrors;               /* "host=mirror": pull tries host's mirrors first, in order */
  /* pull: the layer downloads' bytes, a few times a second while they run and once when all
   * ended (NULL: none; the command draws progress lines at a terminal) */
  void (*bytes) (const struct skiff_pull_blob_bytes *blobs, size_t n, bool final, void *data);
  void *bytes_data;
};

/* No registry part: the first component has no '.' or ':' and is not "localhost"
 * (distribution/reference's rule), and the text is no ID or digest reference. */
bool skiff_registry_is_short_name (const char *text);
/* The text names a tag or digest: a ':' after its last '/', or an '@' (--all-tags and
 * --list-tags take a repository alone). */
bool skiff_registry_names_tag (const char *text);

/* The names a short name (no registry part: "x", "ns/x:1") stands for: its alias, else one
 * per search registry, in order.  NULL for a name with a registry, or no search list. */
char **skiff_registry_short_name_candidates (const char *text,
                                             const struct skiff_registry_opts *opts);

/* What pull reports, for the command's podman-style lines. */
enum skiff_pull_event
{
  SKIFF_PULL_TRYING,     /* text: the reference */
  SKIFF_PULL_SIGNATURES, /* "Getting image source signatures" */
  SKIFF_PULL_BLOB,       /* text: a layer digest being copied */
  SKIFF_PULL_BLOB_SKIP,  /* text: a layer digest already present */
  SKIFF_PULL_CONFIG,     /* text: the config digest */
  SKIFF_PULL_MANIFEST,   /* writing the image record */
};
typedef void (*skiff_pull_progress_fn) (enum skiff_pull_event ev, const char *text, void *data);

/* Pulls ref ("127.0.0.1:5000/x:tag", "x@sha256:...") into the store.  Every blob's size and
 * digest and every layer's DiffID are checked while streaming; layers the store has are not
 * fetched; nothing is stored unless all of it arrived.  *id_out: the image ID (64 hex). */
int skiff_registry_pull (struct skiff_store *store, const char *ref,
                         const struct skiff_registry_opts *opts, skiff_pull_progress_fn progress,
                         void *progress_data, char **id_out, struct skiff_error **err);

/* Pushes the image (lookup rules) to dest (NULL: its own name), uploading only blobs the
 * registry lacks; format "oci" or "v2s2" (NULL: v2s2).  *digest_out: the manifest digest. */
int skiff_registry_push (struct skiff_store *store, const char *image, const char *dest,
                         const char *format, const struct skiff_registry_opts *opts,
                         char **digest_out, struct skiff_error **err);

/* `pull --all-tags` (tags.c): the tags of ref's repository (ref without tag or digest),
 * sorted; *name the repository as the store names it ("127.0.0.1:5000/x"). */
int skiff_registry_list_tags (const char *ref, const struct skiff_registry_opts *opts, char ***tags,
                              char **name, struct skiff_error **err);

/* `search` (search.c): up to limit repositories of the registry at host matching text, as
 * podman searches: the registry's v1 search API (GET /v1/search?q=TEXT&n=LIMIT) when text is
 * not empty and the registry offers it, else its catalog's names containing text (no
 * description, 0 stars, no marks). */
struct skiff_search_result
{
  char *name; /* as the registry names it ("library/busybox") */
  char *description;
  int64_t stars;
  bool official, automated;
};
int skiff_registry_search (const char *host, const char *text, int limit,
                           const struct skiff_registry_opts *opts,
                           struct skiff_search_result **results, size_t *n,
                           struct skiff_error **err);
void skiff_search_results_free (struct skiff_search_result *results, size_t n);

/* `manifest inspect`: the manifest (or index) of ref as the registry serves it. */
int skiff_registry_fetch_manifest (const char *ref, const struct skiff_registry_opts *opts,
                                   char **body, size_t *len, struct skiff_error **err);

/* ---- credentials (authfile.c) ---- */
/* "https://host:port/path" -> "host:port" (login's argument, docker's auth file keys). */
char *skiff_registry_host_of (const char *text);
/* The file login writes: --authfile, $REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json
 * or /run/containers/<uid>/auth.json. */
char *skiff_registry_authfile_path (const char *authfile);
/* Credentials for host (host[:port]) from the files in podman's order; 0 with NULLs if none. */
int skiff_registry_credentials (const char *authfile, const char *host, char **user,
                                char **password, struct skiff_error **err);
/* Checks the credentials against the registry, then stores them (mode 0600). */
int skiff_registry_login (const char *host, const struct skiff_registry_opts *opts,
                          struct skiff_error **err);
/* Removes host's entry (all: every entry).  Not logged in: error "not logged into HOST". */
int skiff_registry_logout (const char *authfile, const char *host, bool all,
                           struct skiff_error **err);
