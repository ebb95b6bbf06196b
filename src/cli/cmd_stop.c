/* skiff stop / restart: the stop signal, a grace period, then SIGKILL; restart starts each
 * container again afterwards.  Signals are sent from outside the user namespace (rootless), so
 * they reach container processes of any container user. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/monitor.h"
#include "skiff/xalloc.h"

struct stop_opts
{
  int timeout; /* SKIFF_MONITOR_STOP_TIMEOUT_DEFAULT: the container's own; < 0: no limit */
  const char *signal;
  bool print; /* stop prints each argument; restart prints after the start */
};

static int
parse_flags (struct skiff_cli *cli, int argc, char **argv, struct stop_opts *o,
             struct skiff_error **err)
{
  static const struct option opts[] = {
    { "time", required_argument, NULL, 't' },
    { "timeout", required_argument, NULL, 't' },
    { "signal", required_argument, NULL, 's' },
    SKIFF_CLI_HELP_OPTION,
    { NULL, 0, NULL, 0 },
  };
  int c;
  char *end;
  o->timeout = SKIFF_MONITOR_STOP_TIMEOUT_DEFAULT;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":t:s:h", opts, NULL)) != -1)
    switch (c)
      {
      case 't':
        o->timeout = (int)strtol (optarg, &end, 10);
        if (*end || end == optarg)
          return skiff_cli_usage_error (
              cli, err, "invalid argument \"%s\" for \"-t, --timeout\" flag", optarg);
        break;
      case 's':
        o->signal = optarg;
        break;
      case 'h':
        return 1;
      default:
        return skiff_cli_bad_flag (cli, c, argc, argv, err);
      }
  if (optind >= argc)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument.",
                                  cli->command->name);
  if (o->signal && skiff_monitor_parse_signal (o->signal, err) < 0)
    return -1;
  return 0;
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
  r = skiff_monitor_stop (store, c, o->timeout, NULL, err);
  if (r < 0)
    return r;
  if (o->print)
    printf ("%s\n", text);
  return 0;
}

int
cmd_stop (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct stop_opts o = { .print = true };
  struct skiff_store *store;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  return skiff_cli_each_container_parallel (store, argv + optind, stop_one, &o);
}

int
cmd_restart (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct stop_opts o = { 0 };
  struct skiff_store *store;
  int r = parse_flags (cli, argc, argv, &o, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  /* all stops first, from outside the user namespace; the starts need to be inside it */
  int status = skiff_cli_each_container_parallel (store, argv + optind, stop_one, &o);
  if ((r = skiff_cli_store (cli, &store, err)) < 0)
    return r;
  int s2 = skiff_cli_each_container (store, argv + optind, skiff_cli_start_one, NULL);
  return status ? status : s2;
}
