/* create's share of user-defined networks: --network NAME resolved to its definition, the
 * endpoint flags (--ip, --mac-address, --network-alias) checked against it, --no-hosts. */
#include <arpa/inet.h>
#include <string.h>

#include "engine-internal.h"
#include "skiff/cleanup.h"
#include "skiff/error.h"
#include "skiff/netdef.h"
#include "skiff/network.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

static int
check_ip (const struct skiff_netdef *d, const char *text, struct skiff_error **err)
{
  struct in_addr a;
  if (inet_pton (AF_INET, text, &a) != 1)
    return 0; /* refused by skiff_network_endpoint_check */
  uint32_t ip = ntohl (a.s_addr), mask = ~0u << (32 - d->prefix_len);
  if ((ip & mask) != d->subnet || ip == d->subnet || ip == (d->subnet | ~mask) || ip == d->gateway)
    return skiff_error_make_status (err, 125, 0,
                                    "requested address %s is not a host address of network "
                                    "%s's subnet",
                                    text, d->name);
  return 0;
}

int
skiff_engine_network_endpoint (struct skiff_store *store, const struct skiff_container_spec *spec,
                               const char *network, struct skiff_network_config *cfg,
                               struct skiff_error **err)
{
  const struct skiff_network_spec *ns = &spec->network;
  struct skiff_netdef d = { 0 };
  int r = skiff_netdef_load (store, network ? network : SKIFF_NETWORK_DEFAULT, 125, &d, err);
  if (r < 0)
    return r;
  if (d.is_default && ns->aliases)
    r = skiff_error_make_status (err, 125, 0,
                                 "network-scoped alias is supported only for containers in user "
                                 "defined networks");
  else if (d.is_default && ns->ip)
    r = skiff_error_make_status (err, 125, 0,
                                 "user specified IP address is supported on user defined "
                                 "networks only");
  else if (ns->ip)
    r = check_ip (&d, ns->ip, err);
  if (r == 0)
    {
      cfg->mode = xstrdup (d.is_default ? "bridge" : d.name);
      cfg->aliases = skiff_strv_dup (ns->aliases);
      cfg->ip = ns->ip ? xstrdup (ns->ip) : NULL;
      cfg->mac = ns->mac ? xstrdup (ns->mac) : NULL;
    }
  skiff_netdef_clear (&d);
  return r;
}

int
skiff_engine_network_endpoint_none (const struct skiff_container_spec *spec,
                                    const struct skiff_network_config *cfg,
                                    struct skiff_error **err)
{
  const struct skiff_network_spec *ns = &spec->network;
  struct skiff_network_mode mode;
  _cleanup_error_ struct skiff_error *bad = NULL;
  if (skiff_network_mode_parse (cfg->mode, &mode, &bad) == 0 && mode.kind == SKIFF_NET_BRIDGE)
    return 0;
  if (ns->mac)
    return skiff_error_make_status (err, 125, 0,
                                    "conflicting options: mac-address and the network mode");
  if (ns->ip || ns->aliases)
    return skiff_error_make_status (err, 125, 0,
                                    "%s is supported only for containers in user defined "
                                    "networks",
                                    ns->ip ? "user specified IP address" : "network-scoped alias");
  return 0;
}
