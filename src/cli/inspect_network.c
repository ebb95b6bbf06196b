/* The network parts of `container inspect`: HostConfig's NetworkMode, Dns*, ExtraHosts and
 * Links (docker's "/db:/web/pg"), and NetworkSettings: each of the container's networks
 * (Networks.NAME with Aliases and, while it runs, IPAddress, Gateway, MacAddress), the first
 * one's endpoint at the top as well. */
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/netdef.h"
#include "skiff/network.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

/* "<id>:<alias>" -> "/<target name>:/<name>/<alias>" (the ID when the target is gone) */
static char **
link_names (struct skiff_store *store, const struct skiff_container_config *cfg)
{
  char **out = NULL;
  for (size_t i = 0; cfg->network.links && cfg->network.links[i]; i++)
    {
      const char *entry = cfg->network.links[i], *colon = strchr (entry, ':');
      if (colon == NULL)
        continue;
      _cleanup_free_ char *id = xstrndup (entry, (size_t)(colon - entry));
      _cleanup_container_ struct skiff_container *t = NULL;
      _cleanup_error_ struct skiff_error *gone = NULL;
      const char *tname = skiff_container_load (store, id, &t, &gone) == 0 ? t->config.name : id;
      skiff_strv_push_owned (&out, xasprintf ("/%s:/%s/%s", tname, cfg->name, colon + 1));
    }
  return out;
}

void
skiff_cli_gen_host_network (yajl_gen g, struct skiff_store *store,
                            const struct skiff_container_config *cfg)
{
  skiff_json_gen_key_string (g, "NetworkMode", cfg->network.mode ? cfg->network.mode : "none");
  skiff_json_gen_key_strv (g, "ExtraHosts", cfg->network.extra_hosts, false);
  _cleanup_strv_ char **links = link_names (store, cfg);
  skiff_json_gen_key_strv (g, "Links", links, false);
  skiff_json_gen_key_strv (g, "Dns", cfg->network.dns, true);
  skiff_json_gen_key_strv (g, "DnsOptions", cfg->network.dns_option, true);
  skiff_json_gen_key_strv (g, "DnsSearch", cfg->network.dns_search, true);
}

static void
gen_endpoint (yajl_gen g, const struct skiff_network_endpoint *ep)
{
  skiff_json_gen_key_string (g, "Gateway", ep ? ep->gateway_text : "");
  skiff_json_gen_key_string (g, "IPAddress", ep ? ep->ip_text : "");
  skiff_json_gen_key_int (g, "IPPrefixLen", ep ? ep->prefix_len : 0);
  skiff_json_gen_key_string (g, "MacAddress", ep ? ep->mac_text : "");
}

/* Networks: each of the container's networks, with its endpoint while it runs. */
static void
gen_networks (yajl_gen g, const struct skiff_net_members *m,
              const struct skiff_network_endpoint *eps, const bool *have)
{
  skiff_json_gen_key (g, "Networks");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < m->n; i++)
    {
      skiff_json_gen_key (g, m->v[i].network);
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "NetworkID", m->v[i].network);
      skiff_json_gen_key_strv (g, "Aliases", m->v[i].aliases, true);
      gen_endpoint (g, have[i] ? &eps[i] : NULL);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

void
skiff_cli_gen_network_settings (yajl_gen g, struct skiff_store *store,
                                const struct skiff_container *c)
{
  bool running = c->state.status == SKIFF_CONTAINER_RUNNING;
  struct skiff_net_members m = { 0 };
  _cleanup_error_ struct skiff_error *e = NULL;
  if (skiff_net_members_read (c, &m, &e) < 0)
    memset (&m, 0, sizeof m);
  struct skiff_network_endpoint *eps = xzalloc ((m.n + 1) * sizeof *eps);
  bool *have = xzalloc ((m.n + 1) * sizeof *have);
  for (size_t i = 0; running && i < m.n; i++)
    have[i] = skiff_network_endpoint_on (store, m.v[i].network, c->config.id, &eps[i]) == 0;
  skiff_json_gen_key (g, "NetworkSettings");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "SandboxID", "");
  _cleanup_free_ char *key = running ? xasprintf ("/proc/%d/ns/net", (int)c->state.pid) : NULL;
  skiff_json_gen_key_string (g, "SandboxKey", key ? key : "");
  skiff_cli_gen_ports (g, c);
  gen_endpoint (g, m.n > 0 && have[0] ? &eps[0] : NULL); /* the first network's, as podman */
  gen_networks (g, &m, eps, have);
  yajl_gen_map_close (g);
  free (eps);
  free (have);
  skiff_net_members_clear (&m);
}
