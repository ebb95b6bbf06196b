#pragma once
/* Container networking (src/network/): the --network modes, the default bridge network (a
 * Linux bridge, one veth pair per container, addresses from a lease file), and the pure parts
 * of names (--add-host, --dns*, --link).  A network's state lives in <root>/networks/:
 * NAME.json (its settings, written on first use), NAME.lock (flock serialising address
 * management) and NAME.leases (one line per address in use: "IP ID PID STARTTIME", the
 * holder being the container's PID 1; a lease whose process is gone is free). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct skiff_error;
struct skiff_store;

/* What the user asked for (flags; borrowed strings, NULL-terminated vectors or NULL). */
struct skiff_network_spec
{
  const char *mode;  /* --network / --net; NULL: the default (bridge for root, none rootless) */
  char **add_hosts;  /* --add-host host:ip */
  char **dns;        /* --dns */
  char **dns_search; /* --dns-search */
  char **dns_option; /* --dns-option */
  char **links;      /* --link name[:alias] */
  /* user-defined networks (netcmd) */
  const char *ip, *mac; /* --ip, --mac-address */
  char **aliases;       /* --network-alias */
  bool no_hosts;        /* --no-hosts */
};

/* What create decided (config.json "Network"; owned strings). */
struct skiff_network_config
{
  char *mode;         /* "bridge", "none", "host", "container:<full id>", "ns:<path>" */
  char **extra_hosts; /* "host:ip" as given */
  char **dns, **dns_search, **dns_option;
  char **links; /* "<target full id>:<alias>" */
  /* the mode's network: --network-alias, --ip, --mac-address; --no-hosts */
  char **aliases;
  char *ip, *mac;
  bool no_hosts;
};
void skiff_network_config_clear (struct skiff_network_config *cfg);

enum skiff_network_kind
{
  SKIFF_NET_BRIDGE,
  SKIFF_NET_NONE,
  SKIFF_NET_HOST,
  SKIFF_NET_CONTAINER, /* arg: the container as typed (create) or its full ID (config) */
  SKIFF_NET_NS,        /* arg: the namespace path */
  SKIFF_NET_PASTA,     /* pasta (rootless outbound and -p; src/network/pasta.c) */
};
struct skiff_network_mode
{
  enum skiff_network_kind kind;
  const char *arg; /* points into the parsed text */
};

/* Parses a --network value: none, host, bridge (also "default" and the default network's
 * name "skiff"), container:<name|id>, ns:<path> (absolute), or a user-defined network's name
 * (SKIFF_NET_BRIDGE with arg: the name; whether it exists is create's question).  Anything
 * else: docker's "network X not found" (exit 125). */
int skiff_network_mode_parse (const char *text, struct skiff_network_mode *out,
                              struct skiff_error **err);
/* Whether a recorded or given mode (NULL: none) is a bridge: the default one or a name. */
bool skiff_network_mode_is_bridge (const char *text);

/* The flag checks that need no store, with docker/cli's texts (exit 125): --add-host
 * host:ip, --dns an IP address, --dns-search a domain, --dns-option no whitespace, --link
 * name[:alias], and --link with host or container networking. */
int skiff_network_spec_check (const struct skiff_network_spec *spec, struct skiff_error **err);

/* ---- pure text (names.c) ---- */

/* /etc/hosts of a container: docker's fixed header, the --add-host lines, link lines
 * ("IP\talias hostname name"), then own_ip (NULL: none) "\thostname name".  host_hosts
 * (non-NULL: --network host) replaces the fixed header.  Caller frees. */
struct skiff_hosts_input
{
  const char *host_hosts;
  char *const *extra_hosts; /* "host:ip" */
  char *const *link_lines;  /* complete lines without '\n' */
  const char *own_ip;
  const char *hostname, *name;
};
char *skiff_network_hosts_text (const struct skiff_hosts_input *in);

/* /etc/resolv.conf of a container from the host's text: loopback nameservers dropped unless
 * keep_loopback (--network host), google's when none is left; --dns replaces the nameservers,
 * --dns-search the search line ("." alone: none), --dns-option the options line.  Caller
 * frees. */
char *skiff_network_resolv_text (const char *host_text, bool keep_loopback, char *const *dns,
                                 char *const *search, char *const *options);

/* ---- legacy links (links.c, pure) ---- */

/* docker's variables of a link named link_name ("/web/pg": ALIAS = "PG") to a target at ip
 * exposing ports ("80/tcp") with configured env target_env ("K=V"; HOME, PATH and HOSTNAME
 * left out).  Caller frees. */
char **skiff_network_link_env (const char *link_name, const char *ip, char *const *ports,
                               char *const *target_env);
/* "ip\talias hostname name" (name left out when it is the alias).  Caller frees. */
char *skiff_network_link_hosts_line (const char *ip, const char *alias, const char *hostname,
                                     const char *name);

/* ---- config.json (config_json.c) ---- */
void skiff_network_config_gen (yajl_gen g, const struct skiff_network_config *cfg);
/* Reads the "Network" object of a config.json (absent: mode "none", nothing else: records
 * from before networking had a private namespace with lo only). */
int skiff_network_config_read (yajl_val root, const char *what, struct skiff_network_config *cfg,
                               struct skiff_error **err);

/* ---- the default bridge network (bridge.c, leases.c) ---- */

#define SKIFF_NETWORK_DEFAULT "skiff"

/* A network's settings (<root>/networks/NAME.json, written with the defaults on first use:
 * 10.88.0.0/16, gateway 10.88.0.1 on bridge skiff0, MTU 1500). */
struct skiff_network_info
{
  char name[64];
  char bridge[16];     /* interface name */
  uint32_t subnet;     /* host byte order */
  unsigned prefix_len; /* 8 .. 30 */
  uint32_t gateway;
  unsigned mtu;
  uint32_t range_first, range_last; /* --ip-range; 0: the whole subnet */
  bool internal;                    /* no default route */
};
int skiff_network_info_load (struct skiff_store *store, const char *name,
                             struct skiff_network_info *out, struct skiff_error **err);

/* A container's endpoint on a bridge network. */
struct skiff_network_endpoint
{
  uint32_t ip; /* host byte order; 0 = none */
  char ip_text[16], gateway_text[16], mac_text[18];
  unsigned prefix_len;
  char network[64];
};

/* Allocates an address for container id (holder: its PID 1 pid), makes sure the bridge is
 * up, creates the veth pair (eth0 in pid's network namespace) and sets address, MTU, the
 * route and the link state.  The address is freed again on failure. */
int skiff_network_attach (struct skiff_store *store, const char *id, pid_t pid,
                          struct skiff_network_endpoint *out, struct skiff_error **err);
/* The same on any bridge network: the interface's name inside, --ip (0: the lowest free
 * address), --mac-address (NULL: 02:42 and the address), and whether its gateway is the default
 * route (never on an internal network). */
struct skiff_network_attach_req
{
  const char *network, *id, *ifname;
  pid_t pid;
  uint32_t ip;
  const unsigned char *mac;
  bool default_route;
  const char *names; /* user networks: "name alias..." (members' hosts files); NULL: none */
};
int skiff_network_attach_to (struct skiff_store *store, const struct skiff_network_attach_req *req,
                             struct skiff_network_endpoint *out, struct skiff_error **err);
/* Frees the container's lease (its veth went with its network namespace).  Best effort. */
void skiff_network_release (struct skiff_store *store, const char *id);
void skiff_network_release_from (struct skiff_store *store, const char *network, const char *id);
/* The container's endpoint on network (a live holder only): 0, or -ENOENT. */
int skiff_network_endpoint_on (struct skiff_store *store, const char *network, const char *id,
                               struct skiff_network_endpoint *out);
/* One network's leases whose holder is gone, one line each in *problems; repair frees them. */
int skiff_network_check_leases (struct skiff_store *store, const char *network, bool repair,
                                char ***problems, struct skiff_error **err);
/* The container's current endpoint from the leases (a live holder only): 0, or -ENOENT. */
int skiff_network_endpoint_of (struct skiff_store *store, const char *id,
                               struct skiff_network_endpoint *out);
/* `system check` (netcheck.c): leases whose holder is gone, lease files and bridges of removed
 * networks, one line each in *problems; repair frees and removes them. */
int skiff_network_check (struct skiff_store *store, bool repair, char ***problems,
                         struct skiff_error **err);
