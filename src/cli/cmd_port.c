/* skiff port CONTAINER [PRIVATE_PORT[/PROTO]]: no port publishing exists yet, so there is
 * never a mapping to list. */
#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"

int
cmd_port (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_simple_flags (cli, argc, argv, 1, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && res.nargs > 2)
    return skiff_cli_usage_error (cli, err, "\"skiff port\" requires at most 2 arguments.");
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  r = skiff_cli_load_container (store, res.args[0], &c, err);
  if (r == 0 && res.nargs == 2)
    return skiff_error_make_status (err, 1, 0, "No public port '%s' published for %s", res.args[1],
                                    res.args[0]);
  return r;
}
