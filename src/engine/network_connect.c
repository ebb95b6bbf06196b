/* `network connect` and `disconnect`: the container's networks.json rewritten under its lock;
 * a running container gets its interface on the network (the next free ethK, no default
 * route) or loses it at once, and the names on that network follow. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/lock.h"
#include "skiff/netdef.h"
#include "skiff/netholder.h"
#include "skiff/network.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static bool
running (const struct skiff_container *c)
{
  return c->state.status == SKIFF_CONTAINER_RUNNING
         && skiff_container_pid_alive (c->state.pid, c->state.pid_start);
}

/* The container and the network, and whether the one may join the other at all. */
static int
open_pair (struct skiff_store *store, const char *net, const char *ctr, bool need_def,
           struct skiff_container **c, struct skiff_netdef *d, struct skiff_error **err)
{
  _cleanup_free_ char *id = NULL;
  int r = skiff_container_lookup (store, ctr, &id, err);
  if (r < 0 || (r = skiff_container_load (store, id, c, err)) < 0)
    return r;
  struct skiff_error *missing = NULL;
  r = skiff_netdef_load (store, net, 1, d, &missing);
  if (r < 0 && (need_def || r != -ENOENT))
    {
      *err = missing;
      return r;
    }
  skiff_error_free (missing);
  if (r < 0) /* disconnect -f from a network that is gone: its name as given */
    snprintf (d->name, sizeof d->name, "%s", net);
  struct skiff_network_mode mode;
  if ((r = skiff_network_mode_parse ((*c)->config.network.mode, &mode, err)) < 0)
    return r;
  if (mode.kind != SKIFF_NET_BRIDGE)
    return skiff_error_make_status (err, 1, 0,
                                    "container %s cannot join or leave network %s: its network "
                                    "mode is %s",
                                    (*c)->config.name, d->name, (*c)->config.network.mode);
  /* rootless, a running container's namespace is only reachable from the holder's user
   * namespace, which it is in when it started on a bridge */
  if (store->rootless && running (*c) && !skiff_netholder_joined ())
    return skiff_error_make_status (err, 125, 0,
                                    "container %s is not in skiff's rootless network namespace: "
                                    "connect or disconnect it while it is stopped",
                                    (*c)->config.name);
  return 0;
}

static int
attach_running (struct skiff_store *store, const struct skiff_container *c,
                const struct skiff_net_member *m, size_t index, struct skiff_error **err)
{
  char ifname[16];
  struct in_addr want = { 0 };
  unsigned char mac[6];
  int r = skiff_network_free_ifname (c->state.pid, (unsigned)index, ifname, err);
  if (r < 0)
    return r;
  if (m->ip)
    inet_pton (AF_INET, m->ip, &want);
  _cleanup_free_ char *names = skiff_net_member_names (c->config.name, m);
  struct skiff_network_attach_req req
      = { .network = m->network,
          .id = c->config.id,
          .ifname = ifname,
          .pid = c->state.pid,
          .ip = ntohl (want.s_addr),
          .mac = m->mac && skiff_network_mac_parse (m->mac, mac) ? mac : NULL,
          .default_route = index == 0,
          .names = names };
  struct skiff_network_endpoint ep;
  return skiff_network_attach_to (store, &req, &ep, err);
}

static int
connect_locked (struct skiff_store *store, struct skiff_container *c, const struct skiff_netdef *d,
                char *const *aliases, const char *ip, const char *mac, struct skiff_error **err)
{
  struct skiff_net_members m;
  int r = skiff_container_state_reload (c, err);
  if (r < 0 || (r = skiff_net_members_read (c, &m, err)) < 0)
    return r;
  if (skiff_net_members_find (&m, d->name) >= 0)
    r = skiff_error_make_status (err, 1, 0, "endpoint with name %s already exists in network %s",
                                 c->config.name, d->name);
  struct skiff_net_member *e = NULL;
  if (r == 0)
    {
      m.v = xrealloc (m.v, (m.n + 1) * sizeof *m.v);
      e = &m.v[m.n++];
      memset (e, 0, sizeof *e);
      e->network = xstrdup (d->name);
      e->aliases = skiff_strv_dup (aliases);
      e->ip = ip ? xstrdup (ip) : NULL;
      e->mac = mac ? xstrdup (mac) : NULL;
    }
  if (r == 0 && running (c) && (r = attach_running (store, c, e, m.n - 1, err)) == 0)
    {
      if ((r = skiff_net_members_write (c, &m, err)) < 0)
        skiff_network_release_from (store, d->name, c->config.id);
    }
  else if (r == 0)
    r = skiff_net_members_write (c, &m, err);
  skiff_net_members_clear (&m);
  return r;
}

int
skiff_engine_network_connect (struct skiff_store *store, const char *net, const char *ctr,
                              char *const *aliases, const char *ip, const char *mac,
                              struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  struct skiff_netdef d = { 0 };
  struct skiff_network_spec check = { .ip = ip, .mac = mac, .aliases = (char **)aliases };
  int r = skiff_network_endpoint_check (&check, err);
  if (r == 0)
    r = open_pair (store, net, ctr, true, &c, &d, err);
  if (r == 0 && d.is_default && (aliases || ip || mac))
    r = skiff_error_make_status (err, 1, 0,
                                 "%s is supported only for containers in user defined networks",
                                 ip    ? "user specified IP address"
                                 : mac ? "user specified MAC address"
                                       : "network-scoped alias");
  int lock = r < 0 ? r : skiff_container_lock (c, err);
  if (lock >= 0)
    {
      r = connect_locked (store, c, &d, aliases, ip, mac, err);
      skiff_lock_release (lock);
      if (r == 0)
        skiff_network_hosts_sync (store, d.name);
    }
  skiff_netdef_clear (&d);
  return lock < 0 ? lock : r;
}

static int
disconnect_locked (struct skiff_store *store, struct skiff_container *c, const char *network,
                   struct skiff_error **err)
{
  struct skiff_net_members m;
  int r = skiff_container_state_reload (c, err);
  if (r < 0 || (r = skiff_net_members_read (c, &m, err)) < 0)
    return r;
  ssize_t k = skiff_net_members_find (&m, network);
  if (k < 0)
    r = skiff_error_make_status (err, 1, 0, "container %s is not connected to network %s",
                                 c->config.name, network);
  if (r == 0 && running (c))
    r = skiff_network_detach (store, network, c->config.id, c->state.pid, err);
  if (r == 0)
    {
      free (m.v[k].network);
      skiff_strv_free (m.v[k].aliases);
      free (m.v[k].ip);
      free (m.v[k].mac);
      memmove (&m.v[k], &m.v[k + 1], (m.n - (size_t)k - 1) * sizeof *m.v);
      m.n--;
      r = skiff_net_members_write (c, &m, err);
    }
  skiff_net_members_clear (&m);
  return r;
}

int
skiff_engine_network_disconnect (struct skiff_store *store, const char *net, const char *ctr,
                                 bool force, struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  struct skiff_netdef d = { 0 };
  int r = open_pair (store, net, ctr, !force, &c, &d, err);
  int lock = r < 0 ? r : skiff_container_lock (c, err);
  if (lock >= 0)
    {
      r = disconnect_locked (store, c, d.name, err);
      skiff_lock_release (lock);
      if (r == 0)
        skiff_network_hosts_sync (store, d.name);
    }
  skiff_netdef_clear (&d);
  return lock < 0 ? lock : r;
}
