/* create's mounts: -v, --mount, --tmpfs and --volumes-from parsed and resolved into the
 * container's record (host paths checked or made, volumes created), the image's VOLUMEs as
 * anonymous volumes, and --userns (keep-id: the process runs as the user's own ids). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/image.h"
#include "skiff/mount.h"
#include "skiff/store.h"
#include "skiff/userns.h"
#include "skiff/volume.h"
#include "skiff/xalloc.h"

/* a one-line error without errno text, exit 125 */
#define BAD(err, ...) (skiff_error_make_status (err, 125, 0, __VA_ARGS__), -EINVAL)

/* A bind source: -v makes a missing directory (docker), --mount refuses it. */
static int
bind_source (const struct skiff_mount *m, struct skiff_error **err)
{
  struct stat st;
  if (stat (m->source, &st) == 0)
    return 0;
  if (errno != ENOENT)
    return skiff_error_make_status (err, 125, errno, "bind source %s", m->source);
  if (!m->create_host_path)
    return BAD (err, "invalid mount config for type \"bind\": bind source path does not exist: %s",
                m->source);
  return skiff_fs_mkdir_p (m->source, 0755, err);
}

static int
volume_source (struct skiff_store *store, struct skiff_mount *m, struct skiff_error **err)
{
  _cleanup_volume_ struct skiff_volume *v = NULL;
  /* an anonymous one from --volumes-from has its name already */
  struct skiff_volume_create_opts vo = { .name = m->source, .anonymous = m->anonymous };
  bool existed;
  int r = skiff_volume_create (store, &vo, &v, &existed, err);
  if (r == 0 && m->source == NULL)
    {
      free (m->source);
      m->source = xstrdup (v->name);
    }
  return r;
}

/* Adds m to the config; a mount at the same destination from --volumes-from (weak) gives way,
 * any other is docker's "Duplicate mount point". */
static int
add_mount (struct skiff_mounts_config *mc, const struct skiff_mount *m, size_t weak,
           struct skiff_error **err)
{
  for (size_t i = 0; i < mc->n; i++)
    if (strcmp (mc->v[i].destination, m->destination) == 0)
      {
        if (i >= weak)
          return BAD (err, "Duplicate mount point: %s", m->destination);
        skiff_mount_clear (&mc->v[i]);
        mc->v[i] = mc->v[--mc->n];
        break;
      }
  skiff_mounts_config_add (mc, m);
  return 0;
}

/* --volumes-from CONTAINER[:ro|rw]: its bind and volume mounts, the mode overridden. */
static int
volumes_from (struct skiff_store *store, const char *spec, struct skiff_mounts_config *mc,
              struct skiff_error **err)
{
  _cleanup_free_ char *name = xstrdup (spec);
  char *colon = strchr (name, ':');
  if (colon)
    *colon++ = '\0';
  if (colon && strcmp (colon, "ro") != 0 && strcmp (colon, "rw") != 0)
    return BAD (err, "invalid mode: %s", colon);
  _cleanup_free_ char *id = NULL;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_container_lookup (store, name, &id, err);
  if (r < 0 || (r = skiff_container_load (store, id, &c, err)) < 0)
    return r;
  for (size_t i = 0; i < c->config.mounts.n; i++)
    {
      struct skiff_mount m = c->config.mounts.v[i];
      if (m.type != SKIFF_MOUNT_BIND && m.type != SKIFF_MOUNT_VOLUME)
        continue;
      if (colon)
        m.read_only = strcmp (colon, "ro") == 0;
      m.chown = false;
      if (skiff_mounts_config_find (mc, m.destination) == NULL)
        skiff_mounts_config_add (mc, &m);
    }
  return 0;
}

typedef int (*parse_fn) (const char *spec, struct skiff_mount *out, struct skiff_error **err);

static int
parse_all (char *const *specs, parse_fn parse, struct skiff_mounts_config *mc, size_t weak,
           struct skiff_error **err)
{
  for (size_t i = 0; specs && specs[i]; i++)
    {
      struct skiff_mount m = { 0 };
      int r = parse (specs[i], &m, err);
      if (r == 0)
        r = add_mount (mc, &m, weak, err);
      skiff_mount_clear (&m);
      if (r < 0)
        return r;
    }
  return 0;
}

static int
check_destination (const struct skiff_mount *m, struct skiff_error **err)
{
  if (strcmp (m->destination, "/proc") == 0 || strncmp (m->destination, "/proc/", 6) == 0)
    return BAD (err, "invalid mount destination %s: it is inside /proc", m->destination);
  return 0;
}

/* The sources: bind paths checked or made, volumes created (anonymous ones named). */
static int
resolve_sources (struct skiff_store *store, struct skiff_mounts_config *mc,
                 struct skiff_error **err)
{
  for (size_t i = 0; i < mc->n; i++)
    {
      struct skiff_mount *m = &mc->v[i];
      int r = check_destination (m, err);
      if (r == 0 && m->type == SKIFF_MOUNT_BIND)
        r = bind_source (m, err);
      else if (r == 0 && m->type == SKIFF_MOUNT_VOLUME)
        r = volume_source (store, m, err);
      if (r < 0)
        return r;
    }
  return 0;
}

/* --userns=keep-id: the process runs as the user's own uid:gid unless -u says otherwise. */
static void
userns_user (const struct skiff_mounts_spec *ms, const char *user_flag,
             struct skiff_container_config *cfg)
{
  if (ms->userns == NULL || strcmp (ms->userns, "keep-id") != 0 || user_flag != NULL)
    return;
  free (cfg->user);
  cfg->user
      = xasprintf ("%u:%u", (unsigned)skiff_userns_host_uid (), (unsigned)skiff_userns_host_gid ());
}

int
skiff_engine_mounts (struct skiff_store *store, const struct skiff_container_spec *spec,
                     const struct skiff_image *img, struct skiff_container_config *cfg,
                     struct skiff_error **err)
{
  const struct skiff_mounts_spec *ms = &spec->mounts;
  struct skiff_mounts_config *mc = &cfg->mounts;
  int r = skiff_mount_userns_check (ms->userns, store->rootless, err);
  if (r < 0)
    return r;
  if (ms->userns && *ms->userns && strcmp (ms->userns, "host") != 0)
    mc->userns = xstrdup (ms->userns);
  userns_user (ms, spec->user, cfg);
  for (size_t i = 0; ms->volumes_from && ms->volumes_from[i]; i++)
    if ((r = volumes_from (store, ms->volumes_from[i], mc, err)) < 0)
      return r;
  size_t weak = mc->n;
  if ((r = parse_all (ms->volumes, skiff_mount_parse_volume, mc, weak, err)) < 0
      || (r = parse_all (ms->mounts, skiff_mount_parse_mount, mc, weak, err)) < 0
      || (r = parse_all (ms->tmpfs, skiff_mount_parse_tmpfs, mc, weak, err)) < 0)
    return r;
  /* the image's VOLUMEs that no mount covers: anonymous volumes (docker) */
  for (size_t i = 0; img->config.volumes && img->config.volumes[i]; i++)
    {
      struct skiff_mount m = { .type = SKIFF_MOUNT_VOLUME, .anonymous = true };
      if (skiff_mount_clean_destination (img->config.volumes[i], &m.destination, NULL) == 0
          && skiff_mounts_config_find (mc, m.destination) == NULL)
        skiff_mounts_config_add (mc, &m);
      skiff_mount_clear (&m);
    }
  return resolve_sources (store, mc, err);
}

void
skiff_engine_mounts_abort (struct skiff_store *store, const struct skiff_container_config *cfg)
{
  for (size_t i = 0; i < cfg->mounts.n; i++)
    {
      const struct skiff_mount *m = &cfg->mounts.v[i];
      struct skiff_error *e = NULL;
      if (m->type == SKIFF_MOUNT_VOLUME && m->anonymous && m->source != NULL
          && skiff_volume_remove (store, m->source, &e) < 0)
        skiff_error_free (e);
    }
}
