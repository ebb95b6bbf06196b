#pragma once
/* The on-disk store: paths, the store-wide lock, rootless detection.
 *   <root>/blobs/sha256/<hex>  layers/<chain-hex>/{diff,layer.json,complete}
 *   <root>/images/<id>/image.json   names/images/<escaped-ref> -> id (symlink)
 *   <root>/containers/<id>/...       names/containers/<name> -> id (symlink)
 *   <runroot>/containers/<id>/merged
 * Temp work goes under <root>/tmp/ and is removed by the next command that finds it stale. */

#include <stdbool.h>

struct skiff_error;

struct skiff_store
{
  char *root;
  char *runroot;
  bool rootless; /* the CLI runs in a user namespace of an unprivileged user */
  int lock_fd;   /* store-wide lock while held, else -1 */
};

struct skiff_store_options
{
  const char *root;    /* NULL: default for the (root|rootless) mode */
  const char *runroot; /* NULL: default */
};

/* Resolves paths, creates the top-level directories.  Does not take the lock. */
int skiff_store_open (struct skiff_store *store, const struct skiff_store_options *opts,
                      struct skiff_error **err);
void skiff_store_close (struct skiff_store *store);

/* Store-wide exclusive lock for short mutations (names, image records, layer completion). */
int skiff_store_lock (struct skiff_store *store, struct skiff_error **err);
void skiff_store_unlock (struct skiff_store *store);

/* <root>/<rel> and <runroot>/<rel>; caller frees. */
char *skiff_store_path (const struct skiff_store *store, const char *rel);
char *skiff_store_runpath (const struct skiff_store *store, const char *rel);

/* Makes a fresh private temp directory under <root>/tmp (named after our pid so leftovers of
 * dead processes can be reaped). */
int skiff_store_mktemp (struct skiff_store *store, const char *prefix, char **out,
                        struct skiff_error **err);
/* True when the process that made temp dir `name` (a basename under <root>/tmp) still runs. */
bool skiff_store_temp_alive (const char *name);
/* True when a live process owns a temp dir made with this prefix (creation in progress). */
bool skiff_store_temp_in_use (struct skiff_store *store, const char *prefix);
/* Removes temp dirs whose owning process is gone (the CLI calls it once per command, inside
 * the user namespace, so what a killed command left goes with the next one). */
void skiff_store_reap_temp (struct skiff_store *store);
/* Removes path (a dir or file in the store) so that nobody sees it half-removed: renamed into
 * a temp dir named with prefix first, which a crash leaves for the reaper.  Missing is fine. */
int skiff_store_discard (struct skiff_store *store, const char *prefix, const char *path,
                         struct skiff_error **err);
