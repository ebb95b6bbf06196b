/* The default bridge network: its settings file, and a container's endpoint on it (address
 * from the leases, the bridge made on first use, a veth pair, address and route inside). */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "network-internal.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/fs.h"
#include "skiff/json.h"
#include "skiff/lock.h"
#include "skiff/log.h"
#include "skiff/netdef.h"
#include "skiff/netholder.h"
#include "skiff/store.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static const char default_settings[] = "{\"name\":\"" SKIFF_NETWORK_DEFAULT "\","
                                       "\"driver\":\"bridge\","
                                       "\"network_interface\":\"skiff0\","
                                       "\"subnet\":\"10.88.0.0/16\","
                                       "\"gateway\":\"10.88.0.1\","
                                       "\"mtu\":1500}\n";

static bool
parse_ipv4 (const char *text, uint32_t *out)
{
  struct in_addr a;
  if (text == NULL || inet_pton (AF_INET, text, &a) != 1)
    return false;
  *out = ntohl (a.s_addr);
  return true;
}

static int
parse_settings (yajl_val root, const char *path, struct skiff_network_info *out,
                struct skiff_error **err)
{
  _cleanup_free_ char *name = NULL, *iface = NULL, *subnet = NULL, *gateway = NULL;
  int64_t mtu = 1500;
  int r;
  if ((r = skiff_json_get_string (root, "name", path, &name, err)) < 0
      || (r = skiff_json_get_string (root, "network_interface", path, &iface, err)) < 0
      || (r = skiff_json_get_string (root, "subnet", path, &subnet, err)) < 0
      || (r = skiff_json_get_string (root, "gateway", path, &gateway, err)) < 0
      || (r = skiff_json_get_int (root, "mtu", path, &mtu, err)) < 0)
    return r;
  char *slash = subnet ? strchr (subnet, '/') : NULL;
  char *end = NULL;
  unsigned long plen = slash ? strtoul (slash + 1, &end, 10) : 0;
  if (slash)
    *slash = '\0';
  if (name == NULL || strlen (name) >= sizeof out->name || iface == NULL || iface[0] == '\0'
      || strlen (iface) >= sizeof out->bridge || strpbrk (iface, "/ \t\n:") != NULL || slash == NULL
      || *end != '\0' || plen < 8 || plen > 30 || !parse_ipv4 (subnet, &out->subnet)
      || !parse_ipv4 (gateway, &out->gateway) || mtu < 576 || mtu > 65535)
    return skiff_error_make (err, 0,
                             "%s: bad network settings (name, network_interface, "
                             "subnet a.b.c.d/8..30, gateway, mtu 576..65535)",
                             path);
  out->prefix_len = (unsigned)plen;
  uint32_t mask = ~0u << (32 - plen);
  out->subnet &= mask;
  if ((out->gateway & mask) != out->subnet)
    return skiff_error_make (err, 0, "%s: gateway is outside the subnet", path);
  snprintf (out->name, sizeof out->name, "%s", name);
  snprintf (out->bridge, sizeof out->bridge, "%s", iface);
  out->mtu = (unsigned)mtu;
  return 0;
}

int
skiff_network_info_load (struct skiff_store *store, const char *name,
                         struct skiff_network_info *out, struct skiff_error **err)
{
  if (strcmp (name, SKIFF_NETWORK_DEFAULT) != 0)
    {
      struct skiff_netdef d;
      int r = skiff_netdef_load (store, name, 125, &d, err);
      if (r == 0)
        skiff_netdef_info (&d, out);
      skiff_netdef_clear (&d);
      return r;
    }
  _cleanup_free_ char *dir = skiff_store_path (store, "networks");
  _cleanup_free_ char *path = skiff_leases_path (store, name, "json");
  int r;
  memset (out, 0, sizeof *out);
  if (!skiff_fs_exists (path)) /* first use: the defaults, editable afterwards */
    {
      if ((r = skiff_fs_mkdir_p (dir, 0700, err)) < 0
          || (r = skiff_fs_write_atomic (path, default_settings, strlen (default_settings), 0644,
                                         SKIFF_WRITE_DURABLE, err))
                 < 0)
        return r;
    }
  _cleanup_yajl_val_ yajl_val root = NULL;
  if ((r = skiff_json_parse_file (path, &root, err)) < 0)
    return r;
  return parse_settings (root, path, out, err);
}

static void
fill_endpoint (const struct skiff_network_info *info, uint32_t ip, const unsigned char *mac,
               struct skiff_network_endpoint *ep)
{
  memset (ep, 0, sizeof *ep);
  ep->ip = ip;
  ep->prefix_len = info->prefix_len;
  struct in_addr a = { .s_addr = htonl (ip) }, g = { .s_addr = htonl (info->gateway) };
  inet_ntop (AF_INET, &a, ep->ip_text, sizeof ep->ip_text);
  inet_ntop (AF_INET, &g, ep->gateway_text, sizeof ep->gateway_text);
  /* docker's scheme: 02:42 and the address */
  unsigned char m[6] = { 0x02, 0x42, ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff };
  if (mac)
    memcpy (m, mac, 6);
  snprintf (ep->mac_text, sizeof ep->mac_text, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
            m[3], m[4], m[5]);
  snprintf (ep->network, sizeof ep->network, "%s", info->name);
}

/* Under the network's lock: drops the leases of dead holders (and any earlier one of id),
 * then takes the lowest free address for id held by pid. */
static int
lease_take (struct skiff_store *store, const struct skiff_network_info *info,
            const struct skiff_network_attach_req *req, uint32_t *ip, struct skiff_error **err)
{
  const char *id = req->id;
  pid_t pid = req->pid;
  _cleanup_free_ char *lock_path = skiff_leases_path (store, info->name, "lock");
  _cleanup_free_ char *path = skiff_leases_path (store, info->name, "leases");
  int lock = skiff_lock_acquire (lock_path, SKIFF_LOCK_EXCLUSIVE, err);
  if (lock < 0)
    return lock;
  struct skiff_leases l;
  int r = skiff_leases_read (path, &l, err);
  if (r == 0)
    {
      size_t keep = 0;
      for (size_t i = 0; i < l.n; i++)
        if (skiff_lease_alive (&l.v[i]) && strcmp (l.v[i].id, id) != 0)
          l.v[keep++] = l.v[i];
      l.n = keep;
      *ip = req->ip ? skiff_leases_want (&l, info, req->ip, err) : skiff_leases_pick (&l, info);
      if (*ip == 0 && req->ip == 0)
        r = skiff_error_make (err, 0, "network %s has no free address left", info->name);
      else if (*ip == 0)
        r = -EADDRINUSE;
    }
  if (r == 0)
    {
      l.v = xrealloc (l.v, (l.n + 1) * sizeof *l.v);
      struct skiff_lease *nl = &l.v[l.n++];
      memset (nl, 0, sizeof *nl);
      nl->ip = *ip;
      snprintf (nl->id, sizeof nl->id, "%s", id);
      nl->pid = pid;
      nl->start = skiff_container_pid_start_time (pid);
      nl->has_mac = req->mac != NULL;
      if (req->names && skiff_lease_names_valid (req->names))
        snprintf (nl->names, sizeof nl->names, "%s", req->names);
      if (req->mac)
        memcpy (nl->mac, req->mac, 6);
      r = skiff_leases_write (path, &l, err);
    }
  skiff_leases_clear (&l);
  skiff_lock_release (lock);
  return r;
}

/* system check's line for a lease whose holder is gone */
static char *
lease_problem (const char *network, const struct skiff_lease *l)
{
  struct in_addr a = { .s_addr = htonl (l->ip) };
  char ip[INET_ADDRSTRLEN];
  inet_ntop (AF_INET, &a, ip, sizeof ip);
  return xasprintf ("network %s: address %s is leased to container %s, whose process is gone",
                    network, ip, l->id);
}

/* Removes id's leases (id NULL: those of dead holders); *removed: their lines for check. */
static int
lease_drop (struct skiff_store *store, const char *network, const char *id, char ***removed,
            struct skiff_error **err)
{
  _cleanup_free_ char *lock_path = skiff_leases_path (store, network, "lock");
  _cleanup_free_ char *path = skiff_leases_path (store, network, "leases");
  if (!skiff_fs_exists (path))
    return 0;
  int lock = skiff_lock_acquire (lock_path, SKIFF_LOCK_EXCLUSIVE, err);
  if (lock < 0)
    return lock;
  struct skiff_leases l;
  int r = skiff_leases_read (path, &l, err);
  size_t keep = 0;
  for (size_t i = 0; r == 0 && i < l.n; i++)
    {
      bool drop = id ? strcmp (l.v[i].id, id) == 0 : !skiff_lease_alive (&l.v[i]);
      if (drop && removed)
        skiff_strv_push_owned (removed, lease_problem (network, &l.v[i]));
      if (!drop)
        l.v[keep++] = l.v[i];
    }
  if (r == 0 && keep != l.n)
    {
      l.n = keep;
      r = skiff_leases_write (path, &l, err);
    }
  skiff_leases_clear (&l);
  skiff_lock_release (lock);
  return r;
}

/* The bridge, made (with its gateway address) when missing: once per host (or namespace). */
static int
ensure_bridge (struct skiff_store *store, struct skiff_nl *nl,
               const struct skiff_network_info *info, unsigned *index, struct skiff_error **err)
{
  *index = if_nametoindex (info->bridge);
  if (*index != 0)
    return 0;
  int r = skiff_nl_bridge_add (nl, info->bridge, info->mtu, err);
  if (r < 0)
    return r;
  if ((*index = if_nametoindex (info->bridge)) == 0)
    return skiff_error_make (err, errno, "find bridge %s", info->bridge);
  if ((r = skiff_nl_addr_add (nl, *index, info->gateway, info->prefix_len, err)) < 0)
    return r;
  return skiff_network_isolate (store, nl, info, err);
}

static int
make_veth (struct skiff_nl *nl, const struct skiff_network_info *info, unsigned bridge_index,
           const struct skiff_network_attach_req *req, uint32_t ip, struct skiff_error **err)
{
  struct skiff_nl_veth v
      = { .peer_name = req->ifname,
          .bridge_index = bridge_index,
          .mtu = info->mtu,
          .peer_pid = req->pid,
          .peer_mac = { 0x02, 0x42, ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff } };
  if (req->mac)
    memcpy (v.peer_mac, req->mac, 6);
  /* a random host name: the veth of a container's previous run may linger while the kernel
   * tears its old namespace down */
  for (int attempt = 0;; attempt++)
    {
      uint32_t rnd;
      if (getrandom (&rnd, sizeof rnd, 0) != sizeof rnd)
        return skiff_error_make (err, errno, "getrandom");
      char name[IFNAMSIZ];
      snprintf (name, sizeof name, "veth%08x", rnd);
      v.host_name = name;
      struct skiff_error *e = NULL;
      int r = skiff_nl_veth_add (nl, &v, &e);
      if (r != -EEXIST || attempt == 3)
        {
          if (r < 0)
            *err = e;
          return r;
        }
      skiff_error_free (e);
    }
}

static int
configure_inside (const struct skiff_network_attach_req *req, const struct skiff_network_info *info,
                  uint32_t ip, struct skiff_error **err)
{
  struct skiff_nl in = { 0 };
  unsigned ifindex;
  int r = skiff_nl_open_in (req->pid, req->ifname, &in, &ifindex, err);
  if (r < 0)
    return r;
  /* an internal network has no way out; a second network's gateway is not the default */
  if ((r = skiff_nl_addr_add (&in, ifindex, ip, info->prefix_len, err)) == 0
      && (r = skiff_nl_link_up (&in, req->ifname, ifindex, err)) == 0 && req->default_route
      && !info->internal)
    r = skiff_nl_default_route (&in, ifindex, info->gateway, err);
  skiff_nl_close (&in);
  return r;
}

struct link_job
{
  struct skiff_store *store;
  const struct skiff_network_attach_req *req;
  const struct skiff_network_info *info;
  uint32_t ip;
};

/* The bridge (when missing), the veth pair and the container's side: in the host's network
 * namespace, or rootless in the holder's (skiff_netholder_call). */
static int
make_links (void *arg, struct skiff_error **err)
{
  const struct link_job *j = arg;
  struct skiff_nl nl = { 0 };
  unsigned bridge_index = 0;
  int r = skiff_nl_open (&nl, err);
  if (r < 0)
    return r;
  if ((r = ensure_bridge (j->store, &nl, j->info, &bridge_index, err)) == 0
      && (r = make_veth (&nl, j->info, bridge_index, j->req, j->ip, err)) == 0)
    r = configure_inside (j->req, j->info, j->ip, err);
  skiff_nl_close (&nl);
  return r;
}

int
skiff_network_attach_to (struct skiff_store *store, const struct skiff_network_attach_req *req,
                         struct skiff_network_endpoint *out, struct skiff_error **err)
{
  struct skiff_network_info info;
  uint32_t ip = 0;
  int r = skiff_network_info_load (store, req->network, &info, err);
  if (r < 0 || (r = lease_take (store, &info, req, &ip, err)) < 0)
    return r;
  struct link_job job = { store, req, &info, ip };
  r = skiff_netholder_call (make_links, &job, err);
  if (r < 0)
    {
      skiff_error_prefix (err, "network %s", info.name);
      skiff_network_release_from (store, info.name, req->id); /* the veth goes with the netns */
      return r;
    }
  fill_endpoint (&info, ip, req->mac, out);
  return 0;
}

int
skiff_network_attach (struct skiff_store *store, const char *id, pid_t pid,
                      struct skiff_network_endpoint *out, struct skiff_error **err)
{
  struct skiff_network_attach_req req = {
    .network = SKIFF_NETWORK_DEFAULT, .id = id, .pid = pid, .ifname = "eth0", .default_route = true
  };
  return skiff_network_attach_to (store, &req, out, err);
}

void
skiff_network_release_from (struct skiff_store *store, const char *network, const char *id)
{
  struct skiff_error *e = NULL;
  if (lease_drop (store, network, id, NULL, &e) < 0)
    skiff_error_log_drop (&e, SKIFF_LOG_WARN);
}

void
skiff_network_release (struct skiff_store *store, const char *id)
{
  skiff_network_release_from (store, SKIFF_NETWORK_DEFAULT, id);
}

int
skiff_network_endpoint_on (struct skiff_store *store, const char *network, const char *id,
                           struct skiff_network_endpoint *out)
{
  struct skiff_network_info info;
  struct skiff_error *e = NULL;
  _cleanup_free_ char *path = skiff_leases_path (store, network, "leases");
  struct skiff_leases l = { 0 };
  int r = -ENOENT;
  if (!skiff_fs_exists (path) || skiff_network_info_load (store, network, &info, &e) < 0
      || skiff_leases_read (path, &l, &e) < 0)
    {
      skiff_error_free (e);
      return -ENOENT;
    }
  for (size_t i = 0; i < l.n && r < 0; i++)
    if (strcmp (l.v[i].id, id) == 0 && skiff_lease_alive (&l.v[i]))
      {
        fill_endpoint (&info, l.v[i].ip, l.v[i].has_mac ? l.v[i].mac : NULL, out);
        r = 0;
      }
  skiff_leases_clear (&l);
  return r;
}

int
skiff_network_endpoint_of (struct skiff_store *store, const char *id,
                           struct skiff_network_endpoint *out)
{
  return skiff_network_endpoint_on (store, SKIFF_NETWORK_DEFAULT, id, out);
}

/* One network's leases whose holder is gone (repair: freed). */
int
skiff_network_check_leases (struct skiff_store *store, const char *network, bool repair,
                            char ***problems, struct skiff_error **err)
{
  _cleanup_free_ char *path = skiff_leases_path (store, network, "leases");
  if (!skiff_fs_exists (path))
    return 0;
  if (repair)
    return lease_drop (store, network, NULL, problems, err);
  struct skiff_leases l;
  int r = skiff_leases_read (path, &l, err);
  for (size_t i = 0; r == 0 && i < l.n; i++)
    if (!skiff_lease_alive (&l.v[i]))
      skiff_strv_push_owned (problems, lease_problem (network, &l.v[i]));
  skiff_leases_clear (&l);
  return r;
}
