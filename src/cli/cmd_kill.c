/* skiff kill: send a signal (default SIGKILL) to running containers. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/monitor.h"
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
  bool stops = skiff_monitor_signal_stops (c, sig);
  if (stops && (r = skiff_monitor_mark_stopped (c, err)) < 0)
    return r;
  /* in its restart backoff there is no process: ending the restart loop is the kill (the
   * stop path also catches a respawn racing us, and kills that) */
  if (stops && c->state.status == SKIFF_CONTAINER_RESTARTING)
    {
      free (c->config.stop_signal);
      c->config.stop_signal = xasprintf ("%d", sig);
      r = skiff_monitor_stop (store, c, 0, NULL, err);
    }
  else
    r = skiff_monitor_kill (c, text, sig, err);
  if (r == 0)
    printf ("%s\n", text);
  return r;
}

int
cmd_kill (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct option opts[] = {
    { "signal", required_argument, NULL, 's' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  const char *signame = "KILL";
  struct skiff_store *store;
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":s:h", opts, NULL)) != -1)
    switch (c)
      {
      case 's':
        signame = optarg;
        break;
      case 'h':
        return skiff_cli_help (cli);
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff kill\" requires at least 1 argument.");
  int sig = skiff_monitor_parse_signal (signame, err);
  int r;
  if (sig < 0)
    return sig;
  if ((r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  return skiff_cli_each_container (store, argv + optind, kill_one, &sig);
}
