/* `network create` and `network rm`'s share of the store: the request checked with podman's
 * and docker's texts (exit 125), a free subnet and bridge name picked, the definition written
 * temp + fsync + rename under <root>/networks/lock (so two creates never pick the same). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netdef-internal.h"
#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/humanize.h"
#include "skiff/json.h"
#include "skiff/lock.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

char *
skiff_netdef_lock_path (struct skiff_store *store)
{
  return skiff_store_path (store, "networks/lock");
}

static uint32_t
mask_of (unsigned plen)
{
  return plen ? ~0u << (32 - plen) : 0;
}

static bool
overlaps (uint32_t a, unsigned alen, uint32_t b, unsigned blen)
{
  unsigned plen = alen < blen ? alen : blen;
  return (a & mask_of (plen)) == (b & mask_of (plen));
}

/* a refused request: exit 125, -EINVAL */
#define bad(err, ...) (skiff_error_make_status (err, 125, 0, __VA_ARGS__), -EINVAL)

/* --subnet, --gateway, --ip-range into d (subnet 0: pick one later) */
static int
check_addresses (const struct skiff_netdef_request *req, struct skiff_netdef *d,
                 struct skiff_error **err)
{
  if (req->subnet == NULL)
    return req->gateway || req->ip_range
               ? bad (err, "cannot set gateway or ip-range without subnet")
               : 0;
  if (!skiff_netdef_parse_cidr (req->subnet, &d->subnet, &d->prefix_len))
    return bad (err, "invalid subnet %s: not an IPv4 CIDR address", req->subnet);
  if (d->prefix_len < 8 || d->prefix_len > 30)
    return bad (err, "subnet %s: the prefix length must be 8 to 30", req->subnet);
  uint32_t mask = mask_of (d->prefix_len);
  d->gateway = d->subnet + 1;
  if (req->gateway
      && (!skiff_netdef_parse_ip (req->gateway, &d->gateway) || (d->gateway & mask) != d->subnet
          || d->gateway == d->subnet || d->gateway == (d->subnet | ~mask)))
    return bad (err, "gateway %s not in subnet %s", req->gateway, req->subnet);
  if (req->ip_range)
    {
      uint32_t rnet;
      unsigned rlen;
      if (!skiff_netdef_parse_cidr (req->ip_range, &rnet, &rlen) || rlen < d->prefix_len
          || (rnet & mask) != d->subnet)
        return bad (err, "ip-range %s not in subnet %s", req->ip_range, req->subnet);
      d->range_first = rnet == d->subnet ? rnet + 1 : rnet;
      d->range_last = (rnet | ~mask_of (rlen)) - ((rnet | ~mask_of (rlen)) == (d->subnet | ~mask));
      if (d->range_first > d->range_last)
        return bad (err, "ip-range %s holds no address", req->ip_range);
    }
  return 0;
}

static int
check_opts (const struct skiff_netdef_request *req, struct skiff_netdef *d,
            struct skiff_error **err)
{
  d->mtu = 1500;
  for (size_t i = 0; req->opts && req->opts[i] && req->opts[i + 1]; i += 2)
    {
      const char *k = req->opts[i], *v = req->opts[i + 1];
      char *end = NULL;
      long mtu = strtol (v, &end, 10);
      if (strcmp (k, "mtu") != 0 && strcmp (k, "com.docker.network.driver.mtu") != 0)
        return bad (err, "unsupported bridge network option %s", k);
      if (*v == '\0' || *end != '\0' || mtu < 576 || mtu > 65535)
        return bad (err, "invalid mtu %s: 576 to 65535", v);
      d->mtu = (unsigned)mtu;
    }
  return 0;
}

static int
check_request (const struct skiff_netdef_request *req, struct skiff_netdef *d,
               struct skiff_error **err)
{
  static const char *const modes[] = { "bridge",      "host",  "none",      "default", "private",
                                       "slirp4netns", "pasta", "container", "ns",      NULL };
  const char *name = req->name;
  if (req->driver && strcmp (req->driver, "bridge") != 0)
    return bad (err, "unsupported driver %s: only \"bridge\"", req->driver);
  if (!skiff_netdef_name_valid (name))
    return bad (err,
                "network name %s invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most "
                "63)",
                name);
  if (skiff_strv_contains ((char **)modes, name))
    return bad (err,
                "cannot create network with name \"%s\" because it conflicts with a valid "
                "network mode",
                name);
  snprintf (d->name, sizeof d->name, "%s", name);
  d->internal = req->internal;
  d->dns_enabled = true;
  int r = check_addresses (req, d, err);
  return r < 0 ? r : check_opts (req, d, err);
}

/* The first 10.89.N.0/24 no network has, or the given subnet if no network overlaps it. */
static int
pick_subnet (const struct skiff_netdef *all, struct skiff_netdef *d, struct skiff_error **err)
{
  bool given = d->subnet != 0;
  for (unsigned n = 0; n < 256; n++)
    {
      if (!given)
        {
          d->subnet = (10u << 24) | (89u << 16) | (n << 8);
          d->prefix_len = 24;
          d->gateway = d->subnet + 1;
        }
      bool used = false;
      for (size_t i = 0; all[i].name[0] && !used; i++)
        used = overlaps (all[i].subnet, all[i].prefix_len, d->subnet, d->prefix_len);
      if (!used)
        return 0;
      if (given)
        break;
    }
  char a[16];
  _cleanup_free_ char *cidr
      = xasprintf ("%s/%u", skiff_netdef_ip_text (d->subnet, a), d->prefix_len);
  return given ? bad (err, "subnet %s is already used by another network", cidr)
               : bad (err, "no free subnet in 10.89.0.0/16 left");
}

/* skiffN for the lowest N >= 1 that neither a definition nor an existing interface has */
static void
pick_bridge (const struct skiff_netdef *all, struct skiff_netdef *d)
{
  for (unsigned n = 1;; n++)
    {
      snprintf (d->bridge, sizeof d->bridge, "skiff%u", n);
      bool used = if_nametoindex (d->bridge) != 0;
      for (size_t i = 0; all[i].name[0] && !used; i++)
        used = strcmp (all[i].bridge, d->bridge) == 0;
      if (!used)
        return;
    }
}

static int
write_def (struct skiff_store *store, const struct skiff_netdef *d, struct skiff_error **err)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (true);
  skiff_netdef_gen (g, d, false);
  size_t len;
  _cleanup_free_ char *json = skiff_json_gen_finish (g, &len);
  _cleanup_free_ char *rel = xasprintf ("networks/%s.json", d->name);
  _cleanup_free_ char *path = skiff_store_path (store, rel);
  return skiff_fs_write_atomic (path, json, len, 0644, SKIFF_WRITE_DURABLE, err);
}

static int
create_locked (struct skiff_store *store, struct skiff_netdef *d, struct skiff_error **err)
{
  struct skiff_netdef *all = NULL;
  int r = skiff_netdef_list (store, &all, err);
  if (r < 0)
    return r;
  for (size_t i = 0; all[i].name[0] && r == 0; i++)
    if (strcmp (all[i].name, d->name) == 0)
      r = bad (err, "network with name %s already exists", d->name);
  if (r == 0 && (r = pick_subnet (all, d, err)) == 0)
    {
      char id[SKIFF_CONTAINER_ID_LEN + 1];
      struct timespec now;
      pick_bridge (all, d);
      clock_gettime (CLOCK_REALTIME, &now);
      d->created = skiff_time_format (&now);
      if ((r = skiff_container_new_id (id, err)) == 0)
        {
          snprintf (d->id, sizeof d->id, "%s", id);
          r = write_def (store, d, err);
        }
    }
  skiff_netdefs_free (all);
  return r;
}

int
skiff_netdef_create (struct skiff_store *store, const struct skiff_netdef_request *req,
                     struct skiff_netdef *out, struct skiff_error **err)
{
  struct skiff_netdef d = { 0 };
  int r = check_request (req, &d, err);
  _cleanup_free_ char *dir = skiff_store_path (store, "networks");
  _cleanup_free_ char *lock_path = skiff_netdef_lock_path (store);
  if (r == 0)
    r = skiff_fs_mkdir_p (dir, 0700, err);
  int lock = r < 0 ? r : skiff_lock_acquire (lock_path, SKIFF_LOCK_EXCLUSIVE, err);
  if (lock < 0)
    return lock;
  d.labels = skiff_strv_dup (req->labels);
  r = create_locked (store, &d, err);
  skiff_lock_release (lock);
  if (r < 0)
    skiff_netdef_clear (&d);
  else
    *out = d;
  return r;
}

static int
unlink_rel (struct skiff_store *store, const char *name, const char *suffix,
            struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_leases_path (store, name, suffix);
  if (unlink (path) < 0 && errno != ENOENT)
    return skiff_error_make (err, errno, "remove %s", path);
  return 0;
}

int
skiff_netdef_remove (struct skiff_store *store, const struct skiff_netdef *d,
                     struct skiff_error **err)
{
  if (d->is_default)
    return bad (err, "default network %s cannot be removed", d->name);
  _cleanup_free_ char *lock_path = skiff_netdef_lock_path (store);
  int lock = skiff_lock_acquire (lock_path, SKIFF_LOCK_EXCLUSIVE, err);
  if (lock < 0)
    return lock;
  /* the definition first: without it nothing joins the network any more */
  int r = unlink_rel (store, d->name, "json", err);
  if (r == 0)
    {
      _cleanup_free_ char *json = skiff_leases_path (store, d->name, "json");
      skiff_fs_fsync_parent (json, NULL);
      if ((r = unlink_rel (store, d->name, "leases", err)) == 0)
        r = unlink_rel (store, d->name, "lock", err);
    }
  skiff_lock_release (lock);
  if (r == 0)
    {
      struct skiff_network_info info;
      skiff_netdef_info (d, &info);
      skiff_network_unisolate (store, &info); /* its rules and bridge, if it had one */
    }
  return r;
}
