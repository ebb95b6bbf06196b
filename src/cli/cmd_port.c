/* skiff port CONTAINER [PRIVATE_PORT[/PROTO]]: no port publishing exists yet, so there is
 * never a mapping to list. */
#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"

int
cmd_port (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_simple_flags (cli, argc, argv, 1, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0)
    return r;
  if (argc - optind > 2)
    return skiff_cli_usage_error (cli, err, "\"skiff port\" requires at most 2 arguments.");
  r = skiff_cli_load_container (store, argv[optind], &c, err);
  if (r == 0 && argc - optind == 2)
    return skiff_error_make_status (err, 1, 0, "No public port '%s' published for %s",
                                    argv[optind + 1], argv[optind]);
  return r;
}
