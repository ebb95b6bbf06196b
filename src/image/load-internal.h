#pragma once
/* `load`: shared between the archive scan/unpack (load.c) and the manifest readers
 * (load_manifest.c). */

#include <stddef.h>

#include "image-internal.h"

struct load_file
{
  char *path; /* cleaned archive path */
  char *data;
  size_t len;
};

struct load_image
{
  char *config;
  size_t config_len;
  char **layer_paths;  /* archive paths of the layer blobs, base first */
  char **blob_digests; /* "sha256:<hex>" of each stored blob, "" when unknown */
  char **tags;         /* as written in the archive */
  struct skiff_oci_config cfg;
  char **chain_ids;
  char **done;               /* chain ids present in the store */
  const char *manifest_type; /* the archive's kind: docker-archive or OCI */
};

struct load_ctx
{
  const char *what;         /* the user's name for the archive */
  const char *archive_path; /* a seekable copy we may read twice */
  struct load_file *files;
  size_t n_files;
  char **link_from, **link_to; /* symlinks inside the archive, parallel vectors */
  struct load_image *images;
  size_t n_images;
};

/* The small JSON document at path (after following archive symlinks), or NULL. */
const struct load_file *skiff_load_find (const struct load_ctx *ctx, const char *path);
/* Fills ctx->images from manifest.json (docker-archive) or index.json (OCI). */
int skiff_load_read_manifests (struct load_ctx *ctx, struct skiff_error **err);
