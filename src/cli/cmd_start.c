/* skiff start: start created or exited containers, each under a new monitor.  Prints each
 * argument as given once it runs (a running one is left alone and printed too, as docker). */
#include <stdio.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/engine.h"
#include "skiff/strv.h"

struct start_opts
{
  bool attach, interactive, all, latest;
  const char *detach_keys;
  char **filters; /* --filter key=value (ps's keys) */
};

static const struct skiff_opt start_options[] = {
  SKIFF_OPT_B ("all", 0, struct start_opts, all,
               "Start all containers regardless of their state or configuration"),
  SKIFF_OPT_B ("latest", 'l', struct start_opts, latest,
               "Act on the latest container skiff is aware of"),
  SKIFF_OPT_B ("attach", 'a', struct start_opts, attach,
               "Attach STDOUT/STDERR and forward signals"),
  SKIFF_OPT_S ("detach-keys", 0, struct start_opts, detach_keys,
               "Override the key sequence for detaching a container"),
  SKIFF_OPT_B ("interactive", 'i', struct start_opts, interactive, "Attach container's STDIN"),
  { .name = "filter",
    .shorthand = 'f',
    .type = SKIFF_OPT_FUNC,
    .value_name = "strings",
    .offset = SKIFF_OPT_FIELD (struct start_opts, filters, char **),
    .parse = skiff_cli_parse_filter,
    .flags = SKIFF_OPT_OWNS_STRV,
    .help = "Filter output based on conditions given" },
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_start_groups[] = { start_options, NULL };

int
skiff_cli_start_one (struct skiff_store *store, const char *text, void *data,
                     struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  struct skiff_engine_start_opts so = { .mode = SKIFF_ENGINE_DETACHED };
  if (r == 0 && (r = skiff_engine_start (store, c, &so, NULL, err)) == 0)
    printf ("%s\n", text);
  return r;
}

/* start -a / -i: one container, our stdio attached before it starts (a running one: attached
 * as it is).  Docker refuses several at once. */
static int
start_attached (struct skiff_store *store, const struct start_opts *o, char *const *args,
                struct skiff_error **err)
{
  if (args[0] != NULL && args[1] != NULL)
    return skiff_error_make (err, 0, "you cannot start and attach multiple containers at once");
  _cleanup_container_ struct skiff_container *c = NULL;
  struct skiff_cli_attach_opts ao
      = { .no_stdin = !o->interactive, .sig_proxy = true, .detach_keys = o->detach_keys };
  int r = skiff_cli_load_container (store, args[0], &c, err);
  if (r < 0)
    return r;
  if (c->state.status == SKIFF_CONTAINER_RUNNING)
    return skiff_cli_attach (store, c, &ao, err);
  return skiff_cli_start_attached (store, c, &ao, err);
}

/* --filter: the arguments (or --all's containers) that match, as ps matches them */
static int
select_filtered (struct skiff_store *store, char *const *filters, char *const *args, char ***out,
                 struct skiff_error **err)
{
  for (size_t i = 0; args[i]; i++)
    {
      _cleanup_container_ struct skiff_container *c = NULL;
      int r = skiff_cli_load_container (store, args[i], &c, err);
      if (r < 0)
        return r;
      if (skiff_cli_ps_filters_match (store, filters, c))
        skiff_strv_push (out, args[i]);
    }
  return 0;
}

int
cmd_start (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct start_opts o = { 0 };
  struct skiff_command self;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  struct skiff_store *store;
  skiff_cli_own_table (cli, skiff_cli_start_groups, false, &self);
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  _cleanup_strv_ char **filters_owned = r >= 0 ? o.filters : NULL; /* ours to free */
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  if ((o.all || o.latest) && (res.nargs > 0 || (o.all && o.latest)))
    return skiff_cli_usage_error (cli, err,
                                  "--all, --latest and containers cannot be used "
                                  "together");
  if (res.nargs == 0 && !o.all && !o.latest && !o.filters)
    return skiff_cli_usage_error (cli, err, "\"skiff start\" requires at least 1 argument.");
  skiff_cli_netholder_want (cli, o.all || o.latest || res.nargs == 0 ? NULL : res.args);
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  static char *const none[] = { NULL };
  _cleanup_strv_ char **ids = NULL;
  char *const *args = res.args;
  if (o.all || o.latest || res.nargs == 0) /* --filter alone: of all containers (podman) */
    {
      char *latest = NULL;
      r = !o.latest ? skiff_container_list_ids (store, &ids, err)
                    : skiff_engine_latest (store, &latest, err);
      if (r < 0)
        return r;
      if (latest != NULL)
        skiff_strv_push_owned (&ids, latest);
      args = ids ? ids : none;
    }
  _cleanup_strv_ char **selected = NULL;
  if (o.filters)
    {
      if ((r = skiff_cli_ps_filters_check (store, o.filters, NULL, err)) < 0
          || (r = select_filtered (store, o.filters, args, &selected, err)) < 0)
        return r;
      args = selected ? selected : none;
    }
  if (o.attach || o.interactive)
    return args[0] ? start_attached (store, &o, args, err) : 0;
  /* link targets first: a parent cannot start before them */
  _cleanup_free_ char **ordered = skiff_engine_start_order (store, args);
  return skiff_cli_each_container (store, ordered, skiff_cli_start_one, NULL);
}
