/* skiff tag SOURCE TARGET...;  skiff untag IMAGE [NAME...] */
#include <stdio.h>

#include "cli.h"
#include "cli/options.h"
#include "skiff/events.h"
#include "skiff/log.h"
#include "skiff/cleanup.h"
#include "skiff/image.h"
#include "skiff/strv.h"

/* tag and untag take no flags but --help */
const struct skiff_opt *const skiff_cli_no_flags_groups[] = { NULL };

int
cmd_tag (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, NULL, &res, err);
  if (r != 0)
    return r > 0 ? skiff_cli_help (cli) : r;
  if (res.nargs < 2)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 2 arguments",
                                  cli->command->name);
  struct skiff_store *store;
  r = skiff_cli_store (cli, &store, err);
  for (size_t i = 1; r == 0 && i < res.nargs; i++)
    {
      log_debug ("tag: %s as %s", res.args[0], res.args[i]);
      r = skiff_image_tag (store, res.args[0], res.args[i], err);
      if (r == 0)
        skiff_events_image (store, res.args[0], res.args[i], "tag");
    }
  return r;
}

int
cmd_untag (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  _cleanup_opts_result_ struct skiff_opts_result res = { 0 };
  int r = skiff_cli_parse (cli, argc, argv, NULL, &res, err);
  if (r != 0)
    return r > 0 ? skiff_cli_help (cli) : r;
  if (res.nargs < 1)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument",
                                  cli->command->name);
  struct skiff_store *store;
  r = skiff_cli_store (cli, &store, err);
  log_debug ("untag: %s", res.args[0]);
  if (r == 0 && res.nargs == 1
      && (r = skiff_image_untag (store, res.args[0], NULL, NULL, err)) == 0)
    skiff_events_image (store, res.args[0], NULL, "untag");
  for (size_t i = 1; r == 0 && i < res.nargs; i++)
    if ((r = skiff_image_untag (store, res.args[0], res.args[i], NULL, err)) == 0)
      skiff_events_image (store, res.args[0], res.args[i], "untag");
  return r;
}
