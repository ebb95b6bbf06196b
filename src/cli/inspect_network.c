/* The network parts of `container inspect`: HostConfig's NetworkMode, Dns*, ExtraHosts and
 * Links (docker's "/db:/web/pg"), and NetworkSettings with the endpoint of a running
 * container on the bridge. */
#include <string.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/error.h"
#include "skiff/json.h"
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

void
skiff_cli_gen_network_settings (yajl_gen g, struct skiff_store *store,
                                const struct skiff_container *c)
{
  struct skiff_network_endpoint ep;
  bool running = c->state.status == SKIFF_CONTAINER_RUNNING;
  bool bridge = c->config.network.mode && strcmp (c->config.network.mode, "bridge") == 0;
  bool have = bridge && running && skiff_network_endpoint_of (store, c->config.id, &ep) == 0;
  skiff_json_gen_key (g, "NetworkSettings");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "SandboxID", "");
  _cleanup_free_ char *key = running ? xasprintf ("/proc/%d/ns/net", (int)c->state.pid) : NULL;
  skiff_json_gen_key_string (g, "SandboxKey", key ? key : "");
  skiff_cli_gen_ports (g, c);
  gen_endpoint (g, have ? &ep : NULL);
  skiff_json_gen_key (g, "Networks");
  yajl_gen_map_open (g);
  if (bridge)
    {
      skiff_json_gen_key (g, SKIFF_NETWORK_DEFAULT);
      yajl_gen_map_open (g);
      skiff_json_gen_key_string (g, "NetworkID", SKIFF_NETWORK_DEFAULT);
      gen_endpoint (g, have ? &ep : NULL);
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}
