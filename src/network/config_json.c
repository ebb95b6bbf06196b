/* The "Network" object of a container's config.json. */
#include <string.h>

#include "skiff/error.h"
#include "skiff/json.h"
#include "skiff/network.h"
#include "skiff/xalloc.h"

void
skiff_network_config_gen (yajl_gen g, const struct skiff_network_config *cfg)
{
  skiff_json_gen_key (g, "Network");
  yajl_gen_map_open (g);
  skiff_json_gen_key_string (g, "Mode", cfg->mode ? cfg->mode : "none");
  skiff_json_gen_key_strv (g, "ExtraHosts", cfg->extra_hosts, false);
  skiff_json_gen_key_strv (g, "Dns", cfg->dns, false);
  skiff_json_gen_key_strv (g, "DnsSearch", cfg->dns_search, false);
  skiff_json_gen_key_strv (g, "DnsOptions", cfg->dns_option, false);
  skiff_json_gen_key_strv (g, "Links", cfg->links, false);
  skiff_json_gen_key_strv (g, "Aliases", cfg->aliases, false);
  if (cfg->ip)
    skiff_json_gen_key_string (g, "IPAddress", cfg->ip);
  if (cfg->mac)
    skiff_json_gen_key_string (g, "MacAddress", cfg->mac);
  if (cfg->no_hosts)
    skiff_json_gen_key_bool (g, "NoHosts", true);
  yajl_gen_map_close (g);
}

int
skiff_network_config_read (yajl_val root, const char *what, struct skiff_network_config *cfg,
                           struct skiff_error **err)
{
  yajl_val net = skiff_json_get_field (root, "Network");
  int r;
  if (net != NULL && !YAJL_IS_OBJECT (net))
    return skiff_error_make (err, 0, "%s: \"Network\" is not an object", what);
  if (net != NULL
      && ((r = skiff_json_get_string (net, "Mode", what, &cfg->mode, err)) < 0
          || (r = skiff_json_get_strv (net, "ExtraHosts", what, &cfg->extra_hosts, err)) < 0
          || (r = skiff_json_get_strv (net, "Dns", what, &cfg->dns, err)) < 0
          || (r = skiff_json_get_strv (net, "DnsSearch", what, &cfg->dns_search, err)) < 0
          || (r = skiff_json_get_strv (net, "DnsOptions", what, &cfg->dns_option, err)) < 0
          || (r = skiff_json_get_strv (net, "Links", what, &cfg->links, err)) < 0
          || (r = skiff_json_get_strv (net, "Aliases", what, &cfg->aliases, err)) < 0
          || (r = skiff_json_get_string (net, "IPAddress", what, &cfg->ip, err)) < 0
          || (r = skiff_json_get_string (net, "MacAddress", what, &cfg->mac, err)) < 0
          || (r = skiff_json_get_bool (net, "NoHosts", what, &cfg->no_hosts, err)) < 0))
    return r;
  if (cfg->mode == NULL)
    cfg->mode = xstrdup ("none");
  struct skiff_network_mode mode;
  struct skiff_error *bad = NULL;
  if (skiff_network_mode_parse (cfg->mode, &mode, &bad) < 0)
    {
      skiff_error_free (bad);
      return skiff_error_make (err, 0, "%s: bad network mode \"%s\"", what, cfg->mode);
    }
  return 0;
}
