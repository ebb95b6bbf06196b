/* skiff rename CONTAINER NEW_NAME */
#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"

int
cmd_rename (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  int r = skiff_cli_simple_flags (cli, argc, argv, 2, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && argc - optind != 2)
    return skiff_cli_usage_error (cli, err, "\"skiff rename\" requires exactly 2 arguments.");
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, argv[optind], &c, err)) < 0)
    return r;
  return skiff_container_rename (store, c, argv[optind + 1], err);
}
