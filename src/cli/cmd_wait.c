/* skiff wait: block until each container stops, print its exit code. */
#include <stdio.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/logfile.h"
#include "skiff/monitor.h"

static int
wait_one (struct skiff_store *store, const char *text, void *data, struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  int code = -1;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r == 0 && (r = skiff_engine_wait_exit (store, c, -1, &code, err)) == 0)
    {
      printf ("%d\n", code);
      fflush (stdout);
    }
  return r;
}

struct wait_opts
{
  bool latest;
  const char *interval; /* podman's polling interval: skiff waits for the exit itself */
};

static const struct skiff_opt wait_options[] = {
  SKIFF_OPT_S ("interval", 'i', struct wait_opts, interval,
               "Time Interval to wait before polling for completion"),
  SKIFF_OPT_B ("latest", 'l', struct wait_opts, latest,
               "Act on the latest container skiff is aware of"),
  SKIFF_OPT_END,
};
const struct skiff_opt *const skiff_cli_wait_groups[] = { wait_options, NULL };

int
cmd_wait (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_store *store;
  struct wait_opts o = { 0 };
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  _cleanup_free_ char *latest = NULL;
  int r = skiff_cli_parse (cli, argc, argv, &o, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  int64_t ns;
  if (r == 0 && o.latest && res.nargs > 0)
    r = skiff_error_make_status (err, 125, 0, "--latest and containers cannot be used together");
  else if (r == 0 && !o.latest && res.nargs == 0)
    r = skiff_cli_usage_error (cli, err, "\"skiff wait\" requires at least 1 argument.");
  else if (r == 0 && o.interval && skiff_logfile_parse_duration (o.interval, &ns) < 0)
    r = skiff_error_make_status (err, 125, 0, "time: invalid duration \"%s\"", o.interval);
  if (r == 0 && o.latest)
    r = skiff_cli_latest_id (cli, &latest, err);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  char *one[] = { latest, NULL };
  return skiff_cli_each_container (store, latest ? one : res.args, wait_one, NULL);
}
