/* skiff unshare [COMMAND [ARG...]]: podman's; the command (default $SHELL) as root of the
 * rootless user's namespace, where `skiff mount` works (src/engine/unshare.c). */
#include "cli.h"
#include "cli/options.h"
#include "skiff/engine.h"

const struct skiff_opt *const skiff_cli_unshare_groups[] = { NULL };

int
cmd_unshare (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, NULL, &res, err);
  if (r == 1)
    return skiff_cli_help (cli);
  if (r < 0)
    return r;
  return skiff_engine_unshare (res.args, err);
}
