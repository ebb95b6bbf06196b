/* skiff kill: send a signal (default SIGKILL) to running containers. */
#include <signal.h>
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

static int
kill_one (struct skiff_store *store, const char *text, void *data, struct skiff_error **err)
{
  int sig = *(int *)data;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r < 0)
    return r;
  /* a kill that stops it: a restart policy does not bring it back (moby killWithSignal);
   * another signal leaves the policy alone */
  bool stops = skiff_engine_signal_stops (c, sig);
  if (stops && (r = skiff_engine_mark_stopped (c, err)) < 0)
    return r;
  /* in its restart backoff there is no process: ending the restart loop is the kill (the
   * stop path also catches a respawn racing us, and kills that) */
  if (stops && c->state.status == SKIFF_CONTAINER_RESTARTING)
    {
      free (c->config.stop_signal);
      c->config.stop_signal = xasprintf ("%d", sig);
      r = skiff_engine_stop (store, c, 0, NULL, err);
    }
  else
    r = skiff_engine_kill (c, text, sig, err);
  if (r == 0)
    skiff_events_container_int (store, c, "kill", "signal", sig);
  if (r == 0)
    printf ("%s\n", text);
  return r;
}

struct kill_opts
{
  const char *signal;
  struct skiff_cli_targets t;
};

static const struct skiff_opt kill_options[] = {
  { .name = "signal",
    .shorthand = 's',
    .type = SKIFF_OPT_STRING,
    .value_name = "string",
    .offset = SKIFF_OPT_FIELD (struct kill_opts, signal, const char *),
    .help = "Signal to send to the container",
    .default_text = "\"KILL\"" },
  SKIFF_OPT_B ("all", 'a', struct kill_opts, t.all, "Signal all running containers"),
  SKIFF_OPT_B ("latest", 'l', struct kill_opts, t.latest, "Act on the latest created container"),
  { .name = "cidfile",
    .type = SKIFF_OPT_STRINGS,
    .value_name = "stringArray",
    .offset = SKIFF_OPT_FIELD (struct kill_opts, t.cidfiles, char **),
    .help = "Read the container ID from the file",
    .complete = "file" },
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_kill_groups[] = { kill_options, NULL };

int
cmd_kill (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct kill_opts o = { .signal = "KILL" };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_strv_ char **targets = NULL;
  struct skiff_store *store;
  int sig = 0;
  int r = skiff_cli_targets_parse (cli, argc, argv, &o, &o.t, skiff_cli_is_running, &res, &store,
                                   &targets, err);
  if (r == 1)
    r = skiff_cli_help (cli);
  else if (r == 0 && (r = sig = skiff_engine_parse_signal (o.signal, err)) >= 0)
    r = skiff_cli_each_container (store, targets, kill_one, &sig);
  skiff_cli_parse_clear (cli, &o, &res);
  return r;
}
