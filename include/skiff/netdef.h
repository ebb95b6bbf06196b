#pragma once
/* Network definitions (src/network/netdef*.c) and a container's memberships
 * (src/network/membership.c).
 *
 * A network is <root>/networks/NAME.json in podman's shape (name, id, driver,
 * network_interface, created, subnets [{subnet, gateway, lease_range}], ipv6_enabled,
 * internal, dns_enabled, labels, options {mtu}), written temp + fsync + rename under
 * <root>/networks/lock.  The default network "skiff" is always there (its older flat settings
 * file, skiff.json, is read as well).  A container's networks are those its config.json
 * names (the mode's network with --ip, --mac-address, --network-alias), until `network
 * connect` or `disconnect` writes containers/<id>/networks.json, which then replaces them. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>

#include "skiff/network.h"

struct skiff_error;
struct skiff_store;
struct skiff_container;

struct skiff_netdef
{
  char name[64];
  char id[65];
  char bridge[16];
  char *created;                                     /* RFC 3339 */
  uint32_t subnet, gateway, range_first, range_last; /* host byte order; range 0: all */
  unsigned prefix_len, mtu;
  bool internal, dns_enabled, is_default;
  char **labels; /* "k=v" */
};
void skiff_netdef_clear (struct skiff_netdef *d);

/* What `network create` asks for (borrowed strings; NULL: the default). */
struct skiff_netdef_request
{
  const char *name, *driver, *subnet, *gateway, *ip_range;
  char **labels, **opts;
  bool internal;
};

/* Whether text is a valid network name (docker's [a-zA-Z0-9][a-zA-Z0-9_.-]*, < 64). */
bool skiff_netdef_name_valid (const char *text);

/* A network by name, or by a unique prefix of its ID: docker's "network X not found" (exit 1
 * for the network commands: status_missing). */
int skiff_netdef_load (struct skiff_store *store, const char *name_or_id, int status_missing,
                       struct skiff_netdef *out, struct skiff_error **err);
/* Every network, the default first, then by name.  *out ends with an entry whose name[0] is
 * '\0'; free with skiff_netdefs_free. */
int skiff_netdef_list (struct skiff_store *store, struct skiff_netdef **out,
                       struct skiff_error **err);
void skiff_netdefs_free (struct skiff_netdef *v);
/* Checks the request (docker's and podman's texts), picks a free subnet (10.89.N.0/24) and
 * bridge name (skiffN) unless given, and writes the definition. */
int skiff_netdef_create (struct skiff_store *store, const struct skiff_netdef_request *req,
                         struct skiff_netdef *out, struct skiff_error **err);
/* Removes the definition, its lease and lock files, and (root) its bridge and rules; the
 * caller checked it is unused. */
int skiff_netdef_remove (struct skiff_store *store, const struct skiff_netdef *d,
                         struct skiff_error **err);
/* podman's inspect object; go_names: the Go field names its templates use (NetworkInterface,
 * DNSEnabled, ...) instead of the JSON keys. */
void skiff_netdef_gen (yajl_gen g, const struct skiff_netdef *d, bool go_names);
/* The same keys into an open map (full_id false: the ID's first 12 digits). */
void skiff_netdef_gen_fields (yajl_gen g, const struct skiff_netdef *d, bool go_names,
                              bool full_id);
/* The settings the bridge code uses. */
void skiff_netdef_info (const struct skiff_netdef *d, struct skiff_network_info *out);

/* --ip (IPv4), --mac-address (unicast, 6 bytes), --network-alias (a network name's
 * characters), with docker's texts (exit 125); aliases and --ip need a user-defined network
 * (checked by create, which knows). */
int skiff_network_endpoint_check (const struct skiff_network_spec *spec, struct skiff_error **err);
bool skiff_network_mac_parse (const char *text, unsigned char out[6]);
bool skiff_network_alias_valid (const char *text);

/* ---- a container's networks (membership.c) ---- */

struct skiff_net_member
{
  char *network;
  char **aliases;
  char *ip, *mac; /* requested; NULL: picked */
};
struct skiff_net_members
{
  struct skiff_net_member *v;
  size_t n;
};
void skiff_net_members_clear (struct skiff_net_members *m);
/* The container's networks (none unless its mode is a bridge network). */
int skiff_net_members_read (const struct skiff_container *c, struct skiff_net_members *out,
                            struct skiff_error **err);
int skiff_net_members_write (const struct skiff_container *c, const struct skiff_net_members *m,
                             struct skiff_error **err);
/* The index of network in m, or -1. */
ssize_t skiff_net_members_find (const struct skiff_net_members *m, const char *network);
/* "name alias..." of a member, what its lease holds for the others' hosts files. */
char *skiff_net_member_names (const char *container_name, const struct skiff_net_member *m);
/* Whether the container's record names network (a container of any state). */
bool skiff_net_members_has (const struct skiff_container *c, const char *network);

/* A running container (PID 1: pid) leaves network: its interface there deleted, its lease
 * freed (detach.c). */
int skiff_network_detach (struct skiff_store *store, const char *network, const char *id, pid_t pid,
                          struct skiff_error **err);

/* The first ethK (K >= from) that pid's network namespace has not. */
int skiff_network_free_ifname (pid_t pid, unsigned from, char out[16], struct skiff_error **err);

/* ---- names on user-defined networks (hosts_sync.c) ---- */

/* Rewrites the hosts file of every running member of network (under its lock): their own
 * lines, then one "IP\tname alias..." line per other member of the networks they share. */
void skiff_network_hosts_sync (struct skiff_store *store, const char *network);
/* containers/<id>/hosts.lock, held by every writer of its hosts file: the fd, or -errno. */
int skiff_network_hosts_lock (const char *container_dir, struct skiff_error **err);
/* The hosts file's text replaced in place (one pwrite, then ftruncate). */
int skiff_network_hosts_rewrite (const char *container_dir, const char *text,
                                 struct skiff_error **err);
