#pragma once
/* Image store: content-addressed layers unpacked once into layers/<chain-hex>/diff, image
 * records keyed by image ID (sha256 of the config bytes), names as symlinks. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skiff/cleanup.h"
#include "skiff/health.h"

struct skiff_error;
struct skiff_store;

/* The runtime-relevant part of an image config ("config" object of the OCI config). */
struct skiff_image_config
{
  char *user;
  char **env;        /* "K=V" */
  char **entrypoint; /* NULL = not set */
  char **cmd;        /* NULL = not set */
  char *working_dir;
  char **exposed_ports; /* keys: "80/tcp" */
  char **volumes;       /* keys: "/data" */
  char **labels;        /* alternating key, value */
  char *stop_signal;
  struct skiff_health_config healthcheck; /* HEALTHCHECK (test NULL: none) */
};

struct skiff_image
{
  char *id;         /* 64 hex, no "sha256:" */
  char **names;     /* normalised references, e.g. "docker.io/library/busybox:latest" */
  char **diff_ids;  /* "sha256:<hex>", base first */
  char **chain_ids; /* "sha256:<hex>", base first; layers/<hex>/diff */
  char *created;    /* RFC 3339 */
  char *architecture;
  char *os;
  int64_t size; /* bytes of unpacked layers */
  struct skiff_image_config config;
};

void skiff_image_free (struct skiff_image *img);
SKIFF_DEFINE_CLEANUP (skiff_image_freep, struct skiff_image *, skiff_image_free)
#define _cleanup_image_ __attribute__ ((cleanup (skiff_image_freep)))

/* Resolves a user-typed reference: full ID, unique ID prefix (>= 3 hex chars), or a name
 * (normalised: "busybox" finds docker.io/library/busybox:latest, "x" finds localhost/x:latest).
 * Not found: error "<text>: image not known" (exit 125). */
int skiff_image_lookup (struct skiff_store *store, const char *text, struct skiff_image **out,
                        struct skiff_error **err);

/* Loads the record images/<id> by full ID (64 hex), including one that `rmi -f` untagged and
 * marked removed while stopped containers still use it: what (re)starting a container must
 * use, since skiff_image_lookup no longer finds such an image. */
int skiff_image_load (struct skiff_store *store, const char *id, struct skiff_image **out,
                      struct skiff_error **err);

/* All images, in no particular order; *out is a NULL-terminated array. */
int skiff_image_list (struct skiff_store *store, struct skiff_image ***out,
                      struct skiff_error **err);
void skiff_image_list_free (struct skiff_image **list);

/* Absolute paths of the image's layer diff dirs, TOP FIRST (overlay lowerdir order). */
char **skiff_image_lowerdirs (struct skiff_store *store, const struct skiff_image *img);

/* `import`: a rootfs tarball (plain/gzip/zstd/xz; path or "-" for stdin) becomes a one-layer
 * image; ref may be NULL (untagged).  changes: Dockerfile instructions ("CMD [\"x\"]").
 * Writes the new image ID (64 hex) to *id_out. */
int skiff_image_import (struct skiff_store *store, const char *path, const char *ref,
                        char *const *changes, char **id_out, struct skiff_error **err);

struct skiff_import_options
{
  char *const *changes; /* Dockerfile instructions, NULL-terminated, may be NULL */
  const char *message;  /* history comment, may be NULL */
  int input_fd;         /* path "-": the archive is read from this fd (the caller's stdin) */
};
/* skiff_image_import with all of import's options. */
int skiff_image_import_opts (struct skiff_store *store, const char *path, const char *ref,
                             const struct skiff_import_options *opts, char **id_out,
                             struct skiff_error **err);

/* ---- names and removal (phase 2) ---- */

/* Points ref (normalised) at the image `source` (lookup rules).  A name held by another image
 * moves; that image stays, untagged. */
int skiff_image_tag (struct skiff_store *store, const char *source, const char *ref,
                     struct skiff_error **err);
/* Removes ref (NULL: every name) from the image `source`.  A ref the image does not carry is
 * an error "<ref>: tag not known".  *removed (may be NULL): the normalised names removed. */
int skiff_image_untag (struct skiff_store *store, const char *source, const char *ref,
                       char ***removed, struct skiff_error **err);

struct skiff_image_removal
{
  char **untagged;   /* normalised names */
  char **deleted;    /* image IDs (64 hex) */
  int64_t reclaimed; /* bytes of layers removed */
};
void skiff_image_removal_clear (struct skiff_image_removal *r);

/* docker rmi: by name removes that name (and the image with its last name); by ID removes the
 * image and all its names (more than one name needs force).  Images used by containers are
 * refused (exit 2); with force, an image used only by stopped containers is untagged but kept
 * (its layers back those containers).  Layers no image uses any more are removed. */
int skiff_image_remove (struct skiff_store *store, const char *text, bool force,
                        struct skiff_image_removal *out, struct skiff_error **err);
/* Removes unused images: dangling (untagged) ones, or with all every image no container uses;
 * of those only the ones match accepts (NULL: all; --filter). */
int skiff_image_prune (struct skiff_store *store, bool all,
                       bool (*match) (const struct skiff_image *img, const void *data),
                       const void *data, struct skiff_image_removal *out, struct skiff_error **err);

/* `load`: a docker-archive (legacy or Docker 25 layout) or OCI archive (path or "-"), maybe
 * compressed.  *loaded gets the archive's tags as written ("busybox:latest"), or
 * "sha256:<id>" for an untagged image.  Nothing is left behind on failure except layers that
 * were complete (they are garbage-collected by the next rmi/prune).  Path "-": the archive is
 * read from input_fd (the caller's stdin), which stays open. */
int skiff_image_load_archive (struct skiff_store *store, const char *path, int input_fd,
                              char ***loaded, struct skiff_error **err);

/* `save`: images (lookup rules) to output (a path; NULL or "-": output_fd, the caller's stdout) as
 * format "docker-archive" (default when NULL) or "oci-archive".  An image named on the command line
 * is saved with that name; one given by ID with all its names. */
int skiff_image_save (struct skiff_store *store, char *const *images, const char *format,
                      const char *output, int output_fd, struct skiff_error **err);

/* docker's `image inspect` JSON: with array, a 4-space indented array of all images (docker's
 * default output); else one compact object (n must be 1), for --format templates. */
int skiff_image_inspect_json (struct skiff_store *store, struct skiff_image *const *imgs, size_t n,
                              bool array, char **out, struct skiff_error **err);

/* One `history` row (newest first in the returned list). */
struct skiff_image_history
{
  char *id;      /* 64 hex for the top row, else NULL ("<missing>") */
  char *created; /* RFC 3339 or NULL */
  char *created_by;
  char *comment;
  int64_t size; /* bytes of the layer; 0 for empty_layer rows */
};
int skiff_image_history (struct skiff_store *store, const struct skiff_image *img,
                         struct skiff_image_history **out, size_t *n, struct skiff_error **err);
void skiff_image_history_free (struct skiff_image_history *h, size_t n);

/* `system check`: every name points to an image, every image has its config and complete
 * layers, no incomplete layers, no leftovers of dead processes in tmp/; with verify, every
 * layer's files match the content record written when it was unpacked.  Each violation is a
 * line in *problems.  With repair, broken names/images/layers and leftovers are removed and
 * unused layers garbage-collected. */
int skiff_image_check (struct skiff_store *store, bool repair, bool verify, char ***problems,
                       struct skiff_error **err);

/* ---- commit (image_commit.c) ---- */
struct skiff_image_commit_options
{
  const char *base_id; /* the container's image (64 hex) */
  bool squash;         /* the layer is the image's only one (write_layer gives the whole tree) */
  /* Writes the layer tar to fd (run on a thread; fd is closed after it returns). */
  int (*write_layer) (void *data, int fd, struct skiff_error **err);
  void *data;
  const struct skiff_image_config *container; /* cmd, entrypoint, env, workdir, user it ran
                                               * with (NULL: the image's kept) */
  const char *created_by;                     /* the history entry's, may be NULL */
  char *const *changes;                       /* Dockerfile instructions, may be NULL */
  const char *message, *author;               /* may be NULL */
  const char *manifest_type; /* commit -f: SKIFF_IMAGE_MANIFEST_* recorded (NULL: none) */
};
/* Stores write_layer's stream as a new layer on the base image's chain, the base's config
 * with the layer, a history entry, the container's settings and the changes, tagged ref (may
 * be NULL).  *id_out: the new image ID (64 hex).  On failure the store is as it was. */
int skiff_image_commit_container (struct skiff_store *store,
                                  const struct skiff_image_commit_options *opts, const char *ref,
                                  char **id_out, struct skiff_error **err);
/* A diff dir (a container's upper dir) as an uncompressed layer tar, overlay whiteouts as
 * ".wh." entries and opaque dirs as ".wh..wh..opq", in sorted order. */
int skiff_image_pack_dir (const char *dir, int out_fd, struct skiff_error **err);

/* ---- disk usage (image_usage.c): `system df` ---- */
struct skiff_image_usage
{
  struct skiff_image *img; /* img->size: all its layers' bytes */
  int64_t shared;          /* bytes of its layers that other images use too */
};
/* Every image, and *layers_size: the bytes of all layers, each counted once. */
int skiff_image_usage_list (struct skiff_store *store, struct skiff_image_usage **out, size_t *n,
                            int64_t *layers_size, struct skiff_error **err);
void skiff_image_usage_free (struct skiff_image_usage *u, size_t n);
/* RepoDigests: "name@sha256:<manifest digest>" lines in images/<id>/repo-digests, recorded
 * by pull and push (a name already there is replaced). */
int skiff_image_add_repo_digest (struct skiff_store *store, const char *id, const char *repo_digest,
                                 struct skiff_error **err);
/* The recorded repo digests (NULL when none). */
char **skiff_image_repo_digests (struct skiff_store *store, const char *id);

/* ---- manifest type (manifest_type.c): podman's ManifestType ---- */
#define SKIFF_IMAGE_MANIFEST_OCI "application/vnd.oci.image.manifest.v1+json"
#define SKIFF_IMAGE_MANIFEST_DOCKER "application/vnd.docker.distribution.manifest.v2+json"
bool skiff_image_manifest_type_valid (const char *type);
/* The image's recorded type; docker's schema 2 when it has none. */
char *skiff_image_manifest_type (struct skiff_store *store, const char *id);
/* Records it; caller holds the store lock. */
int skiff_image_set_manifest_type_locked (struct skiff_store *store, const char *id,
                                          const char *type, struct skiff_error **err);
