/* `skiff network create|ls|inspect|rm|prune|connect|disconnect|exists`: docker's network
 * commands with podman's inspect JSON and `exists`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/engine.h"
#include "skiff/error.h"
#include "skiff/format.h"
#include "skiff/json.h"
#include "skiff/netdef.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct network_opts
{
  const char *driver, *format, *subnet, *gateway, *ip_range, *ip, *mac;
  char **labels, **opts, **filters, **aliases;
  bool quiet, force, internal, no_trunc;
};

#define N struct network_opts
static const struct skiff_opt create_options[] = {
  { .name = "driver",
    .shorthand = 'd',
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (N, driver, const char *),
    .help = "Driver to manage the Network",
    .default_text = "\"bridge\"",
    .complete = "bridge" },
  SKIFF_OPT_S ("gateway", 0, N, gateway, "IPv4 or IPv6 Gateway for the master subnet"),
  SKIFF_OPT_B ("internal", 0, N, internal, "Restrict external access to the network"),
  SKIFF_OPT_S ("ip-range", 0, N, ip_range, "Allocate container ip from a sub-range"),
  SKIFF_OPT_SA ("label", 0, N, labels, "Set metadata on a network"),
  SKIFF_OPT_SA ("opt", 'o', N, opts, "Set driver specific options"),
  SKIFF_OPT_S ("subnet", 0, N, subnet, "Subnet in CIDR format that represents a network segment"),
  SKIFF_OPT_END,
};
static const struct skiff_opt ls_options[] = {
  SKIFF_OPT_SA ("filter", 'f', N, filters, "Provide filter values (e.g. \"driver=bridge\")"),
  SKIFF_OPT_S ("format", 0, N, format, "Pretty-print networks using a Go template"),
  SKIFF_OPT_B ("no-trunc", 0, N, no_trunc, "Do not truncate the output"),
  SKIFF_OPT_B ("quiet", 'q', N, quiet, "Only display network IDs"),
  SKIFF_OPT_END,
};
static const struct skiff_opt inspect_options[] = {
  SKIFF_OPT_S ("format", 'f', N, format, "Format the output using the given Go template"),
  SKIFF_OPT_END,
};
static const struct skiff_opt rm_options[] = {
  SKIFF_OPT_B ("force", 'f', N, force, "Do not error if the network does not exist"),
  SKIFF_OPT_END,
};
static const struct skiff_opt prune_options[] = {
  SKIFF_OPT_SA ("filter", 0, N, filters, "Provide filter values (e.g. \"until=<timestamp>\")"),
  SKIFF_OPT_B ("force", 'f', N, force, "Do not prompt for confirmation"),
  SKIFF_OPT_END,
};
static const struct skiff_opt connect_options[] = {
  SKIFF_OPT_SA ("alias", 0, N, aliases, "Add network-scoped alias for the container"),
  SKIFF_OPT_S ("ip", 0, N, ip, "IPv4 address (e.g., \"172.30.100.104\")"),
  SKIFF_OPT_S ("mac-address", 0, N, mac, "Static MAC address"),
  SKIFF_OPT_END,
};
static const struct skiff_opt disconnect_options[] = {
  SKIFF_OPT_B ("force", 'f', N, force, "Force the container to disconnect from a network"),
  SKIFF_OPT_END,
};
#undef N
static const struct skiff_opt *const create_groups[] = { create_options, NULL };
static const struct skiff_opt *const ls_groups[] = { ls_options, NULL };
static const struct skiff_opt *const inspect_groups[] = { inspect_options, NULL };
static const struct skiff_opt *const rm_groups[] = { rm_options, NULL };
static const struct skiff_opt *const prune_groups[] = { prune_options, NULL };
static const struct skiff_opt *const connect_groups[] = { connect_options, NULL };
static const struct skiff_opt *const disconnect_groups[] = { disconnect_options, NULL };
static const struct skiff_opt *const exists_groups[] = { NULL };

static void
opts_clear (struct network_opts *o)
{
  free (o->labels);
  free (o->opts);
  free (o->filters);
  free (o->aliases);
}

/* Parses, checks the argument count, opens the store; 1: help printed */
static int
begin (struct skiff_cli *cli, int argc, char **argv, struct network_opts *o, size_t min, size_t max,
       struct skiff_opts_result *res, struct skiff_store **store, struct skiff_error **err)
{
  int r = skiff_cli_parse (cli, argc, argv, o, res, err);
  if (r != 0)
    return r > 0 ? (skiff_cli_help (cli), 1) : r;
  if (res->nargs < min || res->nargs > max)
    {
      const char *what = min == max ? "exactly" : res->nargs < min ? "at least" : "at most";
      size_t n = res->nargs < min ? min : max;
      return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires %s %zu argument%s",
                                    cli->command->name, what, n, n == 1 ? "" : "s");
    }
  return skiff_cli_store (cli, store, err);
}

static int
cmd_network_create (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct network_opts o = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, &o, 1, 1, &res, &store, err);
  if (r == 0)
    {
      struct skiff_netdef_request req = { .name = res.args[0],
                                          .driver = o.driver,
                                          .subnet = o.subnet,
                                          .gateway = o.gateway,
                                          .ip_range = o.ip_range,
                                          .labels = o.labels,
                                          .opts = o.opts,
                                          .internal = o.internal };
      struct skiff_netdef d;
      if ((r = skiff_engine_network_create (store, &req, &d, err)) == 0)
        {
          printf ("%s\n", d.id);
          skiff_netdef_clear (&d);
        }
    }
  opts_clear (&o);
  return r > 0 ? 0 : r;
}

static yajl_val
def_tree (const struct skiff_netdef *d, bool go, bool row, bool full_id, struct skiff_error **err)
{
  _cleanup_yajl_gen_ yajl_gen g = skiff_json_gen_new (false);
  yajl_gen_map_open (g);
  skiff_netdef_gen_fields (g, d, go, full_id);
  if (row)
    skiff_json_gen_key_string (g, "Scope", "local");
  yajl_gen_map_close (g);
  _cleanup_free_ char *json = skiff_json_gen_finish (g, NULL);
  yajl_val t = NULL;
  skiff_json_parse (json, "network", &t, err);
  return t;
}

static int
cmd_network_ls (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct network_opts o = { 0 };
  struct skiff_store *store;
  struct skiff_netdef *all = NULL;
  int r = begin (cli, argc, argv, &o, 0, 0, &res, &store, err);
  if (r == 0 && (r = skiff_engine_network_filter_check (o.filters, false, err)) == 0)
    r = skiff_netdef_list (store, &all, err);
  size_t n = 0;
  yajl_val *rows = xzalloc (sizeof *rows);
  for (size_t i = 0; r == 0 && all[i].name[0]; i++)
    {
      if (!skiff_engine_network_match (&all[i], o.filters))
        continue;
      if (o.quiet && o.format == NULL)
        {
          printf ("%.*s\n", o.no_trunc ? 64 : 12, all[i].id);
          continue;
        }
      rows = xrealloc (rows, (n + 2) * sizeof *rows);
      if ((rows[n] = def_tree (&all[i], true, true, o.no_trunc, err)) == NULL)
        r = -EINVAL;
      else
        rows[++n] = NULL;
    }
  skiff_netdefs_free (all);
  if (r == 0 && !(o.quiet && o.format == NULL))
    r = skiff_cli_format_rows (o.format, "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}",
                               "{\"ID\":\"NETWORK ID\",\"Name\":\"NAME\",\"Driver\":\"DRIVER\","
                               "\"Scope\":\"SCOPE\"}",
                               rows, n, err);
  else
    {
      for (size_t i = 0; i < n; i++)
        yajl_tree_free (rows[i]);
      free (rows);
    }
  opts_clear (&o);
  return r > 0 ? 0 : r;
}

static int
cmd_network_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct network_opts o = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, &o, 1, (size_t)-1, &res, &store, err);
  if (r != 0)
    return r > 0 ? 0 : r;
  yajl_val *objs = xzalloc ((res.nargs + 1) * sizeof *objs);
  size_t n = 0;
  for (size_t i = 0; r == 0 && i < res.nargs; i++)
    {
      struct skiff_netdef d = { 0 };
      /* a template sees podman's Go field names, the JSON its keys */
      if ((r = skiff_netdef_load (store, res.args[i], 125, &d, err)) == 0
          && (objs[n] = def_tree (&d, o.format != NULL, false, true, err)) != NULL)
        n++;
      else if (r == 0)
        r = -EINVAL;
      skiff_netdef_clear (&d);
    }
  if (r == 0)
    r = skiff_format_inspect (stdout, o.format, objs, n, err);
  for (size_t i = 0; i < n; i++)
    yajl_tree_free (objs[i]);
  free (objs);
  return r;
}

/* Each in turn, as docker: the others are still removed; the last failure is the status. */
static int
cmd_network_rm (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct network_opts o = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, &o, 1, (size_t)-1, &res, &store, err);
  if (r != 0)
    return r > 0 ? 0 : r;
  int status = 0;
  for (size_t i = 0; i < res.nargs; i++)
    {
      struct skiff_error *e = NULL;
      _cleanup_free_ char *name = NULL;
      if (skiff_engine_network_remove (store, res.args[i], o.force, &name, &e) == 0)
        {
          if (name)
            printf ("%s\n", name);
          continue;
        }
      skiff_cli_keep_last_error (err, e);
      status = -1;
    }
  return status;
}

static bool
confirm_prune (void)
{
  printf ("WARNING! This will remove all custom networks not used by at least one container.\n"
          "Are you sure you want to continue? [y/N] ");
  fflush (stdout);
  char line[16];
  return fgets (line, sizeof line, stdin) != NULL && (line[0] == 'y' || line[0] == 'Y');
}

static int
cmd_network_prune (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct network_opts o = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **removed = NULL;
  int r = begin (cli, argc, argv, &o, 0, 0, &res, &store, err);
  if (r == 0)
    r = skiff_engine_network_filter_check (o.filters, true, err);
  if (r == 0 && !o.force && !confirm_prune ())
    r = 1;
  if (r == 0 && (r = skiff_engine_network_prune (store, o.filters, &removed, err)) == 0)
    {
      if (removed)
        printf ("Deleted Networks:\n");
      for (size_t i = 0; removed && removed[i]; i++)
        printf ("%s\n", removed[i]);
    }
  opts_clear (&o);
  return r > 0 ? 0 : r;
}

static int
cmd_network_connect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct network_opts o = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, &o, 2, 2, &res, &store, err);
  if (r == 0)
    r = skiff_engine_network_connect (store, res.args[0], res.args[1], o.aliases, o.ip, o.mac, err);
  opts_clear (&o);
  return r > 0 ? 0 : r;
}

static int
cmd_network_disconnect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct network_opts o = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, &o, 2, 2, &res, &store, err);
  if (r == 0)
    r = skiff_engine_network_disconnect (store, res.args[0], res.args[1], o.force, err);
  opts_clear (&o);
  return r > 0 ? 0 : r;
}

static int
cmd_network_exists (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, NULL, 1, 1, &res, &store, err);
  if (r != 0)
    return r > 0 ? 0 : r;
  struct skiff_netdef d = { 0 };
  _cleanup_error_ struct skiff_error *missing = NULL;
  r = skiff_netdef_load (store, res.args[0], 1, &d, &missing);
  skiff_netdef_clear (&d);
  if (r == -ENOENT)
    return 1;
  if (r < 0)
    *err = steal_ptr (&missing);
  return r < 0 ? r : 0;
}

static const struct skiff_command network_commands[] = {
  { "network connect", cmd_network_connect, "Connect a container to a network",
    "[OPTIONS] NETWORK CONTAINER", connect_groups },
  { "network create", cmd_network_create, "Create a network", "[OPTIONS] NETWORK", create_groups },
  { "network disconnect", cmd_network_disconnect, "Disconnect a container from a network",
    "[OPTIONS] NETWORK CONTAINER", disconnect_groups },
  { "network exists", cmd_network_exists, "Check if the given network exists", "NETWORK",
    exists_groups },
  { "network inspect", cmd_network_inspect, "Display detailed information on one or more networks",
    "[OPTIONS] NETWORK [NETWORK...]", inspect_groups },
  { "network ls", cmd_network_ls, "List networks", "[OPTIONS]", ls_groups },
  { "network prune", cmd_network_prune, "Remove all unused networks", "[OPTIONS]", prune_groups },
  { "network rm", cmd_network_rm, "Remove one or more networks", "[OPTIONS] NETWORK [NETWORK...]",
    rm_groups },
};
#define N_NETWORK_COMMANDS (sizeof network_commands / sizeof network_commands[0])

int
cmd_network (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct skiff_cli_group group
      = { "network", "Manage networks", network_commands, N_NETWORK_COMMANDS, 11 };
  return skiff_cli_group_dispatch (cli, &group, argc, argv, err);
}

const struct skiff_command *
skiff_cli_network_subcommands (size_t *n)
{
  *n = N_NETWORK_COMMANDS;
  return network_commands;
}
