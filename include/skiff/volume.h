#pragma once
/* Volumes (the "local" driver): <root>/volumes/<name>/{volume.json,_data/}.  A record appears
 * complete (built in tmp/ and renamed in under the store lock) and goes away the same way
 * (moved out to tmp/ first).  `copied-up` marks a volume the image's content has been copied
 * into (docker's copy-up happens once, into a fresh volume). */

#include <stdbool.h>

#include "skiff/cleanup.h"

struct skiff_error;
struct skiff_store;

struct skiff_volume
{
  char *name;
  char *driver;   /* "local" */
  char *created;  /* RFC 3339 */
  char **labels;  /* alternating key, value; NULL = none */
  char **options; /* alternating key, value (type, device, o); NULL = none */
  bool anonymous; /* made for one container (-v /dst, an image VOLUME): rm -v removes it */
  char *dir;      /* <root>/volumes/<name> */
  char *data;     /* <dir>/_data: the mount point docker calls Mountpoint */
};

void skiff_volume_free (struct skiff_volume *v);
SKIFF_DEFINE_CLEANUP (skiff_volume_freep, struct skiff_volume *, skiff_volume_free)
#define _cleanup_volume_ __attribute__ ((cleanup (skiff_volume_freep)))

struct skiff_volume_create_opts
{
  const char *name; /* NULL: a random 64-hex name (anonymous volumes) */
  char **labels;    /* alternating key, value */
  char **options;   /* alternating key, value: type, device, o */
  bool anonymous;
};
/* Creates the volume; an existing one of that name is returned as it is (*existed true), as
 * docker does.  A bad name: docker's "includes invalid characters" error (exit 125). */
int skiff_volume_create (struct skiff_store *store, const struct skiff_volume_create_opts *opts,
                         struct skiff_volume **out, bool *existed, struct skiff_error **err);
/* Not found: "no such volume: NAME" (-ENOENT, exit 1 for the CLI). */
int skiff_volume_load (struct skiff_store *store, const char *name, struct skiff_volume **out,
                       struct skiff_error **err);
/* Names of all volumes, sorted. */
int skiff_volume_list (struct skiff_store *store, char ***names, struct skiff_error **err);
/* Removes the record and its data (the caller checked that no container uses it). */
int skiff_volume_remove (struct skiff_store *store, const char *name, struct skiff_error **err);
/* <dir>/copied-up: exists once the image's content went in (or the volume was used once). */
char *skiff_volume_copy_marker (const struct skiff_volume *v);
/* The volume JSON `volume inspect` prints (docker's fields); caller frees. */
char *skiff_volume_to_json (const struct skiff_volume *v);
/* `system check`: records readable, each with its _data; problems as lines (repair: an
 * incomplete record is removed). */
int skiff_volume_check (struct skiff_store *store, bool repair, char ***problems,
                        struct skiff_error **err);

/* ---- volume_use.c ---- */

struct skiff_container;
/* Full IDs of the containers whose mounts name the volume (NULL: none). */
int skiff_volume_users (struct skiff_store *store, const char *name, char ***ids,
                        struct skiff_error **err);
/* After a container's removal (rm -v, --rm): its anonymous volumes that no other container
 * uses go too (failures are warnings). */
void skiff_container_remove_anon_volumes (struct skiff_store *store,
                                          const struct skiff_container *c);
