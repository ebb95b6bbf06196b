#pragma once
/* `images --filter KEY=VALUE` (image_filters.c): the keys docker and podman accept, checked
 * and resolved once (before/since name images), then matched per listed row. */
#include <stdbool.h>
#include <stdint.h>

#include "skiff/cleanup.h"

struct skiff_error;
struct skiff_image;
struct skiff_store;
struct skiff_image_filters;

/* Checks filters ("key=value", NULL-terminated, may be NULL): an unknown key is docker's
 * "invalid filter 'KEY'", a bad value "invalid filter 'KEY=[VALUE]'" (exit 125); before,
 * since/after resolve their image (its "No such image" error). */
int skiff_image_filters_new (struct skiff_store *store, char *const *filters,
                             struct skiff_image_filters **out, struct skiff_error **err);
void skiff_image_filters_free (struct skiff_image_filters *f);
SKIFF_DEFINE_CLEANUP (skiff_image_filters_freep, struct skiff_image_filters *,
                      skiff_image_filters_free)
#define _cleanup_image_filters_ __attribute__ ((cleanup (skiff_image_filters_freep)))
/* Does the image pass every filter but reference? */
bool skiff_image_filters_match_image (const struct skiff_image_filters *f,
                                      const struct skiff_image *img);
/* Does a row (familiar repository, tag) pass the reference filters (any of them; all rows
 * when none)?  Dangling rows ("<none>") match no reference. */
bool skiff_image_filters_match_name (const struct skiff_image_filters *f, const char *repo,
                                     const char *tag);
/* Did any filter name a reference (rows without a name are then left out)? */
bool skiff_image_filters_have_reference (const struct skiff_image_filters *f);
/* `image prune --filter`: the keys docker and podman take there (until, label, label!=,
 * dangling), another is "invalid filter 'KEY'" (exit 125).  dangling=false sets *all (tagged
 * unused images go too, as -a), dangling=true clears it. */
int skiff_image_prune_filters_new (char *const *filters, bool *all,
                                   struct skiff_image_filters **out, struct skiff_error **err);
