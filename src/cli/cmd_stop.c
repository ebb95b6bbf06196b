/* skiff stop / restart: the stop signal, a grace period, then SIGKILL; restart starts each
 * container again afterwards.  Signals are sent from outside the user namespace (rootless), so
 * they reach container processes of any container user. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/events.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/monitor.h"
#include "skiff/strv.h"
#include "skiff/xalloc.h"

struct stop_opts
{
  int timeout; /* SKIFF_MONITOR_STOP_TIMEOUT_DEFAULT: the container's own; < 0: no limit */
  const char *signal;
  bool print; /* stop prints each argument; restart prints after the start */
  struct skiff_cli_targets t;
};

#define LATEST_HELP "Act on the latest created container"

static const struct skiff_opt stop_options[] = {
  SKIFF_OPT_B ("latest", 'l', struct stop_opts, t.latest, LATEST_HELP),
  { .name = "cidfile",
    .type = SKIFF_OPT_STRINGS,
    .value_name = "stringArray",
    .offset = SKIFF_OPT_FIELD (struct stop_opts, t.cidfiles, char **),
    .help = "Read the container ID from the file",
    .complete = "file" },
  SKIFF_CLI_TARGETS_FILTER (struct stop_opts, t.filters, 'f'),
  SKIFF_OPT_S ("signal", 's', struct stop_opts, signal, "Signal to send to the container"),
  SKIFF_OPT_I ("time", 't', struct stop_opts, timeout,
               "Seconds to wait before killing the container"),
  /* docker's and podman's older name */
  { .name = "timeout",
    .type = SKIFF_OPT_INT,
    .flags = SKIFF_OPT_HIDDEN,
    .value_name = "int",
    .offset = SKIFF_OPT_FIELD (struct stop_opts, timeout, int),
    .help = "Seconds to wait before killing the container" },
  SKIFF_OPT_END,
};
static const struct skiff_opt stop_only_options[] = {
  SKIFF_OPT_B ("all", 'a', struct stop_opts, t.all, "Stop all running containers"),
  SKIFF_OPT_B ("ignore", 'i', struct stop_opts, t.ignore,
               "Ignore errors when a specified container is missing"),
  SKIFF_OPT_END,
};
static const struct skiff_opt restart_only_options[] = {
  SKIFF_OPT_B ("all", 'a', struct stop_opts, t.all, "Restart all containers"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_stop_groups[] = { stop_options, stop_only_options, NULL };
const struct skiff_opt *const skiff_cli_restart_groups[]
    = { stop_options, restart_only_options, NULL };

/* The flags, the store and the containers to act on; 1: --help. */
static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct stop_opts *o,
             bool (*want) (const struct skiff_container *), struct skiff_opts_result *res,
             struct skiff_store **store, char ***targets, struct skiff_error **err)
{
  o->timeout = SKIFF_MONITOR_STOP_TIMEOUT_DEFAULT;
  int r = skiff_cli_targets_parse (cli, argc, argv, o, &o->t, want, res, store, targets, err);
  if (r == 0 && o->signal && (r = skiff_engine_parse_signal (o->signal, err)) > 0)
    r = 0;
  return r;
}

static int
stop_one (struct skiff_store *store, const char *text, void *data, struct skiff_error **err)
{
  const struct stop_opts *o = data;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r < 0)
    return r;
  if (o->signal)
    {
      free (c->config.stop_signal);
      c->config.stop_signal = xstrdup (o->signal);
    }
  r = skiff_engine_stop (store, c, o->timeout, NULL, err);
  if (r < 0)
    return r;
  skiff_events_container (store, c, "stop", NULL);
  if (o->print)
    printf ("%s\n", text);
  return 0;
}

int
cmd_stop (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct stop_opts o = { .print = true };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_strv_ char **targets = NULL;
  struct skiff_store *store;
  int r = parse_flags (cli, argc, argv, &o, skiff_cli_is_running, &res, &store, &targets, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0)
    r = skiff_cli_each_container_parallel (store, targets, stop_one, &o);
  skiff_cli_parse_clear (cli, &o, &res);
  return r;
}

int
cmd_restart (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct stop_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_strv_ char **targets = NULL;
  struct skiff_store *store;
  int r = parse_flags (cli, argc, argv, &o, NULL, &res, &store, &targets, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0)
    {
      /* all stops first, from outside the user namespace; the starts need to be inside it */
      int status = skiff_cli_each_container_parallel (store, targets, stop_one, &o);
      skiff_cli_netholder_want (cli, targets ? targets : (char *[]){ NULL });
      if ((r = skiff_cli_store (cli, &store, err)) == 0)
        {
          int s2 = skiff_cli_each_container (store, targets, skiff_cli_start_one, NULL);
          r = status ? status : s2;
        }
    }
  skiff_cli_parse_clear (cli, &o, &res);
  return r;
}
