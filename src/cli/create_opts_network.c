/* The network flags of run and create (their own option group): --network/--net, --add-host,
 * --dns, --dns-option, --dns-search, --link.  Checked by skiff_network_spec_check. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/network.h"
#include "skiff/strv.h"
#include "skiff/userns.h"

#define C struct skiff_cli_create_opts
#define NET_LIST(long_, field, help_)                                                              \
  {                                                                                                \
    .name = long_, .type = SKIFF_OPT_STRINGS,                                                      \
    .offset = SKIFF_OPT_FIELD (C, spec.network.field, char **), .value_name = "list",              \
    .help = help_                                                                                  \
  }
const struct skiff_opt skiff_cli_network_options[] = {
  NET_LIST ("add-host", add_hosts, "Add a custom host-to-IP mapping (host:ip)"),
  NET_LIST ("dns", dns, "Set custom DNS servers"),
  NET_LIST ("dns-option", dns_option, "Set DNS options"),
  NET_LIST ("dns-search", dns_search, "Set custom DNS search domains"),
  NET_LIST ("link", links, "Add link to another container"),
  { .name = "net",
    .type = SKIFF_OPT_STRING,
    .offset = SKIFF_OPT_FIELD (C, spec.network.mode, const char *),
    .value_name = "network",
    .flags = SKIFF_OPT_HIDDEN,
    .help = "Connect a container to a network" },
  { .name = "network",
    .type = SKIFF_OPT_STRING,
    .offset = SKIFF_OPT_FIELD (C, spec.network.mode, const char *),
    .value_name = "network",
    .help = "Connect a container to a network",
    .complete = "none|host|bridge|container:|ns:" },
  SKIFF_OPT_END,
};
#undef NET_LIST
#undef C

void
skiff_cli_network_opts_clear (struct skiff_network_spec *spec)
{
  free (spec->add_hosts);
  free (spec->dns);
  free (spec->dns_option);
  free (spec->dns_search);
  free (spec->links);
  free (spec->aliases);
}

/* Rootless --network container:X: every command enters a user namespace of its own, and a
 * sibling one may not join X's network namespace; so run joins X's user namespace instead
 * (as exec does), before the store is opened.  X missing or stopped: nothing here, start
 * reports it.  A bridge instead: run starts skiff's rootless network namespace when none
 * runs (skiff_cli_store joins it). */
int
skiff_cli_network_join_userns (struct skiff_cli *cli, const struct skiff_network_spec *spec,
                               struct skiff_error **err)
{
  if (!skiff_userns_is_rootless ())
    return 0;
  /* a bridge (a network named, or the default one --link means) lives in skiff's rootless
   * network namespace */
  if (spec->mode ? skiff_network_mode_is_bridge (spec->mode) : spec->links != NULL)
    cli->netholder_create = true;
  if (spec->mode == NULL || strncmp (spec->mode, "container:", 10) != 0)
    return 0;
  _cleanup_container_ struct skiff_container *c = NULL;
  _cleanup_error_ struct skiff_error *e = NULL;
  skiff_cli_open_running (cli, spec->mode + 10, &c, &e); /* joins when it runs */
  (void)err;
  return 0;
}

void
skiff_cli_netholder_want (struct skiff_cli *cli, char *const *names)
{
  struct skiff_store *store;
  _cleanup_error_ struct skiff_error *e = NULL;
  _cleanup_strv_ char **all = NULL;
  if (!skiff_userns_is_rootless () || skiff_cli_store_outside (cli, &store, &e) < 0)
    return;
  if (names == NULL && skiff_container_list_ids (store, &all, &e) == 0)
    names = all;
  for (size_t i = 0; names && names[i] && !cli->netholder_create; i++)
    {
      _cleanup_free_ char *id = NULL;
      _cleanup_container_ struct skiff_container *c = NULL;
      if (skiff_container_lookup (store, names[i], &id, &e) == 0
          && skiff_container_load (store, id, &c, &e) == 0)
        cli->netholder_create = skiff_network_mode_is_bridge (c->config.network.mode);
      skiff_error_free (e);
      e = NULL;
    }
}
