/* A container's networks: its config.json's mode (a bridge network) with --network-alias,
 * --ip and --mac-address, until `network connect`/`disconnect` writes
 * containers/<id>/networks.json (an array of {Name, Aliases, IPAddress, MacAddress}), which
 * then replaces them.  Written temp + fsync + rename; the callers hold the container's lock. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netdef-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

void
skiff_net_members_clear (struct skiff_net_members *m)
{
  for (size_t i = 0; i < m->n; i++)
    {
      free (m->v[i].network);
      skiff_strv_free (m->v[i].aliases);
      free (m->v[i].ip);
      free (m->v[i].mac);
    }
  free (m->v);
  memset (m, 0, sizeof *m);
}

static struct skiff_net_member *
push (struct skiff_net_members *m)
{
  m->v = xrealloc (m->v, (m->n + 1) * sizeof *m->v);
  struct skiff_net_member *e = &m->v[m->n++];
  memset (e, 0, sizeof *e);
  return e;
}

static int
from_config (const struct skiff_container *c, struct skiff_net_members *out,
             struct skiff_error **err)
{
  const struct skiff_network_config *cfg = &c->config.network;
  struct skiff_network_mode mode;
  int r = skiff_network_mode_parse (cfg->mode ? cfg->mode : "none", &mode, err);
  if (r < 0 || mode.kind != SKIFF_NET_BRIDGE)
    return r;
  struct skiff_net_member *e = push (out);
  e->network = xstrdup (mode.arg ? mode.arg : SKIFF_NETWORK_DEFAULT);
  e->aliases = skiff_strv_dup (cfg->aliases);
  e->ip = cfg->ip ? xstrdup (cfg->ip) : NULL;
  e->mac = cfg->mac ? xstrdup (cfg->mac) : NULL;
  return 0;
}

/* One entry, checked as the flags are: the file is in a directory the container's user may
 * not write, but a record is read as if hostile anyway. */
static int
parse_entry (yajl_val o, const char *path, struct skiff_net_members *out, struct skiff_error **err)
{
  struct skiff_net_member *e = push (out);
  struct skiff_network_spec check = { 0 };
  int r;
  if (!YAJL_IS_OBJECT (o) || (r = skiff_json_get_string (o, "Name", path, &e->network, err)) < 0
      || (r = skiff_json_get_strv (o, "Aliases", path, &e->aliases, err)) < 0
      || (r = skiff_json_get_string (o, "IPAddress", path, &e->ip, err)) < 0
      || (r = skiff_json_get_string (o, "MacAddress", path, &e->mac, err)) < 0)
    return YAJL_IS_OBJECT (o) ? r
                              : skiff_error_make (err, 0, "%s: an entry is not an object", path);
  check.ip = e->ip;
  check.mac = e->mac;
  check.aliases = e->aliases;
  struct skiff_error *why = NULL;
  if (e->network == NULL || !skiff_netdef_name_valid (e->network)
      || skiff_network_endpoint_check (&check, &why) < 0)
    {
      skiff_error_free (why);
      return skiff_error_make (err, 0, "%s: bad network entry", path);
    }
  return 0;
}

int
skiff_net_members_read (const struct skiff_container *c, struct skiff_net_members *out,
                        struct skiff_error **err)
{
  memset (out, 0, sizeof *out);
  _cleanup_free_ char *path = skiff_path_join (c->dir, "networks.json");
  _cleanup_yajl_val_ yajl_val root = NULL;
  struct skiff_error *e = NULL;
  int r = skiff_json_parse_file (path, &root, &e);
  if (r == -ENOENT)
    {
      skiff_error_free (e);
      return from_config (c, out, err);
    }
  if (r < 0)
    {
      *err = e;
      return r;
    }
  if (!YAJL_IS_ARRAY (root))
    return skiff_error_make (err, 0, "%s: not an array", path);
  for (size_t i = 0; i < root->u.array.len; i++)
    if ((r = parse_entry (root->u.array.values[i], path, out, err)) < 0)
      {
        skiff_net_members_clear (out);
        return r;
      }
  return 0;
}

int
skiff_net_members_write (const struct skiff_container *c, const struct skiff_net_members *m,
                         struct skiff_error **err)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < m->n; i++)
    {
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "Name", m->v[i].network);
      skiff_json_gen_key_strv (g, "Aliases", m->v[i].aliases, true);
      if (m->v[i].ip)
        skiff_json_gen_key_string (g, "IPAddress", m->v[i].ip);
      if (m->v[i].mac)
        skiff_json_gen_key_string (g, "MacAddress", m->v[i].mac);
      yajl_gen_map_close (g);
    }
  yajl_gen_array_close (g);
  size_t len;
  _cleanup_free_ char *json = skiff_json_gen_finish (g, &len);
  _cleanup_free_ char *path = skiff_path_join (c->dir, "networks.json");
  return skiff_fs_write_atomic (path, json, len, 0600, SKIFF_WRITE_DURABLE, err);
}

ssize_t
skiff_net_members_find (const struct skiff_net_members *m, const char *network)
{
  for (size_t i = 0; i < m->n; i++)
    if (strcmp (m->v[i].network, network) == 0)
      return (ssize_t)i;
  return -1;
}

bool
skiff_net_members_has (const struct skiff_container *c, const char *network)
{
  struct skiff_net_members m;
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_net_members_read (c, &m, &e) < 0)
    return false;
  bool has = skiff_net_members_find (&m, network) >= 0;
  skiff_net_members_clear (&m);
  return has;
}

char *
skiff_net_member_names (const char *container_name, const struct skiff_net_member *m)
{
  _cleanup_free_ char *aliases = m->aliases ? skiff_strv_join (m->aliases, " ") : NULL;
  return aliases ? xasprintf ("%s %s", container_name, aliases) : xstrdup (container_name);
}
