#pragma once
/* Shared by src/network/'s files: netlink requests (netlink.c) and leases (leases.c). */
#include <stdint.h>
#include <sys/types.h>

#include "skiff/network.h"

struct skiff_error;
struct mnl_socket;

struct skiff_nl
{
  struct mnl_socket *sock;
  unsigned portid, seq;
};
int skiff_nl_open (struct skiff_nl *nl, struct skiff_error **err);
void skiff_nl_close (struct skiff_nl *nl);
/* In pid's network namespace; *ifindex: ifname's index there. */
int skiff_nl_open_in (pid_t pid, const char *ifname, struct skiff_nl *nl, unsigned *ifindex,
                      struct skiff_error **err);
/* Creates the bridge (an existing one is fine) and sets it up. */
int skiff_nl_bridge_add (struct skiff_nl *nl, const char *name, unsigned mtu,
                         struct skiff_error **err);
/* By index, or by name when ifindex is 0 (name also names it in errors). */
int skiff_nl_link_up (struct skiff_nl *nl, const char *name, unsigned ifindex,
                      struct skiff_error **err);
/* One request and its ACK: 0 or -errno (not reported). */
struct nlmsghdr;
int skiff_nl_talk (struct skiff_nl *nl, struct nlmsghdr *nlh);
/* Deletes a link by index (ENODEV: fine). */
int skiff_nl_link_del (struct skiff_nl *nl, const char *name, unsigned ifindex,
                       struct skiff_error **err);
/* netlink_alias.c: a link's alias (IFLA_IFALIAS); get: "" when it has none. */
int skiff_nl_link_alias_set (struct skiff_nl *nl, const char *name, const char *alias,
                             struct skiff_error **err);
int skiff_nl_link_alias_get (struct skiff_nl *nl, const char *name, char *buf, size_t len,
                             struct skiff_error **err);
/* "skiff:<root>": what a user network's bridge made by this store carries (caller frees) */
char *skiff_network_bridge_mark (const struct skiff_store *store);
struct skiff_nl_veth
{
  const char *host_name, *peer_name;
  unsigned bridge_index, mtu;
  pid_t peer_pid; /* the peer is made in this process's network namespace */
  unsigned char peer_mac[6];
};
/* The host end up and on the bridge, the peer (still down) in peer_pid's namespace.  -EEXIST: the
 * host name is taken. */
int skiff_nl_veth_add (struct skiff_nl *nl, const struct skiff_nl_veth *v,
                       struct skiff_error **err);
/* An existing address is fine. */
int skiff_nl_addr_add (struct skiff_nl *nl, unsigned ifindex, uint32_t ip, unsigned prefix_len,
                       struct skiff_error **err);
int skiff_nl_default_route (struct skiff_nl *nl, unsigned ifindex, uint32_t gateway,
                            struct skiff_error **err);

/* isolate.c: a user network's bridge made: FIB rules so that nothing is routed between two
 * skiff networks, and, internal, nothing out of it at all. */
int skiff_network_isolate (struct skiff_store *store, struct skiff_nl *nl,
                           const struct skiff_network_info *info, struct skiff_error **err);
/* network rm: its rules and its bridge go. */
void skiff_network_unisolate (struct skiff_store *store, const struct skiff_network_info *info);

/* leases.c: under the network's lock (<root>/networks/NAME.lock) */
struct skiff_lease
{
  uint32_t ip;
  char id[65];
  pid_t pid;
  unsigned long long start; /* /proc/<pid>/stat starttime */
  unsigned char mac[6];     /* with has_mac: --mac-address's */
  bool has_mac;
  char names[512]; /* user networks: "name alias..." for the members' hosts files, or "" */
};
struct skiff_leases
{
  struct skiff_lease *v;
  size_t n;
};
/* The leases file's path for a network (caller frees). */
char *skiff_leases_path (struct skiff_store *store, const char *network, const char *suffix);
/* Reads NAME.leases (missing: none; a malformed line is dropped: it holds nothing). */
int skiff_leases_read (const char *path, struct skiff_leases *out, struct skiff_error **err);
int skiff_leases_write (const char *path, const struct skiff_leases *l, struct skiff_error **err);
void skiff_leases_clear (struct skiff_leases *l);
/* Whether text is "name alias..." of valid names (one space between), short enough. */
bool skiff_lease_names_valid (const char *text);
/* Whether a lease's holder is still the live process it names. */
bool skiff_lease_alive (const struct skiff_lease *l);
/* want if it is in the subnet (not network, gateway, broadcast) and free; 0: not (reported) */
uint32_t skiff_leases_want (const struct skiff_leases *l, const struct skiff_network_info *info,
                            uint32_t want, struct skiff_error **err);
/* Lowest address of the subnet no lease holds (not network, gateway, broadcast); 0: none. */
uint32_t skiff_leases_pick (const struct skiff_leases *l, const struct skiff_network_info *info);
