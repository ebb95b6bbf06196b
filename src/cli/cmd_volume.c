/* `skiff volume create|ls|inspect|rm|prune|exists`: docker's volume commands (the local
 * driver), with podman's `exists`. */
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
#include "skiff/strv.h"
#include "skiff/volume.h"
#include "skiff/xalloc.h"

struct volume_opts
{
  const char *driver, *format;
  char **labels, **opts, **filters;
  bool quiet, force, all;
};

#define V struct volume_opts
static const struct skiff_opt create_options[] = {
  { .name = "driver",
    .shorthand = 'd',
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (V, driver, const char *),
    .help = "Specify volume driver name",
    .default_text = "\"local\"" },
  SKIFF_OPT_SA ("label", 'l', V, labels, "Set metadata for a volume"),
  SKIFF_OPT_SA ("opt", 'o', V, opts, "Set driver specific options"),
  SKIFF_OPT_END,
};
static const struct skiff_opt ls_options[] = {
  SKIFF_OPT_SA ("filter", 'f', V, filters, "Provide filter values (e.g. \"dangling=true\")"),
  SKIFF_OPT_S ("format", 0, V, format, "Format output using a custom template"),
  SKIFF_OPT_B ("quiet", 'q', V, quiet, "Only display volume names"),
  SKIFF_OPT_END,
};
static const struct skiff_opt inspect_options[] = {
  SKIFF_OPT_S ("format", 'f', V, format, "Format output using a custom template"),
  SKIFF_OPT_END,
};
static const struct skiff_opt rm_options[] = {
  SKIFF_OPT_B ("force", 'f', V, force, "Force the removal of one or more volumes"),
  SKIFF_OPT_END,
};
static const struct skiff_opt prune_options[] = {
  SKIFF_OPT_B ("all", 'a', V, all, "Remove all unused volumes, not just anonymous ones"),
  SKIFF_OPT_SA ("filter", 0, V, filters, "Provide filter values (e.g. \"label=<label>\")"),
  SKIFF_OPT_B ("force", 'f', V, force, "Do not prompt for confirmation"),
  SKIFF_OPT_END,
};
#undef V
static const struct skiff_opt *const create_groups[] = { create_options, NULL };
static const struct skiff_opt *const ls_groups[] = { ls_options, NULL };
static const struct skiff_opt *const inspect_groups[] = { inspect_options, NULL };
static const struct skiff_opt *const rm_groups[] = { rm_options, NULL };
static const struct skiff_opt *const prune_groups[] = { prune_options, NULL };
static const struct skiff_opt *const exists_groups[] = { NULL };

static void
opts_clear (struct volume_opts *o)
{
  free (o->labels);
  free (o->opts);
  free (o->filters);
}

/* Parses, opens the store; 1: help printed */
static int
begin (struct skiff_cli *cli, int argc, char **argv, struct volume_opts *o,
       struct skiff_opts_result *res, struct skiff_store **store, struct skiff_error **err)
{
  int r = skiff_cli_parse (cli, argc, argv, o, res, err);
  if (r != 0)
    return r > 0 ? (skiff_cli_help (cli), 1) : r;
  return skiff_cli_store (cli, store, err);
}

static int
cmd_volume_create (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct volume_opts o = { 0 };
  struct skiff_store *store;
  _cleanup_volume_ struct skiff_volume *v = NULL;
  int r = begin (cli, argc, argv, &o, &res, &store, err);
  if (r == 0 && res.nargs > 1)
    r = skiff_cli_usage_error (cli, err, "\"skiff volume create\" requires at most 1 argument");
  if (r == 0 && o.driver && strcmp (o.driver, "local") != 0)
    r = (skiff_error_make_status (err, 125, 0, "volume driver %s is not supported: only \"local\"",
                                  o.driver),
         -EINVAL);
  if (r == 0
      && (r = skiff_engine_volume_create (store, res.nargs ? res.args[0] : NULL, o.labels, o.opts,
                                          &v, err))
             == 0)
    printf ("%s\n", v->name);
  opts_clear (&o);
  return r > 0 ? 0 : r;
}

static yajl_val
volume_tree (const struct skiff_volume *v, struct skiff_error **err)
{
  _cleanup_free_ char *json = skiff_volume_to_json (v);
  yajl_val t = NULL;
  skiff_json_parse (json, "volume", &t, err);
  return t;
}

static int
cmd_volume_ls (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct volume_opts o = { 0 };
  struct skiff_store *store;
  struct skiff_engine_volume *sel = NULL;
  int r = begin (cli, argc, argv, &o, &res, &store, err);
  if (r == 0 && res.nargs > 0)
    r = skiff_cli_usage_error (cli, err, "\"skiff volume ls\" accepts no arguments.");
  if (r == 0)
    r = skiff_engine_volume_select (store, o.filters, &sel, err);
  size_t n = 0;
  yajl_val *rows = NULL;
  for (size_t i = 0; r == 0 && sel[i].volume; i++)
    {
      if (o.quiet && o.format == NULL)
        {
          printf ("%s\n", sel[i].volume->name);
          continue;
        }
      rows = xrealloc (rows, (n + 2) * sizeof *rows);
      if ((rows[n] = volume_tree (sel[i].volume, err)) == NULL)
        r = -EINVAL;
      else
        n++;
    }
  skiff_engine_volumes_free (sel);
  if (r == 0 && !(o.quiet && o.format == NULL))
    r = skiff_cli_format_rows (o.format, "table {{.Driver}}\t{{.Name}}",
                               "{\"Driver\":\"DRIVER\",\"Name\":\"VOLUME NAME\"}",
                               rows ? rows : xzalloc (sizeof *rows), n, err);
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
cmd_volume_inspect (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct volume_opts o = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, &o, &res, &store, err);
  if (r == 0 && res.nargs == 0)
    r = skiff_cli_usage_error (cli, err, "\"skiff volume inspect\" requires at least 1 argument");
  if (r != 0)
    return r > 0 ? 0 : r;
  yajl_val *objs = xzalloc ((res.nargs + 1) * sizeof *objs);
  size_t n = 0;
  for (size_t i = 0; r == 0 && i < res.nargs; i++)
    {
      _cleanup_volume_ struct skiff_volume *v = NULL;
      if ((r = skiff_volume_load (store, res.args[i], &v, err)) == 0
          && (objs[n] = volume_tree (v, err)) != NULL)
        n++;
      else if (r == 0)
        r = -EINVAL;
    }
  if (r == 0)
    r = skiff_format_inspect (stdout, o.format, objs, n, err);
  for (size_t i = 0; i < n; i++)
    yajl_tree_free (objs[i]);
  free (objs);
  return r;
}

static int
cmd_volume_rm (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct volume_opts o = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, &o, &res, &store, err);
  if (r == 0 && res.nargs == 0)
    r = skiff_cli_usage_error (cli, err, "\"skiff volume rm\" requires at least 1 argument");
  if (r != 0)
    return r > 0 ? 0 : r;
  /* each in turn, as docker: the others are still removed; the last failure is the status */
  int status = 0;
  for (size_t i = 0; i < res.nargs; i++)
    {
      struct skiff_error *e = NULL;
      if (skiff_engine_volume_remove (store, res.args[i], o.force, &e) == 0)
        printf ("%s\n", res.args[i]);
      else
        {
          skiff_cli_keep_last_error (err, e);
          status = -1;
        }
    }
  return status;
}

static bool
confirm_prune (bool all)
{
  printf ("WARNING! This will remove %s local volumes not used by at least one container.\n"
          "Are you sure you want to continue? [y/N] ",
          all ? "all" : "anonymous");
  fflush (stdout);
  char line[16];
  return fgets (line, sizeof line, stdin) != NULL && (line[0] == 'y' || line[0] == 'Y');
}

static int
cmd_volume_prune (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct volume_opts o = { 0 };
  struct skiff_store *store;
  _cleanup_strv_ char **removed = NULL;
  int r = begin (cli, argc, argv, &o, &res, &store, err);
  if (r == 0 && res.nargs > 0)
    r = skiff_cli_usage_error (cli, err, "\"skiff volume prune\" accepts no arguments.");
  if (r == 0)
    r = skiff_engine_volume_filter_check (o.filters, err);
  if (r == 0 && !o.force && !confirm_prune (o.all))
    r = 1;
  if (r == 0 && (r = skiff_engine_volume_prune (store, o.all, o.filters, &removed, err)) == 0)
    {
      if (removed)
        printf ("Deleted Volumes:\n");
      for (size_t i = 0; removed && removed[i]; i++)
        printf ("%s\n", removed[i]);
      printf ("%sTotal reclaimed space: 0B\n", removed ? "\n" : "");
    }
  opts_clear (&o);
  return r > 0 ? 0 : r;
}

static int
cmd_volume_exists (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  int r = begin (cli, argc, argv, NULL, &res, &store, err);
  if (r == 0 && res.nargs != 1)
    r = skiff_cli_usage_error (cli, err, "\"skiff volume exists\" requires exactly 1 argument");
  if (r != 0)
    return r > 0 ? 0 : r;
  _cleanup_volume_ struct skiff_volume *v = NULL;
  _cleanup_error_ struct skiff_error *missing = NULL;
  r = skiff_volume_load (store, res.args[0], &v, &missing);
  if (r == -ENOENT)
    return 1;
  if (r < 0)
    *err = steal_ptr (&missing);
  return r < 0 ? r : 0;
}

static const struct skiff_command volume_commands[] = {
  { "volume create", cmd_volume_create, "Create a volume", "[OPTIONS] [VOLUME]", create_groups },
  { "volume exists", cmd_volume_exists, "Check if the given volume exists", "VOLUME",
    exists_groups },
  { "volume inspect", cmd_volume_inspect, "Display detailed information on one or more volumes",
    "[OPTIONS] VOLUME [VOLUME...]", inspect_groups },
  { "volume ls", cmd_volume_ls, "List volumes", "[OPTIONS]", ls_groups },
  { "volume prune", cmd_volume_prune, "Remove unused local volumes", "[OPTIONS]", prune_groups },
  { "volume rm", cmd_volume_rm, "Remove one or more volumes", "[OPTIONS] VOLUME [VOLUME...]",
    rm_groups },
};
#define N_VOLUME_COMMANDS (sizeof volume_commands / sizeof volume_commands[0])

int
cmd_volume (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct skiff_cli_group group
      = { "volume", "Manage volumes", volume_commands, N_VOLUME_COMMANDS, 10 };
  return skiff_cli_group_dispatch (cli, &group, argc, argv, err);
}

const struct skiff_command *
skiff_cli_volume_subcommands (size_t *n)
{
  *n = N_VOLUME_COMMANDS;
  return volume_commands;
}
