/* skiff tag SOURCE TARGET...;  skiff untag IMAGE [NAME...] */
#include <stdio.h>

#include "cli.h"
#include "skiff/cleanup.h"
#include "skiff/image.h"
#include "skiff/strv.h"

static int
parse_help_only (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  static const struct option opts[] = { SKIFF_CLI_HELP_OPTION, { NULL, 0, NULL, 0 } };
  int c;
  skiff_cli_getopt_reset ();
  while ((c = getopt_long (argc, argv, ":h", opts, NULL)) != -1)
    {
      if (c == 'h')
        return 1;
      return skiff_cli_bad_flag (cli, c, argc, argv, err);
    }
  return 0;
}

int
cmd_tag (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  int r = parse_help_only (cli, argc, argv, err);
  if (r != 0)
    return r > 0 ? skiff_cli_help (cli) : r;
  if (argc - optind < 2)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 2 arguments",
                                  cli->command->name);
  struct skiff_store *store;
  r = skiff_cli_store (cli, &store, err);
  for (int i = optind + 1; r == 0 && i < argc; i++)
    r = skiff_image_tag (store, argv[optind], argv[i], err);
  return r;
}

int
cmd_untag (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err)
{
  int r = parse_help_only (cli, argc, argv, err);
  if (r != 0)
    return r > 0 ? skiff_cli_help (cli) : r;
  if (argc - optind < 1)
    return skiff_cli_usage_error (cli, err, "\"skiff %s\" requires at least 1 argument",
                                  cli->command->name);
  struct skiff_store *store;
  r = skiff_cli_store (cli, &store, err);
  if (r == 0 && argc - optind == 1)
    return skiff_image_untag (store, argv[optind], NULL, NULL, err);
  for (int i = optind + 1; r == 0 && i < argc; i++)
    r = skiff_image_untag (store, argv[optind], argv[i], NULL, err);
  return r;
}
