/* skiff wait: block until each container stops, print its exit code. */
#include <stdio.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/monitor.h"

static int
wait_one (struct skiff_store *store, const char *text, void *data, struct skiff_error **err)
{
  _cleanup_container_ struct skiff_container *c = NULL;
  int code = -1;
  int r = skiff_cli_load_container (store, text, &c, err);
  if (r == 0 && (r = skiff_monitor_wait_exit (store, c, -1, &code, err)) == 0)
    {
      printf ("%d\n", code);
      fflush (stdout);
    }
  return r;
}

int
cmd_wait (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_store *store;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_simple_flags (cli, argc, argv, 1, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  return skiff_cli_each_container (store, res.args, wait_one, NULL);
}
