/* run and create's flags for an endpoint on a user-defined network (their own option group):
 * --ip, --mac-address, --network-alias, and --no-hosts.  Checked by
 * skiff_network_endpoint_check and create (src/engine/network_user.c). */
#include "cli.h"
#include "cli/options.h"
#include "skiff/engine.h"

#define C struct skiff_cli_create_opts
const struct skiff_opt skiff_cli_netuser_options[] = {
  { .name = "ip",
    .type = SKIFF_OPT_STRING,
    .offset = SKIFF_OPT_FIELD (C, spec.network.ip, const char *),
    .value_name = "string",
    .help = "IPv4 address (e.g., 172.30.100.104)" },
  { .name = "mac-address",
    .type = SKIFF_OPT_STRING,
    .offset = SKIFF_OPT_FIELD (C, spec.network.mac, const char *),
    .value_name = "string",
    .help = "Container MAC address (e.g., 92:d0:c6:0a:29:33)" },
  { .name = "network-alias",
    .type = SKIFF_OPT_STRINGS,
    .offset = SKIFF_OPT_FIELD (C, spec.network.aliases, char **),
    .value_name = "list",
    .help = "Add network-scoped alias for the container" },
  { .name = "no-hosts",
    .type = SKIFF_OPT_BOOL,
    .offset = SKIFF_OPT_FIELD (C, spec.network.no_hosts, bool),
    .help = "Do not create /etc/hosts within the container, instead use the version from the "
            "image" },
  SKIFF_OPT_END,
};
#undef C
