/* A container's bridge networks at start and at the end: one endpoint per network it is on
 * (eth0, eth1, ... in the order of its memberships; the first one's gateway is the default
 * route), its hosts file with its own address, and the names on every user-defined network
 * it joins or leaves brought up to date in the other members' files. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/netdef.h"
#include "skiff/network.h"

static int
join_one (struct skiff_store *store, const struct skiff_container *c,
          const struct skiff_net_member *m, size_t index, pid_t pid,
          struct skiff_network_endpoint *ep, struct skiff_error **err)
{
  char ifname[16];
  unsigned char mac[6];
  struct in_addr want = { 0 };
  _cleanup_free_ char *names = skiff_net_member_names (c->config.name, m);
  snprintf (ifname, sizeof ifname, "eth%u", (unsigned)(index % 1000));
  if (m->ip && inet_pton (AF_INET, m->ip, &want) != 1)
    return skiff_error_make (err, 0, "%s: bad address %s", c->dir, m->ip);
  if (m->mac && !skiff_network_mac_parse (m->mac, mac))
    return skiff_error_make (err, 0, "%s: bad MAC address %s", c->dir, m->mac);
  struct skiff_network_attach_req req = { .network = m->network,
                                          .id = c->config.id,
                                          .ifname = ifname,
                                          .pid = pid,
                                          .ip = ntohl (want.s_addr),
                                          .mac = m->mac ? mac : NULL,
                                          .default_route = index == 0,
                                          .names = names };
  return skiff_network_attach_to (store, &req, ep, err);
}

static int
write_own_hosts (const struct skiff_container *c, const char *own_ip, char *const *link_lines,
                 struct skiff_error **err)
{
  int lock = skiff_network_hosts_lock (c->dir, err);
  if (lock < 0)
    return lock;
  int r = skiff_container_write_hosts (c, own_ip, link_lines, err);
  skiff_lock_release (lock);
  return r;
}

int
skiff_container_networks_join (struct skiff_store *store, const struct skiff_container *c,
                               pid_t pid, char *const *link_lines, uint32_t *first_ip,
                               struct skiff_error **err)
{
  *first_ip = 0;
  struct skiff_net_members m;
  int r = skiff_net_members_read (c, &m, err);
  if (r < 0)
    return r;
  char own_ip[16] = "";
  size_t i;
  for (i = 0; i < m.n && r == 0; i++)
    {
      struct skiff_network_endpoint ep;
      if ((r = join_one (store, c, &m.v[i], i, pid, &ep, err)) == 0 && i == 0)
        {
          snprintf (own_ip, sizeof own_ip, "%s", ep.ip_text);
          *first_ip = ep.ip;
        }
    }
  if (r == 0 && !c->config.network.no_hosts)
    r = write_own_hosts (c, own_ip[0] ? own_ip : NULL, link_lines, err);
  for (size_t j = 0; r == 0 && j < m.n; j++)
    skiff_network_hosts_sync (store, m.v[j].network);
  skiff_net_members_clear (&m);
  if (r < 0)
    skiff_container_networks_leave (store, c);
  return r;
}

void
skiff_container_networks_leave (struct skiff_store *store, const struct skiff_container *c)
{
  struct skiff_net_members m;
  struct skiff_error *e = NULL;
  if (skiff_net_members_read (c, &m, &e) < 0)
    {
      skiff_error_log_drop (&e, SKIFF_LOG_WARN);
      return;
    }
  for (size_t i = 0; i < m.n; i++)
    {
      skiff_network_release_from (store, m.v[i].network, c->config.id);
      skiff_network_hosts_sync (store, m.v[i].network);
    }
  skiff_net_members_clear (&m);
}
