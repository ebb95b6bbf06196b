#pragma once
/* Word lists shared by naming.c and its tests (NULL-terminated). */
extern const char *const skiff_name_adjectives[];
extern const char *const skiff_name_surnames[];

/* Shared by naming.c, lifecycle.c and check.c: reservation and its recovery. */
#include <stdbool.h>

struct skiff_error;
struct skiff_store;

/* The target of the link at path; -ENOENT when there is none (err untouched). */
int skiff_container_read_link (const char *path, char **target, struct skiff_error **err);
/* The prefix of the temp dir a creation builds the record in ("ctr.<id>"): while its creator
 * lives, the name pointing to id is taken although containers/<id> does not exist yet. */
char *skiff_container_creating_prefix (const char *id);
/* True when the name link target id is backed: a live creator or a complete record. */
bool skiff_container_name_owner_holds (struct skiff_store *store, const char *id);
/* The lock every unlink of a name link holds (<root>/names/containers.lock): reading a link and
 * unlinking it is not atomic, so unlinkers are serialised; creating one (symlink) needs none.
 * Taken under a container lock, never the other way round.  Returns the fd. */
int skiff_container_names_lock (struct skiff_store *store, struct skiff_error **err);
/* Under the names lock: the link `name` is re-read; if it is dangling it is removed and, with
 * id, made to point to id (0).  -EEXIST with *owner when it is backed. */
int skiff_container_name_reclaim (struct skiff_store *store, const char *name, const char *id,
                                  char **owner, struct skiff_error **err);
/* Under the names lock: unlinks `name` if it still points to id (id NULL: if it is not a
 * symlink at all).  Anything else is left alone (0). */
int skiff_container_name_unlink_if (struct skiff_store *store, const char *name, const char *id,
                                    struct skiff_error **err);
