#pragma once
/* The mounts a container asks for: -v, --mount, --tmpfs, --volumes-from and the image's
 * VOLUMEs, parsed (mount_spec.c, pure) into the records config.json keeps (mount_record.c),
 * and the user namespace mode (--userns).  Host paths and volume names are resolved by the
 * engine at create time; the sandbox mounts them at start. */

#include <stdbool.h>
#include <stddef.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct skiff_error;

enum skiff_mount_type
{
  SKIFF_MOUNT_BIND,
  SKIFF_MOUNT_VOLUME,
  SKIFF_MOUNT_TMPFS,
  SKIFF_MOUNT_DEVPTS,
};

struct skiff_mount
{
  enum skiff_mount_type type;
  char *source;      /* BIND: absolute host path; VOLUME: the volume's name; else NULL */
  char *destination; /* absolute and clean: no "." or ".." components, no trailing '/' */
  char *mode;        /* -v's option word as given ("ro,z"): docker's Mode; "" when none */
  char *propagation; /* "rprivate", "rshared", ...; NULL: the default (rprivate) */
  char *data;        /* TMPFS/DEVPTS: the file system's options ("size=64m,mode=1777") */
  bool read_only, anonymous;
  bool chown;   /* U: the source is chowned to the container's user at start (podman) */
  bool overlay; /* O: an overlay with the source as lower dir, changes discarded (podman) */
  bool nocopy;  /* a fresh volume is not populated from the image */
  bool nosuid, nodev, noexec;
  bool create_host_path; /* -v: a missing host directory is created; --mount: refused */
};

/* The mount part of a container's config.json. */
struct skiff_mounts_config
{
  struct skiff_mount *v;
  size_t n;
  char *userns; /* --userns as given: NULL or "" (host), "keep-id", "nomap" */
};

/* What run/create got on the command line (borrowed strings; vectors NULL-terminated). */
struct skiff_mounts_spec
{
  char **volumes;      /* -v */
  char **mounts;       /* --mount */
  char **tmpfs;        /* --tmpfs */
  char **volumes_from; /* --volumes-from CONTAINER[:ro|rw] */
  const char *userns;  /* --userns */
};

void skiff_mount_clear (struct skiff_mount *m);
void skiff_mounts_config_clear (struct skiff_mounts_config *mc);
/* Appends a copy of m (deep) to mc. */
void skiff_mounts_config_add (struct skiff_mounts_config *mc, const struct skiff_mount *m);
/* The mount at destination dst, or NULL. */
const struct skiff_mount *skiff_mounts_config_find (const struct skiff_mounts_config *mc,
                                                    const char *dst);

/* ---- mount_spec.c: the flag syntaxes (pure), docker's error texts, exit 125 ---- */

/* -v [SRC:]DST[:OPTS]: SRC absolute = bind (created if missing), a name = named volume, none =
 * anonymous volume.  A relative SRC that is no valid name is docker's "includes invalid
 * characters for a local volume name ... use absolute path" error. */
int skiff_mount_parse_volume (const char *spec, struct skiff_mount *out, struct skiff_error **err);
/* --mount type=bind|volume|tmpfs|devpts,source=,target=,readonly,... (docker's keys). */
int skiff_mount_parse_mount (const char *spec, struct skiff_mount *out, struct skiff_error **err);
/* --tmpfs DST[:OPTS]: flags (ro, noexec, ...) and file-system options (size=, mode=). */
int skiff_mount_parse_tmpfs (const char *spec, struct skiff_mount *out, struct skiff_error **err);
/* docker's volume name rule [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool skiff_mount_volume_name_valid (const char *name);
/* Cleans an absolute container path into *out ("//a/./b/" -> "/a/b"); refuses a relative
 * path, one with "..", and "/". */
int skiff_mount_clean_destination (const char *path, char **out, struct skiff_error **err);
/* --userns: "", "host", "keep-id", "nomap"; the others podman has are refused by name. */
int skiff_mount_userns_check (const char *mode, bool rootless, struct skiff_error **err);

/* ---- mount_record.c: config.json's "Mounts" ---- */

void skiff_mounts_config_gen (yajl_gen g, const struct skiff_mounts_config *mc);
int skiff_mounts_config_read (yajl_val root, const char *what, struct skiff_mounts_config *mc,
                              struct skiff_error **err);
/* docker's word for the type: "bind", "volume", "tmpfs", "devpts". */
const char *skiff_mount_type_name (enum skiff_mount_type t);
