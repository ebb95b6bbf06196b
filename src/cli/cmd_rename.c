/* skiff rename CONTAINER NEW_NAME */
#include "cli.h"
#include "cli/options.h"
#include "skiff/cleanup.h"
#include "skiff/container.h"
#include "skiff/events.h"
#include "skiff/xalloc.h"

int
cmd_rename (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  struct skiff_store *store;
  _cleanup_container_ struct skiff_container *c = NULL;
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_simple_flags (cli, argc, argv, 0, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r == 0 && res.nargs != 2)
    return skiff_cli_usage_error (cli, err, "\"skiff rename\" requires exactly 2 arguments.");
  if (r < 0 || (r = skiff_cli_store_outside (cli, &store, err)) < 0
      || (r = skiff_cli_load_container (store, res.args[0], &c, err)) < 0)
    return r;
  _cleanup_free_ char *old = xstrdup (c->config.name);
  const char *old_name[] = { "oldName", old, NULL };
  if ((r = skiff_container_rename (store, c, res.args[1], err)) == 0)
    skiff_events_container (store, c, "rename", old_name);
  return r;
}
